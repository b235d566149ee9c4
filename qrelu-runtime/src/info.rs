//! What a compiled network says about itself: [`NetInfo`] and the
//! compile-time constants it is built from ([`ConstRational`],
//! [`TargetTerm`], [`BlockInfo`], [`PartInfo`]).

use alloc::vec::Vec;
use core::fmt;

use num_bigint::BigInt;
use num_traits::Zero;

use crate::{CheckError, Exact, Scalar};

/// A rational number known at compile time, kept as its decimal text.
///
/// The text is `"p"` or `"p/q"`: an optional `-`, decimal digits, and for a
/// fraction `/` and the decimal digits of a positive denominator. The
/// generated code always writes lowest terms (so equal values have equal
/// text, and the derived `PartialEq` compares values); the numbers may be far
/// larger than any machine integer.
///
/// [`ConstRational::new`] is a `const fn` that does not check the text;
/// [`ConstRational::try_to_exact`] does.
///
/// ```
/// use qrelu_runtime::{ConstRational, Exact, Scalar};
///
/// const BOUND: ConstRational = ConstRational::new("-1/256");
/// assert_eq!(BOUND.to_exact(), Exact::ratio(-1, 256));
/// assert_eq!(BOUND.to_f64(), -0.00390625);
/// assert_eq!(BOUND.to_string(), "-1/256");
/// assert_eq!(ConstRational::new("1/0").try_to_exact(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstRational {
    text: &'static str,
}

impl ConstRational {
    /// Wraps `text` without checking it (a `const fn`, so usable in
    /// constants); see the type's documentation for the accepted form.
    pub const fn new(text: &'static str) -> Self {
        ConstRational { text }
    }

    /// The text this value was made from.
    pub const fn text(&self) -> &'static str {
        self.text
    }

    /// The exact value, or `None` if the text is not of the form `"p"` or
    /// `"p/q"` with q > 0. Accepts fractions not in lowest terms and reduces
    /// them.
    pub fn try_to_exact(&self) -> Option<Exact> {
        let (numer, denom) = match self.text.split_once('/') {
            Some((numer, denom)) => (numer, Some(denom)),
            None => (self.text, None),
        };
        let numer = parse_integer(numer, true)?;
        match denom {
            None => Some(Exact::from_integer(numer)),
            Some(denom) => {
                let denom = parse_integer(denom, false)?;
                if denom.is_zero() {
                    None
                } else {
                    Some(Exact::new(numer, denom))
                }
            }
        }
    }

    /// The exact value.
    ///
    /// # Panics
    ///
    /// If the text is malformed (see [`ConstRational::try_to_exact`]);
    /// constants written by the `qrelu!` macro never are.
    pub fn to_exact(&self) -> Exact {
        match self.try_to_exact() {
            Some(value) => value,
            None => panic!("malformed rational constant {:?}", self.text),
        }
    }

    /// The nearest `f64` (ties to even), computed from the exact value.
    ///
    /// # Panics
    ///
    /// If the text is malformed, like [`ConstRational::to_exact`].
    pub fn to_f64(&self) -> f64 {
        self.to_exact().to_f64()
    }
}

