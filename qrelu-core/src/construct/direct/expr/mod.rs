//! `structure = direct` for targets that are not polynomials: the
//! expression lowered node by node, with a rigorous a-priori bound.
//!
//! # The lowering
//!
//! Every sub-expression `e` becomes a **linear combination**
//! `Σ c_i·v_i + c_0` of *nodes* `v_i` — signals of the network — with
//! coefficients known as exact rationals or, for `pi`, as narrow
//! intervals; sums, differences, negations and products or quotients by
//! constants only change coefficients (no units). A node is made for
//!
//! | expression | node | exact value `v` | error `δ` of the node |
//! | --- | --- | --- | --- |
//! | `x_i` | the input | `x_i` | 0 |
//! | `a·b` | `×′(2^−k_a a, 2^−k_b b)` (Prop. 2, eq. 7), scaled back by `2^(k_a+k_b)` | `2^−(k_a+k_b) ab` | eq. 21 with both inputs approximated ([`crate::bound::mul_propagated`]) |
//! | `a^2` | `f_s^r(\|2^−k a\|)` (Prop. 1) | `2^−2k a²` | [`crate::bound::square_inexact`] |
//! | `a^k` | squares and products, by binary powering | | |
//! | `abs(a)` | `P + N` from the gates of `a` | `\|a\|` | `δ_a` (`\|·\|` is 1-Lipschitz) |
//! | `max(a, b)`, `min(a, b)` | `b + σ(a − b)`, `a − σ(a − b)` | | the sum's |
//! | `f(a)`, `1/a` | the interpolant `g̃` of [`unary`] on the range of `a` | `f(a)` | `L_g̃·δ_a + E` |
//!
//! A combination consumed by a node (the argument of `f`, a factor of a
//! product) is **materialised**: realised with the wiring's coefficients
//! (Prop. 3's weight sub-networks in the strict codebook, each rounded to a
//! multiple of `2^−t`) and gated, `σ(a) − σ(−a)` — or `σ(a)` alone where
//! `a`'s range is proved `≥ 0`, which changes nothing where the exact value
//! is `≥ 0` and can only move the approximation towards it.
//!
//! # The bound (eq. 21 generalised)
//!
//! Every node carries an enclosure `R` of its exact value over the domain
//! (interval arithmetic on the nodes, intersected with the enclosure of the
//! sub-expression itself, [`crate::expr::Expr::range`]) and a proved `δ ≥
//! sup |ṽ − v|`. A combination realised with coefficients `c′_i` (exact
//! ones `c_i ∈ C_i`) and constant `c′_0` errs by at most
//!
//! ```text
//! Σ_i ( |c′_i|·δ_i + mag(C_i − c′_i)·mag(R_i) ) + mag(C_0 − c′_0)
//! ```
//!
//! since `|c′ṽ − cv| ≤ |c′|·|ṽ − v| + |c′ − c|·|v|`. A product's inputs are
//! scaled by powers of two so that `mag(R) + δ ≤ 1` (Prop. 2's domain); a
//! function's interpolant `g̃` is Lipschitz on all of ℝ with constant
//! `L_g̃` and within `E` of `f` on the range `R_a` of its exact argument, so
//! `|g̃(ã) − f(a)| ≤ |g̃(ã) − g̃(a)| + |g̃(a) − f(a)| ≤ L_g̃·δ_a + E`. The
//! bound of the network is the `δ` of the output combination; it is exact
//! (a rational) and proved, and [`crate::certify`] measures it.
//!
//! # Parameters
//!
//! `r` is the squaring depth of every ×′ and f_s^r and sets the tolerance
//! of every interpolant, `τ = 2^−2(r+1)`, the squaring error of eq. 3;
//! `t` (default `2(r + 1) + 4`) is the weight precision and the knot grid
//! `2^−(t−1)` (a knot `k` is the bias `−k/2` of a ReLU, realised exactly).
//! With `eps`, the smallest `r` (then the smallest `t` of a few) whose
//! bound is `≤ eps`; with `tune = smallest`, the candidate with the fewest
//! weights among the first three `r` that meet `eps`.

