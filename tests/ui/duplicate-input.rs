// Input names must differ.
qrelu::qrelu! {
    pub net Product(x in [-1, 1], x in [-1, 1]) = x*x where r = 8, lambda = 3;
    pub net Triple(x, y, y) = x*y where r = 8, lambda = 3;
}

fn main() {}
