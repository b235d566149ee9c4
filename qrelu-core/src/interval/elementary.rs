//! Enclosures of the DSL's elementary functions and of π, from truncated
//! series with proved remainder bounds, in exact rational arithmetic.
//!
//! Every function takes a working precision `p` (bits) and returns an
//! [`Interval`] that *contains* the true value (or range); `p` only decides
//! how narrow it is. Intermediate results are rounded outward onto 2^(−w)
//! with `w` a few guard bits above `p` (more where a later step amplifies
//! errors, e.g. the squarings of `exp`). To get an enclosure of a given
//! width, raise `p` until it is that narrow ([`enclose_to`]).
//!
//! The series and their remainders (each term bound is elementary; `|r|` is
//! the argument's magnitude after reduction):
//!
//! | function | reduction | series | remainder after `m` terms |
//! | --- | --- | --- | --- |
//! | `exp q` | `r = q/2^s`, `|r| ≤ 1/2`; `exp q = exp(r)^(2^s)` | `Σ r^j/j!` | `≤ |r|^m/m! · 1/(1 − |r|/(m+1)) ≤ 2|r|^m/m!` |
//! | `log q` | `q = 2^k·u`, `u ∈ [2/3, 4/3]`; `log q = k·log 2 + log u` | `log u = 2 atanh z`, `z = (u−1)/(u+1)`, `|z| ≤ 1/5`; `atanh z = Σ z^(2j+1)/(2j+1)` | `≤ |z|^(2m+1)/(2m+1) · 1/(1 − z²)` |
//! | `log 2` | — | `2 atanh(1/3)` | as above with `z = 1/3` |
//! | `atan x` | `|x| > 1`: `±π/2 − atan(1/x)`; then twice `atan x = 2 atan(x/(1 + √(1+x²)))`, so `|y| ≤ tan(π/16) < 1/4` | `Σ (−1)^j y^(2j+1)/(2j+1)` | `≤ |y|^(2m+1)/(2m+1) · 1/(1 − y²)` |
//! | `π` | Machin: `π = 16 atan(1/5) − 4 atan(1/239)` | as `atan` | as `atan` |
//! | `sin`, `cos` | `q = kπ/2 + r`, `|r| ≤ π/4 + ε < 1`, quadrant by `k mod 4` | `Σ (−1)^j r^(2j+1)/(2j+1)!`, `Σ (−1)^j r^(2j)/(2j)!` | `≤ 2|r|^(2m+1)/(2m+1)!`, `≤ 2|r|^(2m)/(2m)!` (ratio of successive terms `≤ r²/6 < 1/2`) |
//! | `tanh q` | `tanh q = 1 − 2/(exp(2q) + 1)`, increasing in `exp(2q)` | via `exp` | via `exp` |
//! | `√q` | — | `⌊√⌊q·4^w⌋⌋/2^w ≤ √q < (⌊√⌈q·4^w⌉⌋ + 1)/2^w` (integer square root) | exact |
//!
//! The geometric tails: for `exp`, term `j+1` over term `j` is `|r|/(j+1) ≤
//! |r|/(m+1)` from `j = m` on; for `atanh` and `atan`, term `j+1` over term
//! `j` in magnitude is at most `z²` (resp. `y²`). Each series is summed by
//! Horner's rule in interval arithmetic on the reduced argument (itself an
//! interval where the reduction used π or a square root), which encloses the
//! truncated sum; the remainder is then added as `[−R, R]`.
//!
//! Over an interval argument, the monotone functions (`exp log sqrt atan
//! tanh`) take the lower end's lower bound and the upper end's upper bound;
//! `sin` and `cos` take the hull at the ends and add ±1 wherever an extremum
//! `π/2 + jπ` (resp. `jπ`) may lie in the interval.
//!
//! Performance (test build, 160 bits, measured before π and log 2 were
//! cached per precision and thread): 0.1 ms for `sqrt`, 1–2 ms for `exp`,
//! `log`, `tanh` and π, 4–4.5 ms for `sin`, `cos` and `atan`. Series are
//! summed in fixed point (integers over 2^w, no gcd); most of what remains
//! is the rational arithmetic of the remainder loops.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::{Interval, round_down, round_up};
use crate::rational::{Rational, int, pow2, ratio};

