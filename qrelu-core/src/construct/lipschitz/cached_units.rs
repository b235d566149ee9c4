//! The wiring of Fig. 4's network: the units after f^T — the local
//! coordinate, the cell basis, the masks, the selected cached functions —
//! in the strict codebook.
//!
//! `S = δ/(4T) = 2^−(τ+μ+5)` is the scale of the cached functions.
//!
//! - **B_s1** (scale by T): `A_1 = σ(½x − ½K_1)`, `B_1 = σ(½K_1 − ½x)`,
//!   `A_{i+1} = σ(½K_{2i+1} − ½A_i − ½B_i)`, `B_{i+1} = σ(−½K_{2i+1} +
//!   ½A_i + ½B_i)` — [`crate::gadget::square`]'s tent blocks started at
//!   scale ½ — and `W = σ(½K_{2τ} − ½A_τ − ½B_τ) = 2^−(2τ+1)·w`; then
//!   `ω = 2S·w` by [`weight::times`] when `τ > μ + 3`;
//! - **B_s2** (scale by 1/T): halvings `σ(½·)` when `τ < μ + 3` (or `T =
//!   1`, `w = x`), and `Y_1 = σ(½ω) = S·w`, …, `Y = 2^−(μ+1)ω = S·w/m`;
//! - **B_T, B_δ, B_m**: the constant chain `K_j = 2^−j` up to `K_τ` (the
//!   breakpoints `i/T`), to `K_{τ+μ+4}` (`¼δ/T`), to `K_{τ+2μ+6}` (cells
//!   and constants of the cached functions);
//! - **B_f*1**: `H_k = σ(½ω − S·k/m) = S·σ(w − k/m)` (`H_0 = Y_1`) and
//!   `A_k = σ(½H_k − ½H_{k+1} − ½Y + ½·S/m) = ½S·(clip(w − k/m, 0, 1/m) −
//!   w/m + 1/m)` ≥ 0;
//! - **B_Φ**: per run `[i₀, i₁]`, from the B_f^T units `P_i = ½σ(x −
//!   i/T)` (built here where f^T needs none), with `σ(σ(z) − c) = σ(z −
//!   c)` for `c ≥ 0`: `σ(½P_{i₀}) = ¼σ(x − a)`, `σ(½P_{i₀} − ¼δ/T) = ¼σ(x −
//!   a − δ/T)`, `σ(½P_{i₁} − ¼/T + ¼δ/T) = ¼σ(x − b + δ/T)`, `σ(½P_{i₁} −
//!   ¼/T) = ¼σ(x − b)` (`a = i₀/T`, `b = (i₁+1)/T`; 8 weights), and
//!   `V_j = σ(½Σ_runs(…)) = ⅛(δ/T)Ψ_j = ½S·Ψ_j`;
//! - **B_f*2**: `M_j^± = σ(±½Σ_k e_k A_k − (S/4)(1 ± s_j) + ½V_j) =
//!   (S/4)·σ(±c_j − 1 + Ψ_j)`, with `s_j = Σ e_k/m` and the constant read
//!   from the chain;
//! - **B_f*3**: `G^± = σ(½Σ_j M_j^±)`;
//! - **B_s3** (scale by 1/δ): `±2^(μ+8)·G^±` by [`weight::times`], since
//!   `Σ_j soft_j/T = (4/(ST))Σ_j(M_j^+ − M_j^−) = 2^(μ+8)(G^+ − G^−)`;
//! - **B_f''**: the output, `k_0 +` f^T's form `+` the two multiples.
//!
//! # Size
//!
//! f^T costs `O(T log T)` (its breakpoints' digits); the cached part
//! `O(τ + μ)` for the scalings, `O(m log m)` for B_f*1, `12` weights per
//! run plus the missing `P_i` for B_Φ, and `2(m + μ + 3)` per cached
//! function for B_f*2 — `O(T log T + m·min(T, 3^m)) = O(1/ε)` weights for
//! Theorem 2's `T` and `m` (Theorem 2 (ii) without the `log log` term,
//! which our Horner chains avoid).

