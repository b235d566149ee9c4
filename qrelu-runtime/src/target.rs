//! Targets that are not polynomials: the DSL's elementary functions and a
//! small postfix program that evaluates any target expression.
//!
//! A polynomial target is stored as its monomials ([`crate::TargetTerm`]),
//! evaluated exactly in every [`Scalar`]. Any other target (SPEC §2:
//! `exp log sqrt sin cos tanh atan abs min max`, `pi`, quotients) is
//! stored as a [`TargetOp`] program in postfix order — const-constructible,
//! so it lives in `NetInfo` — and evaluated by [`run`]: exactly where the
//! value stays rational (`abs`, `min`, `max`, quotients by nonzero values),
//! through [`Scalar::elementary`] otherwise. `f64` and `f32` implement it
//! with [libm](https://docs.rs/libm) (the same functions on every platform,
//! `no_std`); [`Exact`](crate::Exact) has no elementary functions, so an
//! exact evaluation of such a target returns
//! [`CheckError::NotExact`] instead of a value.

use alloc::vec::Vec;
use core::fmt;

use crate::info::ConstRational;
use crate::{CheckError, Scalar};

/// The one-argument functions of the DSL whose values are not rational
/// (`abs`, `min` and `max` are exact: see [`TargetOp`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Elementary {
    /// `exp`.
    Exp,
    /// `log`, the natural logarithm; defined for arguments `> 0`.
    Log,
    /// `sqrt`; defined for arguments `≥ 0`.
    Sqrt,
    /// `sin`.
    Sin,
    /// `cos`.
    Cos,
    /// `tanh`.
    Tanh,
    /// `atan`.
    Atan,
}

impl Elementary {
    /// Every function, in the order the DSL documents them.
    pub const ALL: [Elementary; 7] = [
        Elementary::Exp,
        Elementary::Log,
        Elementary::Sqrt,
        Elementary::Sin,
        Elementary::Cos,
        Elementary::Tanh,
        Elementary::Atan,
    ];

    /// The DSL's spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Elementary::Exp => "exp",
            Elementary::Log => "log",
            Elementary::Sqrt => "sqrt",
            Elementary::Sin => "sin",
            Elementary::Cos => "cos",
            Elementary::Tanh => "tanh",
            Elementary::Atan => "atan",
        }
    }

    /// The function spelled `name`, if any.
    ///
    /// ```
    /// use qrelu_runtime::Elementary;
    /// assert_eq!(Elementary::from_name("tanh"), Some(Elementary::Tanh));
    /// assert_eq!(Elementary::from_name("erf"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Elementary> {
        Elementary::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the function is nondecreasing on its whole domain.
    pub const fn is_monotone(self) -> bool {
        !matches!(self, Elementary::Sin | Elementary::Cos)
    }

    /// The function in `f64`, through libm.
    pub fn f64(self, x: f64) -> f64 {
        match self {
            Elementary::Exp => libm::exp(x),
            Elementary::Log => libm::log(x),
            Elementary::Sqrt => libm::sqrt(x),
            Elementary::Sin => libm::sin(x),
            Elementary::Cos => libm::cos(x),
            Elementary::Tanh => libm::tanh(x),
            Elementary::Atan => libm::atan(x),
        }
    }

    /// The function in `f32`, through libm.
    pub fn f32(self, x: f32) -> f32 {
        match self {
            Elementary::Exp => libm::expf(x),
            Elementary::Log => libm::logf(x),
            Elementary::Sqrt => libm::sqrtf(x),
            Elementary::Sin => libm::sinf(x),
            Elementary::Cos => libm::cosf(x),
            Elementary::Tanh => libm::tanhf(x),
            Elementary::Atan => libm::atanf(x),
        }
    }
}

