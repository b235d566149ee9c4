//! ONNX and QONNX models of a network (SPEC §11).
//!
//! [`to_onnx`] writes a standard ONNX model — IR version [`IR_VERSION`],
//! default-domain operator set [`OPSET`] — that computes the network's
//! function on a batch: input `x` of shape `[N, d]` (`N` a symbolic
//! dimension named `"N"`, or fixed by [`Options::batch`]), output `y` of
//! shape `[N, 1]`, in float64 ([`Precision::F64`], the default) or float32.
//! [`to_qonnx`] writes the same graph in float32 for a batch of 1 with
//! every weight and bias behind a QONNX `Quant` node (domain
//! [`QONNX_DOMAIN`]), so that hls4ml and FINN see the codebook as a
//! quantization.
//!
//! # Layout
//!
//! Hidden units are layered by their longest path from the inputs (a unit
//! without edges is in layer 1). A value tensor `V` holds, as columns,
//! every unit computed so far: `V₀ = Concat(x, 1)` (the inputs and a
//! column of ones), and after layer `l`,
//! `V_l = Concat(V_{l−1}, u_{l,1}, u_{l,2}, …)` along axis 1. Inside a
//! layer, units are grouped by in-degree `d`; a group of `g` units is
//! computed by five nodes from two `[d + 1, g]` constants — `idx` (the
//! column in `V` of each unit's bias "source", the ones, then of its
//! edges' sources in edge order; int32, int64 beyond 2³¹ columns) and `w`
//! (each unit's bias, then its weights):
//!
//! ```text
//! P = Mul(Gather(V, idx, axis = 1), w)        [N, d + 1, g]: b·1, w₀·v₀, …, w_{d−1}·v_{d−1}
//! S = CumSum(P, axis = 1)                     S_k = S_{k−1} + P_k
//! u = Relu(Gather(S, d, axis = 1))            [N, g]
//! ```
//!
//! The products are exact for the bias (`b·1 = b`) and rounded once for
//! each edge; the running sum adds them one by one in edge order — the
//! evaluator's `acc = b; acc = acc + w·v` ([`crate::eval`]): one rounding
//! per multiplication and per addition, no fused operation, no padding.
//! So the float64 model is **bit-identical** to [`crate::eval::eval_f64`]
//! at every input (the float32 model to `Evaluator::<f32>`), and exact
//! where that evaluation is (SPEC §3: dyadic weights and inputs, while no
//! intermediate value needs more than 53 significant bits). The output
//! unit is a group of one without `Relu`; its last `Gather` is `y`.
//!
//! `CumSum` is specified as the running sum "first element copied as is";
//! the order of its additions is the natural one, `S_k = S_{k−1} + P_k`,
//! in onnxruntime's CPU kernel (which the CI check runs, against a numpy
//! simulation, bit for bit). A runtime that summed a prefix in another
//! order (a parallel scan) would still compute the network, with the
//! rounding of another summation order. One `CumSum` per group instead of
//! one `Add` per edge slot keeps the graph to five nodes per group
//! whatever the degree: node-by-node executors (qonnx's) are quadratic in
//! the number of nodes.
//!
//! The column of ones is `Cast(Not(Less(x₀, x₀)))` (`x₀` the first input
//! column): it has the batch's shape and does not depend on the input's
//! value (NaN and ±∞ included: `Less` is false). Constant units
//! (`relu(b)`, degree 0) are groups with the bias slot alone. No sum can be
//! −0 (it starts at the bias, never −0, and round-to-nearest adds two
//! zeros of different signs to +0), so the sign of zero `Relu` returns
//! does not matter.
//!
//! Nothing grows with the square of the network: each weight costs one
//! index (4 bytes) and one value, each unit the same for its bias. Values
//! are stored in the narrowest float type that holds all of a group's
//! exactly — binary16 (2 bytes: ±1/2, 0 and the powers 2^−k, k ≤ 24, of
//! the nonlinear codebooks, multiples of 1/4 …), float32 or the model's
//! type — and widened by an exact `Cast`: 6 bytes per weight for most
//! codebooks, 8 or 12 when a value needs more bits (linear λ = 4's ±1/6).
//! Each group is five nodes (six with the `Cast`), each layer one
//! `Concat`. `value_info` gives every intermediate tensor's type and
//! shape, so tools that run one node at a time (the qonnx executor) need
//! no shape inference. Run time: `Concat` copies `V` once per layer, so a
//! batch costs O(depth × units) copies besides the O(weights) arithmetic.
//!
//! # QONNX
//!
//! In [`to_qonnx`] every group's `w` (its weights and biases) is a float32
//! initializer followed by `Quant(w, scale, zeropt = 0, bitwidth)` with
//! `signed = 1`, `narrow = 1`, `rounding_mode = "ROUND"` (qonnx 1.0's
//! `Quant`, an alias of `IntQuant`: `y = round(clip(w / scale)) · scale`
//! in float32). The grid is the codebook's: `scale` is the largest `s`
//! with every codebook value an integer multiple of `s` (1/2 for λ = 2 and
//! linear λ = 3, 1/6 for linear λ = 4, the step η of a uniform grid), the
//! bit width the smallest signed narrow range holding the largest
//! multiple. At export every value is checked to survive the round trip in
//! float32 (`round(w₃₂ / s₃₂) = q` and `q · s₃₂ = w₃₂`, bit for bit), so
//! the qonnx executor computes exactly what the float32 ONNX model does.
//! Nonlinear codebooks with λ > 2 are refused: their values `2^−b^k` are
//! not a uniform integer grid, which is all `Quant` expresses.
//!
//! # Why prost
//!
//! The messages ([`proto`]) are the needed subset of `onnx.proto`, declared
//! by hand with `#[derive(prost::Message)]`: typed Rust structs with the
//! `.proto`'s field numbers, no `protoc` and no build script, and prost's
//! only run-time dependency is `bytes`. The tests decode the exported
//! bytes with the same messages and run them in a small interpreter of
//! the operators used.

