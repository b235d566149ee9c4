//! The number types generated networks compute with: the [`Scalar`] trait,
//! its implementations for `f32`, `f64` and [`Exact`], and [`relu`].

use core::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::Exact;

/// A number type a generated network can be evaluated in.
///
/// Generated code is straight-line and uses only these methods, called as
/// `T::dyadic(1, -1)`, `acc.fma(&w, &u)` and `v.relu()`. Every method takes
/// its operands by reference so the exact type does not clone needlessly.
///
/// Implemented for `f32`, `f64` (IEEE arithmetic, round to nearest) and
/// [`Exact`] (exact rational arithmetic). `Exact` also has num-traits'
/// `Zero::zero` and `ToPrimitive::to_f64`; with those traits in scope, name
/// the one meant (`<Exact as Scalar>::zero()`).
///
/// ```
/// use qrelu_runtime::{Exact, Scalar};
///
/// // 1/2·x + 3/4 at x = 1/3, in both number types.
/// fn affine<T: Scalar>(x: &T) -> T {
///     T::ratio(3, 4).fma(&T::dyadic(1, -1), x)
/// }
/// assert_eq!(affine(&Exact::ratio(1, 3)), Exact::ratio(11, 12));
/// assert!((affine(&(1.0_f64 / 3.0)) - 11.0 / 12.0).abs() < 1e-15);
/// ```
pub trait Scalar: Clone + PartialOrd + core::fmt::Debug + Sized {
    /// The value 0.
    fn zero() -> Self;

    /// The value m·2^e.
    ///
    /// Exact for [`Exact`]. For `f32` and `f64` the result is m·2^e rounded
    /// to nearest (ties to even), so it is exact whenever m·2^e is
    /// representable; values too small underflow to (signed) zero and values
    /// too large overflow to infinity.
    fn dyadic(m: i64, e: i32) -> Self;

    /// The value n/d, for d > 0.
    ///
    /// Exact for [`Exact`]; correctly rounded for `f32` and `f64`. `d = 0`
    /// is a caller error: [`Exact`] panics and the floats give an infinity
    /// or NaN.
    fn ratio(n: i64, d: u64) -> Self;

    /// The value of `q` in this type: a clone for [`Exact`], the nearest
    /// value (ties to even) for `f32` and `f64`.
    fn from_exact(q: &Exact) -> Self;

    /// The exact value of `self`, or `None` when it has none (NaN and the
    /// infinities).
    fn to_exact(&self) -> Option<Exact>;

    /// The nearest `f64` (for display and quick comparisons).
    fn to_f64(&self) -> f64;

    /// `self + rhs`.
    fn plus(&self, rhs: &Self) -> Self;

    /// `self − rhs`.
    fn minus(&self, rhs: &Self) -> Self;

    /// `self · rhs`.
    fn times(&self, rhs: &Self) -> Self;

    /// `−self`.
    fn negated(&self) -> Self;

    /// `self + w·x`, the step of a weighted sum.
    ///
    /// For floats this is *not* a fused multiply-add: the product is rounded,
    /// then the sum, so results do not depend on whether the target has an
    /// FMA instruction.
    #[inline]
    fn fma(&self, w: &Self, x: &Self) -> Self {
        self.plus(&w.times(x))
    }

    /// The rectified linear unit max(0, self).
    ///
    /// For floats, NaN stays NaN (so checks can see it) and −0 becomes +0.
    fn relu(&self) -> Self;

    /// `|self|`, which the generated code uses where a unit reads both
    /// halves of a pair `relu(s)`, `relu(−s)` with the same weight:
    /// `acc + w·relu(s) + w·relu(−s)` is `acc + w·|s|`, bit for bit in
    /// IEEE arithmetic too (one of the two is +0), with one operation of
    /// latency on the path instead of a ReLU and a product.
    ///
    /// The default is `relu(self) + relu(−self)`; floats clear the sign bit
    /// (NaN stays NaN).
    #[inline]
    fn magnitude(&self) -> Self {
        self.relu().plus(&self.negated().relu())
    }

    /// Whether `self` is NaN; always `false` for exact types.
    #[inline]
    fn is_nan(&self) -> bool {
        false
    }

    /// `f(self)` for an elementary function of the DSL, or `None` where the
    /// type has no such value (the default, and exact rationals: the values
    /// are irrational). `f64` and `f32` use libm. Only non-polynomial targets
    /// call it ([`crate::target::run`]).
    #[inline]
    fn elementary(&self, f: crate::Elementary) -> Option<Self> {
        let _ = f;
        None
    }

