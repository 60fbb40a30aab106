//! `ownlint init`: propose a `data-ownership.yaml` for a repository that has none.
//!
//! Services come from the evidence that a directory runs or is deployed
//! ([`signals`], [`services`]); table owners from the migrations and models each
//! service's code holds ([`tables`]), found with the same walk and extractors `check`
//! uses, so that `check` on the proposal agrees with it; databases from the
//! connection strings in each service's configuration (`crate::deploy`). The proposal
//! is rendered as YAML with a comment for every decision ([`render`]).

pub mod deployed;
pub mod manifests;
pub mod observed;
pub mod render;
pub mod services;
pub mod signals;
pub mod tables;

use crate::lang::{self, Language};
use crate::model::{AccessKind, Confidence, Target};
use crate::registry::paths::within;
use crate::scan::walk::{self, FileEntry};
use services::{Left, ServiceDir, Signal};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use tables::{Decision, Evidence, Site};

/// Where a piece of evidence stands: `path:line`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub path: String,
    pub line: u32,
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.line)
    }
}

/// The database proposed for a service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DatabaseChoice {
    /// Nothing names one.
    #[default]
    Unknown,
    /// One name, with where it was first seen.
    One(String, At),
    /// Several names: a person chooses (each with where it was first seen).
    Several(Vec<(String, At)>),
}