pub mod proto;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use prost::Message;
use qrelu_runtime::Scalar;

use crate::net::{Edge, Net, UnitKind};
use crate::quantize::{Codebook, Quantization};
use crate::rational::{self, Rational};

use proto::tensor_shape_proto::{Dimension, dimension};
use proto::{
    AttributeProto, AttributeType, GraphProto, ModelProto, NodeProto, OperatorSetIdProto,
    StringStringEntryProto, TensorProto, TensorShapeProto, TypeProto, ValueInfoProto, type_proto,
};

/// The default-domain (`ai.onnx`) operator set the models use. Every
/// operator (`Gather`, `Mul`, `CumSum`, `Relu`, `Concat`, `Less`, `Not`,
/// `Cast`) is unchanged in meaning from opset 13 on.
pub const OPSET: i64 = 13;

/// The ONNX IR version of the models (IR 8, onnx 1.10 and later).
pub const IR_VERSION: i64 = 8;

/// The domain of QONNX's `Quant` operator, imported at version 1.
pub const QONNX_DOMAIN: &str = "qonnx.custom_op.general";

/// The largest serialized model: protobuf (and so every ONNX reader)
/// refuses messages of 2 GiB or more.
pub const MAX_BYTES: usize = (1 << 31) - 1;

/// The floating-point type of a model's tensors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Precision {
    /// float64: bit-identical to [`crate::eval::eval_f64`] (module docs).
    #[default]
    F64,
    /// float32: bit-identical to `Evaluator::<f32>`, weights rounded to
    /// the nearest float32 as `Scalar::from_exact` rounds them.
    F32,
}

/// What [`to_onnx`] writes (SPEC §11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// the graph's name
    pub name: String,
    /// float64 or float32 tensors
    pub precision: Precision,
    /// a fixed batch size, or `None` for the symbolic dimension `"N"`
    pub batch: Option<usize>,
}

impl Default for Options {
    /// Name `"net"`, float64, dynamic batch.
    fn default() -> Self {
        Options {
            name: "net".to_owned(),
            precision: Precision::F64,
            batch: None,
        }
    }
}

