//! Constructions: from a specification (target polynomial, domain and
//! precision parameters) to a strict-codebook network with an exact
//! a-priori error bound.
//!
//! # The pipeline
//!
//! [`build`] reads top to bottom:
//!
//! ```text
//! spec → check → resolve → estimate (the max_weights guard) → build → passes → metrics
//! ```
//!
//! Each structure — [`direct`], [`taylor`] (Theorem 1), [`lipschitz`]
//! (Theorem 2) — implements the four middle steps behind one trait
//! (`Recipe`): **check** refuses what it does not support, naming the part
//! of the spec; **resolve** chooses the parameters left open (from `eps`,
//! and the `tune = smallest` searches, which may build their best
//! candidates already); **estimate** bounds the weights from above before
//! anything is built — the smaller of a bound from the plan and a *dry
//! run* of the build that counts its units and edges without storing them
//! (`shared.rs`, `tightened`), exact before the passes, which only remove
//! units — and the pipeline refuses an estimate above `max_weights` — in
//! one place; **build** makes the network and its exact
//! bound. The passes (`passes.rs`) then run on every network, and its metrics
//! are taken once.
//!
//! Each structure is written once and realised by a *wiring* (`wiring/`):
//! the strict codebook, or free exact weights for the unquantized
//! reference networks ([`build_unquantized`], `quantization =
//! unquantized`).

pub mod direct;
pub mod lipschitz;
pub mod taylor;

mod construction;
mod passes;
mod recipe;
mod shared;
pub(crate) mod wiring;

pub use construction::{Construction, Params};
pub use lipschitz::build_interpolant;
pub(crate) use recipe::{Built, Recipe};
pub(crate) use shared::{DRY_RUN_REACH, MAX_T_SEARCH, check_params, internal, tightened};

use wiring::{Free, Strict, Wiring};

use crate::error::{CoreError, Subject};
use crate::metrics;
use crate::quantize::Quantization;
use crate::spec::{NetSpec, Param, Structure};

/// How far [`run`] goes.
enum Until {
    Resolve,
    Estimate,
    Build,
}

/// What [`run`] stopped with.
enum Outcome {
    Resolved(Box<NetSpec>),
    Estimated(u64),
    Built(Box<Construction>),
}

/// The pipeline of the module docs for one structure and wiring.
fn run<W: Wiring, S: Recipe<W>>(spec: &NetSpec, until: Until) -> Result<Outcome, CoreError> {
    S::check(spec)?;
    let plan = S::resolve(spec)?;
    if let Until::Resolve = until {
        return Ok(Outcome::Resolved(Box::new(S::spec(&plan).clone())));
    }
    let estimate = S::estimate(&plan)?;
    if let Until::Estimate = until {
        return Ok(Outcome::Estimated(estimate));
    }
    if estimate > spec.max_weights {
        return Err(CoreError::TooLarge {
            estimate,
            limit: spec.max_weights,
        });
    }
    let built = S::build(plan)?;
    let net = passes::run(built.net);
    let metrics = metrics::metrics(&net);
    Ok(Outcome::Built(Box::new(Construction {
        spec: built.spec,
        net,
        error_bound: built.error_bound,
        params: built.params,
        metrics,
    })))
}

/// The whole pipeline of [`run`] for one structure and wiring.
pub(crate) fn construct<W: Wiring, S: Recipe<W>>(
    spec: &NetSpec,
) -> Result<Construction, CoreError> {
    match run::<W, S>(spec, Until::Build)? {
        Outcome::Built(c) => Ok(*c),
        _ => Err(internal("the pipeline stopped early")),
    }
}

/// [`run`] for the structure and wiring `spec` names — the one place that
/// chooses them.
fn dispatch(spec: &NetSpec, until: Until) -> Result<Outcome, CoreError> {
    let free = spec.quantization == Quantization::Unquantized;
    let expr = spec.target.expr().is_some();
    match (spec.structure, free) {
        (Structure::Direct, false) if expr => run::<Strict, direct::expr::ExprDirect>(spec, until),
        (Structure::Direct, true) if expr => run::<Free, direct::expr::ExprDirect>(spec, until),
        (Structure::Direct, false) => run::<Strict, direct::Direct>(spec, until),
        (Structure::Direct, true) => run::<Free, direct::Direct>(spec, until),
        (Structure::Taylor, false) => run::<Strict, taylor::Taylor>(spec, until),
        (Structure::Taylor, true) => run::<Free, taylor::Taylor>(spec, until),
        (Structure::Lipschitz, false) => run::<Strict, lipschitz::Lipschitz>(spec, until),
        (Structure::Lipschitz, true) => Err(CoreError::Unsupported {
            subject: Subject::Param(Param::Structure),
            message: "the unquantized reference of `structure = lipschitz` is not built yet"
                .to_owned(),
        }),
    }
}

