//! The certified sup error of a 1-D network: sweep the network's exact
//! affine pieces and bound |target − piece| on each — exactly for targets
//! of degree ≤ 3 (`exact`, with `surd` for irrational critical points),
//! by a rigorous enclosure refined by bisection above (`enclose`).
//!
//! The pieces come from `sweep`, within a budget ([`SweepOptions`]): the
//! network's arithmetic is recorded once (`trace`) and swept updating only
//! what changes at each breakpoint (`incremental`), or — when it cannot be
//! recorded — evaluated in the piece scalar (`piece`) on every piece.
//!
//! Certification lives in the core, not in the `no_std` runtime generated
//! code calls: a certificate needs exact piecewise-affine arithmetic
//! (`piece`), surds and enclosures, and will need the rigorous enclosures
//! of elementary targets. It works on any [`Network`] (generated code) and
//! on anything that can be evaluated in any [`Scalar`] ([`Evaluate`]: a
//! [`crate::Net`] is one). The `qrelu` facade re-exports it as
//! `qrelu::check`.

mod bern;
pub mod boxes;
mod enclose;
mod exact;
pub mod expr;
mod incremental;
mod model;
mod piece;
mod plan;
mod region;
mod surd;
mod sweep;
mod trace;

use std::collections::BTreeMap;
use std::fmt;
use std::vec::Vec;

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

pub use boxes::{Certificate, Options, Progress, certify, certify_net, certify_with};
use piece::{add, mul, sub};
use qrelu_runtime::{CheckError, Exact, NetInfo, Network, Scalar};
use sweep::sweep;
pub use sweep::{SweepOptions, SweepProgress};

/// The certified sup error of a 1-D network over its whole domain: the sup
/// S of |network(x) − target(x)| for x in [lo, hi], enclosed as
/// `error` ≤ S ≤ `upper`, with `error` attained at the rational `worst_x`.
///
/// - Degree ≤ 2: S is attained at a rational point, so `error == upper`,
///   `exact` is true and every field is exact (as before degree 3 was
///   supported).
/// - Degree 3: S may sit at an irrational critical point x* = u + v·√m.
///   Then `worst_x` is a short dyadic within about 2^(−72)·|v| of x*,
///   `upper` a rational with `upper − error` below about 2^(−64)·`error`,
///   and `exact` false; `holds` and `attained` are decided exactly in Q(√m)
///   nonetheless.
/// - Degree ≥ 4: `upper` comes from a rigorous enclosure, refined until
///   `upper − error ≤ error·2^(−48)` and the bound is proven or refuted
///   (see [`certify_1d`] for the refinement limits).
///
/// Always `holds == (upper <= bound)`: when the bound is proven, `upper` is
/// the smaller of the enclosure and the bound. Read `holds` as a proof;
/// `holds == false` with `error > bound` ([`Certified::refuted`]) proves
/// the bound false, and `holds == false` with `error <= bound` means
/// undecided — only for degree ≥ 4, when S is within the refinement limit of
/// the bound or equals it at a point the enclosure cannot pin down (see
/// [`certify_1d`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Certified {
    /// The rational point where the largest error was found; among equal
    /// errors, the smallest such point (of those examined, for degree ≥ 4).
    pub worst_x: Exact,
    /// The network's value at `worst_x`.
    pub network: Exact,
    /// The target's value at `worst_x`.
    pub target: Exact,
    /// |network − target| at `worst_x`: exact, and a lower bound of the sup
    /// (equal to it when `exact`).
    pub error: Exact,
    /// A rigorous rational upper bound of the sup, `upper >= error`; equal to
    /// `error` exactly when `exact`.
    pub upper: Exact,
    /// Whether `error` is proven to be the sup (always for degree ≤ 2).
    pub exact: bool,
    /// The a-priori bound, `INFO.error_bound`.
    pub bound: Exact,
    /// Whether sup ≤ `bound` is proven.
    pub holds: bool,
    /// Whether sup == `bound` is proven: the bound holds and is tight
    /// (`holds` and `error == bound`).
    pub attained: bool,
    /// The number of intervals swept: the breakpoints of every unit the
    /// output depends on split the domain, so this is at least the number of
    /// linear pieces of the network.
    pub pieces: usize,
}

