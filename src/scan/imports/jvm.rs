//! Java and Kotlin: a single-type import (`import com.acme.orders.api.OrderDto`)
//! resolves to the file that declares the class, `<source root>/com/acme/orders/api/
//! OrderDto.java` (or `.kt`) in any module and any source set; a static import or a
//! nested class to the file of its outermost class; a wildcard import to every
//! directory of the package. Gradle and Maven builds routinely split a package across
//! modules (an `orders-api` contract module beside the service), so the class decides,
//! not the package prefix. A class no file is named after (generated at build time,
//! or declared in a file of another name or directory) resolves to nothing, and so
//! does one declared only in modules the importing module does not depend on
//! ([`Modules`]).

use super::jvm_modules::Modules;
use super::{join, parent, split};
use crate::registry::PathMap;
use crate::scan::walk::FileEntry;
use foldhash::HashMap;

#[derive(Default)]
pub struct JvmIndex {
    modules: Modules,
    /// Fully qualified class name (from the file name) → the files declaring it.
    classes: HashMap<String, Vec<String>>,
    /// Package → its directories, one per module and source set.
    packages: HashMap<String, Vec<String>>,
}

impl JvmIndex {
    pub fn build(files: &[FileEntry]) -> JvmIndex {
        let mut idx = JvmIndex {
            modules: Modules::build(files),
            ..JvmIndex::default()
        };
        for f in files {
            let Some((package, class)) = source_file(&f.rel) else {
                continue;
            };
            let fqcn = if package.is_empty() {
                class.to_string()
            } else {
                format!("{package}.{class}")
            };
            idx.classes.entry(fqcn).or_default().push(f.rel.clone());
            if !package.is_empty() {
                let dirs = idx.packages.entry(package).or_default();
                let dir = parent(&f.rel);
                if !dirs.iter().any(|d| d == dir) {
                    dirs.push(dir.to_string());
                }
            }
        }
        for v in idx.classes.values_mut().chain(idx.packages.values_mut()) {
            v.sort();
        }
        idx
    }

    /// The files or directories `name` (an import without `static` and alias) means.
    /// A single name: the file of its longest prefix that is a class (a static
    /// member or nested class is in its outer class's file), and nothing when no
    /// file declares it: classes generated at build time, or declared in a file of
    /// another name or directory, are not guessed from a package's directories. A
    /// wildcard (`a.b.*`): the class's file for a static or nested wildcard, else
    /// every directory of the package.
    pub fn resolve(&self, from: &str, name: &str) -> Vec<String> {
        let (name, wildcard) = match name.strip_suffix(".*") {
            Some(n) => (n, true),
            None => (name, false),
        };
        let found = self.class(name).or_else(|| {
            wildcard
                .then(|| self.packages.get(name))
                .flatten()
                .map(Vec::as_slice)
        });
        // Only what the importing module compiles against.
        found
            .into_iter()
            .flatten()
            .filter(|p| self.modules.reaches(from, &join(p, "_")))
            .cloned()
            .collect()
    }

    /// The files of the longest prefix of `name` that is a class.
    fn class(&self, name: &str) -> Option<&[String]> {
        let mut end = name.len();
        // A class in the default package cannot be imported: stop at the first dot.
        while let Some(dot) = name[..end].rfind('.') {
            if let Some(files) = self.classes.get(&name[..end]) {
                return Some(files);
            }
            end = dot;
        }
        None
    }

    /// Each package with the service holding its directories (`None` when several
    /// do), for the prefilter; packages outside every service lead to no finding.
    pub fn homes(&self, paths: &PathMap) -> Vec<(String, Option<usize>)> {
        let mut out = Vec::new();
        for (package, dirs) in &self.packages {
            let mut services = dirs.iter().filter_map(|d| paths.service_of(d));
            if let Some(first) = services.next() {
                let home = services.all(|s| s == first).then_some(first);
                out.push((package.clone(), home));
            }
        }
        out
    }
}

/// The package and class of a Java/Kotlin source file in the Maven/Gradle layout
/// (`<module>/src/<source set>/java|kotlin/<package dirs>/<Class>.java|.kt`).
fn source_file(rel: &str) -> Option<(String, &str)> {
    let (dir, name) = split(rel);
    let class = name
        .strip_suffix(".java")
        .or_else(|| name.strip_suffix(".kt"))?;
    let parts: Vec<&str> = dir.split('/').collect();
    let root = (0..parts.len().saturating_sub(2)).find(|&i| {
        parts[i] == "src" && matches!(parts[i + 2], "java" | "kotlin") && !parts[i + 1].is_empty()
    })?;
    let package = parts[root + 3..].join(".");
    Some((package, class))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(paths: &[&str]) -> JvmIndex {
        JvmIndex::build(&super::super::entries(paths))
    }

    #[test]
    fn source_roots_of_every_source_set() {
        assert_eq!(
            source_file("orders/src/main/java/com/acme/Order.java"),
            Some(("com.acme".to_string(), "Order"))
        );
        assert_eq!(
            source_file("src/integrationTest/kotlin/com/acme/It.kt"),
            Some(("com.acme".to_string(), "It"))
        );
        assert_eq!(source_file("orders/lib/com/acme/Order.java"), None);
        assert_eq!(
            source_file("orders/src/main/java/Order.java").map(|p| p.0),
            Some(String::new())
        );
    }

    #[test]
    fn the_class_decides_then_the_package() {
        let idx = index(&[
            "orders-api/src/main/java/com/acme/orders/api/OrderDto.java",
            "services/orders/src/main/java/com/acme/orders/api/OrderController.java",
            "services/orders/src/test/kotlin/com/acme/orders/api/OrderTest.kt",
        ]);
        let cases: &[(&str, &[&str])] = &[
            (
                "com.acme.orders.api.OrderDto",
                &["orders-api/src/main/java/com/acme/orders/api/OrderDto.java"],
            ),
            // Static member and nested class: the outer class's file.
            (
                "com.acme.orders.api.OrderDto.Line",
                &["orders-api/src/main/java/com/acme/orders/api/OrderDto.java"],
            ),
            // Wildcard: every directory of the package.
            (
                "com.acme.orders.api.*",
                &[
                    "orders-api/src/main/java/com/acme/orders/api",
                    "services/orders/src/main/java/com/acme/orders/api",
                    "services/orders/src/test/kotlin/com/acme/orders/api",
                ],
            ),
            // A static wildcard: the class's file.
            (
                "com.acme.orders.api.OrderDto.*",
                &["orders-api/src/main/java/com/acme/orders/api/OrderDto.java"],
            ),
            // No file declares it (generated, or declared elsewhere): nothing.
            ("com.acme.orders.api.Generated", &[]),
            ("org.springframework.Foo", &[]),
            ("com.acme", &[]),
        ];
        for (name, want) in cases {
            assert_eq!(
                idx.resolve("app/src/main/java/A.java", name),
                *want,
                "{name}"
            );
        }
    }
}
