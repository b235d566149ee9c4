//! Tests of `structure = lipschitz`: Prop. 4 exactly, the Lipschitz
//! check, f^T and Fig. 4's network against their definitions in exact
//! arithmetic, the bounds against exact errors, sizes and parameters.

use num_traits::{One, Signed, Zero};

use super::check::check_supported;
use super::interpolant::{
    ErrorBound, Interpolant, MAX_T, build as build_lipschitz, choose, error_bound, estimate_weights,
};
use super::transform::Transform;
use super::*;
use crate::Poly;
use crate::error::Subject;
use crate::quantize::Codebook;
use crate::rational::{self, Rational, ratio};
use crate::spec::{NetSpec, Param};

fn poly(terms: &[(i64, i64, u32)]) -> Poly {
    Poly::from_terms(1, terms.iter().map(|(p, q, k)| (ratio(*p, *q), vec![*k])))
}

/// f with `f′(x) = T_6(2x − 1)/2` (Chebyshev): six sign changes of
/// the derivative on [0, 1], `|f′| ≤ 1/2`, f(0) = 0.
pub(crate) fn chebyshev_wiggle() -> Poly {
    let y = Poly::var(1, 0)
        .scale(&ratio(2, 1))
        .sub(&Poly::constant(1, ratio(1, 1)));
    // F(y) = ∫ T_6 = 32/7 y^7 − 48/5 y^5 + 6 y^3 − y
    let big_f = |y: &Poly| {
        y.pow(7)
            .scale(&ratio(32, 7))
            .sub(&y.pow(5).scale(&ratio(48, 5)))
            .add(&y.pow(3).scale(&ratio(6, 1)))
            .sub(y)
    };
    let at_minus_one = big_f(&Poly::constant(1, ratio(-1, 1)));
    big_f(&y).sub(&at_minus_one).scale(&ratio(1, 4))
}

/// Proposition 4 (i)–(iii), exactly, for many targets and T, t: f̃ is
/// 1-Lipschitz on a fine grid (every pair of neighbours, and across
/// intervals), takes the rounded values at i/T, and stays within
/// 2^−t/T of f on the grid.
#[test]
fn proposition_4_holds_exactly() {
    let targets = [
        poly(&[(1, 2, 2)]),
        poly(&[(1, 3, 3)]),
        poly(&[(3, 4, 2), (-1, 2, 1), (1, 12, 0)]),
        poly(&[(1, 3, 3), (-1, 4, 1)]),
        poly(&[(-1, 1, 1), (1, 7, 0)]),
        chebyshev_wiggle(),
    ];
    for (ti, f) in targets.iter().enumerate() {
        let (_, _, upper) = lipschitz_constant(f);
        assert!(
            upper <= Rational::one(),
            "target {ti} has Lipschitz constant {upper}"
        );
        for intervals in [1u64, 2, 3, 5, 8, 13] {
            for t in [0u32, 1, 3, 6] {
                let tf = Transform::new(f, intervals, t).unwrap();
                let q = tf.step().clone();
                for (i, knot) in tf.knots().iter().enumerate() {
                    let x = Rational::new((i as i64).into(), (intervals as i64).into());
                    let fx = f.eval(std::slice::from_ref(&x));
                    assert_eq!(*knot, tf.round_up(&fx));
                    assert_eq!(tf.at(&x), *knot, "f̃(i/T) for i = {i}");
                    assert!(*knot >= fx && knot - &fx < q);
                }
                let m = 7 * intervals as i64 * 6;
                let xs: Vec<Rational> = (0..=m).map(|k| ratio(k, m)).collect();
                let vals: Vec<Rational> = xs.iter().map(|x| tf.at(x)).collect();
                for k in 1..xs.len() {
                    // (i) 1-Lipschitz
                    assert!((&vals[k] - &vals[k - 1]).abs() <= &xs[k] - &xs[k - 1]);
                }
                for (x, v) in xs.iter().zip(&vals) {
                    // (iii) |f̃ − f| < 2^−t/T
                    let fx = f.eval(std::slice::from_ref(x));
                    assert!((v - fx).abs() < q, "target {ti} T={intervals} t={t} x={x}");
                }
            }
        }
    }
}

