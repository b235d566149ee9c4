//! The `qrelu!` procedural macro: a thin entry over [`qrelu_syntax`], which
//! parses the DSL, validates it, builds the network with qrelu-core and
//! expands it (`qrelu_syntax::expand`). Use the macro through the `qrelu`
//! facade crate, which documents the DSL.
#![warn(missing_docs)]

/// Compiles `net` items into quantized ReLU networks; see the `qrelu`
/// crate for the DSL.
#[proc_macro]
pub fn qrelu(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    qrelu_syntax::expand(input.into()).into()
}
