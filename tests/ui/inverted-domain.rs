// A domain `[lo, hi]` needs lo < hi.
qrelu::qrelu! {
    pub net Inverted(x in [1, 0]) = x^2 where r = 6, lambda = 2;
    pub net Empty(x in [1, 1], y in [1/2, -1/2]) = x*y where r = 6, lambda = 2;
}

fn main() {}
