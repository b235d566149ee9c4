//! Size metrics of a network: weights, biases, units, depth, width, and
//! storage in bits, overall and per block kind.
//!
//! Levels: an input unit has level 0; a hidden unit has level
//! `1 + max(level of its sources)`, so a constant unit (no sources) has
//! level 1; the output's level is the **depth**. Constant chains are thus
//! counted: a layered network would have to carry them through its layers
//! too. **Width** is the largest number of hidden units on one level.

use std::collections::BTreeMap;

use num_traits::Zero;

use crate::net::{BlockId, Net, UnitKind};
use crate::rational;

/// Size and storage of one network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metrics {
    /// number of edges, output edges included
    pub weights: usize,
    /// number of units (hidden and output) with a nonzero bias
    pub nonzero_biases: usize,
    /// number of hidden (ReLU) units
    pub units: usize,
    /// level of the output unit (module docs)
    pub depth: usize,
    /// largest number of hidden units on one level
    pub width: usize,
    /// `weights · ⌈log2 λ⌉`, the paper's storage measure (Section 3)
    pub bits: u64,
    /// every bit a decoder needs, see [`honest_bits`]
    pub honest_bits: u64,
    /// per block kind, in order of first appearance
    pub blocks: Vec<BlockMetrics>,
}

/// Size of the units of one block kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockMetrics {
    /// block kind (`"square.tent"`)
    pub name: String,
    /// hidden units in all instances
    pub units: usize,
    /// edges entering those units (the output's edges count as `"output"`)
    pub weights: usize,
    /// largest level span of one instance
    pub depth: usize,
    /// largest number of units of one instance on one level
    pub width: usize,
}

/// The level of every unit and of the output (module docs).
pub fn levels(net: &Net) -> (Vec<usize>, usize) {
    let mut level = vec![0usize; net.units.len()];
    for (i, u) in net.units.iter().enumerate() {
        if let UnitKind::Relu { inputs, .. } = &u.kind {
            level[i] = 1 + inputs.iter().map(|e| level[e.src]).max().unwrap_or(0);
        }
    }
    let out = 1 + net
        .output
        .inputs
        .iter()
        .map(|e| level[e.src])
        .max()
        .unwrap_or(0);
    (level, out)
}

/// Honest storage: for each edge its weight index (`⌈log2 λ⌉`) and its
/// source index (`⌈log2 (#inputs + #hidden)⌉`); for each hidden or output
/// unit its bias code (`⌈log2 (λ+1)⌉`: a codebook value or zero) and its
/// in-degree (`⌈log2 (max in-degree + 1)⌉`) — a CSR encoding of the DAG. The
/// codebook itself (λ powers of two) is not counted, as in the paper.
pub fn honest_bits(net: &Net) -> u64 {
    let weight_bits = u64::from(net.codebook.index_bits());
    let src_bits = u64::from(rational::ceil_log2(net.units.len() as u64));
    let bias_bits = u64::from(net.codebook.bias_bits());
    let max_deg = net
        .hidden()
        .map(|(_, _, e)| e.len())
        .chain(std::iter::once(net.output.inputs.len()))
        .max()
        .unwrap_or(0);
    let deg_bits = u64::from(rational::ceil_log2(max_deg as u64 + 1));
    let edges = net.hidden().map(|(_, _, e)| e.len()).sum::<usize>() + net.output.inputs.len();
    let receivers = net.hidden().count() + 1;
    edges as u64 * (weight_bits + src_bits) + receivers as u64 * (bias_bits + deg_bits)
}

/// Whether block `b` is `ancestor` or nested in it.
fn within(net: &Net, mut b: BlockId, ancestor: BlockId) -> bool {
    loop {
        if b == ancestor {
            return true;
        }
        match net.blocks[b].parent {
            Some(p) => b = p,
            None => return false,
        }
    }
}

/// The size of one block instance *with its nested blocks* (a ×′ block
/// holds three squaring blocks): hidden units, the edges entering them,
/// the level span and the largest number of its units on one level.
/// Shared units built elsewhere (the constant chain) are not counted.
pub fn instance(net: &Net, block: BlockId) -> BlockMetrics {
    let (level, _) = levels(net);
    let mut m = BlockMetrics {
        name: net.blocks[block].kind.clone(),
        units: 0,
        weights: 0,
        depth: 0,
        width: 0,
    };
    let mut count: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, _, edges) in net.hidden() {
        if within(net, net.units[i].block, block) {
            m.units += 1;
            m.weights += edges.len();
            *count.entry(level[i]).or_default() += 1;
        }
    }
    if let (Some(lo), Some(hi)) = (count.keys().next(), count.keys().next_back()) {
        m.depth = hi - lo + 1;
    }
    m.width = count.values().copied().max().unwrap_or(0);
    m
}

/// The instances of block kind `kind`, in order, each measured by
/// [`instance`].
pub fn instances(net: &Net, kind: &str) -> Vec<BlockMetrics> {
    (0..net.blocks.len())
        .filter(|&b| net.blocks[b].kind == kind)
        .map(|b| instance(net, b))
        .collect()
}

/// All metrics of `net`.
pub fn metrics(net: &Net) -> Metrics {
    let (level, depth) = levels(net);
    let weights = net.hidden().map(|(_, _, e)| e.len()).sum::<usize>() + net.output.inputs.len();
    let nonzero_biases = net.hidden().filter(|(_, b, _)| !b.is_zero()).count()
        + usize::from(!net.output.bias.is_zero());
    let units = net.hidden().count();
    let mut per_level: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, _, _) in net.hidden() {
        *per_level.entry(level[i]).or_default() += 1;
    }
    let width = per_level.values().copied().max().unwrap_or(0);
    let bits = weights as u64 * u64::from(net.codebook.index_bits());

    // per block kind: totals, and the largest instance's level span and width
    let mut order: Vec<String> = Vec::new();
    let mut totals: BTreeMap<String, BlockMetrics> = BTreeMap::new();
    let mut instances: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, _, edges) in net.hidden() {
        let b = net.units[i].block;
        let kind = net.blocks[b].kind.clone();
        if !totals.contains_key(&kind) {
            order.push(kind.clone());
        }
        let m = totals.entry(kind.clone()).or_insert(BlockMetrics {
            name: kind,
            units: 0,
            weights: 0,
            depth: 0,
            width: 0,
        });
        m.units += 1;
        m.weights += edges.len();
        instances.entry(b).or_default().push(level[i]);
    }
    for (b, lv) in instances {
        let kind = &net.blocks[b].kind;
        let lo = *lv.iter().min().unwrap_or(&0);
        let hi = *lv.iter().max().unwrap_or(&0);
        let mut count: BTreeMap<usize, usize> = BTreeMap::new();
        for l in &lv {
            *count.entry(*l).or_default() += 1;
        }
        let m = totals.get_mut(kind).expect("kind recorded above");
        m.depth = m.depth.max(hi - lo + 1);
        m.width = m.width.max(count.values().copied().max().unwrap_or(0));
    }
    let mut blocks: Vec<BlockMetrics> = order
        .into_iter()
        .filter_map(|k| totals.remove(&k))
        .collect();
    blocks.push(BlockMetrics {
        name: "output".to_owned(),
        units: 1,
        weights: net.output.inputs.len(),
        depth: 1,
        width: 1,
    });
    Metrics {
        weights,
        nonzero_biases,
        units,
        depth,
        width,
        bits,
        honest_bits: honest_bits(net),
        blocks,
    }
}
