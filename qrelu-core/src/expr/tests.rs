use proptest::prelude::*;

use super::*;
use crate::rational::{int, pow2, ratio};

fn x() -> Expr {
    Expr::var(0)
}

fn y() -> Expr {
    Expr::var(1)
}

fn c(n: i64, d: i64) -> Expr {
    Expr::constant(ratio(n, d))
}

fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

fn show(e: &Expr) -> String {
    e.display_with(&["x", "y"]).to_string()
}

#[test]
fn polynomials_are_recognised_exactly() {
    // (x - y)^2/4 + 3/2
    let e = Expr::Add(
        b(Expr::Div(
            b(Expr::Pow(b(Expr::Sub(b(x()), b(y()))), 2)),
            b(c(4, 1)),
        )),
        b(c(3, 2)),
    );
    let px = Poly::var(2, 0);
    let py = Poly::var(2, 1);
    let want = px
        .sub(&py)
        .pow(2)
        .scale(&ratio(1, 4))
        .add(&Poly::constant(2, ratio(3, 2)));
    assert_eq!(e.to_poly(2), Some(want));
    // division by a variable, by a constant zero, or a function: not a polynomial
    assert_eq!(Expr::Div(b(x()), b(y())).to_poly(2), None);
    assert_eq!(
        Expr::Div(b(x()), b(Expr::Sub(b(c(2, 1)), b(c(2, 1))))).to_poly(2),
        None
    );
    assert_eq!(x().call(Elementary::Exp).to_poly(2), None);
    assert_eq!(Expr::Mul(b(Expr::Pi), b(x())).to_poly(2), None);
}

#[test]
fn canonical_text() {
    let bell = Expr::Neg(b(Expr::Pow(b(x()), 2))).call(Elementary::Exp);
    assert_eq!(show(&bell), "exp(-x^2)");
    let sigmoid = Expr::Div(
        b(c(1, 1)),
        b(Expr::Add(
            b(c(1, 1)),
            b(Expr::Mul(b(c(-4, 1)), b(x())).call(Elementary::Exp)),
        )),
    );
    assert_eq!(show(&sigmoid), "1/(1 + exp(-4*x))");
    let gap = Expr::Add(
        b(Expr::Div(
            b(Expr::Abs(b(Expr::Sub(b(x()), b(y()))))),
            b(c(2, 1)),
        )),
        b(Expr::Div(b(Expr::Min(b(x()), b(y()))), b(c(4, 1)))),
    );
    assert_eq!(show(&gap), "abs(x - y)/2 + min(x, y)/4");
    let nested = Expr::Sub(b(x()), b(Expr::Sub(b(y()), b(Expr::Neg(b(x()))))));
    assert_eq!(show(&nested), "x - (y - (-x))");
    let quotient = Expr::Div(b(x()), b(Expr::Mul(b(y()), b(c(1, 2)))));
    assert_eq!(show(&quotient), "x/(y*(1/2))");
    assert_eq!(show(&Expr::Pow(b(c(-1, 2)), 3)), "(-1/2)^3");
    assert_eq!(show(&Expr::Neg(b(Expr::Neg(b(x()))))), "-(-x)");
    assert_eq!(
        show(&Expr::Mul(b(Expr::Pi), b(x())).call(Elementary::Sin)),
        "sin(pi*x)"
    );
}

