//! Gadgets: the sub-networks the constructions are made of, with the
//! guarantees of the paper's lemmas (each module states them, tests check
//! them).
//!
//! - [`scale`]: identity and scaling by 2^e through fan-out and fan-in;
//! - [`square`]: the squaring network f_s^r of Prop. 1 (eqs. 2–5), with the
//!   tent map g of eq. 4 realised with weights ±1/2 — and Yarotsky's
//!   classical wiring with free weights ([`square::free_form`]), the same
//!   function;
//! - [`mul`]: the multiplication ×′ of Prop. 2 (eqs. 6–7), in both wirings;
//! - [`weight`]: the weight sub-network of Prop. 3 — any `w ∈ [−1, 1]`
//!   within 2^−t from codebook values — with its sizes beside the paper's
//!   counts;
//! - constants 2^−j come from the builder's shared halving chain
//!   ([`NetBuilder::pow2_const`](crate::net::NetBuilder::pow2_const)).

pub mod mul;
pub mod scale;
pub mod square;
pub mod weight;
