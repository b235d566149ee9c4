//! `structure = lipschitz` (Section 5, Theorem 2, Table 2): one-input
//! targets on [0, 1] with Lipschitz constant at most 1 — polynomials,
//! evaluated exactly, and any other expression of the DSL, enclosed
//! ([`OneInput`]).
//!
//! | step | file | what |
//! | --- | --- | --- |
//! | check | `check.rs` | one input on [0, 1], `eps` given, a Lipschitz constant ≤ 1 proved (Bernstein for a polynomial, enclosures of f′ by subdivision otherwise) |
//! | f̃ | `transform.rs` | the transform of eqs. 31–33 and Prop. 4, exactly for a polynomial, on enclosures otherwise (one grid step more where a knot cannot be decided) |
//! | f^T | `interpolant.rs` | the interpolant of f̃ at `T = 2^τ` points: B_T, B_f^T, B_w; τ and t from a rigorous bound on the target (Bernstein coefficients or second-order Taylor forms per piece) |
//! | Fig. 4 | `cached.rs` | the cached functions on top of f^T: parameters, the plan, the bound `(2^−t + 1/m)/T` |
//! | Fig. 4's units | `cached_units.rs` | B_s1–3, B_δ, B_m, B_f*1–3, B_Φ in the strict codebook |
//!
//! What `structure = lipschitz` builds is Fig. 4's network (`cached.rs`),
//! with T and m from `eps` by Theorem 2's proof. With `tune = smallest`
//! it builds two candidates — Fig. 4 pruned (no cached function where f^T
//! alone is close enough) and f^T alone with τ and t from its exact bound
//! on the target ([`build_interpolant`]) — each through the whole
//! pipeline (so each has the `max_weights` guard), and keeps the one with
//! fewer weights. The unquantized reference of this structure is not
//! built.

pub(crate) mod cached;
pub(crate) mod cached_units;
pub(crate) mod check;
pub(crate) mod interpolant;
pub(crate) mod transform;

#[cfg(test)]
mod expr_tests;
#[cfg(test)]
mod tests;

pub use cached::{CachedParams, choose as cached_params, paper_intervals, paper_mu};
pub use check::lipschitz_constant;
use interpolant::LipschitzParams;
pub use transform::OneInput;

use super::wiring::Strict;
use super::{Built, Construction, Params, Recipe, construct, tightened};
use crate::error::CoreError;
use crate::quantize::Codebook;
use crate::spec::NetSpec;

/// `structure = lipschitz` as the DSL names it (module docs).
pub(crate) struct Lipschitz;

/// What `resolve` fixes for `structure = lipschitz`.
pub(crate) enum LipschitzPlan {
    /// Fig. 4's network, to build
    Fig4(Box<Fig4Plan>),
    /// the smaller of the `tune = smallest` candidates, built already
    Chosen(Box<Construction>),
}

impl Recipe<Strict> for Lipschitz {
    type Plan = LipschitzPlan;

    fn check(spec: &NetSpec) -> Result<(), CoreError> {
        check::check_supported(spec)
    }

    fn resolve(spec: &NetSpec) -> Result<LipschitzPlan, CoreError> {
        if !spec.tune {
            let plan = <Fig4 as Recipe<Strict>>::resolve(spec)?;
            return Ok(LipschitzPlan::Fig4(Box::new(plan)));
        }
        // both candidates through the pipeline; the first error if neither builds
        let fig4 = construct::<Strict, Fig4>(spec);
        let alone = construct::<Strict, Alone>(spec);
        let chosen = match (fig4, alone) {
            (Ok(a), Ok(b)) => {
                if b.metrics.weights < a.metrics.weights {
                    b
                } else {
                    a
                }
            }
            (Ok(c), Err(_)) | (Err(_), Ok(c)) => c,
            (Err(e), Err(_)) => return Err(e),
        };
        Ok(LipschitzPlan::Chosen(Box::new(chosen)))
    }

    fn spec(plan: &LipschitzPlan) -> &NetSpec {
        match plan {
            LipschitzPlan::Fig4(p) => <Fig4 as Recipe<Strict>>::spec(p),
            LipschitzPlan::Chosen(c) => &c.spec,
        }
    }

    fn estimate(plan: &LipschitzPlan) -> Result<u64, CoreError> {
        match plan {
            LipschitzPlan::Fig4(p) => <Fig4 as Recipe<Strict>>::estimate(p),
            LipschitzPlan::Chosen(c) => Ok(c.metrics.weights as u64),
        }
    }

    fn build(plan: LipschitzPlan) -> Result<Built, CoreError> {
        match plan {
            LipschitzPlan::Fig4(p) => <Fig4 as Recipe<Strict>>::build(*p),
            LipschitzPlan::Chosen(c) => Ok(Built {
                net: c.net,
                error_bound: c.error_bound,
                spec: c.spec,
                params: c.params,
            }),
        }
    }
}

/// Fig. 4's network ([`cached`]), pruned when the spec says
/// `tune = smallest`.
pub(crate) struct Fig4;

/// What `resolve` fixes for Fig. 4's network.
pub(crate) struct Fig4Plan {
    /// the spec with `t = μ`
    spec: NetSpec,
    params: cached::CachedParams,
    /// the plan, unless `T` alone exceeds `max_weights` (then not made:
    /// it costs time in `T`, and the guard refuses the network anyway)
    plan: Option<cached::Plan>,
}

impl Recipe<Strict> for Fig4 {
    type Plan = Fig4Plan;

    fn check(spec: &NetSpec) -> Result<(), CoreError> {
        check::check_supported(spec)
    }

