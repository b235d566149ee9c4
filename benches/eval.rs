//! Evaluation speed of generated code against interpreters of the same IR
//! (SPEC §9): the unrolled `eval` of f_s^12, f_s^24 and a 3-variable cubic
//! (`Mix`, about 1,200 weights), an edge-list
//! interpreter (`qrelu_core::eval::eval_f64`, which converts exact weights on
//! the fly), and a CSR interpreter with pre-converted `f64` weights — single
//! points and batches of 1024 — and the exact integer `eval_fixed` (`fixed/`)
//! at the same points in the network's fixed-point format.
//!
//! Run with `cargo bench --bench eval`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qrelu_core::net::{Net, UnitKind};
use qrelu_core::{NetSpec, build};
use qrelu_core::{Poly, rational};

qrelu::qrelu! {
    net Square12(x) = x^2 where r = 12;
    net Square24(x) = x^2 where r = 24;
    net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12;
}

/// A compressed-sparse-row copy of a network with `f64` weights.
struct Csr {
    inputs: usize,
    bias: Vec<f64>,
    start: Vec<usize>,
    src: Vec<usize>,
    weight: Vec<f64>,
}

impl Csr {
    fn new(net: &Net) -> Csr {
        let mut csr = Csr {
            inputs: net.dim(),
            bias: vec![],
            start: vec![0],
            src: vec![],
            weight: vec![],
        };
        let mut push = |bias: &qrelu_core::Rational, edges: &[qrelu_core::net::Edge]| {
            csr.bias.push(rational::to_f64(bias));
            for e in edges {
                csr.src.push(e.src);
                csr.weight.push(rational::to_f64(&e.weight));
            }
            csr.start.push(csr.src.len());
        };
        for u in net.units() {
            if let UnitKind::Relu { bias, inputs } = &u.kind {
                push(bias, inputs);
            }
        }
        push(&net.output().bias, &net.output().inputs);
        csr
    }

    fn eval(&self, x: &[f64], values: &mut Vec<f64>) -> f64 {
        debug_assert_eq!(self.inputs, x.len());
        values.clear();
        values.extend_from_slice(x);
        let rows = self.bias.len();
        for row in 0..rows {
            let mut acc = self.bias[row];
            for k in self.start[row]..self.start[row + 1] {
                acc += self.weight[k] * values[self.src[k]];
            }
            if row + 1 < rows {
                values.push(acc.max(0.0));
            } else {
                return acc;
            }
        }
        0.0
    }
}

fn net(r: u32) -> Net {
    let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
    spec.r = Some(r);
    build(&spec).expect("x^2 builds").net
}

