//! API edges from deployment configuration: a host a service is configured with
//! ([`crate::deploy::hosts::references`]) that another registry service answers to
//! ([`super::hosts::Hosts::by_host`]: its `hosts`, or its name's default spellings,
//! also behind a Kubernetes DNS suffix).
//!
//! Precision first: a host of no registry service (a third party, a database, a
//! broker), the service's own hosts, a health or metrics probe URL, and the settings
//! [`crate::deploy::hosts`] passes over (database connections, loopback, placeholders,
//! test configuration, address books shared by several services) are no edge.

use super::{EdgeKind, Evidence, ObservedEdge};
use crate::deploy::Deployment;
use crate::model::Confidence;
use crate::model::finding::LineIndex;
use crate::registry::{PathMap, Registry};
use std::collections::BTreeMap;

/// The API edges the deployment `d` shows, sorted by file and position.
pub fn edges(
    d: &Deployment,
    reg: &Registry,
    paths: &PathMap,
    hosts: &super::hosts::Hosts,
) -> Vec<ObservedEdge> {
    let mut indexes: BTreeMap<&str, LineIndex> = BTreeMap::new();
    let mut out = Vec::new();
    for r in crate::deploy::hosts::references(d, reg, paths) {
        let Some(to) = hosts.by_host(&r.host).and_then(|t| reg.services.get(t)) else {
            continue;
        };
        if to.name == r.from_service {
            continue;
        }
        let text = d.texts.get(&r.file).map_or("", String::as_str);
        // What follows the host in the value: `:8080/healthz` is a probe, not a call.
        let rest = text.get(r.span.1..).unwrap_or("");
        let rest = &rest[..rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ']' | '}'))
            .unwrap_or(rest.len())];
        if super::hosts::is_probe(rest) {
            continue;
        }
        let index = indexes
            .entry(
                d.texts
                    .get_key_value(&r.file)
                    .map_or("", |(k, _)| k.as_str()),
            )
            .or_insert_with(|| LineIndex::new(text));
        let (offset, len) = (r.span.0, r.span.1.saturating_sub(r.span.0));
        let loc = index.loc(text, offset, len);
        out.push(ObservedEdge {
            from: r.from_service.clone(),
            to: to.name.clone(),
            kind: EdgeKind::Api,
            evidence: Evidence {
                path: r.file.clone(),
                line: loc.line,
                column: loc.column,
                offset,
                len,
                how: format!("host of `{}` in the setting `{}`", to.name, r.key),
            },
            confidence: Confidence::High,
        });
    }
    out.sort_by(|a, b| {
        (&a.evidence.path, a.evidence.offset, &a.to).cmp(&(
            &b.evidence.path,
            b.evidence.offset,
            &b.to,
        ))
    });
    out
}

/// The API edges of OpenAPI client generation ([`crate::deploy::specs`]) in the build
/// files the deployment scan read: a service whose build generates a client from a
/// spec inside another service's `paths`, or from a URL of another service, calls
/// that service's API. A spec outside every service (a shared `api-specs/`
/// directory), a path through a variable ownlint does not resolve (Gradle's
/// `$rootDir`), and a file that is not a spec (`.yaml`, `.yml`, `.json`) name no
/// service. (Build files in a language the scan reads, `*.csproj` and
/// `build.gradle.kts`, are read there instead: [`spec_observations`].)
pub fn spec_edges(
    d: &Deployment,
    reg: &Registry,
    paths: &PathMap,
    hosts: &super::hosts::Hosts,
) -> Vec<ObservedEdge> {
    let mut indexes: BTreeMap<&str, LineIndex> = BTreeMap::new();
    let mut out = Vec::new();
    for s in &d.specs {
        let (Some(from), Some((file, text))) =
            (paths.service_of(&s.path), d.texts.get_key_value(&s.path))
        else {
            continue;
        };
        let index = indexes
            .entry(file.as_str())
            .or_insert_with(|| LineIndex::new(text));
        let Some((to, mut evidence)) = spec_evidence(s, from, reg, paths, hosts, text, index)
        else {
            continue;
        };
        evidence.how = format!("{} `{}`", evidence.how, reg.services[to].name);
        out.push(ObservedEdge {
            from: reg.services[from].name.clone(),
            to: reg.services[to].name.clone(),
            kind: EdgeKind::Api,
            evidence,
            confidence: Confidence::High,
        });
    }
    out
}

