//! A campaign that tries to break qrelu's promises on networks nobody
//! chose: random targets, random structures, codebooks and parameters,
//! each network built at run time and checked by computation.
//!
//! Each net `i` of a run is drawn from its own generator, seeded by
//! `(seed, i)`, as one line of the DSL (SPEC §2):
//!
//! - the target is a polynomial in d ≤ 3 inputs of degree ≤ 6 with
//!   rational coefficients of mixed sizes (1/2, 7/3, 12345/65536,
//!   1/1000000, …), or a random expression of the grammar (every function,
//!   quotients, powers, `pi`; some of them undefined on the domain, on
//!   purpose);
//! - the structure is direct, taylor or lipschitz; λ ∈ 2..=9, nonlinear or
//!   linear codebook; `r`/`t`, or `eps` with and without `tune = smallest`,
//!   Theorem 1's `n` and `N`; domains [0, 1], [−1, 1] (and a few that
//!   must be refused);
//!   `max_weights = 20000`.
//!
//! The line goes through the macro's own pipeline (`qrelu_syntax`: parse,
//! validate, the spec it lowers to) and the network is built by
//! `qrelu_core::build`. A refusal — a validation error or a
//! [`CoreError`](qrelu_core::CoreError) — is a clean outcome and is
//! counted; for every network built:
//!
//! 1. **size**: the estimate made before building is at least the built
//!    size (an *estimate miss* otherwise); estimate/built is summarised;
//! 2. **JSON**: the `qrelu-net/1` export is read back independently
//!    (`tests/common`): topological order, no dead unit, no repeated edge,
//!    every weight and bias in the codebook, and the codebook equal to
//!    eq. 9's (or the linear one) recomputed from λ and t;
//! 3. **bound**: a certificate of sup |net − f| over the whole domain
//!    against the a-priori bound — the exact 1-D sweep
//!    (`certify_1d_with_options`, refinement against expressions within
//!    1 s) for one input, branch and bound over boxes (`certify_net`, bound
//!    only, 2,000 boxes or 1 s) otherwise.
//!    A *bound violation* is a bound proved false (the error at a rational
//!    witness exceeds it); a certificate that neither proves nor refutes
//!    within its budget is counted as undecided;
//! 4. **expansion**: the macro expansion of the line (`qrelu_syntax::expand`)
//!    twice gives the same tokens, and holds no compile error.
//!
//! Any panic anywhere is caught and counted. The run prints
//! `N nets, V bound violations, P panics, R refusals, E estimate misses`,
//! the other counts, the worst cases (largest certified error relative to
//! the bound), the slowest nets, and writes every failure as its DSL line — paste it into
//! `qrelu! { … }` or rerun it with `--seed S --first I --nets 1` — under
//! `target/campaign/`. Exits with status 1 on any failure.
//!
//! ```text
//! cargo run --release --example campaign -- --nets 10000 --seed 1 --jobs 2
//! ```
//!
//! `--jobs J` runs J workers (the report is the same: nets are tallied in
//! order); `--budget-ms T` sets each certificate's time budget (default
//! 1,000; a smaller one leaves more bounds undecided, never a wrong one);
//! `--lines` prints the generated lines (`I: line`) without running them.

#[allow(unused_imports)]
#[path = "../tests/common/mod.rs"]
mod json;

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use qrelu_core::certify::{Options, SweepOptions, certify_1d_with_options, certify_net};
use qrelu_core::export::json::to_json;
use qrelu_core::rational::to_f64;
use qrelu_core::{Construction, Quantization, Rational, build, estimate_weights};
use qrelu_syntax::{ast, lower, valid};

/// The size guard of every generated line: keeps a run of 10,000 nets
/// within the hour on two cores.
const MAX_WEIGHTS: u64 = 20_000;

/// The box certificate's budget per network with d ≥ 2.
const MAX_BOXES: usize = 2_000;

/// The default time budget of each certificate (the sweep's refinement in
/// 1-D, the boxes otherwise; `--budget-ms`).
const MAX_TIME: Duration = Duration::from_secs(1);

/// Where failures are written (under the workspace root).
const OUT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/campaign");

