//! `structure = lipschitz` (Section 5): the transform f̃ of eqs. 31–33
//! and Proposition 4, for one-variable polynomial targets on [0, 1] with
//! Lipschitz constant at most 1, and the network f^T that interpolates f̃
//! at the `T` breakpoints (blocks B_T, B_f^T, B_w and the output of
//! Table 2). Fig. 4 adds the cached functions on top of it
//! ([`super::cached`], the default of `structure = lipschitz`); f^T alone
//! is the candidate `tune = smallest` keeps when its exact bound on the
//! target needs fewer weights.
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
//! [`check_supported`] refuses a target whose constant exceeds 1 with the
//! constant found, where, and the scale `1/⌈upper⌉` that fits.
//!
//! # The network f^T (Theorem 2's B_T, B_f^T, B_w)
//!
//! `T = 2^τ` (a power of two, so every breakpoint `i/T` is dyadic) and the
//! knots `k_i = f̃(i/T)` are multiples of `q = 2^−t/T` (Prop. 4 (ii)), so
//! the slopes `s_i = T(k_{i+1} − k_i)` are multiples of `2^−t`, with
//! `|s_i| ≤ 1` since f̃ is 1-Lipschitz (Prop. 4 (i)). The
//! piecewise-linear interpolant of f̃ at the `i/T` is, on [0, 1]
//! (`σ(x − 0) = x` there):
//!
//! ```text
//! f^T(x) = k_0 + Σ_{i=0}^{T−1} d_i·σ(x − i/T),   d_0 = s_0,  d_i = s_i − s_{i−1}
//! ```
//!
//! and the network computes it **exactly** ([`build_lipschitz`]), in the
//! strict codebook:
//!
//! - **B_T** (Table 2, "construct 1, …, T"): the shared constant units
//!   `K_k = 2^−k`, `k ≤ τ` ([`NetBuilder::pow2_const`]), and the constant
//!   `k_0` (the integer part from copies of `σ(½)`, the bits from the `K_k`
//!   and the output bias, as for a direct polynomial's constant term).
//! - **B_f^T** (one layer, width ≤ T): for each `i` with `d_i ≠ 0`,
//!   `P_i = σ(½x − Σ_{k ∈ bits(i/T)} ½K_k) = ½σ(x − i/T)` — `x` read with
//!   ½, each binary digit `2^−k` of `i/T` with −½ from `K_k`
//!   (`1 + popcount(i)` weights). No offset is rounded.
//! - **B_w**: the weights `2d_i` (`Σ d_i σ(x − i/T) = Σ 2d_i·P_i`), split
//!   by sign into `m_i = 2|d_i|`, multiples of `2^(1−t)`, at most 4. One
//!   Horner chain per sign reads each `P_i` once per binary digit of `m_i`:
//!
//!   ```text
//!   G_lo = σ(Σ_{i: bit lo of m_i} ½P_i),   G_j = σ(½G_{j−1} + Σ_{i: bit j of m_i} ½P_i)
//!   G_hi = 2^−(hi+1)·Σ_i m_i·P_i
//!   ```
//!
//!   (every `G_j ≥ 0`, so the ReLUs are exact), then
//!   `±2^(hi+1)·G_hi` through [`weight::times`] (Prop. 3's copies or
//!   doubling ladder): `Σ_i popcount(m_i) + (hi − lo)` weights for the
//!   chain instead of one Prop. 3 trie per breakpoint.
//!
//! So the network equals f^T exactly on [0, 1] (the tests check it at every knot and
//! at non-dyadic points, in exact arithmetic).
//!
//! # The a-priori bound (exact, rigorous)
//!
//! The network equals f^T, so the error is `|f − f^T|`, and on interval i
//! `f − f^T = f − L_i` with `L_i(x) = k_i + s_i(x − i/T)` is a polynomial:
//! [`ErrorBound`] splits each interval into 4 pieces and takes the largest
//! `|b_j|` of the Bernstein coefficients of `f − L_i` on each piece
//! (they enclose its range). The generic bound through f̃ —
//! `|f − f^T| ≤ |f − f̃| + |f̃ − f^T| < q + 1/T`, since `f̃ − f^T` is
//! 2-Lipschitz and 0 at both ends of an interval of length `1/T` — is
//! taken when it is smaller (never, in practice: the interpolation error
//! of a smooth target is `O(1/T²)`, plus at most q from the rounded knots).
//!
//! # Parameters from `eps`
//!
//! `eps` is required. τ is the smallest `τ ≤` [`MAX_TAU`] for which some
//! `t ∈ 1..=`[`MAX_T`] (or the `t` given) gives a bound ≤ eps, and t the
//! smallest such t (fewer bits in the `m_i`, fewer weights). The paper's
//! `m = ½ log(1/ε)`, `δ = 1/(8m)`, `T = 8/(ε log(1/ε))` size Fig. 4's
//! network ([`super::cached::choose`]); for f^T alone `T` follows from
//! the exact bound on the target instead, so it is about `√(max|f″|/(8ε))` — *fewer*
//! intervals than Theorem 2's `T` for a polynomial target. The estimate
//! made before building ([`estimate_weights`]) is an upper bound, checked
//! against `max_weights` as elsewhere.
//!
//! # Size
//!
//! B_f^T has `Σ_{d_i ≠ 0} (1 + popcount(i)) ≤ T(1 + τ/2)` weights, B_w
//! about `Σ_i popcount(m_i)` plus a constant, B_T `τ` plus the constant
//! term: `O(T(τ + t))` weights, depth `τ + (hi − lo) + O(1)`.

