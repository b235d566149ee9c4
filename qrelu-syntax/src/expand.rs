//! IR → tokens: the generated items of SPEC §6.
//!
//! # Code shape
//!
//! `eval` is straight-line code with one `let` per computed unit, named
//! after its block and role (`tent3_a`, `const1_k4`). Each value is
//! computed once (`Twins`): a unit with the same bias and edges as an
//! earlier one (the copies `abs2_c1`, … that a codebook of ±½ needs to carry
//! larger weights) is not computed again, its readers read the first; a
//! unit whose pre-activation is the negation of an earlier one's (`N =
//! relu(−s)` beside `P = relu(s)`) is `s.negated().relu()`; where a sum
//! reads both units of such a pair with the same weight, one right after the
//! other, it reads `tent3_a_abs = |s|` once instead. All three are the same
//! numbers bit for bit in every scalar type; a ReLU that nothing reads is
//! left out. rustc's optimised build time grows faster than
//! linearly with the length of one function body, so:
//!
//! - a **segment** (a run of consecutive units of one block instance) whose
//!   exact shape — weights, biases and wiring relative to its external
//!   inputs — occurs at least twice becomes one private associated function,
//!   emitted once and called per instance (`Self::square_tent(&k, &a_abs)`).
//!   It returns every unit and magnitude of the segment that anything
//!   reads, whether or not this instance's readers are outside it, so that
//!   a shape depends on the segment alone (the halving chains of
//!   coefficients with different digits are one shape per length);
//! - when the top-level sequence of statements is longer than
//!   [`CHUNK_STATEMENTS`], it is split into `chunk` functions that take the
//!   values they read and return the values later chunks read, so no body
//!   grows with the network. Before the split the steps are reordered by
//!   demand (depth-first from the output's terms, in summation order), so
//!   that a value is computed just before its first reader and few values
//!   cross chunk boundaries;
//! - when there are more than [`GROUP_CALLS`] chunks, runs of that many
//!   calls become `group` functions, level by level, so that neither
//!   `eval` nor any group grows with the network either (`eval` of a
//!   1,000,000-weight network made 1,304 chunk calls in one body before:
//!   rustc's borrow check and LLVM cost more than linearly in it);
//! - the output sum, and any unit's sum of more than [`SUM_TERMS`] edges,
//!   is a run of statements of at most that many terms in the same order
//!   (one method chain of thousands of links overflows rustc's stack), and
//!   when `eval` is chunked each chunk adds the terms, in summation order,
//!   whose sources are defined by then, so values the output alone reads
//!   never travel back to `eval`.
//!
//! For networks of up to [`INLINE_LIMIT`] weights the body is emitted
//! twice: `eval`'s helper functions are `#[inline]`, and a second copy
//! (`lanes_chunk1`, …, called by `Network::eval_lanes_at`) is
//! `#[inline(always)]` in optimised builds, so that the batch sweep that
//! the runtime compiles per instruction set (`qrelu_runtime::batch::Isa`)
//! holds the whole network and runs it on that set's vector registers,
//! while `eval` in `f64`, exact rationals or fixed point stays a set of
//! small functions. Larger networks have one copy, with `#[inline(never)]`
//! functions, so that no body grows with the network.
//!
//! Constants are created once per function (`let half = T::dyadic(1, -1);`),
//! so that every weight in the body is a named codebook value.
//!
//! Every invented name (locals, parameters, private functions) comes from a
//! [`Scope`], so it never equals an input, a net of the invocation or
//! another generated name; without a collision the names are the plain
//! ones above.

mod attrs;
mod scope;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use num_bigint::BigInt;
use num_traits::{One, ToPrimitive, Zero};
use proc_macro2::{Ident, Literal, TokenStream};
use qrelu_core::expr::Expr;
use qrelu_core::fixed::{self, FixedPlan};
use qrelu_core::net::{Edge, Net, Output, UnitId, UnitKind};
use qrelu_core::rational::{self, Rational};
use qrelu_core::{Construction, Poly};
use quote::{format_ident, quote};
use syn::ext::IdentExt;

use attrs::Attrs;
pub use scope::Scope;

use crate::ast::Input;
use crate::valid::ValidNet;

/// Longest top-level statement list before `eval` is split into chunks.
pub const CHUNK_STATEMENTS: usize = 64;

/// Longest `fma` chain of the output sum in one statement.
pub const SUM_TERMS: usize = 32;

/// Networks with more weights than this get `#[inline(never)]` block and
/// chunk functions, so that inlining cannot rebuild one huge body; smaller
/// ones get `#[inline]` functions for `eval`, and a second copy of them,
/// `#[inline(always)]` in optimised builds, for the batch sweep
/// (`Network::eval_lanes_at`), so that a sweep compiled for AVX2 or
/// AVX-512 holds the whole network.
pub const INLINE_LIMIT: usize = 4_000;

/// How the helper functions of one copy of a network's body are inlined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inlining {
    /// `#[inline(never)]`: networks above [`INLINE_LIMIT`], so that no
    /// body grows with the network.
    Never,
    /// `#[inline]`: `eval` of smaller networks, in every scalar type; the
    /// optimiser fuses the small functions and calls the large ones.
    Hint,
    /// `#[inline(always)]` in optimised builds: the copy that
    /// `Network::eval_lanes_at` runs, only ever instantiated on
    /// `qrelu::Lanes` by the batch sweep, so that the sweep that the runtime
    /// compiles per instruction set (`qrelu_runtime::batch::Isa`) holds the
    /// whole network on that set's vector registers. Keeping this out of
    /// `eval` keeps its `f64`, exact and fixed-point instantiations from
    /// becoming one huge function each (a third more release build time
    /// for the tour). Plain `#[inline]` under `debug_assertions`, where one
    /// inlined body of thousands of 16-lane locals overflows a test
    /// thread's stack and speed is not the point.
    Always,
}

impl Inlining {
    /// The attribute on a block, chunk or group function.
    fn attr(self) -> TokenStream {
        match self {
            Inlining::Never => quote!(#[inline(never)]),
            Inlining::Hint => quote!(#[inline]),
            Inlining::Always => quote! {
                #[cfg_attr(debug_assertions, inline)]
                #[cfg_attr(not(debug_assertions), inline(always))]
            },
        }
    }

    /// The prefix of this copy's function names.
    fn prefix(self) -> &'static str {
        match self {
            Inlining::Always => "lanes_",
            Inlining::Never | Inlining::Hint => "",
        }
    }
}

/// Most calls of chunk (or group) functions in one body before they are
/// grouped into `group` functions.
pub const GROUP_CALLS: usize = 32;

/// What the generator needs from the DSL item besides the construction.
#[derive(Clone, Debug)]
pub struct Item<'a> {
    /// outer attributes, doc comments included
    pub attrs: &'a [syn::Attribute],
    /// visibility of the struct and its public items
    pub vis: &'a syn::Visibility,
    /// the struct name
    pub name: &'a Ident,
    /// input names, in order (spans from the DSL)
    pub inputs: Vec<Ident>,
    /// the names the invocation defines in the module (its nets' unit
    /// structs), which no generated local may take
    pub taken: &'a Scope,
}

impl<'a> Item<'a> {
    /// The item of a validated net; `taken` as in [`Item::taken`].
    pub fn of(net: &'a ValidNet, taken: &'a Scope) -> Self {
        Item {
            attrs: &net.attrs,
            vis: &net.vis,
            name: net.name.ident(),
            inputs: net.inputs.iter().map(|i| i.name.ident().clone()).collect(),
            taken,
        }
    }
}

/// A stub per net ([`expand_stub`]), emitted beside errors: empty for a
/// net whose name is defined earlier in the invocation (one struct per
/// name) or cannot name a net at all (its struct would break more code
/// than its absence).
pub fn expand_stubs(input: &Input, taken: &Scope) -> Vec<TokenStream> {
    let mut defined = std::collections::HashSet::new();
    input
        .nets
        .iter()
        .map(|n| {
            let name = n.name.unraw().to_string();
            if !defined.insert(name) || crate::valid::net_name_error(&n.name).is_some() {
                return TokenStream::new();
            }
            expand_stub(&n.attrs, &n.vis, &n.name, n.inputs.len(), taken)
        })
        .collect()
}

