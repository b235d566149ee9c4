// The target may only use the net's own inputs.
qrelu::qrelu! {
    pub net Square(x) = y^2 where r = 6, lambda = 2;
    pub net Product(x in [-1, 1], y in [-1, 1]) = x*z + w where r = 8, lambda = 3;
}

fn main() {}
