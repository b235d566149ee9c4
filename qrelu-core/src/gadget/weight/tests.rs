//! Tests of Prop. 3's weight sub-network: exactness, the codebook, the
//! sizes against the formulas and the paper's counts.

use std::collections::BTreeMap;

use super::chain::radix_exponents;
use super::*;
use crate::eval::eval;
use crate::metrics::metrics;
use crate::rational::{int, pow2, ratio};

const LAMBDAS: [u32; 5] = [2, 3, 4, 5, 6];
const TS: [u32; 4] = [4, 8, 16, 32];
const RANDOM_WEIGHTS: usize = 1000;
/// evaluate every `EVAL_EVERY`-th random network at all of `xs()`
const EVAL_EVERY: usize = 10;

/// splitmix64, a small deterministic PRNG
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// p/q with q ∈ 1..=10^6 and |p| ≤ q
    fn weight(&mut self) -> Rational {
        let q = self.below(1_000_000) as i64 + 1;
        let p = self.below(q as u64 + 1) as i64;
        let p = if self.next() & 1 == 1 { -p } else { p };
        ratio(p, q)
    }
}

fn xs() -> Vec<Rational> {
    vec![
        int(0),
        int(1),
        int(-1),
        ratio(-2, 3),
        ratio(5, 7),
        ratio(-13, 8),
        ratio(1_000_003, 999),
    ]
}

fn check_codebook(net: &Net, codebook: &Codebook) {
    for (what, v) in net.parameters() {
        let ok = match what {
            "bias" => codebook.allows_bias(v),
            _ => codebook.contains(v),
        };
        assert!(ok, "{what} {v} not in the codebook");
    }
}

fn check_exact(net: &Net, w2: &Rational) {
    for x in xs() {
        assert_eq!(
            eval(net, std::slice::from_ref(&x)),
            w2 * &x,
            "w'={w2} x={x}"
        );
    }
}

fn check_size(net: &Net, w: &Rational, t: u32, codebook: &Codebook) {
    let m = metrics(net);
    let s = size(w, t, codebook).unwrap();
    assert_eq!(m.depth, s.depth, "depth w={w} t={t}");
    assert_eq!(m.weights as u64, s.weights, "weights w={w} t={t}");
    assert_eq!(m.units as u64, s.units, "units w={w} t={t}");
    assert!(s.depth <= depth_in(codebook, t), "worst depth w={w}");
    assert!(s.weights <= weights(t), "worst weights w={w}");
    assert!(s.units <= units(t), "worst units w={w}");
}

#[test]
fn random_weights_are_rounded_and_built_exactly() {
    let mut rng = Rng(0x5eed_0003);
    for lambda in LAMBDAS {
        for t in TS {
            let codebook = Codebook::nonlinear(lambda, t).unwrap();
            let bound = pow2(-i64::from(t) - 1);
            for i in 0..RANDOM_WEIGHTS {
                let w = rng.weight();
                let (net, w2) = network(&w, t, codebook.clone()).unwrap();
                let err = rational::abs(&(&w2 - &w));
                assert!(err <= bound && err < pow2(-i64::from(t)), "w={w} t={t}");
                assert_eq!(w2, round_to(&w, t));
                check_codebook(&net, &codebook);
                check_size(&net, &w, t, &codebook);
                if i % EVAL_EVERY == 0 {
                    check_exact(&net, &w2);
                }
            }
        }
    }
}

