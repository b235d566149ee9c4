//! The network IR: a DAG of units in topological order (SPEC §3).
//!
//! Input units come first, then hidden units `u = relu(b + Σ w·src)`, then
//! one linear output unit `y = b + Σ w·src`. Every unit belongs to a
//! [`Block`] (an instance of a gadget such as one tent step of f_s^r); blocks
//! give the generated code its names and its function boundaries, and give
//! `NetInfo` its per-block accounting.
//!
//! # Parts: the blocks of Table 1
//!
//! Above the gadget blocks sit **parts**, the blocks of the paper's Table 1
//! (Section 4.3): B_w, B_N, B_abs, B_s, B_h and B_×′ ([`Part`]). A part
//! instance is a block of kind [`Part::kind`] that is always a *root* of
//! the block forest (its `parent` is `None`, whatever is open when it
//! starts); the gadget blocks opened inside it nest under it as before, so
//! the per-kind accounting and the generated names do not change. A unit
//! belongs to the part at the root of its block's ancestry, so it belongs
//! to at most one part, and a part opened while another is open (the gates
//! a ×′ needs, the constants a square needs) takes the units built until
//! it closes — *the part open when a unit is built owns it*. A part
//! instance may be reopened ([`NetBuilder::reopen`]): the builder keeps
//! one B_N instance for every constant unit ([`NetBuilder::in_constants`]),
//! and a signal keeps one B_abs instance for its gates.
//!
//! Networks are only made by [`NetBuilder`], which *refuses* (returns a
//! [`CoreError`], never panics on user data) any edge weight outside the
//! codebook, any bias outside codebook ∪ {0}, any edge from a unit that does
//! not exist yet and any repeated edge between the same two units.

use std::collections::{HashMap, HashSet};

use num_traits::Zero;

use crate::error::CoreError;
use crate::quantize::Codebook;
use crate::rational::Rational;

/// Index of a unit in [`Net::units`].
pub type UnitId = usize;

/// Index of a block in [`Net::blocks`].
pub type BlockId = usize;

/// One weighted connection `src → unit`.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// the source unit (always smaller than the unit the edge enters)
    pub src: UnitId,
    /// the weight, a codebook value
    pub weight: Rational,
}

/// What a unit computes.
#[derive(Clone, Debug, PartialEq)]
pub enum UnitKind {
    /// The `index`-th network input.
    Input {
        /// position among the inputs
        index: usize,
    },
    /// `relu(bias + Σ weight·src)`.
    Relu {
        /// zero or a codebook value
        bias: Rational,
        /// incoming edges, in the order they are summed
        inputs: Vec<Edge>,
    },
}

/// A unit of the network.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// input or ReLU
    pub kind: UnitKind,
    /// the block instance it belongs to
    pub block: BlockId,
    /// its role inside the block (`"a"`, `"b"`, `"k3"`, …), used in names
    pub role: String,
}

/// The linear output unit `bias + Σ weight·src`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Output {
    /// zero or a codebook value
    pub bias: Rational,
    /// incoming edges, in the order they are summed
    pub inputs: Vec<Edge>,
}

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

/// A strict-codebook ReLU network.
#[derive(Clone, Debug, PartialEq)]
pub struct Net {
    /// input names, in order
    pub inputs: Vec<String>,
    /// the codebook every weight is drawn from
    pub codebook: Codebook,
    /// all units: inputs first, then hidden units, topologically ordered
    pub units: Vec<Unit>,
    /// the linear output unit
    pub output: Output,
    /// block instances
    pub blocks: Vec<Block>,
}

impl Net {
    /// Number of inputs.
    pub fn dim(&self) -> usize {
        self.inputs.len()
    }

