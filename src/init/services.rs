//! Which directories are services: the first half of `ownlint init`.
//!
//! A service is something that is deployed or runs, so the rules (documented in
//! docs/init.md) look for that evidence, not for project files alone:
//!
//! 1. A directory directly below a *container* (`services/`, `apps/`,
//!    `microservices/`) that holds code is a service: the layout says so. Everything
//!    below it belongs to it.
//! 2. Elsewhere, a [`Signal`] (a Dockerfile, a compose service's build context, an
//!    entry point such as `package main`, `Program.cs`, `@SpringBootApplication`, a
//!    `[[bin]]`, a `start` script, or migrations that create tables) makes the
//!    nearest enclosing project directory a service (the directory holding a
//!    manifest: [`MANIFESTS`], `*.csproj`), or the signal's own directory when the
//!    project is the repository root or a workspace of several programs (entry points
//!    in two or more of its child directories, as `cmd/a`, `cmd/b`). The directory
//!    must hold code; the outermost such directory wins.
//! 3. A project with no signal is a library. It joins a service when it is a sibling
//!    named after it (`Ordering.Domain` and `Ordering.Infrastructure` beside
//!    `Ordering.API`; `order-service-api` beside `order-service`; `order-dataaccess`
//!    beside `order-app`): they deploy together. A multi-module parent directory
//!    with one program below it is the service. Otherwise it stays outside every service and the proposal says so.
//! 4. Nothing inside a library or tooling directory ([`NOT_SERVICES`]), a test
//!    project or a template is a service, and the repository root never is.
//!
//! Service names are the directory's name in kebab-case; when two directories share a
//! name, their parent's name is prefixed (`apps-web`, `services-web`).

use crate::lang::Language;
use crate::registry::paths::{is_glob, within};
use std::collections::{BTreeMap, BTreeSet};

/// Directories whose children are services.
pub const CONTAINERS: &[&str] = &["services", "apps", "microservices"];

/// File names that make their directory a project.
pub const MANIFESTS: &[&str] = &[
    "Cargo.toml",
    "package.json",
    "pyproject.toml",
    "setup.py",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
];

/// Directory names that hold shared code, tooling or third-party code, never services.
pub const NOT_SERVICES: &[&str] = &[
    "libs",
    "lib",
    "shared",
    "common",
    "tools",
    "scripts",
    "examples",
    "example",
    "samples",
    "docs",
    "doc",
    "dev",
    "hack",
    "test",
    "tests",
    "testdata",
    "testing",
    "e2e",
    "__tests__",
    "fixtures",
    "vendor",
    "third_party",
    "third-party",
    "node_modules",
    "target",
    "build",
    "dist",
    "template",
    "templates",
    "scaffold",
    "skeleton",
    "boilerplate",
];

/// The directories where a project keeps its own sources: a root project's program
/// there is the root's.
const ROOT_SOURCES: &[&str] = &["src", "app", "lib", "main"];

/// Why a directory runs or is deployed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    /// The directory the evidence points at (the file's directory, or a compose
    /// service's build context), relative to the root (`""`: the root).
    pub dir: String,
    /// What it is, for the proposal's comment: "a Dockerfile", "`package main`
    /// (cmd/x/main.go)".
    pub what: String,
    /// True for an entry point or a deployment (counted to tell a workspace of
    /// programs); false for migrations.
    pub runs: bool,
    /// True for a deployment of its own (a Dockerfile, a compose build, a Kubernetes
    /// workload, a Helm chart, a skaffold artifact); false for an entry point alone.
    pub deployed: bool,
}

/// A proposed service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceDir {
    /// Its registry name (kebab-case, unique).
    pub name: String,
    /// Its directories, relative to the repository root: the deployable first, then
    /// the sibling projects that deploy with it.
    pub paths: Vec<String>,
    /// Why it is a service, and which siblings joined it.
    pub why: String,
    /// False when only its migrations make it one: a schema library the programs
    /// compile against (its code is proposed as `public`).
    pub runs: bool,
    /// The joined siblings that are its published API (`order-service-api`,
    /// `order-service-contracts`), proposed as `public`.
    pub api: Vec<String>,
    /// The programs that only migrate its schema, which joined it (not `public`).
    pub migrators: Vec<String>,
    /// The entries of `api` other services' code showed to be published (imported
    /// through a tsconfig `paths` alias, or by shared code outside every service),
    /// each with why, said in a comment.
    pub shown: Vec<(String, String)>,
}

