//! The network of Fig. 4 (Theorem 2, Section 5.2): f^T plus **cached
//! functions** (Yarotsky 2017) for the detail inside every interval, for
//! any target with Lipschitz constant ≤ 1 on [0, 1] — the default of
//! `structure = lipschitz`.
//!
//! The paper gives the blocks (Table 2) and the parameters, and omits the
//! wiring ("details are omitted", Fig. 4). This is ours; every claim below
//! is checked by exact evaluation in the tests.
//!
//! # Parameters (Theorem 2's proof, rounded)
//!
//! | paper | here | why |
//! |---|---|---|
//! | `m = ½ log(1/ε)` | `m = 2^μ`, the largest power of two ≤ `max(1, ½ log₂(1/ε))` ([`paper_mu`]) | the cell offsets `k/m` must be dyadic to be read from the codebook |
//! | `t = log m` | `t = μ` | the knots' slopes `s_i` must be multiples of `1/m` (below) |
//! | `δ = 1/(8m)` | `δ = 1/(8m)` (ramp width of Φ, in units of one interval) | — |
//! | `T = 8/(ε log(1/ε))` | `T = 2^τ`, the smallest with `(2^−t + 1/m)/T ≤ ε` | the bound below; `T` a power of two for the tent map and dyadic `i/T` |
//!
//! With `m = ½ log₂(1/ε)` exactly, `T ≥ 2/(mε) = 4/(ε log₂(1/ε))`: half
//! the paper's `T`. A `t` given in the DSL sets `μ = t` (`m = 2^t`).
//!
//! # The construction
//!
//! Let `f̃` be the transform of eqs. 31–33 for `T` and `t`
//! ([`super::Transform`]), `k_i = f̃(i/T)`, `s_i = T(k_{i+1} −
//! k_i)` (multiples of `2^−t`, so of `1/m`) and `u = Tx − i ∈ [0, 1]` on
//! interval `i`. Then `F_i(u) = T(f̃(x) − k_i)` is 1-Lipschitz with
//! `F_i(0) = 0`, `F_i(1) = s_i`, and `T(f̃ − f^T) = F_i(u) − s_i·u`.
//!
//! **Cached functions.** Round `F_i` on the cells: `g_k = ⌊m F_i(k/m) +
//! ½⌋`, `k = 0..=m`. Rounding is monotone and `|F_i((k+1)/m) − F_i(k/m)| ≤
//! 1/m`, so the steps `e_k = g_{k+1} − g_k` lie in {−1, 0, 1}; `g_0 = 0`
//! and `g_m = m s_i` exactly. The path `G(u) = Σ_k e_k·clip(u − k/m, 0,
//! 1/m)` is within `1/(2m)` of `F_i` at the cells and within `1/m`
//! between them (on a cell with slope ±1, `F_i − G` is monotone; with
//! slope 0 it is 1-Lipschitz). The **cached function** of interval `i`
//! is
//!
//! ```text
//! c(u) = G(u) − s_i·u = Σ_k e_k·(clip(u − k/m, 0, 1/m) − u/m)
//! ```
//!
//! one of at most `3^m` (one per step sequence; identically zero, and not
//! built, when all steps are equal — always for `m = 1`), zero at `u = 0,
//! 1`, with
//! `|c| ≤ 1`, and `|T(f̃ − f^T) − c| = |F_i − G| ≤ 1/m`.
//!
//! **Pruning (`tune = smallest`).** The paper gives every interval its
//! cached function, and so does the default. With `tune = smallest`, an
//! interval where f^T alone is already within `1/(mT)` of f̃ takes none —
//! on a polynomial target in F_{1,1}, whose interpolation error is
//! `O(max|f″|/T²)`, that is nearly every interval. To decide it
//! rigorously: on interval `i`, f̃ is `min(ℓ, f⁺)` (climbing) or `max(ℓ,
//! f⁺)` (descending) with `ℓ` the ±1 line from `k_i` (module
//! [`super`]), and `ℓ − L_i` (with `L_i` the line of f^T) is 0
//! at `i/T` and has slope `±1 − s_i`, of one sign; so `f̃ − L_i` lies in
//! `[min(0, lo), hi]` (climbing) or `[lo, max(0, hi)]`, where `[lo, hi]`
//! encloses the polynomial `f⁺ − L_i` by its Bernstein coefficients on
//! two halves of the interval.
//!
//! **One local coordinate for all intervals.** The tent iterate
//! `w = g^{∘τ}(x)` (Prop. 1's g) is `u` on even intervals and `1 − u` on
//! odd ones; an odd interval uses the reversed function `c(1 − v)`, whose
//! steps are `−e_{m−1−k}`. So every cached function is evaluated once, on
//! `w`, and the set of cached functions used is at most `min(T, 3^m)`.
//!
//! **Masks.** Consecutive intervals with the same cached function form a
//! *run*; Φ of a run is the trapezoid that is 1 on the run, 0 outside it,
//! with ramps of width `δ/T` inside its first and last interval, and
//! `Ψ_j` sums the runs of function `j`. The selected value is the soft
//! threshold `σ(c_j − (1 − Ψ_j)) − σ(−c_j − (1 − Ψ_j))`: `c_j` where
//! `Ψ_j = 1`, 0 where `Ψ_j = 0` (as `|c_j| ≤ 1`), between 0 and `c_j` on a
//! ramp. So
//!
//! ```text
//! f''(x) = f^T(x) + (1/T)·Σ_j soft(c_j(w), 1 − Ψ_j(x))
//! ```
//!
//! # The a-priori bound
//!
//! On a pruned interval no mask is on (Φ of a run vanishes outside it)
//! and `|f̃ − f''| = |f̃ − f^T| ≤ 1/(mT)` by the test above. Off the ramps, `|f̃ − f''| = |T(f̃ − f^T) − c|/T ≤ 1/(mT)`. On a ramp
//! (`u ≤ δ` or `u ≥ 1 − δ`) the added value θ lies between 0 and `c`, and
//! `|T(f̃ − f^T)| ≤ 2 min(u, 1 − u) ≤ 2δ`, so `|T(f̃ − f^T) − θ| ≤
//! max(2δ, 1/m) = 1/m`. With Prop. 4 (iii), `|f − f̃| < 2^−t/T`:
//!
//! ```text
//! sup_[0,1] |f − f''| ≤ (2^−t + 1/m)/T = 2^(1−μ−τ)
//! ```
//!
//! — for **every** 1-Lipschitz target, not only polynomials; the tests
//! also certify the actual error, which is far smaller on smooth targets.
//!

