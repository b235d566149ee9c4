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
//! **The trie ([`PowerChain`]).** For a unit `root ≥ 0` of value `x` we
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
//! [`CopyRecipe`]: a root `σ(bias + Σ w·src)` with at most two edges is
//! rebuilt (≤ 2 weights, same level as the root); with more edges, copy 1 is
//! rebuilt and copies 2, 3, … are **relays** `σ(½·root + ½·copy1)` (2 weights,
//! one level deeper), so that a wide root is paid for once more, not once per
//! copy.
//!
//! **Large integer parts: the doubling ladder.** For `n ≥`
//! [`LADDER_FROM`], `2n` copies would cost `O(n)`; instead level `j` of a
//! ladder holds units of value `2^j·x`, each `σ(½(u_1 + u_2 + u_3 + u_4))`
//! over four units of level `j − 1` (level 0: copies of the root) — weight 2
//! as the fan-in of four halves, so 16 weights per level (8 for the top),
//! and `n·x` reads `½ + ½` of two units of level `j` for each binary digit
//! `j` of `n`: `O(log n)` weights and depth, shared by every multiple taken
//! on the chain.
//!
//! **A multiple ([`times`]).** For `m = n + Σ_{k∈D} 2^−k ≥ 0` (`n` integer,
//! `D` the positions of the binary digits 1 of the fraction), for
//! `n <` [`LADDER_FROM`]:
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

