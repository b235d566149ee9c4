//! The network of Theorem 1 (eqs. 19–24), for any wiring: at every grid
//! point `m` with a term, the bumps of `m`, their product ψ′_m, the
//! products `U_ν` of the offsets and `×′(ψ′_m, U_ν)`, each read with its
//! coefficient γ; and the exact bound, accumulated from what is built.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use num_traits::{One, Signed, Zero};

use super::expansion::grid_points;
use super::plan::TaylorPlan;
use super::{TaylorBound, TaylorParams};
use crate::bound;
use crate::construct::direct::plan::{self, Op};
use crate::construct::internal;
use crate::construct::wiring::{Made, Wiring, pair_mut};
use crate::error::CoreError;
use crate::net::{Affine, Net};
use crate::rational::Rational;

/// Builds Theorem 1's network for the polynomial `target` on `[0, 1]^d`
/// (module docs of [`super`]) with the wiring `w`, from its `plan` (whose
/// β the wiring carries: rounded for the strict codebook, exact for free
/// weights): `f′ = Σ_m Σ_{|ν|<n} γ′_{m,ν} ×′(ψ′_m, U_ν)` with `ψ′_m` the
/// ×′ product of the bumps of `m`, `U_ν` the product of the offsets
/// `u_k = (3Nx_k − 3m_k)/2` (so `(x − m/N)^ν = (2/(3N))^|ν| u^ν` and
/// `γ = β·(2/(3N))^|ν|`), and the a-priori bound, by part.
///
/// `×′(ψ′_m, ·)` is exactly 0 wherever some bump of `m` is 0 (Prop. 2 (i)),
/// whatever the offsets are there; where every bump is positive each
/// `|u_k| < 1`, so every ×′ sees arguments within its bound's range. We
/// multiply `ψ′_m` once per `m` and then by each `U_ν` — `d − 1 + |ν|`
/// products per term as in eq. 22, but the `d − 1` of ψ are shared by the
/// terms of one `m`. A term whose coefficient the wiring realises as
/// `γ′ = 0` (at precision `t`) is not built (nor ψ′_m, nor the bumps of
/// `m`, when no term of `m` is left): it contributes `|γ|` to the
/// coefficient part and nothing else. Every term goes through the
/// wiring's coefficient (one B_w instance per β ≠ 0, Table 1), never the
/// shortcut of reading a form as it is.
///
/// The bound's products and coefficients parts are accumulated from what
/// is built (the δ of each product as it is made, the γ′ the wiring
/// returns); [`TaylorPlan::bound`] computes the same parts without
/// building.
///
/// # Errors
/// Builder errors; `r` out of range.
pub(crate) fn build<W: Wiring>(
    mut w: W,
    plan: &TaylorPlan,
    params: TaylorParams,
) -> Result<(Net, TaylorBound), CoreError> {
    let TaylorParams { grid, r, t, .. } = params;
    let d = plan.d;
    let one = Rational::one();
    let zero = Rational::zero();
    let corners = plan.corners();
    let unit_box: Vec<(Rational, Rational)> = vec![(-one.clone(), one.clone()); d];
    // the product tree of each U_ν, planned once
    let mut trees: HashMap<usize, plan::Plan> = HashMap::new();

    let mut arena: Vec<W::Signal> = Vec::new();
    // (input, m_k) ↦ (bump, offset) in the arena
    let mut cached: HashMap<(usize, u64), (usize, usize)> = HashMap::new();
    let mut out = Affine::default();
    let mut bound = TaylorBound {
        taylor: plan.taylor.clone(),
        products: zero.clone(),
        coefficients: zero.clone(),
    };
    // ψ′_m is a bump for d = 1, a product otherwise
    let psi_made = if d == 1 { Made::Bump } else { Made::Product };

    for (m, terms) in grid_points(d, grid).zip(plan.terms()) {
        let mut products_m = zero.clone();
        let mut coefficients_m = zero.clone();
        let live: Vec<(usize, Rational)> = terms
            .into_iter()
            .filter(|(i, gamma)| {
                let made = if *i == 0 { psi_made } else { Made::Product };
                let dead = W::realised(gamma, made, t).is_zero();
                if dead {
                    coefficients_m += gamma.abs();
                }
                !dead
            })
            .collect();
        if live.is_empty() {
            bound.coefficients = bound.coefficients.max(&corners * coefficients_m);
            continue;
        }
        // the bumps and offsets of m
        let mut hs = Vec::with_capacity(d);
        let mut us = Vec::with_capacity(d);
        for (k, &mk) in m.iter().enumerate() {
            let (h, u) = match cached.get(&(k, mk)) {
                Some(&pair) => pair,
                None => {
                    let (h, u) = w.bump(k, grid, mk)?;
                    arena.push(h);
                    arena.push(u);
                    let pair = (arena.len() - 2, arena.len() - 1);
                    cached.insert((k, mk), pair);
                    pair
                }
            };
            hs.push(h);
            us.push(u);
        }
        // eq. 11: ψ′_m = ×′(h_1, ×′(h_2, … h_d)): exact bumps, so δ starts at 0
        let mut psi = hs[d - 1];
        let (mut psi_delta, mut psi_reach) = (zero.clone(), one.clone());
        for k in (0..d - 1).rev() {
            let (x, y) = pair_mut(&mut arena, hs[k], psi)?;
            let p = w.product(x, y, r)?;
            arena.push(p);
            psi = arena.len() - 1;
            psi_delta =
                bound::mul_propagated(r, (&one, &zero, &one), (&one, &psi_delta, &psi_reach))
                    .ok_or_else(|| internal("ψ out of range"))?;
            psi_reach = &one + &psi_delta;
        }
        // sub-products of the offsets of m, by exponent vector
        let mut offsets: HashMap<Vec<u32>, usize> = HashMap::new();
        for (i, gamma) in live {
            let nu = &plan.orders[i];
            let (term, delta) = if nu.iter().all(|&e| e == 0) {
                (psi, psi_delta.clone())
            } else {
                let tree = match trees.entry(i) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => {
                        let monomial = crate::Poly::from_terms(d, [(one.clone(), nu.clone())]);
                        e.insert(plan::plan(&monomial, &unit_box, r)?)
                    }
                };
                let mut ids: Vec<usize> = Vec::with_capacity(tree.nodes.len());
                for node in &tree.nodes {
                    if let Some(id) = offsets.get(&node.exps) {
                        ids.push(*id);
                        continue;
                    }
                    let id = match node.op {
                        Op::Input(k) => us[k],
                        Op::Square(a) => {
                            let s = w.square(&mut arena[ids[a]], r)?;
                            arena.push(s);
                            arena.len() - 1
                        }
                        Op::Mul(x, y) => {
                            let (x, y) = pair_mut(&mut arena, ids[x], ids[y])?;
                            let s = w.product(x, y, r)?;
                            arena.push(s);
                            arena.len() - 1
                        }
                    };
                    offsets.insert(node.exps.clone(), id);
                    ids.push(id);
                }
                let top = tree.nodes.last().ok_or_else(|| internal("empty plan"))?;
                let u_id = ids[ids.len() - 1];
                let (x, y) = pair_mut(&mut arena, psi, u_id)?;
                let p = w.product(x, y, r)?;
                arena.push(p);
                // eqs. 21–24: ×′(ψ′_m, U′_ν) against ψ_m·(x − m/N)^ν scaled
                let delta = bound::mul_propagated(
                    r,
                    (&one, &psi_delta, &psi_reach),
                    (&one, &top.delta, &top.reach),
                )
                .ok_or_else(|| internal("a Taylor term out of range"))?;
                (arena.len() - 1, delta)
            };
            let realised = w.add_term(&mut out, &mut arena[term], &gamma, false)?;
            products_m += realised.abs() * &delta;
            coefficients_m += (&realised - &gamma).abs();
        }
        bound.products = bound.products.max(&corners * products_m);
        bound.coefficients = bound.coefficients.max(&corners * coefficients_m);
    }
    Ok((w.finish(&out)?, bound))
}
