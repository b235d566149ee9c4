use proptest::prelude::*;

use super::*;
use crate::expr::tests::{boxed, expr};
use crate::poly::Poly;
use crate::rational::{pow2, ratio};

fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

fn at(q: &[Rational]) -> Vec<Interval> {
    q.iter().cloned().map(Interval::point).collect()
}

#[test]
fn multi_indices_reach_order_n() {
    // C(d + n, n) of them, graded: the last is n·e_d
    let idx = multi_indices(3, 4);
    assert_eq!(idx.len(), 35);
    assert_eq!(idx.first(), Some(&vec![0, 0, 0]));
    assert_eq!(idx.last(), Some(&vec![0, 0, 4]));
}

#[test]
fn polynomial_derivatives_are_exact() {
    // p = 3x²y − y³/2 + x: every derivative at a point, against Poly's
    let (x, y) = (Expr::var(0), Expr::var(1));
    let e = Expr::Add(
        b(Expr::Sub(
            b(Expr::Mul(
                b(Expr::Mul(
                    b(Expr::constant(ratio(3, 1))),
                    b(Expr::Pow(b(x.clone()), 2)),
                )),
                b(y.clone()),
            )),
            b(Expr::Div(
                b(Expr::Pow(b(y), 3)),
                b(Expr::constant(ratio(2, 1))),
            )),
        )),
        b(x),
    );
    let poly = e.to_poly(2).unwrap();
    let pt = [ratio(-2, 3), ratio(5, 7)];
    for (alpha, d) in e.derivatives(&at(&pt), 3, 64).unwrap() {
        let mut q: Poly = poly.clone();
        for (i, &k) in alpha.iter().enumerate() {
            for _ in 0..k {
                q = q.derivative(i);
            }
        }
        let exact = q.eval(&pt);
        assert!(d.contains(&exact), "D^{alpha:?}: {d} misses {exact}");
        assert!(d.width() <= pow2(-50), "D^{alpha:?}: {d}");
    }
}

#[test]
fn bell_derivatives_match_closed_forms() {
    // f = exp(−x²): f' = −2x f, f'' = (4x² − 2) f, f''' = (12x − 8x³) f
    let x = Expr::var(0);
    let f = Expr::Neg(b(Expr::Pow(b(x), 2))).call(Elementary::Exp);
    let q = ratio(3, 5);
    let fv = f.range(&at(std::slice::from_ref(&q)), 96).unwrap();
    let d = f.derivatives(&at(std::slice::from_ref(&q)), 3, 96).unwrap();
    let closed = [
        Rational::one(),
        -int(2) * &q,
        int(4) * &q * &q - int(2),
        int(12) * &q - int(8) * &q * &q * &q,
    ];
    for ((alpha, got), c) in d.iter().zip(closed) {
        let want = fv.scale(&c);
        assert!(
            got.intersect(&want).is_some(),
            "order {alpha:?}: {got} vs {want}"
        );
        assert!(got.width() <= pow2(-60), "order {alpha:?}: {got}");
    }
}

#[test]
fn kinks_allow_first_order_only() {
    let (x, y) = (Expr::var(0), Expr::var(1));
    let gap = Expr::Abs(b(Expr::Sub(b(x), b(y))));
    let square = [
        Interval::hull_of(int(0), int(1)),
        Interval::hull_of(int(0), int(1)),
    ];
    let d1 = gap.derivatives(&square, 1, 64).unwrap();
    assert_eq!(d1[1].1, Interval::hull_of(int(-1), int(1)));
    assert_eq!(
        gap.derivatives(&square, 2, 64),
        Err(DeriveError::NotSmooth { path: vec![] })
    );
    // away from the kink abs is smooth
    let apart = [
        Interval::hull_of(int(2), int(3)),
        Interval::hull_of(int(0), int(1)),
    ];
    let d2 = gap.derivatives(&apart, 2, 64).unwrap();
    assert_eq!(d2[3].1, Interval::point(int(0)));
}

/// Found by the campaign (seed 31, net 1287): `max(x·x, 1)` at the point
/// `x = 1`, where `x² − 1` is exactly 0, took the branch `x²` (derivative
/// 2) although on `[0, 1]` the function is the constant 1. A point where
/// a kink's argument vanishes with a nonzero derivative is a kink: first
/// order encloses both branches, higher orders are refused; where the
/// argument vanishes to every order (`abs(x − x)`) nothing bends.
#[test]
fn a_kink_at_a_point_is_a_kink() {
    let x = Expr::var(0);
    let e = Expr::Max(
        b(Expr::Mul(b(x.clone()), b(x.clone()))),
        b(Expr::constant(int(1))),
    );
    let one = at(&[int(1)]);
    let d1 = e.derivatives(&one, 1, 64).unwrap();
    assert!(
        d1[1].1.contains(&int(0)) && d1[1].1.contains(&int(2)),
        "{:?}",
        d1[1].1
    );
    assert_eq!(
        e.derivatives(&one, 2, 64),
        Err(DeriveError::NotSmooth { path: vec![] })
    );
    // left of the tie the function is constant, to every order
    let left = e.derivatives(&at(&[ratio(1, 2)]), 2, 64).unwrap();
    assert_eq!(left[1].1, Interval::point(int(0)));
    let flat = Expr::Abs(b(Expr::Sub(b(x.clone()), b(x))));
    let d2 = flat.derivatives(&one, 2, 64).unwrap();
    assert!(d2.iter().all(|(_, c)| *c == Interval::point(int(0))));
}

