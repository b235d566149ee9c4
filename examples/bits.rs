//! How many bits does a ReLU network need to reach error ε? (issue 5)
//!
//! For each target and ε = 2^−4 … 2^−20 this builds, and stores with honest
//! accounting (every weight and bias, plus the sparse structure — see
//! `qrelu_core::metrics::honest_bits`):
//!
//! - **unquantized** reference networks (free exact weights, the classical
//!   squaring form) built for ε, stored as `f64` and as `f32`; the `f32`
//!   copy is a rounding of every parameter, so its error is *measured*
//!   (it is not covered by the construction's bound);
//! - **uniform** `Q_η` of the unquantized network built for ε/2: with the
//!   η the Lipschitz bound K guarantees (`quantize::uniform::eta_for`), and
//!   with the coarsest η = 2^−k whose measured error is still ≤ ε (a
//!   bisection on k, assuming the error grows with η — it is a
//!   measurement, not a guarantee);
//! - **codebook** networks, λ ∈ {2, 3, 4}, `structure = direct`, and
//!   `structure = taylor` (n = 2) where the target is in F_{d,2} on
//!   [0, 1]^d, with the paper's choices of N, r and t (eqs. 26–28).
//!
//! Errors: one input — *certified* (the runtime's exact sweep over every
//! linear piece, `certify_1d_with`); two inputs — the maximum over a
//! 33×33 grid of non-dyadic points, in `f64` (a lower bound of the sup; a
//! study, not a proof). Networks above 10^6 weights are skipped.
//!
//! Then it fits, per target and scheme, the slope of log2(bits) against
//! log2(1/ε) and writes an SVG plot (see the end of the output).
//!
//! Run with `cargo run --release --example bits`.

mod common;

use std::time::Instant;

use common::{plot, slope};
use num_traits::Zero;
use plotters::prelude::*;
use qrelu::Exact;
use qrelu::check::certify_1d_with;
use qrelu_core::eval::Evaluator;
use qrelu_core::net::Net;
use qrelu_core::quantize::uniform::{Rounding, eta_for, lipschitz, uniform};
use qrelu_core::rational::{self, Rational, pow2, ratio};
use qrelu_core::{Codebook, Poly, metrics};
use qrelu_core::{Construction, NetSpec, Structure, build, build_unquantized, estimate_weights};

/// Networks above this many weights are not built.
const MAX_WEIGHTS: u64 = 1_000_000;

/// One-input networks up to this many units are certified (a sweep
/// evaluates the whole network once per linear piece); larger ones are
/// measured on the grid, like two-input ones.
const CERTIFY_UNITS: usize = 4_000;

/// One target of the study.
struct Target {
    name: &'static str,
    inputs: &'static [&'static str],
    domain: Vec<(Rational, Rational)>,
    poly: Poly,
    /// whether `structure = taylor` (n = 2) applies: [0, 1]^d and F_{d,2}
    taylor: bool,
}

fn targets() -> Vec<Target> {
    let p = |dim: usize, terms: &[(i64, i64, &[u32])]| {
        Poly::from_terms(
            dim,
            terms.iter().map(|(a, b, e)| (ratio(*a, *b), e.to_vec())),
        )
    };
    let unit = || (ratio(0, 1), ratio(1, 1));
    vec![
        Target {
            name: "x^2",
            inputs: &["x"],
            domain: vec![unit()],
            poly: p(1, &[(1, 1, &[2])]),
            // f'' = 2 > 1: outside F_{1,2}
            taylor: false,
        },
        Target {
            name: "x*y",
            inputs: &["x", "y"],
            domain: vec![unit(), unit()],
            poly: p(2, &[(1, 1, &[1, 1])]),
            taylor: true,
        },
        Target {
            name: "3/4x^3-x/2+1/8",
            inputs: &["x"],
            domain: vec![unit()],
            poly: p(1, &[(3, 4, &[3]), (-1, 2, &[1]), (1, 8, &[0])]),
            // f' reaches 7/4 > 1: outside F_{1,2}
            taylor: false,
        },
        Target {
            name: "x^3/6-x^2/4+x/3",
            inputs: &["x"],
            domain: vec![unit()],
            poly: p(1, &[(1, 6, &[3]), (-1, 4, &[2]), (1, 3, &[1])]),
            taylor: true,
        },
        Target {
            name: "(x^2y+xy^2-y^3)/6+x/4",
            inputs: &["x", "y"],
            domain: vec![unit(), unit()],
            poly: p(
                2,
                &[
                    (1, 6, &[2, 1]),
                    (1, 6, &[1, 2]),
                    (-1, 6, &[0, 3]),
                    (1, 4, &[1, 0]),
                ],
            ),
            taylor: true,
        },
    ]
}

