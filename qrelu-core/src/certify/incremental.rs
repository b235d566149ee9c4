//! The fast sweep: the affine pieces of a recorded network ([`Tape`]) left
//! to right, updating at each breakpoint only the units that change.
//!
//! **State.** On the current piece `[x0, x1]` every unit `u` has an exact
//! affine pre-activation `z_u(x) = a_u·x + c_u` and, if it is a ReLU, a
//! state: active (its value is `z_u`) or not (its value is 0) — the state
//! it has on `(x0, x0 + δ)` for small δ > 0, as in
//! [`super::piece::Piece`]: active iff `z_u(x0) > 0`, or `z_u(x0) = 0`
//! and `a_u > 0`.
//!
//! **Events.** A ReLU's state can change right of `x0` only at the root
//! `r_u = −c_u/a_u` of its pre-activation, and only if it heads there:
//! active and falling, or inactive and rising — exactly when
//! `r_u > x0` ([`super::piece`] shows the same). These roots wait in a
//! priority queue; the piece ends at the smallest, `x1`, or at the end of
//! the domain.
//!
//! **Update.** At `x1` the ReLUs with an event there are re-decided, and
//! whatever changes propagates forward in topological order: a unit's
//! pre-activation changes by `Σ w·Δ(source)` over the sources that
//! changed (exact deltas, no re-evaluation of the unchanged sources), and
//! a ReLU whose pre-activation changed is re-decided at `x1` and its
//! event recomputed. A ReLU whose pre-activation did not change and that
//! has no event at `x1` keeps its state: its pre-activation does not
//! cross 0 at `x1`. So after the update every unit holds its exact piece
//! on `[x1, ·)`, the same as a full evaluation at `x1` would give, and
//! the work per breakpoint is the size of the part of the network that
//! actually changes there.
//!
//! All arithmetic is exact (num-rational, through the dyadic shortcuts of
//! [`super::piece`]); nothing is rounded.

use core::cmp::Ordering;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::vec::Vec;

use num_traits::{One, Signed, Zero};
use qrelu_runtime::Exact;

use super::piece::{add, cmp, mul, sign_of_affine};
use super::trace::Tape;

/// An exact affine function `a·x + c`.
#[derive(Clone, Debug, Default)]
struct Line {
    a: Exact,
    c: Exact,
}

impl Line {
    fn is_zero(&self) -> bool {
        self.a.is_zero() && self.c.is_zero()
    }

    /// `self += w·d`.
    fn add_scaled(&mut self, w: &Exact, d: &Line) {
        if w.is_one() {
            self.a = add(&self.a, &d.a);
            self.c = add(&self.c, &d.c);
        } else if !w.is_zero() {
            self.a = add(&self.a, &mul(w, &d.a));
            self.c = add(&self.c, &mul(w, &d.c));
        }
    }
}

/// A queued root, ordered by [`cmp`]: a fraction with a positive
/// denominator, not necessarily in lowest terms (reducing every root
/// would cost a gcd; only the ones that end a piece are reduced).
#[derive(Clone, Debug)]
struct Key(Exact);

impl PartialEq for Key {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o).is_eq()
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Key {
    fn cmp(&self, o: &Self) -> Ordering {
        cmp(&self.0, &o.0)
    }
}

/// The sweep's state on the current piece (module docs).
pub(crate) struct Incremental<'t> {
    tape: &'t Tape,
    /// per unit: its pre-activation on the current piece
    pre: Vec<Line>,
    /// per unit: whether its value is `pre` (always, but for inactive ReLUs)
    active: Vec<bool>,
    /// per unit: the version of its queued event (older entries are stale)
    version: Vec<u32>,
    /// per unit: whether it has a live event in the queue
    queued: Vec<bool>,
    /// per unit: the change of its pre-activation not yet applied
    delta: Vec<Line>,
    /// per unit: whether it waits in `dirty`
    marked: Vec<bool>,
    /// units to update, smallest index first
    dirty: BinaryHeap<Reverse<usize>>,
    /// the users of each unit, `(user, weight)`, as ranges of `edges`
    users: Vec<core::ops::Range<usize>>,
    edges: Vec<(usize, Exact)>,
    /// the ReLU roots right of the current point: `(root, unit, version)`
    events: BinaryHeap<Reverse<(Key, usize, u32)>>,
    /// live entries of `events`
    live: usize,
    /// the left end of the current piece
    x0: Exact,
    /// 0, the value of an inactive output
    zero: Exact,
}

