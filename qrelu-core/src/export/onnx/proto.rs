//! The subset of `onnx.proto` (onnx 1.23, `syntax = "proto2"`) the
//! exporter writes, declared by hand as prost messages.
//!
//! Field numbers, wire types and presence follow `onnx/onnx.proto`
//! exactly: proto2 `optional` scalars are `Option`s (so an attribute
//! `i = 0` is still written), repeated scalars are unpacked unless the
//! `.proto` says `[packed = true]`. Fields the exporter never writes are
//! left out; a decoder skips them as unknown fields, so models written by
//! other tools still decode (their extra fields are dropped).

/// `TensorProto.DataType.FLOAT`.
pub const FLOAT: i32 = 1;
/// `TensorProto.DataType.INT32`.
pub const INT32: i32 = 6;
/// `TensorProto.DataType.INT64`.
pub const INT64: i32 = 7;
/// `TensorProto.DataType.BOOL`.
pub const BOOL: i32 = 9;
/// `TensorProto.DataType.FLOAT16`.
pub const FLOAT16: i32 = 10;
/// `TensorProto.DataType.DOUBLE`.
pub const DOUBLE: i32 = 11;

/// `ModelProto`: the top-level container.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ModelProto {
    /// the IR version the model follows
    #[prost(int64, optional, tag = "1")]
    pub ir_version: Option<i64>,
    /// the operator sets the graph uses, one per domain
    #[prost(message, repeated, tag = "8")]
    pub opset_import: Vec<OperatorSetIdProto>,
    /// the tool that wrote the model
    #[prost(string, optional, tag = "2")]
    pub producer_name: Option<String>,
    /// its version
    #[prost(string, optional, tag = "3")]
    pub producer_version: Option<String>,
    /// a reverse-DNS name of the model's namespace
    #[prost(string, optional, tag = "4")]
    pub domain: Option<String>,
    /// the model's own version
    #[prost(int64, optional, tag = "5")]
    pub model_version: Option<i64>,
    /// human-readable documentation
    #[prost(string, optional, tag = "6")]
    pub doc_string: Option<String>,
    /// the computation
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
    /// named metadata
    #[prost(message, repeated, tag = "14")]
    pub metadata_props: Vec<StringStringEntryProto>,
}

/// `StringStringEntryProto`: one metadata entry.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StringStringEntryProto {
    /// the key
    #[prost(string, optional, tag = "1")]
    pub key: Option<String>,
    /// the value
    #[prost(string, optional, tag = "2")]
    pub value: Option<String>,
}

/// `OperatorSetIdProto`: an operator set by domain and version.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OperatorSetIdProto {
    /// the domain; empty or absent for the default `ai.onnx`
    #[prost(string, optional, tag = "1")]
    pub domain: Option<String>,
    /// the operator set version
    #[prost(int64, optional, tag = "2")]
    pub version: Option<i64>,
}

/// `GraphProto`: nodes in topological order, their constant inputs, and
/// the graph's inputs and outputs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GraphProto {
    /// the nodes, topologically sorted
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    /// the graph's name
    #[prost(string, optional, tag = "2")]
    pub name: Option<String>,
    /// constant tensors, by name
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    /// human-readable documentation
    #[prost(string, optional, tag = "10")]
    pub doc_string: Option<String>,
    /// the graph's inputs
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    /// the graph's outputs
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
    /// types and shapes of intermediate values
    #[prost(message, repeated, tag = "13")]
    pub value_info: Vec<ValueInfoProto>,
}

/// `NodeProto`: one operator application.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeProto {
    /// input value names
    #[prost(string, repeated, tag = "1")]
    pub input: Vec<String>,
    /// output value names
    #[prost(string, repeated, tag = "2")]
    pub output: Vec<String>,
    /// the node's name
    #[prost(string, optional, tag = "3")]
    pub name: Option<String>,
    /// the operator
    #[prost(string, optional, tag = "4")]
    pub op_type: Option<String>,
    /// the operator's domain; absent for `ai.onnx`
    #[prost(string, optional, tag = "7")]
    pub domain: Option<String>,
    /// attributes
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
    /// human-readable documentation
    #[prost(string, optional, tag = "6")]
    pub doc_string: Option<String>,
}

/// `AttributeProto.AttributeType`: which value field an attribute uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum AttributeType {
    /// not set
    Undefined = 0,
    /// `f`
    Float = 1,
    /// `i`
    Int = 2,
    /// `s`
    String = 3,
    /// `t`
    Tensor = 4,
    /// `floats`
    Floats = 6,
    /// `ints`
    Ints = 7,
}

