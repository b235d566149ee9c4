// A quotient needs a denominator proved away from 0 on the whole domain,
// and a number is never divided by zero.
qrelu::qrelu! {
    pub net Ratio(x, y) = x/y where r = 6, lambda = 2;
    pub net Sigmoid(x in [-1, 1]) = 1/(1 - exp(x)) where r = 6;
    pub net Zero(x) = 1/(x + 1) + x/(2 - 2) + x/0 where r = 6, lambda = 2;
}

fn main() {}
