//! Kubernetes manifests: workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! Job, CronJob, Pod) with their containers' `env` and `envFrom`, ConfigMaps (and a
//! Secret's `stringData`; base64 `data` is not decoded), Services' names, and Helm
//! charts' names. A skaffold configuration (`kind: Config`) is handed to
//! [`super::skaffold`].

use super::flat::strip_quotes_at;
use super::tree::{self, Id, Tree};
use super::{ConfigMap, FileContents, Setting, Unit, UnitKind};

/// Adds the objects of the manifest file at `rel` to `out`.
pub fn read(rel: &str, text: &str, out: &mut FileContents) {
    let Some(t) = tree::yaml(text) else { return };
    for &doc in &t.docs {
        // A `List` holds its objects in `items`.
        let objects: Vec<Id> = match t.field(doc, "items") {
            Some(items) if t.field(doc, "kind").and_then(|k| t.str(k)) == Some("List") => {
                t.items(items).to_vec()
            }
            _ => vec![doc],
        };
        for o in objects {
            object(rel, &t, o, out);
        }
    }
}

fn object(rel: &str, t: &Tree, o: Id, out: &mut FileContents) {
    let Some(kind) = t.field(o, "kind").and_then(|k| t.str(k)) else {
        return;
    };
    let meta = t.field(o, "metadata");
    let name_id = meta.and_then(|m| t.field(m, "name"));
    let name = name_id.and_then(|n| t.str(n)).unwrap_or("").to_string();
    let data = |field: &str| -> Vec<Setting> {
        let Some(d) = t.field(o, field) else {
            return Vec::new();
        };
        t.entries(d)
            .into_iter()
            .filter_map(|(k, kid, v)| {
                let value = t.str(v)?;
                let (vs, ve) = t.span(v)?;
                Some(Setting {
                    key: k.to_string(),
                    value: value.to_string(),
                    path: rel.to_string(),
                    key_at: t.span(kid)?,
                    value_at: strip_quotes_at(value, vs, ve),
                })
            })
            .collect()
    };
    let spec =
        |path: &[&str]| -> Option<Id> { path.iter().try_fold(o, |at, key| t.field(at, key)) };
    let pod = match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            spec(&["spec", "template", "spec"])
        }
        "CronJob" => spec(&["spec", "jobTemplate", "spec", "template", "spec"]),
        "Pod" => spec(&["spec"]),
        "ConfigMap" => {
            out.config_maps.push(ConfigMap {
                name,
                path: rel.to_string(),
                settings: data("data"),
            });
            return;
        }
        "Secret" => {
            out.config_maps.push(ConfigMap {
                name,
                path: rel.to_string(),
                settings: data("stringData"),
            });
            return;
        }
        "Service" => {
            if !name.is_empty() {
                out.k8s_services.push(name);
            }
            return;
        }
        "Config"
            if t.field(o, "apiVersion")
                .and_then(|v| t.str(v))
                .is_some_and(|v| v.starts_with("skaffold/")) =>
        {
            out.artifacts.extend(super::skaffold::artifacts(rel, t, o));
            return;
        }
        _ => None,
    };
    let Some(pod) = pod else { return };
    let mut unit = Unit {
        kind: UnitKind::Kubernetes,
        name,
        aliases: Vec::new(),
        path: rel.to_string(),
        name_at: name_id.and_then(|n| t.span(n)).unwrap_or((0, 0)),
        build: None,
        settings: Vec::new(),
        env_files: Vec::new(),
        config_refs: Vec::new(),
        images: Vec::new(),
        depends_on: Vec::new(),
    };
    let labels = [
        meta.and_then(|m| t.field(m, "labels")),
        spec(&["spec", "template", "metadata", "labels"]),
    ];
    for l in labels.into_iter().flatten() {
        for key in ["app", "app.kubernetes.io/name"] {
            if let Some(app) = t.field(l, key).and_then(|a| t.str(a))
                && !unit.aliases.iter().any(|a| a == app)
            {
                unit.aliases.push(app.to_string());
            }
        }
    }
    for field in ["containers", "initContainers"] {
        let Some(list) = t.field(pod, field) else {
            continue;
        };
        for &c in t.items(list) {
            container(rel, t, c, &mut unit);
        }
    }
    out.units.push(unit);
}

fn container(rel: &str, t: &Tree, c: Id, unit: &mut Unit) {
    if let Some(name) = t.field(c, "name").and_then(|n| t.str(n))
        && !unit.aliases.iter().any(|a| a == name)
    {
        unit.aliases.push(name.to_string());
    }
    if let Some(image) = t.field(c, "image").and_then(|i| t.str(i))
        && !unit.images.iter().any(|i| i == image)
    {
        unit.images.push(image.to_string());
    }
    if let Some(env) = t.field(c, "env") {
        for &e in t.items(env) {
            let Some(kid) = t.field(e, "name") else {
                continue;
            };
            let (Some(key), Some(key_at)) = (t.str(kid), t.span(kid)) else {
                continue;
            };
            if let Some(v) = t.field(e, "value")
                && let (Some(value), Some((vs, ve))) = (t.str(v), t.span(v))
            {
                unit.settings.push(Setting {
                    key: key.to_string(),
                    value: value.to_string(),
                    path: rel.to_string(),
                    key_at,
                    value_at: strip_quotes_at(value, vs, ve),
                });
            }
        }
    }
    if let Some(from) = t.field(c, "envFrom") {
        for &f in t.items(from) {
            for r in ["configMapRef", "secretRef"] {
                if let Some(name) = t
                    .field(f, r)
                    .and_then(|x| t.field(x, "name"))
                    .and_then(|n| t.str(n))
                {
                    unit.config_refs.push(name.to_string());
                }
            }
        }
    }
}

