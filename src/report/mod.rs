//! Printing findings: one [`Printer`] per output format, all fed the same sorted
//! findings and summary, so formats cannot disagree about what was found.

mod concise;
pub mod escape;
mod github;
mod gitlab;
mod human;
mod json;
mod json_lines;
mod junit;
mod sarif;

pub use concise::Concise;
pub use github::{Github, escape_data, escape_property, unescape as unescape_github};
pub use gitlab::Gitlab;
pub use human::Human;
pub use json::{FindingJson, Json, finding_json};
pub use json_lines::JsonLines;
pub use junit::Junit;
pub use sarif::{FINGERPRINT_KEY, Sarif, sarif_log};

use crate::model::finding::Finding;
use crate::model::rules::Severity;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// Counts shown after the findings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Files read by `check` (absent for registry-only commands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_scanned: Option<usize>,
    /// Files the prefilter kept and an extractor parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_parsed: Option<usize>,
    /// Files not analysed (too large, unreadable, binary with a match, refused as a whole
    /// by their parser); each also has a `skipped-file` finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_skipped: Option<usize>,
    /// Findings silenced by inline `ownlint: allow` comments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<usize>,
    /// Findings covered by registry exceptions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excepted: Option<usize>,
    /// Findings recorded in the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<usize>,
    /// Wall time of the run in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

impl Summary {
    /// Counts errors and warnings of `findings` into a fresh summary.
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        s.count(findings);
        s
    }

    /// Sets the error and warning counts from `findings`.
    pub fn count(&mut self, findings: &[Finding]) {
        self.errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        self.warnings = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count();
    }
}

/// Everything a printer may need besides the findings.
pub struct Context {
    /// The repository root: paths in findings are relative to it.
    pub root: PathBuf,
    /// Texts already in memory by path (the registry), so printers need not re-read.
    pub sources: HashMap<String, String>,
    pub color: bool,
    /// Print findings only, no summary line.
    pub quiet: bool,
    /// Terminal width for wrapping human output.
    pub width: usize,
    /// Files read so far (filled by [`Context::source`]).
    pub cache: SourceCache,
}

impl Context {
    /// The text of the file at `path` (relative to the root), if it can be read, with
    /// the secrets of deployment configuration masked (`crate::deploy::mask`). Each
    /// file is read once per run, however many findings it has.
    pub fn source(&self, path: &str) -> Option<Arc<str>> {
        if let Some(cached) = self.cache.0.borrow().get(path) {
            return cached.clone();
        }
        let text: Option<Arc<str>> = match self.sources.get(path) {
            Some(s) => Some(Arc::from(s.as_str())),
            // Only regular files: a named pipe would block the printer, also one put
            // in the file's place since the scan (`walk::open` does not block on it).
            None => Some(self.root.join(path))
                .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
                .and_then(|p| {
                    let mut bytes = Vec::new();
                    let file = crate::scan::walk::open(&p).ok()?;
                    (&file).read_to_end(&mut bytes).ok()?;
                    Some(bytes)
                })
                // Deployment configuration is shown with its secrets masked.
                .map(|bytes| {
                    let text = String::from_utf8_lossy(&bytes);
                    Arc::from(crate::deploy::mask::secrets(path, &text).as_str())
                }),
        };
        self.cache
            .0
            .borrow_mut()
            .insert(path.to_string(), text.clone());
        text
    }
}

/// Files already read by a printer, by path.
#[derive(Debug, Default)]
pub struct SourceCache(RefCell<HashMap<String, Option<Arc<str>>>>);

/// An output format.
pub trait Printer {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        summary: &Summary,
        ctx: &Context,
    ) -> io::Result<()>;
}
