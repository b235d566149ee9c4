//! Speed of the box certificate (`qrelu_core::certify::certify_net`,
//! issue 16): the sup error of two 2-D networks enclosed within 1%, and the
//! bound alone proved (`bound_only`) — boxes and time against size; and
//! the bound of the tour's 3-variable cubic (its quadratic models). The
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

/// x·y on [0, 1]², r = 4, exp(−(x² + y²)) on [−1, 1]², eps = 1/16, and
/// the cubic x·y·z − 2x² + (y − z)²/3 on [0, 1]³, r = 8, t = 12 (the last:
/// the bound alone).
fn nets() -> Vec<(&'static str, Construction, bool)> {
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
    let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
    let cubic = x
        .mul(&y)
        .mul(&z)
        .sub(&x.pow(2).scale(&int(2)))
        .add(&y.sub(&z).pow(2).scale(&ratio(1, 3)));
    let mut mix = NetSpec::new("Mix", &["x", "y", "z"], cubic);
    (mix.r, mix.t) = (Some(8), Some(12));
    vec![
        ("x*y r=4", build(&product).expect("a network"), false),
        (
            "exp(-(x^2+y^2)) eps=1/16",
            build(&radial).expect("a network"),
            false,
        ),
        ("cubic r=8 t=12", build(&mix).expect("a network"), true),
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("certify");
    group.sample_size(10);
    for (name, net, only_bound) in nets() {
        for bound_only in [false, true] {
            if only_bound && !bound_only {
                continue;
            }
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
