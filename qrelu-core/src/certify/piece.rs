//! The symbolic scalar behind the certified 1-D check: evaluating generated
//! code in [`Piece`] yields the network's exact affine piece to the right of
//! a point, and where that piece ends.

use core::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use qrelu_runtime::{Exact, Scalar};

/// An affine function x ↦ a·x + c of the (single) input, valid on the
/// half-open interval [x0, hi).
///
/// The input is `Piece::input(x0)`; constants have a = 0 and no x0. Every
/// ReLU met while evaluating fixes its state on [x0, ·) and, if that state
/// changes further right, shrinks `hi` to the unit's root, so the final value
/// is the network exactly on [x0, hi) — and, the network being continuous, on
/// [x0, hi]. A product of two input-dependent values is not affine: it sets
/// `poisoned` and the value is meaningless.
#[derive(Clone, Debug)]
pub(crate) struct Piece {
    /// The slope a.
    a: Exact,
    /// The intercept c.
    c: Exact,
    /// The evaluation point x0; `None` for values built from constants only.
    x0: Option<Rc<Exact>>,
    /// The right end of the validity interval; `None` is +∞.
    hi: Option<Rc<Exact>>,
    /// Set by a non-affine operation.
    poisoned: bool,
}

impl Piece {
    /// The input x itself (a = 1, c = 0), evaluated to the right of `x0`.
    pub(crate) fn input(x0: Rc<Exact>) -> Self {
        Piece {
            a: Exact::from_integer(1.into()),
            c: Zero::zero(),
            x0: Some(x0),
            hi: None,
            poisoned: false,
        }
    }

    /// A constant (a = 0) valid everywhere.
    fn constant(c: Exact) -> Self {
        Piece {
            a: Zero::zero(),
            c,
            x0: None,
            hi: None,
            poisoned: false,
        }
    }

    /// The slope a.
    pub(crate) fn slope(&self) -> &Exact {
        &self.a
    }

    /// The intercept c.
    pub(crate) fn intercept(&self) -> &Exact {
        &self.c
    }

    /// The right end of the validity interval (`None` = +∞).
    pub(crate) fn end(&self) -> Option<&Exact> {
        self.hi.as_deref()
    }

    /// Whether a non-affine operation was met.
    pub(crate) fn is_poisoned(&self) -> bool {
        self.poisoned
    }

    /// The value a·x0 + c at the evaluation point (c for constants).
    fn at_start(&self) -> Exact {
        match &self.x0 {
            Some(x0) if !self.a.is_zero() => add(&mul(&self.a, x0), &self.c),
            _ => self.c.clone(),
        }
    }

    /// The combination of two pieces' bookkeeping with new coefficients:
    /// the smaller right end, whichever evaluation point is known.
    fn combine(&self, rhs: &Self, a: Exact, c: Exact) -> Self {
        Piece {
            a,
            c,
            x0: self.x0.clone().or_else(|| rhs.x0.clone()),
            hi: min_end(&self.hi, &rhs.hi),
            poisoned: self.poisoned || rhs.poisoned,
        }
    }

    /// The piece with the same bookkeeping and new coefficients.
    fn with(&self, a: Exact, c: Exact) -> Self {
        Piece {
            a,
            c,
            x0: self.x0.clone(),
            hi: self.hi.clone(),
            poisoned: self.poisoned,
        }
    }
}

/// The smaller of two right ends (`None` = +∞).
fn min_end(l: &Option<Rc<Exact>>, r: &Option<Rc<Exact>>) -> Option<Rc<Exact>> {
    match (l, r) {
        (None, end) | (end, None) => end.clone(),
        (Some(p), Some(q)) => {
            if Rc::ptr_eq(p, q) || cmp(p, q).is_le() {
                Some(p.clone())
            } else {
                Some(q.clone())
            }
        }
    }
}

/// `end` shrunk to `root` if `root` is smaller.
fn shrink(end: &Option<Rc<Exact>>, root: Exact) -> Option<Rc<Exact>> {
    match end {
        Some(e) if cmp(e, &root).is_le() => Some(e.clone()),
        _ => Some(Rc::new(root)),
    }
}

// Generated networks have dyadic weights and biases, so nearly every
// coefficient is n/2^k. num-rational reduces every result with a binary gcd,
// which dominates the sweep; for dyadic operands the helpers below align
// exponents instead and cancel only trailing zero bits, and fall back to
// the general operations otherwise.

// x / y, for y ≠ 0; dividing by ±2^i/2^j is a shift.
pub(crate) fn div(x: &Exact, y: &Exact) -> Exact {
    let (Some(j), Some(k)) = (log2_exact(x.denom()), log2_exact(y.denom())) else {
        return x / y;
    };
    let Some(i) = log2_exact(y.numer()) else {
        return x / y;
    };
    // (n/2^j) / (±2^i/2^k) = ±n·2^k / 2^(i+j)
    let n = scaled(x, 0, k);
    dyadic(if y.is_negative() { -n } else { n }, i + j)
}

