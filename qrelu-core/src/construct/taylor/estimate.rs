//! Sizes of Theorem 1's networks before building: upper bounds assembled
//! from the sizes of their parts — from the parameters alone
//! ([`strict`], [`free`]), or from a [`TaylorPlan`] that knows which
//! coefficients survive rounding ([`TaylorPlan::estimate`]) — and a lower
//! bound for networks too large to build ([`TaylorPlan::least_weights`]).
//! Tests check every one against built networks.

use num_bigint::BigInt;
use num_traits::Zero;

use super::expansion::{grid_points, orders_below};
use super::plan::{Rounded, TaylorPlan};
use crate::construct::direct::estimate::FreeSizes;
use crate::spec::NetSpec;

/// What a grid point carrying a term costs at least in
/// [`TaylorPlan::estimate`], whatever `r` and `t`: its bump (d = 1) or the
/// `d − 1` products of ψ′_m at `r = 1` (d ≥ 2).
pub(crate) fn live_point_cost(d: usize, grid: u64) -> u64 {
    let parts = Parts::new(grid, 1);
    if d == 1 {
        parts.bump
    } else {
        (d as u64 - 1) * (parts.product + parts.product_gates)
    }
}

/// Upper bounds on the weights of the parts of a Taylor network, shared by
/// [`estimate_weights`] and [`TaylorPlan::estimate`].
pub(crate) struct Parts {
    /// binary digits of 3N, plus one
    pub(crate) levels: u64,
    /// one bump: its h units, and two copies of each gate of z/2, whose
    /// form reads at most two terms per binary digit of 3N and of 3m
    pub(crate) bump: u64,
    /// one ×′ with small arguments: three f_s^r and the gates of the sum
    pub(crate) product: u64,
    /// the length of a product's form (7r + 12 terms)
    pub(crate) form: u64,
    /// the gates of a product's form, up to five copies per sign for a
    /// multiplier below 2 (targets in F_{d,n} have |β| <= 1)
    pub(crate) product_gates: u64,
}

impl Parts {
    pub(crate) fn new(grid: u64, r: u64) -> Self {
        let levels = u64::from(64 - (3 * grid).leading_zeros()) + 1;
        Parts {
            levels,
            bump: 34 + 16 * levels,
            product: 18 * r + 32,
            form: 7 * r + 12,
            product_gates: 28 * r + 60,
        }
    }

    /// The units shared by the whole network: constant chains, the scale
    /// chains' ladders, the constants of f_s^r.
    pub(crate) fn shared(&self, r: u64, t: u64) -> u64 {
        32 * self.levels + 4 * r + t + 64
    }
}

/// Weights of the strict Taylor network, estimated before building: an upper
/// bound assembled from the sizes of its parts (tests check it). Every
/// grid point is assumed to carry every term with a coefficient of `t`
/// binary digits; [`TaylorPlan::estimate`] knows the coefficients.
pub(crate) fn strict(spec: &NetSpec) -> u64 {
    let n = spec.n.unwrap_or(1);
    let grid = u64::from(spec.grid.unwrap_or(1));
    let r = u64::from(spec.r.unwrap_or(1));
    let t = u64::from(spec.t_or_default());
    let d = spec.inputs.len() as u64;
    let Parts {
        bump,
        product,
        product_gates,
        ..
    } = Parts::new(grid, r);
    // one coefficient: the power chains of two gates and their reads
    let chains = 4 * t + 16;
    let psi = (d - 1) * (product + product_gates);
    let mut per_point = psi;
    for nu in orders_below(d as usize, n) {
        let order = u64::from(nu.iter().sum::<u32>());
        per_point += chains
            + if order == 0 {
                if d == 1 { 16 } else { product_gates }
            } else {
                order.saturating_sub(1) * (product + product_gates) + product + product_gates
            };
    }
    let points = (grid + 1).saturating_pow(d as u32);
    points
        .saturating_mul(per_point)
        .saturating_add((grid + 1) * d * bump)
        .saturating_add(Parts::new(grid, r).shared(r, t))
}

/// Weights of the free Taylor network (the unquantized reference),
/// estimated before building: per grid point the `d − 1` products of ψ′_m
/// and per term its `|ν|` products and output terms, plus one bump (two
/// gates of z, H_1, H_2, and the gate of h) per input and grid value.
pub(crate) fn free(spec: &NetSpec) -> u64 {
    let d = spec.inputs.len() as u64;
    let n = spec.n.unwrap_or(1);
    let grid = u64::from(spec.grid.unwrap_or(1));
    let sizes = FreeSizes::new(u64::from(spec.r.unwrap_or(1)));
    let mut per_point = d.saturating_sub(1) * sizes.product;
    for nu in orders_below(d as usize, n) {
        let order = u64::from(nu.iter().sum::<u32>());
        // U_ν has at most |ν| − 1 nodes; then ×′(ψ′, U_ν) and its output
        per_point += match order {
            0 => sizes.product_form,
            _ => order * sizes.product + sizes.product_form,
        };
    }
    let bumps = (grid + 1) * d * 8;
    (grid + 1)
        .saturating_pow(d as u32)
        .saturating_mul(per_point)
        .saturating_add(bumps)
}

