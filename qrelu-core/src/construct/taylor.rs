//! `structure = taylor`: the function-independent network of Theorem 1
//! (Section 4.3, eqs. 11–30), for polynomial targets in F_{d,n} on
//! `[0, 1]^d`, with `n` and either `N` and `r` or `eps` (then `N`, `r`, `t`
//! follow eqs. 26–28, see `resolve`; with `tune = smallest` they are
//! searched, see [`super::tune`]): the exact partition of unity
//! (below), the Taylor terms and their products ([`build_taylor`]), the
//! exact bound ([`TaylorBound`]) and the same bound computed without
//! building ([`TaylorPlan`]), the F_{d,n} check of eq. 1
//! ([`check_smoothness`]) and size estimates made before building.
//! Every codebook works, the linear one of Section 4.4 included (its
//! weight tries use the powers of two it holds).
//!
//! # The bumps h(3Nx − 3m) (eqs. 11–12, blocks B_N, B_abs, B_s, B_h)
//!
//! For an input `x ∈ [0, 1]`, a grid `N` and `m ∈ {0, …, N}`, with
//! `z = 3Nx − 3m`:
//!
//! ```text
//! h(z) = 1 − σ(|z| − 1) + σ(|z| − 2)        (eq. 12, for the even h)
//! ```
//!
//! Everything is exact — no offset `m/N` is ever rounded, because the
//! network computes `3Nx − 3m` (an integer multiple of `x` minus an
//! integer), not `3N(x − m/N)`:
//!
//! - **B_s** (scale by 3N): `z/2 = 3N·(x/2) − 3m·(1/2)` as a form with
//!   coefficients ±1/2, from the power chain of the gate `σ(½x) = x/2`
//!   (integer multiple 3N: copies, or the doubling ladder of Prop. 3's
//!   chain for large N) and from the shared constant chain of `σ(½)`
//!   (the multiple 3m; block B_N of Table 1). The chains are shared by every
//!   `m`, so only the reads differ between bumps.
//! - **B_abs**: `|z|/2 = ½(P_0 + P_1 + N_0 + N_1)` from two copies of each
//!   gate `σ(±z/2)` (the signal machinery shared with `structure = direct`).
//! - **B_h**: `H_1 = σ(|z|/2 − ½) = ½σ(|z| − 1)` and
//!   `H_2 = σ(|z|/2 − ½ − ½·U) = ½σ(|z| − 2)` with `U = σ(½ + ½A + ½B) = 1`
//!   built once from two units `A = B = σ(½)`; two copies of each, so that
//!   `h/2 = ½U − ½(H_1 + H_1′) + ½(H_2 + H_2′)` is a form with coefficients
//!   ±1/2 (a signal of exponent 1, nonnegative).
//!
//! Since consecutive `z`'s differ by 3, on [0, 1] at most two bumps are
//! nonzero and they sum to 1: `Σ_m h(3Nx − 3m) = 1` (eq. 13), exactly in
//! the network too. In d dimensions `ψ_m = Π_k h(3Nx_k − 3m_k)` (eq. 11)
//! and `Σ_m ψ_m = Π_k Σ_{m_k} h(·) = 1`.
//!
//! # Table 1's parts (Section 4.3, Fig. 2)
//!
//! Every unit lies in exactly one block of Table 1 ([`Part`]; the rule, a
//! unit belongs to the part open when it is built, is in the net module
//! docs), and `NetInfo::parts` reports them. One instance of each, derived
//! from the construction (the tests check each claim; `L = ⌊log2 3N⌋`,
//! and `|k|` is the number of terms `weight::times` reads for the integer
//! `k`: `2k` below 4, two per binary digit from 4 on):
//!
//! | part | instances | one instance | Table 1: width, depth |
//! | --- | --- | --- | --- |
//! | B_w | one per β_{m,ν} ≠ 0 | the trie, ladder and copies of Prop. 3 on the gates of the term | t, λ(t^(1/(λ−1)) − 1) + 1 |
//! | B_N | 1 | every constant: σ(½), its copies and the multiples 3m/2, `U = 1`, the `K_j` of f_s^r | 2N, 1 |
//! | B_abs | one per signal whose gates are built | `σ(±s)` and one copy each: width ≤ 4, depth 1; a bump's offset has 4 units and 4(\|3N\| + \|3m\|) weights | 4, 1 |
//! | B_s | d, one per input | σ(½x), three copies and the ladder up to `2^L·x/2`: 4L + 2 units, 16L − 4 weights, width 4, depth L + 1 (N = 1: six copies, width 6, depth 1) | 4, log(3N/2) |
//! | B_h | d(N + 1), one per bump | H_1, H_1′, H_2, H_2′: 4 units, 18 weights, width 4, depth 1 | 12, 1 |
//! | B_×′ | per m: d − 1 for ψ_m, one per distinct sub-product or square of the offsets, one per ν with β_{m,ν} ≠ 0 and \|ν\| ≥ 1 | the three f_s^r of eq. 7: 6r units, 2(s + p + q) + 18(r − 1) weights for arguments of s, p, q terms (a square: 2r units) | 60, 3r + 1 |
//!
//! For d = 1, n = 2 each ×′(h, u) has 6r units, 18r − 2 weights, width 6
//! and depth r + 3; for d = 2 the ψ_m = ×′(h_1, h_2) have 18r − 6 weights
//! and the ×′(ψ_m, u_k) 18r + 2.
//!
//! Where ours differ from Table 1, and why:
//!
//! - **B_s** scales `x` once per input (`3N·x/2`, then subtracts the
//!   constant `3m/2`), where the paper scales `|x − m/N|` once per bump:
//!   d instances instead of d(N + 1), one level deeper than the paper's
//!   `log(3N/2)` and more (`L + 1 − log2(3N/2) ∈ (1, 2]`): the gate σ(½x)
//!   is a level, and the integer multiple 3N needs the ladder's level
//!   `2^L`. For N = 1, `3N = 3` is six copies (width 6), not a ladder.
//! - **B_N** holds every constant unit, the chain `K_j = 2^−j` of f_s^r
//!   (2r − 1 units, depth 2r − 1 for λ = 2) included, which Table 1 lists
//!   nowhere: its depth is that chain's or the ladder of the largest 3m,
//!   never 1, and its width can exceed 2N for N ≤ 3. The offsets m/N
//!   themselves are never rounded (no concatenated weight networks).
//! - **B_×′** counts the f_s^r only: the |·| it reads are B_abs (shared by
//!   every consumer of a signal) and its constants B_N. Its depth is the
//!   level span of its three squares, `r + 1` plus the level gap between
//!   its arguments' gates: it exceeds `3r + 1` when that gap exceeds 2r
//!   (ψ_m against u_k for d = 2, r = 2).
//! - **B_h** needs 4 units, not 12: the input of h is `|z|/2 ≥ 0`, so
//!   `h = 1 − σ(|z| − 1) + σ(|z| − 2)` (Section 4.3), each σ twice for gain.
//! - The largest share of the weights is **B_abs**, not B_w as in the
//!   paper's count (eq. 30): the gates of a ×′ result read its whole form
//!   (up to `7r + 12` terms), while our B_w shares one trie per gate.
//!
//! # Size
//!
//! The network has `(N + 1)^d` grid points, each with its Taylor terms and
//! their ×′ chains, and eq. 28 asks `N ≥ (3·2^d·d^n/ε)^(1/n)`, so it grows
//! like `(1/ε)^(d/n)` times a log. The finest `eps = 1/k` whose estimate
//! passes the default `max_weights` ([`super::DEFAULT_MAX_WEIGHTS`] =
//! 200,000), λ = 2 — the same for every target, since N, r, t and the
//! estimate depend on d, n and `eps` only; the built sizes are those of
//! the targets of `examples/theorem1.rs`, about half the estimate:
//!
//! | d | n = 1 | n = 2 | n = 3 |
//! | --- | --- | --- | --- |
//! | 1 | 1/111 (N = 666, built 95,654) | 1/8066 (N = 220, built 105,338) | 1/102354 (N = 85, built 97,613) |
//! | 2 | none: 1/2 needs N = 48 | 1/2 (N = 10, built 77,822) | 1/2 (N = 6, built 89,488) |
//! | 3 | none | none: 1/2 needs N = 21 | none: 1/2 needs N = 11 |
//!
//! Beyond that, raise `max_weights` or give `N` and `r` (the bound of the
//! result is usually several times below the `eps` eqs. 26–28 were
//! chosen for).

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use super::signal::Signal;
use crate::error::{CoreError, Subject};
use crate::gadget::weight::{self, PowerChain, Sign};
use crate::net::{LinearForm, Net, NetBuilder, Part, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// The shared parts of every bump of one network: the constant chain of
/// `σ(½)`, the unit `U = 1`, and the gate chain `σ(½x_i)` of each input.
pub(crate) struct Bumps {
    half: PowerChain,
    one: UnitId,
    /// per input: the gate chain of `σ(½x)` and the form `3N·x/2` (B_s)
    inputs: Vec<Option<(PowerChain, LinearForm)>>,
}

impl Bumps {
    /// Builds the constant units (block `const`, part B_N).
    pub(crate) fn new(b: &mut NetBuilder) -> Result<Self, CoreError> {
        let half = rational::ratio(1, 2);
        let (half, one) = b.in_constants(|b| {
            b.begin_block("const");
            let result = (|| {
                let mut chain =
                    PowerChain::build_root(b, "half", half.clone(), &[])?.copies_in("const");
                let a = chain.copy(b, 1)?;
                let c = chain.copy(b, 2)?;
                let one = b.relu("one", half.clone(), &[(a, half.clone()), (c, half.clone())])?;
                Ok((chain, one))
            })();
            b.end_block();
            result
        })?;
        Ok(Bumps {
            half,
            one,
            inputs: Vec::new(),
        })
    }

    /// `h(3N·x_i − 3m)` as a signal (module docs), for input `i` on [0, 1].
    ///
    /// # Errors
    /// `m > N`, `N = 0`; builder errors.
    pub(crate) fn bump(
        &mut self,
        b: &mut NetBuilder,
        i: usize,
        grid: u64,
        m: u64,
    ) -> Result<Signal, CoreError> {
        Ok(self.bump_and_offset(b, i, grid, m)?.0)
    }

    /// The bump `h(z)` and the offset `u = z/2 = (3N·x_i − 3m)/2` (a signal
    /// of exponent 0, in (−1, 1) wherever the bump is positive), sharing
    /// the gates of `u`.
    ///
    /// # Errors
    /// As [`bump`](Self::bump).
    pub(crate) fn bump_and_offset(
        &mut self,
        b: &mut NetBuilder,
        i: usize,
        grid: u64,
        m: u64,
    ) -> Result<(Signal, Signal), CoreError> {
        if grid == 0 || m > grid {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param("N"),
                message: format!("a bump needs 0 <= m <= N and N >= 1, found m = {m}, N = {grid}"),
            });
        }
        let half = rational::ratio(1, 2);
        if self.inputs.len() <= i {
            self.inputs.resize_with(i + 1, || None);
        }
        let three = |k: u64| Rational::from_integer((3 * k).into());
        if self.inputs[i].is_none() {
            // B_s, once per input: the gate σ(½x) and its multiple 3N·x/2
            let scaled = b.in_part(Part::Scale, |b| {
                b.begin_block("scale");
                let chain =
                    PowerChain::build_root(b, "x", Rational::zero(), &[(b.input(i), half.clone())]);
                b.end_block();
                let mut chain = chain?.copies_in("scale");
                let form = weight::times(b, &mut chain, &three(grid), Sign::Plus)?;
                Ok((chain, form))
            })?;
            self.inputs[i] = Some(scaled);
        }
        let (_, scaled) = self.inputs[i]
            .as_ref()
            .ok_or_else(|| super::internal("input chain"))?;
        // B_s and B_N: z/2 = 3N·(x/2) − 3m·(1/2)
        let mut z = scaled.clone();
        if m > 0 {
            let half_chain = &mut self.half;
            let offset =
                b.in_constants(|b| weight::times(b, half_chain, &three(m), Sign::Minus))?;
            z.add(&offset, false);
        }
        // B_abs: |z|/2 = |u|
        let mut u = Signal::new(z, 0, false);
        let abs_half = u.abs(b)?;
        // B_h: H_1 = ½σ(|z| − 1), H_2 = ½σ(|z| − 2), two copies each
        b.begin_part(Part::Bump);
        b.begin_block("h");
        let result = (|| {
            let mut h2_edges = abs_half.terms.clone();
            h2_edges.push((self.one, -&half));
            let mut form = LinearForm::default();
            form.push(self.one, half.clone());
            for copy in ["a", "b"] {
                let h1 = b.relu(&format!("h1{copy}"), -&half, &abs_half.terms)?;
                form.push(h1, -&half);
            }
            for copy in ["a", "b"] {
                let h2 = b.relu(&format!("h2{copy}"), -&half, &h2_edges)?;
                form.push(h2, half.clone());
            }
            Ok(form)
        })();
        b.end_block();
        b.end_block();
        // h/2 = ½U − ½(H_1 + H_1′) + ½(H_2 + H_2′): exponent 1, h ≥ 0
        Ok((Signal::new(result?, 1, true), u))
    }
}

