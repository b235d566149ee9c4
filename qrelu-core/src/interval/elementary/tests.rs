//! Every enclosure is checked three independent ways: against decimal
//! expansions of π, e and log 2 published to 60 digits, against identities
//! whose two sides are computed along different paths (two enclosures of
//! the same number must intersect), and against the platform's `f64`
//! functions, which are accurate to a few ulp.

use proptest::prelude::*;

use super::*;
use crate::rational::parse;

/// `d` as a rational, from a decimal string `"3.1415…"`.
fn decimal(d: &str) -> Rational {
    let (int_part, frac) = d.split_once('.').unwrap();
    let digits = format!("{int_part}{frac}");
    parse(&digits).unwrap() / Rational::from_integer(BigInt::from(10).pow(frac.len() as u32))
}

/// The decimal `d` (truncated) encloses the constant within `10^(−digits)`.
fn agrees_with_decimal(e: &Interval, d: &str) {
    let digits = d.split_once('.').unwrap().1.len() as u32;
    let v = decimal(d);
    let slack = Rational::new(BigInt::one(), BigInt::from(10).pow(digits));
    let around = Interval::new(v.clone() - &slack, v + &slack).unwrap();
    assert!(around.intersect(e).is_some(), "{e} misses {d}");
    assert!(e.width() < slack, "{e} is wider than 10^-{digits}");
}

const PI_60: &str = "3.141592653589793238462643383279502884197169399375105820974944";
const E_60: &str = "2.718281828459045235360287471352662497757247093699959574966967";
const LN2_60: &str = "0.693147180559945309417232121458176568075500134360255254120680";

#[test]
fn constants_match_their_decimal_expansions() {
    agrees_with_decimal(&pi(220), PI_60);
    agrees_with_decimal(&exp(&int(1), 220), E_60);
    agrees_with_decimal(&ln2(220), LN2_60);
    agrees_with_decimal(&log(&int(2), 220), LN2_60);
    // atan 1 = π/4, through the halving reduction
    agrees_with_decimal(&atan(&int(1), 220).scale(&int(4)), PI_60);
    // cos π = −1 and sin(π/6) = 1/2, at a rational near π
    let near_pi = decimal(PI_60);
    let c = trig(&near_pi, 180, Trig::Cos);
    assert!(c.lo() >= &int(-1) && *c.hi() <= int(-1) + pow2(-150), "{c}");
}

fn meets(a: &Interval, b: &Interval) -> bool {
    a.intersect(b).is_some()
}

fn point(q: &Rational) -> Interval {
    Interval::point(q.clone())
}

#[test]
fn exact_values_are_points() {
    assert_eq!(exp(&int(0), 64), point(&int(1)));
    assert_eq!(log(&int(1), 64), point(&int(0)));
    assert_eq!(sqrt(&ratio(9, 4), 64), point(&ratio(3, 2)));
    assert_eq!(atan(&int(0), 64), point(&int(0)));
    assert_eq!(tanh(&int(0), 64), point(&int(0)));
}

#[test]
fn domain_errors_are_reported_not_panicked() {
    let unit = Interval::hull_of(int(0), int(1));
    assert_eq!(
        apply(Elementary::Log, &unit, 64),
        Err(DomainError::LogNotPositive)
    );
    assert_eq!(
        apply(
            Elementary::Sqrt,
            &Interval::hull_of(ratio(-1, 1000), int(1)),
            64
        ),
        Err(DomainError::SqrtNegative)
    );
    let s = apply(Elementary::Sqrt, &unit, 64).unwrap();
    assert!(s.contains(&int(0)) && s.contains(&int(1)));
}

#[test]
fn names_round_trip() {
    for f in Elementary::ALL {
        assert_eq!(Elementary::from_name(f.name()), Some(f));
    }
    assert_eq!(Elementary::from_name("erf"), None);
}

/// A rational in `[-lim, lim]` with assorted denominators.
fn rational_in(lim: i64) -> impl Strategy<Value = Rational> {
    (-lim * 1000..=lim * 1000, 1i64..=1000).prop_map(|(n, d)| ratio(n, 1000) * ratio(d, d + 1))
}

