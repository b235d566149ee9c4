//! Exact activation regions for the box certificate of two-input networks
//! ([`super::boxes`]): when the boxes have enclosed the sup within the
//! tolerance but cannot decide the bound, because the bound is *attained*
//! where ReLUs switch (x·y: the error of one square is largest where the
//! other's sawtooth has a kink), the boxes still above the bound are cut
//! into triangles and the triangles along the units' own hyperplanes.
//!
//! # On a triangle
//!
//! Every unit's value is enclosed by an affine function of `x` plus an
//! interval, `v(x) ∈ k + c·x + [lo, hi]`, all exact rationals (no grid):
//! an input is `x_i`; a pre-activation is the exact combination of its
//! sources; an affine function's range over a triangle is the hull of its
//! values at the three vertices, so a unit is *stable* (`relu(z) = z` or
//! `0`) exactly when those values (plus the remainder) do not change sign;
//! an unstable unit gets the relaxation of [`super::boxes`]
//! (`relu(z) ∈ s·z + [0, max(−s·l, (1 − s)·u)]`, `s` the slope `u/(u − l)`
//! rounded down to `2^−20`).
//!
//! The **first unstable unit** in topological order has only stable
//! sources, so its pre-activation `z = k + c·x` is exact (remainder 0):
//! the triangle is cut along the line `z = 0` into the two sides (a
//! triangle and a quadrilateral, the latter split into two triangles).
//! On each side that unit is stable. Cutting until no unit is unstable
//! leaves triangles on which the network **is** the affine function
//! `A(x) = k + c·x` — the exact linear regions of the network, found only
//! where they are needed.
//!
//! # The target on a triangle
//!
//! For a polynomial `f`, `g = A − f` is rewritten in barycentric
//! coordinates `x = v_0 + λ_1 (v_1 − v_0) + λ_2 (v_2 − v_0)` and converted
//! to its **Bernstein coefficients on the simplex** (degree `n` of `g`):
//! `b_α = Σ_{β ≤ α} [Π_j C(α_j, β_j) / (n! / (β_1! β_2! (n − |β|)!))] a_β`
//! for the power coefficients `a_β` of `g(λ)`. Since the Bernstein
//! polynomials of degree `n` on the simplex are non-negative and sum to
//! one, `g(T) ⊆ [min b, max b]`; the coefficients at the vertices are
//! `g(v_i)` exactly, so the enclosure is *sharp* when the extreme
//! coefficient sits at a vertex — which is how a bound attained at a point
//! is proved: the triangle is split at the point where `g` restricted to
//! the edge of its extreme coefficient peaks (a rational point when that
//! restriction is quadratic), until the point is a vertex and the
//! coefficients around it fall below its value. Other targets: the
//! enclosure of [`super::boxes`] over the triangle's bounding box (which
//! contains the triangle, so the enclosure is still sound).
//!
//! A triangle's **upper bound** is `max(|min b + lo|, |max b + hi|)`; where
//! the network is affine on it, `|g|` at its vertices are lower bounds,
//! attained there.
//!
//! Soundness: the triangles of a box cover it (each cut and split
//! partitions a triangle into triangles whose union is the triangle), each
//! unit's enclosure contains its value at every point of the triangle
//! (induction, as for boxes, with exact arithmetic), and the Bernstein
//! enclosure contains the range of `g` on the triangle.

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use crate::error::CoreError;
use crate::interval::Interval;
use crate::net::{Net, UnitKind};
use crate::poly::Poly;
use crate::rational::{self, Rational};
use crate::spec::Target;

use super::boxes::{Cell, PRECISION, expr_gaps, undefined};

/// The slope of a ReLU relaxation is rounded down to `2^−SLOPE_BITS`.
const SLOPE_BITS: u32 = 20;

/// A triangle of the input plane, by its vertices.
#[derive(Clone, Debug)]
pub(super) struct Tri {
    pub v: [Vec<Rational>; 3],
}

/// How a triangle is to be split when it is examined again.
#[derive(Clone, Debug)]
pub(super) enum Split {
    /// along the line `k + c·x = 0` (an unstable unit's pre-activation)
    Cut(Rational, Vec<Rational>),
    /// at `v_i + t (v_j − v_i)` on the edge `(i, j)`, `0 < t < 1`
    Edge(usize, usize, Rational),
}

/// The error's enclosure on a triangle, the best vertex (a lower bound
/// attained there) and how to split it.
pub(super) struct Examined {
    pub upper: Rational,
    pub lower: Option<(Rational, Vec<Rational>)>,
    pub split: Split,
}

