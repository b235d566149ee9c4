//! AST → qrelu-core: turn a validated item into a [`NetSpec`], build it, and
//! map the core's errors back to the tokens they are about.

use qrelu_core::spec::DEFAULT_MAX_WEIGHTS;
use qrelu_core::{Construction, CoreError, NetSpec, Param, Quantization, Structure, Subject};

use crate::ast::SpanRange;
use crate::valid::ValidNet;

/// The [`NetSpec`] of a validated item (defaults of the DSL filled in).
pub fn spec(net: &ValidNet) -> NetSpec {
    let p = &net.params;
    NetSpec {
        name: net.name.to_string(),
        inputs: net.inputs.iter().map(|i| i.name.to_string()).collect(),
        domain: net
            .inputs
            .iter()
            .map(|i| (i.lo.clone(), i.hi.clone()))
            .collect(),
        target: net.target.clone(),
        r: p.small(Param::R),
        t: p.small(Param::T),
        lambda: p.small(Param::Lambda).unwrap_or(2),
        quantization: p
            .word(Param::Quantization)
            .and_then(Quantization::from_name)
            .unwrap_or(Quantization::Nonlinear),
        structure: p
            .word(Param::Structure)
            .and_then(Structure::from_name)
            .unwrap_or(Structure::Direct),
        eps: p.fraction(Param::Eps).cloned(),
        n: p.small(Param::Order),
        grid: p.small(Param::Grid),
        tune: p.word(Param::Tune).is_some(),
        max_weights: p.int(Param::MaxWeights).unwrap_or(DEFAULT_MAX_WEIGHTS),
    }
}

/// The tokens an error points at: the whole target, or the part of it
/// the error names; a domain; a parameter
/// from its key to its value (`structure = taylor`), or `where` when the
/// parameter is absent; else the net's name.
fn range_of(net: &ValidNet, err: &CoreError) -> SpanRange {
    match err.subject() {
        Subject::Target => net.target_range,
        Subject::TargetPart(path) => net
            .target_spans
            .iter()
            .rev()
            .find(|(p, _)| p == &path)
            .map_or(net.target_range, |(_, s)| *s),
        Subject::Domain(i) => SpanRange::single(
            net.inputs
                .get(i)
                .map_or_else(|| net.name.span(), |i| i.domain_span),
        ),
        Subject::Param(param) => match net.params.values.get(&param) {
            Some(s) => SpanRange {
                start: s.key_span,
                end: s.value_span,
            },
            None => SpanRange::single(net.params.where_span),
        },
        Subject::Argument(_) | Subject::Net => SpanRange::single(net.name.span()),
    }
}

/// Builds the network of `net`, or a spanned error.
pub fn lower(net: &ValidNet) -> syn::Result<Construction> {
    qrelu_core::build(&spec(net))
        .map_err(|e| syn::Error::new_spanned(range_of(net, &e), e.to_string()))
}
