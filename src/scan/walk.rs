//! Listing the files to check: the parallel `ignore` walk (respects `.gitignore`,
//! `.ignore` and git's exclude files, skips hidden directories, never follows links).

use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEntry {
    /// Path relative to the repository root, `/`-separated.
    pub rel: String,
    pub abs: PathBuf,
}

/// A path the scan could not list or use (the walk, or a manifest the package index
/// could not read), with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkProblem {
    pub rel: String,
    pub reason: String,
}

/// What the walk found, sorted by path.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<FileEntry>,
    pub problems: Vec<WalkProblem>,
}

/// Lists the files under `targets` (all absolute, inside the absolute `root`), in
/// parallel.
/// Symbolic links are never followed, so no link can lead out of the root or into
/// a loop.
pub fn walk(root: &Path, targets: &[PathBuf], threads: usize) -> Listing {
    // Always walk from the root, pruned to the targets, so that `.gitignore`,
    // `.ignore` and hidden-directory rules apply to explicit paths too (pre-commit
    // passes every staged file, vendored ones included).
    let mut builder = WalkBuilder::new(root);
    let wanted: Vec<PathBuf> = targets.to_vec();
    if !wanted.iter().any(|t| t == root) {
        builder.filter_entry(move |e| {
            let p = e.path();
            wanted.iter().any(|t| p.starts_with(t) || t.starts_with(p))
        });
    }
    builder
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(true)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .threads(threads);
    let sink = Mutex::new(Listing::default());
    builder.build_parallel().run(|| {
        let mut local = Collector {
            listing: Listing::default(),
            sink: &sink,
        };
        Box::new(move |entry| {
            match entry {
                Ok(e) => {
                    // No `stat` per file: the type comes with the directory entry,
                    // and the size limit is applied while reading.
                    match e.file_type() {
                        Some(t) if t.is_file() => local.listing.files.push(FileEntry {
                            rel: relative(root, e.path()),
                            abs: e.path().to_path_buf(),
                        }),
                        Some(t) if t.is_dir() => {}
                        // A link or a special file (pipe, socket, device) with the name
                        // of a source file or a package manifest is not read; say so
                        // instead of dropping it silently.
                        Some(t) => {
                            let rel = relative(root, e.path());
                            if crate::lang::Language::of(&rel).is_some()
                                || super::packages::is_manifest(&rel)
                            {
                                local.listing.problems.push(WalkProblem {
                                    rel,
                                    reason: not_regular(t.is_symlink()).to_string(),
                                });
                            }
                        }
                        None => {}
                    }
                }
                Err(err) => {
                    let rel = error_path(&err).map_or_else(String::new, |p| relative(root, p));
                    local.listing.problems.push(WalkProblem {
                        rel,
                        reason: error_reason(&err),
                    });
                }
            }
            WalkState::Continue
        })
    });
    let Listing {
        mut files,
        mut problems,
    } = sink.into_inner().unwrap_or_default();
    // Unstable: entries that compare equal are the same path (one walk lists a file
    // once), and it is cheaper than the stable sort on this serial step.
    files.sort_unstable();
    files.dedup_by(|a, b| a.rel == b.rel);
    problems.sort_by(|a, b| a.rel.cmp(&b.rel));
    Listing { files, problems }
}

/// One walker thread's findings, handed to the shared listing once, when the
/// thread's visitor is dropped (no lock per entry).
struct Collector<'a> {
    listing: Listing,
    sink: &'a Mutex<Listing>,
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        if let Ok(mut all) = self.sink.lock() {
            all.files.append(&mut self.listing.files);
            all.problems.append(&mut self.listing.problems);
        }
    }
}

// Opening listed files, and the words for why one was not read, follow the one rule
// for links that every reader shares.
pub use crate::links::{not_regular, open, unreadable};