/// The calls that the build file `rel` of service `service` (a `*.csproj` or
/// `build.gradle.kts`, read by the scan as code) shows by the clients it generates,
/// as observations of the file like those of its code, so that its inline
/// suppressions are judged once against all its findings.
pub fn spec_observations(
    rel: &str,
    text: &str,
    service: usize,
    reg: &Registry,
    paths: &PathMap,
    hosts: &super::hosts::Hosts,
    index: &LineIndex,
) -> Vec<super::Observation> {
    crate::deploy::specs::references(rel, text)
        .iter()
        .filter_map(|s| spec_evidence(s, service, reg, paths, hosts, text, index))
        .map(|(to, evidence)| super::Observation {
            service,
            seen: super::code::Seen::Api(to),
            evidence,
        })
        .collect()
}

/// The service (other than `from`) whose spec the generator input `s` names, and the
/// evidence, at the spec's path in the file `text`.
fn spec_evidence(
    s: &crate::deploy::Setting,
    from: usize,
    reg: &Registry,
    paths: &PathMap,
    hosts: &super::hosts::Hosts,
    text: &str,
    index: &LineIndex,
) -> Option<(usize, Evidence)> {
    let to = spec_target(&s.path, &s.value, paths, hosts).filter(|&t| t != from)?;
    reg.services.get(to)?;
    let (offset, len) = (s.value_at.0, s.value_at.1.saturating_sub(s.value_at.0));
    let loc = index.loc(text, offset, len);
    Some((
        to,
        Evidence {
            path: s.path.clone(),
            line: loc.line,
            column: loc.column,
            offset,
            len,
            // Code's findings name the service after it (`.. the spec of `orders``).
            how: format!("OpenAPI client (`{}`) generated from the spec of", s.key),
        },
    ))
}