use num_traits::{One, Signed, Zero};

use super::NetSpec;
use crate::Poly;
use crate::bernstein::coefficients_1d;
use crate::error::{CoreError, Subject};
use crate::gadget::weight::{self, CopyRecipe, PowerChain, Sign};
use crate::net::{LinearForm, Net, NetBuilder, Part, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// Largest τ (`T = 2^τ` intervals) the `eps` search tries.
pub const MAX_TAU: u32 = 16;

/// Largest precision `t` the `eps` search tries.
pub const MAX_T: u32 = 40;

/// Pieces per interval in the Bernstein enclosure of [`ErrorBound`].
const PIECES: u64 = 4;

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

/// The parameters of the network: `T = 2^τ` intervals and precision `t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LipschitzParams {
    /// τ, with `T = 2^τ` intervals
    pub tau: u32,
    /// the precision of f̃: knots are multiples of `2^−t/T`
    pub t: u32,
}

impl LipschitzParams {
    /// `T = 2^τ`.
    pub fn intervals(self) -> u64 {
        1u64 << self.tau
    }
}

/// f^T, the piecewise-linear interpolant of f̃ at the `i/T` (module docs).
#[derive(Clone, Debug)]
pub struct Interpolant {
    transform: Transform,
    /// `s_i = T(k_{i+1} − k_i)`, i = 0..T
    slopes: Vec<Rational>,
}

impl Interpolant {
    /// f^T of `target` for `params`.
    ///
    /// # Errors
    /// Those of [`Transform::new`].
    pub fn new(target: &Poly, params: LipschitzParams) -> Result<Self, CoreError> {
        let transform = Transform::new(target, params.intervals(), params.t)?;
        let big_t = Rational::from_integer(params.intervals().into());
        let slopes = transform
            .knots()
            .windows(2)
            .map(|k| (&k[1] - &k[0]) * &big_t)
            .collect();
        Ok(Interpolant { transform, slopes })
    }

    /// The transform f̃ it interpolates.
    pub fn transform(&self) -> &Transform {
        &self.transform
    }

    /// The slopes `s_i`, i = 0..T (multiples of `2^−t`, `|s_i| ≤ 1`).
    pub fn slopes(&self) -> &[Rational] {
        &self.slopes
    }

    /// `d_0 = s_0`, `d_i = s_i − s_{i−1}`: `f^T = k_0 + Σ d_i σ(x − i/T)`.
    pub fn jumps(&self) -> Vec<Rational> {
        (0..self.slopes.len())
            .map(|i| match i {
                0 => self.slopes[0].clone(),
                _ => &self.slopes[i] - &self.slopes[i - 1],
            })
            .collect()
    }

    /// `f^T(x)` for `x ∈ [0, 1]`, exactly.
    pub fn at(&self, x: &Rational) -> Rational {
        let big_t = self.transform.intervals();
        let i = rational::floor(&(x * Rational::from_integer(big_t.into())));
        let i = u64::try_from(i).unwrap_or(0).min(big_t - 1);
        let start = Rational::new(i.into(), big_t.into());
        &self.transform.knots()[i as usize] + &self.slopes[i as usize] * (x - start)
    }
}

/// The Bernstein coefficients of the target on every piece of every
/// interval for one τ, computed once and reused for every `t` (module
/// docs, *The a-priori bound*).
#[derive(Clone, Debug)]
pub struct ErrorBound {
    tau: u32,
    /// the degree of the Bernstein basis (at least 1)
    degree: usize,
    /// `(interval, lo, hi, coefficients)` per piece
    pieces: Vec<(usize, Rational, Rational, Vec<Rational>)>,
}