/// The linear codebooks (Section 4.4): the same network, built from
/// ±1/2 and the powers `2^−e ∈ L_λ`; exact, in the codebook, of the
/// predicted size, with the worst case at [`linear_depth`].
#[test]
fn linear_codebooks_build_the_same_weights() {
    let mut rng = Rng(0x5eed_0044);
    for lambda in [2, 3, 4, 5, 7, 9, 13, 17] {
        let codebook = Codebook::linear(lambda).unwrap();
        for t in TS {
            for i in 0..RANDOM_WEIGHTS / 5 {
                let w = rng.weight();
                let (net, w2) = network(&w, t, codebook.clone()).unwrap();
                assert_eq!(w2, round_to(&w, t));
                check_codebook(&net, &codebook);
                check_size(&net, &w, t, &codebook);
                if i % EVAL_EVERY == 0 {
                    check_exact(&net, &w2);
                }
            }
            let worst = int(1) - pow2(-i64::from(t));
            let (net, _) = network(&worst, t, codebook.clone()).unwrap();
            let m = metrics(&net);
            assert_eq!(m.depth, linear_depth(lambda, t), "λ={lambda} t={t}");
            assert_eq!(m.depth, depth_in(&codebook, t), "λ={lambda} t={t}");
            assert_eq!(m.weights as u64, weights(t), "λ={lambda} t={t}");
            // §4.4's t/log λ + 1 with log(λ − 1) for log λ, plus the
            // gate level, when λ − 1 = 2^B (odd λ spends a value on 0)
            if (lambda - 1).is_power_of_two() && lambda > 2 {
                let log = f64::from(lambda - 1).log2();
                assert!(
                    m.depth as f64 <= f64::from(t) / log + 2.0,
                    "λ={lambda} t={t}"
                );
                assert!(
                    m.depth as f64 >= paper_linear_depth(lambda, t),
                    "λ={lambda}"
                );
            }
        }
    }
    // the nonlinear formula agrees with the generic one
    for lambda in LAMBDAS {
        for t in TS {
            let cb = Codebook::nonlinear(lambda, t).unwrap();
            assert_eq!(depth_in(&cb, t), depth(lambda, cb.base(), t));
        }
    }
}

#[test]
fn edge_weights() {
    for lambda in LAMBDAS {
        for t in [1, 2, 3, 4, 8, 16, 32] {
            let codebook = Codebook::nonlinear(lambda, t).unwrap();
            let tie = int(1) - pow2(-i64::from(t) - 1);
            let top = int(1) - pow2(-i64::from(t));
            let cases = [
                (int(1), int(1)),
                (int(-1), int(-1)),
                (int(0), int(0)),
                // the tie 2^t − ½ goes to the even 2^t
                (tie.clone(), int(1)),
                (-tie, int(-1)),
                (top.clone(), top.clone()),
                (-top.clone(), -top),
                (pow2(-i64::from(t) - 1), int(0)),
                (pow2(-i64::from(t)), pow2(-i64::from(t))),
            ];
            for (w, expected) in cases {
                let (net, w2) = network(&w, t, codebook.clone()).unwrap();
                assert_eq!(w2, expected, "w={w} t={t}");
                check_codebook(&net, &codebook);
                check_size(&net, &w, t, &codebook);
                check_exact(&net, &w2);
            }
            // w' = 0 is the empty network; w' = ±1 four copies per half
            let (zero, _) = network(&int(0), t, codebook.clone()).unwrap();
            assert_eq!(metrics(&zero).units, 0);
            let (one, _) = network(&int(-1), t, codebook.clone()).unwrap();
            assert_eq!(metrics(&one).weights, 16);
            assert_eq!(metrics(&one).depth, 2);
        }
    }
}

#[test]
fn rounding_is_to_nearest_ties_to_even() {
    assert_eq!(round_to(&ratio(3, 8), 2), ratio(1, 2)); // 1.5 → 2
    assert_eq!(round_to(&ratio(5, 8), 2), ratio(1, 2)); // 2.5 → 2
    assert_eq!(round_to(&ratio(-3, 8), 2), ratio(-1, 2));
    assert_eq!(round_to(&ratio(1, 3), 2), ratio(1, 4));
    assert_eq!(round_to(&ratio(-2, 3), 3), ratio(-5, 8));
    let mut rng = Rng(7);
    for _ in 0..2000 {
        let w = rng.weight();
        let t = rng.below(40) as u32;
        let w2 = round_to(&w, t);
        assert!(rational::abs(&(&w2 - &w)) <= pow2(-i64::from(t) - 1));
        assert!(rational::is_dyadic(&(&w2 * pow2(i64::from(t)))));
        assert!((&w2 * pow2(i64::from(t))).is_integer());
        assert_eq!(round_to(&-&w, t), -w2);
    }
}

