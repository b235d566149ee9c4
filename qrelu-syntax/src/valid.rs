//! Semantic checks of the parsed DSL: every name usable in the generated
//! code, every parameter known and in the range of the core's table
//! ([`Param`]), every variable an input, every target a polynomial
//! (converted exactly to a [`Poly`]) or an expression of SPEC §2's
//! functions proved defined on the domain (`target.rs`). All errors of all
//! nets are collected and reported together.
//!
//! What the constructions support (which degrees, domains, structures,
//! targets in F_{d,n}, sizes) is not decided here: `lower` asks qrelu-core,
//! which refuses with a [`Subject`](qrelu_core::Subject) that `lower` maps
//! back to the tokens.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};
use proc_macro2::{Span, TokenStream};
use qrelu_core::rational::{self, Rational};
use qrelu_core::spec::{Target, Values};
use qrelu_core::{Param, Poly, Structure};
use quote::ToTokens;
use syn::Ident;
use syn::ext::IdentExt;

use crate::ast::{self, BinOp, Expr, NumLit, NumTok, ParamValue, SpanRange};
pub mod msg;
mod target;

/// The largest total degree a target may have after expansion.
pub const MAX_DEGREE: u32 = 64;

/// The most monomials a target may have after expansion.
pub const MAX_TERMS: usize = 10_000;

/// The most coefficient products one multiplication may take while
/// expanding, so a blow-up is refused before it costs time.
const MAX_TERM_PRODUCTS: usize = 1_000_000;

/// The most bits a coefficient's numerator or denominator may have, so that
/// nested powers of constants (`((2^64)^64)^64`) are refused before they
/// cost time.
pub const MAX_COEFFICIENT_BITS: u64 = 4096;

/// A net that passed every check, ready for `lower`.
#[derive(Clone, Debug)]
pub struct ValidNet {
    /// Outer attributes, to pass through.
    pub attrs: Vec<syn::Attribute>,
    /// Visibility, to pass through.
    pub vis: syn::Visibility,
    /// The net's name.
    pub name: Name,
    /// The inputs, in order.
    pub inputs: Vec<ValidInput>,
    /// The target: a polynomial expanded exactly, or any other expression
    /// of the DSL proved defined on the domain; variable `i` is `inputs[i]`.
    pub target: Target,
    /// The target's first and last token, for errors that underline it all
    /// (`syn::Error::new_spanned(target_range, ..)`).
    pub target_range: SpanRange,
    /// The tokens of each sub-expression of a target that is not a
    /// polynomial, by [`Path`](qrelu_core::expr::Path) (empty for a
    /// polynomial), for errors about a part of it.
    pub target_spans: Vec<(qrelu_core::expr::Path, SpanRange)>,
    /// The parameters.
    pub params: Params,
}

/// An input with its domain `[lo, hi]`, `lo < hi`.
#[derive(Clone, Debug)]
pub struct ValidInput {
    /// The input's name.
    pub name: Name,
    /// Lower end of the domain (default 0).
    pub lo: Rational,
    /// Upper end of the domain (default 1).
    pub hi: Rational,
    /// The `[lo, hi]` brackets, or the name when no domain was written.
    pub domain_span: Span,
}

/// A parameter's value with the spans of its key and value.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// The key (`r` in `r = 6`).
    pub key_span: Span,
    /// The value (its first token where spans cannot be joined).
    pub value_span: Span,
}

/// A parameter's value, of the kind its [`Values`] says.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An integer ([`Values::Integer`]).
    Int(u64),
    /// One of the words of [`Values::Choice`].
    Word(&'static str),
    /// A fraction ([`Values::Fraction`]).
    Fraction(Rational),
}

/// The parameters after `where`, by [`Param`], each with the spans of its
/// key and value; absent when not given.
#[derive(Clone, Debug)]
pub struct Params {
    /// The values given.
    pub values: BTreeMap<Param, Spanned<Value>>,
    /// The `where` keyword.
    pub where_span: Span,
}

impl Params {
    /// The integer given for `param`.
    pub fn int(&self, param: Param) -> Option<u64> {
        match self.values.get(&param).map(|s| &s.value) {
            Some(Value::Int(v)) => Some(*v),
            _ => None,
        }
    }

    /// The integer given for `param`, as a `u32` (every small parameter's
    /// range fits).
    pub fn small(&self, param: Param) -> Option<u32> {
        self.int(param).and_then(|v| u32::try_from(v).ok())
    }

    /// The word given for `param`.
    pub fn word(&self, param: Param) -> Option<&'static str> {
        match self.values.get(&param).map(|s| &s.value) {
            Some(Value::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// The fraction given for `param`.
    pub fn fraction(&self, param: Param) -> Option<&Rational> {
        match self.values.get(&param).map(|s| &s.value) {
            Some(Value::Fraction(q)) => Some(q),
            _ => None,
        }
    }
}

/// The name of a net or an input, as the user means it: it prints
/// (`Display`, `to_string`) without a raw prefix — the net `r#type` is called
/// `type` in `INFO`, the JSON and the docs — and emits (`ToTokens`) the
/// identifier as written, which generated code needs.
#[derive(Clone, Debug)]
pub struct Name {
    ident: Ident,
}

impl Name {
    /// The identifier as written (`r#type`).
    pub fn ident(&self) -> &Ident {
        &self.ident
    }

    /// The identifier's span.
    pub fn span(&self) -> Span {
        self.ident.span()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.ident.unraw())
    }
}

impl ToTokens for Name {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.ident.to_tokens(tokens);
    }
}