impl ErrorBound {
    /// The enclosure data for `target` (one variable) and `T = 2^τ`.
    pub fn new(target: &Poly, tau: u32) -> Self {
        let mut coef: Vec<Rational> = (0..=target.degree_in(0))
            .map(|k| target.coefficient(&[k]))
            .collect();
        if coef.len() < 2 {
            coef.resize(2, Rational::zero());
        }
        let cuts = (1u64 << tau) * PIECES;
        let at = |k: u64| Rational::new(k.into(), cuts.into());
        let pieces = (0..cuts)
            .map(|k| {
                let (lo, hi) = (at(k), at(k + 1));
                let b = coefficients_1d(&coef, &lo, &hi);
                ((k / PIECES) as usize, lo, hi, b)
            })
            .collect();
        ErrorBound {
            tau,
            degree: coef.len() - 1,
            pieces,
        }
    }

    /// A rigorous bound on `sup_{[0,1]} |f − f^T|`: the Bernstein
    /// enclosure of `f − L_i` on every piece, or `q + 1/T` if smaller.
    ///
    /// # Errors
    /// An interpolant for another `T`.
    pub fn bound(&self, interp: &Interpolant) -> Result<Rational, CoreError> {
        let tf = interp.transform();
        if tf.intervals() != 1u64 << self.tau {
            return Err(super::internal("an error bound for another T"));
        }
        let big_t = Rational::from_integer(tf.intervals().into());
        let n = Rational::from_integer(self.degree.into());
        let mut worst = Rational::zero();
        for (i, lo, hi, b) in &self.pieces {
            let start = Rational::from_integer((*i).into()) / &big_t;
            let (k, s) = (&tf.knots()[*i], &interp.slopes()[*i]);
            let line = |x: &Rational| k + s * (x - &start);
            let width = hi - lo;
            for (j, bj) in b.iter().enumerate() {
                // the Bernstein coefficients of a line are its values at lo + (hi − lo)·j/n
                let x = lo + &width * Rational::from_integer(j.into()) / &n;
                let e = (bj - line(&x)).abs();
                if e > worst {
                    worst = e;
                }
            }
        }
        let generic = tf.step() + Rational::one() / big_t;
        Ok(worst.min(generic))
    }
}

/// The bound of [`ErrorBound::bound`] for `target` and `params`.
///
/// # Errors
/// Those of [`Transform::new`].
pub fn error_bound(target: &Poly, params: LipschitzParams) -> Result<Rational, CoreError> {
    ErrorBound::new(target, params.tau).bound(&Interpolant::new(target, params)?)
}

/// Refuses what `structure = lipschitz` does not take (module docs): the
/// parameters of other structures, a missing `eps`, more than one input, a
/// domain other than [0, 1], a Lipschitz constant above 1.
///
/// # Errors
/// The first of those, naming the part of the spec.
pub fn check_supported(spec: &NetSpec) -> Result<(), CoreError> {
    let refuse = |subject, message: String| CoreError::InvalidParameter { subject, message };
    for (given, key, what) in [
        (spec.r.is_some(), "r", "`r` (it has no products)"),
        (spec.n.is_some(), "n", "Taylor order `n`"),
        (spec.grid.is_some(), "N", "grid `N` (`eps` chooses T)"),
    ] {
        if given {
            return Err(refuse(
                Subject::Param(key),
                format!(
                    "`structure = lipschitz` takes no {what}; it accepts `eps`, `t`, `lambda`, \
                     `quantization`, `tune` and `max_weights`"
                ),
            ));
        }
    }
    if spec.eps.is_none() {
        return Err(refuse(
            Subject::Param("eps"),
            "`structure = lipschitz` needs `eps`, as in `eps = 1/256`: it chooses the number \
             of intervals T from it"
                .to_owned(),
        ));
    }
    if spec.inputs.len() != 1 || spec.target.nvars() != 1 {
        return Err(CoreError::Unsupported {
            subject: Subject::Target,
            message: format!(
                "`structure = lipschitz` takes one input (Theorem 2's F_{{1,1}}), found {}",
                spec.inputs.len()
            ),
        });
    }
    let (lo, hi) = &spec.domain[0];
    if !lo.is_zero() || !hi.is_one() {
        return Err(CoreError::Unsupported {
            subject: Subject::Domain(0),
            message: format!(
                "`structure = lipschitz` works on [0, 1] (Theorem 2's F_{{1,1}}), not [{}, {}]",
                rational::display(lo),
                rational::display(hi)
            ),
        });
    }
    let (lower, at, upper) = lipschitz_constant(&spec.target);
    if upper > Rational::one() {
        // a witness above 1 gives the largest scale that can fit; without
        // one, 1/⌈upper⌉ is a scale that surely does
        let (found, fit) = if lower > Rational::one() {
            let found = format!(
                "|f′| reaches {} at x = {}",
                rational::display(&lower),
                rational::display(&at)
            );
            let fit = format!("{} or less", rational::display(&lower.recip()));
            (found, fit)
        } else {
            let fit = format!("1/{}", -rational::floor(&(-&upper)));
            let found = format!(
                "|f′| could not be shown to stay at most 1 (it reaches {} at x = {} and is \
                 at most about {:.6})",
                rational::display(&lower),
                rational::display(&at),
                rational::to_f64(&upper)
            );
            (found, fit)
        };
        return Err(CoreError::Unsupported {
            subject: Subject::Target,
            message: format!(
                "`structure = lipschitz` needs a Lipschitz constant at most 1 on [0, 1] \
                 (Theorem 2's F_{{1,1}}), but {found}; scale the target by {fit}"
            ),
        });
    }
    Ok(())
}

