// `n` (Taylor order) is 1 to 8, `N` (grid) 1 to 1024, and `eps` a fraction
// in (0, 1).
qrelu::qrelu! {
    net OrderZero(x) = x^2/2 where structure = taylor, n = 0, N = 4, r = 4;
    net OrderHuge(x) = x^2/2 where structure = taylor, n = 9, N = 4, r = 4;
    net GridZero(x) = x^2/2 where structure = taylor, n = 2, N = 0, r = 4;
    net GridHuge(x) = x^2/2 where structure = taylor, n = 2, N = 5000, r = 4;
    net GridFraction(x) = x^2/2 where structure = taylor, n = 2, N = 1/2, r = 4;
    net EpsOne(x) = x^2/2 where structure = taylor, n = 2, eps = 1;
    net EpsNegative(x) = x^2/2 where structure = taylor, n = 2, eps = -1/10;
}

fn main() {}
