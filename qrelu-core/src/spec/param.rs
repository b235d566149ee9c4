//! The DSL's parameters (SPEC §2) in one typed table: each [`Param`] knows
//! its spelling, the values it accepts, its default, an example, what it
//! means and why its limits are where they are. The macro's validation,
//! its error messages and lowering, and the core's errors
//! ([`Subject::Param`](crate::Subject::Param)) all read this table, so a
//! parameter is named one way everywhere.

use std::fmt;

use crate::gadget::square::MAX_R;

/// One parameter after `where`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Param {
    /// `r`: the squaring depth of f_s^r (Prop. 1).
    R,
    /// `t`: the weight precision, every constructed weight within 2^−t.
    T,
    /// `lambda`: the codebook size λ.
    Lambda,
    /// `quantization = nonlinear | linear`.
    Quantization,
    /// `structure = direct | taylor | lipschitz`.
    Structure,
    /// `eps`: the target error, from which the other parameters follow.
    Eps,
    /// `max_weights`: the size guard.
    MaxWeights,
    /// `n`: Theorem 1's Taylor order.
    Order,
    /// `N`: Theorem 1's grid.
    Grid,
    /// `tune = smallest`.
    Tune,
}

/// The values a parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Values {
    /// An integer literal in `min..=max`.
    Integer {
        /// the smallest value accepted
        min: u64,
        /// the largest value accepted
        max: u64,
    },
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A fraction `p/q` strictly between 0 and 1.
    Fraction,
}

/// The largest `t` the DSL accepts.
pub const MAX_T: u32 = 128;

/// The largest λ the DSL accepts.
pub const MAX_LAMBDA: u32 = 16;

/// The largest Taylor order `n` the DSL accepts.
pub const MAX_ORDER: u32 = 8;

/// The largest grid `N` the DSL accepts.
pub const MAX_GRID: u32 = 1024;

/// The default of `max_weights`: networks estimated above it are refused.
///
/// What compiles within 90 s and 4 GB of peak memory, macro expansion and
/// `cargo build --release` together, on a 2-core machine: a dense
/// polynomial in three inputs through `qrelu!` took 70.1 s (the macro
/// optimised, as the README recommends) or 78.9 s (cargo's default
/// profile) and 3.0 GiB at 1,029,637 weights (rustc alone: 64.3 s;
/// `qrelu-syntax/tests/cost.rs`, README "Speed"). It was 350,000 before
/// tent pairs were read as one magnitude, and 600,000 before the generated
/// code computed copies of a unit once.
pub const DEFAULT_MAX_WEIGHTS: u64 = 1_000_000;

impl Param {
    /// Every parameter, in the order messages list them.
    pub const ALL: [Param; 10] = [
        Param::R,
        Param::T,
        Param::Lambda,
        Param::Quantization,
        Param::Structure,
        Param::Eps,
        Param::MaxWeights,
        Param::Order,
        Param::Grid,
        Param::Tune,
    ];

