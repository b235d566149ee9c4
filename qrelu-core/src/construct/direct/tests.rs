//! Tests of `structure = direct`: the plan, the bounds against exact
//! errors, the estimate against built sizes, Table 1's accounting.

use num_traits::{One, Signed, Zero};

use super::plan::plan;
use super::*;
use crate::Poly;
use crate::rational::{self, Rational, ratio};
use crate::spec::NetSpec;

fn unit_box(d: usize) -> Vec<(Rational, Rational)> {
    vec![(Rational::zero(), Rational::one()); d]
}

#[test]
fn squares_win_when_they_apply() {
    let x = Poly::var(1, 0);
    let plan = plan(&x.pow(4), &unit_box(1), 5).unwrap();
    let ops: Vec<_> = plan.nodes.iter().map(|n| n.op.clone()).collect();
    assert_eq!(ops, vec![Op::Input(0), Op::Square(0), Op::Square(1)]);
    // δ(x²) = ε; δ(x⁴) = ε + ε(2 + ε)
    let eps = crate::bound::square(5);
    assert_eq!(plan.nodes[1].delta, eps);
    assert_eq!(plan.nodes[2].delta, &eps + &eps * (rational::int(2) + &eps));
}

#[test]
fn sub_products_are_shared() {
    // x·y·z and y·z: y·z built once, x·(y·z) reuses it
    let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
    let target = x.mul(&y).mul(&z).add(&y.mul(&z));
    let plan = plan(&target, &unit_box(3), 4).unwrap();
    assert_eq!(plan.products(), 2);
    let xyz = plan.node(&[1, 1, 1]).unwrap();
    let yz = plan.node(&[0, 1, 1]).unwrap();
    assert!(matches!(plan.nodes[xyz].op, Op::Mul(a, b) if a == yz || b == yz));
    // 4ε each, plus a little because y·z may exceed 1 by its own error
    let eight_eps = crate::bound::mul(4) * rational::int(2);
    assert!(plan.nodes[xyz].delta > eight_eps);
    assert!(plan.nodes[xyz].delta < eight_eps + crate::bound::square(4));
}

#[test]
fn cube_is_x_times_x_squared() {
    let x = Poly::var(1, 0);
    let plan = plan(&x.pow(3), &unit_box(1), 6).unwrap();
    assert_eq!(plan.products(), 1);
    assert_eq!(plan.squares(), 1);
    // the square stays within [0, 1], so ×′ sees no argument beyond 1
    assert_eq!(plan.nodes[1].reach, Rational::one());
    assert_eq!(
        plan.nodes.last().unwrap().delta,
        crate::bound::mul(6) + crate::bound::square(6)
    );
    assert_eq!(ratio(1, 2), rational::pow2(-1));
}

/// Builds `target` and checks the exact error on a grid of `k/den`
/// points against the bound; returns (weights, bound, measured).
fn check(
    target: Poly,
    inputs: &[&str],
    signed: bool,
    r: u32,
    t: Option<u32>,
    lambda: u32,
) -> (usize, Rational, Rational) {
    let mut spec = NetSpec::new("T", inputs, target.clone());
    if signed {
        spec.domain = vec![(-Rational::one(), Rational::one()); inputs.len()];
    }
    spec.r = Some(r);
    spec.t = t;
    spec.lambda = lambda;
    let c = crate::construct::build(&spec).unwrap();
    let estimate = crate::construct::estimate_weights(&spec).unwrap();
    assert!(
        estimate >= c.metrics.weights as u64,
        "estimate {estimate} < {}",
        c.metrics.weights
    );
    eprintln!("estimate {estimate} actual {}", c.metrics.weights);
    let den = 9i64;
    let lo = if signed { -den } else { 0 };
    let d = inputs.len();
    let mut worst = Rational::zero();
    let mut idx = vec![lo; d];
    loop {
        let x: Vec<Rational> = idx.iter().map(|&k| ratio(k, den)).collect();
        let err = (crate::eval::eval(&c.net, &x) - target.eval(&x)).abs();
        assert!(
            err <= c.error_bound,
            "error {err} > bound {} at {x:?}",
            c.error_bound
        );
        worst = worst.max(err);
        let mut i = 0;
        loop {
            if i == d {
                return (c.metrics.weights, c.error_bound, worst);
            }
            if idx[i] < den {
                idx[i] += 1;
                break;
            }
            idx[i] = lo;
            i += 1;
        }
    }
}

