//! The squaring network f_s^r of Proposition 1 with weights ±1/2 only.
//!
//! f_s^r is the piecewise-linear interpolation of x² at the 2^r + 1 points
//! k/2^r (eq. 2), with error ≤ 2^(−2(r+1)) (eq. 3), and (eq. 5)
//!
//! ```text
//! f_s^r(x) = x − Σ_{i=1..r} 2^(−2i) g^{∘i}(x),   g(y) = 2y − 4σ(y − 1/2)   (eq. 4)
//! ```
//!
//! # Wiring (the paper's Figure 1 is not in the text; this is ours)
//!
//! The paper writes g with weights 2 and −4. We use instead
//! `g(y) = 1 − 2|y − 1/2| = 1 − 2σ(y − 1/2) − 2σ(1/2 − y)` and carry each
//! iterate `y_{i−1} = g^{∘(i−1)}(x)` as the pair of units
//!
//! ```text
//! A_i = a_i·σ(y_{i−1} − 1/2),   B_i = a_i·σ(1/2 − y_{i−1}),   a_i = 4^(1−i)
//! ```
//!
//! so that `a_{i+1}·y_i = a_{i+1} − (2a_{i+1}/a_i)(A_i + B_i) = a_{i+1} − ½(A_i + B_i)`
//! and one **tent block** is
//!
//! ```text
//! A_{i+1} = σ( ½·K_{2i} − ½·A_i − ½·B_i)      K_j = 2^−j (constant unit)
//! B_{i+1} = σ(−½·K_{2i} + ½·A_i + ½·B_i)
//! ```
//!
//! — 6 weights, all ±1/2. The weight 2 of g is never built: the factor 2
//! of g and the scale 4 between blocks cancel against the two weights ½ on
//! the path `A_i → A_{i+1}`; the −4 of g becomes the `−2(A_i + B_i)/a_i` of
//! `y_i = 1 − (2/a_i)(A_i + B_i)`. The block scale `a_i = 4^(1−i)` is
//! exactly the factor 2^(−2i) of eq. 5, so the output reads every block
//! with weight ½:
//!
//! ```text
//! −2^(−2i)·y_i = ½A_i + ½B_i − 2^(−2i) = ½A_i + ½B_i − ½K_{2i−1}
//! f_s^r(x) = x + Σ_{i=1..r} ( ½A_i + ½B_i − ½K_{2i−1} )
//! ```
//!
//! The biases
//! `±a_{i+1}/2 = ±½K_{2i}` and the constants `2^(−2i)` come from the shared
//! halving chain `K_1 = σ(½)`, `K_{j+1} = σ(½K_j)` — constants are built, not
//! smuggled in as biases.
//!
//! **First block.** `a_1 = 1` needs gain 1 from the input, and a single edge
//! gives at most ½. A **prelude** of four copies `X_j = σ(½x) = x/2` gives
//! `A_1 = σ(½ΣX_j − ½)`, `B_1 = σ(−½ΣX_j + ½)` (biases ∓½ are codebook
//! values) and, read by the output with weight ½ each, the leading `x` of
//! eq. 5.
//!
//! # Size (derived; checked by tests)
//!
//! | part | units | weights |
//! | --- | --- | --- |
//! | prelude X_1..X_4 | 4 | 4 |
//! | tent block 1 (A_1, B_1) | 2 | 8 |
//! | tent blocks 2..r | 2(r−1) | 6(r−1) |
//! | constants K_1..K_{2r−1} | 2r−1 | 2r−2 |
//! | output | — | 4 + 2r + r |
//!
//! **weights = 11r + 8**, hidden units = 4r + 3, nonzero biases = 3 (A_1, B_1, K_1),
//! **depth = 2r** for r ≥ 2 (3 for r = 1; the constant chain sets the pace:
//! A_i sits on level 2i − 1), **width = 5** (level 1 holds X_1..X_4 and K_1;
//! every later level holds at most A_i, B_i and one K).
//!
//! Depth 2r is close to optimal: with weights ±1/2 and biases in {0, ±1/2},
//! every affine piece of a unit on level ℓ has a constant term that is a
//! multiple of 2^(−ℓ) (induction over levels), while f_s^r has pieces with
//! constant term −k(k+1)/4^r = −(k(k+1)/2)·2^(1−2r), an odd multiple of
//! 2^(1−2r) for k = 1; so any such network for f_s^r has depth ≥ 2r − 1.

