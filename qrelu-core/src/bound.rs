//! A-priori error bounds, as exact rationals, with the paper's equation
//! numbers.

use crate::rational::Rational;

/// eq. 3: `‖f_s^r − x²‖∞ ≤ 2^(−2(r+1))` on [0, 1].
pub fn square(r: u32) -> Rational {
    crate::gadget::square::error_bound(r)
}
