//! `r` and `t` of `structure = direct` from `eps` (module docs of
//! [`super`], *Parameters*).

use super::bound;
use super::estimate;
use super::plan::plan;
use crate::construct::MAX_T_SEARCH;
use crate::construct::wiring::Wiring;
use crate::error::{CoreError, Subject};
use crate::gadget::square::MAX_R;
use crate::quantize::Codebook;
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param};

/// The spec with `r` (and, for `tune = smallest`, `t`) chosen from `eps`:
///
/// - `eps` alone: the smallest `r ≤ MAX_R` whose exact a-priori bound (with
///   `t` as given, or its default `2(r + 1)`) is at most `eps`;
/// - `eps` and `r`: `r` is kept and the bound must be at most `eps`;
/// - `eps` and `tune = smallest`: over every `r ≤ MAX_R` and `t ≤`
///   [`MAX_T_SEARCH`] (or the given `t`), the pair with the fewest weights
///   by the size estimate whose bound is at most `eps` (for each `r` the
///   smallest such `t`: a finer `t` never lowers the weights).
///
/// With free weights (`W::FREE`) `t` plays no part: the bound is
/// `Σ |c_α|·δ_α` and the weights grow with `r`, so `tune` picks the
/// smallest `r` too. Without `eps` the spec is returned as it is.
///
/// # Errors
/// An `eps` no allowed `r` and `t` reach (naming the best bound), or a
/// given `r` whose bound exceeds `eps`.
pub(crate) fn resolve<W: Wiring>(spec: &NetSpec) -> Result<NetSpec, CoreError> {
    let Some(eps) = &spec.eps else {
        return Ok(spec.clone());
    };
    let with = |r: u32, t: Option<u32>| {
        let mut s = spec.clone();
        s.r = Some(r);
        s.t = t;
        s
    };
    let of = if W::FREE {
        " of the unquantized network"
    } else {
        ""
    };
    let refuse = |message| CoreError::InvalidParameter {
        subject: Subject::Param(Param::Eps),
        message,
    };
    if let Some(r) = spec.r {
        let s = with(r, spec.t);
        let plan = plan(s.poly("`structure = direct`")?, &s.domain, r)?;
        let bound = bound::parts::<W>(&s, &plan, s.t_or_default())?.total();
        if bound > *eps {
            return Err(refuse(format!(
                "with `r` = {r} the a-priori bound{of} is {} (about {:.3e}), above `eps` = {}; \
                 raise `r` or leave it out so that `eps` chooses it",
                rational::display(&bound),
                rational::to_f64(&bound),
                rational::display(eps)
            )));
        }
        return Ok(s);
    }
    let mut best_bound: Option<Rational> = None;
    let mut best: Option<(u64, Rational, NetSpec)> = None;
    for r in 1..=MAX_R {
        let plan = plan(spec.poly("`structure = direct`")?, &spec.domain, r)?;
        let ts: Vec<Option<u32>> = match (spec.tune && !W::FREE, spec.t) {
            (true, None) => (1..=MAX_T_SEARCH).map(Some).collect(),
            _ => vec![spec.t],
        };
        for t in ts {
            let s = with(r, t);
            let t = s.t_or_default();
            if !W::FREE && Codebook::new(s.quantization, s.lambda, t).is_err() {
                continue;
            }
            let bound = bound::parts::<W>(&s, &plan, t)?.total();
            if best_bound.as_ref().is_none_or(|b| bound < *b) {
                best_bound = Some(bound.clone());
            }
            if bound > *eps {
                continue;
            }
            if !spec.tune {
                return Ok(s);
            }
            let weights = estimate::weights(&s, &plan, W::FREE)?;
            let better = best
                .as_ref()
                .is_none_or(|(w, b, _)| weights < *w || (weights == *w && bound < *b));
            if better {
                best = Some((weights, bound, s));
            }
            break;
        }
    }
    match best {
        Some((_, _, s)) => Ok(s),
        None => Err(refuse(format!(
            "`eps` = {} is below every a-priori bound{of} with `r` ≤ {MAX_R}{} (the best is \
             about {:.3e}); raise `eps`{}",
            rational::display(eps),
            match spec.t {
                Some(t) if !W::FREE => format!(" and `t` = {t}"),
                _ => String::new(),
            },
            best_bound.as_ref().map_or(f64::NAN, rational::to_f64),
            if spec.t.is_some() && !W::FREE {
                " or `t` (coefficients are rounded to multiples of 2^-t)"
            } else {
                ""
            }
        ))),
    }
}