//!
//! # With free weights ([`free_form`])
//!
//! Yarotsky's wiring of eq. 5 with the tent `g(y) = 2σ(y) − 4σ(y − ½)`
//! (eq. 4) and output weights `−2^(−2s)`: for an argument `u ≥ 0`,
//!
//! ```text
//! g_0 = u,   A_s = σ(g_{s−1}),   B_s = σ(g_{s−1} − ½),   g_s = 2A_s − 4B_s
//! f(u) = u − Σ_{s=1..r} 2^(−2s) g_s + (½ − 2^−r)·C,   C = σ(u − 1)
//! ```
//!
//! `A_1 = σ(u) = u` because `u ≥ 0`, so it is not built (`g_1 = 2u − 4B_1`
//! reads the argument directly); the unit `C` is the one addition to the
//! classical form, and it is absent for r = 1, where its weight is 0.
//!
//! **Claim.** `f` is f_s^r as a function on all of `[0, ∞)`.
//!
//! *Proof.* On `[0, 1]`: by induction `g_{s−1}(u) ∈ [0, 1]`, so
//! `A_s = g_{s−1}` and `g_s = 2g_{s−1} − 4σ(g_{s−1} − ½) = g(g_{s−1})`, the
//! tent of eq. 4, which maps `[0, 1]` onto itself; hence `g_s = g^{∘s}(u)`,
//! `C = 0` and `f(u) = u − Σ 2^(−2s) g^{∘s}(u)`, which is eq. 5 — the
//! function the ±1/2 network realises with other wiring (its module docs):
//! the interpolant of `u²` at the points `k/2^r`. Past 1:
//! `g_1 = 2u − 4(u − ½) = 2 − 2u < 0`, so `A_2 = B_2 = 0`, `g_2 = 0`, and
//! every later `g_s = 2σ(0) − 4σ(−½) = 0`; thus
//! `f(u) = u − ¼(2 − 2u) + (½ − 2^−r)(u − 1) = 1 + (2 − 2^−r)(u − 1)`,
//! exactly the line by which f_s^r continues its last piece past 1
//! ([`crate::gadget::square::square_form`]). Both pieces meet at
//! `f(1) = 1`. ∎
//!
//! Since [`crate::bound`] uses nothing but the values of f_s^r on
//! `[0, U]` (`e(u) ∈ [e_lo(U), ε]`), every bound there — eq. 3, the 4ε of
//! ×′, eq. 21 with propagation — holds for the free networks as it is.
//!
//! **Size** (tests check it): for an argument of `p` terms and r ≥ 2,
//! `2r` units (`B_1`, `A_s` and `B_s` for s = 2..r, `C`), `4p + 4r − 6`
//! weights and a result of `p + 2r` terms; the unit `B_s` sits `s` levels
//! above the argument. For r = 1 one unit, `p` weights, `p + 1` terms. As
//! a network on one input ([`free_network`]): **`6r − 1` weights**
//! (3 for r = 1), **depth r + 1**, width 2 — against `11r + 8`, `2r` and 5
//! for the ±1/2 wiring.

use num_traits::{One, Zero};

use crate::error::CoreError;
use crate::net::{Affine, LinearForm, Net, NetBuilder, UnitId};
use crate::quantize::Codebook;
use crate::rational::{self, Rational};

/// Largest supported `r` (2^r linear pieces; the DSL refuses more).
pub const MAX_R: u32 = 32;

/// Weights of f_s^r: `11r + 8` (module docs).
pub fn weights(r: u32) -> u64 {
    11 * u64::from(r) + 8
}

/// Depth of f_s^r: `2r` for r ≥ 2, 3 for r = 1 (module docs).
pub fn depth(r: u32) -> usize {
    if r == 1 { 3 } else { 2 * r as usize }
}

/// Width of f_s^r: 5 for every r (module docs).
pub fn width(_r: u32) -> usize {
    5
}

