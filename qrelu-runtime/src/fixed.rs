//! Exact fixed-point evaluation with integer adds and shifts only: the
//! [`Fixed`] scalar, the number type of a network's `eval_fixed`.
//!
//! Every weight of a codebook network is dyadic, `m·2^−k` with a small
//! odd `m` (`±1` for the nonlinear codebooks), so on inputs with `F`
//! fractional bits every value the network computes is a multiple of
//! `2^−S` for a scale `S` the compiler derives from the weights
//! (`qrelu_core::fixed`, *One scale*). [`Fixed<I, S>`] holds such a value
//! as the integer `v·2^S` in `I` (`i32`, `i64` or `i128`), and applies a
//! weight as an arithmetic right shift by `k` followed by a multiplication
//! by `m`: no floating-point operation, no rounding. The compiler checks,
//! by exact interval arithmetic over the domain, that every shift drops
//! only zero bits and that every intermediate value fits `I`; it records
//! the format in [`NetInfo::fixed`](crate::NetInfo::fixed) and the
//! generated `eval_fixed` refuses inputs outside it.
//!
//! ```
//! use qrelu_runtime::{Fixed, Scalar};
//!
//! type Q = Fixed<i32, 8>; // v·2^8 in an i32
//! let x = Q::from_raw(3 << 6); // 3/4
//! let half = Q::dyadic(1, -1); // 1/2
//! let y = half.times(&x).plus(&Q::dyadic(-1, -3)); // 3/8 − 1/8
//! assert_eq!(y.raw(), 64); // 1/4 · 2^8
//! assert_eq!(y.relu().raw(), 64);
//! assert_eq!(Q::dyadic(-1, 0).fma(&half, &x).relu().raw(), 0); // relu(−1 + 3/8)
//! ```
#![deny(clippy::float_arithmetic)]

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};

use crate::{Exact, Scalar};

/// An exact fixed-point number `raw·2^−shift` with `shift ≤ S`, stored in
/// the integer type `I`: a *value* (`shift = S`, the integer `v·2^S`) or a
/// *constant* made by [`Scalar::dyadic`] (`m·2^−k`, kept with its own
/// `k` so that a weight applies as `(V >> k)·m`).
///
/// The [`Scalar`] operations, at scale `S`:
///
/// - `plus`, `minus`, `negated` and `relu` are integer `+`, `−`, negation
///   and `max(0, ·)` on values;
/// - `times` with a constant `c = m·2^−k` is `(V >> k)·m`, exact when the
///   value `V` is a multiple of `2^k` — the compiler's plan guarantees it
///   for every edge of a network; the product of two values is
///   `⌊a·b·2^S⌋` (computed exactly, then rounded toward −∞), which only
///   targets use, and targets are not evaluated in fixed point;
/// - `dyadic(m, e)` is exact when `−e ≤ S`, and otherwise rounds toward
///   −∞ to a multiple of `2^−S`; `ratio` and `from_exact` round to the
///   nearest multiple of `2^−S` (ties toward +∞).
///
/// Overflow is not checked: the compiler chooses `I` and `S` so that no
/// value inside the format overflows (a debug build panics if one does).
///
/// Comparisons (`==`, `<`) compare the numbers, whatever their form.
#[derive(Clone, Copy)]
pub struct Fixed<I, const S: u32> {
    raw: I,
    shift: u32,
}

