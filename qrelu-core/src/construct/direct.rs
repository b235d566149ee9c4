//! `structure = direct`: a polynomial `p = c_0 + Σ c_α x^α` built term by
//! term — monomials through shared products (×′, Prop. 2, and f_s^r,
//! Prop. 1), coefficients through weight sub-networks (Prop. 3), the
//! constant from the constant chain.
//!
//! # Signals
//!
//! Every intermediate value `s` (an input, a square, a product) is carried
//! as a linear form `F` with coefficients ±1/2 and an exponent `e ∈ {0, 1}`,
//! `s = 2^e·F`; ±1/2 coefficients make `−F` a valid form too, so the
//! **gates** `P = σ(F) = 2^−e·s⁺` and `N = σ(−F) = 2^−e·s⁻` (block `abs`)
//! can always be built — the ReLU gate trick of the proof of Prop. 3, which
//! also gives `|s| = 2^e(P + N)` (block B_abs of Table 1). Gates are built
//! once per signal and shared by every consumer; copies of a gate (needed
//! because a gain of 1 takes two edges of weight 1/2) come from
//! [`PowerChain`]. A signal known to be nonnegative (an input on [0, 1], a
//! square) has no `N` gate.
//!
//! - input `x`: `F = ½x`, `e = 1`;
//! - square `f_s^r(|s|)`: the argument `|s|` is `2^e(P + N)` read from
//!   `2^(e+1)` copies of each gate; the result is f_s^r's own form, `e = 0`;
//! - product `×′(a, b)`: the arguments `|a+b|/2`, `|a|/2`, `|b|/2` come from
//!   gates, and [`mul`](crate::gadget::mul::mul) returns `F` worth ×′/2,
//!   so `e = 1` — the factor 2 of eq. 7 is paid once, by the coefficient.
//!
//! Before a large form is used as an argument it is **materialised**: two
//! copies of each gate replace it by `½(P_0 + P_1) − ½(N_0 + N_1)` (same
//! value), so later sums `a + b` read four units, not the hundreds of terms
//! of a product.
//!
//! # Product tree
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
//! [`SPLIT_SEARCH_LIMIT`] sub-indices try every split; larger ones try the
//! square, the balanced split `⌊α/2⌋`, one variable times the rest and every
//! target monomial dividing α. Candidates are ranked by their bound in
//! `f64` (only the choice uses floats, which keeps planning fast for targets
//! with thousands of terms); the chosen tree's bound is then recomputed
//! exactly.
//!
//! # Coefficients
//!
//! `c·s = c·2^e·(P − N)`: the multiplier `m = |c|·2^e` is rounded to the
//! nearest multiple of 2^−t, its integer part is realised by fan-in
//! multiplicity and its fraction by the power-of-two chain of Prop. 3 on
//! each gate ([`weight::times`]). When `m = 1` the form itself is added to
//! the output (no gates), if that keeps every output weight in the
//! codebook. The constant `c_0`, rounded likewise to `±(n + Σ d_k 2^−k)`:
//! its integer part is `4n` bias-only units `σ(1/2)` read with ±1/2, its bit
//! 2^−1 is the output bias ±1/2, and each bit 2^−k (k ≥ 2) reads the shared
//! constant `K_{k−1}` with ±1/2.
//!
//! # Table 1's parts
//!
//! The vocabulary of Theorem 1's network applies here too, so `NetInfo`
//! reports the same parts for both structures (net module docs): each
//! square or product is one B_×′ instance, the gates of each signal one
//! B_abs instance, each coefficient realised through Prop. 3 one B_w
//! instance, and every constant unit (the constant term, the `K_j` of
//! f_s^r) lies in the one B_N instance. There is no B_s or B_h.
//!
//! # Bound
//!
//! `INFO.error_bound = Σ_α (|c′_α|·δ_α + |c_α − c′_α|·R_α) + |c_0 − c′_0|`
//! where `δ_α` bounds the monomial's error (propagated through the tree,
//! including arguments that leave [−1, 1] by their own error), `R_α =
//! sup |x^α|` on the domain and `c′` the realised coefficients (exact).
//!
//! # Default `t`
//!
//! `t = 2(r + 1)`: a rounded coefficient then errs by at most
//! `2^−(t+1) = 2^−(2r+3)`, an eighth of the squaring error and a 32nd of
//! the product error, so the bound is dominated by the products (eq. 8)
//! unless the target has many terms with large coefficients.

