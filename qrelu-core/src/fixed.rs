//! Exact fixed-point evaluation: the network with integer adds and shifts
//! only (SPEC §12, issue 18).
//!
//! Every weight and bias of a codebook network is dyadic, `m·2^−k` with
//! `m` odd (±2^−k for the nonlinear codebooks, so `m = ±1`; multiples of
//! 1/4 or 1/8 for linear λ = 5, 9). With inputs on the grid `X·2^−F`
//! (`X` an integer, `F` fractional bits), every unit's value is then an
//! integer multiple of `2^−(F + e_u)`, where the *exponent* `e_u` is
//! defined along the topological order by
//!
//! ```text
//! e_input = 0,    e_u = max(k_b, max_j (e_{src_j} + k_j))
//! ```
//!
//! over the unit's bias `b = m_b·2^−k_b` (when `b ≠ 0`) and edges
//! `w_j = m_j·2^−k_j`. In units of `2^−(F + e_u)` the unit computes
//!
//! ```text
//! V_u = relu( m_b·2^(F + e_u − k_b) + Σ_j m_j·(V_{src_j} << (e_u − e_{src_j} − k_j)) )
//! ```
//!
//! — left shifts by non-negative amounts, additions, and (for `|m| > 1`)
//! a multiplication by a small odd constant, itself a few shift-adds: no
//! rounding anywhere, so the result is the exact value `V·2^−(F + e_u)`.
//!
//! **Widths.** The magnitudes come from exact interval arithmetic over the
//! domain: every unit's value lies in `[lo_u, hi_u]` (forward propagation,
//! ReLU clamping at 0), so every partial sum of unit `u`, in any order, is
//! at most `P_u = |b| + Σ_j |w_j|·max(|lo_{src_j}|, |hi_{src_j}|)` in
//! magnitude, and each weighted source at most `P_u` too. Let `L_u` be the
//! least integer with `P_u < 2^L_u` (for an input, with its largest
//! magnitude on the domain).
//!
//! **One scale.** Generated code (`eval_fixed`, the runtime's `Fixed`)
//! keeps every value at one scale `S = F + E` with `E = max_u e_u`: a value
//! `v` is the integer `v·2^S`, which is exact because `S ≥ F + e_u`, and a
//! weight `m·2^−k` applied to a source is `(V >> k)·m`, an exact shift
//! because `V` is a multiple of `2^(S − F − e_src)` and `e_u ≥ e_src + k`.
//! Every intermediate value is then below `2^(S + L)` with `L = max_u L_u`,
//! so a signed integer of `W` bits holds them all when
//! `F + E + L ≤ W − 1`. On the tour's networks `E + L` exceeds the per-unit
//! `max_u (e_u + L_u)` by at most 2 bits, so one scale costs almost
//! nothing and lets every network share one generic evaluator. [`plan`]
//! picks the narrowest of 32, 64 and 128 bits that leaves at least
//! [`MIN_FRAC_BITS`] fractional bits for the inputs, and then the most
//! fractional bits that width allows ([`FixedFormat`]).
//!
//! A codebook value that is not dyadic (linear λ = 4: ±1/6) has no exact
//! fixed-point form: such networks are refused ([`FixedError`]).

use std::fmt;

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use crate::net::{Edge, Net, UnitKind};
use crate::rational::{self, Rational};

/// The fewest fractional bits of the input format [`plan`] accepts in a
/// narrower width before it tries a wider one.
pub const MIN_FRAC_BITS: u32 = 16;

/// The widths [`plan`] chooses from, narrowest first.
pub const WIDTHS: [u32; 3] = [32, 64, 128];

/// The input format and integer width of a network's exact fixed-point
/// evaluation (module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedFormat {
    /// `F`: input `i` is `X_i·2^−F` with `X_i` an integer
    pub frac_bits: u32,
    /// `W`: the signed integer width (32, 64 or 128) that holds every
    /// intermediate value
    pub width: u32,
    /// the bits the widest intermediate value needs at this `F`, sign
    /// included (`≤ width`)
    pub needed_bits: u32,
    /// `S = F + E`: generated code holds every value `v` as the integer
    /// `v·2^S` (module docs), the output included
    pub scale: u32,
    /// with per-unit exponents ([`FixedPlan::eval_bits`]) the output is
    /// `Y·2^−(frac_bits + output_exponent)`
    pub output_exponent: u32,
    /// per input, the integers `X` of the format inside its domain
    /// (`⌈lo·2^F⌉ ..= ⌊hi·2^F⌋`)
    pub inputs: Vec<(BigInt, BigInt)>,
}

