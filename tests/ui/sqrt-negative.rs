// The argument of `sqrt` must be proved non-negative on the whole domain.
qrelu::qrelu! {
    pub net Root(x in [-1, 1], y in [-1, 1]) = sqrt(1 - x*y) + sqrt(x - y) where r = 6;
}

fn main() {}