impl Certified {
    /// Whether the bound is proven to fail: the error at the rational point
    /// `worst_x` already exceeds it.
    pub fn refuted(&self) -> bool {
        self.error > self.bound
    }
}

/// One line, the tour's `measured` column with its proof status: the sup
/// (exact, or enclosed between `error` and `upper`), where it is attained,
/// the pieces swept, and the bound — proven, refuted or undecided.
///
/// ```
/// use qrelu_core::certify::certify_1d_with;
/// use qrelu_core::{build, NetSpec, Poly, rational::int};
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(3);
/// let s = build(&spec).unwrap();
/// let c = certify_1d_with(&s.net, &[(int(1), 2)], &int(0), &int(1), &s.error_bound).unwrap();
/// assert_eq!(
///     c.to_string(),
///     "certified sup |net − target| = 1/256 ≈ 3.906e-3 at x = 1/16 over 8 pieces; \
///      bound 1/256: holds, attained"
/// );
/// ```
impl fmt::Display for Certified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = |v: &Exact| crate::rational::display(v);
        f.write_str("certified sup |net − target| ")?;
        if self.exact {
            write!(f, "= {} ≈ {:.3e}", q(&self.error), self.error.to_f64())?;
        } else {
            write!(
                f,
                "in [{:.6e}, {:.6e}]",
                self.error.to_f64(),
                self.upper.to_f64()
            )?;
        }
        write!(
            f,
            " at x = {} over {} pieces; bound {}: {}",
            q(&self.worst_x),
            self.pieces,
            q(&self.bound),
            match (self.holds, self.refuted()) {
                (true, _) if self.attained => "holds, attained",
                (true, _) => "holds",
                (false, true) => "fails",
                (false, false) => "undecided",
            }
        )
    }
}

