//! Hand-written networks standing in for `qrelu!` output in the tests of
//! the checks and certificates: each implements `Network` the way
//! generated code does.
#![allow(dead_code)]

use qrelu::__private::{STUB_INFO, inputs};
use qrelu::{CheckError, ConstRational, NetInfo, Network, Scalar, TargetTerm};

/// The domain [0, 1].
pub const UNIT: &[(ConstRational, ConstRational)] =
    &[(ConstRational::new("0"), ConstRational::new("1"))];
/// The domain [−1, 1].
pub const SIGNED: &[(ConstRational, ConstRational)] =
    &[(ConstRational::new("-1"), ConstRational::new("1"))];
/// The target x².
pub const X_SQUARED: &[TargetTerm] = &[TargetTerm {
    coef: ConstRational::new("1"),
    pow: &[2],
}];

/// |v| = relu(v) + relu(−v).
pub fn abs<T: Scalar>(v: &T) -> T {
    v.relu().plus(&v.negated().relu())
}

/// Implements `Network` for `$name` with the given info and body (the
/// including file needs `CheckError`, `NetInfo`, `Network` and `Scalar` in
/// scope).
macro_rules! network {
    ($name:ident, $info:expr, |$x:ident| $body:expr) => {
        pub struct $name;
        impl Network for $name {
            const INFO: NetInfo = $info;
            const JSON: &'static str = "{}";
            fn eval_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
                #[allow(unused_variables)]
                let $x = x;
                Ok($body)
            }
            fn target_at<T: Scalar>(x: &[T]) -> Result<T, CheckError> {
                Self::INFO.target_eval(x)
            }
        }
    };
}

/// A 1-D network on [0, 1] with target x² and the given bound.
const fn square_info(bound: &'static str) -> NetInfo {
    NetInfo {
        name: "Square",
        inputs: &["x"],
        domain: UNIT,
        target: X_SQUARED,
        error_bound: ConstRational::new(bound),
        ..STUB_INFO
    }
}

// f_s^1(x) = x − 1/4 + 1/2·|x − 1/2|: the 2-piece interpolant of x².
network!(Square1, square_info("1/16"), |x| {
    let [x] = inputs::<T, 1>(x)?;
    let kink = abs(&x.minus(&T::dyadic(1, -1)));
    x.minus(&T::ratio(1, 4)).fma(&T::dyadic(1, -1), &kink)
});

// The same with the bias 1/8 too large: error 3/16 at x = 1/4.
network!(WrongBias, square_info("1/16"), |x| {
    let [x] = inputs::<T, 1>(x)?;
    let kink = x.minus(&T::dyadic(1, -1)).relu();
    kink.plus(&T::dyadic(1, -3)).fma(&T::dyadic(1, -1), &x)
});

/// eq. (5): f_s^r(x) = x − Σ_{i=1}^r 2^(−2i) g∘i(x), with the tent map
/// eq. (4) g(x) = 2σ(x) − 4σ(x − 1/2).
pub fn square_r<T: Scalar>(x: &[T], r: i32) -> Result<T, CheckError> {
    let [x] = inputs::<T, 1>(x)?;
    let mut g = x.clone();
    let mut sum = x;
    for i in 1..=r {
        let up = g.relu();
        let down = g.minus(&T::dyadic(1, -1)).relu();
        g = T::zero()
            .fma(&T::dyadic(2, 0), &up)
            .fma(&T::dyadic(-4, 0), &down);
        sum = sum.fma(&T::dyadic(-1, -2 * i), &g);
    }
    Ok(sum)
}

/// Defines f_s^r with its Prop. 1 bound 2^(−2(r+1)).
macro_rules! square_r {
    ($name:ident, $r:expr, $bound:expr) => {
        network!($name, square_info($bound), |x| square_r(x, $r)?);
    };
}
square_r!(Square3, 3, "1/256");
square_r!(Square6, 6, "1/16384");
square_r!(Square12, 12, "1/67108864");

