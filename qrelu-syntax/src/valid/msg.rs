//! The message table: wording shared by the parser (`ast`) and the validator
//! (`valid`), so one mistake reads the same wherever it is caught.
//!
//! Messages are lowercase, have no final period, quote the DSL and say what
//! is accepted.

use std::fmt::Display;

use qrelu_core::Param;

/// A complete, minimal net definition, quoted by the structural errors.
pub const EXAMPLE_NET: &str = "pub net Square(x) = x^2 where r = 6, lambda = 2;";

/// The target grammar in one line.
pub const POLY_HINT: &str = "targets use + - * /, ^ with integer exponents, and parentheses";

/// What an exponent may be.
pub const EXPONENT_HINT: &str = "exponents must be non-negative integer literals, as in `x^2`";

/// What a divisor may be.
pub const DIVISOR_HINT: &str = "divide only by numbers, as in `x/3` or `(x - y)/4`";

/// The target ended without `where` (or something else stands there).
pub const MISSING_WHERE: &str =
    "expected `where` after the target, followed by parameters such as `where r = 6, lambda = 2`";

/// `= where`, `= ;`, or nothing after `=`.
pub const EMPTY_TARGET: &str =
    "expected the target polynomial after `=`, such as `= x^2` or `= 3/4*x^3 - x/2`";

/// An operand is missing (after an operator, inside parentheses).
pub const EXPECTED_OPERAND: &str = "expected a number, an input name or `(`";

/// `x**2`.
pub const DOUBLE_STAR: &str = "`**` is not accepted; write powers as `x^2`";

/// `x^2^3`.
pub const CHAINED_POWER: &str =
    "chained powers like `x^2^3` are ambiguous; add parentheses, as in `(x^2)^3`";

/// `|x|`.
pub const ABS_BARS: &str =
    "`|...|` is not a polynomial; targets use + - * /, ^ with integer exponents, and parentheses";

/// `x.pow(2)`, `x.0`.
pub const METHOD_CALL: &str = "method calls and fields are not accepted; write powers as `x^2`";

/// `in` not followed by `[lo, hi]`, or a bracket with the wrong contents.
pub const DOMAIN_SHAPE: &str =
    "a domain is two numbers in brackets, `in [lo, hi]`, such as `x in [-1, 1]` or `x in [0, 1/2]`";

/// A number was expected (domain bounds, parameter values).
pub const EXPECTED_NUMBER: &str = "expected a number such as `1`, `-1` or `1/2`";

/// `key = example` for a parameter of the table, `key = ...` for an
/// unknown key (the parser quotes it before validation).
pub fn param_example(key: &str) -> String {
    match Param::from_name(key) {
        Some(p) => p.assignment(),
        None => format!("{key} = ..."),
    }
}

/// `` `a`, `b` and `c` `` (or `` `a` or `b` `` with `last = "or"`).
pub fn list<T: Display>(items: &[T], last: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((only, [])) => only.clone(),
        Some((tail, init)) => format!("{} {last} {tail}", init.join(", ")),
    }
}

/// `0.5` somewhere a number is expected.
pub fn decimal(suggestion: Option<String>) -> String {
    match suggestion {
        Some(s) => format!("decimal literals are not accepted; write `{s}`"),
        None => "decimal literals are not accepted; write a fraction such as `1/2`".to_owned(),
    }
}

/// `6u32`.
pub fn suffix(lit: &str, digits: &str) -> String {
    format!("literal suffixes are not accepted; write `{digits}` instead of `{lit}`")
}

/// `2x` in a target: the lexer reads it as the literal `2` with suffix `x`.
pub fn implicit_product(lit: &str, digits: &str, suffix: &str) -> String {
    format!("`{lit}` is not accepted; write `{digits}*{suffix}` for a product")
}

