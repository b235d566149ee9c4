//! The DSL from a string: the same pipeline as the macro ([`ast::parse`] →
//! [`valid::validate`] → [`lower::lower`]) on text that did not come from
//! rustc, with every error as a [`Diagnostic`]: the macro's message and the
//! byte range of the tokens it points at, for a tool to underline (SPEC
//! §10, the pattern of cxx's `syntax/`: one parser for the macro and the
//! command-line generator).
//!
//! Spans of a string come from proc-macro2's own lexer, which (with its
//! `span-locations` feature, enabled by this crate) records where each
//! token is in the text. The messages are those of the macro word for
//! word: the same code produces them.
//!
//! ```
//! use qrelu_syntax::source;
//! let text = "net Square(x) = x^2 where r = 0;";
//! let errors = source::compile(text).unwrap_err();
//! assert_eq!(errors.len(), 1);
//! assert_eq!(&text[errors[0].range.clone()], "0");
//! assert!(errors[0].message.contains("`r` must be at least 1"), "{}", errors[0].message);
//! ```

use std::ops::Range;
use std::str::FromStr;

use proc_macro2::{Span, TokenStream};
use qrelu_core::Construction;

use crate::expand::{self, Scope};
use crate::valid::ValidNet;
use crate::{ast, lower, valid};

/// One error in DSL text: what the macro would say, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The message, exactly the macro's.
    pub message: String,
    /// The bytes of the text it points at (empty at the end of the text or
    /// for an empty input).
    pub range: Range<usize>,
}

impl Diagnostic {
    /// Every error of a (possibly combined) `syn::Error`, in order.
    pub fn all(error: syn::Error) -> Vec<Diagnostic> {
        error
            .into_iter()
            .map(|e| Diagnostic {
                message: e.to_string(),
                range: range_of(e.span()),
            })
            .collect()
    }
}

/// The bytes a span covers in the text it was lexed from.
fn range_of(span: Span) -> Range<usize> {
    span.byte_range()
}

/// One net of the text, checked and built.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The net as validated: its name, inputs, target and parameters.
    pub net: ValidNet,
    /// The network, its bound and metrics.
    pub construction: Construction,
}

/// Lexes and parses the text of a `qrelu!` invocation (what goes between
/// its braces).
///
/// # Errors
/// A lexing error (an unclosed delimiter, a stray character) or the
/// parser's errors, as [`Diagnostic`]s.
pub fn parse(text: &str) -> Result<ast::Input, Vec<Diagnostic>> {
    let tokens = lex(text)?;
    ast::parse(tokens).map_err(Diagnostic::all)
}

fn lex(text: &str) -> Result<TokenStream, Vec<Diagnostic>> {
    TokenStream::from_str(text).map_err(|e| {
        vec![Diagnostic {
            message: format!("cannot read the DSL: {e}"),
            range: range_of(e.span()),
        }]
    })
}

/// Parses and validates every net of `text`.
///
/// # Errors
/// Every error of the parser, or else every error of validation (as the
/// macro reports them: all semantic errors at once).
pub fn validate(text: &str) -> Result<Vec<ValidNet>, Vec<Diagnostic>> {
    valid::validate(parse(text)?).map_err(Diagnostic::all)
}

/// Parses, validates and builds every net of `text`.
///
/// # Errors
/// As [`validate`], then the construction's errors of every net that
/// failed to build (estimated too large, an unsupported target for its
/// structure, …), each pointing at the tokens the macro points at.
pub fn compile(text: &str) -> Result<Vec<Compiled>, Vec<Diagnostic>> {
    let nets = validate(text)?;
    let mut built = Vec::with_capacity(nets.len());
    let mut errors = Vec::new();
    for net in nets {
        match lower::lower(&net) {
            Ok(construction) => built.push(Compiled { net, construction }),
            Err(e) => errors.extend(Diagnostic::all(e)),
        }
    }
    if errors.is_empty() {
        Ok(built)
    } else {
        Err(errors)
    }
}

/// The Rust the macro expands `nets` to, as one token stream: every item
/// with its `impl`s, names reserved across the nets as in one invocation.
pub fn expand(nets: &[Compiled]) -> TokenStream {
    let taken = Scope::with(nets.iter().map(|c| c.net.name.ident()));
    let mut out = TokenStream::new();
    for c in nets {
        out.extend(expand::expand_net(
            &expand::Item::of(&c.net, &taken),
            &c.construction,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text a diagnostic underlines.
    fn underlined(text: &str) -> Vec<(String, &str)> {
        match compile(text) {
            Ok(_) => panic!("{text} compiled"),
            Err(errors) => errors
                .into_iter()
                .map(|d| (d.message, &text[d.range]))
                .collect(),
        }
    }

    #[test]
    fn errors_point_at_their_tokens() {
        let cases = [
            ("net A(x) = x^2 where r = 0;", "0"),
            ("net A(x) = x^2 where lambda = 1, r = 3;", "1"),
            ("net A(x) = y^2 where r = 3;", "y"),
            ("net A(x) = foo(x) where r = 3;", "foo"),
            ("net A(x) = x^2 where r = 3, q = 3;", "q"),
            ("net A(x in [1, 0]) = x^2 where r = 3;", "[1, 0]"),
            ("net A(x in [0, 1]) = log(x) where r = 3;", "log(x)"),
        ];
        for (text, token) in cases {
            let found = underlined(text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].1, token, "{text}: {found:?}");
        }
    }

    /// Lines and multi-byte characters before the error do not shift it.
    #[test]
    fn ranges_are_bytes_across_lines() {
        let text =
            "/// Größe: x²\nnet A(x) = x^2 where r = 3;\n\nnet B(x) =\n  x^2 where r = 3, t = 0;\n";
        let found = underlined(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "0");
        assert!(found[0].0.contains("`t` must be at least 1"), "{found:?}");
    }

    /// The messages are the macro's: the same tokens through the token
    /// entry point give the same text.
    #[test]
    fn messages_are_the_macros() {
        let text = "net A(x) = x^2 where r = 3, r = 4, lambda = 1;";
        let from_text: Vec<String> = validate(text)
            .unwrap_err()
            .into_iter()
            .map(|d| d.message)
            .collect();
        let tokens = TokenStream::from_str(text).unwrap();
        let from_tokens: Vec<String> = valid::validate(ast::parse(tokens).unwrap())
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(from_text, from_tokens);
        assert_eq!(from_text.len(), 2, "{from_text:?}");
    }

    #[test]
    fn lexing_errors_are_diagnostics() {
        let errors = parse("net A(x = x^2 where r = 3;").unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.starts_with("cannot read the DSL"),
            "{errors:?}"
        );
    }

    #[test]
    fn several_nets_compile_and_expand() {
        let nets = compile(
            "/// doc\npub net A(x) = x^2 where r = 3;\nnet B(x in [-1, 1], y in [-1, 1]) = x*y where r = 2",
        )
        .unwrap();
        assert_eq!(nets.len(), 2);
        assert_eq!(nets[1].construction.net.dim(), 2);
        let out = expand(&nets).to_string();
        assert!(out.contains("pub struct A"), "{out}");
        assert!(out.contains("struct B"), "{out}");
    }
}
