//! Deployment configuration: what each service is configured with where it is
//! deployed. One reader for `init` (which database a service uses) and `check` (the
//! `shared-database-credentials` rule and the hosts of other services a service is
//! configured to call), so both read the same files the same way.
//!
//! Files read (names in [`kind_of`]): compose files (`docker-compose*.yml`,
//! `compose*.yaml`), `.env` files, Kubernetes manifests (workloads' containers with
//! their `env`, `envFrom` and images, ConfigMaps, Services), Helm `values*.yaml` and
//! `Chart.yaml`, the images skaffold builds (`build.artifacts`), Spring
//! `application*.yml`/`.properties` (and `bootstrap*`), .NET `appsettings*.json`.
//! Each becomes [`Unit`]s holding [`Setting`]s (a key, its value and their byte
//! ranges), and a unit maps to a registry service ([`Deployment::service_of`]): a
//! compose service by its build context's directory (its own, or the one a compose
//! file of the same directory gives the service of that name: an override file),
//! then by its name or `container_name`; a Kubernetes workload by its name, its
//! containers' names or its `app` label (either, failing that, by the name of a
//! directory in one service's paths); a configuration file by the directory it is in.
//!
//! The inputs of OpenAPI client generators in build files ([`specs`]) are read beside
//! them, into [`Deployment::specs`].
//!
//! Files of tests are not deployment ([`is_test`]): a test's compose file or
//! `application-test.yml` wires a test double, not a service.
//!
//! Untrusted input: files are the walk's (symbolic links are never followed, nothing
//! outside the repository is read), YAML and JSON are parsed into a bounded tree
//! ([`tree`]), and nothing panics on malformed input; cost is linear in the files.

pub mod compose;
pub mod connection;
pub mod credentials;
pub mod flat;
pub mod hosts;
pub mod kube;
pub mod mask;
pub mod skaffold;
pub mod specs;
pub mod tree;

use crate::registry::{PathMap, Registry};
use crate::scan::walk::{self, FileEntry};
use std::collections::BTreeMap;
use std::io::Read;

/// What a file is, by its name (and, for plain YAML, by its text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Compose,
    Env,
    /// Spring `application*.yml`/`bootstrap*.yml`, Helm `values*.yaml`.
    YamlConfig,
    Properties,
    AppSettings,
    /// Any other YAML file: read as Kubernetes manifests (and skaffold
    /// configurations) when it has `apiVersion` and `kind`.
    Manifest,
    /// A Helm chart's `Chart.yaml`.
    Chart,
}

/// The kind of the file at `rel`, by its name; `None` for files never read.
pub fn kind_of(rel: &str) -> Option<Kind> {
    let name = crate::registry::paths::file_name(rel);
    // Every kind below is YAML, JSON, properties or an env file: a name with another
    // ending is none, found without the lowercased copy (asked of every listed file).
    let ends = |suffix: &str| {
        name.len()
            .checked_sub(suffix.len())
            .and_then(|at| name.as_bytes().get(at..))
            .is_some_and(|end| end.eq_ignore_ascii_case(suffix.as_bytes()))
    };
    let env_start = name
        .as_bytes()
        .get(..4)
        .is_some_and(|start| start.eq_ignore_ascii_case(b".env"));
    if !env_start
        && ![".yml", ".yaml", ".json", ".properties", ".env"]
            .iter()
            .any(|s| ends(s))
    {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if (lower.starts_with("docker-compose") || lower.starts_with("compose")) && yaml {
        return Some(Kind::Compose);
    }
    if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
        return Some(Kind::Env);
    }
    if lower.starts_with("appsettings") && lower.ends_with(".json") {
        return Some(Kind::AppSettings);
    }
    let spring = lower.starts_with("application") || lower.starts_with("bootstrap");
    if spring && lower.ends_with(".properties") {
        return Some(Kind::Properties);
    }
    if name == "Chart.yaml" {
        return Some(Kind::Chart);
    }
    if yaml && (spring || lower.starts_with("values")) {
        return Some(Kind::YamlConfig);
    }
    yaml.then_some(Kind::Manifest)
}

