//! Theorem 2 against Theorem 1 and the direct construction (issue 6):
//! weights and bits against 1/ε on the same one-variable targets.
//!
//! For each target (all with Lipschitz constant ≤ 1 on [0, 1], so in
//! F_{1,1}) and ε = 2^−4 … 2^−14, λ = 2, it builds
//!
//! - `lipschitz (Fig. 4)` — `structure = lipschitz`, Theorem 2's network:
//!   f^T plus the cached functions, m = 2^μ cells per interval (½log₂(1/ε)
//!   rounded down to a power of two), t = μ, T = 2^τ the smallest with
//!   the class bound (2^−t + 1/m)/T ≤ ε (`lipschitz::cached_params`);
//! - `f^T alone` — the interpolant of the paper's f̃ (eqs. 31–33) at
//!   T = 2^τ points, τ and t the smallest meeting ε by the exact bound on
//!   this target (`qrelu_core::build_interpolant`);
//!   what `tune = smallest` tries next to Fig. 4;
//! - `taylor n=1 tuned` — `structure = taylor` with n = 1 and
//!   `tune = smallest` (Theorem 1 for F_{1,1});
//! - `direct` (the polynomial itself, products through ×′);
//!
//! and prints weights, depth, bits (`weights·⌈log2 λ⌉`, the paper's
//! measure), the parameters, the exact a-priori bound and the error:
//! *certified* for networks up to 1,200 units, else the largest on a grid
//! of non-dyadic points (at least 4,097 and 4 per interval of f^T), and
//! panics if any error exceeds its bound. Then, per target and structure,
//! the slope of log2(bits) against log2(1/ε) and the range of bits·ε —
//! bits against the metric-entropy floor of the 1-Lipschitz class, about
//! 1/ε bits to tell its members apart at accuracy ε — and, per ε, Fig. 4's
//! T and m against the paper's T = 8/(ε log₂(1/ε)). It writes
//! `target/plots/lipschitz.svg`.
//!
//! Run with `cargo run --release --example lipschitz`.

mod common;

use std::time::Instant;

use common::{plot, slope};
use num_traits::Zero;
use plotters::prelude::*;
use qrelu::Exact;
use qrelu::check::certify_1d_with;
use qrelu_core::Poly;
use qrelu_core::construct::lipschitz;
use qrelu_core::eval::Evaluator;
use qrelu_core::net::Net;
use qrelu_core::rational::{self, Rational, pow2, ratio};
use qrelu_core::{Construction, NetSpec, Structure, build, build_interpolant};

/// Networks above this many weights are not built.
const MAX_WEIGHTS: u64 = 1_000_000;

/// The second slope fits ε ≤ 2^−TAIL only (Fig. 4's m is 4 from there).
const TAIL: u32 = 8;

/// Networks up to this many units are certified; larger ones measured.
const CERTIFY_UNITS: usize = 1_200;

/// The targets: name and polynomial in x.
fn targets() -> Vec<(&'static str, Poly)> {
    let p = |terms: &[(i64, i64, u32)]| {
        Poly::from_terms(1, terms.iter().map(|(a, b, k)| (ratio(*a, *b), vec![*k])))
    };
    // f′ = T_6(2x − 1)/2: six sign changes of the derivative
    let y = Poly::var(1, 0)
        .scale(&ratio(2, 1))
        .sub(&Poly::constant(1, ratio(1, 1)));
    let big_f = |y: &Poly| {
        y.pow(7)
            .scale(&ratio(32, 7))
            .sub(&y.pow(5).scale(&ratio(48, 5)))
            .add(&y.pow(3).scale(&ratio(6, 1)))
            .sub(y)
    };
    let wiggle = big_f(&y)
        .sub(&big_f(&Poly::constant(1, ratio(-1, 1))))
        .scale(&ratio(1, 4));
    vec![
        ("x^2/2", p(&[(1, 2, 2)])),
        ("x^3/3", p(&[(1, 3, 3)])),
        ("3/4(x-1/3)^2", p(&[(3, 4, 2), (-1, 2, 1), (1, 12, 0)])),
        ("x^3/3-x/4", p(&[(1, 3, 3), (-1, 4, 1)])),
        ("chebyshev wiggle", wiggle),
    ]
}