/// `k + c·x + [lo, hi]`, exact.
#[derive(Clone, Debug)]
struct Form {
    k: Rational,
    c: Vec<Rational>,
    lo: Rational,
    hi: Rational,
}

impl Form {
    fn zero(d: usize) -> Self {
        Form {
            k: Rational::zero(),
            c: vec![Rational::zero(); d],
            lo: Rational::zero(),
            hi: Rational::zero(),
        }
    }

    fn is_exact(&self) -> bool {
        self.lo.is_zero() && self.hi.is_zero()
    }

    fn at(&self, x: &[Rational]) -> Rational {
        self.c
            .iter()
            .zip(x)
            .fold(self.k.clone(), |acc, (c, x)| acc + c * x)
    }

    /// `self += w·other`.
    fn add_scaled(&mut self, w: &Rational, other: &Form) {
        if other.k.is_zero() && other.is_exact() && other.c.iter().all(Zero::is_zero) {
            return;
        }
        self.k += w * &other.k;
        for (a, b) in self.c.iter_mut().zip(&other.c) {
            if !b.is_zero() {
                *a += w * b;
            }
        }
        if !other.is_exact() {
            if w.is_negative() {
                self.lo += w * &other.hi;
                self.hi += w * &other.lo;
            } else {
                self.lo += w * &other.lo;
                self.hi += w * &other.hi;
            }
        }
    }

    /// `[min, max]` over the triangle: the affine part's extreme vertex
    /// values plus the remainder.
    fn bounds(&self, tri: &Tri) -> (Rational, Rational) {
        let vals = tri.v.iter().map(|v| self.at(v));
        let (lo, hi) = min_max(vals);
        (lo + &self.lo, hi + &self.hi)
    }
}

fn min_max(mut it: impl Iterator<Item = Rational>) -> (Rational, Rational) {
    let first = it.next().unwrap_or_default();
    it.fold((first.clone(), first), |(lo, hi), v| {
        if v < lo {
            (v, hi)
        } else if v > hi {
            (lo, v)
        } else {
            (lo, hi)
        }
    })
}

/// The network on a triangle: the output's form and the first unstable
/// unit's (exact) pre-activation, if any.
fn forward(net: &Net, tri: &Tri) -> (Form, Option<Form>) {
    let d = tri.v[0].len();
    let mut forms: Vec<Form> = Vec::with_capacity(net.units().len());
    let mut first = None;
    for unit in net.units() {
        let form = match &unit.kind {
            UnitKind::Input { index } => {
                let mut f = Form::zero(d);
                f.c[*index] = Rational::one();
                f
            }
            UnitKind::Relu { bias, inputs } => {
                let mut z = Form::zero(d);
                z.k = bias.clone();
                for e in inputs {
                    z.add_scaled(&e.weight, &forms[e.src]);
                }
                let (l, u) = z.bounds(tri);
                if !u.is_positive() {
                    Form::zero(d)
                } else if !l.is_negative() {
                    z
                } else {
                    if first.is_none() && z.is_exact() {
                        first = Some(z.clone());
                    }
                    relax(&z, &l, &u)
                }
            }
        };
        forms.push(form);
    }
    let out = net.output();
    let mut y = Form::zero(d);
    y.k = out.bias.clone();
    for e in &out.inputs {
        y.add_scaled(&e.weight, &forms[e.src]);
    }
    (y, first)
}

/// `relu(z) ∈ s·z + [0, max(−s·l, (1 − s)·u)]` for `z ∈ [l, u]`, `l < 0 <
/// u`: `relu(z) − s·z` is piecewise linear on `[l, u]` with the values
/// `−s·l`, `0`, `(1 − s)·u` at `l`, `0`, `u`, all `≥ 0` for `0 ≤ s ≤ 1`.
fn relax(z: &Form, l: &Rational, u: &Rational) -> Form {
    let exact = u / (u - l);
    let s = crate::interval::round_down(&exact, SLOPE_BITS);
    let top = (-(&s * l)).max((Rational::one() - &s) * u);
    let mut out = Form::zero(z.c.len());
    out.add_scaled(&s, z);
    out.hi += top;
    out
}

