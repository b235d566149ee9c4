//! The product DAG of `structure = direct` (and of every `U_ν` of
//! `structure = taylor`): which squares and products compute each monomial,
//! with the exact a-priori bound of every node (eq. 21).
//!
//! Each monomial `x^α` (with |α| ≥ 2) is a node of one shared DAG: the
//! square of `x^(α/2)` when α is even, else the product of `x^β` and
//! `x^(α−β)` for some `0 < β < α`. The choice minimises the a-priori error
//! bound of the node (exact, [`crate::bound`]: a square costs ε, a product
//! 4ε, plus the propagated errors of its arguments — eq. 21), breaking
//! ties by the weights of sub-products that no target term needs anyway.
//! Every sub-monomial is built once and shared. Squares win whenever they
//! apply (ε < 4ε and one f_s^r instead of three), so `x⁴ = (x²)²`,
//! `x³ = ×′(x, x²)` and `x²y² = (xy)²`. Multi-indices with at most
//! `SPLIT_SEARCH_LIMIT` (64) sub-indices try every split; larger ones try the
//! square, the balanced split `⌊α/2⌋`, one variable times the rest and every
//! target monomial dividing α. Candidates are ranked by their bound in
//! `f64` (only the choice uses floats, which keeps planning fast for targets
//! with thousands of terms); the chosen tree's bound is then recomputed
//! exactly.

use std::collections::{BTreeSet, HashMap};

use num_traits::{One, Signed, Zero};

use crate::bound;
use crate::construct::internal;
use crate::error::CoreError;
use crate::rational::{self, Rational};

/// Multi-indices with more sub-indices than this get the quick split search
/// (module docs).
pub(crate) const SPLIT_SEARCH_LIMIT: usize = 64;

/// How a monomial of the product DAG is computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// The input with this index.
    Input(usize),
    /// f_s^r of the node's argument (index into [`Plan::nodes`]).
    Square(usize),
    /// ×′ of two nodes.
    Mul(usize, usize),
}

/// One monomial of the product DAG.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanNode {
    /// its exponent vector
    pub exps: Vec<u32>,
    /// how it is computed
    pub op: Op,
    /// `R = sup |x^α|` over the domain
    pub range: Rational,
    /// `δ`, the a-priori bound on |computed − x^α|
    pub delta: Rational,
    /// `M`, a bound on |computed| (at most `R + δ`; a square of an argument
    /// within [−1, 1] stays within [0, 1])
    pub reach: Rational,
}

/// The product DAG of a polynomial: every monomial of the target and every
/// sub-monomial they share, children before parents.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Plan {
    /// nodes in build order
    pub nodes: Vec<PlanNode>,
    index: HashMap<Vec<u32>, usize>,
}

impl Plan {
    /// The node of exponent vector `exps`, if planned.
    pub fn node(&self, exps: &[u32]) -> Option<usize> {
        self.index.get(exps).copied()
    }

    /// Number of ×′ blocks.
    pub fn products(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n.op, Op::Mul(..)))
            .count()
    }

    /// Number of squaring blocks outside ×′.
    pub fn squares(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n.op, Op::Square(..)))
            .count()
    }
}

/// A candidate way to compute one monomial, before it is committed. The
/// search ranks candidates by their bound in `f64` (a heuristic: only the
/// ranking uses floats); [`commit`] recomputes the chosen tree's bound
/// exactly.
#[derive(Clone, Debug)]
struct Choice {
    op: ChoiceOp,
    delta: f64,
    reach: f64,
    /// ×′-equivalents of new work below (ties only)
    cost: u64,
}

#[derive(Clone, Debug)]
enum ChoiceOp {
    Input(usize),
    Square(Vec<u32>),
    Mul(Vec<u32>, Vec<u32>),
}

struct Planner<'a> {
    r: u32,
    /// `max(|lo|, |hi|)` per input
    radius: Vec<Rational>,
    /// monomials the target needs anyway
    needed: &'a BTreeSet<Vec<u32>>,
    memo: HashMap<Vec<u32>, Choice>,
}

/// `f64` mirrors of [`bound`]'s formulas, for ranking candidates only.
mod rank {
    fn eps(r: u32) -> f64 {
        (-2.0 * (f64::from(r) + 1.0)).exp2()
    }

    fn low(r: u32, upper: f64) -> f64 {
        if upper <= 1.0 {
            0.0
        } else {
            -(upper - 1.0) * (upper - 1.0 + (-f64::from(r)).exp2())
        }
    }

