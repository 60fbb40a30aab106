//! The module graph of Gradle and Maven builds, as far as their build files state it:
//! a module is a directory with `build.gradle`, `build.gradle.kts` or `pom.xml`; its
//! dependencies on other modules are Gradle's `project(":a:b")` (the directory `a/b`
//! under the build's root, where `settings.gradle` is) and Maven's `<dependency>`
//! artifacts built by a `pom.xml` of the repository. A build file's dependencies also
//! apply to the modules below it (a root `subprojects { .. }` block, a parent POM).
//!
//! A class compiles against its own module and the modules it depends on,
//! transitively: a class declared only in a module outside that set is not what the
//! import means (typically a copy generated at build time from a shared
//! specification), so it is not a candidate. A module whose build names its
//! dependencies in a way this does not read (Gradle's `projects.x` accessors) is
//! unknown, and then every module is a candidate.

use super::{join, parent, read_config, split};
use crate::scan::walk::FileEntry;
use foldhash::{HashMap, HashSet};

#[derive(Default)]
pub struct Modules {
    /// Module directory → the module directories it may compile against (itself
    /// included); `None` when its dependencies cannot be read.
    reach: HashMap<String, Option<HashSet<String>>>,
}

/// One build file as read.
#[derive(Default)]
struct Build {
    /// Dependencies by module directory (Gradle) or by artifact (Maven).
    dirs: Vec<String>,
    artifacts: Vec<String>,
    unknown: bool,
}

impl Modules {
    pub fn build(files: &[FileEntry]) -> Modules {
        let mut settings: HashSet<&str> = HashSet::default();
        let mut builds: HashMap<String, Build> = HashMap::default();
        let mut artifacts: HashMap<String, Vec<String>> = HashMap::default();
        let mut gradle: Vec<&FileEntry> = Vec::new();
        for f in files {
            let (dir, name) = split(&f.rel);
            match name {
                "settings.gradle" | "settings.gradle.kts" => {
                    settings.insert(dir);
                }
                "build.gradle" | "build.gradle.kts" => gradle.push(f),
                "pom.xml" => {
                    let Some(text) = read_config(f) else { continue };
                    let (own, deps) = pom(&text);
                    if let Some(own) = own {
                        artifacts.entry(own).or_default().push(dir.to_string());
                    }
                    let b = builds.entry(dir.to_string()).or_default();
                    b.artifacts.extend(deps);
                }
                _ => {}
            }
        }
        for f in gradle {
            let dir = parent(&f.rel);
            let mut root = dir;
            while !settings.contains(root) && !root.is_empty() {
                root = parent(root);
            }
            let b = builds.entry(dir.to_string()).or_default();
            match read_config(f) {
                Some(text) => {
                    b.unknown |= uses_project_accessors(&text);
                    b.dirs
                        .extend(gradle_projects(&text).iter().map(|p| join(root, p)));
                }
                None => b.unknown = true,
            }
        }
        // Direct dependencies: a module's own and those of the build files above it.
        let mut direct: HashMap<&str, (Vec<String>, bool)> = HashMap::default();
        for dir in builds.keys() {
            let mut deps = Vec::new();
            let mut unknown = false;
            let mut at = Some(dir.as_str());
            while let Some(d) = at {
                if let Some(b) = builds.get(d) {
                    deps.extend(b.dirs.iter().cloned());
                    for a in &b.artifacts {
                        deps.extend(artifacts.get(a).into_iter().flatten().cloned());
                    }
                    unknown |= b.unknown;
                }
                at = (!d.is_empty()).then(|| parent(d));
            }
            direct.insert(dir, (deps, unknown));
        }
        let mut reach = HashMap::default();
        for (&dir, (_, unknown)) in &direct {
            if *unknown {
                reach.insert(dir.to_string(), None);
                continue;
            }
            let mut seen: HashSet<String> = HashSet::default();
            let mut stack = vec![dir.to_string()];
            while let Some(m) = stack.pop() {
                if !seen.insert(m.clone()) {
                    continue;
                }
                if let Some((deps, _)) = direct.get(m.as_str()) {
                    stack.extend(deps.iter().cloned());
                }
            }
            reach.insert(dir.to_string(), Some(seen));
        }
        Modules { reach }
    }