/// The worst case over `w` (every digit 1, or ±1 for t ≤ 2) meets our
/// formulas and stays within the paper's counts; prints the table.
#[test]
fn worst_case_sizes_against_the_paper() {
    eprintln!("| λ | t | b | depth | paper depth | weights | paper weights | units |");
    for lambda in LAMBDAS {
        for t in TS {
            let codebook = Codebook::nonlinear(lambda, t).unwrap();
            let base = codebook.base();
            let w = int(1) - pow2(-i64::from(t));
            let (net, _) = network(&w, t, codebook.clone()).unwrap();
            let m = metrics(&net);
            assert_eq!(m.depth, depth(lambda, base, t), "λ={lambda} t={t}");
            assert_eq!(m.weights as u64, weights(t), "λ={lambda} t={t}");
            assert_eq!(m.units as u64, units(t), "λ={lambda} t={t}");
            // ±1 costs less once t ≥ 3
            let (one, _) = network(&int(1), t, codebook.clone()).unwrap();
            assert!(metrics(&one).weights <= m.weights);
            assert!(
                m.depth as u64 <= paper_depth(lambda, base),
                "λ={lambda} t={t}"
            );
            assert!(m.depth as u64 + base - 1 <= paper_depth(lambda, base));
            assert!(m.depth as u64 <= u64::from(lambda - 1) * (base - 1) + 1);
            assert!(m.weights as u64 <= paper_weights(t, lambda, base));
            eprintln!(
                "| {lambda} | {t} | {base} | {} | {} | {} | {} | {} |",
                m.depth,
                paper_depth(lambda, base),
                m.weights,
                paper_weights(t, lambda, base),
                m.units
            );
        }
    }
    // t ≤ 2: w = ±1 is the worst case
    for t in [1, 2] {
        let codebook = Codebook::nonlinear(3, t).unwrap();
        let (one, _) = network(&int(1), t, codebook).unwrap();
        assert_eq!(metrics(&one).weights as u64, weights(t));
        assert_eq!(metrics(&one).units as u64, units(t));
    }
}

#[test]
fn depth_formula_over_all_small_t() {
    for lambda in LAMBDAS {
        for t in 1..=40 {
            let codebook = Codebook::nonlinear(lambda, t).unwrap();
            let base = codebook.base();
            let w = int(1) - pow2(-i64::from(t));
            let (net, _) = network(&w, t, codebook.clone()).unwrap();
            let m = metrics(&net);
            assert_eq!(m.depth, depth(lambda, base, t), "λ={lambda} t={t}");
            assert_eq!(m.weights as u64, (4 * u64::from(t) + 4), "λ={lambda} t={t}");
            assert!(m.depth as u64 <= u64::from(lambda - 1) * (base - 1) + 1);
            assert!(m.weights as u64 <= paper_weights(t, lambda, base));
        }
    }
}

#[test]
fn a_shared_chain_builds_each_node_once() {
    let codebook = Codebook::nonlinear(3, 16).unwrap(); // b = 4: E = {1, 4}
    let mut b = NetBuilder::new(codebook, &["x".to_owned()]);
    let x = b.input(0);
    let mut chain =
        PowerChain::build_root(&mut b, "p", Rational::zero(), &[(x, ratio(1, 2))]).unwrap();
    // 2^−7 = ½·node(6), node(6) = σ(2^−4·node(2)), node(2) = σ(½·node(1))
    let f1 = times(&mut b, &mut chain, &pow2(-7), Sign::Plus).unwrap();
    assert_eq!(chain.nodes_built(), 3);
    assert_eq!(b.codebook().base(), 4);
    // 2^−2 and 2^−3 read node(1) and node(2), which exist already
    let f2 = times(&mut b, &mut chain, &(pow2(-2) + pow2(-3)), Sign::Minus).unwrap();
    assert_eq!(chain.nodes_built(), 3);
    // 2^−9 = ½·node(8): node(8) = σ(2^−4·node(4)), node(4) = σ(2^−4·root)
    let f3 = times(&mut b, &mut chain, &pow2(-9), Sign::Plus).unwrap();
    assert_eq!(chain.nodes_built(), 5);
    // the same multiple again builds nothing and reads the same units
    let again = times(&mut b, &mut chain, &pow2(-9), Sign::Plus).unwrap();
    assert_eq!(again, f3);
    assert_eq!(chain.node(&mut b, 6).unwrap(), f1.terms[0].0);
    assert_eq!(chain.nodes_built(), 5);
    let mut form = f1.clone();
    form.terms.extend(f3.terms.clone());
    let net = b.finish(Rational::zero(), &form).unwrap();
    // each trie unit appears once: one per node, in "weight.chain" blocks
    let chain_units = net
        .units()
        .iter()
        .filter(|u| net.blocks()[u.block].kind == "weight.chain")
        .count();
    assert_eq!(chain_units, 5);
    let mut roles: Vec<&str> = net.units().iter().map(|u| u.role.as_str()).collect();
    roles.sort_unstable();
    let n = roles.len();
    roles.dedup();
    assert_eq!(roles.len(), n, "a unit was built twice");
    for xv in [int(0), ratio(5, 7), int(3)] {
        // x ≥ 0 here: root = x/2
        let root = &xv / int(2);
        assert_eq!(
            eval(&net, std::slice::from_ref(&xv)),
            &root * (pow2(-7) + pow2(-9))
        );
    }
    assert_eq!(f2.terms.len(), 2);
    assert!(f2.terms.iter().all(|(_, c)| c == &ratio(-1, 2)));
}

