//! # qrelu-core
//!
//! The compiler's model, with no dependency on syn: exact rationals and
//! polynomials ([`rational`], [`poly`]), what a construction is asked for
//! ([`spec`]: [`NetSpec`], the DSL's [`Param`] table), codebooks
//! ([`quantize`]), the network IR and its checked builder ([`net`]), the
//! gadgets and constructions of Ding, Liu & Shi (*On the Universal
//! Approximability of Quantized ReLU Neural Networks*; [`gadget`],
//! [`construct`] — one pipeline, [`build`]), a-priori bounds ([`bound`],
//! [`bernstein`]), the reference evaluator generic over every number type
//! ([`eval`]), metrics ([`metrics`]), certificates ([`certify`]), exact
//! fixed-point plans ([`fixed`]) and the exporters ([`export`]: the
//! `qrelu-net/1` JSON; ONNX and QONNX with the feature `onnx`, SVG pictures
//! with the feature `svg`). For targets beyond polynomials,
//! [`expr`] holds the expression tree with rigorous enclosures of its
//! values, ranges and derivatives, over the interval arithmetic and
//! elementary functions of [`interval`]; `structure = direct` lowers such
//! targets node by node (`construct::direct::expr`), the Taylor and
//! Lipschitz structures take them when their class (F_{d,n}, a Lipschitz
//! constant ≤ 1) is proved from derivative enclosures, and
//! [`certify::certify_1d_expr`] certifies them.
//!
//! It depends on qrelu-runtime (for [`Scalar`](qrelu_runtime::Scalar) and
//! the exact type), not the other way round: generated code needs only the
//! runtime, and the runtime's module docs say why.
//!
//! The `qrelu!` macro drives it at compile time; studies and tests drive it
//! at run time:
//!
//! ```
//! use qrelu_core::{build, eval, NetSpec, Poly, rational::ratio};
//! let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
//! spec.r = Some(6);
//! let c = build(&spec).unwrap();
//! // exact at the breakpoints k/2^r (eq. 2)
//! assert_eq!(eval::eval(&c.net, &[ratio(5, 64)]), ratio(25, 4096));
//! assert_eq!(c.metrics.weights, 74);
//! ```
#![warn(missing_docs)]

pub mod bernstein;
pub mod bound;
pub mod certify;
pub mod construct;
pub mod error;
pub mod eval;
pub mod export;
pub mod expr;
pub mod fixed;
pub mod gadget;
pub mod interval;
pub mod metrics;
pub mod net;
pub mod poly;
pub mod quantize;
pub mod rational;
pub mod spec;

pub use construct::{
    Construction, Params, build, build_interpolant, build_unquantized, estimate_weights, resolve,
};
pub use error::{CoreError, Subject};
pub use net::{Net, NetBuilder};
pub use poly::Poly;
pub use quantize::{Codebook, Quantization};
pub use rational::Rational;
pub use spec::{NetSpec, Param, Structure};
