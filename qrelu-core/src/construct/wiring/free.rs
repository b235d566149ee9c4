//! The free wiring of the unquantized reference networks (SPEC §4 item 9,
//! issue 5): the same constructions with free exact weights — no codebook
//! lowering, no weight sub-networks, no constant chains — in the same IR
//! ([`Codebook::unquantized`] accepts every rational). They compute the
//! *same functions* as their strict counterparts wherever those realise
//! their coefficients exactly, so the a-priori bounds of [`crate::bound`]
//! apply verbatim.
//!
//! # Signals
//!
//! Values are [`Affine`] forms `c + Σ w·unit` with any rational `w` and
//! `c`. A signal `s` whose magnitude is needed gets its **gates**
//! `P = σ(F)`, `N = σ(−F)` (block `abs`; one gate for a signal known to be
//! ≥ 0), built once and shared: `|s| = P + N`, `s = P − N`. A signal of
//! one term known to be ≥ 0 (an input on [0, 1]) is its own magnitude.
//! f_s^r is Yarotsky's classical wiring ([`square::free_form`]), equal to
//! the ±1/2 network as a function; ×′ is eq. 7 with the factor 2 as a
//! weight ([`mul::mul_free`]): Prop. 2 (i) and `|×′ − xy| ≤ 4ε` on
//! `[−1, 1]²` ([`crate::bound::mul`]) hold unchanged.
//!
//! # Coefficients, constants, β
//!
//! A coefficient multiplies the weights of the signal's form (or of its two
//! gates, when a later product built them anyway): nothing is rounded, so
//! [`Wiring::realised`] is the coefficient itself, and the bound of a
//! direct network is `Σ_α |c_α|·δ_α`. A constant is the output bias. The
//! Taylor coefficients β are the exact ones, not eq. 17's rounding (which
//! exists only so that Prop. 3 can realise β with finitely many codebook
//! weights); exact β are rationals such as 1/3, not dyadic, so `f64`
//! evaluation of these networks rounds.

use num_traits::One;

use super::{Made, Outcome, Wiring};
use crate::construct::internal;
use crate::construct::taylor::bumps::free_bump;
use crate::error::CoreError;
use crate::gadget::{mul, square};
use crate::net::{Affine, Net, NetBuilder, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};
use crate::spec::NetSpec;

/// The free wiring (module docs).
pub(crate) struct Free {
    b: NetBuilder,
}

impl Wiring for Free {
    type Signal = FreeSignal;

    const FREE: bool = true;

    fn new(spec: &NetSpec, _t: u32) -> Result<Self, CoreError> {
        Ok(Free {
            b: NetBuilder::new(Codebook::unquantized(), &spec.inputs),
        })
    }

    fn input(&mut self, i: usize, nonneg: bool) -> FreeSignal {
        FreeSignal::new(Affine::unit(self.b.input(i)), nonneg)
    }

    fn square(&mut self, s: &mut FreeSignal, r: u32) -> Outcome<Self> {
        let u = s.abs(&mut self.b)?;
        self.b.begin_block("square");
        let f = square::free_form(&mut self.b, &u, r);
        self.b.end_block();
        Ok(FreeSignal::new(f?, true))
    }

    fn product(&mut self, x: &mut FreeSignal, y: &mut FreeSignal, r: u32) -> Outcome<Self> {
        // ×′(x, y) (eq. 7), from the gates of both and of their sum
        let b = &mut self.b;
        let half = rational::ratio(1, 2);
        let mut sum = x.short(b)?;
        sum.add_scaled(&y.short(b)?, &Rational::one());
        let mut sum = FreeSignal::new(sum, x.nonneg && y.nonneg);
        let sum_half = sum.abs(b)?.scaled(&half);
        let x_half = x.abs(b)?.scaled(&half);
        let y_half = y.abs(b)?.scaled(&half);
        let f = mul::mul_free(b, &sum_half, &x_half, &y_half, r)?;
        Ok(FreeSignal::new(f, false))
    }

    fn bump(&mut self, i: usize, grid: u64, m: u64) -> Result<(FreeSignal, FreeSignal), CoreError> {
        free_bump(&mut self.b, i, grid, m)
    }

    fn affine(&mut self, a: &Affine, nonneg: bool) -> Outcome<Self> {
        if !nonneg {
            // a free signal is an affine form already
            return Ok(FreeSignal::new(a.clone(), false));
        }
        self.b.begin_block("sum");
        let p = self.b.relu("p", a.constant.clone(), &a.form.terms);
        self.b.end_block();
        Ok(FreeSignal::new(Affine::unit(p?), true))
    }