pub(crate) mod unary;

use std::marker::PhantomData;

use num_traits::{One, Signed, Zero};

use super::check_domain;
use crate::bound;
use crate::construct::wiring::{Made, Wiring, pair_mut};
use crate::construct::{Built, Params, Recipe, check_params, internal};
use crate::error::{CoreError, Subject};
use crate::expr::Expr;
use crate::interval::{Interval, elementary};
use crate::net::{Affine, Net};
use crate::rational::{self, Rational};
use crate::spec::{NetSpec, Param};
use unary::{Failure, Function, Interpolant, Role};

/// The largest `r` the `eps` search tries.
const MAX_R: u32 = 16;

/// `structure = direct` for an expression target (module docs).
pub(crate) struct ExprDirect;

/// The lowered expression for one `(r, t)`.
pub(crate) struct ExprPlan {
    spec: NetSpec,
    lowered: Lowered,
}

/// A node of the network (module docs).
#[derive(Clone, Debug)]
struct Node {
    op: Op,
    /// encloses the node's exact value over the domain
    range: Interval,
    /// `≥ sup |computed − exact|` over the domain
    delta: Rational,
    made: Made,
}

#[derive(Clone, Debug)]
enum Op {
    Input(usize),
    /// `Σ c·node + constant` with realised coefficients, gated; with
    /// `nonneg`, its positive part
    Affine {
        terms: Vec<(usize, Rational)>,
        constant: Rational,
        nonneg: bool,
    },
    Square(usize),
    Product(usize, usize),
    Abs(usize),
}

/// A linear combination of nodes with enclosed coefficients.
#[derive(Clone, Debug, PartialEq)]
struct Lin {
    terms: Vec<(usize, Interval)>,
    constant: Interval,
    /// encloses the exact value over the domain
    range: Interval,
}

impl Lin {
    fn constant(c: Interval) -> Lin {
        Lin {
            terms: vec![],
            range: c.clone(),
            constant: c,
        }
    }

    fn node(id: usize, range: Interval) -> Lin {
        Lin {
            terms: vec![(id, Interval::point(Rational::one()))],
            constant: Interval::point(Rational::zero()),
            range,
        }
    }

    fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }

    /// The node itself, when the combination is `1·node`.
    fn plain(&self) -> Option<usize> {
        match self.terms.as_slice() {
            [(id, c)] if c.lo().is_one() && c.hi().is_one() && self.constant.mag().is_zero() => {
                Some(*id)
            }
            _ => None,
        }
    }

    fn scale(&self, c: &Interval) -> Lin {
        Lin {
            terms: self.terms.iter().map(|(i, k)| (*i, k.mul(c))).collect(),
            constant: self.constant.mul(c),
            range: self.range.mul(c),
        }
    }

    fn add(&self, o: &Lin) -> Lin {
        let mut terms = self.terms.clone();
        for (i, c) in &o.terms {
            match terms.iter_mut().find(|(j, _)| j == i) {
                Some((_, k)) => *k = k.add(c),
                None => terms.push((*i, c.clone())),
            }
        }
        terms.retain(|(_, c)| !c.mag().is_zero());
        Lin {
            terms,
            constant: self.constant.add(&o.constant),
            range: self.range.add(&o.range),
        }
    }
}

/// The nodes, the output combination and the bound.
#[derive(Clone, Debug)]
struct Lowered {
    nodes: Vec<Node>,
    out_terms: Vec<(usize, Rational)>,
    out_constant: Rational,
    bound: Rational,
    r: u32,
    t: u32,
}

/// Lowers an expression for one wiring (its rounding) and one `(r, t)`.
struct Lowering<'a, W> {
    spec: &'a NetSpec,
    domain: Vec<Interval>,
    r: u32,
    t: u32,
    tol: Rational,
    nodes: Vec<Node>,
    /// knots left before `max_weights` is certainly exceeded
    knots_left: usize,
    wiring: PhantomData<W>,
}

