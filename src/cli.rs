//! The command line (clap derive): subcommands and the options each takes.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit codes, shown in `--help` and the README.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  no finding at error level
  1  findings at error level (or warnings, with --deny-warnings)
  2  the registry could not be loaded, or the command line is wrong
  3  the run is incomplete: ownlint failed on some file (see `internal-error` findings)";

/// Where the registry is looked for: said once, here, and repeated word for word by the
/// README and docs/registry.md (a test holds them to it).
pub const REGISTRY_LOOKUP: &str = "The registry file. Default: `data-ownership.yaml`, then `data-ownership.yml`, in the first path argument's directory, the current directory, or their nearest ancestor; the registry's directory is the repository root.";

/// Enforce data ownership in multi-service monorepos.
///
/// ownlint reads `data-ownership.yaml` (which service owns which tables, publishes
/// which events, reads whose APIs), validates it, checks the code against it, and
/// plans releases from it. Each command's `--help` lists the options it takes.
#[derive(Debug, Parser)]
#[command(name = "ownlint", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct CliArgs {
    /// Options given before the command, accepted for scripts written that way and
    /// hidden from help: each belongs after the command that takes it.
    #[command(flatten)]
    pub before: Before,

    #[command(subcommand)]
    pub command: Command,
}

/// The options once given before the command (`ownlint --format json check`).
#[derive(Debug, Args)]
pub struct Before {
    #[arg(long = "registry", hide = true, value_name = "PATH")]
    pub registry: Option<PathBuf>,
    #[arg(long = "format", hide = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    #[arg(long = "color", hide = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
    #[arg(long = "quiet", short = 'q', hide = true)]
    pub quiet: bool,
    #[arg(long = "deny-warnings", hide = true)]
    pub deny_warnings: bool,
}

/// The command line as the commands see it: the command and its common options, each
/// taken from after the command, else from before it.
#[derive(Debug)]
pub struct Cli {
    pub registry: Option<PathBuf>,
    pub format: Option<Format>,
    pub color: ColorChoice,
    pub quiet: bool,
    pub deny_warnings: bool,
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments. An option given before a command that does not
    /// take it is a usage error, as it would be after the command; `--color` is the
    /// exception, since every command's errors are rendered in color.
    pub fn try_parse() -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::env::args_os())
    }

    /// [`Cli::try_parse`] over the given arguments (the first is the program name).
    pub fn try_parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let raw = CliArgs::try_parse_from(args)?;
        let own = raw.command.options();
        let b = raw.before;
        let given_before = [
            ("--registry", b.registry.is_some(), own.registry.is_some()),
            ("--format", b.format.is_some(), own.format.is_some()),
            ("--quiet", b.quiet, own.quiet.is_some()),
            (
                "--deny-warnings",
                b.deny_warnings,
                own.deny_warnings.is_some(),
            ),
        ];
        if let Some((name, _, _)) = given_before
            .iter()
            .find(|(_, given, takes)| *given && !takes)
        {
            let mut cmd = <CliArgs as clap::CommandFactory>::command();
            return Err(cmd.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "`{name}` does not apply to `ownlint {}`",
                    raw.command.name()
                ),
            ));
        }
        Ok(Cli {
            registry: own.registry.flatten().or(b.registry),
            format: own.format.flatten().or(b.format),
            color: own.color.flatten().or(b.color).unwrap_or(ColorChoice::Auto),
            quiet: own.quiet.unwrap_or(false) || b.quiet,
            deny_warnings: own.deny_warnings.unwrap_or(false) || b.deny_warnings,
            command: raw.command,
        })
    }
}

/// The common options a command takes: `None` when it does not take one, `Some` of
/// the value given after it when it does.
#[derive(Default)]
struct Own {
    registry: Option<Option<PathBuf>>,
    format: Option<Option<Format>>,
    color: Option<Option<ColorChoice>>,
    quiet: Option<bool>,
    deny_warnings: Option<bool>,
}

