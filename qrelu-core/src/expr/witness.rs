//! Where an undefined sub-expression fails: a proved point (or segment)
//! for the compiler's refusal message.
//!
//! An [`EnclosureError`] says only that the enclosure of an argument
//! reaches outside a function's domain over the whole box, which may be the
//! enclosure's overestimation. [`Expr::witness`] searches the box for a
//! proof that the failure is real, to say *where*: a rational point at which
//! the argument's enclosure lies outside the domain (`log` of something
//! `≤ 0`, `sqrt` of something `< 0`, a denominator that is exactly 0), or a
//! segment between two grid points on which the argument is defined and
//! continuous (its enclosure over the segment succeeds) and changes sign,
//! so that it vanishes there by the intermediate value theorem. The search
//! visits the corners and then finer dyadic grids of the box, up to
//! [`WITNESS_POINTS`] points.

use num_traits::{Signed, Zero};

use super::{EnclosureError, Expr, Undefined};
use crate::interval::Interval;
use crate::interval::elementary::DomainError;
use crate::rational::{Rational, int, pow2};

/// The most grid points [`Expr::witness`] evaluates.
pub const WITNESS_POINTS: usize = 4096;

/// A proof that a sub-expression is undefined somewhere in the box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Witness {
    /// At this point the argument (or denominator) is outside the domain;
    /// its enclosure there is given.
    At(Vec<Rational>, Interval),
    /// The argument is continuous on the segment between the two points and
    /// has opposite signs at its ends: it vanishes on the segment.
    Between(Vec<Rational>, Vec<Rational>),
}

impl Expr {
    /// A proved location of the failure `err` (from [`Expr::range`] over the
    /// box `x`), or `None` if the search finds none (the argument may then
    /// touch the boundary of the domain only at irrational points, or the
    /// failure may be the enclosure's overestimation).
    pub fn witness(&self, x: &[Interval], err: &EnclosureError) -> Option<Witness> {
        let node = self.at(&err.path)?;
        let arg = match node {
            Expr::Call(_, a) => &**a,
            Expr::Div(_, d) => &**d,
            _ => return None,
        };
        let outside = |v: &Interval| match &err.kind {
            Undefined::Domain(DomainError::LogNotPositive) => !v.hi().is_positive(),
            Undefined::Domain(DomainError::SqrtNegative) => v.hi().is_negative(),
            Undefined::Domain(DomainError::ExpTooLarge) => {
                *v.lo() > crate::rational::int(crate::interval::elementary::EXP_LIMIT)
            }
            Undefined::Denominator => v.lo().is_zero() && v.hi().is_zero(),
        };
        let d = x.len();
        let mut level = 0u32;
        loop {
            let per_side = (1usize << level) + 1;
            let total = per_side.checked_pow(u32::try_from(d).ok()?)?;
            if total > WITNESS_POINTS {
                return None;
            }
            let points = grid(x, level);
            let values: Vec<Option<Interval>> = points
                .iter()
                .map(|pt| {
                    let b: Vec<Interval> = pt.iter().cloned().map(Interval::point).collect();
                    arg.range(&b, 64).ok()
                })
                .collect();
            for (pt, v) in points.iter().zip(&values) {
                if let Some(v) = v
                    && outside(v)
                {
                    return Some(Witness::At(pt.clone(), v.clone()));
                }
            }
            if let Some(w) = sign_change(arg, &points, &values, per_side, d) {
                return Some(w);
            }
            level += 1;
        }
    }
}

/// The points of the grid with `2^level + 1` points per side, row-major.
fn grid(x: &[Interval], level: u32) -> Vec<Vec<Rational>> {
    let n = 1i64 << level;
    let mut out = vec![vec![]];
    for side in x {
        let step = side.width() * pow2(-i64::from(level));
        let mut next = vec![];
        for prefix in &out {
            for k in 0..=n {
                let mut p = prefix.clone();
                p.push(side.lo() + &step * int(k));
                next.push(p);
            }
        }
        out = next;
    }
    out
}