/// A network not built: target, scheme, ε exponent, estimated weights.
type Skipped = (&'static str, String, u32, u64);

/// One point of a series.
#[derive(Clone, Debug)]
struct Row {
    target: &'static str,
    scheme: String,
    eps_exp: u32,
    weights: usize,
    depth: usize,
    /// bits per stored weight
    per_weight: u32,
    /// honest total: parameters and structure
    bits: u64,
    /// the a-priori (or guaranteed) bound, when there is one
    bound: Option<f64>,
    /// measured sup error
    measured: f64,
    /// whether `measured` is certified
    certified: bool,
}

fn spec_for(t: &Target, eps: &Rational) -> NetSpec {
    let mut spec = NetSpec::new(t.name, t.inputs, t.poly.clone());
    spec.domain = t.domain.clone();
    spec.eps = Some(eps.clone());
    spec.max_weights = MAX_WEIGHTS;
    spec
}

/// The measured sup error of `net` against the target: certified in 1-D,
/// an `f64` grid in 2-D. Returns (error, certified).
fn measure(t: &Target, net: &Net) -> (f64, bool) {
    if t.inputs.len() == 1 && net.units().len() <= CERTIFY_UNITS {
        let terms: Vec<(Exact, u32)> = t.poly.terms().map(|(e, c)| (c.clone(), e[0])).collect();
        let (lo, hi) = &t.domain[0];
        let c = certify_1d_with(net, &terms, lo, hi, &Rational::zero())
            .expect("a network is piecewise affine");
        (rational::to_f64(&c.upper), true)
    } else {
        let mut worst = 0f64;
        let axis = |(lo, hi): &(Rational, Rational), k: usize, m: usize| {
            let (lo, hi) = (rational::to_f64(lo), rational::to_f64(hi));
            lo + (hi - lo) * ((k as f64 + 1.0 / 3.0) / m as f64)
        };
        // 33 × 33 points in 2-D, 1089 in 1-D
        let points: Vec<Vec<f64>> = if t.inputs.len() == 1 {
            (0..1089)
                .map(|k| vec![axis(&t.domain[0], k, 1089)])
                .collect()
        } else {
            (0..33 * 33)
                .map(|k| {
                    vec![
                        axis(&t.domain[0], k / 33, 33),
                        axis(&t.domain[1], k % 33, 33),
                    ]
                })
                .collect()
        };
        let flat = Evaluator::<f64>::new(net);
        for x in &points {
            let xq: Vec<Rational> = x
                .iter()
                .map(|v| Rational::from_float(*v).expect("finite"))
                .collect();
            let target = rational::to_f64(&t.poly.eval(&xq));
            worst = worst.max((flat.at(x) - target).abs());
        }
        (worst, false)
    }
}

/// Honest bits of `net` if every parameter took `bits` bits (the
/// structure part of `honest_bits` kept).
fn honest_with(net: &Net, bits: u64) -> u64 {
    let m = metrics::metrics(net);
    let receivers = m.units as u64 + 1;
    let params = m.weights as u64 + receivers;
    let own = u64::from(net.codebook().index_bits());
    metrics::honest_bits(net) - params * own + params * bits
}

/// `net` with every parameter rounded to the nearest `f32`.
fn to_f32(net: &Net) -> Net {
    net.requantized(Codebook::unquantized(), |v| {
        let f = rational::to_f64(v) as f32;
        Rational::from_float(f64::from(f)).expect("finite")
    })
    .expect("every rational is an unquantized weight")
}

fn row(
    t: &Target,
    scheme: &str,
    k: u32,
    net: &Net,
    per_weight: u32,
    bits: u64,
    bound: Option<&Rational>,
) -> Row {
    let m = metrics::metrics(net);
    let (measured, certified) = measure(t, net);
    Row {
        target: t.name,
        scheme: scheme.to_owned(),
        eps_exp: k,
        weights: m.weights,
        depth: m.depth,
        per_weight,
        bits,
        bound: bound.map(rational::to_f64),
        measured,
        certified,
    }
}

/// The coarsest η = 2^−j, j ≤ `finest`, whose quantized network measures
/// ≤ ε, by bisection on j (assumes the error grows with η).
fn coarsest_measured(t: &Target, net: &Net, eps: f64, finest: i64) -> Option<(Rational, Net)> {
    let ok = |j: i64| {
        let q = uniform(net, &pow2(-j), Rounding::Nearest).ok()?;
        (measure(t, &q).0 <= eps).then_some(q)
    };
    let mut best = (finest, ok(finest)?);
    let (mut lo, mut hi) = (0i64, finest);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match ok(mid) {
            Some(q) => {
                if mid < best.0 {
                    best = (mid, q);
                }
                hi = mid;
            }
            None => lo = mid + 1,
        }
    }
    Some((pow2(-best.0), best.1))
}

