//! The network's arithmetic, recorded once: evaluating an [`Evaluate`] in
//! the scalar [`Trace`] yields its computation as a [`Tape`] of affine and
//! ReLU steps over the input, which the incremental sweep
//! ([`super::incremental`]) walks instead of evaluating the whole network
//! again on every piece.
//!
//! **Why the tape is the function.** A [`Trace`] is either an exact
//! constant (every operation on constants is carried out exactly, as in
//! [`Exact`]) or a step of the tape; an operation on a step appends a step
//! and returns it. The evaluation can therefore only take a different
//! path at another input if it *observed* an input-dependent value — read
//! it ([`Scalar::to_exact`], [`Scalar::to_f64`]) or compared it — and
//! every such observation marks the recording as unusable. So does a
//! product of two input-dependent values (not piecewise affine) and an
//! evaluation error. A usable tape is a straight-line program computing
//! exactly what [`Evaluate::eval`] computes at every input, and the sweep
//! falls back to evaluating in [`super::piece::Piece`] otherwise.
//!
//! **Which breakpoints count.** The tape keeps every step the output
//! depends on through the data flow — also through a weight 0 — and no
//! other, which is exactly the set of units whose breakpoints split the
//! pieces of the evaluation in [`super::piece::Piece`] (whose right end is
//! the minimum over every operand, multiplied by 0 or not).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::vec::Vec;

use num_traits::{One, Signed, Zero};
use qrelu_runtime::{Exact, Scalar};

use super::Evaluate;
use super::piece::{add, cmp, mul};

/// One unit of a recorded network: `u = bias + Σ w·src`, passed through a
/// ReLU when `relu` is set. The input is the unit with no terms, no ReLU
/// and value `x` ([`Tape::INPUT`]).
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    /// The constant term.
    pub(crate) bias: Exact,
    /// `(source, weight)`: sources are earlier units; the same source may
    /// appear twice and a weight may be 0.
    pub(crate) terms: Vec<(usize, Exact)>,
    /// Whether the unit is `relu(bias + Σ w·src)` rather than the sum.
    pub(crate) relu: bool,
}

/// A recorded network: units in topological order, the input first, the
/// output last, and only units the output depends on.
#[derive(Clone, Debug)]
pub(crate) struct Tape {
    /// Every unit; `units[0]` is the input, the last one the output.
    pub(crate) units: Vec<Unit>,
}

impl Tape {
    /// The index of the input unit.
    pub(crate) const INPUT: usize = 0;

    /// The tape of `f`, or `None` when the recording cannot be trusted
    /// for every input (module docs): the evaluation read or compared an
    /// input-dependent value, multiplied two, or failed.
    pub(crate) fn record<F: Evaluate>(f: &F) -> Option<Tape> {
        Self::record_fn(|x| f.eval(&[x]).ok())
    }

    /// The tape of the one-input function `f` evaluated in [`Trace`].
    fn record_fn(f: impl FnOnce(Trace) -> Option<Trace>) -> Option<Tape> {
        let recorder = Rc::new(Recorder::default());
        recorder.steps.borrow_mut().push(Step::Input);
        let x = Trace::Step(Tracked {
            recorder: recorder.clone(),
            id: 0,
        });
        let out = f(x)?;
        if recorder.spoiled.get() {
            return None;
        }
        let out = match out {
            Trace::Const(k) => recorder.push(Step::Affine(k, Vec::new())),
            Trace::Step(t) if Rc::ptr_eq(&t.recorder, &recorder) => t.id,
            // a step of some other recording: not a function of our input
            Trace::Step(_) => return None,
        };
        let steps = recorder.steps.take();
        Some(flatten(&steps, out))
    }

    /// The output unit's index.
    pub(crate) fn output(&self) -> usize {
        self.units.len() - 1
    }
}

/// A step as recorded: one operation.
#[derive(Debug)]
enum Step {
    Input,
    /// `k + Σ w·src`.
    Affine(Exact, Vec<(usize, Exact)>),
    /// `relu(src)`.
    Relu(usize),
}

