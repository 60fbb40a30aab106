//! Kubernetes workloads, Helm charts and skaffold builds as evidence that a
//! directory is deployed, and the settings it is deployed with (where `init` reads
//! its database). The files are read by `crate::deploy`, as `check` reads them; this
//! module only traces each one to the directory of the repository it deploys.
//!
//! The rule (docs/init.md): an image is built from a project or a Dockerfile, so a
//! workload or chart deploys the directory its image is built from.
//!
//! - An image skaffold builds (`build.artifacts`) is built from the artifact's
//!   directory (its Dockerfile's, its Jib module's, or its context).
//! - Otherwise an image with a namespace or registry (`eshop/ordering.api`,
//!   `gcr.io/p/balancereader`) is built from the one project or Dockerfile directory
//!   named like the image's last part, compared without case and separators
//!   (`ordering.api` names `src/Services/Ordering/Ordering.API`).
//! - An image without a namespace (`postgres:15`, `redis`) that no skaffold artifact
//!   builds is an official Docker Hub image: third-party software, never a service.
//! - A Helm chart deploys the images its `values*.yaml` name (`image.repository`,
//!   `image`); a chart whose values name no image deploys the directory named like
//!   the chart.
//!
//! A workload or chart traced to one directory lends it its settings (a container's
//! `env`, its `envFrom` ConfigMaps, the chart's values); traced to several (an
//! umbrella chart), to none of them. When several manifests deploy one directory
//! (a kustomize base beside it, overlays and variants elsewhere), the settings of
//! those nearest to it count (most leading path components in common), as
//! `crate::deploy` picks the ConfigMaps nearest a workload.

use crate::deploy::kube::{ImageName, image_name};
use crate::deploy::{Deployment, Setting, UnitKind};
use std::collections::{BTreeMap, BTreeSet};

/// One directory a workload, chart or build deploys.
#[derive(Debug, PartialEq, Eq)]
pub struct Deployed<'d> {
    /// The directory, relative to the repository root.
    pub dir: String,
    /// What deploys it, for the proposal's comment.
    pub what: String,
    /// The manifest (workload, chart or skaffold file).
    pub from: String,
    /// The settings it is deployed with (empty when the manifest deploys several
    /// directories).
    pub settings: Vec<&'d Setting>,
}

/// The directories an image can be built from: each project directory (one holding
/// a manifest) and each directory holding a Dockerfile, by name without case and
/// separators.
#[derive(Debug, Default)]
pub struct Buildable {
    by_name: BTreeMap<String, BTreeSet<String>>,
}

impl Buildable {
    /// Adds `dir` (not the root) as a directory an image can be built from.
    pub fn add(&mut self, dir: &str) {
        if dir.is_empty() {
            return;
        }
        let last = dir.rsplit('/').next().unwrap_or(dir);
        self.by_name
            .entry(flat(last))
            .or_default()
            .insert(dir.to_string());
    }

    /// The one directory named `name` (nested ones count as their outermost).
    fn named(&self, name: &str) -> Option<&str> {
        let dirs = self.by_name.get(&flat(name))?;
        let outer: Vec<&String> = dirs
            .iter()
            .filter(|d| {
                !dirs
                    .iter()
                    .any(|o| o != *d && crate::registry::paths::within(d, o))
            })
            .collect();
        match outer.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        }
    }
}

