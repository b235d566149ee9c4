//! Pictures of a network against its target (SVG; the `--svg` of `qrelu
//! build`, SPEC §10). For one input: the target and the network over the
//! domain, and beneath them the error |net − f| with the a-priori bound as a
//! dashed line and the largest sampled error marked. For two inputs: a heat
//! map of |net − f| with a colour bar, the bound and the largest sampled
//! error stated beneath it and that point marked.
//!
//! The network and the target are closures, so a picture does not depend on
//! how the network is held (the IR's evaluator, generated code through
//! `qrelu::Network`, a JSON file read back). Text is written as SVG `<text>`
//! in the generic `sans-serif` family and laid out by plotters' built-in
//! estimate: no font file is read.
//!
//! The marked point is the largest *sampled* error ([`worst`]), a lower
//! bound on sup |net − f| over the domain, not the sup itself; the certified
//! sup is `qrelu certify`'s ([`crate::certify`]). The default sampling
//! ([`Sampling`]) puts 2^12 + 1 points on one input and 129 × 129 on two,
//! so `[0, 1]` and `[−1, 1]` are sampled at dyadic points, where the kinks
//! of a quantized network lie. A heat map is one SVG rectangle per run of
//! equal colour along a row: up to 129² of them, about a megabyte.

use std::fmt;

use plotters::coord::Shift;
use plotters::prelude::*;

/// What a picture shows besides the two functions: its title, the inputs
/// and their domains, and the bound drawn against the error.
#[derive(Clone, Copy, Debug)]
pub struct Picture<'a> {
    /// The title above the picture, e.g. `"Square: x^2, r = 6, λ = 2"`.
    pub title: &'a str,
    /// The input names, one or two; they label the axes.
    pub inputs: &'a [&'a str],
    /// The interval `(lo, hi)` of each input, in input order; finite, with
    /// `lo < hi`.
    pub domain: &'a [(f64, f64)],
    /// The certified a-priori bound on sup |net − f|, drawn as a line (one
    /// input) or stated in the legend (two inputs).
    pub bound: f64,
}

/// How densely a picture samples the domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sampling {
    /// Sample points across a one-input domain, both ends included (at
    /// least 2). Default 4097 = 2^12 + 1: the points of [0, 1] are the
    /// multiples of 2^−12.
    pub points: usize,
    /// Sample points per side of a two-input heat map, both ends included
    /// (at least 2); each is drawn as the cell around it. Default 129 =
    /// 2^7 + 1: the points of [−1, 1] are the multiples of 2^−6. An error
    /// that oscillates faster than the points are spaced (x·y at r = 8
    /// has kinks 2^−8 apart) aliases into a pattern that is not its own;
    /// raise this, or look at one input at a time.
    pub grid: usize,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            points: 4097,
            grid: 129,
        }
    }
}

/// Which function a non-finite value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// The network.
    Network,
    /// The target.
    Target,
    /// The error |net − f| (both finite, their difference not).
    Error,
}

/// Why a picture was not drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum SvgError {
    /// Pictures are drawn for one or two inputs; this many were given.
    Inputs(usize),
    /// `domain` does not give one interval per input.
    DomainCount {
        /// The number of inputs.
        inputs: usize,
        /// The number of intervals.
        intervals: usize,
    },
    /// An input's interval is not finite with `lo < hi`.
    Domain {
        /// The input's name.
        input: String,
        /// The interval's lower end.
        lo: f64,
        /// The interval's upper end.
        hi: f64,
    },
    /// The bound is not finite and non-negative.
    Bound(f64),
    /// Fewer than two sample points per side were asked for.
    Sampling(usize),
    /// A function is not finite at a sample point.
    NotFinite {
        /// Which function.
        curve: Curve,
        /// The sample point, one coordinate per input.
        at: Vec<f64>,
        /// The value found there.
        value: f64,
    },
    /// plotters could not draw (its message).
    Draw(String),
}

