// Division is by numbers only, and never by zero.
qrelu::qrelu! {
    pub net Ratio(x, y) = x/y where r = 6, lambda = 2;
    pub net Rational(x) = 1/(x + 1) + x/(2 - 2) + x/0 where r = 6, lambda = 2;
}

fn main() {}
