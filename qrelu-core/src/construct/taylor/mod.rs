//! `structure = taylor`: the function-independent network of Theorem 1
//! (Section 4.3, eqs. 11–30), for targets in F_{d,n} on `[0, 1]^d` —
//! polynomials, with exact Taylor coefficients, and any other expression
//! of the DSL, with enclosed ones (`plan.rs`, "Targets that are not
//! polynomials") — with `n` and either `N` and `r` or `eps`. Every codebook
//! works, the linear one of Section 4.4 included (its weight tries use the
//! powers of two it holds), and so do free weights (the unquantized
//! reference: exact β, no rounding).
//!
//! | step | file | what |
//! | --- | --- | --- |
//! | check | `check.rs` | `n`, `N`, the domain `[0, 1]^d`, and the target in F_{d,n} (eq. 1), proved exactly or from derivative enclosures |
//! | resolve | `resolve.rs`, `tune.rs` | `N`, `r`, `t` from `eps` (eqs. 26–28), or the `tune = smallest` search |
//! | bumps | `bumps.rs` | the partition of unity ψ_m (eqs. 11–13): B_s, B_h |
//! | expansion | `expansion.rs` | the Taylor coefficients at the grid points (eq. 15), exact or enclosed |
//! | plan | `plan.rs` | β (eq. 17), γ, and the exact bound without building (eqs. 15–24) |
//! | estimate | `estimate.rs`, `mod.rs` | the weights, before building: a bound from the parameters, and a dry run of the build |
//! | build | `build.rs` | the network, for either wiring (eqs. 19–24) |
//!
//! # Table 1's parts (Section 4.3, Fig. 2)
//!
//! Every unit lies in exactly one block of Table 1 ([`Part`](crate::net::Part); the rule, a
//! unit belongs to the part open when it is built, is in the net module
//! docs), and `NetInfo::parts` reports them. One instance of each, derived
//! from the construction (the tests check each claim; `L = ⌊log2 3N⌋`,
//! and `|k|` is the number of terms `weight::times` reads for the integer
//! `k`: `2k` below 4, two per binary digit from 4 on):
//!
//! | part | instances | one instance | Table 1: width, depth |
//! | --- | --- | --- | --- |
//! | B_w | one per β_{m,ν} ≠ 0 | the trie, ladder and copies of Prop. 3 on the gates of the term | t, λ(t^(1/(λ−1)) − 1) + 1 |
//! | B_N | 1 | every constant: σ(½), its copies and the multiples 3m/2, `U = 1`, the `K_j` of f_s^r | 2N, 1 |
//! | B_abs | one per signal whose gates are built | `σ(±s)` and one copy each: width ≤ 4, depth 1; a bump's offset has 4 units and 4(\|3N\| + \|3m\|) weights | 4, 1 |
//! | B_s | d, one per input | σ(½x), three copies and the ladder up to `2^L·x/2`: 4L + 2 units, 16L − 4 weights, width 4, depth L + 1 (N = 1: six copies, width 6, depth 1) | 4, log(3N/2) |
//! | B_h | d(N + 1), one per bump | H_1, H_1′, H_2, H_2′: 4 units, 18 weights, width 4, depth 1 | 12, 1 |
//! | B_×′ | per m: d − 1 for ψ_m, one per distinct sub-product or square of the offsets, one per ν with β_{m,ν} ≠ 0 and \|ν\| ≥ 1 | the three f_s^r of eq. 7: 6r units, 2(s + p + q) + 18(r − 1) weights for arguments of s, p, q terms (a square: 2r units) | 60, 3r + 1 |
//!
//! For d = 1, n = 2 each ×′(h, u) has 6r units, 18r − 2 weights, width 6
//! and depth r + 3; for d = 2 the ψ_m = ×′(h_1, h_2) have 18r − 6 weights
//! and the ×′(ψ_m, u_k) 18r + 2.
//!
//! Where ours differ from Table 1, and why:
//!
//! - **B_s** scales `x` once per input (`3N·x/2`, then subtracts the
//!   constant `3m/2`), where the paper scales `|x − m/N|` once per bump:
//!   d instances instead of d(N + 1), one level deeper than the paper's
//!   `log(3N/2)` and more (`L + 1 − log2(3N/2) ∈ (1, 2]`): the gate σ(½x)
//!   is a level, and the integer multiple 3N needs the ladder's level
//!   `2^L`. For N = 1, `3N = 3` is six copies (width 6), not a ladder.
//! - **B_N** holds every constant unit, the chain `K_j = 2^−j` of f_s^r
//!   (2r − 1 units, depth 2r − 1 for λ = 2) included, which Table 1 lists
//!   nowhere: its depth is that chain's or the ladder of the largest 3m,
//!   never 1, and its width can exceed 2N for N ≤ 3. The offsets m/N
//!   themselves are never rounded (no concatenated weight networks).
//! - **B_×′** counts the f_s^r only: the |·| it reads are B_abs (shared by
//!   every consumer of a signal) and its constants B_N. Its depth is the
//!   level span of its three squares, `r + 1` plus the level gap between
//!   its arguments' gates: it exceeds `3r + 1` when that gap exceeds 2r
//!   (ψ_m against u_k for d = 2, r = 2).
//! - **B_h** needs 4 units, not 12: the input of h is `|z|/2 ≥ 0`, so
//!   `h = 1 − σ(|z| − 1) + σ(|z| − 2)` (Section 4.3), each σ twice for gain.
//! - The largest share of the weights is **B_abs**, not B_w as in the
//!   paper's count (eq. 30): the gates of a ×′ result read its whole form
//!   (up to `7r + 12` terms), while our B_w shares one trie per gate.
//!
//! # Size
//!
//! The network has `(N + 1)^d` grid points, each with its Taylor terms and
//! their ×′ chains, and eq. 28 asks `N ≥ (3·2^d·d^n/ε)^(1/n)`, so it grows
//! like `(1/ε)^(d/n)` times a log. The finest `eps = 1/k` whose bound
//! from the parameters alone (`estimate.rs`, what the guard used before
//! its dry run) passes `max_weights` = 200,000 (the default until the
//! compile-cost measurements raised [`crate::spec::DEFAULT_MAX_WEIGHTS`]
//! to 350,000, 600,000 and then 1,000,000), λ = 2 — the same for
//! every target, since N, r, t and that bound depend on d, n and `eps`
//! only; the built sizes are those of the targets of
//! `examples/theorem1.rs`, about half that bound. The guard now counts
//! the network itself (a dry run, within a few percent of the built
//! size), so finer `eps` pass for targets whose networks are smaller:
//!
//! | d | n = 1 | n = 2 | n = 3 |
//! | --- | --- | --- | --- |
//! | 1 | 1/111 (N = 666, built 95,654) | 1/8066 (N = 220, built 105,338) | 1/102354 (N = 85, built 97,613) |
//! | 2 | none: 1/2 needs N = 48 | 1/2 (N = 10, built 77,822) | 1/2 (N = 6, built 89,488) |
//! | 3 | none | none: 1/2 needs N = 21 | none: 1/2 needs N = 11 |
//!
//! Beyond that, raise `max_weights` or give `N` and `r` (the bound of the
//! result is usually several times below the `eps` eqs. 26–28 were
//! chosen for).

