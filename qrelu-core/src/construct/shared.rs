//! What every structure shares besides the pipeline: the checks of
//! parameters that belong to another structure, the search limit of `t`,
//! and the error for limits valid input never reaches.

use crate::error::{CoreError, Subject};
use crate::net::{Count, count_weights};
use crate::spec::{NetSpec, Param};

/// A limit of the construction that valid input should never reach.
pub(crate) fn internal(what: &str) -> CoreError {
    CoreError::Unsupported {
        subject: Subject::Target,
        message: format!("internal limit: {what}"),
    }
}

/// Largest `t` the `eps` searches try.
pub(crate) const MAX_T_SEARCH: u32 = 64;

/// Refuses parameters that belong to another structure, or that need
/// another to be given — the checks every structure shares. `taylor_params`
/// says whether `n` and `N` are accepted.
pub(crate) fn check_params(spec: &NetSpec, taylor_params: bool) -> Result<(), CoreError> {
    let refuse = |param, message: &str| CoreError::InvalidParameter {
        subject: Subject::Param(param),
        message: message.to_owned(),
    };
    if !taylor_params && spec.n.is_some() {
        return Err(refuse(
            Param::Order,
            "`n` is the Taylor order of `structure = taylor`; add that or drop `n`",
        ));
    }
    if !taylor_params && spec.grid.is_some() {
        return Err(refuse(
            Param::Grid,
            "`N` is the grid of `structure = taylor`; add that or drop `N`",
        ));
    }
    if spec.tune && spec.eps.is_none() {
        return Err(refuse(
            Param::Tune,
            "`tune = smallest` needs `eps`: it searches for the smallest network whose bound \
             is at most `eps`",
        ));
    }
    if spec.tune && spec.r.is_some() {
        return Err(refuse(
            Param::R,
            "`tune = smallest` chooses `r`; leave `r` out",
        ));
    }
    Ok(())
}

/// How far past `max_weights` a dry run counts ([`tightened`]): far enough
/// that every network the guard lets through is counted exactly (the
/// passes remove a few percent of a network, never half).
pub(crate) const DRY_RUN_REACH: u64 = 2;

/// The size guard's estimate of the network `build` makes for `spec`,
/// given `analytic`, an upper bound on it computed without building: the
/// smaller of `analytic` and the weights of a **dry run** of `build`
/// ([`count_weights`]), which makes exactly the units and edges of the
/// network before the passes without storing them — and the passes only
/// remove units (`passes.rs`: dead units and their edges), so the count
/// is an upper bound on the built size too, and at most the weights of
/// the units the passes remove above it. The dry run stops once it counts
/// more than `min(analytic, DRY_RUN_REACH · max_weights)` weights (its
/// cost is then at most that of counting so many), and `analytic` is the
/// estimate: such a network is refused by the guard anyway.
///
/// # Errors
/// Those of `build`.
pub(crate) fn tightened<T>(
    spec: &NetSpec,
    analytic: u64,
    build: impl FnOnce() -> Result<T, CoreError>,
) -> Result<u64, CoreError> {
    let cap = analytic.min(spec.max_weights.saturating_mul(DRY_RUN_REACH));
    Ok(match count_weights(cap, build)? {
        Count::Exact(weights) => weights.min(analytic),
        Count::Over => analytic,
    })
}
