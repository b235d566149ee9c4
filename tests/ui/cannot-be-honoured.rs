// Valid-looking targets and parameters the construction cannot honour.
qrelu::qrelu! {
    // the integer part of a coefficient is built from copies of units
    net Huge(x) = 1000000*x^2 + x where r = 2;
    // the codebook value 2^-1024 is below the range of f64
    net Tiny(x) = x^2 where r = 2, t = 64, lambda = 12;
    // within the copy limit, but far over the default `max_weights`
    net Heavy(x, y) = 20000*x*y where r = 2;
}

fn main() {}
