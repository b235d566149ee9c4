//! Exact multivariate polynomials: the targets of every construction.
//!
//! A [`Poly`] is a finite sum `Σ c_α x^α` over multi-indices `α ∈ ℕ^d` with
//! exact rational coefficients, kept in a canonical form (no zero
//! coefficients, terms ordered by exponent vector) so that equal polynomials
//! compare equal and print the same.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;

use num_traits::{One, Zero};

use crate::rational::{self, Rational};

/// A polynomial in `nvars` variables with exact rational coefficients.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Poly {
    nvars: usize,
    /// exponent vector (length `nvars`) ↦ nonzero coefficient
    terms: BTreeMap<Vec<u32>, Rational>,
}

impl Poly {
    /// The zero polynomial in `nvars` variables.
    pub fn zero(nvars: usize) -> Self {
        Poly {
            nvars,
            terms: BTreeMap::new(),
        }
    }

    /// The constant `c`.
    pub fn constant(nvars: usize, c: Rational) -> Self {
        let mut p = Poly::zero(nvars);
        p.add_term(vec![0; nvars], c);
        p
    }

    /// The variable `x_i` (0-based).
    ///
    /// # Panics
    /// If `i >= nvars`.
    pub fn var(nvars: usize, i: usize) -> Self {
        assert!(
            i < nvars,
            "variable index {i} out of range for {nvars} variables"
        );
        let mut pow = vec![0; nvars];
        pow[i] = 1;
        let mut p = Poly::zero(nvars);
        p.add_term(pow, Rational::one());
        p
    }

    /// Builds a polynomial from `(coefficient, exponents)` pairs; like terms are
    /// combined and zero coefficients dropped.
    ///
    /// # Panics
    /// If an exponent vector does not have length `nvars`.
    pub fn from_terms(nvars: usize, terms: impl IntoIterator<Item = (Rational, Vec<u32>)>) -> Self {
        let mut p = Poly::zero(nvars);
        for (c, pow) in terms {
            assert_eq!(pow.len(), nvars, "exponent vector of the wrong length");
            p.add_term(pow, c);
        }
        p
    }

    fn add_term(&mut self, pow: Vec<u32>, c: Rational) {
        if c.is_zero() {
            return;
        }
        match self.terms.entry(pow) {
            Entry::Vacant(v) => {
                v.insert(c);
            }
            Entry::Occupied(mut o) => {
                *o.get_mut() += c;
                // keep the canonical form: no zero coefficients
                if o.get().is_zero() {
                    o.remove();
                }
            }
        }
    }

    /// Number of variables.
    pub fn nvars(&self) -> usize {
        self.nvars
    }

    /// Whether this is the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// Total degree (`0` for constants and for the zero polynomial).
    pub fn degree(&self) -> u32 {
        self.terms
            .keys()
            .map(|p| p.iter().sum::<u32>())
            .max()
            .unwrap_or(0)
    }

    /// Degree in variable `i`.
    pub fn degree_in(&self, i: usize) -> u32 {
        self.terms.keys().map(|p| p[i]).max().unwrap_or(0)
    }

    /// The terms `(exponents, coefficient)` in canonical order.
    pub fn terms(&self) -> impl Iterator<Item = (&[u32], &Rational)> {
        self.terms.iter().map(|(k, v)| (k.as_slice(), v))
    }

    /// The coefficient of `x^pow` (zero if absent).
    pub fn coefficient(&self, pow: &[u32]) -> Rational {
        self.terms.get(pow).cloned().unwrap_or_else(Rational::zero)
    }

    /// `self · c`.
    pub fn scale(&self, c: &Rational) -> Self {
        let mut p = Poly::zero(self.nvars);
        for (k, v) in &self.terms {
            p.add_term(k.clone(), v * c);
        }
        p
    }

    /// `self + other`.
    ///
    /// # Panics
    /// If the variable counts differ.
    pub fn add(&self, other: &Poly) -> Self {
        assert_eq!(self.nvars, other.nvars);
        let mut p = self.clone();
        for (k, v) in &other.terms {
            p.add_term(k.clone(), v.clone());
        }
        p
    }

    /// `self − other`.
    pub fn sub(&self, other: &Poly) -> Self {
        self.add(&other.scale(&-Rational::one()))
    }

    /// `−self`.
    pub fn neg(&self) -> Self {
        self.scale(&-Rational::one())
    }

    /// `self · other`.
    pub fn mul(&self, other: &Poly) -> Self {
        assert_eq!(self.nvars, other.nvars);
        let mut p = Poly::zero(self.nvars);
        for (ka, va) in &self.terms {
            for (kb, vb) in &other.terms {
                let k: Vec<u32> = ka.iter().zip(kb).map(|(a, b)| a + b).collect();
                p.add_term(k, va * vb);
            }
        }
        p
    }

