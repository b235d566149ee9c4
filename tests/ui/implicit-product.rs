// Products are written with `*`; literal suffixes are not accepted.
qrelu::qrelu! {
    pub net Double(x) = 2x^2 where r = 6, lambda = 2;
    pub net Typed(x) = 3u8*x where r = 6u32, lambda = 2;
}

fn main() {}