/// The service whose spec `value` (a generator input of the file at `file`) is: by
/// URL, or by the path it resolves to from the file's directory (`${project.basedir}`,
/// `$projectDir` and `$(MSBuildProjectDirectory)` are that directory).
fn spec_target(
    file: &str,
    value: &str,
    paths: &PathMap,
    hosts: &super::hosts::Hosts,
) -> Option<usize> {
    if value.contains("://") {
        return hosts.by_url(value);
    }
    let v = value.replace('\\', "/");
    let lower = v.to_ascii_lowercase();
    if ![".yaml", ".yml", ".json"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return None;
    }
    let v = [
        "${project.basedir}/",
        "${basedir}/",
        "$projectDir/",
        "${projectDir}/",
        "$(MSBuildProjectDirectory)/",
    ]
    .iter()
    .find_map(|p| v.strip_prefix(p))
    .unwrap_or(&v);
    if v.starts_with('/') || v.contains(['$', '{', '%']) {
        return None;
    }
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    paths.service_of(&crate::lang::join_relative(dir, v)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::{Deployment, kind_of, read};

    /// The registry of the cases: `orders` calls `payments` (declared) and nothing
    /// else; `gateway` and `reporting` declare nothing.
    const REGISTRY: &str = "services:\n  orders:\n    paths: [services/orders]\n    reads_from_apis:\n      - payments: [GET /x]\n  payments:\n    paths: [services/payments]\n    hosts: [payments, pay.internal]\n  gateway:\n    paths: [services/gateway]\n  reporting:\n    paths: [services/reporting]\n  product-catalog:\n    paths: [services/catalog]\n";

    /// (from, to, key) of the edges the files give.
    fn edges_of(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let reg = crate::registry::load_str(REGISTRY, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut d = Deployment::default();
        for (rel, text) in files {
            if crate::deploy::is_test(rel) {
                continue;
            }
            let kind = kind_of(rel).unwrap_or_else(|| panic!("{rel}"));
            d.add(rel, read(kind, rel, text), text);
        }
        let paths = PathMap::new(&reg);
        let hosts = super::super::hosts::Hosts::new(&reg);
        let found = edges(&d, &reg, &paths, &hosts);
        for e in &found {
            let text = &d.texts[&e.evidence.path];
            let at = &text[e.evidence.offset..e.evidence.offset + e.evidence.len];
            assert!(
                e.to == "payments" && at.starts_with("pay") || at.contains(&e.to),
                "{at}"
            );
        }
        found
            .into_iter()
            .map(|e| {
                let key = e.evidence.how.rsplit('`').nth(1).unwrap_or("").to_string();
                (e.from, e.to, key)
            })
            .collect()
    }

    fn one(from: &str, to: &str, key: &str) -> Vec<(String, String, String)> {
        vec![(from.into(), to.into(), key.into())]
    }

    #[test]
    fn must_flag() {
        let compose = "services:\n  gateway:\n    build: services/gateway\n    environment:\n      REPORTING_URL: http://reporting:8080/api\n";
        assert_eq!(
            edges_of(&[("docker-compose.yml", compose)]),
            one("gateway", "reporting", "REPORTING_URL")
        );
        let k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gateway}\nspec:\n  template:\n    spec:\n      containers:\n        - name: gateway\n          env:\n            - {name: CATALOG_ADDR, value: \"product-catalog.shop.svc.cluster.local:3550\"}\n";
        assert_eq!(
            edges_of(&[("k8s/gateway.yaml", k8s)]),
            one("gateway", "product-catalog", "CATALOG_ADDR")
        );
        let appsettings = "{\"Services\": {\"Pay\": \"https://pay.internal/api\"}}";
        assert_eq!(
            edges_of(&[("services/reporting/appsettings.json", appsettings)]),
            one("reporting", "payments", "Services:Pay")
        );
        // A ConfigMap only one service loads is that service's own configuration.
        let own_map = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gw}\ndata:\n  ORDERS_HOST: orders\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gateway}\nspec:\n  template:\n    spec:\n      containers:\n        - name: gateway\n          envFrom: [{configMapRef: {name: gw}}]\n";
        assert_eq!(
            edges_of(&[("k8s/gateway.yaml", own_map)]),
            one("gateway", "orders", "ORDERS_HOST")
        );
    }

    #[test]
    fn must_not_flag() {
        let cases: &[(&str, &str)] = &[
            // Its own host, and a health probe of another service.
            (
                "docker-compose.yml",
                "services:\n  gateway:\n    build: services/gateway\n    environment:\n      SELF_URL: http://gateway:80\n      ORDERS_HEALTH: http://orders:8080/healthz\n",
            ),
            // Third-party hosts, a database, a broker, loopback, placeholders.
            (
                "services/gateway/application.yml",
                "stripe:\n  url: https://api.stripe.com\nspring:\n  datasource:\n    url: jdbc:postgresql://orders/orders\n  rabbitmq:\n    host: rabbitmq\nlocal:\n  url: http://localhost:8080\nother:\n  url: http://${ORDERS_HOST}:80\n",
            ),
            // A ConfigMap that every workload loads: an address book.
            (
                "k8s/all.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: service-api-config}\ndata:\n  ORDERS_API_ADDR: orders:8080\n  REPORTING_API_ADDR: reporting:8080\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gateway}\nspec:\n  template:\n    spec:\n      containers:\n        - name: gateway\n          envFrom: [{configMapRef: {name: service-api-config}}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reporting}\nspec:\n  template:\n    spec:\n      containers:\n        - name: reporting\n          envFrom: [{configMapRef: {name: service-api-config}}]\n",
            ),
            // Test configuration.
            (
                "services/gateway/src/test/resources/application.yml",
                "orders:\n  url: http://orders:8080\n",
            ),
        ];
        for (rel, text) in cases {
            assert_eq!(edges_of(&[(rel, text)]), [], "{rel}");
        }
        // An env_file two compose services load.
        let compose = "services:\n  gateway:\n    build: services/gateway\n    env_file: [common.env]\n  reporting:\n    build: services/reporting\n    env_file: [common.env]\n";
        assert_eq!(
            edges_of(&[
                ("docker-compose.yml", compose),
                ("common.env", "ORDERS_URL=http://orders:8080\n"),
            ]),
            []
        );
        // The same, with the env_file in one of the services' directories.
        let compose = compose.replace("common.env", "services/gateway/.env");
        assert_eq!(
            edges_of(&[
                ("docker-compose.yml", &compose),
                ("services/gateway/.env", "ORDERS_URL=http://orders:8080\n"),
            ]),
            []
        );
    }

    /// (file, generator input, service it names: None for must-not-flag)
    #[test]
    fn spec_targets() {
        let reg = crate::registry::load_str(REGISTRY, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"));
        let paths = PathMap::new(&reg);
        let hosts = super::super::hosts::Hosts::new(&reg);
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "services/gateway/openapitools.json",
                "../orders/api.yaml",
                Some("orders"),
            ),
            (
                "services/gateway/pom.xml",
                "${project.basedir}/../payments/openapi.json",
                Some("payments"),
            ),
            (
                "services/gateway/build.gradle",
                "$projectDir/../reporting/spec.yml",
                Some("reporting"),
            ),
            (
                "services/gateway/Gw.csproj",
                "..\\catalog\\openapi.yaml",
                Some("product-catalog"),
            ),
            (
                "services/gateway/openapitools.json",
                "http://payments:8080/v3/api-docs.yaml",
                Some("payments"),
            ),
            // Must not: outside every service, unresolved variables, not a spec,
            // absolute, a third party's URL, a probe.
            (
                "services/gateway/openapitools.json",
                "../../api-specs/orders.yaml",
                None,
            ),
            (
                "services/gateway/build.gradle",
                "$rootDir/services/orders/api.yaml",
                None,
            ),
            ("services/gateway/pom.xml", "${orders.spec}", None),
            ("services/gateway/pom.xml", "../orders/api.proto", None),
            ("services/gateway/pom.xml", "/srv/orders/api.yaml", None),
            (
                "services/gateway/openapitools.json",
                "https://api.stripe.com/openapi.json",
                None,
            ),
            (
                "services/gateway/openapitools.json",
                "http://payments/health",
                None,
            ),
            (
                "services/gateway/openapitools.json",
                "../../../../orders/api.yaml",
                None,
            ),
        ];
        for (file, value, want) in cases {
            let got =
                spec_target(file, value, &paths, &hosts).map(|i| reg.services[i].name.as_str());
            assert_eq!(got, *want, "{file}: {value}");
        }
    }

    #[test]
    fn a_declared_dependency_is_an_edge_and_no_finding() {
        let settings = "{\"Payments\": {\"Url\": \"http://payments/api\"}}";
        let rel = "services/orders/appsettings.json";
        assert_eq!(
            edges_of(&[(rel, settings)]),
            one("orders", "payments", "Payments:Url")
        );
        let reg = crate::registry::load_str(REGISTRY, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut d = Deployment::default();
        d.add(
            rel,
            read(crate::deploy::Kind::AppSettings, rel, settings),
            settings,
        );
        let found = edges(
            &d,
            &reg,
            &PathMap::new(&reg),
            &super::super::hosts::Hosts::new(&reg),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(super::super::config_finding(&reg, &found[0]), None);
        let drift = super::super::Drift::new(&reg);
        let (findings, graph) = super::super::after_scan(&reg, &drift, &[], &found, true);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(graph.len(), 1);
    }
}