impl ServiceDir {
    /// Adds `target`, a file or directory inside it, to its published API (in place
    /// of the entries inside it), with why, for the proposal's comment. The whole
    /// service, its test code and what its API already holds are passed over.
    pub fn publish(&mut self, target: &str, why: String) {
        if self.paths.iter().any(|p| within(p, target))
            || target.split('/').any(is_test_code_dir)
            || self.api.iter().any(|a| within(target, a))
        {
            return;
        }
        self.api.retain(|a| !within(a, target));
        self.shown.retain(|(a, _)| !within(a, target));
        self.api.push(target.to_string());
        self.api.sort();
        self.shown.push((target.to_string(), why));
    }
}

/// Last name parts of a sibling project that publishes its service's API, which other
/// services compile against.
const API_PARTS: &[&str] = &[
    "api",
    "contracts",
    "contract",
    "client",
    "sdk",
    "proto",
    "events",
    "messages",
    "spec",
];

/// True when the joined sibling `path` is its service's published API
/// (`ftgo-order-service-api`, `Ordering.Contracts`), not its implementation
/// (`Ordering.Domain`).
fn is_api_sibling(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.rsplit(['.', '-', '_'])
        .next()
        .is_some_and(|last| API_PARTS.contains(&last))
}

/// Why a bundle of services is left out.
const BUNDLE: &str = "a bundle: its build takes in two or more services' programs, which it runs together (a development server or an orchestration host), so it is not a service of its own";

/// Directory names that hold a service's contract with its clients: protobuf
/// definitions (which other services compile into their gRPC clients) and client
/// packages.
const CONTRACT_DIRS: &[&str] = &["proto", "protos", "client", "clients", "sdk"];

/// The outermost directory of `dir` (itself or an ancestor, never the first
/// component) named like a contract ([`CONTRACT_DIRS`]), outside test and library
/// directories: `src/Basket.API/Proto`, `src/registryctl/client`.
fn contract_dir(dir: &str) -> Option<String> {
    let parts: Vec<&str> = dir.split('/').collect();
    let i = (1..parts.len())
        .find(|&i| CONTRACT_DIRS.contains(&parts[i].to_ascii_lowercase().as_str()))?;
    let c = parts[..=i].join("/");
    may_hold_services(&c).then_some(c)
}

/// A project that is not a service, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Left {
    pub path: String,
    pub why: &'static str,
}

/// What service discovery found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    /// The services, sorted by name.
    pub services: Vec<ServiceDir>,
    /// Projects left outside every service, sorted by path.
    pub left: Vec<Left>,
}

/// True when `name` is a project manifest.
pub fn is_manifest(name: &str) -> bool {
    MANIFESTS.contains(&name)
        || name
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && ext.eq_ignore_ascii_case("csproj"))
}

/// True for a test project's directory name (`Ordering.UnitTests`, `api-tests`,
/// `integration_test`).
fn is_test_name(dir: &str) -> bool {
    let d = dir.to_ascii_lowercase();
    ["tests", "test", "specs", "e2e", "it"].iter().any(|t| {
        d.ends_with(&format!(".{t}"))
            || d.ends_with(&format!("-{t}"))
            || d.ends_with(&format!("_{t}"))
    }) || d.ends_with("tests")
}

/// True for a directory of test code or test data inside a project (`src/test`).
pub fn is_test_code_dir(d: &str) -> bool {
    matches!(
        d.to_ascii_lowercase().as_str(),
        "test" | "tests" | "e2e" | "__tests__" | "testdata" | "fixtures" | "examples" | "example"
    )
}

/// True when no component of `dir` rules a service out: a library, tooling, test or
/// template directory, or a placeholder (`{{name}}`).
fn may_hold_services(dir: &str) -> bool {
    !dir.split('/').any(|d| {
        NOT_SERVICES.contains(&d.to_ascii_lowercase().as_str())
            || is_test_name(d)
            || d.contains("{{")
    })
}

/// What `dir` is left out as.
fn left_reason(dir: &str) -> &'static str {
    let parts: Vec<&str> = dir.split('/').collect();
    let lower = |d: &&str| d.to_ascii_lowercase();
    if parts.iter().any(|d| {
        let d = lower(d);
        matches!(
            d.as_str(),
            "template" | "templates" | "scaffold" | "skeleton" | "boilerplate"
        ) || d.contains("{{")
    }) {
        "a template"
    } else if parts.iter().any(|d| {
        is_test_name(d)
            || matches!(
                lower(d).as_str(),
                "test" | "tests" | "testing" | "e2e" | "__tests__"
            )
    }) {
        "a test project"
    } else if parts
        .iter()
        .any(|d| matches!(lower(d).as_str(), "examples" | "example" | "samples"))
    {
        "an example"
    } else {
        "a library: nothing in it is deployed or runs"
    }
}

