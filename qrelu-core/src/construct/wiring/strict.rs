//! The strict-codebook wiring (SPEC §3): values are **signals**, linear
//! forms with coefficients ±1/2 and an exponent, gated by ReLU units;
//! coefficients are realised by Prop. 3's weight sub-networks, constants by
//! constant units.
//!
//! # Signals
//!
//! Every intermediate value `s` (an input, a square, a product, a bump) is
//! carried as a linear form `F` with coefficients ±1/2 and an exponent
//! `e ∈ {0, 1}`, `s = 2^e·F`; ±1/2 coefficients make `−F` a valid form too,
//! so the **gates** `P = σ(F) = 2^−e·s⁺` and `N = σ(−F) = 2^−e·s⁻` (block
//! `abs`) can always be built — the ReLU gate trick of the proof of Prop. 3,
//! which also gives `|s| = 2^e(P + N)` (block B_abs of Table 1). Gates are
//! built once per signal and shared by every consumer; copies of a gate
//! (needed because a gain of 1 takes two edges of weight 1/2) come from
//! [`PowerChain`]. A signal known to be nonnegative (an input on [0, 1], a
//! square, a bump) has no `N` gate.
//!
//! - input `x`: `F = ½x`, `e = 1`;
//! - square `f_s^r(|s|)`: the argument `|s|` is `2^e(P + N)` read from
//!   `2^(e+1)` copies of each gate; the result is f_s^r's own form, `e = 0`;
//! - product `×′(a, b)`: the arguments `|a+b|/2`, `|a|/2`, `|b|/2` come from
//!   gates, and [`mul`](crate::gadget::mul::mul) returns `F` worth ×′/2,
//!   so `e = 1` — the factor 2 of eq. 7 is paid once, by the coefficient;
//! - bump `h` (eq. 12): the form `h/2` of [`crate::construct::taylor::bumps`],
//!   `e = 1`.
//!
//! Before a large form is used as an argument it is **materialised**: two
//! copies of each gate replace it by `½(P_0 + P_1) − ½(N_0 + N_1)` (same
//! value), so later sums `a + b` read four units, not the hundreds of terms
//! of a product.
//!
//! # Coefficients and constants
//!
//! `c·s = c·2^e·(P − N)`: the multiplier `m = |c|·2^e` is rounded to the
//! nearest multiple of 2^−t, its integer part is realised by fan-in
//! multiplicity and its fraction by the power-of-two chain of Prop. 3 on
//! each gate ([`weight::times`]; one B_w instance per coefficient). With
//! `reuse` and `m = 1` the form itself is added to the output (no gates),
//! if that keeps every output weight in the codebook. The constant `c_0`,
//! rounded likewise to `±(n + Σ d_k 2^−k)`: its integer part is `4n`
//! bias-only units `σ(1/2)` read with ±1/2, its bit 2^−1 is the output
//! bias ±1/2, and each bit 2^−k (k ≥ 2) reads the shared constant
//! `K_{k−1}` with ±1/2.
//!
//! # Table 1's parts
//!
//! The gates of a signal and the copies that sums and |·| read are its own
//! B_abs instance, reopened whenever more are needed; a square or product
//! is one B_×′ instance each (its f_s^r only: the |·| it reads are B_abs,
//! the constants `K_j` B_N); a coefficient is one B_w instance (the trie,
//! ladder and copies of Prop. 3; the gates it reads are B_abs).

use num_traits::{One, Signed, Zero};

use super::{Made, Outcome, Wiring};
use crate::construct::internal;
use crate::construct::taylor::bumps::Bumps;
use crate::error::{CoreError, Subject};
use crate::gadget::weight::{self, CopyRecipe, PowerChain, Sign};
use crate::gadget::{mul, square as sq};
use crate::net::{Affine, BlockId, LinearForm, Net, NetBuilder, Part};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};
use crate::spec::NetSpec;

/// The strict-codebook wiring (module docs).
pub(crate) struct Strict {
    b: NetBuilder,
    t: u32,
    /// the shared units of every bump, built with the first one
    bumps: Option<Bumps>,
}

impl Strict {
    /// The strict wiring of a network on `inputs` in `codebook` at
    /// precision `t` (for tests and studies that choose their codebook).
    pub(crate) fn with_codebook(codebook: Codebook, t: u32, inputs: &[String]) -> Self {
        Strict {
            b: NetBuilder::new(codebook, inputs),
            t,
            bumps: None,
        }
    }
}

impl Wiring for Strict {
    type Signal = StrictSignal;

    const FREE: bool = false;

    fn new(spec: &NetSpec, t: u32) -> Result<Self, CoreError> {
        let codebook = Codebook::new(spec.quantization, spec.lambda, t)?;
        Ok(Strict::with_codebook(codebook, t, &spec.inputs))
    }

    fn input(&mut self, i: usize, nonneg: bool) -> StrictSignal {
        StrictSignal::new(LinearForm::halves(&[self.b.input(i)]), 1, nonneg)
    }