/// An unknown parameter, with a suggestion when only the spelling differs.
pub fn unknown_param(key: &str) -> String {
    let lower = key.to_lowercase();
    let hint = if key == "λ" {
        Some("lambda")
    } else {
        Param::ALL
            .into_iter()
            .map(Param::name)
            .find(|p| p.to_lowercase() == lower && *p != key)
    };
    let names: Vec<&str> = Param::ALL.into_iter().map(Param::name).collect();
    let accepted = list(&names, "and");
    match hint {
        Some(h) => format!(
            "unknown parameter `{key}` (did you mean `{h}`?); the parameters are {accepted}"
        ),
        None => format!("unknown parameter `{key}`; the parameters are {accepted}"),
    }
}

/// An exponent that is not a non-negative integer; `kind` is `variable`,
/// `negative` or `fractional`.
pub fn bad_exponent(kind: &str, exponent: &str) -> String {
    format!("{kind} exponent `{exponent}` is not polynomial; {EXPONENT_HINT}")
}

/// A function call such as `sin(x)`.
pub fn call(func: &str) -> String {
    format!("`{func}(...)` is not a polynomial; {POLY_HINT}")
}

/// `x(...)` where `x` is an input.
pub fn input_call(func: &str) -> String {
    format!("`{func}(...)` reads as a function call; write `{func}*(...)` for a product")
}

/// A variable that is not an input of the net.
pub fn unknown_variable(var: &str, net: &str, inputs: &[String]) -> String {
    match inputs {
        [] => format!("unknown variable `{var}`; `{net}` has no inputs"),
        [only] => format!("unknown variable `{var}`; the only input of `{net}` is `{only}`"),
        _ => format!(
            "unknown variable `{var}`; the inputs of `{net}` are {}",
            list(inputs, "and")
        ),
    }
}

/// An integer parameter out of range or of the wrong kind.
pub fn int_range(param: Param, min: u64, max: u64) -> String {
    format!(
        "`{param}` must be an integer from {min} to {max}, as in `{}`",
        param.assignment()
    )
}

/// A keyword where a name is expected; `what` is `a net` or `an input`.
/// Raw identifiers (`r#type`) are names, except for the keywords that
/// cannot be raw.
pub fn keyword(name: &str, what: &str) -> String {
    if matches!(name, "self" | "Self" | "super" | "crate" | "_") {
        return format!("`{name}` is a keyword and cannot name {what}; use another name");
    }
    // syn takes `gen` for an identifier, rustc does not since Rust 2024
    let since = if name == "gen" {
        " since Rust 2024"
    } else {
        ""
    };
    format!(
        "`{name}` is a keyword{since} and cannot name {what}; write `r#{name}` or use another name"
    )
}

/// A net named like a variant of the prelude (`None`).
pub fn prelude_net(name: &str) -> String {
    format!(
        "`{name}` cannot name a net: the net's unit struct would hide the prelude's `{name}` in this module; use another name, such as `{name}Net`"
    )
}

/// An input named like a variant of the prelude (`None`).
pub fn prelude_input(name: &str) -> String {
    format!(
        "`{name}` cannot name an input: generated code would read it as the prelude's `{name}`, not as a parameter; use another name, such as `{}`",
        name.to_lowercase()
    )
}

/// A net named like a primitive type (`f64`).
pub fn primitive_net(name: &str) -> String {
    let mut suggestion = name.to_owned();
    suggestion[..1].make_ascii_uppercase();
    format!(
        "`{name}` cannot name a net: the net's struct would hide the primitive type `{name}` in this module; use another name, such as `{suggestion}`"
    )
}

/// A net named `T`, the generated functions' type parameter.
pub fn generic_net() -> String {
    "`T` cannot name a net: the generated functions are generic over a type `T`, which would hide the net's struct inside them; use another name, such as `TNet`".to_owned()
}

/// An input named like its own net.
pub fn input_named_like_net(input: &str) -> String {
    format!(
        "input `{input}` has the name of its net: generated code would read it as the net's unit struct, not as a parameter; rename the input or the net"
    )
}

/// A net named like an input of other nets of the invocation (`users`).
pub fn net_named_like_input(net: &str, users: &[String]) -> String {
    let users = list(users, "and");
    format!(
        "net `{net}` has the name of an input of {users}: generated code would read that input as this net's unit struct, not as a parameter; rename the net or the input"
    )
}
