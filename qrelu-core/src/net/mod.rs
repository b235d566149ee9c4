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
//! instance may be reopened (`NetBuilder::reopen`): the builder keeps
//! one B_N instance for every constant unit (`NetBuilder::in_constants`),
//! and a signal keeps one B_abs instance for its gates.
//!
//! Networks are only made by [`NetBuilder`], which *refuses* (returns a
//! [`CoreError`], never panics on user data) any edge weight outside the
//! codebook, any bias outside codebook ∪ {0}, any edge from a unit that does
//! not exist yet and any repeated edge between the same two units.

mod builder;
mod form;
mod part;

use crate::error::CoreError;
use crate::quantize::Codebook;
use crate::rational::Rational;

pub use builder::NetBuilder;
pub(crate) use builder::{Count, count_weights};
pub use form::{Affine, LinearForm};
pub use part::{Block, Part};

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

/// A strict-codebook ReLU network.
///
/// Its fields are private: a `Net` comes from [`NetBuilder`], which refuses
/// every weight outside the codebook and every bias outside codebook ∪ {0},
/// or from [`Net::requantized`], which checks the same against the new
/// codebook — so every `Net` keeps its codebook (SPEC §3).
#[derive(Clone, Debug, PartialEq)]
pub struct Net {
    /// input names, in order
    inputs: Vec<String>,
    /// the codebook every weight is drawn from
    codebook: Codebook,
    /// all units: inputs first, then hidden units, topologically ordered
    units: Vec<Unit>,
    /// the linear output unit
    output: Output,
    /// block instances
    blocks: Vec<Block>,
}

impl Net {
    /// Number of inputs.
    pub fn dim(&self) -> usize {
        self.inputs.len()
    }

    /// The input names, in order.
    pub fn inputs(&self) -> &[String] {
        &self.inputs
    }

    /// The codebook every weight (and every nonzero bias) is drawn from.
    pub fn codebook(&self) -> &Codebook {
        &self.codebook
    }

    /// Every unit: inputs first, then hidden units, in topological order
    /// (every edge's source precedes the unit it enters).
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The linear output unit.
    pub fn output(&self) -> &Output {
        &self.output
    }

    /// The block instances units belong to ([`Unit::block`]).
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The same network with every weight and bias replaced by `f` of it,
    /// drawn from `codebook` — how the uniform quantizer `Q_η` makes its
    /// networks ([`crate::quantize::uniform`]). Units, edges, blocks and
    /// names are kept.
    ///
    /// # Errors
    /// A new weight outside `codebook`, or a new bias outside codebook ∪
    /// {0} ([`CoreError::WeightNotInCodebook`],
    /// [`CoreError::BiasNotInCodebook`]): the result is strict, like every
    /// `Net`.
    pub fn requantized(
        &self,
        codebook: Codebook,
        mut f: impl FnMut(&Rational) -> Rational,
    ) -> Result<Net, CoreError> {
        let mut out = self.clone();
        out.codebook = codebook;
        let check_bias = |unit: Option<UnitId>, bias: Rational, cb: &Codebook| {
            if cb.allows_bias(&bias) {
                Ok(bias)
            } else {
                Err(CoreError::BiasNotInCodebook { unit, bias })
            }
        };
        let check_weight = |unit: Option<UnitId>, weight: Rational, cb: &Codebook| {
            if cb.contains(&weight) {
                Ok(weight)
            } else {
                Err(CoreError::WeightNotInCodebook { unit, weight })
            }
        };
        for (i, unit) in out.units.iter_mut().enumerate() {
            if let UnitKind::Relu { bias, inputs } = &mut unit.kind {
                *bias = check_bias(Some(i), f(bias), &out.codebook)?;
                for e in inputs {
                    e.weight = check_weight(Some(i), f(&e.weight), &out.codebook)?;
                }
            }
        }
        out.output.bias = check_bias(None, f(&out.output.bias), &out.codebook)?;
        for e in &mut out.output.inputs {
            e.weight = check_weight(None, f(&e.weight), &out.codebook)?;
        }
        Ok(out)
    }

    /// The dead-unit pass: removes every hidden unit from which no path
    /// reaches the output (a constant chain longer than any reader, a gate
    /// whose product was pruned), renumbering the rest in order, so the
    /// units stay topological and the network computes the same function.
    /// Inputs stay, used or not; blocks stay as opened (an instance may be
    /// left without units, as a B_w instance may be already). Returns how
    /// many units it removed.
    ///
    /// The pass [`crate::construct`] runs on every network it builds
    /// (`passes::remove_dead_units`); tests check it.
    pub(crate) fn remove_dead_units(&mut self) -> usize {
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
    pub(crate) fn part_block(&self, mut b: BlockId) -> Option<BlockId> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::ratio;

    fn one_live_one_dead() -> Net {
        let mut b = NetBuilder::new(Codebook::nonlinear(2, 1).unwrap(), &["x".to_owned()]);
        let used = b.relu("a", ratio(0, 1), &[(0, ratio(1, 2))]).unwrap();
        b.relu("dead", ratio(1, 2), &[]).unwrap();
        let mut form = LinearForm::default();
        form.push(used, ratio(1, 2));
        b.finish(ratio(0, 1), &form).unwrap()
    }

    #[test]
    fn dead_units_are_removed_and_the_function_kept() {
        let mut net = one_live_one_dead();
        assert_eq!(net.remove_dead_units(), 1);
        assert_eq!(net.units().len(), 2);
        assert_eq!(crate::eval::eval(&net, &[ratio(1, 1)]), ratio(1, 4));
        assert_eq!(net.remove_dead_units(), 0);
    }

    #[test]
    fn requantized_networks_stay_in_their_codebook() {
        let net = one_live_one_dead();
        let grid = Codebook::uniform(ratio(1, 4), ratio(1, 1)).unwrap();
        let doubled = net.requantized(grid.clone(), |v| v * ratio(2, 1)).unwrap();
        assert_eq!(doubled.codebook(), &grid);
        assert_eq!(crate::eval::eval(&doubled, &[ratio(1, 1)]), ratio(1, 1));
        // 3/2 is outside the grid's bound 1
        let err = net.requantized(grid, |v| v * ratio(3, 1)).unwrap_err();
        assert!(
            matches!(err, CoreError::WeightNotInCodebook { .. }),
            "{err}"
        );
    }
}