/// Why a network cannot be exported; the message says what and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportError {
    message: String,
}

impl ExportError {
    fn new(message: impl Into<String>) -> Self {
        ExportError {
            message: message.into(),
        }
    }

    /// The message, lowercase, without a final period.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExportError {}

/// The network as an ONNX model (module docs: layout, opset, exactness).
///
/// # Errors
/// A batch of 0, or a model of 2 GiB or more ([`MAX_BYTES`]).
///
/// ```
/// use qrelu_core::{build, NetSpec, Poly};
/// use qrelu_core::export::onnx::{to_onnx, Options};
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(3);
/// let bytes = to_onnx(&build(&spec).unwrap().net, &Options::default()).unwrap();
/// assert!(bytes.len() > 100);
/// ```
pub fn to_onnx(net: &Net, options: &Options) -> Result<Vec<u8>, ExportError> {
    if options.batch == Some(0) {
        return Err(ExportError::new(
            "the batch size must be at least 1, found 0",
        ));
    }
    let model = model(net, &options.name, options.precision, options.batch, None);
    encode(&model)
}

/// The network as a QONNX model for hls4ml and FINN: float32, a batch of
/// 1, every weight and bias vector behind a `Quant` node whose scale, bit
/// width, `signed` and `narrow` describe the codebook (module docs).
///
/// # Errors
/// A codebook `Quant` cannot express — nonlinear with λ > 2, or no
/// codebook — or a value that does not survive quantization in float32
/// exactly, or a model of 2 GiB or more.
pub fn to_qonnx(net: &Net, name: &str) -> Result<Vec<u8>, ExportError> {
    let grid = QuantGrid::of(net)?;
    let model = model(net, name, Precision::F32, Some(1), Some(&grid));
    encode(&model)
}

fn encode(model: &ModelProto) -> Result<Vec<u8>, ExportError> {
    let len = model.encoded_len();
    if len > MAX_BYTES {
        return Err(ExportError::new(format!(
            "the model would take {len} bytes, above protobuf's limit of 2 GiB; \
             export a smaller network"
        )));
    }
    Ok(model.encode_to_vec())
}

/// The integer grid `{q·scale : |q| ≤ 2^(bits−1) − 1}` a `Quant` node
/// expresses, with the codebook on it.
#[derive(Clone, Debug)]
struct QuantGrid {
    scale: Rational,
    scale32: f32,
    bits: u32,
}

impl QuantGrid {
    /// The grid of `net`'s codebook, every weight and bias checked on it.
    fn of(net: &Net) -> Result<QuantGrid, ExportError> {
        let codebook = net.codebook();
        let (scale, largest) = grid_of(codebook)?;
        // narrow signed range [−(2^(bits−1) − 1), 2^(bits−1) − 1] ∋ ±largest
        let mut bits = 2;
        while BigInt::from((1u64 << (bits - 1)) - 1) < largest {
            bits += 1;
            if bits > 24 {
                return Err(ExportError::new(format!(
                    "the codebook's grid needs {} integer levels of step {}, \
                     beyond the 24 bits a float32 holds exactly",
                    largest * 2u32 + 1u32,
                    rational::display(&scale)
                )));
            }
        }
        let grid = QuantGrid {
            scale32: <f32 as Scalar>::from_exact(&scale),
            scale,
            bits,
        };
        // every value a Quant node will see: the codebook, 0, and what
        // the network uses (a uniform grid lists no values)
        let mut values: BTreeMap<Rational, ()> = BTreeMap::new();
        values.insert(<Rational as Zero>::zero(), ());
        for v in codebook.values() {
            values.insert(v.clone(), ());
        }
        let mut add = |bias: &Rational, edges: &[Edge]| {
            values.insert(bias.clone(), ());
            for e in edges {
                values.insert(e.weight.clone(), ());
            }
        };
        for u in net.units() {
            if let UnitKind::Relu { bias, inputs } = &u.kind {
                add(bias, inputs);
            }
        }
        add(&net.output().bias, &net.output().inputs);
        for v in values.keys() {
            grid.check(v)?;
        }
        Ok(grid)
    }

