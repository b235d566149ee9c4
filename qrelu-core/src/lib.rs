//! qrelu-core: the compiler's model.
#![warn(missing_docs)]
pub mod poly;
pub mod rational;
pub use poly::Poly;
pub use rational::Rational;
