//! `tune = smallest` for `structure = taylor`: the network of Theorem 1
//! with the fewest weights whose exact a-priori bound is at most `eps`,
//! searched over the Taylor order `n` (when not given), the grid `N`, the
//! squaring depth `r` and the weight precision `t` (when not given).
//!
//! # What decides
//!
//! The bound of a Taylor network has three parts ([`TaylorBound`]): the
//! Taylor part depends on `n` and `N` only, the ×′ part on `r` (and a
//! little on `t`), the coefficient part on `t`. A [`TaylorPlan`] computes
//! the first once per `(n, N)` and the other two per `(r, t)` without
//! building, exactly — the search uses nothing else to decide what meets
//! `eps`, and every candidate's bound is the bound its network will report.
//!
//! # The search space
//!
//! - `n`: as given, else every `1 ≤ n ≤ min(8, deg + 1)` (every
//!   `n ≤ 8` for a target that is not a polynomial) for which the target
//!   lies in F_{d,n} (eq. 1), highest first (for small `eps` the high
//!   orders give the small networks, which then prune the low ones).
//!   `n = deg + 1` already makes a polynomial's Taylor tail zero.
//! - `N`: from 1 upwards. A grid whose Taylor part exceeds `eps` at some
//!   point is skipped (the point that failed last is tried first, so most
//!   such grids cost one evaluation, then a coarse lattice of at most
//!   `9^d` points, [`TaylorPlan::probe`], before the full scan; the Taylor
//!   part is not monotone in `N`). From the first grid that passes, the search stops after
//!   [`GRID_PATIENCE`] grids in a row that do not lower the smallest
//!   estimate found for the order: past the first feasible grid the
//!   Taylor part leaves more of `eps` to the products and coefficients,
//!   so a few finer grids can be smaller (smaller `r` and `t`), but the
//!   point count soon dominates. A grid is abandoned while it is planned
//!   (and counts as not lowering the estimate) as soon as its networks are
//!   sure to be estimated above what would still be built — 5/4 of the
//!   smallest estimate so far, and `max_weights`: grid points whose order-0
//!   term no network meeting `eps` can drop cost a bump or a ×′ each.
//! - `t` (for each `N`): from 1 upwards, skipping precisions at which even
//!   `r = 32` does not meet `eps` (the coefficient part is too large); for
//!   each other `t` the smallest `r` that meets `eps` (by bisection: the
//!   bound falls as `r` grows). `t` stops growing once no finer `t` can
//!   lower `r`: a coefficient realised at any `t′ ≥ t` is within
//!   `2^−(t+2)` of γ, which bounds the ×′ part from below for every
//!   `t′ ≥ t`; when even that bound at `r − 1` exceeds `eps`, `r` is as
//!   low as it goes, and a finer `t` at the same `r` only adds digits.
//!
//! Each `(n, N, t, r)` found is a [`Candidate`] with its exact bound and
//! its estimate.
//!
//! # What is minimised
//!
//! The number of weights of the built network. Candidates are ranked by
//! [`TaylorPlan::estimate`] (an upper bound counting the terms and digits
//! that survive rounding, 1.1–2.6 × the built size on the tested targets).
//! At most [`BUILT_CANDIDATES`] of them — the smallest estimates, and only
//! those within [`ESTIMATE_MARGIN`] of the smallest and within
//! `max_weights` — are built, and the one with the fewest built weights
//! wins (ties: the smaller bound). So the result is the smallest network
//! among those built, not a proof that no unbuilt candidate is smaller;
//! the tests compare it with building every candidate of small searches.

use super::check::check_target_smoothness;
use super::expansion::Source;
use super::plan::{Limit, Stop, TaylorPlan};
use super::{TaylorBound, TaylorParams, build_taylor};
use crate::construct::{MAX_T_SEARCH, internal};
use crate::error::{CoreError, Subject};
use crate::net::Net;
use crate::quantize::Codebook;
use crate::rational::{self, Rational};
use crate::spec::{MAX_GRID, MAX_ORDER, NetSpec, Param};

/// The grid search for one order stops after this many grids in a row
/// that do not lower its smallest estimate.
pub const GRID_PATIENCE: u32 = 4;