/// True for a file of tests: under a `test`/`tests`/`e2e`/`testdata` directory or a
/// test project's (`Catalog.FunctionalTests`, `orders-tests`, `api_test`), or named
/// for tests (`application-test.yml`, `docker-compose.test.yml`).
pub fn is_test(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let name = parts.next_back().unwrap_or("");
    parts.any(|d| {
        matches!(
            d,
            "test" | "tests" | "__tests__" | "testdata" | "test-data" | "e2e" | "integration-tests"
        ) || d.ends_with("tests")
            || [".test", "-test", "_test"].iter().any(|s| d.ends_with(s))
    }) || name.contains("test")
}

/// One setting: a key, its value, and their byte ranges in the file at `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub path: String,
    pub key_at: (usize, usize),
    pub value_at: (usize, usize),
}

/// What a unit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    Compose,
    Kubernetes,
    /// A configuration file of a service's own (`application.yml`, `.env`, ...).
    Config,
}

/// Something deployed with settings: a compose service, a Kubernetes workload, or a
/// configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub kind: UnitKind,
    /// The compose service's or workload's name (empty for a configuration file).
    pub name: String,
    /// Other names it goes by: `container_name`, its containers' names, its `app` label.
    pub aliases: Vec<String>,
    /// The file that declares it.
    pub path: String,
    /// The byte range of its name in that file.
    pub name_at: (usize, usize),
    /// A compose service's build directory, relative to the repository root.
    pub build: Option<String>,
    pub settings: Vec<Setting>,
    /// A compose service's `env_file`s, relative to the repository root.
    pub env_files: Vec<String>,
    /// A workload's `envFrom` ConfigMaps and Secrets, by name.
    pub config_refs: Vec<String>,
    /// A workload's containers' images, as written (`eshop/ordering.api:latest`).
    pub images: Vec<String>,
    /// A compose service's `depends_on` and `links`.
    pub depends_on: Vec<String>,
}

/// A Kubernetes ConfigMap (or Secret's `stringData`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigMap {
    pub name: String,
    pub path: String,
    pub settings: Vec<Setting>,
}

/// What one file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileContents {
    pub units: Vec<Unit>,
    pub config_maps: Vec<ConfigMap>,
    /// Kubernetes Services' names (the hosts they answer to).
    pub k8s_services: Vec<String>,
    /// A Helm chart's name (its `Chart.yaml`).
    pub charts: Vec<kube::Chart>,
    /// The images a skaffold configuration builds, with their directories.
    pub artifacts: Vec<skaffold::Artifact>,
    /// A `.env` file's settings (also read as a unit of the directory's service).
    pub env: Vec<Setting>,
    /// Why the file could not be read as its kind (YAML or JSON that does not parse):
    /// a compose file or a service's configuration that ownlint cannot read could hide
    /// the credentials it holds, so it is reported, never passed over in silence.
    pub unparsed: Option<&'static str>,
}

/// Reads the file at `rel` of kind `kind`.
pub fn read(kind: Kind, rel: &str, text: &str) -> FileContents {
    let mut out = FileContents::default();
    let config = |settings: Vec<Setting>| Unit {
        kind: UnitKind::Config,
        name: String::new(),
        aliases: Vec::new(),
        path: rel.to_string(),
        name_at: (0, 0),
        build: None,
        settings,
        env_files: Vec::new(),
        config_refs: Vec::new(),
        images: Vec::new(),
        depends_on: Vec::new(),
    };
    match kind {
        Kind::Compose => match tree::yaml(text) {
            Some(t) => out.units = compose::units(rel, &t),
            None => out.unparsed = Some(NOT_YAML),
        },
        Kind::Env => {
            out.env = flat::env_lines(rel, text);
            out.units.push(config(out.env.clone()));
        }
        Kind::Properties => out.units.push(config(flat::env_lines(rel, text))),
        Kind::YamlConfig => match tree::yaml(text) {
            Some(t) => out.units.push(config(flat::tree(rel, &t, "."))),
            None => out.unparsed = Some(NOT_YAML),
        },
        Kind::AppSettings => match tree::json(text) {
            Some(t) => out.units.push(config(flat::tree(rel, &t, ":"))),
            None => out.unparsed = Some(NOT_JSON),
        },
        Kind::Manifest => {
            if text.contains("apiVersion") && text.contains("kind") {
                kube::read(rel, text, &mut out);
            }
        }
        Kind::Chart => out.charts.extend(kube::chart(rel, text)),
    }
    out
}

/// Why a YAML or JSON configuration file was not read: the parser refused it, or it
/// passed the bounds that keep hostile input cheap (nesting, nodes).
const NOT_YAML: &str =
    "it is not YAML ownlint can read (a syntax error, or nested or sized past its limits)";