use std::collections::{BTreeSet, HashMap};

use num_traits::{One, Signed, Zero};

use super::signal::{self, Signal};
use super::{NetSpec, internal};
use crate::bound;
use crate::error::{CoreError, Subject};
use crate::gadget::weight::{self, CopyRecipe, PowerChain, Sign};
use crate::net::{LinearForm, Net, NetBuilder, Part};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// Multi-indices with more sub-indices than this get the quick split search
/// (module docs).
pub const SPLIT_SEARCH_LIMIT: usize = 64;

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
    /// [`SPLIT_SEARCH_LIMIT`] sub-indices), else the square, the balanced
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
                // odometer over 0..=exps[i]
                let mut i = 0;
                loop {
                    if i == exps.len() {
                        return out;
                    }
                    if beta[i] < exps[i] {
                        beta[i] += 1;
                        break;
                    }
                    beta[i] = 0;
                    i += 1;
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

/// Refuses domains the construction does not implement.
pub(crate) fn check_supported(spec: &NetSpec) -> Result<(), CoreError> {
    let zero = Rational::zero();
    let one = Rational::one();
    for (i, (lo, hi)) in spec.domain.iter().enumerate() {
        let ok = *hi == one && (*lo == zero || *lo == -&one);
        if !ok {
            return Err(CoreError::Unsupported {
                subject: Subject::Domain(i),
                message: format!(
                    "the domain [{}, {}] is not supported; use [0, 1] or [-1, 1]",
                    rational::display(lo),
                    rational::display(hi)
                ),
            });
        }
    }
    Ok(())
}

/// Weights of the network, estimated from the plan before building: an
/// upper bound that follows the construction gadget by gadget (tests check
/// it against the built networks), computed without building anything.
pub(crate) fn estimate_weights(spec: &NetSpec) -> Result<u64, CoreError> {
    let plan = plan(&spec.target, &spec.domain, spec.r.unwrap_or(1))?;
    estimate_on(spec, &plan)
}

/// [`estimate_weights`] on a plan made for `spec.r` already.
pub(crate) fn estimate_on(spec: &NetSpec, plan: &Plan) -> Result<u64, CoreError> {
    let r = u64::from(spec.r.unwrap_or(1));
    let t = u64::from(spec.t_or_default());
    let nodes = &plan.nodes;
    // per node: exponent, signs (1 if nonnegative), form length
    let mut exp = vec![0u64; nodes.len()];
    let mut signs = vec![2u64; nodes.len()];
    let mut form = vec![0u64; nodes.len()];
    // copies of each gate the consumers need
    let mut copies = vec![0u64; nodes.len()];
    let mut total: u64 = 0;
    let two = |e: u64| 1u64 << e;
    // the form a sum reads for `s/2`, and the copies it needs for that
    let half_len = |i: usize, exp: &[u64], signs: &[u64], form: &[u64]| -> (u64, u64) {
        if form[i] > 4 {
            (2 * signs[i], 2)
        } else if exp[i] == 1 {
            (form[i], 0)
        } else {
            (signs[i], 1)
        }
    };
    for (i, node) in nodes.iter().enumerate() {
        match node.op {
            Op::Input(k) => {
                exp[i] = 1;
                signs[i] = if spec.domain[k].0 >= Rational::zero() {
                    1
                } else {
                    2
                };
                form[i] = 1;
            }
            Op::Square(a) => {
                let need = two(exp[a] + 1).max(if form[a] > 4 { 2 } else { 0 });
                copies[a] = copies[a].max(need);
                let u = two(exp[a] + 1) * signs[a];
                total += 2 * u + 6 * (r - 1);
                exp[i] = 0;
                signs[i] = 1;
                form[i] = u + 3 * r;
            }
            Op::Mul(a, b) => {
                let (ha, ca) = half_len(a, &exp, &signs, &form);
                let (hb, cb) = half_len(b, &exp, &signs, &form);
                for (x, c) in [(a, ca), (b, cb)] {
                    let need = c.max(two(exp[x])).max(if form[x] > 4 { 2 } else { 0 });
                    copies[x] = copies[x].max(need);
                }
                let sum_signs = if signs[a] == 1 && signs[b] == 1 { 1 } else { 2 };
                // the sum's own gates: two copies of each sign
                total += sum_signs * 2 * (ha + hb);
                let (s, p, q) = (
                    2 * sum_signs,
                    two(exp[a]) * signs[a],
                    two(exp[b]) * signs[b],
                );
                total += 2 * (s + p + q) + 18 * (r - 1);
                exp[i] = 1;
                signs[i] = 2;
                form[i] = s + p + q + 7 * r;
            }
        }
    }
    // coefficients: chains on the gates, or the form itself (below)
    let sole = spec.target.terms().count() == 1;
    let mut max_const = 2 * r - 1;
    let mut outputs: u64 = 0;
    for (exps, c) in spec.target.terms() {
        if exps.iter().all(|&k| k == 0) {
            // the integer part is 2n halves of a bias-only unit σ(1/2)
            integer_part(spec, exps, c, 1)?;
            let realised = weight::round_to(c, spec.t_or_default()).abs();
            let n = u64::try_from(rational::floor(&realised)).unwrap_or(u64::MAX / 4);
            let (_, integer) = weight::integer_part_cost(2 * n);
            outputs += integer + t;
            max_const = max_const.max(t);
            continue;
        }
        let i = plan
            .node(exps)
            .ok_or_else(|| internal("unplanned monomial"))?;
        let m = c.abs() * rational::pow2(exp[i] as i64);
        // a multiplier 1 adds the form itself unless it clashes with what the
        // output already reads (shared constants, gate copies); that is
        // certain only for a target of one term, so otherwise count the
        // gates, which cost more
        if m.is_one() && sole {
            outputs += form[i];
            continue;
        }
        let n = integer_part(spec, exps, c, exp[i])?;
        let (reads, integer) = weight::integer_part_cost(n);
        copies[i] = copies[i].max(reads + 1);
        // per sign: the trie (≤ t − 1 nodes), the integer part, one read per bit
        total += signs[i] * (t + integer + t);
    }
    for i in 0..nodes.len() {
        let (c, f) = (copies[i], form[i]);
        let rebuilt = c.min(2) * f + c.saturating_sub(2) * if f <= 2 { f } else { 2 };
        total += signs[i] * rebuilt;
    }
    Ok(total + outputs + max_const)
}

/// `⌊m⌋` for the multiplier `m = |c|·2^exp` (rounded to a multiple of
/// 2^−t) of the term `c·x^α`, refused
/// above what fan-in multiplicity builds (the message names the term and
/// the largest coefficient it could have).
fn integer_part(spec: &NetSpec, exps: &[u32], c: &Rational, exp: u64) -> Result<u64, CoreError> {
    // rounding to a multiple of 2^−t may carry into the integer part
    let m = weight::round_to(&(c.abs() * rational::pow2(exp as i64)), spec.t_or_default());
    let n = rational::floor(&m);
    u64::try_from(n)
        .ok()
        .filter(|&n| n <= weight::MAX_MULTIPLE)
        .ok_or_else(|| {
            let names: Vec<&str> = spec.inputs.iter().map(String::as_str).collect();
            let term = crate::Poly::from_terms(names.len(), [(c.clone(), exps.to_vec())]);
            CoreError::Unsupported {
                subject: Subject::Target,
                message: format!(
                    "the term `{}` has too large a coefficient: integer parts are built \
                     by doubling units, which allows magnitudes below 2^{} here",
                    term.display_with(&names),
                    weight::MAX_MULTIPLE.trailing_zeros() as u64 - exp
                ),
            }
        })
}

/// The a-priori bound of a direct construction, split by where the error
/// comes from (module docs, "Bound"); the three parts add up to
/// `INFO.error_bound`.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundParts {
    /// `Σ |c′_α|·δ_α`: the squares and products (eqs. 3, 8, 21)
    pub products: Rational,
    /// `Σ |c_α − c′_α|·R_α`: coefficients rounded to multiples of 2^−t
    /// (Prop. 3)
    pub coefficients: Rational,
    /// `|c_0 − c′_0|`: the constant term rounded to a multiple of 2^−t
    pub constant: Rational,
}

