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
//! - MSBuild `*.csproj`: `<OpenApiReference Include=".." />` (NSwag / dotnet-openapi);
//! - NSwag's `nswag.json`: `documentGenerator.fromDocument.url` (a path or a URL), when
//!   a code generator of it makes a client (`openApiToCSharpClient`,
//!   `openApiToTypeScriptClient`; `openApiToCSharpController` makes a server).
//! - Go's `//go:generate oapi-codegen .. spec.yaml` (or `go run ../oapi-codegen ..`):
//!   the spec argument, when the run makes a client: `-generate` lists `client`, or
//!   the `-config` file, the `-package` or the `-o` output is named for a client
//!   (`client.cfg.yaml`, `ordersclient`, `client.gen.go`); a run that makes types, a
//!   server or the embedded spec is no call.
//!
//! Not read: the inside of an `oapi-codegen` configuration file (the spec is an
//! argument, never in it), and generator invocations in scripts and Makefiles.

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
        "nswag.json",
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

/// True for a Go file that may run `oapi-codegen` (read with the code, when its
/// drift markers keep it).
pub fn may_generate(rel: &str, text: &str) -> bool {
    rel.ends_with(".go") && memchr::memmem::find(text.as_bytes(), b"oapi-codegen").is_some()
}

/// Flags of `oapi-codegen` that take a value (the next argument, or after `=`).
const OAPI_VALUE_FLAGS: &[&str] = &[
    "generate",
    "o",
    "package",
    "config",
    "include-tags",
    "exclude-tags",
    "include-operation-ids",
    "exclude-operation-ids",
    "templates",
    "import-mapping",
    "exclude-schemas",
    "response-type-suffix",
    "output-config",
];

/// The spec of each `//go:generate` line of a Go file that runs `oapi-codegen` to make
/// a client.
fn oapi_codegen(rel: &str, text: &str) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        const DIRECTIVE: &str = "//go:generate ";
        let Some(args) = line.trim_end().strip_prefix(DIRECTIVE) else {
            continue;
        };
        // Each word with its offset in the file.
        let base = start + DIRECTIVE.len();
        let words: Vec<(usize, &str)> = args
            .split(' ')
            .scan(0usize, |pos, w| {
                let here = *pos;
                *pos += w.len() + 1;
                Some((base + here, w))
            })
            .filter(|(_, w)| !w.is_empty())
            .collect();
        let Some(tool) = words.iter().position(|(_, w)| {
            let w = w.split('@').next().unwrap_or(w);
            w == "oapi-codegen" || w.ends_with("/oapi-codegen")
        }) else {
            continue;
        };
        let (mut client, mut spec) = (false, None);
        let mut rest = words[tool + 1..].iter();
        while let Some(&(off, w)) = rest.next() {
            let Some(flag) = w.strip_prefix("--").or_else(|| w.strip_prefix('-')) else {
                spec = Some((off, w));
                continue;
            };
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None if OAPI_VALUE_FLAGS.contains(&flag) => (flag, rest.next().map(|(_, v)| *v)),
                None => (flag, None),
            };
            let value = value.unwrap_or("").to_ascii_lowercase();
            client |= match name {
                "generate" => value.split(',').any(|g| g.trim() == "client"),
                "config" | "package" | "o" => value
                    .rsplit('/')
                    .next()
                    .is_some_and(|f| f.contains("client")),
                _ => false,
            };
        }
        if let (true, Some((off, w))) = (client, spec) {
            let w = w.trim_matches(['"', '\'']);
            let off = off + usize::from(text[off..].starts_with(['"', '\'']));
            out.push(Setting {
                key: "go:generate oapi-codegen".to_string(),
                value: w.to_string(),
                path: rel.to_string(),
                key_at: (start, start),
                value_at: (off, off + w.len()),
            });
        }
    }
    out
}

/// The generator inputs of the file at `rel`, each a setting whose value is the spec's
/// path or URL as written, with its byte range.
pub fn references(rel: &str, text: &str) -> Vec<Setting> {
    if rel.ends_with(".go") {
        return oapi_codegen(rel, text);
    }
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
    } else if name == "nswag.json" {
        if let Some(t) = super::tree::json(text) {
            let settings = super::flat::tree(rel, &t, ":");
            let client = settings.iter().any(|s| {
                s.key
                    .strip_prefix("codeGenerators:")
                    .and_then(|k| k.split(':').next())
                    .is_some_and(|g| g.starts_with("openApiTo") && g.ends_with("Client"))
            });
            if client {
                out.extend(
                    settings
                        .into_iter()
                        .filter(|s| s.key == "documentGenerator:fromDocument:url"),
                );
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
            (
                "Web/nswag.json",
                r#"{"runtime": "Net80", "documentGenerator": {"fromDocument": {"json": "", "url": "../Orders.API/swagger.json"}}, "codeGenerators": {"openApiToCSharpClient": {"className": "OrdersClient"}}}"#,
                &["../Orders.API/swagger.json"],
            ),
            (
                "shipping/gen.go",
                "package shipping\n\n//go:generate oapi-codegen -generate types,client -package orders -o orders.gen.go ../orders/api/openapi.yaml\n",
                &["../orders/api/openapi.yaml"],
            ),
            (
                "shipping/gen.go",
                "//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.4.1 --config=client.cfg.yaml \"../orders/openapi.yaml\"\n",
                &["../orders/openapi.yaml"],
            ),
            (
                "shipping/gen.go",
                "//go:generate oapi-codegen -package ordersclient ../orders/openapi.yaml\n",
                &["../orders/openapi.yaml"],
            ),
            // oapi-codegen making types, a server or the embedded spec; a comment
            // that is no directive.
            (
                "orders/gen.go",
                "//go:generate oapi-codegen -config oapi-codegen.cfg.yaml openapi.yaml\n//go:generate oapi-codegen -generate spec,skip-prune -o spec.gen.go -package commonapi  .\\spec.yaml\n",
                &[],
            ),
            (
                "shipping/gen.go",
                "// go:generate oapi-codegen -generate client ../orders/openapi.yaml\n//go:generate oapi-codegen -generate types ../orders/openapi.yaml\n",
                &[],
            ),
            // Not inputs: other settings, unterminated values, other files, an
            // NSwag configuration that makes a server or a spec from code.
            (
                "Orders/nswag.json",
                r#"{"documentGenerator": {"fromDocument": {"url": "swagger.json"}}, "codeGenerators": {"openApiToCSharpController": {}}}"#,
                &[],
            ),
            (
                "Orders/nswag.json",
                r#"{"documentGenerator": {"aspNetCoreToOpenApi": {"project": "Orders.csproj"}}, "codeGenerators": {"openApiToTypeScriptClient": {}}}"#,
                &[],
            ),
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
