use proptest::prelude::*;

use super::*;
use crate::rational::{int, ratio};

fn iv(a: i64, b: i64, d: i64) -> Interval {
    Interval::new(ratio(a, d), ratio(b, d)).unwrap()
}

#[test]
fn construction_and_queries() {
    assert_eq!(Interval::new(int(2), int(1)), None);
    let x = iv(-1, 3, 2);
    assert_eq!(x.width(), int(2));
    assert_eq!(x.mid(), ratio(1, 2));
    assert_eq!(x.mag(), ratio(3, 2));
    assert_eq!(x.mig(), int(0));
    assert_eq!(iv(1, 3, 2).mig(), ratio(1, 2));
    assert_eq!(x.to_string(), "[-1/2, 3/2]");
    assert_eq!(x.recip(), None);
    assert_eq!(iv(1, 2, 1).recip(), Some(iv(1, 2, 2)));
    assert_eq!(x.pow(2), iv(0, 9, 4));
    assert_eq!(iv(-3, -1, 1).pow(2), iv(1, 9, 1));
    assert_eq!(x.pow(3), iv(-1, 27, 8));
    assert_eq!(x.abs(), iv(0, 3, 2));
    assert_eq!(iv(-3, -1, 1).abs(), iv(1, 3, 1));
}

#[test]
fn outward_rounding_contains_and_lands_on_the_grid() {
    let x = Interval::new(ratio(1, 3), ratio(2, 3)).unwrap();
    let r = x.round_out(4);
    assert_eq!(r, iv(5, 11, 16));
    assert!(r.encloses(&x));
    let n = Interval::new(ratio(-2, 3), ratio(-1, 3))
        .unwrap()
        .round_out(4);
    assert_eq!(n, iv(-11, -5, 16));
}

/// A small interval and a point of it.
fn member() -> impl Strategy<Value = (Interval, Rational)> {
    (-50i64..50, 0i64..40, 0i64..=16, 1i64..9).prop_map(|(a, len, t, d)| {
        let lo = ratio(a, d);
        let hi = &lo + ratio(len, d);
        let q = &lo + (&hi - &lo) * ratio(t, 16);
        (Interval::new(lo, hi).unwrap(), q)
    })
}

proptest! {
    /// The inclusion property: the operation on members is a member of the
    /// operation on intervals.
    #[test]
    fn arithmetic_includes_its_members((x, a) in member(), (y, b) in member(), k in 0u32..6) {
        prop_assert!(x.add(&y).contains(&(&a + &b)));
        prop_assert!(x.sub(&y).contains(&(&a - &b)));
        prop_assert!(x.mul(&y).contains(&(&a * &b)));
        prop_assert!(x.neg().contains(&-&a));
        prop_assert!(x.pow(k).contains(&num_traits::pow(a.clone(), k as usize)));
        prop_assert!(x.abs().contains(&a.abs()));
        prop_assert!(x.min(&y).contains(&a.clone().min(b.clone())));
        prop_assert!(x.max(&y).contains(&a.clone().max(b.clone())));
        prop_assert!(x.scale(&ratio(-3, 7)).contains(&(&a * ratio(-3, 7))));
        if let Some(q) = x.div(&y) {
            prop_assert!(q.contains(&(&a / &b)));
        } else {
            prop_assert!(y.contains(&Rational::zero()));
        }
        prop_assert!(x.round_out(k).contains(&a));
        let (l, r) = x.bisect();
        prop_assert!(l.contains(&a) || r.contains(&a));
    }
}
