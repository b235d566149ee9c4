//! The check of `structure = taylor`: its parameters, the domain
//! `[0, 1]^d`, and the target in F_{d,n} (eq. 1), proved exactly.

use num_traits::{One, Signed, Zero};

use super::expansion::orders_below;
use crate::error::{CoreError, Subject};
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param};

/// Checks that `target ∈ F_{d,n}` (eq. 1): every derivative of order ≤ n
/// at most 1 in magnitude on `[0, 1]^d`. A derivative passes when its
/// Bernstein coefficients on every box of a subdivision of `[0, 1]^d` lie
/// in [−1, 1] (a proof: they enclose its range); it fails when an exact
/// value at a point examined — a midpoint of the subdivision or a point of
/// the grid `{0, 1/8, …, 1}^d` — exceeds 1 (a proof too). The subdivision
/// ([`crate::bernstein::sup_abs`]) decides every derivative whose maximum
/// is not exactly 1 at an irrational point, within its budget of splits.
/// Between the two — the enclosure stays above 1 but no point examined
/// exceeds 1 — the target is refused as well, saying that the bound could
/// not be shown.
///
/// # Errors
/// [`CoreError::InvalidParameter`] on the target, with the largest value
/// found and the scale that would fit.
pub fn check_smoothness(target: &crate::Poly, n: u32, names: &[&str]) -> Result<(), CoreError> {
    let d = target.nvars();
    // (value, point, ν) of the largest grid value, and of the loosest enclosure
    let mut worst: Option<(Rational, Vec<Rational>, Vec<u32>)> = None;
    let mut loosest: Option<(Rational, Vec<u32>)> = None;
    for nu in orders_below(d, n + 1) {
        let mut q = target.clone();
        for (l, &e) in nu.iter().enumerate() {
            for _ in 0..e {
                q = q.derivative(l);
            }
        }
        // refined by subdivision: one box's Bernstein coefficients of
        // Chebyshev-like derivatives overshoot by 40×
        let (lower, at, enclosure) = crate::bernstein::sup_abs(&q);
        if enclosure <= Rational::one() {
            continue;
        }
        if lower > Rational::one() && worst.as_ref().is_none_or(|(w, _, _)| lower > *w) {
            worst = Some((lower, at, nu.clone()));
        }
        if loosest.as_ref().is_none_or(|(e, _)| enclosure > *e) {
            loosest = Some((enclosure, nu.clone()));
        }
        // look for a witness on a grid, exactly
        let mut idx = vec![0i64; d];
        'grid: loop {
            let x: Vec<Rational> = idx
                .iter()
                .map(|&k| Rational::new(k.into(), 8.into()))
                .collect();
            let v = q.eval(&x).abs();
            if v > Rational::one() && worst.as_ref().is_none_or(|(w, _, _)| v > *w) {
                worst = Some((v, x, nu.clone()));
            }
            let mut l = 0;
            loop {
                if l == d {
                    break 'grid;
                }
                if idx[l] < 8 {
                    idx[l] += 1;
                    break;
                }
                idx[l] = 0;
                l += 1;
            }
        }
    }
    let describe = |nu: &[u32]| {
        if nu.iter().all(|&e| e == 0) {
            "the target".to_owned()
        } else {
            let parts: Vec<String> = nu
                .iter()
                .enumerate()
                .filter(|(_, e)| **e > 0)
                .map(|(l, e)| {
                    if *e == 1 {
                        format!("d{}", names[l])
                    } else {
                        format!("d{}^{e}", names[l])
                    }
                })
                .collect();
            format!("its derivative {}", parts.join(" "))
        }
    };
    let message = match (worst, loosest) {
        (Some((v, at, nu)), _) => {
            let at: Vec<String> = at.iter().map(rational::display).collect();
            format!(
                "`structure = taylor` needs every derivative of order <= {n} bounded by 1 on \
                 [0, 1] (F_{{d,n}}, eq. 1), but {} is {} at ({}); scale the target by {} \
                 or less",
                describe(&nu),
                rational::display(&v),
                at.join(", "),
                rational::display(&v.recip())
            )
        }
        (None, Some((e, nu))) => format!(
            "`structure = taylor` needs every derivative of order <= {n} bounded by 1 on \
             [0, 1] (F_{{d,n}}, eq. 1); for {} only the bound {} could be shown; scale the \
             target by {} to be sure",
            describe(&nu),
            rational::display(&e),
            rational::display(&e.recip())
        ),
        (None, None) => return Ok(()),
    };
    Err(CoreError::InvalidParameter {
        subject: Subject::Target,
        message,
    })
}

/// Refuses parameters the Taylor structure cannot use, and targets outside
/// F_{d,n}.
pub(crate) fn check_supported(spec: &NetSpec) -> Result<(), CoreError> {
    let missing = |param, message: &str| CoreError::InvalidParameter {
        subject: Subject::Param(param),
        message: message.to_owned(),
    };
    crate::construct::check_params(spec, true)?;
    if spec.tune && spec.grid.is_some() {
        return Err(missing(
            Param::Grid,
            "`tune = smallest` chooses `N`; leave `N` out",
        ));
    }
    let n = match spec.n {
        Some(n) => n,
        // the search tries every order the target allows, from 1
        None if spec.tune => 1,
        None => {
            return Err(missing(
                Param::Order,
                "`structure = taylor` needs the Taylor order `n`, as in `n = 2`, unless \
                 `tune = smallest` chooses it",
            ));
        }
    };
    if spec.grid.is_none() && spec.eps.is_none() {
        return Err(missing(
            Param::Grid,
            "`structure = taylor` needs the grid `N`, as in `N = 8`, unless `eps` is given",
        ));
    }
    if spec.r.is_none() && spec.eps.is_none() {
        return Err(missing(Param::R, "`r` is required unless `eps` is given"));
    }
    for (i, (lo, hi)) in spec.domain.iter().enumerate() {
        if !lo.is_zero() || !hi.is_one() {
            return Err(CoreError::Unsupported {
                subject: Subject::Domain(i),
                message: format!(
                    "`structure = taylor` works on [0, 1] (Theorem 1's F_{{d,n}}), not [{}, {}]",
                    rational::display(lo),
                    rational::display(hi)
                ),
            });
        }
    }
    let names: Vec<&str> = spec.inputs.iter().map(String::as_str).collect();
    check_smoothness(spec.poly("`structure = taylor`")?, n, &names)
}
