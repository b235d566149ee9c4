//! Codebooks of λ weight values (SPEC §3).
//!
//! **Nonlinear quantization** (Prop. 3, eq. 9): the λ values
//!
//! ```text
//! {−1/2} ∪ W,   W = {2^−1, 2^−b, 2^−b², …, 2^−b^(λ−2)},   b = ⌈t^(1/(λ−1))⌉
//! ```
//!
//! The paper assumes `t^(1/(λ−1))` is an integer; we take the ceiling, which
//! keeps every exponent `1..t` reachable with at most `b − 1` uses of each
//! element of `W` per digit (radix-`b` digits of the exponent) at the cost of
//! up to `λ(b−1)` factors on the longest chain instead of `λ(t^(1/(λ−1))−1)`.
//! When the ceiling is 1 (t = 1) we use `b = 2`, so that the λ values stay
//! distinct. For λ = 2 the codebook is {−1/2, 1/2} whatever `t` is.
//!
//! **Linear quantization** (Section 4.4): the λ values uniformly spaced on
//! [−1/2, 1/2], both ends included,
//!
//! ```text
//! L_λ = { −1/2 + k/(λ−1) : k = 0, …, λ−1 }      (step 1/(λ−1))
//! ```
//!
//! — symmetric about 0, inside [−1, 1], the fixed-point grid of a
//! `log2(λ−1)`-bit signed fraction when λ − 1 is a power of two
//! (λ = 3: {−1/2, 0, 1/2}; λ = 5: {0, ±1/4, ±1/2}; λ = 9: multiples of 1/8).
//! The paper states only the resolution ("a minimal resolution of 1/λ");
//! the step 1/(λ−1) is that resolution up to the factor λ/(λ−1), and pinning
//! the ends at ±1/2 keeps the weight ±1/2, which every structural block
//! (f_s^r, ×′, the gates, h) is made of, in every linear codebook. What the
//! weight sub-network can use besides ±1/2 are the powers 2^−e in L_λ:
//! 2^−e ∈ L_λ exactly when 2^e divides λ − 1 (e ≥ 1), i.e. for
//! e = 1, …, max(1, v₂(λ−1)) with v₂ the 2-adic valuation — see
//! `Codebook::halving_exponents` and the weight module for the depth
//! `⌈(t−2)/v₂(λ−1)⌉ + 2` it gives (the paper's `t/log λ + 1` when
//! λ − 1 is a power of two). The other values (±1/6 for λ = 4, 0 for odd λ)
//! are in the codebook, and cost index bits, but no construction needs them:
//! linear quantization stores `⌈log2 λ⌉` bits per weight for the resolution
//! of `log2(λ−1)`-bit fixed point, which is why the paper finds it
//! asymptotically worse than the nonlinear codebook.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use crate::error::{CoreError, Subject};
use crate::rational::{self, Rational};
use crate::spec::Param;

/// Largest exponent `e` of a codebook value `2^−e`: beyond it the value is
/// not a normal `f64` and generated floating-point code would lose it.
pub const MAX_EXPONENT: u64 = 1022;

/// Which family of codebooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantization {
    /// Powers of two and −1/2 (Prop. 3, eq. 9).
    Nonlinear,
    /// λ values uniformly spaced on [−1/2, 1/2] (Section 4.4, module docs).
    Linear,
    /// The grid `{kη : |kη| ≤ B}` of uniform quantization `Q_η` (the Gonon
    /// slides), made by [`Codebook::uniform`]; not a DSL choice.
    Uniform,
    /// No codebook: any rational weight, the unquantized reference
    /// networks; made by [`Codebook::unquantized`]; not a DSL choice.
    Unquantized,
}

impl Quantization {
    /// Every family, the DSL's choices (`nonlinear`, `linear`) first.
    pub const ALL: [Quantization; 4] = [
        Quantization::Nonlinear,
        Quantization::Linear,
        Quantization::Uniform,
        Quantization::Unquantized,
    ];

    /// The family spelled `name`, if any.
    pub fn from_name(name: &str) -> Option<Quantization> {
        Quantization::ALL.into_iter().find(|q| q.name() == name)
    }

    /// The DSL spelling.
    pub fn name(self) -> &'static str {
        match self {
            Quantization::Nonlinear => "nonlinear",
            Quantization::Linear => "linear",
            Quantization::Uniform => "uniform",
            Quantization::Unquantized => "unquantized",
        }
    }
}

/// A set of λ distinct weight values. Every edge weight of a network is one
/// of them; every bias is one of them or zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Codebook {
    quantization: Quantization,
    lambda: u32,
    base: u64,
    /// ascending (finite codebooks; empty for a grid or no codebook)
    values: Vec<Rational>,
    /// `(η, B, levels)` of a uniform grid
    grid: Option<(Rational, Rational, BigInt)>,
}