/// At most this many candidates are built.
pub const BUILT_CANDIDATES: usize = 4;

/// Only candidates estimated within `5/4` of the smallest estimate are
/// built (the estimate's ratio to the built size varies by less than that
/// between neighbouring candidates).
pub const ESTIMATE_MARGIN: (u64, u64) = (5, 4);

/// The largest `r` searched.
const MAX_R: u32 = crate::gadget::square::MAX_R;

/// One network the search found to meet `eps`.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// `n`, `N`, `r`, `t`
    pub params: TaylorParams,
    /// its exact a-priori bound, computed without building
    pub bound: TaylorBound,
    /// [`TaylorPlan::estimate`]: an upper bound on its weights
    pub estimate: u64,
    /// its weights, if it was built
    pub weights: Option<u64>,
}

/// The outcome of a search.
#[derive(Clone, Debug)]
pub struct Tuned {
    /// the spec with `n`, `N`, `r` and `t` filled in
    pub spec: NetSpec,
    /// the network chosen
    pub net: Net,
    /// its bound (at most `eps`)
    pub bound: TaylorBound,
    /// every candidate, by increasing estimate; the built ones carry their
    /// weights (the tests build them all to check the choice)
    #[cfg_attr(not(test), allow(dead_code))]
    pub candidates: Vec<Candidate>,
}

/// The search of the module docs for `spec` (with `structure = taylor`,
/// `tune = smallest` and `eps`; `n` and `t` kept when given).
///
/// # Errors
/// A target outside F_{d,1} (or F_{d,n} for a given `n`); an `eps` no
/// candidate meets (naming the best bound found), or only candidates
/// estimated above `max_weights` ([`CoreError::TooLarge`]).
pub fn tune(spec: &NetSpec) -> Result<Tuned, CoreError> {
    let eps = spec
        .eps
        .as_ref()
        .ok_or_else(|| internal("tune without eps"))?;
    let names: Vec<&str> = spec.inputs.iter().map(String::as_str).collect();
    let orders: Vec<u32> = match spec.n {
        Some(n) => vec![n],
        None => {
            // F_{d,n} shrinks as n grows: the orders that fit are 1..=k
            let target = &spec.target;
            check_target_smoothness(target, 1, &names)?;
            // beyond deg + 1 a polynomial's Taylor tail is already zero
            let top = target
                .poly()
                .map_or(MAX_ORDER, |p| (p.degree() + 1).min(MAX_ORDER));
            let fit = (1..=top).take_while(|&n| check_target_smoothness(target, n, &names).is_ok());
            let mut fit: Vec<u32> = fit.collect();
            fit.reverse();
            fit
        }
    };
    let ts: Vec<u32> = match spec.t {
        Some(t) => vec![t],
        // the codebook of the spec's quantization (linear stays linear)
        None => (1..=MAX_T_SEARCH)
            .filter(|&t| Codebook::new(spec.quantization, spec.lambda, t).is_ok())
            .collect(),
    };
    let source = Source::new(&spec.target, spec.inputs.len());
    let mut search = Search {
        eps,
        ts: &ts,
        max_weights: spec.max_weights,
        candidates: Vec::new(),
        smallest: None,
        closest: None,
        too_large: None,
    };
    for &n in &orders {
        search.grids(&source, n)?;
    }
    let Search {
        mut candidates,
        closest,
        too_large,
        ..
    } = search;
    if candidates.is_empty() {
        return Err(match too_large {
            // some grid might have met eps, with more than max_weights
            Some(floor) => CoreError::InvalidParameter {
                subject: Subject::Param(Param::MaxWeights),
                message: format!(
                    "every network of `structure = taylor` meeting `eps` = {} is estimated above \
                     `max_weights` = {} (at {floor} weights or more); raise `max_weights` or `eps`",
                    rational::display(eps),
                    spec.max_weights
                ),
            },
            None => unreachable(spec, eps, closest.as_ref()),
        });
    }
    candidates.sort_by(|a, b| {
        let key = |c: &Candidate| (c.estimate, c.bound.total(), c.params.n, c.params.grid);
        key(a).cmp(&key(b))
    });
    let smallest = candidates[0].estimate;
    let margin = smallest.saturating_mul(ESTIMATE_MARGIN.0) / ESTIMATE_MARGIN.1;
    let mut best: Option<(usize, u64, Net, TaylorBound)> = None;
    for i in 0..candidates.len().min(BUILT_CANDIDATES) {
        let candidate = &candidates[i];
        if candidate.estimate > spec.max_weights || candidate.estimate > margin {
            break;
        }
        let params = candidate.params;
        let codebook = Codebook::new(spec.quantization, spec.lambda, params.t)?;
        let (net, bound) = build_taylor(&source, &spec.inputs, params, codebook)?;
        if bound != candidate.bound {
            return Err(internal("a plan's bound differs from the built one"));
        }
        let weights = crate::metrics::metrics(&net).weights as u64;
        candidates[i].weights = Some(weights);
        let better = best.as_ref().is_none_or(|(_, w, _, b)| {
            weights < *w || (weights == *w && bound.total() < b.total())
        });
        if better {
            best = Some((i, weights, net, bound));
        }
    }
    let Some((i, _, net, bound)) = best else {
        return Err(CoreError::TooLarge {
            estimate: smallest,
            limit: spec.max_weights,
        });
    };
    let params = candidates[i].params;
    let mut out = spec.clone();
    out.n = Some(params.n);
    out.grid = Some(u32::try_from(params.grid).map_err(|_| internal("grid"))?);
    out.r = Some(params.r);
    out.t = Some(params.t);
    Ok(Tuned {
        spec: out,
        net,
        bound,
        candidates,
    })
}