/// An identifier without its raw prefix: `r#x` and `x` are one name.
fn key(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// Checks every net, collecting all errors.
pub fn validate(input: ast::Input) -> Result<Vec<ValidNet>, syn::Error> {
    let mut errors = Errors::default();
    let mut defined: HashSet<String> = HashSet::new();
    let mut nets = Vec::new();
    for net in &input.nets {
        check_names(net, &input.nets, &mut defined, &mut errors);
        if let Some(valid) = check_net(net.clone(), &mut errors) {
            nets.push(valid);
        }
    }
    errors.finish()?;
    Ok(nets)
}

// ---------------------------------------------------------------- names

/// The prelude's unit and tuple variants: as an input (a pattern in the
/// generated signatures) they match the variant instead of binding; as a
/// net they would hide the variant in the user's module.
const PRELUDE_VARIANTS: &[&str] = &["None", "Some", "Ok", "Err"];

/// The primitive types, which a net's struct would hide in the module
/// (`str` also in the generated `&'static str`).
const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64",
    "u128", "usize", "f16", "f32", "f64", "f128",
];

/// Why `name` cannot name a net, if it cannot. Keywords that syn refuses
/// (`Self`, `self`, `type`, …) never get here: the parser stops at them.
pub fn net_name_error(name: &Ident) -> Option<String> {
    let text = key(name);
    if text == "gen" && name != "r#gen" {
        return Some(msg::keyword("gen", "a net"));
    }
    if PRELUDE_VARIANTS.contains(&text.as_str()) {
        return Some(msg::prelude_net(&text));
    }
    if PRIMITIVES.contains(&text.as_str()) {
        return Some(msg::primitive_net(&text));
    }
    // `fn eval_at<T: Scalar>(..) { T::eval(..) }` would call the generic
    (text == "T").then(msg::generic_net)
}

/// Why `name` cannot name an input, if it cannot (other nets aside).
fn input_name_error(name: &Ident) -> Option<String> {
    let text = key(name);
    if text == "gen" && name != "r#gen" {
        return Some(msg::keyword("gen", "an input"));
    }
    PRELUDE_VARIANTS
        .contains(&text.as_str())
        .then(|| msg::prelude_input(&text))
}

/// Checks the names of `net` against Rust and against the other nets of
/// the invocation (`all`; `defined` holds the net names seen so far). A net
/// is a unit struct, so an input named like any net of the invocation
/// would be read as that struct in the generated signatures.
fn check_names(
    net: &ast::NetDef,
    all: &[ast::NetDef],
    defined: &mut HashSet<String>,
    errors: &mut Errors,
) {
    let name = key(&net.name);
    let refused = net_name_error(&net.name);
    if let Some(message) = &refused {
        errors.push(net.name.span(), message);
    }
    if !defined.insert(name.clone()) {
        let message = format!("net `{}` is defined twice; net names must differ", net.name);
        errors.push(net.name.span(), message);
    }
    let mut users: Vec<String> = Vec::new();
    for other in all.iter().filter(|o| !std::ptr::eq(*o, net)) {
        let user = other.name.to_string();
        if other.inputs.iter().any(|i| key(&i.name) == name) && !users.contains(&user) {
            users.push(user);
        }
    }
    // a name refused already must change anyway: one error is enough
    if !users.is_empty() && refused.is_none() {
        let message = msg::net_named_like_input(&net.name.to_string(), &users);
        errors.push(net.name.span(), message);
    }
    for input in &net.inputs {
        if let Some(message) = input_name_error(&input.name) {
            errors.push(input.name.span(), message);
        } else if key(&input.name) == name {
            errors.push(
                input.name.span(),
                msg::input_named_like_net(&input.name.to_string()),
            );
        }
    }
}

/// The error collector (cxx `syntax/report.rs`).
#[derive(Default)]
struct Errors {
    all: Option<syn::Error>,
    count: usize,
}

impl Errors {
    fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        self.add(syn::Error::new(span, message));
    }

    /// An error underlining `tokens` from first to last token.
    fn push_spanned(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.add(syn::Error::new_spanned(tokens, message));
    }

    fn add(&mut self, error: syn::Error) {
        self.count += 1;
        match &mut self.all {
            Some(all) => all.combine(error),
            None => self.all = Some(error),
        }
    }

    fn finish(self) -> Result<(), syn::Error> {
        self.all.map_or(Ok(()), Err)
    }
}

