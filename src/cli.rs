//! The command line (clap derive): global options and subcommands.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit codes, shown in `--help` and the README.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  no finding at error level
  1  findings at error level (or warnings, with --deny-warnings)
  2  the registry could not be loaded, or the command line is wrong
  3  the run is incomplete: ownlint failed on some file (see `internal-error` findings)";

/// Enforce data ownership in multi-service monorepos.
///
/// ownlint reads `data-ownership.yaml` (which service owns which tables, publishes
/// which events, reads whose APIs), validates it, checks the code against it, and
/// plans releases from it.
#[derive(Debug, Parser)]
#[command(name = "ownlint", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// The registry file. Default: `data-ownership.yaml` (or `.yml`) in the current
    /// directory or its nearest ancestor; its directory is the repository root.
    #[arg(long, global = true, value_name = "PATH", env = "OWNLINT_REGISTRY")]
    pub registry: Option<PathBuf>,

    /// Output format. `check`/`validate`: human, json, sarif, github. `graph`: text,
    /// mermaid, dot, json. `waves`: text, markdown, json, mermaid.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// When to use colors in human output (`NO_COLOR` is respected with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only findings: no summary line.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Treat warnings as errors for the exit code.
    #[arg(long, global = true)]
    pub deny_warnings: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// Every output format of every command; each command accepts its own subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Text,
    Mermaid,
    Dot,
    Markdown,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Text => "text",
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Markdown => "markdown",
        }
    }
}

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
    Validate,
    /// Record every current finding in `ownlint-baseline.json`, so that `check`
    /// reports only new ones (adopt now, fix over time).
    Baseline(BaselineArgs),
    /// Print the JSON Schema of data-ownership.yaml (for editors).
    Schema(SchemaArgs),
    /// Explain a rule: what it finds, why it matters, an example, how to fix and
    /// suppress it. `--format markdown` or `json` for other renderings.
    Explain(ExplainArgs),
    /// List every rule: name, category, default severity, summary (`--format json`).
    Rules,
    /// Print a shell completion script to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout, e.g. `ownlint man > ownlint.1`.
    Man,
    /// Print the service dependency graph (API reads, events): text, mermaid, dot, json.
    Graph(GraphArgs),
    /// Plan release waves: leaf services first, each service after what it depends on.
    Waves(WavesArgs),
    /// Propose a data-ownership.yaml for an existing repository: services from project
    /// directories, table owners from the migrations and models in each service.
    ///
    /// A service is a directory directly below `services/`, `apps/` or
    /// `microservices/` that holds code, or elsewhere the outermost directory holding
    /// a Cargo.toml, package.json, pyproject.toml, setup.py, go.mod, pom.xml,
    /// build.gradle(.kts), Gemfile or *.csproj (nested projects and workspace members
    /// belong to it; the root, `libs/`, `packages/`, `tools/`, `vendor/` and the like
    /// hold none). A table goes to the service whose migrations create it, else to the
    /// one whose models map it; tables several services claim are left as comments to
    /// decide. Never overwrites a registry without --force.
    Init(InitArgs),
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

    #[command(flatten)]
    pub scan: ScanArgs,
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
    /// another's tables or code, coupling them behind the registry's back.
    #[arg(long)]
    pub observed: bool,

    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Args)]
pub struct WavesArgs {
    /// Order waves by events too (a consumer after the publisher), wherever that
    /// closes no cycle.
    #[arg(long)]
    pub include_events: bool,
}
