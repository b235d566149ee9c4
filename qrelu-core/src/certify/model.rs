//! Quadratic models of a network on a box, from its one-dimensional parts
//! (the third enclosure of [`super::boxes`]).
//!
//! # Why
//!
//! The forward forms and the backward pass bound the network on a box by
//! *affine* functions. Where the network approximates a curved target,
//! the best affine bound of it on a box of side `h` is off by about
//! `h²/4` times the curvature in the middle of the box: the square
//! gadget `f_s^r(s) ≈ s²` of Prop. 1 (eq. 4) on `s ∈ [a, a + h]` is
//! `≥ s²`, and its best affine upper bound is the chord, `h²/4` above
//! `s²` at the middle. In three inputs a box must then be small enough
//! for `Σ |c|·h²/4` over the network's squares and products to fit
//! between the error and the bound, which for the tour's 3-variable
//! cubic (bound 2.54e−4, error 1.32e−4) meant boxes of side 1/256 —
//! millions of them.
//!
//! # What
//!
//! A network built from the gadgets is mostly *one-dimensional* pieces: a
//! square gadget, a gate `σ(±s)`, a weight chain are functions of one
//! scalar signal `s`, exactly piecewise linear in it, and what the rest of
//! the network sees is a weighted sum of them, `G(s) = Σ w·g_u(s)` —
//! `f_s^r(s)` itself, whose pieces the sum has already combined. So:
//!
//! - **Keys.** Every unit is followed as an exact piecewise linear
//!   function of one *key* signal ([`Line1`], rationals): an input
//!   (`s = x_i`), or the pre-activation `s = z_u` of a *mixed* unit, one
//!   whose sources follow different keys (`g_u = relu(s)`) or whose
//!   function would have more than [`MAX_PIECES`] pieces. A unit whose
//!   sources all follow the same key follows it too,
//!   `g_u = relu(b + Σ w·g_src)` on the key's whole range over the
//!   domain (enclosed from the keys before it: the range of a sum of
//!   piecewise linear functions is within the sum of their ranges, each
//!   that of its values at the breakpoints). A mixed unit whose
//!   pre-activation is an earlier key's scaled and shifted (the gates
//!   `σ(s)`, `σ(−s)` of `|s|`, eq. 7) follows that key: so a gadget's
//!   whole sawtooth is one function of one key, and the tour's cubic of
//!   1,204 weights has 7 keys and 15 groups.
//! - **Groups.** A mixed unit's pre-activation (and the output) is
//!   `b + Σ_groups G(s_K)`, its sources' functions summed by key.
//! - **Models on a box** `x = m + r·t`, `t ∈ [−1, 1]^d`: each key signal
//!   is enclosed by a quadratic polynomial in `t` plus an interval,
//!   `s_K(t) ∈ P_K(t) + R_K` (Taylor-model style): an input is
//!   `m_i + r_i t_i`; a group `G(s_K)` is fitted on the key's range on
//!   the box, `[a, b]`, by a quadratic `q` (interpolating `G` at three
//!   breakpoints, or at `a`, the middle and `b`: on a square gadget's
//!   breakpoints `q` is the parabola itself) with an enclosure of the
//!   residual `G − q` on `[a, b]` (at the ends and the breakpoints; on
//!   each linear piece of `G`, `G − q` is a quadratic with leading
//!   coefficient `−γ`, at most `|γ|·w²/4` beyond its chord on a piece of
//!   width `w`), then composed:
//!   `q(P + ρ) = α + βP + γP² + (β + 2γP)ρ + γρ²` with `ρ ∈ R`, the
//!   terms of `P²` above degree two enclosed on the box. So a square
//!   gadget costs its own approximation error (`4^−(r+1)`, eq. 4) and no
//!   relaxation, however large the box.
//!
//! The output's model `P(t) + R` gives `net − f ∈ (P − f)(B) + R`, the
//! range of the polynomial `P − f` enclosed by its Bernstein coefficients
//! (polynomial targets; those of `P` follow from those of `t_i`, `t_i²`,
//! `t_i t_j` by linearity).
//!
//! # Soundness and arithmetic
//!
//! `net(x) = b + Σ G(s_K(x))` exactly for `x` in the domain, and by
//! induction over the keys each `s_K(x)` lies in its model and in
//! `[a, b]`, where `G ∈ q + residual`. The fit itself runs in floating
//! point — any `q` is sound, only the residual must be rigorous. The
//! models count `2^−48` in `i128` ([`Iv`]): every product is rounded
//! outward to an interval, an interval coefficient keeps its lower end
//! and moves its width into the remainder (`|t_i| ≤ 1`), and an overflow
//! abandons the model on that box (the other enclosures stand). The
//! breakpoints, values and biases must be multiples of `2^−48` (they are
//! for `λ = 2`, whose weights are `±1/2`); otherwise [`Models::new`]
//! declines and the forms and the backward pass work alone.

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use crate::interval::Interval;
use crate::net::{Net, UnitKind};
use crate::rational::Rational;

/// A unit is given a key of its own when its function of its sources'
/// key would have more pieces than this.
const MAX_PIECES: usize = 4096;

/// [`Models::new`] declines a network whose units' functions would hold
/// more pieces than this in all (memory: two rationals a piece).
const TOTAL_PIECES: usize = 1 << 20;

/// A function of one key signal: piecewise linear through `(x_j, y_j)`
/// (`x` increasing; `key = None`: the constant `y_0`). [`super::boxes`]
/// follows units as functions of one *input* with it (its keys are the
/// inputs).
#[derive(Clone, Debug)]
pub(super) struct Line1 {
    pub key: Option<usize>,
    pub x: Vec<Rational>,
    pub y: Vec<Rational>,
}

impl Line1 {
    /// The constant `c`.
    pub fn constant(c: Rational) -> Self {
        Line1 {
            key: None,
            x: Vec::new(),
            y: vec![c],
        }
    }

    /// The identity `s ↦ s` of `key` on `[lo, hi]`.
    pub fn identity(key: usize, lo: &Rational, hi: &Rational) -> Self {
        Line1 {
            key: Some(key),
            x: vec![lo.clone(), hi.clone()],
            y: vec![lo.clone(), hi.clone()],
        }
    }

    /// The number of linear pieces.
    pub fn pieces(&self) -> usize {
        self.x.len().saturating_sub(1)
    }

