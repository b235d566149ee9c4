// Parameters that parse but that no construction implements yet.
qrelu::qrelu! {
    net Lipschitz(x) = x^2 where structure = lipschitz, r = 4;
    net TaylorTuned(x) = x^2/2 where structure = taylor, n = 2, N = 4, eps = 1/10, tune = smallest;
}

fn main() {}
