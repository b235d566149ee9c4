//! The certified check for targets of degree ≥ 4: a rigorous upper bound of
//! sup |e| from second-order Taylor models with a bounded tail, refined by
//! bisection (branch and bound), and a lower bound attained at rational
//! points.

use core::cmp::Ordering;
use std::collections::BinaryHeap;
use std::rc::Rc;
use std::vec::Vec;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use super::piece::{add, mul, sub};
use super::{Certified, Point, Poly, horner, pow2, round_to};
use qrelu_runtime::Exact;

/// Refine until upper − error ≤ error·2^(−TOLERANCE_BITS).
const TOLERANCE_BITS: i32 = 48;
/// An interval halved this many times is not split further.
const MAX_DEPTH: u32 = 96;
/// The most bisections one check spends.
const MAX_BISECTIONS: usize = 1 << 18;
/// Significant bits of the outward-rounded tail bounds.
const ROUND_BITS: u64 = 64;
/// Candidate points are rounded to 2^(−GUARD_BITS) of their interval's
/// width.
const GUARD_BITS: i64 = 32;

/// The sweep and refinement state of the enclosure.
///
/// Everything is scaled by the positive integer `scale` = D that clears the
/// target's denominators, so P = D·p has integer coefficients and, at the
/// dyadic points of generated networks, every value is dyadic (the fast
/// paths of [`crate::piece`]); E = D·e is compared with D·bound.
pub(super) struct Enclosure<'a> {
    target: &'a Poly,
    bound: &'a Exact,
    /// D.
    scale: Exact,
    /// D·bound.
    scaled_bound: Exact,
    /// P = D·p, coefficients from degree 0.
    poly: Vec<Exact>,
    /// M_3, M_4, …, M_n: rounded-up bounds of |P^(k)/k!| over the domain.
    tail: Vec<Exact>,
    /// The pieces seen, in sweep order.
    pieces: Vec<Affine>,
    /// The intervals still open, largest upper bound first.
    cells: BinaryHeap<Cell>,
    /// The largest |E| found at a rational point.
    best: Option<Best>,
    /// The right end of the last piece and P's jet there (the next piece
    /// starts there).
    last: Option<(Exact, Rc<Jet>)>,
}

/// A piece a·x + c, and D·a, D·c.
struct Affine {
    a: Exact,
    c: Exact,
    da: Exact,
    dc: Exact,
}

/// The best rational point: |E(x)| on piece `piece`.
struct Best {
    value: Exact,
    x: Exact,
    piece: usize,
}

/// P(z), P′(z) and P″(z)/2 at a point z.
struct Jet {
    value: Exact,
    slope: Exact,
    half_curvature: Exact,
}

impl Jet {
    // Horner's rule carried to two derivatives: for k = n−1, …, 0,
    // d2 ← d2·z + d1, d1 ← d1·z + v, v ← v·z + P_k; then v = P(z),
    // d1 = P′(z), d2 = P″(z)/2.
    fn at(poly: &[Exact], z: &Exact) -> Self {
        let mut coef = poly.iter().rev();
        let mut v = coef.next().cloned().unwrap_or_else(Zero::zero);
        let mut d1 = Exact::zero();
        let mut d2 = Exact::zero();
        for pk in coef {
            d2 = add(&mul(&d2, z), &d1);
            d1 = add(&mul(&d1, z), &v);
            v = add(&mul(&v, z), pk);
        }
        Jet {
            value: v,
            slope: d1,
            half_curvature: d2,
        }
    }
}

/// The error's second-order Taylor model at an end z of an interval:
/// E(z + s) = e0 + e1·s + e2·s² + tail(s), |tail(s)| ≤ ρ(h)·s² for |s| ≤ h.
struct Model {
    e0: Exact,
    e1: Exact,
    e2: Exact,
}

impl Model {
    // E = P − D·a·x − D·c: E(z) = P(z) − D·a·z − D·c, E′(z) = P′(z) − D·a,
    // E″(z)/2 = P″(z)/2
    fn at(jet: &Jet, z: &Exact, piece: &Affine) -> Self {
        Model {
            e0: sub(&jet.value, &add(&mul(&piece.da, z), &piece.dc)),
            e1: sub(&jet.slope, &piece.da),
            e2: jet.half_curvature.clone(),
        }
    }

