//! The time the `qrelu!` macro spends on each net of the tour's table 9
//! (targets beyond polynomials): parsing, validation (definedness proved
//! on the domain), construction and expansion into tokens, as the proc
//! macro runs them (`qrelu_syntax::expand`), in this process.
//!
//! `cargo run --release --example expansion`

use std::time::Instant;

const NETS: &[&str] = &[
    "pub net Exp(x in [-1, 1]) = exp(x) where eps = 1/256;",
    "pub net Bell(x in [-1, 1]) = exp(-x^2) where eps = 1/256;",
    "pub net Log1p(x) = log(1 + x) where eps = 1/256;",
    "pub net Sqrt1p(x) = sqrt(1 + x) where eps = 1/256;",
    "pub net Sine(x in [-1, 1]) = sin(3*x)/3 where eps = 1/128;",
    "pub net Cosine(x in [-1, 1]) = cos(pi*x)/2 where eps = 1/128;",
    "pub net Tanh(x in [-1, 1]) = tanh(2*x) where eps = 1/256;",
    "pub net Atan(x in [-1, 1]) = atan(x) where eps = 1/256;",
    "pub net Sigmoid(x in [-1, 1]) = 1/(1 + exp(-4*x)) where eps = 1/64, tune = smallest;",
    "pub net Kinks(x in [-1, 1]) = abs(x)/2 + max(x - 1/2, 0) - min(x, -1/4)/4 where r = 1;",
    "pub net Quotient(x) = x/(1 + x^2) where eps = 1/256;",
    "pub net Gap(x in [-1, 1], y in [-1, 1]) = abs(x - y)/2 + min(x, y)/4 where eps = 1/256;",
    "pub net Radial(x in [-1, 1], y in [-1, 1]) = exp(-(x^2 + y^2)) where eps = 1/64;",
    "pub net SoftTaylor(x) = log(1 + x)/2 where structure = taylor, n = 2, eps = 1/100, tune = smallest;",
    "pub net ExpTaylor(x) = exp(x)/3 where structure = taylor, n = 3, eps = 1/1000, tune = smallest;",
    "pub net WaveLipschitz(x) = sin(3*x)/3 where structure = lipschitz, eps = 1/512;",
    "pub net SigmoidLipschitz(x) = 1/(1 + exp(-2*x)) where structure = lipschitz, eps = 1/256, tune = smallest;",
];

fn main() {
    println!("{:<18} {:>10} {:>14}", "net", "time", "expansion");
    for src in NETS {
        let name = src
            .split_whitespace()
            .nth(2)
            .and_then(|n| n.split('(').next())
            .unwrap_or("?");
        let tokens: proc_macro2::TokenStream = src.parse().expect("a token stream");
        let start = Instant::now();
        let out = qrelu_syntax::expand(tokens);
        let time = start.elapsed();
        let text = out.to_string();
        assert!(!text.contains("compile_error"), "{name}: {text:.300}");
        println!("{name:<18} {:>10.1?} {:>10} bytes", time, text.len());
    }
}