use num_traits::Zero;

use super::cached::Plan;
use super::interpolant::{InterpUnits, offset_unit};
use crate::construct::internal;
use crate::construct::wiring::strict::constant;
use crate::error::CoreError;
use crate::gadget::weight::{self, CopyRecipe, PowerChain, Sign};
use crate::net::{LinearForm, Net, NetBuilder, Part, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};
use crate::spec::NetSpec;

/// The network of Fig. 4 for `spec` (one input on [0, 1]) and `plan`,
/// and its a-priori bound (module docs).
///
/// # Errors
/// Builder errors (never for a codebook holding ±½).
pub fn build(
    spec: &NetSpec,
    plan: &Plan,
    codebook: Codebook,
) -> Result<(Net, Rational), CoreError> {
    let p = plan.params;
    let (tau, mu) = (p.tau, p.mu);
    let mut b = NetBuilder::new(codebook, &spec.inputs);
    b.set_constants_part(Part::Knots);
    let x = b.input(0);
    if !plan.functions.is_empty() {
        // B_T, B_δ, B_m: one chain in three stretches
        b.pow2_const(tau.max(1))?;
        b.pow2_const_in(Part::Delta, tau + mu + 4)?;
        b.pow2_const_in(Part::Cells, tau + 2 * mu + 6)?;
    }
    let mut units = InterpUnits::build(&mut b, x, &plan.interp, p.interp())?;
    if !plan.functions.is_empty() {
        let form = cached_units(&mut b, x, plan, &mut units.p)?;
        units.form.add(&form, false);
    }
    let k0 = plan.interp.transform().knots()[0].clone();
    let bias = constant(spec, &mut b, &k0, p.t(), &mut units.form)?;
    let net = b.finish(bias, &units.form)?;
    Ok((net, plan.bound()))
}

/// `σ(Σ ½·src)` halvings of `u`, `count` times, each in its own unit.
fn halvings(
    b: &mut NetBuilder,
    u: UnitId,
    count: u32,
    role: &str,
) -> Result<Vec<UnitId>, CoreError> {
    let half = rational::ratio(1, 2);
    let mut out = Vec::with_capacity(count as usize);
    let mut cur = u;
    for k in 1..=count {
        cur = b.relu(
            &format!("{role}{k}"),
            Rational::zero(),
            &[(cur, half.clone())],
        )?;
        out.push(cur);
    }
    Ok(out)
}

/// Edges `−½·K_(e−1−j)` for the binary digits `2^j` of `n`: together
/// `−n·2^−e` (requires `n < 2^(e−1)`).
fn minus_constant(
    b: &mut NetBuilder,
    n: u64,
    e: u32,
    edges: &mut Vec<(UnitId, Rational)>,
) -> Result<(), CoreError> {
    if e < 2 || (e < 65 && n >> (e - 1) != 0) {
        return Err(internal("a constant of ½ or more"));
    }
    for j in 0..(e - 1).min(64) {
        if n >> j & 1 == 1 {
            edges.push((b.pow2_const(e - 1 - j)?, rational::ratio(-1, 2)));
        }
    }
    Ok(())
}