impl<'t> Incremental<'t> {
    /// Every unit evaluated on the piece right of `x0`.
    pub(crate) fn new(tape: &'t Tape, x0: &Exact) -> Self {
        let n = tape.units.len();
        let mut counts = vec![0_usize; n + 1];
        for unit in &tape.units {
            for &(src, _) in &unit.terms {
                counts[src + 1] += 1;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let users: Vec<_> = (0..n).map(|i| counts[i]..counts[i + 1]).collect();
        let mut fill: Vec<usize> = counts[..n].to_vec();
        let mut edges = vec![(0, Exact::zero()); counts[n]];
        for (u, unit) in tape.units.iter().enumerate() {
            for (src, w) in &unit.terms {
                edges[fill[*src]] = (u, w.clone());
                fill[*src] += 1;
            }
        }
        let mut sweep = Incremental {
            tape,
            pre: vec![Line::default(); n],
            active: vec![true; n],
            version: vec![0; n],
            queued: vec![false; n],
            delta: vec![Line::default(); n],
            marked: vec![false; n],
            dirty: BinaryHeap::new(),
            users,
            edges,
            events: BinaryHeap::new(),
            live: 0,
            x0: x0.clone(),
            zero: Exact::zero(),
        };
        sweep.pre[Tape::INPUT] = Line {
            a: Exact::one(),
            c: Exact::zero(),
        };
        for u in 1..n {
            let unit = &tape.units[u];
            let mut z = Line {
                a: Exact::zero(),
                c: unit.bias.clone(),
            };
            for (src, w) in &unit.terms {
                if sweep.active[*src] {
                    z.add_scaled(w, &sweep.pre[*src]);
                }
            }
            sweep.pre[u] = z;
            if unit.relu {
                sweep.decide(u);
            }
        }
        sweep
    }

    /// The current piece: `(x0, end, a, c)` with the network equal to
    /// `a·x + c` on `[x0, end]`; `end` is `None` when no unit switches
    /// right of `x0`.
    pub(crate) fn piece(&mut self) -> (&Exact, Option<&Exact>, &Exact, &Exact) {
        self.drop_stale();
        let out = self.tape.output();
        let end = self.events.peek().map(|Reverse((k, _, _))| &k.0);
        let line = &self.pre[out];
        if self.active[out] {
            (&self.x0, end, &line.a, &line.c)
        } else {
            (&self.x0, end, &self.zero, &self.zero)
        }
    }

    /// Moves to the next piece, which starts at the smallest event `x1`
    /// (the end of [`Incremental::piece`]); false if there is none.
    pub(crate) fn advance(&mut self) -> bool {
        self.drop_stale();
        let Some(Reverse((Key(x1), _, _))) = self.events.peek() else {
            return false;
        };
        self.x0 = x1.clone();
        while let Some(Reverse((k, u, v))) = self.events.peek() {
            if cmp(&k.0, &self.x0).is_ne() {
                break;
            }
            let (u, v) = (*u, *v);
            self.events.pop();
            if self.version[u] == v && self.queued[u] {
                self.queued[u] = false;
                self.live -= 1;
                self.mark(u);
            }
        }
        while let Some(Reverse(u)) = self.dirty.pop() {
            self.marked[u] = false;
            self.update(u);
        }
        if self.events.len() > 2 * self.live + 1024 {
            self.compact();
        }
        true
    }

    fn mark(&mut self, u: usize) {
        if !self.marked[u] {
            self.marked[u] = true;
            self.dirty.push(Reverse(u));
        }
    }

    /// Applies the pending change of `u`'s pre-activation, re-decides a
    /// ReLU at `x0`, and passes the change of its value to its users.
    fn update(&mut self, u: usize) {
        let was_active = self.active[u];
        let d = core::mem::take(&mut self.delta[u]);
        let changed = !d.is_zero();
        let old = if changed && self.tape.units[u].relu && was_active {
            Some(self.pre[u].clone())
        } else {
            None
        };
        if changed {
            let z = &mut self.pre[u];
            z.a = add(&z.a, &d.a);
            z.c = add(&z.c, &d.c);
        }
        let out = if self.tape.units[u].relu {
            self.decide(u);
            match (was_active, self.active[u]) {
                (true, true) => d,
                (false, false) => return,
                (false, true) => self.pre[u].clone(),
                (true, false) => {
                    let z = old.unwrap_or_else(|| self.pre[u].clone());
                    Line { a: -z.a, c: -z.c }
                }
            }
        } else {
            d
        };
        if out.is_zero() {
            return;
        }
        let Incremental {
            users,
            edges,
            delta,
            marked,
            dirty,
            ..
        } = self;
        for (user, w) in &edges[users[u].clone()] {
            delta[*user].add_scaled(w, &out);
            if !marked[*user] {
                marked[*user] = true;
                dirty.push(Reverse(*user));
            }
        }
    }

    /// A ReLU's state right of `x0` and its next event.
    fn decide(&mut self, u: usize) {
        let z = &self.pre[u];
        let v0 = sign_of_affine(&z.a, &self.x0, &z.c);
        let rising = z.a.is_positive();
        let falling = z.a.is_negative();
        let active = v0.is_gt() || (v0.is_eq() && rising);
        self.active[u] = active;
        self.version[u] = self.version[u].wrapping_add(1);
        if self.queued[u] {
            self.queued[u] = false;
            self.live -= 1;
        }
        if (active && falling) || (!active && rising) {
            // −c/a, with the sign moved to the numerator
            let root = if z.a.is_negative() {
                Exact::new_raw(z.c.numer() * z.a.denom(), z.c.denom() * -z.a.numer())
            } else {
                Exact::new_raw(-(z.c.numer() * z.a.denom()), z.c.denom() * z.a.numer())
            };
            self.events.push(Reverse((Key(root), u, self.version[u])));
            self.queued[u] = true;
            self.live += 1;
        }
    }

    /// Drops stale events from the top of the queue and puts the root at
    /// the top in lowest terms.
    fn drop_stale(&mut self) {
        while let Some(Reverse((_, u, v))) = self.events.peek() {
            if self.queued[*u] && self.version[*u] == *v {
                break;
            }
            self.events.pop();
        }
        if let Some(mut top) = self.events.peek_mut() {
            let key = &mut top.0.0.0;
            // the same value, so the queue's order is kept
            let reduced = Exact::new(key.numer().clone(), key.denom().clone());
            *key = reduced;
        }
    }

    /// Rebuilds the queue from its live events.
    fn compact(&mut self) {
        let events = core::mem::take(&mut self.events).into_vec();
        self.events = events
            .into_iter()
            .filter(|Reverse((_, u, v))| self.queued[*u] && self.version[*u] == *v)
            .collect();
    }
}
