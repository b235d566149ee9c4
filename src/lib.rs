//! placeholder
pub use qrelu_macros::qrelu;
pub use qrelu_runtime::*;