/// The maximum of |network − target| over the domain [lo, hi] of a network
/// `N` with one input, certified, for targets of any degree.
///
/// **Pieces.** The network is evaluated symbolically from x0 = lo: the
/// result is the affine piece a·x + c the network equals on [x0, x1], where
/// x1 is the first point right of x0 where some unit switches (or hi); then
/// x0 = x1 and the sweep repeats until hi. On each piece the error is
/// e(x) = p(x) − a·x − c for the target p, and its extremes lie at x0, x1 or
/// a zero of e′ inside.
///
/// **Speed.** The network's arithmetic is recorded once (an evaluation in
/// a recording scalar: sums, constant multiples and ReLUs over the input,
/// constants folded exactly), and the sweep then keeps every unit's exact
/// affine piece and, at each breakpoint, updates only the ReLUs that switch
/// there and what depends on them, with the next breakpoint of every ReLU
/// in a priority queue — the same pieces as evaluating the whole network
/// on each, at the cost of what changes. An evaluation that reads or
/// compares an input-dependent value, or multiplies two, cannot be
/// recorded and is swept by full evaluation, as before.
///
/// **Budget.** At most [`SweepOptions::MAX_PIECES`] pieces (2^22);
/// [`certify_1d_options`] takes another piece or time budget and a
/// progress callback.
///
/// **Degree ≤ 2.** e′ is affine with the rational zero (a − p1)/(2·p2), so
/// every candidate is rational and the result exact, as before.
///
/// **Degree 3.** e′(x) = A·x² + B·x + C with A = 3·p3, B = 2·p2,
/// C = p1 − a. With D = B² − 4AC: no zero if D < 0; the rational zero
/// −B/(2A) if D = 0; rational zeros if D is the square of a rational;
/// otherwise x± = u ± v·√m with u = −B/(2A), √D = √m/d (m a non-square
/// integer) and v = 1/(2|A|·d). Whether x± lies in (x0, x1), the value
/// e(x±) = α + β·√m and whether |e(x±)| ≤ bound are computed in Q(√m): the
/// sign of α + β·√m is the sign of the larger of α and β·√m, compared by
/// squaring (α² ≷ β²·m, never equal). A rational point next to x±
/// contributes to `error`; rational bounds of √m give `upper` (replaced by
/// the bound when that is proven and smaller).
///
/// **Degree ≥ 4.** Around an end z of an interval of width h, exactly
/// e(z + s) = e(z) + e′(z)·s + e″(z)/2·s² + Σ_{k≥3} p^(k)(z)/k!·s^k, and
/// for |s| ≤ h the tail is at most ρ(h)·s² with ρ(h) = Σ_{k≥3} M_k·h^(k−2),
/// M_k ≥ max |p^(k)/k!| over the domain (from the Taylor coefficients at the
/// domain's centre). So e lies between the quadratics
/// e(z) + e′(z)·s + (e″(z)/2 ∓ ρ(h))·s², whose extremes are exact
/// rationals; the smaller of the bounds from the two ends is kept. It
/// equals |e(z)| once h is small if the maximum of |e| is at z and e′(z) ≠ 0
/// or e″(z) ≠ 0 there, and it is within O(h³) of the maximum otherwise.
/// Intervals are bisected, largest upper bound first, until the largest is
/// within error·2^(−48) of the best value found at a rational point
/// (interval ends and midpoints, and the vertices of the quadratics rounded
/// to 2^(−32) of their interval's width) and decides the bound, or until an
/// interval has been halved 96 times or 2^18 bisections were spent; then
/// `upper` is what was reached and `holds` is false unless proven. So the
/// bound stays undecided only if the sup is so close to it that 96 halvings
/// cannot separate them, or equals it at a point no bisection pins down —
/// irrational, not a dyadic point of its piece, or a flat extremum with
/// e′ = e″ = 0. ρ is rounded up to 64 significant bits, so
/// the interval arithmetic stays rigorous while denominators grow only by a
/// bit per bisection; the set-up costs O(n²) for degree n and each interval
/// O(n).
///
/// ```
/// # use qrelu_runtime::{CheckError, ConstRational, NetInfo, Network, Scalar, TargetTerm};
/// use qrelu_core::certify::certify_1d;
/// use qrelu_runtime::Exact;
///
/// /// x/2 + relu(x − 1/2): the 2-piece interpolant of x² on [0, 1].
/// struct Square1;
/// impl Network for Square1 {
///     const INFO: NetInfo = NetInfo {
///         inputs: &["x"],
///         domain: &[(ConstRational::new("0"), ConstRational::new("1"))],
///         target: &[TargetTerm { coef: ConstRational::new("1"), pow: &[2] }],
///         error_bound: ConstRational::new("1/16"),
///         ..qrelu_runtime::__private::STUB_INFO
///     };
///     const JSON: &'static str = "{}";
///     fn eval_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
///         let [x] = qrelu_runtime::__private::inputs::<T, 1>(x)?;
///         let kink = x.minus(&T::dyadic(1, -1)).relu();
///         Ok(kink.fma(&T::dyadic(1, -1), &x))
///     }
///     fn target_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
///         Self::INFO.target_eval(x)
///     }
/// }
///
/// let c = certify_1d::<Square1>()?;
/// assert_eq!(c.error, Exact::ratio(1, 16));
/// assert_eq!(c.worst_x, Exact::ratio(1, 4));
/// assert!(c.exact && c.upper == c.error);
/// assert!(c.holds && c.attained);
/// assert_eq!(c.pieces, 2);
/// # Ok::<(), CheckError>(())
/// ```
///
/// A cubic whose sup is irrational: x against 3/4·x³ − x/2 on [0, 1] has
/// e(x) = 3/4·x³ − 3/2·x, extremal at x* = √(2/3) with |e(x*)| = √(2/3).
///
/// ```
/// # use qrelu_runtime::{CheckError, ConstRational, NetInfo, Network, Scalar, TargetTerm};
/// use qrelu_core::certify::certify_1d;
/// use qrelu_runtime::Exact;
///
/// struct Cubic;
/// impl Network for Cubic {
///     const INFO: NetInfo = NetInfo {
///         inputs: &["x"],
///         domain: &[(ConstRational::new("0"), ConstRational::new("1"))],
///         target: &[
///             TargetTerm { coef: ConstRational::new("3/4"), pow: &[3] },
///             TargetTerm { coef: ConstRational::new("-1/2"), pow: &[1] },
///         ],
///         // 0.81649658092772603… = √(2/3) lies just above 0.816496580927726.
///         error_bound: ConstRational::new("816496580927726/1000000000000000"),
///         ..qrelu_runtime::__private::STUB_INFO
///     };
///     const JSON: &'static str = "{}";
///     fn eval_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
///         let [x] = qrelu_runtime::__private::inputs::<T, 1>(x)?;
///         Ok(x)
///     }
///     fn target_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
///         Self::INFO.target_eval(x)
///     }
/// }
///
/// let c = certify_1d::<Cubic>()?;
/// assert!(!c.exact && c.error < c.upper);
/// // √(2/3) is enclosed to far better than f64 precision …
/// assert!(&c.upper - &c.error < Exact::ratio(1, 1 << 60));
/// assert!(&c.error * &c.error < Exact::ratio(2, 3) && &c.upper * &c.upper > Exact::ratio(2, 3));
/// // … and the bound, 3e-17 below the sup, is refuted exactly.
/// assert!(!c.holds && !c.attained && c.refuted());
/// # Ok::<(), CheckError>(())
/// ```
///
/// # Errors
///
/// [`CheckError::NotOneDimensional`] unless `N` has one input;
/// [`CheckError::Dimension`] for a target term with more than one exponent;
/// [`CheckError::Unsupported`] for a network without a domain or a target
/// of degree above 1024;
/// [`CheckError::EmptyGrid`] for an inverted domain;
/// [`CheckError::NotAffine`] if the network multiplies input-dependent
/// values; [`CheckError::BudgetExhausted`] after 2^22 pieces; any error of
/// `N::eval_at`.
pub fn certify_1d<N: Network>() -> Result<Certified, CheckError> {
    certify_1d_options::<N>(SweepOptions::default())
}

