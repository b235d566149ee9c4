//! Size metrics of a network: weights, biases, units, depth, width, and
//! storage in bits, overall, per block kind and per block of the paper's
//! Table 1 ([`parts`]).
//!
//! Levels: an input unit has level 0; a hidden unit has level
//! `1 + max(level of its sources)`, so a constant unit (no sources) has
//! level 1; the output's level is the **depth**. Constant chains are thus
//! counted: a layered network would have to carry them through its layers
//! too. **Width** is the largest number of hidden units on one level.

use std::collections::BTreeMap;

use num_traits::Zero;

use crate::net::{BlockId, Net, Part, UnitKind};
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
    /// per block of Table 1, see [`parts`]
    pub parts: Vec<PartMetrics>,
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

/// Size of one block of the paper's Table 1 in a network (a [`Part`]):
/// how many instances it has, their units and weights in total, and the
/// largest width and depth of one instance — the numbers Table 1 lists per
/// instance (width, depth) and eqs. 29–30 add up (weights).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartMetrics {
    /// the part's name, [`Part::kind`] (`"B_mul"`), or `"output"` (the
    /// output unit and its edges), or `"other"` (units outside every part,
    /// only in hand-built networks)
    pub name: String,
    /// the part, `None` for `"output"` and `"other"`
    pub part: Option<Part>,
    /// instances opened (one for `"output"` and `"other"`); a B_w instance
    /// may hold no unit (see [`part_instances`])
    pub instances: usize,
    /// hidden units in all instances (1 for `"output"`: the output unit)
    pub units: usize,
    /// edges entering those units, in all instances (the output's edges for
    /// `"output"`)
    pub weights: usize,
    /// largest number of units of one instance on one level
    pub width: usize,
    /// largest level span of one instance (last level − first level + 1)
    pub depth: usize,
}

/// The level of every unit and of the output (module docs).
pub(crate) fn levels(net: &Net) -> (Vec<usize>, usize) {
    let mut level = vec![0usize; net.units().len()];
    for (i, u) in net.units().iter().enumerate() {
        if let UnitKind::Relu { inputs, .. } = &u.kind {
            level[i] = 1 + inputs.iter().map(|e| level[e.src]).max().unwrap_or(0);
        }
    }
    let out = 1 + net
        .output()
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
    let weight_bits = u64::from(net.codebook().index_bits());
    let src_bits = u64::from(rational::ceil_log2(net.units().len() as u64));
    let bias_bits = u64::from(net.codebook().bias_bits());
    let max_deg = net
        .hidden()
        .map(|(_, _, e)| e.len())
        .chain(std::iter::once(net.output().inputs.len()))
        .max()
        .unwrap_or(0);
    let deg_bits = u64::from(rational::ceil_log2(max_deg as u64 + 1));
    let edges = net.hidden().map(|(_, _, e)| e.len()).sum::<usize>() + net.output().inputs.len();
    let receivers = net.hidden().count() + 1;
    edges as u64 * (weight_bits + src_bits) + receivers as u64 * (bias_bits + deg_bits)
}

/// Whether block `b` is `ancestor` or nested in it.
fn within(net: &Net, mut b: BlockId, ancestor: BlockId) -> bool {
    loop {
        if b == ancestor {
            return true;
        }
        match net.blocks()[b].parent {
            Some(p) => b = p,
            None => return false,
        }
    }
}

