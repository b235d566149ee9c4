//! `structure = lipschitz` (Section 5): the transform f̃ of eqs. 31–33
//! and Proposition 4, for one-variable polynomial targets on [0, 1] with
//! Lipschitz constant at most 1.
//!
//! # f̃, exactly (eqs. 31–33)
//!
//! With `T` intervals and precision `t`, write `q = 2^−t/T` and
//! `R(v) = ⌈v/q⌉·q` (round up to a multiple of q). On `(i/T, (i+1)/T]`,
//! eq. 31 shifts f so that it meets the rounded value at the interval's
//! *right* end (`⌈Tx⌉/T` is that end):
//!
//! ```text
//! f⁺(x) = f(x) + c_i,   c_i = R(f((i+1)/T)) − f((i+1)/T) ∈ [0, q)
//! ```
//!
//! and f̃ starts at `f̃(0) = R(f(0))` (eq. 32) and moves with slope ±1
//! toward f⁺ until it meets it, then follows it (eq. 33). Since
//! `|f′| ≤ 1`, `f⁺ − (a + (x − i/T))` is non-increasing and
//! `f⁺ − (a − (x − i/T))` non-decreasing, so on the interval, with
//! `a = f̃(i/T)`,
//!
//! ```text
//! f̃(x) = min(a + (x − i/T), f⁺(x))   if a ≤ f⁺(i/T⁺)   (climbing)
//! f̃(x) = max(a − (x − i/T), f⁺(x))   otherwise          (descending)
//! ```
//!
//! — exact for every rational x ([`Transform::at`]); Prop. 4 (ii) gives
//! `f̃((i+1)/T) = R(f((i+1)/T))`, which [`Transform::new`] checks as it
//! goes (the induction of the proof), and the tests check (i) and (iii)
//! exactly on grids.
//!
//! # The Lipschitz check
//!
//! [`lipschitz_constant`] encloses `sup |f′|` on [0, 1] by Bernstein
//! coefficients on a subdivision, exactly: it returns a rational point
//! where `|f′|` is largest among those examined (a lower bound) and an
//! upper bound, refined until they decide whether the constant is ≤ 1.

use num_traits::{One, Signed, Zero};

use crate::Poly;
use crate::error::{CoreError, Subject};
use crate::rational::{self, Rational};

/// f̃ of eqs. 31–33 for one target, `T` and `t` (module docs).
#[derive(Clone, Debug)]
pub struct Transform {
    target: Poly,
    intervals: u64,
    /// `q = 2^−t/T`
    step: Rational,
    /// `f̃(i/T)`, i = 0..=T
    knots: Vec<Rational>,
}

impl Transform {
    /// f̃ for `target` (one variable, Lipschitz constant ≤ 1 on [0, 1] —
    /// not checked here, see [`lipschitz_constant`]), `T = intervals ≥ 1`
    /// and precision `t`.
    ///
    /// # Errors
    /// `intervals = 0`, a target of more than one variable, or a knot
    /// that breaks Prop. 4 (ii) — which happens only when the target's
    /// Lipschitz constant exceeds 1.
    pub fn new(target: &Poly, intervals: u64, t: u32) -> Result<Self, CoreError> {
        if intervals == 0 || target.nvars() != 1 {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Target,
                message: "f̃ needs one variable and T >= 1".to_owned(),
            });
        }
        let step = rational::pow2(-i64::from(t)) / Rational::from_integer(intervals.into());
        let mut tf = Transform {
            target: target.clone(),
            intervals,
            step,
            knots: Vec::with_capacity(intervals as usize + 1),
        };
        tf.knots.push(tf.round_up(&tf.f(&Rational::zero())));
        for i in 0..intervals {
            let end = Rational::new((i + 1).into(), intervals.into());
            let reached = tf.on_interval(i, &end);
            let expected = tf.round_up(&tf.f(&end));
            if reached != expected {
                return Err(CoreError::InvalidParameter {
                    subject: Subject::Target,
                    message: format!(
                        "f̃ misses the rounded value at {} (Prop. 4 (ii)): the target's \
                         Lipschitz constant exceeds 1",
                        rational::display(&end)
                    ),
                });
            }
            tf.knots.push(expected);
        }
        Ok(tf)
    }

    fn f(&self, x: &Rational) -> Rational {
        self.target.eval(std::slice::from_ref(x))
    }

    /// `R(v) = ⌈v/q⌉·q`.
    pub fn round_up(&self, v: &Rational) -> Rational {
        let k = -rational::floor(&(-(v / &self.step)));
        Rational::from_integer(k) * &self.step
    }

    /// `T`.
    pub fn intervals(&self) -> u64 {
        self.intervals
    }

    /// `q = 2^−t/T`, the grid of the knot values.
    pub fn step(&self) -> &Rational {
        &self.step
    }

    /// `f̃(i/T)` for `i = 0..=T` (Prop. 4 (ii)).
    pub fn knots(&self) -> &[Rational] {
        &self.knots
    }

    /// f̃ on interval `i`, at `x ∈ (i/T, (i+1)/T]`, from the knot `f̃(i/T)`.
    fn on_interval(&self, i: u64, x: &Rational) -> Rational {
        let start = Rational::new(i.into(), self.intervals.into());
        let end = Rational::new((i + 1).into(), self.intervals.into());
        let shift = self.round_up(&self.f(&end)) - self.f(&end);
        let plus = |y: &Rational| self.f(y) + &shift;
        let a = &self.knots[i as usize];
        let run = x - &start;
        if *a <= plus(&start) {
            (a + run).min(plus(x))
        } else {
            (a - run).max(plus(x))
        }
    }

    /// f̃(x), exactly, for `x ∈ [0, 1]` (module docs).
    pub fn at(&self, x: &Rational) -> Rational {
        if !x.is_positive() {
            return self.knots[0].clone();
        }
        let t = Rational::from_integer(self.intervals.into());
        // the interval (i/T, (i+1)/T] holding x
        let i: num_bigint::BigInt = -rational::floor(&(-(x * &t))) - 1;
        let i = u64::try_from(i).unwrap_or(0).min(self.intervals - 1);
        self.on_interval(i, x)
    }
}

