//! Targets that are not polynomials (SPEC §2): the functions of the DSL,
//! quotients by expressions and `pi`, converted to a
//! [`qrelu_core::expr::Expr`] with the tokens of every sub-expression, and
//! proved defined on the domain — or refused at the offending
//! sub-expression with a point where it fails.

use qrelu_core::expr::witness::Witness;
use qrelu_core::expr::{EnclosureError, Expr as Core, Path, Undefined};
use qrelu_core::interval::Interval;
use qrelu_core::interval::elementary::{DomainError, Elementary};
use qrelu_core::rational::{self, Rational};

use super::{Context, Errors, has_var, msg};
use crate::ast::{BinOp, Expr, SpanRange};

/// The working precision of the definedness proof (bits).
const PRECISION: u32 = 96;

/// Whether `e` is a polynomial as written: no function, no `pi`, division
/// by numbers only. Such targets keep the exact polynomial path.
pub(super) fn is_polynomial(e: &Expr, inputs: &[String]) -> bool {
    match e {
        Expr::Int(_) | Expr::Float(_) => true,
        Expr::Var(v) => v != "pi" || inputs.iter().any(|i| i == "pi"),
        Expr::Call { .. } => false,
        Expr::Neg { expr, .. } | Expr::Paren { expr, .. } => is_polynomial(expr, inputs),
        Expr::Binary {
            lhs,
            op: BinOp::Div(_),
            rhs,
        } => is_polynomial(lhs, inputs) && !has_var(rhs),
        Expr::Binary { lhs, rhs, .. } => is_polynomial(lhs, inputs) && is_polynomial(rhs, inputs),
        Expr::Pow { base, exp, .. } => is_polynomial(base, inputs) && !has_var(exp),
    }
}

/// The accepted functions, for messages.
fn accepted() -> String {
    let one: Vec<&str> = Elementary::ALL.iter().map(|f| f.name()).collect();
    format!(
        "accepted: {}, abs (one argument) and min, max (two)",
        one.join(", ")
    )
}

impl Context {
    /// The target as an expression and the tokens of each sub-expression
    /// (by [`Path`]), or `None` after reporting every error in it.
    pub(super) fn expr(
        &self,
        e: &Expr,
        path: &mut Path,
        spans: &mut Vec<(Path, SpanRange)>,
        errors: &mut Errors,
    ) -> Option<Core> {
        if !matches!(e, Expr::Paren { .. }) {
            spans.push((path.clone(), e.span_range()));
        }
        let mut child = |i: usize, e: &Expr, errors: &mut Errors| {
            path.push(i);
            let c = self.expr(e, path, spans, errors);
            path.pop();
            c.map(Box::new)
        };
        match e {
            Expr::Int(_) | Expr::Float(_) => Some(Core::Const(self.constant(e, errors)?)),
            Expr::Var(v) if v == "pi" && !self.inputs.iter().any(|i| i == "pi") => Some(Core::Pi),
            Expr::Var(_) => {
                let p = self.poly(e, errors)?;
                let i = p
                    .terms()
                    .next()
                    .and_then(|(pow, _)| pow.iter().position(|&k| k == 1))?;
                Some(Core::Var(i))
            }
            Expr::Paren { expr, .. } => self.expr(expr, path, spans, errors),
            Expr::Neg { expr, .. } => Some(Core::Neg(child(0, expr, errors)?)),
            Expr::Binary { lhs, op, rhs } => {
                let a = child(0, lhs, errors);
                let b = match op {
                    // a zero divisor is refused as the polynomial path does
                    BinOp::Div(_) if !has_var(rhs) => {
                        let c = self.divisor(rhs, errors);
                        spans.push(([path.as_slice(), &[1]].concat(), rhs.span_range()));
                        c.map(|c| Box::new(Core::Const(c)))
                    }
                    _ => child(1, rhs, errors),
                };
                let (a, b) = (a?, b?);
                Some(match op {
                    BinOp::Add(_) => Core::Add(a, b),
                    BinOp::Sub(_) => Core::Sub(a, b),
                    BinOp::Mul(_) => Core::Mul(a, b),
                    BinOp::Div(_) => Core::Div(a, b),
                })
            }
            Expr::Pow { base, exp, .. } => {
                let base = child(0, base, errors);
                let k = self.exponent(exp, errors);
                Some(Core::Pow(base?, k?))
            }
            Expr::Call { func, paren, args } => {
                let name = func.to_string();
                let arity = match name.as_str() {
                    "min" | "max" => 2,
                    _ if name == "abs" || Elementary::from_name(&name).is_some() => 1,
                    _ => {
                        let message = if self.inputs.contains(&name) {
                            msg::input_call(&name)
                        } else {
                            format!("unknown function `{name}`; {}", accepted())
                        };
                        errors.push(func.span(), message);
                        return None;
                    }
                };
                if args.len() != arity {
                    let (n, s) = (args.len(), if arity == 1 { "" } else { "s" });
                    let message = format!(
                        "`{name}` takes {arity} argument{s}, found {n}; {}",
                        accepted()
                    );
                    errors.push(paren.span.join(), message);
                    return None;
                }
                let mut parsed = Vec::with_capacity(arity);
                for (i, a) in args.iter().enumerate() {
                    parsed.push(child(i, a, errors));
                }
                let mut parsed = parsed.into_iter();
                let a = parsed.next().flatten()?;
                Some(match (name.as_str(), parsed.next()) {
                    ("abs", _) => Core::Abs(a),
                    ("min", Some(b)) => Core::Min(a, b?),
                    ("max", Some(b)) => Core::Max(a, b?),
                    _ => Core::Call(Elementary::from_name(&name)?, a),
                })
            }
        }
    }
}