/// `path` relative to `root`, `/`-separated (lossy for names that are not UTF-8).
pub fn relative(root: &Path, path: &Path) -> String {
    // Called for every file of the walk, whose paths are `root` joined with more: a
    // text prefix then a separator is the usual case, and comparing text is a fraction
    // of the cost of `Path::strip_prefix`, which compares components.
    if let (Some(p), Some(r)) = (path.to_str(), root.to_str())
        && !r.is_empty()
        && let Some(rest) = p.strip_prefix(r)
        && (rest.is_empty() || rest.starts_with('/') || r.ends_with('/'))
    {
        let rest = rest.trim_start_matches('/');
        // Only a plain rest: no `.` or empty parts, no trailing `/`, no backslash,
        // which the component-wise way below normalizes.
        if rest.is_empty() || plain(rest) {
            return rest.to_string();
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.trim_start_matches("./").to_string()
}

/// True when `rest` has no backslash and no empty or `.` part between its `/`s: one
/// pass over its bytes, for every file of every walk (`contains` then `split('/')`
/// cost 26 M instructions on the benchmark's realistic tree of 20,000 files, in the
/// walk's threads).
fn plain(rest: &str) -> bool {
    let part = |p: &[u8]| !p.is_empty() && p != b".";
    let bytes = rest.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\\' {
            return false;
        }
        if b == b'/' {
            if !part(&bytes[start..i]) {
                return false;
            }
            start = i + 1;
        }
    }
    part(&bytes[start..])
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

fn error_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_reason(err)
        }
        // A directory deleted while the walk was in it.
        ignore::Error::Io(e) if e.kind() == std::io::ErrorKind::NotFound => unreadable(e),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_that_vanishes_during_the_walk_says_so() {
        let gone = ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::WithPath {
                path: PathBuf::from("/r/services/orders/tmp"),
                err: Box::new(ignore::Error::Io(std::io::ErrorKind::NotFound.into())),
            }),
        };
        assert_eq!(
            error_reason(&gone),
            "it vanished during the scan (it was listed, then gone when read)"
        );
        assert_eq!(
            error_path(&gone).map(|p| relative(Path::new("/r"), p)),
            Some("services/orders/tmp".to_string())
        );
        let denied = ignore::Error::Io(std::io::ErrorKind::PermissionDenied.into());
        assert_eq!(error_reason(&denied), "permission denied");
    }

    #[test]
    fn a_plain_rest_is_what_splitting_it_says() {
        let old =
            |rest: &str| !rest.contains('\\') && rest.split('/').all(|c| !c.is_empty() && c != ".");
        let parts = ["a", ".", "", "..", ".a", "a.", "\\", "é", "a\\b"];
        for x in parts {
            for y in parts {
                for z in parts {
                    for rest in [x.to_string(), format!("{x}/{y}"), format!("{x}/{y}/{z}")] {
                        assert_eq!(plain(&rest), old(&rest), "{rest:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn paths_relative_to_the_root() {
        // (root, path, relative)
        let cases = [
            ("/r", "/r/services/a.rs", "services/a.rs"),
            ("/r/", "/r/services/a.rs", "services/a.rs"),
            ("/r", "/r", ""),
            ("/", "/services/a.rs", "services/a.rs"),
            (".", "./services/a.rs", "services/a.rs"),
            ("/r", "/r//services/a.rs", "services/a.rs"),
            ("/r", "/r/./services/a.rs", "services/a.rs"),
            // A sibling whose name starts with the root's is not under it.
            ("/r", "/rs/a.rs", "/rs/a.rs"),
            ("", "services/a.rs", "services/a.rs"),
            ("", "/a", "/a"),
            (".", "././/b.json", "b.json"),
            ("/r", "/r/.", ""),
            ("/r", "/r/a/", "a"),
            ("/r", "/r/a/./b", "a/./b"),
            // Backslashes are separators in what ownlint prints.
            ("/r", "/r/services\\a.rs", "services/a.rs"),
        ];
        for (root, path, expected) in cases {
            assert_eq!(
                relative(Path::new(root), Path::new(path)),
                expected,
                "{root} {path}"
            );
        }
    }
}
