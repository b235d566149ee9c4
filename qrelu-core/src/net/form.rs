//! Values of a network under construction, not yet wired into a unit:
//! [`LinearForm`] `Σ coef·unit` and [`Affine`] `c + Σ coef·unit`.

use std::collections::HashMap;

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
        let mut index: HashMap<UnitId, usize> = self
            .terms
            .iter()
            .enumerate()
            .map(|(i, (u, _))| (*u, i))
            .collect();
        for (u, c) in &other.terms {
            let c = if negate { -c } else { c.clone() };
            match index.get(u) {
                Some(&i) => self.terms[i].1 += c,
                None => {
                    index.insert(*u, self.terms.len());
                    self.terms.push((*u, c));
                }
            }
        }
        self.terms.retain(|(_, c)| !c.is_zero());
    }
}

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
