//! [`Construction`]: a built network with what it approximates, how well,
//! the parameters in force and its size — the one computation `NetInfo`,
//! the JSON and the expansion all read.

use crate::metrics::Metrics;
use crate::net::Net;
use crate::rational::Rational;
use crate::spec::{NetSpec, Structure};

/// The parameters a network was built with, as the construction resolved
/// them: each `None` where the structure has no such parameter. `NetInfo`
/// (its `r`, `t`, `n`, `grid`, `intervals`, `cells`), the JSON and the
/// expansion read them from here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// `r`, the squaring depth; `None` for `structure = lipschitz`, which
    /// has no products
    pub r: Option<u32>,
    /// `t`, the weight precision the codebook was made for; for
    /// `structure = lipschitz` the precision of f̃ (Theorem 2's
    /// `t = log₂ m` in Fig. 4's network, 0 when m = 1); 0 for the
    /// unquantized networks, which round no weight
    pub t: u32,
    /// `n`, the Taylor order (`structure = taylor` only)
    pub n: Option<u32>,
    /// `N`, the Taylor grid (`structure = taylor` only)
    pub grid: Option<u32>,
    /// `T`, the intervals of `structure = lipschitz`
    pub intervals: Option<u64>,
    /// `m`, the cells per interval of Fig. 4's cached functions (`None`
    /// for f^T alone and for other structures)
    pub cells: Option<u64>,
}

impl Params {
    /// The parameters of a `structure = lipschitz` network: no `r`, the
    /// precision `t` of f̃, `T` intervals and, for Fig. 4, `m` cells.
    pub(crate) fn lipschitz(t: u32, intervals: u64, cells: Option<u64>) -> Self {
        Params {
            r: None,
            t,
            n: None,
            grid: None,
            intervals: Some(intervals),
            cells,
        }
    }

    /// The parameters of a network with products (`direct`, and `taylor`
    /// with `n` and `N` set by the caller).
    pub(crate) fn products(r: u32, t: u32) -> Self {
        Params {
            r: Some(r),
            t,
            n: None,
            grid: None,
            intervals: None,
            cells: None,
        }
    }
}

/// A built network with what it approximates and how well.
///
/// Made by [`build`](super::build) (and [`build_unquantized`](super::build_unquantized),
/// [`build_interpolant`](super::build_interpolant)); every field is
/// computed once there.
#[derive(Clone, Debug, PartialEq)]
pub struct Construction {
    /// the specification it was built from, with every parameter the
    /// construction chose filled in
    pub spec: NetSpec,
    /// the network, after the passes of the pipeline
    pub net: Net,
    /// a rigorous a-priori bound on `sup |net − target|` over the domain
    pub error_bound: Rational,
    /// the parameters in force
    pub params: Params,
    /// size metrics of `net`
    pub metrics: Metrics,
}

impl Construction {
    /// The structure it was built with.
    pub fn structure(&self) -> Structure {
        self.spec.structure
    }
}
