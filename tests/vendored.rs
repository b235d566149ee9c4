//! Code vendored with `qrelu build --rust` (no proc macro at the user's
//! build) compiles against the facade and is the network the macro builds:
//! the same `INFO`, `JSON` and values. `qrelu-cli`'s test
//! `vendored_code_is_current` keeps `tests/vendored/nets.rs` equal to the
//! tool's output.

#[allow(dead_code)]
mod vendored {
    include!("vendored/nets.rs");
}

use qrelu::Network;

qrelu::qrelu! {
    pub net VSquare(x) = x^2 where r = 4;
    pub net VProduct(x in [-1, 1], y in [-1, 1]) = x*y where r = 3;
}

#[test]
fn vendored_code_is_the_macros_network() {
    assert_eq!(vendored::VSquare::JSON, VSquare::JSON);
    assert_eq!(vendored::VProduct::JSON, VProduct::JSON);
    assert_eq!(
        vendored::VProduct::INFO.to_string(),
        <VProduct as Network>::INFO.to_string()
    );
    for i in 0..=64 {
        let x = f64::from(i) / 64.0;
        assert_eq!(
            vendored::VSquare::eval(x).to_bits(),
            VSquare::eval(x).to_bits()
        );
        let y = 1.0 - 2.0 * x;
        assert_eq!(
            vendored::VProduct::eval(x, y).to_bits(),
            VProduct::eval(x, y).to_bits()
        );
    }
    let c = qrelu::check::certify_1d::<vendored::VSquare>().unwrap();
    assert!(c.holds && c.attained, "{c}");
}
