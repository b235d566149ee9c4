//! Uniform quantization `Q_η` and a proven bound on the Lipschitz constant
//! of the parameterization `θ ↦ R_θ` (the Gonon slides, "A key tool" and
//! "Consequence 1").
//!
//! # Quantization
//!
//! [`uniform`] replaces every weight and every bias `θ_i` of a network by
//! `Q_η(θ_i)`, either the slides' `Q_η(θ) = ⌊θ/η⌋·η` ([`Rounding::Floor`],
//! `0 ≤ θ − Q_η(θ) < η`) or the nearest multiple, ties to even
//! ([`Rounding::Nearest`], `|θ − Q_η(θ)| ≤ η/2`). The result is drawn from
//! the grid [`Codebook::uniform`] of step η, bounded by the largest
//! quantized magnitude. The bounds below hold for any perturbation with
//! `‖θ − θ′‖∞ ≤ δ`; floor quantization has `δ < η`, nearest `δ ≤ η/2`
//! ([`Rounding::max_change`]).
//!
//! # The bound, per network ([`lipschitz`])
//!
//! Units in topological order; inputs `x_i` range over the domain box, so
//! `|x_i| ≤ R`. For a unit `u = σ(b + Σ_e w_e·v_{s(e)})` (the output without
//! σ) let `M_u ≥ sup_x |v_u(x)|` (interval arithmetic through the
//! network) and define, for a radius `δ₀`,
//!
//! ```text
//! K_input = 0,     K_u = 1 + Σ_e ( M_s + δ₀·K_s + |w_e|·K_s ).
//! ```
//!
//! **Claim.** If `‖θ′ − θ‖∞ ≤ δ ≤ δ₀` then `|v′_u(x) − v_u(x)| ≤ K_u·δ` for
//! every unit, every `x` of the domain; at the output,
//! `‖R_θ′ − R_θ‖∞ ≤ K_out·‖θ′ − θ‖∞`.
//!
//! *Proof*, by induction in topological order. Inputs are not perturbed.
//! σ is 1-Lipschitz, so `|v′_u − v_u|` is at most the change of the
//! pre-activation, `|b′ − b| + Σ_e |w′_e·v′_s − w_e·v_s|`. Write
//! `w′v′ − wv = (w′ − w)·v′ + w·(v′ − v)`: the first part is at most
//! `δ·|v′_s| ≤ δ(M_s + K_s·δ) ≤ δ(M_s + δ₀K_s)` by induction, the second
//! `|w_e|·K_s·δ`. With `|b′ − b| ≤ δ` the sum is `K_u·δ`. ∎
//!
//! # The bound in closed form ([`Lipschitz::formula`])
//!
//! Let `L` be the depth (the output's level), `D ≥ 1` the largest fan-in
//! (output included), `B` the largest `|θ_i|`, `R` the input bound, and
//! `a = max(1, D(B + δ₀))`. Let `M̄_ℓ`, `K̄_ℓ` be the largest `M_u`, `K_u`
//! over units of level ≤ ℓ (`M̄_0 = R`, `K̄_0 = 0`). A unit of level ℓ
//! reads at most `D` units of level < ℓ, so
//!
//! ```text
//! M̄_ℓ ≤ B + D·B·M̄_{ℓ−1} ≤ a(1 + M̄_{ℓ−1})           ⇒  M̄_ℓ ≤ a^ℓ (R + ℓ)
//! K̄_ℓ ≤ 1 + D·M̄_{ℓ−1} + D(δ₀ + B)·K̄_{ℓ−1}
//!     ≤ 1 + D·a^(ℓ−1)(R + ℓ − 1) + a·K̄_{ℓ−1}
//! ```
//!
//! (using `B ≤ DB ≤ a` and `a ≥ 1`), and unrolling the second,
//!
//! ```text
//! K_out ≤ Σ_{j=1..L} a^(L−j) (1 + D·a^(j−1)(R + j − 1))
//!       ≤ L·a^(L−1) · (1 + D(R + (L−1)/2)).
//! ```
//!
//! **Against the slides.** Their `K ≤ c·WL·L·B^(L−1)` (for layered
//! networks with `‖A_ℓ‖₂, ‖b_ℓ‖₂ ≤ B`, `B ≥ 1`, inputs in [0, 1]^d) has the
//! same `L·B^(L−1)` core. Ours counts entries, not operator norms, so the
//! fan-in enters as `D^L` (the entrywise bound `B` allows `‖A‖ ≤ D·B`), the
//! input range and the biases as `R + (L−1)/2` where the slides' constant
//! `c` absorbs them, and `δ₀` widens `B` because `θ′` is not in the ball
//! of `θ` the slides fix. The per-network [`lipschitz`] value is usually
//! many orders of magnitude smaller: it uses each unit's actual range and
//! weights, not the worst case of every level.
//!
//! # From K to bits ([`eta_for`])
//!
//! If the unquantized network is within `e₀` of the target and
//! `K·δ ≤ ε − e₀`, the quantized one is within ε. [`eta_for`] picks the
//! largest `η = 2^−k` with `K·max_change(η) ≤ ε − e₀` (and `η ≤ δ₀`); the
//! grid then has `2⌊B′/η⌋ + 1` levels for `B′ = B + η`, so a weight costs
//! `⌈log2(2B′/η + 1)⌉ ≈ log2(1/ε) + log2 K + log2 B` bits — with the
//! closed form, `log(1/ε) + L·log(DB) + log(L·D(R + L))`, the slides'
//! `log(1/ε) + L log B + log(WL)`.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use crate::error::{CoreError, Subject};
use crate::metrics::levels;
use crate::net::{Edge, Net, UnitKind};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// How [`uniform`] maps a parameter to the grid of step η.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// `⌊θ/η⌋·η`, the slides' `Q_η`: `0 ≤ θ − Q_η(θ) < η`.
    Floor,
    /// The nearest multiple of η, ties to the even multiple:
    /// `|θ − Q_η(θ)| ≤ η/2`.
    Nearest,
}