/// The parameters of Theorem 1's network (the DSL's `n`, `N`, `r`, `t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaylorParams {
    /// Taylor order `n ≥ 1`: terms of order `|ν| < n`
    pub n: u32,
    /// grid `N ≥ 1`: points `m/N`, `m ∈ {0, …, N}^d`
    pub grid: u64,
    /// squaring depth of every ×′
    pub r: u32,
    /// weight precision of every coefficient (Prop. 3)
    pub t: u32,
}

/// The a-priori bound of a Taylor network, by part; the parts add up to
/// the bound.
#[derive(Clone, Debug, PartialEq)]
pub struct TaylorBound {
    /// `max_m (|f − T_m| + |T_m − T′_m|)` over the support of ψ_m: the
    /// Taylor remainder (exact: the tail of the expansion at m/N, which is
    /// finite for a polynomial) and the rounding of β to multiples of
    /// `(1/n)(d/N)^(n−|ν|)` (eqs. 17–18); the ψ_m are a partition of unity,
    /// so the maximum, not eq. 18's `2^d` times it
    pub taylor: Rational,
    /// `2^d · max_m Σ_ν |γ′|·δ_{m,ν}`: the ×′ products (eqs. 21–24)
    pub products: Rational,
    /// `2^d · max_m Σ_ν |γ′ − γ|`: the coefficients realised by Prop. 3
    pub coefficients: Rational,
}

impl TaylorBound {
    /// The bound itself.
    pub fn total(&self) -> Rational {
        &self.taylor + &self.products + &self.coefficients
    }
}

/// Every multi-index of `d` entries with `|ν| < n`, by increasing order
/// (within one order, in lexicographic order of the exponent vectors).
/// Shared with the unquantized Theorem 1 network of [`super::free`].
pub(crate) fn orders_below(d: usize, n: u32) -> Vec<Vec<u32>> {
    fn fill(prefix: &mut Vec<u32>, d: usize, left: u32, out: &mut Vec<Vec<u32>>) {
        if prefix.len() + 1 == d {
            prefix.push(left);
            out.push(prefix.clone());
            prefix.pop();
            return;
        }
        for e in (0..=left).rev() {
            prefix.push(e);
            fill(prefix, d, left - e, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    for order in 0..n {
        fill(&mut Vec::new(), d, order, &mut out);
    }
    out
}

/// `q_ν = (1/n)(d/N)^(n − |ν|)` of eq. 17 (the reference the integer
/// [`TaylorPlan`] is tested against).
#[cfg(test)]
fn beta_step(n: u32, d: usize, grid: u64, order: u32) -> Rational {
    let ratio = Rational::new((d as u64).into(), grid.into());
    num_traits::pow(ratio, (n - order) as usize) / Rational::from_integer(n.into())
}

/// `c` rounded to the nearest multiple of `q` (ties away from zero).
#[cfg(test)]
fn round_to_step(c: &Rational, q: &Rational) -> Rational {
    let k = (c / q).round();
    k * q
}

/// `p(y + a)` as a polynomial in `y`: its coefficients are the Taylor
/// coefficients `D^ν p(a)/ν!` (eq. 15), exactly. Used by [`super::free`].
pub(crate) fn shifted(p: &crate::Poly, a: &[Rational]) -> crate::Poly {
    use crate::Poly;
    let d = p.nvars();
    let mut out = Poly::zero(d);
    let mut powers: Vec<Vec<Poly>> = (0..d)
        .map(|_| vec![Poly::constant(d, Rational::one())])
        .collect();
    for (exps, c) in p.terms() {
        let mut term = Poly::constant(d, c.clone());
        for (k, &e) in exps.iter().enumerate() {
            while powers[k].len() <= e as usize {
                let base = Poly::var(d, k).add(&Poly::constant(d, a[k].clone()));
                let next = powers[k].last().map(|q| q.mul(&base)).unwrap_or(base);
                powers[k].push(next);
            }
            term = term.mul(&powers[k][e as usize]);
        }
        out = out.add(&term);
    }
    out
}

/// The Taylor coefficients of a target at any point: `q_ν = D^ν p/ν!` for
/// every `|ν| ≤ deg p`, so that `p(a + y) = Σ_ν q_ν(a)·y^ν` (eq. 15), kept
/// over one common denominator `L`: `q_ν = (1/L)·Σ_e A_{ν,e} x^e` with
/// integers `A`. The derivatives are taken once per target; at a grid
/// point `a = m/N` each `q_ν(a) = V_ν/(L·N^deg)` with the integer
/// `V_ν = Σ_e A_{ν,e}·m^e·N^(deg−|e|)`, so evaluating a grid needs no
/// rational arithmetic. Entry `i` belongs to the `i`-th multi-index of
/// [`orders_below`]`(d, deg + 1)`, whose first entries are those of any
/// `orders_below(d, n)` (both list by increasing order).
#[derive(Clone, Debug)]
pub(crate) struct Expansion {
    d: usize,
    degree: u32,
    denominator: BigInt,
    /// `(|ν|, [(e, A_{ν,e})])`, zero polynomials included (to keep the
    /// indices)
    polys: Vec<(u32, IntegerPoly)>,
}

impl Expansion {
    pub(crate) fn new(target: &crate::Poly) -> Self {
        use num_integer::Integer;
        let d = target.nvars();
        let degree = target.degree();
        let rational: Vec<(u32, crate::Poly)> = orders_below(d, degree + 1)
            .into_iter()
            .map(|nu| {
                let mut q = target.clone();
                let mut factorial = Rational::one();
                for (l, &e) in nu.iter().enumerate() {
                    for k in 1..=e {
                        q = q.derivative(l);
                        factorial *= Rational::from_integer(k.into());
                    }
                }
                (nu.iter().sum(), q.scale(&factorial.recip()))
            })
            .collect();
        let denominator = rational
            .iter()
            .flat_map(|(_, q)| q.terms().map(|(_, c)| c.denom().clone()))
            .fold(BigInt::one(), |acc, den| acc.lcm(&den));
        let polys = rational
            .into_iter()
            .map(|(order, q)| {
                let terms = q
                    .terms()
                    .map(|(e, c)| (e.to_vec(), (c * &denominator).to_integer()))
                    .collect();
                (order, terms)
            })
            .collect();
        Expansion {
            d,
            degree,
            denominator,
            polys,
        }
    }
}

/// A polynomial with integer coefficients: `(exponents, coefficient)`.
type IntegerPoly = Vec<(Vec<u32>, BigInt)>;

/// What one `(n, N)` fixes, as integers (module docs of [`TaylorPlan`]).
struct Grid {
    n: u32,
    /// `N^i`, `i ≤ max(deg, n)`
    grid_powers: Vec<BigInt>,
    /// `DEN_T = L·N^deg·n·3^K·N^K`, the denominator of the Taylor part
    taylor_den: BigInt,
    /// per order `k < n`: `(n·N^(n−k), L·N^deg·d^(n−k))`, so that
    /// `q_ν/q_k = V_ν·n·N^(n−k) / (L·N^deg·d^(n−k))` (eq. 17's steps)
    steps: Vec<(BigInt, BigInt)>,
    /// per order `k < n`: the factor `2^k·3^(K−k)·N^(K−n)` of a rounding
    /// error over `DEN_T`
    rounding: Vec<BigInt>,
    /// per order `k ≤ deg`: the factor `2^k·3^(K−k)·n·N^(K−k)` of a tail
    /// term over `DEN_T`
    tail: Vec<BigInt>,
}

impl Grid {
    fn new(e: &Expansion, n: u32, grid: u64) -> Self {
        let d = BigInt::from(e.d);
        let top = e.degree.max(n);
        let big = BigInt::from(grid);
        let grid_powers: Vec<BigInt> = (0..=top)
            .map(|i| num_traits::pow(big.clone(), i as usize))
            .collect();
        let pow = |b: u64, i: u32| num_traits::pow(BigInt::from(b), i as usize);
        let value_den = &e.denominator * &grid_powers[e.degree as usize];
        let nn = BigInt::from(n);
        let taylor_den = &value_den * &nn * pow(3, top) * &grid_powers[top as usize];
        let steps = (0..n)
            .map(|k| {
                (
                    &nn * &grid_powers[(n - k) as usize],
                    &value_den * num_traits::pow(d.clone(), (n - k) as usize),
                )
            })
            .collect();
        let rounding = (0..n)
            .map(|k| pow(2, k) * pow(3, top - k) * &grid_powers[(top - n) as usize])
            .collect();
        let tail = (0..=e.degree)
            .map(|k| pow(2, k) * pow(3, top - k) * &nn * &grid_powers[(top - k) as usize])
            .collect();
        // q_ν(m/N) = V_ν / (L·N^deg)
        Grid {
            n,
            grid_powers,
            taylor_den,
            steps,
            rounding,
            tail,
        }
    }

    /// At the grid point `m`: the numerator (over `DEN_T`) of the Taylor part
    /// of the bound there — the tail `Σ_{|ν|≥n} |q_ν(a)|ρ^|ν|`, exact for a
    /// polynomial, plus the β rounding `Σ_{|ν|<n} |q_ν(a) − β_ν|ρ^|ν|`,
    /// eqs. 15–18, `a = m/N`, `ρ = 2/(3N)` — and the terms with
    /// `β_ν = j·q_|ν| ≠ 0`.
    fn point(&self, e: &Expansion, m: &[u64]) -> (BigInt, Vec<Term>) {
        use num_integer::Integer;
        let powers: Vec<Vec<BigInt>> = m
            .iter()
            .map(|&mk| {
                let b = BigInt::from(mk);
                (0..=e.degree)
                    .map(|i| num_traits::pow(b.clone(), i as usize))
                    .collect()
            })
            .collect();
        let below = orders_count(e.d, self.n);
        let mut part = BigInt::zero();
        let mut terms = Vec::new();
        for (i, (order, poly)) in e.polys.iter().enumerate() {
            if poly.is_empty() {
                continue;
            }
            let mut v = BigInt::zero();
            for (exps, a) in poly {
                let mut x = a * &self.grid_powers[(e.degree - exps.iter().sum::<u32>()) as usize];
                for (k, &ek) in exps.iter().enumerate() {
                    if ek > 0 {
                        x *= &powers[k][ek as usize];
                    }
                }
                v += x;
            }
            let k = *order as usize;
            if i >= below {
                part += v.abs() * &self.tail[k];
                continue;
            }
            // j = round(q_ν/q_k), half away from zero, as Rational::round
            let (scale, den) = &self.steps[k];
            let num = &v * scale;
            let (q, rem) = num.abs().div_rem(den);
            let j = if rem * 2 >= *den { q + 1 } else { q };
            let j = if num.is_negative() { -j } else { j };
            part += (num - &j * den).abs() * &self.rounding[k];
            if !j.is_zero() {
                terms.push(Term {
                    nu: i,
                    order: *order,
                    j,
                });
            }
        }
        (part, terms)
    }
}

/// One term of a grid point: `β_ν = j·q_|ν|` (eq. 17, `j ≠ 0`), so that
/// `γ = β_ν·ρ^|ν| = j·d^(n−k)·2^k / (n·N^n·3^k)` with `k = |ν|`.
#[derive(Clone, Debug)]
struct Term {
    /// index of ν in [`orders_below`]
    nu: usize,
    order: u32,
    j: BigInt,
}

/// What [`TaylorPlan::within`] checks while it plans.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limit<'a> {
    /// the target error
    pub(crate) eps: &'a Rational,
    /// give up once every network meeting `eps` is estimated above this
    pub(crate) size: Option<u64>,
}

/// Why [`TaylorPlan::within`] gave up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// the Taylor part at this grid point exceeds `eps`
    Taylor(Vec<u64>),
    /// every network meeting `eps` is estimated above the size limit:
    /// at least this many weights
    Size(u64),
}

/// What a grid point carrying a term costs at least in
/// [`TaylorPlan::estimate`], whatever `r` and `t`: its bump (d = 1) or the
/// `d − 1` products of ψ′_m at `r = 1` (d ≥ 2).
pub(crate) fn live_point_cost(d: usize, grid: u64) -> u64 {
    let parts = Parts::new(grid, 1);
    if d == 1 {
        parts.bump
    } else {
        (d as u64 - 1) * (parts.product + parts.product_gates)
    }
}

/// Refuses `n = 0` and `N = 0`.
fn check_grid(n: u32, grid: u64) -> Result<(), CoreError> {
    if n == 0 || grid == 0 {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param(if n == 0 { "n" } else { "N" }),
            message: format!("`n` and `N` must be at least 1, found n = {n}, N = {grid}"),
        });
    }
    Ok(())
}

