//! Tests of the ONNX exporter: the bytes decoded with the same prost
//! messages and run by a small interpreter of the operators used, against
//! the reference evaluator bit for bit (f64, f32, QONNX) and against exact
//! evaluation at dyadic points.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Sub};

use num_traits::Zero;
use proptest::prelude::*;
use prost::Message;
use qrelu_runtime::Scalar;

use super::proto::{self, ModelProto, NodeProto, TensorProto, tensor_shape_proto::dimension};
use super::{Layout, OPSET, Options, Precision, QONNX_DOMAIN, to_onnx, to_qonnx};
use crate::construct::Construction;
use crate::eval::{self, Evaluator};
use crate::expr::Expr;
use crate::interval::elementary::Elementary;
use crate::net::{Net, UnitKind};
use crate::quantize::{Codebook, Quantization};
use crate::rational::{self, Rational, int, ratio};
use crate::{NetSpec, Poly, Structure, build};

/// Random points per network in the property test.
const POINTS: usize = 24;
/// Dyadic steps 2^−STEPS per axis for the exact comparison.
const STEPS: u32 = 3;

/// A float type the interpreter runs in.
trait Float:
    Scalar
    + Copy
    + Debug
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
{
    const ELEM: i32;
    fn from_le(bytes: &[u8]) -> Vec<Self>;
    fn bits(self) -> u64;
    fn round_even(self) -> Self;
    fn int(i: i64) -> Self;
    fn from_f64(x: f64) -> Self;
}

impl Float for f64 {
    const ELEM: i32 = proto::DOUBLE;
    fn from_le(bytes: &[u8]) -> Vec<Self> {
        assert_eq!(bytes.len() % 8, 0);
        bytes
            .chunks(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }
    fn bits(self) -> u64 {
        self.to_bits()
    }
    fn round_even(self) -> Self {
        self.round_ties_even()
    }
    fn int(i: i64) -> Self {
        i as f64
    }
    fn from_f64(x: f64) -> Self {
        x
    }
}

impl Float for f32 {
    const ELEM: i32 = proto::FLOAT;
    fn from_le(bytes: &[u8]) -> Vec<Self> {
        assert_eq!(bytes.len() % 4, 0);
        bytes
            .chunks(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
    fn round_even(self) -> Self {
        self.round_ties_even()
    }
    fn int(i: i64) -> Self {
        i as f32
    }
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

#[derive(Clone, Debug)]
enum Data<T> {
    Float(Vec<T>),
    /// a narrower float type's values (exact in f64), for a `Cast`
    Stored(Vec<f64>),
    Int(Vec<i64>),
    Bool(Vec<bool>),
}

/// A dense row-major tensor.
#[derive(Clone, Debug)]
struct Tensor<T> {
    shape: Vec<usize>,
    data: Data<T>,
}

impl<T: Float> Tensor<T> {
    fn floats(&self) -> &[T] {
        match &self.data {
            Data::Float(v) => v,
            other => panic!(
                "expected a float tensor of type {}, found {other:?}",
                T::ELEM
            ),
        }
    }
}

fn decode<T: Float>(t: &TensorProto) -> Tensor<T> {
    let shape: Vec<usize> = t.dims.iter().map(|&d| d as usize).collect();
    let raw = t
        .raw_data
        .as_deref()
        .expect("tensors are stored in raw_data");
    let data = match t.data_type {
        Some(e) if e == T::ELEM => Data::Float(T::from_le(raw)),
        Some(proto::FLOAT16) => Data::Stored(
            raw.chunks(2)
                .map(|c| f16_value(u16::from_le_bytes(c.try_into().unwrap())))
                .collect(),
        ),
        Some(proto::FLOAT) => Data::Stored(
            raw.chunks(4)
                .map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap())))
                .collect(),
        ),
        Some(proto::INT32) => Data::Int(
            raw.chunks(4)
                .map(|c| i64::from(i32::from_le_bytes(c.try_into().unwrap())))
                .collect(),
        ),
        Some(proto::INT64) => Data::Int(
            raw.chunks(8)
                .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
                .collect(),
        ),
        other => panic!("initializer {:?} of unexpected type {other:?}", t.name),
    };
    let len = match &data {
        Data::Float(v) => v.len(),
        Data::Stored(v) => v.len(),
        Data::Int(v) => v.len(),
        Data::Bool(v) => v.len(),
    };
    assert_eq!(len, shape.iter().product::<usize>(), "{:?}", t.name);
    Tensor { shape, data }
}

/// The value of binary16 bits.
fn f16_value(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = f64::from(bits & 0x3ff);
    assert!(exponent != 0x1f, "no infinities or NaN among weights");
    if exponent == 0 {
        sign * fraction * 2f64.powi(-24)
    } else {
        sign * (1024.0 + fraction) * 2f64.powi(exponent - 25)
    }
}

fn attr<'n>(node: &'n NodeProto, name: &str) -> Option<&'n proto::AttributeProto> {
    node.attribute
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
}

fn attr_i(node: &NodeProto, name: &str) -> i64 {
    attr(node, name)
        .and_then(|a| a.i)
        .unwrap_or_else(|| panic!("node {:?} lacks the integer attribute {name}", node.name))
}

