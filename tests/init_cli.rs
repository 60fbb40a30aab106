//! `ownlint init` end to end: on a copy of the bundled example without its registry
//! (services and owners found, the output validates and drives `check`), never
//! overwriting a registry, and the options that choose where the proposal goes.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
#[path = "common/copy.rs"]
mod copy;
use copy::copy_dir;

fn ownlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ownlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("OWNLINT_REGISTRY")
        .env("OWNLINT_TODAY", "2026-01-15")
        .output()
        .expect("run ownlint")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

/// A temporary copy of fixtures/shop without its registry.
fn shop() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("shop");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop"),
        &root,
    );
    std::fs::remove_file(root.join("data-ownership.yaml")).expect("remove registry");
    (tmp, root)
}

/// The registry as JSON (serde-saphyr reads YAML into any serde type).
fn registry(path: &Path) -> Value {
    let yaml = std::fs::read_to_string(path).expect("registry written");
    serde_saphyr::from_str(&yaml).expect("registry is YAML")
}

fn owns(reg: &Value, service: &str) -> Vec<String> {
    reg["services"][service]["owns"]
        .as_array()
        .unwrap_or_else(|| panic!("service `{service}` with owns: {reg}"))
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, content).expect("write");
}

#[test]
fn init_on_the_shop_finds_services_and_owners_and_the_result_validates() {
    let (_tmp, root) = shop();
    let out = ownlint(&root, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("ownlint init: "), "{stderr}");
    // One line per service: name, path, number of tables.
    assert!(
        stderr.lines().any(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.len() == 4 && w[..2] == ["orders", "services/orders"] && w[3] == "tables"
        }),
        "{stderr}"
    );
    assert!(stderr.contains("wrote ./data-ownership.yaml"), "{stderr}");
    assert!(out.stdout.is_empty());

    let reg = registry(&root.join("data-ownership.yaml"));
    for (service, path) in [
        ("orders", "services/orders"),
        ("users", "services/users"),
        ("catalog", "services/catalog"),
        // No manifest of its own: a code directory below services/ is a service.
        ("inventory", "services/inventory"),
    ] {
        assert_eq!(
            reg["services"][service]["paths"],
            serde_json::json!([path]),
            "{reg}"
        );
    }
    // Nested crates belong to their service, not services of their own.
    assert!(reg["services"].get("users-db").is_none(), "{reg}");
    assert!(reg["services"].get("catalog-api").is_none(), "{reg}");

    let orders = owns(&reg, "orders");
    for t in ["orders", "order_items", "outbox", "shipments"] {
        assert!(orders.contains(&t.to_string()), "{orders:?}");
    }
    // Mapped by a diesel model in users-db, and also by the loyalty and notification
    // services' models: contested, so left for a person to decide, owned by none.
    let yaml = std::fs::read_to_string(root.join("data-ownership.yaml")).expect("written");
    assert!(yaml.contains("#   users: mapped by `loyalty`"), "{yaml}");
    assert!(!owns(&reg, "users").contains(&"users".to_string()));
    assert!(owns(&reg, "users").contains(&"sessions".to_string()));
    // Created by catalog's migration; orders only maps and alters it.
    let catalog = owns(&reg, "catalog");
    assert!(catalog.contains(&"products".to_string()), "{catalog:?}");
    assert!(!orders.contains(&"products".to_string()));
    // The vendored dump (`.ignore`d) creating `users` is not evidence.
    assert!(!owns(&reg, "orders").contains(&"users".to_string()));
    let yaml = std::fs::read_to_string(root.join("data-ownership.yaml")).expect("read");
    let products = yaml
        .lines()
        .find(|l| l.trim_start().starts_with("- products  # also "))
        .unwrap_or_else(|| panic!("{yaml}"));
    assert!(
        products.contains("mapped by `orders` (services/orders/src/schema.rs:10)"),
        "{products}"
    );

    let validate = ownlint(&root, &["validate", "--deny-warnings"]);
    assert_eq!(
        validate.status.code(),
        Some(0),
        "{}{}",
        text(&validate.stdout),
        text(&validate.stderr)
    );
}

#[test]
fn check_on_the_proposal_reports_the_planted_cross_service_model() {
    let (_tmp, root) = shop();
    assert_eq!(ownlint(&root, &["init", "-q"]).status.code(), Some(0));
    let out = ownlint(&root, &["check", "--format", "json"]);
    let report: Value = serde_json::from_str(&text(&out.stdout)).expect("json report");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let model = findings
        .iter()
        .find(|f| f["rule"] == "cross-service-model")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(model["path"], "services/orders/src/schema.rs");
    assert_eq!(model["service"], "orders");
    assert_eq!(model["owner"], "catalog");
    // Every table a service defines has an owner, or is listed for a person to
    // decide (the only way `unowned-table` can remain).
    let yaml = std::fs::read_to_string(root.join("data-ownership.yaml")).expect("read");
    for f in findings.iter().filter(|f| f["rule"] == "unowned-table") {
        let table = f["table"].as_str().unwrap_or_else(|| panic!("{f}"));
        assert!(yaml.contains(&format!("\n#   {table}: ")), "{f}\n{yaml}");
    }
}