/// Whether a kink of `e` — the argument of an `abs`, the difference of a
/// `min` or `max` — can vanish on `seg` (or cannot be enclosed there):
/// there a derivative of `e` may jump, and the mean value theorem does not
/// apply to it.
fn touches_kink(e: &Expr, seg: &[Interval]) -> bool {
    use Expr::*;
    let vanishes = |a: &Expr| {
        a.range(seg, 96)
            .map_or(true, |r| r.contains(&Rational::zero()))
    };
    match e {
        Const(_) | Pi | Var(_) => false,
        Abs(a) => vanishes(a) || touches_kink(a, seg),
        Min(a, c) | Max(a, c) => {
            vanishes(&Sub(a.clone(), c.clone())) || touches_kink(a, seg) || touches_kink(c, seg)
        }
        Neg(a) | Pow(a, _) | Call(_, a) => touches_kink(a, seg),
        Add(a, c) | Sub(a, c) | Mul(a, c) | Div(a, c) => {
            touches_kink(a, seg) || touches_kink(c, seg)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// The mean value theorem: for `h > 0` the difference quotient
    /// `(D^α f(x + h e_i) − D^α f(x))/h` equals `D^(α+e_i) f` somewhere on
    /// `[x, x + h e_i]`, so the derivative enclosure over that segment must
    /// meet the quotient of the point enclosures — where `D^α f` is
    /// continuous on the segment: segments a kink touches are left out
    /// (`min(x, 2x)` at 0: `D^1` jumps from 2 to 1, the quotient is 256
    /// while `D^2 = 0` on the segment's inside).
    #[test]
    fn derivatives_obey_the_mean_value_theorem((_, pt) in boxed(), e in expr(), i in 0usize..2) {
        let n = 2;
        let h = pow2(-8);
        let mut moved = pt.clone();
        moved[i] += &h;
        let mut seg = at(&pt);
        seg[i] = Interval::new(pt[i].clone(), moved[i].clone()).unwrap();
        if touches_kink(&e, &seg) {
            return Ok(());
        }
        let (Ok(d0), Ok(d1), Ok(dseg)) = (
            e.derivatives(&at(&pt), n, 96),
            e.derivatives(&at(&moved), n, 96),
            e.derivatives(&seg, n, 96),
        ) else {
            return Ok(());
        };
        let pos: HashMap<Vec<u32>, usize> =
            dseg.iter().enumerate().map(|(k, (a, _))| (a.clone(), k)).collect();
        for (k, (alpha, v0)) in d0.iter().enumerate() {
            let mut up = alpha.clone();
            up[i] += 1;
            let Some(&j) = pos.get(&up) else { continue };
            let quotient = d1[k].1.sub(v0).scale(&(Rational::one() / &h));
            prop_assert!(
                dseg[j].1.intersect(&quotient).is_some(),
                "D^{up:?} over the segment {} misses the quotient {}", dseg[j].1, quotient
            );
        }
    }
}

/// The first three derivatives of each function at a point, against their
/// closed forms evaluated in interval arithmetic.
#[test]
fn each_function_matches_its_closed_form_derivatives() {
    let one = || Interval::point(Rational::one());
    let k = |n: i64| Interval::point(int(n));
    for q in [ratio(7, 10), ratio(-5, 4), ratio(3, 1)] {
        let x = Interval::point(q.clone());
        for f in Elementary::ALL {
            if matches!(f, Elementary::Log | Elementary::Sqrt) && q < Rational::zero() {
                continue;
            }
            let v = elementary::apply(f, &x, 128).unwrap();
            let want: [Interval; 3] = match f {
                Elementary::Exp => [v.clone(), v.clone(), v.clone()],
                Elementary::Log => {
                    let r = x.recip().unwrap();
                    [r.clone(), r.pow(2).neg(), r.pow(3).scale(&int(2))]
                }
                Elementary::Sqrt => {
                    let r = v.recip().unwrap();
                    let xr = x.recip().unwrap();
                    [
                        r.scale(&ratio(1, 2)),
                        r.mul(&xr).scale(&ratio(-1, 4)),
                        r.mul(&xr.pow(2)).scale(&ratio(3, 8)),
                    ]
                }
                Elementary::Sin | Elementary::Cos => {
                    let s = elementary::apply(Elementary::Sin, &x, 128).unwrap();
                    let c = elementary::apply(Elementary::Cos, &x, 128).unwrap();
                    if f == Elementary::Sin {
                        [c.clone(), s.neg(), c.neg()]
                    } else {
                        [s.neg(), c.neg(), s]
                    }
                }
                Elementary::Tanh => {
                    let d = one().sub(&v.pow(2));
                    [
                        d.clone(),
                        v.mul(&d).scale(&int(-2)),
                        d.mul(&v.pow(2).scale(&int(6)).sub(&k(2))),
                    ]
                }
                Elementary::Atan => {
                    let g = one().add(&x.pow(2)).recip().unwrap();
                    [
                        g.clone(),
                        x.mul(&g.pow(2)).scale(&int(-2)),
                        x.pow(2).scale(&int(6)).sub(&k(2)).mul(&g.pow(3)),
                    ]
                }
            };
            let e = Expr::var(0).call(f);
            let got = e.derivatives(std::slice::from_ref(&x), 3, 128).unwrap();
            for (order, w) in want.iter().enumerate() {
                let g = &got[order + 1].1;
                assert!(
                    g.intersect(w).is_some(),
                    "{f}^({}) at {q}: {g} vs {w}",
                    order + 1
                );
                assert!(g.width() <= pow2(-80), "{f}^({}) at {q}: {g}", order + 1);
            }
        }
    }
}