/// The services among the repository's files (`/`-separated paths relative to the
/// root) given the run and deploy evidence found in them.
///
/// `deps` maps a project directory to the project directories its manifest depends on
/// ([`super::manifests`]): a unit whose build takes in two or more other units'
/// programs is a bundle of them, not a service, and a schema library joins the one
/// program built with it.
pub fn find<'a>(
    files: impl IntoIterator<Item = &'a str>,
    signals: &[Signal],
    deps: &BTreeMap<String, BTreeSet<String>>,
    tables_in: &BTreeSet<String>,
) -> Discovery {
    let mut containers: BTreeSet<String> = BTreeSet::new();
    let mut projects: BTreeSet<String> = BTreeSet::new();
    let mut root_project = false;
    let mut code_dirs: BTreeSet<String> = BTreeSet::new();
    let mut contracts: BTreeSet<String> = BTreeSet::new();
    for file in files {
        let Some((dir, name)) = file.rsplit_once('/') else {
            // A file at the root: the root is never a service.
            root_project |= is_manifest(file);
            continue;
        };
        if let Some(c) = contract_dir(dir) {
            contracts.insert(c);
        }
        let manifest = is_manifest(name);
        let lang = Language::of(file);
        if !manifest && lang.is_none() {
            continue;
        }
        // A directory of SQL scripts alone (a database image's init scripts) runs
        // nothing of its own.
        if lang.is_some_and(|l| l != Language::Sql) {
            code_dirs.insert(dir.to_string());
        }
        let dirs: Vec<&str> = dir.split('/').collect();
        if let Some(root) = container_root(&dirs) {
            containers.insert(root);
        }
        if manifest {
            projects.insert(dir.to_string());
        }
    }
    // A services directory none of whose children runs holds libraries (integration
    // crates, say), not services.
    let parent = |c: &str| {
        c.rsplit_once('/')
            .map_or(String::new(), |(p, _)| p.to_string())
    };
    let trusted: BTreeSet<String> = containers
        .iter()
        .filter(|c| signals.iter().any(|s| within(&s.dir, c)))
        .map(|c| parent(c))
        .collect();
    containers.retain(|c| trusted.contains(&parent(c)));
    // In a services directory where some children run, a child with no evidence of
    // its own (nothing in it runs, is deployed, migrates or maps a table, outside its
    // tests) is the
    // shared code of its siblings (`services/utils`, `services/data`), not a service.
    let outside_tests =
        |d: &str, c: &str| within(d, c) && !d[c.len()..].split('/').any(is_test_code_dir);
    let evidence_in = |c: &str| {
        signals.iter().any(|s| outside_tests(&s.dir, c))
            || tables_in.iter().any(|d| outside_tests(d, c))
    };
    let shared: Vec<String> = containers
        .iter()
        .filter(|c| !evidence_in(c))
        .cloned()
        .collect();
    containers.retain(|c| evidence_in(c));
    for c in &containers {
        projects.retain(|p| !within(p, c));
    }

    let holds_code = |d: &str| {
        code_dirs
            .range(d.to_string()..)
            .take_while(|c| c.starts_with(d))
            .any(|c| within(c, d))
    };
    // The nearest project at or above `d`: a walk up its directories, so that the cost
    // is the depth, not the number of projects.
    let project_of = |d: &str| -> Option<&String> {
        let mut cur = d;
        loop {
            if let Some(p) = projects.get(cur) {
                return Some(p);
            }
            cur = cur.rsplit_once('/')?.0;
        }
    };

    // Projects holding programs in two or more child directories are workspaces.
    let mut children: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in signals.iter().filter(|s| s.runs) {
        if let Some(p) = project_of(&s.dir) {
            let rest = s.dir[p.len()..].trim_start_matches('/');
            children
                .entry(p.as_str())
                .or_default()
                .insert(rest.split('/').next().unwrap_or(""));
        }
    }
    let workspace = |p: &str| children.get(p).is_some_and(|c| c.len() >= 2);
    let enclosing_project = |d: &str| -> Option<&String> { project_of(d.rsplit_once('/')?.0) };
    // For each project, the child directories that hold a program (computed once:
    // each program counts for every project above it).
    let mut programs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in signals.iter().filter(|s| s.runs) {
        let mut cur = s.dir.as_str();
        while let Some((parent, _)) = cur.rsplit_once('/') {
            if let Some(p) = projects.get(parent) {
                let child = s.dir[p.len()..].trim_start_matches('/');
                programs
                    .entry(p.as_str())
                    .or_default()
                    .insert(child.split('/').next().unwrap_or(""));
            }
            cur = parent;
        }
    }
    let programs_below = |p: &str| programs.get(p).map_or(0, BTreeSet::len);

    let running: Vec<&str> = signals
        .iter()
        .filter(|s| s.runs)
        .map(|s| s.dir.as_str())
        .collect();
    // The deployable units, with the first evidence for each.
    let mut units: BTreeMap<String, String> = BTreeMap::new();
    // The units where a program or deployment lies.
    let mut programs_at: BTreeSet<String> = BTreeSet::new();
    let deployments: Vec<&str> = signals
        .iter()
        .filter(|s| s.deployed)
        .map(|s| s.dir.as_str())
        .collect();
    let mut signals: Vec<&Signal> = signals.iter().collect();
    signals.sort_by(|a, b| (!a.runs, &a.dir, &a.what).cmp(&(!b.runs, &b.dir, &b.what)));
    for s in signals {
        if containers.iter().any(|c| within(&s.dir, c)) {
            continue;
        }
        let project = project_of(&s.dir);
        // The root project's own sources (`src/main.rs` of a root crate) are the
        // root's, which is never a service.
        let first = s.dir.split('/').next().unwrap_or("");
        if project.is_none() && root_project && ROOT_SOURCES.contains(&first) {
            continue;
        }
        let mut unit = match project {
            Some(p) if !workspace(p) => p.clone(),
            _ => s.dir.clone(),
        };
        // A multi-module parent (`order-service/` above `order-app/`,
        // `order-dataaccess/`) is the service when this is its only program.
        while let Some(parent) = enclosing_project(&unit) {
            if programs_below(parent) >= 2 {
                break;
            }
            unit = parent.clone();
        }
        let inner = s.dir[unit.len()..].trim_start_matches('/');
        if unit.is_empty()
            || !may_hold_services(&unit)
            || inner.split('/').any(is_test_code_dir)
            || !holds_code(&unit)
        {
            continue;
        }
        if s.runs {
            programs_at.insert(unit.clone());
        }
        units.entry(unit).or_insert_with(|| s.what.clone());
    }
    // A directory holding two or more programs aggregates them (a compose build
    // context of `.`); otherwise the outermost wins (sorted order puts a parent
    // first), so a Dockerfile's directory holding its program and its migrations
    // is one service.
    units.retain(|u, _| {
        programs_at
            .iter()
            .filter(|o| *o != u && within(o, u))
            .count()
            < 2
    });
    for c in &containers {
        units.retain(|u, _| !within(u, c) && !within(c, u));
        units.insert(
            c.clone(),
            "a directory below a services directory".to_string(),
        );
    }
    let mut kept: Vec<(String, String)> = Vec::new();
    for (u, why) in units {
        if !kept.iter().any(|(k, _)| within(&u, k)) && !is_glob(&u) {
            kept.push((u, why));
        }
    }

    // A unit runs when a program or deployment lies in it (outside its test code).
    let runs_in = |path: &str| {
        containers.contains(path)
            || running
                .iter()
                .any(|r| within(r, path) && !r[path.len()..].split('/').any(is_test_code_dir))
    };
    // What each unit's build depends on: the project directories its own manifests
    // (not its tests') name.
    let depends_on = |unit: &str| -> BTreeSet<&String> {
        deps.iter()
            .filter(|(p, _)| within(p, unit) && may_hold_services(&p[unit.len()..]))
            .flat_map(|(_, d)| d.iter())
            .filter(|d| !within(d, unit))
            .collect()
    };
    let mut left: Vec<Left> = Vec::new();
    // A bundle: a unit whose build takes in the programs of two or more other units
    // (a standalone development server, an orchestration host) runs them together; it
    // is not a service of its own.
    let bundles: BTreeSet<String> = kept
        .iter()
        .filter(|(u, _)| {
            let programs: BTreeSet<&String> = depends_on(u)
                .into_iter()
                .filter(|d| {
                    running
                        .iter()
                        .any(|r| within(r, d) && !r[d.len()..].split('/').any(is_test_code_dir))
                })
                .filter_map(|d| {
                    kept.iter()
                        .map(|(k, _)| k)
                        .find(|k| *k != u && within(d, k))
                })
                .collect();
            programs.len() >= 2
        })
        .map(|(u, _)| u.clone())
        .collect();
    kept.retain(|(u, _)| !bundles.contains(u));
    left.extend(bundles.into_iter().map(|path| Left { path, why: BUNDLE }));
    // A schema library (a unit only migrations make one) joins the one program whose
    // build depends on it, else the running sibling named after it
    // (`Ordering.Infrastructure` beside `Ordering.API`): they deploy together.
    let mut libraries: BTreeMap<String, String> = BTreeMap::new();
    let programs: Vec<(String, String)> =
        kept.iter().filter(|(u, _)| runs_in(u)).cloned().collect();
    // A launcher: a program deployed by nothing of its own whose build takes in one
    // other program and nothing else of the repository (a container that runs
    // several brokers in one process) runs that program in another shape; it deploys
    // with it. A program that also builds on shared code (a proxy reusing a broker's
    // classes beside its own protocol and client libraries), or that has a
    // deployment of its own (a gateway with its Dockerfile), is a service.
    let mut launchers: BTreeSet<String> = BTreeSet::new();
    // Deployed on its own (a Dockerfile, a compose build, a workload): a service.
    let deployed_in = |u: &str| deployments.iter().any(|d| within(d, u));
    for (u, _) in programs.iter().filter(|(u, _)| !deployed_in(u)) {
        let deps = depends_on(u);
        let mut hosts = programs
            .iter()
            .map(|(p, _)| p)
            .filter(|p| *p != u && deps.iter().any(|d| within(d, p)));
        let (Some(host), None) = (hosts.next(), hosts.next()) else {
            continue;
        };
        if deps.iter().all(|d| within(d, host)) && !depends_on(host).iter().any(|d| within(d, u)) {
            libraries.insert(u.clone(), host.clone());
            launchers.insert(u.clone());
        }
    }
    for (k, _) in kept
        .iter()
        .filter(|(u, _)| !runs_in(u) && !launchers.contains(u))
    {
        let users: Vec<&String> = programs
            .iter()
            .map(|(p, _)| p)
            .filter(|p| depends_on(p).iter().any(|d| within(d, k) || within(k, d)))
            .collect();
        let target = match users.as_slice() {
            [one] => Some((*one).clone()),
            [] => sibling_service(k, &programs).map(|i| programs[i].0.clone()),
            _ => None,
        };
        if let Some(t) = target {
            libraries.insert(k.clone(), t);
        }
    }
    kept.retain(|(u, _)| !libraries.contains_key(u));

    // Projects without a signal: siblings named after a service join it; the rest
    // are left out.
    let mut joined: Vec<Vec<String>> = kept
        .iter()
        .map(|(k, _)| {
            libraries
                .iter()
                .filter(|(_, t)| *t == k)
                .map(|(l, _)| l.clone())
                .collect()
        })
        .collect();
    for p in &projects {
        if kept.iter().any(|(k, _)| within(p, k) || within(k, p))
            || left.iter().any(|l| within(p, &l.path))
            || libraries.keys().any(|l| within(p, l))
        {
            continue;
        }
        if !may_hold_services(p) || is_glob(p) {
            left.push(Left {
                path: p.clone(),
                why: left_reason(p),
            });
            continue;
        }
        match sibling_service(p, &kept) {
            Some(i) => joined[i].push(p.clone()),
            None => left.push(Left {
                path: p.clone(),
                why: left_reason(p),
            }),
        }
    }
    for c in shared {
        let covered = kept.iter().any(|(k, _)| within(&c, k) || within(k, &c))
            || joined
                .iter()
                .flatten()
                .any(|j| within(&c, j) || within(j, &c))
            || left
                .iter()
                .any(|l| within(&c, &l.path) || within(&l.path, &c));
        if !covered {
            left.push(Left {
                path: c,
                why: "shared code of the services beside it: nothing in it runs, is deployed, migrates or maps a table",
            });
        }
    }
    // Drop projects nested in one already left out.
    left.sort_by(|a, b| a.path.cmp(&b.path));
    let mut outer: Vec<Left> = Vec::new();
    for l in left {
        if !outer.iter().any(|o| within(&l.path, &o.path)) {
            outer.push(l);
        }
    }

    let dirs: Vec<String> = kept.iter().map(|(k, _)| k.clone()).collect();
    let mut services: Vec<ServiceDir> = name_services(&dirs)
        .into_iter()
        .zip(kept)
        .zip(joined)
        .map(|((name, (path, why)), mut siblings)| {
            siblings.sort();
            let mut why = why;
            let (run_it, deploy_with): (Vec<String>, Vec<String>) = siblings
                .iter()
                .cloned()
                .partition(|p| launchers.contains(p));
            if !deploy_with.is_empty() {
                why.push_str("; with the sibling projects that deploy with it");
            }
            if !run_it.is_empty() {
                why.push_str(&format!(
                    "; with {}, built on it alone to run it",
                    run_it.join(", ")
                ));
            }
            let runs = runs_in(&path);
            let mut paths = vec![path];
            paths.extend(siblings);
            let mut api: Vec<String> = paths[1..]
                .iter()
                .filter(|p| is_api_sibling(p))
                .cloned()
                .collect();
            // Its contract directories (`Proto`, `client`), outermost first.
            for c in &contracts {
                if paths.iter().any(|p| within(c, p) && c != p) && !api.iter().any(|a| within(c, a))
                {
                    api.push(c.clone());
                }
            }
            ServiceDir {
                name,
                paths,
                why,
                runs,
                api,
                migrators: Vec::new(),
                shown: Vec::new(),
            }
        })
        .collect();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Discovery {
        services,
        left: outer,
    }
}

