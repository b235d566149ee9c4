//! How a construction realises its values and its weights: the **wiring**.
//!
//! The constructions of [`super::direct`] and [`super::taylor`] are written
//! once, against the [`Wiring`] trait — which monomials to multiply, which
//! bumps to build, which coefficients to apply — and two wirings realise
//! them:
//!
//! - [`Strict`]: the strict codebook of SPEC §3. Values are carried as
//!   linear forms with coefficients ±1/2 and gated by ReLU units,
//!   coefficients are realised by Prop. 3's weight sub-networks (rounded to
//!   multiples of 2^−t), constants come from constant units, and the
//!   Taylor coefficients β are rounded as eq. 17 asks;
//! - [`Free`]: the unquantized reference networks of SPEC §4 item 9 — the
//!   same construction with free exact weights: a coefficient is one edge
//!   weight, a constant is a bias, and β is the exact Taylor coefficient.
//!
//! A wiring builds the gadgets — f_s^r (Prop. 1), ×′ (Prop. 2, eq. 7), the
//! bumps of eq. 12 — in its own way; [`crate::gadget`] and
//! [`super::taylor::bumps`] hold both realisations of each and the proof
//! that they compute the same function. So both wirings of one spec
//! compute the same function wherever the strict one realises its
//! coefficients exactly, and the a-priori bounds of [`crate::bound`] apply
//! to both; [`Wiring::realised`] tells a construction, before it builds,
//! which coefficient a term will get, so that bounds are computed once.

pub(crate) mod free;
pub(crate) mod strict;

#[cfg(test)]
mod tests;

pub(crate) use free::Free;
pub(crate) use strict::Strict;

use super::internal;
use crate::error::CoreError;
use crate::net::{Affine, Net};
use crate::rational::Rational;
use crate::spec::NetSpec;

/// How a signal was made, which fixes how a coefficient applied to it is
/// realised ([`Wiring::realised`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Made {
    /// an input
    Input,
    /// f_s^r of another signal
    Square,
    /// ×′ of two signals
    Product,
    /// a bump h (eq. 12)
    Bump,
    /// a materialised sum, a ReLU of one, or an absolute value (the
    /// expression targets of [`super::direct::expr`])
    Gated,
}

/// One way of realising the values and weights of a construction (module
/// docs). A wiring owns the [`NetBuilder`](crate::net::NetBuilder) of the network it makes: a
/// construction asks it for inputs, squares, products, bumps and
/// coefficients, and finally for the network.
pub(crate) trait Wiring: Sized {
    /// A value of the network under construction.
    type Signal;

    /// Whether weights are free: the size model ([`super::direct`]'s and
    /// [`super::taylor`]'s estimates) and the search for `t` (which a free
    /// network does not have) depend on it.
    const FREE: bool;

    /// The wiring of a network for the resolved `spec` (its inputs, and its
    /// codebook from quantization, λ and the weight precision `t`).
    ///
    /// # Errors
    /// A codebook that cannot be made (λ and `t` out of range).
    fn new(spec: &NetSpec, t: u32) -> Result<Self, CoreError>;

    /// Input `i`; `nonneg` when its domain is `[0, 1]`.
    fn input(&mut self, i: usize, nonneg: bool) -> Self::Signal;

    /// `f_s^r(|s|)` (Prop. 1), a signal `≥ 0`.
    ///
    /// # Errors
    /// Builder errors; `r` out of range.
    fn square(&mut self, s: &mut Self::Signal, r: u32) -> Result<Self::Signal, CoreError>;

    /// `×′(x, y)` (Prop. 2, eq. 7).
    ///
    /// # Errors
    /// Builder errors; `r` out of range.
    fn product(&mut self, x: &mut Self::Signal, y: &mut Self::Signal, r: u32) -> Outcome<Self>;

    /// The bump `h(3N·x_i − 3m)` (eq. 12) and the offset
    /// `u = (3N·x_i − 3m)/2`, for input `i` on `[0, 1]`, grid `N` and
    /// `0 ≤ m ≤ N`.
    ///
    /// # Errors
    /// `m > N`, `N = 0`; builder errors.
    fn bump(
        &mut self,
        i: usize,
        grid: u64,
        m: u64,
    ) -> Result<(Self::Signal, Self::Signal), CoreError>;

    /// The affine value `a` (built with [`add_term`](Self::add_term) and
    /// [`add_constant`](Self::add_constant)) as a signal of its own, made
    /// [`Made::Gated`]. With `nonneg` the signal is `max(a, 0)` (one gate).
    ///
    /// # Errors
    /// Builder errors (a constant or weight outside the codebook).
    fn affine(&mut self, a: &Affine, nonneg: bool) -> Outcome<Self>;

    /// `|s|` as a signal (made [`Made::Gated`], `≥ 0`).
    ///
    /// # Errors
    /// Builder errors.
    fn abs(&mut self, s: &mut Self::Signal) -> Outcome<Self>;

    /// Adds `c·s` to the output `out` and returns the coefficient realised
    /// (what [`realised`](Self::realised) promised). With `reuse`, a
    /// coefficient the wiring can apply by reading the signal's own form
    /// may do so (the strict wiring, for a multiplier of 1).
    ///
    /// # Errors
    /// Builder errors; a coefficient beyond what the wiring can realise.
    fn add_term(
        &mut self,
        out: &mut Affine,
        s: &mut Self::Signal,
        c: &Rational,
        reuse: bool,
    ) -> Result<Rational, CoreError>;

    /// Adds the constant `c` to the output and returns the constant
    /// realised ([`realised_constant`](Self::realised_constant)).
    /// `spec` names the target in errors.
    ///
    /// # Errors
    /// Builder errors; a constant beyond what the wiring can realise.
    fn add_constant(
        &mut self,
        out: &mut Affine,
        c: &Rational,
        spec: &NetSpec,
    ) -> Result<Rational, CoreError>;

    /// The network, with the output `out` (its constant is the output
    /// bias).
    ///
    /// # Errors
    /// Builder errors.
    fn finish(self, out: &Affine) -> Result<Net, CoreError>;

    /// The coefficient [`add_term`](Self::add_term) realises for `c` on a
    /// signal made as `made`, at precision `t` — without building.
    fn realised(c: &Rational, made: Made, t: u32) -> Rational;

    /// The constant [`add_constant`](Self::add_constant) realises for `c`
    /// at precision `t`.
    fn realised_constant(c: &Rational, t: u32) -> Rational;
}

/// A new signal, or why it could not be built.
pub(crate) type Outcome<W> = Result<<W as Wiring>::Signal, CoreError>;

/// Two distinct elements of `v`, mutably (the two factors of a product).
///
/// # Errors
/// `i == j` or an index out of range: an internal error, never user input.
pub(crate) fn pair_mut<T>(v: &mut [T], i: usize, j: usize) -> Result<(&mut T, &mut T), CoreError> {
    if i == j || i.max(j) >= v.len() {
        return Err(internal("a product of a signal with itself"));
    }
    if i < j {
        let (lo, hi) = v.split_at_mut(j);
        Ok((&mut lo[i], &mut hi[0]))
    } else {
        let (lo, hi) = v.split_at_mut(i);
        Ok((&mut hi[0], &mut lo[j]))
    }
}