use std::collections::HashMap;

use num_traits::{One, Signed, Zero};

use super::interpolant::{Interpolant, LipschitzParams, MAX_TAU, PieceData};
use super::transform::{OneInput, decide};
use crate::construct::internal;
use crate::error::{CoreError, Subject};
use crate::interval::Interval;
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param};

/// Largest μ (`m = 2^μ` cells per interval).
pub(crate) const MAX_MU: u32 = 5;

/// The parameters of Fig. 4's network: `T = 2^τ` intervals, `m = 2^μ`
/// cells per interval, `t = μ`, `δ = 1/(8m)` (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CachedParams {
    /// τ, with `T = 2^τ` intervals
    pub tau: u32,
    /// μ, with `m = 2^μ` cells per interval (and `t = μ`)
    pub mu: u32,
}

impl CachedParams {
    /// `T = 2^τ`.
    pub fn intervals(self) -> u64 {
        1u64 << self.tau
    }

    /// `m = 2^μ`.
    pub fn cells(self) -> u64 {
        1u64 << self.mu
    }

    /// `t = μ = log₂ m`, the precision of f̃.
    pub fn t(self) -> u32 {
        self.mu
    }

    /// `δ = 1/(8m)`.
    pub fn delta(self) -> Rational {
        rational::pow2(-i64::from(self.mu + 3))
    }

    /// The parameters of the f̃ and f^T underneath.
    pub fn interp(self) -> LipschitzParams {
        LipschitzParams {
            tau: self.tau,
            t: self.t(),
        }
    }

