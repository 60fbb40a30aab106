//! Which host names, URLs and environment variables identify a service.
//!
//! A service is identified by the `hosts` its registry entry lists, or, when it lists
//! none, by its name in the spellings deployments give it: `order-service`,
//! `order_service` and `orderservice` for `order-service` (compose service names,
//! Kubernetes Services and .NET service-discovery names use the first, Python modules
//! and environment variables the second, Go and gRPC the third). Hosts are compared
//! ignoring ASCII case.
//!
//! Three shapes of code mention a host:
//!
//! - a URL whose host is one of them (`http://order-service:8080/orders`,
//!   `http+https://basket-api`, `grpc://cart:7070`), or whose host is one of them
//!   followed by a Kubernetes DNS suffix (`order-service.shop.svc.cluster.local`);
//!   a `hosts` entry with `://` or `/` is a URL prefix that the text must start with;
//! - an environment variable or configuration key for its address: upper-case words
//!   ending in `_URL`, `_URI`, `_HOST`, `_ADDR`, `_ADDRESS` or `_ENDPOINT`
//!   (`ORDER_SERVICE_URL`, `PRODUCT_CATALOG_SERVICE_ADDR`), whose words, joined
//!   without separators, spell a host without separators (`productcatalogservice`),
//!   optionally followed by `SERVICE`, `SVC` or `API`;
//! - a name given to a client: `@FeignClient(name = "order-service")`,
//!   `AddHttpClient("order-service")`, a generated gRPC client `NewOrderServiceClient`
//!   or `OrderServiceGrpc`: the name itself, compared as a host without separators.

use crate::lang::Language;
use crate::registry::Registry;
use std::collections::HashMap;

/// The suffixes of environment variables and configuration keys that hold a service's
/// address.
const ADDRESS_SUFFIXES: &[&str] = &[
    "_BASE_URL",
    "_URL",
    "_URI",
    "_HOST",
    "_ADDR",
    "_ADDRESS",
    "_ENDPOINT",
];

/// Paths of a URL that only probe a service's health: never a dependency on its API.
const PROBES: &[&str] = &[
    "/health",
    "/healthz",
    "/hc",
    "/ready",
    "/readyz",
    "/live",
    "/livez",
    "/liveness",
    "/metrics",
    "/ping",
];

/// The hosts of every service, for lookups by exact host and by squashed spelling.
#[derive(Debug, Default)]
pub struct Hosts {
    /// Lower-case host → service index.
    exact: HashMap<String, usize>,
    /// Host lower-cased without `-`, `_`, `.` → service index (`None`: two services
    /// share the spelling, which then identifies neither).
    squashed: HashMap<String, Option<usize>>,
    /// URL prefixes (lower case) and their service.
    prefixes: Vec<(String, usize)>,
}

/// `s` in lower case without `-`, `_` and `.`: `Order_Service` → `orderservice`.
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The default hosts of a service called `name`: the name, and its spellings with `_`
/// and with nothing between its words.
pub fn default_hosts(name: &str) -> Vec<String> {
    let lower = name.to_ascii_lowercase();
    let mut out = vec![lower.clone()];
    for alt in [
        lower.replace('-', "_"),
        lower.replace('_', "-"),
        squash(&lower),
    ] {
        if !out.contains(&alt) {
            out.push(alt);
        }
    }
    out
}

impl Hosts {
    pub fn new(reg: &Registry) -> Hosts {
        let mut h = Hosts::default();
        for (si, svc) in reg.services.iter().enumerate() {
            let hosts: Vec<String> = if svc.hosts.is_empty() {
                default_hosts(&svc.name)
            } else {
                svc.hosts
                    .iter()
                    .map(|h| h.value.to_ascii_lowercase())
                    .collect()
            };
            for host in hosts {
                if host.contains("://") || host.contains('/') {
                    h.prefixes.push((host, si));
                    continue;
                }
                let sq = squash(&host);
                if sq.is_empty() {
                    continue;
                }
                match h.squashed.get(&sq) {
                    Some(Some(other)) if *other != si => {
                        h.squashed.insert(sq, None);
                    }
                    Some(_) => {}
                    None => {
                        h.squashed.insert(sq, Some(si));
                    }
                }
                h.exact.entry(host).or_insert(si);
            }
        }
        h
    }

