//! Values of a network under construction, not yet wired into a unit:
//! [`LinearForm`] `Σ coef·unit` and [`Affine`] `c + Σ coef·unit`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use num_traits::{One, Zero};

use super::UnitId;
use crate::rational::Rational;

/// A linear combination `Σ coef·unit` of units, not yet wired into a unit.
/// Gadgets return their result in this form; the consumer (a ReLU unit or
/// the output) turns each term into one edge, so every coefficient must be
/// a codebook value by then.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LinearForm {
    /// `(unit, coefficient)` terms, summed in this order
    pub terms: Vec<(UnitId, Rational)>,
}

impl LinearForm {
    /// The form `Σ ½·unit` (every gadget's favourite).
    pub fn halves(units: &[UnitId]) -> Self {
        let half = crate::rational::ratio(1, 2);
        LinearForm {
            terms: units.iter().map(|&u| (u, half.clone())).collect(),
        }
    }

    /// Appends `coef·unit`.
    pub fn push(&mut self, unit: UnitId, coef: Rational) {
        self.terms.push((unit, coef));
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the form has no term (it is worth 0).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// `−form`.
    pub fn negated(&self) -> LinearForm {
        LinearForm {
            terms: self.terms.iter().map(|(u, c)| (*u, -c)).collect(),
        }
    }

    /// Adds `±other` (`negate` picks the sign), merging terms on the same
    /// unit: coefficients are summed (a zero sum drops the term) and the
    /// order of first appearance is kept. The merged coefficient may fall
    /// outside the codebook; the builder refuses it when the form is used.
    pub fn add(&mut self, other: &LinearForm, negate: bool) {
        // zero coefficients appear only where a term merges or `other`
        // brings one: otherwise no `retain` pass over a long form
        let mut zeros = false;
        let mut put =
            |terms: &mut Vec<(UnitId, Rational)>, at: Option<usize>, u: UnitId, c: &Rational| {
                let c = if negate { -c } else { c.clone() };
                match at {
                    Some(i) => {
                        terms[i].1 += c;
                        zeros |= terms[i].1.is_zero();
                    }
                    None => {
                        zeros |= c.is_zero();
                        terms.push((u, c));
                    }
                }
            };
        if other.terms.len() <= SCAN_TERMS {
            // a few terms into a possibly long form (the output of a large
            // network gathers thousands, one small form at a time): a scan
            // per term, where building an index of the whole form on every
            // call made the construction quadratic
            for (u, c) in &other.terms {
                let at = self.terms.iter().position(|(v, _)| v == u);
                put(&mut self.terms, at, *u, c);
            }
        } else {
            // index the (shorter) `other` and probe the form once: linear in
            // the form, with a multiplicative hash of the unit number. Only
            // units within `other`'s range are probed: `other` is mostly
            // units built just now, above every unit of a long form, and
            // the proc macro runs unoptimised by default (cargo's
            // `build-override`), where a hash probe per term of the output
            // form cost a quarter of a 10^6-weight expansion
            let index: HashMap<UnitId, usize, BuildHasherDefault<UnitHasher>> = other
                .terms
                .iter()
                .enumerate()
                .map(|(j, (u, _))| (*u, j))
                .collect();
            let lo = other.terms.iter().map(|(u, _)| *u).min().unwrap_or(0);
            let hi = other.terms.iter().map(|(u, _)| *u).max().unwrap_or(0);
            let mut at = vec![None; other.terms.len()];
            for (i, (v, _)) in self.terms.iter().enumerate() {
                if (lo..=hi).contains(v) {
                    if let Some(&j) = index.get(v) {
                        at[j] = Some(i);
                    }
                }
            }
            for ((u, c), at) in other.terms.iter().zip(at) {
                put(&mut self.terms, at, *u, c);
            }
        }
        if zeros {
            self.terms.retain(|(_, c)| !c.is_zero());
        }
    }
}

/// A hasher for unit numbers: one multiplication (Fibonacci hashing), where
/// SipHash cost more than the merge it served.
#[derive(Default)]
struct UnitHasher(u64);

impl Hasher for UnitHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Longest form [`LinearForm::add`] merges by scanning instead of indexing.
const SCAN_TERMS: usize = 8;

/// An affine form `constant + Σ coef·unit`: a value of a network under
/// construction, the output of a construction before it is finished
/// (`constant` becomes the output bias).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Affine {
    /// the linear part (each unit at most once)
    pub form: LinearForm,
    /// the constant term
    pub constant: Rational,
}

impl Affine {
    /// The value of one unit.
    pub fn unit(u: UnitId) -> Self {
        Affine {
            form: LinearForm {
                terms: vec![(u, Rational::one())],
            },
            constant: Rational::zero(),
        }
    }

    /// A constant.
    pub fn constant(c: Rational) -> Self {
        Affine {
            form: LinearForm::default(),
            constant: c,
        }
    }

    /// Number of terms of the linear part.
    pub fn len(&self) -> usize {
        self.form.len()
    }

    /// Whether the linear part is empty (the form is a constant).
    pub fn is_empty(&self) -> bool {
        self.form.is_empty()
    }

    /// `c·self`.
    pub fn scaled(&self, c: &Rational) -> Affine {
        let mut out = Affine::default();
        out.add_scaled(self, c);
        out
    }

    /// `self += c·other`, merging terms on the same unit (zero sums drop).
    pub fn add_scaled(&mut self, other: &Affine, c: &Rational) {
        if c.is_zero() {
            return;
        }
        let scaled = LinearForm {
            terms: other.form.terms.iter().map(|(u, w)| (*u, w * c)).collect(),
        };
        self.form.add(&scaled, false);
        self.constant += &other.constant * c;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::{int, ratio};

    /// The merge the old implementation did (an index of the whole form
    /// on every call): the reference for both paths of `add`.
    fn reference(a: &LinearForm, b: &LinearForm, negate: bool) -> LinearForm {
        let mut terms = a.terms.clone();
        for (u, c) in &b.terms {
            let c = if negate { -c } else { c.clone() };
            match terms.iter().position(|(v, _)| v == u) {
                Some(i) => terms[i].1 += c,
                None => terms.push((*u, c)),
            }
        }
        terms.retain(|(_, c)| !c.is_zero());
        LinearForm { terms }
    }

    /// Short and long forms (both sides of `SCAN_TERMS`), with merges,
    /// cancellations to zero and zero coefficients brought in: the same
    /// terms in the same order as the reference.
    #[test]
    fn add_merges_like_the_reference() {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..2_000 {
            let form = |len: u64, next: &mut dyn FnMut(u64) -> u64| {
                let mut terms: Vec<(UnitId, Rational)> = Vec::new();
                for _ in 0..len {
                    let u = next(40) as UnitId;
                    if terms.iter().all(|(v, _)| *v != u) {
                        let c = [int(0), int(1), int(-1), ratio(1, 2), ratio(-1, 2)]
                            [next(5) as usize]
                            .clone();
                        terms.push((u, c));
                    }
                }
                LinearForm { terms }
            };
            let a_len = next(30);
            let b_len = next(20);
            let mut a = form(a_len, &mut next);
            a.terms.retain(|(_, c)| !c.is_zero());
            let b = form(b_len, &mut next);
            let negate = next(2) == 1;
            let want = reference(&a, &b, negate);
            a.add(&b, negate);
            assert_eq!(a, want, "b = {b:?}, negate = {negate}");
        }
    }
}