pub(crate) mod build;
pub(crate) mod bumps;
pub(crate) mod check;
pub(crate) mod estimate;
pub(crate) mod expansion;
pub(crate) mod plan;
pub(crate) mod resolve;
pub(crate) mod tune;

#[cfg(test)]
mod expr_tests;
#[cfg(test)]
mod tests;

pub use bumps::{bump_network, partition_of_unity};
pub use check::{
    SMOOTHNESS_BOXES, check_expr_smoothness, check_smoothness, check_target_smoothness,
};
pub use plan::TaylorPlan;
use tune::Tuned;

use super::wiring::{Strict, Wiring};
use super::{Built, DRY_RUN_REACH, Params, Recipe, tightened};
use crate::error::{CoreError, Subject};
use crate::gadget::square::check_r;
use crate::metrics;
use crate::net::Net;
use crate::quantize::Codebook;
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param};
use expansion::Source;
use plan::Beta;

/// The parameters of Theorem 1's network (the DSL's `n`, `N`, `r`, `t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaylorParams {
    /// Taylor order `n ≥ 1`: terms of order `|ν| < n`
    pub n: u32,
    /// grid `N ≥ 1`: points `m/N`, `m ∈ {0, …, N}^d`
    pub grid: u64,
    /// squaring depth of every ×′
    pub r: u32,
    /// weight precision of every coefficient (Prop. 3)
    pub t: u32,
}

