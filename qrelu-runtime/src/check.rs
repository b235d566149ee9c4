//! Error checks of a compiled network against its target: checked
//! evaluation, the sup error over a grid or any points, and the certified
//! (exact) sup error of a 1-D network from its linear pieces.

use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::fmt;

use num_traits::{Signed, Zero};

use crate::piece::{Piece, add, cmp, mul, sub};
use crate::{Exact, NetInfo, Network, Scalar};

/// Why a check or a checked evaluation could not run.
///
/// Implements `core::error::Error` (the same trait as `std::error::Error`),
/// with or without the `std` feature.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CheckError {
    /// The point has the wrong number of coordinates.
    Dimension {
        /// The number of inputs of the network.
        expected: usize,
        /// The number of values given.
        found: usize,
    },
    /// An input is NaN.
    NotANumber {
        /// The index of the input.
        input: usize,
    },
    /// An input lies outside its domain (or is infinite).
    OutOfDomain {
        /// The index of the input.
        input: usize,
        /// The value given.
        value: f64,
    },
    /// The check has no point to look at: fewer than 2 grid points per axis,
    /// no points given, or an inverted domain.
    EmptyGrid,
    /// The certified check needs a network with exactly one input.
    NotOneDimensional {
        /// The network's number of inputs.
        dim: usize,
    },
    /// The check does not support this network yet.
    Unsupported(&'static str),
    /// A certified evaluation multiplied two input-dependent values, so the
    /// network is not piecewise affine in the way the check assumes.
    NotAffine,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Dimension { expected, found } => {
                write!(f, "expected {expected} input values, found {found}")
            }
            CheckError::NotANumber { input } => write!(f, "input {input} is nan"),
            CheckError::OutOfDomain { input, value } => {
                write!(f, "input {input} is outside its domain: {value}")
            }
            CheckError::EmptyGrid => f.write_str("the check has no points to evaluate"),
            CheckError::NotOneDimensional { dim } => write!(
                f,
                "the certified check needs a network with 1 input, found {dim}"
            ),
            CheckError::Unsupported(what) => write!(f, "unsupported: {what}"),
            CheckError::NotAffine => {
                f.write_str("certified evaluation met a product of two input-dependent values")
            }
        }
    }
}

impl core::error::Error for CheckError {}

/// Evaluates network `N` at `x` after checking the point: one value per
/// input, no NaN, every coordinate inside its domain (compared exactly).
///
/// ```
/// # use qrelu_runtime::{CheckError, ConstRational, NetInfo, Network, Scalar};
/// # struct Half;
/// # impl Network for Half {
/// #     const INFO: NetInfo = NetInfo {
/// #         inputs: &["x"],
/// #         domain: &[(ConstRational::new("0"), ConstRational::new("1"))],
/// #         ..qrelu_runtime::__private::STUB_INFO
/// #     };
/// #     const JSON: &'static str = "{}";
/// #     fn eval_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
/// #         let [x] = qrelu_runtime::__private::inputs::<T, 1>(x)?;
/// #         Ok(x.times(&T::dyadic(1, -1)))
/// #     }
/// #     fn target_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> { Self::INFO.target_eval(x) }
/// # }
/// use qrelu_runtime::eval_checked;
///
/// // `Half` computes x/2 on [0, 1].
/// assert_eq!(eval_checked::<Half, f64>(&[0.5]), Ok(0.25));
/// assert_eq!(
///     eval_checked::<Half, f64>(&[1.5]),
///     Err(CheckError::OutOfDomain { input: 0, value: 1.5 })
/// );
/// assert_eq!(eval_checked::<Half, f64>(&[f64::NAN]), Err(CheckError::NotANumber { input: 0 }));
/// ```
///
/// # Errors
///
/// [`CheckError::Dimension`], [`CheckError::NotANumber`] or
/// [`CheckError::OutOfDomain`] (infinities included), checked in that order,
/// then whatever `N::eval_at` returns.
pub fn eval_checked<N: Network, T: Scalar>(x: &[T]) -> Result<T, CheckError> {
    let info = &N::INFO;
    if x.len() != info.dim() {
        return Err(CheckError::Dimension {
            expected: info.dim(),
            found: x.len(),
        });
    }
    if let Some(input) = x.iter().position(Scalar::is_nan) {
        return Err(CheckError::NotANumber { input });
    }
    for (input, (xi, (lo, hi))) in x.iter().zip(info.domain).enumerate() {
        let inside = xi
            .to_exact()
            .is_some_and(|q| lo.to_exact() <= q && q <= hi.to_exact());
        if !inside {
            return Err(CheckError::OutOfDomain {
                input,
                value: xi.to_f64(),
            });
        }
    }
    N::eval_at(x)
}