/// [`certify_1d`] with a budget and progress reports: the sweep stops with
/// [`CheckError::BudgetExhausted`] (the pieces swept and the point reached)
/// once `options.max_pieces` pieces are swept or `options.max_time` has
/// passed, and calls `options.progress` every `options.every` pieces.
///
/// ```
/// use qrelu_core::certify::{SweepOptions, certify_1d_with_options};
/// use qrelu_core::{build, NetSpec, Poly, rational::int};
/// use qrelu_runtime::CheckError;
/// // x² at r = 32 has 2^32 pieces: far too many to sweep
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(32);
/// let s = build(&spec).unwrap();
/// let mut reports = 0;
/// let mut count = |_: &qrelu_core::certify::SweepProgress| reports += 1;
/// let options = SweepOptions {
///     max_pieces: 1_000,
///     progress: Some(&mut count),
///     every: 100,
///     ..SweepOptions::default()
/// };
/// let (lo, hi) = &s.spec.domain[0];
/// let c = certify_1d_with_options(&s.net, &s.spec.target, lo, hi, &s.error_bound, options);
/// assert!(matches!(c, Err(CheckError::BudgetExhausted { pieces: 1_000, .. })));
/// assert_eq!(reports, 9);
/// ```
///
/// # Errors
/// As [`certify_1d`], with the budget of `options`.
pub fn certify_1d_options<N: Network>(options: SweepOptions<'_>) -> Result<Certified, CheckError> {
    let info = &N::INFO;
    if info.dim() != 1 {
        return Err(CheckError::NotOneDimensional { dim: info.dim() });
    }
    let (lo, hi) = match info.domain.first() {
        Some((lo, hi)) => (lo.to_exact(), hi.to_exact()),
        None => return Err(CheckError::Unsupported("a network without a domain")),
    };
    let generated = Generated::<N>(core::marker::PhantomData);
    if !info.is_polynomial() {
        let target = crate::expr::Expr::from_program(info.target_program)
            .ok_or(CheckError::Unsupported("a malformed target program"))?;
        let bound = info.error_bound.to_exact();
        return certify_expr(&generated, &target, &lo, &hi, &bound, options);
    }
    let target = Poly::from_info(info)?;
    certify_poly(
        &generated,
        target,
        &lo,
        &hi,
        &info.error_bound.to_exact(),
        options,
    )
}

