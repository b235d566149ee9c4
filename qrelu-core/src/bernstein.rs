//! Bernstein enclosures: exact, rigorous bounds on the range of a
//! polynomial over a box, refined by subdivision. The class checks of
//! Theorem 1 (`F_{d,n}`, eq. 1) and Theorem 2 (Lipschitz constant ≤ 1)
//! and the interpolation bounds of `structure = lipschitz` rest on them.
//!
//! On `[0, 1]^d`, a polynomial of degree `k_l` in variable `l` is
//! `Σ_i b_i Π_l C(k_l, i_l) y_l^(i_l) (1 − y_l)^(k_l − i_l)` with the
//! Bernstein coefficients `b_i = Σ_{j ≤ i} Π_l C(i_l, j_l)/C(k_l, j_l) ·
//! a_j` of its power coefficients `a_j`. The basis is non-negative and sums
//! to 1, so `min b_i ≤ p ≤ max b_i` on the box: an enclosure that tightens
//! as the box shrinks (the coefficients converge to values of p at the
//! box's grid points, at rate O(width²)).

use num_traits::{One, Signed, Zero};

use crate::Poly;
use crate::rational::{self, Rational};

/// Splits [`sup_abs`] may make in one variable (each adds a piece).
const SPLITS_1D: usize = 4096;

/// Splits [`sup_abs`] may make in two or more variables, where a piece
/// costs a substitution into the polynomial.
const SPLITS_MULTI: usize = 1024;

/// `C(n, k)` as a rational.
fn binomial(n: u32, k: u32) -> Rational {
    (0..k).fold(Rational::one(), |acc, i| {
        acc * Rational::from_integer((n - i).into()) / Rational::from_integer((i + 1).into())
    })
}

/// The Bernstein coefficients on `[lo, hi]` of `Σ c_k x^k`: substitute
/// `x = lo + (hi − lo)u`, then `b_j = Σ_{k≤j} C(j,k)/C(n,k)·a_k` for the
/// power coefficients `a_k` in u. They enclose the range on `[lo, hi]`.
///
/// ```
/// use qrelu_core::{bernstein, rational::ratio};
/// // x² on [1/2, 1]: coefficients 1/4, 1/2, 1 — the range is [1/4, 1]
/// let b = bernstein::coefficients_1d(&[ratio(0, 1), ratio(0, 1), ratio(1, 1)], &ratio(1, 2), &ratio(1, 1));
/// assert_eq!(b, vec![ratio(1, 4), ratio(1, 2), ratio(1, 1)]);
/// ```
pub fn coefficients_1d(coef: &[Rational], lo: &Rational, hi: &Rational) -> Vec<Rational> {
    let n = coef.len().saturating_sub(1);
    let width = hi - lo;
    // a(u) = Σ c_k (lo + width·u)^k, by Horner on polynomials in u
    let mut a: Vec<Rational> = vec![Rational::zero(); n + 1];
    for c in coef.iter().rev() {
        // a ← a·(lo + width·u) + c
        let mut next = vec![Rational::zero(); n + 1];
        for (k, ak) in a.iter().enumerate() {
            if ak.is_zero() {
                continue;
            }
            next[k] += ak * lo;
            if k < n {
                next[k + 1] += ak * &width;
            }
        }
        next[0] += c;
        a = next;
    }
    let n = n as u32;
    (0..=n)
        .map(|j| {
            (0..=j)
                .map(|k| binomial(j, k) / binomial(n, k) * &a[k as usize])
                .fold(Rational::zero(), |x, y| x + y)
        })
        .collect()
}

/// The Bernstein coefficients of `p` on `[0, 1]^d` (degree `k_l` in
/// variable `l`): `b_i = Σ_{j ≤ i} Π_l C(i_l, j_l)/C(k_l, j_l) · a_j`.
/// Their range encloses the range of `p` on the box.
///
/// ```
/// use qrelu_core::{bernstein, rational::ratio, Poly};
/// // x·y on the unit square: 0, 0, 0, 1 — the range is [0, 1]
/// let xy = Poly::var(2, 0).mul(&Poly::var(2, 1));
/// assert_eq!(bernstein::coefficients(&xy), vec![ratio(0, 1), ratio(0, 1), ratio(0, 1), ratio(1, 1)]);
/// ```
pub fn coefficients(p: &Poly) -> Vec<Rational> {
    let k: Vec<u32> = (0..p.nvars()).map(|l| p.degree_in(l)).collect();
    coefficients_in(p, &k)
}