#[test]
fn undefined_operations_name_their_node() {
    let unit = [
        Interval::hull_of(int(0), int(1)),
        Interval::hull_of(int(0), int(1)),
    ];
    // 1 + log(x) on [0, 1]: the log is child 1 of the root
    let e = Expr::Add(b(c(1, 1)), b(x().call(Elementary::Log)));
    let err = e.range(&unit, 64).unwrap_err();
    assert_eq!(err.path, vec![1]);
    assert_eq!(err.kind, Undefined::Domain(DomainError::LogNotPositive));
    assert_eq!(*err.argument, unit[0]);
    assert_eq!(e.at(&err.path), Some(&x().call(Elementary::Log)));
    // a vanishing denominator
    let q = Expr::Div(b(c(1, 1)), b(Expr::Sub(b(x()), b(c(1, 2)))));
    let err = q.range(&unit, 64).unwrap_err();
    assert_eq!(
        (err.path.clone(), err.kind.clone()),
        (vec![], Undefined::Denominator)
    );
    assert!(err.to_string().contains("[-1/2, 1/2]"), "{err}");
    // log(1 + x) is fine on [0, 1]
    let ok = Expr::Add(b(c(1, 1)), b(x())).call(Elementary::Log);
    let r = ok.range(&unit, 64).unwrap();
    assert!(r.contains(&int(0)) && r.hi() < &ratio(7, 10));
}

#[test]
fn values_reach_the_asked_width() {
    let bell = Expr::Neg(b(Expr::Pow(b(x()), 2))).call(Elementary::Exp);
    let tol = pow2(-200);
    let v = bell.value(&[int(1), int(0)], &tol).unwrap().unwrap();
    assert!(v.width() <= tol);
    // exp(-1) = 0.36787944117144233…
    assert!(
        v.lo() > &ratio(36787944117, 100000000000) && v.hi() < &ratio(36787944118, 100000000000)
    );
}

/// Random expressions over `x` and `y`: every node kind, small constants.
pub(crate) fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        Just(x()),
        Just(y()),
        Just(Expr::Pi),
        (-6i64..=6, 1i64..=4).prop_map(|(n, d)| c(n, d)),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Neg(b(e))),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| Expr::Add(b(p), b(q))),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| Expr::Sub(b(p), b(q))),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| Expr::Mul(b(p), b(q))),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| Expr::Div(b(p), b(q))),
            (inner.clone(), 0u32..4).prop_map(|(e, k)| Expr::Pow(b(e), k)),
            (inner.clone(), 0usize..7).prop_map(|(e, i)| e.call(Elementary::ALL[i])),
            inner.clone().prop_map(|e| Expr::Abs(b(e))),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| Expr::Min(b(p), b(q))),
            (inner.clone(), inner).prop_map(|(p, q)| Expr::Max(b(p), b(q))),
        ]
    })
}

/// The expression in `f64`, independently of the enclosures (the
/// platform's functions).
pub(crate) fn float(e: &Expr, at: [f64; 2]) -> f64 {
    let f = |e: &Expr| float(e, at);
    match e {
        Expr::Const(q) => crate::rational::to_f64(q),
        Expr::Pi => std::f64::consts::PI,
        Expr::Var(i) => at[*i],
        Expr::Neg(e) => -f(e),
        Expr::Add(p, q) => f(p) + f(q),
        Expr::Sub(p, q) => f(p) - f(q),
        Expr::Mul(p, q) => f(p) * f(q),
        Expr::Div(p, q) => f(p) / f(q),
        Expr::Pow(e, k) => f(e).powi(*k as i32),
        Expr::Call(g, e) => {
            let v = f(e);
            match g {
                Elementary::Exp => v.exp(),
                Elementary::Log => v.ln(),
                Elementary::Sqrt => v.sqrt(),
                Elementary::Sin => v.sin(),
                Elementary::Cos => v.cos(),
                Elementary::Tanh => v.tanh(),
                Elementary::Atan => v.atan(),
            }
        }
        Expr::Abs(e) => f(e).abs(),
        Expr::Min(p, q) => f(p).min(f(q)),
        Expr::Max(p, q) => f(p).max(f(q)),
    }
}

/// Whether some `sqrt` in `e` has an argument whose enclosure over `bx`
/// comes within 2^-8 of 0 (or cannot be enclosed), where `sqrt` is not
/// Lipschitz.
fn near_sqrt_pole(e: &Expr, bx: &[Interval]) -> bool {
    use Expr::*;
    match e {
        Const(_) | Pi | Var(_) => false,
        Call(Elementary::Sqrt, a) => {
            a.range(bx, 96).map_or(true, |r| r.lo() < &pow2(-8)) || near_sqrt_pole(a, bx)
        }
        Neg(a) | Pow(a, _) | Call(_, a) | Abs(a) => near_sqrt_pole(a, bx),
        Add(a, b) | Sub(a, b) | Mul(a, b) | Div(a, b) | Min(a, b) | Max(a, b) => {
            near_sqrt_pole(a, bx) || near_sqrt_pole(b, bx)
        }
    }
}

