//! Compile cost of the generated code (SPEC §9 "Performance"): how long
//! rustc takes on what `qrelu!` emits, as the network grows.
//!
//! For each network — f_s^24 through the real pipeline ([`crate::run`]) and
//! synthetic nets of ~23k and ~100k weights (K copies of f_s^24, each summed
//! by one extra ReLU unit, built with qrelu-core and expanded with
//! [`crate::expand::expand_net`]) — the test
//!
//! 1. times the core build and the expansion (this binary is release-built);
//! 2. pretty-prints the expansion into a scratch crate under
//!    `$TMPDIR/qrelu-cost/<name>/` that depends on the `qrelu` facade by
//!    path, builds it once with a trivial `main` (so dependencies are built),
//!    then times `cargo build --release` and `cargo build` of the real `main`
//!    with `/usr/bin/time -v` (wall clock and peak RSS: rustc on the
//!    generated code alone). All scratch crates share one target directory,
//!    `$TMPDIR/qrelu-cost/target`;
//! 3. runs both binaries and checks `eval(0.3)` and `eval(0.7)` bit for bit
//!    against [`qrelu_core::eval::eval_f64`] (same summation order) and
//!    against the exact evaluator within 1e-12 relative;
//! 4. prints a table.
//!
//! These are measurements, not timed assertions: the tests are `#[ignore]`d
//! and print numbers. Run them with
//!
//! ```sh
//! cargo test --release -p qrelu-macros cost -- --ignored --nocapture --test-threads=1
//! ```
//!
//! `QRELU_COST_NETS=square24,syn23k,syn100k,flat23k,flat100k` selects
//! networks (default: these; `syn<N>k` and `flat<N>k` give other sizes;
//! `flat*` are the synthetic nets with every unit in one block, so no block
//! function is shared and `eval` is all chunks);
//! `QRELU_COST_TIMEOUT=<seconds>` kills a scratch build that runs longer
//! (default 1200).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use num_traits::Zero;
use proc_macro2::TokenStream;
use qrelu_core::net::{Block, LinearForm, Net, NetBuilder};
use qrelu_core::rational::{self, Rational};
use qrelu_core::{Codebook, Construction, NetSpec, Poly};
use quote::{format_ident, quote};

/// The squaring depth of every copy.
const R: u32 = 24;

