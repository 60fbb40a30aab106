//! `ownlint init`: propose a registry for a repository that has none, check that it
//! loads and validates, and write it (atomically, never over an existing registry
//! unless `--force`) or print it.

use super::{EXIT_CLEAN, Failure};
use crate::baseline::write_atomic;
use crate::cli::{Cli, Format, InitArgs};
use crate::init::{self, DatabaseChoice, Proposal, tables::Decision};
use crate::model::rules::{Rule, Severity};
use crate::registry::find_registry;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file name written when the directory has no registry yet.
const DEFAULT_NAME: &str = "data-ownership.yaml";

/// How many skipped files or odd names the summary lists before "and N more".
const LIST_LIMIT: usize = 5;

pub fn run(cli: &Cli, args: &InitArgs) -> Result<u8, Failure> {
    let json = match cli.format {
        None | Some(Format::Text) => false,
        Some(Format::Json) => true,
        Some(other) => {
            return Err(Failure::Usage(format!(
                "`init` has no `--format {}` output; use text or json",
                other.name()
            )));
        }
    };
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
                "{} already exists; `ownlint init` never overwrites a registry: pass --force to replace it, or --dry-run to print the proposal",
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
    let mut proposal = init::propose(&root, threads, args.scan.max_file_size);
    std::panic::set_hook(hook);
    if proposal.services.is_empty() {
        return Err(Failure::Usage(format!(
            "found no services in {}: a service is a directory below services/, apps/ or microservices/ holding code, or a directory that is deployed or runs (a Dockerfile, a compose build context, an entry point such as `package main`, Program.cs or @SpringBootApplication, a `start` script, migrations); write data-ownership.yaml by hand (see `ownlint schema`)",
            dir.display()
        )));
    }
    // API reads and events: `check`'s scan of the repository against the proposal
    // (one more walk), so that `check` right after `init` sees them declared.
    let reg = validate(&proposal.render(), &root)?;
    let run = super::check::collect_for_init(&reg, &args.scan)?;
    proposal.observed = init::observed::from_run(&reg, &run);
    proposal.publish_aliases(&run.aliases);
    let shared: Vec<(String, String, String)> = run
        .library_imports
        .iter()
        .filter_map(|(s, target, from)| {
            let name = reg.services.get(*s)?.name.clone();
            Some((name, target.clone(), from.clone()))
        })
        .collect();
    proposal.publish_shared(&shared);
    let text = proposal.render();
    validate(&text, &root)?;
    match &output {
        Some(path) => {
            write_atomic(path, args.force, |out| out.write_all(text.as_bytes()))
                .map_err(Failure::Usage)?;
        }
        None if !json => print(&text)?,
        None => {}
    }
    if json {
        let mut doc = to_json(&proposal, output.as_deref());
        doc["registry"] = Value::String(text);
        let mut s = doc.to_string();
        s.push('\n');
        print(&s)?;
    } else if !cli.quiet {
        // The summary goes to stderr so that `--dry-run` output is the registry alone;
        // a closed stderr only loses the summary.
        // It names directories and tables from the code: escaped as all output is.
        let summary = summary(&proposal, output.as_deref());
        let _ = std::io::stderr().write_all(crate::report::escape::layout(&summary).as_bytes());
    }
    Ok(EXIT_CLEAN)
}

