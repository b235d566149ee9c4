//! A tour of qrelu, in nine tables:
//!
//! 1. the squaring network f_s^r of Prop. 1 for r = 1..=12, weights ±1/2;
//! 2. polynomials compiled by `qrelu!` (`structure = direct`): x², x·y,
//!    3/4·x³ − x/2 + 1/8 and a 3-variable cubic, each with λ ∈ {2, 3, 4};
//! 3. the multiplication ×′ of Prop. 2 beside Table 1 and eq. 8;
//! 4. the weight sub-network of Prop. 3 beside the counts of its proof;
//! 5. Theorem 1's function-independent networks (`structure = taylor`);
//! 6. two of them block by block (`INFO.parts`) beside Table 1's widths and
//!    depths, and their totals beside the leading terms of eqs. 29–30.
//! 7. `tune = smallest` beside the paper's formulas for N, r and t (eqs.
//!    26–28): weights and exact bounds.
//! 8. Theorem 2's function-dependent networks (`structure = lipschitz`,
//!    Fig. 4), one of them block by block beside Table 2;
//! 9. targets beyond polynomials — exp, log, sqrt, sin, cos, tanh, atan, a
//!    sigmoid, abs/min/max, a quotient, and two in two inputs — with the
//!    size of the same networks with free weights.
//!
//! Section 10 certifies two- and three-input networks on longer budgets,
//! and section 11 draws two pictures with `qrelu_core::export::svg` (what
//! `qrelu build --svg` writes): `Bell` (exp(−x²)) beside its target with
//! the error beneath, and the error of `Radial` (exp(−(x² + y²))) as a heat
//! map, in `target/plots/bell.svg` and `target/plots/radial.svg`.
//!
//! For each network it prints the size the compiler reports in `INFO`, the
//! a-priori bound and the certified error: for one input the exact maximum
//! of |net − target| over every linear piece of the generated code; for
//! several, `[lower, upper]` from branch and bound over boxes — the error at
//! a witness point and a proved bound on the sup over the whole domain
//! (within 1%, or wider when the per-row time budget is spent).
//!
//! Run with `cargo run --release --example tour`.

use num_traits::Signed;
use qrelu::check::certify_1d;
use qrelu::{Exact, Network};
use qrelu_core::certify::certify_1d_expr;
use qrelu_core::export::svg;
use qrelu_core::gadget::weight;
use qrelu_core::rational::{self, pow2, ratio};
use qrelu_core::{Codebook, Poly, bound, eval, metrics};
use qrelu_core::{NetSpec, build};