/// The F_{1,n} check of `structure = taylor` refines like this one: the
/// Chebyshev wiggle (|f′| ≤ 1/2, but Bernstein coefficients of f′ up to
/// 23.1 on [0, 1]) is accepted for n = 1, and x² still refused.
#[test]
fn the_taylor_check_subdivides_in_one_variable() {
    let names = ["x"];
    super::super::taylor::check_smoothness(&chebyshev_wiggle(), 1, &names).unwrap();
    let err = super::super::taylor::check_smoothness(&poly(&[(1, 1, 2)]), 1, &names)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is 2 at (1); scale the target by 1/2"),
        "{err}"
    );
}

#[test]
fn the_taylor_check_subdivides_in_two_variables() {
    // f = W(x)·y/2 with the wiggle W: ∂f/∂x = W′(x)·y/2, whose one-box
    // Bernstein enclosure is far above 1 though |W′| ≤ 1/2
    let names = ["x", "y"];
    let w = chebyshev_wiggle();
    let lifted = Poly::from_terms(2, w.terms().map(|(k, c)| (c.clone(), vec![k[0], 0])));
    let f = lifted.mul(&Poly::var(2, 1)).scale(&ratio(1, 2));
    let one_box = crate::bernstein::coefficients(&f.derivative(0))
        .into_iter()
        .map(|b| b.abs())
        .max()
        .unwrap();
    assert!(one_box > ratio(10, 1), "{one_box}");
    super::super::taylor::check_smoothness(&f, 1, &names).unwrap();
    // at order 2, 3·f is refused with a witness: ∂²/∂x² (3f) = 3W″(0)/2 = 54 at (0, 1)
    let err = super::super::taylor::check_smoothness(&f.scale(&ratio(3, 1)), 2, &names)
        .unwrap_err()
        .to_string();
    assert!(err.contains("dx^2 is 54 at (0, 1)"), "{err}");
}

#[test]
fn lipschitz_constants_are_enclosed() {
    // x²: f′ = 2x, constant 2 at x = 1
    let (lower, at, upper) = lipschitz_constant(&poly(&[(1, 1, 2)]));
    assert_eq!((lower.clone(), at), (ratio(2, 1), ratio(1, 1)));
    assert!(upper >= lower && upper > Rational::one());
    // x³/3 − x/4: f′ = x² − 1/4 ∈ [−1/4, 3/4]
    let (lower, _, upper) = lipschitz_constant(&poly(&[(1, 3, 3), (-1, 4, 1)]));
    assert!(upper <= Rational::one() && lower == ratio(3, 4));
    // an interior maximum of |f′| above 1: f′ = 1 − 8(x − 1/2)²·… at 1/2
    let wiggle = poly(&[(-4, 3, 3), (2, 1, 2), (1, 2, 1)]);
    let (lower, at, upper) = lipschitz_constant(&wiggle);
    assert!(lower > Rational::one(), "{lower} at {at}, upper {upper}");
    // a target with constant above 1 breaks Prop. 4 (ii) somewhere
    assert!(Transform::new(&poly(&[(3, 1, 2)]), 1, 0).is_err());
}

fn targets() -> Vec<Poly> {
    vec![
        poly(&[(1, 2, 2)]),
        poly(&[(1, 3, 3)]),
        poly(&[(3, 4, 2), (-1, 2, 1), (1, 12, 0)]),
        poly(&[(1, 3, 3), (-1, 4, 1)]),
        poly(&[(-1, 1, 1), (7, 4, 0)]),
        chebyshev_wiggle(),
    ]
}

fn spec_for(target: &Poly, t: u32) -> NetSpec {
    let mut spec = NetSpec::new("F", &["x"], target.clone());
    spec.structure = crate::spec::Structure::Lipschitz;
    spec.t = Some(t);
    spec
}

fn codebooks(t: u32) -> Vec<Codebook> {
    vec![
        Codebook::nonlinear(2, t).unwrap(),
        Codebook::nonlinear(3, t).unwrap(),
        Codebook::linear(3).unwrap(),
        Codebook::linear(5).unwrap(),
    ]
}

