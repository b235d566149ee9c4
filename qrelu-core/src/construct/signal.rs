//! Signals: values of a network under construction, carried as linear forms
//! with coefficients ±1/2, and the gadgets that combine them (module docs of
//! [`super::direct`], "Signals").
//!
//! Table 1's parts (net module docs): the gates of a signal and the copies
//! that sums and |·| read are its own B_abs instance, reopened whenever more
//! are needed; [`square`] and [`product`] are one B_×′ instance each (their
//! f_s^r only: the |·| they read are B_abs, the constants `K_j` B_N);
//! [`scaled`] is one B_w instance (the trie, ladder and copies of Prop. 3;
//! the gates it reads are B_abs).

use num_traits::Zero;

use super::internal;
use crate::error::CoreError;
use crate::gadget::weight::{self, CopyRecipe, PowerChain, Sign};
use crate::gadget::{mul, square as sq};
use crate::net::{BlockId, LinearForm, NetBuilder, Part};
use crate::rational::{self, Rational};

/// A value of the network under construction (module docs).
pub(crate) struct Signal {
    /// coefficients ±1/2; the signal is `2^exp · form`
    pub(crate) form: LinearForm,
    pub(crate) exp: u32,
    /// the computed value is ≥ 0 exactly (no `N` gate)
    pub(crate) nonneg: bool,
    pos: Option<PowerChain>,
    neg: Option<PowerChain>,
    /// this signal's B_abs instance, once opened
    abs_part: Option<BlockId>,
}

impl Signal {
    pub(crate) fn new(form: LinearForm, exp: u32, nonneg: bool) -> Self {
        Signal {
            form,
            exp,
            nonneg,
            pos: None,
            neg: None,
            abs_part: None,
        }
    }

    /// Runs `build` inside this signal's B_abs instance (opened on first
    /// use, reopened after).
    fn in_abs<T>(
        &mut self,
        b: &mut NetBuilder,
        build: impl FnOnce(&mut Self, &mut NetBuilder) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        match self.abs_part {
            Some(id) => b.reopen(id),
            None => self.abs_part = Some(b.begin_part(Part::Abs)),
        }
        let result = build(self, b);
        b.end_block();
        result
    }

    /// The gate chain of one sign, built on first use (in B_abs).
    pub(crate) fn gate(
        &mut self,
        b: &mut NetBuilder,
        negative: bool,
    ) -> Result<&mut PowerChain, CoreError> {
        let built = if negative { &self.neg } else { &self.pos };
        if built.is_none() {
            self.in_abs(b, |s, b| s.build_gate(b, negative))?;
        }
        let slot = if negative {
            &mut self.neg
        } else {
            &mut self.pos
        };
        slot.as_mut().ok_or_else(|| internal("gate"))
    }

    fn build_gate(&mut self, b: &mut NetBuilder, negative: bool) -> Result<(), CoreError> {
        let slot = if negative {
            &mut self.neg
        } else {
            &mut self.pos
        };
        if slot.is_none() {
            let edges = if negative {
                self.form.negated().terms
            } else {
                self.form.terms.clone()
            };
            b.begin_block("abs");
            let root = b.relu(if negative { "n" } else { "p" }, Rational::zero(), &edges);
            b.end_block();
            *slot = Some(
                PowerChain::new(
                    root?,
                    CopyRecipe::Rebuild {
                        bias: Rational::zero(),
                        edges,
                    },
                )
                .copies_in("abs"),
            );
        }
        Ok(())
    }

    /// `count` copies of each gate, as the form `½Σ P_i + ½Σ N_i` worth
    /// `count·2^−exp·|s|/2`… i.e. `(count/2)·2^−exp·|s|`; every unit it
    /// builds is B_abs.
    fn gate_form(
        &mut self,
        b: &mut NetBuilder,
        count: usize,
        negate_neg: bool,
    ) -> Result<LinearForm, CoreError> {
        self.in_abs(b, |s, b| s.gate_form_here(b, count, negate_neg))
    }

    fn gate_form_here(
        &mut self,
        b: &mut NetBuilder,
        count: usize,
        negate_neg: bool,
    ) -> Result<LinearForm, CoreError> {
        let half = rational::ratio(1, 2);
        let mut form = LinearForm::default();
        for negative in [false, true] {
            if negative && self.nonneg {
                continue;
            }
            let coef = if negative && negate_neg {
                -&half
            } else {
                half.clone()
            };
            let chain = self.gate(b, negative)?;
            // the last copy first, so that all missing copies form one block
            chain.copy(b, count - 1)?;
            for i in 0..count {
                form.push(chain.copy(b, i)?, coef.clone());
            }
        }
        Ok(form)
    }

