// The size guard: the estimate is made before building, and the message says
// how to raise the limit.
qrelu::qrelu! {
    net Big(x) = x^2 where r = 24, max_weights = 200;
    net Tiny(x) = x^2 where max_weights = 10, r = 1;
}

fn main() {}
