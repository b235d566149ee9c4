// Each parameter is given at most once; the second occurrence is the error.
qrelu::qrelu! {
    pub net Square(x) = x^2 where r = 6, lambda = 2, r = 8;
    pub net Cube(x) = x^3 where lambda = 2, r = 6, lambda = 2, structure = direct, structure = taylor;
}

fn main() {}
