//! Enclosures of every partial derivative up to order `n` over a box:
//! Taylor-mode arithmetic with interval coefficients.
//!
//! Theorem 1 needs, of a target `f`, its derivatives of order `≤ n` (the
//! class F_{d,n} of eq. 1 asks them bounded by 1; the β_{m,n} of eq. 17 are
//! `D^α f(m/N)/α!`). Here every input `x_i` over the box `B` is the
//! truncated series `X_i + h_i` (`X_i` the interval side, `h_i` formal), and
//! the expression is evaluated on truncated series of total degree `≤ n`
//! whose coefficients are intervals. By Faà di Bruno's formula, each
//! coefficient of `h^α` is a polynomial in the derivatives of the operands
//! at `x`; evaluating it with `x` ranging over `B` in interval arithmetic
//! encloses `{D^α f(x)/α! : x ∈ B}`.
//!
//! A one-argument function `g` of a series `v = v₀ + s` (`s` without
//! constant term) is `Σ_k g^(k)(v₀)/k! · s^k`; the coefficients
//! `g^(k)(V₀)/k!` over the interval `V₀` come from the univariate series of
//! `g(V₀ + t)`, obtained by the classical recurrences (`u = exp v` ⇒ `u' =
//! u v'`; `log`: `u' = v'/v`; `sqrt`: `2u u' = v'`; `sin`/`cos` as a pair;
//! `tanh`: `u' = (1 − u²) v'`; `atan`: `u' = v'/(1 + v²)`; `1/v`:
//! `(−1)^k/V₀^(k+1)`), all in interval arithmetic. `abs` (and `min`, `max`
//! through `min(a, b) = (a + b − |a − b|)/2`) is smooth where its argument
//! keeps one sign; where the argument may vanish only its first-order
//! (Lipschitz) enclosure `[−|v_i|, |v_i|]` exists, and asking for order ≥ 2
//! is an error.

use std::collections::HashMap;

use num_traits::{One, Zero};

use super::{EnclosureError, Expr, Path, Undefined};
use crate::construct::taylor::expansion::orders_below;
use crate::interval::Interval;
use crate::interval::elementary::{self, Elementary};
use crate::rational::{Rational, int};

/// Why derivatives could not be enclosed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeriveError {
    /// An operation is not proved defined on the box.
    Undefined(EnclosureError),
    /// `abs`, `min` or `max` at `path` may meet its kink inside the box, so
    /// derivatives of order ≥ 2 do not exist there.
    NotSmooth {
        /// The `abs`, `min` or `max` node.
        path: Path,
    },
}

impl std::fmt::Display for DeriveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeriveError::Undefined(e) => e.fmt(f),
            DeriveError::NotSmooth { .. } => f.write_str(
                "not differentiable twice: the argument of `abs` (or the two sides of `min`/`max`) may meet inside the domain",
            ),
        }
    }
}

impl std::error::Error for DeriveError {}

/// The multi-indices of total degree `≤ n` in `d` variables, graded (the
/// order of eq. 15's expansion).
fn multi_indices(d: usize, n: u32) -> Vec<Vec<u32>> {
    orders_below(d, n + 1)
}

/// The shape shared by all series of one computation.
struct Shape {
    idx: Vec<Vec<u32>>,
    pos: HashMap<Vec<u32>, usize>,
    n: u32,
    p: u32,
}

/// A truncated series: one interval per multi-index of `Shape::idx`.
type Series = Vec<Interval>;

impl Shape {
    fn zero(&self) -> Series {
        vec![Interval::point(Rational::zero()); self.idx.len()]
    }

    fn constant(&self, c: Interval) -> Series {
        let mut s = self.zero();
        s[0] = c;
        s
    }

    fn add(&self, a: &Series, b: &Series) -> Series {
        a.iter().zip(b).map(|(x, y)| x.add(y)).collect()
    }

    fn scale(&self, a: &Series, q: &Rational) -> Series {
        a.iter().map(|x| x.scale(q)).collect()
    }

