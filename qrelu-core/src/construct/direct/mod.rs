//! `structure = direct`: a polynomial `p = c_0 + Σ c_α x^α` built term by
//! term — monomials through shared products (×′, Prop. 2, and f_s^r,
//! Prop. 1), coefficients through weight sub-networks (Prop. 3), the
//! constant from the constant chain — on `[0, 1]^d` or `[−1, 1]^d`.
//!
//! | step | file | what |
//! | --- | --- | --- |
//! | check | here | domains `[0, 1]` and `[−1, 1]`; no `n`, `N` |
//! | resolve | `resolve.rs` | `r` and `t` from `eps`, and the `tune = smallest` search |
//! | plan | `plan.rs` | the product DAG and each monomial's error δ (eq. 21) |
//! | bound | `bound.rs` | `Σ_α (\|c′_α\|·δ_α + \|c_α − c′_α\|·R_α) + \|c_0 − c′_0\|`, exactly |
//! | estimate | `estimate.rs` | the weights, before building |
//! | build | `build.rs` | the network, for either wiring |
//!
//! How a value, a coefficient or a constant is realised is the wiring's
//! business (the wiring of [`crate::construct`]: signals with ±1/2 coefficients
//! and Prop. 3 for the strict codebook, plain weights for the unquantized
//! reference).
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
//! # Default `t`
//!
//! `t = 2(r + 1)`: a rounded coefficient then errs by at most
//! `2^−(t+1) = 2^−(2r+3)`, an eighth of the squaring error and a 32nd of
//! the product error, so the bound is dominated by the products (eq. 8)
//! unless the target has many terms with large coefficients.

pub mod bound;
pub(crate) mod build;
pub(crate) mod estimate;
pub(crate) mod expr;
pub mod plan;
pub(crate) mod resolve;

#[cfg(test)]
mod tests;

pub use bound::{BoundParts, bound_parts};
pub use plan::{Op, Plan, PlanNode, plan};

use num_traits::{One, Zero};

use super::wiring::Wiring;
use super::{Built, Params, Recipe, tightened};
use crate::error::{CoreError, Subject};
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param};

/// `structure = direct` (module docs).
pub(crate) struct Direct;

/// What `resolve` fixes for a direct network: the spec with `r` (and `t`
/// where chosen) and the product DAG for that `r`.
pub(crate) struct DirectPlan {
    spec: NetSpec,
    plan: Plan,
}

impl<W: Wiring> Recipe<W> for Direct {
    type Plan = DirectPlan;

    fn check(spec: &NetSpec) -> Result<(), CoreError> {
        super::check_params(spec, false)?;
        if spec.r.is_none() && spec.eps.is_none() {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param(Param::R),
                message: "`r` is required unless `eps` is given".to_owned(),
            });
        }
        check_domain(spec)
    }

    fn resolve(spec: &NetSpec) -> Result<DirectPlan, CoreError> {
        let spec = resolve::resolve::<W>(spec)?;
        let plan = plan::plan(
            spec.poly("`structure = direct`")?,
            &spec.domain,
            spec.r.unwrap_or(1),
        )?;
        Ok(DirectPlan { spec, plan })
    }

    fn spec(plan: &DirectPlan) -> &NetSpec {
        &plan.spec
    }

    /// The smaller of the gadget-by-gadget bound of `estimate.rs` and a
    /// dry run of the build (`tightened`: the weights before the passes,
    /// exactly).
    fn estimate(plan: &DirectPlan) -> Result<u64, CoreError> {
        let DirectPlan { spec, plan } = plan;
        let analytic = estimate::weights(spec, plan, W::FREE)?;
        tightened(spec, analytic, || {
            build::build(W::new(spec, spec.t_or_default())?, spec, plan)
        })
    }

    fn build(plan: DirectPlan) -> Result<Built, CoreError> {
        let DirectPlan { mut spec, plan } = plan;
        let r = spec.r.unwrap_or(1);
        let t = spec.t_or_default();
        let net = build::build(W::new(&spec, t)?, &spec, &plan)?;
        // the realised coefficients are those of `bound::parts` (`W::realised`)
        let error_bound = bound::parts::<W>(&spec, &plan, t)?.total();
        if W::FREE {
            spec.t = None;
        }
        Ok(Built {
            net,
            error_bound,
            spec,
            params: Params::products(r, if W::FREE { 0 } else { t }),
        })
    }
}

/// Refuses domains the construction does not implement.
fn check_domain(spec: &NetSpec) -> Result<(), CoreError> {
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