    fn square(&mut self, s: &mut StrictSignal, r: u32) -> Outcome<Self> {
        square_signal(&mut self.b, s, r)
    }

    fn product(&mut self, x: &mut StrictSignal, y: &mut StrictSignal, r: u32) -> Outcome<Self> {
        product(&mut self.b, x, y, r)
    }

    fn bump(
        &mut self,
        i: usize,
        grid: u64,
        m: u64,
    ) -> Result<(StrictSignal, StrictSignal), CoreError> {
        let bumps = match &mut self.bumps {
            Some(bumps) => bumps,
            none => none.insert(Bumps::new(&mut self.b)?),
        };
        bumps.bump_and_offset(&mut self.b, i, grid, m)
    }

    fn affine(&mut self, a: &Affine, nonneg: bool) -> Outcome<Self> {
        // P = σ(a), N = σ(−a): ±1/2 weights and a bias of 0 or ±1/2 negate
        // inside every codebook; the signal is P − N = a, or P = max(a, 0)
        self.b.begin_block("sum");
        let built = (|| {
            let p = self.b.relu("p", a.constant.clone(), &a.form.terms)?;
            let mut form = LinearForm::halves(&[p]);
            if !nonneg {
                let n = self.b.relu("n", -&a.constant, &a.form.negated().terms)?;
                form.push(n, rational::ratio(-1, 2));
            }
            Ok(StrictSignal::new(form, 1, nonneg))
        })();
        self.b.end_block();
        built
    }

    fn abs(&mut self, s: &mut StrictSignal) -> Outcome<Self> {
        // |s|/2 from the gates (B_abs), gated twice into units of its own:
        // ½σ(|s|/2) + ½σ(|s|/2) = |s|/2, worth |s| at exponent 1. Fresh
        // units, because a sum that reads both s and |s| would otherwise add
        // two coefficients on the same gate copy (1 is no codebook value).
        let form = s.half_abs(&mut self.b)?;
        self.b.begin_block("abs");
        let built = (|| {
            let a = self.b.relu("a", Rational::zero(), &form.terms)?;
            let b = self.b.relu("a", Rational::zero(), &form.terms)?;
            Ok(StrictSignal::new(LinearForm::halves(&[a, b]), 1, true))
        })();
        self.b.end_block();
        built
    }

    fn add_term(
        &mut self,
        out: &mut Affine,
        s: &mut StrictSignal,
        c: &Rational,
        reuse: bool,
    ) -> Result<Rational, CoreError> {
        let negative = c.is_negative();
        let m = c.abs() * rational::pow2(i64::from(s.exp));
        if reuse && m.is_one() && fits(self.b.codebook(), &out.form, &s.form, negative) {
            out.form.add(&s.form, negative);
            return Ok(c.clone());
        }
        let (form, realised) = scaled(&mut self.b, s, c, self.t)?;
        out.form.add(&form, false);
        Ok(realised)
    }

    fn add_constant(
        &mut self,
        out: &mut Affine,
        c: &Rational,
        spec: &NetSpec,
    ) -> Result<Rational, CoreError> {
        let c = weight::round_to(c, self.t);
        out.constant += constant(spec, &mut self.b, &c, self.t, &mut out.form)?;
        Ok(c)
    }

    fn finish(self, out: &Affine) -> Result<Net, CoreError> {
        self.b.finish(out.constant.clone(), &out.form)
    }

    fn realised(c: &Rational, made: Made, t: u32) -> Rational {
        let exp = match made {
            Made::Square => 0,
            Made::Input | Made::Product | Made::Bump | Made::Gated => 1,
        };
        realised(c, exp, t)
    }

    fn realised_constant(c: &Rational, t: u32) -> Rational {
        weight::round_to(c, t)
    }
}