    /// An upper bound of |E| on z + [sa, sb] (one of sa, sb is 0, the other
    /// ±h) given the tail bound ρ(h): E lies between the quadratics
    /// e0 + e1·s + (e2 ∓ ρ)·s², so |E| ≤ max(max of the upper one, −min of
    /// the lower one).
    fn bound(&self, rho: &Exact, sa: &Exact, sb: &Exact) -> Exact {
        let upper = quadratic_max(&self.e0, &self.e1, &add(&self.e2, rho), sa, sb);
        let lower = quadratic_max(&-&self.e0, &-&self.e1, &sub(rho, &self.e2), sa, sb);
        upper.max(lower)
    }
}

// max over s ∈ [sa, sb] of f(s) = c0 + c1·s + c2·s²: at an end, or at the
// vertex −c1/(2·c2) where f = c0 − c1²/(4·c2) if f is concave there
fn quadratic_max(c0: &Exact, c1: &Exact, c2: &Exact, sa: &Exact, sb: &Exact) -> Exact {
    let f = |s: &Exact| add(c0, &mul(s, &add(c1, &mul(s, c2))));
    let mut best = f(sa).max(f(sb));
    if c2.is_negative() {
        let two_c2 = mul(c2, &Exact::from_integer(2.into()));
        let vertex = -(c1 / &two_c2);
        if *sa < vertex && vertex < *sb {
            let top = c0 - mul(c1, c1) / (two_c2 * Exact::from_integer(2.into()));
            best = best.max(top);
        }
    }
    best
}

/// An interval [x0, x1] of a piece, with P's jets at its ends and an upper
/// bound of |E| on it.
struct Cell {
    upper: Exact,
    x0: Exact,
    x1: Exact,
    j0: Rc<Jet>,
    j1: Rc<Jet>,
    piece: usize,
    depth: u32,
}

impl PartialEq for Cell {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Cell {}

impl PartialOrd for Cell {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cell {
    /// By upper bound; among equal bounds the leftmost cell is greatest, so
    /// the heap opens it first.
    fn cmp(&self, other: &Self) -> Ordering {
        self.upper
            .cmp(&other.upper)
            .then_with(|| other.x0.cmp(&self.x0))
    }
}

impl<'a> Enclosure<'a> {
    pub(super) fn new(target: &'a Poly, lo: &Exact, hi: &Exact, bound: &'a Exact) -> Self {
        let scale = target
            .coefficients()
            .iter()
            .fold(BigInt::one(), |l, c| l.lcm(c.denom()));
        let scale = Exact::from_integer(scale);
        let poly: Vec<Exact> = target
            .coefficients()
            .iter()
            .map(|c| mul(c, &scale))
            .collect();
        let tail = tail_bounds(&poly, lo, hi);
        Enclosure {
            target,
            bound,
            scaled_bound: mul(bound, &scale),
            scale,
            poly,
            tail,
            pieces: Vec::new(),
            cells: BinaryHeap::new(),
            best: None,
            last: None,
        }
    }

    /// Takes the piece a·x + c on [x0, x1]: offers its ends and opens one
    /// cell.
    pub(super) fn piece(&mut self, x0: &Exact, x1: &Exact, a: &Exact, c: &Exact) {
        let index = self.pieces.len();
        self.pieces.push(Affine {
            a: a.clone(),
            c: c.clone(),
            da: mul(a, &self.scale),
            dc: mul(c, &self.scale),
        });
        let j0 = match self.last.take() {
            Some((end, jet)) if end == *x0 => jet,
            _ => Rc::new(Jet::at(&self.poly, x0)),
        };
        let j1 = Rc::new(Jet::at(&self.poly, x1));
        self.last = Some((x1.clone(), j1.clone()));
        self.offer_jet(x0, &j0, index);
        self.offer_jet(x1, &j1, index);
        let cell = self.cell(x0.clone(), x1.clone(), j0, j1, index, 0);
        self.cells.push(cell);
    }

    /// A cell with its upper bound; offers the rounded vertex of its left
    /// model as a candidate point.
    fn cell(
        &mut self,
        x0: Exact,
        x1: Exact,
        j0: Rc<Jet>,
        j1: Rc<Jet>,
        piece: usize,
        depth: u32,
    ) -> Cell {
        let affine = &self.pieces[piece];
        let left = Model::at(&j0, &x0, affine);
        let h = sub(&x1, &x0);
        let upper = if h.is_zero() {
            left.e0.abs()
        } else {
            let rho = self.rho(&h);
            let right = Model::at(&j1, &x1, affine);
            let zero = Exact::zero();
            let from_left = left.bound(&rho, &zero, &h);
            let from_right = right.bound(&rho, &-&h, &zero);
            from_left.min(from_right)
        };
        // |e0 + e1·s + e2·s²| peaks inside at s = −e1/(2·e2), near the
        // error's own extremum when h is small; a cell below the best value
        // cannot improve it
        let useful = self.best.as_ref().is_none_or(|b| upper >= b.value);
        if useful && !left.e2.is_zero() && !h.is_zero() {
            let s = -(&left.e1 / mul(&left.e2, &Exact::from_integer(2.into())));
            if s.is_positive() && s < h {
                let grid = i64::try_from(h.denom().bits()).unwrap_or(i64::MAX)
                    - i64::try_from(h.numer().bits()).unwrap_or(0)
                    + GUARD_BITS;
                let x = add(&x0, &round_to(&s, grid)).clamp(x0.clone(), x1.clone());
                self.offer(&x, piece);
            }
        }
        Cell {
            upper,
            x0,
            x1,
            j0,
            j1,
            piece,
            depth,
        }
    }

