//! Quantization schemes: the codebooks networks draw their weights from.

pub mod codebook;

pub use codebook::{Codebook, Quantization};
