//! The Bernstein coefficients of a polynomial target on a box, carried
//! from box to box of [`super::boxes`]: computed once on the domain, then
//! split with de Casteljau's algorithm at a dyadic `u` (`1/2`, or a cut)
//! — integer additions, products and shifts over one common denominator,
//! no gcd — instead of
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
        let n: Vec<u32> = (0..p.nvars()).map(|l| p.degree_in(l)).collect();
        Bern::with_degrees(p, lo, width, &n)
    }

    /// [`Bern::new`] in the degrees `n`, at least `p`'s own (a zero
    /// width drops a variable of `p(lo + width·u)`; elevation fills it).
    pub fn with_degrees(p: &Poly, lo: &[Rational], width: &[Rational], n: &[u32]) -> Self {
        let fu = p.substitute_affine(lo, width);
        let padded = crate::bernstein::coefficients_in(&fu, n);
        let den = padded.iter().fold(BigInt::one(), |acc, b| {
            num_integer::Integer::lcm(&acc, b.denom())
        });
        let num = padded
            .iter()
            .map(|b| b.numer() * (&den / b.denom()))
            .collect();
        Bern {
            n: n.to_vec(),
            num,
            den,
        }
    }

    /// The coefficients on the two parts of the box cut along `axis` at
    /// `u = p/q` (`0 < p < q`): de Casteljau with the weights `q − p` and
    /// `p`, over the common denominator `den·q^k` (`k` the degree along
    /// `axis`), then reduced by the powers of two every numerator shares
    /// with it — all of the denominator when `q` is a power of two, as
    /// for halves and cuts of dyadic boxes.
    pub fn split(&self, axis: usize, p: &BigInt, q: &BigInt) -> (Bern, Bern) {
        let k = self.n[axis] as usize;
        if k == 0 {
            return (self.clone(), self.clone());
        }
        let wr = p.clone();
        let wl = q - p;
        // q^e for e ≤ k
        let mut power = vec![BigInt::one()];
        for e in 1..=k {
            power.push(&power[e - 1] * q);
        }
        let unit = |v: &BigInt, s: usize| -> BigInt { v * &power[k - s] };
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
            // de Casteljau at p/q, scaled by q per step: after step s
            // the line holds q^s times the s-th row; row s's first
            // entry is the left part's s-th coefficient, its last the
            // right part's (k − s)-th
            left[start] = unit(&line[0], 0);
            right[start + k * stride] = unit(&line[k], 0);
            for s in 1..=k {
                for j in 0..=k - s {
                    let next = &line[j] * &wl + &line[j + 1] * &wr;
                    line[j] = next;
                }
                // scale the recorded entries to the common q^k
                left[start + s * stride] = unit(&line[0], s);
                right[start + (k - s) * stride] = unit(&line[k - s], s);
            }
        }
        let den = &self.den * &power[k];
        (
            reduced(&self.n, left, den.clone()),
            reduced(&self.n, right, den),
        )
    }
}

#[cfg(test)]
impl Bern {
    /// The coefficients as rationals.
    pub fn values(&self) -> Vec<Rational> {
        self.num
            .iter()
            .map(|v| Rational::new(v.clone(), self.den.clone()))
            .collect()
    }
}

/// `num/den` with the powers of two common to every numerator and `den`
/// divided out.
fn reduced(n: &[u32], mut num: Vec<BigInt>, mut den: BigInt) -> Bern {
    let shift = num
        .iter()
        .filter_map(BigInt::trailing_zeros)
        .chain(den.trailing_zeros())
        .min()
        .unwrap_or(0);
    if shift > 0 {
        num.iter_mut().for_each(|v| *v >>= shift);
        den >>= shift;
    }
    Bern {
        n: n.to_vec(),
        num,
        den,
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
            let (l, r) = b.split(axis, &BigInt::one(), &BigInt::from(2));
            width[axis] = &width[axis] / int(2);
            let mut right_lo = lo.clone();
            right_lo[axis] = &lo[axis] + &width[axis];
            let check = |got: &Bern, lo: &[Rational]| {
                let want = Bern::new(&p, lo, &width);
                assert_eq!(got.values(), want.values(), "step {step}");
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

    /// Cutting at `u = p/q`, dyadic or not, agrees with the coefficients
    /// on each part computed directly.
    #[test]
    fn splits_agree_with_direct_coefficients() {
        let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
        let p = x
            .pow(3)
            .mul(&y)
            .sub(&y.pow(2).scale(&ratio(7, 3)))
            .add(&Poly::constant(2, ratio(1, 9)));
        let lo = vec![ratio(-1, 3), ratio(1, 2)];
        let width = vec![int(2), ratio(3, 4)];
        let b = Bern::new(&p, &lo, &width);
        let cuts = [
            (0, 3, 8),
            (1, 5, 16),
            (0, 1, 2),
            (1, 1023, 1024),
            (0, 7, 1 << 40),
            (1, 2, 3),
            (0, 5, 12),
        ];
        for (axis, pn, q) in cuts {
            let (l, r) = b.split(axis, &BigInt::from(pn), &BigInt::from(q));
            let u = ratio(pn, q);
            let mut lw = width.clone();
            lw[axis] = &width[axis] * &u;
            let mut rlo = lo.clone();
            rlo[axis] = &lo[axis] + &lw[axis];
            let mut rw = width.clone();
            rw[axis] = &width[axis] - &lw[axis];
            for (got, lo, width) in [(&l, &lo, &lw), (&r, &rlo, &rw)] {
                let want = Bern::new(&p, lo, width);
                assert_eq!(got.values(), want.values(), "axis {axis} at {pn}/{q}");
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
