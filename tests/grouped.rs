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

/// Every monomial of degree ≤ 8 in x, y, z, coefficients ±(k+1)/(2k+3).
const DENSE: &str = "net Dense(x in [-1, 1], y in [-1, 1], z in [-1, 1]) = 1/3 - 2/5*z + 3/7*y - 4/9*x + 5/11*z^2 - 6/13*y*z + 7/15*y^2 - 8/17*x*z + 9/19*x*y - 10/21*x^2 + 11/23*z^3 - 12/25*y*z^2 + 13/27*y^2*z - 14/29*y^3 + 15/31*x*z^2 - 16/33*x*y*z + 17/35*x*y^2 - 18/37*x^2*z + 19/39*x^2*y - 20/41*x^3 + 21/43*z^4 - 22/45*y*z^3 + 23/47*y^2*z^2 - 24/49*y^3*z + 25/51*y^4 - 26/53*x*z^3 + 27/55*x*y*z^2 - 28/57*x*y^2*z + 29/59*x*y^3 - 30/61*x^2*z^2 + 31/63*x^2*y*z - 32/65*x^2*y^2 + 33/67*x^3*z - 34/69*x^3*y + 35/71*x^4 - 36/73*z^5 + 37/75*y*z^4 - 38/77*y^2*z^3 + 39/79*y^3*z^2 - 40/81*y^4*z + 41/83*y^5 - 42/85*x*z^4 + 43/87*x*y*z^3 - 44/89*x*y^2*z^2 + 45/91*x*y^3*z - 46/93*x*y^4 + 47/95*x^2*z^3 - 48/97*x^2*y*z^2 + 49/99*x^2*y^2*z - 50/101*x^2*y^3 + 51/103*x^3*z^2 - 52/105*x^3*y*z + 53/107*x^3*y^2 - 54/109*x^4*z + 55/111*x^4*y - 56/113*x^5 + 57/115*z^6 - 58/117*y*z^5 + 59/119*y^2*z^4 - 60/121*y^3*z^3 + 61/123*y^4*z^2 - 62/125*y^5*z + 63/127*y^6 - 64/129*x*z^5 + 65/131*x*y*z^4 - 66/133*x*y^2*z^3 + 67/135*x*y^3*z^2 - 68/137*x*y^4*z + 69/139*x*y^5 - 70/141*x^2*z^4 + 71/143*x^2*y*z^3 - 72/145*x^2*y^2*z^2 + 73/147*x^2*y^3*z - 74/149*x^2*y^4 + 75/151*x^3*z^3 - 76/153*x^3*y*z^2 + 77/155*x^3*y^2*z - 78/157*x^3*y^3 + 79/159*x^4*z^2 - 80/161*x^4*y*z + 81/163*x^4*y^2 - 82/165*x^5*z + 83/167*x^5*y - 84/169*x^6 + 85/171*z^7 - 86/173*y*z^6 + 87/175*y^2*z^5 - 88/177*y^3*z^4 + 89/179*y^4*z^3 - 90/181*y^5*z^2 + 91/183*y^6*z - 92/185*y^7 + 93/187*x*z^6 - 94/189*x*y*z^5 + 95/191*x*y^2*z^4 - 96/193*x*y^3*z^3 + 97/195*x*y^4*z^2 - 98/197*x*y^5*z + 99/199*x*y^6 - 100/201*x^2*z^5 + 101/203*x^2*y*z^4 - 102/205*x^2*y^2*z^3 + 103/207*x^2*y^3*z^2 - 104/209*x^2*y^4*z + 105/211*x^2*y^5 - 106/213*x^3*z^4 + 107/215*x^3*y*z^3 - 108/217*x^3*y^2*z^2 + 109/219*x^3*y^3*z - 110/221*x^3*y^4 + 111/223*x^4*z^3 - 112/225*x^4*y*z^2 + 113/227*x^4*y^2*z - 114/229*x^4*y^3 + 115/231*x^5*z^2 - 116/233*x^5*y*z + 117/235*x^5*y^2 - 118/237*x^6*z + 119/239*x^6*y - 120/241*x^7 + 121/243*z^8 - 122/245*y*z^7 + 123/247*y^2*z^6 - 124/249*y^3*z^5 + 125/251*y^4*z^4 - 126/253*y^5*z^3 + 127/255*y^6*z^2 - 128/257*y^7*z + 129/259*y^8 - 130/261*x*z^7 + 131/263*x*y*z^6 - 132/265*x*y^2*z^5 + 133/267*x*y^3*z^4 - 134/269*x*y^4*z^3 + 135/271*x*y^5*z^2 - 136/273*x*y^6*z + 137/275*x*y^7 - 138/277*x^2*z^6 + 139/279*x^2*y*z^5 - 140/281*x^2*y^2*z^4 + 141/283*x^2*y^3*z^3 - 142/285*x^2*y^4*z^2 + 143/287*x^2*y^5*z - 144/289*x^2*y^6 + 145/291*x^3*z^5 - 146/293*x^3*y*z^4 + 147/295*x^3*y^2*z^3 - 148/297*x^3*y^3*z^2 + 149/299*x^3*y^4*z - 150/301*x^3*y^5 + 151/303*x^4*z^4 - 152/305*x^4*y*z^3 + 153/307*x^4*y^2*z^2 - 154/309*x^4*y^3*z + 155/311*x^4*y^4 - 156/313*x^5*z^3 + 157/315*x^5*y*z^2 - 158/317*x^5*y^2*z + 159/319*x^5*y^3 - 160/321*x^6*z^2 + 161/323*x^6*y*z - 162/325*x^6*y^2 + 163/327*x^7*z - 164/329*x^7*y + 165/331*x^8 where r = 8;";

