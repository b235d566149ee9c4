//! Quantization schemes: the codebooks networks draw their weights from.

pub mod codebook;

pub mod uniform;

pub use codebook::{Codebook, Quantization};