struct Row {
    target: &'static str,
    structure: &'static str,
    k: u32,
    weights: usize,
    depth: usize,
    bits: u64,
    params: String,
    bound: f64,
    measured: f64,
    /// `None`: certified; `Some(n)`: the largest over `n` grid points
    grid: Option<usize>,
    seconds: f64,
}

/// The error of `net` against `poly` on [0, 1]: certified (exact sweep
/// of the pieces) up to [`CERTIFY_UNITS`] units, else the largest over a
/// grid of `points` non-dyadic points.
fn measure(poly: &Poly, net: &Net, points: usize) -> (f64, Option<usize>) {
    if net.units().len() <= CERTIFY_UNITS {
        let terms: Vec<(Exact, u32)> = poly.terms().map(|(e, c)| (c.clone(), e[0])).collect();
        let c = certify_1d_with(net, &terms, &ratio(0, 1), &ratio(1, 1), &Rational::zero())
            .expect("a network is piecewise affine");
        (rational::to_f64(&c.upper), None)
    } else {
        let flat = Evaluator::<f64>::new(net);
        let coefficients: Vec<(f64, i32)> = poly
            .terms()
            .map(|(e, c)| (rational::to_f64(c), e[0] as i32))
            .collect();
        let n = points as f64;
        let worst = (0..points)
            .map(|k| {
                let x = (k as f64 + 1.0 / 3.0) / n;
                let exact: f64 = coefficients.iter().map(|(c, e)| c * x.powi(*e)).sum();
                (flat.at(&[x]) - exact).abs()
            })
            .fold(0f64, f64::max);
        (worst, Some(points))
    }
}

const FIG4: &str = "lipschitz (Fig. 4)";
const INTERP: &str = "f^T alone";
const TAYLOR: &str = "taylor n=1 tuned";
const DIRECT: &str = "direct";

const STRUCTURES: [(&str, RGBColor); 4] = [
    (FIG4, RGBColor(214, 39, 40)),
    (INTERP, RGBColor(255, 127, 14)),
    (TAYLOR, RGBColor(44, 160, 44)),
    (DIRECT, RGBColor(31, 119, 180)),
];

/// The parameters a construction used, for the table.
fn params(structure: &str, c: &Construction) -> String {
    match structure {
        FIG4 => format!(
            "T={} m={}",
            c.params.intervals.unwrap_or(0),
            c.params.cells.unwrap_or(0)
        ),
        INTERP => format!("T={} t={}", c.params.intervals.unwrap_or(0), c.params.t),
        TAYLOR => format!(
            "N={} r={} t={}",
            c.spec.grid.unwrap_or(1),
            c.params.r.unwrap_or(0),
            c.params.t
        ),
        _ => format!("r={} t={}", c.params.r.unwrap_or(0), c.params.t),
    }
}

