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
//! ([`super::lipschitz::Transform`]), `k_i = f̃(i/T)`, `s_i = T(k_{i+1} −
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
//! [`super::lipschitz`]), and `ℓ − L_i` (with `L_i` the line of f^T) is 0
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
//! # Wiring (strict codebook: weights ±½ and Prop. 3's multiples)
//!
//! `S = δ/(4T) = 2^−(τ+μ+5)` is the scale of the cached functions.
//!
//! - **B_s1** (scale by T): `A_1 = σ(½x − ½K_1)`, `B_1 = σ(½K_1 − ½x)`,
//!   `A_{i+1} = σ(½K_{2i+1} − ½A_i − ½B_i)`, `B_{i+1} = σ(−½K_{2i+1} +
//!   ½A_i + ½B_i)` — [`crate::gadget::square`]'s tent blocks started at
//!   scale ½ — and `W = σ(½K_{2τ} − ½A_τ − ½B_τ) = 2^−(2τ+1)·w`; then
//!   `ω = 2S·w` by [`weight::times`] when `τ > μ + 3`;
//! - **B_s2** (scale by 1/T): halvings `σ(½·)` when `τ < μ + 3` (or `T =
//!   1`, `w = x`), and `Y_1 = σ(½ω) = S·w`, …, `Y = 2^−(μ+1)ω = S·w/m`;
//! - **B_T, B_δ, B_m**: the constant chain `K_j = 2^−j` up to `K_τ` (the
//!   breakpoints `i/T`), to `K_{τ+μ+4}` (`¼δ/T`), to `K_{τ+2μ+6}` (cells
//!   and constants of the cached functions);
//! - **B_f*1**: `H_k = σ(½ω − S·k/m) = S·σ(w − k/m)` (`H_0 = Y_1`) and
//!   `A_k = σ(½H_k − ½H_{k+1} − ½Y + ½·S/m) = ½S·(clip(w − k/m, 0, 1/m) −
//!   w/m + 1/m)` ≥ 0;
//! - **B_Φ**: per run `[i₀, i₁]`, from the B_f^T units `P_i = ½σ(x −
//!   i/T)` (built here where f^T needs none), with `σ(σ(z) − c) = σ(z −
//!   c)` for `c ≥ 0`: `σ(½P_{i₀}) = ¼σ(x − a)`, `σ(½P_{i₀} − ¼δ/T) = ¼σ(x −
//!   a − δ/T)`, `σ(½P_{i₁} − ¼/T + ¼δ/T) = ¼σ(x − b + δ/T)`, `σ(½P_{i₁} −
//!   ¼/T) = ¼σ(x − b)` (`a = i₀/T`, `b = (i₁+1)/T`; 8 weights), and
//!   `V_j = σ(½Σ_runs(…)) = ⅛(δ/T)Ψ_j = ½S·Ψ_j`;
//! - **B_f*2**: `M_j^± = σ(±½Σ_k e_k A_k − (S/4)(1 ± s_j) + ½V_j) =
//!   (S/4)·σ(±c_j − 1 + Ψ_j)`, with `s_j = Σ e_k/m` and the constant read
//!   from the chain;
//! - **B_f*3**: `G^± = σ(½Σ_j M_j^±)`;
//! - **B_s3** (scale by 1/δ): `±2^(μ+8)·G^±` by [`weight::times`], since
//!   `Σ_j soft_j/T = (4/(ST))Σ_j(M_j^+ − M_j^−) = 2^(μ+8)(G^+ − G^−)`;
//! - **B_f''**: the output, `k_0 +` f^T's form `+` the two multiples.
//!
//! # Size
//!
//! f^T costs `O(T log T)` (its breakpoints' digits); the cached part
//! `O(τ + μ)` for the scalings, `O(m log m)` for B_f*1, `12` weights per
//! run plus the missing `P_i` for B_Φ, and `2(m + μ + 3)` per cached
//! function for B_f*2 — `O(T log T + m·min(T, 3^m)) = O(1/ε)` weights for
//! Theorem 2's `T` and `m` (Theorem 2 (ii) without the `log log` term,
//! which our Horner chains avoid).

use std::collections::HashMap;