/// What `init` found in a repository.
#[derive(Debug, Default)]
pub struct Proposal {
    /// The services, sorted by name.
    pub services: Vec<ServiceDir>,
    /// Projects left outside every service, with why.
    pub left: Vec<Left>,
    /// Each service's database (by index into `services`).
    pub databases: Vec<DatabaseChoice>,
    /// Per service, the databases its configuration names that it is not proposed to
    /// own because other services' configuration names them too (see
    /// [`contested`]), with where it named each and the other services.
    pub shared_databases: Vec<Vec<(String, At, Vec<usize>)>>,
    /// Each service's schema, when every table its code creates is in that schema.
    pub schemas: Vec<Option<(String, At)>>,
    /// For each table (registry spelling), the strongest definition in each service
    /// (`None`: outside every service).
    pub tables: BTreeMap<String, BTreeMap<Option<usize>, Site>>,
    /// The tables (lower case, unqualified) each service's code reads or writes.
    pub used_by: BTreeMap<String, BTreeSet<usize>>,
    /// The tables (lower case, unqualified) each service's code writes.
    pub written_by: BTreeMap<String, BTreeSet<usize>>,
    /// The tables that are views or materialized views.
    pub views: BTreeSet<String>,
    /// Table names found in code that the registry cannot list (not plain identifiers).
    pub odd_names: Vec<String>,
    /// The API reads and events `check`'s scan observes on the proposal (empty until
    /// [`observed::from_run`] fills it).
    pub observed: observed::Observed,
    /// Files that could not be analysed, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Walks `root` (respecting `.gitignore`, skipping hidden directories, never
/// following links) and proposes services, databases and table owners.
pub fn propose(root: &Path, threads: usize, max_file_size: u64) -> Proposal {
    let listing = walk::walk(root, &[root.to_path_buf()], threads);
    let mut proposal = Proposal {
        skipped: listing
            .problems
            .into_iter()
            .map(|p| (p.rel, p.reason))
            .collect(),
        ..Proposal::default()
    };
    let files: Vec<&FileEntry> = listing.files.iter().collect();
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
    let mut all = FileResults::default();
    for r in results {
        all.defs.extend(r.defs);
        all.uses.extend(r.uses);
        all.signals.extend(r.signals);
        all.deploy.extend(r.deploy);
        all.db_names.extend(r.db_names);
        all.refs.extend(r.refs);
        all.project_names.extend(r.project_names);
        proposal.skipped.extend(r.skipped);
        proposal.odd_names.extend(r.odd_names);
    }
    // Deterministic whatever the threads' order.
    all.defs
        .sort_by(|a, b| (&a.0, a.1.line, &a.1.table).cmp(&(&b.0, b.1.line, &b.1.table)));
    all.signals
        .sort_by(|a, b| (&a.dir, &a.what).cmp(&(&b.dir, &b.what)));
    all.deploy.sort_by(|a, b| a.0.cmp(&b.0));
    // Deployment configuration, read as `check` reads it (`crate::deploy`).
    let mut deployment = crate::deploy::Deployment::default();
    for (rel, contents, text) in std::mem::take(&mut all.deploy) {
        deployment.add(&rel, contents, &text);
    }
    // The directories an image can be built from: projects and Dockerfiles'.
    let mut buildable = deployed::Buildable::default();
    for f in &listing.files {
        if let Some((dir, name)) = f.rel.rsplit_once('/')
            && (services::is_manifest(name)
                || name == "project.json"
                || signals::from_name(&f.rel).is_some_and(|s| s.what.starts_with("a Dockerfile")))
        {
            buildable.add(dir);
        }
    }
    let deployed = deployed::find(&deployment, &buildable);
    all.db_names.sort();
    // Migrations make their project a service too.
    let mut migration_dirs: BTreeSet<&str> = BTreeSet::new();
    for (path, d) in &all.defs {
        if d.evidence == Evidence::Creates && migration_dirs.insert(signals::dir_of(path)) {
            all.signals.push(Signal {
                dir: signals::dir_of(path).to_string(),
                what: format!("migrations that create tables ({path})"),
                runs: false,
                deployed: false,
            });
        }
    }
    let composed: Vec<&crate::deploy::Unit> = deployment
        .units
        .iter()
        .filter(|u| u.kind == crate::deploy::UnitKind::Compose)
        .collect();
    for c in &composed {
        if let Some(dir) = &c.build {
            all.signals.push(Signal {
                dir: dir.clone(),
                what: format!(
                    "the build context of compose service `{}` ({})",
                    c.name, c.path
                ),
                runs: true,
                deployed: true,
            });
        }
    }
    for d in &deployed {
        all.signals.push(Signal {
            dir: d.dir.clone(),
            what: d.what.clone(),
            runs: true,
            deployed: true,
        });
    }
    let deps = resolve_refs(listing.files.iter().map(|f| f.rel.as_str()), &all);
    // Where code defines or writes tables: a service's own data.
    let tables_in: BTreeSet<String> = all
        .defs
        .iter()
        .map(|(path, _)| path)
        .chain(
            all.uses
                .iter()
                .filter(|(_, names)| names.iter().any(|(_, write)| *write))
                .map(|(path, _)| path),
        )
        .map(|path| signals::dir_of(path).to_string())
        .collect();
    let found = services::find(
        listing.files.iter().map(|f| f.rel.as_str()),
        &all.signals,
        &deps,
        &tables_in,
    );
    proposal.services = found.services;
    proposal.left = found.left;
    join_migrators(&mut proposal.services, &all.defs);
    // A service deployed by a Kubernetes workload or Helm chart says so, even when
    // other evidence made it one.
    for s in &mut proposal.services {
        if s.why.contains("Kubernetes") || s.why.contains("Helm") {
            continue;
        }
        if let Some(d) = deployed
            .iter()
            .find(|d| !d.what.starts_with("built by") && s.paths.iter().any(|p| within(&d.dir, p)))
        {
            s.why.push_str("; ");
            s.why.push_str(&d.what);
        }
    }

    let service_of = |path: &str| -> Option<usize> {
        proposal
            .services
            .iter()
            .position(|s| s.paths.iter().any(|p| within(path, p)))
    };

    // Databases: connection strings in each service's configuration, then in the
    // settings of the compose services built from its directory and of the
    // Kubernetes workloads and Helm charts that deploy it, then psql's `\c db`
    // before its DDL.
    let mut named: Vec<Vec<(String, At)>> = vec![Vec::new(); proposal.services.len()];
    let mut add_name = |s: usize, name: &str, at: At| {
        if !named[s].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            named[s].push((name.to_string(), at));
        }
    };
    for (at, name) in &all.db_names {
        if let Some(s) = service_of(&at.path) {
            add_name(s, name, at.clone());
        }
    }
    let compose_settings = composed.iter().filter_map(|c| {
        let s = c.build.as_deref().and_then(service_of)?;
        Some((s, deployment.settings_of(c)))
    });
    let deployed_settings = deployed
        .iter()
        .filter_map(|d| Some((service_of(&d.dir)?, d.settings.clone())));
    for (s, settings) in compose_settings.chain(deployed_settings) {
        for setting in settings {
            let line = format!("{}={}", setting.key, setting.value);
            for (name, _) in crate::deploy::connection::names_in(&line) {
                let text = deployment
                    .texts
                    .get(&setting.path)
                    .map_or("", String::as_str);
                let at = At {
                    path: setting.path.clone(),
                    line: crate::model::finding::Loc::at(text, setting.value_at.0, 0).line,
                };
                add_name(s, &name, at);
            }
        }
    }
    for (path, d) in &all.defs {
        if let (Some(db), Some(s)) = (&d.database, service_of(path)) {
            add_name(
                s,
                db,
                At {
                    path: path.clone(),
                    line: d.line,
                },
            );
        }
    }
    proposal.shared_databases = contested(&mut named);
    proposal.databases = named
        .into_iter()
        .map(|mut n| match n.len() {
            0 => DatabaseChoice::Unknown,
            1 => {
                let (name, at) = n.remove(0);
                DatabaseChoice::One(name, at)
            }
            _ => DatabaseChoice::Several(n),
        })
        .collect();

