//! Batch evaluation on the CPU's vector units: [`Lanes`], a [`Scalar`] of
//! `N` floats evaluated side by side, and [`eval_batch`], which runs a
//! network's generated code on `N` points at a time.
//!
//! The generated `eval` is generic over its number type, so a lane type is
//! all it takes: each operation of the network is applied to `N` values
//! at once, as a loop over an array that the compiler turns into vector
//! instructions. Every lane performs exactly the IEEE operations of the
//! scalar evaluation, in the same order (no fused multiply-add, no
//! reassociation), so each lane's result is bit-identical to scalar
//! `eval` at that point — except that a NaN may differ in sign and
//! payload, which IEEE 754 and Rust leave unspecified (the vector and
//! scalar instructions propagate different NaNs): NaN exactly where
//! scalar evaluation gives NaN.
//!
//! With the `std` feature on x86-64, [`eval_batch`] detects at run time
//! whether the CPU has AVX2 or AVX-512 ([`Isa`]) and sweeps the batch in a
//! copy compiled for it (`#[target_feature]`), into which the generated
//! network is inlined whole (networks up to 4,000 weights): 8 `f64` per
//! instruction instead of the baseline's 2, on stable Rust and without
//! `-C target-cpu`.
//!
//! ```
//! use qrelu_runtime::{Lanes, Scalar};
//!
//! let x = Lanes([0.25_f64, -1.0, 3.0, 0.5]);
//! let y = Lanes::<f64, 4>::dyadic(1, -1).times(&x).plus(&Lanes::dyadic(-1, -3)).relu();
//! assert_eq!(y.0, [0.0, 0.0, 1.375, 0.125]);
//! ```

use alloc::vec::Vec;

use crate::{CheckError, Elementary, Exact, Network, Scalar};

/// `N` floats evaluated side by side: each [`Scalar`] operation is the
/// scalar one applied to every lane (`f64` or `f32` semantics exactly).
/// `Scalar` is implemented for `N` = 1, 2, 3, 4, 8, 16 and 32, each operation
/// written out lane by lane (see the `lanes!` macro in the source).
///
/// `to_exact` is the lanes' common exact value when they all hold the same
/// number (`None` otherwise), `to_f64` the first lane's, `is_nan` whether
/// any lane is NaN; comparisons (`PartialOrd`) are lexicographic over the
/// lanes (network evaluation never compares).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Lanes<F, const N: usize>(pub [F; N]);

/// The lanes per step of [`eval_batch`] unless a network chooses: 8 for
/// `f64` and `f32` alike (one to four vector registers' worth on x86-64,
/// enough independent work to hide latencies). Generated networks choose
/// by size through [`eval_batch_on`] (32 or 16 lanes with AVX-512 for
/// small networks, fewer for large ones, whose values stop fitting the
/// registers; measured in `benches/eval.rs`).
pub const LANES: usize = 8;

/// The float types batches are evaluated in: `f64` and `f32`.
pub trait Float: Scalar + Copy + PartialEq + private::Sealed {}

impl Float for f64 {}
impl Float for f32 {}

mod private {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
}

impl<F: Float, const N: usize> Lanes<F, N> {
    /// Every lane `v`.
    #[inline(always)]
    pub const fn splat(v: F) -> Self {
        Lanes([v; N])
    }
}