impl Rounding {
    /// The largest `|θ − Q_η(θ)|` this rounding can make, as used by the
    /// bounds: η for `Floor` (a strict bound), η/2 for `Nearest`.
    pub fn max_change(self, eta: &Rational) -> Rational {
        match self {
            Rounding::Floor => eta.clone(),
            Rounding::Nearest => eta / rational::int(2),
        }
    }

    /// `Q_η(θ)`.
    pub fn apply(self, theta: &Rational, eta: &Rational) -> Rational {
        let q = theta / eta;
        let k: BigInt = match self {
            Rounding::Floor => rational::floor(&q),
            Rounding::Nearest => {
                let floor = rational::floor(&q);
                let rest = &q - Rational::from_integer(floor.clone());
                let half = rational::ratio(1, 2);
                match rest.cmp(&half) {
                    std::cmp::Ordering::Less => floor,
                    std::cmp::Ordering::Greater => floor + 1,
                    std::cmp::Ordering::Equal if floor.is_even() => floor,
                    std::cmp::Ordering::Equal => floor + 1,
                }
            }
        };
        Rational::from_integer(k) * eta
    }
}

/// `net` with every weight and bias replaced by `Q_η` of it (module docs).
/// The structure (units, edges, blocks) is unchanged, so an edge whose
/// weight quantizes to 0 stays, with weight 0; the codebook is the grid of
/// step η bounded by the largest quantized magnitude.
///
/// # Errors
/// `eta ≤ 0`.
///
/// ```
/// use qrelu_core::quantize::uniform::{uniform, Rounding};
/// use qrelu_core::quantize::Codebook;
/// use qrelu_core::rational::ratio;
/// use qrelu_core::net::{LinearForm, NetBuilder};
/// let mut b = NetBuilder::new(Codebook::unquantized(), &["x".to_owned()]);
/// let x = b.input(0);
/// let u = b.relu("u", ratio(-1, 3), &[(x, ratio(5, 7))]).unwrap();
/// let net = b.finish(ratio(1, 10), &LinearForm { terms: vec![(u, ratio(2, 3))] }).unwrap();
/// let q = uniform(&net, &ratio(1, 4), Rounding::Floor).unwrap();
/// let params: Vec<_> = q.parameters().map(|(_, v)| v.clone()).collect();
/// assert_eq!(params, vec![ratio(-1, 2), ratio(1, 2), ratio(0, 1), ratio(1, 2)]);
/// ```
pub fn uniform(net: &Net, eta: &Rational, rounding: Rounding) -> Result<Net, CoreError> {
    if !eta.is_positive() {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Argument("eta"),
            message: format!(
                "the step of Q_η must be positive, found {}",
                rational::display(eta)
            ),
        });
    }
    // the grid's bound is the largest quantized magnitude
    let largest = net
        .parameters()
        .map(|(_, v)| rational::abs(&rounding.apply(v, eta)))
        .fold(Rational::zero(), Rational::max);
    net.requantized(Codebook::uniform(eta.clone(), largest)?, |v| {
        rounding.apply(v, eta)
    })
}

