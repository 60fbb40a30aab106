//! OpenAPI client generation: the spec a build generates an API client from.
//!
//! A service that generates a client from another service's OpenAPI spec calls that
//! service's API (`crate::drift::config::spec_edges` turns the spec's path or URL
//! into the service it belongs to). Read here, as text, only the settings whose name
//! says they are the generator's input:
//!
//! - `openapitools.json` (the `openapi-generator-cli` configuration): every
//!   `inputSpec` under `generator-cli.generators`;
//! - Maven `pom.xml`: `<inputSpec>..</inputSpec>` (the configuration of
//!   `openapi-generator-maven-plugin` and `swagger-codegen-maven-plugin`);
//! - Gradle `build.gradle(.kts)`: `inputSpec = ".."`, `inputSpec.set("..")`,
//!   `inputSpec ".."` (the `org.openapi.generator` plugin);
//! - MSBuild `*.csproj`: `<OpenApiReference Include=".." />` (NSwag / dotnet-openapi).
//!
//! Not read: `oapi-codegen` (its configuration holds no input; the spec is an argument
//! of a `//go:generate` comment or a Makefile), NSwag's `nswag.json`, and generator
//! invocations in scripts.

use super::Setting;

/// True for the files read here. Those in a language the scan reads as code
/// (`*.csproj`, `build.gradle.kts`) are read with it, the others with the deployment
/// configuration ([`read_with_deployment`]).
///
/// Asked of every file of a service, so the name is compared in place, without a
/// lowercased copy (19 M instructions on the benchmark's realistic tree).
pub fn is_generator(rel: &str) -> bool {
    let name = crate::registry::paths::file_name(rel).as_bytes();
    [
        "openapitools.json",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
    ]
    .iter()
    .any(|g| name.eq_ignore_ascii_case(g.as_bytes()))
        || name
            .len()
            .checked_sub(7)
            .is_some_and(|at| name[at..].eq_ignore_ascii_case(b".csproj"))
}

/// True for the generator files read with the deployment configuration: those the
/// scan does not read as code.
pub fn read_with_deployment(rel: &str) -> bool {
    is_generator(rel) && crate::lang::Language::of(rel).is_none()
}

/// The generator inputs of the file at `rel`, each a setting whose value is the spec's
/// path or URL as written, with its byte range.
pub fn references(rel: &str, text: &str) -> Vec<Setting> {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let mut out = Vec::new();
    // The value at `at`, trimmed, as a setting named `key`.
    let setting = |key: &str, at: (usize, usize)| -> Option<Setting> {
        let raw = text.get(at.0..at.1)?;
        let v = raw.trim();
        let start = at.0 + (raw.len() - raw.trim_start().len());
        (!v.is_empty()).then(|| Setting {
            key: key.to_string(),
            value: v.to_string(),
            path: rel.to_string(),
            key_at: at,
            value_at: (start, start + v.len()),
        })
    };
    if name == "openapitools.json" {
        if let Some(t) = super::tree::json(text) {
            for s in super::flat::tree(rel, &t, ":") {
                if s.key.rsplit(':').next() == Some("inputSpec") {
                    out.push(s);
                }
            }
        }
    } else if name == "pom.xml" {
        for (start, _) in text.match_indices("<inputSpec>") {
            let from = start + "<inputSpec>".len();
            if let Some(end) = text[from..].find("</inputSpec>") {
                out.extend(setting("inputSpec", (from, from + end)));
            }
        }
    } else if name.ends_with(".csproj") {
        for (start, _) in text.match_indices("<OpenApiReference") {
            let tag = &text[start..];
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            if let Some(at) = tag.find("Include=\"") {
                let from = start + at + "Include=\"".len();
                if let Some(end) = text[from..].find('"') {
                    out.extend(setting("OpenApiReference", (from, from + end)));
                }
            }
        }
    } else if name.starts_with("build.gradle") {
        for (start, _) in text.match_indices("inputSpec") {
            let rest = &text[start + "inputSpec".len()..];
            let skipped = rest.len()
                - rest
                    .trim_start_matches([' ', '\t', '=', '(', '.'])
                    .trim_start_matches("set(")
                    .len();
            let after = &rest[skipped..];
            let Some(q) = after.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
                continue;
            };
            let from = start + "inputSpec".len() + skipped + 1;
            if let Some(end) = text[from..]
                .find([q, '\n'])
                .filter(|&e| text[from + e..].starts_with(q))
            {
                out.extend(setting("inputSpec", (from, from + end)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_inputs() {
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "web/openapitools.json",
                r#"{"generator-cli": {"version": "7.0.0", "generators": {"orders": {"generatorName": "typescript-fetch", "inputSpec": "../orders/api/openapi.yaml", "output": "src/gen"}}}}"#,
                &["../orders/api/openapi.yaml"],
            ),
            (
                "web/pom.xml",
                "<plugin><artifactId>openapi-generator-maven-plugin</artifactId><configuration>\n  <inputSpec>${project.basedir}/../orders/openapi.yaml</inputSpec>\n</configuration></plugin>",
                &["${project.basedir}/../orders/openapi.yaml"],
            ),
            (
                "web/build.gradle.kts",
                "openApiGenerate {\n    inputSpec.set(\"$projectDir/../orders/openapi.yaml\")\n}\n",
                &["$projectDir/../orders/openapi.yaml"],
            ),
            (
                "web/build.gradle",
                "openApiGenerate {\n    inputSpec = '../orders/openapi.yaml'\n    inputSpec \"x.yaml\"\n}\n",
                &["../orders/openapi.yaml", "x.yaml"],
            ),
            (
                "Web/Web.csproj",
                "<ItemGroup>\n  <OpenApiReference Include=\"..\\Orders.API\\openapi.json\" CodeGenerator=\"NSwagCSharp\" />\n</ItemGroup>",
                &["..\\Orders.API\\openapi.json"],
            ),
            // Not inputs: other settings, unterminated values, other files.
            ("web/pom.xml", "<inputSpec>a.yaml", &[]),
            ("web/build.gradle", "inputSpec = \"a.yaml\n\"", &[]),
            ("web/build.gradle", "def inputSpecs = []", &[]),
            ("web/openapitools.json", "{not json", &[]),
            (
                "web/Web.csproj",
                "<ProjectReference Include=\"..\\Orders.API\\Orders.API.csproj\" />",
                &[],
            ),
        ];
        for (rel, text, want) in cases {
            let got: Vec<String> = references(rel, text).into_iter().map(|s| s.value).collect();
            assert_eq!(got, *want, "{rel}: {text}");
            for s in references(rel, text) {
                assert_eq!(&text[s.value_at.0..s.value_at.1], s.value, "{rel}");
            }
        }
        assert!(is_generator("a/openapitools.json") && is_generator("a/B.csproj"));
        assert!(!is_generator("a/package.json"));
    }
}
