//! The code shapes of `qrelu_syntax::expand` that keep every body short at
//! 10^6 weights, each checked to be the network, bit for bit in `f64`
//! against the core's evaluator (same summation order) and exactly at
//! dyadic points:
//!
//! - `eval`'s chunk functions grouped into `group` functions (more than
//!   `GROUP_CALLS` = 32 chunks of 64 steps): a dense polynomial;
//! - a unit of thousands of edges summed in statements of at most
//!   `SUM_TERMS` terms (as one method chain it overflowed rustc's stack):
//!   the final sum of exp(−x²).

use qrelu::{Exact, Network};
use qrelu_core::eval;
use qrelu_core::rational::ratio;
use qrelu_syntax::expand::{GROUP_CALLS, SUM_TERMS};

/// Every monomial of degree ≤ 6 in x, y, z, coefficients ±(k+1)/(2k+3).
const DENSE: &str = "net Dense(x in [-1, 1], y in [-1, 1], z in [-1, 1]) = 1/3 - 2/5*z + 3/7*y - 4/9*x + 5/11*z^2 - 6/13*y*z + 7/15*y^2 - 8/17*x*z + 9/19*x*y - 10/21*x^2 + 11/23*z^3 - 12/25*y*z^2 + 13/27*y^2*z - 14/29*y^3 + 15/31*x*z^2 - 16/33*x*y*z + 17/35*x*y^2 - 18/37*x^2*z + 19/39*x^2*y - 20/41*x^3 + 21/43*z^4 - 22/45*y*z^3 + 23/47*y^2*z^2 - 24/49*y^3*z + 25/51*y^4 - 26/53*x*z^3 + 27/55*x*y*z^2 - 28/57*x*y^2*z + 29/59*x*y^3 - 30/61*x^2*z^2 + 31/63*x^2*y*z - 32/65*x^2*y^2 + 33/67*x^3*z - 34/69*x^3*y + 35/71*x^4 - 36/73*z^5 + 37/75*y*z^4 - 38/77*y^2*z^3 + 39/79*y^3*z^2 - 40/81*y^4*z + 41/83*y^5 - 42/85*x*z^4 + 43/87*x*y*z^3 - 44/89*x*y^2*z^2 + 45/91*x*y^3*z - 46/93*x*y^4 + 47/95*x^2*z^3 - 48/97*x^2*y*z^2 + 49/99*x^2*y^2*z - 50/101*x^2*y^3 + 51/103*x^3*z^2 - 52/105*x^3*y*z + 53/107*x^3*y^2 - 54/109*x^4*z + 55/111*x^4*y - 56/113*x^5 + 57/115*z^6 - 58/117*y*z^5 + 59/119*y^2*z^4 - 60/121*y^3*z^3 + 61/123*y^4*z^2 - 62/125*y^5*z + 63/127*y^6 - 64/129*x*z^5 + 65/131*x*y*z^4 - 66/133*x*y^2*z^3 + 67/135*x*y^3*z^2 - 68/137*x*y^4*z + 69/139*x*y^5 - 70/141*x^2*z^4 + 71/143*x^2*y*z^3 - 72/145*x^2*y^2*z^2 + 73/147*x^2*y^3*z - 74/149*x^2*y^4 + 75/151*x^3*z^3 - 76/153*x^3*y*z^2 + 77/155*x^3*y^2*z - 78/157*x^3*y^3 + 79/159*x^4*z^2 - 80/161*x^4*y*z + 81/163*x^4*y^2 - 82/165*x^5*z + 83/167*x^5*y - 84/169*x^6 where r = 8;";

const BELL: &str = "net Bell(x) = exp(-x^2) where eps = 1/100000;";

qrelu::qrelu! {
    /// The dense sextic of `DENSE`: 28,093 weights, 39 chunks in 2 groups.
    net Dense(x in [-1, 1], y in [-1, 1], z in [-1, 1]) = 1/3 - 2/5*z + 3/7*y - 4/9*x + 5/11*z^2 - 6/13*y*z + 7/15*y^2 - 8/17*x*z + 9/19*x*y - 10/21*x^2 + 11/23*z^3 - 12/25*y*z^2 + 13/27*y^2*z - 14/29*y^3 + 15/31*x*z^2 - 16/33*x*y*z + 17/35*x*y^2 - 18/37*x^2*z + 19/39*x^2*y - 20/41*x^3 + 21/43*z^4 - 22/45*y*z^3 + 23/47*y^2*z^2 - 24/49*y^3*z + 25/51*y^4 - 26/53*x*z^3 + 27/55*x*y*z^2 - 28/57*x*y^2*z + 29/59*x*y^3 - 30/61*x^2*z^2 + 31/63*x^2*y*z - 32/65*x^2*y^2 + 33/67*x^3*z - 34/69*x^3*y + 35/71*x^4 - 36/73*z^5 + 37/75*y*z^4 - 38/77*y^2*z^3 + 39/79*y^3*z^2 - 40/81*y^4*z + 41/83*y^5 - 42/85*x*z^4 + 43/87*x*y*z^3 - 44/89*x*y^2*z^2 + 45/91*x*y^3*z - 46/93*x*y^4 + 47/95*x^2*z^3 - 48/97*x^2*y*z^2 + 49/99*x^2*y^2*z - 50/101*x^2*y^3 + 51/103*x^3*z^2 - 52/105*x^3*y*z + 53/107*x^3*y^2 - 54/109*x^4*z + 55/111*x^4*y - 56/113*x^5 + 57/115*z^6 - 58/117*y*z^5 + 59/119*y^2*z^4 - 60/121*y^3*z^3 + 61/123*y^4*z^2 - 62/125*y^5*z + 63/127*y^6 - 64/129*x*z^5 + 65/131*x*y*z^4 - 66/133*x*y^2*z^3 + 67/135*x*y^3*z^2 - 68/137*x*y^4*z + 69/139*x*y^5 - 70/141*x^2*z^4 + 71/143*x^2*y*z^3 - 72/145*x^2*y^2*z^2 + 73/147*x^2*y^3*z - 74/149*x^2*y^4 + 75/151*x^3*z^3 - 76/153*x^3*y*z^2 + 77/155*x^3*y^2*z - 78/157*x^3*y^3 + 79/159*x^4*z^2 - 80/161*x^4*y*z + 81/163*x^4*y^2 - 82/165*x^5*z + 83/167*x^5*y - 84/169*x^6 where r = 8;

    /// exp(−x²) within 1e-5: 11,406 weights, a `sum` unit of about 2,000
    /// edges.
    net Bell(x) = exp(-x^2) where eps = 1/100000;
}

