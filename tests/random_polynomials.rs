//! Property tests over random polynomials (`structure = direct`): for d ≤ 3
//! inputs, degree ≤ 4, coefficients p/q with |p/q| ≤ 4, r ≤ 8, λ ≤ 9, nonlinear or linear codebooks,
//!
//! - every parameter of the exported `qrelu-net/1` JSON is in the codebook
//!   (eq. 9, or the linear grid of Section 4.4), recomputed independently;
//! - the error measured with the JSON's own evaluator, exactly, on a grid
//!   of non-dyadic and dyadic points never exceeds the a-priori bound;
//! - f64 evaluation is bit-identical to exact evaluation at dyadic points;
//! - the size estimate made before building is an upper bound.

mod common;

use common::{build_checked, q};
use num_traits::Signed;
use proptest::prelude::*;
use qrelu::Exact;
use qrelu_core::NetSpec;
use qrelu_core::quantize::Quantization;
use qrelu_core::{Poly, eval};

/// Inputs per random polynomial, at most.
const MAX_DIM: usize = 3;
/// Total degree, at most.
const MAX_DEGREE: u32 = 4;
/// Terms per random polynomial, at most (before like terms merge).
const MAX_TERMS: usize = 5;
/// |coefficient| ≤ this.
const MAX_COEF: i64 = 4;

/// A random term: coefficient p/q and an exponent vector of total degree
/// ≤ MAX_DEGREE.
fn term(dim: usize) -> impl Strategy<Value = (i64, i64, Vec<u32>)> {
    (1i64..=7, prop::collection::vec(0u32..=MAX_DEGREE, dim)).prop_flat_map(|(den, mut exps)| {
        // clip the total degree
        let mut total: u32 = exps.iter().sum();
        for e in exps.iter_mut().rev() {
            while total > MAX_DEGREE && *e > 0 {
                *e -= 1;
                total -= 1;
            }
        }
        let bound = MAX_COEF * den;
        (-bound..=bound, Just(den), Just(exps))
    })
}

#[derive(Debug, Clone)]
struct Case {
    dim: usize,
    terms: Vec<(i64, i64, Vec<u32>)>,
    signed: Vec<bool>,
    r: u32,
    t: Option<u32>,
    lambda: u32,
    linear: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (1..=MAX_DIM).prop_flat_map(|dim| {
        (
            prop::collection::vec(term(dim), 1..=MAX_TERMS),
            prop::collection::vec(any::<bool>(), dim),
            1u32..=8,
            prop::option::of(1u32..=20),
            2u32..=9,
            any::<bool>(),
        )
            .prop_map(move |(terms, signed, r, t, lambda, linear)| Case {
                dim,
                terms,
                signed,
                r,
                t,
                lambda,
                linear,
            })
    })
}

impl Case {
    fn spec(&self) -> NetSpec {
        let target = Poly::from_terms(
            self.dim,
            self.terms.iter().map(|(p, d, e)| (q(*p, *d), e.clone())),
        );
        let names: Vec<String> = (0..self.dim).map(|i| format!("x{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut spec = NetSpec::new("Random", &names, target);
        spec.domain = self
            .signed
            .iter()
            .map(|&s| (q(if s { -1 } else { 0 }, 1), q(1, 1)))
            .collect();
        spec.r = Some(self.r);
        spec.t = self.t;
        spec.lambda = self.lambda;
        if self.linear {
            spec.quantization = Quantization::Linear;
        }
        spec.max_weights = u64::MAX;
        spec
    }

    /// A tensor grid: `ks/den` per axis, scaled into each input's domain.
    fn grid(&self, den: i64, ks: &[i64]) -> Vec<Vec<Exact>> {
        let mut points = vec![vec![]];
        for &signed in &self.signed {
            let axis: Vec<Exact> = ks
                .iter()
                .map(|&k| {
                    if signed {
                        q(2 * k - den, den)
                    } else {
                        q(k, den)
                    }
                })
                .collect();
            points = points
                .into_iter()
                .flat_map(|p: Vec<Exact>| {
                    axis.iter().map(move |a| {
                        let mut p = p.clone();
                        p.push(a.clone());
                        p
                    })
                })
                .collect();
        }
        points
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn random_polynomials_are_strict_and_within_their_bound(case in case()) {
        let spec = case.spec();
        // the size estimate, and the JSON read independently: strict
        // codebook of eq. 9 or L_λ
        let (c, json) = build_checked(&spec, case.linear);

        // measured error ≤ bound, exactly, off and on the dyadic points
        let mut points = case.grid(7, &[0, 2, 3, 5, 7]);
        points.extend(case.grid(8, &[1, 4, 6]));
        for x in &points {
            let err = (json.eval(x) - spec.target.poly().expect("a polynomial target").eval(x)).abs();
            prop_assert!(err <= c.error_bound, "error {} > bound {} at {:?}", err, c.error_bound, x);
        }

        // f64 is bit-identical to exact at dyadic points
        for x in case.grid(8, &[0, 1, 3, 4, 8]) {
            let exact = eval::eval(&c.net, &x);
            let xf: Vec<f64> = x.iter().map(qrelu_core::rational::to_f64).collect();
            let float = eval::eval_f64(&c.net, &xf);
            prop_assert_eq!(Exact::from_float(float), Some(exact), "at {:?}", x);
        }
    }
}