/// A Helm chart: its name, and where its `Chart.yaml` is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    pub name: String,
    pub path: String,
}

/// The chart a `Chart.yaml` declares (none when it names none or does not parse).
pub fn chart(rel: &str, text: &str) -> Option<Chart> {
    let t = tree::yaml(text)?;
    let doc = *t.docs.first()?;
    let name = t.field(doc, "name").and_then(|n| t.str(n))?;
    (!name.is_empty()).then(|| Chart {
        name: name.to_string(),
        path: rel.to_string(),
    })
}

/// A container image reference as a repository builds and pushes it: the last part
/// of its repository (`balancereader` of
/// `us-docker.pkg.dev/ci/boa/balancereader:v1@sha256:…`), and whether it has a
/// namespace or registry before it. An image with none (`postgres:15`, `redis`) is
/// an official image of Docker Hub's library: third-party software, unless the
/// repository's own build tool (skaffold) builds an image of that name. `None` for a
/// reference with a placeholder (`{{ .Values.image }}`, `${REGISTRY}/x`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageName {
    pub name: String,
    pub namespaced: bool,
}

pub fn image_name(image: &str) -> Option<ImageName> {
    let image = image.trim();
    if image.is_empty() || image.contains(['{', '$', '<', ' ']) {
        return None;
    }
    let no_digest = image.split('@').next().unwrap_or(image);
    let (path, last) = match no_digest.rsplit_once('/') {
        Some((p, l)) => (Some(p), l),
        None => (None, no_digest),
    };
    let name = last.split(':').next().unwrap_or(last);
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    };
    plain(name).then(|| ImageName {
        name: name.to_string(),
        // `library/postgres` and `docker.io/library/postgres` are the official image.
        namespaced: path.is_some_and(|p| {
            !matches!(
                p,
                "library" | "docker.io/library" | "index.docker.io/library"
            )
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_config_maps_and_services() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    metadata:\n      labels:\n        app: orders-app\n    spec:\n      containers:\n        - name: server\n          env:\n            - name: DB_URL\n              value: \"postgres://o@db/orders\"\n            - name: FROM_SECRET\n              valueFrom: {secretKeyRef: {name: s, key: k}}\n          envFrom:\n            - configMapRef: {name: orders-config}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: orders-config}\ndata:\n  DB_USER: orders\n---\napiVersion: v1\nkind: Service\nmetadata: {name: orders}\n---\nkind: Pod\n";
        let mut out = FileContents::default();
        read("k8s/orders.yaml", text, &mut out);
        assert_eq!(out.units.len(), 1);
        let u = &out.units[0];
        assert_eq!(
            (u.name.as_str(), u.aliases.clone()),
            (
                "orders",
                vec!["orders-app".to_string(), "server".to_string()]
            )
        );
        assert_eq!(u.settings.len(), 1);
        let s = &u.settings[0];
        assert_eq!(&text[s.value_at.0..s.value_at.1], "postgres://o@db/orders");
        assert_eq!(u.config_refs, ["orders-config"]);
        assert_eq!(out.config_maps[0].settings[0].key, "DB_USER");
        assert_eq!(out.k8s_services, ["orders"]);
        assert!(u.images.is_empty());
        let mut none = FileContents::default();
        read("x.yaml", "kind: [", &mut none);
        read("y.yaml", "- a\n- b\n", &mut none);
        assert_eq!(none, FileContents::default());
    }

    #[test]
    fn images_of_containers_and_charts() {
        let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      initContainers: [{name: init, image: busybox}]\n      containers:\n        - {name: a, image: \"eshop/ordering.api:linux-latest\"}\n        - {name: b, image: busybox}\n";
        let mut out = FileContents::default();
        read("k8s/db.yaml", text, &mut out);
        assert_eq!(
            out.units[0].images,
            ["eshop/ordering.api:linux-latest", "busybox"]
        );
        assert_eq!(
            chart(
                "helm/orders/Chart.yaml",
                "apiVersion: v2\nname: orders\nversion: 0.1.0\n"
            ),
            Some(Chart {
                name: "orders".into(),
                path: "helm/orders/Chart.yaml".into()
            })
        );
        assert_eq!(chart("Chart.yaml", "name: [\n"), None);
        assert_eq!(chart("Chart.yaml", "version: 1\n"), None);
    }

    #[test]
    fn image_names_and_their_namespaces() {
        let cases = [
            (
                "us-central1-docker.pkg.dev/ci/boa/balancereader:v0.6.10@sha256:feae",
                Some(("balancereader", true)),
            ),
            ("eshop/ordering.api", Some(("ordering.api", true))),
            ("localhost:5000/orders:1", Some(("orders", true))),
            ("postgres:15", Some(("postgres", false))),
            ("redis", Some(("redis", false))),
            ("library/redis:alpine", Some(("redis", false))),
            ("docker.io/library/mysql:8", Some(("mysql", false))),
            ("emailservice", Some(("emailservice", false))),
        ];
        for (image, want) in cases {
            assert_eq!(
                image_name(image).map(|i| (i.name, i.namespaced)),
                want.map(|(n, ns)| (n.to_string(), ns)),
                "{image}"
            );
        }
        for image in [
            "{{ .Values.image.repository }}:{{ .Values.image.tag }}",
            "${REGISTRY:-eshop}/webspa:${TAG}",
            "",
            "a/:x",
        ] {
            assert_eq!(image_name(image), None, "{image}");
        }
    }
}
