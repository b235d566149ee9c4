//! `qrelu certify`: the certificate of `qrelu_core::certify::certify_net`
//! for every net of the source — a proved enclosure of sup |net − target|
//! over the domain, checked against the a-priori bound — with a progress
//! bar on stderr when a run takes more than half a second on a terminal.

use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qrelu_core::certify::{self, Options, Progress};
use qrelu_core::rational::{self, Rational};

use crate::Failure;
use crate::info::sci;
use crate::source::Source;

/// How long and how precisely to search.
#[derive(Args, Debug)]
pub struct CertifyArgs {
    /// DSL text, a file, or - for stdin
    source: String,
    /// stop when upper − lower ≤ TOLERANCE·upper (a rational, `1/100` or `0.01`)
    #[arg(long, default_value = "1/100", value_parser = parse_rational)]
    tolerance: Rational,
    /// stop after this many seconds per net (the certificate stays sound,
    /// the enclosure wider)
    #[arg(long, value_name = "SECONDS")]
    seconds: Option<f64>,
    /// examine at most this many boxes per net
    #[arg(long, default_value_t = 200_000)]
    boxes: usize,
    /// stop as soon as the bound is proved or refuted
    #[arg(long)]
    bound_only: bool,
}

fn parse_rational(text: &str) -> Result<Rational, String> {
    crate::target::parse_number(text)
        .filter(|q| *q >= Rational::from_integer(0.into()))
        .ok_or_else(|| format!("`{text}` is not a non-negative number such as 1/100 or 0.01"))
}

/// Runs `qrelu certify`.
pub fn run(args: &CertifyArgs) -> Result<(), Failure> {
    let nets = Source::read(&args.source)?.compile()?;
    let max_time = match args.seconds {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(s) => {
            return Err(Failure::Usage(format!(
                "--seconds must be a positive number of seconds, found {s}"
            )));
        }
        None => None,
    };
    let mut code = 0u8;
    for c in &nets {
        let spec = &c.construction.spec;
        let started = Instant::now();
        let mut bar: Option<ProgressBar> = None;
        let mut report = |p: &Progress| {
            if bar.is_none() && started.elapsed() > Duration::from_millis(500) {
                bar = Some(progress_bar(args.boxes, &spec.name));
            }
            if let Some(bar) = &bar {
                bar.set_position(p.boxes as u64);
                bar.set_message(format!(
                    "[{}, {}], bound {}",
                    sci(&p.lower),
                    sci(&p.upper),
                    sci(&c.construction.error_bound)
                ));
            }
        };
        let options = Options {
            tolerance: args.tolerance.clone(),
            max_boxes: args.boxes,
            max_time,
            bound_only: args.bound_only,
            progress: Some(&mut report),
            every: 200,
        };
        let result = certify::certify_net(
            &c.construction.net,
            &spec.target,
            &spec.domain,
            &c.construction.error_bound,
            options,
        );
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let certificate =
            result.map_err(|e| Failure::Failed(format!("cannot certify {}: {e}", spec.name)))?;
        println!("{}: {certificate}", spec.name);
        println!(
            "  sup |net − target| ≤ {} (exact: {}), ≥ {} at ({})",
            sci(&certificate.upper),
            rational::display(&certificate.upper),
            sci(&certificate.lower),
            certificate
                .witness
                .iter()
                .map(rational::display)
                .collect::<Vec<_>>()
                .join(", ")
        );
        if certificate.refuted {
            code = code.max(3);
        } else if !certificate.holds {
            code = code.max(4);
        }
    }
    if code == 0 {
        Ok(())
    } else {
        Err(Failure::Certificate(code))
    }
}

fn progress_bar(boxes: usize, name: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(boxes as u64), ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{prefix} {wide_bar} {pos}/{len} boxes {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(name.to_owned());
    bar
}
