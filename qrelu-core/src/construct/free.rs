//! Unquantized reference networks (SPEC §4 item 9, issue 5): the
//! constructions of [`super::direct`] and [`super::taylor`] with free exact
//! weights — no codebook lowering, no weight sub-networks, no constant
//! chains — in the same IR ([`Codebook::unquantized`] accepts every
//! rational). They compute the *same functions* as their quantized
//! counterparts wherever those realise their coefficients exactly, so the
//! a-priori bounds of [`crate::bound`] and every [`PlanNode::delta`]
//! apply verbatim.
//!
//! # Squaring in the classical form ([`square`])
//!
//! Yarotsky's wiring of eq. 5 with the tent `g(y) = 2σ(y) − 4σ(y − ½)`
//! (eq. 4) and output weights `−2^(−2s)`: for an argument `u ≥ 0`,
//!
//! ```text
//! g_0 = u,   A_s = σ(g_{s−1}),   B_s = σ(g_{s−1} − ½),   g_s = 2A_s − 4B_s
//! f(u) = u − Σ_{s=1..r} 2^(−2s) g_s + (½ − 2^−r)·C,   C = σ(u − 1)
//! ```
//!
//! `A_1 = σ(u) = u` because `u ≥ 0`, so it is not built (`g_1 = 2u − 4B_1`
//! reads the argument directly); the unit `C` is the one addition to the
//! classical form, and it is absent for r = 1, where its weight is 0.
//!
//! **Claim.** `f = f_s^r` of [`crate::gadget::square`] as functions on all
//! of `[0, ∞)`.
//!
//! *Proof.* On `[0, 1]`: by induction `g_{s−1}(u) ∈ [0, 1]`, so
//! `A_s = g_{s−1}` and `g_s = 2g_{s−1} − 4σ(g_{s−1} − ½) = g(g_{s−1})`, the
//! tent of eq. 4, which maps `[0, 1]` onto itself; hence `g_s = g^{∘s}(u)`,
//! `C = 0` and `f(u) = u − Σ 2^(−2s) g^{∘s}(u)`, which is eq. 5 — the
//! function the ±1/2 network realises with other wiring (its module docs):
//! the interpolant of `u²` at the points `k/2^r`. Past 1:
//! `g_1 = 2u − 4(u − ½) = 2 − 2u < 0`, so `A_2 = B_2 = 0`, `g_2 = 0`, and
//! every later `g_s = 2σ(0) − 4σ(−½) = 0`; thus
//! `f(u) = u − ¼(2 − 2u) + (½ − 2^−r)(u − 1) = 1 + (2 − 2^−r)(u − 1)`,
//! exactly the line by which f_s^r continues its last piece past 1
//! ([`crate::gadget::square::square_form`]). Both pieces meet at
//! `f(1) = 1`. ∎
//!
//! Since [`crate::bound`] uses nothing but the values of f_s^r on
//! `[0, U]` (`e(u) ∈ [e_lo(U), ε]`), every bound there — eq. 3, the 4ε of
//! ×′, eq. 21 with propagation — holds for the free networks as it is.
//!
//! **Size** (tests check it): for an argument of `p` terms and r ≥ 2,
//! `2r` units (`B_1`, `A_s` and `B_s` for s = 2..r, `C`), `4p + 4r − 6`
//! weights and a result of `p + 2r` terms; the unit `B_s` sits `s` levels
//! above the argument. For r = 1 one unit, `p` weights, `p + 1` terms. As
//! a network on one input ([`square_network`]): **`6r − 1` weights**
//! (3 for r = 1), **depth r + 1**, width 2 — against `11r + 8`, `2r` and 5
//! for the ±1/2 wiring.
//!
//! # Signals and ×′ ([`mul`])
//!
//! Values are [`Affine`] forms `c + Σ w·unit` with any rational `w` and
//! `c`. A signal `s` whose magnitude is needed gets its **gates**
//! `P = σ(F)`, `N = σ(−F)` (block `abs`; one gate for a signal known to be
//! ≥ 0), built once and shared: `|s| = P + N`, `s = P − N`. A signal of
//! one term known to be ≥ 0 (an input on [0, 1]) is its own magnitude. ×′
//! is eq. 7 with the factor 2 as a weight:
//!
//! ```text
//! ×′(a, b) = 2( f(|a+b|/2) − f(|a|/2) − f(|b|/2) )     (eq. 7)
//! ```
//!
//! with `a + b` formed from the values (or the gates, for long forms) and
//! gated itself. It is the function of [`crate::gadget::mul`], so Prop. 2
//! (i) (exactly 0 when an input is 0) and `|×′ − xy| ≤ 4ε` on `[−1, 1]²`
//! ([`bound::mul`], tighter than eq. 8's 6ε) hold unchanged.
//!
//! # Polynomials, `structure = direct` ([`build_direct`])
//!
//! The same product DAG [`direct::plan`] builds, node by node, with the
//! operations above; then the output is `c_0 + Σ c_α·s_α` with the exact
//! coefficients: each `c_α` multiplies the weights of the monomial's form
//! (or of its two gates, when a later product built them anyway), and `c_0`
//! is the output bias. Nothing is rounded, so the bound is
//! `Σ_α |c_α|·δ_α` ([`bound_direct`]): the "products" part of
//! [`direct::BoundParts`] with `c′ = c`, and zero coefficient and constant
//! parts. When the quantized construction realises every coefficient
//! exactly (`|c|·2^e` a multiple of 2^−t) the two networks compute the
//! same function and the bounds are equal; otherwise the quantized products
//! part uses the realised `|c′|` — the free bound then differs from it by
//! `Σ (|c| − |c′|)·δ_α`, and is below the quantized *total* whenever every
//! `δ_α ≤ R_α` (then `|c|δ ≤ |c′|δ + |c − c′|R`).
//!
//! # Theorem 1, `structure = taylor` ([`build_taylor`])
//!
//! The same partition of unity (eqs. 11–13) with free weights:
//! `z = 3Nx − 3m` is one weight and one bias, `P = σ(z)`, `N = σ(−z)`
//! (block `abs`), `H_1 = σ(P + N − 1)`, `H_2 = σ(P + N − 2)` (block `h`),
//! `h = 1 − H_1 + H_2`; the offset `u = z/2` is read as `(P − N)/2`, its
//! magnitude as `(P + N)/2`. The same products as
//! [`taylor::build_taylor`]: `ψ′_m = ×′(h_1, ×′(h_2, …))`, `U_ν` from the
//! plan of `u^ν` on `[−1, 1]^d`, and `×′(ψ′_m, U_ν)`, so eqs. 21–24 and the
//! propagation of [`bound::mul_propagated`] give the same `δ`'s.
//!
//! **β: the exact Taylor coefficients**, not eq. 17's rounding. The
//! rounding exists only so that Prop. 3 can realise β with finitely many
//! codebook weights; a free weight holds `γ = β·(2/(3N))^|ν|` as it is, and
//! rounding would only add error. So the [`TaylorBound`] has
//! `taylor` = the exact tail `max_m Σ_{|ν|≥n} |D^νf(m/N)/ν!|·(2/(3N))^|ν|`
//! (the rounding term is 0), `products` = `2^d max_m Σ_ν |γ|·δ_{m,ν}` as in
//! the quantized network, and `coefficients` = 0. Exact β are rationals
//! such as 1/3, not dyadic: `f64` evaluation of these networks rounds.