    /// The a-priori bound `(2^−t + 1/m)/T = 2^(1−μ−τ)` (module docs).
    pub fn bound(self) -> Rational {
        rational::pow2(1 - i64::from(self.mu) - i64::from(self.tau))
    }
}

/// μ of the paper's `m = ½ log₂(1/ε)`, rounded down to a power of two
/// (`m ≥ 1`, `μ ≤` `MAX_MU` (5)): the largest μ with `2^(2^(μ+1)) ≤ 1/ε`.
///
/// ```
/// use qrelu_core::{construct::lipschitz::paper_mu, rational::ratio};
/// assert_eq!(paper_mu(&ratio(1, 256)), 2); // ½·log₂ 256 = 4 = 2²
/// assert_eq!(paper_mu(&ratio(1, 100)), 1); // ½·log₂ 100 ≈ 3.3
/// assert_eq!(paper_mu(&ratio(1, 3)), 0);
/// ```
pub fn paper_mu(eps: &Rational) -> u32 {
    (1..=MAX_MU)
        .take_while(|&mu| eps * rational::pow2(1i64 << (mu + 1)) <= Rational::one())
        .last()
        .unwrap_or(0)
}

/// The paper's `T = 8/(ε log₂(1/ε))`, for comparison (not used to build).
pub fn paper_intervals(eps: &Rational) -> f64 {
    let e = rational::to_f64(eps);
    8.0 / (e * (1.0 / e).log2())
}

/// The parameters for `spec` (module docs): μ from `t` or `eps`, then the
/// smallest τ whose bound is at most `eps`.
///
/// # Errors
/// No `eps`; `t` above `MAX_MU` (5); an `eps` no `T ≤ 2^MAX_TAU` (and
/// `T ≤ max_weights`) reaches.
pub fn choose(spec: &NetSpec) -> Result<CachedParams, CoreError> {
    let eps = spec
        .eps
        .as_ref()
        .ok_or_else(|| internal("lipschitz without eps"))?;
    let mu = match spec.t {
        Some(t) if t > MAX_MU => {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param(Param::T),
                message: format!(
                    "`structure = lipschitz` takes `t` = log2 of the cells per interval (m = \
                     2^t), at most {MAX_MU}; found {t}"
                ),
            });
        }
        Some(t) => t,
        None => paper_mu(eps),
    };
    for tau in 0..=MAX_TAU {
        let params = CachedParams { tau, mu };
        if params.intervals() > spec.max_weights {
            break;
        }
        if params.bound() <= *eps {
            return Ok(params);
        }
    }
    let tau = MAX_TAU.min(63 - spec.max_weights.max(1).leading_zeros());
    let best = CachedParams { tau, mu }.bound();
    Err(CoreError::InvalidParameter {
        subject: Subject::Param(Param::Eps),
        message: format!(
            "`eps` = {} is below the a-priori bound (2^-t + 1/m)/T of `structure = lipschitz` \
             for every T <= 2^{tau} (m = {}; the best is {}); raise `eps`{}",
            rational::display(eps),
            1u64 << mu,
            rational::display(&best),
            if spec.t.is_some() { " or `t`" } else { "" }
        ),
    })
}

/// The steps `e_k ∈ {−1, 0, 1}` of a cached function.
pub(crate) type Steps = Vec<i8>;

/// What Fig. 4's network computes for one target: f^T and the cached
/// function of every interval (module docs), computed exactly.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(super) params: CachedParams,
    pub(super) interp: Interpolant,
    /// per interval, its cached function on `w` (index into `functions`),
    /// `None` when it is zero
    #[cfg_attr(not(test), allow(dead_code))] // read by the tests, against the runs
    pub(super) chosen: Vec<Option<usize>>,
    /// the distinct non-zero cached functions, as steps on `w`
    pub(super) functions: Vec<Steps>,
    /// maximal runs `(function, first, last)` of intervals sharing one
    pub(super) runs: Vec<(usize, u64, u64)>,
    /// the widest enclosure of `F_i(k/m)` whose rounding could not be
    /// decided (0 for a polynomial; module docs of [`super::transform`])
    pub(super) slack: Rational,
}

