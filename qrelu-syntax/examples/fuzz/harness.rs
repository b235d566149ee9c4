//! The fuzzer's engine, shared by `examples/fuzz.rs` (long runs) and
//! `tests/fuzz.rs` (the CI slice): a deterministic generator of `qrelu!`
//! inputs, the macro pipeline run on a worker thread under a time cap, and
//! the checks of every outcome — no panic, no hang, every error spanned
//! inside the input.
//!
//! # Inputs
//!
//! Input `i` of seed `s` depends on `(s, i)` only (its own splitmix64
//! stream), so any input can be regenerated alone (`--from i --inputs 1`).
//! It is one of
//!
//! - a **grammar-aware mutation** (about 60 %) of a valid or refused
//!   invocation — from [`SEEDS`] (the tour, `tests/ui`, the parser's tests)
//!   or a net generated from the grammar of SPEC §2 — by one to four token
//!   edits: delete, duplicate, swap or insert tokens; numbers made huge,
//!   zero, negative, fractional, suffixed; parameter keys and values
//!   swapped; function names changed; sub-expressions nested (rarely 100+
//!   deep); domains changed (inverted, empty, huge, malformed); exponents
//!   changed (`x^1000`, `x^-1`, `x^y`); structure, quantization and tune
//!   words changed or added; nets duplicated, spliced or cut;
//! - a **generated net** left as it is (about 15 %), mostly valid, so that
//!   lowering and expansion run often;
//! - **token soup** (about 20 %): random identifiers, literals, punctuation
//!   and (mostly balanced) delimiters, sometimes after `net F(x) =`;
//! - a **character-level** mutation (about 5 %) of a rendered input: quotes,
//!   comment openers, backslashes, non-ASCII characters — mostly lex errors.
//!
//! Every `where` clause without `max_weights` gets `max_weights = 2000` (or
//! less) right after `where`, and mutations of a `max_weights` value keep it
//! small or invalid, so a lowering builds at most a few thousand weights
//! and a slow input is a finding, not a big network.
//!
//! # Checks
//!
//! The text is lexed with `proc_macro2::TokenStream::from_str` (a lex error
//! is an outcome of its own, rustc would refuse the text before the macro
//! sees it), then run through the same steps as `qrelu_syntax::expand`:
//! `ast::parse`, `expand::expand_stubs`, `valid::validate`, `lower::lower`
//! and `expand::expand_net` of each net. Per input:
//!
//! - **no panic**: the pipeline runs under `catch_unwind`; the panic message
//!   and location are kept (a panic hook silences the worker's panics);
//! - **no hang**: the worker thread runs the input while the caller waits at
//!   most the time cap (5 s by default); a hang ends the run;
//! - **spans**: every message of every `syn::Error` (`err.into_iter()`) is
//!   rendered with `to_compile_error()`, whose first token carries the
//!   message's start span and whose last token its end span — the two spans
//!   rustc underlines between. When the input has at least one token, each
//!   of the two must be a real position in this input: not
//!   `Span::call_site()` (proc-macro2 with `span-locations` gives it no
//!   source text and the byte range `0..0`), a non-empty byte range that
//!   ends within the text and whose source text is the text's slice there,
//!   start and end line/column within the input's lines (line 1-based,
//!   column in characters at most the line's length), start not after end;
//!   and the start span must not begin after the end span ends. For an
//!   input without tokens (empty, whitespace, comments) nothing exists to
//!   point at, so the call site is accepted there. The worker calls
//!   `proc_macro2::extra::invalidate_current_thread_spans()` before each
//!   input, so the input is the only source file: a span left over from an
//!   earlier input could not pass for one of this input.
//!
//! A stack overflow aborts the process and cannot be caught; the worker's
//! stack is 8 MiB, rustc's default for the thread that runs proc macros.

#![allow(dead_code)] // the example and the test each use a part

use std::cell::RefCell;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::str::FromStr;
use std::sync::Once;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use proc_macro2::{Span, TokenStream, TokenTree};
use qrelu_syntax::{ast, expand, lower, valid};