/// The one-argument functions of the DSL that are not exact on rationals
/// (`abs`, `min` and `max` are exact: see [`Interval::abs`]); defined in
/// the runtime, which evaluates them in `f64`/`f32` for generated targets.
pub use qrelu_runtime::Elementary;

/// Why a function could not be enclosed on an interval: its argument is not
/// *proved* to lie in the function's domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    /// `log` of an interval that reaches 0 or below.
    LogNotPositive,
    /// `sqrt` of an interval that reaches below 0.
    SqrtNegative,
    /// `exp` of an interval that reaches above [`EXP_LIMIT`]: its value
    /// (beyond 2^5909) is no target a network of weights in [−1, 1]
    /// approximates, and enclosing it costs thousands of bits.
    ExpTooLarge,
}

/// The largest argument of `exp` enclosed: 4096.
pub const EXP_LIMIT: i64 = 4096;

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainError::LogNotPositive => f.write_str("the argument of `log` is not proved > 0"),
            DomainError::SqrtNegative => f.write_str("the argument of `sqrt` is not proved ≥ 0"),
            DomainError::ExpTooLarge => write!(
                f,
                "the argument of `exp` is not proved ≤ {EXP_LIMIT} (larger values are not accepted)"
            ),
        }
    }
}

impl std::error::Error for DomainError {}

/// An enclosure of `f` over `x` at working precision `p`.
///
/// # Errors
/// [`DomainError`] if `x` is not inside the domain of `log` or `sqrt`, or
/// reaches above [`EXP_LIMIT`] under `exp`.
pub fn apply(f: Elementary, x: &Interval, p: u32) -> Result<Interval, DomainError> {
    let monotone = |g: fn(&Rational, u32) -> Interval| {
        let lo = g(x.lo(), p);
        let hi = if x.lo() == x.hi() {
            lo.clone()
        } else {
            g(x.hi(), p)
        };
        Interval::new(lo.lo().clone(), hi.hi().clone()).unwrap_or_else(|| lo.hull(&hi))
    };
    Ok(match f {
        Elementary::Exp => {
            if *x.hi() > int(EXP_LIMIT) {
                return Err(DomainError::ExpTooLarge);
            }
            monotone(exp)
        }
        Elementary::Log => {
            if !x.is_positive() {
                return Err(DomainError::LogNotPositive);
            }
            monotone(log)
        }
        Elementary::Sqrt => {
            if x.lo().is_negative() {
                return Err(DomainError::SqrtNegative);
            }
            monotone(sqrt)
        }
        Elementary::Tanh => monotone(tanh),
        Elementary::Atan => monotone(atan),
        Elementary::Sin => trig_range(x, p, Trig::Sin),
        Elementary::Cos => trig_range(x, p, Trig::Cos),
    })
}

/// An enclosure of `f(q)` no wider than `tol` (`tol > 0`), raising the
/// working precision from 64 bits until it is; `None` if even 2^16 bits do
/// not get there (or `q` is outside the domain).
pub fn enclose_to(f: Elementary, q: &Rational, tol: &Rational) -> Option<Interval> {
    let mut p = 64;
    while p <= 1 << 16 {
        let e = apply(f, &Interval::point(q.clone()), p).ok()?;
        if &e.width() <= tol {
            return Some(e);
        }
        p *= 2;
    }
    None
}

/// Guard bits added to the asked precision.
const GUARD: u32 = 16;

/// `Σ_j c_j y^j` over the interval `y` by Horner's rule, rounded outward to
/// `w` bits at each step, plus `[−rem, rem]`.
fn horner(y: &Interval, coeffs: &[Rational], rem: &Rational, w: u32) -> Interval {
    // Fixed point: [lo, hi] stands for [lo/2^w, hi/2^w]. Every step rounds
    // its lower end down and its upper end up, as `round_out(w)` would, but
    // with integer shifts instead of rational gcds.
    let scale = |q: &Rational, up: bool| {
        let n = q.numer() << w;
        if up {
            n.div_ceil(q.denom())
        } else {
            n.div_floor(q.denom())
        }
    };
    let (ylo, yhi) = (scale(y.lo(), false), scale(y.hi(), true));
    let (mut lo, mut hi) = (BigInt::zero(), BigInt::zero());
    for c in coeffs.iter().rev() {
        let p = [&lo * &ylo, &lo * &yhi, &hi * &ylo, &hi * &yhi];
        let pmin = p.iter().min().cloned().unwrap_or_default();
        let pmax = p.iter().max().cloned().unwrap_or_default();
        // floor(pmin / 2^w) and ceil(pmax / 2^w)
        lo = (pmin >> w) + scale(c, false);
        hi = -((-pmax) >> w) + scale(c, true);
    }
    let den = BigInt::one() << w;
    let acc = Interval::hull_of(Rational::new(lo, den.clone()), Rational::new(hi, den));
    widen(&acc, rem)
}

