// Theorem 1's network for eps = 1e-6 with n = 1 needs N = 6,000,000 grid
// points (eq. 28): far over the default `max_weights`, refused before
// anything is built.
qrelu::qrelu! {
    net EpsTiny(x) = x^2/2 where structure = taylor, n = 1, eps = 1/1000000;
}

fn main() {}