    /// `v = q·scale` with `q` in range, and the float32 round trip of
    /// qonnx's `Quant` returns `v`'s float32 value bit for bit.
    fn check(&self, v: &Rational) -> Result<(), ExportError> {
        let ratio = v / &self.scale;
        let limit = (1i64 << (self.bits - 1)) - 1;
        let q = match (ratio.is_integer(), ratio.to_integer().to_i64()) {
            (true, Some(q)) if q.abs() <= limit => q,
            _ => {
                return Err(ExportError::new(format!(
                    "the value {} is not an integer multiple of the scale {} within {} bits",
                    rational::display(v),
                    rational::display(&self.scale),
                    self.bits
                )));
            }
        };
        let w32 = <f32 as Scalar>::from_exact(v);
        let back = (w32 / self.scale32).round_ties_even();
        let dequantized = back * self.scale32;
        if back != q as f32 || dequantized.to_bits() != w32.to_bits() {
            return Err(ExportError::new(format!(
                "the value {} does not survive quantization in float32: \
                 round({w32:e} / {:e}) = {back}, times the scale {dequantized:e}, \
                 expected {q} and {w32:e}",
                rational::display(v),
                self.scale32
            )));
        }
        Ok(())
    }
}

/// The step and the largest multiple of a codebook `Quant` can express.
fn grid_of(codebook: &Codebook) -> Result<(Rational, BigInt), ExportError> {
    let lambda = codebook.lambda();
    match codebook.quantization() {
        Quantization::Nonlinear if lambda > 2 => Err(ExportError::new(format!(
            "QONNX cannot express the nonlinear codebook of lambda = {lambda}: its values \
             -1/2 and 2^-b^k are not a uniform integer grid, and a `Quant` node expresses \
             only integers times one scale; use lambda = 2 or quantization = linear"
        ))),
        Quantization::Unquantized => Err(ExportError::new(
            "QONNX cannot express an unquantized network: its weights come from no codebook",
        )),
        Quantization::Uniform => {
            let (eta, bound) = codebook
                .grid()
                .ok_or_else(|| ExportError::new("a uniform codebook without its grid"))?;
            Ok((eta.clone(), rational::floor(&(bound / eta))))
        }
        Quantization::Nonlinear | Quantization::Linear => {
            // scale = gcd(numerators) / lcm(denominators) of the nonzero values
            let mut num = BigInt::zero();
            let mut den = BigInt::one();
            for v in codebook.values().iter().filter(|v| !v.is_zero()) {
                num = num.gcd(v.numer());
                den = den.lcm(v.denom());
            }
            if num.is_zero() {
                return Err(ExportError::new("a codebook without nonzero values"));
            }
            let scale = Rational::new(num, den);
            let largest = codebook
                .values()
                .iter()
                .map(|v| (v / &scale).to_integer().abs())
                .max()
                .unwrap_or_default();
            Ok((scale, largest))
        }
    }
}

/// Where each unit is computed: its layer, and the groups of each layer.
struct Layout {
    /// the column of each unit in the final value tensor (inputs first,
    /// then the column of ones, then the hidden units layer by layer)
    column: Vec<usize>,
    /// the column of ones, `d`
    one: usize,
    /// per layer (from 1), the groups by ascending in-degree, each the
    /// unit ids in ascending order
    layers: Vec<Vec<Vec<usize>>>,
}

impl Layout {
    fn of(net: &Net) -> Layout {
        let units = net.units();
        let mut layer = vec![0usize; units.len()];
        let mut layers: Vec<BTreeMap<usize, Vec<usize>>> = Vec::new();
        for (id, u) in units.iter().enumerate() {
            if let UnitKind::Relu { inputs, .. } = &u.kind {
                let l = 1 + inputs.iter().map(|e| layer[e.src]).max().unwrap_or(0);
                layer[id] = l;
                if layers.len() < l {
                    layers.resize_with(l, BTreeMap::new);
                }
                layers[l - 1].entry(inputs.len()).or_default().push(id);
            }
        }
        let mut column = vec![0; units.len()];
        for (id, u) in units.iter().enumerate() {
            if let UnitKind::Input { index } = u.kind {
                column[id] = index;
            }
        }
        let one = net.dim();
        let mut next = one + 1;
        let layers: Vec<Vec<Vec<usize>>> = layers
            .into_iter()
            .map(|groups| groups.into_values().collect())
            .collect();
        for group in layers.iter().flatten() {
            for &id in group {
                column[id] = next;
                next += 1;
            }
        }
        Layout {
            column,
            one,
            layers,
        }
    }
}

/// Builds the graph: nodes, initializers and value types.
struct Graph<'a> {
    elem: i32,
    precision: Precision,
    batch: Option<usize>,
    /// int64 indices when a column does not fit int32
    wide: bool,
    quant: Option<&'a QuantGrid>,
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    values: Vec<ValueInfoProto>,
    /// the slot indices made so far (one scalar per degree)
    slots: Vec<usize>,
}