/// Why a network has no exact fixed-point evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixedError {
    /// A weight or bias that is not a dyadic rational.
    NotDyadic {
        /// the value, as `p/q`
        value: String,
    },
    /// Even 128 bits leave no fractional bit for the inputs.
    TooWide {
        /// a lower bound on the bits the widest value needs with `F = 0`,
        /// sign included: the analysis stops at the first unit that needs
        /// more than 128
        needed_bits: u64,
    },
    /// The domain does not match the network's inputs.
    Domain,
}

impl fmt::Display for FixedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixedError::NotDyadic { value } => write!(
                f,
                "the codebook value {value} is not a dyadic rational m/2^k, so no fixed-point \
                 format holds the network's values exactly (the codebooks of lambda = 2, the \
                 nonlinear ones and linear lambda = 3, 5, 9, 17, ... are dyadic)"
            ),
            FixedError::TooWide { needed_bits } => write!(
                f,
                "the network's values need at least {needed_bits} bits even with integer inputs, \
                 more than the 128 of the widest integer type"
            ),
            FixedError::Domain => f.write_str("the domain does not have one interval per input"),
        }
    }
}

impl std::error::Error for FixedError {}

/// One term of a unit: `sign·m·(V_src << shift)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// the source unit
    pub src: usize,
    /// the odd multiplier `m` (negative for a negative weight)
    pub m: BigInt,
    /// the left shift `e_u − e_src − k ≥ 0`
    pub shift: u32,
}

/// A unit in fixed point: its exponent, bias and terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedUnit {
    /// `e_u`
    pub exponent: u32,
    /// the bias `b = m_b·2^−k_b` as `(m_b, e_u − k_b)`: in units it is
    /// `m_b·2^(F + e_u − k_b)`
    pub bias: (BigInt, u32),
    /// the edges, in the network's order
    pub terms: Vec<Term>,
}

/// A network planned for fixed-point evaluation: the format and every
/// unit's integer form (`None` for an input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedPlan {
    /// the chosen format
    pub format: FixedFormat,
    /// per unit (inputs `None`)
    pub units: Vec<Option<FixedUnit>>,
    /// the output unit
    pub output: FixedUnit,
    /// `E + L` (module docs): `needed_bits = F + this + 1`
    pub magnitude_bits: i64,
    /// `E = max_u e_u`, the output's exponent included
    pub max_exponent: u32,
}

/// A weight or bias as `m·2^−k`: `(m, k)`.
type Dyadic = (BigInt, i64);

/// What [`plan`] reads off one unit: its bias then edges as [`Dyadic`]s,
/// its exponent, the bound `P` of its partial sums, and the range of its
/// pre-activation.
struct Read {
    parts: Vec<Dyadic>,
    exponent: i64,
    bound: Dy,
    sum: Range,
}

/// The exact number `m·2^−k`, not normalised: the range analysis adds and
/// multiplies dyadic numbers only, and aligning exponents by shifts is many
/// times cheaper than [`Rational`]'s gcd after every operation.
#[derive(Clone, Debug)]
struct Dy {
    m: BigInt,
    k: i64,
}

/// Bits below a non-dyadic domain endpoint's denominator kept by
/// [`Dy::below`] and [`Dy::above`].
const ENCLOSURE_BITS: u64 = 64;

impl Dy {
    fn new(m: BigInt, k: i64) -> Self {
        Dy { m, k }
    }

    fn zero() -> Self {
        Dy::new(BigInt::zero(), 0)
    }

    /// The greatest `m·2^−k ≤ q` with `k = bits(denominator) + 64`: `q`
    /// itself when it is dyadic.
    fn below(q: &Rational) -> Self {
        Self::round(q, false)
    }