fn main() {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("campaign: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    // panics are counted, not printed: remember the last message instead
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        LAST_PANIC.with(|p| *p.borrow_mut() = format!("{msg}{at}"));
    }));

    if args.lines {
        for i in args.first..args.first + args.nets {
            println!("{i}: {}", generate(&mut Rng::new(args.seed, i)));
        }
        return;
    }
    let start = Instant::now();
    let mut tally = Tally::default();
    // `jobs` workers take the nets in turn; the results are tallied in
    // order, so the report does not depend on the number of workers
    let (send, receive) = std::sync::mpsc::channel();
    let next = std::sync::atomic::AtomicU64::new(args.first);
    let end = args.first + args.nets;
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.max(1) {
            let send = send.clone();
            let (next, budget) = (&next, args.budget);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= end {
                        break;
                    }
                    let line = generate(&mut Rng::new(args.seed, i));
                    let started = Instant::now();
                    let outcome = run(&line, budget);
                    let took = started.elapsed();
                    if send.send((i, line, outcome, took)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut pending = std::collections::BTreeMap::new();
        let mut due = args.first;
        for (i, line, outcome, took) in receive {
            pending.insert(i, (line, outcome, took));
            while let Some((line, outcome, took)) = pending.remove(&due) {
                if args.verbose {
                    println!("{due}: {line}\n   {}", outcome.describe());
                }
                tally.slowest.push((took.as_secs_f64(), due, line.clone()));
                tally.add(due, &line, outcome);
                due += 1;
                if args.progress && (due - args.first) % 500 == 0 {
                    eprintln!(
                        "{} nets, {:.0?}: {}",
                        due - args.first,
                        start.elapsed(),
                        tally.summary()
                    );
                }
            }
        }
    });
    tally.report(&args, start.elapsed());
    if tally.failures() > 0 {
        std::process::exit(1);
    }
}

const USAGE: &str = "usage: campaign [--nets N] [--seed S] [--first I] [--jobs J] [--budget-ms T] [--verbose] [--progress] [--lines]";

/// The command line.
#[derive(Clone, Copy)]
struct Args {
    nets: u64,
    seed: u64,
    first: u64,
    /// worker threads
    jobs: u64,
    /// the time budget of each certificate
    budget: Duration,
    verbose: bool,
    /// print the generated lines and stop
    lines: bool,
    progress: bool,
}

impl Args {
    fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut a = Args {
            nets: 200,
            seed: 1,
            first: 0,
            jobs: 1,
            budget: MAX_TIME,
            verbose: false,
            lines: false,
            progress: false,
        };
        while let Some(flag) = it.next() {
            let mut value = |name: &str| -> Result<u64, String> {
                let v = it.next().ok_or(format!("{name} needs a value"))?;
                v.replace('_', "")
                    .parse()
                    .map_err(|_| format!("{name}: `{v}` is not a non-negative integer"))
            };
            match flag.as_str() {
                "--nets" => a.nets = value("--nets")?,
                "--seed" => a.seed = value("--seed")?,
                "--first" => a.first = value("--first")?,
                "--jobs" => a.jobs = value("--jobs")?,
                "--budget-ms" => a.budget = Duration::from_millis(value("--budget-ms")?),
                "--verbose" => a.verbose = true,
                "--lines" => a.lines = true,
                "--progress" => a.progress = true,
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(a)
    }
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Runs `f`, turning a panic into its message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| LAST_PANIC.with(|p| p.borrow().clone()))
}

// ---------------------------------------------------------------------------
// Generation