    /// The DSL spelling (`"r"`, `"max_weights"`, `"N"`).
    pub const fn name(self) -> &'static str {
        match self {
            Param::R => "r",
            Param::T => "t",
            Param::Lambda => "lambda",
            Param::Quantization => "quantization",
            Param::Structure => "structure",
            Param::Eps => "eps",
            Param::MaxWeights => "max_weights",
            Param::Order => "n",
            Param::Grid => "N",
            Param::Tune => "tune",
        }
    }

    /// The parameter spelled `name`, if any (case matters: `n` and `N`
    /// differ).
    ///
    /// ```
    /// use qrelu_core::spec::Param;
    /// assert_eq!(Param::from_name("N"), Some(Param::Grid));
    /// assert_eq!(Param::from_name("depth"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Param> {
        Param::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The values accepted.
    pub const fn values(self) -> Values {
        match self {
            Param::R => Values::Integer {
                min: 1,
                max: MAX_R as u64,
            },
            Param::T => Values::Integer {
                min: 1,
                max: MAX_T as u64,
            },
            Param::Lambda => Values::Integer {
                min: 2,
                max: MAX_LAMBDA as u64,
            },
            Param::Quantization => Values::Choice(&["nonlinear", "linear"]),
            Param::Structure => Values::Choice(&["direct", "taylor", "lipschitz"]),
            Param::Eps => Values::Fraction,
            Param::MaxWeights => Values::Integer {
                min: 1,
                max: u64::MAX,
            },
            Param::Order => Values::Integer {
                min: 1,
                max: MAX_ORDER as u64,
            },
            Param::Grid => Values::Integer {
                min: 1,
                max: MAX_GRID as u64,
            },
            Param::Tune => Values::Choice(&["smallest"]),
        }
    }

    /// An example value, as written after `=`.
    pub const fn example(self) -> &'static str {
        match self {
            Param::R => "6",
            Param::T => "12",
            Param::Lambda => "2",
            Param::Quantization => "linear",
            Param::Structure => "taylor",
            Param::Eps => "1/1000",
            Param::MaxWeights => "100_000",
            Param::Order => "2",
            Param::Grid => "8",
            Param::Tune => "smallest",
        }
    }

    /// What happens when the parameter is left out.
    pub const fn default(self) -> &'static str {
        match self {
            Param::R => "required unless `eps` is given (or `structure = lipschitz`)",
            Param::T => "2(r + 1), or chosen from `eps`",
            Param::Lambda => "2, the codebook {-1/2, 1/2}",
            Param::Quantization => "nonlinear",
            Param::Structure => "direct",
            Param::Eps => "none: `r` (and `N` for taylor) must be given",
            Param::MaxWeights => "1000000",
            Param::Order => "required for `structure = taylor` unless `tune = smallest`",
            Param::Grid => "chosen from `eps` (eq. 28)",
            Param::Tune => "off: the paper's parameters",
        }
    }

    /// What the parameter means, in one line.
    pub const fn meaning(self) -> &'static str {
        match self {
            Param::R => "squaring depth: f_s^r errs by at most 2^-2(r+1) (eq. 3)",
            Param::T => "weight precision: every constructed weight is within 2^-t of its value",
            Param::Lambda => "codebook size: every weight is one of lambda values",
            Param::Quantization => {
                "nonlinear (powers of two, Prop. 3) or linear (uniform grid, Section 4.4)"
            }
            Param::Structure => {
                "direct (products and weights), taylor (Theorem 1) or lipschitz (Theorem 2)"
            }
            Param::Eps => "target error: the parameters not given are chosen to meet it",
            Param::MaxWeights => "refuse networks estimated above this many weights",
            Param::Order => "Taylor order n of Theorem 1 (terms of order below n)",
            Param::Grid => "grid N of Theorem 1 (points m/N)",
            Param::Tune => "with `eps`: the network with the fewest weights whose bound meets it",
        }
    }

    /// Why the upper limit of [`values`](Self::values) is where it is
    /// (the README and the facade docs list these).
    pub const fn limit_reason(self) -> &'static str {
        match self {
            Param::R => {
                "f_s^r has 2^r pieces; at r = 32 its error 2^-66 is far below what f64 \
                 evaluation resolves, and the breakpoints k/2^r stay exact in f64 only while \
                 input bits + 2r <= 52"
            }
            Param::T => {
                "a weight within 2^-128 of its value is already exact in every float type; \
                 larger t only adds trie nodes"
            }
            Param::Lambda => {
                "indices of at most 4 bits; the nonlinear codebook's smallest value \
                 2^-(b^(lambda-2)) leaves the f64 range (2^-1022) from lambda = 12 at t <= 2^10 \
                 (b = 2) and is refused there"
            }
            Param::Quantization | Param::Structure | Param::Tune => "a choice, not a number",
            Param::Eps => "an error of 1 or more needs no network",
            Param::MaxWeights => "any u64",
            Param::Order => {
                "every multi-index of order below n is a term at every grid point \
                 (C(n - 1 + d, d) of them), and F_{d,n} asks every derivative of order <= n to \
                 stay within 1, which few targets do at high n; 8 keeps the check and the \
                 `tune` search fast"
            }
            Param::Grid => {
                "(N + 1)^d grid points, each with its terms: N = 1024 already means 10^6 points for d = 2"
            }
        }
    }

    /// `key = example`, as messages quote it.
    pub fn assignment(self) -> String {
        format!("{} = {}", self.name(), self.example())
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        for p in Param::ALL {
            assert_eq!(Param::from_name(p.name()), Some(p));
            match p.values() {
                Values::Integer { min, max } => {
                    let example: u64 = p.example().replace('_', "").parse().unwrap();
                    assert!((min..=max).contains(&example), "{p}");
                }
                Values::Choice(words) => assert!(words.contains(&p.example()), "{p}"),
                Values::Fraction => assert!(p.example().contains('/')),
            }
        }
        let names: Vec<&str> = Param::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            [
                "r",
                "t",
                "lambda",
                "quantization",
                "structure",
                "eps",
                "max_weights",
                "n",
                "N",
                "tune"
            ]
        );
    }
}
