//! Polynomials end to end (`structure = direct`): `qrelu!` compiles any
//! polynomial into a strict-codebook network, and every claim — codebook
//! membership, the a-priori bound, ×′'s exact zeros, agreement with the
//! core, f64 exactness — is checked on the generated code and its JSON.

#[macro_use]
mod common;

use common::{JsonNet, expected_codebook, q, spec_of};
use num_traits::{Signed, Zero};
use qrelu::check::{certify_1d, sup_error};
use qrelu::{Exact, Network, Scalar};
use qrelu_core::build;
use qrelu_core::{Rational, eval};

qrelu::qrelu! {
    /// The issue's three examples.
    pub net Product(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, lambda = 2;
    pub net Cubic(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4;
    pub net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 3;
    // signed domains, mixed domains, constants, integer and tiny coefficients
    net SignedCubic(x in [-1, 1]) = x^3 - 7/3*x + 5/2 where r = 6, lambda = 3;
    net Quartic(x in [-1, 1], y) = x^4*y - 3*x^2*y^2 + 11/7 where r = 5, t = 9, lambda = 5;
    net Affine(x in [-1, 1], y) = x/3 - y + 1 where r = 2;
    net Constant(x) = -7/3 where r = 3, t = 10;
    net Power(x in [-1, 1]) = (x - 1/2)^5/4 where r = 5, lambda = 2;
    // large coefficients: integer parts through the doubling ladder
    net Large(x in [-1, 1], y) = 1000*x*y - 12345/7*y^2 + 98765/3 where r = 6, t = 10, lambda = 3;
    // `eps` chooses r (t follows as 2(r + 1)); `tune = smallest` chooses r and t
    net ByEps(x in [-1, 1], y) = x*y - y^2/3 + 1/5 where eps = 1/1000;
    net Tuned(x in [-1, 1], y) = x*y - y^2/3 + 1/5 where eps = 1/1000, tune = smallest, lambda = 3;
}

/// Runs `$body` with `N` bound to each listed network type.
macro_rules! all_nets {
    ($N:ident => $body:block) => {
        each_net!($N => $body; Product, Cubic, Mix, SignedCubic, Quartic, Affine, Constant, Power, Large, ByEps, Tuned)
    };
}

/// The points of a tensor grid with `den + 1` points per axis over each
/// input's domain.
fn grid<N: Network>(den: i64) -> Vec<Vec<Exact>> {
    let mut points = vec![vec![]];
    for (lo, hi) in N::INFO.domain_exact() {
        let step = (&hi - &lo) / Exact::from_integer(den.into());
        let axis: Vec<Exact> = (0..=den)
            .map(|k| &lo + &step * Exact::from_integer(k.into()))
            .collect();
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.iter().map(move |a| {
                    let mut p = p.clone();
                    p.push(a.clone());
                    p
                })
            })
            .collect();
    }
    points
}

#[test]
fn every_parameter_is_in_the_codebook_per_the_json() {
    all_nets!(N => {
        let json = JsonNet::parse(N::JSON);
        json.assert_strict(N::INFO.name);
        let t = N::INFO.t.unwrap();
        assert_eq!(json.codebook, expected_codebook(N::INFO.lambda, t), "{}", N::INFO.name);
        let weights = json.units.iter().flatten().map(|(_, e)| e.len()).sum::<usize>()
            + json.output.1.len();
        assert_eq!(weights, N::INFO.weights, "{}", N::INFO.name);
        // the JSON means the same function as the generated code, off the dyadic points
        for x in grid::<N>(7) {
            assert_eq!(json.eval(&x), N::eval_at(&x).unwrap(), "{} at {x:?}", N::INFO.name);
        }
    });
}