/// `Scalar` for `Lanes<F, n>` at each listed lane count, every arithmetic
/// operation written out lane by lane (`[a[0] + b[0], a[1] + b[1], …]`).
///
/// Straight-line lanes, not a loop over `N`: inlined into a batch sweep
/// the network has one operation per unit and lane, and LLVM packs them
/// into vector instructions (SLP). As loops, each of the network's
/// thousands of operations was a loop for LLVM to rotate, unroll and break
/// up in one huge function, which cost 8 s of compile time per copy of a
/// 592-weight network (`-Z time-llvm-passes`: loop rotation alone 36%).
macro_rules! lanes {
    ($($n:literal: [$($i:literal)*];)*) => {$(
        impl<F: Float> Scalar for Lanes<F, $n> {
            #[inline(always)]
            fn zero() -> Self {
                Self::splat(F::zero())
            }

            #[inline(always)]
            fn dyadic(m: i64, e: i32) -> Self {
                Self::splat(F::dyadic(m, e))
            }

            #[inline]
            fn ratio(n: i64, d: u64) -> Self {
                Self::splat(F::ratio(n, d))
            }

            #[inline]
            fn from_exact(q: &Exact) -> Self {
                Self::splat(F::from_exact(q))
            }

            fn to_exact(&self) -> Option<Exact> {
                let first = self.0.first()?;
                if self.0.iter().all(|v| v == first) {
                    first.to_exact()
                } else {
                    None
                }
            }

            fn to_f64(&self) -> f64 {
                self.0.first().map_or(f64::NAN, Scalar::to_f64)
            }

            #[inline(always)]
            fn plus(&self, rhs: &Self) -> Self {
                Lanes([$(self.0[$i].plus(&rhs.0[$i])),*])
            }

            #[inline(always)]
            fn minus(&self, rhs: &Self) -> Self {
                Lanes([$(self.0[$i].minus(&rhs.0[$i])),*])
            }

            #[inline(always)]
            fn times(&self, rhs: &Self) -> Self {
                Lanes([$(self.0[$i].times(&rhs.0[$i])),*])
            }

            #[inline(always)]
            fn negated(&self) -> Self {
                Lanes([$(self.0[$i].negated()),*])
            }

            #[inline(always)]
            fn fma(&self, w: &Self, x: &Self) -> Self {
                // the scalar `fma`: rounded product, then rounded sum
                Lanes([$(self.0[$i].plus(&w.0[$i].times(&x.0[$i]))),*])
            }

            #[inline(always)]
            fn relu(&self) -> Self {
                Lanes([$(self.0[$i].relu()),*])
            }

            #[inline(always)]
            fn magnitude(&self) -> Self {
                Lanes([$(self.0[$i].magnitude()),*])
            }

            fn is_nan(&self) -> bool {
                self.0.iter().any(Scalar::is_nan)
            }

            fn elementary(&self, f: Elementary) -> Option<Self> {
                let mut out = self.0;
                for v in &mut out {
                    *v = v.elementary(f)?;
                }
                Some(Lanes(out))
            }

            fn quotient(&self, rhs: &Self) -> Option<Self> {
                let mut out = self.0;
                for (v, r) in out.iter_mut().zip(&rhs.0) {
                    *v = v.quotient(r)?;
                }
                Some(Lanes(out))
            }

            fn pi() -> Option<Self> {
                F::pi().map(Self::splat)
            }

            fn unit_roundoff() -> Option<Self> {
                F::unit_roundoff().map(Self::splat)
            }
        }
    )*};
}

lanes! {
    1: [0];
    2: [0 1];
    3: [0 1 2];
    4: [0 1 2 3];
    8: [0 1 2 3 4 5 6 7];
    16: [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15];
    32: [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31];
}

/// The network `Net` at every point of a batch given as columns — `inputs[i][k]`
/// is input `i` of point `k` — into `out[k]`, `N` points at a time on the
/// vector units ([`Lanes`]), bit-identical to scalar evaluation point by
/// point (a NaN's sign and payload excepted, module docs). No domain checks
/// (as `eval`). With `std` on x86-64 the sweep runs in a copy compiled for
/// the widest instruction set the CPU has ([`Isa::detect`]).
///
/// # Errors
///
/// [`CheckError::Dimension`] if there is not one column per input, and
/// [`CheckError::BatchLength`] if a column's length is not `out.len()`;
/// `out` is then untouched.
pub fn eval_batch<Net, F, const N: usize>(inputs: &[&[F]], out: &mut [F]) -> Result<(), CheckError>
where
    Net: Network + ?Sized,
    F: Float,
    Lanes<F, N>: Scalar,
{
    eval_batch_on::<Net, F, N, N>(Isa::detect(), inputs, out)
}

/// An instruction set a batch sweep is compiled for.
///
/// The sweep calls [`Network::eval_lanes_at`], which the generated code
/// inlines whole for networks of up to `qrelu_syntax::expand::INLINE_LIMIT`
/// weights, so a copy of the sweep compiled with `#[target_feature]` runs
/// the whole network on that instruction set's registers: 2 `f64` per
/// instruction with the x86-64 baseline (SSE2), 4 with AVX2, 8 with
/// AVX-512. The operations are the same IEEE additions, multiplications
/// and comparisons whatever the set (Rust never contracts a multiply and
/// an add into an FMA), so the results are too.
///
/// Sets are ordered narrowest first (each includes the ones before it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Isa {
    /// The target's baseline (what the crate is compiled for).
    Baseline,
    /// AVX2 (x86-64).
    Avx2,
    /// AVX-512F (x86-64).
    Avx512,
}

