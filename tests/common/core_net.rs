//! A core network as a function the runtime's checks can evaluate, a flat
//! `f64` evaluator, and the least-squares slope the studies fit; shared by
//! the tests and, through `#[path]`, by the examples.

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

/// `net` with its parameters converted to `f64` once, for grids over
/// large networks (`eval::eval_f64` converts them at every point).
pub struct Flat {
    /// per unit: `Err(i)` for input `i`, else its affine map
    units: Vec<Result<FlatAffine, usize>>,
    output: FlatAffine,
}

/// A bias and `(source, weight)` edges in `f64`.
pub type FlatAffine = (f64, Vec<(usize, f64)>);

impl Flat {
    /// The parameters of `net`, in `f64`.
    pub fn new(net: &qrelu_core::Net) -> Flat {
        let edges = |e: &[qrelu_core::net::Edge]| -> Vec<(usize, f64)> {
            e.iter()
                .map(|e| (e.src, qrelu_core::rational::to_f64(&e.weight)))
                .collect()
        };
        let units = net
            .units
            .iter()
            .map(|u| match &u.kind {
                qrelu_core::net::UnitKind::Input { index } => Err(*index),
                qrelu_core::net::UnitKind::Relu { bias, inputs } => {
                    Ok((qrelu_core::rational::to_f64(bias), edges(inputs)))
                }
            })
            .collect();
        let output = (
            qrelu_core::rational::to_f64(&net.output.bias),
            edges(&net.output.inputs),
        );
        Flat { units, output }
    }

    /// The same sums in the same order as `eval::eval_f64`.
    pub fn eval(&self, x: &[f64]) -> f64 {
        let affine =
            |(b, e): &FlatAffine, v: &[f64]| e.iter().fold(*b, |acc, (s, w)| acc + w * v[*s]);
        let mut v = Vec::with_capacity(self.units.len());
        for u in &self.units {
            v.push(match u {
                Err(i) => x[*i],
                Ok(a) => affine(a, &v).max(0.0),
            });
        }
        affine(&self.output, &v)
    }
}

/// Least-squares slope of `ys` against `xs` (the studies' growth rates).
pub fn slope(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    sxy / sxx
}
