// Found by the fuzzer (issue 16): an invocation that stops early used to
// point at the whole invocation; the error points at its last token.
qrelu::qrelu! {
    pub net Square(x) = x^2 where r =
}

fn main() {}