/// `[lo − r, hi + r]`.
fn widen(x: &Interval, r: &Rational) -> Interval {
    Interval::hull_of(x.lo() - r, x.hi() + r)
}

/// The number of bits of `⌈|q|⌉` (0 for `|q| ≤ 1`).
fn magnitude_bits(q: &Rational) -> u32 {
    let c = q.abs().ceil().to_integer();
    if c <= BigInt::one() {
        0
    } else {
        u32::try_from(c.bits()).unwrap_or(u32::MAX)
    }
}

/// `exp q`. See the module table: `exp(r)^(2^s)` with `|r| ≤ 1/2`.
///
/// Below −[`EXP_LIMIT`] the value is enclosed in [0, 2^−4096] at once
/// (e^q ≤ 2^q for q ≤ 0), so a huge negative argument costs nothing;
/// callers keep `q ≤` [`EXP_LIMIT`] (`apply` refuses larger), as the work
/// grows with |q|.
pub fn exp(q: &Rational, p: u32) -> Interval {
    if q.is_zero() {
        return Interval::point(Rational::one());
    }
    if *q < int(-EXP_LIMIT) {
        return Interval::hull_of(Rational::zero(), pow2(-EXP_LIMIT));
    }
    // s with |q|/2^s ≤ 1/2
    let mut s = 0u32;
    let mut r = q.clone();
    let half = ratio(1, 2);
    while r.abs() > half {
        r /= int(2);
        s += 1;
    }
    let w = p + s + GUARD;
    // m terms: 2|r|^m/m! ≤ 2^(-w-1), using |r| ≤ 1/2
    let ra = r.abs();
    let mut term = Rational::one(); // |r|^m / m!
    let mut coeffs = vec![];
    let mut fact = Rational::one(); // 1/j!
    let mut m = 0u32;
    let target = pow2(-i64::from(w) - 2);
    loop {
        if &term * int(2) <= target {
            break;
        }
        coeffs.push(fact.clone());
        m += 1;
        fact /= int(i64::from(m));
        term = round_up(&(&term * &ra / int(i64::from(m))), w + 8);
    }
    // 1 - |r|/(m+1) ≥ 1/2, so the tail is ≤ 2|r|^m/m!
    let rem = &term * int(2);
    let mut e = horner(&Interval::point(r), &coeffs, &rem, w);
    for _ in 0..s {
        let lo = e.lo().clone().max(Rational::zero());
        let pos = Interval::new(lo, e.hi().clone()).unwrap_or_else(|| e.clone());
        e = pos.mul(&pos).round_out(w);
    }
    // exp q > 0 always
    if !e.lo().is_positive() {
        e = Interval::new(Rational::zero(), e.hi().clone()).unwrap_or(e);
    }
    e.round_out(p + GUARD)
}

/// `atanh z` for `|z| ≤ 1/2` (an interval), summed to `2^(−w)`.
fn atanh_small(z: &Interval, w: u32) -> Interval {
    debug_assert!(z.mag() <= ratio(1, 2));
    odd_series(z, w, false)
}

/// `atan y` for `|y| ≤ 1/4` (an interval), summed to `2^(−w)`.
fn atan_small(y: &Interval, w: u32) -> Interval {
    debug_assert!(y.mag() <= ratio(1, 4));
    odd_series(y, w, true)
}

