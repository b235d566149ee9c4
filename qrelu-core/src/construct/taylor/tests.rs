//! Tests of `structure = taylor`: the bumps, eqs. 15–18 in rationals
//! against the integer plan, the bound with and without building, the
//! estimates, and Table 1's accounting.

use num_traits::{One, Signed, Zero};

use super::bumps::{bump_network, partition_of_unity};
use super::estimate::strict as estimate_weights;
use super::expansion::{grid_points, orders_below, orders_count};
use super::plan::TaylorPlan;
use super::*;
use crate::eval::eval;
use crate::gadget::weight;
use crate::metrics::{self, PartMetrics, part_instances};
use crate::net::Net;
use crate::net::Part;
use crate::quantize::Codebook;
use crate::rational::{self, Rational, int, ratio};

/// eq. 12, exactly.
fn h(z: &Rational) -> Rational {
    let a = z.abs();
    if a <= int(1) {
        int(1)
    } else if a < int(2) {
        int(2) - a
    } else {
        Rational::zero()
    }
}

fn points() -> Vec<Rational> {
    // dyadic, thirds, sevenths and the grid points themselves
    let mut p: Vec<Rational> = (0..=64).map(|k| ratio(k, 64)).collect();
    p.extend((0..=21).map(|k| ratio(k, 21)));
    p.extend((0..=9).map(|k| ratio(2 * k + 1, 19)));
    p
}

#[test]
fn each_bump_is_h_exactly() {
    for grid in [1u64, 2, 3, 5, 8, 13] {
        for m in 0..=grid {
            let net = bump_network(grid, m, Codebook::nonlinear(2, 8).unwrap()).unwrap();
            for x in points() {
                let z = Rational::from_integer((3 * grid).into()) * &x
                    - Rational::from_integer((3 * m).into());
                assert_eq!(
                    eval(&net, std::slice::from_ref(&x)),
                    h(&z),
                    "N={grid} m={m} x={x}"
                );
            }
        }
    }
}

#[test]
fn bumps_sum_to_one_exactly_eq_13() {
    for grid in [1u64, 2, 4, 7, 10, 33] {
        for lambda in [2, 3] {
            let net = partition_of_unity(grid, Codebook::nonlinear(lambda, 8).unwrap()).unwrap();
            for x in points() {
                assert!(
                    eval(&net, std::slice::from_ref(&x)).is_one(),
                    "N={grid} x={x}"
                );
            }
            // and only on [0, 1]: past 1 the last bump falls off (below 0
            // the gate σ(½x) clamps x to 0, outside the domain anyway)
            assert!(eval(&net, &[int(2)]).is_zero());
            assert!(eval(&net, &[-int(1)]).is_one());
            assert!(net.parameters().all(|(what, v)| {
                net.codebook().contains(v) || (what == "bias" && v.is_zero())
            }));
        }
    }
}

fn smooth() -> crate::Poly {
    // x³/6 − x²/4 + x/3: every derivative bounded by 1 on [0, 1]
    let x = crate::Poly::var(1, 0);
    x.pow(3)
        .scale(&ratio(1, 6))
        .sub(&x.pow(2).scale(&ratio(1, 4)))
        .add(&x.scale(&ratio(1, 3)))
}

