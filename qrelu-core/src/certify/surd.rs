//! Exact arithmetic in a real quadratic field Q(√m): the critical points of
//! a cubic error are roots of a quadratic, and the certified check decides
//! everything about them (inside a piece? |e| there above the bound?) with
//! rational arithmetic alone.

use core::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use super::piece::{add, mul};
use qrelu_runtime::Exact;

/// A real number u + v·√m with rational u, v and a positive integer m that
/// is not a perfect square, so √m is irrational and (u, v) is unique.
///
/// Two surds combined by an operation must share m (debug-asserted).
#[derive(Clone, Debug)]
pub(crate) struct Surd {
    /// The rational part u.
    u: Exact,
    /// The coefficient v of √m.
    v: Exact,
    /// The radicand m > 0, not a square.
    m: Rc<BigInt>,
}

impl Surd {
    /// u + v·√m. The caller guarantees that m > 0 is not a perfect square
    /// (see [`square_root`]).
    pub(crate) fn new(u: Exact, v: Exact, m: Rc<BigInt>) -> Self {
        debug_assert!(m.is_positive() && !is_square(&m));
        Surd { u, v, m }
    }

    /// The rational q as an element of the same field Q(√m).
    pub(crate) fn rational_in_field(&self, q: Exact) -> Self {
        Surd {
            u: q,
            v: Zero::zero(),
            m: self.m.clone(),
        }
    }

    /// self + q.
    pub(crate) fn plus(&self, q: &Exact) -> Self {
        Surd {
            u: add(&self.u, q),
            v: self.v.clone(),
            m: self.m.clone(),
        }
    }

    // (u + v√m)(u' + v'√m) = (u·u' + v·v'·m) + (u·v' + v·u')√m
    pub(crate) fn times(&self, rhs: &Self) -> Self {
        debug_assert_eq!(self.m, rhs.m, "surds of different fields");
        let m = Exact::from_integer((*self.m).clone());
        Surd {
            u: add(&mul(&self.u, &rhs.u), &mul(&mul(&self.v, &rhs.v), &m)),
            v: add(&mul(&self.u, &rhs.v), &mul(&self.v, &rhs.u)),
            m: self.m.clone(),
        }
    }

    /// −self.
    pub(crate) fn negated(&self) -> Self {
        Surd {
            u: -&self.u,
            v: -&self.v,
            m: self.m.clone(),
        }
    }

    /// The sign of u + v·√m, decided exactly.
    ///
    /// If u and v do not have opposite signs the answer is the sign of the
    /// non-zero one. Otherwise compare the squares of the two terms:
    /// |u| > |v|·√m ⇔ u² > v²·m, and equality is impossible because √m is
    /// irrational (it would make √m = |u/v| rational); the larger term wins.
    pub(crate) fn signum(&self) -> Ordering {
        let su = self.u.cmp(&Exact::zero());
        let sv = self.v.cmp(&Exact::zero());
        if sv.is_eq() || su == sv {
            return su;
        }
        if su.is_eq() {
            return sv;
        }
        let m = Exact::from_integer((*self.m).clone());
        let uu = mul(&self.u, &self.u);
        let vvm = mul(&mul(&self.v, &self.v), &m);
        if uu > vvm { su } else { sv }
    }

    /// How self compares with the rational q: the sign of self − q.
    pub(crate) fn cmp_rational(&self, q: &Exact) -> Ordering {
        self.plus(&-q).signum()
    }

    /// |self| ≤ q, decided exactly: −q ≤ self ≤ q.
    pub(crate) fn abs_at_most(&self, q: &Exact) -> bool {
        self.cmp_rational(q).is_le() && self.negated().cmp_rational(q).is_le()
    }

    /// Rationals lo < self < hi with hi − lo = |v|·2^(−bits), from the
    /// enclosure of √m by [`sqrt_bounds`].
    pub(crate) fn enclose(&self, bits: u64) -> (Exact, Exact) {
        let (s_lo, s_hi) = sqrt_bounds(&self.m, bits);
        // u + v·s is monotone in s, so its values at the ends of
        // [s_lo, s_hi] enclose u + v·√m.
        let at_lo = add(&self.u, &mul(&self.v, &s_lo));
        let at_hi = add(&self.u, &mul(&self.v, &s_hi));
        if at_lo <= at_hi {
            (at_lo, at_hi)
        } else {
            (at_hi, at_lo)
        }
    }

    /// The rational u + v·s_lo, with s_lo ≤ √m < s_lo + 2^(−bits): a
    /// rational point within |v|·2^(−bits) of self.
    pub(crate) fn approximate(&self, bits: u64) -> Exact {
        let (s_lo, _) = sqrt_bounds(&self.m, bits);
        add(&self.u, &mul(&self.v, &s_lo))
    }
}