/// The network is f^T exactly — at every knot (f̃'s values) and at
/// non-dyadic points — in every codebook, strictly; its estimate is an
/// upper bound; its parts are B_T, B_f^T, B_w.
#[test]
fn network_is_the_interpolant_exactly() {
    for (ti, f) in targets().iter().enumerate() {
        for (tau, t) in [(0u32, 1u32), (1, 2), (3, 1), (3, 5), (5, 3)] {
            let params = LipschitzParams { tau, t };
            let interp = Interpolant::new(f, params).unwrap();
            assert!(interp.slopes().iter().all(|s| s.abs() <= Rational::one()));
            for codebook in codebooks(t) {
                let name = format!("target {ti}, τ = {tau}, t = {t}, {codebook:?}");
                let cb = codebook.clone();
                let (net, _) = build_lipschitz(&spec_for(f, t), params, codebook).unwrap();
                for (kind, v) in net.parameters() {
                    assert!(
                        cb.contains(v) || (kind == "bias" && v.is_zero()),
                        "{name}: {kind} {v}"
                    );
                }
                let big_t = params.intervals() as i64;
                for (i, knot) in interp.transform().knots().iter().enumerate() {
                    let x = ratio(i as i64, big_t);
                    assert_eq!(crate::eval::eval(&net, &[x]), *knot, "{name}: knot {i}");
                }
                for k in 0..=37 {
                    let x = ratio(k, 37);
                    assert_eq!(
                        crate::eval::eval(&net, std::slice::from_ref(&x)),
                        interp.at(&x),
                        "{name}: x = {x}"
                    );
                }
                let m = crate::metrics::metrics(&net);
                let estimate = estimate_weights(f, params).unwrap();
                assert!(
                    estimate >= m.weights as u64,
                    "{name}: {estimate} < {}",
                    m.weights
                );
                let parts: Vec<&str> = m.parts.iter().map(|p| p.name.as_str()).collect();
                assert!(
                    parts
                        .iter()
                        .all(|p| ["B_w", "B_T", "B_fT", "output"].contains(p))
                );
                assert_eq!(m.parts.iter().map(|p| p.weights).sum::<usize>(), m.weights);
                // B_f^T: one unit P_i per nonzero d_i, each one level above
                // x or the K_k it reads (the part spans those levels)
                let interp_part = m.parts.iter().find(|p| p.name == "B_fT").unwrap();
                let nonzero = interp.jumps().iter().filter(|d| !d.is_zero()).count();
                assert_eq!(interp_part.units, nonzero, "{name}");
                assert!(interp_part.depth <= tau as usize + 1, "{name}");
            }
        }
    }
}

/// The bound is never below the exact error `|f − f^T|` on a dense
/// non-dyadic grid, and it is below the generic `q + 1/T`.
#[test]
fn bound_covers_the_exact_error() {
    for (ti, f) in targets().iter().enumerate() {
        for (tau, t) in [(0u32, 1u32), (2, 1), (3, 4), (5, 2), (6, 8)] {
            let params = LipschitzParams { tau, t };
            let interp = Interpolant::new(f, params).unwrap();
            let bound = error_bound(f, params).unwrap();
            let m = 1021 * 3;
            let worst = (0..=m)
                .map(|k| {
                    let x = ratio(k, m);
                    (f.eval(std::slice::from_ref(&x)) - interp.at(&x)).abs()
                })
                .fold(Rational::zero(), Rational::max);
            assert!(
                worst <= bound,
                "target {ti} τ={tau} t={t}: {worst} > {bound}"
            );
            let generic = interp.transform().step() + ratio(1, 1 << tau);
            assert!(bound <= generic);
            // and not loose: within a factor 2 of the sampled error, or tiny
            assert!(
                bound <= &worst * rational::int(2) + interp.transform().step(),
                "target {ti} τ={tau} t={t}: {bound} vs {worst}"
            );
        }
    }
}

