//! The partition of unity of Theorem 1 (eqs. 11–13): the bumps
//! `h(3Nx − 3m)` and the offsets `(3Nx − 3m)/2`, in both wirings — the
//! strict one ([`Bumps`], blocks B_N, B_abs, B_s and B_h of Table 1) and
//! free weights ([`free_bump`]).
//!
//! # Strict codebook (blocks B_N, B_abs, B_s, B_h)
//!
//! For an input `x ∈ [0, 1]`, a grid `N` and `m ∈ {0, …, N}`, with
//! `z = 3Nx − 3m`:
//!
//! ```text
//! h(z) = 1 − σ(|z| − 1) + σ(|z| − 2)        (eq. 12, for the even h)
//! ```
//!
//! Everything is exact — no offset `m/N` is ever rounded, because the
//! network computes `3Nx − 3m` (an integer multiple of `x` minus an
//! integer), not `3N(x − m/N)`:
//!
//! - **B_s** (scale by 3N): `z/2 = 3N·(x/2) − 3m·(1/2)` as a form with
//!   coefficients ±1/2, from the power chain of the gate `σ(½x) = x/2`
//!   (integer multiple 3N: copies, or the doubling ladder of Prop. 3's
//!   chain for large N) and from the shared constant chain of `σ(½)`
//!   (the multiple 3m; block B_N of Table 1). The chains are shared by every
//!   `m`, so only the reads differ between bumps.
//! - **B_abs**: `|z|/2 = ½(P_0 + P_1 + N_0 + N_1)` from two copies of each
//!   gate `σ(±z/2)` (the signal machinery shared with `structure = direct`).
//! - **B_h**: `H_1 = σ(|z|/2 − ½) = ½σ(|z| − 1)` and
//!   `H_2 = σ(|z|/2 − ½ − ½·U) = ½σ(|z| − 2)` with `U = σ(½ + ½A + ½B) = 1`
//!   built once from two units `A = B = σ(½)`; two copies of each, so that
//!   `h/2 = ½U − ½(H_1 + H_1′) + ½(H_2 + H_2′)` is a form with coefficients
//!   ±1/2 (a signal of exponent 1, nonnegative).
//!
//! Since consecutive `z`'s differ by 3, on [0, 1] at most two bumps are
//! nonzero and they sum to 1: `Σ_m h(3Nx − 3m) = 1` (eq. 13), exactly in
//! the network too. In d dimensions `ψ_m = Π_k h(3Nx_k − 3m_k)` (eq. 11)
//! and `Σ_m ψ_m = Π_k Σ_{m_k} h(·) = 1`.
//!
//!
//! # Free weights
//!
//! `z = 3Nx − 3m` is one weight and one bias, `P = σ(z)`, `N = σ(−z)`
//! (block `abs`), `H_1 = σ(P + N − 1)`, `H_2 = σ(P + N − 2)` (block `h`),
//! `h = 1 − H_1 + H_2`; the offset `u = z/2` is read as `(P − N)/2`, its
//! magnitude as `(P + N)/2`. The same function as the strict bump.

use num_traits::{One, Zero};

use crate::construct::internal;
use crate::construct::wiring::free::{FreeSignal, Gates};
use crate::construct::wiring::strict::StrictSignal;
use crate::error::{CoreError, Subject};
use crate::gadget::weight::{self, PowerChain, Sign};
use crate::net::{Affine, LinearForm, Net, NetBuilder, Part, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};
use crate::spec::Param;

/// Refuses a bump outside the grid: `N = 0` or `m > N`.
fn check_bump(grid: u64, m: u64) -> Result<(), CoreError> {
    if grid == 0 || m > grid {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param(Param::Grid),
            message: format!("a bump needs 0 <= m <= N and N >= 1, found m = {m}, N = {grid}"),
        });
    }
    Ok(())
}

