//! Constructions: from a specification (target polynomial, domain and
//! precision parameters) to a strict-codebook network with an exact
//! a-priori error bound.
//!
//! [`build`] is the single entry point the macro and the studies call. It
//! checks what is supported, estimates the size *before* building (the
//! `max_weights` guard), builds, and returns a [`Construction`].
//! [`build_unquantized`] does the same for the unquantized reference
//! networks of [`free`] (same spec, free exact weights).

pub mod cached;
pub mod direct;
pub mod free;
pub mod lipschitz;
mod signal;
pub mod taylor;
pub mod tune;

use crate::error::{CoreError, Subject};
use crate::metrics::{self, Metrics};
use crate::net::Net;
use crate::poly::Poly;
use crate::quantize::{Codebook, Quantization};
use crate::rational::{self, Rational};

/// Default `max_weights`: networks estimated above it are refused.
pub const DEFAULT_MAX_WEIGHTS: u64 = 200_000;

/// Which construction (the DSL's `structure = …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structure {
    /// Monomials through products, coefficients through weight sub-networks.
    Direct,
    /// Theorem 1's function-independent structure.
    Taylor,
    /// Theorem 2's function-dependent structure.
    Lipschitz,
}

impl Structure {
    /// The DSL spelling.
    pub fn name(self) -> &'static str {
        match self {
            Structure::Direct => "direct",
            Structure::Taylor => "taylor",
            Structure::Lipschitz => "lipschitz",
        }
    }
}

/// Everything a construction needs to know: the validated DSL item.
#[derive(Clone, Debug, PartialEq)]
pub struct NetSpec {
    /// the network's name
    pub name: String,
    /// input names
    pub inputs: Vec<String>,
    /// `[lo, hi]` per input
    pub domain: Vec<(Rational, Rational)>,
    /// the target polynomial (in `inputs.len()` variables)
    pub target: Poly,
    /// squaring depth
    pub r: Option<u32>,
    /// weight precision
    pub t: Option<u32>,
    /// codebook size
    pub lambda: u32,
    /// nonlinear or linear codebook
    pub quantization: Quantization,
    /// which construction
    pub structure: Structure,
    /// target error (derive r, t from it)
    pub eps: Option<Rational>,
    /// Taylor order `n`
    pub n: Option<u32>,
    /// Taylor grid `N`
    pub grid: Option<u32>,
    /// `tune = smallest`
    pub tune: bool,
    /// refuse networks estimated above this many weights
    pub max_weights: u64,
}

impl NetSpec {
    /// A spec with the defaults of the DSL: direct structure, nonlinear
    /// codebook, λ = 2, default `max_weights`, domain [0, 1]^d.
    pub fn new(name: &str, inputs: &[&str], target: Poly) -> Self {
        let zero = crate::rational::int(0);
        let one = crate::rational::int(1);
        NetSpec {
            name: name.to_owned(),
            inputs: inputs.iter().map(|s| (*s).to_owned()).collect(),
            domain: inputs.iter().map(|_| (zero.clone(), one.clone())).collect(),
            target,
            r: None,
            t: None,
            lambda: 2,
            quantization: Quantization::Nonlinear,
            structure: Structure::Direct,
            eps: None,
            n: None,
            grid: None,
            tune: false,
            max_weights: DEFAULT_MAX_WEIGHTS,
        }
    }

    /// The weight precision in force: `t` if given, else `2(r + 1)`, the
    /// precision at which one weight error `2^−t` equals the squaring error
    /// `2^(−2(r+1))` of eq. 3 (a coefficient rounded to the nearest multiple
    /// of `2^−t` errs by half that, a 32nd of the ×′ error `2^(−2r)`).
    pub fn t_or_default(&self) -> u32 {
        self.t.unwrap_or_else(|| 2 * (self.r.unwrap_or(1) + 1))
    }
}

/// A built network with what it approximates and how well.
#[derive(Clone, Debug, PartialEq)]
pub struct Construction {
    /// the specification it was built from
    pub spec: NetSpec,
    /// the network
    pub net: Net,
    /// a rigorous a-priori bound on `sup |net − target|` over the domain
    pub error_bound: Rational,
    /// the `r` and `t` actually used
    pub r: u32,
    /// the weight precision the codebook was made for
    pub t: u32,
    /// `T`, the intervals of `structure = lipschitz` (Theorem 2)
    pub intervals: Option<u64>,
    /// `m`, the cells per interval of Fig. 4's cached functions (`None`
    /// for f^T alone and other structures)
    pub cells: Option<u64>,
    /// size metrics
    pub metrics: Metrics,
}