// ---------------------------------------------------------------- random numbers

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, good enough to pick
/// mutations, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    /// The stream of input `index` under `seed`, independent of every other
    /// input's.
    pub fn for_input(seed: u64, index: u64) -> Rng {
        let mut a = Rng(seed);
        let mut b = Rng(index ^ 0xD1B5_4A32_D192_ED03);
        Rng(a.next() ^ b.next().rotate_left(17))
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `items` (non-empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------- vocabulary

/// Invocations to mutate: the pinned examples, the tour, the `tests/ui`
/// cases (refused ones too: their neighbours are interesting) and the
/// parser's tests.
pub const SEEDS: &[&str] = &[
    "/// Doc comments and attributes pass through to the generated item.
     pub net Square(x) = x^2 where r = 6, lambda = 2;
     pub net Product(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, t = 12, lambda = 3;
     net Cubic(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4;",
    "pub net Square3(x) = x^2 where r = 3, lambda = 2;",
    "pub net SquareL3(x in [-1, 1]) = x^2 where r = 8, lambda = 3;",
    "pub net ProductL4(x in [-1, 1], y in [-1, 1]) = x*y where r = 8, lambda = 4;",
    "pub net CubicL2(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 2;",
    "pub net MixL3(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 8, t = 12, lambda = 3;",
    "pub net SmoothN2(x) = x^3/6 - x^2/4 + x/3 where structure = taylor, n = 2, N = 8, r = 6;",
    "pub net Saddle(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, N = 4, r = 6, lambda = 3;",
    "pub net Wiggle(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, lambda = 2;",
    "pub net WiggleLinear(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, lambda = 5, quantization = linear;",
    "pub net WiggleTuned(x) = x^3/3 - x/4 where structure = lipschitz, eps = 1/256, tune = smallest;",
    "pub net Exp(x in [-1, 1]) = exp(x) where eps = 1/256;",
    "pub net Bell(x in [-1, 1]) = exp(-x^2) where eps = 1/256;",
    "pub net Log1p(x) = log(1 + x) where eps = 1/256;",
    "pub net Sqrt1p(x) = sqrt(1 + x) where eps = 1/256;",
    "pub net Sine(x in [-1, 1]) = sin(3*x)/3 where eps = 1/128;",
    "pub net Cosine(x in [-1, 1]) = cos(pi*x)/2 where eps = 1/128;",
    "pub net Tanh(x in [-1, 1]) = tanh(2*x) where eps = 1/256;",
    "pub net Atan(x in [-1, 1]) = atan(x) where eps = 1/256;",
    "pub net Sigmoid(x in [-1, 1]) = 1/(1 + exp(-4*x)) where eps = 1/64, tune = smallest;",
    "pub net Kinks(x in [-1, 1]) = abs(x)/2 + max(x - 1/2, 0) - min(x, -1/4)/4 where r = 1;",
    "pub net Quotient(x) = x/(1 + x^2) where eps = 1/256;",
    "pub net Gap(x in [-1, 1], y in [-1, 1]) = abs(x - y)/2 + min(x, y)/4 where eps = 1/256;",
    "pub net Radial(x in [-1, 1], y in [-1, 1]) = exp(-(x^2 + y^2)) where eps = 1/64;",
    "pub net SoftTaylor(x) = log(1 + x)/2 where structure = taylor, n = 2, eps = 1/100, tune = smallest;",
    "pub net ExpTaylor(x) = exp(x)/3 where structure = taylor, n = 3, eps = 1/1000, tune = smallest;",
    "pub net WaveLipschitz(x) = sin(3*x)/3 where structure = lipschitz, eps = 1/512;",
    "pub net SigmoidLipschitz(x) = 1/(1 + exp(-2*x)) where structure = lipschitz, eps = 1/256, tune = smallest;",
    "pub net Chebyshev(x) = (32/7*(2*x - 1)^7 - 48/5*(2*x - 1)^5 + 6*(2*x - 1)^3 - (2*x - 1) + 32/7 - 48/5 + 6 - 1)/4
        where structure = lipschitz, eps = 1/1000;",
    "pub net Lin(x) = 3/4*x^3 - x/2 + 1/8 where r = 10, t = 16, lambda = 4, quantization = linear, max_weights = 100000,",
    "net Huge(x) = 10000000000000000000*x^2 + x where r = 2;
     net Tiny(x) = x^2 where r = 2, t = 64, lambda = 12;
     net Heavy(x, y, z) = (x + y + z)^20 where r = 4;",
    "pub net Half(x in [-0.5, 1/2]) = 0.5*x^2 + 1.25 where r = 6, lambda = 2;
     pub net Smooth(x) = x^2 where eps = 0.001, lambda = 2;",
    "pub net Huge(x) = x^65 where r = 6, lambda = 2;
     pub net Product(x, y) = (x*y)^40 + x^40*y^40 where r = 6, lambda = 2;",
    "pub net Ratio(x, y) = x/y where r = 6, lambda = 2;
     pub net Sigmoid(x in [-1, 1]) = 1/(1 - exp(x)) where r = 6;
     pub net Zero(x) = 1/(x + 1) + x/(2 - 2) + x/0 where r = 6, lambda = 2;",
    "pub net Product(x in [-1, 1], x in [-1, 1]) = x*x where r = 8, lambda = 3;
     pub net Triple(x, y, y) = x*y where r = 8, lambda = 3;",
    "pub net F(x) = x^2 where r = 6; pub net F(y) = y^2 where r = 6; pub net r#F(x, y) = x*y where r = 6;",
    "net Tight(x) = x^2 where eps = 1/10000000000000000000000000000;
     net Rounded(x) = x^2/3 where eps = 1/100000000, t = 8;
     net Both(x) = x^2 where r = 2, eps = 1/1000;
     net TuneAlone(x) = x^2 where r = 4, tune = smallest;
     net TuneWithR(x) = x^2 where r = 4, eps = 1/100, tune = smallest;",
    "pub net Root(x) = x^(1/2) where r = 6, lambda = 2;
     pub net Decimal(x) = x^1.5 + x^(3/2) where r = 6, lambda = 2;",
    "pub net Double(x) = 2x^2 where r = 6, lambda = 2; pub net Typed(x) = 3u8*x where r = 6u32, lambda = 2;",
    "pub net Inverted(x in [1, 0]) = x^2 where r = 6, lambda = 2;
     pub net Empty(x in [1, 1], y in [1/2, -1/2]) = x*y where r = 6, lambda = 2;",
    "#[allow(non_camel_case_types)] pub net r#type(r#match) = r#match^2 where r = 6;",
    "pub net Square(x) = x^2 where r = 6, lambda = 1; pub net Cube(x) = x^3 where r = 6, lambda = 0;",
    "pub net Fast(x) = sin(2*x) where structure = lipschitz, eps = 1/256;",
    "net Square(x) = x^2 where structure = lipschitz, eps = 1/256;
     net Bump(x) = -4/3*x^3 + 2*x^2 + x/2 where structure = lipschitz, eps = 1/256;
     net Plane(x, y) = x*y/2 where structure = lipschitz, eps = 1/256;
     net Signed(x in [-1, 1]) = x^2/4 where structure = lipschitz, eps = 1/256;
     net WithR(x) = x^2/2 where structure = lipschitz, eps = 1/256, r = 4;
     net NoEps(x) = x^2/2 where structure = lipschitz, lambda = 2;",
    "pub net Log(x) = log(x) where r = 6;
     pub net Shifted(x in [-1, 1]) = exp(x)/2 + log(1 + x)/4 where r = 6;",
    "net Big(x) = x^2 where r = 24, max_weights = 200; net Tiny(x) = x^2 where max_weights = 10, r = 1;",
    "pub net Square(x) = x^2 where r = 6, lambda = 2, pub net Cube(x) = x^3 where r = 6;",
    "pub net Square(x) = x^2 where net Cube(x) = x^3 where r = 6;",
    "pub net Square(x) = x^2 r = 6, lambda = 2;",
    "pub net Reciprocal(x) = x^-1 where r = 6, lambda = 2;
     pub net Mixed(x) = x^2 + x^(-2) + x^(1 - 3) where r = 6, lambda = 2;",
    "pub net One() = 1 where r = 6; pub net Product() = x*y - z^2 where r = 6;",
    "pub net Error(x) = erf(x) where r = 6, lambda = 2;
     pub net Mixed(x, y) = x^2 + exp(y) - gamma(x - y) where r = 6, lambda = 2;
     pub net Implicit(x) = x(x + 1) where r = 6, lambda = 2;",
    "pub net Deep(x) = x^2 where r = 40, t = 1000, lambda = 2;",
    "pub net Cube(x) = x^3 where lambda = 2, r = 6, lambda = 2, structure = direct, structure = taylor;",
    "pub net Root(x in [-1, 1], y in [-1, 1]) = sqrt(1 - x*y) + sqrt(x - y) where r = 6;",
    "net OrderZero(x) = x^2/2 where structure = taylor, n = 0, N = 4, r = 4;
     net GridFraction(x) = x^2/2 where structure = taylor, n = 2, N = 1/2, r = 4;
     net EpsNegative(x) = x^2/2 where structure = taylor, n = 2, eps = -1/10;",
    "pub net Steep(x) = exp(3*x) where structure = taylor, n = 1, eps = 1/100;
     pub net Kink(x) = abs(x - 1/3)/2 where structure = taylor, n = 2, eps = 1/100;",
    "net NoOrder(x) = x^2/2 where structure = taylor, N = 4, r = 4;
     net Signed(x in [-1, 1]) = x^2/2 where structure = taylor, n = 2, N = 4, r = 4;
     net OrderWithoutTaylor(x) = x^2 where n = 2, r = 4;",
    "net F(x, y, z) = x.pow(2) + |x| + x**2 + x^2^3 + x y where r = 6;",
    "net F(x in 0..1) = x where r = 6; net G(x in [0, a]) = x where r 6;",
    "net r#gen(T, r#fn, union, half, x_pow2, out_sum) = T + r#fn + union + half + x_pow2 + out_sum where r = 2;
     net Option(x) = x where r = 2;
     net r#type(Vec, f64, None2) = Vec + f64 + None2 where r = 2;",
    "net x(x, y) = x*y where r = 6; net G(x, y) = x*y where r = 6; net H(r#x) = x where r = 6;",
    "net F(x) = x where r = linear, t = 1/2, lambda = -1, structure = deep, quantization = 3, tune = \"smallest\";",
    "net F(x) = ((2^64)^64)^64*x where r = 6;",
    "net F(a, b, c, d, e, f) = (a + b + c + d + e + f + 1)^30 where r = 6;",
    "net F(x) = 0.5*x + 2x + 1e-3 + 3u8 where r = 6;",
];

const FUNCTIONS: &[&str] = &[
    "exp", "log", "sqrt", "sin", "cos", "tanh", "atan", "abs", "min", "max",
];
const UNKNOWN_FUNCTIONS: &[&str] = &["erf", "gamma", "pow", "ln", "tan", "floor", "Exp", "x"];
const PARAMS: &[&str] = &[
    "r",
    "t",
    "lambda",
    "quantization",
    "structure",
    "eps",
    "max_weights",
    "n",
    "N",
    "tune",
];
const WRONG_PARAMS: &[&str] = &[
    "Lambda",
    "depth",
    "R",
    "epsilon",
    "max_weight",
    "net",
    "where",
];
const WORDS: &[&str] = &[
    "direct",
    "taylor",
    "lipschitz",
    "nonlinear",
    "linear",
    "smallest",
    "largest",
    "Taylor",
    "uniform",
];
const KEYWORDS: &[&str] = &[
    "fn", "self", "Self", "type", "match", "in", "where", "net", "pub", "crate", "super", "gen",
    "async", "let", "mod", "_", "r#type", "r#fn", "r#net", "r#where", "r#gen", "true",
];
const VARIABLES: &[&str] = &[
    "x", "y", "z", "w", "pi", "a", "b", "T", "None", "Some", "f64", "str", "x_1", "é", "δ", "变量",
    "Square", "F", "r", "e",
];
const NET_NAMES: &[&str] = &[
    "Square", "Product", "Cubic", "F", "G", "H", "Net", "None", "T", "f64", "r#type", "Ok", "x",
    "Σ", "Gen", "gen",
];
/// Integers: small, on limits of the parameter table, at `u32`/`u64`
/// boundaries, huge, in other bases, with suffixes.
const INTS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "4",
    "6",
    "7",
    "8",
    "16",
    "17",
    "32",
    "33",
    "64",
    "65",
    "128",
    "129",
    "255",
    "1000",
    "1024",
    "1025",
    "65536",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211457",
    "99999999999999999999999999999999999999999999999999999999999999",
    "1_000",
    "0x10",
    "0b101",
    "0o17",
    "0xFFFF_FFFF_FFFF_FFFF_FFFF",
    "2u32",
    "3i64",
    "1usize",
    "5f64",
    "00",
    "007",
    "2x",
];
const DECIMALS: &[&str] = &[
    "0.5", "1.0", "1e-3", "1e308", "1e-400", "2.5e-10", "1.5", "0.1f32", "1e10", "2E3", "1.",
];
/// Safe values of `max_weights`: small, or refused by validation.
const CAPS: &[&str] = &[
    "2000",
    "500",
    "50",
    "1",
    "0",
    "2000",
    "18446744073709551616",
    "0.5",
    "linear",
    "2000u64",
];
const PUNCT: &[&str] = &[
    "+", "-", "*", "/", "^", ",", ";", "=", ":", ".", "#", "!", "?", "@", "&", "|", "<", ">", "%",
    "$", "~", "==", "=>", "->", "::", "..", "..=", "**", "^^", "+=", "'a", "&&",
];
const OPEN: &[&str] = &["(", "[", "{"];
const STRINGS: &[&str] = &[
    "\"taylor\"",
    "\"\"",
    "'c'",
    "b\"x\"",
    "r\"raw\"",
    "'\\n'",
    "\"é变\"",
    "c\"c\"",
];

// ---------------------------------------------------------------- generator

/// Input `index` of the run with `seed`.
///
/// Inputs whose lowering proves things about the target — elementary
/// functions, `structure = taylor | lipschitz`, `tune` — cost 100 to
/// 10,000 times more than the rest (0.1–5 s against under 1 ms), so most
/// of them are drawn again: [`COSTLY_KEPT`] percent are kept.
pub fn input(seed: u64, index: u64) -> String {
    let mut g = Gen {
        rng: Rng::for_input(seed, index),
    };
    let mut text = g.input();
    for _ in 0..8 {
        if !costly(&text) || g.rng.chance(COSTLY_KEPT) {
            break;
        }
        text = g.input();
    }
    text
}

/// The share (percent) of costly inputs kept ([`input`]).
pub const COSTLY_KEPT: u64 = 15;

/// Whether lowering `text` may prove things about its target (see
/// [`input`]).
fn costly(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "exp",
        "log",
        "sqrt",
        "sin",
        "cos",
        "tanh",
        "atan",
        "pi",
        "abs",
        "min",
        "max",
        "taylor",
        "lipschitz",
        "smallest",
    ];
    text.contains("where")
        && text
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| WORDS.contains(&w))
}

/// The seeds as token lists (lexed once per thread: proc-macro2's tokens
/// cannot cross threads, their texts can).
fn seed_tokens(i: usize) -> Vec<String> {
    thread_local! {
        static SEED_TOKENS: Vec<Vec<String>> = SEEDS
            .iter()
            .map(|s| {
                let mut out = Vec::new();
                flatten(TokenStream::from_str(s).expect("the seeds lex"), &mut out);
                out
            })
            .collect();
    }
    SEED_TOKENS.with(|s| s[i].clone())
}

/// A token stream as a flat list of token texts, delimiters included.
fn flatten(tokens: TokenStream, out: &mut Vec<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push(open.to_owned());
                flatten(g.stream(), out);
                out.push(close.to_owned());
            }
            other => out.push(other.to_string()),
        }
    }
}

