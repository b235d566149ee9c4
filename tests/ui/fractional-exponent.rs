// Fractional exponents are not polynomial.
qrelu::qrelu! {
    pub net Root(x) = x^(1/2) where r = 6, lambda = 2;
    pub net Decimal(x) = x^1.5 + x^(3/2) where r = 6, lambda = 2;
}

fn main() {}
