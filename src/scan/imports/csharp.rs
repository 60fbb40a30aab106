//! C#: a `using` directive names a namespace, and C# namespaces are not tied to
//! projects or directories, so a namespace resolves to every file of the repository
//! that declares it (`namespace A.B;` or `namespace A.B { .. }` in a `.cs` file, or
//! `option csharp_namespace = "A.B";` in a `.proto` file, whose generated code lives
//! in that namespace). A `using` crosses a boundary only when the namespace is
//! declared solely in another service's private code. An aliased type or a `using
//! static` class resolves through the longest declared namespace it starts with.
//! Namespaces of the platform and of common frameworks (`System`,
//! `Microsoft.Extensions`, ..) are never the repository's: applications add extension
//! methods to them, which does not make them a service's code.

use super::{parent, read_config};
use crate::registry::PathMap;
use crate::scan::walk::FileEntry;
use foldhash::HashMap;

#[derive(Default)]
pub struct CsIndex {
    /// Namespace → the files declaring it.
    namespaces: HashMap<String, Vec<String>>,
}

/// Namespace prefixes of the platform and of frameworks, which applications extend.
const FRAMEWORKS: &[&str] = &[
    "System",
    "Microsoft.Extensions",
    "Microsoft.AspNetCore",
    "Microsoft.EntityFrameworkCore",
    "Microsoft.Azure",
    "Microsoft.Data",
    "Microsoft.Net",
    "Microsoft.CodeAnalysis",
    "Microsoft.Identity",
    "Microsoft.OpenApi",
    "Windows",
    "Xunit",
    "NUnit",
    "Moq",
    "Newtonsoft",
    "Grpc",
    "Google.Protobuf",
    "Polly",
    "MediatR",
    "Serilog",
    "FluentValidation",
    "AutoMapper",
    "Dapper",
    "OpenTelemetry",
    "Aspire",
];

impl CsIndex {
    pub fn build(files: &[FileEntry]) -> CsIndex {
        let mut idx = CsIndex::default();
        for f in files {
            let proto = f.rel.ends_with(".proto");
            if !(proto || f.rel.ends_with(".cs")) {
                continue;
            }
            let Some(text) = read_config(f) else { continue };
            let declared = if proto {
                proto_namespace(&text).into_iter().collect()
            } else {
                declarations(&text)
            };
            for ns in declared {
                let files = idx.namespaces.entry(ns).or_default();
                if files.last() != Some(&f.rel) {
                    files.push(f.rel.clone());
                }
            }
        }
        idx
    }

    /// The files declaring the longest declared namespace `name` starts with.
    pub fn resolve(&self, name: &str) -> Vec<String> {
        if self.namespaces.is_empty() || is_framework(name) {
            return Vec::new();
        }
        let mut end = name.len();
        loop {
            if let Some(files) = self.namespaces.get(&name[..end]) {
                return files.clone();
            }
            match name[..end].rfind('.') {
                Some(dot) => end = dot,
                None => return Vec::new(),
            }
        }
    }

    /// Namespaces declared in one service only, with that service (for the
    /// prefilter).
    pub fn homes(&self, paths: &PathMap) -> Vec<(String, Option<usize>)> {
        self.namespaces
            .iter()
            .filter(|(ns, _)| !is_framework(ns))
            .filter_map(|(ns, files)| {
                let mut services = files.iter().map(|f| paths.service_of(parent(f)));
                let first = services.next()??;
                services
                    .all(|s| s == Some(first))
                    .then(|| (ns.clone(), Some(first)))
            })
            .collect()
    }
}

fn is_framework(name: &str) -> bool {
    FRAMEWORKS.iter().any(|f| {
        name.strip_prefix(f)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

/// The namespaces a C# file declares: unindented lines that start with `namespace`
/// (a nested namespace's types are found through its outer one).
fn declarations(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start_matches('\u{feff}');
            let rest = l.strip_prefix("namespace")?;
            if !rest.starts_with([' ', '\t']) {
                return None;
            }
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// `option csharp_namespace = "A.B";` of a `.proto` file.
fn proto_namespace(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("option")?.trim_start();
        let rest = rest.strip_prefix("csharp_namespace")?.trim_start();
        let value = rest.strip_prefix('=')?.trim().trim_end_matches(';').trim();
        let value = value.trim_matches('"');
        (!value.is_empty()).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_of_both_styles_and_protos() {
        assert_eq!(
            declarations("\u{feff}namespace A.B;\nclass C {}\n"),
            ["A.B"]
        );
        assert_eq!(
            declarations(
                "using X;\nnamespace A.B.C\n{\n    namespace Inner { }\n}\n// namespace No\n"
            ),
            ["A.B.C"]
        );
        assert_eq!(
            proto_namespace(
                "syntax = \"proto3\";\noption csharp_namespace = \"eShop.Basket.API.Grpc\";\n"
            )
            .as_deref(),
            Some("eShop.Basket.API.Grpc")
        );
    }

    #[test]
    fn the_longest_declared_namespace_and_never_a_framework() {
        let mut idx = CsIndex::default();
        idx.namespaces
            .insert("Acme.Orders".into(), vec!["o/A.cs".into()]);
        idx.namespaces
            .insert("Microsoft.Extensions.Hosting".into(), vec!["o/H.cs".into()]);
        assert_eq!(idx.resolve("Acme.Orders.Models.Order"), ["o/A.cs"]);
        assert!(idx.resolve("Acme").is_empty());
        assert!(idx.resolve("Microsoft.Extensions.Hosting").is_empty());
        assert!(!is_framework("Microsoft.eShopOnContainers.WebMVC"));
        assert!(is_framework("System"));
        assert!(!is_framework("SystemX.Y"));
    }
}