// 1/2·relu(x) + 1/4 against 1/2·x + 1/4 on [−1, 1]: error |x|/2 for x < 0.
network!(
    HalfLine,
    NetInfo {
        inputs: &["x"],
        domain: SIGNED,
        target: &[
            TargetTerm {
                coef: ConstRational::new("1/2"),
                pow: &[1]
            },
            TargetTerm {
                coef: ConstRational::new("1/4"),
                pow: &[]
            },
        ],
        error_bound: ConstRational::new("1/2"),
        ..STUB_INFO
    },
    |x| {
        let [x] = inputs::<T, 1>(x)?;
        T::ratio(1, 4).fma(&T::dyadic(1, -1), &x.relu())
    }
);

// relu(2·relu(x − 1/4) − 1/2): zero until 1/2, where the outer unit turns
// on exactly at the start of a piece; target 0, so the error is the value.
network!(
    Nested,
    NetInfo {
        inputs: &["x"],
        domain: UNIT,
        target: &[],
        error_bound: ConstRational::new("1"),
        ..STUB_INFO
    },
    |x| {
        let [x] = inputs::<T, 1>(x)?;
        let inner = x.minus(&T::dyadic(1, -2)).relu();
        T::ratio(-1, 2).fma(&T::dyadic(2, 0), &inner).relu()
    }
);

// On [1/2, 1] both relu(x − 1/2) and relu(1/2 − x) start at 0: the first is
// active to the right, the second never is. Target x − 1/2: error 0.
network!(
    AtKink,
    NetInfo {
        inputs: &["x"],
        domain: &[(ConstRational::new("1/2"), ConstRational::new("1"))],
        target: &[
            TargetTerm {
                coef: ConstRational::new("1"),
                pow: &[1]
            },
            TargetTerm {
                coef: ConstRational::new("-1/2"),
                pow: &[0]
            },
        ],
        error_bound: ConstRational::new("0"),
        ..STUB_INFO
    },
    |x| {
        let [x] = inputs::<T, 1>(x)?;
        let half = T::dyadic(1, -1);
        x.minus(&half).relu().minus(&half.minus(&x).relu())
    }
);

// x against 3/4·x³ − x/2: e = 3/4·x³ − 3/2·x peaks in magnitude at the
// irrational x* = √(2/3), where |e| = √(2/3).
network!(
    Cubic,
    NetInfo {
        inputs: &["x"],
        domain: UNIT,
        target: &[
            TargetTerm {
                coef: ConstRational::new("3/4"),
                pow: &[3]
            },
            TargetTerm {
                coef: ConstRational::new("-1/2"),
                pow: &[1]
            },
        ],
        error_bound: ConstRational::new("1"),
        ..STUB_INFO
    },
    |x| {
        let [x] = inputs::<T, 1>(x)?;
        x
    }
);

// The domain [1, 0]: inverted, so no check has a point to look at.
network!(
    Inverted,
    NetInfo {
        inputs: &["x"],
        domain: &[(ConstRational::new("1"), ConstRational::new("0"))],
        target: X_SQUARED,
        error_bound: ConstRational::new("1"),
        ..STUB_INFO
    },
    |x| {
        let [x] = inputs::<T, 1>(x)?;
        x
    }
);

// x·x computed by a multiplication: not a ReLU network.
network!(Multiplies, square_info("0"), |x| {
    let [x] = inputs::<T, 1>(x)?;
    x.times(&x)
});

// relu(x + y − 1) against x·y on [0, 1]²: error 1/4 at (1/2, 1/2).
network!(
    Corner,
    NetInfo {
        inputs: &["x", "y"],
        domain: &[
            (ConstRational::new("0"), ConstRational::new("1")),
            (ConstRational::new("0"), ConstRational::new("1")),
        ],
        target: &[TargetTerm {
            coef: ConstRational::new("1"),
            pow: &[1, 1]
        }],
        error_bound: ConstRational::new("1/4"),
        ..STUB_INFO
    },
    |x| {
        let [x, y] = inputs::<T, 2>(x)?;
        x.plus(&y).minus(&T::dyadic(1, 0)).relu()
    }
);
