//! The exact reference evaluator: the meaning of a [`Net`], against which
//! generated code is checked.

use num_traits::Zero;

use crate::net::{Edge, Net, UnitKind};
use crate::rational::{self, Rational};

fn affine(bias: &Rational, edges: &[Edge], values: &[Rational]) -> Rational {
    let mut acc = bias.clone();
    for e in edges {
        if !values[e.src].is_zero() {
            acc += &e.weight * &values[e.src];
        }
    }
    acc
}

/// The value of every unit at `x`, in unit order (exact).
///
/// # Panics
/// If `x.len()` differs from the number of inputs.
pub fn unit_values(net: &Net, x: &[Rational]) -> Vec<Rational> {
    assert_eq!(x.len(), net.dim(), "wrong number of inputs");
    let mut values: Vec<Rational> = Vec::with_capacity(net.units.len());
    for unit in &net.units {
        let v = match &unit.kind {
            UnitKind::Input { index } => x[*index].clone(),
            UnitKind::Relu { bias, inputs } => rational::relu(&affine(bias, inputs, &values)),
        };
        values.push(v);
    }
    values
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
    let values = unit_values(net, x);
    affine(&net.output.bias, &net.output.inputs, &values)
}

/// The network's output at `x` in `f64`, summing in the same order as the
/// generated code (plain multiply then add, no fused operations).
pub fn eval_f64(net: &Net, x: &[f64]) -> f64 {
    assert_eq!(x.len(), net.dim(), "wrong number of inputs");
    let mut values: Vec<f64> = Vec::with_capacity(net.units.len());
    let lin = |bias: &Rational, edges: &[Edge], values: &[f64]| {
        let mut acc = rational::to_f64(bias);
        for e in edges {
            acc += rational::to_f64(&e.weight) * values[e.src];
        }
        acc
    };
    for unit in &net.units {
        let v = match &unit.kind {
            UnitKind::Input { index } => x[*index],
            UnitKind::Relu { bias, inputs } => lin(bias, inputs, &values).max(0.0),
        };
        values.push(v);
    }
    lin(&net.output.bias, &net.output.inputs, &values)
}