/// `Σ_j s_j z^(2j+1)/(2j+1)` with `s_j = (−1)^j` if `alternating` (atan)
/// or 1 (atanh), for `|z| < 1`: `z · Σ_j s_j y^j/(2j+1)` with `y = z²`; the
/// tail after `m` terms is at most `|z|^(2m+1)/(2m+1) · 1/(1 − z²)` (terms
/// shrink by at least `z²`).
fn odd_series(z: &Interval, w: u32, alternating: bool) -> Interval {
    let za = z.mag();
    let y = z.pow(2).round_out(w + 4);
    let z2 = &za * &za;
    let tail_factor = (Rational::one() - &z2).recip();
    let mut coeffs = vec![];
    let mut zpow = za.clone(); // |z|^(2m+1)
    let mut m = 0i64;
    let target = pow2(-i64::from(w) - 2);
    loop {
        let rem = &zpow / int(2 * m + 1) * &tail_factor;
        if rem <= target || za.is_zero() {
            let body = horner(&y, &coeffs, &Rational::zero(), w + 4);
            return widen(&z.mul(&body), &round_up(&rem, w + 8)).round_out(w);
        }
        let sign = if alternating && m % 2 == 1 { -1 } else { 1 };
        coeffs.push(ratio(sign, 2 * m + 1));
        m += 1;
        zpow = round_up(&(&zpow * &z2), w + 8);
    }
}

/// `log 2 = 2 atanh(1/3)` (computed once per precision and thread).
pub fn ln2(p: u32) -> Interval {
    cached(&LN2, p, |p| {
        let w = p + GUARD;
        atanh_small(&Interval::point(ratio(1, 3)), w + 2)
            .scale(&int(2))
            .round_out(w)
    })
}

/// `π = 16 atan(1/5) − 4 atan(1/239)` (Machin; computed once per precision
/// and thread).
pub fn pi(p: u32) -> Interval {
    cached(&PI, p, |p| {
        let w = p + GUARD;
        let a = atan_small(&Interval::point(ratio(1, 5)), w + 6).scale(&int(16));
        let b = atan_small(&Interval::point(ratio(1, 239)), w + 4).scale(&int(4));
        a.sub(&b).round_out(w)
    })
}

type Cache = std::thread::LocalKey<RefCell<HashMap<u32, Interval>>>;

thread_local! {
    static PI: RefCell<HashMap<u32, Interval>> = RefCell::new(HashMap::new());
    static LN2: RefCell<HashMap<u32, Interval>> = RefCell::new(HashMap::new());
}

/// `make(p)` from the cache, computing it once. Only a few dozen
/// precisions are ever asked for, so the cache is not bounded.
fn cached(cache: &'static Cache, p: u32, make: fn(u32) -> Interval) -> Interval {
    if let Some(v) = cache.with(|c| c.borrow().get(&p).cloned()) {
        return v;
    }
    let v = make(p);
    cache.with(|c| c.borrow_mut().insert(p, v.clone()));
    v
}

/// `log q` for `q > 0`. See the module table.
///
/// # Panics
/// If `q ≤ 0` (callers check the domain: [`apply`] returns an error).
pub fn log(q: &Rational, p: u32) -> Interval {
    assert!(q.is_positive(), "log of a non-positive number");
    if q.is_one() {
        return Interval::point(Rational::zero());
    }
    let mut k = q.numer().bits() as i64 - q.denom().bits() as i64;
    let mut u = q * pow2(-k);
    while u > ratio(4, 3) {
        u /= int(2);
        k += 1;
    }
    while u < ratio(2, 3) {
        u *= int(2);
        k -= 1;
    }
    let kbits = 64 - k.unsigned_abs().leading_zeros();
    let w = p + kbits + GUARD;
    let z = (&u - Rational::one()) / (&u + Rational::one());
    let lu = atanh_small(&Interval::point(z), w + 2).scale(&int(2));
    ln2(w).scale(&int(k)).add(&lu).round_out(p + GUARD)
}

/// `√q` for `q ≥ 0`, from integer square roots.
///
/// # Panics
/// If `q < 0` (callers check the domain: [`apply`] returns an error).
pub fn sqrt(q: &Rational, p: u32) -> Interval {
    assert!(!q.is_negative(), "sqrt of a negative number");
    let w = p + GUARD;
    let scaled = q * pow2(2 * i64::from(w));
    let (fl, ce) = (scaled.floor().to_integer(), scaled.ceil().to_integer());
    let lo_root = fl.sqrt();
    let hi_root = ce.sqrt();
    let den = pow2(-i64::from(w));
    let lo = Rational::from_integer(lo_root) * &den;
    // ⌊√c⌋² = c exactly means √c is that integer
    let hi = if &hi_root * &hi_root == ce {
        Rational::from_integer(hi_root) * &den
    } else {
        Rational::from_integer(hi_root + 1) * &den
    };
    Interval::new(lo, hi).unwrap_or_else(|| Interval::point(q.clone()))
}

