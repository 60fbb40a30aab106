//! What a project's build says it depends on: the other projects of the repository
//! its manifest names. `init` uses it to tell a bundle of services (a development
//! server or an orchestration host whose build takes in several services' programs)
//! from a service, and to give a schema library to the one program built with it.
//!
//! Read, without running any build tool: `<ProjectReference Include=…>` of a
//! `*.csproj`, the `<dependency>` artifact ids of a `pom.xml`, `project(':x')` of a
//! Gradle build, `path = "…"` dependencies of a `Cargo.toml`, the `dependencies` of a
//! `package.json` and the `implicitDependencies` of an Nx `project.json`.

use crate::deploy::compose::join;
use serde_json::Value;

/// One dependency on another project of the repository.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ref {
    /// A project directory, relative to the root (`src/Basket.API`).
    Dir(String),
    /// A project name: an artifact id, a package or Nx project name, a Gradle project.
    Name(String),
}

/// The name a manifest declares for its project, when it declares one that other
/// manifests may use (`package.json` and `project.json`'s `name`, a `pom.xml`'s own
/// `artifactId`).
pub fn declared_name(file_name: &str, text: &str) -> Option<String> {
    if file_name == "pom.xml" {
        return pom_artifact_id(text);
    }
    if !matches!(file_name, "package.json" | "project.json") {
        return None;
    }
    let v: Value = serde_json::from_str(text).ok()?;
    v.get("name")?.as_str().map(str::to_string)
}

/// A `pom.xml`'s own artifact id: the first `<artifactId>` outside its `<parent>`
/// and before its dependencies, build and profiles (whose artifact ids are other
/// projects'), which other modules' `<dependency>` blocks name it by.
fn pom_artifact_id(text: &str) -> Option<String> {
    let head = [
        "<dependencies>",
        "<dependencyManagement>",
        "<build>",
        "<profiles>",
    ]
    .iter()
    .filter_map(|t| text.find(t))
    .min()
    .map_or(text, |end| &text[..end]);
    let own = match (head.find("<parent>"), head.find("</parent>")) {
        (Some(a), Some(b)) if a < b => {
            let (before, after) = (&head[..a], &head[b + "</parent>".len()..]);
            between(before, "<artifactId>", "</artifactId>")
                .or_else(|| between(after, "<artifactId>", "</artifactId>"))
        }
        _ => between(head, "<artifactId>", "</artifactId>"),
    }?;
    let own = own.trim();
    (!own.is_empty() && !own.contains(['$', '<', '>'])).then(|| own.to_string())
}

