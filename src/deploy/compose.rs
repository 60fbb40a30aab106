//! Compose files: each service with its build directory, names, `environment` (list
//! or map form), `env_file`, `depends_on` and `links`.

use super::flat::strip_quotes_at;
use super::tree::{self, Id, Node, Tree};
use super::{Setting, Unit, UnitKind};

/// The services of the compose file at `rel` (none when it does not parse).
pub fn units(rel: &str, t: &tree::Tree) -> Vec<Unit> {
    let Some(&doc) = t.docs.first() else {
        return Vec::new();
    };
    let Some(services) = t.field(doc, "services") else {
        return Vec::new();
    };
    let base = dir_of(rel);
    t.entries(services)
        .into_iter()
        .map(|(name, k, s)| unit(rel, base, t, name, k, s))
        .collect()
}

fn unit(rel: &str, base: &str, t: &Tree, name: &str, key: Id, s: Id) -> Unit {
    // The Dockerfile's directory when it names one (`context: .` with
    // `dockerfile: Services/Basket/Dockerfile`), else the context.
    let build = t.field(s, "build").and_then(|b| match t.get(b) {
        Node::Scalar(c, ..) => join(base, c),
        Node::Map(_) => {
            let ctx = join(base, t.str(t.field(b, "context")?)?)?;
            match t.field(b, "dockerfile").and_then(|d| t.str(d)) {
                Some(d) => join(&ctx, dir_of(d)),
                None => Some(ctx),
            }
        }
        _ => None,
    });
    let mut settings = Vec::new();
    if let Some(env) = t.field(s, "environment") {
        match t.get(env) {
            Node::Map(_) => {
                for (k, kid, v) in t.entries(env) {
                    let (Some(key_at), Some(value)) = (t.span(kid), t.str(v)) else {
                        continue;
                    };
                    let (vs, ve) = t.span(v).unwrap_or((0, 0));
                    settings.push(Setting {
                        key: k.to_string(),
                        value: value.to_string(),
                        path: rel.to_string(),
                        key_at,
                        value_at: strip_quotes_at(value, vs, ve),
                    });
                }
            }
            Node::Seq(items) => {
                for &item in items {
                    let (Some(line), Some((s, e))) = (t.str(item), t.span(item)) else {
                        continue;
                    };
                    let (s, e) = strip_quotes_at(line, s, e);
                    // Escapes in a quoted item make its text differ from its value:
                    // the range then covers the whole item.
                    let exact = e - s == line.len();
                    let (k, v) = line.split_once('=').unwrap_or((line, ""));
                    let key_at = if exact { (s, s + k.len()) } else { (s, e) };
                    let value_at = if exact { (e - v.len(), e) } else { (s, e) };
                    settings.push(Setting {
                        key: k.to_string(),
                        value: v.to_string(),
                        path: rel.to_string(),
                        key_at,
                        value_at,
                    });
                }
            }
            _ => {}
        }
    }
    let strings = |field: &str| -> Vec<String> {
        let Some(v) = t.field(s, field) else {
            return Vec::new();
        };
        match t.get(v) {
            Node::Scalar(x, ..) => vec![x.clone()],
            Node::Seq(items) => items
                .iter()
                .filter_map(|&i| {
                    t.str(i)
                        .or_else(|| t.field(i, "path").and_then(|p| t.str(p)))
                        .map(str::to_string)
                })
                .collect(),
            Node::Map(_) => t
                .entries(v)
                .into_iter()
                .map(|(k, ..)| k.to_string())
                .collect(),
            _ => Vec::new(),
        }
    };
    let env_files = strings("env_file")
        .iter()
        .filter_map(|f| join(base, f))
        .collect();
    let mut depends_on = strings("depends_on");
    for link in strings("links") {
        let target = link.split(':').next().unwrap_or(&link).to_string();
        if !depends_on.contains(&target) {
            depends_on.push(target);
        }
    }
    let aliases = t
        .field(s, "container_name")
        .and_then(|c| t.str(c))
        .map(str::to_string)
        .into_iter()
        .collect();
    Unit {
        kind: UnitKind::Compose,
        name: name.to_string(),
        aliases,
        path: rel.to_string(),
        name_at: t.span(key).unwrap_or((0, 0)),
        build,
        settings,
        env_files,
        config_refs: Vec::new(),
        images: Vec::new(),
        depends_on,
    }
}

/// The directory of `rel` (`""` at the root).
pub fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `base/rel`, normalised; `None` when it leaves the repository or is absolute.
pub fn join(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.contains("://") {
        return None;
    }
    crate::lang::join_relative(base, rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_build_contexts_and_environment() {
        let text = "services:\n  orders:\n    build: ../services/orders\n    environment:\n      - DB=x\n  web:\n    build:\n      context: ./web\n    environment:\n      PORT: 80\n  db:\n    image: postgres\n  evil:\n    build: ../../..\n";
        let t = tree::yaml(text).expect("valid YAML");
        let u = units("deploy/docker-compose.yml", &t);
        let got: Vec<(&str, Option<&str>, usize)> = u
            .iter()
            .map(|c| (c.name.as_str(), c.build.as_deref(), c.settings.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("orders", Some("services/orders"), 1),
                ("web", Some("deploy/web"), 1),
                ("db", None, 0),
                ("evil", None, 0),
            ]
        );
        assert!(tree::yaml(": : :").is_none_or(|t| units("c.yml", &t).is_empty()));
    }

    #[test]
    fn names_files_dependencies_and_spans() {
        let text = "x-env: &env\n  environment:\n    A: \"1\"\nservices:\n  api:\n    <<: *env\n    container_name: api-1\n    env_file: [api.env, {path: ../x.env}]\n    depends_on: {db: {condition: service_healthy}}\n    links: [\"cache:c\"]\n  w:\n    environment: [\"B=2\", C]\n";
        let t = tree::yaml(text).expect("valid YAML");
        let u = units("d/compose.yml", &t);
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].aliases, ["api-1"]);
        assert_eq!(u[0].env_files, ["d/api.env", "x.env"]);
        assert_eq!(u[0].depends_on, ["db", "cache"]);
        let a = &u[0].settings[0];
        assert_eq!(
            (
                &text[a.key_at.0..a.key_at.1],
                &text[a.value_at.0..a.value_at.1]
            ),
            ("A", "1")
        );
        let b = &u[1].settings[0];
        assert_eq!(
            (
                &text[b.key_at.0..b.key_at.1],
                &text[b.value_at.0..b.value_at.1]
            ),
            ("B", "2")
        );
        assert_eq!(u[1].settings[1].key, "C");
        assert_eq!(&text[u[1].name_at.0..u[1].name_at.1], "w");
    }
}