use num_traits::{One, Signed, Zero};

use super::NetSpec;
use super::lipschitz::{InterpUnits, Interpolant, LipschitzParams, MAX_TAU, offset_unit};
use crate::Poly;
use crate::error::{CoreError, Subject};
use crate::gadget::weight::{self, CopyRecipe, PowerChain, Sign};
use crate::net::{LinearForm, Net, NetBuilder, Part, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// Largest μ (`m = 2^μ` cells per interval).
pub const MAX_MU: u32 = 5;

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
/// (`m ≥ 1`, `μ ≤` [`MAX_MU`]): the largest μ with `2^(2^(μ+1)) ≤ 1/ε`.
///
/// ```
/// use qrelu_core::{construct::cached::paper_mu, rational::ratio};
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
/// No `eps`; `t` above [`MAX_MU`]; an `eps` no `T ≤ 2^MAX_TAU` (and
/// `T ≤ max_weights`) reaches.
pub fn choose(spec: &NetSpec) -> Result<CachedParams, CoreError> {
    let eps = spec
        .eps
        .as_ref()
        .ok_or_else(|| super::internal("lipschitz without eps"))?;
    let mu = match spec.t {
        Some(t) if t > MAX_MU => {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param("t"),
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
        subject: Subject::Param("eps"),
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
pub type Steps = Vec<i8>;

/// What Fig. 4's network computes for one target: f^T and the cached
/// function of every interval (module docs), computed exactly.
#[derive(Clone, Debug)]
pub struct Plan {
    params: CachedParams,
    interp: Interpolant,
    /// per interval, its cached function on `w` (index into `functions`),
    /// `None` when it is zero
    chosen: Vec<Option<usize>>,
    /// the distinct non-zero cached functions, as steps on `w`
    functions: Vec<Steps>,
    /// maximal runs `(function, first, last)` of intervals sharing one
    runs: Vec<(usize, u64, u64)>,
}

impl Plan {
    /// The plan for `target` (one variable, Lipschitz constant ≤ 1 on
    /// [0, 1]) and `params`.
    ///
    /// # Errors
    /// Those of [`Interpolant::new`]; a step outside {−1, 0, 1} (only for
    /// a target whose Lipschitz constant exceeds 1).
    pub fn new(target: &Poly, params: CachedParams) -> Result<Self, CoreError> {
        Self::with_pruning(target, params, false)
    }

    /// [`Plan::new`], and with `prune` no cached function on an interval
    /// where f^T alone is within `1/(mT)` of f̃ (module docs, *Pruning*).
    ///
    /// # Errors
    /// As [`Plan::new`].
    pub fn with_pruning(
        target: &Poly,
        params: CachedParams,
        prune: bool,
    ) -> Result<Self, CoreError> {
        let interp = Interpolant::new(target, params.interp())?;
        let big_t = params.intervals();
        let mut ids: HashMap<Steps, usize> = HashMap::new();
        let mut functions = Vec::new();
        let mut chosen = Vec::with_capacity(big_t as usize);
        let coef: Vec<Rational> = (0..=target.degree_in(0).max(1))
            .map(|k| target.coefficient(&[k]))
            .collect();
        let cell = Rational::new(1.into(), (big_t * params.cells()).into());
        for i in 0..big_t {
            if prune && interval_error(&interp, &coef, i) <= cell {
                // f^T alone is within 1/(mT) of f̃ here: no cached function
                chosen.push(None);
                continue;
            }
            let mut steps = local_steps(&interp, params, i)?;
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
        })
    }

    /// The parameters.
    pub fn params(&self) -> CachedParams {
        self.params
    }

    /// f^T (and through it f̃).
    pub fn interpolant(&self) -> &Interpolant {
        &self.interp
    }

    /// The distinct non-zero cached functions, as steps on `w`.
    pub fn functions(&self) -> &[Steps] {
        &self.functions
    }

    /// Per interval, the index of its cached function on `w` (`None`: zero).
    pub fn chosen(&self) -> &[Option<usize>] {
        &self.chosen
    }

    /// The maximal runs `(function, first interval, last interval)`.
    pub fn runs(&self) -> &[(usize, u64, u64)] {
        &self.runs
    }

    /// `c(v) = Σ_k e_k·(clip(v − k/m, 0, 1/m) − v/m)` for steps `e`.
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
    pub fn wave(&self, x: &Rational) -> Rational {
        let mut y = x.clone();
        let half = rational::ratio(1, 2);
        for _ in 0..self.params.tau {
            y = Rational::one() - rational::int(2) * (&y - &half).abs();
        }
        y
    }

    /// `Ψ_j(x)`: the sum of the trapezoids of the runs of function `j`.
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

    /// An upper bound on the weights of [`build`], computed without
    /// building (for the `max_weights` guard).
    pub fn estimate_weights(&self) -> Result<u64, CoreError> {
        let p = self.params;
        let (tau, mu) = (u64::from(p.tau), u64::from(p.mu));
        let mut w = super::lipschitz::estimate_weights_of(&self.interp, p.interp())?;
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
/// docs, *Intervals without a cached function*).
fn interval_error(interp: &Interpolant, coef: &[Rational], i: u64) -> Rational {
    let tf = interp.transform();
    let big_t = tf.intervals();
    let start = Rational::new(i.into(), big_t.into());
    let end = Rational::new((i + 1).into(), big_t.into());
    let (k, s) = (&tf.knots()[i as usize], &interp.slopes()[i as usize]);
    // f⁺ = f + c_i, c_i = f̃((i+1)/T) − f((i+1)/T)
    let eval = |x: &Rational| {
        coef.iter()
            .rev()
            .fold(Rational::zero(), |acc, c| acc * x + c)
    };
    let shift = &tf.knots()[i as usize + 1] - eval(&end);
    let n = Rational::from_integer((coef.len() - 1).into());
    let (mut lo, mut hi): (Option<Rational>, Option<Rational>) = (None, None);
    for piece in 0..PIECES {
        let a = &start + (&end - &start) * Rational::new(piece.into(), PIECES.into());
        let b = &start + (&end - &start) * Rational::new((piece + 1).into(), PIECES.into());
        for (j, bj) in crate::bernstein::coefficients_1d(coef, &a, &b)
            .iter()
            .enumerate()
        {
            // g = f⁺ − L_i; a line's Bernstein coefficients are its values at the nodes
            let x = &a + (&b - &a) * Rational::from_integer(j.into()) / &n;
            let g = bj + &shift - (k + s * (x - &start));
            if lo.as_ref().is_none_or(|l| g < *l) {
                lo = Some(g.clone());
            }
            if hi.as_ref().is_none_or(|h| g > *h) {
                hi = Some(g);
            }
        }
    }
    let (lo, hi) = (lo.unwrap_or_default(), hi.unwrap_or_default());
    let climbing = *k <= eval(&start) + &shift;
    let (lower, upper) = if climbing {
        (lo.min(Rational::zero()), hi)
    } else {
        (lo, hi.max(Rational::zero()))
    };
    lower.abs().max(upper.abs())
}

/// The steps of interval `i` in its own coordinate `u` (module docs).
fn local_steps(interp: &Interpolant, params: CachedParams, i: u64) -> Result<Steps, CoreError> {
    let (big_t, m) = (params.intervals(), params.cells());
    let tf = interp.transform();
    let k_i = &tf.knots()[i as usize];
    let scale = Rational::from_integer((big_t * m).into());
    let half = rational::ratio(1, 2);
    let g = |k: u64| -> i64 {
        let x = Rational::new((i * m + k).into(), (big_t * m).into());
        let v = (tf.at(&x) - k_i) * &scale + &half;
        i64::try_from(rational::floor(&v)).unwrap_or(i64::MAX)
    };
    let mut steps = Vec::with_capacity(m as usize);
    let mut prev = 0i64;
    for k in 1..=m {
        let next = g(k);
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
        return Err(super::internal("a cached function that misses its slope"));
    }
    Ok(steps)
}

/// The network of Fig. 4 for `spec` (one input on [0, 1]) and `plan`,
/// and its a-priori bound (module docs).
///
/// # Errors
/// Builder errors (never for a codebook holding ±½).
pub fn build(
    spec: &NetSpec,
    plan: &Plan,
    codebook: Codebook,
) -> Result<(Net, Rational), CoreError> {
    let p = plan.params;
    let (tau, mu) = (p.tau, p.mu);
    let mut b = NetBuilder::new(codebook, &spec.inputs);
    b.set_constants_part(Part::Knots);
    let x = b.input(0);
    if !plan.functions.is_empty() {
        // B_T, B_δ, B_m: one chain in three stretches
        b.pow2_const(tau.max(1))?;
        b.pow2_const_in(Part::Delta, tau + mu + 4)?;
        b.pow2_const_in(Part::Cells, tau + 2 * mu + 6)?;
    }
    let mut units = InterpUnits::build(&mut b, x, &plan.interp, p.interp())?;
    if !plan.functions.is_empty() {
        let form = cached_units(&mut b, x, plan, &mut units.p)?;
        units.form.add(&form, false);
    }
    let k0 = plan.interp.transform().knots()[0].clone();
    let bias = super::direct::constant(spec, &mut b, &k0, &mut units.form)?;
    let net = b.finish(bias, &units.form)?;
    Ok((net, p.bound()))
}

/// `σ(Σ ½·src)` halvings of `u`, `count` times, each in its own unit.
fn halvings(
    b: &mut NetBuilder,
    u: UnitId,
    count: u32,
    role: &str,
) -> Result<Vec<UnitId>, CoreError> {
    let half = rational::ratio(1, 2);
    let mut out = Vec::with_capacity(count as usize);
    let mut cur = u;
    for k in 1..=count {
        cur = b.relu(
            &format!("{role}{k}"),
            Rational::zero(),
            &[(cur, half.clone())],
        )?;
        out.push(cur);
    }
    Ok(out)
}

/// Edges `−½·K_(e−1−j)` for the binary digits `2^j` of `n`: together
/// `−n·2^−e` (requires `n < 2^(e−1)`).
fn minus_constant(
    b: &mut NetBuilder,
    n: u64,
    e: u32,
    edges: &mut Vec<(UnitId, Rational)>,
) -> Result<(), CoreError> {
    if e < 2 || (e < 65 && n >> (e - 1) != 0) {
        return Err(super::internal("a constant of ½ or more"));
    }
    for j in 0..(e - 1).min(64) {
        if n >> j & 1 == 1 {
            edges.push((b.pow2_const(e - 1 - j)?, rational::ratio(-1, 2)));
        }
    }
    Ok(())
}

/// The units of the module docs' wiring after f^T; returns the form of
/// `(1/T)·Σ_j soft_j`. `p` holds the B_f^T units `P_i`, extended here.
fn cached_units(
    b: &mut NetBuilder,
    x: UnitId,
    plan: &Plan,
    p: &mut [Option<UnitId>],
) -> Result<LinearForm, CoreError> {
    let params = plan.params;
    let (tau, mu) = (params.tau, params.mu);
    let m = params.cells();
    let half = rational::ratio(1, 2);
    let zero = Rational::zero();
    // S = 2^−s_exp = ¼δ/T; ω = 2S·w
    let s_exp = tau + mu + 5;
    let omega_exp = s_exp - 1;
    let fine = tau + mu + 3; // δ/T = 2^−fine
    let big_t = params.intervals();

    // B_s1: the tent iterates, W = 2^−(2τ+1)·w, and ω when it is larger
    let (base, base_exp, base_edges) = if tau == 0 {
        (x, 0, Vec::new())
    } else {
        b.in_part(Part::ScaleUp, |b| {
            b.begin_block("tent");
            let k1 = b.pow2_const(1)?;
            let mut a = b.relu("a", zero.clone(), &[(x, half.clone()), (k1, -&half)])?;
            let mut bb = b.relu("b", zero.clone(), &[(x, -&half), (k1, half.clone())])?;
            b.end_block();
            for i in 1..tau {
                b.begin_block("tent");
                let k = b.pow2_const(2 * i + 1)?;
                let a2 = b.relu(
                    "a",
                    zero.clone(),
                    &[(k, half.clone()), (a, -&half), (bb, -&half)],
                )?;
                let b2 = b.relu(
                    "b",
                    zero.clone(),
                    &[(k, -&half), (a, half.clone()), (bb, half.clone())],
                )?;
                b.end_block();
                a = a2;
                bb = b2;
            }
            let k = b.pow2_const(2 * tau)?;
            let edges = vec![(k, half.clone()), (a, -&half), (bb, -&half)];
            let w = b.relu("w", zero.clone(), &edges)?;
            Ok((w, 2 * tau + 1, edges))
        })?
    };
    let omega = if base_exp > omega_exp {
        b.in_part(Part::ScaleUp, |b| {
            let mut chain = PowerChain::new(
                base,
                CopyRecipe::Rebuild {
                    bias: Rational::zero(),
                    edges: base_edges,
                },
            );
            let up = rational::pow2(i64::from(base_exp - omega_exp));
            let form = weight::times(b, &mut chain, &up, Sign::Plus)?;
            b.relu("omega", Rational::zero(), &form.terms)
        })?
    } else if base_exp < omega_exp {
        b.in_part(Part::ScaleDown, |b| {
            let down = halvings(b, base, omega_exp - base_exp, "down")?;
            down.last()
                .copied()
                .ok_or_else(|| super::internal("no halving"))
        })?
    } else {
        base
    };
    // B_s2: Y_1 = S·w, …, Y = S·w/m
    let ys = b.in_part(Part::ScaleDown, |b| halvings(b, omega, mu + 1, "y"))?;
    let (h0, y) = (ys[0], ys[ys.len() - 1]);

    // B_f*1: H_k = S·σ(w − k/m), A_k = ½S(clip(w − k/m, 0, 1/m) − w/m + 1/m)
    let used: Vec<bool> = (0..m as usize)
        .map(|k| plan.functions.iter().any(|e| e[k] != 0))
        .collect();
    let cell_exp = s_exp + mu; // S/m = 2^−cell_exp
    let a_units = b.in_part(Part::Cache1, |b| {
        let mut h = vec![h0];
        for k in 1..m {
            let mut edges = vec![(omega, half.clone())];
            // S·k/m = k·2^−cell_exp
            minus_constant(b, k, cell_exp, &mut edges)?;
            h.push(b.relu(&format!("h{k}"), Rational::zero(), &edges)?);
        }
        let kc = b.pow2_const(cell_exp)?;
        let mut a = vec![None; m as usize];
        for k in 0..m as usize {
            if !used[k] {
                continue;
            }
            let mut edges = vec![(h[k], half.clone())];
            if k + 1 < m as usize {
                edges.push((h[k + 1], -&half));
            }
            edges.push((y, -&half));
            edges.push((kc, half.clone()));
            a[k] = Some(b.relu(&format!("a{k}"), Rational::zero(), &edges)?);
        }
        Ok(a)
    })?;

    // B_Φ: the ramps of every run, read from P_i, and V_j = ½S·Ψ_j
    let masks = b.in_part(Part::Mask, |b| {
        let quarter_t = b.pow2_const(tau + 1)?; // ½K_(τ+1) = ¼/T
        let quarter_d = b.pow2_const(fine + 1)?; // ½K_(fine+1) = ¼δ/T
        let mut sums: Vec<Vec<(UnitId, Rational)>> = vec![Vec::new(); plan.functions.len()];
        for &(j, first, last) in &plan.runs {
            let mut p_unit = |b: &mut NetBuilder, i: u64| -> Result<UnitId, CoreError> {
                match p[i as usize] {
                    Some(u) => Ok(u),
                    None => {
                        let u = offset_unit(b, x, i, tau, &format!("p{i}"))?;
                        p[i as usize] = Some(u);
                        Ok(u)
                    }
                }
            };
            let (pa, pb) = (p_unit(b, first)?, p_unit(b, last)?);
            // ¼σ(x − a), ¼σ(x − a − δ/T) with a = first/T
            let up = b.relu("up", zero.clone(), &[(pa, half.clone())])?;
            let up2 = b.relu(
                "up_d",
                zero.clone(),
                &[(pa, half.clone()), (quarter_d, -&half)],
            )?;
            // ¼σ(x − b + δ/T), ¼σ(x − b) with b = (last + 1)/T
            let down = b.relu(
                "down_d",
                zero.clone(),
                &[
                    (pb, half.clone()),
                    (quarter_t, -&half),
                    (quarter_d, half.clone()),
                ],
            )?;
            let s = &mut sums[j];
            s.push((up, half.clone()));
            s.push((up2, -&half));
            s.push((down, -&half));
            if last + 1 < big_t {
                let down2 = b.relu(
                    "down",
                    zero.clone(),
                    &[(pb, half.clone()), (quarter_t, -&half)],
                )?;
                s.push((down2, half.clone()));
            }
        }
        sums.iter()
            .enumerate()
            .map(|(j, edges)| b.relu(&format!("v{j}"), Rational::zero(), edges))
            .collect::<Result<Vec<_>, _>>()
    })?;

    // B_f*2: M_j^± = (S/4)·σ(±c_j − 1 + Ψ_j)
    let const_exp = s_exp + mu + 2; // (S/4)/m = 2^−const_exp
    let masked = b.in_part(Part::Cache2, |b| {
        let mut plus = Vec::new();
        let mut minus = Vec::new();
        for (j, e) in plan.functions.iter().enumerate() {
            let sum: i64 = e.iter().map(|&v| i64::from(v)).sum();
            for (sign, out) in [(1i64, &mut plus), (-1i64, &mut minus)] {
                let mut edges = Vec::new();
                for (k, &ek) in e.iter().enumerate() {
                    if ek != 0 {
                        let unit = a_units[k].ok_or_else(|| super::internal("a missing A_k"))?;
                        let w = if i64::from(ek) * sign > 0 {
                            half.clone()
                        } else {
                            -&half
                        };
                        edges.push((unit, w));
                    }
                }
                edges.push((masks[j], half.clone()));
                // (S/4)(1 ± s_j) = (m ± Σe)·2^−const_exp
                let n = u64::try_from(m as i64 + sign * sum)
                    .map_err(|_| super::internal("a cached sum beyond m"))?;
                minus_constant(b, n, const_exp, &mut edges)?;
                let role = format!("{}{j}", if sign > 0 { "mp" } else { "mn" });
                out.push(b.relu(&role, Rational::zero(), &edges)?);
            }
        }
        Ok((plus, minus))
    })?;

    // B_f*3 and B_s3: ±2^(μ+7)·G^±
    let mut out = LinearForm::default();
    for (sign, units) in [(Sign::Plus, &masked.0), (Sign::Minus, &masked.1)] {
        let edges: Vec<(UnitId, Rational)> = units.iter().map(|&u| (u, half.clone())).collect();
        let g = b.in_part(Part::Cache3, |b| {
            let role = if sign == Sign::Plus { "gp" } else { "gn" };
            b.relu(role, Rational::zero(), &edges)
        })?;
        let form = b.in_part(Part::ScaleBack, |b| {
            let mut chain = PowerChain::new(
                g,
                CopyRecipe::Rebuild {
                    bias: Rational::zero(),
                    edges,
                },
            );
            weight::times(b, &mut chain, &rational::pow2(i64::from(mu + 8)), sign)
        })?;
        out.add(&form, false);
    }
    Ok(out)
}

/// The plan for `spec`: [`choose`], then [`Plan::with_pruning`], pruning
/// with `tune = smallest`.
///
/// # Errors
/// Those of [`choose`] and [`Plan::new`].
pub fn plan(spec: &NetSpec) -> Result<Plan, CoreError> {
    Plan::with_pruning(&spec.target, choose(spec)?, spec.tune)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval;
    use crate::rational::ratio;

    fn poly(terms: &[(i64, i64, u32)]) -> Poly {
        Poly::from_terms(1, terms.iter().map(|(p, q, k)| (ratio(*p, *q), vec![*k])))
    }

    fn spec(target: Poly, eps: Rational) -> NetSpec {
        let mut s = NetSpec::new("F", &["x"], target);
        s.structure = super::super::Structure::Lipschitz;
        s.eps = Some(eps);
        s
    }

    #[test]
    fn paper_parameters() {
        // ε = 1/256: m = 4, t = 2, δ = 1/32, (1/4 + 1/4)/T ≤ 1/256 → T = 128
        let s = spec(poly(&[(1, 2, 2)]), ratio(1, 256));
        let p = choose(&s).unwrap();
        assert_eq!((p.intervals(), p.cells(), p.t()), (128, 4, 2));
        assert_eq!(p.delta(), ratio(1, 32));
        assert_eq!(p.bound(), ratio(1, 256));
        assert!(p.bound() <= ratio(1, 256));
        let coarser = CachedParams { tau: 6, mu: 2 };
        assert!(coarser.bound() > ratio(1, 256));
    }

    /// Every block computes the function the module docs claim for it,
    /// exactly, on a grid finer than every breakpoint — for the three ways
    /// of reaching ω (halvings, none, Prop. 3's multiple).
    #[test]
    fn every_block_computes_its_claimed_function() {
        let cheb = poly(&[(1, 2, 1), (-3, 1, 2), (2, 1, 3)]); // f′ = ½ − 6x + 6x²
        for (target, eps, t) in [
            (poly(&[(1, 3, 3), (-1, 4, 1)]), ratio(1, 8), Some(2)), // T = 4: halvings
            (cheb.clone(), ratio(1, 64), None),                     // T = 32: ω = W
            (cheb, ratio(1, 128), None),                            // T = 64: times
        ] {
            let mut s = spec(target, eps);
            s.t = t;
            let plan = plan(&s).unwrap();
            let p = plan.params();
            assert!(!plan.functions().is_empty(), "{p:?}");
            let (net, _) = build(&s, &plan, Codebook::nonlinear(2, 2).unwrap()).unwrap();
            let unit = |part: Part, role: &str| {
                (0..net.units.len())
                    .find(|&u| net.part_of(u) == Some(part) && net.units[u].role == role)
                    .unwrap_or_else(|| panic!("no {role} in {part:?}"))
            };
            let (tau, mu, m) = (p.tau, p.mu, p.cells());
            let big_s = rational::pow2(-i64::from(tau + mu + 5));
            let mr = Rational::from_integer(m.into());
            // every breakpoint is a multiple of δ/T = 1/(8mT); midpoints too;
            // at most 8 intervals at each end
            let per = 16 * m;
            let ends = p.intervals().min(8);
            let ks = (0..=ends * per).chain((p.intervals() - ends) * per..=p.intervals() * per);
            let grid = p.intervals() * per;
            for k in ks {
                let x = Rational::new(k.into(), grid.into());
                let v = eval::unit_values(&net, std::slice::from_ref(&x));
                let w = plan.wave(&x);
                if tau > 0 {
                    let scale = rational::pow2(-i64::from(2 * tau + 1));
                    assert_eq!(v[unit(Part::ScaleUp, "w")], &scale * &w, "W at {x}");
                }
                let ys = format!("y{}", mu + 1);
                assert_eq!(v[unit(Part::ScaleDown, "y1")], &big_s * &w);
                assert_eq!(v[unit(Part::ScaleDown, &ys)], &big_s * &w / &mr);
                for c in 1..m {
                    let h = &big_s * rational::relu(&(&w - Rational::new(c.into(), m.into())));
                    assert_eq!(v[unit(Part::Cache1, &format!("h{c}"))], h, "H_{c} at {x}");
                }
                for c in 0..m as usize {
                    let used = plan.functions().iter().any(|e| e[c] != 0);
                    if !used {
                        continue;
                    }
                    let start = Rational::from_integer(c.into()) / &mr;
                    let clip = (&w - start)
                        .max(Rational::zero())
                        .min(Rational::one() / &mr);
                    let a = &big_s / rational::int(2) * (clip - &w / &mr + Rational::one() / &mr);
                    assert_eq!(v[unit(Part::Cache1, &format!("a{c}"))], a, "A_{c} at {x}");
                }
                let (mut gp, mut gn) = (Rational::zero(), Rational::zero());
                for (j, e) in plan.functions().iter().enumerate() {
                    let psi = plan.mask(j, &x);
                    assert!(psi >= Rational::zero() && psi <= Rational::one());
                    let vj = &big_s / rational::int(2) * &psi;
                    assert_eq!(v[unit(Part::Mask, &format!("v{j}"))], vj, "V_{j} at {x}");
                    let c = plan.cached(e, &w);
                    assert!(c.abs() <= Rational::one());
                    let quarter = &big_s / rational::int(4);
                    let mp = &quarter * rational::relu(&(&c - Rational::one() + &psi));
                    let mn = &quarter * rational::relu(&(-&c - Rational::one() + &psi));
                    assert_eq!(
                        v[unit(Part::Cache2, &format!("mp{j}"))],
                        mp,
                        "M+_{j} at {x}"
                    );
                    assert_eq!(
                        v[unit(Part::Cache2, &format!("mn{j}"))],
                        mn,
                        "M-_{j} at {x}"
                    );
                    gp += mp / rational::int(2);
                    gn += mn / rational::int(2);
                }
                assert_eq!(v[unit(Part::Cache3, "gp")], gp);
                assert_eq!(v[unit(Part::Cache3, "gn")], gn);
                assert_eq!(eval::eval(&net, std::slice::from_ref(&x)), plan.at(&x));
            }
        }
    }

    /// Off the ramps the selected cached function is the interval's own,
    /// within `1/(mT)` of f̃ − f^T — and so is f^T alone on a pruned
    /// interval; the estimate covers the built size; runs are maximal and
    /// cover exactly the intervals with a non-zero function.
    #[test]
    fn cached_functions_track_the_transform() {
        let target = poly(&[(1, 2, 1), (-3, 1, 2), (2, 1, 3)]);
        let mut s = spec(target, ratio(1, 256));
        let full = plan(&s).unwrap();
        s.tune = true;
        let pruned = plan(&s).unwrap();
        assert!(pruned.runs().len() < full.runs().len());
        for plan in [full, pruned] {
            check_plan(&s, &plan);
        }
    }

    fn check_plan(s: &NetSpec, plan: &Plan) {
        let p = plan.params();
        let (big_t, m) = (p.intervals(), p.cells());
        let tf = plan.interpolant().transform();
        let limit = Rational::new(1.into(), (big_t * m).into());
        for i in 0..big_t {
            for k in 0..=4 * m {
                let x = Rational::new((4 * m * i + k).into(), (4 * m * big_t).into());
                let local = Rational::new(k.into(), (4 * m).into());
                let delta = p.delta();
                if local < delta || local > Rational::one() - &delta {
                    continue;
                }
                let want = tf.at(&x) - plan.interpolant().at(&x);
                let got = plan.at(&x) - plan.interpolant().at(&x);
                assert!((&want - &got).abs() <= limit, "interval {i}, x = {x}");
            }
        }
        let mut covered = vec![false; big_t as usize];
        for w in plan.runs().windows(2) {
            assert!(
                w[0].0 != w[1].0 || w[0].2 + 1 < w[1].1,
                "runs {w:?} not maximal"
            );
        }
        for &(j, a, b) in plan.runs() {
            for i in a..=b {
                assert_eq!(plan.chosen()[i as usize], Some(j));
                covered[i as usize] = true;
            }
        }
        for (i, c) in plan.chosen().iter().enumerate() {
            assert_eq!(c.is_some(), covered[i]);
        }
        let (net, _) = build(s, plan, Codebook::nonlinear(2, 2).unwrap()).unwrap();
        let built = crate::metrics::metrics(&net).weights as u64;
        assert!(plan.estimate_weights().unwrap() >= built);
    }

    #[test]
    fn network_equals_the_plan_exactly() {
        let target = poly(&[(1, 3, 3), (-1, 4, 1)]);
        let s = spec(target.clone(), ratio(1, 64));
        let plan = plan(&s).unwrap();
        assert!(!plan.functions().is_empty());
        let (net, bound) = build(&s, &plan, Codebook::nonlinear(2, 2).unwrap()).unwrap();
        let big = 2 * plan.params().intervals() * plan.params().cells() * 8;
        for k in 0..=big {
            let xv = Rational::new(k.into(), big.into());
            let got = eval::eval(&net, std::slice::from_ref(&xv));
            assert_eq!(got, plan.at(&xv), "at {xv}");
            let err = (got - target.eval(std::slice::from_ref(&xv))).abs();
            assert!(err <= bound, "error {err} above {bound} at {xv}");
        }
    }
}
