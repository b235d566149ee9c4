//! Blocks and parts: what every unit of a network belongs to. A [`Block`]
//! is an instance of a gadget (one tent step of f_s^r); a [`Part`] is a
//! block of the paper's Table 1 or Table 2 (module docs of [`crate::net`]).

use super::BlockId;

/// An instance of a gadget.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// the gadget kind, dotted (`"square.tent"`, `"const"`, `"input"`)
    pub kind: String,
    /// instance number among blocks of the same kind, from 1
    pub instance: usize,
    /// the enclosing block, if nested
    pub parent: Option<BlockId>,
}

impl Block {
    /// The Table 1 part this block is an instance of, if it is a part block
    /// (module docs).
    pub fn part(&self) -> Option<Part> {
        Part::from_kind(&self.kind)
    }

    /// A short identifier-friendly name: last kind segment plus instance
    /// (`tent3`).
    pub fn short_name(&self) -> String {
        let last = self.kind.rsplit('.').next().unwrap_or(&self.kind);
        format!("{}{}", last, self.instance)
    }
}

/// A block of the paper's Table 1 (Section 4.3, Fig. 2): what a part of
/// Theorem 1's network is for. Each is a block kind ([`Part::kind`]); see
/// the module docs for how units are attributed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// B_w, "construct weights": the weight sub-networks of Prop. 3 that
    /// realise the coefficients β (eq. 17) — trie nodes, doubling ladders
    /// and the copies their integer parts read.
    Weights,
    /// B_N, "construct 1/N, …, (N−1)/N": every unit whose value does not
    /// depend on the input — the σ(½) chain and its multiples 3m/2 (the
    /// offsets), `U = 1`, the constants `K_j = 2^−j` of f_s^r and the
    /// constant term of a direct polynomial.
    Constants,
    /// B_abs, "get absolute values": the gates `σ(±s)` of a signal
    /// (`|s| = P + N`) and the copies the sums and |·| read.
    Abs,
    /// B_s, "scale by 3N": the gate `σ(½x)` of an input and its multiple
    /// `3N·x/2` (copies or the doubling ladder).
    Scale,
    /// B_h, "implement h(x)": the four units of one bump `h` (eq. 12).
    Bump,
    /// B_×′, "implement ×′(x, y)": the three f_s^r of one product (eq. 7),
    /// or the one f_s^r of a square.
    Mul,
    /// B_T of Table 2 (Section 5), "construct 1, 2, …, T": the constant
    /// units of `structure = lipschitz` — the chain `K_k = 2^−k` the
    /// breakpoints `i/T` are read from, and f̃(0).
    Knots,
    /// B_f^T of Table 2, "implement f^T(x)": the units
    /// `σ(½x − ½·i/T) = ½σ(x − i/T)` of the piecewise-linear interpolant.
    Interp,
    /// B_δ of Table 2, "construct δ": the constants `K_k = 2^−k` of the
    /// chain past the breakpoints' digits, down to `δ/T` (the width of a
    /// ramp of Φ).
    Delta,
    /// B_m of Table 2, "construct 1/m, …, (m−1)/m": the constants of the
    /// chain past `δ/T`, from which the cell offsets `k/m` and the cached
    /// functions' constants are read.
    Cells,
    /// B_Φ of Table 2, "implement Φ(x)": the ramp units at the ends of
    /// every run of intervals sharing a cached function and the masks
    /// `V_j = ½S·Ψ_j` that sum them.
    Mask,
    /// B_s1 of Table 2, "scale by T": the tent iterates that fold `x` into
    /// the local coordinate `w` (a triangle wave with T pieces) and the
    /// scaling of `w` up to the scale of the cached functions.
    ScaleUp,
    /// B_s2 of Table 2, "scale by 1/T": the halvings that bring `w` down to
    /// the scale of the cached functions and to `w/m`.
    ScaleDown,
    /// B_s3 of Table 2, "scale by 1/δ": the multiples that bring the
    /// selected cached functions back to the output's scale.
    ScaleBack,
    /// B_f*1 of Table 2, "first layer of f*": the cell units
    /// `H_k = S·σ(w − k/m)` and `A_k`, the local basis every cached
    /// function reads.
    Cache1,
    /// B_f*2 of Table 2, "second layer of f*": two masked units per cached
    /// function.
    Cache2,
    /// B_f*3 of Table 2, "third layer of f*": the sums of the masked units.
    Cache3,
}

impl Part {
    /// Every part, in the order of Table 1, then of Table 2.
    pub const ALL: [Part; 17] = [
        Part::Weights,
        Part::Constants,
        Part::Abs,
        Part::Scale,
        Part::Bump,
        Part::Mul,
        Part::Knots,
        Part::Delta,
        Part::Cells,
        Part::Interp,
        Part::Mask,
        Part::ScaleUp,
        Part::ScaleDown,
        Part::ScaleBack,
        Part::Cache1,
        Part::Cache2,
        Part::Cache3,
    ];

    /// The block kind of the part's instances, and its name in `NetInfo`:
    /// `"B_w"`, `"B_N"`, `"B_abs"`, `"B_s"`, `"B_h"`, `"B_mul"` (the
    /// paper's B_×′) of Table 1; `"B_T"`, `"B_delta"`, `"B_m"`, `"B_fT"`
    /// (B_f^T), `"B_Phi"`, `"B_s1"`, `"B_s2"`, `"B_s3"`, `"B_fstar1"`,
    /// `"B_fstar2"`, `"B_fstar3"` (B_f*1..3) of Table 2, whose B_f'' is
    /// the output.
    pub fn kind(self) -> &'static str {
        match self {
            Part::Weights => "B_w",
            Part::Constants => "B_N",
            Part::Abs => "B_abs",
            Part::Scale => "B_s",
            Part::Bump => "B_h",
            Part::Mul => "B_mul",
            Part::Knots => "B_T",
            Part::Interp => "B_fT",
            Part::Delta => "B_delta",
            Part::Cells => "B_m",
            Part::Mask => "B_Phi",
            Part::ScaleUp => "B_s1",
            Part::ScaleDown => "B_s2",
            Part::ScaleBack => "B_s3",
            Part::Cache1 => "B_fstar1",
            Part::Cache2 => "B_fstar2",
            Part::Cache3 => "B_fstar3",
        }
    }

    /// The part whose kind is `kind`, if any.
    pub fn from_kind(kind: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.kind() == kind)
    }
}