#[test]
fn a_wide_root_is_copied_through_relays() {
    let codebook = Codebook::nonlinear(2, 4).unwrap();
    let names: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
    let mut b = NetBuilder::new(codebook.clone(), &names);
    let half = ratio(1, 2);
    let edges: Vec<_> = (0..3).map(|i| (b.input(i), half.clone())).collect();
    let mut chain = PowerChain::build_root(&mut b, "r", Rational::zero(), &edges).unwrap();
    // 5/2 = 2 + 2^−1: copies 0..=4; copy 1 rebuilt, copies 2..4 relays
    let form = times(&mut b, &mut chain, &ratio(5, 2), Sign::Plus).unwrap();
    assert_eq!(chain.copies_built(), 5);
    assert_eq!(form.terms.len(), 5);
    let net = b.finish(Rational::zero(), &form).unwrap();
    let copies: Vec<_> = net
        .hidden()
        .filter(|(i, _, _)| net.blocks()[net.units()[*i].block].kind == "weight.copy")
        .map(|(_, _, e)| e.len())
        .collect();
    assert_eq!(copies, vec![3, 2, 2, 2]);
    // root 3 + rebuild 3 + relays 3·2 + output 5
    assert_eq!(metrics(&net).weights, 17);
    assert_eq!(metrics(&net).depth, 3);
    check_codebook(&net, &codebook);
    for (x, y, z) in [(1, 2, 3), (-5, 1, 1), (-1, -1, -1)] {
        let input = [ratio(x, 3), ratio(y, 7), ratio(z, 2)];
        let root = rational::relu(&((&input[0] + &input[1] + &input[2]) / int(2)));
        assert_eq!(eval(&net, &input), root * ratio(5, 2));
    }
    // a narrow root is rebuilt every time
    let mut b = NetBuilder::new(codebook.clone(), &names);
    let mut chain = PowerChain::build_root(&mut b, "r", ratio(1, 2), &edges[..2]).unwrap();
    times(&mut b, &mut chain, &int(3), Sign::Minus).unwrap();
    let net = b.finish(Rational::zero(), &LinearForm::default()).unwrap();
    assert!(net.hidden().all(|(_, _, e)| e.len() == 2));
    assert_eq!(net.hidden().count(), 6);
}

#[test]
fn the_constant_one_is_a_signal_too() {
    // root K = σ(½): copies are free of weights
    let codebook = Codebook::nonlinear(4, 27).unwrap();
    let mut b = NetBuilder::new(codebook.clone(), &["x".to_owned()]);
    let mut chain = PowerChain::build_root(&mut b, "k", ratio(1, 2), &[]).unwrap();
    let c = ratio(3, 2) + pow2(-20) + pow2(-3);
    let form = times(&mut b, &mut chain, &(&c * int(2)), Sign::Minus).unwrap();
    let net = b.finish(Rational::zero(), &form).unwrap();
    assert_eq!(eval(&net, &[ratio(-9, 5)]), -c);
    check_codebook(&net, &codebook);
}