    /// The value at `t`, `x_0 ≤ t ≤ x_last`.
    pub fn at(&self, t: &Rational) -> Rational {
        if self.key.is_none() {
            return self.y[0].clone();
        }
        let j = self
            .x
            .partition_point(|x| x <= t)
            .clamp(1, self.x.len() - 1);
        let (x0, x1) = (&self.x[j - 1], &self.x[j]);
        if x1 == x0 {
            return self.y[j].clone();
        }
        &self.y[j - 1] + (&self.y[j] - &self.y[j - 1]) * (t - x0) / (x1 - x0)
    }

    /// `[min, max]` over the whole range (at the breakpoints).
    fn range(&self) -> Interval {
        let lo = self.y.iter().min().cloned().unwrap_or_default();
        let hi = self.y.iter().max().cloned().unwrap_or_default();
        Interval::hull_of(lo, hi)
    }

    /// `self + w·other` on the union of their breakpoints (`None`: two
    /// different keys).
    pub fn add_scaled(&self, w: &Rational, other: &Line1) -> Option<Line1> {
        let key = match (self.key, other.key) {
            (Some(a), Some(b)) if a != b => return None,
            (a, b) => a.or(b),
        };
        if other.key.is_none() {
            let y = self.y.iter().map(|y| y + w * &other.y[0]).collect();
            return Some(Line1 {
                key,
                x: self.x.clone(),
                y,
            });
        }
        if self.key.is_none() {
            let y = other.y.iter().map(|y| &self.y[0] + w * y).collect();
            return Some(Line1 {
                key,
                x: other.x.clone(),
                y,
            });
        }
        // the union of the breakpoints, both walked once
        let (mut i, mut j) = (0, 0);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        while i < self.x.len() || j < other.x.len() {
            let next = match (self.x.get(i), other.x.get(j)) {
                (Some(a), Some(b)) if a == b => {
                    let v = &self.y[i] + w * &other.y[j];
                    i += 1;
                    j += 1;
                    (a.clone(), v)
                }
                (Some(a), b) if b.is_none_or(|b| a < b) => {
                    let v = &self.y[i] + w * other.at(a);
                    i += 1;
                    (a.clone(), v)
                }
                (_, Some(b)) => {
                    let v = self.at(b) + w * &other.y[j];
                    j += 1;
                    (b.clone(), v)
                }
                _ => break,
            };
            x.push(next.0);
            y.push(next.1);
        }
        Some(Line1 { key, x, y })
    }

    /// `relu(self)`, and the points where `self` changes sign.
    pub fn relu(&self) -> (Line1, Vec<Rational>) {
        if self.key.is_none() {
            return (
                Line1::constant(self.y[0].clone().max(Rational::zero())),
                Vec::new(),
            );
        }
        let mut x = vec![self.x[0].clone()];
        let mut y = vec![self.y[0].clone().max(Rational::zero())];
        let mut crossings = Vec::new();
        for j in 1..self.x.len() {
            let (y0, y1) = (&self.y[j - 1], &self.y[j]);
            if (y0.is_negative() && y1.is_positive()) || (y0.is_positive() && y1.is_negative()) {
                let (x0, x1) = (&self.x[j - 1], &self.x[j]);
                let t = x0 + (x1 - x0) * y0 / (y0 - y1);
                crossings.push(t.clone());
                x.push(t);
                y.push(Rational::zero());
            } else if y1.is_zero() && j + 1 < self.y.len() && self.y[j + 1].signum() != y0.signum()
            {
                crossings.push(self.x[j].clone());
            }
            x.push(self.x[j].clone());
            y.push(y1.clone().max(Rational::zero()));
        }
        (
            Line1 {
                key: self.key,
                x,
                y,
            },
            crossings,
        )
    }

    /// Drops breakpoints where the function does not bend, so sums and
    /// fits see only real pieces.
    fn simplified(mut self) -> Line1 {
        if self.x.len() <= 2 {
            return self;
        }
        let (mut x, mut y) = (vec![self.x[0].clone()], vec![self.y[0].clone()]);
        for j in 1..self.x.len() - 1 {
            let (x0, y0) = (&x[x.len() - 1], &y[y.len() - 1]);
            let (x2, y2) = (&self.x[j + 1], &self.y[j + 1]);
            // (x_j, y_j) on the segment from the last kept point to the next
            let on_line = (&self.y[j] - y0) * (x2 - x0) == (y2 - y0) * (&self.x[j] - x0);
            if !on_line {
                x.push(self.x[j].clone());
                y.push(self.y[j].clone());
            }
        }
        x.push(self.x.pop().unwrap_or_default());
        y.push(self.y.pop().unwrap_or_default());
        Line1 {
            key: self.key,
            x,
            y,
        }
    }
}

/// `b + Σ G(s_K)` over groups of one key each, in exact rationals (the
/// analysis of [`Models::new`]).
#[derive(Clone, Debug)]
struct Sum {
    bias: Rational,
    lines: Vec<Line1>,
}

impl Sum {
    /// `c` with `other − other.bias = c·(self − self.bias)`, when the
    /// groups are proportional (same keys, breakpoints, values times `c`).
    fn proportion(&self, other: &Sum) -> Option<Rational> {
        if self.lines.len() != other.lines.len() || self.lines.is_empty() {
            return None;
        }
        let mut c: Option<Rational> = None;
        for (a, b) in self.lines.iter().zip(&other.lines) {
            if a.key != b.key || a.x != b.x {
                return None;
            }
            for (ya, yb) in a.y.iter().zip(&b.y) {
                match &c {
                    Some(c) if *yb != c * ya => return None,
                    Some(_) => {}
                    None if ya.is_zero() => {
                        if !yb.is_zero() {
                            return None;
                        }
                    }
                    None => c = Some(yb / ya),
                }
            }
        }
        c.filter(|c| !c.is_zero())
    }

    /// An enclosure of the sum's values on the domain.
    fn range(&self) -> Interval {
        self.lines
            .iter()
            .fold(Interval::point(self.bias.clone()), |acc, g| {
                acc.add(&g.range())
            })
    }