/// `source` through the macro's own steps: its construction and expansion.
fn compiled(source: &str) -> (qrelu_core::Construction, String) {
    let nets = qrelu_syntax::source::compile(source).expect("the net compiles");
    let code = qrelu_syntax::source::expand(&nets).to_string();
    (nets[0].construction.clone(), code)
}

/// `DENSE`'s expansion is grouped and `eval` makes few calls; the generated
/// `eval` against the core's evaluator of that network (checked equal
/// through the JSON), bit for bit in `f64` at 1,000 points and exactly at
/// 27 dyadic points.
#[test]
fn grouped_code_is_the_network() {
    let (c, code) = compiled(DENSE);
    let chunks = code.matches("fn chunk").count();
    let groups = code.matches("fn group").count();
    assert!(chunks > GROUP_CALLS, "{chunks} chunks");
    assert!(groups >= 2, "{groups} groups");
    // `eval`'s body: from its signature to the next function
    let start = code.find("fn eval < T").expect("an eval function");
    let body = &code[start..];
    let end = body[1..].find("fn ").map_or(body.len(), |i| i + 1);
    let calls = body[..end].matches("Self ::").count();
    assert!(calls <= GROUP_CALLS, "{calls} calls in eval");

    assert_eq!(qrelu_core::export::json::to_json(&c), Dense::JSON);
    for i in 0..1000 {
        let t = f64::from(i) / 1000.0;
        let p = [
            2.0 * t - 1.0,
            (7.0 * t) % 2.0 - 1.0,
            1.0 - 2.0 * ((3.0 * t) % 1.0),
        ];
        let got = Dense::eval(p[0], p[1], p[2]);
        assert_eq!(
            got.to_bits(),
            eval::eval_f64(&c.net, &p).to_bits(),
            "at {p:?}"
        );
    }
    for i in -1..=1 {
        for j in -1..=1 {
            for k in -1..=1 {
                let p = [ratio(i, 2), ratio(j, 3), ratio(k, 4)];
                let got: Exact = Dense::eval_at(&p).unwrap();
                assert_eq!(got, eval::eval(&c.net, &p), "at {p:?}");
            }
        }
    }
}

/// `BELL`'s long `sum` unit is cut into statements of at most `SUM_TERMS`
/// terms, and the generated `eval` is the network, bit for bit in `f64` at
/// 2,049 points and exactly at 33 dyadic points.
#[test]
fn long_sums_are_the_network() {
    let (c, code) = compiled(BELL);
    let longest_unit = c
        .net
        .units()
        .iter()
        .map(|u| match &u.kind {
            qrelu_core::net::UnitKind::Relu { inputs, .. } => inputs.len(),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    assert!(longest_unit > 10 * SUM_TERMS, "{longest_unit} edges");
    let longest_chain = code
        .split(';')
        .map(|s| s.matches(". fma (").count())
        .max()
        .unwrap_or(0);
    assert!(
        longest_chain <= SUM_TERMS,
        "{longest_chain} terms in one statement"
    );

    assert_eq!(qrelu_core::export::json::to_json(&c), Bell::JSON);
    for i in 0..=2048 {
        let x = (f64::from(i) / 2048.0 + f64::from(i % 7) * 1e-9).min(1.0);
        let got = Bell::eval(x);
        assert_eq!(
            got.to_bits(),
            eval::eval_f64(&c.net, &[x]).to_bits(),
            "x = {x}"
        );
    }
    for i in 0..=32 {
        let x = ratio(i, 32);
        let got: Exact = Bell::eval_at(std::slice::from_ref(&x)).unwrap();
        assert_eq!(got, eval::eval(&c.net, std::slice::from_ref(&x)), "x = {x}");
    }
}
