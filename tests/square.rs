//! The walking skeleton end to end: `qrelu!` compiles x² into f_s^r
//! (Prop. 1) and every claim of the construction is checked on the
//! *generated* code and on its JSON export.

#[macro_use]
mod common;

use common::{JsonNet, expected_codebook, q};
use num_traits::Zero;
use qrelu::check::{certify_1d, sup_error};
use qrelu::{Exact, Network, Scalar};
use qrelu_core::{NetSpec, build};
use qrelu_core::{Poly, eval};

qrelu::qrelu! {
    net S1(x) = x^2 where r = 1;
    net S2(x) = x^2 where r = 2;
    net S3(x) = x^2 where r = 3;
    net S4(x) = x^2 where r = 4;
    net S5(x) = x^2 where r = 5;
    net S6(x) = x^2 where r = 6, lambda = 2;
    net S7(x) = x^2 where r = 7;
    net S8(x) = x^2 where r = 8;
    net S9(x) = x^2 where r = 9;
    net S10(x) = x^2 where r = 10;
    net S11(x) = x^2 where r = 11;
    net S12(x) = x^2 where r = 12;
    net S24(x) = x^2 where r = 24;
    net L3(x) = x^2 where r = 5, lambda = 3;
    net L4(x) = x^2 where r = 5, t = 27, lambda = 4;
    net L6(x) = x^2 where r = 3, t = 32, lambda = 6;
}

/// Runs `$body` with `N` bound to each listed network type.
fn r_of<N: Network>() -> u32 {
    N::INFO.r.expect("r is recorded")
}

/// Eq. 2: f_s^r(k/2^r) = (k/2^r)² for every k, and f_s^r(0) = 0.
fn exact_at_breakpoints<N: Network>() {
    let r = r_of::<N>();
    let den = 1i64 << r;
    for k in 0..=den {
        let x = q(k, den);
        let y = N::eval_at(std::slice::from_ref(&x)).unwrap();
        assert_eq!(y, &x * &x, "{} at {k}/{den}", N::INFO.name);
    }
    assert!(N::eval_at(&[q(0, 1)]).unwrap().is_zero());
}

#[test]
fn exact_at_every_breakpoint_r1_to_12() {
    each_net!(N => { exact_at_breakpoints::<N>(); }; S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, L3, L4, L6);
}

/// Eq. 3, certified: the exact maximum of |f_s^r − x²| over every linear
/// piece of the generated code is ≤ 2^(−2(r+1)) — and attained.
#[test]
fn certified_error_within_eq3_and_attained() {
    each_net!(N => {
        let r = r_of::<N>();
        let c = certify_1d::<N>().unwrap();
        let bound = q(1, 1i64 << (2 * (r + 1)));
        assert_eq!(c.bound, bound, "{}", N::INFO.name);
        assert!(c.holds, "{}: {} > {}", N::INFO.name, c.error, c.bound);
        // the interpolation error of x² is h²/4 at every midpoint: eq. 3 is tight
        assert!(c.attained, "{}: error {} below the bound", N::INFO.name, c.error);
        assert_eq!(c.pieces, 1usize << r, "{}: one piece per interval", N::INFO.name);
    }; S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, L3, L4, L6);
}

/// Grid checks agree with the certified one, in f64 and exactly, on a
/// non-dyadic grid (1/3-spaced points would hide nothing, dyadic would hit
/// only breakpoints).
#[test]
fn grid_error_below_certified_error() {
    each_net!(N => {
        let c = certify_1d::<N>().unwrap();
        let g = sup_error::<N, Exact>(301).unwrap();
        assert!(g.holds && g.error <= c.error, "{}", N::INFO.name);
        assert!(g.error > q(0, 1), "{}: a non-dyadic grid must see the error", N::INFO.name);
        let f = sup_error::<N, f64>(1001).unwrap();
        assert!(f.holds, "{}", N::INFO.name);
    }; S1, S4, S8, S12, L4);
}

#[test]
fn every_parameter_is_in_the_codebook_per_the_json() {
    each_net!(N => {
        let json = JsonNet::parse(N::JSON);
        json.assert_strict(N::INFO.name);
        let t = N::INFO.t.unwrap();
        assert_eq!(json.codebook, expected_codebook(N::INFO.lambda, t), "{}", N::INFO.name);
        assert_eq!(json.codebook.len(), N::INFO.lambda as usize);
        let weights = json.units.iter().flatten().map(|(_, e)| e.len()).sum::<usize>() + json.output.1.len();
        assert_eq!(weights, N::INFO.weights, "{}", N::INFO.name);
        // the JSON means the same function as the generated code
        for k in 0..=64 {
            let x = q(2 * k + 1, 129);
            assert_eq!(json.eval(std::slice::from_ref(&x)), N::eval_at(&[x]).unwrap(), "{}", N::INFO.name);
        }
    }; S1, S2, S3, S6, S12, S24, L3, L4, L6);
}