/// `‖θ − θ′‖∞` over the parameters of two networks of the same structure.
///
/// # Errors
/// Networks whose units, edges or sources differ.
pub fn distance(a: &Net, b: &Net) -> Result<Rational, CoreError> {
    let mismatch = || CoreError::InvalidParameter {
        subject: Subject::Net,
        message: "the two networks differ in structure".to_owned(),
    };
    if a.units().len() != b.units().len() || a.output().inputs.len() != b.output().inputs.len() {
        return Err(mismatch());
    }
    let mut worst = rational::abs(&(&a.output().bias - &b.output().bias));
    let edges = |x: &[Edge], y: &[Edge], worst: &mut Rational| {
        if x.len() != y.len() || x.iter().zip(y).any(|(e, f)| e.src != f.src) {
            return Err(mismatch());
        }
        for (e, f) in x.iter().zip(y) {
            *worst = worst.clone().max(rational::abs(&(&e.weight - &f.weight)));
        }
        Ok(())
    };
    edges(&a.output().inputs, &b.output().inputs, &mut worst)?;
    for (u, v) in a.units().iter().zip(b.units()) {
        match (&u.kind, &v.kind) {
            (UnitKind::Input { index: i }, UnitKind::Input { index: j }) if i == j => {}
            (
                UnitKind::Relu { bias, inputs },
                UnitKind::Relu {
                    bias: bias2,
                    inputs: inputs2,
                },
            ) => {
                worst = worst.max(rational::abs(&(bias - bias2)));
                edges(inputs, inputs2, &mut worst)?;
            }
            _ => return Err(mismatch()),
        }
    }
    Ok(worst)
}

/// The Lipschitz bound of `θ ↦ R_θ` near one network (module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct Lipschitz {
    /// `K_out` of the per-network recursion: `‖R_θ′ − R_θ‖∞ ≤ K·‖θ′ − θ‖∞`
    /// on the domain whenever `‖θ′ − θ‖∞ ≤ δ₀`
    pub k: Rational,
    /// the radius `δ₀` the bound holds within
    pub delta0: Rational,
    /// depth `L` (the output's level)
    pub depth: usize,
    /// largest fan-in `D`, output included (at least 1)
    pub fan_in: usize,
    /// largest parameter magnitude `B`
    pub max_param: Rational,
    /// input bound `R` (largest magnitude of a domain endpoint)
    pub input_bound: Rational,
    /// `sup |R_θ|` on the domain, from interval arithmetic
    pub output_bound: Rational,
}

impl Lipschitz {
    /// The closed form `L·a^(L−1)·(1 + D(R + (L−1)/2))`,
    /// `a = max(1, D(B + δ₀))` (module docs): never below [`k`](Self::k)
    /// (a test checks it), and of the slides' form.
    pub fn formula(&self) -> Rational {
        let l = self.depth.max(1);
        let d = Rational::from_integer(self.fan_in.max(1).into());
        let a = (&d * (&self.max_param + &self.delta0)).max(Rational::one());
        let half_l = Rational::new((l as i64 - 1).into(), 2.into());
        let tail = Rational::one() + &d * (&self.input_bound + half_l);
        Rational::from_integer(l.into()) * num_traits::pow(a, l - 1) * tail
    }
}

