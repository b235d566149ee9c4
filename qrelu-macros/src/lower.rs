//! AST → qrelu-core: turn a validated item into a [`NetSpec`], build it, and
//! map the core's errors back to the tokens they are about.

use proc_macro2::Span;
use qrelu_core::construct::{self, DEFAULT_MAX_WEIGHTS};
use qrelu_core::{Construction, CoreError, NetSpec, Quantization, Structure, Subject};

use crate::ast::SpanRange;
use crate::valid::{self, ValidNet};

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
        r: p.r.as_ref().map(|s| s.value),
        t: p.t.as_ref().map(|s| s.value),
        lambda: p.lambda.as_ref().map_or(2, |s| s.value),
        quantization: match p.quantization.as_ref().map(|s| &s.value) {
            Some(valid::Quantization::Linear) => Quantization::Linear,
            _ => Quantization::Nonlinear,
        },
        structure: match p.structure.as_ref().map(|s| &s.value) {
            Some(valid::Structure::Taylor) => Structure::Taylor,
            Some(valid::Structure::Lipschitz) => Structure::Lipschitz,
            _ => Structure::Direct,
        },
        eps: p.eps.as_ref().map(|s| s.value.clone()),
        n: p.n.as_ref().map(|s| s.value),
        grid: p.grid.as_ref().map(|s| s.value),
        tune: p.tune.is_some(),
        max_weights: p
            .max_weights
            .as_ref()
            .map_or(DEFAULT_MAX_WEIGHTS, |s| s.value),
    }
}

/// The tokens an error points at: the whole target; a domain; a parameter
/// from its key to its value (`structure = taylor`), or `where` when the
/// parameter is absent; else the net's name.
fn range_of(net: &ValidNet, err: &CoreError) -> SpanRange {
    let p = &net.params;
    let param = |key: Option<Span>, value: Option<Span>| match (key, value) {
        (Some(start), Some(end)) => SpanRange { start, end },
        _ => SpanRange::single(p.where_span),
    };
    macro_rules! param {
        ($field:expr) => {
            param(
                $field.as_ref().map(|s| s.key_span),
                $field.as_ref().map(|s| s.value_span),
            )
        };
    }
    match err.subject() {
        Subject::Target => net.target_range,
        Subject::Domain(i) => SpanRange::single(
            net.inputs
                .get(i)
                .map_or_else(|| net.name.span(), |i| i.domain_span),
        ),
        Subject::Param("r") => param!(p.r),
        Subject::Param("t") => param!(p.t),
        Subject::Param("lambda") => param!(p.lambda),
        Subject::Param("quantization") => param!(p.quantization),
        Subject::Param("structure") => param!(p.structure),
        Subject::Param("eps") => param!(p.eps),
        Subject::Param("n") => param!(p.n),
        Subject::Param("N") => param!(p.grid),
        Subject::Param("tune") => param!(p.tune),
        Subject::Param("max_weights") => param!(p.max_weights),
        Subject::Param(_) | Subject::Net => SpanRange::single(net.name.span()),
    }
}

/// Builds the network of `net`, or a spanned error.
pub fn lower(net: &ValidNet) -> syn::Result<Construction> {
    construct::build(&spec(net))
        .map_err(|e| syn::Error::new_spanned(range_of(net, &e), e.to_string()))
}
