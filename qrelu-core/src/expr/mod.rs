//! Targets beyond polynomials: the expression tree of the DSL's grammar
//! (SPEC §2), its canonical text, its exact polynomial form where it has
//! one, and rigorous enclosures of its values and ranges.
//!
//! An [`Expr`] is what the macro's parser lowers a target to. A target that
//! uses no function, no `pi` and divides only by constants is a polynomial
//! ([`Expr::to_poly`]) and keeps the exact construction paths; every other
//! target is reasoned about through enclosures:
//!
//! - [`Expr::range`] encloses `{f(x) : x ∈ B}` over a box `B` by the natural
//!   interval extension ([`Interval`] arithmetic node by node, the
//!   elementary functions from [`crate::interval::elementary`]). It is
//!   sound — the true range is inside — and it narrows as `B` does (to
//!   first order in the box's width for the smooth operations).
//! - [`Expr::value`] encloses `f(x)` at a rational point as narrowly as
//!   asked, raising the working precision until the width is reached.
//!
//! Where a function is not proved defined on the box (`log` of an argument
//! whose enclosure reaches 0, `sqrt` of one that reaches below 0, a
//! denominator whose enclosure contains 0), the enclosure fails with an
//! [`EnclosureError`] that names the sub-expression by its [`Path`] from
//! the root, so the macro can point at its tokens.

pub mod derive;
pub mod witness;

use std::fmt;

use num_traits::{One, Zero};

use qrelu_runtime::TargetOp;

use crate::interval::Interval;
use crate::interval::elementary::{self, DomainError, Elementary};
use crate::poly::Poly;
use crate::rational::{self, Rational};

/// A target expression over inputs `x_0, …, x_{d−1}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// An exact rational constant.
    Const(Rational),
    /// The constant π.
    Pi,
    /// The input `x_i`.
    Var(usize),
    /// `−e`.
    Neg(Box<Expr>),
    /// `a + b`.
    Add(Box<Expr>, Box<Expr>),
    /// `a − b`.
    Sub(Box<Expr>, Box<Expr>),
    /// `a · b`.
    Mul(Box<Expr>, Box<Expr>),
    /// `a / b`.
    Div(Box<Expr>, Box<Expr>),
    /// `e^k`, `k ≥ 0`.
    Pow(Box<Expr>, u32),
    /// `f(e)` for an elementary function.
    Call(Elementary, Box<Expr>),
    /// `abs(e)`.
    Abs(Box<Expr>),
    /// `min(a, b)`.
    Min(Box<Expr>, Box<Expr>),
    /// `max(a, b)`.
    Max(Box<Expr>, Box<Expr>),
}

/// The child indices from the root to a sub-expression (`[]` is the root;
/// `[1, 0]` is the first operand of the root's second operand).
pub type Path = Vec<usize>;

/// A sub-expression whose value is not proved defined on a box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnclosureError {
    /// Where the failing operation is (the `log`, `sqrt` or `/` node).
    pub path: Path,
    /// What was not proved.
    pub kind: Undefined,
    /// The enclosure of the offending argument (or denominator).
    pub argument: Box<Interval>,
}

/// What an [`EnclosureError`] could not prove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undefined {
    /// `log`'s argument `> 0`, or `sqrt`'s `≥ 0`.
    Domain(DomainError),
    /// A denominator `≠ 0`.
    Denominator,
}

impl fmt::Display for EnclosureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Undefined::Domain(d) => write!(f, "{d} (it is enclosed in {})", self.argument),
            Undefined::Denominator => write!(
                f,
                "the denominator is not proved away from 0 (it is enclosed in {})",
                self.argument
            ),
        }
    }
}

impl std::error::Error for EnclosureError {}

impl Expr {
    /// `x_i`.
    pub fn var(i: usize) -> Expr {
        Expr::Var(i)
    }

    /// The constant `q`.
    pub fn constant(q: Rational) -> Expr {
        Expr::Const(q)
    }

    /// `f(self)`.
    pub fn call(self, f: Elementary) -> Expr {
        Expr::Call(f, Box::new(self))
    }