    /// The spellings a file of `lang` must contain (ignoring case) for any of the
    /// shapes above to be in it, lowercase: what the scan looks for before lexing a
    /// file. A name given to a client is found through the call that names it
    /// (`code::naming_calls`), not through the name: a service's name in quotes is in
    /// too many files that call nothing.
    pub fn needles(&self, lang: Language) -> Vec<String> {
        // A host counts in a URL (`://host`); a loopback URL is an address ownlint
        // cannot attribute (`code`'s unresolved sightings).
        let mut out: Vec<String> = vec!["://localhost".to_string(), "://127.0.0.1".to_string()];
        for host in self.exact.keys() {
            out.push(format!("://{host}"));
        }
        out.extend(self.prefixes.iter().map(|(p, _)| p.clone()));
        // A generated gRPC client: Go calls the constructor as a member of the
        // generated package (`pb.NewCartClient`; gofmt leaves no space after the dot),
        // Java names the stub's class (`CartGrpc`), Python the generated module
        // (`cart_pb2_grpc.CartStub`) ...
        for sq in self.squashed.keys() {
            match lang {
                Language::Go => out.push(format!(".new{sq}client")),
                Language::Java | Language::Kotlin => out.push(format!("{sq}grpc")),
                _ => {}
            }
        }
        // ... and TypeScript and Ruby one marker of the generated code whatever the
        // service: grpc-js's channel credentials (`credentials.createInsecure()`),
        // Ruby's stub class. (Rust's tonic clients are found through their URL or
        // address variable, as `Client::connect("http://cart:7070")` names it.)
        match lang {
            // A client generated from another service's OpenAPI spec by a
            // `//go:generate oapi-codegen` line (`crate::deploy::specs`).
            Language::Go => out.push("oapi-codegen".to_string()),
            Language::Python => out.push("_pb2_grpc.".to_string()),
            Language::TypeScript => out.push("credentials.create".to_string()),
            Language::Ruby => out.push("::stub.new".to_string()),
            _ => {}
        }
        // An address variable ends a literal (`"ORDER_SERVICE_URL"`,
        // `'ORDER_SERVICE_URL'`) or a placeholder's name (`${ORDER_SERVICE_URL}`,
        // `${ORDER_SERVICE_URL:default}`), or is read by name (`process.env.X`).
        if lang == Language::TypeScript {
            out.push("process.env.".to_string());
        }
        for suffix in ADDRESS_SUFFIXES {
            for end in ['"', '\'', '}', ':'] {
                out.push(format!("{}{end}", suffix.to_ascii_lowercase()));
            }
        }
        out
    }

    /// The service named by a client name (`order-service`, `OrderService`).
    pub fn by_name(&self, name: &str) -> Option<usize> {
        if let Some(&si) = self.exact.get(&name.to_ascii_lowercase()) {
            return Some(si);
        }
        self.squashed.get(&squash(name)).copied().flatten()
    }