impl Isa {
    /// The widest set this CPU supports (run-time detection with `std` on
    /// x86-64; [`Isa::Baseline`] elsewhere).
    #[inline]
    pub fn detect() -> Isa {
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        {
            if std::is_x86_feature_detected!("avx512f") {
                return Isa::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") {
                return Isa::Avx2;
            }
        }
        Isa::Baseline
    }

    /// Every set this CPU supports, narrowest first (for tests that
    /// compare them).
    pub fn available() -> impl Iterator<Item = Isa> {
        let best = Isa::detect();
        [Isa::Baseline, Isa::Avx2, Isa::Avx512]
            .into_iter()
            .filter(move |i| *i <= best)
    }
}

/// [`eval_batch`] on the instruction set `isa`, in `WIDE` lanes per step
/// with AVX-512 (and `NARROW` for the rest of the batch that no longer
/// fills them), `NARROW` lanes otherwise: small networks keep 16 or 32
/// `f64` in two or four AVX-512 registers per value, which hides the
/// latency of a deep chain of units, while 8 keep the tail of a short
/// batch from evaluating padding. What the generated `eval_batch` calls, with lane counts chosen
/// by network size (`benches/eval.rs`).
///
/// # Errors
///
/// As [`eval_batch`]; [`CheckError::Unsupported`] if this CPU lacks `isa`.
pub fn eval_batch_on<Net, F, const WIDE: usize, const NARROW: usize>(
    isa: Isa,
    inputs: &[&[F]],
    out: &mut [F],
) -> Result<(), CheckError>
where
    Net: Network + ?Sized,
    F: Float,
    Lanes<F, WIDE>: Scalar,
    Lanes<F, NARROW>: Scalar,
{
    let dim = Net::INFO.inputs.len();
    if inputs.len() != dim {
        return Err(CheckError::Dimension {
            expected: dim,
            found: inputs.len(),
        });
    }
    if let Some((input, column)) = inputs
        .iter()
        .enumerate()
        .find(|(_, c)| c.len() != out.len())
    {
        return Err(CheckError::BatchLength {
            input,
            expected: out.len(),
            found: column.len(),
        });
    }
    if isa > Isa::detect() {
        return Err(CheckError::Unsupported(
            "an instruction set this CPU lacks (eval_batch_on)",
        ));
    }
    match isa {
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        // SAFETY: `isa` is at most what the CPU has (checked above)
        Isa::Avx512 => unsafe { sweep_avx512::<Net, F, WIDE, NARROW>(inputs, out) },
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        // SAFETY: as above
        Isa::Avx2 => unsafe { sweep_avx2::<Net, F, WIDE, NARROW>(inputs, out) },
        _ => sweep::<Net, F, NARROW>(inputs, out, 0),
    }
}