    /// The expression of a postfix target program (the `NetInfo` form,
    /// [`qrelu_runtime::target`]); `None` for a malformed program or a
    /// constant that is not a rational.
    pub fn from_program(program: &[TargetOp]) -> Option<Expr> {
        let mut stack: Vec<Expr> = Vec::new();
        for op in program {
            let e = match *op {
                TargetOp::Const(c) => Expr::Const(c.try_to_exact()?),
                TargetOp::Pi => Expr::Pi,
                TargetOp::Var(i) => Expr::Var(i),
                TargetOp::Neg => Expr::Neg(Box::new(stack.pop()?)),
                TargetOp::Pow(k) => Expr::Pow(Box::new(stack.pop()?), k),
                TargetOp::Call(f) => Expr::Call(f, Box::new(stack.pop()?)),
                TargetOp::Abs => Expr::Abs(Box::new(stack.pop()?)),
                TargetOp::Add
                | TargetOp::Sub
                | TargetOp::Mul
                | TargetOp::Div
                | TargetOp::Min
                | TargetOp::Max => {
                    let b = Box::new(stack.pop()?);
                    let a = Box::new(stack.pop()?);
                    match *op {
                        TargetOp::Add => Expr::Add(a, b),
                        TargetOp::Sub => Expr::Sub(a, b),
                        TargetOp::Mul => Expr::Mul(a, b),
                        TargetOp::Div => Expr::Div(a, b),
                        TargetOp::Min => Expr::Min(a, b),
                        _ => Expr::Max(a, b),
                    }
                }
            };
            stack.push(e);
        }
        let e = stack.pop()?;
        stack.is_empty().then_some(e)
    }

    /// The direct operands, in order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Const(_) | Expr::Pi | Expr::Var(_) => vec![],
            Expr::Neg(e) | Expr::Pow(e, _) | Expr::Call(_, e) | Expr::Abs(e) => vec![e],
            Expr::Add(a, b)
            | Expr::Sub(a, b)
            | Expr::Mul(a, b)
            | Expr::Div(a, b)
            | Expr::Min(a, b)
            | Expr::Max(a, b) => vec![a, b],
        }
    }

    /// The sub-expression at `path`, if there is one.
    pub fn at(&self, path: &[usize]) -> Option<&Expr> {
        match path.split_first() {
            None => Some(self),
            Some((&i, rest)) => self.children().get(i)?.at(rest),
        }
    }

    /// The exact polynomial in `nvars` variables, if the expression is one:
    /// no function, no `pi`, and only constant nonzero denominators.
    pub fn to_poly(&self, nvars: usize) -> Option<Poly> {
        Some(match self {
            Expr::Const(q) => Poly::constant(nvars, q.clone()),
            Expr::Var(i) => Poly::var(nvars, *i),
            Expr::Neg(e) => e.to_poly(nvars)?.neg(),
            Expr::Add(a, b) => a.to_poly(nvars)?.add(&b.to_poly(nvars)?),
            Expr::Sub(a, b) => a.to_poly(nvars)?.sub(&b.to_poly(nvars)?),
            Expr::Mul(a, b) => a.to_poly(nvars)?.mul(&b.to_poly(nvars)?),
            Expr::Pow(e, k) => e.to_poly(nvars)?.pow(*k),
            Expr::Div(a, b) => {
                let d = b.to_poly(nvars)?;
                if d.degree() > 0 {
                    return None;
                }
                let c = d.coefficient(&vec![0; nvars]);
                if c.is_zero() {
                    return None;
                }
                a.to_poly(nvars)?.scale(&c.recip())
            }
            Expr::Pi | Expr::Call(..) | Expr::Abs(_) | Expr::Min(..) | Expr::Max(..) => {
                return None;
            }
        })
    }

    /// An enclosure of the range of the expression over the box `x` (one
    /// interval per input), at working precision `p` bits.
    ///
    /// # Errors
    /// [`EnclosureError`] where an operation is not proved defined on the box.
    pub fn range(&self, x: &[Interval], p: u32) -> Result<Interval, EnclosureError> {
        self.range_at(x, p, &mut Vec::new())
    }

    fn range_at(
        &self,
        x: &[Interval],
        p: u32,
        path: &mut Path,
    ) -> Result<Interval, EnclosureError> {
        let mut child = |i: usize, e: &Expr| -> Result<Interval, EnclosureError> {
            path.push(i);
            let r = e.range_at(x, p, path);
            path.pop();
            r
        };
        Ok(match self {
            Expr::Const(q) => Interval::point(q.clone()),
            Expr::Pi => elementary::pi(p),
            Expr::Var(i) => x[*i].clone(),
            Expr::Neg(e) => child(0, e)?.neg(),
            Expr::Add(a, b) => child(0, a)?.add(&child(1, b)?),
            Expr::Sub(a, b) => child(0, a)?.sub(&child(1, b)?),
            Expr::Mul(a, b) => {
                if a == b {
                    child(0, a)?.pow(2)
                } else {
                    child(0, a)?.mul(&child(1, b)?)
                }
            }
            Expr::Div(a, b) => {
                let (num, den) = (child(0, a)?, child(1, b)?);
                match num.div(&den) {
                    Some(q) => q,
                    None => {
                        return Err(EnclosureError {
                            path: path.clone(),
                            kind: Undefined::Denominator,
                            argument: Box::new(den),
                        });
                    }
                }
            }
            Expr::Pow(e, k) => child(0, e)?.pow(*k),
            Expr::Call(f, e) => {
                let arg = child(0, e)?;
                elementary::apply(*f, &arg, p).map_err(|d| EnclosureError {
                    path: path.clone(),
                    kind: Undefined::Domain(d),
                    argument: Box::new(arg.clone()),
                })?
            }
            Expr::Abs(e) => child(0, e)?.abs(),
            Expr::Min(a, b) => child(0, a)?.min(&child(1, b)?),
            Expr::Max(a, b) => child(0, a)?.max(&child(1, b)?),
        }
        .tame(p))
    }

    /// An enclosure of the value at the rational point `x` no wider than
    /// `tol`, raising the precision from 64 bits; `Ok(None)` if even 2^14
    /// bits do not reach `tol`.
    ///
    /// # Errors
    /// [`EnclosureError`] if an operation is not proved defined at `x`
    /// (at a point an enclosure fails only where the expression truly is
    /// undefined, or sits on the boundary: `log(0)`, `1/0`).
    pub fn value(
        &self,
        x: &[Rational],
        tol: &Rational,
    ) -> Result<Option<Interval>, EnclosureError> {
        let point: Vec<Interval> = x.iter().cloned().map(Interval::point).collect();
        let mut p = 64;
        while p <= 1 << 14 {
            let e = self.range(&point, p)?;
            if &e.width() <= tol {
                return Ok(Some(e));
            }
            p *= 2;
        }
        Ok(None)
    }

    /// The canonical DSL text with the inputs named `names` (`x^2`,
    /// `exp(-(x^2))`, `1/(1 + exp(-4*x))`): parseable by the DSL's grammar,
    /// and the same text for the same tree.
    pub fn display_with<'a>(&'a self, names: &'a [&'a str]) -> impl fmt::Display + 'a {
        Shown { expr: self, names }
    }

    /// Binding strength for printing: 0 sums, 1 products, 2 unary minus,
    /// 3 powers, 4 atoms and calls.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Const(q) if q < &Rational::zero() => 2,
            Expr::Const(q) if !q.denom().is_one() => 1,
            Expr::Add(..) | Expr::Sub(..) => 0,
            Expr::Mul(..) | Expr::Div(..) => 1,
            Expr::Neg(_) => 2,
            Expr::Pow(..) => 3,
            _ => 4,
        }
    }
}

