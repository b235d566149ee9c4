//! Eq. 27, checked: with the paper's own choices — N given, `r` from
//! eq. 26, `t = ⌈log2(nN^n/d^n)⌉` — Theorem 1's network is within
//! `3·2^d·(d/N)^n` of the target. The network's exact a-priori bound must
//! not exceed eq. 27's value, and the error measured exactly on a grid of
//! non-dyadic points (and along lines in 2-D) must not exceed the bound.
//! Targets of every degree, so that the Taylor remainder is not zero.

use num_traits::{Signed, Zero};
use qrelu_core::quantize::Quantization;
use qrelu_core::rational::{self, Rational, ratio};
use qrelu_core::{NetSpec, Structure, build};
use qrelu_core::{Poly, eval};

/// `Σ c·x^α` from `(numerator, denominator, exponents)`.
fn poly(dim: usize, terms: &[(i64, i64, &[u32])]) -> Poly {
    Poly::from_terms(
        dim,
        terms.iter().map(|(p, q, e)| (ratio(*p, *q), e.to_vec())),
    )
}

/// Eq. 27: `3·2^d·(d/N)^n`.
fn eq27(d: usize, n: u32, grid: u32) -> Rational {
    let dn = num_traits::pow(ratio(d as i64, i64::from(grid)), n as usize);
    Rational::from_integer((3i64 << d).into()) * dn
}

/// Builds Theorem 1's network with eq. 27's value as `eps` and the grid
/// given: `resolve` then takes `r` from eq. 26 and `t` from Section 4.3.
fn build_with_paper_choices(
    target: &Poly,
    names: &[&str],
    n: u32,
    grid: u32,
    quantization: Quantization,
) -> qrelu_core::Construction {
    let mut spec = NetSpec::new("Eq27", names, target.clone());
    spec.structure = Structure::Taylor;
    spec.n = Some(n);
    spec.grid = Some(grid);
    spec.eps = Some(eq27(names.len(), n, grid));
    spec.quantization = quantization;
    spec.max_weights = 2_000_000;
    build(&spec).unwrap_or_else(|e| panic!("n={n} N={grid}: {e:?}"))
}

/// The largest exact error over `points`.
fn worst(c: &qrelu_core::Construction, target: &Poly, points: &[Vec<Rational>]) -> Rational {
    points
        .iter()
        .map(|x| (eval::eval(&c.net, x) - target.eval(x)).abs())
        .fold(Rational::zero(), |a, b| a.max(b))
}

#[test]
fn one_dimensional_targets_meet_eq_27() {
    let targets = [
        // the smooth cubic
        poly(1, &[(1, 6, &[3]), (-1, 4, &[2]), (1, 3, &[1])]),
        // sin's Taylor polynomial of degree 5: every derivative ≤ 1 on [0, 1]
        poly(1, &[(1, 1, &[1]), (-1, 6, &[3]), (1, 120, &[5])]),
        // a quartic bump around 1/2
        poly(
            1,
            &[
                (1, 24, &[4]),
                (-1, 12, &[3]),
                (1, 16, &[2]),
                (-1, 48, &[1]),
                (1, 384, &[0]),
            ],
        ),
    ];
    // non-dyadic points: (k + 1/3)/40
    let points: Vec<Vec<Rational>> = (0..40).map(|k| vec![ratio(3 * k + 1, 120)]).collect();
    for target in &targets {
        for n in 1..=3 {
            for grid in [2, 3, 5, 8] {
                let quantization = if grid == 5 {
                    Quantization::Linear
                } else {
                    Quantization::Nonlinear
                };
                let c = build_with_paper_choices(target, &["x"], n, grid, quantization);
                let paper = eq27(1, n, grid);
                assert!(
                    c.error_bound <= paper,
                    "n={n} N={grid}: bound {} > eq. 27 {}",
                    c.error_bound,
                    paper
                );
                let err = worst(&c, target, &points);
                assert!(
                    err <= c.error_bound,
                    "n={n} N={grid}: error {err} > bound {}",
                    c.error_bound
                );
                assert!(err.is_positive());
            }
        }
    }
}

#[test]
fn two_dimensional_targets_meet_eq_27_on_grids_and_lines() {
    let targets = [
        // the saddle
        poly(2, &[(1, 4, &[2, 0]), (-1, 4, &[0, 2])]),
        // a cubic with a mixed term
        poly(2, &[(1, 2, &[1, 1]), (-1, 6, &[0, 3]), (1, 8, &[2, 0])]),
    ];
    // a non-dyadic tensor grid, and two lines of 41 points each
    let mut points: Vec<Vec<Rational>> = Vec::new();
    for i in 0..9 {
        for j in 0..9 {
            points.push(vec![ratio(3 * i + 1, 25), ratio(3 * j + 2, 25)]);
        }
    }
    for k in 0..=40 {
        points.push(vec![ratio(k, 40), ratio(1, 3)]);
        points.push(vec![ratio(2, 7), ratio(k, 40)]);
    }
    for target in &targets {
        for (n, grid) in [(1, 3), (2, 2), (2, 3), (3, 2)] {
            let c = build_with_paper_choices(target, &["x", "y"], n, grid, Quantization::Nonlinear);
            let paper = eq27(2, n, grid);
            assert!(
                c.error_bound <= paper,
                "n={n} N={grid}: bound {} > eq. 27 {}",
                c.error_bound,
                paper
            );
            let err = worst(&c, target, &points);
            assert!(
                err <= c.error_bound,
                "n={n} N={grid}: error {err} > bound {}",
                c.error_bound
            );
            assert!(err.is_positive());
            // how far below eq. 27 the exact bound is, for the record
            eprintln!(
                "d=2 n={n} N={grid}: {} weights, bound {:.3e}, eq. 27 {:.3e}, measured {:.3e}",
                c.metrics.weights,
                rational::to_f64(&c.error_bound),
                rational::to_f64(&paper),
                rational::to_f64(&err)
            );
        }
    }
}
