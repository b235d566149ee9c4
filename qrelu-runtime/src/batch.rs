//! Batch evaluation on the CPU's vector units: [`Lanes`], a [`Scalar`] of
//! `N` floats evaluated side by side, and [`eval_batch`], which runs a
//! network's generated code on `N` points at a time.
//!
//! The generated `eval` is generic over its number type, so a lane type is
//! all it takes: each operation of the network is applied to `N` values
//! at once, as a loop over an array that the compiler turns into vector
//! instructions. Every lane performs exactly the IEEE operations of the
//! scalar evaluation, in the same order (no fused multiply-add, no
//! reassociation), so each lane's result is bit-identical to scalar
//! `eval` at that point — except that a NaN may differ in sign and
//! payload, which IEEE 754 and Rust leave unspecified (the vector and
//! scalar instructions propagate different NaNs): NaN exactly where
//! scalar evaluation gives NaN.
//!
//! ```
//! use qrelu_runtime::{Lanes, Scalar};
//!
//! let x = Lanes([0.25_f64, -1.0, 3.0, 0.5]);
//! let y = Lanes::<f64, 4>::dyadic(1, -1).times(&x).plus(&Lanes::dyadic(-1, -3)).relu();
//! assert_eq!(y.0, [0.0, 0.0, 1.375, 0.125]);
//! ```

use alloc::vec::Vec;

use crate::{CheckError, Elementary, Exact, Network, Scalar};

/// `N` floats evaluated side by side: each [`Scalar`] operation is the
/// scalar one applied to every lane (`f64` or `f32` semantics exactly).
///
/// `to_exact` is the lanes' common exact value when they all hold the same
/// number (`None` otherwise), `to_f64` the first lane's, `is_nan` whether
/// any lane is NaN; comparisons (`PartialOrd`) are lexicographic over the
/// lanes (network evaluation never compares).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Lanes<F, const N: usize>(pub [F; N]);

/// The lanes per step of [`eval_batch`] unless a network chooses: 8 for
/// `f64` and `f32` alike (two to four vector registers' worth on x86-64,
/// enough independent work to hide latencies). Generated networks choose
/// by size (fewer lanes for large networks, whose values stop fitting the
/// registers; measured in `benches/eval.rs`).
pub const LANES: usize = 8;

/// The float types batches are evaluated in: `f64` and `f32`.
pub trait Float: Scalar + Copy + PartialEq + private::Sealed {}

impl Float for f64 {}
impl Float for f32 {}

mod private {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
}

impl<F: Float, const N: usize> Lanes<F, N> {
    /// Every lane `v`.
    #[inline(always)]
    pub const fn splat(v: F) -> Self {
        Lanes([v; N])
    }

    #[inline(always)]
    fn map(&self, f: impl Fn(&F) -> F) -> Self {
        let mut out = self.0;
        for v in &mut out {
            *v = f(v);
        }
        Lanes(out)
    }

    #[inline(always)]
    fn zip(&self, rhs: &Self, f: impl Fn(&F, &F) -> F) -> Self {
        let mut out = self.0;
        for (v, r) in out.iter_mut().zip(&rhs.0) {
            *v = f(v, r);
        }
        Lanes(out)
    }
}

impl<F: Float, const N: usize> Scalar for Lanes<F, N> {
    #[inline(always)]
    fn zero() -> Self {
        Self::splat(F::zero())
    }

    #[inline(always)]
    fn dyadic(m: i64, e: i32) -> Self {
        Self::splat(F::dyadic(m, e))
    }

    #[inline]
    fn ratio(n: i64, d: u64) -> Self {
        Self::splat(F::ratio(n, d))
    }

    #[inline]
    fn from_exact(q: &Exact) -> Self {
        Self::splat(F::from_exact(q))
    }

    fn to_exact(&self) -> Option<Exact> {
        let first = self.0.first()?;
        if self.0.iter().all(|v| v == first) {
            first.to_exact()
        } else {
            None
        }
    }

    fn to_f64(&self) -> f64 {
        self.0.first().map_or(f64::NAN, Scalar::to_f64)
    }

    #[inline(always)]
    fn plus(&self, rhs: &Self) -> Self {
        self.zip(rhs, F::plus)
    }

    #[inline(always)]
    fn minus(&self, rhs: &Self) -> Self {
        self.zip(rhs, F::minus)
    }

    #[inline(always)]
    fn times(&self, rhs: &Self) -> Self {
        self.zip(rhs, F::times)
    }

    #[inline(always)]
    fn negated(&self) -> Self {
        self.map(F::negated)
    }

    #[inline(always)]
    fn fma(&self, w: &Self, x: &Self) -> Self {
        // the scalar `fma`: rounded product, then rounded sum
        let mut out = self.0;
        for ((v, w), x) in out.iter_mut().zip(&w.0).zip(&x.0) {
            *v = v.plus(&w.times(x));
        }
        Lanes(out)
    }