/// A one-input function the certified check can sweep: anything that
/// evaluates with every [`Scalar`] and is piecewise affine in its input
/// (a ReLU network). Lets [`certify_1d_with`] check networks that are not
/// generated types — a network built at run time, a quantized copy.
pub trait Evaluate {
    /// The function at `x` (one entry).
    ///
    /// # Errors
    /// Whatever the evaluation reports; it is passed on.
    fn eval<T: Scalar>(&self, x: &[T]) -> Result<T, CheckError>;
}

/// A generated network as an [`Evaluate`].
struct Generated<N>(core::marker::PhantomData<N>);

impl<N: Network> Evaluate for Generated<N> {
    fn eval<T: Scalar>(&self, x: &[T]) -> Result<T, CheckError> {
        N::eval_at(x)
    }
}

/// [`certify_1d`] for any [`Evaluate`]: the certified sup of
/// |f(x) − p(x)| over [lo, hi] for the target `p(x) = Σ c·x^k` given as
/// `(c, k)` terms, against `bound`.
///
/// ```
/// use qrelu_core::certify::{Evaluate, certify_1d_with};
/// use qrelu_runtime::{CheckError, Exact, Scalar, relu};
///
/// /// x/2 + relu(x − 1/2): the 2-piece interpolant of x² on [0, 1].
/// struct Square1;
/// impl Evaluate for Square1 {
///     fn eval<T: Scalar>(&self, x: &[T]) -> Result<T, CheckError> {
///         Ok(x[0].times(&T::ratio(1, 2)).plus(&relu(&x[0].minus(&T::ratio(1, 2)))))
///     }
/// }
/// let one = Exact::from_integer(1.into());
/// let c = certify_1d_with(&Square1, &[(one.clone(), 2)], &Exact::from_integer(0.into()), &one, &Exact::new(1.into(), 16.into()))?;
/// assert!(c.holds && c.attained);
/// # Ok::<(), CheckError>(())
/// ```
///
/// # Errors
/// As [`certify_1d`]: an inverted domain, a target above degree 1024, a
/// function that is not piecewise affine, errors of `f`.
pub fn certify_1d_with<F: Evaluate>(
    f: &F,
    target: &[(Exact, u32)],
    lo: &Exact,
    hi: &Exact,
    bound: &Exact,
) -> Result<Certified, CheckError> {
    certify_poly(
        f,
        Poly::from_terms(target)?,
        lo,
        hi,
        bound,
        SweepOptions::default(),
    )
}

/// [`certify_1d_with`] and [`certify_1d_expr`] in one, with a budget and
/// progress reports ([`certify_1d_options`]): the certified sup of
/// |f(x) − target(x)| over [lo, hi] for a polynomial target (in one
/// variable) or an expression in `x_0`, as [`crate::spec::Target`] holds
/// them — the arguments of [`certify_net`].
///
/// # Errors
/// As [`certify_1d_with`] and [`certify_1d_expr`];
/// [`CheckError::Dimension`] for a polynomial in more than one variable;
/// [`CheckError::BudgetExhausted`] when the budget runs out.
pub fn certify_1d_with_options<F: Evaluate>(
    f: &F,
    target: &crate::spec::Target,
    lo: &Exact,
    hi: &Exact,
    bound: &Exact,
    options: SweepOptions<'_>,
) -> Result<Certified, CheckError> {
    match target {
        crate::spec::Target::Poly(p) => {
            let mut terms = Vec::new();
            for (pow, c) in p.terms() {
                if pow.iter().skip(1).any(|&k| k != 0) {
                    return Err(CheckError::Dimension {
                        expected: 1,
                        found: pow.len(),
                    });
                }
                terms.push((c.clone(), pow.first().copied().unwrap_or(0)));
            }
            certify_poly(f, Poly::from_terms(&terms)?, lo, hi, bound, options)
        }
        crate::spec::Target::Expr(e) => certify_expr(f, e, lo, hi, bound, options),
    }
}