impl Plan {
    /// The plan for `target` (one variable, Lipschitz constant ≤ 1 on
    /// [0, 1]) and `params`, and with `prune` no cached function on an
    /// interval where f^T alone is within `1/(mT)` of f̃ (module docs,
    /// *Pruning*).
    ///
    /// # Errors
    /// Those of [`Interpolant::new`]; a step outside {−1, 0, 1} (only for
    /// a target whose Lipschitz constant exceeds 1).
    pub fn with_pruning(
        target: impl Into<OneInput>,
        params: CachedParams,
        prune: bool,
    ) -> Result<Self, CoreError> {
        let interp = Interpolant::new(target, params.interp())?;
        let big_t = params.intervals();
        let mut ids: HashMap<Steps, usize> = HashMap::new();
        let mut functions = Vec::new();
        let mut chosen = Vec::with_capacity(big_t as usize);
        let cell = Rational::new(1.into(), (big_t * params.cells()).into());
        let mut slack = Rational::zero();
        for i in 0..big_t {
            if prune && interval_error(&interp, i) <= cell {
                // f^T alone is within 1/(mT) of f̃ here: no cached function
                chosen.push(None);
                continue;
            }
            let mut steps = local_steps(&interp, params, i, &mut slack)?;
            if i % 2 == 1 {
                steps = steps.iter().rev().map(|e| -e).collect();
            }
            // equal steps: G(u) = s·u and c ≡ 0 (always when m = 1)
            if steps.windows(2).all(|w| w[0] == w[1]) {
                chosen.push(None);
                continue;
            }
            let next = functions.len();
            let id = *ids.entry(steps.clone()).or_insert(next);
            if id == next {
                functions.push(steps);
            }
            chosen.push(Some(id));
        }
        let mut runs: Vec<(usize, u64, u64)> = Vec::new();
        for (i, c) in chosen.iter().enumerate() {
            let Some(j) = *c else { continue };
            let i = i as u64;
            match runs.last_mut() {
                Some((k, _, last)) if *k == j && *last + 1 == i => *last = i,
                _ => runs.push((j, i, i)),
            }
        }
        Ok(Plan {
            params,
            interp,
            chosen,
            functions,
            runs,
            slack,
        })
    }

    /// The a-priori bound of the network (module docs):
    /// `e + (1/m + w)/T`, with `e` of [`super::Transform::excess`] and `w`
    /// the widest undecided rounding of a cell value — for a polynomial,
    /// and almost always otherwise, `(2^−t + 1/m)/T` =
    /// [`CachedParams::bound`].
    pub fn bound(&self) -> Rational {
        let p = self.params;
        let big_t = Rational::from_integer(p.intervals().into());
        let m = Rational::from_integer(p.cells().into());
        self.interp.transform().excess() + (m.recip() + &self.slack) / big_t
    }

    /// The parameters.
    #[cfg(test)]
    pub fn params(&self) -> CachedParams {
        self.params
    }

    /// f^T (and through it f̃).
    #[cfg(test)]
    pub fn interpolant(&self) -> &Interpolant {
        &self.interp
    }

    /// The distinct non-zero cached functions, as steps on `w`.
    #[cfg(test)]
    pub fn functions(&self) -> &[Steps] {
        &self.functions
    }

    /// Per interval, the index of its cached function on `w` (`None`: zero).
    #[cfg(test)]
    pub fn chosen(&self) -> &[Option<usize>] {
        &self.chosen
    }

    /// The maximal runs `(function, first interval, last interval)`.
    #[cfg(test)]
    pub fn runs(&self) -> &[(usize, u64, u64)] {
        &self.runs
    }

    /// `c(v) = Σ_k e_k·(clip(v − k/m, 0, 1/m) − v/m)` for steps `e`.
    #[cfg(test)]
    pub fn cached(&self, e: &[i8], v: &Rational) -> Rational {
        let m = Rational::from_integer(self.params.cells().into());
        let cell = Rational::one() / &m;
        let mut sum = Rational::zero();
        for (k, &ek) in e.iter().enumerate() {
            if ek == 0 {
                continue;
            }
            let start = Rational::from_integer(k.into()) / &m;
            let clip = (v - start).max(Rational::zero()).min(cell.clone());
            let term = clip - v / &m;
            sum += term * Rational::from_integer(ek.into());
        }
        sum
    }

