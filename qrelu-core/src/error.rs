//! The one error type of qrelu-core: what the builder refuses and what a
//! construction cannot honour. The macro maps each variant back to a span.

use std::fmt;

use crate::rational::{self, Rational};
use crate::spec::Param;

/// What part of a specification an error is about, so that the macro can
/// point at the right token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The target.
    Target,
    /// A sub-expression of a target that is not a polynomial, by its path
    /// from the root ([`crate::expr::Path`]).
    TargetPart(crate::expr::Path),
    /// The domain of input `i`.
    Domain(usize),
    /// A parameter of the DSL.
    Param(Param),
    /// An argument of a core function that is not part of the DSL (the
    /// step `eta` of the uniform quantizer): the macro never reaches it.
    Argument(&'static str),
    /// The network as a whole.
    Net,
}

/// Everything qrelu-core can refuse.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CoreError {
    /// An edge weight outside the codebook (the strict network model, SPEC §3).
    WeightNotInCodebook {
        /// the unit the edge enters (`None` for the output unit)
        unit: Option<usize>,
        /// the offending weight
        weight: Rational,
    },
    /// A bias that is neither zero nor a codebook value.
    BiasNotInCodebook {
        /// the unit (`None` for the output unit)
        unit: Option<usize>,
        /// the offending bias
        bias: Rational,
    },
    /// An edge from a unit that does not exist yet (the IR is topological).
    UnknownSource {
        /// the unit the edge enters (`None` for the output unit)
        unit: Option<usize>,
        /// the missing source
        source: usize,
    },
    /// Two edges between the same pair of units (they would act as one
    /// edge of a weight outside the codebook).
    DuplicateEdge {
        /// the unit the edges enter (`None` for the output unit)
        unit: Option<usize>,
        /// the repeated source
        source: usize,
    },
    /// A parameter value the construction cannot use.
    InvalidParameter {
        /// which parameter
        subject: Subject,
        /// what is wrong and what is accepted
        message: String,
    },
    /// Something later work will implement.
    Unsupported {
        /// what it is about
        subject: Subject,
        /// a message that ends in "is not supported yet"
        message: String,
    },
    /// The estimated size exceeds `max_weights`.
    TooLarge {
        /// the estimate made before building
        estimate: u64,
        /// the limit in force
        limit: u64,
    },
}

impl CoreError {
    /// The part of the specification the error is about.
    pub fn subject(&self) -> Subject {
        match self {
            CoreError::InvalidParameter { subject, .. }
            | CoreError::Unsupported { subject, .. } => subject.clone(),
            CoreError::TooLarge { .. } => Subject::Param(Param::MaxWeights),
            _ => Subject::Net,
        }
    }
}

fn unit_name(unit: &Option<usize>) -> String {
    match unit {
        Some(u) => format!("unit {u}"),
        None => "the output unit".to_owned(),
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::WeightNotInCodebook { unit, weight } => write!(
                f,
                "weight {} into {} is not in the codebook",
                rational::display(weight),
                unit_name(unit)
            ),
            CoreError::BiasNotInCodebook { unit, bias } => write!(
                f,
                "bias {} of {} is neither 0 nor in the codebook",
                rational::display(bias),
                unit_name(unit)
            ),
            CoreError::UnknownSource { unit, source } => {
                write!(
                    f,
                    "{} reads unit {source}, which does not exist yet",
                    unit_name(unit)
                )
            }
            CoreError::DuplicateEdge { unit, source } => {
                write!(f, "{} reads unit {source} twice", unit_name(unit))
            }
            CoreError::InvalidParameter { message, .. }
            | CoreError::Unsupported { message, .. } => f.write_str(message),
            CoreError::TooLarge { estimate, limit } => write!(
                f,
                "the network would have about {estimate} weights, more than `max_weights` = {limit}; \
                 raise the limit with `max_weights = {estimate}` or lower the precision"
            ),
        }
    }
}

impl std::error::Error for CoreError {}
