//! # qrelu — quantized ReLU networks, compiled from one line
//!
//! `qrelu!` turns a target — a polynomial, or an expression with `exp log
//! sqrt sin cos tanh atan abs min max`, quotients and `pi` — and precision
//! parameters into a ReLU
//! network whose every weight is drawn from a codebook of λ values — for
//! λ = 2 just {−1/2, 1/2} — and emits it at compile time as fully unrolled
//! Rust with exact rational weights and an exact a-priori error bound. It
//! makes the constructive proofs of Ding, Liu & Shi, *On the Universal
//! Approximability of Quantized ReLU Neural Networks* (Props. 1–4,
//! Theorems 1–2) executable and checkable.
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
//! // within the a-priori bound 2^(−2(r+1)) everywhere (eq. 3): a proof
//! let c = qrelu::check::certify_1d::<Square>().unwrap();
//! assert!(c.holds && c.attained);
//! assert_eq!(Square::INFO.weights, 74);
//! assert_eq!(Square::INFO.error_bound.to_f64(), 1.0 / 16384.0);
//!
//! // many points at once on the vector units, bit-identical to `eval`
//! let xs = [0.1, 0.25, 0.7];
//! let mut out = [0.0; 3];
//! Square::eval_batch(&[&xs], &mut out).unwrap();
//! assert_eq!(out[2], Square::eval(0.7));
//! // exactly in integers: inputs X·2^−F, the output Y·2^−S (INFO.fixed)
//! let f = Square::INFO.fixed.unwrap();
//! let y = Square::eval_fixed(5i32 << (f.frac_bits - 6)).unwrap();
//! assert_eq!(f.output_value(y.into()), Square::eval(Exact::dyadic(5, -6)));
//! ```
//!
//! ## What is implemented
//!
//! Polynomial targets of any number of inputs, in three constructions
//! (`structure = …`), every codebook of λ ≥ 2 values, nonlinear (Prop. 3,
//! eq. 9) or linear (Section 4.4):
//!
//! **`direct`** (the default): each monomial from shared products ×′
//! (Prop. 2) and squares f_s^r (Prop. 1), each coefficient through Prop. 3's
//! weight sub-network, on `[0, 1]` or `[−1, 1]` per input.
//!
//! ```
//! qrelu::qrelu! {
//!     pub net Product(x in [-1, 1], y in [-1, 1]) = x*y where r = 6, lambda = 3;
//! }
//! let s = qrelu::check::sup_error_offset::<Product, f64>(20).unwrap();
//! assert!(s.holds, "{s}");
//! assert_eq!(Product::INFO.structure, "direct");
//! assert!(Product::INFO.codebook.len() == 3);
//! ```
//!
//! Targets that are not polynomials build with `direct` too: products
//! through ×′, `abs`/`min`/`max` exactly with ReLUs, each function and
//! reciprocal as a piecewise-linear sub-network on the enclosed range of
//! its argument, with a proved bound — and with `taylor` and `lipschitz`
//! below when they lie in those theorems' classes (proved from enclosures
//! of their derivatives); the generated `target` evaluates them in
//! `f64`/`f32` (libm) and refuses exact rationals.
//!
//! ```
//! qrelu::qrelu! {
//!     pub net Bell(x in [-1, 1]) = exp(-x^2) where eps = 1/64;
//! }
//! assert_eq!(Bell::INFO.target_expr, "exp(-x^2)");
//! let x = 0.375_f64;
//! let error = (Bell::eval(x) - Bell::target(x).unwrap()).abs();
//! assert!(error <= 1.0 / 64.0);
//! assert!(Bell::target(qrelu::Exact::from_integer(0.into())).is_err());
//! ```
//!
//! **`taylor`** (Theorem 1): the function-independent network for targets in
//! F_{d,n} (every derivative of order ≤ n within 1 on `[0, 1]^d`, proved at
//! compile time) — a partition of unity of bumps on the grid `m/N` (eqs.
//! 11–13) times the Taylor terms (eqs. 15–24), `N`, `r`, `t` from `eps` by
//! eqs. 26–28, or the smallest network meeting `eps` with `tune = smallest`.
//!
//! ```
//! qrelu::qrelu! {
//!     pub net Smooth(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, N = 4, r = 5;
//! }
//! let c = qrelu::check::certify_1d::<Smooth>().unwrap();
//! assert!(c.holds, "{c}");
//! assert_eq!(Smooth::INFO.part("B_h").map(|p| p.instances), Some(5)); // one bump per m
//! ```
//!
//! **`lipschitz`** (Theorem 2): one input on `[0, 1]`, Lipschitz constant ≤ 1
//! (proved at compile time) — the interpolant of the transform f̃ (eqs.
//! 31–33, Prop. 4) plus cached functions (Fig. 4, Table 2), with `T` and
//! the cells `m` from `eps`.
//!
//! ```
//! qrelu::qrelu! {
//!     pub net Wiggle(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/64;
//! }
//! let c = qrelu::check::certify_1d::<Wiggle>().unwrap();
//! assert!(c.holds && Wiggle::INFO.error_bound.to_f64() <= 1.0 / 64.0);
//! assert_eq!(Wiggle::INFO.intervals, Some(64)); // T = 2^τ, the smallest with (2^−t + 1/m)/T ≤ ε
//! ```
//!
//! Every network is strict: each weight is a codebook value, each bias a
//! codebook value or 0 (constants come from constant units), and
//! `INFO.error_bound` is a rigorous bound computed in exact arithmetic.
//! Every mistake in an invocation is a compile error pointing at the
//! offending tokens and saying what is accepted.
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
//!   minus), parentheses, and division by a constant.
//!
//! Parameters after `where`, comma separated, in any order, each at most
//! once:
//!
//! | parameter | values | default |
//! | --- | --- | --- |
//! | `r` | squaring depth 1..=32: f_s^r errs by at most 2^−2(r+1) (eq. 3) | required unless `eps` (or `structure = lipschitz`) |
//! | `t` | weight precision 1..=128: every weight within 2^−t | 2(r + 1), or chosen from `eps` |
//! | `lambda` | codebook size 2..=16 | 2, the codebook {−1/2, 1/2} |
//! | `quantization` | `nonlinear` (powers of two, Prop. 3) or `linear` (Section 4.4) | `nonlinear` |
//! | `structure` | `direct`, `taylor` or `lipschitz` | `direct` |
//! | `eps` | target error `p/q` in (0, 1): the parameters not given are chosen to meet it | none |
//! | `max_weights` | refuse networks *estimated* above this many weights (the estimate is made before building) | 1000000 |
//! | `n` | Taylor order 1..=8 (`taylor`) | required unless `tune = smallest` |
//! | `N` | Taylor grid 1..=1024 (`taylor`) | from `eps` (eq. 28) |
//! | `tune` | `smallest`: with `eps`, the network with the fewest weights whose exact bound meets it | off: the paper's parameters |
//!
//! ## Limits, and why
//!
//! - **λ ≤ 16**: codebook indices of at most 4 bits. The nonlinear codebook's
//!   smallest value is 2^−b^(λ−2) with b = ⌈t^(1/(λ−1))⌉ ≥ 2; from λ = 12 on
//!   (b = 2, which holds for t ≤ 2^(λ−1)) it is below 2^−1022, the range of
//!   `f64`, and the codebook is refused with a message saying so.
//! - **r ≤ 32**: f_s^r has 2^r pieces; at r = 32 its error 2^−66 is far below
//!   what `f64` evaluation resolves, and `f64` stays exact at the breakpoints
//!   k/2^r only while input bits + 2r ≤ 52.
//! - **t ≤ 128**: a weight within 2^−128 of its value is already exact in
//!   every float type; a larger t only adds trie nodes.
//! - **degree ≤ 64, at most 10,000 monomials, coefficients of at most 4,096
//!   bits** after exact expansion: targets are expanded exactly at compile
//!   time, and these keep a typo like `(x + y)^64` from costing minutes.
//! - **integer parts of coefficients below 2^62** (of `|c|·2` for a term):
//!   Prop. 3 builds the integer part of a weight by doubling units, counted
//!   in a `u64`.
//! - **n ≤ 8, N ≤ 1024**: every multi-index of order below n is a term at
//!   each of the (N + 1)^d grid points; beyond these the networks pass any
//!   practical `max_weights` (N = 1024 is 10^6 points for d = 2) and the
//!   F_{d,n} check and the `tune` search slow down.
//!
//! ## What a `net` item expands to
//!
//! For `pub net Square(x) = …;`: `pub struct Square;` with
//! `Square::eval<T: Scalar>(x: T) -> T` (straight-line, one `let` per
//! computed unit, named after its block: `tent3_a`, `const1_k4`; copies of a
//! unit are computed once), `Square::target`,
//! `Square::INFO` ([`NetInfo`], whose `Display` prints the tour's columns),
//! `Square::JSON` (the `qrelu-net/1` format) and an implementation of
//! [`Network`], so the generic checks in [`check`] work. Read it with
//! `cargo expand` or `RUSTC_BOOTSTRAP=1 cargo rustc --example tour --
//! -Zunpretty=expanded`.
//!
//! [`Scalar`] is implemented for `f32`, `f64` and [`Exact`] (an exact
//! rational). Weights are dyadic, so `f64` evaluation at dyadic inputs
//! `k/2^m` is exact — bit-identical to [`Exact`] — while every partial sum
//! fits in 53 significant bits; for f_s^r that holds when `m + 2r ≤ 52`.
//!
//! ## The crates
//!
//! This facade is all a user depends on. Behind it: `qrelu-macros` (the
//! `qrelu!` entry, a few lines), `qrelu-syntax` (the DSL's parser,
//! validator, lowering and expansion), `qrelu-core` (the compiler's model:
//! exact rationals, codebooks, the network IR, the constructions, bounds,
//! certificates, the JSON exporter; usable at run time for studies) and
//! `qrelu-runtime` (what generated code calls: `no_std`, small).

