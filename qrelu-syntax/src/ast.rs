//! The DSL's syntax tree: the input of `qrelu! { ... }` parsed with syn, every
//! node keeping the spans of its tokens so that `valid` can point at them.
//!
//! The parser is purely syntactic and stops at the first syntax error; it
//! keeps anything recognisable (decimal literals, calls like `sin(x)`,
//! variable exponents) in the tree so that `valid` can report all of them
//! together with a precise message.

use std::fmt;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, TokenStreamExt};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, LitFloat, LitInt, Token, Visibility, bracketed, parenthesized, token};

use crate::valid::msg;

/// The DSL's custom keywords (`net`), as syn tokens.
pub mod kw {
    #![allow(missing_docs)]
    syn::custom_keyword!(net);
}

/// Parses the whole macro input.
///
/// At the end of the top-level stream syn's errors point at the scope of
/// the parse, `Span::call_site()` — the whole invocation — although the
/// input has tokens. The input is therefore parsed inside a group whose
/// span is its last token's, so that "found the end of the input" points
/// at the token after which something is missing.
pub fn parse(input: TokenStream) -> syn::Result<Input> {
    let Some(last) = input.clone().into_iter().last().map(|t| t.span()) else {
        // nothing to point at: the invocation itself
        return syn::parse2(input);
    };
    let mut group = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, input);
    group.set_span(last);
    syn::parse::Parser::parse2(
        |outer: ParseStream| {
            let content;
            syn::braced!(content in outer);
            content.parse::<Input>()
        },
        TokenStream::from(TokenTree::Group(group)),
    )
}

/// The whole macro input: one or more net definitions.
#[derive(Clone, Debug)]
pub struct Input {
    /// The nets, in source order.
    pub nets: Vec<NetDef>,
}

/// `#[attrs] vis net Name(inputs) = target where params;`
#[derive(Clone, Debug)]
pub struct NetDef {
    /// Outer attributes, `///` docs included; they pass through.
    pub attrs: Vec<Attribute>,
    /// Visibility; passes through.
    pub vis: Visibility,
    /// `net`.
    pub net_token: kw::net,
    /// The net's name, the generated type's name.
    pub name: Ident,
    /// The parentheses around the inputs.
    pub paren_token: token::Paren,
    /// The inputs, in order (possibly empty: `valid` refuses that).
    pub inputs: Vec<InputDef>,
    /// `=`.
    pub eq_token: Token![=],
    /// The target polynomial as written.
    pub target: Expr,
    /// `where`.
    pub where_token: Token![where],
    /// The parameters after `where`, in source order (repeats kept).
    pub params: Vec<ParamDef>,
    /// `;`, optional after the last net only.
    pub semi: Option<Token![;]>,
}

/// One input: `x` or `x in [lo, hi]`.
#[derive(Clone, Debug)]
pub struct InputDef {
    /// The input's name.
    pub name: Ident,
    /// The domain, if given (default `[0, 1]`).
    pub domain: Option<DomainDef>,
}

/// `in [lo, hi]`.
#[derive(Clone, Debug)]
pub struct DomainDef {
    /// `in`.
    pub in_token: Token![in],
    /// The brackets.
    pub bracket_token: token::Bracket,
    /// The lower bound.
    pub lo: NumLit,
    /// The upper bound.
    pub hi: NumLit,
    /// The brackets and everything inside them.
    pub span: Span,
}

/// A number as written: `3`, `-1`, `1/2`, `-3/4`, or (refused by `valid`)
/// a decimal such as `0.5`.
#[derive(Clone, Debug)]
pub struct NumLit {
    /// A leading `-`.
    pub neg: Option<Token![-]>,
    /// The numerator.
    pub num: NumTok,
    /// `/ denominator`.
    pub den: Option<(Token![/], NumTok)>,
}

/// One numeric literal token.
#[derive(Clone, Debug)]
pub enum NumTok {
    /// `3`, `100_000`, `0x10` (and `2u32`, `2x`: suffixes are refused by `valid`).
    Int(LitInt),
    /// `0.5`, `1e-3` (refused by `valid`).
    Float(LitFloat),
}