fn check_net(net: ast::NetDef, errors: &mut Errors) -> Option<ValidNet> {
    let before = errors.count;
    // without inputs the target's variables stand in for them, so that
    // they are not each an unknown variable besides this error
    let mut variables = Vec::new();
    if net.inputs.is_empty() {
        collect_variables(&net.target, &mut variables);
        let name = &net.name;
        let list = if variables.is_empty() {
            "x".to_owned()
        } else {
            variables.join(", ")
        };
        let message =
            format!("`{name}` has no inputs; list them in the parentheses, as in `{name}({list})`");
        errors.push(net.paren_token.span.join(), message);
    }
    let mut inputs = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for input in &net.inputs {
        if !seen.insert(key(&input.name)) {
            let message = format!(
                "input `{}` is listed twice; input names must differ",
                input.name
            );
            errors.push(input.name.span(), message);
        }
        let (lo, hi, domain_span) = match &input.domain {
            None => (rational::int(0), rational::int(1), input.name.span()),
            Some(d) => {
                let (lo, hi) = (number(&d.lo, errors), number(&d.hi, errors));
                let (Some(lo), Some(hi)) = (lo, hi) else {
                    continue;
                };
                if lo >= hi {
                    let kind = if lo == hi { "empty" } else { "inverted" };
                    let message = format!(
                        "the domain `[{}, {}]` is {kind}; write `[lo, hi]` with lo < hi, such as `[0, 1]` or `[-1, 1]`",
                        d.lo, d.hi
                    );
                    errors.push(d.span, message);
                }
                (lo, hi, d.span)
            }
        };
        inputs.push(ValidInput {
            name: Name {
                ident: input.name.clone(),
            },
            lo,
            hi,
            domain_span,
        });
    }

    let names: Vec<String> = if net.inputs.is_empty() {
        variables
    } else {
        net.inputs.iter().map(|i| i.name.to_string()).collect()
    };
    let cx = Context {
        net: net.name.to_string(),
        inputs: names,
    };
    let mut spans = Vec::new();
    let target = if target::is_polynomial(&net.target, &cx.inputs) {
        cx.poly(&net.target, errors).map(Target::Poly)
    } else {
        let expr = cx.expr(&net.target, &mut Vec::new(), &mut spans, errors);
        // definedness is proved on the domain, so only when every input is valid
        let domain: Vec<(Rational, Rational)> = inputs
            .iter()
            .map(|i| (i.lo.clone(), i.hi.clone()))
            .collect();
        let inputs_ok = errors.count == before && inputs.len() == net.inputs.len();
        expr.and_then(|e| {
            if inputs_ok {
                target::check_defined(&e, &domain, &cx.inputs, &spans, errors)?;
            }
            Some(Target::Expr(e))
        })
    };

    let params = check_params(&net.params, net.where_token.span, errors);
    // a given but invalid `r` or `eps` has its own error already;
    // `structure = lipschitz` has no `r` and says itself that it needs `eps`
    let lipschitz = params.word(Param::Structure) == Some(Structure::Lipschitz.name());
    let given = |p: Param| net.params.iter().any(|d| d.key == p.name());
    if !lipschitz && !given(Param::R) && !given(Param::Eps) {
        let message =
            "`r` is required unless `eps` is given; add it after `where`, as in `where r = 6`";
        errors.push(net.name.span(), message);
    }

    if errors.count > before {
        return None;
    }
    Some(ValidNet {
        target_range: net.target.span_range(),
        target_spans: spans,
        attrs: net.attrs,
        vis: net.vis,
        name: Name { ident: net.name },
        inputs,
        target: target?,
        params,
    })
}

// ---------------------------------------------------------------- numbers

/// The exact value of a number as written, or `None` after reporting why
/// it is not accepted.
fn number(n: &NumLit, errors: &mut Errors) -> Option<Rational> {
    if let (NumTok::Float(lit), None) = (&n.num, &n.den) {
        // suggest the whole number, sign included: `-0.5` → `-1/2`
        let value = decimal_value(lit).map(|q| if n.neg.is_some() { -q } else { q });
        errors.push_spanned(n, msg::decimal(value.map(|q| rational::display(&q))));
        return None;
    }
    let num = int_token(&n.num, errors);
    let den = match &n.den {
        Some((_, d)) => int_token(d, errors),
        None => Some(BigInt::one()),
    };
    let (num, den) = (num?, den?);
    if den.is_zero() {
        errors.push_spanned(n, format!("division by zero in `{n}`"));
        return None;
    }
    let q = Rational::new(num, den);
    Some(if n.neg.is_some() { -q } else { q })
}

/// An integer literal's value; decimals and suffixes are reported.
fn int_token(t: &NumTok, errors: &mut Errors) -> Option<BigInt> {
    match t {
        NumTok::Int(lit) => {
            if !lit.suffix().is_empty() {
                errors.push(
                    lit.span(),
                    msg::suffix(&lit.to_string(), lit.base10_digits()),
                );
                return None;
            }
            lit.base10_digits().parse().ok()
        }
        NumTok::Float(lit) => {
            let suggestion = decimal_value(lit).map(|q| rational::display(&q));
            errors.push(lit.span(), msg::decimal(suggestion));
            None
        }
    }
}