/// k if `d` = 2^k.
fn log2_exact(d: &BigInt) -> Option<u64> {
    let k = d.trailing_zeros()?;
    (d.bits() == k + 1).then_some(k)
}

/// n/2^k in lowest terms.
fn dyadic(n: BigInt, k: u64) -> Exact {
    let Some(zeros) = n.trailing_zeros() else {
        return Zero::zero();
    };
    let s = zeros.min(k);
    let n = if s == 0 { n } else { n >> s };
    Exact::new_raw(n, BigInt::one() << (k - s))
}

/// The numerator of n/2^j over 2^l (l ≥ j).
fn scaled(x: &Exact, j: u64, l: u64) -> BigInt {
    if l == j {
        x.numer().clone()
    } else {
        x.numer() << (l - j)
    }
}

// n/2^j ⋚ m/2^k ⇔ n·2^(l−j) ⋚ m·2^(l−k)
//
// Also correct for fractions not in lowest terms (the sweep's queue keys),
// as long as the denominators are positive.
pub(crate) fn cmp(x: &Exact, y: &Exact) -> Ordering {
    match (log2_exact(x.denom()), log2_exact(y.denom())) {
        (Some(j), Some(k)) if j == k => x.numer().cmp(y.numer()),
        (Some(j), Some(k)) => {
            let l = j.max(k);
            scaled(x, j, l).cmp(&scaled(y, k, l))
        }
        _ => cross_cmp(x, y),
    }
}

// n/d ⋚ m/e ⇔ n·e ⋚ m·d for d, e > 0: two short products, where
// num-rational's `Ord` runs a division per continued-fraction step.
fn cross_cmp(x: &Exact, y: &Exact) -> Ordering {
    let (sx, sy) = (x.numer().sign(), y.numer().sign());
    if sx != sy || sx == num_bigint::Sign::NoSign {
        return sx.cmp(&sy);
    }
    if x.denom() == y.denom() {
        return x.numer().cmp(y.numer());
    }
    (x.numer() * y.denom()).cmp(&(y.numer() * x.denom()))
}

/// The sign of a·x + c, without forming it in lowest terms.
pub(crate) fn sign_of_affine(a: &Exact, x: &Exact, c: &Exact) -> Ordering {
    if a.is_zero() || x.is_zero() {
        return c.numer().sign().cmp(&num_bigint::Sign::NoSign);
    }
    // a·x + c > 0 ⇔ a·x > −c, with a·x = (a_n·x_n)/(a_d·x_d) unreduced
    let ax = Exact::new_raw(a.numer() * x.numer(), a.denom() * x.denom());
    cmp(&ax, &-c)
}

// n/2^j ± m/2^k = (n·2^(l−j) ± m·2^(l−k))/2^l with l = max(j, k)
fn add_or_sub(x: &Exact, y: &Exact, subtract: bool) -> Exact {
    match (log2_exact(x.denom()), log2_exact(y.denom())) {
        (Some(j), Some(k)) => {
            let l = j.max(k);
            let n = scaled(x, j, l);
            let m = scaled(y, k, l);
            dyadic(if subtract { n - m } else { n + m }, l)
        }
        _ if subtract => x - y,
        _ => x + y,
    }
}

/// x + y.
pub(crate) fn add(x: &Exact, y: &Exact) -> Exact {
    if y.is_zero() {
        x.clone()
    } else if x.is_zero() {
        y.clone()
    } else {
        add_or_sub(x, y, false)
    }
}

/// x − y.
pub(crate) fn sub(x: &Exact, y: &Exact) -> Exact {
    if y.is_zero() {
        x.clone()
    } else if x.is_zero() {
        -y
    } else {
        add_or_sub(x, y, true)
    }
}

// (n/2^j)·(m/2^k) = n·m/2^(j+k)
pub(crate) fn mul(x: &Exact, y: &Exact) -> Exact {
    if x.is_zero() || y.is_zero() {
        return Zero::zero();
    }
    match (log2_exact(x.denom()), log2_exact(y.denom())) {
        (Some(j), Some(k)) => dyadic(x.numer() * y.numer(), j + k),
        _ => x * y,
    }
}

impl PartialEq for Piece {
    /// Equal as affine functions (bookkeeping ignored).
    fn eq(&self, other: &Self) -> bool {
        self.a == other.a && self.c == other.c
    }
}