/// One network to measure.
struct Case {
    name: &'static str,
    struct_name: &'static str,
    net: Net,
    tokens: TokenStream,
    core_ms: f64,
    expand_ms: f64,
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// f_s^24 through the real pipeline (`crate::run`), with the core build and
/// the expansion also timed on their own.
fn square24() -> Case {
    let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
    spec.r = Some(R);
    let t = Instant::now();
    let c = qrelu_core::build(&spec).expect("f_s^24 builds");
    let core_ms = ms(t);
    let t = Instant::now();
    let _ = expand_item("Square", &c);
    let expand_ms = ms(t);
    let tokens = crate::run(quote! { pub net Square(x) = x^2 where r = 24; });
    Case {
        name: "square24",
        struct_name: "Square",
        net: c.net,
        tokens,
        core_ms,
        expand_ms,
    }
}

fn expand_item(name: &str, c: &Construction) -> TokenStream {
    crate::expand::expand_net(
        &crate::expand::Item {
            attrs: &[],
            vis: &syn::parse_quote!(pub),
            name: &format_ident!("{}", name),
            inputs: vec![format_ident!("x")],
        },
        c,
    )
}

/// `copies` copies of f_s^24 on the same input, sharing the constant chain;
/// copy c is summed by its own ReLU unit (block `sum`; the sum is ≥ 0, so the
/// ReLU is the identity), and the output is ½·Σ of those units.
/// Weights = 46 + 227·copies.
///
/// With `flat`, every hidden unit is then moved into one block instance
/// (roles keep their old block's name, so unit names stay unique): the
/// whole net is one segment with no repeated shape, so `eval` is all inline
/// `let`s cut into `chunk` functions — the worst case for the code shape.
fn synthetic(name: &'static str, copies: usize, flat: bool) -> Case {
    let t = Instant::now();
    let mut b = NetBuilder::new(Codebook::nonlinear(2, 50).unwrap(), &["x".into()]);
    let x = b.input(0);
    let mut out = LinearForm::default();
    for _ in 0..copies {
        let form = qrelu_core::gadget::square::square(&mut b, x, R).unwrap();
        b.begin_block("sum");
        let s = b.relu("s", Rational::zero(), &form.terms).unwrap();
        b.end_block();
        out.push(s, rational::ratio(1, 2));
    }
    let mut net = b.finish(Rational::zero(), &out).unwrap();
    if flat {
        let block = net.blocks.len();
        net.blocks.push(Block {
            kind: "flat".into(),
            instance: 1,
            parent: None,
        });
        for i in net.dim()..net.units.len() {
            let old = net.blocks[net.units[i].block].short_name();
            let unit = &mut net.units[i];
            unit.role = format!("{old}_{}", unit.role);
            unit.block = block;
        }
    }
    let mut spec = NetSpec::new("Synthetic", &["x"], Poly::var(1, 0).pow(2));
    spec.r = Some(R);
    let c = Construction {
        spec,
        metrics: qrelu_core::metrics::metrics(&net),
        net,
        error_bound: rational::pow2(-50),
        r: R,
        t: 50,
    };
    let core_ms = ms(t);
    let t = Instant::now();
    let tokens = expand_item("Synthetic", &c);
    let expand_ms = ms(t);
    Case {
        name,
        struct_name: "Synthetic",
        net: c.net,
        tokens,
        core_ms,
        expand_ms,
    }
}

fn scratch_root() -> PathBuf {
    std::env::temp_dir().join("qrelu-cost")
}

/// Wall-clock seconds and peak RSS (MiB) of one timed build, or why it failed.
struct Build {
    secs: f64,
    peak_mib: f64,
    ok: bool,
}

impl Build {
    fn cell(&self) -> String {
        let s = format!("{:.1} s, {:.0} MiB", self.secs, self.peak_mib);
        if self.ok { s } else { format!("FAILED {s}") }
    }
}

/// Parses `h:mm:ss` or `m:ss.ss` into seconds.
fn parse_clock(s: &str) -> f64 {
    s.split(':').fold(0.0, |acc, part| {
        acc * 60.0 + part.trim().parse::<f64>().unwrap_or(0.0)
    })
}

fn cargo(dir: &Path, release: bool) -> Build {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let timeout = std::env::var("QRELU_COST_TIMEOUT").unwrap_or_else(|_| "1200".into());
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-v")
        .args(["timeout", "--signal=KILL", &timeout])
        .arg(cargo)
        .args(["build", "--quiet"]);
    if release {
        cmd.arg("--release");
    }
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", scratch_root().join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    let out = cmd.output().expect("run /usr/bin/time cargo build");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let field = |key: &str| {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .map(|v| v.rsplit(": ").next().unwrap_or("").trim().to_owned())
            .unwrap_or_default()
    };
    let secs = parse_clock(&field("Elapsed (wall clock) time"));
    let peak_mib = field("Maximum resident set size")
        .parse::<f64>()
        .unwrap_or(0.0)
        / 1024.0;
    let ok = out.status.success();
    if !ok {
        let head: Vec<&str> = stderr.lines().take(40).collect();
        eprintln!("build of {} failed:\n{}", dir.display(), head.join("\n"));
    }
    Build { secs, peak_mib, ok }
}

fn write_scratch(dir: &Path, name: &str, main: &str) {
    fs::create_dir_all(dir.join("src")).unwrap();
    let facade = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("qrelu-macros sits in the workspace");
    let manifest = format!(
        "[package]\nname = \"qrelu-cost-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\nqrelu = {{ path = {:?} }}\n\n\
         [profile.release]\ndebug = false\n\n[workspace]\n",
        facade.display().to_string()
    );
    fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        // pin the workspace's versions: no resolution, no network
        let _ = fs::copy(facade.join("Cargo.lock"), lock);
    }
    fs::write(dir.join("src/main.rs"), main).unwrap();
}

const TRIVIAL_MAIN: &str = "fn main() {\n    println!(\"warm\");\n}\n";

fn real_main(struct_name: &str) -> String {
    format!(
        "include!(\"generated.rs\");\n\n\
         fn main() {{\n    \
         let a: f64 = {struct_name}::eval(0.3f64);\n    \
         let b: f64 = {struct_name}::eval(0.7f64);\n    \
         println!(\"{{:016x}} {{:016x}} {{a:?}} {{b:?}}\", a.to_bits(), b.to_bits());\n}}\n"
    )
}

/// Runs a scratch binary; its two outputs as f64.
fn run_binary(path: &Path) -> Option<[f64; 2]> {
    let out = Command::new(path).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let mut next = || u64::from_str_radix(it.next()?, 16).ok().map(f64::from_bits);
    Some([next()?, next()?])
}

struct Row {
    name: &'static str,
    weights: usize,
    units: usize,
    chunks: usize,
    shape_fns: usize,
    lines: usize,
    core_ms: f64,
    expand_ms: f64,
    release: Build,
    dev: Build,
    agreement: String,
}

