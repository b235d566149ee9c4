//! Tests of the free wiring: each free gadget computes the strict one's
//! function (f_s^r on [0, ∞), ×′, the bumps), the free bounds, the size
//! estimates against built networks, and `eps` against the free bound.

use num_traits::{One, Signed, Zero};

use super::free::FreeSignal;
use super::{Free, Wiring};
use crate::construct::direct::bound_parts;
use crate::construct::taylor::bumps::{bump_network, free_bump};
use crate::eval::eval;
use crate::gadget::square::free_network as square_network;
use crate::metrics::metrics;
use crate::net::{Affine, Net, NetBuilder};
use crate::quantize::{Codebook, Quantization};
use crate::rational::{Rational, int, pow2, ratio};
use crate::spec::{NetSpec, Structure};
use crate::{Poly, bound, build, build_unquantized, estimate_weights};

/// The free ×′ as a network on two signed inputs `x, y`: output
/// `×′(x, y)` (eq. 7), through the gates of x, y and x + y.
fn mul_network(r: u32) -> Net {
    let spec = NetSpec::new("Mul", &["x", "y"], Poly::zero(2));
    let mut w = Free::new(&spec, 0).unwrap();
    let mut x = w.input(0, false);
    let mut y = w.input(1, false);
    let p: FreeSignal = w.product(&mut x, &mut y, r).unwrap();
    w.finish(&p.value).unwrap()
}

/// The free bound of a direct spec: `Σ |c_α|·δ_α`.
fn bound_direct(spec: &NetSpec) -> Rational {
    let mut free = spec.clone();
    free.quantization = Quantization::Unquantized;
    bound_parts(&free).unwrap().total()
}

/// Deterministic pseudo-random rationals `p/q` in `[lo, hi]` with odd
/// (so non-dyadic) denominators.
fn randoms(count: usize, lo: i64, hi: i64, seed: u64) -> Vec<Rational> {
    let mut state = seed;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    (0..count)
        .map(|_| {
            let q = 2 * (next() % 500) as i64 + 3;
            let p = (next() % ((hi - lo) as u64 * q as u64 + 1)) as i64;
            ratio(p, q) + int(lo)
        })
        .collect()
}

fn quantized_square(r: u32) -> Net {
    crate::gadget::square::network(r, Codebook::nonlinear(2, 2 * r + 2).unwrap()).unwrap()
}

/// The claim of the module docs, exactly: the free square is f_s^r on
/// [0, ∞) — at every breakpoint (where it is x², eq. 2) and at random
/// rationals of [0, 3], past 1 included.
#[test]
fn free_square_is_f_s_r_on_zero_to_three() {
    for r in 1..=12 {
        let free = square_network(r).unwrap();
        let quantized = quantized_square(r);
        let den = 1i64 << r;
        for k in 0..=den {
            let x = ratio(k, den);
            let at = std::slice::from_ref(&x);
            let value = eval(&free, at);
            assert_eq!(value, &x * &x, "r={r} k={k}");
            // the quantized one is x² there too (its own tests); a sample suffices
            if k % (1 + den / 256) == 0 {
                assert_eq!(value, eval(&quantized, at), "r={r} k={k}");
            }
        }
        for x in randoms(60, 0, 3, u64::from(r)) {
            let at = std::slice::from_ref(&x);
            assert_eq!(eval(&free, at), eval(&quantized, at), "r={r} x={x}");
        }
        // the midpoints attain eq. 3, and past 1 the last piece continues
        let mid = ratio(1, 2 * den);
        assert_eq!(
            eval(&free, std::slice::from_ref(&mid)) - &mid * &mid,
            bound::square(r)
        );
        let u = ratio(7, 3);
        let slope = int(2) - pow2(-i64::from(r));
        assert_eq!(
            eval(&free, std::slice::from_ref(&u)),
            int(1) + slope * (u - int(1))
        );
    }
}

#[test]
fn free_square_sizes_match_the_module_docs() {
    for r in 1..=16u32 {
        let m = metrics(&square_network(r).unwrap());
        let ru = r as usize;
        if r == 1 {
            assert_eq!((m.weights, m.units, m.depth, m.width), (3, 1, 2, 1));
            continue;
        }
        assert_eq!(m.weights, 6 * ru - 1, "weights r={r}");
        assert_eq!(m.units, 2 * ru, "units r={r}");
        assert_eq!(m.depth, ru + 1, "depth r={r}");
        assert_eq!(m.width, 2, "width r={r}");
        let q = metrics(&quantized_square(r));
        assert!(m.weights < q.weights && m.depth < q.depth, "r={r}");
        // every block is tagged: r tent steps and one tail
        let kinds: Vec<&str> = m.blocks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(kinds, vec!["square.tent", "square.tail", "output"]);
    }
}