qrelu::qrelu! {
    /// f_s^1: one tent block.
    pub net Square1(x) = x^2 where r = 1, lambda = 2;
    /// f_s^2.
    pub net Square2(x) = x^2 where r = 2, lambda = 2;
    /// f_s^3.
    pub net Square3(x) = x^2 where r = 3, lambda = 2;
    /// f_s^4.
    pub net Square4(x) = x^2 where r = 4, lambda = 2;
    /// f_s^5.
    pub net Square5(x) = x^2 where r = 5, lambda = 2;
    /// f_s^6.
    pub net Square6(x) = x^2 where r = 6, lambda = 2;
    /// f_s^7.
    pub net Square7(x) = x^2 where r = 7, lambda = 2;
    /// f_s^8.
    pub net Square8(x) = x^2 where r = 8, lambda = 2;
    /// f_s^9.
    pub net Square9(x) = x^2 where r = 9, lambda = 2;
    /// f_s^10.
    pub net Square10(x) = x^2 where r = 10, lambda = 2;
    /// f_s^11.
    pub net Square11(x) = x^2 where r = 11, lambda = 2;
    /// f_s^12.
    pub net Square12(x) = x^2 where r = 12, lambda = 2;

    /// x² on [−1, 1]: f_s^r of |x|.
    pub net SquareL2(x in [-1, 1]) = x^2 where r = 8, lambda = 2;
    /// The same under a 3-value codebook.
    pub net SquareL3(x in [-1, 1]) = x^2 where r = 8, lambda = 3;
    /// The same under a 4-value codebook.
    pub net SquareL4(x in [-1, 1]) = x^2 where r = 8, lambda = 4;
    /// x·y through ×′ (eq. 7).
    pub net ProductL2(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, lambda = 2;
    /// The same under a 3-value codebook.
    pub net ProductL3(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, lambda = 3;
    /// The same under a 4-value codebook.
    pub net ProductL4(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, lambda = 4;
    /// A cubic: x³ = ×′(x, x²), coefficients through Prop. 3.
    pub net CubicL2(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 2;
    /// The same under a 3-value codebook.
    pub net CubicL3(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 3;
    /// The same under a 4-value codebook.
    pub net CubicL4(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4;
    /// A 3-variable cubic: x·y·z reuses y·z; 1/3 is rounded to 2^−12.
    pub net MixL2(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 2;
    /// The same under a 3-value codebook.
    pub net MixL3(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 3;
    /// The same under a 4-value codebook.
    pub net MixL4(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 4;

    /// Theorem 1 (`structure = taylor`): order 1 on a grid of 8.
    pub net SmoothN1(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 1, N = 8, r = 6;
    /// Order 2 on a grid of 8.
    pub net SmoothN2(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, N = 8, r = 6;
    /// Order 3 on a grid of 8.
    pub net SmoothN3(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 3, N = 8, r = 8;
    /// A saddle in two variables, under a 3-value codebook.
    pub net Saddle(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, N = 4, r = 6, lambda = 3;

    /// Theorem 2 (`structure = lipschitz`): f^T plus cached functions.
    pub net Wiggle(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, lambda = 2;
    /// The same under the linear codebook of §5.3.
    pub net WiggleLinear(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, lambda = 5, quantization = linear;
    /// The same, `tune = smallest`: f^T alone wins on a smooth target.
    pub net WiggleTuned(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, tune = smallest;
    /// Beyond polynomials (`structure = direct`): one-input functions as
    /// piecewise-linear sub-networks on the enclosed range of their argument.
    pub net Exp(x in [-1, 1]) = exp(x) where eps = 1/256;
    /// A bell curve: f_s^r for x², then exp.
    pub net Bell(x in [-1, 1]) = exp(-x^2) where eps = 1/256;
    /// log on [1, 2].
    pub net Log1p(x) = log(1 + x) where eps = 1/256;
    /// sqrt on [1, 2].
    pub net Sqrt1p(x) = sqrt(1 + x) where eps = 1/256;
    /// A sine, scaled to be 1-Lipschitz.
    pub net Sine(x in [-1, 1]) = sin(3*x)/3 where eps = 1/128;
    /// A cosine with π.
    pub net Cosine(x in [-1, 1]) = cos(pi*x)/2 where eps = 1/128;
    /// tanh.
    pub net Tanh(x in [-1, 1]) = tanh(2*x) where eps = 1/256;
    /// atan.
    pub net Atan(x in [-1, 1]) = atan(x) where eps = 1/256;
    /// A sigmoid: exp, then a reciprocal; the smallest network for eps.
    pub net Sigmoid(x in [-1, 1]) = 1/(1 + exp(-4*x)) where eps = 1/64, tune = smallest;
    /// abs, min and max: exact with ReLUs.
    pub net Kinks(x in [-1, 1]) = abs(x)/2 + max(x - 1/2, 0) - min(x, -1/4)/4 where r = 1;
    /// A quotient: x times the reciprocal of 1 + x².
    pub net Quotient(x) = x/(1 + x^2) where eps = 1/256;
    /// abs and min in two inputs.
    pub net Gap(x in [-1, 1], y in [-1, 1]) = abs(x - y)/2 + min(x, y)/4 where eps = 1/256;
    /// A radial bell in two inputs.
    pub net Radial(x in [-1, 1], y in [-1, 1]) = exp(-(x^2 + y^2)) where eps = 1/64;
    /// Theorem 1 for an elementary target in F_{1,2}, the smallest network.
    pub net SoftTaylor(x) = log(1 + x)/2 where structure = taylor, n = 2, eps = 1/100, tune = smallest;
    /// Theorem 1 in F_{1,3}.
    pub net ExpTaylor(x) = exp(x)/3 where structure = taylor, n = 3, eps = 1/1000, tune = smallest;
    /// Theorem 2 (Fig. 4) for a 1-Lipschitz sine.
    pub net WaveLipschitz(x) = sin(3*x)/3 where structure = lipschitz, eps = 1/512;
    /// Theorem 2 for a sigmoid, f^T alone or Fig. 4, whichever is smaller.
    pub net SigmoidLipschitz(x) = 1/(1 + exp(-2*x)) where structure = lipschitz, eps = 1/256, tune = smallest;

    /// f′ = T_6(2x − 1)/2: six sign changes of the derivative.
    pub net Chebyshev(x) = (32/7*(2*x - 1)^7 - 48/5*(2*x - 1)^5 + 6*(2*x - 1)^3 - (2*x - 1) + 32/7 - 48/5 + 6 - 1)/4
        where structure = lipschitz, eps = 1/1000;
}

const HEADER: [&str; 11] = [
    "target",
    "r",
    "t",
    "λ",
    "weights",
    "depth",
    "width",
    "bits",
    "bound",
    "certified",
    "",
];

fn print_row(cells: &[String]) {
    println!(
        "{:<w$} {:>3} {:>3} {:>2} {:>7} {:>5} {:>5} {:>6} {:>10} {:>10} {}",
        cells[0],
        cells[1],
        cells[2],
        cells[3],
        cells[4],
        cells[5],
        cells[6],
        cells[7],
        cells[8],
        cells[9],
        cells[10],
        w = TARGET_WIDTH
    );
}

/// A short decimal for an exact value (bounds and errors).
fn sci(q: &Exact) -> String {
    format!("{:.3e}", rational::to_f64(q))
}

/// Width of the table's target column.
const TARGET_WIDTH: usize = 44;

/// The target as the table shows it: the polynomial, or the net's name
/// when the polynomial does not fit the column ([`long_target`] prints it).
fn target_text<N: Network>() -> String {
    let info = N::INFO;
    let mut text = info.target_text();
    if text.chars().count() > TARGET_WIDTH {
        text = format!("{} (below)", info.name);
    }
    if info.domain.iter().any(|(lo, _)| lo.text() != "0") {
        text.push_str(" on [-1,1]");
    }
    text
}

/// `name = polynomial` for a net whose target [`target_text`] shortened.
fn long_target<N: Network>() -> String {
    let info = N::INFO;
    format!("{} = {}", info.name, info.target_text())
}

/// The certified error and how it was certified: over linear pieces for
/// one input, over boxes for several.
type Measured = (String, String);

/// One table row: the error certified over linear pieces for one input (on
/// the generated code), over boxes for several (from the network's data).
fn row<N: Network>() {
    let measured = if N::INFO.dim() == 1 {
        match certify_1d::<N>() {
            Ok(c) => (sci(&c.error), tag(c.holds, c.attained)),
            Err(e) => ("-".to_owned(), format!("certification failed: {e}")),
        }
    } else {
        certified_nd::<N>()
    };
    print_measured::<N>(measured);
}

/// A row for a target beyond polynomials: one input is certified from the
/// network's data (the core's build of `INFO`'s spec — the same network —
/// swept with `certify_1d_expr`), which keeps the tour's build fast: it does
/// not instantiate the generated code on exact piecewise-affine values.
fn expr_row<N: Network>() {
    let info = N::INFO;
    let measured = if info.dim() == 1 {
        let mut spec = NetSpec::from_info(&info);
        let lipschitz = spec.structure == qrelu_core::Structure::Lipschitz;
        if lipschitz {
            // INFO has no eps; the bound chooses the same T (and m or t)
            spec.eps = Some(info.error_bound.to_exact());
        }
        let target = qrelu_core::expr::Expr::from_program(info.target_program);
        let rebuilt = if lipschitz && info.cells.is_none() {
            // `tune = smallest` chose f^T alone
            qrelu_core::build_interpolant(&spec)
        } else {
            build(&spec)
        };
        let rebuilt = rebuilt
            .ok()
            .filter(|c| c.error_bound == info.error_bound.to_exact());
        let cert = rebuilt.zip(target).map(|(c, target)| {
            let (lo, hi) = &spec.domain[0];
            certify_1d_expr(&c.net, &target, lo, hi, &info.error_bound.to_exact())
        });
        match cert {
            Some(Ok(c)) => (
                format!("≤{}", sci(&c.upper)),
                format!("{} (≥ {})", tag(c.holds, c.attained), sci(&c.error)),
            ),
            Some(Err(e)) => ("-".to_owned(), format!("certification failed: {e}")),
            None => (
                "-".to_owned(),
                "the network could not be rebuilt".to_owned(),
            ),
        }
    } else {
        certified_nd::<N>()
    };
    print_measured::<N>(measured);
}

/// The certificate of a network with several inputs: branch and bound
/// over boxes ([`qrelu::check::certify_with`], from the network's data),
/// within 1% or [`ND_BUDGET`] — past the budget the interval is wider but
/// still proved. `[lower, upper]`: the error at a witness point and a
/// proved bound on the sup over the whole domain.
fn certified_nd<N: Network>() -> Measured {
    certified_within::<N>(qrelu::check::Options {
        max_boxes: 20_000,
        max_time: Some(ND_BUDGET),
        ..Default::default()
    })
}

/// The time each certificate printed in section 10 may take: wall-clock
/// time, while three threads share the machine's two cores (alone, x·y
/// takes 4 s, the cubic proves its bound in 3 s, the saddle 15 s and
/// exp(−(x² + y²)) 4 s to 1%; the cubic's 1% enclosure takes longer).
const LONG_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// A running thread of certificates, each within 1% or [`LONG_BUDGET`].
type LongJob = std::thread::JoinHandle<Vec<Measured>>;

/// Starts the certificates of section 10 on two more threads, while the
/// tour goes on: x·y and the cubic on one, the saddle and
/// exp(−(x² + y²)) on the other.
fn start_long() -> [LongJob; 2] {
    let options = || qrelu::check::Options {
        max_boxes: 3_000_000,
        max_time: Some(LONG_BUDGET),
        ..Default::default()
    };
    let first = std::thread::spawn(move || {
        vec![
            certified_within::<ProductL2>(options()),
            certified_within::<MixL2>(options()),
        ]
    });
    let second = std::thread::spawn(move || {
        vec![
            certified_within::<Saddle>(options()),
            certified_within::<Radial>(options()),
        ]
    });
    [first, second]
}

/// The rows of section 10, waiting for the threads of [`start_long`].
fn long_table([first, second]: [LongJob; 2]) {
    let results = |job: LongJob| {
        job.join().unwrap_or_else(|_| {
            vec![("-".to_owned(), "the certificate thread failed".to_owned()); 2]
        })
    };
    let (first, second) = (results(first), results(second));
    header();
    let mut rows = first.into_iter().chain(second);
    let mut next = || {
        rows.next()
            .unwrap_or_else(|| ("-".to_owned(), "missing".to_owned()))
    };
    print_measured::<ProductL2>(next());
    print_measured::<MixL2>(next());
    print_measured::<Saddle>(next());
    print_measured::<Radial>(next());
}

/// [`certified_nd`] with the given options.
fn certified_within<N: Network>(options: qrelu::check::Options<'static>) -> Measured {
    match qrelu::check::certify_with::<N>(options) {
        Ok(c) => (
            format!("[{}, {}]", sci(&c.lower), sci(&c.upper)),
            format!(
                "{}{} ({} boxes, {:.1?})",
                match (c.holds, c.refuted) {
                    (true, _) if c.lower == c.bound => "certified, attained",
                    (true, _) => "certified",
                    (false, true) => "FAILS",
                    // a bound attained where ReLUs switch needs exact
                    // regions (two inputs) and more than the budget here
                    _ if c.lower == c.bound => "bound attained at a witness",
                    _ => "bound undecided",
                },
                if c.complete { "" } else { ", budget spent" },
                c.boxes,
                c.elapsed
            ),
        ),
        Err(e) => ("-".to_owned(), format!("certification failed: {e}")),
    }
}

/// The time each certificate of a network with several inputs may take.
const ND_BUDGET: std::time::Duration = std::time::Duration::from_secs(3);

fn tag(holds: bool, attained: bool) -> String {
    match (holds, attained) {
        (false, _) => "FAILS",
        (true, true) => "certified, attained",
        (true, false) => "certified",
    }
    .to_owned()
}

fn print_measured<N: Network>((measured, how): Measured) {
    let info = N::INFO;
    print_row(&[
        target_text::<N>(),
        info.r.map_or("-".to_owned(), |r| r.to_string()),
        info.t.unwrap_or(0).to_string(),
        info.lambda.to_string(),
        info.weights.to_string(),
        info.depth.to_string(),
        info.width.to_string(),
        info.bits.to_string(),
        sci(&info.error_bound.to_exact()),
        measured,
        how,
    ]);
}

fn header() {
    print_row(&HEADER.map(str::to_owned));
}

/// One line: the parts of `INFO.error_bound`.
fn budget<N: Network>() {
    let spec = NetSpec::from_info(&N::INFO);
    let parts = qrelu_core::construct::direct::bound_parts(&spec).expect("a direct net");
    println!(
        "  {:<44} products {:>10}  coefficients {:>10}  constant {:>10}",
        target_text::<N>(),
        sci(&parts.products),
        sci(&parts.coefficients),
        sci(&parts.constant)
    );
}

/// Table 3: ×′ beside Table 1 (B_×′: width 60, depth 3r + 1) and eq. 8.
fn product_table() {
    println!(
        "\n3. the multiplication ×′ of Prop. 2 (eq. 7: three squares of |x+y|/2, |x|/2, |y|/2)\n"
    );
    println!(
        "{:>3} {:>8} {:>6} {:>6} {:>9} {:>9} {:>11} {:>11} {:>11}",
        "r",
        "weights",
        "depth",
        "width",
        "T1 depth",
        "T1 width",
        "eq. 8: 6ε",
        "ours: 4ε",
        "certified"
    );
    for r in [2u32, 4, 6, 8, 10, 12] {
        let x = Poly::var(2, 0);
        let y = Poly::var(2, 1);
        let mut spec = NetSpec::new("Product", &["x", "y"], x.mul(&y));
        spec.domain = vec![(ratio(-1, 1), ratio(1, 1)); 2];
        spec.r = Some(r);
        let c = build(&spec).expect("x·y builds");
        let block = &metrics::instances(&c.net, "mul")[0];
        // the supremum: attained at x = y = 2^−r (a breakpoint for |x+y|/2,
        // midpoints for |x|/2 and |y|/2), never exceeded on a fine grid
        let h = pow2(-i64::from(r));
        let at = |x: &Exact, y: &Exact| (eval::eval(&c.net, &[x.clone(), y.clone()]) - x * y).abs();
        let mut sup = at(&h, &h);
        for i in -20..=20 {
            for j in -20..=20 {
                sup = sup.max(at(&ratio(i, 21), &ratio(j, 21)));
            }
        }
        println!(
            "{:>3} {:>8} {:>6} {:>6} {:>9} {:>9} {:>11} {:>11} {:>11}",
            r,
            block.weights,
            block.depth,
            block.width,
            3 * r + 1,
            60,
            sci(&bound::mul_paper(r)),
            sci(&bound::mul(r)),
            sci(&sup),
        );
    }
    println!(
        "weights, depth, width: one ×′ block (its three f_s^r, without the shared constants and the \
         |·| gates);\nT1 = Table 1's row for B_×′. ε = 2^(-2(r+1)); |×′ − xy| ≤ 4ε because f_s^r − x² \
         lies in [0, ε], so\n2(e_a − e_b − e_c) lies in [−4ε, 2ε]; the measured sup equals 4ε \
         (at x = y = 2^-r)."
    );
}

/// The weights of the unquantized reference network of `N` (same
/// construction, free exact weights), and the quantized/free ratio.
fn free_size<N: Network>() -> String {
    let spec = NetSpec::from_info(&N::INFO);
    match qrelu_core::build_unquantized(&spec) {
        Ok(free) => format!(
            "{:<12} quantized {:>6}  free {:>5}  ratio {:>5.1}  free bound {}",
            N::INFO.name,
            N::INFO.weights,
            free.metrics.weights,
            N::INFO.weights as f64 / free.metrics.weights as f64,
            sci(&free.error_bound)
        ),
        Err(e) => format!("{:<12} free reference failed: {e}", N::INFO.name),
    }
}

/// Table 9: targets beyond polynomials.
fn elementary_table() {
    println!(
        "\n9. beyond polynomials: with structure = direct, exp, log, sqrt, sin, cos, tanh, atan, \
         quotients through\npiecewise-linear sub-networks on the enclosed range of their \
         argument, abs, min, max exactly with ReLUs;\nthe last four rows through Theorem 1 \
         (taylor: F_{{1,n}} proved from derivative enclosures) and Theorem 2 (lipschitz)\n"
    );
    header();
    expr_row::<Exp>();
    expr_row::<Bell>();
    expr_row::<Log1p>();
    expr_row::<Sqrt1p>();
    expr_row::<Sine>();
    expr_row::<Cosine>();
    expr_row::<Tanh>();
    expr_row::<Atan>();
    expr_row::<Sigmoid>();
    expr_row::<Kinks>();
    expr_row::<Quotient>();
    expr_row::<Gap>();
    expr_row::<Radial>();
    expr_row::<SoftTaylor>();
    expr_row::<ExpTaylor>();
    expr_row::<WaveLipschitz>();
    expr_row::<SigmoidLipschitz>();
    println!("{}", long_target::<Kinks>());
    println!(
        "bound: each node's error propagated through the enclosed Lipschitz constants of what \
         reads it;\ncertified: by branch and bound over rigorous enclosures (1-D \
         over linear pieces, 2-D over boxes; within 1% or 3 s, see 10. for 60 s).\n\nthe size of quantization: the same construction \
         with free exact weights (build_unquantized)\n"
    );
    for line in [
        free_size::<Exp>(),
        free_size::<Bell>(),
        free_size::<Log1p>(),
        free_size::<Sqrt1p>(),
        free_size::<Sine>(),
        free_size::<Cosine>(),
        free_size::<Tanh>(),
        free_size::<Atan>(),
        free_size::<Sigmoid>(),
        free_size::<Kinks>(),
        free_size::<Quotient>(),
        free_size::<Gap>(),
        free_size::<Radial>(),
        free_size::<SoftTaylor>(),
        free_size::<ExpTaylor>(),
    ] {
        println!("  {line}");
    }
}

/// Table 6: `tune = smallest` beside the paper's formulas for N, r and t.
fn tune_table() {
    use qrelu_core::construct::taylor::TaylorPlan;
    use qrelu_core::{Structure, resolve};
    println!(
        "\n7. tune = smallest against the paper's formulas (N: eq. 28, r: eq. 26, t = \
         ⌈log2(nN^n/d^n)⌉), exact bounds\n"
    );
    println!(
        "{:<14} {:>6} | {:>5} {:>3} {:>3} {:>9} {:>9} | {:>2} {:>4} {:>3} {:>3} {:>7} {:>9} | {:>8}",
        "target",
        "eps",
        "N",
        "r",
        "t",
        "weights",
        "bound",
        "n",
        "N",
        "r",
        "t",
        "weights",
        "bound",
        "smaller"
    );
    let x = Poly::var(1, 0);
    let smooth = x
        .pow(3)
        .scale(&ratio(1, 6))
        .sub(&x.pow(2).scale(&ratio(1, 4)))
        .add(&x.scale(&ratio(1, 3)));
    let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
    let saddle = a.pow(2).sub(&b.pow(2)).scale(&ratio(1, 4));
    // (target, name, inputs, n or searched, 1/eps)
    type Row<'a> = (&'a Poly, &'a str, Vec<&'a str>, Option<u32>, i64);
    let mut rows: Vec<Row> = Vec::new();
    for n in [1, 2, 3] {
        for eps in [10, 100, 1000] {
            rows.push((&smooth, "smooth", vec!["x"], Some(n), eps));
        }
    }
    rows.push((&smooth, "smooth", vec!["x"], None, 1000));
    for eps in [10, 100] {
        rows.push((&saddle, "saddle", vec!["x", "y"], Some(2), eps));
    }
    rows.push((&saddle, "saddle", vec!["x", "y"], None, 100));
    for (target, name, inputs, n, eps) in rows {
        let mut spec = NetSpec::new(name, &inputs, target.clone());
        spec.structure = Structure::Taylor;
        spec.eps = Some(ratio(1, eps));
        spec.max_weights = 1_000_000;
        // the paper's network, for the given n (n = 2 for the rows that search n)
        spec.n = Some(n.unwrap_or(2));
        let paper = resolve(&spec).expect("the paper's formulas resolve");
        let (grid, r, t) = (
            paper.grid.unwrap_or(1),
            paper.r.unwrap_or(1),
            paper.t.unwrap_or(1),
        );
        let plan = TaylorPlan::new(target, spec.n.unwrap_or(1), grid.into()).expect("a plan");
        let paper_bound = plan.bound(r, t).expect("the bound").total();
        // built when that is quick; else the lower bound of its size
        let (paper_weights, at_least) = if plan.estimate(r, t) <= 1_000_000 {
            (
                build(&spec)
                    .expect("the paper's network builds")
                    .metrics
                    .weights as u64,
                "",
            )
        } else {
            (plan.least_weights(r, t), "≥")
        };
        spec.n = n;
        spec.tune = true;
        let tuned = build(&spec).expect("tune = smallest finds a network");
        let weights = tuned.metrics.weights as u64;
        let eps_text = format!("1/{eps}");
        let n_text = match n {
            Some(n) => format!("{name} n={n}"),
            None => format!("{name} n free"),
        };
        println!(
            "{:<14} {:>6} | {:>5} {:>3} {:>3} {:>9} {:>9} | {:>2} {:>4} {:>3} {:>3} {:>7} {:>9} | {:>8}",
            n_text,
            eps_text,
            grid,
            r,
            t,
            format!("{at_least}{paper_weights}"),
            sci(&paper_bound),
            tuned.spec.n.unwrap_or(0),
            tuned.spec.grid.unwrap_or(0),
            tuned.params.r.unwrap_or(0),
            tuned.params.t,
            weights,
            sci(&tuned.error_bound),
            format!("{at_least}{:.1}x", paper_weights as f64 / weights as f64),
        );
    }
    println!(
        "smooth = x^3/6 - x^2/4 + x/3, saddle = (x^2 - y^2)/4; λ = 2. Left: the paper's N, r, t for \
         the given n\n(n = 2 on the n-free rows), its weights (≥: a lower bound, too large to build \
         here) and exact bound.\nRight: the fewest weights tune = smallest finds with an exact bound \
         ≤ eps (the paper's formulas leave\nmost of eps unused: its bounds are 5-10x below eps)."
    );
}

/// Table 4: Prop. 3 beside the counts of its proof, worst case w = 1 − 2^−t.
fn weight_table() {
    println!("\n4. the weight sub-network of Prop. 3 (signed input, worst case w = 1 - 2^-t)\n");
    println!(
        "{:>2} {:>3} {:>3} {:>6} {:>12} {:>8} {:>14}",
        "λ", "t", "b", "depth", "λ(b-1)+1", "weights", "4tλ(b-1)+8t+4"
    );
    for lambda in 2..=6u32 {
        for t in [4u32, 8, 16, 32] {
            let codebook = Codebook::nonlinear(lambda, t).expect("codebook");
            let base = codebook.base();
            let w = Exact::from_integer(1.into()) - pow2(-i64::from(t));
            let (net, realised) = weight::network(&w, t, codebook).expect("Prop. 3 builds");
            assert!((&realised - &w).abs() < pow2(-i64::from(t)));
            let m = metrics::metrics(&net);
            println!(
                "{:>2} {:>3} {:>3} {:>6} {:>12} {:>8} {:>14}",
                lambda,
                t,
                base,
                m.depth,
                weight::paper_depth(lambda, base),
                m.weights,
                weight::paper_weights(t, lambda, base)
            );
        }
    }
    println!(
        "ours: one trie of powers 2^-k per gate (shared by every weight on that signal), digits \
         read with ±1/2;\nthe paper's counts come from the proof of Prop. 3 (one chain per power)."
    );
}

/// Table 1's row for the part `name`: what it does, its width and its
/// depth, evaluated for `t`, `λ`, `N` and `r` (`t^(1/(λ−1))` real, `log`
/// base 2).
fn table_1_row(name: &str, t: f64, lambda: f64, grid: f64, r: f64) -> (&'static str, f64, f64) {
    match name {
        "B_w" => (
            "construct weights",
            t,
            lambda * (t.powf(1.0 / (lambda - 1.0)) - 1.0) + 1.0,
        ),
        "B_N" => ("construct 1/N, …, (N-1)/N", 2.0 * grid, 1.0),
        "B_abs" => ("get absolute values", 4.0, 1.0),
        "B_s" => ("scale by 3N", 4.0, (3.0 * grid / 2.0).log2()),
        "B_h" => ("implement h(x)", 12.0, 1.0),
        "B_mul" => ("implement ×′(x, y)", 60.0, 3.0 * r + 1.0),
        _ => ("weighted sum of the terms", f64::NAN, f64::NAN),
    }
}

/// A Table 1 value: an integer as such, else two decimals.
fn t1(v: f64) -> String {
    if v.is_nan() {
        "-".to_owned()
    } else if v.fract() == 0.0 {
        format!("{v}")
    } else {
        format!("{v:.2}")
    }
}

/// The paper's symbol for a part name of `INFO.parts`.
fn part_symbol(name: &str) -> &str {
    match name {
        "B_mul" => "B_×′",
        "B_delta" => "B_δ",
        "B_Phi" => "B_Φ",
        "B_fstar1" => "B_f*1",
        "B_fstar2" => "B_f*2",
        "B_fstar3" => "B_f*3",
        other => other,
    }
}

/// `INFO.parts` row by row beside the paper's table `paper` ("T1" or
/// "T2"), whose row for a part name `row` gives (function, width, depth),
/// then the totals; checks that the parts partition the weights.
fn part_rows(info: &qrelu::NetInfo, paper: &str, row: impl Fn(&str) -> (&'static str, f64, f64)) {
    println!(
        "{:<9} {:<31} {:>5} {:>6} {:>7} {:>14} {:>13}",
        "block",
        "function",
        "inst",
        "units",
        "weights",
        format!("width / {paper}"),
        format!("depth / {paper}")
    );
    let ours = |v: usize, t: f64| {
        if t.is_nan() {
            "-".to_owned()
        } else {
            format!("{v} / {}", t1(t))
        }
    };
    for p in info.parts {
        let (what, width, depth) = row(p.name);
        println!(
            "{:<9} {:<31} {:>5} {:>6} {:>7} {:>14} {:>13}",
            part_symbol(p.name),
            what,
            p.instances,
            p.units,
            p.weights,
            ours(p.width, width),
            ours(p.depth, depth)
        );
    }
    let units: usize = info.parts.iter().map(|p| p.units).sum();
    let weights: usize = info.parts.iter().map(|p| p.weights).sum();
    assert_eq!(weights, info.weights, "the parts partition the weights");
    println!(
        "{:<9} {:<31} {:>5} {:>6} {:>7} {:>14} {:>13}",
        "total", "the network", "", units, weights, info.width, info.depth
    );
}

/// Table 6: one Taylor network's `INFO.parts` beside Table 1, and its
/// totals beside the leading terms of eqs. 29–30 (O-forms, so ratios).
fn parts_table<N: Network>(n: u32, grid: u32) {
    let info = N::INFO;
    let (r, t) = (info.r.unwrap_or(1), info.t.unwrap_or(1));
    let d = info.dim();
    println!(
        "{} = {} (d = {d}, n = {n}, N = {grid}, r = {r}, t = {t}, λ = {})\n",
        info.name,
        target_text::<N>(),
        info.lambda
    );
    let (tf, lf, nf, rf) = (
        f64::from(t),
        f64::from(info.lambda),
        f64::from(grid),
        f64::from(r),
    );
    part_rows(&info, "T1", |name| table_1_row(name, tf, lf, nf, rf));
    // eqs. 29–30 before inserting t and N: N_w = O(λ t^(1/(λ−1)+1) N^d),
    // N_d = O(λ t^(1/(λ−1)) + log N)
    let root = tf.powf(1.0 / (lf - 1.0));
    let n_w = lf * root * tf * nf.powi(d as i32);
    let n_d = lf * root + nf.log2();
    println!(
        "eq. 30: N_w = {} weights against λ·t^(1/(λ-1)+1)·N^d = {:.0}: ratio {:.2}",
        info.weights,
        n_w,
        info.weights as f64 / n_w
    );
    println!(
        "eq. 29: N_d = {} layers against λ·t^(1/(λ-1)) + log N = {:.2}: ratio {:.2}\n",
        info.depth,
        n_d,
        info.depth as f64 / n_d
    );
}

/// Table 2's row for the part `name` of a Fig. 4 network: what it does,
/// its width and its depth for `T`, `m`, `t`, `λ` (`log` base 2).
fn table_2_row(name: &str, big_t: f64, m: f64, t: f64, lambda: f64) -> (&'static str, f64, f64) {
    let weight_depth = lambda * t.max(1.0).powf(1.0 / (lambda - 1.0));
    let cached = 3f64.powf(m);
    match name {
        "B_T" => ("construct 1, 2, …, T", big_t.log2(), big_t.log2()),
        "B_delta" => ("construct δ", 1.0, weight_depth),
        "B_m" => ("construct 1/m, …, (m-1)/m", t, weight_depth),
        "B_fT" => ("implement f^T(x)", big_t, 1.0),
        "B_Phi" => ("implement Φ(x)", 4.0 * big_t, 1.0),
        "B_s1" => ("scale by T", 4.0, big_t.log2()),
        "B_s2" => ("scale by 1/T", 1.0, big_t.log2()),
        "B_s3" => ("scale by 1/δ", 4.0, m.log2()),
        "B_fstar1" => ("first layer of f*", big_t, 1.0),
        "B_fstar2" => ("second layer of f*", cached, 1.0),
        "B_fstar3" => ("third layer of f*", m * cached, 1.0),
        "output" => ("implement f''(x)", 4.0, 1.0),
        "B_w" => ("f^T's weights (not in Table 2)", f64::NAN, f64::NAN),
        _ => ("-", f64::NAN, f64::NAN),
    }
}

/// Table 8: one Fig. 4 network's `INFO.parts` beside Table 2, and its
/// totals beside Theorem 2 (i)–(ii).
fn table_2<N: Network>(eps: f64) {
    let info = N::INFO;
    let (big_t, m) = (info.intervals.unwrap_or(1), info.cells.unwrap_or(1));
    let t = info.t.unwrap_or(0);
    println!(
        "{} = {} (eps = {eps:.3e}, T = {big_t}, m = {m}, t = {t}, δ = 1/{}, λ = {})\n",
        info.name,
        target_text::<N>(),
        8 * m,
        info.lambda
    );
    let (tf, mf, pf, lf) = (big_t as f64, m as f64, f64::from(t), f64::from(info.lambda));
    part_rows(&info, "T2", |name| table_2_row(name, tf, mf, pf, lf));
    // Theorem 2: weights O(λ (log log 1/ε)^(1/(λ−1)+1) + 1/ε), depth
    // O(λ (log log 1/ε)^(1/(λ−1)) + log 1/ε)
    let ll = (1.0 / eps).log2().log2();
    let root = ll.powf(1.0 / (lf - 1.0));
    let n_w = lf * root * ll + 1.0 / eps;
    let n_d = lf * root + (1.0 / eps).log2();
    println!(
        "Theorem 2 (ii): {} weights against λ(log log 1/ε)^(1/(λ-1)+1) + 1/ε = {n_w:.0}: ratio {:.2}",
        info.weights,
        info.weights as f64 / n_w
    );
    println!(
        "Theorem 2 (i): depth {} against λ(log log 1/ε)^(1/(λ-1)) + log 1/ε = {n_d:.1}: ratio {:.2}; the paper's T = 8/(ε log 1/ε) = {:.0}\n",
        info.depth,
        info.depth as f64 / n_d,
        qrelu_core::construct::lipschitz::paper_intervals(&rational::ratio(
            1,
            (1.0 / eps).round() as i64
        ))
    );
}

fn main() {
    let long = start_long();
    println!("qrelu tour: quantized ReLU networks of Ding, Liu & Shi, built at compile time\n");
    println!("1. the squaring network f_s^r of Prop. 1, weights ±1/2 only\n");
    header();
    row::<Square1>();
    row::<Square2>();
    row::<Square3>();
    row::<Square4>();
    row::<Square5>();
    row::<Square6>();
    row::<Square7>();
    row::<Square8>();
    row::<Square9>();
    row::<Square10>();
    row::<Square11>();
    row::<Square12>();
    println!(
        "weights = 11r + 8, depth = 2r (r ≥ 2), width 5; bound = 2^(-2(r+1)) (eq. 3), attained."
    );

    println!(
        "\n2. polynomials (structure = direct): products through ×′, coefficients through Prop. 3\n"
    );
    header();
    row::<SquareL2>();
    row::<SquareL3>();
    row::<SquareL4>();
    row::<ProductL2>();
    row::<ProductL3>();
    row::<ProductL4>();
    row::<CubicL2>();
    row::<CubicL3>();
    row::<CubicL4>();
    row::<MixL2>();
    row::<MixL3>();
    row::<MixL4>();
    println!(
        "bound = INFO.error_bound: the lemmas' errors propagated through the product tree \
         (eq. 21), plus coefficient rounding."
    );
    println!(
        "where the bounds come from (products: eqs. 3, 8, 21; coefficients: Prop. 3 rounding):"
    );
    budget::<SquareL2>();
    budget::<ProductL2>();
    budget::<CubicL2>();
    budget::<MixL2>();
    println!(
        "codebook of MixL4: {:?}",
        MixL4::INFO
            .codebook
            .iter()
            .map(|q| q.text())
            .collect::<Vec<_>>()
    );

    product_table();
    weight_table();
    println!(
        "\n5. Theorem 1 (structure = taylor): partition of unity, Taylor terms, ×′, Prop. 3\n"
    );
    header();
    row::<SmoothN1>();
    row::<SmoothN2>();
    row::<SmoothN3>();
    row::<Saddle>();
    println!(
        "the direct structure builds x^3/6 - x^2/4 + x/3 exactly from its monomials; Theorem 1's \
         network does not use\nthe target's form, only its Taylor coefficients at the grid points \
         — hence its size (table 7 tunes it)."
    );

    println!(
        "\n6. Table 1 block by block (INFO.parts): instances, units, weights, and the width and \
         depth of the\nlargest instance beside Table 1's (T1, for this network's t, λ, N, r; \
         log base 2)\n"
    );
    parts_table::<SmoothN2>(2, 8);
    parts_table::<Saddle>(2, 4);
    println!(
        "width = most units of one instance on one layer, depth = layers one instance spans. \
         B_×′ counts the f_s^r\nof a product (its |·| are B_abs, its constants K_j B_N); B_N \
         is every constant unit, the K_j included;\nB_s scales x once per input, not |x - m/N| \
         once per bump. N_w and N_d: eqs. 29-30 are O-forms, so only the ratio is reported."
    );

    tune_table();

    println!(
        "\n8. Theorem 2 (structure = lipschitz): f^T of the paper's f̃ plus cached functions \
         (Fig. 4); bound\n(2^-t + 1/m)/T for every 1-Lipschitz target, t = log m\n"
    );
    header();
    row::<Wiggle>();
    row::<WiggleLinear>();
    row::<WiggleTuned>();
    row::<Chebyshev>();
    println!("{}", long_target::<Chebyshev>());
    println!(
        "T and m: Wiggle {:?}, {:?}; WiggleTuned {:?}, {:?} (f^T alone: its exact bound on this \
         smooth target\nneeds far fewer intervals than the class bound).\n",
        Wiggle::INFO.intervals,
        Wiggle::INFO.cells,
        WiggleTuned::INFO.intervals,
        WiggleTuned::INFO.cells
    );
    table_2::<Wiggle>(1.0 / 256.0);
    println!(
        "B_Φ: 4 ramp units per run of intervals sharing a cached function (not per interval); \
         B_f*1: the m cell\nunits of w (not T); B_f*2: two masked units per cached function \
         used (at most min(T, 3^m)), which\nread its m steps (Table 2's B_f*3 weights); B_f*3: \
         the two sums; B_s1: the tent iterates (log T layers)."
    );

    elementary_table();

    println!(
        "\n10. certificates in two and three inputs within 1% or 60 s each (on two more threads \
         while the tour ran):\na bound attained where ReLUs switch needs exact regions, the \
         saddle's bumps switch on lines x = k/12\nthat boxes are cut along, the cubic needs the \
         quadratic models of its squares\n"
    );
    long_table(long);

    println!(
        "\n11. pictures (qrelu_core::export::svg, what `qrelu build --svg` draws): the target \
         and the network,\nthe error |net - f| beneath with the bound and the largest sampled \
         error; for two inputs a heat map\nof the error (a sampled maximum is only a lower end of \
         the sup: compare Radial's with table 10)\n"
    );
    picture::<Bell>("bell");
    picture::<Radial>("radial");
    println!(
        "\nthe studies draw more: `cargo run --release --example theorem1` writes\n\
         target/plots/theorem1.svg, `cargo run --release --example bits` writes \
         target/plots/bits.svg and\n`cargo run --release --example lipschitz` writes \
         target/plots/lipschitz.svg (copies of all three are in docs/)."
    );

    println!(
        "\n12. beyond one f64 point: `eval_fixed`, exact in integers (adds and shifts only; the \
         format from exact\nrange analysis, INFO.fixed), checked against exact evaluation at 256 \
         points of the format, and\n`eval_batch`, on vector lanes, checked bit for bit against \
         `eval` at 1,024 points\n"
    );
    println!(
        "{:<12} {:>8} {:>6} {:>6} {:>7} {:>14} {:>14}",
        "net", "integer", "F", "S", "needed", "fixed = exact", "batch = eval"
    );
    beyond::<Square12>();
    beyond::<CubicL2>();
    beyond::<MixL2>();
    beyond::<WiggleLinear>();
    beyond::<Bell>();
    beyond::<Sigmoid>();
    beyond::<Radial>();
    println!(
        "input i is X_i·2^-F, every value and the output Y·2^-S; `qrelu info` prints the same \
         (speed: README, Performance)."
    );
}

/// One row of section 12: `N`'s fixed-point format, `eval_fixed` against
/// exact evaluation at 256 points of the format spread over the domain
/// (ends included), `eval_batch` against `eval` at 1,024 points.
fn beyond<N: Network>() {
    let info = N::INFO;
    let Some(f) = info.fixed else {
        println!("{:<12} no exact fixed-point format", info.name);
        return;
    };
    let dim = info.dim();
    let point = |k: i128| -> Vec<i128> {
        (0..dim)
            .map(|i| {
                let (lo, hi) = f.inputs[i];
                // a different stride per input
                let step = (hi - lo) / 255 + (i as i128) * 7;
                lo + (k * step).rem_euclid(hi - lo + 1)
            })
            .collect()
    };
    let exact = (0..256).all(|k| {
        let x = point(k);
        let xs: Vec<Exact> = x.iter().map(|&v| f.input_value(v)).collect();
        let want: Exact = N::eval_at(&xs).expect("one value per input");
        N::eval_fixed_at(&x).map(|y| f.output_value(y)) == Ok(want)
    });
    let columns: Vec<Vec<f64>> = (0..dim)
        .map(|i| {
            let (lo, hi) = info.domain[i];
            let (lo, hi) = (lo.to_f64(), hi.to_f64());
            (0..1024)
                .map(|k| lo + (hi - lo) * (((k * (2 * i + 3)) % 1024) as f64 + 0.5) / 1024.0)
                .collect()
        })
        .collect();
    let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let mut out = vec![0.0; 1024];
    N::eval_batch(&refs, &mut out).expect("one column per input");
    let batch = (0..1024).all(|k| {
        let x: Vec<f64> = columns.iter().map(|c| c[k]).collect();
        N::eval_at(&x).map(f64::to_bits) == Ok(out[k].to_bits())
    });
    let yes = |b: bool| if b { "yes" } else { "NO" };
    println!(
        "{:<12} {:>8} {:>6} {:>6} {:>7} {:>14} {:>14}",
        info.name,
        format!("i{}", f.width),
        f.frac_bits,
        f.scale,
        f.needed_bits,
        yes(exact),
        yes(batch)
    );
}

/// Where the tour writes its pictures (as the studies do).
const PLOT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/plots");

/// Draws `N` against its target, from the generated code in `f64`, to
/// `PLOT_DIR/<file>.svg` and says where (or why not).
fn picture<N: Network>(file: &str) {
    let info = N::INFO;
    let domain: Vec<(f64, f64)> = info
        .domain
        .iter()
        .map(|(lo, hi)| (lo.to_f64(), hi.to_f64()))
        .collect();
    let on: Vec<String> = info
        .inputs
        .iter()
        .zip(info.domain)
        .map(|(x, (lo, hi))| format!("{x} in [{}, {}]", lo.text(), hi.text()))
        .collect();
    let title = format!(
        "{}: {} on {}, λ = {}, {} weights",
        info.name,
        info.target_text(),
        on.join(", "),
        info.lambda,
        info.weights
    );
    let picture = svg::Picture {
        title: &title,
        inputs: info.inputs,
        domain: &domain,
        bound: info.error_bound.to_f64(),
    };
    // the inputs are the network's own, so a dimension error cannot occur;
    // NaN would be reported by `draw` as a value that is not finite
    let net = |x: &[f64]| N::eval_at::<f64>(x).unwrap_or(f64::NAN);
    let target = |x: &[f64]| N::target_at::<f64>(x).unwrap_or(f64::NAN);
    let path = format!("{PLOT_DIR}/{file}.svg");
    let sampling = svg::Sampling::default();
    let written = svg::draw_sampled(&picture, &sampling, &net, &target)
        .and_then(|doc| Ok((doc, svg::worst(&picture, &sampling, &net, &target)?)))
        .map_err(|e| e.to_string())
        .and_then(|(doc, worst)| {
            std::fs::create_dir_all(PLOT_DIR)
                .and_then(|()| std::fs::write(&path, doc))
                .map_err(|e| e.to_string())?;
            Ok(worst)
        });
    match written {
        Ok(worst) => {
            let at: Vec<String> = worst.at.iter().map(|v| format!("{v}")).collect();
            println!(
                "{:<8} bound {:.3e}, largest sampled error {:.3e} at ({}): {path}",
                info.name,
                picture.bound,
                worst.error,
                at.join(", ")
            );
        }
        Err(e) => println!("{:<8} not drawn: {e}", info.name),
    }
}
