//! `structure = taylor` for targets that are not polynomials: the F_{d,n}
//! check from derivative enclosures, the plan's bound against the built
//! network's and against the error measured at many points, both wirings,
//! `eps` and `tune`.

use super::TaylorPlan;
use super::expansion::{Expansion, Source};
use super::plan::Beta;
use crate::construct::direct::expr::tests::{add, c, measured, mul, strict, x};
use crate::construct::{build, build_unquantized};
use crate::expr::Expr;
use crate::interval::elementary::Elementary;
use crate::rational::{self, ratio};
use crate::spec::NetSpec;
use crate::{Construction, Structure};

/// `log(1 + x)/2`, the issue's `Soft`.
fn soft() -> Expr {
    Expr::Div(
        Box::new(add(c(1, 1), x()).call(Elementary::Log)),
        Box::new(c(2, 1)),
    )
}

/// `structure = taylor` with order `n`, `N = 4`, `r = 4`.
fn taylor(e: Expr, inputs: &[&str], n: u32) -> NetSpec {
    let mut s = NetSpec::new("T1", inputs, e);
    s.structure = Structure::Taylor;
    (s.n, s.grid, s.r) = (Some(n), Some(4), Some(4));
    s
}

/// Builds, checks the codebook, and checks the bound against the error
/// measured on a fine grid (f64, far below the bounds here).
fn measured_within(c: &Construction, f: &dyn Fn(&[f64]) -> f64) -> f64 {
    let m = measured(c, f);
    let bound = rational::to_f64(&c.error_bound);
    assert!(m <= bound + 1e-12, "measured {m} > bound {bound}");
    m
}

#[test]
fn soft_meets_eps_in_the_strict_codebook() {
    let mut s = taylor(soft(), &["x"], 2);
    (s.grid, s.r, s.eps) = (None, None, Some(ratio(1, 100)));
    let c = build(&s).unwrap();
    strict(&c);
    assert!(c.error_bound <= ratio(1, 100));
    let m = measured_within(&c, &|v| (1.0 + v[0]).ln() / 2.0);
    eprintln!(
        "soft: N = {:?}, r = {:?}, t = {:?}, {} weights, bound {:.3e}, measured {m:.3e}",
        c.spec.grid,
        c.spec.r,
        c.spec.t,
        c.metrics.weights,
        rational::to_f64(&c.error_bound)
    );
}

#[test]
fn plan_bound_is_the_built_bound_and_free_weights_work_too() {
    // exp(x)/3: every derivative is e^x/3 <= e/3 < 1 on [0, 1]
    let e = Expr::Div(Box::new(x().call(Elementary::Exp)), Box::new(c(3, 1)));
    let f = |v: &[f64]| v[0].exp() / 3.0;
    let mut s = taylor(e.clone(), &["x"], 3);
    (s.grid, s.r, s.t) = (Some(6), Some(5), Some(10));
    let built = build(&s).unwrap();
    strict(&built);
    measured_within(&built, &f);
    let source = Source::Expr { expr: e, d: 1 };
    let plan = TaylorPlan::planned(&source, 3, 6, Beta::Rounded).unwrap();
    assert_eq!(plan.bound(5, 10).unwrap().total(), built.error_bound);
    let free = build_unquantized(&s).unwrap();
    let m = measured_within(&free, &f);
    assert!(free.metrics.weights < built.metrics.weights);
    assert!(
        free.error_bound < built.error_bound,
        "free weights have exact β up to 2^-96"
    );
    eprintln!(
        "exp(x)/3: {} weights (free {}), bound {:.3e} (free {:.3e}, measured {m:.3e})",
        built.metrics.weights,
        free.metrics.weights,
        rational::to_f64(&built.error_bound),
        rational::to_f64(&free.error_bound),
    );
}