    /// The service whose URL `text` is (or starts with), and whether it is a health
    /// probe; `None` when it names none.
    pub fn by_url(&self, text: &str) -> Option<usize> {
        let lower = text.trim().to_ascii_lowercase();
        if let Some((_, si)) = self
            .prefixes
            .iter()
            .find(|(p, _)| lower.starts_with(p.as_str()))
        {
            return (!is_probe(&lower)).then_some(*si);
        }
        let (scheme, rest) = lower.split_once("://")?;
        let scheme_ok =
            !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_lowercase() || b == b'+');
        if !scheme_ok {
            return None;
        }
        let end = rest.find(['/', ':', '?', '#']).unwrap_or(rest.len());
        let host = &rest[..end];
        if is_probe(&rest[end..]) {
            return None;
        }
        if let Some(&si) = self.exact.get(host) {
            return Some(si);
        }
        // `order-service.shop.svc.cluster.local`, `order-service.shop.svc`.
        let (first, dns) = host.split_once('.')?;
        let kubernetes =
            dns.ends_with(".svc") || dns.ends_with(".svc.cluster.local") || dns == "svc";
        kubernetes.then(|| self.exact.get(first).copied()).flatten()
    }

    /// The service a bare host answers for: one of its hosts, or one of them followed
    /// by a Kubernetes DNS suffix (`orders.shop.svc.cluster.local`). URL prefixes
    /// are not hosts and never match here.
    pub fn by_host(&self, host: &str) -> Option<usize> {
        let lower = host.to_ascii_lowercase();
        self.exact
            .get(&lower)
            .or_else(|| {
                let svc = crate::deploy::hosts::dns_service(&lower);
                (svc != lower).then(|| self.exact.get(svc)).flatten()
            })
            .copied()
    }

    /// The service whose address the environment variable or key `name` holds.
    pub fn by_env(&self, name: &str) -> Option<usize> {
        let upper_words = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            && name.as_bytes()[0].is_ascii_uppercase();
        if !upper_words {
            return None;
        }
        let stem = ADDRESS_SUFFIXES.iter().find_map(|s| name.strip_suffix(s))?;
        let sq = squash(stem);
        let found = |s: &str| self.squashed.get(s).copied().flatten();
        found(&sq).or_else(|| {
            ["service", "svc", "api"].iter().find_map(|tail| {
                sq.strip_suffix(tail)
                    .filter(|s| !s.is_empty())
                    .and_then(found)
            })
        })
    }
}

/// True when the path part of a URL is a health or metrics probe.
pub fn is_probe(path: &str) -> bool {
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let path = format!("/{}", path.split(['?', '#']).next().unwrap_or(""));
    PROBES
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(yaml: &str) -> Registry {
        crate::registry::load_str(yaml, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn default_spellings() {
        assert_eq!(
            default_hosts("order-service"),
            ["order-service", "order_service", "orderservice"]
        );
        assert_eq!(default_hosts("cart"), ["cart"]);
    }

    /// (text, service it names: None for must-not-flag)
    #[test]
    fn urls_env_vars_and_client_names() {
        let r = reg(
            "services:\n  order-service: {}\n  productcatalogservice: {}\n  ledger: {hosts: [transactions-api, 'https://ledger.example.com/api']}\n",
        );
        let h = Hosts::new(&r);
        let urls: &[(&str, Option<usize>)] = &[
            ("http://order-service:8080/orders", Some(0)),
            ("HTTP://Order-Service/orders", Some(0)),
            ("http+https://order-service", Some(0)),
            ("http://order-service.shop.svc.cluster.local:80/x", Some(0)),
            ("http://orderservice", Some(0)),
            ("https://ledger.example.com/api/v1", Some(2)),
            ("http://transactions-api/transactions", Some(2)),
            // Must not: health probes, third-party hosts, look-alikes, no scheme.
            ("http://order-service:8080/health", None),
            ("http://order-service/healthz?x=1", None),
            ("http://order-service/hc", None),
            ("http://order-service/liveness", None),
            ("https://order-service.example.com/x", None),
            ("http://order-services/x", None),
            ("http://example.com/order-service", None),
            ("order-service", None),
            ("see http://order-service for details", None),
        ];
        for (text, want) in urls {
            assert_eq!(h.by_url(text), *want, "{text}");
        }
        let env: &[(&str, Option<usize>)] = &[
            ("ORDER_SERVICE_URL", Some(0)),
            ("PRODUCT_CATALOG_SERVICE_ADDR", Some(1)),
            ("TRANSACTIONS_API_ADDR", Some(2)),
            ("ORDER_URL", None),
            ("DATABASE_URL", None),
            ("order_service_url", None),
            ("ORDER_SERVICE_NAME", None),
        ];
        for (text, want) in env {
            assert_eq!(h.by_env(text), *want, "{text}");
        }
        assert_eq!(h.by_name("OrderService"), Some(0));
        assert_eq!(h.by_name("ProductCatalogService"), Some(1));
        assert_eq!(h.by_name("Payments"), None);
    }
}
