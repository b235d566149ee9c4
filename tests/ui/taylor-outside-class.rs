// `structure = taylor` needs the target in F_{d,n} (eq. 1): every
// derivative of order <= n at most 1 on [0, 1]^d, proved from enclosures of
// the derivatives; refused with a point where one is proved larger.
qrelu::qrelu! {
    // d/dx exp(3x) = 3·exp(3x) reaches 60.26 at x = 1
    pub net Steep(x) = exp(3*x) where structure = taylor, n = 1, eps = 1/100;
    // abs has no second derivative at 1/3
    pub net Kink(x) = abs(x - 1/3)/2 where structure = taylor, n = 2, eps = 1/100;
    // within F_{1,2}: every derivative of log(1 + x)/2 is at most 1/2
    pub net Soft(x) = log(1 + x)/2 where structure = taylor, n = 2, eps = 1/100;
}

fn main() {}