fn attr_int(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        name: Some(name.to_owned()),
        r#type: Some(AttributeType::Int as i32),
        i: Some(i),
        ..Default::default()
    }
}

fn attr_string(name: &str, s: &str) -> AttributeProto {
    AttributeProto {
        name: Some(name.to_owned()),
        r#type: Some(AttributeType::String as i32),
        s: Some(s.as_bytes().to_vec()),
        ..Default::default()
    }
}

fn dim_value(n: usize) -> Dimension {
    Dimension {
        value: Some(dimension::Value::DimValue(n as i64)),
    }
}

fn value_info(name: &str, elem: i32, dims: Vec<Dimension>) -> ValueInfoProto {
    ValueInfoProto {
        name: Some(name.to_owned()),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: Some(elem),
                shape: Some(TensorShapeProto { dim: dims }),
            })),
        }),
        doc_string: None,
    }
}

impl Graph<'_> {
    fn batch_dim(&self) -> Dimension {
        match self.batch {
            Some(n) => dim_value(n),
            None => Dimension {
                value: Some(dimension::Value::DimParam("N".to_owned())),
            },
        }
    }

    /// Declares `name` as a `[N, dims…]` tensor of `elem`.
    fn batch_value(&mut self, name: &str, elem: i32, dims: &[usize]) {
        let mut all = vec![self.batch_dim()];
        all.extend(dims.iter().map(|&n| dim_value(n)));
        self.values.push(value_info(name, elem, all));
    }

    fn node(&mut self, op: &str, inputs: &[&str], output: &str, attrs: Vec<AttributeProto>) {
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|s| (*s).to_owned()).collect(),
            output: vec![output.to_owned()],
            name: Some(output.to_owned()),
            op_type: Some(op.to_owned()),
            attribute: attrs,
            ..Default::default()
        });
    }

    fn initializer(&mut self, name: &str, elem: i32, dims: Vec<i64>, raw: Vec<u8>) {
        self.initializers.push(TensorProto {
            dims,
            data_type: Some(elem),
            name: Some(name.to_owned()),
            raw_data: Some(raw),
            ..Default::default()
        });
    }

    /// A constant tensor of column indices.
    fn indices(&mut self, name: &str, dims: Vec<i64>, columns: impl Iterator<Item = usize>) {
        let (elem, raw) = if self.wide {
            (
                proto::INT64,
                columns.flat_map(|c| (c as i64).to_le_bytes()).collect(),
            )
        } else {
            (
                proto::INT32,
                columns.flat_map(|c| (c as i32).to_le_bytes()).collect(),
            )
        };
        self.initializer(name, elem, dims, raw);
    }

    /// A constant tensor of parameters in the model's precision; in QONNX,
    /// a float32 initializer behind a `Quant` node named `name`.
    fn parameters<'r>(
        &mut self,
        name: &str,
        dims: &[usize],
        values: impl Iterator<Item = &'r Rational>,
    ) {
        // the values in the model's precision, held in f64 (exactly)
        let values: Vec<f64> = match self.precision {
            Precision::F64 => values.map(<f64 as Scalar>::from_exact).collect(),
            Precision::F32 => values
                .map(|q| f64::from(<f32 as Scalar>::from_exact(q)))
                .collect(),
        };
        let shape: Vec<i64> = dims.iter().map(|&n| n as i64).collect();
        if self.quant.is_some() {
            // QONNX: float32 weights behind a Quant node
            let raw = values
                .iter()
                .flat_map(|&v| (v as f32).to_le_bytes())
                .collect();
            let float = format!("{name}.float");
            self.initializer(&float, self.elem, shape, raw);
            self.node(
                "Quant",
                &[&float, "quant.scale", "quant.zeropt", "quant.bitwidth"],
                name,
                vec![
                    attr_int("signed", 1),
                    attr_int("narrow", 1),
                    attr_string("rounding_mode", "ROUND"),
                ],
            );
            if let Some(node) = self.nodes.last_mut() {
                node.domain = Some(QONNX_DOMAIN.to_owned());
            }
            let dims = dims.iter().map(|&n| dim_value(n)).collect();
            self.values.push(value_info(name, self.elem, dims));
            return;
        }
        // the narrowest float type holding every value exactly, widened by
        // an exact Cast
        let half: Option<Vec<u16>> = values.iter().map(|&v| f16_bits(v)).collect();
        let single = values.iter().all(|&v| f64::from(v as f32) == v);
        let (elem, raw) = match half {
            Some(h) => (
                proto::FLOAT16,
                h.iter().flat_map(|b| b.to_le_bytes()).collect(),
            ),
            None if single && self.elem == proto::DOUBLE => (
                proto::FLOAT,
                values
                    .iter()
                    .flat_map(|&v| (v as f32).to_le_bytes())
                    .collect(),
            ),
            None => match self.precision {
                Precision::F64 => (
                    proto::DOUBLE,
                    values.iter().flat_map(|v| v.to_le_bytes()).collect(),
                ),
                Precision::F32 => (
                    proto::FLOAT,
                    values
                        .iter()
                        .flat_map(|&v| (v as f32).to_le_bytes())
                        .collect(),
                ),
            },
        };
        if elem == self.elem {
            self.initializer(name, elem, shape, raw);
            return;
        }
        let stored = format!("{name}.stored");
        self.initializer(&stored, elem, shape, raw);
        self.node(
            "Cast",
            &[&stored],
            name,
            vec![attr_int("to", i64::from(self.elem))],
        );
        let dims = dims.iter().map(|&n| dim_value(n)).collect();
        self.values.push(value_info(name, self.elem, dims));
    }

    /// `V₀ = Concat(x, one)`: the inputs and the column of ones (module
    /// docs), `d + 1` columns.
    fn first_values(&mut self, d: usize) -> String {
        self.indices("one.idx", vec![1], std::iter::once(0));
        self.node(
            "Gather",
            &["x", "one.idx"],
            "one.x0",
            vec![attr_int("axis", 1)],
        );
        self.batch_value("one.x0", self.elem, &[1]);
        self.node("Less", &["one.x0", "one.x0"], "one.less", vec![]);
        self.batch_value("one.less", proto::BOOL, &[1]);
        self.node("Not", &["one.less"], "one.true", vec![]);
        self.batch_value("one.true", proto::BOOL, &[1]);
        self.node(
            "Cast",
            &["one.true"],
            "one",
            vec![attr_int("to", i64::from(self.elem))],
        );
        self.batch_value("one", self.elem, &[1]);
        self.node("Concat", &["x", "one"], "v0", vec![attr_int("axis", 1)]);
        self.batch_value("v0", self.elem, &[d + 1]);
        // the axis every CumSum runs along: the slots
        self.initializer(
            "slot.axis",
            proto::INT64,
            vec![],
            1i64.to_le_bytes().to_vec(),
        );
        "v0".to_owned()
    }

    /// The scalar index of slot `k`, made once per `k`.
    fn slot(&mut self, k: usize) -> String {
        let name = format!("slot.{k}");
        if !self.slots.contains(&k) {
            self.slots.push(k);
            self.initializer(
                &name,
                proto::INT64,
                vec![],
                (k as i64).to_le_bytes().to_vec(),
            );
        }
        name
    }

    /// One group (module docs): `g` affine forms of degree `d` over the
    /// columns of `v`, summed in edge order after the bias; the sums are
    /// `out`, relu'd when `relu`.
    fn group(
        &mut self,
        prefix: &str,
        v: &str,
        members: &[(&Rational, &[Edge])],
        layout: &Layout,
        out: &str,
        relu: bool,
    ) {
        let g = members.len();
        let slots = 1 + members.first().map_or(0, |m| m.1.len());
        let dims = vec![slots as i64, g as i64];
        // slot 0 is the bias times the column of ones
        let idx = format!("{prefix}.i");
        let sources = (0..slots).flat_map(|k| {
            members.iter().map(move |m| match k {
                0 => layout.one,
                k => layout.column[m.1[k - 1].src],
            })
        });
        self.indices(&idx, dims, sources);
        let w = format!("{prefix}.w");
        let params = (0..slots).flat_map(|k| {
            members.iter().map(move |m| match k {
                0 => m.0,
                k => &m.1[k - 1].weight,
            })
        });
        self.parameters(&w, &[slots, g], params);
        let gathered = format!("{prefix}.g");
        self.node("Gather", &[v, &idx], &gathered, vec![attr_int("axis", 1)]);
        self.batch_value(&gathered, self.elem, &[slots, g]);
        let products = format!("{prefix}.m");
        self.node("Mul", &[&gathered, &w], &products, vec![]);
        self.batch_value(&products, self.elem, &[slots, g]);
        let sums = format!("{prefix}.s");
        self.node("CumSum", &[&products, "slot.axis"], &sums, vec![]);
        self.batch_value(&sums, self.elem, &[slots, g]);
        let last = self.slot(slots - 1);
        let z = if relu {
            format!("{prefix}.z")
        } else {
            out.to_owned()
        };
        self.node("Gather", &[&sums, &last], &z, vec![attr_int("axis", 1)]);
        self.batch_value(&z, self.elem, &[g]);
        if relu {
            self.node("Relu", &[&z], out, vec![]);
            self.batch_value(out, self.elem, &[g]);
        }
    }
}