impl BoundParts {
    /// The bound itself.
    pub fn total(&self) -> Rational {
        &self.products + &self.coefficients + &self.constant
    }
}

/// The realised coefficient `c′` of a term whose signal has exponent
/// `exp`: `|c|·2^exp` rounded to a multiple of 2^−t (exact when it already
/// is one, in particular when it is 1).
pub(crate) fn realised(c: &Rational, exp: u32, t: u32) -> Rational {
    let m = weight::round_to(&(c.abs() * rational::pow2(i64::from(exp))), t);
    let value = m * rational::pow2(-i64::from(exp));
    if c.is_negative() { -value } else { value }
}

/// The exponent of a plan node's signal (module docs, "Signals").
fn signal_exp(op: &Op) -> u32 {
    match op {
        Op::Square(_) => 0,
        Op::Input(_) | Op::Mul(..) => 1,
    }
}

/// The a-priori bound of `spec` under `structure = direct`, by part,
/// computed from the plan without building.
///
/// # Errors
/// As [`plan`].
pub fn bound_parts(spec: &NetSpec) -> Result<BoundParts, CoreError> {
    let plan = plan(&spec.target, &spec.domain, spec.r.unwrap_or(1))?;
    bound_parts_on(spec, &plan)
}

/// [`bound_parts`] on a plan made for `spec.r` already.
pub(crate) fn bound_parts_on(spec: &NetSpec, plan: &Plan) -> Result<BoundParts, CoreError> {
    let t = spec.t_or_default();
    let mut parts = BoundParts {
        products: Rational::zero(),
        coefficients: Rational::zero(),
        constant: Rational::zero(),
    };
    for (exps, c) in spec.target.terms() {
        if exps.iter().all(|&k| k == 0) {
            parts.constant += (c - weight::round_to(c, t)).abs();
            continue;
        }
        let id = plan
            .node(exps)
            .ok_or_else(|| internal("unplanned monomial"))?;
        let node = &plan.nodes[id];
        let c_real = realised(c, signal_exp(&node.op), t);
        parts.products += c_real.abs() * &node.delta;
        parts.coefficients += (c - &c_real).abs() * &node.range;
    }
    Ok(parts)
}

