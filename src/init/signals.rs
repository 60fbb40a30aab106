//! The evidence that a directory runs or is deployed, for service discovery
//! ([`super::services`]): found from file names, from the text of code files `init`
//! reads anyway, and from `package.json` (compose files: `crate::deploy::compose`).

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
        deployed: false,
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
        return Some(Signal {
            deployed: true,
            ..signal(dir, format!("a Dockerfile ({rel})"), true)
        });
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
}