/// τ and t from `eps` (module docs, *Parameters from `eps`*): the smallest
/// τ for which some t (or the given one) has a bound ≤ eps, then the
/// smallest such t, with the bound.
///
/// # Errors
/// No `eps`; an `eps` no `τ ≤ MAX_TAU` (with `T` at most `max_weights`)
/// reaches.
pub fn choose(spec: &NetSpec) -> Result<(LipschitzParams, Rational), CoreError> {
    let eps = spec
        .eps
        .as_ref()
        .ok_or_else(|| super::internal("lipschitz without eps"))?;
    let ts: Vec<u32> = match spec.t {
        Some(t) => vec![t],
        None => (1..=MAX_T).collect(),
    };
    let mut best: Option<Rational> = None;
    for tau in 0..=MAX_TAU {
        if (1u64 << tau) > spec.max_weights {
            break;
        }
        let enclosure = ErrorBound::new(&spec.target, tau);
        let at = |t: u32| -> Result<Rational, CoreError> {
            enclosure.bound(&Interpolant::new(&spec.target, LipschitzParams { tau, t })?)
        };
        // the finest t first: if it fails, no t does (up to rounding luck)
        let finest = at(*ts.last().unwrap_or(&MAX_T))?;
        if best.as_ref().is_none_or(|b| finest < *b) {
            best = Some(finest.clone());
        }
        for &t in &ts {
            let bound = if Some(&t) == ts.last() {
                finest.clone()
            } else {
                at(t)?
            };
            if bound <= *eps {
                return Ok((LipschitzParams { tau, t }, bound));
            }
        }
    }
    Err(CoreError::InvalidParameter {
        subject: Subject::Param("eps"),
        message: format!(
            "`eps` = {} is below every a-priori bound of `structure = lipschitz` with \
             T ≤ 2^{} intervals{} (the best is about {:.3e}); raise `eps`{}",
            rational::display(eps),
            MAX_TAU.min(63 - spec.max_weights.max(1).leading_zeros()),
            spec.t.map_or(String::new(), |t| format!(" and `t` = {t}")),
            best.as_ref().map_or(f64::NAN, rational::to_f64),
            if spec.t.is_some() { ", `t`" } else { "" }
        ),
    })
}

/// The binary digit `2^j` of a dyadic `m ≥ 0`.
fn bit(m: &Rational, j: i64) -> bool {
    let k = rational::floor(&(m * rational::pow2(-j)));
    k.bit(0)
}

/// `(lo, hi)`: the lowest and highest binary digits of the dyadic `m`s
/// (all positive).
fn digit_range(ms: &[Rational], t: u32) -> (i64, i64) {
    let lowest = -(i64::from(t)) - 2;
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    for m in ms {
        let mut top = 0i64;
        while rational::pow2(top + 1) <= *m {
            top += 1;
        }
        while rational::pow2(top) > *m {
            top -= 1;
        }
        hi = hi.max(top);
        let low = (lowest..=top).find(|&j| bit(m, j)).unwrap_or(top);
        lo = lo.min(low);
    }
    (lo, hi)
}

/// The multipliers `m_i = 2|d_i|` of each sign: `(i, m_i)` for `d_i > 0`,
/// then for `d_i < 0`.
fn split_by_sign(jumps: &[Rational]) -> [(Sign, Vec<(usize, Rational)>); 2] {
    let two = rational::int(2);
    let pick = |positive: bool| {
        jumps
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.is_zero() && d.is_positive() == positive)
            .map(|(i, d)| (i, d.abs() * &two))
            .collect()
    };
    [(Sign::Plus, pick(true)), (Sign::Minus, pick(false))]
}

/// An upper bound on the weights of [`build_lipschitz`] for `target` and
/// `params`, computed without building (module docs, *Size*).
///
/// # Errors
/// Those of [`Transform::new`].
pub fn estimate_weights(target: &Poly, params: LipschitzParams) -> Result<u64, CoreError> {
    estimate_weights_of(&Interpolant::new(target, params)?, params)
}

