//! Identity and scaling by powers of two with weights ±1/2 only, through
//! fan-out and fan-in (the "weight 1 = four units of weight 1/2" of the
//! proof of Prop. 3).
//!
//! For a unit `x ≥ 0` (a ReLU output or an input known to be nonnegative):
//!
//! - [`fan_out`]: `n` copies `X_j = σ(½x) = x/2`, one weight each;
//! - [`scale`]: `2^e·x` as a linear form. For `e ≥ 0` it reads
//!   `2^(e+2)` copies with weight ½ each (`2^(e+2)·½·x/2 = 2^e·x`): `2^(e+3)`
//!   weights, depth 1. For `e < 0` it is a chain of `−e − 1` halving units
//!   `σ(½·)` read with weight ½: `−e` weights, depth `−e − 1`. The
//!   identity is `e = 0`: four units, eight weights.
//!
//! Every weight is ±1/2 and every bias zero, so these gadgets are valid in
//! every codebook.

use num_traits::Zero;

use crate::error::{CoreError, Subject};
use crate::net::{LinearForm, NetBuilder, UnitId};
use crate::rational::{self, Rational};

/// Largest `e` [`scale`] accepts: 2^(e+3) weights for one scaling.
pub const MAX_UP: i32 = 16;

/// `n` copies of `σ(½x) = x/2`, each a unit with one weight.
///
/// # Errors
/// Builder errors only (none for a valid `x`).
pub fn fan_out(b: &mut NetBuilder, x: UnitId, n: usize) -> Result<Vec<UnitId>, CoreError> {
    let half = rational::ratio(1, 2);
    (1..=n)
        .map(|j| b.relu(&format!("x{j}"), Rational::zero(), &[(x, half.clone())]))
        .collect()
}

/// `2^e·x` for a nonnegative unit `x`, as a linear form with coefficients
/// ½ (module docs for the sizes).
///
/// # Errors
/// `e > MAX_UP`; builder errors (none for a valid `x`).
pub fn scale(b: &mut NetBuilder, x: UnitId, e: i32) -> Result<LinearForm, CoreError> {
    let half = rational::ratio(1, 2);
    let mut form = LinearForm::default();
    if e > MAX_UP {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Net,
            message: format!(
                "scaling by 2^{e} would need 2^{} weights; at most 2^{MAX_UP} is built",
                e + 3
            ),
        });
    }
    if e >= 0 {
        for u in fan_out(b, x, 1usize << (e + 2))? {
            form.push(u, half.clone());
        }
    } else {
        let mut u = x;
        for j in 1..-e {
            u = b.relu(&format!("h{j}"), Rational::zero(), &[(u, half.clone())])?;
        }
        form.push(u, half);
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::eval;
    use crate::metrics::metrics;
    use crate::quantize::Codebook;
    use crate::rational::{pow2, ratio};

    #[test]
    fn scales_exactly_with_half_weights() {
        for e in -6..=4 {
            let mut b = NetBuilder::new(Codebook::nonlinear(2, 4).unwrap(), &["x".to_owned()]);
            let form = scale(&mut b, 0, e).unwrap();
            let net = b.finish(Rational::zero(), &form).unwrap();
            for k in 0..=9 {
                let x = ratio(k, 7);
                assert_eq!(
                    eval(&net, std::slice::from_ref(&x)),
                    &x * pow2(i64::from(e)),
                    "e={e} x={x}"
                );
            }
            let m = metrics(&net);
            let expected = if e >= 0 {
                1usize << (e + 3)
            } else {
                (-e) as usize
            };
            assert_eq!(m.weights, expected, "weights e={e}");
            assert!(
                net.parameters()
                    .all(|(_, v)| v.is_zero() || v == &ratio(1, 2))
            );
        }
    }

    #[test]
    fn refuses_absurd_scaling() {
        let mut b = NetBuilder::new(Codebook::nonlinear(2, 4).unwrap(), &["x".to_owned()]);
        assert!(scale(&mut b, 0, MAX_UP + 1).is_err());
    }
}
