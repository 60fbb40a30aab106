//! The hosts a service is configured to call: for each unit mapped to a service, the
//! host of every URL (`ORDER_SERVICE_URL=http://order-service:8080`), `host:port`
//! (`PRODUCT_CATALOG_SERVICE_ADDR=productcatalogservice:3550`) and bare host name
//! under a `*_HOST`/`*_ADDR`/`*_URL`/`*_ENDPOINT` key in its settings. They are
//! evidence for `undeclared-api-dependency`: the caller matches them against the
//! hosts each registry service answers to.
//!
//! Not references: database connections (their own rule reads them), `localhost`
//! and IP addresses, values with placeholders, and the unit's own names. Compose
//! `depends_on`/`links` order start-up and are not read as calls.
//!
//! Nor are settings that reach the unit only through a compose `env_file` or a
//! ConfigMap loaded with `envFrom` that units of more than one service load: such a
//! file is the address book of the whole deployment (one ConfigMap listing every
//! service's address, loaded by every workload), which says where each service is,
//! not which of them a service calls.

use super::connection;
use super::credentials::database_key;
use super::{Deployment, Setting, Source};
use crate::registry::{PathMap, Registry};
use std::collections::{BTreeMap, BTreeSet};

/// One host named in a service's configuration.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostReference {
    /// The registry service whose configuration names the host.
    pub from_service: String,
    /// The host as written, lower case (`order-service`, `orders.prod.svc.cluster.local`).
    pub host: String,
    /// The setting's key.
    pub key: String,
    /// The file that holds the setting.
    pub file: String,
    /// The byte range of the host in that file (of the whole value when the value is
    /// written with escapes).
    pub span: (usize, usize),
}