    // ρ(h) = Σ_{k=3}^n M_k·h^(k−2) = h·(M_3 + h·(M_4 + … + h·M_n)), every
    // step rounded up (all terms are ≥ 0, so the result stays an upper
    // bound)
    fn rho(&self, h: &Exact) -> Exact {
        if self.tail.is_empty() {
            return Zero::zero();
        }
        let mut acc = Exact::zero();
        for m in self.tail.iter().rev() {
            acc = round_up(&add(&mul(&acc, h), m), ROUND_BITS);
        }
        round_up(&mul(&acc, h), ROUND_BITS)
    }

    /// Offers the point x of piece `piece`, evaluating E there.
    fn offer(&mut self, x: &Exact, piece: usize) {
        let affine = &self.pieces[piece];
        let value = sub(
            &horner(&self.poly, x),
            &add(&mul(&affine.da, x), &affine.dc),
        )
        .abs();
        self.consider(value, x, piece);
    }

    /// Offers a point whose jet is known.
    fn offer_jet(&mut self, x: &Exact, jet: &Jet, piece: usize) {
        let affine = &self.pieces[piece];
        let value = sub(&jet.value, &add(&mul(&affine.da, x), &affine.dc)).abs();
        self.consider(value, x, piece);
    }

    fn consider(&mut self, value: Exact, x: &Exact, piece: usize) {
        let better = self
            .best
            .as_ref()
            .is_none_or(|b| match value.cmp(&b.value) {
                Ordering::Greater => true,
                Ordering::Equal => *x < b.x,
                Ordering::Less => false,
            });
        if better {
            self.best = Some(Best {
                value,
                x: x.clone(),
                piece,
            });
        }
    }

    /// Splits a cell in two, at its midpoint as a rule.
    ///
    /// A cell that holds strictly inside the best point found so far, when
    /// that point is a critical point of E (E′ = 0 exactly), is cut there
    /// instead: where such a point is not a dyadic fraction of its piece
    /// (1/2 on a piece [0, 3/4]) no midpoint ever lands on it, so every
    /// cell around it kept a model above |E| there by about ρh² and a bound
    /// equal to the sup (`attained`) stayed undecided at `MAX_DEPTH`. With
    /// the point as an end of two cells, the model there has e1 = 0 and its
    /// tail ρ(h) falls below |e2|, so their bound is |E(x)| exactly. Other
    /// best points (rounded vertices, near but not at the extremum) keep
    /// the midpoint, which lands exactly on dyadic extrema.
    fn bisect(&mut self, cell: Cell) {
        let critical = self
            .best
            .as_ref()
            .filter(|b| b.piece == cell.piece && cell.x0 < b.x && b.x < cell.x1)
            .map(|b| (b.x.clone(), Rc::new(Jet::at(&self.poly, &b.x))))
            .filter(|(x, jet)| Model::at(jet, x, &self.pieces[cell.piece]).e1.is_zero());
        let (m, jm) = match critical {
            Some((x, jet)) => (x, jet),
            None => {
                let m = mul(&add(&cell.x0, &cell.x1), &pow2(-1));
                let jm = Rc::new(Jet::at(&self.poly, &m));
                (m, jm)
            }
        };
        self.offer_jet(&m, &jm, cell.piece);
        let depth = cell.depth + 1;
        let left = self.cell(cell.x0, m.clone(), cell.j0, jm.clone(), cell.piece, depth);
        let right = self.cell(m, cell.x1, jm, cell.j1, cell.piece, depth);
        self.cells.push(left);
        self.cells.push(right);
    }