/// Two neighbouring grid points (along one axis) with proved opposite signs
/// of `arg`, which is defined over the segment between them.
fn sign_change(
    arg: &Expr,
    points: &[Vec<Rational>],
    values: &[Option<Interval>],
    per_side: usize,
    d: usize,
) -> Option<Witness> {
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        for axis in 0..d {
            // the index stride of `axis` in the row-major grid
            let stride = per_side.pow(u32::try_from(d - 1 - axis).ok()?);
            if (i / stride) % per_side + 1 >= per_side {
                continue;
            }
            let j = i + stride;
            let Some(w) = &values[j] else { continue };
            let opposite =
                (v.is_positive() && w.is_negative()) || (v.is_negative() && w.is_positive());
            if !opposite {
                continue;
            }
            let segment: Vec<Interval> = points[i]
                .iter()
                .zip(&points[j])
                .map(|(a, b)| Interval::hull_of(a.clone(), b.clone()))
                .collect();
            if arg.range(&segment, 64).is_ok() {
                return Some(Witness::Between(points[i].clone(), points[j].clone()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::elementary::Elementary;
    use crate::rational::ratio;

    fn b(e: Expr) -> Box<Expr> {
        Box::new(e)
    }

    fn unit(d: usize) -> Vec<Interval> {
        vec![Interval::hull_of(int(0), int(1)); d]
    }

    fn witness(e: &Expr, x: &[Interval]) -> Option<Witness> {
        let err = e.range(x, 64).unwrap_err();
        e.witness(x, &err)
    }

    #[test]
    fn log_of_x_fails_at_zero() {
        let e = Expr::var(0).call(Elementary::Log);
        let w = witness(&e, &unit(1)).unwrap();
        assert_eq!(w, Witness::At(vec![int(0)], Interval::point(int(0))));
    }

    #[test]
    fn sqrt_fails_where_its_argument_is_negative() {
        // sqrt(x - 3/4) + x on [0, 1]: negative at 0
        let e = Expr::Add(
            b(Expr::Sub(b(Expr::var(0)), b(Expr::constant(ratio(3, 4)))).call(Elementary::Sqrt)),
            b(Expr::var(0)),
        );
        let Some(Witness::At(pt, v)) = witness(&e, &unit(1)) else {
            panic!("no point found")
        };
        assert!(v.is_negative(), "{v} at {pt:?}");
    }

    #[test]
    fn denominators_vanish_at_a_point_or_on_a_segment() {
        // 1/(x - y) on the unit square: 0 at the corner (0, 0)
        let e = Expr::Div(
            b(Expr::constant(int(1))),
            b(Expr::Sub(b(Expr::var(0)), b(Expr::var(1)))),
        );
        assert!(matches!(witness(&e, &unit(2)), Some(Witness::At(p, _)) if p[0] == p[1]));
        // 1/(x^2 - 1/2): the root 1/√2 is irrational, found by a sign change
        let e = Expr::Div(
            b(Expr::constant(int(1))),
            b(Expr::Sub(
                b(Expr::Pow(b(Expr::var(0)), 2)),
                b(Expr::constant(ratio(1, 2))),
            )),
        );
        let Some(Witness::Between(a, c)) = witness(&e, &unit(1)) else {
            panic!("no segment found")
        };
        let (a, c) = (&a[0], &c[0]);
        // 1/√2 lies between them: a² < 1/2 < c²
        assert!(a * a < ratio(1, 2) && c * c > ratio(1, 2), "{a} .. {c}");
    }

    #[test]
    fn overestimation_alone_finds_no_witness() {
        // log(x - x + 1) is log(1) everywhere, but its naive enclosure over
        // [0, 1] is log([0, 2]): no point proves a failure
        let e = Expr::Add(
            b(Expr::Sub(b(Expr::var(0)), b(Expr::var(0)))),
            b(Expr::constant(int(1))),
        )
        .call(Elementary::Log);
        assert_eq!(witness(&e, &unit(1)), None);
        // a sign change across a pole is not a zero: 1/(1/(x - 1/3)) on [0, 1]
        let inner = Expr::Div(
            b(Expr::constant(int(1))),
            b(Expr::Sub(b(Expr::var(0)), b(Expr::constant(ratio(1, 3))))),
        );
        let e = Expr::Div(b(Expr::constant(int(1))), b(inner));
        let err = e.range(&unit(1), 64).unwrap_err();
        // the inner denominator fails first; the outer one never vanishes
        assert_eq!(err.path, vec![1]);
        // x - 1/3 changes sign between the corners 0 and 1 (1/3 is never a
        // dyadic grid point)
        let w = e.witness(&unit(1), &err);
        assert_eq!(w, Some(Witness::Between(vec![int(0)], vec![int(1)])));
    }
}