/// The largest error of a network over a set of points, in the scalar `T`.
#[derive(Clone, Debug, PartialEq)]
pub struct SupError<T> {
    /// The first point where the error is largest (a NaN error counts as
    /// largest).
    pub worst_point: Vec<T>,
    /// The network's value there.
    pub network: T,
    /// The target's value there.
    pub target: T,
    /// |network − target| there, computed in `T`.
    pub error: T,
    /// The a-priori bound, `INFO.error_bound` converted to `T`.
    pub bound: T,
    /// Whether `error <= bound` (false if the error is NaN).
    pub holds: bool,
    /// The number of points evaluated.
    pub points: usize,
}

/// The sup error of network `N` over a tensor grid of its domain, in `T`.
///
/// Axis i gets the `points_per_axis` = n points lo + (hi − lo)·k/(n − 1),
/// k = 0, …, n − 1, computed exactly and converted with
/// [`Scalar::from_exact`]; the grid has n^dim points, visited in
/// lexicographic order (first input slowest) without being stored. With
/// `T = Exact` every point and value is exact; in floats the points are
/// exact when the domain is dyadic and n − 1 a power of two.
///
/// # Errors
///
/// [`CheckError::EmptyGrid`] if n < 2, and any error of the network's
/// evaluation.
pub fn sup_error<N: Network, T: Scalar>(points_per_axis: usize) -> Result<SupError<T>, CheckError> {
    if points_per_axis < 2 {
        return Err(CheckError::EmptyGrid);
    }
    let steps = Exact::from_integer((points_per_axis - 1).into());
    let axes = N::INFO
        .domain_exact()
        .into_iter()
        .take(N::INFO.dim())
        .map(|(lo, hi)| {
            let step = (hi - &lo) / &steps;
            (0..points_per_axis)
                .map(|k| T::from_exact(&(&lo + &step * Exact::from_integer(k.into()))))
                .collect()
        })
        .collect();
    sup_error_on::<N, T, _>(Grid::new(axes))
}

/// The sup error of network `N` over the given points, in `T`.
///
/// The points are not checked against the domain, so this also measures the
/// error outside it. Ties keep the first point; a NaN error counts as the
/// largest and makes `holds` false.
///
/// # Errors
///
/// [`CheckError::EmptyGrid`] if there are no points, and any error of the
/// network's or the target's evaluation (e.g. a point of the wrong
/// dimension).
pub fn sup_error_on<N: Network, T: Scalar, I: IntoIterator<Item = Vec<T>>>(
    points: I,
) -> Result<SupError<T>, CheckError> {
    let mut worst: Option<SupError<T>> = None;
    let mut count = 0;
    for point in points {
        count += 1;
        let network = N::eval_at(&point)?;
        let target = N::target_at(&point)?;
        let error = abs(network.minus(&target));
        let better = match &worst {
            None => true,
            Some(w) => error > w.error || (error.is_nan() && !w.error.is_nan()),
        };
        if better {
            worst = Some(SupError {
                worst_point: point,
                network,
                target,
                error,
                bound: T::zero(),
                holds: false,
                points: 0,
            });
        }
    }
    let mut worst = worst.ok_or(CheckError::EmptyGrid)?;
    worst.bound = T::from_exact(&N::INFO.error_bound.to_exact());
    worst.holds = !worst.error.is_nan() && worst.error <= worst.bound;
    worst.points = count;
    Ok(worst)
}

