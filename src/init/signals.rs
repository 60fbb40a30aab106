//! The evidence that a directory runs or is deployed, for service discovery
//! ([`super::services`]): found from file names, from the text of code files `init`
//! reads anyway, and from `package.json` and compose files.

use super::services::Signal;
use crate::lang::Language;
use serde_json::Value;

/// The directory of `rel` (`""` at the root).
pub fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn signal(dir: &str, what: String, runs: bool) -> Signal {
    Signal {
        dir: dir.to_string(),
        what,
        runs,
    }
}

/// Evidence in a file's name alone: a Dockerfile, `Program.cs`, a Django `manage.py`,
/// a Rust binary's `src/main.rs`.
pub fn from_name(rel: &str) -> Option<Signal> {
    let dir = dir_of(rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
    {
        return Some(signal(dir, format!("a Dockerfile ({rel})"), true));
    }
    if matches!(name, "Program.cs" | "manage.py" | "wsgi.py" | "asgi.py") {
        return Some(signal(dir, format!("an entry point ({rel})"), true));
    }
    if name == "main.rs" && (dir == "src" || dir.ends_with("/src")) {
        return Some(signal(dir, format!("a Rust binary ({rel})"), true));
    }
    None
}

/// Evidence in a code file's text: `package main` with `func main()`,
/// `@SpringBootApplication`, a Java `main` outside tests, a C# `Main`, Python's
/// `__main__` guard or a FastAPI/Flask app, a Cargo `[[bin]]`.
pub fn from_text(lang: Language, rel: &str, text: &str) -> Option<Signal> {
    let found = match lang {
        Language::Go => {
            text.lines().any(|l| l.trim() == "package main") && text.contains("func main()")
        }
        Language::Java | Language::Kotlin => {
            text.contains("@SpringBootApplication")
                || (!rel.contains("/src/test/")
                    && (text.contains("static void main(String") || text.contains("fun main(")))
        }
        Language::CSharp => {
            text.contains("static void Main(") || text.contains("static async Task Main(")
        }
        Language::Python => {
            text.contains("__name__ == \"__main__\"")
                || text.contains("__name__ == '__main__'")
                || text.contains("= FastAPI(")
                || text.contains("= Flask(__name__")
        }
        Language::CargoToml => text.lines().any(|l| l.trim() == "[[bin]]"),
        _ => false,
    };
    found.then(|| signal(dir_of(rel), format!("an entry point ({rel})"), true))
}

/// A `package.json` with a `start` script.
pub fn from_package_json(rel: &str, text: &str) -> Option<Signal> {
    let v: Value = serde_json::from_str(text).ok()?;
    v.get("scripts")?.get("start")?;
    Some(signal(
        dir_of(rel),
        format!("a `start` script ({rel})"),
        true,
    ))
}

/// True for a compose file's name.
pub fn is_compose(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("docker-compose") || lower.starts_with("compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// One service of a compose file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ComposeService {
    pub name: String,
    /// Its build context, relative to the repository root (`None`: an image).
    pub build: Option<String>,
    /// Its `environment` as `KEY=value` lines.
    pub environment: Vec<String>,
}

/// The services of a compose file at `rel` (none when it does not parse).
pub fn compose_services(rel: &str, text: &str) -> Vec<ComposeService> {
    let Ok(v) = serde_saphyr::from_str::<Value>(text) else {
        return Vec::new();
    };
    let Some(services) = v.get("services").and_then(Value::as_object) else {
        return Vec::new();
    };
    let base = dir_of(rel);
    services
        .iter()
        .map(|(name, s)| {
            // The Dockerfile's directory when it names one (`context: .` with
            // `dockerfile: Services/Basket/Dockerfile`), else the context.
            let build = match s.get("build") {
                Some(Value::String(c)) => join(base, c),
                Some(b) => b.get("context").and_then(Value::as_str).and_then(|c| {
                    let ctx = join(base, c)?;
                    match b.get("dockerfile").and_then(Value::as_str) {
                        Some(d) => join(&ctx, dir_of(d)),
                        None => Some(ctx),
                    }
                }),
                None => None,
            };
            let environment = match s.get("environment") {
                Some(Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => format!("{k}={s}"),
                        other => format!("{k}={other}"),
                    })
                    .collect(),
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            };
            ComposeService {
                name: name.clone(),
                build,
                environment,
            }
        })
        .collect()
}

/// `base/rel`, normalised; `None` when it leaves the repository or is absolute.
pub fn join(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_run() {
        for (rel, dir) in [
            ("svc/Dockerfile", "svc"),
            ("svc/api.Dockerfile", "svc"),
            ("src/Ordering.API/Program.cs", "src/Ordering.API"),
            ("auth/src/main.rs", "auth/src"),
            ("web/manage.py", "web"),
        ] {
            assert_eq!(
                from_name(rel).map(|s| s.dir),
                Some(dir.to_string()),
                "{rel}"
            );
        }
        for rel in ["svc/main.rs", "svc/Dockerfile.md.txt/x.rs", "svc/docker.md"] {
            assert_eq!(from_name(rel), None, "{rel}");
        }
    }

    #[test]
    fn texts_that_run_and_texts_that_do_not() {
        let yes = [
            (
                Language::Go,
                "cmd/a/main.go",
                "package main\n\nfunc main() {}\n",
            ),
            (
                Language::Java,
                "a/src/main/java/App.java",
                "@SpringBootApplication\nclass App {}",
            ),
            (Language::Python, "a/app.py", "app = FastAPI()\n"),
            (
                Language::Python,
                "a/run.py",
                "if __name__ == '__main__':\n    run()",
            ),
            (
                Language::CargoToml,
                "a/Cargo.toml",
                "[package]\n[[bin]]\nname = \"a\"",
            ),
            (
                Language::CSharp,
                "a/Worker.cs",
                "static async Task Main(string[] args)",
            ),
        ];
        for (lang, rel, text) in yes {
            assert!(from_text(lang, rel, text).is_some(), "{rel}");
        }
        let no = [
            (Language::Go, "lib/x.go", "package x\n\nfunc main() {}\n"),
            (
                Language::Java,
                "a/src/test/java/T.java",
                "public static void main(String[] a)",
            ),
            (Language::Python, "a/lib.py", "# __name__ == \"main\"\n"),
            (
                Language::CargoToml,
                "a/Cargo.toml",
                "[package]\nname = \"a\"",
            ),
        ];
        for (lang, rel, text) in no {
            assert!(from_text(lang, rel, text).is_none(), "{rel}");
        }
        assert!(from_package_json("w/package.json", r#"{"scripts":{"start":"node ."}}"#).is_some());
        assert!(from_package_json("w/package.json", r#"{"scripts":{"build":"tsc"}}"#).is_none());
        assert!(from_package_json("w/package.json", "not json").is_none());
    }

    #[test]
    fn compose_build_contexts_and_environment() {
        let text = "services:\n  orders:\n    build: ../services/orders\n    environment:\n      - DB=x\n  web:\n    build:\n      context: ./web\n    environment:\n      PORT: 80\n  db:\n    image: postgres\n  evil:\n    build: ../../..\n";
        let s = compose_services("deploy/docker-compose.yml", text);
        let got: Vec<(&str, Option<&str>, usize)> = s
            .iter()
            .map(|c| (c.name.as_str(), c.build.as_deref(), c.environment.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("db", None, 0),
                ("evil", None, 0),
                ("orders", Some("services/orders"), 1),
                ("web", Some("deploy/web"), 1),
            ]
        );
        assert!(compose_services("c.yml", ": : :").is_empty());
        assert!(is_compose("docker-compose.override.yml") && !is_compose("compose.json"));
    }
}