/// Numpy broadcasting of two tensors (rank ≤ 2 here, any rank works).
fn broadcast<A: Copy, B: Copy, C>(
    (sa, a): (&[usize], &[A]),
    (sb, b): (&[usize], &[B]),
    f: impl Fn(A, B) -> C,
) -> (Vec<usize>, Vec<C>) {
    let rank = sa.len().max(sb.len());
    let pad = |s: &[usize]| {
        let mut p = vec![1; rank - s.len()];
        p.extend_from_slice(s);
        p
    };
    let (pa, pb) = (pad(sa), pad(sb));
    let shape: Vec<usize> = pa
        .iter()
        .zip(&pb)
        .map(|(&x, &y)| {
            assert!(
                x == y || x == 1 || y == 1,
                "shapes {sa:?} and {sb:?} do not broadcast"
            );
            x.max(y)
        })
        .collect();
    let strides = |p: &[usize]| {
        let mut s = vec![0; rank];
        let mut acc = 1;
        for i in (0..rank).rev() {
            s[i] = if p[i] == 1 { 0 } else { acc };
            acc *= p[i];
        }
        s
    };
    let (ta, tb) = (strides(&pa), strides(&pb));
    let total: usize = shape.iter().product();
    let mut out = Vec::with_capacity(total);
    let mut index = vec![0; rank];
    for _ in 0..total {
        let ia: usize = index.iter().zip(&ta).map(|(i, s)| i * s).sum();
        let ib: usize = index.iter().zip(&tb).map(|(i, s)| i * s).sum();
        out.push(f(a[ia], b[ib]));
        for k in (0..rank).rev() {
            index[k] += 1;
            if index[k] < shape[k] {
                break;
            }
            index[k] = 0;
        }
    }
    (shape, out)
}

/// Runs `model` on the `[n, d]` batch `x`: every value by name. ONNX
/// semantics, with `Relu` keeping −0 (the standard leaves its sign open,
/// so a model whose result depends on it would show here).
fn run<T: Float>(model: &ModelProto, x: Vec<T>, n: usize) -> BTreeMap<String, Tensor<T>> {
    let graph = model.graph.as_ref().expect("a graph");
    let mut values: BTreeMap<String, Tensor<T>> = BTreeMap::new();
    for t in &graph.initializer {
        values.insert(t.name.clone().unwrap(), decode(t));
    }
    let d = x.len() / n;
    values.insert(
        "x".to_owned(),
        Tensor {
            shape: vec![n, d],
            data: Data::Float(x),
        },
    );
    for node in &graph.node {
        let get = |i: usize| &values[&node.input[i]];
        let op = node.op_type.as_deref().unwrap();
        let out = match (node.domain.as_deref().unwrap_or(""), op) {
            ("", "Gather") => {
                // axis 1 of [n, c, rest…] with indices of any shape I:
                // [n, I…, rest…]
                assert_eq!(attr_i(node, "axis"), 1);
                let (data, idx) = (get(0), get(1));
                let Data::Int(indices) = &idx.data else {
                    panic!("gather indices must be integers")
                };
                let (rows, cols) = (data.shape[0], data.shape[1]);
                let inner: usize = data.shape[2..].iter().product();
                let v = data.floats();
                let mut out = Vec::with_capacity(rows * indices.len() * inner);
                for r in 0..rows {
                    for &i in indices {
                        assert!((0..cols as i64).contains(&i), "index {i} of {cols} columns");
                        let at = (r * cols + i as usize) * inner;
                        out.extend_from_slice(&v[at..at + inner]);
                    }
                }
                let mut shape = vec![rows];
                shape.extend_from_slice(&idx.shape);
                shape.extend_from_slice(&data.shape[2..]);
                Tensor {
                    shape,
                    data: Data::Float(out),
                }
            }
            ("", "CumSum") => {
                // the running sum along axis 1, S_k = S_{k−1} + P_k
                let (p, axis) = (get(0), get(1));
                let Data::Int(axis) = &axis.data else {
                    panic!("the axis must be an integer")
                };
                assert_eq!(axis.as_slice(), &[1]);
                assert!(attr(node, "exclusive").is_none() && attr(node, "reverse").is_none());
                let (rows, slots) = (p.shape[0], p.shape[1]);
                let inner: usize = p.shape[2..].iter().product();
                let mut v = p.floats().to_vec();
                for r in 0..rows {
                    for k in 1..slots {
                        for i in 0..inner {
                            let at = (r * slots + k) * inner + i;
                            v[at] = v[at - inner] + v[at];
                        }
                    }
                }
                Tensor {
                    shape: p.shape.clone(),
                    data: Data::Float(v),
                }
            }
            ("", "Not") => {
                let a = get(0);
                let Data::Bool(v) = &a.data else {
                    panic!("Not takes booleans")
                };
                Tensor {
                    shape: a.shape.clone(),
                    data: Data::Bool(v.iter().map(|b| !b).collect()),
                }
            }
            ("", "Mul") => {
                let (a, b) = (get(0), get(1));
                let (shape, v) =
                    broadcast((&a.shape, a.floats()), (&b.shape, b.floats()), |p, q| p * q);
                Tensor {
                    shape,
                    data: Data::Float(v),
                }
            }
            ("", "Relu") => {
                let a = get(0);
                let zero = T::int(0);
                let v = a
                    .floats()
                    .iter()
                    .map(|&p| if p < zero { zero } else { p })
                    .collect();
                Tensor {
                    shape: a.shape.clone(),
                    data: Data::Float(v),
                }
            }
            ("", "Concat") => {
                assert_eq!(attr_i(node, "axis"), 1);
                let parts: Vec<&Tensor<T>> = (0..node.input.len()).map(get).collect();
                let rows = parts[0].shape[0];
                let cols: usize = parts.iter().map(|p| p.shape[1]).sum();
                let mut out = Vec::with_capacity(rows * cols);
                for r in 0..rows {
                    for p in &parts {
                        assert_eq!(p.shape[0], rows);
                        let c = p.shape[1];
                        out.extend_from_slice(&p.floats()[r * c..(r + 1) * c]);
                    }
                }
                Tensor {
                    shape: vec![rows, cols],
                    data: Data::Float(out),
                }
            }
            ("", "Less") => {
                let (a, b) = (get(0), get(1));
                let (shape, v) =
                    broadcast((&a.shape, a.floats()), (&b.shape, b.floats()), |p, q| p < q);
                Tensor {
                    shape,
                    data: Data::Bool(v),
                }
            }
            ("", "Cast") => {
                assert_eq!(attr_i(node, "to"), i64::from(T::ELEM));
                let a = get(0);
                let v = match &a.data {
                    Data::Bool(v) => v.iter().map(|&b| T::int(i64::from(b))).collect(),
                    // a widening: exact
                    Data::Stored(v) => v
                        .iter()
                        .map(|&x| {
                            let y = T::from_f64(x);
                            assert_eq!(y.to_f64(), x, "a Cast that rounds");
                            y
                        })
                        .collect(),
                    other => panic!("unexpected Cast of {other:?}"),
                };
                Tensor {
                    shape: a.shape.clone(),
                    data: Data::Float(v),
                }
            }
            (QONNX_DOMAIN, "Quant") => {
                // qonnx 1.0's int_quant: scale, shift, clip, round, back
                assert_eq!(attr_i(node, "signed"), 1);
                let narrow = attr_i(node, "narrow") == 1;
                let mode = attr(node, "rounding_mode").and_then(|a| a.s.clone());
                assert_eq!(mode.as_deref(), Some(&b"ROUND"[..]));
                let scalar = |i: usize| {
                    let t = get(i);
                    assert!(t.shape.is_empty(), "Quant's input {i} must be a scalar");
                    t.floats()[0]
                };
                let (scale, zeropt, bits) = (scalar(1), scalar(2), scalar(3));
                let bits = bits.to_f64() as u32;
                let max = T::int((1 << (bits - 1)) - 1);
                let min = if narrow {
                    T::int(-((1 << (bits - 1)) - 1))
                } else {
                    T::int(-(1 << (bits - 1)))
                };
                let a = get(0);
                let v = a
                    .floats()
                    .iter()
                    .map(|&w| {
                        let mut q = w / scale + zeropt;
                        if q > max {
                            q = max;
                        }
                        if q < min {
                            q = min;
                        }
                        (q.round_even() - zeropt) * scale
                    })
                    .collect();
                Tensor {
                    shape: a.shape.clone(),
                    data: Data::Float(v),
                }
            }
            (domain, op) => panic!("the interpreter does not know {domain}::{op}"),
        };
        values.insert(node.output[0].clone(), out);
    }
    values
}