    /// `b + Σ w·v_src`, the sources' functions summed by key while a sum
    /// has at most [`MAX_PIECES`] pieces.
    fn of(bias: &Rational, edges: &[crate::net::Edge], values: &[Line1]) -> Sum {
        let mut bias = bias.clone();
        let mut lines: Vec<Line1> = Vec::new();
        for e in edges {
            let v = &values[e.src];
            if v.key.is_none() {
                bias += &e.weight * &v.y[0];
                continue;
            }
            let merged = lines.iter_mut().find_map(|g| {
                let m = g.add_scaled(&e.weight, v)?.simplified();
                (m.pieces() <= MAX_PIECES).then(|| std::mem::replace(g, m))
            });
            if merged.is_none() {
                lines.extend(Line1::constant(Rational::zero()).add_scaled(&e.weight, v));
            }
        }
        Sum { bias, lines }
    }
}

/// Fixed point: the models count `2^−FIX`.
const FIX: u32 = 48;

/// A closed interval `[lo, hi]` of multiples of `2^−FIX`; every operation
/// rounds outward and returns `None` on overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Iv {
    pub lo: i128,
    pub hi: i128,
}

impl Iv {
    const ZERO: Iv = Iv { lo: 0, hi: 0 };

    fn point(v: i128) -> Iv {
        Iv { lo: v, hi: v }
    }

    /// `q` rounded outward.
    fn of(q: &Rational) -> Option<Iv> {
        let scaled = q * Rational::from_integer(BigInt::one() << FIX);
        let lo = i128::try_from(scaled.floor().to_integer()).ok()?;
        let hi = i128::try_from(scaled.ceil().to_integer()).ok()?;
        Some(Iv { lo, hi })
    }

    /// `q` exactly, if it is a multiple of `2^−FIX` that fits.
    fn exact(q: &Rational) -> Option<i128> {
        let v = Iv::of(q)?;
        (v.lo == v.hi).then_some(v.lo)
    }

    fn rational(v: i128) -> Rational {
        Rational::new(BigInt::from(v), BigInt::one() << FIX)
    }

    fn add(self, o: Iv) -> Option<Iv> {
        Some(Iv {
            lo: self.lo.checked_add(o.lo)?,
            hi: self.hi.checked_add(o.hi)?,
        })
    }

    fn neg(self) -> Option<Iv> {
        Some(Iv {
            lo: self.hi.checked_neg()?,
            hi: self.lo.checked_neg()?,
        })
    }

    fn sub(self, o: Iv) -> Option<Iv> {
        self.add(o.neg()?)
    }

    fn hull(self, o: Iv) -> Iv {
        Iv {
            lo: self.lo.min(o.lo),
            hi: self.hi.max(o.hi),
        }
    }

    /// `a·b·2^−FIX` for fixed-point `a`, `b`: floor and ceiling.
    fn product(a: i128, b: i128) -> Option<Iv> {
        let p = a.checked_mul(b)?;
        Some(Iv {
            lo: p >> FIX,
            hi: -(p.checked_neg()? >> FIX),
        })
    }

    fn mul(self, o: Iv) -> Option<Iv> {
        if self.lo == self.hi && o.lo == o.hi {
            return Iv::product(self.lo, o.lo);
        }
        let mut out = Iv::product(self.lo, o.lo)?;
        for (a, b) in [(self.lo, o.hi), (self.hi, o.lo), (self.hi, o.hi)] {
            out = out.hull(Iv::product(a, b)?);
        }
        Some(out)
    }

    fn square(self) -> Option<Iv> {
        let m = self.mul(self)?;
        Some(if self.lo <= 0 && self.hi >= 0 {
            Iv { lo: 0, hi: m.hi }
        } else {
            m
        })
    }

    fn to_interval(self) -> Interval {
        Interval::hull_of(Iv::rational(self.lo), Iv::rational(self.hi))
    }
}

/// The analysis's functions in fixed point: breakpoints and values
/// exact, slopes enclosed.
#[derive(Clone, Debug)]
struct Group {
    key: usize,
    x: Vec<i128>,
    y: Vec<i128>,
    slope: Vec<Iv>,
}

impl Group {
    /// `None` when a breakpoint or value is not a multiple of `2^−FIX`.
    fn new(line: &Line1) -> Option<Group> {
        let x = line.x.iter().map(Iv::exact).collect::<Option<Vec<_>>>()?;
        let y = line.y.iter().map(Iv::exact).collect::<Option<Vec<_>>>()?;
        let slope = (1..line.x.len())
            .map(|j| {
                let dx = &line.x[j] - &line.x[j - 1];
                if dx.is_zero() {
                    Some(Iv::ZERO)
                } else {
                    Iv::of(&((&line.y[j] - &line.y[j - 1]) / dx))
                }
            })
            .collect::<Option<Vec<_>>>()?;
        if slope.is_empty() {
            return None;
        }
        Some(Group {
            key: line.key?,
            x,
            y,
            slope,
        })
    }

    /// The value at `t` on piece `j` (`x_j ≤ t ≤ x_{j+1}`).
    fn on_piece(&self, j: usize, t: i128) -> Option<Iv> {
        let dt = t.checked_sub(self.x[j])?;
        Iv::point(self.y[j]).add(self.slope[j].mul(Iv::point(dt))?)
    }

