//! A network large enough that `eval`'s chunk functions are themselves
//! grouped (more than `GROUP_CALLS` = 32 chunks of 64 steps; the code shape
//! of `qrelu_syntax::expand` that keeps every body short at 10^6 weights):
//! the grouped code is the network, bit for bit in `f64` against the core's
//! evaluator (same summation order) and exactly at dyadic points.

use qrelu::{Exact, Network};
use qrelu_core::eval;
use qrelu_core::rational::ratio;
use qrelu_syntax::expand::GROUP_CALLS;

const SOURCE: &str = "net Bell(x) = exp(-x^2) where eps = 1/100000;";

qrelu::qrelu! {
    /// exp(−x²) within 1e-5: 11,406 weights, 89 chunks in 3 groups.
    net Bell(x) = exp(-x^2) where eps = 1/100000;
}

/// `SOURCE` through the macro's own steps: its expansion is grouped and
/// `eval` makes few calls; then the generated `eval` above against the
/// core's evaluator of that network (checked equal through the JSON), bit
/// for bit in `f64` at 2,049 points and exactly at 33 dyadic points.
#[test]
fn grouped_code_is_the_network() {
    let nets = qrelu_syntax::source::compile(SOURCE).expect("the net compiles");
    let code = qrelu_syntax::source::expand(&nets).to_string();
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

    let c = &nets[0].construction;
    assert_eq!(qrelu_core::export::json::to_json(c), Bell::JSON);
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
