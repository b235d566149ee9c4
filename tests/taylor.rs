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

/// Table 1's accounting reaches the generated code: `INFO.parts` is the
/// core's, every part is there, and the parts add up to the network.
#[test]
fn info_carries_table_1_parts() {
    each_net!(N => {
        let info = N::INFO;
        let names: Vec<&str> = info.parts.iter().map(|p| p.name).collect();
        assert_eq!(names, ["B_w", "B_N", "B_abs", "B_s", "B_h", "B_mul", "output"], "{}", info.name);
        let weights: usize = info.parts.iter().map(|p| p.weights).sum();
        assert_eq!(weights, info.weights, "{}: the parts partition the weights", info.name);
        // one B_h per bump, one B_s per input, one B_N
        let d = info.dim();
        let bumps = info.part("B_h").unwrap().instances;
        assert_eq!(bumps % d, 0, "{}", info.name);
        assert_eq!(info.part("B_s").unwrap().instances, d, "{}", info.name);
        assert_eq!(info.part("B_N").unwrap().instances, 1, "{}", info.name);
        assert_eq!(info.part("output").unwrap().weights, JsonNet::parse(N::JSON).output.1.len());
    }; Smooth, Smooth3, Saddle, SmoothEps);
    // the core says the same, field by field
    let mut spec = spec_of::<Saddle>();
    spec.n = Some(2);
    spec.grid = Some(3);
    let c = build(&spec).unwrap();
    assert_eq!(c.metrics.parts.len(), Saddle::INFO.parts.len());
    for (core, info) in c.metrics.parts.iter().zip(Saddle::INFO.parts) {
        assert_eq!(
            (
                core.name.as_str(),
                core.instances,
                core.units,
                core.weights,
                core.width,
                core.depth
            ),
            (
                info.name,
                info.instances,
                info.units,
                info.weights,
                info.width,
                info.depth
            )
        );
    }
    // N = 3: one B_h per bump, d(N + 1) bumps
    assert_eq!(Saddle::INFO.part("B_h").unwrap().instances, 2 * 4);
}

/// Every hidden unit of the JSON names its part, and counting units per
/// part in the JSON gives `INFO.parts`.
#[test]
fn json_units_name_their_part() {
    let v: serde_json::Value = serde_json::from_str(Smooth::JSON).unwrap();
    let mut count: std::collections::BTreeMap<String, usize> = Default::default();
    for u in v["units"].as_array().unwrap() {
        if u["kind"] == "relu" {
            *count
                .entry(u["part"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    for p in Smooth::INFO.parts.iter().filter(|p| p.name != "output") {
        assert_eq!(count.get(p.name).copied(), Some(p.units), "{}", p.name);
    }
}
