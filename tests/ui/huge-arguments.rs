// Found by the fuzzer (issue 16): huge arguments of `exp`, `tanh` and
// `sin` took hours to enclose. `exp` above 4096 (a value beyond 2^5909) is
// refused at its argument; `tanh` and `sin` of huge arguments are enclosed
// at once and accepted.
qrelu::qrelu! {
    // exp of 2^32·x reaches e^4294967296
    pub net Steep(x) = exp(4294967296*x) where eps = 1/16, max_weights = 2000;
    // the domain reaches 2^64
    pub net Wide(x in [-1, 18446744073709551616]) = exp(x) where eps = 1/16;
    // accepted: tanh(5^64) is 1 to far more than any bound needs
    pub net Flat(x) = tanh(5^64)*x/2 where r = 4;
    // accepted: sin near -1.3e10
    pub net Far(x) = sin(x - 3*4294967295)/2 where eps = 1/16, max_weights = 20000;
}

fn main() {}