/// The Bernstein coefficients on the simplex of `g(λ)` of total degree `n`
/// in `m` barycentric variables (the last one implicit), as `(α, b_α)`
/// (module docs).
fn simplex_bernstein(g: &Poly, n: u32) -> Vec<(Vec<u32>, Rational)> {
    let m = g.nvars();
    let fact = |k: u32| -> BigInt { (1..=k).map(BigInt::from).product() };
    let binom = |a: u32, b: u32| -> BigInt { fact(a) / (fact(b) * fact(a - b)) };
    let mut out = Vec::new();
    let mut alpha = vec![0u32; m];
    let bound = vec![n; m];
    loop {
        if alpha.iter().sum::<u32>() <= n {
            let mut b = Rational::zero();
            for (beta, a) in g.terms() {
                if beta.iter().zip(&alpha).all(|(b, a)| b <= a) {
                    let size: u32 = beta.iter().sum();
                    let multinomial = beta
                        .iter()
                        .fold(fact(n) / fact(n - size), |acc, &e| acc / fact(e));
                    let num: BigInt = beta
                        .iter()
                        .zip(&alpha)
                        .map(|(&b, &a)| binom(a, b))
                        .product();
                    b += a * Rational::new(num, multinomial);
                }
            }
            out.push((alpha.clone(), b));
        }
        if !crate::bernstein::next_multi_index(&mut alpha, &bound) {
            return out;
        }
    }
}

/// `g(v_0 + Σ_j λ_j (v_j − v_0))` as a polynomial in the `λ_j`.
fn barycentric(g: &Poly, tri: &Tri) -> Poly {
    let d = g.nvars();
    let m = tri.v.len() - 1;
    let coords: Vec<Poly> = (0..d)
        .map(|i| {
            (1..=m).fold(Poly::constant(m, tri.v[0][i].clone()), |acc, j| {
                acc.add(&Poly::var(m, j - 1).scale(&(&tri.v[j][i] - &tri.v[0][i])))
            })
        })
        .collect();
    let mut out = Poly::zero(m);
    for (pow, c) in g.terms() {
        let term = pow
            .iter()
            .enumerate()
            .fold(Poly::constant(m, c.clone()), |acc, (i, &e)| {
                acc.mul(&coords[i].pow(e))
            });
        out = out.add(&term);
    }
    out
}

/// Examines a triangle (module docs).
pub(super) fn examine(net: &Net, target: &Target, tri: &Tri) -> Result<Examined, CoreError> {
    let (y, first) = forward(net, tri);
    let affine = {
        let mut a = y.clone();
        a.lo = Rational::zero();
        a.hi = Rational::zero();
        a
    };
    let (gap, vertex_values, extreme) = match target {
        Target::Poly(p) => {
            let d = p.nvars();
            let a = (0..d).fold(Poly::constant(d, affine.k.clone()), |acc, i| {
                acc.add(&Poly::var(d, i).scale(&affine.c[i]))
            });
            let g = barycentric(&a.sub(p), tri);
            let n = g.degree().max(1);
            let b = simplex_bernstein(&g, n);
            let (lo, hi) = min_max(b.iter().map(|(_, b)| b.clone()));
            // the coefficient that sets the upper bound, for the split
            let top = if (&hi + &y.hi).abs() >= (&lo + &y.lo).abs() {
                &hi
            } else {
                &lo
            };
            let at = b
                .iter()
                .find(|(_, b)| b == top)
                .map(|(a, _)| a.clone())
                .unwrap_or_default();
            let values: Vec<Interval> = tri
                .v
                .iter()
                .map(|v| Interval::point(affine.at(v) - p.eval(v)))
                .collect();
            (Interval::hull_of(lo, hi), values, Some((g, n, at)))
        }
        Target::Expr(e) => {
            let d = tri.v[0].len();
            let (lo, hi): (Vec<Rational>, Vec<Rational>) = (0..d)
                .map(|i| min_max(tri.v.iter().map(|v| v[i].clone())))
                .unzip();
            let two = rational::int(2);
            let cell = Cell {
                mid: lo.iter().zip(&hi).map(|(a, b)| (a + b) / &two).collect(),
                half: lo.iter().zip(&hi).map(|(a, b)| (b - a) / &two).collect(),
                upper: Rational::zero(),
                bern: None,
            };
            let centre: Vec<Interval> = cell.mid.iter().cloned().map(Interval::point).collect();
            let at_centre = e.range(&centre, PRECISION).map_err(|err| undefined(&err))?;
            let gap = expr_gaps(
                e,
                &[(affine.at(&cell.mid), affine.c.clone())],
                &cell,
                &at_centre,
            )?
            .remove(0);
            let values = tri
                .v
                .iter()
                .map(|v| {
                    let point: Vec<Interval> = v.iter().cloned().map(Interval::point).collect();
                    e.range(&point, PRECISION)
                        .map(|f| Interval::point(affine.at(v)).sub(&f))
                        .map_err(|err| undefined(&err))
                })
                .collect::<Result<Vec<_>, _>>()?;
            (gap, values, None)
        }
    };
    let low = gap.lo() + &y.lo;
    let high = gap.hi() + &y.hi;
    let upper = low.abs().max(high.abs());
    let lower = y
        .is_exact()
        .then(|| {
            vertex_values
                .iter()
                .zip(&tri.v)
                .map(|(g, v)| (g.mig(), v.clone()))
                .max_by(|a, b| a.0.cmp(&b.0))
        })
        .flatten();
    let split = match first {
        Some(z) => Split::Cut(z.k, z.c),
        None => edge_split(tri, extreme.as_ref()),
    };
    Ok(Examined {
        upper,
        lower,
        split,
    })
}