fn main() {
    let start = Instant::now();
    let mut rows: Vec<Row> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for (name, poly) in &targets() {
        for k in (4..=14).step_by(2) {
            let eps = pow2(-i64::from(k));
            for (structure, _) in STRUCTURES {
                let mut spec = NetSpec::new(name, &["x"], poly.clone());
                spec.eps = Some(eps.clone());
                spec.max_weights = MAX_WEIGHTS;
                // Theorem 1 with n = 1 needs N ≈ 3·2/ε grid points (eq. 28);
                // past 2^-10 that is over the grid limit of 1024
                if structure == TAYLOR && k > 10 {
                    skipped.push(format!(
                        "{name}, {structure}, ε = 2^-{k}: N would exceed the grid limit 1024"
                    ));
                    continue;
                }
                let t0 = Instant::now();
                let built = match structure {
                    FIG4 => {
                        spec.structure = Structure::Lipschitz;
                        build(&spec)
                    }
                    INTERP => {
                        spec.structure = Structure::Lipschitz;
                        build_interpolant(&spec)
                    }
                    TAYLOR => {
                        spec.structure = Structure::Taylor;
                        spec.n = Some(1);
                        spec.tune = true;
                        build(&spec)
                    }
                    _ => build(&spec),
                };
                match built {
                    Ok(c) => {
                        if structure == FIG4 {
                            assert!(
                                c.params.cells.is_some(),
                                "{name}, 2^-{k}: Fig. 4 without cells"
                            );
                        }
                        // at least 4 points per interval of f^T
                        let points = 4097.max(4 * c.params.intervals.unwrap_or(0) as usize + 1);
                        let (measured, grid) = measure(poly, &c.net, points);
                        let m = &c.metrics;
                        let row = Row {
                            target: name,
                            structure,
                            k,
                            weights: m.weights,
                            depth: m.depth,
                            bits: m.bits,
                            params: params(structure, &c),
                            bound: rational::to_f64(&c.error_bound),
                            measured,
                            grid,
                            seconds: t0.elapsed().as_secs_f64(),
                        };
                        eprintln!(
                            "{name}, {structure}, 2^-{k}: {} weights, {:.1} s",
                            row.weights, row.seconds
                        );
                        rows.push(row);
                    }
                    Err(e) => skipped.push(format!("{name}, {structure}, ε = 2^-{k}: {e}")),
                }
            }
        }
    }
    println!(
        "| target | ε | structure | params | weights | depth | bits | bits·ε | bound | error | s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | 2^-{} | {} | {} | {} | {} | {} | {:.3} | {:.2e} | {:.2e}{} | {:.1} |",
            r.target,
            r.k,
            r.structure,
            r.params,
            r.weights,
            r.depth,
            r.bits,
            r.bits as f64 / 2f64.powi(r.k as i32),
            r.bound,
            r.measured,
            match r.grid {
                None => " (certified)".to_owned(),
                Some(n) => format!(" (grid {n})"),
            },
            r.seconds
        );
    }
    for r in &rows {
        assert!(
            r.measured <= r.bound * (1.0 + 1e-9),
            "a bound failed: {}, {}, ε = 2^-{}: error {:e} > bound {:e}",
            r.target,
            r.structure,
            r.k,
            r.measured,
            r.bound
        );
    }
    println!("\nFig. 4's parameters per ε (the same for every 1-Lipschitz target)");
    println!(
        "| ε | m | t | T | paper's T = 8/(ε log2(1/ε)) | T / paper's | bound (2^-t + 1/m)/T |"
    );
    println!("|---|---|---|---|---|---|---|");
    for k in (4..=14).step_by(2) {
        let eps = pow2(-i64::from(k));
        let mut spec = NetSpec::new("", &["x"], Poly::var(1, 0));
        spec.eps = Some(eps.clone());
        spec.max_weights = MAX_WEIGHTS;
        match lipschitz::cached_params(&spec) {
            Ok(p) => {
                let paper = lipschitz::paper_intervals(&eps);
                println!(
                    "| 2^-{k} | {} | {} | {} | {:.1} | {:.2} | 2^{} |",
                    p.cells(),
                    p.t(),
                    p.intervals(),
                    paper,
                    p.intervals() as f64 / paper,
                    rational::to_f64(&p.bound()).log2()
                );
            }
            Err(e) => println!("| 2^-{k} | {e} |"),
        }
    }
    println!(
        "\nper target and structure: slope of log2(bits) against log2(1/ε) (all ε / ε ≤ \
         2^-{TAIL}, where Fig. 4's m = 4 is fixed), and the range of bits·ε (bits over the \
         1/ε entropy floor)"
    );
    println!("| target | {} |", STRUCTURES.map(|(s, _)| s).join(" | "));
    println!("|---|---|---|---|---|");
    for (name, _) in &targets() {
        let fits: Vec<String> = STRUCTURES
            .iter()
            .map(|(s, _)| {
                // a constant network (0 weights) has no logarithm
                let pts: Vec<&Row> = rows
                    .iter()
                    .filter(|r| r.target == *name && r.structure == *s && r.bits > 0)
                    .collect();
                if pts.len() < 3 {
                    return format!("— ({} points)", pts.len());
                }
                let fit = |pts: &[&Row]| {
                    let xs: Vec<f64> = pts.iter().map(|r| f64::from(r.k)).collect();
                    let ys: Vec<f64> = pts.iter().map(|r| (r.bits as f64).log2()).collect();
                    slope(&xs, &ys)
                };
                let tail: Vec<&Row> = pts.iter().copied().filter(|r| r.k >= TAIL).collect();
                let tail = if tail.len() < 3 {
                    "—".to_owned()
                } else {
                    format!("{:.2}", fit(&tail))
                };
                let ratios: Vec<f64> = pts
                    .iter()
                    .map(|r| r.bits as f64 / 2f64.powi(r.k as i32))
                    .collect();
                let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = ratios.iter().copied().fold(0f64, f64::max);
                format!(
                    "{:.2} / {tail}, bits·ε {lo:.3}–{hi:.3} (2^-{}…2^-{})",
                    fit(&pts),
                    pts[0].k,
                    pts[pts.len() - 1].k
                )
            })
            .collect();
        println!("| {name} | {} |", fits.join(" | "));
    }
    if !skipped.is_empty() {
        println!("\nnot built:");
        for s in &skipped {
            println!("- {s}");
        }
    }
    let dir = std::path::Path::new("target/plots");
    let path = dir.join("lipschitz.svg");
    match std::fs::create_dir_all(dir)
        .map_err(Into::into)
        .and_then(|()| plot(&rows, &path))
    {
        Ok(()) => println!("\nPlot: {}", path.display()),
        Err(e) => println!("\nPlot not written: {e}"),
    }
    println!("Elapsed: {:.1} s", start.elapsed().as_secs_f64());
}