const NOT_JSON: &str =
    "it is not JSON ownlint can read (a syntax error, or nested or sized past its limits)";

/// The deployment configuration of a whole repository.
#[derive(Debug, Default)]
pub struct Deployment {
    pub units: Vec<Unit>,
    pub config_maps: Vec<ConfigMap>,
    pub k8s_services: Vec<(String, String)>,
    pub charts: Vec<kube::Chart>,
    pub artifacts: Vec<skaffold::Artifact>,
    pub env_files: BTreeMap<String, Vec<Setting>>,
    /// The text of every file that holds a setting, by path (for labels and
    /// suppressions).
    pub texts: BTreeMap<String, String>,
    /// The configuration files that could not be read, by path, with the reason: each
    /// becomes a `skipped-file` finding.
    pub skipped: Vec<(String, &'static str)>,
    /// The specs that builds generate API clients from ([`specs`]): one setting per
    /// generator input, its value the spec's path or URL.
    pub specs: Vec<Setting>,
}

/// Most bytes of deployment configuration read from one file.
const MAX_CONFIG_FILE: u64 = 1024 * 1024;

impl Deployment {
    /// Reads the deployment configuration among `files` (the walk's, so links are
    /// never followed and nothing outside the repository is read). Files of tests and
    /// files larger than 1 MiB are passed over: configuration is small.
    pub fn read(files: &[FileEntry]) -> Deployment {
        let mut d = Deployment::default();
        let mut buf = Vec::new();
        for f in files {
            let kind = kind_of(&f.rel);
            if (kind.is_none() && !specs::read_with_deployment(&f.rel)) || is_test(&f.rel) {
                continue;
            }
            buf.clear();
            let ok = walk::open(&f.abs)
                .and_then(|file| file.take(MAX_CONFIG_FILE + 1).read_to_end(&mut buf))
                .is_ok();
            let problem = if !ok {
                Some("it could not be read")
            } else if buf.len() as u64 > MAX_CONFIG_FILE {
                Some("it is larger than 1 MiB, the most read of a deployment file")
            } else {
                None
            };
            // A build file that cannot be read hides no credentials: it is passed over.
            if let Some(why) = problem {
                if kind.is_some() {
                    d.skipped.push((f.rel.clone(), why));
                }
                continue;
            }
            let Ok(text) = std::str::from_utf8(&buf) else {
                if kind.is_some() {
                    d.skipped.push((f.rel.clone(), "it is not UTF-8 text"));
                }
                continue;
            };
            let Some(kind) = kind else {
                let refs = specs::references(&f.rel, text);
                if !refs.is_empty() {
                    d.texts.insert(f.rel.clone(), text.to_string());
                    d.specs.extend(refs);
                }
                continue;
            };
            let contents = read(kind, &f.rel, text);
            if let Some(why) = contents.unparsed {
                d.skipped.push((f.rel.clone(), why));
            }
            d.add(&f.rel, contents, text);
        }
        d
    }

    /// Adds what the file at `rel` holds.
    pub fn add(&mut self, rel: &str, c: FileContents, text: &str) {
        let any = !c.units.is_empty() || !c.config_maps.is_empty() || !c.env.is_empty();
        self.charts.extend(c.charts);
        self.artifacts.extend(c.artifacts);
        if any {
            self.texts.insert(rel.to_string(), text.to_string());
        }
        if !c.env.is_empty() {
            self.env_files.insert(rel.to_string(), c.env);
        }
        self.units.extend(c.units);
        self.config_maps.extend(c.config_maps);
        self.k8s_services
            .extend(c.k8s_services.into_iter().map(|n| (n, rel.to_string())));
    }

    /// The registry service a unit belongs to (see the module's documentation).
    pub fn service_of(&self, reg: &Registry, paths: &PathMap, u: &Unit) -> Option<usize> {
        let by_name = || {
            let names = || {
                std::iter::once(&u.name)
                    .chain(&u.aliases)
                    .filter(|n| !n.is_empty())
            };
            names()
                .find_map(|n| {
                    reg.services
                        .iter()
                        .position(|s| s.name.eq_ignore_ascii_case(n))
                })
                .or_else(|| {
                    names().find_map(|n| {
                        let n = stem(n);
                        reg.services.iter().position(|s| stem(&s.name) == n)
                    })
                })
                .or_else(|| names().find_map(|n| named_directory(reg, n)))
        };
        match u.kind {
            UnitKind::Compose => self
                .build_of(u)
                .and_then(|b| paths.service_of(&format!("{b}/Dockerfile")))
                .or_else(by_name),
            UnitKind::Kubernetes => by_name(),
            UnitKind::Config => paths.service_of(&u.path),
        }
    }