#[test]
fn init_never_overwrites_a_registry_without_force() {
    let (_tmp, root) = shop();
    let file = root.join("data-ownership.yaml");
    assert_eq!(ownlint(&root, &["init"]).status.code(), Some(0));
    let proposal = std::fs::read_to_string(&file).expect("written");
    std::fs::write(&file, "services:\n  mine: {}\n").expect("edit");

    let again = ownlint(&root, &["init"]);
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(err.contains("data-ownership.yaml already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "services:\n  mine: {}\n"
    );

    let forced = ownlint(&root, &["init", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));
    assert_eq!(std::fs::read_to_string(&file).expect("read"), proposal);
    // Nothing is left behind by the atomic write.
    let names: Vec<String> = std::fs::read_dir(&root)
        .expect("read_dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| !n.starts_with('.') || n == ".gitignore" || n == ".ignore")
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp")), "{names:?}");
}

#[test]
fn an_existing_yml_registry_is_refused_and_replaced_in_place_with_force() {
    let (_tmp, root) = shop();
    let yml = root.join("data-ownership.yml");
    std::fs::write(&yml, "services:\n  mine: {}\n").expect("write");
    let out = ownlint(&root, &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("data-ownership.yml already exists"));
    assert_eq!(ownlint(&root, &["init", "--force"]).status.code(), Some(0));
    assert!(!root.join("data-ownership.yaml").exists());
    assert!(owns(&registry(&yml), "orders").contains(&"orders".to_string()));
}

#[test]
fn stdout_prints_the_proposal_and_writes_nothing() {
    let (_tmp, root) = shop();
    for flag in ["--stdout", "--dry-run"] {
        let out = ownlint(&root, &["init", flag]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(!root.join("data-ownership.yaml").exists());
        let yaml = text(&out.stdout);
        assert!(
            yaml.contains("\n  orders:\n    paths: [services/orders]\n"),
            "{yaml}"
        );
        assert!(text(&out.stderr).contains("nothing was written"));
    }
    // The printed proposal is exactly what would be written, and an existing registry
    // does not stop a dry run.
    let printed = text(&ownlint(&root, &["init", "--stdout"]).stdout);
    assert_eq!(ownlint(&root, &["init"]).status.code(), Some(0));
    let written = std::fs::read_to_string(root.join("data-ownership.yaml")).expect("read");
    assert_eq!(printed, written);
    let again = ownlint(&root, &["init", "--stdout", "-q"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(text(&again.stdout), written);
    assert!(again.stderr.is_empty(), "--quiet prints no summary");
}

#[test]
fn dir_and_output_choose_what_is_read_and_where_it_goes() {
    let (tmp, root) = shop();
    let target = tmp.path().join("proposal.yaml");
    let out = ownlint(
        tmp.path(),
        &[
            "init",
            "shop",
            "--output",
            target.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!root.join("data-ownership.yaml").exists());
    assert!(owns(&registry(&target), "users").contains(&"sessions".to_string()));
    let again = ownlint(
        tmp.path(),
        &["init", "shop", "-o", target.to_str().expect("utf-8 path")],
    );
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn tables_several_services_create_are_left_for_a_person_and_the_result_validates() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(root, "services/billing/go.mod", "module billing\n");
    write(
        root,
        "services/billing/migrations/001.sql",
        "CREATE TABLE invoices (id int);\nCREATE TABLE audit_log (id int);\n",
    );
    write(
        root,
        "services/ledger/migrations/001.sql",
        "CREATE TABLE audit_log (id int);\nCREATE TABLE ledger.entries (id int);\n",
    );
    // Ignored, hidden and library directories hold no services.
    write(root, ".gitignore", "generated/\n");
    write(
        root,
        "generated/svc/Cargo.toml",
        "[package]\nname = \"gen\"\n",
    );
    write(root, ".cache/svc/go.mod", "module cache\n");
    write(root, "libs/db/Cargo.toml", "[package]\nname = \"db\"\n");
    write(root, "infra/tables.sql", "CREATE TABLE flags (id int);\n");
    let out = ownlint(root, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("to decide: `audit_log` is claimed by billing, ledger"),
        "{stderr}"
    );
    let path = root.join("data-ownership.yaml");
    let reg = registry(&path);
    let services: Vec<&String> = reg["services"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(services, ["billing", "ledger"]);
    assert_eq!(owns(&reg, "billing"), ["invoices"]);
    assert_eq!(owns(&reg, "ledger"), ["ledger.entries"]);
    let yaml = std::fs::read_to_string(&path).expect("read");
    assert!(
        yaml.contains("      # - audit_log  # undecided: also claimed by ledger;"),
        "{yaml}"
    );
    assert!(
        yaml.contains("#   flags: created in infra/tables.sql:1; no service uses it\n"),
        "{yaml}"
    );
    let validate = ownlint(root, &["validate"]);
    assert_eq!(
        validate.status.code(),
        Some(0),
        "{}",
        text(&validate.stdout)
    );
    // Until a person decides, `check` reports the contested table in both services.
    let check = ownlint(root, &["check", "--format", "json"]);
    let report: Value = serde_json::from_str(&text(&check.stdout)).expect("json report");
    let mut unowned: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["rule"] == "unowned-table")
                .filter_map(|f| Some((f["table"].as_str()?, f["service"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    unowned.sort_unstable();
    assert_eq!(unowned, [("audit_log", "billing"), ("audit_log", "ledger")]);
}

#[test]
fn no_services_and_bad_arguments_exit_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(tmp.path(), "Cargo.toml", "[package]\nname = \"solo\"\n");
    write(tmp.path(), "src/main.rs", "fn main() {}\n");
    let out = ownlint(tmp.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("found no services"));
    assert!(!tmp.path().join("data-ownership.yaml").exists());

    let missing = ownlint(tmp.path(), &["init", "no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("is not a directory"));

    // `init` writes the registry or JSON; other formats are refused, before or after
    // the command.
    let format = ownlint(tmp.path(), &["--format", "sarif", "init"]);
    assert_eq!(format.status.code(), Some(2));
    assert!(
        text(&format.stderr).contains("`init` has no `--format sarif` output"),
        "{}",
        text(&format.stderr)
    );
    let after = ownlint(tmp.path(), &["init", "--format", "sarif"]);
    assert_eq!(after.status.code(), Some(2));
    assert!(text(&after.stderr).contains("invalid value 'sarif'"));

    let conflict = ownlint(tmp.path(), &["init", "--stdout", "--force"]);
    assert_eq!(conflict.status.code(), Some(2));
}

#[test]
fn migration_dsls_of_every_language_create_and_change_tables() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "services/a/db/migrate/001_create.rb",
        "class CreateCarts < ActiveRecord::Migration[7.0]\n  def change\n    create_table :carts do |t|\n      t.string :name\n    end\n    add_column :wishlists, :note, :string\n  end\nend\n",
    );
    write(
        root,
        "services/b/alembic/versions/001.py",
        "from alembic import op\nimport sqlalchemy as sa\n\ndef upgrade():\n    op.create_table(\n        \"payments\",\n        sa.Column(\"id\", sa.Integer),\n    )\n    op.add_column(\"wishlists\", sa.Column(\"x\", sa.Integer))\n",
    );
    write(
        root,
        "services/c/migrations/001.js",
        "exports.up = function (knex) {\n  return knex.schema.createTable('wishlists', (t) => { t.increments('id'); });\n};\n",
    );
    write(
        root,
        "services/d/Migrations/001.cs",
        "public partial class Init : Migration {\n    protected override void Up(MigrationBuilder migrationBuilder) {\n        migrationBuilder.CreateTable(\n            name: \"shipments\",\n            columns: table => new { Id = table.Column<int>() });\n    }\n}\n",
    );
    write(
        root,
        "services/e/src/models.py",
        "class Invoice(Base):\n    __tablename__ = \"invoices\"\n",
    );
    let out = ownlint(root, &["init", "--stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    let reg: Value = serde_saphyr::from_str(&yaml).expect("YAML");
    assert_eq!(owns(&reg, "a"), ["carts"]);
    assert_eq!(owns(&reg, "b"), ["payments"]);
    // Created by knex in c; only altered by the Rails and Alembic migrations.
    assert_eq!(owns(&reg, "c"), ["wishlists"]);
    assert!(
        yaml.contains("- wishlists  # also changed by `a` (services/a/db/migrate/001_create.rb:6); changed by `b` (services/b/alembic/versions/001.py:9): check that `c` owns it"),
        "{yaml}"
    );
    assert_eq!(owns(&reg, "d"), ["shipments"]);
    assert_eq!(owns(&reg, "e"), ["invoices"]);
}

/// `init --dry-run --format json` in `root`: the proposal for tools.
fn proposal(root: &Path) -> Value {
    let out = ownlint(root, &["init", "--dry-run", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_str(&text(&out.stdout)).expect("json proposal")
}

fn service<'a>(p: &'a Value, name: &str) -> &'a Value {
    p["services"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["name"] == name))
        .unwrap_or_else(|| panic!("service `{name}` in {p}"))
}

fn names(p: &Value) -> Vec<String> {
    p["services"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `init` writes the registry, then `check --format json`: the error findings.
fn init_then_check(root: &Path) -> Vec<Value> {
    let out = ownlint(root, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let check = ownlint(root, &["check", "--format", "json"]);
    let report: Value = serde_json::from_str(&text(&check.stdout)).expect("json report");
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["severity"] == "error")
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn deployables_are_services_and_libraries_tests_templates_are_not() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    // .NET: one service split into API/Domain/Infrastructure projects, a shared
    // event bus library, a test project and a template.
    write(root, "src/Ordering.API/Ordering.API.csproj", "<Project/>");
    write(root, "src/Ordering.API/Program.cs", "var app = Build();\n");
    write(
        root,
        "src/Ordering.Domain/Ordering.Domain.csproj",
        "<Project/>",
    );
    write(root, "src/Ordering.Domain/Order.cs", "class Order {}\n");
    write(
        root,
        "src/Ordering.Infrastructure/Ordering.Infrastructure.csproj",
        "<Project/>",
    );
    write(root, "src/Ordering.Infrastructure/Db.cs", "class Db {}\n");
    write(root, "src/EventBus/EventBus.csproj", "<Project/>");
    write(root, "src/EventBus/Bus.cs", "class Bus {}\n");
    write(
        root,
        "tests/Ordering.UnitTests/Ordering.UnitTests.csproj",
        "<Project/>",
    );
    write(root, "tests/Ordering.UnitTests/Program.cs", "class T {}\n");
    write(root, "templates/svc/Svc.csproj", "<Project/>");
    write(root, "templates/svc/Program.cs", "class P {}\n");
    // Go: programs below cmd/ of a root module.
    write(root, "go.mod", "module x\n");
    write(
        root,
        "cmd/core-data/main.go",
        "package main\n\nfunc main() {}\n",
    );
    write(root, "pkg/util/util.go", "package util\n");
    // Java: a Spring Boot application below a package path that says `samples`.
    write(root, "vets/pom.xml", "<project/>");
    write(
        root,
        "vets/src/main/java/org/samples/vets/VetsApplication.java",
        "@SpringBootApplication\npublic class VetsApplication {}\n",
    );
    // Node: a `start` script makes a service; a package without one is a library.
    write(
        root,
        "packages/web/package.json",
        r#"{"scripts":{"start":"node ."}}"#,
    );
    write(root, "packages/web/index.js", "start();\n");
    write(
        root,
        "packages/ui/package.json",
        r#"{"scripts":{"build":"tsc"}}"#,
    );
    write(root, "packages/ui/index.js", "export {};\n");
    // Rust: a [[bin]] crate; a Dockerfile deploys a Python directory.
    write(
        root,
        "gateway/Cargo.toml",
        "[package]\nname = \"gateway\"\n\n[[bin]]\nname = \"gw\"\npath = \"gw.rs\"\n",
    );
    write(root, "gateway/gw.rs", "fn main() {}\n");
    write(root, "worker/Dockerfile", "FROM python\n");
    write(root, "worker/run.py", "print(1)\n");
    // A database image: a Dockerfile and SQL only.
    write(root, "db/Dockerfile", "FROM postgres\n");
    write(root, "db/init.sql", "CREATE TABLE flags (id int);\n");

    let p = proposal(root);
    assert_eq!(
        names(&p),
        [
            "core-data",
            "gateway",
            "ordering-api",
            "vets",
            "web",
            "worker"
        ],
        "{p}"
    );
    assert_eq!(
        service(&p, "ordering-api")["paths"],
        serde_json::json!([
            "src/Ordering.API",
            "src/Ordering.Domain",
            "src/Ordering.Infrastructure"
        ])
    );
    assert_eq!(
        service(&p, "core-data")["paths"],
        serde_json::json!(["cmd/core-data"])
    );
    assert!(
        service(&p, "vets")["why"]
            .as_str()
            .is_some_and(|w| w.contains("VetsApplication.java")),
        "{p}"
    );
    let left: Vec<(&str, &str)> = p["left_out"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| Some((l["path"].as_str()?, l["why"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        left.contains(&(
            "src/EventBus",
            "a library: nothing in it is deployed or runs"
        )),
        "{left:?}"
    );
    assert!(
        left.contains(&(
            "packages/ui",
            "a library: nothing in it is deployed or runs"
        )),
        "{left:?}"
    );
    assert!(left.contains(&("templates/svc", "a template")), "{left:?}");
    assert!(
        left.contains(&("tests/Ordering.UnitTests", "a test project")),
        "{left:?}"
    );
    // The registry says why each is a service and what was left out.
    let yaml = p["registry"].as_str().expect("registry text");
    assert!(
        yaml.contains("#   src/EventBus: a library: nothing in it is deployed or runs\n"),
        "{yaml}"
    );
    assert!(yaml.contains("  # an entry point (src/Ordering.API/Program.cs); with the sibling projects that deploy with it\n  ordering-api:\n"), "{yaml}");
    assert!(
        yaml.contains("  # a Dockerfile (worker/Dockerfile)\n  worker:\n"),
        "{yaml}"
    );
    // The database image's table: created outside every service, used by none.
    assert!(
        yaml.contains("#   flags: created in db/init.sql:1; no service uses it\n"),
        "{yaml}"
    );
}

#[test]
fn compose_builds_are_services_and_connection_strings_name_databases() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "deploy/docker-compose.yml",
        "services:\n  orders:\n    build:\n      context: ..\n      dockerfile: orders/Dockerfile\n    environment:\n      - DATABASE_URL=postgres://u:p@db:5432/orders_db\n  kitchen:\n    build: ../kitchen\n  db:\n    image: postgres\n",
    );
    write(root, "orders/Dockerfile", "FROM rust\n");
    write(root, "orders/app.py", "import db\n");
    write(root, "kitchen/app.py", "import db\n");
    write(
        root,
        "kitchen/appsettings.json",
        r#"{"ConnectionStrings":{"Db":"Host=db;Database=kitchen_db;Username=x"}}"#,
    );
    write(root, "kitchen/.env", "POSTGRES_DB=${DB}\n");
    write(
        root,
        "billing/application.yml",
        "url: jdbc:postgresql://db/billing\nother: jdbc:mysql://db/legacy\n",
    );
    write(root, "billing/pom.xml", "<project/>");
    write(
        root,
        "billing/src/main/java/b/App.java",
        "@SpringBootApplication\nclass App {}\n",
    );
    write(
        root,
        "billing/src/main/resources/db/V1__init.sql",
        "CREATE TABLE ledger.entries (id int);\n",
    );
    let p = proposal(root);
    assert_eq!(names(&p), ["billing", "kitchen", "orders"], "{p}");
    assert_eq!(
        service(&p, "orders")["database"],
        serde_json::json!({"name": "orders_db", "from": "deploy/docker-compose.yml:7"})
    );
    assert_eq!(
        service(&p, "kitchen")["database"]["name"],
        "kitchen_db",
        "a placeholder names no database: {p}"
    );
    assert_eq!(
        service(&p, "billing")["database"]["candidates"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{p}"
    );
    assert_eq!(service(&p, "billing")["schema"]["name"], "ledger", "{p}");
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("    database: kitchen_db  # named in kitchen/appsettings.json:1\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("    database: orders_db  # named in deploy/docker-compose.yml:7\n"),
        "{yaml}"
    );
    assert!(yaml.contains("    # database: one of billing (billing/application.yml:1), legacy (billing/application.yml:2): its configuration names several\n"), "{yaml}");
    assert!(yaml.contains("    schema: ledger  # every table its code creates is in this schema (billing/src/main/resources/db/V1__init.sql:1)\n"), "{yaml}");
}

#[test]
fn tables_views_and_spellings_that_check_then_matches() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "services/orders/migrations/001.sql",
        concat!(
            "CREATE TABLE \"OrderItems\" (id int);\n",
            "CREATE TABLE ordering.orders (id serial);\n",
            "CREATE SEQUENCE ordering.orders_id_seq;\n",
            "CREATE INDEX orders_idx ON ordering.orders (id);\n",
            "CREATE TYPE status AS ENUM ('a');\n",
            "CREATE MATERIALIZED VIEW ordering.order_totals AS SELECT id FROM ordering.orders;\n",
            "CREATE VIEW order_summary AS SELECT id FROM ordering.orders;\n",
        ),
    );
    write(
        root,
        "services/orders/src/models.py",
        "class Order(Base):\n    __tablename__ = 'orders'\n",
    );
    write(
        root,
        "services/users/main.go",
        "package main\n\nfunc main() { db.Query(\"SELECT id FROM users\") }\n",
    );
    write(root, "infra/users.sql", "CREATE TABLE users (id int);\n");
    write(root, "infra/audit.sql", "CREATE TABLE audit (id int);\n");
    let p = proposal(root);
    assert_eq!(
        service(&p, "orders")["owns"],
        serde_json::json!([
            "OrderItems",
            "order_summary",
            "ordering.order_totals",
            "ordering.orders"
        ]),
        "{p}"
    );
    assert_eq!(
        p["views"],
        serde_json::json!(["order_summary", "ordering.order_totals"])
    );
    // Created by an infrastructure script, used only by `users`.
    assert_eq!(
        service(&p, "users")["owns"],
        serde_json::json!(["users"]),
        "{p}"
    );
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("      - ordering.order_totals  # a view\n"),
        "{yaml}"
    );
    assert!(yaml.contains("      - users  # created outside every service (infra/users.sql:1); only `users` uses it\n"), "{yaml}");
    assert!(
        yaml.contains("#   audit: created in infra/audit.sql:1; no service uses it\n"),
        "{yaml}"
    );
    assert_eq!(p["to_decide"][0]["table"], "audit", "{p}");
    assert!(
        yaml.ends_with("rules:\n  unowned-table: warning\n"),
        "a table left to decide is a warning until decided: {yaml}"
    );
    // `check` on the proposal: only the table left to decide is reported, as a
    // warning (the proposal lists it as to decide).
    let errors = init_then_check(root);
    assert_eq!(errors, Vec::<Value>::new());
    let check = ownlint(root, &["check", "--format", "json"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let report: Value = serde_json::from_str(&text(&check.stdout)).expect("json report");
    let subjects: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["rule"] == "unowned-table")
                .filter_map(|f| {
                    Some((
                        f["rule"].as_str()?,
                        f["table"].as_str()?,
                        f["severity"].as_str()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        subjects,
        [("unowned-table", "audit", "warning")],
        "{report}"
    );
}

#[test]
fn a_proposal_with_nothing_to_decide_keeps_unowned_tables_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "services/orders/migrations/001.sql",
        "CREATE TABLE orders (id int);\n",
    );
    let p = proposal(root);
    let yaml = p["registry"].as_str().expect("registry");
    assert!(!yaml.contains("rules:"), "{yaml}");
    // A table added after the proposal, with no owner, is an error.
    let out = ownlint(root, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    write(root, "infra/late.sql", "CREATE TABLE late (id int);\n");
    let check = ownlint(root, &["check", "--format", "json"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stdout));
    let report: Value = serde_json::from_str(&text(&check.stdout)).expect("json report");
    assert!(
        report["findings"].as_array().is_some_and(|a| a
            .iter()
            .any(|f| f["table"] == "late" && f["severity"] == "error")),
        "{report}"
    );
}

#[test]
fn sequences_pg_dump_alters_as_tables_are_never_proposed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "services/orders/migrations/001.sql",
        "CREATE TABLE orders (id int);\nCREATE SEQUENCE public.orders_id_seq;\nALTER TABLE public.orders_id_seq OWNER TO app;\n",
    );
    let p = proposal(root);
    assert_eq!(
        service(&p, "orders")["owns"],
        serde_json::json!(["orders"]),
        "{p}"
    );
}

#[test]
fn a_table_each_service_creates_in_its_own_database_is_owned_by_each() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    for svc in ["catalog", "ordering"] {
        write(
            root,
            &format!("services/{svc}/migrations/001.sql"),
            "CREATE TABLE outbox (id int);\n",
        );
        write(
            root,
            &format!("services/{svc}/appsettings.json"),
            &format!(r#"{{"ConnectionStrings":{{"Db":"Database={svc}db"}}}}"#),
        );
    }
    let p = proposal(root);
    for svc in ["catalog", "ordering"] {
        assert_eq!(
            service(&p, svc)["owns"],
            serde_json::json!(["outbox"]),
            "{p}"
        );
    }
    assert!(init_then_check(root).is_empty());
}

#[test]
fn the_proposal_is_deterministic_and_json_goes_with_writing() {
    let (_tmp, root) = shop();
    let a = ownlint(&root, &["init", "--dry-run", "-j", "1"]);
    let b = ownlint(&root, &["init", "--dry-run", "-j", "4"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(text(&a.stdout), text(&b.stdout));
    let out = ownlint(&root, &["init", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_str(&text(&out.stdout)).expect("json");
    assert_eq!(doc["written"], "./data-ownership.yaml");
    assert_eq!(
        doc["registry"].as_str(),
        Some(
            std::fs::read_to_string(root.join("data-ownership.yaml"))
                .expect("written")
                .as_str()
        )
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // Never over an existing registry without --force, JSON or not.
    let again = ownlint(&root, &["init", "--format", "json"]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn a_table_an_infrastructure_script_creates_goes_to_the_service_its_schema_or_path_names() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(root, "go.mod", "module x\n");
    for svc in ["core-data", "order-history"] {
        write(
            root,
            &format!("cmd/{svc}/main.go"),
            "package main\n\nfunc main() {}\n",
        );
    }
    write(
        root,
        "config/init.sql",
        "CREATE TABLE orderhistory.orders (id int);\nCREATE TABLE events (id int);\n",
    );
    write(
        root,
        "internal/core/data/sql/01-tables.sql",
        "CREATE TABLE readings (id int);\n",
    );
    let p = proposal(root);
    assert_eq!(
        service(&p, "order-history")["owns"],
        serde_json::json!(["orderhistory.orders"]),
        "{p}"
    );
    assert_eq!(
        service(&p, "core-data")["owns"],
        serde_json::json!(["readings"]),
        "{p}"
    );
    let yaml = p["registry"].as_str().expect("registry");
    assert!(yaml.contains("      - readings  # created outside every service (internal/core/data/sql/01-tables.sql:1); its schema or path names `core-data`\n"), "{yaml}");
    assert!(
        yaml.contains("#   events: created in config/init.sql:2; no service uses it\n"),
        "{yaml}"
    );
}

/// (rule, path) of each finding.
/// The (path, line) of each `cross-service-import` among `findings`.
fn import_sites(findings: &[Value]) -> Vec<(&str, u64)> {
    findings
        .iter()
        .filter(|f| f["rule"] == "cross-service-import")
        .filter_map(|f| Some((f["path"].as_str()?, f["line"].as_u64()?)))
        .collect()
}

fn rules_and_paths(findings: &[Value]) -> Vec<(&str, &str)> {
    findings
        .iter()
        .filter_map(|f| Some((f["rule"].as_str()?, f["path"].as_str()?)))
        .collect()
}

/// A DAO module with `schema` and a mapper, and two servers whose poms depend on it.
fn dao_built_into_two_servers(root: &Path, schema: &str) {
    for m in ["api", "master"] {
        write(
            root,
            &format!("{m}/pom.xml"),
            "<project><dependencies><dependency><artifactId>dao</artifactId></dependency></dependencies></project>",
        );
        write(
            root,
            &format!("{m}/src/main/java/org/x/{m}/App.java"),
            "@SpringBootApplication\npublic class App {}\n",
        );
    }
    write(root, "dao/pom.xml", "<project/>");
    write(
        root,
        "dao/src/main/java/org/x/dao/TaskMapper.java",
        "public interface TaskMapper {}\n",
    );
    write(root, "dao/src/main/resources/sql/schema.sql", schema);
}

/// The `left_out` entries of a proposal: (path, why).
fn left_out(p: &Value) -> Vec<(String, String)> {
    p["left_out"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| Some((l["path"].as_str()?.into(), l["why"].as_str()?.into())))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_bundle_of_services_programs_is_left_out_and_its_shared_defaults_stay_a_library() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let defaults = r#"<Project><ItemGroup><ProjectReference Include="..\Shop.ServiceDefaults\Shop.ServiceDefaults.csproj" /></ItemGroup></Project>"#;
    for svc in ["Basket.API", "Catalog.API"] {
        write(root, &format!("src/{svc}/{svc}.csproj"), defaults);
        write(
            root,
            &format!("src/{svc}/Program.cs"),
            "using Shop.ServiceDefaults;\nvar app = Build();\n",
        );
    }
    write(
        root,
        "src/Shop.ServiceDefaults/Shop.ServiceDefaults.csproj",
        "<Project/>",
    );
    write(
        root,
        "src/Shop.ServiceDefaults/Extensions.cs",
        "namespace Shop.ServiceDefaults;\npublic static class Extensions {}\n",
    );
    // An orchestration host: its build takes in both services' programs.
    write(
        root,
        "src/Shop.AppHost/Shop.AppHost.csproj",
        r#"<Project><ItemGroup>
  <ProjectReference Include="..\Basket.API\Basket.API.csproj" />
  <ProjectReference Include="..\Catalog.API\Catalog.API.csproj" />
</ItemGroup></Project>"#,
    );
    write(root, "src/Shop.AppHost/Program.cs", "var b = Create();\n");
    // Must not: a gateway built with one service's program, deployed on its own (its
    // Dockerfile), is still a service (`a_program_built_on_another_program_alone_joins_it`:
    // one deployed by nothing of its own joins the program it runs).
    write(
        root,
        "src/Gateway/Gateway.csproj",
        r#"<Project><ItemGroup><ProjectReference Include="..\Basket.API\Basket.API.csproj" /></ItemGroup></Project>"#,
    );
    write(root, "src/Gateway/Program.cs", "var app = Build();\n");
    write(root, "src/Gateway/Dockerfile", "FROM dotnet\n");
    // Java: a standalone server whose pom takes in two servers' modules.
    write(
        root,
        "pom.xml",
        "<project><artifactId>root</artifactId></project>",
    );
    for m in ["master", "worker"] {
        write(
            root,
            &format!("{m}/pom.xml"),
            &format!("<project><artifactId>{m}</artifactId></project>"),
        );
        write(
            root,
            &format!("{m}/src/main/java/org/x/{m}/Server.java"),
            "@SpringBootApplication\npublic class Server {}\n",
        );
    }
    write(
        root,
        "standalone-server/pom.xml",
        "<project><artifactId>standalone-server</artifactId><dependencies>\n<dependency><artifactId>master</artifactId></dependency>\n<dependency><artifactId>worker</artifactId></dependency>\n</dependencies></project>",
    );
    write(
        root,
        "standalone-server/src/main/java/org/x/StandaloneServer.java",
        "@SpringBootApplication\npublic class StandaloneServer {}\n",
    );
    // Go: a monolith module built from the services' modules (`replace … => ../x`).
    for m in ["kitchen", "order"] {
        write(root, &format!("{m}/go.mod"), &format!("module x/{m}\n"));
        write(
            root,
            &format!("{m}/cmd/service/main.go"),
            "package main\n\nfunc main() {}\n",
        );
    }
    write(
        root,
        "monolith/go.mod",
        "module x/monolith\n\nreplace x/kitchen => ../kitchen\n\nreplace x/order => ../order\n",
    );
    write(
        root,
        "monolith/cmd/service/main.go",
        "package main\n\nimport (\n\t\"x/kitchen/kitcmod\"\n\t\"x/order/ordmod\"\n)\n\nfunc main() {}\n",
    );
    let p = proposal(root);
    assert_eq!(
        names(&p),
        [
            "basket-api",
            "catalog-api",
            "gateway",
            "kitchen",
            "master",
            "order",
            "worker"
        ],
        "{p}"
    );
    let left = left_out(&p);
    for bundle in ["src/Shop.AppHost", "standalone-server", "monolith"] {
        assert!(
            left.iter()
                .any(|(path, why)| path == bundle && why.starts_with("a bundle: ")),
            "{bundle}: {left:?}"
        );
    }
    assert!(
        left.contains(&(
            "src/Shop.ServiceDefaults".to_string(),
            "a library: nothing in it is deployed or runs".to_string()
        )),
        "{left:?}"
    );
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains(
            "#   src/Shop.AppHost: a bundle: its build takes in two or more services' programs"
        ),
        "{yaml}"
    );
    // The shared defaults are a library: importing them is no cross-service import
    // (the gateway's reference to the basket's program is one).
    let errors = init_then_check(root);
    assert_eq!(
        rules_and_paths(&errors),
        [("cross-service-import", "src/Gateway/Gateway.csproj")],
        "{errors:?}"
    );
}

#[test]
fn a_schema_library_joins_the_one_program_built_with_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    // .NET: the API references its Infrastructure (migrations) and Domain projects.
    write(
        root,
        "src/Ordering.API/Ordering.API.csproj",
        r#"<Project><ItemGroup><ProjectReference Include="..\Ordering.Infrastructure\Ordering.Infrastructure.csproj" /></ItemGroup></Project>"#,
    );
    write(root, "src/Ordering.API/Program.cs", "var app = Build();\n");
    write(
        root,
        "src/Ordering.Infrastructure/Ordering.Infrastructure.csproj",
        "<Project/>",
    );
    write(
        root,
        "src/Ordering.Infrastructure/Migrations/001.sql",
        "CREATE TABLE ordering.orders (id int);\n",
    );
    write(
        root,
        "src/Ordering.Domain/Ordering.Domain.csproj",
        "<Project/>",
    );
    write(root, "src/Ordering.Domain/Order.cs", "class Order {}\n");
    // Nx: the server names the Prisma package as an implicit dependency.
    write(
        root,
        "packages/server/package.json",
        r#"{"name": "server", "scripts": {"start": "node ."}}"#,
    );
    write(
        root,
        "packages/server/project.json",
        r#"{"name": "server", "implicitDependencies": ["prisma-db"]}"#,
    );
    write(root, "packages/server/index.js", "start();\n");
    write(
        root,
        "packages/prisma-db/package.json",
        r#"{"name": "@x/prisma-db"}"#,
    );
    write(
        root,
        "packages/prisma-db/prisma/migrations/1_init/migration.sql",
        "CREATE TABLE \"Account\" (id int);\n",
    );
    write(
        root,
        "packages/prisma-db/index.ts",
        "export * from './client';\n",
    );
    // Must not: a DAO two programs are built with stays a schema library of its own.
    dao_built_into_two_servers(root, "CREATE TABLE t_task (id int);\n");
    let p = proposal(root);
    assert_eq!(
        names(&p),
        ["api", "dao", "master", "ordering-api", "server"],
        "{p}"
    );
    assert_eq!(
        service(&p, "ordering-api")["paths"],
        serde_json::json!([
            "src/Ordering.API",
            "src/Ordering.Domain",
            "src/Ordering.Infrastructure"
        ]),
        "{p}"
    );
    assert_eq!(
        service(&p, "ordering-api")["owns"],
        serde_json::json!(["ordering.orders"])
    );
    assert_eq!(
        service(&p, "server")["paths"],
        serde_json::json!(["packages/server", "packages/prisma-db"]),
        "{p}"
    );
    assert_eq!(
        service(&p, "server")["owns"],
        serde_json::json!(["Account"])
    );
    assert_eq!(service(&p, "dao")["owns"], serde_json::json!(["t_task"]));
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("  dao:\n    paths: [dao]\n    public: [dao]"),
        "{yaml}"
    );
    assert_eq!(init_then_check(root), Vec::<Value>::new());
}

#[test]
fn a_program_that_only_migrates_another_services_schema_joins_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    // The DAO's schema, which two servers are built with.
    dao_built_into_two_servers(
        root,
        "CREATE TABLE t_task (id int);\nCREATE TABLE t_user (id int);\n",
    );
    // The upgrader: a program whose DDL only changes the DAO's tables (its test
    // resources hold an old copy of the schema).
    write(root, "upgrader/pom.xml", "<project/>");
    write(
        root,
        "upgrader/src/main/java/org/x/tools/Upgrade.java",
        "@SpringBootApplication\npublic class Upgrade {}\n",
    );
    write(
        root,
        "upgrader/src/main/resources/upgrade/2.0/ddl.sql",
        "ALTER TABLE t_task ADD COLUMN name text;\nALTER TABLE t_user ADD COLUMN mail text;\n",
    );
    write(
        root,
        "upgrader/src/test/resources/1.0/schema.sql",
        "CREATE TABLE t_task (id int);\n",
    );
    // Must not: a program that creates a table of its own and alters the DAO's is a
    // service, and its DDL on the DAO's table is reported.
    write(root, "billing/pom.xml", "<project/>");
    write(
        root,
        "billing/src/main/java/org/x/billing/Billing.java",
        "@SpringBootApplication\npublic class Billing {}\n",
    );
    write(
        root,
        "billing/src/main/resources/db/V1.sql",
        "CREATE TABLE invoices (id int);\nALTER TABLE t_task ADD COLUMN invoice int;\n",
    );
    let p = proposal(root);
    assert_eq!(names(&p), ["api", "billing", "dao", "master"], "{p}");
    assert_eq!(
        service(&p, "dao")["paths"],
        serde_json::json!(["dao", "upgrader"]),
        "{p}"
    );
    assert_eq!(
        service(&p, "dao")["owns"],
        serde_json::json!(["t_task", "t_user"])
    );
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("  dao:\n    paths: [dao, upgrader]\n    public: [dao]"),
        "the upgrader is not public: {yaml}"
    );
    assert!(
        yaml.contains("; with `upgrader`, a program that only migrates its schema (upgrader/"),
        "{yaml}"
    );
    let errors = init_then_check(root);
    assert_eq!(
        rules_and_paths(&errors),
        [("cross-service-ddl", "billing/src/main/resources/db/V1.sql")],
        "{errors:?}"
    );
}

#[test]
fn a_services_child_with_no_evidence_of_its_own_is_its_siblings_shared_code() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "setup.py",
        "from setuptools import setup\nsetup(name='x')\n",
    );
    write(root, "services/__init__.py", "");
    write(
        root,
        "services/utils/__init__.py",
        "def retry(f):\n    return f\n",
    );
    write(
        root,
        "services/utils/tests/test_retry.py",
        "if __name__ == '__main__':\n    run()\n",
    );
    write(
        root,
        "services/api/server.py",
        "from services.utils import retry\n\nif __name__ == '__main__':\n    main()\n",
    );
    write(
        root,
        "services/migrator/migrations/001.sql",
        "CREATE TABLE flows (id int);\n",
    );
    write(
        root,
        "services/migrator/run.py",
        "from services.utils import retry\n",
    );
    // Must not: a child whose code writes its own table is a service, evidence or not.
    write(
        root,
        "services/ledger/store.py",
        "def add(cur):\n    cur.execute(\"INSERT INTO entries (id) VALUES (1)\")\n",
    );
    let p = proposal(root);
    assert_eq!(names(&p), ["api", "ledger", "migrator"], "{p}");
    assert!(
        left_out(&p).contains(&(
            "services/utils".to_string(),
            "shared code of the services beside it: nothing in it runs, is deployed, migrates or maps a table".to_string()
        )),
        "{p}"
    );
    let errors = init_then_check(root);
    assert!(
        !errors.iter().any(|f| f["rule"] == "cross-service-import"),
        "{errors:?}"
    );
}

#[test]
fn a_services_contract_directories_are_its_published_api() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    for svc in ["Basket.API", "WebApp"] {
        write(root, &format!("src/{svc}/{svc}.csproj"), "<Project/>");
        write(
            root,
            &format!("src/{svc}/Program.cs"),
            "var app = Build();\n",
        );
    }
    write(
        root,
        "src/Basket.API/Proto/basket.proto",
        "syntax = \"proto3\";\n",
    );
    write(root, "src/Basket.API/Grpc/BasketService.cs", "class S {}\n");
    write(root, "go.mod", "module x\n");
    write(
        root,
        "cmd/registryctl/main.go",
        "package main\n\nfunc main() {}\n",
    );
    write(root, "cmd/registryctl/client/client.go", "package client\n");
    // Must not: a test's client stays private.
    write(
        root,
        "cmd/registryctl/tests/client/fake.go",
        "package client\n",
    );
    let p = proposal(root);
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("  basket-api:\n    paths: [src/Basket.API]\n    public: [src/Basket.API/Proto]  # its published API"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  registryctl:\n    paths: [cmd/registryctl]\n    public: [cmd/registryctl/client]  # its published API"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  web-app:\n    paths: [src/WebApp]\n    owns: []"),
        "{yaml}"
    );
}

/// A Deployment whose container runs `image`, with `env` lines and `envFrom` refs.
fn workload(kind: &str, name: &str, image: &str, env: &str, from: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: {name}\n          image: {image}\n          env:\n{env}          envFrom:\n{from}"
    )
}

#[test]
fn kubernetes_helm_and_skaffold_deploy_services_and_name_their_databases() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    // Projects nothing else makes services: no entry point init recognises.
    write(root, "orders/package.json", r#"{"name": "orders"}"#);
    write(root, "orders/index.js", "module.exports = {};\n");
    write(root, "billing/go.mod", "module x/billing\n");
    write(root, "billing/server.go", "package billing\n");
    write(root, "web/package.json", r#"{"name": "web"}"#);
    write(root, "web/index.js", "module.exports = {};\n");
    // A service a Dockerfile already makes: the manifest is named beside it.
    write(root, "kitchen/Dockerfile", "FROM python\n");
    write(root, "kitchen/app.py", "print(1)\n");
    // Kubernetes: the repository's image (namespaced), with a ConfigMap naming the
    // database; a third-party database and cache, and directories named like them
    // that hold code.
    write(
        root,
        "k8s/orders.yaml",
        &format!(
            "{}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: orders-config}}\ndata:\n  DATABASE_URL: postgres://o@db:5432/orders_db\n",
            workload(
                "Deployment",
                "orders",
                "registry.example.com/acme/orders:1.2@sha256:abc",
                "            - {name: PORT, value: \"80\"}\n",
                "            - configMapRef: {name: orders-config}\n"
            )
        ),
    );
    write(
        root,
        "k8s/kitchen.yaml",
        &workload(
            "Deployment",
            "kitchen",
            "acme/kitchen",
            "            - {name: X, value: y}\n",
            "            []\n",
        ),
    );
    write(
        root,
        "k8s/db.yaml",
        &workload(
            "StatefulSet",
            "db",
            "postgres:15",
            "            - {name: POSTGRES_DB, value: shared}\n",
            "            []\n",
        ),
    );
    write(
        root,
        "k8s/cache.yaml",
        &workload(
            "Deployment",
            "cache",
            "redis:7",
            "            []\n",
            "            []\n",
        ),
    );
    write(root, "postgres/package.json", r#"{"name": "postgres"}"#);
    write(root, "postgres/index.js", "module.exports = {};\n");
    write(root, "redis/package.json", r#"{"name": "redis"}"#);
    write(root, "redis/index.js", "module.exports = {};\n");
    // Helm: a chart of the repository's image, its values naming the database, and a
    // chart of a third-party image beside a directory named like it.
    write(
        root,
        "deploy/helm/billing/Chart.yaml",
        "apiVersion: v2\nname: billing-api\nversion: 0.1.0\n",
    );
    write(
        root,
        "deploy/helm/billing/values.yaml",
        "image:\n  repository: acme/billing\n  tag: latest\nenv:\n  DB_NAME: billing_db\n",
    );
    write(
        root,
        "deploy/helm/rabbitmq/Chart.yaml",
        "apiVersion: v2\nname: rabbitmq\n",
    );
    write(
        root,
        "deploy/helm/rabbitmq/values.yaml",
        "image:\n  repository: rabbitmq\n",
    );
    write(root, "rabbitmq/package.json", r#"{"name": "rabbitmq"}"#);
    write(root, "rabbitmq/index.js", "module.exports = {};\n");
    // skaffold builds `web` (a bare image name) from its directory.
    write(
        root,
        "skaffold.yaml",
        "apiVersion: skaffold/v4beta1\nkind: Config\nbuild:\n  artifacts:\n    - image: web\n      context: web\n",
    );
    write(
        root,
        "k8s/web.yaml",
        &workload(
            "Deployment",
            "web",
            "web",
            "            - {name: PGDATABASE, value: web_db}\n",
            "            []\n",
        ),
    );
    // A test's manifest deploys nothing.
    write(root, "worker/package.json", r#"{"name": "worker"}"#);
    write(root, "worker/index.js", "module.exports = {};\n");
    write(
        root,
        "tests/k8s/worker.yaml",
        &workload(
            "Deployment",
            "worker",
            "acme/worker",
            "            []\n",
            "            []\n",
        ),
    );

    let p = proposal(root);
    assert_eq!(names(&p), ["billing", "kitchen", "orders", "web"], "{p}");
    assert_eq!(
        service(&p, "orders")["why"],
        "deployed as Kubernetes workload `orders` (k8s/orders.yaml, image `orders`)"
    );
    assert_eq!(
        service(&p, "orders")["database"],
        serde_json::json!({"name": "orders_db", "from": "k8s/orders.yaml:20"})
    );
    assert_eq!(
        service(&p, "billing")["why"],
        "deployed by Helm chart `billing-api` (deploy/helm/billing/Chart.yaml, image `billing`)"
    );
    assert_eq!(
        service(&p, "billing")["database"],
        serde_json::json!({"name": "billing_db", "from": "deploy/helm/billing/values.yaml:5"})
    );
    assert_eq!(
        service(&p, "kitchen")["why"],
        "a Dockerfile (kitchen/Dockerfile); deployed as Kubernetes workload `kitchen` (k8s/kitchen.yaml, image `kitchen`)"
    );
    assert_eq!(
        service(&p, "web")["why"],
        "built by skaffold artifact `web` (skaffold.yaml); deployed as Kubernetes workload `web` (k8s/web.yaml, image `web`)"
    );
    assert_eq!(service(&p, "web")["database"]["name"], "web_db", "{p}");
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("  # deployed as Kubernetes workload `orders` (k8s/orders.yaml, image `orders`)\n  orders:\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("    database: orders_db  # named in k8s/orders.yaml:20\n"),
        "{yaml}"
    );
    // Third-party images (postgres, redis, rabbitmq) are no service, and their
    // database is nobody's.
    assert!(
        !yaml.contains("database: shared") && !yaml.contains("shared ("),
        "{yaml}"
    );
    let errors = init_then_check(root);
    assert_eq!(errors, Vec::<Value>::new());
}

#[test]
fn test_configuration_names_no_database() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(root, "orders/pom.xml", "<project/>");
    write(
        root,
        "orders/src/main/java/o/App.java",
        "@SpringBootApplication\nclass App {}\n",
    );
    write(
        root,
        "orders/src/main/resources/application.properties",
        "spring.datasource.url=jdbc:mysql://db/orders_db\n",
    );
    write(
        root,
        "orders/src/test/resources/application.properties",
        "spring.datasource.url=jdbc:mysql://db/eventuate\n",
    );
    write(
        root,
        "orders/docker-compose.test.yml",
        "services:\n  orders:\n    build: .\n    environment:\n      - POSTGRES_DB=fixture\n",
    );
    let p = proposal(root);
    assert_eq!(
        service(&p, "orders")["database"],
        serde_json::json!({"name": "orders_db", "from": "orders/src/main/resources/application.properties:1"})
    );
}

/// EF Core sets the schema once (`HasDefaultSchema` in the DbContext) and maps each
/// entity in its own configuration file (`ToTable("orders")`); its migration creates
/// `ordering.orders`. The proposal lists the table once, qualified.
#[test]
fn ef_core_default_schema_in_another_file_makes_one_entry() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(root, "src/Ordering.API/Ordering.API.csproj", "<Project/>");
    write(root, "src/Ordering.API/Program.cs", "var app = Build();\n");
    write(
        root,
        "src/Ordering.Infrastructure/Ordering.Infrastructure.csproj",
        "<Project/>",
    );
    write(
        root,
        "src/Ordering.Infrastructure/OrderingContext.cs",
        "public class OrderingContext : DbContext {\n    public const string DEFAULT_SCHEMA = \"ordering\";\n    protected override void OnModelCreating(ModelBuilder modelBuilder) {\n        modelBuilder.HasDefaultSchema(DEFAULT_SCHEMA);\n        modelBuilder.ApplyConfiguration(new OrderEntityTypeConfiguration());\n    }\n}\n",
    );
    write(
        root,
        "src/Ordering.Infrastructure/EntityConfigurations/OrderEntityTypeConfiguration.cs",
        "class OrderEntityTypeConfiguration : IEntityTypeConfiguration<Order> {\n    public void Configure(EntityTypeBuilder<Order> orderConfiguration) {\n        orderConfiguration.ToTable(\"orders\");\n    }\n}\n",
    );
    write(
        root,
        "src/Ordering.Infrastructure/Migrations/20231026_Initial.cs",
        "public partial class Initial : Migration {\n    protected override void Up(MigrationBuilder migrationBuilder) {\n        migrationBuilder.EnsureSchema(name: \"ordering\");\n        migrationBuilder.CreateTable(\n            name: \"orders\",\n            schema: \"ordering\",\n            columns: table => new { Id = table.Column<int>() });\n    }\n}\n",
    );
    let p = proposal(root);
    assert_eq!(names(&p), ["ordering-api"], "{p}");
    assert_eq!(
        service(&p, "ordering-api")["owns"],
        serde_json::json!(["ordering.orders"]),
        "{p}"
    );
    assert_eq!(service(&p, "ordering-api")["schema"]["name"], "ordering");
    assert_eq!(init_then_check(root), Vec::<Value>::new());
}

/// API reads and events come from what `check`'s scan observes (code and deployment
/// configuration), each with where it was first seen, so that `check` right after
/// `init` reports none of them; a service's own URL and a third-party host add
/// nothing, and an event consumed with no proposed publisher is left out, commented.
#[test]
fn api_reads_and_events_are_proposed_from_what_check_observes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "services/orders/app.py",
        "import requests\n\n\ndef ship(order):\n    return requests.post(\"http://shipping:8000/shipments\", json=order)\n\n\ndef own():\n    return requests.get(\"http://orders:8000/orders\")\n\n\ndef third():\n    return requests.get(\"https://api.stripe.com/v1/charges\")\n\n\ndef publish(producer, order):\n    producer.send(\"order.created\", order)\n",
    );
    write(
        root,
        "services/inventory/src/index.ts",
        "import { Kafka } from 'kafkajs';\n\nconst kafka = new Kafka({ brokers: ['kafka:9092'] });\nconst consumer = kafka.consumer({ groupId: 'inventory' });\n\nexport async function run(): Promise<void> {\n  await consumer.subscribe({ topics: ['order.created'] });\n  await consumer.subscribe({ topic: 'order.cancelled' });\n}\n",
    );
    for svc in ["orders", "inventory", "shipping"] {
        write(
            root,
            &format!("services/{svc}/Dockerfile"),
            "FROM scratch\n",
        );
    }
    write(root, "services/shipping/main.py", "print('ships')\n");
    write(root, "services/billing/main.py", "print('bills')\n");
    write(
        root,
        "deploy/docker-compose.yml",
        "services:\n  billing:\n    build: ../services/billing\n    environment:\n      - INVENTORY_URL=http://inventory:8080\n",
    );
    let p = proposal(root);
    assert_eq!(
        names(&p),
        ["billing", "inventory", "orders", "shipping"],
        "{p}"
    );
    let yaml = p["registry"].as_str().expect("registry");
    let reg: Value = serde_saphyr::from_str(yaml).expect("registry is YAML");
    let listed = |svc: &str, key: &str| -> Vec<String> {
        reg["services"][svc][key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| match v.as_object() {
                        Some(o) => o.keys().cloned().collect::<Vec<_>>().join(","),
                        None => v.as_str().unwrap_or_default().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(listed("orders", "reads_from_apis"), ["shipping"], "{yaml}");
    assert_eq!(
        listed("billing", "reads_from_apis"),
        ["inventory"],
        "{yaml}"
    );
    assert!(listed("shipping", "reads_from_apis").is_empty(), "{yaml}");
    assert!(listed("inventory", "reads_from_apis").is_empty(), "{yaml}");
    assert_eq!(
        listed("orders", "publishes_events"),
        ["order.created"],
        "{yaml}"
    );
    assert_eq!(
        listed("inventory", "consumes_events"),
        ["order.created"],
        "{yaml}"
    );
    assert!(
        yaml.contains("      - shipping: []  # called at services/orders/app.py:5 ("),
        "{yaml}"
    );
    assert!(
        yaml.contains("      - inventory: []  # called at deploy/docker-compose.yml:5 ("),
        "{yaml}"
    );
    assert!(
        yaml.contains("    # event order.cancelled: consumed, but no proposed service is seen publishing it (services/inventory/src/index.ts:8 ("),
        "{yaml}"
    );
    let errors = init_then_check(root);
    // The one drift error left: the event with no publisher, which the proposal
    // cannot declare (validation requires a publisher) and comments on instead.
    let drift: Vec<(&Value, &Value)> = errors
        .iter()
        .filter(|f| f["rule"] == "undeclared-api-dependency" || f["rule"] == "undeclared-event")
        .map(|f| (&f["rule"], &f["line"]))
        .collect();
    assert_eq!(
        drift,
        [(&Value::from("undeclared-event"), &Value::from(8))],
        "{errors:?}"
    );
}

/// SeaORM migrations (`Table::create().table(X::Table)` with a `DeriveIden` enum)
/// define tables as `CREATE TABLE` does: each service owns what its migrations
/// create, in the spelling `check` then matches, and an index created on a table is
/// not its creation.
#[test]
fn sea_orm_migrations_create_the_tables_they_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    for (svc, migration) in [
        (
            "orders",
            "use sea_orm_migration::prelude::*;\n\n#[derive(DeriveIden)]\nenum OrderItems { Table, Id }\n\npub struct Migration;\n\n#[async_trait::async_trait]\nimpl MigrationTrait for Migration {\n    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {\n        manager.create_table(Table::create().table(OrderItems::Table).col(ColumnDef::new(OrderItems::Id).integer()).to_owned()).await?;\n        manager.create_index(Index::create().name(\"idx-items\").table(OrderItems::Table).col(OrderItems::Id).to_owned()).await\n    }\n}\n",
        ),
        (
            "users",
            "use sea_orm_migration::prelude::*;\n\n#[derive(DeriveIden)]\nenum Users {\n    #[sea_orm(iden = \"app_users\")]\n    Table,\n    Id,\n}\n\npub struct Migration;\n\n#[async_trait::async_trait]\nimpl MigrationTrait for Migration {\n    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {\n        manager.create_table(Table::create().table(Users::Table).col(ColumnDef::new(Users::Id).integer()).to_owned()).await\n    }\n}\n",
        ),
    ] {
        write(
            root,
            &format!("services/{svc}/Cargo.toml"),
            &format!("[package]\nname = \"{svc}\"\nversion = \"0.1.0\"\n"),
        );
        write(
            root,
            &format!("services/{svc}/src/main.rs"),
            "fn main() {}\n",
        );
        write(
            root,
            &format!("services/{svc}/src/migration/m20240101_000001_create.rs"),
            migration,
        );
    }
    let p = proposal(root);
    assert_eq!(names(&p), ["orders", "users"], "{p}");
    assert_eq!(
        service(&p, "orders")["owns"],
        serde_json::json!(["order_items"]),
        "{p}"
    );
    assert_eq!(
        service(&p, "users")["owns"],
        serde_json::json!(["app_users"]),
        "{p}"
    );
    assert_eq!(init_then_check(root), Vec::<Value>::new());
}

/// Code another service imports by a name the repository's tsconfig `paths` give it
/// (`common/*` → the server's `src/common/*`) is the server's published API: `init`
/// proposes it as `public`, with a comment, so that `check` right after does not
/// report those imports. An alias a service sets up for its own code, one into
/// `node_modules` and a relative import of private code are no API.
#[test]
fn code_other_services_import_through_tsconfig_aliases_is_published_api() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    for svc in ["server", "web"] {
        write(
            root,
            &format!("packages/{svc}/package.json"),
            &format!(
                "{{\"name\": \"{svc}\", \"scripts\": {{\"start\": \"node dist/index.js\"}}}}\n"
            ),
        );
    }
    write(
        root,
        "packages/server/tsconfig.json",
        "{\n  // its own alias\n  \"compilerOptions\": {\"baseUrl\": \".\", \"paths\": {\"~/*\": [\"src/*\"]}}\n}\n",
    );
    write(
        root,
        "packages/server/src/common/http.ts",
        "export const get = 1;\n",
    );
    write(
        root,
        "packages/server/src/core/db.ts",
        "export const db = 1;\n",
    );
    write(
        root,
        "packages/server/src/index.ts",
        "import { db } from '~/core/db';\nimport { get } from 'common/http';\n",
    );
    write(
        root,
        "packages/web/tsconfig.json",
        "{\"compilerOptions\": {\"paths\": {\n  \"common/*\": [\"../server/src/common/*\"],\n  \"react\": [\"../server/node_modules/@types/react\"]\n}}}\n",
    );
    write(
        root,
        "packages/server/node_modules/@types/react/index.d.ts",
        "export {};\n",
    );
    write(
        root,
        "packages/web/src/app.ts",
        "import { get } from 'common/http';\nimport { db } from '../../server/src/core/db';\nimport React from 'react';\n",
    );
    let p = proposal(root);
    assert_eq!(names(&p), ["server", "web"], "{p}");
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("  server:\n    paths: [packages/server]\n    # packages/server/src/common: other services import it by name through the tsconfig `paths` of packages/web\n    public: [packages/server/src/common]  # its published API"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  web:\n    paths: [packages/web]\n    owns: []"),
        "{yaml}"
    );
    let errors = init_then_check(root);
    assert_eq!(
        import_sites(&errors),
        [("packages/web/src/app.ts", 2)],
        "{errors:?}"
    );
}

/// A database several services' configuration names, when one of them names its own
/// database too, is shared: no service is proposed to own it (a comment says so), so
/// that `check` right after `init` does not report the others as connecting to "its"
/// database; the shared connection string stays a finding. Spring's
/// `spring.jpa.database` names a vendor, not a database.
#[test]
fn a_database_services_share_is_no_ones_own() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    for svc in ["orders", "history"] {
        write(root, &format!("services/{svc}/Dockerfile"), "FROM java\n");
        write(
            root,
            &format!("services/{svc}/src/main/java/App.java"),
            "@SpringBootApplication\npublic class App {}\n",
        );
        write(
            root,
            &format!("services/{svc}/k8s/{svc}.yml"),
            &workload(
                "Deployment",
                svc,
                &format!("acme/{svc}:1"),
                "            - {name: SPRING_DATASOURCE_URL, value: \"jdbc:mysql://mysql/eventuate\"}\n",
                "            - secretRef: {name: db}\n",
            ),
        );
    }
    write(
        root,
        "services/orders/src/main/resources/application.properties",
        "spring.datasource.url=jdbc:mysql://mysql/orders_db\nspring.jpa.database=mysql\n",
    );
    write(
        root,
        "services/history/src/main/resources/application.properties",
        "spring.jpa.database=postgresql\n",
    );
    let p = proposal(root);
    assert_eq!(names(&p), ["history", "orders"], "{p}");
    assert_eq!(
        service(&p, "orders")["database"]["name"],
        "orders_db",
        "{p}"
    );
    assert_eq!(service(&p, "history")["database"], Value::Null, "{p}");
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("    # not proposed: database eventuate (services/history/k8s/history.yml:"),
        "{yaml}"
    );
    assert!(yaml.contains("which `orders` connect to as well"), "{yaml}");
    let errors = init_then_check(root);
    let messages: Vec<&str> = errors
        .iter()
        .filter(|f| f["rule"] == "shared-database-credentials")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(messages.len(), 2, "{errors:?}");
    assert!(
        messages
            .iter()
            .all(|m| m.contains("the same connection string")),
        "{messages:?}"
    );
}

/// A program deployed by nothing of its own whose build takes in one other program
/// and nothing else of the repository (a container running several brokers in one
/// process) deploys with it: it joins that service, whose code it may import. A
/// program that also builds on shared code, or has a deployment of its own, is a
/// service of its own, and its imports of the other's code are reported. Maven
/// modules are named by their own `artifactId`.
#[test]
fn a_program_built_on_another_program_alone_joins_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let pom = |id: &str, deps: &[&str]| {
        let deps: String = deps
            .iter()
            .map(|d| {
                format!(
                    "<dependency><groupId>org.x</groupId><artifactId>{d}</artifactId></dependency>"
                )
            })
            .collect();
        format!(
            "<project><parent><artifactId>x-all</artifactId></parent><artifactId>{id}</artifactId><dependencies>{deps}</dependencies></project>"
        )
    };
    write(
        root,
        "pom.xml",
        "<project><artifactId>x-all</artifactId></project>",
    );
    write(root, "common/pom.xml", &pom("x-common", &[]));
    write(
        root,
        "common/src/main/java/org/x/common/Util.java",
        "package org.x.common;\npublic class Util {}\n",
    );
    // Must not: `gateway` is built on the broker alone too, but deployed on its own.
    write(root, "gateway/Dockerfile", "FROM java\n");
    for (dir, id, deps) in [
        ("broker", "x-broker", &["x-common"][..]),
        ("container", "x-container", &["x-broker"][..]),
        ("proxy", "x-proxy", &["x-broker", "x-common"][..]),
        ("gateway", "x-gateway", &["x-broker"][..]),
    ] {
        write(root, &format!("{dir}/pom.xml"), &pom(id, deps));
        let imports = if dir == "broker" {
            String::new()
        } else {
            "import org.x.broker.BrokerController;\n".to_string()
        };
        write(
            root,
            &format!("{dir}/src/main/java/org/x/{dir}/Startup.java"),
            &format!(
                "package org.x.{dir};\n{imports}public class Startup {{\n    public static void main(String[] args) {{}}\n}}\n"
            ),
        );
    }
    write(
        root,
        "broker/src/main/java/org/x/broker/BrokerController.java",
        "package org.x.broker;\npublic class BrokerController {}\n",
    );
    let p = proposal(root);
    assert_eq!(names(&p), ["broker", "gateway", "proxy"], "{p}");
    assert_eq!(
        service(&p, "broker")["paths"],
        serde_json::json!(["broker", "container"]),
        "{p}"
    );
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("; with container, built on it alone to run it\n  broker:"),
        "{yaml}"
    );
    let errors = init_then_check(root);
    assert_eq!(
        import_sites(&errors),
        [
            ("gateway/src/main/java/org/x/gateway/Startup.java", 2),
            ("proxy/src/main/java/org/x/proxy/Startup.java", 2)
        ],
        "{errors:?}"
    );
}

/// A service's package that code outside every service imports (a shared library, a
/// bundle) is proposed as its published API, with a comment naming the importer, so
/// that other services' imports of it are not reported; its private code stays
/// private, and imports by test code outside services do not count.
#[test]
fn code_shared_code_imports_is_published_api() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(root, "go.mod", "module example.com/shop\n");
    for svc in ["orders", "web"] {
        write(
            root,
            &format!("services/{svc}/Dockerfile"),
            "FROM scratch\n",
        );
    }
    write(
        root,
        "services/orders/main.go",
        "package main\n\nfunc main() {}\n",
    );
    write(
        root,
        "services/orders/events/events.go",
        "package events\n\ntype Placed struct{}\n",
    );
    write(
        root,
        "services/orders/internal/db/db.go",
        "package db\n\nfunc Open() {}\n",
    );
    write(
        root,
        "services/web/main.go",
        "package main\n\nimport (\n\t\"example.com/shop/services/orders/events\"\n\t\"example.com/shop/services/orders/internal/db\"\n)\n\nfunc main() { _ = events.Placed{}; db.Open() }\n",
    );
    write(
        root,
        "pkg/audit/audit.go",
        "package audit\n\nimport \"example.com/shop/services/orders/events\"\n\nvar _ = events.Placed{}\n",
    );
    // Must not: test code outside services importing private code.
    write(
        root,
        "pkg/testutil/db_test.go",
        "package testutil\n\nimport \"example.com/shop/services/orders/internal/db\"\n\nfunc f() { db.Open() }\n",
    );
    let p = proposal(root);
    let yaml = p["registry"].as_str().expect("registry");
    assert!(
        yaml.contains("    # services/orders/events: code outside every service imports it (pkg/audit/audit.go)\n    public: [services/orders/events]  # its published API"),
        "{yaml}"
    );
    let errors = init_then_check(root);
    assert_eq!(
        import_sites(&errors),
        [("services/web/main.go", 5)],
        "{errors:?}"
    );
}
