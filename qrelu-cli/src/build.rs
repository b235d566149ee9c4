//! `qrelu build`: every net of the source, written in the formats asked
//! for — `qrelu-net/1` JSON (SPEC §7), ONNX in f64 or f32 and QONNX
//! (SPEC §11), the Rust the macro expands to (formatted), and a picture.

use std::path::{Path, PathBuf};

use clap::Args;
use qrelu_core::export::{json, onnx, svg};
use qrelu_core::rational;
use qrelu_syntax::source::{self as dsl, Compiled};

use crate::Failure;
use crate::info;
use crate::source::Source;
use crate::target;

/// Where to write what.
#[derive(Args, Debug)]
pub struct BuildArgs {
    /// DSL text, a file, or - for stdin
    source: String,
    /// the network as `qrelu-net/1` JSON
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// an ONNX model in float64 (opset in the model; input `x` [N, d], output `y` [N, 1])
    #[arg(long, value_name = "PATH")]
    onnx: Option<PathBuf>,
    /// an ONNX model in float32
    #[arg(long, value_name = "PATH")]
    onnx32: Option<PathBuf>,
    /// a QONNX model (float32, batch 1, weights behind Quant nodes); only for
    /// codebooks QONNX expresses (λ = 2, linear)
    #[arg(long, value_name = "PATH")]
    qonnx: Option<PathBuf>,
    /// the Rust the `qrelu!` macro expands to, formatted (needs the `qrelu`
    /// crate for its runtime items)
    #[arg(long, value_name = "PATH")]
    rust: Option<PathBuf>,
    /// an SVG picture: net and target with the error beneath (one input),
    /// or a heat map of the error (two inputs)
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
    /// with `--qonnx`, skip (with a note) nets whose codebook QONNX cannot
    /// express instead of failing
    #[arg(long)]
    skip_unsupported: bool,
    /// print nothing on success
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `qrelu build`.
pub fn run(args: &BuildArgs) -> Result<(), Failure> {
    let source = Source::read(&args.source)?;
    let nets = source.compile()?;
    let per_net = [
        ("--json", &args.json),
        ("--onnx", &args.onnx),
        ("--onnx32", &args.onnx32),
        ("--qonnx", &args.qonnx),
        ("--svg", &args.svg),
    ];
    if nets.len() > 1 {
        for (flag, path) in per_net {
            if let Some(path) = path {
                if !has_name(path) {
                    return Err(Failure::Usage(format!(
                        "{} nets: put {{name}} in the path of {flag} ({}), it is replaced by each net's name",
                        nets.len(),
                        path.display()
                    )));
                }
            }
        }
    }
    let mut wrote = Vec::new();
    for c in &nets {
        let name = &c.construction.spec.name;
        if let Some(path) = &args.json {
            wrote.push(write(
                &expand_path(path, name),
                json::to_json(&c.construction).as_bytes(),
            )?);
        }
        if let Some(path) = &args.onnx {
            let bytes = onnx_model(c, onnx::Precision::F64)?;
            wrote.push(write(&expand_path(path, name), &bytes)?);
        }
        if let Some(path) = &args.onnx32 {
            let bytes = onnx_model(c, onnx::Precision::F32)?;
            wrote.push(write(&expand_path(path, name), &bytes)?);
        }
        if let Some(path) = &args.qonnx {
            match onnx::to_qonnx(&c.construction.net, name) {
                Ok(bytes) => wrote.push(write(&expand_path(path, name), &bytes)?),
                Err(e) if args.skip_unsupported => {
                    eprintln!("note: no QONNX model for {name}: {e}");
                }
                Err(e) => return Err(Failure::Failed(format!("no QONNX model for {name}: {e}"))),
            }
        }
        if let Some(path) = &args.svg {
            let svg = picture(c)?;
            wrote.push(write(&expand_path(path, name), svg.as_bytes())?);
        }
    }
    if let Some(path) = &args.rust {
        if has_name(path) {
            for c in &nets {
                let code = rust(std::slice::from_ref(c), &source)?;
                wrote.push(write(
                    &expand_path(path, &c.construction.spec.name),
                    code.as_bytes(),
                )?);
            }
        } else {
            wrote.push(write(path, rust(&nets, &source)?.as_bytes())?);
        }
    }
    if !args.quiet {
        print!("{}", info::table(&nets));
        for path in wrote {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

fn has_name(path: &Path) -> bool {
    path.to_string_lossy().contains("{name}")
}

/// `path` with `{name}` replaced by the net's name.
fn expand_path(path: &Path, name: &str) -> PathBuf {
    PathBuf::from(path.to_string_lossy().replace("{name}", name))
}

fn write(path: &Path, bytes: &[u8]) -> Result<PathBuf, Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::io(&format!("cannot write {}", path.display()), e))?;
    Ok(path.to_owned())
}

fn onnx_model(c: &Compiled, precision: onnx::Precision) -> Result<Vec<u8>, Failure> {
    let options = onnx::Options {
        name: c.construction.spec.name.clone(),
        precision,
        batch: None,
    };
    onnx::to_onnx(&c.construction.net, &options).map_err(|e| {
        Failure::Failed(format!(
            "no ONNX model for {}: {e}",
            c.construction.spec.name
        ))
    })
}

/// The expansion of `nets`, formatted, under a header saying where it came
/// from.
fn rust(nets: &[Compiled], source: &Source) -> Result<String, Failure> {
    let tokens = dsl::expand(nets);
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Failure::Failed(format!("the expansion does not parse as Rust: {e}")))?;
    let names: Vec<&str> = nets
        .iter()
        .map(|c| c.construction.spec.name.as_str())
        .collect();
    let mut out = format!(
        "// Generated by `qrelu build --rust` ({} {}): the code `qrelu! {{ … }}` expands to\n\
         // for {}. It names runtime items as `::qrelu::…`: depend on the `qrelu` crate.\n\
         // Source ({}):\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        names.join(", "),
        source.name,
    );
    for line in source.text.lines() {
        out.push_str("//     ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&prettyplease::unparse(&file));
    Ok(out)
}

/// The picture of one net.
fn picture(c: &Compiled) -> Result<String, Failure> {
    let spec = &c.construction.spec;
    let inputs: Vec<&str> = spec.inputs.iter().map(String::as_str).collect();
    let domain: Vec<(f64, f64)> = spec
        .domain
        .iter()
        .map(|(lo, hi)| (rational::to_f64(lo), rational::to_f64(hi)))
        .collect();
    let title = format!(
        "{}: {}, {} weights, λ = {}",
        spec.name,
        info::target_text(c),
        c.construction.metrics.weights,
        c.construction.net.codebook().lambda()
    );
    let (net, target) = target::closures(c);
    let picture = svg::Picture {
        title: &title,
        inputs: &inputs,
        domain: &domain,
        bound: rational::to_f64(&c.construction.error_bound),
    };
    svg::draw(&picture, &net, &target)
        .map_err(|e| Failure::Failed(format!("no picture of {}: {e}", spec.name)))
}
