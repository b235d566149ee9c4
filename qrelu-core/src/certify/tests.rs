//! Cross-checks of the two methods of the certified check on random pieces:
//! the exact one (degree ≤ 3) against the enclosure, and both against dense
//! exact sampling; and of the two sweeps (`sweeps`): the incremental one
//! against evaluation on every piece, on built and random networks, with
//! the budget.

use std::vec::Vec;

use proptest::prelude::*;

use super::trace::Tape;
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

/// The two sweeps of [`sweep`]: the incremental one over the recorded
/// network against evaluation in `Piece` on every piece.
mod sweeps {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::construct::direct::expr::tests::{add as plus, c as konst, x as var};
    use crate::expr::Expr;
    use crate::interval::elementary::Elementary;
    use crate::quantize::Quantization;
    use crate::rational::{int, ratio};
    use crate::spec::Target;
    use crate::{Construction, NetSpec, Structure, build, build_unquantized};

    /// `(b, [(src, w)], relu)`: one unit of [`Random`].
    type RandomUnit = (Exact, Vec<(usize, Exact)>, bool);

    /// A small network of units `b + Σ w·src`, each a ReLU or not, the
    /// last one the output; unit 0 is the input. Evaluated the way
    /// generated code is, in any scalar.
    #[derive(Clone, Debug)]
    struct Random {
        units: Vec<RandomUnit>,
    }

    impl Evaluate for Random {
        fn eval<T: Scalar>(&self, x: &[T]) -> Result<T, CheckError> {
            let mut v = vec![x[0].clone()];
            for (b, terms, relu) in &self.units {
                let mut s = T::from_exact(b);
                for (src, w) in terms {
                    s = s.fma(&T::from_exact(w), &v[*src]);
                }
                v.push(if *relu { s.relu() } else { s });
            }
            Ok(v.pop().expect("an output"))
        }
    }

    /// Weights and biases: dyadic, non-dyadic and 0.
    fn coefficient() -> impl Strategy<Value = Exact> {
        prop::sample::select(vec![
            (-2, 1),
            (-1, 1),
            (-1, 2),
            (-1, 3),
            (0, 1),
            (1, 3),
            (1, 2),
            (2, 3),
            (1, 1),
            (3, 2),
            (5, 1),
        ])
        .prop_map(|(n, d)| q(n, d))
    }

    /// 1 to 14 units, each with 1 to 4 terms from any earlier unit.
    fn random() -> impl Strategy<Value = Random> {
        prop::collection::vec(
            (
                coefficient(),
                prop::collection::vec((any::<prop::sample::Index>(), coefficient()), 1..=4),
                prop::bool::weighted(0.8),
            ),
            1..=14,
        )
        .prop_map(|units| Random {
            units: units
                .into_iter()
                .enumerate()
                .map(|(i, (b, terms, relu))| {
                    let terms = terms
                        .into_iter()
                        .map(|(j, w)| (j.index(i + 1), w))
                        .collect();
                    (b, terms, relu)
                })
                .collect(),
        })
    }

    /// Every piece as `(x0, x1, a, c)`, each in lowest terms.
    fn parts(pieces: &[[Exact; 4]]) -> Vec<Vec<(BigInt, BigInt)>> {
        pieces
            .iter()
            .map(|p| {
                p.iter()
                    .map(|v| (v.numer().clone(), v.denom().clone()))
                    .collect()
            })
            .collect()
    }

    /// Both sweeps of `f` give the same pieces, the same numbers in
    /// lowest terms; returns them.
    fn same_pieces<F: Evaluate>(f: &F, lo: &Exact, hi: &Exact) -> Vec<[Exact; 4]> {
        let (fast, slow) = sweep::both(f, lo, hi);
        let fast = fast.expect("the network records");
        let slow = slow.expect("the generic sweep");
        assert_eq!(parts(&fast), parts(&slow));
        fast
    }

    /// The certificate from given pieces, as `certify_poly` or
    /// `certify_expr` would make it.
    fn certified(pieces: &[[Exact; 4]], target: &Target, bound: &Exact) -> Certified {
        let (lo, hi) = (&pieces[0][0], &pieces[pieces.len() - 1][1]);
        let n = pieces.len();
        match target {
            Target::Poly(p) => {
                let terms: Vec<_> = p.terms().map(|(k, c)| (c.clone(), k[0])).collect();
                let poly = Poly::from_terms(&terms).expect("a target");
                if poly.degree() <= 3 {
                    let mut check = exact::Exact3::new(&poly, bound);
                    pieces
                        .iter()
                        .for_each(|[x0, x1, a, c]| check.piece(x0, x1, a, c));
                    check.finish(n)
                } else {
                    let mut check = enclose::Enclosure::new(&poly, lo, hi, bound);
                    pieces
                        .iter()
                        .for_each(|[x0, x1, a, c]| check.piece(x0, x1, a, c));
                    check.finish(n)
                }
            }
            Target::Expr(e) => {
                let mut check = expr::ExprCheck::new(e, bound);
                pieces
                    .iter()
                    .for_each(|[x0, x1, a, c]| check.piece(x0, x1, a, c));
                check.finish(n, None).expect("an enclosure")
            }
        }
    }

