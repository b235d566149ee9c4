//! Names: generated code never confuses its own names with the user's.
//!
//! Each net below is paired with a twin built from the same target and
//! parameters under plain names; the construction does not depend on names,
//! so `eval` must agree with the twin's exactly, and `target` must give the
//! exact value of the polynomial. Inputs are named like the locals the
//! generator invents (`x_pow2` in `target`; `half`, `out_sum`, `tent1_a`,
//! `abs1_p`, `const1_k1` in `eval`; chunk and block function names), and
//! nets are named like locals of other nets (a net is a unit struct, which
//! a pattern of the same name would match instead of binding). Raw
//! identifiers are named without their prefix in `INFO` and the JSON.

mod common;

use common::q;
use qrelu::{Exact, Network};

qrelu::qrelu! {
    /// `target` names x² `x_pow2`: it must not read the input `x_pow2`.
    net Clash(x, x_pow2) = x^2 + x_pow2 where r = 4;
    net ClashTwin(a, b) = a^2 + b where r = 4;

    /// Powers of inputs whose names end like powers.
    net Powers(x, x_pow2, x_pow3) = x^3 - x_pow2^2 + 2*x_pow3 + x*x_pow2 where r = 5, lambda = 3;
    net PowersTwin(a, b, c) = a^3 - b^2 + 2*c + a*b where r = 5, lambda = 3;

    /// Named like `eval`'s constants and output sum, and like the slice
    /// `x` of `eval_at`; `r = 12` makes `eval` long enough to be split
    /// into chunk functions, whose parameters are these names.
    net Locals(half, out_sum) = half*out_sum where r = 12;
    net LocalsTwin(a, b) = a*b where r = 12;

    /// Named like units, chunk functions and the type parameter.
    net Units(tent1_a, abs1_p, const1_k1, chunk1, neg_half, T) =
        tent1_a*abs1_p + const1_k1*chunk1 - neg_half*T + tent1_a^2 where r = 12, lambda = 3;
    net UnitsTwin(a, b, c, d, e, f) = a*b + c*d - e*f + a^2 where r = 12, lambda = 3;
}

/// Nets named like generated locals, in a module of their own (their unit
/// structs would be matched by any pattern of that name in this module).
#[allow(non_camel_case_types)]
mod lowercase {
    qrelu::qrelu! {
        /// `half` and `out_sum` are locals of `eval`, `a` and `p` of the
        /// block functions, `x` the slice of `eval_at`, `x_pow2` a power.
        pub net half(u, v) = u*v + u^2 where r = 12;
        pub net out_sum(u) = u^2 where r = 3;
        pub net a(u) = u^3 where r = 6;
        pub net p(u, v) = u*v where r = 6;
        pub net x(u) = u^2 where r = 6;
        pub net x_pow2(u) = u^2 where r = 6;
        pub net abs1_p(u, v) = u*v where r = 6;
        pub net chunk1(u, v) = u*v where r = 12;
    }
}

qrelu::qrelu! {
    net HalfTwin(u, v) = u*v + u^2 where r = 12;
    net CubeTwin(u) = u^3 where r = 6;
    net SquareTwin(u) = u^2 where r = 6;
    net ProductTwin(u, v) = u*v where r = 6;
    net ProductTwin12(u, v) = u*v where r = 12;
    net SquareTwin3(u) = u^2 where r = 3;
}

/// `[0, 1]` at steps of 1/3 and 1/8: dyadic and non-dyadic points.
fn axis() -> Vec<Exact> {
    let mut v: Vec<Exact> = (0..=3).map(|k| q(k, 3)).collect();
    v.extend((1..8).step_by(2).map(|k| q(k, 8)));
    v
}

/// Every point of the grid `axis()^dim` (at most `limit` points, spread
/// over the grid).
fn grid(dim: usize, limit: usize) -> Vec<Vec<Exact>> {
    let axis = axis();
    let total = axis.len().pow(dim as u32);
    let step = total.div_ceil(limit).max(1);
    (0..total)
        .step_by(step)
        .map(|mut k| {
            (0..dim)
                .map(|_| {
                    let a = axis[k % axis.len()].clone();
                    k /= axis.len();
                    a
                })
                .collect()
        })
        .collect()
}