    /// Bisects the cell with the largest upper bound until that bound is
    /// within the tolerance of the best value and decides the bound, or a
    /// limit is met; returns the final upper bound of sup |E|.
    fn refine(&mut self) -> Exact {
        let mut frozen: Option<Exact> = None;
        let mut bisections = 0;
        loop {
            let lower = match &self.best {
                Some(best) => best.value.clone(),
                None => Zero::zero(),
            };
            let Some(top) = self.cells.peek() else {
                return frozen.map_or(lower.clone(), |f| f.max(lower));
            };
            let upper = match &frozen {
                Some(f) if *f >= top.upper => return f.clone().max(lower),
                _ => top.upper.clone(),
            };
            if upper <= lower {
                return lower;
            }
            let slack = mul(&lower, &pow2(-TOLERANCE_BITS));
            let tight = upper <= add(&lower, &slack);
            let decided = upper <= self.scaled_bound || lower > self.scaled_bound;
            if (tight && decided) || bisections >= MAX_BISECTIONS {
                return upper;
            }
            let cell = self.cells.pop().expect("peeked");
            if cell.depth >= MAX_DEPTH {
                frozen = Some(frozen.map_or(cell.upper.clone(), |f| f.max(cell.upper)));
                continue;
            }
            self.bisect(cell);
            bisections += 1;
        }
    }

    /// The result after `pieces` pieces.
    pub(super) fn finish(mut self, pieces: usize) -> Certified {
        let upper = self.refine();
        let best = self
            .best
            .take()
            .expect("every sweep has at least one piece");
        let affine = &self.pieces[best.piece];
        let point = Point::at(&best.x, &affine.a, &affine.c, self.target);
        debug_assert_eq!(mul(point.error(), &self.scale), best.value);
        let holds = upper <= self.scaled_bound;
        let upper = if upper == best.value {
            point.error().clone()
        } else {
            shorten(&(&upper / &self.scale), point.error())
        };
        point.certify(upper, self.bound.clone(), holds, pieces)
    }
}

/// M_k ≥ max |P^(k)(x)/k!| over [lo, hi] for k = 3, …, n, rounded up.
///
/// With τ_j the Taylor coefficients of P at the centre c and r the
/// half-width, P^(k)(x)/k! = Σ_{j≥k} τ_j·C(j, k)·(x − c)^(j−k), so
/// |P^(k)(x)/k!| ≤ Σ_{j≥k} |τ_j|·C(j, k)·r^(j−k): the k-th Taylor
/// coefficient at r of Q(y) = Σ |τ_j|·y^j.
fn tail_bounds(poly: &[Exact], lo: &Exact, hi: &Exact) -> Vec<Exact> {
    if poly.len() <= 3 {
        return Vec::new();
    }
    let half = pow2(-1);
    let centre = mul(&add(lo, hi), &half);
    let radius = mul(&sub(hi, lo), &half);
    let tau: Vec<Exact> = taylor_shift(poly, &centre)
        .into_iter()
        .map(|t| t.abs())
        .collect();
    taylor_shift(&tau, &radius)
        .iter()
        .skip(3)
        .map(|m| round_up(m, ROUND_BITS))
        .collect()
}

// The coefficients of P(x + c), by repeated synthetic division: for
// i = 0, …, n−1 and j = n−1 down to i, t_j ← t_j + c·t_(j+1)
fn taylor_shift(poly: &[Exact], c: &Exact) -> Vec<Exact> {
    let mut t = poly.to_vec();
    let n = t.len().saturating_sub(1);
    for i in 0..n {
        for j in (i..n).rev() {
            t[j] = add(&t[j], &mul(c, &t[j + 1]));
        }
    }
    t
}

/// A dyadic m/2^k ≥ x with m of at most `bits` + 1 bits, less than
/// x·2^(1−bits) above x (x ≥ 0); x itself if it is already such a dyadic.
// m = ⌈x·2^k⌉ with k = bits − ℓ(x), ℓ(x) = bits(numer) − bits(denom), so
// x·2^k ∈ (2^(bits−1), 2^(bits+1)) and the step 2^(−k) < x·2^(1−bits)
fn round_up(x: &Exact, bits: u64) -> Exact {
    debug_assert!(!x.is_negative());
    let (n, d) = (x.numer(), x.denom());
    if x.is_zero() || (d.trailing_zeros() == Some(d.bits() - 1) && n.bits() <= bits) {
        return x.clone();
    }
    let k = i64::try_from(bits).unwrap_or(i64::MAX)
        - (i64::try_from(n.bits()).unwrap_or(i64::MAX) - i64::try_from(d.bits()).unwrap_or(0));
    if k >= 0 {
        let m = (n << k).div_ceil(d);
        Exact::new(m, BigInt::one() << k)
    } else {
        let m = n.div_ceil(&(d << k.unsigned_abs()));
        Exact::from_integer(m << k.unsigned_abs())
    }
}

/// An upper bound u > error rounded up to a short dyadic, at most doubling
/// its distance u − error.
// With ℓ(x) = bits(numer) − bits(denom), log2 x ∈ (ℓ(x) − 1, ℓ(x) + 1).
// Rounding to b = ℓ(u) − ℓ(gap) + 4 bits adds less than u·2^(1−b) <
// 2^(ℓ(gap)−2) < gap.
fn shorten(u: &Exact, error: &Exact) -> Exact {
    let log2 = |x: &Exact| {
        i64::try_from(x.numer().bits()).unwrap_or(i64::MAX)
            - i64::try_from(x.denom().bits()).unwrap_or(0)
    };
    let gap = sub(u, error);
    let bits = (log2(u) - log2(&gap)).max(0) + 4;
    let rounded = round_up(u, u64::try_from(bits).unwrap_or(u64::MAX));
    debug_assert!(rounded >= *u && sub(&rounded, u) <= gap);
    rounded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: u64) -> Exact {
        <Exact as qrelu_runtime::Scalar>::ratio(n, d)
    }