#[test]
fn issue_examples_meet_their_bounds() {
    let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
    let c = |n, d| Poly::constant(3, ratio(n, d));
    let product = Poly::var(2, 0).mul(&Poly::var(2, 1));
    let (w, bd, m) = check(product, &["x", "y"], true, 8, None, 2);
    eprintln!("product: {w} weights, bound {bd}, measured {m}");
    let x1 = Poly::var(1, 0);
    let cubic = x1
        .pow(3)
        .scale(&ratio(3, 4))
        .sub(&x1.scale(&ratio(1, 2)))
        .add(&Poly::constant(1, ratio(1, 8)));
    let (w, bd, m) = check(cubic, &["x"], false, 10, Some(16), 4);
    eprintln!("cubic: {w} weights, bound {bd}, measured {m}");
    let mix = x
        .mul(&y)
        .mul(&z)
        .sub(&x.pow(2).scale(&ratio(2, 1)))
        .add(&y.sub(&z).pow(2).mul(&c(1, 3)));
    check(x1.pow(2), &["x"], false, 24, None, 2);
    check(x1.pow(2), &["x"], true, 5, None, 2);
    check(
        x1.pow(4)
            .add(&x1.pow(2))
            .sub(&Poly::constant(1, ratio(7, 3))),
        &["x"],
        true,
        5,
        None,
        3,
    );
    let (w, bd, m) = check(mix, &["x", "y", "z"], false, 8, Some(12), 3);
    eprintln!("mix: {w} weights, bound {bd}, measured {m}");
}

/// Cases where the estimate once fell below the built size: a form that
/// clashes with the output's gate copies, a coefficient whose rounding
/// carries into the integer part, a constant rounded before doubling.
#[test]
fn estimate_is_an_upper_bound_on_past_failures() {
    let x = Poly::var(1, 0);
    let cases = [
        (
            x.scale(&ratio(-7, 2)).add(&x.pow(3).scale(&ratio(1, 2))),
            false,
            5,
            3,
        ),
        (
            Poly::constant(1, ratio(-7, 3))
                .add(&x.pow(2).scale(&ratio(-5, 3)))
                .add(&x.pow(4).scale(&ratio(4, 5))),
            true,
            7,
            1,
        ),
        (Poly::constant(1, ratio(-9, 5)), false, 5, 1),
    ];
    for (target, signed, r, t) in cases {
        let mut spec = NetSpec::new("T", &["x"], target);
        if signed {
            spec.domain = vec![(-Rational::one(), Rational::one())];
        }
        spec.r = Some(r);
        spec.t = Some(t);
        let built = crate::construct::build(&spec).unwrap().metrics.weights as u64;
        let estimate = crate::construct::estimate_weights(&spec).unwrap();
        assert!(estimate >= built, "{estimate} < {built}");
    }
}

/// Table 1's vocabulary for `structure = direct` (module docs): every
/// unit in one part, B_N exactly the constants, one B_×′ per square or
/// product of the plan, one B_w per coefficient built through Prop. 3,
/// no B_s or B_h.
#[test]
fn direct_networks_are_accounted_by_table_1_parts() {
    use crate::metrics::{self, part_instances};
    use crate::net::Part;
    let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
    let mix = x
        .mul(&y)
        .mul(&z)
        .sub(&x.pow(2).scale(&ratio(2, 1)))
        .add(&y.sub(&z).pow(2).scale(&ratio(1, 3)));
    let u = Poly::var(1, 0);
    // 3/4·u³ − u/2 + 1/8: −u/2 is the input's own form (no B_w), the
    // constant 1/8 the chain K_2 (B_N); −7/3 + …: an integer part of
    // constant units
    let cubic = u
        .pow(3)
        .scale(&ratio(3, 4))
        .sub(&u.scale(&ratio(1, 2)))
        .add(&Poly::constant(1, ratio(1, 8)));
    let big_constant = Poly::constant(1, ratio(-7, 3)).add(&u.pow(2).scale(&ratio(-5, 3)));
    let cases = [
        (mix, false, None),
        (cubic, false, Some(1)),
        (big_constant, true, Some(1)),
    ];
    for (target, signed, weights) in cases {
        let d = target.nvars();
        let names: Vec<String> = (0..d).map(|k| format!("x{k}")).collect();
        let mut spec = NetSpec::new(
            "T",
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
            target.clone(),
        );
        if signed {
            spec.domain = vec![(-Rational::one(), Rational::one()); d];
        }
        spec.r = Some(5);
        let c = crate::construct::build(&spec).unwrap();
        crate::metrics::tests::assert_parts_partition(&c.net);
        let plan = plan(&target, &spec.domain, 5).unwrap();
        let mul = part_instances(&c.net, Part::Mul);
        assert_eq!(mul.len(), plan.squares() + plan.products());
        // a square is one f_s^r (2r units), a product three
        assert!(mul.iter().all(|m| m.units == 10 || m.units == 30));
        let names: Vec<String> = metrics::parts(&c.net).into_iter().map(|p| p.name).collect();
        assert!(!names.iter().any(|n| n == "B_s" || n == "B_h"), "{names:?}");
        let terms = target
            .terms()
            .filter(|(e, _)| e.iter().any(|&k| k > 0))
            .count();
        let w = part_instances(&c.net, Part::Weights).len();
        assert!(w <= terms);
        if let Some(expected) = weights {
            assert_eq!(w, expected);
        }
    }
}