/// `|{ν ∈ ℕ^d : |ν| < n}| = C(n − 1 + d, d)`.
fn orders_count(d: usize, n: u32) -> usize {
    (0..d).fold(1usize, |acc, i| acc * (n as usize + i) / (i + 1))
}

/// The grid points `{0, …, N}^d` in the order the network is built: `m_1`
/// fastest.
fn grid_points(d: usize, grid: u64) -> impl Iterator<Item = Vec<u64>> {
    let mut next = Some(vec![0u64; d]);
    std::iter::from_fn(move || {
        let current = next.take()?;
        let mut m = current.clone();
        // odometer: the first coordinate below N steps up, those before it reset
        if let Some(k) = m.iter().position(|&mk| mk < grid) {
            m[k] += 1;
            m[..k].iter_mut().for_each(|mk| *mk = 0);
            next = Some(m);
        }
        Some(current)
    })
}

/// The signal exponent of every Taylor term: ψ′_m (a bump for d = 1, else
/// a ×′ product) and the products `×′(ψ′_m, U_ν)` are carried as forms
/// worth half their value, so Prop. 3 rounds the multiplier `2|γ|` to a
/// multiple of 2^−t.
const TERM_EXP: u32 = 1;

/// The a-priori bound of Theorem 1's network for one target, `n` and `N`,
/// computed **without building** the network: equal, part by part, to the
/// [`TaylorBound`] [`build_taylor`] reports for the same `(n, N, r, t)`
/// (tests check it for several targets and parameters).
///
/// The plan holds what depends on the target, `n` and `N` only: the Taylor
/// part ([`TaylorBound::taylor`]: the tail and the β rounding of eqs. 15–18,
/// maximised over the grid) and, for every term, the integer `j` of
/// `β = j·(1/n)(d/N)^(n−|ν|)` (eq. 17), which fixes
/// `γ = β·ρ^|ν| = j·d^(n−k)·2^k/(n·N^n·3^k)`, `k = |ν|`.
/// [`bound`](Self::bound) adds the parts that depend on `r` (the ×′ errors
/// δ_ν of eqs. 21–24, the same at every grid point: [`term_errors`](Self::term_errors))
/// and on `t` (the coefficients γ′ Prop. 3 realises): one pass over the
/// terms per `(r, t)`. Everything is exact; the passes work on integer
/// numerators over one denominator per part and divide once at the end.
///
/// ```
/// use qrelu_core::construct::taylor::TaylorPlan;
/// use qrelu_core::{Poly, rational::ratio};
/// let x = Poly::var(1, 0);
/// let f = x.pow(2).scale(&ratio(1, 4));
/// let plan = TaylorPlan::new(&f, 2, 8).unwrap();
/// let b = plan.bound(6, 12).unwrap();
/// assert_eq!(&b.taylor, plan.taylor());
/// assert!(b.total() < ratio(1, 100));
/// ```
#[derive(Clone, Debug)]
pub struct TaylorPlan {
    d: usize,
    n: u32,
    grid: u64,
    orders: Vec<Vec<u32>>,
    /// per grid point (in build order): the terms with `β ≠ 0`
    points: Vec<Vec<Term>>,
    taylor: Rational,
    /// per order `k < n`: `d^(n−k)·2^k` and `n·N^n·3^k` (`γ = j·a/q`)
    gamma: Vec<(BigInt, BigInt)>,
}

/// The coefficients of a [`TaylorPlan`] realised at one `t` (Prop. 3).
#[derive(Clone, Debug)]
pub(crate) struct Rounded {
    pub(crate) t: u32,
    /// per point, per term: `2^(t+1)·|γ′|`, the multiplier `2|γ′|` in
    /// units of 2^−t
    units: Vec<Vec<BigInt>>,
    /// `2^d · max_m Σ_ν |γ′ − γ|`
    pub(crate) coefficients: Rational,
}

impl TaylorPlan {
    /// The plan of `target` (in `target.nvars()` variables on `[0, 1]^d`)
    /// for order `n` on the grid `N`.
    ///
    /// # Errors
    /// `n = 0` or `N = 0`.
    pub fn new(target: &crate::Poly, n: u32, grid: u64) -> Result<Self, CoreError> {
        Self::within(&Expansion::new(target), n, grid, None)?
            .map_err(|_| super::internal("a plan without a limit"))
    }

    /// [`new`](Self::new) from the target's expansion, or why it stopped
    /// early ([`Stop`]): as soon as the Taylor part at some grid point
    /// exceeds `limit.eps` (the bound then does too, whatever `r` and `t`),
    /// or as soon as every network meeting `limit.eps` on this grid is
    /// sure to be estimated above `limit.size`.
    ///
    /// The size test: a grid point where `2^d·|γ_0| > ε` (the order-0 term)
    /// carries that term in every network whose bound is at most ε — left
    /// out, it alone would put the coefficient part above ε — so it costs
    /// at least [`live_point_cost`] in [`estimate`](Self::estimate).
    pub(crate) fn within(
        expansion: &Expansion,
        n: u32,
        grid: u64,
        limit: Option<Limit<'_>>,
    ) -> Result<Result<Self, Stop>, CoreError> {
        check_grid(n, grid)?;
        let d = expansion.d;
        let g = Grid::new(expansion, n, grid);
        let gamma: Vec<(BigInt, BigInt)> = (0..n)
            .map(|k| {
                (
                    num_traits::pow(BigInt::from(d), (n - k) as usize) * (BigInt::one() << k),
                    BigInt::from(n)
                        * &g.grid_powers[n as usize]
                        * num_traits::pow(BigInt::from(3), k as usize),
                )
            })
            .collect();
        // part > ε ⇔ part_num·ε_den > ε_num·DEN_T; 2^d|γ_0| > ε ⇔
        // |j|·a_0·2^d·ε_den > ε_num·q_0
        let eps = limit.as_ref().map(|l| {
            let (num, den) = (l.eps.numer(), l.eps.denom());
            let forced = (&gamma[0].0 << d) * den;
            (den.clone(), num * &g.taylor_den, forced, num * &gamma[0].1)
        });
        let size = limit.as_ref().and_then(|l| l.size);
        let per_point = live_point_cost(d, grid);
        let mut floor = Parts::new(grid, 1).shared(1, 1);
        let mut worst = BigInt::zero();
        let mut points = Vec::new();
        for m in grid_points(d, grid) {
            let (part, terms) = g.point(expansion, &m);
            if let Some((den, num, forced, threshold)) = &eps {
                if &part * den > *num {
                    return Ok(Err(Stop::Taylor(m)));
                }
                let order_0 = terms.first().filter(|term| term.order == 0);
                if order_0.is_some_and(|term| term.j.abs() * forced > *threshold) {
                    floor += per_point;
                    if size.is_some_and(|s| floor > s) {
                        return Ok(Err(Stop::Size(floor)));
                    }
                }
            }
            worst = worst.max(part);
            points.push(terms);
        }
        Ok(Ok(TaylorPlan {
            d,
            n,
            grid,
            orders: orders_below(d, n),
            points,
            taylor: Rational::new(worst, g.taylor_den.clone()),
            gamma,
        }))
    }

    /// The Taylor part of the bound at the one grid point `m` (a lower
    /// bound on [`taylor`](Self::taylor)), without a plan.
    ///
    /// # Errors
    /// `n = 0` or `N = 0`.
    pub(crate) fn part_at(
        expansion: &Expansion,
        n: u32,
        grid: u64,
        m: &[u64],
    ) -> Result<Rational, CoreError> {
        check_grid(n, grid)?;
        let g = Grid::new(expansion, n, grid);
        Ok(Rational::new(g.point(expansion, m).0, g.taylor_den.clone()))
    }

    /// The Taylor order `n`.
    pub fn n(&self) -> u32 {
        self.n
    }

    /// The grid `N`.
    pub fn grid(&self) -> u64 {
        self.grid
    }

    /// [`TaylorBound::taylor`]: the part of the bound `r` and `t` do not
    /// change.
    pub fn taylor(&self) -> &Rational {
        &self.taylor
    }

    /// γ of a term.
    fn gamma_of(&self, term: &Term) -> Rational {
        let (a, q) = &self.gamma[term.order as usize];
        Rational::new(&term.j * a, q.clone())
    }