    #[test]
    fn jets_are_value_slope_and_half_curvature() {
        // P = x⁴ − 2x + 1 at 1/2: 1/16, 4/8 − 2 = −3/2, 6·1/4 = 3/2
        let p = [q(1, 1), q(-2, 1), q(0, 1), q(0, 1), q(1, 1)];
        let j = Jet::at(&p, &q(1, 2));
        assert_eq!(j.value, q(1, 16));
        assert_eq!(j.slope, q(-3, 2));
        assert_eq!(j.half_curvature, q(3, 2));
    }

    #[test]
    fn taylor_shift_expands_binomials() {
        // x³ at x + 2: x³ + 6x² + 12x + 8
        let p = [q(0, 1), q(0, 1), q(0, 1), q(1, 1)];
        assert_eq!(
            taylor_shift(&p, &q(2, 1)),
            [q(8, 1), q(12, 1), q(6, 1), q(1, 1)]
        );
    }

    #[test]
    fn tail_bounds_dominate_derivatives() {
        // P = x⁵ on [−1, 1]: |P‴/3!| = 10x² ≤ 10, |P⁗/4!| = 5|x| ≤ 5, 1
        let p = [q(0, 1), q(0, 1), q(0, 1), q(0, 1), q(0, 1), q(1, 1)];
        assert_eq!(
            tail_bounds(&p, &q(-1, 1), &q(1, 1)),
            [q(10, 1), q(5, 1), q(1, 1)]
        );
        // on [0, 1] (centre 1/2, radius 1/2) the bounds are exact too
        assert_eq!(
            tail_bounds(&p, &q(0, 1), &q(1, 1)),
            [q(10, 1), q(5, 1), q(1, 1)]
        );
    }

    #[test]
    fn rounding_is_outward_and_short() {
        let third = q(1, 3);
        let up = round_up(&third, 64);
        assert!(up > third && &up - &third < q(1, 1 << 62));
        assert!(up.denom().trailing_zeros() == Some(up.denom().bits() - 1));
        assert!(up.numer().bits() <= 65);
        // short dyadics stay as they are
        assert_eq!(round_up(&q(3, 8), 64), q(3, 8));
        // huge values keep 64 significant bits
        let big = Exact::from_integer(BigInt::from(3).pow(100_u32));
        let up = round_up(&big, 64);
        assert!(
            up >= big
                && up.is_integer()
                && up.numer().bits() - up.numer().trailing_zeros().unwrap() <= 65
        );
        assert_eq!(round_to(&q(5, 12), 3), q(3, 8));
        assert_eq!(round_to(&q(13, 1), -2), q(12, 1));
    }

    #[test]
    fn quadratic_max_sees_the_vertex() {
        let (z, one) = (q(0, 1), q(1, 1));
        // s − s² on [0, 1] peaks at 1/2 with 1/4; s + s² at 1 with 2
        assert_eq!(quadratic_max(&z, &one, &q(-1, 1), &z, &one), q(1, 4));
        assert_eq!(quadratic_max(&z, &one, &one, &z, &one), q(2, 1));
        // on [−1, 0] the vertex of s − s² is outside: max at 0
        assert_eq!(quadratic_max(&z, &one, &q(-1, 1), &q(-1, 1), &z), z);
    }
}
