//! Where a net's outer attributes go. A net expands to a struct and two
//! impl blocks: conditional compilation must reach all three (or the impls
//! of a `#[cfg(test)]` net name a struct that is not there), everything
//! else — docs, `derive`, `repr`, lints — belongs to the struct alone.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, MetaList, Path, Token};

/// The traits the generated struct derives, in the order of its
/// `#[derive(..)]`.
pub const DERIVES: &[&str] = &[
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "PartialEq",
    "Eq",
    "Hash",
];

/// A net's attributes, sorted by the items they apply to.
pub struct Attrs {
    /// For the struct: every attribute in source order, except that a
    /// `derive` (also inside `cfg_attr`) loses the traits of [`DERIVES`],
    /// which the struct derives anyway, and disappears if nothing is left.
    pub on_struct: Vec<Attribute>,
    /// For the impl blocks: every `cfg`, every `cfg_attr` reduced to the
    /// `cfg`s it carries, and `#[allow(deprecated)]` when the struct is
    /// deprecated (the impls name it).
    pub on_impls: Vec<TokenStream>,
}

impl Attrs {
    /// Sorts `attrs`.
    pub fn split(attrs: &[Attribute]) -> Attrs {
        let mut on_struct = Vec::new();
        let mut on_impls = Vec::new();
        let mut deprecated = false;
        for attr in attrs {
            deprecated |= mentions(&attr.meta, "deprecated");
            if let Some(meta) = for_struct(&attr.meta) {
                on_struct.push(Attribute {
                    meta,
                    ..attr.clone()
                });
            }
            if let Some(meta) = for_impls(&attr.meta) {
                let attr = Attribute {
                    meta,
                    ..attr.clone()
                };
                on_impls.push(attr.to_token_stream());
            }
        }
        if deprecated {
            on_impls.push(quote!(#[allow(deprecated)]));
        }
        Attrs {
            on_struct,
            on_impls,
        }
    }

    /// `#[derive(Clone, Copy, …)]` with the traits of [`DERIVES`].
    pub fn derive() -> TokenStream {
        let traits = DERIVES.iter().map(|t| format_ident!("{t}"));
        quote!(#[derive(#(#traits),*)])
    }
}

/// `meta` as it applies to the struct, `None` if nothing is left.
fn for_struct(meta: &Meta) -> Option<Meta> {
    let Meta::List(list) = meta else {
        return Some(meta.clone());
    };
    if list.path.is_ident("derive") {
        let Ok(paths) = list.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            // malformed: rustc reports it on the struct
            return Some(meta.clone());
        };
        let kept: Vec<&Path> = paths.iter().filter(|p| !is_derived(p)).collect();
        if kept.is_empty() {
            return None;
        }
        return Some(with_tokens(list, quote!(#(#kept),*)));
    }
    if list.path.is_ident("cfg_attr") {
        let Some((predicate, inner)) = cfg_attr_parts(list) else {
            return Some(meta.clone());
        };
        let kept: Vec<TokenStream> = inner
            .into_iter()
            .filter_map(|m| match m {
                Ok(m) => for_struct(&m).map(|m| m.to_token_stream()),
                Err(verbatim) => Some(verbatim),
            })
            .collect();
        if kept.is_empty() {
            return None;
        }
        return Some(with_tokens(list, quote!(#predicate, #(#kept),*)));
    }
    Some(meta.clone())
}

/// The conditional compilation in `meta`, `None` if it has none.
fn for_impls(meta: &Meta) -> Option<Meta> {
    if meta.path().is_ident("cfg") {
        return Some(meta.clone());
    }
    let Meta::List(list) = meta else {
        return None;
    };
    if !list.path.is_ident("cfg_attr") {
        return None;
    }
    let (predicate, inner) = cfg_attr_parts(list)?;
    let kept: Vec<Meta> = inner
        .into_iter()
        .filter_map(|m| for_impls(&m.ok()?))
        .collect();
    if kept.is_empty() {
        return None;
    }
    Some(with_tokens(list, quote!(#predicate, #(#kept),*)))
}

/// Whether `meta` is the attribute `name`, or a `cfg_attr` carrying it.
fn mentions(meta: &Meta, name: &str) -> bool {
    if meta.path().is_ident(name) {
        return true;
    }
    match meta {
        Meta::List(list) if list.path.is_ident("cfg_attr") => cfg_attr_parts(list)
            .is_some_and(|(_, inner)| inner.iter().flatten().any(|m| mentions(m, name))),
        _ => false,
    }
}

/// `cfg_attr(predicate, a, b)`: the predicate's tokens and each attribute,
/// parsed as a [`Meta`] where possible (else its tokens); `None` when there
/// is no attribute after the predicate.
fn cfg_attr_parts(list: &MetaList) -> Option<(TokenStream, Vec<Result<Meta, TokenStream>>)> {
    // split at top-level commas: commas inside groups belong to the pieces
    let mut parts = vec![TokenStream::new()];
    for tt in list.tokens.clone() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => parts.push(TokenStream::new()),
            _ => parts.last_mut()?.extend([tt]),
        }
    }
    let mut parts = parts.into_iter().filter(|p| !p.is_empty());
    let predicate = parts.next()?;
    let inner: Vec<_> = parts
        .map(|p| syn::parse2::<Meta>(p.clone()).map_err(|_| p))
        .collect();
    (!inner.is_empty()).then_some((predicate, inner))
}

/// `list` with new arguments, keeping its path and delimiter (and spans).
fn with_tokens(list: &MetaList, tokens: TokenStream) -> Meta {
    Meta::List(MetaList {
        path: list.path.clone(),
        delimiter: list.delimiter.clone(),
        tokens,
    })
}

/// Whether a derive path names one of [`DERIVES`]: `Clone`, or a path
/// through `core` or `std` such as `::core::clone::Clone`.
fn is_derived(path: &Path) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let through_std = segments.len() == 1 || matches!(segments[0].as_str(), "core" | "std");
    through_std
        && segments
            .last()
            .is_some_and(|t| DERIVES.contains(&t.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn split(attrs: Vec<Attribute>) -> (Vec<String>, Vec<String>) {
        let a = Attrs::split(&attrs);
        (
            a.on_struct
                .iter()
                .map(|a| a.to_token_stream().to_string())
                .collect(),
            a.on_impls.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn cfg_reaches_every_item_and_the_rest_the_struct() {
        let (on_struct, on_impls) = split(vec![
            parse_quote!(#[doc = " A net."]),
            parse_quote!(#[cfg(test)]),
            parse_quote!(#[cfg_attr(feature = "x", cfg(unix), doc = "x", derive(Hash, PartialOrd))]),
            parse_quote!(#[cfg_attr(all(), cfg_attr(any(), cfg(test)))]),
            parse_quote!(#[repr(C)]),
        ]);
        assert_eq!(
            on_struct,
            [
                "# [doc = \" A net.\"]",
                "# [cfg (test)]",
                "# [cfg_attr (feature = \"x\" , cfg (unix) , doc = \"x\" , derive (PartialOrd))]",
                "# [cfg_attr (all () , cfg_attr (any () , cfg (test)))]",
                "# [repr (C)]",
            ]
        );
        assert_eq!(
            on_impls,
            [
                "# [cfg (test)]",
                "# [cfg_attr (feature = \"x\" , cfg (unix))]",
                "# [cfg_attr (all () , cfg_attr (any () , cfg (test)))]",
            ]
        );
    }

    #[test]
    fn derives_of_derived_traits_are_dropped() {
        let (on_struct, on_impls) = split(vec![
            parse_quote!(#[derive(Clone, ::core::fmt::Debug, std::hash::Hash)]),
            parse_quote!(#[derive(Clone, PartialOrd, my::Debug)]),
            parse_quote!(#[cfg_attr(test, derive(Copy))]),
            parse_quote!(#[deprecated]),
        ]);
        assert_eq!(
            on_struct,
            ["# [derive (PartialOrd , my :: Debug)]", "# [deprecated]"]
        );
        assert_eq!(on_impls, ["# [allow (deprecated)]"]);
        assert_eq!(
            Attrs::derive().to_string(),
            "# [derive (Clone , Copy , Debug , Default , PartialEq , Eq , Hash)]"
        );
    }
}
