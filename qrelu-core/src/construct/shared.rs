//! What every structure shares besides the pipeline: the checks of
//! parameters that belong to another structure, the search limit of `t`,
//! and the error for limits valid input never reaches.

use crate::error::{CoreError, Subject};
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
