//! placeholder
use proc_macro::TokenStream;
/// placeholder
#[proc_macro]
pub fn qrelu(_input: TokenStream) -> TokenStream { TokenStream::new() }