/// A limit of the construction that valid input should never reach.
pub(crate) fn internal(what: &str) -> CoreError {
    CoreError::Unsupported {
        subject: Subject::Target,
        message: format!("internal limit: {what}"),
    }
}

/// Refuses what no construction implements yet, naming the part of the spec.
fn check_supported(spec: &NetSpec) -> Result<(), CoreError> {
    match spec.structure {
        Structure::Direct => {}
        Structure::Taylor => return taylor::check_supported(spec),
        Structure::Lipschitz => return lipschitz::check_supported(spec),
    }
    if spec.n.is_some() {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param("n"),
            message: "`n` is the Taylor order of `structure = taylor`; add that or drop `n`"
                .to_owned(),
        });
    }
    if spec.grid.is_some() {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param("N"),
            message: "`N` is the grid of `structure = taylor`; add that or drop `N`".to_owned(),
        });
    }
    if spec.tune && spec.eps.is_none() {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param("tune"),
            message: "`tune = smallest` needs `eps`: it searches for the smallest network \
                      whose bound is at most `eps`"
                .to_owned(),
        });
    }
    if spec.tune && spec.r.is_some() {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param("r"),
            message: "`tune = smallest` chooses `r`; leave `r` out".to_owned(),
        });
    }
    if spec.r.is_none() && spec.eps.is_none() {
        return Err(CoreError::InvalidParameter {
            subject: Subject::Param("r"),
            message: "`r` is required unless `eps` is given".to_owned(),
        });
    }
    direct::check_supported(spec)
}

/// Largest `t` the `eps` searches try.
pub const MAX_T_SEARCH: u32 = 64;

/// The spec with `r` (and, for `tune = smallest`, `t`) chosen from `eps`:
///
/// - `eps` alone: the smallest `r ≤ MAX_R` whose exact a-priori bound (with
///   `t` as given, or its default `2(r + 1)`) is at most `eps`;
/// - `eps` and `r`: `r` is kept and the bound must be at most `eps`;
/// - `eps` and `tune = smallest`: over every `r ≤ MAX_R` and `t ≤`
///   [`MAX_T_SEARCH`] (or the given `t`), the pair with the fewest weights
///   by the size estimate whose bound is at most `eps` (for each `r` the
///   smallest such `t`: a finer `t` never lowers the weights).
///
/// For `structure = taylor`, `eps` chooses `N`, `r` and `t` by the paper's
/// formulas ([`taylor`]), and `tune = smallest` searches `n`, `N`, `r` and
/// `t` ([`tune`]). For `structure = lipschitz`, `eps` chooses T and the
/// cells `m = 2^t` by Theorem 2's proof ([`cached::choose`]; the spec
/// keeps `t`, from which T follows again); with `tune = smallest` the spec
/// is returned as it is and [`build`] keeps the smaller of Fig. 4's
/// network and f^T alone. Without `eps` the spec is returned as it is.
///
/// # Errors
/// An `eps` no allowed `r` and `t` reach (naming the best bound), or a
/// given `r` whose bound exceeds `eps`; as [`build`] otherwise.
pub fn resolve(spec: &NetSpec) -> Result<NetSpec, CoreError> {
    check_supported(spec)?;
    if spec.structure == Structure::Taylor {
        if spec.tune {
            return Ok(tune::tune(spec)?.spec);
        }
        return Ok(taylor::resolve(spec));
    }
    if spec.structure == Structure::Lipschitz {
        if spec.tune {
            // the candidates read `t` differently; `build` decides
            return Ok(spec.clone());
        }
        let params = cached::choose(spec)?;
        let mut s = spec.clone();
        s.t = Some(params.t());
        return Ok(s);
    }
    let Some(eps) = &spec.eps else {
        return Ok(spec.clone());
    };
    let with = |r: u32, t: Option<u32>| {
        let mut s = spec.clone();
        s.r = Some(r);
        s.t = t;
        s
    };
    let refuse = |subject, message| CoreError::InvalidParameter { subject, message };
    if let Some(r) = spec.r {
        let s = with(r, spec.t);
        let bound = direct::bound_parts(&s)?.total();
        if bound > *eps {
            return Err(refuse(
                Subject::Param("eps"),
                format!(
                    "with `r` = {r} the a-priori bound is {} (about {:.3e}), above `eps` = {}; \
                     raise `r` or leave it out so that `eps` chooses it",
                    rational::display(&bound),
                    rational::to_f64(&bound),
                    rational::display(eps)
                ),
            ));
        }
        return Ok(s);
    }
    let max_r = crate::gadget::square::MAX_R;
    let mut best_bound: Option<Rational> = None;
    let mut best: Option<(u64, Rational, NetSpec)> = None;
    for r in 1..=max_r {
        let plan = direct::plan(&spec.target, &spec.domain, r)?;
        let ts: Vec<Option<u32>> = match (spec.tune, spec.t) {
            (true, None) => (1..=MAX_T_SEARCH).map(Some).collect(),
            _ => vec![spec.t],
        };
        for t in ts {
            let s = with(r, t);
            if Codebook::new(s.quantization, s.lambda, s.t_or_default()).is_err() {
                continue;
            }
            let bound = direct::bound_parts_on(&s, &plan)?.total();
            if best_bound.as_ref().is_none_or(|b| bound < *b) {
                best_bound = Some(bound.clone());
            }
            if bound > *eps {
                continue;
            }
            if !spec.tune {
                return Ok(s);
            }
            let weights = direct::estimate_on(&s, &plan)?;
            let better = best
                .as_ref()
                .is_none_or(|(w, b, _)| weights < *w || (weights == *w && bound < *b));
            if better {
                best = Some((weights, bound, s));
            }
            break;
        }
    }
    match best {
        Some((_, _, s)) => Ok(s),
        None => Err(refuse(
            Subject::Param("eps"),
            format!(
                "`eps` = {} is below every a-priori bound with `r` ≤ {max_r}{} (the best is about \
                 {:.3e}); raise `eps`{}",
                rational::display(eps),
                match spec.t {
                    Some(t) => format!(" and `t` = {t}"),
                    None => String::new(),
                },
                best_bound.as_ref().map_or(f64::NAN, rational::to_f64),
                if spec.t.is_some() {
                    " or `t` (coefficients are rounded to multiples of 2^-t)"
                } else {
                    ""
                }
            ),
        )),
    }
}

