//! The box certificate's hot loop in machine integers: a [`Net`]'s
//! parameters converted once to 64-bit fixed point ([`Plan`]), and the
//! affine forms of [`super::boxes`] propagated in `i128` counts of
//! `2^−`[`BITS`], with the same outward rounding as the `BigInt` forms
//! there; then the backward pass ([`Plan::backward`], CROWN) from the
//! forward pass's pre-activation bounds, to a linear bound of the output
//! in the inputs (the rounding argument is in [`super::boxes`]).
//!
//! Every operation is checked: a weight or a bias that does not fit, or
//! an intermediate value that would overflow, makes [`Plan::new`] or the
//! evaluation return `None`, and the caller falls back to the exact
//! `BigInt` forms — the fast path is never less sound, only sometimes
//! unavailable.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

use crate::net::{Net, UnitKind};
use crate::rational::Rational;

/// The forms count in units of `2^−BITS`.
pub(super) const BITS: u64 = 64;

/// The slope of a ReLU relaxation is rounded to `2^−SLOPE_BITS`.
const SLOPE_BITS: u32 = 20;

/// The backward pass's coefficients count `2^−LAMBDA_BITS` (its constant
/// `2^−(LAMBDA_BITS + BITS)`, exactly).
const LAMBDA_BITS: u32 = 40;

/// The units of [`Plan::backward_fixed`]'s bounds: `2^−CROWN_BITS`.
pub(super) const CROWN_BITS: u64 = LAMBDA_BITS as u64 + BITS;

/// Scratch space of [`Plan::forms`] and [`Plan::backward`], reused between
/// boxes.
#[derive(Clone, Debug, Default)]
pub(super) struct Scratch {
    /// the units' forms, stored flat
    buf: Vec<i128>,
    /// per unit: the bounds `[l, u]` of its pre-activation on the box
    pre: Vec<(i128, i128)>,
    /// per unit: its coefficient in the backward pass
    lam: Vec<i128>,
    /// per input unit: how many of the products added to its coefficient
    /// were rounded down
    inexact: Vec<u32>,
}

/// A linear bound `k + Σ c_i t_i` over `t ∈ [−1, 1]^d`, exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Linear {
    /// the constant
    pub k: Rational,
    /// the coefficients of `t_i`
    pub c: Vec<Rational>,
}

/// A weight `p/q` with `|p|, q < 2^63`, dividing by a shift when `q` is a
/// power of two.
#[derive(Clone, Copy, Debug)]
enum Weight {
    /// `p / 2^e`
    Shift { p: i128, e: u32 },
    /// `p / q`, `q > 0`
    Div { p: i128, q: i128 },
}

impl Weight {
    fn new(w: &Rational) -> Option<Self> {
        let p = i128::from(w.numer().to_i64()?);
        let q = w.denom().to_i64()?;
        Some(if q.count_ones() == 1 {
            Weight::Shift {
                p,
                e: q.trailing_zeros(),
            }
        } else {
            Weight::Div {
                p,
                q: i128::from(q),
            }
        })
    }

    fn is_negative(self) -> bool {
        match self {
            Weight::Shift { p, .. } | Weight::Div { p, .. } => p < 0,
        }
    }

    /// `⌊w·a⌋` and whether it is exact; `None` on overflow.
    fn floor(self, a: i128) -> Option<(i128, bool)> {
        match self {
            Weight::Shift { p, e } => {
                let n = a.checked_mul(p)?;
                // an arithmetic shift is a floor
                let f = n >> e;
                Some((f, f << e == n))
            }
            Weight::Div { p, q } => {
                let n = a.checked_mul(p)?;
                Some((n.div_euclid(q), n.rem_euclid(q) == 0))
            }
        }
    }

    /// `⌈w·a⌉`; `None` on overflow.
    fn ceil(self, a: i128) -> Option<i128> {
        let (f, exact) = self.floor(a)?;
        if exact { Some(f) } else { f.checked_add(1) }
    }
}

/// `⌊q·2^BITS⌋` and whether it is exact; `None` when it does not fit.
pub(super) fn fixed(q: &Rational) -> Option<(i128, bool)> {
    let n = q.numer() << BITS;
    let (f, r) = n.div_mod_floor(q.denom());
    Some((f.to_i128()?, r.is_zero()))
}