/// Token texts from string slices.
fn toks_of(s: &[&str]) -> Vec<String> {
    s.iter().map(|t| (*t).to_owned()).collect()
}

fn is_open(t: &str) -> bool {
    matches!(t, "(" | "[" | "{")
}

fn is_close(t: &str) -> bool {
    matches!(t, ")" | "]" | "}")
}

fn is_number(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_digit())
}

fn is_ident(t: &str) -> bool {
    t.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

/// The index after the group opened at `open`, or the end.
fn group_end(toks: &[String], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if is_open(t) {
            depth += 1;
        } else if is_close(t) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i + 1;
            }
        }
    }
    toks.len()
}

/// The end of the operand starting at `i`: a group, a call `f(..)`, or one
/// token.
fn operand_end(toks: &[String], i: usize) -> usize {
    if is_open(&toks[i]) {
        group_end(toks, i)
    } else if is_ident(&toks[i]) && toks.get(i + 1).is_some_and(|t| t == "(") {
        group_end(toks, i + 1)
    } else {
        i + 1
    }
}

/// The positions after each `=` that begins a target: the first `=` after
/// `net Name(..)`.
fn target_starts(toks: &[String]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == "net" && toks.get(i + 2).is_some_and(|t| t == "(") {
            let end = group_end(toks, i + 2);
            if toks.get(end).is_some_and(|t| t == "=") {
                out.push(end + 1);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// The target's tokens `[start, end)`: up to `where` or `;`.
fn target_range(toks: &[String], start: usize) -> (usize, usize) {
    let mut i = start;
    while i < toks.len() && toks[i] != "where" && toks[i] != ";" {
        i = if is_open(&toks[i]) {
            group_end(toks, i)
        } else {
            i + 1
        };
    }
    (start, i.min(toks.len()))
}

/// The most tokens of an input (before `max_weights` is added): big enough
/// for 100-deep nesting, small enough that parsing stays fast.
const MAX_TOKENS: usize = 4000;

struct Gen {
    rng: Rng,
}

impl Gen {
    fn input(&mut self) -> String {
        let roll = self.rng.below(100);
        let mut toks = if roll < 60 {
            let mut t = self.base();
            self.mutate(&mut t);
            t
        } else if roll < 75 {
            self.nets()
        } else {
            self.soup()
        };
        toks.truncate(MAX_TOKENS);
        self.cap_weights(&mut toks);
        let mut text = self.render(&toks);
        if roll >= 95 {
            self.char_mutate(&mut text);
        }
        text
    }

    /// A seed or generated invocation.
    fn base(&mut self) -> Vec<String> {
        if self.rng.chance(55) {
            seed_tokens(self.rng.below(SEEDS.len()))
        } else {
            self.nets()
        }
    }

    // ------------------------------------------------ grammar

    /// One to three nets from SPEC §2's grammar, mostly valid.
    fn nets(&mut self) -> Vec<String> {
        let count = if self.rng.chance(80) {
            1
        } else {
            2 + self.rng.below(2)
        };
        let mut out = Vec::new();
        for k in 0..count {
            self.net(k, &mut out);
        }
        out
    }

    fn net(&mut self, k: usize, out: &mut Vec<String>) {
        if self.rng.chance(20) {
            out.push("/// A generated net.\n".to_owned());
        }
        if self.rng.chance(60) {
            out.push("pub".to_owned());
        }
        out.push("net".to_owned());
        let name = if self.rng.chance(85) {
            format!("Net{k}")
        } else {
            self.rng.pick(NET_NAMES).to_string()
        };
        out.push(name);
        let most = if self.rng.chance(80) { 2 } else { 4 };
        let arity = 1 + self.rng.below(most);
        let vars: Vec<String> = ["x", "y", "z", "w"][..arity]
            .iter()
            .map(|v| (*v).to_owned())
            .collect();
        out.push("(".to_owned());
        for (i, v) in vars.iter().enumerate() {
            if i > 0 {
                out.push(",".to_owned());
            }
            out.push(v.clone());
            if self.rng.chance(40) {
                out.push("in".to_owned());
                let sane = self.rng.chance(85);
                let d = self.domain(sane);
                out.extend(d);
            }
        }
        out.push(")".to_owned());
        out.push("=".to_owned());
        let polynomial = self.rng.chance(55);
        let depth = 1 + self.rng.below(4) as u32;
        self.expr(&vars, depth, polynomial, out);
        out.push("where".to_owned());
        self.params(out);
        out.push(";".to_owned());
    }

    /// `[lo, hi]`: a usual one when `sane`, else anything.
    fn domain(&mut self, sane: bool) -> Vec<String> {
        if sane {
            let d: &[&str] = match self.rng.below(5) {
                0 => &["[", "0", ",", "1", "]"],
                1 => &["[", "-", "1", ",", "1", "]"],
                2 => &["[", "1", ",", "2", "]"],
                3 => &["[", "-", "1", "/", "2", ",", "1", "/", "3", "]"],
                _ => &["[", "0", ",", "1", "/", "2", "]"],
            };
            return toks_of(d);
        }
        let mut out = vec!["[".to_owned()];
        match self.rng.below(10) {
            0 => {}
            1 => out.extend(self.number()),
            2 => {
                let a = self.number();
                out.extend(a.clone());
                out.push(",".to_owned());
                out.extend(a);
            }
            3 => out.extend(toks_of(&["1", ",", "0"])),
            4 => out.extend(toks_of(&["0", ",", "1", ",", "2"])),
            5 => out.extend(toks_of(&["a", ",", "b"])),
            6 => out.extend(toks_of(&["0", "..", "1"])),
            _ => {
                out.extend(self.number());
                out.push(",".to_owned());
                out.extend(self.number());
            }
        }
        out.push("]".to_owned());
        out
    }

    /// A number as tokens: integer, negative, fraction, decimal.
    fn number(&mut self) -> Vec<String> {
        let int = |g: &mut Self| g.rng.pick(INTS).to_string();
        match self.rng.below(8) {
            0 | 1 => vec![int(self)],
            2 => vec!["-".to_owned(), int(self)],
            3 => vec![int(self), "/".to_owned(), int(self)],
            4 => vec!["-".to_owned(), int(self), "/".to_owned(), int(self)],
            5 => vec![self.rng.pick(DECIMALS).to_string()],
            6 => vec!["-".to_owned(), self.rng.pick(DECIMALS).to_string()],
            _ => vec![self.rng.below(10).to_string()],
        }
    }

    /// A target over `vars`, at most `depth` deep.
    fn expr(&mut self, vars: &[String], depth: u32, polynomial: bool, out: &mut Vec<String>) {
        if depth == 0 || self.rng.chance(25) {
            return self.leaf(vars, polynomial, out);
        }
        match self.rng.below(10) {
            0..=3 => {
                self.expr(vars, depth - 1, polynomial, out);
                let op = *self.rng.pick(&["+", "-", "*", "/", "+", "*"]);
                out.push(op.to_owned());
                if op == "/" && polynomial {
                    out.push((1 + self.rng.below(9)).to_string());
                } else {
                    self.expr(vars, depth - 1, polynomial, out);
                }
            }
            4 => {
                out.push("-".to_owned());
                self.expr(vars, depth - 1, polynomial, out);
            }
            5 | 6 => {
                self.leaf(vars, polynomial, out);
                out.push("^".to_owned());
                if self.rng.chance(85) {
                    out.push(self.rng.below(5).to_string());
                } else {
                    out.extend(self.exponent(vars));
                }
            }
            7 => {
                out.push("(".to_owned());
                self.expr(vars, depth - 1, polynomial, out);
                out.push(")".to_owned());
            }
            _ if polynomial => self.expr(vars, depth - 1, polynomial, out),
            _ => {
                let f = if self.rng.chance(90) {
                    *self.rng.pick(FUNCTIONS)
                } else {
                    *self.rng.pick(UNKNOWN_FUNCTIONS)
                };
                out.push(f.to_owned());
                out.push("(".to_owned());
                // keep log and sqrt mostly defined on [0, 1]
                if matches!(f, "log" | "sqrt") && self.rng.chance(70) {
                    out.extend(toks_of(&["1", "+"]));
                }
                self.expr(vars, depth - 1, polynomial, out);
                if matches!(f, "min" | "max") || self.rng.chance(5) {
                    out.push(",".to_owned());
                    self.expr(vars, depth - 1, polynomial, out);
                }
                out.push(")".to_owned());
            }
        }
    }

    fn leaf(&mut self, vars: &[String], polynomial: bool, out: &mut Vec<String>) {
        match self.rng.below(10) {
            0..=5 => out.push(self.rng.pick(vars).clone()),
            6 | 7 => out.push((1 + self.rng.below(9)).to_string()),
            8 => out.extend(toks_of(&["(", "1", "/", "3", ")"])),
            _ if polynomial => out.push(self.rng.pick(vars).clone()),
            _ => out.push("pi".to_owned()),
        }
    }

    /// An exponent, often not a small integer.
    fn exponent(&mut self, vars: &[String]) -> Vec<String> {
        match self.rng.below(9) {
            0 => vec![self.rng.pick(INTS).to_string()],
            1 => toks_of(&["-", "1"]),
            2 => toks_of(&["(", "1", "/", "2", ")"]),
            3 => vec![self.rng.pick(vars).clone()],
            4 => vec!["2.0".to_owned()],
            5 => toks_of(&["(", "2", "^", "64", ")"]),
            6 => toks_of(&["(", "1", "-", "3", ")"]),
            7 => vec!["1000".to_owned()],
            _ => vec![self.rng.pick(&["0", "1", "63", "64", "65"]).to_string()],
        }
    }

    /// Parameters after `where`, for one of the structures.
    fn params(&mut self, out: &mut Vec<String>) {
        let mut ps: Vec<Vec<String>> = Vec::new();
        let small =
            |g: &mut Self, lo: usize, hi: usize| (lo + g.rng.below(hi - lo + 1)).to_string();
        match self.rng.below(6) {
            0..=2 => {
                // direct
                if self.rng.chance(75) {
                    ps.push(vec!["r".into(), "=".into(), small(self, 1, 10)]);
                } else {
                    ps.push(self.eps());
                }
                if self.rng.chance(40) {
                    ps.push(vec!["t".into(), "=".into(), small(self, 1, 20)]);
                }
            }
            3 | 4 => {
                ps.push(toks_of(&["structure", "=", "taylor"]));
                ps.push(vec!["n".into(), "=".into(), small(self, 1, 3)]);
                if self.rng.chance(50) {
                    ps.push(vec!["N".into(), "=".into(), small(self, 2, 8)]);
                    ps.push(vec!["r".into(), "=".into(), small(self, 2, 8)]);
                } else {
                    ps.push(self.eps());
                }
            }
            _ => {
                ps.push(toks_of(&["structure", "=", "lipschitz"]));
                ps.push(self.eps());
            }
        }
        if self.rng.chance(50) {
            ps.push(vec!["lambda".into(), "=".into(), small(self, 2, 5)]);
        }
        if self.rng.chance(20) {
            ps.push(toks_of(&["quantization", "=", "linear"]));
        }
        if self.rng.chance(15) {
            ps.push(toks_of(&["tune", "=", "smallest"]));
        }
        if self.rng.chance(95) {
            ps.push(vec![
                "max_weights".into(),
                "=".into(),
                self.rng.pick(CAPS).to_string(),
            ]);
        }
        // any order
        for i in (1..ps.len()).rev() {
            let j = self.rng.below(i + 1);
            ps.swap(i, j);
        }
        for (i, p) in ps.into_iter().enumerate() {
            if i > 0 {
                out.push(",".to_owned());
            }
            out.extend(p);
        }
    }

    fn eps(&mut self) -> Vec<String> {
        let den = *self
            .rng
            .pick(&["4", "16", "64", "100", "256", "1000", "100000"]);
        toks_of(&["eps", "=", "1", "/", den])
    }

    // ------------------------------------------------ mutations

    /// One to four edits, each keeping the tokens mostly well formed.
    fn mutate(&mut self, toks: &mut Vec<String>) {
        let edits = 1 + [0, 0, 0, 1, 1, 2, 3][self.rng.below(7)];
        for _ in 0..edits {
            if toks.is_empty() {
                toks.extend(self.soup());
            }
            self.edit(toks);
        }
    }

    fn edit(&mut self, toks: &mut Vec<String>) {
        let n = toks.len();
        let at = self.rng.below(n);
        match self.rng.below(18) {
            0 => {
                // delete a token (unbalancing a group sometimes)
                if !is_open(&toks[at]) && !is_close(&toks[at]) || self.rng.chance(20) {
                    toks.remove(at);
                }
            }
            1 => {
                let t = toks[at].clone();
                if !is_open(&t) && !is_close(&t) {
                    toks.insert(at, t);
                }
            }
            2 => {
                let other = if self.rng.chance(50) {
                    (at + 1).min(n - 1)
                } else {
                    self.rng.below(n)
                };
                let balanced = |t: &str| !is_open(t) && !is_close(t);
                if balanced(&toks[at]) && balanced(&toks[other]) || self.rng.chance(10) {
                    toks.swap(at, other);
                }
            }
            3 => {
                let t = self.soup_token();
                toks.insert(at, t);
            }
            4 | 5 => self.edit_number(toks),
            6 => self.edit_ident(toks, at),
            7 => self.swap_params(toks),
            8 => self.edit_exponent(toks),
            9 | 10 => self.nest(toks),
            11 => self.edit_domain(toks),
            12 => self.edit_words(toks),
            13 => {
                // delete a short range or a whole group
                let end = if is_open(&toks[at]) {
                    group_end(toks, at)
                } else {
                    (at + 1 + self.rng.below(5)).min(n)
                };
                toks.drain(at..end);
            }
            14 => {
                // splice a net of another seed, or duplicate this input
                let other = if self.rng.chance(50) {
                    toks.clone()
                } else {
                    seed_tokens(self.rng.below(SEEDS.len()))
                };
                let pos = if self.rng.chance(70) { n } else { at };
                let cut = self.rng.below(other.len() + 1);
                let piece = if self.rng.chance(70) {
                    &other[..]
                } else {
                    &other[cut..]
                };
                if toks.len() + piece.len() <= MAX_TOKENS {
                    toks.splice(pos..pos, piece.iter().cloned());
                }
            }
            15 => {
                let soup = self.soup();
                let len = soup.len().min(6);
                toks.splice(at..at, soup.into_iter().take(len));
            }
            16 => self.replace_target(toks),
            _ => {
                // separators and `where`: `,` ↔ `;`, drop `where`, …
                let candidates: Vec<usize> = (0..n)
                    .filter(|&i| matches!(toks[i].as_str(), "," | ";" | "where" | "=" | "in"))
                    .collect();
                if !candidates.is_empty() {
                    let i = *self.rng.pick(&candidates);
                    let with = *self.rng.pick(&[",", ";", "where", "=", "in", ":", ""]);
                    if with.is_empty() {
                        toks.remove(i);
                    } else {
                        toks[i] = with.to_owned();
                    }
                }
            }
        }
    }

    fn edit_number(&mut self, toks: &mut Vec<String>) {
        let numbers: Vec<usize> = (0..toks.len()).filter(|&i| is_number(&toks[i])).collect();
        let Some(&i) = (!numbers.is_empty()).then(|| self.rng.pick(&numbers)) else {
            return;
        };
        let is_cap = i >= 2 && toks[i - 1] == "=" && toks[i - 2] == "max_weights";
        let with = if is_cap {
            vec![self.rng.pick(CAPS).to_string()]
        } else {
            self.number()
        };
        toks.splice(i..i + 1, with);
    }

    fn edit_ident(&mut self, toks: &mut [String], at: usize) {
        let idents: Vec<usize> = (0..toks.len()).filter(|&i| is_ident(&toks[i])).collect();
        let i = if idents.is_empty() {
            at
        } else {
            *self.rng.pick(&idents)
        };
        let calls = toks.get(i + 1).is_some_and(|t| t == "(") && i > 0 && toks[i - 1] != "net";
        let list: &[&str] = if calls && self.rng.chance(80) {
            if self.rng.chance(80) {
                FUNCTIONS
            } else {
                UNKNOWN_FUNCTIONS
            }
        } else {
            match self.rng.below(6) {
                0 => PARAMS,
                1 => WRONG_PARAMS,
                2 => WORDS,
                3 => KEYWORDS,
                4 => NET_NAMES,
                _ => VARIABLES,
            }
        };
        toks[i] = self.rng.pick(list).to_string();
    }

    /// Swaps two keys, two values, or a key with a value after `where`.
    fn swap_params(&mut self, toks: &mut [String]) {
        let eqs: Vec<usize> = (1..toks.len().saturating_sub(1))
            .filter(|&i| toks[i] == "=" && is_ident(&toks[i - 1]) && toks[i - 1] != "net")
            .collect();
        if eqs.len() < 2 {
            return;
        }
        let (a, b) = (*self.rng.pick(&eqs), *self.rng.pick(&eqs));
        match self.rng.below(3) {
            0 => toks.swap(a - 1, b - 1),
            1 => toks.swap(a + 1, b + 1),
            _ => toks.swap(a - 1, b + 1),
        }
    }

    fn edit_exponent(&mut self, toks: &mut Vec<String>) {
        let carets: Vec<usize> = (0..toks.len()).filter(|&i| toks[i] == "^").collect();
        if carets.is_empty() {
            // make one: `x` → `x^k`
            let vars: Vec<usize> = (0..toks.len())
                .filter(|&i| matches!(toks[i].as_str(), "x" | "y" | "z"))
                .collect();
            if let Some(&i) = (!vars.is_empty()).then(|| self.rng.pick(&vars)) {
                let mut e = vec!["^".to_owned()];
                e.extend(self.exponent(&["x".to_owned()]));
                toks.splice(i + 1..i + 1, e);
            }
            return;
        }
        let i = *self.rng.pick(&carets);
        let end = if i + 1 < toks.len() {
            operand_end(toks, i + 1)
        } else {
            toks.len()
        };
        let with = self.exponent(&["x".to_owned(), "y".to_owned()]);
        toks.splice(i + 1..end, with);
    }

    /// Wraps an operand of a target in a call, parentheses, a power, …,
    /// once or (rarely) many times.
    fn nest(&mut self, toks: &mut Vec<String>) {
        let starts = target_starts(toks);
        let Some(&start) = (!starts.is_empty()).then(|| self.rng.pick(&starts)) else {
            return;
        };
        let (lo, hi) = target_range(toks, start);
        if lo >= hi {
            return;
        }
        let i = lo + self.rng.below(hi - lo);
        if is_close(&toks[i]) || !(is_ident(&toks[i]) || is_number(&toks[i]) || is_open(&toks[i])) {
            return;
        }
        let end = operand_end(toks, i);
        let operand: Vec<String> = toks[i..end].to_vec();
        let times = match self.rng.below(100) {
            0 => 40 + self.rng.below(200),
            1..=10 => 2 + self.rng.below(8),
            _ => 1,
        };
        let mut e = operand;
        for _ in 0..times {
            e = self.wrap(e);
            // `e * e` doubles: keep inputs to a few thousand tokens
            if e.len() > MAX_TOKENS / 4 {
                break;
            }
        }
        toks.splice(i..end, e);
    }

    fn wrap(&mut self, e: Vec<String>) -> Vec<String> {
        let mut out = Vec::new();
        match self.rng.below(9) {
            0 | 1 => {
                let f = *self.rng.pick(FUNCTIONS);
                out.extend(toks_of(&[f, "("]));
                out.extend(e);
                if matches!(f, "min" | "max") {
                    out.extend(toks_of(&[",", "0"]));
                }
                out.push(")".to_owned());
            }
            2 => {
                out.push("(".to_owned());
                out.extend(e);
                out.push(")".to_owned());
            }
            3 => {
                out.push("(".to_owned());
                out.extend(e);
                out.extend(toks_of(&[")", "^"]));
                out.push(self.rng.pick(&["2", "3", "0", "1000", "64"]).to_string());
            }
            4 => {
                out.extend(e.clone());
                out.push("*".to_owned());
                out.extend(e);
            }
            5 => {
                out.extend(toks_of(&["-", "("]));
                out.extend(e);
                out.push(")".to_owned());
            }
            6 => {
                out.push("(".to_owned());
                out.extend(e);
                out.extend(toks_of(&[")", "/", "3"]));
            }
            7 => {
                out.extend(toks_of(&["1", "/", "("]));
                out.extend(e);
                out.extend(toks_of(&["+", "2", ")"]));
            }
            _ => {
                out.push(self.rng.pick(UNKNOWN_FUNCTIONS).to_string());
                out.push("(".to_owned());
                out.extend(e);
                out.push(")".to_owned());
            }
        }
        out
    }

    /// Replaces a domain's brackets, or gives an input a domain.
    fn edit_domain(&mut self, toks: &mut Vec<String>) {
        let domains: Vec<usize> = (0..toks.len().saturating_sub(1))
            .filter(|&i| toks[i] == "in" && toks[i + 1] == "[")
            .collect();
        let sane = self.rng.chance(20);
        if !domains.is_empty() && self.rng.chance(70) {
            let i = *self.rng.pick(&domains) + 1;
            let end = group_end(toks, i);
            let d = self.domain(sane);
            toks.splice(i..end, d);
            return;
        }
        // `net Name ( x` → `x in [..]`
        let inputs: Vec<usize> = (3..toks.len())
            .filter(|&i| {
                is_ident(&toks[i])
                    && (toks[i - 1] == "," || (toks[i - 1] == "(" && toks[i - 3] == "net"))
                    && toks.get(i + 1).is_some_and(|t| t == "," || t == ")")
            })
            .collect();
        if let Some(&i) = (!inputs.is_empty()).then(|| self.rng.pick(&inputs)) {
            let mut d = vec!["in".to_owned()];
            d.extend(self.domain(sane));
            toks.splice(i + 1..i + 1, d);
        }
    }

    /// Structure, quantization and tune words: changed, or a set added.
    fn edit_words(&mut self, toks: &mut Vec<String>) {
        let keys: Vec<usize> = (0..toks.len().saturating_sub(2))
            .filter(|&i| {
                matches!(toks[i].as_str(), "structure" | "quantization" | "tune")
                    && toks[i + 1] == "="
            })
            .collect();
        if !keys.is_empty() && self.rng.chance(50) {
            let i = *self.rng.pick(&keys) + 2;
            toks[i] = if self.rng.chance(85) {
                self.rng.pick(WORDS).to_string()
            } else {
                self.rng.pick(STRINGS).to_string()
            };
            return;
        }
        let wheres: Vec<usize> = (0..toks.len()).filter(|&i| toks[i] == "where").collect();
        let Some(&w) = (!wheres.is_empty()).then(|| self.rng.pick(&wheres)) else {
            return;
        };
        let set: &[&str] = match self.rng.below(6) {
            0 => &[
                "structure",
                "=",
                "taylor",
                ",",
                "n",
                "=",
                "2",
                ",",
                "N",
                "=",
                "4",
                ",",
            ],
            1 => &[
                "structure",
                "=",
                "taylor",
                ",",
                "n",
                "=",
                "1",
                ",",
                "eps",
                "=",
                "1",
                "/",
                "10",
                ",",
            ],
            2 => &[
                "structure",
                "=",
                "lipschitz",
                ",",
                "eps",
                "=",
                "1",
                "/",
                "64",
                ",",
            ],
            3 => &["quantization", "=", "linear", ","],
            4 => &[
                "tune", "=", "smallest", ",", "eps", "=", "1", "/", "100", ",",
            ],
            _ => &["structure", "=", "direct", ","],
        };
        toks.splice(w + 1..w + 1, toks_of(set));
    }

    /// A new target: a random expression over `x, y`.
    fn replace_target(&mut self, toks: &mut Vec<String>) {
        let starts = target_starts(toks);
        let Some(&start) = (!starts.is_empty()).then(|| self.rng.pick(&starts)) else {
            return;
        };
        let (lo, hi) = target_range(toks, start);
        let vars = toks_of(&["x", "y"]);
        let mut e = Vec::new();
        let polynomial = self.rng.chance(40);
        let depth = 1 + self.rng.below(6) as u32;
        self.expr(&vars, depth, polynomial, &mut e);
        toks.splice(lo..hi, e);
    }

    // ------------------------------------------------ soup

    fn soup_token(&mut self) -> String {
        match self.rng.below(12) {
            0 => self.rng.pick(PUNCT).to_string(),
            1 => self.rng.pick(OPEN).to_string(),
            2 => self.rng.pick(&[")", "]", "}"]).to_string(),
            3 => self.rng.pick(INTS).to_string(),
            4 => self.rng.pick(DECIMALS).to_string(),
            5 => self.rng.pick(STRINGS).to_string(),
            6 => self.rng.pick(KEYWORDS).to_string(),
            7 => self.rng.pick(FUNCTIONS).to_string(),
            8 => self.rng.pick(PARAMS).to_string(),
            9 => self.rng.pick(WORDS).to_string(),
            10 => self.rng.pick(VARIABLES).to_string(),
            _ => {
                let len = 1 + self.rng.below(8);
                let mut s = String::new();
                for k in 0..len {
                    let alphabet: &[u8] = if k == 0 { b"abcxyzXYZ_" } else { b"abcxyz019_" };
                    s.push(*self.rng.pick(alphabet) as char);
                }
                if s == "_" { "x_".to_owned() } else { s }
            }
        }
    }

    /// Random tokens with (mostly) balanced delimiters.
    fn soup(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        if self.rng.chance(30) {
            out.extend(toks_of(&["net", "F", "(", "x", ")", "="]));
        }
        let most = if self.rng.chance(80) { 20 } else { 80 };
        let len = 1 + self.rng.below(most);
        let mut stack: Vec<&str> = Vec::new();
        for _ in 0..len {
            match self.rng.below(10) {
                0 if stack.len() < 6 => {
                    let open = *self.rng.pick(OPEN);
                    out.push(open.to_owned());
                    stack.push(match open {
                        "(" => ")",
                        "[" => "]",
                        _ => "}",
                    });
                }
                1 if !stack.is_empty() => out.push(stack.pop().unwrap_or(")").to_owned()),
                _ => {
                    let t = self.soup_token();
                    if !is_open(&t) && !is_close(&t) || self.rng.chance(3) {
                        out.push(t);
                    }
                }
            }
        }
        if self.rng.chance(97) {
            while let Some(close) = stack.pop() {
                out.push(close.to_owned());
            }
        }
        if self.rng.chance(20) {
            out.extend(toks_of(&["where", "r", "=", "3"]));
        }
        out
    }

    // ------------------------------------------------ text

    /// `max_weights = 2000` (or a safe value) first in every `where`
    /// clause that has none, so that no lowering builds a big network.
    fn cap_weights(&mut self, toks: &mut Vec<String>) {
        let mut i = 0;
        while i < toks.len() {
            if toks[i] == "where" {
                let end = (i + 1..toks.len())
                    .find(|&k| toks[k] == ";")
                    .unwrap_or(toks.len());
                if !toks[i + 1..end].iter().any(|t| t.contains("max_weights")) {
                    let cap = *self.rng.pick(&["2000", "2000", "2000", "500", "100"]);
                    toks.splice(i + 1..i + 1, toks_of(&["max_weights", "=", cap, ","]));
                }
            }
            i += 1;
        }
    }

    /// The tokens as text: mostly spaces, some newlines and comments, and
    /// rarely nothing (so that neighbours fuse: `x` `2` → `x2`).
    fn render(&mut self, toks: &[String]) -> String {
        let mut s = String::new();
        for (i, t) in toks.iter().enumerate() {
            if i > 0 && !s.ends_with('\n') {
                let sep = match self.rng.below(200) {
                    0 => "",
                    1..=10 => "\n",
                    11 => "\n\t",
                    12 => " /* c */ ",
                    13 => "  // line comment\n",
                    _ => " ",
                };
                s.push_str(sep);
            }
            s.push_str(t);
        }
        s
    }

    /// Character edits of the text: quotes, comment openers, backslashes,
    /// non-ASCII characters.
    fn char_mutate(&mut self, text: &mut String) {
        const CHARS: &[&str] = &[
            "\"", "'", "\\", "/*", "*/", "//", "#", "$", "`", "é", "变", "\u{200b}", "\r", "\t",
            "\n", "r#", "0", "9", ".", "e", "_", "\u{7f}", "\0", "𝑥", "—",
        ];
        for _ in 0..1 + self.rng.below(3) {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&b| text.is_char_boundary(b))
                .collect();
            let at = *self.rng.pick(&boundaries);
            if self.rng.chance(30) && at < text.len() {
                let next = text[at..].chars().next().map_or(0, char::len_utf8);
                text.replace_range(at..at + next, "");
            } else {
                let c: &str = self.rng.pick::<&str>(CHARS);
                text.insert_str(at, c);
            }
        }
    }
}

// ---------------------------------------------------------------- the pipeline

/// How far an input went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// `TokenStream::from_str` refused the text.
    Lex,
    /// `ast::parse` refused it.
    Parse,
    /// `valid::validate` refused it.
    Validate,
    /// `lower::lower` refused at least one net.
    Lower,
    /// Every net was built and expanded.
    Ok,
}

/// What running one input gave.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The last stage reached (meaningless after a panic).
    pub stage: Stage,
    /// The panic's message and location, if the pipeline panicked.
    pub panic: Option<String>,
    /// Every error message whose span is not inside the input, with why.
    pub bad_spans: Vec<String>,
    /// Every error message, in order.
    pub messages: Vec<String>,
    /// Time in the pipeline.
    pub time: Duration,
    /// Of which in `lower::lower` and in `expand::expand_net`.
    pub phases: [Duration; 2],
}