/// The service a signal-less project `p` deploys with: a sibling (same parent
/// directory) whose name `p`'s extends (`order-service-api` of `order-service`) or
/// differs from only in its last part (`Ordering.Domain` of `Ordering.API`,
/// `customer-dataaccess` of `customer-app`). The longest extended name wins; a tie is
/// no answer.
fn sibling_service(p: &str, kept: &[(String, String)]) -> Option<usize> {
    let (parent, name) = p.rsplit_once('/').unwrap_or(("", p));
    let name = name.to_ascii_lowercase();
    let mut best: Option<(usize, usize)> = None;
    let mut tie = false;
    for (i, (k, _)) in kept.iter().enumerate() {
        let (kparent, kname) = k.rsplit_once('/').unwrap_or(("", k));
        if kparent != parent {
            continue;
        }
        let kname = kname.to_ascii_lowercase();
        let extends = name.len() > kname.len()
            && name.starts_with(&kname)
            && matches!(name.as_bytes()[kname.len()], b'-' | b'_' | b'.');
        let stem = |n: &str| n.rsplit_once(['.', '-', '_']).map(|(a, _)| a.to_string());
        let shares = stem(&name).is_some_and(|a| !a.is_empty() && Some(a) == stem(&kname));
        if !(extends || shares) {
            continue;
        }
        let strength = if extends { kname.len() } else { 0 };
        match best {
            Some((_, b)) if b > strength => {}
            Some((_, b)) if b == strength => tie = true,
            _ => {
                best = Some((i, strength));
                tie = false;
            }
        }
    }
    best.filter(|_| !tie).map(|(i, _)| i)
}

