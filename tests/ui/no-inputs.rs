// A net has at least one input; the error suggests the target's variables.
qrelu::qrelu! {
    pub net One() = 1 where r = 6;
    pub net Product() = x*y - z^2 where r = 6;
}

fn main() {
    // the stubs take no inputs, as written
    let _: f64 = One::eval();
    let _: f64 = Product::eval();
}