    /// The local coordinate `w(x) = g^{∘τ}(x)`: `u` on even intervals,
    /// `1 − u` on odd ones.
    #[cfg(test)]
    pub fn wave(&self, x: &Rational) -> Rational {
        let mut y = x.clone();
        let half = rational::ratio(1, 2);
        for _ in 0..self.params.tau {
            y = Rational::one() - rational::int(2) * (&y - &half).abs();
        }
        y
    }

    /// `Ψ_j(x)`: the sum of the trapezoids of the runs of function `j`.
    #[cfg(test)]
    pub fn mask(&self, j: usize, x: &Rational) -> Rational {
        let big_t = Rational::from_integer(self.params.intervals().into());
        let ramp = self.params.delta() / &big_t;
        let mut sum = Rational::zero();
        for &(k, first, last) in &self.runs {
            if k != j {
                continue;
            }
            let a = Rational::from_integer(first.into()) / &big_t;
            let b = Rational::from_integer((last + 1).into()) / &big_t;
            let up = ((x - &a) / &ramp)
                .max(Rational::zero())
                .min(Rational::one());
            let down = ((&b - x) / &ramp)
                .max(Rational::zero())
                .min(Rational::one());
            sum += up.min(down);
        }
        sum
    }

    /// What the network computes at `x ∈ [0, 1]`, from the definitions:
    /// `f^T(x) + (1/T)·Σ_j soft(c_j(w), 1 − Ψ_j(x))`.
    #[cfg(test)]
    pub fn at(&self, x: &Rational) -> Rational {
        let w = self.wave(x);
        let big_t = Rational::from_integer(self.params.intervals().into());
        let mut sum = Rational::zero();
        for (j, e) in self.functions.iter().enumerate() {
            let c = self.cached(e, &w);
            let a = Rational::one() - self.mask(j, x);
            sum += rational::relu(&(&c - &a)) - rational::relu(&(-&c - &a));
        }
        self.interp.at(x) + sum / big_t
    }

    /// An upper bound on the weights of the network built on this plan, computed without
    /// building (for the `max_weights` guard).
    pub fn estimate_weights(&self) -> Result<u64, CoreError> {
        let p = self.params;
        let (tau, mu) = (u64::from(p.tau), u64::from(p.mu));
        let mut w = super::interpolant::estimate_weights_of(&self.interp, p.interp())?;
        if self.functions.is_empty() {
            return Ok(w);
        }
        let (m, runs, fns) = (
            p.cells(),
            self.runs.len() as u64,
            self.functions.len() as u64,
        );
        w += 2 * tau + mu + 6; // the chain past K_τ
        w += 6 * tau + 3 + 16 * tau + 8 + 2 * mu + 8; // B_s1, B_s2
        w += m * (mu + 2) + 4 * m; // H_k, A_k
        w += runs * (2 * (tau + 2) + 12); // ramps and masks
        w += fns * 2 * (m + mu + 4); // M_j^±
        w += 2 * fns + 2 * (16 * (mu + 8) + 8); // G^±, ±2^(μ+8)
        Ok(w)
    }
}

/// Pieces per interval in [`interval_error`].
const PIECES: u64 = 2;

