// The target polynomial may not be empty.
qrelu::qrelu! {
    pub net Square(x) = where r = 6, lambda = 2;
}

fn main() {}
