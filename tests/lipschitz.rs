//! `structure = lipschitz` end to end (Theorem 2, Fig. 4: f'' = f^T plus
//! cached functions): the generated networks are strict, equal the core's,
//! have Table 2's blocks, their bound is the class bound `(2^−t + 1/m)/T`,
//! and their certified sup error is at most `eps` and at most
//! `INFO.error_bound`. `tune = smallest` keeps f^T alone when it is smaller.

#[macro_use]
mod common;

use common::{JsonNet, q, spec_of};
use qrelu::check::certify_1d;
use qrelu::{Exact, Network};
use qrelu_core::build;
use qrelu_core::eval;

qrelu::qrelu! {
    /// x²/2: x² itself has Lipschitz constant 2 on [0, 1] and is refused.
    pub net HalfSquare(x) = x^2/2 where structure = lipschitz, eps = 1/256;
    /// x³/3, under a 3-value codebook.
    pub net Cube(x) = x^3/3 where structure = lipschitz, eps = 1/1000, lambda = 3;
    /// A shifted parabola, |f′| ≤ 1 at x = 1.
    pub net Parabola(x) = 3/4*(x - 1/3)^2 where structure = lipschitz, eps = 1/500;
    /// The example.
    pub net Wiggle(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, lambda = 2;
    /// The same with the linear codebook of §5.3.
    pub net WiggleLinear(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, lambda = 5, quantization = linear;
    /// f′ = T_6(2x − 1)/2 (Chebyshev): six sign changes of the derivative;
    /// f = (F(2x − 1) − F(−1))/4 with F = ∫T_6 = 32/7 y^7 − 48/5 y^5 + 6 y^3 − y.
    pub net Chebyshev(x) = (32/7*(2*x - 1)^7 - 48/5*(2*x - 1)^5 + 6*(2*x - 1)^3 - (2*x - 1) + 32/7 - 48/5 + 6 - 1)/4
        where structure = lipschitz, eps = 1/1000, t = 4;
    /// A line: f^T needs no breakpoint, so the breakpoints' constants are dead.
    pub net Falling(x) = 1/2 - x where structure = lipschitz, eps = 1/64, quantization = linear;
    /// `tune = smallest`: f^T alone, its T from the exact bound on this target.
    pub net WiggleTuned(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, tune = smallest;
}

/// The `eps` each net was declared with (`NetInfo` does not carry it).
fn eps_of(name: &str) -> Exact {
    match name {
        "HalfSquare" | "Wiggle" | "WiggleLinear" | "WiggleTuned" => q(1, 256),
        "Parabola" => q(1, 500),
        "Falling" => q(1, 64),
        _ => q(1, 1000),
    }
}

/// The spec the macro lowered `N` to, `eps` included.
fn core_spec<N: Network>() -> qrelu_core::NetSpec {
    let mut spec = spec_of::<N>();
    spec.eps = Some(eps_of(N::INFO.name));
    spec.tune = N::INFO.name == "WiggleTuned";
    spec
}

#[test]
fn strict_and_equal_to_the_core() {
    each_net!(N => {
        let json = JsonNet::parse(N::JSON);
        json.assert_strict(N::INFO.name);
        assert_eq!(N::INFO.structure, "lipschitz");
        assert_eq!(N::INFO.r, None);
        let c = build(&core_spec::<N>()).unwrap();
        assert_eq!(c.metrics.weights, N::INFO.weights, "{}", N::INFO.name);
        for k in 0..=40 {
            let x = [q(k, 39)];
            assert_eq!(json.eval(&x), N::eval_at(&x).unwrap(), "{}", N::INFO.name);
            assert_eq!(eval::eval(&c.net, &x), N::eval_at(&x).unwrap());
        }
        assert_eq!(N::INFO.intervals, c.params.intervals);
        assert_eq!(N::INFO.cells, c.params.cells);
        let parts: Vec<&str> = N::INFO.parts.iter().map(|p| p.name).collect();
        assert!(parts.contains(&"B_T") && parts.contains(&"B_fT") && parts.contains(&"B_w"));
        if N::INFO.name != "WiggleTuned" {
            // Fig. 4: every block of Table 2, and the class bound
            for block in [
                "B_delta", "B_m", "B_Phi", "B_s1", "B_s2", "B_s3", "B_fstar1", "B_fstar2",
                "B_fstar3",
            ] {
                assert!(parts.contains(&block), "{}: no {block}", N::INFO.name);
            }
            let (t, big_t, m) = (
                N::INFO.t.unwrap(),
                N::INFO.intervals.unwrap() as i64,
                N::INFO.cells.unwrap() as i64,
            );
            assert_eq!(1i64 << t, m);
            let bound = q(2, m * big_t);
            assert_eq!(N::INFO.error_bound.to_exact(), bound, "{}", N::INFO.name);
        }
    }; HalfSquare, Cube, Parabola, Wiggle, WiggleLinear, Chebyshev, WiggleTuned);
}

#[test]
fn tune_keeps_the_smaller_candidate() {
    // on a smooth target f^T alone needs far fewer intervals than the class bound
    let (tuned, fig4) = (&WiggleTuned::INFO, &Wiggle::INFO);
    assert_eq!(tuned.cells, None);
    assert!(
        tuned.weights < fig4.weights / 4,
        "{} {}",
        tuned.weights,
        fig4.weights
    );
    assert!(tuned.intervals < fig4.intervals);
    assert_eq!(Wiggle::INFO.intervals, Some(128));
    assert_eq!(Wiggle::INFO.cells, Some(4));
}

#[test]
fn certified_errors_are_within_eps_and_the_bound() {
    each_net!(N => {
        let c = certify_1d::<N>().unwrap();
        let eps = eps_of(N::INFO.name);
        assert!(c.holds, "{}: {} > {}", N::INFO.name, c.upper, c.bound);
        assert!(c.upper <= eps, "{}: {} > eps", N::INFO.name, c.upper);
        assert!(c.error > q(0, 1));
        println!(
            "{:12} t = {:?} weights = {:5} depth = {:3} bound = {:.3e} certified = {:.3e}",
            N::INFO.name,
            N::INFO.t,
            N::INFO.weights,
            N::INFO.depth,
            N::INFO.error_bound.to_f64(),
            qrelu::Scalar::to_f64(&c.error),
        );
    }; HalfSquare, Cube, Parabola, Wiggle, WiggleLinear, Chebyshev, WiggleTuned);
}

#[test]
fn knots_are_exact() {
    // f^T(i/T) = f̃(i/T) ≥ f(i/T), within 2^−t/T (Prop. 4 (ii)-(iii))
    let x: Vec<Exact> = (0..=8).map(|i| q(i, 8)).collect();
    for xi in x {
        let y = Wiggle::eval_at(std::slice::from_ref(&xi)).unwrap();
        let f = Wiggle::target_at(std::slice::from_ref(&xi)).unwrap();
        assert!(y >= f, "{xi}");
    }
}

#[test]
fn a_line_is_exact_and_keeps_no_dead_unit() {
    // f^T of a line has one slope: no breakpoint unit reads the constants
    // it would need, and no cached function (all steps equal); the
    // dead-unit pass leaves only what reaches the output
    let json = JsonNet::parse(Falling::JSON);
    json.assert_strict("Falling");
    let c = certify_1d::<Falling>().unwrap();
    assert_eq!(c.error, q(0, 1));
    let parts: Vec<&str> = Falling::INFO.parts.iter().map(|p| p.name).collect();
    assert!(!parts.contains(&"B_fstar2"), "{parts:?}");
    let core = build(&core_spec::<Falling>()).unwrap();
    assert_eq!(core.metrics.weights, Falling::INFO.weights);
}