/// Weights grow like T (times log T from the breakpoints' digits).
#[test]
fn sizes_grow_like_t() {
    let f = chebyshev_wiggle();
    let mut last = 0;
    for tau in 2..=10u32 {
        let params = LipschitzParams { tau, t: 6 };
        let (net, bound) =
            build_lipschitz(&spec_for(&f, 6), params, Codebook::nonlinear(2, 6).unwrap()).unwrap();
        let m = crate::metrics::metrics(&net);
        println!(
            "τ = {tau:2}  T = {:5}  weights = {:6}  depth = {:3}  bound ≈ {:.3e}",
            1 << tau,
            m.weights,
            m.depth,
            rational::to_f64(&bound)
        );
        // B_f^T: at most T(1 + τ/2); B_w: at most t + 3 reads per P_i
        let per = m.weights as f64 / f64::from(1u32 << tau);
        assert!(per <= 1.0 + f64::from(tau) / 2.0 + 9.0 + 200.0 / f64::from(1u32 << tau));
        if tau >= 6 {
            assert!(m.weights < 5 * last / 2, "{} after {last}", m.weights);
        }
        last = m.weights;
    }
}

/// `eps` chooses the smallest τ, then the smallest t, and the built
/// bound meets it.
#[test]
fn parameters_from_eps() {
    for f in targets() {
        for eps in [ratio(1, 16), ratio(1, 1000)] {
            let mut spec = spec_for(&f, 1);
            spec.t = None;
            spec.eps = Some(eps.clone());
            let (params, bound) = choose(&spec).unwrap();
            assert!(bound <= eps);
            let bound_at = |e: &ErrorBound, tau, t| {
                e.bound(&Interpolant::new(&f, LipschitzParams { tau, t }).unwrap())
                    .unwrap()
            };
            if params.tau > 0 {
                let e = ErrorBound::new(&f, params.tau - 1);
                for t in (1..=MAX_T).step_by(3).chain([MAX_T]) {
                    assert!(bound_at(&e, params.tau - 1, t) > eps);
                }
            }
            let e = ErrorBound::new(&f, params.tau);
            for t in 1..params.t {
                assert!(bound_at(&e, params.tau, t) > eps);
            }
            // t given: the same τ back
            spec.t = Some(params.t);
            assert_eq!(choose(&spec).unwrap().0, params);
            // f^T alone is a candidate of `tune = smallest`
            spec.tune = true;
            let c = super::super::build(&spec).unwrap();
            assert!(c.error_bound <= eps);
        }
    }
}

#[test]
fn refusals_name_the_constant_and_the_scale() {
    let mut spec = spec_for(&poly(&[(1, 1, 2)]), 1);
    spec.t = None;
    spec.eps = Some(ratio(1, 100));
    let err = check_supported(&spec).unwrap_err().to_string();
    assert!(
        err.contains("reaches 2 at x = 1; scale the target by 1/2 or less"),
        "{err}"
    );
    spec.target = poly(&[(-4, 3, 3), (2, 1, 2), (1, 2, 1)]).into();
    let err = check_supported(&spec).unwrap_err().to_string();
    assert!(
        err.contains("reaches 3/2 at x = 1/2; scale the target by 2/3 or less"),
        "{err}"
    );
    // just above 1: the scale that fits is not 1/2
    spec.target = poly(&[(101, 100, 1)]).into();
    let err = check_supported(&spec).unwrap_err().to_string();
    assert!(err.contains("scale the target by 100/101 or less"), "{err}");
    spec.target = poly(&[(1, 2, 2)]).into();
    spec.eps = None;
    assert!(check_supported(&spec).is_err());
    spec.eps = Some(ratio(1, 100));
    spec.r = Some(3);
    assert_eq!(
        check_supported(&spec).unwrap_err().subject(),
        Subject::Param(Param::R)
    );
}

// ---------------------------------------------------------------- Fig. 4

mod fig4 {
    use super::super::cached::{CachedParams, Plan, choose, plan};
    use super::super::cached_units::build;
    use super::*;
    use crate::eval;
    use crate::net::Part;
    use crate::rational::ratio;

    fn poly(terms: &[(i64, i64, u32)]) -> Poly {
        Poly::from_terms(1, terms.iter().map(|(p, q, k)| (ratio(*p, *q), vec![*k])))
    }

    fn spec(target: Poly, eps: Rational) -> NetSpec {
        let mut s = NetSpec::new("F", &["x"], target);
        s.structure = crate::spec::Structure::Lipschitz;
        s.eps = Some(eps);
        s
    }

