// `structure = direct` works on [0, 1] and [-1, 1] per input; any other
// interval is refused at the interval, with what is accepted.
qrelu::qrelu! {
    net Wide(x in [0, 2]) = x^2 where r = 4;
    net Narrow(x, y in [-1/2, 1/2]) = x*y where r = 4;
    net Shifted(x in [1/4, 1]) = x where r = 2;
}

fn main() {}
