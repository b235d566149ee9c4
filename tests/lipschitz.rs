//! `structure = lipschitz` end to end (Theorem 2, first milestone: f'' =
//! f^T): the generated networks are strict, equal the core's, and their
//! certified sup error is at most `eps` and at most `INFO.error_bound`.

mod common;

use common::{JsonNet, q, spec_of};
use qrelu::check::certify_1d;
use qrelu::{Exact, Network};
use qrelu_core::construct::build;
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
}

/// The `eps` each net was declared with (`NetInfo` does not carry it).
fn eps_of(name: &str) -> Exact {
    match name {
        "HalfSquare" | "Wiggle" | "WiggleLinear" => q(1, 256),
        "Parabola" => q(1, 500),
        _ => q(1, 1000),
    }
}

/// The spec the macro lowered `N` to, `eps` included.
fn core_spec<N: Network>() -> qrelu_core::NetSpec {
    let mut spec = spec_of::<N>();
    spec.eps = Some(eps_of(N::INFO.name));
    spec
}

macro_rules! each_net {
    ($N:ident => $body:block; $($net:ty),* $(,)?) => {
        $( { type $N = $net; $body } )*
    };
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
        let parts: Vec<&str> = N::INFO.parts.iter().map(|p| p.name).collect();
        assert!(parts.contains(&"B_T") && parts.contains(&"B_fT") && parts.contains(&"B_w"));
    }; HalfSquare, Cube, Parabola, Wiggle, WiggleLinear, Chebyshev);
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
    }; HalfSquare, Cube, Parabola, Wiggle, WiggleLinear, Chebyshev);
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
