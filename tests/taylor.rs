//! `structure = taylor` end to end (Theorem 1): the generated networks are
//! strict, agree with the core, and stay within their exact bound —
//! certified in 1-D, on a non-dyadic grid in 2-D.

#[macro_use]
mod common;

use common::{JsonNet, q, spec_of};
use qrelu::check::{certify_1d, sup_error_offset};
use qrelu::{Exact, Network};
use qrelu_core::build;
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
    /// n, N, r and t searched for the fewest weights with a bound <= eps.
    pub net SmoothTuned(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, eps = 1/1000, tune = smallest;
    /// The saddle tuned with n given, under a 3-value codebook.
    pub net SaddleTuned(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, eps = 1/10, lambda = 3, tune = smallest;
    /// The search under the linear codebook: it stays linear (it once
    /// built nonlinear codebooks whatever the spec said).
    pub net SmoothTunedLinear(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, eps = 1/200, tune = smallest, lambda = 9, quantization = linear;
}

/// Regression: `tune = smallest` with `quantization = linear` built a
/// nonlinear codebook (λ = 9 gave values down to 2^-128) and said so in
/// `INFO.quantization`.
#[test]
fn tuned_linear_networks_keep_the_linear_codebook() {
    let info = SmoothTunedLinear::INFO;
    assert_eq!(info.quantization, "linear");
    let json = JsonNet::parse(SmoothTunedLinear::JSON);
    json.assert_strict(info.name);
    assert_eq!(json.codebook, common::expected_linear_codebook(9));
    let c = certify_1d::<SmoothTunedLinear>().unwrap();
    assert!(c.holds, "{} > {}", c.upper, c.bound);
    assert!(info.error_bound.to_exact() <= q(1, 200));
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
    }; Smooth, Smooth3, Saddle, SmoothTuned, SaddleTuned, SmoothTunedLinear);
}

#[test]
fn one_dimensional_errors_are_certified_within_the_bound() {
    each_net!(N => {
        let c = certify_1d::<N>().unwrap();
        assert!(c.holds, "{}: {} > {}", N::INFO.name, c.upper, c.bound);
        assert!(c.error > q(0, 1));
    }; Smooth, Smooth3, SmoothTuned);
}

