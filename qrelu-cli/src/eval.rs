//! `qrelu eval`: one net at one point, exactly (rationals) and in f64 (in
//! the order the generated code sums), from the DSL or from a
//! `qrelu-net/1` JSON file (SPEC §7) — so an exported file can be checked
//! without the DSL that made it.

use clap::Args;
use qrelu_core::rational::{self, Rational};
use serde_json::Value as Json;

use crate::Failure;
use crate::source::Source;
use crate::target;

/// The net and the point.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// DSL text, a DSL file, a `qrelu-net/1` JSON file, or - for stdin
    source: String,
    /// one value per input: integers, p/q or decimals (`3/8`, `-0.25`,
    /// `1e-3`), read exactly
    #[arg(allow_hyphen_values = true, required = true, value_name = "X")]
    point: Vec<String>,
    /// which net, when the source has several
    #[arg(long)]
    net: Option<String>,
}

/// A net read from the DSL or from JSON: enough to evaluate it.
struct Loaded {
    name: String,
    inputs: Vec<String>,
    domain: Vec<(Rational, Rational)>,
    /// per unit: `None` for an input, else bias and edges
    units: Vec<Option<Affine>>,
    output: Affine,
    /// the target, when known (from the DSL)
    target: Option<qrelu_core::spec::Target>,
}

type Affine = (Rational, Vec<(usize, Rational)>);