    #[test]
    fn paper_parameters() {
        // ε = 1/256: m = 4, t = 2, δ = 1/32, (1/4 + 1/4)/T ≤ 1/256 → T = 128
        let s = spec(poly(&[(1, 2, 2)]), ratio(1, 256));
        let p = choose(&s).unwrap();
        assert_eq!((p.intervals(), p.cells(), p.t()), (128, 4, 2));
        assert_eq!(p.delta(), ratio(1, 32));
        assert_eq!(p.bound(), ratio(1, 256));
        assert!(p.bound() <= ratio(1, 256));
        let coarser = CachedParams { tau: 6, mu: 2 };
        assert!(coarser.bound() > ratio(1, 256));
    }

    /// Every block computes the function the module docs claim for it,
    /// exactly, on a grid finer than every breakpoint — for the three ways
    /// of reaching ω (halvings, none, Prop. 3's multiple).
    #[test]
    fn every_block_computes_its_claimed_function() {
        let cheb = poly(&[(1, 2, 1), (-3, 1, 2), (2, 1, 3)]); // f′ = ½ − 6x + 6x²
        for (target, eps, t) in [
            (poly(&[(1, 3, 3), (-1, 4, 1)]), ratio(1, 8), Some(2)), // T = 4: halvings
            (cheb.clone(), ratio(1, 64), None),                     // T = 32: ω = W
            (cheb, ratio(1, 128), None),                            // T = 64: times
        ] {
            let mut s = spec(target, eps);
            s.t = t;
            let plan = plan(&s).unwrap();
            let p = plan.params();
            assert!(!plan.functions().is_empty(), "{p:?}");
            let (net, _) = build(&s, &plan, Codebook::nonlinear(2, 2).unwrap()).unwrap();
            let unit = |part: Part, role: &str| {
                (0..net.units().len())
                    .find(|&u| net.part_of(u) == Some(part) && net.units()[u].role == role)
                    .unwrap_or_else(|| panic!("no {role} in {part:?}"))
            };
            let (tau, mu, m) = (p.tau, p.mu, p.cells());
            let big_s = rational::pow2(-i64::from(tau + mu + 5));
            let mr = Rational::from_integer(m.into());
            // every breakpoint is a multiple of δ/T = 1/(8mT); midpoints too;
            // at most 8 intervals at each end
            let per = 16 * m;
            let ends = p.intervals().min(8);
            let ks = (0..=ends * per).chain((p.intervals() - ends) * per..=p.intervals() * per);
            let grid = p.intervals() * per;
            for k in ks {
                let x = Rational::new(k.into(), grid.into());
                let v = eval::unit_values(&net, std::slice::from_ref(&x));
                let w = plan.wave(&x);
                if tau > 0 {
                    let scale = rational::pow2(-i64::from(2 * tau + 1));
                    assert_eq!(v[unit(Part::ScaleUp, "w")], &scale * &w, "W at {x}");
                }
                let ys = format!("y{}", mu + 1);
                assert_eq!(v[unit(Part::ScaleDown, "y1")], &big_s * &w);
                assert_eq!(v[unit(Part::ScaleDown, &ys)], &big_s * &w / &mr);
                for c in 1..m {
                    let h = &big_s * rational::relu(&(&w - Rational::new(c.into(), m.into())));
                    assert_eq!(v[unit(Part::Cache1, &format!("h{c}"))], h, "H_{c} at {x}");
                }
                for c in 0..m as usize {
                    let used = plan.functions().iter().any(|e| e[c] != 0);
                    if !used {
                        continue;
                    }
                    let start = Rational::from_integer(c.into()) / &mr;
                    let clip = (&w - start)
                        .max(Rational::zero())
                        .min(Rational::one() / &mr);
                    let a = &big_s / rational::int(2) * (clip - &w / &mr + Rational::one() / &mr);
                    assert_eq!(v[unit(Part::Cache1, &format!("a{c}"))], a, "A_{c} at {x}");
                }
                let (mut gp, mut gn) = (Rational::zero(), Rational::zero());
                for (j, e) in plan.functions().iter().enumerate() {
                    let psi = plan.mask(j, &x);
                    assert!(psi >= Rational::zero() && psi <= Rational::one());
                    let vj = &big_s / rational::int(2) * &psi;
                    assert_eq!(v[unit(Part::Mask, &format!("v{j}"))], vj, "V_{j} at {x}");
                    let c = plan.cached(e, &w);
                    assert!(c.abs() <= Rational::one());
                    let quarter = &big_s / rational::int(4);
                    let mp = &quarter * rational::relu(&(&c - Rational::one() + &psi));
                    let mn = &quarter * rational::relu(&(-&c - Rational::one() + &psi));
                    assert_eq!(
                        v[unit(Part::Cache2, &format!("mp{j}"))],
                        mp,
                        "M+_{j} at {x}"
                    );
                    assert_eq!(
                        v[unit(Part::Cache2, &format!("mn{j}"))],
                        mn,
                        "M-_{j} at {x}"
                    );
                    gp += mp / rational::int(2);
                    gn += mn / rational::int(2);
                }
                assert_eq!(v[unit(Part::Cache3, "gp")], gp);
                assert_eq!(v[unit(Part::Cache3, "gn")], gn);
                assert_eq!(eval::eval(&net, std::slice::from_ref(&x)), plan.at(&x));
            }
        }
    }