#[test]
fn a_polynomial_written_as_an_expression_plans_the_same_terms() {
    // x^2/4 - x/3: the enclosures at grid points are exact, so the rounded
    // β agree with the exact expansion's; only the remainder differs — the
    // Lagrange bound instead of the exact tail, never below it
    let e = add(
        mul(c(1, 4), Expr::Pow(Box::new(x()), 2)),
        mul(c(-1, 3), x()),
    );
    let p = e.to_poly(1).unwrap();
    for (n, grid) in [(1, 5), (2, 4), (2, 7)] {
        let exact = TaylorPlan::new(&p, n, grid).unwrap();
        let source = Source::Expr {
            expr: e.clone(),
            d: 1,
        };
        let enclosed = TaylorPlan::planned(&source, n, grid, Beta::Rounded).unwrap();
        assert_eq!(
            exact.terms().collect::<Vec<_>>(),
            enclosed.terms().collect::<Vec<_>>()
        );
        assert!(enclosed.taylor() >= exact.taylor());
        // the same expansion through the polynomial source, for reference
        let same =
            TaylorPlan::planned(&Source::Poly(Expansion::new(&p)), n, grid, Beta::Rounded).unwrap();
        assert_eq!(same.taylor(), exact.taylor());
    }
}

#[test]
fn two_inputs() {
    // sin(x)·cos(y)/2 in F_{2,2}
    let y = Expr::var(1);
    let e = Expr::Div(
        Box::new(mul(x().call(Elementary::Sin), y.call(Elementary::Cos))),
        Box::new(c(2, 1)),
    );
    let mut s = taylor(e, &["x", "y"], 2);
    (s.grid, s.r) = (Some(3), Some(4));
    let built = build(&s).unwrap();
    strict(&built);
    measured_within(&built, &|v| v[0].sin() * v[1].cos() / 2.0);
}

#[test]
fn targets_outside_f_dn_are_refused_with_a_witness() {
    let e = mul(c(3, 1), x()).call(Elementary::Exp);
    let err = build(&taylor(e, &["x"], 1)).unwrap_err().to_string();
    let expected = ", but its derivative dx is 60.2566 at (1); scale the target by 0.0166 or less";
    assert!(err.contains(expected), "{err}");
    // the target itself above 1
    let e = add(c(1, 1), x()).call(Elementary::Exp);
    let err = build(&taylor(e, &["x"], 1)).unwrap_err().to_string();
    assert!(err.contains(" is 7.3891 at (1)"), "{err}");
    // abs has no second derivative at its kink
    let kink = Expr::Div(
        Box::new(Expr::Abs(Box::new(Expr::Sub(
            Box::new(x()),
            Box::new(c(1, 3)),
        )))),
        Box::new(c(2, 1)),
    );
    let err = build(&taylor(kink.clone(), &["x"], 2))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not 2 times differentiable"), "{err}");
    assert!(err.contains("`abs(x - 1/3)`"), "{err}");
    // but it is 1/2-Lipschitz: n = 1 is fine
    let mut s = taylor(kink, &["x"], 1);
    (s.grid, s.r) = (Some(8), Some(3));
    let built = build(&s).unwrap();
    measured_within(&built, &|v| (v[0] - 1.0 / 3.0).abs() / 2.0);
}

#[test]
fn sine_reaches_one_exactly_and_still_passes() {
    // |cos| = 1 at x = 0 exactly: the enclosures stay within [−1, 1]
    let s = taylor(x().call(Elementary::Sin), &["x"], 3);
    let built = build(&s).unwrap();
    measured_within(&built, &|v| v[0].sin());
}

#[test]
fn tune_finds_an_order_and_meets_eps() {
    let mut s = taylor(soft(), &["x"], 1);
    (s.n, s.grid, s.r) = (None, None, None);
    s.tune = true;
    s.eps = Some(ratio(1, 64));
    let c = build(&s).unwrap();
    strict(&c);
    assert!(c.error_bound <= ratio(1, 64));
    measured_within(&c, &|v| (1.0 + v[0]).ln() / 2.0);
    eprintln!(
        "soft tuned: n = {:?}, N = {:?}, {} weights",
        c.spec.n, c.spec.grid, c.metrics.weights
    );
}