    // Tables: the strongest definition per service. Test code (`src/test/resources`
    // schemas, fixtures) counts only for tables nothing else defines.
    let (tests, real): (Vec<_>, Vec<_>) = all
        .defs
        .into_iter()
        .partition(|(path, _)| path.split('/').any(services::is_test_code_dir));
    let defined: BTreeSet<String> = real.iter().map(|(_, d)| d.table.to_lowercase()).collect();
    let tests = tests
        .into_iter()
        .filter(|(_, d)| !defined.contains(&d.table.to_lowercase()));
    for (path, def) in real.into_iter().chain(tests) {
        let service = service_of(&path);
        if def.view {
            proposal.views.insert(def.table.clone());
        }
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
    merge_spellings(&mut proposal.tables, &mut proposal.views);
    for (path, names) in all.uses {
        if let Some(s) = service_of(&path) {
            for (n, write) in names {
                if write {
                    proposal.written_by.entry(n.clone()).or_default().insert(s);
                }
                proposal.used_by.entry(n).or_default().insert(s);
            }
        }
    }
    proposal.schemas = (0..proposal.services.len())
        .map(|s| proposal.schema_of(s))
        .collect();
    proposal.skipped.sort();
    proposal.odd_names.sort();
    proposal.odd_names.dedup();
    proposal
}

/// Takes out of `named` (each service's database names, with where they were seen)
/// the names that are no one service's own, and returns them per service with the
/// other services naming them: a name several services' configuration gives, when
/// one of those services names another database too. Five services whose Kubernetes
/// manifests all connect to `eventuate`, four of which name their own database in
/// their application configuration, share `eventuate`: proposing it as the database
/// of the one service that names nothing else would make `check` report the four as
/// connecting to that service's database. Services that all name only the one
/// database keep it (a shared database they each declare, whose shared user `check`
/// then reports).
fn contested(named: &mut [Vec<(String, At)>]) -> Vec<Vec<(String, At, Vec<usize>)>> {
    let mut by_name: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (s, names) in named.iter().enumerate() {
        for (n, _) in names {
            by_name.entry(n.to_lowercase()).or_default().insert(s);
        }
    }
    let several = |s: usize, named: &[Vec<(String, At)>]| named[s].len() > 1;
    let contested: BTreeMap<&String, &BTreeSet<usize>> = by_name
        .iter()
        .filter(|(_, users)| users.len() > 1 && users.iter().any(|&s| several(s, named)))
        .collect();
    let mut out: Vec<Vec<(String, At, Vec<usize>)>> = vec![Vec::new(); named.len()];
    for (s, names) in named.iter_mut().enumerate() {
        names.retain(|(n, at)| match contested.get(&n.to_lowercase()) {
            Some(users) => {
                let others = users.iter().copied().filter(|&o| o != s).collect();
                out[s].push((n.clone(), at.clone(), others));
                false
            }
            None => true,
        });
    }
    out
}

/// Lists each table once: spellings equal but for case become the mixed-case one (a
/// quoted name, which `check` matches exactly), and an unqualified name joins the one
/// qualified spelling the same service defines (`orders` into `ordering.orders`, when
/// the schema is set in another file), which `check` matches from either spelling.
fn merge_spellings(
    tables: &mut BTreeMap<String, BTreeMap<Option<usize>, Site>>,
    views: &mut BTreeSet<String>,
) {
    let mut by_lower: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tables.keys() {
        by_lower
            .entry(t.to_lowercase())
            .or_default()
            .push(t.clone());
    }
    let mut into: BTreeMap<String, String> = BTreeMap::new();
    for spellings in by_lower.values() {
        // The one with capitals wins; several distinct mixed spellings stay apart.
        let mixed: Vec<&String> = spellings
            .iter()
            .filter(|s| **s != s.to_lowercase())
            .collect();
        if let [keep] = mixed.as_slice() {
            for s in spellings {
                if s != *keep {
                    into.insert(s.clone(), (*keep).clone());
                }
            }
        }
    }
    for (from, to) in into {
        move_sites(tables, views, &from, &to, None);
    }
    let mut qualified: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tables.keys() {
        if let Some((_, name)) = t.split_once('.') {
            qualified
                .entry(name.to_lowercase())
                .or_default()
                .push(t.clone());
        }
    }
    // Each service's unqualified definition joins the one qualified spelling that
    // service defines; code outside every service (a data-access library) joins the
    // one qualified spelling there is.
    let mut moves: Vec<(String, Option<usize>, String)> = Vec::new();
    for (t, sites) in tables.iter().filter(|(t, _)| !t.contains('.')) {
        let Some(candidates) = qualified.get(&t.to_lowercase()) else {
            continue;
        };
        for key in sites.keys() {
            let own: Vec<&String> = match key {
                Some(_) => candidates
                    .iter()
                    .filter(|q| tables[*q].contains_key(key))
                    .collect(),
                None => candidates.iter().collect(),
            };
            if let [q] = own.as_slice() {
                moves.push((t.clone(), *key, (*q).clone()));
            }
        }
    }
    for (from, key, to) in moves {
        move_sites(tables, views, &from, &to, Some(key));
    }
}

/// Moves the definitions of `from` (all, or the one of service `only`) to `to`,
/// keeping the strongest per service.
fn move_sites(
    tables: &mut BTreeMap<String, BTreeMap<Option<usize>, Site>>,
    views: &mut BTreeSet<String>,
    from: &str,
    to: &str,
    only: Option<Option<usize>>,
) {
    let Some(sites) = tables.get_mut(from) else {
        return;
    };
    let moved: Vec<(Option<usize>, Site)> = match only {
        Some(key) => sites.remove(&key).map(|s| (key, s)).into_iter().collect(),
        None => std::mem::take(sites).into_iter().collect(),
    };
    if sites.is_empty() {
        tables.remove(from);
        if views.remove(from) {
            views.insert(to.to_string());
        }
    } else if views.contains(from) {
        views.insert(to.to_string());
    }
    let entry = tables.entry(to.to_string()).or_default();
    for (service, site) in moved {
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

/// A program that creates no table of its own and whose table definitions (its DDL,
/// tests included) all touch tables one other service's DDL creates or changes is that service's
/// schema migrator (an upgrade tool): it joins that service, whose tables it changes.
fn join_migrators(services: &mut Vec<ServiceDir>, defs: &[(String, tables::Definition)]) {
    let service_of = |services: &[ServiceDir], path: &str| {
        services
            .iter()
            .position(|s| s.paths.iter().any(|p| within(path, p)))
    };
    let bare = |t: &str| t.rsplit('.').next().unwrap_or(t).to_lowercase();
    let test = |path: &str| path.split('/').any(services::is_test_code_dir);
    loop {
        // The services whose own (non-test) DDL creates or changes each table.
        let mut creators: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        let mut touched: Vec<BTreeMap<String, &(String, tables::Definition)>> =
            vec![BTreeMap::new(); services.len()];
        let mut ddl = vec![false; services.len()];
        let mut creates = vec![false; services.len()];
        for def in defs {
            let (path, d) = def;
            let Some(s) = service_of(services, path) else {
                continue;
            };
            if d.evidence != Evidence::Maps && !test(path) {
                creators.entry(bare(&d.table)).or_default().insert(s);
            }
            creates[s] |= d.evidence == Evidence::Creates && !test(path);
            ddl[s] |= d.evidence != Evidence::Maps;
            touched[s].entry(bare(&d.table)).or_insert(def);
        }
        let found = (0..services.len()).find_map(|m| {
            if !services[m].runs || !ddl[m] || creates[m] || touched[m].is_empty() {
                return None;
            }
            let mut common: Option<BTreeSet<usize>> = None;
            for t in touched[m].keys() {
                let mut by = creators.get(t).cloned().unwrap_or_default();
                by.remove(&m);
                common = Some(match common {
                    None => by,
                    Some(c) => c.intersection(&by).copied().collect(),
                });
            }
            match common?.into_iter().collect::<Vec<_>>().as_slice() {
                [o] => {
                    let (path, d) = touched[m].values().next()?;
                    Some((m, *o, format!("{path}:{}", d.line)))
                }
                _ => None,
            }
        });
        let Some((m, o, at)) = found else { break };
        let program = services.remove(m);
        let o = if o > m { o - 1 } else { o };
        let owner = &mut services[o];
        owner.why.push_str(&format!(
            "; with `{}`, a program that only migrates its schema ({at})",
            program.name
        ));
        owner.migrators.extend(program.paths.iter().cloned());
        owner.paths.extend(program.paths);
    }
}

/// Each project directory's dependencies on other project directories, from the
/// references its manifests make: directories as they are, names matched against the
/// name a project declares or its directory's name (`@x/db` and `db` both name
/// `packages/db`).
fn resolve_refs<'a>(
    files: impl Iterator<Item = &'a str>,
    all: &FileResults,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut by_name: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for f in files {
        if let Some((dir, name)) = f.rsplit_once('/')
            && (services::is_manifest(name) || name == "project.json")
        {
            let last = dir.rsplit('/').next().unwrap_or(dir);
            by_name.entry(last).or_default().insert(dir);
        }
    }
    for (name, dir) in &all.project_names {
        by_name
            .entry(name.as_str())
            .or_default()
            .insert(dir.as_str());
    }
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (dir, refs) in &all.refs {
        let entry = deps.entry(dir.clone()).or_default();
        for r in refs {
            match r {
                manifests::Ref::Dir(d) => {
                    entry.insert(d.clone());
                }
                manifests::Ref::Name(n) => {
                    let unscoped = n.rsplit('/').next().unwrap_or(n);
                    for key in [n.as_str(), unscoped] {
                        if let Some(dirs) = by_name.get(key) {
                            entry.extend(dirs.iter().map(|d| d.to_string()));
                        }
                    }
                }
            }
        }
        entry.remove(dir);
    }
    deps
}

/// One worker's findings.
#[derive(Default)]
struct FileResults {
    /// Per manifest, its directory and the projects it depends on.
    refs: Vec<(String, Vec<manifests::Ref>)>,
    /// The names projects declare (`package.json`'s `name`), with their directory.
    project_names: Vec<(String, String)>,
    defs: Vec<(String, tables::Definition)>,
    /// Per file, the tables (lower case, unqualified) it reads or writes (true).
    uses: Vec<(String, BTreeSet<(String, bool)>)>,
    signals: Vec<Signal>,
    /// Deployment configuration files (compose, Kubernetes, Helm, skaffold, service
    /// configuration) as `crate::deploy` reads them, with their text.
    deploy: Vec<(String, crate::deploy::FileContents, String)>,
    db_names: Vec<(At, String)>,
    odd_names: Vec<String>,
    skipped: Vec<(String, String)>,
}

/// Reads `f` whole (up to the size limit); `Err` says why it cannot be used, `Ok(None)`
/// is a binary file.
fn read_text<'b>(
    f: &FileEntry,
    max_file_size: u64,
    buf: &'b mut Vec<u8>,
) -> Result<Option<&'b str>, String> {
    buf.clear();
    let read = walk::open(&f.abs).and_then(|file| file.take(max_file_size + 1).read_to_end(buf));
    if let Err(e) = read {
        return Err(walk::unreadable(&e));
    }
    // The walk no longer stats every file: the size limit is enforced on the read.
    if buf.len() as u64 > max_file_size {
        return Err(format!(
            "larger than {max_file_size} bytes (--max-file-size)"
        ));
    }
    if buf.iter().take(8192).any(|&b| b == 0) {
        return Ok(None);
    }
    std::str::from_utf8(buf)
        .map(Some)
        .map_err(|_| "not valid UTF-8".to_string())
}