    /// The same pieces from both sweeps, and the public check's
    /// certificate equal to the one made from the generic sweep's pieces.
    fn check_construction(c: &Construction) {
        let (lo, hi) = &c.spec.domain[0];
        let pieces = same_pieces(&c.net, lo, hi);
        let fast = certify_1d_with_options(
            &c.net,
            &c.spec.target,
            lo,
            hi,
            &c.error_bound,
            SweepOptions::default(),
        )
        .expect("a certificate");
        assert_eq!(fast, certified(&pieces, &c.spec.target, &c.error_bound));
        assert_eq!(fast.pieces, pieces.len());
    }

    fn is_dyadic(q: &Exact) -> bool {
        q.denom().magnitude().count_ones() == 1
    }

    /// `x³/6 − x²/4 + x/3`, the Theorem 1 study's target in F_{1,3}.
    fn smooth() -> crate::Poly {
        crate::Poly::from_terms(
            1,
            [
                (ratio(1, 6), vec![3]),
                (ratio(-1, 4), vec![2]),
                (ratio(1, 3), vec![1]),
            ],
        )
    }

    /// `structure = taylor`, order `n`, grid 3, r = 3.
    fn taylor(target: impl Into<Target>, n: u32) -> NetSpec {
        let mut s = NetSpec::new("T", &["x"], target);
        s.structure = Structure::Taylor;
        (s.n, s.grid, s.r) = (Some(n), Some(3), Some(3));
        s
    }

    #[test]
    fn taylor_networks_of_every_codebook_sweep_the_same() {
        for (quantization, lambda) in [
            (Quantization::Nonlinear, 2),
            (Quantization::Nonlinear, 3),
            (Quantization::Linear, 3),
            (Quantization::Linear, 5),
        ] {
            let mut s = taylor(smooth(), 3);
            (s.quantization, s.lambda) = (quantization, lambda);
            check_construction(&build(&s).expect("a network"));
        }
        // free weights: 1/3, 1/6 and their products, not dyadic
        let free = build_unquantized(&taylor(smooth(), 3)).expect("a network");
        let out = free.net.output();
        let relus = free.net.units().iter().filter_map(|u| match &u.kind {
            crate::net::UnitKind::Relu { inputs, bias } => Some((bias, inputs)),
            crate::net::UnitKind::Input { .. } => None,
        });
        let mut weights = relus
            .chain([(&out.bias, &out.inputs)])
            .flat_map(|(b, edges)| edges.iter().map(|e| &e.weight).chain([b]));
        assert!(weights.any(|w| !is_dyadic(w)));
        check_construction(&free);
    }

    /// Found by the campaign (`--seed 2`, net 72): a constant network
    /// against the constant `pi/4` has the same error on every piece, and
    /// the refinement halved one piece forever (ties in the heap went to
    /// the newest piece, whose ends grew to thousands of bits) instead of
    /// refining breadth first.
    #[test]
    fn a_constant_error_is_refined_breadth_first() {
        let pi4 = Expr::Div(Box::new(Expr::Pi), Box::new(konst(4, 1)));
        let mut spec = NetSpec::new("C", &["x"], pi4.clone());
        spec.domain[0].0 = int(-1);
        spec.quantization = Quantization::Linear;
        spec.lambda = 5;
        spec.eps = Some(ratio(1, 16));
        let c = build(&spec).expect("a network");
        let (lo, hi) = &c.spec.domain[0];
        let cert = certify_1d_expr(&c.net, &pi4, lo, hi, &c.error_bound).expect("a certificate");
        assert!(!cert.refuted(), "{cert}");
        assert!(cert.holds, "{cert}");
    }