impl Codebook {
    /// The nonlinear codebook for `lambda ≥ 2` values and weight precision
    /// `t ≥ 1` (module docs).
    ///
    /// # Errors
    /// `lambda < 2`, `t = 0`, or a smallest value `2^−b^(λ−2)` below
    /// `2^−MAX_EXPONENT`.
    ///
    /// ```
    /// use qrelu_core::quantize::Codebook;
    /// use qrelu_core::rational::ratio;
    /// let cb = Codebook::nonlinear(3, 16).unwrap();
    /// assert_eq!(cb.base(), 4);
    /// assert_eq!(cb.values(), &[ratio(-1, 2), ratio(1, 16), ratio(1, 2)]);
    /// ```
    pub fn nonlinear(lambda: u32, t: u32) -> Result<Self, CoreError> {
        if lambda < 2 {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param(Param::Lambda),
                message: format!("`lambda` must be at least 2, found {lambda}"),
            });
        }
        if t == 0 {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param(Param::T),
                message: "`t` must be at least 1, found 0".to_owned(),
            });
        }
        // b = ⌈t^(1/(λ−1))⌉, at least 2 so the values stay distinct
        let base = rational::ceil_root(u64::from(t), lambda - 1).max(2);
        let mut values = vec![rational::ratio(-1, 2), rational::ratio(1, 2)];
        let mut exponent: u64 = 1;
        for _ in 0..lambda.saturating_sub(2) {
            exponent = exponent.saturating_mul(base);
            if exponent > MAX_EXPONENT {
                return Err(CoreError::InvalidParameter {
                    subject: Subject::Param(Param::Lambda),
                    message: format!(
                        "`lambda` = {lambda} with `t` = {t} needs the codebook value 2^-{exponent}, \
                         below the range of f64; use a smaller `lambda`"
                    ),
                });
            }
            values.push(rational::pow2(-(exponent as i64)));
        }
        values.sort();
        Ok(Codebook {
            quantization: Quantization::Nonlinear,
            lambda,
            base,
            values,
            grid: None,
        })
    }

    /// The linear codebook `L_λ = {−1/2 + k/(λ−1) : k = 0..λ−1}` of
    /// `lambda ≥ 2` values (module docs). It does not depend on `t`.
    ///
    /// # Errors
    /// `lambda < 2`.
    ///
    /// ```
    /// use qrelu_core::quantize::Codebook;
    /// use qrelu_core::rational::ratio;
    /// let cb = Codebook::linear(5).unwrap();
    /// assert_eq!(cb.values(), &[ratio(-1, 2), ratio(-1, 4), ratio(0, 1), ratio(1, 4), ratio(1, 2)]);
    /// ```
    pub fn linear(lambda: u32) -> Result<Self, CoreError> {
        if lambda < 2 {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Param(Param::Lambda),
                message: format!("`lambda` must be at least 2, found {lambda}"),
            });
        }
        let steps = i64::from(lambda) - 1;
        let values: Vec<Rational> = (0..=steps)
            .map(|k| rational::ratio(2 * k - steps, 2 * steps))
            .collect();
        Ok(Codebook {
            quantization: Quantization::Linear,
            lambda,
            base: 2,
            values,
            grid: None,
        })
    }

    /// The grid of uniform quantization with step `eta > 0` and bound
    /// `bound ≥ 0`: the `2⌊B/η⌋ + 1` values `kη`, `|kη| ≤ B`, zero
    /// included. `λ` ([`lambda`](Self::lambda)) saturates at `u32::MAX`;
    /// [`index_bits`](Self::index_bits) is exact. The values are not
    /// listed ([`values`](Self::values) is empty); membership is
    /// arithmetic.
    ///
    /// # Errors
    /// `eta ≤ 0` or `bound < 0`.
    ///
    /// ```
    /// use qrelu_core::quantize::Codebook;
    /// use qrelu_core::rational::ratio;
    /// let cb = Codebook::uniform(ratio(1, 8), ratio(3, 2)).unwrap();
    /// assert_eq!(cb.lambda(), 25);
    /// assert_eq!(cb.index_bits(), 5);
    /// assert!(cb.contains(&ratio(-11, 8)) && !cb.contains(&ratio(1, 16)) && !cb.contains(&ratio(13, 8)));
    /// ```
    pub fn uniform(eta: Rational, bound: Rational) -> Result<Self, CoreError> {
        if !eta.is_positive() || bound.is_negative() {
            return Err(CoreError::InvalidParameter {
                subject: Subject::Argument("eta"),
                message: format!(
                    "a uniform grid needs a step > 0 and a bound >= 0, found step {} and bound {}",
                    rational::display(&eta),
                    rational::display(&bound)
                ),
            });
        }
        let levels = rational::floor(&(&bound / &eta)) * 2 + 1;
        let lambda = u32::try_from(&levels).unwrap_or(u32::MAX);
        Ok(Codebook {
            quantization: Quantization::Uniform,
            lambda,
            base: 2,
            values: Vec::new(),
            grid: Some((eta, bound, levels)),
        })
    }

    /// No codebook at all: every rational is a weight and a bias (the
    /// unquantized reference networks). `λ` is 0 and a weight is counted
    /// as an `f64`, 64 bits ([`index_bits`](Self::index_bits)).
    pub fn unquantized() -> Self {
        Codebook {
            quantization: Quantization::Unquantized,
            lambda: 0,
            base: 2,
            values: Vec::new(),
            grid: None,
        }
    }

    /// The step `η` and bound `B` of a uniform grid.
    pub fn grid(&self) -> Option<(&Rational, &Rational)> {
        self.grid.as_ref().map(|(eta, bound, _)| (eta, bound))
    }

    /// The codebook of `quantization` with `lambda` values for weight
    /// precision `t` ([`nonlinear`](Self::nonlinear) or
    /// [`linear`](Self::linear), which ignores `t`).
    ///
    /// # Errors
    /// Those of the chosen constructor.
    pub fn new(quantization: Quantization, lambda: u32, t: u32) -> Result<Self, CoreError> {
        match quantization {
            Quantization::Nonlinear => Codebook::nonlinear(lambda, t),
            Quantization::Linear => Codebook::linear(lambda),
            Quantization::Uniform | Quantization::Unquantized => Err(CoreError::InvalidParameter {
                subject: Subject::Param(Param::Quantization),
                message: format!(
                    "`quantization = {}` is made from a network, not from λ and t",
                    quantization.name()
                ),
            }),
        }
    }

    /// Nonlinear or linear.
    pub fn quantization(&self) -> Quantization {
        self.quantization
    }

    /// λ, the number of distinct values.
    pub fn lambda(&self) -> u32 {
        self.lambda
    }

    /// The radix `b` of eq. 9 for nonlinear codebooks; 2 for linear ones.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The values, ascending; empty for a uniform grid (listed by
    /// [`grid`](Self::grid)) and for no codebook.
    pub fn values(&self) -> &[Rational] {
        &self.values
    }

    /// Whether `w` is a codebook value (always, for no codebook).
    pub fn contains(&self, w: &Rational) -> bool {
        match (&self.grid, self.quantization) {
            (Some((eta, bound, _)), _) => rational::abs(w) <= *bound && (w / eta).is_integer(),
            (None, Quantization::Unquantized) => true,
            (None, _) => self.values.binary_search(w).is_ok(),
        }
    }

    /// Whether `b` is an allowed bias: zero or a codebook value.
    pub fn allows_bias(&self, b: &Rational) -> bool {
        b.is_zero() || self.contains(b)
    }

    /// The exponents `c` of the positive values `2^−c`, ascending
    /// (`1, b, b², …` for nonlinear codebooks): multiplying by one of them
    /// is one edge.
    pub(crate) fn halving_exponents(&self) -> Vec<u64> {
        let mut out: Vec<u64> = self
            .values
            .iter()
            .filter(|v| v.is_positive())
            .filter_map(rational::power_of_two_exponent)
            .filter(|&e| e < 0)
            .map(|e| (-e) as u64)
            .collect();
        out.sort_unstable();
        out
    }

    /// Bits to store one weight index, `⌈log2 λ⌉` (for a uniform grid with
    /// its exact number of levels; 64, an `f64`, for no codebook).
    pub fn index_bits(&self) -> u32 {
        match (&self.grid, self.quantization) {
            (Some((_, _, levels)), _) => ceil_log2_big(levels),
            (None, Quantization::Unquantized) => 64,
            (None, _) => rational::ceil_log2(u64::from(self.lambda)),
        }
    }

    /// Bits to store one bias: a codebook value or zero, `⌈log2 (λ + 1)⌉`
    /// (a uniform grid holds zero already: its index bits; no codebook: 64).
    pub fn bias_bits(&self) -> u32 {
        match (&self.grid, self.quantization) {
            (Some(_), _) | (None, Quantization::Unquantized) => self.index_bits(),
            (None, _) => rational::ceil_log2(u64::from(self.lambda) + 1),
        }
    }
}