/// Runs `qrelu eval`.
pub fn run(args: &EvalArgs) -> Result<(), Failure> {
    let source = Source::read(&args.source)?;
    let net = if source.is_json() {
        from_json(&source.text)?
    } else {
        from_dsl(&source, args.net.as_deref())?
    };
    if args.point.len() != net.inputs.len() {
        return Err(Failure::Usage(format!(
            "{} has {} input{} ({}), found {} value{}",
            net.name,
            net.inputs.len(),
            plural(net.inputs.len()),
            net.inputs.join(", "),
            args.point.len(),
            plural(args.point.len())
        )));
    }
    let mut exact = Vec::new();
    let mut float = Vec::new();
    for ((text, name), (lo, hi)) in args.point.iter().zip(&net.inputs).zip(&net.domain) {
        let q = target::parse_number(text).ok_or_else(|| {
            Failure::Usage(format!(
                "`{text}` (for {name}) is not a number: write an integer, p/q or a decimal"
            ))
        })?;
        if q < *lo || q > *hi {
            return Err(Failure::Failed(format!(
                "{name} = {text} is outside the domain [{}, {}]",
                rational::display(lo),
                rational::display(hi)
            )));
        }
        let f: f64 = text.parse().unwrap_or_else(|_| rational::to_f64(&q));
        exact.push(q);
        float.push(f);
    }
    print!("{}", report(&net, &args.point, &exact, &float));
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What `eval` prints.
fn report(net: &Loaded, texts: &[String], exact: &[Rational], float: &[f64]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let point: Vec<String> = net
        .inputs
        .iter()
        .zip(texts)
        .map(|(n, t)| format!("{n} = {t}"))
        .collect();
    let _ = writeln!(out, "{} at {}", net.name, point.join(", "));
    let value = net.exact(exact);
    let _ = writeln!(
        out,
        "  network, exact   {} ≈ {:.17e}",
        rational::display(&value),
        rational::to_f64(&value)
    );
    let f = net.float(float);
    let at_float: Option<Vec<Rational>> = float.iter().map(|&v| Rational::from_float(v)).collect();
    let exact_at_float = at_float.as_ref().map(|x| net.exact(x));
    let note = match &exact_at_float {
        Some(v) if Rational::from_float(f).as_ref() == Some(v) => {
            "equal to the exact value at the f64 input".to_owned()
        }
        Some(v) => match Rational::from_float(f) {
            Some(fq) => format!(
                "rounded: {:.3e} from the exact value at the f64 input",
                rational::to_f64(&rational::abs(&(fq - v)))
            ),
            None => "not finite".to_owned(),
        },
        None => "not finite".to_owned(),
    };
    let _ = writeln!(out, "  network, f64     {f:?} ({note})");
    if at_float.as_deref() != Some(exact) {
        let _ = writeln!(
            out,
            "  (the f64 input is not the exact point: {})",
            float
                .iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(t) = &net.target {
        match target::value(t, exact) {
            Ok(target::Value::Exact(v)) => {
                let _ = writeln!(
                    out,
                    "  target           {} ≈ {:.17e}",
                    rational::display(&v),
                    rational::to_f64(&v)
                );
                let e = rational::abs(&(&value - &v));
                let _ = writeln!(
                    out,
                    "  |net − target|   {} ≈ {:.6e}",
                    rational::display(&e),
                    rational::to_f64(&e)
                );
            }
            Ok(target::Value::Enclosed(lo, hi)) => {
                let _ = writeln!(
                    out,
                    "  target           in [{:.17e}, {:.17e}]",
                    rational::to_f64(&lo),
                    rational::to_f64(&hi)
                );
                let a = rational::abs(&(&value - &lo));
                let b = rational::abs(&(&value - &hi));
                let (min, max) = if a < b { (a, b) } else { (b, a) };
                let min = if lo <= value && value <= hi {
                    Rational::from_integer(0.into())
                } else {
                    min
                };
                let _ = writeln!(
                    out,
                    "  |net − target|   in [{:.6e}, {:.6e}]",
                    rational::to_f64(&min),
                    rational::to_f64(&max)
                );
            }
            Err(e) => {
                let _ = writeln!(out, "  target           {e}");
            }
        }
    }
    out
}

impl Loaded {
    /// The output at `x`, exactly.
    fn exact(&self, x: &[Rational]) -> Rational {
        let mut values: Vec<Rational> = Vec::with_capacity(self.units.len());
        let mut inputs = x.iter();
        for unit in &self.units {
            let v = match unit {
                None => inputs.next().cloned().unwrap_or_default(),
                Some((bias, edges)) => rational::relu(&affine(bias, edges, &values)),
            };
            values.push(v);
        }
        affine(&self.output.0, &self.output.1, &values)
    }

    /// The output at `x` in f64, summing `bias + w·v` edge by edge as the
    /// generated code and `qrelu_core::eval::eval_f64` do.
    fn float(&self, x: &[f64]) -> f64 {
        let convert = |(bias, edges): &Affine| -> (f64, Vec<(usize, f64)>) {
            (
                rational::to_f64(bias),
                edges
                    .iter()
                    .map(|(s, w)| (*s, rational::to_f64(w)))
                    .collect(),
            )
        };
        let sum = |(bias, edges): &(f64, Vec<(usize, f64)>), values: &[f64]| {
            edges.iter().fold(*bias, |acc, (s, w)| acc + w * values[*s])
        };
        let mut values: Vec<f64> = Vec::with_capacity(self.units.len());
        let mut inputs = x.iter();
        for unit in &self.units {
            let v = match unit {
                None => inputs.next().copied().unwrap_or(f64::NAN),
                Some(a) => sum(&convert(a), &values).max(0.0),
            };
            values.push(v);
        }
        sum(&convert(&self.output), &values)
    }
}

fn affine(bias: &Rational, edges: &[(usize, Rational)], values: &[Rational]) -> Rational {
    edges
        .iter()
        .fold(bias.clone(), |acc, (s, w)| acc + w * &values[*s])
}

fn from_dsl(source: &Source, which: Option<&str>) -> Result<Loaded, Failure> {
    let mut nets = source.compile()?;
    let index = match which {
        Some(name) => nets
            .iter()
            .position(|c| c.construction.spec.name == name)
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "no net named {name}; the nets are {}",
                    names(&nets)
                ))
            })?,
        None if nets.len() == 1 => 0,
        None => {
            return Err(Failure::Usage(format!(
                "{} nets ({}): say which with --net NAME",
                nets.len(),
                names(&nets)
            )));
        }
    };
    let c = nets.swap_remove(index).construction;
    let net = &c.net;
    // the meaning of qrelu-core's evaluator (`eval::eval`, `eval_f64`), checked in the tests
    let units = net
        .units()
        .iter()
        .map(|u| match &u.kind {
            qrelu_core::net::UnitKind::Input { .. } => None,
            qrelu_core::net::UnitKind::Relu { bias, inputs } => Some((
                bias.clone(),
                inputs.iter().map(|e| (e.src, e.weight.clone())).collect(),
            )),
        })
        .collect();
    let out = net.output();
    Ok(Loaded {
        name: c.spec.name.clone(),
        inputs: c.spec.inputs.clone(),
        domain: c.spec.domain.clone(),
        units,
        output: (
            out.bias.clone(),
            out.inputs
                .iter()
                .map(|e| (e.src, e.weight.clone()))
                .collect(),
        ),
        target: Some(c.spec.target),
    })
}