/// `|f64 value − enclosure| ≤ 2^-40 · max(1, |value|)`: the platform
/// function, applied to the rounded argument, agrees with the enclosure to
/// far better than that, unless a formula is wrong.
fn near_float(e: &Interval, v: f64) {
    let tol = 2f64.powi(-40) * v.abs().max(1.0);
    let (lo, hi) = (
        crate::rational::to_f64(e.lo()),
        crate::rational::to_f64(e.hi()),
    );
    assert!(
        lo - tol <= v && v <= hi + tol,
        "enclosure [{lo}, {hi}] misses the float {v}"
    );
}

// Each enclosure costs milliseconds in a test build (see the module's
// performance note): 128 cases keep these under a few seconds.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn enclosures_agree_with_floats(q in rational_in(20)) {
        let x = crate::rational::to_f64(&q);
        // the float argument is off by 2^-53 relative: choose functions
        // and magnitudes where that moves the value by less than 2^-40
        near_float(&exp(&q, 80), x.exp());
        near_float(&atan(&q, 80), x.atan());
        near_float(&tanh(&q, 80), x.tanh());
        near_float(&sin(&q, 80), x.sin());
        near_float(&cos(&q, 80), x.cos());
        if q.is_positive() {
            near_float(&log(&q, 80), x.ln());
            near_float(&sqrt(&q, 80), x.sqrt());
        }
    }

    #[test]
    fn enclosures_are_narrow(q in rational_in(20)) {
        for f in Elementary::ALL {
            if matches!(f, Elementary::Log | Elementary::Sqrt) && !q.is_positive() {
                continue;
            }
            let e = apply(f, &point(&q), 100).unwrap();
            let scale = e.mag().max(Rational::one());
            prop_assert!(e.width() <= pow2(-90) * scale, "{f}({q}) = {e}");
        }
    }

    #[test]
    fn identities_hold_between_independent_paths(a in rational_in(4), b in rational_in(4)) {
        let p = 120;
        // exp(a)·exp(b) = exp(a + b)
        prop_assert!(meets(&exp(&a, p).mul(&exp(&b, p)), &exp(&(&a + &b), p)));
        // sin² + cos² = 1
        let (s, c) = (sin(&a, p), cos(&a, p));
        prop_assert!(s.pow(2).add(&c.pow(2)).contains(&int(1)));
        // sin 2a = 2 sin a cos a
        prop_assert!(meets(&sin(&(&a * int(2)), p), &s.mul(&c).scale(&int(2))));
        // cos(a + b) = cos a cos b − sin a sin b
        let (sb, cb) = (sin(&b, p), cos(&b, p));
        prop_assert!(meets(&cos(&(&a + &b), p), &c.mul(&cb).sub(&s.mul(&sb))));
        // tanh 2a = 2 tanh a / (1 + tanh² a)
        let t = tanh(&a, p);
        let rhs = t.scale(&int(2)).div(&point(&int(1)).add(&t.pow(2))).unwrap();
        prop_assert!(meets(&tanh(&(&a * int(2)), p), &rhs));
        // atan a + atan b = atan((a + b)/(1 − ab)) where ab < 1 and the sum stays in (−π/2, π/2)
        if &a * &b < ratio(1, 2) && (a.is_positive() == b.is_positive() || a.is_zero() || b.is_zero()) {
            let sum = (&a + &b) / (Rational::one() - &a * &b);
            prop_assert!(meets(&atan(&a, p).add(&atan(&b, p)), &atan(&sum, p)));
        }
        if a.is_positive() && b.is_positive() {
            // log(ab) = log a + log b; √a² = a; exp(log a) = a
            prop_assert!(meets(&log(&(&a * &b), p), &log(&a, p).add(&log(&b, p))));
            prop_assert!(sqrt(&a, p).pow(2).contains(&a));
            let l = log(&a, p);
            let back = apply(Elementary::Exp, &l, p).unwrap();
            prop_assert!(back.contains(&a), "exp(log {a}) = {back}");
        }
        // tan(atan a) = a: sin and cos over the enclosure of atan a
        let at = atan(&a, p);
        let (st, ct) = (
            apply(Elementary::Sin, &at, p).unwrap(),
            apply(Elementary::Cos, &at, p).unwrap(),
        );
        prop_assert!(meets(&st, &ct.scale(&a)));
    }

    #[test]
    fn ranges_contain_the_values_inside(
        lo in rational_in(8), len in 0i64..4000, picks in prop::collection::vec(0i64..=1000, 1..6)
    ) {
        let hi = &lo + ratio(len, 1000);
        let x = Interval::new(lo.clone(), hi.clone()).unwrap();
        for f in Elementary::ALL {
            let Ok(range) = apply(f, &x, 64) else {
                prop_assert!(matches!(f, Elementary::Log | Elementary::Sqrt));
                prop_assert!(!x.is_positive());
                continue;
            };
            for &k in &picks {
                let q = &lo + (&hi - &lo) * ratio(k, 1000);
                let v = apply(f, &point(&q), 64).unwrap();
                prop_assert!(meets(&range, &v), "{f} over {x} = {range} misses {f}({q}) = {v}");
            }
        }
    }

    #[test]
    fn ranges_shrink_with_the_interval(c in rational_in(6), k in 1u32..40) {
        // the width over [c, c + h] is at most sup |f'|·h plus the working
        // precision's slack: the enclosure shrinks to first order
        let h = pow2(-i64::from(k));
        let x = Interval::new(c.clone(), &c + &h).unwrap();
        let slack = pow2(-80);
        for f in [Elementary::Sin, Elementary::Cos, Elementary::Atan, Elementary::Tanh] {
            let w = apply(f, &x, 96).unwrap().width();
            prop_assert!(w <= &h + &slack, "{f} over {x}: width {w}");
        }
        // exp' = exp ≤ exp(c + 1/2) on the interval
        let top = exp(&(&c + ratio(1, 2)), 16).hi().clone();
        let w = apply(Elementary::Exp, &x, 96).unwrap().width();
        prop_assert!(w <= &top * (&h + &slack), "exp over {x}: width {w}");
        if c.is_positive() {
            // log' = 1/x ≤ 1/c, sqrt' = 1/(2√x) ≤ 1/(2√c)
            let w = apply(Elementary::Log, &x, 96).unwrap().width();
            prop_assert!(w <= &h / &c + &slack, "log over {x}: width {w}");
            let w = apply(Elementary::Sqrt, &x, 96).unwrap().width();
            let root = sqrt(&c, 16).lo().clone();
            if root.is_positive() {
                prop_assert!(w <= &h / (root * int(2)) + &slack, "sqrt over {x}: width {w}");
            }
        }
    }
}

