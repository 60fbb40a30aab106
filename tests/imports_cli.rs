//! CLI tests of import resolution: one fixture per language under `fixtures/imports/`,
//! each with planted cross-service imports (which must be reported, exactly) and
//! imports that must not be: into the importer's own code, a `public` path, code
//! outside every service, or nothing in the repository.

use serde_json::Value;
use std::path::Path;
#[path = "common/cli.rs"]
mod cli;
use cli::ownlint;
#[path = "common/copy.rs"]
mod copy;
use copy::copy_dir;

/// (path, line, import as written, message) of every finding of `check` in `dir`
/// over `args`, with the exit code; every finding must be a `cross-service-import`.
fn imports(dir: &Path, args: &[&str]) -> (i32, Vec<(String, u64, String, String)>) {
    let out = ownlint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let rows = v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array"))
        .iter()
        .map(|f| {
            assert_eq!(f["rule"], "cross-service-import", "{f}");
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["import"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), rows)
}

/// The findings of a whole run over `fixtures/imports/<class>` are exactly `want`
/// (path, line, import, the file it resolved to), and a run over each reported file
/// alone finds the same ones in it.
fn exactly(class: &str, want: &[(&str, u64, &str, &str)]) {
    let dir = Path::new("fixtures/imports").join(class);
    let (code, got) = imports(&dir, &[]);
    assert_eq!(code, 1, "{class}: {got:?}");
    let rows: Vec<(&str, u64, &str)> = got
        .iter()
        .map(|(p, l, i, _)| (p.as_str(), *l, i.as_str()))
        .collect();
    let expected: Vec<(&str, u64, &str)> = want.iter().map(|(p, l, i, _)| (*p, *l, *i)).collect();
    assert_eq!(rows, expected, "{class}");
    for ((_, _, _, message), (_, _, _, resolved)) in got.iter().zip(want) {
        assert!(
            message.contains(&format!("which resolves to `{resolved}`")),
            "{class}: {message}"
        );
    }
    let mut files: Vec<&str> = want.iter().map(|w| w.0).collect();
    files.dedup();
    for file in files {
        let (_, alone) = imports(&dir, &[file]);
        let whole: Vec<_> = got.iter().filter(|g| g.0 == file).cloned().collect();
        assert_eq!(alone, whole, "{class}: a run over {file} alone");
    }
}

#[test]
fn java_and_kotlin_resolve_to_the_class_not_the_package_prefix() {
    let orders = "services/orders/src/main/java/com/acme/orders";
    let java = "services/payments/src/main/java/com/acme/payments/PaymentService.java";
    let kotlin = "services/payments/src/main/kotlin/com/acme/payments/Billing.kt";
    exactly(
        "jvm",
        &[
            (
                java,
                5,
                "com.acme.orders.internal.OrderRepository",
                &format!("{orders}/internal/OrderRepository.java"),
            ),
            (
                java,
                6,
                "com.acme.orders.internal.OrderRepository.find",
                &format!("{orders}/internal/OrderRepository.java"),
            ),
            (
                java,
                9,
                "com.acme.orders.internal",
                &format!("{orders}/internal"),
            ),
            (
                kotlin,
                4,
                "com.acme.catalog.internal.Prices",
                "services/catalog/src/main/kotlin/com/acme/catalog/internal/Prices.kt",
            ),
            (
                kotlin,
                5,
                "com.acme.orders.api.OrderController",
                &format!("{orders}/api/OrderController.java"),
            ),
        ],
    );
}

#[test]
fn java_classes_count_only_in_modules_the_importer_depends_on() {
    exactly(
        "gradle",
        &[(
            "kitchen-service/src/main/java/com/acme/kitchen/Consumer.java",
            4,
            "com.acme.orders.client.OrdersClient",
            "orders-client/src/main/java/com/acme/orders/client/OrdersClient.java",
        )],
    );
}

#[test]
fn go_resolves_package_directories_with_replace_and_go_work() {
    let main = "services/orders/main.go";
    exactly(
        "go",
        &[
            (
                main,
                8,
                "example.com/catalog/internal/store",
                "services/catalog/internal/store",
            ),
            (
                main,
                9,
                "example.com/legacy",
                "services/catalog/internal/legacy",
            ),
            (
                main,
                12,
                "example.com/tools/gen",
                "services/catalog/tools/gen",
            ),
        ],
    );
}

#[test]
fn python_services_keep_their_own_app_packages() {
    exactly(
        "python",
        &[
            (
                "services/billing/app/main.py",
                4,
                "orders.app.models",
                "services/orders/app/models.py",
            ),
            (
                "services/reports/src/app/report.py",
                3,
                "services.billing.app.models",
                "services/billing/app/models.py",
            ),
        ],
    );
}

#[test]
fn typescript_aliases_follow_extends_to_the_shared_base_config() {
    exactly(
        "typescript",
        &[
            (
                "apps/web/src/alias.ts",
                2,
                "@billing/index",
                "services/payments/core/src/index.ts",
            ),
            (
                "apps/web/src/packages.ts",
                2,
                "@shop/payments-sdk",
                "services/payments/sdk/src/index.ts",
            ),
            (
                "apps/web/src/packages.ts",
                3,
                "@shop/payments-sdk/internal/ledger",
                "services/payments/sdk/src/internal/ledger.ts",
            ),
            (
                "apps/web/src/page.ts",
                1,
                "@shop/payments-core",
                "services/payments/core/src/index.ts",
            ),
            (
                "apps/web/src/page.ts",
                5,
                "../../../services/payments/core/src/refund.js",
                "services/payments/core/src/refund.ts",
            ),
        ],
    );
}

#[test]
fn dotnet_project_references_and_usings_of_another_services_namespace() {
    let domain = "src/Services/Ordering/Ordering.Domain/Ordering.Domain.csproj";
    exactly(
        "dotnet",
        &[
            (
                "src/Services/Basket/Basket.API/Basket.API.csproj",
                4,
                r"..\..\Ordering\Ordering.Domain\Ordering.Domain.csproj",
                domain,
            ),
            (
                "src/Services/Basket/Basket.API/BasketService.cs",
                2,
                "Acme.Ordering.Domain",
                "src/Services/Ordering/Ordering.Domain/Order.cs",
            ),
            (
                "src/Services/Basket/Basket.API/BasketService.cs",
                3,
                "Acme.Ordering.Domain.Order",
                "src/Services/Ordering/Ordering.Domain/Order.cs",
            ),
            (
                "src/Services/Basket/Directory.Build.props",
                3,
                r"$(MSBuildThisFileDirectory)..\Ordering\Ordering.Domain\Ordering.Domain.csproj",
                domain,
            ),
        ],
    );
}

/// The help names the directory `public` would list, and listing it silences the
/// finding: the help is true.
#[test]
fn the_public_help_names_a_directory_that_silences_the_finding() {
    let src = Path::new("fixtures/imports/go");
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_dir(src, tmp.path());
    let out = ownlint()
        .current_dir(tmp.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let help = v["findings"][0]["help"].as_str().unwrap_or("").to_string();
    assert!(
        help.contains("list `services/catalog/internal/store` under `catalog`'s `public`"),
        "{help}"
    );
    let reg = tmp.path().join("data-ownership.yaml");
    let text = std::fs::read_to_string(&reg).unwrap_or_else(|e| panic!("{e}"));
    let text = text.replace(
        "public: [services/catalog/api]",
        "public: [services/catalog/api, services/catalog/internal/store]",
    );
    std::fs::write(&reg, text).unwrap_or_else(|e| panic!("{e}"));
    let (_, rows) = imports(tmp.path(), &[]);
    let subjects: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(subjects, ["example.com/legacy", "example.com/tools/gen"]);
}
