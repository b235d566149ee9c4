// Each net ends with `;` (optional after the last one).
qrelu::qrelu! {
    pub net Square(x) = x^2 where r = 6, lambda = 2,
    pub net Cube(x) = x^3 where r = 6;
}

qrelu::qrelu! {
    pub net Square(x) = x^2 where r = 6
    net Cube(x) = x^3 where r = 6;
}

qrelu::qrelu! {
    pub net Square(x) = x^2 where r = 6,
    /// The cube.
    net Cube(x) = x^3 where r = 6;
}

qrelu::qrelu! {
    pub net Square(x) = x^2 where
    net Cube(x) = x^3 where r = 6;
}

fn main() {}