/// Refuses an expression target with the enclosure's reason.
fn undefined(message: impl std::fmt::Display) -> CoreError {
    CoreError::Unsupported {
        subject: Subject::Target,
        message: format!("the target is not proved defined on the domain: {message}"),
    }
}

impl<'a, W: Wiring> Lowering<'a, W> {
    fn new(spec: &'a NetSpec, r: u32, t: u32) -> Self {
        let domain: Vec<Interval> = spec
            .domain
            .iter()
            .map(|(lo, hi)| Interval::hull_of(lo.clone(), hi.clone()))
            .collect();
        let nodes = domain
            .iter()
            .enumerate()
            .map(|(i, d)| Node {
                op: Op::Input(i),
                range: d.clone(),
                delta: Rational::zero(),
                made: Made::Input,
            })
            .collect();
        Lowering {
            spec,
            domain,
            r,
            t,
            tol: rational::pow2(-2 * (i64::from(r) + 1)),
            nodes,
            // every knot costs at least a ReLU with two edges and an output edge
            knots_left: usize::try_from(spec.max_weights / 3).unwrap_or(usize::MAX),
            wiring: PhantomData,
        }
    }

    fn run(mut self, e: &Expr) -> Result<Lowered, CoreError> {
        let out = self.lin(e)?;
        let (out_terms, out_constant, bound) = self.realise(&out, &Rational::one());
        Ok(Lowered {
            nodes: self.nodes,
            out_terms,
            out_constant,
            bound,
            r: self.r,
            t: self.t,
        })
    }

    /// The combination of `e`, its range intersected with `e`'s own
    /// enclosure.
    fn lin(&mut self, e: &Expr) -> Result<Lin, CoreError> {
        let mut lin = self.lin_of(e)?;
        let own = e.range(&self.domain, unary::PRECISION).map_err(undefined)?;
        // both enclose the node's value: disjoint ranges are a bug of the
        // lowering (a scaled product's range once was), never kept silently
        lin.range = lin.range.intersect(&own).ok_or_else(|| {
            crate::construct::internal("a node's range disjoint from its enclosure")
        })?;
        Ok(lin)
    }

    fn lin_of(&mut self, e: &Expr) -> Result<Lin, CoreError> {
        let point = |q: Rational| Interval::point(q);
        Ok(match e {
            Expr::Const(q) => Lin::constant(point(q.clone())),
            Expr::Pi => Lin::constant(elementary::pi(unary::PRECISION)),
            Expr::Var(i) => Lin::node(*i, self.domain[*i].clone()),
            Expr::Neg(a) => self.lin(a)?.scale(&point(-Rational::one())),
            Expr::Add(a, b) => self.lin(a)?.add(&self.lin(b)?),
            Expr::Sub(a, b) => {
                let b = self.lin(b)?.scale(&point(-Rational::one()));
                self.lin(a)?.add(&b)
            }
            Expr::Mul(a, b) => {
                let (a, b) = (self.lin(a)?, self.lin(b)?);
                self.product(&a, &b)?
            }
            Expr::Div(a, b) => {
                let (a, b) = (self.lin(a)?, self.lin(b)?);
                if b.is_constant() {
                    let inv = b
                        .constant
                        .recip()
                        .ok_or_else(|| undefined("a division by 0"))?;
                    a.scale(&inv)
                } else {
                    let one = Expr::Const(Rational::one());
                    let recip = Expr::Div(Box::new(one), Box::new(Expr::var(0)));
                    let q = self.unary(&recip, &b)?;
                    self.product(&a, &q)?
                }
            }
            Expr::Pow(a, k) => {
                let a = self.lin(a)?;
                self.power(&a, *k)?
            }
            Expr::Call(f, a) => {
                let a = self.lin(a)?;
                self.unary(&Expr::var(0).call(*f), &a)?
            }
            Expr::Abs(a) => {
                let a = self.lin(a)?;
                if a.is_constant() {
                    return Ok(Lin::constant(a.constant.abs()));
                }
                let id = self.operand(&a, 0, false)?;
                let delta = self.nodes[id].delta.clone();
                let range = a.range.abs();
                Lin::node(
                    self.push(Op::Abs(id), range.clone(), delta, Made::Gated),
                    range,
                )
            }
            Expr::Min(a, b) | Expr::Max(a, b) => {
                let (a, b) = (self.lin(a)?, self.lin(b)?);
                let d = a.add(&b.scale(&point(-Rational::one())));
                let pos = if d.is_constant() {
                    Lin::constant(d.constant.max(&point(Rational::zero())))
                } else {
                    let id = self.materialise(&d, 0, true)?;
                    Lin::node(id, self.nodes[id].range.clone())
                };
                match e {
                    Expr::Max(..) => b.add(&pos),
                    _ => a.add(&pos.scale(&point(-Rational::one()))),
                }
            }
        })
    }

