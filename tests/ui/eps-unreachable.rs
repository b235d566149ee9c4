// `eps` chooses `r` (and with `tune = smallest` also `t`); these cannot be met.
qrelu::qrelu! {
    // below the bound of every r <= 32
    net Tight(x) = x^2 where eps = 1/10000000000000000000000000000;
    // t = 8 fixes the rounding of 1/3 at about 2^-9
    net Rounded(x) = x^2/3 where eps = 1/100000000, t = 8;
    // a given r must meet eps
    net Both(x) = x^2 where r = 2, eps = 1/1000;
    // tune needs eps, and chooses r itself
    net TuneAlone(x) = x^2 where r = 4, tune = smallest;
    net TuneWithR(x) = x^2 where r = 4, eps = 1/100, tune = smallest;
}

fn main() {}