/// Reads one file and collects what it says about services, databases and tables.
fn analyse(f: &FileEntry, max_file_size: u64, buf: &mut Vec<u8>, out: &mut FileResults) {
    let rel = f.rel.as_str();
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if let Some(s) = signals::from_name(rel) {
        out.signals.push(s);
    }
    let lang = Language::of(rel);
    let config = crate::deploy::connection::is_config(name);
    // Test configuration wires test doubles: never evidence (as in `check`).
    let deploy_kind = crate::deploy::kind_of(rel).filter(|_| !crate::deploy::is_test(rel));
    let config = config && !crate::deploy::is_test(rel);
    let package = name == "package.json";
    let manifest = services::is_manifest(name) || name == "project.json";
    if lang.is_none() && !config && deploy_kind.is_none() && !package && !manifest {
        return;
    }
    let text = match read_text(f, max_file_size, buf) {
        Ok(Some(t)) => t,
        Ok(None) => return, // binary: names no table
        Err(why) => {
            if lang.is_some() {
                out.skipped.push((f.rel.clone(), why));
            }
            return;
        }
    };
    if config {
        for (db, line) in crate::deploy::connection::names_in(text) {
            out.db_names.push((
                At {
                    path: f.rel.clone(),
                    line,
                },
                db,
            ));
        }
    }
    if let Some(kind) = deploy_kind {
        let c = crate::deploy::read(kind, rel, text);
        let holds = [
            c.units.is_empty(),
            c.config_maps.is_empty(),
            c.env.is_empty(),
        ]
        .contains(&false)
            || !c.charts.is_empty()
            || !c.artifacts.is_empty();
        if holds {
            out.deploy.push((f.rel.clone(), c, text.to_string()));
        }
    }
    if package {
        out.signals.extend(signals::from_package_json(rel, text));
    }
    if manifest {
        let dir = signals::dir_of(rel).to_string();
        if let Some(n) = manifests::declared_name(name, text) {
            out.project_names.push((n, dir.clone()));
        }
        let refs = manifests::references(rel, text);
        if !refs.is_empty() {
            out.refs.push((dir, refs));
        }
    }
    let Some(lang) = lang else {
        return;
    };
    out.signals.extend(signals::from_text(lang, rel, text));
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
    let uses: BTreeSet<(String, bool)> = extracted
        .accesses
        .iter()
        .filter(|a| a.confidence != Confidence::Low)
        .filter(|a| matches!(a.kind, AccessKind::Read | AccessKind::Write))
        .filter_map(|a| match &a.target {
            Target::Table(t) => Some((t.name.to_lowercase(), a.kind == AccessKind::Write)),
            _ => None,
        })
        .collect();
    if !uses.is_empty() {
        out.uses.push((f.rel.clone(), uses));
    }
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
    /// Tables defined only outside every service, that no one service uses.
    pub outside: usize,
}