/// The steps recorded so far, and whether the recording was spoiled.
#[derive(Default)]
struct Recorder {
    steps: RefCell<Vec<Step>>,
    spoiled: Cell<bool>,
}

impl Recorder {
    fn push(&self, step: Step) -> usize {
        let mut steps = self.steps.borrow_mut();
        steps.push(step);
        steps.len() - 1
    }
}

/// An input-dependent value: a step of a recording.
#[derive(Clone)]
pub(crate) struct Tracked {
    recorder: Rc<Recorder>,
    id: usize,
}

/// The recording scalar (module docs): an exact constant or a step.
#[derive(Clone)]
pub(crate) enum Trace {
    /// A value that does not depend on the input.
    Const(Exact),
    /// The value of a recorded step.
    Step(Tracked),
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trace::Const(k) => write!(f, "Const({k})"),
            Trace::Step(t) => write!(f, "Step({})", t.id),
        }
    }
}

impl Trace {
    /// The recorder of the first step operand, if any.
    fn recorder<'a>(&'a self, other: &'a Trace) -> Option<&'a Rc<Recorder>> {
        match (self, other) {
            (Trace::Step(t), _) | (_, Trace::Step(t)) => Some(&t.recorder),
            _ => None,
        }
    }

    /// Marks the recording unusable (an observation of a step) and
    /// returns `out`.
    fn spoil<T>(&self, other: &Trace, out: T) -> T {
        if let Some(r) = self.recorder(other) {
            r.spoiled.set(true);
        }
        out
    }

    /// `k + Σ w·t` for `(operand, w)` pairs, constants folded into `k`.
    fn affine(k: Exact, parts: &[(&Trace, Exact)]) -> Trace {
        let mut bias = k;
        let mut terms = Vec::with_capacity(parts.len());
        let mut recorder = None;
        for (t, w) in parts {
            match t {
                Trace::Const(v) => bias = add(&bias, &mul(w, v)),
                Trace::Step(s) => {
                    recorder.get_or_insert_with(|| s.recorder.clone());
                    terms.push((s.id, w.clone()));
                }
            }
        }
        match recorder {
            None => Trace::Const(bias),
            Some(recorder) => {
                let id = recorder.push(Step::Affine(bias, terms));
                Trace::Step(Tracked { recorder, id })
            }
        }
    }
}

fn one() -> Exact {
    Exact::one()
}

impl PartialEq for Trace {
    /// Equal constants; comparing a step spoils the recording.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Trace::Const(a), Trace::Const(b)) => a == b,
            _ => self.spoil(other, false),
        }
    }
}

impl PartialOrd for Trace {
    /// Ordered constants; comparing a step spoils the recording.
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        match (self, other) {
            (Trace::Const(a), Trace::Const(b)) => Some(cmp(a, b)),
            _ => self.spoil(other, None),
        }
    }
}

impl Scalar for Trace {
    fn zero() -> Self {
        Trace::Const(Zero::zero())
    }

    fn dyadic(m: i64, e: i32) -> Self {
        Trace::Const(Exact::dyadic(m, e))
    }

    fn ratio(n: i64, d: u64) -> Self {
        Trace::Const(Exact::ratio(n, d))
    }

    fn from_exact(q: &Exact) -> Self {
        Trace::Const(q.clone())
    }

    /// The value of a constant; reading a step spoils the recording.
    fn to_exact(&self) -> Option<Exact> {
        match self {
            Trace::Const(k) => Some(k.clone()),
            Trace::Step(_) => self.spoil(self, None),
        }
    }

    /// The value of a constant; reading a step spoils the recording.
    fn to_f64(&self) -> f64 {
        match self {
            Trace::Const(k) => k.to_f64(),
            Trace::Step(_) => self.spoil(self, f64::NAN),
        }
    }

