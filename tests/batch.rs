//! Batch evaluation (`eval_batch`, SPEC §12, issue 18 deliverable 1): over
//! columns of inputs, on lanes, bit-identical to scalar `eval` point by
//! point in `f64` and `f32` (NaN where scalar gives NaN: a NaN's sign and
//! payload are unspecified) — at random points, NaN, ±0, infinities and
//! points outside the domain included, for every batch length around the
//! lane count, on every instruction set the CPU has (`Isa::available`) and
//! in every split into wide steps and a narrow tail — and a wrong
//! dimension or column length is an error.

#[macro_use]
mod common;

use proptest::prelude::*;
use qrelu::batch::{Isa, eval_batch_on};
use qrelu::{CheckError, Network};

qrelu::qrelu! {
    net Square12(x) = x^2 where r = 12;
    net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 3;
    net Bell(x in [-1, 1]) = exp(-x^2) where eps = 1/256;
    net Radial(x in [-1, 1], y in [-1, 1]) = exp(-(x^2 + y^2)) where eps = 1/64;
    net WiggleLinear(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/64, lambda = 5, quantization = linear;
    net Smooth(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, N = 4, r = 5;
    // more inputs than the sweep keeps on the stack
    net Nine(a, b, c, d, e, f, g, h, i) = a - b + c/2 + d*e - f + g/4 + h - i where r = 4;
}

/// Floats that probe every corner of the arithmetic.
fn value<F: Arbitrary + From<f32> + Copy + 'static>() -> BoxedStrategy<F> {
    prop_oneof![
        6 => (-1.0f32..=1.0).prop_map(F::from),
        1 => any::<F>(),
        1 => prop::sample::select(vec![0.0f32, -0.0, f32::NAN, f32::INFINITY, -f32::INFINITY, 1e30, -3.5]).prop_map(F::from),
    ]
    .boxed()
}

/// `eval_batch` against `eval_at` at every point, bit for bit.
fn check<N: Network, F>(columns: &[Vec<F>]) -> Result<(), TestCaseError>
where
    F: qrelu::batch::Float + std::fmt::Debug + Bits,
{
    let len = columns.first().map_or(0, Vec::len);
    let refs: Vec<&[F]> = columns.iter().map(Vec::as_slice).collect();
    let mut out = vec![F::zero(); len];
    N::eval_batch(&refs, &mut out).unwrap();
    compare::<N, F>(columns, &out)?;
    // every instruction set this CPU has, in every split of a batch into
    // wide steps and a narrow tail
    for isa in Isa::available() {
        for run in [eval_batch_on::<N, F, 32, 16>, eval_batch_on::<N, F, 4, 1>] {
            let mut out = vec![F::zero(); len];
            run(isa, &refs, &mut out).unwrap();
            compare::<N, F>(columns, &out)?;
        }
    }
    Ok(())
}

/// `out` against `eval_at` at every point, bit for bit.
fn compare<N: Network, F>(columns: &[Vec<F>], out: &[F]) -> Result<(), TestCaseError>
where
    F: qrelu::batch::Float + std::fmt::Debug + Bits,
{
    for (k, got) in out.iter().enumerate() {
        let point: Vec<F> = columns.iter().map(|c| c[k]).collect();
        let want = N::eval_at(&point).unwrap();
        // NaN where scalar gives NaN; its sign and payload are not specified
        // (IEEE 754, Rust's `f64` docs) and do differ between vector and
        // scalar code, so only NaN-ness is compared
        if want.is_nan() {
            prop_assert!(got.is_nan(), "{} at {:?}: {:?}", N::INFO.name, point, got);
        } else {
            prop_assert_eq!(got.bits(), want.bits(), "{} at {:?}", N::INFO.name, point);
        }
    }
    Ok(())
}

/// The bit pattern, so that NaN and −0 compare exactly.
trait Bits {
    fn bits(&self) -> u64;
}

impl Bits for f64 {
    fn bits(&self) -> u64 {
        self.to_bits()
    }
}

impl Bits for f32 {
    fn bits(&self) -> u64 {
        u64::from(self.to_bits())
    }
}

fn columns<F: Arbitrary + From<f32> + Copy + std::fmt::Debug + 'static>(
    dim: usize,
) -> impl Strategy<Value = Vec<Vec<F>>> {
    prop_oneof![0usize..=17, 18usize..200].prop_flat_map(move |len| {
        proptest::collection::vec(proptest::collection::vec(value::<F>(), len), dim)
    })
}

macro_rules! bit_identical {
    ($($test:ident: $net:ty, $dim:expr;)*) => {$(
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]
            #[test]
            fn $test(c64 in columns::<f64>($dim), c32 in columns::<f32>($dim)) {
                check::<$net, f64>(&c64)?;
                check::<$net, f32>(&c32)?;
            }
        }
    )*};
}

bit_identical! {
    square12_batches_are_bit_identical: Square12, 1;
    mix_batches_are_bit_identical: Mix, 3;
    bell_batches_are_bit_identical: Bell, 1;
    radial_batches_are_bit_identical: Radial, 2;
    wiggle_linear_batches_are_bit_identical: WiggleLinear, 1;
    smooth_batches_are_bit_identical: Smooth, 1;
    nine_input_batches_are_bit_identical: Nine, 9;
}

#[test]
fn shapes_are_checked() {
    let mut out = [0.0f64; 3];
    let x = [0.1, 0.2, 0.3];
    assert_eq!(
        Mix::eval_batch(&[&x, &x], &mut out),
        Err(CheckError::Dimension {
            expected: 3,
            found: 2
        })
    );
    assert_eq!(
        Mix::eval_batch(&[&x, &x[..2], &x], &mut out),
        Err(CheckError::BatchLength {
            input: 1,
            expected: 3,
            found: 2
        })
    );
    assert_eq!(out, [0.0; 3], "untouched on error");
    let shown = Mix::eval_batch(&[&x, &x, &x[..1]], &mut out)
        .unwrap_err()
        .to_string();
    assert_eq!(shown, "the column of input 2 has 1 values for 3 outputs");
    // the trait method and the inherent one are the same
    Mix::eval_batch(&[&x, &x, &x], &mut out).unwrap();
    let mut via_trait = [0.0f64; 3];
    <Mix as Network>::eval_batch(&[&x, &x, &x], &mut via_trait).unwrap();
    assert_eq!(out, via_trait);
    assert_eq!(out[1], Mix::eval(0.2, 0.2, 0.2));
    // empty batches are fine
    Mix::eval_batch::<f32>(&[&[], &[], &[]], &mut []).unwrap();
    // shapes are checked on every instruction set
    for isa in Isa::available() {
        assert_eq!(
            eval_batch_on::<Mix, f64, 16, 8>(isa, &[&x, &x], &mut out),
            Err(CheckError::Dimension {
                expected: 3,
                found: 2
            })
        );
    }
}

#[test]
fn this_cpu_is_detected() {
    let best = Isa::detect();
    assert_eq!(Isa::available().last(), Some(best));
    assert_eq!(Isa::available().next(), Some(Isa::Baseline));
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx512f") {
        assert_eq!(best, Isa::Avx512);
    } else if std::is_x86_feature_detected!("avx2") {
        assert_eq!(best, Isa::Avx2);
    }
}
