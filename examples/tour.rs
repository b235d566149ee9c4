//! A tour of qrelu: the squaring network f_s^r of Prop. 1 for r = 1..=12
//! with only the weights ±1/2, and the same network under larger codebooks.
//!
//! For each network it prints the size the compiler reports in `INFO`, the
//! a-priori bound of eq. 3 and the *certified* sup error: the exact maximum
//! of |f_s^r(x) − x²| over all linear pieces of the generated code.
//!
//! Run with `cargo run --release --example tour`.

use qrelu::Network;
use qrelu::check::certify_1d;

qrelu::qrelu! {
    /// f_s^1: one tent block.
    pub net Square1(x) = x^2 where r = 1, lambda = 2;
    /// f_s^2.
    pub net Square2(x) = x^2 where r = 2, lambda = 2;
    /// f_s^3.
    pub net Square3(x) = x^2 where r = 3, lambda = 2;
    /// f_s^4.
    pub net Square4(x) = x^2 where r = 4, lambda = 2;
    /// f_s^5.
    pub net Square5(x) = x^2 where r = 5, lambda = 2;
    /// f_s^6.
    pub net Square6(x) = x^2 where r = 6, lambda = 2;
    /// f_s^7.
    pub net Square7(x) = x^2 where r = 7, lambda = 2;
    /// f_s^8.
    pub net Square8(x) = x^2 where r = 8, lambda = 2;
    /// f_s^9.
    pub net Square9(x) = x^2 where r = 9, lambda = 2;
    /// f_s^10.
    pub net Square10(x) = x^2 where r = 10, lambda = 2;
    /// f_s^11.
    pub net Square11(x) = x^2 where r = 11, lambda = 2;
    /// f_s^12.
    pub net Square12(x) = x^2 where r = 12, lambda = 2;
    /// f_s^6 drawn from a 3-value codebook (it still only needs ±1/2).
    pub net Square6L3(x) = x^2 where r = 6, lambda = 3;
    /// f_s^6 drawn from a 4-value codebook.
    pub net Square6L4(x) = x^2 where r = 6, t = 27, lambda = 4;
}

fn row<N: Network>() {
    let info = N::INFO;
    let certified = match certify_1d::<N>() {
        Ok(c) => c,
        Err(e) => {
            println!("{:<10} certification failed: {e}", info.name);
            return;
        }
    };
    let target: Vec<String> = info
        .target
        .iter()
        .map(|t| format!("{}*x^{}", t.coef, t.pow[0]))
        .collect();
    println!(
        "{:<8} {:>3} {:>3} {:>2} {:>7} {:>6} {:>5} {:>5} {:>6} {:>12} {:>12} {:>6} {:>8}",
        target.join(" + ").replace("1*x^2", "x^2"),
        info.r.unwrap_or(0),
        info.t.unwrap_or(0),
        info.lambda,
        info.weights,
        info.nonzero_biases,
        info.depth,
        info.width,
        info.bits,
        format!("{}", info.error_bound),
        format!("{}", certified.error),
        if certified.holds { "holds" } else { "FAILS" },
        if certified.attained { "attained" } else { "" },
    );
}

fn main() {
    println!(
        "qrelu tour: the squaring network f_s^r of Prop. 1 (Ding, Liu & Shi), weights ±1/2 only\n"
    );
    println!(
        "{:<8} {:>3} {:>3} {:>2} {:>7} {:>6} {:>5} {:>5} {:>6} {:>12} {:>12} {:>6} {:>8}",
        "target",
        "r",
        "t",
        "λ",
        "weights",
        "biases",
        "depth",
        "width",
        "bits",
        "bound",
        "measured",
        "",
        ""
    );
    row::<Square1>();
    row::<Square2>();
    row::<Square3>();
    row::<Square4>();
    row::<Square5>();
    row::<Square6>();
    row::<Square7>();
    row::<Square8>();
    row::<Square9>();
    row::<Square10>();
    row::<Square11>();
    row::<Square12>();
    println!("\nthe same network under larger codebooks (λ values; t sets the radix b of eq. 9):");
    row::<Square6L3>();
    row::<Square6L4>();
    println!(
        "\nweights = 11r + 8, depth = 2r (r ≥ 2), width 5; bound = 2^(-2(r+1)) (eq. 3); \
         measured = exact max |f_s^r(x) - x^2| over every linear piece (certified)."
    );
    println!(
        "codebook of Square6L4: {:?}",
        Square6L4::INFO
            .codebook
            .iter()
            .map(|q| q.text())
            .collect::<Vec<_>>()
    );
    println!("this tour writes no pictures.");
}