/// Generated `eval` in the exact type equals the core's reference evaluator
/// on the same construction, and `f64` is bit-identical at every k/2^12.
#[test]
fn generated_eval_matches_core_and_f64_is_exact() {
    each_net!(N => {
        let info = N::INFO;
        let mut spec = NetSpec::new(info.name, &["x"], Poly::var(1, 0).pow(2));
        spec.r = info.r;
        spec.t = info.t;
        spec.lambda = info.lambda;
        let c = build(&spec).unwrap();
        assert_eq!(c.metrics.weights, info.weights);
        assert_eq!(c.metrics.depth, info.depth);
        // every k/2^12 (a sample of them for the long r = 24 network)
        let step = if r_of::<N>() > 12 { 17 } else { 1 };
        for k in (0..=4096i64).step_by(step) {
            let x = q(k, 4096);
            let exact = N::eval_at(std::slice::from_ref(&x)).unwrap();
            assert_eq!(exact, eval::eval(&c.net, std::slice::from_ref(&x)), "{} at {k}/4096", info.name);
            // f64 is exact while every partial sum fits 53 bits: m + 2r ≤ 52 for inputs k/2^m
            if 12 + 2 * r_of::<N>() <= 52 {
                let float = N::eval_at(&[k as f64 / 4096.0]).unwrap();
                assert_eq!(float.to_exact().unwrap(), exact, "{} f64 at {k}/4096", info.name);
            }
        }
        // a non-dyadic point too
        let x = q(1, 3);
        assert_eq!(N::eval_at(std::slice::from_ref(&x)).unwrap(), eval::eval(&c.net, &[x]));
    }; S1, S2, S5, S8, S12, S24, L3, L4, L6);
}

/// The depth of f_s^r, recomputed here from the wiring: the constant K_j
/// sits on level 1 + s(j − 1), where s is the greedy digit count of j − 1
/// in the steps {1, b, b², …} of the codebook; the gates on level 1; tent
/// block 1 on level 2; block i + 1 one level above block i and above
/// K_{2i}; the output above everything it reads (block r and K_{2r−1}).
fn expected_depth(r: u32, lambda: u32, t: u32) -> usize {
    let mut b = 1u64;
    while b.pow(lambda - 1) < u64::from(t) {
        b += 1;
    }
    let b = b.max(2);
    let steps: Vec<u64> = (0..lambda - 1).map(|j| b.pow(j)).collect();
    let digits = |mut k: u64| {
        let mut n = 0;
        for &c in steps.iter().rev() {
            n += k / c;
            k %= c;
        }
        n as usize
    };
    let k_level = |j: u32| 1 + digits(u64::from(j) - 1);
    let mut tent = 2;
    for i in 1..r {
        tent = tent.max(k_level(2 * i)) + 1;
    }
    tent.max(k_level(2 * r - 1)) + 1
}

#[test]
fn info_matches_the_derived_formulas() {
    each_net!(N => {
        let r = r_of::<N>() as usize;
        let info = N::INFO;
        assert_eq!(info.weights, 11 * r + 8, "{}", info.name);
        assert_eq!(info.depth, expected_depth(r as u32, info.lambda, info.t.unwrap()), "{}", info.name);
        if info.lambda == 2 {
            assert_eq!(info.depth, if r == 1 { 3 } else { 2 * r }, "{}", info.name);
        }
        assert_eq!(info.width, 5, "{}", info.name);
        assert_eq!(info.nonzero_biases, 3, "{}", info.name);
        let index_bits = (32 - (info.lambda - 1).leading_zeros()) as u64;
        assert_eq!(info.bits, info.weights as u64 * index_bits, "{}", info.name);
        assert!(info.honest_bits > info.bits);
        let block_weights: usize = info.blocks.iter().map(|b| b.weights).sum();
        assert_eq!(block_weights, info.weights, "{}: blocks partition the weights", info.name);
        // one f_s^r: one B_×′ of 2r units, its |x| (B_abs), its K_j (B_N)
        let names: Vec<&str> = info.parts.iter().map(|p| p.name).collect();
        assert_eq!(names, ["B_N", "B_abs", "B_mul", "output"], "{}", info.name);
        let mul = info.part("B_mul").unwrap();
        assert_eq!((mul.instances, mul.units), (1, 2 * r), "{}", info.name);
    }; S1, S2, S7, S12, S24, L3, L4, L6);
}

#[test]
fn f64_and_f32_evaluate_close_to_the_target() {
    let x = 0.3f64;
    assert!((S12::eval(x) - x * x).abs() <= S12::INFO.error_bound.to_f64());
    let y = S6::eval(0.3f32);
    assert!((y - 0.09).abs() < 1e-3);
}
