//! Log–log plots shared by the studies (`theorem1`, `bits`, `lipschitz`):
//! bits against 1/ε, a line with its points per series.

use plotters::coord::Shift;
use plotters::coord::combinators::LogCoord;
use plotters::prelude::*;

/// A log–log chart of f64 on both axes.
pub type LogLog<'a, DB> = ChartContext<'a, DB, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>;

/// The error of a drawing on `DB`.
pub type DrawError<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// A log–log chart on `area` with x in `x` (labelled "1/ε") and y in `y`
/// (labelled `y_desc` when given: the chart then gets wider label areas),
/// `caption` in `size` points, `margin` pixels around, the mesh drawn,
/// labels in scientific notation.
pub fn log_log<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    (caption, size, margin): (&str, u32, u32),
    x: (f64, f64),
    y: (f64, f64),
    y_desc: Option<&str>,
) -> Result<LogLog<'a, DB>, DrawError<DB>> {
    let (x_area, y_area) = if y_desc.is_some() { (44, 70) } else { (30, 50) };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", size))
        .margin(margin)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d((x.0..x.1).log_scale(), (y.0..y.1).log_scale())?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc("1/ε")
        .x_label_formatter(&|v| format!("{v:.0e}"))
        .y_label_formatter(&|v| format!("{v:.0e}"));
    if let Some(desc) = y_desc {
        mesh.y_desc(desc);
    }
    mesh.draw()?;
    Ok(chart)
}

/// One series: a line of width 2 through `pts` and a dot of radius
/// `radius` on each, labelled `label` in the legend (a stroke `legend`
/// pixels long) when given.
pub fn series<DB: DrawingBackend>(
    chart: &mut LogLog<'_, DB>,
    pts: &[(f64, f64)],
    colour: RGBColor,
    radius: i32,
    label: Option<(String, i32)>,
) -> Result<(), DrawError<DB>> {
    let style = colour.stroke_width(2);
    let line = chart.draw_series(LineSeries::new(pts.iter().copied(), style))?;
    if let Some((label, legend)) = label {
        line.label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + legend, y)], style));
    }
    chart.draw_series(pts.iter().map(|&p| Circle::new(p, radius, colour.filled())))?;
    Ok(())
}