    fn plus(&self, rhs: &Self) -> Self {
        Trace::affine(Zero::zero(), &[(self, one()), (rhs, one())])
    }

    fn minus(&self, rhs: &Self) -> Self {
        Trace::affine(Zero::zero(), &[(self, one()), (rhs, -one())])
    }

    /// A product with a constant factor; two steps spoil the recording.
    fn times(&self, rhs: &Self) -> Self {
        match (self, rhs) {
            (Trace::Const(a), Trace::Const(b)) => Trace::Const(mul(a, b)),
            (Trace::Const(k), t) | (t, Trace::Const(k)) => {
                Trace::affine(Zero::zero(), &[(t, k.clone())])
            }
            _ => self.spoil(rhs, self.clone()),
        }
    }

    fn negated(&self) -> Self {
        match self {
            Trace::Const(k) => Trace::Const(-k),
            t => Trace::affine(Zero::zero(), &[(t, -one())]),
        }
    }

    fn fma(&self, w: &Self, x: &Self) -> Self {
        match w {
            Trace::Const(k) => Trace::affine(Zero::zero(), &[(self, one()), (x, k.clone())]),
            _ => self.plus(&w.times(x)),
        }
    }

    fn relu(&self) -> Self {
        match self {
            Trace::Const(k) => Trace::Const(if k.is_positive() {
                k.clone()
            } else {
                Zero::zero()
            }),
            Trace::Step(t) => {
                let id = t.recorder.push(Step::Relu(t.id));
                Trace::Step(Tracked {
                    recorder: t.recorder.clone(),
                    id,
                })
            }
        }
    }
}

/// `k + Σ w·unit`: an affine step in terms of units.
type Form = (Exact, Vec<(usize, Exact)>);

