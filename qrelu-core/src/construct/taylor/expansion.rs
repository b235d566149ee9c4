//! The Taylor expansion of eq. 15: the coefficients `q_ν = D^ν f/ν!` of
//! a target at any point — exactly for a polynomial ([`Expansion`]),
//! enclosed for any other expression ([`Source::Expr`], through
//! [`Expr::taylor_coefficients`]) — the multi-indices `ν` they are indexed
//! by, and the grid points `m/N` of Theorem 1 in the order the network
//! visits them.

use num_bigint::BigInt;
use num_traits::One;

use crate::expr::Expr;
use crate::rational::Rational;
use crate::spec::Target;

/// Where a plan takes the Taylor coefficients of its target from.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// A polynomial: exact coefficients in integer arithmetic.
    Poly(Expansion),
    /// Any other expression in `d` inputs: enclosures of the coefficients
    /// at the grid points and of the order-`n` coefficients over the
    /// support of each bump (the plan's module docs).
    Expr {
        /// the target
        expr: Expr,
        /// its number of inputs
        d: usize,
    },
}

impl Source {
    /// The source of `target`, a function of `d` inputs.
    pub(crate) fn new(target: &Target, d: usize) -> Self {
        match target {
            Target::Poly(p) => Source::Poly(Expansion::new(p)),
            Target::Expr(e) => Source::Expr { expr: e.clone(), d },
        }
    }

    /// The number of inputs.
    pub(crate) fn d(&self) -> usize {
        match self {
            Source::Poly(e) => e.d,
            Source::Expr { d, .. } => *d,
        }
    }
}

/// Every multi-index of `d` entries with `|ν| < n`, by increasing order
/// (within one order, in lexicographic order of the exponent vectors).
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

/// `|{ν ∈ ℕ^d : |ν| < n}| = C(n − 1 + d, d)`.
pub(crate) fn orders_count(d: usize, n: u32) -> usize {
    (0..d).fold(1usize, |acc, i| acc * (n as usize + i) / (i + 1))
}

/// The grid points `{0, …, N}^d` in the order the network is built: `m_1`
/// fastest.
pub(crate) fn grid_points(d: usize, grid: u64) -> impl Iterator<Item = Vec<u64>> {
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
    pub(crate) d: usize,
    pub(crate) degree: u32,
    pub(crate) denominator: BigInt,
    /// `(|ν|, [(e, A_{ν,e})])`, zero polynomials included (to keep the
    /// indices)
    pub(crate) polys: Vec<(u32, IntegerPoly)>,
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
pub(crate) type IntegerPoly = Vec<(Vec<u32>, BigInt)>;
