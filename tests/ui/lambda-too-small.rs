// `lambda` is the codebook size; a codebook needs at least two values.
qrelu::qrelu! {
    pub net Square(x) = x^2 where r = 6, lambda = 1;
    pub net Cube(x) = x^3 where r = 6, lambda = 0;
    pub net Quartic(x) = x^4 where r = 6, lambda = 17;
}

fn main() {}
