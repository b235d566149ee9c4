//! `qrelu info`: what was built — the tour's columns for each net, then the
//! parts of the paper's Tables 1–2 (B_w, B_N, B_abs, B_s, B_h, B_mul, the
//! output) with their instances, units, weights, width and depth.

use std::fmt::Write;

use qrelu_core::rational;
use qrelu_syntax::source::Compiled;

use crate::Failure;
use crate::source::Source;

/// Runs `qrelu info SOURCE`.
pub fn run(source: &str) -> Result<(), Failure> {
    let nets = Source::read(source)?.compile()?;
    print!("{}", table(&nets));
    Ok(())
}

/// The target as DSL text.
pub fn target_text(c: &Compiled) -> String {
    let names: Vec<&str> = c
        .construction
        .spec
        .inputs
        .iter()
        .map(String::as_str)
        .collect();
    c.construction.spec.target.display_with(&names)
}

/// The domain as written in the DSL, `x in [0, 1], y in [-1, 1]`.
pub fn domain_text(c: &Compiled) -> String {
    let spec = &c.construction.spec;
    spec.inputs
        .iter()
        .zip(&spec.domain)
        .map(|(name, (lo, hi))| {
            format!(
                "{name} in [{}, {}]",
                rational::display(lo),
                rational::display(hi)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The exact fixed-point format (`qrelu_core::fixed`): integer width and
/// input fractional bits, or why there is none.
pub fn fixed_text(c: &Compiled) -> String {
    match qrelu_core::fixed::plan(&c.construction.net, &c.construction.spec.domain) {
        Ok(p) => format!(
            "eval_fixed: i{} with inputs X/2^{}, values and output Y/2^{} (every value within {} bits)",
            p.format.width, p.format.frac_bits, p.format.scale, p.format.needed_bits
        ),
        Err(e) => format!("no exact fixed-point form: {e}"),
    }
}

/// A short decimal for an exact value.
pub fn sci(q: &rational::Rational) -> String {
    format!("{:.3e}", rational::to_f64(q))
}

/// The summary of every net, then the parts of each.
pub fn table(nets: &[Compiled]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:<10} {:>3} {:>3} {:>3} {:<9} {:>8} {:>7} {:>5} {:>6} {:>8} {:>10}",
        "net",
        "structure",
        "r",
        "t",
        "λ",
        "codebook",
        "weights",
        "units",
        "depth",
        "width",
        "bits",
        "bound"
    );
    for c in nets {
        let (s, p, m) = (
            &c.construction.spec,
            &c.construction.params,
            &c.construction.metrics,
        );
        let _ = writeln!(
            out,
            "{:<12} {:<10} {:>3} {:>3} {:>3} {:<9} {:>8} {:>7} {:>5} {:>6} {:>8} {:>10}",
            s.name,
            s.structure.name(),
            p.r.map_or("-".to_owned(), |r| r.to_string()),
            p.t,
            c.construction.net.codebook().lambda(),
            c.construction.net.codebook().quantization().name(),
            m.weights,
            m.units,
            m.depth,
            m.width,
            m.bits,
            sci(&c.construction.error_bound),
        );
    }
    for c in nets {
        let m = &c.construction.metrics;
        let _ = writeln!(
            out,
            "\n{}({}) = {}\n  codebook {{{}}}; bound {} (exact: {})",
            c.construction.spec.name,
            domain_text(c),
            target_text(c),
            c.construction
                .net
                .codebook()
                .values()
                .iter()
                .map(rational::display)
                .collect::<Vec<_>>()
                .join(", "),
            sci(&c.construction.error_bound),
            rational::display(&c.construction.error_bound),
        );
        let _ = writeln!(out, "  {}", fixed_text(c));
        let _ = writeln!(
            out,
            "  {:<8} {:>9} {:>7} {:>8} {:>6} {:>6}",
            "part", "instances", "units", "weights", "width", "depth"
        );
        for part in &m.parts {
            let _ = writeln!(
                out,
                "  {:<8} {:>9} {:>7} {:>8} {:>6} {:>6}",
                part.name, part.instances, part.units, part.weights, part.width, part.depth
            );
        }
    }
    out
}