fn bench(c: &mut Criterion) {
    let points: Vec<f64> = (0..1024).map(|k| (k as f64 + 0.5) / 1024.0).collect();
    // 0.3 in each network's input format: ⌊0.3·2^F⌋
    let fixed_point = |f: u32| (3i128 << f) / 10;
    let fixed12 =
        |x: i128| Square12::eval_fixed(i64::try_from(x).unwrap_or(0)).map_or(0, i128::from);
    let fixed24 = |x: i128| Square24::eval_fixed(x).unwrap_or(0);
    type Batch = fn(&[&[f64]], &mut [f64]) -> Result<(), qrelu::CheckError>;
    for (r, generated, fixed, info, eval_batch) in [
        (
            12u32,
            Square12::eval::<f64> as fn(f64) -> f64,
            &fixed12 as &dyn Fn(i128) -> i128,
            Square12::INFO,
            Square12::eval_batch::<f64> as Batch,
        ),
        (
            24,
            Square24::eval::<f64>,
            &fixed24,
            Square24::INFO,
            Square24::eval_batch::<f64>,
        ),
    ] {
        let format = info.fixed.expect("f_s^r has a fixed-point format");
        let x_fixed = fixed_point(format.frac_bits);
        let ir = net(r);
        let csr = Csr::new(&ir);
        let mut values = Vec::with_capacity(ir.units().len());
        // the three evaluate the same function
        for &x in &points[..8] {
            assert_eq!(generated(x), csr.eval(&[x], &mut values));
            assert_eq!(generated(x), qrelu_core::eval::eval_f64(&ir, &[x]));
        }
        let mut g = c.benchmark_group(format!("f_s^{r} ({} weights)", 11 * r + 8));
        g.bench_function("generated/single", |b| b.iter(|| generated(black_box(0.3))));
        g.bench_function("csr/single", |b| {
            b.iter(|| csr.eval(&[black_box(0.3)], &mut values))
        });
        g.bench_function("edge-list/single", |b| {
            b.iter(|| qrelu_core::eval::eval_f64(&ir, &[black_box(0.3)]))
        });
        g.bench_function("fixed/single", |b| b.iter(|| fixed(black_box(x_fixed))));
        g.bench_function("generated/batch1024", |b| {
            b.iter(|| points.iter().map(|&x| generated(black_box(x))).sum::<f64>())
        });
        g.bench_function("csr/batch1024", |b| {
            b.iter(|| {
                points
                    .iter()
                    .map(|&x| csr.eval(&[black_box(x)], &mut values))
                    .sum::<f64>()
            })
        });
        let mut out = vec![0.0; points.len()];
        // `black_box` on the list of columns (a thin pointer), not on the
        // column: `black_box(&points[..n])` stored the slice's pointer and
        // length as two 8-byte halves and reloaded them as one 16-byte
        // value, which the store buffer cannot forward, so each call waited
        // for the stores before it to retire — behind the previous call's
        // whole chain of units. The harness serialised the calls: 80 ns per
        // batch of 8 for f_s^12, where the same calls take 26–45 ns.
        batch(&mut g, &mut out, |n, out| {
            eval_batch(black_box(&[&points[..n]]), out)
        });
        for (x, y) in points.iter().zip(&out) {
            assert_eq!(generated(*x), *y, "batch is bit-identical");
        }
        g.finish();
    }

    // a 3-input polynomial: products, squares, weight chains
    let mut spec = NetSpec::new(
        "Mix",
        &["x", "y", "z"],
        Poly::from_terms(
            3,
            Mix::INFO
                .target
                .iter()
                .map(|t| (t.coef.to_exact(), t.pow.to_vec())),
        ),
    );
    spec.r = Mix::INFO.r;
    spec.t = Mix::INFO.t;
    let ir = build(&spec).expect("Mix builds").net;
    let csr = Csr::new(&ir);
    let mut values = Vec::with_capacity(ir.units().len());
    let triples: Vec<[f64; 3]> = points
        .iter()
        .map(|&p| [p, 1.0 - p, (p * 7.0) % 1.0])
        .collect();
    for t in &triples[..8] {
        assert_eq!(Mix::eval(t[0], t[1], t[2]), csr.eval(t, &mut values));
    }
    let mut g = c.benchmark_group(format!("Mix ({} weights)", Mix::INFO.weights));
    g.bench_function("generated/single", |b| {
        b.iter(|| Mix::eval(black_box(0.3), black_box(0.6), black_box(0.1)))
    });
    g.bench_function("csr/single", |b| {
        b.iter(|| csr.eval(&[black_box(0.3), 0.6, 0.1], &mut values))
    });
    g.bench_function("edge-list/single", |b| {
        b.iter(|| qrelu_core::eval::eval_f64(&ir, &[black_box(0.3), 0.6, 0.1]))
    });
    let f = Mix::INFO
        .fixed
        .expect("Mix has a fixed-point format")
        .frac_bits;
    let at = |q: i64| i64::try_from(fixed_point(f) * i128::from(q) / 3).unwrap_or(0);
    g.bench_function("fixed/single", |b| {
        b.iter(|| Mix::eval_fixed(black_box(at(3)), black_box(at(6)), black_box(at(1))))
    });
    g.bench_function("generated/batch1024", |b| {
        b.iter(|| {
            triples
                .iter()
                .map(|t| Mix::eval(black_box(t[0]), t[1], t[2]))
                .sum::<f64>()
        })
    });
    g.bench_function("csr/batch1024", |b| {
        b.iter(|| {
            triples
                .iter()
                .map(|t| csr.eval(black_box(t), &mut values))
                .sum::<f64>()
        })
    });
    let columns: Vec<Vec<f64>> = (0..3)
        .map(|i| triples.iter().map(|t| t[i]).collect())
        .collect();
    let mut out = vec![0.0; triples.len()];
    batch(&mut g, &mut out, |n, out| {
        Mix::eval_batch(
            &[&columns[0][..n], &columns[1][..n], &columns[2][..n]],
            black_box(out),
        )
    });
    for (t, y) in triples.iter().zip(&out) {
        assert_eq!(Mix::eval(t[0], t[1], t[2]), *y, "batch is bit-identical");
    }
    g.finish();
}

/// `batch/<n>` for n = 8, 64, 1024 (criterion reports the time per batch;
/// divide by n for the time per point).
fn batch(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    out: &mut [f64],
    eval: impl Fn(usize, &mut [f64]) -> Result<(), qrelu::CheckError>,
) {
    for n in [8, 64, 1024] {
        g.bench_function(format!("batch/{n}"), |b| {
            b.iter(|| eval(n, &mut out[..n]).expect("shapes match"))
        });
    }
    eval(out.len(), out).expect("shapes match");
}

criterion_group!(benches, bench);
criterion_main!(benches);
