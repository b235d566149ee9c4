//! A-priori error bounds, as exact rationals, with the paper's equation
//! numbers.
//!
//! Notation: `ε = 2^(−2(r+1))` is the squaring error of eq. 3 and
//! `h = 2^−r` the breakpoint spacing of f_s^r.
//!
//! # The error of f_s^r, with its sign
//!
//! f_s^r interpolates the convex x² at the points k/2^r, so on [0, 1]
//! `e(u) = f_s^r(u) − u² ∈ [0, ε]`: never negative. Past 1 the network
//! continues its last piece linearly (see
//! [`square_form`](crate::gadget::square::square_form)), so for `u ≥ 1`
//! `e(u) = −(u − 1)(u − 1 + h) ≤ 0`. Over `[0, U]`:
//!
//! ```text
//! e(u) ∈ [e_lo(U), ε],   e_lo(U) = 0 for U ≤ 1,  −(U − 1)(U − 1 + h) for U > 1
//! ```
//!
//! # The error of ×′ (eq. 7), tighter than eq. 8
//!
//! `×′(x, y) − xy = 2(e(A) − e(B) − e(C))` with `A = |x+y|/2`, `B = |x|/2`,
//! `C = |y|/2`. For |x|, |y| ≤ 1 every argument lies in [0, 1], so the
//! error lies in `[−4ε, 2ε]`, and **`|×′ − xy| ≤ 4ε = 2^(−2r)`**, not the
//! `6ε` of eq. 8 (which ignores that e has one sign). The bound is
//! attained: at `x = y = 2^−r`, `A = 2^−r` is a breakpoint (e = 0) and
//! `B = C = 2^−(r+1)` are midpoints (e = ε), so the error is exactly −4ε.
//! When approximated inputs may leave [−1, 1] by a little (|x| ≤ M_x,
//! |y| ≤ M_y, both ≤ 2), the same argument with `e_lo` gives
//! [`mul_inexact`].
//!
//! # Propagation (eq. 21)
//!
//! For approximations `a′, b′` of `a, b` with `|a′ − a| ≤ δ_a`, `|a| ≤ R_a`
//! (same for b):
//!
//! ```text
//! |×′(a′, b′) − ab| ≤ |×′(a′, b′) − a′b′| + |a′b′ − ab|
//!                   ≤ E_×′(M_a, M_b) + R_a·δ_b + R_b·δ_a + δ_a·δ_b,   M = R + δ
//! |f(|a′|) − a²|    ≤ max(ε, −e_lo(M_a)) + δ_a·(2R_a + δ_a)
//! ```
//!
//! eq. 21 is the special case `δ_a = 0`.

use num_traits::{One, Signed, Zero};

use crate::rational::{self, Rational};

/// eq. 3: `‖f_s^r − x²‖∞ ≤ ε = 2^(−2(r+1))` on [0, 1].
pub fn square(r: u32) -> Rational {
    crate::gadget::square::error_bound(r)
}

/// `e_lo(U)`: the smallest value of `f_s^r(u) − u²` over `u ∈ [0, U]`
/// (module docs); zero for `U ≤ 1`.
pub fn square_low(r: u32, upper: &Rational) -> Rational {
    let one = Rational::one();
    if *upper <= one {
        return Rational::zero();
    }
    let over = upper - &one;
    -(&over * (&over + rational::pow2(-i64::from(r))))
}

/// The tight bound on `|×′(x, y) − xy|` for `x, y ∈ [−1, 1]`: `4ε = 2^(−2r)`
/// (module docs), attained at `x = y = 2^−r`.
pub fn mul(r: u32) -> Rational {
    square(r) * rational::int(4)
}

/// The paper's bound on `|×′(x, y) − xy|`, eq. 8: `6ε`.
pub fn mul_paper(r: u32) -> Rational {
    square(r) * rational::int(6)
}

