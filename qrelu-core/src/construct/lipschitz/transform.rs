//! The transform f̃ of eqs. 31–33 and Proposition 4, exactly.
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

//! # Targets that are not polynomials
//!
//! A polynomial is evaluated exactly, so f̃ is too. Any other target
//! ([`OneInput::Expr`]) is enclosed at each point ([`Expr::value`]), and
//! everything above holds with enclosures in place of values:
//!
//! - **knots**: `k_i = R(f(i/T))` needs `⌈f(i/T)/q⌉`, decided once the
//!   enclosure of `f(i/T)` lies within one step `(jq − q, jq]`; the
//!   precision is raised until it does (to widths of `2^−160·q`). Only a value
//!   exactly on the grid that the enclosure cannot pin down (`exp(log(x))`
//!   at a dyadic point) stays undecided; the knot is then `R` of the
//!   enclosure's upper end, within `2q` of f instead of `q` — one grid step
//!   more, which [`Transform::excess`] reports and the bounds use.
//! - **Prop. 4 (ii)** on interval i: f̃ climbs (descends) with slope 1
//!   from `k_i` and follows f⁺ once it meets it; at the right end
//!   `f⁺ = k_{i+1}`, so f̃ reaches `k_{i+1}` exactly when
//!   `|k_{i+1} − k_i| ≤ 1/T` — checked exactly on the rational knots, for
//!   every target (equivalent to the paper's induction for exact knots).
//! - **(iii)**: on interval i, `f⁺ − f = k_{i+1} − f((i+1)/T) ∈ [0, e)` and
//!   f̃ lies between the line from `k_i` and f⁺, so `0 ≤ f̃ − f < e` with
//!   `e` = [`Transform::excess`] (`q`, or `2q` after an undecided knot).
//! - **f̃ inside an interval** ([`Transform::enclose`]) is an interval: the
//!   min (climbing) or max (descending) of the line and the enclosure of
//!   f⁺; where the enclosures cannot tell climbing from descending, the
//!   hull of both (the true value is one of them).

use num_traits::{Signed, Zero};

use crate::Poly;
use crate::error::{CoreError, Subject};
use crate::expr::Expr;
use crate::interval::Interval;
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Target};

/// The one-input target of Theorem 2's constructions: a polynomial,
/// evaluated exactly, or an expression, enclosed (module docs).
#[derive(Clone, Debug)]
pub enum OneInput {
    /// A polynomial in one variable.
    Poly(Poly),
    /// An expression in one input.
    Expr(Expr),
}

impl From<&Poly> for OneInput {
    fn from(p: &Poly) -> Self {
        OneInput::Poly(p.clone())
    }
}

impl From<&OneInput> for OneInput {
    fn from(t: &OneInput) -> Self {
        t.clone()
    }
}

/// The widest precision [`OneInput::value`] tries, in bits.
const MAX_PRECISION: u32 = 1 << 14;

impl OneInput {
    /// The target of `spec`.
    pub fn of(spec: &NetSpec) -> Self {
        match &spec.target {
            Target::Poly(p) => OneInput::Poly(p.clone()),
            Target::Expr(e) => OneInput::Expr(e.clone()),
        }
    }

    /// An enclosure of `f(x)`: a point for a polynomial; for an expression
    /// no wider than `tol` if 2^14 bits of precision get there, else as
    /// narrow as they do.
    ///
    /// # Errors
    /// An expression not defined at `x` (never inside the domain of a
    /// checked target).
    pub fn value(&self, x: &Rational, tol: &Rational) -> Result<Interval, CoreError> {
        let undefined = |e: crate::expr::EnclosureError| CoreError::InvalidParameter {
            subject: Subject::Target,
            message: format!("the target is not defined at {}: {e}", rational::display(x)),
        };
        match self {
            OneInput::Poly(p) => Ok(Interval::point(p.eval(std::slice::from_ref(x)))),
            OneInput::Expr(e) => match e.value(std::slice::from_ref(x), tol).map_err(undefined)? {
                Some(v) => Ok(v),
                None => e
                    .range(&[Interval::point(x.clone())], MAX_PRECISION)
                    .map_err(undefined),
            },
        }
    }
}