impl fmt::Display for SvgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SvgError::Inputs(n) => {
                write!(f, "pictures are drawn for one or two inputs, found {n}")
            }
            SvgError::DomainCount { inputs, intervals } => write!(
                f,
                "the domain must give one interval per input: {inputs} inputs, {intervals} \
                 intervals"
            ),
            SvgError::Domain { input, lo, hi } => write!(
                f,
                "the domain of `{input}` must be finite with lo < hi, found [{lo}, {hi}]"
            ),
            SvgError::Bound(b) => {
                write!(f, "the bound must be finite and non-negative, found {b}")
            }
            SvgError::Sampling(n) => {
                write!(f, "sampling needs at least 2 points per side, found {n}")
            }
            SvgError::NotFinite { curve, at, value } => {
                let what = match curve {
                    Curve::Network => "the network",
                    Curve::Target => "the target",
                    Curve::Error => "the error |net - f|",
                };
                let at: Vec<String> = at.iter().map(|v| v.to_string()).collect();
                write!(
                    f,
                    "{what} is {value} at ({}), not a finite number",
                    at.join(", ")
                )
            }
            SvgError::Draw(msg) => write!(f, "the picture could not be drawn: {msg}"),
        }
    }
}

impl std::error::Error for SvgError {}

/// The largest sampled error: where, and how large.
#[derive(Clone, Debug, PartialEq)]
pub struct Worst {
    /// The sample point, one coordinate per input.
    pub at: Vec<f64>,
    /// |net − f| there.
    pub error: f64,
}

/// The picture of `net` against `target` as an SVG document, sampled at the
/// default density ([`Sampling::default`]).
///
/// # Errors
///
/// [`SvgError`] if the picture has not one or two inputs, a domain is not
/// finite with lo < hi, the bound is not finite and non-negative, or a
/// function is not finite at a sample point.
pub fn draw(
    picture: &Picture<'_>,
    net: &dyn Fn(&[f64]) -> f64,
    target: &dyn Fn(&[f64]) -> f64,
) -> Result<String, SvgError> {
    draw_sampled(picture, &Sampling::default(), net, target)
}

/// [`draw`] at the density `sampling`.
///
/// # Errors
///
/// As [`draw`]; also [`SvgError::Sampling`] below two points per side.
pub fn draw_sampled(
    picture: &Picture<'_>,
    sampling: &Sampling,
    net: &dyn Fn(&[f64]) -> f64,
    target: &dyn Fn(&[f64]) -> f64,
) -> Result<String, SvgError> {
    let samples = sample(picture, sampling, net, target)?;
    let mut svg = String::new();
    {
        let size = if picture.inputs.len() == 1 {
            SIZE_1D
        } else {
            SIZE_2D
        };
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = match &samples {
            Samples::One(s) => draw_1d(&root, picture, s),
            Samples::Two(s) => draw_2d(&root, picture, s),
        };
        drawn
            .and_then(|()| root.present())
            .map_err(|e| SvgError::Draw(e.to_string()))?;
    }
    Ok(svg)
}

/// The largest error |net − f| over the sample points of
/// [`draw_sampled`]: the point marked in its picture. Sample points run
/// from `lo` to `hi`, the first input fastest; of equal errors the first
/// wins.
///
/// # Errors
///
/// As [`draw_sampled`].
pub fn worst(
    picture: &Picture<'_>,
    sampling: &Sampling,
    net: &dyn Fn(&[f64]) -> f64,
    target: &dyn Fn(&[f64]) -> f64,
) -> Result<Worst, SvgError> {
    Ok(match sample(picture, sampling, net, target)? {
        Samples::One(s) => Worst {
            at: vec![s.xs[s.worst]],
            error: s.err[s.worst],
        },
        Samples::Two(s) => {
            let (i, j) = s.worst;
            Worst {
                at: vec![s.xs[i], s.ys[j]],
                error: s.err[j * s.xs.len() + i],
            }
        }
    })
}

/// The picture's size in pixels for one input and for two.
const SIZE_1D: (u32, u32) = (900, 760);
const SIZE_2D: (u32, u32) = (860, 830);

/// The colours of examples/common/plot.rs's palette.
const TARGET: RGBColor = RGBColor(255, 127, 14);
const NETWORK: RGBColor = RGBColor(31, 119, 180);
const ERROR: RGBColor = RGBColor(214, 39, 40);
const BOUND: RGBColor = RGBColor(44, 160, 44);
const MESH: RGBColor = RGBColor(244, 244, 244);

const FONT: &str = "sans-serif";
const TITLE_SIZE: u32 = 22;
const TEXT_SIZE: u32 = 15;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// One input's samples: the points, both functions and the error, and the
/// index of the largest error.
struct Line {
    xs: Vec<f64>,
    net: Vec<f64>,
    target: Vec<f64>,
    err: Vec<f64>,
    worst: usize,
}

/// Two inputs' samples on a grid: the error row by row (x fastest) and
/// the (x, y) indices of the largest.
struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    err: Vec<f64>,
    worst: (usize, usize),
}

