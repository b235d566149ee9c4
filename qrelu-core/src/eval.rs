//! The reference evaluator: the meaning of a [`Net`], in any number type
//! [`Scalar`] — exact rationals ([`Exact`], the compiler's own reference,
//! against which generated code is checked), `f64` or `f32` (summing in
//! the order the generated code sums), or any other `Scalar` (the
//! certificates evaluate pieces of the network with one). One evaluator
//! serves the core, the tests and the studies.
//!
//! [`Evaluator`] converts the parameters to the number type once, for many
//! points; [`eval`] evaluates exactly on the network's own rationals
//! (nothing converted), [`eval_f64`] at one point in `f64`. Both run the
//! same topological loop.

use num_traits::Zero;
use qrelu_runtime::{CheckError, Exact, Scalar};

use crate::certify::Evaluate;

use crate::net::{Edge, Net, UnitKind};
use crate::rational::Rational;

/// A network with its parameters converted to `T` once (module docs).
#[derive(Clone, Debug)]
pub struct Evaluator<T> {
    /// per unit: `Err(i)` for input `i`, else its bias and edges
    units: Vec<Result<Affine<T>, usize>>,
    output: Affine<T>,
    dim: usize,
}

/// A bias and `(source, weight)` edges in `T`.
type Affine<T> = (T, Vec<(usize, T)>);

fn convert<T: Scalar>(bias: &Rational, edges: &[Edge]) -> Affine<T> {
    (
        T::from_exact(bias),
        edges
            .iter()
            .map(|e| (e.src, T::from_exact(&e.weight)))
            .collect(),
    )
}

/// Where an evaluation reads the network's parameters in `T`: converted
/// once ([`Evaluator`]), or — for exact evaluation — the network's own
/// rationals, borrowed.
trait Parameters<T> {
    /// Unit `u`'s input index, for an input unit.
    fn input(&self, u: usize) -> Option<usize>;
    /// `bias + Σ w·values[src]` of unit `u` (`None`: the output unit), in
    /// the order of the edges: `fma` steps, the same plain multiply-then-add
    /// the generated code performs (no fused operations).
    fn affine(&self, u: Option<usize>, values: &[T]) -> T;
    /// Number of units.
    fn len(&self) -> usize;
}

impl<T: Scalar> Parameters<T> for Evaluator<T> {
    fn input(&self, u: usize) -> Option<usize> {
        self.units[u].as_ref().err().copied()
    }

    fn affine(&self, u: Option<usize>, values: &[T]) -> T {
        let (bias, edges) = match u {
            Some(u) => match &self.units[u] {
                Ok(a) => a,
                Err(_) => return T::zero(),
            },
            None => &self.output,
        };
        edges
            .iter()
            .fold(bias.clone(), |acc, (src, w)| acc.fma(w, &values[*src]))
    }

    fn len(&self) -> usize {
        self.units.len()
    }
}

impl Parameters<Exact> for Net {
    fn input(&self, u: usize) -> Option<usize> {
        match self.units()[u].kind {
            UnitKind::Input { index } => Some(index),
            UnitKind::Relu { .. } => None,
        }
    }

    fn affine(&self, u: Option<usize>, values: &[Exact]) -> Exact {
        let (bias, edges) = match u.map(|u| &self.units()[u].kind) {
            Some(UnitKind::Relu { bias, inputs }) => (bias, inputs.as_slice()),
            Some(UnitKind::Input { .. }) => return <Exact as Zero>::zero(),
            None => (&self.output().bias, self.output().inputs.as_slice()),
        };
        edges
            .iter()
            .fold(bias.clone(), |acc, e| acc.fma(&e.weight, &values[e.src]))
    }

    fn len(&self) -> usize {
        self.units().len()
    }
}

/// The value of every unit at `x`, in unit order: inputs read from `x`,
/// hidden units `relu(affine)` in topological order.
fn values<T: Scalar, P: Parameters<T>>(p: &P, x: &[T]) -> Vec<T> {
    let mut values: Vec<T> = Vec::with_capacity(p.len());
    for u in 0..p.len() {
        let v = match p.input(u) {
            Some(i) => x[i].clone(),
            None => p.affine(Some(u), &values).relu(),
        };
        values.push(v);
    }
    values
}

impl<T: Scalar> Evaluator<T> {
    /// The parameters of `net`, converted to `T` ([`Scalar::from_exact`]).
    pub fn new(net: &Net) -> Self {
        let units = net
            .units()
            .iter()
            .map(|u| match &u.kind {
                UnitKind::Input { index } => Err(*index),
                UnitKind::Relu { bias, inputs } => Ok(convert(bias, inputs)),
            })
            .collect();
        let out = net.output();
        Evaluator {
            units,
            output: convert(&out.bias, &out.inputs),
            dim: net.dim(),
        }
    }

    /// The value of every unit at `x`, in unit order.
    ///
    /// # Panics
    /// If `x.len()` differs from the number of inputs (see
    /// [`Evaluate::eval`] for the checked form).
    pub fn unit_values(&self, x: &[T]) -> Vec<T> {
        assert_eq!(x.len(), self.dim, "wrong number of inputs");
        values(self, x)
    }

    /// The network's output at `x`.
    ///
    /// # Panics
    /// If `x.len()` differs from the number of inputs.
    pub fn at(&self, x: &[T]) -> T {
        self.affine(None, &self.unit_values(x))
    }
}

impl Evaluate for Net {
    /// The output at `x` in `T`, parameters converted at every call (use an
    /// [`Evaluator`] for many points).
    fn eval<T: Scalar>(&self, x: &[T]) -> Result<T, CheckError> {
        if x.len() != self.dim() {
            return Err(CheckError::Dimension {
                expected: self.dim(),
                found: x.len(),
            });
        }
        Ok(Evaluator::<T>::new(self).at(x))
    }
}

/// The value of every unit at `x`, in unit order, exactly.
///
/// # Panics
/// If `x.len()` differs from the number of inputs.
pub fn unit_values(net: &Net, x: &[Rational]) -> Vec<Rational> {
    assert_eq!(x.len(), net.dim(), "wrong number of inputs");
    values(net, x)
}

/// The network's output at `x`, exactly.
///
/// # Panics
/// If `x.len()` differs from the number of inputs.
///
/// ```
/// use qrelu_core::{eval, gadget, rational::ratio};
/// let net = gadget::square::network(3, qrelu_core::quantize::Codebook::nonlinear(2, 8).unwrap()).unwrap();
/// assert_eq!(eval::eval(&net, &[ratio(3, 8)]), ratio(9, 64));
/// ```
pub fn eval(net: &Net, x: &[Rational]) -> Rational {
    net.affine(None, &unit_values(net, x))
}

/// The network's output at `x` in `f64`, summing in the same order as the
/// generated code (plain multiply then add, no fused operations).
///
/// # Panics
/// If `x.len()` differs from the number of inputs.
pub fn eval_f64(net: &Net, x: &[f64]) -> f64 {
    Evaluator::<f64>::new(net).at(x)
}
