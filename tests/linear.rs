//! `quantization = linear` end to end (Section 4.4): the codebook is the
//! documented uniform grid on [−1/2, 1/2], every parameter lies in it, the
//! a-priori bound holds (certified in 1-D), and the networks are the
//! nonlinear construction with the powers of two the linear grid holds.

#[macro_use]
mod common;

use common::{JsonNet, expected_codebook_of, expected_linear_codebook, q, spec_of};
use qrelu::check::{certify_1d, sup_error_offset};
use qrelu::{Exact, Network};
use qrelu_core::build;
use qrelu_core::eval;

qrelu::qrelu! {
    /// The example.
    pub net Lin(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4, quantization = linear;
    /// The same target in the nonlinear codebook with λ = 2: the only power
    /// of two of L_4 = {±1/6, ±1/2} is 1/2, so the networks coincide.
    pub net NonLin2(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 2;
    /// λ = 9: L_9 holds 1/2, 1/4, 1/8, so the weight tries step by up to 2^-3.
    pub net Lin9(x in [-1, 1], y) = x*y - 2/3*y^2 + 1/7 where r = 6, t = 14, lambda = 9, quantization = linear;
    /// Theorem 1's network in the linear codebook.
    pub net LinTaylor(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, N = 6, r = 6, lambda = 5, quantization = linear;
    /// `eps` with the linear codebook.
    pub net LinEps(x) = x^2/3 - x/5 where eps = 1/500, lambda = 3, quantization = linear;
}

#[test]
fn every_parameter_is_in_the_linear_codebook() {
    each_net!(N => {
        let info = N::INFO;
        assert_eq!(info.quantization, "linear", "{}", info.name);
        let json = JsonNet::parse(N::JSON);
        assert_eq!(json.codebook, expected_linear_codebook(info.lambda), "{}", info.name);
        assert_eq!(json.codebook, expected_codebook_of(&info));
        json.assert_strict(info.name);
        let codebook: Vec<Exact> = info.codebook.iter().map(|c| c.to_exact()).collect();
        assert_eq!(codebook, json.codebook);
        for k in 0..=9 {
            let x: Vec<Exact> = (0..info.dim()).map(|i| q((3 * k + i as i64) % 10, 9)).collect();
            assert_eq!(json.eval(&x), N::eval_at(&x).unwrap(), "{}", info.name);
        }
    }; Lin, Lin9, LinTaylor, LinEps);
}

#[test]
fn bounds_hold_certified_in_one_dimension() {
    each_net!(N => {
        let c = certify_1d::<N>().unwrap();
        assert!(c.holds, "{}: {} > {}", N::INFO.name, c.upper, c.bound);
        assert!(c.error > q(0, 1), "{}", N::INFO.name);
    }; Lin, LinTaylor, LinEps);
    assert!(LinEps::INFO.error_bound.to_exact() <= q(1, 500));
    let s = sup_error_offset::<Lin9, Exact>(12).unwrap();
    assert!(s.holds, "{} > {}", s.error, s.bound);
    assert!(s.error > q(0, 1));
}

/// L_4 offers only the power 1/2, as the nonlinear λ = 2 codebook: the
/// same units, weights and bound, and equal outputs; only the stored
/// index costs 2 bits instead of 1.
#[test]
fn linear_lambda_four_is_the_lambda_two_network() {
    let (lin, non) = (Lin::INFO, NonLin2::INFO);
    assert_eq!(lin.weights, non.weights);
    assert_eq!(lin.units, non.units);
    assert_eq!(lin.depth, non.depth);
    assert_eq!(lin.error_bound, non.error_bound);
    assert_eq!(lin.bits, 2 * non.bits);
    for k in 0..=20 {
        let x = [q(k, 20)];
        assert_eq!(Lin::eval_at(&x).unwrap(), NonLin2::eval_at(&x).unwrap());
    }
}

/// The core builds the same networks from the spec `INFO` describes.
#[test]
fn the_core_builds_the_same_network() {
    each_net!(N => {
        let built = build(&spec_of::<N>()).unwrap();
        assert_eq!(built.metrics.weights, N::INFO.weights, "{}", N::INFO.name);
        assert_eq!(built.net.codebook().quantization().name(), "linear");
        for k in 0..=6 {
            let x: Vec<Exact> = (0..N::INFO.dim()).map(|i| q((k + 2 * i as i64) % 7, 6)).collect();
            assert_eq!(eval::eval(&built.net, &x), N::eval_at(&x).unwrap());
        }
    }; Lin, Lin9, LinTaylor);
}
