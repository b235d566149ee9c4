//! Behaviour preserved: a fixed set of invocations across every structure,
//! codebook and λ — through the macro, and the core's unquantized, uniform
//! and gadget networks — exported and compared byte for byte with copies
//! checked in under `tests/golden/` (units, edges, biases, blocks, output,
//! bound). The copies were made before the core redesign of issue 14; a
//! change to any of them is a change to what a network *is*.
//!
//! To re-bless after an intended change, run with `QRELU_BLESS=1` and
//! review the diff of `tests/golden/` like code.

use std::path::PathBuf;

use qrelu_core::export::json::to_json;
use qrelu_core::quantize::Codebook;
use qrelu_core::quantize::uniform::{Rounding, uniform};
use qrelu_core::rational::{int, ratio};
use qrelu_core::{Construction, NetSpec, Structure, build, build_unquantized};
use qrelu_core::{Net, Poly};

qrelu::qrelu! {
    // structure = direct, nonlinear codebooks
    net Square6(x) = x^2 where r = 6, lambda = 2;
    net SquareSigned(x in [-1, 1]) = x^2 where r = 8, lambda = 3;
    net Product(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, t = 12, lambda = 3;
    net Cubic(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4;
    net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 6, t = 10, lambda = 3;
    net BigConstant(x in [-1, 1]) = -7/3 - 5/3*x^2 + 4/5*x^4 where r = 7, t = 5, lambda = 2;
    net Square16(x) = x^2 where r = 4, lambda = 6;
    net QuarticEps(x) = x^4 - x^2/2 where eps = 1/1000, lambda = 4;
    net QuarticTuned(x in [-1, 1]) = x^4 - x^2/2 + x/3 where eps = 1/500, tune = smallest, lambda = 3;
    // structure = direct, linear codebooks
    net CubicLinear(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 5, quantization = linear;
    net ProductLinear(x in [-1, 1], y in [-1, 1]) = x*y where r = 6, lambda = 9, quantization = linear;
    // structure = taylor (Theorem 1)
    net SmoothN2(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, N = 8, r = 6;
    net SmoothN3(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 3, N = 4, r = 5, lambda = 4;
    net Saddle(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, N = 2, r = 4, lambda = 3;
    net SmoothEps(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 3, eps = 1/40;
    net SmoothTuned(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, eps = 1/200, tune = smallest;
    net SmoothLinear(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, N = 4, r = 4, lambda = 5, quantization = linear;
    // structure = lipschitz (Theorem 2)
    net Wiggle(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256;
    net WiggleLinear(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, lambda = 5, quantization = linear;
    net WiggleTuned(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, tune = smallest;
    net HalfSquare(x) = x^2/2 where structure = lipschitz, eps = 1/64, lambda = 3;
    net Falling(x) = 1/2 - x where structure = lipschitz, eps = 1/16;
}

/// `(name, JSON)` of every macro-built network above.
fn macro_nets() -> Vec<(&'static str, &'static str)> {
    macro_rules! nets {
        ($($n:ident),* $(,)?) => { vec![$((stringify!($n), $n::JSON)),*] };
    }
    nets![
        Square6,
        SquareSigned,
        Product,
        Cubic,
        Mix,
        BigConstant,
        Square16,
        QuarticEps,
        QuarticTuned,
        CubicLinear,
        ProductLinear,
        SmoothN2,
        SmoothN3,
        Saddle,
        SmoothEps,
        SmoothTuned,
        SmoothLinear,
        Wiggle,
        WiggleLinear,
        WiggleTuned,
        HalfSquare,
        Falling,
    ]
}

fn smooth() -> Poly {
    let x = Poly::var(1, 0);
    x.pow(3)
        .scale(&ratio(1, 6))
        .sub(&x.pow(2).scale(&ratio(1, 4)))
        .add(&x.scale(&ratio(1, 3)))
}

/// A network without a construction around it, exported with the JSON of
/// a construction whose spec names it.
fn bare(name: &str, net: Net) -> String {
    let names: Vec<&str> = net.inputs().iter().map(String::as_str).collect();
    let mut spec = NetSpec::new(name, &names, Poly::zero(names.len()));
    spec.r = Some(1);
    let mut c = build(&spec).expect("the zero target builds");
    c.metrics = qrelu_core::metrics::metrics(&net);
    c.net = net;
    to_json(&c)
}

/// The core's networks the tests and studies build without the macro: the
/// unquantized references, a uniform quantization, and gadgets.
fn core_nets() -> Vec<(&'static str, String)> {
    let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
    let mut out = Vec::new();

    let mut cubic = NetSpec::new(
        "FreeCubic",
        &["x"],
        Poly::var(1, 0)
            .pow(3)
            .scale(&ratio(3, 4))
            .sub(&Poly::var(1, 0).scale(&ratio(1, 2)))
            .add(&Poly::constant(1, ratio(1, 8))),
    );
    cubic.r = Some(6);
    let free_cubic: Construction = build_unquantized(&cubic).unwrap();
    out.push(("FreeCubic", to_json(&free_cubic)));

    let mut mixed = NetSpec::new(
        "FreeMixed",
        &["x", "y"],
        x.pow(2)
            .mul(&y)
            .scale(&ratio(1, 2))
            .sub(&x.mul(&y.pow(2)).scale(&ratio(3, 4)))
            .add(&x.pow(4)),
    );
    mixed.domain = vec![(int(-1), int(1)); 2];
    mixed.r = Some(3);
    out.push(("FreeMixed", to_json(&build_unquantized(&mixed).unwrap())));

    let mut eps = NetSpec::new("FreeEps", &["x"], smooth());
    eps.eps = Some(ratio(1, 5000));
    out.push(("FreeEps", to_json(&build_unquantized(&eps).unwrap())));

    let mut taylor = NetSpec::new("FreeTaylor", &["x"], smooth());
    taylor.structure = Structure::Taylor;
    (taylor.n, taylor.grid, taylor.r) = (Some(2), Some(4), Some(4));
    out.push(("FreeTaylor", to_json(&build_unquantized(&taylor).unwrap())));

    let mut saddle = NetSpec::new("FreeSaddle", &["x", "y"], x.pow(2).sub(&y.pow(2)));
    saddle.target = saddle
        .target
        .poly()
        .expect("a polynomial")
        .scale(&ratio(1, 4))
        .into();
    saddle.structure = Structure::Taylor;
    (saddle.n, saddle.grid, saddle.r) = (Some(2), Some(2), Some(3));
    out.push(("FreeSaddle", to_json(&build_unquantized(&saddle).unwrap())));

    let q = uniform(&free_cubic.net, &ratio(1, 64), Rounding::Nearest).unwrap();
    out.push(("UniformCubic", bare("UniformCubic", q)));
    let q = uniform(&free_cubic.net, &ratio(1, 16), Rounding::Floor).unwrap();
    out.push(("UniformFloor", bare("UniformFloor", q)));

    let square = qrelu_core::gadget::square::network(5, Codebook::nonlinear(3, 12).unwrap());
    out.push(("GadgetSquare", bare("GadgetSquare", square.unwrap())));
    let (w, _) =
        qrelu_core::gadget::weight::network(&ratio(-5, 7), 9, Codebook::nonlinear(3, 9).unwrap())
            .unwrap();
    out.push(("GadgetWeight", bare("GadgetWeight", w)));
    let p =
        qrelu_core::construct::taylor::partition_of_unity(3, Codebook::nonlinear(2, 6).unwrap());
    out.push(("GadgetPartition", bare("GadgetPartition", p.unwrap())));
    out
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `text` with `tests/golden/{name}.json` (or writes it when
/// blessing); returns a description of the difference, if any.
fn compare(name: &str, text: &str) -> Option<String> {
    let path = golden_dir().join(format!("{name}.json"));
    if std::env::var_os("QRELU_BLESS").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, text).unwrap();
        return None;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return Some(format!("{name}: cannot read {}: {e}", path.display())),
    };
    if expected == text {
        return None;
    }
    let line = expected
        .lines()
        .zip(text.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(text.lines().count()));
    Some(format!(
        "{name}: differs from the checked-in copy at line {}:\n  was: {}\n  now: {}",
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        text.lines().nth(line).unwrap_or("<end>")
    ))
}

#[test]
fn every_network_is_the_one_checked_in() {
    let mut failures = Vec::new();
    let nets: Vec<(&str, String)> = macro_nets()
        .into_iter()
        .map(|(n, j)| (n, j.to_owned()))
        .chain(core_nets())
        .collect();
    assert!(
        nets.len() >= 30,
        "the fixed set has {} networks",
        nets.len()
    );
    for (name, text) in &nets {
        failures.extend(compare(name, text));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