/// A name without case and separators: `Ordering.API`, `ordering-api` → `orderingapi`.
fn flat(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every directory the deployment configuration `d` deploys, in a stable order.
pub fn find<'d>(d: &'d Deployment, dirs: &Buildable) -> Vec<Deployed<'d>> {
    let mut out: Vec<Deployed> = Vec::new();
    // Images the repository builds itself, by name.
    let mut built: BTreeMap<String, &str> = BTreeMap::new();
    for a in &d.artifacts {
        let Some(ImageName { name, .. }) = image_name(&a.image) else {
            continue;
        };
        built.entry(name.clone()).or_insert(a.dir.as_str());
        out.push(Deployed {
            dir: a.dir.clone(),
            what: format!("built by skaffold artifact `{name}` ({})", a.path),
            from: a.path.clone(),
            settings: Vec::new(),
        });
    }
    let traced = |image: &str| -> Option<(String, String)> {
        let i = image_name(image)?;
        let dir = match built.get(&i.name) {
            Some(dir) => Some(*dir),
            None if i.namespaced => dirs.named(&i.name),
            None => None,
        }?;
        Some((dir.to_string(), i.name))
    };
    for u in d.units.iter().filter(|u| u.kind == UnitKind::Kubernetes) {
        let targets: BTreeMap<String, String> = u.images.iter().filter_map(|i| traced(i)).collect();
        let one = targets.len() == 1;
        for (dir, image) in targets {
            out.push(Deployed {
                dir,
                what: format!(
                    "deployed as Kubernetes workload `{}` ({}, image `{image}`)",
                    u.name, u.path
                ),
                from: u.path.clone(),
                settings: if one { d.settings_of(u) } else { Vec::new() },
            });
        }
    }
    for c in &d.charts {
        let chart_dir = crate::deploy::compose::dir_of(&c.path);
        let values: Vec<&crate::deploy::Unit> = d
            .units
            .iter()
            .filter(|u| {
                u.kind == UnitKind::Config && crate::deploy::compose::dir_of(&u.path) == chart_dir
            })
            .filter(|u| {
                let name = u.path.rsplit('/').next().unwrap_or("");
                name.to_ascii_lowercase().starts_with("values")
            })
            .collect();
        let images: Vec<&str> = values
            .iter()
            .flat_map(|u| &u.settings)
            .filter(|s| {
                let k = s.key.as_str();
                k == "image" || k.ends_with(".image") || k.ends_with("image.repository")
            })
            .map(|s| s.value.as_str())
            .collect();
        let mut targets: BTreeMap<String, String> = BTreeMap::new();
        if images.is_empty() {
            if let Some(dir) = dirs.named(&c.name) {
                targets.insert(dir.to_string(), String::new());
            }
        } else {
            targets.extend(images.iter().filter_map(|i| traced(i)));
        }
        let one = targets.len() == 1;
        for (dir, image) in targets {
            let how = if image.is_empty() {
                "its name".to_string()
            } else {
                format!("image `{image}`")
            };
            out.push(Deployed {
                dir,
                what: format!("deployed by Helm chart `{}` ({}, {how})", c.name, c.path),
                from: c.path.clone(),
                settings: if one {
                    values.iter().flat_map(|u| &u.settings).collect()
                } else {
                    Vec::new()
                },
            });
        }
    }
    // Only the nearest manifests' settings count for a directory.
    let mut nearest: BTreeMap<&str, usize> = BTreeMap::new();
    for x in out.iter().filter(|x| !x.settings.is_empty()) {
        let n = crate::deploy::common(&x.dir, crate::deploy::compose::dir_of(&x.from));
        let best = nearest.entry(x.dir.as_str()).or_insert(n);
        *best = (*best).max(n);
    }
    let nearest: BTreeMap<String, usize> = nearest
        .into_iter()
        .map(|(d, n)| (d.to_string(), n))
        .collect();
    for x in &mut out {
        if nearest.get(&x.dir).is_some_and(|&n| {
            crate::deploy::common(&x.dir, crate::deploy::compose::dir_of(&x.from)) < n
        }) {
            x.settings.clear();
        }
    }
    out.sort_by(|a, b| (&a.dir, &a.what).cmp(&(&b.dir, &b.what)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::read;

    fn deployment(files: &[(&str, &str)]) -> Deployment {
        let mut d = Deployment::default();
        for (rel, text) in files {
            let kind = crate::deploy::kind_of(rel).expect("a deployment file");
            d.add(rel, read(kind, rel, text), text);
        }
        d
    }

    fn dirs(list: &[&str]) -> Buildable {
        let mut b = Buildable::default();
        for d in list {
            b.add(d);
        }
        b
    }

    fn traced(d: &Deployment, b: &Buildable) -> Vec<(String, usize)> {
        find(d, b)
            .into_iter()
            .map(|x| (x.dir, x.settings.len()))
            .collect()
    }

    const WORKLOAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: NAME}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: IMAGE\n          env: [{name: DB_NAME, value: orders}]\n";

    fn workload(name: &str, image: &str) -> String {
        WORKLOAD.replace("NAME", name).replace("IMAGE", image)
    }

    #[test]
    fn namespaced_images_name_their_project() {
        let d = deployment(&[
            (
                "k8s/orders.yaml",
                &workload("orders", "acme/ordering.api:1"),
            ),
            ("k8s/db.yaml", &workload("db", "postgres:15")),
            ("k8s/cache.yaml", &workload("cache", "bitnami/redis")),
            ("k8s/web.yaml", &workload("web", "web")),
        ]);
        let b = dirs(&["src/Ordering.API", "src/postgres", "src/web", "tools/x"]);
        assert_eq!(traced(&d, &b), [("src/Ordering.API".to_string(), 1)]);
    }

    #[test]
    fn skaffold_builds_trace_bare_images() {
        let d = deployment(&[
            (
                "skaffold.yaml",
                "apiVersion: skaffold/v3\nkind: Config\nbuild:\n  artifacts:\n  - image: web\n    context: src/web\n",
            ),
            ("k8s/web.yaml", &workload("web", "web")),
        ]);
        let found = find(&d, &dirs(&[]));
        let got: Vec<(&str, &str)> = found
            .iter()
            .map(|x| (x.dir.as_str(), x.what.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "src/web",
                    "built by skaffold artifact `web` (skaffold.yaml)"
                ),
                (
                    "src/web",
                    "deployed as Kubernetes workload `web` (k8s/web.yaml, image `web`)"
                ),
            ]
        );
    }

    #[test]
    fn charts_by_their_images_or_their_name() {
        let d = deployment(&[
            (
                "helm/orders/Chart.yaml",
                "apiVersion: v2\nname: orders-chart\n",
            ),
            (
                "helm/orders/values.yaml",
                "image:\n  repository: acme/orders\n  tag: 1\nenv:\n  DB_NAME: orders\n",
            ),
            ("helm/billing/Chart.yaml", "apiVersion: v2\nname: billing\n"),
            ("helm/billing/values.yaml", "replicas: 1\n"),
            (
                "helm/rabbitmq/Chart.yaml",
                "apiVersion: v2\nname: rabbitmq\n",
            ),
            (
                "helm/rabbitmq/values.yaml",
                "image: {repository: rabbitmq}\n",
            ),
            ("helm/all/Chart.yaml", "apiVersion: v2\nname: all\n"),
            (
                "helm/all/values.yaml",
                "orders: {image: {repository: acme/orders}}\nbilling: {image: acme/billing:2}\n",
            ),
        ]);
        let b = dirs(&["orders", "billing", "rabbitmq"]);
        assert_eq!(
            traced(&d, &b),
            [
                ("billing".to_string(), 0),
                ("billing".to_string(), 1),
                ("orders".to_string(), 0),
                ("orders".to_string(), 3),
            ]
        );
    }

    #[test]
    fn the_nearest_manifests_settings_count() {
        let d = deployment(&[
            ("k8s/orders.yaml", &workload("orders", "acme/orders")),
            (
                "svc/orders/k8s/base/orders.yaml",
                &workload("orders", "acme/orders"),
            ),
            (
                "extras/x/k8s/orders.yaml",
                &workload("orders", "acme/orders"),
            ),
        ]);
        let got: Vec<(String, usize)> = find(&d, &dirs(&["svc/orders"]))
            .into_iter()
            .map(|x| (x.from, x.settings.len()))
            .collect();
        assert_eq!(
            got,
            [
                ("extras/x/k8s/orders.yaml".to_string(), 0),
                ("k8s/orders.yaml".to_string(), 0),
                ("svc/orders/k8s/base/orders.yaml".to_string(), 1),
            ]
        );
    }

    #[test]
    fn a_name_several_directories_share_names_none() {
        let b = dirs(&["a/orders", "b/orders", "c/web", "c/web/web"]);
        assert_eq!(b.named("orders"), None);
        assert_eq!(b.named("Web"), Some("c/web"));
        assert_eq!(b.named("nothing"), None);
    }
}
