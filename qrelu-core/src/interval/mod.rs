//! Rigorous enclosures: closed intervals with exact rational endpoints, and
//! the elementary functions on them ([`elementary`]).
//!
//! Non-polynomial targets (`exp(-x^2)`, `sin(3*x)/3`, …) have values that
//! are not rational, so every statement the compiler makes about them — a
//! bound, a domain check, a certified error — rests on an [`Interval`] that
//! provably contains the true value. The arithmetic is the project's exact
//! one ([`Rational`]); there is no float anywhere. Endpoints are rounded
//! *outward* onto the dyadic grid 2^(−p) ([`Interval::round_out`]) only to keep
//! their size bounded: rounding down a lower end and up an upper end never
//! loses the enclosed value.
//!
//! Why exact rationals rather than an arbitrary-precision float crate: the
//! whole compiler already reasons in [`Rational`], directed rounding is then
//! two exact integer divisions (floor and ceiling), and each elementary
//! function's enclosure is a truncated series whose remainder bound is
//! proved next to it (see [`elementary`]) and checked by tests against
//! independent computations — nothing rests on a library's claim about its
//! own rounding.
//!
//! The *inclusion property* is the contract of every operation here: if
//! `a ∈ A` and `b ∈ B` then `a ∘ b ∈ A ∘ B`. Interval arithmetic over a box
//! therefore encloses the range of an expression over that box (the natural
//! interval extension), and the enclosure shrinks when the box does.

pub mod elementary;

use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use crate::rational::{self, Rational, is_dyadic};

/// A closed interval `[lo, hi]` with exact rational ends, `lo ≤ hi`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    lo: Rational,
    hi: Rational,
}

impl Interval {
    /// `[lo, hi]`, or `None` if `lo > hi`.
    pub fn new(lo: Rational, hi: Rational) -> Option<Interval> {
        (lo <= hi).then_some(Interval { lo, hi })
    }

    /// The degenerate interval `[q, q]`.
    pub fn point(q: Rational) -> Interval {
        Interval {
            lo: q.clone(),
            hi: q,
        }
    }

    /// `[lo, hi]` with the ends in either order.
    pub fn hull_of(a: Rational, b: Rational) -> Interval {
        if rational::cmp(&a, &b).is_le() {
            Interval { lo: a, hi: b }
        } else {
            Interval { lo: b, hi: a }
        }
    }

    /// The lower end.
    pub fn lo(&self) -> &Rational {
        &self.lo
    }

    /// The upper end.
    pub fn hi(&self) -> &Rational {
        &self.hi
    }

    /// `hi − lo`.
    pub fn width(&self) -> Rational {
        &self.hi - &self.lo
    }

    /// `(lo + hi) / 2`.
    pub fn mid(&self) -> Rational {
        (&self.lo + &self.hi) / rational::int(2)
    }

    /// `max(|lo|, |hi|)`: the largest magnitude of a member.
    pub fn mag(&self) -> Rational {
        self.lo.abs().max(self.hi.abs())
    }

    /// The smallest magnitude of a member (0 if the interval contains 0).
    pub fn mig(&self) -> Rational {
        if self.contains(&Rational::zero()) {
            Rational::zero()
        } else {
            self.lo.abs().min(self.hi.abs())
        }
    }

    /// Whether `q ∈ [lo, hi]`.
    pub fn contains(&self, q: &Rational) -> bool {
        &self.lo <= q && q <= &self.hi
    }