/// A rigorous upper bound on `sup |f̃ − f^T|` over interval `i` (module
/// docs, *Intervals without a cached function*): `f⁺ − L_i` enclosed on
/// [`PIECES`] pieces ([`PieceData`]: Bernstein coefficients for a
/// polynomial, a Taylor form for an expression).
fn interval_error(interp: &Interpolant, i: u64) -> Rational {
    let tf = interp.transform();
    let big_t = tf.intervals();
    let start = Rational::new(i.into(), big_t.into());
    let end = Rational::new((i + 1).into(), big_t.into());
    let (k, s) = (&tf.knots()[i as usize], &interp.slopes()[i as usize]);
    // f⁺ = f + c_i, c_i = f̃((i+1)/T) − f((i+1)/T)
    let shift = tf.shift(i);
    let mut g: Option<Interval> = None;
    for piece in 0..PIECES {
        let a = &start + (&end - &start) * Rational::new(piece.into(), PIECES.into());
        let b = &start + (&end - &start) * Rational::new((piece + 1).into(), PIECES.into());
        let data = PieceData::new(tf.target(), &a, &b);
        let e = data.gap(&a, &b, &shift, (k, s, &start));
        g = Some(g.map_or(e.clone(), |o| o.hull(&e)));
    }
    let g = g.unwrap_or_else(|| Interval::point(Rational::zero()));
    let (lo, hi) = (g.lo().clone(), g.hi().clone());
    // climbing when k_i <= f⁺(i/T); the hull of both cases when undecided
    let at_start = match tf.target().value(&start, &rational::pow2(-200)) {
        Ok(v) => v.add(&shift),
        Err(_) => Interval::hull_of(k.clone(), k.clone()),
    };
    let (lower, upper) = if *k <= *at_start.lo() {
        (lo.min(Rational::zero()), hi)
    } else if *k > *at_start.hi() {
        (lo, hi.max(Rational::zero()))
    } else {
        (lo.min(Rational::zero()), hi.max(Rational::zero()))
    };
    lower.abs().max(upper.abs())
}

/// The steps of interval `i` in its own coordinate `u` (module docs).
///
/// `g_k = ⌊m·F_i(k/m) + ½⌋` is decided on enclosures of f̃
/// ([`Transform::enclose`](super::Transform::enclose)); where they cannot
/// decide it (a value on a rounding boundary that the enclosures do not
/// pin down), the upper end's rounding is taken and the enclosure's
/// width, in units of `F_i`, raised into `slack` (the bound adds it).
fn local_steps(
    interp: &Interpolant,
    params: CachedParams,
    i: u64,
    slack: &mut Rational,
) -> Result<Steps, CoreError> {
    let (big_t, m) = (params.intervals(), params.cells());
    let tf = interp.transform();
    let k_i = &tf.knots()[i as usize];
    let scale = Rational::from_integer((big_t * m).into());
    let half = rational::ratio(1, 2);
    let one = Rational::one();
    let mut g = |k: u64| -> Result<i64, CoreError> {
        let x = Rational::new((i * m + k).into(), (big_t * m).into());
        let (v, proved, width) = decide(&one, false, |tol| {
            let f = tf.enclose(&x, &(tol / &scale))?;
            Ok(f.sub(&Interval::point(k_i.clone()))
                .scale(&scale)
                .add(&Interval::point(half.clone())))
        })?;
        if !proved {
            // m·F_i enclosed in an interval of this width
            let w = width / Rational::from_integer(m.into());
            if w > *slack {
                *slack = w;
            }
        }
        Ok(i64::try_from(v).unwrap_or(i64::MAX))
    };
    let mut steps = Vec::with_capacity(m as usize);
    let mut prev = 0i64;
    for k in 1..=m {
        let next = g(k)?;
        let e = next - prev;
        if !(-1..=1).contains(&e) {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Target,
                message: "a cached function needs a step beyond ±1/m: the target's Lipschitz \
                          constant exceeds 1"
                    .to_owned(),
            });
        }
        steps.push(e as i8);
        prev = next;
    }
    let end = &interp.slopes()[i as usize] * Rational::from_integer(m.into());
    if Rational::from_integer(prev.into()) != end {
        return Err(internal("a cached function that misses its slope"));
    }
    Ok(steps)
}

/// The plan for `spec`: [`choose`], then [`Plan::with_pruning`], pruning
/// with `tune = smallest`.
///
/// # Errors
/// Those of [`choose`] and [`Plan::new`].
#[cfg(test)]
pub(crate) fn plan(spec: &NetSpec) -> Result<Plan, CoreError> {
    Plan::with_pruning(
        spec.poly("`structure = lipschitz`")?,
        choose(spec)?,
        spec.tune,
    )
}