impl fmt::Display for ConstRational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// Parses `-?[0-9]+` (the sign only if `signed`) into an integer.
fn parse_integer(text: &str, signed: bool) -> Option<BigInt> {
    let digits = match text.strip_prefix('-') {
        Some(rest) if signed => rest,
        Some(_) => return None,
        None => text,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    BigInt::parse_bytes(text.as_bytes(), 10)
}

/// Writes the polynomial `Σ c·x^pow` as DSL text, highest total degree
/// first — `3/4*x^3 - 1/2*x + 1/8` — from each term's coefficient as exact
/// text (`"-3/4"`; a leading `-` is the sign) and its exponents, with the
/// inputs named by `names` (`?` past the end). The zero polynomial is `0`.
/// One formatter for every target: `NetInfo`'s, and the compiler's
/// (`qrelu_core::Poly::display_with`).
///
/// ```
/// use qrelu_runtime::info::write_polynomial;
///
/// let mut text = String::new();
/// let terms = [("1/8", &[0][..]), ("-1/2", &[1][..]), ("3/4", &[3][..])];
/// write_polynomial(&mut text, terms, &["x"]).unwrap();
/// assert_eq!(text, "3/4*x^3 - 1/2*x + 1/8");
/// ```
pub fn write_polynomial<'a>(
    out: &mut dyn fmt::Write,
    terms: impl IntoIterator<Item = (&'a str, &'a [u32])>,
    names: &[&str],
) -> fmt::Result {
    let mut terms: Vec<(&str, &[u32])> = terms.into_iter().filter(|(c, _)| *c != "0").collect();
    if terms.is_empty() {
        return out.write_str("0");
    }
    // highest degree first reads naturally
    terms.sort_by(|(_, a), (_, b)| {
        let (da, db) = (a.iter().sum::<u32>(), b.iter().sum::<u32>());
        db.cmp(&da).then_with(|| b.cmp(a))
    });
    for (i, (coef, pow)) in terms.into_iter().enumerate() {
        let (negative, magnitude) = match coef.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, coef),
        };
        match (i, negative) {
            (0, true) => out.write_str("-")?,
            (0, false) => {}
            (_, true) => out.write_str(" - ")?,
            (_, false) => out.write_str(" + ")?,
        }
        let mut factors = pow.iter().enumerate().filter(|(_, e)| **e > 0).peekable();
        if factors.peek().is_none() {
            out.write_str(magnitude)?;
            continue;
        }
        if magnitude != "1" {
            write!(out, "{magnitude}*")?;
        }
        for (k, (j, e)) in factors.enumerate() {
            if k > 0 {
                out.write_str("*")?;
            }
            out.write_str(names.get(j).copied().unwrap_or("?"))?;
            if *e > 1 {
                write!(out, "^{e}")?;
            }
        }
    }
    Ok(())
}

/// One monomial c·x₁^k₁·…·x_d^k_d of a network's target polynomial.
///
/// ```
/// use qrelu_runtime::{ConstRational, TargetTerm};
///
/// // 3/4·x²·y
/// const TERM: TargetTerm = TargetTerm { coef: ConstRational::new("3/4"), pow: &[2, 1] };
/// assert_eq!(TERM.pow.iter().sum::<u32>(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetTerm {
    /// The coefficient c.
    pub coef: ConstRational,
    /// The exponent of each input, in input order; missing trailing entries
    /// are 0.
    pub pow: &'static [u32],
}

/// The size of one named block of a network, for the per-block accounting
/// the paper's tables report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    /// The block's name, `gadget.part`, e.g. `"square.tent"`.
    pub name: &'static str,
    /// Units (neurons) in the block.
    pub units: usize,
    /// Weights (edges) ending in the block's units.
    pub weights: usize,
    /// The block's depth in edges.
    pub depth: usize,
    /// The block's width: its largest layer.
    pub width: usize,
}