/// Estimates the number of weights before building (after [`resolve`]).
///
/// # Errors
/// As [`build`] for unsupported specs.
pub fn estimate_weights(spec: &NetSpec) -> Result<u64, CoreError> {
    estimate_resolved(&resolve(spec)?)
}

/// [`estimate_weights`] of a spec [`resolve`] has filled in already.
fn estimate_resolved(spec: &NetSpec) -> Result<u64, CoreError> {
    match spec.structure {
        Structure::Taylor => Ok(taylor::estimate_weights(spec)),
        Structure::Lipschitz => {
            let fig4 = cached::plan(spec)?.estimate_weights()?;
            if !spec.tune {
                return Ok(fig4);
            }
            let interp = lipschitz::choose(spec)
                .and_then(|(p, _)| lipschitz::estimate_weights(&spec.target, p));
            Ok(interp.map_or(fig4, |w| w.min(fig4)))
        }
        _ => direct::estimate_weights(spec),
    }
}

/// Builds the network for `spec`.
///
/// # Errors
/// Unsupported targets or parameters ([`CoreError::Unsupported`], naming
/// the part of the spec), invalid parameters, or an estimate above
/// `max_weights` ([`CoreError::TooLarge`]).
///
/// ```
/// use qrelu_core::{construct::{build, NetSpec}, Poly};
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(4);
/// let c = build(&spec).unwrap();
/// assert_eq!(c.metrics.weights, 52);
/// assert_eq!(c.error_bound, qrelu_core::rational::ratio(1, 1024));
/// ```
pub fn build(spec: &NetSpec) -> Result<Construction, CoreError> {
    if spec.structure == Structure::Taylor && spec.tune {
        // the search builds its best candidates already
        check_supported(spec)?;
        let tuned = tune::tune(spec)?;
        let (net, metrics) = finish(tuned.net);
        return Ok(Construction {
            r: tuned.spec.r.unwrap_or(1),
            t: tuned.spec.t_or_default(),
            spec: tuned.spec,
            net,
            error_bound: tuned.bound.total(),
            intervals: None,
            cells: None,
            metrics,
        });
    }
    if spec.structure == Structure::Lipschitz {
        return build_lipschitz(spec);
    }
    let given = spec;
    let spec = &resolve(spec)?;
    let estimate = estimate_resolved(spec)?;
    if estimate > spec.max_weights {
        return Err(CoreError::TooLarge {
            estimate,
            limit: spec.max_weights,
        });
    }
    let (net, error_bound, r, t) = match spec.structure {
        Structure::Taylor => {
            let r = spec.r.unwrap_or(1);
            let t = spec.t_or_default();
            let params = taylor::TaylorParams {
                n: spec.n.unwrap_or(1),
                grid: spec.grid.map_or(1, u64::from),
                r,
                t,
            };
            let codebook = Codebook::new(spec.quantization, spec.lambda, t)?;
            let (net, bound) = taylor::build_taylor(&spec.target, &spec.inputs, params, codebook)?;
            let bound = bound.total();
            if let Some(eps) = spec.eps.as_ref().filter(|eps| bound > **eps) {
                // say which values the user gave and which eqs. 26-28 chose
                let of = |name: &str, v: u64, by_user: bool| {
                    format!("{name} = {v}{}", if by_user { " (given)" } else { "" })
                };
                let values = [
                    of("N", params.grid, given.grid.is_some()),
                    of("r", u64::from(r), given.r.is_some()),
                    of("t", u64::from(t), given.t.is_some()),
                ];
                let advice = if given.grid.is_some() || given.r.is_some() || given.t.is_some() {
                    "raise the values given, or leave them out for eqs. 26-28 to choose"
                } else {
                    "give `N` and `r` yourself, or try `tune = smallest`"
                };
                return Err(CoreError::InvalidParameter {
                    subject: Subject::Param("eps"),
                    message: format!(
                        "with {}, {} and {} the exact a-priori bound is about {:.3e}, above \
                         `eps` = {}; {advice}",
                        values[0],
                        values[1],
                        values[2],
                        rational::to_f64(&bound),
                        rational::display(eps)
                    ),
                });
            }
            (net, bound, r, t)
        }
        _ => direct::build(spec)?,
    };
    let (net, metrics) = finish(net);
    Ok(Construction {
        spec: spec.clone(),
        net,
        error_bound,
        r,
        t,
        intervals: None,
        cells: None,
        metrics,
    })
}