fn decode_model(bytes: &[u8]) -> ModelProto {
    ModelProto::decode(bytes).expect("the bytes decode as a ModelProto")
}

/// Checks the graph's declared interface: `x: [N|n, d]`, `y: [N|n, 1]`.
fn check_interface(model: &ModelProto, elem: i32, d: usize, batch: Option<usize>) {
    assert_eq!(model.ir_version, Some(super::IR_VERSION));
    let default = model
        .opset_import
        .iter()
        .find(|o| o.domain.as_deref().unwrap_or("").is_empty())
        .expect("the default domain is imported");
    assert_eq!(default.version, Some(OPSET));
    let graph = model.graph.as_ref().unwrap();
    for (vi, name, cols) in [(&graph.input, "x", d), (&graph.output, "y", 1)] {
        assert_eq!(vi.len(), 1);
        assert_eq!(vi[0].name.as_deref(), Some(name));
        let Some(proto::type_proto::Value::TensorType(t)) =
            vi[0].r#type.as_ref().and_then(|t| t.value.clone())
        else {
            panic!("{name} is not a tensor")
        };
        assert_eq!(t.elem_type, Some(elem));
        let dims: Vec<_> = t.shape.unwrap().dim.into_iter().map(|d| d.value).collect();
        let first = match batch {
            Some(n) => dimension::Value::DimValue(n as i64),
            None => dimension::Value::DimParam("N".to_owned()),
        };
        assert_eq!(
            dims,
            vec![Some(first), Some(dimension::Value::DimValue(cols as i64))]
        );
    }
}

/// A small deterministic generator of points.
struct SplitMix(u64);

