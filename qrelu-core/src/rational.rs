//! Exact arithmetic: the arbitrary-precision rational type every construction,
//! bound and check in qrelu-core uses, and the few helpers the paper's
//! formulas need (powers of two, exact integer roots, parsing and printing).

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

/// An exact, arbitrary-precision rational number.
pub type Rational = num_rational::BigRational;

/// `a` against `b` by cross-multiplication (denominators are positive):
/// one product each, where `Ratio`'s own `cmp` walks the continued
/// fractions of both, a long division per step — the cost that dominated
/// interval arithmetic on long rationals.
///
/// ```
/// use qrelu_core::rational::{cmp, ratio};
/// assert_eq!(cmp(&ratio(1, 3), &ratio(2, 7)), std::cmp::Ordering::Greater);
/// ```
pub fn cmp(a: &Rational, b: &Rational) -> std::cmp::Ordering {
    if a.denom() == b.denom() {
        return a.numer().cmp(b.numer());
    }
    (a.numer() * b.denom()).cmp(&(b.numer() * a.denom()))
}

/// The integer `n` as a [`Rational`].
pub fn int(n: i64) -> Rational {
    Rational::from_integer(BigInt::from(n))
}

/// The rational `n / d`, reduced.
///
/// # Panics
/// If `d == 0` (a programming error in the caller, never user input).
pub fn ratio(n: i64, d: i64) -> Rational {
    Rational::new(BigInt::from(n), BigInt::from(d))
}

/// `2^e` exactly, for any integer exponent.
pub fn pow2(e: i64) -> Rational {
    // 2^e = 2^|e| or 1 / 2^|e|
    let p = BigInt::one() << e.unsigned_abs();
    if e >= 0 {
        Rational::from_integer(p)
    } else {
        Rational::new(BigInt::one(), p)
    }
}

/// If `q = ±2^e` returns `Some(e)`.
pub fn power_of_two_exponent(q: &Rational) -> Option<i64> {
    let n = q.numer().abs();
    let d = q.denom();
    let is_pow2 = |x: &BigInt| x.is_positive() && (x & (x - BigInt::one())).is_zero();
    if n.is_one() && is_pow2(d) {
        Some(-(d.bits() as i64 - 1))
    } else if d.is_one() && is_pow2(&n) {
        Some(n.bits() as i64 - 1)
    } else {
        None
    }
}

/// Whether `q` is dyadic: its reduced denominator is a power of two.
pub fn is_dyadic(q: &Rational) -> bool {
    let d = q.denom();
    (d & (d - BigInt::one())).is_zero()
}

/// Writes `q` as `m · 2^e` with `m` odd (or `m = 0, e = 0`), if `q` is dyadic.
pub fn to_dyadic(q: &Rational) -> Option<(BigInt, i64)> {
    if q.is_zero() {
        return Some((BigInt::zero(), 0));
    }
    if !is_dyadic(q) {
        return None;
    }
    let mut m = q.numer().clone();
    let mut e = -(q.denom().bits() as i64 - 1);
    // strip factors of two from an integer numerator
    let tz = m.trailing_zeros().unwrap_or(0);
    if tz > 0 {
        m >>= tz;
        e += tz as i64;
    }
    Some((m, e))
}

/// `⌈n^(1/k)⌉` for `n ≥ 0`, `k ≥ 1`, computed exactly on integers.
pub fn ceil_root(n: u64, k: u32) -> u64 {
    if k == 1 || n <= 1 {
        return n;
    }
    let n_big = BigInt::from(n);
    let floor = n_big.nth_root(k);
    if num_traits::pow(floor.clone(), k as usize) == n_big {
        u64::try_from(floor).unwrap_or(u64::MAX)
    } else {
        u64::try_from(floor + 1).unwrap_or(u64::MAX)
    }
}

/// `⌈log2 n⌉` for `n ≥ 1` (`0` for `n = 1`).
pub fn ceil_log2(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        64 - (n - 1).leading_zeros()
    }
}

/// Parses `"p"` or `"p/q"` (optionally signed) into a reduced rational.
pub fn parse(s: &str) -> Option<Rational> {
    let s = s.trim();
    let (n, d) = match s.split_once('/') {
        Some((n, d)) => (n.trim(), d.trim()),
        None => (s, "1"),
    };
    let n: BigInt = n.parse().ok()?;
    let d: BigInt = d.parse().ok()?;
    if d.is_zero() {
        return None;
    }
    Some(Rational::new(n, d))
}

/// Prints `q` as `"p"` or `"p/q"` in lowest terms (the `qrelu-net/1` form).
pub fn display(q: &Rational) -> String {
    if q.denom().is_one() {
        q.numer().to_string()
    } else {
        format!("{}/{}", q.numer(), q.denom())
    }
}

/// The nearest `f64` to `q` (for plots and tables only, never for checks).
pub fn to_f64(q: &Rational) -> f64 {
    num_traits::ToPrimitive::to_f64(q).unwrap_or(f64::NAN)
}

/// `|q|`.
pub fn abs(q: &Rational) -> Rational {
    q.abs()
}

/// `max(q, 0)`, the ReLU on exact values.
pub fn relu(q: &Rational) -> Rational {
    if q.is_negative() {
        Rational::zero()
    } else {
        q.clone()
    }
}

/// `⌊q⌋` as an integer.
pub fn floor(q: &Rational) -> BigInt {
    q.numer().div_floor(q.denom())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_of_two_round_trip() {
        for e in -70..70 {
            assert_eq!(power_of_two_exponent(&pow2(e)), Some(e));
            assert_eq!(power_of_two_exponent(&-pow2(e)), Some(e));
        }
        assert_eq!(power_of_two_exponent(&ratio(3, 4)), None);
        assert_eq!(power_of_two_exponent(&int(0)), None);
    }

    #[test]
    fn dyadic_decomposition() {
        assert_eq!(to_dyadic(&ratio(3, 8)), Some((BigInt::from(3), -3)));
        assert_eq!(to_dyadic(&int(12)), Some((BigInt::from(3), 2)));
        assert_eq!(to_dyadic(&ratio(-5, 1)), Some((BigInt::from(-5), 0)));
        assert_eq!(to_dyadic(&ratio(1, 3)), None);
    }

    #[test]
    fn integer_roots_are_ceilings() {
        assert_eq!(ceil_root(16, 2), 4);
        assert_eq!(ceil_root(17, 2), 5);
        assert_eq!(ceil_root(14, 1), 14);
        assert_eq!(ceil_root(8, 3), 2);
        assert_eq!(ceil_root(9, 3), 3);
        assert_eq!(ceil_root(1, 5), 1);
        assert_eq!(ceil_log2(1), 0);
        assert_eq!(ceil_log2(2), 1);
        assert_eq!(ceil_log2(3), 2);
        assert_eq!(ceil_log2(4), 2);
    }

    #[test]
    fn parse_and_display() {
        assert_eq!(parse("-6/8"), Some(ratio(-3, 4)));
        assert_eq!(display(&ratio(-3, 4)), "-3/4");
        assert_eq!(display(&int(7)), "7");
        assert_eq!(parse("1/0"), None);
        assert_eq!(parse("x"), None);
    }
}