/// `AttributeProto`: a named attribute of a node.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AttributeProto {
    /// the attribute's name
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    /// human-readable documentation
    #[prost(string, optional, tag = "13")]
    pub doc_string: Option<String>,
    /// which of the value fields is used
    #[prost(enumeration = "AttributeType", optional, tag = "20")]
    pub r#type: Option<i32>,
    /// a float value
    #[prost(float, optional, tag = "2")]
    pub f: Option<f32>,
    /// an integer value
    #[prost(int64, optional, tag = "3")]
    pub i: Option<i64>,
    /// a UTF-8 string value
    #[prost(bytes = "vec", optional, tag = "4")]
    pub s: Option<Vec<u8>>,
    /// a tensor value
    #[prost(message, optional, tag = "5")]
    pub t: Option<TensorProto>,
    /// a list of floats (unpacked in proto2)
    #[prost(float, repeated, packed = "false", tag = "7")]
    pub floats: Vec<f32>,
    /// a list of integers (unpacked in proto2)
    #[prost(int64, repeated, packed = "false", tag = "8")]
    pub ints: Vec<i64>,
}

/// `ValueInfoProto`: a named value with its type.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ValueInfoProto {
    /// the value's name
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    /// its type
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<TypeProto>,
    /// human-readable documentation
    #[prost(string, optional, tag = "3")]
    pub doc_string: Option<String>,
}

/// `TypeProto`: the type of a value (tensors only here).
#[derive(Clone, PartialEq, prost::Message)]
pub struct TypeProto {
    /// the kind of type
    #[prost(oneof = "type_proto::Value", tags = "1")]
    pub value: Option<type_proto::Value>,
}

/// Nested messages of [`TypeProto`].
pub mod type_proto {
    /// `TypeProto.Tensor`: element type and shape.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Tensor {
        /// a `TensorProto.DataType`
        #[prost(int32, optional, tag = "1")]
        pub elem_type: Option<i32>,
        /// the shape; absent for an unknown rank
        #[prost(message, optional, tag = "2")]
        pub shape: Option<super::TensorShapeProto>,
    }

    /// `TypeProto.value`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        /// a tensor type
        #[prost(message, tag = "1")]
        TensorType(Tensor),
    }
}

/// `TensorShapeProto`: a list of dimensions.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShapeProto {
    /// the dimensions, outermost first
    #[prost(message, repeated, tag = "1")]
    pub dim: Vec<tensor_shape_proto::Dimension>,
}

/// Nested messages of [`TensorShapeProto`].
pub mod tensor_shape_proto {
    /// `TensorShapeProto.Dimension`: a fixed size or a named symbol.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Dimension {
        /// the size or symbol
        #[prost(oneof = "dimension::Value", tags = "1, 2")]
        pub value: Option<dimension::Value>,
    }

    /// Nested types of [`Dimension`].
    pub mod dimension {
        /// `Dimension.value`.
        #[derive(Clone, PartialEq, prost::Oneof)]
        pub enum Value {
            /// a fixed size
            #[prost(int64, tag = "1")]
            DimValue(i64),
            /// a symbolic size such as `"N"`
            #[prost(string, tag = "2")]
            DimParam(String),
        }
    }
}

/// `TensorProto`: a constant tensor (here always in `raw_data`,
/// little-endian, as the format prescribes).
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorProto {
    /// the shape (unpacked in proto2)
    #[prost(int64, repeated, packed = "false", tag = "1")]
    pub dims: Vec<i64>,
    /// a `TensorProto.DataType`
    #[prost(int32, optional, tag = "2")]
    pub data_type: Option<i32>,
    /// float elements (packed)
    #[prost(float, repeated, packed = "true", tag = "4")]
    pub float_data: Vec<f32>,
    /// int32 (and bool) elements (packed)
    #[prost(int32, repeated, packed = "true", tag = "5")]
    pub int32_data: Vec<i32>,
    /// int64 elements (packed)
    #[prost(int64, repeated, packed = "true", tag = "7")]
    pub int64_data: Vec<i64>,
    /// the tensor's name
    #[prost(string, optional, tag = "8")]
    pub name: Option<String>,
    /// human-readable documentation
    #[prost(string, optional, tag = "12")]
    pub doc_string: Option<String>,
    /// the elements as little-endian bytes
    #[prost(bytes = "vec", optional, tag = "9")]
    pub raw_data: Option<Vec<u8>>,
    /// double elements (packed)
    #[prost(double, repeated, packed = "true", tag = "10")]
    pub double_data: Vec<f64>,
}
