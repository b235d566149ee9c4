//! The `qrelu!` procedural macro.
//!
//! Pipeline, one named step each: `ast::parse` (syntax, spans kept) →
//! `valid::validate` (semantic checks, all errors collected) →
//! `lower::lower` (build the network with qrelu-core) →
//! `expand::expand_net` (emit the items). On any error the macro emits
//! the errors and a stub of the expected items (`expand::expand_stub`),
//! so that one mistake reads as one error. Use the macro through the
//! `qrelu` facade crate, which documents the DSL.
#![warn(missing_docs)]

mod ast;
mod expand;
mod lower;
mod valid;

#[cfg(test)]
mod cost;

use proc_macro2::TokenStream;

/// Compiles `net` items into quantized ReLU networks; see the `qrelu`
/// crate for the DSL.
#[proc_macro]
pub fn qrelu(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    run(input.into()).into()
}

fn run(input: TokenStream) -> TokenStream {
    let input = match ast::parse(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let stubs: Vec<TokenStream> = input
        .nets
        .iter()
        .map(|n| {
            let inputs: Vec<_> = n.inputs.iter().map(|i| i.name.clone()).collect();
            expand::expand_stub(&n.attrs, &n.vis, &n.name, &inputs)
        })
        .collect();
    let nets = match valid::validate(input) {
        Ok(nets) => nets,
        Err(e) => {
            let errors = e.to_compile_error();
            return quote::quote!(#errors #(#stubs)*);
        }
    };
    let mut out = TokenStream::new();
    for (net, stub) in nets.iter().zip(stubs) {
        match lower::lower(net) {
            Ok(c) => {
                let item = expand::Item {
                    attrs: &net.attrs,
                    vis: &net.vis,
                    name: &net.name,
                    inputs: net.inputs.iter().map(|i| i.name.clone()).collect(),
                };
                out.extend(expand::expand_net(&item, &c));
            }
            Err(e) => {
                out.extend(e.to_compile_error());
                out.extend(stub);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::run;
    use quote::quote;

    fn pretty(tokens: proc_macro2::TokenStream) -> String {
        let file: syn::File = syn::parse2(tokens).expect("the expansion parses as a file");
        prettyplease::unparse(&file)
    }

    /// The expansion of a small net, as a reader of `cargo expand` sees it.
    #[test]
    fn expansion_snapshot_square_r3() {
        let out = run(quote! {
            /// x² with three tent blocks.
            pub net Square(x) = x^2 where r = 3, lambda = 2;
        });
        expect_test::expect_file!["../tests/snapshots/square_r3.rs"].assert_eq(&pretty(out));
    }

    /// The same invocation always expands to the same tokens (SPEC §8).
    #[test]
    fn expansion_is_deterministic() {
        let input = quote! {
            pub net A(x) = x^2 where r = 7, lambda = 3;
            net B(y) = y^2 where r = 2;
        };
        assert_eq!(run(input.clone()).to_string(), run(input).to_string());
    }

    /// A bad invocation yields the errors and stubs of every item.
    #[test]
    fn errors_come_with_stubs() {
        let out = pretty(run(quote! {
            pub net A(x) = x^2 where r = 0;
            pub net B(x) = x^3 where r = 2;
        }));
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains("pub struct A;") && out.contains("pub struct B;"),
            "{out}"
        );
    }
}