impl Proposal {
    /// Every table's decision, by name.
    pub fn decisions(&self) -> BTreeMap<&str, Decision> {
        let dbs: Vec<Option<String>> = self
            .databases
            .iter()
            .map(|d| match d {
                DatabaseChoice::One(n, _) => Some(n.to_lowercase()),
                _ => None,
            })
            .collect();
        self.tables
            .iter()
            .map(|(t, sites)| {
                let bare = t.rsplit('.').next().unwrap_or(t).to_lowercase();
                let of = |m: &BTreeMap<String, BTreeSet<usize>>| -> Vec<usize> {
                    m.get(&bare)
                        .map(|u| u.iter().copied().collect())
                        .unwrap_or_default()
                };
                let code = tables::Code {
                    dbs: &dbs,
                    users: &of(&self.used_by),
                    writers: &of(&self.written_by),
                };
                let named = sites
                    .get(&None)
                    .and_then(|site| self.named_by(t, &site.path));
                (t.as_str(), tables::decide(sites, &code, named))
            })
            .collect()
    }

    /// Proposes as published API what other services' code imports through a
    /// tsconfig `paths` alias (`aliases`: (config directory, target), sorted, from
    /// `check`'s import index): the repository's build gives that code a name for the
    /// others to import it by (`common/*` → `packages/bp/src/common/*` in a shared
    /// config of plugins), which is what `public` says. An alias used only inside the
    /// target's own service, one onto a whole service, and test code are not an API.
    pub fn publish_aliases(&mut self, aliases: &[(String, String)]) {
        for (dir, target) in aliases {
            let Some(s) = self
                .services
                .iter_mut()
                .find(|s| s.paths.iter().any(|p| within(target, p)))
            else {
                continue;
            };
            if s.paths.iter().any(|p| within(dir, p)) {
                continue;
            }
            let config = if dir.is_empty() {
                "the repository root"
            } else {
                dir
            };
            s.publish(
                target,
                format!(
                    "other services import it by name through the tsconfig `paths` of {config}"
                ),
            );
        }
    }

