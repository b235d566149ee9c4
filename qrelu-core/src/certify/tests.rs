//! Cross-checks of the two methods of the certified check on random pieces:
//! the exact one (degree ≤ 3) against the enclosure, and both against dense
//! exact sampling.

use std::vec::Vec;

use proptest::prelude::*;

use super::*;

fn q(n: i64, d: u64) -> Exact {
    <Exact as Scalar>::ratio(n, d)
}

/// The polynomial with these coefficients (from degree 0), trimmed.
fn poly(mut coef: Vec<Exact>) -> Poly {
    while coef.len() > 1 && coef.last().is_some_and(Zero::is_zero) {
        coef.pop();
    }
    Poly { coef }
}

/// A piecewise-affine function on [0, 1]: breakpoints and (a, c) per piece.
#[derive(Clone, Debug)]
struct Pieces {
    ends: Vec<Exact>,
    affine: Vec<(Exact, Exact)>,
}

impl Pieces {
    fn each(&self, mut visit: impl FnMut(&Exact, &Exact, &Exact, &Exact)) -> usize {
        let mut x0 = q(0, 1);
        for (x1, (a, c)) in self.ends.iter().zip(&self.affine) {
            visit(&x0, x1, a, c);
            x0 = x1.clone();
        }
        self.ends.len()
    }

    /// max |e| over `per_piece` points (j + 1/3)/per_piece of every piece
    /// and the breakpoints: a lower bound of the sup.
    fn sampled(&self, target: &Poly, per_piece: u64) -> Exact {
        let mut worst = q(0, 1);
        self.each(|x0, x1, a, c| {
            let h = x1 - x0;
            let mut xs: Vec<Exact> = (0..per_piece)
                .map(|j| x0 + &h * q(3 * j as i64 + 1, 3 * per_piece))
                .collect();
            xs.extend([x0.clone(), x1.clone()]);
            for x in xs {
                let e = Point::at(&x, a, c, target).error;
                if e > worst {
                    worst = e;
                }
            }
        });
        worst
    }
}

fn exact(target: &Poly, pieces: &Pieces, bound: &Exact) -> Certified {
    let mut check = exact::Exact3::new(target, bound);
    let n = pieces.each(|x0, x1, a, c| check.piece(x0, x1, a, c));
    check.finish(n)
}

fn enclosed(target: &Poly, pieces: &Pieces, bound: &Exact) -> Certified {
    let mut check = enclose::Enclosure::new(target, &q(0, 1), &q(1, 1), bound);
    let n = pieces.each(|x0, x1, a, c| check.piece(x0, x1, a, c));
    check.finish(n)
}

/// Small rationals n/d, d ∈ {1, 2, 3, 4, 8}.
fn small() -> impl Strategy<Value = Exact> {
    (-16_i64..=16, prop::sample::select(vec![1_u64, 2, 3, 4, 8])).prop_map(|(n, d)| q(n, d))
}

/// 1 to 6 pieces of [0, 1] with breakpoints k/48 (some non-dyadic).
fn pieces() -> impl Strategy<Value = Pieces> {
    (
        prop::collection::btree_set(1_i64..48, 0..6),
        prop::collection::vec((small(), small()), 6),
    )
        .prop_map(|(cuts, affine)| {
            let mut ends: Vec<Exact> = cuts.into_iter().map(|k| q(k, 48)).collect();
            ends.push(q(1, 1));
            let affine = affine.into_iter().take(ends.len()).collect();
            Pieces { ends, affine }
        })
}

