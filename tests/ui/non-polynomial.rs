// Functions outside the DSL are refused with the list of accepted ones;
// `x(...)` is not an implicit product.
qrelu::qrelu! {
    pub net Error(x) = erf(x) where r = 6, lambda = 2;
    pub net Mixed(x, y) = x^2 + exp(y) - gamma(x - y) where r = 6, lambda = 2;
    pub net Implicit(x) = x(x + 1) where r = 6, lambda = 2;
}

fn main() {}