use std::collections::{BTreeMap, BTreeSet, HashMap};

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::error::{CoreError, Subject};
use crate::net::{LinearForm, Net, NetBuilder, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// Largest integer part `n` [`times`] builds (a ladder of 62 doublings).
pub const MAX_MULTIPLE: u64 = 1 << 62;

/// Integer parts `n` from this value up are built by the doubling ladder
/// (module docs); below it by `2n` copies of the root.
pub const LADDER_FROM: u64 = 4;

/// Largest `k` of a trie node `node(k) = 2^−k·x`; [`times`] accepts
/// fractions with denominators up to `2^(MAX_SHIFT + 1)`.
pub const MAX_SHIFT: u64 = 1 << 16;

/// Largest precision `t` [`network`] and [`size`] accept.
pub const MAX_T: u32 = 1 << 16;

/// The sign of a multiple built by [`times`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
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

/// How a [`PowerChain`] gets more units with exactly its root's value
/// (module docs, *Copies*).
#[derive(Clone, Debug, PartialEq)]
pub enum CopyRecipe {
    /// The root is `σ(bias + Σ w·src)`: a copy is the same unit again. Copy 1
    /// is always rebuilt (`edges.len()` weights, same level as the root);
    /// copies 2, 3, … are rebuilt while `edges.len() ≤ 2`, else they are
    /// relays `σ(½·root + ½·copy1)` (2 weights, one level deeper).
    Rebuild {
        /// the root's bias
        bias: Rational,
        /// the root's incoming edges
        edges: Vec<(UnitId, Rational)>,
    },
    /// The caller supplies copy 1, `twin` (a unit other than the root with
    /// the root's value); copies 2, 3, … are relays `σ(½·root + ½·twin)`.
    Relay {
        /// a second unit with the root's value
        twin: UnitId,
    },
}

/// The trie of the units `node(k) = 2^−k·x` over a nonnegative root of
/// value `x`, and the copies of the root, built lazily and shared by every
/// weight applied to that root (module docs).
///
/// Every unit a chain builds is built once: trie nodes in blocks
/// `"weight.chain"`, copies in blocks `"weight.copy"` or the kind set by
/// [`copies_in`](Self::copies_in) (one block instance per call that adds
/// units).
#[derive(Clone, Debug)]
pub struct PowerChain {
    root: UnitId,
    recipe: CopyRecipe,
    /// `copies[0]` is the root
    copies: Vec<UnitId>,
    /// `node(k)` for the built `k ≥ 1`
    nodes: HashMap<u64, UnitId>,
    /// the block kind of new copies
    copy_block: &'static str,
    /// `ladder[j − 1]`: units of value `2^j·x` (doubling ladder, j ≥ 1)
    ladder: Vec<Vec<UnitId>>,
}

impl PowerChain {
    /// A chain over an existing unit `root`, whose value must be ≥ 0 (a ReLU
    /// unit, or an input known to be nonnegative), with copies made by
    /// `recipe`. Nothing is built yet.
    pub fn new(root: UnitId, recipe: CopyRecipe) -> Self {
        let mut copies = vec![root];
        if let CopyRecipe::Relay { twin } = recipe {
            copies.push(twin);
        }
        PowerChain {
            root,
            recipe,
            copies,
            nodes: HashMap::new(),
            copy_block: "weight.copy",
            ladder: Vec::new(),
        }
    }

    /// Puts the copies this chain builds in blocks of kind `kind` (for
    /// example `"abs"` when the root is a gate whose copies belong to it).
    pub fn copies_in(mut self, kind: &'static str) -> Self {
        self.copy_block = kind;
        self
    }

    /// Builds the root `σ(bias + Σ w·src)` with role `role` and returns a
    /// chain over it whose copies rebuild it ([`CopyRecipe::Rebuild`]).
    ///
    /// # Errors
    /// The builder's, for the root unit.
    pub fn build_root(
        b: &mut NetBuilder,
        role: &str,
        bias: Rational,
        edges: &[(UnitId, Rational)],
    ) -> Result<Self, CoreError> {
        let root = b.relu(role, bias.clone(), edges)?;
        Ok(PowerChain::new(
            root,
            CopyRecipe::Rebuild {
                bias,
                edges: edges.to_vec(),
            },
        ))
    }

    /// The root, `node(0)`.
    pub fn root(&self) -> UnitId {
        self.root
    }

    /// Number of copies of the root that exist, the root included.
    pub fn copies_built(&self) -> usize {
        self.copies.len()
    }

    /// Number of trie nodes `node(k)`, `k ≥ 1`, built so far.
    pub fn nodes_built(&self) -> usize {
        self.nodes.len()
    }

    /// Copy `i` of the root (copy 0 is the root), building copies up to `i`.
    ///
    /// # Errors
    /// A `Relay` twin equal to the root; builder errors.
    pub fn copy(&mut self, b: &mut NetBuilder, i: usize) -> Result<UnitId, CoreError> {
        self.ensure_copies(b, i + 1)?;
        Ok(self.copies[i])
    }

    /// `node(k) = 2^−k·x` (`node(0)` is the root), building the missing
    /// nodes of its greedy path.
    ///
    /// # Errors
    /// `k > MAX_SHIFT`; a codebook without 1/2; builder errors.
    pub fn node(&mut self, b: &mut NetBuilder, k: u64) -> Result<UnitId, CoreError> {
        self.ensure_nodes(b, &[k])?;
        Ok(self.node_id(k))
    }

    fn node_id(&self, k: u64) -> UnitId {
        if k == 0 { self.root } else { self.nodes[&k] }
    }

    /// Makes copies `0..count` exist (module docs for the rule).
    fn ensure_copies(&mut self, b: &mut NetBuilder, count: usize) -> Result<(), CoreError> {
        if self.copies.len() >= count {
            return Ok(());
        }
        if self.copies.get(1) == Some(&self.root) {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Net,
                message: format!(
                    "the twin of a relay chain must differ from its root, unit {}",
                    self.root
                ),
            });
        }
        let half = rational::ratio(1, 2);
        b.begin_block(self.copy_block);
        let result = (|| {
            while self.copies.len() < count {
                let i = self.copies.len();
                let role = format!("c{i}");
                let id = match &self.recipe {
                    CopyRecipe::Rebuild { bias, edges } if i == 1 || edges.len() <= 2 => {
                        b.relu(&role, bias.clone(), edges)?
                    }
                    // σ(½·copy0 + ½·copy1) = x for x ≥ 0: two weights, one level deeper
                    _ => b.relu(
                        &role,
                        Rational::zero(),
                        &[
                            (self.copies[0], half.clone()),
                            (self.copies[1], half.clone()),
                        ],
                    )?,
                };
                self.copies.push(id);
            }
            Ok(())
        })();
        b.end_block();
        result
    }

    /// Makes level `j ≥ 1` of the doubling ladder hold at least `count`
    /// units of value `2^j·x`, each `σ(½(u_1 + u_2 + u_3 + u_4))` over four
    /// units of level `j − 1` (level 0: copies of the root).
    fn ensure_level(
        &mut self,
        b: &mut NetBuilder,
        j: usize,
        count: usize,
    ) -> Result<(), CoreError> {
        if j == 0 {
            return self.ensure_copies(b, count);
        }
        if self.ladder.len() >= j && self.ladder[j - 1].len() >= count {
            return Ok(());
        }
        self.ensure_level(b, j - 1, 4)?;
        while self.ladder.len() < j {
            self.ladder.push(Vec::new());
        }
        let feed: Vec<(UnitId, Rational)> = if j == 1 {
            self.copies[..4].to_vec()
        } else {
            self.ladder[j - 2][..4].to_vec()
        }
        .into_iter()
        .map(|u| (u, rational::ratio(1, 2)))
        .collect();
        b.begin_block("weight.ladder");
        let result = (|| {
            while self.ladder[j - 1].len() < count {
                let role = format!("d{j}_{}", self.ladder[j - 1].len());
                let id = b.relu(&role, Rational::zero(), &feed)?;
                self.ladder[j - 1].push(id);
            }
            Ok(())
        })();
        b.end_block();
        result
    }

    /// Builds every missing node on the greedy paths of `ks`, in one block.
    fn ensure_nodes(&mut self, b: &mut NetBuilder, ks: &[u64]) -> Result<(), CoreError> {
        let exps = exponents(b.codebook());
        // the missing nodes and their step c, collected before building so
        // that they form one block; ascending k is a topological order
        let mut missing: BTreeMap<u64, u64> = BTreeMap::new();
        for &k in ks {
            if k > MAX_SHIFT {
                return Err(CoreError::InvalidParameter {
                    subject: Subject::Net,
                    message: format!(
                        "a power 2^-{k} of a signal is too fine; at most 2^-{MAX_SHIFT} is built"
                    ),
                });
            }
            let mut cur = k;
            while cur > 0 && !self.nodes.contains_key(&cur) && !missing.contains_key(&cur) {
                let c = greedy_step(&exps, cur)?;
                missing.insert(cur, c);
                cur -= c;
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        b.begin_block("weight.chain");
        let result = (|| {
            for (&k, &c) in &missing {
                // node(k) = σ(2^−c · node(k − c)), the value is ≥ 0 so σ is the identity
                let parent = self.node_id(k - c);
                let id = b.relu(
                    &format!("h{k}"),
                    Rational::zero(),
                    &[(parent, rational::pow2(-(c as i64)))],
                )?;
                self.nodes.insert(k, id);
            }
            Ok(())
        })();
        b.end_block();
        result
    }
}

/// The exponents `e ≥ 1` of the codebook's values `2^−e`, ascending: `E` of
/// the module docs (`{1, b, …, b^(λ−2)}` for a nonlinear codebook).
fn exponents(codebook: &Codebook) -> Vec<u64> {
    let mut e: Vec<u64> = codebook
        .values()
        .iter()
        .filter(|v| v.is_positive())
        .filter_map(rational::power_of_two_exponent)
        .filter(|&e| e < 0)
        .map(|e| e.unsigned_abs())
        .collect();
    e.sort_unstable();
    e.dedup();
    e
}

/// The exponents `1, b, b², …, b^(λ−2)` that do not exceed `limit`.
fn radix_exponents(lambda: u32, base: u64, limit: u64) -> Vec<u64> {
    let mut exps = vec![1];
    let mut e: u64 = 1;
    for _ in 2..lambda {
        e = e.saturating_mul(base.max(2));
        if e > limit {
            break;
        }
        exps.push(e);
    }
    exps
}

/// The largest exponent `c ≤ k` (`exps` ascending).
fn greedy_step(exps: &[u64], k: u64) -> Result<u64, CoreError> {
    exps.iter()
        .rev()
        .copied()
        .find(|&c| c <= k)
        .ok_or_else(|| CoreError::InvalidParameter {
            subject: Subject::Net,
            message: "the codebook has no value 2^-e with e <= the power needed; \
                      powers of a signal need the weight 1/2"
                .to_owned(),
        })
}

/// Number of greedy steps from 2^0 to 2^−k over `exps` (`exps[0] = 1`).
fn greedy_length(exps: &[u64], k: u64) -> u64 {
    // greedy over exponents that divide one another: digits of k
    let mut rest = k;
    let mut count = 0;
    for &c in exps.iter().rev() {
        count += rest / c;
        rest %= c;
    }
    count
}

/// `s(k)`: how many factors of eq. 9 the trie puts between a root and
/// `node(k)` — `⌊k / b^(λ−2)⌋` plus the radix-`b` digit sum of
/// `k mod b^(λ−2)` (λ = 2: `k`).
pub fn chain_length(k: u64, lambda: u32, base: u64) -> u64 {
    greedy_length(&radix_exponents(lambda, base, k.max(1)), k)
}

/// The integer part `n` and the positions `D` (ascending) of the binary
/// digits 1 of the fraction of a dyadic `m ≥ 0`.
fn split(m: &Rational) -> Result<(u64, Vec<u64>), CoreError> {
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
pub fn times(
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

/// For an integer part `n`: how many copies of the root [`times`] reads
/// (the ladder's level 0 included) and an upper bound on the weights of its
/// ladder and its integer terms — for size estimates made before building.
pub fn integer_part_cost(n: u64) -> (u64, u64) {
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
pub fn round_to(w: &Rational, t: u32) -> Rational {
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

fn check_weight(w: &Rational, t: u32) -> Result<(), CoreError> {
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

/// Exact size of one [`network`].
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
/// As [`network`].
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
/// codebook's [`halving_exponents`](Codebook::halving_exponents). Equals
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::eval;
    use crate::metrics::metrics;
    use crate::rational::{int, pow2, ratio};

    const LAMBDAS: [u32; 5] = [2, 3, 4, 5, 6];
    const TS: [u32; 4] = [4, 8, 16, 32];
    const RANDOM_WEIGHTS: usize = 1000;
    /// evaluate every `EVAL_EVERY`-th random network at all of `xs()`
    const EVAL_EVERY: usize = 10;

    /// splitmix64, a small deterministic PRNG
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// p/q with q ∈ 1..=10^6 and |p| ≤ q
        fn weight(&mut self) -> Rational {
            let q = self.below(1_000_000) as i64 + 1;
            let p = self.below(q as u64 + 1) as i64;
            let p = if self.next() & 1 == 1 { -p } else { p };
            ratio(p, q)
        }
    }

    fn xs() -> Vec<Rational> {
        vec![
            int(0),
            int(1),
            int(-1),
            ratio(-2, 3),
            ratio(5, 7),
            ratio(-13, 8),
            ratio(1_000_003, 999),
        ]
    }

    fn check_codebook(net: &Net, codebook: &Codebook) {
        for (what, v) in net.parameters() {
            let ok = match what {
                "bias" => codebook.allows_bias(v),
                _ => codebook.contains(v),
            };
            assert!(ok, "{what} {v} not in the codebook");
        }
    }

    fn check_exact(net: &Net, w2: &Rational) {
        for x in xs() {
            assert_eq!(
                eval(net, std::slice::from_ref(&x)),
                w2 * &x,
                "w'={w2} x={x}"
            );
        }
    }

    fn check_size(net: &Net, w: &Rational, t: u32, codebook: &Codebook) {
        let m = metrics(net);
        let s = size(w, t, codebook).unwrap();
        assert_eq!(m.depth, s.depth, "depth w={w} t={t}");
        assert_eq!(m.weights as u64, s.weights, "weights w={w} t={t}");
        assert_eq!(m.units as u64, s.units, "units w={w} t={t}");
        assert!(s.depth <= depth_in(codebook, t), "worst depth w={w}");
        assert!(s.weights <= weights(t), "worst weights w={w}");
        assert!(s.units <= units(t), "worst units w={w}");
    }

    #[test]
    fn random_weights_are_rounded_and_built_exactly() {
        let mut rng = Rng(0x5eed_0003);
        for lambda in LAMBDAS {
            for t in TS {
                let codebook = Codebook::nonlinear(lambda, t).unwrap();
                let bound = pow2(-i64::from(t) - 1);
                for i in 0..RANDOM_WEIGHTS {
                    let w = rng.weight();
                    let (net, w2) = network(&w, t, codebook.clone()).unwrap();
                    let err = rational::abs(&(&w2 - &w));
                    assert!(err <= bound && err < pow2(-i64::from(t)), "w={w} t={t}");
                    assert_eq!(w2, round_to(&w, t));
                    check_codebook(&net, &codebook);
                    check_size(&net, &w, t, &codebook);
                    if i % EVAL_EVERY == 0 {
                        check_exact(&net, &w2);
                    }
                }
            }
        }
    }

    /// The linear codebooks (Section 4.4): the same network, built from
    /// ±1/2 and the powers `2^−e ∈ L_λ`; exact, in the codebook, of the
    /// predicted size, with the worst case at [`linear_depth`].
    #[test]
    fn linear_codebooks_build_the_same_weights() {
        let mut rng = Rng(0x5eed_0044);
        for lambda in [2, 3, 4, 5, 7, 9, 13, 17] {
            let codebook = Codebook::linear(lambda).unwrap();
            for t in TS {
                for i in 0..RANDOM_WEIGHTS / 5 {
                    let w = rng.weight();
                    let (net, w2) = network(&w, t, codebook.clone()).unwrap();
                    assert_eq!(w2, round_to(&w, t));
                    check_codebook(&net, &codebook);
                    check_size(&net, &w, t, &codebook);
                    if i % EVAL_EVERY == 0 {
                        check_exact(&net, &w2);
                    }
                }
                let worst = int(1) - pow2(-i64::from(t));
                let (net, _) = network(&worst, t, codebook.clone()).unwrap();
                let m = metrics(&net);
                assert_eq!(m.depth, linear_depth(lambda, t), "λ={lambda} t={t}");
                assert_eq!(m.depth, depth_in(&codebook, t), "λ={lambda} t={t}");
                assert_eq!(m.weights as u64, weights(t), "λ={lambda} t={t}");
                // §4.4's t/log λ + 1 with log(λ − 1) for log λ, plus the
                // gate level, when λ − 1 = 2^B (odd λ spends a value on 0)
                if (lambda - 1).is_power_of_two() && lambda > 2 {
                    let log = f64::from(lambda - 1).log2();
                    assert!(
                        m.depth as f64 <= f64::from(t) / log + 2.0,
                        "λ={lambda} t={t}"
                    );
                    assert!(
                        m.depth as f64 >= paper_linear_depth(lambda, t),
                        "λ={lambda}"
                    );
                }
            }
        }
        // the nonlinear formula agrees with the generic one
        for lambda in LAMBDAS {
            for t in TS {
                let cb = Codebook::nonlinear(lambda, t).unwrap();
                assert_eq!(depth_in(&cb, t), depth(lambda, cb.base(), t));
            }
        }
    }

    #[test]
    fn edge_weights() {
        for lambda in LAMBDAS {
            for t in [1, 2, 3, 4, 8, 16, 32] {
                let codebook = Codebook::nonlinear(lambda, t).unwrap();
                let tie = int(1) - pow2(-i64::from(t) - 1);
                let top = int(1) - pow2(-i64::from(t));
                let cases = [
                    (int(1), int(1)),
                    (int(-1), int(-1)),
                    (int(0), int(0)),
                    // the tie 2^t − ½ goes to the even 2^t
                    (tie.clone(), int(1)),
                    (-tie, int(-1)),
                    (top.clone(), top.clone()),
                    (-top.clone(), -top),
                    (pow2(-i64::from(t) - 1), int(0)),
                    (pow2(-i64::from(t)), pow2(-i64::from(t))),
                ];
                for (w, expected) in cases {
                    let (net, w2) = network(&w, t, codebook.clone()).unwrap();
                    assert_eq!(w2, expected, "w={w} t={t}");
                    check_codebook(&net, &codebook);
                    check_size(&net, &w, t, &codebook);
                    check_exact(&net, &w2);
                }
                // w' = 0 is the empty network; w' = ±1 four copies per half
                let (zero, _) = network(&int(0), t, codebook.clone()).unwrap();
                assert_eq!(metrics(&zero).units, 0);
                let (one, _) = network(&int(-1), t, codebook.clone()).unwrap();
                assert_eq!(metrics(&one).weights, 16);
                assert_eq!(metrics(&one).depth, 2);
            }
        }
    }

    #[test]
    fn rounding_is_to_nearest_ties_to_even() {
        assert_eq!(round_to(&ratio(3, 8), 2), ratio(1, 2)); // 1.5 → 2
        assert_eq!(round_to(&ratio(5, 8), 2), ratio(1, 2)); // 2.5 → 2
        assert_eq!(round_to(&ratio(-3, 8), 2), ratio(-1, 2));
        assert_eq!(round_to(&ratio(1, 3), 2), ratio(1, 4));
        assert_eq!(round_to(&ratio(-2, 3), 3), ratio(-5, 8));
        let mut rng = Rng(7);
        for _ in 0..2000 {
            let w = rng.weight();
            let t = rng.below(40) as u32;
            let w2 = round_to(&w, t);
            assert!(rational::abs(&(&w2 - &w)) <= pow2(-i64::from(t) - 1));
            assert!(rational::is_dyadic(&(&w2 * pow2(i64::from(t)))));
            assert!((&w2 * pow2(i64::from(t))).is_integer());
            assert_eq!(round_to(&-&w, t), -w2);
        }
    }

    /// The worst case over `w` (every digit 1, or ±1 for t ≤ 2) meets our
    /// formulas and stays within the paper's counts; prints the table.
    #[test]
    fn worst_case_sizes_against_the_paper() {
        eprintln!("| λ | t | b | depth | paper depth | weights | paper weights | units |");
        for lambda in LAMBDAS {
            for t in TS {
                let codebook = Codebook::nonlinear(lambda, t).unwrap();
                let base = codebook.base();
                let w = int(1) - pow2(-i64::from(t));
                let (net, _) = network(&w, t, codebook.clone()).unwrap();
                let m = metrics(&net);
                assert_eq!(m.depth, depth(lambda, base, t), "λ={lambda} t={t}");
                assert_eq!(m.weights as u64, weights(t), "λ={lambda} t={t}");
                assert_eq!(m.units as u64, units(t), "λ={lambda} t={t}");
                // ±1 costs less once t ≥ 3
                let (one, _) = network(&int(1), t, codebook.clone()).unwrap();
                assert!(metrics(&one).weights <= m.weights);
                assert!(
                    m.depth as u64 <= paper_depth(lambda, base),
                    "λ={lambda} t={t}"
                );
                assert!(m.depth as u64 + base - 1 <= paper_depth(lambda, base));
                assert!(m.depth as u64 <= u64::from(lambda - 1) * (base - 1) + 1);
                assert!(m.weights as u64 <= paper_weights(t, lambda, base));
                eprintln!(
                    "| {lambda} | {t} | {base} | {} | {} | {} | {} | {} |",
                    m.depth,
                    paper_depth(lambda, base),
                    m.weights,
                    paper_weights(t, lambda, base),
                    m.units
                );
            }
        }
        // t ≤ 2: w = ±1 is the worst case
        for t in [1, 2] {
            let codebook = Codebook::nonlinear(3, t).unwrap();
            let (one, _) = network(&int(1), t, codebook).unwrap();
            assert_eq!(metrics(&one).weights as u64, weights(t));
            assert_eq!(metrics(&one).units as u64, units(t));
        }
    }

    #[test]
    fn depth_formula_over_all_small_t() {
        for lambda in LAMBDAS {
            for t in 1..=40 {
                let codebook = Codebook::nonlinear(lambda, t).unwrap();
                let base = codebook.base();
                let w = int(1) - pow2(-i64::from(t));
                let (net, _) = network(&w, t, codebook.clone()).unwrap();
                let m = metrics(&net);
                assert_eq!(m.depth, depth(lambda, base, t), "λ={lambda} t={t}");
                assert_eq!(m.weights as u64, (4 * u64::from(t) + 4), "λ={lambda} t={t}");
                assert!(m.depth as u64 <= u64::from(lambda - 1) * (base - 1) + 1);
                assert!(m.weights as u64 <= paper_weights(t, lambda, base));
            }
        }
    }

    #[test]
    fn a_shared_chain_builds_each_node_once() {
        let codebook = Codebook::nonlinear(3, 16).unwrap(); // b = 4: E = {1, 4}
        let mut b = NetBuilder::new(codebook, &["x".to_owned()]);
        let x = b.input(0);
        let mut chain =
            PowerChain::build_root(&mut b, "p", Rational::zero(), &[(x, ratio(1, 2))]).unwrap();
        // 2^−7 = ½·node(6), node(6) = σ(2^−4·node(2)), node(2) = σ(½·node(1))
        let f1 = times(&mut b, &mut chain, &pow2(-7), Sign::Plus).unwrap();
        assert_eq!(chain.nodes_built(), 3);
        assert_eq!(b.codebook().base(), 4);
        // 2^−2 and 2^−3 read node(1) and node(2), which exist already
        let f2 = times(&mut b, &mut chain, &(pow2(-2) + pow2(-3)), Sign::Minus).unwrap();
        assert_eq!(chain.nodes_built(), 3);
        // 2^−9 = ½·node(8): node(8) = σ(2^−4·node(4)), node(4) = σ(2^−4·root)
        let f3 = times(&mut b, &mut chain, &pow2(-9), Sign::Plus).unwrap();
        assert_eq!(chain.nodes_built(), 5);
        // the same multiple again builds nothing and reads the same units
        let again = times(&mut b, &mut chain, &pow2(-9), Sign::Plus).unwrap();
        assert_eq!(again, f3);
        assert_eq!(chain.node(&mut b, 6).unwrap(), f1.terms[0].0);
        assert_eq!(chain.nodes_built(), 5);
        let mut form = f1.clone();
        form.terms.extend(f3.terms.clone());
        let net = b.finish(Rational::zero(), &form).unwrap();
        // each trie unit appears once: one per node, in "weight.chain" blocks
        let chain_units = net
            .units()
            .iter()
            .filter(|u| net.blocks()[u.block].kind == "weight.chain")
            .count();
        assert_eq!(chain_units, 5);
        let mut roles: Vec<&str> = net.units().iter().map(|u| u.role.as_str()).collect();
        roles.sort_unstable();
        let n = roles.len();
        roles.dedup();
        assert_eq!(roles.len(), n, "a unit was built twice");
        for xv in [int(0), ratio(5, 7), int(3)] {
            // x ≥ 0 here: root = x/2
            let root = &xv / int(2);
            assert_eq!(
                eval(&net, std::slice::from_ref(&xv)),
                &root * (pow2(-7) + pow2(-9))
            );
        }
        assert_eq!(f2.terms.len(), 2);
        assert!(f2.terms.iter().all(|(_, c)| c == &ratio(-1, 2)));
    }

    #[test]
    fn a_wide_root_is_copied_through_relays() {
        let codebook = Codebook::nonlinear(2, 4).unwrap();
        let names: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
        let mut b = NetBuilder::new(codebook.clone(), &names);
        let half = ratio(1, 2);
        let edges: Vec<_> = (0..3).map(|i| (b.input(i), half.clone())).collect();
        let mut chain = PowerChain::build_root(&mut b, "r", Rational::zero(), &edges).unwrap();
        // 5/2 = 2 + 2^−1: copies 0..=4; copy 1 rebuilt, copies 2..4 relays
        let form = times(&mut b, &mut chain, &ratio(5, 2), Sign::Plus).unwrap();
        assert_eq!(chain.copies_built(), 5);
        assert_eq!(form.terms.len(), 5);
        let net = b.finish(Rational::zero(), &form).unwrap();
        let copies: Vec<_> = net
            .hidden()
            .filter(|(i, _, _)| net.blocks()[net.units()[*i].block].kind == "weight.copy")
            .map(|(_, _, e)| e.len())
            .collect();
        assert_eq!(copies, vec![3, 2, 2, 2]);
        // root 3 + rebuild 3 + relays 3·2 + output 5
        assert_eq!(metrics(&net).weights, 17);
        assert_eq!(metrics(&net).depth, 3);
        check_codebook(&net, &codebook);
        for (x, y, z) in [(1, 2, 3), (-5, 1, 1), (-1, -1, -1)] {
            let input = [ratio(x, 3), ratio(y, 7), ratio(z, 2)];
            let root = rational::relu(&((&input[0] + &input[1] + &input[2]) / int(2)));
            assert_eq!(eval(&net, &input), root * ratio(5, 2));
        }
        // a narrow root is rebuilt every time
        let mut b = NetBuilder::new(codebook.clone(), &names);
        let mut chain = PowerChain::build_root(&mut b, "r", ratio(1, 2), &edges[..2]).unwrap();
        times(&mut b, &mut chain, &int(3), Sign::Minus).unwrap();
        let net = b.finish(Rational::zero(), &LinearForm::default()).unwrap();
        assert!(net.hidden().all(|(_, _, e)| e.len() == 2));
        assert_eq!(net.hidden().count(), 6);
        // a relay chain uses the caller's twin
        let mut b = NetBuilder::new(codebook.clone(), &names);
        let r = b.relu("r", ratio(1, 2), &[]).unwrap();
        let twin = b.relu("r2", ratio(1, 2), &[]).unwrap();
        let mut chain = PowerChain::new(r, CopyRecipe::Relay { twin });
        let form = times(&mut b, &mut chain, &ratio(7, 4), Sign::Plus).unwrap();
        let net = b.finish(Rational::zero(), &form).unwrap();
        assert_eq!(eval(&net, &[int(0), int(0), int(0)]), ratio(7, 8));
        let mut chain = PowerChain::new(r, CopyRecipe::Relay { twin: r });
        let mut b = NetBuilder::new(codebook, &names);
        b.relu("r", ratio(1, 2), &[]).unwrap();
        assert!(times(&mut b, &mut chain, &int(2), Sign::Plus).is_err());
    }

    #[test]
    fn the_constant_one_is_a_signal_too() {
        // root K = σ(½): copies are free of weights
        let codebook = Codebook::nonlinear(4, 27).unwrap();
        let mut b = NetBuilder::new(codebook.clone(), &["x".to_owned()]);
        let mut chain = PowerChain::build_root(&mut b, "k", ratio(1, 2), &[]).unwrap();
        let c = ratio(3, 2) + pow2(-20) + pow2(-3);
        let form = times(&mut b, &mut chain, &(&c * int(2)), Sign::Minus).unwrap();
        let net = b.finish(Rational::zero(), &form).unwrap();
        assert_eq!(eval(&net, &[ratio(-9, 5)]), -c);
        check_codebook(&net, &codebook);
    }

    #[test]
    fn refuses_bad_multiples_and_weights() {
        let codebook = Codebook::nonlinear(3, 8).unwrap();
        let mut b = NetBuilder::new(codebook.clone(), &["x".to_owned()]);
        let mut chain =
            PowerChain::build_root(&mut b, "p", Rational::zero(), &[(0, ratio(1, 2))]).unwrap();
        for m in [
            ratio(1, 3),
            ratio(-1, 2),
            int(MAX_MULTIPLE as i64 + 1),
            pow2(-(MAX_SHIFT as i64) - 2),
        ] {
            assert!(
                matches!(
                    times(&mut b, &mut chain, &m, Sign::Plus),
                    Err(CoreError::InvalidParameter { .. })
                ),
                "m={m}"
            );
        }
        assert!(chain.node(&mut b, MAX_SHIFT + 1).is_err());
        for w in [ratio(3, 2), ratio(-1_000_001, 1_000_000)] {
            assert!(network(&w, 8, codebook.clone()).is_err());
            assert!(size(&w, 8, &codebook).is_err());
        }
        assert!(network(&ratio(1, 2), MAX_T + 1, codebook).is_err());
    }

    #[test]
    fn chain_lengths_are_greedy_digit_sums() {
        // λ = 4, b = 3: E = {1, 3, 9}; 26 = 2·9 + 2·3 + 2
        assert_eq!(chain_length(26, 4, 3), 6);
        assert_eq!(chain_length(27, 4, 3), 3);
        assert_eq!(chain_length(7, 2, 9), 7);
        assert_eq!(chain_length(0, 5, 2), 0);
        // greedy is minimal: compare with a shortest-path search
        for (lambda, base) in [(3, 4), (4, 3), (5, 2), (6, 2)] {
            let exps = radix_exponents(lambda, base, u64::MAX);
            let mut best = vec![0u64; 200];
            for k in 1..200 {
                best[k] = exps
                    .iter()
                    .filter(|&&c| c as usize <= k)
                    .map(|&c| best[k - c as usize] + 1)
                    .min()
                    .unwrap();
                assert_eq!(chain_length(k as u64, lambda, base), best[k]);
            }
        }
    }

    /// The greedy representation of `k` over `1, b, …, b^(λ−2)`: the
    /// number of times each exponent is used, top first.
    fn digits(k: u64, exps: &[u64]) -> Vec<u64> {
        let mut rest = k;
        exps.iter()
            .rev()
            .map(|&c| {
                let d = rest / c;
                rest %= c;
                d
            })
            .collect()
    }

    /// Module docs, *The range claim of the proof, checked*.
    #[test]
    fn range_claim_of_the_proof() {
        let mut k_eq_t_breaks = Vec::new();
        let mut real_digit_breaks = Vec::new();
        let mut real_depth_breaks = Vec::new();
        for lambda in 2..=6u32 {
            for t in 1..=40u32 {
                let base = rational::ceil_root(u64::from(t), lambda - 1).max(2);
                assert_eq!(Codebook::nonlinear(lambda, t).unwrap().base(), base);
                let exps = radix_exponents(lambda, base, u64::MAX);
                let t64 = u64::from(t);
                let l1 = lambda - 1;
                // (d + 1)^(λ−1) ≤ t  ⟺  d ≤ t^(1/(λ−1)) − 1
                let within_real = |d: u64| (d + 1).pow(l1) <= t64;
                for k in 1..=t64 {
                    let ds = digits(k, &exps);
                    let max_digit = *ds.iter().max().unwrap();
                    let s: u64 = ds.iter().sum();
                    assert_eq!(s, chain_length(k, lambda, base));
                    if k < t64 {
                        assert!(max_digit < base, "λ={lambda} t={t} k={k}");
                        assert!(s <= u64::from(l1) * (base - 1));
                    } else if max_digit >= base {
                        assert_eq!(base.pow(l1), t64, "λ={lambda} t={t}");
                        k_eq_t_breaks.push((lambda, t));
                    } else {
                        assert!(base.pow(l1) > t64);
                    }
                    if k < t64 && !within_real(max_digit) {
                        real_digit_breaks.push((lambda, t, k));
                    }
                }
                // our depth against λ(r − 1) + 1, r = t^(1/(λ−1)) real:
                // D ≤ λ(r−1) + 1 ⟺ ((D − 1)/λ + 1)^(λ−1) ≤ t ⟺ (D − 1 + λ)^(λ−1) ≤ t·λ^(λ−1)
                let ours = depth(lambda, base, t) as u64;
                let lam = u64::from(lambda);
                let lhs = (ours - 1 + lam).checked_pow(l1).unwrap();
                if lhs > t64 * lam.pow(l1) {
                    real_depth_breaks.push((lambda, t, ours));
                }
                assert!(ours <= paper_depth(lambda, base));
            }
        }
        let powers: Vec<(u32, u32)> = (2..=6u32)
            .flat_map(|l| (1..=40u32).map(move |t| (l, t)))
            .filter(|&(l, t)| {
                let b = rational::ceil_root(u64::from(t), l - 1).max(2);
                b.pow(l - 1) == u64::from(t)
            })
            .collect();
        assert_eq!(k_eq_t_breaks, powers);
        assert!(real_digit_breaks.contains(&(3, 10, 3)));
        // the real-radix digit bound fails exactly when t^(1/(λ−1)) is not an integer
        let mut real_pairs: Vec<(u32, u32)> =
            real_digit_breaks.iter().map(|&(l, t, _)| (l, t)).collect();
        real_pairs.dedup();
        let not_integer: Vec<(u32, u32)> = (2..=6u32)
            .flat_map(|l| (2..=40u32).map(move |t| (l, t)))
            .filter(|&(l, t)| {
                let b = rational::ceil_root(u64::from(t), l - 1);
                b.pow(l - 1) != u64::from(t)
            })
            .collect();
        assert_eq!(real_pairs, not_integer);
        assert_eq!(
            real_depth_breaks
                .iter()
                .filter(|&&(_, t, _)| t == 1)
                .count(),
            5
        );
        assert_eq!(
            real_depth_breaks
                .iter()
                .filter(|&&(l, t, _)| t >= 2 && l >= 4)
                .count(),
            43
        );
        assert!(real_depth_breaks.iter().all(|&(l, t, _)| t == 1 || l >= 4));
        assert!(depth(6, 2, 40) < depth(6, 3, 40));
        assert!(real_depth_breaks.contains(&(2, 1, 2)));
        eprintln!("k = t breaks the digit bound: {k_eq_t_breaks:?}");
        let mut real: BTreeMap<(u32, u32), Vec<u64>> = BTreeMap::new();
        for (l, t, k) in real_digit_breaks {
            real.entry((l, t)).or_default().push(k);
        }
        eprintln!(
            "digit > t^(1/(λ−1)) − 1 for some k < t: {:?}",
            real.keys().collect::<Vec<_>>()
        );
        eprintln!("our depth > λ(t^(1/(λ−1)) − 1) + 1: {real_depth_breaks:?}");
    }

    /// Integer parts from LADDER_FROM up use the doubling ladder: exact, and
    /// O(log n) weights instead of 2n copies.
    #[test]
    fn large_multiples_climb_the_ladder() {
        for (m, max_weights) in [
            (ratio(4, 1), 40),
            (ratio(1000, 1), 180),
            (ratio(49_395, 4), 280),
            (ratio(1 << 40, 1) + ratio(3, 8), 700),
        ] {
            let mut b = NetBuilder::new(Codebook::nonlinear(2, 8).unwrap(), &["x".to_owned()]);
            let mut chain =
                PowerChain::build_root(&mut b, "p", Rational::zero(), &[(0, ratio(1, 2))]).unwrap();
            let form = times(&mut b, &mut chain, &m, Sign::Minus).unwrap();
            let net = b.finish(Rational::zero(), &form).unwrap();
            for x in [ratio(2, 3), ratio(5, 1), int(0)] {
                // the root is x/2
                assert_eq!(
                    eval(&net, std::slice::from_ref(&x)),
                    -(&m * &x / int(2)),
                    "m={m} x={x}"
                );
            }
            let weights = crate::metrics::metrics(&net).weights;
            assert!(weights <= max_weights, "m={m}: {weights} weights");
        }
    }
}
