//! The exact certified check for targets of degree ≤ 3: on each piece the
//! error's critical points are zeros of a quadratic, rational or in Q(√m),
//! and every comparison is decided exactly.

use std::rc::Rc;
use std::vec::Vec;

use num_traits::{Signed, Zero};

use super::piece::{add, mul, sub};
use super::surd::{Surd, square_root};
use super::{Certified, Point, Poly, pow2, round_to};
use qrelu_runtime::Exact;

/// The relative precision of the enclosure of an irrational critical
/// value: `upper` is within 2^(−64)·|e(x*)| of it.
const SURD_BITS: u64 = 64;

/// The sweep state of the exact check.
pub(super) struct Exact3<'a> {
    target: &'a Poly,
    bound: &'a Exact,
    /// The worst rational point so far.
    best: Option<Point>,
    /// Whether every irrational critical value so far has |e| ≤ bound.
    irrational_within_bound: bool,
    /// Irrational critical values whose upper enclosure exceeded the best
    /// rational error when found; the others are below the final `error`.
    pending: Vec<Critical>,
}

/// An irrational critical value e(x*) = α + β·√m and a rational upper
/// bound of its magnitude.
struct Critical {
    value: Surd,
    upper: Exact,
}

/// A zero of e′.
enum Root {
    Rational(Exact),
    Irrational(Surd),
}

impl<'a> Exact3<'a> {
    pub(super) fn new(target: &'a Poly, bound: &'a Exact) -> Self {
        debug_assert!(target.degree() <= 3);
        Exact3 {
            target,
            bound,
            best: None,
            irrational_within_bound: true,
            pending: Vec::new(),
        }
    }

    /// Looks at the piece a·x + c on [x0, x1]: its ends and the zeros of e′
    /// strictly inside.
    pub(super) fn piece(&mut self, x0: &Exact, x1: &Exact, a: &Exact, c: &Exact) {
        // e(x) = p(x) − a·x − c, as e_0..e_3
        let mut e: [Exact; 4] = Default::default();
        for (ek, pk) in e.iter_mut().zip(self.target.coefficients()) {
            *ek = pk.clone();
        }
        e[1] = sub(&e[1], a);
        e[0] = sub(&e[0], c);
        self.offer(Point::at(x0, a, c, self.target));
        for root in critical_points(&e) {
            match root {
                Root::Rational(x) => {
                    if *x0 < x && x < *x1 {
                        self.offer(Point::at(&x, a, c, self.target));
                    }
                }
                Root::Irrational(x) => {
                    if x.cmp_rational(x0).is_gt() && x.cmp_rational(x1).is_lt() {
                        self.irrational(&x, &e, x0, x1, a, c);
                    }
                }
            }
        }
        self.offer(Point::at(x1, a, c, self.target));
    }

    /// An irrational critical point x* inside (x0, x1): decides
    /// |e(x*)| ≤ bound exactly, encloses |e(x*)|, and offers a rational point
    /// next to x*.
    fn irrational(
        &mut self,
        x: &Surd,
        e: &[Exact; 4],
        x0: &Exact,
        x1: &Exact,
        a: &Exact,
        c: &Exact,
    ) {
        // e(x*) by Horner's rule in Q(√m)
        let mut value = x.rational_in_field(e[3].clone());
        for ek in e[..3].iter().rev() {
            value = value.times(x).plus(ek);
        }
        if !value.abs_at_most(self.bound) {
            self.irrational_within_bound = false;
        }
        // e(x*) ≠ 0, so doubling the precision eventually meets the relative
        // target: were β = 0, e − α would have double zeros at x* and at its
        // conjugate (also a zero of e′, which has rational coefficients) —
        // four zeros for a cubic; so β ≠ 0 and α + β·√m is irrational.
        let mut bits = SURD_BITS;
        let upper = loop {
            // |e(x*)| ≤ max(|lo|, |hi|), which is within hi − lo of it
            let (lo, hi) = value.enclose(bits);
            let width = sub(&hi, &lo);
            let large = lo.abs().max(hi.abs());
            if width <= mul(&large, &pow2(-(SURD_BITS as i32))) {
                break large;
            }
            bits *= 2;
        };
        // a short dyadic within about 2^(−bits) of x*
        let near = round_to(
            &x.approximate(bits),
            i64::try_from(bits).unwrap_or(i64::MAX).saturating_add(8),
        )
        .clamp(x0.clone(), x1.clone());
        self.offer(Point::at(&near, a, c, self.target));
        if self.best.as_ref().is_none_or(|b| *b.error() < upper) {
            self.pending.push(Critical { value, upper });
        }
    }

    fn offer(&mut self, point: Point) {
        if point.beats(self.best.as_ref()) {
            self.best = Some(point);
        }
    }

    /// The result after `pieces` pieces: the sup is the larger of the best
    /// rational error and the pending irrational values, compared exactly.
    pub(super) fn finish(self, pieces: usize) -> Certified {
        let best = self.best.expect("every sweep has at least one piece");
        let error = best.error().clone();
        let upper = self
            .pending
            .iter()
            .filter(|p| !p.value.abs_at_most(&error))
            .map(|p| &p.upper)
            .fold(error.clone(), |m, u| if *u > m { u.clone() } else { m });
        let holds = self.irrational_within_bound && error <= *self.bound;
        best.certify(upper, self.bound.clone(), holds, pieces)
    }
}

/// The zeros of e′(x) = A·x² + B·x + C (A = 3·e_3, B = 2·e_2, C = e_1) in
/// increasing order; none if e′ has no real zero or vanishes identically.
fn critical_points(e: &[Exact; 4]) -> Vec<Root> {
    let two = Exact::from_integer(2.into());
    let a = mul(&e[3], &Exact::from_integer(3.into()));
    let b = mul(&e[2], &two);
    let c = e[1].clone();
    if a.is_zero() {
        // B·x + C = 0
        return if b.is_zero() {
            Vec::new()
        } else {
            vec![Root::Rational(-(c / b))]
        };
    }
    // x = (−B ± √D)/(2A), D = B² − 4AC
    let d = sub(
        &mul(&b, &b),
        &mul(&mul(&a, &c), &Exact::from_integer(4.into())),
    );
    if d.is_negative() {
        return Vec::new();
    }
    let two_a = mul(&a, &two);
    let u = -(&b / &two_a);
    match square_root(&d) {
        Ok(s) if s.is_zero() => vec![Root::Rational(u)],
        Ok(s) => {
            let w = (s / &two_a).abs();
            vec![Root::Rational(sub(&u, &w)), Root::Rational(add(&u, &w))]
        }
        Err((m, denom)) => {
            // √D = √m/denom, so x± = u ± √m/(2|A|·denom)
            let w = (Exact::from_integer(denom) * &two_a).abs().recip();
            let m = Rc::new(m);
            vec![
                Root::Irrational(Surd::new(u.clone(), -w.clone(), m.clone())),
                Root::Irrational(Surd::new(u, w, m)),
            ]
        }
    }
}