/// The size of one block of the paper's Table 1 (Section 4.3) in a network:
/// how many instances it has, their units and weights in total, and the
/// width and depth of the largest instance — what Table 1 lists per
/// instance.
///
/// Every hidden unit belongs to exactly one part, so over
/// [`NetInfo::parts`] the `weights` add up to [`NetInfo::weights`]. The
/// names are those of Table 1:
///
/// | name | Table 1 | what it holds |
/// | --- | --- | --- |
/// | `"B_w"` | B_w, construct weights | the weight sub-networks of Prop. 3, one instance per coefficient |
/// | `"B_N"` | B_N, construct 1/N, …, (N−1)/N | every constant unit (offsets, `U = 1`, the constants of f_s^r), one instance |
/// | `"B_abs"` | B_abs, get absolute values | the gates `σ(±s)` of one signal and their copies |
/// | `"B_s"` | B_s, scale by 3N | `σ(½x)` of one input and its multiple `3N·x/2` |
/// | `"B_h"` | B_h, implement h(x) | the units of one bump `h(3Nx − 3m)` |
/// | `"B_mul"` | B_×′, implement ×′(x, y) | the f_s^r of one product or square |
/// | `"output"` | — | the output unit (1 unit, 1 instance) and its edges |
///
/// A unit built lazily and shared (a constant, a gate) belongs to the part
/// that built it first. `"B_s"` and `"B_h"` appear only in
/// `structure = taylor` networks.
///
/// ```
/// use qrelu_runtime::PartInfo;
///
/// const H: PartInfo = PartInfo { name: "B_h", instances: 9, units: 36, weights: 162, width: 4, depth: 1 };
/// assert_eq!(H.units / H.instances, 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartInfo {
    /// The part's name: `"B_w"`, `"B_N"`, `"B_abs"`, `"B_s"`, `"B_h"`,
    /// `"B_mul"` or `"output"` (see the type's documentation).
    pub name: &'static str,
    /// Instances of the part: coefficients for `"B_w"`, bumps for `"B_h"`,
    /// products and squares for `"B_mul"`, …
    pub instances: usize,
    /// Units (neurons) in all instances.
    pub units: usize,
    /// Weights (edges) ending in those units, in all instances.
    pub weights: usize,
    /// The largest number of units of one instance on one layer (Table 1's
    /// "width").
    pub width: usize,
    /// The largest number of layers one instance spans, first to last
    /// (Table 1's "depth").
    pub depth: usize,
}