impl PartialOrd for Piece {
    /// Ordered only when both are constant on their intervals (or equal);
    /// generated code never compares scalars, so this exists for the trait
    /// bound alone.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        if self == other {
            Some(Ordering::Equal)
        } else if self.a.is_zero() && other.a.is_zero() {
            self.c.partial_cmp(&other.c)
        } else {
            None
        }
    }
}

impl Scalar for Piece {
    fn zero() -> Self {
        Piece::constant(Zero::zero())
    }

    fn dyadic(m: i64, e: i32) -> Self {
        Piece::constant(Exact::dyadic(m, e))
    }

    fn ratio(n: i64, d: u64) -> Self {
        Piece::constant(Exact::ratio(n, d))
    }

    fn from_exact(q: &Exact) -> Self {
        Piece::constant(q.clone())
    }

    /// The value, if it is constant on the piece.
    fn to_exact(&self) -> Option<Exact> {
        (self.a.is_zero() && !self.poisoned).then(|| self.c.clone())
    }

    /// The value at x0, for debugging.
    fn to_f64(&self) -> f64 {
        self.at_start().to_f64()
    }

    // (a, c) + (a', c') = (a + a', c + c')
    fn plus(&self, rhs: &Self) -> Self {
        self.combine(rhs, add(&self.a, &rhs.a), add(&self.c, &rhs.c))
    }

    // (a, c) − (a', c') = (a − a', c − c')
    fn minus(&self, rhs: &Self) -> Self {
        self.combine(rhs, sub(&self.a, &rhs.a), sub(&self.c, &rhs.c))
    }

    // (0, k)·(a, c) = (k·a, k·c); two slopes would make a quadratic.
    fn times(&self, rhs: &Self) -> Self {
        let (k, p) = if self.a.is_zero() {
            (&self.c, rhs)
        } else if rhs.a.is_zero() {
            (&rhs.c, self)
        } else {
            let mut poisoned = self.combine(rhs, Zero::zero(), Zero::zero());
            poisoned.poisoned = true;
            return poisoned;
        };
        self.combine(rhs, mul(k, &p.a), mul(k, &p.c))
    }

    fn negated(&self) -> Self {
        self.with(-&self.a, -&self.c)
    }

    // (a, c) + (0, k)·(a', c') = (a + k·a', c + k·c')
    fn fma(&self, w: &Self, x: &Self) -> Self {
        if !w.a.is_zero() {
            return self.plus(&w.times(x));
        }
        let k = &w.c;
        let a = add(&self.a, &mul(k, &x.a));
        let c = add(&self.c, &mul(k, &x.c));
        let mut out = self.combine(x, a, c);
        out.hi = min_end(&out.hi, &w.hi);
        out.poisoned |= w.poisoned;
        out
    }