impl SplitMix {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `count` random points of the domain, row-major.
fn random_points(domain: &[(Rational, Rational)], count: usize, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix(seed);
    let mut out = Vec::new();
    for _ in 0..count {
        for (lo, hi) in domain {
            let (lo, hi) = (rational::to_f64(lo), rational::to_f64(hi));
            out.push((lo + (hi - lo) * rng.unit()).clamp(lo, hi));
        }
    }
    out
}

/// The dyadic lattice `lo + (hi − lo)·k/2^STEPS` of the domain, row-major.
fn lattice(domain: &[(Rational, Rational)]) -> Vec<Vec<Rational>> {
    let steps = 1i64 << STEPS;
    let mut points = vec![vec![]];
    for (lo, hi) in domain {
        let mut next = Vec::new();
        for p in &points {
            for k in 0..=steps {
                let mut q = p.clone();
                q.push(lo + (hi - lo) * ratio(k, steps));
                next.push(q);
            }
        }
        points = next;
    }
    points
}

/// The model's output (and, when the net has hidden layers, its final
/// value tensor) at `x`, bit for bit against `Evaluator::<T>`.
fn agrees<T: Float>(net: &Net, model: &ModelProto, x: &[f64]) {
    let d = net.dim();
    let n = x.len() / d;
    let xs: Vec<T> = x.iter().map(|&v| T::from_f64(v)).collect();
    let values = run(model, xs.clone(), n);
    let y = &values["y"];
    assert_eq!(y.shape, vec![n, 1]);
    let evaluator = Evaluator::<T>::new(net);
    let layout = Layout::of(net);
    let last = format!("v{}", layout.layers.len());
    for (i, point) in xs.chunks(d).enumerate() {
        let want = evaluator.at(point);
        let got = y.floats()[i];
        assert_eq!(
            got.bits(),
            want.bits(),
            "at {point:?}: model {got:?}, evaluator {want:?}"
        );
        if let Some(v) = values.get(&last) {
            let units = evaluator.unit_values(point);
            let cols = v.shape[1];
            // the units and the column of ones
            assert_eq!(cols, units.len() + 1);
            assert!(v.floats()[i * cols + layout.one].bits() == T::int(1).bits());
            for (u, want) in units.iter().enumerate() {
                let got = v.floats()[i * cols + layout.column[u]];
                assert_eq!(got.bits(), want.bits(), "unit {u} at {point:?}");
            }
        }
    }
}

/// Where [`check_construction`] requires the float64 model to equal exact
/// evaluation on the lattice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exactness {
    /// everywhere (few-bit weights and points: no intermediate needs more
    /// than 53 bits)
    Lattice,
    /// where the float64 evaluator is exact (weights of many bits)
    WhereF64Is,
}

fn dyadic_net(net: &Net) -> bool {
    let dy = |q: &Rational| rational::is_dyadic(q);
    net.units().iter().all(|u| match &u.kind {
        UnitKind::Input { .. } => true,
        UnitKind::Relu { bias, inputs } => dy(bias) && inputs.iter().all(|e| dy(&e.weight)),
    }) && dy(&net.output().bias)
        && net.output().inputs.iter().all(|e| dy(&e.weight))
}

/// Everything the exporter promises about one construction: the f64,
/// f32 and (where the codebook allows) QONNX models agree with the
/// evaluator bit for bit at random points and on the lattice, and the f64
/// model equals exact evaluation on the lattice when the weights are
/// dyadic (everywhere, or where the f64 evaluator is: `exactness`).
fn check_construction(c: &Construction, seed: u64, exactness: Exactness) {
    let net = &c.net;
    let d = net.dim();
    let options = Options {
        name: c.spec.name.clone(),
        ..Options::default()
    };
    let f64_model = decode_model(&to_onnx(net, &options).unwrap());
    check_interface(&f64_model, proto::DOUBLE, d, None);
    let f32_options = Options {
        precision: Precision::F32,
        batch: Some(POINTS),
        ..options
    };
    let f32_model = decode_model(&to_onnx(net, &f32_options).unwrap());
    check_interface(&f32_model, proto::FLOAT, d, Some(POINTS));

    let x = random_points(&c.spec.domain, POINTS, seed);
    agrees::<f64>(net, &f64_model, &x);
    agrees::<f32>(net, &f32_model, &x);

    let grid = lattice(&c.spec.domain);
    let flat: Vec<f64> = grid.iter().flatten().map(rational::to_f64).collect();
    agrees::<f64>(net, &f64_model, &flat);
    if dyadic_net(net) {
        let y = run::<f64>(&f64_model, flat.clone(), grid.len());
        let evaluator = Evaluator::<f64>::new(net);
        for (p, got) in grid.iter().zip(y["y"].floats()) {
            let exact = eval::eval(net, p);
            let x: Vec<f64> = p.iter().map(rational::to_f64).collect();
            if exactness == Exactness::WhereF64Is
                && evaluator.at(&x).to_exact() != Some(exact.clone())
            {
                continue;
            }
            assert_eq!(
                got.to_exact(),
                Some(exact.clone()),
                "at {p:?}: {got} vs {exact}"
            );
        }
    }

    match to_qonnx(net, &c.spec.name) {
        Ok(bytes) => {
            let q = decode_model(&bytes);
            check_interface(&q, proto::FLOAT, d, Some(1));
            check_quant_nodes(net, &q);
            // batch 1, as exported, then the same graph on the whole batch:
            // the interpreter ignores the declared batch like a batch change
            agrees::<f32>(net, &q, &x[..d]);
            agrees::<f32>(net, &q, &x);
            let plain = run::<f32>(&f32_model, x.iter().map(|&v| v as f32).collect(), POINTS);
            let quant = run::<f32>(&q, x.iter().map(|&v| v as f32).collect(), POINTS);
            let bits = |t: &Tensor<f32>| t.floats().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&plain["y"]), bits(&quant["y"]));
        }
        Err(e) => {
            let cb = net.codebook();
            assert!(
                cb.quantization() == Quantization::Nonlinear && cb.lambda() > 2,
                "QONNX refused {:?} lambda = {}: {e}",
                cb.quantization(),
                cb.lambda()
            );
        }
    }
}