    /// `(δ, reach)` of f_s^r(|a′|), as `bound::square_inexact` / `square_reach`.
    pub(super) fn square(r: u32, range: f64, delta: f64, reach: f64) -> (f64, f64) {
        let own = eps(r).max(-low(r, reach));
        let out_reach = if reach <= 1.0 {
            (reach * reach + eps(r)).min(1.0)
        } else {
            1.0 + (2.0 - (-f64::from(r)).exp2()) * (reach - 1.0)
        };
        (own + delta * (2.0 * range + delta), out_reach)
    }

    /// `δ` of ×′(a′, b′), as `bound::mul_propagated` (infinite past 2).
    pub(super) fn mul(r: u32, a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
        let ((ra, da, ma), (rb, db, mb)) = (a, b);
        if ma > 2.0 || mb > 2.0 {
            return f64::INFINITY;
        }
        let lo = 2.0 * (low(r, (ma + mb) / 2.0) - 2.0 * eps(r));
        let hi = 2.0 * (eps(r) - low(r, ma / 2.0) - low(r, mb / 2.0));
        lo.abs().max(hi.abs()) + ra * db + rb * da + da * db
    }
}

impl Planner<'_> {
    fn range(&self, exps: &[u32]) -> Rational {
        exps.iter()
            .zip(&self.radius)
            .fold(Rational::one(), |acc, (&k, m)| {
                acc * num_traits::pow(m.clone(), k as usize)
            })
    }

    fn range_f64(&self, exps: &[u32]) -> f64 {
        exps.iter()
            .zip(&self.radius)
            .map(|(&k, m)| rational::to_f64(m).powi(k as i32))
            .product()
    }

    fn best(&mut self, exps: &[u32]) -> Result<Choice, CoreError> {
        if let Some(c) = self.memo.get(exps) {
            return Ok(c.clone());
        }
        let degree: u32 = exps.iter().sum();
        let choice = if degree == 1 {
            let i = exps.iter().position(|&k| k == 1).unwrap_or(0);
            Choice {
                op: ChoiceOp::Input(i),
                delta: 0.0,
                reach: rational::to_f64(&self.radius[i]),
                cost: 0,
            }
        } else {
            let mut best: Option<Choice> = None;
            for (beta, gamma) in self.splits(exps) {
                let candidate = self.evaluate(beta, gamma)?;
                let better = best.as_ref().is_none_or(|b| {
                    candidate.delta < b.delta
                        || (candidate.delta == b.delta && candidate.cost < b.cost)
                });
                if better {
                    best = Some(candidate);
                }
            }
            best.ok_or_else(|| internal("no product split for a monomial"))?
        };
        self.memo.insert(exps.to_vec(), choice.clone());
        Ok(choice)
    }

    /// The cost of a sub-monomial that the target does not need anyway.
    fn extra_cost(&mut self, exps: &[u32]) -> Result<u64, CoreError> {
        if self.needed.contains(exps) || exps.iter().sum::<u32>() == 1 {
            Ok(0)
        } else {
            Ok(self.best(exps)?.cost)
        }
    }

    fn evaluate(&mut self, beta: Vec<u32>, gamma: Vec<u32>) -> Result<Choice, CoreError> {
        let b = self.best(&beta)?;
        let range_b = self.range_f64(&beta);
        if beta == gamma {
            let (delta, reach) = rank::square(self.r, range_b, b.delta, b.reach);
            let cost = 1 + self.extra_cost(&beta)?;
            return Ok(Choice {
                op: ChoiceOp::Square(beta),
                delta,
                reach,
                cost,
            });
        }
        let g = self.best(&gamma)?;
        let range_g = self.range_f64(&gamma);
        let delta = rank::mul(
            self.r,
            (range_b, b.delta, b.reach),
            (range_g, g.delta, g.reach),
        );
        let reach = range_b * range_g + delta;
        let cost = 3 + self.extra_cost(&beta)? + self.extra_cost(&gamma)?;
        Ok(Choice {
            op: ChoiceOp::Mul(beta, gamma),
            delta,
            reach,
            cost,
        })
    }

    /// Candidate splits `(β, α − β)`, each unordered pair once; `β = α − β`
    /// stands for the square. All splits for small multi-indices (at most
    /// `SPLIT_SEARCH_LIMIT` (64) sub-indices), else the square, the balanced
    /// split `⌊α/2⌋`, one variable times the rest, and every target
    /// monomial that divides α (so that shared work is found).
    fn splits(&self, exps: &[u32]) -> Vec<(Vec<u32>, Vec<u32>)> {
        let sub_indices: usize = exps
            .iter()
            .map(|&k| k as usize + 1)
            .try_fold(1usize, |acc, k| acc.checked_mul(k))
            .unwrap_or(usize::MAX);
        let mut out: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
        let mut push = |beta: Vec<u32>| {
            let gamma: Vec<u32> = exps.iter().zip(&beta).map(|(a, b)| a - b).collect();
            let (beta, gamma) = if beta > gamma {
                (gamma, beta)
            } else {
                (beta, gamma)
            };
            if beta.iter().all(|&k| k == 0) || gamma.iter().all(|&k| k == 0) {
                return;
            }
            if !out.iter().any(|(b, _)| *b == beta) {
                out.push((beta, gamma));
            }
        };
        if sub_indices <= SPLIT_SEARCH_LIMIT {
            let mut beta = vec![0u32; exps.len()];
            loop {
                push(beta.clone());
                if !crate::bernstein::next_multi_index(&mut beta, exps) {
                    return out;
                }
            }
        }
        push(exps.iter().map(|k| k / 2).collect());
        for i in 0..exps.len() {
            if exps[i] > 0 {
                let mut unit = vec![0; exps.len()];
                unit[i] = 1;
                push(unit);
            }
        }
        for m in self.needed.iter() {
            if m.as_slice() != exps && m.iter().zip(exps).all(|(a, b)| a <= b) {
                push(m.clone());
            }
        }
        out
    }
}