    // On [x0, ·) the unit is active iff a·x0 + c > 0, or = 0 and rising. Its
    // state flips at the root −c/a, which lies right of x0 exactly when the
    // value heads towards zero: active and falling, or inactive and rising.
    fn relu(&self) -> Self {
        if self.poisoned {
            return self.clone();
        }
        let v0 = self.at_start();
        let rising = self.a.is_positive();
        let falling = self.a.is_negative();
        let active = v0.is_positive() || (v0.is_zero() && rising);
        let flips = (active && falling) || (!active && rising);
        let hi = if flips {
            shrink(&self.hi, -div(&self.c, &self.a))
        } else {
            self.hi.clone()
        };
        if active {
            Piece {
                a: self.a.clone(),
                c: self.c.clone(),
                x0: self.x0.clone(),
                hi,
                poisoned: false,
            }
        } else {
            Piece {
                a: Zero::zero(),
                c: Zero::zero(),
                x0: self.x0.clone(),
                hi,
                poisoned: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: u64) -> Exact {
        Exact::ratio(n, d)
    }

    fn at(x0: Exact) -> Piece {
        Piece::input(Rc::new(x0))
    }

    #[test]
    fn constants_have_no_slope_and_no_end() {
        let k = Piece::dyadic(3, -2);
        assert_eq!((k.slope(), k.intercept()), (&q(0, 1), &q(3, 4)));
        assert_eq!(k.end(), None);
        assert_eq!(k.to_exact(), Some(q(3, 4)));
    }

    #[test]
    fn affine_arithmetic_is_exact() {
        let x = at(q(0, 1));
        // 3/4 − (x/2 + 1/8)·2 = 1/2 − x
        let y = Piece::ratio(3, 4).minus(
            &Piece::dyadic(1, -3)
                .fma(&Piece::dyadic(1, -1), &x)
                .times(&Piece::dyadic(2, 0)),
        );
        assert_eq!((y.slope(), y.intercept()), (&q(-1, 1), &q(1, 2)));
        assert_eq!(y.negated().slope(), &q(1, 1));
        assert!(!y.is_poisoned());
    }

    #[test]
    fn product_of_two_slopes_poisons() {
        let x = at(q(0, 1));
        let y = x.times(&x).plus(&Piece::zero()).relu();
        assert!(y.is_poisoned());
        assert!(!x.times(&Piece::ratio(1, 3)).is_poisoned());
    }

    #[test]
    fn active_falling_unit_ends_at_its_root() {
        // relu(1/2 − x) from x0 = 0: active, flips at 1/2.
        let x = at(q(0, 1));
        let y = Piece::ratio(1, 2).minus(&x).relu();
        assert_eq!((y.slope(), y.intercept()), (&q(-1, 1), &q(1, 2)));
        assert_eq!(y.end(), Some(&q(1, 2)));
    }

    #[test]
    fn inactive_rising_unit_is_zero_until_its_root() {
        // relu(x − 1/2) from x0 = 0: zero, flips at 1/2.
        let y = at(q(0, 1)).minus(&Piece::ratio(1, 2)).relu();
        assert_eq!((y.slope(), y.intercept()), (&q(0, 1), &q(0, 1)));
        assert_eq!(y.end(), Some(&q(1, 2)));
    }

    #[test]
    fn unit_at_its_breakpoint_takes_the_right_hand_state() {
        // At x0 = 1/2 both units are 0; relu(x − 1/2) is active to the
        // right, relu(1/2 − x) inactive, and neither ends again.
        let x = at(q(1, 2));
        let up = x.minus(&Piece::ratio(1, 2)).relu();
        let down = Piece::ratio(1, 2).minus(&x).relu();
        assert_eq!((up.slope(), up.intercept()), (&q(1, 1), &q(-1, 2)));
        assert_eq!((down.slope(), down.intercept()), (&q(0, 1), &q(0, 1)));
        assert_eq!((up.end(), down.end()), (None, None));
    }

    #[test]
    fn ends_take_the_minimum() {
        let x = at(q(0, 1));
        let a = x.minus(&Piece::ratio(3, 4)).relu();
        let b = Piece::ratio(1, 4).minus(&x).relu();
        assert_eq!(a.plus(&b).end(), Some(&q(1, 4)));
        assert_eq!(b.fma(&Piece::dyadic(1, -1), &a).end(), Some(&q(1, 4)));
        // A flat unit never ends.
        assert_eq!(Piece::ratio(1, 2).relu().end(), None);
    }

    proptest::proptest! {
        /// The dyadic fast paths agree with num-rational's general
        /// operations, dyadic or not.
        #[test]
        fn fast_arithmetic_is_exact(
            n in -1000_i64..1000, j in 0_u32..70, m in -1000_i64..1000, k in 0_u32..70,
            odd in proptest::bool::ANY,
        ) {
            // Numerators ±2^i exercise the shifting division.
            let n = if n % 7 == 0 { n.signum() << (n.unsigned_abs() % 40) } else { n };
            let x = Exact::new(n.into(), BigInt::one() << j);
            let d = if odd { BigInt::from(3) << k } else { BigInt::one() << k };
            let y = Exact::new(m.into(), d);
            proptest::prop_assert_eq!(cmp(&x, &y), x.cmp(&y));
            // fractions not in lowest terms compare the same
            let three = BigInt::from(3);
            let x3 = Exact::new_raw(x.numer() * &three, x.denom() * &three);
            proptest::prop_assert_eq!(cmp(&x3, &y), x.cmp(&y));
            proptest::prop_assert_eq!(cmp(&y, &x3), y.cmp(&x));
            let z = Exact::new(BigInt::from(m) - BigInt::from(k), BigInt::from(j + 1));
            proptest::prop_assert_eq!(
                sign_of_affine(&x, &y, &z),
                (&x * &y + &z).cmp(&Zero::zero())
            );
            let mut pairs = vec![
                (add(&x, &y), &x + &y),
                (sub(&x, &y), &x - &y),
                (sub(&y, &x), &y - &x),
                (mul(&x, &y), &x * &y),
            ];
            if !y.is_zero() {
                pairs.push((div(&x, &y), &x / &y));
            }
            if !x.is_zero() {
                pairs.push((div(&y, &x), &y / &x));
            }
            for (fast, slow) in pairs {
                // Equal values in lowest terms have equal parts.
                proptest::prop_assert_eq!(fast.numer(), slow.numer());
                proptest::prop_assert_eq!(fast.denom(), slow.denom());
            }
        }
    }

    #[test]
    fn only_constants_are_ordered() {
        let x = at(q(0, 1));
        assert!(Piece::dyadic(1, 0) > Piece::zero());
        assert_eq!(x.partial_cmp(&Piece::zero()), None);
        assert_eq!(x.partial_cmp(&x.clone()), Some(Ordering::Equal));
    }
}