/// `√x` over an interval with `x ≥ 0` (monotone).
fn sqrt_interval(x: &Interval, w: u32) -> Interval {
    let lo = sqrt(&x.lo().clone().max(Rational::zero()), w);
    let hi = sqrt(x.hi(), w);
    lo.hull(&hi)
}

/// `atan q`. See the module table.
pub fn atan(q: &Rational, p: u32) -> Interval {
    if q.is_negative() {
        return atan(&-q, p).neg();
    }
    if q.is_zero() {
        return Interval::point(Rational::zero());
    }
    let w = p + GUARD;
    if q > &Rational::one() {
        // atan q = π/2 − atan(1/q)
        let half_pi = pi(w).scale(&ratio(1, 2));
        return half_pi.sub(&atan(&q.recip(), w)).round_out(w);
    }
    let mut y = Interval::point(q.clone());
    let mut factor = 1i64;
    while y.mag() > ratio(1, 4) {
        // atan y = 2 atan(y / (1 + √(1 + y²)))
        let root = sqrt_interval(&Interval::point(Rational::one()).add(&y.pow(2)), w + 4);
        let den = Interval::point(Rational::one()).add(&root);
        y = y.div(&den).unwrap_or(y).round_out(w + 6);
        factor *= 2;
    }
    atan_small(&y, w + 6).scale(&int(factor)).round_out(w)
}

/// `tanh q = 1 − 2/(exp(2q) + 1)`, increasing in `exp(2q)`.
///
/// For |q| ≥ p + 16 the value is within 2^−(p+16) of ±1 (1 − tanh q =
/// 2/(e^(2q) + 1) < 2e^(−2q) < 2^(1−2q)), enclosed at once: a huge argument
/// costs nothing.
pub fn tanh(q: &Rational, p: u32) -> Interval {
    if q.is_zero() {
        return Interval::point(Rational::zero());
    }
    let w = p + GUARD;
    if q.abs() >= int(i64::from(w)) {
        let near = Rational::one() - pow2(-i64::from(w));
        let one = Interval::new(near, Rational::one()).expect("1 - 2^-w < 1");
        return if q.is_negative() { one.neg() } else { one };
    }
    let e = exp(&(q * int(2)), w + 2);
    let f = |v: &Rational| Rational::one() - int(2) / (v + Rational::one());
    let lo = round_down(&f(e.lo()), w);
    let hi = round_up(&f(e.hi()), w);
    Interval::new(lo, hi).unwrap_or_else(|| e.clone())
}

#[derive(Clone, Copy)]
enum Trig {
    Sin,
    Cos,
}

/// `sin q` or `cos q`, from `q = kπ/2 + r`.
fn trig(q: &Rational, p: u32, which: Trig) -> Interval {
    let w = p + magnitude_bits(q) + GUARD;
    let pi_w = pi(w + 4);
    // k = round(2q/π), from π's midpoint; any k keeps the result correct,
    // this one keeps |r| ≤ π/4 + ε
    // ⌊2q/π_mid + 1/2⌋ = ⌊(4 q_n π_d + q_d π_n) / (2 q_d π_n)⌋, in integers
    // (the rational division and its gcd cost more than the series)
    let pm = pi_w.mid();
    let k_q: BigInt = (q.numer() * pm.denom() * 4u32 + q.denom() * pm.numer())
        .div_floor(&(q.denom() * pm.numer() * 2u32));
    let r = Interval::point(q.clone())
        .sub(&pi_w.scale(&(Rational::from_integer(k_q.clone()) / int(2))))
        .round_out(w + 4);
    let quadrant = k_q.mod_floor_4();
    // only the series the quadrant needs
    let out = match (which, quadrant) {
        (Trig::Sin, 0) | (Trig::Cos, 3) => sin_small(&r, w),
        (Trig::Sin, 1) | (Trig::Cos, 0) => cos_small(&r, w),
        (Trig::Sin, 2) | (Trig::Cos, 1) => sin_small(&r, w).neg(),
        _ => cos_small(&r, w).neg(),
    };
    let unit = Interval::hull_of(int(-1), int(1));
    out.intersect(&unit).unwrap_or(unit).round_out(p + GUARD)
}

trait ModFloor4 {
    fn mod_floor_4(&self) -> u8;
}

impl ModFloor4 for BigInt {
    fn mod_floor_4(&self) -> u8 {
        let m = self.mod_floor(&BigInt::from(4));
        m.to_u8().unwrap_or(0)
    }
}