    /// The least `m·2^−k ≥ q`, as [`Dy::below`].
    fn above(q: &Rational) -> Self {
        Self::round(q, true)
    }

    fn round(q: &Rational, up: bool) -> Self {
        if let Some((m, e)) = rational::to_dyadic(q) {
            return Dy::new(m, -e);
        }
        let k = q.denom().bits() + ENCLOSURE_BITS;
        let scaled = q * Rational::from_integer(BigInt::one() << k);
        let m = if up { scaled.ceil() } else { scaled.floor() };
        Dy::new(m.to_integer(), i64::try_from(k).unwrap_or(i64::MAX))
    }

    fn abs(&self) -> Self {
        Dy::new(self.m.abs(), self.k)
    }

    fn mul(&self, o: &Dy) -> Self {
        Dy::new(&self.m * &o.m, self.k + o.k)
    }

    fn add(&self, o: &Dy) -> Self {
        // m·2^−k + n·2^−j = (m·2^(K−k) + n·2^(K−j))·2^−K, K = max(k, j)
        let k = self.k.max(o.k);
        let shift = |d: &Dy| -> BigInt {
            let by = u64::try_from(k - d.k).unwrap_or(0);
            if by == 0 { d.m.clone() } else { &d.m << by }
        };
        Dy::new(shift(self) + shift(o), k)
    }

    /// max(0, self).
    fn relu(self) -> Self {
        if self.m.is_negative() {
            Dy::zero()
        } else {
            self
        }
    }

    /// The least `L` with `self < 2^L` (`self ≥ 0`; `L` may be negative).
    fn log2_above(&self) -> i64 {
        if self.m.is_zero() {
            return i64::MIN / 4;
        }
        // 2^(bits − 1) ≤ m < 2^bits
        i64::try_from(self.m.bits()).unwrap_or(i64::MAX) - self.k
    }
}

/// An interval `[lo, hi]` of [`Dy`]s, `lo ≤ hi`.
#[derive(Clone, Debug)]
struct Range {
    lo: Dy,
    hi: Dy,
}

impl Range {
    /// max(|lo|, |hi|).
    fn mag(&self) -> Dy {
        let (a, b) = (self.lo.abs(), self.hi.abs());
        // compare a·2^k with b·2^j at a common exponent
        let k = a.k.max(b.k);
        let up = |d: &Dy| &d.m << u64::try_from(k - d.k).unwrap_or(0);
        if up(&a) >= up(&b) { a } else { b }
    }
}

/// `q = m·2^−k` with `m` odd: `(m, k)`.
fn dyadic(q: &Rational) -> Result<(BigInt, i64), FixedError> {
    rational::to_dyadic(q)
        .map(|(m, e)| (m, -e))
        .ok_or_else(|| FixedError::NotDyadic {
            value: rational::display(q),
        })
}