pub use qrelu_macros::qrelu;
pub use qrelu_runtime::{
    BlockInfo, CheckError, ConstRational, Elementary, Exact, Fixed, FixedInfo, Isa, Lanes, NetInfo,
    Network, PartInfo, Scalar, TargetOp, TargetTerm, relu,
};
pub use qrelu_runtime::{batch, fixed};

pub mod check {
    //! Error checks of a compiled network against its target:
    //!
    //! - [`certify`] for any number of inputs: a *proof* enclosing the sup
    //!   error over the whole domain in `[lower, upper]` (within 1% by
    //!   default; [`certify_with`] takes a tolerance, a box budget and a
    //!   progress callback), by branch and bound over input boxes from the
    //!   network's data — with two inputs ending, where a bound is attained
    //!   where ReLUs switch, in the network's exact linear regions
    //!   (triangles), which prove it;
    //! - [`certify_1d`] for one input: the sup error from the network's
    //!   exact linear pieces ([`certify_1d_with`] for anything that can be
    //!   evaluated in any [`Scalar`](crate::Scalar): an [`Evaluate`];
    //!   [`certify_1d_options`] takes a piece or time budget and a progress
    //!   callback, [`SweepOptions`]);
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

    pub use qrelu_core::certify::{
        Certificate, Certified, Evaluate, Options, Progress, SweepOptions, SweepProgress, certify,
        certify_1d, certify_1d_options, certify_1d_with, certify_1d_with_options, certify_with,
    };
    pub use qrelu_runtime::check::{
        CheckError, SupError, eval_checked, sup_error, sup_error_offset, sup_error_on,
    };
}

#[doc(hidden)]
pub use qrelu_runtime::__private;