/// The model of `net` (module docs); `quant` makes it QONNX.
fn model(
    net: &Net,
    name: &str,
    precision: Precision,
    batch: Option<usize>,
    quant: Option<&QuantGrid>,
) -> ModelProto {
    let layout = Layout::of(net);
    let elem = match precision {
        Precision::F64 => proto::DOUBLE,
        Precision::F32 => proto::FLOAT,
    };
    let mut graph = Graph {
        elem,
        precision,
        batch,
        wide: net.units().len() + 1 > i32::MAX as usize,
        quant,
        nodes: Vec::new(),
        initializers: Vec::new(),
        values: Vec::new(),
        slots: Vec::new(),
    };
    if let Some(q) = quant {
        let scalar = |v: f32| v.to_le_bytes().to_vec();
        graph.initializer("quant.scale", proto::FLOAT, vec![], scalar(q.scale32));
        graph.initializer("quant.zeropt", proto::FLOAT, vec![], scalar(0.0));
        graph.initializer(
            "quant.bitwidth",
            proto::FLOAT,
            vec![],
            scalar(q.bits as f32),
        );
    }
    let units = net.units();
    let mut v = graph.first_values(net.dim());
    let mut columns = net.dim() + 1;
    for (l, groups) in layout.layers.iter().enumerate() {
        let mut parts = vec![v.clone()];
        for (k, group) in groups.iter().enumerate() {
            let members: Vec<(&Rational, &[Edge])> = group
                .iter()
                .filter_map(|&id| match &units[id].kind {
                    UnitKind::Relu { bias, inputs } => Some((bias, inputs.as_slice())),
                    UnitKind::Input { .. } => None,
                })
                .collect();
            let prefix = format!("l{}g{k}", l + 1);
            let out = format!("{prefix}.u");
            graph.group(&prefix, &v, &members, &layout, &out, true);
            columns += members.len();
            parts.push(out);
        }
        let next = format!("v{}", l + 1);
        let inputs: Vec<&str> = parts.iter().map(String::as_str).collect();
        graph.node("Concat", &inputs, &next, vec![attr_int("axis", 1)]);
        graph.batch_value(&next, elem, &[columns]);
        v = next;
    }
    let out = net.output();
    graph.group(
        "out",
        &v,
        &[(&out.bias, out.inputs.as_slice())],
        &layout,
        "y",
        false,
    );
    // the graph's output is not an intermediate value
    graph.values.retain(|vi| vi.name.as_deref() != Some("y"));
    let x = value_info("x", elem, vec![graph.batch_dim(), dim_value(net.dim())]);
    let y = value_info("y", elem, vec![graph.batch_dim(), dim_value(1)]);
    let mut opset_import = vec![OperatorSetIdProto {
        domain: Some(String::new()),
        version: Some(OPSET),
    }];
    if quant.is_some() {
        opset_import.push(OperatorSetIdProto {
            domain: Some(QONNX_DOMAIN.to_owned()),
            version: Some(1),
        });
    }
    let codebook: Vec<String> = net
        .codebook()
        .values()
        .iter()
        .map(rational::display)
        .collect();
    let mut metadata_props = vec![
        entry("qrelu.inputs", &net.inputs().join(", ")),
        entry("qrelu.codebook", &codebook.join(", ")),
    ];
    if let Some(q) = quant {
        metadata_props.push(entry("qrelu.quant.scale", &rational::display(&q.scale)));
    }
    ModelProto {
        ir_version: Some(IR_VERSION),
        opset_import,
        producer_name: Some("qrelu".to_owned()),
        producer_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        doc_string: Some(format!(
            "the quantized ReLU network `{name}` ({} inputs, {} units) built by qrelu",
            net.dim(),
            units.len()
        )),
        graph: Some(GraphProto {
            node: graph.nodes,
            name: Some(name.to_owned()),
            initializer: graph.initializers,
            input: vec![x],
            output: vec![y],
            value_info: graph.values,
            ..Default::default()
        }),
        metadata_props,
        ..Default::default()
    }
}