/// `⌈log2 n⌉` for `n ≥ 1`.
fn ceil_log2_big(n: &BigInt) -> u32 {
    let below: BigInt = n - 1;
    if below.is_zero() {
        0
    } else {
        u32::try_from(below.bits()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rational::{pow2, ratio};

    #[test]
    fn lambda_two_is_plus_minus_half() {
        for t in [1, 2, 7, 64] {
            let cb = Codebook::nonlinear(2, t).unwrap();
            assert_eq!(cb.values(), &[ratio(-1, 2), ratio(1, 2)]);
            assert_eq!(cb.index_bits(), 1);
        }
    }

    #[test]
    fn values_follow_eq_9() {
        // λ = 4, t = 27: b = 3, W = {2^-1, 2^-3, 2^-9}
        let cb = Codebook::nonlinear(4, 27).unwrap();
        assert_eq!(cb.base(), 3);
        assert_eq!(cb.values(), &[ratio(-1, 2), pow2(-9), pow2(-3), pow2(-1)]);
        // λ = 3, t = 10: ⌈√10⌉ = 4
        assert_eq!(Codebook::nonlinear(3, 10).unwrap().base(), 4);
        // t = 1 keeps the values distinct with b = 2
        let cb = Codebook::nonlinear(5, 1).unwrap();
        assert_eq!(cb.base(), 2);
        assert_eq!(cb.values().len(), 5);
    }

    #[test]
    fn every_codebook_has_lambda_distinct_values() {
        for lambda in 2..=11 {
            for t in 1..=64 {
                let cb = Codebook::nonlinear(lambda, t).unwrap();
                let mut v = cb.values().to_vec();
                v.dedup();
                assert_eq!(v.len(), lambda as usize, "λ={lambda} t={t}");
                assert!(cb.contains(&ratio(1, 2)) && cb.contains(&ratio(-1, 2)));
            }
        }
    }

    #[test]
    fn linear_codebooks_are_uniform_symmetric_and_hold_one_half() {
        let third = Codebook::linear(4).unwrap();
        assert_eq!(
            third.values(),
            &[ratio(-1, 2), ratio(-1, 6), ratio(1, 6), ratio(1, 2)]
        );
        for lambda in 2..=40u32 {
            let cb = Codebook::linear(lambda).unwrap();
            let v = cb.values();
            assert_eq!(v.len(), lambda as usize);
            let step = ratio(1, i64::from(lambda) - 1);
            assert!(v.windows(2).all(|w| &w[1] - &w[0] == step), "λ={lambda}");
            assert!(v.iter().zip(v.iter().rev()).all(|(a, b)| a == &-b));
            assert!(cb.contains(&ratio(1, 2)) && cb.contains(&ratio(-1, 2)));
            // 2^−e ∈ L_λ exactly for e ≤ max(1, v₂(λ−1))
            let top = (lambda - 1).trailing_zeros().max(1);
            let expected: Vec<u64> = (1..=u64::from(top)).collect();
            assert_eq!(cb.halving_exponents(), expected, "λ={lambda}");
            assert_eq!(cb.quantization(), Quantization::Linear);
            assert_eq!(Codebook::new(Quantization::Linear, lambda, 9).unwrap(), cb);
        }
        assert!(Codebook::linear(1).is_err());
    }

    #[test]
    fn uniform_grids_and_no_codebook() {
        let cb = Codebook::uniform(ratio(1, 3), ratio(1, 1)).unwrap();
        assert_eq!((cb.lambda(), cb.index_bits(), cb.bias_bits()), (7, 3, 3));
        for k in -3..=3 {
            assert!(cb.contains(&ratio(k, 3)) && cb.allows_bias(&ratio(k, 3)));
        }
        assert!(!cb.contains(&ratio(4, 3)) && !cb.contains(&ratio(1, 6)));
        // 2^40 + 1 levels: λ saturates, the bits do not
        let fine = Codebook::uniform(pow2(-40), ratio(1, 2)).unwrap();
        assert_eq!((fine.lambda(), fine.index_bits()), (u32::MAX, 41));
        assert_eq!(
            Codebook::uniform(ratio(1, 2), ratio(0, 1))
                .unwrap()
                .index_bits(),
            0
        );
        assert!(Codebook::uniform(ratio(0, 1), ratio(1, 1)).is_err());
        let free = Codebook::unquantized();
        assert!(free.contains(&ratio(22, 7)) && free.allows_bias(&ratio(-5, 3)));
        assert_eq!((free.index_bits(), free.bias_bits()), (64, 64));
        assert!(Codebook::new(Quantization::Uniform, 2, 4).is_err());
    }

    #[test]
    fn refuses_bad_parameters() {
        assert!(Codebook::nonlinear(1, 4).is_err());
        assert!(Codebook::nonlinear(3, 0).is_err());
        // b = 2, 2^(16-2) = 16384 > MAX_EXPONENT
        assert!(Codebook::nonlinear(16, 2).is_err());
    }
}