/// The state of one search.
struct Search<'a> {
    eps: &'a Rational,
    ts: &'a [u32],
    max_weights: u64,
    candidates: Vec<Candidate>,
    /// the smallest estimate so far
    smallest: Option<u64>,
    /// the smallest bound seen, with its parameters (for the refusal)
    closest: Option<(Rational, TaylorParams)>,
    /// the smallest size floor of a grid abandoned for its size
    too_large: Option<u64>,
}

impl Search<'_> {
    /// Grids are abandoned once their networks are sure to be estimated
    /// above this: nothing there would be built.
    fn size_limit(&self) -> u64 {
        let margin = self.smallest.map_or(u64::MAX, |s| {
            s.saturating_mul(ESTIMATE_MARGIN.0) / ESTIMATE_MARGIN.1
        });
        margin.min(self.max_weights)
    }

    /// Every grid for order `n` (module docs).
    fn grids(&mut self, source: &Source, n: u32) -> Result<(), CoreError> {
        // δ_ν per r − 1, computed when first asked for
        let mut errors: Vec<Option<Vec<Rational>>> = vec![None; MAX_R as usize];
        // where the Taylor part last exceeded eps, as a fraction of the grid
        let mut hint: Option<Vec<Rational>> = None;
        let mut best: Option<u64> = None;
        let mut started = false;
        let mut stale = 0;
        for grid in 1..=u64::from(MAX_GRID) {
            if stale == GRID_PATIENCE {
                break;
            }
            if started {
                stale += 1;
            }
            if let Some(a) = &hint {
                let m: Vec<u64> = a
                    .iter()
                    .map(|x| {
                        let m = (x * Rational::from_integer(grid.into())).round();
                        u64::try_from(m.to_integer()).unwrap_or(0).min(grid)
                    })
                    .collect();
                if TaylorPlan::part_at(source, n, grid, &m)? > *self.eps {
                    continue;
                }
            }
            if let Some(m) = TaylorPlan::probe(source, n, grid, self.eps)? {
                let at = m.iter().map(|&k| Rational::new(k.into(), grid.into()));
                hint = Some(at.collect());
                continue;
            }
            let limit = Limit {
                eps: self.eps,
                size: Some(self.size_limit()),
            };
            let plan = match TaylorPlan::within(source, n, grid, Some(limit))? {
                Ok(plan) => plan,
                Err(Stop::Taylor(m)) => {
                    let at = m.iter().map(|&k| Rational::new(k.into(), grid.into()));
                    hint = Some(at.collect());
                    continue;
                }
                Err(Stop::Size(floor)) => {
                    // finer grids have more such points
                    self.too_large = Some(self.too_large.map_or(floor, |f| f.min(floor)));
                    started = true;
                    continue;
                }
            };
            started = true;
            if let Some(found) = self.frontier(&plan, &mut errors)?
                && best.is_none_or(|b| found < b)
            {
                best = Some(found);
                stale = 0;
            }
        }
        Ok(())
    }

    /// For each `t`, the smallest `r` that meets `eps` on this plan (module
    /// docs); returns the smallest estimate found.
    fn frontier(
        &mut self,
        plan: &TaylorPlan,
        errors: &mut [Option<Vec<Rational>>],
    ) -> Result<Option<u64>, CoreError> {
        let mut errors_at = |r: u32| -> Result<Vec<Rational>, CoreError> {
            let slot = &mut errors[(r - 1) as usize];
            if slot.is_none() {
                *slot = Some(plan.term_errors(r)?);
            }
            slot.clone().ok_or_else(|| internal("term errors"))
        };
        let mut best = None;
        for &t in self.ts {
            let rounded = plan.rounded(t);
            let params = |r| TaylorParams {
                n: plan.n(),
                grid: plan.grid(),
                r,
                t,
            };
            let finest = plan.bound_with(&rounded, &errors_at(MAX_R)?);
            let total = finest.total();
            if self.closest.as_ref().is_none_or(|(b, _)| total < *b) {
                self.closest = Some((total.clone(), params(MAX_R)));
            }
            if total > *self.eps {
                continue;
            }
            // the bound falls as r grows: bisect for the smallest r meeting eps
            let (mut low, mut high, mut bound) = (0, MAX_R, finest);
            while high - low > 1 {
                let mid = (low + high) / 2;
                let b = plan.bound_with(&rounded, &errors_at(mid)?);
                if b.total() <= *self.eps {
                    (high, bound) = (mid, b);
                } else {
                    low = mid;
                }
            }
            let r = high;
            let estimate = plan.estimate_with(&rounded, r);
            best = Some(best.map_or(estimate, |b: u64| b.min(estimate)));
            self.smallest = Some(self.smallest.map_or(estimate, |s| s.min(estimate)));
            self.candidates.push(Candidate {
                params: params(r),
                bound,
                estimate,
                weights: None,
            });
            // no finer t lowers r when even the ×′ part's lower bound for
            // every t′ ≥ t exceeds what is left at r − 1
            if r == 1 || plan.taylor() + plan.products_below(&errors_at(r - 1)?, t + 2) > *self.eps
            {
                break;
            }
        }
        Ok(best)
    }
}