    /// Replaces a long form by `½(P_0 + P_1) − ½(N_0 + N_1)` (same value).
    pub(crate) fn materialize(&mut self, b: &mut NetBuilder) -> Result<(), CoreError> {
        if self.form.len() > 4 {
            self.form = self.gate_form(b, 2, true)?;
        }
        Ok(())
    }

    /// A form worth `|s|/2`: `2^(exp−1)(P + N)`.
    pub(crate) fn half_abs(&mut self, b: &mut NetBuilder) -> Result<LinearForm, CoreError> {
        self.materialize(b)?;
        self.gate_form(b, 1 << self.exp, false)
    }

    /// A form worth `|s|`: `2^exp(P + N)`.
    pub(crate) fn abs(&mut self, b: &mut NetBuilder) -> Result<LinearForm, CoreError> {
        self.materialize(b)?;
        self.gate_form(b, 2 << self.exp, false)
    }

    /// A form worth `s/2` (for sums).
    pub(crate) fn half(&mut self, b: &mut NetBuilder) -> Result<LinearForm, CoreError> {
        self.materialize(b)?;
        match self.exp {
            1 => Ok(self.form.clone()),
            _ => self.gate_form(b, 1, true),
        }
    }
}

/// Two distinct elements of `v`, mutably (signals here, and the
/// unquantized signals of [`super::free`]).
pub(crate) fn pair_mut<T>(v: &mut [T], i: usize, j: usize) -> Result<(&mut T, &mut T), CoreError> {
    if i == j || i.max(j) >= v.len() {
        return Err(internal("a product of a signal with itself"));
    }
    if i < j {
        let (lo, hi) = v.split_at_mut(j);
        Ok((&mut lo[i], &mut hi[0]))
    } else {
        let (lo, hi) = v.split_at_mut(i);
        Ok((&mut hi[0], &mut lo[j]))
    }
}

/// f_s^r(|s|) (Prop. 1) in a block `square`, one B_×′ instance: the
/// argument `|s|` from `2^(e+1)` copies of each gate (B_abs); the result
/// has exponent 0 and is ≥ 0.
pub(crate) fn square(b: &mut NetBuilder, s: &mut Signal, r: u32) -> Result<Signal, CoreError> {
    b.in_part(Part::Mul, |b| {
        let u = s.abs(b)?;
        b.begin_block("square");
        let f = sq::square_form(b, &u, r);
        b.end_block();
        Ok(Signal::new(f?, 0, true))
    })
}

/// ×′(a, c) (Prop. 2, eq. 7) from the gates of `a`, `c` and of their sum
/// (B_abs), one B_×′ instance; the result has exponent 1 (the form is worth
/// ×′/2).
pub(crate) fn product(
    b: &mut NetBuilder,
    a: &mut Signal,
    c: &mut Signal,
    r: u32,
) -> Result<Signal, CoreError> {
    b.in_part(Part::Mul, |b| {
        let sum = {
            let mut s = a.half(b)?;
            s.add(&c.half(b)?, false);
            Signal::new(s, 1, a.nonneg && c.nonneg).half_abs(b)?
        };
        let ah = a.half_abs(b)?;
        let ch = c.half_abs(b)?;
        let f = mul::mul(b, &sum, &ah, &ch, r)?;
        Ok(Signal::new(f, 1, false))
    })
}

/// `c·s` through the gates of `s` (Prop. 3: the multiplier `|c|·2^e`
/// rounded to a multiple of 2^−t, integer part by multiplicity or the
/// doubling ladder, fraction by the power chain), one B_w instance; returns
/// the form to add to the output and the realised coefficient `c′`.
///
/// # Errors
/// An integer part beyond [`weight::MAX_MULTIPLE`]; builder errors.
pub(crate) fn scaled(
    b: &mut NetBuilder,
    s: &mut Signal,
    c: &Rational,
    t: u32,
) -> Result<(LinearForm, Rational), CoreError> {
    use num_traits::Signed;
    let m = weight::round_to(&(c.abs() * rational::pow2(i64::from(s.exp))), t);
    let mut out = LinearForm::default();
    if !m.is_zero() {
        b.in_part(Part::Weights, |b| {
            for gate_negative in [false, true] {
                if gate_negative && s.nonneg {
                    continue;
                }
                let sign = if c.is_negative() != gate_negative {
                    Sign::Minus
                } else {
                    Sign::Plus
                };
                let chain = s.gate(b, gate_negative)?;
                out.add(&weight::times(b, chain, &m, sign)?, false);
            }
            Ok(())
        })?;
    }
    let value = m * rational::pow2(-i64::from(s.exp));
    Ok((out, if c.is_negative() { -value } else { value }))
}