struct Shown<'a> {
    expr: &'a Expr,
    names: &'a [&'a str],
}

impl Shown<'_> {
    fn sub<'b>(&'b self, e: &'b Expr) -> Shown<'b> {
        Shown {
            expr: e,
            names: self.names,
        }
    }

    /// `e`, parenthesised when it binds looser than `min` (right operands of
    /// `*` and `/` ask for 3: `a/(b*c)`, `a*(-b)`, `x*(1/2)`).
    fn operand(&self, f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
        if e.precedence() < min {
            write!(f, "({})", self.sub(e))
        } else {
            write!(f, "{}", self.sub(e))
        }
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expr {
            Expr::Const(q) => f.write_str(&rational::display(q)),
            Expr::Pi => f.write_str("pi"),
            Expr::Var(i) => match self.names.get(*i) {
                Some(n) => f.write_str(n),
                None => write!(f, "x{i}"),
            },
            Expr::Neg(e) => {
                f.write_str("-")?;
                // `-(x^2)` prints as `-x^2`, which parses back the same
                self.operand(f, e, 3)
            }
            Expr::Add(a, b) | Expr::Sub(a, b) => {
                self.operand(f, a, 0)?;
                f.write_str(if matches!(self.expr, Expr::Add(..)) {
                    " + "
                } else {
                    " - "
                })?;
                // `a - (b + c)`, `a - (-b)`: a right operand starting with a
                // minus is parenthesised too
                self.operand(f, b, if b.precedence() == 2 { 3 } else { 1 })
            }
            Expr::Mul(a, b) | Expr::Div(a, b) => {
                self.operand(f, a, 1)?;
                f.write_str(if matches!(self.expr, Expr::Mul(..)) {
                    "*"
                } else {
                    "/"
                })?;
                self.operand(f, b, 3)
            }
            Expr::Pow(e, k) => {
                self.operand(f, e, 4)?;
                write!(f, "^{k}")
            }
            Expr::Call(func, e) => write!(f, "{func}({})", self.sub(e)),
            Expr::Abs(e) => write!(f, "abs({})", self.sub(e)),
            Expr::Min(a, b) => write!(f, "min({}, {})", self.sub(a), self.sub(b)),
            Expr::Max(a, b) => write!(f, "max({}, {})", self.sub(a), self.sub(b)),
        }
    }
}

#[cfg(test)]
mod tests;