    fn resolve(spec: &NetSpec) -> Result<Fig4Plan, CoreError> {
        let mut params = cached::choose(spec)?;
        let mut spec = spec.clone();
        spec.t = Some(params.t());
        let target = transform::OneInput::of(&spec);
        loop {
            if params.intervals() > spec.max_weights {
                return Ok(Fig4Plan {
                    spec,
                    params,
                    plan: None,
                });
            }
            let plan = cached::Plan::with_pruning(&target, params, spec.tune)?;
            // an expression's undecided roundings can lift the bound above
            // the parameters' (module docs of `transform`): one more halving
            let eps = spec.eps.as_ref().ok_or_else(|| super::internal("no eps"))?;
            if plan.bound() <= *eps || params.tau >= interpolant::MAX_TAU {
                return Ok(Fig4Plan {
                    spec,
                    params,
                    plan: Some(plan),
                });
            }
            params.tau += 1;
        }
    }

    fn spec(plan: &Fig4Plan) -> &NetSpec {
        &plan.spec
    }

    /// The smaller of the part-by-part bound of [`cached::Plan::estimate_weights`]
    /// and a dry run of the build (`tightened`: the weights before the
    /// passes, exactly).
    fn estimate(plan: &Fig4Plan) -> Result<u64, CoreError> {
        match &plan.plan {
            Some(p) => {
                let codebook = Codebook::new(
                    plan.spec.quantization,
                    plan.spec.lambda,
                    plan.params.t().max(1),
                )?;
                tightened(&plan.spec, p.estimate_weights()?, || {
                    cached_units::build(&plan.spec, p, codebook)
                })
            }
            // every interval costs at least one weight
            None => Ok(plan.params.intervals()),
        }
    }

    fn build(plan: Fig4Plan) -> Result<Built, CoreError> {
        let Fig4Plan { spec, params, plan } = plan;
        let plan = plan.ok_or_else(|| super::internal("an unplanned Fig. 4"))?;
        let codebook = Codebook::new(spec.quantization, spec.lambda, params.t().max(1))?;
        let (net, error_bound) = cached_units::build(&spec, &plan, codebook)?;
        if let Some(eps) = spec.eps.as_ref().filter(|eps| error_bound > **eps) {
            return Err(crate::error::CoreError::InvalidParameter {
                subject: crate::error::Subject::Param(crate::spec::Param::Eps),
                message: format!(
                    "the a-priori bound of `structure = lipschitz` with T = 2^{} intervals is \
                     about {:.3e}, above `eps` = {}; raise `eps`",
                    params.tau,
                    crate::rational::to_f64(&error_bound),
                    crate::rational::display(eps)
                ),
            });
        }
        Ok(Built {
            net,
            error_bound,
            spec,
            params: Params::lipschitz(params.t(), params.intervals(), Some(params.cells())),
        })
    }
}

/// f^T alone ([`interpolant`]): the candidate `tune = smallest` compares
/// with Fig. 4's network.
pub(crate) struct Alone;

/// What `resolve` fixes for f^T alone.
pub(crate) struct AlonePlan {
    /// the spec with `t` of f̃
    spec: NetSpec,
    params: LipschitzParams,
}

impl Recipe<Strict> for Alone {
    type Plan = AlonePlan;

    fn check(spec: &NetSpec) -> Result<(), CoreError> {
        check::check_supported(spec)
    }

    fn resolve(spec: &NetSpec) -> Result<AlonePlan, CoreError> {
        let (params, _) = interpolant::choose(spec)?;
        let mut spec = spec.clone();
        spec.t = Some(params.t);
        Ok(AlonePlan { spec, params })
    }

    fn spec(plan: &AlonePlan) -> &NetSpec {
        &plan.spec
    }

    /// The smaller of [`interpolant::estimate_weights`] and a dry run of
    /// the build (`tightened`: the weights before the passes, exactly).
    fn estimate(plan: &AlonePlan) -> Result<u64, CoreError> {
        let AlonePlan { spec, params } = plan;
        let analytic = interpolant::estimate_weights(transform::OneInput::of(spec), *params)?;
        let codebook = Codebook::new(spec.quantization, spec.lambda, params.t)?;
        tightened(spec, analytic, || {
            interpolant::build(spec, *params, codebook)
        })
    }

    fn build(plan: AlonePlan) -> Result<Built, CoreError> {
        let AlonePlan { spec, params } = plan;
        let codebook = Codebook::new(spec.quantization, spec.lambda, params.t)?;
        let (net, error_bound) = interpolant::build(&spec, params, codebook)?;
        Ok(Built {
            net,
            error_bound,
            spec,
            params: Params::lipschitz(params.t, params.intervals(), None),
        })
    }
}

/// f^T alone for `spec` (`structure = lipschitz`; `interpolant.rs`): the
/// interpolant of the paper's f̃ at T = 2^τ points, with τ and t the
/// smallest that meet `eps` by an exact bound on this target, through the
/// pipeline of [`crate::construct`] (the same `max_weights` guard) — the
/// candidate `tune = smallest` compares with Fig. 4's network.
/// `params.intervals` is T; `params.cells` is `None`.
///
/// # Errors
/// As [`crate::build`]; an `eps` no T ≤ 2^16 reaches.
///
/// ```
/// use qrelu_core::{NetSpec, Poly, Structure, build_interpolant, rational::ratio};
/// let mut spec = NetSpec::new("Half", &["x"], Poly::var(1, 0).pow(2).scale(&ratio(1, 2)));
/// spec.structure = Structure::Lipschitz;
/// spec.eps = Some(ratio(1, 256));
/// let c = build_interpolant(&spec).unwrap();
/// assert!(c.error_bound <= ratio(1, 256));
/// assert_eq!(c.params.cells, None);
/// ```
pub fn build_interpolant(spec: &NetSpec) -> Result<Construction, CoreError> {
    construct::<Strict, Alone>(spec)
}
