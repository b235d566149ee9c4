// `structure = lipschitz` takes one input on [0, 1], a Lipschitz constant
// at most 1 (Theorem 2's F_{1,1}), `eps` and `t` up to 5; not the
// parameters of other structures.
qrelu::qrelu! {
    // |f'| = 2x reaches 2 at x = 1: x^2/2 is the certified target
    net Square(x) = x^2 where structure = lipschitz, eps = 1/256;
    // the maximum of |f'| is inside [0, 1]
    net Bump(x) = -4/3*x^3 + 2*x^2 + x/2 where structure = lipschitz, eps = 1/256;
    net Plane(x, y) = x*y/2 where structure = lipschitz, eps = 1/256;
    net Signed(x in [-1, 1]) = x^2/4 where structure = lipschitz, eps = 1/256;
    net WithR(x) = x^2/2 where structure = lipschitz, eps = 1/256, r = 4;
    net WithGrid(x) = x^2/2 where structure = lipschitz, eps = 1/256, N = 8;
    net NoEps(x) = x^2/2 where structure = lipschitz, lambda = 2;
    // `t` is log2 of the cells per interval of the cached functions, m = 2^t <= 32
    net FineCells(x) = x^2/2 where structure = lipschitz, eps = 1/256, t = 6;
}

fn main() {}
