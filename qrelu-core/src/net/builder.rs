//! [`NetBuilder`]: the one way to make a [`Net`], unit by unit, refusing
//! every weight outside the codebook (module docs of [`crate::net`]) —
//! or, inside [`count_weights`], a dry run that only counts what it is
//! asked to make (the size guard's estimate).

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use num_traits::Zero;

use super::{Block, BlockId, Edge, LinearForm, Net, Output, Part, Unit, UnitId, UnitKind};
use crate::error::CoreError;
use crate::quantize::Codebook;
use crate::rational::Rational;

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
    /// `Some` for a dry run ([`count_weights`]): units are counted, not
    /// stored
    dry: Option<Dry>,
}

/// What a dry-run builder keeps instead of its hidden units.
#[derive(Debug, Clone, Copy)]
struct Dry {
    /// hidden units made so far (their ids follow the inputs)
    units: usize,
    /// weights (edges) made so far, the output's included at `finish`
    weights: u64,
    /// the count past which the run stops
    cap: u64,
}

/// The state of the dry run in progress on this thread, if any.
#[derive(Clone, Copy)]
struct DryRun {
    cap: u64,
    /// the weights of the builder finished last
    finished: Option<u64>,
    /// builders finished
    builders: u32,
    /// the cap was passed
    over: bool,
}

thread_local! {
    static DRY_RUN: Cell<Option<DryRun>> = const { Cell::new(None) };
}

/// What [`count_weights`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Count {
    /// the builder made exactly this many weights
    Exact(u64),
    /// more than the cap: the run stopped there
    Over,
}

/// Runs `build` as a **dry run**: every [`NetBuilder`] made on this thread
/// while it runs counts the units and weights it is asked for instead of
/// storing them (no edge is kept, no weight is checked against the
/// codebook), and stops with an error as soon as it has made more than
/// `cap` weights. Returns the weights of the one network `build` finished
/// — exactly those the same `build` makes when it is not a dry run, as
/// long as `build` is deterministic and decides nothing from the units it
/// made (the constructions never read a unit back: they keep forms of
/// unit ids) — or [`Count::Over`].
///
/// # Errors
/// Those of `build`; an internal error when `build` finished no network
/// or more than one (a dry run counts one network).
pub(crate) fn count_weights<T>(
    cap: u64,
    build: impl FnOnce() -> Result<T, CoreError>,
) -> Result<Count, CoreError> {
    /// Puts back the state of the enclosing run, if any, however `build`
    /// ends (a panic caught further up must not leave later builders dry).
    struct Restore(Option<DryRun>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DRY_RUN.with(|d| d.set(self.0));
        }
    }
    let restore = Restore(DRY_RUN.with(|d| {
        d.replace(Some(DryRun {
            cap,
            finished: None,
            builders: 0,
            over: false,
        }))
    }));
    let result = build();
    let run = DRY_RUN.with(Cell::get);
    drop(restore);
    let run = run.ok_or_else(|| crate::construct::internal("a dry run without its state"))?;
    if run.over {
        return Ok(Count::Over);
    }
    result?;
    match (run.builders, run.finished) {
        (1, Some(w)) => Ok(Count::Exact(w)),
        _ => Err(crate::construct::internal(
            "a dry run must finish exactly one network",
        )),
    }
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
            dry: DRY_RUN.with(Cell::get).map(|run| Dry {
                units: 0,
                weights: 0,
                cap: run.cap,
            }),
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
    pub(crate) fn begin_part(&mut self, part: Part) -> BlockId {
        self.open(part.kind(), None)
    }

    /// Opens block `block` again (an instance opened before, typically a
    /// part): units added until the matching [`end_block`](Self::end_block)
    /// belong to it. An unknown id is ignored (units go to the block open
    /// now), and `end_block` still closes it.
    pub(crate) fn reopen(&mut self, block: BlockId) {
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
    pub(crate) fn in_part<T>(
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
    pub(crate) fn in_constants<T>(
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

    /// Makes the constants instance of `in_constants`
    /// an instance of `part` instead of B_N (Table 2's B_T for
    /// `structure = lipschitz`). Call it before the first constant unit;
    /// afterwards it changes nothing.
    pub(crate) fn set_constants_part(&mut self, part: Part) {
        self.constants_part = part;
    }

    fn open(&mut self, kind: &str, parent: Option<BlockId>) -> BlockId {
        if self.dry.is_some() {
            // a dry run keeps no blocks: its units go nowhere
            self.block_stack.push(0);
            return 0;
        }
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
        if let Some(dry) = &mut self.dry {
            let id = self.net.units.len() + dry.units;
            dry.units += 1;
            dry.weights += edges.len() as u64;
            if dry.weights > dry.cap {
                return Err(over_cap());
            }
            return Ok(id);
        }
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
    /// asks first, `in_constants`): `K_1 = relu(1/2)` and
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
    pub(crate) fn pow2_const_in(&mut self, part: Part, j: u32) -> Result<UnitId, CoreError> {
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
        if let Some(dry) = self.dry {
            // a dry run's network is its inputs alone; the count is the run's
            let weights = dry.weights + form.terms.len() as u64;
            if weights > dry.cap {
                return Err(over_cap());
            }
            DRY_RUN.with(|d| {
                d.set(d.get().map(|run| DryRun {
                    finished: Some(weights),
                    builders: run.builders + 1,
                    ..run
                }))
            });
            return Ok(self.net);
        }
        if !self.net.codebook.allows_bias(&bias) {
            return Err(CoreError::BiasNotInCodebook { unit: None, bias });
        }
        let inputs = self.check_edges(None, &form.terms)?;
        self.net.output = Output { bias, inputs };
        Ok(self.net)
    }
}

/// Marks the dry run in progress as over its cap, and the error that
/// stops the build.
fn over_cap() -> CoreError {
    DRY_RUN.with(|d| d.set(d.get().map(|run| DryRun { over: true, ..run })));
    crate::construct::internal("a dry run passed its cap")
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