impl Own {
    fn registry(mut self, r: &RegistryOpt) -> Own {
        self.registry = Some(r.registry.clone());
        self
    }
    fn format(mut self, f: Option<Format>) -> Own {
        self.format = Some(f);
        self
    }
    fn printing(mut self, o: &PrintOpts) -> Own {
        self.color = Some(o.color);
        self.quiet = Some(o.quiet);
        self
    }
    fn gate(mut self, g: &GateOpt) -> Own {
        self.deny_warnings = Some(g.deny_warnings);
        self
    }
}

/// `--registry`, for the commands that read the registry.
#[derive(Debug, Args)]
pub struct RegistryOpt {
    #[arg(long, value_name = "PATH", env = "OWNLINT_REGISTRY", help = REGISTRY_LOOKUP)]
    pub registry: Option<PathBuf>,
}

/// `--color` and `--quiet`, for the commands that print findings or a summary.
#[derive(Debug, Args)]
pub struct PrintOpts {
    /// When to use colors in human output (`NO_COLOR` is respected with `auto`).
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,

    /// Print only findings: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--deny-warnings`, for the commands whose exit code reflects findings.
#[derive(Debug, Args)]
pub struct GateOpt {
    /// Treat warnings as errors for the exit code.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// A `--format` value parser that accepts only the formats one command writes, so its
/// `--help` and its error message list exactly those.
fn formats(allowed: &'static [Format]) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(allowed.iter().map(|f| f.name())).try_map(
        move |name: String| {
            allowed
                .iter()
                .copied()
                .find(|f| f.name() == name)
                .ok_or_else(|| format!("unknown format `{name}`"))
        },
    )
}

const FINDINGS_FORMATS: &[Format] = &[
    Format::Human,
    Format::Concise,
    Format::Json,
    Format::JsonLines,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
];
const GRAPH_FORMATS: &[Format] = &[Format::Text, Format::Mermaid, Format::Dot, Format::Json];
const WAVES_FORMATS: &[Format] = &[
    Format::Text,
    Format::Markdown,
    Format::Json,
    Format::Mermaid,
];
const EXPLAIN_FORMATS: &[Format] = &[Format::Text, Format::Markdown, Format::Json];
const RULES_FORMATS: &[Format] = &[Format::Text, Format::Json];
const INIT_FORMATS: &[Format] = &[Format::Text, Format::Json];

/// Every output format of every command; each command accepts its own subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    JsonLines,
    Sarif,
    Github,
    Gitlab,
    Junit,
    Text,
    Mermaid,
    Dot,
    Markdown,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::JsonLines => "json-lines",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
            Format::Text => "text",
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Markdown => "markdown",
        }
    }
}

/// When human output is colored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the code against the registry (and validate the registry).
    ///
    /// With PATHS, only those files and directories are scanned (pre-commit passes
    /// the changed files); the registry is always validated.
    Check(CheckArgs),
    /// Validate the registry: owners, services, events, cycles, paths, exceptions.
    Validate(ValidateArgs),
    /// Record every current finding in `ownlint-baseline.json`, so that `check`
    /// reports only new ones (adopt now, fix over time).
    Baseline(BaselineArgs),
    /// Print the JSON Schema of data-ownership.yaml (for editors).
    Schema(SchemaArgs),
    /// Explain a rule: what it finds, why it matters, an example, how to fix and
    /// suppress it. `--format markdown` or `json` for other renderings.
    Explain(ExplainArgs),
    /// List every rule: name, category, default severity, summary (`--format json`).
    Rules(RulesArgs),
    /// Print a shell completion script to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout, e.g. `ownlint man > ownlint.1`.
    Man,
    /// Print the service dependency graph (API reads, events): text, mermaid, dot, json.
    Graph(GraphArgs),
    /// Plan release waves: leaf services first, each service after what it depends on.
    Waves(WavesArgs),
    /// Propose a data-ownership.yaml for an existing repository: services from what is
    /// deployed or runs, databases from connection strings, table owners from the
    /// migrations and models in each service.
    ///
    /// A service is a directory with a Dockerfile, a compose build, an entry point
    /// (`package main`, Program.cs, @SpringBootApplication, a [[bin]], a `start`
    /// script) or migrations, counted at its project (the directory holding a
    /// Cargo.toml, package.json, go.mod, pom.xml, *.csproj, …), or a directory below
    /// `services/`, `apps/` or `microservices/`. Sibling projects that deploy together
    /// (X.API, X.Domain, X.Infrastructure) are one service; libraries, test projects
    /// and templates are left out, with a comment. A table goes to the service whose
    /// migrations create it, else to the one whose models map it; what is left to
    /// decide is said so in comments. The proposal is validated before it is written
    /// and never overwrites a registry without --force. See docs/init.md.
    Init(InitArgs),
}

