//! One-input functions on an interval as piecewise-linear interpolants with
//! a rigorous error: the knots, the realised coefficients, and
//! `E = sup_{u ∈ I} |g̃(u) − f(u)|` proved from enclosures.
//!
//! # The interpolant and how it is realised
//!
//! On `I = [k_0, k_m]` with dyadic interior knots `k_1 < … < k_{m−1}`,
//!
//! ```text
//! g̃(u) = C + s_0·u + Σ_{j=1}^{m−1} D_j·2·σ((u − k_j)/2)
//! ```
//!
//! is linear on each `[k_j, k_{j+1}]` with slope `s_j = s_0 + Σ_{i ≤ j} D_i`
//! and continues its first and last pieces beyond `I`, so it is
//! Lipschitz on all of ℝ with constant `L = max_j |s_j|`. The coefficients
//! are chosen one after the other and *realised* (rounded as the wiring
//! rounds them) before the next is chosen, so that rounding errors do not
//! accumulate: `D_j` aims the realised slope at the secant slope of `f`
//! between the knots, `C` makes `g̃(k_0)` as close as it can get to `f(k_0)`.
//!
//! # The error, proved per piece
//!
//! On a piece `[a, b]` where `g̃` is the line `ℓ`, with `F(a)`, `F(b)`
//! enclosures of `f` at the ends and `F''` of `f''` over the piece,
//!
//! ```text
//! |ℓ − f| ≤ max(|ℓ(a) − F(a)|, |ℓ(b) − F(b)|) + (b − a)²/8 · |F''|       (A)
//! |ℓ − f| ≤ mag(ℓ([a, b]) − F([a, b]))                                    (B)
//! ```
//!
//! (A): `ℓ − f = I(ℓ − f) − (f − I f)` with `I` the linear interpolant at
//! `a, b`; the first term is at most its larger end value, the second is the
//! interpolation remainder `(u − a)(b − u)/2 · f''(ξ)`. (B) holds for any
//! function and is used where `f''` has no enclosure (`sqrt` at 0). The
//! knots are chosen by bisection until the secant's bound is below the
//! tolerance (or the knot grid is exhausted), and the bound of each piece is
//! then recomputed for the realised `g̃`.

use num_traits::{Signed, Zero};

use crate::expr::Expr;
use crate::interval::{Interval, round_down};
use crate::rational::{self, Rational};

/// Working precision of the enclosures (bits).
pub(crate) const PRECISION: u32 = 96;

/// A function of one input (`f(x_0)`, the argument standing for `x_0`).
pub(crate) struct Function<'a> {
    pub(crate) f: &'a Expr,
}

impl Function<'_> {
    fn at(&self, u: &Rational) -> Option<Interval> {
        let tol = rational::pow2(-(i64::from(PRECISION) / 2));
        self.f.value(std::slice::from_ref(u), &tol).ok().flatten()
    }

    fn range(&self, i: &Interval) -> Option<Interval> {
        self.f.range(std::slice::from_ref(i), PRECISION).ok()
    }

    fn second(&self, i: &Interval) -> Option<Interval> {
        let d = self
            .f
            .derivatives(std::slice::from_ref(i), 2, PRECISION)
            .ok()?;
        d.into_iter().find(|(a, _)| a[0] == 2).map(|(_, c)| c)
    }

    /// The bound (A) for the line through `(a, ya)`, `(b, yb)` where the
    /// piece has a curvature enclosure `f2`, else (B) (module docs); (B)
    /// also where (A) is above `want`, and the better of the two.
    fn piece_error(
        &self,
        (a, fa): (&Rational, &Interval),
        (b, fb): (&Rational, &Interval),
        (ya, yb): (&Rational, &Rational),
        f2: Option<&Interval>,
        want: &Rational,
    ) -> Option<Rational> {
        let ends = Interval::point(ya.clone())
            .sub(fa)
            .mag()
            .max(Interval::point(yb.clone()).sub(fb).mag());
        let h = b - a;
        let by_curvature = f2.map(|f2| &ends + &h * &h / rational::int(8) * f2.mag());
        if let Some(e) = &by_curvature
            && e <= want
        {
            return by_curvature;
        }
        let piece = Interval::hull_of(a.clone(), b.clone());
        let line = Interval::hull_of(ya.clone(), yb.clone());
        let by_range = self.range(&piece).map(|r| line.sub(&r).mag());
        match (by_curvature, by_range) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        }
    }
}