fn unit_square_grid() -> Vec<Vec<Rational>> {
    let axis: Vec<Rational> = (0..=9).map(|k| ratio(2 * k - 9, 9)).collect();
    let mut out = Vec::new();
    for x in &axis {
        for y in &axis {
            out.push(vec![x.clone(), y.clone()]);
        }
    }
    out
}

/// The free ×′ is the quantized one as a function (the `x·y` network
/// of `structure = direct` realises the coefficient 1 exactly), is 0
/// when an input is, and errs by at most 4ε, attained at x = y = 2^−r.
#[test]
fn free_product_is_the_quantized_product() {
    for r in [1u32, 2, 4, 8] {
        let free = mul_network(r);
        let mut spec = NetSpec::new("P", &["x", "y"], Poly::var(2, 0).mul(&Poly::var(2, 1)));
        spec.domain = vec![(int(-1), int(1)); 2];
        spec.r = Some(r);
        let quantized = build(&spec).unwrap().net;
        let mut points = unit_square_grid();
        let xs = randoms(40, -1, 1, 7 + u64::from(r));
        let ys = randoms(40, -1, 1, 99 + u64::from(r));
        points.extend(xs.into_iter().zip(ys).map(|(x, y)| vec![x, y]));
        for p in &points {
            let v = eval(&free, p);
            assert_eq!(v, eval(&quantized, p), "r={r} at {p:?}");
            assert!(
                (&v - &p[0] * &p[1]).abs() <= bound::mul(r),
                "r={r} at {p:?}"
            );
            assert!(eval(&free, &[int(0), p[1].clone()]).is_zero());
            assert!(eval(&free, &[p[0].clone(), int(0)]).is_zero());
        }
        let h = pow2(-i64::from(r));
        let at = [h.clone(), h.clone()];
        assert_eq!(eval(&free, &at) - &h * &h, -bound::mul(r), "r={r}");
        // gates of x, y, x + y (8), three squares on 2 terms, their 3(2r + 2) terms
        let weights = if r == 1 { 23 } else { 18 * r as usize + 20 };
        assert_eq!(metrics(&free).weights, weights, "r={r}");
    }
}

/// Each free bump is h(3Nx − 3m) exactly — the quantized bump as a
/// function — and the bumps sum to 1 on [0, 1] (eq. 13).
#[test]
fn free_bumps_are_h_and_sum_to_one() {
    let points: Vec<Rational> = (0..=97).map(|k| ratio(k, 97)).collect();
    for grid in [1u64, 2, 5, 8] {
        let mut b = NetBuilder::new(Codebook::unquantized(), &["x".to_owned()]);
        let mut sum = Affine::default();
        let mut nets = Vec::new();
        for m in 0..=grid {
            let (h, _) = free_bump(&mut b, 0, grid, m).unwrap();
            sum.add_scaled(&h.value, &Rational::one());
            let mut alone = NetBuilder::new(Codebook::unquantized(), &["x".to_owned()]);
            let (h, _) = free_bump(&mut alone, 0, grid, m).unwrap();
            nets.push(alone.finish(h.value.constant, &h.value.form).unwrap());
        }
        let total = b.finish(sum.constant, &sum.form).unwrap();
        for (m, net) in nets.iter().enumerate() {
            let quantized =
                bump_network(grid, m as u64, Codebook::nonlinear(2, 8).unwrap()).unwrap();
            for x in &points {
                let at = std::slice::from_ref(x);
                assert_eq!(eval(net, at), eval(&quantized, at), "N={grid} m={m} x={x}");
            }
        }
        for x in &points {
            assert!(
                eval(&total, std::slice::from_ref(x)).is_one(),
                "N={grid} x={x}"
            );
        }
    }
}

fn cubic() -> Poly {
    let x = Poly::var(1, 0);
    x.pow(3)
        .scale(&ratio(3, 4))
        .sub(&x.scale(&ratio(1, 2)))
        .add(&Poly::constant(1, ratio(1, 8)))
}