/// Plans the exact fixed-point evaluation of `net` over `domain` (module
/// docs).
///
/// # Errors
/// [`FixedError::NotDyadic`] for a weight or bias that is not dyadic;
/// [`FixedError::TooWide`] if 128 bits cannot hold the values;
/// [`FixedError::Domain`] for a domain of the wrong dimension.
pub fn plan(net: &Net, domain: &[(Rational, Rational)]) -> Result<FixedPlan, FixedError> {
    if domain.len() != net.dim() {
        return Err(FixedError::Domain);
    }
    let n = net.units().len();
    let mut exponent = vec![0i64; n];
    let mut range: Vec<Range> = Vec::with_capacity(n);
    // L = max_u L_u, and E = max_u e_u
    let mut magnitude = i64::MIN / 4;
    let mut max_exponent = 0i64;
    // (m, k) of the bias and edges of a unit, its exponent and its
    // partial-sum bound P
    let affine = |bias: &Rational,
                  edges: &[Edge],
                  exponent: &[i64],
                  range: &[Range]|
     -> Result<Read, FixedError> {
        let mut parts = Vec::with_capacity(edges.len() + 1);
        let mut e = 0i64;
        let (mb, kb) = dyadic(bias)?;
        if !bias.is_zero() {
            e = e.max(kb);
        }
        let b = Dy::new(mb.clone(), kb);
        parts.push((mb, kb));
        let mut p = b.abs();
        let mut sum = Range {
            lo: b.clone(),
            hi: b,
        };
        for edge in edges {
            let (m, k) = dyadic(&edge.weight)?;
            e = e.max(exponent[edge.src] + k);
            let w = Dy::new(m.clone(), k);
            parts.push((m, k));
            let r = &range[edge.src];
            p = p.add(&w.abs().mul(&r.mag()));
            let (lo, hi) = if w.m.is_negative() {
                (w.mul(&r.hi), w.mul(&r.lo))
            } else {
                (w.mul(&r.lo), w.mul(&r.hi))
            };
            sum = Range {
                lo: sum.lo.add(&lo),
                hi: sum.hi.add(&hi),
            };
        }
        Ok(Read {
            parts,
            exponent: e,
            bound: p,
            sum,
        })
    };
    let mut units: Vec<Option<(Vec<Dyadic>, i64)>> = Vec::with_capacity(n);
    for (u, unit) in net.units().iter().enumerate() {
        match &unit.kind {
            UnitKind::Input { index } => {
                let (lo, hi) = &domain[*index];
                let r = Range {
                    lo: Dy::below(lo.min(hi)),
                    hi: Dy::above(lo.max(hi)),
                };
                magnitude = magnitude.max(r.mag().log2_above());
                range.push(r);
                units.push(None);
            }
            UnitKind::Relu { bias, inputs } => {
                let Read {
                    parts,
                    exponent: e,
                    bound: p,
                    sum,
                } = affine(bias, inputs, &exponent, &range)?;
                exponent[u] = e;
                max_exponent = max_exponent.max(e);
                magnitude = magnitude.max(p.log2_above());
                // both only grow: stop at the first unit that proves 128
                // bits too few (the rest of a large network costs seconds)
                if magnitude + max_exponent > 127 {
                    return Err(FixedError::TooWide {
                        needed_bits: u64::try_from(magnitude + max_exponent + 1)
                            .unwrap_or(u64::MAX),
                    });
                }
                range.push(Range {
                    lo: sum.lo.relu(),
                    hi: sum.hi.relu(),
                });
                units.push(Some((parts, e)));
            }
        }
    }
    let out = net.output();
    let Read {
        parts: out_parts,
        exponent: out_e,
        bound: out_p,
        ..
    } = affine(&out.bias, &out.inputs, &exponent, &range)?;
    max_exponent = max_exponent.max(out_e);
    magnitude = magnitude.max(out_p.log2_above()) + max_exponent;
    // exponents are ≥ 0 by construction (max with 0)
    let chosen = WIDTHS.iter().find_map(|&w| {
        let f = i64::from(w) - 1 - magnitude;
        (f >= i64::from(MIN_FRAC_BITS)).then_some((w, f))
    });
    let (width, frac) = match chosen {
        Some(c) => c,
        None => {
            let f = 127 - magnitude;
            if f < 0 {
                return Err(FixedError::TooWide {
                    needed_bits: u64::try_from(magnitude + 1).unwrap_or(u64::MAX),
                });
            }
            (128, f)
        }
    };
    let frac = u32::try_from(frac).unwrap_or(u32::MAX);
    let fixed_unit = |parts: &[Dyadic], e: i64, edges: &[Edge]| -> FixedUnit {
        let (mb, kb) = &parts[0];
        let bias_shift = if mb.is_zero() { 0 } else { e - kb };
        FixedUnit {
            exponent: u32::try_from(e).unwrap_or(0),
            bias: (mb.clone(), u32::try_from(bias_shift).unwrap_or(0)),
            terms: edges
                .iter()
                .zip(&parts[1..])
                .map(|(edge, (m, k))| Term {
                    src: edge.src,
                    m: m.clone(),
                    shift: u32::try_from(e - exponent[edge.src] - k).unwrap_or(0),
                })
                .collect(),
        }
    };
    let planned_units = net
        .units()
        .iter()
        .zip(&units)
        .map(|(unit, parts)| match (&unit.kind, parts) {
            (UnitKind::Relu { inputs, .. }, Some((parts, e))) => {
                Some(fixed_unit(parts, *e, inputs))
            }
            _ => None,
        })
        .collect();
    let scale = rational::pow2(i64::from(frac));
    let inputs = domain
        .iter()
        .map(|(lo, hi)| {
            let lo = lo * &scale;
            let hi = hi * &scale;
            (lo.ceil().to_integer(), hi.floor().to_integer())
        })
        .collect();
    Ok(FixedPlan {
        format: FixedFormat {
            frac_bits: frac,
            width,
            needed_bits: u32::try_from(i64::from(frac) + magnitude + 1).unwrap_or(u32::MAX),
            scale: frac + u32::try_from(max_exponent).unwrap_or(0),
            output_exponent: u32::try_from(out_e).unwrap_or(0),
            inputs,
        },
        units: planned_units,
        output: fixed_unit(&out_parts, out_e, &out.inputs),
        magnitude_bits: magnitude,
        max_exponent: u32::try_from(max_exponent).unwrap_or(0),
    })
}