/// The a-priori bound of a Taylor network, by part; the parts add up to
/// the bound.
#[derive(Clone, Debug, PartialEq)]
pub struct TaylorBound {
    /// `max_m (|f − T_m| + |T_m − T′_m|)` over the support of ψ_m: the
    /// Taylor remainder (exact: the tail of the expansion at m/N, which is
    /// finite for a polynomial) and the rounding of β to multiples of
    /// `(1/n)(d/N)^(n−|ν|)` (eqs. 17–18); the ψ_m are a partition of unity,
    /// so the maximum, not eq. 18's `2^d` times it
    pub taylor: Rational,
    /// `2^d · max_m Σ_ν |γ′|·δ_{m,ν}`: the ×′ products (eqs. 21–24)
    pub products: Rational,
    /// `2^d · max_m Σ_ν |γ′ − γ|`: the coefficients realised by Prop. 3
    pub coefficients: Rational,
}

impl TaylorBound {
    /// The bound itself.
    pub fn total(&self) -> Rational {
        &self.taylor + &self.products + &self.coefficients
    }
}

/// `structure = taylor` (module docs).
pub(crate) struct Taylor;

/// What `resolve` fixes for a Taylor network.
pub(crate) enum TaylorResolved {
    /// `N`, `r` and `t` by eqs. 26–28 (or given); which of them were given,
    /// for the refusal when the bound misses `eps`
    Paper {
        spec: Box<NetSpec>,
        given: [bool; 3],
    },
    /// the network the `tune = smallest` search built already
    Tuned(Box<Tuned>),
}

impl TaylorResolved {
    fn params(spec: &NetSpec) -> TaylorParams {
        TaylorParams {
            n: spec.n.unwrap_or(1),
            grid: spec.grid.map_or(1, u64::from),
            r: spec.r.unwrap_or(1),
            t: spec.t_or_default(),
        }
    }
}

impl<W: Wiring> Recipe<W> for Taylor {
    type Plan = TaylorResolved;

    fn check(spec: &NetSpec) -> Result<(), CoreError> {
        check::check_supported(spec)
    }

    fn resolve(spec: &NetSpec) -> Result<TaylorResolved, CoreError> {
        // the search compares built sizes of the strict codebook; free
        // weights take the paper's parameters
        if spec.tune && !W::FREE {
            return Ok(TaylorResolved::Tuned(Box::new(tune::tune(spec)?)));
        }
        Ok(TaylorResolved::Paper {
            spec: Box::new(resolve::resolve(spec)),
            given: [spec.grid.is_some(), spec.r.is_some(), spec.t.is_some()],
        })
    }

    fn spec(plan: &TaylorResolved) -> &NetSpec {
        match plan {
            TaylorResolved::Paper { spec, .. } => spec,
            TaylorResolved::Tuned(tuned) => &tuned.spec,
        }
    }

    /// The smaller of the bound from the parameters alone (`estimate.rs`)
    /// and a dry run of [`network`] (`tightened`: the weights before the
    /// passes, exactly); a tuned network was built already, and its
    /// weights are exact.
    ///
    /// Planning costs time per grid point and term before the first unit
    /// is counted, so the dry run is skipped (the bound from the
    /// parameters is the estimate) when `(N + 1)^d` times the terms per
    /// point exceeds what the dry run would count at most: such a network
    /// is refused unless nearly every coefficient rounds to 0.
    fn estimate(plan: &TaylorResolved) -> Result<u64, CoreError> {
        match plan {
            TaylorResolved::Paper { spec, .. } => {
                let analytic = if W::FREE {
                    estimate::free(spec)
                } else {
                    estimate::strict(spec)
                };
                let p = TaylorResolved::params(spec);
                let d = spec.inputs.len();
                let work = (p.grid + 1)
                    .saturating_pow(d as u32)
                    .saturating_mul(expansion::orders_count(d, p.n) as u64);
                if work > analytic.min(spec.max_weights.saturating_mul(DRY_RUN_REACH)) {
                    return Ok(analytic);
                }
                tightened(spec, analytic, || network::<W>(spec))
            }
            TaylorResolved::Tuned(tuned) => Ok(metrics::metrics(&tuned.net).weights as u64),
        }
    }