    fn mul(&self, a: &Series, b: &Series) -> Series {
        let mut out = self.zero();
        for (i, ai) in self.idx.iter().enumerate() {
            if a[i].lo().is_zero() && a[i].hi().is_zero() {
                continue;
            }
            for (j, bj) in self.idx.iter().enumerate() {
                let deg: u32 = ai.iter().zip(bj).map(|(x, y)| x + y).sum();
                if deg > self.n {
                    continue;
                }
                let sum: Vec<u32> = ai.iter().zip(bj).map(|(x, y)| x + y).collect();
                let k = self.pos[&sum];
                out[k] = out[k].add(&a[i].mul(&b[j]));
            }
        }
        out.into_iter().map(|x| x.tame(self.p)).collect()
    }

    /// `Σ_k c_k s^k` with `s` the series without its constant term.
    fn compose(&self, v: &Series, c: &[Interval]) -> Series {
        let mut s = v.clone();
        s[0] = Interval::point(Rational::zero());
        let mut out = self.constant(c[0].clone());
        let mut power = self.constant(Interval::point(Rational::one()));
        for ck in &c[1..] {
            power = self.mul(&power, &s);
            out = self.add(&out, &power.iter().map(|x| x.mul(ck)).collect());
        }
        out
    }
}

/// The univariate coefficients `g^(k)(V)/k!`, `k = 0..=n`, of `g(V + t)`.
fn univariate(
    f: Elementary,
    v: &Interval,
    n: usize,
    p: u32,
) -> Result<Vec<Interval>, elementary::DomainError> {
    let zero = || Interval::point(Rational::zero());
    // the argument series V + t
    let mut arg = vec![zero(); n + 1];
    arg[0] = v.clone();
    if n >= 1 {
        arg[1] = Interval::point(Rational::one());
    }
    let k_rat = |k: usize| int(k as i64);
    let mut u = vec![zero(); n + 1];
    match f {
        Elementary::Exp => {
            u[0] = elementary::apply(f, v, p)?;
            for k in 1..=n {
                // u_k = (1/k) Σ_{j=1}^{k} j a_j u_{k−j}; only a_1 = 1 is nonzero
                u[k] = u[k - 1].scale(&(Rational::one() / k_rat(k)));
            }
        }
        Elementary::Log => {
            u[0] = elementary::apply(f, v, p)?;
            // log(V + t) = log V + Σ_{k≥1} (−1)^(k+1) t^k / (k V^k)
            let inv = v.recip().ok_or(elementary::DomainError::LogNotPositive)?;
            for (k, uk) in u.iter_mut().enumerate().skip(1) {
                let sign = if k % 2 == 1 { 1 } else { -1 };
                *uk = inv.pow(k as u32).scale(&(int(sign) / k_rat(k)));
            }
        }
        Elementary::Sqrt => {
            u[0] = elementary::apply(f, v, p)?;
            if n >= 1 {
                // 2 u0 u_k = a_k − Σ_{j=1}^{k−1} u_j u_{k−j}
                let twice = u[0].scale(&int(2));
                let Some(inv) = twice.recip() else {
                    return Err(elementary::DomainError::SqrtNegative);
                };
                for k in 1..=n {
                    let mut acc = arg[k].clone();
                    for j in 1..k {
                        acc = acc.sub(&u[j].mul(&u[k - j]));
                    }
                    u[k] = acc.mul(&inv).round_out(p);
                }
            }
        }
        Elementary::Sin | Elementary::Cos if n == 0 => {
            u[0] = elementary::apply(f, v, p)?;
        }
        Elementary::Sin | Elementary::Cos => {
            let mut s = vec![zero(); n + 1];
            let mut c = vec![zero(); n + 1];
            s[0] = elementary::apply(Elementary::Sin, v, p)?;
            c[0] = elementary::apply(Elementary::Cos, v, p)?;
            for k in 1..=n {
                // s_k = c_{k−1}/k, c_k = −s_{k−1}/k (a_1 = 1)
                s[k] = c[k - 1].scale(&(Rational::one() / k_rat(k)));
                c[k] = s[k - 1].scale(&(int(-1) / k_rat(k)));
            }
            u = if f == Elementary::Sin { s } else { c };
        }
        Elementary::Tanh => {
            u[0] = elementary::apply(f, v, p)?;
            // u' = w with w = 1 − u²: k u_k = w_{k−1}
            let mut w = vec![zero(); n + 1];
            for k in 1..=n {
                let m = k - 1;
                let mut sq = zero();
                for i in 0..=m {
                    sq = sq.add(&u[i].mul(&u[m - i]));
                }
                w[m] = if m == 0 {
                    Interval::point(Rational::one()).sub(&sq)
                } else {
                    sq.neg()
                };
                u[k] = w[m].scale(&(Rational::one() / k_rat(k))).round_out(p);
            }
        }
        Elementary::Atan => {
            u[0] = elementary::apply(f, v, p)?;
            // g = 1/(1 + a²): b = 1 + a², g_k = −(Σ_{j=1}^{k} b_j g_{k−j}) / b_0
            let mut b = vec![zero(); n + 1];
            for k in 0..=n {
                let mut acc = zero();
                for i in 0..=k {
                    acc = acc.add(&arg[i].mul(&arg[k - i]));
                }
                b[k] = if k == 0 {
                    acc.add(&Interval::point(Rational::one()))
                } else {
                    acc
                };
            }
            let inv_b0 = b[0]
                .recip()
                .unwrap_or_else(|| Interval::point(Rational::one()));
            let mut g = vec![zero(); n + 1];
            g[0] = inv_b0.clone();
            for k in 1..=n {
                let mut acc = zero();
                for j in 1..=k {
                    acc = acc.add(&b[j].mul(&g[k - j]));
                }
                g[k] = acc.neg().mul(&inv_b0).round_out(p);
            }
            for k in 1..=n {
                // k u_k = g_{k−1} (a_1 = 1)
                u[k] = g[k - 1].scale(&(Rational::one() / k_rat(k)));
            }
        }
    }
    Ok(u)
}