/// |v|, keeping NaN.
fn abs<T: Scalar>(v: T) -> T {
    if v < T::zero() { v.negated() } else { v }
}

/// The points of a tensor grid, first axis slowest.
struct Grid<T> {
    axes: Vec<Vec<T>>,
    index: Vec<usize>,
    done: bool,
}

impl<T> Grid<T> {
    fn new(axes: Vec<Vec<T>>) -> Self {
        let done = axes.iter().any(Vec::is_empty);
        let index = alloc::vec![0; axes.len()];
        Grid { axes, index, done }
    }
}

impl<T: Clone> Iterator for Grid<T> {
    type Item = Vec<T>;

    fn next(&mut self) -> Option<Vec<T>> {
        if self.done {
            return None;
        }
        let point = self
            .axes
            .iter()
            .zip(&self.index)
            .map(|(axis, &k)| axis[k].clone())
            .collect();
        // Odometer step: the last axis moves fastest.
        self.done = true;
        for (k, axis) in self.index.iter_mut().zip(&self.axes).rev() {
            *k += 1;
            if *k < axis.len() {
                self.done = false;
                break;
            }
            *k = 0;
        }
        Some(point)
    }
}

/// The exact sup error of a 1-D network over its whole domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certified {
    /// The smallest x where |network − target| is largest.
    pub worst_x: Exact,
    /// The network's value at `worst_x`.
    pub network: Exact,
    /// The target's value at `worst_x`.
    pub target: Exact,
    /// The exact sup over the domain of |network − target|.
    pub error: Exact,
    /// The a-priori bound, `INFO.error_bound`.
    pub bound: Exact,
    /// Whether `error <= bound`.
    pub holds: bool,
    /// Whether `error == bound`: the bound is tight for this network.
    pub attained: bool,
    /// The number of intervals swept: the breakpoints of every unit the
    /// output depends on split the domain, so this is at least the number of
    /// linear pieces of the network.
    pub pieces: usize,
}

/// The exact maximum of |network − target| over the domain [lo, hi] of a
/// network `N` with one input, and where it is attained.
///
/// The network is evaluated symbolically from x0 = lo: the result is the
/// affine piece a·x + c the network equals on [x0, x1], where x1 is the first
/// point right of x0 where some unit switches (or hi). On that piece the
/// error e(x) = p(x) − a·x − c of the target p is extremal at x0, x1 or a
/// critical point of e inside; then x0 = x1 and the sweep repeats until hi.
/// All arithmetic is exact, so the result is a proof, not a sample.
///
/// For p = p2·x² + p1·x + p0, e′(x) = 2·p2·x + p1 − a vanishes only at
/// x* = (a − p1)/(2·p2) (for p2 ≠ 0); targets of degree ≤ 1 have no interior
/// extremum.
///
/// ```
/// # use qrelu_runtime::{CheckError, ConstRational, NetInfo, Network, Scalar, TargetTerm};
/// use qrelu_runtime::{Exact, certify_1d};
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
/// assert!(c.holds && c.attained);
/// assert_eq!(c.pieces, 2);
/// # Ok::<(), CheckError>(())
/// ```
///
/// # Errors
///
/// [`CheckError::NotOneDimensional`] unless `N` has one input;
/// [`CheckError::Unsupported`] for targets of degree 3 or more;
/// [`CheckError::EmptyGrid`] for an inverted domain;
/// [`CheckError::NotAffine`] if the network multiplies input-dependent
/// values; any error of `N::eval_at`.
pub fn certify_1d<N: Network>() -> Result<Certified, CheckError> {
    let info = &N::INFO;
    if info.dim() != 1 {
        return Err(CheckError::NotOneDimensional { dim: info.dim() });
    }
    let target = Quadratic::from_info(info)?;
    let (lo, hi) = match info.domain.first() {
        Some((lo, hi)) => (lo.to_exact(), hi.to_exact()),
        None => return Err(CheckError::Unsupported("a network without a domain")),
    };
    if lo > hi {
        return Err(CheckError::EmptyGrid);
    }
    let mut worst: Option<Worst> = None;
    let mut pieces = 0;
    let mut x0 = lo;
    loop {
        let start = Rc::new(x0);
        let piece = N::eval_at::<Piece>(&[Piece::input(start.clone())])?;
        if piece.is_poisoned() {
            return Err(CheckError::NotAffine);
        }
        pieces += 1;
        let x1 = match piece.end() {
            Some(end) if *end < hi => end.clone(),
            _ => hi.clone(),
        };
        debug_assert!(
            *start < x1 || x1 == hi,
            "a piece must end right of its start"
        );
        // Candidates in increasing order, so ties keep the smallest x.
        let critical = target
            .critical_point(piece.slope())
            .filter(|x| *start < *x && *x < x1);
        for x in [Some(&*start), critical.as_ref(), Some(&x1)]
            .into_iter()
            .flatten()
        {
            let candidate = Worst::at(x, &piece, &target);
            if worst
                .as_ref()
                .is_none_or(|w| cmp(&candidate.error, &w.error).is_gt())
            {
                worst = Some(candidate);
            }
        }
        if x1 >= hi {
            break;
        }
        x0 = x1;
    }
    let worst = worst.ok_or(CheckError::EmptyGrid)?;
    let bound = info.error_bound.to_exact();
    Ok(Certified {
        holds: worst.error <= bound,
        attained: worst.error == bound,
        worst_x: worst.x,
        network: worst.network,
        target: worst.target,
        error: worst.error,
        bound,
        pieces,
    })
}