/// [`estimate_weights`] for an interpolant already computed.
///
/// # Errors
/// Never (the `Result` is kept for symmetry).
pub fn estimate_weights_of(
    interp: &Interpolant,
    params: LipschitzParams,
) -> Result<u64, CoreError> {
    let jumps = interp.jumps();
    let tau = u64::from(params.tau);
    let mut w = tau; // K_1..K_τ
    for (i, d) in jumps.iter().enumerate() {
        if !d.is_zero() {
            w += 1 + u64::from((i as u64).count_ones());
        }
    }
    for (_, items) in split_by_sign(&jumps) {
        if items.is_empty() {
            continue;
        }
        let ms: Vec<Rational> = items.iter().map(|(_, m)| m.clone()).collect();
        let (lo, hi) = digit_range(&ms, params.t);
        let reads: u64 = (lo..=hi)
            .map(|j| ms.iter().filter(|m| bit(m, j)).count() as u64)
            .sum();
        let top = ms.iter().filter(|m| bit(m, hi)).count() as u64 + 1;
        // the chain; a rebuilt top and the ladder or trie of 2^(hi+1)
        w += reads + (hi - lo) as u64 + top + 64 + 2 * (params.t as u64 + tau + 4);
    }
    // the constant k_0: 2n halves (copies or the ladder, Prop. 3's
    // integer part), and one term per bit
    let k0 = &interp.transform().knots()[0];
    let n = u64::try_from(rational::floor(&k0.abs())).unwrap_or(u64::MAX / 4);
    let (copies, integer) = weight::integer_part_cost(2 * n);
    w = w.saturating_add(copies + integer + 2 * (params.t as u64 + tau) + 8);
    Ok(w)
}

/// The network f^T of the module docs for `target` (one input
/// named `inputs[0]` on [0, 1]) with the parameters of `params`, and its
/// exact a-priori bound. `spec` supplies the limits of the constant term.
///
/// The network equals f^T exactly on [0, 1]; every weight is ±½ or read
/// from the codebook by [`weight::times`] and [`NetBuilder::pow2_const`].
///
/// # Errors
/// Those of [`Transform::new`]; builder errors (never for a codebook
/// holding ±½).
pub fn build_lipschitz(
    spec: &NetSpec,
    params: LipschitzParams,
    codebook: Codebook,
) -> Result<(Net, Rational), CoreError> {
    let interp = Interpolant::new(&spec.target, params)?;
    let bound = ErrorBound::new(&spec.target, params.tau).bound(&interp)?;
    let mut b = NetBuilder::new(codebook, &spec.inputs);
    b.set_constants_part(Part::Knots);
    let x = b.input(0);
    let mut units = InterpUnits::build(&mut b, x, &interp, params)?;
    // B_T: the constant k_0 = f̃(0) (eq. 32)
    let k0 = interp.transform().knots()[0].clone();
    let bias = super::direct::constant(spec, &mut b, &k0, &mut units.form)?;
    let net = b.finish(bias, &units.form)?;
    Ok((net, bound))
}

/// `σ(½x − ½·n·2^−e) = ½σ(x − n·2^−e)` for `0 ≤ n < 2^e`: `x` read with
/// ½ and each binary digit `2^(j−e)` of the offset with −½ from the
/// constant `K_(e−j)` (`1 + popcount(n)` weights; no offset is rounded).
///
/// # Errors
/// `n ≥ 2^e`; builder errors.
pub(crate) fn offset_unit(
    b: &mut NetBuilder,
    x: UnitId,
    n: u64,
    e: u32,
    role: &str,
) -> Result<UnitId, CoreError> {
    if e < 64 && n >> e != 0 {
        return Err(super::internal("an offset of 1 or more"));
    }
    let half = rational::ratio(1, 2);
    let mut edges = vec![(x, half.clone())];
    for j in 0..e.min(64) {
        if n >> j & 1 == 1 {
            edges.push((b.pow2_const(e - j)?, -&half));
        }
    }
    b.relu(role, Rational::zero(), &edges)
}

/// The units of f^T − k_0 (module docs: B_T's `K_k`, B_f^T, B_w), shared
/// with the cached-function network of Fig. 4 ([`super::cached`]).
pub(crate) struct InterpUnits {
    /// `P_i = ½σ(x − i/T)` where built (`d_i ≠ 0`), i = 0..T
    pub p: Vec<Option<UnitId>>,
    /// `f^T − k_0` as a form of codebook weights
    pub form: LinearForm,
}