/// The exact value of a decimal literal such as `0.5` or `1e-3`.
fn decimal_value(lit: &syn::LitFloat) -> Option<Rational> {
    // digits are normalised by syn: no underscores, no suffix
    let digits = lit.base10_digits().to_lowercase();
    let (mantissa, exp) = match digits.split_once('e') {
        Some((m, e)) => (m.to_owned(), e.parse::<i32>().ok()?),
        None => (digits.clone(), 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((&mantissa, ""));
    let numer: BigInt = format!("{int_part}{frac_part}").parse().ok()?;
    // m · 10^(exp − len(frac))
    let shift = exp.checked_sub(i32::try_from(frac_part.len()).ok()?)?;
    if shift.unsigned_abs() > 1000 {
        return None;
    }
    let ten = BigInt::from(10).pow(shift.unsigned_abs());
    Some(if shift >= 0 {
        Rational::from_integer(numer * ten)
    } else {
        Rational::new(numer, ten)
    })
}

// ---------------------------------------------------------------- targets

/// The names a target may use.
struct Context {
    net: String,
    inputs: Vec<String>,
}

impl Context {
    fn nvars(&self) -> usize {
        self.inputs.len()
    }

    /// The target as an exact polynomial, or `None` after reporting every
    /// error in it (both operands of an operator are always checked).
    fn poly(&self, e: &Expr, errors: &mut Errors) -> Option<Poly> {
        match e {
            Expr::Int(lit) => {
                let suffix = lit.suffix();
                if !suffix.is_empty() {
                    let (text, digits) = (lit.to_string(), lit.base10_digits());
                    let is_type = is_int_type(suffix);
                    let message = if is_type {
                        msg::suffix(&text, digits)
                    } else {
                        msg::implicit_product(&text, digits, suffix)
                    };
                    errors.push(lit.span(), message);
                    return None;
                }
                let n: BigInt = lit.base10_digits().parse().ok()?;
                Some(Poly::constant(self.nvars(), Rational::from_integer(n)))
            }
            Expr::Float(lit) => {
                let suggestion = decimal_value(lit).map(|q| rational::display(&q));
                errors.push(lit.span(), msg::decimal(suggestion));
                None
            }
            Expr::Var(ident) => {
                let name = ident.to_string();
                let wanted = key(ident);
                let is_wanted = |i: &String| i.strip_prefix("r#").unwrap_or(i) == wanted;
                match self.inputs.iter().position(is_wanted) {
                    Some(i) => Some(Poly::var(self.nvars(), i)),
                    None => {
                        errors.push(
                            ident.span(),
                            msg::unknown_variable(&name, &self.net, &self.inputs),
                        );
                        None
                    }
                }
            }
            Expr::Neg { expr, .. } => Some(self.poly(expr, errors)?.neg()),
            Expr::Paren { expr, .. } => self.poly(expr, errors),
            Expr::Call { func, .. } => {
                let name = func.to_string();
                let message = if self.inputs.contains(&name) {
                    msg::input_call(&name)
                } else {
                    msg::call(&name)
                };
                errors.push(func.span(), message);
                None
            }
            Expr::Binary {
                lhs,
                op: BinOp::Div(_),
                rhs,
            } => {
                let numerator = self.poly(lhs, errors);
                let divisor = self.divisor(rhs, errors);
                Some(numerator?.scale(&divisor?.recip()))
            }
            Expr::Binary { lhs, op, rhs } => {
                let (a, b) = (self.poly(lhs, errors), self.poly(rhs, errors));
                let (a, b) = (a?, b?);
                match op {
                    BinOp::Add(_) => Some(a.add(&b)),
                    BinOp::Sub(_) => Some(a.sub(&b)),
                    _ => checked_mul(&a, &b, e, errors),
                }
            }
            Expr::Pow { base, exp, .. } => {
                let base_poly = self.poly(base, errors);
                let exp = self.exponent(exp, errors);
                checked_pow(&base_poly?, exp?, e, errors)
            }
        }
    }

    /// A divisor: a nonzero expression in numbers only.
    fn divisor(&self, e: &Expr, errors: &mut Errors) -> Option<Rational> {
        if has_var(e) {
            errors.push_spanned(
                e,
                format!("division by `{e}` is not polynomial; {}", msg::DIVISOR_HINT),
            );
            return None;
        }
        let c = self.constant(e, errors)?;
        if c.is_zero() {
            errors.push_spanned(e, format!("division by zero: `{e}` is 0"));
            return None;
        }
        Some(c)
    }

    /// An exponent: a non-negative integer, at most [`MAX_DEGREE`].
    fn exponent(&self, e: &Expr, errors: &mut Errors) -> Option<u32> {
        if has_var(e) {
            errors.push_spanned(e, msg::bad_exponent("variable", &e.to_string()));
            return None;
        }
        if let Some(lit) = find_float(e) {
            // `x^2.0` is a decimal; `x^1.5` a fractional exponent
            match decimal_value(lit) {
                Some(q) if q.is_integer() => {
                    errors.push(lit.span(), msg::decimal(Some(rational::display(&q))));
                }
                _ => errors.push_spanned(e, msg::bad_exponent("fractional", &e.to_string())),
            }
            return None;
        }
        let value = self.constant(e, errors)?;
        if value.is_negative() {
            errors.push_spanned(e, msg::bad_exponent("negative", &e.to_string()));
            return None;
        }
        if !value.is_integer() {
            errors.push_spanned(e, msg::bad_exponent("fractional", &e.to_string()));
            return None;
        }
        match value.to_integer().to_u32() {
            Some(v) if v <= MAX_DEGREE => Some(v),
            _ => {
                let message = format!(
                    "exponent `{e}` is too large; a target's degree is at most {MAX_DEGREE}"
                );
                errors.push_spanned(e, message);
                None
            }
        }
    }

    /// The value of an expression without variables.
    fn constant(&self, e: &Expr, errors: &mut Errors) -> Option<Rational> {
        let p = self.poly(e, errors)?;
        Some(p.coefficient(&vec![0; self.nvars()]))
    }
}

/// `a · b`, refused when the degree or the expansion grows too large.
fn checked_mul(a: &Poly, b: &Poly, at: &Expr, errors: &mut Errors) -> Option<Poly> {
    let degree = a.degree() + b.degree();
    if degree > MAX_DEGREE {
        let message =
            format!("this product has degree {degree}; a target's degree is at most {MAX_DEGREE}");
        errors.push_spanned(at, message);
        return None;
    }
    // |numer(a·b)| ≤ |numer(a)|·|numer(b)|, the same for denominators
    let bits = max_bits(a) + max_bits(b);
    if bits > MAX_COEFFICIENT_BITS {
        let message = format!(
            "this expands to coefficients of more than {MAX_COEFFICIENT_BITS} bits; targets are expanded exactly, so keep their numbers smaller"
        );
        errors.push_spanned(at, message);
        return None;
    }
    let (na, nb) = (a.terms().count(), b.terms().count());
    let too_many = |errors: &mut Errors| {
        let message = format!(
            "this expands to more than {MAX_TERMS} monomials; targets are expanded exactly, so keep them smaller"
        );
        errors.push_spanned(at, message);
    };
    if na.saturating_mul(nb) > MAX_TERM_PRODUCTS {
        too_many(errors);
        return None;
    }
    let p = a.mul(b);
    if p.terms().count() > MAX_TERMS {
        too_many(errors);
        return None;
    }
    Some(p)
}

/// `base^e` by repeated squaring through [`checked_mul`].
fn checked_pow(base: &Poly, e: u32, at: &Expr, errors: &mut Errors) -> Option<Poly> {
    let degree = u64::from(base.degree()) * u64::from(e);
    if degree > u64::from(MAX_DEGREE) {
        let message =
            format!("this power has degree {degree}; a target's degree is at most {MAX_DEGREE}");
        errors.push_spanned(at, message);
        return None;
    }
    let mut acc = Poly::constant(base.nvars(), Rational::one());
    let mut square = base.clone();
    let mut e = e;
    while e > 0 {
        if e & 1 == 1 {
            acc = checked_mul(&acc, &square, at, errors)?;
        }
        e >>= 1;
        if e > 0 {
            square = checked_mul(&square, &square, at, errors)?;
        }
    }
    Some(acc)
}

/// The most bits of any coefficient's numerator or denominator.
fn max_bits(p: &Poly) -> u64 {
    p.terms()
        .map(|(_, c)| c.numer().bits().max(c.denom().bits()))
        .max()
        .unwrap_or(0)
}

/// The variables of `e` as written, each once, in order of appearance.
fn collect_variables(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Var(ident) => {
            let wanted = key(ident);
            if !out
                .iter()
                .any(|v| v.strip_prefix("r#").unwrap_or(v) == wanted)
            {
                out.push(ident.to_string());
            }
        }
        Expr::Int(_) | Expr::Float(_) => {}
        Expr::Call { args, .. } => args.iter().for_each(|a| collect_variables(a, out)),
        Expr::Neg { expr, .. } | Expr::Paren { expr, .. } => collect_variables(expr, out),
        Expr::Binary { lhs, rhs, .. } => {
            collect_variables(lhs, out);
            collect_variables(rhs, out);
        }
        Expr::Pow { base, exp, .. } => {
            collect_variables(base, out);
            collect_variables(exp, out);
        }
    }
}

fn has_var(e: &Expr) -> bool {
    match e {
        Expr::Var(_) => true,
        Expr::Int(_) | Expr::Float(_) => false,
        Expr::Call { args, .. } => args.iter().any(has_var),
        Expr::Neg { expr, .. } | Expr::Paren { expr, .. } => has_var(expr),
        Expr::Binary { lhs, rhs, .. } => has_var(lhs) || has_var(rhs),
        Expr::Pow { base, exp, .. } => has_var(base) || has_var(exp),
    }
}

fn find_float(e: &Expr) -> Option<&syn::LitFloat> {
    match e {
        Expr::Float(lit) => Some(lit),
        Expr::Int(_) | Expr::Var(_) => None,
        Expr::Call { args, .. } => args.iter().find_map(find_float),
        Expr::Neg { expr, .. } | Expr::Paren { expr, .. } => find_float(expr),
        Expr::Binary { lhs, rhs, .. } => find_float(lhs).or_else(|| find_float(rhs)),
        Expr::Pow { base, exp, .. } => find_float(base).or_else(|| find_float(exp)),
    }
}

fn is_int_type(suffix: &str) -> bool {
    matches!(
        suffix,
        "u8" | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
    )
}

// ---------------------------------------------------------------- parameters

fn check_params(defs: &[ast::ParamDef], where_span: Span, errors: &mut Errors) -> Params {
    let mut params = Params {
        values: BTreeMap::new(),
        where_span,
    };
    let mut seen: HashSet<Param> = HashSet::new();
    for def in defs {
        let key = def.key.to_string();
        let Some(param) = Param::from_name(&key) else {
            errors.push(def.key.span(), msg::unknown_param(&key));
            continue;
        };
        if !seen.insert(param) {
            errors.push(def.key.span(), format!("`{key}` is given twice"));
            continue;
        }
        let value = match param.values() {
            Values::Integer { min, max } => integer(def, param, min, max, errors).map(Value::Int),
            Values::Choice(words) => choice(def, param, words, errors).map(Value::Word),
            Values::Fraction => fraction(def, param, errors).map(Value::Fraction),
        };
        if let Some(value) = value {
            params.values.insert(param, spanned(def, value));
        }
    }
    params
}

fn spanned<T>(def: &ast::ParamDef, value: T) -> Spanned<T> {
    Spanned {
        value,
        key_span: def.key.span(),
        value_span: def.value.span_range().join(),
    }
}

/// An integer parameter in `min..=max`.
fn integer(
    def: &ast::ParamDef,
    param: Param,
    min: u64,
    max: u64,
    errors: &mut Errors,
) -> Option<u64> {
    let key = param.name();
    let value = match &def.value {
        ParamValue::Num(
            n @ NumLit {
                num: NumTok::Int(_),
                den: None,
                ..
            },
        ) => number(n, errors)?,
        other => {
            errors.push_spanned(
                other.span_range(),
                format!("{}, found `{other}`", msg::int_range(param, min, max)),
            );
            return None;
        }
    };
    let v = value.to_integer();
    if v < BigInt::from(min) {
        errors.push_spanned(
            def.value.span_range(),
            format!("`{key}` must be at least {min}, found {v}"),
        );
        return None;
    }
    if v > BigInt::from(max) {
        errors.push_spanned(
            def.value.span_range(),
            format!("`{key}` must be at most {max}, found {v}"),
        );
        return None;
    }
    v.to_u64()
}

/// One of the words `choices`.
fn choice(
    def: &ast::ParamDef,
    param: Param,
    choices: &'static [&'static str],
    errors: &mut Errors,
) -> Option<&'static str> {
    let chosen = match &def.value {
        ParamValue::Ident(i) => choices.iter().find(|name| i == *name),
        _ => None,
    };
    if let Some(word) = chosen {
        return Some(word);
    }
    let message = format!(
        "`{param}` must be {}, found `{}`",
        msg::list(choices, "or"),
        def.value
    );
    errors.push_spanned(def.value.span_range(), message);
    None
}