/// `services/<name>` (at any depth) when `dirs` lies inside such a directory and no
/// library directory comes first.
fn container_root(dirs: &[&str]) -> Option<String> {
    for (i, d) in dirs.iter().enumerate() {
        if !may_hold_services(d) {
            return None;
        }
        if CONTAINERS.contains(&d.to_ascii_lowercase().as_str()) && i + 1 < dirs.len() {
            if !may_hold_services(dirs[i + 1]) {
                return None;
            }
            return Some(dirs[..=i + 1].join("/"));
        }
    }
    None
}

/// Gives each directory a unique kebab-case name, in the order given.
fn name_services(paths: &[String]) -> Vec<String> {
    // Candidate names from the most to the least readable; the last (the whole path)
    // is unique because the paths are.
    let candidates = |p: &str| -> Vec<String> {
        let parts: Vec<&str> = p.split('/').collect();
        let n = parts.len();
        let mut c = vec![kebab(parts[n - 1])];
        if n >= 2 {
            c.push(kebab(&parts[n - 2..].join("-")));
        }
        c.push(kebab(&parts.join("-")));
        c
    };
    let mut level = vec![0usize; paths.len()];
    loop {
        let names: Vec<String> = paths
            .iter()
            .zip(&level)
            .map(|(p, &l)| {
                let c = candidates(p);
                c[l.min(c.len() - 1)].clone()
            })
            .collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for n in &names {
            *count.entry(n.as_str()).or_default() += 1;
        }
        let mut changed = false;
        for (i, n) in names.iter().enumerate() {
            // An empty name (no ASCII letter or digit) stays empty: prefixing the
            // parent would name the service after `services`.
            if count[n.as_str()] > 1 && !n.is_empty() && level[i] + 1 < candidates(&paths[i]).len()
            {
                level[i] += 1;
                changed = true;
            }
        }
        if !changed {
            let mut out: Vec<String> = Vec::new();
            let mut used: BTreeSet<String> = BTreeSet::new();
            for (i, name) in names.into_iter().enumerate() {
                // Names made only of characters kebab-case drops (`日本`), or still
                // equal after every candidate, get a numbered name.
                let mut name = if name.is_empty() {
                    format!("service-{}", i + 1)
                } else {
                    name
                };
                let mut k = 2;
                while used.contains(&name) {
                    name = format!("{name}-{k}");
                    k += 1;
                }
                used.insert(name.clone());
                out.push(name);
            }
            return out;
        }
    }
}

