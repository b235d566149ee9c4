//! `structure = taylor` end to end (Theorem 1): the generated networks are
//! strict, agree with the core, and stay within their exact bound —
//! certified in 1-D, on a non-dyadic grid in 2-D.

mod common;

use common::{JsonNet, q, spec_of};
use qrelu::check::{certify_1d, sup_error_offset};
use qrelu::{Exact, Network};
use qrelu_core::construct::build;
use qrelu_core::eval;

qrelu::qrelu! {
    /// The smooth target, with the grid given.
    pub net Smooth(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, N = 8, r = 6;
    /// Order 3 on a coarse grid, under a 4-value codebook.
    pub net Smooth3(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 3, N = 4, r = 7, lambda = 4;
    /// A saddle in two variables.
    pub net Saddle(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, N = 3, r = 6, lambda = 3;
    /// N, r and t from eps by the paper's eqs. 26–28 (N = 25, r = 6, t = 11).
    pub net SmoothEps(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, eps = 1/100;
}

macro_rules! each_net {
    ($N:ident => $body:block; $($net:ty),* $(,)?) => {
        $( { type $N = $net; $body } )*
    };
}

#[test]
fn strict_and_equal_to_the_core() {
    each_net!(N => {
        let json = JsonNet::parse(N::JSON);
        json.assert_strict(N::INFO.name);
        assert_eq!(N::INFO.structure, "taylor");
        for k in 0..=12 {
            let x: Vec<Exact> = (0..N::INFO.dim()).map(|i| q((k * (i as i64 + 2)) % 13, 12)).collect();
            assert_eq!(json.eval(&x), N::eval_at(&x).unwrap(), "{}", N::INFO.name);
        }
    }; Smooth, Smooth3, Saddle);
}

#[test]
fn one_dimensional_errors_are_certified_within_the_bound() {
    each_net!(N => {
        let c = certify_1d::<N>().unwrap();
        assert!(c.holds, "{}: {} > {}", N::INFO.name, c.upper, c.bound);
        assert!(c.error > q(0, 1));
    }; Smooth, Smooth3);
}

#[test]
fn two_dimensional_error_is_within_the_bound() {
    let s = sup_error_offset::<Saddle, Exact>(12).unwrap();
    assert!(s.holds, "{} > {}", s.error, s.bound);
    assert!(s.error > q(0, 1));
}

#[test]
fn the_core_builds_the_same_network() {
    let mut spec = spec_of::<Smooth>();
    spec.n = Some(2);
    spec.grid = Some(8);
    let c = build(&spec).unwrap();
    assert_eq!(c.metrics.weights, Smooth::INFO.weights);
    assert_eq!(c.error_bound, Smooth::INFO.error_bound.to_exact());
    for k in 0..=10 {
        let x = q(k, 10);
        assert_eq!(
            eval::eval(&c.net, std::slice::from_ref(&x)),
            Smooth::eval_at(&[x]).unwrap()
        );
    }
}

/// `eps` alone: N from eq. 28, r from eq. 26 and t = ⌈log2(nN^n/d^n)⌉;
/// the exact bound of the network built with them is within eps.
#[test]
fn eps_picks_the_papers_parameters() {
    let info = SmoothEps::INFO;
    assert_eq!((info.r, info.t), (Some(6), Some(11)));
    assert!(info.error_bound.to_exact() <= q(1, 100));
    let s = sup_error_offset::<SmoothEps, Exact>(301).unwrap();
    assert!(s.holds && s.error > q(0, 1), "{} > {}", s.error, s.bound);
    // N = 25 is the smallest N with N^2 >= 3·2·1/eps = 600
    let mut spec = spec_of::<SmoothEps>();
    spec.n = Some(2);
    spec.eps = Some(q(1, 100));
    spec.r = None;
    spec.t = None;
    let resolved = qrelu_core::construct::resolve(&spec).unwrap();
    assert_eq!(resolved.grid, Some(25));
}