    /// The dead-unit pass: removes every hidden unit from which no path
    /// reaches the output (a constant chain longer than any reader, a gate
    /// whose product was pruned), renumbering the rest in order, so the
    /// units stay topological and the network computes the same function.
    /// Inputs stay, used or not; blocks stay as opened (an instance may be
    /// left without units, as a B_w instance may be already). Returns how
    /// many units it removed.
    ///
    /// ```
    /// use qrelu_core::{Codebook, NetBuilder, net::LinearForm, rational::ratio};
    /// let mut b = NetBuilder::new(Codebook::nonlinear(2, 1).unwrap(), &["x".to_owned()]);
    /// let used = b.relu("a", ratio(0, 1), &[(0, ratio(1, 2))]).unwrap();
    /// b.relu("dead", ratio(1, 2), &[]).unwrap();
    /// let mut form = LinearForm::default();
    /// form.push(used, ratio(1, 2));
    /// let mut net = b.finish(ratio(0, 1), &form).unwrap();
    /// assert_eq!(net.remove_dead_units(), 1);
    /// assert_eq!(net.units.len(), 2);
    /// assert_eq!(qrelu_core::eval::eval(&net, &[ratio(1, 1)]), ratio(1, 4));
    /// ```
    pub fn remove_dead_units(&mut self) -> usize {
        let n = self.units.len();
        let mut live = vec![false; n];
        for e in &self.output.inputs {
            live[e.src] = true;
        }
        // sources precede their readers: one backward sweep finds them all
        for i in (0..n).rev() {
            match &self.units[i].kind {
                UnitKind::Input { .. } => live[i] = true,
                UnitKind::Relu { inputs, .. } if live[i] => {
                    for e in inputs {
                        live[e.src] = true;
                    }
                }
                UnitKind::Relu { .. } => {}
            }
        }
        let mut map = vec![0; n];
        let mut next = 0;
        for (i, &l) in live.iter().enumerate() {
            map[i] = next;
            next += usize::from(l);
        }
        let removed = n - next;
        if removed == 0 {
            return 0;
        }
        let units = std::mem::take(&mut self.units);
        self.units = units
            .into_iter()
            .zip(&live)
            .filter(|(_, l)| **l)
            .map(|(mut u, _)| {
                if let UnitKind::Relu { inputs, .. } = &mut u.kind {
                    for e in inputs {
                        e.src = map[e.src];
                    }
                }
                u
            })
            .collect();
        for e in &mut self.output.inputs {
            e.src = map[e.src];
        }
        removed
    }

    /// The hidden (ReLU) units with their ids.
    pub fn hidden(&self) -> impl Iterator<Item = (UnitId, &Rational, &[Edge])> {
        self.units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| match &u.kind {
                UnitKind::Relu { bias, inputs } => Some((i, bias, inputs.as_slice())),
                UnitKind::Input { .. } => None,
            })
    }

    /// The part instance (a root block whose kind is a [`Part`]) that block
    /// `b` lies in, if any (module docs).
    pub fn part_block(&self, mut b: BlockId) -> Option<BlockId> {
        while let Some(p) = self.blocks[b].parent {
            b = p;
        }
        self.blocks[b].part().map(|_| b)
    }

    /// The part unit `u` belongs to, if any.
    pub fn part_of(&self, u: UnitId) -> Option<Part> {
        self.part_block(self.units[u].block)
            .and_then(|b| self.blocks[b].part())
    }

    /// Every edge weight and every bias, output included (for checks).
    pub fn parameters(&self) -> impl Iterator<Item = (&'static str, &Rational)> {
        self.hidden()
            .flat_map(|(_, b, e)| {
                std::iter::once(("bias", b)).chain(e.iter().map(|e| ("weight", &e.weight)))
            })
            .chain(std::iter::once(("bias", &self.output.bias)))
            .chain(self.output.inputs.iter().map(|e| ("weight", &e.weight)))
    }
}

/// A linear combination `Σ coef·unit` of units, not yet wired into a unit.
/// Gadgets return their result in this form; the consumer (a ReLU unit or
/// the output) turns each term into one edge, so every coefficient must be
/// a codebook value by then.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LinearForm {
    /// `(unit, coefficient)` terms, summed in this order
    pub terms: Vec<(UnitId, Rational)>,
}

impl LinearForm {
    /// The form `Σ ½·unit` (every gadget's favourite).
    pub fn halves(units: &[UnitId]) -> Self {
        let half = crate::rational::ratio(1, 2);
        LinearForm {
            terms: units.iter().map(|&u| (u, half.clone())).collect(),
        }
    }

