//! The values the generated code computes once ([`Twins`]) against the
//! network as built, over a campaign of random networks: each network is
//! evaluated in `f64` the way the generated code is (copies read from the
//! first unit, mirrors negating their pair's pre-activation, merged pairs
//! read as magnitudes, a unit computed only when something computed reads
//! it) and unit by unit, every sum in the generated code's order, at
//! random points and at the bit patterns IEEE arithmetic makes special.
//! The two must agree bit for bit; and with the core's evaluator as
//! numbers (it starts every sum from the bias, +0 included, so only the
//! sign of a zero output may differ).

use num_traits::ToPrimitive;
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

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random DSL line: a polynomial in one to three inputs (degree ≤ 4,
/// coefficients of mixed sizes), every codebook size and both
/// quantizations, or a Taylor network, or an elementary function.
fn line(rng: &mut Rng) -> String {
    let vars = ["x", "y", "z"];
    match rng.below(10) {
        0 => {
            let f = ["exp(-x^2)", "sin(3*x)", "1/(1 + x^2)", "sqrt(x + 2)"][rng.below(4) as usize];
            let eps = [20, 100, 1000][rng.below(3) as usize];
            format!("net E(x) = {f} where eps = 1/{eps};")
        }
        1 => {
            let d = 1 + rng.below(2) as usize;
            let inputs: Vec<String> = vars[..d].iter().map(|v| format!("{v} in [0, 1]")).collect();
            let target = if d == 1 { "x^3 - x/2" } else { "x*y + y^2/3" };
            let (order, grid) = (1 + rng.below(2), 2 + rng.below(3));
            format!(
                "net T({}) = {target} where structure = taylor, n = {order}, N = {grid}, r = 4;",
                inputs.join(", ")
            )
        }
        _ => {
            let d = 1 + rng.below(3) as usize;
            let signed = rng.below(2) == 0;
            let inputs: Vec<String> = vars[..d]
                .iter()
                .map(|v| {
                    if signed {
                        format!("{v} in [-1, 1]")
                    } else {
                        (*v).to_string()
                    }
                })
                .collect();
            let mut terms = Vec::new();
            for _ in 0..1 + rng.below(5) {
                let size = if rng.below(4) == 0 { 40 } else { 7 };
                let num = 1 + rng.below(size);
                let den = 1 + rng.below(9);
                let mut t = format!("{num}/{den}");
                for v in &vars[..d] {
                    let e = rng.below(3);
                    if e > 0 {
                        t.push_str(&format!("*{v}^{e}"));
                    }
                }
                terms.push(t);
            }
            let lambda = 2 + rng.below(5);
            let quantization = if rng.below(3) == 0 {
                ", quantization = linear"
            } else {
                ""
            };
            format!(
                "net P({}) = {} where r = {}, lambda = {lambda}{quantization};",
                inputs.join(", "),
                terms.join(" - "),
                2 + rng.below(6)
            )
        }
    }
}

/// Special bit patterns a third of the time, else a point in or near
/// [−1, 1].
fn point(rng: &mut Rng) -> f64 {
    const SPECIAL: [f64; 10] = [
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
    ];
    if rng.below(3) == 0 {
        SPECIAL[rng.below(SPECIAL.len() as u64) as usize]
    } else {
        3.0 * rng.unit() - 1.5
    }
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn values_computed_once_are_the_network_bit_for_bit() {
    let mut rng = Rng(18);
    let (mut built, mut copies, mut mirrors) = (0, 0, 0);
    for _ in 0..300 {
        let text = line(&mut rng);
        // lines the guard or the construction refuses are fine to skip
        let Ok(nets) = crate::source::compile(&text) else {
            continue;
        };
        let net = &nets[0].construction.net;
        let twins = Twins::new(net);
        built += 1;
        copies += (0..net.units().len())
            .filter(|&u| twins.alias[u] != u)
            .count();
        mirrors += (0..net.units().len())
            .filter(|&u| twins.mirror_of(u).is_some() && twins.computed(u))
            .count();
        for _ in 0..40 {
            let x: Vec<f64> = (0..net.dim()).map(|_| point(&mut rng)).collect();
            let want = unshared(net, &x);
            let got = shared(net, &twins, &x);
            assert!(same(got, want), "{text} at {x:?}: {got:e} vs {want:e}");
            let core = qrelu_core::eval::eval_f64(net, &x);
            assert!(
                got == core || (got.is_nan() && core.is_nan()),
                "{text} at {x:?}: {got:e} vs the core's {core:e}"
            );
        }
    }
    eprintln!("{built} networks, {copies} copies, {mirrors} computed mirrors");
    // the campaign exercises what it checks
    assert!(built >= 200, "{built} networks built");
    assert!(copies > 1_000, "{copies} copies");
    assert!(mirrors > 100, "{mirrors} computed mirrors");
}