/// SplitMix64: a small, well-mixed generator whose stream depends only on
/// `(seed, index)`, so that any net of a run can be drawn again alone.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ 0x9e37_79b9_7f4a_7c15);
        r.0 = r.next() ^ index.wrapping_mul(0xd134_2543_de82_ef95);
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `p` percent.
    fn chance(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const NAMES: [&str; 3] = ["x", "y", "z"];

/// One random line of the DSL.
fn generate(rng: &mut Rng) -> String {
    let structure = *rng.pick(&[
        "direct",
        "direct",
        "direct",
        "direct",
        "taylor",
        "taylor",
        "lipschitz",
    ]);
    let d = match structure {
        "lipschitz" => 1,
        _ => *rng.pick(&[1, 1, 1, 2, 2, 3]),
    };
    let polynomial = rng.chance(55);
    let mut inputs = Vec::new();
    for name in &NAMES[..d] {
        let domain = match structure {
            "direct" if rng.chance(40) => {
                *rng.pick(&["[-1, 1]", "[-1, 1]", "[-1, 1]", "[-1, 1]", "[0, 2]"])
            }
            _ => "",
        };
        inputs.push(if domain.is_empty() {
            (*name).to_owned()
        } else {
            format!("{name} in {domain}")
        });
    }
    let target = match (polynomial, structure) {
        (true, "direct") => poly(rng, d, 6, false),
        (true, _) => format!("({})/{}", poly(rng, d, 3, true), rng.range(2, 8)),
        (false, "direct") => expr(rng, d, 3),
        (false, _) => format!("({})/{}", expr(rng, d, 2), rng.range(3, 12)),
    };
    let mut params = vec![format!("structure = {structure}")];
    params.push(format!("lambda = {}", rng.range(2, 9)));
    if rng.chance(40) {
        params.push("quantization = linear".into());
    }
    match structure {
        "direct" => {
            if rng.chance(50) {
                let r = rng.range(1, 9);
                params.push(format!("r = {r}"));
                if rng.chance(60) {
                    params.push(format!("t = {}", rng.range(1, 24)));
                }
            } else {
                params.push(eps_param(rng));
                if rng.chance(30) {
                    params.push("tune = smallest".into());
                }
            }
        }
        "taylor" => {
            params.push(format!("n = {}", rng.range(1, 3)));
            if rng.chance(50) {
                params.push(format!("N = {}", rng.range(1, 6)));
                params.push(format!("r = {}", rng.range(1, 8)));
                if rng.chance(40) {
                    params.push(format!("t = {}", rng.range(4, 20)));
                }
            } else {
                params.push(eps_param(rng));
                if rng.chance(50) {
                    params.push("tune = smallest".into());
                }
            }
        }
        _ => {
            params.push(eps_param(rng));
            if rng.chance(40) {
                params.push("tune = smallest".into());
            }
        }
    }
    params.push(format!("max_weights = {MAX_WEIGHTS}"));
    // any order is accepted: shuffle
    for k in (1..params.len()).rev() {
        let j = (rng.next() % (k as u64 + 1)) as usize;
        params.swap(k, j);
    }
    format!(
        "net C({}) = {target} where {};",
        inputs.join(", "),
        params.join(", ")
    )
}

fn eps_param(rng: &mut Rng) -> String {
    let k = rng.pick(&[4, 8, 16, 32, 64, 100, 256, 1000]);
    format!("eps = 1/{k}")
}

/// A rational coefficient of mixed size.
fn coefficient(rng: &mut Rng, small: bool) -> String {
    let sign = if rng.chance(40) { "-" } else { "" };
    let (p, q) = match rng.range(0, if small { 3 } else { 7 }) {
        0 => (1, 2),
        1 => (rng.range(1, 9), rng.range(1, 9)),
        2 => (rng.range(1, 3), *rng.pick(&[4, 8, 16, 3, 7])),
        3 => (1, rng.range(1, 4)),
        4 => (rng.range(1, 99_999), *rng.pick(&[65_536, 100_000, 12_345])),
        5 => (1, 1_000_000),
        6 => (rng.range(2, 9), 1),
        _ => (rng.range(100, 9_999), 1_000),
    };
    if q == 1 {
        format!("{sign}{p}")
    } else {
        format!("{sign}{p}/{q}")
    }
}

/// A random polynomial in `d` inputs of degree ≤ `max_degree`.
fn poly(rng: &mut Rng, d: usize, max_degree: u64, small: bool) -> String {
    let terms = rng.range(1, 5);
    let mut out = String::new();
    for k in 0..terms {
        let c = coefficient(rng, small);
        let degree = rng.range(0, max_degree);
        let mut pows = vec![0u64; d];
        for _ in 0..degree {
            pows[(rng.next() % d as u64) as usize] += 1;
        }
        let mut monomial = String::new();
        for (name, &p) in NAMES.iter().zip(&pows) {
            match p {
                0 => {}
                1 => write!(monomial, "*{name}").unwrap(),
                _ => write!(monomial, "*{name}^{p}").unwrap(),
            }
        }
        let term = if c.starts_with('-') {
            format!("({c}){monomial}")
        } else {
            format!("{c}{monomial}")
        };
        if k > 0 {
            out.push_str(" + ");
        }
        out.push_str(&term);
    }
    out
}

/// A random expression of the grammar in `d` inputs, nesting ≤ `depth`.
fn expr(rng: &mut Rng, d: usize, depth: u32) -> String {
    let var = |rng: &mut Rng| NAMES[(rng.next() % d as u64) as usize].to_owned();
    if depth == 0 || rng.chance(25) {
        return match rng.range(0, 5) {
            0 => coefficient(rng, true).replace('-', ""),
            1 => "pi/4".into(),
            _ => var(rng),
        };
    }
    let a = expr(rng, d, depth - 1);
    match rng.range(0, 16) {
        0 => format!("exp({a})"),
        1 => format!("log(1 + ({a})^2)"),
        2 => format!("sqrt(1 + ({a})^2)"),
        3 => format!("sin({a})"),
        4 => format!("cos({a})"),
        5 => format!("tanh({a})"),
        6 => format!("atan({a})"),
        7 => format!("abs({a} - {})", coefficient(rng, true)),
        8 => format!("min({a}, {})", expr(rng, d, depth - 1)),
        9 => format!("max({a}, {})", expr(rng, d, depth - 1)),
        10 => format!("{a} * {}", expr(rng, d, depth - 1)),
        11 => format!("{a} - {}", expr(rng, d, depth - 1)),
        12 => format!("({a})/(2 + ({})^2)", expr(rng, d, depth - 1)),
        13 => format!("({a})^{}", rng.range(2, 3)),
        // sometimes undefined on the domain: must be refused cleanly
        14 => format!("log({a})"),
        _ => format!("1/({a})"),
    }
}

// ---------------------------------------------------------------------------
// Checks

/// What became of one line.
enum Outcome {
    /// refused before building (the message)
    Refused(String),
    /// a panic, at the stage named
    Panic(&'static str, String),
    /// built and checked
    Built(Box<Checked>),
}

/// The findings on one network that was built.
struct Checked {
    weights: usize,
    estimate: u64,
    dim: usize,
    bound: Rational,
    /// the certificate: `(lower, upper, holds, refuted)`, or why there is
    /// none
    cert: Result<(Rational, Rational, bool, bool), String>,
    /// a failure of the JSON read-back, if any
    json: Option<String>,
    /// a failure of the expansion check, if any
    expansion: Option<String>,
    /// time spent building, certifying and expanding
    times: [Duration; 3],
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Refused(m) => format!("refused: {m}"),
            Outcome::Panic(stage, m) => format!("PANIC in {stage}: {m}"),
            Outcome::Built(c) => {
                let cert = match &c.cert {
                    Ok((lo, up, holds, _)) => format!(
                        "certified [{:.3e}, {:.3e}] {} bound {:.3e}",
                        to_f64(lo),
                        to_f64(up),
                        if *holds { "≤" } else { "vs" },
                        to_f64(&c.bound)
                    ),
                    Err(e) => format!("no certificate: {e}"),
                };
                let [b, k, x] = c.times;
                format!(
                    "{} weights (estimate {}), {cert}; build {b:.2?}, certify {k:.2?}, expand {x:.2?}",
                    c.weights, c.estimate
                )
            }
        }
    }
}