/// Every host reference of the deployment `d`, sorted, without duplicates.
pub fn references(d: &Deployment, reg: &Registry, paths: &PathMap) -> Vec<HostReference> {
    let mapped: Vec<(&super::Unit, usize)> = d
        .units
        .iter()
        .filter_map(|u| Some((u, d.service_of(reg, paths, u)?)))
        .collect();
    // The services that load each env_file and ConfigMap.
    let mut loaders: BTreeMap<Source, BTreeSet<usize>> = BTreeMap::new();
    for (u, si) in &mapped {
        let loaded = u
            .env_files
            .iter()
            .map(|f| Source::EnvFile(f))
            .chain(u.config_refs.iter().map(|c| Source::ConfigMap(c)));
        for src in loaded {
            loaders.entry(src).or_default().insert(*si);
        }
    }
    let shared = |src: &Source| loaders.get(src).is_some_and(|l| l.len() > 1);
    let mut out = Vec::new();
    for &(u, si) in &mapped {
        // A `.env` file is also a unit of its directory's service.
        if u.kind == super::UnitKind::Config && shared(&Source::EnvFile(&u.path)) {
            continue;
        }
        let service = &reg.services[si].name;
        let own = |h: &str| {
            h.eq_ignore_ascii_case(service)
                || h.eq_ignore_ascii_case(&u.name)
                || u.aliases.iter().any(|a| h.eq_ignore_ascii_case(a))
        };
        for (s, src) in d.sourced_settings(u) {
            if shared(&src) {
                continue;
            }
            let Some((at, len)) = host_in(s) else {
                continue;
            };
            let host = s.value[at..at + len].to_ascii_lowercase();
            if own(&host) || own(dns_service(&host)) {
                continue;
            }
            let text = d.texts.get(&s.path).map_or("", String::as_str);
            let exact = text.get(s.value_at.0..s.value_at.1) == Some(s.value.as_str());
            let span = if exact {
                (s.value_at.0 + at, s.value_at.0 + at + len)
            } else {
                s.value_at
            };
            out.push(HostReference {
                from_service: service.clone(),
                host,
                key: s.key.clone(),
                file: s.path.clone(),
                span,
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The service name of a Kubernetes DNS name (`orders.shop.svc.cluster.local` and
/// `orders.shop.svc` name `orders`); other hosts as they are.
pub fn dns_service(host: &str) -> &str {
    let svc = host.strip_suffix(".cluster.local").unwrap_or(host);
    match svc.strip_suffix(".svc") {
        Some(rest) => rest.split('.').next().unwrap_or(rest),
        None => host,
    }
}

/// The byte range (start, length) of the host a setting's value names, if any.
fn host_in(s: &Setting) -> Option<(usize, usize)> {
    let v = s.value.as_str();
    let key = s.key.to_ascii_uppercase().replace(['.', '-', ':'], "_");
    if database_key(&key) || connection::parse(v).is_some_and(|c| c.host.is_some()) {
        return None;
    }
    let trimmed = v.trim_start();
    let lead = v.len() - trimmed.len();
    let (start, rest) = match trimmed.find("://") {
        Some(i)
            if trimmed[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                && i > 0 =>
        {
            let after = &trimmed[i + 3..];
            let userinfo = after
                .find(['/', '?', '#'])
                .map_or(after, |e| &after[..e])
                .rfind('@')
                .map_or(0, |a| a + 1);
            (lead + i + 3 + userinfo, &trimmed[i + 3 + userinfo..])
        }
        Some(_) => return None,
        None => {
            let bare = trimmed.trim_end();
            let port = bare
                .rsplit_once(':')
                .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            let hostish_key = [
                "HOST", "HOSTNAME", "ADDR", "ADDRESS", "URL", "URI", "ENDPOINT",
            ]
            .iter()
            .any(|k| key.ends_with(&format!("_{k}")) || key == *k);
            let bare_host = hostish_key && !bare.contains(':');
            if !port && !bare_host {
                return None;
            }
            (lead, bare)
        }
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_'))
        .unwrap_or(rest.len());
    let host = &rest[..end];
    let after = &rest[end..];
    let well_formed = !host.is_empty()
        && host.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && (after.is_empty() || after.starts_with([':', '/', '?', '#']));
    let local = host.eq_ignore_ascii_case("localhost")
        || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    (well_formed && !local).then_some((start, host.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(key: &str, value: &str) -> Option<String> {
        let s = Setting {
            key: key.into(),
            value: value.into(),
            path: "f".into(),
            key_at: (0, 0),
            value_at: (0, 0),
        };
        host_in(&s).map(|(a, l)| value[a..a + l].to_string())
    }

    #[test]
    fn hosts_in_values() {
        let yes = [
            (
                "ORDER_SERVICE_URL",
                "http://order-service:8080",
                "order-service",
            ),
            (
                "PRODUCT_CATALOG_SERVICE_ADDR",
                "productcatalogservice:3550",
                "productcatalogservice",
            ),
            (
                "CART",
                "grpc://cart.shop.svc.cluster.local:7070/x",
                "cart.shop.svc.cluster.local",
            ),
            ("API", "https://user:pw@billing/api", "billing"),
            ("USERS_HOST", "users", "users"),
            ("services.orders.url", "http://orders", "orders"),
        ];
        for (k, v, want) in yes {
            assert_eq!(host(k, v).as_deref(), Some(want), "{k}={v}");
        }
        let no = [
            ("SPRING_DATASOURCE_URL", "jdbc:mysql://mysql/orders"),
            ("DATABASE_URL", "postgres://u:p@db/orders"),
            ("URL", "http://localhost:8080"),
            ("URL", "http://10.0.0.1:80"),
            ("URL", "http://${HOST}:80"),
            ("GREETING", "hello world"),
            ("TIME", "12:30"),
            ("NAME", "orders"),
            ("LOG", "file:///var/log"),
        ];
        for (k, v) in no {
            assert_eq!(host(k, v), None, "{k}={v}");
        }
        assert_eq!(dns_service("cart.shop.svc.cluster.local"), "cart");
        assert_eq!(dns_service("cart.shop.svc"), "cart");
        assert_eq!(dns_service("api.example.com"), "api.example.com");
    }
}

#[cfg(test)]
mod references_tests {
    use super::*;
    use crate::deploy::credentials::tests::setup;

    #[test]
    fn references_of_each_service() {
        let compose = "services:\n  orders:\n    build: services/orders\n    environment:\n      PAYMENTS_URL: http://payments:8080/api\n      SELF: http://orders:8080/health\n      DB: jdbc:postgresql://pg/orders\n  gateway:\n    image: g\n    environment: [\"ORDERS_ADDR=orders:3550\"]\n";
        let k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reporting}\nspec:\n  template:\n    spec:\n      containers:\n        - name: reporting\n          env:\n            - {name: ORDERS_HOST, value: orders.shop.svc.cluster.local}\n            - {name: STRIPE, value: \"https://api.stripe.com\"}\n";
        let (reg, d) = setup(&[("docker-compose.yml", compose), ("k8s/reporting.yaml", k8s)]);
        let refs = references(&d, &reg, &PathMap::new(&reg));
        let got: Vec<(&str, &str, &str, &str)> = refs
            .iter()
            .map(|r| {
                (
                    r.from_service.as_str(),
                    r.host.as_str(),
                    r.key.as_str(),
                    r.file.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("orders", "payments", "PAYMENTS_URL", "docker-compose.yml"),
                (
                    "reporting",
                    "api.stripe.com",
                    "STRIPE",
                    "k8s/reporting.yaml"
                ),
                (
                    "reporting",
                    "orders.shop.svc.cluster.local",
                    "ORDERS_HOST",
                    "k8s/reporting.yaml"
                ),
            ]
        );
        let r = &refs[0];
        assert_eq!(
            &d.texts["docker-compose.yml"][r.span.0..r.span.1],
            "payments"
        );
    }
}
