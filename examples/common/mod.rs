//! What the studies (`theorem1`, `bits`, `lipschitz`) share, as a real
//! module each of them declares with `mod common;`: log–log plots
//! ([`plot`]) and the least-squares slope they fit ([`slope`]). Not an
//! example itself (Cargo only builds `examples/*.rs` and
//! `examples/*/main.rs`); the core's evaluator, certificates and
//! constructions come from its public API.
#![allow(dead_code)]

pub mod plot;

/// Least-squares slope of `ys` against `xs` (the studies' growth rates).
pub fn slope(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    sxy / sxx
}