/// upper − error ≤ error·2^(−bits).
fn tight(c: &Certified, bits: i32) -> bool {
    &c.upper - &c.error <= &c.error * pow2(-bits)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// For degree ≤ 3 the exact method and the enclosure bracket the same
    /// sup, agree on every proven claim, and dominate dense sampling.
    #[test]
    fn exact_and_enclosure_agree(
        coef in prop::collection::vec(small(), 4),
        pieces in pieces(),
        bound in small(),
    ) {
        let target = poly(coef);
        let bound = bound.abs();
        let e = exact(&target, &pieces, &bound);
        let n = enclosed(&target, &pieces, &bound);
        // both are lower bounds at rational points and rigorous upper bounds
        prop_assert!(e.error <= n.upper && n.error <= e.upper);
        prop_assert!(e.error <= e.upper && n.error <= n.upper);
        prop_assert!(e.exact == (e.error == e.upper));
        prop_assert!(e.holds == (e.upper <= bound) && n.holds == (n.upper <= bound));
        if target.degree() <= 2 {
            prop_assert!(e.exact);
        }
        if e.exact {
            prop_assert!(n.error <= e.error);
        }
        prop_assert!(tight(&e, 60), "{} {}", e.error, e.upper);
        prop_assert!(tight(&n, 40), "{} {}", n.error, n.upper);
        // proofs agree with the exact decision
        if n.holds {
            prop_assert!(e.holds);
        }
        if !e.holds {
            prop_assert!(!n.holds);
        }
        if e.attained || n.attained {
            prop_assert!(e.holds);
        }
        let sampled = pieces.sampled(&target, 16);
        prop_assert!(sampled <= e.upper && sampled <= n.upper);
        prop_assert_eq!(e.pieces, pieces.ends.len());
    }

    /// For degree ≥ 4 the enclosure is tight and dominates dense sampling;
    /// `holds` is a proof and a refutation is real.
    #[test]
    fn enclosure_dominates_sampling(
        coef in prop::collection::vec(small(), 5..=8),
        pieces in pieces(),
        bound in small(),
    ) {
        let target = poly(coef);
        let bound = bound.abs();
        let n = enclosed(&target, &pieces, &bound);
        let sampled = pieces.sampled(&target, 16);
        prop_assert!(sampled <= n.upper);
        prop_assert!(n.error <= n.upper && tight(&n, 40));
        prop_assert!(n.holds == (n.upper <= bound));
        if n.holds {
            prop_assert!(sampled <= bound);
        }
        if n.refuted() {
            prop_assert!(!n.holds);
        }
        // undecided only within the refinement limit of the bound
        if !n.holds && !n.refuted() {
            prop_assert!(n.error <= bound && bound < n.upper);
        }
    }
}

#[test]
fn rational_and_missing_critical_points() {
    let line = Pieces {
        ends: vec![q(1, 1)],
        affine: vec![(q(0, 1), q(0, 1))],
    };
    // x³ − 3x/4: e′ = 3x² − 3/4 has the rational zero 1/2, |e(1/2)| = 1/4,
    // tied with x = 1; the smaller x wins
    let t = poly(vec![q(0, 1), q(-3, 4), q(0, 1), q(1, 1)]);
    let c = exact(&t, &line, &q(1, 4));
    assert_eq!((c.worst_x.clone(), c.error.clone()), (q(1, 2), q(1, 4)));
    assert!(c.exact && c.holds && c.attained);
    // x³ + x: e′ = 3x² + 1 has no zero; the sup 2 is at x = 1
    let t = poly(vec![q(0, 1), q(1, 1), q(0, 1), q(1, 1)]);
    let c = exact(&t, &line, &q(1, 1));
    assert_eq!((c.worst_x.clone(), c.error.clone()), (q(1, 1), q(2, 1)));
    assert!(c.exact && !c.holds && c.refuted());
    // x³ − x²: e′ = 3x² − 2x, zeros 0 and 2/3, the latter inside
    let t = poly(vec![q(0, 1), q(0, 1), q(-1, 1), q(1, 1)]);
    let c = exact(&t, &line, &q(4, 27));
    assert_eq!((c.worst_x.clone(), c.error.clone()), (q(2, 3), q(4, 27)));
    assert!(c.exact && c.attained);
}

#[test]
fn enclosure_proves_a_dyadic_maximum_exactly() {
    // e = x⁴ − 9/8·x² on [0, 1] (network 0): |e| peaks at 3/4 with 81/256;
    // bisection reaches 3/4 and the one-sided models are exact there
    let t = poly(vec![q(0, 1), q(0, 1), q(-9, 8), q(0, 1), q(1, 1)]);
    let line = Pieces {
        ends: vec![q(1, 1)],
        affine: vec![(q(0, 1), q(0, 1))],
    };
    let c = enclosed(&t, &line, &q(81, 256));
    assert_eq!((c.worst_x.clone(), c.error.clone()), (q(3, 4), q(81, 256)));
    assert!(c.exact && c.upper == c.error);
    assert!(c.holds && c.attained);
}

#[test]
fn degenerate_domains_and_targets() {
    // one point: [1/2, 1/2]
    let t = poly(vec![q(0, 1), q(0, 1), q(0, 1), q(0, 1), q(1, 1)]);
    let bound = q(1, 16);
    let mut check = enclose::Enclosure::new(&t, &q(1, 2), &q(1, 2), &bound);
    check.piece(&q(1, 2), &q(1, 2), &q(0, 1), &q(0, 1));
    let c = check.finish(1);
    assert_eq!(c.error, q(1, 16));
    assert!(c.exact && c.holds && c.attained);
    // the zero target against the zero network
    let zero = poly(vec![q(0, 1)]);
    let flat = Pieces {
        ends: vec![q(1, 1)],
        affine: vec![(q(0, 1), q(0, 1))],
    };
    for c in [
        exact(&zero, &flat, &q(0, 1)),
        enclosed(&zero, &flat, &q(0, 1)),
    ] {
        assert_eq!((c.error.clone(), c.upper.clone()), (q(0, 1), q(0, 1)));
        assert!(c.exact && c.holds && c.attained);
    }
}
