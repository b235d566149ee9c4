//! `structure = direct`: the target built term by term from gadgets.
//!
//! Implemented so far: the target x² on [0, 1], which is f_s^r itself
//! (Prop. 1). Products (Prop. 2), weight sub-networks (Prop. 3) and general
//! polynomials come next; until then they are refused as not supported yet.

use num_traits::{One, Zero};

use super::NetSpec;
use crate::error::{CoreError, Subject};
use crate::gadget::square;
use crate::net::{Net, NetBuilder};
use crate::poly::Poly;
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

fn is_x_squared(p: &Poly) -> bool {
    p.nvars() == 1 && p.terms().count() == 1 && p.coefficient(&[2]).is_one()
}

/// Refuses targets and domains not implemented yet.
pub(crate) fn check_supported(spec: &NetSpec) -> Result<(), CoreError> {
    if !is_x_squared(&spec.target) {
        let names: Vec<&str> = spec.inputs.iter().map(String::as_str).collect();
        return Err(CoreError::Unsupported {
            subject: Subject::Target,
            message: format!(
                "the target `{}` is not supported yet; only `x^2` of one input on [0, 1] is implemented",
                spec.target.display_with(&names)
            ),
        });
    }
    let (lo, hi) = &spec.domain[0];
    if !lo.is_zero() || !hi.is_one() {
        return Err(CoreError::Unsupported {
            subject: Subject::Domain(0),
            message: format!(
                "the domain [{}, {}] is not supported yet for `x^2`; use [0, 1]",
                rational::display(lo),
                rational::display(hi)
            ),
        });
    }
    Ok(())
}

/// Weights of the network, computed from the formulas of the gadgets.
pub(crate) fn estimate_weights(spec: &NetSpec) -> Result<u64, CoreError> {
    Ok(square::weights(spec.r.unwrap_or(1)))
}

/// Builds the network; returns it with its bound and the `r`, `t` used.
pub(crate) fn build(spec: &NetSpec) -> Result<(Net, Rational, u32, u32), CoreError> {
    let r = spec.r.unwrap_or(1);
    let t = spec.t_or_default();
    let codebook = Codebook::nonlinear(spec.lambda, t)?;
    let mut b = NetBuilder::new(codebook, &spec.inputs);
    let x = b.input(0);
    let form = square::square(&mut b, x, r)?;
    let net = b.finish(Rational::zero(), &form)?;
    Ok((net, square::error_bound(r), r, t))
}