/// The name of the worker thread (the panic hook recognises it).
const WORKER: &str = "qrelu-fuzz-worker";

/// rustc runs proc macros on a thread with an 8 MiB stack.
const STACK: usize = 8 << 20;

thread_local! {
    /// Time in `lower::lower` and in `expand::expand_net` on this thread.
    pub static PHASES: RefCell<[Duration; 2]> = const { RefCell::new([Duration::ZERO; 2]) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A panic hook that records the worker's panics instead of printing them
/// and leaves every other thread's to the previous hook.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if thread::current().name() == Some(WORKER) {
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `text` through the pipeline on the current thread and checks the
/// outcome (module docs, "Checks").
pub fn run_one(text: &str, lower: bool) -> Outcome {
    proc_macro2::extra::invalidate_current_thread_spans();
    PHASES.with(|p| *p.borrow_mut() = [Duration::ZERO; 2]);
    let start = Instant::now();
    let result = panic::catch_unwind(AssertUnwindSafe(|| pipeline(text, lower)));
    let time = start.elapsed();
    let phases = PHASES.with(|p| *p.borrow());
    let (stage, errors, has_tokens) = match result {
        Ok(r) => r,
        Err(payload) => {
            let message = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| panic_text(&payload));
            return Outcome {
                stage: Stage::Lex,
                panic: Some(message),
                bad_spans: Vec::new(),
                messages: Vec::new(),
                time,
                phases,
            };
        }
    };
    let mut bad_spans = Vec::new();
    let mut messages = Vec::new();
    // a span of no file of this thread panics in proc-macro2: a bad span too
    let checked = panic::catch_unwind(AssertUnwindSafe(|| {
        let source = Source::new(text, has_tokens);
        for err in errors {
            for e in err {
                let message = e.to_string();
                if let Some(why) = source.check_error(&e) {
                    bad_spans.push(format!("{message:?}: {why}"));
                }
                messages.push(message);
            }
        }
    }));
    if let Err(payload) = checked {
        let why = LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| panic_text(&payload));
        bad_spans.push(format!("looking up a span panicked: {why}"));
    }
    Outcome {
        stage,
        panic: None,
        bad_spans,
        messages,
        time,
        phases,
    }
}

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The steps of `qrelu_syntax::expand`, keeping the errors and how far the
/// input went; the bool says whether the input has any token.
fn pipeline(text: &str, lower: bool) -> (Stage, Vec<syn::Error>, bool) {
    let Ok(tokens) = TokenStream::from_str(text) else {
        return (Stage::Lex, Vec::new(), false);
    };
    let has_tokens = !tokens.is_empty();
    let input = match ast::parse(tokens) {
        Ok(input) => input,
        Err(e) => return (Stage::Parse, vec![e], has_tokens),
    };
    let taken = expand::Scope::with(input.nets.iter().map(|n| &n.name));
    let stubs = expand::expand_stubs(&input, &taken);
    let nets = match valid::validate(input) {
        Ok(nets) => nets,
        Err(e) => return (Stage::Validate, vec![e], has_tokens),
    };
    if !lower {
        return (Stage::Ok, Vec::new(), has_tokens);
    }
    let mut errors = Vec::new();
    for (net, _stub) in nets.iter().zip(stubs) {
        let t = Instant::now();
        let lowered = lower::lower(net);
        PHASES.with(|p| p.borrow_mut()[0] += t.elapsed());
        match lowered {
            Ok(c) => {
                let t = Instant::now();
                drop(expand::expand_net(&expand::Item::of(net, &taken), &c));
                PHASES.with(|p| p.borrow_mut()[1] += t.elapsed());
            }
            Err(e) => errors.push(e),
        }
    }
    let stage = if errors.is_empty() {
        Stage::Ok
    } else {
        Stage::Lower
    };
    (stage, errors, has_tokens)
}

