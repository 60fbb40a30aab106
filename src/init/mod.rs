//! `ownlint init`: propose a `data-ownership.yaml` for a repository that has none.
//!
//! Services come from project directories ([`services`]), table owners from the
//! migrations and models each service's code holds ([`tables`]), both found with the
//! same walk and extractors `check` uses, so that `check` on the proposal agrees with
//! it. The proposal is rendered as YAML with comments wherever a person must decide.

pub mod services;
pub mod tables;

use crate::lang::{self, Language};
use crate::registry::paths::within;
use crate::scan::walk::{self, FileEntry};
use services::ServiceDir;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use tables::{Decision, Site};

/// The registry's JSON Schema, as the README's example registry names it.
const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/ownlint/ownlint/main/schemas/data-ownership.schema.json";

/// What `init` found in a repository.
#[derive(Debug, Default)]
pub struct Proposal {
    /// The services, sorted by name.
    pub services: Vec<ServiceDir>,
    /// For each table (registry spelling), the strongest definition in each service
    /// (`None`: outside every service).
    pub tables: BTreeMap<String, BTreeMap<Option<usize>, Site>>,
    /// Table names found in code that the registry cannot list (not plain identifiers).
    pub odd_names: Vec<String>,
    /// Files that could not be analysed, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Walks `root` (respecting `.gitignore`, skipping hidden directories, never
/// following links) and proposes services and table owners.
pub fn propose(root: &Path, threads: usize, max_file_size: u64) -> Proposal {
    let listing = walk::walk(root, &[root.to_path_buf()], threads);
    let mut proposal = Proposal {
        services: services::find(listing.files.iter().map(|f| f.rel.as_str())),
        ..Proposal::default()
    };
    proposal.skipped = listing
        .problems
        .into_iter()
        .map(|p| (p.rel, p.reason))
        .collect();
    let files: Vec<&FileEntry> = listing
        .files
        .iter()
        .filter(|f| Language::of(&f.rel).is_some())
        .collect();
    let cursor = AtomicUsize::new(0);
    let results: Vec<FileResults> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut out = FileResults::default();
                    let mut buf = Vec::new();
                    loop {
                        let i = cursor.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        analyse(f, max_file_size, &mut buf, &mut out);
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    for r in results {
        proposal.skipped.extend(r.skipped);
        proposal.odd_names.extend(r.odd_names);
        for (path, def) in r.defs {
            let service = proposal
                .services
                .iter()
                .position(|s| within(&path, &s.path));
            let site = Site {
                evidence: def.evidence,
                path,
                line: def.line,
            };
            let entry = proposal.tables.entry(def.table).or_default();
            match entry.get(&service) {
                Some(old)
                    if (old.evidence, &old.path, old.line)
                        <= (site.evidence, &site.path, site.line) => {}
                _ => {
                    entry.insert(service, site);
                }
            }
        }
    }
    proposal.skipped.sort();
    proposal.odd_names.sort();
    proposal.odd_names.dedup();
    proposal
}

/// One worker's findings.
#[derive(Default)]
struct FileResults {
    defs: Vec<(String, tables::Definition)>,
    odd_names: Vec<String>,
    skipped: Vec<(String, String)>,
}

/// Reads one file and collects its table definitions.
fn analyse(f: &FileEntry, max_file_size: u64, buf: &mut Vec<u8>, out: &mut FileResults) {
    let Some(lang) = Language::of(&f.rel) else {
        return;
    };
    buf.clear();
    let read = walk::open(&f.abs).and_then(|file| file.take(max_file_size + 1).read_to_end(buf));
    if let Err(e) = read {
        out.skipped.push((f.rel.clone(), walk::unreadable(&e)));
        return;
    }
    // The walk no longer stats every file: the size limit is enforced on the read.
    if buf.len() as u64 > max_file_size {
        out.skipped.push((
            f.rel.clone(),
            format!("larger than {max_file_size} bytes (--max-file-size)"),
        ));
        return;
    }
    if buf.iter().take(8192).any(|&b| b == 0) {
        return; // binary: names no table
    }
    let Ok(text) = std::str::from_utf8(buf) else {
        out.skipped
            .push((f.rel.clone(), "not valid UTF-8".to_string()));
        return;
    };
    let rel = f.rel.as_str();
    let extracted =
        std::panic::catch_unwind(|| lang::extract(lang, rel, text, &lang::Context::default()));
    let Ok(extracted) = extracted else {
        out.skipped.push((
            f.rel.clone(),
            "ownlint failed while analysing it".to_string(),
        ));
        return;
    };
    if extracted.refused {
        // Nothing in it was read: its tables are missing from the proposal.
        let why = extracted.problems.iter().map(|p| p.message.as_str());
        out.skipped
            .push((f.rel.clone(), why.collect::<Vec<_>>().join("; ")));
        return;
    }
    let (defs, odd) = tables::definitions(text, &extracted.accesses);
    out.defs
        .extend(defs.into_iter().map(|d| (f.rel.clone(), d)));
    out.odd_names.extend(odd);
}

/// Counts for the summary.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Tables with a proposed owner.
    pub owned: usize,
    /// Tables several services claim.
    pub undecided: usize,
    /// Tables defined only outside every service.
    pub outside: usize,
}

impl Proposal {
    /// Every table's decision, by name.
    pub fn decisions(&self) -> BTreeMap<&str, Decision> {
        self.tables
            .iter()
            .map(|(t, sites)| (t.as_str(), tables::decide(sites)))
            .collect()
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for d in self.decisions().values() {
            match d {
                Decision::Owned { .. } => c.owned += 1,
                Decision::Undecided { .. } => c.undecided += 1,
                Decision::Outside => c.outside += 1,
            }
        }
        c
    }