    /// The terms `(ν index, γ)` of every grid point, in build order.
    fn terms(&self) -> impl Iterator<Item = Vec<(usize, Rational)>> + '_ {
        self.points.iter().map(|terms| {
            terms
                .iter()
                .map(|term| (term.nu, self.gamma_of(term)))
                .collect()
        })
    }

    /// The exact bound of the network built with `r` and `t`.
    ///
    /// # Errors
    /// As [`term_errors`](Self::term_errors).
    pub fn bound(&self, r: u32, t: u32) -> Result<TaylorBound, CoreError> {
        let errors = self.term_errors(r)?;
        Ok(self.bound_with(&self.rounded(t), &errors))
    }

    /// The bound from the parts [`rounded`](Self::rounded) and
    /// [`term_errors`](Self::term_errors) cache.
    pub(crate) fn bound_with(&self, rounded: &Rounded, errors: &[Rational]) -> TaylorBound {
        TaylorBound {
            taylor: self.taylor.clone(),
            products: self.products(rounded, errors),
            coefficients: rounded.coefficients.clone(),
        }
    }

    /// `δ_ν` for every `|ν| < n` (by increasing `|ν|`, then in
    /// lexicographic order of the exponent vectors): the bound on
    /// `|×′(ψ′_m, U′_ν) − ψ_m·u^ν|` (eqs. 21–24 through [`crate::bound`]),
    /// the same at every grid point. `ψ′_m = ×′(h_1, ×′(h_2, …))` of exact
    /// bumps, `U′_ν` the product tree of the offsets that
    /// [`direct::plan`](super::direct::plan) chooses on `[−1, 1]^d`.
    ///
    /// # Errors
    /// Internal limits only (an argument of ×′ beyond 2).
    pub fn term_errors(&self, r: u32) -> Result<Vec<Rational>, CoreError> {
        let one = Rational::one();
        let zero = Rational::zero();
        let (mut psi_delta, mut psi_reach) = (zero.clone(), one.clone());
        for _ in 1..self.d {
            psi_delta = crate::bound::mul_propagated(
                r,
                (&one, &zero, &one),
                (&one, &psi_delta, &psi_reach),
            )
            .ok_or_else(|| super::internal("ψ out of range"))?;
            psi_reach = &one + &psi_delta;
        }
        let unit_box = vec![(-one.clone(), one.clone()); self.d];
        self.orders
            .iter()
            .map(|nu| {
                if nu.iter().all(|&e| e == 0) {
                    return Ok(psi_delta.clone());
                }
                let monomial = crate::Poly::from_terms(self.d, [(one.clone(), nu.clone())]);
                let plan = super::direct::plan(&monomial, &unit_box, r)?;
                let top = plan
                    .nodes
                    .last()
                    .ok_or_else(|| super::internal("empty plan"))?;
                crate::bound::mul_propagated(
                    r,
                    (&one, &psi_delta, &psi_reach),
                    (&one, &top.delta, &top.reach),
                )
                .ok_or_else(|| super::internal("a Taylor term out of range"))
            })
            .collect()
    }

    /// The coefficients realised at precision `t` and the coefficient part
    /// of the bound: `2|γ′| = round(2|γ|·2^t)·2^−t`, ties to even
    /// ([`weight::round_to`], `TERM_EXP = 1`), computed as
    /// `K = round(P/Q)` with `P = 2^(t+1)·|j|·d^(n−k)·2^k` and
    /// `Q = n·N^n·3^k`; then `|γ′ − γ| = |K·Q − P| / (Q·2^(t+1))`.
    pub(crate) fn rounded(&self, t: u32) -> Rounded {
        use num_integer::Integer;
        let top = self.n - 1;
        let three = |k: u32| num_traits::pow(BigInt::from(3), k as usize);
        let lift: Vec<BigInt> = (0..self.n).map(|k| three(top - k)).collect();
        let mut worst = BigInt::zero();
        let units = self
            .points
            .iter()
            .map(|terms| {
                let mut part = BigInt::zero();
                let row = terms
                    .iter()
                    .map(|term| {
                        let (a, q) = &self.gamma[term.order as usize];
                        let p = (term.j.abs() * a) << (t + TERM_EXP);
                        let (k, rem) = p.div_rem(q);
                        let twice: BigInt = rem << 1;
                        let k = match twice.cmp(q) {
                            std::cmp::Ordering::Less => k,
                            std::cmp::Ordering::Greater => k + 1,
                            std::cmp::Ordering::Equal if k.is_even() => k,
                            std::cmp::Ordering::Equal => k + 1,
                        };
                        part += (&k * q - p).abs() * &lift[term.order as usize];
                        k
                    })
                    .collect();
                worst = worst.clone().max(part);
                row
            })
            .collect();
        // over Q_max·2^(t+1), Q_max = n·N^n·3^(n−1)
        let den = &self.gamma[top as usize].1 << (t + TERM_EXP);
        Rounded {
            t,
            units,
            coefficients: self.corners() * Rational::new(worst, den),
        }
    }

    /// `2^d · max_m Σ_ν |γ′_{m,ν}|·δ_ν`.
    pub(crate) fn products(&self, rounded: &Rounded, errors: &[Rational]) -> Rational {
        let (numerators, den) = common_denominator(errors);
        let mut worst = BigInt::zero();
        for (terms, units) in self.points.iter().zip(&rounded.units) {
            let mut part = BigInt::zero();
            for (term, k) in terms.iter().zip(units) {
                if !k.is_zero() {
                    part += k * &numerators[term.nu];
                }
            }
            worst = worst.max(part);
        }
        self.corners() * Rational::new(worst, den << (rounded.t + TERM_EXP))
    }

    /// `2^d · max_m Σ_ν max(0, |γ| − 2^−s)·δ_ν`: a lower bound on the ×′
    /// part at every precision whose coefficients are within `2^−s` of γ
    /// (at every `t′ ≥ t` for `s = t + 2`).
    pub(crate) fn products_below(&self, errors: &[Rational], s: u32) -> Rational {
        let (numerators, den) = common_denominator(errors);
        let top = self.n - 1;
        let three = |k: u32| num_traits::pow(BigInt::from(3), k as usize);
        let lift: Vec<BigInt> = (0..self.n).map(|k| three(top - k)).collect();
        let mut worst = BigInt::zero();
        for terms in &self.points {
            let mut part = BigInt::zero();
            for term in terms {
                // |γ| − 2^−s = (|j|·a·2^s − q) / (q·2^s)
                let (a, q) = &self.gamma[term.order as usize];
                let low = ((term.j.abs() * a) << s) - q;
                if low.is_positive() {
                    part += low * &lift[term.order as usize] * &numerators[term.nu];
                }
            }
            worst = worst.max(part);
        }
        let den = den * (&self.gamma[top as usize].1 << s);
        self.corners() * Rational::new(worst, den)
    }

    /// An upper bound on the weights [`build_taylor`] builds for this plan,
    /// `r` and `t` (tests check it against the built networks), tighter
    /// than the estimate made from the parameters alone: it counts only the
    /// grid points and terms whose coefficient survives rounding
    /// (`γ′ ≠ 0`), and the copies and power-chain nodes of each coefficient
    /// from the binary digits of its multiplier `2|γ′|` rather than from `t`.
    pub fn estimate(&self, r: u32, t: u32) -> u64 {
        self.estimate_with(&self.rounded(t), r)
    }

    /// [`estimate`](Self::estimate) from the coefficients realised at `t`.
    pub(crate) fn estimate_with(&self, rounded: &Rounded, r: u32) -> u64 {
        let d = self.d as u64;
        let r = u64::from(r);
        let parts = Parts::new(self.grid, r);
        let sub = parts.product + parts.product_gates;
        let size = self.grid as usize + 1;
        let mut bumps = vec![false; self.d * size];
        let mut total: u64 = 0;
        let t = rounded.t;
        for ((m, terms), units) in grid_points(self.d, self.grid)
            .zip(&self.points)
            .zip(&rounded.units)
        {
            let mut live = false;
            for (term, k) in terms.iter().zip(units) {
                if k.is_zero() {
                    continue;
                }
                live = true;
                let order = u64::from(term.order);
                let (n, count, top, first) = digits(k, t);
                // copies of each gate: 2n for the integer part, one for 2^−1
                let copies = (2 * n + u64::from(first)).max(1);
                let relays = 2 * copies.saturating_sub(2);
                // per sign: the trie nodes (at most one per position) and the reads
                let chains = 2 * (top + count + 2 * n);
                let gates = if order == 0 {
                    // ψ′_m: the bump's gate (d = 1), or the gates the ψ
                    // product has anyway (d ≥ 2, in `sub`) and relays
                    if d == 1 { 16 } else { 2 * relays }
                } else {
                    (order - 1) * sub + parts.product + 2 * (parts.form * copies.min(2) + relays)
                };
                total = total.saturating_add(gates + chains);
            }
            if live {
                total = total.saturating_add((d - 1) * sub);
                for (k, &mk) in m.iter().enumerate() {
                    bumps[k * size + mk as usize] = true;
                }
            }
        }
        let bumps = bumps.iter().filter(|&&b| b).count() as u64;
        total
            .saturating_add(bumps * parts.bump)
            .saturating_add(parts.shared(r, u64::from(rounded.t)))
    }

    /// A lower bound on the weights [`build_taylor`] builds for this plan,
    /// `r` and `t` (tests check it against the built networks), for
    /// comparing with networks too large to build. A ×′ reads at least
    /// `18r − 12` weights (its three f_s^r at least `2 + 6(r − 1)` each).
    /// Every grid point with a term that survives rounding has its own
    /// bump, whose four `h` units read 18 weights (d = 1), or the `d − 1`
    /// products of ψ′_m (d ≥ 2); every such term is at least one output
    /// weight, and one of order ≥ 1 has its own product `×′(ψ′_m, U_ν)`.
    pub fn least_weights(&self, r: u32, t: u32) -> u64 {
        let rounded = self.rounded(t);
        let product = 18 * u64::from(r) - 12;
        let per_point = if self.d == 1 {
            18
        } else {
            (self.d as u64 - 1) * product
        };
        self.points
            .iter()
            .zip(&rounded.units)
            .map(|(terms, units)| {
                let live = terms.iter().zip(units).filter(|(_, k)| !k.is_zero());
                let cost: u64 = live
                    .map(|(term, _)| 1 + if term.order > 0 { product } else { 0 })
                    .sum();
                if cost == 0 { 0 } else { per_point + cost }
            })
            .sum()
    }

    fn corners(&self) -> Rational {
        Rational::from_integer((1u64 << self.d.min(62)).into())
    }
}

