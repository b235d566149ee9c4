//! The weight sub-network of Proposition 3 (eqs. 9–10) in the strict
//! codebook: a connection of any weight `w ∈ [−1, 1]` becomes a sub-network
//! whose weights are codebook values only and which is *exactly* a
//! connection of weight `w' = round_to(w, t)`, `|w' − w| ≤ 2^−(t+1)`.
//!
//! # Construction
//!
//! The nonlinear codebook (eq. 9) is `{−1/2} ∪ W`,
//! `W = {2^−1, 2^−b, 2^−b², …, 2^−b^(λ−2)}`. The paper first builds every
//! `2^−i` of `W_c = {2^−1, …, 2^−(t−1)}` (eq. 10) as a product of elements of
//! `W` — the radix-`b` digits of `i` say how often each is used — and then
//! every multiple of `2^−t` as a binary expansion over `W_c`, read with ½.
//!
//! **The trie (`PowerChain`).** For a unit `root ≥ 0` of value `x` we
//! build the units `node(k) = 2^−k·x` lazily as a trie:
//!
//! ```text
//! node(0) = root,   node(k) = σ(2^−c · node(k − c)),   c = max{e ∈ E : e ≤ k}
//! E = {1, b, b², …, b^(λ−2)}   (the exponents of the positive values of eq. 9)
//! ```
//!
//! `node(k)` sits `s(k)` levels above the root, one unit and one weight per
//! node, where `s(k)` ([`chain_length`]) is the number of greedy steps: the
//! radix-`b` digit sum of `k mod b^(λ−2)` plus `⌊k / b^(λ−2)⌋` (the top
//! exponent may repeat). Since every element of `E` divides the next, greedy
//! is optimal: no product of codebook values reaches `2^−k` with fewer
//! factors. The trie is shared, as SPEC §9 asks after the paper's Fig. 2
//! (whose drawing our copy of the text lacks; its caption says the
//! connections of all blocks `B_f_mn` are the same): every weight applied to
//! the same signal reads the same trie, each node built once, so a further
//! weight costs only its output terms and the nodes of its paths that are
//! still missing. The constant 1 is one such signal: the constant term of a
//! polynomial is a weight applied to it.
//!
//! **Copies.** An integer part needs several units of value `x` (weight 1 is
//! two edges ½ from two such units: the builder forbids two edges between the
//! same pair of units). Copy 0 is the root; further copies follow the
//! `CopyRecipe`: a root `σ(bias + Σ w·src)` with at most two edges is
//! rebuilt (≤ 2 weights, same level as the root); with more edges, copy 1 is
//! rebuilt and copies 2, 3, … are **relays** `σ(½·root + ½·copy1)` (2 weights,
//! one level deeper), so that a wide root is paid for once more, not once per
//! copy.
//!
//! **Large integer parts: the doubling ladder.** For `n ≥`
//! `LADDER_FROM` (4), `2n` copies would cost `O(n)`; instead level `j` of a
//! ladder holds units of value `2^j·x`, each `σ(½(u_1 + u_2 + u_3 + u_4))`
//! over four units of level `j − 1` (level 0: copies of the root) — weight 2
//! as the fan-in of four halves, so 16 weights per level (8 for the top),
//! and `n·x` reads `½ + ½` of two units of level `j` for each binary digit
//! `j` of `n`: `O(log n)` weights and depth, shared by every multiple taken
//! on the chain.
//!
//! **A multiple (`times`).** For `m = n + Σ_{k∈D} 2^−k ≥ 0` (`n` integer,
//! `D` the positions of the binary digits 1 of the fraction), for
//! `n <` `LADDER_FROM` (4):
//!
//! ```text
//! ±m·x = Σ_{i<2n} ±½·copy_i  +  [1 ∈ D] ±½·copy_{2n}  +  Σ_{k∈D, k≥2} ±½·node(k − 1)
//! ```
//!
//! — `2n + |D|` terms, all ±½ (the output ½ is the "additional 2^−1" of the
//! proof, so the trie only has to reach `2^−(t−2)`).
//!
//! **The network ([`network`]).** The input `x` has any sign. The gate trick
//! of the proof: `P = σ(½x) = x⁺/2` and `N = σ(−½x) = x⁻/2` are the roots of
//! two tries, `x = 2(P − N)`, and
//!
//! ```text
//! w'·x = times(P, 2|w'|, sign w') + times(N, 2|w'|, −sign w')
//! ```
//!
//! The gate's ½ is the first factor of every chain, which is why `m = 2|w'|`:
//! `n ≤ 1` for `|w'| < 1` and `D ⊆ {1, …, t − 1}`. `w' = 0` is the empty
//! network (no unit, output 0), as in the proof.
//!
//! # Size (derived; checked by tests against [`metrics`](crate::metrics))
//!
//! For `w' ≠ 0`, `m = 2|w'| = n + Σ_{k∈D} 2^−k` and `T` the trie nodes (the
//! union of the greedy paths of `k − 1`, `k ∈ D`, `k ≥ 2`), each of the two
//! halves has `max(1, 2n + [1 ∈ D])` copies (root included; every copy is a
//! one-edge rebuild `σ(±½x)`) and `|T|` nodes, so ([`size`]):
//!
//! ```text
//! units   = 2(max(1, 2n + [1∈D]) + |T|)
//! weights = units + 2(2n + |D|)
//! depth   = 2 + max{ s(k − 1) : k ∈ D, k ≥ 2 }   (2 if there is none)
//! ```
//!
//! The worst case is `|w'| = 1 − 2^−t` (every digit 1: `n = 1`,
//! `D = {1..t−1}`, `T = {1..t−2}`): it has the most units, weights and
//! depth, except that for `t ≤ 2` the weight `|w'| = 1` (`n = 2`, `D = ∅`:
//! four copies per half, the proof's "w = 1 … by 4 units with weight ½",
//! doubled for the sign of `x`) has more units and weights:
//!
//! | measure | ours, worst case | the paper (proof of Prop. 3) |
//! | --- | --- | --- |
//! | depth | `2 + max_{1≤j≤t−2} s(j)` ≤ `(λ−1)(b−1) + 1` ([`depth`]) | `λ(b−1) + 1` ([`paper_depth`]) |
//! | weights | `max(4t + 4, 16)` ([`weights`]) | `4tλ(b−1) + 8t + 4` ([`paper_weights`]) |
//! | units | `max(2t + 2, 8)` ([`units`]) | — |
//!
//! Our weights do not depend on λ: the trie of one signal holds each of the
//! `t − 2` powers once, one weight each, whatever the radix, where the
//! paper's count (`4t` chains of `λ(b−1)` weights) shares nothing. Our depth
//! is at most the paper's minus `b − 1`: a `j ≤ t − 2 ≤ b^(λ−1) − 2` has
//! `λ − 1` radix-`b` digits, not `λ`, and they are not all `b − 1`; the
//! bound `(λ−1)(b−1) + 1` is attained for λ = 2 (`b = t`, depth `t`).
//!
//! # Linear quantization (Section 4.4)
//!
//! The linear codebook `L_λ` (see [`Codebook::linear`]) holds ±1/2 and the
//! powers `2^−e` for `e ≤ B = max(1, v₂(λ − 1))`, so the same network is
//! built with `E = {1, …, B}`: the greedy trie steps by up to `2^−B`,
//! `s(k) = ⌈k/B⌉`, and the worst-case depth is
//! [`linear_depth`] `= 2 + ⌈(t − 2)/B⌉` — §4.4's "depth `t/log λ + 1`"
//! with `log(λ − 1)` in place of `log λ` when λ − 1 is a power of two
//! (odd λ spends one of its values on 0), and the gate level on top. The
//! weights are the same `max(4t + 4, 16)` worst case as for the nonlinear
//! codebook (one trie node per power, whatever the step), and the width is
//! at most `B + 2` per signal where §4.4 says `t`. Values of `L_λ` that are
//! not powers of two (±1/6 for λ = 4) are never used: a weight realised
//! exactly is a dyadic rational, and no product of them is one.
//!
//! # The range claim of the proof, checked
//!
//! The proof assumes `r = t^(1/(λ−1))` is an integer; the codebook takes
//! `b = max(2, ⌈r⌉)`. The test `range_claim_of_the_proof` computes, for
//! λ ∈ {2..6} and t ∈ 1..=40, the greedy representation of every exponent
//! `k = 1..t`:
//!
//! - every `k ≤ t − 1` (all of `W_c`, eq. 10) is reached with each element
//!   of `W` used at most `b − 1` times and `s(k) ≤ (λ−1)(b−1)` factors —
//!   the claim holds with the integer radix `b`;
//! - `k = t` itself breaks the digit bound exactly when `t = b^(λ−1)` (then
//!   `t` needs the top value `b` times; e.g. λ = 2 for every t ≥ 2, λ = 3,
//!   t = 4, 9, 16, 25, 36). The proof never needs `2^−t` as a product: the
//!   last layer's ½ supplies it, and we need products only up to `2^−(t−2)`;
//! - with the real radix `r`, the literal bound "no greater than `r − 1`
//!   times" fails for some `k ≤ t − 1` exactly when `r` is not an integer
//!   (t ≥ 2): then `b − 1 > r − 1` and `k = b − 1 < t` uses 2^−1 `b − 1`
//!   times (e.g. λ = 3, t = 10: `k = 3`, `3 > √10 − 1`). That is the proof's
//!   "without loss of generality" at work; with `b` in place of `r` every
//!   bound of the proof holds, and that is what we compare to;
//! - the layer bound `λ(r − 1) + 1` with the real `r` is *below* our depth
//!   at t = 1 for every λ (the bound is 1; a weight ±½ on an input of any
//!   sign needs the gate, depth 2) and at 43 pairs with λ ≥ 4, t ≥ 2 (e.g.
//!   λ = 4, t = 10: ours 6 > 5.62; λ = 6, t = 33..40: ours 8 > 7.55). There
//!   the ceiling radix costs depth: for λ = 6, t = 40 the radix 2 (values
//!   down to 2^−16, the top one repeated) would give depth 7, `b = 3` gives 8;
//! - the range "from 2^−t to 1 − 2^−t" leaves out 0 and ±1, which rounding
//!   produces (for `w ∈ (1 − 2^−(t+1), 1]` and at the tie `1 − 2^−(t+1)`):
//!   `w' = 0` is the empty network, `w' = ±1` the integer part `n = 2`.