fn names(nets: &[qrelu_syntax::source::Compiled]) -> String {
    nets.iter()
        .map(|c| c.construction.spec.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A `qrelu-net/1` document, checked as it is read: the format tag,
/// rationals, topological order and an input count that matches.
fn from_json(text: &str) -> Result<Loaded, Failure> {
    let bad = |what: &str| Failure::Failed(format!("not a qrelu-net/1 network: {what}"));
    let doc: Json = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
    if doc["format"] != "qrelu-net/1" {
        return Err(bad("\"format\" is not \"qrelu-net/1\""));
    }
    let q = |v: &Json, what: &str| -> Result<Rational, Failure> {
        v.as_str()
            .and_then(rational::parse)
            .ok_or_else(|| bad(&format!("{what} is not a rational string")))
    };
    let inputs: Vec<String> = doc["inputs"]
        .as_array()
        .ok_or_else(|| bad("no \"inputs\""))?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad("an input name is not a string"))
        })
        .collect::<Result<_, _>>()?;
    let domain = doc["domain"]
        .as_array()
        .filter(|d| d.len() == inputs.len())
        .ok_or_else(|| bad("\"domain\" does not have one interval per input"))?
        .iter()
        .map(|d| Ok((q(&d[0], "a domain end")?, q(&d[1], "a domain end")?)))
        .collect::<Result<Vec<_>, Failure>>()?;
    let edges = |v: &Json, limit: usize| -> Result<Vec<(usize, Rational)>, Failure> {
        v.as_array()
            .ok_or_else(|| bad("\"in\" is not a list"))?
            .iter()
            .map(|e| {
                let src = e[0]
                    .as_u64()
                    .map(|s| s as usize)
                    .filter(|&s| s < limit)
                    .ok_or_else(|| bad("an edge's source is not an earlier unit"))?;
                Ok((src, q(&e[1], "a weight")?))
            })
            .collect()
    };
    let json_units = doc["units"].as_array().ok_or_else(|| bad("no \"units\""))?;
    let mut units = Vec::with_capacity(json_units.len());
    let mut seen_inputs = 0;
    for (i, u) in json_units.iter().enumerate() {
        match u["kind"].as_str() {
            Some("input") if seen_inputs == i => {
                seen_inputs += 1;
                units.push(None);
            }
            Some("relu") => units.push(Some((q(&u["bias"], "a bias")?, edges(&u["in"], i)?))),
            _ => {
                return Err(bad(&format!(
                    "unit {i} is neither an input (first) nor relu"
                )));
            }
        }
    }
    if seen_inputs != inputs.len() {
        return Err(bad("the input units do not match \"inputs\""));
    }
    let output = (
        q(&doc["output"]["bias"], "the output bias")?,
        edges(&doc["output"]["in"], units.len())?,
    );
    Ok(Loaded {
        name: doc["name"].as_str().unwrap_or("net").to_owned(),
        inputs,
        domain,
        units,
        output,
        target: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrelu_core::eval::{self, Evaluator};
    use qrelu_core::export::json;

    /// From the DSL and from its JSON, the same values as qrelu-core's
    /// evaluators, exact and f64 bit for bit.
    #[test]
    fn json_and_dsl_agree_with_the_core() {
        let source = Source {
            name: "<test>".to_owned(),
            text: "net P(x in [-1, 1], y in [-1, 1]) = x*y - x/3 where r = 4, lambda = 3, t = 8;"
                .to_owned(),
        };
        let c = source.compile().unwrap().remove(0).construction;
        let from_json = from_json(&json::to_json(&c)).unwrap();
        let from_dsl = from_dsl(&source, None).unwrap();
        let evaluator = Evaluator::<f64>::new(&c.net);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200 {
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
            };
            let x = [next(), next()];
            let q: Vec<Rational> = x
                .iter()
                .map(|&v| Rational::from_float(v).unwrap())
                .collect();
            let reference = eval::eval(&c.net, &q);
            for net in [&from_json, &from_dsl] {
                assert_eq!(net.exact(&q), reference);
                assert_eq!(net.float(&x).to_bits(), evaluator.at(&x).to_bits());
            }
        }
    }

    #[test]
    fn bad_json_is_an_error() {
        for text in [
            "{}",
            r#"{"format": "qrelu-net/1", "inputs": ["x"], "domain": [["0", "1"]], "units": [{"kind": "relu", "bias": "0", "in": [[0, "1/2"]]}], "output": {"bias": "0", "in": []}}"#,
            r#"{"format": "qrelu-net/1", "inputs": ["x"], "domain": [["0", "1"]], "units": [{"kind": "input"}], "output": {"bias": "0", "in": [[1, "1/2"]]}}"#,
            r#"{"format": "qrelu-net/1", "inputs": ["x"], "domain": [["0", "1"]], "units": [{"kind": "input"}], "output": {"bias": "one", "in": []}}"#,
        ] {
            assert!(from_json(text).is_err(), "{text}");
        }
    }
}
