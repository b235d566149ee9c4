//! The target and the network at a point, for `eval` and the pictures.

use num_bigint::BigInt;
use qrelu_core::eval::Evaluator;
use qrelu_core::rational::{self, Rational};
use qrelu_core::spec::Target;
use qrelu_syntax::source::Compiled;

/// The target at an exact point: the exact value of a polynomial, or an
/// enclosure no wider than 2^−64 of any other expression.
pub enum Value {
    /// a polynomial's exact value
    Exact(Rational),
    /// an enclosure `[lo, hi]` of an elementary expression's value
    Enclosed(Rational, Rational),
}

impl Value {
    /// The value (the enclosure's midpoint) rounded to f64.
    pub fn to_f64(&self) -> f64 {
        match self {
            Value::Exact(q) => rational::to_f64(q),
            Value::Enclosed(lo, hi) => {
                rational::to_f64(&((lo + hi) / Rational::from_integer(2.into())))
            }
        }
    }
}

/// The target of `net` at `x`.
///
/// # Errors
/// A message if an elementary target cannot be enclosed at `x` (outside
/// the domain it was proved defined on).
pub fn value(target: &Target, x: &[Rational]) -> Result<Value, String> {
    match target {
        Target::Poly(p) => Ok(Value::Exact(p.eval(x))),
        Target::Expr(e) => match e.value(x, &rational::pow2(-64)) {
            Ok(Some(i)) => Ok(Value::Enclosed(i.lo().clone(), i.hi().clone())),
            Ok(None) => Err("the target cannot be enclosed to 2^-64 at this point".to_owned()),
            Err(e) => Err(format!("the target is not defined at this point: {e}")),
        },
    }
}

/// f64 closures of the network (in the generated code's order) and of the
/// target (exact or enclosed, then rounded), for pictures.
pub fn closures(c: &Compiled) -> (impl Fn(&[f64]) -> f64, impl Fn(&[f64]) -> f64) {
    let evaluator = Evaluator::<f64>::new(&c.construction.net);
    let target = c.construction.spec.target.clone();
    let net = move |x: &[f64]| evaluator.at(x);
    let target = move |x: &[f64]| {
        let exact: Option<Vec<Rational>> = x.iter().map(|&v| Rational::from_float(v)).collect();
        exact
            .and_then(|x| value(&target, &x).ok())
            .map_or(f64::NAN, |v| v.to_f64())
    };
    (net, target)
}

/// A number from the command line, exactly: an integer, `p/q`, or a
/// decimal with an optional exponent (`0.375`, `-1.5e-3`), read as the
/// rational it writes (not rounded to f64 first).
pub fn parse_number(text: &str) -> Option<Rational> {
    if let Some(q) = rational::parse(text) {
        return Some(q);
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || exponent.unsigned_abs() > 4096
    {
        return None;
    }
    let whole: BigInt = format!("{int}{frac}").parse().ok()?;
    let scale = exponent - i32::try_from(frac.len()).ok()?;
    let factor = Rational::from_integer(num_traits::pow(
        BigInt::from(10),
        scale.unsigned_abs() as usize,
    ));
    let q = Rational::from_integer(whole);
    let q = if scale >= 0 { q * factor } else { q / factor };
    Some(if negative { -q } else { q })
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrelu_core::rational::ratio;

    #[test]
    fn numbers_are_read_exactly() {
        assert_eq!(parse_number("3/8"), Some(ratio(3, 8)));
        assert_eq!(parse_number("-0.375"), Some(ratio(-3, 8)));
        assert_eq!(parse_number("0.1"), Some(ratio(1, 10)));
        assert_eq!(parse_number("1.5e-3"), Some(ratio(3, 2000)));
        assert_eq!(parse_number("2E2"), Some(ratio(200, 1)));
        assert_eq!(parse_number(".5"), Some(ratio(1, 2)));
        for bad in ["", "-", "1..2", "x", "1e", "1/0", "0x10", "1e99999"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }
}