impl TaylorPlan {
    /// An upper bound on the weights `build.rs` builds for this plan,
    /// `r` and `t` (tests check it against the built networks), tighter
    /// than the estimate made from the parameters alone: it counts only the
    /// grid points and terms whose coefficient survives rounding
    /// (`γ′ ≠ 0`), and the copies and power-chain nodes of each coefficient
    /// from the binary digits of its multiplier `2|γ′|` rather than from `t`.
    pub fn estimate(&self, r: u32, t: u32) -> u64 {
        self.estimate_with(&self.rounded(t), r)
    }

    /// [`estimate`](Self::estimate) from the coefficients realised at `t`.
    pub(crate) fn estimate_with(&self, rounded: &Rounded, r: u32) -> u64 {
        let d = self.d as u64;
        let r = u64::from(r);
        let parts = Parts::new(self.grid, r);
        let sub = parts.product + parts.product_gates;
        let size = self.grid as usize + 1;
        let mut bumps = vec![false; self.d * size];
        let mut total: u64 = 0;
        let t = rounded.t;
        for ((m, terms), units) in grid_points(self.d, self.grid)
            .zip(&self.points)
            .zip(&rounded.units)
        {
            let mut live = false;
            for (term, k) in terms.iter().zip(units) {
                if k.is_zero() {
                    continue;
                }
                live = true;
                let order = u64::from(term.order);
                let (n, count, top, first) = digits(k, t);
                // copies of each gate: 2n for the integer part, one for 2^−1
                let copies = (2 * n + u64::from(first)).max(1);
                let relays = 2 * copies.saturating_sub(2);
                // per sign: the trie nodes (at most one per position) and the reads
                let chains = 2 * (top + count + 2 * n);
                let gates = if order == 0 {
                    // ψ′_m: the bump's gate (d = 1), or the gates the ψ
                    // product has anyway (d ≥ 2, in `sub`) and relays
                    if d == 1 { 16 } else { 2 * relays }
                } else {
                    (order - 1) * sub + parts.product + 2 * (parts.form * copies.min(2) + relays)
                };
                total = total.saturating_add(gates + chains);
            }
            if live {
                total = total.saturating_add((d - 1) * sub);
                for (k, &mk) in m.iter().enumerate() {
                    bumps[k * size + mk as usize] = true;
                }
            }
        }
        let bumps = bumps.iter().filter(|&&b| b).count() as u64;
        total
            .saturating_add(bumps * parts.bump)
            .saturating_add(parts.shared(r, u64::from(rounded.t)))
    }

    /// A lower bound on the weights `build.rs` builds for this plan,
    /// `r` and `t` (tests check it against the built networks), for
    /// comparing with networks too large to build. A ×′ reads at least
    /// `18r − 12` weights (its three f_s^r at least `2 + 6(r − 1)` each).
    /// Every grid point with a term that survives rounding has its own
    /// bump, whose four `h` units read 18 weights (d = 1), or the `d − 1`
    /// products of ψ′_m (d ≥ 2); every such term is at least one output
    /// weight, and one of order ≥ 1 has its own product `×′(ψ′_m, U_ν)`.
    pub fn least_weights(&self, r: u32, t: u32) -> u64 {
        let rounded = self.rounded(t);
        let product = 18 * u64::from(r) - 12;
        let per_point = if self.d == 1 {
            18
        } else {
            (self.d as u64 - 1) * product
        };
        self.points
            .iter()
            .zip(&rounded.units)
            .map(|(terms, units)| {
                let live = terms.iter().zip(units).filter(|(_, k)| !k.is_zero());
                let cost: u64 = live
                    .map(|(term, _)| 1 + if term.order > 0 { product } else { 0 })
                    .sum();
                if cost == 0 { 0 } else { per_point + cost }
            })
            .sum()
    }
}

/// For the multiplier `M = K·2^−t ≥ 0` Prop. 3 builds: its integer part
/// `n`, the number `|D|` and the largest position of the binary digits 1 of
/// its fraction, and whether the digit 2^−1 is one of them.
fn digits(k: &BigInt, t: u32) -> (u64, u64, u64, bool) {
    use num_traits::ToPrimitive;
    let n = (k >> t).to_u64().unwrap_or(u64::MAX / 8);
    let frac = k - ((k >> t) << t);
    match frac.trailing_zeros() {
        None => (n, 0, 0, false),
        Some(zeros) => (
            n,
            frac.magnitude().count_ones(),
            u64::from(t) - zeros,
            frac.bit(u64::from(t) - 1),
        ),
    }
}