/// The per-network Lipschitz bound of `net` on the box `domain` (one
/// interval per input) for perturbations up to `delta0` (module docs).
///
/// # Errors
/// A domain of the wrong dimension or inverted; `delta0 < 0`.
pub fn lipschitz(
    net: &Net,
    domain: &[(Rational, Rational)],
    delta0: &Rational,
) -> Result<Lipschitz, CoreError> {
    if domain.len() != net.dim() || domain.iter().any(|(lo, hi)| lo > hi) || delta0.is_negative() {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Net,
            message: format!(
                "a Lipschitz bound needs one interval per input ({}) and δ₀ >= 0",
                net.dim()
            ),
        });
    }
    let n = net.units().len();
    let mut lo = vec![Rational::zero(); n];
    let mut hi = vec![Rational::zero(); n];
    let mut k = vec![Rational::zero(); n];
    let mut max_param = rational::abs(&net.output().bias);
    let mut fan_in = net.output().inputs.len().max(1);
    let input_bound = domain
        .iter()
        .map(|(a, b)| rational::abs(a).max(rational::abs(b)))
        .fold(Rational::zero(), Rational::max);
    // interval of b + Σ w·v and the recursion's K for one unit
    let affine =
        |bias: &Rational, edges: &[Edge], lo: &[Rational], hi: &[Rational], k: &[Rational]| {
            let (mut l, mut h, mut kk) = (bias.clone(), bias.clone(), Rational::one());
            for e in edges {
                let (a, b) = (&e.weight * &lo[e.src], &e.weight * &hi[e.src]);
                l += a.clone().min(b.clone());
                h += a.max(b);
                let m = rational::abs(&lo[e.src]).max(rational::abs(&hi[e.src]));
                kk += m + delta0 * &k[e.src] + rational::abs(&e.weight) * &k[e.src];
            }
            (l, h, kk)
        };
    for (i, unit) in net.units().iter().enumerate() {
        match &unit.kind {
            UnitKind::Input { index } => {
                lo[i] = domain[*index].0.clone();
                hi[i] = domain[*index].1.clone();
            }
            UnitKind::Relu { bias, inputs } => {
                let (l, h, kk) = affine(bias, inputs, &lo, &hi, &k);
                lo[i] = l.max(Rational::zero());
                hi[i] = h.max(Rational::zero());
                k[i] = kk;
                fan_in = fan_in.max(inputs.len());
                max_param = inputs
                    .iter()
                    .map(|e| rational::abs(&e.weight))
                    .fold(max_param.max(rational::abs(bias)), Rational::max);
            }
        }
    }
    let out = &net.output();
    let (l, h, k_out) = affine(&out.bias, &out.inputs, &lo, &hi, &k);
    max_param = out
        .inputs
        .iter()
        .map(|e| rational::abs(&e.weight))
        .fold(max_param, Rational::max);
    Ok(Lipschitz {
        k: k_out,
        delta0: delta0.clone(),
        depth: levels(net).1,
        fan_in,
        max_param,
        input_bound,
        output_bound: rational::abs(&l).max(rational::abs(&h)),
    })
}

/// The step η for a guaranteed error ε (module docs, *From K to bits*):
/// the largest `η = 2^−k`, `k ≥ 0`, with `K·max_change(η) ≤ ε − e₀` and
/// `max_change(η) ≤ δ₀`, or `None` if `e₀ ≥ ε` or no `k ≤ 1000` works.
pub fn eta_for(
    bound: &Lipschitz,
    rounding: Rounding,
    eps: &Rational,
    e0: &Rational,
) -> Option<Rational> {
    let room = eps - e0;
    if !room.is_positive() {
        return None;
    }
    (0..=1000i64).map(|k| rational::pow2(-k)).find(|eta| {
        let change = rounding.max_change(eta);
        &bound.k * &change <= room && change <= bound.delta0
    })
}