/// Defines `unsafe fn $name<Net, F, WIDE, NARROW>(inputs, out)`: the batch
/// sweep `$body` compiled with `#[target_feature(enable = $features)]`
/// (x86-64 with `std`, where the CPU is detected). The caller must make
/// sure the CPU has those features.
macro_rules! sweep_on {
    ($(#[$doc:meta])* $name:ident, $features:literal, |$inputs:ident, $out:ident| $body:block) => {
        $(#[$doc])*
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        #[target_feature(enable = $features)]
        unsafe fn $name<Net, F, const WIDE: usize, const NARROW: usize>(
            $inputs: &[&[F]],
            $out: &mut [F],
        ) -> Result<(), CheckError>
        where
            Net: Network + ?Sized,
            F: Float,
            Lanes<F, WIDE>: Scalar,
            Lanes<F, NARROW>: Scalar,
        $body
    };
}

sweep_on!(
    /// `WIDE` lanes per step while they fill, `NARROW` for the tail.
    sweep_avx512,
    "avx512f,avx2,avx",
    |inputs, out| {
        let full = out.len() / WIDE * WIDE;
        let (head, tail) = out.split_at_mut(full);
        sweep::<Net, F, WIDE>(inputs, head, 0)?;
        sweep::<Net, F, NARROW>(inputs, tail, full)
    }
);

sweep_on!(
    /// `NARROW` lanes per step: with 4 `f64` per register, 16 lanes spill.
    sweep_avx2,
    "avx2,avx",
    |inputs, out| { sweep::<Net, F, NARROW>(inputs, out, 0) }
);

/// Inputs of a point held on the stack (more go to the heap).
const STACK_INPUTS: usize = 8;

/// `out[k] = Net(inputs[..][offset + k])`, `N` points at a time; inlined
/// into each instruction set's copy.
#[inline(always)]
fn sweep<Net, F, const N: usize>(
    inputs: &[&[F]],
    out: &mut [F],
    offset: usize,
) -> Result<(), CheckError>
where
    Net: Network + ?Sized,
    F: Float,
    Lanes<F, N>: Scalar,
{
    if out.is_empty() {
        return Ok(());
    }
    let zero = Lanes::splat(F::zero());
    let mut heap: Vec<Lanes<F, N>>;
    let mut stack = [zero; STACK_INPUTS];
    let point: &mut [Lanes<F, N>] = if inputs.len() <= STACK_INPUTS {
        &mut stack[..inputs.len()]
    } else {
        heap = alloc::vec![zero; inputs.len()];
        &mut heap
    };
    for (start, chunk) in (offset..).step_by(N).zip(out.chunks_mut(N)) {
        for (lanes, column) in point.iter_mut().zip(inputs) {
            let column = &column[start..start + chunk.len()];
            if column.len() == N {
                lanes.0.copy_from_slice(column);
            } else {
                // the last chunk is padded with zeros, whose results are dropped
                *lanes = zero;
                lanes.0[..column.len()].copy_from_slice(column);
            }
        }
        let y = Net::eval_lanes_at(point)?;
        chunk.copy_from_slice(&y.0[..chunk.len()]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `Lanes<F, N>`'s operations against the scalar ones on the first `N`
    /// of 32 values, lane by lane, bit for bit.
    fn lanes_match<F, const N: usize>(
        a: &[F; 32],
        b: &[F; 32],
        c: &[F; 32],
    ) -> Result<(), TestCaseError>
    where
        F: Float + core::fmt::Debug,
        Lanes<F, N>: Scalar,
    {
        let lanes = |v: &[F; 32]| Lanes::<F, N>(core::array::from_fn(|k| v[k]));
        let (la, lb, lc) = (lanes(a), lanes(b), lanes(c));
        type Op<F> = fn(&F, &F, &F) -> F;
        let cases: [(Lanes<F, N>, Op<F>); 7] = [
            (la.plus(&lb), |a, b, _| a.plus(b)),
            (la.minus(&lb), |a, b, _| a.minus(b)),
            (la.times(&lb), |a, b, _| a.times(b)),
            (la.fma(&lb, &lc), |a, b, c| a.fma(b, c)),
            (la.relu(), |a, _, _| a.relu()),
            (la.negated(), |a, _, _| a.negated()),
            (la.magnitude(), |a, _, _| a.magnitude()),
        ];
        for (got, want) in cases {
            for k in 0..N {
                let want = want(&a[k], &b[k], &c[k]);
                // bit for bit: the same value, or NaN where the scalar is
                // NaN with the same bits (compared through f64, exact for f32)
                prop_assert_eq!(
                    got.0[k].to_f64().to_bits(),
                    want.to_f64().to_bits(),
                    "lane {} of {}",
                    k,
                    N
                );
            }
        }
        Ok(())
    }

    proptest! {
        /// Every lane is the scalar operation, bit for bit, NaN and −0
        /// included, at every implemented lane count.
        #[test]
        fn lanes_are_scalars(
            a in proptest::array::uniform32(any::<f64>()),
            b in proptest::array::uniform32(any::<f64>()),
            c in proptest::array::uniform32(any::<f64>()),
        ) {
            lanes_match::<f64, 1>(&a, &b, &c)?;
            lanes_match::<f64, 2>(&a, &b, &c)?;
            lanes_match::<f64, 3>(&a, &b, &c)?;
            lanes_match::<f64, 4>(&a, &b, &c)?;
            lanes_match::<f64, 8>(&a, &b, &c)?;
            lanes_match::<f64, 16>(&a, &b, &c)?;
            lanes_match::<f64, 32>(&a, &b, &c)?;
            let narrow = |v: [f64; 32]| v.map(|v| v as f32);
            let (a, b, c) = (narrow(a), narrow(b), narrow(c));
            lanes_match::<f32, 4>(&a, &b, &c)?;
            lanes_match::<f32, 8>(&a, &b, &c)?;
            lanes_match::<f32, 16>(&a, &b, &c)?;
            lanes_match::<f32, 32>(&a, &b, &c)?;
        }
    }

    #[test]
    fn exact_only_when_the_lanes_agree() {
        assert_eq!(
            Lanes::<f64, 3>::dyadic(3, -2).to_exact(),
            Some(<Exact as Scalar>::dyadic(3, -2))
        );
        assert_eq!(Lanes([1.0_f64, 2.0]).to_exact(), None);
        assert!(Lanes([1.0_f32, f32::NAN]).is_nan());
    }
}