/// The target grammar: a polynomial expression, plus the recognisable
/// non-polynomial forms `valid` explains.
///
/// Precedence, loosest first: `+ -`, `* /`, unary `-`, `^` (so
/// `-x^2 = -(x^2)` and `2*x^3 = 2*(x^3)`).
#[derive(Clone, Debug)]
pub enum Expr {
    /// An integer literal.
    Int(LitInt),
    /// A decimal literal (refused by `valid`).
    Float(LitFloat),
    /// An input.
    Var(Ident),
    /// `-e`.
    Neg {
        /// `-`.
        minus: Token![-],
        /// The operand.
        expr: Box<Expr>,
    },
    /// `lhs op rhs`.
    Binary {
        /// The left operand.
        lhs: Box<Expr>,
        /// The operator.
        op: BinOp,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `base ^ exp`; the exponent is any atom, optionally negated, so that
    /// `valid` can explain `x^y`, `x^-1`, `x^(1/2)` and `x^1.5`.
    Pow {
        /// The base.
        base: Box<Expr>,
        /// `^`.
        caret: Token![^],
        /// The exponent.
        exp: Box<Expr>,
    },
    /// `(e)`.
    Paren {
        /// The parentheses.
        paren: token::Paren,
        /// The inner expression.
        expr: Box<Expr>,
    },
    /// `f(a)` or `f(a, b)`: a function of the DSL (`valid` checks the name
    /// and the number of arguments).
    Call {
        /// The function's name.
        func: Ident,
        /// The parentheses.
        paren: token::Paren,
        /// The arguments.
        args: Punctuated<Expr, Token![,]>,
    },
}

/// A binary operator of the target grammar.
#[derive(Clone, Copy, Debug)]
pub enum BinOp {
    /// `+`.
    Add(Token![+]),
    /// `-`.
    Sub(Token![-]),
    /// `*`.
    Mul(Token![*]),
    /// `/`.
    Div(Token![/]),
}

/// `key = value` after `where`.
#[derive(Clone, Debug)]
pub struct ParamDef {
    /// The parameter's name (any identifier, keywords included, so that
    /// `valid` can call it unknown).
    pub key: Ident,
    /// `=`.
    pub eq_token: Token![=],
    /// The value as written.
    pub value: ParamValue,
}

/// A parameter's value as written.
#[derive(Clone, Debug)]
pub enum ParamValue {
    /// `6`, `100_000`, `-1`, `1/1000`, `0.5`.
    Num(NumLit),
    /// `linear`, `taylor`, `smallest`, ...
    Ident(Ident),
    /// Any other literal (`"taylor"`), refused by `valid`.
    Lit(syn::Lit),
}

/// The first and last token of a construct. On stable Rust a proc macro
/// cannot join spans, but `syn::Error::new_spanned(range, ..)` underlines
/// from `start` to `end`.
#[derive(Clone, Copy, Debug)]
pub struct SpanRange {
    /// The first token's span.
    pub start: Span,
    /// The last token's span.
    pub end: Span,
}

impl SpanRange {
    /// A range of one token.
    pub fn single(span: Span) -> Self {
        SpanRange {
            start: span,
            end: span,
        }
    }

    /// One span covering the range where the compiler can join spans (nightly),
    /// else the first token's.
    pub fn join(&self) -> Span {
        self.start.join(self.end).unwrap_or(self.start)
    }
}

impl ToTokens for SpanRange {
    // Two placeholder tokens carrying the spans: all `new_spanned` looks at.
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append(Ident::new("start", self.start));
        tokens.append(Ident::new("end", self.end));
    }
}

// ---------------------------------------------------------------- parsing

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            // no token to point at: the span is the invocation's
            return Err(syn::Error::new(
                input.span(),
                format_args!(
                    "expected at least one net definition, such as `{}`",
                    msg::EXAMPLE_NET
                ),
            ));
        }
        let mut nets = Vec::new();
        while !input.is_empty() {
            nets.push(input.parse()?);
        }
        Ok(Input { nets })
    }
}

impl Parse for NetDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !input.peek(kw::net) {
            return Err(unexpected(
                input,
                format_args!(
                    "expected `net`, as in `{}`, found {}",
                    msg::EXAMPLE_NET,
                    found(input)
                ),
            ));
        }
        let net_token: kw::net = input.parse()?;
        if let Some(e) = keyword(input, "a net") {
            return Err(e);
        }
        if !input.peek(syn::Ident) {
            return Err(unexpected(
                input,
                format_args!(
                    "expected the net's name after `net`, as in `net Square(x)`, found {}",
                    found(input)
                ),
            ));
        }
        let name: Ident = input.parse()?;
        if !input.peek(token::Paren) {
            return Err(input.error(format_args!(
                "expected the inputs in parentheses after `{name}`, as in `{name}(x)` or `{name}(x in [-1, 1], y)`"
            )));
        }
        let content;
        let paren_token = parenthesized!(content in input);
        let mut inputs = Vec::new();
        while !content.is_empty() {
            inputs.push(content.parse()?);
            if content.is_empty() {
                break;
            }
            if !content.peek(Token![,]) {
                return Err(unexpected(
                    &content,
                    format_args!(
                        "expected `,` or `in [lo, hi]` after an input, found {}",
                        found(&content)
                    ),
                ));
            }
            content.parse::<Token![,]>()?;
        }
        if !input.peek(Token![=]) {
            return Err(unexpected(
                input,
                format_args!(
                    "expected `=` and the target polynomial after the inputs, as in `{name}(x) = x^2`, found {}",
                    found(input)
                ),
            ));
        }
        let eq_token = input.parse()?;
        let target = Expr::parse_target(input)?;
        let where_token = input.parse()?;
        let mut params = Vec::new();
        // the next net begins where this one's `;` is missing
        let missing_semi = |input: ParseStream| {
            unexpected(
                input,
                format_args!(
                    "expected `;` after the parameters of `{name}`, before the next net, found {}",
                    found(input)
                ),
            )
        };
        while !input.is_empty() && !input.peek(Token![;]) {
            if starts_net(input) {
                return Err(if params.is_empty() {
                    unexpected(
                        input,
                        format_args!(
                            "expected parameters after `where`, such as `where r = 6`, found {}",
                            found(input)
                        ),
                    )
                } else {
                    missing_semi(input)
                });
            }
            params.push(input.parse()?);
            if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
            } else if starts_net(input) {
                return Err(missing_semi(input));
            } else if !input.is_empty() && !input.peek(Token![;]) {
                return Err(unexpected(
                    input,
                    format_args!(
                        "expected `,` between parameters or `;` after the last one, found {}",
                        found(input)
                    ),
                ));
            }
        }
        let semi = if input.is_empty() {
            None
        } else {
            Some(input.parse()?)
        };
        Ok(NetDef {
            attrs,
            vis,
            net_token,
            name,
            paren_token,
            inputs,
            eq_token,
            target,
            where_token,
            params,
            semi,
        })
    }
}

