//! The values the generated code computes once ([`Twins`]) against the
//! network as built, over random networks (proptest): each network is
//! evaluated in `f64` the way the generated code is (copies read from the
//! first unit, mirrors negating their pair's pre-activation, merged pairs
//! read as magnitudes, a unit computed only when something computed reads
//! it) and unit by unit, every sum in the generated code's order, at
//! random points and at the bit patterns IEEE arithmetic makes special.
//! The two must agree bit for bit; and with the core's evaluator as
//! numbers (it starts every sum from the bias, +0 included, so only the
//! sign of a zero output may differ).

use num_traits::ToPrimitive;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use qrelu_core::net::{Net, UnitKind};

use super::Twins;

/// `bias + Σ w·x` in the generated code's order (`affine`, `sum_into`):
/// from the bias when it is not zero, else from the first product.
fn sum(bias: f64, terms: impl Iterator<Item = (f64, f64)>) -> f64 {
    let mut acc = (bias != 0.0).then_some(bias);
    for (w, x) in terms {
        acc = Some(match acc {
            None => w * x,
            Some(a) => a + w * x,
        });
    }
    acc.unwrap_or(0.0)
}

/// `Scalar::relu` for `f64`: NaN stays NaN, −0 becomes +0.
fn relu(s: f64) -> f64 {
    if s > 0.0 || s.is_nan() { s } else { 0.0 }
}

fn float(q: &qrelu_core::Rational) -> f64 {
    q.to_f64().expect("a codebook value is a finite f64")
}

/// Every unit summed on its own, in the generated code's order.
fn unshared(net: &Net, x: &[f64]) -> f64 {
    let mut v: Vec<f64> = Vec::with_capacity(net.units().len());
    for u in net.units() {
        v.push(match &u.kind {
            UnitKind::Input { index } => x[*index],
            UnitKind::Relu { bias, inputs } => relu(sum(
                float(bias),
                inputs.iter().map(|e| (float(&e.weight), v[e.src])),
            )),
        });
    }
    let out = net.output();
    sum(
        float(&out.bias),
        out.inputs.iter().map(|e| (float(&e.weight), v[e.src])),
    )
}

/// The network as the generated code computes it. Reading a value that is
/// not computed panics.
fn shared(net: &Net, twins: &Twins, x: &[f64]) -> f64 {
    let n = net.units().len();
    // the ReLU, magnitude and pre-activation of every computed unit
    let mut v: Vec<Option<f64>> = vec![None; 3 * n];
    for (i, &xi) in x.iter().enumerate() {
        v[i] = Some(xi);
    }
    let read = |v: &[Option<f64>], src: usize| {
        v[src].unwrap_or_else(|| panic!("value {src} (of {n} units) is read but not computed"))
    };
    for (u, bias, _) in net.hidden() {
        if !twins.computed(u) {
            continue;
        }
        let s = match twins.mirror_of(u) {
            Some(c) => -read(&v, twins.pre_activation(c)),
            None => sum(
                float(bias),
                twins
                    .edges(net, u)
                    .iter()
                    .map(|e| (float(&e.weight), read(&v, e.src))),
            ),
        };
        v[u] = Some(relu(s));
        v[twins.magnitude(u)] = Some(s.abs());
        v[twins.pre_activation(u)] = Some(s);
    }
    let out = &twins.output;
    sum(
        float(&out.bias),
        out.inputs
            .iter()
            .map(|e| (float(&e.weight), read(&v, e.src))),
    )
}