/// Runs every check on one line.
fn run(line: &str, budget: Duration) -> Outcome {
    let start = Instant::now();
    let tokens = match proc_macro2::TokenStream::from_str(line) {
        Ok(t) => t,
        Err(e) => return Outcome::Refused(format!("lexer: {e}")),
    };
    let spec = match guarded(|| {
        let input = ast::parse(tokens.clone()).map_err(|e| e.to_string())?;
        let nets = valid::validate(input).map_err(|e| e.to_string())?;
        Ok::<_, String>(lower::spec(&nets[0]))
    }) {
        Err(p) => return Outcome::Panic("validation", p),
        Ok(Err(e)) => return Outcome::Refused(e),
        Ok(Ok(spec)) => spec,
    };
    let estimate = match guarded(|| estimate_weights(&spec)) {
        Err(p) => return Outcome::Panic("estimate", p),
        Ok(Err(e)) => return Outcome::Refused(e.to_string()),
        Ok(Ok(n)) => n,
    };
    let c = match guarded(|| build(&spec)) {
        Err(p) => return Outcome::Panic("build", p),
        Ok(Err(e)) => return Outcome::Refused(e.to_string()),
        Ok(Ok(c)) => c,
    };
    let built = start.elapsed();
    let json = guarded(|| check_json(&c)).err();
    let cert = match guarded(|| certify(&c, budget)) {
        Err(p) => return Outcome::Panic("certify", p),
        Ok(r) => r,
    };
    let certified = start.elapsed();
    let expansion = match guarded(|| check_expansion(tokens)) {
        Err(p) => Some(format!("panic: {p}")),
        Ok(r) => r.err(),
    };
    Outcome::Built(Box::new(Checked {
        weights: c.metrics.weights,
        estimate,
        dim: c.spec.inputs.len(),
        bound: c.error_bound.clone(),
        cert,
        json,
        expansion,
        times: [built, certified - built, start.elapsed() - certified],
    }))
}

