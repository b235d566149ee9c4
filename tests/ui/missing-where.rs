// The target ends at `where`; parameters are mandatory.
qrelu::qrelu! {
    pub net Square(x) = x^2;
}

fn main() {}