/// The a-priori error bound of eq. 3, `2^(−2(r+1))`, exactly.
pub fn error_bound(r: u32) -> Rational {
    rational::pow2(-2 * (i64::from(r) + 1))
}

/// Adds f_s^r of the unit `x` (whose value must lie in [0, 1]) to the
/// builder and returns it as a linear form whose coefficients are ±1/2.
///
/// This is the prelude (four copies `σ(½x)`, so that `u = ½ΣX_j = x`)
/// followed by [`square_form`].
///
/// Guarantees (tests check each): f_s^r(k/2^r) = (k/2^r)² exactly,
/// f_s^r(0) = 0, |f_s^r(x) − x²| ≤ 2^(−2(r+1)) on [0, 1]; every weight ±1/2;
/// the sizes of the module docs.
///
/// # Errors
/// `r = 0` or `r > MAX_R`; builder errors cannot occur for codebooks
/// holding ±1/2 (all of them).
pub fn square(b: &mut NetBuilder, x: UnitId, r: u32) -> Result<LinearForm, CoreError> {
    check_r(r)?;
    // the constants K_1..K_{2r−1} first, so the chain forms one block
    b.pow2_const(2 * r - 1)?;
    // prelude: X_j = σ(½x) = x/2, four copies (gain 1 for A_1, B_1 and the x of eq. 5)
    b.begin_block("square.prelude");
    let xs = super::scale::fan_out(b, x, 4)?;
    b.end_block();
    let half = rational::ratio(1, 2);
    let u = LinearForm {
        terms: xs.iter().map(|&u| (u, half.clone())).collect(),
    };
    square_form(b, &u, r)
}

/// Refuses `r = 0` and `r > MAX_R` (shared by both wirings of f_s^r).
pub(crate) fn check_r(r: u32) -> Result<(), CoreError> {
    if r == 0 || r > MAX_R {
        return Err(CoreError::InvalidParameter {
            subject: crate::error::Subject::Param(crate::spec::Param::R),
            message: format!("`r` must be between 1 and {MAX_R}, found {r}"),
        });
    }
    Ok(())
}

/// f_s^r(u) for a value `u ≥ 0` given as a linear form `u` whose
/// coefficients are all ±1/2 (so that `−u` is a valid form too): the tent
/// blocks read `u` directly (`A_1 = σ(u − ½)`, `B_1 = σ(½ − u)`) and the
/// result's leading term of eq. 5 is `u` itself. Returns a form with
/// coefficients ±1/2: the terms of `u`, then `½A_i + ½B_i − ½K_{2i−1}` per
/// block.
///
/// Weights: `2|u|` for block 1 (|u| = terms of `u`), 6 per later block;
/// the result has `|u| + 3r` terms.
///
/// On [0, 1] the result is the interpolant of eq. 2; for `u > 1` the
/// network continues the last piece linearly, `f(u) = 1 + (2 − 2^−r)(u − 1)`
/// (every iterate `y_i` stays on the `B` branch), so
/// `f(u) − u² = −(u − 1)(u − 1 + 2^−r)` there — [`crate::bound`] uses this
/// when approximation errors push an input slightly past 1.
///
/// # Errors
/// `r = 0` or `r > MAX_R`; a coefficient of `u` outside the codebook or
/// whose negation is outside it.
pub fn square_form(b: &mut NetBuilder, u: &LinearForm, r: u32) -> Result<LinearForm, CoreError> {
    check_r(r)?;
    let half = rational::ratio(1, 2);
    let neg_half = rational::ratio(-1, 2);
    let zero = Rational::zero();

    b.pow2_const(2 * r - 1)?;
    let k: Vec<UnitId> = (1..=2 * r - 1)
        .map(|j| b.pow2_const(j))
        .collect::<Result<_, _>>()?;
    let kc = |j: u32| k[(j - 1) as usize];

    let mut out = u.clone();

    // tent block 1: A_1 = σ(u − ½), B_1 = σ(½ − u)
    b.begin_block("square.tent");
    let minus: Vec<_> = u.terms.iter().map(|(s, c)| (*s, -c)).collect();
    let mut a = b.relu("a", neg_half.clone(), &u.terms)?;
    let mut bb = b.relu("b", half.clone(), &minus)?;
    b.end_block();
    out.push(a, half.clone());
    out.push(bb, half.clone());
    out.push(kc(1), neg_half.clone());

    // tent blocks 2..r: A_{i+1} = σ(½K_{2i} − ½A_i − ½B_i), B_{i+1} = σ(−½K_{2i} + ½A_i + ½B_i)
    for i in 1..r {
        b.begin_block("square.tent");
        let kk = kc(2 * i);
        let a2 = b.relu(
            "a",
            zero.clone(),
            &[
                (kk, half.clone()),
                (a, neg_half.clone()),
                (bb, neg_half.clone()),
            ],
        )?;
        let b2 = b.relu(
            "b",
            zero.clone(),
            &[
                (kk, neg_half.clone()),
                (a, half.clone()),
                (bb, half.clone()),
            ],
        )?;
        b.end_block();
        a = a2;
        bb = b2;
        // eq. 5: −2^(−2(i+1)) g^{∘(i+1)}(x) = ½A_{i+1} + ½B_{i+1} − ½K_{2i+1}
        out.push(a, half.clone());
        out.push(bb, half.clone());
        out.push(kc(2 * i + 1), neg_half.clone());
    }
    Ok(out)
}