macro_rules! fixed_impl {
    ($int:ty) => {
        impl<const S: u32> Fixed<$int, S> {
            /// The value `raw·2^−S`.
            #[inline(always)]
            pub const fn from_raw(raw: $int) -> Self {
                Fixed { raw, shift: S }
            }

            /// The integer `v·2^S` of this number `v` (exact: every
            /// `Fixed` is a multiple of `2^−S`).
            #[inline(always)]
            pub const fn raw(&self) -> $int {
                self.raw << (S - self.shift)
            }

            /// The integer `⌊q·2^S + 1/2⌋`, wrapped into the type.
            fn nearest(q: &Exact) -> Self {
                let scaled = q * Exact::from_integer(BigInt::one() << S);
                let half = Exact::new(BigInt::one(), BigInt::from(2u8));
                let n = (scaled + half).floor().to_integer();
                Self::from_raw(Self::wrap(&n))
            }

            /// `⌊a·b·2^S⌋` for two values, exactly then toward −∞ (never on
            /// a network's path: out of line).
            #[cold]
            #[inline(never)]
            fn product_of_values(a: &Self, b: &Self) -> Self {
                let p = BigInt::from(a.raw) * BigInt::from(b.raw);
                Self::from_raw(Self::wrap(&(p >> S)))
            }

            /// `n` reduced into the type's range (two's complement).
            fn wrap(n: &BigInt) -> $int {
                let modulus = BigInt::one() << <$int>::BITS;
                let mut r = n.mod_floor(&modulus);
                if r >= (&modulus >> 1u32) {
                    r -= modulus;
                }
                <$int>::try_from(r).unwrap_or(0)
            }
        }

        impl<const S: u32> Scalar for Fixed<$int, S> {
            #[inline(always)]
            fn zero() -> Self {
                Self::from_raw(0)
            }

            #[inline(always)]
            fn dyadic(m: i64, e: i32) -> Self {
                // `m` is a codebook mantissa: small, so the cast keeps it.
                let m = m as $int;
                if e >= 0 {
                    Fixed {
                        raw: m << e,
                        shift: 0,
                    }
                } else if e.unsigned_abs() <= S {
                    Fixed {
                        raw: m,
                        shift: e.unsigned_abs(),
                    }
                } else {
                    let drop = e.unsigned_abs() - S;
                    let raw = if drop >= <$int>::BITS {
                        if m < 0 { -1 } else { 0 }
                    } else {
                        m >> drop
                    };
                    Self::from_raw(raw)
                }
            }

            fn ratio(n: i64, d: u64) -> Self {
                Self::nearest(&Exact::new(BigInt::from(n), BigInt::from(d)))
            }

            fn from_exact(q: &Exact) -> Self {
                Self::nearest(q)
            }

            fn to_exact(&self) -> Option<Exact> {
                Some(Exact::new(BigInt::from(self.raw()), BigInt::one() << S))
            }

            fn to_f64(&self) -> f64 {
                crate::scalar::exact_to_f64(&self.to_exact().unwrap_or_else(<Exact as Zero>::zero))
            }

            #[inline(always)]
            fn plus(&self, rhs: &Self) -> Self {
                Self::from_raw(self.raw() + rhs.raw())
            }

            #[inline(always)]
            fn minus(&self, rhs: &Self) -> Self {
                Self::from_raw(self.raw() - rhs.raw())
            }

            #[inline(always)]
            fn times(&self, rhs: &Self) -> Self {
                if self.shift == S && rhs.shift == S {
                    return Self::product_of_values(self, rhs);
                }
                // the constant is the operand with fewer fractional bits
                let (c, v) = if self.shift <= rhs.shift {
                    (self, rhs)
                } else {
                    (rhs, self)
                };
                Self::from_raw((v.raw() >> c.shift) * c.raw)
            }

            #[inline(always)]
            fn negated(&self) -> Self {
                Fixed {
                    raw: -self.raw,
                    shift: self.shift,
                }
            }

            #[inline(always)]
            fn relu(&self) -> Self {
                Self::from_raw(self.raw().max(0))
            }

            #[inline(always)]
            fn magnitude(&self) -> Self {
                Fixed {
                    raw: self.raw.abs(),
                    shift: self.shift,
                }
            }

            #[inline(always)]
            fn fma(&self, w: &Self, x: &Self) -> Self {
                self.plus(&w.times(x))
            }
        }
    };
}

fixed_impl!(i32);
fixed_impl!(i64);
fixed_impl!(i128);

macro_rules! fixed_traits {
    ($int:ty) => {
        impl<const S: u32> PartialEq for Fixed<$int, S> {
            fn eq(&self, other: &Self) -> bool {
                self.raw() == other.raw()
            }
        }

        impl<const S: u32> Eq for Fixed<$int, S> {}

        impl<const S: u32> PartialOrd for Fixed<$int, S> {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl<const S: u32> Ord for Fixed<$int, S> {
            fn cmp(&self, other: &Self) -> Ordering {
                self.raw().cmp(&other.raw())
            }
        }

        impl<const S: u32> Hash for Fixed<$int, S> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.raw().hash(state);
            }
        }

        impl<const S: u32> fmt::Debug for Fixed<$int, S> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}·2^-{}", self.raw(), S)
            }
        }

        impl<const S: u32> fmt::Display for Fixed<$int, S> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.to_exact() {
                    Some(q) => write!(f, "{q}"),
                    None => f.write_str("?"),
                }
            }
        }
    };
}