#[test]
fn refuses_bad_multiples_and_weights() {
    let codebook = Codebook::nonlinear(3, 8).unwrap();
    let mut b = NetBuilder::new(codebook.clone(), &["x".to_owned()]);
    let mut chain =
        PowerChain::build_root(&mut b, "p", Rational::zero(), &[(0, ratio(1, 2))]).unwrap();
    for m in [
        ratio(1, 3),
        ratio(-1, 2),
        int(MAX_MULTIPLE as i64 + 1),
        pow2(-(MAX_SHIFT as i64) - 2),
    ] {
        assert!(
            matches!(
                times(&mut b, &mut chain, &m, Sign::Plus),
                Err(CoreError::InvalidParameter { .. })
            ),
            "m={m}"
        );
    }
    assert!(chain.node(&mut b, MAX_SHIFT + 1).is_err());
    for w in [ratio(3, 2), ratio(-1_000_001, 1_000_000)] {
        assert!(network(&w, 8, codebook.clone()).is_err());
        assert!(size(&w, 8, &codebook).is_err());
    }
    assert!(network(&ratio(1, 2), MAX_T + 1, codebook).is_err());
}

#[test]
fn chain_lengths_are_greedy_digit_sums() {
    // λ = 4, b = 3: E = {1, 3, 9}; 26 = 2·9 + 2·3 + 2
    assert_eq!(chain_length(26, 4, 3), 6);
    assert_eq!(chain_length(27, 4, 3), 3);
    assert_eq!(chain_length(7, 2, 9), 7);
    assert_eq!(chain_length(0, 5, 2), 0);
    // greedy is minimal: compare with a shortest-path search
    for (lambda, base) in [(3, 4), (4, 3), (5, 2), (6, 2)] {
        let exps = radix_exponents(lambda, base, u64::MAX);
        let mut best = vec![0u64; 200];
        for k in 1..200 {
            best[k] = exps
                .iter()
                .filter(|&&c| c as usize <= k)
                .map(|&c| best[k - c as usize] + 1)
                .min()
                .unwrap();
            assert_eq!(chain_length(k as u64, lambda, base), best[k]);
        }
    }
}

/// The greedy representation of `k` over `1, b, …, b^(λ−2)`: the
/// number of times each exponent is used, top first.
fn digits(k: u64, exps: &[u64]) -> Vec<u64> {
    let mut rest = k;
    exps.iter()
        .rev()
        .map(|&c| {
            let d = rest / c;
            rest %= c;
            d
        })
        .collect()
}