fn print(s: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// The proposal must load and pass `validate` before it is written: a registry `init`
/// wrote that `check` then refuses would be a bug, reported as such.
fn validate(text: &str, root: &Path) -> Result<crate::registry::Registry, Failure> {
    let reg = crate::registry::load_str(text, DEFAULT_NAME, root.to_path_buf()).map_err(|e| {
        Failure::Usage(format!(
            "internal error: the proposed registry does not load ({e}); please report it, with `ownlint init --dry-run` output"
        ))
    })?;
    let today = crate::registry::validate::today();
    let errors: Vec<String> = crate::registry::validate(&reg, &today)
        .into_iter()
        .filter(|f| f.severity == Severity::Error && f.rule != Rule::MissingPaths)
        .map(|f| format!("{}: {}", f.rule.name(), f.message))
        .collect();
    if errors.is_empty() {
        Ok(reg)
    } else {
        Err(Failure::Usage(format!(
            "internal error: the proposed registry does not validate ({}); please report it, with `ownlint init --dry-run` output",
            errors.join("; ")
        )))
    }
}

/// The proposal for tools: services with their paths, evidence, database and tables;
/// what was left out; the tables to decide.
fn to_json(p: &Proposal, output: Option<&Path>) -> Value {
    let decisions = p.decisions();
    let owns = |i: usize| -> Vec<&str> {
        decisions
            .iter()
            .filter(|(_, d)| match d {
                Decision::Owned { owner, .. } | Decision::Adopted { owner, .. } => *owner == i,
                Decision::Each { owners } => owners.contains(&i),
                _ => false,
            })
            .map(|(t, _)| *t)
            .collect()
    };
    let services: Vec<Value> = p
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let database = match p.databases.get(i) {
                Some(DatabaseChoice::One(n, at)) => json!({"name": n, "from": at.to_string()}),
                Some(DatabaseChoice::Several(list)) => json!({
                    "candidates": list.iter().map(|(n, at)| json!({"name": n, "from": at.to_string()})).collect::<Vec<_>>()
                }),
                _ => Value::Null,
            };
            let schema = match p.schemas.get(i) {
                Some(Some((s, at))) => json!({"name": s, "from": at.to_string()}),
                _ => Value::Null,
            };
            json!({
                "name": s.name,
                "paths": s.paths,
                "why": s.why,
                "database": database,
                "schema": schema,
                "owns": owns(i),
            })
        })
        .collect();
    let mut to_decide: Vec<Value> = Vec::new();
    for (table, d) in &decisions {
        let sites = &p.tables[*table];
        let (reason, claims): (&str, Vec<Value>) = match d {
            Decision::Undecided { candidates } => (
                "claimed by several services",
                candidates
                    .iter()
                    .map(|&c| {
                        let site = &sites[&Some(c)];
                        json!({"service": p.services[c].name, "evidence": site.evidence.verb(), "at": format!("{}:{}", site.path, site.line)})
                    })
                    .collect(),
            ),
            Decision::Outside => {
                let site = &sites[&None];
                (
                    "created only outside every service",
                    vec![json!({"service": Value::Null, "evidence": site.evidence.verb(), "at": format!("{}:{}", site.path, site.line)})],
                )
            }
            _ => continue,
        };
        to_decide.push(json!({"table": table, "reason": reason, "claims": claims}));
    }
    json!({
        "services": services,
        "left_out": p.left.iter().map(|l| json!({"path": l.path, "why": l.why})).collect::<Vec<_>>(),
        "to_decide": to_decide,
        "views": p.views,
        "odd_names": p.odd_names,
        "skipped": p.skipped.iter().map(|(f, why)| json!({"path": f, "why": why})).collect::<Vec<_>>(),
        "written": output.map(|o| o.display().to_string()),
    })
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
    let shown = |s: &init::services::ServiceDir| s.paths.join(",");
    let path_width = p.services.iter().map(|s| shown(s).len()).max().unwrap_or(0);
    for (i, svc) in p.services.iter().enumerate() {
        let owned = decisions
            .values()
            .filter(|d| match d {
                Decision::Owned { owner, .. } | Decision::Adopted { owner, .. } => *owner == i,
                Decision::Each { owners } => owners.contains(&i),
                _ => false,
            })
            .count();
        s.push_str(&format!(
            "  {:width$}  {:path_width$}  {}\n",
            svc.name,
            shown(svc),
            plural(owned, "table", "tables")
        ));
    }
    if !p.left.is_empty() {
        s.push_str(&format!(
            "  left outside every service: {}\n",
            limited(p.left.iter().map(|l| l.path.clone()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        match validate(text, Path::new("/nonexistent")) {
            Err(Failure::Usage(why)) => why,
            other => panic!("refused as a usage error, not {other:?}"),
        }
    }

    /// Nothing is written unless the proposal loads and validates: a registry that
    /// does not load, or has an error finding, is an internal error of `init`.
    #[test]
    fn a_proposal_is_validated_before_it_is_written() {
        let good = "version: 1\nservices:\n  a:\n    paths: [a]\n    owns: [orders]\n";
        assert!(validate(good, Path::new("/nonexistent")).is_ok());
        let unloadable = refused("version: 1\nservices:\n  a:\n    pathz: [a]\n");
        assert!(
            unloadable.starts_with("internal error: the proposed registry does not load"),
            "{unloadable}"
        );
        let twice = refused(
            "version: 1\nservices:\n  a:\n    paths: [a]\n    owns: [orders]\n  b:\n    paths: [b]\n    owns: [orders]\n",
        );
        assert!(
            twice.starts_with("internal error: the proposed registry does not validate"),
            "{twice}"
        );
    }
}