    /// The module (directory of the nearest build file) of `rel`, if any.
    fn module_of<'a>(&self, rel: &'a str) -> Option<&'a str> {
        let mut dir = parent(rel);
        loop {
            if self.reach.contains_key(dir) {
                return Some(dir);
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
    }

    /// True when code in the file `from` may compile against the file `to`: the
    /// module of `to` is reachable from that of `from`, or either is unknown.
    pub fn reaches(&self, from: &str, to: &str) -> bool {
        let (Some(a), Some(b)) = (self.module_of(from), self.module_of(to)) else {
            return true;
        };
        match self.reach.get(a) {
            Some(Some(set)) => set.contains(b),
            _ => true,
        }
    }
}

/// The project paths of `project(":a:b")` and `project(path: ":a")` in a Gradle
/// build file, as directories (`a/b`).
fn gradle_projects(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("project(") {
        rest = &rest[i + 8..];
        let arg = rest.split([')', ',']).next().unwrap_or("");
        let arg = arg
            .trim()
            .trim_start_matches("path")
            .trim_start_matches([' ', ':', '=']);
        let arg = arg.trim().trim_matches(['"', '\'']);
        if let Some(path) = arg.strip_prefix(':')
            && !path.is_empty()
            && !path.contains(['"', '\'', '$', ' '])
        {
            out.push(path.replace(':', "/"));
        }
    }
    out
}

/// True when a Gradle build names projects through type-safe accessors
/// (`implementation(projects.ordersApi)`), which this does not map to directories.
fn uses_project_accessors(text: &str) -> bool {
    text.match_indices("projects.").any(|(i, _)| {
        !text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
    })
}

/// The artifact a `pom.xml` builds (its `<artifactId>` outside `<parent>`) and the
/// artifacts of its `<dependencies>` (not `<dependencyManagement>`, which only pins
/// versions).
fn pom(text: &str) -> (Option<String>, Vec<String>) {
    let strip = |t: &str, tag: &str| -> String {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        let mut out = String::new();
        let mut rest = t;
        while let Some(i) = rest.find(&open) {
            out.push_str(&rest[..i]);
            rest = rest[i..]
                .find(&close)
                .map_or("", |e| &rest[i + e + close.len()..]);
        }
        out.push_str(rest);
        out
    };
    let text = strip(text, "dependencyManagement");
    let text = strip(&text, "build");
    let text = strip(&text, "profiles");
    let own_text = strip(&strip(&text, "parent"), "dependencies");
    let artifact = |t: &str| {
        t.split("<artifactId>")
            .skip(1)
            .filter_map(|s| s.split("</artifactId>").next())
            .map(|s| s.trim().to_string())
            .collect::<Vec<_>>()
    };
    let own = artifact(&own_text).into_iter().next();
    let mut deps = Vec::new();
    for block in text.split("<dependency>").skip(1) {
        let block = block.split("</dependency>").next().unwrap_or("");
        deps.extend(artifact(block).into_iter().next());
    }
    (own, deps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradle_project_dependencies() {
        let text = "dependencies {\n  compile project(\":ftgo-common\")\n  \
                    testCompile project(':x:y')\n  implementation project(path: ':z', configuration: 'c')\n  \
                    implementation \"org:lib:1\"\n}\n";
        assert_eq!(gradle_projects(text), ["ftgo-common", "x/y", "z"]);
        assert!(uses_project_accessors("implementation(projects.ordersApi)"));
        assert!(!uses_project_accessors(
            "subprojects.each { }\nallprojects.x"
        ));
    }

    #[test]
    fn maven_artifact_and_dependencies() {
        let text = "<project><parent><artifactId>all</artifactId></parent>\
                    <artifactId>proxy</artifactId>\
                    <dependencyManagement><dependencies><dependency><artifactId>pinned</artifactId></dependency></dependencies></dependencyManagement>\
                    <dependencies><dependency><groupId>g</groupId><artifactId>broker</artifactId></dependency>\
                    <dependency><artifactId>grpc</artifactId><exclusions><exclusion><artifactId>no</artifactId></exclusion></exclusions></dependency></dependencies></project>";
        assert_eq!(
            pom(text),
            (
                Some("proxy".to_string()),
                vec!["broker".to_string(), "grpc".to_string()]
            )
        );
    }
}
