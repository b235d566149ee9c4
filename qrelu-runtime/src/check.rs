//! Error checks of a compiled network against its target that need nothing
//! but evaluation: checked evaluation and the sup error over a grid or any
//! points. (The *certified* sup error, a proof over the whole domain, needs
//! the compiler's exact machinery and lives in qrelu-core; the `qrelu`
//! facade gathers both under `qrelu::check`.)
//!
//! Which check to use:
//! - `certify_1d` (qrelu-core, `qrelu::check::certify_1d`) for one input: a
//!   proof, from the exact linear pieces;
//! - [`sup_error_offset`] to *measure* the error on any dimension: its
//!   points avoid the dyadic points where compiled networks are exact;
//! - [`sup_error`] to check claims *at* grid points (exactness at the
//!   breakpoints k/2^r, the domain's corners): it includes them;
//! - [`sup_error_on`] for points of your own.

use alloc::vec::Vec;
use core::fmt;

use crate::{Exact, Network, Scalar};

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
    /// An input of `eval_fixed` lies outside the network's fixed-point
    /// format: outside its domain, or (for `eval_fixed_at`) not
    /// representable in the format's integer type
    /// ([`FixedInfo::inputs`](crate::FixedInfo::inputs)).
    OutOfFormat {
        /// The index of the input.
        input: usize,
        /// The integer given.
        value: i128,
    },
    /// A column of a batch ([`crate::Network::eval_batch`])
    /// does not have one value per output.
    BatchLength {
        /// The index of the input whose column is wrong.
        input: usize,
        /// The number of outputs.
        expected: usize,
        /// The column's length.
        found: usize,
    },
    /// The check has no point to look at: too few grid points per axis (see
    /// each grid), no points given, or an inverted domain.
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
    /// The target has no value in the scalar type: an elementary function,
    /// `pi` or a quotient (named) evaluated in exact rationals, or a division
    /// by exactly zero. Evaluate such targets in `f64` or `f32`, or enclose
    /// them with `qrelu_core::expr`.
    NotExact(&'static str),
    /// The certified check ran out of its budget of pieces or time
    /// (`SweepOptions` in qrelu-core) before the end of the domain; no
    /// claim is made about the sup. Carries the work done.
    BudgetExhausted {
        /// The number of pieces swept (all of them checked).
        pieces: usize,
        /// The point the sweep had reached: the pieces cover the domain
        /// from its left end to here (rounded to the nearest `f64`).
        reached: f64,
    },
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
            CheckError::OutOfFormat { input, value } => write!(
                f,
                "input {input} is outside the network's fixed-point format: {value}"
            ),
            CheckError::BatchLength {
                input,
                expected,
                found,
            } => write!(
                f,
                "the column of input {input} has {found} values for {expected} outputs"
            ),
            CheckError::EmptyGrid => f.write_str("the check has no points to evaluate"),
            CheckError::NotOneDimensional { dim } => write!(
                f,
                "the certified check needs a network with 1 input, found {dim}"
            ),
            CheckError::Unsupported(what) => write!(f, "unsupported: {what}"),
            CheckError::NotAffine => {
                f.write_str("certified evaluation met a product of two input-dependent values")
            }
            CheckError::NotExact(what) => write!(
                f,
                "the target's `{what}` has no exact rational value here; evaluate it in f64 or f32"
            ),
            CheckError::BudgetExhausted { pieces, reached } => write!(
                f,
                "the certified check ran out of its budget after {pieces} pieces, at x = {reached}; \
                 raise `max_pieces` or `max_time`"
            ),
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
    /// What `T`'s rounding may add to `error` at the worst point: zero for
    /// exact types; in floats `(depth + 2)·u·(|network| + |target|)`, with
    /// `u` the unit roundoff ([`Scalar::unit_roundoff`]) and `depth` the
    /// network's (`INFO.depth`) — an allowance for the rounding of the
    /// network's sums along its longest path and of the target, not a
    /// proof. A float grid check is a measurement: it reports no violation
    /// that T's rounding could explain (the bound of f_s^r is attained
    /// exactly, and f32 lands a few ulps above it), and it cannot see one
    /// smaller than that; for a proof evaluate in `Exact` or certify.
    pub rounding: T,
    /// Whether `error <= bound + rounding` (false if the error is NaN).
    pub holds: bool,
    /// The number of points evaluated.
    pub points: usize,
}

/// One line, the tour's `measured` column with what backs it: the error
/// and where, the number of points, the bound and whether it holds.
///
/// ```
/// use qrelu_runtime::check::SupError;
///
/// let s = SupError {
///     worst_point: vec![0.5_f64, 0.25],
///     network: 0.13,
///     target: 0.125,
///     error: 0.005,
///     bound: 0.0078125,
///     rounding: 0.0,
///     holds: true,
///     points: 1600,
/// };
/// assert_eq!(
///     s.to_string(),
///     "sup |net − target| = 5.000e-3 at (0.5, 0.25) over 1600 points; bound 7.812e-3: holds"
/// );
/// ```
impl<T: Scalar> fmt::Display for SupError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sup |net − target| = {:.3e} at (", self.error.to_f64())?;
        for (i, x) in self.worst_point.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", x.to_f64())?;
        }
        write!(
            f,
            ") over {} points; bound {:.3e}: {}",
            self.points,
            self.bound.to_f64(),
            if self.holds { "holds" } else { "fails" }
        )
    }
}