/// A bias and its edges.
#[derive(Clone, Debug)]
struct Step {
    /// `⌊bias·2^BITS⌋` and whether it is exact
    bias: (i128, bool),
    edges: Vec<(usize, Weight)>,
}

impl Step {
    fn new(bias: &Rational, edges: &[crate::net::Edge]) -> Option<Self> {
        Some(Step {
            bias: fixed(bias)?,
            edges: edges
                .iter()
                .map(|e| Some((e.src, Weight::new(&e.weight)?)))
                .collect::<Option<_>>()?,
        })
    }
}

/// A network's parameters in fixed point (module docs).
#[derive(Clone, Debug)]
pub(super) struct Plan {
    /// per unit: `Err(i)` for input `i`, else its step
    units: Vec<Result<Step, usize>>,
    output: Step,
    dim: usize,
}

/// An affine form `k + Σ c_i t_i + [lo, hi]` over `t ∈ [−1, 1]^d`, in
/// units of `2^−BITS` — the `i128` twin of the `BigInt` form of
/// [`super::boxes`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Form {
    /// the constant
    pub k: i128,
    /// the coefficients of `t_i`
    pub c: Vec<i128>,
    /// the remainder's lower end
    pub lo: i128,
    /// the remainder's upper end
    pub hi: i128,
}

/// `a + b`, `None` on overflow (shorter than `checked_add` chains).
fn add(a: i128, b: i128) -> Option<i128> {
    a.checked_add(b)
}

/// A form stored flat: `[k, c_0, …, c_{d−1}, lo, hi]`.
struct Flat<'a>(&'a mut [i128]);

impl Flat<'_> {
    /// `[min, max]` over the box.
    fn bounds(&self) -> Option<(i128, i128)> {
        let n = self.0.len();
        let mut spread = 0i128;
        for c in &self.0[1..n - 2] {
            spread = add(spread, c.checked_abs()?)?;
        }
        let k = self.0[0];
        Some((
            add(k.checked_sub(spread)?, self.0[n - 2])?,
            add(add(k, spread)?, self.0[n - 1])?,
        ))
    }

    /// `self += w·other`, rounding outward as `Form::add_scaled` of
    /// [`super::boxes`] does.
    fn add_scaled(&mut self, w: Weight, other: &[i128]) -> Option<()> {
        let n = self.0.len();
        let (k, exact) = w.floor(other[0])?;
        self.0[0] = add(self.0[0], k)?;
        let mut slack = i128::from(!exact);
        let mut spread = 0i128;
        for (a, &b) in self.0[1..n - 2].iter_mut().zip(&other[1..n - 2]) {
            if b == 0 {
                continue;
            }
            let (v, exact) = w.floor(b)?;
            *a = add(*a, v)?;
            // a coefficient rounded down by < 1 unit: ±1 unit in the remainder
            spread += i128::from(!exact);
        }
        let (lo, hi) = if w.is_negative() {
            (w.floor(other[n - 1])?.0, w.ceil(other[n - 2])?)
        } else {
            (w.floor(other[n - 2])?.0, w.ceil(other[n - 1])?)
        };
        slack += spread;
        self.0[n - 2] = add(self.0[n - 2], lo.checked_sub(spread)?)?;
        self.0[n - 1] = add(self.0[n - 1], add(hi, slack)?)?;
        Some(())
    }
}

impl Plan {
    /// The parameters of `net` in fixed point, or `None` when a weight's
    /// numerator or denominator or a bias does not fit.
    pub(super) fn new(net: &Net) -> Option<Self> {
        let units = net
            .units()
            .iter()
            .map(|u| match &u.kind {
                UnitKind::Input { index } => Some(Err(*index)),
                UnitKind::Relu { bias, inputs } => Some(Ok(Step::new(bias, inputs)?)),
            })
            .collect::<Option<_>>()?;
        let out = net.output();
        Some(Plan {
            units,
            output: Step::new(&out.bias, &out.inputs)?,
            dim: net.dim(),
        })
    }