/// A box inside `[-2, 2]²` with sides `len/64`, and a point of it.
pub(crate) fn boxed() -> impl Strategy<Value = (Vec<Interval>, Vec<Rational>)> {
    (prop::collection::vec((-128i64..128, 0i64..64, 0i64..=8), 2),).prop_map(|(sides,)| {
        let mut bx = vec![];
        let mut pt = vec![];
        for (a, len, t) in sides {
            let lo = ratio(a, 64);
            let hi = &lo + ratio(len, 64);
            pt.push(&lo + (&hi - &lo) * ratio(t, 8));
            bx.push(Interval::new(lo, hi).unwrap());
        }
        (bx, pt)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The range over a box meets the enclosure at each of its points, and
    /// the point enclosure agrees with an independent `f64` evaluation.
    #[test]
    fn ranges_are_sound((bx, pt) in boxed(), e in expr()) {
        let Ok(range) = e.range(&bx, 64) else { return Ok(()); };
        let point: Vec<Interval> = pt.iter().cloned().map(Interval::point).collect();
        let Ok(v) = e.range(&point, 96) else { return Ok(()); };
        prop_assert!(range.intersect(&v).is_some(), "{} over {:?}: {range} misses {v}", show(&e), bx);
        let fv = float(&e, [crate::rational::to_f64(&pt[0]), crate::rational::to_f64(&pt[1])]);
        let (lo, hi) = (crate::rational::to_f64(v.lo()), crate::rational::to_f64(v.hi()));
        // a float evaluation may lose digits to cancellation; 2^-20 of the
        // magnitude is far above that for these small trees, far below a
        // wrong formula
        if fv.is_finite() && lo.is_finite() && hi.is_finite() && fv.abs() < 1e6 {
            let tol = 2f64.powi(-20) * (1.0 + fv.abs());
            prop_assert!(lo - tol <= fv && fv <= hi + tol, "{} at {:?}: [{lo}, {hi}] vs {fv}", show(&e), pt);
        }
    }

    /// The natural extension is first order where the expression is
    /// Lipschitz: once a box is small enough to be in that regime (side
    /// 2^-16, enclosure narrower than 2^-4: not saturated at ±1 by `sin`,
    /// `cos`, `tanh`), a box of side 2^-26 at the same corner gives at most
    /// 2^-6 of its width (first order: 2^-10). `sqrt` is not Lipschitz at 0
    /// (`sqrt(abs(x - x))` is half order: 2^-8 then 2^-13), so boxes where
    /// a `sqrt` argument comes within 2^-8 of 0 are left out.
    #[test]
    fn ranges_shrink_with_the_box((_, pt) in boxed(), e in expr()) {
        let side = |k: i64| -> Vec<Interval> {
            pt.iter().map(|q| Interval::new(q.clone(), q + pow2(-k)).unwrap()).collect()
        };
        let (Ok(wide), Ok(narrow)) = (e.range(&side(16), 96), e.range(&side(26), 96)) else {
            return Ok(());
        };
        if wide.width() >= pow2(-4) || near_sqrt_pole(&e, &side(16)) {
            return Ok(());
        }
        // what the box cannot shrink: the enclosure's width at the corner
        // itself (rounding of constants such as `exp(pi^3)`)
        let corner: Vec<Interval> = pt.iter().cloned().map(Interval::point).collect();
        let Ok(at) = e.range(&corner, 96) else { return Ok(()); };
        prop_assert!(
            narrow.width() <= wide.width() * pow2(-6) + at.width() + pow2(-60),
            "{}: {} then {}", show(&e), wide, narrow
        );
    }
}
