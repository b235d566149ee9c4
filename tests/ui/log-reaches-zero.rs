// The argument of `log` must be proved positive on the whole domain.
qrelu::qrelu! {
    pub net Log(x) = log(x) where r = 6;
    pub net Shifted(x in [-1, 1]) = exp(x)/2 + log(1 + x)/4 where r = 6;
}

fn main() {}