/// A value of the network under construction (module docs).
pub(crate) struct StrictSignal {
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

impl StrictSignal {
    pub(crate) fn new(form: LinearForm, exp: u32, nonneg: bool) -> Self {
        StrictSignal {
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
                    CopyRecipe {
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

/// f_s^r(|s|) (Prop. 1) in a block `square`, one B_×′ instance: the
/// argument `|s|` from `2^(e+1)` copies of each gate (B_abs); the result
/// has exponent 0 and is ≥ 0.
fn square_signal(
    b: &mut NetBuilder,
    s: &mut StrictSignal,
    r: u32,
) -> Result<StrictSignal, CoreError> {
    b.in_part(Part::Mul, |b| {
        let u = s.abs(b)?;
        b.begin_block("square");
        let f = sq::square_form(b, &u, r);
        b.end_block();
        Ok(StrictSignal::new(f?, 0, true))
    })
}

/// ×′(a, c) (Prop. 2, eq. 7) from the gates of `a`, `c` and of their sum
/// (B_abs), one B_×′ instance; the result has exponent 1 (the form is worth
/// ×′/2).
fn product(
    b: &mut NetBuilder,
    a: &mut StrictSignal,
    c: &mut StrictSignal,
    r: u32,
) -> Result<StrictSignal, CoreError> {
    b.in_part(Part::Mul, |b| {
        let sum = {
            let mut s = a.half(b)?;
            s.add(&c.half(b)?, false);
            StrictSignal::new(s, 1, a.nonneg && c.nonneg).half_abs(b)?
        };
        let ah = a.half_abs(b)?;
        let ch = c.half_abs(b)?;
        let f = mul::mul(b, &sum, &ah, &ch, r)?;
        Ok(StrictSignal::new(f, 1, false))
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
    s: &mut StrictSignal,
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

/// The realised coefficient `c′` of a term whose signal has exponent
/// `exp`: `|c|·2^exp` rounded to a multiple of 2^−t (exact when it already
/// is one, in particular when it is 1).
pub(crate) fn realised(c: &Rational, exp: u32, t: u32) -> Rational {
    let m = weight::round_to(&(c.abs() * rational::pow2(i64::from(exp))), t);
    let value = m * rational::pow2(-i64::from(exp));
    if c.is_negative() { -value } else { value }
}

/// `⌊m⌋` for the multiplier `m = |c|·2^exp` (rounded to a multiple of
/// 2^−t) of the term `c·x^α`, refused
/// above what fan-in multiplicity builds (the message names the term and
/// the largest coefficient it could have).
pub(crate) fn integer_part(
    spec: &NetSpec,
    exps: &[u32],
    c: &Rational,
    exp: u64,
    t: u32,
) -> Result<u64, CoreError> {
    // rounding to a multiple of 2^−t may carry into the integer part
    let m = weight::round_to(&(c.abs() * rational::pow2(exp as i64)), t);
    let n = rational::floor(&m);
    u64::try_from(n)
        .ok()
        .filter(|&n| n <= weight::MAX_MULTIPLE)
        .ok_or_else(|| {
            let names: Vec<&str> = spec.inputs.iter().map(String::as_str).collect();
            let term = crate::Poly::from_terms(names.len(), [(c.clone(), exps.to_vec())]);
            CoreError::Unsupported {
                subject: Subject::Target,
                message: format!(
                    "the term `{}` has too large a coefficient: integer parts are built \
                     by doubling units, which allows magnitudes below 2^{} here",
                    term.display_with(&names),
                    weight::MAX_MULTIPLE.trailing_zeros() as u64 - exp
                ),
            }
        })
}

/// Whether adding `±form` to `out` keeps every merged coefficient zero or
/// in the codebook.
fn fits(codebook: &Codebook, out: &LinearForm, form: &LinearForm, negate: bool) -> bool {
    let mut merged = out.clone();
    merged.add(form, negate);
    merged.terms.iter().all(|(_, c)| codebook.contains(c))
}

/// Adds the constant `c` (a multiple of 2^−t) to `out` and returns the
/// output bias it needs: the integer part `n` from `4n` bias-only units
/// `σ(1/2)` read with ±1/2, the bit 2^−1 as the output bias ±1/2, each bit
/// 2^−k (k ≥ 2) from the shared constant `K_{k−1}` read with ±1/2 — all in
/// B_N. (Also the constant `f̃(0)` of `structure = lipschitz`.)
pub(crate) fn constant(
    spec: &NetSpec,
    b: &mut NetBuilder,
    c: &Rational,
    t: u32,
    out: &mut LinearForm,
) -> Result<Rational, CoreError> {
    let half = rational::ratio(1, 2);
    let coef = if c.is_negative() {
        -&half
    } else {
        half.clone()
    };
    let magnitude = c.abs();
    // the integer part is read as 2n halves: check 2|c| against the limit
    integer_part(spec, &vec![0; spec.inputs.len()], c, 1, t)?;
    let n = u64::try_from(rational::floor(&magnitude)).map_err(|_| internal("constant"))?;
    let mut frac = &magnitude - Rational::from_integer(n.into());
    if n > 0 {
        // n = 2n halves of a unit σ(1/2) of its own (not K_1, which the
        // fraction's bits may read too): copies, or the doubling ladder;
        // constant units, so B_N of Table 1
        let form = b.in_constants(|b| {
            b.begin_block("const");
            let one = b.relu("one", half.clone(), &[]);
            b.end_block();
            let mut chain = PowerChain::new(
                one?,
                CopyRecipe {
                    bias: half.clone(),
                    edges: Vec::new(),
                },
            )
            .copies_in("const");
            let sign = if c.is_negative() {
                Sign::Minus
            } else {
                Sign::Plus
            };
            weight::times(b, &mut chain, &Rational::from_integer((2 * n).into()), sign)
        })?;
        out.add(&form, false);
    }
    let mut bias = Rational::zero();
    let mut k = 0u32;
    while !frac.is_zero() {
        k += 1;
        frac *= rational::int(2);
        if frac >= Rational::one() {
            frac -= Rational::one();
            if k == 1 {
                bias = coef.clone();
            } else {
                let unit = b.pow2_const(k - 1)?;
                let mut term = LinearForm::default();
                term.push(unit, coef.clone());
                out.add(&term, false);
            }
        }
    }
    Ok(bias)
}
