//! The certified sup error of a network with any number of inputs, by
//! branch and bound over input boxes ([`certify_net`]).
//!
//! # The algorithm
//!
//! A box `B = Π [m_i − r_i, m_i + r_i]` is written in the coordinates
//! `t ∈ [−1, 1]^d`, `x_i = m_i + r_i t_i`. On it every unit's value is
//! enclosed by an **affine form with an interval remainder**,
//! `v(t) ∈ k + Σ c_i t_i + [e_lo, e_hi]` (zonotope-style bound propagation,
//! as DeepZ does, here in exact rational arithmetic):
//!
//! - an input is `m_i + r_i t_i`, exactly;
//! - a unit's pre-activation `z = b + Σ w·v` is the same combination of
//!   the forms, exactly (the weights are codebook rationals);
//! - its ReLU, with `z ∈ [l, u]` from the form's bounds: `0` if `u ≤ 0`,
//!   `z` if `l ≥ 0` (the unit is *stable*), and otherwise, for a slope
//!   `s ∈ [0, 1]` (`u/(u − l)` rounded to 2^−20),
//!   `relu(z) ∈ s·z + [0, max(−s·l, (1 − s)·u)]` — on `[l, u]`,
//!   `relu(z) − s·z` is piecewise linear with the values `−s·l`, `0` and
//!   `(1 − s)·u` at `l`, `0`, `u`, all `≥ 0`.
//!
//! The forms count in units of 2^−[`GRID_BITS`] (fixed point, integers
//! only): a constant or a remainder end that is not on the grid is
//! rounded outward, a coefficient `c` rounded down to `c′` moves
//! `[−1, 1]` units into the remainder (`|t_i| ≤ 1`), so the numbers stay
//! short and the arithmetic free of gcds without losing soundness.
//!
//! The hot loop runs in machine integers: the network's weights and
//! biases are converted once to `i128` counts of `2^−64` (`plan`), every
//! product and sum checked, with the same outward rounding. A network
//! whose parameters do not fit, or a box where a value would overflow,
//! falls back to `BigInt` forms counting `2^−`[`GRID_BITS`] — never less
//! sound, only slower.
//!
//! # The backward pass (CROWN)
//!
//! The forward forms add each unstable ReLU's relaxation error as a
//! constant, and those constants accumulate with depth. So, after the
//! forward pass (in `i128`, when it fits), one **backward pass** from the
//! output (linear bound back-substitution, as CROWN does with the forward
//! pass's pre-activation bounds `[l, u]`) bounds the output by a linear
//! function of the inputs, `net ≤ Σ λ_u v_u + C` with a coefficient `λ_u`
//! per unit, the units walked in reverse topological order (start: the
//! output's weights and bias):
//!
//! - `u ≤ 0` (`v = 0` on the box): the unit is dropped;
//! - `l ≥ 0` (`v = z = b + Σ w·v_src`): `λ·b` joins `C`, `λ·w` each
//!   source's coefficient;
//! - unstable and `λ > 0`: for any `0 ≤ μ ≤ λ`,
//!   `λ·relu(z) ≤ μ·z + max(−μ·l, (λ − μ)·u)` on `[l, u]` (the line of
//!   slope `μ/λ ∈ [0, 1]` lies above `relu` at `l` and `u`, and
//!   `relu − line` is convex); `μ = ⌊λ·s⌋` with `s` the forward slope, so
//!   the slope is rounded but the intercept is computed exactly for the
//!   slope actually used — the line always dominates;
//! - unstable and `λ < 0`: `relu(z) ≥ α·z` with `α = 1` if `u > −l`, else
//!   `0` (DeepPoly's choice), so `λ·relu(z) ≤ λ·α·z`.
//!
//! `λ` counts `2^−40`, `C` counts `2^−104` exactly (a product of `λ` and a
//! bias or a bound). A product `λ·w` is rounded *up* into a ReLU source's
//! coefficient — `v_src ≥ 0`, so a larger coefficient is still an upper
//! bound — and *down* into an input's, where each inexact rounding (an
//! excess below `2^−40`) adds `2^−40·max(x_i, 0)` on the box to `C`; an
//! overflow abandons the pass (the forward result stands). The same pass
//! on `−net` gives the lower bound. At the inputs `x_i = m_i + r_i t_i`,
//! so `L(t) ≤ net ≤ U(t)` with `L`, `U` affine in `t`, exact rationals
//! then rounded to forms (the rounding in their remainders), and
//! `net − f ∈ [min (L − f)(B), max (U − f)(B)]` by the same target
//! enclosures as below. That interval and the forward one both contain
//! every value of `net − f` on the box, so their intersection does; the
//! `BigInt` fallback runs the forward pass alone.
//!
//! The output is then `net(x) ∈ A(x) + E` with `A` affine and `E` an
//! interval: where every unit is stable, `E = 0` and `A` *is* the network
//! on the box. The error `net − f` lies in `(A − f)(B) + E`, where
//! `(A − f)(B)` is enclosed by the Bernstein coefficients of the
//! polynomial `A − f` on the box (polynomial targets: those of `f` from
//! `f(lo + width·u)`, those of `A` — affine — its values at the Greville
//! points `u = j/n`, so the linear map to Bernstein form is applied to `f`
//! alone) or by the mean-value form `g(m) + Σ ∂g/∂x_i(B)·[−r_i, r_i]`
//! intersected with the natural range (other targets, from
//! [`Expr::derivatives`]). Its magnitude is the box's **upper bound**;
//! `|net − f|` at the box's centre, exactly (or the lower end of its
//! enclosure), is a **lower bound** attained there. The centre is first
//! evaluated in fixed point with outward rounding (an interval); the exact
//! rational evaluation runs only when that interval does not already show
//! the centre cannot beat the best lower bound so far — so `lower` stays
//! exact and attained at `witness`, at a fraction of the cost.
//!
//! Boxes wait in a priority queue by upper bound. The largest is split —
//! at a cut (below) if it has one, else in half along its widest side —
//! until the largest upper bound left is
//! within the tolerance of the best lower bound (every box's upper bound
//! is then at most that: the sup over the domain is enclosed), until
//! `bound_only` has its answer (the largest upper bound is at most the
//! bound: it holds; a lower bound exceeds it: it fails), or until the box
//! or time budget runs out (the certificate is then marked incomplete, with the
//! enclosure reached so far — still sound).
//!
//! # Quadratic models
//!
//! Affine bounds of a network that approximates a curved target are off
//! by about `h²/4` times the curvature on a box of side `h`, so in three
//! inputs they need boxes too small to count. For polynomial targets,
//! each box also gets a **quadratic model** of the network (module
//! `model`): the network cut into one-dimensional pieces — a square
//! gadget's whole sawtooth is one exact piecewise linear function of one
//! signal — each fitted by a quadratic with a rigorous residual and
//! composed, Taylor-model style, into `net ∈ P(t) + R` with `P`
//! quadratic; then `net − f ∈ (P − f)(B) + R` by the Bernstein
//! coefficients of `P − f`. Its interval is intersected with the other
//! two. The tour's 3-variable cubic (1,204 weights): bound proved in
//! 8,745 boxes and 2.4 s, where the affine bounds alone stood at
//! `[1.3e-4, 2.3e-3]` after 60 s.
//!
//! # Cuts
//!
//! Bisection keeps boxes dyadic, so a unit that switches on a dyadic line
//! `x_i = c` soon has it on a box's side and is stable on both boxes. A
//! unit that switches on a line like `x = 2/3` (Theorem 1's bumps
//! `h(3N·x − 3m)` switch at multiples of `1/(3N)`) is unstable on every
//! box across it however small, and its relaxation, amplified by the
//! sawtooth products downstream, keeps those boxes' upper bounds near the
//! network's whole range. So, before the search, every unit whose
//! pre-activation depends on one input `x_i` is followed exactly (a
//! piecewise linear function of `x_i` on the domain, while it has at most
//! 64 pieces) and the points where it changes sign are recorded, the
//! dyadic ones dropped; a box with such a point inside is split there
//! (on its widest side that has one, at the point nearest its centre),
//! rounded to a multiple of 2^−40 so boxes stay dyadic — the unit then
//! switches at most 2^−40 inside a box. A cut is still a split into two
//! boxes that cover the parent, so soundness does not depend on where it
//! falls, only speed: the Theorem 1 saddle of the tour (18,784 weights)
//! went from an upper bound of 0.31 after 30 s to its bound proved in
//! 45 s.
//!
//! A bound *attained* at a point where ReLUs switch (x·y: the error of
//! one square peaks where the other's sawtooth has a kink) is beyond the
//! relaxations: boxes around that point never become stable, so `upper`
//! approaches the bound from above without reaching it. With two inputs,
//! once the sup is enclosed within the tolerance and the bound is still
//! undecided, the search goes on in **exact regions** (module `region`):
//! every box still above the bound is cut into two triangles, and each
//! triangle along the line where its first unstable unit switches, until
//! the network is affine on it; there `net − f` is enclosed by its
//! Bernstein coefficients on the triangle, sharp at the vertices, and the
//! triangle split where `net − f` peaks on an edge — so a bound attained
//! at a point is proved exactly (x·y at r = 4: 1,052 boxes and triangles,
//! 0.4 s). With three inputs the search stops at the tolerance, the bound
//! undecided.
//!
//! Soundness rests on five facts (and, for triangles, those of
//! `region`): each form contains the unit's value at
//! every point of the box (induction over the units, by the ReLU
//! relaxation above and the linear steps rounded outward, in either
//! integer width; an overflow is detected, never wrapped), the backward
//! pass's `L ≤ net ≤ U` holds on the box (each substitution replaces a
//! term by one at least as large, for the upper bound, at every point of
//! the box), the target's enclosure contains `(A − f)(B)`, the quadratic
//! model contains the network on the box (module `model`), and the boxes
//! in the queue always cover the domain.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use crate::error::{CoreError, Subject};
use crate::expr::Expr;
use crate::interval::Interval;
use crate::net::{Net, UnitKind};
use crate::poly::Poly;
use crate::rational::{self, Rational};
use crate::spec::Target;