impl fmt::Display for Elementary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One step of a target program, in postfix order: operands are pushed,
/// operators pop theirs and push the result. `x^2 + exp(-x)` is
/// `[Var(0), Pow(2), Var(0), Neg, Call(Exp), Add]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetOp {
    /// A rational constant.
    Const(ConstRational),
    /// π.
    Pi,
    /// Input `i`.
    Var(usize),
    /// `-a`.
    Neg,
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b`.
    Div,
    /// `a^k`.
    Pow(u32),
    /// `f(a)`.
    Call(Elementary),
    /// `abs(a)`.
    Abs,
    /// `min(a, b)`.
    Min,
    /// `max(a, b)`.
    Max,
}

/// Evaluates a target program at `x`.
///
/// ```
/// use qrelu_runtime::{CheckError, ConstRational, Elementary, Exact, TargetOp};
/// use qrelu_runtime::target::run;
///
/// // 1/(1 + exp(-x))
/// let sigmoid = [
///     TargetOp::Const(ConstRational::new("1")),
///     TargetOp::Const(ConstRational::new("1")),
///     TargetOp::Var(0),
///     TargetOp::Neg,
///     TargetOp::Call(Elementary::Exp),
///     TargetOp::Add,
///     TargetOp::Div,
/// ];
/// assert_eq!(run(&sigmoid, &[0.0_f64]), Ok(0.5));
/// assert_eq!(
///     run(&sigmoid, &[Exact::from_integer(0.into())]),
///     Err(CheckError::NotExact("exp"))
/// );
/// ```
///
/// # Errors
///
/// [`CheckError::NotExact`] when the scalar type has no value for a
/// function, `pi` or a quotient (exact rationals and every elementary
/// function; a division by exactly zero); [`CheckError::Dimension`] for an
/// input index past `x`; [`CheckError::Unsupported`] for a malformed
/// program (an operator without its operands, or leftovers).
pub fn run<T: Scalar>(program: &[TargetOp], x: &[T]) -> Result<T, CheckError> {
    let malformed = CheckError::Unsupported("a malformed target program");
    let mut stack: Vec<T> = Vec::with_capacity(8);
    for op in program {
        let value = match *op {
            TargetOp::Const(c) => T::from_exact(&c.to_exact()),
            TargetOp::Pi => T::pi().ok_or(CheckError::NotExact("pi"))?,
            TargetOp::Var(i) => x.get(i).cloned().ok_or(CheckError::Dimension {
                expected: i + 1,
                found: x.len(),
            })?,
            TargetOp::Neg | TargetOp::Pow(_) | TargetOp::Call(_) | TargetOp::Abs => {
                let a = stack.pop().ok_or(malformed.clone())?;
                match *op {
                    TargetOp::Neg => a.negated(),
                    TargetOp::Pow(k) => {
                        let mut p = T::from_exact(&crate::Exact::from_integer(1.into()));
                        for _ in 0..k {
                            p = p.times(&a);
                        }
                        p
                    }
                    TargetOp::Call(f) => a.elementary(f).ok_or(CheckError::NotExact(f.name()))?,
                    _ => {
                        if a < T::zero() {
                            a.negated()
                        } else {
                            a
                        }
                    }
                }
            }
            TargetOp::Add
            | TargetOp::Sub
            | TargetOp::Mul
            | TargetOp::Div
            | TargetOp::Min
            | TargetOp::Max => {
                let b = stack.pop().ok_or(malformed.clone())?;
                let a = stack.pop().ok_or(malformed.clone())?;
                match *op {
                    TargetOp::Add => a.plus(&b),
                    TargetOp::Sub => a.minus(&b),
                    TargetOp::Mul => a.times(&b),
                    TargetOp::Div => a.quotient(&b).ok_or(CheckError::NotExact("/"))?,
                    TargetOp::Min => {
                        if b < a {
                            b
                        } else {
                            a
                        }
                    }
                    _ => {
                        if b > a {
                            b
                        } else {
                            a
                        }
                    }
                }
            }
        };
        stack.push(value);
    }
    match (stack.pop(), stack.is_empty()) {
        (Some(v), true) => Ok(v),
        _ => Err(malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Exact;

    #[test]
    fn names_round_trip() {
        for f in Elementary::ALL {
            assert_eq!(Elementary::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn floats_follow_libm_and_exact_refuses() {
        let program = [
            TargetOp::Var(0),
            TargetOp::Var(1),
            TargetOp::Min,
            TargetOp::Call(Elementary::Sin),
            TargetOp::Pi,
            TargetOp::Div,
        ];
        let v = run(&program, &[0.5_f64, 2.0]).unwrap();
        assert_eq!(v, libm::sin(0.5) / core::f64::consts::PI);
        let v = run(&program, &[0.5_f32, 2.0]).unwrap();
        assert_eq!(v, libm::sinf(0.5) / core::f32::consts::PI);
        let half = Exact::new(1.into(), 2.into());
        assert_eq!(
            run(&program, &[half.clone(), half]),
            Err(CheckError::NotExact("sin"))
        );
    }

    #[test]
    fn rational_programs_are_exact() {
        // abs(x - 1)/max(x, 1/3) + x^3
        let third = ConstRational::new("1/3");
        let program = [
            TargetOp::Var(0),
            TargetOp::Const(ConstRational::new("1")),
            TargetOp::Sub,
            TargetOp::Abs,
            TargetOp::Var(0),
            TargetOp::Const(third),
            TargetOp::Max,
            TargetOp::Div,
            TargetOp::Var(0),
            TargetOp::Pow(3),
            TargetOp::Add,
        ];
        let x = Exact::new(1.into(), 4.into());
        // |1/4 - 1| / (1/3) + 1/64 = 9/4 + 1/64
        assert_eq!(run(&program, &[x]), Ok(Exact::new(145.into(), 64.into())));
        let zero = Exact::from_integer(0.into());
        let div0 = [TargetOp::Var(0), TargetOp::Var(0), TargetOp::Div];
        assert_eq!(run(&div0, &[zero]), Err(CheckError::NotExact("/")));
        assert!(run(&[TargetOp::Add], &[1.0_f64]).is_err());
        assert!(run(&[TargetOp::Var(3)], &[1.0_f64]).is_err());
    }
}
