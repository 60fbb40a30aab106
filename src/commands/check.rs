//! `ownlint check [PATHS...]`: validate the registry and check the code against it.

use super::{Failure, apply_levels, exit_code, find_registry_near, print_findings};
use crate::baseline::{self, Baseline};
use crate::cli::{CheckArgs, Cli, ScanArgs};
use crate::model::AccessKind;
use crate::model::finding::{self, Finding};
use crate::registry::{self, ExceptionAccess, Registry, validate::today};
use crate::report::Summary;
use crate::scan;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<u8, Failure> {
    let started = Instant::now();
    let path = find_registry_near(cli, args.paths.first().map(PathBuf::as_path))?;
    // The walk needs only the registry's directory, so it lists the files while the
    // registry is read (a 50,000-table registry takes tens of milliseconds to parse,
    // on one core). `--changed-since` asks git instead, which needs the registry.
    let (root, file) = registry::root_and_file(&path);
    let early = match args.changed_since {
        None => targets(&root, &file, &args.paths).ok(),
        Some(ref rev) => {
            // Refused before the registry is read: the value must never reach git
            // as an option.
            revision(rev)?;
            None
        }
    };
    let walk = || {
        let targets = early.as_ref()?;
        let root = root.canonicalize().ok()?;
        Some(scan::walk::walk(&root, targets, args.scan.threads()))
    };
    let (listing, reg) = scan::beside(walk, || registry::load(&path));
    let reg = reg?;
    let targets = match &args.changed_since {
        Some(rev) => changed_since(&reg, rev)?,
        None => targets(&reg.root, &reg.file, &args.paths)?,
    };
    let listing = early.zip(listing);
    let run = collect_listed(&reg, &args.scan, targets, listing, false)?;
    let mut findings = run.findings;
    let mut summary = run.summary;
    if !args.no_baseline {
        let path = args
            .baseline
            .clone()
            .unwrap_or_else(|| reg.root.join(baseline::DEFAULT_FILE));
        let explicit = args.baseline.is_some();
        // A link in the baseline's place is refused, not passed over: it could hide
        // a baseline as much as lead out of the repository.
        if explicit || path.is_file() || crate::links::is_link(&path) {
            let root = reg.root.canonicalize().unwrap_or_else(|_| reg.root.clone());
            if let Ok(crate::links::Followed::Link { link, last: false }) =
                crate::links::follow(&root, &path)
            {
                return Err(Failure::Usage(format!(
                    "baseline {} goes through {}, a symbolic link, and links are never followed",
                    path.display(),
                    crate::scan::walk::relative(&root, &link)
                )));
            }
            let (base, text) = Baseline::read_with_text(&path).map_err(Failure::Usage)?;
            let shown = crate::scan::walk::relative(&reg.root, &path);
            let scope = run.scope;
            let applied = baseline::apply(&base, &shown, &text, findings, |p| {
                p == reg.file
                    || scope.as_ref().is_none_or(|dirs| {
                        dirs.iter().any(|d| crate::registry::paths::within(p, d))
                    })
            });
            findings = applied.findings;
            summary.baselined = Some(applied.baselined);
            // Stale entries point into the baseline file: keep its text for the report.
            apply_levels(&mut findings, &reg);
            finding::sort(&mut findings);
            summary.count(&findings);
        }
    }
    summary.duration_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    // The exit code and the summary count every finding; the report lists a bounded
    // number per file.
    let code = exit_code(&findings, cli.deny_warnings);
    if args.max_findings_per_file > 0 {
        crate::model::cap::per_file(&mut findings, args.max_findings_per_file);
    }
    print_findings(cli, &reg, &findings, &summary)?;
    // The process ends right after.
    crate::memory::at_exit((reg, findings));
    Ok(code)
}