/// [`certify_1d_with`] for a target that is not a polynomial (an
/// expression of the DSL in `x_0`): branch and bound with rigorous
/// enclosures ([`expr`]) until the upper bound is within 1% of the lower
/// bound, which is attained at `worst_x` (`exact` is false, `target` is the
/// midpoint of a narrow enclosure of the target's value there).
///
/// # Errors
/// An inverted domain ([`CheckError::EmptyGrid`]); a target not defined on
/// a piece ([`CheckError::Unsupported`]); errors of the evaluation.
pub fn certify_1d_expr<F: Evaluate>(
    f: &F,
    target: &crate::expr::Expr,
    lo: &Exact,
    hi: &Exact,
    bound: &Exact,
) -> Result<Certified, CheckError> {
    certify_expr(f, target, lo, hi, bound, SweepOptions::default())
}

/// The sweep against an expression target.
fn certify_expr<F: Evaluate>(
    f: &F,
    target: &crate::expr::Expr,
    lo: &Exact,
    hi: &Exact,
    bound: &Exact,
    mut options: SweepOptions<'_>,
) -> Result<Certified, CheckError> {
    if lo > hi {
        return Err(CheckError::EmptyGrid);
    }
    let deadline = options.max_time.map(|t| std::time::Instant::now() + t);
    let mut check = expr::ExprCheck::new(target, bound);
    let pieces = sweep(f, lo, hi, &mut options, |x0, x1, a, c| {
        check.piece(x0, x1, a, c)
    })?;
    check
        .finish(pieces, deadline)
        .ok_or(CheckError::Unsupported(
            "a target without an enclosure on the domain",
        ))
}

/// The sweep against a polynomial target: exact for degree ≤ 3, enclosed
/// above.
fn certify_poly<F: Evaluate>(
    f: &F,
    target: Poly,
    lo: &Exact,
    hi: &Exact,
    bound: &Exact,
    mut options: SweepOptions<'_>,
) -> Result<Certified, CheckError> {
    if lo > hi {
        return Err(CheckError::EmptyGrid);
    }
    if target.degree() <= 3 {
        let mut check = exact::Exact3::new(&target, bound);
        let pieces = sweep(f, lo, hi, &mut options, |x0, x1, a, c| {
            check.piece(x0, x1, a, c)
        })?;
        Ok(check.finish(pieces))
    } else {
        let mut check = enclose::Enclosure::new(&target, lo, hi, bound);
        let pieces = sweep(f, lo, hi, &mut options, |x0, x1, a, c| {
            check.piece(x0, x1, a, c)
        })?;
        Ok(check.finish(pieces))
    }
}

/// The largest target degree the certified check accepts: the enclosure's
/// set-up is quadratic in the degree.
const MAX_DEGREE: usize = 1024;

/// The target p(x) = Σ p_k·x^k of a 1-D network, exactly, with no zero
/// leading coefficient.
pub(crate) struct Poly {
    /// p_0, p_1, …, p_n.
    coef: Vec<Exact>,
}

impl Poly {
    /// Sums the target terms by degree and drops cancelled leading terms.
    fn from_info(info: &NetInfo) -> Result<Self, CheckError> {
        let mut terms = Vec::with_capacity(info.target.len());
        for term in info.target {
            if term.pow.iter().skip(1).any(|&k| k != 0) {
                return Err(CheckError::Dimension {
                    expected: 1,
                    found: term.pow.len(),
                });
            }
            terms.push((term.coef.to_exact(), term.pow.first().copied().unwrap_or(0)));
        }
        Self::from_terms(&terms)
    }