/// Builds the network; returns it with its bound and the `r`, `t` used.
pub(crate) fn build(spec: &NetSpec) -> Result<(Net, Rational, u32, u32), CoreError> {
    let r = spec.r.unwrap_or(1);
    let t = spec.t_or_default();
    let codebook = Codebook::new(spec.quantization, spec.lambda, t)?;
    let plan = plan(&spec.target, &spec.domain, r)?;
    let mut b = NetBuilder::new(codebook, &spec.inputs);

    // the product DAG, children first
    let mut signals: Vec<Signal> = Vec::with_capacity(plan.nodes.len());
    for node in &plan.nodes {
        let signal = match node.op {
            Op::Input(i) => {
                let form = LinearForm::halves(&[b.input(i)]);
                Signal::new(form, 1, spec.domain[i].0 >= Rational::zero())
            }
            Op::Square(a) => signal::square(&mut b, &mut signals[a], r)?,
            Op::Mul(x, y) => {
                let (a, c) = signal::pair_mut(&mut signals, x, y)?;
                signal::product(&mut b, a, c, r)?
            }
        };
        signals.push(signal);
    }

    let mut out = LinearForm::default();
    let mut bias = Rational::zero();

    // the constant term first: its bits read the shared constant chain
    let c0 = spec.target.coefficient(&vec![0; spec.inputs.len()]);
    if !c0.is_zero() {
        let c0 = weight::round_to(&c0, t);
        bias = constant(spec, &mut b, &c0, &mut out)?;
    }

    for (exps, c) in spec.target.terms() {
        if exps.iter().all(|&k| k == 0) {
            continue;
        }
        let id = plan
            .node(exps)
            .ok_or_else(|| internal("unplanned monomial"))?;
        let signal = &mut signals[id];
        let m = c.abs() * rational::pow2(i64::from(signal.exp));
        let negative = c.is_negative();
        if m.is_one() && fits(b.codebook(), &out, &signal.form, negative) {
            out.add(&signal.form, negative);
        } else {
            let m = weight::round_to(&m, t);
            if !m.is_zero() {
                // one B_w instance per coefficient (Table 1)
                b.in_part(Part::Weights, |b| {
                    for gate_negative in [false, true] {
                        if gate_negative && signal.nonneg {
                            continue;
                        }
                        let chain = signal.gate(b, gate_negative)?;
                        let sign = if negative != gate_negative {
                            Sign::Minus
                        } else {
                            Sign::Plus
                        };
                        let form = weight::times(b, chain, &m, sign)?;
                        out.add(&form, false);
                    }
                    Ok(())
                })?;
            }
        }
    }

    let net = b.finish(bias, &out)?;
    // the realised coefficients are those of `bound_parts` (`realised`)
    Ok((net, bound_parts(spec)?.total(), r, t))
}

