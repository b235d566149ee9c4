//! `qrelu`: the DSL of the `qrelu!` macro from the command line (SPEC §10).
//!
//! ```text
//! qrelu build 'net P(x in [-1, 1], y in [-1, 1]) = x*y where r = 8;' \
//!     --json p.json --onnx p.onnx --qonnx p.qonnx.onnx --rust p.rs --svg p.svg
//! qrelu info nets.qrelu
//! qrelu certify nets.qrelu --seconds 60
//! qrelu eval p.json 1/2 -0.25
//! ```
//!
//! The DSL comes from an argument, a file or stdin (`-`), one or more
//! `net` items as inside `qrelu! { … }`; it is parsed and checked by
//! `qrelu-syntax`, the crate the macro runs, so the messages are the
//! macro's, rendered as rustc renders them with the text underlined.
//!
//! Exit codes: 0 success; 1 a failure (a file not written or read, an
//! export refused, an evaluation error); 2 bad usage or DSL errors;
//! 3 `certify` proved a bound false; 4 `certify` ran out of budget before
//! deciding a bound.

mod build;
mod certify;
mod eval;
mod info;
mod source;
mod target;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Compile a one-line function into a quantized ReLU network with a
/// certified error bound; export it as JSON, ONNX, QONNX, Rust or SVG.
#[derive(Parser, Debug)]
#[command(name = "qrelu", version, about, long_about = None)]
#[command(after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str = "\
SOURCE is DSL text (`net Square(x) = x^2 where r = 6;`), a file holding it, or - for stdin.

Exit codes:
  0  success
  1  failure: a file not read or written, an export refused, an evaluation error
  2  bad usage, or errors in the DSL (rendered like rustc's)
  3  certify: a bound was proved false
  4  certify: the budget ran out before a bound was decided";

#[derive(Subcommand, Debug)]
enum Command {
    /// Build every net of SOURCE and write the outputs asked for.
    ///
    /// With several nets, each output path must contain `{name}`, which is
    /// replaced by the net's name (`--rust` without it writes all nets in
    /// one file, as one macro invocation would expand).
    Build(build::BuildArgs),
    /// Print each net's structure: weights, depth, width, bits, bound, and
    /// the parts of the paper's Tables 1–2.
    Info(SourceArg),
    /// Certify sup |net − target| over the domain against the bound.
    Certify(certify::CertifyArgs),
    /// Evaluate a net exactly and in f64 at one point.
    Eval(eval::EvalArgs),
}

/// The DSL to read.
#[derive(Args, Debug)]
struct SourceArg {
    /// DSL text, a file, or - for stdin
    source: String,
}

/// Why a command failed, and its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage (exit 2).
    Usage(String),
    /// DSL errors, already rendered (exit 2).
    Dsl(String),
    /// Anything else that stopped the command (exit 1).
    Failed(String),
    /// A certificate that did not prove every bound (exit 3 or 4; its
    /// report is already printed).
    Certificate(u8),
}

impl Failure {
    /// An I/O error with what was being done.
    pub fn io(what: &str, e: std::io::Error) -> Failure {
        Failure::Failed(format!("{what}: {e}"))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Info(args) => info::run(&args.source),
        Command::Certify(args) => certify::run(&args),
        Command::Eval(args) => eval::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Dsl(rendered)) => {
            eprint!("{rendered}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Certificate(code)) => ExitCode::from(code),
    }
}