/// The size of one block instance *with its nested blocks* (a ×′ block
/// holds three squaring blocks): hidden units, the edges entering them,
/// the level span and the largest number of its units on one level.
/// Shared units built elsewhere (the constant chain, which always lies in
/// the B_N part) are not counted.
pub(crate) fn instance(net: &Net, block: BlockId) -> BlockMetrics {
    let (level, _) = levels(net);
    let mut m = BlockMetrics {
        name: net.blocks()[block].kind.clone(),
        units: 0,
        weights: 0,
        depth: 0,
        width: 0,
    };
    let mut count: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, _, edges) in net.hidden() {
        if within(net, net.units()[i].block, block) {
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
/// `instance`.
pub fn instances(net: &Net, kind: &str) -> Vec<BlockMetrics> {
    (0..net.blocks().len())
        .filter(|&b| net.blocks()[b].kind == kind)
        .map(|b| instance(net, b))
        .collect()
}

/// Units, weights, width and level span of a set of units (one instance).
fn measure(name: &str, units: &[usize], net: &Net, level: &[usize]) -> BlockMetrics {
    let mut count: BTreeMap<usize, usize> = BTreeMap::new();
    let mut weights = 0;
    for &i in units {
        if let UnitKind::Relu { inputs, .. } = &net.units()[i].kind {
            weights += inputs.len();
        }
        *count.entry(level[i]).or_default() += 1;
    }
    let depth = match (count.keys().next(), count.keys().next_back()) {
        (Some(lo), Some(hi)) => hi - lo + 1,
        _ => 0,
    };
    BlockMetrics {
        name: name.to_owned(),
        units: units.len(),
        weights,
        depth,
        width: count.values().copied().max().unwrap_or(0),
    }
}

/// The hidden units of every part instance, by instance (root block id;
/// `None` for units outside every part), each list in unit order; every
/// part instance has an entry, even one that built no unit.
fn units_by_part_block(net: &Net) -> BTreeMap<Option<BlockId>, Vec<usize>> {
    // the root of every block, memoised (parents always precede children)
    let mut root: Vec<BlockId> = Vec::with_capacity(net.blocks().len());
    for (b, block) in net.blocks().iter().enumerate() {
        let r = block.parent.map_or(b, |p| root[p]);
        root.push(r);
    }
    let mut out: BTreeMap<Option<BlockId>, Vec<usize>> = net
        .blocks()
        .iter()
        .enumerate()
        .filter(|(_, block)| block.parent.is_none() && block.part().is_some())
        .map(|(b, _)| (Some(b), Vec::new()))
        .collect();
    for (i, _, _) in net.hidden() {
        let r = root[net.units()[i].block];
        let key = net.blocks()[r].part().map(|_| r);
        out.entry(key).or_default().push(i);
    }
    out
}

/// Every instance of `part`, in the order they were opened, each measured
/// like `instance`: its units (nested blocks included; a unit belongs to
/// the part open when it was built, net module docs), their edges, their
/// largest number on one level and their level span. An instance may hold
/// no unit: a coefficient whose weight sub-network is only the gate it
/// reads (B_w) adds output edges and nothing else.
pub fn part_instances(net: &Net, part: Part) -> Vec<BlockMetrics> {
    let (level, _) = levels(net);
    units_by_part_block(net)
        .into_iter()
        .filter_map(|(b, units)| {
            b.filter(|&b| net.blocks()[b].part() == Some(part))
                .map(|_| units)
        })
        .map(|units| measure(part.kind(), &units, net, &level))
        .collect()
}

/// The accounting of Table 1: one entry per [`Part`] that holds a unit, in
/// the order of Table 1, then `"other"` if some hidden unit lies outside
/// every part (never for the constructions of [`crate::construct`]), then
/// `"output"`. The `units` of all entries add up to the hidden units plus
/// one (the output), their `weights` to the network's weights.
///
/// ```
/// use qrelu_core::{build, metrics, NetSpec, Poly};
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(3);
/// let c = build(&spec).unwrap();
/// let parts = metrics::parts(&c.net);
/// let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
/// assert_eq!(names, ["B_N", "B_abs", "B_mul", "output"]);
/// assert_eq!(parts.iter().map(|p| p.weights).sum::<usize>(), c.metrics.weights);
/// ```
pub fn parts(net: &Net) -> Vec<PartMetrics> {
    let (level, _) = levels(net);
    let mut per_part: BTreeMap<Option<Part>, PartMetrics> = BTreeMap::new();
    for (b, units) in units_by_part_block(net) {
        let part = b.and_then(|b| net.blocks()[b].part());
        let name = part.map_or("other", Part::kind);
        let one = measure(name, &units, net, &level);
        let m = per_part.entry(part).or_insert(PartMetrics {
            name: name.to_owned(),
            part,
            instances: 0,
            units: 0,
            weights: 0,
            width: 0,
            depth: 0,
        });
        // units outside every part count as one pseudo-instance
        m.instances += 1;
        m.units += one.units;
        m.weights += one.weights;
        m.width = m.width.max(one.width);
        m.depth = m.depth.max(one.depth);
    }
    let mut out: Vec<PartMetrics> = Part::ALL
        .into_iter()
        .filter_map(|p| per_part.remove(&Some(p)))
        .collect();
    out.extend(per_part.remove(&None));
    out.push(PartMetrics {
        name: "output".to_owned(),
        part: None,
        instances: 1,
        units: 1,
        weights: net.output().inputs.len(),
        width: 1,
        depth: 1,
    });
    out
}

/// All metrics of `net`.
pub fn metrics(net: &Net) -> Metrics {
    let (level, depth) = levels(net);
    let weights = net.hidden().map(|(_, _, e)| e.len()).sum::<usize>() + net.output().inputs.len();
    let nonzero_biases = net.hidden().filter(|(_, b, _)| !b.is_zero()).count()
        + usize::from(!net.output().bias.is_zero());
    let units = net.hidden().count();
    let mut per_level: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, _, _) in net.hidden() {
        *per_level.entry(level[i]).or_default() += 1;
    }
    let width = per_level.values().copied().max().unwrap_or(0);
    let bits = weights as u64 * u64::from(net.codebook().index_bits());

    // per block kind: totals, and the largest instance's level span and width
    let mut order: Vec<String> = Vec::new();
    let mut totals: BTreeMap<String, BlockMetrics> = BTreeMap::new();
    let mut instances: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, _, edges) in net.hidden() {
        let b = net.units()[i].block;
        let kind = net.blocks()[b].kind.clone();
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
        let kind = &net.blocks()[b].kind;
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
        weights: net.output().inputs.len(),
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
        parts: parts(net),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The invariants of Table 1's accounting that every construction keeps
    /// (net module docs): every hidden unit lies in exactly one part, the
    /// parts add up to the network, part blocks hold gadget blocks only (so
    /// the generated names do not change), and B_N holds exactly the units
    /// whose value does not depend on the input (no path from an input).
    pub(crate) fn assert_parts_partition(net: &Net) {
        let m = metrics(net);
        assert!(
            m.parts.iter().all(|p| p.name != "other"),
            "a unit outside every part: {:?}",
            m.parts
        );
        assert_eq!(m.parts.iter().map(|p| p.weights).sum::<usize>(), m.weights);
        assert_eq!(m.parts.iter().map(|p| p.units).sum::<usize>(), m.units + 1);
        let mut constant = vec![false; net.units().len()];
        for (i, _, edges) in net.hidden() {
            constant[i] = edges.iter().all(|e| constant[e.src]);
            assert!(
                net.blocks()[net.units()[i].block].part().is_none(),
                "unit {i} sits directly in a part block"
            );
            assert_eq!(
                net.part_of(i) == Some(Part::Constants),
                constant[i],
                "unit {i} ({}): B_N must hold exactly the constant units",
                net.units()[i].role
            );
        }
    }

    #[test]
    fn a_hand_built_net_has_units_outside_every_part() {
        use crate::net::{LinearForm, NetBuilder};
        use crate::quantize::Codebook;
        use crate::rational::ratio;
        let mut b = NetBuilder::new(Codebook::nonlinear(2, 4).unwrap(), &["x".to_owned()]);
        b.begin_block("gadget");
        let u = b.relu("u", ratio(0, 1), &[(0, ratio(1, 2))]).unwrap();
        b.end_block();
        let k = b.pow2_const(2).unwrap();
        let w = b
            .in_part(Part::Weights, |b| {
                b.begin_block("weight.chain");
                let w = b.relu("w", ratio(0, 1), &[(u, ratio(1, 2)), (k, ratio(1, 2))]);
                b.end_block();
                w
            })
            .unwrap();
        let net = b.finish(ratio(0, 1), &LinearForm::halves(&[w])).unwrap();
        let parts = parts(&net);
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["B_w", "B_N", "other", "output"]);
        let units: Vec<usize> = parts.iter().map(|p| p.units).collect();
        assert_eq!(units, [1, 2, 1, 1]);
        assert_eq!(net.part_of(u), None);
        assert_eq!(net.part_of(k), Some(Part::Constants));
        assert_eq!(net.part_of(w), Some(Part::Weights));
        // the constant chain is B_N even when a gadget of another part asks
        // for it: w reads K_2 but K_1, K_2 are one B_N instance
        assert_eq!(part_instances(&net, Part::Constants).len(), 1);
        assert_eq!(part_instances(&net, Part::Weights)[0].weights, 2);
    }
}