/// The whole network f_s^r on one input `x`, output = f_s^r(x).
///
/// # Errors
/// As [`square`].
pub fn network(r: u32, codebook: Codebook) -> Result<Net, CoreError> {
    let mut b = NetBuilder::new(codebook, &["x".to_owned()]);
    let x = b.input(0);
    let form = square(&mut b, x, r)?;
    b.finish(Rational::zero(), &form)
}

/// `σ(shift + a)` as a new unit.
fn relu_of(
    b: &mut NetBuilder,
    role: &str,
    a: &Affine,
    shift: Rational,
) -> Result<UnitId, CoreError> {
    b.relu(role, &a.constant + shift, &a.form.terms)
}

/// f_s^r(u) with free weights, for an argument `u ≥ 0` given as an affine
/// form (module docs, *With free weights*: equal to [`square_form`]'s
/// function on all of `[0, ∞)`), one block `square.tent` per step `s` and
/// the unit `C = σ(u − 1)` in a block `square.tail`. Returns the result as
/// an affine form.
///
/// Guarantees (tests check each): f(k/2^r) = (k/2^r)² (eq. 2),
/// `0 ≤ f(u) − u² ≤ 2^(−2(r+1))` on [0, 1] (eq. 3), `f(u) =
/// 1 + (2 − 2^−r)(u − 1)` past 1; the sizes of the module docs.
///
/// # Errors
/// `r = 0` or `r > MAX_R`; builder errors (never for free weights).
pub fn free_form(b: &mut NetBuilder, u: &Affine, r: u32) -> Result<Affine, CoreError> {
    check_r(r)?;
    let half = rational::ratio(1, 2);
    let (two, minus_four) = (rational::int(2), rational::int(-4));
    let mut out = u.clone();
    // g_{s−1}; A_1 = σ(u) = u since u ≥ 0
    let mut g = u.clone();
    for s in 1..=r {
        b.begin_block("square.tent");
        let units = (|| {
            let a = match s {
                1 => None,
                _ => Some(relu_of(b, "a", &g, Rational::zero())?),
            };
            Ok::<_, CoreError>((a, relu_of(b, "b", &g, -&half)?))
        })();
        b.end_block();
        let (a, bb) = units?;
        // eq. 4: g_s = 2A_s − 4B_s
        let mut next = match a {
            None => u.scaled(&two),
            Some(a) => Affine::unit(a).scaled(&two),
        };
        next.form.push(bb, minus_four.clone());
        // eq. 5: f = u − Σ 2^(−2s) g_s
        out.add_scaled(&next, &-rational::pow2(-2 * i64::from(s)));
        g = next;
    }
    // past 1 the classical form has slope 3/2; f_s^r has 2 − 2^−r
    let tail = &half - rational::pow2(-i64::from(r));
    if !tail.is_zero() {
        b.begin_block("square.tail");
        let c = relu_of(b, "c", u, -Rational::one());
        b.end_block();
        out.form.push(c?, tail);
    }
    Ok(out)
}