/// A random DSL line: a polynomial in one to three inputs (degree ≤ 6,
/// coefficients of mixed sizes), every codebook size and both
/// quantizations, or a Taylor network, or an elementary function.
fn line() -> impl Strategy<Value = String> {
    const VARS: [&str; 3] = ["x", "y", "z"];
    let elementary = (
        prop::sample::select(vec!["exp(-x^2)", "sin(3*x)", "1/(1 + x^2)", "sqrt(x + 2)"]),
        prop::sample::select(vec![20u32, 100, 1000]),
    )
        .prop_map(|(f, eps)| format!("net E(x) = {f} where eps = 1/{eps};"));
    let taylor = (1..=2usize, 1..=2u32, 2..=4u32).prop_map(|(d, order, grid)| {
        let inputs: Vec<String> = VARS[..d].iter().map(|v| format!("{v} in [0, 1]")).collect();
        let target = if d == 1 { "x^3 - x/2" } else { "x*y + y^2/3" };
        format!(
            "net T({}) = {target} where structure = taylor, n = {order}, N = {grid}, r = 4;",
            inputs.join(", ")
        )
    });
    let term = (
        prop_oneof![3 => 1..=7u32, 1 => 1..=40u32],
        1..=9u32,
        [0..3u32, 0..3u32, 0..3u32],
    );
    let polynomial = (
        1..=3usize,
        any::<bool>(),
        prop::collection::vec(term, 1..=5),
        2..=6u32,
        prop::bool::weighted(1.0 / 3.0),
        2..=7u32,
    )
        .prop_map(|(d, signed, terms, lambda, linear, r)| {
            let inputs: Vec<String> = VARS[..d]
                .iter()
                .map(|v| {
                    if signed {
                        format!("{v} in [-1, 1]")
                    } else {
                        (*v).to_string()
                    }
                })
                .collect();
            let terms: Vec<String> = terms
                .iter()
                .map(|(num, den, pows)| {
                    let mut t = format!("{num}/{den}");
                    for (v, e) in VARS[..d].iter().zip(pows).filter(|(_, e)| **e > 0) {
                        t.push_str(&format!("*{v}^{e}"));
                    }
                    t
                })
                .collect();
            let quantization = if linear {
                ", quantization = linear"
            } else {
                ""
            };
            format!(
                "net P({}) = {} where r = {r}, lambda = {lambda}{quantization};",
                inputs.join(", "),
                terms.join(" - "),
            )
        });
    prop_oneof![1 => elementary, 1 => taylor, 8 => polynomial]
}

/// Special bit patterns a third of the time, else a point in or near
/// [−1, 1].
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e-310,
            -1e-310,
        ]),
        -1.5..1.5f64,
        -1.5..1.5f64,
    ]
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// The network of `text` with its analysis, or `None` where the guard or
/// the construction refuses the line.
fn analysed(text: &str) -> Option<(Net, Twins)> {
    let nets = crate::source::compile(text).ok()?;
    let net = nets.into_iter().next()?.construction.net;
    let twins = Twins::new(&net);
    Some((net, twins))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn values_computed_once_are_the_network_bit_for_bit(
        text in line(),
        coords in prop::collection::vec(coordinate(), 120),
    ) {
        let Some((net, twins)) = analysed(&text) else {
            return Ok(());
        };
        for x in coords.chunks_exact(net.dim()).take(40) {
            let want = unshared(&net, x);
            let got = shared(&net, &twins, x);
            prop_assert!(same(got, want), "{} at {:?}: {:e} vs {:e}", text, x, got, want);
            let core = qrelu_core::eval::eval_f64(&net, x);
            prop_assert!(
                got == core || (got.is_nan() && core.is_nan()),
                "{} at {:?}: {:e} vs the core's {:e}", text, x, got, core
            );
        }
    }
}

/// The lines of [`line`] build networks with what the test above checks:
/// copies and computed mirrors, over 100 lines drawn as proptest does.
#[test]
fn the_random_networks_have_copies_and_mirrors() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut built, mut copies, mut mirrors) = (0, 0, 0);
    for _ in 0..100 {
        let text = line().new_tree(&mut runner).expect("a line").current();
        let Some((net, twins)) = analysed(&text) else {
            continue;
        };
        built += 1;
        let units = 0..net.units().len();
        copies += units.clone().filter(|&u| twins.alias[u] != u).count();
        mirrors += units
            .filter(|&u| twins.mirror_of(u).is_some() && twins.computed(u))
            .count();
    }
    assert!(built >= 70, "{built} networks built");
    assert!(copies > 300, "{copies} copies");
    assert!(mirrors > 30, "{mirrors} computed mirrors");
}