/// What [`FixedPlan::eval_bits`] found wrong with an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// not one integer per input
    Dimension {
        /// inputs of the network
        expected: usize,
        /// values given
        found: usize,
    },
    /// an input outside the format's range of its domain
    Outside {
        /// which input
        input: usize,
    },
}

impl FixedPlan {
    /// Evaluates at the format's integers `x` (input `i` is
    /// `x[i]·2^−frac_bits`) with `frac_bits` fractional bits, or with
    /// fewer: `frac_bits = f ≤ format.frac_bits` reads `x[i]·2^−f` (a
    /// coarser grid of the same format). Returns the output integer `Y`,
    /// the output being `Y·2^−(f + output_exponent)`, and the largest
    /// magnitude of any intermediate value met, in bits (sign included).
    ///
    /// Arbitrary-precision integers here: the tests check that every
    /// value fits the planned width; generated code uses the width.
    ///
    /// # Errors
    /// [`InputError`] for a wrong number of inputs or one outside the
    /// domain.
    pub fn eval_bits(&self, x: &[BigInt], frac_bits: u32) -> Result<(BigInt, u32), InputError> {
        let dim = self.format.inputs.len();
        if x.len() != dim {
            return Err(InputError::Dimension {
                expected: dim,
                found: x.len(),
            });
        }
        let drop = self.format.frac_bits.saturating_sub(frac_bits);
        for (i, (v, (lo, hi))) in x.iter().zip(&self.format.inputs).enumerate() {
            let scaled = v << drop;
            if scaled < *lo || scaled > *hi {
                return Err(InputError::Outside { input: i });
            }
        }
        let f = frac_bits.min(self.format.frac_bits);
        let mut inputs = x.iter();
        let affine = |unit: &FixedUnit, values: &[BigInt], note: &mut dyn FnMut(&BigInt)| {
            let mut acc = &unit.bias.0 << (f + unit.bias.1);
            note(&acc);
            for t in &unit.terms {
                let shifted = &values[t.src] << t.shift;
                note(&shifted);
                let term = &t.m * shifted;
                note(&term);
                acc += term;
                note(&acc);
            }
            acc
        };
        Ok(self.forward(|| inputs.next().cloned().unwrap_or_default(), affine))
    }

