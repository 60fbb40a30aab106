//! skaffold configurations (`apiVersion: skaffold/…`, `kind: Config`): the images
//! they build (`build.artifacts`) and the directory each is built from, which is how
//! a Kubernetes workload's image is traced to the repository's code.

use super::compose::{dir_of, join};
use super::tree::{Id, Tree};

/// An image skaffold builds, and the directory of its code: the Dockerfile's
/// directory (`docker.dockerfile`, relative to the context), the Maven or Gradle module
/// Jib builds (`jib.project`, relative to the context), else the build context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub image: String,
    /// Relative to the repository root (`""`: the root).
    pub dir: String,
    /// The skaffold file that declares it.
    pub path: String,
}

/// The artifacts of the skaffold configuration `o` in the file at `rel`. A context
/// or module that leaves the repository names no directory.
pub fn artifacts(rel: &str, t: &Tree, o: Id) -> Vec<Artifact> {
    let Some(list) = t.field(o, "build").and_then(|b| t.field(b, "artifacts")) else {
        return Vec::new();
    };
    let base = dir_of(rel);
    t.items(list)
        .iter()
        .filter_map(|&a| {
            let image = t.str(t.field(a, "image")?)?;
            let context = t.field(a, "context").and_then(|c| t.str(c)).unwrap_or(".");
            let ctx = join(base, context)?;
            let sub = |builder: &str, key: &str| {
                t.field(a, builder)
                    .and_then(|b| t.field(b, key))
                    .and_then(|v| t.str(v))
            };
            let dir = match (sub("docker", "dockerfile"), sub("jib", "project")) {
                (_, Some(module)) => join(&ctx, module)?,
                (Some(dockerfile), None) => join(&ctx, dir_of(dockerfile))?,
                (None, None) => ctx,
            };
            Some(Artifact {
                image: image.to_string(),
                dir,
                path: rel.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::FileContents;

    #[test]
    fn artifacts_with_their_directories() {
        let text = "apiVersion: skaffold/v4beta1\nkind: Config\nbuild:\n  artifacts:\n  - image: balancereader\n    context: ../../../\n    jib: {project: src/ledger/balancereader, type: maven}\n  - image: cartservice\n    context: src\n    docker: {dockerfile: cart/Dockerfile}\n  - image: frontend\n  - image: evil\n    context: ../../../../..\n  - context: x\n";
        let mut out = FileContents::default();
        super::super::kube::read("src/ledger/balancereader/skaffold.yaml", text, &mut out);
        let got: Vec<(&str, &str)> = out
            .artifacts
            .iter()
            .map(|a| (a.image.as_str(), a.dir.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("balancereader", "src/ledger/balancereader"),
                ("cartservice", "src/ledger/balancereader/src/cart"),
                ("frontend", "src/ledger/balancereader"),
            ]
        );
        // A Config of another API is not skaffold's.
        let mut none = FileContents::default();
        super::super::kube::read(
            "x.yaml",
            "apiVersion: v1\nkind: Config\nbuild: {artifacts: [{image: a}]}\n",
            &mut none,
        );
        assert!(none.artifacts.is_empty());
        assert!(out.units.is_empty());
    }
}
