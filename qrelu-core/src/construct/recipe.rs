//! The interface every structure implements: the four steps of the
//! pipeline in [`super`] (check, resolve, estimate, build), for one wiring.

use super::Params;
use super::wiring::Wiring;
use crate::error::CoreError;
use crate::net::Net;
use crate::rational::Rational;
use crate::spec::NetSpec;

/// What a structure's `build` returns: the network before the passes, its
/// exact a-priori bound, the spec with every parameter chosen, and the
/// parameters in force.
pub(crate) struct Built {
    pub(crate) net: Net,
    pub(crate) error_bound: Rational,
    pub(crate) spec: NetSpec,
    pub(crate) params: Params,
}

/// The four steps every structure implements (module docs), for one
/// wiring `W`.
pub(crate) trait Recipe<W: Wiring> {
    /// Everything `build` needs, fixed by `resolve`.
    type Plan;

    /// Refuses what the structure does not support, naming the part of
    /// the spec.
    fn check(spec: &NetSpec) -> Result<(), CoreError>;

    /// Chooses the parameters left open (`eps`, `tune = smallest`).
    fn resolve(spec: &NetSpec) -> Result<Self::Plan, CoreError>;

    /// The spec of a plan, with every parameter chosen.
    fn spec(plan: &Self::Plan) -> &NetSpec;

    /// An upper bound on the weights `build` makes, before building (the
    /// pipeline's size guard); at most 1.5× above them for networks of
    /// 1,000 weights or more (`guard_tests.rs` checks both).
    fn estimate(plan: &Self::Plan) -> Result<u64, CoreError>;

    /// The network and its exact a-priori bound.
    fn build(plan: Self::Plan) -> Result<Built, CoreError>;
}