/// [`coefficients`] in the degrees `k`, at least `p`'s own in each
/// variable (degree elevation: the monomial `u^j` has the coefficients
/// `C(i, j)/C(k, j)`, `i ≤ k`).
pub(crate) fn coefficients_in(p: &Poly, k: &[u32]) -> Vec<Rational> {
    let d = p.nvars();
    let mut out = Vec::new();
    let mut i = vec![0u32; d];
    loop {
        let mut b = Rational::zero();
        for (j, a) in p.terms() {
            if j.iter().zip(&i).all(|(jl, il)| jl <= il) {
                let weight = (0..d).fold(Rational::one(), |acc, l| {
                    acc * binomial(i[l], j[l]) / binomial(k[l], j[l])
                });
                b += weight * a;
            }
        }
        out.push(b);
        if !next_multi_index(&mut i, k) {
            return out;
        }
    }
}

/// Steps the multi-index `i ≤ n` (componentwise) to the next one, first
/// variable fastest (an odometer); `false` after the last, `i` back at 0.
pub(crate) fn next_multi_index(i: &mut [u32], n: &[u32]) -> bool {
    for (il, &nl) in i.iter_mut().zip(n) {
        if *il < nl {
            *il += 1;
            return true;
        }
        *il = 0;
    }
    false
}

/// A box `Π_l [lo_l, hi_l]` and an upper bound of `|p|` on it.
struct Piece {
    bound: Rational,
    lo: Vec<Rational>,
    hi: Vec<Rational>,
}