impl InterpUnits {
    /// Builds them for `interp` on input `x`.
    ///
    /// # Errors
    /// Builder errors (never for a codebook holding ±½).
    pub fn build(
        b: &mut NetBuilder,
        x: UnitId,
        interp: &Interpolant,
        params: LipschitzParams,
    ) -> Result<Self, CoreError> {
        let jumps = interp.jumps();
        let half = rational::ratio(1, 2);
        // B_T first, so that B_f^T is one layer reading finished constants
        if params.tau > 0 {
            b.pow2_const(params.tau)?;
        }
        // B_f^T: P_i = σ(½x − ½·i/T) = ½σ(x − i/T)
        let mut p: Vec<Option<UnitId>> = vec![None; jumps.len()];
        b.begin_part(Part::Interp);
        b.begin_block("interp");
        let built = (|| {
            for (i, d) in jumps.iter().enumerate() {
                if !d.is_zero() {
                    p[i] = Some(offset_unit(b, x, i as u64, params.tau, &format!("p{i}"))?);
                }
            }
            Ok::<(), CoreError>(())
        })();
        b.end_block();
        b.end_block();
        built?;
        // B_w: Σ m_i P_i per sign by a Horner chain, then ±2^(hi+1)·G_hi
        let mut out = LinearForm::default();
        for (sign, items) in split_by_sign(&jumps) {
            if items.is_empty() {
                continue;
            }
            let ms: Vec<Rational> = items.iter().map(|(_, m)| m.clone()).collect();
            let (lo, hi) = digit_range(&ms, params.t);
            let form = b.in_part(Part::Weights, |b| {
                b.begin_block("horner");
                let chain = (|| {
                    let mut g: Option<UnitId> = None;
                    let mut edges = Vec::new();
                    for j in lo..=hi {
                        edges = g.map(|g| (g, half.clone())).into_iter().collect();
                        for (i, m) in &items {
                            if bit(m, j) {
                                let unit = p[*i].ok_or_else(|| super::internal("a missing P_i"))?;
                                edges.push((unit, half.clone()));
                            }
                        }
                        let role =
                            format!("{}{}", if sign == Sign::Plus { "g" } else { "h" }, j - lo);
                        g = Some(b.relu(&role, Rational::zero(), &edges)?);
                    }
                    let g = g.ok_or_else(|| super::internal("an empty chain"))?;
                    Ok::<_, CoreError>(PowerChain::new(
                        g,
                        CopyRecipe::Rebuild {
                            bias: Rational::zero(),
                            edges,
                        },
                    ))
                })();
                b.end_block();
                let mut chain = chain?;
                weight::times(b, &mut chain, &rational::pow2(hi + 1), sign)
            })?;
            out.add(&form, false);
        }
        Ok(InterpUnits { p, form: out })
    }
}

/// The Lipschitz constant `sup |f′|` of a one-variable polynomial on
/// [0, 1], enclosed: `(lower, at, upper)` with `|f′(at)| = lower ≤ sup ≤
/// upper`, refined (Bernstein coefficients on halved intervals, at most
/// 2^12 of them) until `upper ≤ 1` or `lower > 1` decides the check, or
/// until `upper − lower ≤ lower·2^−40`.
pub fn lipschitz_constant(target: &Poly) -> (Rational, Rational, Rational) {
    sup_abs(&target.derivative(0))
}

