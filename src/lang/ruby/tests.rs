use super::active_record::pluralize;
use super::*;
use crate::lang::script::testing::{self, Expect};
use crate::model::{AccessKind, Confidence, TableRef, Target};

fn run(path: &str, src: &str) -> Vec<(AccessKind, String, String)> {
    testing::accesses(extract, path, src)
}

fn check(path: &str, cases: &[(&str, &[Expect<'_>])]) {
    testing::check(extract, path, cases);
}

use AccessKind::{Ddl, ForeignKey as Fk, Model, Read, Write};

const MIGRATION: &str = "db/migrate/20240101000000_create_orders.rb";

#[test]
fn models() {
    check(
        "app/models/order.rb",
        &[
            (
                "class Order < ApplicationRecord\n  self.table_name = \"orders\"\nend\n",
                &[(Model, "orders", "orders")],
            ),
            (
                "class Invoice < ApplicationRecord\n  self.table_name = 'billing.invoices'\nend\n",
                &[(Model, "billing.invoices", "invoices")],
            ),
            (
                "class A\n  self.table_name = :legacy_orders\nend\n",
                &[(Model, "legacy_orders", "legacy_orders")],
            ),
            // Traps: comments, =begin blocks, strings, reading the name.
            ("# self.table_name = \"orders\"\nx = 1\n", &[]),
            ("=begin\nself.table_name = 'orders'\n=end\nx = 1\n", &[]),
            ("puts \"self.table_name = 'orders'\"\n", &[]),
            ("name = self.table_name\n", &[]),
            // Migration DSL outside db/migrate means nothing.
            ("create_table :orders do |t|\nend\n", &[]),
        ],
    );
}

#[test]
fn migrations() {
    check(
        MIGRATION,
        &[
            (
                "class CreateOrders < ActiveRecord::Migration[7.1]\n  def change\n    create_table :orders do |t|\n      t.string :name\n      t.timestamps\n    end\n  end\nend\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "create_table \"orders\", id: :uuid do |t|\nend\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "create_table(:orders) { |t| t.string :x }\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "change_table :orders do |t|\n  t.remove :x\nend\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "drop_table :orders, if_exists: true\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "rename_table :orders, :purchases\n",
                &[(Ddl, "orders", "orders"), (Ddl, "purchases", "purchases")],
            ),
            (
                "add_column :orders, :total, :integer\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "remove_column :orders, :total\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "add_index :orders, [:a, :b], unique: true\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "add_foreign_key :orders, :customers, column: :cid\n",
                &[(Ddl, "orders", "orders"), (Fk, "customers", "customers")],
            ),
            (
                "add_reference :orders, :customer, index: true\n",
                &[(Ddl, "orders", "orders")],
            ),
            (
                "add_reference :orders, :customer, foreign_key: { to_table: :clients }\n",
                &[(Ddl, "orders", "orders"), (Fk, "clients", "clients")],
            ),
            (
                "create_table :orders do |t|\n  t.references :customer, foreign_key: true\n  t.references :item, polymorphic: true\nend\n",
                &[(Ddl, "orders", "orders"), (Fk, "customers", "customer")],
            ),
        ],
    );
    // A pluralized reference is a convention, not a name as written.
    let got = extract(
        MIGRATION,
        "add_reference :orders, :category, foreign_key: true\n",
        &Context::default(),
    );
    let fk: Vec<_> = got.accesses.iter().filter(|a| a.kind == Fk).collect();
    assert_eq!(fk.len(), 1);
    assert_eq!(fk[0].confidence, Confidence::Low);
    assert_eq!(fk[0].target, Target::Table(TableRef::bare("categories")));
}

#[test]
fn down_bodies_do_not_count() {
    let src = "class X < ActiveRecord::Migration[7.0]\n  def up\n    add_column :orders, :x, :int\n  end\n\n  def down\n    if true\n      remove_column :orders, :x\n    end\n    drop_table :customers\n  end\n\n  def self.down\n    drop_table :legacy\n  end\n\n  def change\n    reversible do |dir|\n      dir.down do\n        drop_table :gone\n      end\n      dir.up { x }\n    end\n    create_table :invoices\n  end\nend\n";
    let names: Vec<String> = run(MIGRATION, src).into_iter().map(|g| g.1).collect();
    assert_eq!(names, ["orders", "invoices"]);
}

#[test]
fn schema_dump() {
    check(
        "db/schema.rb",
        &[(
            "ActiveRecord::Schema[7.1].define(version: 2024_01_01) do\n  create_table \"orders\", force: :cascade do |t|\n    t.bigint \"customer_id\"\n    t.index [\"customer_id\"], name: \"index_orders_on_customer_id\"\n  end\n\n  add_foreign_key \"orders\", \"customers\"\nend\n",
            &[(Model, "orders", "orders"), (Fk, "customers", "customers")],
        )],
    );
}

#[test]
fn sql_in_strings() {
    check(
        "app/models/report.rb",
        &[
            (
                "class X < ActiveRecord::Migration[7.0]\n  def up\n    execute <<~SQL\n      UPDATE orders SET total = 0\n    SQL\n  end\nend\n",
                &[(Write, "orders", "orders")],
            ),
            (
                "rows = Order.find_by_sql(<<~SQL.squish)\n  SELECT o.* FROM orders o\n  JOIN customers c ON c.id = o.customer_id\nSQL\n",
                &[(Read, "orders", "orders"), (Read, "customers", "customers")],
            ),
            (
                "ActiveRecord::Base.connection.execute(\"DELETE FROM orders WHERE id = 1\")\n",
                &[(Write, "orders", "orders")],
            ),
            (
                "conn.exec_query('SELECT * FROM orders')\n",
                &[(Read, "orders", "orders")],
            ),
            (
                "ActiveRecord::Base.connection.select_all(%Q{SELECT id FROM orders})\n",
                &[(Read, "orders", "orders")],
            ),
            (
                "sql = \"SELECT id \" \\\n  \"FROM orders\"\n",
                &[(Read, "orders", "orders")],
            ),
            (
                "sql = \"SELECT id \" +\n  \"FROM orders\"\n",
                &[(Read, "orders", "orders")],
            ),
            // An escape before the name keeps the offset exact.
            (
                "q = \"SELECT *\\n\\tFROM orders\"\n",
                &[(Read, "orders", "orders")],
            ),
        ],
    );
}

#[test]
fn interpolated_sql_resolves_visible_constants() {
    let src = "TABLE = \"orders\".freeze\n\ndef purge(t)\n  execute(\"DELETE FROM #{TABLE}\")\n  execute(<<~SQL)\n    SELECT * FROM #{TABLE}\n  SQL\n  execute(\"SELECT * FROM #{t}\")\nend\n";
    let got = extract("lib/purge.rb", src, &Context::default()).accesses;
    let at = src.find("orders").unwrap_or(0);
    assert_eq!(got.len(), 2, "{got:?}");
    // Each is labelled at its interpolation; the constant's literal is the origin.
    let uses: Vec<usize> = src.match_indices("#{TABLE}").map(|(p, _)| p + 2).collect();
    for (a, used) in got.iter().zip(uses) {
        assert_eq!(
            (a.offset, &src[a.offset..a.offset + a.len]),
            (used, "TABLE")
        );
        let origin = a.origin.as_ref().map(|o| (o.name.as_str(), o.place));
        assert_eq!(
            origin,
            Some(("TABLE", crate::model::Place::Here { offset: at, len: 6 }))
        );
    }
}

#[test]
fn sql_traps() {
    check(
        "app/services/x.rb",
        &[
            ("# SELECT * FROM orders\nx = 1\n", &[]),
            ("=begin\nDELETE FROM orders\n=end\n", &[]),
            ("puts \"DELETE FROM orders\"\n", &[]),
            ("Rails.logger.info(\"SELECT * FROM orders\")\n", &[]),
            ("logger.warn <<~MSG\n  UPDATE orders SET x = 1\nMSG\n", &[]),
            ("msg = 'please select the orders from the list'\n", &[]),
            ("words = %w[select from orders]\n", &[]),
            ("re = /DELETE FROM orders/\n", &[]),
            ("execute(\"SELECT * FROM #{table}\")\n", &[]),
            ("x = <<~'TXT'\n  just prose about orders\nTXT\n", &[]),
            // `x / y` division is not a regexp swallowing the code after it.
            (
                "a = b / c\nconn.execute('DELETE FROM orders') # /\n",
                &[(Write, "orders", "orders")],
            ),
            // A heredoc body is skipped as code: its lines are not statements.
            ("x = <<~TXT\n  self.table_name = 'orders'\nTXT\n", &[]),
        ],
    );
}

#[test]
fn file_roles() {
    assert_eq!(role_of("db/migrate/1_x.rb"), FileRole::Migration);
    assert_eq!(
        role_of("services/orders/db/migrate/1_x.rb"),
        FileRole::Migration
    );
    assert_eq!(role_of("db/animals_migrate/1_x.rb"), FileRole::Migration);
    assert_eq!(role_of("db/schema.rb"), FileRole::Schema);
    assert_eq!(role_of("svc/db/animals_schema.rb"), FileRole::Schema);
    assert_eq!(role_of("app/models/schema.rb"), FileRole::Code);
    assert_eq!(pluralize("category"), "categories");
    assert_eq!(pluralize("day"), "days");
    assert_eq!(pluralize("address"), "addresses");
    assert_eq!(pluralize("customer"), "customers");
}

#[test]
fn robust_on_hostile_input() {
    let ctx = Context::default();
    let deep = format!("x = {}\n", "(".repeat(50_000));
    let _ = extract(MIGRATION, &deep, &ctx);
    let balanced = format!(
        "x = {}{}\ncreate_table :orders\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    assert_eq!(
        run(MIGRATION, &balanced),
        [(Ddl, "orders".to_string(), "orders".to_string())]
    );
    let blank_dots = format!("x = 1{}.y\n", "\n".repeat(50_000));
    let _ = extract(MIGRATION, &blank_dots, &ctx);
    for src in [
        "x = \"SELECT * FROM orders",
        "x = 'abc",
        "execute <<~SQL\n SELECT * FROM orders",
        "execute <<~",
        "x = \"#{",
        "x = %Q(",
        "x = %",
        "x = ?",
        "=begin\nnever ends",
        ":",
        "$",
        "@@",
        "def",
        "def self.",
        "end end end",
        "\0\0create_table\0:orders\0",
        "self.table_name = 'é\u{301}'\n",
        "x = \"\\u{1F600\"",
        "add_reference :a, :b, foreign_key: {",
    ] {
        let out = extract(MIGRATION, src, &ctx);
        for a in &out.accesses {
            assert!(
                a.offset + a.len <= src.len() && src.is_char_boundary(a.offset),
                "{src}"
            );
        }
    }
    // Text after __END__ is data.
    assert!(run(MIGRATION, "x = 1\n__END__\ncreate_table :orders\n").is_empty());
}

#[test]
fn language_of_ruby_files() {
    use crate::lang::Language;
    for path in [
        "app/models/order.rb",
        "lib/tasks/db.rake",
        "Rakefile",
        "svc/Rakefile",
    ] {
        assert_eq!(Language::of(path), Some(Language::Ruby), "{path}");
    }
    assert_eq!(Language::of("Gemfile"), None);
}

#[test]
fn markers_are_specific() {
    assert!(MARKERS.iter().all(|m| m.len() >= 10));
}
