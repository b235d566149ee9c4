//! Compile cost of the generated code (SPEC §9 "Performance"): how long the
//! expansion and rustc take on what `qrelu!` emits, and how much memory rustc
//! needs, as the network grows to 100,000 weights and beyond.
//!
//! # Networks
//!
//! - **`poly5k`, `poly25k`, `poly100k`, `poly150k`** (the default family):
//!   real polynomial networks built by [`qrelu_core::build`] (`structure =
//!   direct`) — the dense polynomial of total degree `D` in `x, y, z` on
//!   [−1, 1]³, every monomial present, with non-dyadic coefficients
//!   ±(k+1)/(2k+3) for the k-th monomial (signs alternating). Degree and
//!   squaring depth `r` are picked so that the sizes land near the names:
//!
//!   | name | D | r | weights |
//!   | --- | --- | --- | --- |
//!   | `poly5k` | 3 | 8 | 5,232 |
//!   | `poly25k` | 5 | 11 | 24,205 |
//!   | `poly100k` | 9 | 11 | 104,723 |
//!   | `poly150k` | 10 | 12 | 150,383 |
//!   | `poly250k` | 12 | 13 | 258,779 |
//!   | `poly500k` | 16 | 12 | 519,191 |
//!   | `poly1m` | 20 | 13 | 1,029,637 |
//!
//!   `poly_d<D>_r<R>` gives any other degree and depth (weights grow
//!   linearly in `r` and about cubically in `D`); the table prints the
//!   actual counts, which move when the construction changes. They are expanded with the real item expansion
//!   (`qrelu_syntax::expand::expand_net`, inputs `x, y, z`).
//! - `square24`: f_s^24 through the whole macro pipeline
//!   (`qrelu_syntax::expand`).
//! - `syn23k`, `syn100k` (`syn<N>k`): K copies of f_s^24, each summed by
//!   one extra ReLU unit, built with qrelu-core's builder — many repeats of
//!   one block shape. `flat23k`, `flat100k` (`flat<N>k`): the same with
//!   every unit moved into one block, so no block function is shared and
//!   `eval` is all chunks — the worst case for the code shape.
//!
//! # What is measured
//!
//! For each network the test
//!
//! 1. times the core build and the expansion (this binary is release-built,
//!    as the macro is: `build-override` opt-level 2);
//! 2. pretty-prints the expansion into a scratch crate under
//!    `$TMPDIR/qrelu-cost/<name>/` that depends on the `qrelu` facade by
//!    path, builds it once with a trivial `main` (so dependencies are built),
//!    then times `cargo build --release` and `cargo build` of the real `main`
//!    with `/usr/bin/time -v` (wall clock and peak RSS: rustc on the
//!    generated code alone). All scratch crates share one target directory,
//!    `$TMPDIR/qrelu-cost/target`;
//! 3. runs both binaries, which evaluate `eval` in `f64` at two points behind
//!    [`std::hint::black_box`] (so nothing is constant-folded at compile
//!    time): `0.3` and `0.7` for one input, `(0.3, 0.7, −0.2)` and
//!    `(−0.6, 0.1, 0.9)` for three, and checks each result bit for bit
//!    against [`qrelu_core::eval::eval_f64`] (same summation order), within
//!    1e-12 relative of the exact evaluator, and — for networks built from a
//!    spec — the exact network value within the construction's a-priori
//!    error bound of the target polynomial;
//! 4. prints a table: weights, units, chunk and shared block functions,
//!    lines of generated code, core and expansion ms, release and dev build
//!    time and peak MiB, agreement.
//!
//! These are measurements, not timed assertions: the tests are `#[ignore]`d
//! and print numbers. Run them with
//!
//! ```sh
//! cargo test --release -p qrelu-syntax --test cost -- --ignored --nocapture --test-threads=1
//! ```
//!
//! `QRELU_COST_NETS=square24,poly100k,flat100k,…` selects networks (default:
//! `square24,poly5k,poly25k,poly100k,poly150k`);
//! `QRELU_COST_PROFILES=release` skips the dev builds (default
//! `release,dev`); `QRELU_COST_TIMEOUT=<seconds>` kills a scratch build that runs longer
//! (default 1200). A failed build shows as `FAILED` with the head of its
//! stderr above the table. The scratch builds inherit the environment, so
//! e.g. `RUST_MIN_STACK=268435456` measures code that overflows rustc's
//! default stack. `poly_sizes` (also ignored, no builds) prints the weight
//! counts of the polynomial family over a grid of degrees and depths.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use num_traits::Zero;
use proc_macro2::TokenStream;
use qrelu_core::net::{LinearForm, Net, NetBuilder, UnitKind};
use qrelu_core::rational::{self, Rational};
use qrelu_core::{Codebook, Construction, NetSpec, Params, Poly};
use quote::{format_ident, quote};