/// The binary16 bits of `v` when `v` is exactly a binary16 value (±0, a
/// normal or a subnormal), else `None`.
fn f16_bits(v: f64) -> Option<u16> {
    let sign: u16 = if v.is_sign_negative() { 0x8000 } else { 0 };
    if v == 0.0 {
        return Some(sign);
    }
    let bits = v.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 || biased == 0x7ff {
        // f64 subnormals are far below binary16; ±∞ and NaN are no weights
        return None;
    }
    // |v| = m·2^e with m odd
    let significand = (bits & ((1 << 52) - 1)) | (1 << 52);
    let zeros = significand.trailing_zeros();
    let (m, e) = (significand >> zeros, biased - 1075 + zeros as i32);
    let len = 64 - m.leading_zeros() as i32;
    // the leading bit's exponent: |v| ∈ [2^p, 2^(p+1))
    let p = e + len - 1;
    if len > 11 || p > 15 {
        return None;
    }
    if p >= -14 {
        // normal: |v| = s·2^(p−10), s ∈ [1024, 2048), exponent field p + 15
        let s = (m << (11 - len)) as u16;
        return Some(sign | (((p + 15) as u16) << 10) | (s & 0x3ff));
    }
    // subnormal: |v| = f·2^−24, f < 1024
    if e < -24 {
        return None;
    }
    let f = m << (e + 24);
    (f < 1024).then_some(sign | f as u16)
}

fn entry(key: &str, value: &str) -> StringStringEntryProto {
    StringStringEntryProto {
        key: Some(key.to_owned()),
        value: Some(value.to_owned()),
    }
}