/// Everything a compiled network states about itself: its target, its shape,
/// its quantization, its storage cost and its a-priori error bound.
///
/// Every generated network has one as `Network::INFO` (and `Name::INFO`).
/// All fields are public and the type is built in `const` context.
///
/// ```
/// use qrelu_runtime::{ConstRational, Exact, NetInfo, Scalar, TargetTerm};
///
/// const INFO: NetInfo = NetInfo {
///     target: &[
///         TargetTerm { coef: ConstRational::new("1"), pow: &[2] },
///         TargetTerm { coef: ConstRational::new("-1/2"), pow: &[0] },
///     ],
///     inputs: &["x"],
///     domain: &[(ConstRational::new("0"), ConstRational::new("1"))],
///     codebook: &[ConstRational::new("-1/2"), ConstRational::new("1/2")],
///     ..qrelu_runtime::__private::STUB_INFO
/// };
/// assert_eq!(INFO.dim(), 1);
/// assert_eq!(INFO.target_eval(&[3.0_f64]), Ok(8.5));
/// assert!(INFO.in_codebook(&Exact::ratio(-1, 2)));
/// assert!(!INFO.in_codebook(&Exact::zero()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetInfo {
    /// The network's name, as written in the DSL.
    pub name: &'static str,
    /// The input names, in argument order.
    pub inputs: &'static [&'static str],
    /// The domain `[lo, hi]` of each input, in input order.
    pub domain: &'static [(ConstRational, ConstRational)],
    /// The target polynomial, as a sum of monomials; empty when the target
    /// is not a polynomial (then [`target_program`](Self::target_program)
    /// holds it).
    pub target: &'static [TargetTerm],
    /// The target as canonical DSL text (`exp(-x^2)`, `x^2 - 1/2`),
    /// parseable by the DSL's grammar; the JSON's `"target_expr"`.
    pub target_expr: &'static str,
    /// The target as a postfix program ([`crate::target`]) when it is not a
    /// polynomial; empty for polynomials.
    pub target_program: &'static [crate::TargetOp],
    /// The construction used: `"direct"`, `"taylor"` or `"lipschitz"`.
    pub structure: &'static str,
    /// The quantization scheme: `"nonlinear"` or `"linear"`.
    pub quantization: &'static str,
    /// λ, the number of distinct weight values allowed.
    pub lambda: u32,
    /// r, the squaring depth, when the construction has one.
    pub r: Option<u32>,
    /// t, the weight precision (weights within 2^−t), when the construction
    /// has one; for `structure = lipschitz`, the precision of f̃ (its knots
    /// are multiples of 2^−t/T), which Fig. 4's network ties to its cells
    /// as Theorem 2's `t = log₂ m` — 0 when `eps` is coarse enough for m = 1.
    pub t: Option<u32>,
    /// n, the Taylor order of `structure = taylor` (chosen by `tune =
    /// smallest` when not given); `None` for other structures.
    pub n: Option<u32>,
    /// N, the grid of `structure = taylor` (points m/N; chosen by eq. 28 or
    /// `tune = smallest` when not given); `None` for other structures.
    pub grid: Option<u32>,
    /// T, the intervals of `structure = lipschitz` (Theorem 2: f^T
    /// interpolates at the `i/T`); `None` for other structures.
    pub intervals: Option<u64>,
    /// m, the cells per interval of the cached functions of Fig. 4
    /// (`structure = lipschitz`; `None` when `tune = smallest` chose f^T
    /// alone, and for other structures).
    pub cells: Option<u64>,
    /// The codebook: the λ exact values every weight is drawn from.
    pub codebook: &'static [ConstRational],
    /// The number of weights (edges), output edges included.
    pub weights: usize,
    /// The number of units whose bias is not zero.
    pub nonzero_biases: usize,
    /// The number of hidden (ReLU) units; inputs and the output unit are
    /// not counted.
    pub units: usize,
    /// The depth: the longest path to the output, in edges, from an input
    /// *or a constant unit* (a unit with no sources, such as `relu(1/2)`,
    /// sits on layer 1). Constant chains count because a layered network
    /// has to carry them through its layers too; where a chain is longer
    /// than every input path, the depth exceeds the longest input→output
    /// path.
    pub depth: usize,
    /// The width: the most hidden units on one layer, layered by longest
    /// path as for `depth`.
    pub width: usize,
    /// The paper's storage measure: weights·⌈log₂ λ⌉ bits.
    pub bits: u64,
    /// The compiler's honest storage count: weights and biases as codebook
    /// indices plus the sparse structure (which unit each edge comes from),
    /// as the compiler accounts for it.
    pub honest_bits: u64,
    /// The a-priori bound on sup |network − target| over the domain, exact.
    pub error_bound: ConstRational,
    /// Per-block accounting, in construction order.
    pub blocks: &'static [BlockInfo],
    /// Per-block accounting by the blocks of the paper's Table 1 (B_w, B_N,
    /// B_abs, B_s, B_h, B_×′ and the output), in that order, each present
    /// part once; see [`PartInfo`].
    pub parts: &'static [PartInfo],
    /// The exact fixed-point format of the network's `eval_fixed`
    /// ([`crate::fixed`]), or `None` when a weight is not dyadic or 128
    /// bits cannot hold its values (then there is no `eval_fixed`).
    pub fixed: Option<FixedInfo>,
}

/// The format of a network's exact integer evaluation (`eval_fixed`): input
/// `i` is the integer `X_i` standing for `X_i·2^−frac_bits`, the output is
/// the integer `Y` standing for `Y·2^−scale`, and every intermediate value
/// fits a signed integer of `width` bits (`qrelu_core::fixed` derives it
/// by exact interval arithmetic over the domain).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedInfo {
    /// The integer type: 32, 64 or 128 (`i32`, `i64`, `i128`).
    pub width: u32,
    /// `F`, the fractional bits of every input.
    pub frac_bits: u32,
    /// `S ≥ F`, the fractional bits of every value and of the output.
    pub scale: u32,
    /// The bits the widest intermediate value needs, sign included
    /// (at most `width`).
    pub needed_bits: u32,
    /// Per input, the integers `lo ..= hi` of the format inside its domain
    /// (`⌈lo·2^F⌉`, `⌊hi·2^F⌋`); `eval_fixed` refuses the others.
    pub inputs: &'static [(i128, i128)],
}

