//! The one rule for symbolic links, for every file ownlint reads on a repository's
//! say: the registry, the baseline, the paths given on the command line, and the files
//! a scanned file names (`sqlx::query_file!`, `include_str!`).
//!
//! Why one rule: CI runs ownlint on pull requests whose author controls every file of
//! the checkout, file names and link targets included. A link can point anywhere
//! (`data-ownership.yaml -> /etc/passwd`, `ownlint-baseline.json -> ~/.ssh/id_rsa`),
//! and a diagnostic that quotes the file it could not load would then print that
//! file into the CI log. So a link is never followed, whatever reads it: the
//! registry and the baseline are refused (exit code 2) with a message that names
//! the file and says it is a link, and never its target's content; a source file
//! that is a link is a skipped file, whether the whole repository or a path
//! argument reaches it; a `query_file!` target that is a link is reported at the call.
//!
//! Links outside the repository (a checkout under `/tmp`, which is a link on some
//! systems, or a path argument through a directory the CI set up) are not the
//! repository's to choose, and are followed as usual.

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// The path is a symbolic link (its last component).
    Link,
    /// A directory where a file was expected.
    Directory,
    /// A named pipe, socket or device: it could block or stream forever.
    Special,
    /// Any other failure to open or inspect it.
    Io(io::Error),
}

impl Refusal {
    /// Why, for a person, in the words the scan uses for the files it skips.
    pub fn reason(&self) -> String {
        match self {
            Refusal::Link => not_regular(true).to_string(),
            Refusal::Directory => "it is a directory".to_string(),
            Refusal::Special => not_regular(false).to_string(),
            Refusal::Io(e) => unreadable(e),
        }
    }
}

/// Opens the regular file `path` for reading under the rule: a link at its last
/// component is refused, not followed, and so are directories and special files.
/// Returns the open file and its length. The check and the open are one step (the
/// file is opened with `O_NOFOLLOW | O_NONBLOCK` and then inspected), so a file
/// swapped for a link or a pipe in between is refused too.
pub fn open_file(path: &Path) -> Result<(File, u64), Refusal> {
    let file = match open(path) {
        Ok(file) => file,
        Err(e) if is_link(path) || is_eloop(&e) => return Err(Refusal::Link),
        Err(e) => return Err(Refusal::Io(e)),
    };
    let meta = file.metadata().map_err(Refusal::Io)?;
    if meta.is_dir() {
        return Err(Refusal::Directory);
    }
    if !meta.is_file() {
        return Err(Refusal::Special);
    }
    Ok((file, meta.len()))
}

/// Where a path leads under the rule, found by [`follow`].
#[derive(Debug, PartialEq, Eq)]
pub enum Followed {
    /// The path made absolute, with no link of the repository on the way (it may
    /// still lie outside the repository: `..` can climb out).
    Plain(PathBuf),
    /// The first link inside the repository on the way, absolute; `last` when it is
    /// the path's own last component.
    Link { link: PathBuf, last: bool },
}

/// Resolves `path` (relative to the current directory unless absolute) component by
/// component without following any link inside `root` (which is absolute and has no
/// link itself): the first such link is returned instead. Links before `root` is
/// reached are followed. A component that does not exist is an error (`NotFound`).
pub fn follow(root: &Path, path: &Path) -> io::Result<Followed> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    // `at` never holds a link, so `..` is its parent, as the kernel resolves it.
    let mut at = PathBuf::new();
    let mut parts = abs.components().peekable();
    while let Some(part) = parts.next() {
        match part {
            Component::Prefix(_) | Component::RootDir => at.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                at.pop();
            }
            Component::Normal(name) => {
                let next = at.join(name);
                let meta = std::fs::symlink_metadata(&next)?;
                if !meta.file_type().is_symlink() {
                    at = next;
                } else if at.starts_with(root) {
                    let last = parts.peek().is_none();
                    return Ok(Followed::Link { link: next, last });
                } else {
                    at = next.canonicalize()?;
                }
            }
        }
    }
    Ok(Followed::Plain(at))
}

/// True when `path` itself (its last component) is a symbolic link, dangling or not.
pub fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn is_eloop(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Opens a file for reading without following a link at its last component and
/// without blocking on a named pipe (which then reads as empty). Used for every file
/// the walk listed, which may have been replaced since, and by [`open_file`].
pub fn open(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Why a path that is not a regular file is not read.
pub fn not_regular(is_symlink: bool) -> &'static str {
    if is_symlink {
        "it is a symbolic link, and links are never followed"
    } else {
        "it is not a regular file (a pipe, socket or device)"
    }
}

/// Why a listed file could not be opened or read, for a person: a file deleted or
/// replaced by a link since the walk says so, instead of a raw "No such file or
/// directory" that reads like a broken path.
pub fn unreadable(e: &io::Error) -> String {
    if is_eloop(e) {
        return "it was replaced by a symbolic link during the scan, and links are never followed"
            .to_string();
    }
    if e.kind() == io::ErrorKind::NotFound {
        return "it vanished during the scan (it was listed, then gone when read)".to_string();
    }
    format!("it cannot be read ({e})")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_directories_and_pipes_are_refused_and_files_are_opened() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let d = dir.path();
        std::fs::write(d.join("real.yaml"), "services: {}\n").unwrap_or_else(|e| panic!("{e}"));
        symlink(d.join("real.yaml"), d.join("inside")).unwrap_or_else(|e| panic!("{e}"));
        symlink("/etc/passwd", d.join("outside")).unwrap_or_else(|e| panic!("{e}"));
        symlink("missing", d.join("dangling")).unwrap_or_else(|e| panic!("{e}"));
        symlink("loop", d.join("loop")).unwrap_or_else(|e| panic!("{e}"));
        let made = std::process::Command::new("mkfifo")
            .arg(d.join("pipe"))
            .status()
            .is_ok_and(|s| s.success());
        let opened = open_file(&d.join("real.yaml")).map(|(_, len)| len);
        assert!(matches!(opened, Ok(13)), "{opened:?}");
        for link in ["inside", "outside", "dangling", "loop"] {
            let got = open_file(&d.join(link));
            assert!(matches!(got, Err(Refusal::Link)), "{link}: {got:?}");
            assert!(is_link(&d.join(link)), "{link}");
        }
        assert!(!is_link(&d.join("real.yaml")) && !is_link(&d.join("missing")));
        assert!(matches!(open_file(d), Err(Refusal::Directory)));
        if made {
            assert!(matches!(open_file(&d.join("pipe")), Err(Refusal::Special)));
        }
        let missing = open_file(&d.join("missing"));
        assert!(matches!(missing, Err(Refusal::Io(_))), "{missing:?}");
        assert_eq!(
            Refusal::Link.reason(),
            "it is a symbolic link, and links are never followed"
        );
    }
}
