//! The network f^T of Theorem 2 (Table 2's B_T, B_f^T, B_w and the
//! output): the piecewise-linear interpolant of f̃ at the `T` breakpoints,
//! exactly, its exact a-priori bound on the target, and τ, t from `eps`.
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
//! and the network computes it **exactly** ([`build`]), in the
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
//!
//! # Size
//!
//! B_f^T has `Σ_{d_i ≠ 0} (1 + popcount(i)) ≤ T(1 + τ/2)` weights, B_w
//! about `Σ_i popcount(m_i)` plus a constant, B_T `τ` plus the constant
//! term: `O(T(τ + t))` weights, depth `τ + (hi − lo) + O(1)`.

use num_traits::{One, Signed, Zero};

use super::transform::{OneInput, Transform};
#[cfg(test)]
use crate::Poly;
use crate::bernstein::coefficients_1d;
use crate::construct::internal;
use crate::construct::wiring::strict::constant;
use crate::error::{CoreError, Subject};
use crate::gadget::weight::{self, CopyRecipe, PowerChain, Sign};
use crate::interval::Interval;
use crate::net::{LinearForm, Net, NetBuilder, Part, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param};

/// Largest τ (`T = 2^τ` intervals) the `eps` search tries.
pub const MAX_TAU: u32 = 16;

/// Largest precision `t` the `eps` search tries.
pub const MAX_T: u32 = 40;

/// Pieces per interval in the Bernstein enclosure of [`ErrorBound`].
const PIECES: u64 = 4;

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
    pub fn new(target: impl Into<OneInput>, params: LipschitzParams) -> Result<Self, CoreError> {
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
    #[cfg(test)]
    pub fn at(&self, x: &Rational) -> Rational {
        let big_t = self.transform.intervals();
        let i = rational::floor(&(x * Rational::from_integer(big_t.into())));
        let i = u64::try_from(i).unwrap_or(0).min(big_t - 1);
        let start = Rational::new(i.into(), big_t.into());
        &self.transform.knots()[i as usize] + &self.slopes[i as usize] * (x - start)
    }
}

/// What [`ErrorBound`] and the pruning of Fig. 4 know of the target on
/// one piece `[a, b]`, computed once and reused for every line: enough to
/// enclose `f + c − L` over the piece for any line `L` and constant `c`.
#[derive(Clone, Debug)]
pub(crate) enum PieceData {
    /// a polynomial's Bernstein coefficients on the piece (they enclose
    /// its range, and a line's are its values at the nodes)
    Bernstein(Vec<Rational>),
    /// an expression's second-order Taylor form about the midpoint `m`:
    /// `f(m)`, `f′(m)`, and `f″/2` over the piece (or `f′` over the piece
    /// where `f″` is not enclosed — a kink of `abs`, `min`, `max`)
    Taylor(Box<TaylorForm>),
    /// only the range of f over the piece
    Range(Interval),
}

/// [`PieceData::Taylor`]: `f(m)`, `f′(m)` and the last term.
#[derive(Clone, Debug)]
pub(crate) struct TaylorForm {
    value: Interval,
    slope: Interval,
    rest: Rest,
}

/// The last term of [`PieceData::Taylor`].
#[derive(Clone, Debug)]
pub(crate) enum Rest {
    /// `f″/2` over the piece
    Curvature(Interval),
    /// `f′` over the piece
    Slope(Interval),
}

/// Working precision of the enclosures of [`PieceData::new`].
const PIECE_PRECISION: u32 = 128;

impl PieceData {
    /// The data of `target` on `[a, b]`.
    pub(crate) fn new(target: &OneInput, a: &Rational, b: &Rational) -> Self {
        let coef = match target {
            OneInput::Poly(p) => p,
            OneInput::Expr(e) => return Self::of_expr(e, a, b),
        };
        let mut coef: Vec<Rational> = (0..=coef.degree_in(0))
            .map(|k| coef.coefficient(&[k]))
            .collect();
        if coef.len() < 2 {
            coef.resize(2, Rational::zero());
        }
        PieceData::Bernstein(coefficients_1d(&coef, a, b))
    }

