//! Exporters: the network in formats other tools read.

pub mod json;
#[cfg(feature = "onnx")]
pub mod onnx;
#[cfg(feature = "svg")]
pub mod svg;