fn study(t: &Target, k: u32, rows: &mut Vec<Row>, skipped: &mut Vec<Skipped>) {
    let eps = pow2(-i64::from(k));
    let eps_f = rational::to_f64(&eps);
    // (a) unquantized, built for ε
    if let Ok(free) = build_unquantized(&spec_for(t, &eps)) {
        let net = &free.net;
        let b64 = metrics::honest_bits(net);
        rows.push(row(
            t,
            "unquantized f64",
            k,
            net,
            64,
            b64,
            Some(&free.error_bound),
        ));
        let single = to_f32(net);
        rows.push(row(
            t,
            "unquantized f32",
            k,
            &single,
            32,
            honest_with(net, 32),
            None,
        ));
    }
    // (b) uniform Q_η of the unquantized network built for ε/2
    let half = &eps / rational::int(2);
    if let Ok(free) = build_unquantized(&spec_for(t, &half)) {
        let l = lipschitz(&free.net, &t.domain, &ratio(1, 1024)).expect("a domain per input");
        if let Some(eta) = eta_for(&l, Rounding::Nearest, &eps, &free.error_bound) {
            let q = uniform(&free.net, &eta, Rounding::Nearest).expect("η > 0");
            let per = q.codebook().index_bits();
            rows.push(row(
                t,
                "uniform, η from K",
                k,
                &q,
                per,
                metrics::honest_bits(&q),
                Some(&eps),
            ));
            let finest = -rational::power_of_two_exponent(&eta).unwrap_or(0);
            if let Some((_, q)) = coarsest_measured(t, &free.net, eps_f, finest) {
                let per = q.codebook().index_bits();
                rows.push(row(
                    t,
                    "uniform, measured",
                    k,
                    &q,
                    per,
                    metrics::honest_bits(&q),
                    None,
                ));
            }
        }
    }
    // (c) codebooks
    for lambda in [2u32, 3, 4] {
        let mut spec = spec_for(t, &eps);
        spec.lambda = lambda;
        if let Ok(c) = build(&spec) {
            codebook_row(t, &format!("direct λ={lambda}"), k, &c, rows);
        }
        if t.taylor {
            spec.structure = Structure::Taylor;
            spec.n = Some(2);
            match build(&spec) {
                Ok(c) => codebook_row(t, &format!("taylor n=2 λ={lambda}"), k, &c, rows),
                Err(_) => {
                    let weights = estimate_weights(&spec).unwrap_or(0);
                    skipped.push((t.name, format!("taylor n=2 λ={lambda}"), k, weights));
                }
            }
        }
    }
}

fn codebook_row(t: &Target, scheme: &str, k: u32, c: &Construction, rows: &mut Vec<Row>) {
    let per = c.net.codebook().index_bits();
    rows.push(row(
        t,
        scheme,
        k,
        &c.net,
        per,
        c.metrics.honest_bits,
        Some(&c.error_bound),
    ));
}