/// Bits against 1/ε, log–log, one panel per target, one line per
/// structure, the floor 1/ε in black, and the legend in the sixth panel.
fn plot(rows: &[Row], path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (1200, 760)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(
        "Bits (weights·⌈log2 λ⌉, λ = 2) against 1/ε, log–log",
        ("sans-serif", 18),
    )?;
    let names: Vec<&str> = targets().iter().map(|(n, _)| *n).collect();
    let (y0, y1) = rows.iter().fold((16f64, 2f64.powi(16)), |(a, b), r| {
        (a.min(r.bits as f64), b.max(r.bits as f64))
    });
    let panels = root.split_evenly((2, 3));
    for (panel, name) in panels.iter().zip(&names) {
        let mut chart = plot::log_log(
            panel,
            (name, 15, 8),
            (8.0, 2f64.powi(17)),
            (y0 / 2.0, y1 * 2.0),
            None,
        )?;
        chart.draw_series(LineSeries::new(
            [(16f64, 16f64), (2f64.powi(16), 2f64.powi(16))],
            BLACK.stroke_width(1),
        ))?;
        for (structure, colour) in &STRUCTURES {
            let pts: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r.target == *name && r.structure == *structure && r.bits > 0)
                .map(|r| (2f64.powi(r.k as i32), r.bits as f64))
                .collect();
            plot::series(&mut chart, &pts, *colour, 2, None)?;
        }
    }
    // the legend, once, in the sixth panel
    if let Some(panel) = panels.get(names.len()) {
        let mut chart = ChartBuilder::on(panel)
            .margin(40)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
        let mut entries: Vec<(String, ShapeStyle)> = STRUCTURES
            .iter()
            .map(|(s, c)| ((*s).to_owned(), c.stroke_width(2)))
            .collect();
        entries.push((
            "1/ε (entropy floor of the 1-Lipschitz class)".to_owned(),
            BLACK.stroke_width(1),
        ));
        for (label, style) in entries {
            chart
                .draw_series(LineSeries::new(std::iter::empty::<(f64, f64)>(), style))?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::MiddleMiddle)
            .label_font(("sans-serif", 14))
            .background_style(WHITE)
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