    /// Proposes as published API the code of a service that code outside every
    /// service imports (`imports`: service name, the file or directory imported, the
    /// importing file; from `check`'s scan): shared libraries every service may be
    /// built with (harbor's `src/pkg` imports jobservice's `logger` and `job`), a
    /// bundle composing the services (ftgogo's monolith imports each one's `xxmod`),
    /// plugins. That code is shared in all but location. A whole service and its test
    /// code are not; imports by test code do not count.
    pub fn publish_shared(&mut self, imports: &[(String, String, String)]) {
        for (name, target, from) in imports {
            let Some(s) = self.services.iter_mut().find(|s| s.name == *name) else {
                continue;
            };
            s.publish(
                target,
                format!("code outside every service imports it ({from})"),
            );
        }
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for d in self.decisions().values() {
            match d {
                Decision::Owned { .. } | Decision::Each { .. } | Decision::Adopted { .. } => {
                    c.owned += 1
                }
                Decision::Undecided { .. } => c.undecided += 1,
                Decision::Outside => c.outside += 1,
            }
        }
        c
    }

    /// The one service whose name is the schema of `table` or is spelled by
    /// consecutive directories of `path` (`core-data` by `internal/core/data/…`).
    fn named_by(&self, table: &str, path: &str) -> Option<usize> {
        let by = |pred: &dyn Fn(&str) -> bool| -> Option<usize> {
            let hits: Vec<usize> = (0..self.services.len())
                .filter(|&s| pred(&self.services[s].name))
                .collect();
            match hits.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        };
        // Compared without separators: schema `orderhistory` names `order-history`.
        let bare = |s: &str| -> String { s.chars().filter(char::is_ascii_alphanumeric).collect() };
        if let Some((schema, _)) = table.split_once('.') {
            let schema = bare(&services::kebab(schema));
            if let Some(s) = by(&|name| bare(name) == schema) {
                return Some(s);
            }
        }
        let dirs: Vec<String> = signals::dir_of(path)
            .split('/')
            .map(services::kebab)
            .collect();
        let spelled: BTreeSet<String> = (1..=3)
            .flat_map(|n| dirs.windows(n).map(|w| w.join("-")))
            .collect();
        by(&|name| spelled.contains(name))
    }