    /// Off the ramps the selected cached function is the interval's own,
    /// within `1/(mT)` of f̃ − f^T — and so is f^T alone on a pruned
    /// interval; the estimate covers the built size; runs are maximal and
    /// cover exactly the intervals with a non-zero function.
    #[test]
    fn cached_functions_track_the_transform() {
        let target = poly(&[(1, 2, 1), (-3, 1, 2), (2, 1, 3)]);
        let mut s = spec(target, ratio(1, 256));
        let full = plan(&s).unwrap();
        s.tune = true;
        let pruned = plan(&s).unwrap();
        assert!(pruned.runs().len() < full.runs().len());
        for plan in [full, pruned] {
            check_plan(&s, &plan);
        }
    }

    fn check_plan(s: &NetSpec, plan: &Plan) {
        let p = plan.params();
        let (big_t, m) = (p.intervals(), p.cells());
        let tf = plan.interpolant().transform();
        let limit = Rational::new(1.into(), (big_t * m).into());
        for i in 0..big_t {
            for k in 0..=4 * m {
                let x = Rational::new((4 * m * i + k).into(), (4 * m * big_t).into());
                let local = Rational::new(k.into(), (4 * m).into());
                let delta = p.delta();
                if local < delta || local > Rational::one() - &delta {
                    continue;
                }
                let want = tf.at(&x) - plan.interpolant().at(&x);
                let got = plan.at(&x) - plan.interpolant().at(&x);
                assert!((&want - &got).abs() <= limit, "interval {i}, x = {x}");
            }
        }
        let mut covered = vec![false; big_t as usize];
        for w in plan.runs().windows(2) {
            assert!(
                w[0].0 != w[1].0 || w[0].2 + 1 < w[1].1,
                "runs {w:?} not maximal"
            );
        }
        for &(j, a, b) in plan.runs() {
            for i in a..=b {
                assert_eq!(plan.chosen()[i as usize], Some(j));
                covered[i as usize] = true;
            }
        }
        for (i, c) in plan.chosen().iter().enumerate() {
            assert_eq!(c.is_some(), covered[i]);
        }
        let (net, _) = build(s, plan, Codebook::nonlinear(2, 2).unwrap()).unwrap();
        let built = crate::metrics::metrics(&net).weights as u64;
        assert!(plan.estimate_weights().unwrap() >= built);
    }

    #[test]
    fn network_equals_the_plan_exactly() {
        let target = poly(&[(1, 3, 3), (-1, 4, 1)]);
        let s = spec(target.clone(), ratio(1, 64));
        let plan = plan(&s).unwrap();
        assert!(!plan.functions().is_empty());
        let (net, bound) = build(&s, &plan, Codebook::nonlinear(2, 2).unwrap()).unwrap();
        let big = 2 * plan.params().intervals() * plan.params().cells() * 8;
        for k in 0..=big {
            let xv = Rational::new(k.into(), big.into());
            let got = eval::eval(&net, std::slice::from_ref(&xv));
            assert_eq!(got, plan.at(&xv), "at {xv}");
            let err = (got - target.eval(std::slice::from_ref(&xv))).abs();
            assert!(err <= bound, "error {err} above {bound} at {xv}");
        }
    }
}