/// The interpolant of [`Function`] on an interval, as the wiring realises it
/// (module docs).
#[derive(Clone, Debug)]
pub(crate) struct Interpolant {
    /// `k_0 … k_m`; the interior ones are dyadic at the knot grid
    pub(crate) knots: Vec<Rational>,
    /// the realised `C`
    pub(crate) constant: Rational,
    /// the realised `s_0`
    pub(crate) slope: Rational,
    /// the realised `D_j` for the interior knots `k_1 … k_{m−1}`
    pub(crate) kinks: Vec<Rational>,
    /// `max |s_j|`
    pub(crate) lipschitz: Rational,
    /// `sup_{[k_0, k_m]} |g̃ − f|`, proved
    pub(crate) error: Rational,
}

/// Why an interpolant could not be made.
#[derive(Debug)]
pub(crate) enum Failure {
    /// `f` has no enclosure at a knot (never for an argument range the
    /// validation proved inside f's domain)
    Undefined,
    /// more knots than `limit`
    TooMany,
}

/// Which coefficient of `g̃` a value is, for the caller's rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// `s_0`, the weight of the argument
    Slope,
    /// a `D_j`, the weight of `2σ((u − k_j)/2)`
    Kink,
    /// `C`
    Constant,
}

/// The interpolant of `f` on `[lo, hi]` to within `tol` (as far as the
/// grid `2^−grid_bits` allows), each coefficient realised by `realise`
/// (the caller's wiring rounds them, [`Role`]).
pub(crate) fn interpolate(
    f: &Function<'_>,
    (lo, hi): (&Rational, &Rational),
    tol: &Rational,
    grid_bits: u32,
    limit: usize,
    realise: &dyn Fn(&Rational, Role) -> Rational,
) -> Result<Interpolant, Failure> {
    let at = |u: &Rational| f.at(u).ok_or(Failure::Undefined);
    // knots: bisect at grid points until the secant bound is below tol/2
    let mut knots = vec![lo.clone()];
    let mut values = vec![at(lo)?];
    // f'' over each piece, kept for the final bound
    let mut curvature: Vec<Option<Interval>> = Vec::new();
    let mut stack = vec![(hi.clone(), at(hi)?)];
    let grid = |q: &Rational| round_down(q, grid_bits);
    let half_tol = tol / rational::int(2);
    while let Some((b, fb)) = stack.pop() {
        let (a, fa) = (
            knots[knots.len() - 1].clone(),
            values[values.len() - 1].clone(),
        );
        let m = grid(&((&a + &b) / rational::int(2)));
        let splittable = m > a && m < b;
        let (ya, yb) = (fa.mid(), fb.mid());
        let f2 = f.second(&Interval::hull_of(a.clone(), b.clone()));
        let good = f
            .piece_error((&a, &fa), (&b, &fb), (&ya, &yb), f2.as_ref(), &half_tol)
            .is_some_and(|e| e <= half_tol);
        if good || !splittable {
            knots.push(b);
            values.push(fb);
            curvature.push(f2);
            if knots.len() > limit {
                return Err(Failure::TooMany);
            }
        } else {
            let fm = at(&m)?;
            stack.push((b, fb));
            stack.push((m, fm));
        }
    }
    // realise the coefficients piece by piece (module docs)
    let m = knots.len() - 1;
    // a function of a constant argument has one degenerate piece [c, c]:
    // its secant is 0 (found by the campaign: exp(1/max(7/4, x)) on
    // [-1, 1] divided by zero here)
    let secant = |j: usize| {
        let h = &knots[j + 1] - &knots[j];
        if h.is_zero() {
            return Rational::zero();
        }
        (values[j + 1].mid() - values[j].mid()) / h
    };
    let slope = realise(&secant(0), Role::Slope);
    let mut s = slope.clone();
    let mut kinks = Vec::with_capacity(m.saturating_sub(1));
    let mut lipschitz = s.abs();
    for j in 1..m {
        let d = realise(&(secant(j) - &s), Role::Kink);
        s += &d;
        lipschitz = lipschitz.max(s.abs());
        kinks.push(d);
    }
    let constant = realise(&(values[0].mid() - &slope * &knots[0]), Role::Constant);
    let mut interpolant = Interpolant {
        knots,
        constant,
        slope,
        kinks,
        lipschitz,
        error: Rational::zero(),
    };
    // the proved error of the realised g̃
    let ys: Vec<Rational> = interpolant
        .knots
        .iter()
        .map(|k| interpolant.eval(k))
        .collect();
    for j in 0..m {
        let (a, b) = (&interpolant.knots[j], &interpolant.knots[j + 1]);
        let e = f
            .piece_error(
                (a, &values[j]),
                (b, &values[j + 1]),
                (&ys[j], &ys[j + 1]),
                curvature[j].as_ref(),
                tol,
            )
            .ok_or(Failure::Undefined)?;
        interpolant.error = interpolant.error.clone().max(e);
    }
    Ok(interpolant)
}