/// The units of the module docs' wiring after f^T; returns the form of
/// `(1/T)·Σ_j soft_j`. `p` holds the B_f^T units `P_i`, extended here.
fn cached_units(
    b: &mut NetBuilder,
    x: UnitId,
    plan: &Plan,
    p: &mut [Option<UnitId>],
) -> Result<LinearForm, CoreError> {
    let params = plan.params;
    let (tau, mu) = (params.tau, params.mu);
    let m = params.cells();
    let half = rational::ratio(1, 2);
    let zero = Rational::zero();
    // S = 2^−s_exp = ¼δ/T; ω = 2S·w
    let s_exp = tau + mu + 5;
    let omega_exp = s_exp - 1;
    let fine = tau + mu + 3; // δ/T = 2^−fine
    let big_t = params.intervals();

    // B_s1: the tent iterates, W = 2^−(2τ+1)·w, and ω when it is larger
    let (base, base_exp, base_edges) = if tau == 0 {
        (x, 0, Vec::new())
    } else {
        b.in_part(Part::ScaleUp, |b| {
            b.begin_block("tent");
            let k1 = b.pow2_const(1)?;
            let mut a = b.relu("a", zero.clone(), &[(x, half.clone()), (k1, -&half)])?;
            let mut bb = b.relu("b", zero.clone(), &[(x, -&half), (k1, half.clone())])?;
            b.end_block();
            for i in 1..tau {
                b.begin_block("tent");
                let k = b.pow2_const(2 * i + 1)?;
                let a2 = b.relu(
                    "a",
                    zero.clone(),
                    &[(k, half.clone()), (a, -&half), (bb, -&half)],
                )?;
                let b2 = b.relu(
                    "b",
                    zero.clone(),
                    &[(k, -&half), (a, half.clone()), (bb, half.clone())],
                )?;
                b.end_block();
                a = a2;
                bb = b2;
            }
            let k = b.pow2_const(2 * tau)?;
            let edges = vec![(k, half.clone()), (a, -&half), (bb, -&half)];
            let w = b.relu("w", zero.clone(), &edges)?;
            Ok((w, 2 * tau + 1, edges))
        })?
    };
    let omega = if base_exp > omega_exp {
        b.in_part(Part::ScaleUp, |b| {
            let mut chain = PowerChain::new(
                base,
                CopyRecipe {
                    bias: Rational::zero(),
                    edges: base_edges,
                },
            );
            let up = rational::pow2(i64::from(base_exp - omega_exp));
            let form = weight::times(b, &mut chain, &up, Sign::Plus)?;
            b.relu("omega", Rational::zero(), &form.terms)
        })?
    } else if base_exp < omega_exp {
        b.in_part(Part::ScaleDown, |b| {
            let down = halvings(b, base, omega_exp - base_exp, "down")?;
            down.last().copied().ok_or_else(|| internal("no halving"))
        })?
    } else {
        base
    };
    // B_s2: Y_1 = S·w, …, Y = S·w/m
    let ys = b.in_part(Part::ScaleDown, |b| halvings(b, omega, mu + 1, "y"))?;
    let (h0, y) = (ys[0], ys[ys.len() - 1]);

    // B_f*1: H_k = S·σ(w − k/m), A_k = ½S(clip(w − k/m, 0, 1/m) − w/m + 1/m)
    let used: Vec<bool> = (0..m as usize)
        .map(|k| plan.functions.iter().any(|e| e[k] != 0))
        .collect();
    let cell_exp = s_exp + mu; // S/m = 2^−cell_exp
    let a_units = b.in_part(Part::Cache1, |b| {
        let mut h = vec![h0];
        for k in 1..m {
            let mut edges = vec![(omega, half.clone())];
            // S·k/m = k·2^−cell_exp
            minus_constant(b, k, cell_exp, &mut edges)?;
            h.push(b.relu(&format!("h{k}"), Rational::zero(), &edges)?);
        }
        let kc = b.pow2_const(cell_exp)?;
        let mut a = vec![None; m as usize];
        for k in 0..m as usize {
            if !used[k] {
                continue;
            }
            let mut edges = vec![(h[k], half.clone())];
            if k + 1 < m as usize {
                edges.push((h[k + 1], -&half));
            }
            edges.push((y, -&half));
            edges.push((kc, half.clone()));
            a[k] = Some(b.relu(&format!("a{k}"), Rational::zero(), &edges)?);
        }
        Ok(a)
    })?;

    // B_Φ: the ramps of every run, read from P_i, and V_j = ½S·Ψ_j
    let masks = b.in_part(Part::Mask, |b| {
        let quarter_t = b.pow2_const(tau + 1)?; // ½K_(τ+1) = ¼/T
        let quarter_d = b.pow2_const(fine + 1)?; // ½K_(fine+1) = ¼δ/T
        let mut sums: Vec<Vec<(UnitId, Rational)>> = vec![Vec::new(); plan.functions.len()];
        for &(j, first, last) in &plan.runs {
            let mut p_unit = |b: &mut NetBuilder, i: u64| -> Result<UnitId, CoreError> {
                match p[i as usize] {
                    Some(u) => Ok(u),
                    None => {
                        let u = offset_unit(b, x, i, tau, &format!("p{i}"))?;
                        p[i as usize] = Some(u);
                        Ok(u)
                    }
                }
            };
            let (pa, pb) = (p_unit(b, first)?, p_unit(b, last)?);
            // ¼σ(x − a), ¼σ(x − a − δ/T) with a = first/T
            let up = b.relu("up", zero.clone(), &[(pa, half.clone())])?;
            let up2 = b.relu(
                "up_d",
                zero.clone(),
                &[(pa, half.clone()), (quarter_d, -&half)],
            )?;
            // ¼σ(x − b + δ/T), ¼σ(x − b) with b = (last + 1)/T
            let down = b.relu(
                "down_d",
                zero.clone(),
                &[
                    (pb, half.clone()),
                    (quarter_t, -&half),
                    (quarter_d, half.clone()),
                ],
            )?;
            let s = &mut sums[j];
            s.push((up, half.clone()));
            s.push((up2, -&half));
            s.push((down, -&half));
            if last + 1 < big_t {
                let down2 = b.relu(
                    "down",
                    zero.clone(),
                    &[(pb, half.clone()), (quarter_t, -&half)],
                )?;
                s.push((down2, half.clone()));
            }
        }
        sums.iter()
            .enumerate()
            .map(|(j, edges)| b.relu(&format!("v{j}"), Rational::zero(), edges))
            .collect::<Result<Vec<_>, _>>()
    })?;

    // B_f*2: M_j^± = (S/4)·σ(±c_j − 1 + Ψ_j)
    let const_exp = s_exp + mu + 2; // (S/4)/m = 2^−const_exp
    let masked = b.in_part(Part::Cache2, |b| {
        let mut plus = Vec::new();
        let mut minus = Vec::new();
        for (j, e) in plan.functions.iter().enumerate() {
            let sum: i64 = e.iter().map(|&v| i64::from(v)).sum();
            for (sign, out) in [(1i64, &mut plus), (-1i64, &mut minus)] {
                let mut edges = Vec::new();
                for (k, &ek) in e.iter().enumerate() {
                    if ek != 0 {
                        let unit = a_units[k].ok_or_else(|| internal("a missing A_k"))?;
                        let w = if i64::from(ek) * sign > 0 {
                            half.clone()
                        } else {
                            -&half
                        };
                        edges.push((unit, w));
                    }
                }
                edges.push((masks[j], half.clone()));
                // (S/4)(1 ± s_j) = (m ± Σe)·2^−const_exp
                let n = u64::try_from(m as i64 + sign * sum)
                    .map_err(|_| internal("a cached sum beyond m"))?;
                minus_constant(b, n, const_exp, &mut edges)?;
                let role = format!("{}{j}", if sign > 0 { "mp" } else { "mn" });
                out.push(b.relu(&role, Rational::zero(), &edges)?);
            }
        }
        Ok((plus, minus))
    })?;

    // B_f*3 and B_s3: ±2^(μ+7)·G^±
    let mut out = LinearForm::default();
    for (sign, units) in [(Sign::Plus, &masked.0), (Sign::Minus, &masked.1)] {
        let edges: Vec<(UnitId, Rational)> = units.iter().map(|&u| (u, half.clone())).collect();
        let g = b.in_part(Part::Cache3, |b| {
            let role = if sign == Sign::Plus { "gp" } else { "gn" };
            b.relu(role, Rational::zero(), &edges)
        })?;
        let form = b.in_part(Part::ScaleBack, |b| {
            let mut chain = PowerChain::new(
                g,
                CopyRecipe {
                    bias: Rational::zero(),
                    edges,
                },
            );
            weight::times(b, &mut chain, &rational::pow2(i64::from(mu + 8)), sign)
        })?;
        out.add(&form, false);
    }
    Ok(out)
}