    /// The schema of service `s`: every table its code creates is qualified with
    /// the same schema (other than `public`).
    fn schema_of(&self, s: usize) -> Option<(String, At)> {
        let mut schema: Option<(String, At)> = None;
        for (t, sites) in &self.tables {
            let Some(site) = sites.get(&Some(s)).filter(|x| {
                x.evidence == Evidence::Creates
                    && !x.path.split('/').any(services::is_test_code_dir)
            }) else {
                continue;
            };
            let (sch, _) = t.split_once('.')?;
            match &schema {
                Some((known, _)) if known != sch => return None,
                Some(_) => {}
                None => {
                    schema = Some((
                        sch.to_string(),
                        At {
                            path: site.path.clone(),
                            line: site.line,
                        },
                    ))
                }
            }
        }
        schema
    }
}
#[cfg(test)]
mod tests {
    use super::render::scalar;
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
                paths: vec!["services/catalog".into()],
                why: "a directory below a services directory".into(),
                runs: true,
                api: Vec::new(),
                migrators: Vec::new(),
                shown: Vec::new(),
            },
            ServiceDir {
                name: "orders".into(),
                paths: vec!["services/orders".into()],
                why: "a directory below a services directory".into(),
                runs: true,
                api: Vec::new(),
                migrators: Vec::new(),
                shown: Vec::new(),
            },
            ServiceDir {
                name: "on".into(),
                paths: vec!["services/on, off\n".into()],
                why: "a directory below a services directory".into(),
                runs: true,
                api: Vec::new(),
                migrators: Vec::new(),
                shown: Vec::new(),
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
        assert!(
            y.contains("  # a directory below a services directory\n  catalog:\n"),
            "every service says why it is one: {y}"
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
            y.contains("#   seeds: created in infra/seed?.sql:1; no service uses it\n"),
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
    fn each_table_is_listed_once_in_the_spelling_check_matches() {
        let mut tables: BTreeMap<String, BTreeMap<Option<usize>, Site>> = BTreeMap::new();
        let mut add = |t: &str, s: Option<usize>, e: Evidence| {
            tables
                .entry(t.to_string())
                .or_default()
                .insert(s, site(e, "f", 1));
        };
        add("orders", Some(0), Evidence::Maps);
        add("ordering.orders", Some(0), Evidence::Creates);
        add("customers", Some(0), Evidence::Maps);
        add("customers", Some(1), Evidence::Maps);
        add("a.customers", Some(0), Evidence::Creates);
        add("b.customers", Some(1), Evidence::Creates);
        add("OrderItems", Some(0), Evidence::Creates);
        add("orderitems", Some(0), Evidence::Maps);
        add("items", None, Evidence::Maps);
        add("x.items", Some(2), Evidence::Creates);
        let mut views = BTreeSet::new();
        merge_spellings(&mut tables, &mut views);
        let names: Vec<&str> = tables.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "OrderItems",
                "a.customers",
                "b.customers",
                "ordering.orders",
                "x.items"
            ]
        );
        assert_eq!(tables["x.items"].len(), 2, "the outside mapping joined");
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
