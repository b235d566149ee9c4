// Parameters follow the keyword `where`.
qrelu::qrelu! {
    pub net Square(x) = x^2 r = 6, lambda = 2;
}

fn main() {}