/// The refusal when no candidate meets `eps`, in the style of `eps` for
/// `structure = direct`.
fn unreachable(
    spec: &NetSpec,
    eps: &Rational,
    closest: Option<&(Rational, TaylorParams)>,
) -> CoreError {
    let orders = match spec.n {
        Some(n) => format!("n = {n}"),
        None => "every n that fits".to_owned(),
    };
    let t = match spec.t {
        Some(t) => format!("`t` = {t}"),
        None => format!("t ≤ {}", MAX_T_SEARCH),
    };
    let best = match closest {
        Some((b, p)) => format!(
            " (the best is about {:.3e}, with n = {}, N = {}, r = {}, t = {})",
            rational::to_f64(b),
            p.n,
            p.grid,
            p.r,
            p.t
        ),
        None => " (no grid brings even the Taylor part below it)".to_owned(),
    };
    CoreError::InvalidParameter {
        subject: Subject::Param(Param::Eps),
        message: format!(
            "`eps` = {} is below every a-priori bound of `structure = taylor` with {orders}, \
             N ≤ {MAX_GRID}, r ≤ {MAX_R} and {t}{best}; raise `eps`{}",
            rational::display(eps),
            if spec.t.is_some() {
                " or `t` (coefficients are rounded to multiples of 2^-t)"
            } else {
                ""
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::ratio;
    use crate::spec::Structure;
    use crate::{Poly, metrics};

    fn smooth() -> Poly {
        let x = Poly::var(1, 0);
        x.pow(3)
            .scale(&ratio(1, 6))
            .sub(&x.pow(2).scale(&ratio(1, 4)))
            .add(&x.scale(&ratio(1, 3)))
    }

    fn spec(target: Poly, n: Option<u32>, eps: Rational, lambda: u32) -> NetSpec {
        let names: Vec<String> = (0..target.nvars()).map(|k| format!("x{k}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut spec = NetSpec::new("T", &names, target);
        spec.structure = Structure::Taylor;
        spec.n = n;
        spec.eps = Some(eps);
        spec.lambda = lambda;
        spec.tune = true;
        spec
    }

    /// The choice is honest: building *every* candidate the search found
    /// gives no smaller network than the one chosen from the few built,
    /// and every candidate's bound, computed without building, is the
    /// built one and at most eps.
    #[test]
    fn the_choice_is_the_smallest_of_all_candidates() {
        let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
        let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
        let cases = [
            spec(smooth(), Some(2), ratio(1, 100), 2),
            spec(smooth(), None, ratio(1, 10), 3),
            spec(smooth(), Some(3), ratio(1, 1000), 2),
            spec(saddle, Some(2), ratio(1, 10), 2),
        ];
        for s in cases {
            let tuned = tune(&s).unwrap();
            let eps = s.eps.clone().unwrap();
            assert!(tuned.bound.total() <= eps);
            let chosen = metrics::metrics(&tuned.net).weights as u64;
            let mut smallest = u64::MAX;
            for c in &tuned.candidates {
                assert!(c.bound.total() <= eps);
                let codebook = Codebook::nonlinear(s.lambda, c.params.t).unwrap();
                let (net, bound) = build_taylor(
                    &Source::new(&s.target, s.inputs.len()),
                    &s.inputs,
                    c.params,
                    codebook,
                )
                .unwrap();
                assert_eq!(bound, c.bound);
                let weights = metrics::metrics(&net).weights as u64;
                assert!(c.estimate >= weights);
                smallest = smallest.min(weights);
            }
            eprintln!(
                "n = {:?}, eps = {eps}: chose {chosen} weights (n = {:?}, N = {:?}, r = {:?}, \
                 t = {:?}), the smallest of all {} candidates has {smallest}",
                s.n,
                tuned.spec.n,
                tuned.spec.grid,
                tuned.spec.r,
                tuned.spec.t,
                tuned.candidates.len()
            );
            assert_eq!(chosen, smallest);
        }
    }

    #[test]
    fn given_n_and_t_are_kept() {
        let mut s = spec(smooth(), Some(2), ratio(1, 100), 2);
        s.t = Some(12);
        let tuned = tune(&s).unwrap();
        assert_eq!((tuned.spec.n, tuned.spec.t), (Some(2), Some(12)));
        assert!(
            tuned
                .candidates
                .iter()
                .all(|c| c.params.n == 2 && c.params.t == 12)
        );
        // without n every order that fits is tried (up to deg + 1 = 4 here);
        // for eps = 1/100 the grids of n = 1 are abandoned as too large
        for (eps, expected) in [(10, vec![1, 2, 3, 4]), (100, vec![2, 3, 4])] {
            let tuned = tune(&spec(smooth(), None, ratio(1, eps), 2)).unwrap();
            let orders: std::collections::BTreeSet<u32> =
                tuned.candidates.iter().map(|c| c.params.n).collect();
            assert_eq!(orders.into_iter().collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn unreachable_eps_and_sizes_are_refused() {
        let err = tune(&spec(smooth(), Some(1), ratio(1, 1_000_000_000), 2)).unwrap_err();
        assert_eq!(err.subject(), Subject::Param(Param::Eps));
        assert!(err.to_string().contains("no grid"), "{err}");
        let mut s = spec(smooth(), Some(2), ratio(1, 100), 2);
        s.t = Some(3);
        let err = tune(&s).unwrap_err();
        assert!(err.to_string().contains("raise `eps` or `t`"), "{err}");
        let mut s = spec(smooth(), Some(2), ratio(1, 100), 2);
        s.max_weights = 1000;
        let err = tune(&s).unwrap_err();
        assert_eq!(err.subject(), Subject::Param(Param::MaxWeights), "{err}");
    }
}