use super::bern::Bern;
use super::model::{Line1, Models};
use super::plan::{self, Plan};
use super::region;

/// The affine forms count in units of `2^−GRID_BITS`.
pub const GRID_BITS: u64 = 96;

/// The slope of a ReLU relaxation is rounded to `2^−SLOPE_BITS`.
const SLOPE_BITS: u64 = 20;

/// Working precision of the target's enclosures.
pub(super) const PRECISION: u32 = 96;

/// How [`certify_net`] works and when it stops.
pub struct Options<'a> {
    /// stop when `upper − lower ≤ tolerance·upper` (default 1/100)
    pub tolerance: Rational,
    /// examine at most this many boxes (with two inputs, boxes and
    /// triangles; default 200,000)
    pub max_boxes: usize,
    /// stop after this much time (default: no limit); like the box
    /// budget, the certificate is then incomplete but still sound
    pub max_time: Option<Duration>,
    /// stop as soon as `upper ≤ bound` is proved, or refuted by a lower
    /// bound above it
    pub bound_only: bool,
    /// called every [`Options::every`] boxes with the state reached
    pub progress: Option<&'a mut dyn FnMut(&Progress)>,
    /// how often `progress` is called, in boxes (default 1,000)
    pub every: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            tolerance: rational::ratio(1, 100),
            max_boxes: 200_000,
            max_time: None,
            bound_only: false,
            progress: None,
            every: 1_000,
        }
    }
}

/// What [`Options::progress`] is told.
#[derive(Clone, Debug)]
pub struct Progress {
    /// boxes examined so far
    pub boxes: usize,
    /// the largest upper bound of the boxes left
    pub upper: Rational,
    /// the best lower bound so far
    pub lower: Rational,
}

/// A certificate of `sup_{x ∈ domain} |net(x) − f(x)|`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Certificate {
    /// proved: the sup is at most this
    pub upper: Rational,
    /// proved: `|net − f|` at `witness` is at least this (exactly equal for
    /// a polynomial target)
    pub lower: Rational,
    /// where `lower` is attained
    pub witness: Vec<Rational>,
    /// the a-priori bound checked
    pub bound: Rational,
    /// `upper ≤ bound`: the bound is proved
    pub holds: bool,
    /// `lower > bound`: the bound is proved false
    pub refuted: bool,
    /// whether the search reached its tolerance (or, with `bound_only`, an
    /// answer) before the budget ran out
    pub complete: bool,
    /// boxes (and, with two inputs, triangles) examined
    pub boxes: usize,
    /// time taken
    pub elapsed: Duration,
}

impl std::fmt::Display for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "certified [{:.4e}, {:.4e}] against the bound {:.4e}: {} ({} boxes, {:.2?}{})",
            rational::to_f64(&self.lower),
            rational::to_f64(&self.upper),
            rational::to_f64(&self.bound),
            if self.holds {
                "holds"
            } else if self.refuted {
                "FAILS"
            } else {
                "undecided"
            },
            self.boxes,
            self.elapsed,
            if self.complete {
                ""
            } else {
                ", budget exhausted"
            }
        )
    }
}

/// `k + Σ c_i t_i + [lo, hi]` over `t ∈ [−1, 1]^d`, every number an
/// integer count of `2^−GRID_BITS` (fixed point: no gcd in the inner
/// loop). Every rounding is outward: a constant or a remainder end rounded
/// the safe way, a coefficient `c` rounded to `c′` with `±1` unit moved
/// into the remainder (`|t_i| ≤ 1`).
#[derive(Clone, Debug)]
struct Form {
    k: BigInt,
    c: Vec<BigInt>,
    lo: BigInt,
    hi: BigInt,
}

/// `⌊a·p/q⌋` and whether it is exact, for `q > 0`.
fn scaled(a: &BigInt, p: &BigInt, q: &BigInt, shift: Option<u64>) -> (BigInt, bool) {
    let n = a * p;
    match shift {
        Some(e) => {
            let f = &n >> e;
            let exact = (&f << e) == n;
            (f, exact)
        }
        None => {
            let (f, r) = n.div_mod_floor(q);
            (f, r.is_zero())
        }
    }
}

/// A weight `p/q`, with `q`'s exponent when it is a power of two.
struct Weight {
    p: BigInt,
    q: BigInt,
    shift: Option<u64>,
}

impl Weight {
    fn new(w: &Rational) -> Self {
        let q = w.denom().clone();
        let shift = q.trailing_zeros().filter(|&e| BigInt::one() << e == q);
        Weight {
            p: w.numer().clone(),
            q,
            shift,
        }
    }

    /// `⌊w·a⌋`, exact or not.
    fn floor(&self, a: &BigInt) -> (BigInt, bool) {
        scaled(a, &self.p, &self.q, self.shift)
    }

    /// `⌈w·a⌉`.
    fn ceil(&self, a: &BigInt) -> BigInt {
        let (f, exact) = self.floor(a);
        if exact { f } else { f + 1 }
    }
}

impl Form {
    fn zero(d: usize) -> Self {
        Form {
            k: BigInt::zero(),
            c: vec![BigInt::zero(); d],
            lo: BigInt::zero(),
            hi: BigInt::zero(),
        }
    }

    /// The rational `q`, rounded down, the rest in the remainder.
    fn constant(d: usize, q: &Rational) -> Self {
        let mut f = Form::zero(d);
        let (k, exact) = fixed(q);
        f.k = k;
        if !exact {
            f.hi += 1;
        }
        f
    }

    /// The exact `k + Σ c_i t_i` of `linear`, each number rounded down
    /// with the rest in the remainder (`|t_i| ≤ 1`).
    fn linear(linear: &plan::Linear) -> Self {
        let mut f = Form::constant(linear.c.len(), &linear.k);
        for (a, q) in f.c.iter_mut().zip(&linear.c) {
            let (c, exact) = fixed(q);
            *a = c;
            if !exact {
                f.lo -= 1;
                f.hi += 1;
            }
        }
        f
    }

    /// The exact `(k + Σ c_i t_i)·2^−bits` (`bits ≥ GRID_BITS`), each
    /// number rounded down to the grid with the rest in the remainder.
    fn units(k: i128, c: &[i128], bits: u64) -> Self {
        let shift = bits - GRID_BITS;
        let down = |v: i128| {
            let v = BigInt::from(v);
            let f = &v >> shift;
            let exact = (&f << shift) == v;
            (f, exact)
        };
        let mut f = Form::zero(c.len());
        let (kf, exact) = down(k);
        f.k = kf;
        if !exact {
            f.hi += 1;
        }
        for (a, &v) in f.c.iter_mut().zip(c) {
            let (cf, exact) = down(v);
            *a = cf;
            if !exact {
                f.lo -= 1;
                f.hi += 1;
            }
        }
        f
    }

    /// `[min, max]` of the form over the box, in units.
    fn bounds(&self) -> (BigInt, BigInt) {
        let spread: BigInt = self.c.iter().map(BigInt::abs).sum();
        (&self.k - &spread + &self.lo, &self.k + &spread + &self.hi)
    }

    /// `self += w·other`.
    fn add_scaled(&mut self, w: &Weight, other: &Form) {
        let (k, exact) = w.floor(&other.k);
        self.k += k;
        if !exact {
            self.hi += 1;
        }
        for (a, b) in self.c.iter_mut().zip(&other.c) {
            if b.is_zero() {
                continue;
            }
            let (v, exact) = w.floor(b);
            *a += v;
            if !exact {
                self.lo -= 1;
                self.hi += 1;
            }
        }
        if w.p.is_negative() {
            self.lo += w.floor(&other.hi).0;
            self.hi += w.ceil(&other.lo);
        } else {
            self.lo += w.floor(&other.lo).0;
            self.hi += w.ceil(&other.hi);
        }
    }