#[test]
fn two_dimensional_error_is_within_the_bound() {
    let s = sup_error_offset::<Saddle, Exact>(12).unwrap();
    assert!(s.holds, "{} > {}", s.error, s.bound);
    assert!(s.error > q(0, 1));
    let s = sup_error_offset::<SaddleTuned, Exact>(9).unwrap();
    assert!(s.holds, "{} > {}", s.error, s.bound);
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
    // INFO reports the order and the grid eq. 28 chose
    assert_eq!((info.n, info.grid), (Some(2), Some(25)));
    assert_eq!((Smooth::INFO.n, Smooth::INFO.grid), (Some(2), Some(8)));
    assert!(info.error_bound.to_exact() <= q(1, 100));
    let s = sup_error_offset::<SmoothEps, Exact>(301).unwrap();
    assert!(s.holds && s.error > q(0, 1), "{} > {}", s.error, s.bound);
    // N = 25 is the smallest N with N^2 >= 3·2·1/eps = 600
    let mut spec = spec_of::<SmoothEps>();
    spec.n = Some(2);
    spec.eps = Some(q(1, 100));
    spec.r = None;
    spec.t = None;
    let resolved = qrelu_core::resolve(&spec).unwrap();
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

/// `tune = smallest` from the DSL: the core's search, the same network,
/// a bound within eps.
#[test]
fn tuned_networks_are_the_cores_choice() {
    each_net!(N => {
        let mut spec = spec_of::<N>();
        // as written in the macro calls: tune chooses N, r, t (and n in 1-D)
        spec.r = None;
        spec.t = None;
        spec.grid = None;
        spec.n = if N::INFO.dim() == 2 { Some(2) } else { None };
        spec.tune = true;
        spec.eps = Some(q(1, if N::INFO.dim() == 1 { 1000 } else { 10 }));
        let c = build(&spec).unwrap();
        assert_eq!(c.metrics.weights, N::INFO.weights);
        assert_eq!(c.error_bound, N::INFO.error_bound.to_exact());
        assert!(c.error_bound <= spec.eps.unwrap());
        assert_eq!((Some(c.params.r.unwrap_or(0)), Some(c.params.t)), (N::INFO.r, N::INFO.t));
    }; SmoothTuned, SaddleTuned);
}

/// What `tune = smallest` saves against the paper's formulas (eqs. 26–28,
/// t = ⌈log2(nN^n/d^n)⌉): for the targets, orders and eps, the
/// tuned network meets eps exactly and has at most the weights of the
/// paper's — built where that is cheap, else its lower bound
/// ([`TaylorPlan::least_weights`]; the paper's bound comes from its plan,
/// which equals the built bound). Prints the table (`--nocapture`).
#[test]
fn tune_is_smaller_than_the_papers_formulas() {
    use qrelu_core::construct::taylor::TaylorPlan;
    use qrelu_core::rational::to_f64;
    use qrelu_core::{NetSpec, Structure, resolve};
    let x = qrelu_core::Poly::var(1, 0);
    let smooth = x
        .pow(3)
        .scale(&q(1, 6))
        .sub(&x.pow(2).scale(&q(1, 4)))
        .add(&x.scale(&q(1, 3)));
    let (a, b) = (qrelu_core::Poly::var(2, 0), qrelu_core::Poly::var(2, 1));
    let saddle = a.pow(2).sub(&b.pow(2)).scale(&q(1, 4));
    let mut cases = Vec::new();
    for n in 1..=3 {
        for eps in [10, 100, 1000] {
            cases.push((&smooth, vec!["x"], n, eps));
        }
    }
    for eps in [10, 100] {
        cases.push((&saddle, vec!["x", "y"], 2, eps));
    }
    for (target, inputs, n, eps) in cases {
        let mut spec = NetSpec::new("T", &inputs, target.clone());
        spec.structure = Structure::Taylor;
        spec.n = Some(n);
        spec.eps = Some(q(1, eps));
        spec.max_weights = 1_000_000;
        let paper = resolve(&spec).unwrap();
        let (grid, r, t) = (paper.grid.unwrap(), paper.r.unwrap(), paper.t.unwrap());
        let plan = TaylorPlan::new(target, n, u64::from(grid)).unwrap();
        let paper_bound = plan.bound(r, t).unwrap().total();
        assert!(paper_bound <= q(1, eps));
        let (paper_weights, exact) = if plan.estimate(r, t) <= 40_000 {
            (build(&spec).unwrap().metrics.weights as u64, "")
        } else {
            (plan.least_weights(r, t), ">=")
        };
        spec.tune = true;
        let tuned = build(&spec).unwrap();
        let weights = tuned.metrics.weights as u64;
        eprintln!(
            "d={} n={n} eps=1/{eps}: paper N={grid} r={r} t={t} {exact}{paper_weights} weights \
             bound {:.3e} | tuned N={} r={} t={} {weights} weights bound {:.3e}",
            inputs.len(),
            to_f64(&paper_bound),
            tuned.spec.grid.unwrap(),
            tuned.params.r.unwrap_or(0),
            tuned.params.t,
            to_f64(&tuned.error_bound)
        );
        assert!(tuned.error_bound <= q(1, eps));
        assert!(weights <= paper_weights, "{weights} > {paper_weights}");
    }
}

#[test]
fn an_eps_refusal_says_which_values_were_given() {
    use qrelu_core::{NetSpec, Structure};
    let mut spec = NetSpec::new(
        "Half",
        &["x"],
        qrelu_core::Poly::var(1, 0).pow(2).scale(&q(1, 2)),
    );
    spec.structure = Structure::Taylor;
    (spec.n, spec.grid, spec.r, spec.eps) = (Some(2), Some(2), Some(1), Some(q(1, 1000)));
    let err = build(&spec).unwrap_err().to_string();
    assert!(
        err.contains("with N = 2 (given), r = 1 (given) and t = 3 the exact a-priori bound"),
        "{err}"
    );
    assert!(err.contains("raise the values given"), "{err}");
    // with only n and eps, eqs. 26-28 choose everything and meet eps
    (spec.grid, spec.r) = (None, None);
    assert!(build(&spec).unwrap().error_bound <= q(1, 1000));
}