impl Interpolant {
    /// `g̃(u)`, exactly.
    pub(crate) fn eval(&self, u: &Rational) -> Rational {
        let mut v = &self.constant + &self.slope * u;
        for (k, d) in self.knots[1..].iter().zip(&self.kinks) {
            if u > k {
                v += d * (u - k);
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::elementary::Elementary;
    use crate::rational::ratio;

    fn exact(q: &Rational, _: Role) -> Rational {
        q.clone()
    }

    #[test]
    fn exp_interpolant_meets_its_tolerance_and_its_bound_holds() {
        let f = Expr::var(0).call(Elementary::Exp);
        let g = interpolate(
            &Function { f: &f },
            (&ratio(-1, 1), &ratio(1, 1)),
            &ratio(1, 1000),
            20,
            10_000,
            &exact,
        )
        .unwrap();
        assert!(g.error <= ratio(1, 1000), "{}", g.error);
        // uniform spacing would need h²/8·e ≤ 1/2000: h ≈ 0.054, ~37 pieces
        assert!(g.knots.len() < 80, "{}", g.knots.len());
        // the bound holds at many points (checked against f64 exp with slack)
        for i in 0..=1000 {
            let u = ratio(i - 500, 500);
            let net = rational::to_f64(&g.eval(&u));
            let x = rational::to_f64(&u);
            let e = (net - x.exp()).abs();
            assert!(e <= rational::to_f64(&g.error) + 1e-12, "{x}: {e}");
        }
    }

    #[test]
    fn sqrt_at_zero_uses_the_range_bound() {
        let f = Expr::var(0).call(Elementary::Sqrt);
        let g = interpolate(
            &Function { f: &f },
            (&ratio(0, 1), &ratio(2, 1)),
            &ratio(1, 100),
            30,
            10_000,
            &exact,
        )
        .unwrap();
        assert!(g.error <= ratio(1, 100));
        // sqrt(h)/4 ≤ 1/100 near 0 needs h ≤ 1/625: the first knot is small
        assert!(g.knots[1] <= ratio(1, 256), "{}", g.knots[1]);
    }

    #[test]
    fn rounding_is_accounted_for() {
        let f = Expr::var(0).call(Elementary::Sin);
        let coarse = |q: &Rational, _: Role| crate::gadget::weight::round_to(q, 6);
        let g = interpolate(
            &Function { f: &f },
            (&ratio(0, 1), &ratio(3, 1)),
            &ratio(1, 1000),
            16,
            10_000,
            &coarse,
        )
        .unwrap();
        // the realised coefficients are on the 2^-6 grid, and the bound
        // still holds at every point we look at
        let on_grid = |d: &Rational| (d * rational::int(64)).is_integer();
        assert!(g.kinks.iter().all(on_grid));
        for i in 0..=300 {
            let u = ratio(i, 100);
            let e = (rational::to_f64(&g.eval(&u)) - rational::to_f64(&u).sin()).abs();
            assert!(e <= rational::to_f64(&g.error) + 1e-12);
        }
        assert!(g.error > ratio(1, 1000), "coarse slopes cost accuracy");
    }
}