/// Bits per parameter of the grid of step η holding every value of
/// magnitude ≤ `max_param + η` (where floor quantization can land):
/// `⌈log2(2⌊(B + η)/η⌋ + 1)⌉`.
pub fn bits_per_parameter(max_param: &Rational, eta: &Rational) -> u32 {
    Codebook::uniform(eta.clone(), max_param + eta)
        .map(|c| c.index_bits())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::eval;
    use crate::net::{LinearForm, NetBuilder};
    use crate::rational::{pow2, ratio};
    use proptest::prelude::*;

    /// `(bias p, bias q, [(source seed, weight p, weight q)])` of one unit.
    type UnitSeed = (i64, i64, Vec<(usize, i64, i64)>);

    /// A random DAG from seeds: each unit reads up to three earlier units
    /// (sources taken modulo the units so far); the last seed is the output.
    fn random_net(dim: usize, spec: &[UnitSeed]) -> Net {
        let names: Vec<String> = (0..dim).map(|i| format!("x{i}")).collect();
        let mut b = NetBuilder::new(Codebook::unquantized(), &names);
        let mut ids: Vec<usize> = (0..dim).map(|i| b.input(i)).collect();
        let (last, hidden) = spec.split_last().expect("an output");
        for (i, (bp, bq, edges)) in hidden.iter().enumerate() {
            let mut seen = std::collections::BTreeMap::new();
            for (src, p, q) in edges {
                seen.insert(ids[src % ids.len()], ratio(*p, *q));
            }
            let edges: Vec<(usize, Rational)> = seen.into_iter().collect();
            ids.push(b.relu(&format!("u{i}"), ratio(*bp, *bq), &edges).unwrap());
        }
        let mut seen = std::collections::BTreeMap::new();
        for (src, p, q) in &last.2 {
            seen.insert(ids[src % ids.len()], ratio(*p, *q));
        }
        let form = LinearForm {
            terms: seen.into_iter().collect(),
        };
        b.finish(ratio(last.0, last.1), &form).unwrap()
    }

    fn unit() -> impl Strategy<Value = UnitSeed> {
        (
            -9i64..=9,
            1i64..=7,
            prop::collection::vec((0usize..64, -9i64..=9, 1i64..=7), 1..=3),
        )
    }

    /// Points of [−1, 1]^d on a non-dyadic grid.
    fn points(dim: usize) -> Vec<Vec<Rational>> {
        let axis: Vec<Rational> = (0..=6)
            .map(|k| ratio(2 * k - 6, 6) + ratio(1, 21))
            .collect();
        let mut out = vec![vec![]];
        for _ in 0..dim {
            out = out
                .into_iter()
                .flat_map(|p: Vec<Rational>| {
                    axis.iter().map(move |a| {
                        let mut p = p.clone();
                        p.push(a.clone().min(ratio(1, 1)));
                        p
                    })
                })
                .collect();
        }
        out
    }

    fn sup_diff(a: &Net, b: &Net) -> Rational {
        points(a.dim())
            .iter()
            .map(|x| rational::abs(&(eval(a, x) - eval(b, x))))
            .fold(Rational::zero(), Rational::max)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The measured change of the function never exceeds K times the
        /// change of the parameters, for Q_η with both roundings and many
        /// η; the closed form is never below the per-network K.
        #[test]
        fn measured_change_is_within_k_times_the_parameter_change(
            dim in 1usize..=2,
            spec in prop::collection::vec(unit(), 2..=12),
            k in 1i64..=12,
            nearest in any::<bool>(),
        ) {
            let net = random_net(dim, &spec);
            let eta = pow2(-k) * ratio(3, 5);
            let rounding = if nearest { Rounding::Nearest } else { Rounding::Floor };
            let q = uniform(&net, &eta, rounding).unwrap();
            let dist = distance(&net, &q).unwrap();
            prop_assert!(dist <= rounding.max_change(&eta));
            let domain = vec![(ratio(-1, 1), ratio(1, 1)); dim];
            let l = lipschitz(&net, &domain, &eta).unwrap();
            prop_assert!(l.formula() >= l.k, "formula {} < K {}", l.formula(), l.k);
            let measured = sup_diff(&net, &q);
            prop_assert!(measured <= &l.k * &dist, "{} > {}·{}", measured, l.k, dist);
            // every parameter of the quantized net is on the grid
            for (_, v) in q.parameters() {
                prop_assert!(q.codebook().contains(v));
            }
        }
    }

    /// The ratio ‖R_θ − R_θ′‖ / ‖θ − θ′‖ for single-parameter nudges of
    /// a chain where the bound is nearly attained: K is never below it,
    /// and not absurdly above it either.
    #[test]
    fn k_against_measured_ratios_on_a_chain() {
        // u_i = σ(2·u_{i−1}), x ∈ [0, 1], output 2·u_3: R = 16x
        let mut b = NetBuilder::new(Codebook::unquantized(), &["x".to_owned()]);
        let mut prev = b.input(0);
        for i in 0..3 {
            prev = b
                .relu(
                    &format!("u{i}"),
                    Rational::zero(),
                    &[(prev, rational::int(2))],
                )
                .unwrap();
        }
        let net = b
            .finish(
                Rational::zero(),
                &LinearForm {
                    terms: vec![(prev, rational::int(2))],
                },
            )
            .unwrap();
        let delta = pow2(-10);
        let l = lipschitz(&net, &[(ratio(0, 1), ratio(1, 1))], &delta).unwrap();
        // nudge every weight up by δ: R' = (2 + δ)^4 x, sup at x = 1
        // (every bias is 0, every weight 2)
        let up = net
            .requantized(Codebook::unquantized(), |v| {
                if v.is_zero() { v.clone() } else { v + &delta }
            })
            .unwrap();
        let one = [ratio(1, 1)];
        let ratio_measured = rational::abs(&(eval(&up, &one) - eval(&net, &one))) / &delta;
        assert!(l.k >= ratio_measured, "{} < {}", l.k, ratio_measured);
        // measured ≈ 4·2^3 = 32; K adds the biases and the δ₀ terms
        assert!(l.k <= &ratio_measured * rational::int(4), "K = {}", l.k);
        assert_eq!(l.depth, 4);
        assert_eq!(l.output_bound, rational::int(16));
    }

    /// η from K meets ε: the quantized network stays within ε − e₀ of the
    /// original, measured exactly on a grid.
    #[test]
    fn eta_from_k_meets_eps() {
        let spec = vec![
            (1, 3, vec![(0, 5, 7), (1, -2, 3)]),
            (-1, 5, vec![(2, 4, 3), (0, 1, 9)]),
            (0, 1, vec![(3, 6, 5), (2, -1, 3)]),
            (1, 7, vec![(4, 2, 1), (3, -3, 2), (0, 1, 2)]),
        ];
        let net = random_net(2, &spec);
        let domain = vec![(ratio(-1, 1), ratio(1, 1)); 2];
        for eps in [ratio(1, 10), ratio(1, 1000), ratio(1, 100_000)] {
            for rounding in [Rounding::Floor, Rounding::Nearest] {
                let l = lipschitz(&net, &domain, &ratio(1, 4)).unwrap();
                let eta = eta_for(&l, rounding, &eps, &Rational::zero()).unwrap();
                let q = uniform(&net, &eta, rounding).unwrap();
                assert!(sup_diff(&net, &q) <= eps);
                // one step coarser may or may not meet ε; the guarantee is one-sided
                let bits = bits_per_parameter(&l.max_param, &eta);
                assert!((1..64).contains(&bits));
            }
        }
        assert!(
            eta_for(
                &lipschitz(&net, &domain, &ratio(1, 4)).unwrap(),
                Rounding::Floor,
                &ratio(1, 10),
                &ratio(1, 10)
            )
            .is_none()
        );
    }

    #[test]
    fn rounding_modes() {
        let eta = ratio(1, 4);
        assert_eq!(Rounding::Floor.apply(&ratio(-1, 10), &eta), ratio(-1, 4));
        assert_eq!(Rounding::Nearest.apply(&ratio(-1, 10), &eta), ratio(0, 1));
        assert_eq!(Rounding::Nearest.apply(&ratio(3, 8), &eta), ratio(1, 2));
        assert_eq!(Rounding::Nearest.apply(&ratio(1, 8), &eta), ratio(0, 1));
        assert!(
            uniform(
                &random_net(1, &[(0, 1, vec![(0, 1, 1)])]),
                &ratio(0, 1),
                Rounding::Floor
            )
            .is_err()
        );
    }
}