/// The passes every constructed network goes through, chained here, and
/// then its metrics: dead units removed ([`Net::remove_dead_units`]).
fn finish(mut net: Net) -> (Net, Metrics) {
    net.remove_dead_units();
    let metrics = metrics::metrics(&net);
    (net, metrics)
}

/// [`build`] for `structure = lipschitz`: Fig. 4's network ([`cached`])
/// with T and m from `eps`; with `tune = smallest`, Fig. 4 pruned (no
/// cached function where f^T is close enough) and f^T alone with T and t
/// from its exact bound on this target ([`lipschitz`]), and the candidate
/// with fewer weights. Estimates are checked against
/// `max_weights` first.
fn build_lipschitz(spec: &NetSpec) -> Result<Construction, CoreError> {
    check_supported(spec)?;
    let mut best: Option<Construction> = None;
    let mut refused = None;
    let mut keep = |c: Result<Construction, CoreError>| match c {
        Ok(c) => {
            if best
                .as_ref()
                .is_none_or(|b| c.metrics.weights < b.metrics.weights)
            {
                best = Some(c);
            }
        }
        Err(e) => refused = refused.take().or(Some(e)),
    };
    keep(build_cached(spec));
    if spec.tune {
        keep(build_interpolant(spec));
    }
    match (best, refused) {
        (Some(c), _) => Ok(c),
        (None, Some(e)) => Err(e),
        (None, None) => Err(internal("no lipschitz candidate")),
    }
}

/// Fig. 4's network for `spec` ([`cached`]).
fn build_cached(spec: &NetSpec) -> Result<Construction, CoreError> {
    let params = cached::choose(spec)?;
    if params.intervals() > spec.max_weights {
        return Err(CoreError::TooLarge {
            estimate: params.intervals(),
            limit: spec.max_weights,
        });
    }
    let plan = cached::Plan::with_pruning(&spec.target, params, spec.tune)?;
    let estimate = plan.estimate_weights()?;
    if estimate > spec.max_weights {
        return Err(CoreError::TooLarge {
            estimate,
            limit: spec.max_weights,
        });
    }
    let mut spec = spec.clone();
    spec.t = Some(params.t());
    let codebook = Codebook::new(spec.quantization, spec.lambda, params.t().max(1))?;
    let (net, error_bound) = cached::build(&spec, &plan, codebook)?;
    let (net, metrics) = finish(net);
    Ok(Construction {
        spec,
        net,
        error_bound,
        r: 0,
        t: params.t(),
        intervals: Some(params.intervals()),
        cells: Some(params.cells()),
        metrics,
    })
}

