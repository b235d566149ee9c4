// Parameters that parse but that no construction implements yet.
qrelu::qrelu! {
    net Lipschitz(x) = x^2 where structure = lipschitz, r = 4;
}

fn main() {}