    /// Appends `coef·unit`.
    pub fn push(&mut self, unit: UnitId, coef: Rational) {
        self.terms.push((unit, coef));
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the form has no term (it is worth 0).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// `−form`.
    pub fn negated(&self) -> LinearForm {
        LinearForm {
            terms: self.terms.iter().map(|(u, c)| (*u, -c)).collect(),
        }
    }

    /// Adds `±other` (`negate` picks the sign), merging terms on the same
    /// unit: coefficients are summed (a zero sum drops the term) and the
    /// order of first appearance is kept. The merged coefficient may fall
    /// outside the codebook; the builder refuses it when the form is used.
    pub fn add(&mut self, other: &LinearForm, negate: bool) {
        let mut index: HashMap<UnitId, usize> = self
            .terms
            .iter()
            .enumerate()
            .map(|(i, (u, _))| (*u, i))
            .collect();
        for (u, c) in &other.terms {
            let c = if negate { -c } else { c.clone() };
            match index.get(u) {
                Some(&i) => self.terms[i].1 += c,
                None => {
                    index.insert(*u, self.terms.len());
                    self.terms.push((*u, c));
                }
            }
        }
        self.terms.retain(|(_, c)| !c.is_zero());
    }
}

/// Builds a [`Net`] unit by unit, enforcing the strict codebook model.
#[derive(Debug)]
pub struct NetBuilder {
    net: Net,
    block_stack: Vec<BlockId>,
    /// `pow2_chain[j-1]` is a constant unit of value 2^−j
    pow2_chain: Vec<UnitId>,
    /// instances opened so far, per block kind (keeps `begin_block` O(1))
    instances: HashMap<String, usize>,
    /// the one constants instance, once opened
    constants: Option<BlockId>,
    /// the part that instance is: B_N, or B_T for Table 2
    constants_part: Part,
}

impl NetBuilder {
    /// A builder with one input unit per name (in block `"input"`).
    pub fn new(codebook: Codebook, inputs: &[String]) -> Self {
        let mut net = Net {
            inputs: inputs.to_vec(),
            codebook,
            units: Vec::new(),
            output: Output::default(),
            blocks: Vec::new(),
        };
        net.blocks.push(Block {
            kind: "input".to_owned(),
            instance: 1,
            parent: None,
        });
        for (index, name) in inputs.iter().enumerate() {
            net.units.push(Unit {
                kind: UnitKind::Input { index },
                block: 0,
                role: name.clone(),
            });
        }
        NetBuilder {
            net,
            block_stack: vec![0],
            pow2_chain: Vec::new(),
            instances: HashMap::new(),
            constants: None,
            constants_part: Part::Constants,
        }
    }

    /// The codebook in force.
    pub fn codebook(&self) -> &Codebook {
        &self.net.codebook
    }

    /// The id of input `i`.
    pub fn input(&self, i: usize) -> UnitId {
        i
    }

    /// Opens a new instance of block `kind`; units added until the matching
    /// [`end_block`](Self::end_block) belong to it.
    pub fn begin_block(&mut self, kind: &str) -> BlockId {
        let parent = self.block_stack.last().copied().filter(|&b| b != 0);
        self.open(kind, parent)
    }

    /// Opens a new instance of the Table 1 block `part` as a root block
    /// (module docs): units added until the matching
    /// [`end_block`](Self::end_block) belong to it, whatever part or block
    /// was open before.
    pub fn begin_part(&mut self, part: Part) -> BlockId {
        self.open(part.kind(), None)
    }

    /// Opens block `block` again (an instance opened before, typically a
    /// part): units added until the matching [`end_block`](Self::end_block)
    /// belong to it. An unknown id is ignored (units go to the block open
    /// now), and `end_block` still closes it.
    pub fn reopen(&mut self, block: BlockId) {
        let top = self.block_stack.last().copied().unwrap_or(0);
        self.block_stack.push(if block < self.net.blocks.len() {
            block
        } else {
            top
        });
    }

    /// Runs `build` inside a new instance of `part`, closing it afterwards
    /// even on error.
    ///
    /// # Errors
    /// Those of `build`.
    pub fn in_part<T>(
        &mut self,
        part: Part,
        build: impl FnOnce(&mut Self) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.begin_part(part);
        let result = build(self);
        self.end_block();
        result
    }