/// The JSON read back independently (panics on a violation).
fn check_json(c: &Construction) {
    let net = json::JsonNet::parse(&to_json(c));
    net.assert_strict(&c.spec.name);
    let expected = match c.spec.quantization {
        Quantization::Linear => json::expected_linear_codebook(c.spec.lambda),
        _ => json::expected_codebook(c.spec.lambda, c.params.t),
    };
    assert_eq!(net.codebook, expected, "the codebook");
}

/// The certificate of `c`'s error against its a-priori bound.
fn certify(c: &Construction, budget: Duration) -> Result<(Rational, Rational, bool, bool), String> {
    let bound = &c.error_bound;
    if c.spec.inputs.len() == 1 {
        let (lo, hi) = &c.spec.domain[0];
        let options = SweepOptions {
            max_time: Some(budget),
            ..SweepOptions::default()
        };
        let cert = certify_1d_with_options(&c.net, &c.spec.target, lo, hi, bound, options)
            .map_err(|e| e.to_string())?;
        let refuted = cert.refuted();
        return Ok((cert.error, cert.upper, cert.holds, refuted));
    }
    let options = Options {
        bound_only: true,
        max_boxes: MAX_BOXES,
        max_time: Some(budget),
        ..Options::default()
    };
    let cert = certify_net(&c.net, &c.spec.target, &c.spec.domain, bound, options)
        .map_err(|e| e.to_string())?;
    Ok((cert.lower, cert.upper, cert.holds, cert.refuted))
}