use std::collections::HashMap;

use num_traits::{One, Signed, Zero};

use super::direct::{self, Op, Plan, PlanNode};
use super::signal::pair_mut;
use super::taylor::{self, TaylorBound};
use super::{NetSpec, Structure, internal};
use crate::bound;
use crate::error::{CoreError, Subject};
use crate::gadget::square::{MAX_R, check_r};
use crate::net::{LinearForm, Net, NetBuilder, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// An affine form `constant + Σ coef·unit`: a value of a network under
/// construction, with any rational coefficients.
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

/// `σ(shift + a)` as a new unit.
fn relu(b: &mut NetBuilder, role: &str, a: &Affine, shift: Rational) -> Result<UnitId, CoreError> {
    b.relu(role, &a.constant + shift, &a.form.terms)
}

/// f_s^r(u) for an argument `u ≥ 0` (module docs: equal to the ±1/2
/// network of [`crate::gadget::square`] on all of `[0, ∞)`), one block
/// `square.tent` per step `s` and the unit `C = σ(u − 1)` in a block
/// `square.tail`. Returns the result as a form.
///
/// Guarantees (tests check each): f(k/2^r) = (k/2^r)² (eq. 2),
/// `0 ≤ f(u) − u² ≤ 2^(−2(r+1))` on [0, 1] (eq. 3), `f(u) =
/// 1 + (2 − 2^−r)(u − 1)` past 1; the sizes of the module docs.
///
/// # Errors
/// `r = 0` or `r > MAX_R`.
pub fn square(b: &mut NetBuilder, u: &Affine, r: u32) -> Result<Affine, CoreError> {
    check_r(r)?;
    let half = rational::ratio(1, 2);
    let (two, minus_four) = (rational::int(2), rational::int(-4));
    let mut out = u.clone();
    // g_{s−1}; A_1 = σ(u) = u since u ≥ 0
    let mut g = u.clone();
    for s in 1..=r {
        b.begin_block("square.tent");
        let units = (|| {
            let a = match s {
                1 => None,
                _ => Some(relu(b, "a", &g, Rational::zero())?),
            };
            Ok::<_, CoreError>((a, relu(b, "b", &g, -&half)?))
        })();
        b.end_block();
        let (a, bb) = units?;
        // eq. 4: g_s = 2A_s − 4B_s
        let mut next = match a {
            None => u.scaled(&two),
            Some(a) => Affine::unit(a).scaled(&two),
        };
        next.form.push(bb, minus_four.clone());
        // eq. 5: f = u − Σ 2^(−2s) g_s
        out.add_scaled(&next, &-rational::pow2(-2 * i64::from(s)));
        g = next;
    }
    // past 1 the classical form has slope 3/2; f_s^r has 2 − 2^−r
    let tail = &half - rational::pow2(-i64::from(r));
    if !tail.is_zero() {
        b.begin_block("square.tail");
        let c = relu(b, "c", u, -Rational::one());
        b.end_block();
        out.form.push(c?, tail);
    }
    Ok(out)
}

/// ×′ of Prop. 2 (eq. 7) in a block `mul`: `2(f(sum_half) − f(x_half) −
/// f(y_half))` from forms worth `|x+y|/2`, `|x|/2` and `|y|/2` — the
/// function of [`crate::gadget::mul::mul`] (there returned halved), so
/// `|×′ − xy| ≤ 4ε` on `[−1, 1]²` ([`bound::mul`]) and ×′ = 0 when x or y
/// is 0.
///
/// # Errors
/// As [`square`].
pub fn mul(
    b: &mut NetBuilder,
    sum_half: &Affine,
    x_half: &Affine,
    y_half: &Affine,
    r: u32,
) -> Result<Affine, CoreError> {
    b.begin_block("mul");
    let result = (|| {
        let minus = -Rational::one();
        let mut f = square(b, sum_half, r)?;
        f.add_scaled(&square(b, x_half, r)?, &minus);
        f.add_scaled(&square(b, y_half, r)?, &minus);
        Ok(f.scaled(&rational::int(2)))
    })();
    b.end_block();
    result
}

/// The gates `P = σ(F)`, `N = σ(−F)` of a signal, read with `scale`:
/// `|s| = scale·(P + N)`, `s = scale·(P − N)`.
struct Gates {
    p: UnitId,
    n: Option<UnitId>,
    scale: Rational,
}

/// A value of the network under construction (module docs, "Signals").
struct Signal {
    value: Affine,
    /// the computed value is ≥ 0 exactly (one gate)
    nonneg: bool,
    gates: Option<Gates>,
}

impl Signal {
    fn new(value: Affine, nonneg: bool) -> Self {
        Signal {
            value,
            nonneg,
            gates: None,
        }
    }

    fn gates(&mut self, b: &mut NetBuilder) -> Result<&Gates, CoreError> {
        if self.gates.is_none() {
            b.begin_block("abs");
            let built = (|| {
                let p = relu(b, "p", &self.value, Rational::zero())?;
                let n = match self.nonneg {
                    true => None,
                    false => Some(relu(
                        b,
                        "n",
                        &self.value.scaled(&-Rational::one()),
                        Rational::zero(),
                    )?),
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
    fn gate_form(g: &Gates, negate_n: bool) -> Affine {
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

/// f_s^r(|s|) in a block `square`; the result is ≥ 0.
fn square_signal(b: &mut NetBuilder, s: &mut Signal, r: u32) -> Result<Signal, CoreError> {
    let u = s.abs(b)?;
    b.begin_block("square");
    let f = square(b, &u, r);
    b.end_block();
    Ok(Signal::new(f?, true))
}

/// ×′(v[i], v[j]) (eq. 7), from the gates of both and of their sum.
fn product(
    b: &mut NetBuilder,
    v: &mut [Signal],
    i: usize,
    j: usize,
    r: u32,
) -> Result<Signal, CoreError> {
    let (x, y) = pair_mut(v, i, j)?;
    let half = rational::ratio(1, 2);
    let mut sum = x.short(b)?;
    sum.add_scaled(&y.short(b)?, &Rational::one());
    let mut sum = Signal::new(sum, x.nonneg && y.nonneg);
    let sum_half = sum.abs(b)?.scaled(&half);
    let x_half = x.abs(b)?.scaled(&half);
    let y_half = y.abs(b)?.scaled(&half);
    Ok(Signal::new(mul(b, &sum_half, &x_half, &y_half, r)?, false))
}

/// The free f_s^r as a network on one input `x ≥ 0`: output `f_s^r(x)`
/// (module docs; for `x < 0` it is not f_s^r(|x|) — the argument is read
/// as it is).
///
/// # Errors
/// As [`square`].
pub fn square_network(r: u32) -> Result<Net, CoreError> {
    let mut b = NetBuilder::new(Codebook::unquantized(), &["x".to_owned()]);
    let x = Affine::unit(b.input(0));
    b.begin_block("square");
    let f = square(&mut b, &x, r);
    b.end_block();
    let f = f?;
    b.finish(f.constant, &f.form)
}

/// The free ×′ as a network on two signed inputs `x, y`: output
/// `×′(x, y)` (eq. 7), through the gates of x, y and x + y.
///
/// # Errors
/// As [`square`].
pub fn mul_network(r: u32) -> Result<Net, CoreError> {
    let mut b = NetBuilder::new(Codebook::unquantized(), &["x".to_owned(), "y".to_owned()]);
    let mut v = vec![
        Signal::new(Affine::unit(b.input(0)), false),
        Signal::new(Affine::unit(b.input(1)), false),
    ];
    let p = product(&mut b, &mut v, 0, 1, r)?;
    b.finish(p.value.constant.clone(), &p.value.form)
}

/// `Σ_α |c_α|·δ_α` of `spec` on its plan (module docs, "Polynomials").
fn bound_on(spec: &NetSpec, plan: &Plan) -> Result<Rational, CoreError> {
    let mut total = Rational::zero();
    for (exps, c) in spec.target.terms() {
        if exps.iter().all(|&k| k == 0) {
            continue;
        }
        let id = plan
            .node(exps)
            .ok_or_else(|| internal("unplanned monomial"))?;
        total += c.abs() * &plan.nodes[id].delta;
    }
    Ok(total)
}

/// The a-priori bound of the free `structure = direct` network of `spec`
/// (with `spec.r`): `Σ_α |c_α|·δ_α` with the `δ_α` of [`direct::plan`]
/// (eqs. 3, 8, 21); coefficients and constant are exact.
///
/// # Errors
/// As [`direct::plan`].
pub fn bound_direct(spec: &NetSpec) -> Result<Rational, CoreError> {
    let plan = direct::plan(&spec.target, &spec.domain, spec.r.unwrap_or(1))?;
    bound_on(spec, &plan)
}

/// The free `structure = direct` network of `spec` (module docs) with its
/// bound [`bound_direct`]. Domains and targets are those
/// [`super::build`] accepts.
///
/// # Errors
/// As [`direct::plan`]; `r` out of range.
pub fn build_direct(spec: &NetSpec) -> Result<(Net, Rational), CoreError> {
    let r = spec.r.unwrap_or(1);
    let plan = direct::plan(&spec.target, &spec.domain, r)?;
    let mut b = NetBuilder::new(Codebook::unquantized(), &spec.inputs);
    let mut signals: Vec<Signal> = Vec::with_capacity(plan.nodes.len());
    for node in &plan.nodes {
        let signal = match node.op {
            Op::Input(i) => Signal::new(
                Affine::unit(b.input(i)),
                spec.domain[i].0 >= Rational::zero(),
            ),
            Op::Square(a) => square_signal(&mut b, &mut signals[a], r)?,
            Op::Mul(x, y) => product(&mut b, &mut signals, x, y, r)?,
        };
        signals.push(signal);
    }
    let mut out = Affine::default();
    for (exps, c) in spec.target.terms() {
        if exps.iter().all(|&k| k == 0) {
            out.constant += c;
            continue;
        }
        let id = plan
            .node(exps)
            .ok_or_else(|| internal("unplanned monomial"))?;
        out.add_scaled(&signals[id].cheapest(), c);
    }
    let net = b.finish(out.constant, &out.form)?;
    Ok((net, bound_on(spec, &plan)?))
}

/// The bump `h(3N·x_i − 3m)` (eq. 12) and the offset `u = (3N·x_i − 3m)/2`
/// sharing its gates (module docs, "Theorem 1").
fn bump(b: &mut NetBuilder, i: usize, grid: u64, m: u64) -> Result<(Signal, Signal), CoreError> {
    let int = |k: u64| Rational::from_integer(k.into());
    let z = Affine {
        form: LinearForm {
            terms: vec![(b.input(i), int(3 * grid))],
        },
        constant: -int(3 * m),
    };
    let mut offset = Signal::new(z.scaled(&rational::ratio(1, 2)), false);
    let mut zs = Signal::new(z, false);
    let gates = zs.gates(b)?;
    let abs = Signal::gate_form(gates, false);
    offset.gates = Some(Gates {
        p: gates.p,
        n: gates.n,
        scale: rational::ratio(1, 2),
    });
    // eq. 12: h(z) = 1 − σ(|z| − 1) + σ(|z| − 2)
    b.begin_block("h");
    let units = (|| {
        let h1 = relu(b, "h1", &abs, -Rational::one())?;
        let h2 = relu(b, "h2", &abs, -rational::int(2))?;
        Ok::<_, CoreError>((h1, h2))
    })();
    b.end_block();
    let (h1, h2) = units?;
    let mut h = Affine::constant(Rational::one());
    h.form.push(h1, -Rational::one());
    h.form.push(h2, Rational::one());
    Ok((Signal::new(h, true), offset))
}

/// Theorem 1's network with free weights for the polynomial `target` on
/// `[0, 1]^d` (module docs): `Σ_m Σ_{|ν|<n} γ_{m,ν} ×′(ψ′_m, U_ν)` with the
/// exact `γ = β·(2/(3N))^|ν|`, and its bound by part (`coefficients` is 0,
/// `taylor` the exact tail).
///
/// # Errors
/// `n = 0`, `N = 0`, `r` out of range.
pub fn build_taylor(
    target: &crate::Poly,
    inputs: &[String],
    n: u32,
    grid: u64,
    r: u32,
) -> Result<(Net, TaylorBound), CoreError> {
    if n == 0 || grid == 0 {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param(if n == 0 { "n" } else { "N" }),
            message: format!("`n` and `N` must be at least 1, found n = {n}, N = {grid}"),
        });
    }
    check_r(r)?;
    let d = target.nvars();
    let (zero, one) = (Rational::zero(), Rational::one());
    let rho = Rational::new(2.into(), (3 * grid).into());
    let orders = taylor::orders_below(d, n);
    let corners = Rational::from_integer((1u64 << d.min(62)).into());
    let unit_box: Vec<(Rational, Rational)> = vec![(-one.clone(), one.clone()); d];
    // the plan of each u^ν, made once: the same for every m
    let mut plans: HashMap<Vec<u32>, Plan> = HashMap::new();
    for nu in orders.iter().filter(|nu| nu.iter().any(|&k| k > 0)) {
        let monomial = crate::Poly::from_terms(d, [(one.clone(), nu.clone())]);
        plans.insert(nu.clone(), direct::plan(&monomial, &unit_box, r)?);
    }

    let mut b = NetBuilder::new(Codebook::unquantized(), inputs);
    let mut arena: Vec<Signal> = Vec::new();
    let mut cached: HashMap<(usize, u64), (usize, usize)> = HashMap::new();
    let mut out = Affine::default();
    let mut bound = TaylorBound {
        taylor: zero.clone(),
        products: zero.clone(),
        coefficients: zero.clone(),
    };
    let mut m = vec![0u64; d];
    loop {
        let a: Vec<Rational> = m
            .iter()
            .map(|&mk| Rational::new(mk.into(), grid.into()))
            .collect();
        // eq. 15 at m/N, exactly; the tail |ν| ≥ n is the whole Taylor error
        let expansion = taylor::shifted(target, &a);
        let mut tail = zero.clone();
        for (nu, c) in expansion.terms() {
            let order: u32 = nu.iter().sum();
            if order >= n {
                tail += c.abs() * num_traits::pow(rho.clone(), order as usize);
            }
        }
        let mut hs = Vec::with_capacity(d);
        let mut us = Vec::with_capacity(d);
        for (k, &mk) in m.iter().enumerate() {
            let (h, u) = match cached.get(&(k, mk)) {
                Some(&pair) => pair,
                None => {
                    let (h, u) = bump(&mut b, k, grid, mk)?;
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
        // eq. 11: ψ′_m = ×′(h_1, ×′(h_2, … h_d)), exact bumps (δ starts at 0)
        let mut psi = hs[d - 1];
        let (mut psi_delta, mut psi_reach) = (zero.clone(), one.clone());
        for k in (0..d - 1).rev() {
            let p = product(&mut b, &mut arena, hs[k], psi, r)?;
            arena.push(p);
            psi = arena.len() - 1;
            psi_delta =
                bound::mul_propagated(r, (&one, &zero, &one), (&one, &psi_delta, &psi_reach))
                    .ok_or_else(|| internal("ψ out of range"))?;
            psi_reach = &one + &psi_delta;
        }
        let mut products_m = zero.clone();
        // sub-products of the offsets of m, by exponent vector
        let mut offsets: HashMap<Vec<u32>, usize> = HashMap::new();
        for nu in &orders {
            let order: u32 = nu.iter().sum();
            let beta = expansion.coefficient(nu);
            if beta.is_zero() {
                continue;
            }
            let gamma = &beta * num_traits::pow(rho.clone(), order as usize);
            let (term, delta) = if order == 0 {
                (psi, psi_delta.clone())
            } else {
                let plan = plans.get(nu).ok_or_else(|| internal("unplanned ν"))?;
                let top = offsets_of(&mut b, &mut arena, &mut offsets, plan, &us, r)?;
                let p = product(&mut b, &mut arena, psi, top, r)?;
                arena.push(p);
                let node: &PlanNode = plan.nodes.last().ok_or_else(|| internal("empty plan"))?;
                // eqs. 21–24: ×′(ψ′_m, U′_ν) against ψ_m·(x − m/N)^ν scaled
                let delta = bound::mul_propagated(
                    r,
                    (&one, &psi_delta, &psi_reach),
                    (&one, &node.delta, &node.reach),
                )
                .ok_or_else(|| internal("a Taylor term out of range"))?;
                (arena.len() - 1, delta)
            };
            out.add_scaled(&arena[term].cheapest(), &gamma);
            products_m += gamma.abs() * &delta;
        }
        bound.taylor = bound.taylor.max(tail);
        bound.products = bound.products.max(&corners * products_m);
        // next grid point (odometer)
        let mut k = 0;
        loop {
            if k == d {
                let net = b.finish(out.constant, &out.form)?;
                return Ok((net, bound));
            }
            if m[k] < grid {
                m[k] += 1;
                break;
            }
            m[k] = 0;
            k += 1;
        }
    }
}

/// Builds the nodes of `plan` (a plan of `u^ν` over the offsets `us`) not
/// built yet for this `m`, and returns the arena index of its last node.
fn offsets_of(
    b: &mut NetBuilder,
    arena: &mut Vec<Signal>,
    offsets: &mut HashMap<Vec<u32>, usize>,
    plan: &Plan,
    us: &[usize],
    r: u32,
) -> Result<usize, CoreError> {
    let mut ids: Vec<usize> = Vec::with_capacity(plan.nodes.len());
    for node in &plan.nodes {
        if let Some(&id) = offsets.get(&node.exps) {
            ids.push(id);
            continue;
        }
        let id = match node.op {
            Op::Input(k) => us[k],
            Op::Square(a) => {
                let s = square_signal(b, &mut arena[ids[a]], r)?;
                arena.push(s);
                arena.len() - 1
            }
            Op::Mul(x, y) => {
                let s = product(b, arena, ids[x], ids[y], r)?;
                arena.push(s);
                arena.len() - 1
            }
        };
        offsets.insert(node.exps.clone(), id);
        ids.push(id);
    }
    ids.last().copied().ok_or_else(|| internal("empty plan"))
}

/// The spec with `r` (direct) or `N` and `r` (taylor, eqs. 26–28 through
/// [`taylor`]'s resolution) chosen from `eps` as [`super::resolve`] does,
/// but against the free bound: for `structure = direct` the smallest
/// `r ≤ MAX_R` with [`bound_direct`] at most `eps` (`tune = smallest`
/// picks the same `r`: the weights grow with `r`), or the given `r`
/// checked against `eps`. `t` plays no part.
///
/// # Errors
/// As [`super::resolve`]: unsupported specs, an `eps` no `r` reaches, a
/// given `r` whose bound exceeds `eps`.
pub fn resolve(spec: &NetSpec) -> Result<NetSpec, CoreError> {
    super::check_supported(spec)?;
    if spec.structure == Structure::Taylor {
        return Ok(taylor::resolve(spec));
    }
    if spec.structure == Structure::Lipschitz {
        return Err(CoreError::Unsupported {
            subject: Subject::Param("structure"),
            message: "the unquantized reference of `structure = lipschitz` is not built yet"
                .to_owned(),
        });
    }
    let Some(eps) = &spec.eps else {
        return Ok(spec.clone());
    };
    let refuse = |message| CoreError::InvalidParameter {
        subject: Subject::Param("eps"),
        message,
    };
    let mut out = spec.clone();
    if let Some(r) = spec.r {
        let bound = bound_direct(spec)?;
        if bound > *eps {
            return Err(refuse(format!(
                "with `r` = {r} the a-priori bound of the unquantized network is about {:.3e}, \
                 above `eps` = {}; raise `r` or leave it out so that `eps` chooses it",
                rational::to_f64(&bound),
                rational::display(eps)
            )));
        }
        return Ok(out);
    }
    let mut best = None;
    for r in 1..=MAX_R {
        let plan = direct::plan(&spec.target, &spec.domain, r)?;
        let bound = bound_on(spec, &plan)?;
        if bound <= *eps {
            out.r = Some(r);
            return Ok(out);
        }
        best = Some(bound);
    }
    Err(refuse(format!(
        "`eps` = {} is below every a-priori bound of the unquantized network with `r` <= {MAX_R} \
         (the best is about {:.3e}); raise `eps`",
        rational::display(eps),
        best.as_ref().map_or(f64::NAN, rational::to_f64)
    )))
}

/// Weights of the free network of a resolved `spec`, bounded from above
/// before building, gadget by gadget: an f_s^r on an argument of at most
/// 2 terms costs at most `4r + 2` weights and yields at most `2r + 2`
/// terms; a ×′ at most `12r + 6` plus the gates of its sum (8) and yields
/// at most `6r + 6` terms; the gates of a form cost at most twice its terms
/// (tests check the bound against built networks).
///
/// # Errors
/// As [`direct::plan`].
pub fn estimate_weights(spec: &NetSpec) -> Result<u64, CoreError> {
    let r = u64::from(spec.r.unwrap_or(1));
    let square = 4 * r + 2;
    let square_form = 2 * r + 2;
    let product_form = 6 * r + 6;
    // a ×′, and the gates of its result should a later product need them
    let product = 3 * square + 8 + 2 * product_form;
    match spec.structure {
        Structure::Taylor => {
            let d = spec.inputs.len() as u64;
            let n = spec.n.unwrap_or(1);
            let grid = u64::from(spec.grid.unwrap_or(1));
            let mut per_point = d.saturating_sub(1) * product;
            for nu in taylor::orders_below(d as usize, n) {
                let order = u64::from(nu.iter().sum::<u32>());
                // U_ν has at most |ν| − 1 nodes; then ×′(ψ′, U_ν) and its output
                per_point += match order {
                    0 => product_form,
                    _ => order * product + product_form,
                };
            }
            // one bump: two gates of z, H_1, H_2, and the gate of h
            let bumps = (grid + 1) * d * 8;
            Ok((grid + 1)
                .saturating_pow(d as u32)
                .saturating_mul(per_point)
                .saturating_add(bumps))
        }
        _ => {
            let plan = direct::plan(&spec.target, &spec.domain, spec.r.unwrap_or(1))?;
            let mut total = 0u64;
            let mut form = vec![0u64; plan.nodes.len()];
            for (i, node) in plan.nodes.iter().enumerate() {
                let (cost, len) = match node.op {
                    Op::Input(_) => (2, 1),
                    Op::Square(_) => (square + 2 * square_form, square_form),
                    Op::Mul(..) => (product, product_form),
                };
                total += cost;
                form[i] = len;
            }
            for (exps, _) in spec.target.terms() {
                if let Some(i) = plan.node(exps) {
                    total += form[i];
                }
            }
            Ok(total)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Poly;
    use crate::construct::{build, build_unquantized};
    use crate::eval::eval;
    use crate::metrics::metrics;
    use crate::rational::{int, pow2, ratio};

    /// Deterministic pseudo-random rationals `p/q` in `[lo, hi]` with odd
    /// (so non-dyadic) denominators.
    fn randoms(count: usize, lo: i64, hi: i64, seed: u64) -> Vec<Rational> {
        let mut state = seed;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        (0..count)
            .map(|_| {
                let q = 2 * (next() % 500) as i64 + 3;
                let p = (next() % ((hi - lo) as u64 * q as u64 + 1)) as i64;
                ratio(p, q) + int(lo)
            })
            .collect()
    }

    fn quantized_square(r: u32) -> Net {
        crate::gadget::square::network(r, Codebook::nonlinear(2, 2 * r + 2).unwrap()).unwrap()
    }

    /// The claim of the module docs, exactly: the free square is f_s^r on
    /// [0, ∞) — at every breakpoint (where it is x², eq. 2) and at random
    /// rationals of [0, 3], past 1 included.
    #[test]
    fn free_square_is_f_s_r_on_zero_to_three() {
        for r in 1..=12 {
            let free = square_network(r).unwrap();
            let quantized = quantized_square(r);
            let den = 1i64 << r;
            for k in 0..=den {
                let x = ratio(k, den);
                let at = std::slice::from_ref(&x);
                let value = eval(&free, at);
                assert_eq!(value, &x * &x, "r={r} k={k}");
                // the quantized one is x² there too (its own tests); a sample suffices
                if k % (1 + den / 256) == 0 {
                    assert_eq!(value, eval(&quantized, at), "r={r} k={k}");
                }
            }
            for x in randoms(60, 0, 3, u64::from(r)) {
                let at = std::slice::from_ref(&x);
                assert_eq!(eval(&free, at), eval(&quantized, at), "r={r} x={x}");
            }
            // the midpoints attain eq. 3, and past 1 the last piece continues
            let mid = ratio(1, 2 * den);
            assert_eq!(
                eval(&free, std::slice::from_ref(&mid)) - &mid * &mid,
                bound::square(r)
            );
            let u = ratio(7, 3);
            let slope = int(2) - pow2(-i64::from(r));
            assert_eq!(
                eval(&free, std::slice::from_ref(&u)),
                int(1) + slope * (u - int(1))
            );
        }
    }

    #[test]
    fn free_square_sizes_match_the_module_docs() {
        for r in 1..=16u32 {
            let m = metrics(&square_network(r).unwrap());
            let ru = r as usize;
            if r == 1 {
                assert_eq!((m.weights, m.units, m.depth, m.width), (3, 1, 2, 1));
                continue;
            }
            assert_eq!(m.weights, 6 * ru - 1, "weights r={r}");
            assert_eq!(m.units, 2 * ru, "units r={r}");
            assert_eq!(m.depth, ru + 1, "depth r={r}");
            assert_eq!(m.width, 2, "width r={r}");
            let q = metrics(&quantized_square(r));
            assert!(m.weights < q.weights && m.depth < q.depth, "r={r}");
            // every block is tagged: r tent steps and one tail
            let kinds: Vec<&str> = m.blocks.iter().map(|b| b.name.as_str()).collect();
            assert_eq!(kinds, vec!["square.tent", "square.tail", "output"]);
        }
    }

    fn unit_square_grid() -> Vec<Vec<Rational>> {
        let axis: Vec<Rational> = (0..=9).map(|k| ratio(2 * k - 9, 9)).collect();
        let mut out = Vec::new();
        for x in &axis {
            for y in &axis {
                out.push(vec![x.clone(), y.clone()]);
            }
        }
        out
    }

    /// The free ×′ is the quantized one as a function (the `x·y` network
    /// of `structure = direct` realises the coefficient 1 exactly), is 0
    /// when an input is, and errs by at most 4ε, attained at x = y = 2^−r.
    #[test]
    fn free_product_is_the_quantized_product() {
        for r in [1u32, 2, 4, 8] {
            let free = mul_network(r).unwrap();
            let mut spec = NetSpec::new("P", &["x", "y"], Poly::var(2, 0).mul(&Poly::var(2, 1)));
            spec.domain = vec![(int(-1), int(1)); 2];
            spec.r = Some(r);
            let quantized = build(&spec).unwrap().net;
            let mut points = unit_square_grid();
            let xs = randoms(40, -1, 1, 7 + u64::from(r));
            let ys = randoms(40, -1, 1, 99 + u64::from(r));
            points.extend(xs.into_iter().zip(ys).map(|(x, y)| vec![x, y]));
            for p in &points {
                let v = eval(&free, p);
                assert_eq!(v, eval(&quantized, p), "r={r} at {p:?}");
                assert!(
                    (&v - &p[0] * &p[1]).abs() <= bound::mul(r),
                    "r={r} at {p:?}"
                );
                assert!(eval(&free, &[int(0), p[1].clone()]).is_zero());
                assert!(eval(&free, &[p[0].clone(), int(0)]).is_zero());
            }
            let h = pow2(-i64::from(r));
            let at = [h.clone(), h.clone()];
            assert_eq!(eval(&free, &at) - &h * &h, -bound::mul(r), "r={r}");
            // gates of x, y, x + y (8), three squares on 2 terms, their 3(2r + 2) terms
            let weights = if r == 1 { 23 } else { 18 * r as usize + 20 };
            assert_eq!(metrics(&free).weights, weights, "r={r}");
        }
    }

    /// Each free bump is h(3Nx − 3m) exactly — the quantized bump as a
    /// function — and the bumps sum to 1 on [0, 1] (eq. 13).
    #[test]
    fn free_bumps_are_h_and_sum_to_one() {
        let points: Vec<Rational> = (0..=97).map(|k| ratio(k, 97)).collect();
        for grid in [1u64, 2, 5, 8] {
            let mut b = NetBuilder::new(Codebook::unquantized(), &["x".to_owned()]);
            let mut sum = Affine::default();
            let mut nets = Vec::new();
            for m in 0..=grid {
                let (h, _) = bump(&mut b, 0, grid, m).unwrap();
                sum.add_scaled(&h.value, &Rational::one());
                let mut alone = NetBuilder::new(Codebook::unquantized(), &["x".to_owned()]);
                let (h, _) = bump(&mut alone, 0, grid, m).unwrap();
                nets.push(alone.finish(h.value.constant, &h.value.form).unwrap());
            }
            let total = b.finish(sum.constant, &sum.form).unwrap();
            for (m, net) in nets.iter().enumerate() {
                let quantized =
                    taylor::bump_network(grid, m as u64, Codebook::nonlinear(2, 8).unwrap())
                        .unwrap();
                for x in &points {
                    let at = std::slice::from_ref(x);
                    assert_eq!(eval(net, at), eval(&quantized, at), "N={grid} m={m} x={x}");
                }
            }
            for x in &points {
                assert!(
                    eval(&total, std::slice::from_ref(x)).is_one(),
                    "N={grid} x={x}"
                );
            }
        }
    }

    fn cubic() -> Poly {
        let x = Poly::var(1, 0);
        x.pow(3)
            .scale(&ratio(3, 4))
            .sub(&x.scale(&ratio(1, 2)))
            .add(&Poly::constant(1, ratio(1, 8)))
    }

    /// With exact coefficients the free bound is the quantized bound's
    /// products part and the other parts vanish; with a coefficient the
    /// quantized network rounds (1/3), the free bound is below the
    /// quantized total.
    #[test]
    fn free_bound_is_the_products_part() {
        let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
        let mut specs = Vec::new();
        let mut spec = NetSpec::new("C", &["x"], cubic());
        spec.r = Some(10);
        spec.t = Some(16);
        specs.push(spec);
        let mut spec = NetSpec::new("P", &["x", "y"], x.mul(&y));
        spec.domain = vec![(int(-1), int(1)); 2];
        spec.r = Some(8);
        specs.push(spec);
        for spec in &specs {
            let parts = direct::bound_parts(spec).unwrap();
            assert!(parts.coefficients.is_zero() && parts.constant.is_zero());
            assert_eq!(bound_direct(spec).unwrap(), parts.products);
            assert_eq!(build_unquantized(spec).unwrap().error_bound, parts.products);
        }
        let mut spec = NetSpec::new("T", &["x", "y"], x.mul(&y).scale(&ratio(1, 3)));
        spec.r = Some(6);
        let parts = direct::bound_parts(&spec).unwrap();
        let free = bound_direct(&spec).unwrap();
        assert_ne!(free, parts.products);
        assert!(free < parts.total());
    }

    /// The a-priori size estimate is never below the built network.
    #[test]
    fn estimate_is_an_upper_bound() {
        let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
        let mixed = x
            .pow(2)
            .mul(&y)
            .scale(&ratio(1, 2))
            .sub(&x.mul(&y.pow(2)).scale(&ratio(3, 4)))
            .add(&y.pow(3).scale(&ratio(1, 4)))
            .add(&x.pow(4));
        for (target, signed) in [(mixed, true), (x.mul(&y), false), (x.pow(5).sub(&y), true)] {
            for r in [1u32, 3, 7] {
                let mut spec = NetSpec::new("T", &["x", "y"], target.clone());
                if signed {
                    spec.domain = vec![(int(-1), int(1)); 2];
                }
                spec.r = Some(r);
                let c = build_unquantized(&spec).unwrap();
                let estimate = estimate_weights(&c.spec).unwrap();
                assert!(
                    estimate >= c.metrics.weights as u64,
                    "{estimate} < {}",
                    c.metrics.weights
                );
            }
        }
        let t = Poly::var(1, 0);
        let smooth = t
            .pow(3)
            .scale(&ratio(1, 6))
            .sub(&t.pow(2).scale(&ratio(1, 4)))
            .add(&t.scale(&ratio(1, 3)));
        let (a, b2) = (Poly::var(2, 0), Poly::var(2, 1));
        let saddle = a.pow(2).sub(&b2.pow(2)).scale(&ratio(1, 4));
        for (target, names, n) in [(smooth, vec!["x"], 3u32), (saddle, vec!["x", "y"], 2)] {
            for grid in [2u32, 5] {
                let mut spec = NetSpec::new("T", &names, target.clone());
                spec.structure = Structure::Taylor;
                spec.n = Some(n);
                spec.grid = Some(grid);
                spec.r = Some(4);
                let c = build_unquantized(&spec).unwrap();
                let estimate = estimate_weights(&c.spec).unwrap();
                assert!(
                    estimate >= c.metrics.weights as u64,
                    "{estimate} < {}",
                    c.metrics.weights
                );
            }
        }
    }

    /// `eps` chooses the smallest `r` whose free bound meets it, the same
    /// search as for the quantized networks; too small an `eps` is refused.
    #[test]
    fn eps_chooses_r_against_the_free_bound() {
        let mut spec = NetSpec::new("C", &["x"], cubic());
        spec.eps = Some(ratio(1, 10_000));
        let c = build_unquantized(&spec).unwrap();
        let r = c.r;
        assert!(c.error_bound <= ratio(1, 10_000));
        let mut smaller = spec.clone();
        smaller.eps = None;
        smaller.r = Some(r - 1);
        assert!(bound_direct(&smaller).unwrap() > ratio(1, 10_000));
        assert_eq!(c.net.codebook, Codebook::unquantized());
        assert_eq!(
            c.spec.quantization,
            crate::quantize::Quantization::Unquantized
        );
        spec.eps = Some(pow2(-80));
        assert!(build_unquantized(&spec).is_err());
        spec.eps = Some(ratio(1, 10_000));
        spec.r = Some(2);
        assert!(build_unquantized(&spec).is_err());
    }
}