/// Builds Theorem 1's network for the polynomial `target` on `[0, 1]^d`
/// (module docs): `f′ = Σ_m Σ_{|ν|<n} γ′_{m,ν} ×′(ψ′_m, U_ν)` with
/// `ψ′_m` the ×′ product of the bumps of `m`, `U_ν` the product of the
/// offsets `u_k = (3Nx_k − 3m_k)/2` (so `(x − m/N)^ν = (2/(3N))^|ν| u^ν`
/// and `γ = β·(2/(3N))^|ν|`), and the a-priori bound, by part.
///
/// `×′(ψ′_m, ·)` is exactly 0 wherever some bump of `m` is 0 (Prop. 2 (i)),
/// whatever the offsets are there; where every bump is positive each
/// `|u_k| < 1`, so every ×′ sees arguments within its bound's range. We
/// multiply `ψ′_m` once per `m` and then by each `U_ν` — `d − 1 + |ν|`
/// products per term as in eq. 22, but the `d − 1` of ψ are shared by the
/// terms of one `m`. A term whose coefficient rounds to `γ′ = 0` at
/// precision `t` is not built (nor ψ′_m, nor the bumps of `m`, when no term
/// of `m` is left): it contributes `|γ|` to the coefficient part and
/// nothing else.
///
/// The bound's products and coefficients parts are accumulated from what
/// is built (the δ of each product as it is made, the γ′ Prop. 3 returns);
/// [`TaylorPlan::bound`] computes the same parts without building.
///
/// # Errors
/// `n = 0`, `N = 0`; builder errors.
pub fn build_taylor(
    target: &crate::Poly,
    inputs: &[String],
    params: TaylorParams,
    codebook: Codebook,
) -> Result<(Net, TaylorBound), CoreError> {
    use crate::bound;
    use num_traits::Signed;
    use std::collections::HashMap;

    let TaylorParams { n, grid, r, t } = params;
    let plan = TaylorPlan::new(target, n, grid)?;
    let d = target.nvars();
    let one = Rational::one();
    let zero = Rational::zero();
    let corners = Rational::from_integer((1u64 << d.min(62)).into());
    let unit_box: Vec<(Rational, Rational)> = vec![(-one.clone(), one.clone()); d];
    // the product tree of each U_ν, planned once
    let mut trees: HashMap<usize, super::direct::Plan> = HashMap::new();

    let mut b = NetBuilder::new(codebook, inputs);
    let mut bumps = Bumps::new(&mut b)?;
    let mut arena: Vec<Signal> = Vec::new();
    // (input, m_k) ↦ (bump, offset) in the arena
    let mut cached: HashMap<(usize, u64), (usize, usize)> = HashMap::new();
    let mut out = LinearForm::default();
    let mut bound = TaylorBound {
        taylor: plan.taylor.clone(),
        products: zero.clone(),
        coefficients: zero.clone(),
    };

    for (m, terms) in grid_points(d, grid).zip(plan.terms()) {
        let mut products_m = zero.clone();
        let mut coefficients_m = zero.clone();
        let live: Vec<(usize, Rational)> = terms
            .into_iter()
            .filter(|(_, gamma)| {
                let dead = super::direct::realised(gamma, TERM_EXP, t).is_zero();
                if dead {
                    coefficients_m += gamma.abs();
                }
                !dead
            })
            .collect();
        if live.is_empty() {
            bound.coefficients = bound.coefficients.max(&corners * coefficients_m);
            continue;
        }
        // the bumps and offsets of m
        let mut hs = Vec::with_capacity(d);
        let mut us = Vec::with_capacity(d);
        for (k, &mk) in m.iter().enumerate() {
            let (h, u) = match cached.get(&(k, mk)) {
                Some(&pair) => pair,
                None => {
                    let (h, u) = bumps.bump_and_offset(&mut b, k, grid, mk)?;
                    arena.push(h);
                    arena.push(u);
                    let pair = (arena.len() - 2, arena.len() - 1);
                    cached.insert((k, mk), pair);
                    pair
                }
            };
            hs.push(h);
            us.push(u);
        }
        // ψ′_m = ×′(h_1, ×′(h_2, … h_d)): exact bumps, so δ starts at 0
        let mut psi = hs[d - 1];
        let (mut psi_delta, mut psi_reach) = (zero.clone(), one.clone());
        for k in (0..d - 1).rev() {
            let (x, y) = super::signal::pair_mut(&mut arena, hs[k], psi)?;
            let p = super::signal::product(&mut b, x, y, r)?;
            arena.push(p);
            psi = arena.len() - 1;
            psi_delta =
                bound::mul_propagated(r, (&one, &zero, &one), (&one, &psi_delta, &psi_reach))
                    .ok_or_else(|| super::internal("ψ out of range"))?;
            psi_reach = &one + &psi_delta;
        }
        // sub-products of the offsets of m, by exponent vector
        let mut offsets: HashMap<Vec<u32>, usize> = HashMap::new();
        for (i, gamma) in live {
            let nu = &plan.orders[i];
            let (term, delta) = if nu.iter().all(|&e| e == 0) {
                (psi, psi_delta.clone())
            } else {
                let tree = match trees.entry(i) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        let monomial = crate::Poly::from_terms(d, [(one.clone(), nu.clone())]);
                        e.insert(super::direct::plan(&monomial, &unit_box, r)?)
                    }
                };
                let mut ids: Vec<usize> = Vec::with_capacity(tree.nodes.len());
                for node in &tree.nodes {
                    if let Some(id) = offsets.get(&node.exps) {
                        ids.push(*id);
                        continue;
                    }
                    let id = match node.op {
                        super::direct::Op::Input(k) => us[k],
                        super::direct::Op::Square(a) => {
                            let s = super::signal::square(&mut b, &mut arena[ids[a]], r)?;
                            arena.push(s);
                            arena.len() - 1
                        }
                        super::direct::Op::Mul(x, y) => {
                            let (x, y) = super::signal::pair_mut(&mut arena, ids[x], ids[y])?;
                            let s = super::signal::product(&mut b, x, y, r)?;
                            arena.push(s);
                            arena.len() - 1
                        }
                    };
                    offsets.insert(node.exps.clone(), id);
                    ids.push(id);
                }
                let top = tree
                    .nodes
                    .last()
                    .ok_or_else(|| super::internal("empty plan"))?;
                let u_id = ids[ids.len() - 1];
                let (x, y) = super::signal::pair_mut(&mut arena, psi, u_id)?;
                let p = super::signal::product(&mut b, x, y, r)?;
                arena.push(p);
                let delta = bound::mul_propagated(
                    r,
                    (&one, &psi_delta, &psi_reach),
                    (&one, &top.delta, &top.reach),
                )
                .ok_or_else(|| super::internal("a Taylor term out of range"))?;
                (arena.len() - 1, delta)
            };
            if arena[term].exp != TERM_EXP {
                return Err(super::internal("a Taylor term of another exponent"));
            }
            let (form, realised) = super::signal::scaled(&mut b, &mut arena[term], &gamma, t)?;
            out.add(&form, false);
            products_m += realised.abs() * &delta;
            coefficients_m += (&realised - &gamma).abs();
        }
        bound.products = bound.products.max(&corners * products_m);
        bound.coefficients = bound.coefficients.max(&corners * coefficients_m);
    }
    let net = b.finish(Rational::zero(), &out)?;
    Ok((net, bound))
}

/// Checks that `target ∈ F_{d,n}` (eq. 1): every derivative of order ≤ n
/// at most 1 in magnitude on `[0, 1]^d`. A derivative passes when its
/// Bernstein coefficients on every box of a subdivision of `[0, 1]^d` lie
/// in [−1, 1] (a proof: they enclose its range); it fails when an exact
/// value at a point examined — a midpoint of the subdivision or a point of
/// the grid `{0, 1/8, …, 1}^d` — exceeds 1 (a proof too). The subdivision
/// ([`crate::bernstein::sup_abs`]) decides every derivative whose maximum
/// is not exactly 1 at an irrational point, within its budget of splits.
/// Between the two — the enclosure stays above 1 but no point examined
/// exceeds 1 — the target is refused as well, saying that the bound could
/// not be shown.
///
/// # Errors
/// [`CoreError::InvalidParameter`] on the target, with the largest value
/// found and the scale that would fit.
pub fn check_smoothness(target: &crate::Poly, n: u32, names: &[&str]) -> Result<(), CoreError> {
    let d = target.nvars();
    // (value, point, ν) of the largest grid value, and of the loosest enclosure
    let mut worst: Option<(Rational, Vec<Rational>, Vec<u32>)> = None;
    let mut loosest: Option<(Rational, Vec<u32>)> = None;
    for nu in orders_below(d, n + 1) {
        let mut q = target.clone();
        for (l, &e) in nu.iter().enumerate() {
            for _ in 0..e {
                q = q.derivative(l);
            }
        }
        // refined by subdivision: one box's Bernstein coefficients of
        // Chebyshev-like derivatives overshoot by 40×
        let (lower, at, enclosure) = crate::bernstein::sup_abs(&q);
        if enclosure <= Rational::one() {
            continue;
        }
        if lower > Rational::one() && worst.as_ref().is_none_or(|(w, _, _)| lower > *w) {
            worst = Some((lower, at, nu.clone()));
        }
        if loosest.as_ref().is_none_or(|(e, _)| enclosure > *e) {
            loosest = Some((enclosure, nu.clone()));
        }
        // look for a witness on a grid, exactly
        let mut idx = vec![0i64; d];
        'grid: loop {
            let x: Vec<Rational> = idx
                .iter()
                .map(|&k| Rational::new(k.into(), 8.into()))
                .collect();
            let v = q.eval(&x).abs();
            if v > Rational::one() && worst.as_ref().is_none_or(|(w, _, _)| v > *w) {
                worst = Some((v, x, nu.clone()));
            }
            let mut l = 0;
            loop {
                if l == d {
                    break 'grid;
                }
                if idx[l] < 8 {
                    idx[l] += 1;
                    break;
                }
                idx[l] = 0;
                l += 1;
            }
        }
    }
    let describe = |nu: &[u32]| {
        if nu.iter().all(|&e| e == 0) {
            "the target".to_owned()
        } else {
            let parts: Vec<String> = nu
                .iter()
                .enumerate()
                .filter(|(_, e)| **e > 0)
                .map(|(l, e)| {
                    if *e == 1 {
                        format!("d{}", names[l])
                    } else {
                        format!("d{}^{e}", names[l])
                    }
                })
                .collect();
            format!("its derivative {}", parts.join(" "))
        }
    };
    let message = match (worst, loosest) {
        (Some((v, at, nu)), _) => {
            let at: Vec<String> = at.iter().map(rational::display).collect();
            format!(
                "`structure = taylor` needs every derivative of order <= {n} bounded by 1 on \
                 [0, 1] (F_{{d,n}}, eq. 1), but {} is {} at ({}); scale the target by {} \
                 or less",
                describe(&nu),
                rational::display(&v),
                at.join(", "),
                rational::display(&v.recip())
            )
        }
        (None, Some((e, nu))) => format!(
            "`structure = taylor` needs every derivative of order <= {n} bounded by 1 on \
             [0, 1] (F_{{d,n}}, eq. 1); for {} only the bound {} could be shown; scale the \
             target by {} to be sure",
            describe(&nu),
            rational::display(&e),
            rational::display(&e.recip())
        ),
        (None, None) => return Ok(()),
    };
    Err(CoreError::InvalidParameter {
        subject: Subject::Target,
        message,
    })
}

