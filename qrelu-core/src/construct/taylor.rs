//! `structure = taylor`: the function-independent network of Theorem 1
//! (Section 4.3, eqs. 11–30) — **in progress**: the partition of unity is
//! built and tested here; the Taylor terms, their products (eq. 22) and the
//! bound (eqs. 18, 24, 25) are not wired into [`super::build`] yet, which
//! still refuses `structure = taylor`.
//!
//! # The bumps h(3Nx − 3m) (eqs. 11–12, blocks B_N, B_abs, B_s, B_h)
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
//!   gate `σ(±z/2)` (the signal machinery of [`super::signal`]).
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

use num_traits::Zero;

use super::signal::Signal;
use crate::error::{CoreError, Subject};
use crate::gadget::weight::{self, PowerChain, Sign};
use crate::net::{LinearForm, Net, NetBuilder, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// The shared parts of every bump of one network: the constant chain of
/// `σ(½)`, the unit `U = 1`, and the gate chain `σ(½x_i)` of each input.
pub(crate) struct Bumps {
    half: PowerChain,
    one: UnitId,
    inputs: Vec<Option<PowerChain>>,
}

impl Bumps {
    /// Builds the constant units (block `const`).
    pub(crate) fn new(b: &mut NetBuilder) -> Result<Self, CoreError> {
        let half = rational::ratio(1, 2);
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
        let (half, one) = result?;
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
    ) -> Result<Signal, CoreError> {
        if grid == 0 || m > grid {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param("N"),
                message: format!("a bump needs 0 <= m <= N and N >= 1, found m = {m}, N = {grid}"),
            });
        }
        let half = rational::ratio(1, 2);
        if self.inputs.len() <= i {
            self.inputs.resize_with(i + 1, || None);
        }
        if self.inputs[i].is_none() {
            b.begin_block("scale");
            let chain =
                PowerChain::build_root(b, "x", Rational::zero(), &[(b.input(i), half.clone())]);
            b.end_block();
            self.inputs[i] = Some(chain?.copies_in("scale"));
        }
        let chain = self.inputs[i]
            .as_mut()
            .ok_or_else(|| super::internal("input chain"))?;
        // B_s and B_N: z/2 = 3N·(x/2) − 3m·(1/2)
        let three = |k: u64| Rational::from_integer((3 * k).into());
        let mut z = weight::times(b, chain, &three(grid), Sign::Plus)?;
        if m > 0 {
            z.add(
                &weight::times(b, &mut self.half, &three(m), Sign::Minus)?,
                false,
            );
        }
        // B_abs: |z|/2
        let abs_half = Signal::new(z, 1, false).half_abs(b)?;
        // B_h: H_1 = ½σ(|z| − 1), H_2 = ½σ(|z| − 2), two copies each
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
        // h/2 = ½U − ½(H_1 + H_1′) + ½(H_2 + H_2′): exponent 1, h ≥ 0
        Ok(Signal::new(result?, 1, true))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::eval;
    use crate::rational::{int, ratio};
    use num_traits::{One, Signed};

    /// eq. 12, exactly.
    fn h(z: &Rational) -> Rational {
        let a = z.abs();
        if a <= int(1) {
            int(1)
        } else if a < int(2) {
            int(2) - a
        } else {
            Rational::zero()
        }
    }

    fn points() -> Vec<Rational> {
        // dyadic, thirds, sevenths and the grid points themselves
        let mut p: Vec<Rational> = (0..=64).map(|k| ratio(k, 64)).collect();
        p.extend((0..=21).map(|k| ratio(k, 21)));
        p.extend((0..=9).map(|k| ratio(2 * k + 1, 19)));
        p
    }

    #[test]
    fn each_bump_is_h_exactly() {
        for grid in [1u64, 2, 3, 5, 8, 13] {
            for m in 0..=grid {
                let net = bump_network(grid, m, Codebook::nonlinear(2, 8).unwrap()).unwrap();
                for x in points() {
                    let z = Rational::from_integer((3 * grid).into()) * &x
                        - Rational::from_integer((3 * m).into());
                    assert_eq!(
                        eval(&net, std::slice::from_ref(&x)),
                        h(&z),
                        "N={grid} m={m} x={x}"
                    );
                }
            }
        }
    }

    #[test]
    fn bumps_sum_to_one_exactly_eq_13() {
        for grid in [1u64, 2, 4, 7, 10, 33] {
            for lambda in [2, 3] {
                let net =
                    partition_of_unity(grid, Codebook::nonlinear(lambda, 8).unwrap()).unwrap();
                for x in points() {
                    assert!(
                        eval(&net, std::slice::from_ref(&x)).is_one(),
                        "N={grid} x={x}"
                    );
                }
                // and only on [0, 1]: past 1 the last bump falls off (below 0
                // the gate σ(½x) clamps x to 0, outside the domain anyway)
                assert!(eval(&net, &[int(2)]).is_zero());
                assert!(eval(&net, &[-int(1)]).is_one());
                assert!(net.parameters().all(|(what, v)| {
                    net.codebook.contains(v) || (what == "bias" && v.is_zero())
                }));
            }
        }
    }
}
