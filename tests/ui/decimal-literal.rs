// Numbers are exact: integers or `p/q`, never decimals.
qrelu::qrelu! {
    pub net Half(x in [-0.5, 1/2]) = 0.5*x^2 + 1.25 where r = 6, lambda = 2;
    pub net Smooth(x) = x^2 where eps = 0.001, lambda = 2;
}

fn main() {}