    /// Whether `other ⊆ self`.
    pub fn encloses(&self, other: &Interval) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }

    /// Whether every member is `> 0`.
    pub fn is_positive(&self) -> bool {
        self.lo.is_positive()
    }

    /// Whether every member is `< 0`.
    pub fn is_negative(&self) -> bool {
        self.hi.is_negative()
    }

    /// The smallest interval containing both.
    pub fn hull(&self, other: &Interval) -> Interval {
        Interval {
            lo: self.lo.clone().min(other.lo.clone()),
            hi: self.hi.clone().max(other.hi.clone()),
        }
    }

    /// `self ∩ other`, or `None` if they are disjoint.
    pub fn intersect(&self, other: &Interval) -> Option<Interval> {
        Interval::new(
            self.lo.clone().max(other.lo.clone()),
            self.hi.clone().min(other.hi.clone()),
        )
    }

    /// The interval rounded outward onto the grid 2^(−p): the lower end
    /// down, the upper end up. Contains `self`; wider by less than 2^(1−p).
    pub fn round_out(&self, p: u32) -> Interval {
        Interval {
            lo: round_down(&self.lo, p),
            hi: round_up(&self.hi, p),
        }
    }

    /// The interval with each end that is *long* — numerator and
    /// denominator together above `2p` bits — rounded outward onto the grid
    /// 2^(−p), and short ends kept exact. Contains `self`. Enclosures use it
    /// to bound the growth of exact arithmetic while computations on small
    /// rationals (`abs(x - 1/3)` at `x = 1/5`) stay exact, so that an error
    /// attained on a whole interval can be decided.
    pub fn tame(&self, p: u32) -> Interval {
        let long = |q: &Rational| q.numer().bits() + q.denom().bits() > 2 * u64::from(p);
        Interval {
            lo: if long(&self.lo) {
                round_down(&self.lo, p)
            } else {
                self.lo.clone()
            },
            hi: if long(&self.hi) {
                round_up(&self.hi, p)
            } else {
                self.hi.clone()
            },
        }
    }

    /// `[lo + o.lo, hi + o.hi]`.
    pub fn add(&self, o: &Interval) -> Interval {
        Interval {
            lo: &self.lo + &o.lo,
            hi: &self.hi + &o.hi,
        }
    }

    /// `[lo − o.hi, hi − o.lo]`.
    pub fn sub(&self, o: &Interval) -> Interval {
        Interval {
            lo: &self.lo - &o.hi,
            hi: &self.hi - &o.lo,
        }
    }

    /// `[−hi, −lo]`.
    pub fn neg(&self) -> Interval {
        Interval {
            lo: -&self.hi,
            hi: -&self.lo,
        }
    }

    /// The hull of the four end products.
    pub fn mul(&self, o: &Interval) -> Interval {
        let p = [
            &self.lo * &o.lo,
            &self.lo * &o.hi,
            &self.hi * &o.lo,
            &self.hi * &o.hi,
        ];
        let lo = p.iter().min_by(|a, b| rational::cmp(a, b));
        let hi = p.iter().max_by(|a, b| rational::cmp(a, b));
        Interval {
            lo: lo.cloned().unwrap_or_default(),
            hi: hi.cloned().unwrap_or_default(),
        }
    }

    /// `q · self`.
    pub fn scale(&self, q: &Rational) -> Interval {
        Interval::hull_of(&self.lo * q, &self.hi * q)
    }

    /// `1 / self`, or `None` if the interval contains 0.
    pub fn recip(&self) -> Option<Interval> {
        if self.contains(&Rational::zero()) {
            return None;
        }
        Some(Interval {
            lo: self.hi.recip(),
            hi: self.lo.recip(),
        })
    }

    /// `self / o`, or `None` if `o` contains 0.
    pub fn div(&self, o: &Interval) -> Option<Interval> {
        Some(self.mul(&o.recip()?))
    }

    /// `self^k`, tight: even powers of an interval containing 0 start at 0.
    pub fn pow(&self, k: u32) -> Interval {
        if k == 0 {
            return Interval::point(Rational::one());
        }
        let (a, b) = (pow_q(&self.lo, k), pow_q(&self.hi, k));
        if k % 2 == 1 {
            Interval { lo: a, hi: b }
        } else if self.contains(&Rational::zero()) {
            Interval {
                lo: Rational::zero(),
                hi: a.max(b),
            }
        } else {
            Interval::hull_of(a, b)
        }
    }

    /// `{|v| : v ∈ self}`.
    pub fn abs(&self) -> Interval {
        Interval {
            lo: self.mig(),
            hi: self.mag(),
        }
    }

    /// `{min(a, b) : a ∈ self, b ∈ o}`.
    pub fn min(&self, o: &Interval) -> Interval {
        Interval {
            lo: self.lo.clone().min(o.lo.clone()),
            hi: self.hi.clone().min(o.hi.clone()),
        }
    }

    /// `{max(a, b) : a ∈ self, b ∈ o}`.
    pub fn max(&self, o: &Interval) -> Interval {
        Interval {
            lo: self.lo.clone().max(o.lo.clone()),
            hi: self.hi.clone().max(o.hi.clone()),
        }
    }

    /// The two halves `[lo, mid]` and `[mid, hi]`.
    pub fn bisect(&self) -> (Interval, Interval) {
        let m = self.mid();
        (
            Interval {
                lo: self.lo.clone(),
                hi: m.clone(),
            },
            Interval {
                lo: m,
                hi: self.hi.clone(),
            },
        )
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}, {}]",
            rational::display(&self.lo),
            rational::display(&self.hi)
        )
    }
}

/// `q^k` exactly.
fn pow_q(q: &Rational, k: u32) -> Rational {
    num_traits::pow(q.clone(), k as usize)
}

/// The largest multiple of 2^(−p) that is `≤ q`.
pub fn round_down(q: &Rational, p: u32) -> Rational {
    if q.denom().bits() <= u64::from(p) + 1 && is_dyadic(q) {
        return q.clone();
    }
    Rational::new((q.numer() << p).div_floor(q.denom()), BigInt::one() << p)
}

/// The smallest multiple of 2^(−p) that is `≥ q`.
pub fn round_up(q: &Rational, p: u32) -> Rational {
    if q.denom().bits() <= u64::from(p) + 1 && is_dyadic(q) {
        return q.clone();
    }
    Rational::new((q.numer() << p).div_ceil(q.denom()), BigInt::one() << p)
}

#[cfg(test)]
mod tests;