impl Expr {
    /// Enclosures of `D^α f / α!` over the box `x` for every multi-index
    /// `|α| ≤ n`, graded (`[0,…,0]` first, then degree 1, …), at working
    /// precision `p`.
    ///
    /// # Errors
    /// [`DeriveError`] where an operation is not proved defined on the box,
    /// or not smooth enough for order `n`.
    pub fn taylor_coefficients(
        &self,
        x: &[Interval],
        n: u32,
        p: u32,
    ) -> Result<Vec<(Vec<u32>, Interval)>, DeriveError> {
        let idx = multi_indices(x.len(), n);
        let pos = idx
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, a)| (a, i))
            .collect();
        let shape = Shape { idx, pos, n, p };
        let s = self.series(&shape, x, &mut Vec::new())?;
        Ok(shape.idx.into_iter().zip(s).collect())
    }

    /// Enclosures of the partial derivatives `D^α f` over the box, `|α| ≤ n`
    /// (the Taylor coefficients times `α!`).
    ///
    /// # Errors
    /// As [`Expr::taylor_coefficients`].
    pub fn derivatives(
        &self,
        x: &[Interval],
        n: u32,
        p: u32,
    ) -> Result<Vec<(Vec<u32>, Interval)>, DeriveError> {
        Ok(self
            .taylor_coefficients(x, n, p)?
            .into_iter()
            .map(|(a, c)| {
                let fact: u64 = a
                    .iter()
                    .map(|&k| (1..=u64::from(k)).product::<u64>())
                    .product();
                let scaled = c.scale(&Rational::from_integer(fact.into()));
                (a, scaled)
            })
            .collect())
    }

    fn series(&self, sh: &Shape, x: &[Interval], path: &mut Path) -> Result<Series, DeriveError> {
        let mut child = |i: usize, e: &Expr| -> Result<Series, DeriveError> {
            path.push(i);
            let r = e.series(sh, x, path);
            path.pop();
            r
        };
        Ok(match self {
            Expr::Const(q) => sh.constant(Interval::point(q.clone())),
            Expr::Pi => sh.constant(elementary::pi(sh.p)),
            Expr::Var(i) => {
                let mut s = sh.constant(x[*i].clone());
                if sh.n >= 1 {
                    let mut e = vec![0; x.len()];
                    e[*i] = 1;
                    s[sh.pos[&e]] = Interval::point(Rational::one());
                }
                s
            }
            Expr::Neg(e) => sh.scale(&child(0, e)?, &int(-1)),
            Expr::Add(a, b) => sh.add(&child(0, a)?, &child(1, b)?),
            Expr::Sub(a, b) => sh.add(&child(0, a)?, &sh.scale(&child(1, b)?, &int(-1))),
            Expr::Mul(a, b) => sh.mul(&child(0, a)?, &child(1, b)?),
            Expr::Pow(e, k) => {
                let base = child(0, e)?;
                let mut out = sh.constant(Interval::point(Rational::one()));
                for _ in 0..*k {
                    out = sh.mul(&out, &base);
                }
                // the constant term of an even power is tight
                out[0] = base[0].pow(*k);
                out
            }
            Expr::Div(a, b) => {
                let (num, den) = (child(0, a)?, child(1, b)?);
                let Some(inv) = den[0].recip() else {
                    return Err(DeriveError::Undefined(EnclosureError {
                        path: path.clone(),
                        kind: Undefined::Denominator,
                        argument: Box::new(den[0].clone()),
                    }));
                };
                // 1/(V + s) = Σ_k (−1)^k s^k / V^(k+1)
                let c: Vec<Interval> = (0..=sh.n)
                    .map(|k| {
                        let v = inv.pow(k + 1);
                        if k % 2 == 1 { v.neg() } else { v }
                    })
                    .collect();
                sh.mul(&num, &sh.compose(&den, &c))
            }
            Expr::Call(f, e) => {
                let arg = child(0, e)?;
                // a constant argument (every higher coefficient exactly 0):
                // f(V) alone, the series of f past its value is not needed
                let constant = arg[1..]
                    .iter()
                    .all(|a| a.lo().is_zero() && a.hi().is_zero());
                let order = if constant { 0 } else { sh.n as usize };
                let c = univariate(*f, &arg[0], order, sh.p).map_err(|d| {
                    DeriveError::Undefined(EnclosureError {
                        path: path.clone(),
                        kind: Undefined::Domain(d),
                        argument: Box::new(arg[0].clone()),
                    })
                })?;
                sh.compose(&arg, &c)
            }
            Expr::Abs(e) => {
                let arg = child(0, e)?;
                abs_series(sh, arg, path)?
            }
            Expr::Min(a, b) | Expr::Max(a, b) => {
                let (sa, sb) = (child(0, a)?, child(1, b)?);
                // min = (a + b − |a − b|)/2, max = (a + b + |a − b|)/2
                let diff = sh.add(&sa, &sh.scale(&sb, &int(-1)));
                let mut ab = abs_series(sh, diff, path)?;
                if matches!(self, Expr::Min(..)) {
                    ab = sh.scale(&ab, &int(-1));
                }
                let sum = sh.add(&sh.add(&sa, &sb), &ab);
                let half = Rational::one() / int(2);
                let mut out = sh.scale(&sum, &half);
                // the value itself is tighter from the interval min/max
                let (va, vb) = (&sa[0], &sb[0]);
                out[0] = if matches!(self, Expr::Min(..)) {
                    va.min(vb)
                } else {
                    va.max(vb)
                };
                out
            }
        })
    }
}

