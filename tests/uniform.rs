//! Uniform quantization of real networks (issue 5): `Q_η` applied to a
//! codebook network of the cubic 3/4x³ − x/2 + 1/8, the certified sup error
//! of the result (the runtime's exact 1-D check, swept over the quantized
//! network's pieces) against the guarantee `e₀ + K·‖θ − Q_η θ‖∞` of the
//! Lipschitz bound, for both roundings and many η.

mod common;

use common::q;
use qrelu::check::certify_1d_with;
use qrelu_core::quantize::uniform::{Rounding, distance, eta_for, lipschitz, uniform};
use qrelu_core::rational::{pow2, ratio};
use qrelu_core::{NetSpec, build};
use qrelu_core::{Poly, Rational};

fn cubic() -> (Poly, Vec<(qrelu::Exact, u32)>) {
    let terms = vec![(q(3, 4), 3), (q(-1, 2), 1), (q(1, 8), 0)];
    let poly = Poly::from_terms(1, terms.iter().map(|(c, k)| (c.clone(), vec![*k])));
    (poly, terms)
}

#[test]
fn quantized_error_is_certified_within_the_lipschitz_guarantee() {
    let (poly, terms) = cubic();
    let mut spec = NetSpec::new("Cubic", &["x"], poly);
    spec.r = Some(6);
    spec.t = Some(10);
    let c = build(&spec).unwrap();
    let domain = [(ratio(0, 1), ratio(1, 1))];
    let (lo, hi) = (q(0, 1), q(1, 1));
    // the unquantized (codebook) network, certified
    let base = certify_1d_with(&c.net, &terms, &lo, &hi, &c.error_bound).unwrap();
    assert!(base.holds);
    for k in [3i64, 5, 7, 9, 12] {
        for rounding in [Rounding::Floor, Rounding::Nearest] {
            let eta = pow2(-k) * ratio(2, 3);
            let l = lipschitz(&c.net, &domain, &eta).unwrap();
            let quantized = uniform(&c.net, &eta, rounding).unwrap();
            let dist = distance(&c.net, &quantized).unwrap();
            let guarantee = &c.error_bound + &l.k * &dist;
            let cert = certify_1d_with(&quantized, &terms, &lo, &hi, &guarantee).unwrap();
            assert!(
                cert.holds,
                "η = {eta} {rounding:?}: {} > {}",
                cert.upper, guarantee
            );
            // the per-network K is far below the closed form
            assert!(l.formula() > &l.k * Rational::from_integer(1000.into()));
        }
    }
}

/// η chosen from K for ε = 2·e₀ gives a network certified within ε.
#[test]
fn eta_from_k_meets_eps_certified() {
    let (poly, terms) = cubic();
    let mut spec = NetSpec::new("Cubic", &["x"], poly);
    spec.r = Some(5);
    let c = build(&spec).unwrap();
    let eps = &c.error_bound * Rational::from_integer(2.into());
    let domain = [(ratio(0, 1), ratio(1, 1))];
    let l = lipschitz(&c.net, &domain, &ratio(1, 16)).unwrap();
    for rounding in [Rounding::Floor, Rounding::Nearest] {
        let eta = eta_for(&l, rounding, &eps, &c.error_bound).unwrap();
        let quantized = uniform(&c.net, &eta, rounding).unwrap();
        let cert = certify_1d_with(&quantized, &terms, &q(0, 1), &q(1, 1), &eps).unwrap();
        assert!(cert.holds, "{rounding:?}: {} > {}", cert.upper, eps);
    }
}