impl Command {
    /// The command's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Check(_) => "check",
            Command::Validate(_) => "validate",
            Command::Baseline(_) => "baseline",
            Command::Schema(_) => "schema",
            Command::Explain(_) => "explain",
            Command::Rules(_) => "rules",
            Command::Completions(_) => "completions",
            Command::Man => "man",
            Command::Graph(_) => "graph",
            Command::Waves(_) => "waves",
            Command::Init(_) => "init",
        }
    }

    /// The common options this command takes, with the values given after it.
    fn options(&self) -> Own {
        let own = Own::default();
        match self {
            Command::Check(CheckArgs { report: r, .. })
            | Command::Validate(ValidateArgs { report: r }) => own
                .registry(&r.registry)
                .format(r.format)
                .printing(&r.printing)
                .gate(&r.gate),
            Command::Baseline(a) => own.registry(&a.registry).printing(&a.printing),
            Command::Graph(a) => own
                .registry(&a.registry)
                .format(a.format)
                .printing(&a.printing),
            Command::Waves(a) => own
                .registry(&a.registry)
                .format(a.format)
                .printing(&a.printing)
                .gate(&a.gate),
            Command::Init(a) => own.format(a.format).printing(&a.printing),
            Command::Explain(a) => own.format(a.format),
            Command::Rules(a) => own.format(a.format),
            Command::Schema(_) | Command::Completions(_) | Command::Man => own,
        }
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to look at (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Where to write the registry (default: data-ownership.yaml in DIR, or the
    /// data-ownership.yml already there).
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Replace an existing registry.
    #[arg(long)]
    pub force: bool,

    /// Print the registry to stdout and write nothing (the summary goes to stderr).
    #[arg(long, visible_alias = "dry-run", conflicts_with_all = ["output", "force"])]
    pub stdout: bool,

    /// What to print: `text` (the summary on stderr; the default) or `json` (the
    /// proposal and the registry text as one JSON object on stdout, for tools).
    #[arg(long, value_name = "FORMAT", value_parser = formats(INIT_FORMATS))]
    pub format: Option<Format>,

    #[command(flatten)]
    pub scan: ScanArgs,

    #[command(flatten)]
    pub printing: PrintOpts,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule to explain (`ownlint rules` lists them).
    #[arg(
        value_name = "RULE",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub rule: Option<String>,
    /// Explain every rule (`--format markdown` renders docs/rules.md).
    #[arg(long)]
    pub all: bool,

    /// Output format (default: text).
    #[arg(long, value_name = "FORMAT", value_parser = formats(EXPLAIN_FORMATS))]
    pub format: Option<Format>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::aot::Shell,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print the schema of the JSON report instead of the registry's.
    #[arg(long)]
    pub report: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (default: the whole repository).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub scan: ScanArgs,

    /// The baseline file (default: `ownlint-baseline.json` at the repository root,
    /// used when it exists).
    #[arg(long, value_name = "PATH", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,

    /// Ignore the baseline: report every finding.
    #[arg(long)]
    pub no_baseline: bool,

    /// Check only files changed since this git revision (e.g. `origin/main`), plus the
    /// registry. When the registry itself changed, the whole repository is checked.
    #[arg(long, value_name = "REV", conflicts_with = "paths")]
    pub changed_since: Option<String>,

    /// List at most this many findings per file; the rest of a file are counted in one
    /// `too-many-findings` finding (the summary and the exit code count them all).
    /// 0 lists every finding.
    #[arg(long, value_name = "N", default_value_t = crate::model::cap::MAX_PER_FILE)]
    pub max_findings_per_file: usize,

    #[command(flatten)]
    pub report: FindingsOpts,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub report: FindingsOpts,
}

/// The options of the commands that report findings (`check`, `validate`).
#[derive(Debug, Args)]
pub struct FindingsOpts {
    #[command(flatten)]
    pub registry: RegistryOpt,

    /// Output format (default: human).
    #[arg(long, value_name = "FORMAT", value_parser = formats(FINDINGS_FORMATS))]
    pub format: Option<Format>,

    #[command(flatten)]
    pub printing: PrintOpts,

    #[command(flatten)]
    pub gate: GateOpt,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format (default: text).
    #[arg(long, value_name = "FORMAT", value_parser = formats(RULES_FORMATS))]
    pub format: Option<Format>,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Where to write the baseline (default: `ownlint-baseline.json` at the
    /// repository root).
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Replace an existing baseline.
    #[arg(long)]
    pub update: bool,

    #[command(flatten)]
    pub scan: ScanArgs,

    #[command(flatten)]
    pub registry: RegistryOpt,

    #[command(flatten)]
    pub printing: PrintOpts,
}

/// How files are scanned (shared by `check`, `baseline` and `init`).
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Do not analyse files larger than this many bytes (each is a `skipped-file`
    /// finding, an error by default).
    #[arg(long, value_name = "BYTES", default_value_t = crate::scan::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

    /// Worker threads (default: the number of cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

impl ScanArgs {
    /// The worker threads to run: `--threads`, else one per core.
    pub fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Show only SERVICE, everything it depends on and everything that depends on it
    /// (transitively).
    #[arg(long, value_name = "SERVICE")]
    pub focus: Option<String>,

    /// With --focus: follow at most N edges away from SERVICE.
    #[arg(long, value_name = "N", requires = "focus")]
    pub depth: Option<usize>,

    /// With --focus: only the services that depend on SERVICE (the blast radius of
    /// changing it).
    #[arg(long, requires = "focus")]
    pub reverse: bool,

    /// Also draw observed edges: where `check` finds code of one service touching
    /// another's tables or code, calling its API or consuming its events, coupling
    /// them behind the registry's back.
    #[arg(long)]
    pub observed: bool,

    #[command(flatten)]
    pub scan: ScanArgs,

    #[command(flatten)]
    pub registry: RegistryOpt,

    /// Output format (default: text).
    #[arg(long, value_name = "FORMAT", value_parser = formats(GRAPH_FORMATS))]
    pub format: Option<Format>,

    #[command(flatten)]
    pub printing: PrintOpts,
}

#[derive(Debug, Args)]
pub struct WavesArgs {
    /// Order waves by events too (a consumer after the publisher), wherever that
    /// closes no cycle.
    #[arg(long)]
    pub include_events: bool,

    /// Also plan from what the code shows (API calls and events it makes that the
    /// registry does not declare, declared API reads it never makes) and say where
    /// that plan differs from the registry's. Reads the whole repository.
    #[arg(long)]
    pub observed: bool,

    #[command(flatten)]
    pub scan: ScanArgs,

    #[command(flatten)]
    pub registry: RegistryOpt,

    /// Output format (default: text).
    #[arg(long, value_name = "FORMAT", value_parser = formats(WAVES_FORMATS))]
    pub format: Option<Format>,

    #[command(flatten)]
    pub printing: PrintOpts,

    #[command(flatten)]
    pub gate: GateOpt,
}
