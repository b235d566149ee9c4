// An invocation defines at least one net.
qrelu::qrelu! {}

qrelu::qrelu!();

qrelu::qrelu! {
    /// A doc comment alone.
}

fn main() {}