enum Samples {
    One(Line),
    Two(Grid),
}

/// Checks the picture and evaluates both functions at every sample point.
fn sample(
    picture: &Picture<'_>,
    sampling: &Sampling,
    net: &dyn Fn(&[f64]) -> f64,
    target: &dyn Fn(&[f64]) -> f64,
) -> Result<Samples, SvgError> {
    let dim = picture.inputs.len();
    if !(1..=2).contains(&dim) {
        return Err(SvgError::Inputs(dim));
    }
    if picture.domain.len() != dim {
        return Err(SvgError::DomainCount {
            inputs: dim,
            intervals: picture.domain.len(),
        });
    }
    for (name, &(lo, hi)) in picture.inputs.iter().zip(picture.domain) {
        // `lo < hi` is false for NaN, so NaN ends are refused here too
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(SvgError::Domain {
                input: (*name).to_owned(),
                lo,
                hi,
            });
        }
    }
    if !(picture.bound.is_finite() && picture.bound >= 0.0) {
        return Err(SvgError::Bound(picture.bound));
    }
    let n = if dim == 1 {
        sampling.points
    } else {
        sampling.grid
    };
    if n < 2 {
        return Err(SvgError::Sampling(n));
    }
    let eval = |x: &[f64]| -> Result<(f64, f64, f64), SvgError> {
        let not_finite = |curve, value| SvgError::NotFinite {
            curve,
            at: x.to_vec(),
            value,
        };
        let (y, f) = (net(x), target(x));
        if !y.is_finite() {
            return Err(not_finite(Curve::Network, y));
        }
        if !f.is_finite() {
            return Err(not_finite(Curve::Target, f));
        }
        let e = (y - f).abs();
        if !e.is_finite() {
            return Err(not_finite(Curve::Error, e));
        }
        Ok((y, f, e))
    };
    let xs = points(picture.domain[0], n);
    if dim == 1 {
        let mut line = Line {
            xs: Vec::with_capacity(n),
            net: Vec::with_capacity(n),
            target: Vec::with_capacity(n),
            err: Vec::with_capacity(n),
            worst: 0,
        };
        let mut max = f64::NEG_INFINITY;
        for x in xs {
            let (y, f, e) = eval(&[x])?;
            if e > max {
                (max, line.worst) = (e, line.err.len());
            }
            line.xs.push(x);
            line.net.push(y);
            line.target.push(f);
            line.err.push(e);
        }
        Ok(Samples::One(line))
    } else {
        let ys = points(picture.domain[1], n);
        let mut err = Vec::with_capacity(n * n);
        let mut worst = (0, 0);
        let mut max = f64::NEG_INFINITY;
        for (j, &y) in ys.iter().enumerate() {
            for (i, &x) in xs.iter().enumerate() {
                let (_, _, e) = eval(&[x, y])?;
                if e > max {
                    (max, worst) = (e, (i, j));
                }
                err.push(e);
            }
        }
        Ok(Samples::Two(Grid { xs, ys, err, worst }))
    }
}

/// `n` points from `lo` to `hi`, both ends exact.
fn points((lo, hi): (f64, f64), n: usize) -> Vec<f64> {
    let last = (n - 1) as f64;
    (0..n)
        .map(|i| {
            if i == n - 1 {
                hi
            } else {
                lo + (hi - lo) * (i as f64 / last)
            }
        })
        .collect()
}

/// `v` in scientific notation with four significant digits (`3.906e-3`),
/// 0 as `0`: how errors and the bound are written.
fn sci(v: f64) -> String {
    if v == 0.0 {
        return "0".to_owned();
    }
    format!("{v:.3e}")
}

/// A coordinate for a label: up to four decimals, trailing zeros dropped.
fn coord(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-3 || v.abs() >= 1e6 {
        return sci(v);
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// `(lo, hi)` widened by `pad` of its length on each side; a single value
/// gets a unit-sized range around it.
fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    if hi > lo {
        let d = (hi - lo) * pad;
        (lo - d, hi + d)
    } else {
        let d = lo.abs().max(1.0) * 0.5;
        (lo - d, hi + d)
    }
}

/// The legend corner with the fewest samples of `pts` under a legend of
/// `size` (fractions of the box `x` × `y`), upper corners first on a tie.
fn free_corner(
    pts: &[(f64, f64)],
    x: (f64, f64),
    y: (f64, f64),
    size: (f64, f64),
) -> SeriesLabelPosition {
    let near = |v: f64, (lo, hi): (f64, f64), high: bool, part: f64| {
        let t = (v - lo) / (hi - lo);
        if high { t > 1.0 - part } else { t < part }
    };
    let corners = [
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::LowerLeft, false, false),
        (SeriesLabelPosition::LowerRight, true, false),
    ];
    let mut best = (usize::MAX, SeriesLabelPosition::UpperLeft);
    for (pos, right, top) in corners {
        let count = pts
            .iter()
            .filter(|&&(px, py)| near(px, x, right, size.0) && near(py, y, top, size.1))
            .count();
        if count < best.0 {
            best = (count, pos);
        }
    }
    best.1
}

