//! Compile-fail cases for the `qrelu!` DSL (`tests/ui/*.rs`): every bad
//! invocation is a compile error pointing at the offending tokens and saying
//! what is accepted. Snapshots are the `.stderr` files next to each case;
//! regenerate with `TRYBUILD=overwrite cargo test --test compiletest` and
//! review every caret.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