/// The projects of the repository that the manifest `rel` (a path relative to the
/// root) depends on.
pub fn references(rel: &str, text: &str) -> Vec<Ref> {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let mut out = Vec::new();
    if name.to_ascii_lowercase().ends_with(".csproj") {
        for inc in attribute_values(text, "<ProjectReference", "Include") {
            let inc = inc.replace('\\', "/");
            let parent = inc.rsplit_once('/').map_or("", |(p, _)| p);
            if let Some(d) = join(dir, parent) {
                out.push(Ref::Dir(d));
            }
        }
    } else if name == "pom.xml" {
        let mut rest = text;
        while let Some(i) = rest.find("<dependency>") {
            rest = &rest[i + "<dependency>".len()..];
            let block = &rest[..rest.find("</dependency>").unwrap_or(rest.len())];
            if let Some(id) = between(block, "<artifactId>", "</artifactId>") {
                out.push(Ref::Name(id.trim().to_string()));
            }
        }
    } else if name == "build.gradle" || name == "build.gradle.kts" {
        let mut rest = text;
        while let Some(i) = rest.find("project(") {
            rest = &rest[i + "project(".len()..];
            let arg = rest.trim_start().trim_start_matches("path:").trim_start();
            let Some(q) = arg.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            if let Some(end) = arg[1..].find(q) {
                let path = &arg[1..1 + end];
                if let Some(last) = path.rsplit(':').next().filter(|l| !l.is_empty()) {
                    out.push(Ref::Name(last.to_string()));
                }
            }
        }
    } else if name == "go.mod" {
        // `replace example.com/x => ../x`, alone or in a `replace ( … )` block: a
        // module built from a directory of the repository.
        for line in text.lines() {
            let line = line.split("//").next().unwrap_or("");
            let Some((_, target)) = line.split_once("=>") else {
                continue;
            };
            let target = target.split_whitespace().next().unwrap_or("");
            if (target.starts_with("./") || target.starts_with("../"))
                && let Some(d) = join(dir, target)
            {
                out.push(Ref::Dir(d));
            }
        }
    } else if name == "Cargo.toml" {
        for line in text.lines() {
            let Some(i) = line.find("path") else { continue };
            let after = line[i + 4..].trim_start();
            let Some(v) = after.strip_prefix('=') else {
                continue;
            };
            let v = v.trim_start();
            if let Some(d) = v
                .strip_prefix('"')
                .and_then(|v| v.split('"').next())
                .and_then(|p| join(dir, p))
            {
                out.push(Ref::Dir(d));
            }
        }
    } else if matches!(name, "package.json" | "project.json")
        && let Ok(v) = serde_json::from_str::<Value>(text)
    {
        if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
            out.extend(deps.keys().map(|k| Ref::Name(k.clone())));
        }
        if let Some(deps) = v.get("implicitDependencies").and_then(Value::as_array) {
            out.extend(
                deps.iter()
                    .filter_map(Value::as_str)
                    .filter(|d| !d.starts_with('!'))
                    .map(|d| Ref::Name(d.to_string())),
            );
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The values of `attr="…"` in each element that starts with `element`.
fn attribute_values<'t>(text: &'t str, element: &str, attr: &str) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(element) {
        rest = &rest[i + element.len()..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let Some(j) = tag.find(attr) else { continue };
        let after = tag[j + attr.len()..].trim_start();
        let Some(v) = after.strip_prefix('=').map(str::trim_start) else {
            continue;
        };
        let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = v[1..].find(q) {
            out.push(&v[1..1 + end]);
        }
    }
    out
}

/// The text between the first `open` and the next `close`.
fn between<'t>(text: &'t str, open: &str, close: &str) -> Option<&'t str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(d: &str) -> Ref {
        Ref::Dir(d.to_string())
    }
    fn name(n: &str) -> Ref {
        Ref::Name(n.to_string())
    }

    #[test]
    fn each_manifest_names_the_projects_it_depends_on() {
        let cases: &[(&str, &str, Vec<Ref>)] = &[
            (
                "src/App.Host/App.Host.csproj",
                r#"<Project><ItemGroup>
  <ProjectReference Include="..\Basket.API\Basket.API.csproj" />
  <ProjectReference Include='../Catalog.API/Catalog.API.csproj'/>
  <PackageReference Include="Aspire.Hosting" Version="8" />
  <ProjectReference Include="..\..\..\outside\X.csproj" />
</ItemGroup></Project>"#,
                vec![dir("src/Basket.API"), dir("src/Catalog.API")],
            ),
            (
                "standalone/pom.xml",
                "<project><parent><artifactId>root</artifactId></parent>\n<artifactId>standalone</artifactId>\n<dependencies><dependency><groupId>g</groupId><artifactId>master</artifactId></dependency>\n<dependency><artifactId> worker </artifactId><exclusions/></dependency></dependencies></project>",
                vec![name("master"), name("worker")],
            ),
            (
                "app/build.gradle.kts",
                "dependencies {\n implementation(project(\":services:orders\"))\n implementation(project(path: ':kitchen'))\n}\n",
                vec![name("kitchen"), name("orders")],
            ),
            (
                "crates/all/Cargo.toml",
                "[dependencies]\norders = { path = \"../orders\" }\nserde = \"1\"\n[dependencies.users]\npath = \"../../users\"\n",
                vec![dir("crates/orders"), dir("users")],
            ),
            (
                "monolith/go.mod",
                "module x/monolith\n\nreplace x/kitchen => ./../kitchen\n\nreplace (\n\tx/order v1.0.0 => ../order\n\tgithub.com/y/z => github.com/y/z v1.2.0\n)\n//replace x/edat => ../../edat\nrequire x/kitchen v0.0.0\n",
                vec![dir("kitchen"), dir("order")],
            ),
            (
                "packages/server/package.json",
                r#"{"name": "@x/server", "dependencies": {"@x/db": "*", "express": "4"}, "devDependencies": {"@x/test": "*"}}"#,
                vec![name("@x/db"), name("express")],
            ),
            (
                "packages/server/project.json",
                r#"{"name": "server", "implicitDependencies": ["prisma-db", "!excluded"]}"#,
                vec![name("prisma-db")],
            ),
        ];
        for (rel, text, want) in cases {
            assert_eq!(&references(rel, text), want, "{rel}");
        }
    }

    #[test]
    fn what_names_no_project_is_no_reference() {
        for (rel, text) in [
            (
                "a/A.csproj",
                "<!-- <ProjectReference Include= --> <ProjectReference>",
            ),
            ("pom.xml", "<dependency><groupId>g</groupId>"),
            ("package.json", "{ not json"),
            ("build.gradle", "project(rootProject)"),
            ("Cargo.toml", "path = \"/etc\"\n"),
            ("go.mod", "require x v1\n"),
        ] {
            assert_eq!(references(rel, text), Vec::<Ref>::new(), "{rel}");
        }
        assert_eq!(
            declared_name("package.json", r#"{"name": "@x/db"}"#).as_deref(),
            Some("@x/db")
        );
        // A pom names itself by its own artifact id, not its parent's or its
        // dependencies'.
        assert_eq!(
            declared_name(
                "pom.xml",
                "<project><parent><artifactId>all</artifactId></parent>\n<artifactId>rocketmq-container</artifactId>\n<dependencies><dependency><artifactId>rocketmq-broker</artifactId></dependency></dependencies></project>"
            )
            .as_deref(),
            Some("rocketmq-container")
        );
        assert_eq!(
            declared_name(
                "pom.xml",
                "<project><dependencies><dependency><artifactId>x</artifactId></dependency></dependencies></project>"
            ),
            None
        );
        assert_eq!(
            declared_name("pom.xml", "<artifactId>${name}</artifactId>"),
            None
        );
    }
}
