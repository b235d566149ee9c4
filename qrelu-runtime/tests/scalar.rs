//! The number types and constants generated code relies on: `Scalar` for
//! f32, f64 and `Exact`, `ConstRational`, `NetInfo` and the hidden helpers.

use num_bigint::BigInt;
use num_traits::Signed;
use proptest::prelude::*;
use qrelu_runtime::__private::{STUB_INFO, inputs};
use qrelu_runtime::{
    BlockInfo, CheckError, ConstRational, Exact, NetInfo, PartInfo, Scalar, TargetTerm, relu,
};

fn q(n: i64, d: u64) -> Exact {
    Exact::ratio(n, d)
}

/// 2^e exactly.
fn pow2(e: i32) -> Exact {
    Exact::dyadic(1, e)
}

// --- Scalar ---------------------------------------------------------------

#[test]
fn exact_dyadics_are_in_lowest_terms() {
    assert_eq!(Exact::dyadic(12, -4), q(3, 4));
    assert_eq!(*Exact::dyadic(12, -4).denom(), BigInt::from(4));
    assert_eq!(Exact::dyadic(-3, 2), q(-12, 1));
    assert_eq!(Exact::dyadic(0, -7), Exact::zero());
    assert_eq!(Exact::dyadic(1, -200) * pow2(200), q(1, 1));
    assert_eq!(Exact::dyadic(i64::MIN, -63), q(-1, 1));
}

#[test]
fn float_dyadics_round_once() {
    assert_eq!(f64::dyadic(1, -1), 0.5);
    assert_eq!(f64::dyadic(-3, 10), -3072.0);
    assert_eq!(f64::dyadic(1, 1023), 2f64.powi(1023));
    assert_eq!(f64::dyadic(1, 1024), f64::INFINITY);
    assert_eq!(f64::dyadic(-1, i32::MAX), f64::NEG_INFINITY);
    // Subnormals: 2^−1074 is the least; half of it ties to even (0);
    // 3·2^−1076 = 0.75·2^−1074 rounds up to it.
    assert_eq!(f64::dyadic(1, -1074), f64::from_bits(1));
    assert_eq!(f64::dyadic(1, -1075), 0.0);
    assert_eq!(f64::dyadic(3, -1076), f64::from_bits(1));
    assert_eq!(f64::dyadic(-1, i32::MIN).to_bits(), (-0.0_f64).to_bits());
    assert_eq!(f32::dyadic(1, -149), f32::from_bits(1));
    assert_eq!(f32::dyadic(1, -150), 0.0);
    assert_eq!(f32::dyadic(3, -151), f32::from_bits(1));
    assert_eq!(f32::dyadic(1, 128), f32::INFINITY);
    assert_eq!(f32::dyadic(-5, -2000).to_bits(), (-0.0_f32).to_bits());
    // Above 2^53 the mantissa itself rounds: 2^53 + 1 ties to 2^53.
    assert_eq!(f64::dyadic((1 << 53) + 1, 0), 9007199254740992.0);
    assert_eq!(f64::dyadic((1 << 53) + 3, -1), 4503599627370498.0);
}

#[test]
fn ratios_round_once() {
    assert_eq!(f64::ratio(1, 3), 1.0 / 3.0);
    assert_eq!(f32::ratio(-2, 3), -2.0 / 3.0);
    assert_eq!(Exact::ratio(6, 4), q(3, 2));
    assert_eq!(
        f64::ratio(i64::MAX, u64::MAX),
        f64::from_exact(&q(i64::MAX, u64::MAX))
    );
}

#[test]
fn exact_round_trips() {
    assert_eq!(
        0.1_f64.to_exact(),
        Some(Exact::new(
            3602879701896397_i64.into(),
            BigInt::from(1) << 55
        ))
    );
    assert_eq!(f64::NAN.to_exact(), None);
    assert_eq!(f32::INFINITY.to_exact(), None);
    assert_eq!(f64::from_exact(&q(1, 3)), 1.0 / 3.0);
    assert_eq!(q(-5, 8).to_exact(), Some(q(-5, 8)));
    assert_eq!(q(1, 3).to_f64(), 1.0 / 3.0);
    assert_eq!(1.5_f32.to_f64(), 1.5);
}