/// `sin` over `x` for a point.
fn sin(q: &Rational, p: u32) -> Interval {
    trig(q, p, Trig::Sin)
}

/// `cos` over `x` for a point.
fn cos(q: &Rational, p: u32) -> Interval {
    trig(q, p, Trig::Cos)
}

#[test]
fn trig_ranges_find_the_extrema() {
    // [1, 2] contains π/2: sin reaches 1
    let s = apply(Elementary::Sin, &Interval::hull_of(int(1), int(2)), 64).unwrap();
    assert_eq!(s.hi(), &int(1));
    // [3, 4] contains π: cos reaches −1, sin changes sign
    let c = apply(Elementary::Cos, &Interval::hull_of(int(3), int(4)), 64).unwrap();
    assert_eq!(c.lo(), &int(-1));
    let s = apply(Elementary::Sin, &Interval::hull_of(int(3), int(4)), 64).unwrap();
    assert!(s.contains(&int(0)) && s.hi() < &ratio(15, 100));
    // a wide interval is [−1, 1]
    let w = apply(Elementary::Cos, &Interval::hull_of(int(-5), int(5)), 64).unwrap();
    assert_eq!(w, Interval::hull_of(int(-1), int(1)));
}

#[test]
fn enclose_to_reaches_the_asked_width() {
    let tol = pow2(-300);
    for f in Elementary::ALL {
        let e = enclose_to(f, &ratio(7, 3), &tol).unwrap();
        assert!(e.width() <= tol, "{f}: {e}");
    }
    assert_eq!(enclose_to(Elementary::Log, &int(-1), &tol), None);
}

