//! The certified sup error against a target that is not a polynomial:
//! branch and bound over the network's affine pieces with the rigorous
//! enclosures of [`crate::expr`].
//!
//! On a piece `[x0, x1]` where the network is `ℓ(x) = a·x + c`, the error
//! `e = ℓ − f` is enclosed in the mean-value form
//!
//! ```text
//! e([x0, x1]) ⊆ e(m) + (a − F′([x0, x1]))·[x0 − m, x1 − m],   m = (x0 + x1)/2
//! ```
//!
//! (`F′` an enclosure of f′ over the piece, `e(m)` of a point), or — where
//! f′ has no enclosure (`sqrt` at 0) — in `ℓ([x0, x1]) − F([x0, x1])`. Its
//! magnitude is an **upper** bound of `sup |e|` on the piece; the
//! **lower** bound is the smallest `|e(x)|` enclosed at the ends and the
//! midpoint of every piece looked at, attained at `worst_x`. The piece
//! with the largest upper bound is bisected until the largest upper bound
//! is within the relative gap of the lower bound (default 1%) *and* the
//! a-priori bound is decided (proved, or refuted at a point), or the box
//! budget is spent: the answer is then still a proof, with a wider gap.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::Instant;

use num_traits::Zero;
use qrelu_runtime::Exact;

use super::Certified;
use crate::expr::Expr;
use crate::interval::Interval;

/// Working precision of the enclosures (bits).
const PRECISION: u32 = 128;

/// The relative gap `(upper − lower)/upper` the refinement stops at.
pub const DEFAULT_GAP: (i64, i64) = (1, 100);

/// The most pieces bisected before the check stops with a wider gap.
pub const MAX_BOXES: usize = 50_000;

/// One piece of the sweep and its upper bound, ordered by the bound and,
/// among equal bounds, first come first served: an error that is the same
/// on many pieces (a constant target against a constant network) is then
/// refined breadth first, and the pieces' ends keep short denominators,
/// instead of one piece being halved thousands of times.
struct Box1 {
    upper: Exact,
    /// the order of insertion
    seq: usize,
    x0: Exact,
    x1: Exact,
    a: Exact,
    c: Exact,
}

impl PartialEq for Box1 {
    fn eq(&self, o: &Self) -> bool {
        self.upper == o.upper && self.seq == o.seq
    }
}
impl Eq for Box1 {}
impl PartialOrd for Box1 {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Box1 {
    fn cmp(&self, o: &Self) -> Ordering {
        self.upper.cmp(&o.upper).then(o.seq.cmp(&self.seq))
    }
}

/// The lower bound found so far and where.
struct Best {
    x: Exact,
    network: Exact,
    target: Exact,
    lower: Exact,
}

/// The check of one network against an expression (module docs).
pub(super) struct ExprCheck<'a> {
    f: &'a Expr,
    bound: &'a Exact,
    heap: BinaryHeap<Box1>,
    /// pieces pushed so far
    pushed: usize,
    best: Option<Best>,
    /// a piece without any enclosure of the error (never for a target the
    /// DSL accepted: it is proved defined on the domain)
    stuck: bool,
    /// the rational kinks of the target (`abs`, `min`, `max` of affine
    /// arguments), where no derivative enclosure is tight
    kinks: Vec<Exact>,
}

impl<'a> ExprCheck<'a> {
    pub(super) fn new(f: &'a Expr, bound: &'a Exact) -> Self {
        ExprCheck {
            f,
            bound,
            heap: BinaryHeap::new(),
            pushed: 0,
            best: None,
            stuck: false,
            kinks: kinks(f),
        }
    }

    /// `f(x)` enclosed.
    fn at(&self, x: &Exact) -> Option<Interval> {
        self.f.range(&[Interval::point(x.clone())], PRECISION).ok()
    }

    /// Updates the lower bound with the point `x` of the line `a·x + c`.
    fn look(&mut self, x: &Exact, a: &Exact, c: &Exact) {
        let Some(fx) = self.at(x) else { return };
        let net = a * x + c;
        let e = Interval::point(net.clone()).sub(&fx);
        let lower = e.mig();
        if self.best.as_ref().is_none_or(|b| lower > b.lower) {
            self.best = Some(Best {
                x: x.clone(),
                network: net,
                target: fx.mid(),
                lower,
            });
        }
    }