    #[test]
    fn expression_and_direct_targets_sweep_the_same() {
        // log(1 + x)/2 with n = 2
        let soft = Expr::Div(
            Box::new(plus(konst(1, 1), var()).call(Elementary::Log)),
            Box::new(konst(2, 1)),
        );
        check_construction(&build(&taylor(soft, 2)).expect("a network"));
        // x² at r = 5 and a quartic on [−1, 1] (the enclosure)
        let mut square = NetSpec::new("S", &["x"], crate::Poly::var(1, 0).pow(2));
        square.r = Some(5);
        check_construction(&build(&square).expect("a network"));
        let mut quartic = NetSpec::new("Q", &["x"], crate::Poly::var(1, 0).pow(4));
        quartic.r = Some(4);
        quartic.domain[0].0 = int(-1);
        check_construction(&build(&quartic).expect("a network"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Random networks with shared units, weights 0 and non-dyadic
        /// weights: the same pieces from both sweeps, on any domain.
        #[test]
        fn random_networks_sweep_the_same(
            f in random(),
            lo in (-8_i64..=8, 1_u64..=3),
            width in (0_i64..=8, 1_u64..=3),
        ) {
            let lo = q(lo.0, lo.1 + 1);
            let hi = &lo + q(width.0, width.1);
            same_pieces(&f, &lo, &hi);
        }
    }

    #[test]
    fn what_cannot_be_recorded_is_swept_as_before() {
        /// relu(x) · relu(−x): zero everywhere, a product of two
        /// input-dependent values, affine piece by piece.
        struct Product;
        impl Evaluate for Product {
            fn eval<T: Scalar>(&self, x: &[T]) -> Result<T, CheckError> {
                Ok(x[0].relu().times(&x[0].negated().relu()))
            }
        }
        /// A branch on the value at the piece (constant or not).
        struct Branch;
        impl Evaluate for Branch {
            fn eval<T: Scalar>(&self, x: &[T]) -> Result<T, CheckError> {
                let r = x[0].minus(&T::ratio(1, 2)).relu();
                Ok(match r.to_exact() {
                    Some(_) => r,
                    None => r.plus(&x[0]),
                })
            }
        }
        let (lo, hi) = (q(-1, 1), q(1, 1));
        assert!(Tape::record(&Product).is_none() && Tape::record(&Branch).is_none());
        let target = [(q(1, 1), 2)];
        let c = certify_1d_with(&Product, &target, &lo, &hi, &q(1, 1)).expect("pieces");
        assert_eq!((c.pieces, c.error.clone()), (2, q(1, 1)));
        let (_, slow) = sweep::both(&Branch, &lo, &hi);
        let c = certify_1d_with(&Branch, &target, &lo, &hi, &q(1, 1)).expect("pieces");
        assert_eq!(c.pieces, slow.expect("pieces").len());
    }

    /// `x²` at `r = 32`: 2^32 pieces.
    fn square32() -> Construction {
        let mut spec = NetSpec::new("S", &["x"], crate::Poly::var(1, 0).pow(2));
        spec.r = Some(32);
        build(&spec).expect("a network")
    }

    #[test]
    fn a_budget_stops_a_sweep_of_billions_of_pieces() {
        let c = square32();
        let (lo, hi) = &c.spec.domain[0];
        let run = |options| {
            let start = Instant::now();
            let r =
                certify_1d_with_options(&c.net, &c.spec.target, lo, hi, &c.error_bound, options);
            (r, start.elapsed())
        };
        let (r, took) = run(SweepOptions {
            max_pieces: 5_000,
            ..SweepOptions::default()
        });
        assert!(took < Duration::from_secs(20), "{took:?}");
        // the pieces k/2^32 from 0: 5,000 of them reach 5,000/2^32
        assert_eq!(
            r,
            Err(CheckError::BudgetExhausted {
                pieces: 5_000,
                reached: 5_000.0 / 2f64.powi(32)
            })
        );
        let mut seen = Vec::new();
        let mut report = |p: &SweepProgress| seen.push((p.pieces, p.reached.clone()));
        let (r, took) = run(SweepOptions {
            max_time: Some(Duration::from_millis(200)),
            max_pieces: usize::MAX,
            progress: Some(&mut report),
            every: 1_000,
        });
        assert!(took < Duration::from_secs(20), "{took:?}");
        let Err(CheckError::BudgetExhausted { pieces, .. }) = r else {
            panic!("the time budget must run out: {r:?}");
        };
        assert!(
            pieces >= 1_000 && seen.len() == pieces / 1_000,
            "{pieces} {}",
            seen.len()
        );
        assert!(seen.iter().all(|(n, x)| *x == q(*n as i64, 1 << 32)));
        assert!(r.unwrap_err().to_string().contains("budget"));
    }

    /// The benchmark: the 1-D Theorem 1 network of
    /// `x³/6 − x²/4 + x/3` at ε = 1/900 (14,916 weights, 18,438 pieces),
    /// certified. Run in release:
    /// `cargo test -p qrelu-core --release --lib certify::tests::sweeps::theorem1_network_in_seconds -- --ignored --nocapture`.
    #[test]
    #[ignore = "a timing, for release builds"]
    fn theorem1_network_in_seconds() {
        let mut spec = NetSpec::new("Theorem1", &["x"], smooth());
        spec.structure = Structure::Taylor;
        spec.n = Some(3);
        spec.eps = Some(ratio(1, 900));
        let c = build(&spec).expect("a network");
        let (lo, hi) = &c.spec.domain[0];
        let start = Instant::now();
        let cert = certify_1d_with_options(
            &c.net,
            &c.spec.target,
            lo,
            hi,
            &c.error_bound,
            SweepOptions::default(),
        )
        .expect("a certificate");
        let took = start.elapsed();
        eprintln!("{} weights: {cert} in {took:.2?}", c.metrics.weights);
        assert_eq!(c.metrics.weights, 14_916);
        assert_eq!(cert.pieces, 18_438);
        assert!(cert.holds && cert.exact);
        assert!(took < Duration::from_secs(10), "{took:?}");
    }
}