proptest! {
    /// Fixed-point Horner encloses the exact polynomial at every member of
    /// the interval, negative members and coefficients included.
    #[test]
    fn horner_encloses_the_exact_sum(
        a in -300i64..300, len in 0i64..50, t in 0i64..=8,
        cs in prop::collection::vec((-50i64..50, 1i64..30), 1..12), w in 8u32..80
    ) {
        let y = Interval::new(ratio(a, 97), ratio(a + len, 97)).unwrap();
        let y0 = y.lo() + y.width() * ratio(t, 8);
        let coeffs: Vec<Rational> = cs.iter().map(|&(n, d)| ratio(n, d)).collect();
        let exact = coeffs.iter().rev().fold(Rational::zero(), |acc, c| acc * &y0 + c);
        let e = horner(&y, &coeffs, &Rational::zero(), w);
        prop_assert!(e.contains(&exact), "{e} misses {exact}");
    }
}

/// Found by the fuzzer: `exp(4294967296*x)`, `tanh(5^64)` and `tanh(2*x)`
/// on `[-1, 2^128]` took hours (the argument halved and the value squared
/// back as many times as it has bits). Huge arguments of `tanh` and very
/// negative ones of `exp` are now enclosed at once; `exp` above
/// [`EXP_LIMIT`] is refused.
#[test]
fn huge_arguments_are_enclosed_or_refused_at_once() {
    let huge = Rational::from_integer(BigInt::from(5).pow(64u32));
    let t = tanh(&huge, 64);
    assert!(t.hi() <= &int(1) && t.width() <= pow2(-64), "{t:?}");
    let t = tanh(&-huge.clone(), 64);
    assert!(t.lo() >= &int(-1) && t.width() <= pow2(-64), "{t:?}");
    // tanh just below the shortcut agrees with it
    let near = tanh(&int(79), 64);
    assert!(near.lo() > &(int(1) - pow2(-64)), "{near:?}");
    let e = exp(&-huge.clone(), 64);
    assert!(e.lo() == &int(0) && e.hi() <= &pow2(-EXP_LIMIT));
    // exp(−100) ≈ 2^−144.3 is still enclosed by the series, to 2^−64
    let e = exp(&int(-100), 64);
    assert!(!e.lo().is_negative() && e.hi().is_positive() && e.width() <= pow2(-64));
    let wide = Interval::hull_of(int(-1), huge);
    assert_eq!(
        apply(Elementary::Exp, &wide, 64),
        Err(DomainError::ExpTooLarge)
    );
    assert!(apply(Elementary::Exp, &Interval::point(int(EXP_LIMIT)), 64).is_ok());
    assert!(apply(Elementary::Tanh, &wide, 64).is_ok());
}

/// Found by the fuzzer: `sin(x + sin(x) - 3*4294967295)` — the extrema
/// of sin over an interval near −1.3·10^10 were searched among a billion
/// multiples of π (π bounded by [3, 4]); now among a handful.
#[test]
fn trig_ranges_far_from_zero_are_enclosed_at_once() {
    let far = int(-3 * 4_294_967_295);
    let x = Interval::hull_of(&far - int(1), &far + int(2));
    let s = apply(Elementary::Sin, &x, 64).unwrap();
    // the interval is 3 wide: it holds an extremum or the ends bound it
    let ends = trig(x.lo(), 64, Trig::Sin).hull(&trig(x.hi(), 64, Trig::Sin));
    assert!(s.encloses(&ends), "{s:?}");
    let c = apply(Elementary::Cos, &x, 64).unwrap();
    assert!(c.lo() >= &int(-1) && c.hi() <= &int(1));
}