    /// The ReLU relaxation of the module docs, with the slope
    /// `s = ⌊2^SLOPE_BITS·u/(u − l)⌋/2^SLOPE_BITS`.
    fn relu(self) -> Form {
        let (l, u) = self.bounds();
        if !u.is_positive() {
            return Form::zero(self.c.len());
        }
        if !l.is_negative() {
            return self;
        }
        let one = BigInt::one() << SLOPE_BITS;
        let s_num: BigInt = (&u << SLOPE_BITS).div_floor(&(&u - &l));
        let s = Weight {
            p: s_num.clone(),
            q: one.clone(),
            shift: Some(SLOPE_BITS),
        };
        // max(−s·l, (1 − s)·u), rounded up
        let top = (-&l * &s_num).max(&u * (&one - &s_num));
        let top = Weight {
            p: BigInt::one(),
            q: one,
            shift: Some(SLOPE_BITS),
        }
        .ceil(&top);
        let mut out = Form::zero(self.c.len());
        out.add_scaled(&s, &self);
        out.hi += top;
        out
    }
}

/// `⌊q·2^GRID_BITS⌋` and whether it is exact.
fn fixed(q: &Rational) -> (BigInt, bool) {
    let n = q.numer() << GRID_BITS;
    let (f, r) = n.div_mod_floor(q.denom());
    (f, r.is_zero())
}

/// A count of units as a rational.
fn rational_of(units: &BigInt) -> Rational {
    Rational::new(units.clone(), BigInt::one() << GRID_BITS)
}

/// One box: its centre and half-widths, and its bounds.
#[derive(Clone, Debug)]
pub(super) struct Cell {
    pub mid: Vec<Rational>,
    pub half: Vec<Rational>,
    pub upper: Rational,
    /// a polynomial target's Bernstein coefficients on the box, halved
    /// from the parent's (`None`: computed when needed)
    pub bern: Option<Bern>,
}

impl Cell {
    /// The box's lower corner and its widths.
    pub fn corner_and_width(&self) -> (Vec<Rational>, Vec<Rational>) {
        let lo = self
            .mid
            .iter()
            .zip(&self.half)
            .map(|(m, r)| m - r)
            .collect();
        let width = self.half.iter().map(|r| r * rational::int(2)).collect();
        (lo, width)
    }
}

/// A region of the search: a box, or (two inputs, exact regions) a
/// triangle with the split its examination chose.
#[derive(Clone, Debug)]
enum Node {
    Box(Cell),
    Tri(region::Tri, region::Split),
}

/// The error's enclosure on a box and the lower bound at its centre.
struct Examined {
    upper: Rational,
    /// the exact error at a point of the box, and the point; `None` when
    /// no candidate (the centre, and the quadratic model's peak) could
    /// beat the best lower bound (so none was evaluated exactly)
    lower: Option<(Rational, Vec<Rational>)>,
}

/// Certifies `sup_{x ∈ domain} |net(x) − target(x)|` against `bound`
/// (module docs).
///
/// # Errors
/// A domain that does not match the network's inputs; a target that cannot
/// be enclosed on a box (never for a target the DSL accepted on this
/// domain).
pub fn certify_net(
    net: &Net,
    target: &Target,
    domain: &[(Rational, Rational)],
    bound: &Rational,
    mut options: Options<'_>,
) -> Result<Certificate, CoreError> {
    let start = Instant::now();
    let d = net.dim();
    if domain.len() != d {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Net,
            message: format!("the domain has {} inputs, the network {d}", domain.len()),
        });
    }
    let two = rational::int(2);
    let mid: Vec<Rational> = domain.iter().map(|(lo, hi)| (lo + hi) / &two).collect();
    let half: Vec<Rational> = domain.iter().map(|(lo, hi)| (hi - lo) / &two).collect();
    // quadratic models for polynomial targets, when the network's
    // breakpoints are on their grid
    let models = match target {
        Target::Poly(_) => Models::new(net, domain),
        Target::Expr(_) => None,
    };
    let bern = match target {
        Target::Poly(p) => {
            let lo: Vec<Rational> = domain.iter().map(|(lo, _)| lo.clone()).collect();
            let width: Vec<Rational> = half.iter().map(|r| r * &two).collect();
            Some(match models {
                // the models' quadratics need degree two in every variable
                Some(_) => Bern::with_degrees(p, &lo, &width, &model_degrees(p)),
                None => Bern::new(p, &lo, &width),
            })
        }
        Target::Expr(_) => None,
    };
    let root = Cell {
        mid,
        half,
        upper: Rational::zero(),
        bern,
    };
    let mut search = Search {
        net,
        plan: Plan::new(net),
        scratch: plan::Scratch::default(),
        target,
        models,
        peaks: !options.bound_only,
        queue: Queue::default(),
        lower: Rational::zero(),
        witness: root.mid.clone(),
        boxes: 0,
    };
    search.push(root)?;
    let kinks = axis_kinks(net, domain);
    let mut complete = true;
    // the exact-region phase: two inputs, sup enclosed, bound undecided
    let mut regions = false;
    while let Some(upper) = search.queue.top() {
        let lower = &search.lower;
        let close = &upper - lower <= &options.tolerance * &upper;
        let decided = upper <= *bound || *lower > *bound;
        if decided && (close || options.bound_only) {
            break;
        }
        if close && !regions {
            if d != 2 {
                break;
            }
            regions = true;
        }
        let out_of_time = options.max_time.is_some_and(|t| start.elapsed() >= t);
        if search.boxes >= options.max_boxes || out_of_time {
            complete = close && !options.bound_only;
            break;
        }
        let node = search
            .queue
            .pop()
            .ok_or_else(|| crate::construct::internal("a queue"))?;
        match node {
            Node::Box(cell) if regions => {
                for tri in region::of_cell(&cell) {
                    search.push_tri(tri)?;
                }
            }
            Node::Box(cell) => {
                for child in split_box(&cell, &kinks) {
                    search.push(child)?;
                }
            }
            Node::Tri(tri, how) => {
                for child in region::split(&tri, &how) {
                    search.push_tri(child)?;
                }
            }
        }
        if let Some(report) = options.progress.as_mut()
            && options.every > 0
            && search.boxes % options.every < 2
        {
            let upper = search.queue.top().unwrap_or_default();
            report(&Progress {
                boxes: search.boxes,
                upper,
                lower: search.lower.clone(),
            });
        }
    }
    let Search {
        queue,
        lower,
        witness,
        boxes,
        ..
    } = search;
    let upper = queue.top().unwrap_or_default().max(lower.clone());
    Ok(Certificate {
        holds: upper <= *bound,
        refuted: lower > *bound,
        upper,
        lower,
        witness,
        bound: bound.clone(),
        complete,
        boxes,
        elapsed: start.elapsed(),
    })
}

/// [`axis_kinks`] follows a unit while its value has at most this many
/// pieces.
const KINK_PIECES: usize = 64;

/// The points where cuts go: per input `i`, sorted, every `x_i = c`
/// where a unit whose pre-activation depends on `x_i` alone changes sign.
/// Units are followed from the inputs as exact piecewise linear functions
/// of one input on the domain ([`Line1`], while they have at most
/// [`KINK_PIECES`] pieces). Such a line is rarely dyadic (Theorem 1's
/// bumps `h(3N·x − 3m)` switch at multiples of `1/(3N)`), so bisection
/// never puts it on a box's side, and a box across it stays loose however
/// small (module docs, "Cuts").
fn axis_kinks(net: &Net, domain: &[(Rational, Rational)]) -> Vec<Vec<Rational>> {
    let units = net.units();
    let mut values: Vec<Option<Line1>> = Vec::with_capacity(units.len());
    let mut kinks = vec![Vec::new(); net.dim()];
    for unit in units {
        let value = match &unit.kind {
            UnitKind::Input { index } => {
                let (lo, hi) = &domain[*index];
                Some(Line1::identity(*index, lo, hi))
            }
            UnitKind::Relu { bias, inputs } => {
                // the pre-activation, while it depends on one input
                let mut z = Some(Line1::constant(bias.clone()));
                for e in inputs {
                    z = match (z, &values[e.src]) {
                        (Some(z), Some(v)) => z.add_scaled(&e.weight, v),
                        _ => None,
                    };
                }
                z.filter(|z| z.x.len() <= KINK_PIECES + 1).map(|z| {
                    let (v, crossings) = z.relu();
                    if let Some(i) = z.key {
                        kinks[i].extend(crossings);
                    }
                    v
                })
            }
        };
        values.push(value);
    }
    for k in &mut kinks {
        // bisection puts a dyadic kink on a side by itself
        k.retain(|c| !rational::is_dyadic(c));
        k.sort();
        k.dedup();
    }
    kinks
}