    /// A quadratic `q` close to `G` on `[a, b]` and an enclosure of
    /// `G − q` there (module docs). `q` is fitted in floating point —
    /// any `q` is sound, only the residual must be rigorous: at the ends
    /// and breakpoints in fixed point, and between two of them, where
    /// `G − q` is a quadratic with leading coefficient `−γ`, at most
    /// `|γ|·w²/4` beyond the chord of a piece of width `w`.
    fn fit(&self, s: Iv) -> Option<([i128; 3], Iv)> {
        let (a, b) = (s.lo, s.hi);
        let (x, y) = (&self.x, &self.y);
        let pieces = self.slope.len();
        let first = x.partition_point(|x| *x <= a);
        let last = x.partition_point(|x| *x < b).max(first);
        // the piece holding point k of [a, x_first, …, x_{last−1}, b]'s
        // segment to the next
        let piece = |k: usize| (first + k).saturating_sub(1).min(pieces - 1);
        let ga = self.on_piece(piece(0), a)?;
        if a >= b {
            return Some((
                [ga.lo, 0, 0],
                Iv {
                    lo: 0,
                    hi: ga.hi - ga.lo,
                },
            ));
        }
        let inside = last - first;
        let gb = self.on_piece(piece(inside), b)?;
        let f = |v: i128| v as f64 / (1u64 << FIX) as f64;
        let mid = a + (b - a) / 2;
        let (nodes, values) = if inside >= 3 {
            let k = first
                + x[first..last]
                    .partition_point(|x| *x < mid)
                    .clamp(1, inside - 2);
            let at = [first, k, last - 1];
            (at.map(|i| f(x[i])), at.map(|i| f(y[i])))
        } else {
            let j = x
                .partition_point(|x| *x <= mid)
                .saturating_sub(1)
                .min(pieces - 1);
            let gm = self.on_piece(j, mid)?;
            ([f(a), f(mid), f(b)], [f(ga.lo), f(gm.lo), f(gb.lo)])
        };
        let d01 = (values[1] - values[0]) / (nodes[1] - nodes[0]);
        let d12 = (values[2] - values[1]) / (nodes[2] - nodes[1]);
        let gamma = (d12 - d01) / (nodes[2] - nodes[0]);
        let beta = d01 - gamma * (nodes[0] + nodes[1]);
        let alpha = values[0] - (beta + gamma * nodes[0]) * nodes[0];
        let fixed = |v: f64| {
            let v = (v * (1u64 << FIX) as f64).round();
            if v.is_finite() && v.abs() < 2f64.powi(100) {
                v as i128
            } else {
                0
            }
        };
        let q = [fixed(alpha), fixed(beta), fixed(gamma)];
        let at = |t: i128| -> Option<Iv> {
            let t = Iv::point(t);
            let square = t.mul(t)?;
            Iv::point(q[0])
                .add(Iv::point(q[1]).mul(t)?)?
                .add(Iv::point(q[2]).mul(square)?)
        };
        // G − q at the ends and the breakpoints between
        let mut points = Vec::with_capacity(inside + 2);
        points.push((a, ga.sub(at(a)?)?));
        for i in first..last {
            points.push((x[i], Iv::point(y[i]).sub(at(x[i])?)?));
        }
        points.push((b, gb.sub(at(b)?)?));
        let mut residual = points[0].1;
        for &(_, h) in &points[1..] {
            residual = residual.hull(h);
        }
        if q[2] != 0 {
            let gamma = q[2].checked_abs()?;
            for w in points.windows(2) {
                let (u0, h0) = w[0];
                let (u1, h1) = w[1];
                // |γ|·(u1 − u0)²/4, rounded up
                let width = u1.checked_sub(u0)?;
                let bump = Iv::point(gamma).mul(Iv::product(width, width)?)?.hi;
                let bump = (bump + 3) / 4;
                if q[2] > 0 {
                    residual.hi = residual.hi.max(h0.hi.max(h1.hi).checked_add(bump)?);
                } else {
                    residual.lo = residual.lo.min(h0.lo.min(h1.lo).checked_sub(bump)?);
                }
            }
        }
        Some((q, residual))
    }
}

/// A sum in fixed point.
#[derive(Clone, Debug)]
struct Fixed {
    bias: i128,
    groups: Vec<Group>,
}

impl Fixed {
    fn new(sum: &Sum) -> Option<Fixed> {
        Some(Fixed {
            bias: Iv::exact(&sum.bias)?,
            groups: sum.lines.iter().map(Group::new).collect::<Option<_>>()?,
        })
    }
}

/// A key signal in fixed point: an input, or a mixed unit's
/// pre-activation; with its range on the domain.
#[derive(Clone, Debug)]
struct Key {
    def: Result<Fixed, usize>,
    range: Iv,
}

/// A network cut into keys and groups (module docs), in fixed point.
#[derive(Clone, Debug)]
pub(super) struct Models {
    dim: usize,
    keys: Vec<Key>,
    output: Fixed,
}

impl Models {
    /// The keys and groups of `net` on `domain`; `None` when a
    /// breakpoint, value or bias is not a multiple of `2^−48` (a
    /// network with weights such as `1/3`, or a domain end such as
    /// `1/3`; a unit that switches off the grid becomes a key of its
    /// own, which switches at 0) or the functions would hold more than
    /// [`TOTAL_PIECES`] pieces: the forms and the backward pass then work
    /// alone.
    pub fn new(net: &Net, domain: &[(Rational, Rational)]) -> Option<Models> {
        // the analysis, in rationals: each key's definition and range
        let mut sums: Vec<Result<Sum, usize>> = Vec::new();
        let mut ranges: Vec<Interval> = Vec::new();
        let mut values: Vec<Line1> = Vec::with_capacity(net.units().len());
        let mut total = 0usize;
        for unit in net.units() {
            let value = match &unit.kind {
                UnitKind::Input { index } => {
                    let (lo, hi) = &domain[*index];
                    sums.push(Err(*index));
                    ranges.push(Interval::hull_of(lo.clone(), hi.clone()));
                    Line1::identity(sums.len() - 1, lo, hi)
                }
                UnitKind::Relu { bias, inputs } => {
                    // one key for all sources: follow it
                    let mut z = Some(Line1::constant(bias.clone()));
                    for e in inputs {
                        z = z.and_then(|z| z.add_scaled(&e.weight, &values[e.src]));
                    }
                    let z = z
                        .map(Line1::simplified)
                        .filter(|z| z.pieces() <= MAX_PIECES);
                    match z.map(|z| z.relu()) {
                        // a switch off the grid makes the unit a key of its own,
                        // which switches at 0
                        Some((v, crossings)) if crossings.iter().all(on_grid) => v.simplified(),
                        _ => mixed(Sum::of(bias, inputs, &values), &mut sums, &mut ranges),
                    }
                }
            };
            total += value.pieces();
            if total > TOTAL_PIECES {
                return None;
            }
            values.push(value);
        }
        let out = net.output();
        let output = Fixed::new(&Sum::of(&out.bias, &out.inputs, &values))?;
        let keys = sums
            .iter()
            .zip(&ranges)
            .map(|(sum, range)| {
                let def = match sum {
                    Ok(sum) => Ok(Fixed::new(sum)?),
                    Err(i) => Err(*i),
                };
                let (lo, hi) = (Iv::of(range.lo())?, Iv::of(range.hi())?);
                Some(Key {
                    def,
                    range: Iv {
                        lo: lo.lo,
                        hi: hi.hi,
                    },
                })
            })
            .collect::<Option<_>>()?;
        Some(Models {
            dim: net.dim(),
            keys,
            output,
        })
    }