/// Refuses parameters the Taylor structure cannot use, and targets outside
/// F_{d,n}.
pub(crate) fn check_supported(spec: &super::NetSpec) -> Result<(), CoreError> {
    let missing = |subject, message: &str| CoreError::InvalidParameter {
        subject,
        message: message.to_owned(),
    };
    if spec.tune {
        if spec.eps.is_none() {
            return Err(missing(
                Subject::Param("tune"),
                "`tune = smallest` needs `eps`: it searches for the smallest network whose \
                 bound is at most `eps`",
            ));
        }
        for (given, subject, message) in [
            (
                spec.r.is_some(),
                "r",
                "`tune = smallest` chooses `r`; leave `r` out",
            ),
            (
                spec.grid.is_some(),
                "N",
                "`tune = smallest` chooses `N`; leave `N` out",
            ),
        ] {
            if given {
                return Err(missing(Subject::Param(subject), message));
            }
        }
    }
    let n = match spec.n {
        Some(n) => n,
        // the search tries every order the target allows, from 1
        None if spec.tune => 1,
        None => {
            return Err(missing(
                Subject::Param("n"),
                "`structure = taylor` needs the Taylor order `n`, as in `n = 2`, unless \
                 `tune = smallest` chooses it",
            ));
        }
    };
    if spec.grid.is_none() && spec.eps.is_none() {
        return Err(missing(
            Subject::Param("N"),
            "`structure = taylor` needs the grid `N`, as in `N = 8`, unless `eps` is given",
        ));
    }
    if spec.r.is_none() && spec.eps.is_none() {
        return Err(missing(
            Subject::Param("r"),
            "`r` is required unless `eps` is given",
        ));
    }
    for (i, (lo, hi)) in spec.domain.iter().enumerate() {
        if !lo.is_zero() || !hi.is_one() {
            return Err(CoreError::Unsupported {
                subject: Subject::Domain(i),
                message: format!(
                    "`structure = taylor` works on [0, 1] (Theorem 1's F_{{d,n}}), not [{}, {}]",
                    rational::display(lo),
                    rational::display(hi)
                ),
            });
        }
    }
    let names: Vec<&str> = spec.inputs.iter().map(String::as_str).collect();
    check_smoothness(&spec.target, n, &names)
}

/// The spec with `N`, `r` and `t` chosen from `eps` by the paper's
/// formulas where they are not given (Section 4.3):
///
/// - eq. 28: the smallest `N` with `N^n ≥ 3·2^d·d^n/ε`;
/// - eq. 26: the smallest `r ≥ 1` with `2^(2(r+1)) ≥ 6N^n(d + n − 1)`
///   (eq. 26 rounded up);
/// - `t = ⌈log2(n·N^n/d^n)⌉` (at least 1).
///
/// The paper also takes `N = c·d²` so that the offsets `m/N` fall on the
/// grid of the β; our bumps never round an offset (they compute
/// `3Nx − 3m`), so that constraint is not needed. After building, the
/// exact bound is checked against `eps` ([`super::build`] refuses the
/// choice otherwise, reporting the bound).
pub(crate) fn resolve(spec: &super::NetSpec) -> super::NetSpec {
    let mut out = spec.clone();
    let Some(eps) = &spec.eps else {
        return out;
    };
    let n = spec.n.unwrap_or(1);
    let d = spec.inputs.len() as u64;
    let dn = num_traits::pow(Rational::from_integer(d.into()), n as usize);
    let need = Rational::from_integer((3u64 << d.min(60)).into()) * &dn / eps;
    let grid = out.grid.unwrap_or_else(|| {
        // ⌈need^(1/n)⌉, through ⌈need⌉ (the same for an integer N)
        let ceiling = u64::try_from(-rational::floor(&-need)).unwrap_or(u64::MAX);
        u32::try_from(rational::ceil_root(ceiling, n)).unwrap_or(u32::MAX)
    });
    out.grid = Some(grid);
    let nn = num_traits::pow(Rational::from_integer(grid.into()), n as usize);
    let r = out.r.unwrap_or_else(|| {
        let target = &nn * Rational::from_integer((6 * (d + u64::from(n) - 1)).into());
        let mut r = 1u32;
        while rational::pow2(2 * (i64::from(r) + 1)) < target && r < crate::gadget::square::MAX_R {
            r += 1;
        }
        r
    });
    out.r = Some(r);
    if out.t.is_none() {
        let ratio = Rational::from_integer(n.into()) * &nn / &dn;
        let mut t = 1u32;
        while rational::pow2(i64::from(t)) < ratio && t < 64 {
            t += 1;
        }
        out.t = Some(t);
    }
    out
}

/// Upper bounds on the weights of the parts of a Taylor network, shared by
/// [`estimate_weights`] and [`TaylorPlan::estimate`].
struct Parts {
    /// binary digits of 3N, plus one
    levels: u64,
    /// one bump: its h units, and two copies of each gate of z/2, whose
    /// form reads at most two terms per binary digit of 3N and of 3m
    bump: u64,
    /// one ×′ with small arguments: three f_s^r and the gates of the sum
    product: u64,
    /// the length of a product's form (7r + 12 terms)
    form: u64,
    /// the gates of a product's form, up to five copies per sign for a
    /// multiplier below 2 (targets in F_{d,n} have |β| <= 1)
    product_gates: u64,
}

impl Parts {
    fn new(grid: u64, r: u64) -> Self {
        let levels = u64::from(64 - (3 * grid).leading_zeros()) + 1;
        Parts {
            levels,
            bump: 34 + 16 * levels,
            product: 18 * r + 32,
            form: 7 * r + 12,
            product_gates: 28 * r + 60,
        }
    }

    /// The units shared by the whole network: constant chains, the scale
    /// chains' ladders, the constants of f_s^r.
    fn shared(&self, r: u64, t: u64) -> u64 {
        32 * self.levels + 4 * r + t + 64
    }
}

/// Weights of the Taylor network, estimated before building: an upper
/// bound assembled from the sizes of its parts (tests check it). Every
/// grid point is assumed to carry every term with a coefficient of `t`
/// binary digits; [`TaylorPlan::estimate`] knows the coefficients.
pub(crate) fn estimate_weights(spec: &super::NetSpec) -> u64 {
    let n = spec.n.unwrap_or(1);
    let grid = u64::from(spec.grid.unwrap_or(1));
    let r = u64::from(spec.r.unwrap_or(1));
    let t = u64::from(spec.t_or_default());
    let d = spec.inputs.len() as u64;
    let Parts {
        bump,
        product,
        product_gates,
        ..
    } = Parts::new(grid, r);
    // one coefficient: the power chains of two gates and their reads
    let chains = 4 * t + 16;
    let psi = (d - 1) * (product + product_gates);
    let mut per_point = psi;
    for nu in orders_below(d as usize, n) {
        let order = u64::from(nu.iter().sum::<u32>());
        per_point += chains
            + if order == 0 {
                if d == 1 { 16 } else { product_gates }
            } else {
                order.saturating_sub(1) * (product + product_gates) + product + product_gates
            };
    }
    let points = (grid + 1).saturating_pow(d as u32);
    points
        .saturating_mul(per_point)
        .saturating_add((grid + 1) * d * bump)
        .saturating_add(Parts::new(grid, r).shared(r, t))
}

/// For the multiplier `M = K·2^−t ≥ 0` Prop. 3 builds: its integer part
/// `n`, the number `|D|` and the largest position of the binary digits 1 of
/// its fraction, and whether the digit 2^−1 is one of them.
fn digits(k: &BigInt, t: u32) -> (u64, u64, u64, bool) {
    use num_traits::ToPrimitive;
    let n = (k >> t).to_u64().unwrap_or(u64::MAX / 8);
    let frac = k - ((k >> t) << t);
    match frac.trailing_zeros() {
        None => (n, 0, 0, false),
        Some(zeros) => (
            n,
            frac.magnitude().count_ones(),
            u64::from(t) - zeros,
            frac.bit(u64::from(t) - 1),
        ),
    }
}

/// The numerators of `values` over their least common denominator, and
/// that denominator.
fn common_denominator(values: &[Rational]) -> (Vec<BigInt>, BigInt) {
    use num_integer::Integer;
    let den = values
        .iter()
        .fold(BigInt::one(), |acc, v| acc.lcm(v.denom()));
    let numerators = values
        .iter()
        .map(|v| v.numer() * (&den / v.denom()))
        .collect();
    (numerators, den)
}

/// A one-input network whose output is `Σ_{m=0..N} h(3Nx − 3m)` — eq. 13's
/// partition of unity, equal to 1 on [0, 1] — with each bump read through
/// its gate (weight 1 = two halves of the gate `σ(h/2)·2`). For tests and
/// the tour.
///
/// # Errors
/// `N = 0`; builder errors.
pub fn partition_of_unity(grid: u64, codebook: Codebook) -> Result<Net, CoreError> {
    let mut b = NetBuilder::new(codebook, &["x".to_owned()]);
    let mut bumps = Bumps::new(&mut b)?;
    let mut out = LinearForm::default();
    let two = Rational::from_integer(2.into());
    for m in 0..=grid {
        let mut h = bumps.bump(&mut b, 0, grid, m)?;
        let chain = h.gate(&mut b, false)?;
        out.add(&weight::times(&mut b, chain, &two, Sign::Plus)?, false);
    }
    b.finish(Rational::zero(), &out)
}

