//! Property tests for Theorem 2's network (Fig. 4, `structure =
//! lipschitz`) over random one-variable polynomials scaled into F_{1,1}:
//! degree ≤ 6, coefficients p/q with |p| ≤ 8, q ≤ 4, divided by the
//! enclosed Lipschitz constant rounded up; `eps` down to 1/256, `t` (log₂
//! of the cells) given or chosen, λ ≤ 5, nonlinear or linear codebooks.
//!
//! - every parameter of the exported `qrelu-net/1` JSON is in the codebook,
//!   recomputed independently;
//! - the bound is `(2^−t + 1/m)/T ≤ eps` with `m = 2^t`, T a power of two
//!   (or, with `tune = smallest` choosing f^T alone, its exact bound ≤
//!   eps), and the *certified* sup error (exact, over every linear piece)
//!   is at most the bound — the class bound, whatever the target, with or
//!   without pruning;
//! - the size estimate made before building is an upper bound.

mod common;

use common::build_checked;
use num_traits::{One, Zero};
use proptest::prelude::*;
use qrelu::Exact;
use qrelu::check::certify_1d_with;
use qrelu_core::Poly;
use qrelu_core::construct::lipschitz::lipschitz_constant;
use qrelu_core::quantize::Quantization;
use qrelu_core::rational::{self, ratio};
use qrelu_core::{NetSpec, Structure};

#[derive(Debug, Clone)]
struct Case {
    coefs: Vec<(i64, i64)>,
    eps: i64,
    t: Option<u32>,
    lambda: u32,
    linear: bool,
    tune: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((-8i64..=8, 1i64..=4), 2..=7),
        prop::sample::select(vec![2i64, 5, 16, 40, 100, 256]),
        prop::option::of(1u32..=3),
        2u32..=5,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(coefs, eps, t, lambda, linear, tune)| Case {
            coefs,
            eps,
            t,
            lambda,
            linear,
            tune,
        })
}

impl Case {
    /// The polynomial Σ c_k x^k, divided by ⌈its Lipschitz constant⌉.
    fn target(&self) -> Poly {
        let p = Poly::from_terms(
            1,
            self.coefs
                .iter()
                .enumerate()
                .map(|(k, (a, b))| (ratio(*a, *b), vec![k as u32])),
        );
        let (_, _, upper) = lipschitz_constant(&p);
        let scale = -rational::floor(&(-upper));
        if scale > num_bigint::BigInt::one() {
            p.scale(&(rational::Rational::one() / rational::Rational::from_integer(scale)))
        } else {
            p
        }
    }

    fn spec(&self) -> NetSpec {
        let mut spec = NetSpec::new("Random", &["x"], self.target());
        spec.structure = Structure::Lipschitz;
        spec.eps = Some(ratio(1, self.eps));
        spec.t = self.t;
        spec.lambda = self.lambda;
        spec.tune = self.tune;
        if self.linear {
            spec.quantization = Quantization::Linear;
        }
        spec
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn fig4_is_strict_and_within_the_class_bound(case in case()) {
        let spec = case.spec();
        // the size estimate, and the JSON read independently: strict
        // codebook of eq. 9 or L_λ
        let (c, json) = build_checked(&spec, case.linear);

        let big_t = c.params.intervals.unwrap();
        prop_assert!(big_t.is_power_of_two());
        prop_assert!(c.error_bound <= ratio(1, case.eps));
        match c.params.cells {
            // Fig. 4 (pruned with `tune`): the class bound, from T and m
            Some(m) => {
                prop_assert_eq!(1u64 << c.params.t, m);
                if let Some(t) = case.t {
                    prop_assert_eq!(c.params.t, t);
                }
                prop_assert_eq!(&c.error_bound, &ratio(2, (m * big_t) as i64));
            }
            // f^T alone: only `tune = smallest` chooses it
            None => prop_assert!(case.tune),
        }
        let bound = c.error_bound.clone();
        // the export evaluates like the network
        for k in 0..=16 {
            let x = [ratio(k, 16)];
            prop_assert_eq!(json.eval(&x), qrelu_core::eval::eval(&c.net, &x));
        }

        let terms: Vec<(Exact, u32)> = (0..=spec.target.poly().expect("a polynomial target").degree_in(0))
            .map(|k| (spec.target.poly().expect("a polynomial target").coefficient(&[k]), k))
            .filter(|(a, _)| !a.is_zero())
            .collect();
        let cert = certify_1d_with(&c.net, &terms, &Exact::zero(), &Exact::one(), &bound)
            .unwrap();
        prop_assert!(cert.holds, "certified {} above {}", cert.upper, bound);
    }
}