/// f^T alone for `spec` (`structure = lipschitz`; [`lipschitz`]): the
/// interpolant of the paper's f̃ at T = 2^τ points, with τ and t the
/// smallest that meet `eps` by an exact bound on this target, and the same
/// `max_weights` guard as [`build`] — the candidate `tune = smallest`
/// compares with Fig. 4's network. `intervals` is T; `cells` is `None`.
///
/// # Errors
/// As [`build`]; an `eps` no T ≤ 2^[`lipschitz::MAX_TAU`] reaches.
///
/// ```
/// use qrelu_core::construct::{NetSpec, Structure, build_interpolant};
/// use qrelu_core::{Poly, rational::ratio};
/// let mut spec = NetSpec::new("Half", &["x"], Poly::var(1, 0).pow(2).scale(&ratio(1, 2)));
/// spec.structure = Structure::Lipschitz;
/// spec.eps = Some(ratio(1, 256));
/// let c = build_interpolant(&spec).unwrap();
/// assert!(c.error_bound <= ratio(1, 256));
/// assert_eq!(c.cells, None);
/// ```
pub fn build_interpolant(spec: &NetSpec) -> Result<Construction, CoreError> {
    check_supported(spec)?;
    let (params, _) = lipschitz::choose(spec)?;
    let mut spec = spec.clone();
    spec.t = Some(params.t);
    let estimate = lipschitz::estimate_weights(&spec.target, params)?;
    if estimate > spec.max_weights {
        return Err(CoreError::TooLarge {
            estimate,
            limit: spec.max_weights,
        });
    }
    let codebook = Codebook::new(spec.quantization, spec.lambda, params.t)?;
    let (net, error_bound) = lipschitz::build_lipschitz(&spec, params, codebook)?;
    let (net, metrics) = finish(net);
    Ok(Construction {
        spec,
        net,
        error_bound,
        r: 0,
        t: params.t,
        intervals: Some(params.intervals()),
        cells: None,
        metrics,
    })
}

/// Builds the **unquantized reference network** for `spec` ([`free`]):
/// the same construction as [`build`] — `structure = direct` or `taylor`,
/// `r`, `n`, `N` and `eps` resolved the same way ([`free::resolve`]: for
/// `direct`, the smallest `r` whose *free* bound meets `eps`; for
/// `taylor`, eqs. 26–28) and the same `max_weights` guard
/// ([`free::estimate_weights`]) — with every weight and bias a free exact
/// rational: the codebook is [`Codebook::unquantized`], the returned
/// spec says `quantization = unquantized`, and `t` is 0 (no weight is
/// rounded; `spec.t` and `spec.lambda` are ignored). The bound is exact and
/// a-priori: `Σ_α |c_α|·δ_α` (eqs. 3, 8, 21) for `direct`, the exact Taylor
/// tail plus the ×′ part of eqs. 21–24 for `taylor`.
///
/// # Errors
/// As [`build`].
///
/// ```
/// use qrelu_core::{construct::{build, build_unquantized, NetSpec}, Poly};
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(4);
/// let free = build_unquantized(&spec).unwrap();
/// let quantized = build(&spec).unwrap();
/// // the same function, so the same bound (eq. 3) with fewer weights and levels
/// assert_eq!(free.error_bound, quantized.error_bound);
/// assert_eq!((free.metrics.weights, free.metrics.depth), (23, 5));
/// assert_eq!((quantized.metrics.weights, quantized.metrics.depth), (52, 8));
/// ```
pub fn build_unquantized(spec: &NetSpec) -> Result<Construction, CoreError> {
    let mut spec = free::resolve(spec)?;
    let estimate = free::estimate_weights(&spec)?;
    if estimate > spec.max_weights {
        return Err(CoreError::TooLarge {
            estimate,
            limit: spec.max_weights,
        });
    }
    let r = spec.r.unwrap_or(1);
    let (net, error_bound) = match spec.structure {
        Structure::Taylor => {
            let n = spec.n.unwrap_or(1);
            let grid = spec.grid.unwrap_or(1);
            let (net, bound) =
                free::build_taylor(&spec.target, &spec.inputs, n, u64::from(grid), r)?;
            let bound = bound.total();
            if let Some(eps) = spec.eps.as_ref().filter(|eps| bound > **eps) {
                return Err(CoreError::InvalidParameter {
                    subject: Subject::Param("eps"),
                    message: format!(
                        "with N = {grid} and r = {r} (eqs. 26-28) the exact a-priori bound of \
                         the unquantized network is about {:.3e}, above `eps` = {}; give `N` \
                         and `r` yourself",
                        rational::to_f64(&bound),
                        rational::display(eps)
                    ),
                });
            }
            (net, bound)
        }
        _ => free::build_direct(&spec)?,
    };
    spec.quantization = Quantization::Unquantized;
    spec.t = None;
    let (net, metrics) = finish(net);
    Ok(Construction {
        spec,
        net,
        error_bound,
        r,
        t: 0,
        intervals: None,
        cells: None,
        metrics,
    })
}
