//! One module per subcommand; [`run`] dispatches and maps outcomes to exit codes.

mod baseline;
pub mod check;
mod completions;
mod explain;
mod graph;
mod init;
mod rules;
mod schema;
mod validate;
mod waves;

use crate::cli::{Cli, ColorChoice, Command, Format};
use crate::model::finding::Finding;
use crate::model::rules::Severity;
use crate::registry::{self, LoadError, Registry};
use crate::report::{self, Printer, Summary};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

/// Exit code: nothing at error level.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at error level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the registry could not be loaded, or the command line is wrong.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the run is incomplete (an internal error on some file).
pub const EXIT_INCOMPLETE: u8 = 3;

/// A failure that ends a command before it produces findings: exit code 2.
#[derive(Debug)]
pub enum Failure {
    /// The registry could not be loaded.
    Load(Box<LoadError>),
    /// Anything else the user must fix (a bad argument, a missing file).
    Usage(String),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::Load(Box::new(e))
    }
}

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    let result = match &cli.command {
        Command::Check(args) => check::run(&cli, args),
        Command::Validate(_) => validate::run(&cli),
        Command::Baseline(args) => baseline::run(&cli, args),
        Command::Schema(args) => schema::run(args),
        Command::Explain(args) => explain::run(&cli, args),
        Command::Rules(_) => rules::run(&cli),
        Command::Completions(args) => completions::run(args),
        Command::Man => completions::man(),
        Command::Graph(args) => graph::run(&cli, args),
        Command::Waves(args) => waves::run(&cli, args),
        Command::Init(args) => init::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            report_failure(&cli, &failure);
            EXIT_USAGE
        }
    }
}

fn report_failure(cli: &Cli, failure: &Failure) {
    let mut err = io::stderr().lock();
    // Writing to stderr can only fail when it is closed; the exit code still tells.
    // What a failure quotes from input (a path, a revision, git's own message, a
    // registry's key) is escaped as the printers escape it (see `report::escape`).
    let _ = match failure {
        Failure::Usage(msg) => writeln!(
            err,
            "{}",
            report::escape::lines(&format!("error: {}", report::escape::text(msg)))
        ),
        Failure::Load(e) => {
            let theme = if use_color(cli) {
                miette::GraphicalTheme::unicode()
            } else {
                miette::GraphicalTheme::unicode_nocolor()
            };
            let mut s = String::new();
            let handler =
                miette::GraphicalReportHandler::new_themed(theme).with_width(terminal_width());
            if handler.render_report(&mut s, e.as_ref()).is_err() {
                s = format!("error: {e}\n");
            }
            err.write_all(report::escape::lines(&s).as_bytes())
        }
    };
}

/// Whether human output gets colors.
pub fn use_color(cli: &Cli) -> bool {
    match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

/// Width for wrapping human output: `COLUMNS` when set, else 100.
pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}

/// Finds and loads the registry named by `--registry`, or the nearest one.
pub fn load_registry(cli: &Cli) -> Result<Registry, Failure> {
    load_registry_near(cli, None)
}

/// Like [`load_registry`], but without `--registry` the search starts at `hint` (the
/// first path argument, so `ownlint check path/to/repo` works from anywhere) before
/// the current directory.
pub fn load_registry_near(cli: &Cli, hint: Option<&std::path::Path>) -> Result<Registry, Failure> {
    Ok(registry::load(&find_registry_near(cli, hint)?)?)
}