/// Cuts are rounded to multiples of `2^−CUT_BITS`, so boxes stay dyadic
/// (their fixed-point forms exact; the Bernstein coefficients are split
/// at the cut's fraction `p/q` of the side, in integers); a unit then
/// switches at most `2^−CUT_BITS` inside a box.
const CUT_BITS: u32 = 40;

/// The two boxes a box is split into: at a kink of [`axis_kinks`] inside
/// it (on the widest side that has one, the kink nearest the centre,
/// rounded to `2^−CUT_BITS`), else in half along its widest side.
fn split_box(cell: &Cell, kinks: &[Vec<Rational>]) -> [Cell; 2] {
    let two = rational::int(2);
    let grid = Rational::from_integer(BigInt::one() << CUT_BITS);
    let mut cut: Option<(usize, Rational)> = None;
    for (axis, points) in kinks.iter().enumerate() {
        let (m, r) = (&cell.mid[axis], &cell.half[axis]);
        if r.is_zero() || cut.as_ref().is_some_and(|(a, _)| cell.half[*a] >= *r) {
            continue;
        }
        let (lo, hi) = (m - r, m + r);
        let first = points.partition_point(|k| *k <= lo);
        let last = points.partition_point(|k| *k < hi);
        let nearest = points[first..last]
            .iter()
            .map(|k| (k * &grid).round() / &grid)
            .filter(|c| lo < *c && *c < hi)
            .min_by(|a, b| (a - m).abs().cmp(&(b - m).abs()));
        if let Some(c) = nearest {
            cut = Some((axis, c));
        }
    }
    let (axis, at) = cut.unwrap_or_else(|| {
        let (axis, _) = cell
            .half
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1))
            .unwrap_or((0, &cell.half[0]));
        (axis, cell.mid[axis].clone())
    });
    let lo = &cell.mid[axis] - &cell.half[axis];
    let hi = &cell.mid[axis] + &cell.half[axis];
    // the cut as a fraction p/q of the side, for the Bernstein split
    let u = (&at - &lo) / (&hi - &lo);
    let (left, right) = match &cell.bern {
        Some(b) => {
            let (l, r) = b.split(axis, u.numer(), u.denom());
            (Some(l), Some(r))
        }
        None => (None, None),
    };
    let part = |a: &Rational, b: &Rational, bern: Option<Bern>| {
        let mut mid = cell.mid.clone();
        let mut half = cell.half.clone();
        mid[axis] = (a + b) / &two;
        half[axis] = (b - a) / &two;
        Cell {
            mid,
            half,
            upper: Rational::zero(),
            bern,
        }
    };
    [part(&lo, &at, left), part(&at, &hi, right)]
}

/// [`certify_net`] for a compiled network, from its data: the network is
/// rebuilt by the compiler from `N::INFO` (the same construction; the
/// rebuilt network's `qrelu-net/1` JSON must equal `N::JSON` byte for
/// byte, so what is certified is exactly what the generated code
/// computes), and the generated code is never instantiated on exact types
/// — a program that certifies builds as fast as one that evaluates in
/// `f64`.
///
/// # Errors
/// [`CheckError::Unsupported`](qrelu_runtime::CheckError::Unsupported)
/// when the network cannot be rebuilt identically from `INFO`, or the
/// target not enclosed.
pub fn certify_with<N: qrelu_runtime::Network>(
    options: Options<'_>,
) -> Result<Certificate, qrelu_runtime::CheckError> {
    use qrelu_runtime::CheckError;
    let info = &N::INFO;
    let mut spec = crate::spec::NetSpec::from_info(info);
    let bound = info.error_bound.to_exact();
    let lipschitz = spec.structure == crate::Structure::Lipschitz;
    if lipschitz {
        // INFO has no eps; the bound chooses the same T (and m or t)
        spec.eps = Some(bound.clone());
    }
    let built = if lipschitz && info.cells.is_none() {
        crate::build_interpolant(&spec)
    } else {
        crate::build(&spec)
    }
    .map_err(|_| CheckError::Unsupported("the network could not be rebuilt from INFO"))?;
    if crate::export::json::to_json(&built) != N::JSON {
        return Err(CheckError::Unsupported(
            "the network rebuilt from INFO differs from the generated one",
        ));
    }
    certify_net(
        &built.net,
        &built.spec.target,
        &built.spec.domain,
        &bound,
        options,
    )
    .map_err(|_| CheckError::Unsupported("the target could not be enclosed"))
}

/// [`certify_with`] with the default [`Options`]: the sup error enclosed
/// within 1%, at most 200,000 boxes.
///
/// # Errors
/// As [`certify_with`].
pub fn certify<N: qrelu_runtime::Network>() -> Result<Certificate, qrelu_runtime::CheckError> {
    certify_with::<N>(Options::default())
}

/// The regions left, largest upper bound first (ties: the region queued
/// first): a heap of `(upper, Reverse(index))` over a slab of nodes.
#[derive(Default)]
struct Queue {
    heap: BinaryHeap<(Rational, Reverse<usize>)>,
    cells: Vec<Option<Node>>,
}

impl Queue {
    fn push(&mut self, upper: Rational, node: Node) {
        self.heap.push((upper, Reverse(self.cells.len())));
        self.cells.push(Some(node));
    }

    /// The largest upper bound left.
    fn top(&self) -> Option<Rational> {
        self.heap.peek().map(|(upper, _)| upper.clone())
    }

    fn pop(&mut self) -> Option<Node> {
        let (_, Reverse(i)) = self.heap.pop()?;
        self.cells.get_mut(i)?.take()
    }
}

/// The state of one search.
struct Search<'a> {
    net: &'a Net,
    /// the network in fixed point, when its parameters fit
    plan: Option<Plan>,
    /// scratch space of the plan's passes
    scratch: plan::Scratch,
    target: &'a Target,
    /// the network's one-dimensional parts, for quadratic models
    models: Option<Models>,
    /// whether the models' peaks are candidates for the lower bound
    /// (not when only the bound is asked: they cost a second evaluation)
    peaks: bool,
    queue: Queue,
    lower: Rational,
    witness: Vec<Rational>,
    boxes: usize,
}

impl Search<'_> {
    /// Examines a box and queues it.
    fn push(&mut self, mut cell: Cell) -> Result<(), CoreError> {
        let best = (self.boxes > 0).then_some(&self.lower);
        let how = Enclosures {
            plan: self.plan.as_ref(),
            models: self.models.as_ref(),
            peaks: self.peaks,
        };
        let e = examine(self.net, how, &mut self.scratch, self.target, &cell, best)?;
        if let Some((lower, at)) = e.lower
            && (lower > self.lower || self.boxes == 0)
        {
            self.lower = lower;
            self.witness = at;
        }
        self.boxes += 1;
        cell.upper = e.upper.clone();
        self.queue.push(e.upper, Node::Box(cell));
        Ok(())
    }

    /// Examines a triangle and queues it.
    fn push_tri(&mut self, tri: region::Tri) -> Result<(), CoreError> {
        let e = region::examine(self.net, self.target, &tri)?;
        if let Some((lower, at)) = e.lower
            && lower > self.lower
        {
            self.lower = lower;
            self.witness = at;
        }
        self.boxes += 1;
        self.queue.push(e.upper, Node::Tri(tri, e.split));
        Ok(())
    }
}

/// The output's form on a box: in `i128` by the plan when it fits (then
/// `true`: the pre-activation bounds are in `scratch`), else in `BigInt`s.
fn output_form(
    net: &Net,
    plan: Option<&Plan>,
    scratch: &mut plan::Scratch,
    cell: &Cell,
) -> (Form, bool) {
    let d = cell.mid.len();
    if let Some(f) = plan.and_then(|p| p.forms(&cell.mid, &cell.half, scratch)) {
        let [k, lo, hi] = f.widen(GRID_BITS);
        let form = Form {
            k,
            c: f.widen_c(GRID_BITS),
            lo,
            hi,
        };
        return (form, true);
    }
    let mut forms: Vec<Form> = Vec::with_capacity(net.units().len());
    for unit in net.units() {
        let form = match &unit.kind {
            UnitKind::Input { index } => {
                let mut f = Form::constant(d, &cell.mid[*index]);
                let (c, exact) = fixed(&cell.half[*index]);
                f.c[*index] = c;
                if !exact {
                    f.lo -= 1;
                    f.hi += 1;
                }
                f
            }
            UnitKind::Relu { bias, inputs } => {
                let mut z = Form::constant(d, bias);
                for e in inputs {
                    z.add_scaled(&Weight::new(&e.weight), &forms[e.src]);
                }
                z.relu()
            }
        };
        forms.push(form);
    }
    let out = net.output();
    let mut y = Form::constant(d, &out.bias);
    for e in &out.inputs {
        y.add_scaled(&Weight::new(&e.weight), &forms[e.src]);
    }
    (y, false)
}