    /// Runs `build` inside the network's one B_N instance ([`Part::Constants`],
    /// opened on first use): every unit whose value does not depend on the
    /// input is built this way.
    ///
    /// # Errors
    /// Those of `build`.
    pub fn in_constants<T>(
        &mut self,
        build: impl FnOnce(&mut Self) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        match self.constants {
            Some(id) => self.reopen(id),
            None => self.constants = Some(self.begin_part(self.constants_part)),
        }
        let result = build(self);
        self.end_block();
        result
    }

    /// Makes the constants instance of [`in_constants`](Self::in_constants)
    /// an instance of `part` instead of B_N (Table 2's B_T for
    /// `structure = lipschitz`). Call it before the first constant unit;
    /// afterwards it changes nothing.
    pub fn set_constants_part(&mut self, part: Part) {
        self.constants_part = part;
    }

    fn open(&mut self, kind: &str, parent: Option<BlockId>) -> BlockId {
        let count = self.instances.entry(kind.to_owned()).or_default();
        *count += 1;
        let instance = *count;
        self.net.blocks.push(Block {
            kind: kind.to_owned(),
            instance,
            parent,
        });
        let id = self.net.blocks.len() - 1;
        self.block_stack.push(id);
        id
    }

    /// Closes the innermost open block.
    pub fn end_block(&mut self) {
        if self.block_stack.len() > 1 {
            self.block_stack.pop();
        }
    }

    fn check_edges(
        &self,
        unit: Option<UnitId>,
        edges: &[(UnitId, Rational)],
    ) -> Result<Vec<Edge>, CoreError> {
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(edges.len());
        for (src, w) in edges {
            if *src >= self.net.units.len() {
                return Err(CoreError::UnknownSource { unit, source: *src });
            }
            if !seen.insert(*src) {
                return Err(CoreError::DuplicateEdge { unit, source: *src });
            }
            if !self.net.codebook.contains(w) {
                return Err(CoreError::WeightNotInCodebook {
                    unit,
                    weight: w.clone(),
                });
            }
            out.push(Edge {
                src: *src,
                weight: w.clone(),
            });
        }
        Ok(out)
    }

    /// Adds `relu(bias + Σ w·src)` with the given role name.
    ///
    /// # Errors
    /// A weight outside the codebook, a bias outside codebook ∪ {0}, a
    /// source that does not exist, or the same source twice.
    pub fn relu(
        &mut self,
        role: &str,
        bias: Rational,
        edges: &[(UnitId, Rational)],
    ) -> Result<UnitId, CoreError> {
        let id = self.net.units.len();
        if !self.net.codebook.allows_bias(&bias) {
            return Err(CoreError::BiasNotInCodebook {
                unit: Some(id),
                bias,
            });
        }
        let inputs = self.check_edges(Some(id), edges)?;
        let block = *self.block_stack.last().unwrap_or(&0);
        self.net.units.push(Unit {
            kind: UnitKind::Relu { bias, inputs },
            block,
            role: role.to_owned(),
        });
        Ok(id)
    }

    /// A constant unit of value 2^−j (j ≥ 1), from one chain shared by every
    /// gadget of the net, in block `"const"` of the B_N part (whatever part
    /// asks first, [`in_constants`](Self::in_constants)): `K_1 = relu(1/2)` and
    /// `K_j = relu(2^−c·K_{j−c})` with `c` the largest exponent of a positive
    /// codebook value `2^−c` (1, b, b², … of eq. 9) with `c ≤ j − 1`. One
    /// unit and one weight per power; `K_j` sits on level `1 + s(j − 1)`
    /// where `s` is the greedy radix-b digit sum (for λ = 2, `c = 1` and
    /// `K_j` is on level `j`).
    ///
    /// # Errors
    /// Never for a codebook holding 1/2 (every codebook does); the `Result`
    /// is the builder's.
    pub fn pow2_const(&mut self, j: u32) -> Result<UnitId, CoreError> {
        let j = j.max(1) as usize;
        if self.pow2_chain.len() < j {
            self.in_constants(|b| b.extend_pow2_chain(j))?;
        }
        Ok(self.pow2_chain[j - 1])
    }

