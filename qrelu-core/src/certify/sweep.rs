//! The left-to-right sweep of a 1-D network's affine pieces, with its
//! budget and progress reports ([`SweepOptions`]).
//!
//! Two engines produce the same pieces: the **incremental** one
//! ([`super::incremental`]) walks the network's recorded arithmetic
//! ([`super::trace`]) and updates only what changes at each breakpoint;
//! the **generic** one evaluates the whole network in
//! [`Piece`] once per piece. The first is used whenever the
//! recording is usable — every network made of sums, constant multiples
//! and ReLUs, as generated code and [`crate::Net`] are — and the second
//! otherwise, so any [`Evaluate`] is swept exactly as before.

use std::rc::Rc;
use std::time::{Duration, Instant};

use qrelu_runtime::{CheckError, Exact, Scalar};

use super::Evaluate;
use super::incremental::Incremental;
use super::piece::Piece;
use super::trace::Tape;

/// How a 1-D certified check sweeps and when it gives up — the 1-D
/// counterpart of [`super::Options`]. A budget that runs out ends the
/// check with [`CheckError::BudgetExhausted`], which says how many pieces
/// were swept and how far; nothing is claimed about the sup then.
pub struct SweepOptions<'a> {
    /// sweep at most this many pieces (default [`SweepOptions::MAX_PIECES`],
    /// 2^22: far more than any network within the default `max_weights`
    /// has, far fewer than `x^2` at `r = 32`)
    pub max_pieces: usize,
    /// stop after this much time (default: no limit)
    pub max_time: Option<Duration>,
    /// called every [`SweepOptions::every`] pieces with the state reached
    pub progress: Option<&'a mut dyn FnMut(&SweepProgress)>,
    /// how often `progress` is called, in pieces (default 10,000)
    pub every: usize,
}

impl SweepOptions<'_> {
    /// The default piece budget, 2^22.
    pub const MAX_PIECES: usize = 1 << 22;
}

impl Default for SweepOptions<'_> {
    fn default() -> Self {
        SweepOptions {
            max_pieces: Self::MAX_PIECES,
            max_time: None,
            progress: None,
            every: 10_000,
        }
    }
}

/// What [`SweepOptions::progress`] is told.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SweepProgress {
    /// pieces swept and checked so far
    pub pieces: usize,
    /// the domain `[lo, hi]`
    pub domain: (Exact, Exact),
    /// the sweep has covered `[lo, reached]`
    pub reached: Exact,
    /// time since the sweep started
    pub elapsed: Duration,
}

/// The budget of one sweep.
struct Budget<'o, 'a> {
    options: &'o mut SweepOptions<'a>,
    start: Instant,
    lo: &'o Exact,
    hi: &'o Exact,
}

impl Budget<'_, '_> {
    /// Called before the piece after `pieces` pieces, which starts at
    /// `x0`: an error if the budget is spent, a report if one is due.
    fn next(&mut self, pieces: usize, x0: &Exact) -> Result<(), CheckError> {
        let out_of_time = self
            .options
            .max_time
            .is_some_and(|t| self.start.elapsed() >= t);
        if pieces >= self.options.max_pieces || out_of_time {
            return Err(CheckError::BudgetExhausted {
                pieces,
                reached: x0.to_f64(),
            });
        }
        let every = self.options.every;
        if let Some(report) = self.options.progress.as_mut()
            && every > 0
            && pieces > 0
            && pieces % every == 0
        {
            report(&SweepProgress {
                pieces,
                domain: (self.lo.clone(), self.hi.clone()),
                reached: x0.clone(),
                elapsed: self.start.elapsed(),
            });
        }
        Ok(())
    }
}

/// Calls `visit(x0, x1, a, c)` for every piece [x0, x1] of the 1-D function
/// `f` on [lo, hi], left to right, where it equals a·x + c; returns the
/// number of pieces. Incremental when `f` records ([`super::trace`]),
/// generic otherwise (module docs); the pieces are the same.
pub(crate) fn sweep<F: Evaluate>(
    f: &F,
    lo: &Exact,
    hi: &Exact,
    options: &mut SweepOptions<'_>,
    visit: impl FnMut(&Exact, &Exact, &Exact, &Exact),
) -> Result<usize, CheckError> {
    let mut budget = Budget {
        options,
        start: Instant::now(),
        lo,
        hi,
    };
    match Tape::record(f) {
        Some(tape) => incremental(&tape, lo, hi, &mut budget, visit),
        None => generic(f, lo, hi, &mut budget, visit),
    }
}

/// The sweep of a recorded network, updating only what changes.
fn incremental(
    tape: &Tape,
    lo: &Exact,
    hi: &Exact,
    budget: &mut Budget<'_, '_>,
    mut visit: impl FnMut(&Exact, &Exact, &Exact, &Exact),
) -> Result<usize, CheckError> {
    let mut pieces = 0;
    let mut state = Incremental::new(tape, lo);
    loop {
        let (x0, end, a, c) = state.piece();
        budget.next(pieces, x0)?;
        pieces += 1;
        let x1 = match end {
            Some(end) if end < hi => end,
            _ => hi,
        };
        visit(x0, x1, a, c);
        if x1 >= hi || !state.advance() {
            return Ok(pieces);
        }
    }
}

/// The sweep by evaluating `f` in [`Piece`] on every piece.
fn generic<F: Evaluate>(
    f: &F,
    lo: &Exact,
    hi: &Exact,
    budget: &mut Budget<'_, '_>,
    mut visit: impl FnMut(&Exact, &Exact, &Exact, &Exact),
) -> Result<usize, CheckError> {
    let mut pieces = 0;
    let mut x0 = lo.clone();
    loop {
        budget.next(pieces, &x0)?;
        let start = Rc::new(x0);
        let piece = f.eval::<Piece>(&[Piece::input(start.clone())])?;
        if piece.is_poisoned() {
            return Err(CheckError::NotAffine);
        }
        pieces += 1;
        let x1 = match piece.end() {
            Some(end) if end < hi => end.clone(),
            _ => hi.clone(),
        };
        debug_assert!(
            *start < x1 || x1 == *hi,
            "a piece must end right of its start"
        );
        visit(&start, &x1, piece.slope(), piece.intercept());
        if x1 >= *hi {
            return Ok(pieces);
        }
        x0 = x1;
    }
}

/// A piece `[x0, x1, a, c]` as the tests collect it.
#[cfg(test)]
pub(crate) type Swept = [Exact; 4];

/// The pieces `(x0, x1, a, c)` of `f` on [lo, hi] by each engine (the
/// incremental one `None` when `f` does not record), for the tests that
/// compare them.
#[cfg(test)]
pub(crate) fn both<F: Evaluate>(
    f: &F,
    lo: &Exact,
    hi: &Exact,
) -> (Option<Vec<Swept>>, Result<Vec<Swept>, CheckError>) {
    let mut options = SweepOptions::default();
    let mut budget = Budget {
        options: &mut options,
        start: Instant::now(),
        lo,
        hi,
    };
    let mut fast = Vec::new();
    let fast = Tape::record(f).map(|tape| {
        incremental(&tape, lo, hi, &mut budget, |x0, x1, a, c| {
            fast.push([x0.clone(), x1.clone(), a.clone(), c.clone()]);
        })
        .expect("no budget is spent");
        fast
    });
    let mut slow = Vec::new();
    let slow = generic(f, lo, hi, &mut budget, |x0, x1, a, c| {
        slow.push([x0.clone(), x1.clone(), a.clone(), c.clone()]);
    })
    .map(|_| slow);
    (fast, slow)
}