/// Whether the next tokens begin a net definition (`#[..]`, `pub`, or
/// `net Name`) rather than a parameter.
fn starts_net(input: ParseStream) -> bool {
    input.peek(Token![#])
        || input.peek(Token![pub])
        || (input.peek(kw::net) && input.peek2(syn::Ident))
}

/// The error for a keyword (which syn refuses as an identifier) where a
/// name is expected; `what` is `a net` or `an input`.
fn keyword(input: ParseStream, what: &str) -> Option<syn::Error> {
    if input.peek(syn::Ident) || !input.peek(Ident::peek_any) {
        return None;
    }
    let (ident, _) = input.cursor().ident()?;
    Some(syn::Error::new(
        ident.span(),
        msg::keyword(&ident.to_string(), what),
    ))
}

impl Parse for InputDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if let Some(e) = keyword(input, "an input") {
            return Err(e);
        }
        if !input.peek(syn::Ident) {
            return Err(unexpected(
                input,
                format_args!("expected an input name such as `x`, found {}", found(input)),
            ));
        }
        let name = input.parse()?;
        let domain = if input.peek(Token![in]) {
            Some(input.parse()?)
        } else {
            None
        };
        Ok(InputDef { name, domain })
    }
}

impl Parse for DomainDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let in_token = input.parse()?;
        if !input.peek(token::Bracket) {
            return Err(input.error(msg::DOMAIN_SHAPE));
        }
        let content;
        let bracket_token = bracketed!(content in input);
        let lo = NumLit::parse_or(&content, msg::DOMAIN_SHAPE)?;
        if !content.peek(Token![,]) {
            return Err(content.error(msg::DOMAIN_SHAPE));
        }
        content.parse::<Token![,]>()?;
        let hi = NumLit::parse_or(&content, msg::DOMAIN_SHAPE)?;
        if content.peek(Token![,]) {
            content.parse::<Token![,]>()?;
        }
        if !content.is_empty() {
            return Err(content.error(msg::DOMAIN_SHAPE));
        }
        let span = bracket_token.span.join();
        Ok(DomainDef {
            in_token,
            bracket_token,
            lo,
            hi,
            span,
        })
    }
}

impl NumLit {
    /// Parses `-? lit (/ lit)?`, failing with `message` at the first token
    /// that does not fit.
    fn parse_or(input: ParseStream, message: &str) -> syn::Result<Self> {
        let neg = if input.peek(Token![-]) {
            Some(input.parse()?)
        } else {
            None
        };
        let num = NumTok::parse_or(input, message)?;
        let den = if input.peek(Token![/]) {
            Some((input.parse()?, NumTok::parse_or(input, message)?))
        } else {
            None
        };
        Ok(NumLit { neg, num, den })
    }

    /// From the sign (or numerator) to the last literal.
    pub fn span_range(&self) -> SpanRange {
        let start = match &self.neg {
            Some(m) => m.span,
            None => self.num.span(),
        };
        let end = match &self.den {
            Some((_, d)) => d.span(),
            None => self.num.span(),
        };
        SpanRange { start, end }
    }
}

impl NumTok {
    fn parse_or(input: ParseStream, message: &str) -> syn::Result<Self> {
        if input.peek(LitInt) {
            Ok(NumTok::Int(input.parse()?))
        } else if input.peek(LitFloat) {
            Ok(NumTok::Float(input.parse()?))
        } else {
            Err(unexpected(
                input,
                format_args!("{message}, found {}", found(input)),
            ))
        }
    }