    fn build(plan: TaylorResolved) -> Result<Built, CoreError> {
        let (spec, given) = match plan {
            TaylorResolved::Tuned(tuned) => {
                let params = TaylorResolved::params(&tuned.spec);
                return Ok(built(tuned.net, tuned.bound, tuned.spec, params, false));
            }
            TaylorResolved::Paper { spec, given } => (*spec, given),
        };
        let (net, bound, params) = network::<W>(&spec)?;
        let total = bound.total();
        if let Some(eps) = spec.eps.as_ref().filter(|eps| total > **eps) {
            return Err(missed_eps(&params, given, &total, eps, W::FREE));
        }
        Ok(built(net, bound, spec, params, W::FREE))
    }
}

/// Theorem 1's network for the resolved `spec` with the wiring `W`, its
/// exact bound by part and its parameters: what `build` makes before the
/// `eps` check and the passes (and what the estimate dry-runs).
///
/// # Errors
/// `r` out of range; builder errors.
fn network<W: Wiring>(spec: &NetSpec) -> Result<(Net, TaylorBound, TaylorParams), CoreError> {
    let params = TaylorResolved::params(spec);
    check_r(params.r)?;
    let beta = if W::FREE { Beta::Exact } else { Beta::Rounded };
    let plan = TaylorPlan::planned(
        &Source::new(&spec.target, spec.inputs.len()),
        params.n,
        params.grid,
        beta,
    )?;
    let (net, bound) = build::build(W::new(spec, params.t)?, &plan, params)?;
    Ok((net, bound, params))
}

/// The [`Built`] of a Taylor network.
fn built(net: Net, bound: TaylorBound, mut spec: NetSpec, p: TaylorParams, free: bool) -> Built {
    if free {
        spec.t = None;
    }
    let mut params = Params::products(p.r, if free { 0 } else { p.t });
    params.n = Some(p.n);
    params.grid = u32::try_from(p.grid).ok();
    Built {
        net,
        error_bound: bound.total(),
        spec,
        params,
    }
}

/// The refusal when the exact bound of the network eqs. 26–28 chose (or
/// the values given) exceeds `eps`: which values were given and which
/// were chosen.
fn missed_eps(
    p: &TaylorParams,
    given: [bool; 3],
    bound: &Rational,
    eps: &Rational,
    free: bool,
) -> CoreError {
    let of = |name: &str, v: u64, by_user: bool| {
        format!("{name} = {v}{}", if by_user { " (given)" } else { "" })
    };
    let n = of("N", p.grid, given[0]);
    let r = of("r", u64::from(p.r), given[1]);
    let values = if free {
        format!("{n} and {r}")
    } else {
        format!("{n}, {r} and {}", of("t", u64::from(p.t), given[2]))
    };
    let advice = if given.iter().any(|&g| g) {
        "raise the values given, or leave them out for eqs. 26-28 to choose"
    } else if free {
        "give `N` and `r` yourself"
    } else {
        "give `N` and `r` yourself, or try `tune = smallest`"
    };
    CoreError::InvalidParameter {
        subject: Subject::Param(Param::Eps),
        message: format!(
            "with {values} the exact a-priori bound{} is about {:.3e}, above `eps` = {}; {advice}",
            if free {
                " of the unquantized network"
            } else {
                ""
            },
            rational::to_f64(bound),
            rational::display(eps)
        ),
    }
}

/// Theorem 1's network for the target of `source` on `[0, 1]^d` in the
/// strict `codebook`, with the parameters `params`, and its exact bound by
/// part — what [`crate::construct::build`] makes for `structure = taylor`,
/// without the passes, for a codebook of the caller's choice.
///
/// # Errors
/// `n = 0`, `N = 0`, `r` out of range; builder errors.
pub(crate) fn build_taylor(
    source: &Source,
    inputs: &[String],
    params: TaylorParams,
    codebook: Codebook,
) -> Result<(Net, TaylorBound), CoreError> {
    check_r(params.r)?;
    let plan = TaylorPlan::planned(source, params.n, params.grid, Beta::Rounded)?;
    build::build(
        Strict::with_codebook(codebook, params.t, inputs),
        &plan,
        params,
    )
}