/// The backward pass's two linear bounds on a box, after the plan's
/// forward pass there: `U ≥ net` and `L ≤ net` at every point, each as a
/// form whose remainder holds the rounding to the grid (`U(t) ∈ U.k +
/// Σ U.c_i t_i + [U.lo, U.hi]`, likewise `L`). `None` on overflow.
fn crown_forms(plan: &Plan, scratch: &mut plan::Scratch, cell: &Cell) -> Option<[Form; 2]> {
    if let Some((k, c)) = plan.backward_fixed(&cell.mid, &cell.half, 1, scratch) {
        let upper = Form::units(k, &c, plan::CROWN_BITS);
        // −net ≤ V, so net ≥ −V
        if let Some((k, c)) = plan.backward_fixed(&cell.mid, &cell.half, -1, scratch) {
            let c: Option<Vec<i128>> = c.iter().map(|v| v.checked_neg()).collect();
            if let (Some(k), Some(c)) = (k.checked_neg(), c) {
                return Some([upper, Form::units(k, &c, plan::CROWN_BITS)]);
            }
        }
    }
    let upper = plan.backward(&cell.mid, &cell.half, 1, scratch)?;
    // −net ≤ V, so net ≥ −V
    let below = plan.backward(&cell.mid, &cell.half, -1, scratch)?;
    let lower = plan::Linear {
        k: -below.k,
        c: below.c.into_iter().map(|c| -c).collect(),
    };
    Some([Form::linear(&upper), Form::linear(&lower)])
}

/// What [`examine`] encloses the network with, besides the `BigInt`
/// forms.
#[derive(Clone, Copy)]
struct Enclosures<'a> {
    /// the forms and the backward pass in `i128`
    plan: Option<&'a Plan>,
    /// quadratic models (polynomial targets)
    models: Option<&'a Models>,
    /// whether a model's peak is a second candidate for the lower bound
    peaks: bool,
}

/// The forms of the network on one box, then the error's enclosure, and
/// the exact error at the centre unless a cheap enclosure of it shows it
/// cannot exceed `best`.
fn examine(
    net: &Net,
    how: Enclosures<'_>,
    scratch: &mut plan::Scratch,
    target: &Target,
    cell: &Cell,
    best: Option<&Rational>,
) -> Result<Examined, CoreError> {
    let Enclosures {
        plan,
        models,
        peaks,
    } = how;
    let (y, fixed_point) = output_form(net, plan, scratch, cell);
    let crown = plan
        .filter(|_| fixed_point)
        .and_then(|p| crown_forms(p, scratch, cell));
    let mut forms = vec![&y];
    if let Some([u, l]) = &crown {
        forms.extend([u, l]);
    }
    // the target at the centre: exact, or enclosed
    let value = match target {
        Target::Poly(p) => Interval::point(p.eval(&cell.mid)),
        Target::Expr(e) => {
            let centre: Vec<Interval> = cell.mid.iter().cloned().map(Interval::point).collect();
            e.range(&centre, PRECISION).map_err(|err| undefined(&err))?
        }
    };
    let gaps = match target {
        Target::Poly(p) => poly_gaps(p, &forms, cell),
        Target::Expr(e) => {
            // A(x) = k + Σ (c_i/r_i)(x_i − m_i)
            let affine: Vec<(Rational, Vec<Rational>)> = forms
                .iter()
                .map(|y| {
                    let slopes =
                        y.c.iter()
                            .zip(&cell.half)
                            .map(|(c, r)| {
                                if r.is_zero() {
                                    Rational::zero()
                                } else {
                                    rational_of(c) / r
                                }
                            })
                            .collect();
                    (rational_of(&y.k), slopes)
                })
                .collect();
            expr_gaps(e, &affine, cell, &value)?
        }
    };
    // net − f ∈ (A − f)(B) + [lo, hi]
    let mut low = gaps[0].lo() + rational_of(&y.lo);
    let mut high = gaps[0].hi() + rational_of(&y.hi);
    if let Some([u, l]) = &crown {
        // net − f ≤ U − f and net − f ≥ L − f at every point: intersect
        high = high.min(gaps[1].hi() + rational_of(&u.hi));
        low = low.max(gaps[2].lo() + rational_of(&l.lo));
    }
    // a second candidate for the lower bound: where the model's error peaks
    let mut peak: Option<(Vec<Rational>, &Poly)> = None;
    if let (Some(models), Target::Poly(p)) = (models, target)
        && let Some(m) = models.output(&cell.mid, &cell.half)
    {
        // net − f ∈ (P − f)(B) + R
        let owned;
        let bern = match &cell.bern {
            Some(b) if b.n.iter().all(|&n| n >= 2) => b,
            _ => {
                let (corner, width) = cell.corner_and_width();
                owned = Bern::with_degrees(p, &corner, &width, &model_degrees(p));
                &owned
            }
        };
        if let Some((e, u)) = m.error_range(bern) {
            high = high.min(e.hi().clone());
            low = low.max(e.lo().clone());
            let (corner, width) = cell.corner_and_width();
            let x = corner
                .iter()
                .zip(&width)
                .zip(&u)
                .map(|((c, w), u)| c + w * u)
                .collect();
            peak = peaks.then_some((x, p));
        }
    }
    let upper = low.abs().max(high.abs());
    // each candidate in fixed point first: exactly only if it may set a record
    let mut lower: Option<(Rational, Vec<Rational>)> = None;
    let candidates = std::iter::once((cell.mid.clone(), value)).chain(peak.map(|(x, p)| {
        let v = Interval::point(p.eval(&x));
        (x, v)
    }));
    for (x, value) in candidates {
        let record = lower.as_ref().map(|(l, _)| l).or(best);
        let cheap = record.and_then(|record| {
            let (lo, hi) = plan?.point(&x)?;
            let unit = |v: i128| Rational::new(BigInt::from(v), BigInt::one() << plan::BITS);
            let error = Interval::hull_of(unit(lo), unit(hi)).sub(&value);
            (error.mag() <= *record).then_some(())
        });
        if cheap.is_none() {
            let at = crate::eval::eval(net, &x);
            let e = Interval::point(at).sub(&value).mig();
            if lower.as_ref().is_none_or(|(l, _)| e > *l) {
                lower = Some((e, x));
            }
        }
    }
    Ok(Examined { upper, lower })
}

/// The degrees of the Bernstein coefficients of a polynomial target when
/// quadratic models are compared with it: its own, at least two.
fn model_degrees(p: &Poly) -> Vec<u32> {
    (0..p.nvars()).map(|l| p.degree_in(l).max(2)).collect()
}

/// `(A − f)(B)` for a polynomial `f`, `A = k + Σ c_i t_i` the output's
/// form: the Bernstein coefficients of `A − f` on the box enclose its
/// range. Those of `f` come from `f(lo + width·u)` on `[0, 1]^d`; those of
/// `A` are its values at the Greville points `u = j/n` (`A` is affine,
/// `t_i = 2u_i − 1`), for the same degrees `n_i`. A variable `f` does not
/// depend on (`n_i = 0`) adds `[−|c_i|, |c_i|]`: the variables are
/// independent, so the sum of the ranges is exact.
#[cfg(test)]
fn poly_gap(p: &Poly, y: &Form, cell: &Cell) -> Interval {
    poly_gaps(p, &[y], cell).remove(0)
}

/// [`poly_gap`] for several forms on one box, the Bernstein coefficients
/// of `f` computed once.
fn poly_gaps(p: &Poly, ys: &[&Form], cell: &Cell) -> Vec<Interval> {
    let d = cell.mid.len();
    let owned;
    let bern = match &cell.bern {
        Some(b) => b,
        None => {
            let (lo, width) = cell.corner_and_width();
            owned = Bern::new(p, &lo, &width);
            &owned
        }
    };
    let n = &bern.n;
    // A in units at the Greville points, over the common denominator Π n_i
    let common: i64 = n
        .iter()
        .filter(|&&e| e > 0)
        .map(|&e| i64::from(e))
        .product();
    // g_j = a_j/scale − num_j/den = (a_j·den − num_j·scale)/(scale·den)
    let scale = BigInt::from(common) << GRID_BITS;
    let denominator = &scale * &bern.den;
    ys.iter()
        .map(|y| {
            let mut free = BigInt::zero();
            for (l, c) in y.c.iter().enumerate() {
                if n[l] == 0 {
                    free += c.abs();
                }
            }
            let mut j = vec![0u32; d];
            let (mut min, mut max): (Option<BigInt>, Option<BigInt>) = (None, None);
            for num in &bern.num {
                // A(j/n)·common = k·common + Σ c_l (2 j_l − n_l)·common/n_l
                let mut a = &y.k * common;
                for l in 0..d {
                    if n[l] > 0 {
                        let step = i64::from(2 * j[l]) - i64::from(n[l]);
                        a += &y.c[l] * (step * (common / i64::from(n[l])));
                    }
                }
                let g = a * &bern.den - num * &scale;
                if min.as_ref().is_none_or(|m| g < *m) {
                    min = Some(g.clone());
                }
                if max.as_ref().is_none_or(|m| g > *m) {
                    max = Some(g);
                }
                // the next multi-index j ≤ n, first variable fastest (as `coefficients`)
                crate::bernstein::next_multi_index(&mut j, n);
            }
            let free = rational_of(&free);
            let q = |g: Option<BigInt>| Rational::new(g.unwrap_or_default(), denominator.clone());
            Interval::hull_of(q(min) - &free, q(max) + free)
        })
        .collect()
}