    /// A compose service's build directory: its own, or that of the service of the
    /// same name in another compose file of its directory (an override file adds
    /// `environment` to the service the base file builds).
    fn build_of<'a>(&'a self, u: &'a Unit) -> Option<&'a str> {
        u.build.as_deref().or_else(|| {
            let dir = walk_dir(&u.path);
            self.units
                .iter()
                .filter(|o| o.kind == UnitKind::Compose && o.name == u.name)
                .filter(|o| walk_dir(&o.path) == dir)
                .find_map(|o| o.build.as_deref())
        })
    }

    /// Every setting of `u`: its own, then its `env_file`s', then its ConfigMaps'
    /// (those of the same directory when there are any, else every one of that name).
    pub fn settings_of<'a>(&'a self, u: &'a Unit) -> Vec<&'a Setting> {
        self.sourced_settings(u)
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }

    /// [`Deployment::settings_of`], each setting with where it reaches the unit from.
    pub fn sourced_settings<'a>(&'a self, u: &'a Unit) -> Vec<(&'a Setting, Source<'a>)> {
        let mut out: Vec<(&Setting, Source)> =
            u.settings.iter().map(|s| (s, Source::Own)).collect();
        for f in &u.env_files {
            out.extend(
                self.env_files
                    .get(f)
                    .into_iter()
                    .flatten()
                    .map(|s| (s, Source::EnvFile(f))),
            );
        }
        let dir = walk_dir(&u.path);
        for name in &u.config_refs {
            // The ConfigMaps of that name nearest the workload: most path components
            // in common (the same directory, then a kustomize base beside it).
            let named: Vec<&ConfigMap> = self
                .config_maps
                .iter()
                .filter(|c| &c.name == name)
                .collect();
            let near = named
                .iter()
                .map(|c| common(dir, walk_dir(&c.path)))
                .max()
                .unwrap_or(0);
            out.extend(
                named
                    .iter()
                    .filter(|c| common(dir, walk_dir(&c.path)) == near)
                    .flat_map(|c| &c.settings)
                    .map(|s| (s, Source::ConfigMap(name))),
            );
        }
        out
    }
}

/// Where a unit's setting comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source<'a> {
    /// The unit's own entry (a compose service's `environment`, a container's `env`,
    /// a configuration file's keys).
    Own,
    /// A compose `env_file`, by its path.
    EnvFile(&'a str),
    /// A ConfigMap loaded with `envFrom`, by its name.
    ConfigMap(&'a str),
}

/// The `shared-database-credentials` findings of `d`, with `more` (the findings of
/// other rules in deployment files: `undeclared-api-dependency` from the hosts they
/// name), after the inline suppressions of the files they are in
/// (`# ownlint: allow(shared-database-credentials) -- why`).
pub fn check(
    d: &Deployment,
    reg: &Registry,
    paths: &PathMap,
    more: Vec<crate::model::finding::Finding>,
) -> crate::scan::Scan {
    let mut by_file: BTreeMap<String, Vec<crate::model::finding::Finding>> = BTreeMap::new();
    for f in credentials::check(d, reg, paths).into_iter().chain(more) {
        by_file
            .entry(f.path().unwrap_or("").to_string())
            .or_default()
            .push(f);
    }
    let mut out = crate::scan::Scan::default();
    for (path, findings) in by_file {
        let text = d.texts.get(&path).map_or("", String::as_str);
        let applied = crate::suppress::apply(&path, text, findings);
        out.stats.suppressed += applied.suppressed;
        out.findings.extend(applied.findings);
    }
    out
}

/// The one service with a directory named `name` (`ftgo-order-service` of the
/// service `order-service` whose paths hold it): workloads and images are most often
/// named after the directory they are built from.
fn named_directory(reg: &Registry, name: &str) -> Option<usize> {
    let mut found = reg.services.iter().enumerate().filter(|(_, s)| {
        s.paths.iter().any(|p| {
            p.value
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case(name))
        })
    });
    let (i, _) = found.next()?;
    found.next().is_none().then_some(i)
}