/// A fraction `p/q` with `0 < p/q < 1` (`eps`).
fn fraction(def: &ast::ParamDef, param: Param, errors: &mut Errors) -> Option<Rational> {
    let accepted = format!(
        "`{param}` must be a fraction strictly between 0 and 1, such as `{}`",
        param.assignment()
    );
    let value = match &def.value {
        ParamValue::Num(n) => number(n, errors)?,
        other => {
            errors.push_spanned(other.span_range(), format!("{accepted}, found `{other}`"));
            return None;
        }
    };
    if !value.is_positive() || value >= Rational::one() {
        errors.push_spanned(
            def.value.span_range(),
            format!("{accepted}, found {}", rational::display(&value)),
        );
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use qrelu_core::rational::{int, ratio};
    use quote::quote;

    fn nets(tokens: TokenStream) -> Vec<ValidNet> {
        validate(ast::parse(tokens).unwrap()).unwrap()
    }

    /// The messages of all errors, in order.
    fn errors(tokens: TokenStream) -> Vec<String> {
        let err = validate(ast::parse(tokens).unwrap()).unwrap_err();
        err.into_iter().map(|e| e.to_string()).collect()
    }

    fn target(inputs: TokenStream, target: TokenStream) -> Poly {
        let target = nets(quote! { net F(#inputs) = #target where r = 6; })
            .remove(0)
            .target;
        target.poly().cloned().expect("a polynomial target")
    }

    #[test]
    fn targets_expand_exactly() {
        let x = Poly::var(3, 0);
        let y = Poly::var(3, 1);
        let z = Poly::var(3, 2);
        let third = ratio(1, 3);
        let mix = x
            .mul(&y)
            .mul(&z)
            .sub(&x.pow(2).scale(&int(2)))
            .add(&y.sub(&z).pow(2).scale(&third));
        assert_eq!(
            target(
                quote!(x, y, z),
                quote!(x * y * z - 2 * x ^ 2 + (y - z) ^ 2 / 3)
            ),
            mix
        );
        assert_eq!(
            target(quote!(x, y, z), quote!((y - z) ^ 2 / 3)).coefficient(&[0, 1, 1]),
            ratio(-2, 3)
        );

        let x = Poly::var(1, 0);
        assert_eq!(target(quote!(x), quote!(-x ^ 2)), x.pow(2).neg());
        assert_eq!(target(quote!(x), quote!((-x) ^ 2)), x.pow(2));
        let cubic = x
            .pow(3)
            .scale(&ratio(3, 4))
            .sub(&x.scale(&ratio(1, 2)))
            .add(&Poly::constant(1, ratio(1, 8)));
        assert_eq!(
            target(quote!(x), quote!(3 / 4 * x ^ 3 - x / 2 + 1 / 8)),
            cubic
        );
        assert_eq!(
            target(quote!(x), quote!(x / (2 ^ 3) / (1 / 2))),
            x.scale(&ratio(1, 4))
        );
        assert_eq!(
            target(quote!(x), quote!(x ^ 0 + 0x10)),
            Poly::constant(1, int(17))
        );
        assert_eq!(target(quote!(x), quote!(x ^ (1 + 1))), x.pow(2));
        assert!(target(quote!(x), quote!(x - x)).is_zero());
        assert_eq!(target(quote!(x), quote!(x ^ 64)).degree(), 64);
    }

    #[test]
    fn the_pinned_examples_validate() {
        let all = nets(quote! {
            /// Doc comments and attributes pass through to the generated item.
            pub net Square(x) = x^2 where r = 6, lambda = 2;
            pub net Product(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, t = 12, lambda = 3;
            net Cubic(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4;
            pub net Mix(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 3;
            pub net Smooth(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, eps = 1/1000, lambda = 2;
            pub net Saddle(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, N = 8, r = 6, lambda = 3, tune = smallest;
            pub net Lin(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4, quantization = linear, max_weights = 100_000;
        });
        assert_eq!(all.len(), 7);
        assert_eq!(all[0].attrs.len(), 1);
        assert_eq!(all[0].params.int(Param::R), Some(6));
        assert_eq!(all[0].params.int(Param::Lambda), Some(2));
        assert_eq!(
            (all[0].inputs[0].lo.clone(), all[0].inputs[0].hi.clone()),
            (int(0), int(1))
        );
        assert_eq!(
            (all[1].inputs[1].lo.clone(), all[1].inputs[1].hi.clone()),
            (int(-1), int(1))
        );
        let smooth = &all[4].params;
        assert_eq!(smooth.word(Param::Structure), Some("taylor"));
        assert_eq!(smooth.fraction(Param::Eps), Some(&ratio(1, 1000)));
        assert_eq!(smooth.int(Param::R), None);
        let saddle = &all[5].params;
        assert_eq!(saddle.int(Param::Grid), Some(8));
        assert_eq!(saddle.int(Param::Order), Some(2));
        assert_eq!(saddle.word(Param::Tune), Some("smallest"));
        let lin = &all[6].params;
        assert_eq!(lin.word(Param::Quantization), Some("linear"));
        assert_eq!(lin.int(Param::MaxWeights), Some(100_000));
        // the lowered spec reads the same table
        let spec = crate::lower::spec(&all[6]);
        assert_eq!(spec.quantization, qrelu_core::Quantization::Linear);
        assert_eq!((spec.lambda, spec.max_weights), (4, 100_000));
    }

    #[test]
    fn rational_domains() {
        let net =
            nets(quote! { net F(x in [-3/4, 1/2], y in [0, 2]) = x*y where r = 6; }).remove(0);
        assert_eq!(
            (net.inputs[0].lo.clone(), net.inputs[0].hi.clone()),
            (ratio(-3, 4), ratio(1, 2))
        );
        assert_eq!(net.inputs[1].hi, int(2));
    }

    #[test]
    fn parameter_errors_are_collected() {
        assert_eq!(
            errors(
                quote! { net F(x) = x where r = 0, t = 0, lambda = 1, n = 9, N = 2000, max_weights = 0; }
            ),
            [
                "`r` must be at least 1, found 0",
                "`t` must be at least 1, found 0",
                "`lambda` must be at least 2, found 1",
                "`n` must be at most 8, found 9",
                "`N` must be at most 1024, found 2000",
                "`max_weights` must be at least 1, found 0",
            ]
        );
        assert_eq!(
            errors(
                quote! { net F(x) = x where r = 33, t = 129, lambda = 17, max_weights = 99999999999999999999; }
            ),
            [
                "`r` must be at most 32, found 33",
                "`t` must be at most 128, found 129",
                "`lambda` must be at most 16, found 17",
                "`max_weights` must be at most 18446744073709551615, found 99999999999999999999",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x) = x where r = 6, r = 7, lambda = 2, lambda = 2; }),
            ["`r` is given twice", "`lambda` is given twice"]
        );
        let unknown = errors(quote! { net F(x) = x where r = 6, depth = 3, Lambda = 2; });
        assert_eq!(
            unknown[0],
            "unknown parameter `depth`; the parameters are `r`, `t`, `lambda`, `quantization`, `structure`, `eps`, `max_weights`, `n`, `N` and `tune`"
        );
        assert!(unknown[1].starts_with("unknown parameter `Lambda` (did you mean `lambda`?)"));
        assert_eq!(
            errors(
                quote! { net F(x) = x where r = linear, t = 1/2, lambda = -1, structure = deep, quantization = 3, tune = "smallest"; }
            ),
            [
                "`r` must be an integer from 1 to 32, as in `r = 6`, found `linear`",
                "`t` must be an integer from 1 to 128, as in `t = 12`, found `1/2`",
                "`lambda` must be at least 2, found -1",
                "`structure` must be `direct`, `taylor` or `lipschitz`, found `deep`",
                "`quantization` must be `nonlinear` or `linear`, found `3`",
                "`tune` must be `smallest`, found `\"smallest\"`",
            ]
        );
        assert_eq!(
            errors(
                quote! { net F(x) = x where eps = 0.001; net G(x) = x where eps = 1; net H(x) = x where eps = 1/0; }
            ),
            [
                "decimal literals are not accepted; write `1/1000`",
                "`eps` must be a fraction strictly between 0 and 1, such as `eps = 1/1000`, found 1",
                "division by zero in `1/0`",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x) = x where r = 6u32; }),
            ["literal suffixes are not accepted; write `6` instead of `6u32`"]
        );
    }

    #[test]
    fn r_is_required_unless_eps() {
        assert_eq!(
            errors(quote! { net F(x) = x where lambda = 2; }),
            ["`r` is required unless `eps` is given; add it after `where`, as in `where r = 6`"]
        );
        assert_eq!(nets(quote! { net F(x) = x where eps = 1/100; }).len(), 1);
    }

    #[test]
    fn input_errors() {
        assert_eq!(
            errors(quote! { net F(x in [1, 0], y in [1, 1], x) = x where r = 6; }),
            [
                "the domain `[1, 0]` is inverted; write `[lo, hi]` with lo < hi, such as `[0, 1]` or `[-1, 1]`",
                "the domain `[1, 1]` is empty; write `[lo, hi]` with lo < hi, such as `[0, 1]` or `[-1, 1]`",
                "input `x` is listed twice; input names must differ",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x in [-0.5, 1.5]) = x where r = 6; }),
            [
                "decimal literals are not accepted; write `-1/2`",
                "decimal literals are not accepted; write `3/2`"
            ]
        );
        assert_eq!(
            errors(quote! { net F() = 1 where r = 6; }),
            ["`F` has no inputs; list them in the parentheses, as in `F(x)`"]
        );
        // the target's variables are the suggestion, not each an error;
        // the target's other mistakes are still reported
        assert_eq!(
            errors(quote! { net F() = x*y - y^2 + 0.5 where r = 6; }),
            [
                "`F` has no inputs; list them in the parentheses, as in `F(x, y)`",
                "decimal literals are not accepted; write `1/2`",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x, r#x) = x where r = 6; }),
            ["input `r#x` is listed twice; input names must differ"]
        );
    }

    #[test]
    fn names_generated_code_cannot_use_are_refused() {
        assert_eq!(
            errors(
                quote! { net F(x) = x where r = 6; net F(y) = y where r = 6; net r#F(z) = z where r = 6; }
            ),
            [
                "net `F` is defined twice; net names must differ",
                "net `r#F` is defined twice; net names must differ",
            ]
        );
        assert_eq!(
            errors(quote! { net F(None, Some, x, Ok, Err, gen, r#gen) = x where r = 6; }),
            [
                "`None` cannot name an input: generated code would read it as the prelude's `None`, not as a parameter; use another name, such as `none`",
                "`Some` cannot name an input: generated code would read it as the prelude's `Some`, not as a parameter; use another name, such as `some`",
                "`Ok` cannot name an input: generated code would read it as the prelude's `Ok`, not as a parameter; use another name, such as `ok`",
                "`Err` cannot name an input: generated code would read it as the prelude's `Err`, not as a parameter; use another name, such as `err`",
                "`gen` is a keyword since Rust 2024 and cannot name an input; write `r#gen` or use another name",
                "input `r#gen` is listed twice; input names must differ",
            ]
        );
        assert_eq!(
            errors(quote! {
                net None(x) = x where r = 6;
                net f64(x) = x where r = 6;
                net str(x) = x where r = 6;
                net T(x) = x where r = 6;
                net gen(x) = x where r = 6;
            }),
            [
                "`None` cannot name a net: the net's unit struct would hide the prelude's `None` in this module; use another name, such as `NoneNet`",
                "`f64` cannot name a net: the net's struct would hide the primitive type `f64` in this module; use another name, such as `F64`",
                "`str` cannot name a net: the net's struct would hide the primitive type `str` in this module; use another name, such as `Str`",
                "`T` cannot name a net: the generated functions are generic over a type `T`, which would hide the net's struct inside them; use another name, such as `TNet`",
                "`gen` is a keyword since Rust 2024 and cannot name a net; write `r#gen` or use another name",
            ]
        );
        assert_eq!(
            errors(quote! {
                net x(x, y) = x*y where r = 6;
                net G(x, y) = x*y where r = 6;
                net H(r#x) = x where r = 6;
            }),
            [
                "net `x` has the name of an input of `G` and `H`: generated code would read that input as this net's unit struct, not as a parameter; rename the net or the input",
                "input `x` has the name of its net: generated code would read it as the net's unit struct, not as a parameter; rename the input or the net",
            ]
        );
        // names that only look special are fine: generated code uses none of
        // them by a path that could resolve differently
        let fine = nets(quote! {
            net r#gen(T, r#fn, union, half, x_pow2, out_sum) = T + r#fn + union + half + x_pow2 + out_sum where r = 2;
            net Option(x) = x where r = 2;
            net r#type(Vec, f64, None2) = Vec + f64 + None2 where r = 2;
        });
        assert_eq!(fine.len(), 3);
        assert_eq!(fine[0].name.to_string(), "gen");
        assert_eq!(fine[0].name.ident().to_string(), "r#gen");
        assert_eq!(fine[0].inputs[1].name.to_string(), "fn");
        assert_eq!(fine[2].name.to_string(), "type");
    }

    #[test]
    fn target_errors_are_collected() {
        assert_eq!(
            errors(quote! { net F(x, y) = x*z + w where r = 6; net G(x) = y where r = 6; }),
            [
                "unknown variable `z`; the inputs of `F` are `x` and `y`",
                "unknown variable `w`; the inputs of `F` are `x` and `y`",
                "unknown variable `y`; the only input of `G` is `x`",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x) = erf(x) + x(x + 1) + log(x, x) + min(x) where r = 6; }),
            [
                "unknown function `erf`; accepted: exp, log, sqrt, sin, cos, tanh, atan, abs (one argument) and min, max (two)",
                "`x(...)` reads as a function call; write `x*(...)` for a product",
                "`log` takes 1 argument, found 2; accepted: exp, log, sqrt, sin, cos, tanh, atan, abs (one argument) and min, max (two)",
                "`min` takes 2 arguments, found 1; accepted: exp, log, sqrt, sin, cos, tanh, atan, abs (one argument) and min, max (two)",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x in [-1, 1]) = exp(x) + log(x) where r = 6; }),
            [
                "the argument of `log` in `log(x)` reaches -1 at x = -1; the argument of `log` must be > 0 on the whole domain"
            ]
        );
        assert_eq!(
            errors(quote! { net F(x) = sqrt(x - 1/2) where r = 6; }),
            [
                "the argument of `sqrt` in `sqrt(x - 1/2)` reaches -1/2 at x = 0; the argument of `sqrt` must be ≥ 0 on the whole domain"
            ]
        );
        assert_eq!(
            errors(quote! { net F(x, y) = x/y + x/(y - 1) where r = 6; }),
            [
                "the denominator of `x/y` reaches 0 at x = 0, y = 0; a denominator must stay away from 0 on the whole domain"
            ]
        );
        assert_eq!(
            errors(
                quote! { net F(x, y) = x^y + x^-1 + x^(1/2) + x^1.5 + x^2.0 + x^65 where r = 6; }
            ),
            [
                "variable exponent `y` is not polynomial; exponents must be non-negative integer literals, as in `x^2`",
                "negative exponent `-1` is not polynomial; exponents must be non-negative integer literals, as in `x^2`",
                "fractional exponent `(1/2)` is not polynomial; exponents must be non-negative integer literals, as in `x^2`",
                "fractional exponent `1.5` is not polynomial; exponents must be non-negative integer literals, as in `x^2`",
                "decimal literals are not accepted; write `2`",
                "exponent `65` is too large; a target's degree is at most 64",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x, y) = x/y + x/(y - 1) + x/0 + x/(2 - 2) where r = 6; }),
            [
                "division by zero: `0` is 0",
                "division by zero: `(2 - 2)` is 0",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x) = 0.5*x + 2x + 1e-3 + 3u8 where r = 6; }),
            [
                "decimal literals are not accepted; write `1/2`",
                "`2x` is not accepted; write `2*x` for a product",
                "decimal literals are not accepted; write `1/1000`",
                "literal suffixes are not accepted; write `3` instead of `3u8`",
            ]
        );
    }

    #[test]
    fn blow_ups_are_refused() {
        assert_eq!(
            errors(quote! { net F(x, y) = (x*y)^40 + x^40*y^40 where r = 6; }),
            [
                "this power has degree 80; a target's degree is at most 64",
                "this product has degree 80; a target's degree is at most 64",
            ]
        );
        assert_eq!(
            errors(quote! { net F(x) = ((2^64)^64)^64*x where r = 6; }),
            [
                "this expands to coefficients of more than 4096 bits; targets are expanded exactly, so keep their numbers smaller"
            ]
        );
        assert_eq!(
            target(quote!(x), quote!((2 ^ 64) ^ 63 * x)).coefficient(&[1]),
            rational::pow2(64 * 63)
        );
        let many = errors(
            quote! { net F(a, b, c, d, e, f) = (a + b + c + d + e + f + 1)^30 where r = 6; },
        );
        assert_eq!(
            many,
            [
                "this expands to more than 10000 monomials; targets are expanded exactly, so keep them smaller"
            ]
        );
    }
}