/// Exact sup error on a non-dyadic grid (step 1/9 of the domain) and a
/// dyadic one (step 1/16): both within `INFO.error_bound`, and the
/// non-dyadic grid does see an error (a dyadic grid may hit only points
/// where the construction is exact).
#[test]
fn measured_error_is_within_the_a_priori_bound() {
    all_nets!(N => {
        let info = N::INFO;
        let per_axis = if info.dim() == 3 { 6 } else { 10 };
        let off = sup_error::<N, Exact>(per_axis).unwrap();
        assert!(off.holds, "{}: {} > {} at {:?}", info.name, off.error, off.bound, off.worst_point);
        let dyadic = sup_error::<N, Exact>(if info.dim() == 3 { 5 } else { 17 }).unwrap();
        assert!(dyadic.holds, "{}: {} > {}", info.name, dyadic.error, dyadic.bound);
        // in f64 the target itself is rounded (1/3 is not a double), so an
        // exactly attained bound may be exceeded by a rounding error
        let float = sup_error::<N, f64>(per_axis).unwrap();
        assert!(float.error <= float.bound * (1.0 + 1e-12), "{}", info.name);
        if info.name != "Constant" {
            assert!(off.error > q(0, 1), "{}: the non-dyadic grid sees no error", info.name);
        }
    });
}

/// The certified 1-D check: the exact sup over every linear piece.
#[test]
fn certified_error_of_one_dimensional_polynomials() {
    each_net!(N => {
        let c = certify_1d::<N>().unwrap();
        assert!(c.holds, "{}: certified {} > bound {}", N::INFO.name, c.error, c.bound);
        assert!(c.error > q(0, 1), "{}", N::INFO.name);
    }; Cubic, SignedCubic, Power, Constant);
}

/// Prop. 2 (i): ×′(0, y) = ×′(x, 0) = 0 exactly, on a grid with non-dyadic
/// points; and the tight bound 4ε = 2^(−2r) of eq. 7 is attained at
/// x = y = 2^−r, where eq. 8's 6ε is not.
#[test]
fn product_is_exactly_zero_on_the_axes_and_its_bound_is_tight() {
    let zero = q(0, 1);
    for k in -21..=21 {
        let v = q(k, 21);
        assert!(
            Product::eval_at(&[zero.clone(), v.clone()])
                .unwrap()
                .is_zero(),
            "x = 0, y = {v}"
        );
        assert!(
            Product::eval_at(&[v.clone(), zero.clone()])
                .unwrap()
                .is_zero(),
            "y = 0, x = {v}"
        );
    }
    let r = Product::INFO.r.unwrap();
    let eps = q(1, 1 << (2 * r + 2));
    assert_eq!(Product::INFO.error_bound.to_exact(), &eps * q(4, 1));
    let h = q(1, 1 << r);
    let err = Product::eval_at(&[h.clone(), h.clone()]).unwrap() - &h * &h;
    assert_eq!(err, -(&eps * q(4, 1)), "−4ε at x = y = 2^−r");
    // a non-dyadic grid stays within 4ε
    let off = sup_error::<Product, Exact>(31).unwrap();
    assert!(off.holds && off.error > zero);
}

/// Generated `eval` in the exact type equals the core's evaluator of the
/// same construction, and f64 evaluation is bit-identical at dyadic points
/// (values k/2^m with few bits keep every partial sum within 53 bits).
#[test]
fn generated_eval_matches_core_and_f64_is_exact_at_dyadic_points() {
    all_nets!(N => {
        let info = N::INFO;
        let c = build(&spec_of::<N>()).unwrap();
        assert_eq!(c.metrics.weights, info.weights, "{}", info.name);
        assert_eq!(c.metrics.depth, info.depth, "{}", info.name);
        assert_eq!(c.error_bound, info.error_bound.to_exact(), "{}", info.name);
        for x in grid::<N>(if info.dim() == 3 { 4 } else { 16 }) {
            let exact = N::eval_at(&x).unwrap();
            assert_eq!(exact, eval::eval(&c.net, &x), "{} at {x:?}", info.name);
            let xf: Vec<f64> = x.iter().map(Scalar::to_f64).collect();
            let float = N::eval_at(&xf).unwrap();
            assert_eq!(float.to_exact().unwrap(), exact, "{} f64 at {x:?}", info.name);
        }
    });
}