    /// The literal's span.
    pub fn span(&self) -> Span {
        match self {
            NumTok::Int(l) => l.span(),
            NumTok::Float(l) => l.span(),
        }
    }
}

/// Where an operand is parsed, for the error message when none is there.
#[derive(Clone, Copy)]
enum Operand {
    /// After a binary or unary operator, or inside parentheses.
    Term,
    /// After `^`.
    Exponent,
}

impl Expr {
    /// Parses the target, which must be non-empty and followed by `where`
    /// (left in the stream).
    fn parse_target(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() || input.peek(Token![where]) || input.peek(Token![;]) {
            return Err(input.error(msg::EMPTY_TARGET));
        }
        let expr = parse_sum(input)?;
        if input.peek(Token![where]) {
            return Ok(expr);
        }
        let looks_like_param = input.peek(Ident::peek_any) && input.peek2(Token![=]);
        if input.is_empty() || input.peek(Token![;]) || looks_like_param {
            return Err(input.error(msg::MISSING_WHERE));
        }
        Err(unexpected_after_operand(input, "`where`"))
    }

    /// The first and last token of the expression.
    pub fn span_range(&self) -> SpanRange {
        SpanRange {
            start: self.first_span(),
            end: self.last_span(),
        }
    }

    fn first_span(&self) -> Span {
        match self {
            Expr::Int(l) => l.span(),
            Expr::Float(l) => l.span(),
            Expr::Var(i) => i.span(),
            Expr::Neg { minus, .. } => minus.span,
            Expr::Binary { lhs, .. } => lhs.first_span(),
            Expr::Pow { base, .. } => base.first_span(),
            Expr::Paren { paren, .. } => paren.span.join(),
            Expr::Call { func, .. } => func.span(),
        }
    }

    fn last_span(&self) -> Span {
        match self {
            Expr::Int(l) => l.span(),
            Expr::Float(l) => l.span(),
            Expr::Var(i) => i.span(),
            Expr::Neg { expr, .. } => expr.last_span(),
            Expr::Binary { rhs, .. } => rhs.last_span(),
            Expr::Pow { exp, .. } => exp.last_span(),
            Expr::Paren { paren, .. } => paren.span.join(),
            Expr::Call { paren, .. } => paren.span.join(),
        }
    }
}

// sum := product (('+' | '-') product)*
fn parse_sum(input: ParseStream) -> syn::Result<Expr> {
    let mut lhs = parse_product(input)?;
    loop {
        let op = if input.peek(Token![+]) {
            BinOp::Add(input.parse()?)
        } else if input.peek(Token![-]) {
            BinOp::Sub(input.parse()?)
        } else {
            return Ok(lhs);
        };
        let rhs = parse_product(input)?;
        lhs = Expr::Binary {
            lhs: Box::new(lhs),
            op,
            rhs: Box::new(rhs),
        };
    }
}

// product := unary (('*' | '/') unary)*
fn parse_product(input: ParseStream) -> syn::Result<Expr> {
    let mut lhs = parse_unary(input)?;
    loop {
        let op = if input.peek(Token![*]) {
            let star: Token![*] = input.parse()?;
            if input.peek(Token![*]) {
                return Err(input.error(msg::DOUBLE_STAR));
            }
            BinOp::Mul(star)
        } else if input.peek(Token![/]) {
            BinOp::Div(input.parse()?)
        } else {
            return Ok(lhs);
        };
        let rhs = parse_unary(input)?;
        lhs = Expr::Binary {
            lhs: Box::new(lhs),
            op,
            rhs: Box::new(rhs),
        };
    }
}

// unary := '-' unary | power
fn parse_unary(input: ParseStream) -> syn::Result<Expr> {
    if input.peek(Token![-]) {
        let minus = input.parse()?;
        let expr = Box::new(parse_unary(input)?);
        return Ok(Expr::Neg { minus, expr });
    }
    parse_power(input)
}

// power := atom ('^' exponent)?      exponent := '-' exponent | atom
fn parse_power(input: ParseStream) -> syn::Result<Expr> {
    let base = parse_atom(input, Operand::Term)?;
    if !input.peek(Token![^]) {
        return Ok(base);
    }
    let caret = input.parse()?;
    let exp = parse_exponent(input)?;
    if input.peek(Token![^]) {
        return Err(input.error(msg::CHAINED_POWER));
    }
    Ok(Expr::Pow {
        base: Box::new(base),
        caret,
        exp: Box::new(exp),
    })
}

fn parse_exponent(input: ParseStream) -> syn::Result<Expr> {
    if input.peek(Token![-]) {
        let minus = input.parse()?;
        let expr = Box::new(parse_exponent(input)?);
        return Ok(Expr::Neg { minus, expr });
    }
    parse_atom(input, Operand::Exponent)
}