fixed_traits!(i32);
fixed_traits!(i64);
fixed_traits!(i128);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use proptest::prelude::*;

    type Q = Fixed<i64, 20>;

    fn exact(m: i64, e: i32) -> Exact {
        <Exact as Scalar>::dyadic(m, e)
    }

    #[test]
    fn constants_are_exact_up_to_the_scale() {
        assert_eq!(Q::dyadic(3, -20).raw(), 3);
        assert_eq!(Q::dyadic(-1, 0).raw(), -(1 << 20));
        assert_eq!(Q::dyadic(5, 2).raw(), 20 << 20);
        // below the scale: toward −∞
        assert_eq!(Q::dyadic(3, -21).raw(), 1);
        assert_eq!(Q::dyadic(-3, -21).raw(), -2);
        assert_eq!(Q::dyadic(-1, -200).raw(), -1);
        assert_eq!(Q::dyadic(0, -200).raw(), 0);
        assert_eq!(Q::ratio(1, 3).raw(), 349_525); // ⌊2^20/3 + 1/2⌋
        assert_eq!(Q::ratio(-1, 2).raw(), -(1 << 19));
        assert_eq!(Q::from_exact(&exact(7, -3)).to_exact(), Some(exact(7, -3)));
    }

    #[test]
    fn comparisons_see_numbers_not_forms() {
        let c = Q::dyadic(1, -1);
        let v = Q::from_raw(1 << 19);
        assert_eq!(c, v);
        assert!(Q::dyadic(-1, -3) < Q::zero());
        assert_eq!(format!("{:?}", c), "524288·2^-20");
        assert_eq!(format!("{}", Q::dyadic(-3, -2)), "-3/4");
    }

    #[test]
    fn a_product_of_values_rounds_down() {
        let a = Q::from_raw(3); // 3·2^−20
        let b = Q::from_raw(1 << 19); // 1/2
        assert_eq!(a.times(&b).raw(), 1); // ⌊3/2⌋
        assert_eq!(a.negated().times(&b).raw(), -2);
    }

    proptest! {
        /// Every operation a network uses, against exact rationals, where
        /// the operands are in the form the compiler's plan guarantees: a
        /// value that is a multiple of 2^k for a weight m·2^−k.
        #[test]
        fn network_steps_are_exact(
            bias in -(1i64 << 30)..(1i64 << 30),
            terms in proptest::collection::vec((-7i64..=7, 0u32..=12, -(1i64 << 28)..(1i64 << 28)), 0..8),
        ) {
            let mut acc = Q::from_raw(bias);
            let mut want = exact(bias, -20);
            for (m, k, v) in terms {
                let value = Q::from_raw(v << k); // a multiple of 2^k
                let weight = Q::dyadic(m, -(k as i32));
                acc = acc.fma(&weight, &value);
                want += exact(m, -(k as i32)) * exact(v << k, -20);
                prop_assert_eq!(acc.to_exact(), Some(want.clone()));
            }
            let r = acc.relu();
            let zero = <Exact as Zero>::zero();
            prop_assert_eq!(r.to_exact(), Some(if want > zero { want } else { zero }));
        }

        #[test]
        fn narrow_and_wide_types_agree(v in -(1i32 << 20)..(1i32 << 20), k in 0u32..8) {
            let v = v << 8;
            let n = Fixed::<i32, 16>::dyadic(-3, -(k as i32)).times(&Fixed::<i32, 16>::from_raw(v));
            let w = Fixed::<i128, 16>::dyadic(-3, -(k as i32)).times(&Fixed::<i128, 16>::from_raw(i128::from(v)));
            prop_assert_eq!(i128::from(n.raw()), w.raw());
        }
    }
}
