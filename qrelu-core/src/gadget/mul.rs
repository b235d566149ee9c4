//! Multiplication ×′ of Proposition 2 (eqs. 6–7) with weights ±1/2 only.
//!
//! ```text
//! xy = 2((x+y)/2)² − 2(x/2)² − 2(y/2)²                          (eq. 6)
//! ×′(x, y) = 2( f_s^r(|x+y|/2) − f_s^r(|x|/2) − f_s^r(|y|/2) )   (eq. 7)
//! ```
//!
//! [`mul`] takes the three arguments as linear forms with coefficients ±1/2
//! worth `|x+y|/2`, `|x|/2` and `|y|/2` (the caller builds them from its
//! absolute-value units, block `abs`; SPEC §4.1) and returns the form
//! `F = f(|x+y|/2) − f(|x|/2) − f(|y|/2)`, worth **×′(x, y)/2**, with
//! coefficients ±1/2: the three squaring blocks share the constant chain,
//! whose terms merge (`−½K + ½K + ½K = ½K`). The factor 2 of eq. 7 is left
//! to the consumer, because with weights ±1/2 a gain of 2 costs copies of
//! units, and the consumer knows the cheapest place to pay it (the
//! polynomial construction folds it into the coefficient).
//!
//! # Guarantees (tests check each)
//!
//! - **Zero in, zero out** (Prop. 2 (i)): if x = 0 then `|x+y|/2 = |y|/2`,
//!   the first and last squares agree exactly and ×′ = 0; likewise y = 0.
//! - **Error** `|×′ − xy| ≤ 4ε = 2^(−2r)` on [−1, 1]², attained at
//!   `x = y = 2^−r` ([`crate::bound`] has the proof; eq. 8 gives `6ε`).
//! - **Size** of the three squares with argument forms of `s`, `p`, `q`
//!   terms: `2(s + p + q) + 18(r − 1)` weights and `6r` units, plus the
//!   shared constants `K_1..K_{2r−1}`; the result has `s + p + q + 7r` terms
//!   (the `r` constant terms merged).

use num_traits::One;

use crate::error::CoreError;
use crate::gadget::square::{free_form, square_form};
use crate::net::{Affine, LinearForm, NetBuilder};
use crate::rational;

/// `F = f(sum_half) − f(x_half) − f(y_half)`, worth ×′(x, y)/2 (module
/// docs), in a block `mul` holding the three squaring blocks.
///
/// `sum_half`, `x_half` and `y_half` must be forms with coefficients ±1/2
/// worth `|x+y|/2`, `|x|/2` and `|y|/2`, on pairwise distinct units.
///
/// # Errors
/// `r` out of range (see [`square_form`]); forms with other coefficients.
pub fn mul(
    b: &mut NetBuilder,
    sum_half: &LinearForm,
    x_half: &LinearForm,
    y_half: &LinearForm,
    r: u32,
) -> Result<LinearForm, CoreError> {
    b.begin_block("mul");
    let result = (|| {
        let mut f = square_form(b, sum_half, r)?;
        f.add(&square_form(b, x_half, r)?, true);
        f.add(&square_form(b, y_half, r)?, true);
        Ok(f)
    })();
    b.end_block();
    result
}

/// ×′ with free weights (the reference networks' wiring): `2(f(sum_half)
/// − f(x_half) − f(y_half))` in a block `mul`, from affine forms worth
/// `|x+y|/2`, `|x|/2` and `|y|/2` and the free f_s^r
/// ([`free_form`]) — the function of [`mul`] (there returned halved, here
/// with the factor 2 as a weight), so Prop. 2 (i) and the error 4ε hold
/// unchanged.
///
/// # Errors
/// `r` out of range.
pub fn mul_free(
    b: &mut NetBuilder,
    sum_half: &Affine,
    x_half: &Affine,
    y_half: &Affine,
    r: u32,
) -> Result<Affine, CoreError> {
    b.begin_block("mul");
    let result = (|| {
        let minus = -rational::Rational::one();
        let mut f = free_form(b, sum_half, r)?;
        f.add_scaled(&free_form(b, x_half, r)?, &minus);
        f.add_scaled(&free_form(b, y_half, r)?, &minus);
        Ok(f.scaled(&rational::int(2)))
    })();
    b.end_block();
    result
}