    /// The registry text.
    pub fn render(&self) -> String {
        let decisions = self.decisions();
        let mut owned: Vec<Vec<String>> = vec![Vec::new(); self.services.len()];
        let mut undecided: Vec<Vec<String>> = vec![Vec::new(); self.services.len()];
        let mut header: Vec<String> = Vec::new();
        for (table, d) in &decisions {
            let sites = &self.tables[*table];
            match d {
                Decision::Owned { owner, others } => {
                    let mut line = format!("- {}", scalar(table));
                    if !others.is_empty() {
                        let who: Vec<String> = others
                            .iter()
                            .map(|&s| self.claim(s, &sites[&Some(s)]))
                            .collect();
                        line.push_str(&format!(
                            "  # also {}: check that `{}` owns it",
                            who.join("; "),
                            self.services[*owner].name
                        ));
                    }
                    owned[*owner].push(line);
                }
                Decision::Undecided { candidates } => {
                    let names: Vec<&str> = candidates
                        .iter()
                        .map(|&s| self.services[s].name.as_str())
                        .collect();
                    header.push(format!(
                        "#   {table}: {}",
                        candidates
                            .iter()
                            .map(|&s| self.claim(s, &sites[&Some(s)]))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                    for &s in candidates {
                        let rivals: Vec<&str> = names
                            .iter()
                            .copied()
                            .filter(|n| *n != self.services[s].name)
                            .collect();
                        undecided[s].push(format!(
                            "# - {}  # undecided: also claimed by {}; uncomment it under one service",
                            scalar(table),
                            rivals.join(", ")
                        ));
                    }
                }
                Decision::Outside => {}
            }
        }

        let mut y = String::new();
        // Editors with the YAML language server complete and check the file.
        y.push_str("# yaml-language-server: $schema=");
        y.push_str(SCHEMA_URL);
        y.push('\n');
        y.push_str(
            "# data-ownership.yaml, proposed by `ownlint init`: which service owns which tables.\n",
        );
        y.push_str("# Services are the project directories found (see `ownlint init --help`); each table\n");
        y.push_str(
            "# is owned by the service whose migrations create it (or, failing that, whose\n",
        );
        y.push_str(
            "# models map it). Review it, add events (`publishes_events`, `consumes_events`) and\n",
        );
        y.push_str(
            "# API reads (`reads_from_apis`), then run `ownlint validate` and `ownlint check`.\n",
        );
        if !header.is_empty() {
            y.push_str("#\n# To decide (claimed by several services, so owned by none yet):\n");
            for h in &header {
                y.push_str(&comment(h));
            }
        }
        let outside: Vec<String> = decisions
            .iter()
            .filter(|(_, d)| matches!(d, Decision::Outside))
            .map(|(t, _)| {
                let site = &self.tables[*t][&None];
                format!(
                    "#   {t}: {} in {}:{}",
                    site.evidence.verb(),
                    site.path,
                    site.line
                )
            })
            .collect();
        if !outside.is_empty() {
            y.push_str("#\n# Defined only outside every service (add them to an owner, or `exclude` the code):\n");
            for o in &outside {
                y.push_str(&comment(o));
            }
        }
        y.push_str("version: 1\n\nservices:\n");
        for (i, s) in self.services.iter().enumerate() {
            y.push_str(&format!("  {}:\n", scalar(&s.name)));
            y.push_str(&format!("    paths: [{}]\n", scalar(&s.path)));
            if owned[i].is_empty() {
                y.push_str("    owns: []\n");
            } else {
                y.push_str("    owns:\n");
                for line in &owned[i] {
                    y.push_str(&format!("      {}", comment(line)));
                }
            }
            for line in &undecided[i] {
                y.push_str(&format!("      {}", comment(line)));
            }
        }
        y
    }

    /// `mapped by `orders` (services/orders/src/schema.rs:9)`.
    fn claim(&self, service: usize, site: &Site) -> String {
        format!(
            "{} by `{}` ({}:{})",
            site.evidence.verb(),
            self.services[service].name,
            site.path,
            site.line
        )
    }
}

/// A line that stays one line: control characters (from file names) become `?`.
fn comment(line: &str) -> String {
    let mut s: String = line
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    s.push('\n');
    s
}

/// A YAML scalar for a name or path: plain when that reads back as the same string,
/// else double-quoted (JSON string syntax is valid YAML).
fn scalar(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '$'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::tables::Evidence;
    use super::*;

    fn site(evidence: Evidence, path: &str, line: u32) -> Site {
        Site {
            evidence,
            path: path.to_string(),
            line,
        }
    }

    fn sample() -> Proposal {
        let services = vec![
            ServiceDir {
                name: "catalog".into(),
                path: "services/catalog".into(),
            },
            ServiceDir {
                name: "orders".into(),
                path: "services/orders".into(),
            },
            ServiceDir {
                name: "on".into(),
                path: "services/on, off\n".into(),
            },
        ];
        let mut tables: BTreeMap<String, BTreeMap<Option<usize>, Site>> = BTreeMap::new();
        let mut add = |t: &str, s: Option<usize>, st: Site| {
            tables.entry(t.to_string()).or_default().insert(s, st);
        };
        add(
            "orders",
            Some(1),
            site(Evidence::Creates, "services/orders/m.sql", 3),
        );
        add(
            "products",
            Some(0),
            site(Evidence::Creates, "services/catalog/m.sql", 1),
        );
        add(
            "products",
            Some(1),
            site(Evidence::Maps, "services/orders/schema.rs", 9),
        );
        add(
            "shared",
            Some(0),
            site(Evidence::Creates, "services/catalog/m.sql", 7),
        );
        add(
            "shared",
            Some(1),
            site(Evidence::Creates, "services/orders/m.sql", 8),
        );
        add(
            "seeds",
            None,
            site(Evidence::Creates, "infra/seed\n.sql", 1),
        );
        Proposal {
            services,
            tables,
            ..Proposal::default()
        }
    }

    #[test]
    fn render_proposes_owners_and_comments_what_a_person_decides() {
        let p = sample();
        let y = p.render();
        assert!(
            y.starts_with("# yaml-language-server: $schema=https://"),
            "{y}"
        );
        assert_eq!(
            p.counts(),
            Counts {
                owned: 2,
                undecided: 1,
                outside: 1
            }
        );
        assert!(y.contains(
            "  catalog:\n    paths: [services/catalog]\n    owns:\n      - products  # also mapped by `orders` (services/orders/schema.rs:9): check that `catalog` owns it\n      # - shared  # undecided: also claimed by orders; uncomment it under one service\n"
        ), "{y}");
        assert!(y.contains("  orders:\n    paths: [services/orders]\n    owns:\n      - orders\n      # - shared  # undecided: also claimed by catalog;"), "{y}");
        assert!(
            y.contains("  \"on\":\n    paths: [\"services/on, off\\n\"]\n    owns: []\n"),
            "{y}"
        );
        assert!(y.contains("#   shared: created by `catalog` (services/catalog/m.sql:7); created by `orders` (services/orders/m.sql:8)\n"), "{y}");
        assert!(
            y.contains("#   seeds: created in infra/seed?.sql:1\n"),
            "{y}"
        );
    }

    #[test]
    fn rendered_registry_loads_validates_and_owns_what_was_decided() {
        let y = sample().render();
        let reg = crate::registry::load_str(
            &y,
            "data-ownership.yaml",
            std::path::PathBuf::from("/nonexistent"),
        )
        .unwrap_or_else(|e| panic!("{e}\n{y}"));
        let findings = crate::registry::validate(&reg, "2026-01-01");
        let errors: Vec<_> = findings
            .iter()
            .filter(|f| {
                f.severity == crate::model::rules::Severity::Error
                    && f.rule != crate::model::rules::Rule::MissingPaths
            })
            .map(|f| f.message.clone())
            .collect();
        assert!(errors.is_empty(), "{errors:?}\n{y}");
        let owns = |name: &str| -> Vec<String> {
            reg.service(name)
                .map(|s| s.owns.iter().map(|t| t.written.clone()).collect())
                .unwrap_or_default()
        };
        assert_eq!(owns("catalog"), ["products"]);
        assert_eq!(owns("orders"), ["orders"]);
        assert_eq!(owns("on"), Vec::<String>::new());
        assert_eq!(
            reg.service("on").map(|s| s.paths[0].value.as_str()),
            Some("services/on, off\n")
        );
    }

    #[test]
    fn scalars_read_back_as_strings() {
        assert_eq!(scalar("services/orders"), "services/orders");
        assert_eq!(scalar("billing.invoices"), "billing.invoices");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("services/日本"), "\"services/日本\"");
    }

    /// A file the walk listed but init could not use is listed as not analysed,
    /// with the reason, like `check` reports it.
    #[test]
    fn files_that_cannot_be_analysed_are_listed_as_skipped() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = tmp.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let dir = root.join("services/orders/migrations");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let ddl = "CREATE TABLE orders (id int);\n";
        std::fs::write(dir.join("001.sql"), ddl).unwrap_or_else(|e| panic!("{e}"));
        let mut late_nul = ddl.repeat(400);
        late_nul.push('\0');
        std::fs::write(dir.join("002.sql"), late_nul).unwrap_or_else(|e| panic!("{e}"));
        let deep = format!(
            "fn f() {{ let x = {}1{}; }}\n",
            "(".repeat(300),
            ")".repeat(300)
        );
        std::fs::write(root.join("services/orders/deep.rs"), deep)
            .unwrap_or_else(|e| panic!("{e}"));
        let p = propose(&root, 1, crate::scan::DEFAULT_MAX_FILE_SIZE);
        let skipped: Vec<(&str, &str)> = p
            .skipped
            .iter()
            .map(|(f, why)| (f.as_str(), why.split(';').next().unwrap_or("")))
            .collect();
        assert_eq!(
            skipped,
            [
                ("services/orders/deep.rs", "nesting deeper than 256 levels"),
                (
                    "services/orders/migrations/002.sql",
                    "file contains NUL bytes"
                ),
            ]
        );
        assert!(
            p.tables.contains_key("orders"),
            "the readable migration still counts"
        );
    }
}
