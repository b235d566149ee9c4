//! The a-priori bound of `structure = direct`, exactly, by where the error
//! comes from:
//!
//! ```text
//! INFO.error_bound = Σ_α (|c′_α|·δ_α + |c_α − c′_α|·R_α) + |c_0 − c′_0|
//! ```
//!
//! where `δ_α` bounds the monomial's error (propagated through the tree of
//! the plan, including arguments that leave [−1, 1] by their own
//! error; eqs. 3, 8, 21), `R_α = sup |x^α|` on the domain and `c′` the
//! coefficients the wiring realises (Prop. 3's rounding to multiples of
//! 2^−t for the strict codebook, `c′ = c` for free weights, so that the
//! unquantized bound is `Σ_α |c_α|·δ_α`). Computed from the plan, without
//! building.

use num_traits::{Signed, Zero};

use super::plan::{Op, Plan};
use crate::construct::internal;
use crate::construct::wiring::{Free, Made, Strict, Wiring};
use crate::error::CoreError;
use crate::rational::Rational;
use crate::spec::NetSpec;

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

/// How the signal of a plan node is made.
fn made(op: &Op) -> Made {
    match op {
        Op::Input(_) => Made::Input,
        Op::Square(_) => Made::Square,
        Op::Mul(..) => Made::Product,
    }
}

/// The a-priori bound of `spec` under `structure = direct`, by part,
/// computed from the plan without building (with `spec.r`, and `t` or its
/// default; free weights when `spec.quantization` is `unquantized`).
///
/// # Errors
/// As [`super::plan::plan`].
pub fn bound_parts(spec: &NetSpec) -> Result<BoundParts, CoreError> {
    let plan = super::plan::plan(
        spec.poly("`structure = direct`")?,
        &spec.domain,
        spec.r.unwrap_or(1),
    )?;
    let t = spec.t_or_default();
    if spec.is_unquantized() {
        parts::<Free>(spec, &plan, t)
    } else {
        parts::<Strict>(spec, &plan, t)
    }
}

/// [`bound_parts`] on a plan made for `spec.r` already, for the wiring `W`
/// at precision `t`.
pub(crate) fn parts<W: Wiring>(
    spec: &NetSpec,
    plan: &Plan,
    t: u32,
) -> Result<BoundParts, CoreError> {
    let mut parts = BoundParts {
        products: Rational::zero(),
        coefficients: Rational::zero(),
        constant: Rational::zero(),
    };
    for (exps, c) in spec.poly("`structure = direct`")?.terms() {
        if exps.iter().all(|&k| k == 0) {
            parts.constant += (c - W::realised_constant(c, t)).abs();
            continue;
        }
        let id = plan
            .node(exps)
            .ok_or_else(|| internal("unplanned monomial"))?;
        let node = &plan.nodes[id];
        let c_real = W::realised(c, made(&node.op), t);
        parts.products += c_real.abs() * &node.delta;
        parts.coefficients += (c - &c_real).abs() * &node.range;
    }
    Ok(parts)
}