// atom := int | decimal | ident | ident '(' ... ')' | '(' sum ')'
fn parse_atom(input: ParseStream, operand: Operand) -> syn::Result<Expr> {
    let atom = if input.peek(token::Paren) {
        let content;
        let paren = parenthesized!(content in input);
        let expr = parse_sum(&content)?;
        if !content.is_empty() {
            return Err(unexpected_after_operand(&content, "`)`"));
        }
        Expr::Paren {
            paren,
            expr: Box::new(expr),
        }
    } else if input.peek(LitInt) {
        Expr::Int(input.parse()?)
    } else if input.peek(LitFloat) {
        Expr::Float(input.parse()?)
    } else if input.peek(syn::Ident) {
        let ident: Ident = input.parse()?;
        if input.peek(token::Paren) {
            let content;
            let paren = parenthesized!(content in input);
            let mut args = Punctuated::new();
            while !content.is_empty() {
                args.push_value(parse_sum(&content)?);
                if content.is_empty() {
                    break;
                }
                if !content.peek(Token![,]) {
                    return Err(unexpected_after_operand(&content, "`,` or `)`"));
                }
                args.push_punct(content.parse()?);
            }
            Expr::Call {
                func: ident,
                paren,
                args,
            }
        } else {
            Expr::Var(ident)
        }
    } else if input.peek(Token![|]) {
        return Err(input.error(msg::ABS_BARS));
    } else {
        return Err(match operand {
            Operand::Term => unexpected(
                input,
                format_args!("{}, found {}", msg::EXPECTED_OPERAND, found(input)),
            ),
            Operand::Exponent => unexpected(
                input,
                format_args!(
                    "expected an exponent after `^`, found {}; {}",
                    found(input),
                    msg::EXPONENT_HINT
                ),
            ),
        });
    };
    if input.peek(Token![.]) {
        return Err(input.error(msg::METHOD_CALL));
    }
    Ok(atom)
}

/// The error for a token that cannot follow a complete operand; `end` is
/// what may close the expression there.
fn unexpected_after_operand(input: ParseStream, end: &str) -> syn::Error {
    unexpected(
        input,
        format_args!(
            "expected an operator (`+`, `-`, `*`, `/`, `^`) or {end}, found {}",
            found(input)
        ),
    )
}

/// An error at the next token for a message that ends with `found …` (see
/// [`found`]): unlike `ParseStream::error`, without the prefix "unexpected
/// end of input, ", which would say the end of the input twice.
fn unexpected(input: ParseStream, message: impl fmt::Display) -> syn::Error {
    syn::Error::new(input.span(), message)
}

/// The next token, quoted, for "found ..." in messages.
fn found(input: ParseStream) -> String {
    match input.cursor().token_tree() {
        None => "the end of the input".to_owned(),
        Some((TokenTree::Group(g), _)) => {
            let (open, close) = match g.delimiter() {
                proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                proc_macro2::Delimiter::Brace => ("{", "}"),
                proc_macro2::Delimiter::Bracket => ("[", "]"),
                proc_macro2::Delimiter::None => ("", ""),
            };
            format!("`{open}...{close}`")
        }
        Some((tt, _)) => format!("`{tt}`"),
    }
}

impl Parse for ParamDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if !input.peek(Ident::peek_any) {
            return Err(unexpected(
                input,
                format_args!(
                    "expected a parameter such as `r = 6` or `lambda = 2`, found {}",
                    found(input)
                ),
            ));
        }
        let key = input.call(Ident::parse_any)?;
        if !input.peek(Token![=]) {
            return Err(unexpected(
                input,
                format_args!(
                    "expected `=` after `{key}`, as in `{}`, found {}",
                    msg::param_example(&key.to_string()),
                    found(input)
                ),
            ));
        }
        let eq_token = input.parse()?;
        let value = if input.peek(Token![-]) || input.peek(LitInt) || input.peek(LitFloat) {
            ParamValue::Num(NumLit::parse_or(input, msg::EXPECTED_NUMBER)?)
        } else if input.peek(Ident::peek_any) {
            ParamValue::Ident(input.call(Ident::parse_any)?)
        } else if input.peek(syn::Lit) {
            ParamValue::Lit(input.parse()?)
        } else {
            return Err(unexpected(
                input,
                format_args!(
                    "expected a value after `{key} =`, as in `{}`, found {}",
                    msg::param_example(&key.to_string()),
                    found(input)
                ),
            ));
        };
        Ok(ParamDef {
            key,
            eq_token,
            value,
        })
    }
}

impl ParamValue {
    /// The value's first and last token.
    pub fn span_range(&self) -> SpanRange {
        match self {
            ParamValue::Num(n) => n.span_range(),
            ParamValue::Ident(i) => SpanRange::single(i.span()),
            ParamValue::Lit(l) => SpanRange::single(l.span()),
        }
    }
}

// ---------------------------------------------------------------- printing
//
// `ToTokens` gives back the tokens (with their spans) for `new_spanned`;
// `Display` prints the DSL as a user would write it, for messages.