/// Where to split a triangle on which the network is affine: on the edge
/// of the extreme Bernstein coefficient, at the peak of `g` along it when
/// `g` is quadratic there and peaks inside, else at its midpoint; for an
/// interior coefficient (or a non-polynomial target), the longest edge's
/// midpoint.
fn edge_split(tri: &Tri, extreme: Option<&(Poly, u32, Vec<u32>)>) -> Split {
    let half = rational::ratio(1, 2);
    let longest = || {
        let len = |i: usize, j: usize| -> Rational {
            tri.v[i]
                .iter()
                .zip(&tri.v[j])
                .map(|(a, b)| (a - b) * (a - b))
                .sum()
        };
        let edges = [(0, 1), (1, 2), (2, 0)];
        let (i, j) = edges
            .into_iter()
            .max_by(|a, b| len(a.0, a.1).cmp(&len(b.0, b.1)).then(b.cmp(a)))
            .unwrap_or((0, 1));
        Split::Edge(i, j, half.clone())
    };
    let Some((g, n, alpha)) = extreme else {
        return longest();
    };
    // barycentric weights of the coefficient: (n − |α|, α_1, α_2)
    let w = [n - alpha.iter().sum::<u32>(), alpha[0], alpha[1]];
    let zero: Vec<usize> = (0..3).filter(|&i| w[i] == 0).collect();
    if zero.len() != 1 {
        // a vertex (then the bound is attained there) or interior
        return longest();
    }
    let (i, j) = match zero[0] {
        0 => (1, 2),
        1 => (0, 2),
        _ => (0, 1),
    };
    // g along v_i + t (v_j − v_i): in λ, λ(v_0) = (0, 0), λ(v_1) = (1, 0),
    // λ(v_2) = (0, 1)
    let corner = |k: usize| -> [Rational; 2] {
        match k {
            0 => [Rational::zero(), Rational::zero()],
            1 => [Rational::one(), Rational::zero()],
            _ => [Rational::zero(), Rational::one()],
        }
    };
    let (a, b) = (corner(i), corner(j));
    let line: Vec<Poly> = (0..2)
        .map(|l| Poly::constant(1, a[l].clone()).add(&Poly::var(1, 0).scale(&(&b[l] - &a[l]))))
        .collect();
    let mut h = Poly::zero(1);
    for (pow, c) in g.terms() {
        let term = pow
            .iter()
            .enumerate()
            .fold(Poly::constant(1, c.clone()), |acc, (l, &e)| {
                acc.mul(&line[l].pow(e))
            });
        h = h.add(&term);
    }
    let t = if h.degree() == 2 {
        // h = α + β t + γ t²: the peak at −β/(2γ)
        let beta = h.coefficient(&[1]);
        let gamma = h.coefficient(&[2]);
        let t = -beta / (gamma * rational::int(2));
        if t.is_positive() && t < Rational::one() {
            t
        } else {
            half
        }
    } else {
        half
    };
    Split::Edge(i, j, t)
}

/// The twice signed area of a triangle (zero: degenerate).
fn area2(a: &[Rational], b: &[Rational], c: &[Rational]) -> Rational {
    (&b[0] - &a[0]) * (&c[1] - &a[1]) - (&b[1] - &a[1]) * (&c[0] - &a[0])
}

