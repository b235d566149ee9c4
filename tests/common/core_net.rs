//! A core network as a function the runtime's checks can evaluate; shared
//! by the tests and, through `#[path]`, by the examples.

use qrelu::Scalar;

/// A core network as a one-input function the runtime's certified check
/// can sweep (`certify_1d_with`): evaluated with any `Scalar`, unit by
/// unit, exactly as `qrelu_core::eval` does with rationals.
pub struct CoreNet<'a>(pub &'a qrelu_core::Net);

impl qrelu::Evaluate for CoreNet<'_> {
    fn eval<T: Scalar>(&self, x: &[T]) -> Result<T, qrelu::CheckError> {
        use qrelu_core::net::UnitKind;
        let net = self.0;
        let affine = |bias: &qrelu_core::Rational, edges: &[qrelu_core::net::Edge], vals: &[T]| {
            edges.iter().fold(T::from_exact(bias), |acc, e| {
                acc.plus(&T::from_exact(&e.weight).times(&vals[e.src]))
            })
        };
        let mut vals: Vec<T> = Vec::with_capacity(net.units.len());
        for u in &net.units {
            let v = match &u.kind {
                UnitKind::Input { index } => x[*index].clone(),
                UnitKind::Relu { bias, inputs } => qrelu::relu(&affine(bias, inputs, &vals)),
            };
            vals.push(v);
        }
        Ok(affine(&net.output.bias, &net.output.inputs, &vals))
    }
}