impl ToTokens for NumTok {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            NumTok::Int(l) => l.to_tokens(tokens),
            NumTok::Float(l) => l.to_tokens(tokens),
        }
    }
}

impl ToTokens for NumLit {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.neg.to_tokens(tokens);
        self.num.to_tokens(tokens);
        if let Some((slash, den)) = &self.den {
            slash.to_tokens(tokens);
            den.to_tokens(tokens);
        }
    }
}

impl ToTokens for BinOp {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            BinOp::Add(t) => t.to_tokens(tokens),
            BinOp::Sub(t) => t.to_tokens(tokens),
            BinOp::Mul(t) => t.to_tokens(tokens),
            BinOp::Div(t) => t.to_tokens(tokens),
        }
    }
}

impl ToTokens for Expr {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Expr::Int(l) => l.to_tokens(tokens),
            Expr::Float(l) => l.to_tokens(tokens),
            Expr::Var(i) => i.to_tokens(tokens),
            Expr::Neg { minus, expr } => {
                minus.to_tokens(tokens);
                expr.to_tokens(tokens);
            }
            Expr::Binary { lhs, op, rhs } => {
                lhs.to_tokens(tokens);
                op.to_tokens(tokens);
                rhs.to_tokens(tokens);
            }
            Expr::Pow { base, caret, exp } => {
                base.to_tokens(tokens);
                caret.to_tokens(tokens);
                exp.to_tokens(tokens);
            }
            Expr::Paren { paren, expr } => paren.surround(tokens, |t| expr.to_tokens(t)),
            Expr::Call { func, paren, args } => {
                func.to_tokens(tokens);
                paren.surround(tokens, |t| args.to_tokens(t));
            }
        }
    }
}

impl ToTokens for ParamValue {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            ParamValue::Num(n) => n.to_tokens(tokens),
            ParamValue::Ident(i) => i.to_tokens(tokens),
            ParamValue::Lit(l) => l.to_tokens(tokens),
        }
    }
}

impl ToTokens for NetDef {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.vis.to_tokens(tokens);
        tokens.append(Ident::new("net", self.net_token.span));
        self.name.to_tokens(tokens);
        self.paren_token.surround(tokens, |t| {
            for (i, input) in self.inputs.iter().enumerate() {
                if i > 0 {
                    <Token![,]>::default().to_tokens(t);
                }
                input.name.to_tokens(t);
                if let Some(d) = &input.domain {
                    d.in_token.to_tokens(t);
                    d.bracket_token.surround(t, |t| {
                        d.lo.to_tokens(t);
                        <Token![,]>::default().to_tokens(t);
                        d.hi.to_tokens(t);
                    });
                }
            }
        });
        self.eq_token.to_tokens(tokens);
        self.target.to_tokens(tokens);
        self.where_token.to_tokens(tokens);
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                <Token![,]>::default().to_tokens(tokens);
            }
            p.key.to_tokens(tokens);
            p.eq_token.to_tokens(tokens);
            p.value.to_tokens(tokens);
        }
        self.semi.to_tokens(tokens);
    }
}

impl fmt::Display for NumTok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumTok::Int(l) => write!(f, "{l}"),
            NumTok::Float(l) => write!(f, "{l}"),
        }
    }
}

