//! The `qrelu` binary run as a user runs it: exit codes, what it prints,
//! what it writes, and its error rendering (snapshots).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use qrelu_core::rational::{self, Rational};
use qrelu_syntax::source;

fn qrelu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qrelu"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qrelu"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SQUARE: &str = "net Square(x) = x^2 where r = 4;";

#[test]
fn an_error_is_rendered_like_rustc() {
    let o = qrelu(&["info", "net Square(x) = x^2 where r = 0, lambda = 1;"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    expect_test::expect![[r#"
        error: `r` must be at least 1, found 0
          ┌─ <argument>:1:31
          │
        1 │ net Square(x) = x^2 where r = 0, lambda = 1;
          │                               ^

        error: `lambda` must be at least 2, found 1
          ┌─ <argument>:1:43
          │
        1 │ net Square(x) = x^2 where r = 0, lambda = 1;
          │                                           ^

    "#]]
    .assert_eq(&stderr(&o));
}

#[test]
fn errors_in_a_file_name_it_and_their_lines() {
    let dir = scratch("errors_in_a_file");
    let file = dir.join("nets.qrelu");
    std::fs::write(
        &file,
        "/// fine\nnet A(x) = x^2 where r = 3;\n\n/// not fine\nnet B(x in [-1, 1]) =\n    log(x) where r = 3;\n",
    )
    .unwrap();
    let o = qrelu(&["build", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("nets.qrelu:6:5"), "{err}");
    assert!(err.contains("6 │     log(x) where r = 3;"), "{err}");
    assert!(err.contains("^^^^^^"), "{err}");
}

#[test]
fn the_macros_messages() {
    // the same text through the token entry point of the macro
    let text = "net A(x) = foo(x) where r = 3;";
    let tokens: proc_macro2::TokenStream = text.parse().unwrap();
    let input = qrelu_syntax::ast::parse(tokens).unwrap();
    let message = qrelu_syntax::valid::validate(input)
        .unwrap_err()
        .to_string();
    let o = qrelu(&["info", text]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("error: {message}")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn info_prints_the_built_sizes() {
    let text = "net P(x in [-1, 1], y in [-1, 1]) = x*y where r = 5;\nnet E(x) = exp(-x^2) where eps = 1/100;";
    let o = qrelu(&["info", text]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for c in source::compile(text).unwrap() {
        let m = &c.construction.metrics;
        let row = out
            .lines()
            .find(|l| l.starts_with(&c.construction.spec.name))
            .unwrap_or_else(|| panic!("{out}"));
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[6], m.weights.to_string(), "{row}");
        assert_eq!(cells[8], m.depth.to_string(), "{row}");
        assert_eq!(cells[10], m.bits.to_string(), "{row}");
        for part in &m.parts {
            assert!(out.contains(&format!("  {:<8}", part.name)), "{out}");
        }
    }
    assert!(out.contains("exp(-x^2)"), "{out}");
}

#[test]
fn build_writes_json_rust_and_svg() {
    let dir = scratch("build_writes");
    let p = |f: &str| dir.join(f).to_str().unwrap().to_owned();
    let text = "/// the product\npub net P(x in [-1, 1], y in [-1, 1]) = x*y where r = 3;\nnet S(x) = x^2 where r = 3;";
    let o = qrelu(&[
        "build",
        text,
        "--json",
        &p("{name}.json"),
        "--rust",
        &p("nets.rs"),
        "--svg",
        &p("{name}.svg"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let nets = source::compile(text).unwrap();
    for c in &nets {
        let name = &c.construction.spec.name;
        let json = std::fs::read_to_string(p(&format!("{name}.json"))).unwrap();
        assert_eq!(json, qrelu_core::export::json::to_json(&c.construction));
        let svg = std::fs::read_to_string(p(&format!("{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{svg}");
        assert!(stdout(&o).contains(&format!("wrote {}", p(&format!("{name}.svg")))));
    }
    // the Rust is what the macro expands the same text to, formatted
    let rust = std::fs::read_to_string(p("nets.rs")).unwrap();
    let tokens: proc_macro2::TokenStream = text.parse().unwrap();
    let file: syn::File = syn::parse2(qrelu_syntax::expand(tokens)).unwrap();
    let expected = prettyplease::unparse(&file);
    let body = rust.split_once("\n\n").map(|(_, body)| body).unwrap();
    assert_eq!(body, expected);
    assert!(
        rust.starts_with("// Generated by `qrelu build --rust`"),
        "{rust}"
    );
    assert!(body.contains("pub struct P;") && body.contains("struct S;"));
}

#[test]
fn several_nets_need_a_name_in_the_path() {
    let o = qrelu(&[
        "build",
        "net A(x) = x^2 where r = 2; net B(x) = x^2 where r = 3;",
        "--json",
        "out.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("put {name} in the path of --json"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_dsl_from_stdin() {
    let o = with_stdin(&["info", "-"], SQUARE);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Square"));
}

#[test]
fn a_missing_file_is_not_dsl() {
    let o = qrelu(&["info", "no/such/file.qrelu"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a file"), "{}", stderr(&o));
}

#[test]
fn eval_exactly_and_in_f64() {
    let o = qrelu(&["eval", SQUARE, "3/8"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c = source::compile(SQUARE).unwrap().remove(0).construction;
    let exact = qrelu_core::eval::eval(&c.net, &[rational::ratio(3, 8)]);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("network, exact   {} ", rational::display(&exact))),
        "{out}"
    );
    assert!(
        out.contains("equal to the exact value at the f64 input"),
        "{out}"
    );
    assert!(out.contains("target           9/64"), "{out}");

    // a decimal that f64 cannot hold: exact at 1/10, f64 at the double nearest
    let o = qrelu(&["eval", SQUARE, "0.1"]);
    let exact = qrelu_core::eval::eval(&c.net, &[rational::ratio(1, 10)]);
    let out = stdout(&o);
    assert!(out.contains(&rational::display(&exact)), "{out}");
    assert!(
        out.contains("the f64 input is not the exact point"),
        "{out}"
    );
}

#[test]
fn eval_reads_exported_json() {
    let dir = scratch("eval_json");
    let json = dir.join("p.json");
    let text = "net P(x in [-1, 1], y in [-1, 1]) = x*y where r = 4;";
    let o = qrelu(&["build", text, "--json", json.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = qrelu(&["eval", json.to_str().unwrap(), "1/2", "-3/4"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c = source::compile(text).unwrap().remove(0).construction;
    let x = [rational::ratio(1, 2), rational::ratio(-3, 4)];
    let exact: Rational = qrelu_core::eval::eval(&c.net, &x);
    let f = qrelu_core::eval::eval_f64(&c.net, &[0.5, -0.75]);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("exact   {} ", rational::display(&exact))),
        "{out}"
    );
    assert!(out.contains(&format!("f64     {f:?} ")), "{out}");
}

#[test]
fn eval_refuses_bad_points() {
    let o = qrelu(&["eval", SQUARE, "1/2", "1/2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Square has 1 input (x), found 2 values"),
        "{}",
        stderr(&o)
    );
    let o = qrelu(&["eval", SQUARE, "3/2"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("outside the domain [0, 1]"),
        "{}",
        stderr(&o)
    );
    let o = qrelu(&["eval", SQUARE, "half"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a number"), "{}", stderr(&o));
}

#[test]
fn certify_proves_a_bound() {
    let o = qrelu(&["certify", SQUARE]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Square: certified"), "{out}");
    assert!(out.contains("proved") || out.contains("holds"), "{out}");
    let o = qrelu(&[
        "certify",
        "net P(x in [-1, 1], y in [-1, 1]) = x*y where r = 3;",
        "--bound-only",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn certify_out_of_budget_is_undecided() {
    let o = qrelu(&[
        "certify",
        "net C(x, y, z) = x*y*z - 2*x^2 + (y - z)^2/3 where r = 6, t = 12;",
        "--boxes",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn help_lists_the_commands_and_exit_codes() {
    let o = qrelu(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for word in ["build", "info", "certify", "eval", "Exit codes"] {
        assert!(out.contains(word), "{out}");
    }
    let o = qrelu(&["build", "--help"]);
    for flag in ["--json", "--onnx", "--onnx32", "--qonnx", "--rust", "--svg"] {
        assert!(stdout(&o).contains(flag), "{}", stdout(&o));
    }
}

/// `tests/vendored/nets.rs` (compiled and checked against the macro by the
/// facade's `tests/vendored.rs`) is what the tool writes today;
/// `QRELU_BLESS=1` rewrites it.
#[test]
fn vendored_code_is_current() {
    let committed = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vendored/nets.rs");
    let dir = scratch("vendored");
    let fresh = dir.join("nets.rs");
    let text = "/// x² with four tent blocks, vendored.\npub net VSquare(x) = x^2 where r = 4;\n\
                /// x·y on [-1, 1]², vendored.\npub net VProduct(x in [-1, 1], y in [-1, 1]) = x*y where r = 3;";
    let o = qrelu(&["build", text, "--rust", fresh.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fresh = std::fs::read_to_string(fresh).unwrap();
    if std::env::var_os("QRELU_BLESS").is_some() {
        std::fs::write(committed, &fresh).unwrap();
    }
    let old = std::fs::read_to_string(committed).unwrap_or_default();
    assert!(
        old == fresh,
        "tests/vendored/nets.rs is not what `qrelu build --rust` writes today: rerun with QRELU_BLESS=1"
    );
}