/// The macro's expansion of the line: the same twice, and without errors.
fn check_expansion(tokens: proc_macro2::TokenStream) -> Result<(), String> {
    let first = qrelu_syntax::expand(tokens.clone()).to_string();
    let second = qrelu_syntax::expand(tokens).to_string();
    if first != second {
        return Err("two expansions differ".into());
    }
    if first.contains("compile_error") {
        return Err("the expansion of a network that builds holds a compile error".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The tally

#[derive(Default)]
struct Tally {
    nets: u64,
    built: u64,
    refusals: u64,
    panics: Vec<(u64, String, String)>,
    violations: Vec<(u64, String, String)>,
    estimate_misses: Vec<(u64, String, String)>,
    json_failures: Vec<(u64, String, String)>,
    expansion_failures: Vec<(u64, String, String)>,
    /// built networks whose certificate neither proved nor refuted the
    /// bound (budget), or could not be computed: (index, line, why)
    undecided: Vec<(u64, String, String)>,
    proved: u64,
    by_dim: [u64; 4],
    /// (certified error / bound, index, line), for the worst cases
    ratios: Vec<(f64, u64, String)>,
    /// estimate / built for networks of ≥ 1,000 weights
    estimates: Vec<f64>,
    weights: u64,
    largest: usize,
    refusal_kinds: std::collections::BTreeMap<String, u64>,
    /// (seconds, index, line) of every net, for the slowest
    slowest: Vec<(f64, u64, String)>,
}

impl Tally {
    fn add(&mut self, i: u64, line: &str, outcome: Outcome) {
        self.nets += 1;
        let entry = |why: String| (i, line.to_owned(), why);
        match outcome {
            Outcome::Refused(m) => {
                self.refusals += 1;
                let kind: String = m.chars().take(48).collect();
                *self.refusal_kinds.entry(kind).or_default() += 1;
            }
            Outcome::Panic(stage, m) => self.panics.push(entry(format!("{stage}: {m}"))),
            Outcome::Built(c) => {
                self.built += 1;
                self.by_dim[c.dim.min(3)] += 1;
                self.weights += c.weights as u64;
                self.largest = self.largest.max(c.weights);
                if c.estimate < c.weights as u64 {
                    self.estimate_misses.push(entry(format!(
                        "estimate {} < built {}",
                        c.estimate, c.weights
                    )));
                }
                if c.weights >= 1_000 {
                    self.estimates.push(c.estimate as f64 / c.weights as f64);
                }
                if let Some(j) = c.json {
                    self.json_failures.push(entry(j));
                }
                if let Some(x) = c.expansion {
                    self.expansion_failures.push(entry(x));
                }
                match c.cert {
                    Ok((lower, upper, holds, refuted)) => {
                        let b = to_f64(&c.bound);
                        if b > 0.0 {
                            self.ratios.push((to_f64(&lower) / b, i, line.to_owned()));
                        }
                        if refuted {
                            self.violations
                                .push(entry(format!("error ≥ {} > bound {}", lower, c.bound)));
                        } else if holds {
                            self.proved += 1;
                        } else {
                            self.undecided.push(entry(format!(
                                "[{:.4e}, {:.4e}] vs bound {:.4e}",
                                to_f64(&lower),
                                to_f64(&upper),
                                b
                            )));
                        }
                    }
                    Err(e) => self.undecided.push(entry(e)),
                }
            }
        }
    }

    fn failures(&self) -> usize {
        self.panics.len()
            + self.violations.len()
            + self.estimate_misses.len()
            + self.json_failures.len()
            + self.expansion_failures.len()
    }

    fn summary(&self) -> String {
        format!(
            "{} nets, {} bound violations, {} panics, {} refusals, {} estimate misses",
            self.nets,
            self.violations.len(),
            self.panics.len(),
            self.refusals,
            self.estimate_misses.len()
        )
    }

    fn report(&mut self, args: &Args, elapsed: Duration) {
        println!(
            "campaign: seed {}, nets {}..{}, {:.1?}",
            args.seed,
            args.first,
            args.first + args.nets,
            elapsed
        );
        println!("{}", self.summary());
        println!(
            "built {} ({} / {} / {} with 1 / 2 / 3 inputs; {} weights in all, the largest {}); \
             bound proved on {}, undecided {}; {} JSON failures, {} expansion failures",
            self.built,
            self.by_dim[1],
            self.by_dim[2],
            self.by_dim[3],
            self.weights,
            self.largest,
            self.proved,
            self.undecided.len(),
            self.json_failures.len(),
            self.expansion_failures.len()
        );
        if !self.estimates.is_empty() {
            self.estimates.sort_by(f64::total_cmp);
            let q = |p: f64| self.estimates[((self.estimates.len() - 1) as f64 * p) as usize];
            println!(
                "estimate/built over {} nets of ≥ 1,000 weights: min {:.2}, median {:.2}, p90 {:.2}, max {:.2}",
                self.estimates.len(),
                q(0.0),
                q(0.5),
                q(0.9),
                q(1.0)
            );
        }
        println!("refusals by message:");
        let mut kinds: Vec<_> = self.refusal_kinds.iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(a.1));
        for (kind, n) in kinds.iter().take(8) {
            println!("  {n:>6}  {kind}…");
        }
        self.ratios.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!("worst cases (certified error / bound):");
        for (r, i, line) in self.ratios.iter().take(5) {
            println!("  {r:.4}  #{i}  {line}");
        }
        self.slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!("slowest nets (parse to certificate):");
        for (t, i, line) in self.slowest.iter().take(5) {
            println!("  {t:.1}s  #{i}  {line}");
        }
        let lists = [
            ("panic", &self.panics),
            ("violation", &self.violations),
            ("estimate-miss", &self.estimate_misses),
            ("json", &self.json_failures),
            ("expansion", &self.expansion_failures),
            ("undecided", &self.undecided),
        ];
        let dir = PathBuf::from(OUT_DIR);
        for (kind, list) in lists {
            for (i, line, why) in list.iter() {
                if kind != "undecided" || list.len() <= 20 {
                    println!("{kind} #{i}: {why}\n    {line}");
                }
                if kind != "undecided" {
                    let _ = std::fs::create_dir_all(&dir);
                    let file = dir.join(format!("{kind}-seed{}-{i}.qrelu", args.seed));
                    let text = format!(
                        "// {kind}: {why}\n// rerun: cargo run --release --example campaign -- --seed {} --first {i} --nets 1 --verbose\n{line}\n",
                        args.seed
                    );
                    if std::fs::write(&file, text).is_ok() {
                        println!("    written to {}", file.display());
                    }
                }
            }
        }
    }
}