/// The target p(x) = p2·x² + p1·x + p0 of a 1-D network, exactly.
struct Quadratic {
    p0: Exact,
    p1: Exact,
    p2: Exact,
}

impl Quadratic {
    /// Sums the target terms by degree; refuses degree 3 or more (after
    /// cancellation).
    fn from_info(info: &NetInfo) -> Result<Self, CheckError> {
        let mut by_degree: BTreeMap<u32, Exact> = BTreeMap::new();
        for term in info.target {
            if term.pow.iter().skip(1).any(|&k| k != 0) {
                return Err(CheckError::Dimension {
                    expected: 1,
                    found: term.pow.len(),
                });
            }
            let degree = term.pow.first().copied().unwrap_or(0);
            *by_degree.entry(degree).or_insert_with(Zero::zero) += term.coef.to_exact();
        }
        if by_degree.range(3..).any(|(_, coef)| !coef.is_zero()) {
            return Err(CheckError::Unsupported(
                "certified check of targets of degree 3 or more",
            ));
        }
        let mut coef = |k| by_degree.remove(&k).unwrap_or_else(Zero::zero);
        Ok(Quadratic {
            p0: coef(0),
            p1: coef(1),
            p2: coef(2),
        })
    }

    /// p(x), by Horner's rule.
    fn at(&self, x: &Exact) -> Exact {
        let linear = add(&mul(&self.p2, x), &self.p1);
        add(&mul(&linear, x), &self.p0)
    }

    /// The zero x* = (a − p1)/(2·p2) of e′(x) = 2·p2·x + p1 − a, the
    /// derivative of e(x) = p(x) − a·x − c; `None` if e is affine.
    fn critical_point(&self, a: &Exact) -> Option<Exact> {
        if self.p2.is_zero() {
            None
        } else {
            Some((a - &self.p1) / (&self.p2 * Exact::from_integer(2.into())))
        }
    }
}

/// The error at one point of a piece.
struct Worst {
    x: Exact,
    network: Exact,
    target: Exact,
    error: Exact,
}

impl Worst {
    fn at(x: &Exact, piece: &Piece, target: &Quadratic) -> Self {
        let network = add(&mul(piece.slope(), x), piece.intercept());
        let target = target.at(x);
        let error = sub(&network, &target).abs();
        Worst {
            x: x.clone(),
            network,
            target,
            error,
        }
    }
}