const BELL: &str = "net Bell(x) = exp(-x^2) where eps = 1/100000;";

qrelu::qrelu! {
    /// The dense octic of `DENSE`: 58,558 weights, 40 chunks in 2 groups.
    net Dense(x in [-1, 1], y in [-1, 1], z in [-1, 1]) = 1/3 - 2/5*z + 3/7*y - 4/9*x + 5/11*z^2 - 6/13*y*z + 7/15*y^2 - 8/17*x*z + 9/19*x*y - 10/21*x^2 + 11/23*z^3 - 12/25*y*z^2 + 13/27*y^2*z - 14/29*y^3 + 15/31*x*z^2 - 16/33*x*y*z + 17/35*x*y^2 - 18/37*x^2*z + 19/39*x^2*y - 20/41*x^3 + 21/43*z^4 - 22/45*y*z^3 + 23/47*y^2*z^2 - 24/49*y^3*z + 25/51*y^4 - 26/53*x*z^3 + 27/55*x*y*z^2 - 28/57*x*y^2*z + 29/59*x*y^3 - 30/61*x^2*z^2 + 31/63*x^2*y*z - 32/65*x^2*y^2 + 33/67*x^3*z - 34/69*x^3*y + 35/71*x^4 - 36/73*z^5 + 37/75*y*z^4 - 38/77*y^2*z^3 + 39/79*y^3*z^2 - 40/81*y^4*z + 41/83*y^5 - 42/85*x*z^4 + 43/87*x*y*z^3 - 44/89*x*y^2*z^2 + 45/91*x*y^3*z - 46/93*x*y^4 + 47/95*x^2*z^3 - 48/97*x^2*y*z^2 + 49/99*x^2*y^2*z - 50/101*x^2*y^3 + 51/103*x^3*z^2 - 52/105*x^3*y*z + 53/107*x^3*y^2 - 54/109*x^4*z + 55/111*x^4*y - 56/113*x^5 + 57/115*z^6 - 58/117*y*z^5 + 59/119*y^2*z^4 - 60/121*y^3*z^3 + 61/123*y^4*z^2 - 62/125*y^5*z + 63/127*y^6 - 64/129*x*z^5 + 65/131*x*y*z^4 - 66/133*x*y^2*z^3 + 67/135*x*y^3*z^2 - 68/137*x*y^4*z + 69/139*x*y^5 - 70/141*x^2*z^4 + 71/143*x^2*y*z^3 - 72/145*x^2*y^2*z^2 + 73/147*x^2*y^3*z - 74/149*x^2*y^4 + 75/151*x^3*z^3 - 76/153*x^3*y*z^2 + 77/155*x^3*y^2*z - 78/157*x^3*y^3 + 79/159*x^4*z^2 - 80/161*x^4*y*z + 81/163*x^4*y^2 - 82/165*x^5*z + 83/167*x^5*y - 84/169*x^6 + 85/171*z^7 - 86/173*y*z^6 + 87/175*y^2*z^5 - 88/177*y^3*z^4 + 89/179*y^4*z^3 - 90/181*y^5*z^2 + 91/183*y^6*z - 92/185*y^7 + 93/187*x*z^6 - 94/189*x*y*z^5 + 95/191*x*y^2*z^4 - 96/193*x*y^3*z^3 + 97/195*x*y^4*z^2 - 98/197*x*y^5*z + 99/199*x*y^6 - 100/201*x^2*z^5 + 101/203*x^2*y*z^4 - 102/205*x^2*y^2*z^3 + 103/207*x^2*y^3*z^2 - 104/209*x^2*y^4*z + 105/211*x^2*y^5 - 106/213*x^3*z^4 + 107/215*x^3*y*z^3 - 108/217*x^3*y^2*z^2 + 109/219*x^3*y^3*z - 110/221*x^3*y^4 + 111/223*x^4*z^3 - 112/225*x^4*y*z^2 + 113/227*x^4*y^2*z - 114/229*x^4*y^3 + 115/231*x^5*z^2 - 116/233*x^5*y*z + 117/235*x^5*y^2 - 118/237*x^6*z + 119/239*x^6*y - 120/241*x^7 + 121/243*z^8 - 122/245*y*z^7 + 123/247*y^2*z^6 - 124/249*y^3*z^5 + 125/251*y^4*z^4 - 126/253*y^5*z^3 + 127/255*y^6*z^2 - 128/257*y^7*z + 129/259*y^8 - 130/261*x*z^7 + 131/263*x*y*z^6 - 132/265*x*y^2*z^5 + 133/267*x*y^3*z^4 - 134/269*x*y^4*z^3 + 135/271*x*y^5*z^2 - 136/273*x*y^6*z + 137/275*x*y^7 - 138/277*x^2*z^6 + 139/279*x^2*y*z^5 - 140/281*x^2*y^2*z^4 + 141/283*x^2*y^3*z^3 - 142/285*x^2*y^4*z^2 + 143/287*x^2*y^5*z - 144/289*x^2*y^6 + 145/291*x^3*z^5 - 146/293*x^3*y*z^4 + 147/295*x^3*y^2*z^3 - 148/297*x^3*y^3*z^2 + 149/299*x^3*y^4*z - 150/301*x^3*y^5 + 151/303*x^4*z^4 - 152/305*x^4*y*z^3 + 153/307*x^4*y^2*z^2 - 154/309*x^4*y^3*z + 155/311*x^4*y^4 - 156/313*x^5*z^3 + 157/315*x^5*y*z^2 - 158/317*x^5*y^2*z + 159/319*x^5*y^3 - 160/321*x^6*z^2 + 161/323*x^6*y*z - 162/325*x^6*y^2 + 163/327*x^7*z - 164/329*x^7*y + 165/331*x^8 where r = 8;

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
