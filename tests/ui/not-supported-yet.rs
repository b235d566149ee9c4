// Parameters that parse but that no construction implements yet.
qrelu::qrelu! {
    net Taylor(x) = x^2 where structure = taylor, r = 4;
    net Linear(x) = x^2 where r = 4, quantization = linear;
}

fn main() {}