/// Module docs, *The range claim of the proof, checked*.
#[test]
fn range_claim_of_the_proof() {
    let mut k_eq_t_breaks = Vec::new();
    let mut real_digit_breaks = Vec::new();
    let mut real_depth_breaks = Vec::new();
    for lambda in 2..=6u32 {
        for t in 1..=40u32 {
            let base = rational::ceil_root(u64::from(t), lambda - 1).max(2);
            assert_eq!(Codebook::nonlinear(lambda, t).unwrap().base(), base);
            let exps = radix_exponents(lambda, base, u64::MAX);
            let t64 = u64::from(t);
            let l1 = lambda - 1;
            // (d + 1)^(λ−1) ≤ t  ⟺  d ≤ t^(1/(λ−1)) − 1
            let within_real = |d: u64| (d + 1).pow(l1) <= t64;
            for k in 1..=t64 {
                let ds = digits(k, &exps);
                let max_digit = *ds.iter().max().unwrap();
                let s: u64 = ds.iter().sum();
                assert_eq!(s, chain_length(k, lambda, base));
                if k < t64 {
                    assert!(max_digit < base, "λ={lambda} t={t} k={k}");
                    assert!(s <= u64::from(l1) * (base - 1));
                } else if max_digit >= base {
                    assert_eq!(base.pow(l1), t64, "λ={lambda} t={t}");
                    k_eq_t_breaks.push((lambda, t));
                } else {
                    assert!(base.pow(l1) > t64);
                }
                if k < t64 && !within_real(max_digit) {
                    real_digit_breaks.push((lambda, t, k));
                }
            }
            // our depth against λ(r − 1) + 1, r = t^(1/(λ−1)) real:
            // D ≤ λ(r−1) + 1 ⟺ ((D − 1)/λ + 1)^(λ−1) ≤ t ⟺ (D − 1 + λ)^(λ−1) ≤ t·λ^(λ−1)
            let ours = depth(lambda, base, t) as u64;
            let lam = u64::from(lambda);
            let lhs = (ours - 1 + lam).checked_pow(l1).unwrap();
            if lhs > t64 * lam.pow(l1) {
                real_depth_breaks.push((lambda, t, ours));
            }
            assert!(ours <= paper_depth(lambda, base));
        }
    }
    let powers: Vec<(u32, u32)> = (2..=6u32)
        .flat_map(|l| (1..=40u32).map(move |t| (l, t)))
        .filter(|&(l, t)| {
            let b = rational::ceil_root(u64::from(t), l - 1).max(2);
            b.pow(l - 1) == u64::from(t)
        })
        .collect();
    assert_eq!(k_eq_t_breaks, powers);
    assert!(real_digit_breaks.contains(&(3, 10, 3)));
    // the real-radix digit bound fails exactly when t^(1/(λ−1)) is not an integer
    let mut real_pairs: Vec<(u32, u32)> =
        real_digit_breaks.iter().map(|&(l, t, _)| (l, t)).collect();
    real_pairs.dedup();
    let not_integer: Vec<(u32, u32)> = (2..=6u32)
        .flat_map(|l| (2..=40u32).map(move |t| (l, t)))
        .filter(|&(l, t)| {
            let b = rational::ceil_root(u64::from(t), l - 1);
            b.pow(l - 1) != u64::from(t)
        })
        .collect();
    assert_eq!(real_pairs, not_integer);
    assert_eq!(
        real_depth_breaks
            .iter()
            .filter(|&&(_, t, _)| t == 1)
            .count(),
        5
    );
    assert_eq!(
        real_depth_breaks
            .iter()
            .filter(|&&(l, t, _)| t >= 2 && l >= 4)
            .count(),
        43
    );
    assert!(real_depth_breaks.iter().all(|&(l, t, _)| t == 1 || l >= 4));
    assert!(depth(6, 2, 40) < depth(6, 3, 40));
    assert!(real_depth_breaks.contains(&(2, 1, 2)));
    eprintln!("k = t breaks the digit bound: {k_eq_t_breaks:?}");
    let mut real: BTreeMap<(u32, u32), Vec<u64>> = BTreeMap::new();
    for (l, t, k) in real_digit_breaks {
        real.entry((l, t)).or_default().push(k);
    }
    eprintln!(
        "digit > t^(1/(λ−1)) − 1 for some k < t: {:?}",
        real.keys().collect::<Vec<_>>()
    );
    eprintln!("our depth > λ(t^(1/(λ−1)) − 1) + 1: {real_depth_breaks:?}");
}

/// Integer parts from LADDER_FROM up use the doubling ladder: exact, and
/// O(log n) weights instead of 2n copies.
#[test]
fn large_multiples_climb_the_ladder() {
    for (m, max_weights) in [
        (ratio(4, 1), 40),
        (ratio(1000, 1), 180),
        (ratio(49_395, 4), 280),
        (ratio(1 << 40, 1) + ratio(3, 8), 700),
    ] {
        let mut b = NetBuilder::new(Codebook::nonlinear(2, 8).unwrap(), &["x".to_owned()]);
        let mut chain =
            PowerChain::build_root(&mut b, "p", Rational::zero(), &[(0, ratio(1, 2))]).unwrap();
        let form = times(&mut b, &mut chain, &m, Sign::Minus).unwrap();
        let net = b.finish(Rational::zero(), &form).unwrap();
        for x in [ratio(2, 3), ratio(5, 1), int(0)] {
            // the root is x/2
            assert_eq!(
                eval(&net, std::slice::from_ref(&x)),
                -(&m * &x / int(2)),
                "m={m} x={x}"
            );
        }
        let weights = crate::metrics::metrics(&net).weights;
        assert!(weights <= max_weights, "m={m}: {weights} weights");
    }
}
