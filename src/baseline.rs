//! The baseline: adopt ownlint in a repository that already breaks the rules.
//!
//! `ownlint-baseline.json` records current findings by their stable fingerprint
//! (rule, service, subject, path and the normalized source line; never the line
//! number), so moving code keeps them recorded. `check` hides recorded findings and
//! reports entries that no longer occur as `stale-baseline`, so the file can only
//! shrink. As in pks, staleness is judged only for files this run looked at.

use crate::finding::{Finding, Loc};
use crate::rules::Rule;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The default baseline file name, at the repository root.
pub const DEFAULT_FILE: &str = "ownlint-baseline.json";

/// The baseline file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub fingerprint: String,
    /// The finding's message when recorded, for people reading the file.
    pub message: String,
}

/// Rules that are never recorded: they describe the run, not the code.
fn recordable(rule: Rule) -> bool {
    !matches!(rule, Rule::StaleBaseline | Rule::InternalError)
}

impl Baseline {
    /// A baseline of `findings`, sorted so diffs stay readable.
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .filter(|f| recordable(f.rule))
            .map(|f| Entry {
                path: f.path().unwrap_or("").to_string(),
                rule: f.rule.name().to_string(),
                subject: f.subject.clone(),
                service: f.service.clone(),
                fingerprint: f.fingerprint(),
                message: f.message.clone(),
            })
            .collect();
        entries.sort();
        Baseline {
            version: 1,
            entries,
        }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        // A named pipe or device would block: only regular files.
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!("baseline {} is not a regular file", path.display()));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("invalid baseline {}: {e}", path.display()))
    }

    /// Writes the baseline atomically (a temporary file renamed over the target), so
    /// an interrupted write leaves the old file intact.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        text.push('\n');
        write_atomic(path, text.as_bytes())
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    // Keep the mode of the file being replaced (tempfile creates 0600); a new file
    // gets the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    tmp.persist(path)
        .map_err(|e| format!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct Applied {
    pub findings: Vec<Finding>,
    pub baselined: usize,
}

/// Hides recorded findings and adds a `stale-baseline` finding for each entry that
/// no longer occurs, among the entries `in_scope` says this run could see.
pub fn apply(
    baseline: &Baseline,
    baseline_path: &str,
    baseline_text: &str,
    findings: Vec<Finding>,
    in_scope: impl Fn(&str) -> bool,
) -> Applied {
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for e in &baseline.entries {
        *remaining.entry(e.fingerprint.as_str()).or_default() += 1;
    }
    let mut out = Applied::default();
    for f in findings {
        let fp = f.fingerprint();
        match remaining.get_mut(fp.as_str()) {
            Some(n) if *n > 0 && recordable(f.rule) => {
                *n -= 1;
                out.baselined += 1;
            }
            _ => out.findings.push(f),
        }
    }
    for e in &baseline.entries {
        let Some(n) = remaining.get_mut(e.fingerprint.as_str()) else {
            continue;
        };
        if *n == 0 || !in_scope(&e.path) {
            continue;
        }
        *n -= 1;
        let offset = baseline_text.find(&e.fingerprint).unwrap_or(0);
        let loc = Loc::at(baseline_text, offset, e.fingerprint.len());
        let mut f = Finding::new(
            Rule::StaleBaseline,
            format!(
                "baseline entry for `{}` ({}) in `{}` no longer occurs",
                e.subject, e.rule, e.path
            ),
        )
        .at(
            baseline_path,
            baseline_text,
            loc.offset,
            loc.len,
            "recorded here",
        )
        .help(
            "the recorded finding is fixed: run `ownlint baseline --update` to shrink the baseline",
        )
        .subject(&e.fingerprint);
        if let Some(s) = &e.service {
            f = f.service(s);
        }
        out.findings.push(f);
    }
    out
}