    fn push(&mut self, op: Op, range: Interval, delta: Rational, made: Made) -> usize {
        self.nodes.push(Node {
            op,
            range,
            delta,
            made,
        });
        self.nodes.len() - 1
    }

    /// The coefficients `W` realises for `lin·scale`, and the error of the
    /// realised combination (module docs).
    fn realise(&self, lin: &Lin, scale: &Rational) -> (Vec<(usize, Rational)>, Rational, Rational) {
        let mut delta = Rational::zero();
        let mut terms = Vec::with_capacity(lin.terms.len());
        for (id, c) in &lin.terms {
            let c = c.scale(scale);
            let node = &self.nodes[*id];
            let realised = W::realised(&c.mid(), node.made, self.t);
            delta += realised.abs() * &node.delta
                + c.sub(&Interval::point(realised.clone())).mag() * node.range.mag();
            if !realised.is_zero() {
                terms.push((*id, realised));
            }
        }
        let c0 = lin.constant.scale(scale);
        let constant = W::realised_constant(&c0.mid(), self.t);
        delta += c0.sub(&Interval::point(constant.clone())).mag();
        (terms, constant, delta)
    }

    /// A node worth `2^−k·lin` (its positive part with `nonneg`).
    fn materialise(&mut self, lin: &Lin, k: i64, nonneg: bool) -> Result<usize, CoreError> {
        let scale = rational::pow2(-k);
        let (terms, constant, delta) = self.realise(lin, &scale);
        if terms.is_empty() {
            return Err(internal("a materialised constant"));
        }
        let mut range = lin.range.scale(&scale);
        if nonneg {
            range = range.max(&Interval::point(Rational::zero()));
        }
        let op = Op::Affine {
            terms,
            constant,
            nonneg,
        };
        Ok(self.push(op, range, delta, Made::Gated))
    }

    /// A node worth `2^−k·lin` whose computed value stays within
    /// `[−1, 1]` when `unit` (a factor of ×′ or f_s^r), else `lin` itself
    /// (k = 0); the node of a plain combination is reused.
    fn operand(&mut self, lin: &Lin, k: i64, unit: bool) -> Result<usize, CoreError> {
        if k == 0
            && let Some(id) = lin.plain()
            && (!unit || self.reach(id) <= Rational::one())
        {
            return Ok(id);
        }
        let nonneg = !unit && !lin.range.lo().is_negative();
        self.materialise(lin, k, nonneg)
    }

    fn reach(&self, id: usize) -> Rational {
        self.nodes[id].range.mag() + &self.nodes[id].delta
    }

    /// A factor of ×′: the smallest `k` with `reach ≤ 1`.
    fn factor(&mut self, lin: &Lin) -> Result<(usize, i64), CoreError> {
        let mut k = 0i64;
        let mag = lin.range.mag();
        while rational::pow2(k) < mag {
            k += 1;
        }
        while k > -8 && rational::pow2(k - 1) >= mag && !mag.is_zero() {
            k -= 1;
        }
        for _ in 0..64 {
            let before = self.nodes.len();
            let id = self.operand(lin, k, true)?;
            if self.reach(id) <= Rational::one() {
                return Ok((id, k));
            }
            // drop the node this attempt made (never one made before it)
            self.nodes.truncate(before);
            k += 1;
        }
        Err(internal("a factor that does not fit [-1, 1]"))
    }