    /// Sums `(c, k)` terms `c·x^k` by degree and drops cancelled leading
    /// terms.
    fn from_terms(terms: &[(Exact, u32)]) -> Result<Self, CheckError> {
        let mut by_degree: BTreeMap<usize, Exact> = BTreeMap::new();
        for (coef, k) in terms {
            *by_degree.entry(*k as usize).or_insert_with(Zero::zero) += coef;
        }
        by_degree.retain(|_, coef| !coef.is_zero());
        let degree = by_degree.last_key_value().map_or(0, |(&k, _)| k);
        if degree > MAX_DEGREE {
            return Err(CheckError::Unsupported(
                "certified check of targets of degree above 1024",
            ));
        }
        let mut coef = vec![<Exact as Zero>::zero(); degree + 1];
        for (k, c) in by_degree {
            coef[k] = c;
        }
        Ok(Poly { coef })
    }

    /// The degree (0 for the zero polynomial).
    pub(crate) fn degree(&self) -> usize {
        self.coef.len() - 1
    }

    /// p_0, …, p_n.
    pub(crate) fn coefficients(&self) -> &[Exact] {
        &self.coef
    }

    /// p(x), by Horner's rule.
    pub(crate) fn at(&self, x: &Exact) -> Exact {
        horner(&self.coef, x)
    }
}

// Σ c_k·x^k = (…(c_n·x + c_(n−1))·x + …)·x + c_0
pub(crate) fn horner(coef: &[Exact], x: &Exact) -> Exact {
    let mut acc = <Exact as Zero>::zero();
    for c in coef.iter().rev() {
        acc = add(&mul(&acc, x), c);
    }
    acc
}

/// 2^k, exactly.
pub(crate) fn pow2(k: i32) -> Exact {
    <Exact as Scalar>::dyadic(1, k)
}

/// x rounded to the nearest multiple of 2^(−k) (k may be negative).
pub(crate) fn round_to(x: &Exact, k: i64) -> Exact {
    if k >= 0 {
        let scale = Exact::from_integer(BigInt::one() << k.unsigned_abs());
        (x * &scale).round() / scale
    } else {
        let scale = Exact::from_integer(BigInt::one() << k.unsigned_abs());
        (x / &scale).round() * scale
    }
}

/// The error at one rational point of a piece.
#[derive(Clone, Debug)]
pub(crate) struct Point {
    x: Exact,
    network: Exact,
    target: Exact,
    error: Exact,
}

impl Point {
    /// The error at x of the piece a·x + c against `target`.
    pub(crate) fn at(x: &Exact, a: &Exact, c: &Exact, target: &Poly) -> Self {
        let network = add(&mul(a, x), c);
        let target = target.at(x);
        let error = sub(&network, &target).abs();
        Point {
            x: x.clone(),
            network,
            target,
            error,
        }
    }

    /// |network − target| here.
    pub(crate) fn error(&self) -> &Exact {
        &self.error
    }

    /// Whether this point beats `best`: a larger error, or an equal one at
    /// a smaller x.
    pub(crate) fn beats(&self, best: Option<&Point>) -> bool {
        best.is_none_or(|b| match self.error.cmp(&b.error) {
            core::cmp::Ordering::Greater => true,
            core::cmp::Ordering::Equal => self.x < b.x,
            core::cmp::Ordering::Less => false,
        })
    }

    /// The result for this worst point and an upper bound of the sup.
    ///
    /// `holds` must be proven by the caller: sup ≤ bound. Then sup ==
    /// bound exactly when `error == bound`, since error ≤ sup.
    pub(crate) fn certify(
        self,
        upper: Exact,
        bound: Exact,
        holds: bool,
        pieces: usize,
    ) -> Certified {
        debug_assert!(self.error <= upper);
        // a proven bound is itself an upper bound of the sup
        let upper = if holds {
            upper.min(bound.clone())
        } else {
            upper
        };
        let attained = holds && self.error == bound;
        Certified {
            exact: self.error == upper,
            worst_x: self.x,
            network: self.network,
            target: self.target,
            error: self.error,
            upper,
            bound,
            holds,
            attained,
            pieces,
        }
    }
}

#[cfg(test)]
mod tests;