    /// The number of keys and of groups (for reports and tests).
    #[cfg(test)]
    pub fn size(&self) -> (usize, usize) {
        let groups = self
            .keys
            .iter()
            .map(|k| k.def.as_ref().map_or(0, |s| s.groups.len()))
            .sum::<usize>()
            + self.output.groups.len();
        (self.keys.len(), groups)
    }

    /// The output's model on the box `mid + half·t`: `net(x) ∈ P(t) + R`
    /// for every `x` in the box; `None` when the box is not on the grid
    /// of `2^−48` or a value overflows.
    pub fn output(&self, mid: &[Rational], half: &[Rational]) -> Option<Model> {
        let mut models: Vec<Model> = Vec::with_capacity(self.keys.len());
        for key in &self.keys {
            let m = match &key.def {
                Err(i) => {
                    let mut p = vec![0; terms(self.dim)];
                    p[0] = Iv::exact(&mid[*i])?;
                    p[1 + i] = Iv::exact(&half[*i])?;
                    Model { p, rem: Iv::ZERO }
                }
                Ok(sum) => self.sum(sum, &models)?,
            };
            models.push(m);
        }
        self.sum(&self.output, &models)
    }

    /// The model of `b + Σ G(s_K)`.
    fn sum(&self, sum: &Fixed, models: &[Model]) -> Option<Model> {
        let mut acc = Model {
            p: vec![0; terms(self.dim)],
            rem: Iv::ZERO,
        };
        acc.p[0] = sum.bias;
        for g in &sum.groups {
            let m = &models[g.key];
            // s_K on the box, within its range on the domain
            let on_box = m.range()?;
            let range = self.keys[g.key].range;
            let s = Iv {
                lo: on_box.lo.max(range.lo),
                hi: on_box.hi.min(range.hi),
            };
            let s = if s.lo <= s.hi { s } else { range };
            let (q, residual) = g.fit(s)?;
            let c = m.compose(q)?;
            for (a, b) in acc.p.iter_mut().zip(&c.p) {
                *a = a.checked_add(*b)?;
            }
            acc.rem = acc.rem.add(c.rem)?.add(residual)?;
        }
        Some(acc)
    }
}

/// A unit whose sources follow different keys: its value is `relu` of a
/// key — an earlier one, when its pre-activation is that key's scaled and
/// shifted, else a new one.
fn mixed(sum: Sum, sums: &mut Vec<Result<Sum, usize>>, ranges: &mut Vec<Interval>) -> Line1 {
    let same = sums.iter().enumerate().find_map(|(k, key)| match key {
        Ok(s) => Some((k, s.proportion(&sum)?)),
        Err(_) => None,
    });
    if let Some((k, c)) = same
        && let Ok(def) = &sums[k]
    {
        let shift = &sum.bias - &c * &def.bias;
        let (lo, hi) = (ranges[k].lo(), ranges[k].hi());
        let z = Line1::constant(shift).add_scaled(&c, &Line1::identity(k, lo, hi));
        if let Some((v, crossings)) = z.map(|z| z.relu())
            && crossings.iter().all(on_grid)
        {
            return v.simplified();
        }
    }
    let range = sum.range();
    if *range.hi() <= Rational::zero() {
        return Line1::constant(Rational::zero());
    }
    let (lo, hi) = (range.lo().clone(), range.hi().clone());
    sums.push(Ok(sum));
    ranges.push(range);
    Line1::identity(sums.len() - 1, &lo, &hi).relu().0
}

/// Whether `q` is a multiple of `2^−FIX` that fits the models.
fn on_grid(q: &Rational) -> bool {
    Iv::exact(q).is_some()
}

/// The number of coefficients of a quadratic in `d` variables.
fn terms(d: usize) -> usize {
    1 + d + d * (d + 1) / 2
}

/// The position of `t_i t_j` (`i ≤ j`) among the coefficients: the
/// constant, the `d` linear ones, then the products, `i` outer.
fn pair(d: usize, i: usize, j: usize) -> usize {
    // rows 0..i hold d, d − 1, …, d − i + 1 entries
    1 + d + i * d - i * (i.saturating_sub(1)) / 2 - i + j
}

/// `P(t) + R`: a quadratic polynomial in `t ∈ [−1, 1]^d` with
/// fixed-point coefficients ([`pair`]'s order) and an interval remainder.
#[derive(Clone, Debug)]
pub(super) struct Model {
    p: Vec<i128>,
    rem: Iv,
}

impl Model {
    fn dim(&self) -> usize {
        // terms(d) = (d + 1)(d + 2)/2
        (0..).find(|&d| terms(d) >= self.p.len()).unwrap_or(0)
    }

    /// An enclosure of the polynomial's range on `[−1, 1]^d`: per
    /// variable the exact range of `c_i t_i + c_ii t_i²`, the cross terms
    /// `±|c_ij|`.
    fn poly_range(&self) -> Option<Iv> {
        let d = self.dim();
        let mut acc = Iv::point(self.p[0]);
        for i in 0..d {
            acc = acc.add(quadratic_range(self.p[1 + i], self.p[pair(d, i, i)])?)?;
            for j in i + 1..d {
                let c = self.p[pair(d, i, j)].checked_abs()?;
                acc = acc.add(Iv { lo: -c, hi: c })?;
            }
        }
        Some(acc)
    }

    fn range(&self) -> Option<Iv> {
        self.poly_range()?.add(self.rem)
    }