/// The Lipschitz constant `sup |f′|` of a one-variable polynomial on
/// [0, 1], enclosed: `(lower, at, upper)` with `|f′(at)| = lower ≤ sup ≤
/// upper`, refined (Bernstein coefficients on halved intervals, at most
/// 2^12 of them) until `upper ≤ 1` or `lower > 1` decides the check, or
/// until `upper − lower ≤ lower·2^−40`.
pub fn lipschitz_constant(target: &Poly) -> (Rational, Rational, Rational) {
    let d = target.derivative(0);
    let value = |x: &Rational| d.eval(std::slice::from_ref(x)).abs();
    let one = Rational::one();
    let (mut lower, mut at) = (value(&Rational::zero()), Rational::zero());
    let right = value(&one);
    if right > lower {
        (lower, at) = (right, one.clone());
    }
    let coef: Vec<Rational> = (0..=d.degree_in(0)).map(|k| d.coefficient(&[k])).collect();
    // an upper bound of |f′| on [lo, hi]: its largest Bernstein coefficient
    let enclose = |lo: &Rational, hi: &Rational| -> Rational {
        bernstein(&coef, lo, hi)
            .into_iter()
            .map(|b| b.abs())
            .fold(Rational::zero(), Rational::max)
    };
    let mut pieces = vec![(
        enclose(&Rational::zero(), &one),
        Rational::zero(),
        one.clone(),
    )];
    for _ in 0..4096 {
        pieces.sort_by(|a, b| a.0.cmp(&b.0));
        let upper = pieces.last().map(|p| p.0.clone()).unwrap_or_default();
        let decided = upper <= one || lower > one;
        let tight = &upper - &lower <= &lower * rational::pow2(-40);
        if decided || tight {
            return (lower, at, upper.max(Rational::zero()));
        }
        let (_, lo, hi) = pieces.pop().expect("at least one piece");
        let mid = (&lo + &hi) / rational::int(2);
        let v = value(&mid);
        if v > lower {
            (lower, at) = (v, mid.clone());
        }
        pieces.push((enclose(&lo, &mid), lo, mid.clone()));
        pieces.push((enclose(&mid, &hi), mid, hi));
    }
    let upper = pieces
        .iter()
        .map(|p| p.0.clone())
        .fold(Rational::zero(), Rational::max);
    (lower, at, upper)
}