/// The units of the steps the output `out` depends on, renumbered in
/// order: an affine step used once by another affine step or a ReLU is
/// merged into it (the chains `b.fma(w1, x1).fma(w2, x2)…` of generated
/// code become one unit), so the tape has about one unit per neuron.
fn flatten(steps: &[Step], out: usize) -> Tape {
    // which steps the output depends on, and how often each is used
    let mut uses = vec![0_usize; steps.len()];
    let mut needed = vec![false; steps.len()];
    needed[out] = true;
    for i in (0..=out).rev() {
        if !needed[i] {
            continue;
        }
        let mut need = |j: usize| {
            needed[j] = true;
            uses[j] += 1;
        };
        match &steps[i] {
            Step::Input => {}
            Step::Affine(_, terms) => terms.iter().for_each(|&(j, _)| need(j)),
            Step::Relu(j) => need(*j),
        }
    }
    // an affine step used once and not the output is merged into its user
    let merged = |j: usize| j != out && uses[j] == 1 && matches!(steps[j], Step::Affine(..));
    let mut units: Vec<Unit> = Vec::new();
    // per step: its unit, or its pending affine form while unmerged
    let mut unit_of = vec![usize::MAX; steps.len()];
    let mut pending: Vec<Option<Form>> = (0..steps.len()).map(|_| None).collect();
    units.push(Unit {
        bias: Zero::zero(),
        terms: Vec::new(),
        relu: false,
    });
    unit_of[0] = Tape::INPUT;
    // the form k + Σ w·src of step `j` scaled by w, in units
    let expand = |j: usize,
                  w: &Exact,
                  pending: &mut [Option<Form>],
                  unit_of: &[usize],
                  bias: &mut Exact,
                  terms: &mut Vec<(usize, Exact)>| {
        if merged(j) {
            let (k, t) = pending[j].take().unwrap_or_default();
            if w.is_one() {
                *bias = add(bias, &k);
                if terms.is_empty() {
                    *terms = t;
                } else {
                    terms.extend(t);
                }
            } else {
                *bias = add(bias, &mul(w, &k));
                terms.extend(t.into_iter().map(|(s, v)| (s, mul(w, &v))));
            }
        } else {
            terms.push((unit_of[j], w.clone()));
        }
    };
    for (i, step) in steps.iter().enumerate().take(out + 1).skip(1) {
        if !needed[i] {
            continue;
        }
        let (mut bias, mut terms) = (<Exact as Zero>::zero(), Vec::new());
        let relu = match step {
            // step 0 alone, skipped
            Step::Input => continue,
            Step::Affine(k, parts) => {
                bias = k.clone();
                for (j, w) in parts {
                    expand(*j, w, &mut pending, &unit_of, &mut bias, &mut terms);
                }
                false
            }
            Step::Relu(j) => {
                expand(*j, &one(), &mut pending, &unit_of, &mut bias, &mut terms);
                true
            }
        };
        if merged(i) {
            pending[i] = Some((bias, terms));
        } else {
            unit_of[i] = units.len();
            units.push(Unit { bias, terms, relu });
        }
    }
    if out == 0 {
        // the output is the input itself
        units.push(Unit {
            bias: Zero::zero(),
            terms: vec![(Tape::INPUT, one())],
            relu: false,
        });
    }
    Tape { units }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrelu_runtime::relu;

    /// The tape of `f`, which must not spoil it.
    fn record(f: impl FnOnce(&Trace) -> Trace) -> Option<Tape> {
        Tape::record_fn(|x| Some(f(&x)))
    }

    fn q(n: i64, d: u64) -> Exact {
        Exact::ratio(n, d)
    }

    #[test]
    fn chains_become_one_unit() {
        // relu(1/2 − x) + 3·relu(x − 1/4) − 1/8
        let t = record(|x: &Trace| {
            let a = relu(&Trace::ratio(1, 2).minus(x));
            let b = relu(&x.minus(&Trace::ratio(1, 4)));
            a.fma(&Trace::dyadic(3, 0), &b).minus(&Trace::ratio(1, 8))
        })
        .expect("a tape");
        assert_eq!(t.units.len(), 4);
        let out = &t.units[3];
        assert!(!out.relu);
        assert_eq!(out.bias, q(-1, 8));
        assert_eq!(out.terms, vec![(1, q(1, 1)), (2, q(3, 1))]);
        assert_eq!(t.units[1].terms, vec![(0, q(-1, 1))]);
        assert_eq!(t.units[1].bias, q(1, 2));
    }

    #[test]
    fn observations_and_products_spoil() {
        assert!(record(|x: &Trace| x.times(x)).is_none());
        assert!(
            record(|x: &Trace| {
                if x.to_exact().is_some() {
                    x.clone()
                } else {
                    Trace::zero()
                }
            })
            .is_none()
        );
        assert!(
            record(|x: &Trace| if *x > Trace::zero() {
                x.clone()
            } else {
                Trace::zero()
            })
            .is_none()
        );
        // constants alone are fine, and so is a weight 0 (it stays)
        let t =
            record(|x: &Trace| Trace::ratio(1, 3).fma(&Trace::zero(), &relu(x))).expect("a tape");
        assert_eq!(t.units.len(), 3);
        assert_eq!(t.units[2].terms, vec![(1, q(0, 1))]);
        // the identity and a constant
        assert_eq!(
            record(|x: &Trace| x.clone()).expect("a tape").units.len(),
            2
        );
        let k = record(|_: &Trace| Trace::ratio(2, 3)).expect("a tape");
        assert_eq!((k.units.len(), &k.units[1].bias), (2, &q(2, 3)));
    }

    #[test]
    fn shared_sums_stay_units() {
        // s = x − 1/2 feeds two ReLUs: it stays a unit of its own
        let t = record(|x: &Trace| {
            let s = x.minus(&Trace::ratio(1, 2));
            relu(&s).plus(&relu(&s.negated()))
        })
        .expect("a tape");
        assert_eq!(t.units.len(), 5);
        assert!(!t.units[1].relu && t.units[2].relu && t.units[3].relu);
        assert_eq!(t.units[3].terms, vec![(1, q(-1, 1))]);
    }
}