    /// `q(self)` for `q(s) = α + βs + γs²` (module docs): coefficients
    /// computed as intervals, then their lower ends kept and the widths
    /// moved into the remainder.
    fn compose(&self, [alpha, beta, gamma]: [i128; 3]) -> Option<Model> {
        let d = self.dim();
        let p = &self.p;
        let n = p.len();
        // P² = c0² + 2c0·L + 2c0·Q + L² + Q·(2L + Q)
        let c0 = p[0];
        let twice = c0.checked_mul(2)?;
        let mut square: Vec<Iv> = Vec::with_capacity(n);
        square.push(Iv::product(c0, c0)?);
        for &c in &p[1..] {
            square.push(Iv::product(twice, c)?);
        }
        for i in 0..d {
            for j in i..d {
                let lij = Iv::product(p[1 + i], p[1 + j])?;
                let lij = if i == j { lij } else { lij.add(lij)? };
                let k = pair(d, i, j);
                square[k] = square[k].add(lij)?;
            }
        }
        let quad = Model {
            p: (0..n).map(|k| if k > d { p[k] } else { 0 }).collect(),
            rem: Iv::ZERO,
        };
        let two_l_q = Model {
            p: (0..n)
                .map(|k| match k {
                    0 => Some(0),
                    k if k <= d => p[k].checked_mul(2),
                    k => Some(p[k]),
                })
                .collect::<Option<_>>()?,
            rem: Iv::ZERO,
        };
        let high = quad.poly_range()?.mul(two_l_q.poly_range()?)?;
        let (b, g) = (Iv::point(beta), Iv::point(gamma));
        let mut coefficients: Vec<Iv> = Vec::with_capacity(n);
        for (k, sq) in square.iter().enumerate() {
            let mut c = b.mul(Iv::point(p[k]))?.add(g.mul(*sq)?)?;
            if k == 0 {
                c = c.add(Iv::point(alpha))?;
            }
            coefficients.push(c);
        }
        // γ·(high terms) + (β + 2γP)·ρ + γ·ρ²
        let slope = b.add(g.add(g)?.mul(self.poly_range()?)?)?;
        let rem = g
            .mul(high)?
            .add(slope.mul(self.rem)?)?
            .add(g.mul(self.rem.square()?)?)?;
        collapse(d, &coefficients, rem)
    }

