// `r` (squaring depth) and `t` (weight precision) must be at least 1 and not absurdly large.
qrelu::qrelu! {
    pub net Square(x) = x^2 where r = 0, lambda = 2;
    pub net Precise(x) = x^2 where r = 6, t = 0, lambda = 2;
    pub net Deep(x) = x^2 where r = 40, t = 1000, lambda = 2;
}

fn main() {}
