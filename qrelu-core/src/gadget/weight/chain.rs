//! The power chain of one root: the trie of `2^−k·x` and the copies of
//! the root (module docs of [`super`], *The trie* and *Copies*).

use std::collections::{BTreeMap, HashMap};

use num_traits::{Signed, Zero};

use crate::error::{CoreError, Subject};
use crate::net::{NetBuilder, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

use super::MAX_SHIFT;

/// How a [`PowerChain`] gets more units with exactly its root's value
/// (module docs, *Copies*): the root is `σ(bias + Σ w·src)`, so a copy is
/// the same unit again. Copy 1 is always rebuilt (`edges.len()` weights,
/// same level as the root); copies 2, 3, … are rebuilt while
/// `edges.len() ≤ 2`, else they are relays `σ(½·root + ½·copy1)` (2 weights,
/// one level deeper).
#[derive(Clone, Debug, PartialEq)]
pub struct CopyRecipe {
    /// the root's bias
    pub bias: Rational,
    /// the root's incoming edges
    pub edges: Vec<(UnitId, Rational)>,
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
    pub(super) copies: Vec<UnitId>,
    /// `node(k)` for the built `k ≥ 1`
    nodes: HashMap<u64, UnitId>,
    /// the block kind of new copies
    copy_block: &'static str,
    /// `ladder[j − 1]`: units of value `2^j·x` (doubling ladder, j ≥ 1)
    pub(super) ladder: Vec<Vec<UnitId>>,
}

impl PowerChain {
    /// A chain over an existing unit `root`, whose value must be ≥ 0 (a ReLU
    /// unit, or an input known to be nonnegative), with copies made by
    /// `recipe`. Nothing is built yet.
    pub fn new(root: UnitId, recipe: CopyRecipe) -> Self {
        let copies = vec![root];
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
            CopyRecipe {
                bias,
                edges: edges.to_vec(),
            },
        ))
    }

    /// Number of copies of the root that exist, the root included.
    #[cfg(test)]
    pub fn copies_built(&self) -> usize {
        self.copies.len()
    }

    /// Number of trie nodes `node(k)`, `k ≥ 1`, built so far.
    #[cfg(test)]
    pub fn nodes_built(&self) -> usize {
        self.nodes.len()
    }

    /// Copy `i` of the root (copy 0 is the root), building copies up to `i`.
    ///
    /// # Errors
    /// Builder errors.
    pub fn copy(&mut self, b: &mut NetBuilder, i: usize) -> Result<UnitId, CoreError> {
        self.ensure_copies(b, i + 1)?;
        Ok(self.copies[i])
    }

    /// `node(k) = 2^−k·x` (`node(0)` is the root), building the missing
    /// nodes of its greedy path.
    ///
    /// # Errors
    /// `k > MAX_SHIFT`; a codebook without 1/2; builder errors.
    #[cfg(test)]
    pub fn node(&mut self, b: &mut NetBuilder, k: u64) -> Result<UnitId, CoreError> {
        self.ensure_nodes(b, &[k])?;
        Ok(self.node_id(k))
    }

    pub(super) fn node_id(&self, k: u64) -> UnitId {
        if k == 0 { self.root } else { self.nodes[&k] }
    }

    /// Makes copies `0..count` exist (module docs for the rule).
    pub(super) fn ensure_copies(
        &mut self,
        b: &mut NetBuilder,
        count: usize,
    ) -> Result<(), CoreError> {
        if self.copies.len() >= count {
            return Ok(());
        }
        let half = rational::ratio(1, 2);
        b.begin_block(self.copy_block);
        let result = (|| {
            while self.copies.len() < count {
                let i = self.copies.len();
                let role = format!("c{i}");
                let CopyRecipe { bias, edges } = &self.recipe;
                let id = if i == 1 || edges.len() <= 2 {
                    b.relu(&role, bias.clone(), edges)?
                } else {
                    // σ(½·copy0 + ½·copy1) = x for x ≥ 0: two weights, one level deeper
                    let relay = [
                        (self.copies[0], half.clone()),
                        (self.copies[1], half.clone()),
                    ];
                    b.relu(&role, Rational::zero(), &relay)?
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
    pub(super) fn ensure_level(
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
    pub(super) fn ensure_nodes(&mut self, b: &mut NetBuilder, ks: &[u64]) -> Result<(), CoreError> {
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
pub(super) fn exponents(codebook: &Codebook) -> Vec<u64> {
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
pub(super) fn radix_exponents(lambda: u32, base: u64, limit: u64) -> Vec<u64> {
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
pub(super) fn greedy_step(exps: &[u64], k: u64) -> Result<u64, CoreError> {
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
pub(super) fn greedy_length(exps: &[u64], k: u64) -> u64 {
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