/// The sup error of network `N` over a tensor grid of its domain that
/// includes the domain's ends, in `T`.
///
/// Axis i gets the `points_per_axis` = n points lo + (hi − lo)·k/(n − 1),
/// k = 0, …, n − 1, computed exactly and converted with
/// [`Scalar::from_exact`]; the grid has n^dim points, visited in
/// lexicographic order (first input slowest) without being stored. With
/// `T = Exact` every point and value is exact; in floats the points are
/// exact when the domain is dyadic and n − 1 a power of two.
///
/// **The dyadic trap.** Compiled networks are exact at many dyadic points
/// (f_s^r at every k/2^r, eq. 2) and along dyadic lines, so on a dyadic
/// domain with n − 1 a power of two this grid can report error 0 where the
/// sup is large. Use it to check claims *at* such points; to measure the
/// error use [`sup_error_offset`], and for one input `certify_1d`.
///
/// # Errors
///
/// [`CheckError::EmptyGrid`] if n < 2 or a domain is inverted, and any
/// error of the network's evaluation.
pub fn sup_error<N: Network, T: Scalar>(points_per_axis: usize) -> Result<SupError<T>, CheckError> {
    if points_per_axis < 2 {
        return Err(CheckError::EmptyGrid);
    }
    let steps = Exact::from_integer((points_per_axis - 1).into());
    let axes = axes::<N, T>(|lo, hi| {
        let step = (hi - lo) / &steps;
        (0..points_per_axis)
            .map(|k| lo + &step * Exact::from_integer(k.into()))
            .collect()
    })?;
    sup_error_on::<N, T, _>(Grid::new(axes))
}

/// The offset θ of [`sup_error_offset`]'s grid, in cells: 1/3, so no point
/// of the grid on a dyadic domain is dyadic.
const GRID_OFFSET: (i64, u64) = (1, 3);

/// The sup error of network `N` over a tensor grid of its domain offset
/// away from the dyadic points, in `T`: the grid for *measuring* the error.
///
/// Axis i is cut into n = `points_per_axis` cells of width (hi − lo)/n and
/// gets one point a third of the way into each: lo + (hi − lo)·(k + 1/3)/n,
/// k = 0, …, n − 1; the grid has n^dim points, visited in lexicographic
/// order (first input slowest). On a dyadic domain (lo < hi) every
/// coordinate lo + (hi − lo)·(3k + 1)/(3n) keeps the factor 3 in its
/// denominator (3k + 1 is never a multiple of 3), so no point lands
/// on the dyadic breakpoints and lines where compiled networks are exact —
/// the trap of [`sup_error`]. Points are exact with `T = Exact`; in floats
/// they are the nearest floats, dyadic but with full-width mantissas, still
/// off the networks' coarse dyadic grid. The domain's ends are never
/// visited (the first and last points are (hi − lo)/(3n) inside); like
/// every grid this gives a lower bound of the sup, which `certify_1d`
/// proves for one input.
///
/// ```
/// # use qrelu_runtime::{CheckError, ConstRational, NetInfo, Network, Scalar, TargetTerm};
/// use qrelu_runtime::Exact;
/// use qrelu_runtime::check::{sup_error, sup_error_offset};
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
/// // The dyadic grid 0, 1/2, 1 sits on the breakpoints and sees nothing …
/// assert_eq!(sup_error::<Square1, Exact>(3)?.error, Exact::ratio(0, 1));
/// // … the offset grid 1/6, 2/3 sees the error.
/// let s = sup_error_offset::<Square1, Exact>(2)?;
/// assert_eq!(s.worst_point, vec![Exact::ratio(1, 6)]);
/// assert_eq!(s.error, Exact::ratio(1, 18));
/// # Ok::<(), CheckError>(())
/// ```
///
/// # Errors
///
/// [`CheckError::EmptyGrid`] if n < 1 or a domain is inverted, and any
/// error of the network's evaluation.
pub fn sup_error_offset<N: Network, T: Scalar>(
    points_per_axis: usize,
) -> Result<SupError<T>, CheckError> {
    if points_per_axis < 1 {
        return Err(CheckError::EmptyGrid);
    }
    let cells = Exact::from_integer(points_per_axis.into());
    let theta = Exact::ratio(GRID_OFFSET.0, GRID_OFFSET.1);
    let axes = axes::<N, T>(|lo, hi| {
        let width = (hi - lo) / &cells;
        (0..points_per_axis)
            .map(|k| lo + &width * (Exact::from_integer(k.into()) + &theta))
            .collect()
    })?;
    sup_error_on::<N, T, _>(Grid::new(axes))
}

/// The axes of a grid on `N`'s domain: `points(lo, hi)` for each input,
/// converted to `T`.
fn axes<N: Network, T: Scalar>(
    points: impl Fn(&Exact, &Exact) -> Vec<Exact>,
) -> Result<Vec<Vec<T>>, CheckError> {
    N::INFO
        .domain_exact()
        .into_iter()
        .take(N::INFO.dim())
        .map(|(lo, hi)| {
            if lo > hi {
                return Err(CheckError::EmptyGrid);
            }
            Ok(points(&lo, &hi).iter().map(T::from_exact).collect())
        })
        .collect()
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
                rounding: T::zero(),
                holds: false,
                points: 0,
            });
        }
    }
    let mut worst = worst.ok_or(CheckError::EmptyGrid)?;
    worst.bound = T::from_exact(&N::INFO.error_bound.to_exact());
    if let Some(u) = T::unit_roundoff() {
        let steps = T::from_exact(&Exact::from_integer((N::INFO.depth + 2).into()));
        let size = abs(worst.network.clone()).plus(&abs(worst.target.clone()));
        worst.rounding = steps.times(&u).times(&size);
    }
    worst.holds = !worst.error.is_nan() && worst.error <= worst.bound.plus(&worst.rounding);
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