/// A rational as a `T` expression: `T::dyadic(m, e)` when it fits, else
/// `T::ratio(n, d)`, else parsed from its exact text.
fn scalar(q: &Rational) -> TokenStream {
    if q.is_zero() {
        return quote!(T::zero());
    }
    if let Some((m, e)) = rational::to_dyadic(q) {
        if let (Some(m), Ok(e)) = (m.to_i64(), i32::try_from(e)) {
            return quote!(T::dyadic(#m, #e));
        }
    }
    if let (Some(n), Some(d)) = (q.numer().to_i64(), q.denom().to_u64()) {
        return quote!(T::ratio(#n, #d));
    }
    let text = rational::display(q);
    quote!(T::from_exact(&::qrelu::ConstRational::new(#text).to_exact()))
}

/// The name of the local holding codebook value `q` (`half`, `neg_half`,
/// `pow2_m4`, `neg_pow2_m4`, or `w3` for non-dyadic values).
fn const_name(q: &Rational, index: usize) -> String {
    let sign = if q < &Rational::zero() { "neg_" } else { "" };
    match rational::power_of_two_exponent(q) {
        Some(-1) => format!("{sign}half"),
        Some(e) if e < 0 => format!("{sign}pow2_m{}", -e),
        Some(e) => format!("{sign}pow2_{e}"),
        None => format!("w{index}"),
    }
}

/// Per-function constant table: value → local name.
struct Consts<'a> {
    names: &'a BTreeMap<Rational, Ident>,
    used: BTreeSet<Rational>,
}

impl<'a> Consts<'a> {
    fn new(names: &'a BTreeMap<Rational, Ident>) -> Self {
        Consts {
            names,
            used: BTreeSet::new(),
        }
    }

    fn get(&mut self, q: &Rational) -> Ident {
        self.used.insert(q.clone());
        self.names[q].clone()
    }

    fn lets(&self) -> TokenStream {
        let lets = self.used.iter().map(|q| {
            let name = &self.names[q];
            let value = scalar(q);
            quote!(let #name: T = #value;)
        });
        quote!(#(#lets)*)
    }
}

/// `bias + Σ w·src` as a method chain, e.g. `half.times(&x).fma(&neg_half, &y)`.
fn affine(
    bias: &Rational,
    edges: &[Edge],
    consts: &mut Consts,
    src: &dyn Fn(UnitId) -> TokenStream,
) -> TokenStream {
    // head and links apart: re-quoting the chain per term is quadratic
    let mut head: Option<TokenStream> = None;
    let mut links = Vec::new();
    if !bias.is_zero() {
        let b = consts.get(bias);
        head = Some(quote!(#b));
    }
    for e in edges {
        let w = consts.get(&e.weight);
        let s = src(e.src);
        match head {
            None => head = Some(quote!(#w.times(#s))),
            Some(_) => links.push(quote!(.fma(&#w, #s))),
        }
    }
    match head {
        // a bias alone names a constant local: take a copy of it
        Some(h) if edges.is_empty() => quote!(#h.clone()),
        Some(h) => quote!(#h #(#links)*),
        None => quote!(T::zero()),
    }
}

/// A unit's pre-activation `bias + Σ w·x` as [`sum_into`] statements into
/// `acc` — the operations of [`affine`]'s single chain in the same order,
/// so the same value bit for bit — and the expression that reads it (`acc`).
/// Units of up to [`SUM_TERMS`] edges keep the single chain and no
/// statement. One method chain per unit overflowed rustc's stack at
/// thousands of edges (the final `sum` block of exp(−x²) at eps = 10^−6
/// has 9,561).
fn affine_stmts(
    acc: &TokenStream,
    bias: &Rational,
    edges: &[Edge],
    consts: &mut Consts,
    src: &dyn Fn(UnitId) -> TokenStream,
) -> (TokenStream, TokenStream) {
    if edges.len() <= SUM_TERMS {
        return (TokenStream::new(), affine(bias, edges, consts, src));
    }
    let stmts = sum_into(acc, Some(bias), edges, consts, src);
    (quote!(#(#stmts)*), acc.clone())
}

/// `let acc: T = …;` statements adding `edges`, in order, at most
/// [`SUM_TERMS`] terms each, to `acc` — or, with `start`, to a sum that
/// starts here from that bias ([`affine`] for the first statement).
fn sum_into(
    acc: &TokenStream,
    start: Option<&Rational>,
    edges: &[Edge],
    consts: &mut Consts,
    src: &dyn Fn(UnitId) -> TokenStream,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for (g, group) in edges.chunks(SUM_TERMS).enumerate() {
        let expr = match start {
            Some(bias) if g == 0 => affine(bias, group, consts, src),
            _ => {
                let links: Vec<TokenStream> = group
                    .iter()
                    .map(|e| {
                        let w = consts.get(&e.weight);
                        let x = src(e.src);
                        quote!(.fma(&#w, #x))
                    })
                    .collect();
                quote!(#acc #(#links)*)
            }
        };
        out.push(quote!(let #acc: T = #expr;));
    }
    out
}

/// A run of consecutive hidden units of one block instance.
struct Segment {
    units: std::ops::Range<UnitId>,
    /// sources outside the segment (units, magnitudes or pre-activations),
    /// by first use
    externals: Vec<UnitId>,
    /// units, magnitudes and pre-activations of the segment that anything
    /// reads, inside it or after it (by later units or the output): what a
    /// block function of its shape returns
    exports: Vec<UnitId>,
}

/// Where a unit of a segment reads from: another unit of the segment, its
/// magnitude or pre-activation ([`Twins`]), or one of the segment's
/// externals (by position).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Source {
    Internal(usize),
    Magnitude(usize),
    Pre(usize),
    External(usize),
}

/// One unit of a shape: what is computed for it ([`Twins`]), its bias and
/// its `(source, weight)` edges.
#[derive(Clone, PartialEq, Eq, Hash)]
struct ShapeUnit {
    computed: bool,
    magnitude: bool,
    pre: bool,
    mirror: bool,
    bias: Rational,
    edges: Vec<(Source, Rational)>,
}

/// The shape of a segment: equal shapes compute the same function of their
/// externals.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Shape {
    kind: String,
    roles: Vec<String>,
    units: Vec<ShapeUnit>,
    exports: Vec<Source>,
}

/// The segments that compute something (a block instance whose units are
/// all copies of others, or unread, has none).
fn segments(net: &Net, twins: &Twins) -> Vec<Segment> {
    let n = net.units().len();
    // every unit, magnitude (`n + a`) and pre-activation (`2n + a`), by
    // its last reader
    let mut last_use = vec![0usize; 3 * n];
    for (i, _, _) in net.hidden() {
        if twins.computed(i) {
            for e in twins.edges(net, i) {
                last_use[e.src] = last_use[e.src].max(i);
            }
        }
    }
    for e in &twins.output.inputs {
        last_use[e.src] = usize::MAX;
    }
    let mut out = Vec::new();
    let mut start = net.dim();
    while start < n {
        let block = net.units()[start].block;
        let mut end = start + 1;
        while end < n && net.units()[end].block == block {
            end += 1;
        }
        let range = start..end;
        start = end;
        // a unit of the segment, or its magnitude or pre-activation
        let inside = |u: UnitId| range.contains(&(u % n));
        let mut externals = Vec::new();
        for u in range.clone().filter(|&u| twins.computed(u)) {
            for e in twins.edges(net, u) {
                if !inside(e.src) && !externals.contains(&e.src) {
                    externals.push(e.src);
                }
            }
        }
        let exports: Vec<UnitId> = range
            .clone()
            .chain(
                range
                    .clone()
                    .filter(|&a| twins.has_magnitude(a))
                    .map(|a| twins.magnitude(a)),
            )
            .chain(
                range
                    .clone()
                    .filter(|&a| twins.has_pre(a))
                    .map(|a| twins.pre_activation(a)),
            )
            // everything read, inside the segment or after it, so that a
            // shape's exports follow from its own structure: the halving
            // chains of the coefficients (`weight.chain`) are one shape per
            // length instead of one per set of digits read (1,758 functions
            // at 10^6 weights)
            .filter(|&u| last_use[u] > 0)
            .collect();
        if range.clone().any(|u| twins.computed(u)) {
            out.push(Segment {
                units: range,
                externals,
                exports,
            });
        }
    }
    out
}

fn shape(net: &Net, twins: &Twins, seg: &Segment) -> Shape {
    let n = net.units().len();
    let at = |u: UnitId| seg.units.contains(&u).then(|| u - seg.units.start);
    // a unit, magnitude or pre-activation of the segment by position, else
    // an external
    let source = |u: UnitId| {
        let (k, base) = (u / n, u % n);
        match (k, at(base)) {
            (0, Some(i)) => Source::Internal(i),
            (1, Some(i)) => Source::Magnitude(i),
            (2, Some(i)) => Source::Pre(i),
            _ => Source::External(seg.externals.iter().position(|&x| x == u).unwrap_or(0)),
        }
    };
    let units = seg
        .units
        .clone()
        .map(|u| {
            let computed = twins.computed(u);
            let (bias, edges) = match &net.units()[u].kind {
                UnitKind::Relu { bias, .. } if computed => (
                    bias.clone(),
                    twins
                        .edges(net, u)
                        .iter()
                        .map(|e| (source(e.src), e.weight.clone()))
                        .collect(),
                ),
                _ => (Rational::zero(), Vec::new()),
            };
            ShapeUnit {
                computed,
                magnitude: twins.has_magnitude(u),
                pre: twins.has_pre(u),
                mirror: twins.mirror_of(u).is_some(),
                bias,
                edges,
            }
        })
        .collect();
    Shape {
        kind: net.blocks()[net.units()[seg.units.start].block]
            .kind
            .clone(),
        roles: seg
            .units
            .clone()
            .map(|u| net.units()[u].role.clone())
            .collect(),
        units,
        exports: seg.exports.iter().map(|&u| source(u)).collect(),
    }
}

/// What the generated code computes once and reads many times, the same
/// number in every scalar type, IEEE floats included, bit for bit:
///
/// - **copies**: a unit with the same bias and edges (sources taken through
///   this map) as an earlier unit is the same value, computed once: its
///   readers read the first (`alias`). Codebook-constrained weights need
///   them (two copies at ½ carry a weight of 1: the `c1`, `c2`, … of the
///   power chains of Ding–Liu–Shi Fig. 2); at 10^6 weights a third of all
///   edges enter copies;
/// - **mirrors**: a unit whose pre-activation is the exact negation of an
///   earlier unit's, `m = relu(−s)` beside `c = relu(s)` (the `P`/`N`
///   gates of eq. (5), the `a`/`b` of every tent, eq. (4)), is computed from
///   `c`'s pre-activation `s` as `relu(s.negated())` instead of its own sum
///   (another quarter of the edges at 10^6 weights). Each product and sum of
///   the negated sum rounds to the negation of the original's, because
///   round-to-nearest is symmetric; only the sign of an exact zero can
///   differ, which the ReLU removes; fixed point is exact, and `−s` is in
///   range because the plan bounds `m`'s sum;
/// - **magnitudes**: a sum that reads `c` and its mirror with the same
///   weight, one right after the other, reads `|s|` once instead
///   (`Scalar::magnitude`; one of `relu(±s)` is +0; the runtime's
///   `a_pair_of_relus_is_one_abs` checks every case). In `f64` the sum
///   waits on one `andpd` instead of a ReLU and a product, which halves the
///   latency of a chain of tents.
///
/// Ids: unit `u`, its magnitude `n + u`, its pre-activation `2n + u`. A
/// unit is computed when it is no copy and something that is computed, or
/// the output, reads its ReLU, magnitude or pre-activation.
struct Twins {
    /// the unit count
    n: usize,
    /// the unit that computes each unit's value: itself or an earlier copy
    alias: Vec<UnitId>,
    /// `mirror[m] = Some(c)`: `m`'s pre-activation is `−` `c`'s
    mirror: Vec<Option<UnitId>>,
    /// the edges a computed unit sums where they differ from the net's:
    /// sources through `alias`, pairs merged into magnitudes; a mirror's
    /// one edge reads its pair's pre-activation (weight −1, a marker)
    edges: HashMap<UnitId, Vec<Edge>>,
    /// the output, the same way
    output: Output,
    /// units whose ReLU something computed reads
    live: Vec<bool>,
    /// units whose magnitude something computed reads
    read: Vec<bool>,
    /// units whose pre-activation a computed mirror reads
    pre: Vec<bool>,
}

/// Small ids for the rationals of biases and weights, so that a unit's
/// (bias, edges) key hashes integers, and the id of each value's negation.
#[derive(Default)]
struct ValueIds {
    ids: HashMap<Rational, u32>,
    values: Vec<Rational>,
    negated: Vec<Option<u32>>,
}

impl ValueIds {
    fn of(&mut self, q: &Rational) -> u32 {
        if let Some(&id) = self.ids.get(q) {
            return id;
        }
        let id = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        self.ids.insert(q.clone(), id);
        self.values.push(q.clone());
        self.negated.push(None);
        id
    }

    fn neg(&mut self, id: u32) -> u32 {
        if let Some(n) = self.negated[id as usize] {
            return n;
        }
        let q = -&self.values[id as usize];
        let n = self.of(&q);
        self.negated[id as usize] = Some(n);
        n
    }
}

impl Twins {
    fn new(net: &Net) -> Twins {
        let n = net.units().len();
        let mut alias: Vec<UnitId> = (0..n).collect();
        let mut mirror: Vec<Option<UnitId>> = vec![None; n];
        let mut values = ValueIds::default();
        let mut first: HashMap<(u32, Vec<(UnitId, u32)>), UnitId> = HashMap::new();
        for (u, bias, edges) in net.hidden() {
            let key = (
                values.of(bias),
                edges
                    .iter()
                    .map(|e| (alias[e.src], values.of(&e.weight)))
                    .collect::<Vec<_>>(),
            );
            if let Some(&c) = first.get(&key) {
                alias[u] = c;
                continue;
            }
            let negated = (
                values.neg(key.0),
                key.1.iter().map(|&(s, w)| (s, values.neg(w))).collect(),
            );
            // a mirror's pair is never a mirror: its key would be `u`'s
            mirror[u] = first.get(&negated).copied();
            first.insert(key, u);
        }
        let merge = |edges: &[Edge]| -> Option<Vec<Edge>> {
            let mut out: Vec<Edge> = Vec::with_capacity(edges.len());
            let mut changed = false;
            let mut i = 0;
            while i < edges.len() {
                let x = alias[edges[i].src];
                if let Some(next) = edges.get(i + 1) {
                    let y = alias[next.src];
                    let pair = if mirror[y] == Some(x) {
                        Some(x)
                    } else if mirror[x] == Some(y) {
                        Some(y)
                    } else {
                        None
                    };
                    if let (Some(c), true) = (pair, next.weight == edges[i].weight) {
                        changed = true;
                        out.push(Edge {
                            src: n + c,
                            weight: next.weight.clone(),
                        });
                        i += 2;
                        continue;
                    }
                }
                changed |= x != edges[i].src;
                out.push(Edge {
                    src: x,
                    weight: edges[i].weight.clone(),
                });
                i += 1;
            }
            changed.then_some(out)
        };
        let mut merged = HashMap::new();
        for (u, _, edges) in net.hidden() {
            if alias[u] != u {
                continue;
            }
            if let Some(c) = mirror[u] {
                let marker = Edge {
                    src: 2 * n + c,
                    weight: -Rational::one(),
                };
                merged.insert(u, vec![marker]);
            } else if let Some(m) = merge(edges) {
                merged.insert(u, m);
            }
        }
        let output = Output {
            bias: net.output().bias.clone(),
            inputs: merge(&net.output().inputs).unwrap_or_else(|| net.output().inputs.clone()),
        };
        // what is read, from the output back (a unit nothing computed
        // reads is not computed, so its reads do not count): `[live, read,
        // pre]`, whether the ReLU, magnitude or pre-activation of each unit
        let mut needed = [vec![false; n], vec![false; n], vec![false; n]];
        let mark = |e: &Edge, needed: &mut [Vec<bool>; 3]| needed[e.src / n][e.src % n] = true;
        for e in &output.inputs {
            mark(e, &mut needed);
        }
        for (u, _, edges) in net.hidden().collect::<Vec<_>>().into_iter().rev() {
            if alias[u] == u && needed.iter().any(|k| k[u]) {
                for e in merged.get(&u).map_or(edges, Vec::as_slice) {
                    mark(e, &mut needed);
                }
            }
        }
        let [live, read, pre] = needed;
        Twins {
            n,
            alias,
            mirror,
            edges: merged,
            output,
            live,
            read,
            pre,
        }
    }

    /// Whether `u` is computed: no copy, and its ReLU, magnitude or
    /// pre-activation is read.
    fn computed(&self, u: UnitId) -> bool {
        u < self.n && self.alias[u] == u && (self.live[u] || self.read[u] || self.pre[u])
    }

    /// Whether `u`'s ReLU is read (by a computed unit or the output).
    fn is_live(&self, u: UnitId) -> bool {
        self.live.get(u).copied().unwrap_or(true)
    }

    /// Whether `a`'s magnitude is read (and so computed beside it).
    fn has_magnitude(&self, a: UnitId) -> bool {
        self.read.get(a).copied().unwrap_or(false)
    }

    /// Whether `a`'s pre-activation is read (by a mirror).
    fn has_pre(&self, a: UnitId) -> bool {
        self.pre.get(a).copied().unwrap_or(false)
    }

    /// The id of `a`'s magnitude.
    fn magnitude(&self, a: UnitId) -> UnitId {
        self.n + a
    }

    /// The id of `a`'s pre-activation.
    fn pre_activation(&self, a: UnitId) -> UnitId {
        2 * self.n + a
    }

    /// The unit whose pre-activation `m` negates, when `m` is a mirror.
    fn mirror_of(&self, m: UnitId) -> Option<UnitId> {
        self.mirror
            .get(m)
            .copied()
            .flatten()
            .filter(|_| self.alias[m] == m)
    }

    /// The edges `u` sums, through copies and with pairs merged (none for
    /// an input; a mirror's marker edge).
    fn edges<'n>(&'n self, net: &'n Net, u: UnitId) -> &'n [Edge] {
        if let Some(m) = self.edges.get(&u) {
            return m;
        }
        match &net.units()[u].kind {
            UnitKind::Relu { inputs, .. } => inputs,
            UnitKind::Input { .. } => &[],
        }
    }
}

fn sanitize(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'u');
    }
    out
}

/// One top-level step of `eval`.
struct Step {
    tokens: TokenStream,
    defines: Vec<UnitId>,
    reads: Vec<UnitId>,
    /// codebook values the statement names
    consts: BTreeSet<Rational>,
}

/// Generates the body pieces: helper functions and `eval`'s statements.
struct Generator<'a> {
    net: &'a Net,
    /// names of the units, then of the magnitudes: `names[n + a]` is
    /// `|s|` of unit `a` whose twin reads are merged (see [`Twins`])
    names: Vec<Ident>,
    twins: Twins,
    const_names: BTreeMap<Rational, Ident>,
    /// the running output sum of a split output
    sum: Ident,
    /// the invocation's net names, taken in every function
    taken: Scope,
}

impl<'a> Generator<'a> {
    /// Names `eval`'s locals: constants, the output sum and the units, in
    /// that order, in a scope where `taken` and the inputs are taken.
    fn new(net: &'a Net, inputs: &[Ident], taken: &Scope) -> Self {
        let mut locals = taken.clone();
        for input in inputs {
            locals.take(input);
        }
        let mut const_names = BTreeMap::new();
        let mut values: BTreeSet<Rational> = net.codebook().values().iter().cloned().collect();
        for (_, v) in net.parameters() {
            if !v.is_zero() {
                values.insert(v.clone());
            }
        }
        for (i, q) in values.into_iter().enumerate() {
            let name = locals.fresh(&const_name(&q, i));
            const_names.insert(q, name);
        }
        let sum = locals.fresh("out_sum");
        let mut names: Vec<Ident> = net
            .units()
            .iter()
            .map(|u| match u.kind {
                UnitKind::Input { index } => inputs[index].clone(),
                UnitKind::Relu { .. } => {
                    let block = &net.blocks()[u.block];
                    locals.fresh(&sanitize(&format!("{}_{}", block.short_name(), u.role)))
                }
            })
            .collect();
        let twins = Twins::new(net);
        let n = names.len();
        for (suffix, has) in [
            ("abs", Twins::has_magnitude as fn(&Twins, UnitId) -> bool),
            ("s", Twins::has_pre),
        ] {
            for a in 0..n {
                let name = if has(&twins, a) {
                    locals.fresh(&format!("{}_{suffix}", names[a]))
                } else {
                    names[a].clone()
                };
                names.push(name);
            }
        }
        Generator {
            net,
            names,
            twins,
            const_names,
            sum,
            taken: taken.clone(),
        }
    }

    fn unit_stmt(
        &self,
        u: UnitId,
        consts: &mut Consts,
        name_of: &dyn Fn(UnitId) -> TokenStream,
    ) -> TokenStream {
        self.long_relu_stmt(u, consts, name_of, &|s| {
            let n = name_of(s);
            quote!(&#n)
        })
    }

    /// The statements computing `u` ([`Generator::relu_stmt`]) when it is
    /// computed ([`Twins`]): a mirror negates its pair's pre-activation,
    /// any other unit sums its edges, read through `src`, by
    /// [`affine_stmts`] into the first name it defines (pre-activation,
    /// magnitude, ReLU). `name_of` names every value.
    fn long_relu_stmt(
        &self,
        u: UnitId,
        consts: &mut Consts,
        name_of: &dyn Fn(UnitId) -> TokenStream,
        src: &dyn Fn(UnitId) -> TokenStream,
    ) -> TokenStream {
        let UnitKind::Relu { bias, .. } = &self.net.units()[u].kind else {
            return TokenStream::new();
        };
        if !self.twins.computed(u) {
            return TokenStream::new();
        }
        let acc = name_of(if self.twins.has_pre(u) {
            self.twins.pre_activation(u)
        } else if self.twins.has_magnitude(u) {
            self.twins.magnitude(u)
        } else {
            u
        });
        let (pre, expr) = match self.twins.mirror_of(u) {
            Some(c) => {
                let s = name_of(self.twins.pre_activation(c));
                (TokenStream::new(), quote!(#s.negated()))
            }
            None => affine_stmts(&acc, bias, self.twins.edges(self.net, u), consts, src),
        };
        let stmt = self.relu_stmt(u, name_of, &expr);
        quote!(#pre #stmt)
    }

    /// `let u: T = expr.relu();`; for a unit whose magnitude is read
    /// (`abs`, [`Twins`]) `let abs: T = expr; let u: T = abs.relu(); let
    /// abs: T = abs.magnitude();`; for one whose pre-activation is read, `let
    /// s: T = expr;` and from it the ReLU and magnitude that are read.
    fn relu_stmt(
        &self,
        u: UnitId,
        name_of: &dyn Fn(UnitId) -> TokenStream,
        expr: &TokenStream,
    ) -> TokenStream {
        let lhs = name_of(u);
        let abs = name_of(self.twins.magnitude(u));
        let live = self.twins.is_live(u);
        if self.twins.has_pre(u) {
            let s = name_of(self.twins.pre_activation(u));
            let relu = live.then(|| quote!(let #lhs: T = #s.relu();));
            let magnitude = self
                .twins
                .has_magnitude(u)
                .then(|| quote!(let #abs: T = #s.magnitude();));
            return quote!(let #s: T = #expr; #relu #magnitude);
        }
        match (self.twins.has_magnitude(u), live) {
            (true, true) => quote! {
                let #abs: T = #expr;
                let #lhs: T = #abs.relu();
                let #abs: T = #abs.magnitude();
            },
            (true, false) => quote!(let #abs: T = #expr.magnitude();),
            (false, true) => quote!(let #lhs: T = #expr.relu();),
            // a twin whose every read is merged into its pair's magnitude
            (false, false) => TokenStream::new(),
        }
    }

    /// The values a step computing `u` defines: `u`, and its magnitude and
    /// pre-activation when they are read.
    fn defines(&self, u: UnitId) -> Vec<UnitId> {
        let mut out = vec![u];
        if self.twins.has_magnitude(u) {
            out.push(self.twins.magnitude(u));
        }
        if self.twins.has_pre(u) {
            out.push(self.twins.pre_activation(u));
        }
        out
    }

    /// Helper functions for repeated shapes (named in `items`, the impl's
    /// associated items), and the top-level steps.
    fn plan(&self, inlining: Inlining, items: &mut Scope) -> (Vec<TokenStream>, Vec<Step>) {
        let segs = segments(self.net, &self.twins);
        let shapes: Vec<Shape> = segs
            .iter()
            .map(|s| shape(self.net, &self.twins, s))
            .collect();
        // each shape hashed once (its rationals make hashing the cost of
        // planning a large network): `ids[k]` numbers segment k's shape
        // by first appearance
        let mut interned: HashMap<&Shape, usize> = HashMap::new();
        let ids: Vec<usize> = shapes
            .iter()
            .map(|s| {
                let next = interned.len();
                *interned.entry(s).or_insert(next)
            })
            .collect();
        let mut count = vec![0usize; interned.len()];
        for &id in &ids {
            count[id] += 1;
        }
        // name the repeated shapes in order of first appearance
        let mut fn_names: Vec<Option<Ident>> = vec![None; interned.len()];
        let mut per_kind: HashMap<&str, usize> = HashMap::new();
        let mut fns = Vec::new();
        for ((seg, sh), &id) in segs.iter().zip(&shapes).zip(&ids) {
            if count[id] < 2 || fn_names[id].is_some() {
                continue;
            }
            let k = per_kind.entry(sh.kind.as_str()).or_default();
            *k += 1;
            let base = format!("{}{}", inlining.prefix(), sanitize(&sh.kind));
            let name = if *k == 1 {
                items.fresh(&base)
            } else {
                items.fresh(&format!("{base}_{k}"))
            };
            fns.push(self.shape_fn(&name, seg, inlining));
            fn_names[id] = Some(name);
        }
        let mut steps = Vec::new();
        for (seg, &id) in segs.iter().zip(&ids) {
            if let Some(f) = &fn_names[id] {
                let args = seg.externals.iter().map(|&u| {
                    let n = &self.names[u];
                    quote!(&#n)
                });
                let outs: Vec<&Ident> = seg.exports.iter().map(|&u| &self.names[u]).collect();
                let call = quote!(Self::#f(#(#args),*));
                let tokens = match outs.len() {
                    0 => continue,
                    1 => {
                        let o = outs[0];
                        quote!(let #o: T = #call;)
                    }
                    _ => {
                        let tys = outs.iter().map(|_| quote!(T));
                        quote!(let (#(#outs),*): (#(#tys),*) = #call;)
                    }
                };
                steps.push(Step {
                    tokens,
                    defines: seg.exports.clone(),
                    reads: seg.externals.clone(),
                    consts: BTreeSet::new(),
                });
            } else {
                for u in seg.units.clone().filter(|&u| self.twins.computed(u)) {
                    let mut consts = Consts::new(&self.const_names);
                    let tokens = self.unit_stmt(u, &mut consts, &|s| {
                        let n = &self.names[s];
                        quote!(#n)
                    });
                    let reads = self
                        .twins
                        .edges(self.net, u)
                        .iter()
                        .map(|e| e.src)
                        .collect();
                    steps.push(Step {
                        tokens,
                        defines: self.defines(u),
                        reads,
                        consts: consts.used,
                    });
                }
            }
        }
        if steps.len() > CHUNK_STATEMENTS {
            steps = schedule(steps, &self.twins.output.inputs);
        }
        (fns, steps)
    }

    /// `fn kind<T>(ext…) -> (exports…)` for one repeated shape.
    fn shape_fn(&self, name: &Ident, seg: &Segment, inlining: Inlining) -> TokenStream {
        // its own scope: the constants keep their names from `eval`
        let mut locals = self.taken.clone();
        for c in self.const_names.values() {
            locals.take(c);
        }
        let params: Vec<Ident> = (1..=seg.externals.len())
            .map(|i| locals.fresh(&format!("in{i}")))
            .collect();
        let roles: Vec<Ident> = seg
            .units
            .clone()
            .map(|u| locals.fresh(&sanitize(&self.net.units()[u].role)))
            .collect();
        // the magnitudes (`role_abs`) and pre-activations (`role_s`) defined
        // here, by position
        let derived = |suffix: &str, has: fn(&Twins, UnitId) -> bool, locals: &mut Scope| {
            seg.units
                .clone()
                .zip(&roles)
                .map(|(u, r)| has(&self.twins, u).then(|| locals.fresh(&format!("{r}_{suffix}"))))
                .collect::<Vec<Option<Ident>>>()
        };
        let abs = derived("abs", Twins::has_magnitude, &mut locals);
        let pres = derived("s", Twins::has_pre, &mut locals);
        let n = self.net.units().len();
        let local = |u: UnitId| -> TokenStream {
            if let Some(i) = seg.externals.iter().position(|&x| x == u) {
                let p = &params[i];
                return quote!(#p);
            }
            let i = u % n - seg.units.start;
            match u / n {
                0 => {
                    let role = &roles[i];
                    quote!(#role)
                }
                1 => {
                    let a = &abs[i];
                    quote!(#a)
                }
                _ => {
                    let s = &pres[i];
                    quote!(#s)
                }
            }
        };
        let mut consts = Consts::new(&self.const_names);
        let body: Vec<TokenStream> = seg
            .units
            .clone()
            .map(|u| {
                self.long_relu_stmt(u, &mut consts, &local, &|s| {
                    let n = local(s);
                    if seg.externals.contains(&s) {
                        quote!(#n)
                    } else {
                        quote!(&#n)
                    }
                })
            })
            .collect();
        let lets = consts.lets();
        let outs: Vec<TokenStream> = seg.exports.iter().map(|&u| local(u)).collect();
        let (ret_ty, ret) = if outs.len() == 1 {
            (quote!(T), quote!(#(#outs)*))
        } else {
            let tys = outs.iter().map(|_| quote!(T));
            (quote!((#(#tys),*)), quote!((#(#outs),*)))
        };
        let kind = &self.net.blocks()[self.net.units()[seg.units.start].block].kind;
        let computed = seg
            .units
            .clone()
            .filter(|&u| self.twins.computed(u))
            .count();
        let doc = format!(
            "One `{kind}` block ({} units, {computed} computed), shared by every instance \
             of this shape.",
            seg.units.len()
        );
        let inline = inlining.attr();
        quote! {
            #[doc = #doc]
            #[doc(hidden)]
            #inline
            fn #name<T: ::qrelu::Scalar>(#(#params: &T),*) -> #ret_ty {
                #lets
                #(#body)*
                #ret
            }
        }
    }
}

/// Reorders steps by demand: a depth-first post-order from the output's
/// sources, in summation order, so that every value is computed just before
/// its first reader (few values cross chunk boundaries) and the output's
/// terms become computable in summation order. Steps nothing reaches keep
/// their relative order at the end.
fn schedule(steps: Vec<Step>, output: &[Edge]) -> Vec<Step> {
    let mut step_of: HashMap<UnitId, usize> = HashMap::new();
    for (i, s) in steps.iter().enumerate() {
        for &u in &s.defines {
            step_of.insert(u, i);
        }
    }
    let mut seen = vec![false; steps.len()];
    let mut order = Vec::with_capacity(steps.len());
    // iterative: the dependency chains are as long as the network is deep
    let mut visit = |root: usize, order: &mut Vec<usize>| {
        if std::mem::replace(&mut seen[root], true) {
            return;
        }
        let mut stack = vec![(root, 0usize)];
        while let Some((i, k)) = stack.pop() {
            let next = steps[i].reads[k..]
                .iter()
                .enumerate()
                .find_map(|(p, r)| step_of.get(r).filter(|&&j| !seen[j]).map(|&j| (p, j)));
            match next {
                Some((p, j)) => {
                    seen[j] = true;
                    stack.push((i, k + p + 1));
                    stack.push((j, 0));
                }
                None => order.push(i),
            }
        }
    };
    for e in output {
        if let Some(&i) = step_of.get(&e.src) {
            visit(i, &mut order);
        }
    }
    for i in 0..steps.len() {
        visit(i, &mut order);
    }
    // every step is visited once, so every slot is taken once
    let mut slots: Vec<Option<Step>> = steps.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Statements adding `edges`, in order, to the running output sum (`first`:
/// the sum starts here, from `bias`), at most [`SUM_TERMS`] terms each.
fn sum_stmts(
    generator: &Generator,
    first: bool,
    bias: &Rational,
    edges: &[Edge],
    consts: &mut Consts,
) -> Vec<TokenStream> {
    let sum = &generator.sum;
    let src = |u: UnitId| {
        let n = &generator.names[u];
        quote!(&#n)
    };
    sum_into(&quote!(#sum), first.then_some(bias), edges, consts, &src)
}

/// `eval`'s body: helper chunk functions, statements and the final
/// expression. Steps are split into chunk functions when there are too
/// many; then each chunk adds the output terms that become computable in it
/// (in summation order) to a running sum it takes and returns. A chunk
/// takes the units it reads as `&T` parameters and its statements read
/// them as `&name` like any local, a `&&T` that deref coercion passes as
/// the `&T` every `Scalar` method takes: no clone of a parameter (at 10^6
/// weights the clones were 91,000 statements, and 0.45 GB of rustc's
/// peak memory).
fn chunk(
    generator: &Generator,
    steps: Vec<Step>,
    output: &Output,
    consts: &mut Consts,
    inlining: Inlining,
    items: &mut Scope,
) -> (Vec<TokenStream>, Vec<TokenStream>, TokenStream) {
    let sum = &generator.sum;
    let bias = &output.bias;
    if steps.len() <= CHUNK_STATEMENTS {
        for s in &steps {
            for q in &s.consts {
                consts.get(q);
            }
        }
        let mut stmts: Vec<TokenStream> = steps.into_iter().map(|s| s.tokens).collect();
        if output.inputs.len() <= SUM_TERMS {
            let out = affine(bias, &output.inputs, consts, &|s| {
                let n = &generator.names[s];
                quote!(&#n)
            });
            return (Vec::new(), stmts, out);
        }
        stmts.extend(sum_stmts(generator, true, bias, &output.inputs, consts));
        return (Vec::new(), stmts, quote!(#sum));
    }
    let chunks: Vec<&[Step]> = steps.chunks(CHUNK_STATEMENTS).collect();
    let inline = inlining.attr();
    let mut definer: HashMap<UnitId, usize> = HashMap::new();
    for (c, ch) in chunks.iter().enumerate() {
        for s in ch.iter() {
            for &u in &s.defines {
                definer.insert(u, c);
            }
        }
    }
    // output term k is added by the first chunk after which it and every
    // earlier term are computable (inputs: chunk 0)
    let mut terms: Vec<std::ops::Range<usize>> = vec![0..0; chunks.len()];
    let mut at = 0;
    for (k, e) in output.inputs.iter().enumerate() {
        at = at.max(definer.get(&e.src).copied().unwrap_or(0));
        if terms[at].is_empty() {
            terms[at] = k..k;
        }
        terms[at].end = k + 1;
    }
    let first_sum = terms.iter().position(|t| !t.is_empty());
    // for every unit, the last chunk that reads it
    let mut last_reader: HashMap<UnitId, usize> = HashMap::new();
    for (c, ch) in chunks.iter().enumerate() {
        for s in ch.iter() {
            for &r in &s.reads {
                last_reader.insert(r, c);
            }
        }
        for e in &output.inputs[terms[c].clone()] {
            last_reader.insert(e.src, c);
        }
    }
    let mut fns = Vec::new();
    let mut calls = Vec::new();
    for (c, ch) in chunks.iter().enumerate() {
        let edges = &output.inputs[terms[c].clone()];
        let defined: BTreeSet<UnitId> = ch.iter().flat_map(|s| s.defines.iter().copied()).collect();
        let reads = ch.iter().flat_map(|s| s.reads.iter().copied());
        let ins: BTreeSet<UnitId> = reads
            .chain(edges.iter().map(|e| e.src))
            .filter(|r| !defined.contains(r))
            .collect();
        let outs: Vec<UnitId> = defined
            .iter()
            .copied()
            .filter(|u| last_reader.get(u).is_some_and(|&l| l > c))
            .collect();
        let name = items.fresh(&format!("{}chunk{}", inlining.prefix(), c + 1));
        let params: Vec<&Ident> = ins.iter().map(|&u| &generator.names[u]).collect();
        let body = ch.iter().map(|s| &s.tokens);
        // constants used by the inline statements of this chunk
        let mut chunk_consts = Consts::new(&generator.const_names);
        for s in ch.iter() {
            for q in &s.consts {
                chunk_consts.get(q);
            }
        }
        let first = first_sum == Some(c);
        let sum_body = if edges.is_empty() {
            Vec::new()
        } else {
            sum_stmts(generator, first, bias, edges, &mut chunk_consts)
        };
        let mut out_names: Vec<&Ident> = outs.iter().map(|&u| &generator.names[u]).collect();
        if !edges.is_empty() {
            out_names.insert(0, sum);
        }
        // the sum comes in by value when an earlier chunk started it
        let sum_in = (!edges.is_empty() && !first).then_some(sum);
        let sum_param = sum_in.iter().map(|s| quote!(#s: T,));
        let tys: Vec<TokenStream> = out_names.iter().map(|_| quote!(T)).collect();
        let consts_lets = chunk_consts.lets();
        fns.push(quote! {
            #[doc(hidden)]
            #inline
            #[allow(clippy::too_many_arguments, clippy::type_complexity)]
            fn #name<T: ::qrelu::Scalar>(#(#sum_param)* #(#params: &T),*) -> (#(#tys,)*) {
                #consts_lets
                #(#body)*
                #(#sum_body)*
                (#(#out_names,)*)
            }
        });
        calls.push(Call {
            name,
            sum_in: sum_in.is_some(),
            ins: ins.into_iter().collect(),
            sum_out: !edges.is_empty(),
            outs,
        });
    }
    let (groups, calls) = nest(generator, calls, inlining, items);
    fns.extend(groups);
    let stmts = calls
        .iter()
        .map(|call| call.stmt(generator, &BTreeSet::new()))
        .collect();
    let out = match first_sum {
        Some(_) => quote!(#sum),
        None => affine(bias, &[], consts, &|_| quote!()),
    };
    (fns, stmts, out)
}

/// A call of a chunk or group function: what it reads and defines.
struct Call {
    name: Ident,
    /// whether it takes the running output sum (by value)
    sum_in: bool,
    /// the units it reads (by reference), in parameter order
    ins: Vec<UnitId>,
    /// whether it returns the running output sum (first in its tuple)
    sum_out: bool,
    /// the units it returns, after the sum
    outs: Vec<UnitId>,
}

impl Call {
    /// `let (…): (…) = Self::name(…);` in a function where the units of
    /// `by_ref` are `&T` parameters and every other value is a local `T`.
    fn stmt(&self, generator: &Generator, by_ref: &BTreeSet<UnitId>) -> TokenStream {
        let sum = &generator.sum;
        let name = &self.name;
        let sum_arg = self.sum_in.then(|| quote!(#sum,));
        let args = self.ins.iter().map(|u| {
            let n = &generator.names[*u];
            if by_ref.contains(u) {
                quote!(#n)
            } else {
                quote!(&#n)
            }
        });
        let mut out_names: Vec<&Ident> = self.outs.iter().map(|&u| &generator.names[u]).collect();
        if self.sum_out {
            out_names.insert(0, sum);
        }
        // typed by annotation: a turbofish instead (`Self::f::<T>(…)`, 10%
        // less code) made rustc 9% slower at 10^6 weights
        let tys = out_names.iter().map(|_| quote!(T));
        quote!(let (#(#out_names,)*): (#(#tys,)*) = Self::#name(#sum_arg #(#args),*);)
    }
}

/// Groups of at most [`GROUP_CALLS`] calls become `group` functions, level
/// by level, until the caller makes at most that many calls: every body
/// stays short however large the network (rustc's type and borrow checks
/// and LLVM cost more than linearly in the length of one body). A group
/// takes the units its calls read that it does not define, by reference,
/// and the running sum by value when its first sum-taking call takes it;
/// it returns the sum when a call of it returns it (the chain of sums is
/// sequential, so a later group or the caller reads it) and the units a
/// later group reads. The statements run in the same order, so the
/// arithmetic is unchanged.
fn nest(
    generator: &Generator,
    mut calls: Vec<Call>,
    inlining: Inlining,
    items: &mut Scope,
) -> (Vec<TokenStream>, Vec<Call>) {
    // groups exist to keep bodies short: only the batch copy inlines them
    let inline = match inlining {
        Inlining::Always => inlining.attr(),
        Inlining::Never | Inlining::Hint => quote!(#[inline(never)]),
    };
    let sum = &generator.sum;
    let mut fns = Vec::new();
    while calls.len() > GROUP_CALLS {
        let groups: Vec<&[Call]> = calls.chunks(GROUP_CALLS).collect();
        let mut last_reader: HashMap<UnitId, usize> = HashMap::new();
        for (g, group) in groups.iter().enumerate() {
            for call in group.iter() {
                for &u in &call.ins {
                    last_reader.insert(u, g);
                }
            }
        }
        let mut next = Vec::with_capacity(groups.len());
        for (g, group) in groups.iter().enumerate() {
            let defined: BTreeSet<UnitId> =
                group.iter().flat_map(|c| c.outs.iter().copied()).collect();
            let ins: BTreeSet<UnitId> = group
                .iter()
                .flat_map(|c| c.ins.iter().copied())
                .filter(|u| !defined.contains(u))
                .collect();
            let outs: Vec<UnitId> = defined
                .iter()
                .copied()
                .filter(|u| last_reader.get(u).is_some_and(|&l| l > g))
                .collect();
            // the sum comes in when the first call touching it reads it
            let sum_in = group
                .iter()
                .find(|c| c.sum_in || c.sum_out)
                .is_some_and(|c| c.sum_in);
            let sum_out = group.iter().any(|c| c.sum_out);
            let name = items.fresh(&format!("{}group{}", inlining.prefix(), next.len() + 1));
            let params = ins.iter().map(|&u| &generator.names[u]);
            let sum_param = sum_in.then(|| quote!(#sum: T,));
            let body = group.iter().map(|c| c.stmt(generator, &ins));
            let mut out_names: Vec<&Ident> = outs.iter().map(|&u| &generator.names[u]).collect();
            if sum_out {
                out_names.insert(0, sum);
            }
            let tys: Vec<TokenStream> = out_names.iter().map(|_| quote!(T)).collect();
            fns.push(quote! {
                #[doc(hidden)]
                #inline
                #[allow(clippy::too_many_arguments, clippy::type_complexity)]
                fn #name<T: ::qrelu::Scalar>(#sum_param #(#params: &T),*) -> (#(#tys,)*) {
                    #(#body)*
                    (#(#out_names,)*)
                }
            });
            next.push(Call {
                name,
                sum_in,
                ins: ins.into_iter().collect(),
                sum_out,
                outs,
            });
        }
        calls = next;
    }
    (fns, calls)
}

fn const_rational(q: &Rational) -> TokenStream {
    let text = rational::display(q);
    quote!(::qrelu::ConstRational::new(#text))
}

/// The target program of a non-polynomial target, in postfix order
/// (`qrelu_runtime::target`).
fn postfix(e: &Expr, out: &mut Vec<TokenStream>) {
    for c in e.children() {
        postfix(c, out);
    }
    let op = |name: &str| {
        let ident = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
        quote!(::qrelu::TargetOp::#ident)
    };
    out.push(match e {
        Expr::Const(q) => {
            let q = const_rational(q);
            quote!(::qrelu::TargetOp::Const(#q))
        }
        Expr::Pi => op("Pi"),
        Expr::Var(i) => quote!(::qrelu::TargetOp::Var(#i)),
        Expr::Neg(_) => op("Neg"),
        Expr::Add(..) => op("Add"),
        Expr::Sub(..) => op("Sub"),
        Expr::Mul(..) => op("Mul"),
        Expr::Div(..) => op("Div"),
        Expr::Pow(_, k) => quote!(::qrelu::TargetOp::Pow(#k)),
        Expr::Call(f, _) => {
            let name = f.name();
            let variant = format!("{}{}", name[..1].to_uppercase(), &name[1..]);
            let variant = proc_macro2::Ident::new(&variant, proc_macro2::Span::call_site());
            quote!(::qrelu::TargetOp::Call(::qrelu::Elementary::#variant))
        }
        Expr::Abs(_) => op("Abs"),
        Expr::Min(..) => op("Min"),
        Expr::Max(..) => op("Max"),
    });
}

/// `target<T>` body: Σ coef · Π x_i^e_i with shared powers (`x_pow2`, named
/// in a scope where `taken` and the inputs are taken).
fn target_body(target: &Poly, inputs: &[Ident], taken: &Scope) -> TokenStream {
    let mut locals = taken.clone();
    for input in inputs {
        locals.take(input);
    }
    let mut stmts = Vec::new();
    let mut powers: BTreeMap<(usize, u32), Ident> = BTreeMap::new();
    for (i, name) in inputs.iter().enumerate() {
        let max = target.degree_in(i);
        if max >= 1 {
            powers.insert((i, 1), name.clone());
        }
        for e in 2..=max {
            let id = locals.fresh(&format!("{}_pow{e}", name.unraw()));
            let prev = &powers[&(i, e - 1)];
            stmts.push(quote!(let #id: T = #prev.times(&#name);));
            powers.insert((i, e), id);
        }
    }
    let mut sum: Option<TokenStream> = None;
    for (pow, coef) in target.terms() {
        let factors: Vec<&Ident> = pow
            .iter()
            .enumerate()
            .filter(|(_, e)| **e > 0)
            .map(|(i, e)| &powers[&(i, *e)])
            .collect();
        let mut term: Option<TokenStream> = if coef.is_one() && !factors.is_empty() {
            None
        } else {
            let c = scalar(coef);
            Some(c)
        };
        for f in factors {
            term = Some(match term {
                None => quote!(#f.clone()),
                Some(t) => quote!(#t.times(&#f)),
            });
        }
        let term = term.unwrap_or_else(|| quote!(T::zero()));
        sum = Some(match sum {
            None => term,
            Some(s) => quote!(#s.plus(&#term)),
        });
    }
    let sum = sum.unwrap_or_else(|| quote!(T::zero()));
    quote!(#(#stmts)* #sum)
}

fn info(item: &Item, c: &Construction, plan: Option<&FixedPlan>) -> TokenStream {
    let fixed = fixed_info(plan);
    // `r#type` is the net `type`
    let name = item.name.unraw().to_string();
    let inputs: Vec<String> = item.inputs.iter().map(|i| i.unraw().to_string()).collect();
    let domain = c.spec.domain.iter().map(|(lo, hi)| {
        let (lo, hi) = (const_rational(lo), const_rational(hi));
        quote!((#lo, #hi))
    });
    let target = c
        .spec
        .target
        .poly()
        .into_iter()
        .flat_map(|p| p.terms())
        .map(|(pow, coef)| {
            let coef = const_rational(coef);
            quote!(::qrelu::TargetTerm { coef: #coef, pow: &[#(#pow),*] })
        });
    let names: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let target_expr = c.spec.target.display_with(&names);
    let mut program = Vec::new();
    if let Some(e) = c.spec.target.expr() {
        postfix(e, &mut program);
    }
    let codebook = c.net.codebook().values().iter().map(const_rational);
    let m = &c.metrics;
    let (weights, biases, units, depth, width, bits, honest) = (
        m.weights,
        m.nonzero_biases,
        m.units,
        m.depth,
        m.width,
        m.bits,
        m.honest_bits,
    );
    let lambda = c.net.codebook().lambda();
    let p = &c.params;
    let option = |v: Option<u32>| match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let option64 = |v: Option<u64>| match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let (r, t, n, grid) = (option(p.r), option(Some(p.t)), option(p.n), option(p.grid));
    let (intervals, cells) = (option64(p.intervals), option64(p.cells));
    let structure = c.spec.structure.name();
    let quantization = c.net.codebook().quantization().name();
    let bound = const_rational(&c.error_bound);
    let blocks = m.blocks.iter().map(|b| {
        let (n, u, w, d, wd) = (&b.name, b.units, b.weights, b.depth, b.width);
        quote!(::qrelu::BlockInfo { name: #n, units: #u, weights: #w, depth: #d, width: #wd })
    });
    let parts = m.parts.iter().map(|p| {
        let (n, i, u, w, wd, d) = (&p.name, p.instances, p.units, p.weights, p.width, p.depth);
        quote!(::qrelu::PartInfo {
            name: #n, instances: #i, units: #u, weights: #w, width: #wd, depth: #d
        })
    });
    quote! {
        ::qrelu::NetInfo {
            name: #name,
            inputs: &[#(#inputs),*],
            domain: &[#(#domain),*],
            target: &[#(#target),*],
            target_expr: #target_expr,
            target_program: &[#(#program),*],
            structure: #structure,
            quantization: #quantization,
            lambda: #lambda,
            r: #r,
            t: #t,
            n: #n,
            grid: #grid,
            intervals: #intervals,
            cells: #cells,
            codebook: &[#(#codebook),*],
            weights: #weights,
            nonzero_biases: #biases,
            units: #units,
            depth: #depth,
            width: #width,
            bits: #bits,
            honest_bits: #honest,
            error_bound: #bound,
            blocks: &[#(#blocks),*],
            parts: &[#(#parts),*],
            fixed: #fixed,
        }
    }
}

/// `INFO.fixed`: the format of `eval_fixed`, when there is one.
fn fixed_info(plan: Option<&FixedPlan>) -> TokenStream {
    let Some(plan) = plan else {
        return quote!(::core::option::Option::None);
    };
    let f = &plan.format;
    let (width, frac, scale, needed) = (f.width, f.frac_bits, f.scale, f.needed_bits);
    let inputs = f.inputs.iter().map(|(lo, hi)| {
        let (lo, hi) = (int_literal(lo), int_literal(hi));
        quote!((#lo, #hi))
    });
    quote! {
        ::core::option::Option::Some(::qrelu::FixedInfo {
            width: #width,
            frac_bits: #frac,
            scale: #scale,
            needed_bits: #needed,
            inputs: &[#(#inputs),*],
        })
    }
}

/// An integer literal without a suffix (the plan keeps every bound inside
/// the chosen width, at most `i128`).
fn int_literal(n: &BigInt) -> Literal {
    Literal::i128_unsuffixed(i128::try_from(n).unwrap_or(0))
}

/// The plan of `eval_fixed`: an exact fixed-point format whose integer type
/// holds every value (`qrelu_core::fixed`), or `None`.
fn fixed_plan(c: &Construction) -> Option<FixedPlan> {
    fixed::plan(&c.net, &c.spec.domain)
        .ok()
        .filter(|p| p.format.width <= 128 && p.format.needed_bits <= p.format.width)
}

/// `eval_fixed` and its doc, when the network has a fixed-point format.
fn fixed_fn(item: &Item, plan: &FixedPlan) -> TokenStream {
    let f = &plan.format;
    let vis = item.vis;
    let name = item.name;
    let inputs = &item.inputs;
    let int = format_ident!("i{}", f.width);
    let (scale, big_e) = (f.scale, plan.max_exponent);
    let checks = inputs
        .iter()
        .zip(&f.inputs)
        .enumerate()
        .map(|(i, (x, (lo, hi)))| {
            let (lo, hi) = (int_literal(lo), int_literal(hi));
            quote! {
                if !(#lo..=#hi).contains(&#x) {
                    return ::core::result::Result::Err(::qrelu::CheckError::OutOfFormat {
                        input: #i,
                        value: ::core::convert::From::from(#x),
                    });
                }
            }
        });
    let ranges: Vec<String> = inputs
        .iter()
        .zip(&f.inputs)
        .map(|(x, (lo, hi))| format!("`{}` in `{lo}..={hi}`", x.unraw()))
        .collect();
    let doc = format!(
        "Evaluates the network exactly with integer adds and shifts only (no floating \
         point): each input is the integer `X` standing for `X·2^-{}` ({}); the result \
         is the integer `Y` standing for the output `Y·2^-{scale}`. Every intermediate \
         value fits `{int}` ({} bits needed), by exact range analysis over the domain; \
         the format is `INFO.fixed`.\n\n# Errors\n\n`CheckError::OutOfFormat` for an \
         input outside its range.",
        f.frac_bits,
        ranges.join(", "),
        f.needed_bits,
    );
    quote! {
        #[doc = #doc]
        #[inline]
        #[deny(clippy::float_arithmetic)]
        #vis fn eval_fixed(#(#inputs: impl ::core::convert::Into<#int>),*) -> ::core::result::Result<#int, ::qrelu::CheckError> {
            #(let #inputs: #int = ::core::convert::Into::into(#inputs);)*
            #(#checks)*
            ::core::result::Result::Ok(
                #name::eval::<::qrelu::Fixed<#int, #scale>>(
                    #(::qrelu::Fixed::<#int, #scale>::from_raw(#inputs << #big_e)),*
                )
                .raw(),
            )
        }
    }
}

/// `Network::eval_fixed_at`, through `eval_fixed`.
fn fixed_at_fn(item: &Item, plan: &FixedPlan, x: &Ident) -> TokenStream {
    let name = item.name;
    let n = item.inputs.len();
    let int = format_ident!("i{}", plan.format.width);
    let args = (0..n).map(|i| {
        quote! {
            match <#int as ::core::convert::TryFrom<i128>>::try_from(::core::convert::Into::into(#x[#i])) {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(_) => {
                    return ::core::result::Result::Err(::qrelu::CheckError::OutOfFormat {
                        input: #i,
                        value: ::core::convert::Into::into(#x[#i]),
                    })
                }
            }
        }
    });
    quote! {
        #[allow(unreachable_patterns)]
        fn eval_fixed_at<X: ::core::marker::Copy + ::core::convert::Into<i128>>(#x: &[X]) -> ::core::result::Result<i128, ::qrelu::CheckError> {
            if #x.len() != #n {
                return ::core::result::Result::Err(::qrelu::CheckError::Dimension { expected: #n, found: #x.len() });
            }
            #name::eval_fixed(#(#args),*).map(::core::convert::From::from)
        }
    }
}

/// The associated items of the inherent impl, which the private block and
/// chunk functions must not shadow (nor the trait's, for readers).
const ASSOCIATED: &[&str] = &[
    "INFO",
    "JSON",
    "eval",
    "eval_fixed",
    "eval_batch",
    "target",
    "eval_at",
    "target_at",
    "eval_fixed_at",
];

/// Networks of at most this many weights evaluate batches 32 points at a
/// time with AVX-512 (8 for a batch's tail and with other instruction
/// sets): measured on a machine with AVX-512, f_s^12 (140 weights) ran at
/// 2.8 ns per point in 32 lanes against 4.9 in 16, f_s^24 about 10% faster,
/// while a 564-weight product ran as fast in both and `Mix` (1,204
/// weights) four times slower in 32 (its values spill).
pub const BATCH_WIDEST_LIMIT: usize = 300;

/// Networks of at most this many weights (and more than
/// [`BATCH_WIDEST_LIMIT`]) evaluate batches 16 points at a time with
/// AVX-512 (8 for a batch's tail and with other instruction sets), larger
/// ones 8 up to [`INLINE_LIMIT`] and 4 beyond it, where the network's
/// functions are no longer inlined into the batch sweep
/// (`qrelu_runtime::batch::eval_batch_on`, measured in `benches/eval.rs`).
pub const BATCH_WIDE_LIMIT: usize = 600;

/// One copy of the network's body: its block, chunk and group functions
/// (inlined as `inlining` says, named in `items`) and the statements and
/// final expression of the function that calls them.
fn body(
    generator: &Generator,
    inlining: Inlining,
    items: &mut Scope,
) -> (Vec<TokenStream>, TokenStream) {
    let (mut fns, steps) = generator.plan(inlining, items);
    // constants named by the body itself: the output's, and the inline
    // units' when not chunked
    let mut consts = Consts::new(&generator.const_names);
    let (chunk_fns, stmts, out) = chunk(
        generator,
        steps,
        &generator.twins.output,
        &mut consts,
        inlining,
        items,
    );
    fns.extend(chunk_fns);
    let lets = consts.lets();
    (fns, quote! { #lets #(#stmts)* #out })
}

/// The generated items for one network.
pub fn expand_net(item: &Item, c: &Construction) -> TokenStream {
    let net = &c.net;
    let generator = Generator::new(net, &item.inputs, item.taken);
    let big = c.metrics.weights > INLINE_LIMIT;
    let mut items = Scope::default();
    for a in ASSOCIATED {
        items.take_str(a);
    }
    let (helper_fns, eval_body) = if big {
        body(&generator, Inlining::Never, &mut items)
    } else {
        body(&generator, Inlining::Hint, &mut items)
    };
    // small networks: a second copy for the batch sweep (`Inlining::Always`)
    let lanes = (!big).then(|| {
        let (fns, body) = body(&generator, Inlining::Always, &mut items);
        (items.fresh("eval_lanes"), fns, body)
    });

    let Attrs {
        on_struct,
        on_impls,
    } = Attrs::split(item.attrs);
    let derive = Attrs::derive();
    let vis = item.vis;
    let name = item.name;
    let inputs = &item.inputs;
    let n_inputs = inputs.len();
    let idx = 0..n_inputs;
    let idx2 = 0..n_inputs;
    let idx3 = 0..n_inputs;
    // the slice parameter of `eval_at` and `target_at`
    let x = item.taken.clone().fresh("x");
    let always = Inlining::Always.attr();
    let (lanes_fns, lanes_at) = match &lanes {
        None => (None, None),
        Some((lanes_name, fns, body)) => (
            Some(quote! {
                #[doc(hidden)]
                #always
                fn #lanes_name<T: ::qrelu::Scalar>(#(#inputs: T),*) -> T { #body }
                #(#fns)*
            }),
            Some(quote! {
                #always
                fn eval_lanes_at<T: ::qrelu::Scalar>(#x: &[T]) -> ::core::result::Result<T, ::qrelu::CheckError> {
                    if #x.len() != #n_inputs {
                        return ::core::result::Result::Err(::qrelu::CheckError::Dimension { expected: #n_inputs, found: #x.len() });
                    }
                    ::core::result::Result::Ok(#name::#lanes_name(#(#x[#idx3].clone()),*))
                }
            }),
        ),
    };
    // lanes per batch step (BATCH_WIDEST_LIMIT, BATCH_WIDE_LIMIT): 32 or 16
    // keep a small network's values in AVX-512 registers with enough
    // independent work to hide latency; larger ones spill, and fewer lanes
    // spill less
    let (wide, narrow): (usize, usize) = if c.metrics.weights <= BATCH_WIDEST_LIMIT {
        (32, 8)
    } else if c.metrics.weights <= BATCH_WIDE_LIMIT {
        (16, 8)
    } else if !big {
        (8, 8)
    } else {
        (4, 4)
    };
    let plan = fixed_plan(c);
    let info = info(item, c, plan.as_ref());
    let fixed_fn = plan.as_ref().map(|p| fixed_fn(item, p));
    let fixed_at_fn = plan.as_ref().map(|p| fixed_at_fn(item, p, &x));
    let json = qrelu_core::export::json::to_json(c);
    let poly = c.spec.target.poly();
    let input_names: Vec<String> = inputs.iter().map(|i| i.unraw().to_string()).collect();
    let target_text = c
        .spec
        .target
        .display_with(&input_names.iter().map(String::as_str).collect::<Vec<_>>());
    let eval_doc = format!(
        "Evaluates the network: {} weights in the codebook {{{}}}, depth {}, \
         within {} of `{}` on its domain.",
        c.metrics.weights,
        net.codebook()
            .values()
            .iter()
            .map(rational::display)
            .collect::<Vec<_>>()
            .join(", "),
        c.metrics.depth,
        rational::display(&c.error_bound),
        target_text
    );
    // a polynomial target is unrolled and exact in every scalar type; any
    // other runs its program and has no exact value (`CheckError::NotExact`)
    let (target_fn, target_call) = match poly {
        Some(p) => {
            let body = target_body(p, inputs, item.taken);
            let doc = format!("The exact target `{target_text}`.");
            (
                quote! {
                    #[doc = #doc]
                    #vis fn target<T: ::qrelu::Scalar>(#(#inputs: T),*) -> T {
                        #body
                    }
                },
                quote!(::core::result::Result::Ok(#name::target(#(#x[#idx2].clone()),*))),
            )
        }
        None => {
            let doc = format!(
                "The target `{target_text}` in `T`, through `INFO.target_program`: \
                 `f64` and `f32` evaluate its functions with libm; exact rationals \
                 have no value for them and return `CheckError::NotExact`."
            );
            (
                quote! {
                    #[doc = #doc]
                    #vis fn target<T: ::qrelu::Scalar>(#(#inputs: T),*) -> ::core::result::Result<T, ::qrelu::CheckError> {
                        #name::INFO.target_eval(&[#(#inputs),*])
                    }
                },
                quote!(#name::INFO.target_eval(#x)),
            )
        }
    };

    quote! {
        #(#on_struct)*
        #derive
        #vis struct #name;

        #(#on_impls)*
        #[allow(clippy::all, clippy::pedantic, unused_variables, non_snake_case)]
        impl #name {
            /// Size, codebook and error bound of this network.
            #vis const INFO: ::qrelu::NetInfo = #info;

            /// The network in the `qrelu-net/1` JSON format.
            #vis const JSON: &'static str = #json;

            #[doc = #eval_doc]
            #vis fn eval<T: ::qrelu::Scalar>(#(#inputs: T),*) -> T { #eval_body }

            /// The network at every point of a batch given as columns
            /// (`inputs[i][k]` is input `i` of point `k`) into `out`, in `f64`
            /// or `f32`, several points at a time on the vector units, each
            /// result bit-identical to `eval` at that point
            /// (`qrelu::Network::eval_batch`).
            ///
            /// # Errors
            ///
            /// `CheckError::Dimension` if there is not one column per input,
            /// `CheckError::BatchLength` if a column's length is not `out.len()`.
            #[inline]
            #vis fn eval_batch<F: ::qrelu::__private::Float>(inputs: &[&[F]], out: &mut [F]) -> ::core::result::Result<(), ::qrelu::CheckError> {
                <Self as ::qrelu::Network>::eval_batch(inputs, out)
            }

            #fixed_fn

            #target_fn

            #(#helper_fns)*
            #lanes_fns
        }

        #(#on_impls)*
        impl ::qrelu::Network for #name {
            const INFO: ::qrelu::NetInfo = #name::INFO;
            const JSON: &'static str = #name::JSON;

            fn eval_at<T: ::qrelu::Scalar>(#x: &[T]) -> ::core::result::Result<T, ::qrelu::CheckError> {
                if #x.len() != #n_inputs {
                    return ::core::result::Result::Err(::qrelu::CheckError::Dimension { expected: #n_inputs, found: #x.len() });
                }
                ::core::result::Result::Ok(#name::eval(#(#x[#idx].clone()),*))
            }

            #lanes_at

            fn target_at<T: ::qrelu::Scalar>(#x: &[T]) -> ::core::result::Result<T, ::qrelu::CheckError> {
                if #x.len() != #n_inputs {
                    return ::core::result::Result::Err(::qrelu::CheckError::Dimension { expected: #n_inputs, found: #x.len() });
                }
                #target_call
            }

            fn eval_batch<F: ::qrelu::__private::Float>(inputs: &[&[F]], out: &mut [F]) -> ::core::result::Result<(), ::qrelu::CheckError> {
                ::qrelu::__private::eval_batch_on::<Self, F, #wide, #narrow>(::qrelu::__private::Isa::detect(), inputs, out)
            }

            #fixed_at_fn
        }
    }
}

/// The items a user expects, with bodies that never run: emitted beside the
/// errors so that one mistake gives one error, not a cascade. `eval` and
/// `target` take `n_inputs` arguments bound to `_`, so that no input name,
/// however wrong, is an error of its own here; `taken` is as in [`Item`].
pub fn expand_stub(
    attrs: &[syn::Attribute],
    vis: &syn::Visibility,
    name: &Ident,
    n_inputs: usize,
    taken: &Scope,
) -> TokenStream {
    let Attrs {
        on_struct,
        on_impls,
    } = Attrs::split(attrs);
    let derive = Attrs::derive();
    let args: Vec<TokenStream> = (0..n_inputs).map(|_| quote!(_: T)).collect();
    let x = taken.clone().fresh("x");
    quote! {
        #(#on_struct)*
        #derive
        #vis struct #name;

        #(#on_impls)*
        #[allow(unused_variables, dead_code, clippy::all)]
        impl #name {
            /// Stub: the invocation has errors.
            #vis const INFO: ::qrelu::NetInfo = ::qrelu::__private::STUB_INFO;
            /// Stub: the invocation has errors.
            #vis const JSON: &'static str = "";
            /// Stub: the invocation has errors.
            #vis fn eval<T: ::qrelu::Scalar>(#(#args),*) -> T { ::core::unreachable!() }
            /// Stub: the invocation has errors.
            #vis fn eval_batch<F>(inputs: &[&[F]], out: &mut [F]) -> ::core::result::Result<(), ::qrelu::CheckError> { ::core::unreachable!() }
            /// Stub: the invocation has errors.
            #vis fn eval_fixed<T>(#(#args),*) -> ::core::result::Result<T, ::qrelu::CheckError> { ::core::unreachable!() }
            /// Stub: the invocation has errors.
            #vis fn target<T: ::qrelu::Scalar>(#(#args),*) -> T { ::core::unreachable!() }
        }

        #(#on_impls)*
        impl ::qrelu::Network for #name {
            const INFO: ::qrelu::NetInfo = ::qrelu::__private::STUB_INFO;
            const JSON: &'static str = "";
            fn eval_at<T: ::qrelu::Scalar>(#x: &[T]) -> ::core::result::Result<T, ::qrelu::CheckError> {
                ::core::result::Result::Err(::qrelu::CheckError::Dimension { expected: #n_inputs, found: #x.len() })
            }
            fn target_at<T: ::qrelu::Scalar>(#x: &[T]) -> ::core::result::Result<T, ::qrelu::CheckError> {
                ::core::result::Result::Err(::qrelu::CheckError::Dimension { expected: #n_inputs, found: #x.len() })
            }
        }
    }
}