/// The triangles of a split (module docs): they partition `tri`.
pub(super) fn split(tri: &Tri, how: &Split) -> Vec<Tri> {
    match how {
        Split::Edge(i, j, t) => {
            let o = 3 - i - j;
            let q: Vec<Rational> = tri.v[*i]
                .iter()
                .zip(&tri.v[*j])
                .map(|(a, b)| a + t * (b - a))
                .collect();
            vec![
                Tri {
                    v: [tri.v[*i].clone(), q.clone(), tri.v[o].clone()],
                },
                Tri {
                    v: [q, tri.v[*j].clone(), tri.v[o].clone()],
                },
            ]
        }
        Split::Cut(k, c) => {
            let z = |x: &[Rational]| c.iter().zip(x).fold(k.clone(), |acc, (c, x)| acc + c * x);
            let zs: Vec<Rational> = tri.v.iter().map(|v| z(v)).collect();
            let mut out = Vec::new();
            for side in [1, -1] {
                // Sutherland–Hodgman: the polygon where side·z ≥ 0
                let inside = |z: &Rational| match side {
                    1 => !z.is_negative(),
                    _ => !z.is_positive(),
                };
                let mut poly: Vec<Vec<Rational>> = Vec::new();
                for a in 0..3 {
                    let b = (a + 1) % 3;
                    if inside(&zs[a]) {
                        poly.push(tri.v[a].clone());
                    }
                    let crosses = (zs[a].is_positive() && zs[b].is_negative())
                        || (zs[a].is_negative() && zs[b].is_positive());
                    if crosses {
                        let t = &zs[a] / (&zs[a] - &zs[b]);
                        poly.push(
                            tri.v[a]
                                .iter()
                                .zip(&tri.v[b])
                                .map(|(p, q)| p + &t * (q - p))
                                .collect(),
                        );
                    }
                }
                for l in 1..poly.len().saturating_sub(1) {
                    if !area2(&poly[0], &poly[l], &poly[l + 1]).is_zero() {
                        out.push(Tri {
                            v: [poly[0].clone(), poly[l].clone(), poly[l + 1].clone()],
                        });
                    }
                }
            }
            out
        }
    }
}