/// `(A − f)(B)` for an expression `f` and each `A = k + Σ s_i (x_i − m_i)`
/// of `affine`: the mean-value form about the centre (`at_centre`
/// encloses `f` there), intersected with the natural range; the target's
/// range and derivatives on the box computed once.
pub(super) fn expr_gaps(
    e: &Expr,
    affine: &[(Rational, Vec<Rational>)],
    cell: &Cell,
    at_centre: &Interval,
) -> Result<Vec<Interval>, CoreError> {
    let boxed: Vec<Interval> = cell
        .mid
        .iter()
        .zip(&cell.half)
        .map(|(m, r)| Interval::hull_of(m - r, m + r))
        .collect();
    let range = e.range(&boxed, PRECISION).map_err(|err| undefined(&err))?;
    let ds = e.derivatives(&boxed, 1, PRECISION).ok();
    Ok(affine
        .iter()
        .map(|(k, slopes)| {
            let a_range =
                slopes
                    .iter()
                    .zip(&cell.half)
                    .fold(Interval::point(k.clone()), |acc, (s, r)| {
                        let m = (s * r).abs();
                        acc.add(&Interval::hull_of(-&m, m))
                    });
            let natural = a_range.sub(&range);
            let Some(ds) = &ds else {
                return natural;
            };
            let mut mean = Interval::point(k.clone()).sub(at_centre);
            for (nu, dv) in ds.iter().filter(|(nu, _)| nu.iter().sum::<u32>() == 1) {
                let i = nu.iter().position(|&x| x == 1).unwrap_or(0);
                let r = &cell.half[i];
                let g = Interval::point(slopes[i].clone()).sub(dv);
                mean = mean.add(&g.mul(&Interval::hull_of(-r, r.clone())));
            }
            mean.intersect(&natural).unwrap_or(natural)
        })
        .collect())
}