/// 1 + 2^−24 is halfway between the f32 values 1 and 1 + 2^−23.
fn f32_halfway() -> Exact {
    q(1, 1) + pow2(-24)
}

#[test]
fn f32_conversion_does_not_round_twice() {
    // Just above the halfway point: f64 rounds to it, ties-to-even would
    // then give 1; the correct answer is 1 + 2^−23.
    let above = f32_halfway() + pow2(-60);
    let below = f32_halfway() - pow2(-60);
    assert_eq!(f32::from_exact(&above), 1.0 + f32::EPSILON);
    assert_eq!(f32::from_exact(&-above), -1.0 - f32::EPSILON);
    assert_eq!(f32::from_exact(&below), 1.0);
    assert_eq!(f32::from_exact(&f32_halfway()), 1.0);
    // The same at the overflow threshold f32::MAX + 2^103.
    let threshold = f32::MAX.to_exact().unwrap() + pow2(103);
    assert_eq!(f32::from_exact(&(threshold.clone() - pow2(50))), f32::MAX);
    assert_eq!(
        f32::from_exact(&(threshold.clone() + pow2(50))),
        f32::INFINITY
    );
    assert_eq!(f32::from_exact(&threshold), f32::INFINITY);
}

#[test]
fn arithmetic_and_relu() {
    let (a, b) = (q(1, 3), q(-1, 4));
    assert_eq!(a.plus(&b), q(1, 12));
    assert_eq!(a.minus(&b), q(7, 12));
    assert_eq!(a.times(&b), q(-1, 12));
    assert_eq!(a.negated(), q(-1, 3));
    assert_eq!(a.fma(&b, &a), q(1, 4));
    assert_eq!(relu(&b), Exact::zero());
    assert_eq!(a.relu(), a);
    // fma on floats is a rounded product, then a rounded sum.
    let (x, w) = (0.1_f64, 3.0_f64);
    assert_eq!(1.0_f64.fma(&w, &x), 1.0 + w * x);
    assert_eq!(relu(&-0.0_f64).to_bits(), 0.0_f64.to_bits());
    assert!(relu(&f64::NAN).is_nan());
    assert!(f32::NAN.relu().is_nan());
    assert_eq!(relu(&-1.0_f32), 0.0);
    assert!(!Exact::zero().is_nan());
}

proptest! {
    /// The float fast paths equal correct rounding of the exact value.
    #[test]
    fn float_constants_are_correctly_rounded(m in any::<i64>(), e in -1200_i32..1100, d in 1..u64::MAX) {
        let exact = Exact::dyadic(m, e);
        prop_assert_eq!(f64::dyadic(m, e).to_bits(), f64::from_exact(&exact).to_bits());
        prop_assert_eq!(f32::dyadic(m, e).to_bits(), f32::from_exact(&exact).to_bits());
        let r = Exact::ratio(m, d);
        prop_assert_eq!(f64::ratio(m, d).to_bits(), f64::from_exact(&r).to_bits());
        prop_assert_eq!(f32::ratio(m, d).to_bits(), f32::from_exact(&r).to_bits());
    }

    /// `f32::from_exact` is nearest: no other f32 is closer.
    #[test]
    fn f32_from_exact_is_nearest(n in any::<i64>(), d in 1..u64::MAX, e in -170_i32..140) {
        let v = Exact::ratio(n, d) * pow2(e);
        let r = f32::from_exact(&v);
        prop_assume!(r.is_finite() && r != 0.0);
        let err = |f: f32| (f.to_exact().unwrap() - &v).abs();
        let up = f32::from_bits(r.to_bits() + 1);
        let down = f32::from_bits(r.to_bits() - 1);
        for other in [up, down] {
            if other.is_finite() {
                prop_assert!(err(r) <= err(other));
            }
        }
    }
}

// --- ConstRational ----------------------------------------------------------