/// `sup |p|` over `[0, 1]^d`, enclosed: `(lower, at, upper)` with
/// `|p(at)| = lower ≤ sup ≤ upper`. The box is bisected — the piece with
/// the largest enclosure first, along its widest side — and `|p|` is
/// evaluated exactly at every new midpoint, until `upper ≤ 1` or `lower >
/// 1` decides the question "is `|p| ≤ 1` on the box?", until `upper −
/// lower ≤ lower·2^−40`, or after 4096 splits (one variable) or 1024
/// (several). Only a maximum of exactly 1 reached at an irrational point
/// can leave the question open (`lower ≤ 1 < upper` on return).
///
/// ```
/// use qrelu_core::{bernstein, rational::ratio, Poly};
/// // x·y − (x − y)²: |·| reaches 1 at (1, 1) and at (1, 0)
/// let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
/// let p = x.mul(&y).sub(&x.sub(&y).pow(2));
/// let (lower, _, upper) = bernstein::sup_abs(&p);
/// assert_eq!(lower, ratio(1, 1));
/// assert!(upper <= ratio(1, 1));
/// ```
pub fn sup_abs(p: &Poly) -> (Rational, Vec<Rational>, Rational) {
    let d = p.nvars();
    let one = Rational::one();
    let value = |x: &[Rational]| p.eval(x).abs();
    // one variable: the fast substitution of `coefficients_1d`
    let coef: Vec<Rational> = if d == 1 {
        (0..=p.degree_in(0)).map(|k| p.coefficient(&[k])).collect()
    } else {
        Vec::new()
    };
    let enclose = |lo: &[Rational], hi: &[Rational]| -> Rational {
        let b = if d == 1 {
            coefficients_1d(&coef, &lo[0], &hi[0])
        } else {
            let width: Vec<Rational> = lo.iter().zip(hi).map(|(a, b)| b - a).collect();
            coefficients(&p.substitute_affine(lo, &width))
        };
        b.into_iter()
            .map(|b| b.abs())
            .fold(Rational::zero(), Rational::max)
    };
    // the corners are the first witnesses: maxima often sit there
    let (mut lower, mut at) = (Rational::zero(), vec![Rational::zero(); d]);
    for corner in 0..(1usize << d.min(16)) {
        let x: Vec<Rational> = (0..d)
            .map(|l| rational::int(((corner >> l) & 1) as i64))
            .collect();
        let v = value(&x);
        if v > lower {
            (lower, at) = (v, x);
        }
    }
    let (lo, hi) = (vec![Rational::zero(); d], vec![one.clone(); d]);
    let mut pieces = vec![Piece {
        bound: enclose(&lo, &hi),
        lo,
        hi,
    }];
    let splits = if d == 1 { SPLITS_1D } else { SPLITS_MULTI };
    for _ in 0..splits {
        pieces.sort_by(|a, b| a.bound.cmp(&b.bound));
        let upper = pieces.last().map(|p| p.bound.clone()).unwrap_or_default();
        let decided = upper <= one || lower > one;
        let tight = &upper - &lower <= &lower * rational::pow2(-40);
        if decided || tight {
            return (lower, at, upper.max(Rational::zero()));
        }
        let Piece { lo, hi, .. } = pieces.pop().expect("at least one piece");
        let mid: Vec<Rational> = lo
            .iter()
            .zip(&hi)
            .map(|(a, b)| (a + b) / rational::int(2))
            .collect();
        let v = value(&mid);
        if v > lower {
            (lower, at) = (v, mid.clone());
        }
        // the widest side (the first of equals)
        let side = (0..d)
            .max_by(|&a, &b| (&hi[a] - &lo[a]).cmp(&(&hi[b] - &lo[b])).then(b.cmp(&a)))
            .unwrap_or(0);
        let (mut left_hi, mut right_lo) = (hi.clone(), lo.clone());
        left_hi[side] = mid[side].clone();
        right_lo[side] = mid[side].clone();
        pieces.push(Piece {
            bound: enclose(&lo, &left_hi),
            lo,
            hi: left_hi,
        });
        pieces.push(Piece {
            bound: enclose(&right_lo, &hi),
            lo: right_lo,
            hi,
        });
    }
    let upper = pieces
        .iter()
        .map(|p| p.bound.clone())
        .fold(Rational::zero(), Rational::max);
    (lower, at, upper)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::ratio;

    fn xy() -> (Poly, Poly) {
        (Poly::var(2, 0), Poly::var(2, 1))
    }

    /// `c·x(1 − x)·y(1 − y)`: its maximum `c/16` sits at the centre.
    fn bump(c: i64) -> Poly {
        let (x, y) = xy();
        let one = Poly::constant(2, ratio(1, 1));
        x.mul(&one.sub(&x))
            .mul(&y)
            .mul(&one.sub(&y))
            .scale(&ratio(c, 1))
    }

    #[test]
    fn subdivision_proves_what_one_box_cannot() {
        // x − y: the one-box coefficients 0, 1, −1, 0 are the exact range
        let (x, y) = xy();
        let (lower, _, upper) = sup_abs(&x.sub(&y));
        assert_eq!((lower, upper), (ratio(1, 1), ratio(1, 1)));
        // 16x(1−x)y(1−y) has range [0, 1], but its one-box enclosure is 4
        let q = bump(16);
        let loose = coefficients(&q).into_iter().max().unwrap();
        assert_eq!(loose, ratio(4, 1));
        let (lower, at, upper) = sup_abs(&q);
        assert_eq!(lower, ratio(1, 1));
        assert_eq!(at, vec![ratio(1, 2), ratio(1, 2)]);
        assert_eq!(upper, ratio(1, 1));
    }

    #[test]
    fn a_value_above_one_is_found() {
        // 18x(1−x)y(1−y) peaks at 18/16 = 9/8
        let (lower, at, upper) = sup_abs(&bump(18));
        assert_eq!(lower, ratio(9, 8));
        assert_eq!(at, vec![ratio(1, 2), ratio(1, 2)]);
        assert!(upper >= lower);
    }

    #[test]
    fn substitution_restricts_to_the_box() {
        // p(lo + w∘y) at y = (1/3, 1) equals p at lo + w∘y
        let (x, y) = xy();
        let p = x.pow(3).sub(&x.mul(&y).scale(&ratio(5, 2))).add(&y.pow(2));
        let (lo, w) = (
            vec![ratio(1, 4), ratio(-1, 2)],
            vec![ratio(1, 2), ratio(3, 4)],
        );
        let r = p.substitute_affine(&lo, &w);
        let u = [ratio(1, 3), ratio(1, 1)];
        let x: Vec<Rational> = (0..2).map(|l| &lo[l] + &w[l] * &u[l]).collect();
        assert_eq!(r.eval(&u), p.eval(&x));
    }
}
