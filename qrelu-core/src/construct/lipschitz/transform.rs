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

use num_traits::{Signed, Zero};

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
    /// not checked here, see [`super::check::lipschitz_constant`]), `T = intervals ≥ 1`
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
