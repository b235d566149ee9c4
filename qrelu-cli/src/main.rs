//! The `qrelu` command-line tool. Under construction.
fn main() {}
