//! # qrelu — quantized ReLU networks, compiled from one line
//!
//! `qrelu!` turns a target polynomial and precision parameters into a ReLU
//! network whose every weight is drawn from a codebook of λ values — for
//! λ = 2 just {−1/2, 1/2} — and emits it at compile time as fully unrolled
//! Rust with exact rational weights. It makes the constructive proofs of
//! Ding, Liu & Shi, *On the Universal Approximability of Quantized ReLU
//! Neural Networks* (Props. 1–4, Theorems 1–2) executable and checkable.
//!
//! ```
//! qrelu::qrelu! {
//!     /// x² on [0, 1] with only the weights ±1/2.
//!     pub net Square(x) = x^2 where r = 6, lambda = 2;
//! }
//!
//! use qrelu::{Exact, Scalar};
//! // exact at the breakpoints k/2^r (Prop. 1, eq. 2)
//! let x = Exact::dyadic(5, -6);
//! assert_eq!(Square::eval(x.clone()), Square::target(x));
//! // within the a-priori bound 2^(−2(r+1)) everywhere (eq. 3)
//! let c = qrelu::check::certify_1d::<Square>().unwrap();
//! assert!(c.holds && c.attained);
//! assert_eq!(Square::INFO.weights, 74);
//! assert_eq!(Square::INFO.error_bound.to_f64(), 1.0 / 16384.0);
//! ```
//!
//! ## The DSL
//!
//! ```text
//! [attributes] [vis] net Name(input [in [lo, hi]], …) = polynomial where param = value, … ;
//! ```
//!
//! - one or more `net` items per invocation, each ending with `;` (optional
//!   after the last); doc comments, attributes and visibility pass through
//!   to the generated struct, `cfg` and `cfg_attr` to all its items; a
//!   `derive` of a trait the struct derives anyway (`Clone`, `Copy`,
//!   `Debug`, `Default`, `PartialEq`, `Eq`, `Hash`) is dropped;
//! - a net is a unit struct: its name cannot be an input name of the same
//!   invocation, nor `None`, `Some`, `Ok`, `Err`, a primitive type or `T`
//!   (and the first four cannot name inputs); raw identifiers (`r#type`)
//!   are named without `r#` in `INFO` and `JSON`;
//! - inputs (at least one) are identifiers with an optional domain
//!   `in [lo, hi]` (integers or `p/q`), default `[0, 1]`;
//! - the target is a polynomial: integer and `p/q` literals, `+ - *`, `^`
//!   with a non-negative integer exponent (binding tighter than `*` and unary
//!   minus), parentheses, and division by a constant;
//! - parameters: `r` (squaring depth, error 2^(−2(r+1)) per square), `t`
//!   (weight precision 2^−t; default 2(r+1)), `lambda` (codebook size,
//!   default 2), `quantization = nonlinear | linear`, `structure = direct |
//!   taylor | lipschitz`, `eps = p/q`, `max_weights = N`, and `n`, `N`,
//!   `tune = smallest` for the Taylor structure.
//!
//! Implemented today: `x^2` of one input on [0, 1], for every λ ≥ 2 (the
//! squaring network f_s^r of Prop. 1). Everything else in the grammar parses
//! and is refused with a compile error saying it is not supported yet.
//! Every mistake is a compile error pointing at the offending token.
//!
//! ## What a `net` item expands to
//!
//! For `pub net Square(x) = …;`: `pub struct Square;` with
//! `Square::eval<T: Scalar>(x: T) -> T` (straight-line, one `let` per unit,
//! named after its block: `tent3_a`, `const1_k4`), `Square::target`,
//! `Square::INFO` ([`NetInfo`]), `Square::JSON` (the `qrelu-net/1` format)
//! and an implementation of [`Network`], so the generic checks in [`check`]
//! work. Read it with `cargo expand` or
//! `RUSTC_BOOTSTRAP=1 cargo rustc --example tour -- -Zunpretty=expanded`.
//!
//! [`Scalar`] is implemented for `f32`, `f64` and [`Exact`] (an exact
//! rational). Weights are dyadic, so `f64` evaluation at dyadic inputs
//! `k/2^m` is exact — bit-identical to [`Exact`] — while every partial sum
//! fits in 53 significant bits; for f_s^r that holds when `m + 2r ≤ 52`.

pub use qrelu_macros::qrelu;
pub use qrelu_runtime::{
    BlockInfo, CheckError, ConstRational, Exact, NetInfo, Network, PartInfo, Scalar, TargetTerm,
    relu,
};

pub mod check {
    //! Error checks of a compiled network against its target:
    //!
    //! - [`certify_1d`] for one input: a *proof* of the sup error over the
    //!   whole domain, from the network's exact linear pieces
    //!   ([`certify_1d_with`] for anything that can be evaluated in any
    //!   [`Scalar`](crate::Scalar): an [`Evaluate`]);
    //! - [`sup_error_offset`] to *measure* the error in any dimension, on a
    //!   grid that avoids the dyadic points where networks are exact;
    //! - [`sup_error`] to check claims *at* grid points (the breakpoints,
    //!   the corners), which it includes;
    //! - [`sup_error_on`] for points of your own;
    //! - [`eval_checked`] to evaluate with the point checked against the
    //!   domain.
    //!
    //! The certificate comes from qrelu-core (it needs the compiler's exact
    //! machinery), the grid checks from the `no_std` runtime.

    pub use qrelu_core::certify::{Certified, Evaluate, certify_1d, certify_1d_with};
    pub use qrelu_runtime::check::{
        CheckError, SupError, eval_checked, sup_error, sup_error_offset, sup_error_on,
    };
}

#[doc(hidden)]
pub use qrelu_runtime::__private;
