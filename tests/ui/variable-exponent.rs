// Exponents are non-negative integer literals, never inputs.
qrelu::qrelu! {
    pub net Power(x, y) = x^y where r = 6, lambda = 2;
    pub net Exponential(x) = 2^x + x^(x + 1) where r = 6, lambda = 2;
}

fn main() {}
