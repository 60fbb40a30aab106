//! MSBuild project files (`.csproj`, `.fsproj`, `.vbproj`, `Directory.Build.props`,
//! `Directory.Build.targets`): each `<ProjectReference Include="..">` is an import of
//! the referenced project, .NET's equivalent of a Cargo path dependency. The path is
//! joined onto the project's directory (`\` read as `/`); a path built from MSBuild
//! properties other than `$(MSBuildThisFileDirectory)` cannot be known without
//! evaluating the build, and is not reported. In an Aspire app host (`Sdk=
//! "Aspire.AppHost.Sdk.."` or `<IsAspireHost>true</IsAspireHost>`) a reference is a
//! project the host launches, not code it compiles against, unless it says
//! `IsAspireProjectResource="false"`: only those are imports there.

use super::Extracted;
use crate::model::{Access, ImportRef};

/// The element that makes a project file worth reading.
pub const MARKERS: &[&str] = &["<ProjectReference"];

/// True for the file names this module reads.
pub fn is_project_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".csproj", ".fsproj", ".vbproj"]
        .iter()
        .any(|ext| lower.len() > ext.len() && lower.ends_with(ext))
        || lower == "directory.build.props"
        || lower == "directory.build.targets"
}

/// The project references of one project file.
pub fn extract(path: &str, text: &str) -> Extracted {
    let mut out = Extracted::default();
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let lower = text.to_ascii_lowercase();
    let aspire_host =
        lower.contains("aspire.apphost.sdk") || lower.contains("<isaspirehost>true</isaspirehost>");
    let mut at = 0;
    while let Some(found) = lower[at..].find('<') {
        let start = at + found;
        if lower[start..].starts_with("<!--") {
            at = lower[start..]
                .find("-->")
                .map_or(text.len(), |e| start + e + 3);
            continue;
        }
        let end = lower[start..].find('>').map_or(text.len(), |e| start + e);
        let tag = &lower[start..end];
        at = end;
        let is_reference = tag
            .strip_prefix("<projectreference")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_whitespace()));
        if !is_reference || (aspire_host && !compiled_in_host(&lower, start, end)) {
            continue;
        }
        let Some((vs, ve)) = include(tag) else {
            continue;
        };
        let (vs, ve) = (start + vs, start + ve);
        let value = &text[vs..ve];
        let value = strip_ci(value, "$(MSBuildThisFileDirectory)").unwrap_or(value);
        if value.contains("$(") || value.contains('%') {
            continue;
        }
        if let Some(target) = join(dir, value) {
            out.accesses
                .push(Access::import(ImportRef::Path(target), vs, ve - vs));
        }
    }
    out
}

/// True when the reference whose tag spans `start..end` of the lowercased text says
/// `IsAspireProjectResource="false"`, as an attribute or a child element.
fn compiled_in_host(lower: &str, start: usize, end: usize) -> bool {
    let tag = &lower[start..end];
    let attribute = tag
        .split("isaspireprojectresource")
        .nth(1)
        .is_some_and(|r| {
            r.trim_start()
                .trim_start_matches('=')
                .trim_start()
                .trim_matches(['"', '\''])
                .starts_with("false")
        });
    if attribute || tag.ends_with('/') {
        return attribute;
    }
    let body = lower[end..]
        .split("</projectreference")
        .next()
        .unwrap_or("");
    body.contains("<isaspireprojectresource>false</isaspireprojectresource>")
}

/// The value range (relative to the tag) of the `Include` attribute of a lowercased
/// tag.
fn include(tag: &str) -> Option<(usize, usize)> {
    let b = tag.as_bytes();
    let mut from = 0;
    while let Some(i) = tag[from..].find("include") {
        let i = from + i;
        from = i + 7;
        if i == 0 || !b[i - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest_trim = rest.trim_start();
        let quote = rest_trim.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let vs = tag.len() - rest_trim.len() + 1;
        let ve = vs + tag[vs..].find(quote)?;
        return Some((vs, ve));
    }
    None
}

/// `value` without a leading `prefix` (ignoring ASCII case).
fn strip_ci<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    value
        .get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .map(|_| value[prefix.len()..].trim_start_matches(['\\', '/']))
}

/// `rel` joined onto `dir`; `None` when it is empty, absolute or climbs out of the
/// root.
fn join(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.trim();
    if rel.is_empty() {
        return None;
    }
    super::join_path(dir, rel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Target;

    fn refs(path: &str, text: &str) -> Vec<(String, String)> {
        extract(path, text)
            .accesses
            .iter()
            .map(|a| {
                let Target::Import(ImportRef::Path(p)) = &a.target else {
                    panic!("{a:?}")
                };
                (p.clone(), text[a.offset..a.offset + a.len].to_string())
            })
            .collect()
    }

    #[test]
    fn project_references_and_nothing_else() {
        let text = r#"<Project Sdk="Microsoft.NET.Sdk">
  <!-- <ProjectReference Include="..\Commented\Commented.csproj" /> -->
  <ItemGroup>
    <ProjectReference Include="..\..\Ordering\Ordering.Domain\Ordering.Domain.csproj" />
    <projectreference include = '../Shared/Shared.csproj'></projectreference>
    <ProjectReference Include="$(MSBuildThisFileDirectory)..\Local\Local.csproj" />
    <ProjectReference Include="$(RepoRoot)src\Other.csproj" />
    <ProjectReferenceX Include="..\No\No.csproj" />
    <PackageReference Include="Dapper" Version="2.0" />
    <ProjectReference Include="..\..\..\..\..\Outside.csproj" />
  </ItemGroup>
</Project>"#;
        assert_eq!(
            refs("src/Services/Basket/Basket.API/Basket.API.csproj", text),
            [
                (
                    "src/Services/Ordering/Ordering.Domain/Ordering.Domain.csproj".to_string(),
                    r"..\..\Ordering\Ordering.Domain\Ordering.Domain.csproj".to_string()
                ),
                (
                    "src/Services/Basket/Shared/Shared.csproj".to_string(),
                    "../Shared/Shared.csproj".to_string()
                ),
                (
                    "src/Services/Basket/Local/Local.csproj".to_string(),
                    r"$(MSBuildThisFileDirectory)..\Local\Local.csproj".to_string()
                ),
            ]
        );
    }

    #[test]
    fn an_aspire_hosts_launched_projects_are_not_imports() {
        let text = r#"<Project Sdk="Aspire.AppHost.Sdk/13.0.0">
  <ItemGroup>
    <ProjectReference Include="..\Identity.API\Identity.API.csproj" />
    <ProjectReference Include="..\Shared\Shared.csproj" IsAspireProjectResource="false" />
    <ProjectReference Include="..\Other\Other.csproj">
      <IsAspireProjectResource>false</IsAspireProjectResource>
    </ProjectReference>
  </ItemGroup>
</Project>"#;
        let got: Vec<String> = refs("src/Host/Host.csproj", text)
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(got, ["src/Shared/Shared.csproj", "src/Other/Other.csproj"]);
    }

    #[test]
    fn project_file_names() {
        for yes in [
            "A.csproj",
            "x/B.FSPROJ",
            "Directory.Build.props",
            "c.vbproj",
        ] {
            assert!(
                is_project_file(yes.rsplit('/').next().unwrap_or(yes)),
                "{yes}"
            );
        }
        for no in [
            ".csproj",
            "A.csproj.user",
            "Directory.Packages.props",
            "a.sln",
        ] {
            assert!(!is_project_file(no), "{no}");
        }
    }
}