/// The Bernstein coefficients on `[lo, hi]` of `Σ c_k x^k`: substitute
/// `x = lo + (hi − lo)u`, then `b_j = Σ_{k≤j} C(j,k)/C(n,k)·a_k` for the
/// power coefficients `a_k` in u. They enclose the range on `[lo, hi]`.
fn bernstein(coef: &[Rational], lo: &Rational, hi: &Rational) -> Vec<Rational> {
    let n = coef.len().saturating_sub(1);
    let width = hi - lo;
    // a(u) = Σ c_k (lo + width·u)^k, by Horner on polynomials in u
    let mut a: Vec<Rational> = vec![Rational::zero(); n + 1];
    for c in coef.iter().rev() {
        // a ← a·(lo + width·u) + c
        let mut next = vec![Rational::zero(); n + 1];
        for (k, ak) in a.iter().enumerate() {
            if ak.is_zero() {
                continue;
            }
            next[k] += ak * lo;
            if k < n {
                next[k + 1] += ak * &width;
            }
        }
        next[0] += c;
        a = next;
    }
    let binom = |n: usize, k: usize| -> Rational {
        let mut v = Rational::one();
        for i in 0..k {
            v = v * Rational::from_integer((n - i).into()) / Rational::from_integer((i + 1).into());
        }
        v
    };
    (0..=n)
        .map(|j| {
            (0..=j)
                .map(|k| binom(j, k) / binom(n, k) * &a[k])
                .fold(Rational::zero(), |x, y| x + y)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::ratio;

    fn poly(terms: &[(i64, i64, u32)]) -> Poly {
        Poly::from_terms(1, terms.iter().map(|(p, q, k)| (ratio(*p, *q), vec![*k])))
    }

    /// f with `f′(x) = T_6(2x − 1)/2` (Chebyshev): six sign changes of
    /// the derivative on [0, 1], `|f′| ≤ 1/2`, f(0) = 0.
    pub(crate) fn chebyshev_wiggle() -> Poly {
        let y = Poly::var(1, 0)
            .scale(&ratio(2, 1))
            .sub(&Poly::constant(1, ratio(1, 1)));
        // F(y) = ∫ T_6 = 32/7 y^7 − 48/5 y^5 + 6 y^3 − y
        let big_f = |y: &Poly| {
            y.pow(7)
                .scale(&ratio(32, 7))
                .sub(&y.pow(5).scale(&ratio(48, 5)))
                .add(&y.pow(3).scale(&ratio(6, 1)))
                .sub(y)
        };
        let at_minus_one = big_f(&Poly::constant(1, ratio(-1, 1)));
        big_f(&y).sub(&at_minus_one).scale(&ratio(1, 4))
    }

    /// Proposition 4 (i)–(iii), exactly, for many targets and T, t: f̃ is
    /// 1-Lipschitz on a fine grid (every pair of neighbours, and across
    /// intervals), takes the rounded values at i/T, and stays within
    /// 2^−t/T of f on the grid.
    #[test]
    fn proposition_4_holds_exactly() {
        let targets = [
            poly(&[(1, 2, 2)]),
            poly(&[(1, 3, 3)]),
            poly(&[(3, 4, 2), (-1, 2, 1), (1, 12, 0)]),
            poly(&[(1, 3, 3), (-1, 4, 1)]),
            poly(&[(-1, 1, 1), (1, 7, 0)]),
            chebyshev_wiggle(),
        ];
        for (ti, f) in targets.iter().enumerate() {
            let (_, _, upper) = lipschitz_constant(f);
            assert!(
                upper <= Rational::one(),
                "target {ti} has Lipschitz constant {upper}"
            );
            for intervals in [1u64, 2, 3, 5, 8, 13] {
                for t in [0u32, 1, 3, 6] {
                    let tf = Transform::new(f, intervals, t).unwrap();
                    let q = tf.step().clone();
                    for (i, knot) in tf.knots().iter().enumerate() {
                        let x = Rational::new((i as i64).into(), (intervals as i64).into());
                        let fx = f.eval(std::slice::from_ref(&x));
                        assert_eq!(*knot, tf.round_up(&fx));
                        assert_eq!(tf.at(&x), *knot, "f̃(i/T) for i = {i}");
                        assert!(*knot >= fx && knot - &fx < q);
                    }
                    let m = 7 * intervals as i64 * 6;
                    let xs: Vec<Rational> = (0..=m).map(|k| ratio(k, m)).collect();
                    let vals: Vec<Rational> = xs.iter().map(|x| tf.at(x)).collect();
                    for k in 1..xs.len() {
                        // (i) 1-Lipschitz
                        assert!((&vals[k] - &vals[k - 1]).abs() <= &xs[k] - &xs[k - 1]);
                    }
                    for (x, v) in xs.iter().zip(&vals) {
                        // (iii) |f̃ − f| < 2^−t/T
                        let fx = f.eval(std::slice::from_ref(x));
                        assert!((v - fx).abs() < q, "target {ti} T={intervals} t={t} x={x}");
                    }
                }
            }
        }
    }

    #[test]
    fn lipschitz_constants_are_enclosed() {
        // x²: f′ = 2x, constant 2 at x = 1
        let (lower, at, upper) = lipschitz_constant(&poly(&[(1, 1, 2)]));
        assert_eq!((lower.clone(), at), (ratio(2, 1), ratio(1, 1)));
        assert!(upper >= lower && upper > Rational::one());
        // x³/3 − x/4: f′ = x² − 1/4 ∈ [−1/4, 3/4]
        let (lower, _, upper) = lipschitz_constant(&poly(&[(1, 3, 3), (-1, 4, 1)]));
        assert!(upper <= Rational::one() && lower == ratio(3, 4));
        // an interior maximum of |f′| above 1: f′ = 1 − 8(x − 1/2)²·… at 1/2
        let wiggle = poly(&[(-4, 3, 3), (2, 1, 2), (1, 2, 1)]);
        let (lower, at, upper) = lipschitz_constant(&wiggle);
        assert!(lower > Rational::one(), "{lower} at {at}, upper {upper}");
        // a target with constant above 1 breaks Prop. 4 (ii) somewhere
        assert!(Transform::new(&poly(&[(3, 1, 2)]), 1, 0).is_err());
    }
}