/// One input: the target and the network above, |net − f| below with the
/// bound and the largest sampled error.
fn draw_1d(root: &Area<'_>, picture: &Picture<'_>, s: &Line) -> DrawResult {
    root.fill(&WHITE)?;
    let root = root.titled(picture.title, (FONT, TITLE_SIZE))?;
    let (_, height) = root.dim_in_pixel();
    let (upper, lower) = root.split_vertically(height * 11 / 20);
    let name = picture.inputs[0];
    let xr = picture.domain[0];
    let x_desc = name.to_owned();

    // upper panel: both functions, the target wide and light under the
    // network, so the two stay apart where they differ by a pixel or less
    let lo = s
        .net
        .iter()
        .chain(&s.target)
        .copied()
        .fold(f64::INFINITY, f64::min);
    let hi = s
        .net
        .iter()
        .chain(&s.target)
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let yr = padded(lo, hi, 0.06);
    let mut chart = ChartBuilder::on(&upper)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
    chart
        .configure_mesh()
        .light_line_style(MESH)
        .label_style((FONT, TEXT_SIZE))
        .x_desc(x_desc.as_str())
        .y_desc("value")
        .x_label_formatter(&|v| coord(*v))
        .y_label_formatter(&|v| coord(*v))
        .draw()?;
    let target_style = TARGET.mix(0.6).stroke_width(6);
    chart
        .draw_series(LineSeries::new(
            s.xs.iter().copied().zip(s.target.iter().copied()),
            target_style,
        ))?
        .label("target f")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], target_style));
    let net_style = NETWORK.stroke_width(2);
    chart
        .draw_series(LineSeries::new(
            s.xs.iter().copied().zip(s.net.iter().copied()),
            net_style,
        ))?
        .label("network")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], net_style));
    let pts: Vec<(f64, f64)> =
        s.xs.iter()
            .zip(&s.target)
            .chain(s.xs.iter().zip(&s.net))
            .map(|(&x, &y)| (x, y))
            .collect();
    chart
        .configure_series_labels()
        .position(free_corner(&pts, xr, yr, (0.2, 0.25)))
        .label_font((FONT, TEXT_SIZE))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.5))
        .draw()?;

    // lower panel: the error, with headroom above the bound for the legend
    let (wx, we) = (s.xs[s.worst], s.err[s.worst]);
    let top = picture.bound.max(we);
    let top = if top > 0.0 { top * 1.6 } else { 1.0 };
    let mut chart = ChartBuilder::on(&lower)
        .margin(12)
        .caption(
            format!(
                "error |net − f| at {} sample points (the marked maximum is sampled, not certified)",
                s.xs.len()
            ),
            (FONT, TEXT_SIZE + 1),
        )
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(xr.0..xr.1, 0.0..top)?;
    chart
        .configure_mesh()
        .light_line_style(MESH)
        .label_style((FONT, TEXT_SIZE))
        .x_desc(x_desc.as_str())
        .y_desc("|net − f|")
        .x_label_formatter(&|v| coord(*v))
        .y_label_formatter(&|v| {
            if *v == 0.0 {
                "0".to_owned()
            } else {
                format!("{v:.1e}")
            }
        })
        .draw()?;
    let err_style = ERROR.stroke_width(1);
    chart
        .draw_series(LineSeries::new(
            s.xs.iter().copied().zip(s.err.iter().copied()),
            err_style,
        ))?
        .label("|net − f|")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], err_style));
    let bound_style = BOUND.stroke_width(2);
    chart
        .draw_series(DashedLineSeries::new(
            [(xr.0, picture.bound), (xr.1, picture.bound)],
            10,
            6,
            bound_style,
        ))?
        .label(format!("a-priori bound {}", sci(picture.bound)))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], bound_style));
    chart
        .draw_series([Circle::new((wx, we), 5, BLACK.filled())])?
        .label(format!(
            "largest sampled error {} at {name} = {}",
            sci(we),
            coord(wx)
        ))
        .legend(|(x, y)| Circle::new((x + 12, y), 5, BLACK.filled()));
    let pts: Vec<(f64, f64)> = s.xs.iter().copied().zip(s.err.iter().copied()).collect();
    chart
        .configure_series_labels()
        .position(free_corner(&pts, xr, (0.0, top), (0.5, 0.35)))
        .label_font((FONT, TEXT_SIZE))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.5))
        .draw()?;
    Ok(())
}

