//! `ownlint check [PATHS...]`: validate the registry and check the code against it.

use super::{Failure, apply_levels, exit_code, load_registry, print_findings};
use crate::cli::{CheckArgs, Cli};
use crate::finding::{self, Finding};
use crate::registry::{self, ExceptionAccess, Registry, validate::today};
use crate::report::Summary;
use crate::scan::{self, AccessKind};
use std::path::PathBuf;
use std::time::Instant;

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<u8, Failure> {
    let started = Instant::now();
    let reg = load_registry(cli)?;
    let today = today();
    let mut findings = registry::validate(&reg, &today);
    let opts = scan::Options {
        targets: targets(&reg, &args.paths)?,
        max_file_size: args.max_file_size,
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    };
    let hook = std::panic::take_hook();
    // A panic in one file's analysis is caught and reported as `internal-error`; keep
    // the default hook from printing a backtrace for it in the middle of the report.
    std::panic::set_hook(Box::new(|_| {}));
    let scan = scan::scan(&reg, &opts);
    std::panic::set_hook(hook);
    let (mut code_findings, excepted) = apply_exceptions(&reg, scan.findings, &today);
    findings.append(&mut code_findings);
    apply_levels(&mut findings, &reg);
    finding::sort(&mut findings);
    let mut summary = Summary::of(&findings);
    summary.files_scanned = Some(scan.stats.files_scanned);
    summary.files_parsed = Some(scan.stats.files_parsed);
    summary.files_skipped = Some(scan.stats.files_skipped);
    summary.suppressed = Some(scan.stats.suppressed);
    summary.excepted = Some(excepted);
    summary.duration_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    print_findings(cli, &reg, &findings, &summary)?;
    Ok(exit_code(&findings, cli.deny_warnings))
}

/// The absolute paths to scan: the root, or the arguments (which must lie inside it).
fn targets(reg: &Registry, paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let root = reg.root.canonicalize().map_err(|e| {
        Failure::Usage(format!(
            "cannot open the repository root {}: {e}",
            reg.root.display()
        ))
    })?;
    if paths.is_empty() {
        return Ok(vec![root]);
    }
    paths
        .iter()
        .map(|p| {
            let abs = p
                .canonicalize()
                .map_err(|e| Failure::Usage(format!("cannot check {}: {e}", p.display())))?;
            if !abs.starts_with(&root) {
                return Err(Failure::Usage(format!(
                    "{} is outside the repository root {} (the directory of the registry)",
                    p.display(),
                    root.display()
                )));
            }
            Ok(abs)
        })
        .collect()
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
