// Named parameters accept only their listed values; numeric ones only numbers.
qrelu::qrelu! {
    pub net Square(x) = x^2 where r = 6, structure = deep, quantization = log;
    pub net Cube(x) = x^3 where r = taylor, tune = "smallest", eps = 2;
}

fn main() {}