/// The shared parts of every bump of one network: the constant chain of
/// `σ(½)`, the unit `U = 1`, and the gate chain `σ(½x_i)` of each input.
pub(crate) struct Bumps {
    half: PowerChain,
    one: UnitId,
    /// per input: the gate chain of `σ(½x)` and the form `3N·x/2` (B_s)
    inputs: Vec<Option<(PowerChain, LinearForm)>>,
}

impl Bumps {
    /// Builds the constant units (block `const`, part B_N).
    pub(crate) fn new(b: &mut NetBuilder) -> Result<Self, CoreError> {
        let half = rational::ratio(1, 2);
        let (half, one) = b.in_constants(|b| {
            b.begin_block("const");
            let result = (|| {
                let mut chain =
                    PowerChain::build_root(b, "half", half.clone(), &[])?.copies_in("const");
                let a = chain.copy(b, 1)?;
                let c = chain.copy(b, 2)?;
                let one = b.relu("one", half.clone(), &[(a, half.clone()), (c, half.clone())])?;
                Ok((chain, one))
            })();
            b.end_block();
            result
        })?;
        Ok(Bumps {
            half,
            one,
            inputs: Vec::new(),
        })
    }

    /// `h(3N·x_i − 3m)` as a signal (module docs), for input `i` on [0, 1].
    ///
    /// # Errors
    /// `m > N`, `N = 0`; builder errors.
    pub(crate) fn bump(
        &mut self,
        b: &mut NetBuilder,
        i: usize,
        grid: u64,
        m: u64,
    ) -> Result<StrictSignal, CoreError> {
        Ok(self.bump_and_offset(b, i, grid, m)?.0)
    }

    /// The bump `h(z)` and the offset `u = z/2 = (3N·x_i − 3m)/2` (a signal
    /// of exponent 0, in (−1, 1) wherever the bump is positive), sharing
    /// the gates of `u`.
    ///
    /// # Errors
    /// As [`bump`](Self::bump).
    pub(crate) fn bump_and_offset(
        &mut self,
        b: &mut NetBuilder,
        i: usize,
        grid: u64,
        m: u64,
    ) -> Result<(StrictSignal, StrictSignal), CoreError> {
        check_bump(grid, m)?;
        let half = rational::ratio(1, 2);
        if self.inputs.len() <= i {
            self.inputs.resize_with(i + 1, || None);
        }
        let three = |k: u64| Rational::from_integer((3 * k).into());
        if self.inputs[i].is_none() {
            // B_s, once per input: the gate σ(½x) and its multiple 3N·x/2
            let scaled = b.in_part(Part::Scale, |b| {
                b.begin_block("scale");
                let chain =
                    PowerChain::build_root(b, "x", Rational::zero(), &[(b.input(i), half.clone())]);
                b.end_block();
                let mut chain = chain?.copies_in("scale");
                let form = weight::times(b, &mut chain, &three(grid), Sign::Plus)?;
                Ok((chain, form))
            })?;
            self.inputs[i] = Some(scaled);
        }
        let (_, scaled) = self.inputs[i]
            .as_ref()
            .ok_or_else(|| internal("input chain"))?;
        // B_s and B_N: z/2 = 3N·(x/2) − 3m·(1/2)
        let mut z = scaled.clone();
        if m > 0 {
            let half_chain = &mut self.half;
            let offset =
                b.in_constants(|b| weight::times(b, half_chain, &three(m), Sign::Minus))?;
            z.add(&offset, false);
        }
        // B_abs: |z|/2 = |u|
        let mut u = StrictSignal::new(z, 0, false);
        let abs_half = u.abs(b)?;
        // B_h: H_1 = ½σ(|z| − 1), H_2 = ½σ(|z| − 2), two copies each
        b.begin_part(Part::Bump);
        b.begin_block("h");
        let result = (|| {
            let mut h2_edges = abs_half.terms.clone();
            h2_edges.push((self.one, -&half));
            let mut form = LinearForm::default();
            form.push(self.one, half.clone());
            for copy in ["a", "b"] {
                let h1 = b.relu(&format!("h1{copy}"), -&half, &abs_half.terms)?;
                form.push(h1, -&half);
            }
            for copy in ["a", "b"] {
                let h2 = b.relu(&format!("h2{copy}"), -&half, &h2_edges)?;
                form.push(h2, half.clone());
            }
            Ok(form)
        })();
        b.end_block();
        b.end_block();
        // h/2 = ½U − ½(H_1 + H_1′) + ½(H_2 + H_2′): exponent 1, h ≥ 0
        Ok((StrictSignal::new(result?, 1, true), u))
    }
}

