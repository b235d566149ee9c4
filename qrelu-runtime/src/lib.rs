//! Runtime support for networks compiled by the `qrelu!` macro.
//!
//! The macro turns a target into a fully unrolled ReLU network at compile
//! time; the code it generates is generic over a [`Scalar`] (`f32`, `f64` or
//! the exact rational [`Exact`]) and describes itself with a [`NetInfo`]
//! constant. This crate holds what that code calls, and the error checks
//! that need nothing but evaluation:
//!
//! - [`scalar`]: the [`Scalar`] trait and [`relu`];
//! - [`info`]: [`NetInfo`] and the compile-time constants it is made of;
//! - [`network`]: the [`Network`] trait every generated network implements;
//! - [`check`]: checked evaluation and grid sup errors;
//! - [`batch`]: [`Lanes`], the lane type `eval_batch` runs the generic
//!   code on, several points at a time on the vector units, and [`Isa`],
//!   the instruction set (baseline, AVX2, AVX-512) it is compiled for;
//! - [`fixed`]: [`Fixed`], the integer type `eval_fixed` runs the generic
//!   code on, exactly and without floating point, and [`FixedInfo`].
//!
//! The crate is `no_std` and needs only `alloc`; the default `std` feature
//! enables `std` in the number crates it is built on, and the run-time
//! detection of AVX2 and AVX-512 that batches use.
//!
//! # Where things live
//!
//! **qrelu-core depends on this crate, not the other way round.** The
//! compiler's model needs the types generated code is written against —
//! [`Scalar`] for its one evaluator (`qrelu_core::eval`, generic over every
//! number type, so the core, the tests and the studies evaluate networks the
//! same way), [`Exact`] as its rational type — while generated code must not
//! pull the compiler in: this crate stays `no_std`, small and free of the
//! construction machinery. The facts a network states about itself
//! ([`NetInfo`]) are computed once, by the core (`qrelu_core::Construction`),
//! and the macro writes them here as constants: this crate only reads them.
//!
//! **Certification lives in qrelu-core** (`qrelu_core::certify`, re-exported
//! by the facade as `qrelu::check::certify_1d`): a certificate needs the
//! compiler's exact machinery — piecewise-affine arithmetic, surds,
//! Bernstein enclosures, and next the rigorous enclosures of elementary
//! functions — which has no place in a `no_std` runtime.
//!
//! ```
//! use qrelu_runtime::{Exact, Scalar};
//!
//! let half = Exact::dyadic(1, -1);
//! assert_eq!(half.to_f64(), 0.5);
//! assert_eq!(f64::dyadic(-3, -2), -0.75);
//! assert_eq!(Exact::ratio(-1, 3).relu(), Exact::zero());
//! ```
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod batch;
pub mod check;
pub mod fixed;
pub mod info;
pub mod network;
pub mod scalar;
pub mod target;

pub use batch::{Isa, Lanes};
pub use check::{CheckError, SupError, eval_checked, sup_error, sup_error_offset, sup_error_on};
pub use fixed::Fixed;
pub use info::{BlockInfo, ConstRational, FixedInfo, NetInfo, PartInfo, TargetTerm};
pub use network::Network;
pub use scalar::{Scalar, relu};
pub use target::{Elementary, TargetOp};

/// The exact scalar: an arbitrary-precision rational number.
///
/// Every value a compiled network computes on dyadic inputs is dyadic, so
/// evaluating the generated code with `Exact` reproduces the compiler's own
/// exact evaluation.
pub type Exact = num_rational::BigRational;

/// Items the generated code names through `::qrelu::__private`; not a public
/// API.
#[doc(hidden)]
pub mod __private {
    pub use crate::batch::{Float, Isa, eval_batch, eval_batch_on};
    pub use crate::{
        BlockInfo, CheckError, ConstRational, Elementary, Exact, Fixed, FixedInfo, Lanes, NetInfo,
        Network, PartInfo, Scalar, TargetOp, TargetTerm, relu,
    };

    /// The `NetInfo` of the stub items the macro emits after a compile error:
    /// no inputs, no target, every count zero.
    pub const STUB_INFO: NetInfo = NetInfo {
        name: "",
        inputs: &[],
        domain: &[],
        target: &[],
        target_expr: "",
        target_program: &[],
        structure: "",
        quantization: "",
        lambda: 0,
        r: None,
        t: None,
        n: None,
        grid: None,
        intervals: None,
        cells: None,
        codebook: &[],
        weights: 0,
        nonzero_biases: 0,
        units: 0,
        depth: 0,
        width: 0,
        bits: 0,
        honest_bits: 0,
        error_bound: ConstRational::new("0"),
        blocks: &[],
        parts: &[],
        fixed: None,
    };

    /// Splits an input slice into exactly `N` owned inputs, or reports the
    /// mismatch as [`CheckError::Dimension`]: the first line of a
    /// hand-written [`Network::eval_at`] (tests and docs write them as
    /// `let [x, y] = inputs::<T, 2>(x)?;`; generated code checks the length
    /// itself and indexes).
    #[inline]
    pub fn inputs<T: Clone, const N: usize>(x: &[T]) -> Result<[T; N], CheckError> {
        match <&[T; N]>::try_from(x) {
            Ok(array) => Ok(array.clone()),
            Err(_) => Err(CheckError::Dimension {
                expected: N,
                found: x.len(),
            }),
        }
    }
}
