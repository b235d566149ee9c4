//! The a-priori bound of Theorem 1's network **without building it**
//! (eqs. 15–24): [`TaylorPlan`] holds what depends on the target, `n` and
//! `N` — the Taylor part of the bound (eqs. 15–18) and the coefficient of
//! every term at every grid point — and adds the ×′ errors for `r`
//! (eqs. 21–24) and the coefficients Prop. 3 realises for `t`, exactly,
//! in integer arithmetic.
//!
//! # Targets that are not polynomials
//!
//! For any other target in F_{d,n} the plan is the same but for the
//! Taylor part at each grid point `a = m/N` (`ρ = 2/(3N)`, the radius of
//! the support of ψ_m):
//!
//! - **β** (eq. 17): the Taylor coefficients `c_ν = D^ν f(a)/ν!`,
//!   `|ν| < n`, are enclosed in Taylor-mode interval arithmetic at the
//!   point ([`Expr::taylor_coefficients`], 128 bits); `β_ν = j·(1/n)(d/N)^(n−|ν|)`
//!   with `j` the integer nearest to the enclosure's midpoint over that
//!   step, and the rounding part of the bound is `max |c − β|·ρ^|ν|` over
//!   the whole enclosure — its width is counted, not assumed away. (The
//!   free-weight reference takes `β` = the midpoint to `2^−96`, likewise
//!   counted.)
//! - **the tail** (eqs. 15, 18): Lagrange's remainder,
//!   `|f(x) − T_m(x)| ≤ Σ_{|ν|=n} sup|D^ν f/ν!|·ρ^n` with the suprema
//!   enclosed over the support `[a − ρ, a + ρ]^d ∩ [0, 1]^d` (the segment
//!   from a to any x in it stays inside), or eq. 18's class bound
//!   `(d^n/n!)·ρ^n` — valid since the check proved every `|D^ν f| ≤ 1` —
//!   when that is smaller or the enclosure fails (a kink for `n = 1`).
//!
//! The terms, their γ and the ×′ and coefficient parts follow from the `j`
//! exactly as for a polynomial, so the bound of the built network is this
//! plan's, rigorously (the tests build and compare).

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use super::TaylorBound;
use super::estimate::{Parts, live_point_cost};
use super::expansion::{Expansion, Source, grid_points, orders_below, orders_count};
use crate::construct::direct::plan;
use crate::construct::internal;
use crate::error::{CoreError, Subject};
use crate::expr::Expr;
use crate::interval::Interval;
use crate::rational::Rational;
use crate::spec::Param;

