//! The size guard on the tour's own networks (`examples/tour.rs`, read
//! from the file so that a net added there is checked here): the estimate
//! made before building is never below the built size, and for a network
//! of at least 1,000 weights at most 1.5× above it (issue 18).

use qrelu_core::{build, estimate_weights};
use qrelu_syntax::{lower, source};

/// The text between the braces of the tour's `qrelu::qrelu! { … }`.
fn tour_nets() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/tour.rs");
    let text = std::fs::read_to_string(path).expect("examples/tour.rs");
    let start = text.find("qrelu::qrelu! {").expect("the tour's macro") + "qrelu::qrelu! {".len();
    let end = start
        + text[start..]
            .find("\n}\n")
            .expect("the end of the tour's macro");
    text[start..end].to_owned()
}

#[test]
fn the_tour_is_estimated_within_one_and_a_half() {
    let nets = source::validate(&tour_nets()).expect("the tour's nets validate");
    let mut large = 0;
    let mut worst: f64 = 1.0;
    for net in &nets {
        let spec = lower::spec(net);
        let estimate = estimate_weights(&spec).expect("an estimate");
        let built = build(&spec).expect("the tour builds").metrics.weights as u64;
        assert!(
            estimate >= built,
            "{}: estimate {estimate} < built {built}",
            spec.name
        );
        if built >= 1_000 {
            large += 1;
            worst = worst.max(estimate as f64 / built as f64);
            assert!(
                2 * estimate <= 3 * built,
                "{}: estimate {estimate} > 1.5 x built {built}",
                spec.name
            );
        }
    }
    eprintln!(
        "tour: {} nets, {large} of at least 1,000 weights, worst estimate/built {worst:.3}",
        nets.len()
    );
    assert!(
        nets.len() >= 40 && large >= 10,
        "{} nets, {large} large",
        nets.len()
    );
}