/// `sin r` for `|r| < 1` (an interval).
fn sin_small(r: &Interval, w: u32) -> Interval {
    small_series(r, w, 1)
}

/// `cos r` for `|r| < 1` (an interval).
fn cos_small(r: &Interval, w: u32) -> Interval {
    small_series(r, w, 0)
}

/// `Σ_j (−1)^j r^(2j+o)/(2j+o)!` for `o ∈ {0, 1}` and `|r| < 1`; the tail
/// after `m` terms is at most twice its first term (successive terms shrink
/// by at least `r²/((2m+o+1)(2m+o+2)) ≤ 1/2`).
fn small_series(r: &Interval, w: u32, o: i64) -> Interval {
    let ra = r.mag();
    assert!(ra < Rational::one(), "reduced argument of magnitude ≥ 1");
    let y = r.pow(2).round_out(w + 4);
    let target = pow2(-i64::from(w) - 2);
    let mut coeffs = vec![];
    let mut m = 0i64;
    let mut fact = Rational::one(); // 1/(2m+o)!, 1/0! = 1/1! = 1
    let mut term = if o == 1 { ra.clone() } else { Rational::one() }; // |r|^(2m+o)/(2m+o)!
    // |r|² rounded up once: the terms only bound the tail
    let ra2 = round_up(&(&ra * &ra), w + 8);
    loop {
        if crate::rational::cmp(&(&term * int(2)), &target).is_le() {
            break;
        }
        let sign = if m % 2 == 0 { 1 } else { -1 };
        coeffs.push(&fact * int(sign));
        let (a, b) = (2 * m + o + 1, 2 * m + o + 2);
        fact /= int(a * b);
        term = round_up(&(&term * &ra2 / int(a * b)), w + 8);
        m += 1;
    }
    let body = horner(&y, &coeffs, &Rational::zero(), w + 4);
    let sum = if o == 1 { r.mul(&body) } else { body };
    widen(&sum, &(&term * int(2))).round_out(w)
}

/// The range of `sin` (or `cos`) over `x`: the hull at the ends, plus ±1
/// where an extremum may lie inside.
fn trig_range(x: &Interval, p: u32, which: Trig) -> Interval {
    let unit = Interval::hull_of(int(-1), int(1));
    if x.width() >= int(7) {
        return unit;
    }
    let mut out = trig(x.lo(), p, which);
    if x.lo() == x.hi() {
        return out;
    }
    out = out.hull(&trig(x.hi(), p, which));
    // extrema: sin at π(j + 1/2) with value (−1)^j; cos at πj with (−1)^j
    let offset = match which {
        Trig::Sin => ratio(1, 2),
        Trig::Cos => Rational::zero(),
    };
    let pi_p = pi(p + magnitude_bits(x.lo()).max(magnitude_bits(x.hi())) + 8);
    // π ∈ [π_lo, π_hi] with π_lo > 0, so the j with π(j + offset) ∈ x lie
    // in this range: a handful, x being narrower than 7 (bounding π by
    // [3, 4] instead let x near −1.3e10 — found by the fuzzer — walk a
    // billion j)
    let (p_lo, p_hi) = (pi_p.lo(), pi_p.hi());
    // ⌊a/c⌋ and ⌈a/c⌉ for c > 0 in integers (no gcd, no continued
    // fractions of long quotients)
    let floor_div = |a: &Rational, c: &Rational| -> BigInt {
        (a.numer() * c.denom()).div_floor(&(a.denom() * c.numer()))
    };
    let ceil_div = |a: &Rational, c: &Rational| -> BigInt {
        (a.numer() * c.denom()).div_ceil(&(a.denom() * c.numer()))
    };
    let j_lo: BigInt = floor_div(x.lo(), p_lo).min(floor_div(x.lo(), p_hi)) - 2;
    let j_hi: BigInt = ceil_div(x.hi(), p_lo).max(ceil_div(x.hi(), p_hi)) + 2;
    let mut j = j_lo;
    while j <= j_hi {
        let at = pi_p.scale(&(Rational::from_integer(j.clone()) + &offset));
        if at.hi() >= x.lo() && at.lo() <= x.hi() {
            let v = if j.is_even() { int(1) } else { int(-1) };
            out = out.hull(&Interval::point(v));
        }
        j += 1;
    }
    out.intersect(&unit).unwrap_or(unit)
}

#[cfg(test)]
mod tests;