    /// The output's form on the box `mid ± half` (the ReLU relaxation of
    /// [`super::boxes`], slope `⌊2^20·u/(u − l)⌋/2^20`), or `None` on
    /// overflow. Every unit's pre-activation bounds are left in `scratch`
    /// for [`Plan::backward`].
    pub(super) fn forms(
        &self,
        mid: &[Rational],
        half: &[Rational],
        scratch: &mut Scratch,
    ) -> Option<Form> {
        let d = self.dim;
        let s = d + 3;
        let Scratch { buf, pre, .. } = scratch;
        buf.clear();
        buf.resize(s * self.units.len(), 0);
        pre.clear();
        pre.resize(self.units.len(), (0, 0));
        let mut z = vec![0i128; s];
        for (u, unit) in self.units.iter().enumerate() {
            match unit {
                Err(i) => {
                    // m_i + r_i t_i, each rounded outward
                    let (m, m_exact) = fixed(&mid[*i])?;
                    let (r, r_exact) = fixed(&half[*i])?;
                    let slot = &mut buf[s * u..s * (u + 1)];
                    slot[0] = m;
                    slot[1 + i] = r;
                    slot[s - 2] = -i128::from(!r_exact);
                    slot[s - 1] = i128::from(!r_exact) + i128::from(!m_exact);
                }
                Ok(step) => {
                    self.affine(step, &buf[..s * u], &mut z)?;
                    pre[u] = Flat(&mut z).bounds()?;
                    relu(&mut z, pre[u])?;
                    buf[s * u..s * (u + 1)].copy_from_slice(&z);
                }
            }
        }
        let n = self.units.len();
        self.affine(&self.output, &buf[..s * n], &mut z)?;
        Some(Form {
            k: z[0],
            c: z[1..s - 2].to_vec(),
            lo: z[s - 2],
            hi: z[s - 1],
        })
    }

    /// `z = bias + Σ w·forms[src]`, forms stored flat with stride `z.len()`.
    fn affine(&self, step: &Step, forms: &[i128], z: &mut [i128]) -> Option<()> {
        let s = z.len();
        z.fill(0);
        z[0] = step.bias.0;
        z[s - 1] = i128::from(!step.bias.1);
        let mut flat = Flat(z);
        for &(src, w) in &step.edges {
            flat.add_scaled(w, &forms[s * src..s * (src + 1)])?;
        }
        Some(())
    }

    /// An enclosure `[lo, hi]` of the output at the point `x`, in units, or
    /// `None` on overflow: the forms with no coefficients, where the ReLU
    /// of an interval is exact.
    pub(super) fn point(&self, x: &[Rational]) -> Option<(i128, i128)> {
        let mut values: Vec<(i128, i128)> = Vec::with_capacity(self.units.len());
        let step = |step: &Step, values: &[(i128, i128)]| -> Option<(i128, i128)> {
            let (b, exact) = step.bias;
            let (mut lo, mut hi) = (b, b + i128::from(!exact));
            for &(src, w) in &step.edges {
                let (l, h) = values[src];
                let (l, h) = if w.is_negative() { (h, l) } else { (l, h) };
                lo = add(lo, w.floor(l)?.0)?;
                hi = add(hi, w.ceil(h)?)?;
            }
            Some((lo, hi))
        };
        for unit in &self.units {
            let v = match unit {
                Err(i) => {
                    let (m, exact) = fixed(&x[*i])?;
                    (m, m + i128::from(!exact))
                }
                Ok(s) => {
                    let (lo, hi) = step(s, &values)?;
                    (lo.max(0), hi.max(0))
                }
            };
            values.push(v);
        }
        step(&self.output, &values)
    }
}