mod chain;
mod size;

#[cfg(test)]
mod tests;

pub use chain::chain_length;
pub(crate) use chain::{CopyRecipe, PowerChain};
pub use size::{
    Size, depth, depth_in, linear_depth, paper_depth, paper_linear_depth, paper_weights, size,
    units, weights,
};

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::error::{CoreError, Subject};
use crate::net::{LinearForm, Net, NetBuilder};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// Largest integer part `n` `times` builds (a ladder of 62 doublings).
pub(crate) const MAX_MULTIPLE: u64 = 1 << 62;

/// Integer parts `n` from this value up are built by the doubling ladder
/// (module docs); below it by `2n` copies of the root.
pub(crate) const LADDER_FROM: u64 = 4;

/// Largest `k` of a trie node `node(k) = 2^−k·x`; `times` accepts
/// fractions with denominators up to `2^(MAX_SHIFT + 1)`.
pub(crate) const MAX_SHIFT: u64 = 1 << 16;

/// Largest precision `t` [`network`] and [`size`] accept.
pub(crate) const MAX_T: u32 = 1 << 16;

/// The sign of a multiple built by `times`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sign {
    /// `+m·x`: terms with coefficient ½
    Plus,
    /// `−m·x`: terms with coefficient −½
    Minus,
}

impl Sign {
    /// `Minus` for a negative `q`, `Plus` otherwise.
    pub fn of(q: &Rational) -> Sign {
        if q.is_negative() {
            Sign::Minus
        } else {
            Sign::Plus
        }
    }

