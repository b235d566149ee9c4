//! Sizes of `structure = direct` networks estimated before building: upper
//! bounds that follow the construction gadget by gadget, computed from the
//! plan without building anything (tests check them against the built
//! networks), one per wiring — the strict codebook pays gates, copies and
//! Prop. 3's tries; free weights pay neither.

use num_traits::{One, Signed, Zero};

use super::plan::{Op, Plan};
use crate::construct::internal;
use crate::construct::wiring::strict::integer_part;
use crate::error::CoreError;
use crate::gadget::weight;
use crate::poly::Poly;
use crate::rational::{self, Rational};
use crate::spec::NetSpec;

/// An upper bound on the weights of the network of `spec` (with `spec.r`
/// resolved) on `plan`, for the strict wiring or free weights.
///
/// # Errors
/// A coefficient whose integer part is beyond what the strict wiring
/// builds.
pub(crate) fn weights(spec: &NetSpec, plan: &Plan, free: bool) -> Result<u64, CoreError> {
    if free {
        Ok(self::free(spec, plan))
    } else {
        strict(spec, plan)
    }
}

/// The strict wiring's estimate (module docs) on a plan made for `spec.r`.
pub(crate) fn strict(spec: &NetSpec, plan: &Plan) -> Result<u64, CoreError> {
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
    let sole = spec.poly("`structure = direct`")?.terms().count() == 1;
    let mut max_const = 2 * r - 1;
    let mut outputs: u64 = 0;
    for (exps, c) in spec.poly("`structure = direct`")?.terms() {
        if exps.iter().all(|&k| k == 0) {
            // the integer part is 2n halves of a bias-only unit σ(1/2)
            integer_part(spec, exps, c, 1, spec.t_or_default())?;
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
        let n = integer_part(spec, exps, c, exp[i], spec.t_or_default())?;
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

/// The free wiring's estimate: an f_s^r on an argument of at most 2 terms
/// costs at most `4r + 2` weights and yields at most `2r + 2` terms; a ×′
/// at most `12r + 6` plus the gates of its sum (8) and yields at most
/// `6r + 6` terms; the gates of a form cost at most twice its terms.
pub(crate) fn free(spec: &NetSpec, plan: &Plan) -> u64 {
    let r = u64::from(spec.r.unwrap_or(1));
    let sizes = FreeSizes::new(r);
    let mut total = 0u64;
    let mut form = vec![0u64; plan.nodes.len()];
    for (i, node) in plan.nodes.iter().enumerate() {
        let (cost, len) = match node.op {
            Op::Input(_) => (2, 1),
            Op::Square(_) => (sizes.square + 2 * sizes.square_form, sizes.square_form),
            Op::Mul(..) => (sizes.product, sizes.product_form),
        };
        total += cost;
        form[i] = len;
    }
    for (exps, _) in spec.target.poly().into_iter().flat_map(Poly::terms) {
        if let Some(i) = plan.node(exps) {
            total += form[i];
        }
    }
    total
}

/// The sizes of the free gadgets for one `r` (shared with the Taylor
/// estimate).
pub(crate) struct FreeSizes {
    /// one f_s^r on an argument of at most 2 terms
    pub(crate) square: u64,
    /// the terms of its result
    pub(crate) square_form: u64,
    /// one ×′ and the gates of its result
    pub(crate) product: u64,
    /// the terms of a ×′ result
    pub(crate) product_form: u64,
}

impl FreeSizes {
    /// The sizes for `r`.
    pub(crate) fn new(r: u64) -> Self {
        let square = 4 * r + 2;
        let square_form = 2 * r + 2;
        let product_form = 6 * r + 6;
        FreeSizes {
            square,
            square_form,
            // a ×′, and the gates of its result should a later product need them
            product: 3 * square + 8 + 2 * product_form,
            product_form,
        }
    }
}