impl Plan {
    /// The backward pass (CROWN) after [`Plan::forms`] on the same box:
    /// a linear bound `sign·net(m + r·t) ≤ k + Σ c_i t_i` on the whole box
    /// (`sign = ±1`), or `None` on overflow (module docs of
    /// [`super::boxes`]).
    pub(super) fn backward(
        &self,
        mid: &[Rational],
        half: &[Rational],
        sign: i128,
        scratch: &mut Scratch,
    ) -> Option<Linear> {
        let c = self.backward_units(sign, scratch)?;
        let Scratch { lam, inexact, .. } = scratch;
        // the inputs: x_i = m_i + r_i·t_i, exactly
        let lam_unit = Rational::new(BigInt::from(1), BigInt::from(1) << LAMBDA_BITS);
        let mut k = Rational::new(
            BigInt::from(c),
            BigInt::from(1) << (u64::from(LAMBDA_BITS) + BITS),
        );
        let mut coeffs = vec![Rational::zero(); self.dim];
        for (u, unit) in self.units.iter().enumerate() {
            let Err(i) = unit else { continue };
            let (m, r) = (&mid[*i], &half[*i]);
            let a = Rational::from(BigInt::from(lam[u])) * &lam_unit;
            k += &a * m;
            coeffs[*i] += &a * r;
            if inexact[u] > 0 {
                // the true coefficient is in [a, a + inexact·2^−LAMBDA_BITS):
                // the excess times x_i is at most inexact·2^−LAMBDA_BITS·max(x_i, 0)
                let top = (m + r).max(Rational::zero());
                k += Rational::from(BigInt::from(inexact[u])) * &lam_unit * top;
            }
        }
        Some(Linear { k, c: coeffs })
    }

    /// [`Plan::backward`] in integers: `sign·net(m + r·t) ≤ (k + Σ c_i
    /// t_i)·2^−(LAMBDA_BITS + BITS)` as `(k, c)`, when the box's centre
    /// and half-widths are multiples of `2^−BITS` (else, or on overflow,
    /// `None`; [`Plan::backward`] then finishes in rationals).
    pub(super) fn backward_fixed(
        &self,
        mid: &[Rational],
        half: &[Rational],
        sign: i128,
        scratch: &mut Scratch,
    ) -> Option<(i128, Vec<i128>)> {
        let mut k = self.backward_units(sign, scratch)?;
        let Scratch { lam, inexact, .. } = scratch;
        let mut coeffs = vec![0i128; self.dim];
        for (u, unit) in self.units.iter().enumerate() {
            let Err(i) = unit else { continue };
            let (m, m_exact) = fixed(&mid[*i])?;
            let (r, r_exact) = fixed(&half[*i])?;
            if !m_exact || !r_exact {
                return None;
            }
            // lam counts 2^−LAMBDA_BITS, m and r 2^−BITS
            k = add(k, lam[u].checked_mul(m)?)?;
            coeffs[*i] = add(coeffs[*i], lam[u].checked_mul(r)?)?;
            if inexact[u] > 0 {
                // as in `backward`: the excess times x_i is at most
                // inexact·2^−LAMBDA_BITS·max(x_i, 0)
                let top = add(m, r)?.max(0);
                k = add(k, i128::from(inexact[u]).checked_mul(top)?)?;
            }
        }
        Some((k, coeffs))
    }

    /// The backward pass down to the inputs: each input unit's
    /// coefficient in `scratch.lam` (counts of `2^−LAMBDA_BITS`, with
    /// `scratch.inexact`), and the constant, in counts of
    /// `2^−(LAMBDA_BITS + BITS)`.
    fn backward_units(&self, sign: i128, scratch: &mut Scratch) -> Option<i128> {
        let n = self.units.len();
        let Scratch {
            pre, lam, inexact, ..
        } = scratch;
        if pre.len() != n {
            return None;
        }
        lam.clear();
        lam.resize(n, 0);
        inexact.clear();
        inexact.resize(n, 0);
        // the bound so far: Σ lam[u]·v_u + c, c in units of 2^−(LAMBDA_BITS + BITS)
        let mut c = 0i128;
        self.substitute(&self.output, sign << LAMBDA_BITS, lam, inexact, &mut c)?;
        for u in (0..n).rev() {
            let l = lam[u];
            let Ok(step) = &self.units[u] else { continue };
            let (lo, hi) = pre[u];
            if l == 0 || hi <= 0 {
                // v_u = 0 on the box
                continue;
            }
            if lo >= 0 {
                // v_u = z_u on the box
                self.substitute(step, l, lam, inexact, &mut c)?;
            } else if l > 0 {
                // l·relu(z) ≤ μ·z + max(−μ·lo, (l − μ)·hi) for any
                // 0 ≤ μ ≤ l: the line of slope μ/l ∈ [0, 1] above relu at
                // lo and hi, hence on [lo, hi] (relu − line is convex)
                let s_num = hi.checked_mul(1 << SLOPE_BITS)?.div_euclid(hi - lo);
                let mu = l.checked_mul(s_num)? >> SLOPE_BITS;
                let top = mu
                    .checked_mul(lo.checked_neg()?)?
                    .max((l - mu).checked_mul(hi)?);
                c = add(c, top)?;
                if mu != 0 {
                    self.substitute(step, mu, lam, inexact, &mut c)?;
                }
            } else if hi > -lo {
                // l < 0 and relu(z) ≥ z: l·relu(z) ≤ l·z (DeepPoly's α = 1)
                self.substitute(step, l, lam, inexact, &mut c)?;
            }
            // else l < 0 and relu(z) ≥ 0: l·relu(z) ≤ 0 (α = 0)
        }
        Some(c)
    }

