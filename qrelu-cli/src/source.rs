//! Where the DSL comes from (an argument, a file or stdin), and its errors
//! rendered as rustc renders the macro's: the message, the place, the text
//! underlined.

use std::io::{IsTerminal, Read};
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor};
use qrelu_syntax::source::{self as dsl, Compiled};

use crate::Failure;

/// Text read for a command: the DSL (or a `qrelu-net/1` JSON file, for
/// `eval`), with the name its diagnostics show.
pub struct Source {
    /// `<argument>`, `<stdin>` or the file's path
    pub name: String,
    /// the text
    pub text: String,
}

impl Source {
    /// The source a command-line argument names: `-` is stdin, an
    /// existing file is read, anything else is DSL text itself.
    pub fn read(arg: &str) -> Result<Source, Failure> {
        if arg == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::io("cannot read stdin", e))?;
            return Ok(Source {
                name: "<stdin>".to_owned(),
                text,
            });
        }
        let path = Path::new(arg);
        if path.is_file() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::io(&format!("cannot read {arg}"), e))?;
            return Ok(Source {
                name: arg.to_owned(),
                text,
            });
        }
        if !arg.contains("net") {
            // neither a file nor DSL: most likely a mistyped path
            return Err(Failure::Usage(format!(
                "`{arg}` is not a file, and not DSL text (which contains `net`)"
            )));
        }
        Ok(Source {
            name: "<argument>".to_owned(),
            text: arg.to_owned(),
        })
    }

    /// Whether the text is a `qrelu-net/1` JSON document rather than DSL.
    pub fn is_json(&self) -> bool {
        self.text.trim_start().starts_with('{')
    }

    /// Every net of the text, built; or the errors, rendered on stderr.
    pub fn compile(&self) -> Result<Vec<Compiled>, Failure> {
        dsl::compile(&self.text).map_err(|errors| Failure::Dsl(render_all(self, &errors)))
    }

    /// One diagnostic as rustc shows it (coloured when `color`).
    pub fn render(&self, e: &dsl::Diagnostic, color: bool) -> String {
        let file = SimpleFile::new(&self.name, &self.text);
        let diagnostic = Diagnostic::error()
            .with_message(&e.message)
            .with_labels(vec![Label::primary((), e.range.clone())]);
        let config = Config::default();
        if color {
            let mut buffer = termcolor::Buffer::ansi();
            if term::emit_to_write_style(&mut buffer, &config, &file, &diagnostic).is_ok() {
                return String::from_utf8_lossy(buffer.as_slice()).into_owned();
            }
        }
        term::emit_into_string(&config, &file, &diagnostic)
            .unwrap_or_else(|_| format!("error: {}\n", e.message))
    }
}

/// Whether stderr is a terminal that takes colours (and `NO_COLOR` unset).
pub fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Renders the DSL's errors for stderr, coloured on a terminal.
pub fn render_all(source: &Source, errors: &[dsl::Diagnostic]) -> String {
    let color = color_stderr();
    errors.iter().map(|e| source.render(e, color)).collect()
}