/// Whether the integer n ≥ 0 is a perfect square.
fn is_square(n: &BigInt) -> bool {
    let s = n.sqrt();
    &s * &s == *n
}

/// The square root of a rational D ≥ 0: `Ok(√D)` if it is rational,
/// otherwise `Err((m, d))` with √D = √m / d, m a positive non-square
/// integer.
///
/// With D = n/d in lowest terms, √D = √(n·d)/d, and D is the square of a
/// rational exactly when n·d is the square of an integer (n and d are
/// coprime, so both must be squares).
pub(crate) fn square_root(d: &Exact) -> Result<Exact, (BigInt, BigInt)> {
    debug_assert!(!d.is_negative());
    let nd = d.numer() * d.denom();
    let s = nd.sqrt();
    if &s * &s == nd {
        Ok(Exact::new(s, d.denom().clone()))
    } else {
        Err((nd, d.denom().clone()))
    }
}

// s = ⌊√(m·4^bits)⌋ ⇒ s/2^bits ≤ √m < (s + 1)/2^bits; strict on the left
// too when m is not a square, since then m·4^bits is not one either.
fn sqrt_bounds(m: &BigInt, bits: u64) -> (Exact, Exact) {
    let scale = BigInt::one() << bits;
    let s = (m << (2 * bits)).sqrt();
    let lo = Exact::new(s.clone(), scale.clone());
    let hi = Exact::new(s + 1, scale);
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: u64) -> Exact {
        <Exact as qrelu_runtime::Scalar>::ratio(n, d)
    }

    fn surd(u: Exact, v: Exact, m: i64) -> Surd {
        Surd::new(u, v, Rc::new(BigInt::from(m)))
    }

    #[test]
    fn signs_of_easy_surds() {
        assert_eq!(surd(q(1, 1), q(1, 1), 2).signum(), Ordering::Greater);
        assert_eq!(surd(q(-1, 1), q(-1, 1), 2).signum(), Ordering::Less);
        assert_eq!(surd(q(0, 1), q(-1, 3), 2).signum(), Ordering::Less);
        assert_eq!(surd(q(0, 1), q(0, 1), 2).signum(), Ordering::Equal);
        // 3 − 2√2 ≈ 0.17 > 0; 1 − √2 < 0.
        assert_eq!(surd(q(3, 1), q(-2, 1), 2).signum(), Ordering::Greater);
        assert_eq!(surd(q(1, 1), q(-1, 1), 2).signum(), Ordering::Less);
    }

    #[test]
    fn sign_survives_near_cancellation() {
        // Convergents p/q of √2 with p² − 2q² = ±1: p − q·√2 = ±1/(p + q√2)
        // is about ±7.5e-7 and ±1.8e-6, far below the terms' f64 resolution.
        let above = surd(q(665_857, 1), q(-470_832, 1), 2);
        assert_eq!(above.signum(), Ordering::Greater);
        let below = surd(q(275_807, 1), q(-195_025, 1), 2);
        assert_eq!(below.signum(), Ordering::Less);
        // (u + v√2)^8 for u/v a convergent: ~1e-48, still positive.
        let mut p = above.clone();
        for _ in 0..3 {
            p = p.times(&p);
        }
        assert_eq!(p.signum(), Ordering::Greater);
        assert!(p.enclose(256).1 < q(1, 1_000_000_000_000_000_000));
    }

    #[test]
    fn rational_square_roots_are_recognised() {
        assert_eq!(square_root(&q(9, 4)), Ok(q(3, 2)));
        assert_eq!(square_root(&q(0, 1)), Ok(q(0, 1)));
        assert_eq!(
            square_root(&q(2, 3)),
            Err((BigInt::from(6), BigInt::from(3)))
        );
        assert_eq!(square_root(&q(8, 1)), Err((BigInt::from(8), BigInt::one())));
    }

    #[test]
    fn enclosures_contain_the_value() {
        // √2 ∈ (1.41421356, 1.41421357)
        let r2 = surd(q(0, 1), q(1, 1), 2);
        let (lo, hi) = r2.enclose(64);
        assert!(lo > q(141_421_356, 100_000_000) && hi < q(141_421_357, 100_000_000));
        assert!(&hi - &lo <= Exact::new(BigInt::one(), BigInt::one() << 64));
        // Squares: lo² < 2 < hi².
        assert!(&lo * &lo < q(2, 1) && &hi * &hi > q(2, 1));
        let a = r2.approximate(64);
        assert!(lo <= a && a < hi);
        // A negative coefficient flips the ends.
        let (lo, hi) = r2.negated().enclose(8);
        assert!(lo < hi && hi < q(-1, 1));
        assert!(r2.abs_at_most(&lo.abs()) && !r2.abs_at_most(&hi.abs()));
        assert_eq!(r2.cmp_rational(&q(3, 2)), Ordering::Less);
    }
}
