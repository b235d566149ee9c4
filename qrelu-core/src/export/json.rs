//! The `qrelu-net/1` JSON format (SPEC §7).
//!
//! ```json
//! {"format": "qrelu-net/1", "name": "Square", "inputs": ["x"],
//!  "domain": [["0", "1"]], "codebook": ["-1/2", "1/2"],
//!  "units": [{"kind": "input", "name": "x"},
//!            {"kind": "relu", "bias": "0", "in": [[0, "1/2"]]}],
//!  "output": {"bias": "0", "in": [[1, "1/2"]]},
//!  "target": [{"coef": "1", "pow": [2]}],
//!  "target_expr": "x^2",
//!  "error_bound": "1/256"}
//! ```
//!
//! `"target_expr"` is the target as canonical DSL text, parseable by the
//! DSL's grammar; `"target"` lists a polynomial's terms and is `null` when
//! the target is not a polynomial.
//!
//! Keys appear in this order; units are topological (every `in` source is
//! a smaller index), inputs first; rationals are exact strings `"p"` or
//! `"p/q"`. Fields added by qrelu beyond the example (readers may ignore
//! them): `"lambda"`, `"quantization"`, `"structure"`, `"r"`, `"t"` at the top
//! level (`"r"` is `null` for `structure = lipschitz`, which has no
//! products; there `"t"` is the precision of f̃, Theorem 2's `t = log₂ m`
//! in Fig. 4's network, and may be 0: m = 1 when `eps` is coarse), and `"block"` (kind), `"instance"`, `"role"` and `"part"` on hidden
//! units — `"part"` names the block of the paper's Table 1 the unit belongs
//! to (`"B_w"`, `"B_N"`, `"B_abs"`, `"B_s"`, `"B_h"`, `"B_mul"`; see
//! [`crate::net::Part`]) and is left out for a unit outside every part. The
//! output is deterministic: the same construction always prints the same
//! bytes.

use std::fmt::Write;

use crate::construct::Construction;
use crate::net::UnitKind;
use crate::poly::Poly;
use crate::rational::{self, Rational};

fn q(out: &mut String, v: &Rational) {
    out.push('"');
    out.push_str(&rational::display(v));
    out.push('"');
}

fn s(out: &mut String, text: &str) {
    // serde_json escapes exactly as JSON requires
    out.push_str(&serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned()));
}

fn edges(out: &mut String, edges: &[crate::net::Edge]) {
    out.push('[');
    for (i, e) in edges.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "[{}, ", e.src);
        q(out, &e.weight);
        out.push(']');
    }
    out.push(']');
}

