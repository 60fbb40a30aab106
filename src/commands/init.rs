//! `ownlint init`: propose a registry for a repository that has none, and write it
//! (atomically, never over an existing registry unless `--force`) or print it.

use super::{EXIT_CLEAN, Failure};
use crate::baseline::write_atomic;
use crate::cli::{Cli, InitArgs};
use crate::init::{self, Proposal, tables::Decision};
use crate::registry::find_registry;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file name written when the directory has no registry yet.
const DEFAULT_NAME: &str = "data-ownership.yaml";

/// How many skipped files or odd names the summary lists before "and N more".
const LIST_LIMIT: usize = 5;

pub fn run(cli: &Cli, args: &InitArgs) -> Result<u8, Failure> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        return Err(Failure::Usage(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let root = dir
        .canonicalize()
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", dir.display())))?;
    let output = if args.stdout {
        None
    } else {
        // An existing registry in DIR is the one to replace (with --force): writing
        // `.yaml` beside a `.yml` would leave two registries.
        let existing = find_registry(&root).filter(|p| p.parent() == Some(root.as_path()));
        let path = args
            .output
            .clone()
            .or(existing)
            .unwrap_or_else(|| dir.join(DEFAULT_NAME));
        if path.exists() && !args.force {
            return Err(Failure::Usage(format!(
                "{} already exists; `ownlint init` never overwrites a registry: pass --force to replace it, or --stdout to print the proposal",
                path.display()
            )));
        }
        Some(path)
    };
    let threads = args.scan.threads();
    let hook = std::panic::take_hook();
    // A panic in one file's analysis is caught and listed as a skipped file; keep the
    // default hook from printing a backtrace for it.
    std::panic::set_hook(Box::new(|_| {}));
    let proposal = init::propose(&root, threads, args.scan.max_file_size);
    std::panic::set_hook(hook);
    if proposal.services.is_empty() {
        return Err(Failure::Usage(format!(
            "found no services in {}: a service is a directory below services/, apps/ or microservices/ holding code, or a directory holding a project manifest (Cargo.toml, package.json, pyproject.toml, setup.py, go.mod, pom.xml, build.gradle, Gemfile, *.csproj); write data-ownership.yaml by hand (see `ownlint schema`)",
            dir.display()
        )));
    }
    let text = proposal.render();
    match &output {
        Some(path) => {
            write_atomic(path, args.force, |out| out.write_all(text.as_bytes()))
                .map_err(Failure::Usage)?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(Failure::Usage(format!("cannot write output: {e}")));
            }
        }
    }
    if !cli.quiet {
        // The summary goes to stderr so that `--stdout` output is the registry alone;
        // a closed stderr only loses the summary.
        // It names directories and tables from the code: escaped as all output is.
        let summary = summary(&proposal, output.as_deref());
        let _ = std::io::stderr().write_all(crate::report::escape::layout(&summary).as_bytes());
    }
    Ok(EXIT_CLEAN)
}

/// What was found and where it went, for a person.
fn summary(p: &Proposal, output: Option<&Path>) -> String {
    let counts = p.counts();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut s = format!(
        "ownlint init: {}, {} with an owner, {} to decide, {} outside every service\n",
        plural(p.services.len(), "service", "services"),
        plural(counts.owned, "table", "tables"),
        counts.undecided,
        counts.outside,
    );
    let decisions = p.decisions();
    let width = p.services.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let path_width = p.services.iter().map(|s| s.path.len()).max().unwrap_or(0);
    for (i, svc) in p.services.iter().enumerate() {
        let owned = decisions
            .values()
            .filter(|d| matches!(d, Decision::Owned { owner, .. } if *owner == i))
            .count();
        s.push_str(&format!(
            "  {:width$}  {:path_width$}  {}\n",
            svc.name,
            svc.path,
            plural(owned, "table", "tables")
        ));
    }
    for (table, d) in &decisions {
        if let Decision::Undecided { candidates } = d {
            let names: Vec<&str> = candidates
                .iter()
                .map(|&c| p.services[c].name.as_str())
                .collect();
            s.push_str(&format!(
                "  to decide: `{table}` is claimed by {}\n",
                names.join(", ")
            ));
        }
    }
    if !p.odd_names.is_empty() {
        s.push_str(&format!(
            "  left out {} that the registry cannot list: {}\n",
            plural(p.odd_names.len(), "table name", "table names"),
            limited(p.odd_names.iter().map(|n| format!("`{n}`")))
        ));
    }
    if !p.skipped.is_empty() {
        s.push_str(&format!(
            "  not analysed: {}\n",
            limited(p.skipped.iter().map(|(f, why)| format!("{f} ({why})")))
        ));
    }
    match output {
        Some(path) => s.push_str(&format!(
            "wrote {}: review it, then run `ownlint validate` and `ownlint check`\n",
            path.display()
        )),
        None => s.push_str("printed the registry; nothing was written\n"),
    }
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
        .collect()
}

/// The first few items, then "and N more".
fn limited(items: impl ExactSizeIterator<Item = String>) -> String {
    let n = items.len();
    let mut shown: Vec<String> = items.take(LIST_LIMIT).collect();
    if n > LIST_LIMIT {
        shown.push(format!("and {} more", n - LIST_LIMIT));
    }
    shown.join(", ")
}
