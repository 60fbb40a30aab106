//! Kubernetes manifests: workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! Job, CronJob, Pod) with their containers' `env` and `envFrom`, ConfigMaps (and a
//! Secret's `stringData`; base64 `data` is not decoded), and Services' names.

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
        let mut none = FileContents::default();
        read("x.yaml", "kind: [", &mut none);
        read("y.yaml", "- a\n- b\n", &mut none);
        assert_eq!(none, FileContents::default());
    }
}