/// `sup |q|` of a one-variable polynomial on [0, 1], enclosed as
/// `(lower, at, upper)` exactly as [`lipschitz_constant`] encloses `|f′|`
/// (which is `sup_abs(f′)`): [`crate::bernstein::sup_abs`] in one variable,
/// refined until it decides `≤ 1`.
pub fn sup_abs(d: &Poly) -> (Rational, Rational, Rational) {
    let (lower, at, upper) = crate::bernstein::sup_abs(d);
    (lower, at.into_iter().next().unwrap_or_default(), upper)
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

    /// The F_{1,n} check of `structure = taylor` refines like this one: the
    /// Chebyshev wiggle (|f′| ≤ 1/2, but Bernstein coefficients of f′ up to
    /// 23.1 on [0, 1]) is accepted for n = 1, and x² still refused.
    #[test]
    fn the_taylor_check_subdivides_in_one_variable() {
        let names = ["x"];
        super::super::taylor::check_smoothness(&chebyshev_wiggle(), 1, &names).unwrap();
        let err = super::super::taylor::check_smoothness(&poly(&[(1, 1, 2)]), 1, &names)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is 2 at (1); scale the target by 1/2"),
            "{err}"
        );
    }

    #[test]
    fn the_taylor_check_subdivides_in_two_variables() {
        // f = W(x)·y/2 with the wiggle W: ∂f/∂x = W′(x)·y/2, whose one-box
        // Bernstein enclosure is far above 1 though |W′| ≤ 1/2
        let names = ["x", "y"];
        let w = chebyshev_wiggle();
        let lifted = Poly::from_terms(2, w.terms().map(|(k, c)| (c.clone(), vec![k[0], 0])));
        let f = lifted.mul(&Poly::var(2, 1)).scale(&ratio(1, 2));
        let one_box = crate::bernstein::coefficients(&f.derivative(0))
            .into_iter()
            .map(|b| b.abs())
            .max()
            .unwrap();
        assert!(one_box > ratio(10, 1), "{one_box}");
        super::super::taylor::check_smoothness(&f, 1, &names).unwrap();
        // at order 2, 3·f is refused with a witness: ∂²/∂x² (3f) = 3W″(0)/2 = 54 at (0, 1)
        let err = super::super::taylor::check_smoothness(&f.scale(&ratio(3, 1)), 2, &names)
            .unwrap_err()
            .to_string();
        assert!(err.contains("dx^2 is 54 at (0, 1)"), "{err}");
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

    fn targets() -> Vec<Poly> {
        vec![
            poly(&[(1, 2, 2)]),
            poly(&[(1, 3, 3)]),
            poly(&[(3, 4, 2), (-1, 2, 1), (1, 12, 0)]),
            poly(&[(1, 3, 3), (-1, 4, 1)]),
            poly(&[(-1, 1, 1), (7, 4, 0)]),
            chebyshev_wiggle(),
        ]
    }

    fn spec_for(target: &Poly, t: u32) -> NetSpec {
        let mut spec = NetSpec::new("F", &["x"], target.clone());
        spec.structure = super::super::Structure::Lipschitz;
        spec.t = Some(t);
        spec
    }

    fn codebooks(t: u32) -> Vec<Codebook> {
        vec![
            Codebook::nonlinear(2, t).unwrap(),
            Codebook::nonlinear(3, t).unwrap(),
            Codebook::linear(3).unwrap(),
            Codebook::linear(5).unwrap(),
        ]
    }

    /// The network is f^T exactly — at every knot (f̃'s values) and at
    /// non-dyadic points — in every codebook, strictly; its estimate is an
    /// upper bound; its parts are B_T, B_f^T, B_w.
    #[test]
    fn network_is_the_interpolant_exactly() {
        for (ti, f) in targets().iter().enumerate() {
            for (tau, t) in [(0u32, 1u32), (1, 2), (3, 1), (3, 5), (5, 3)] {
                let params = LipschitzParams { tau, t };
                let interp = Interpolant::new(f, params).unwrap();
                assert!(interp.slopes().iter().all(|s| s.abs() <= Rational::one()));
                for codebook in codebooks(t) {
                    let name = format!("target {ti}, τ = {tau}, t = {t}, {codebook:?}");
                    let cb = codebook.clone();
                    let (net, _) = build_lipschitz(&spec_for(f, t), params, codebook).unwrap();
                    for (kind, v) in net.parameters() {
                        assert!(
                            cb.contains(v) || (kind == "bias" && v.is_zero()),
                            "{name}: {kind} {v}"
                        );
                    }
                    let big_t = params.intervals() as i64;
                    for (i, knot) in interp.transform().knots().iter().enumerate() {
                        let x = ratio(i as i64, big_t);
                        assert_eq!(crate::eval::eval(&net, &[x]), *knot, "{name}: knot {i}");
                    }
                    for k in 0..=37 {
                        let x = ratio(k, 37);
                        assert_eq!(
                            crate::eval::eval(&net, std::slice::from_ref(&x)),
                            interp.at(&x),
                            "{name}: x = {x}"
                        );
                    }
                    let m = crate::metrics::metrics(&net);
                    let estimate = estimate_weights(f, params).unwrap();
                    assert!(
                        estimate >= m.weights as u64,
                        "{name}: {estimate} < {}",
                        m.weights
                    );
                    let parts: Vec<&str> = m.parts.iter().map(|p| p.name.as_str()).collect();
                    assert!(
                        parts
                            .iter()
                            .all(|p| ["B_w", "B_T", "B_fT", "output"].contains(p))
                    );
                    assert_eq!(m.parts.iter().map(|p| p.weights).sum::<usize>(), m.weights);
                    // B_f^T: one unit P_i per nonzero d_i, each one level above
                    // x or the K_k it reads (the part spans those levels)
                    let interp_part = m.parts.iter().find(|p| p.name == "B_fT").unwrap();
                    let nonzero = interp.jumps().iter().filter(|d| !d.is_zero()).count();
                    assert_eq!(interp_part.units, nonzero, "{name}");
                    assert!(interp_part.depth <= tau as usize + 1, "{name}");
                }
            }
        }
    }

    /// The bound is never below the exact error `|f − f^T|` on a dense
    /// non-dyadic grid, and it is below the generic `q + 1/T`.
    #[test]
    fn bound_covers_the_exact_error() {
        for (ti, f) in targets().iter().enumerate() {
            for (tau, t) in [(0u32, 1u32), (2, 1), (3, 4), (5, 2), (6, 8)] {
                let params = LipschitzParams { tau, t };
                let interp = Interpolant::new(f, params).unwrap();
                let bound = error_bound(f, params).unwrap();
                let m = 1021 * 3;
                let worst = (0..=m)
                    .map(|k| {
                        let x = ratio(k, m);
                        (f.eval(std::slice::from_ref(&x)) - interp.at(&x)).abs()
                    })
                    .fold(Rational::zero(), Rational::max);
                assert!(
                    worst <= bound,
                    "target {ti} τ={tau} t={t}: {worst} > {bound}"
                );
                let generic = interp.transform().step() + ratio(1, 1 << tau);
                assert!(bound <= generic);
                // and not loose: within a factor 2 of the sampled error, or tiny
                assert!(
                    bound <= &worst * rational::int(2) + interp.transform().step(),
                    "target {ti} τ={tau} t={t}: {bound} vs {worst}"
                );
            }
        }
    }

    /// Weights grow like T (times log T from the breakpoints' digits).
    #[test]
    fn sizes_grow_like_t() {
        let f = chebyshev_wiggle();
        let mut last = 0;
        for tau in 2..=10u32 {
            let params = LipschitzParams { tau, t: 6 };
            let (net, bound) =
                build_lipschitz(&spec_for(&f, 6), params, Codebook::nonlinear(2, 6).unwrap())
                    .unwrap();
            let m = crate::metrics::metrics(&net);
            println!(
                "τ = {tau:2}  T = {:5}  weights = {:6}  depth = {:3}  bound ≈ {:.3e}",
                1 << tau,
                m.weights,
                m.depth,
                rational::to_f64(&bound)
            );
            // B_f^T: at most T(1 + τ/2); B_w: at most t + 3 reads per P_i
            let per = m.weights as f64 / f64::from(1u32 << tau);
            assert!(per <= 1.0 + f64::from(tau) / 2.0 + 9.0 + 200.0 / f64::from(1u32 << tau));
            if tau >= 6 {
                assert!(m.weights < 5 * last / 2, "{} after {last}", m.weights);
            }
            last = m.weights;
        }
    }

    /// `eps` chooses the smallest τ, then the smallest t, and the built
    /// bound meets it.
    #[test]
    fn parameters_from_eps() {
        for f in targets() {
            for eps in [ratio(1, 16), ratio(1, 1000)] {
                let mut spec = spec_for(&f, 1);
                spec.t = None;
                spec.eps = Some(eps.clone());
                let (params, bound) = choose(&spec).unwrap();
                assert!(bound <= eps);
                let bound_at = |e: &ErrorBound, tau, t| {
                    e.bound(&Interpolant::new(&f, LipschitzParams { tau, t }).unwrap())
                        .unwrap()
                };
                if params.tau > 0 {
                    let e = ErrorBound::new(&f, params.tau - 1);
                    for t in (1..=MAX_T).step_by(3).chain([MAX_T]) {
                        assert!(bound_at(&e, params.tau - 1, t) > eps);
                    }
                }
                let e = ErrorBound::new(&f, params.tau);
                for t in 1..params.t {
                    assert!(bound_at(&e, params.tau, t) > eps);
                }
                // t given: the same τ back
                spec.t = Some(params.t);
                assert_eq!(choose(&spec).unwrap().0, params);
                // f^T alone is a candidate of `tune = smallest`
                spec.tune = true;
                let c = super::super::build(&spec).unwrap();
                assert!(c.error_bound <= eps);
            }
        }
    }

    #[test]
    fn refusals_name_the_constant_and_the_scale() {
        let mut spec = spec_for(&poly(&[(1, 1, 2)]), 1);
        spec.t = None;
        spec.eps = Some(ratio(1, 100));
        let err = check_supported(&spec).unwrap_err().to_string();
        assert!(
            err.contains("reaches 2 at x = 1; scale the target by 1/2 or less"),
            "{err}"
        );
        spec.target = poly(&[(-4, 3, 3), (2, 1, 2), (1, 2, 1)]);
        let err = check_supported(&spec).unwrap_err().to_string();
        assert!(
            err.contains("reaches 3/2 at x = 1/2; scale the target by 2/3 or less"),
            "{err}"
        );
        // just above 1: the scale that fits is not 1/2
        spec.target = poly(&[(101, 100, 1)]);
        let err = check_supported(&spec).unwrap_err().to_string();
        assert!(err.contains("scale the target by 100/101 or less"), "{err}");
        spec.target = poly(&[(1, 2, 2)]);
        spec.eps = None;
        assert!(check_supported(&spec).is_err());
        spec.eps = Some(ratio(1, 100));
        spec.r = Some(3);
        assert_eq!(
            check_supported(&spec).unwrap_err().subject(),
            Subject::Param("r")
        );
    }
}