/// What one `(n, N)` fixes, as integers (module docs of [`TaylorPlan`]).
struct Grid {
    n: u32,
    beta: Beta,
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
    fn new(e: &Expansion, n: u32, grid: u64, beta: Beta) -> Self {
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
            beta,
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
    /// `β_ν = j·q_|ν| ≠ 0` ([`Beta::Rounded`]), or with the exact
    /// `β_ν = V_ν/(L·N^deg) ≠ 0`, `j = V_ν`, and no rounding part
    /// ([`Beta::Exact`]).
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
            if self.beta == Beta::Exact {
                if !v.is_zero() {
                    terms.push(Term {
                        nu: i,
                        order: *order,
                        j: v,
                    });
                }
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

/// The Taylor part and the terms at each grid point, for either source.
enum Points<'a> {
    Poly(&'a Expansion, Grid),
    Expr(ExprPoints<'a>),
}

impl<'a> Points<'a> {
    fn new(source: &'a Source, n: u32, grid: u64, beta: Beta) -> Self {
        match source {
            Source::Poly(e) => Points::Poly(e, Grid::new(e, n, grid, beta)),
            Source::Expr { expr, d } => Points::Expr(ExprPoints::new(expr, *d, n, grid, beta)),
        }
    }

    /// Per order `k < n`, `γ = j·a/q` as `(a, q)`: for the rounded β
    /// `(d^(n−k)·2^k, n·N^n·3^k)`; for the exact β `(2^k, D·3^k·N^k)` with
    /// `β = j/D` (`D = L·N^deg` for a polynomial, `2^EXPR_BETA_BITS`
    /// otherwise).
    fn gamma(&self, d: usize) -> Vec<(BigInt, BigInt)> {
        let (n, grid, beta, value_den) = match self {
            Points::Poly(e, g) => (
                g.n,
                &g.grid_powers[1],
                g.beta,
                &e.denominator * &g.grid_powers[e.degree as usize],
            ),
            Points::Expr(x) => (x.n, &x.big_n, x.beta, BigInt::one() << EXPR_BETA_BITS),
        };
        let three = |k: u32| num_traits::pow(BigInt::from(3), k as usize);
        let power = |k: u32| num_traits::pow(grid.clone(), k as usize);
        (0..n)
            .map(|k| match beta {
                Beta::Rounded => (
                    num_traits::pow(BigInt::from(d), (n - k) as usize) * (BigInt::one() << k),
                    BigInt::from(n) * power(n) * three(k),
                ),
                Beta::Exact => (BigInt::one() << k, &value_den * three(k) * power(k)),
            })
            .collect()
    }

    /// The Taylor part of the bound at the grid point `m` and its terms
    /// with `β ≠ 0` ([`Grid::point`], [`ExprPoints::at`]).
    fn at(&self, m: &[u64]) -> Result<(Rational, Vec<Term>), CoreError> {
        match self {
            Points::Poly(e, g) => {
                let (part, terms) = g.point(e, m);
                Ok((Rational::new(part, g.taylor_den.clone()), terms))
            }
            Points::Expr(x) => x.at(m),
        }
    }
}

/// Working precision, in bits, of the enclosures of a non-polynomial
/// target's Taylor coefficients.
const EXPR_PRECISION: u32 = 128;

/// The exact β of a non-polynomial target's free-weight network are the
/// midpoints of their enclosures rounded to multiples of `2^−EXPR_BETA_BITS`
/// (the difference is counted in the Taylor part).
const EXPR_BETA_BITS: u32 = 96;

/// The grid points of a non-polynomial target (module docs, "Targets
/// that are not polynomials").
struct ExprPoints<'a> {
    expr: &'a Expr,
    n: u32,
    big_n: BigInt,
    beta: Beta,
    /// `ρ^k = (2/(3N))^k`, `k ≤ n`
    rho: Vec<Rational>,
    /// per order `k < n`: the grid step `(1/n)(d/N)^(n−k)` of eq. 17
    steps: Vec<Rational>,
    /// `d^n/n!`: `Σ_{|ν|=n} 1/ν!`, the order-`n` remainder's factor for
    /// any target in F_{d,n} (eq. 18)
    class: Rational,
}

impl<'a> ExprPoints<'a> {
    fn new(expr: &'a Expr, d: usize, n: u32, grid: u64, beta: Beta) -> Self {
        let big = Rational::from_integer(grid.into());
        let rho = Rational::new(2.into(), BigInt::from(grid) * 3);
        let rho = (0..=n)
            .map(|k| num_traits::pow(rho.clone(), k as usize))
            .collect();
        let ratio = Rational::from_integer(d.into()) / &big;
        let steps = (0..n)
            .map(|k| {
                num_traits::pow(ratio.clone(), (n - k) as usize) / Rational::from_integer(n.into())
            })
            .collect();
        let factorial: BigInt = (1..=n).map(BigInt::from).product();
        let class = Rational::new(num_traits::pow(BigInt::from(d), n as usize), factorial);
        ExprPoints {
            expr,
            n,
            big_n: BigInt::from(grid),
            beta,
            rho,
            steps,
            class,
        }
    }

    /// At `a = m/N`: the Taylor part `Σ_{|ν|<n} max|c_ν − β_ν|·ρ^|ν| +
    /// R·ρ^n` — `c_ν` ranging over the enclosure of `D^ν f(a)/ν!`, `R` the
    /// smaller of `Σ_{|ν|=n} sup|D^ν f/ν!|` enclosed over the support of
    /// the bump (Lagrange's remainder) and the class bound `d^n/n!` — and
    /// the terms with `β ≠ 0`.
    fn at(&self, m: &[u64]) -> Result<(Rational, Vec<Term>), CoreError> {
        let grid = Rational::from_integer(self.big_n.clone());
        let a: Vec<Rational> = m
            .iter()
            .map(|&k| Rational::from_integer(k.into()) / &grid)
            .collect();
        let point: Vec<Interval> = a.iter().cloned().map(Interval::point).collect();
        let coefficients = self
            .expr
            .taylor_coefficients(&point, self.n - 1, EXPR_PRECISION)
            .map_err(|e| undefined_at(&a, &e))?;
        let mut part = Rational::zero();
        let mut terms = Vec::new();
        for (i, (nu, c)) in coefficients.iter().enumerate() {
            let k = nu.iter().sum::<u32>();
            let (j, beta) = match self.beta {
                Beta::Rounded => {
                    let step = &self.steps[k as usize];
                    let j = (c.mid() / step).round().to_integer();
                    let beta = Rational::from_integer(j.clone()) * step;
                    (j, beta)
                }
                Beta::Exact => {
                    let unit = BigInt::one() << EXPR_BETA_BITS;
                    let j = (c.mid() * Rational::from_integer(unit.clone()))
                        .round()
                        .to_integer();
                    let beta = Rational::new(j.clone(), unit);
                    (j, beta)
                }
            };
            let miss = (c.lo() - &beta).abs().max((c.hi() - &beta).abs());
            part += miss * &self.rho[k as usize];
            if !j.is_zero() {
                terms.push(Term { nu: i, order: k, j });
            }
        }
        // the support of ψ_m within [0, 1]^d: |x_l − a_l| < ρ = 2/(3N)
        let rho = &self.rho[1];
        let support: Vec<Interval> = a
            .iter()
            .map(|x| {
                let lo = (x - rho).max(Rational::zero());
                let hi = (x + rho).min(Rational::one());
                Interval::hull_of(lo, hi)
            })
            .collect();
        let enclosed = self
            .expr
            .taylor_coefficients(&support, self.n, EXPR_PRECISION)
            .ok()
            .map(|c| {
                c.iter()
                    .filter(|(nu, _)| nu.iter().sum::<u32>() == self.n)
                    .fold(Rational::zero(), |acc, (_, c)| acc + c.mag())
            });
        let remainder = match enclosed {
            Some(e) if e < self.class => e,
            _ => self.class.clone(),
        };
        part += remainder * &self.rho[self.n as usize];
        Ok((part, terms))
    }
}

/// The refusal when a target's Taylor coefficients cannot be enclosed at
/// a grid point (the F_{d,n} check passed, so this is not expected).
fn undefined_at(a: &[Rational], e: &crate::expr::derive::DeriveError) -> CoreError {
    let at: Vec<String> = a.iter().map(crate::rational::display).collect();
    CoreError::InvalidParameter {
        subject: Subject::Target,
        message: format!(
            "the Taylor coefficients of the target at ({}) could not be enclosed: {e}",
            at.join(", ")
        ),
    }
}

/// One term of a grid point: `β_ν = j·q_|ν|` (eq. 17, `j ≠ 0`), so that
/// `γ = β_ν·ρ^|ν| = j·d^(n−k)·2^k / (n·N^n·3^k)` with `k = |ν|` — or for
/// the exact β, `γ = j·2^k/(L·N^deg·3^k·N^k)` with `j = V_ν`.
#[derive(Clone, Debug)]
pub(super) struct Term {
    /// index of ν in [`orders_below`]
    pub(super) nu: usize,
    pub(super) order: u32,
    pub(super) j: BigInt,
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

/// Steps per axis of [`TaylorPlan::probe`]'s lattice: `9^d` points, at
/// most 729 in three variables.
const PROBE_STEPS: u64 = 8;

/// Refuses `n = 0` and `N = 0`.
fn check_grid(n: u32, grid: u64) -> Result<(), CoreError> {
    if n == 0 || grid == 0 {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param(if n == 0 { Param::Order } else { Param::Grid }),
            message: format!("`n` and `N` must be at least 1, found n = {n}, N = {grid}"),
        });
    }
    Ok(())
}

/// The signal exponent of every Taylor term: ψ′_m (a bump for d = 1, else
/// a ×′ product) and the products `×′(ψ′_m, U_ν)` are carried as forms
/// worth half their value, so Prop. 3 rounds the multiplier `2|γ|` to a
/// multiple of 2^−t.
pub(super) const TERM_EXP: u32 = 1;

/// The a-priori bound of Theorem 1's network for one target, `n` and `N`,
/// computed **without building** the network: equal, part by part, to the
/// [`TaylorBound`] `build.rs` reports for the same `(n, N, r, t)`
/// (tests check it for several targets and parameters).
///
/// The plan holds what depends on the target, `n` and `N` only: the Taylor
/// part ([`TaylorBound::taylor`]: the tail and the β rounding of eqs. 15–18,
/// maximised over the grid) and, for every term, the integer `j` of
/// `β = j·(1/n)(d/N)^(n−|ν|)` (eq. 17), which fixes
/// `γ = β·ρ^|ν| = j·d^(n−k)·2^k/(n·N^n·3^k)`, `k = |ν|`.
/// [`bound`](Self::bound) adds the parts that depend on `r` (the ×′ errors
/// δ_ν of eqs. 21–24, the same at every grid point: `term_errors`)
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
    pub(super) d: usize,
    pub(super) n: u32,
    pub(super) grid: u64,
    pub(super) beta: Beta,
    pub(super) orders: Vec<Vec<u32>>,
    /// per grid point (in build order): the terms with `β ≠ 0`
    pub(super) points: Vec<Vec<Term>>,
    pub(super) taylor: Rational,
    /// per order `k < n`: `d^(n−k)·2^k` and `n·N^n·3^k` (`γ = j·a/q`), or
    /// `2^k` and `L·N^deg·3^k·N^k` for the exact β
    pub(super) gamma: Vec<(BigInt, BigInt)>,
}

/// Which Taylor coefficients β a network carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Beta {
    /// rounded to a multiple of `(1/n)(d/N)^(n−|ν|)` (eq. 17): what Prop. 3
    /// can realise with finitely many codebook weights
    Rounded,
    /// exact, for free weights (the unquantized reference networks)
    Exact,
}