impl FixedInfo {
    /// The exact number `X·2^−frac_bits` an input integer stands for.
    pub fn input_value(&self, x: i128) -> Exact {
        scaled(x, self.frac_bits)
    }

    /// The exact number `Y·2^−scale` an output integer stands for.
    pub fn output_value(&self, y: i128) -> Exact {
        scaled(y, self.scale)
    }

    /// The integer of the format for the exact value `q`, if `q` is one of
    /// the format's numbers (a multiple of `2^−frac_bits`) and lies in
    /// input `input`'s range.
    pub fn input_of(&self, input: usize, q: &Exact) -> Option<i128> {
        let (lo, hi) = *self.inputs.get(input)?;
        let x = q * Exact::from_integer(BigInt::from(1u8) << self.frac_bits);
        if !x.is_integer() {
            return None;
        }
        let x = i128::try_from(x.to_integer()).ok()?;
        (lo..=hi).contains(&x).then_some(x)
    }
}

/// `n·2^−bits`, exactly.
fn scaled(n: i128, bits: u32) -> Exact {
    Exact::new(BigInt::from(n), BigInt::from(1u8) << bits)
}

impl NetInfo {
    /// The number of inputs.
    pub fn dim(&self) -> usize {
        self.inputs.len()
    }

    /// The domain of each input as exact `(lo, hi)` pairs.
    pub fn domain_exact(&self) -> Vec<(Exact, Exact)> {
        self.domain
            .iter()
            .map(|(lo, hi)| (lo.to_exact(), hi.to_exact()))
            .collect()
    }

    /// Whether the target is a polynomial (stored as
    /// [`target`](Self::target)'s monomials, exact in every scalar type).
    pub fn is_polynomial(&self) -> bool {
        self.target_program.is_empty()
    }

    /// Evaluates the target at `x`: a polynomial term by term in `T`
    /// (coefficients converted with [`Scalar::from_exact`], powers by
    /// repeated multiplication), any other target by its program
    /// ([`crate::target::run`]).
    ///
    /// # Errors
    ///
    /// [`CheckError::Dimension`] if `x` does not have one value per input,
    /// or a term has exponents for more inputs than there are;
    /// [`CheckError::NotExact`] for a non-polynomial target in a type without
    /// its functions (exact rationals).
    pub fn target_eval<T: Scalar>(&self, x: &[T]) -> Result<T, CheckError> {
        if x.len() != self.dim() {
            return Err(CheckError::Dimension {
                expected: self.dim(),
                found: x.len(),
            });
        }
        if !self.is_polynomial() {
            return crate::target::run(self.target_program, x);
        }
        let mut sum = T::zero();
        for term in self.target {
            if term.pow.len() > x.len() {
                return Err(CheckError::Dimension {
                    expected: term.pow.len(),
                    found: x.len(),
                });
            }
            let mut monomial = T::from_exact(&term.coef.to_exact());
            for (xi, &k) in x.iter().zip(term.pow) {
                for _ in 0..k {
                    monomial = monomial.times(xi);
                }
            }
            sum = sum.plus(&monomial);
        }
        Ok(sum)
    }

    /// The part named `name` (`"B_mul"`, …; see [`PartInfo`]), if the
    /// network has it.
    ///
    /// ```
    /// use qrelu_runtime::{NetInfo, PartInfo};
    ///
    /// const INFO: NetInfo = NetInfo {
    ///     parts: &[PartInfo { name: "output", instances: 1, units: 1, weights: 13, width: 1, depth: 1 }],
    ///     ..qrelu_runtime::__private::STUB_INFO
    /// };
    /// assert_eq!(INFO.part("output").map(|p| p.weights), Some(13));
    /// assert_eq!(INFO.part("B_h"), None);
    /// ```
    pub fn part(&self, name: &str) -> Option<&'static PartInfo> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// Whether `q` is one of the codebook values. Zero is a codebook value
    /// only if the codebook lists it (zero biases are allowed separately).
    pub fn in_codebook(&self, q: &Exact) -> bool {
        self.codebook
            .iter()
            .any(|c| c.try_to_exact().as_ref() == Some(q))
    }