    /// An enclosure of `P + R − f` on the box, `f`'s Bernstein
    /// coefficients `bern` there (degrees at least two in every variable
    /// `P` is quadratic in, one in every other it depends on; else
    /// `None`): those of `P` in the same degrees, by linearity from
    /// those of `t_i = 2u_i − 1`, `t_i²` and `t_i t_j`.
    ///
    /// Also the point `u = j/n` of the coefficient largest in magnitude,
    /// where the error is likely large: a candidate for the lower bound.
    pub fn error_range(&self, bern: &super::bern::Bern) -> Option<(Interval, Vec<Rational>)> {
        let d = self.dim();
        let n = &bern.n;
        for (i, &ni) in n.iter().enumerate().take(d) {
            let need = if self.p[pair(d, i, i)] != 0 {
                2
            } else if self.p[1 + i] != 0
                || (0..d).any(|j| j != i && self.p[pair(d, i.min(j), i.max(j))] != 0)
            {
                1
            } else {
                0
            };
            if ni < need {
                return None;
            }
        }
        // per variable and index j ≤ n_i: the coefficients of t_i and t_i²
        let tables: Vec<Vec<(Iv, Iv)>> = (0..d)
            .map(|i| {
                let ni = i64::from(n[i]);
                (0..=ni)
                    .map(|j| {
                        if ni == 0 {
                            return Some((Iv::ZERO, Iv::ZERO));
                        }
                        let t = Rational::new(BigInt::from(2 * j - ni), BigInt::from(ni));
                        // (2u − 1)² = 4u² − 4u + 1
                        let s = if ni >= 2 {
                            Rational::new(
                                BigInt::from(4 * j * (j - 1)),
                                BigInt::from(ni * (ni - 1)),
                            ) - Rational::new(BigInt::from(4 * j), BigInt::from(ni))
                                + Rational::one()
                        } else {
                            Rational::zero()
                        };
                        Some((Iv::of(&t)?, Iv::of(&s)?))
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .collect::<Option<_>>()?;
        let scale = BigInt::one() << FIX;
        let mut j = vec![0u32; d];
        let mut out: Option<Iv> = None;
        let (mut peak, mut at) = (-1i128, j.clone());
        for num in &bern.num {
            let mut v = Iv::point(self.p[0]);
            for i in 0..d {
                let (t, s) = tables[i][j[i] as usize];
                v = v.add(Iv::point(self.p[1 + i]).mul(t)?)?;
                v = v.add(Iv::point(self.p[pair(d, i, i)]).mul(s)?)?;
                for k in i + 1..d {
                    let tt = t.mul(tables[k][j[k] as usize].0)?;
                    v = v.add(Iv::point(self.p[pair(d, i, k)]).mul(tt)?)?;
                }
            }
            // f's coefficient num/den, outward
            let (q, r) = num_integer::Integer::div_mod_floor(&(num * &scale), &bern.den);
            let lo = i128::try_from(q).ok()?;
            let f = Iv {
                lo,
                hi: if r.is_zero() { lo } else { lo.checked_add(1)? },
            };
            let e = v.sub(f)?;
            let size = e.lo.checked_abs()?.max(e.hi.checked_abs()?);
            if size > peak {
                peak = size;
                at.clone_from(&j);
            }
            out = Some(out.map_or(e, |o| o.hull(e)));
            crate::bernstein::next_multi_index(&mut j, n);
        }
        let u = at
            .iter()
            .zip(n)
            .map(|(&j, &n)| {
                if n == 0 {
                    Rational::zero()
                } else {
                    Rational::new(BigInt::from(j), BigInt::from(n))
                }
            })
            .collect();
        Some((out?.add(self.rem)?.to_interval(), u))
    }
}

/// The model with each interval coefficient's lower end, the widths
/// moved into the remainder (`|t_i| ≤ 1`, `t_i² ∈ [0, 1]`).
fn collapse(d: usize, coefficients: &[Iv], mut rem: Iv) -> Option<Model> {
    let mut p = Vec::with_capacity(coefficients.len());
    for (k, c) in coefficients.iter().enumerate() {
        let w = c.hi.checked_sub(c.lo)?;
        let square = k == 0 || (0..d).any(|i| pair(d, i, i) == k);
        rem = rem.add(if square {
            Iv { lo: 0, hi: w }
        } else {
            Iv { lo: -w, hi: w }
        })?;
        p.push(c.lo);
    }
    Some(Model { p, rem })
}

/// An enclosure of the range of `a·t + b·t²` on `[−1, 1]` (fixed point):
/// the ends, `0`, and the vertex `−a²/(4b)` when it lies inside.
fn quadratic_range(a: i128, b: i128) -> Option<Iv> {
    let mut out = Iv::point(b.checked_sub(a)?)
        .hull(Iv::point(b.checked_add(a)?))
        .hull(Iv::ZERO);
    if b != 0 && a.checked_abs()? < b.checked_abs()?.checked_mul(2)? {
        let num = -a.checked_mul(a)?;
        let den = b.checked_mul(4)?;
        let (lo, hi) = (num.div_euclid(den), -((-num).div_euclid(den)));
        out = out.hull(Iv {
            lo: lo.min(hi),
            hi: lo.max(hi),
        });
    }
    Some(out)
}

#[cfg(test)]
impl Model {
    /// `P(t)` exactly, and `R`.
    fn at(&self, t: &[Rational]) -> (Rational, Interval) {
        let d = self.dim();
        let c = |k: usize| Iv::rational(self.p[k]);
        let mut v = c(0);
        for i in 0..d {
            v += c(1 + i) * &t[i];
            for j in i..d {
                v += c(pair(d, i, j)) * &t[i] * &t[j];
            }
        }
        (v, self.rem.to_interval())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certify::bern::Bern;
    use crate::poly::Poly;
    use crate::rational::{int, ratio};
    use crate::spec::{NetSpec, Target};
    use proptest::prelude::*;

    /// The tour's 3-variable cubic at the smoothness `r`.
    fn mix(r: u32) -> crate::Construction {
        let (a, b, c) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
        let f = a
            .mul(&b)
            .mul(&c)
            .sub(&a.pow(2).scale(&int(2)))
            .add(&b.sub(&c).pow(2).scale(&ratio(1, 3)));
        let mut s = NetSpec::new("Mix", &["x", "y", "z"], f);
        (s.r, s.t) = (Some(r), Some(12));
        crate::construct::build(&s).unwrap()
    }

    /// x·y on [−1, 1]², whose gates switch inside the domain.
    fn product(r: u32) -> crate::Construction {
        let mut s = NetSpec::new("P", &["x", "y"], Poly::var(2, 0).mul(&Poly::var(2, 1)));
        s.r = Some(r);
        for d in &mut s.domain {
            d.0 = int(-1);
        }
        crate::construct::build(&s).unwrap()
    }

    fn poly(c: &crate::Construction) -> Poly {
        match &c.spec.target {
            Target::Poly(p) => p.clone(),
            Target::Expr(_) => unreachable!("polynomial targets"),
        }
    }

    /// The gadgets' gates `σ(s)`, `σ(−s)` follow one key, so a square's
    /// whole sawtooth is one group: the cubic's 1,204 weights become a
    /// handful of keys.
    #[test]
    fn gadgets_collapse_into_few_keys() {
        let c = mix(8);
        let m = Models::new(&c.net, &c.spec.domain).expect("dyadic breakpoints");
        let (keys, groups) = m.size();
        assert!(keys <= 10 && groups <= 20, "{keys} keys, {groups} groups");
    }

    /// On random dyadic boxes, the network at random points lies in the
    /// output's model, and `net − f` in the model's error range.
    fn encloses(c: &crate::Construction, seeds: &[u64]) {
        let m = Models::new(&c.net, &c.spec.domain).expect("dyadic breakpoints");
        let f = poly(c);
        let d = c.net.dim();
        for &seed in seeds {
            let mut state = seed;
            let mut next = |n: u64| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 33) % n
            };
            // a box of side 2^−k on the grid of the domain
            let k = next(6) as u32;
            let side = Rational::new(BigInt::one(), BigInt::one() << k);
            let mut mid = Vec::new();
            let mut half = Vec::new();
            let mut corner = Vec::new();
            for (lo, hi) in &c.spec.domain {
                let width = (hi - lo) * &side;
                let cells = 1u64 << k;
                let at = lo + &width * int(next(cells) as i64);
                mid.push(&at + &width / int(2));
                half.push(&width / int(2));
                corner.push(at);
            }
            let width: Vec<Rational> = half.iter().map(|h| h * int(2)).collect();
            let model = m.output(&mid, &half).expect("no overflow");
            let degrees: Vec<u32> = (0..d).map(|i| f.degree_in(i).max(2)).collect();
            let bern = Bern::with_degrees(&f, &corner, &width, &degrees);
            let (error, _) = model.error_range(&bern).expect("degrees two");
            for _ in 0..20 {
                let t: Vec<Rational> = (0..d).map(|_| ratio(next(257) as i64 - 128, 128)).collect();
                let x: Vec<Rational> = (0..d).map(|i| &mid[i] + &half[i] * &t[i]).collect();
                let net = crate::eval::eval(&c.net, &x);
                let (p, rem) = model.at(&t);
                let r = Interval::point(p).add(&rem);
                assert!(r.contains(&net), "seed {seed}: {net} not in {r:?} at {x:?}");
                let e = &net - f.eval(&x);
                assert!(
                    error.contains(&e),
                    "seed {seed}: error {e} not in {error:?}"
                );
            }
        }
    }

    /// Cases of [`models_enclose_random_networks`]: `QRELU_MODEL_CASES`
    /// or 16.
    fn cases() -> u32 {
        std::env::var("QRELU_MODEL_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(16)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        /// Random polynomials in two or three inputs, direct (λ = 2, r
        /// 2..=5) or Theorem 1 networks (two inputs), on `[0, 1]` or
        /// `[−1, 1]` per input: the models enclose the network at random points of
        /// random boxes, and their error ranges enclose `net − f`.
        #[test]
        fn models_enclose_random_networks(
            d in 2usize..=3,
            terms in proptest::collection::vec((-4i64..=4, 0u32..=2, 0u32..=2, 0u32..=1), 1..=5),
            signs in proptest::collection::vec(any::<bool>(), 3),
            r in 2u32..=5,
            taylor in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let taylor = taylor && d == 2;
            let f = terms.iter().fold(Poly::zero(d), |acc, &(c, a, b, e)| {
                let mut m = Poly::constant(d, ratio(c, 4));
                for (i, k) in [a, b, e].into_iter().enumerate().take(d) {
                    m = m.mul(&Poly::var(d, i).pow(k));
                }
                acc.add(&m)
            });
            prop_assume!(!f.is_zero());
            let names = ["x", "y", "z"];
            // Theorem 1 takes derivatives bounded by 1 (eq. 1)
            let f = if taylor { f.scale(&ratio(1, 16)) } else { f };
            let mut s = NetSpec::new("F", &names[..d], f);
            s.r = Some(r);
            if taylor {
                s.structure = crate::spec::Structure::Taylor;
                (s.n, s.grid, s.r) = (Some(1), Some(2), Some(3));
            }
            // the domains the constructions take: [0, 1], or [−1, 1] (direct)
            for (dom, &negative) in s.domain.iter_mut().zip(&signs) {
                if negative && !taylor {
                    dom.0 = int(-1);
                }
            }
            // a target Theorem 1 refuses (derivatives above 1) is skipped
            let Ok(c) = crate::construct::build(&s) else {
                return Ok(());
            };
            prop_assume!(Models::new(&c.net, &c.spec.domain).is_some());
            encloses(&c, &[seed, seed ^ 1, seed ^ 2]);
        }
    }

    #[test]
    fn models_enclose_the_cubic() {
        encloses(&mix(3), &(0..40).collect::<Vec<_>>());
    }

    #[test]
    fn models_enclose_a_product_across_its_gates() {
        encloses(&product(4), &(0..40).collect::<Vec<_>>());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Fits are sound for any range: the residual encloses `G − q`
        /// at every breakpoint and between (dense samples).
        #[test]
        fn fit_residuals_enclose(a in 0u32..64, len in 1u32..64, r in 2u32..6) {
            let c = product(r);
            let m = Models::new(&c.net, &c.spec.domain).expect("dyadic breakpoints");
            for g in m.keys.iter().filter_map(|k| k.def.as_ref().ok()).flat_map(|s| &s.groups).chain(&m.output.groups) {
                let (x0, x1) = (g.x[0], g.x[g.x.len() - 1]);
                let span = x1 - x0;
                let a = x0 + span * i128::from(a) / 128;
                let b = (a + span * i128::from(len) / 128).min(x1);
                let (q, res) = g.fit(Iv { lo: a, hi: b }).expect("no overflow");
                let res = res.to_interval();
                for k in 0..=64i128 {
                    let t = a + (b - a) * k / 64;
                    let j = g.x.partition_point(|x| *x <= t).saturating_sub(1).min(g.slope.len() - 1);
                    // G(t) exactly, from the exact breakpoints and values
                    let (x0, x1) = (Iv::rational(g.x[j]), Iv::rational(g.x[j + 1]));
                    let (y0, y1) = (Iv::rational(g.y[j]), Iv::rational(g.y[j + 1]));
                    let tq = Iv::rational(t);
                    let gv = &y0 + (&y1 - &y0) * (&tq - &x0) / (&x1 - &x0);
                    let qv = Iv::rational(q[0]) + Iv::rational(q[1]) * &tq + Iv::rational(q[2]) * &tq * &tq;
                    let h = gv - qv;
                    prop_assert!(res.contains(&h), "G − q = {h} at {tq} outside {res:?}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Certificates that use the models, for random cubics in three
        /// inputs on random domains: `upper` is at least `|net − f|` at
        /// random points, and the models were there to be used.
        #[test]
        fn certificates_with_models_hold_against_points(
            coefficients in proptest::collection::vec(-4i64..=4, 20),
            signs in proptest::collection::vec(any::<bool>(), 3),
            r in 2u32..=4,
            seed in any::<u64>(),
        ) {
            let vars: Vec<Poly> = (0..3).map(|i| Poly::var(3, i)).collect();
            let mut monomials = vec![Poly::constant(3, int(1))];
            for i in 0..3 {
                monomials.push(vars[i].clone());
                for j in i..3 {
                    monomials.push(vars[i].mul(&vars[j]));
                    for k in j..3 {
                        monomials.push(vars[i].mul(&vars[j]).mul(&vars[k]));
                    }
                }
            }
            let f = monomials
                .iter()
                .zip(&coefficients)
                .fold(Poly::zero(3), |acc, (m, &c)| acc.add(&m.scale(&ratio(c, 4))));
            prop_assume!(f.degree() >= 2);
            let mut s = NetSpec::new("F", &["x", "y", "z"], f.clone());
            s.r = Some(r);
            for (d, &neg) in s.domain.iter_mut().zip(&signs) {
                if neg {
                    d.0 = int(-1);
                }
            }
            let c = crate::construct::build(&s).unwrap();
            prop_assert!(Models::new(&c.net, &c.spec.domain).is_some());
            let cert = crate::certify::certify_net(
                &c.net,
                &c.spec.target,
                &c.spec.domain,
                &c.error_bound,
                crate::certify::Options { max_boxes: 3_000, ..Default::default() },
            )
            .unwrap();
            // the a-priori bound is a theorem: never refuted
            prop_assert!(!cert.refuted, "{cert}");
            let mut state = seed;
            for _ in 0..200 {
                let x: Vec<Rational> = c
                    .spec
                    .domain
                    .iter()
                    .map(|(lo, hi)| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        lo + (hi - lo) * ratio(((state >> 33) % 1001) as i64, 1000)
                    })
                    .collect();
                let e = (crate::eval::eval(&c.net, &x) - f.eval(&x)).abs();
                prop_assert!(e <= cert.upper, "{e} > {cert} at {x:?}");
            }
        }
    }

    /// `cargo test --release -p qrelu-core --lib model::tests::timing -- --ignored --nocapture`:
    /// the cubic's model on boxes of side 1 … 1/64.
    #[test]
    #[ignore]
    fn timing() {
        let c = mix(8);
        let t = std::time::Instant::now();
        let m = Models::new(&c.net, &c.spec.domain).unwrap();
        eprintln!(
            "{} weights: {:?} in {:?}",
            c.metrics.weights,
            m.size(),
            t.elapsed()
        );
        let f = poly(&c);
        for k in 0..=6u32 {
            let h = ratio(1, 1 << k);
            let centre = [ratio(7, 8), ratio(1, 8), ratio(5, 8)];
            let mid: Vec<Rational> = centre
                .iter()
                .map(|c| (c / &h).floor() * &h + &h / int(2))
                .collect();
            let half = vec![&h / int(2); 3];
            let t = std::time::Instant::now();
            let out = m.output(&mid, &half).unwrap();
            let corner: Vec<Rational> = mid.iter().zip(&half).map(|(m, r)| m - r).collect();
            let bern = Bern::with_degrees(&f, &corner, &vec![h.clone(); 3], &[2, 2, 2]);
            let (e, _) = out.error_range(&bern).unwrap();
            let f64of = |q: &Rational| num_traits::ToPrimitive::to_f64(q).unwrap();
            eprintln!(
                "side 1/{}: error in [{:.3e}, {:.3e}], {:?}",
                1 << k,
                f64of(e.lo()),
                f64of(e.hi()),
                t.elapsed()
            );
        }
    }
}
