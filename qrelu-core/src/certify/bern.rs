//! The Bernstein coefficients of a polynomial target on a box, carried
//! from box to box of [`super::boxes`]: computed once on the domain, then
//! halved with de Casteljau's algorithm at `u = 1/2` — integer additions
//! and shifts over one common denominator, no gcd — instead of
//! substituting the box into the polynomial again for every box.

use num_bigint::BigInt;
use num_traits::{One, Zero};

use crate::poly::Poly;
use crate::rational::Rational;

/// `b_i = num_i / den` for the multi-indices `i ≤ n` (first variable
/// fastest, as [`crate::bernstein::coefficients`]), `den > 0`.
#[derive(Clone, Debug)]
pub(super) struct Bern {
    /// the degree in each variable
    pub n: Vec<u32>,
    pub num: Vec<BigInt>,
    pub den: BigInt,
}

impl Bern {
    /// The coefficients of `p` on the box `lo + width·u`, `u ∈ [0, 1]^d`.
    pub fn new(p: &Poly, lo: &[Rational], width: &[Rational]) -> Self {
        let d = p.nvars();
        let fu = p.substitute_affine(lo, width);
        // the degrees of p itself (a zero width drops a variable of fu)
        let n: Vec<u32> = (0..d).map(|l| p.degree_in(l)).collect();
        let padded = if (0..d).all(|l| fu.degree_in(l) == n[l]) {
            crate::bernstein::coefficients(&fu)
        } else {
            // a variable of zero width: fu does not depend on it
            elevate(&fu, &n)
        };
        let den = padded.iter().fold(BigInt::one(), |acc, b| {
            num_integer::Integer::lcm(&acc, b.denom())
        });
        let num = padded
            .iter()
            .map(|b| b.numer() * (&den / b.denom()))
            .collect();
        Bern { n, num, den }
    }

    /// The coefficients on the two halves of the box along `axis`.
    pub fn halves(&self, axis: usize) -> (Bern, Bern) {
        let k = self.n[axis] as usize;
        if k == 0 {
            return (self.clone(), self.clone());
        }
        // the stride of `axis` in the flat layout
        let stride: usize = self.n[..axis].iter().map(|&e| e as usize + 1).product();
        let len = self.num.len();
        let mut left = vec![BigInt::zero(); len];
        let mut right = vec![BigInt::zero(); len];
        let mut line = vec![BigInt::zero(); k + 1];
        for start in 0..len {
            // the first index of each line along `axis`
            if (start / stride) % (k + 1) != 0 {
                continue;
            }
            for (j, v) in line.iter_mut().enumerate() {
                v.clone_from(&self.num[start + j * stride]);
            }
            // de Casteljau at 1/2, scaled by 2 per step: after step s the
            // line holds 2^s times the s-th row; row s's first entry is
            // the left half's s-th coefficient (times 2^s), its last the
            // right half's (k − s)-th
            left[start].clone_from(&line[0]);
            right[start + k * stride].clone_from(&line[k]);
            for s in 1..=k {
                for j in 0..=k - s {
                    let next = &line[j] + &line[j + 1];
                    line[j] = next;
                }
                // scale the recorded entries to the common 2^k
                left[start + s * stride] = &line[0] << (k - s);
                right[start + (k - s) * stride] = &line[k - s] << (k - s);
            }
            left[start] <<= k;
            right[start + k * stride] <<= k;
        }
        let den = &self.den << k;
        (
            Bern {
                n: self.n.clone(),
                num: left,
                den: den.clone(),
            },
            Bern {
                n: self.n.clone(),
                num: right,
                den,
            },
        )
    }
}

/// The Bernstein coefficients of `fu` on `[0, 1]^d` for the degrees `n`
/// (at least `fu`'s own in each variable): a coefficient of degree `n_l`
/// in a variable where `fu` has degree `0` repeats the value.
fn elevate(fu: &Poly, n: &[u32]) -> Vec<Rational> {
    let d = n.len();
    let own: Vec<u32> = (0..d).map(|l| fu.degree_in(l)).collect();
    let base = crate::bernstein::coefficients(fu);
    let mut out = Vec::new();
    let mut i = vec![0u32; d];
    loop {
        // the index in `base`: variables where fu is constant map to 0
        let mut at = 0usize;
        let mut stride = 1usize;
        for l in 0..d {
            let il = if own[l] == 0 { 0 } else { i[l] };
            at += il as usize * stride;
            stride *= own[l] as usize + 1;
        }
        out.push(base[at].clone());
        if !crate::bernstein::next_multi_index(&mut i, n) {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::{int, ratio};

    /// Halving agrees with computing the coefficients on each half
    /// directly, along every axis, several levels deep.
    #[test]
    fn halves_agree_with_direct_coefficients() {
        let (x, y, z) = (Poly::var(3, 0), Poly::var(3, 1), Poly::var(3, 2));
        let p = x
            .pow(3)
            .mul(&y)
            .sub(&z.pow(2).scale(&ratio(7, 3)))
            .add(&x.mul(&z).scale(&ratio(-5, 11)))
            .add(&Poly::constant(3, ratio(1, 9)));
        let mut lo = vec![ratio(-1, 3), int(0), ratio(1, 2)];
        let mut width = vec![int(2), ratio(3, 4), ratio(5, 7)];
        let mut b = Bern::new(&p, &lo, &width);
        for (step, axis) in [0, 2, 1, 0, 0, 2].into_iter().enumerate() {
            let (l, r) = b.halves(axis);
            width[axis] = &width[axis] / int(2);
            let mut right_lo = lo.clone();
            right_lo[axis] = &lo[axis] + &width[axis];
            let check = |got: &Bern, lo: &[Rational]| {
                let want = Bern::new(&p, lo, &width);
                for (g, w) in got.num.iter().zip(&want.num) {
                    assert_eq!(
                        Rational::new(g.clone(), got.den.clone()),
                        Rational::new(w.clone(), want.den.clone()),
                        "step {step}"
                    );
                }
            };
            check(&l, &lo);
            check(&r, &right_lo);
            // go on with the right half every other step
            if step % 2 == 1 {
                lo = right_lo;
                b = r;
            } else {
                b = l;
            }
        }
    }

    /// A variable of zero width keeps the degree layout of the target.
    #[test]
    fn zero_width_keeps_the_layout() {
        let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
        let p = x.pow(2).mul(&y);
        let b = Bern::new(&p, &[int(0), ratio(1, 2)], &[int(1), int(0)]);
        assert_eq!(b.n, vec![2, 1]);
        assert_eq!(b.num.len(), 6);
        // y = 1/2 throughout: x²/2 on [0, 1], coefficients 0, 0, 1/2 twice
        let q: Vec<Rational> = b
            .num
            .iter()
            .map(|v| Rational::new(v.clone(), b.den.clone()))
            .collect();
        assert_eq!(
            q,
            vec![int(0), int(0), ratio(1, 2), int(0), int(0), ratio(1, 2)]
        );
    }
}
