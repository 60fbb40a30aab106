//! The baseline: adopt ownlint in a repository that already breaks the rules.
//!
//! `ownlint-baseline.json` records current findings by their stable fingerprint
//! (rule, service, subject, path and the normalized source line; never the line
//! number), so moving code keeps them recorded. `check` hides recorded findings and
//! reports entries that no longer occur as `stale-baseline`, so the file can only
//! shrink. As in pks, staleness is judged only for files this run looked at.

use crate::model::finding::{Finding, LineIndex};
use crate::model::rules::Rule;
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
        Baseline::read_with_text(path).map(|(baseline, _)| baseline)
    }

    /// Reads a baseline file, and returns its text too (stale entries point into it).
    ///
    /// A link is refused, not followed (see [`crate::links`]), and so is anything but
    /// a regular file (a named pipe or device would block). The file is read once:
    /// what is parsed is what the report points into.
    pub fn read_with_text(path: &Path) -> Result<(Baseline, String), String> {
        use std::io::Read;
        let shown = path.display();
        let (file, _) = crate::links::open_file(path).map_err(|refusal| match refusal {
            crate::links::Refusal::Link => format!(
                "baseline {shown} is a symbolic link, and links are never followed (a link could lead out of the repository): commit the baseline itself"
            ),
            crate::links::Refusal::Io(e) => format!("cannot read baseline {shown}: {e}"),
            _ => format!("baseline {shown} is not a regular file"),
        })?;
        let mut text = String::new();
        (&file)
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read baseline {shown}: {e}"))?;
        let baseline = serde_json::from_str(&text).map_err(|e| {
            let message = e.to_string();
            let at = format!(" at line {} column {}", e.line(), e.column());
            let message = message.strip_suffix(&at).unwrap_or(&message);
            format!(
                "invalid baseline {shown}: {} (line {}, column {})",
                shortened(message),
                e.line(),
                e.column()
            )
        })?;
        Ok((baseline, text))
    }

    /// Writes the baseline atomically (a temporary file renamed over the target), so
    /// an interrupted write leaves the old file intact; an existing file is replaced
    /// only when `replace` (`--update`) says so.
    pub fn write(&self, path: &Path, replace: bool) -> Result<(), String> {
        write_atomic(path, replace, |out| {
            serde_json::to_writer_pretty(&mut *out, self)?;
            out.write_all(b"\n")
        })
    }
}

/// Writes `path` with what `content` writes, through a temporary file in the same
/// directory that is synced and then renamed over `path`. Until the rename the old
/// file is untouched, so a write that fails, panics or is killed midway leaves it
/// byte for byte as it was; a failure or panic also removes the temporary file (a
/// killed process cannot, and may leave a `.tmp*` file beside the target). Every
/// command that writes a file the user keeps (`baseline`, `init`) goes through here.
///
/// Without `replace` the rename itself refuses an existing target: the commands'
/// own "already exists" check runs before the scan, and a file created meanwhile
/// must not be overwritten either.
pub fn write_atomic(
    path: &Path,
    replace: bool,
    content: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    let mut out = std::io::BufWriter::new(tmp.as_file_mut());
    content(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    drop(out);
    tmp.as_file()
        .sync_all()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    // Keep the mode of the file being replaced (tempfile creates 0600); a new file
    // gets the usual 0644, and so does one replacing a link (the rename replaces the
    // link itself, never writes through it; its target's mode is not copied).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::symlink_metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let persisted = if replace {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} was created while ownlint was running; it was left as it is and nothing was written",
            path.display()
        ),
        _ => format!("cannot write {}: {}", path.display(), e.error),
    })?;
    Ok(())
}

/// The longest parser message quoted whole: serde's messages quote the value they
/// refuse, which may be a whole line of a hand-edited file.
const MAX_MESSAGE: usize = 300;