/// The squaring depth of `square24` and of every synthetic copy.
const R: u32 = 24;

/// Stack of the thread that builds, expands and parses one network.
const STACK: usize = 1 << 30;

/// The evaluation points of one-input networks.
const POINTS_1: [&[f64]; 2] = [&[0.3], &[0.7]];

/// The evaluation points of three-input networks.
const POINTS_3: [&[f64]; 2] = [&[0.3, 0.7, -0.2], &[-0.6, 0.1, 0.9]];

/// The named sizes of the polynomial family: `(name, degree, r)`.
const POLY_FAMILY: [(&str, u32, u32); 7] = [
    ("poly5k", 3, 8),
    ("poly25k", 5, 11),
    ("poly100k", 9, 11),
    ("poly150k", 10, 12),
    ("poly250k", 12, 13),
    ("poly500k", 16, 12),
    ("poly1m", 20, 13),
];

/// One network to measure.
struct Case {
    name: String,
    struct_name: &'static str,
    net: Net,
    tokens: TokenStream,
    /// where `main` evaluates the network, one coordinate per input
    points: Vec<Vec<f64>>,
    /// the target and the a-priori error bound, for networks built from a spec
    target: Option<(Poly, Rational)>,
    core_ms: f64,
    expand_ms: f64,
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn points(list: &[&[f64]]) -> Vec<Vec<f64>> {
    list.iter().map(|p| p.to_vec()).collect()
}

/// f_s^24 through the real pipeline (`qrelu_syntax::expand`), with the core build and
/// the expansion also timed on their own.
fn square24() -> Case {
    let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
    spec.r = Some(R);
    let t = Instant::now();
    let c = qrelu_core::build(&spec).expect("f_s^24 builds");
    let core_ms = ms(t);
    let t = Instant::now();
    let _ = expand_item("Square", &c, &["x"]);
    let expand_ms = ms(t);
    let tokens = qrelu_syntax::expand(quote! { pub net Square(x) = x^2 where r = 24; });
    Case {
        name: "square24".into(),
        struct_name: "Square",
        target: c.spec.target.poly().cloned().map(|p| (p, c.error_bound)),
        net: c.net,
        tokens,
        points: points(&POINTS_1),
        core_ms,
        expand_ms,
    }
}

/// The item expansion of the macro for a `pub` network with these inputs.
fn expand_item(name: &str, c: &Construction, inputs: &[&str]) -> TokenStream {
    qrelu_syntax::expand::expand_net(
        &qrelu_syntax::expand::Item {
            attrs: &[],
            vis: &syn::parse_quote!(pub),
            name: &format_ident!("{}", name),
            inputs: inputs.iter().map(|i| format_ident!("{}", i)).collect(),
            taken: &qrelu_syntax::expand::Scope::with([&format_ident!("{}", name)]),
        },
        c,
    )
}

/// The dense polynomial of total degree `degree` in three variables: every
/// monomial `x^a y^b z^c` with `a + b + c ≤ degree`, the k-th (in
/// lexicographic order of `(a, b, c)`) with coefficient `±(k+1)/(2k+3)`,
/// signs alternating — non-dyadic, so every coefficient needs a rounded
/// weight sub-network.
fn dense_poly(degree: u32) -> Poly {
    let mut terms = Vec::new();
    let mut k: i64 = 0;
    for a in 0..=degree {
        for b in 0..=degree - a {
            for c in 0..=degree - a - b {
                let sign = if k % 2 == 0 { 1 } else { -1 };
                terms.push((rational::ratio(sign * (k + 1), 2 * k + 3), vec![a, b, c]));
                k += 1;
            }
        }
    }
    Poly::from_terms(3, terms)
}

/// The spec of the polynomial family: [`dense_poly`] on [−1, 1]³ at depth `r`,
/// with no size limit.
fn poly_spec(degree: u32, r: u32) -> NetSpec {
    let mut spec = NetSpec::new("Poly", &["x", "y", "z"], dense_poly(degree));
    spec.r = Some(r);
    spec.domain = vec![(rational::int(-1), rational::int(1)); 3];
    spec.max_weights = u64::MAX;
    spec
}

/// A member of the polynomial family, built by `qrelu_core::build` and
/// expanded as the macro would.
fn poly(name: &str, degree: u32, r: u32) -> Case {
    let spec = poly_spec(degree, r);
    let t = Instant::now();
    let c = qrelu_core::build(&spec).expect("the dense polynomial builds");
    let core_ms = ms(t);
    let t = Instant::now();
    let tokens = expand_item("Poly", &c, &["x", "y", "z"]);
    let expand_ms = ms(t);
    Case {
        name: name.into(),
        struct_name: "Poly",
        target: c.spec.target.poly().cloned().map(|p| (p, c.error_bound)),
        net: c.net,
        tokens,
        points: points(&POINTS_3),
        core_ms,
        expand_ms,
    }
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
fn synthetic(name: &str, copies: usize, flat: bool) -> Case {
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
        net = flattened(&net);
    }
    let mut spec = NetSpec::new("Synthetic", &["x"], Poly::var(1, 0).pow(2));
    spec.r = Some(R);
    let c = Construction {
        spec,
        metrics: qrelu_core::metrics::metrics(&net),
        net,
        error_bound: rational::pow2(-50),
        params: Params {
            r: Some(R),
            t: 50,
            n: None,
            grid: None,
            intervals: None,
            cells: None,
        },
    };
    let core_ms = ms(t);
    let t = Instant::now();
    let tokens = expand_item("Synthetic", &c, &["x"]);
    let expand_ms = ms(t);
    Case {
        name: name.into(),
        struct_name: "Synthetic",
        net: c.net,
        tokens,
        points: points(&POINTS_1),
        target: None,
        core_ms,
        expand_ms,
    }
}

/// `net` rebuilt with every hidden unit in one block instance `flat`, each
/// role prefixed by its old block's name (so unit names stay unique): the
/// same units, edges and weights, through the checked builder.
fn flattened(net: &Net) -> Net {
    let mut b = NetBuilder::new(net.codebook().clone(), net.inputs());
    b.begin_block("flat");
    for u in &net.units()[net.dim()..] {
        let UnitKind::Relu { bias, inputs } = &u.kind else {
            unreachable!("inputs come first")
        };
        let role = format!("{}_{}", net.blocks()[u.block].short_name(), u.role);
        let edges: Vec<_> = inputs.iter().map(|e| (e.src, e.weight.clone())).collect();
        b.relu(&role, bias.clone(), &edges).unwrap();
    }
    b.end_block();
    let out = net.output();
    let form = LinearForm {
        terms: out
            .inputs
            .iter()
            .map(|e| (e.src, e.weight.clone()))
            .collect(),
    };
    b.finish(out.bias.clone(), &form).unwrap()
}

/// The network called `name` (module docs).
fn case(name: &str) -> Case {
    if name == "square24" {
        return square24();
    }
    if let Some(&(_, degree, r)) = POLY_FAMILY.iter().find(|(n, ..)| *n == name) {
        return poly(name, degree, r);
    }
    if let Some(rest) = name.strip_prefix("poly_d") {
        let parsed = rest
            .split_once("_r")
            .and_then(|(d, r)| Some((d.parse().ok()?, r.parse().ok()?)));
        let (degree, r) =
            parsed.unwrap_or_else(|| panic!("expected poly_d<D>_r<R>, found {name:?}"));
        return poly(name, degree, r);
    }
    // 46 + 227·copies weights: `syn23k` has 100 copies (22,746 weights),
    // `syn100k` 441 (100,153)
    let (flat, rest) = if let Some(rest) = name.strip_prefix("flat") {
        (true, rest)
    } else if let Some(rest) = name.strip_prefix("syn") {
        (false, rest)
    } else {
        panic!("unknown network {name:?}")
    };
    let thousands: usize = rest
        .strip_suffix('k')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unknown network {name:?}"));
    let copies = match thousands {
        23 => 100,
        100 => 441,
        n => (n * 1000 / 227).max(1),
    };
    synthetic(name, copies, flat)
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
    /// A build not made (`QRELU_COST_PROFILES` leaves its profile out).
    fn skipped() -> Self {
        Build {
            secs: f64::NAN,
            peak_mib: f64::NAN,
            ok: false,
        }
    }

    fn cell(&self) -> String {
        if self.secs.is_nan() {
            return "skipped".into();
        }
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

/// The profiles to build: `QRELU_COST_PROFILES` (default `release,dev`).
fn profiles() -> String {
    std::env::var("QRELU_COST_PROFILES").unwrap_or_else(|_| "release,dev".into())
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

/// The measured `main`: `eval` at every point (behind `black_box`, so that
/// nothing is folded at compile time), printed as f64 bit patterns.
fn real_main(struct_name: &str, points: &[Vec<f64>]) -> String {
    let mut calls = String::new();
    for p in points {
        let args: Vec<String> = p.iter().map(|x| format!("black_box({x:?}f64)")).collect();
        let _ = writeln!(calls, "        {struct_name}::eval({}),", args.join(", "));
    }
    format!(
        "include!(\"generated.rs\");\n\n\
         use std::hint::black_box;\n\n\
         fn main() {{\n    \
         let out: [f64; {n}] = [\n{calls}    ];\n    \
         for y in out {{\n        \
         println!(\"{{:016x}} {{y:?}}\", y.to_bits());\n    \
         }}\n}}\n",
        n = points.len()
    )
}

/// Runs a scratch binary; its outputs as f64, one per line.
fn run_binary(path: &Path) -> Option<Vec<f64>> {
    let out = Command::new(path).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .map(|l| {
            let bits = l.split_whitespace().next()?;
            u64::from_str_radix(bits, 16).ok().map(f64::from_bits)
        })
        .collect()
}

struct Row {
    name: String,
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

/// The exact evaluators at one point.
struct Exact {
    /// the network's exact value, rounded
    net: f64,
    /// the target's value, rounded, and whether the network is within the
    /// a-priori bound of it (exactly); `None` when the case has no target
    target: Option<(f64, bool)>,
}

fn exact_at(case: &Case, point: &[f64]) -> Exact {
    let x: Vec<Rational> = point
        .iter()
        .map(|&v| Rational::from_float(v).expect("finite"))
        .collect();
    let net = qrelu_core::eval::eval(&case.net, &x);
    let target = case.target.as_ref().map(|(target, bound)| {
        let t = target.eval(&x);
        let within = &rational::abs(&(net.clone() - &t)) <= bound;
        (rational::to_f64(&t), within)
    });
    Exact {
        net: rational::to_f64(&net),
        target,
    }
}

fn measure(case: Case) -> Row {
    let m = qrelu_core::metrics::metrics(&case.net);
    let file: syn::File = syn::parse2(case.tokens.clone()).expect("the expansion parses as a file");
    let pretty = prettyplease::unparse(&file);
    let chunks = pretty.matches("fn chunk").count();
    // private block functions: `fn square_tent<T…` (not eval, target, chunks, trait fns)
    let shape_fns = pretty
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("fn ") && !l.starts_with("fn chunk"))
        .filter(|l| !l.starts_with("fn eval_at") && !l.starts_with("fn target_at"))
        .count();
    let dir = scratch_root().join(&case.name);
    let crate_name = format!("qrelu-cost-{}", case.name);

    // warm: dependencies built, and this crate's last build is a trivial one
    write_scratch(&dir, &case.name, TRIVIAL_MAIN);
    fs::write(dir.join("src/generated.rs"), &pretty).unwrap();
    let warm_release = cargo(&dir, true);
    assert!(warm_release.ok, "the warm-up release build fails");
    if profiles().contains("dev") {
        assert!(cargo(&dir, false).ok, "the warm-up dev build fails");
    }

    write_scratch(&dir, &case.name, &real_main(case.struct_name, &case.points));
    let release = cargo(&dir, true);
    let dev = if profiles().contains("dev") {
        cargo(&dir, false)
    } else {
        Build::skipped()
    };

    let exact: Vec<Exact> = case.points.iter().map(|p| exact_at(&case, p)).collect();
    let mut agreement = String::new();
    if case.target.is_some() {
        let all = exact.iter().all(|e| e.target.is_some_and(|(_, w)| w));
        let _ = write!(
            agreement,
            "{}; ",
            if all { "within bound" } else { "OUTSIDE BOUND" }
        );
    }
    for (profile, build) in [("release", &release), ("debug", &dev)] {
        if build.secs.is_nan() {
            continue;
        }
        if !build.ok {
            let _ = write!(agreement, "{profile}: no binary; ");
            continue;
        }
        let bin = scratch_root()
            .join("target")
            .join(profile)
            .join(&crate_name);
        let got = run_binary(&bin).filter(|got| got.len() == case.points.len());
        let Some(got) = got else {
            let _ = write!(agreement, "{profile}: no output; ");
            continue;
        };
        let mut bits_ok = true;
        let mut worst_rel: f64 = 0.0;
        for ((x, y), e) in case.points.iter().zip(got).zip(&exact) {
            let reference = qrelu_core::eval::eval_f64(&case.net, x);
            bits_ok &= reference.to_bits() == y.to_bits();
            worst_rel = worst_rel.max((y - e.net).abs() / e.net.abs().max(1.0));
            let target = match e.target {
                Some((t, within)) => format!(
                    ", target ≈ {t:?} ({})",
                    if within {
                        "within bound"
                    } else {
                        "OUTSIDE BOUND"
                    }
                ),
                None => String::new(),
            };
            println!(
                "  {} {profile}: eval{x:?} = {y:?}, eval_f64 = {reference:?}, exact ≈ {:?}{target}",
                case.name, e.net
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
        .unwrap_or_else(|_| "square24,poly5k,poly25k,poly100k,poly150k".into());
    let mut rows = Vec::new();
    for name in wanted.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let name = name.to_owned();
        // syn's parser recurses once per link of a method chain, and an
        // output sum can be one chain of thousands of links
        let row = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                let case = case(&name);
                println!(
                    "{}: core {:.1} ms, expansion {:.1} ms; building…",
                    case.name, case.core_ms, case.expand_ms
                );
                measure(case)
            })
            .expect("spawn the measuring thread")
            .join()
            .expect("the measurement does not panic");
        print_table(std::slice::from_ref(&row));
        rows.push(row);
    }
    print_table(&rows);
}

/// Weight counts of the polynomial family over degrees and depths (core
/// builds only, no rustc; seconds).
#[test]
#[ignore = "measurement: prints the sizes of the polynomial family"]
fn poly_sizes() {
    const DEPTHS: [u32; 7] = [4, 8, 10, 11, 12, 16, 24];
    println!(
        "| D | terms | {} |",
        DEPTHS.map(|r| format!("r = {r}")).join(" | ")
    );
    println!("|---|---|{}", "---|".repeat(DEPTHS.len()));
    for degree in 1..=11u32 {
        let terms = dense_poly(degree).terms().count();
        let sizes = DEPTHS.map(|r| {
            let c = qrelu_core::build(&poly_spec(degree, r)).expect("the dense polynomial builds");
            c.metrics.weights.to_string()
        });
        println!("| {degree} | {terms} | {} |", sizes.join(" | "));
    }
}