/// The product DAG for the non-constant terms of `target` (module docs).
///
/// # Errors
/// Only if a product argument could exceed 2 in magnitude, which the
/// supported domains exclude.
pub fn plan(
    target: &crate::Poly,
    domain: &[(Rational, Rational)],
    r: u32,
) -> Result<Plan, CoreError> {
    let needed: BTreeSet<Vec<u32>> = target
        .terms()
        .map(|(e, _)| e.to_vec())
        .filter(|e| e.iter().any(|&k| k > 0))
        .collect();
    let radius = domain
        .iter()
        .map(|(lo, hi)| lo.abs().max(hi.abs()))
        .collect();
    let mut planner = Planner {
        r,
        radius,
        needed: &needed,
        memo: HashMap::new(),
    };
    let mut plan = Plan::default();
    for exps in &needed {
        commit(&mut planner, &mut plan, exps)?;
    }
    Ok(plan)
}

/// Adds the chosen tree of `exps` to the plan, children first, with its
/// exact bound (eq. 21 through [`bound`]).
fn commit(planner: &mut Planner<'_>, plan: &mut Plan, exps: &[u32]) -> Result<usize, CoreError> {
    if let Some(id) = plan.node(exps) {
        return Ok(id);
    }
    let choice = planner.best(exps)?;
    let r = planner.r;
    let (op, delta, reach) = match &choice.op {
        ChoiceOp::Input(i) => (Op::Input(*i), Rational::zero(), planner.radius[*i].clone()),
        ChoiceOp::Square(beta) => {
            let a = commit(planner, plan, beta)?;
            let n = &plan.nodes[a];
            (
                Op::Square(a),
                bound::square_inexact(r, &n.range, &n.delta, &n.reach),
                bound::square_reach(r, &n.reach),
            )
        }
        ChoiceOp::Mul(beta, gamma) => {
            let a = commit(planner, plan, beta)?;
            let b = commit(planner, plan, gamma)?;
            let (x, y) = (&plan.nodes[a], &plan.nodes[b]);
            let delta = bound::mul_propagated(
                r,
                (&x.range, &x.delta, &x.reach),
                (&y.range, &y.delta, &y.reach),
            )
            .ok_or_else(|| internal("a product argument may exceed 2 in magnitude"))?;
            let reach = &x.range * &y.range + &delta;
            (Op::Mul(a, b), delta, reach)
        }
    };
    plan.nodes.push(PlanNode {
        exps: exps.to_vec(),
        op,
        range: planner.range(exps),
        delta,
        reach,
    });
    let id = plan.nodes.len() - 1;
    plan.index.insert(exps.to_vec(), id);
    Ok(id)
}