/// One bump alone, `h(3Nx − 3m)`, as a one-input network (for tests).
///
/// # Errors
/// As [`partition_of_unity`], and `m > N`.
pub fn bump_network(grid: u64, m: u64, codebook: Codebook) -> Result<Net, CoreError> {
    let mut b = NetBuilder::new(codebook, &["x".to_owned()]);
    let mut bumps = Bumps::new(&mut b)?;
    let mut h = bumps.bump(&mut b, 0, grid, m)?;
    let chain = h.gate(&mut b, false)?;
    let two = Rational::from_integer(2.into());
    let out = weight::times(&mut b, chain, &two, Sign::Plus)?;
    b.finish(Rational::zero(), &out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::eval;
    use crate::rational::{int, ratio};
    use num_traits::Signed;

    /// eq. 12, exactly.
    fn h(z: &Rational) -> Rational {
        let a = z.abs();
        if a <= int(1) {
            int(1)
        } else if a < int(2) {
            int(2) - a
        } else {
            Rational::zero()
        }
    }

    fn points() -> Vec<Rational> {
        // dyadic, thirds, sevenths and the grid points themselves
        let mut p: Vec<Rational> = (0..=64).map(|k| ratio(k, 64)).collect();
        p.extend((0..=21).map(|k| ratio(k, 21)));
        p.extend((0..=9).map(|k| ratio(2 * k + 1, 19)));
        p
    }

    #[test]
    fn each_bump_is_h_exactly() {
        for grid in [1u64, 2, 3, 5, 8, 13] {
            for m in 0..=grid {
                let net = bump_network(grid, m, Codebook::nonlinear(2, 8).unwrap()).unwrap();
                for x in points() {
                    let z = Rational::from_integer((3 * grid).into()) * &x
                        - Rational::from_integer((3 * m).into());
                    assert_eq!(
                        eval(&net, std::slice::from_ref(&x)),
                        h(&z),
                        "N={grid} m={m} x={x}"
                    );
                }
            }
        }
    }

    #[test]
    fn bumps_sum_to_one_exactly_eq_13() {
        for grid in [1u64, 2, 4, 7, 10, 33] {
            for lambda in [2, 3] {
                let net =
                    partition_of_unity(grid, Codebook::nonlinear(lambda, 8).unwrap()).unwrap();
                for x in points() {
                    assert!(
                        eval(&net, std::slice::from_ref(&x)).is_one(),
                        "N={grid} x={x}"
                    );
                }
                // and only on [0, 1]: past 1 the last bump falls off (below 0
                // the gate σ(½x) clamps x to 0, outside the domain anyway)
                assert!(eval(&net, &[int(2)]).is_zero());
                assert!(eval(&net, &[-int(1)]).is_one());
                assert!(net.parameters().all(|(what, v)| {
                    net.codebook.contains(v) || (what == "bias" && v.is_zero())
                }));
            }
        }
    }

    fn smooth() -> crate::Poly {
        // x³/6 − x²/4 + x/3: every derivative bounded by 1 on [0, 1]
        let x = crate::Poly::var(1, 0);
        x.pow(3)
            .scale(&ratio(1, 6))
            .sub(&x.pow(2).scale(&ratio(1, 4)))
            .add(&x.scale(&ratio(1, 3)))
    }

    /// The exact error on a grid of `den + 1` points per axis (non-dyadic
    /// for den = 21) never exceeds the a-priori bound.
    fn check(
        target: &crate::Poly,
        params: TaylorParams,
        lambda: u32,
        den: i64,
    ) -> (usize, Rational, Rational) {
        let d = target.nvars();
        let names: Vec<String> = (0..d).map(|k| format!("x{k}")).collect();
        let codebook = Codebook::nonlinear(lambda, params.t).unwrap();
        let (net, bound) = build_taylor(target, &names, params, codebook).unwrap();
        let total = bound.total();
        let mut spec = super::super::NetSpec::new(
            "T",
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
            target.clone(),
        );
        spec.structure = super::super::Structure::Taylor;
        spec.n = Some(params.n);
        spec.grid = Some(params.grid as u32);
        spec.r = Some(params.r);
        spec.t = Some(params.t);
        let built = crate::metrics::metrics(&net).weights as u64;
        assert!(estimate_weights(&spec) >= built, "estimate below {built}");
        let plan = TaylorPlan::new(target, params.n, params.grid).unwrap();
        assert!(plan.estimate(params.r, params.t) >= built);
        assert!(plan.least_weights(params.r, params.t) <= built);
        assert_eq!(plan.bound(params.r, params.t).unwrap(), bound);
        let mut worst = Rational::zero();
        let mut idx = vec![0i64; d];
        loop {
            let x: Vec<Rational> = idx.iter().map(|&k| ratio(k, den)).collect();
            let err = (eval(&net, &x) - target.eval(&x)).abs();
            assert!(
                err <= total,
                "{params:?}: error {err} > bound {total} at {x:?}"
            );
            worst = worst.max(err);
            let mut k = 0;
            loop {
                if k == d {
                    return (crate::metrics::metrics(&net).weights, total, worst);
                }
                if idx[k] < den {
                    idx[k] += 1;
                    break;
                }
                idx[k] = 0;
                k += 1;
            }
        }
    }

    #[test]
    fn theorem_1_networks_meet_their_bound_in_1d() {
        let f = smooth();
        let mut last = None;
        for n in 1..=3 {
            for grid in [2u64, 4, 8] {
                let params = TaylorParams {
                    n,
                    grid,
                    r: 6,
                    t: 14,
                };
                let (w, bound, err) = check(&f, params, 2, 63);
                eprintln!(
                    "n={n} N={grid}: {w} weights, bound {:.3e}, measured {:.3e}",
                    rational::to_f64(&bound),
                    rational::to_f64(&err)
                );
                assert!(err > Rational::zero());
                last = Some(bound);
            }
        }
        assert!(last.is_some());
    }

    #[test]
    fn theorem_1_networks_meet_their_bound_in_2d() {
        let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
        let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
        let params = TaylorParams {
            n: 2,
            grid: 4,
            r: 6,
            t: 12,
        };
        let (w, bound, err) = check(&saddle, params, 3, 21);
        eprintln!(
            "saddle: {w} weights, bound {:.3e}, measured {:.3e}",
            rational::to_f64(&bound),
            rational::to_f64(&err)
        );
    }

    /// `p(y + a)` as a polynomial in `y`, by expanding every power
    /// `(y_k + a_k)^e`: its coefficients are the Taylor coefficients at `a`.
    fn shifted(p: &crate::Poly, a: &[Rational]) -> crate::Poly {
        use crate::Poly;
        let d = p.nvars();
        let mut out = Poly::zero(d);
        for (exps, c) in p.terms() {
            let mut term = Poly::constant(d, c.clone());
            for (k, &e) in exps.iter().enumerate() {
                let base = Poly::var(d, k).add(&Poly::constant(d, a[k].clone()));
                term = term.mul(&base.pow(e));
            }
            out = out.add(&term);
        }
        out
    }

    /// The integer arithmetic of [`TaylorPlan`] against eqs. 15–18 in
    /// rationals: the Taylor part (tail and β rounding) and every γ.
    #[test]
    fn the_plan_follows_eqs_15_to_18() {
        let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
        let mixed = x
            .mul(&y)
            .scale(&ratio(1, 2))
            .sub(&y.pow(3).scale(&ratio(1, 6)))
            .add(&x.scale(&ratio(-1, 5)));
        let z = crate::Poly::var(3, 2);
        let triple = crate::Poly::var(3, 0)
            .mul(&z)
            .scale(&ratio(1, 7))
            .add(&z.pow(2).scale(&ratio(-1, 3)));
        let cases = [
            (smooth(), vec![(1, 7), (2, 5), (3, 3), (4, 6), (6, 2)]),
            (mixed, vec![(1, 4), (2, 3), (3, 5)]),
            (triple, vec![(1, 2), (2, 3)]),
        ];
        for (target, params) in cases {
            let d = target.nvars();
            for (n, grid) in params {
                let plan = TaylorPlan::new(&target, n, grid).unwrap();
                let rho = Rational::new(2.into(), (3 * grid).into());
                let orders = orders_below(d, n);
                let mut worst = Rational::zero();
                for (m, terms) in grid_points(d, grid).zip(plan.terms()) {
                    let a: Vec<Rational> = m
                        .iter()
                        .map(|&k| Rational::new(k.into(), grid.into()))
                        .collect();
                    let taylor = shifted(&target, &a);
                    let mut part = Rational::zero();
                    for (nu, c) in taylor.terms() {
                        let order: u32 = nu.iter().sum();
                        if order >= n {
                            part += c.abs() * num_traits::pow(rho.clone(), order as usize);
                        }
                    }
                    let mut expected = Vec::new();
                    for (i, nu) in orders.iter().enumerate() {
                        let order: u32 = nu.iter().sum();
                        let exact = taylor.coefficient(nu);
                        let beta = round_to_step(&exact, &beta_step(n, d, grid, order));
                        let power = num_traits::pow(rho.clone(), order as usize);
                        part += (&exact - &beta).abs() * &power;
                        if !beta.is_zero() {
                            expected.push((i, beta * power));
                        }
                    }
                    assert_eq!(terms, expected, "n={n} N={grid} m={m:?}");
                    worst = worst.max(part);
                }
                assert_eq!(plan.taylor(), &worst, "n={n} N={grid}");
            }
        }
    }

    /// The bound [`TaylorPlan`] computes without building equals, part by
    /// part, the bound accumulated while building, and its estimate is an
    /// upper bound on the built weights — including small `t`, where some
    /// coefficients round to 0 and their terms are not built.
    #[test]
    fn the_bound_without_building_is_the_built_bound() {
        let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
        let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
        let mixed = x
            .mul(&y)
            .scale(&ratio(1, 2))
            .sub(&y.pow(3).scale(&ratio(1, 6)))
            .add(&x.scale(&ratio(1, 5)));
        let (u, v, w) = (
            crate::Poly::var(3, 0),
            crate::Poly::var(3, 1),
            crate::Poly::var(3, 2),
        );
        let triple = u
            .mul(&v)
            .mul(&w)
            .scale(&ratio(1, 4))
            .add(&v.scale(&ratio(1, 3)));
        // (n, N, r, t, λ)
        type Params = (u32, u64, u32, u32, u32);
        let cases: Vec<(crate::Poly, Vec<Params>)> = vec![
            (
                smooth(),
                vec![
                    (1, 5, 3, 4, 2),
                    (2, 8, 4, 3, 2),
                    (2, 7, 5, 2, 2),
                    (3, 4, 6, 12, 3),
                    (4, 3, 5, 10, 4),
                ],
            ),
            (
                saddle,
                vec![(1, 4, 3, 5, 2), (2, 3, 4, 6, 3), (3, 2, 5, 2, 2)],
            ),
            (mixed, vec![(2, 3, 5, 8, 2), (3, 2, 3, 4, 3)]),
            (triple, vec![(2, 1, 4, 6, 2)]),
        ];
        let mut dead = 0;
        for (target, params) in cases {
            let d = target.nvars();
            let names: Vec<String> = (0..d).map(|k| format!("x{k}")).collect();
            for (n, grid, r, t, lambda) in params {
                let codebook = Codebook::nonlinear(lambda, t).unwrap();
                let (net, built) =
                    build_taylor(&target, &names, TaylorParams { n, grid, r, t }, codebook)
                        .unwrap();
                let plan = TaylorPlan::new(&target, n, grid).unwrap();
                assert_eq!(
                    plan.bound(r, t).unwrap(),
                    built,
                    "n={n} N={grid} r={r} t={t}"
                );
                let weights = crate::metrics::metrics(&net).weights as u64;
                let estimate = plan.estimate(r, t);
                assert!(estimate >= weights, "{estimate} < {weights} built");
                assert!(plan.least_weights(r, t) <= weights);
                let rounded = plan.rounded(t);
                dead += rounded
                    .units
                    .iter()
                    .flatten()
                    .filter(|k| k.is_zero())
                    .count();
            }
        }
        assert!(dead > 0, "no case rounds a coefficient to 0");
    }

    #[test]
    fn multi_indices_below_n() {
        assert_eq!(orders_below(1, 3), vec![vec![0], vec![1], vec![2]]);
        assert_eq!(
            orders_below(2, 3),
            vec![
                vec![0, 0],
                vec![1, 0],
                vec![0, 1],
                vec![2, 0],
                vec![1, 1],
                vec![0, 2]
            ]
        );
        assert_eq!(orders_count(1, 3), 3);
        assert_eq!(orders_count(2, 3), 6);
        assert_eq!(orders_count(3, 2), 4);
        assert_eq!(grid_points(2, 2).count(), 9);
        assert_eq!(grid_points(2, 1).nth(1), Some(vec![1, 0]));
    }

    #[test]
    fn smoothness_is_checked_exactly() {
        let x = crate::Poly::var(1, 0);
        assert!(check_smoothness(&smooth(), 3, &["x"]).is_ok());
        // 2x³: the third derivative is 12
        let err = check_smoothness(&x.pow(3).scale(&int(2)), 3, &["x"]).unwrap_err();
        assert!(
            err.to_string().contains("is 12 at") && err.to_string().contains("1/12"),
            "{err}"
        );
        // x²: fine up to order 1 (2x ≤ 2 fails at order 1: 2 at x = 1)
        assert!(check_smoothness(&x.pow(2).scale(&ratio(1, 2)), 2, &["x"]).is_ok());
        assert!(check_smoothness(&x.pow(2), 1, &["x"]).is_err());
    }

    // --- Table 1's parts ---------------------------------------------------

    use crate::metrics::{self, PartMetrics, part_instances};
    use crate::net::Part;

    fn taylor_net(target: &crate::Poly, n: u32, grid: u64, r: u32, lambda: u32) -> Net {
        let d = target.nvars();
        let names: Vec<String> = (0..d).map(|k| format!("x{k}")).collect();
        let t = 2 * (r + 1);
        let params = TaylorParams { n, grid, r, t };
        let codebook = Codebook::nonlinear(lambda, t).unwrap();
        let net = build_taylor(target, &names, params, codebook).unwrap().0;
        crate::metrics::tests::assert_parts_partition(&net);
        net
    }

    fn part(net: &Net, p: Part) -> PartMetrics {
        let parts = metrics::parts(net);
        parts.into_iter().find(|m| m.part == Some(p)).unwrap()
    }

    /// `β_{m,ν} ≠ 0` for the multi-indices of order `order` (eq. 17),
    /// computed here from the target's derivatives, independently of the
    /// construction's Taylor shift.
    fn nonzero_betas(target: &crate::Poly, n: u32, grid: u64, order: u32) -> usize {
        let d = target.nvars();
        let mut count = 0;
        for nu in orders_below(d, n)
            .into_iter()
            .filter(|nu| nu.iter().sum::<u32>() == order)
        {
            let mut deriv = target.clone();
            let mut factorial = Rational::one();
            for (k, &e) in nu.iter().enumerate() {
                for j in 1..=e {
                    deriv = deriv.derivative(k);
                    factorial *= int(i64::from(j));
                }
            }
            let step = num_traits::pow(ratio(d as i64, grid as i64), (n - order) as usize)
                / int(i64::from(n));
            let points = (grid + 1).pow(d as u32);
            for idx in 0..points {
                let x: Vec<Rational> = (0..d)
                    .map(|k| {
                        ratio(
                            ((idx / (grid + 1).pow(k as u32)) % (grid + 1)) as i64,
                            grid as i64,
                        )
                    })
                    .collect();
                // nearest multiple of the step, ties away from zero: zero iff |c| < step/2
                let c = deriv.eval(&x) / &factorial;
                if c.abs() * int(2) >= step {
                    count += 1;
                }
            }
        }
        count
    }

    /// Terms of the form `k·(½·unit)` that `weight::times` reads for the
    /// integer `k`: `2k` copies below the ladder, two per binary digit from
    /// `LADDER_FROM` on.
    fn terms(k: u64) -> usize {
        if k < weight::LADDER_FROM {
            2 * k as usize
        } else {
            2 * k.count_ones() as usize
        }
    }

    /// The sizes of one instance derived in the module docs ("Table 1's
    /// parts"), for the issue's 1-D network n = 2, N = 8, r = 6, λ = 2.
    #[test]
    fn the_parts_of_a_1d_network_have_the_derived_sizes() {
        let (n, grid, r) = (2u32, 8u64, 6u32);
        let net = taylor_net(&smooth(), n, grid, r, 2);
        let r_ = r as usize;
        let bumps = grid as usize + 1;
        let shape = |m: &crate::metrics::BlockMetrics| (m.units, m.weights, m.width, m.depth);
        // B_h: one per bump, h = ½U − ½(H_1 + H_1′) + ½(H_2 + H_2′)
        let h = part_instances(&net, Part::Bump);
        assert_eq!(h.len(), bumps);
        assert!(h.iter().all(|m| shape(m) == (4, 18, 4, 1)), "{h:?}");
        // B_s: one per input; L = ⌊log2 3N⌋ = 4 doublings of σ(½x)
        let l = (63 - (3 * grid).leading_zeros()) as usize;
        let s = part_instances(&net, Part::Scale);
        assert_eq!(s.len(), 1);
        assert_eq!(shape(&s[0]), (4 * l + 2, 16 * l - 4, 4, l + 1));
        // B_abs: four signals per grid point, in the order they are built —
        // the offset u of the bump, h, the sum h + u of the ×′ and the ×′
        // itself (its gates are what B_w reads); the offset's gates read
        // the terms of 3N·x/2 and of 3m/2, both gates and one copy each
        let abs = part_instances(&net, Part::Abs);
        assert_eq!(abs.len(), 4 * bumps);
        for m in 0..=grid {
            let u = &abs[4 * m as usize];
            assert_eq!(u.units, 4, "m={m}");
            assert_eq!(u.weights, 4 * (terms(3 * grid) + terms(3 * m)), "m={m}");
        }
        assert!(abs.iter().all(|m| m.width <= 4 && m.depth == 1));
        // B_×′: one ×′(h, u) per nonzero β_{m,1}: three f_s^r of 2r units;
        // 2(s + p + q) + 18(r − 1) weights with s = 4 terms for |h + u|/2
        // (signed, two copies of each gate), p = 2 for |h|/2 (≥ 0, two
        // copies), q = 2 for |u|/2 (signed, exponent 0: one copy each); the
        // square of |u| starts one level above u's gates, that of |h| two
        // levels later (h, then its gate), that of |h + u| one more: depth
        // r + 3, width 6 (the K_j never hold a tent back here: u's gates sit
        // above level r)
        let mul = part_instances(&net, Part::Mul);
        assert_eq!(mul.len(), nonzero_betas(&smooth(), n, grid, 1));
        assert_eq!(mul.len(), bumps);
        assert!(
            mul.iter()
                .all(|m| shape(m) == (6 * r_, 18 * r_ - 2, 6, r_ + 3)),
            "{mul:?}"
        );
        // B_w: one per nonzero coefficient (f(0) = 0, so β_{0,0} = 0)
        let w = part(&net, Part::Weights);
        let betas = nonzero_betas(&smooth(), n, grid, 0) + nonzero_betas(&smooth(), n, grid, 1);
        assert_eq!((w.instances, betas), (2 * bumps - 1, 2 * bumps - 1));
        // B_N: one instance, the constants (module docs)
        assert_eq!(part(&net, Part::Constants).instances, 1);
    }

    /// In two dimensions ψ_m = ×′(h_1, h_2) comes first, then one
    /// ×′(ψ_m, u_k) per nonzero first-order β (n = 2): for (x² − y²)/4,
    /// β_{m,e_k} = ±m_k/(2N) rounded to a multiple of 1/N is zero exactly
    /// for m_k = 0.
    #[test]
    fn the_products_of_a_2d_network_follow_the_product_chain() {
        let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
        let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
        let (n, grid, r) = (2u32, 3u64, 6u32);
        let net = taylor_net(&saddle, n, grid, r, 3);
        let (g, r_) = (grid as usize, r as usize);
        // at m = 0 the saddle, its gradient and so every β vanish: that grid
        // point has no term, and no ψ is built for it
        let points = (g + 1) * (g + 1) - 1;
        let first = nonzero_betas(&saddle, n, grid, 1);
        assert_eq!(first, 2 * g * (g + 1));
        let mul = part_instances(&net, Part::Mul);
        assert_eq!(mul.len(), points + first);
        // ψ: |h_1 + h_2|/2, |h_1|/2, |h_2|/2 all ≥ 0, two terms each;
        // ×′(ψ, u): 4 (ψ signed, exponent 1) + 2 (u) + 4 (sum) terms
        let psi = mul.iter().filter(|m| m.weights == 18 * r_ - 6).count();
        let terms = mul.iter().filter(|m| m.weights == 18 * r_ + 2).count();
        assert_eq!((psi, terms), (points, first));
        assert!(mul.iter().all(|m| m.units == 6 * r_ && m.width <= 6));
        assert_eq!(part_instances(&net, Part::Bump).len(), 2 * (g + 1));
        assert_eq!(part_instances(&net, Part::Scale).len(), 2);
        let betas: usize = (0..n).map(|o| nonzero_betas(&saddle, n, grid, o)).sum();
        assert_eq!(part(&net, Part::Weights).instances, betas);
    }

    /// Table 1's width and depth of one instance, with `t^(1/(λ−1))` and
    /// `log` real (base 2).
    fn table_1(p: Part, t: u32, lambda: u32, grid: u64, r: u32) -> (f64, f64) {
        let (t, l) = (f64::from(t), f64::from(lambda));
        match p {
            Part::Weights => (t, l * (t.powf(1.0 / (l - 1.0)) - 1.0) + 1.0),
            Part::Constants => (2.0 * grid as f64, 1.0),
            Part::Abs => (4.0, 1.0),
            Part::Scale => (4.0, (1.5 * grid as f64).log2()),
            Part::Bump => (12.0, 1.0),
            Part::Mul => (60.0, 3.0 * f64::from(r) + 1.0),
            // Table 2's parts never occur in a Taylor network
            _ => (0.0, 0.0),
        }
    }

    /// Over d ∈ {1, 2}, n, N, λ and r: the widths and depths of one
    /// instance against Table 1. B_w, B_abs and B_h never exceed it, nor
    /// does the width of B_×′. Where ours exceed it, pinned: B_s always in
    /// depth (⌊log2 3N⌋ + 1 levels, against log2(3N/2)) and for N = 1 in
    /// width (six copies of σ(½x) instead of a ladder); B_N always in depth
    /// (it holds every constant, the chain K_j of f_s^r included) and in
    /// width for N ≤ 3; B_×′ in depth only when its arguments sit far apart
    /// (ψ_m against u_k for d = 2 and r = 2: the square of |u_k| starts
    /// long before the others, and the level span counts that wait).
    #[test]
    fn widths_and_depths_against_table_1() {
        let (x, y) = (crate::Poly::var(2, 0), crate::Poly::var(2, 1));
        let saddle = x.pow(2).sub(&y.pow(2)).scale(&ratio(1, 4));
        let mut cases = Vec::new();
        for n in 1..=3 {
            for grid in [1u64, 2, 5, 8] {
                for lambda in [2, 3, 4] {
                    for r in [2, 6] {
                        cases.push((smooth(), n, grid, lambda, r));
                    }
                }
            }
        }
        for n in 1..=2 {
            for grid in [1u64, 2, 3] {
                for lambda in [2, 3] {
                    for r in [2, 6] {
                        cases.push((saddle.clone(), n, grid, lambda, r));
                    }
                }
            }
        }
        for (target, n, grid, lambda, r) in cases {
            let d = target.nvars();
            let t = 2 * (r + 1);
            let net = taylor_net(&target, n, grid, r, lambda);
            let case = format!("d={d} n={n} N={grid} λ={lambda} r={r}");
            for m in metrics::parts(&net) {
                let Some(p) = m.part else { continue };
                let (width, depth) = table_1(p, t, lambda, grid, r);
                let wide = m.width as f64 > width;
                let deep = m.depth as f64 > depth;
                let (expect_wide, expect_deep) = match p {
                    Part::Weights | Part::Abs | Part::Bump => (false, false),
                    Part::Scale => {
                        let l = (63 - (3 * grid).leading_zeros()) as usize;
                        let ours = if grid == 1 { (6, 1) } else { (4, l + 1) };
                        assert_eq!((m.width, m.depth), ours, "{case}: B_s");
                        (grid == 1, true)
                    }
                    // the width of B_N depends on which grid points keep
                    // a term (dead points build no offsets): only its depth
                    // is pinned
                    Part::Constants => (wide, true),
                    Part::Mul => (false, d == 2 && n == 2 && r == 2),
                    _ => panic!("{case}: a Table 2 part in a Taylor net"),
                };
                assert_eq!(
                    (wide, deep),
                    (expect_wide, expect_deep),
                    "{case}: {} width {} / {width:.2}, depth {} / {depth:.2}",
                    m.name,
                    m.width,
                    m.depth
                );
            }
        }
    }
}