/// Builds the network for `spec`: the pipeline of the module docs.
///
/// # Errors
/// Unsupported targets or parameters ([`CoreError::Unsupported`], naming
/// the part of the spec), invalid parameters, or an estimate above
/// `max_weights` ([`CoreError::TooLarge`]).
///
/// ```
/// use qrelu_core::{build, NetSpec, Poly, rational::ratio};
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(4);
/// let c = build(&spec).unwrap();
/// assert_eq!(c.metrics.weights, 52);
/// assert_eq!(c.error_bound, ratio(1, 1024));
/// ```
pub fn build(spec: &NetSpec) -> Result<Construction, CoreError> {
    match dispatch(spec, Until::Build)? {
        Outcome::Built(c) => Ok(*c),
        _ => Err(internal("the pipeline stopped early")),
    }
}

/// The spec with every parameter the construction chooses filled in
/// (`r` and `t` from `eps` for `direct`; `N`, `r`, `t` by eqs. 26–28 for
/// `taylor`, or by the `tune = smallest` search; `t` for `lipschitz`), as
/// [`build`] would use it.
///
/// # Errors
/// As [`build`], but for `max_weights`.
pub fn resolve(spec: &NetSpec) -> Result<NetSpec, CoreError> {
    match dispatch(spec, Until::Resolve)? {
        Outcome::Resolved(s) => Ok(*s),
        _ => Err(internal("the pipeline did not stop at resolve")),
    }
}

/// The number of weights [`build`] estimates before building (an upper
/// bound on the built network's weights), after resolving. Where
/// `tune = smallest` builds its candidates to compare them (Taylor,
/// Lipschitz), resolving builds, and this is the chosen network's weight
/// count; for an expression with `structure = direct` it is the weight
/// count of its plan's network. Otherwise it is the weights of a dry run
/// of the build (units and edges counted, not stored), which are the
/// network's before the passes remove its dead units: never below the
/// built size, and within a few percent of it in the tests (at most 1.5×
/// for every network of 1,000 weights or more is what they check). A
/// dry run stops past `min(bound, 2·max_weights)` weights, `bound` the
/// structure's estimate from its plan alone; the estimate is then that
/// bound (up to 33× above the built size for Theorem 1), and the network
/// is refused anyway.
///
/// # Errors
/// As [`resolve`].
pub fn estimate_weights(spec: &NetSpec) -> Result<u64, CoreError> {
    match dispatch(spec, Until::Estimate)? {
        Outcome::Estimated(w) => Ok(w),
        _ => Err(internal("the pipeline did not stop at estimate")),
    }
}

/// Builds the **unquantized reference network** for `spec`: the same
/// construction as [`build`] — `structure = direct` or `taylor`, `r`, `n`,
/// `N` and `eps` resolved the same way (for `direct` the smallest `r`
/// whose *free* bound meets `eps`; for `taylor` eqs. 26–28) and the same
/// `max_weights` guard — realised with free exact weights
/// (a second wiring): the codebook is [`crate::Codebook::unquantized`], the
/// returned spec says `quantization = unquantized`, and `t` is 0 (no
/// weight is rounded; `spec.t` and `spec.lambda` are ignored). The bound
/// is exact and a-priori: `Σ_α |c_α|·δ_α` (eqs. 3, 8, 21) for `direct`,
/// the exact Taylor tail plus the ×′ part of eqs. 21–24 for `taylor`.
///
/// # Errors
/// As [`build`]; `structure = lipschitz` has no unquantized reference yet.
///
/// ```
/// use qrelu_core::{build, build_unquantized, NetSpec, Poly};
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(4);
/// let free = build_unquantized(&spec).unwrap();
/// let quantized = build(&spec).unwrap();
/// // the same function, so the same bound (eq. 3) with fewer weights and levels
/// assert_eq!(free.error_bound, quantized.error_bound);
/// assert_eq!((free.metrics.weights, free.metrics.depth), (23, 5));
/// assert_eq!((quantized.metrics.weights, quantized.metrics.depth), (52, 8));
/// ```
pub fn build_unquantized(spec: &NetSpec) -> Result<Construction, CoreError> {
    let mut free = spec.clone();
    free.quantization = Quantization::Unquantized;
    build(&free)
}

#[cfg(test)]
mod guard_tests;