    fn product(&mut self, a: &Lin, b: &Lin) -> Result<Lin, CoreError> {
        if a.is_constant() {
            return Ok(b.scale(&a.constant));
        }
        if b.is_constant() {
            return Ok(a.scale(&b.constant));
        }
        let range = a.range.mul(&b.range);
        let r = self.r;
        if a == b {
            let range = a.range.pow(2);
            let (id, k) = self.factor(a)?;
            let n = &self.nodes[id];
            let delta = bound::square_inexact(r, &n.range.mag(), &n.delta, &self.reach(id));
            let own = n.range.pow(2);
            let sq = self.push(Op::Square(id), own.clone(), delta, Made::Square);
            // the node is worth 2^−2k·a²: its own range scales back with it
            // (scaling `range`, already a's, would enclose 2^2k·a² instead)
            return Ok(scaled_back(sq, own, 2 * k, &range));
        }
        let (ia, ka) = self.factor(a)?;
        let (ib, kb) = self.factor(b)?;
        let (na, nb) = (&self.nodes[ia], &self.nodes[ib]);
        let delta = bound::mul_propagated(
            r,
            (&na.range.mag(), &na.delta, &self.reach(ia)),
            (&nb.range.mag(), &nb.delta, &self.reach(ib)),
        )
        .ok_or_else(|| internal("a factor beyond 2"))?;
        let own = na.range.mul(&nb.range);
        let id = self.push(Op::Product(ia, ib), own.clone(), delta, Made::Product);
        Ok(scaled_back(id, own, ka + kb, &range))
    }

    fn power(&mut self, a: &Lin, k: u32) -> Result<Lin, CoreError> {
        if a.is_constant() {
            return Ok(Lin::constant(a.constant.pow(k)));
        }
        match k {
            0 => Ok(Lin::constant(Interval::point(Rational::one()))),
            1 => Ok(a.clone()),
            _ if k % 2 == 0 => {
                let h = self.power(a, k / 2)?;
                self.product(&h, &h)
            }
            _ => {
                let h = self.power(a, k - 1)?;
                self.product(a, &h)
            }
        }
    }

    /// `f(a)` for `f` an expression in `x_0` (module docs, [`unary`]).
    fn unary(&mut self, f: &Expr, a: &Lin) -> Result<Lin, CoreError> {
        let fun = Function { f };
        if a.is_constant() {
            let v = f
                .range(std::slice::from_ref(&a.constant), unary::PRECISION)
                .map_err(undefined)?;
            return Ok(Lin::constant(v));
        }
        let range = f
            .range(std::slice::from_ref(&a.range), unary::PRECISION)
            .map_err(undefined)?;
        let u = self.operand(a, 0, false)?;
        let made_u = self.nodes[u].made;
        let t = self.t;
        let realise = |q: &Rational, role: Role| match role {
            Role::Slope => W::realised(q, made_u, t),
            Role::Kink => W::realised(&(q * rational::int(2)), Made::Gated, t) / rational::int(2),
            Role::Constant => W::realised_constant(q, t),
        };
        let g: Interpolant = unary::interpolate(
            &fun,
            (a.range.lo(), a.range.hi()),
            &self.tol,
            t.saturating_sub(1),
            self.knots_left,
            &realise,
        )
        .map_err(|e| match e {
            Failure::Undefined => undefined("a function has no enclosure at a knot"),
            Failure::TooMany => CoreError::TooLarge {
                estimate: self.spec.max_weights.saturating_add(1),
                limit: self.spec.max_weights,
            },
        })?;
        self.knots_left = self.knots_left.saturating_sub(g.knots.len());
        let half = rational::ratio(1, 2);
        let reach_hi = a.range.hi() + &self.nodes[u].delta;
        let mut terms = vec![(u, g.slope.clone())];
        for (k, d) in g.knots[1..g.knots.len() - 1].iter().zip(&g.kinks) {
            // σ((ũ − k)/2), exact: weight 1/2 on ũ and bias −k/2 on the knot grid
            let c = -(k * &half);
            if W::realised(&half, made_u, t) != half || W::realised_constant(&c, t) != c {
                return Err(internal("a knot off the grid"));
            }
            let op = Op::Affine {
                terms: vec![(u, half.clone())],
                constant: c,
                nonneg: true,
            };
            let top = rational::relu(&((&reach_hi - k) * &half));
            let range = Interval::hull_of(Rational::zero(), top);
            let id = self.push(op, range, Rational::zero(), Made::Gated);
            if !d.is_zero() {
                terms.push((id, d * rational::int(2)));
            }
        }
        let delta = &g.lipschitz * &self.nodes[u].delta + &g.error;
        let op = Op::Affine {
            terms,
            constant: g.constant.clone(),
            nonneg: false,
        };
        let id = self.push(op, range.clone(), delta, Made::Gated);
        Ok(Lin::node(id, range))
    }
}