    /// The coefficient of every term: ±½.
    fn half(self) -> Rational {
        match self {
            Sign::Plus => rational::ratio(1, 2),
            Sign::Minus => rational::ratio(-1, 2),
        }
    }
}

impl std::ops::Neg for Sign {
    type Output = Sign;

    fn neg(self) -> Sign {
        match self {
            Sign::Plus => Sign::Minus,
            Sign::Minus => Sign::Plus,
        }
    }
}

/// The integer part `n` and the positions `D` (ascending) of the binary
/// digits 1 of the fraction of a dyadic `m ≥ 0`.
pub(super) fn split(m: &Rational) -> Result<(u64, Vec<u64>), CoreError> {
    let refuse = |message: String| CoreError::InvalidParameter {
        subject: Subject::Net,
        message,
    };
    if m.is_negative() || !rational::is_dyadic(m) {
        return Err(refuse(format!(
            "a weight multiple must be a dyadic rational >= 0, found {}",
            rational::display(m)
        )));
    }
    let n_big: BigInt = rational::floor(m);
    let n = n_big
        .to_u64()
        .filter(|&n| n <= MAX_MULTIPLE)
        .ok_or_else(|| {
            refuse(format!(
                "a weight multiple of integer part {n_big} needs too many copies; \
                 at most {MAX_MULTIPLE} is built"
            ))
        })?;
    let frac = m - Rational::from_integer(n_big);
    let mut digits = Vec::new();
    if !frac.is_zero() {
        // frac = a / 2^K with a odd; digit k is bit K − k of a
        let big_k = frac.denom().bits() - 1;
        if big_k > MAX_SHIFT + 1 {
            return Err(refuse(format!(
                "a weight multiple with denominator 2^{big_k} is too fine; \
                 at most 2^{} is built",
                MAX_SHIFT + 1
            )));
        }
        let a = frac.numer().magnitude().clone();
        for k in 1..=big_k {
            if a.bit(big_k - k) {
                digits.push(k);
            }
        }
    }
    Ok((n, digits))
}

