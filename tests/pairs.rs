//! Values the generated code computes once (`qrelu_syntax::expand`):
//! merged tent pairs (`Scalar::magnitude`: where a sum reads both
//! `relu(s)` and `relu(−s)` with one weight, the generated code reads `|s|`
//! once), mirrors (`relu(−s)` as `s.negated().relu()` from its pair's
//! pre-activation, not its own sum of negated terms) and copies (a unit
//! with the same bias and edges as an earlier one is read from it). Each
//! must be the same number in every case IEEE arithmetic has, so the
//! generated `f64` code is compared bit for bit with the core's evaluator of
//! the network as built (every unit summed on its own, same summation
//! order) at arbitrary bit patterns: NaN (as NaN), ±∞, ±0, subnormals,
//! points far outside the domain.

use std::sync::OnceLock;

use proptest::prelude::*;
use qrelu_core::eval;

const SOURCE: &str = "
    net Square12(x) = x^2 where r = 12;
    net Wide(x) = x^2 where r = 5, t = 27, lambda = 4;
    net Product(x in [-1, 1], y in [-1, 1]) = x*y where r = 6;
    net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12;
";

qrelu::qrelu! {
    net Square12(x) = x^2 where r = 12;
    net Wide(x) = x^2 where r = 5, t = 27, lambda = 4;
    net Product(x in [-1, 1], y in [-1, 1]) = x*y where r = 6;
    net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12;
}

/// Any bit pattern a third of the time, else a value in or near the domain.
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            f64::INFINITY,
            -f64::INFINITY,
            f64::NAN,
            1e-310,
            -1e-310
        ]),
        -2.0..2.0f64,
    ]
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// The networks of `SOURCE`, built by the macro's own steps (once), each
/// with its expansion.
fn nets() -> &'static [(qrelu_core::Construction, String)] {
    static NETS: OnceLock<Vec<(qrelu_core::Construction, String)>> = OnceLock::new();
    NETS.get_or_init(|| {
        let nets = qrelu_syntax::source::compile(SOURCE).expect("the nets compile");
        nets.into_iter()
            .map(|n| {
                let code = qrelu_syntax::source::expand(std::slice::from_ref(&n)).to_string();
                (n.construction, code)
            })
            .collect()
    })
}

/// Every network reads merged pairs, so the comparison below exercises them.
#[test]
fn the_expansions_read_merged_pairs() {
    for (c, code) in nets() {
        assert!(
            code.contains(". magnitude ()"),
            "{}: no merged pair",
            c.spec.name
        );
    }
    assert!(
        nets()[0].1.contains("tent12_a_abs"),
        "f_s^12's last tent is read as one magnitude"
    );
}

/// The products' expansions compute a mirror from its pair's
/// pre-activation, and none of the copies (`c1`, `c2`, … of the gates)
/// that their networks have, so the comparison below exercises both.
#[test]
fn the_expansions_compute_copies_once_and_mirrors_by_negation() {
    for (c, code) in &nets()[2..] {
        let name = &c.spec.name;
        assert!(code.contains(". negated () . relu ()"), "{name}: no mirror");
        let copies: Vec<&str> = c
            .net
            .units()
            .iter()
            .filter(|u| u.role.starts_with('c') && u.role[1..].parse::<u32>().is_ok())
            .map(|u| u.role.as_str())
            .collect();
        assert!(!copies.is_empty(), "{name}: no copies in the network");
        // `let abs2_c1: T = …` in `eval`, `let c1: T = …` in a block
        assert!(
            !code.contains("_c1 : T =") && !code.contains("let c1 : T ="),
            "{name}: a copy is computed again"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn merged_code_is_the_unmerged_network_bit_for_bit(x in float(), y in float(), z in float()) {
        let nets = nets();
        let got = [
            Square12::eval(x),
            Wide::eval(x),
            Product::eval(x, y),
            Mix::eval(x, y, z),
        ];
        let points: [&[f64]; 4] = [&[x], &[x], &[x, y], &[x, y, z]];
        for ((c, _), (got, point)) in nets.iter().zip(got.into_iter().zip(points)) {
            let want = eval::eval_f64(&c.net, point);
            prop_assert!(same(got, want), "{} at {:?}: {:e} vs {:e}", c.spec.name, point, got, want);
        }
    }
}
