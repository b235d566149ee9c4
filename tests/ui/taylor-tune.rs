// `tune = smallest` with `structure = taylor` searches `n` (unless given),
// `N`, `r` and `t` (unless given) for the smallest network whose exact
// bound is at most `eps`: it needs `eps`, chooses `N` and `r` itself, and
// refuses an `eps` no network meets.
qrelu::qrelu! {
    net TuneWithGrid(x) = x^2/2 where structure = taylor, n = 2, N = 4, eps = 1/10, tune = smallest;
    net TuneWithR(x) = x^2/2 where structure = taylor, r = 4, eps = 1/10, tune = smallest;
    net TuneAlone(x) = x^2/2 where structure = taylor, n = 2, r = 4, tune = smallest;
    // below the Taylor part of every grid N <= 1024 for n = 1
    net TuneTight(x) = x^2/2 where structure = taylor, n = 1, eps = 1/1000000000000, tune = smallest;
    // t = 2 rounds the coefficients far above eps
    net TuneCoarse(x) = x^2/2 where structure = taylor, t = 2, eps = 1/100000, tune = smallest;
    // with n left out the target must still be in F_{d,1}
    net TuneSteep(x) = 2*x^2 where structure = taylor, eps = 1/10, tune = smallest;
    // the smallest network for eps = 1/1000 in two variables is larger than the default limit
    net TuneLarge(x, y) = (x^2 - y^2)/4 where structure = taylor, n = 2, eps = 1/1000, tune = smallest;
}

fn main() {}
