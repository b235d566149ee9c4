//! Sizes of Prop. 3's weight sub-network: ours exactly, without building
//! ([`size`]), the worst cases ([`depth`], [`weights`], [`units`]) and the
//! paper's explicit counts beside them (module docs of [`super`], *Size*).

use std::collections::BTreeSet;

use num_traits::Zero;

use crate::error::CoreError;
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

use super::chain::{exponents, greedy_length, greedy_step, radix_exponents};
use super::{check_weight, round_to, split};

/// Exact size of one [`network`](super::network).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// level of the output unit (as in [`metrics`](crate::metrics))
    pub depth: usize,
    /// number of edges, output edges included
    pub weights: u64,
    /// number of hidden units
    pub units: u64,
}

/// The exact size of `network(w, t, codebook)` without building it (module
/// docs, *Size*): `units = 2(max(1, 2n + [1∈D]) + |T|)`,
/// `weights = units + 2(2n + |D|)`, `depth = 2 + max s(k − 1)`; zero units
/// and weights and depth 1 for `w' = 0`.
///
/// # Errors
/// As [`network`](super::network).
pub fn size(w: &Rational, t: u32, codebook: &Codebook) -> Result<Size, CoreError> {
    check_weight(w, t)?;
    let w2 = round_to(w, t);
    if w2.is_zero() {
        return Ok(Size {
            depth: 1,
            weights: 0,
            units: 0,
        });
    }
    let (n, digits) = split(&(rational::abs(&w2) * rational::int(2)))?;
    let exps = exponents(codebook);
    let mut trie = BTreeSet::new();
    let mut longest = 0;
    for &k in digits.iter().filter(|&&k| k >= 2) {
        longest = longest.max(greedy_length(&exps, k - 1));
        let mut cur = k - 1;
        while cur > 0 && trie.insert(cur) {
            cur -= greedy_step(&exps, cur)?;
        }
    }
    let first = u64::from(digits.first() == Some(&1));
    let copies = (2 * n + first).max(1);
    let units = 2 * (copies + trie.len() as u64);
    Ok(Size {
        depth: 2 + longest as usize,
        weights: units + 2 * (2 * n + digits.len() as u64),
        units,
    })
}

/// Our worst-case depth over all `w` for the nonlinear codebook of `λ`
/// values and radix `b`: `2 + max_{1≤j≤t−2} s(j)` (2 for `t ≤ 2`), at most
/// `(λ−1)(b−1) + 1` when `b^(λ−1) ≥ t` (module docs).
pub fn depth(lambda: u32, base: u64, t: u32) -> usize {
    let top = u64::from(t.saturating_sub(2));
    let exps = radix_exponents(lambda, base, top.max(1));
    2 + (1..=top)
        .map(|j| greedy_length(&exps, j))
        .max()
        .unwrap_or(0) as usize
}

/// Our worst-case depth over all `w` for any codebook (it holds ±1/2):
/// `2 + max_{1≤j≤t−2} s(j)` with `s` the greedy chain length over the
/// codebook's halving exponents (the `e` of its values `2^−e`). Equals
/// [`depth`] for a nonlinear codebook and [`linear_depth`] for a linear one.
pub fn depth_in(codebook: &Codebook, t: u32) -> usize {
    let top = u64::from(t.saturating_sub(2));
    let exps = exponents(codebook);
    2 + (1..=top)
        .map(|j| greedy_length(&exps, j))
        .max()
        .unwrap_or(0) as usize
}

/// Our worst-case depth for the linear codebook `L_λ` (module docs, *Linear
/// quantization*): `2 + ⌈(t − 2)/B⌉` with `B = max(1, v₂(λ − 1))` (2 for
/// `t ≤ 2`) — the trie steps by `2^−e`, `e ≤ B`.
pub fn linear_depth(lambda: u32, t: u32) -> usize {
    let big_b = lambda.saturating_sub(1).trailing_zeros().clamp(1, 31);
    2 + t.saturating_sub(2).div_ceil(big_b) as usize
}

/// Section 4.4's depth of the linear weight sub-network, `t/log2 λ + 1`.
pub fn paper_linear_depth(lambda: u32, t: u32) -> f64 {
    f64::from(t) / f64::from(lambda).log2() + 1.0
}

/// Our worst-case weights over all `w`: `max(4t + 4, 16)`, whatever λ and
/// `b` (module docs).
pub fn weights(t: u32) -> u64 {
    (4 * u64::from(t) + 4).max(16)
}

/// Our worst-case hidden units over all `w`: `max(2t + 2, 8)`.
pub fn units(t: u32) -> u64 {
    (2 * u64::from(t) + 2).max(8)
}

/// The paper's layer count from the proof of Prop. 3, `λ(b − 1) + 1`, with
/// the integer radix `b` in place of `t^(1/(λ−1))`.
pub fn paper_depth(lambda: u32, base: u64) -> u64 {
    u64::from(lambda) * (base - 1) + 1
}

/// The paper's weight count from the proof of Prop. 3,
/// `4tλ(b − 1) + 8t + 4`, with the integer radix `b`.
pub fn paper_weights(t: u32, lambda: u32, base: u64) -> u64 {
    let t = u64::from(t);
    4 * t * u64::from(lambda) * (base - 1) + 8 * t + 4
}