/// Viridis at nine stops, 0 (dark purple) to 1 (yellow).
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

/// Colour levels of the heat map: errors are binned into this many colours,
/// so that runs of equal colour along a row become one rectangle.
const LEVELS: usize = 64;

/// The colour of level `k` of [`LEVELS`], linearly between viridis' stops.
fn colour(k: usize) -> RGBColor {
    let t = k as f64 / (LEVELS - 1) as f64 * (VIRIDIS.len() - 1) as f64;
    let i = (t.floor() as usize).min(VIRIDIS.len() - 2);
    let u = t - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * u).round() as u8;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The level of error `e` on a scale from 0 to `scale`.
fn level(e: f64, scale: f64) -> usize {
    ((e / scale * (LEVELS - 1) as f64).round() as usize).min(LEVELS - 1)
}

/// The cell edges of sample points `v`: halfway between neighbours, the
/// domain's ends outside.
fn edges(v: &[f64]) -> Vec<f64> {
    let mut e = Vec::with_capacity(v.len() + 1);
    e.push(v[0]);
    e.extend(v.windows(2).map(|w| (w[0] + w[1]) / 2.0));
    e.push(v[v.len() - 1]);
    e
}

/// Two inputs: the heat map of |net − f|, a colour bar beside it, and the
/// bound and the largest sampled error beneath.
fn draw_2d(root: &Area<'_>, picture: &Picture<'_>, g: &Grid) -> DrawResult {
    root.fill(&WHITE)?;
    let root = root.titled(picture.title, (FONT, TITLE_SIZE))?;
    let (width, height) = root.dim_in_pixel();
    let (main, notes) = root.split_vertically(height - 64);
    let (map, bar) = main.split_horizontally(width - 150);
    let (xr, yr) = (picture.domain[0], picture.domain[1]);
    let (i, j) = g.worst;
    let (wx, wy, we) = (g.xs[i], g.ys[j], g.err[j * g.xs.len() + i]);
    // the colours span the sampled errors; the bound is written beneath,
    // and drawn on the bar when it falls inside that span
    let scale = if we > 0.0 {
        we
    } else if picture.bound > 0.0 {
        picture.bound
    } else {
        1.0
    };

    let mut chart = ChartBuilder::on(&map)
        .margin(12)
        .caption(
            format!(
                "error |net − f| on a {} × {} grid of sample points",
                g.xs.len(),
                g.ys.len()
            ),
            (FONT, TEXT_SIZE + 1),
        )
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .label_style((FONT, TEXT_SIZE))
        .x_desc(picture.inputs[0])
        .y_desc(picture.inputs[1])
        .x_label_formatter(&|v| coord(*v))
        .y_label_formatter(&|v| coord(*v))
        .draw()?;
    let (ex, ey) = (edges(&g.xs), edges(&g.ys));
    let n = g.xs.len();
    let mut cells = Vec::new();
    for (j, row) in g.err.chunks(n).enumerate() {
        let mut start = 0;
        for i in 1..=n {
            let k = level(row[start], scale);
            if i == n || level(row[i], scale) != k {
                cells.push(Rectangle::new(
                    [(ex[start], ey[j]), (ex[i], ey[j + 1])],
                    colour(k).filled(),
                ));
                start = i;
            }
        }
    }
    chart.draw_series(cells)?;
    chart.draw_series([
        Circle::new((wx, wy), 7, WHITE.stroke_width(3)),
        Circle::new((wx, wy), 7, BLACK.stroke_width(1)),
    ])?;

    // the colour bar: one band per level, labelled in errors
    let mut bar_chart = ChartBuilder::on(&bar)
        .margin_top(40)
        .margin_bottom(56)
        .margin_right(12)
        .y_label_area_size(76)
        .build_cartesian_2d(0.0..1.0, 0.0..scale)?;
    bar_chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .label_style((FONT, TEXT_SIZE - 2))
        .y_desc("|net − f|")
        .y_label_formatter(&|v| {
            if *v == 0.0 {
                "0".to_owned()
            } else {
                format!("{v:.1e}")
            }
        })
        .draw()?;
    let band = scale / LEVELS as f64;
    bar_chart.draw_series((0..LEVELS).map(|k| {
        let lo = (k as f64 * band - band / 2.0).max(0.0);
        let hi = (k as f64 * band + band / 2.0).min(scale);
        Rectangle::new([(0.0, lo), (1.0, hi)], colour(k).filled())
    }))?;
    if picture.bound <= scale {
        bar_chart.draw_series(DashedLineSeries::new(
            [(0.0, picture.bound), (1.0, picture.bound)],
            6,
            4,
            WHITE.stroke_width(2),
        ))?;
    }

    // the notes: what the marker is, and the bound against the scale
    let style = TextStyle::from((FONT, TEXT_SIZE)).color(&BLACK);
    let (x0, y0) = (24, 8);
    notes.draw(&Circle::new((x0 + 7, y0 + 9), 7, WHITE.stroke_width(3)))?;
    notes.draw(&Circle::new((x0 + 7, y0 + 9), 7, BLACK.stroke_width(1)))?;
    notes.draw_text(
        &format!(
            "largest sampled error {} at ({}, {}) = ({}, {})",
            sci(we),
            picture.inputs[0],
            picture.inputs[1],
            coord(wx),
            coord(wy)
        ),
        &style,
        (x0 + 24, y0 + 1),
    )?;
    let b = sci(picture.bound);
    let bound = if we == 0.0 {
        format!("a-priori bound {b}; every sampled error is 0")
    } else if picture.bound > we {
        format!(
            "a-priori bound {b}: {:.2} × the largest sampled error, where the colours end",
            picture.bound / we
        )
    } else if picture.bound == we {
        format!("a-priori bound {b}, attained at the marked point")
    } else {
        format!("a-priori bound {b}, below the largest sampled error (dashed on the colour bar)")
    };
    notes.draw_text(&bound, &style, (x0 + 24, y0 + 27))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE_BOUND: f64 = 1.0 / 64.0;

    /// A piecewise-linear stand-in for f_s^2 (x² on [0, 1] interpolated at
    /// multiples of 1/4): its error peaks at 1/64 at the midpoints.
    fn tent_square(x: &[f64]) -> f64 {
        let k = (x[0] * 4.0).floor().min(3.0);
        let (a, b) = (k / 4.0, (k + 1.0) / 4.0);
        a * a + (a + b) * (x[0] - a)
    }

    fn square(x: &[f64]) -> f64 {
        x[0] * x[0]
    }

    fn one<'a>(domain: &'a [(f64, f64)]) -> Picture<'a> {
        Picture {
            title: "Square: x^2, r = 2, λ = 2",
            inputs: &["x"],
            domain,
            bound: SQUARE_BOUND,
        }
    }

    /// The product's stand-in: x·y plus a bump at (1/4, −5/8), a sample
    /// point.
    fn bumpy(x: &[f64]) -> f64 {
        x[0] * x[1] + 1e-3 * (-((x[0] - 0.25).powi(2) + (x[1] + 0.625).powi(2)) * 40.0).exp()
    }

    fn product(x: &[f64]) -> f64 {
        x[0] * x[1]
    }

    fn two<'a>(domain: &'a [(f64, f64)]) -> Picture<'a> {
        Picture {
            title: "Product: x*y",
            inputs: &["x", "y"],
            domain,
            bound: 2e-3,
        }
    }

    /// Tags open and close in order (`<?xml …?>` and `<!…>` aside), and
    /// the document is one `<svg>` element.
    fn balanced(svg: &str) -> bool {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg.trim();
        if !rest.starts_with("<svg") || !rest.ends_with("</svg>") {
            return false;
        }
        while let Some(open) = rest.find('<') {
            let Some(close) = rest[open..].find('>') else {
                return false;
            };
            let tag = &rest[open + 1..open + close];
            rest = &rest[open + close + 1..];
            if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
                continue;
            }
            let name = tag
                .trim_start_matches('/')
                .split_whitespace()
                .next()
                .unwrap_or("");
            if tag.starts_with('/') {
                if stack.pop() != Some(name) {
                    return false;
                }
            } else {
                stack.push(name);
            }
        }
        stack.is_empty()
    }

    /// The polylines of an SVG and their point counts.
    fn polylines(svg: &str) -> Vec<usize> {
        svg.match_indices("<polyline")
            .map(|(i, _)| {
                let points = &svg[i..];
                let start = points.find("points=\"").unwrap() + 8;
                let end = start + points[start..].find('"').unwrap();
                points[start..end].split_whitespace().count()
            })
            .collect()
    }

    #[test]
    fn one_input_draws_both_series_the_error_the_bound_and_the_worst_point() {
        let domain = [(0.0, 1.0)];
        let svg = draw(&one(&domain), &tent_square, &square).unwrap();
        assert!(balanced(&svg), "unbalanced SVG");
        assert!(svg.contains("Square: x^2, r = 2, λ = 2"));
        for label in ["target f", "network", "|net − f|"] {
            assert!(svg.contains(label), "no `{label}`");
        }
        // target, network and error, each through every sample point
        let points = Sampling::default().points;
        let lines = polylines(&svg);
        assert!(
            lines.iter().filter(|&&n| n >= points / 2).count() >= 3,
            "{lines:?}"
        );
        assert!(svg.contains(&format!("a-priori bound {}", sci(SQUARE_BOUND))));
        assert!(svg.contains("1.562e-2"), "the bound's value is not written");
        // the worst of f_s^2 is 1/64 at a midpoint 1/8, 3/8, 5/8 or 7/8,
        // all sample points; the first wins
        assert!(svg.contains("largest sampled error 1.562e-2 at x = 0.125"));
        assert!(svg.contains("<circle"));
    }

    #[test]
    fn two_inputs_draw_cells_a_colour_bar_and_the_bound() {
        let domain = [(-1.0, 1.0), (-1.0, 1.0)];
        let svg = draw(&two(&domain), &bumpy, &product).unwrap();
        assert!(balanced(&svg), "unbalanced SVG");
        let rects = svg.matches("<rect").count();
        // at least one rectangle per row of the map and one per colour
        assert!(
            rects > Sampling::default().grid + LEVELS,
            "{rects} rectangles"
        );
        assert!(svg.contains(&sci(2e-3)), "the bound's value is not written");
        assert!(svg.contains("a-priori bound 2.000e-3"));
        assert!(svg.contains("at (x, y) = (0.25, -0.625)"));
        // both ends of the colour scale appear
        let (lo, hi) = (colour(0), colour(LEVELS - 1));
        for c in [lo, hi] {
            let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
            assert!(svg.to_uppercase().contains(&hex), "no cell of colour {hex}");
        }
    }

    #[test]
    fn the_worst_point_is_the_argmax_of_the_sampled_error() {
        // an error with many near-equal peaks, found by an independent scan
        let net = |x: &[f64]| (x[0] * 37.0).sin() * 0.01 + x[0] * 0.001;
        let target = |_: &[f64]| 0.0;
        let domain = [(-2.0, 3.0)];
        let sampling = Sampling {
            points: 1001,
            grid: 2,
        };
        let found = worst(&one(&domain), &sampling, &net, &target).unwrap();
        let (mut best, mut at) = (-1.0, 0.0);
        for i in 0..1001 {
            let x = -2.0 + 5.0 * i as f64 / 1000.0;
            let e = (net(&[x]) - target(&[x])).abs();
            if e > best {
                (best, at) = (e, x);
            }
        }
        assert_eq!(found.error, best);
        assert!((found.at[0] - at).abs() < 1e-12, "{found:?} against {at}");

        let net2 = |x: &[f64]| (x[0] * 5.0).cos() * (x[1] * 7.0).sin();
        let domain = [(0.0, 1.0), (-1.0, 2.0)];
        let sampling = Sampling {
            points: 2,
            grid: 41,
        };
        let found = worst(&two(&domain), &sampling, &net2, &|_: &[f64]| 0.0).unwrap();
        let mut best = (-1.0, vec![]);
        for j in 0..41 {
            for i in 0..41 {
                let p = [i as f64 / 40.0, -1.0 + 3.0 * j as f64 / 40.0];
                let e = net2(&p).abs();
                if e > best.0 {
                    best = (e, p.to_vec());
                }
            }
        }
        assert_eq!(found.error, best.0);
        assert!(
            found
                .at
                .iter()
                .zip(&best.1)
                .all(|(a, b)| (a - b).abs() < 1e-12)
        );
    }

    #[test]
    fn the_worst_point_drawn_is_the_one_reported() {
        let domain = [(0.0, 1.0)];
        let net = |x: &[f64]| x[0] * x[0] + 0.01 * (-(x[0] - 0.7).powi(2) * 400.0).exp();
        let found = worst(&one(&domain), &Sampling::default(), &net, &square).unwrap();
        let svg = draw(&one(&domain), &net, &square).unwrap();
        let label = format!(
            "largest sampled error {} at x = {}",
            sci(found.error),
            coord(found.at[0])
        );
        assert!(svg.contains(&label), "no `{label}`");
        assert_eq!(coord(found.at[0]), "0.7");
    }

    #[test]
    fn pictures_need_one_or_two_inputs() {
        let f = |_: &[f64]| 0.0;
        for inputs in [&[][..], &["x", "y", "z"][..]] {
            let domain = vec![(0.0, 1.0); inputs.len()];
            let picture = Picture {
                title: "t",
                inputs,
                domain: &domain,
                bound: 0.0,
            };
            let err = draw(&picture, &f, &f).unwrap_err();
            assert_eq!(err, SvgError::Inputs(inputs.len()));
            assert_eq!(
                err.to_string(),
                format!(
                    "pictures are drawn for one or two inputs, found {}",
                    inputs.len()
                )
            );
        }
        let picture = Picture {
            title: "t",
            inputs: &["x", "y"],
            domain: &[(0.0, 1.0)],
            bound: 0.0,
        };
        assert!(matches!(
            draw(&picture, &f, &f),
            Err(SvgError::DomainCount {
                inputs: 2,
                intervals: 1
            })
        ));
    }

    #[test]
    fn domains_must_be_finite_and_not_inverted() {
        let f = |_: &[f64]| 0.0;
        for bad in [
            (1.0, 0.0),
            (0.5, 0.5),
            (f64::NAN, 1.0),
            (0.0, f64::INFINITY),
        ] {
            let domain = [(0.0, 1.0), bad];
            let err = draw(&two(&domain), &f, &f).unwrap_err();
            assert!(
                matches!(&err, SvgError::Domain { input, .. } if input == "y"),
                "{err:?}"
            );
            assert!(
                err.to_string()
                    .starts_with("the domain of `y` must be finite")
            );
        }
        let domain = [(0.0, 1.0)];
        for bound in [-1.0, f64::NAN, f64::INFINITY] {
            let picture = Picture {
                bound,
                ..one(&domain)
            };
            assert!(matches!(draw(&picture, &f, &f), Err(SvgError::Bound(_))));
        }
        let sampling = Sampling { points: 1, grid: 2 };
        assert_eq!(
            draw_sampled(&one(&domain), &sampling, &f, &f),
            Err(SvgError::Sampling(1))
        );
    }

    #[test]
    fn non_finite_values_are_errors() {
        let domain = [(-1.0, 1.0)];
        // 1/x is infinite at the sample point 0
        let inverse = |x: &[f64]| 1.0 / x[0];
        let err = draw(&one(&domain), &inverse, &square).unwrap_err();
        assert_eq!(
            err,
            SvgError::NotFinite {
                curve: Curve::Network,
                at: vec![0.0],
                value: f64::INFINITY
            }
        );
        assert!(err.to_string().contains("the network is inf at (0)"));
        let nan = |x: &[f64]| if x[1] > 0.5 { f64::NAN } else { 0.0 };
        let domain = [(0.0, 1.0), (0.0, 1.0)];
        let err = draw(&two(&domain), &product, &nan).unwrap_err();
        assert!(
            matches!(
                err,
                SvgError::NotFinite {
                    curve: Curve::Target,
                    ..
                }
            ),
            "{err:?}"
        );
        let huge = |x: &[f64]| f64::MAX * x[0].signum();
        let neg = |x: &[f64]| -huge(x);
        let domain = [(0.0, 1.0)];
        assert!(matches!(
            draw(&one(&domain), &huge, &neg),
            Err(SvgError::NotFinite {
                curve: Curve::Error,
                ..
            })
        ));
    }

    #[test]
    fn sample_points_are_exact_at_the_ends_and_dyadic_on_dyadic_domains() {
        let p = points((0.0, 1.0), Sampling::default().points);
        assert_eq!(p[0], 0.0);
        assert_eq!(p[p.len() - 1], 1.0);
        assert!(p.iter().enumerate().all(|(i, &x)| x * 4096.0 == i as f64));
        let p = points((-0.3, 0.7), 7);
        assert_eq!((p[0], p[6]), (-0.3, 0.7));
    }
}
