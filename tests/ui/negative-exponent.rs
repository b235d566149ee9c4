// Negative exponents are not polynomial.
qrelu::qrelu! {
    pub net Reciprocal(x) = x^-1 where r = 6, lambda = 2;
    pub net Mixed(x) = x^2 + x^(-2) + x^(1 - 3) where r = 6, lambda = 2;
}

fn main() {}