impl fmt::Display for NumLit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.neg.is_some() {
            f.write_str("-")?;
        }
        write!(f, "{}", self.num)?;
        if let Some((_, d)) = &self.den {
            write!(f, "/{d}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Int(l) => write!(f, "{l}"),
            Expr::Float(l) => write!(f, "{l}"),
            Expr::Var(i) => write!(f, "{i}"),
            Expr::Neg { expr, .. } => write!(f, "-{expr}"),
            Expr::Binary { lhs, op, rhs } => match op {
                BinOp::Add(_) => write!(f, "{lhs} + {rhs}"),
                BinOp::Sub(_) => write!(f, "{lhs} - {rhs}"),
                BinOp::Mul(_) => write!(f, "{lhs}*{rhs}"),
                BinOp::Div(_) => write!(f, "{lhs}/{rhs}"),
            },
            Expr::Pow { base, exp, .. } => write!(f, "{base}^{exp}"),
            Expr::Paren { expr, .. } => write!(f, "({expr})"),
            Expr::Call { func, args, .. } => {
                write!(f, "{func}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Num(n) => write!(f, "{n}"),
            ParamValue::Ident(i) => write!(f, "{i}"),
            ParamValue::Lit(l) => write!(f, "{}", l.to_token_stream()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn target(tokens: TokenStream) -> String {
        let input = parse(quote! { net F(x, y, z) = #tokens where r = 6; }).unwrap();
        input.nets[0].target.to_string()
    }

    fn err(tokens: TokenStream) -> String {
        parse(tokens).unwrap_err().to_string()
    }

    #[test]
    fn parses_the_pinned_examples() {
        let input = parse(quote! {
            /// Doc comments and attributes pass through to the generated item.
            pub net Square(x) = x^2 where r = 6, lambda = 2;
            pub net Product(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, t = 12, lambda = 3;
            net Cubic(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4;
            pub net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 3;
            pub net Smooth(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, eps = 1/1000, lambda = 2;
            pub net Saddle(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, N = 8, r = 6, lambda = 3, tune = smallest;
            pub net Lin(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4, quantization = linear, max_weights = 100000,
        })
        .unwrap();
        assert_eq!(input.nets.len(), 7);
        let sq = &input.nets[0];
        assert_eq!(sq.attrs.len(), 1);
        assert!(matches!(sq.vis, Visibility::Public(_)));
        assert_eq!(sq.name, "Square");
        assert_eq!(sq.params.len(), 2);
        let product = &input.nets[1];
        let d = product.inputs[0].domain.as_ref().unwrap();
        assert_eq!(
            (d.lo.to_string(), d.hi.to_string()),
            ("-1".to_owned(), "1".to_owned())
        );
        assert!(matches!(input.nets[2].vis, Visibility::Inherited));
        assert_eq!(
            input.nets[3].target.to_string(),
            "x*y*z - 2*x^2 + (y - z)^2/3"
        );
        assert_eq!(input.nets[5].params[2].key, "N");
        assert!(input.nets[6].semi.is_none());
    }

    #[test]
    fn precedence() {
        assert_eq!(target(quote!(-x ^ 2)), "-x^2");
        assert!(matches!(
            parse(quote! { net F(x) = -x^2 where r = 6; }).unwrap().nets[0].target,
            Expr::Neg { .. }
        ));
        assert_eq!(target(quote!(2 * x ^ 3 - y / 2 / 3)), "2*x^3 - y/2/3");
        assert_eq!(target(quote!(x ^ -1)), "x^-1");
        assert_eq!(
            target(quote!(x ^ (1 / 2) + sin(x, y))),
            "x^(1/2) + sin(x, y)"
        );
        assert_eq!(target(quote!(x ^ 1.5)), "x^1.5");
        assert_eq!(target(quote!(x ^ y)), "x^y");
    }

    #[test]
    fn syntax_errors_say_what_is_accepted() {
        assert_eq!(err(quote! { net F(x) = x^2; }), msg::MISSING_WHERE);
        assert_eq!(err(quote! { net F(x) = x^2 r = 6; }), msg::MISSING_WHERE);
        assert_eq!(err(quote! { net F(x) = where r = 6; }), msg::EMPTY_TARGET);
        assert_eq!(err(quote! { net F(x) = ; }), msg::EMPTY_TARGET);
        assert_eq!(
            err(quote! { net F(x) = x**2 where r = 6; }),
            msg::DOUBLE_STAR
        );
        assert_eq!(
            err(quote! { net F(x) = x^2^3 where r = 6; }),
            msg::CHAINED_POWER
        );
        assert_eq!(err(quote! { net F(x) = |x| where r = 6; }), msg::ABS_BARS);
        assert_eq!(
            err(quote! { net F(x) = x.pow(2) where r = 6; }),
            msg::METHOD_CALL
        );
        assert_eq!(
            err(quote! { net F(x) = x y where r = 6; }),
            "expected an operator (`+`, `-`, `*`, `/`, `^`) or `where`, found `y`"
        );
        assert_eq!(
            err(quote! { net F(x) = (x y) where r = 6; }),
            "expected an operator (`+`, `-`, `*`, `/`, `^`) or `)`, found `y`"
        );
        assert_eq!(
            err(quote! { net F(x) = x + where r = 6; }),
            "expected a number, an input name or `(`, found `where`"
        );
        assert!(
            err(quote! { net F(x) = x^ where r = 6; })
                .starts_with("expected an exponent after `^`")
        );
        assert!(err(quote! { fn F(x) = x; }).starts_with("expected `net`"));
        assert!(err(quote! { net (x) = x; }).starts_with("expected the net's name"));
        assert_eq!(
            err(quote! { net type(x) = x where r = 6; }),
            "`type` is a keyword and cannot name a net; write `r#type` or use another name"
        );
        assert_eq!(
            err(quote! { net F(x, self) = x where r = 6; }),
            "`self` is a keyword and cannot name an input; use another name"
        );
        assert_eq!(
            parse(quote! { net r#type(r#fn) = r#fn where r = 6; })
                .unwrap()
                .nets[0]
                .name,
            "r#type"
        );
        assert!(
            err(quote! { net F = x; }).starts_with("expected the inputs in parentheses after `F`")
        );
        assert!(
            err(quote! { net F(x: f64) = x where r = 6; })
                .starts_with("expected `,` or `in [lo, hi]`")
        );
        assert_eq!(
            err(quote! { net F(x in 0..1) = x where r = 6; }),
            msg::DOMAIN_SHAPE
        );
        assert!(err(quote! { net F(x in [0, a]) = x where r = 6; }).starts_with(msg::DOMAIN_SHAPE));
        assert_eq!(
            err(quote! { net F(x in [0, 1, 2]) = x where r = 6; }),
            msg::DOMAIN_SHAPE
        );
        assert!(err(quote! { net F(x) x where r = 6; }).starts_with("expected `=`"));
        assert!(
            err(quote! { net F(x) = x where r 6; })
                .starts_with("expected `=` after `r`, as in `r = 6`")
        );
        assert!(
            err(quote! { net F(x) = x where r = 6 lambda = 2; })
                .starts_with("expected `,` between parameters")
        );
        assert!(
            err(quote! { net F(x) = x where r = ; }).starts_with("expected a value after `r =`")
        );
        assert_eq!(
            err(quote! {}),
            format!(
                "expected at least one net definition, such as `{}`",
                msg::EXAMPLE_NET
            )
        );
        let missing_semi = "expected `;` after the parameters of `F`, before the next net, found";
        assert_eq!(
            err(quote! { net F(x) = x where r = 6, net G(x) = x where r = 6; }),
            format!("{missing_semi} `net`")
        );
        assert_eq!(
            err(quote! { net F(x) = x where r = 6 net G(x) = x where r = 6; }),
            format!("{missing_semi} `net`")
        );
        assert_eq!(
            err(quote! { net F(x) = x where r = 6, pub net G(x) = x where r = 6; }),
            format!("{missing_semi} `pub`")
        );
        assert_eq!(
            err(quote! { net F(x) = x where r = 6, #[doc = "G"] net G(x) = x where r = 6; }),
            format!("{missing_semi} `#`")
        );
        assert_eq!(
            err(quote! { net F(x) = x where net G(x) = x where r = 6; }),
            "expected parameters after `where`, such as `where r = 6`, found `net`"
        );
        // the last net's `;` is optional; a parameter may still be called `net`
        assert_eq!(
            parse(quote! { net F(x) = x where r = 6 })
                .unwrap()
                .nets
                .len(),
            1
        );
        assert!(
            err(quote! { net F(x) = x where net = 6 net G(x) = x where r = 6; })
                .starts_with(missing_semi)
        );
    }

    /// An input cut short points at its last token, not at the whole
    /// invocation (`Span::call_site()`); found by the fuzzer
    /// (`examples/fuzz.rs`). proc-macro2's `span-locations` (a
    /// dev-dependency feature) gives the spans their source text here.
    #[test]
    fn errors_at_the_end_point_at_the_last_token() {
        for (src, last, message) in [
            (
                "net F(x) = x where r =",
                "=",
                "expected a value after `r =`, as in `r = 6`, found the end of the input",
            ),
            (
                "net F(x) = x",
                "x",
                "unexpected end of input, expected `where`",
            ),
            (
                "pub net Square3",
                "Square3",
                "unexpected end of input, expected the inputs in parentheses",
            ),
            (
                "net F(x) = x where r = 6, lambda",
                "lambda",
                "expected `=` after `lambda`",
            ),
            (
                "net F(x) = x +\n  ",
                "+",
                "expected a number, an input name or `(`",
            ),
        ] {
            let tokens: TokenStream = src.parse().unwrap();
            let e = parse(tokens).unwrap_err();
            assert!(e.to_string().starts_with(message), "{src}: {e}");
            // the group's closing span: the last token here, its last
            // byte in proc-macro2's fallback
            let span = e.span();
            let text = span.source_text().unwrap_or_default();
            assert!(!text.is_empty() && last.ends_with(&text), "{src}: {text:?}");
            assert_eq!(span.byte_range().end, src.trim_end().len(), "{src}");
        }
        // without tokens the invocation is all there is to point at
        let e = parse(TokenStream::new()).unwrap_err();
        assert_eq!(e.span().source_text(), None);
    }

    #[test]
    fn decimals_and_calls_survive_parsing() {
        let input = parse(quote! { net F(x in [0.5, 1]) = 0.5*sin(x) where eps = 0.001; }).unwrap();
        let net = &input.nets[0];
        assert!(matches!(
            net.inputs[0].domain.as_ref().unwrap().lo.num,
            NumTok::Float(_)
        ));
        assert!(matches!(
            net.params[0].value,
            ParamValue::Num(NumLit {
                num: NumTok::Float(_),
                ..
            })
        ));
        assert_eq!(net.target.to_string(), "0.5*sin(x)");
    }

    #[test]
    fn round_trips_through_tokens() {
        let src =
            quote! { pub net F(x in [-1, 1/2], y) = -(x - y)^2/3 where r = 6, structure = taylor; };
        let input = parse(src.clone()).unwrap();
        assert_eq!(input.nets[0].to_token_stream().to_string(), src.to_string());
    }
}