/// `|v|` as a series: `±v` where `v` keeps a sign on the box; otherwise the
/// first-order (Lipschitz) enclosure, and an error for higher orders.
///
/// At a point where `v` is exactly 0 but some derivative is not, `|v|`
/// bends there whatever the sign test says (`max(x², 1)` at `x = 1`: the
/// left branch is constant, the right one `x²`), so that point is a kink
/// too — taking `v`'s own series there made a Taylor network follow the
/// wrong branch (campaign seed 31, net 1287).
fn abs_series(sh: &Shape, v: Series, path: &Path) -> Result<Series, DeriveError> {
    let exactly_zero = |c: &Interval| c.lo().is_zero() && c.hi().is_zero();
    let kink = exactly_zero(&v[0]) && !v[1..].iter().all(exactly_zero);
    if !kink && v[0].lo() >= &Rational::zero() {
        return Ok(v);
    }
    if !kink && v[0].hi() <= &Rational::zero() {
        return Ok(sh.scale(&v, &int(-1)));
    }
    if sh.n >= 2 {
        return Err(DeriveError::NotSmooth { path: path.clone() });
    }
    let mut out = v
        .iter()
        .map(|c| {
            let m = c.mag();
            Interval::hull_of(-m.clone(), m)
        })
        .collect::<Series>();
    out[0] = v[0].abs();
    Ok(out)
}

#[cfg(test)]
mod tests;