    /// `coef·v = coef·(b + Σ w·v_src)` substituted into the bound: the
    /// constant exactly (the bias's upper end when `coef > 0`), each
    /// `coef·w` rounded up into a ReLU source's coefficient (`v_src ≥ 0`),
    /// or down into an input's, with the rounding counted.
    fn substitute(
        &self,
        step: &Step,
        coef: i128,
        lam: &mut [i128],
        inexact: &mut [u32],
        c: &mut i128,
    ) -> Option<()> {
        let (b, exact) = step.bias;
        let b = if coef > 0 && !exact { add(b, 1)? } else { b };
        *c = add(*c, coef.checked_mul(b)?)?;
        for &(src, w) in &step.edges {
            if self.units[src].is_ok() {
                lam[src] = add(lam[src], w.ceil(coef)?)?;
            } else {
                let (f, exact) = w.floor(coef)?;
                lam[src] = add(lam[src], f)?;
                inexact[src] += u32::from(!exact);
            }
        }
        Some(())
    }
}

/// The ReLU relaxation of [`super::boxes`] on a flat form with bounds
/// `[l, u]`, in place.
fn relu(z: &mut [i128], (l, u): (i128, i128)) -> Option<()> {
    if u <= 0 {
        z.fill(0);
        return Some(());
    }
    if l >= 0 {
        return Some(());
    }
    let one = 1i128 << SLOPE_BITS;
    let s_num = u.checked_mul(one)?.div_euclid(u - l);
    let s = Weight::Shift {
        p: s_num,
        e: SLOPE_BITS,
    };
    // max(−s·l, (1 − s)·u), rounded up
    let top = l
        .checked_neg()?
        .checked_mul(s_num)?
        .max(u.checked_mul(one - s_num)?);
    let top = Weight::Shift {
        p: 1,
        e: SLOPE_BITS,
    }
    .ceil(top)?;
    let old = z.to_vec();
    z.fill(0);
    Flat(z).add_scaled(s, &old)?;
    let n = z.len();
    z[n - 1] = add(z[n - 1], top)?;
    Some(())
}

impl Form {
    /// The same form in units of `2^−bits` (`bits ≥ BITS`), as `BigInt`s.
    pub(super) fn widen(&self, bits: u64) -> [BigInt; 3] {
        let up = |v: i128| BigInt::from(v) << (bits - BITS);
        [up(self.k), up(self.lo), up(self.hi)]
    }

    /// The coefficients in units of `2^−bits`.
    pub(super) fn widen_c(&self, bits: u64) -> Vec<BigInt> {
        self.c
            .iter()
            .map(|&v| BigInt::from(v) << (bits - BITS))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::ratio;

    #[test]
    fn weights_round_down_and_overflow_is_caught() {
        let w = Weight::new(&ratio(1, 2)).unwrap();
        assert_eq!(w.floor(-3), Some((-2, false)));
        assert_eq!(w.ceil(-3), Some(-1));
        let w = Weight::new(&ratio(-1, 3)).unwrap();
        assert_eq!(w.floor(4), Some((-2, false)));
        assert_eq!(w.ceil(4), Some(-1));
        let w = Weight::new(&ratio(3, 1)).unwrap();
        assert_eq!(w.floor(i128::MAX / 2), None);
        assert_eq!(fixed(&ratio(-1, 3)).map(|f| f.1), Some(false));
    }
}