/// A linear form worth exactly `±m·x` (the sign is `sign`) for the chain's
/// root value `x ≥ 0` and a dyadic `m ≥ 0` (module docs, *A multiple*): `2n` copies for the
/// integer part `n`, then `±½·copy_{2n}` for the digit 2^−1 and
/// `±½·node(k − 1)` for each further digit 2^−k. Every coefficient is ±½;
/// `m = 0` gives the empty form.
///
/// Builds only what the chain lacks: the copies beyond those that exist
/// (`2n + [1 ∈ D]` in all, each new one `|edges|` weights if rebuilt, 2 if a
/// relay) and the trie nodes missing on the digits' paths (one unit and one
/// weight each). The form's units sit at most `max s(k − 1)` levels above
/// the root, or one level above it for a relay copy. Two forms of the same
/// chain may share units, so a consumer must not read both: add the
/// multiples first.
///
/// # Errors
/// `m` negative or not dyadic, an integer part above [`MAX_MULTIPLE`], a
/// denominator above `2^(MAX_SHIFT + 1)`; builder errors.
pub(crate) fn times(
    b: &mut NetBuilder,
    chain: &mut PowerChain,
    m: &Rational,
    sign: Sign,
) -> Result<LinearForm, CoreError> {
    let (n, digits) = split(m)?;
    let half = sign.half();
    let first = digits.first() == Some(&1);
    let mut form = LinearForm::default();
    // the first copy of the root no integer term reads
    let free_copy = if n < LADDER_FROM {
        // n·x = Σ_{i<2n} ½·copy_i: weight 1 as fan-in of two halves
        let n = n as usize;
        chain.ensure_copies(b, 2 * n + usize::from(first))?;
        for &c in &chain.copies[..2 * n] {
            form.push(c, half.clone());
        }
        2 * n
    } else {
        // n·x = Σ_{bits j of n} 2^j·x, each ½ + ½ of two units of level j
        let top = (63 - n.leading_zeros()) as usize;
        for j in 0..=top {
            let feeds_next = j < top;
            chain.ensure_level(b, j, if feeds_next { 4 } else { 2 })?;
        }
        for j in 0..=top {
            if n >> j & 1 == 1 {
                let level = if j == 0 {
                    &chain.copies
                } else {
                    &chain.ladder[j - 1]
                };
                form.push(level[0], half.clone());
                form.push(level[1], half.clone());
            }
        }
        if n & 1 == 1 { 2 } else { 0 }
    };
    let shifts: Vec<u64> = digits.iter().filter(|&&k| k >= 2).map(|&k| k - 1).collect();
    chain.ensure_nodes(b, &shifts)?;
    // 2^−1·x = ½·copy
    if first {
        chain.ensure_copies(b, free_copy + 1)?;
        form.push(chain.copies[free_copy], half.clone());
    }
    // 2^−k·x = ½·node(k − 1)
    for &j in &shifts {
        form.push(chain.node_id(j), half.clone());
    }
    Ok(form)
}