    /// Evaluates as generated code does (module docs, *One scale*): every
    /// value `v` as the integer `v·2^S`, a weight `m·2^−k` applied as an
    /// arithmetic right shift by `k` then a multiplication by `m`. Takes
    /// the format's integers `x` (input `i` is `x[i]·2^−F`); returns the
    /// output `Y` (the output is `Y·2^−S`) and the widest intermediate
    /// value met, in bits (sign included).
    ///
    /// The shifts round toward −∞ like `>>` on the integer types; the
    /// tests check that the result is nevertheless exact, which it is when
    /// every shift drops only zero bits.
    ///
    /// # Errors
    /// [`InputError`] for a wrong number of inputs or one outside the
    /// domain.
    pub fn eval_scaled(&self, x: &[BigInt]) -> Result<(BigInt, u32), InputError> {
        let format = &self.format;
        if x.len() != format.inputs.len() {
            return Err(InputError::Dimension {
                expected: format.inputs.len(),
                found: x.len(),
            });
        }
        for (i, (v, (lo, hi))) in x.iter().zip(&format.inputs).enumerate() {
            if v < lo || v > hi {
                return Err(InputError::Outside { input: i });
            }
        }
        let big_e = i64::from(self.max_exponent);
        let s = i64::from(format.scale);
        let shift = |v: &BigInt, by: i64| {
            if by >= 0 {
                v >> usize::try_from(by).unwrap_or(usize::MAX)
            } else {
                v << usize::try_from(-by).unwrap_or(usize::MAX)
            }
        };
        let exponent_of = |u: &Option<FixedUnit>| u.as_ref().map_or(0, |u| i64::from(u.exponent));
        let affine = |unit: &FixedUnit, values: &[BigInt], note: &mut dyn FnMut(&BigInt)| {
            let e = i64::from(unit.exponent);
            // the bias m_b·2^−k_b with k_b = e − bias.1, at scale S
            let k_b = e - i64::from(unit.bias.1);
            let mut acc = shift(&unit.bias.0, k_b - s);
            note(&acc);
            for t in &unit.terms {
                // the weight is m·2^−k with k = e − e_src − shift
                let k = e - exponent_of(&self.units[t.src]) - i64::from(t.shift);
                let shifted = shift(&values[t.src], k);
                note(&shifted);
                let term = &t.m * shifted;
                note(&term);
                acc += term;
                note(&acc);
            }
            acc
        };
        let mut inputs = x.iter();
        Ok(self.forward(
            || shift(inputs.next().unwrap_or(&BigInt::zero()), -big_e),
            affine,
        ))
    }

    /// The forward pass of both evaluators: each input from `input`, each
    /// unit's sum from `affine` (which reports its intermediate values to
    /// the callback), the ReLU; returns the output's sum and the widest
    /// value met, in bits (sign included).
    fn forward(
        &self,
        mut input: impl FnMut() -> BigInt,
        affine: impl Fn(&FixedUnit, &[BigInt], &mut dyn FnMut(&BigInt)) -> BigInt,
    ) -> (BigInt, u32) {
        let mut widest = 0u32;
        let mut note = |v: &BigInt| widest = widest.max(v.bits() as u32 + 1);
        let mut values: Vec<BigInt> = Vec::with_capacity(self.units.len());
        for unit in &self.units {
            let v = match unit {
                None => input(),
                Some(unit) => {
                    let acc = affine(unit, &values, &mut note);
                    if acc.is_negative() {
                        BigInt::zero()
                    } else {
                        acc
                    }
                }
            };
            note(&v);
            values.push(v);
        }
        let y = affine(&self.output, &values, &mut note);
        (y, widest)
    }