/// The input's text, for span checks.
struct Source<'a> {
    text: &'a str,
    /// Characters per line.
    line_chars: Vec<usize>,
    has_tokens: bool,
}

impl<'a> Source<'a> {
    fn new(text: &'a str, has_tokens: bool) -> Self {
        Source {
            text,
            line_chars: text.split('\n').map(|l| l.chars().count()).collect(),
            has_tokens,
        }
    }

    /// Why the error's start or end span is not inside the input, if it
    /// is not (module docs).
    fn check_error(&self, e: &syn::Error) -> Option<String> {
        let tokens: Vec<TokenTree> = e.to_compile_error().into_iter().collect();
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return Some("the error renders to no tokens".to_owned());
        };
        let (start, end) = (first.span(), last.span());
        if !self.has_tokens {
            return None;
        }
        if let Some(why) = self.check_span(start) {
            return Some(format!("start span: {why}"));
        }
        if let Some(why) = self.check_span(end) {
            return Some(format!("end span: {why}"));
        }
        let (a, b) = (start.byte_range(), end.byte_range());
        (a.start > b.end).then(|| format!("start {a:?} after end {b:?}"))
    }

    fn check_span(&self, span: Span) -> Option<String> {
        let Some(source) = span.source_text() else {
            return Some("the call site, not a token of the input".to_owned());
        };
        let range = span.byte_range();
        if range.start >= range.end {
            return Some(format!("empty byte range {range:?}"));
        }
        if range.end > self.text.len() {
            return Some(format!("byte range {range:?} past the input's end"));
        }
        if self.text.get(range.clone()) != Some(source.as_str()) {
            return Some(format!(
                "byte range {range:?} is not {source:?} in the input"
            ));
        }
        let (s, e) = (span.start(), span.end());
        for lc in [s, e] {
            let ok = lc.line >= 1
                && lc.line <= self.line_chars.len()
                && lc.column <= self.line_chars[lc.line - 1];
            if !ok {
                return Some(format!(
                    "line {} column {} outside the input",
                    lc.line, lc.column
                ));
            }
        }
        ((s.line, s.column) > (e.line, e.column)).then(|| {
            format!(
                "starts at {}:{} after its end {}:{}",
                s.line, s.column, e.line, e.column
            )
        })
    }
}