    /// `self / rhs`, or `None` where the type has no such value (the
    /// default; for exact rationals a zero divisor). Only targets with a
    /// quotient call it.
    #[inline]
    fn quotient(&self, rhs: &Self) -> Option<Self> {
        let _ = rhs;
        None
    }

    /// π, or `None` where the type has no such value (the default, and exact
    /// rationals).
    #[inline]
    fn pi() -> Option<Self> {
        None
    }

    /// The unit roundoff of a floating-point type — 2^−24 for `f32`,
    /// 2^−53 for `f64` — or `None` for a type whose arithmetic is exact.
    /// The grid checks allow for it ([`crate::check::SupError::rounding`]).
    #[inline]
    fn unit_roundoff() -> Option<Self> {
        None
    }
}

/// The rectified linear unit max(0, x); the same as [`Scalar::relu`].
///
/// ```
/// use qrelu_runtime::relu;
///
/// assert_eq!(relu(&-2.5_f64), 0.0);
/// assert_eq!(relu(&1.5_f32), 1.5);
/// ```
#[inline]
pub fn relu<T: Scalar>(x: &T) -> T {
    x.relu()
}

/// The largest magnitude an integer may have to convert to `f64` exactly.
const F64_EXACT_INT: u64 = 1 << f64::MANTISSA_DIGITS;
/// The largest magnitude an integer may have to convert to `f32` exactly.
const F32_EXACT_INT: u64 = 1 << f32::MANTISSA_DIGITS;