/// With exact coefficients the free bound is the quantized bound's
/// products part and the other parts vanish; with a coefficient the
/// quantized network rounds (1/3), the free bound is below the
/// quantized total.
#[test]
fn free_bound_is_the_products_part() {
    let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
    let mut specs = Vec::new();
    let mut spec = NetSpec::new("C", &["x"], cubic());
    spec.r = Some(10);
    spec.t = Some(16);
    specs.push(spec);
    let mut spec = NetSpec::new("P", &["x", "y"], x.mul(&y));
    spec.domain = vec![(int(-1), int(1)); 2];
    spec.r = Some(8);
    specs.push(spec);
    for spec in &specs {
        let parts = bound_parts(spec).unwrap();
        assert!(parts.coefficients.is_zero() && parts.constant.is_zero());
        assert_eq!(bound_direct(spec), parts.products);
        assert_eq!(build_unquantized(spec).unwrap().error_bound, parts.products);
    }
    let mut spec = NetSpec::new("T", &["x", "y"], x.mul(&y).scale(&ratio(1, 3)));
    spec.r = Some(6);
    let parts = bound_parts(&spec).unwrap();
    let free = bound_direct(&spec);
    assert_ne!(free, parts.products);
    assert!(free < parts.total());
}

/// The a-priori size estimate is never below the built network.
#[test]
fn estimate_is_an_upper_bound() {
    let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
    let mixed = x
        .pow(2)
        .mul(&y)
        .scale(&ratio(1, 2))
        .sub(&x.mul(&y.pow(2)).scale(&ratio(3, 4)))
        .add(&y.pow(3).scale(&ratio(1, 4)))
        .add(&x.pow(4));
    for (target, signed) in [(mixed, true), (x.mul(&y), false), (x.pow(5).sub(&y), true)] {
        for r in [1u32, 3, 7] {
            let mut spec = NetSpec::new("T", &["x", "y"], target.clone());
            if signed {
                spec.domain = vec![(int(-1), int(1)); 2];
            }
            spec.r = Some(r);
            let c = build_unquantized(&spec).unwrap();
            let estimate = estimate_weights(&c.spec).unwrap();
            assert!(
                estimate >= c.metrics.weights as u64,
                "{estimate} < {}",
                c.metrics.weights
            );
        }
    }
    let t = Poly::var(1, 0);
    let smooth = t
        .pow(3)
        .scale(&ratio(1, 6))
        .sub(&t.pow(2).scale(&ratio(1, 4)))
        .add(&t.scale(&ratio(1, 3)));
    let (a, b2) = (Poly::var(2, 0), Poly::var(2, 1));
    let saddle = a.pow(2).sub(&b2.pow(2)).scale(&ratio(1, 4));
    for (target, names, n) in [(smooth, vec!["x"], 3u32), (saddle, vec!["x", "y"], 2)] {
        for grid in [2u32, 5] {
            let mut spec = NetSpec::new("T", &names, target.clone());
            spec.structure = Structure::Taylor;
            spec.n = Some(n);
            spec.grid = Some(grid);
            spec.r = Some(4);
            let c = build_unquantized(&spec).unwrap();
            let estimate = estimate_weights(&c.spec).unwrap();
            assert!(
                estimate >= c.metrics.weights as u64,
                "{estimate} < {}",
                c.metrics.weights
            );
        }
    }
}

/// `eps` chooses the smallest `r` whose free bound meets it, the same
/// search as for the quantized networks; too small an `eps` is refused.
#[test]
fn eps_chooses_r_against_the_free_bound() {
    let mut spec = NetSpec::new("C", &["x"], cubic());
    spec.eps = Some(ratio(1, 10_000));
    let c = build_unquantized(&spec).unwrap();
    let r = c.params.r.unwrap();
    assert!(c.error_bound <= ratio(1, 10_000));
    let mut smaller = spec.clone();
    smaller.eps = None;
    smaller.r = Some(r - 1);
    assert!(bound_direct(&smaller) > ratio(1, 10_000));
    assert_eq!(c.net.codebook(), &Codebook::unquantized());
    assert_eq!(
        c.spec.quantization,
        crate::quantize::Quantization::Unquantized
    );
    spec.eps = Some(pow2(-80));
    assert!(build_unquantized(&spec).is_err());
    spec.eps = Some(ratio(1, 10_000));
    spec.r = Some(2);
    assert!(build_unquantized(&spec).is_err());
}
