//! The network of `structure = direct`, for any wiring: the product DAG
//! of [`super::plan`] node by node, then the constant and one coefficient
//! per monomial on the output.

use num_traits::{Signed, Zero};

use super::plan::{Op, Plan};
use crate::construct::internal;
use crate::construct::wiring::{Wiring, pair_mut};
use crate::error::CoreError;
use crate::net::{Affine, Net};
use crate::spec::NetSpec;

/// Builds the network of `spec` (with `r` resolved) on `plan` with the
/// wiring `w`: every node of the DAG, children first (inputs, then
/// squares and products), then the constant term — first, because its
/// bits read the shared constant chain — and each monomial's coefficient
/// (module docs of [`crate::construct::wiring`]).
///
/// # Errors
/// Builder errors; a coefficient beyond what the wiring realises.
pub(crate) fn build<W: Wiring>(mut w: W, spec: &NetSpec, plan: &Plan) -> Result<Net, CoreError> {
    let r = spec.r.unwrap_or(1);
    let mut signals: Vec<W::Signal> = Vec::with_capacity(plan.nodes.len());
    for node in &plan.nodes {
        let signal = match node.op {
            Op::Input(i) => w.input(i, !spec.domain[i].0.is_negative()),
            Op::Square(a) => w.square(&mut signals[a], r)?,
            Op::Mul(x, y) => {
                let (a, c) = pair_mut(&mut signals, x, y)?;
                w.product(a, c, r)?
            }
        };
        signals.push(signal);
    }
    let mut out = Affine::default();
    let c0 = spec
        .poly("`structure = direct`")?
        .coefficient(&vec![0; spec.inputs.len()]);
    if !c0.is_zero() {
        w.add_constant(&mut out, &c0, spec)?;
    }
    for (exps, c) in spec.poly("`structure = direct`")?.terms() {
        if exps.iter().all(|&k| k == 0) {
            continue;
        }
        let id = plan
            .node(exps)
            .ok_or_else(|| internal("unplanned monomial"))?;
        w.add_term(&mut out, &mut signals[id], c, true)?;
    }
    w.finish(&out)
}