/// The tolerances, relative to the unit of a rounding decision, with which
/// [`decide`] encloses a value: one is usually enough.
const TOLERANCES: [i64; 2] = [-24, -160];

/// `⌈v/unit⌉` (`up`) or `⌊v/unit⌋` for a value `v` enclosed by
/// `enclose(tol)`, with whether it is proved and the width of the last
/// enclosure: when every enclosure tried straddles a multiple of `unit`,
/// the integer is that of the upper end, unproved.
///
/// # Errors
/// Those of `enclose`.
pub(crate) fn decide(
    unit: &Rational,
    up: bool,
    mut enclose: impl FnMut(&Rational) -> Result<Interval, CoreError>,
) -> Result<(num_bigint::BigInt, bool, Rational), CoreError> {
    let round = |v: &Rational| {
        if up {
            -rational::floor(&(-(v / unit)))
        } else {
            rational::floor(&(v / unit))
        }
    };
    let mut last = (num_bigint::BigInt::zero(), Rational::zero());
    for e in TOLERANCES {
        let v = enclose(&(unit * rational::pow2(e)))?;
        let (lo, hi) = (round(v.lo()), round(v.hi()));
        if lo == hi {
            return Ok((hi, true, v.width()));
        }
        last = (hi, v.width());
    }
    Ok((last.0, false, last.1))
}

/// f̃ of eqs. 31–33 for one target, `T` and `t` (module docs).
#[derive(Clone, Debug)]
pub struct Transform {
    target: OneInput,
    intervals: u64,
    /// `q = 2^−t/T`
    #[cfg_attr(not(test), allow(dead_code))] // read by the tests
    step: Rational,
    /// `f̃(i/T)`, i = 0..=T
    knots: Vec<Rational>,
    /// enclosures of `f(i/T)`, i = 0..=T
    values: Vec<Interval>,
    /// `e` with `0 ≤ f̃ − f < e`: `q`, or `2q` after an undecided knot
    excess: Rational,
}