/// [`free_form`] as a network on one input `x ≥ 0`: output `f_s^r(x)`
/// (for `x < 0` it is not f_s^r(|x|): the argument is read as it is).
///
/// # Errors
/// As [`free_form`].
pub fn free_network(r: u32) -> Result<Net, CoreError> {
    let mut b = NetBuilder::new(Codebook::unquantized(), &["x".to_owned()]);
    let x = Affine::unit(b.input(0));
    b.begin_block("square");
    let f = free_form(&mut b, &x, r);
    b.end_block();
    let f = f?;
    b.finish(f.constant, &f.form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::eval;
    use crate::metrics::metrics;
    use crate::rational::{int, pow2, ratio};

    fn net(r: u32) -> Net {
        network(r, Codebook::nonlinear(2, 2 * r + 2).unwrap()).unwrap()
    }

    #[test]
    fn exact_at_every_breakpoint() {
        for r in 1..=10 {
            let n = net(r);
            let den = 1i64 << r;
            for k in 0..=den {
                let x = ratio(k, den);
                assert_eq!(eval(&n, std::slice::from_ref(&x)), &x * &x, "r={r} k={k}");
            }
        }
    }

    #[test]
    fn error_at_midpoints_is_the_bound() {
        // x² − interpolation is maximal at midpoints: h²/4 = 2^(−2(r+1))
        for r in 1..=8 {
            let n = net(r);
            let den = 1i64 << (r + 1);
            for k in (1..den).step_by(2) {
                let x = ratio(k, den);
                assert_eq!(
                    eval(&n, std::slice::from_ref(&x)) - &x * &x,
                    error_bound(r),
                    "r={r} k={k}"
                );
            }
        }
    }

    #[test]
    fn sizes_match_the_formulas() {
        for r in 1..=24 {
            let m = metrics(&net(r));
            assert_eq!(m.weights as u64, weights(r), "weights r={r}");
            assert_eq!(m.depth, depth(r), "depth r={r}");
            assert_eq!(m.width, width(r), "width r={r}");
            assert_eq!(m.units, 4 * r as usize + 3, "units r={r}");
            assert_eq!(m.nonzero_biases, 3, "biases r={r}");
        }
    }

    #[test]
    fn only_plus_minus_half() {
        let n = net(12);
        for (what, v) in n.parameters() {
            let ok = v == &ratio(1, 2) || v == &ratio(-1, 2) || (what == "bias" && v == &int(0));
            assert!(ok, "{what} {v}");
        }
        assert_eq!(pow2(-1), ratio(1, 2));
    }

    /// The f64 claim of the docs: at inputs k/2^m, f64 evaluation is exact
    /// while m + 2r ≤ 52 — checked at the edge, r = 20 and m = 12.
    #[test]
    fn f64_is_exact_while_partial_sums_fit() {
        let n = net(20);
        for k in (0..=4096i64).step_by(3) {
            let x = ratio(k, 4096);
            let exact = eval(&n, std::slice::from_ref(&x));
            let float = crate::eval::eval_f64(&n, &[k as f64 / 4096.0]);
            assert_eq!(Rational::from_float(float), Some(exact), "k={k}");
        }
    }

    /// The claim `bound::square_low` rests on: past 1 the network continues
    /// its last piece, f(u) = 1 + (2 − 2^−r)(u − 1), so f(u) − u² < 0 there.
    #[test]
    fn continues_the_last_piece_past_one() {
        for r in 1..=8 {
            let n = net(r);
            let slope = int(2) - pow2(-i64::from(r));
            for k in 0..=24 {
                let u = int(1) + ratio(k, 13);
                let f = eval(&n, std::slice::from_ref(&u));
                assert_eq!(f, int(1) + &slope * (&u - int(1)), "r={r} u={u}");
                assert!(k == 0 || f < &u * &u);
                let low = crate::bound::square_low(r, &u);
                assert_eq!(f - &u * &u, low, "r={r} u={u}: e(u) = e_lo(u) past 1");
            }
        }
    }

    #[test]
    fn refuses_r_out_of_range() {
        assert!(network(0, Codebook::nonlinear(2, 2).unwrap()).is_err());
        assert!(network(MAX_R + 1, Codebook::nonlinear(2, 2).unwrap()).is_err());
    }
}