/// `A` and `B` compute the same network and target at every grid point.
fn same<A: Network, B: Network>() {
    let dim = A::INFO.dim();
    assert_eq!(dim, B::INFO.dim());
    assert_eq!(A::INFO.weights, B::INFO.weights, "{}", A::INFO.name);
    for x in grid(dim, 200) {
        assert_eq!(
            A::eval_at(&x).unwrap(),
            B::eval_at(&x).unwrap(),
            "{} at {x:?}",
            A::INFO.name
        );
        assert_eq!(
            A::target_at(&x).unwrap(),
            B::target_at(&x).unwrap(),
            "{} target at {x:?}",
            A::INFO.name
        );
    }
}

#[test]
fn powers_in_target_do_not_shadow_inputs() {
    assert_eq!(Clash::target(0.5, 0.0), 0.25);
    assert_eq!(Clash::target(q(1, 3), q(1, 5)), q(1, 9) + q(1, 5));
    // x³ − x_pow2² + 2·x_pow3 + x·x_pow2
    let (x, x2, x3) = (q(1, 2), q(1, 3), q(1, 5));
    let expected = q(1, 8) - q(1, 9) + q(2, 5) + q(1, 6);
    assert_eq!(Powers::target(x, x2, x3), expected);
    same::<Clash, ClashTwin>();
    same::<Powers, PowersTwin>();
}

#[test]
fn inputs_named_like_generated_locals() {
    assert_eq!(Locals::target(q(1, 3), q(3, 4)), q(1, 4));
    assert_eq!(
        Units::target(q(1, 2), q(1, 3), q(1, 4), q(1, 5), q(1, 6), q(1, 7)),
        q(1, 6) + q(1, 20) - q(1, 42) + q(1, 4)
    );
    same::<Locals, LocalsTwin>();
    same::<Units, UnitsTwin>();
    // the slice of `eval_at` is not the input `x` of a two-input net
    assert_eq!(
        Clash::eval_at(&[q(1, 4), q(0, 1)]).unwrap(),
        Clash::eval(q(1, 4), q(0, 1))
    );
}

#[test]
fn nets_named_like_generated_locals() {
    same::<lowercase::half, HalfTwin>();
    same::<lowercase::out_sum, SquareTwin3>();
    same::<lowercase::a, CubeTwin>();
    same::<lowercase::p, ProductTwin>();
    same::<lowercase::x, SquareTwin>();
    same::<lowercase::x_pow2, SquareTwin>();
    same::<lowercase::abs1_p, ProductTwin>();
    same::<lowercase::chunk1, ProductTwin12>();
    assert_eq!(lowercase::x_pow2::target(q(1, 3)), q(1, 9));
}

qrelu::qrelu! {
    /// Raw identifiers: the net `type` with the inputs `fn` and `match`.
    #[allow(non_camel_case_types)]
    net r#type(r#fn, r#match in [-1, 1]) = r#fn*r#match + r#fn^2 where r = 6;
    #[allow(non_camel_case_types)]
    net r#gen(x) = x^2 where r = 3;
    net TypeTwin(a, b in [-1, 1]) = a*b + a^2 where r = 6;
}

#[test]
fn raw_identifiers_are_named_without_prefix() {
    assert_eq!(r#type::INFO.name, "type");
    assert_eq!(r#type::INFO.inputs, ["fn", "match"]);
    assert_eq!(r#gen::INFO.name, "gen");
    let json: serde_json::Value = serde_json::from_str(r#type::JSON).unwrap();
    assert_eq!(json["name"], "type");
    assert_eq!(json["inputs"], serde_json::json!(["fn", "match"]));
    let units = json["units"].as_array().unwrap();
    assert_eq!(units[0]["name"], "fn");
    assert_eq!(units[1]["name"], "match");
    assert_eq!(r#type::target(q(1, 2), q(-1, 3)), q(-1, 6) + q(1, 4));
    same::<r#type, TypeTwin>();
}
