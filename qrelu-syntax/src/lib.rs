//! The `qrelu!` DSL as a library: its syntax tree, semantic checks,
//! lowering to qrelu-core and the Rust it expands to — what the proc macro
//! (`qrelu-macros`, a few lines over [`expand`](fn@expand)) runs at compile time, and
//! what tools and measurements outside the macro (the compile-cost harness
//! in `tests/cost.rs`; a command-line generator) call directly.
//!
//! The pipeline, one named step each: [`ast::parse`] (syntax, spans kept) →
//! [`valid::validate`] (semantic checks, all errors collected) →
//! [`lower::lower`] (build the network with qrelu-core) →
//! [`expand::expand_net`] (emit the items). On any error the expansion
//! holds the errors and a stub of the expected items
//! ([`expand::expand_stub`]), so that one mistake reads as one error.
//!
//! [`source`] runs the same steps on text (the `qrelu` command-line tool):
//! the same messages, each with the byte range of the tokens it points at.
#![warn(missing_docs)]

pub mod ast;
pub mod expand;
pub mod lower;
pub mod source;
pub mod valid;

use proc_macro2::TokenStream;

/// Expands the input of `qrelu! { … }`: the items of every net, or
/// compile errors and stubs (module docs).
pub fn expand(input: TokenStream) -> TokenStream {
    let input = match ast::parse(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    // the nets are unit structs: no generated local may take their names
    let taken = expand::Scope::with(input.nets.iter().map(|n| &n.name));
    let stubs = expand::expand_stubs(&input, &taken);
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
            Ok(c) => out.extend(expand::expand_net(&expand::Item::of(net, &taken), &c)),
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
    use super::expand as run;
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

    /// `cfg` reaches the struct and both impl blocks, of a net and of a stub.
    #[test]
    fn cfg_reaches_every_item() {
        for r in [quote!(3), quote!(0)] {
            let out = pretty(run(quote! {
                /// Docs reach the struct only.
                #[cfg(test)]
                pub net A(x) = x^2 where r = #r;
            }));
            assert_eq!(out.matches("#[cfg(test)]").count(), 3, "{out}");
            assert_eq!(
                out.matches("/// Docs reach the struct only.").count(),
                1,
                "{out}"
            );
        }
    }

    /// One stub per net name: a repeated name is one error, not a cascade
    /// of conflicting items.
    #[test]
    fn one_stub_per_name() {
        let out = pretty(run(quote! {
            pub net A(x) = x^2 where r = 3;
            pub net r#A(x, y) = x*y where r = 3;
            pub net None(x) = x^2 where r = 3;
        }));
        assert_eq!(out.matches("struct A;").count(), 1, "{out}");
        assert!(!out.contains("struct None;"), "{out}");
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
