// Valid-looking targets and parameters the construction cannot honour.
qrelu::qrelu! {
    // integer parts of coefficients are built by doubling units, up to 2^62
    net Huge(x) = 10000000000000000000*x^2 + x where r = 2;
    // the codebook value 2^-1024 is below the range of f64
    net Tiny(x) = x^2 where r = 2, t = 64, lambda = 12;
    // 595 monomials with products of up to 33 factors: over the default
    // `max_weights`
    net Heavy(x, y, z) = (x + y + z)^33 where r = 4;
}

fn main() {}