/// `|×′(x, y) − xy|` for `|x| ≤ m_x`, `|y| ≤ m_y`, `m_x, m_y ≤ 2` (module
/// docs): `max(2(2ε − e_lo((m_x+m_y)/2)), 2(ε − e_lo(m_x/2) − e_lo(m_y/2)))`.
/// Equals [`mul`] when both are ≤ 1. `None` if an input may exceed 2 in
/// magnitude (the construction never feeds ×′ such values).
pub fn mul_inexact(r: u32, m_x: &Rational, m_y: &Rational) -> Option<Rational> {
    let two = rational::int(2);
    if *m_x > two || *m_y > two {
        return None;
    }
    let eps = square(r);
    let e_a = square_low(r, &((m_x + m_y) / &two));
    let e_b = square_low(r, &(m_x / &two));
    let e_c = square_low(r, &(m_y / &two));
    // error ∈ [2(e_lo(U_A) − 2ε), 2(ε − e_lo(U_B) − e_lo(U_C))]
    let low = (&e_a - &eps * &two) * &two;
    let high = (&eps - &e_b - &e_c) * &two;
    Some(low.abs().max(high.abs()))
}

/// `|f_s^r(|a′|) − a²|` for `|a| ≤ range`, `|a′ − a| ≤ delta` and
/// `|a′| ≤ reach` (module docs; `reach ≤ range + delta`).
pub fn square_inexact(r: u32, range: &Rational, delta: &Rational, reach: &Rational) -> Rational {
    let own = square(r).max(-square_low(r, reach));
    own + delta * (range * rational::int(2) + delta)
}

/// A bound on `f_s^r(u)` for `0 ≤ u ≤ reach`: f_s^r is increasing, at most
/// 1 on [0, 1] (`f(1) = 1`) and below `u² + ε` there; past 1 it is the
/// line `1 + (2 − 2^−r)(u − 1)`.
pub fn square_reach(r: u32, reach: &Rational) -> Rational {
    let one = Rational::one();
    if *reach <= one {
        (reach * reach + square(r)).min(one)
    } else {
        one.clone() + (rational::int(2) - rational::pow2(-i64::from(r))) * (reach - &one)
    }
}

/// `|×′(a′, b′) − ab|` for `|a| ≤ range_a`, `|a′ − a| ≤ delta_a`,
/// `|a′| ≤ reach_a` (same for b): eq. 21 with both inputs approximated
/// (module docs). `None` when an input may exceed 2 in magnitude.
pub fn mul_propagated(
    r: u32,
    (range_a, delta_a, reach_a): (&Rational, &Rational, &Rational),
    (range_b, delta_b, reach_b): (&Rational, &Rational, &Rational),
) -> Option<Rational> {
    let own = mul_inexact(r, reach_a, reach_b)?;
    Some(own + range_a * delta_b + range_b * delta_a + delta_a * delta_b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::{pow2, ratio};

    #[test]
    fn mul_bound_is_four_epsilon_inside_the_unit_box() {
        for r in 1..=12 {
            let one = Rational::one();
            assert_eq!(mul_inexact(r, &one, &one), Some(mul(r)));
            assert_eq!(mul(r), pow2(-2 * i64::from(r)));
            assert!(mul(r) < mul_paper(r));
        }
    }

    #[test]
    fn leaving_the_box_costs_a_little() {
        let r = 6;
        let m = Rational::one() + pow2(-10);
        let e = mul_inexact(r, &m, &m).unwrap();
        assert!(e > mul(r));
        assert!(e < mul(r) + pow2(-14));
        assert_eq!(mul_inexact(r, &ratio(5, 2), &Rational::one()), None);
        assert_eq!(square_low(r, &ratio(1, 2)), Rational::zero());
    }

    #[test]
    fn exact_inputs_propagate_to_the_own_bound() {
        let zero = Rational::zero();
        let one = Rational::one();
        assert_eq!(
            mul_propagated(5, (&one, &zero, &one), (&one, &zero, &one)),
            Some(mul(5))
        );
        assert_eq!(square_inexact(5, &one, &zero, &one), square(5));
        assert_eq!(square_reach(5, &one), one);
        assert_eq!(square_reach(5, &ratio(1, 2)), ratio(1, 4) + square(5));
    }
}