/// The findings of one run, before any baseline.
pub struct Run {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Repo-relative paths the run scanned; `None` for the whole repository.
    pub scope: Option<Vec<String>>,
    /// The API and event edges the code shows (`crate::drift`), declared or not.
    pub edges: Vec<crate::drift::ObservedEdge>,
    /// What the code showed, one observation per place (`crate::drift`).
    pub observations: Vec<crate::drift::Observation>,
    /// The tsconfig `paths` aliases' targets, with the directory each applies to
    /// (`init` proposes them as published APIs; only from [`collect_for_init`]).
    pub aliases: Vec<(String, String)>,
    /// Services' code imported by files outside every service
    /// ([`scan::Scan::library_imports`]; only from [`collect_for_init`]).
    pub library_imports: Vec<(usize, String, String)>,
}

/// Validates the registry, scans `paths` (the whole repository when empty) and
/// applies exceptions and severities: everything `check` does but the baseline.
pub fn collect(reg: &Registry, args: &ScanArgs, paths: &[PathBuf]) -> Result<Run, Failure> {
    let targets = targets(&reg.root, &reg.file, paths)?;
    collect_listed(reg, args, targets, None, false)
}

/// Like [`collect`] over the whole repository, also gathering what `init` proposes
/// published APIs from ([`Run::aliases`], [`Run::library_imports`]).
pub fn collect_for_init(reg: &Registry, args: &ScanArgs) -> Result<Run, Failure> {
    let targets = targets(&reg.root, &reg.file, &[])?;
    collect_listed(reg, args, targets, None, true)
}

/// Like [`collect`], for absolute `targets` inside the root (from [`targets`]; none
/// checks the registry alone), with the walk already made when `listed` holds one
/// for the same targets.
fn collect_listed(
    reg: &Registry,
    args: &ScanArgs,
    targets: Vec<PathBuf>,
    listed: Option<(Vec<PathBuf>, scan::walk::Listing)>,
    for_init: bool,
) -> Result<Run, Failure> {
    let today = today();
    let root = reg.root.canonicalize().unwrap_or_else(|_| reg.root.clone());
    let scope = (!targets.contains(&root)).then(|| {
        targets
            .iter()
            .map(|t| crate::scan::walk::relative(&root, t))
            .collect::<Vec<_>>()
    });
    let listing = listed.and_then(|(walked, listing)| (walked == targets).then_some(listing));
    let opts = scan::Options {
        targets,
        max_file_size: args.max_file_size,
        threads: args.threads(),
        for_init,
    };
    // The registry's validation needs nothing of the scan: it runs beside the scan's
    // setup, which is serial.
    let (mut findings, scan) = scan::beside(
        || registry::validate(reg, &today),
        || {
            let hook = std::panic::take_hook();
            // A panic in one file's analysis is caught and reported as
            // `internal-error`; keep the default hook from printing a backtrace for it
            // in the middle of the report.
            std::panic::set_hook(Box::new(|_| {}));
            let scan = match listing {
                Some(listing) => scan::scan_listed(reg, &opts, listing),
                None => scan::scan(reg, &opts),
            };
            std::panic::set_hook(hook);
            scan
        },
    );
    // The rules that need every file (`crate::drift`); configuration edges join here.
    let drift = crate::drift::Drift::new(reg);
    let observations = scan.observations;
    let aliases = scan.aliases;
    let library_imports = scan.library_imports;
    let (drift_findings, edges) = crate::drift::after_scan(
        reg,
        &drift,
        &observations,
        &scan.config_edges,
        scope.is_none(),
    );
    let mut scanned = scan.findings;
    finding::join(&mut scanned, drift_findings);
    let (code_findings, excepted) = apply_exceptions(reg, scanned, &today);
    // The registry's findings first; most often there are none.
    finding::join(&mut findings, code_findings);
    apply_levels(&mut findings, reg);
    finding::sort(&mut findings);
    let mut summary = Summary::of(&findings);
    summary.files_scanned = Some(scan.stats.files_scanned);
    summary.files_parsed = Some(scan.stats.files_parsed);
    summary.files_skipped = Some(scan.stats.files_skipped);
    summary.suppressed = Some(scan.stats.suppressed);
    summary.excepted = Some(excepted);
    Ok(Run {
        findings,
        summary,
        scope,
        edges,
        observations,
        aliases,
        library_imports,
    })
}