    /// The exact value `Y·2^−(f + output_exponent)` of an output of
    /// [`FixedPlan::eval_bits`] read with `f` fractional bits.
    pub fn output_value(&self, y: &BigInt, frac_bits: u32) -> Rational {
        let f = frac_bits.min(self.format.frac_bits);
        Rational::new(
            y.clone(),
            BigInt::one() << (f + self.format.output_exponent),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantize::Quantization;
    use crate::rational::{int, ratio};
    use crate::{NetSpec, Poly, build, eval};

    fn spec(inputs: &[&str], target: Poly, r: u32) -> NetSpec {
        let mut s = NetSpec::new("F", inputs, target);
        s.r = Some(r);
        s
    }

    /// Every input of a coarse grid of the format, exactly: the value is
    /// the exact evaluation, and every intermediate fits the width.
    fn check_grid(spec: &NetSpec, f: u32) -> FixedPlan {
        check_on(&build(spec).unwrap().net, &spec.domain, f)
    }

    /// [`check_grid`] of `net` on `domain`.
    fn check_on(net: &Net, domain: &[(Rational, Rational)], f: u32) -> FixedPlan {
        let plan = plan(net, domain).unwrap();
        assert!(
            plan.format.needed_bits <= plan.format.width,
            "{:?}",
            plan.format
        );
        let f = f.min(plan.format.frac_bits);
        let per_axis: Vec<Vec<BigInt>> = domain
            .iter()
            .map(|(lo, hi)| {
                let s = rational::pow2(i64::from(f));
                let (a, b) = (
                    (lo * &s).ceil().to_integer(),
                    (hi * &s).floor().to_integer(),
                );
                num_iter(a, b)
            })
            .collect();
        let mut points = vec![vec![]];
        for axis in &per_axis {
            points = points
                .into_iter()
                .flat_map(|p: Vec<BigInt>| {
                    axis.iter().map(move |v| {
                        let mut q = p.clone();
                        q.push(v.clone());
                        q
                    })
                })
                .collect();
        }
        let scale = rational::pow2(-i64::from(f));
        for x in points {
            let (y, bits) = plan.eval_bits(&x, f).unwrap();
            let exact_x: Vec<Rational> = x
                .iter()
                .map(|v| Rational::from_integer(v.clone()) * &scale)
                .collect();
            assert_eq!(
                plan.output_value(&y, f),
                eval::eval(net, &exact_x),
                "at {x:?}"
            );
            assert!(bits <= plan.format.width, "{bits} bits at {x:?}");
            check_scaled(&plan, &x, f, &eval::eval(net, &exact_x));
        }
        plan
    }

    /// The one-scale evaluation of generated code at the integers `x` of
    /// `f` fractional bits: exact, and inside the width.
    fn check_scaled(plan: &FixedPlan, x: &[BigInt], f: u32, exact: &Rational) {
        let full: Vec<BigInt> = x.iter().map(|v| v << (plan.format.frac_bits - f)).collect();
        let (y, bits) = plan.eval_scaled(&full).unwrap();
        assert_eq!(
            Rational::new(y, BigInt::one() << plan.format.scale),
            *exact,
            "one scale, at {x:?}"
        );
        assert!(bits <= plan.format.width, "one scale: {bits} bits at {x:?}");
        assert!(
            bits <= plan.format.needed_bits,
            "{bits} > {:?}",
            plan.format
        );
    }

    fn num_iter(a: BigInt, b: BigInt) -> Vec<BigInt> {
        let mut out = vec![];
        let mut v = a;
        while v <= b {
            out.push(v.clone());
            v += 1;
        }
        out
    }

    #[test]
    fn squares_are_exact_on_every_grid_point() {
        for r in [1, 3, 6, 10] {
            let plan = check_grid(&spec(&["x"], Poly::var(1, 0).pow(2), r), 9);
            assert!(plan.format.frac_bits >= MIN_FRAC_BITS);
        }
    }

    #[test]
    fn products_and_codebooks_are_exact() {
        let xy = Poly::var(2, 0).mul(&Poly::var(2, 1));
        let mut s = spec(&["x", "y"], xy.sub(&Poly::var(2, 0).scale(&ratio(1, 3))), 3);
        s.domain = vec![(int(-1), int(1)), (int(0), int(1))];
        check_grid(&s, 4);
        s.lambda = 3;
        s.t = Some(9);
        check_grid(&s, 4);
        s.lambda = 5;
        s.quantization = Quantization::Linear;
        check_grid(&s, 4);
    }

    /// At the full precision of the format, random inputs (xorshift):
    /// exact, and every intermediate value inside the planned width.
    #[test]
    fn random_inputs_at_full_precision() {
        let cubic = Poly::from_terms(
            3,
            [
                (int(1), vec![1, 1, 1]),
                (int(-2), vec![2, 0, 0]),
                (ratio(1, 3), vec![0, 2, 0]),
                (ratio(-2, 3), vec![0, 1, 1]),
                (ratio(1, 3), vec![0, 0, 2]),
            ],
        );
        let mut mix = spec(&["x", "y", "z"], cubic, 6);
        mix.t = Some(12);
        mix.domain[1] = (int(-1), int(1));
        let mut taylor = spec(
            &["x", "y"],
            Poly::var(2, 0).mul(&Poly::var(2, 1)).scale(&ratio(1, 4)),
            4,
        );
        taylor.structure = crate::Structure::Taylor;
        taylor.n = Some(1);
        taylor.grid = Some(3);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for s in [mix, taylor, spec(&["x"], Poly::var(1, 0).pow(2), 24)] {
            let c = build(&s).unwrap();
            let plan = plan(&c.net, &s.domain).unwrap();
            let f = plan.format.frac_bits;
            let scale = rational::pow2(-i64::from(f));
            for _ in 0..200 {
                let x: Vec<BigInt> = plan
                    .format
                    .inputs
                    .iter()
                    .map(|(lo, hi)| {
                        let span = hi - lo + 1;
                        let r = (BigInt::from(next()) << 64) + BigInt::from(next());
                        lo + r % span
                    })
                    .collect();
                let (y, bits) = plan.eval_bits(&x, f).unwrap();
                let exact_x: Vec<Rational> = x
                    .iter()
                    .map(|v| Rational::from_integer(v.clone()) * &scale)
                    .collect();
                let exact = eval::eval(&c.net, &exact_x);
                assert_eq!(plan.output_value(&y, f), exact);
                assert!(bits <= plan.format.width, "{bits} > {:?}", plan.format);
                check_scaled(&plan, &x, f, &exact);
            }
        }
    }

    /// Exactness follows the weights used, not the codebook: linear λ = 4
    /// holds ±1/6, but its constructions use only ±1/2 (quantize::codebook),
    /// so they plan; free weights such as 1/3 have no fixed-point form.
    #[test]
    fn only_dyadic_weights_plan() {
        let target = Poly::var(1, 0)
            .pow(2)
            .sub(&Poly::var(1, 0).scale(&ratio(1, 3)));
        let mut s = spec(&["x"], target, 3);
        s.lambda = 4;
        s.quantization = Quantization::Linear;
        check_grid(&s, 8);
        let free = crate::build_unquantized(&s).unwrap();
        let e = plan(&free.net, &s.domain).unwrap_err();
        assert!(matches!(e, FixedError::NotDyadic { .. }), "{e}");
        assert!(e.to_string().contains("not a dyadic rational"), "{e}");
    }

    /// A domain whose ends are not dyadic is enclosed outward (by
    /// `Dy::below` and `Dy::above`): the plan stays sound, exact at every
    /// grid point of the real domain.
    #[test]
    fn non_dyadic_domains_are_enclosed() {
        let xy = Poly::var(2, 0).mul(&Poly::var(2, 1));
        let mut s = spec(&["x", "y"], xy.add(&Poly::var(2, 1).pow(2)), 4);
        s.domain = vec![(int(-1), int(1)); 2];
        let c = build(&s).unwrap();
        // a net is a function on any sub-domain too
        let domain = vec![(ratio(-1, 3), ratio(2, 3)), (ratio(1, 5), ratio(7, 10))];
        check_on(&c.net, &domain, 5);
        assert_eq!(Dy::below(&ratio(-1, 3)).log2_above(), -1);
        let third = Dy::above(&ratio(1, 3));
        let back = Rational::new(third.m.clone(), BigInt::one() << third.k);
        assert!(back > ratio(1, 3) && back - ratio(1, 3) < rational::pow2(-64));
    }

    /// Values beyond 128 bits (inputs up to 2^130) are refused with a lower
    /// bound on the bits they need.
    #[test]
    fn too_wide_networks_are_refused() {
        let c = build(&spec(&["x"], Poly::var(1, 0).pow(2), 2)).unwrap();
        match plan(&c.net, &[(int(0), rational::pow2(130))]) {
            Err(e @ FixedError::TooWide { needed_bits }) => {
                assert!(needed_bits > 128, "{needed_bits}");
                assert!(e.to_string().contains("at least"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inputs_outside_the_domain_are_refused() {
        let s = spec(&["x"], Poly::var(1, 0).pow(2), 3);
        let c = build(&s).unwrap();
        let plan = plan(&c.net, &s.domain).unwrap();
        let one = BigInt::one() << plan.format.frac_bits;
        assert!(
            plan.eval_bits(std::slice::from_ref(&one), plan.format.frac_bits)
                .is_ok()
        );
        assert_eq!(
            plan.eval_bits(&[one + 1], plan.format.frac_bits),
            Err(InputError::Outside { input: 0 })
        );
        assert_eq!(
            plan.eval_bits(&[], plan.format.frac_bits),
            Err(InputError::Dimension {
                expected: 1,
                found: 0
            })
        );
    }
}