fn measure(case: Case) -> Row {
    let m = qrelu_core::metrics::metrics(&case.net);
    let file: syn::File = syn::parse2(case.tokens).expect("the expansion parses as a file");
    let pretty = prettyplease::unparse(&file);
    let chunks = pretty.matches("fn chunk").count();
    // private block functions: `fn square_tent<T…` (not eval, target, chunks, trait fns)
    let shape_fns = pretty
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("fn ") && !l.starts_with("fn chunk"))
        .filter(|l| !l.starts_with("fn eval_at") && !l.starts_with("fn target_at"))
        .count();
    let dir = scratch_root().join(case.name);
    let crate_name = format!("qrelu-cost-{}", case.name);

    // warm: dependencies built, and this crate's last build is a trivial one
    write_scratch(&dir, case.name, TRIVIAL_MAIN);
    fs::write(dir.join("src/generated.rs"), &pretty).unwrap();
    let warm_release = cargo(&dir, true);
    let warm_dev = cargo(&dir, false);
    assert!(warm_release.ok && warm_dev.ok, "warm-up builds fail");

    write_scratch(&dir, case.name, &real_main(case.struct_name));
    let release = cargo(&dir, true);
    let dev = cargo(&dir, false);

    let mut agreement = String::new();
    for (profile, build) in [("release", &release), ("debug", &dev)] {
        if !build.ok {
            let _ = write!(agreement, "{profile}: no binary; ");
            continue;
        }
        let bin = scratch_root()
            .join("target")
            .join(profile)
            .join(&crate_name);
        let Some(got) = run_binary(&bin) else {
            let _ = write!(agreement, "{profile}: no output; ");
            continue;
        };
        let mut bits_ok = true;
        let mut worst_rel: f64 = 0.0;
        for (x, y) in [0.3f64, 0.7].into_iter().zip(got) {
            let reference = qrelu_core::eval::eval_f64(&case.net, &[x]);
            bits_ok &= reference.to_bits() == y.to_bits();
            let exact = qrelu_core::eval::eval(&case.net, &[Rational::from_float(x).unwrap()]);
            let exact = rational::to_f64(&exact);
            worst_rel = worst_rel.max((y - exact).abs() / exact.abs().max(1.0));
            println!(
                "  {} {profile}: eval({x}) = {y:?}, eval_f64 = {reference:?}, exact ≈ {exact:?}",
                case.name
            );
        }
        let _ = write!(
            agreement,
            "{profile}: {} rel {worst_rel:.1e}{}; ",
            if bits_ok { "bit-equal" } else { "BITS DIFFER" },
            if worst_rel <= 1e-12 { "" } else { " (>1e-12!)" }
        );
    }
    Row {
        name: case.name,
        weights: m.weights,
        units: m.units,
        chunks,
        shape_fns,
        lines: pretty.lines().count(),
        core_ms: case.core_ms,
        expand_ms: case.expand_ms,
        release,
        dev,
        agreement: agreement.trim_end_matches("; ").to_owned(),
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| network | weights | units | chunk fns | block fns | lines | core ms | expand ms | \
         release build | dev build | eval agreement |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.1} | {:.1} | {} | {} | {} |",
            r.name,
            r.weights,
            r.units,
            r.chunks,
            r.shape_fns,
            r.lines,
            r.core_ms,
            r.expand_ms,
            r.release.cell(),
            r.dev.cell(),
            r.agreement
        );
    }
}

/// The compile-cost table (see the module docs for how to run it).
#[test]
#[ignore = "measurement: builds scratch crates for minutes; run with --ignored --nocapture"]
fn compile_cost() {
    let wanted = std::env::var("QRELU_COST_NETS")
        .unwrap_or_else(|_| "square24,syn23k,syn100k,flat23k,flat100k".into());
    let mut rows = Vec::new();
    for name in wanted.split(',').map(str::trim) {
        let case = match name {
            "square24" => square24(),
            // 46 + 227·copies weights: 100 copies → 22,746, 441 → 100,153
            "syn23k" => synthetic("syn23k", 100, false),
            "syn100k" => synthetic("syn100k", 441, false),
            "flat23k" => synthetic("flat23k", 100, true),
            "flat100k" => synthetic("flat100k", 441, true),
            // any other size: `syn50k`, `flat50k`, …
            other => {
                let (flat, rest) = match other.strip_prefix("flat") {
                    Some(rest) => (true, rest),
                    None => (false, other.strip_prefix("syn").unwrap_or(other)),
                };
                let thousands: usize = rest
                    .strip_suffix('k')
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("unknown network {other:?}"));
                let name: &'static str = Box::leak(other.to_owned().into_boxed_str());
                synthetic(name, (thousands * 1000 / 227).max(1), flat)
            }
        };
        println!(
            "{}: core {:.1} ms, expansion {:.1} ms; building…",
            case.name, case.core_ms, case.expand_ms
        );
        let row = measure(case);
        print_table(std::slice::from_ref(&row));
        rows.push(row);
    }
    print_table(&rows);
}