impl Transform {
    /// f̃ for `target` (one variable, Lipschitz constant ≤ 1 on [0, 1] —
    /// not checked here, see [`super::check::lipschitz_constant`]), `T = intervals ≥ 1`
    /// and precision `t`.
    ///
    /// # Errors
    /// `intervals = 0`, a target of more than one variable, or a knot
    /// that breaks Prop. 4 (ii) — which happens only when the target's
    /// Lipschitz constant exceeds 1.
    pub fn new(target: impl Into<OneInput>, intervals: u64, t: u32) -> Result<Self, CoreError> {
        let target = target.into();
        if intervals == 0 || matches!(&target, OneInput::Poly(p) if p.nvars() != 1) {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Target,
                message: "f̃ needs one variable and T >= 1".to_owned(),
            });
        }
        let step = rational::pow2(-i64::from(t)) / Rational::from_integer(intervals.into());
        let mut knots = Vec::with_capacity(intervals as usize + 1);
        let mut values = Vec::with_capacity(intervals as usize + 1);
        let mut exact = true;
        let one_over_t = Rational::new(1.into(), intervals.into());
        for i in 0..=intervals {
            let x = Rational::new(i.into(), intervals.into());
            let mut widest = None;
            let (k, proved, _) = decide(&step, true, |tol| {
                let v = target.value(&x, tol)?;
                widest = Some(v.clone());
                Ok(v)
            })?;
            exact &= proved;
            let k = Rational::from_integer(k) * &step;
            if let Some(previous) = knots.last()
                && (&k - previous as &Rational).abs() > one_over_t
            {
                return Err(CoreError::InvalidParameter {
                    subject: Subject::Target,
                    message: format!(
                        "f̃ misses the rounded value at {} (Prop. 4 (ii)): the target's \
                         Lipschitz constant exceeds 1",
                        rational::display(&x)
                    ),
                });
            }
            knots.push(k);
            values.push(widest.unwrap_or_else(|| Interval::point(Rational::zero())));
        }
        let excess = if exact {
            step.clone()
        } else {
            &step * rational::int(2)
        };
        Ok(Transform {
            target,
            intervals,
            step,
            knots,
            values,
            excess,
        })
    }

    /// `R(v) = ⌈v/q⌉·q`.
    #[cfg(test)]
    pub fn round_up(&self, v: &Rational) -> Rational {
        let k = -rational::floor(&(-(v / &self.step)));
        Rational::from_integer(k) * &self.step
    }

    /// `T`.
    pub fn intervals(&self) -> u64 {
        self.intervals
    }

    /// `q = 2^−t/T`, the grid of the knot values.
    #[cfg(test)]
    pub fn step(&self) -> &Rational {
        &self.step
    }

    /// `e` with `0 ≤ f̃ − f < e` on [0, 1] (Prop. 4 (iii)): `q`, or `2q`
    /// when a knot of an expression target could not be decided (module
    /// docs).
    pub fn excess(&self) -> &Rational {
        &self.excess
    }

    /// `f̃(i/T)` for `i = 0..=T` (Prop. 4 (ii)).
    pub fn knots(&self) -> &[Rational] {
        &self.knots
    }

    /// The target.
    pub fn target(&self) -> &OneInput {
        &self.target
    }

    /// `c_i = k_{i+1} − f((i+1)/T)`, the shift of f⁺ on interval `i`
    /// (eq. 31), enclosed.
    pub fn shift(&self, i: u64) -> Interval {
        let i = i as usize;
        Interval::point(self.knots[i + 1].clone()).sub(&self.values[i + 1])
    }

    /// f̃ on interval `i`, at `x ∈ (i/T, (i+1)/T]`, from the knot `f̃(i/T)`,
    /// with f enclosed to `tol`.
    fn on_interval(&self, i: u64, x: &Rational, tol: &Rational) -> Result<Interval, CoreError> {
        let start = Rational::new(i.into(), self.intervals.into());
        let shift = self.shift(i);
        let plus_start = self.values[i as usize].add(&shift);
        let plus = self.target.value(x, tol)?.add(&shift);
        let a = &self.knots[i as usize];
        let run = x - &start;
        let climb = || Interval::point(a + &run).min(&plus);
        let descend = || Interval::point(a - &run).max(&plus);
        Ok(if a <= plus_start.lo() {
            climb()
        } else if a > plus_start.hi() {
            descend()
        } else {
            climb().hull(&descend())
        })
    }

    /// An enclosure of f̃(x) for `x ∈ [0, 1]` (module docs), with f enclosed
    /// to `tol`: a point for a polynomial.
    ///
    /// # Errors
    /// Those of [`OneInput::value`].
    pub fn enclose(&self, x: &Rational, tol: &Rational) -> Result<Interval, CoreError> {
        if !x.is_positive() {
            return Ok(Interval::point(self.knots[0].clone()));
        }
        let t = Rational::from_integer(self.intervals.into());
        // the interval (i/T, (i+1)/T] holding x
        let i: num_bigint::BigInt = -rational::floor(&(-(x * &t))) - 1;
        let i = u64::try_from(i).unwrap_or(0).min(self.intervals - 1);
        self.on_interval(i, x, tol)
    }

    /// f̃(x), exactly, for `x ∈ [0, 1]` and a polynomial target (the
    /// midpoint of [`enclose`](Self::enclose) otherwise).
    #[cfg(test)]
    pub fn at(&self, x: &Rational) -> Rational {
        self.enclose(x, &Rational::zero())
            .map(|v| v.mid())
            .unwrap_or_default()
    }
}