/// A service name without case, separators and a trailing `service`, `svc` or
/// `api`: compose's `accounting-service` and `catalog-api` are the registry's
/// `accounting` and `catalog-service`.
fn stem(name: &str) -> String {
    let flat: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    for suffix in ["service", "svc", "api"] {
        if let Some(s) = flat.strip_suffix(suffix)
            && !s.is_empty()
        {
            return s.to_string();
        }
    }
    flat
}

/// How many leading path components two directories share.
pub fn common(a: &str, b: &str) -> usize {
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y && !x.is_empty())
        .count()
}

/// The directory of `rel` (`""` at the root).
fn walk_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_of_names() {
        for (a, b) in [
            ("accounting-service", "accounting"),
            ("catalog-api", "catalog-service"),
            ("order_history_service", "order-history"),
            ("productcatalogservice", "product-catalog"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} {b}");
        }
        for (a, b) in [
            ("orders-db", "orders"),
            ("order-cdc", "order"),
            ("service", "api"),
        ] {
            assert_ne!(stem(a), stem(b), "{a} {b}");
        }
    }

    #[test]
    fn kinds_by_name() {
        let cases = [
            ("docker-compose.override.yml", Some(Kind::Compose)),
            ("deploy/compose.yaml", Some(Kind::Compose)),
            ("src/.env", Some(Kind::Env)),
            ("db.env", Some(Kind::Env)),
            ("a/appsettings.Development.json", Some(Kind::AppSettings)),
            ("a/application-prod.properties", Some(Kind::Properties)),
            ("a/application.yml", Some(Kind::YamlConfig)),
            ("chart/values.yaml", Some(Kind::YamlConfig)),
            ("k8s/orders.yaml", Some(Kind::Manifest)),
            ("deploy/helm/orders/Chart.yaml", Some(Kind::Chart)),
            ("compose.json", None),
            ("a/app.json", None),
        ];
        for (rel, want) in cases {
            assert_eq!(kind_of(rel), want, "{rel}");
        }
        for rel in [
            "a/src/test/resources/application.yml",
            "docker-compose.test.yml",
            "e2e/compose.yml",
            "x/application-test.properties",
            "src/Services/Catalog/Catalog.FunctionalTests/appsettings.json",
            "orders-tests/compose.yml",
            "api_test/.env",
        ] {
            assert!(is_test(rel), "{rel}");
        }
        for rel in [
            "docker-compose.yml",
            "src/orders/application.yml",
            "contest/x.env",
            "latest/compose.yml",
            "src/Services/Catalog/Catalog.API/appsettings.json",
        ] {
            assert!(!is_test(rel), "{rel}");
        }
    }

    /// Text made of the pieces deployment files are made of, in any order.
    fn config_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let fragments = &[
            "services:",
            "\n",
            "  ",
            "- ",
            "a",
            "DB_URL",
            "=",
            ": ",
            "\"",
            "'",
            "{",
            "}",
            "[",
            "]",
            ",",
            "&x ",
            "*x",
            "<<: ",
            "---\n",
            "postgres://u:p@h/d",
            "Password=pw;",
            "${X:-",
            "é",
            "#",
            "kind: ConfigMap\napiVersion: v1\n",
            "data:",
            "\t",
            "//",
            "/*",
            "\\u12",
            "environment:",
            "containers:",
            "envFrom:",
            "name: ",
        ];
        prop::collection::vec(prop::sample::select(&fragments[..]), 0..60).prop_map(|f| f.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0xde91),
            ..proptest::test_runner::Config::default()
        })]

        /// Any text, read as any kind of file: no panic, every range inside the text
        /// on character boundaries, and masking keeps every byte where it was.
        #[test]
        fn any_text_reads_safely(text in config_text()) {
            for rel in ["docker-compose.yml", "k8s/x.yaml", "a/application.yml", "a/appsettings.json", "a/.env", "a/application.properties"] {
                let Some(kind) = kind_of(rel) else { continue };
                let c = read(kind, rel, &text);
                let settings = c.units.iter().flat_map(|u| &u.settings).chain(c.config_maps.iter().flat_map(|m| &m.settings));
                for s in settings {
                    for (a, b) in [s.key_at, s.value_at] {
                        proptest::prop_assert!(a <= b && text.get(a..b).is_some(), "{rel}: {a}..{b}");
                    }
                }
                let masked = mask::secrets(rel, &text);
                proptest::prop_assert_eq!(masked.len(), text.len());
            }
        }
    }
}