    /// `self^e` by repeated squaring.
    pub fn pow(&self, mut e: u32) -> Self {
        let mut base = self.clone();
        let mut acc = Poly::constant(self.nvars, Rational::one());
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.mul(&base);
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base);
            }
        }
        acc
    }

    /// `∂self/∂x_i`.
    pub fn derivative(&self, i: usize) -> Self {
        let mut p = Poly::zero(self.nvars);
        for (k, v) in &self.terms {
            if k[i] > 0 {
                let mut k2 = k.clone();
                k2[i] -= 1;
                p.add_term(k2, v * rational::int(i64::from(k[i])));
            }
        }
        p
    }

    /// `self(lo + width∘y)`: the polynomial in `y` that takes on `[0, 1]^d`
    /// the values `self` takes on the box `Π_l [lo_l, lo_l + width_l]`.
    ///
    /// # Panics
    /// If `lo` or `width` does not have length `nvars`.
    ///
    /// ```
    /// use qrelu_core::{rational::ratio, Poly};
    /// // x² on [1/2, 1]: (1/2 + y/2)² = 1/4 + y/2 + y²/4
    /// let p = Poly::var(1, 0).pow(2).substitute_affine(&[ratio(1, 2)], &[ratio(1, 2)]);
    /// assert_eq!(p.display_with(&["y"]), "1/4*y^2 + 1/2*y + 1/4");
    /// ```
    pub fn substitute_affine(&self, lo: &[Rational], width: &[Rational]) -> Self {
        assert_eq!(lo.len(), self.nvars);
        assert_eq!(width.len(), self.nvars);
        let d = self.nvars;
        // powers[l][e] = (lo_l + width_l·y_l)^e, built once per exponent
        let powers: Vec<Vec<Poly>> = (0..d)
            .map(|l| {
                let line = Poly::constant(d, lo[l].clone()).add(&Poly::var(d, l).scale(&width[l]));
                let mut p = vec![Poly::constant(d, Rational::one())];
                for _ in 0..self.degree_in(l) {
                    let next = p[p.len() - 1].mul(&line);
                    p.push(next);
                }
                p
            })
            .collect();
        let mut out = Poly::zero(d);
        for (k, v) in &self.terms {
            let term = k
                .iter()
                .enumerate()
                .fold(Poly::constant(d, v.clone()), |acc, (l, &e)| {
                    acc.mul(&powers[l][e as usize])
                });
            out = out.add(&term);
        }
        out
    }

    /// Exact value at `x` (`x.len() == nvars`).
    ///
    /// # Panics
    /// If `x` has the wrong length.
    pub fn eval(&self, x: &[Rational]) -> Rational {
        assert_eq!(x.len(), self.nvars);
        let mut sum = Rational::zero();
        for (k, v) in &self.terms {
            let mut term = v.clone();
            for (xi, &e) in x.iter().zip(k) {
                if e > 0 {
                    term *= num_traits::pow(xi.clone(), e as usize);
                }
            }
            sum += term;
        }
        sum
    }

    /// Prints with the given variable names, e.g. `3/4*x^3 - 1/2*x + 1/8`
    /// ([`qrelu_runtime::info::write_polynomial`], the one formatter of
    /// targets).
    pub fn display_with(&self, names: &[&str]) -> String {
        let coefs: Vec<(String, &[u32])> = self
            .terms
            .iter()
            .map(|(k, v)| (rational::display(v), k.as_slice()))
            .collect();
        let mut out = String::new();
        // writing to a String cannot fail
        let _ = qrelu_runtime::info::write_polynomial(
            &mut out,
            coefs.iter().map(|(c, k)| (c.as_str(), *k)),
            names,
        );
        out
    }
}

impl fmt::Display for Poly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = (0..self.nvars).map(|i| format!("x{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        f.write_str(&self.display_with(&refs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::{int, ratio};

    #[test]
    fn expands_products_exactly() {
        let x = Poly::var(2, 0);
        let y = Poly::var(2, 1);
        // (x - y)^2 = x^2 - 2xy + y^2
        let p = x.sub(&y).pow(2);
        assert_eq!(p.coefficient(&[2, 0]), int(1));
        assert_eq!(p.coefficient(&[1, 1]), int(-2));
        assert_eq!(p.coefficient(&[0, 2]), int(1));
        assert_eq!(p.degree(), 2);
        assert_eq!(p.display_with(&["x", "y"]), "x^2 - 2*x*y + y^2");
    }

    #[test]
    fn cancellation_leaves_canonical_zero() {
        let x = Poly::var(1, 0);
        assert!(x.sub(&x).is_zero());
        assert_eq!(x.sub(&x), Poly::zero(1));
    }

    #[test]
    fn evaluates_and_differentiates() {
        let x = Poly::var(1, 0);
        let p = x
            .pow(3)
            .scale(&ratio(3, 4))
            .sub(&x.scale(&ratio(1, 2)))
            .add(&Poly::constant(1, ratio(1, 8)));
        assert_eq!(
            p.eval(&[ratio(1, 2)]),
            ratio(3, 32) - ratio(1, 4) + ratio(1, 8)
        );
        assert_eq!(p.derivative(0).coefficient(&[2]), ratio(9, 4));
        assert_eq!(p.display_with(&["x"]), "3/4*x^3 - 1/2*x + 1/8");
    }
}