impl ExprPlan {
    fn lower<W: Wiring>(spec: &NetSpec, expr: &Expr, r: u32, t: u32) -> Result<Self, CoreError> {
        let lowered = Lowering::<W>::new(spec, r, t).run(expr)?;
        let mut spec = spec.clone();
        (spec.r, spec.t) = (Some(r), Some(t));
        Ok(ExprPlan { spec, lowered })
    }

    fn build<W: Wiring>(&self) -> Result<Net, CoreError> {
        let l = &self.lowered;
        let mut w = W::new(&self.spec, l.t)?;
        let mut signals: Vec<W::Signal> = Vec::with_capacity(l.nodes.len());
        for node in &l.nodes {
            let s = match &node.op {
                Op::Input(i) => {
                    let nonneg = !self.spec.domain[*i].0.is_negative();
                    w.input(*i, nonneg)
                }
                Op::Affine {
                    terms,
                    constant,
                    nonneg,
                } => {
                    let a = combine(&mut w, &mut signals, terms, constant, &self.spec)?;
                    w.affine(&a, *nonneg)?
                }
                Op::Square(a) => w.square(&mut signals[*a], l.r)?,
                Op::Product(a, b) => {
                    let (x, y) = pair_mut(&mut signals, *a, *b)?;
                    w.product(x, y, l.r)?
                }
                Op::Abs(a) => w.abs(&mut signals[*a])?,
            };
            signals.push(s);
        }
        let out = combine(
            &mut w,
            &mut signals,
            &l.out_terms,
            &l.out_constant,
            &self.spec,
        )?;
        w.finish(&out)
    }
}

/// `2^k·node` for a ×′ or f_s^r node whose own range `own` encloses
/// `2^−k` times the product, its range intersected with `exact`, an
/// enclosure of the product itself (never scaled: it is already the
/// product's).
fn scaled_back(id: usize, own: Interval, k: i64, exact: &Interval) -> Lin {
    let mut lin = Lin::node(id, own).scale(&Interval::point(rational::pow2(k)));
    if let Some(r) = lin.range.intersect(exact) {
        lin.range = r;
    }
    lin
}

/// `Σ c·signal + constant` with coefficients the wiring realises exactly
/// (they were realised when the plan was made).
fn combine<W: Wiring>(
    w: &mut W,
    signals: &mut [W::Signal],
    terms: &[(usize, Rational)],
    constant: &Rational,
    spec: &NetSpec,
) -> Result<Affine, CoreError> {
    let mut a = Affine::default();
    for (id, c) in terms {
        let s = signals
            .get_mut(*id)
            .ok_or_else(|| internal("a node used before it is made"))?;
        if w.add_term(&mut a, s, c, true)? != *c {
            return Err(internal("a coefficient the plan did not expect"));
        }
    }
    if !constant.is_zero() && w.add_constant(&mut a, constant, spec)? != *constant {
        return Err(internal("a constant the plan did not expect"));
    }
    Ok(a)
}