    /// The upper bound of `|a·x + c − f|` on `[x0, x1]` (module docs).
    fn upper(&self, x0: &Exact, x1: &Exact, a: &Exact, c: &Exact) -> Option<Exact> {
        let piece = Interval::hull_of(x0.clone(), x1.clone());
        let m = piece.mid();
        let by_slope = (|| {
            let d = self
                .f
                .derivatives(std::slice::from_ref(&piece), 1, PRECISION)
                .ok()?;
            let f1 = d.into_iter().find(|(k, _)| k[0] == 1)?.1;
            let em = Interval::point(a * &m + c).sub(&self.at(&m)?);
            let spread = Interval::point(a.clone())
                .sub(&f1)
                .mul(&piece.sub(&Interval::point(m.clone())));
            Some(em.add(&spread).mag())
        })();
        let by_range = (|| {
            let line = Interval::hull_of(a * x0 + c, a * x1 + c);
            let f = self.f.range(std::slice::from_ref(&piece), PRECISION).ok()?;
            Some(line.sub(&f).mag())
        })();
        match (by_slope, by_range) {
            (Some(u), Some(v)) => Some(u.min(v)),
            (u, v) => u.or(v),
        }
    }

    fn push(&mut self, x0: Exact, x1: Exact, a: Exact, c: Exact) {
        let m = (&x0 + &x1) / Exact::from_integer(2.into());
        self.look(&m, &a, &c);
        match self.upper(&x0, &x1, &a, &c) {
            Some(upper) => self.heap.push(Box1 {
                upper,
                seq: {
                    self.pushed += 1;
                    self.pushed
                },
                x0,
                x1,
                a,
                c,
            }),
            None => self.stuck = true,
        }
    }

    /// One affine piece of the sweep, split at the target's kinks inside.
    pub(super) fn piece(&mut self, x0: &Exact, x1: &Exact, a: &Exact, c: &Exact) {
        self.look(x0, a, c);
        self.look(x1, a, c);
        let mut start = x0.clone();
        let inside: Vec<Exact> = self
            .kinks
            .iter()
            .filter(|k| *k > x0 && *k < x1)
            .cloned()
            .collect();
        for k in &inside {
            self.look(k, a, c);
            self.push(start, k.clone(), a.clone(), c.clone());
            start = k.clone();
        }
        self.push(start, x1.clone(), a.clone(), c.clone());
    }

    /// Refines (module docs) and returns the certificate; `None` if a piece
    /// has no enclosure. Past `deadline` the refinement stops with a wider
    /// (still proved) gap, as when the box budget is spent.
    pub(super) fn finish(mut self, pieces: usize, deadline: Option<Instant>) -> Option<Certified> {
        let gap = Exact::new(DEFAULT_GAP.0.into(), DEFAULT_GAP.1.into());
        let mut boxes = 0;
        while let Some(top) = self.heap.peek() {
            let lower = self
                .best
                .as_ref()
                .map_or_else(Exact::zero, |b| b.lower.clone());
            // close enough, and the bound decided: proved, or refuted at a point
            let close = &top.upper - &lower <= &gap * &top.upper;
            let decided = top.upper <= *self.bound || lower > *self.bound;
            let done = close && decided;
            let late = deadline.is_some_and(|d| Instant::now() >= d);
            if done || boxes >= MAX_BOXES || late || top.x1 == top.x0 {
                break;
            }
            let Box1 { x0, x1, a, c, .. } = self.heap.pop()?;
            let m = (&x0 + &x1) / Exact::from_integer(2.into());
            self.push(x0, m.clone(), a.clone(), c.clone());
            self.push(m, x1, a, c);
            boxes += 1;
        }
        if self.stuck {
            return None;
        }
        let best = self.best?;
        let upper = self
            .heap
            .peek()
            .map_or_else(|| best.lower.clone(), |b| b.upper.clone())
            .max(best.lower.clone());
        let holds = upper <= *self.bound;
        Some(Certified {
            worst_x: best.x,
            network: best.network,
            target: best.target,
            error: best.lower.clone(),
            exact: false,
            bound: self.bound.clone(),
            holds,
            attained: false,
            upper,
            pieces,
        })
    }
}

/// The points where an `abs`, `min` or `max` of affine arguments of `x_0`
/// switches: rational, so a piece split there has an exact slope on each
/// side (an error attained on a whole interval is then decided exactly).
fn kinks(f: &Expr) -> Vec<Exact> {
    fn walk(e: &Expr, out: &mut Vec<Exact>) {
        let affine_root = |d: &Expr| {
            let p = d.to_poly(1)?;
            let (a, b) = (p.coefficient(&[1]), p.coefficient(&[0]));
            (p.degree() == 1 && !a.is_zero()).then(|| -b / a)
        };
        match e {
            Expr::Abs(a) => out.extend(affine_root(a)),
            Expr::Min(a, b) | Expr::Max(a, b) => {
                out.extend(affine_root(&Expr::Sub(a.clone(), b.clone())));
            }
            _ => {}
        }
        for c in e.children() {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    walk(f, &mut out);
    out.sort();
    out.dedup();
    out
}
