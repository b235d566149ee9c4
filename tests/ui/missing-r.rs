// `r` is required unless `eps` derives it.
qrelu::qrelu! {
    pub net Square(x) = x^2 where lambda = 2;
    pub net Cube(x) = x^3 where t = 12, lambda = 3;
}

fn main() {}