/// Proves `e` defined on the box, or reports where it is not (at the
/// offending sub-expression's tokens, with a point).
pub(super) fn check_defined(
    e: &Core,
    domain: &[(Rational, Rational)],
    names: &[String],
    spans: &[(Path, SpanRange)],
    errors: &mut Errors,
) -> Option<()> {
    let x: Vec<Interval> = domain
        .iter()
        .map(|(lo, hi)| Interval::hull_of(lo.clone(), hi.clone()))
        .collect();
    let err = match e.range(&x, PRECISION) {
        Ok(_) => return Some(()),
        Err(err) => err,
    };
    let span = spans
        .iter()
        .rev()
        .find(|(p, _)| *p == err.path)
        .or_else(|| spans.first())
        .map(|(_, s)| *s)?;
    let node = e.at(&err.path).map_or_else(String::new, |n| {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        n.display_with(&names).to_string()
    });
    errors.push_spanned(span, message(e, &x, &err, &node, names));
    None
}

/// "the argument of `log` reaches 0 at x = 0", with what is accepted.
fn message(e: &Core, x: &[Interval], err: &EnclosureError, node: &str, names: &[String]) -> String {
    let (what, accepted) = match &err.kind {
        Undefined::Domain(DomainError::LogNotPositive) => (
            format!("the argument of `log` in `{node}`"),
            "the argument of `log` must be > 0 on the whole domain",
        ),
        Undefined::Domain(DomainError::SqrtNegative) => (
            format!("the argument of `sqrt` in `{node}`"),
            "the argument of `sqrt` must be ≥ 0 on the whole domain",
        ),
        Undefined::Domain(DomainError::ExpTooLarge) => (
            format!("the argument of `exp` in `{node}`"),
            "the argument of `exp` must stay ≤ 4096 on the whole domain",
        ),
        Undefined::Denominator => (
            format!("the denominator of `{node}`"),
            "a denominator must stay away from 0 on the whole domain",
        ),
    };
    let at = |p: &[Rational]| {
        p.iter()
            .zip(names)
            .map(|(v, n)| format!("{n} = {}", rational::display(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fails = match e.witness(x, err) {
        Some(Witness::At(p, v)) => match v.lo() == v.hi() {
            true => format!("reaches {} at {}", rational::display(v.lo()), at(&p)),
            false => format!("is {v} at {}", at(&p)),
        },
        Some(Witness::Between(a, b)) => {
            format!("changes sign between {} and {}", at(&a), at(&b))
        }
        None => format!(
            "is not proved away from the boundary: it is enclosed in {}",
            err.argument
        ),
    };
    format!("{what} {fails}; {accepted}")
}