// ---------------------------------------------------------------- the worker

/// A thread that runs inputs, so that the caller can stop waiting.
pub struct Worker {
    jobs: Sender<(String, bool)>,
    results: Receiver<Outcome>,
}

impl Worker {
    /// Starts the worker (and the panic hook).
    pub fn spawn() -> Worker {
        install_panic_hook();
        let (jobs, job_rx) = mpsc::channel::<(String, bool)>();
        let (result_tx, results) = mpsc::channel();
        thread::Builder::new()
            .name(WORKER.to_owned())
            .stack_size(STACK)
            .spawn(move || {
                for (text, lower) in job_rx {
                    if result_tx.send(run_one(&text, lower)).is_err() {
                        break;
                    }
                }
            })
            .expect("the worker thread starts");
        Worker { jobs, results }
    }

    /// Runs `text` (through lowering if `lower`); `None` when it takes longer than `cap` (the worker is
    /// then stuck: drop it and stop).
    pub fn run(&self, text: &str, lower: bool, cap: Duration) -> Option<Outcome> {
        self.jobs
            .send((text.to_owned(), lower))
            .expect("the worker is alive");
        match self.results.recv_timeout(cap) {
            Ok(outcome) => Some(outcome),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("the worker died"),
        }
    }
}

// ---------------------------------------------------------------- a run

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The seed.
    pub seed: u64,
    /// The first input's index.
    pub from: u64,
    /// How many inputs.
    pub inputs: u64,
    /// The time cap per input.
    pub cap: Duration,
    /// After a hang, wait for the input to finish (at most `cap` × 60),
    /// record its time and go on, instead of stopping the run.
    pub keep_going: bool,
    /// Run `lower::lower` and `expand::expand_net` (else stop after
    /// `valid::validate`, counting a valid input as ok).
    pub lower: bool,
}