/// The coefficients of a [`TaylorPlan`] realised at one `t` (Prop. 3).
#[derive(Clone, Debug)]
pub(crate) struct Rounded {
    pub(crate) t: u32,
    /// per point, per term: `2^(t+1)·|γ′|`, the multiplier `2|γ′|` in
    /// units of 2^−t
    pub(super) units: Vec<Vec<BigInt>>,
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
        Self::planned(
            &Source::Poly(Expansion::new(target)),
            n,
            grid,
            Beta::Rounded,
        )
    }

    /// The plan with the β of `beta`: [`new`](Self::new) for
    /// [`Beta::Rounded`]; for [`Beta::Exact`] the Taylor part is the tail
    /// alone and the terms carry the exact β (the free wiring's plan, which
    /// only [`super::build`] reads: `rounded`, `products` and the
    /// estimates assume rounded β).
    ///
    /// # Errors
    /// `n = 0` or `N = 0`.
    pub(crate) fn planned(
        source: &Source,
        n: u32,
        grid: u64,
        beta: Beta,
    ) -> Result<Self, CoreError> {
        Self::within_with(source, n, grid, None, beta)?
            .map_err(|_| internal("a plan without a limit"))
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
        source: &Source,
        n: u32,
        grid: u64,
        limit: Option<Limit<'_>>,
    ) -> Result<Result<Self, Stop>, CoreError> {
        Self::within_with(source, n, grid, limit, Beta::Rounded)
    }

    /// [`within`](Self::within) with the β of `beta`.
    fn within_with(
        source: &Source,
        n: u32,
        grid: u64,
        limit: Option<Limit<'_>>,
        beta: Beta,
    ) -> Result<Result<Self, Stop>, CoreError> {
        check_grid(n, grid)?;
        let d = source.d();
        let points = Points::new(source, n, grid, beta);
        let gamma = points.gamma(d);
        // 2^d|γ_0| > ε ⇔ |j|·a_0·2^d·ε_den > ε_num·q_0
        let forced = limit.as_ref().map(|l| {
            let (num, den) = (l.eps.numer(), l.eps.denom());
            ((&gamma[0].0 << d) * den, num * &gamma[0].1)
        });
        let size = limit.as_ref().and_then(|l| l.size);
        let per_point = live_point_cost(d, grid);
        let mut floor = Parts::new(grid, 1).shared(1, 1);
        let mut worst = Rational::zero();
        let mut all = Vec::new();
        for m in grid_points(d, grid) {
            let (part, terms) = points.at(&m)?;
            if let (Some(l), Some((forced, threshold))) = (&limit, &forced) {
                if part > *l.eps {
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
            all.push(terms);
        }
        Ok(Ok(TaylorPlan {
            d,
            n,
            grid,
            beta,
            orders: orders_below(d, n),
            points: all,
            taylor: worst,
            gamma,
        }))
    }

    /// The Taylor part of the bound at the one grid point `m` (a lower
    /// bound on [`taylor`](Self::taylor)), without a plan.
    ///
    /// # Errors
    /// `n = 0` or `N = 0`.
    pub(crate) fn part_at(
        source: &Source,
        n: u32,
        grid: u64,
        m: &[u64],
    ) -> Result<Rational, CoreError> {
        check_grid(n, grid)?;
        Ok(Points::new(source, n, grid, Beta::Rounded).at(m)?.0)
    }

    /// The first point of a coarse lattice of the grid `N` — `k` steps of
    /// `N/k` (rounded) per axis, `k = min(N, PROBE_STEPS)` — where the
    /// Taylor part exceeds `eps`, if any. A cheap filter before
    /// [`within`](Self::within) scans all `(N + 1)^d` points: the Taylor
    /// part varies slowly with the point, so a grid that fails mostly fails
    /// on the lattice too, and a scan in build order may have to pass most
    /// of the grid before it meets a failing point (`−yz/4` at `n = 1`
    /// first fails at `(0, 0.6·N, 0)`: `0.36·N²` points per grid). Only
    /// speed depends on it: a grid the lattice passes is scanned in full.
    ///
    /// # Errors
    /// `n = 0` or `N = 0`.
    pub(crate) fn probe(
        source: &Source,
        n: u32,
        grid: u64,
        eps: &Rational,
    ) -> Result<Option<Vec<u64>>, CoreError> {
        check_grid(n, grid)?;
        let steps = grid.min(PROBE_STEPS);
        let points = Points::new(source, n, grid, Beta::Rounded);
        for k in grid_points(source.d(), steps) {
            // round(k·N/steps), exact in integers
            let m: Vec<u64> = k
                .iter()
                .map(|&k| (2 * k * grid + steps) / (2 * steps))
                .collect();
            // a point where the target is undefined is left to the scan,
            // which reports it if no failing point comes first
            if points.at(&m).is_ok_and(|(part, _)| part > *eps) {
                return Ok(Some(m));
            }
        }
        Ok(None)
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
    pub(super) fn terms(&self) -> impl Iterator<Item = Vec<(usize, Rational)>> + '_ {
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
    /// As `term_errors`.
    pub fn bound(&self, r: u32, t: u32) -> Result<TaylorBound, CoreError> {
        let errors = self.term_errors(r)?;
        Ok(self.bound_with(&self.rounded(t), &errors))
    }

    /// The bound from the parts [`rounded`](Self::rounded) and
    /// `term_errors` cache.
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
    /// [`plan`](crate::construct::direct::plan::plan) chooses on `[−1, 1]^d`.
    ///
    /// # Errors
    /// Internal limits only (an argument of ×′ beyond 2).
    pub(crate) fn term_errors(&self, r: u32) -> Result<Vec<Rational>, CoreError> {
        let one = Rational::one();
        let zero = Rational::zero();
        let (mut psi_delta, mut psi_reach) = (zero.clone(), one.clone());
        for _ in 1..self.d {
            psi_delta = crate::bound::mul_propagated(
                r,
                (&one, &zero, &one),
                (&one, &psi_delta, &psi_reach),
            )
            .ok_or_else(|| internal("ψ out of range"))?;
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
                let plan = plan::plan(&monomial, &unit_box, r)?;
                let top = plan.nodes.last().ok_or_else(|| internal("empty plan"))?;
                crate::bound::mul_propagated(
                    r,
                    (&one, &psi_delta, &psi_reach),
                    (&one, &top.delta, &top.reach),
                )
                .ok_or_else(|| internal("a Taylor term out of range"))
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
        debug_assert_eq!(self.beta, Beta::Rounded, "Prop. 3 rounds the rounded β");
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

    pub(super) fn corners(&self) -> Rational {
        Rational::from_integer((1u64 << self.d.min(62)).into())
    }
}

/// The numerators of `values` over their least common denominator, and
/// that denominator.
pub(super) fn common_denominator(values: &[Rational]) -> (Vec<BigInt>, BigInt) {
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