    fn abs(&mut self, s: &mut FreeSignal) -> Outcome<Self> {
        Ok(FreeSignal::new(s.abs(&mut self.b)?, true))
    }

    fn add_term(
        &mut self,
        out: &mut Affine,
        s: &mut FreeSignal,
        c: &Rational,
        _reuse: bool,
    ) -> Result<Rational, CoreError> {
        out.add_scaled(&s.cheapest(), c);
        Ok(c.clone())
    }

    fn add_constant(
        &mut self,
        out: &mut Affine,
        c: &Rational,
        _spec: &NetSpec,
    ) -> Result<Rational, CoreError> {
        out.constant += c;
        Ok(c.clone())
    }

    fn finish(self, out: &Affine) -> Result<Net, CoreError> {
        self.b.finish(out.constant.clone(), &out.form)
    }

    fn realised(c: &Rational, _made: Made, _t: u32) -> Rational {
        c.clone()
    }

    fn realised_constant(c: &Rational, _t: u32) -> Rational {
        c.clone()
    }
}

/// The gates `P = σ(F)`, `N = σ(−F)` of a signal, read with `scale`:
/// `|s| = scale·(P + N)`, `s = scale·(P − N)`.
pub(crate) struct Gates {
    pub(crate) p: UnitId,
    pub(crate) n: Option<UnitId>,
    pub(crate) scale: Rational,
}

/// A value of the network under construction (module docs).
pub(crate) struct FreeSignal {
    /// its value, an affine form with free coefficients
    pub(crate) value: Affine,
    /// the computed value is ≥ 0 exactly (one gate)
    pub(crate) nonneg: bool,
    /// the gates, once built
    pub(crate) gates: Option<Gates>,
}

impl FreeSignal {
    /// A signal of this value, gates not built.
    pub(crate) fn new(value: Affine, nonneg: bool) -> Self {
        FreeSignal {
            value,
            nonneg,
            gates: None,
        }
    }

    /// The gates, built on first use (block `abs`).
    pub(crate) fn gates(&mut self, b: &mut NetBuilder) -> Result<&Gates, CoreError> {
        if self.gates.is_none() {
            b.begin_block("abs");
            let built = (|| {
                let p = b.relu("p", self.value.constant.clone(), &self.value.form.terms)?;
                let n = match self.nonneg {
                    true => None,
                    false => {
                        let minus = self.value.scaled(&-Rational::one());
                        Some(b.relu("n", minus.constant, &minus.form.terms)?)
                    }
                };
                Ok::<_, CoreError>((p, n))
            })();
            b.end_block();
            let (p, n) = built?;
            self.gates = Some(Gates {
                p,
                n,
                scale: Rational::one(),
            });
        }
        self.gates.as_ref().ok_or_else(|| internal("gates"))
    }

    /// `scale·P ± scale·N`.
    pub(crate) fn gate_form(g: &Gates, negate_n: bool) -> Affine {
        let mut out = Affine::default();
        out.form.push(g.p, g.scale.clone());
        if let Some(n) = g.n {
            out.form
                .push(n, if negate_n { -&g.scale } else { g.scale.clone() });
        }
        out
    }

    /// A form worth `|s|`: the value itself for a one-term signal known to
    /// be ≥ 0, else the gates.
    fn abs(&mut self, b: &mut NetBuilder) -> Result<Affine, CoreError> {
        if self.gates.is_none() && self.nonneg && self.value.len() <= 1 {
            return Ok(self.value.clone());
        }
        Ok(Self::gate_form(self.gates(b)?, false))
    }

    /// A form worth `s` for sums: the value when it is no longer than the
    /// gate form, else `P − N`.
    fn short(&mut self, b: &mut NetBuilder) -> Result<Affine, CoreError> {
        let gate_len = if self.nonneg { 1 } else { 2 };
        if self.value.len() <= gate_len {
            return Ok(self.value.clone());
        }
        Ok(Self::gate_form(self.gates(b)?, true))
    }

    /// A form worth `s` for the output: `P − N` if the gates exist and are
    /// shorter, else the value.
    fn cheapest(&self) -> Affine {
        match &self.gates {
            Some(g) if 2 < self.value.len() => Self::gate_form(g, true),
            _ => self.value.clone(),
        }
    }
}