/// `message`, cut after [`MAX_MESSAGE`] bytes (at a character boundary) with `…`.
fn shortened(message: &str) -> String {
    if message.len() <= MAX_MESSAGE {
        return message.to_string();
    }
    let mut end = MAX_MESSAGE;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &message[..end])
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
    let index = LineIndex::new(baseline_text);
    let mut recorded = fingerprint_offsets(baseline_text);
    for e in &baseline.entries {
        let Some(n) = remaining.get_mut(e.fingerprint.as_str()) else {
            continue;
        };
        if *n == 0 || !in_scope(&e.path) {
            continue;
        }
        *n -= 1;
        // The entry's own place in the file, in the file's order; the start of the
        // file when its fingerprint is not written plainly (escapes).
        let (offset, len) = recorded
            .get_mut(e.fingerprint.as_str())
            .and_then(Vec::pop)
            .map_or((0, 0), |offset| (offset, e.fingerprint.len()));
        let mut f = Finding::new(
            Rule::StaleBaseline,
            format!(
                "baseline entry for `{}` ({}) in `{}` no longer occurs",
                e.subject, e.rule, e.path
            ),
        )
        .at_indexed(
            baseline_path,
            baseline_text,
            &index,
            offset,
            len,
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

/// Where each `"fingerprint": "VALUE"` of the baseline's text stands, by value: the
/// offsets of the value (without its quotes), last first, so that popping gives them
/// in the file's order. One pass over the text, so that reporting every entry as
/// stale stays linear in the file's size (searching the text per stale entry was
/// quadratic: 10,000 stale entries took 11 s). Only values written without escapes
/// are found; an entry whose value is not gets the file's start.
fn fingerprint_offsets(text: &str) -> HashMap<&str, Vec<usize>> {
    const KEY: &str = "\"fingerprint\"";
    let mut offsets: HashMap<&str, Vec<usize>> = HashMap::new();
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices(KEY) {
        let mut i = at + KEY.len();
        let skip = |mut i: usize| {
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            i
        };
        i = skip(i);
        if bytes.get(i) != Some(&b':') {
            continue;
        }
        i = skip(i + 1);
        if bytes.get(i) != Some(&b'"') {
            continue;
        }
        let start = i + 1;
        let Some(len) = bytes[start..].iter().position(|&b| b == b'"' || b == b'\\') else {
            continue;
        };
        if bytes[start + len] == b'"' {
            offsets
                .entry(&text[start..start + len])
                .or_default()
                .push(start);
        }
    }
    for list in offsets.values_mut() {
        list.reverse();
    }
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory holding `ownlint-baseline.json` with bytes that are not even text,
    /// so "intact" means byte for byte.
    fn existing() -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(DEFAULT_FILE);
        let old = b"{\"version\": 1, \"entries\": []}\n\0\xff old".to_vec();
        std::fs::write(&path, &old).unwrap_or_else(|e| panic!("{e}"));
        (dir, path, old)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|e| e.map_or_else(|e| panic!("{e}"), |e| e.file_name()))
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_that_fails_midway_leaves_the_old_file_and_no_temporary_file() {
        let (dir, path, old) = existing();
        let result = write_atomic(&path, true, |out| {
            // More than the buffer holds, so part of it reached the temporary file.
            out.write_all(&[b'x'; 100_000])?;
            Err(std::io::Error::other("disk full"))
        });
        let err = result
            .err()
            .unwrap_or_else(|| panic!("the failure is reported"));
        assert!(
            err.contains("disk full") && err.contains(DEFAULT_FILE),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap_or_default(), old);
        assert_eq!(names(dir.path()), [DEFAULT_FILE]);
    }

    #[test]
    fn a_write_that_panics_midway_leaves_the_old_file_and_no_temporary_file() {
        let (dir, path, old) = existing();
        let panicked = std::panic::catch_unwind(|| {
            write_atomic(&path, true, |out| {
                out.write_all(&[b'x'; 100_000])?;
                panic!("interrupted")
            })
        });
        assert!(panicked.is_err());
        assert_eq!(std::fs::read(&path).unwrap_or_default(), old);
        assert_eq!(names(dir.path()), [DEFAULT_FILE]);
    }

    #[test]
    fn a_complete_write_replaces_the_file_and_reads_back() {
        let (dir, path, _) = existing();
        let finding = Finding::new(Rule::CrossServiceRead, "reads `users`").subject("users");
        let base = Baseline::of(&[finding]);
        base.write(&path, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Baseline::read(&path), Ok(base));
        assert_eq!(names(dir.path()), [DEFAULT_FILE]);
    }

    fn entry(fingerprint: &str) -> Entry {
        Entry {
            path: "services/orders/q.sql".to_string(),
            rule: "cross-service-read".to_string(),
            subject: "users".to_string(),
            service: Some("order-service".to_string()),
            fingerprint: fingerprint.to_string(),
            message: "reads `users`".to_string(),
        }
    }

    /// Every stale entry is reported once, at its own fingerprint, in the file's
    /// order: 100,000 of them end quickly even in a debug build (applying them was
    /// quadratic; see docs/performance.md for the times).
    #[test]
    fn a_baseline_of_100000_stale_entries_is_applied_entry_by_entry() {
        let base = Baseline {
            version: 1,
            entries: (0..100_000).map(|i| entry(&format!("{i:016x}"))).collect(),
        };
        let text = serde_json::to_string_pretty(&base).unwrap_or_default();
        let live = Finding::new(Rule::CrossServiceRead, "reads `users`").subject("users");
        let applied = apply(&base, DEFAULT_FILE, &text, vec![live], |_| true);
        assert_eq!(applied.baselined, 0);
        assert_eq!(applied.findings.len(), 100_001);
        let stale: Vec<&Finding> = applied
            .findings
            .iter()
            .filter(|f| f.rule == Rule::StaleBaseline)
            .collect();
        assert_eq!(stale.len(), 100_000);
        for (i, f) in stale.iter().enumerate() {
            let at = f.primary.as_ref().map_or(0, |l| l.loc.offset);
            assert_eq!(&text[at..at + 16], format!("{i:016x}"), "entry {i}");
            assert_eq!(f.subject, format!("{i:016x}"));
        }
    }

    #[test]
    fn stale_entries_point_at_their_own_fingerprint() {
        // Two entries with one fingerprint, one written with an escape, and a
        // message that quotes a fingerprint key.
        let text = r#"{"version": 1, "entries": [
  {"path": "a", "rule": "r", "subject": "\"fingerprint\": \"aa\"", "fingerprint": "aa", "message": "m"},
  {"path": "a", "rule": "r", "subject": "s", "fingerprint" :  "aa", "message": "m"},
  {"path": "a", "rule": "r", "subject": "s", "fingerprint": "\u0062b", "message": "m"}
]}"#;
        let base: Baseline = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        let applied = apply(&base, DEFAULT_FILE, text, Vec::new(), |_| true);
        let at: Vec<(usize, usize)> = applied
            .findings
            .iter()
            .map(|f| {
                f.primary
                    .as_ref()
                    .map_or((9, 9), |l| (l.loc.line as usize, l.loc.len))
            })
            .collect();
        assert_eq!(at, [(2, 2), (3, 2), (1, 0)]);
    }

    /// The commands check for an existing file before their scan; one created during
    /// the scan is still not overwritten unless replacing was asked for.
    #[test]
    fn without_replace_an_existing_file_is_never_overwritten() {
        let (dir, path, old) = existing();
        let err = Baseline::default()
            .write(&path, false)
            .err()
            .unwrap_or_else(|| panic!("the existing file was overwritten"));
        assert!(
            err.contains("was created while ownlint was running"),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap_or_default(), old);
        assert_eq!(names(dir.path()), [DEFAULT_FILE]);
        let new = dir.path().join("new.json");
        Baseline::default()
            .write(&new, false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Baseline::read(&new), Ok(Baseline::default()));
    }
}