/// Refuses a `--changed-since` value that git could read as an option
/// (`--output=FILE`, `--no-index`, `-R`...) or that is empty, with a usage error. It is
/// also passed after `--end-of-options`; this makes the refusal clear and early.
fn revision(rev: &str) -> Result<(), Failure> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(Failure::Usage(format!(
            "--changed-since needs a git revision such as `origin/main`, not `{rev}`: a value starting with `-` would be read by git as an option"
        )));
    }
    Ok(())
}

/// The files changed since `rev` (committed, staged or not), from `git diff`, as
/// [`targets`] gives them: the root alone when the registry itself changed (every file
/// may now break the rules), none when nothing under the root changed (the registry
/// is still validated).
fn changed_since(reg: &Registry, rev: &str) -> Result<Vec<PathBuf>, Failure> {
    revision(rev)?;
    let git = |args: &[&str]| -> Result<String, Failure> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&reg.root)
            .output()
            .map_err(|e| {
                Failure::Usage(format!(
                    "--changed-since needs git, which could not be run: {e}"
                ))
            })?;
        if !out.status.success() {
            let msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(Failure::Usage(format!(
                "--changed-since {rev}: git failed: {msg}"
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim());
    // The revision after `--end-of-options` (git 2.24 and later), and the paths after
    // `--`: git reads neither as an option nor the revision as a path.
    let names = git(&[
        "diff",
        "--name-only",
        "-z",
        "--diff-filter=ACMRT",
        "--end-of-options",
        rev,
        "--",
    ])?;
    let root = reg.root.canonicalize().unwrap_or_else(|_| reg.root.clone());
    let registry_file = root.join(&reg.file);
    let mut files = Vec::new();
    for name in names.split('\0').filter(|n| !n.is_empty()) {
        let abs = top.join(name);
        if abs == registry_file {
            return Ok(vec![root]);
        }
        // A changed link is kept: the walk reports it as it reports every link.
        if abs.starts_with(&root) && (abs.is_file() || crate::links::is_link(&abs)) {
            files.push(abs);
        }
    }
    if files.is_empty() {
        return Ok(files);
    }
    targets(&root, &reg.file, &files)
}

/// The absolute paths to scan: the root, or the arguments (which must lie inside it).
/// `root` is the registry's directory and `file` its name.
///
/// An argument is resolved under the one rule for links (see [`crate::links`]):
/// links inside the repository are never followed. An argument that is itself such
/// a link is kept as it is, so the walk reports it as it reports every link; one that
/// goes through such a link to reach a file is refused. Links on the way to the
/// repository are followed as usual.
fn targets(root: &Path, file: &str, paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let shown = root;
    let root = root.canonicalize().map_err(|e| {
        Failure::Usage(format!(
            "cannot open the repository root {}: {e}",
            shown.display()
        ))
    })?;
    let registry_file = root.join(file);
    if paths.is_empty() {
        return Ok(vec![root]);
    }
    let resolved = paths
        .iter()
        .map(|p| resolve(&root, p))
        .collect::<Result<Vec<_>, _>>()?;
    // A change to the registry can affect any file: check the whole repository.
    if resolved.contains(&registry_file) {
        return Ok(vec![root]);
    }
    Ok(resolved)
}

/// `path` made absolute without following any link inside `root` (see [`targets`]).
fn resolve(root: &Path, path: &Path) -> Result<PathBuf, Failure> {
    use crate::links::Followed;
    let followed = crate::links::follow(root, path)
        .map_err(|e| Failure::Usage(format!("cannot check {}: {e}", path.display())))?;
    match followed {
        Followed::Plain(abs) if abs.starts_with(root) => Ok(abs),
        Followed::Plain(_) => Err(Failure::Usage(format!(
            "{} is outside the repository root {} (the directory of the registry)",
            path.display(),
            root.display()
        ))),
        // The argument is a link of the repository: the walk reports it.
        Followed::Link { link, last: true } => Ok(link),
        Followed::Link { link, last: false } => {
            let leads = if link.canonicalize().is_ok_and(|t| t.starts_with(root)) {
                "inside the repository"
            } else {
                "outside the repository"
            };
            Err(Failure::Usage(format!(
                "cannot check {}: it goes through {}, a symbolic link that leads {leads}, and links are never followed",
                path.display(),
                crate::scan::walk::relative(root, &link)
            )))
        }
    }
}

/// Drops findings a registry exception covers; returns the rest and how many were
/// dropped. Expired exceptions cover nothing (validation reports them).
fn apply_exceptions(reg: &Registry, findings: Vec<Finding>, today: &str) -> (Vec<Finding>, usize) {
    let active: Vec<_> = reg
        .exceptions
        .iter()
        .filter(|e| e.expires.as_ref().is_none_or(|d| d.value.as_str() >= today))
        .collect();
    if active.is_empty() {
        return (findings, 0);
    }
    let before = findings.len();
    let kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| !active.iter().any(|e| covers(e, f)))
        .collect();
    let dropped = before - kept.len();
    (kept, dropped)
}

fn covers(e: &registry::Exception, f: &Finding) -> bool {
    use crate::model::rules::Rule;
    match f.rule {
        Rule::SharedDatabaseCredentials => {
            return f.service.as_deref() == Some(e.service.value.as_str())
                && e.database
                    .as_ref()
                    .is_some_and(|d| crate::deploy::credentials::concerns(f, &d.value));
        }
        Rule::UndeclaredApiDependency => {
            return f.service.as_deref() == Some(e.service.value.as_str())
                && e.api.as_ref().map(|a| Some(a.value.as_str())) == Some(f.owner.as_deref());
        }
        Rule::UndeclaredEvent => {
            return f.service.as_deref() == Some(e.service.value.as_str())
                && e.event.as_ref().is_some_and(|w| {
                    crate::drift::event_key(&w.value) == crate::drift::event_key(&f.subject)
                });
        }
        _ => {}
    }
    let (Some(service), Some(kind)) = (&f.service, f.access) else {
        return false;
    };
    if *service != e.service.value {
        return false;
    }
    let subject_ok = match kind {
        AccessKind::Import => e.import.as_ref().is_some_and(|i| {
            f.import.as_deref().is_some_and(|m| {
                m == i.value
                    || m.starts_with(&format!("{}::", i.value))
                    || m.starts_with(&format!("{}/", i.value))
                    || m.starts_with(&format!("{}.", i.value))
            })
        }),
        _ => e.table.as_ref().is_some_and(|t| {
            let want = t.value.to_lowercase();
            let want = want.rsplit('.').next().unwrap_or(&want);
            f.table.as_deref() == Some(want)
        }),
    };
    let kind_ok = e.access.is_empty() || e.access.iter().any(|a| access_matches(*a, kind));
    subject_ok && kind_ok
}

fn access_matches(a: ExceptionAccess, k: AccessKind) -> bool {
    matches!(
        (a, k),
        (ExceptionAccess::Read, AccessKind::Read)
            | (ExceptionAccess::Write, AccessKind::Write)
            | (ExceptionAccess::Ddl, AccessKind::Ddl)
            | (ExceptionAccess::Model, AccessKind::Model)
            | (ExceptionAccess::ForeignKey, AccessKind::ForeignKey)
            | (ExceptionAccess::Import, AccessKind::Import)
    )
}
