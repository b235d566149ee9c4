//! Exact integer evaluation (`eval_fixed`, SPEC §12, issue 18 deliverable
//! 3): the format in `INFO.fixed` is the one the compiler derived, and the
//! generated integer code equals exact evaluation — at *every* input of
//! the format for small networks, at random inputs for large ones — and
//! refuses inputs outside the format.

#[macro_use]
mod common;

use num_bigint::BigInt;
use proptest::prelude::*;
use qrelu::{CheckError, Exact, FixedInfo, Network, Scalar};

qrelu::qrelu! {
    // small: every input of the format (F = 16 or 17 bits in i32)
    net SquareR6(x) = x^2 where r = 6;
    net SquareR6Lambda3(x) = x^2 where r = 6, lambda = 3;
    net SquareR6Linear5(x) = x^2 where r = 6, lambda = 5, quantization = linear;
    net QuadLinear9(x in [-1, 1]) = x^2 - x/2 where r = 6, lambda = 9, quantization = linear;
    net SquareSymmetric(x in [-1, 1]) = x^2 where r = 6;

    // large: random inputs, every width
    net SquareR24(x) = x^2 where r = 24;
    net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 2;
    net MixL3(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 3;
    net Cubic(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 2;
    net WiggleLinear(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, lambda = 5, quantization = linear;
    net Bell(x in [-1, 1]) = exp(-x^2) where eps = 1/256;
    net Radial(x in [-1, 1], y in [-1, 1]) = exp(-(x^2 + y^2)) where eps = 1/64;
    net SaddleTaylor(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, N = 2, r = 4, lambda = 3;
}

fn format<N: Network>() -> FixedInfo {
    N::INFO
        .fixed
        .unwrap_or_else(|| panic!("{} has a fixed-point format", N::INFO.name))
}

/// `eval_fixed` at `x` against exact evaluation of the generated code.
fn check_exact<N: Network>(x: &[i128]) {
    let f = format::<N>();
    let y = N::eval_fixed_at(x).unwrap();
    let exact_x: Vec<Exact> = x.iter().map(|&v| f.input_value(v)).collect();
    let want: Exact = N::eval_at(&exact_x).unwrap();
    assert_eq!(f.output_value(y), want, "{} at {x:?}", N::INFO.name);
}

/// Every input of a one-input network's format. The comparison is with
/// the generated code in `f64`, which is exact here: every intermediate
/// value needs at most `needed_bits ≤ 32` significant bits (the plan's
/// bound), fewer than `f64`'s 53, and every input `X·2^−F` converts
/// exactly; `Y`, below 2^31, converts exactly too. One input in 64 (and
/// the ends) is also checked against exact rationals.
fn check_every_input<N: Network>() -> usize {
    let f = format::<N>();
    assert_eq!(f.width, 32, "{}: small networks plan i32", N::INFO.name);
    assert!(f.needed_bits <= 32);
    let (lo, hi) = f.inputs[0];
    let unit = 0.5f64.powi(f.frac_bits as i32);
    let out_unit = 0.5f64.powi(f.scale as i32);
    for x in lo..=hi {
        let y = N::eval_fixed_at(&[x]).unwrap();
        let want: f64 = N::eval_at(&[x as f64 * unit]).unwrap();
        assert_eq!(y as f64 * out_unit, want, "{} at {x}", N::INFO.name);
        if x % 64 == 0 || x == lo || x == hi {
            check_exact::<N>(&[x]);
        }
    }
    usize::try_from(hi - lo + 1).unwrap()
}

#[test]
fn small_networks_are_exact_at_every_input_of_the_format() {
    let mut points = 0;
    each_net!(N => { points += check_every_input::<N>(); };
        SquareR6, SquareR6Lambda3, SquareR6Linear5, QuadLinear9, SquareSymmetric);
    assert!(points > 5 * 65_536, "{points}");
}

/// The format is the compiler's plan, recomputed from the JSON's network.
#[test]
fn info_is_the_compilers_plan() {
    each_net!(N => {
        let f = format::<N>();
        let c = qrelu_core::build(&common::spec_of::<N>()).unwrap();
        let plan = qrelu_core::fixed::plan(&c.net, &c.spec.domain).unwrap();
        assert_eq!(f.width, plan.format.width);
        assert_eq!(f.frac_bits, plan.format.frac_bits);
        assert_eq!(f.scale, plan.format.scale);
        assert_eq!(f.needed_bits, plan.format.needed_bits);
        assert!(f.needed_bits <= f.width);
        assert!(f.frac_bits >= qrelu_core::fixed::MIN_FRAC_BITS);
        let want: Vec<(i128, i128)> = plan
            .format
            .inputs
            .iter()
            .map(|(a, b)| (i128::try_from(a).unwrap(), i128::try_from(b).unwrap()))
            .collect();
        assert_eq!(f.inputs, &want[..]);
    }; SquareR6, SquareR6Linear5, QuadLinear9, SquareR24, Mix, MixL3, Cubic, SaddleTaylor);
}

#[test]
fn widths_follow_the_values() {
    assert_eq!(format::<SquareR6>().width, 32);
    assert_eq!(format::<Mix>().width, 64);
    assert_eq!(format::<SquareR24>().width, 128);
}

/// A random input of the format (ends included more often).
fn input_of(f: &FixedInfo, i: usize) -> BoxedStrategy<i128> {
    let (lo, hi) = f.inputs[i];
    prop_oneof![1 => Just(lo), 1 => Just(hi), 8 => lo..=hi].boxed()
}

fn inputs_of(f: &FixedInfo) -> BoxedStrategy<Vec<i128>> {
    (0..f.inputs.len())
        .map(|i| input_of(f, i))
        .collect::<Vec<_>>()
        .boxed()
}

macro_rules! random_exact {
    ($($test:ident: $net:ty, $cases:expr;)*) => {$(
        proptest! {
            #![proptest_config(ProptestConfig::with_cases($cases))]
            #[test]
            fn $test(x in inputs_of(&format::<$net>())) {
                check_exact::<$net>(&x);
            }
        }
    )*};
}

random_exact! {
    square_r24_is_exact_at_random_inputs: SquareR24, 200;
    mix_is_exact_at_random_inputs: Mix, 64;
    mix_lambda3_is_exact_at_random_inputs: MixL3, 64;
    cubic_is_exact_at_random_inputs: Cubic, 100;
    wiggle_linear_is_exact_at_random_inputs: WiggleLinear, 64;
    bell_is_exact_at_random_inputs: Bell, 100;
    radial_is_exact_at_random_inputs: Radial, 100;
    saddle_taylor_is_exact_at_random_inputs: SaddleTaylor, 32;
}

#[test]
fn inputs_outside_the_format_are_refused() {
    let f = format::<Mix>();
    let (lo, hi) = f.inputs[1];
    assert_eq!(
        Mix::eval_fixed(0, i64::try_from(hi).unwrap() + 1, 0),
        Err(CheckError::OutOfFormat {
            input: 1,
            value: hi + 1
        })
    );
    assert_eq!(
        Mix::eval_fixed_at(&[0, lo - 1, 0]),
        Err(CheckError::OutOfFormat {
            input: 1,
            value: lo - 1
        })
    );
    // beyond the integer type itself
    assert_eq!(
        Mix::eval_fixed_at(&[i128::MAX, 0, 0]),
        Err(CheckError::OutOfFormat {
            input: 0,
            value: i128::MAX
        })
    );
    assert_eq!(
        Mix::eval_fixed_at(&[0, 0]),
        Err(CheckError::Dimension {
            expected: 3,
            found: 2
        })
    );
    assert!(Mix::eval_fixed(0, 0, 0).is_ok());
    let shown = Mix::eval_fixed_at(&[0, lo - 1, 0]).unwrap_err().to_string();
    assert!(
        shown.contains("outside the network's fixed-point format"),
        "{shown}"
    );
}

/// The typed function agrees with the trait's, and the format's helpers
/// convert exactly.
#[test]
fn typed_and_slice_forms_agree() {
    let f = format::<Bell>();
    let half = f
        .input_of(0, &Exact::new(BigInt::from(1), BigInt::from(2)))
        .unwrap();
    assert_eq!(half, 1i128 << (f.frac_bits - 1));
    assert_eq!(
        f.input_of(0, &Exact::new(BigInt::from(1), BigInt::from(3))),
        None
    );
    assert_eq!(f.input_of(0, &Exact::from_integer(BigInt::from(2))), None);
    let y = Bell::eval_fixed(i64::try_from(half).unwrap()).unwrap();
    assert_eq!(Bell::eval_fixed_at(&[half]), Ok(i128::from(y)));
    let want: Exact = Bell::eval(Exact::new(BigInt::from(1), BigInt::from(2)));
    assert_eq!(f.output_value(i128::from(y)), want);
    assert_eq!(
        <Exact as Scalar>::to_f64(&want),
        <f64 as Scalar>::to_f64(&Bell::eval(0.5))
    );
}