/// The construction as `qrelu-net/1` JSON.
///
/// ```
/// use qrelu_core::{build, export::json, NetSpec, Poly};
/// let mut spec = NetSpec::new("Square", &["x"], Poly::var(1, 0).pow(2));
/// spec.r = Some(1);
/// let text = json::to_json(&build(&spec).unwrap());
/// let v: serde_json::Value = serde_json::from_str(&text).unwrap();
/// assert_eq!(v["format"], "qrelu-net/1");
/// assert_eq!(v["error_bound"], "1/16");
/// ```
pub fn to_json(c: &Construction) -> String {
    let net = &c.net;
    let mut out = String::new();
    out.push_str("{\"format\": \"qrelu-net/1\", \"name\": ");
    s(&mut out, &c.spec.name);
    out.push_str(", \"inputs\": [");
    for (i, name) in net.inputs().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        s(&mut out, name);
    }
    out.push_str("],\n \"domain\": [");
    for (i, (lo, hi)) in c.spec.domain.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('[');
        q(&mut out, lo);
        out.push_str(", ");
        q(&mut out, hi);
        out.push(']');
    }
    out.push_str("], \"codebook\": [");
    for (i, v) in net.codebook().values().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        q(&mut out, v);
    }
    out.push_str("],\n \"units\": [");
    for (i, u) in net.units().iter().enumerate() {
        if i > 0 {
            out.push_str(",\n           ");
        }
        match &u.kind {
            UnitKind::Input { index } => {
                out.push_str("{\"kind\": \"input\", \"name\": ");
                s(&mut out, &net.inputs()[*index]);
                out.push('}');
            }
            UnitKind::Relu { bias, inputs } => {
                out.push_str("{\"kind\": \"relu\", \"bias\": ");
                q(&mut out, bias);
                out.push_str(", \"in\": ");
                edges(&mut out, inputs);
                let block = &net.blocks()[u.block];
                out.push_str(", \"block\": ");
                s(&mut out, &block.kind);
                let _ = write!(out, ", \"instance\": {}, \"role\": ", block.instance);
                s(&mut out, &u.role);
                if let Some(part) = net.part_of(i) {
                    let _ = write!(out, ", \"part\": \"{}\"", part.kind());
                }
                out.push('}');
            }
        }
    }
    out.push_str("],\n \"output\": {\"bias\": ");
    q(&mut out, &net.output().bias);
    out.push_str(", \"in\": ");
    edges(&mut out, &net.output().inputs);
    out.push_str("},\n \"target\": ");
    target_terms(&mut out, c.spec.target.poly());
    out.push_str(",\n \"target_expr\": ");
    let names: Vec<&str> = c.spec.inputs.iter().map(String::as_str).collect();
    s(&mut out, &c.spec.target.display_with(&names));
    out.push_str(",\n \"error_bound\": ");
    q(&mut out, &c.error_bound);
    let _ = write!(
        out,
        ",\n \"lambda\": {}, \"quantization\": \"{}\", \"structure\": \"{}\", \"r\": {}, \"t\": {}}}\n",
        net.codebook().lambda(),
        net.codebook().quantization().name(),
        c.spec.structure.name(),
        // `structure = lipschitz` has no products, so no squaring depth
        c.params.r.map_or("null".to_owned(), |r| r.to_string()),
        c.params.t
    );
    out
}

/// The polynomial's terms as `[{"coef": .., "pow": [..]}, ..]`, or `null`
/// for a target that is not a polynomial (SPEC §7).
fn target_terms(out: &mut String, poly: Option<&Poly>) {
    let Some(poly) = poly else {
        out.push_str("null");
        return;
    };
    out.push('[');
    for (i, (pow, coef)) in poly.terms().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("{\"coef\": ");
        q(out, coef);
        out.push_str(", \"pow\": [");
        for (j, e) in pow.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{e}");
        }
        out.push_str("]}");
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poly::Poly;
    use crate::{NetSpec, build};

    #[test]
    fn valid_json_in_spec_shape() {
        let mut spec = NetSpec::new("Sq\"uare", &["x"], Poly::var(1, 0).pow(2));
        spec.r = Some(3);
        let c = build(&spec).unwrap();
        let text = to_json(&c);
        assert_eq!(text, to_json(&c), "deterministic");
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v["name"], "Sq\"uare");
        assert_eq!(v["units"][0]["kind"], "input");
        assert_eq!(v["units"].as_array().unwrap().len(), c.net.units().len());
        assert_eq!(
            v["output"]["in"].as_array().unwrap().len(),
            c.net.output().inputs.len()
        );
        assert_eq!(v["target"][0]["pow"][0], 2);
        assert_eq!(v["codebook"], serde_json::json!(["-1/2", "1/2"]));
        assert_eq!(v["error_bound"], "1/256");
        // every hidden unit names its Table 1 part: the gates of x, the
        // constants K_j, the squaring network
        let parts: Vec<&str> = v["units"].as_array().unwrap()[1..]
            .iter()
            .map(|u| u["part"].as_str().unwrap())
            .collect();
        assert_eq!(parts[0], "B_abs");
        assert!(parts.contains(&"B_N") && parts.contains(&"B_mul"));
    }
}
