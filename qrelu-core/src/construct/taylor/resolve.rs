//! `N`, `r` and `t` of Theorem 1 from `eps`, by the paper's formulas
//! (eqs. 26–28); the search of `tune = smallest` is [`super::tune`].

use crate::rational::{self, Rational};
use crate::spec::NetSpec;

/// The spec with `N`, `r` and `t` chosen from `eps` by the paper's
/// formulas where they are not given (Section 4.3):
///
/// - eq. 28: the smallest `N` with `N^n ≥ 3·2^d·d^n/ε`;
/// - eq. 26: the smallest `r ≥ 1` with `2^(2(r+1)) ≥ 6N^n(d + n − 1)`
///   (eq. 26 rounded up);
/// - `t = ⌈log2(n·N^n/d^n)⌉` (at least 1).
///
/// The paper also takes `N = c·d²` so that the offsets `m/N` fall on the
/// grid of the β; our bumps never round an offset (they compute
/// `3Nx − 3m`), so that constraint is not needed. After building, the
/// exact bound is checked against `eps` ([`crate::construct::build`]
/// refuses the choice otherwise, reporting the bound).
pub(crate) fn resolve(spec: &NetSpec) -> NetSpec {
    let mut out = spec.clone();
    let Some(eps) = &spec.eps else {
        return out;
    };
    let n = spec.n.unwrap_or(1);
    let d = spec.inputs.len() as u64;
    let dn = num_traits::pow(Rational::from_integer(d.into()), n as usize);
    let need = Rational::from_integer((3u64 << d.min(60)).into()) * &dn / eps;
    let grid = out.grid.unwrap_or_else(|| {
        // ⌈need^(1/n)⌉, through ⌈need⌉ (the same for an integer N)
        let ceiling = u64::try_from(-rational::floor(&-need)).unwrap_or(u64::MAX);
        u32::try_from(rational::ceil_root(ceiling, n)).unwrap_or(u32::MAX)
    });
    out.grid = Some(grid);
    let nn = num_traits::pow(Rational::from_integer(grid.into()), n as usize);
    let r = out.r.unwrap_or_else(|| {
        let target = &nn * Rational::from_integer((6 * (d + u64::from(n) - 1)).into());
        let mut r = 1u32;
        while rational::pow2(2 * (i64::from(r) + 1)) < target && r < crate::gadget::square::MAX_R {
            r += 1;
        }
        r
    });
    out.r = Some(r);
    if out.t.is_none() {
        let ratio = Rational::from_integer(n.into()) * &nn / &dn;
        let mut t = 1u32;
        while rational::pow2(i64::from(t)) < ratio && t < 64 {
            t += 1;
        }
        out.t = Some(t);
    }
    out
}