/// Every `Quant` node: shared scalars, signed narrow, its dequantized
/// values in float32(codebook ∪ {0}) and its integers in range; and every
/// parameter vector goes through one.
fn check_quant_nodes(net: &Net, model: &ModelProto) {
    let graph = model.graph.as_ref().unwrap();
    assert!(
        model
            .opset_import
            .iter()
            .any(|o| o.domain.as_deref() == Some(QONNX_DOMAIN) && o.version == Some(1))
    );
    let inits: BTreeMap<&str, &TensorProto> = graph
        .initializer
        .iter()
        .map(|t| (t.name.as_deref().unwrap(), t))
        .collect();
    let scalar = |name: &str| {
        let t = decode::<f32>(inits[name]);
        assert!(t.shape.is_empty());
        t.floats()[0]
    };
    let allowed: Vec<u32> = net
        .codebook()
        .values()
        .iter()
        .chain(std::iter::once(&<Rational as Zero>::zero()))
        .map(|v| <f32 as Scalar>::from_exact(v).to_bits())
        .collect();
    let quants: Vec<&NodeProto> = graph
        .node
        .iter()
        .filter(|n| n.op_type.as_deref() == Some("Quant"))
        .collect();
    assert!(!quants.is_empty());
    let mut quantized = std::collections::BTreeSet::new();
    for node in &quants {
        assert_eq!(node.domain.as_deref(), Some(QONNX_DOMAIN));
        assert_eq!((attr_i(node, "signed"), attr_i(node, "narrow")), (1, 1));
        let (scale, zeropt, bits) = (
            scalar(&node.input[1]),
            scalar(&node.input[2]),
            scalar(&node.input[3]),
        );
        assert_eq!(zeropt, 0.0);
        assert!(bits >= 2.0 && bits.fract() == 0.0);
        let limit = (1i64 << (bits as u32 - 1)) - 1;
        let w = decode::<f32>(inits[node.input[0].as_str()]);
        for &v in w.floats() {
            let q = (v / scale).round_ties_even();
            assert!(q.abs() <= limit as f32, "{v} / {scale} out of {bits} bits");
            let back = q * scale;
            assert_eq!(back.to_bits(), v.to_bits(), "{v} is not q·scale");
            // a finite codebook by its float32 values; a uniform grid
            // (no list) by the float32 value of q·η, q·η on the grid
            let on_grid = || {
                net.codebook().grid().is_some_and(|(eta, _)| {
                    let exact = eta * int(q as i64);
                    (exact.is_zero() || net.codebook().contains(&exact))
                        && <f32 as Scalar>::from_exact(&exact).to_bits() == back.to_bits()
                })
            };
            assert!(
                allowed.contains(&back.to_bits())
                    || (net.codebook().values().is_empty() && on_grid()),
                "{back} not in the codebook ∪ {{0}}"
            );
        }
        quantized.insert(node.output[0].clone());
    }
    // every Mul's weights (with the biases) are a Quant output
    for node in &graph.node {
        if node.op_type.as_deref() == Some("Mul") {
            assert!(quantized.contains(&node.input[1]), "{:?}", node.name);
        }
    }
}

/// The codebooks the property test draws from.
fn codebook(kind: usize) -> (Quantization, u32, Option<u32>) {
    match kind {
        0 => (Quantization::Nonlinear, 2, None),
        1 => (Quantization::Nonlinear, 3, Some(8)),
        2 => (Quantization::Linear, 3, None),
        3 => (Quantization::Linear, 4, None),
        4 => (Quantization::Linear, 5, None),
        // 2^−6 and 2^−36: float32 storage, not binary16
        _ => (Quantization::Nonlinear, 4, Some(128)),
    }
}

/// A random polynomial in `d` inputs with coefficients in quarters.
fn poly(d: usize, terms: &[(i64, u32, u32, u32)]) -> Poly {
    terms.iter().fold(Poly::zero(d), |acc, &(c, a, b, e)| {
        let mut m = Poly::constant(d, ratio(c, 4));
        for (i, k) in [a, b, e].into_iter().enumerate().take(d) {
            m = m.mul(&Poly::var(d, i).pow(k));
        }
        acc.add(&m)
    })
}