#[test]
fn const_rationals_parse_their_text() {
    const HALF: ConstRational = ConstRational::new("-1/2");
    assert_eq!(HALF.text(), "-1/2");
    assert_eq!(HALF.to_string(), "-1/2");
    assert_eq!(HALF.to_exact(), q(-1, 2));
    assert_eq!(ConstRational::new("7").to_exact(), q(7, 1));
    assert_eq!(ConstRational::new("-0").to_exact(), q(0, 1));
    assert_eq!(ConstRational::new("2/4").try_to_exact(), Some(q(1, 2)));
    let huge = ConstRational::new("123456789012345678901234567890/7");
    assert_eq!(
        huge.to_exact() * q(7, 1),
        Exact::from_integer("123456789012345678901234567890".parse().unwrap())
    );
    assert_eq!(ConstRational::new("1/3").to_f64(), 1.0 / 3.0);
    assert_eq!(ConstRational::new("1/3"), ConstRational::new("1/3"));
}

#[test]
fn malformed_const_rationals_are_refused() {
    for text in [
        "", "-", "+1", "1/", "/2", "1/0", "1/-2", "1/2/3", "0x10", "1_000", " 1", "1.5", "a",
    ] {
        assert_eq!(ConstRational::new(text).try_to_exact(), None, "{text:?}");
    }
}

#[test]
#[should_panic(expected = "malformed rational constant")]
fn to_exact_panics_on_malformed_text() {
    let _ = ConstRational::new("1/0").to_exact();
}

// --- NetInfo ----------------------------------------------------------------

/// x·y² − 3/4 on [−1, 1] × [0, 1/2], with a λ = 2 codebook.
const INFO: NetInfo = NetInfo {
    name: "Info",
    inputs: &["x", "y"],
    domain: &[
        (ConstRational::new("-1"), ConstRational::new("1")),
        (ConstRational::new("0"), ConstRational::new("1/2")),
    ],
    target: &[
        TargetTerm {
            coef: ConstRational::new("1"),
            pow: &[1, 2],
        },
        TargetTerm {
            coef: ConstRational::new("-3/4"),
            pow: &[],
        },
    ],
    codebook: &[ConstRational::new("-1/2"), ConstRational::new("1/2")],
    lambda: 2,
    blocks: &[BlockInfo {
        name: "square.tent",
        units: 3,
        weights: 6,
        depth: 2,
        width: 2,
    }],
    parts: &[
        PartInfo {
            name: "B_mul",
            instances: 1,
            units: 3,
            weights: 6,
            width: 2,
            depth: 2,
        },
        PartInfo {
            name: "output",
            instances: 1,
            units: 1,
            weights: 4,
            width: 1,
            depth: 1,
        },
    ],
    ..STUB_INFO
};

#[test]
fn net_info_helpers() {
    assert_eq!(INFO.dim(), 2);
    assert_eq!(
        INFO.domain_exact(),
        vec![(q(-1, 1), q(1, 1)), (q(0, 1), q(1, 2))]
    );
    assert_eq!(INFO.target_eval(&[q(1, 2), q(1, 2)]), Ok(q(-5, 8)));
    assert_eq!(INFO.target_eval(&[2.0_f64, 3.0]), Ok(17.25));
    assert_eq!(
        INFO.target_eval(&[1.0_f64]),
        Err(CheckError::Dimension {
            expected: 2,
            found: 1
        })
    );
    assert!(INFO.in_codebook(&q(1, 2)));
    assert!(!INFO.in_codebook(&q(1, 4)));
    assert!(!INFO.in_codebook(&Exact::zero()));
    assert_eq!(INFO.blocks[0].name, "square.tent");
    assert_eq!(INFO.part("B_mul").map(|p| p.units), Some(3));
    assert_eq!(INFO.part("B_w"), None);
    assert!(STUB_INFO.parts.is_empty());
}

#[test]
fn stub_info_is_empty() {
    assert_eq!(STUB_INFO.dim(), 0);
    assert_eq!(STUB_INFO.error_bound.to_exact(), Exact::zero());
    assert_eq!(STUB_INFO.target_eval::<f64>(&[]), Ok(0.0));
    assert!(STUB_INFO.domain_exact().is_empty());
}

#[test]
fn inputs_splits_a_slice() {
    assert_eq!(inputs::<f64, 2>(&[1.0, 2.0]), Ok([1.0, 2.0]));
    assert_eq!(
        inputs::<f64, 2>(&[1.0]),
        Err(CheckError::Dimension {
            expected: 2,
            found: 1
        })
    );
}
