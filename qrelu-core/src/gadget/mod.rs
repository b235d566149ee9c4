//! Gadgets: sub-networks built only from codebook weights.
//!
//! - [`scale`]: identity and scaling by 2^e through fan-out and fan-in;
//! - [`mul`]: the multiplication ×′ of Prop. 2 (eqs. 6–7);
//! - [`square`]: the squaring network f_s^r of Prop. 1 (eqs. 2–5), with the
//!   tent map g of eq. 4 realised with weights ±1/2;
//! - constants 2^−j come from the builder's shared halving chain
//!   ([`NetBuilder::pow2_const`](crate::net::NetBuilder::pow2_const)).

pub mod mul;
pub mod scale;
pub mod square;
pub mod weight;