/// A finding, reproducible from its text (or from seed and index).
#[derive(Clone, Debug)]
pub struct Failure {
    /// `panic`, `hang` or `span`.
    pub kind: &'static str,
    /// The input's index.
    pub index: u64,
    /// The input.
    pub text: String,
    /// What went wrong.
    pub detail: String,
}

/// The counts of a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Inputs run.
    pub inputs: u64,
    /// Refused by the lexer.
    pub lex: u64,
    /// Refused by `ast::parse`.
    pub parse: u64,
    /// Refused by `valid::validate`.
    pub validate: u64,
    /// Refused by `lower::lower`.
    pub lower: u64,
    /// Built and expanded.
    pub ok: u64,
    /// Inputs that panicked.
    pub panics: u64,
    /// Inputs over the time cap (the run stops at the first).
    pub hangs: u64,
    /// Inputs with an error spanned outside the input.
    pub bad_spans: u64,
    /// The slowest inputs, slowest first: (time, index, text).
    pub slowest: Vec<(Duration, u64, String)>,
    /// The findings.
    pub failures: Vec<Failure>,
    /// Time spent on the inputs that stopped at each stage (lex, parse,
    /// validate, lower, ok), and on those that panicked.
    pub stage_time: [Duration; 6],
    /// Time in `lower::lower` and in `expand::expand_net`, all inputs.
    pub phase_time: [Duration; 2],
    /// Inputs and their total time by duration: under 1 ms, 10 ms,
    /// 100 ms, 1 s, and longer.
    pub histogram: [(u64, Duration); 5],
    /// Distinct error messages seen (up to a bound), for a look at wording.
    pub distinct_messages: std::collections::BTreeSet<String>,
}