/// `OrderService`, `order_service`, `Order Service` → `order-service`: ASCII letters
/// and digits, lower case, words joined by single dashes.
pub fn kebab(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    let mut gap = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if (gap || (prev_lower && c.is_ascii_uppercase())) && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
            prev_lower = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(dir: &str) -> Signal {
        Signal {
            dir: dir.to_string(),
            what: format!("an entry point ({dir})"),
            runs: true,
            deployed: false,
        }
    }

    fn found(files: &[&str], signals: &[Signal]) -> Vec<(String, Vec<String>)> {
        find(
            files.iter().copied(),
            signals,
            &BTreeMap::new(),
            &BTreeSet::new(),
        )
        .services
        .into_iter()
        .map(|s| (s.name, s.paths))
        .collect()
    }

    fn svc(name: &str, paths: &[&str]) -> (String, Vec<String>) {
        (
            name.to_string(),
            paths.iter().map(|p| p.to_string()).collect(),
        )
    }

    #[test]
    fn container_children_with_code_are_services_and_own_their_nested_crates() {
        let files = [
            "Cargo.toml",
            "services/orders/Cargo.toml",
            "services/orders/src/lib.rs",
            "services/users/users-db/Cargo.toml",
            "services/users/users-db/src/lib.rs",
            "services/catalog/catalog-api/Cargo.toml",
            "services/catalog/migrations/001.sql",
            "services/inventory/src/stock.rs",
            "services/README.md",
            "services/docs-only/README.md",
        ];
        let signals = [
            sig("services/orders/src"),
            sig("services/users/users-db"),
            Signal {
                dir: "services/catalog/migrations".into(),
                what: "migrations".into(),
                runs: false,
                deployed: false,
            },
            sig("services/inventory/tests"),
        ];
        assert_eq!(
            found(&files, &signals),
            vec![
                svc("catalog", &["services/catalog"]),
                svc("orders", &["services/orders"]),
                svc("users", &["services/users"]),
            ]
        );
        // A child with no evidence of its own (its tests' do not count) is its
        // siblings' shared code.
        let d = find(
            files.iter().copied(),
            &signals,
            &BTreeMap::new(),
            &BTreeSet::new(),
        );
        assert!(
            d.left
                .iter()
                .any(|l| l.path == "services/inventory" && l.why.starts_with("shared code")),
            "{d:?}"
        );
        // Code that defines or writes tables is a service's own data.
        let tables_in = BTreeSet::from(["services/inventory/src".to_string()]);
        let d = find(
            files.iter().copied(),
            &signals,
            &BTreeMap::new(),
            &tables_in,
        );
        assert!(d.services.iter().any(|s| s.name == "inventory"), "{d:?}");
        // A services directory where nothing runs holds libraries.
        let d = find(
            files.iter().copied(),
            &[],
            &BTreeMap::new(),
            &BTreeSet::new(),
        );
        assert!(d.services.is_empty(), "{d:?}");
        assert!(d.left.iter().any(|l| l.path == "services/orders"), "{d:?}");
    }

    #[test]
    fn only_what_runs_is_a_service_and_siblings_deploy_together() {
        let files = [
            "src/Ordering.API/Ordering.API.csproj",
            "src/Ordering.API/Program.cs",
            "src/Ordering.Domain/Ordering.Domain.csproj",
            "src/Ordering.Domain/Order.cs",
            "src/Ordering.Infrastructure/Ordering.Infrastructure.csproj",
            "src/Ordering.Infrastructure/Db.cs",
            "src/EventBus/EventBus.csproj",
            "src/EventBus/Bus.cs",
            "src/Catalog.API/Catalog.API.csproj",
            "src/Catalog.API/Program.cs",
            "tests/Ordering.UnitTests/Ordering.UnitTests.csproj",
            "tests/Ordering.UnitTests/Program.cs",
            "templates/svc/Svc.csproj",
            "templates/svc/Program.cs",
            "order-service/pom.xml",
            "order-service/src/main/java/App.java",
            "order-service-api/pom.xml",
            "order-service-api/src/main/java/Api.java",
            // Maintainers' tooling with entry points (a `__main__` guard, `main`).
            "dev/merge_pr.py",
            "hack/verify/main.go",
        ];
        let signals = [
            sig("dev"),
            sig("hack/verify"),
            sig("src/Ordering.API"),
            sig("src/Catalog.API"),
            sig("tests/Ordering.UnitTests"),
            sig("templates/svc"),
            sig("order-service/src/main/java"),
        ];
        let api: Vec<(String, Vec<String>)> = find(
            files.iter().copied(),
            &signals,
            &BTreeMap::new(),
            &BTreeSet::new(),
        )
        .services
        .into_iter()
        .map(|s| (s.name, s.api))
        .filter(|(_, api)| !api.is_empty())
        .collect();
        assert_eq!(
            api,
            vec![svc("order-service", &["order-service-api"])],
            "a joined `-api` sibling is public, `.Domain` is not"
        );
        assert_eq!(
            found(&files, &signals),
            vec![
                svc("catalog-api", &["src/Catalog.API"]),
                svc("order-service", &["order-service", "order-service-api"]),
                svc(
                    "ordering-api",
                    &[
                        "src/Ordering.API",
                        "src/Ordering.Domain",
                        "src/Ordering.Infrastructure"
                    ]
                ),
            ]
        );
        let left: Vec<(String, &str)> = find(
            files.iter().copied(),
            &signals,
            &BTreeMap::new(),
            &BTreeSet::new(),
        )
        .left
        .into_iter()
        .map(|l| (l.path, l.why))
        .collect();
        assert_eq!(
            left,
            vec![
                (
                    "src/EventBus".to_string(),
                    "a library: nothing in it is deployed or runs"
                ),
                ("templates/svc".to_string(), "a template"),
                ("tests/Ordering.UnitTests".to_string(), "a test project"),
            ]
        );
    }

    #[test]
    fn programs_of_a_root_project_or_a_workspace_are_services_each() {
        let files = [
            "go.mod",
            "cmd/core-data/main.go",
            "cmd/core-metadata/main.go",
            "internal/core/data/db.go",
            "src/go.mod",
            "src/core/main.go",
            "src/jobservice/main.go",
            "src/pkg/dao.go",
            "db/Dockerfile",
            "db/init.sql",
            "java/pom.xml",
            "java/src/main/java/org/samples/App.java",
            "java/src/test/java/T.java",
        ];
        let signals = [
            sig("cmd/core-data"),
            sig("cmd/core-metadata"),
            sig("src/core"),
            sig("src/jobservice"),
            sig("db"),
            sig("java/src/main/java/org/samples"),
            sig("java/src/test/java"),
            sig(""),
        ];
        assert_eq!(
            found(&files, &signals),
            vec![
                svc("core", &["src/core"]),
                svc("core-data", &["cmd/core-data"]),
                svc("core-metadata", &["cmd/core-metadata"]),
                svc("java", &["java"]),
                svc("jobservice", &["src/jobservice"]),
            ]
        );
    }

    #[test]
    fn a_directory_aggregating_units_is_not_one() {
        let files = ["src/a/x.py", "src/b/y.py"];
        let signals = [sig("src"), sig("src/a"), sig("src/b")];
        assert_eq!(
            found(&files, &signals),
            vec![svc("a", &["src/a"]), svc("b", &["src/b"])]
        );
    }

    /// A Dockerfile's directory holding its program and its migrations
    /// (`orders/app`, `orders/migrations/versions`) is one service, not an aggregate.
    #[test]
    fn a_deployed_directory_with_its_program_and_migrations_is_one_service() {
        let files = [
            "orders/Dockerfile",
            "orders/app/__init__.py",
            "orders/migrations/versions/001.py",
        ];
        let signals = [
            sig("orders"),
            sig("orders/app"),
            Signal {
                dir: "orders/migrations/versions".into(),
                what: "migrations".into(),
                runs: false,
                deployed: false,
            },
        ];
        assert_eq!(found(&files, &signals), vec![svc("orders", &["orders"])]);
    }

    #[test]
    fn clashing_names_get_their_parent_and_names_are_kebab_case() {
        let files = [
            "apps/web/package.json",
            "services/web/go.mod",
            "services/OrderService/OrderService.csproj",
            "services/user_accounts/pyproject.toml",
            "services/日本/go.mod",
        ];
        assert_eq!(
            found(
                &files,
                &[
                    sig("apps/web"),
                    sig("services/web"),
                    sig("services/OrderService"),
                    sig("services/user_accounts"),
                    sig("services/日本")
                ]
            ),
            vec![
                svc("apps-web", &["apps/web"]),
                svc("order-service", &["services/OrderService"]),
                svc("service-5", &["services/日本"]),
                svc("services-web", &["services/web"]),
                svc("user-accounts", &["services/user_accounts"]),
            ]
        );
    }

    #[test]
    fn kebab_case() {
        assert_eq!(kebab("OrderService"), "order-service");
        assert_eq!(kebab("order_service"), "order-service");
        assert_eq!(kebab("Order  Service.v2"), "order-service-v2");
        assert_eq!(kebab("HTTPApi"), "httpapi");
        assert_eq!(kebab("--x--"), "x");
        assert_eq!(kebab("日本"), "");
    }

    #[test]
    fn manifests_and_test_names() {
        assert!(is_manifest("Orders.Api.csproj"));
        assert!(!is_manifest(".csproj"));
        assert!(is_manifest("build.gradle.kts"));
        assert!(!is_manifest("Cargo.lock"));
        for t in ["Ordering.UnitTests", "api-tests", "orders_test", "web.e2e"] {
            assert!(is_test_name(t), "{t}");
        }
        for t in ["latest", "contest-service", "orders"] {
            assert!(!is_test_name(t), "{t}");
        }
    }
}