    /// The target as DSL text: [`target_expr`](Self::target_expr) where
    /// set, else the polynomial written out, `3/4*x^3 - 1/2*x + 1/8`
    /// ([`write_polynomial`]).
    pub fn target_text(&self) -> alloc::string::String {
        if !self.target_expr.is_empty() {
            return self.target_expr.into();
        }
        let mut out = alloc::string::String::new();
        let terms = self.target.iter().map(|t| (t.coef.text(), t.pow));
        // writing to a String cannot fail
        let _ = write_polynomial(&mut out, terms, self.inputs);
        out
    }
}

/// What the tour prints of a network, on one line: its name, target and
/// domain; structure, quantization, λ and the parameters it has; weights,
/// depth, width, bits (the paper's and the honest count); the a-priori
/// bound, exact and approximate. With `{:#}`, one line per block of the
/// paper's Table 1 or 2 follows.
///
/// ```
/// use qrelu_runtime::{ConstRational, NetInfo, PartInfo, TargetTerm};
///
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
///     weights: 74,
///     depth: 12,
///     width: 5,
///     bits: 74,
///     honest_bits: 1021,
///     error_bound: ConstRational::new("1/16384"),
///     parts: &[PartInfo { name: "B_mul", instances: 1, units: 12, weights: 62, width: 2, depth: 12 }],
///     ..qrelu_runtime::__private::STUB_INFO
/// };
/// assert_eq!(
///     INFO.to_string(),
///     "Square(x in [0, 1]) = x^2: direct, nonlinear, λ = 2, r = 6, t = 14; \
///      74 weights, depth 12, width 5, 74 bits (honest 1021); bound 1/16384 ≈ 6.104e-5"
/// );
/// assert!(format!("{INFO:#}").ends_with("\n  B_mul: 1 instance, 12 units, 62 weights, width 2, depth 12"));
/// ```
impl fmt::Display for NetInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        for (i, input) in self.inputs.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match self.domain.get(i) {
                Some((lo, hi)) => write!(f, "{input} in [{lo}, {hi}]")?,
                None => f.write_str(input)?,
            }
        }
        write!(
            f,
            ") = {}: {}, {}, λ = {}",
            self.target_text(),
            self.structure,
            self.quantization,
            self.lambda
        )?;
        let named = [
            ("r", self.r.map(u64::from)),
            ("t", self.t.map(u64::from)),
            ("n", self.n.map(u64::from)),
            ("N", self.grid.map(u64::from)),
            ("T", self.intervals),
            ("m", self.cells),
        ];
        for (name, value) in named {
            if let Some(v) = value {
                write!(f, ", {name} = {v}")?;
            }
        }
        write!(
            f,
            "; {} weights, depth {}, width {}, {} bits (honest {}); bound {} ≈ {:.3e}",
            self.weights,
            self.depth,
            self.width,
            self.bits,
            self.honest_bits,
            self.error_bound,
            self.error_bound
                .try_to_exact()
                .map_or(f64::NAN, |q| q.to_f64())
        )?;
        if f.alternate() {
            for p in self.parts {
                write!(
                    f,
                    "\n  {}: {} instance{}, {} units, {} weights, width {}, depth {}",
                    p.name,
                    p.instances,
                    if p.instances == 1 { "" } else { "s" },
                    p.units,
                    p.weights,
                    p.width,
                    p.depth
                )?;
            }
        }
        Ok(())
    }
}