#[test]
fn info_reports_sizes_and_the_product_tree_is_shared() {
    all_nets!(N => {
        let info = N::INFO;
        let index_bits = u64::from(32 - (info.lambda - 1).leading_zeros());
        assert_eq!(info.bits, info.weights as u64 * index_bits, "{}", info.name);
        let block_weights: usize = info.blocks.iter().map(|b| b.weights).sum();
        assert_eq!(block_weights, info.weights, "{}: blocks partition the weights", info.name);
        let part_weights: usize = info.parts.iter().map(|p| p.weights).sum();
        assert_eq!(part_weights, info.weights, "{}: Table 1 parts partition the weights", info.name);
        assert!(info.part("B_s").is_none() && info.part("B_h").is_none(), "{}", info.name);
    });
    // Mix = xyz − 2x² + (y² − 2yz + z²)/3: three squares, and y·z is built
    // once and reused by x·y·z, so two ×′ blocks
    let spec = spec_of::<Mix>();
    let plan = qrelu_core::construct::direct::plan(
        spec.target.poly().expect("a polynomial target"),
        &spec.domain,
        8,
    )
    .unwrap();
    assert_eq!((plan.squares(), plan.products()), (3, 2));
}

#[test]
fn bound_adds_up_the_lemmas() {
    // Cubic = 3/4·x³ − x/2 + 1/8 on [0, 1]: x³ = ×′(x, x²) errs by ≤ 4ε + ε,
    // coefficients and the constant are dyadic, so the bound is 3/4·5ε
    let r = Cubic::INFO.r.unwrap();
    let eps = q(1, 1 << (2 * r + 2));
    assert_eq!(Cubic::INFO.error_bound.to_exact(), q(15, 4) * eps);
    // a non-dyadic coefficient costs its rounding: |c − c′|·sup|x^α|
    let c = build(&spec_of::<Constant>()).unwrap();
    let t = Constant::INFO.t.unwrap();
    let bound = c.error_bound;
    assert!(bound.is_positive() && bound <= Rational::new(1.into(), (1u64 << (t + 1)).into()));
    assert_eq!(
        bound,
        (Constant::eval_at(&[q(1, 2)]).unwrap() - q(-7, 3)).abs()
    );
}

/// The bound's parts add up to `INFO.error_bound`; which lemma dominates
/// depends on t: Mix is given t = 12, so rounding 1/3 costs more than its
/// products, while the default t = 2(r + 1) leaves the products dominant.
#[test]
fn bound_parts_add_up_and_show_what_dominates() {
    use qrelu_core::construct::direct::bound_parts;
    all_nets!(N => {
        let parts = bound_parts(&spec_of::<N>()).unwrap();
        assert_eq!(parts.total(), N::INFO.error_bound.to_exact(), "{}", N::INFO.name);
    });
    let mix = bound_parts(&spec_of::<Mix>()).unwrap();
    assert!(mix.coefficients > mix.products);
    let mut spec = spec_of::<Mix>();
    spec.t = None;
    let default_t = bound_parts(&spec).unwrap();
    assert!(default_t.coefficients < default_t.products);
    let product = bound_parts(&spec_of::<Product>()).unwrap();
    assert!(product.coefficients.is_zero() && product.constant.is_zero());
}

/// `eps` alone picks the smallest r whose exact bound is within eps;
/// `tune = smallest` picks r and t for the fewest weights within eps.
#[test]
fn eps_chooses_the_precision() {
    use qrelu_core::construct::direct::bound_parts;
    let eps = q(1, 1000);
    for bound in [
        ByEps::INFO.error_bound.to_exact(),
        Tuned::INFO.error_bound.to_exact(),
    ] {
        assert!(bound <= eps);
    }
    // r is the smallest that works: one less does not reach eps
    let mut spec = spec_of::<ByEps>();
    let r = ByEps::INFO.r.unwrap();
    assert_eq!(ByEps::INFO.t, Some(2 * (r + 1)));
    spec.r = Some(r - 1);
    spec.t = None;
    assert!(bound_parts(&spec).unwrap().total() > eps);
    // tuning never needs more weights than the default precision
    let mut default = spec_of::<Tuned>();
    default.eps = Some(eps.clone());
    default.r = None;
    default.t = None;
    let plain = build(&default).unwrap();
    assert!(Tuned::INFO.weights <= plain.metrics.weights);
    eprintln!(
        "eps = 1/1000: default r = {}, t = {}: {} weights; tuned r = {}, t = {}: {} weights",
        plain.params.r.unwrap_or(0),
        plain.params.t,
        plain.metrics.weights,
        Tuned::INFO.r.unwrap(),
        Tuned::INFO.t.unwrap(),
        Tuned::INFO.weights
    );
    assert!(Tuned::INFO.t.unwrap() < 2 * (Tuned::INFO.r.unwrap() + 1));
}
