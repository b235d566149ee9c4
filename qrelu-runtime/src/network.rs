//! The [`Network`] trait: what every generated network implements, so the
//! checks in [`crate::check`] work on any of them.

use crate::{CheckError, NetInfo, Scalar};

/// A compiled network: its description, its export, and evaluation of the
/// network and of its target at a point given as a slice.
///
/// The `qrelu!` macro implements this for every generated struct; the
/// inherent `eval`/`target` functions it also emits take one argument per
/// input instead of a slice. A hand-written implementation (as used in
/// tests) looks like this:
///
/// ```
/// use qrelu_runtime::{CheckError, ConstRational, NetInfo, Network, Scalar, TargetTerm};
///
/// /// |x| = relu(x) + relu(−x) on [−1, 1], target |x| is not a polynomial,
/// /// so take the target x² and the bound 1/4.
/// struct Abs;
///
/// impl Network for Abs {
///     const INFO: NetInfo = NetInfo {
///         name: "Abs",
///         inputs: &["x"],
///         domain: &[(ConstRational::new("-1"), ConstRational::new("1"))],
///         target: &[TargetTerm { coef: ConstRational::new("1"), pow: &[2] }],
///         error_bound: ConstRational::new("1/4"),
///         ..qrelu_runtime::__private::STUB_INFO
///     };
///     const JSON: &'static str = "{}";
///
///     fn eval_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
///         let [x] = qrelu_runtime::__private::inputs::<T, 1>(x)?;
///         Ok(x.relu().plus(&x.negated().relu()))
///     }
///
///     fn target_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
///         Self::INFO.target_eval(x)
///     }
/// }
///
/// assert_eq!(Abs::eval_at(&[-0.5_f64]), Ok(0.5));
/// assert_eq!(
///     Abs::eval_at(&[1.0_f64, 2.0]),
///     Err(CheckError::Dimension { expected: 1, found: 2 })
/// );
/// ```
pub trait Network {
    /// The network's self-description.
    const INFO: NetInfo;

    /// The network in the `qrelu-net/1` JSON format.
    const JSON: &'static str;

    /// The network's output at `x` (one value per input), without domain
    /// checks (see [`crate::eval_checked`] for those).
    ///
    /// # Errors
    ///
    /// [`CheckError::Dimension`] if `x.len()` is not the number of inputs.
    fn eval_at<T: Scalar>(x: &[T]) -> Result<T, CheckError>;

    /// The target polynomial at `x` (one value per input).
    ///
    /// # Errors
    ///
    /// [`CheckError::Dimension`] if `x.len()` is not the number of inputs.
    fn target_at<T: Scalar>(x: &[T]) -> Result<T, CheckError>;

    /// [`eval_at`](Self::eval_at), computed the same way, from a copy of
    /// the network meant to be inlined whole into its caller: what the
    /// batch sweep ([`crate::batch`]) calls on [`crate::Lanes`], so that
    /// the copy of the sweep compiled for an instruction set runs the
    /// network on that set's vector registers. The `qrelu!` macro
    /// implements it for networks of up to 4,000 weights; the default
    /// calls `eval_at`.
    ///
    /// # Errors
    ///
    /// As [`eval_at`](Self::eval_at).
    #[doc(hidden)]
    #[inline]
    fn eval_lanes_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
        Self::eval_at(x)
    }

    /// The network at every point of a batch given as columns —
    /// `inputs[i][k]` is input `i` of point `k` — into `out[k]`, in `f64`
    /// or `f32`, several points at a time on the CPU's vector units
    /// ([`crate::batch`]), each result bit-identical to
    /// [`eval_at`](Self::eval_at) at that point. No domain checks.
    ///
    /// # Errors
    ///
    /// [`CheckError::Dimension`] if there is not one column per input,
    /// [`CheckError::BatchLength`] if a column's length is not
    /// `out.len()`.
    fn eval_batch<F: crate::batch::Float>(
        inputs: &[&[F]],
        out: &mut [F],
    ) -> Result<(), CheckError> {
        crate::batch::eval_batch::<Self, F, { crate::batch::LANES }>(inputs, out)
    }

    /// The network's exact output in fixed point at the format's integers
    /// `x` (input `i` is `x[i]·2^−F`; the output `Y` is `Y·2^−S`; the
    /// format is [`NetInfo::fixed`]): what the generated `eval_fixed`
    /// computes, with the integers widened to `i128` (any integer type
    /// that widens to it is accepted). Generic, like `eval`, so that it is
    /// compiled only where it is called.
    ///
    /// # Errors
    ///
    /// [`CheckError::Dimension`] for a wrong number of inputs,
    /// [`CheckError::OutOfFormat`] for an input outside the format, and
    /// [`CheckError::Unsupported`] when the network has no fixed-point
    /// format (the default, for hand-written networks).
    fn eval_fixed_at<X: Copy + Into<i128>>(x: &[X]) -> Result<i128, CheckError> {
        let _ = x;
        Err(CheckError::Unsupported(
            "this network has no exact fixed-point evaluation",
        ))
    }
}