/// The registry file [`load_registry_near`] reads.
pub fn find_registry_near(
    cli: &Cli,
    hint: Option<&std::path::Path>,
) -> Result<std::path::PathBuf, Failure> {
    Ok(match &cli.registry {
        Some(p) => p.clone(),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| Failure::Usage(format!("cannot read the current directory: {e}")))?;
            let from_hint = hint.and_then(|h| {
                let abs = cwd.join(h);
                let dir = if abs.is_dir() {
                    abs
                } else {
                    abs.parent()?.to_path_buf()
                };
                // Not from inside a link the argument goes through: under the rule for
                // links (see `crate::links`), the search starts beside the link.
                let dir = match crate::links::follow(&cwd, &dir) {
                    Ok(crate::links::Followed::Link { link, .. }) => link.parent()?.to_path_buf(),
                    _ => dir,
                };
                registry::find_registry(&dir)
            });
            from_hint.or_else(|| registry::find_registry(&cwd)).ok_or_else(|| {
                Failure::Usage(
                    "no data-ownership.yaml found in this directory or its parents; pass --registry PATH, or run `ownlint init`".into(),
                )
            })?
        }
    })
}

/// Applies the registry's severity overrides: drops rules set to `off`, and caps
/// low-confidence findings at the `low-confidence` level (a warning by default; `off`
/// drops them).
pub fn apply_levels(findings: &mut Vec<Finding>, reg: &Registry) {
    let low = reg.low_confidence_severity();
    findings.retain_mut(|f| match reg.severity(f.rule) {
        // An incomplete run must never look clean: `internal-error` cannot be lowered.
        _ if f.rule == crate::model::rules::Rule::InternalError => true,
        Some(sev) if f.confidence == Some(crate::model::Confidence::Low) => match low {
            Some(low) => {
                f.severity = sev.min(low);
                true
            }
            None => false,
        },
        Some(sev) => {
            f.severity = sev;
            true
        }
        None => false,
    });
}

/// The exit code for a finished run.
pub fn exit_code(findings: &[Finding], deny_warnings: bool) -> u8 {
    if findings
        .iter()
        .any(|f| f.rule == crate::model::rules::Rule::InternalError)
    {
        EXIT_INCOMPLETE
    } else if findings.iter().any(|f| {
        f.severity == Severity::Error || (deny_warnings && f.severity == Severity::Warning)
    }) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Prints findings in the format chosen for a findings-producing command (`check`,
/// `validate`), to stdout. A closed pipe ends output quietly.
pub fn print_findings(
    cli: &Cli,
    reg: &Registry,
    findings: &[Finding],
    summary: &Summary,
) -> Result<(), Failure> {
    let format = cli.format.unwrap_or(Format::Human);
    let printer: Box<dyn Printer> = match format {
        Format::Human => Box::new(report::Human),
        Format::Json => Box::new(report::Json),
        Format::Sarif => Box::new(report::Sarif),
        Format::Github => Box::new(report::Github),
        Format::Concise => Box::new(report::Concise),
        Format::JsonLines => Box::new(report::JsonLines),
        Format::Gitlab => Box::new(report::Gitlab {
            registry: reg.file.clone(),
        }),
        Format::Junit => Box::new(report::Junit {
            registry: reg.file.clone(),
        }),
        other => {
            return Err(Failure::Usage(format!(
                "this command has no `--format {}` output; use human, concise, json, json-lines, sarif, github, gitlab or junit",
                other.name()
            )));
        }
    };
    let ctx = report::Context {
        root: reg.root.clone(),
        sources: [(reg.file.clone(), reg.source.clone())]
            .into_iter()
            .collect(),
        color: use_color(cli),
        quiet: cli.quiet,
        width: terminal_width(),
        cache: Default::default(),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let result = printer
        .print(&mut out, findings, summary, &ctx)
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// The repository root of a loaded registry, as a path to show.
pub fn root_of(reg: &Registry) -> PathBuf {
    reg.root.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rules::Rule;

    #[test]
    fn internal_error_cannot_be_switched_off() {
        let yaml = "services:\n  a: {}\nrules:\n  internal-error: off\n  parse-error: off\n";
        let reg = registry::load_str(yaml, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut findings = vec![
            Finding::new(Rule::InternalError, "x"),
            Finding::new(Rule::ParseError, "y"),
        ];
        apply_levels(&mut findings, &reg);
        assert_eq!(
            findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
            [Rule::InternalError]
        );
        assert_eq!(exit_code(&findings, false), EXIT_INCOMPLETE);
    }
}