/// How many slow inputs the report keeps.
const SLOWEST: usize = 5;

/// Messages kept for review (beyond that, only counted).
const DISTINCT_MESSAGES: usize = 20_000;

impl Report {
    /// `N inputs: L lex errors, …, 0 panics, 0 hangs, 0 bad spans`.
    pub fn summary(&self) -> String {
        format!(
            "{} inputs: {} lex errors, {} parse errors, {} validation errors, {} lowering errors, {} ok, {} panics, {} hangs, {} bad spans",
            self.inputs,
            self.lex,
            self.parse,
            self.validate,
            self.lower,
            self.ok,
            self.panics,
            self.hangs,
            self.bad_spans
        )
    }

    /// Where the time went: seconds on the inputs that stopped at each
    /// stage.
    pub fn stage_times(&self) -> String {
        let names = ["lex", "parse", "validate", "lower", "ok", "panic"];
        let parts: Vec<String> = names
            .iter()
            .zip(&self.stage_time)
            .map(|(n, t)| format!("{n} {:.1} s", t.as_secs_f64()))
            .collect();
        format!(
            "time by outcome: {}; in lower::lower {:.1} s, in expand::expand_net {:.1} s",
            parts.join(", "),
            self.phase_time[0].as_secs_f64(),
            self.phase_time[1].as_secs_f64()
        )
    }

    /// How many inputs took how long.
    pub fn histogram_line(&self) -> String {
        let names = ["< 1 ms", "< 10 ms", "< 100 ms", "< 1 s", ">= 1 s"];
        let parts: Vec<String> = names
            .iter()
            .zip(&self.histogram)
            .map(|(n, (k, t))| format!("{n}: {k} ({:.1} s)", t.as_secs_f64()))
            .collect();
        format!("inputs by time: {}", parts.join(", "))
    }

    /// The slowest inputs, one per line.
    pub fn slowest_lines(&self) -> String {
        let mut s = String::new();
        for (time, index, text) in &self.slowest {
            let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let shown: String = one_line.chars().take(160).collect();
            let more = if shown.len() < one_line.len() {
                " …"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {:>9.3} ms  #{index}  {shown}{more}",
                time.as_secs_f64() * 1e3
            );
        }
        s
    }

    /// Writes every failure to `dir`: `<kind>-s<seed>-i<index>.txt` holds
    /// the input exactly, `.why` beside it says what went wrong.
    pub fn write_failures(&self, dir: &Path, seed: u64) -> std::io::Result<Vec<String>> {
        let mut written = Vec::new();
        if self.failures.is_empty() {
            return Ok(written);
        }
        std::fs::create_dir_all(dir)?;
        for f in &self.failures {
            let stem = format!("{}-s{seed}-i{}", f.kind, f.index);
            let path = dir.join(format!("{stem}.txt"));
            std::fs::write(&path, &f.text)?;
            std::fs::write(dir.join(format!("{stem}.why")), &f.detail)?;
            written.push(path.display().to_string());
        }
        Ok(written)
    }

    fn record(&mut self, index: u64, text: &str, o: Outcome) {
        self.inputs += 1;
        self.phase_time[0] += o.phases[0];
        self.phase_time[1] += o.phases[1];
        let bucket = match o.time.as_micros() {
            0..1_000 => 0,
            1_000..10_000 => 1,
            10_000..100_000 => 2,
            100_000..1_000_000 => 3,
            _ => 4,
        };
        self.histogram[bucket].0 += 1;
        self.histogram[bucket].1 += o.time;
        if self.slowest.len() < SLOWEST || o.time > self.slowest[SLOWEST - 1].0 {
            self.slowest.push((o.time, index, text.to_owned()));
            self.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
            self.slowest.truncate(SLOWEST);
        }
        for m in o.messages {
            if self.distinct_messages.len() < DISTINCT_MESSAGES {
                self.distinct_messages.insert(m);
            }
        }
        if let Some(p) = o.panic {
            self.panics += 1;
            self.stage_time[5] += o.time;
            self.failures.push(Failure {
                kind: "panic",
                index,
                text: text.to_owned(),
                detail: p,
            });
            return;
        }
        let k = match o.stage {
            Stage::Lex => &mut self.lex,
            Stage::Parse => &mut self.parse,
            Stage::Validate => &mut self.validate,
            Stage::Lower => &mut self.lower,
            Stage::Ok => &mut self.ok,
        };
        *k += 1;
        self.stage_time[o.stage as usize] += o.time;
        if !o.bad_spans.is_empty() {
            self.bad_spans += 1;
            self.failures.push(Failure {
                kind: "span",
                index,
                text: text.to_owned(),
                detail: o.bad_spans.join("\n"),
            });
        }
    }
}

/// Runs `config`, calling `progress` every `every` inputs; stops at the
/// first hang.
pub fn fuzz(config: &Config, every: u64, mut progress: impl FnMut(&Report)) -> Report {
    let mut worker = Worker::spawn();
    let mut report = Report::default();
    for index in config.from..config.from + config.inputs {
        let text = input(config.seed, index);
        match worker.run(&text, config.lower, config.cap) {
            Some(outcome) => report.record(index, &text, outcome),
            None => {
                report.inputs += 1;
                report.hangs += 1;
                let mut detail = format!("no result within {:?}", config.cap);
                if config.keep_going {
                    match worker.results.recv_timeout(config.cap * 59) {
                        Ok(o) => {
                            let _ = write!(
                                detail,
                                "; finished after {:.1} s as {:?}: {}",
                                o.time.as_secs_f64(),
                                o.stage,
                                o.messages.join(" | ")
                            );
                        }
                        Err(_) => {
                            let _ = write!(detail, "; still running after {:?}", config.cap * 60);
                            worker = Worker::spawn();
                        }
                    }
                }
                report.failures.push(Failure {
                    kind: "hang",
                    index,
                    text,
                    detail,
                });
                if !config.keep_going {
                    return report;
                }
            }
        }
        if every > 0 && report.inputs % every == 0 {
            progress(&report);
        }
    }
    report
}
