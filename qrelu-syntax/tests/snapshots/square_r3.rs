/// x² with three tent blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Square;
#[allow(clippy::all, clippy::pedantic, unused_variables, non_snake_case)]
impl Square {
    /// Size, codebook and error bound of this network.
    pub const INFO: ::qrelu::NetInfo = ::qrelu::NetInfo {
        name: "Square",
        inputs: &["x"],
        domain: &[(::qrelu::ConstRational::new("0"), ::qrelu::ConstRational::new("1"))],
        target: &[
            ::qrelu::TargetTerm {
                coef: ::qrelu::ConstRational::new("1"),
                pow: &[2u32],
            },
        ],
        target_expr: "x^2",
        target_program: &[],
        structure: "direct",
        quantization: "nonlinear",
        lambda: 2u32,
        r: ::core::option::Option::Some(3u32),
        t: ::core::option::Option::Some(8u32),
        n: ::core::option::Option::None,
        grid: ::core::option::Option::None,
        intervals: ::core::option::Option::None,
        cells: ::core::option::Option::None,
        codebook: &[
            ::qrelu::ConstRational::new("-1/2"),
            ::qrelu::ConstRational::new("1/2"),
        ],
        weights: 41usize,
        nonzero_biases: 3usize,
        units: 15usize,
        depth: 6usize,
        width: 5usize,
        bits: 41u64,
        honest_bits: 301u64,
        error_bound: ::qrelu::ConstRational::new("1/256"),
        blocks: &[
            ::qrelu::BlockInfo {
                name: "abs",
                units: 4usize,
                weights: 4usize,
                depth: 1usize,
                width: 3usize,
            },
            ::qrelu::BlockInfo {
                name: "const",
                units: 5usize,
                weights: 4usize,
                depth: 5usize,
                width: 1usize,
            },
            ::qrelu::BlockInfo {
                name: "square.tent",
                units: 6usize,
                weights: 20usize,
                depth: 1usize,
                width: 2usize,
            },
            ::qrelu::BlockInfo {
                name: "output",
                units: 1usize,
                weights: 13usize,
                depth: 1usize,
                width: 1usize,
            },
        ],
        parts: &[
            ::qrelu::PartInfo {
                name: "B_N",
                instances: 1usize,
                units: 5usize,
                weights: 4usize,
                width: 1usize,
                depth: 5usize,
            },
            ::qrelu::PartInfo {
                name: "B_abs",
                instances: 1usize,
                units: 4usize,
                weights: 4usize,
                width: 4usize,
                depth: 1usize,
            },
            ::qrelu::PartInfo {
                name: "B_mul",
                instances: 1usize,
                units: 6usize,
                weights: 20usize,
                width: 2usize,
                depth: 4usize,
            },
            ::qrelu::PartInfo {
                name: "output",
                instances: 1usize,
                units: 1usize,
                weights: 13usize,
                width: 1usize,
                depth: 1usize,
            },
        ],
        fixed: ::core::option::Option::Some(::qrelu::FixedInfo {
            width: 32u32,
            frac_bits: 23u32,
            scale: 29u32,
            needed_bits: 32u32,
            inputs: &[(0, 8388608)],
        }),
    };
    /// The network in the `qrelu-net/1` JSON format.
    pub const JSON: &'static str = "{\"format\": \"qrelu-net/1\", \"name\": \"Square\", \"inputs\": [\"x\"],\n \"domain\": [[\"0\", \"1\"]], \"codebook\": [\"-1/2\", \"1/2\"],\n \"units\": [{\"kind\": \"input\", \"name\": \"x\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[0, \"1/2\"]], \"block\": \"abs\", \"instance\": 1, \"role\": \"p\", \"part\": \"B_abs\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[0, \"1/2\"]], \"block\": \"abs\", \"instance\": 2, \"role\": \"c1\", \"part\": \"B_abs\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[0, \"1/2\"]], \"block\": \"abs\", \"instance\": 2, \"role\": \"c2\", \"part\": \"B_abs\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[0, \"1/2\"]], \"block\": \"abs\", \"instance\": 2, \"role\": \"c3\", \"part\": \"B_abs\"},\n           {\"kind\": \"relu\", \"bias\": \"1/2\", \"in\": [], \"block\": \"const\", \"instance\": 1, \"role\": \"k1\", \"part\": \"B_N\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[5, \"1/2\"]], \"block\": \"const\", \"instance\": 1, \"role\": \"k2\", \"part\": \"B_N\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[6, \"1/2\"]], \"block\": \"const\", \"instance\": 1, \"role\": \"k3\", \"part\": \"B_N\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[7, \"1/2\"]], \"block\": \"const\", \"instance\": 1, \"role\": \"k4\", \"part\": \"B_N\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[8, \"1/2\"]], \"block\": \"const\", \"instance\": 1, \"role\": \"k5\", \"part\": \"B_N\"},\n           {\"kind\": \"relu\", \"bias\": \"-1/2\", \"in\": [[1, \"1/2\"], [2, \"1/2\"], [3, \"1/2\"], [4, \"1/2\"]], \"block\": \"square.tent\", \"instance\": 1, \"role\": \"a\", \"part\": \"B_mul\"},\n           {\"kind\": \"relu\", \"bias\": \"1/2\", \"in\": [[1, \"-1/2\"], [2, \"-1/2\"], [3, \"-1/2\"], [4, \"-1/2\"]], \"block\": \"square.tent\", \"instance\": 1, \"role\": \"b\", \"part\": \"B_mul\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[6, \"1/2\"], [10, \"-1/2\"], [11, \"-1/2\"]], \"block\": \"square.tent\", \"instance\": 2, \"role\": \"a\", \"part\": \"B_mul\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[6, \"-1/2\"], [10, \"1/2\"], [11, \"1/2\"]], \"block\": \"square.tent\", \"instance\": 2, \"role\": \"b\", \"part\": \"B_mul\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[8, \"1/2\"], [12, \"-1/2\"], [13, \"-1/2\"]], \"block\": \"square.tent\", \"instance\": 3, \"role\": \"a\", \"part\": \"B_mul\"},\n           {\"kind\": \"relu\", \"bias\": \"0\", \"in\": [[8, \"-1/2\"], [12, \"1/2\"], [13, \"1/2\"]], \"block\": \"square.tent\", \"instance\": 3, \"role\": \"b\", \"part\": \"B_mul\"}],\n \"output\": {\"bias\": \"0\", \"in\": [[1, \"1/2\"], [2, \"1/2\"], [3, \"1/2\"], [4, \"1/2\"], [10, \"1/2\"], [11, \"1/2\"], [5, \"-1/2\"], [12, \"1/2\"], [13, \"1/2\"], [7, \"-1/2\"], [14, \"1/2\"], [15, \"1/2\"], [9, \"-1/2\"]]},\n \"target\": [{\"coef\": \"1\", \"pow\": [2]}],\n \"target_expr\": \"x^2\",\n \"error_bound\": \"1/256\",\n \"lambda\": 2, \"quantization\": \"nonlinear\", \"structure\": \"direct\", \"r\": 3, \"t\": 8}\n";
    ///Evaluates the network: 41 weights in the codebook {-1/2, 1/2}, depth 6, within 1/256 of `x^2` on its domain.
    pub fn eval<T: ::qrelu::Scalar>(x: T) -> T {
        let neg_half: T = T::dyadic(-1i64, -1i32);
        let half: T = T::dyadic(1i64, -1i32);
        let abs1_p: T = half.times(&x).relu();
        let const1_k1: T = half.clone().relu();
        let const1_k2: T = half.times(&const1_k1).relu();
        let const1_k3: T = half.times(&const1_k2).relu();
        let const1_k4: T = half.times(&const1_k3).relu();
        let const1_k5: T = half.times(&const1_k4).relu();
        let tent1_a_abs: T = neg_half
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .magnitude();
        let tent2_a_abs: T = Self::square_tent(&const1_k2, &tent1_a_abs);
        let tent3_a_abs: T = Self::square_tent(&const1_k4, &tent2_a_abs);
        half.times(&abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &tent1_a_abs)
            .fma(&neg_half, &const1_k1)
            .fma(&half, &tent2_a_abs)
            .fma(&neg_half, &const1_k3)
            .fma(&half, &tent3_a_abs)
            .fma(&neg_half, &const1_k5)
    }
    /// The network at every point of a batch given as columns
    /// (`inputs[i][k]` is input `i` of point `k`) into `out`, in `f64`
    /// or `f32`, several points at a time on the vector units, each
    /// result bit-identical to `eval` at that point
    /// (`qrelu::Network::eval_batch`).
    ///
    /// # Errors
    ///
    /// `CheckError::Dimension` if there is not one column per input,
    /// `CheckError::BatchLength` if a column's length is not `out.len()`.
    #[inline]
    pub fn eval_batch<F: ::qrelu::__private::Float>(
        inputs: &[&[F]],
        out: &mut [F],
    ) -> ::core::result::Result<(), ::qrelu::CheckError> {
        <Self as ::qrelu::Network>::eval_batch(inputs, out)
    }
    /**Evaluates the network exactly with integer adds and shifts only (no floating point): each input is the integer `X` standing for `X·2^-23` (`x` in `0..=8388608`); the result is the integer `Y` standing for the output `Y·2^-29`. Every intermediate value fits `i32` (32 bits needed), by exact range analysis over the domain; the format is `INFO.fixed`.

# Errors

`CheckError::OutOfFormat` for an input outside its range.*/
    #[inline]
    #[deny(clippy::float_arithmetic)]
    pub fn eval_fixed(
        x: impl ::core::convert::Into<i32>,
    ) -> ::core::result::Result<i32, ::qrelu::CheckError> {
        let x: i32 = ::core::convert::Into::into(x);
        if !(0..=8388608).contains(&x) {
            return ::core::result::Result::Err(::qrelu::CheckError::OutOfFormat {
                input: 0usize,
                value: ::core::convert::From::from(x),
            });
        }
        ::core::result::Result::Ok(
            Square::eval::<
                ::qrelu::Fixed<i32, 29u32>,
            >(::qrelu::Fixed::<i32, 29u32>::from_raw(x << 6u32))
                .raw(),
        )
    }
    ///The exact target `x^2`.
    pub fn target<T: ::qrelu::Scalar>(x: T) -> T {
        let x_pow2: T = x.times(&x);
        x_pow2.clone()
    }
    ///One `square.tent` block (2 units, 1 computed), shared by every instance of this shape.
    #[doc(hidden)]
    #[inline]
    fn square_tent<T: ::qrelu::Scalar>(in1: &T, in2: &T) -> T {
        let neg_half: T = T::dyadic(-1i64, -1i32);
        let half: T = T::dyadic(1i64, -1i32);
        let a_abs: T = half.times(in1).fma(&neg_half, in2).magnitude();
        a_abs
    }
    #[doc(hidden)]
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn eval_lanes<T: ::qrelu::Scalar>(x: T) -> T {
        let neg_half: T = T::dyadic(-1i64, -1i32);
        let half: T = T::dyadic(1i64, -1i32);
        let abs1_p: T = half.times(&x).relu();
        let const1_k1: T = half.clone().relu();
        let const1_k2: T = half.times(&const1_k1).relu();
        let const1_k3: T = half.times(&const1_k2).relu();
        let const1_k4: T = half.times(&const1_k3).relu();
        let const1_k5: T = half.times(&const1_k4).relu();
        let tent1_a_abs: T = neg_half
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .magnitude();
        let tent2_a_abs: T = Self::lanes_square_tent(&const1_k2, &tent1_a_abs);
        let tent3_a_abs: T = Self::lanes_square_tent(&const1_k4, &tent2_a_abs);
        half.times(&abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &abs1_p)
            .fma(&half, &tent1_a_abs)
            .fma(&neg_half, &const1_k1)
            .fma(&half, &tent2_a_abs)
            .fma(&neg_half, &const1_k3)
            .fma(&half, &tent3_a_abs)
            .fma(&neg_half, &const1_k5)
    }
    ///One `square.tent` block (2 units, 1 computed), shared by every instance of this shape.
    #[doc(hidden)]
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn lanes_square_tent<T: ::qrelu::Scalar>(in1: &T, in2: &T) -> T {
        let neg_half: T = T::dyadic(-1i64, -1i32);
        let half: T = T::dyadic(1i64, -1i32);
        let a_abs: T = half.times(in1).fma(&neg_half, in2).magnitude();
        a_abs
    }
}
impl ::qrelu::Network for Square {
    const INFO: ::qrelu::NetInfo = Square::INFO;
    const JSON: &'static str = Square::JSON;
    fn eval_at<T: ::qrelu::Scalar>(
        x: &[T],
    ) -> ::core::result::Result<T, ::qrelu::CheckError> {
        if x.len() != 1usize {
            return ::core::result::Result::Err(::qrelu::CheckError::Dimension {
                expected: 1usize,
                found: x.len(),
            });
        }
        ::core::result::Result::Ok(Square::eval(x[0usize].clone()))
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn eval_lanes_at<T: ::qrelu::Scalar>(
        x: &[T],
    ) -> ::core::result::Result<T, ::qrelu::CheckError> {
        if x.len() != 1usize {
            return ::core::result::Result::Err(::qrelu::CheckError::Dimension {
                expected: 1usize,
                found: x.len(),
            });
        }
        ::core::result::Result::Ok(Square::eval_lanes(x[0usize].clone()))
    }
    fn target_at<T: ::qrelu::Scalar>(
        x: &[T],
    ) -> ::core::result::Result<T, ::qrelu::CheckError> {
        if x.len() != 1usize {
            return ::core::result::Result::Err(::qrelu::CheckError::Dimension {
                expected: 1usize,
                found: x.len(),
            });
        }
        ::core::result::Result::Ok(Square::target(x[0usize].clone()))
    }
    fn eval_batch<F: ::qrelu::__private::Float>(
        inputs: &[&[F]],
        out: &mut [F],
    ) -> ::core::result::Result<(), ::qrelu::CheckError> {
        ::qrelu::__private::eval_batch_on::<
            Self,
            F,
            32usize,
            8usize,
        >(::qrelu::__private::Isa::detect(), inputs, out)
    }
    #[allow(unreachable_patterns)]
    fn eval_fixed_at<X: ::core::marker::Copy + ::core::convert::Into<i128>>(
        x: &[X],
    ) -> ::core::result::Result<i128, ::qrelu::CheckError> {
        if x.len() != 1usize {
            return ::core::result::Result::Err(::qrelu::CheckError::Dimension {
                expected: 1usize,
                found: x.len(),
            });
        }
        Square::eval_fixed(
                match <i32 as ::core::convert::TryFrom<
                    i128,
                >>::try_from(::core::convert::Into::into(x[0usize])) {
                    ::core::result::Result::Ok(v) => v,
                    ::core::result::Result::Err(_) => {
                        return ::core::result::Result::Err(::qrelu::CheckError::OutOfFormat {
                            input: 0usize,
                            value: ::core::convert::Into::into(x[0usize]),
                        });
                    }
                },
            )
            .map(::core::convert::From::from)
    }
}
