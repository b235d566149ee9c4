// `structure = taylor` needs `n`, `N` and `r`, works on [0, 1]^d, and only
// for targets in F_{d,n} (every derivative of order <= n at most 1).
qrelu::qrelu! {
    net NoOrder(x) = x^2/2 where structure = taylor, N = 4, r = 4;
    net NoGrid(x) = x^2/2 where structure = taylor, n = 2, r = 4;
    net Signed(x in [-1, 1]) = x^2/2 where structure = taylor, n = 2, N = 4, r = 4;
    net Steep(x) = 2*x^3 where structure = taylor, n = 3, N = 4, r = 4;
    net OrderWithoutTaylor(x) = x^2 where n = 2, r = 4;
}

fn main() {}
