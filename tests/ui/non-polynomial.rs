// Function calls are not polynomials; `x(...)` is not an implicit product.
qrelu::qrelu! {
    pub net Wave(x) = sin(x) where r = 6, lambda = 2;
    pub net Mixed(x, y) = x^2 + exp(y) - abs(x - y) where r = 6, lambda = 2;
    pub net Implicit(x) = x(x + 1) where r = 6, lambda = 2;
}

fn main() {}