    #[inline(always)]
    fn relu(&self) -> Self {
        self.map(F::relu)
    }

    fn is_nan(&self) -> bool {
        self.0.iter().any(Scalar::is_nan)
    }

    fn elementary(&self, f: Elementary) -> Option<Self> {
        let mut out = self.0;
        for v in &mut out {
            *v = v.elementary(f)?;
        }
        Some(Lanes(out))
    }

    fn quotient(&self, rhs: &Self) -> Option<Self> {
        let mut out = self.0;
        for (v, r) in out.iter_mut().zip(&rhs.0) {
            *v = v.quotient(r)?;
        }
        Some(Lanes(out))
    }

    fn pi() -> Option<Self> {
        F::pi().map(Self::splat)
    }

    fn unit_roundoff() -> Option<Self> {
        F::unit_roundoff().map(Self::splat)
    }
}

/// The network `Net` at every point of a batch given as columns — `inputs[i][k]`
/// is input `i` of point `k` — into `out[k]`, `N` points at a time on the
/// vector units ([`Lanes`]), bit-identical to scalar evaluation point by
/// point (a NaN's sign and payload excepted, module docs). No domain checks
/// (as `eval`).
///
/// # Errors
///
/// [`CheckError::Dimension`] if there is not one column per input, and
/// [`CheckError::BatchLength`] if a column's length is not `out.len()`;
/// `out` is then untouched.
pub fn eval_batch<Net, F, const N: usize>(inputs: &[&[F]], out: &mut [F]) -> Result<(), CheckError>
where
    Net: Network + ?Sized,
    F: Float,
{
    let dim = Net::INFO.inputs.len();
    if inputs.len() != dim {
        return Err(CheckError::Dimension {
            expected: dim,
            found: inputs.len(),
        });
    }
    if let Some((input, column)) = inputs
        .iter()
        .enumerate()
        .find(|(_, c)| c.len() != out.len())
    {
        return Err(CheckError::BatchLength {
            input,
            expected: out.len(),
            found: column.len(),
        });
    }
    let mut point: Vec<Lanes<F, N>> = Vec::with_capacity(dim);
    let zero = F::zero();
    for (start, chunk) in (0..).step_by(N).zip(out.chunks_mut(N)) {
        point.clear();
        point.extend(inputs.iter().map(|column| {
            // the last chunk is padded with zeros, whose results are dropped
            let mut lanes = [zero; N];
            for (lane, v) in lanes.iter_mut().zip(&column[start..]) {
                *lane = *v;
            }
            Lanes(lanes)
        }));
        let y = Net::eval_at(&point)?;
        chunk.copy_from_slice(&y.0[..chunk.len()]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every lane is the scalar operation, bit for bit, NaN and −0
        /// included.
        #[test]
        fn lanes_are_scalars(
            a in proptest::array::uniform4(any::<f64>()),
            b in proptest::array::uniform4(any::<f64>()),
            c in proptest::array::uniform4(any::<f64>()),
        ) {
            let (la, lb, lc) = (Lanes(a), Lanes(b), Lanes(c));
            type Op = fn(&f64, &f64, &f64) -> f64;
            let cases: [(Lanes<f64, 4>, Op); 6] = [
                (la.plus(&lb), |a, b, _| a.plus(b)),
                (la.minus(&lb), |a, b, _| a.minus(b)),
                (la.times(&lb), |a, b, _| a.times(b)),
                (la.fma(&lb, &lc), |a, b, c| a.fma(b, c)),
                (la.relu(), |a, _, _| a.relu()),
                (la.negated(), |a, _, _| a.negated()),
            ];
            for (got, want) in cases {
                for k in 0..4 {
                    prop_assert_eq!(got.0[k].to_bits(), want(&a[k], &b[k], &c[k]).to_bits());
                }
            }
            let narrow = Lanes(a.map(|v| v as f32)).fma(&Lanes(b.map(|v| v as f32)), &Lanes(c.map(|v| v as f32)));
            for k in 0..4 {
                prop_assert_eq!(narrow.0[k].to_bits(), (a[k] as f32).fma(&(b[k] as f32), &(c[k] as f32)).to_bits());
            }
        }
    }

    #[test]
    fn exact_only_when_the_lanes_agree() {
        assert_eq!(
            Lanes::<f64, 3>::dyadic(3, -2).to_exact(),
            Some(<Exact as Scalar>::dyadic(3, -2))
        );
        assert_eq!(Lanes([1.0_f64, 2.0]).to_exact(), None);
        assert!(Lanes([1.0_f32, f32::NAN]).is_nan());
    }
}