    fn of_expr(e: &crate::expr::Expr, a: &Rational, b: &Rational) -> Self {
        let piece = [Interval::hull_of(a.clone(), b.clone())];
        let mid = [Interval::point((a + b) / rational::int(2))];
        let at_mid = e.taylor_coefficients(&mid, 1, PIECE_PRECISION);
        let rest = e
            .taylor_coefficients(&piece, 2, PIECE_PRECISION)
            .map(|c| Rest::Curvature(c[2].1.clone()))
            .or_else(|_| {
                e.taylor_coefficients(&piece, 1, PIECE_PRECISION)
                    .map(|c| Rest::Slope(c[1].1.clone()))
            });
        match (at_mid, rest) {
            (Ok(c), Ok(rest)) => PieceData::Taylor(Box::new(TaylorForm {
                value: c[0].1.clone(),
                slope: c[1].1.clone(),
                rest,
            })),
            // the checked target is defined on [0, 1]: the range encloses
            _ => PieceData::Range(e.range(&piece, PIECE_PRECISION).unwrap_or_else(|_| {
                Interval::hull_of(rational::int(-1 << 20), rational::int(1 << 20))
            })),
        }
    }

    /// An enclosure of `f(x) + c − (k + s(x − x0))` over `[a, b]`.
    pub(crate) fn gap(
        &self,
        a: &Rational,
        b: &Rational,
        c: &Interval,
        (k, s, x0): (&Rational, &Rational, &Rational),
    ) -> Interval {
        let line = |x: &Rational| k + s * (x - x0);
        let h = b - a;
        let mid = (a + b) / rational::int(2);
        let half = Interval::hull_of(-&h / rational::int(2), &h / rational::int(2));
        let g = match self {
            PieceData::Bernstein(coef) => {
                let n = Rational::from_integer((coef.len() - 1).into());
                let mut out: Option<Interval> = None;
                for (j, bj) in coef.iter().enumerate() {
                    let x = a + &h * Rational::from_integer(j.into()) / &n;
                    let v = Interval::point(bj - line(&x));
                    out = Some(out.map_or(v.clone(), |o| o.hull(&v)));
                }
                out.unwrap_or_else(|| Interval::point(Rational::zero()))
            }
            PieceData::Taylor(form) => {
                let TaylorForm { value, slope, rest } = &**form;
                let centre = value.sub(&Interval::point(line(&mid)));
                let s = Interval::point(s.clone());
                match rest {
                    Rest::Curvature(c2) => {
                        let square =
                            Interval::hull_of(Rational::zero(), &h * &h / rational::int(4));
                        centre.add(&slope.sub(&s).mul(&half)).add(&c2.mul(&square))
                    }
                    Rest::Slope(d) => centre.add(&d.sub(&s).mul(&half)),
                }
            }
            PieceData::Range(r) => {
                let l = Interval::hull_of(line(a), line(b));
                r.sub(&l)
            }
        };
        g.add(c)
    }
}

/// The target's [`PieceData`] on every piece of every interval for one τ,
/// computed once and reused for every `t` (module docs, *The a-priori
/// bound*).
#[derive(Clone, Debug)]
pub struct ErrorBound {
    tau: u32,
    /// `(interval, lo, hi, data)` per piece
    pieces: Vec<(usize, Rational, Rational, PieceData)>,
}

impl ErrorBound {
    /// The enclosure data for `target` (one variable) and `T = 2^τ`.
    pub fn new(target: impl Into<OneInput>, tau: u32) -> Self {
        let target = target.into();
        let cuts = (1u64 << tau) * PIECES;
        let at = |k: u64| Rational::new(k.into(), cuts.into());
        let pieces = (0..cuts)
            .map(|k| {
                let (lo, hi) = (at(k), at(k + 1));
                let data = PieceData::new(&target, &lo, &hi);
                ((k / PIECES) as usize, lo, hi, data)
            })
            .collect();
        ErrorBound { tau, pieces }
    }

