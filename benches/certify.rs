//! Speed of the box certificate (`qrelu_core::certify::certify_net`,
//! issue 16): the sup error of two 2-D networks enclosed within 1%, and the
//! bound alone proved (`bound_only`) — boxes and time against size. The
//! bound of x·y is attained where ReLUs switch: its certificate ends in
//! exact regions (triangles cut along the units' lines).
//!
//! Run with `cargo bench --bench certify`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qrelu_core::certify::{Options, certify_net};
use qrelu_core::expr::Expr;
use qrelu_core::interval::elementary::Elementary;
use qrelu_core::rational::{int, ratio};
use qrelu_core::{Construction, NetSpec, Poly, build};

/// x·y on [0, 1]², r = 4, and exp(−(x² + y²)) on [−1, 1]², eps = 1/16.
fn nets() -> Vec<(&'static str, Construction)> {
    let (a, b) = (Poly::var(2, 0), Poly::var(2, 1));
    let mut product = NetSpec::new("Product", &["x", "y"], a.mul(&b));
    product.r = Some(4);
    let sq = |e: Expr| Expr::Pow(Box::new(e), 2);
    let bell = Expr::Neg(Box::new(Expr::Add(
        Box::new(sq(Expr::var(0))),
        Box::new(sq(Expr::var(1))),
    )))
    .call(Elementary::Exp);
    let mut radial = NetSpec::new("Radial", &["x", "y"], bell);
    radial.eps = Some(ratio(1, 16));
    for d in &mut radial.domain {
        d.0 = int(-1);
    }
    vec![
        ("x*y r=4", build(&product).expect("a network")),
        (
            "exp(-(x^2+y^2)) eps=1/16",
            build(&radial).expect("a network"),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("certify");
    group.sample_size(10);
    for (name, net) in nets() {
        for bound_only in [false, true] {
            let run = || {
                certify_net(
                    &net.net,
                    &net.spec.target,
                    &net.spec.domain,
                    &net.error_bound,
                    Options {
                        bound_only,
                        ..Options::default()
                    },
                )
                .expect("a certificate")
            };
            let cert = run();
            eprintln!(
                "{name} ({} weights, bound_only {bound_only}): {cert}",
                net.metrics.weights
            );
            let label = format!("{name} {}", if bound_only { "bound" } else { "1%" });
            group.bench_function(label, |b| b.iter(|| black_box(run())));
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
