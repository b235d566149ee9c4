//! `structure = lipschitz` for targets that are not polynomials: the
//! Lipschitz check from enclosures of f′, Prop. 4 with enclosed values
//! (and one grid step more where a knot cannot be decided), both
//! candidates of `tune = smallest`, bounds against measured errors.

use num_traits::Signed;

use super::interpolant::{ErrorBound, Interpolant, LipschitzParams};
use super::transform::{OneInput, Transform};
use crate::construct::build;
use crate::construct::direct::expr::tests::{add, c, div, measured, mul, strict, x};
use crate::expr::Expr;
use crate::interval::elementary::Elementary;
use crate::rational::{self, Rational, ratio};
use crate::spec::NetSpec;
use crate::{Construction, Structure};

/// `sin(3x)/3`, the issue's `Wave`.
fn wave() -> Expr {
    div(mul(c(3, 1), x()).call(Elementary::Sin), c(3, 1))
}

fn lipschitz(e: Expr, eps: Rational) -> NetSpec {
    let mut s = NetSpec::new("L", &["x"], e);
    s.structure = Structure::Lipschitz;
    s.eps = Some(eps);
    s
}

fn within(c: &Construction, f: &dyn Fn(f64) -> f64) -> f64 {
    strict(c);
    let m = measured(c, &|v| f(v[0]));
    let bound = rational::to_f64(&c.error_bound);
    assert!(m <= bound + 1e-12, "measured {m} > bound {bound}");
    assert!(c.error_bound <= *c.spec.eps.as_ref().unwrap());
    m
}

#[test]
fn wave_builds_both_ways() {
    let f = |v: f64| (3.0 * v).sin() / 3.0;
    let fig4 = build(&lipschitz(wave(), ratio(1, 512))).unwrap();
    let m = within(&fig4, &f);
    eprintln!(
        "wave, Fig. 4: {} weights, bound {:.3e}, measured {m:.3e}",
        fig4.metrics.weights,
        rational::to_f64(&fig4.error_bound)
    );
    let mut s = lipschitz(wave(), ratio(1, 512));
    s.tune = true;
    let tuned = build(&s).unwrap();
    let m = within(&tuned, &f);
    assert!(tuned.metrics.weights <= fig4.metrics.weights);
    eprintln!(
        "wave, tuned: {} weights, bound {:.3e}, measured {m:.3e}",
        tuned.metrics.weights,
        rational::to_f64(&tuned.error_bound)
    );
}

#[test]
fn every_kind_of_target() {
    type F = fn(f64) -> f64;
    let cases: Vec<(Expr, F)> = vec![
        (div(add(c(1, 1), x()).call(Elementary::Log), c(2, 1)), |v| {
            (1.0 + v).ln() / 2.0
        }),
        (
            div(add(c(1, 1), x()).call(Elementary::Sqrt), c(2, 1)),
            |v| (1.0 + v).sqrt() / 2.0,
        ),
        (x().call(Elementary::Tanh), f64::tanh),
        (x().call(Elementary::Atan), f64::atan),
        (div(x().call(Elementary::Cos), c(2, 1)), |v| v.cos() / 2.0),
        (
            div(
                Expr::Abs(Box::new(Expr::Sub(Box::new(x()), Box::new(c(1, 3))))),
                c(2, 1),
            ),
            |v| (v - 1.0 / 3.0).abs() / 2.0,
        ),
        (div(c(1, 1), add(c(1, 1), x())), |v| 1.0 / (1.0 + v)),
    ];
    for (e, f) in cases {
        for tune in [false, true] {
            let mut s = lipschitz(e.clone(), ratio(1, 256));
            s.tune = tune;
            let built = build(&s).unwrap();
            within(&built, &f);
        }
    }
}

/// Prop. 4 with enclosures: the knots are the rounded values, `|Δk| ≤ 1/T`,
/// and `0 ≤ f̃ − f < q` at many points.
#[test]
fn proposition_4_with_enclosed_values() {
    let tol = rational::pow2(-80);
    for (tau, t) in [(3, 2), (5, 4), (6, 1)] {
        let big_t = 1u64 << tau;
        let tf = Transform::new(OneInput::Expr(wave()), big_t, t).unwrap();
        let q = tf.step().clone();
        assert_eq!(tf.excess(), &q, "every knot decided");
        let target = tf.target().clone();
        for (i, k) in tf.knots().iter().enumerate() {
            let x = Rational::new((i as u64).into(), big_t.into());
            let v = target.value(&x, &tol).unwrap();
            assert!(k >= v.hi() && k - v.lo() < q, "knot {i}");
        }
        for j in 0..=200u64 {
            let x = Rational::new((7 * j).into(), 1400.into());
            let ft = tf.enclose(&x, &tol).unwrap();
            let v = target.value(&x, &tol).unwrap();
            assert!(
                *ft.lo() >= v.lo() - &tol * rational::int(4),
                "f̃ below f at {x}"
            );
            assert!(ft.hi() - v.hi() < q, "f̃ above f + q at {x}");
        }
    }
}

#[test]
fn an_undecidable_knot_costs_one_grid_step() {
    // exp(log(1 + x))/2 = (1 + x)/2 is a multiple of q at x = 1/2, but no
    // enclosure of exp(log(3/2)) is a point: that knot is one step up
    let e = div(
        add(c(1, 1), x())
            .call(Elementary::Log)
            .call(Elementary::Exp),
        c(2, 1),
    );
    let params = LipschitzParams { tau: 1, t: 2 };
    let interp = Interpolant::new(OneInput::Expr(e.clone()), params).unwrap();
    let q = ratio(1, 8);
    assert_eq!(interp.transform().excess(), &(&q * rational::int(2)));
    let bound = ErrorBound::new(OneInput::Expr(e.clone()), 1)
        .bound(&interp)
        .unwrap();
    // the interpolant of the knots is within its bound of (1 + x)/2
    for j in 0..=64u64 {
        let x = Rational::new(j.into(), 64.into());
        let err =
            (interp.at(&x) - (Rational::from_integer(1.into()) + &x) / rational::int(2)).abs();
        assert!(err <= bound, "at {x}: {err} > {bound}");
    }
    let built = build(&lipschitz(e, ratio(1, 64))).unwrap();
    within(&built, &|v| (1.0 + v) / 2.0);
}

#[test]
fn a_constant_above_one_is_refused_with_a_witness() {
    let e = mul(c(2, 1), x()).call(Elementary::Sin);
    let err = build(&lipschitz(e, ratio(1, 256))).unwrap_err().to_string();
    assert!(
        err.contains("but |f′| reaches 2 at x = 0; scale the target by 0.5 or less"),
        "{err}"
    );
}