/// The exact error on a grid of `den + 1` points per axis (non-dyadic
/// for den = 21) never exceeds the a-priori bound.
fn check(
    target: &crate::Poly,
    params: TaylorParams,
    lambda: u32,
    den: i64,
) -> (usize, Rational, Rational) {
    let d = target.nvars();
    let names: Vec<String> = (0..d).map(|k| format!("x{k}")).collect();
    let codebook = Codebook::nonlinear(lambda, params.t).unwrap();
    let (net, bound) = build_taylor(&poly_source(target), &names, params, codebook).unwrap();
    let total = bound.total();
    let mut spec = super::super::NetSpec::new(
        "T",
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
        target.clone(),
    );
    spec.structure = super::super::Structure::Taylor;
    spec.n = Some(params.n);
    spec.grid = Some(params.grid as u32);
    spec.r = Some(params.r);
    spec.t = Some(params.t);
    let built = crate::metrics::metrics(&net).weights as u64;
    assert!(estimate_weights(&spec) >= built, "estimate below {built}");
    let plan = TaylorPlan::new(target, params.n, params.grid).unwrap();
    assert!(plan.estimate(params.r, params.t) >= built);
    assert!(plan.least_weights(params.r, params.t) <= built);
    assert_eq!(plan.bound(params.r, params.t).unwrap(), bound);
    let mut worst = Rational::zero();
    let mut idx = vec![0i64; d];
    loop {
        let x: Vec<Rational> = idx.iter().map(|&k| ratio(k, den)).collect();
        let err = (eval(&net, &x) - target.eval(&x)).abs();
        assert!(
            err <= total,
            "{params:?}: error {err} > bound {total} at {x:?}"
        );
        worst = worst.max(err);
        let mut k = 0;
        loop {
            if k == d {
                return (crate::metrics::metrics(&net).weights, total, worst);
            }
            if idx[k] < den {
                idx[k] += 1;
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

#[test]
fn theorem_1_networks_meet_their_bound_in_1d() {
    let f = smooth();
    let mut last = None;
    for n in 1..=3 {
        for grid in [2u64, 4, 8] {
            let params = TaylorParams {
                n,
                grid,
                r: 6,
                t: 14,
            };
            let (w, bound, err) = check(&f, params, 2, 63);
            eprintln!(
                "n={n} N={grid}: {w} weights, bound {:.3e}, measured {:.3e}",
                rational::to_f64(&bound),
                rational::to_f64(&err)
            );
            assert!(err > Rational::zero());
            last = Some(bound);
        }
    }
    assert!(last.is_some());
}

#[test]
fn theorem_1_networks_meet_their_bound_in_2d() {
    let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
    let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
    let params = TaylorParams {
        n: 2,
        grid: 4,
        r: 6,
        t: 12,
    };
    let (w, bound, err) = check(&saddle, params, 3, 21);
    eprintln!(
        "saddle: {w} weights, bound {:.3e}, measured {:.3e}",
        rational::to_f64(&bound),
        rational::to_f64(&err)
    );
}

/// `p(y + a)` as a polynomial in `y`, by expanding every power
/// `(y_k + a_k)^e`: its coefficients are the Taylor coefficients at `a`.
fn shifted(p: &crate::Poly, a: &[Rational]) -> crate::Poly {
    use crate::Poly;
    let d = p.nvars();
    let mut out = Poly::zero(d);
    for (exps, c) in p.terms() {
        let mut term = Poly::constant(d, c.clone());
        for (k, &e) in exps.iter().enumerate() {
            let base = Poly::var(d, k).add(&Poly::constant(d, a[k].clone()));
            term = term.mul(&base.pow(e));
        }
        out = out.add(&term);
    }
    out
}

/// The integer arithmetic of [`TaylorPlan`] against eqs. 15–18 in
/// rationals: the Taylor part (tail and β rounding) and every γ.
#[test]
fn the_plan_follows_eqs_15_to_18() {
    let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
    let mixed = x
        .mul(&y)
        .scale(&ratio(1, 2))
        .sub(&y.pow(3).scale(&ratio(1, 6)))
        .add(&x.scale(&ratio(-1, 5)));
    let z = crate::Poly::var(3, 2);
    let triple = crate::Poly::var(3, 0)
        .mul(&z)
        .scale(&ratio(1, 7))
        .add(&z.pow(2).scale(&ratio(-1, 3)));
    let cases = [
        (smooth(), vec![(1, 7), (2, 5), (3, 3), (4, 6), (6, 2)]),
        (mixed, vec![(1, 4), (2, 3), (3, 5)]),
        (triple, vec![(1, 2), (2, 3)]),
    ];
    for (target, params) in cases {
        let d = target.nvars();
        for (n, grid) in params {
            let plan = TaylorPlan::new(&target, n, grid).unwrap();
            let rho = Rational::new(2.into(), (3 * grid).into());
            let orders = orders_below(d, n);
            let mut worst = Rational::zero();
            for (m, terms) in grid_points(d, grid).zip(plan.terms()) {
                let a: Vec<Rational> = m
                    .iter()
                    .map(|&k| Rational::new(k.into(), grid.into()))
                    .collect();
                let taylor = shifted(&target, &a);
                let mut part = Rational::zero();
                for (nu, c) in taylor.terms() {
                    let order: u32 = nu.iter().sum();
                    if order >= n {
                        part += c.abs() * num_traits::pow(rho.clone(), order as usize);
                    }
                }
                let mut expected = Vec::new();
                for (i, nu) in orders.iter().enumerate() {
                    let order: u32 = nu.iter().sum();
                    let exact = taylor.coefficient(nu);
                    let beta = round_to_step(&exact, &beta_step(n, d, grid, order));
                    let power = num_traits::pow(rho.clone(), order as usize);
                    part += (&exact - &beta).abs() * &power;
                    if !beta.is_zero() {
                        expected.push((i, beta * power));
                    }
                }
                assert_eq!(terms, expected, "n={n} N={grid} m={m:?}");
                worst = worst.max(part);
            }
            assert_eq!(plan.taylor(), &worst, "n={n} N={grid}");
        }
    }
}

/// The bound [`TaylorPlan`] computes without building equals, part by
/// part, the bound accumulated while building, and its estimate is an
/// upper bound on the built weights — including small `t`, where some
/// coefficients round to 0 and their terms are not built.
#[test]
fn the_bound_without_building_is_the_built_bound() {
    let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
    let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
    let mixed = x
        .mul(&y)
        .scale(&ratio(1, 2))
        .sub(&y.pow(3).scale(&ratio(1, 6)))
        .add(&x.scale(&ratio(1, 5)));
    let (u, v, w) = (
        crate::Poly::var(3, 0),
        crate::Poly::var(3, 1),
        crate::Poly::var(3, 2),
    );
    let triple = u
        .mul(&v)
        .mul(&w)
        .scale(&ratio(1, 4))
        .add(&v.scale(&ratio(1, 3)));
    // (n, N, r, t, λ)
    type Params = (u32, u64, u32, u32, u32);
    let cases: Vec<(crate::Poly, Vec<Params>)> = vec![
        (
            smooth(),
            vec![
                (1, 5, 3, 4, 2),
                (2, 8, 4, 3, 2),
                (2, 7, 5, 2, 2),
                (3, 4, 6, 12, 3),
                (4, 3, 5, 10, 4),
            ],
        ),
        (
            saddle,
            vec![(1, 4, 3, 5, 2), (2, 3, 4, 6, 3), (3, 2, 5, 2, 2)],
        ),
        (mixed, vec![(2, 3, 5, 8, 2), (3, 2, 3, 4, 3)]),
        (triple, vec![(2, 1, 4, 6, 2)]),
    ];
    let mut dead = 0;
    for (target, params) in cases {
        let d = target.nvars();
        let names: Vec<String> = (0..d).map(|k| format!("x{k}")).collect();
        for (n, grid, r, t, lambda) in params {
            let codebook = Codebook::nonlinear(lambda, t).unwrap();
            let (net, built) = build_taylor(
                &poly_source(&target),
                &names,
                TaylorParams { n, grid, r, t },
                codebook,
            )
            .unwrap();
            let plan = TaylorPlan::new(&target, n, grid).unwrap();
            assert_eq!(
                plan.bound(r, t).unwrap(),
                built,
                "n={n} N={grid} r={r} t={t}"
            );
            let weights = crate::metrics::metrics(&net).weights as u64;
            let estimate = plan.estimate(r, t);
            assert!(estimate >= weights, "{estimate} < {weights} built");
            assert!(plan.least_weights(r, t) <= weights);
            let rounded = plan.rounded(t);
            dead += rounded
                .units
                .iter()
                .flatten()
                .filter(|k| k.is_zero())
                .count();
        }
    }
    assert!(dead > 0, "no case rounds a coefficient to 0");
}

#[test]
fn multi_indices_below_n() {
    assert_eq!(orders_below(1, 3), vec![vec![0], vec![1], vec![2]]);
    assert_eq!(
        orders_below(2, 3),
        vec![
            vec![0, 0],
            vec![1, 0],
            vec![0, 1],
            vec![2, 0],
            vec![1, 1],
            vec![0, 2]
        ]
    );
    assert_eq!(orders_count(1, 3), 3);
    assert_eq!(orders_count(2, 3), 6);
    assert_eq!(orders_count(3, 2), 4);
    assert_eq!(grid_points(2, 2).count(), 9);
    assert_eq!(grid_points(2, 1).nth(1), Some(vec![1, 0]));
}

#[test]
fn smoothness_is_checked_exactly() {
    let x = crate::Poly::var(1, 0);
    assert!(check_smoothness(&smooth(), 3, &["x"]).is_ok());
    // 2x³: the third derivative is 12
    let err = check_smoothness(&x.pow(3).scale(&int(2)), 3, &["x"]).unwrap_err();
    assert!(
        err.to_string().contains("is 12 at") && err.to_string().contains("1/12"),
        "{err}"
    );
    // x²: fine up to order 1 (2x ≤ 2 fails at order 1: 2 at x = 1)
    assert!(check_smoothness(&x.pow(2).scale(&ratio(1, 2)), 2, &["x"]).is_ok());
    assert!(check_smoothness(&x.pow(2), 1, &["x"]).is_err());
}

// --- Table 1's parts ---------------------------------------------------

fn taylor_net(target: &crate::Poly, n: u32, grid: u64, r: u32, lambda: u32) -> Net {
    let d = target.nvars();
    let names: Vec<String> = (0..d).map(|k| format!("x{k}")).collect();
    let t = 2 * (r + 1);
    let params = TaylorParams { n, grid, r, t };
    let codebook = Codebook::nonlinear(lambda, t).unwrap();
    let net = build_taylor(&poly_source(target), &names, params, codebook)
        .unwrap()
        .0;
    crate::metrics::tests::assert_parts_partition(&net);
    net
}

fn part(net: &Net, p: Part) -> PartMetrics {
    let parts = metrics::parts(net);
    parts.into_iter().find(|m| m.part == Some(p)).unwrap()
}

/// `β_{m,ν} ≠ 0` for the multi-indices of order `order` (eq. 17),
/// computed here from the target's derivatives, independently of the
/// construction's Taylor shift.
fn nonzero_betas(target: &crate::Poly, n: u32, grid: u64, order: u32) -> usize {
    let d = target.nvars();
    let mut count = 0;
    for nu in orders_below(d, n)
        .into_iter()
        .filter(|nu| nu.iter().sum::<u32>() == order)
    {
        let mut deriv = target.clone();
        let mut factorial = Rational::one();
        for (k, &e) in nu.iter().enumerate() {
            for j in 1..=e {
                deriv = deriv.derivative(k);
                factorial *= int(i64::from(j));
            }
        }
        let step =
            num_traits::pow(ratio(d as i64, grid as i64), (n - order) as usize) / int(i64::from(n));
        let points = (grid + 1).pow(d as u32);
        for idx in 0..points {
            let x: Vec<Rational> = (0..d)
                .map(|k| {
                    ratio(
                        ((idx / (grid + 1).pow(k as u32)) % (grid + 1)) as i64,
                        grid as i64,
                    )
                })
                .collect();
            // nearest multiple of the step, ties away from zero: zero iff |c| < step/2
            let c = deriv.eval(&x) / &factorial;
            if c.abs() * int(2) >= step {
                count += 1;
            }
        }
    }
    count
}

/// Terms of the form `k·(½·unit)` that `weight::times` reads for the
/// integer `k`: `2k` copies below the ladder, two per binary digit from
/// `LADDER_FROM` on.
fn terms(k: u64) -> usize {
    if k < weight::LADDER_FROM {
        2 * k as usize
    } else {
        2 * k.count_ones() as usize
    }
}

/// The sizes of one instance derived in the module docs ("Table 1's
/// parts"), for the issue's 1-D network n = 2, N = 8, r = 6, λ = 2.
#[test]
fn the_parts_of_a_1d_network_have_the_derived_sizes() {
    let (n, grid, r) = (2u32, 8u64, 6u32);
    let net = taylor_net(&smooth(), n, grid, r, 2);
    let r_ = r as usize;
    let bumps = grid as usize + 1;
    let shape = |m: &crate::metrics::BlockMetrics| (m.units, m.weights, m.width, m.depth);
    // B_h: one per bump, h = ½U − ½(H_1 + H_1′) + ½(H_2 + H_2′)
    let h = part_instances(&net, Part::Bump);
    assert_eq!(h.len(), bumps);
    assert!(h.iter().all(|m| shape(m) == (4, 18, 4, 1)), "{h:?}");
    // B_s: one per input; L = ⌊log2 3N⌋ = 4 doublings of σ(½x)
    let l = (63 - (3 * grid).leading_zeros()) as usize;
    let s = part_instances(&net, Part::Scale);
    assert_eq!(s.len(), 1);
    assert_eq!(shape(&s[0]), (4 * l + 2, 16 * l - 4, 4, l + 1));
    // B_abs: four signals per grid point, in the order they are built —
    // the offset u of the bump, h, the sum h + u of the ×′ and the ×′
    // itself (its gates are what B_w reads); the offset's gates read
    // the terms of 3N·x/2 and of 3m/2, both gates and one copy each
    let abs = part_instances(&net, Part::Abs);
    assert_eq!(abs.len(), 4 * bumps);
    for m in 0..=grid {
        let u = &abs[4 * m as usize];
        assert_eq!(u.units, 4, "m={m}");
        assert_eq!(u.weights, 4 * (terms(3 * grid) + terms(3 * m)), "m={m}");
    }
    assert!(abs.iter().all(|m| m.width <= 4 && m.depth == 1));
    // B_×′: one ×′(h, u) per nonzero β_{m,1}: three f_s^r of 2r units;
    // 2(s + p + q) + 18(r − 1) weights with s = 4 terms for |h + u|/2
    // (signed, two copies of each gate), p = 2 for |h|/2 (≥ 0, two
    // copies), q = 2 for |u|/2 (signed, exponent 0: one copy each); the
    // square of |u| starts one level above u's gates, that of |h| two
    // levels later (h, then its gate), that of |h + u| one more: depth
    // r + 3, width 6 (the K_j never hold a tent back here: u's gates sit
    // above level r)
    let mul = part_instances(&net, Part::Mul);
    assert_eq!(mul.len(), nonzero_betas(&smooth(), n, grid, 1));
    assert_eq!(mul.len(), bumps);
    assert!(
        mul.iter()
            .all(|m| shape(m) == (6 * r_, 18 * r_ - 2, 6, r_ + 3)),
        "{mul:?}"
    );
    // B_w: one per nonzero coefficient (f(0) = 0, so β_{0,0} = 0)
    let w = part(&net, Part::Weights);
    let betas = nonzero_betas(&smooth(), n, grid, 0) + nonzero_betas(&smooth(), n, grid, 1);
    assert_eq!((w.instances, betas), (2 * bumps - 1, 2 * bumps - 1));
    // B_N: one instance, the constants (module docs)
    assert_eq!(part(&net, Part::Constants).instances, 1);
}

/// In two dimensions ψ_m = ×′(h_1, h_2) comes first, then one
/// ×′(ψ_m, u_k) per nonzero first-order β (n = 2): for (x² − y²)/4,
/// β_{m,e_k} = ±m_k/(2N) rounded to a multiple of 1/N is zero exactly
/// for m_k = 0.
#[test]
fn the_products_of_a_2d_network_follow_the_product_chain() {
    let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
    let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
    let (n, grid, r) = (2u32, 3u64, 6u32);
    let net = taylor_net(&saddle, n, grid, r, 3);
    let (g, r_) = (grid as usize, r as usize);
    // at m = 0 the saddle, its gradient and so every β vanish: that grid
    // point has no term, and no ψ is built for it
    let points = (g + 1) * (g + 1) - 1;
    let first = nonzero_betas(&saddle, n, grid, 1);
    assert_eq!(first, 2 * g * (g + 1));
    let mul = part_instances(&net, Part::Mul);
    assert_eq!(mul.len(), points + first);
    // ψ: |h_1 + h_2|/2, |h_1|/2, |h_2|/2 all ≥ 0, two terms each;
    // ×′(ψ, u): 4 (ψ signed, exponent 1) + 2 (u) + 4 (sum) terms
    let psi = mul.iter().filter(|m| m.weights == 18 * r_ - 6).count();
    let terms = mul.iter().filter(|m| m.weights == 18 * r_ + 2).count();
    assert_eq!((psi, terms), (points, first));
    assert!(mul.iter().all(|m| m.units == 6 * r_ && m.width <= 6));
    assert_eq!(part_instances(&net, Part::Bump).len(), 2 * (g + 1));
    assert_eq!(part_instances(&net, Part::Scale).len(), 2);
    let betas: usize = (0..n).map(|o| nonzero_betas(&saddle, n, grid, o)).sum();
    assert_eq!(part(&net, Part::Weights).instances, betas);
}

/// Table 1's width and depth of one instance, with `t^(1/(λ−1))` and
/// `log` real (base 2).
fn table_1(p: Part, t: u32, lambda: u32, grid: u64, r: u32) -> (f64, f64) {
    let (t, l) = (f64::from(t), f64::from(lambda));
    match p {
        Part::Weights => (t, l * (t.powf(1.0 / (l - 1.0)) - 1.0) + 1.0),
        Part::Constants => (2.0 * grid as f64, 1.0),
        Part::Abs => (4.0, 1.0),
        Part::Scale => (4.0, (1.5 * grid as f64).log2()),
        Part::Bump => (12.0, 1.0),
        Part::Mul => (60.0, 3.0 * f64::from(r) + 1.0),
        // Table 2's parts never occur in a Taylor network
        _ => (0.0, 0.0),
    }
}

/// Over d ∈ {1, 2}, n, N, λ and r: the widths and depths of one
/// instance against Table 1. B_w, B_abs and B_h never exceed it, nor
/// does the width of B_×′. Where ours exceed it, pinned: B_s always in
/// depth (⌊log2 3N⌋ + 1 levels, against log2(3N/2)) and for N = 1 in
/// width (six copies of σ(½x) instead of a ladder); B_N always in depth
/// (it holds every constant, the chain K_j of f_s^r included) and in
/// width for N ≤ 3; B_×′ in depth only when its arguments sit far apart
/// (ψ_m against u_k for d = 2 and r = 2: the square of |u_k| starts
/// long before the others, and the level span counts that wait).
#[test]
fn widths_and_depths_against_table_1() {
    let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
    let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
    let mut cases = Vec::new();
    for n in 1..=3 {
        for grid in [1u64, 2, 5, 8] {
            for lambda in [2, 3, 4] {
                for r in [2, 6] {
                    cases.push((smooth(), n, grid, lambda, r));
                }
            }
        }
    }
    for n in 1..=2 {
        for grid in [1u64, 2, 3] {
            for lambda in [2, 3] {
                for r in [2, 6] {
                    cases.push((saddle.clone(), n, grid, lambda, r));
                }
            }
        }
    }
    for (target, n, grid, lambda, r) in cases {
        let d = target.nvars();
        let t = 2 * (r + 1);
        let net = taylor_net(&target, n, grid, r, lambda);
        let case = format!("d={d} n={n} N={grid} λ={lambda} r={r}");
        for m in metrics::parts(&net) {
            let Some(p) = m.part else { continue };
            let (width, depth) = table_1(p, t, lambda, grid, r);
            let wide = m.width as f64 > width;
            let deep = m.depth as f64 > depth;
            let (expect_wide, expect_deep) = match p {
                Part::Weights | Part::Abs | Part::Bump => (false, false),
                Part::Scale => {
                    let l = (63 - (3 * grid).leading_zeros()) as usize;
                    let ours = if grid == 1 { (6, 1) } else { (4, l + 1) };
                    assert_eq!((m.width, m.depth), ours, "{case}: B_s");
                    (grid == 1, true)
                }
                // the width of B_N depends on which grid points keep
                // a term (dead points build no offsets): only its depth
                // is pinned
                Part::Constants => (wide, true),
                Part::Mul => (false, d == 2 && n == 2 && r == 2),
                _ => panic!("{case}: a Table 2 part in a Taylor net"),
            };
            assert_eq!(
                (wide, deep),
                (expect_wide, expect_deep),
                "{case}: {} width {} / {width:.2}, depth {} / {depth:.2}",
                m.name,
                m.width,
                m.depth
            );
        }
    }
}

/// `q_ν = (1/n)(d/N)^(n − |ν|)` of eq. 17 (the reference the integer
/// [`TaylorPlan`] is tested against).
#[cfg(test)]
fn beta_step(n: u32, d: usize, grid: u64, order: u32) -> Rational {
    let ratio = Rational::new((d as u64).into(), grid.into());
    num_traits::pow(ratio, (n - order) as usize) / Rational::from_integer(n.into())
}

/// `c` rounded to the nearest multiple of `q` (ties away from zero).
#[cfg(test)]
fn round_to_step(c: &Rational, q: &Rational) -> Rational {
    let k = (c / q).round();
    k * q
}

/// The source of a polynomial target.
fn poly_source(target: &crate::Poly) -> super::expansion::Source {
    super::expansion::Source::Poly(super::expansion::Expansion::new(target))
}

/// [`TaylorPlan::probe`] only skips grids the full scan would skip: its
/// point's Taylor part exceeds `eps` (recomputed by `part_at`), and where
/// it finds nothing the lattice really is below `eps`; across grids it
/// agrees with the plan's worst Taylor part.
#[test]
fn the_probe_only_rejects_failing_grids() {
    let x = crate::Poly::var(3, 0);
    let y = crate::Poly::var(3, 1);
    let z = crate::Poly::var(3, 2);
    // −yz/4 (the campaign's slow net) and a cubic with a sign change
    let cubic = x.mul(&y).sub(&z.pow(3)).scale(&ratio(1, 3));
    let targets = [y.mul(&z).scale(&ratio(-1, 4)), cubic];
    let mut rejected = 0;
    for target in &targets {
        let source = poly_source(target);
        for (n, eps) in [(1, ratio(1, 20)), (2, ratio(1, 200))] {
            for grid in 1..=12u64 {
                let plan =
                    TaylorPlan::planned(&source, n, grid, super::plan::Beta::Rounded).unwrap();
                match TaylorPlan::probe(&source, n, grid, &eps).unwrap() {
                    Some(m) => {
                        rejected += 1;
                        assert!(m.iter().all(|&k| k <= grid), "{m:?} outside N = {grid}");
                        let part = TaylorPlan::part_at(&source, n, grid, &m).unwrap();
                        assert!(part > eps, "n = {n}, N = {grid}: {part} at {m:?}");
                        assert!(plan.taylor() > &eps, "n = {n}, N = {grid}");
                    }
                    None if grid <= 8 => {
                        // the lattice is the whole grid
                        assert!(plan.taylor() <= &eps, "n = {n}, N = {grid}");
                    }
                    None => {}
                }
            }
        }
    }
    assert!(rejected >= 8, "the probe rejected only {rejected} grids");
}
