//! What a construction is asked for: the validated DSL item ([`NetSpec`]),
//! the structure it names ([`Structure`]) and the table of the DSL's
//! parameters ([`Param`]).

mod param;

pub use param::{DEFAULT_MAX_WEIGHTS, MAX_GRID, MAX_LAMBDA, MAX_ORDER, MAX_T, Param, Values};

use qrelu_runtime::{ConstRational, NetInfo};

use crate::error::{CoreError, Subject};
use crate::expr::Expr;
use crate::poly::Poly;
use crate::quantize::Quantization;
use crate::rational::{self, Rational};

/// Which construction (the DSL's `structure = …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Structure {
    /// Monomials through products, coefficients through weight
    /// sub-networks ([`crate::construct::direct`]).
    Direct,
    /// Theorem 1's function-independent structure
    /// ([`crate::construct::taylor`]).
    Taylor,
    /// Theorem 2's function-dependent structure
    /// ([`crate::construct::lipschitz`]).
    Lipschitz,
}

impl Structure {
    /// Every structure, in the order of [`Param::Structure`]'s choices.
    pub const ALL: [Structure; 3] = [Structure::Direct, Structure::Taylor, Structure::Lipschitz];

    /// The DSL spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Structure::Direct => "direct",
            Structure::Taylor => "taylor",
            Structure::Lipschitz => "lipschitz",
        }
    }

    /// The structure spelled `name`, if any.
    pub fn from_name(name: &str) -> Option<Structure> {
        Structure::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Everything a construction needs to know: the validated DSL item. Fields
/// left `None` are chosen by the construction (from `eps`, or the DSL's
/// defaults, [`Param::default`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NetSpec {
    /// the network's name
    pub name: String,
    /// input names
    pub inputs: Vec<String>,
    /// `[lo, hi]` per input
    pub domain: Vec<(Rational, Rational)>,
    /// the target: a polynomial (in `inputs.len()` variables) or any other
    /// expression of the DSL
    pub target: Target,
    /// squaring depth
    pub r: Option<u32>,
    /// weight precision
    pub t: Option<u32>,
    /// codebook size
    pub lambda: u32,
    /// nonlinear or linear codebook, or [`Quantization::Unquantized`] for
    /// the free-weight reference networks (not a DSL choice)
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
    pub fn new(name: &str, inputs: &[&str], target: impl Into<Target>) -> Self {
        let zero = rational::int(0);
        let one = rational::int(1);
        NetSpec {
            name: name.to_owned(),
            inputs: inputs.iter().map(|s| (*s).to_owned()).collect(),
            domain: inputs.iter().map(|_| (zero.clone(), one.clone())).collect(),
            target: target.into(),
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

    /// The spec of a compiled network read back from its `NetInfo`: inputs,
    /// domain, target, structure, λ, quantization and the parameters in
    /// force (`r`, `t`, `n`, `N`), with no `eps` and no `tune` — they were
    /// resolved into those. For `structure = direct` and `taylor` building
    /// it gives the network again (the tests compare them); `lipschitz`
    /// needs its `eps` back. Quantities the text of `INFO` cannot hold
    /// (malformed rationals, never written by the macro) read as 0.
    ///
    /// ```
    /// use qrelu_core::{NetSpec, Structure};
    /// use qrelu_runtime::{ConstRational, NetInfo, TargetTerm};
    /// const INFO: NetInfo = NetInfo {
    ///     name: "Square",
    ///     inputs: &["x"],
    ///     domain: &[(ConstRational::new("0"), ConstRational::new("1"))],
    ///     target: &[TargetTerm { coef: ConstRational::new("1"), pow: &[2] }],
    ///     structure: "direct",
    ///     quantization: "nonlinear",
    ///     lambda: 2,
    ///     r: Some(6),
    ///     t: Some(14),
    ///     ..qrelu_runtime::__private::STUB_INFO
    /// };
    /// let spec = NetSpec::from_info(&INFO);
    /// assert_eq!(spec.target.display_with(&["x"]), "x^2");
    /// assert_eq!((spec.structure, spec.r, spec.t), (Structure::Direct, Some(6), Some(14)));
    /// assert_eq!(qrelu_core::build(&spec).unwrap().metrics.weights, 74);
    /// ```
    pub fn from_info(info: &NetInfo) -> NetSpec {
        let exact = |q: &ConstRational| q.try_to_exact().unwrap_or_default();
        let target = match Expr::from_program(info.target_program) {
            Some(e) if !info.is_polynomial() => Target::Expr(e),
            _ => Target::Poly(Poly::from_terms(
                info.dim(),
                info.target.iter().map(|t| (exact(&t.coef), t.pow.to_vec())),
            )),
        };
        let mut spec = NetSpec::new(info.name, info.inputs, target);
        spec.domain = info
            .domain
            .iter()
            .map(|(lo, hi)| (exact(lo), exact(hi)))
            .collect();
        spec.structure = Structure::from_name(info.structure).unwrap_or(Structure::Direct);
        spec.quantization =
            Quantization::from_name(info.quantization).unwrap_or(Quantization::Nonlinear);
        spec.lambda = info.lambda;
        (spec.r, spec.t, spec.n, spec.grid) = (info.r, info.t, info.n, info.grid);
        spec
    }

    /// Whether the network has free exact weights (the unquantized
    /// reference, [`Quantization::Unquantized`]).
    pub fn is_unquantized(&self) -> bool {
        self.quantization == Quantization::Unquantized
    }

    /// The target polynomial, for the constructions that take only
    /// polynomials.
    ///
    /// # Errors
    /// [`CoreError::Unsupported`] (about the target) when the target is not
    /// a polynomial; `what` names the construction in the message.
    pub fn poly(&self, what: &str) -> Result<&Poly, CoreError> {
        self.target.poly().ok_or_else(|| CoreError::Unsupported {
            subject: Subject::Target,
            message: format!("{what} accepts polynomial targets only"),
        })
    }
}

/// A network's target: a polynomial, which keeps the exact construction
/// paths (Bernstein enclosures, exact Taylor coefficients), or any other
/// expression of the DSL (SPEC §2), which is enclosed rigorously
/// ([`crate::expr`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A polynomial.
    Poly(Poly),
    /// An expression that is not a polynomial.
    Expr(Expr),
}

impl Target {
    /// The polynomial, if the target is one.
    pub fn poly(&self) -> Option<&Poly> {
        match self {
            Target::Poly(p) => Some(p),
            Target::Expr(_) => None,
        }
    }

    /// The expression, if the target is not a polynomial.
    pub fn expr(&self) -> Option<&Expr> {
        match self {
            Target::Poly(_) => None,
            Target::Expr(e) => Some(e),
        }
    }

    /// The target as canonical DSL text in the input names `names`
    /// (`"x^2 - 1/2"`, `"exp(-x^2)"`): the `target_expr` of `NetInfo` and
    /// the JSON.
    pub fn display_with(&self, names: &[&str]) -> String {
        match self {
            Target::Poly(p) => p.display_with(names),
            Target::Expr(e) => e.display_with(names).to_string(),
        }
    }
}

impl From<Poly> for Target {
    fn from(p: Poly) -> Target {
        Target::Poly(p)
    }
}

impl From<Expr> for Target {
    fn from(e: Expr) -> Target {
        Target::Expr(e)
    }
}