pub(super) fn undefined(err: &crate::expr::EnclosureError) -> CoreError {
    CoreError::InvalidParameter {
        subject: Subject::Target,
        message: format!("the target could not be enclosed on a box: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::construct::build;
    use crate::rational::{int, pow2, ratio};
    use crate::spec::NetSpec;

    fn spec(target: impl Into<Target>, inputs: &[&str], r: u32) -> NetSpec {
        let mut s = NetSpec::new("C", inputs, target);
        s.r = Some(r);
        s
    }

    fn certify(c: &crate::Construction, options: Options<'_>) -> Certificate {
        certify_net(
            &c.net,
            &c.spec.target,
            &c.spec.domain,
            &c.error_bound,
            options,
        )
        .unwrap()
    }

    #[test]
    fn fixed_point_rounds_down() {
        let w = Weight::new(&ratio(1, 2));
        assert_eq!(w.floor(&BigInt::from(-3)), (BigInt::from(-2), false));
        assert_eq!(w.ceil(&BigInt::from(-3)), BigInt::from(-1));
        let w = Weight::new(&ratio(-1, 3));
        assert_eq!(w.floor(&BigInt::from(4)), (BigInt::from(-2), false));
        assert_eq!(w.ceil(&BigInt::from(4)), BigInt::from(-1));
        assert!(!fixed(&ratio(-1, 3)).1);
    }

    #[test]
    fn agrees_with_the_one_dimensional_sweep() {
        let x = Poly::var(1, 0);
        for (p, r) in [(x.pow(2), 4), (x.pow(3).scale(&ratio(1, 2)), 3)] {
            let c = build(&spec(p.clone(), &["x"], r)).unwrap();
            let cert = certify(&c, Options::default());
            let terms: Vec<(Rational, u32)> = (0..=p.degree_in(0))
                .map(|k| (p.coefficient(&[k]), k))
                .collect();
            let (lo, hi) = c.spec.domain[0].clone();
            let sweep =
                super::super::certify_1d_with(&c.net, &terms, &lo, &hi, &c.error_bound).unwrap();
            assert!(cert.complete && cert.holds, "{cert}");
            assert!(
                cert.lower <= sweep.upper && sweep.error <= cert.upper,
                "{cert} vs {sweep}"
            );
            assert!(&cert.upper - &cert.lower <= &cert.upper / int(100));
        }
    }

    /// The brute force of the tests that can fail: the exact error at every
    /// point of a fine grid never exceeds `upper`, and `lower` is attained
    /// at the witness exactly.
    #[test]
    fn two_inputs_against_brute_force() {
        let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
        let cases = [
            (a.mul(&b), 3),
            (a.pow(2).sub(&b.pow(2)).scale(&ratio(1, 4)), 2),
            (a.pow(2).mul(&b).add(&b.scale(&ratio(1, 3))), 2),
        ];
        for (p, r) in cases {
            let mut s = spec(p.clone(), &["x", "y"], r);
            s.domain[1].0 = int(-1);
            let c = build(&s).unwrap();
            let cert = certify(&c, Options::default());
            // the bound of x·y at r = 3 is attained where units switch: the
            // exact regions prove it all the same
            assert!(cert.complete, "{cert}");
            assert!(cert.holds, "{cert}");
            assert!(!cert.refuted, "{cert}");
            let at = |x: &[Rational]| (crate::eval::eval(&c.net, x) - p.eval(x)).abs();
            assert_eq!(at(&cert.witness), cert.lower);
            let n = 24i64;
            for i in 0..=n {
                for j in 0..=n {
                    let x = vec![ratio(i, n), ratio(2 * j - n, n)];
                    assert!(at(&x) <= cert.upper, "{x:?}: {} > {cert}", at(&x));
                }
            }
        }
    }

    /// A Theorem 1 network in two inputs (N = 2): the bumps' switching
    /// lines `x_i = k/6` that are not dyadic are found for both inputs,
    /// each recorded point really is where some unit's pre-activation
    /// changes sign along that axis, and a box across one is cut there
    /// into two boxes that partition it, with the Bernstein coefficients
    /// of each equal to those computed directly.
    #[test]
    fn boxes_are_cut_where_single_input_units_switch() {
        let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
        let target = a.pow(2).sub(&b.pow(2)).scale(&ratio(1, 4));
        let mut s = spec(target.clone(), &["x", "y"], 3);
        s.structure = crate::spec::Structure::Taylor;
        (s.n, s.grid, s.lambda) = (Some(2), Some(2), 3);
        let c = build(&s).unwrap();
        let kinks = axis_kinks(&c.net, &c.spec.domain);
        for (axis, points) in kinks.iter().enumerate() {
            for k in [1, 2, 4, 5] {
                assert!(points.contains(&ratio(k, 6)), "axis {axis}: {k}/6 missing");
            }
            assert!(points.iter().all(|k| !rational::is_dyadic(k)));
            assert!(points.windows(2).all(|w| w[0] < w[1]));
        }
        // each point is a sign change of a unit's pre-activation along the
        // axis (the other input at 3/7): exact evaluation on either side
        let pre = |x: &[Rational]| -> Vec<Rational> {
            let mut v: Vec<Rational> = Vec::new();
            let mut z = Vec::new();
            for unit in c.net.units() {
                match &unit.kind {
                    UnitKind::Input { index } => {
                        v.push(x[*index].clone());
                        z.push(Rational::zero());
                    }
                    UnitKind::Relu { bias, inputs } => {
                        let p = inputs
                            .iter()
                            .fold(bias.clone(), |acc, e| acc + &e.weight * &v[e.src]);
                        v.push(p.clone().max(Rational::zero()));
                        z.push(p);
                    }
                }
            }
            z
        };
        let eps = ratio(1, 1 << 20);
        for axis in 0..2 {
            for k in &kinks[axis] {
                let at = |t: Rational| {
                    let mut x = vec![ratio(3, 7); 2];
                    x[axis] = t;
                    pre(&x)
                };
                let (left, right) = (at(k - &eps), at(k + &eps));
                assert!(
                    left.iter()
                        .zip(&right)
                        .any(|(l, r)| l.signum() * r.signum() < int(0)),
                    "axis {axis}: no unit switches at {k}"
                );
            }
        }
        // a box across 7/12 and 2/3 (the dyadic 5/8 at its centre) is cut
        // at the recorded point nearest its centre
        let lo = vec![ratio(1, 2), ratio(1, 4)];
        let width = vec![ratio(1, 4), ratio(1, 8)];
        let cell = Cell {
            mid: vec![ratio(5, 8), ratio(5, 16)],
            half: vec![ratio(1, 8), ratio(1, 16)],
            upper: Rational::zero(),
            bern: Some(Bern::new(&target, &lo, &width)),
        };
        let [left, right] = split_box(&cell, &kinks);
        let cut = &left.mid[0] + &left.half[0];
        let within = |a: &Rational, b: &Rational| (a - b).abs() <= pow2(-(CUT_BITS as i64) - 1);
        assert!(kinks[0].iter().any(|k| within(k, &cut)), "cut at {cut}");
        let nearest = kinks[0]
            .iter()
            .filter(|k| *k > &lo[0] && *k < &(&lo[0] + &width[0]))
            .map(|k| (k - &cell.mid[0]).abs())
            .min()
            .unwrap();
        assert!(
            within(&(&cut - &cell.mid[0]).abs(), &nearest),
            "cut at {cut}"
        );
        assert!(nearest <= ratio(1, 24));
        assert!(rational::is_dyadic(&cut));
        assert_eq!(&left.mid[0] - &left.half[0], lo[0]);
        assert_eq!(&right.mid[0] - &right.half[0], cut);
        assert_eq!(&right.mid[0] + &right.half[0], &lo[0] + &width[0]);
        assert_eq!(
            (&left.mid[1], &right.half[1]),
            (&cell.mid[1], &cell.half[1])
        );
        for part in [&left, &right] {
            let (plo, pw) = part.corner_and_width();
            let want = Bern::new(&target, &plo, &pw);
            let got = part.bern.as_ref().expect("a cut splits the coefficients");
            assert_eq!(got.values(), want.values());
        }
        // and the certificate, with cuts, holds and encloses a dense grid
        let cert = certify(&c, Options::default());
        assert!(cert.holds && cert.complete, "{cert}");
        let at = |x: &[Rational]| (crate::eval::eval(&c.net, x) - target.eval(x)).abs();
        assert_eq!(at(&cert.witness), cert.lower);
        let n = 30i64;
        for i in 0..=n {
            for j in 0..=n {
                let x = vec![ratio(i, n), ratio(j, n)];
                assert!(at(&x) <= cert.upper, "{x:?}: {} > {cert}", at(&x));
            }
        }
    }

    /// The fixed-point forms of the plan contain the exact network at
    /// every point of a grid on boxes of several sizes, as the `BigInt`
    /// forms do, and are as tight within a few units; the plan's point
    /// enclosure contains the exact value.
    #[test]
    fn fixed_point_forms_enclose_the_network() {
        let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
        let mut s = spec(a.mul(&b).sub(&a.pow(2).scale(&ratio(1, 3))), &["x", "y"], 3);
        s.lambda = 3;
        let c = build(&s).unwrap();
        let plan = Plan::new(&c.net).expect("dyadic weights fit");
        let mut buf = plan::Scratch::default();
        for (mid, half) in [
            ([ratio(1, 2), ratio(1, 2)], [ratio(1, 2), ratio(1, 2)]),
            ([ratio(3, 8), ratio(5, 8)], [ratio(1, 8), ratio(1, 16)]),
            ([ratio(1, 3), ratio(2, 7)], [ratio(1, 30), ratio(1, 70)]),
        ] {
            let cell = Cell {
                mid: mid.to_vec(),
                half: half.to_vec(),
                upper: Rational::zero(),
                bern: None,
            };
            let f = plan.forms(&cell.mid, &cell.half, &mut buf).unwrap();
            let (exact, _) = output_form(&c.net, None, &mut buf, &cell);
            let unit = |v: i128| Rational::new(BigInt::from(v), BigInt::one() << plan::BITS);
            let n = 8i64;
            for i in -n..=n {
                for j in -n..=n {
                    let t = [ratio(i, n), ratio(j, n)];
                    let x: Vec<Rational> = (0..2).map(|l| &mid[l] + &half[l] * &t[l]).collect();
                    let v = crate::eval::eval(&c.net, &x);
                    let a = unit(f.k) + unit(f.c[0]) * &t[0] + unit(f.c[1]) * &t[1];
                    assert!(&a + unit(f.lo) <= v && v <= &a + unit(f.hi), "{x:?}");
                    let (lo, hi) = plan.point(&x).unwrap();
                    assert!(unit(lo) <= v && v <= unit(hi), "{x:?}");
                }
            }
            // the same relaxation, rounded on a coarser grid: the slopes may
            // differ in their last bit
            let width = rational_of(&(&exact.hi - &exact.lo));
            let slack = rational::pow2(-30);
            assert!(unit(f.hi - f.lo) <= width * ratio(101, 100) + slack);
        }
    }

    /// The backward pass's linear bounds `L ≤ net ≤ U` hold at every point
    /// of a grid on boxes of several sizes, for dyadic and non-dyadic
    /// codebooks (`lambda` = 3, 5), free weights and three inputs; and
    /// they are tighter than the forward forms on a small box.
    #[test]
    fn backward_bounds_enclose_the_network() {
        use crate::quantize::codebook::Quantization;
        let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
        let p = a.mul(&b).sub(&a.pow(2).scale(&ratio(1, 3)));
        let two = |q, lambda| {
            let mut s = spec(p.clone(), &["x", "y"], 3);
            s.domain[1].0 = int(-1);
            (s.quantization, s.lambda) = (q, lambda);
            build(&s).unwrap().net
        };
        let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
        let cubic = x.mul(&y).mul(&z).sub(&x.pow(2).scale(&int(2)));
        let nets = [
            two(Quantization::Nonlinear, 2),
            two(Quantization::Linear, 3),
            two(Quantization::Linear, 5),
            crate::build_unquantized(&spec(p.clone(), &["x", "y"], 3))
                .unwrap()
                .net,
            build(&spec(cubic, &["x", "y", "z"], 2)).unwrap().net,
        ];
        // (the last box is not dyadic: the rational finish of the pass)
        let boxes: [(&[i64; 2], &[i64; 2], i64); 5] = [
            (&[1, 1], &[1, 1], 2),
            (&[3, 5], &[1, 1], 8),
            (&[1, -3], &[1, 1], 16),
            (&[7, 2], &[1, 2], 64),
            (&[1, 2], &[1, 1], 6),
        ];
        let mut tighter = 0;
        for net in &nets {
            let d = net.dim();
            let plan = Plan::new(net).expect("the weights fit");
            let mut scratch = plan::Scratch::default();
            for &(m, h, den) in &boxes {
                let cell = Cell {
                    mid: (0..d).map(|l| ratio(m[l % 2], den)).collect(),
                    half: (0..d).map(|l| ratio(h[l % 2], den)).collect(),
                    upper: Rational::zero(),
                    bern: None,
                };
                let (y, fixed_point) = output_form(net, Some(&plan), &mut scratch, &cell);
                assert!(fixed_point);
                let [u, l] = crown_forms(&plan, &mut scratch, &cell).unwrap();
                // the integer finish is the rational one, exactly
                for sign in [1, -1] {
                    let fixed = plan.backward_fixed(&cell.mid, &cell.half, sign, &mut scratch);
                    let exact = plan
                        .backward(&cell.mid, &cell.half, sign, &mut scratch)
                        .unwrap();
                    match fixed {
                        Some((k, c)) => {
                            let q = |v: i128| {
                                Rational::new(BigInt::from(v), BigInt::one() << plan::CROWN_BITS)
                            };
                            assert_eq!(q(k), exact.k);
                            let c: Vec<Rational> = c.into_iter().map(q).collect();
                            assert_eq!(c, exact.c);
                        }
                        None => assert_eq!(den, 6),
                    }
                }
                let at = |f: &Form, t: &[Rational]| {
                    (0..d).fold(rational_of(&f.k), |acc, i| {
                        acc + rational_of(&f.c[i]) * &t[i]
                    })
                };
                let n = if d == 2 { 6i64 } else { 3 };
                let mut t = vec![-n; d];
                loop {
                    let tt: Vec<Rational> = t.iter().map(|&i| ratio(i, n)).collect();
                    let x: Vec<Rational> = (0..d)
                        .map(|i| &cell.mid[i] + &cell.half[i] * &tt[i])
                        .collect();
                    let v = crate::eval::eval(net, &x);
                    assert!(v <= at(&u, &tt) + rational_of(&u.hi), "{x:?}");
                    assert!(at(&l, &tt) + rational_of(&l.lo) <= v, "{x:?}");
                    let Some(i) = t.iter().position(|&ti| ti < n) else {
                        break;
                    };
                    t[i] += 1;
                    t[..i].fill(-n);
                }
                // the spread of U − L at the centre against the forward remainder
                let zero = vec![Rational::zero(); d];
                let crown = at(&u, &zero) + rational_of(&u.hi) - at(&l, &zero) - rational_of(&l.lo);
                if crown < rational_of(&(&y.hi - &y.lo)) {
                    tighter += 1;
                }
            }
        }
        assert!(tighter > 0);
    }

    /// The Bernstein enclosure of `A − f` with `A` at the Greville points
    /// contains `A − f` on a grid of the box, including a variable `f`
    /// does not depend on.
    #[test]
    fn bernstein_gap_encloses_the_affine_difference() {
        let (a, b) = (Poly::var(3, 0), Poly::var(3, 1));
        let p = a.pow(3).sub(&a.mul(&b).scale(&ratio(2, 3)));
        let mid = vec![ratio(1, 4), ratio(-1, 2), ratio(1, 8)];
        let half = vec![ratio(1, 4), ratio(3, 4), ratio(1, 16)];
        let cell = Cell {
            mid: mid.clone(),
            half: half.clone(),
            upper: Rational::zero(),
            bern: None,
        };
        let units = |q: Rational| fixed(&q).0;
        let y = Form {
            k: units(ratio(1, 5)),
            c: vec![units(ratio(-1, 3)), units(ratio(1, 7)), units(ratio(2, 9))],
            lo: BigInt::zero(),
            hi: BigInt::zero(),
        };
        let gap = poly_gap(&p, &y, &cell);
        let n = 6i64;
        for i in -n..=n {
            for j in -n..=n {
                for k in [-n, 0, n] {
                    let t = [ratio(i, n), ratio(j, n), ratio(k, n)];
                    let x: Vec<Rational> = (0..3).map(|l| &mid[l] + &half[l] * &t[l]).collect();
                    let av = (0..3).fold(rational_of(&y.k), |acc, l| {
                        acc + rational_of(&y.c[l]) * &t[l]
                    });
                    assert!(gap.contains(&(av - p.eval(&x))), "{x:?}");
                }
            }
        }
    }

    #[test]
    fn elementary_targets_in_two_inputs() {
        let (x, y) = (Expr::var(0), Expr::var(1));
        let sq = |e: Expr| Expr::Pow(Box::new(e), 2);
        let e = Expr::Neg(Box::new(Expr::Add(Box::new(sq(x)), Box::new(sq(y)))))
            .call(crate::interval::elementary::Elementary::Exp);
        let mut s = spec(e, &["x", "y"], 3);
        s.eps = Some(ratio(1, 16));
        s.r = None;
        let c = build(&s).unwrap();
        let cert = certify(&c, Options::default());
        assert!(cert.holds, "{cert}");
        assert!(cert.lower > Rational::zero());
    }

    #[test]
    fn a_wrong_bound_is_refuted_and_budgets_stop_the_search() {
        let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
        let c = build(&spec(a.mul(&b), &["x", "y"], 2)).unwrap();
        let cert = certify(&c, Options::default());
        // claim a quarter of the true sup: refuted by the witness
        let wrong = &cert.lower / int(4);
        let refuted = certify_net(
            &c.net,
            &c.spec.target,
            &c.spec.domain,
            &wrong,
            Options {
                bound_only: true,
                ..Options::default()
            },
        )
        .unwrap();
        assert!(refuted.refuted && !refuted.holds, "{refuted}");
        let mut calls = 0;
        let mut count = |_: &Progress| calls += 1;
        let partial = certify(
            &c,
            Options {
                tolerance: Rational::zero(),
                max_boxes: 9,
                progress: Some(&mut count),
                every: 1,
                ..Options::default()
            },
        );
        assert!(!partial.complete && partial.boxes <= 10, "{partial}");
        let timed = certify(
            &c,
            Options {
                tolerance: Rational::zero(),
                max_time: Some(Duration::from_millis(1)),
                ..Options::default()
            },
        );
        assert!(!timed.complete && timed.upper >= cert.lower, "{timed}");
        assert!(partial.upper >= cert.lower);
        assert!(calls > 0);
    }
}

#[cfg(test)]
mod timing {
    use super::*;
    use crate::rational::{int, ratio};
    use crate::spec::{NetSpec, Structure};

    /// Seconds per network, `QRELU_CERT_SECS` or 60.
    fn budget() -> Duration {
        let secs = std::env::var("QRELU_CERT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60);
        Duration::from_secs(secs)
    }

    /// The tolerance, `QRELU_CERT_TOL` (a rational) or 1/100.
    fn tolerance() -> Rational {
        std::env::var("QRELU_CERT_TOL")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(ratio(1, 100))
    }

    /// The tour's networks of two and three inputs (and the bench's).
    fn nets() -> Vec<NetSpec> {
        let sym = |s: &mut NetSpec| {
            for d in &mut s.domain {
                d.0 = int(-1);
            }
        };
        let (x, y) = (Expr::var(0), Expr::var(1));
        let sq = |e: Expr| Expr::Pow(Box::new(e), 2);
        let bell = Expr::Neg(Box::new(Expr::Add(Box::new(sq(x)), Box::new(sq(y)))))
            .call(crate::interval::elementary::Elementary::Exp);
        let mut out = Vec::new();
        let mut radial = NetSpec::new("Radial eps=1/16", &["x", "y"], bell);
        radial.eps = Some(ratio(1, 16));
        sym(&mut radial);
        out.push(radial);
        let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
        for r in 4..=7 {
            let name = format!("x*y r={r} on [0,1]^2");
            let mut product = NetSpec::new(&name, &["x", "y"], a.mul(&b));
            product.r = Some(r);
            out.push(product);
        }
        for lambda in [2, 3, 4] {
            let name = format!("ProductL{lambda} x*y r=8 t=12");
            let mut p = NetSpec::new(&name, &["x", "y"], a.mul(&b));
            (p.r, p.t, p.lambda) = (Some(8), Some(12), lambda);
            sym(&mut p);
            out.push(p);
        }
        let mut saddle = NetSpec::new(
            "Saddle taylor n=2 N=4 r=6 lambda=3",
            &["x", "y"],
            a.pow(2).sub(&b.pow(2)).scale(&ratio(1, 4)),
        );
        saddle.structure = Structure::Taylor;
        (saddle.n, saddle.grid, saddle.r, saddle.lambda) = (Some(2), Some(4), Some(6), 3);
        out.push(saddle);
        let (a, b, c) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
        // x·y·z − 2x² + (y − z)²/3
        let mix = a
            .mul(&b)
            .mul(&c)
            .sub(&a.pow(2).scale(&int(2)))
            .add(&b.sub(&c).pow(2).scale(&ratio(1, 3)));
        let mut m = NetSpec::new("MixL2 r=8 t=12", &["x", "y", "z"], mix);
        (m.r, m.t) = (Some(8), Some(12));
        out.push(m);
        out
    }

    /// `cargo test --release -p qrelu-core timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn radial() {
        let (x, y) = (Expr::var(0), Expr::var(1));
        let sq = |e: Expr| Expr::Pow(Box::new(e), 2);
        let e = Expr::Neg(Box::new(Expr::Add(Box::new(sq(x)), Box::new(sq(y)))))
            .call(crate::interval::elementary::Elementary::Exp);
        let mut s = NetSpec::new("R", &["x", "y"], e);
        s.eps = Some(ratio(1, 64));
        for d in &mut s.domain {
            d.0 = int(-1);
        }
        let c = crate::construct::build(&s).unwrap();
        let t = Instant::now();
        let cert = certify_net(
            &c.net,
            &c.spec.target,
            &c.spec.domain,
            &c.error_bound,
            Options::default(),
        )
        .unwrap();
        eprintln!("{} weights: {cert} ({:?})", c.metrics.weights, t.elapsed());
    }

    /// `cargo test --release -p qrelu-core --lib timing -- --ignored --nocapture`:
    /// each network's sup error enclosed within 1% and the bound alone
    /// (`bound_only`), within `QRELU_CERT_SECS` (default 60) and
    /// `QRELU_CERT_BOXES` (default 200,000) each, to the tolerance
    /// `QRELU_CERT_TOL` (default 1/100); `QRELU_CERT_ONLY` picks networks
    /// by name.
    #[test]
    #[ignore]
    fn tour_networks() {
        let only = std::env::var("QRELU_CERT_ONLY").unwrap_or_default();
        for s in nets().into_iter().filter(|s| s.name.contains(&only)) {
            let c = crate::construct::build(&s).unwrap();
            for bound_only in [true, false] {
                let cert = certify_net(
                    &c.net,
                    &c.spec.target,
                    &c.spec.domain,
                    &c.error_bound,
                    Options {
                        bound_only,
                        max_time: Some(budget()),
                        tolerance: tolerance(),
                        max_boxes: std::env::var("QRELU_CERT_BOXES")
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(200_000),
                        ..Options::default()
                    },
                )
                .unwrap();
                let what = if bound_only { "bound" } else { "1%" };
                eprintln!("{} ({} weights, {what}): {cert}", s.name, c.metrics.weights);
            }
        }
    }
}
