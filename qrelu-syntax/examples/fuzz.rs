//! A fuzzer of the `qrelu!` pipeline (issue 16): generated and mutated
//! invocations through `ast::parse` → `valid::validate` → `lower::lower` →
//! `expand::expand_net`, checking that nothing panics, nothing hangs, and
//! every compile error points inside the input (`fuzz/harness.rs` says
//! precisely what is generated and checked).
//!
//! ```sh
//! cargo run --release -p qrelu-syntax --example fuzz -- --inputs 1000000 --seed 1
//! ```
//!
//! Options: `--inputs N` (default 100,000), `--seed S` (default 1),
//! `--from I` (the first input's index, default 0: input `I` of seed `S` is
//! the same in every run, so `--from I --inputs 1` replays it), `--cap-ms T`
//! (the time cap per input, default 5,000), `--keep-going` (after a hang,
//! wait for the input to finish, at most 60 caps, record its time and go
//! on), `--no-lower` (stop after `valid::validate`: the front end alone, at
//! about 10,000 inputs/s; a valid input counts as ok), `--print` (print the inputs
//! instead of running them), `--replay FILE` (run one input from a file and
//! print its outcome and messages), `--messages` (print every distinct
//! error message seen).
//!
//! It prints progress to stderr, then the summary line
//! (`N inputs: L lex errors, P parse errors, V validation errors, W lowering
//! errors, O ok, 0 panics, 0 hangs, 0 bad spans`), the total time and the
//! five slowest inputs. Each failure is written to
//! `target/fuzz/failures/<kind>-s<seed>-i<index>.txt` (the input exactly;
//! `.why` beside it says what went wrong), and the exit status is 1. A hang
//! ends the run after the report; a stack overflow aborts the process (the
//! last progress line bounds the index).

#[path = "fuzz/harness.rs"]
mod harness;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use harness::{Config, Worker};

fn main() -> ExitCode {
    let mut config = Config {
        seed: 1,
        from: 0,
        inputs: 100_000,
        cap: Duration::from_secs(5),
        keep_going: false,
        lower: true,
    };
    let (mut print, mut messages, mut replay) = (false, false, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| usage(&format!("{name} needs a value")))
        };
        let number = |name: &str, v: String| {
            v.replace('_', "")
                .parse::<u64>()
                .unwrap_or_else(|_| usage(&format!("{name} takes a number, found {v}")))
        };
        match arg.as_str() {
            "--inputs" => config.inputs = number("--inputs", value("--inputs")),
            "--seed" => config.seed = number("--seed", value("--seed")),
            "--from" => config.from = number("--from", value("--from")),
            "--cap-ms" => {
                config.cap = Duration::from_millis(number("--cap-ms", value("--cap-ms")));
            }
            "--print" => print = true,
            "--keep-going" => config.keep_going = true,
            "--no-lower" => config.lower = false,
            "--messages" => messages = true,
            "--replay" => replay = Some(PathBuf::from(value("--replay"))),
            other => usage(&format!("unknown option {other}")),
        }
    }

    if let Some(path) = replay {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| usage(&format!("cannot read {}: {e}", path.display())));
        return match Worker::spawn().run(&text, config.lower, config.cap) {
            None => {
                println!("hang: no result within {:?}", config.cap);
                ExitCode::FAILURE
            }
            Some(o) => {
                println!("{:?} in {:?}", o.stage, o.time);
                o.panic.iter().for_each(|p| println!("panic: {p}"));
                o.messages.iter().for_each(|m| println!("error: {m}"));
                o.bad_spans.iter().for_each(|b| println!("bad span: {b}"));
                if o.panic.is_some() || !o.bad_spans.is_empty() {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
        };
    }

    if print {
        for index in config.from..config.from + config.inputs {
            println!("// #{index}\n{}\n", harness::input(config.seed, index));
        }
        return ExitCode::SUCCESS;
    }

    let started = Instant::now();
    let every = (config.inputs / 20).clamp(1, 100_000);
    let report = harness::fuzz(&config, every, |r| {
        eprintln!(
            "[{:>7.1} s] up to #{}: {}",
            started.elapsed().as_secs_f64(),
            config.from + r.inputs - 1,
            r.summary()
        );
    });
    let elapsed = started.elapsed();
    println!("{}", report.summary());
    println!(
        "seed {}, inputs #{}..#{}, {:.1} s ({:.0} inputs/s)",
        config.seed,
        config.from,
        config.from + report.inputs,
        elapsed.as_secs_f64(),
        report.inputs as f64 / elapsed.as_secs_f64()
    );
    println!("{}", report.stage_times());
    println!("{}", report.histogram_line());
    println!("slowest inputs:\n{}", report.slowest_lines());
    if messages {
        println!("distinct messages ({}):", report.distinct_messages.len());
        for m in &report.distinct_messages {
            println!("  {m}");
        }
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz/failures");
    match report.write_failures(&dir, config.seed) {
        Ok(written) => {
            for (f, path) in report.failures.iter().zip(&written) {
                let first = f.detail.lines().next().unwrap_or("");
                println!("{} #{}: {first}\n  written to {path}", f.kind, f.index);
            }
        }
        Err(e) => eprintln!("cannot write the failures to {}: {e}", dir.display()),
    }
    if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "{problem}\nusage: fuzz [--inputs N] [--seed S] [--from I] [--cap-ms T] [--keep-going] [--no-lower] [--print] [--messages] [--replay FILE]"
    );
    std::process::exit(2)
}