    /// A rigorous bound on `sup_{[0,1]} |f − f^T|`: the enclosure of
    /// `f − L_i` on every piece, or `e + 1/T` if smaller (`e` of
    /// [`Transform::excess`]).
    ///
    /// # Errors
    /// An interpolant for another `T`.
    pub fn bound(&self, interp: &Interpolant) -> Result<Rational, CoreError> {
        let tf = interp.transform();
        if tf.intervals() != 1u64 << self.tau {
            return Err(internal("an error bound for another T"));
        }
        let big_t = Rational::from_integer(tf.intervals().into());
        let zero = Interval::point(Rational::zero());
        let mut worst = Rational::zero();
        for (i, lo, hi, data) in &self.pieces {
            let start = Rational::from_integer((*i).into()) / &big_t;
            let line = (&tf.knots()[*i], &interp.slopes()[*i], &start);
            let e = data.gap(lo, hi, &zero, line).mag();
            if e > worst {
                worst = e;
            }
        }
        let generic = tf.excess() + Rational::one() / big_t;
        Ok(worst.min(generic))
    }
}

/// The bound of [`ErrorBound::bound`] for `target` and `params`.
///
/// # Errors
/// Those of [`Transform::new`].
#[cfg(test)]
pub fn error_bound(target: &Poly, params: LipschitzParams) -> Result<Rational, CoreError> {
    ErrorBound::new(target, params.tau).bound(&Interpolant::new(target, params)?)
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
        .ok_or_else(|| internal("lipschitz without eps"))?;
    let ts: Vec<u32> = match spec.t {
        Some(t) => vec![t],
        None => (1..=MAX_T).collect(),
    };
    let target = OneInput::of(spec);
    let mut best: Option<Rational> = None;
    for tau in 0..=MAX_TAU {
        if (1u64 << tau) > spec.max_weights {
            break;
        }
        let enclosure = ErrorBound::new(&target, tau);
        let at = |t: u32| -> Result<Rational, CoreError> {
            enclosure.bound(&Interpolant::new(&target, LipschitzParams { tau, t })?)
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
        subject: Subject::Param(Param::Eps),
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

/// An upper bound on the weights of [`build`] for `target` and
/// `params`, computed without building (module docs, *Size*).
///
/// # Errors
/// Those of [`Transform::new`].
pub fn estimate_weights(
    target: impl Into<OneInput>,
    params: LipschitzParams,
) -> Result<u64, CoreError> {
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
pub fn build(
    spec: &NetSpec,
    params: LipschitzParams,
    codebook: Codebook,
) -> Result<(Net, Rational), CoreError> {
    let target = OneInput::of(spec);
    let interp = Interpolant::new(&target, params)?;
    let bound = ErrorBound::new(&target, params.tau).bound(&interp)?;
    let mut b = NetBuilder::new(codebook, &spec.inputs);
    b.set_constants_part(Part::Knots);
    let x = b.input(0);
    let mut units = InterpUnits::build(&mut b, x, &interp, params)?;
    // B_T: the constant k_0 = f̃(0) (eq. 32)
    let k0 = interp.transform().knots()[0].clone();
    let bias = constant(spec, &mut b, &k0, params.t, &mut units.form)?;
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
        return Err(internal("an offset of 1 or more"));
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
                                let unit = p[*i].ok_or_else(|| internal("a missing P_i"))?;
                                edges.push((unit, half.clone()));
                            }
                        }
                        let role =
                            format!("{}{}", if sign == Sign::Plus { "g" } else { "h" }, j - lo);
                        g = Some(b.relu(&role, Rational::zero(), &edges)?);
                    }
                    let g = g.ok_or_else(|| internal("an empty chain"))?;
                    Ok::<_, CoreError>(PowerChain::new(
                        g,
                        CopyRecipe {
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