/// The expression of an expression target.
fn expr_of(spec: &NetSpec) -> Result<&Expr, CoreError> {
    spec.target
        .expr()
        .ok_or_else(|| internal("an expression plan for a polynomial"))
}

/// The default weight precision for squaring depth `r` (module docs).
fn default_t(r: u32) -> u32 {
    2 * (r + 1) + 4
}

/// The weights of the network of a plan, after the passes.
fn weights<W: Wiring>(plan: &ExprPlan) -> Result<u64, CoreError> {
    let net = crate::construct::passes::run(plan.build::<W>()?);
    Ok(crate::metrics::metrics(&net).weights as u64)
}

impl<W: Wiring> Recipe<W> for ExprDirect {
    type Plan = ExprPlan;

    fn check(spec: &NetSpec) -> Result<(), CoreError> {
        check_params(spec, false)?;
        if spec.r.is_none() && spec.eps.is_none() {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param(Param::R),
                message: "`r` is required unless `eps` is given".to_owned(),
            });
        }
        check_domain(spec)?;
        let domain: Vec<Interval> = spec
            .domain
            .iter()
            .map(|(lo, hi)| Interval::hull_of(lo.clone(), hi.clone()))
            .collect();
        expr_of(spec)?
            .range(&domain, unary::PRECISION)
            .map_err(undefined)?;
        Ok(())
    }

    fn resolve(spec: &NetSpec) -> Result<ExprPlan, CoreError> {
        let expr = expr_of(spec)?;
        let Some(eps) = &spec.eps else {
            let r = spec.r.unwrap_or(1);
            let t = spec.t.unwrap_or_else(|| default_t(r));
            return ExprPlan::lower::<W>(spec, expr, r, t);
        };
        let mut found: Vec<ExprPlan> = Vec::new();
        let mut best: Option<Rational> = None;
        for r in spec.r.map_or(1..=MAX_R, |r| r..=r) {
            let ts: Vec<u32> = match spec.t {
                Some(t) => vec![t],
                None if W::FREE => vec![default_t(r)],
                None => vec![default_t(r), default_t(r) + 8, 2 * default_t(r)],
            };
            for t in ts {
                let plan = ExprPlan::lower::<W>(spec, expr, r, t)?;
                let bound = &plan.lowered.bound;
                best = Some(best.map_or_else(|| bound.clone(), |b| b.min(bound.clone())));
                if &plan.lowered.bound <= eps {
                    found.push(plan);
                    break;
                }
            }
            if found.len() == if spec.tune { 3 } else { 1 } {
                break;
            }
        }
        if found.is_empty() {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param(Param::Eps),
                message: format!(
                    "no `r` up to {MAX_R} reaches eps = {} (the best bound is {})",
                    rational::display(eps),
                    best.as_ref().map_or_else(String::new, rational::display)
                ),
            });
        }
        if !spec.tune {
            return Ok(found.swap_remove(0));
        }
        let mut sized = Vec::with_capacity(found.len());
        for plan in found {
            sized.push((weights::<W>(&plan)?, plan));
        }
        sized
            .into_iter()
            .min_by_key(|(w, _)| *w)
            .map(|(_, p)| p)
            .ok_or_else(|| internal("no candidate"))
    }

    fn spec(plan: &ExprPlan) -> &NetSpec {
        &plan.spec
    }

    fn estimate(plan: &ExprPlan) -> Result<u64, CoreError> {
        // the plan is small next to its network: the estimate is the
        // network's own size (knots were capped while planning)
        weights::<W>(plan)
    }

    fn build(plan: ExprPlan) -> Result<Built, CoreError> {
        let net = plan.build::<W>()?;
        let mut spec = plan.spec;
        let (r, t) = (plan.lowered.r, plan.lowered.t);
        if W::FREE {
            spec.t = None;
        }
        Ok(Built {
            net,
            error_bound: plan.lowered.bound,
            spec,
            params: Params::products(r, if W::FREE { 0 } else { t }),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests;