/// The two triangles of a box (cut along its diagonal through the lower
/// left corner).
pub(super) fn of_cell(cell: &Cell) -> [Tri; 2] {
    let corner = |sx: i64, sy: i64| -> Vec<Rational> {
        vec![
            &cell.mid[0] + &cell.half[0] * rational::int(sx),
            &cell.mid[1] + &cell.half[1] * rational::int(sy),
        ]
    };
    [
        Tri {
            v: [corner(-1, -1), corner(1, -1), corner(1, 1)],
        },
        Tri {
            v: [corner(-1, -1), corner(1, 1), corner(-1, 1)],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::construct::build;
    use crate::rational::{int, ratio};
    use crate::spec::NetSpec;

    fn tri(v: [[i64; 2]; 3], den: i64) -> Tri {
        Tri {
            v: v.map(|p| p.iter().map(|&a| ratio(a, den)).collect()),
        }
    }

    /// Points of a triangle: barycentric combinations on a grid.
    fn points(t: &Tri, n: i64) -> Vec<Vec<Rational>> {
        let mut out = Vec::new();
        for i in 0..=n {
            for j in 0..=n - i {
                let (a, b) = (ratio(i, n), ratio(j, n));
                let c = Rational::one() - &a - &b;
                out.push(
                    (0..2)
                        .map(|l| &a * &t.v[0][l] + &b * &t.v[1][l] + &c * &t.v[2][l])
                        .collect(),
                );
            }
        }
        out
    }

    fn area(t: &Tri) -> Rational {
        area2(&t.v[0], &t.v[1], &t.v[2]).abs()
    }

    /// Every split partitions its triangle: the children are
    /// non-degenerate, lie inside it and their areas add up to its area.
    #[test]
    fn splits_partition_the_triangle() {
        let t = tri([[0, 0], [7, 1], [2, 5]], 8);
        let hows = [
            Split::Edge(0, 1, ratio(1, 3)),
            Split::Edge(1, 2, ratio(1, 2)),
            Split::Edge(2, 0, ratio(5, 7)),
            // (lines that cross the interior, as an unstable unit's
            // does) through a vertex, through two edges, through two edges
            // near a vertex
            Split::Cut(int(0), vec![int(-1), int(1)]),
            Split::Cut(ratio(-3, 8), vec![int(1), int(1)]),
            Split::Cut(ratio(-1, 4), vec![int(0), int(1)]),
        ];
        for how in hows {
            let kids = split(&t, &how);
            assert!(kids.len() >= 2, "{how:?}");
            let total: Rational = kids.iter().map(area).sum();
            assert_eq!(total, area(&t), "{how:?}");
            for k in &kids {
                assert!(!area(k).is_zero());
                for v in &k.v {
                    // inside: the three sub-areas add up to the area
                    let sub: Rational = [(0, 1), (1, 2), (2, 0)]
                        .iter()
                        .map(|&(i, j)| area2(&t.v[i], &t.v[j], v).abs())
                        .sum();
                    assert_eq!(sub, area(&t), "{v:?} outside after {how:?}");
                }
                if let Split::Cut(kk, c) = &how {
                    // each child on one side of the line
                    let z = |x: &[Rational]| kk + &c[0] * &x[0] + &c[1] * &x[1];
                    let (lo, hi) = min_max(k.v.iter().map(|v| z(v)));
                    assert!(!lo.is_negative() || !hi.is_positive(), "{how:?}");
                }
            }
        }
    }

    /// The simplex Bernstein coefficients enclose the polynomial on the
    /// triangle and equal it at the vertices.
    #[test]
    fn simplex_bernstein_encloses_and_is_sharp_at_vertices() {
        let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
        let p = x
            .pow(3)
            .sub(&x.mul(&y).scale(&ratio(5, 2)))
            .add(&y.pow(2).scale(&ratio(1, 3)))
            .add(&Poly::constant(2, ratio(1, 7)));
        let t = tri([[-3, 1], [5, -2], [1, 6]], 4);
        let g = barycentric(&p, &t);
        let b = simplex_bernstein(&g, 3);
        assert_eq!(b.len(), 10);
        let (lo, hi) = min_max(b.iter().map(|(_, b)| b.clone()));
        for x in points(&t, 12) {
            let v = p.eval(&x);
            assert!(lo <= v && v <= hi, "{x:?}");
        }
        let at = |alpha: [u32; 2]| {
            b.iter()
                .find(|(a, _)| a[..] == alpha[..])
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(at([0, 0]), p.eval(&t.v[0]));
        assert_eq!(at([3, 0]), p.eval(&t.v[1]));
        assert_eq!(at([0, 3]), p.eval(&t.v[2]));
    }

    /// A triangle's enclosure contains the exact error at every point of
    /// a grid on it, its lower bound is attained at its vertex, and cutting
    /// at the first unstable unit leaves it stable on both sides.
    #[test]
    fn triangles_enclose_the_error() {
        let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
        let p = a.mul(&b).sub(&a.pow(2).scale(&ratio(1, 3)));
        let mut s = NetSpec::new("T", &["x", "y"], p.clone());
        (s.r, s.lambda) = (Some(3), 3);
        let c = build(&s).unwrap();
        let target = Target::Poly(p.clone());
        let err = |x: &[Rational]| crate::eval::eval(&c.net, x) - p.eval(x);
        let mut queue = vec![
            tri([[0, 0], [8, 0], [8, 8]], 8),
            tri([[1, 2], [3, 2], [2, 5]], 8),
        ];
        let mut seen = 0;
        while let Some(t) = queue.pop() {
            let e = examine(&c.net, &target, &t).unwrap();
            for x in points(&t, 6) {
                assert!(err(&x).abs() <= e.upper, "{x:?} on {t:?}");
            }
            if let Some((lower, at)) = &e.lower {
                assert_eq!(err(at).abs(), *lower);
            }
            seen += 1;
            if seen < 40 {
                queue.extend(split(&t, &e.split));
            }
        }
    }

    /// Examined with an expression target, the enclosure still contains
    /// the error (computed to within the enclosure of the target).
    #[test]
    fn expression_targets_on_triangles() {
        use crate::expr::Expr;
        use crate::interval::elementary::Elementary;
        let e = Expr::Mul(Box::new(Expr::var(0)), Box::new(Expr::var(1))).call(Elementary::Sin);
        let mut s = NetSpec::new("S", &["x", "y"], e.clone());
        s.eps = Some(ratio(1, 8));
        let c = build(&s).unwrap();
        let t = tri([[0, 0], [4, 1], [1, 3]], 4);
        let ex = examine(&c.net, &c.spec.target, &t).unwrap();
        for x in points(&t, 5) {
            let point: Vec<Interval> = x.iter().cloned().map(Interval::point).collect();
            let f = e.range(&point, 96).unwrap();
            let err = Interval::point(crate::eval::eval(&c.net, &x)).sub(&f);
            assert!(err.mig() <= ex.upper, "{x:?}");
        }
    }
}
