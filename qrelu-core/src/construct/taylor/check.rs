//! The check of `structure = taylor`: its parameters, the domain
//! `[0, 1]^d`, and the target in F_{d,n} (eq. 1), proved — exactly for a
//! polynomial (Bernstein coefficients and exact values), by enclosures of
//! the derivatives for any other expression.

use num_traits::{One, Signed, Zero};

use super::expansion::orders_below;
use crate::error::{CoreError, Subject};
use crate::expr::Expr;
use crate::expr::derive::DeriveError;
use crate::interval::Interval;
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param, Target};

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
    let derivatives: Vec<(Vec<u32>, crate::Poly)> = orders_below(d, n + 1)
        .into_iter()
        .map(|nu| {
            let mut q = target.clone();
            for (l, &e) in nu.iter().enumerate() {
                for _ in 0..e {
                    q = q.derivative(l);
                }
            }
            (nu, q)
        })
        .collect();
    // first the grid, exactly: a witness there refutes at once, before
    // any subdivision (whose cost grows with the degree and the terms:
    // `(x + y + z)^20` took minutes when the corner already said no)
    for (nu, q) in &derivatives {
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
    if worst.is_none() {
        for (nu, q) in &derivatives {
            // refined by subdivision: one box's Bernstein coefficients of
            // Chebyshev-like derivatives overshoot by 40×
            let (lower, at, enclosure) = crate::bernstein::sup_abs(q);
            if enclosure <= Rational::one() {
                continue;
            }
            if lower > Rational::one() && worst.as_ref().is_none_or(|(w, _, _)| lower > *w) {
                worst = Some((lower, at, nu.clone()));
            }
            if loosest.as_ref().is_none_or(|(e, _)| enclosure > *e) {
                loosest = Some((enclosure, nu.clone()));
            }
        }
    }
    let describe = |nu: &[u32]| describe(nu, names);
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

/// "the target", or "its derivative dx dy^2" for the multi-index `nu`.
fn describe(nu: &[u32], names: &[&str]) -> String {
    if nu.iter().all(|&e| e == 0) {
        return "the target".to_owned();
    }
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

/// Boxes [`check_expr_smoothness`] examines at most.
pub const SMOOTHNESS_BOXES: usize = 4096;

/// Boxes narrower than this (in every input) are not split further by
/// [`check_expr_smoothness`]: `2^−24`.
const SMOOTHNESS_WIDTH: i64 = -24;

/// Working precision of [`check_expr_smoothness`]'s enclosures.
const SMOOTHNESS_PRECISION: u32 = 96;

/// [`check_smoothness`] for any target: the polynomial check, or
/// [`check_expr_smoothness`].
///
/// # Errors
/// As those.
pub fn check_target_smoothness(target: &Target, n: u32, names: &[&str]) -> Result<(), CoreError> {
    match target {
        Target::Poly(p) => check_smoothness(p, n, names),
        Target::Expr(e) => check_expr_smoothness(e, n, names),
    }
}

/// Why [`derivatives_within_one`] did not prove its bound.
#[derive(Clone, Debug)]
pub(crate) enum Exceeds {
    /// `|D^ν f|` is proved above 1 at a point: `(ν, enclosure, point)`
    Witness(Vec<u32>, Box<Interval>, Vec<Rational>),
    /// the budget ran out; the loosest enclosure left above 1, with its ν
    Loose(Option<(Vec<u32>, Rational)>),
    /// an `abs`, `min` or `max` whose kink may lie inside the domain has
    /// no derivative of the order asked there
    Kink(crate::expr::Path),
}

/// Proves `|D^ν f| ≤ 1` on `[0, 1]^d` for every `ν` with `low ≤ |ν| ≤ n`,
/// or finds why not. Branch and bound over boxes, breadth first: a box
/// passes when the enclosures of those `D^ν f` ([`Expr::derivatives`],
/// Taylor-mode interval arithmetic) lie in [−1, 1] — a proof, since they
/// contain the derivatives' ranges over the box; otherwise the
/// derivatives are enclosed at the box's centre, and an enclosure entirely
/// beyond 1 in magnitude is a witness (a proof too); otherwise the box is
/// halved along its widest side. The grid `{0, 1/8, …, 1}^d` is examined
/// first, and the largest witness there is returned. What the budget
/// ([`SMOOTHNESS_BOXES`] boxes, none narrower than 2^−24) leaves undecided
/// is [`Exceeds::Loose`] (or [`Exceeds::Kink`] when a kink was in the
/// way).
pub(crate) fn derivatives_within_one(
    expr: &Expr,
    d: usize,
    low: u32,
    n: u32,
) -> Result<(), Exceeds> {
    let orders = |ds: Vec<(Vec<u32>, Interval)>| {
        ds.into_iter()
            .filter(move |(nu, _)| nu.iter().sum::<u32>() >= low)
    };
    // the largest proved |D^ν f| > 1 at a point
    let witness_at = |x: &[Rational]| -> Option<Exceeds> {
        let point: Vec<Interval> = x.iter().cloned().map(Interval::point).collect();
        let ds = expr.derivatives(&point, n, SMOOTHNESS_PRECISION).ok()?;
        let (nu, v) = orders(ds)
            .filter(|(_, v)| v.mig() > Rational::one())
            .max_by(|a, b| a.1.mig().cmp(&b.1.mig()))?;
        Some(Exceeds::Witness(nu, Box::new(v), x.to_vec()))
    };
    let size = |e: &Exceeds| match e {
        Exceeds::Witness(_, v, _) => v.mig(),
        _ => Rational::zero(),
    };
    let eighths = (0..9usize.pow(d as u32)).map(|mut k| -> Vec<Rational> {
        (0..d)
            .map(|_| {
                let q = Rational::new(((k % 9) as i64).into(), 8.into());
                k /= 9;
                q
            })
            .collect()
    });
    if let Some(found) = eighths
        .filter_map(|x| witness_at(&x))
        .max_by(|a, b| size(a).cmp(&size(b)))
    {
        return Err(found);
    }
    let unit = Interval::hull_of(Rational::zero(), Rational::one());
    let mut queue = std::collections::VecDeque::from([vec![unit; d]]);
    let mut examined = 0usize;
    let mut loosest: Option<(Vec<u32>, Rational)> = None;
    let mut kink: Option<crate::expr::Path> = None;
    let narrow = rational::pow2(SMOOTHNESS_WIDTH);
    while let Some(b) = queue.pop_front() {
        examined += 1;
        match expr.derivatives(&b, n, SMOOTHNESS_PRECISION) {
            Ok(ds) => {
                let over = orders(ds)
                    .filter(|(_, v)| v.mag() > Rational::one())
                    .max_by(|a, b| a.1.mag().cmp(&b.1.mag()));
                // every derivative within [−1, 1] on the box: proved
                let Some((nu, v)) = over else { continue };
                if loosest.as_ref().is_none_or(|(_, e)| v.mag() > *e) {
                    loosest = Some((nu, v.mag()));
                }
            }
            Err(DeriveError::NotSmooth { path }) => kink = Some(path),
            Err(DeriveError::Undefined(_)) => {}
        }
        let centre: Vec<Rational> = b.iter().map(Interval::mid).collect();
        if let Some(found) = witness_at(&centre) {
            return Err(found);
        }
        let (widest, width) = b
            .iter()
            .enumerate()
            .map(|(l, x)| (l, x.width()))
            .max_by(|a, c| a.1.cmp(&c.1))
            .unwrap_or((0, Rational::zero()));
        if examined + queue.len() >= SMOOTHNESS_BOXES || width < narrow {
            return Err(match kink {
                Some(path) => Exceeds::Kink(path),
                None => Exceeds::Loose(loosest),
            });
        }
        let (left, right) = b[widest].bisect();
        for half in [left, right] {
            let mut c = b.clone();
            c[widest] = half;
            queue.push_back(c);
        }
    }
    Ok(())
}

/// A value for a message: four decimals at most, trailing zeros dropped
/// (`3`, `2.7183`).
pub(crate) fn show(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Checks that a target expression lies in F_{d,n} (eq. 1) on
/// `[0, 1]^d`, `d = names.len()`: every derivative of order ≤ n at most 1
/// in magnitude, by `derivatives_within_one` (branch and bound over boxes). Refused with the witness
/// (the derivative, its value, the point and the scale that would fit),
/// with the loosest bound shown when the budget leaves it undecided, or —
/// for `n ≥ 2` — because an `abs`, `min` or `max` has its kink inside the
/// domain (no second derivative there).
///
/// # Errors
/// [`CoreError::InvalidParameter`] on the target.
pub fn check_expr_smoothness(expr: &Expr, n: u32, names: &[&str]) -> Result<(), CoreError> {
    let Err(why) = derivatives_within_one(expr, names.len(), 0, n) else {
        return Ok(());
    };
    let subject = match &why {
        Exceeds::Kink(path) => Subject::TargetPart(path.clone()),
        _ => Subject::Target,
    };
    let message = match why {
        Exceeds::Witness(nu, v, at) => {
            let at: Vec<String> = at.iter().map(rational::display).collect();
            format!(
                ", but {} is {} at ({}); scale the target by {} or less",
                describe(&nu, names),
                show(rational::to_f64(&v.mid())),
                at.join(", "),
                show(rational::to_f64(&v.mag().recip()))
            )
        }
        Exceeds::Kink(path) => {
            let node = expr
                .at(&path)
                .map_or_else(String::new, |e| format!(" `{}`", e.display_with(names)));
            format!(
                "; the target is not {n} times differentiable: the kink of{node} may lie inside \
                 the domain"
            )
        }
        Exceeds::Loose(Some((nu, e))) => format!(
            "; for {} only the bound {} could be shown; scale the target by {} to be sure",
            describe(&nu, names),
            show(rational::to_f64(&e)),
            show(rational::to_f64(&e.recip()))
        ),
        Exceeds::Loose(None) => "; its derivatives could not be enclosed".to_owned(),
    };
    Err(CoreError::InvalidParameter {
        subject,
        message: format!(
            "`structure = taylor` needs every derivative of order <= {n} bounded by 1 on [0, 1] \
             (F_{{d,n}}, eq. 1){message}"
        ),
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
    check_target_smoothness(&spec.target, n, &names)
}