fn main() {
    let start = Instant::now();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let exps: Vec<u32> = (4..=20).step_by(2).collect();
    for t in &targets() {
        for &k in &exps {
            study(t, k, &mut rows, &mut skipped);
        }
    }
    println!(
        "| target | ε | scheme | weights | depth | bits/weight | total bits | bound | measured |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | 2^-{} | {} | {} | {} | {} | {} | {} | {:.2e}{} |",
            r.target,
            r.eps_exp,
            r.scheme,
            r.weights,
            r.depth,
            r.per_weight,
            r.bits,
            r.bound.map_or("—".to_owned(), |b| format!("{b:.2e}")),
            r.measured,
            if r.certified { " (certified)" } else { "" }
        );
    }
    println!();
    println!("Growth per series: the slope of log2(total bits) against log2(1/ε)");
    println!("(a power of 1/ε) and against log2(log2(1/ε)) (a power of log(1/ε)).");
    println!("| target | scheme | points | vs 1/ε | vs log(1/ε) |");
    println!("|---|---|---|---|---|");
    let mut series: Vec<(&str, String)> = Vec::new();
    for r in &rows {
        if !series.iter().any(|(t, s)| *t == r.target && *s == r.scheme) {
            series.push((r.target, r.scheme.clone()));
        }
    }
    for (target, scheme) in &series {
        let pts: Vec<&Row> = rows
            .iter()
            .filter(|r| r.target == *target && r.scheme == *scheme)
            .collect();
        if pts.len() < 3 {
            println!("| {target} | {scheme} | {} | — | — |", pts.len());
            continue;
        }
        let xs: Vec<f64> = pts.iter().map(|r| f64::from(r.eps_exp)).collect();
        let logs: Vec<f64> = xs.iter().map(|x| x.log2()).collect();
        let ys: Vec<f64> = pts.iter().map(|r| (r.bits as f64).log2()).collect();
        println!(
            "| {target} | {scheme} | {} | {:.2} | {:.2} |",
            pts.len(),
            slope(&xs, &ys),
            slope(&logs, &ys)
        );
    }
    if !skipped.is_empty() {
        println!(
            "\nNot built (over {MAX_WEIGHTS} weights by the estimate made before building), from:"
        );
        let mut seen: Vec<(&str, String)> = Vec::new();
        for (target, scheme, k, weights) in &skipped {
            if !seen.iter().any(|(t, s)| t == target && s == scheme) {
                seen.push((target, scheme.clone()));
                println!("- {target}, {scheme}: from ε = 2^-{k} (about {weights} weights)");
            }
        }
    }
    let dir = std::path::Path::new("target/plots");
    let path = dir.join("bits.svg");
    match std::fs::create_dir_all(dir)
        .map_err(Into::into)
        .and_then(|()| plot(&rows, &path))
    {
        Ok(()) => println!("\nPlot: {}", path.display()),
        Err(e) => println!("\nPlot not written: {e}"),
    }
    println!("\nElapsed: {:.1} s", start.elapsed().as_secs_f64());
}

/// The schemes drawn, with their colours: the codebook lines only for
/// λ = 2 (λ = 3, 4 lie just above them, see the table).
const DRAWN: [(&str, RGBColor); 6] = [
    ("unquantized f64", RGBColor(127, 127, 127)),
    ("unquantized f32", RGBColor(188, 189, 34)),
    ("uniform, η from K", RGBColor(214, 39, 40)),
    ("uniform, measured", RGBColor(255, 127, 14)),
    ("direct λ=2", RGBColor(31, 119, 180)),
    ("taylor n=2 λ=2", RGBColor(44, 160, 44)),
];

/// Total bits against 1/ε, log–log, one panel per target, one line per
/// scheme.
fn plot(rows: &[Row], path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let names: Vec<&str> = {
        let mut v: Vec<&str> = rows.iter().map(|r| r.target).collect();
        v.dedup();
        v
    };
    let root = SVGBackend::new(path, (1200, 760)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(
        "Total storage bits (honest: parameters and structure) against 1/ε",
        ("sans-serif", 20),
    )?;
    let panels = root.split_evenly((2, 3));
    let (y0, y1) = rows.iter().fold((f64::MAX, 0f64), |(a, b), r| {
        (a.min(r.bits as f64), b.max(r.bits as f64))
    });
    for (panel, name) in panels.iter().zip(&names) {
        let mut chart = plot::log_log(
            panel,
            (name, 15, 8),
            (8.0, 2f64.powi(21)),
            (y0 / 2.0, y1 * 2.0),
            None,
        )?;
        for (scheme, colour) in &DRAWN {
            let pts: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r.target == *name && r.scheme == *scheme)
                .map(|r| (2f64.powi(r.eps_exp as i32), r.bits as f64))
                .collect();
            if pts.is_empty() {
                continue;
            }
            plot::series(
                &mut chart,
                &pts,
                *colour,
                2,
                Some(((*scheme).to_owned(), 20)),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(("sans-serif", 10))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