/// The bump `h(3N·x_i − 3m)` (eq. 12) and the offset `u = (3N·x_i − 3m)/2`
/// sharing its gates (module docs, *Free weights*).
pub(crate) fn free_bump(
    b: &mut NetBuilder,
    i: usize,
    grid: u64,
    m: u64,
) -> Result<(FreeSignal, FreeSignal), CoreError> {
    check_bump(grid, m)?;
    let int = |k: u64| Rational::from_integer(k.into());
    let z = Affine {
        form: LinearForm {
            terms: vec![(b.input(i), int(3 * grid))],
        },
        constant: -int(3 * m),
    };
    let mut offset = FreeSignal::new(z.scaled(&rational::ratio(1, 2)), false);
    let mut zs = FreeSignal::new(z, false);
    let gates = zs.gates(b)?;
    let abs = FreeSignal::gate_form(gates, false);
    offset.gates = Some(Gates {
        p: gates.p,
        n: gates.n,
        scale: rational::ratio(1, 2),
    });
    // eq. 12: h(z) = 1 − σ(|z| − 1) + σ(|z| − 2)
    b.begin_block("h");
    let units = (|| {
        let h1 = b.relu("h1", &abs.constant - Rational::one(), &abs.form.terms)?;
        let h2 = b.relu("h2", &abs.constant - rational::int(2), &abs.form.terms)?;
        Ok::<_, CoreError>((h1, h2))
    })();
    b.end_block();
    let (h1, h2) = units?;
    let mut h = Affine::constant(Rational::one());
    h.form.push(h1, -Rational::one());
    h.form.push(h2, Rational::one());
    Ok((FreeSignal::new(h, true), offset))
}

/// A one-input network whose output is `Σ_{m=0..N} h(3Nx − 3m)` — eq. 13's
/// partition of unity, equal to 1 on [0, 1] — with each bump read through
/// its gate (weight 1 = two halves of the gate `σ(h/2)·2`). For tests and
/// the tour.
///
/// # Errors
/// `N = 0`; builder errors.
pub fn partition_of_unity(grid: u64, codebook: Codebook) -> Result<Net, CoreError> {
    let mut b = NetBuilder::new(codebook, &["x".to_owned()]);
    let mut bumps = Bumps::new(&mut b)?;
    let mut out = LinearForm::default();
    let two = Rational::from_integer(2.into());
    for m in 0..=grid {
        let mut h = bumps.bump(&mut b, 0, grid, m)?;
        let chain = h.gate(&mut b, false)?;
        out.add(&weight::times(&mut b, chain, &two, Sign::Plus)?, false);
    }
    b.finish(Rational::zero(), &out)
}

/// One bump alone, `h(3Nx − 3m)`, as a one-input network (for tests).
///
/// # Errors
/// As [`partition_of_unity`], and `m > N`.
pub fn bump_network(grid: u64, m: u64, codebook: Codebook) -> Result<Net, CoreError> {
    let mut b = NetBuilder::new(codebook, &["x".to_owned()]);
    let mut bumps = Bumps::new(&mut b)?;
    let mut h = bumps.bump(&mut b, 0, grid, m)?;
    let chain = h.gate(&mut b, false)?;
    let two = Rational::from_integer(2.into());
    let out = weight::times(&mut b, chain, &two, Sign::Plus)?;
    b.finish(Rational::zero(), &out)
}
