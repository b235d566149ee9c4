//! Fresh names for generated code: every identifier the generator invents
//! (a local, a parameter, a private function) comes from a [`Scope`], so it
//! differs from the user's names and from every other generated name.
//!
//! The user's names that matter are a net's inputs (parameters of `eval` and
//! `target`) and the invocation's net names: a net is a unit struct, and in
//! a pattern (`let half: T = …`, a parameter `x: &[T]`) an identifier that
//! names a unit struct in scope matches that struct instead of binding a
//! new variable.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span};
use syn::ext::IdentExt;

/// Rust's strict and reserved keywords (edition 2024) and `_`: no fresh
/// name is one of them.
const KEYWORDS: &[&str] = &[
    "_", "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The names taken in one scope of the generated code. Names are compared
/// without a raw prefix (`r#x` and `x` are one name).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `idents` are taken (a net's inputs; the invocation's
    /// net names).
    pub fn with<'a>(idents: impl IntoIterator<Item = &'a Ident>) -> Self {
        let mut scope = Scope::default();
        for ident in idents {
            scope.take(ident);
        }
        scope
    }

    /// Marks `ident` as taken.
    pub fn take(&mut self, ident: &Ident) {
        self.taken.insert(ident.unraw().to_string());
    }

    /// Marks the name `text` as taken.
    pub fn take_str(&mut self, text: &str) {
        self.taken.insert(text.to_owned());
    }

    /// `base` if it is free, else `base_`, `base__`, …: the first that is
    /// neither taken nor a keyword, which is then taken. `base` must be an
    /// identifier without a raw prefix (as [`IdentExt::unraw`] prints it).
    pub fn fresh(&mut self, base: &str) -> Ident {
        let mut name = base.to_owned();
        while KEYWORDS.contains(&name.as_str()) || !self.taken.insert(name.clone()) {
            name.push('_');
        }
        Ident::new(&name, Span::call_site())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::format_ident;

    #[test]
    fn fresh_names_avoid_taken_names_keywords_and_each_other() {
        let mut scope = Scope::with(&[format_ident!("half"), format_ident!("r#x")]);
        assert_eq!(scope.fresh("half"), "half_");
        assert_eq!(scope.fresh("half"), "half__");
        assert_eq!(scope.fresh("x"), "x_");
        assert_eq!(scope.fresh("y"), "y");
        assert_eq!(scope.fresh("y"), "y_");
        assert_eq!(scope.fresh("type"), "type_");
        assert_eq!(scope.fresh("gen"), "gen_");
        scope.take(&format_ident!("z_"));
        assert_eq!(scope.fresh("z"), "z");
        assert_eq!(scope.fresh("z"), "z__");
    }
}