/// For an integer part `n`: how many copies of the root `times` reads
/// (the ladder's level 0 included) and an upper bound on the weights of its
/// ladder and its integer terms — for size estimates made before building.
pub(crate) fn integer_part_cost(n: u64) -> (u64, u64) {
    if n < LADDER_FROM {
        (2 * n, 2 * n)
    } else {
        let top = u64::from(63 - n.leading_zeros());
        (4, 16 * top + 2 * u64::from(n.count_ones()))
    }
}

/// `w` rounded to the nearest multiple of `2^−t`, ties to the even multiple
/// (`j·2^−t` with `j` even), so `|w' − w| ≤ 2^−(t+1) < 2^−t` (Prop. 3 (i)),
/// `round_to(−w, t) = −round_to(w, t)`, and `|w| ≤ 1` gives `|w'| ≤ 1`.
pub(crate) fn round_to(w: &Rational, t: u32) -> Rational {
    let scale = rational::pow2(i64::from(t));
    let q = w * &scale;
    let floor = rational::floor(&q);
    let rest = &q - Rational::from_integer(floor.clone());
    let half = rational::ratio(1, 2);
    let j = match rest.cmp(&half) {
        std::cmp::Ordering::Less => floor,
        std::cmp::Ordering::Greater => floor + 1,
        std::cmp::Ordering::Equal if floor.is_even() => floor,
        std::cmp::Ordering::Equal => floor + 1,
    };
    Rational::from_integer(j) / scale
}

pub(super) fn check_weight(w: &Rational, t: u32) -> Result<(), CoreError> {
    if rational::abs(w) > Rational::one() {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Net,
            message: format!(
                "a weight must lie in [-1, 1], found {}",
                rational::display(w)
            ),
        });
    }
    if t > MAX_T {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param(crate::spec::Param::T),
            message: format!("`t` must be at most {MAX_T}, found {t}"),
        });
    }
    Ok(())
}

/// The network of Proposition 3 on one input `x` of any sign: its output is
/// exactly `w'·x` with `w' = round_to(w, t)`, returned beside it (module
/// docs, *The network*). Every weight is a codebook value, every bias 0.
///
/// Guarantees (tests check each): `|w' − w| ≤ 2^−(t+1)`; exact output for
/// every rational `x`; the sizes of [`size`], at most [`depth`],
/// [`weights`] and [`units`]. `w' = 0` gives the empty network.
///
/// # Errors
/// `|w| > 1`, `t > MAX_T`; a codebook without ±1/2 (builder errors).
pub fn network(w: &Rational, t: u32, codebook: Codebook) -> Result<(Net, Rational), CoreError> {
    check_weight(w, t)?;
    let w2 = round_to(w, t);
    let mut b = NetBuilder::new(codebook, &["x".to_owned()]);
    let mut form = LinearForm::default();
    if !w2.is_zero() {
        let x = b.input(0);
        let m = rational::abs(&w2) * rational::int(2);
        let sign = Sign::of(&w2);
        // the gate trick: P = σ(½x) = x⁺/2, N = σ(−½x) = x⁻/2, x = 2(P − N)
        b.begin_block("weight.gate");
        let roots = (|| {
            let p = PowerChain::build_root(
                &mut b,
                "p",
                Rational::zero(),
                &[(x, rational::ratio(1, 2))],
            )?;
            let n = PowerChain::build_root(
                &mut b,
                "n",
                Rational::zero(),
                &[(x, rational::ratio(-1, 2))],
            )?;
            Ok::<_, CoreError>((p, n))
        })();
        b.end_block();
        let (mut p, mut n) = roots?;
        // w'·x = 2|w'|·(±P) + 2|w'|·(∓N)
        form.terms.extend(times(&mut b, &mut p, &m, sign)?.terms);
        form.terms.extend(times(&mut b, &mut n, &m, -sign)?.terms);
    }
    let net = b.finish(Rational::zero(), &form)?;
    Ok((net, w2))
}