/// 2^e as an `f64`, for e in the normal range [−1022, 1023].
#[inline]
fn pow2_f64(e: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    // Biased exponent e + 1023 in bits 52..63, zero mantissa.
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// m·2^e rounded once to `f64`, for |m| ≤ 2^53 (so `m as f64` is exact).
#[inline]
fn dyadic_f64_small(m: i64, e: i32) -> f64 {
    let x = m as f64;
    if m == 0 {
        0.0
    } else if e > 1023 {
        // |m| ≥ 1, so |m·2^e| ≥ 2^1024: overflow.
        x * f64::INFINITY
    } else if e >= -1022 {
        // One multiplication by an exact power of two: one rounding.
        x * pow2_f64(e)
    } else {
        // x·2^−1022 is normal and exact because 1 ≤ |x| ≤ 2^53; the second
        // step is then the only rounding.
        let y = x * pow2_f64(-1022);
        let rest = e + 1022;
        if rest >= -1022 {
            y * pow2_f64(rest)
        } else {
            // |m·2^e| ≤ 2^(53 − 2045), far below half the least subnormal.
            y * 0.0
        }
    }
}

/// Exact m·2^e.
fn dyadic_exact(m: i64, e: i32) -> Exact {
    if m == 0 {
        return Zero::zero();
    }
    let m = BigInt::from(m);
    if e >= 0 {
        return Exact::from_integer(m << e as u64);
    }
    // Cancel the common powers of two so the result is in lowest terms
    // without a gcd.
    let shift = e.unsigned_abs() as u64;
    let common = m.trailing_zeros().unwrap_or(0).min(shift);
    Exact::new_raw(m >> common, BigInt::from(1u8) << (shift - common))
}

/// `q` rounded to the nearest `f64`, ties to even.
pub(crate) fn exact_to_f64(q: &Exact) -> f64 {
    // num-rational rounds correctly (and returns `None` only for NaN, which
    // a rational never is).
    ToPrimitive::to_f64(q).unwrap_or(f64::NAN)
}

/// `q` rounded to the nearest `f32`, ties to even.
///
/// num-traits' `to_f32` goes through `f64` and so rounds twice; this repairs
/// the one case where that differs from rounding once: the `f64` value lies
/// exactly halfway between two adjacent `f32` values while `q` does not.
fn exact_to_f32(q: &Exact) -> f32 {
    let wide = exact_to_f64(q);
    let narrow = wide as f32;
    if !wide.is_finite() || f64::from(narrow) == wide {
        return narrow;
    }
    let magnitude = wide.abs();
    let rounded = narrow.abs();
    // The adjacent positive f32 values below and above `magnitude`; above
    // f32::MAX the upper neighbour is 2^128, where rounding overflows.
    let below = if f64::from(rounded) > magnitude {
        f32::from_bits(rounded.to_bits() - 1)
    } else {
        rounded
    };
    let above = if below == f32::MAX {
        pow2_f64(128)
    } else {
        f64::from(f32::from_bits(below.to_bits() + 1))
    };
    let midpoint = (f64::from(below) + above) / 2.0;
    if magnitude != midpoint {
        return narrow;
    }
    // Halfway in f64: decide by the exact value (exact ties keep `narrow`,
    // which `as` already rounded to even).
    let mid_exact = Exact::from_float(midpoint).unwrap_or_default();
    let chosen = match q.abs().cmp(&mid_exact) {
        Ordering::Less => below,
        Ordering::Greater if below == f32::MAX => f32::INFINITY,
        Ordering::Greater => f32::from_bits(below.to_bits() + 1),
        Ordering::Equal => rounded,
    };
    if wide < 0.0 { -chosen } else { chosen }
}

/// The arithmetic shared by the float impls: plain IEEE operations (no
/// fused multiply-add, so results are predictable), a ReLU that keeps NaN
/// visible and maps −0 to +0.
macro_rules! float_arithmetic {
    ($float:ty) => {
        #[inline]
        fn plus(&self, rhs: &Self) -> Self {
            self + rhs
        }

        #[inline]
        fn minus(&self, rhs: &Self) -> Self {
            self - rhs
        }

        #[inline]
        fn times(&self, rhs: &Self) -> Self {
            self * rhs
        }

        #[inline]
        fn negated(&self) -> Self {
            -self
        }

        #[inline]
        fn relu(&self) -> Self {
            if *self > 0.0 || self.is_nan() {
                *self
            } else {
                0.0
            }
        }

        #[inline]
        fn magnitude(&self) -> Self {
            <$float>::abs(*self)
        }

        #[inline]
        fn is_nan(&self) -> bool {
            <$float>::is_nan(*self)
        }
    };
}

impl Scalar for f64 {
    #[inline]
    fn unit_roundoff() -> Option<Self> {
        Some(f64::EPSILON / 2.0)
    }

    #[inline]
    fn zero() -> Self {
        0.0
    }

    #[inline]
    fn dyadic(m: i64, e: i32) -> Self {
        if m.unsigned_abs() <= F64_EXACT_INT {
            dyadic_f64_small(m, e)
        } else {
            exact_to_f64(&dyadic_exact(m, e))
        }
    }

    #[inline]
    fn ratio(n: i64, d: u64) -> Self {
        if n.unsigned_abs() <= F64_EXACT_INT && d <= F64_EXACT_INT {
            // Both operands exact: IEEE division rounds once.
            n as f64 / d as f64
        } else {
            exact_to_f64(&Exact::new(BigInt::from(n), BigInt::from(d)))
        }
    }

    #[inline]
    fn from_exact(q: &Exact) -> Self {
        exact_to_f64(q)
    }

    #[inline]
    fn to_exact(&self) -> Option<Exact> {
        Exact::from_float(*self)
    }

    #[inline]
    fn to_f64(&self) -> f64 {
        *self
    }

    float_arithmetic!(f64);

    #[inline]
    fn elementary(&self, f: crate::Elementary) -> Option<Self> {
        Some(f.f64(*self))
    }

    #[inline]
    fn quotient(&self, rhs: &Self) -> Option<Self> {
        Some(self / rhs)
    }

    #[inline]
    fn pi() -> Option<Self> {
        Some(core::f64::consts::PI)
    }
}

impl Scalar for f32 {
    #[inline]
    fn unit_roundoff() -> Option<Self> {
        Some(f32::EPSILON / 2.0)
    }

    #[inline]
    fn zero() -> Self {
        0.0
    }

    #[inline]
    fn dyadic(m: i64, e: i32) -> Self {
        if m.unsigned_abs() > F64_EXACT_INT {
            exact_to_f32(&dyadic_exact(m, e))
        } else if e < -1022 && m != 0 {
            // |m·2^e| < 2^(53 − 1022), far below half the least f32
            // subnormal 2^−149.
            if m < 0 { -0.0 } else { 0.0 }
        } else {
            // Here the f64 value is exact (or an overflow that f32 shares),
            // so narrowing is the only rounding.
            dyadic_f64_small(m, e) as f32
        }
    }

    #[inline]
    fn ratio(n: i64, d: u64) -> Self {
        if n.unsigned_abs() <= F32_EXACT_INT && d <= F32_EXACT_INT {
            n as f32 / d as f32
        } else {
            exact_to_f32(&Exact::new(BigInt::from(n), BigInt::from(d)))
        }
    }

    #[inline]
    fn from_exact(q: &Exact) -> Self {
        exact_to_f32(q)
    }

    #[inline]
    fn to_exact(&self) -> Option<Exact> {
        Exact::from_float(*self)
    }

    #[inline]
    fn to_f64(&self) -> f64 {
        f64::from(*self)
    }

    float_arithmetic!(f32);

    #[inline]
    fn elementary(&self, f: crate::Elementary) -> Option<Self> {
        Some(f.f32(*self))
    }

    #[inline]
    fn quotient(&self, rhs: &Self) -> Option<Self> {
        Some(self / rhs)
    }

    #[inline]
    fn pi() -> Option<Self> {
        Some(core::f32::consts::PI)
    }
}

impl Scalar for Exact {
    #[inline]
    fn zero() -> Self {
        Zero::zero()
    }

    fn dyadic(m: i64, e: i32) -> Self {
        dyadic_exact(m, e)
    }

    fn ratio(n: i64, d: u64) -> Self {
        Exact::new(BigInt::from(n), BigInt::from(d))
    }

    #[inline]
    fn from_exact(q: &Exact) -> Self {
        q.clone()
    }

    #[inline]
    fn to_exact(&self) -> Option<Exact> {
        Some(self.clone())
    }

    fn to_f64(&self) -> f64 {
        exact_to_f64(self)
    }

    #[inline]
    fn plus(&self, rhs: &Self) -> Self {
        self + rhs
    }

    #[inline]
    fn minus(&self, rhs: &Self) -> Self {
        self - rhs
    }

    #[inline]
    fn times(&self, rhs: &Self) -> Self {
        self * rhs
    }

    #[inline]
    fn negated(&self) -> Self {
        -self
    }

    fn fma(&self, w: &Self, x: &Self) -> Self {
        if w.is_zero() || x.is_zero() {
            self.clone()
        } else {
            self + w * x
        }
    }

    #[inline]
    fn magnitude(&self) -> Self {
        num_traits::Signed::abs(self)
    }

    #[inline]
    fn relu(&self) -> Self {
        if self.is_positive() {
            self.clone()
        } else {
            Zero::zero()
        }
    }

    fn quotient(&self, rhs: &Self) -> Option<Self> {
        (!rhs.is_zero()).then(|| self / rhs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use proptest::prelude::*;

    /// Floats of every kind: any bit pattern (NaN, ±∞, ±0, subnormals)
    /// half the time, else a value near 1 where sums cancel.
    fn float() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<u64>().prop_map(f64::from_bits),
            prop::sample::select(vec![0.0, -0.0, 1.0, -1.0, f64::INFINITY, -f64::INFINITY]),
            (-4i64..=4, -3i32..=3).prop_map(|(m, e)| f64::dyadic(m, e)),
        ]
    }

    /// Bit for bit, or NaN for NaN (IEEE leaves the payload open).
    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The identity the generated code relies on (`Scalar::magnitude`): a
        /// sum reading `relu(s)` and `relu(−s)` with the same weight, in
        /// either order, after an accumulator or first, is the sum reading
        /// `|s|` once.
        #[test]
        fn a_pair_of_relus_is_one_abs(acc in float(), s in float(), m in prop::sample::select(vec![-2i64, -1, 1, 2]), e in -60i32..=60) {
            let w = f64::dyadic(m, e);
            let (a, b) = (s.relu(), s.negated().relu());
            let one = acc.fma(&w, &s.magnitude());
            prop_assert!(same(acc.fma(&w, &a).fma(&w, &b), one));
            prop_assert!(same(acc.fma(&w, &b).fma(&w, &a), one));
            let first = w.times(&s.magnitude());
            prop_assert!(same(w.times(&a).fma(&w, &b), first));
            prop_assert!(same(w.times(&b).fma(&w, &a), first));
            // `magnitude` against its default
            prop_assert!(same(s.magnitude(), a.plus(&b)));
            let s32 = s as f32;
            let (got, want) = (s32.magnitude(), s32.relu().plus(&s32.negated().relu()));
            prop_assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()));
        }
    }

    #[test]
    fn exact_and_default_magnitude_agree() {
        for q in [-3i64, -1, 0, 2] {
            let x = Exact::from_integer(BigInt::from(q));
            let default = x.relu().plus(&x.negated().relu());
            assert_eq!(Scalar::magnitude(&x), default);
        }
    }
}