/// Whether adding `±form` to `out` keeps every merged coefficient zero or
/// in the codebook.
fn fits(codebook: &Codebook, out: &LinearForm, form: &LinearForm, negate: bool) -> bool {
    let mut merged = out.clone();
    merged.add(form, negate);
    merged.terms.iter().all(|(_, c)| codebook.contains(c))
}

/// Adds the constant `c` (a multiple of 2^−t) to `out` (module docs) and
/// returns the output bias it needs.
pub(crate) fn constant(
    spec: &NetSpec,
    b: &mut NetBuilder,
    c: &Rational,
    out: &mut LinearForm,
) -> Result<Rational, CoreError> {
    let half = rational::ratio(1, 2);
    let coef = if c.is_negative() {
        -&half
    } else {
        half.clone()
    };
    let magnitude = c.abs();
    // the integer part is read as 2n halves: check 2|c| against the limit
    integer_part(spec, &vec![0; spec.inputs.len()], c, 1)?;
    let n = u64::try_from(rational::floor(&magnitude)).map_err(|_| internal("constant"))?;
    let mut frac = &magnitude - Rational::from_integer(n.into());
    if n > 0 {
        // n = 2n halves of a unit σ(1/2) of its own (not K_1, which the
        // fraction's bits may read too): copies, or the doubling ladder;
        // constant units, so B_N of Table 1
        let form = b.in_constants(|b| {
            b.begin_block("const");
            let one = b.relu("one", half.clone(), &[]);
            b.end_block();
            let mut chain = PowerChain::new(
                one?,
                CopyRecipe::Rebuild {
                    bias: half.clone(),
                    edges: Vec::new(),
                },
            )
            .copies_in("const");
            let sign = if c.is_negative() {
                Sign::Minus
            } else {
                Sign::Plus
            };
            weight::times(b, &mut chain, &Rational::from_integer((2 * n).into()), sign)
        })?;
        out.add(&form, false);
    }
    let mut bias = Rational::zero();
    let mut k = 0u32;
    while !frac.is_zero() {
        k += 1;
        frac *= rational::int(2);
        if frac >= Rational::one() {
            frac -= Rational::one();
            if k == 1 {
                bias = coef.clone();
            } else {
                let unit = b.pow2_const(k - 1)?;
                let mut term = LinearForm::default();
                term.push(unit, coef.clone());
                out.add(&term, false);
            }
        }
    }
    Ok(bias)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Poly;
    use crate::rational::ratio;

    fn unit_box(d: usize) -> Vec<(Rational, Rational)> {
        vec![(Rational::zero(), Rational::one()); d]
    }

    #[test]
    fn squares_win_when_they_apply() {
        let x = Poly::var(1, 0);
        let plan = plan(&x.pow(4), &unit_box(1), 5).unwrap();
        let ops: Vec<_> = plan.nodes.iter().map(|n| n.op.clone()).collect();
        assert_eq!(ops, vec![Op::Input(0), Op::Square(0), Op::Square(1)]);
        // δ(x²) = ε; δ(x⁴) = ε + ε(2 + ε)
        let eps = bound::square(5);
        assert_eq!(plan.nodes[1].delta, eps);
        assert_eq!(plan.nodes[2].delta, &eps + &eps * (rational::int(2) + &eps));
    }

    #[test]
    fn sub_products_are_shared() {
        // x·y·z and y·z: y·z built once, x·(y·z) reuses it
        let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
        let target = x.mul(&y).mul(&z).add(&y.mul(&z));
        let plan = plan(&target, &unit_box(3), 4).unwrap();
        assert_eq!(plan.products(), 2);
        let xyz = plan.node(&[1, 1, 1]).unwrap();
        let yz = plan.node(&[0, 1, 1]).unwrap();
        assert!(matches!(plan.nodes[xyz].op, Op::Mul(a, b) if a == yz || b == yz));
        // 4ε each, plus a little because y·z may exceed 1 by its own error
        let eight_eps = bound::mul(4) * rational::int(2);
        assert!(plan.nodes[xyz].delta > eight_eps);
        assert!(plan.nodes[xyz].delta < eight_eps + bound::square(4));
    }

    #[test]
    fn cube_is_x_times_x_squared() {
        let x = Poly::var(1, 0);
        let plan = plan(&x.pow(3), &unit_box(1), 6).unwrap();
        assert_eq!(plan.products(), 1);
        assert_eq!(plan.squares(), 1);
        // the square stays within [0, 1], so ×′ sees no argument beyond 1
        assert_eq!(plan.nodes[1].reach, Rational::one());
        assert_eq!(
            plan.nodes.last().unwrap().delta,
            bound::mul(6) + bound::square(6)
        );
        assert_eq!(ratio(1, 2), rational::pow2(-1));
    }

    /// Builds `target` and checks the exact error on a grid of `k/den`
    /// points against the bound; returns (weights, bound, measured).
    fn check(
        target: Poly,
        inputs: &[&str],
        signed: bool,
        r: u32,
        t: Option<u32>,
        lambda: u32,
    ) -> (usize, Rational, Rational) {
        let mut spec = NetSpec::new("T", inputs, target.clone());
        if signed {
            spec.domain = vec![(-Rational::one(), Rational::one()); inputs.len()];
        }
        spec.r = Some(r);
        spec.t = t;
        spec.lambda = lambda;
        let c = crate::construct::build(&spec).unwrap();
        let estimate = crate::construct::estimate_weights(&spec).unwrap();
        assert!(
            estimate >= c.metrics.weights as u64,
            "estimate {estimate} < {}",
            c.metrics.weights
        );
        eprintln!("estimate {estimate} actual {}", c.metrics.weights);
        let den = 9i64;
        let lo = if signed { -den } else { 0 };
        let d = inputs.len();
        let mut worst = Rational::zero();
        let mut idx = vec![lo; d];
        loop {
            let x: Vec<Rational> = idx.iter().map(|&k| ratio(k, den)).collect();
            let err = (crate::eval::eval(&c.net, &x) - target.eval(&x)).abs();
            assert!(
                err <= c.error_bound,
                "error {err} > bound {} at {x:?}",
                c.error_bound
            );
            worst = worst.max(err);
            let mut i = 0;
            loop {
                if i == d {
                    return (c.metrics.weights, c.error_bound, worst);
                }
                if idx[i] < den {
                    idx[i] += 1;
                    break;
                }
                idx[i] = lo;
                i += 1;
            }
        }
    }

    #[test]
    fn issue_examples_meet_their_bounds() {
        let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
        let c = |n, d| Poly::constant(3, ratio(n, d));
        let product = Poly::var(2, 0).mul(&Poly::var(2, 1));
        let (w, bd, m) = check(product, &["x", "y"], true, 8, None, 2);
        eprintln!("product: {w} weights, bound {bd}, measured {m}");
        let x1 = Poly::var(1, 0);
        let cubic = x1
            .pow(3)
            .scale(&ratio(3, 4))
            .sub(&x1.scale(&ratio(1, 2)))
            .add(&Poly::constant(1, ratio(1, 8)));
        let (w, bd, m) = check(cubic, &["x"], false, 10, Some(16), 4);
        eprintln!("cubic: {w} weights, bound {bd}, measured {m}");
        let mix = x
            .mul(&y)
            .mul(&z)
            .sub(&x.pow(2).scale(&ratio(2, 1)))
            .add(&y.sub(&z).pow(2).mul(&c(1, 3)));
        check(x1.pow(2), &["x"], false, 24, None, 2);
        check(x1.pow(2), &["x"], true, 5, None, 2);
        check(
            x1.pow(4)
                .add(&x1.pow(2))
                .sub(&Poly::constant(1, ratio(7, 3))),
            &["x"],
            true,
            5,
            None,
            3,
        );
        let (w, bd, m) = check(mix, &["x", "y", "z"], false, 8, Some(12), 3);
        eprintln!("mix: {w} weights, bound {bd}, measured {m}");
    }

    /// Cases where the estimate once fell below the built size: a form that
    /// clashes with the output's gate copies, a coefficient whose rounding
    /// carries into the integer part, a constant rounded before doubling.
    #[test]
    fn estimate_is_an_upper_bound_on_past_failures() {
        let x = Poly::var(1, 0);
        let cases = [
            (
                x.scale(&ratio(-7, 2)).add(&x.pow(3).scale(&ratio(1, 2))),
                false,
                5,
                3,
            ),
            (
                Poly::constant(1, ratio(-7, 3))
                    .add(&x.pow(2).scale(&ratio(-5, 3)))
                    .add(&x.pow(4).scale(&ratio(4, 5))),
                true,
                7,
                1,
            ),
            (Poly::constant(1, ratio(-9, 5)), false, 5, 1),
        ];
        for (target, signed, r, t) in cases {
            let mut spec = NetSpec::new("T", &["x"], target);
            if signed {
                spec.domain = vec![(-Rational::one(), Rational::one())];
            }
            spec.r = Some(r);
            spec.t = Some(t);
            let built = crate::construct::build(&spec).unwrap().metrics.weights as u64;
            let estimate = crate::construct::estimate_weights(&spec).unwrap();
            assert!(estimate >= built, "{estimate} < {built}");
        }
    }

    /// Table 1's vocabulary for `structure = direct` (module docs): every
    /// unit in one part, B_N exactly the constants, one B_×′ per square or
    /// product of the plan, one B_w per coefficient built through Prop. 3,
    /// no B_s or B_h.
    #[test]
    fn direct_networks_are_accounted_by_table_1_parts() {
        use crate::metrics::{self, part_instances};
        use crate::net::Part;
        let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
        let mix = x
            .mul(&y)
            .mul(&z)
            .sub(&x.pow(2).scale(&ratio(2, 1)))
            .add(&y.sub(&z).pow(2).scale(&ratio(1, 3)));
        let u = Poly::var(1, 0);
        // 3/4·u³ − u/2 + 1/8: −u/2 is the input's own form (no B_w), the
        // constant 1/8 the chain K_2 (B_N); −7/3 + …: an integer part of
        // constant units
        let cubic = u
            .pow(3)
            .scale(&ratio(3, 4))
            .sub(&u.scale(&ratio(1, 2)))
            .add(&Poly::constant(1, ratio(1, 8)));
        let big_constant = Poly::constant(1, ratio(-7, 3)).add(&u.pow(2).scale(&ratio(-5, 3)));
        let cases = [
            (mix, false, None),
            (cubic, false, Some(1)),
            (big_constant, true, Some(1)),
        ];
        for (target, signed, weights) in cases {
            let d = target.nvars();
            let names: Vec<String> = (0..d).map(|k| format!("x{k}")).collect();
            let mut spec = NetSpec::new(
                "T",
                &names.iter().map(String::as_str).collect::<Vec<_>>(),
                target.clone(),
            );
            if signed {
                spec.domain = vec![(-Rational::one(), Rational::one()); d];
            }
            spec.r = Some(5);
            let c = crate::construct::build(&spec).unwrap();
            crate::metrics::tests::assert_parts_partition(&c.net);
            let plan = plan(&target, &spec.domain, 5).unwrap();
            let mul = part_instances(&c.net, Part::Mul);
            assert_eq!(mul.len(), plan.squares() + plan.products());
            // a square is one f_s^r (2r units), a product three
            assert!(mul.iter().all(|m| m.units == 10 || m.units == 30));
            let names: Vec<String> = metrics::parts(&c.net).into_iter().map(|p| p.name).collect();
            assert!(!names.iter().any(|n| n == "B_s" || n == "B_h"), "{names:?}");
            let terms = target
                .terms()
                .filter(|(e, _)| e.iter().any(|&k| k > 0))
                .count();
            let w = part_instances(&c.net, Part::Weights).len();
            assert!(w <= terms);
            if let Some(expected) = weights {
                assert_eq!(w, expected);
            }
        }
    }
}
