//! Exporters: the network in formats other tools read.

pub mod json;
