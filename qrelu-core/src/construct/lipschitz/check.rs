//! The check of `structure = lipschitz`: its parameters, one input on
//! [0, 1], and a Lipschitz constant at most 1, enclosed — exactly for a
//! polynomial, from enclosures of f′ for any other expression.
//!
//! [`lipschitz_constant`] encloses `sup |f′|` on [0, 1] by Bernstein
//! coefficients on a subdivision, exactly: it returns a rational point
//! where `|f′|` is largest among those examined (a lower bound) and an
//! upper bound, refined until they decide whether the constant is ≤ 1.
//! [`check_supported`] refuses a target whose constant exceeds 1 with the
//! constant found, where, and the scale `1/⌈upper⌉` that fits.
//!

use num_traits::{One, Zero};

use crate::Poly;
use crate::error::{CoreError, Subject};
use crate::expr::Expr;
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param, Target};

/// Refuses what `structure = lipschitz` does not take (module docs): the
/// parameters of other structures, a missing `eps`, more than one input, a
/// domain other than [0, 1], a Lipschitz constant above 1.
///
/// # Errors
/// The first of those, naming the part of the spec.
pub(crate) fn check_supported(spec: &NetSpec) -> Result<(), CoreError> {
    let refuse = |subject, message: String| CoreError::InvalidParameter { subject, message };
    for (given, key, what) in [
        (spec.r.is_some(), Param::R, "`r` (it has no products)"),
        (spec.n.is_some(), Param::Order, "Taylor order `n`"),
        (
            spec.grid.is_some(),
            Param::Grid,
            "grid `N` (`eps` chooses T)",
        ),
    ] {
        if given {
            return Err(refuse(
                Subject::Param(key),
                format!(
                    "`structure = lipschitz` takes no {what}; it accepts `eps`, `t`, `lambda`, \
                     `quantization`, `tune` and `max_weights`"
                ),
            ));
        }
    }
    if spec.eps.is_none() {
        return Err(refuse(
            Subject::Param(Param::Eps),
            "`structure = lipschitz` needs `eps`, as in `eps = 1/256`: it chooses the number \
             of intervals T from it"
                .to_owned(),
        ));
    }
    if spec.inputs.len() != 1 || spec.target.poly().is_some_and(|p| p.nvars() != 1) {
        return Err(CoreError::Unsupported {
            subject: Subject::Target,
            message: format!(
                "`structure = lipschitz` takes one input (Theorem 2's F_{{1,1}}), found {}",
                spec.inputs.len()
            ),
        });
    }
    let (lo, hi) = &spec.domain[0];
    if !lo.is_zero() || !hi.is_one() {
        return Err(CoreError::Unsupported {
            subject: Subject::Domain(0),
            message: format!(
                "`structure = lipschitz` works on [0, 1] (Theorem 2's F_{{1,1}}), not [{}, {}]",
                rational::display(lo),
                rational::display(hi)
            ),
        });
    }
    let poly = match &spec.target {
        Target::Poly(p) => p,
        Target::Expr(e) => return check_expr_constant(e),
    };
    let (lower, at, upper) = lipschitz_constant(poly);
    if upper > Rational::one() {
        // a witness above 1 gives the largest scale that can fit; without
        // one, 1/⌈upper⌉ is a scale that surely does
        let (found, fit) = if lower > Rational::one() {
            let found = format!(
                "|f′| reaches {} at x = {}",
                rational::display(&lower),
                rational::display(&at)
            );
            let fit = format!("{} or less", rational::display(&lower.recip()));
            (found, fit)
        } else {
            let fit = format!("1/{}", -rational::floor(&(-&upper)));
            let found = format!(
                "|f′| could not be shown to stay at most 1 (it reaches {} at x = {} and is \
                 at most about {:.6})",
                rational::display(&lower),
                rational::display(&at),
                rational::to_f64(&upper)
            );
            (found, fit)
        };
        return Err(CoreError::Unsupported {
            subject: Subject::Target,
            message: format!(
                "`structure = lipschitz` needs a Lipschitz constant at most 1 on [0, 1] \
                 (Theorem 2's F_{{1,1}}), but {found}; scale the target by {fit}"
            ),
        });
    }
    Ok(())
}

/// The Lipschitz check for an expression: `|f′| ≤ 1` on [0, 1] proved
/// from enclosures of f′ by subdivision
/// ([`derivatives_within_one`](crate::construct::taylor::check::derivatives_within_one)),
/// or refused with a point where `|f′| > 1` is proved (or the loosest
/// bound left when the budget runs out).
fn check_expr_constant(e: &Expr) -> Result<(), CoreError> {
    use crate::construct::taylor::check::{Exceeds, derivatives_within_one, show};
    let Err(why) = derivatives_within_one(e, 1, 1, 1) else {
        return Ok(());
    };
    let found = match why {
        Exceeds::Witness(_, v, at) => format!(
            "|f′| reaches {} at x = {}; scale the target by {} or less",
            show(rational::to_f64(&v.mig())),
            at.first().map_or_else(String::new, rational::display),
            show(rational::to_f64(&v.mag().recip()))
        ),
        Exceeds::Loose(Some((_, upper))) => format!(
            "|f′| could not be shown to stay at most 1 (the enclosures reach about {}); scale \
             the target by {} to be sure",
            show(rational::to_f64(&upper)),
            show(rational::to_f64(&upper.recip()))
        ),
        Exceeds::Loose(None) | Exceeds::Kink(_) => {
            "|f′| could not be enclosed; scale the target down to be sure".to_owned()
        }
    };
    Err(CoreError::Unsupported {
        subject: Subject::Target,
        message: format!(
            "`structure = lipschitz` needs a Lipschitz constant at most 1 on [0, 1] (Theorem 2's \
             F_{{1,1}}), but {found}"
        ),
    })
}

/// The Lipschitz constant `sup |f′|` of a one-variable polynomial on
/// [0, 1], enclosed: `(lower, at, upper)` with `|f′(at)| = lower ≤ sup ≤
/// upper`, refined (Bernstein coefficients on halved intervals, at most
/// 2^12 of them) until `upper ≤ 1` or `lower > 1` decides the check, or
/// until `upper − lower ≤ lower·2^−40`.
pub fn lipschitz_constant(target: &Poly) -> (Rational, Rational, Rational) {
    sup_abs(&target.derivative(0))
}

/// `sup |q|` of a one-variable polynomial on [0, 1], enclosed as
/// `(lower, at, upper)` exactly as [`lipschitz_constant`] encloses `|f′|`
/// (which is `sup_abs(f′)`): [`crate::bernstein::sup_abs`] in one variable,
/// refined until it decides `≤ 1`.
pub fn sup_abs(d: &Poly) -> (Rational, Rational, Rational) {
    let (lower, at, upper) = crate::bernstein::sup_abs(d);
    (lower, at.into_iter().next().unwrap_or_default(), upper)
}