/// Cases of [`exports_random_networks`]: `QRELU_ONNX_CASES` or 40.
fn cases() -> u32 {
    std::env::var("QRELU_ONNX_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Random polynomials in one to three inputs on `[0, 1]` or `[−1, 1]`,
    /// direct (r 1..=4) or Theorem 1 (n = 1, N = 2, one or two inputs)
    /// or Lipschitz (one input), in five codebooks: every model agrees
    /// with the evaluator bit for bit, and with exact evaluation on the
    /// lattice.
    #[test]
    fn exports_random_networks(
        d in 1usize..=3,
        terms in proptest::collection::vec((-4i64..=4, 0u32..=2, 0u32..=2, 0u32..=1), 1..=4),
        signs in proptest::collection::vec(any::<bool>(), 3),
        r in 1u32..=4,
        kind in 0usize..6,
        structure in 0usize..3,
        seed in any::<u64>(),
    ) {
        let structure = match structure {
            1 if d <= 2 => Structure::Taylor,
            2 if d == 1 => Structure::Lipschitz,
            _ => Structure::Direct,
        };
        let f = poly(d, &terms);
        prop_assume!(!f.is_zero());
        let f = match structure {
            // derivatives bounded by 1 (eq. 1), Lipschitz constant ≤ 1
            Structure::Taylor => f.scale(&ratio(1, 16)),
            Structure::Lipschitz => f.scale(&ratio(1, 8)),
            Structure::Direct => f,
        };
        let names = ["x", "y", "z"];
        let mut s = NetSpec::new("F", &names[..d], f);
        let (quantization, lambda, t) = codebook(kind);
        (s.quantization, s.lambda, s.t) = (quantization, lambda, t);
        s.structure = structure;
        match structure {
            Structure::Taylor => (s.n, s.grid, s.r) = (Some(1), Some(2), Some(3)),
            Structure::Lipschitz => (s.t, s.eps) = (None, Some(ratio(1, 1 << (r + 3)))),
            Structure::Direct => {
                s.r = Some(r);
                for (dom, &negative) in s.domain.iter_mut().zip(&signs) {
                    if negative {
                        dom.0 = int(-1);
                    }
                }
            }
        }
        let c = match build(&s) {
            Ok(c) => c,
            // a target a structure refuses (Lipschitz or derivatives
            // above 1) is skipped
            Err(_) if structure != Structure::Direct => return Ok(()),
            Err(e) => panic!("{e}"),
        };
        check_construction(&c, seed, Exactness::Lattice);
    }
}

/// Elementary targets (direct, expression lowering) in several codebooks.
#[test]
fn exports_elementary_targets() {
    let x = || Expr::var(0);
    let targets = [
        x().call(Elementary::Exp),
        Expr::Mul(Box::new(Expr::constant(int(3))), Box::new(x())).call(Elementary::Sin),
        x().call(Elementary::Tanh),
    ];
    for (i, target) in targets.into_iter().enumerate() {
        for kind in [0, 1, 2] {
            let mut s = NetSpec::new("E", &["x"], target.clone());
            let (quantization, lambda, t) = codebook(kind);
            (s.quantization, s.lambda, s.t) = (quantization, lambda, t);
            s.eps = Some(ratio(1, 64));
            let c = build(&s).unwrap_or_else(|e| panic!("target {i}, codebook {kind}: {e}"));
            check_construction(&c, i as u64, Exactness::Lattice);
        }
    }
}

fn square(lambda: u32, quantization: Quantization) -> Construction {
    let mut s = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
    s.r = Some(3);
    (s.lambda, s.quantization) = (lambda, quantization);
    build(&s).unwrap()
}

#[test]
fn qonnx_refuses_nonlinear_codebooks_beyond_two_values() {
    let c = square(3, Quantization::Nonlinear);
    let e = to_qonnx(&c.net, "Square").unwrap_err();
    let m = e.to_string();
    assert!(m.contains("lambda = 3"), "{m}");
    assert!(m.contains("not a uniform integer grid"), "{m}");
    assert!(m.contains("use lambda = 2 or quantization = linear"), "{m}");
    // the plain ONNX models are still written
    assert!(to_onnx(&c.net, &Options::default()).is_ok());
    // no codebook at all
    let free = c
        .net
        .requantized(Codebook::unquantized(), Clone::clone)
        .unwrap();
    let m = to_qonnx(&free, "Square").unwrap_err().to_string();
    assert!(m.contains("unquantized"), "{m}");
}

/// The scale and bit width of each expressible codebook, and the values
/// every `Quant` node dequantizes to (`check_quant_nodes`).
#[test]
fn quant_nodes_carry_the_codebook() {
    let cases = [
        (square(2, Quantization::Nonlinear), ratio(1, 2), 2.0),
        (square(3, Quantization::Linear), ratio(1, 2), 2.0),
        (square(4, Quantization::Linear), ratio(1, 6), 3.0),
        (square(5, Quantization::Linear), ratio(1, 4), 3.0),
        (square(9, Quantization::Linear), ratio(1, 8), 4.0),
    ];
    for (c, scale, bits) in cases {
        let model = decode_model(&to_qonnx(&c.net, "Square").unwrap());
        let graph = model.graph.as_ref().unwrap();
        let get = |name: &str| {
            let t = graph
                .initializer
                .iter()
                .find(|t| t.name.as_deref() == Some(name))
                .unwrap();
            decode::<f32>(t).floats()[0]
        };
        assert_eq!(get("quant.scale"), <f32 as Scalar>::from_exact(&scale));
        assert_eq!(get("quant.bitwidth"), bits);
        let meta = model
            .metadata_props
            .iter()
            .find(|e| e.key.as_deref() == Some("qrelu.quant.scale"))
            .unwrap();
        assert_eq!(
            meta.value.as_deref(),
            Some(rational::display(&scale).as_str())
        );
        check_quant_nodes(&c.net, &model);
        let x = random_points(&c.spec.domain, 8, 7);
        agrees::<f32>(&c.net, &model, &x);
    }
    // a uniform grid: step 1/4 up to 1, nine levels, 4 bits
    let c = square(2, Quantization::Nonlinear);
    let grid = Codebook::uniform(ratio(1, 4), int(1)).unwrap();
    let net = c.net.requantized(grid, Clone::clone).unwrap();
    let model = decode_model(&to_qonnx(&net, "Square").unwrap());
    check_quant_nodes(&net, &model);
    let bits = model
        .graph
        .as_ref()
        .unwrap()
        .initializer
        .iter()
        .find(|t| t.name.as_deref() == Some("quant.bitwidth"))
        .map(|t| decode::<f32>(t).floats()[0]);
    assert_eq!(bits, Some(4.0));
}

/// Constant units (no edges) and an output without edges: the column of
/// ones has the batch's shape and stays 1 at ±∞ and NaN, so constants
/// stay constant.
#[test]
fn constant_units_have_the_batch_shape() {
    use crate::net::{LinearForm, NetBuilder};
    let cb = Codebook::nonlinear(2, 4).unwrap();
    let half = ratio(1, 2);
    let form = |terms: Vec<(usize, Rational)>| {
        let mut f = LinearForm::default();
        for (u, w) in terms {
            f.push(u, w);
        }
        f
    };
    let mut b = NetBuilder::new(cb.clone(), &["x".to_owned()]);
    let k = b.relu("k", half.clone(), &[]).unwrap();
    let neg = b.relu("n", -half.clone(), &[]).unwrap();
    let u = b
        .relu(
            "u",
            int(0),
            &[(0, half.clone()), (k, -half.clone()), (neg, half.clone())],
        )
        .unwrap();
    let net = b
        .finish(
            half.clone(),
            &form(vec![(u, half.clone()), (k, half.clone())]),
        )
        .unwrap();
    let model = decode_model(&to_onnx(&net, &Options::default()).unwrap());
    // finite inputs, −0, and inputs where the constants must stay constant
    agrees::<f64>(&net, &model, &[0.0, 1.0, 0.25, -0.0, -1.0, 3.0]);
    let y = run::<f64>(&model, vec![f64::INFINITY, f64::NAN], 2);
    let v1 = y["v1"].floats();
    assert_eq!(y["v1"].shape, vec![2, 4]);
    // columns: x, the ones, then the two constants (degree 0) in unit order
    assert_eq!(v1[1..4], [1.0, 0.5, 0.0]);
    assert_eq!(v1[5..8], [1.0, 0.5, 0.0]);
    // an output that is its bias alone
    let mut b = NetBuilder::new(cb, &["x".to_owned()]);
    let _ = b.relu("a", half.clone(), &[(0, half.clone())]).unwrap();
    let net = b.finish(-half.clone(), &LinearForm::default()).unwrap();
    let model = decode_model(&to_onnx(&net, &Options::default()).unwrap());
    agrees::<f64>(&net, &model, &[0.0, 0.5, 1.0]);
}

/// Each group's values in the narrowest exact type: λ = 4 with t = 128
/// has 2^−36 (float32, not binary16), ±1/6 needs the model's own type.
#[test]
fn values_are_stored_narrow_and_widened_exactly() {
    let stored = |c: &Construction, precision| {
        let options = Options {
            precision,
            ..Options::default()
        };
        let model = decode_model(&to_onnx(&c.net, &options).unwrap());
        let mut types: Vec<i32> = model
            .graph
            .unwrap()
            .initializer
            .iter()
            .filter(|t| {
                let n = t.name.as_deref().unwrap();
                n.ends_with(".w") || n.ends_with(".stored")
            })
            .filter_map(|t| t.data_type)
            .collect();
        types.sort_unstable();
        types.dedup();
        types
    };
    let mut s = NetSpec::new("Third", &["x"], Poly::var(1, 0).pow(2).scale(&ratio(1, 3)));
    (s.r, s.lambda, s.t) = (Some(2), 4, Some(128));
    let c = build(&s).unwrap();
    assert!(c.net.codebook().contains(&rational::pow2(-36)));
    assert_eq!(
        stored(&c, Precision::F64),
        vec![proto::FLOAT, proto::FLOAT16]
    );
    assert_eq!(
        stored(&c, Precision::F32),
        vec![proto::FLOAT, proto::FLOAT16]
    );
    check_construction(&c, 3, Exactness::WhereF64Is);
    // a third of every parameter, on the grid of step 1/6: float64 and
    // float32 storage (and a Quant scale of 1/6)
    let grid = Codebook::uniform(ratio(1, 6), int(1)).unwrap();
    let mut c = square(2, Quantization::Nonlinear);
    c.net = c.net.requantized(grid, |w| w / int(3)).unwrap();
    assert_eq!(stored(&c, Precision::F64), vec![proto::DOUBLE]);
    assert_eq!(stored(&c, Precision::F32), vec![proto::FLOAT]);
    check_construction(&c, 4, Exactness::WhereF64Is);
}

#[test]
fn binary16_holds_exactly_what_it_can() {
    use super::f16_bits;
    let cases = [
        (0.0, Some(0)),
        (0.5, Some(0x3800)),
        (-0.25, Some(0xb400)),
        (1.0 / 8.0 + 1.0 / 1024.0, Some(0x3008)),
        (65504.0, Some(0x7bff)),
        (2f64.powi(15), Some(0x7800)),
        (2f64.powi(-14), Some(0x0400)),
        (2f64.powi(-16), Some(0x0100)),
        (2f64.powi(-24), Some(0x0001)),
        (3.0 * 2f64.powi(-24), Some(0x0003)),
        (2f64.powi(16), None),
        (2f64.powi(-25), None),
        (3.0 * 2f64.powi(-25), None),
        (1.0 / 6.0, None),
        (1.0 + 2f64.powi(-11), None),
        (f64::INFINITY, None),
        (f64::NAN, None),
    ];
    for (v, bits) in cases {
        assert_eq!(f16_bits(v), bits, "{v:e}");
        if let Some(b) = bits {
            assert_eq!(f16_value(b), v);
        }
    }
    // every binary16 value but ±∞ and NaN round-trips
    for b in (0..=u16::MAX).filter(|b| (b >> 10) & 0x1f != 0x1f) {
        let v = f16_value(b);
        let expect = if v == 0.0 {
            v.is_sign_negative().then_some(0x8000).or(Some(0))
        } else {
            Some(b)
        };
        assert_eq!(f16_bits(v), expect, "{b:#06x}");
    }
}

#[test]
fn a_batch_of_zero_is_refused() {
    let c = square(2, Quantization::Nonlinear);
    let options = Options {
        batch: Some(0),
        ..Options::default()
    };
    let e = to_onnx(&c.net, &options).unwrap_err();
    assert_eq!(e.message(), "the batch size must be at least 1, found 0");
}

/// Size: a constant per weight (index + value) and per unit (its bias),
/// a constant per group.
#[test]
fn size_is_linear_in_the_weights() {
    let mut s = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
    s.r = Some(32);
    let c = build(&s).unwrap();
    let weights = c.metrics.weights;
    // the hidden units and the output
    let affines = c.net.units().len() - c.net.dim() + 1;
    // ±1/2 and 0 in binary16: 4 + 2 bytes
    for (precision, per_weight) in [(Precision::F64, 6), (Precision::F32, 6)] {
        let options = Options {
            precision,
            ..Options::default()
        };
        let bytes = to_onnx(&c.net, &options).unwrap();
        let model = decode_model(&bytes);
        let graph = model.graph.unwrap();
        let payload = |f: &dyn Fn(&str) -> bool| -> usize {
            graph
                .initializer
                .iter()
                .filter(|t| f(t.name.as_deref().unwrap()))
                .map(|t| t.raw_data.as_ref().map_or(0, Vec::len))
                .sum()
        };
        let per_group = |n: &str| n.ends_with(".i") || n.ends_with(".w") || n.ends_with(".stored");
        let groups = payload(&per_group);
        assert_eq!(groups, per_weight * (weights + affines));
        // the shared scalars: one index, the axis, one slot per degree
        assert!(payload(&|n| !per_group(n)) <= 8 * 16);
        let nodes = graph.node.len();
        assert!(
            bytes.len() < groups + 200 * nodes,
            "{} bytes, {nodes} nodes",
            bytes.len()
        );
    }
}
/// Bytes per weight and export time at about 1k, 10k and 100k weights
/// (Theorem 1 networks). Run in release:
/// `cargo test -p qrelu-core --features onnx --release --lib export::onnx::tests::sizes_and_times -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, for release builds"]
fn sizes_and_times() {
    use std::time::Instant;
    let smooth = Poly::from_terms(
        1,
        [
            (ratio(1, 6), vec![3]),
            (ratio(-1, 4), vec![2]),
            (ratio(1, 3), vec![1]),
        ],
    );
    let saddle = Poly::var(2, 0)
        .pow(2)
        .add(&Poly::var(2, 1).pow(2).scale(&int(-1)))
        .scale(&ratio(1, 4));
    let specs = [
        (
            "smooth, n = 2, N = 4",
            NetSpec::new("Smooth", &["x"], smooth),
            4,
            5,
        ),
        (
            "saddle, n = 2, N = 4",
            NetSpec::new("Saddle", &["x", "y"], saddle.clone()),
            4,
            4,
        ),
        (
            "saddle, n = 2, N = 12",
            NetSpec::new("Saddle", &["x", "y"], saddle),
            12,
            4,
        ),
    ];
    println!(
        "| network | weights | units | nodes | ONNX f64 B/w | ONNX f32 B/w | QONNX B/w | export f64 | f32 | QONNX |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (label, mut s, grid, r) in specs {
        s.structure = Structure::Taylor;
        (s.n, s.grid, s.r) = (Some(2), Some(grid), Some(r));
        s.max_weights = 1_000_000;
        let c = build(&s).unwrap();
        let weights = c.metrics.weights as f64;
        let timed = |f: &dyn Fn() -> Vec<u8>| {
            let start = Instant::now();
            let bytes = f();
            (bytes, start.elapsed())
        };
        let (f64_bytes, t64) = timed(&|| to_onnx(&c.net, &Options::default()).unwrap());
        let f32_options = Options {
            precision: Precision::F32,
            ..Options::default()
        };
        let (f32_bytes, t32) = timed(&|| to_onnx(&c.net, &f32_options).unwrap());
        let (q_bytes, tq) = timed(&|| to_qonnx(&c.net, "Saddle").unwrap());
        let nodes = decode_model(&f64_bytes).graph.unwrap().node.len();
        println!(
            "| {label} | {} | {} | {nodes} | {:.2} | {:.2} | {:.2} | {:.0} ms | {:.0} ms | {:.0} ms |",
            c.metrics.weights,
            c.net.units().len(),
            f64_bytes.len() as f64 / weights,
            f32_bytes.len() as f64 / weights,
            q_bytes.len() as f64 / weights,
            t64.as_secs_f64() * 1e3,
            t32.as_secs_f64() * 1e3,
            tq.as_secs_f64() * 1e3,
        );
    }
}