    /// [`pow2_const`](Self::pow2_const), except that the units it adds to
    /// the chain go to a new instance of `part` instead of the constants
    /// instance — for a construction that attributes stretches of the one
    /// chain to different parts (Table 2's B_T, B_δ, B_m).
    ///
    /// # Errors
    /// As [`pow2_const`](Self::pow2_const).
    pub fn pow2_const_in(&mut self, part: Part, j: u32) -> Result<UnitId, CoreError> {
        let j = j.max(1) as usize;
        if self.pow2_chain.len() < j {
            self.in_part(part, |b| b.extend_pow2_chain(j))?;
        }
        Ok(self.pow2_chain[j - 1])
    }

    /// Builds `K_1..K_j` where missing, in one `"const"` block.
    fn extend_pow2_chain(&mut self, j: usize) -> Result<(), CoreError> {
        let half = crate::rational::ratio(1, 2);
        let steps = self.net.codebook.halving_exponents();
        self.begin_block("const");
        let result = (|| {
            while self.pow2_chain.len() < j {
                let next = self.pow2_chain.len() + 1;
                let role = format!("k{next}");
                let id = if next == 1 {
                    self.relu(&role, half.clone(), &[])?
                } else {
                    let c = steps
                        .iter()
                        .copied()
                        .filter(|&c| c < next as u64)
                        .max()
                        .unwrap_or(1);
                    let parent = self.pow2_chain[next - 1 - c as usize];
                    let weight = crate::rational::pow2(-(c as i64));
                    self.relu(&role, Rational::zero(), &[(parent, weight)])?
                };
                self.pow2_chain.push(id);
            }
            Ok(())
        })();
        self.end_block();
        result
    }

    /// Finishes the network with the output `bias + form`.
    ///
    /// # Errors
    /// As for [`relu`](Self::relu), for the output unit.
    pub fn finish(mut self, bias: Rational, form: &LinearForm) -> Result<Net, CoreError> {
        if !self.net.codebook.allows_bias(&bias) {
            return Err(CoreError::BiasNotInCodebook { unit: None, bias });
        }
        let inputs = self.check_edges(None, &form.terms)?;
        self.net.output = Output { bias, inputs };
        Ok(self.net)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::{int, ratio};

    fn builder() -> NetBuilder {
        NetBuilder::new(Codebook::nonlinear(2, 4).unwrap(), &["x".to_owned()])
    }

    #[test]
    fn refuses_weights_and_biases_outside_the_codebook() {
        let mut b = builder();
        assert!(matches!(
            b.relu("u", int(0), &[(0, int(1))]),
            Err(CoreError::WeightNotInCodebook { .. })
        ));
        assert!(matches!(
            b.relu("u", ratio(1, 4), &[(0, ratio(1, 2))]),
            Err(CoreError::BiasNotInCodebook { .. })
        ));
        assert!(matches!(
            b.relu("u", int(0), &[(5, ratio(1, 2))]),
            Err(CoreError::UnknownSource { .. })
        ));
        assert!(matches!(
            b.relu("u", int(0), &[(0, ratio(1, 2)), (0, ratio(1, 2))]),
            Err(CoreError::DuplicateEdge { .. })
        ));
        let u = b.relu("u", ratio(-1, 2), &[(0, ratio(1, 2))]).unwrap();
        let mut form = LinearForm::default();
        form.push(u, int(2));
        assert!(matches!(
            b.finish(int(0), &form),
            Err(CoreError::WeightNotInCodebook { unit: None, .. })
        ));
    }

    #[test]
    fn pow2_chain_is_shared_and_exact() {
        let mut b = builder();
        let k3 = b.pow2_const(3).unwrap();
        let k1 = b.pow2_const(1).unwrap();
        assert_eq!(b.pow2_const(3).unwrap(), k3);
        let net = b
            .finish(
                int(0),
                &LinearForm {
                    terms: vec![(k3, ratio(1, 2))],
                },
            )
            .unwrap();
        assert_eq!(net.units.len(), 4);
        assert_eq!(k1, 1);
        assert_eq!(crate::eval::eval(&net, &[int(0)]), ratio(1, 16));
    }
}
