//! Shared by the integration tests: an independent reading of the
//! `qrelu-net/1` JSON and the codebook of eq. 9 recomputed here, so that
//! tests do not trust the compiler to check itself.
#![allow(dead_code, unused_macros)]

/// Runs `$body` once per network type listed, with `$N` naming it (the
/// generated networks are types, so a loop over them is a macro).
macro_rules! each_net {
    ($N:ident => $body:block; $($net:ty),* $(,)?) => {
        $( { type $N = $net; $body } )*
    };
}

#[macro_use]
pub mod hand;

use num_bigint::BigInt;
use num_traits::{One, Zero};
use qrelu::{Exact, Network, Scalar};
use qrelu_core::NetSpec;

/// `n/d` in the exact type.
pub fn q(n: i64, d: i64) -> Exact {
    Exact::new(BigInt::from(n), BigInt::from(d))
}

/// An independent reading of the `qrelu-net/1` JSON: structure, codebook
/// membership of every parameter, and its own evaluator.
pub struct JsonNet {
    pub codebook: Vec<Exact>,
    /// `None` for inputs
    pub units: Vec<Option<Affine>>,
    pub output: Affine,
}

/// A bias and `(source, weight)` edges.
pub type Affine = (Exact, Vec<(usize, Exact)>);

pub fn rat(v: &serde_json::Value) -> Exact {
    let s = v.as_str().expect("rationals are strings");
    let (n, d) = s.split_once('/').unwrap_or((s, "1"));
    Exact::new(n.parse().unwrap(), d.parse().unwrap())
}

pub fn edges(v: &serde_json::Value) -> Vec<(usize, Exact)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| (e[0].as_u64().unwrap() as usize, rat(&e[1])))
        .collect()
}

impl JsonNet {
    pub fn parse(text: &str) -> JsonNet {
        let v: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(v["format"], "qrelu-net/1");
        let codebook: Vec<Exact> = v["codebook"].as_array().unwrap().iter().map(rat).collect();
        let mut units = Vec::new();
        let mut seen_hidden = false;
        for (i, u) in v["units"].as_array().unwrap().iter().enumerate() {
            match u["kind"].as_str().unwrap() {
                "input" => {
                    assert!(!seen_hidden, "inputs come first");
                    units.push(None);
                }
                "relu" => {
                    seen_hidden = true;
                    let e = edges(&u["in"]);
                    assert!(
                        e.iter().all(|(s, _)| *s < i),
                        "topological order at unit {i}"
                    );
                    units.push(Some((rat(&u["bias"]), e)));
                }
                other => panic!("unknown unit kind {other}"),
            }
        }
        let output = (rat(&v["output"]["bias"]), edges(&v["output"]["in"]));
        assert!(output.1.iter().all(|(s, _)| *s < units.len()));
        JsonNet {
            codebook,
            units,
            output,
        }
    }

    pub fn assert_strict(&self, name: &str) {
        let ok_w = |w: &Exact| self.codebook.contains(w);
        let ok_b = |b: &Exact| b.is_zero() || self.codebook.contains(b);
        for (i, u) in self.units.iter().enumerate() {
            if let Some((b, e)) = u {
                assert!(ok_b(b), "{name}: bias {b} of unit {i}");
                for (s, w) in e {
                    assert!(ok_w(w), "{name}: weight {w} on edge {s}→{i}");
                }
                let mut srcs: Vec<usize> = e.iter().map(|(s, _)| *s).collect();
                srcs.sort_unstable();
                srcs.dedup();
                assert_eq!(srcs.len(), e.len(), "{name}: repeated edge into unit {i}");
            }
        }
        assert!(ok_b(&self.output.0), "{name}: output bias");
        for (s, w) in &self.output.1 {
            assert!(ok_w(w), "{name}: weight {w} on edge {s}→output");
        }
        // the dead-unit pass: every hidden unit reaches the output
        let mut live = vec![false; self.units.len()];
        for (s, _) in &self.output.1 {
            live[*s] = true;
        }
        for i in (0..self.units.len()).rev() {
            if let (true, Some((_, e))) = (live[i], &self.units[i]) {
                for (s, _) in e {
                    live[*s] = true;
                }
            }
        }
        for (i, u) in self.units.iter().enumerate() {
            assert!(
                u.is_none() || live[i],
                "{name}: unit {i} never reaches the output"
            );
        }
    }

    pub fn eval(&self, x: &[Exact]) -> Exact {
        let mut vals: Vec<Exact> = Vec::new();
        let mut next_input = 0;
        let lin = |b: &Exact, e: &[(usize, Exact)], vals: &[Exact]| {
            e.iter().fold(b.clone(), |acc, (s, w)| acc + w * &vals[*s])
        };
        for u in &self.units {
            let v = match u {
                None => {
                    next_input += 1;
                    x[next_input - 1].clone()
                }
                Some((b, e)) => lin(b, e, &vals).relu(),
            };
            vals.push(v);
        }
        lin(&self.output.0, &self.output.1, &vals)
    }
}

/// The codebook of eq. 9, computed here independently of the compiler.
pub fn expected_codebook(lambda: u32, t: u32) -> Vec<Exact> {
    let mut b = 1u64;
    while b.pow(lambda - 1) < u64::from(t) {
        b += 1;
    }
    let b = b.max(2);
    let mut v = vec![q(-1, 2), q(1, 2)];
    let mut e = 1u64;
    for _ in 0..lambda - 2 {
        e *= b;
        v.push(Exact::new(BigInt::one(), BigInt::one() << e));
    }
    v.sort();
    v
}

/// The linear codebook of Section 4.4 as documented:
/// `{−1/2 + k/(λ−1) : k = 0..λ−1}`, computed here independently.
pub fn expected_linear_codebook(lambda: u32) -> Vec<Exact> {
    let steps = i64::from(lambda) - 1;
    (0..=steps).map(|k| q(2 * k - steps, 2 * steps)).collect()
}

/// The codebook `INFO` promises, recomputed from its quantization, λ, t.
pub fn expected_codebook_of(info: &qrelu::NetInfo) -> Vec<Exact> {
    match info.quantization {
        "linear" => expected_linear_codebook(info.lambda),
        _ => expected_codebook(info.lambda, info.t.expect("t is set")),
    }
}

/// The spec the macro lowered `N` to, rebuilt from `INFO` (target, domain,
/// structure and parameters), so that the core's construction can be
/// compared with the generated code.
pub fn spec_of<N: Network>() -> NetSpec {
    NetSpec::from_info(&N::INFO)
}

/// Builds `spec`, checks that the size estimate made before building is
/// an upper bound, and reads the exported `qrelu-net/1` JSON back
/// independently: every parameter in the codebook, and the codebook equal
/// to eq. 9's (or L_λ's for `linear`) recomputed here. Returns both.
pub fn build_checked(spec: &NetSpec, linear: bool) -> (qrelu_core::Construction, JsonNet) {
    let c = qrelu_core::build(spec).unwrap();
    let estimate = qrelu_core::estimate_weights(spec).unwrap();
    assert!(
        estimate >= c.metrics.weights as u64,
        "estimate {estimate} below the built size"
    );
    let json = JsonNet::parse(&qrelu_core::export::json::to_json(&c));
    json.assert_strict(&spec.name);
    let expected = if linear {
        expected_linear_codebook(spec.lambda)
    } else {
        expected_codebook(spec.lambda, c.params.t)
    };
    assert_eq!(json.codebook, expected, "{}: codebook", spec.name);
    (c, json)
}
