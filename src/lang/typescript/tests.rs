//! The extractor's tables: for each shape, sources that must yield exactly the listed
//! accesses, and sources that must yield none.

use super::constants::parse_name;
use super::imports::resolve_relative;
use super::*;
use crate::lang::naming::snake_case;
use crate::model::{Confidence, ImportRef, Place, Target};
use AccessKind::{Ddl, ForeignKey, Import, Model, Read, Write};

const PATH: &str = "services/billing/src/repo.ts";

/// (kind, target, text at the access's range, confidence) for every access.
fn found(path: &str, src: &str) -> Vec<(AccessKind, String, String, Confidence)> {
    extract(path, src, &Context::default())
        .accesses
        .iter()
        .map(|a| {
            let target = match &a.target {
                Target::Table(t) => [t.database.as_deref(), t.schema.as_deref()]
                    .into_iter()
                    .flatten()
                    .chain([t.name.as_str()])
                    .collect::<Vec<_>>()
                    .join("."),
                Target::Import(ImportRef::Package(p)) => format!("pkg:{p}"),
                Target::Import(ImportRef::Path(p)) => format!("path:{p}"),
            };
            let at = src.get(a.offset..a.offset + a.len).unwrap_or("<bad range>");
            (a.kind, target, at.to_string(), a.confidence)
        })
        .collect()
}

type Case = (
    &'static str,
    &'static [(AccessKind, &'static str, &'static str)],
);

/// Asserts each source yields exactly the expected (kind, target, text) accesses.
fn check(cases: &[Case]) {
    for (src, expected) in cases {
        let mut got: Vec<_> = found(PATH, src)
            .into_iter()
            .map(|(k, t, at, _)| (k, t, at))
            .collect();
        got.sort();
        let mut want: Vec<_> = expected
            .iter()
            .map(|&(k, t, at)| (k, t.to_string(), at.to_string()))
            .collect();
        want.sort();
        assert_eq!(got, want, "source:\n{src}");
    }
}

fn confidence(src: &str, target: &str) -> Option<Confidence> {
    found(PATH, src)
        .into_iter()
        .find(|(_, t, _, _)| t == target)
        .map(|(_, _, _, c)| c)
}

#[test]
fn typeorm_entities() {
    check(&[
        (
            "@Entity(\"orders\")\nexport class Order {}",
            &[(Model, "orders", "orders")],
        ),
        (
            "@Entity({ name: 'orders', schema: 'sales', database: 'shop' })\nclass Order {}",
            &[(Model, "shop.sales.orders", "orders")],
        ),
        (
            "@Entity()\n@Index(['a'])\nexport abstract class OrderItem {}",
            &[(Model, "order_item", "OrderItem")],
        ),
        (
            "@Entity\nclass HTTPRequestLog {}",
            &[(Model, "http_request_log", "HTTPRequestLog")],
        ),
        (
            "@Entity({ schema: 'sales' })\nexport default class LineItem2 {}",
            &[(Model, "sales.line_item2", "LineItem2")],
        ),
        (
            "export const S = new EntitySchema({ name: 'Order', tableName: 'orders', columns: {} });",
            &[(Model, "orders", "orders")],
        ),
        (
            "new EntitySchema({ name: 'OrderItem', columns: {} })",
            &[(Model, "order_item", "OrderItem")],
        ),
        (
            "@ManyToMany(() => Role)\n@JoinTable({ name: 'user_roles' })\nroles: Role[];",
            &[(Model, "user_roles", "user_roles")],
        ),
        // MikroORM spells it `tableName`; no class-name fallback then.
        (
            "@Entity({ tableName: 'books' })\nclass Book {}",
            &[(Model, "books", "books")],
        ),
    ]);
    assert_eq!(
        confidence("@Entity()\nclass OrderItem {}", "order_item"),
        Some(Confidence::Low)
    );
    // A non-ASCII class name is lowered whole, as TypeORM's `toLowerCase` does.
    assert_eq!(
        confidence("@Entity()\nclass ÄpfelPreis {}", "äpfel_preis"),
        Some(Confidence::Low)
    );
    assert_eq!(
        confidence("@Entity('orders')\nclass Order {}", "orders"),
        Some(Confidence::High)
    );
}

#[test]
fn sequelize_models_and_migrations() {
    check(&[
        (
            "sequelize.define('Order', { id: DataTypes.INTEGER }, { tableName: 'orders' });",
            &[(Model, "orders", "orders")],
        ),
        (
            "Order.init({ id: { type: DataTypes.INTEGER } }, { tableName: 'orders', schema: 'sales', sequelize });",
            &[(Model, "sales.orders", "orders")],
        ),
        (
            "const attrs = { userId: { type: DataTypes.INTEGER, references: { model: 'users', key: 'id' } } };",
            &[(ForeignKey, "users", "users")],
        ),
        (
            "@Table({ tableName: 'invoices', timestamps: false })\nexport class Invoice extends Model {}",
            &[(Model, "invoices", "invoices")],
        ),
        (
            "await queryInterface.createTable('orders', { id: { type: Sequelize.INTEGER } });",
            &[(Ddl, "orders", "orders")],
        ),
        (
            "await queryInterface.addColumn({ tableName: 'orders', schema: 'sales' }, 'note', {});",
            &[(Ddl, "sales.orders", "orders")],
        ),
        (
            "await queryInterface.bulkInsert('orders', [{ id: 1 }]);",
            &[(Write, "orders", "orders")],
        ),
        (
            "queryInterface.renameTable('orders', 'purchases')",
            &[(Ddl, "orders", "orders"), (Ddl, "purchases", "purchases")],
        ),
        (
            "class Person extends Model {\n  static tableName = 'persons';\n}",
            &[(Model, "persons", "persons")],
        ),
        (
            "class Person extends Model {\n  static get tableName() { return 'persons'; }\n}",
            &[(Model, "persons", "persons")],
        ),
    ]);
    // `tableName` in an object of unknown purpose is only a hint.
    assert_eq!(
        confidence("const opts = { tableName: 'orders' };", "orders"),
        Some(Confidence::Low)
    );
    // The object and the call around it are found past closers that match no
    // open bracket (left unpaired, so no bracket), and past closed groups.
    let src = "sequelize.define('A', { a: f(]) }, { x: [1, 2)], tableName: 'orders' });";
    assert_eq!(confidence(src, "orders"), Some(Confidence::High));
    let src = "wrap(define)({ x: [1, 2)], tableName: 'orders' });";
    assert_eq!(confidence(src, "orders"), Some(Confidence::Low));
}

#[test]
fn knex_queries() {
    check(&[
        (
            "knex('orders').where({ id })",
            &[(Read, "orders", "orders")],
        ),
        (
            "await db('orders').insert({ a: 1 })",
            &[(Write, "orders", "orders")],
        ),
        (
            "await trx('orders').where('id', id).update({ x })",
            &[(Write, "orders", "orders")],
        ),
        (
            "knex('orders').where('id', 1).del()",
            &[(Write, "orders", "orders")],
        ),
        ("this.knex('orders').first()", &[(Read, "orders", "orders")]),
        (
            "knex.select('*').from('orders')",
            &[(Read, "orders", "orders")],
        ),
        (
            "knex.insert(row).into('orders')",
            &[(Write, "orders", "orders")],
        ),
        (
            "knex.table('orders').insert(row)",
            &[(Write, "orders", "orders")],
        ),
        ("knex.del().from('orders')", &[(Write, "orders", "orders")]),
        (
            "knex('public.orders')",
            &[(Read, "public.orders", "orders")],
        ),
        (
            "await supabase.from('orders').select('*').eq('id', id)",
            &[(Read, "orders", "orders")],
        ),
        (
            "await supabase.from('orders').insert({ id })",
            &[(Write, "orders", "orders")],
        ),
        (
            "knex('orders as o').join('customers as c', 'c.id', 'o.customer_id')",
            &[(Read, "orders", "orders"), (Read, "customers", "customers")],
        ),
        (
            "knex.withSchema('sales').select('*').from('orders')",
            &[(Read, "sales.orders", "orders")],
        ),
        (
            "const TABLE = 'orders';\nexport const all = () => knex(TABLE).select();",
            &[(Read, "orders", "TABLE")],
        ),
    ]);
    assert_eq!(
        confidence("knex.select('*').from('orders')", "orders"),
        Some(Confidence::High)
    );
    // An unknown chain root: probably a builder, but not sure.
    assert_eq!(
        confidence("repo.select('*').from('orders')", "orders"),
        Some(Confidence::Low)
    );
}

#[test]
fn knex_schema_builder() {
    check(&[
        (
            "knex.schema.createTable('orders', (t) => { t.increments('id'); })",
            &[(Ddl, "orders", "orders")],
        ),
        (
            "knex.schema.dropTableIfExists('orders')",
            &[(Ddl, "orders", "orders")],
        ),
        (
            "knex.schema.renameTable('orders', 'purchases')",
            &[(Ddl, "orders", "orders"), (Ddl, "purchases", "purchases")],
        ),
        (
            "knex.schema.table('orders', (t) => { t.string('note'); })",
            &[(Ddl, "orders", "orders")],
        ),
        (
            "knex.schema.withSchema('sales').alterTable('orders', t => {})",
            &[(Ddl, "sales.orders", "orders")],
        ),
        (
            "knex.schema.createTable('items', (t) => {\n  t.integer('order_id').references('id').inTable('orders');\n  t.integer('user_id').references('users.id');\n})",
            &[
                (Ddl, "items", "items"),
                (ForeignKey, "orders", "orders"),
                (ForeignKey, "users", "users"),
            ],
        ),
    ]);
}

#[test]
fn drizzle_tables() {
    check(&[
        (
            "export const users = pgTable('users', { id: serial('id').primaryKey() });",
            &[(Model, "users", "users")],
        ),
        (
            "export const o = mysqlTable('orders', {});",
            &[(Model, "orders", "orders")],
        ),
        (
            "export const o = sqliteTable('orders', {});",
            &[(Model, "orders", "orders")],
        ),
        (
            "const billing = pgSchema('billing');\nexport const invoices = billing.table('invoices', {});",
            &[(Model, "billing.invoices", "invoices")],
        ),
        (
            "export const invoices = pgSchema('billing').table('invoices', {});",
            &[(Model, "billing.invoices", "invoices")],
        ),
    ]);
}

#[test]
fn kysely_queries() {
    check(&[
        (
            "await db.selectFrom('person').selectAll().execute()",
            &[(Read, "person", "person")],
        ),
        (
            "db.selectFrom('person as p').select('p.id')",
            &[(Read, "person", "person")],
        ),
        (
            "db.selectFrom(['person', 'pet'])",
            &[(Read, "person", "person"), (Read, "pet", "pet")],
        ),
        (
            "db.insertInto('person').values(v)",
            &[(Write, "person", "person")],
        ),
        (
            "db.updateTable('person').set(v)",
            &[(Write, "person", "person")],
        ),
        (
            "db.deleteFrom('person').where('id', '=', 1)",
            &[(Write, "person", "person")],
        ),
        (
            "db.replaceInto('person').values(v)",
            &[(Write, "person", "person")],
        ),
        (
            "db.selectFrom('person').innerJoin('pet', 'pet.owner_id', 'person.id')",
            &[(Read, "person", "person"), (Read, "pet", "pet")],
        ),
        (
            "await db.schema.createTable('pet').addColumn('owner_id', 'integer', (col) => col.references('person.id')).execute()",
            &[(Ddl, "pet", "pet"), (ForeignKey, "person", "person")],
        ),
        (
            "db.schema.dropTable('pet').ifExists()",
            &[(Ddl, "pet", "pet")],
        ),
    ]);
}

#[test]
fn imports() {
    check(&[
        (
            "import { Order } from '@acme/orders/db';",
            &[(Import, "pkg:@acme/orders/db", "@acme/orders/db")],
        ),
        (
            "import x from '../../orders/src/db';",
            &[(Import, "path:services/orders/src/db", "../../orders/src/db")],
        ),
        (
            "import './side';",
            &[(Import, "path:services/billing/src/side", "./side")],
        ),
        (
            "export * from '../lib';\nexport * as ns from 'lodash';\nexport { a, b as c } from '@acme/x';\nexport type { T } from './t';",
            &[
                (Import, "path:services/billing/lib", "../lib"),
                (Import, "pkg:lodash", "lodash"),
                (Import, "pkg:@acme/x", "@acme/x"),
                (Import, "path:services/billing/src/t", "./t"),
            ],
        ),
        (
            "const o = require('@acme/orders');",
            &[(Import, "pkg:@acme/orders", "@acme/orders")],
        ),
        (
            "const m = await import('./lazy');",
            &[(Import, "path:services/billing/src/lazy", "./lazy")],
        ),
        (
            "import type { T } from '@acme/types';",
            &[(Import, "pkg:@acme/types", "@acme/types")],
        ),
        (
            "import x = require('@acme/x');",
            &[(Import, "pkg:@acme/x", "@acme/x")],
        ),
        (
            "import D, * as all from \"pg\";\nimport {\n  a,\n  b,\n} from \"@acme/multi\";",
            &[
                (Import, "pkg:pg", "pg"),
                (Import, "pkg:@acme/multi", "@acme/multi"),
            ],
        ),
        // Built-ins, node: specifiers, import.meta, escaping the repository.
        (
            "import fs from 'fs';\nimport p from 'node:path';\nimport { readFile } from 'fs/promises';\nconst u = import.meta.url;\nimport z from '../../../../../outside';",
            &[],
        ),
    ]);
}

#[test]
fn raw_sql_sinks() {
    check(&[
        (
            "await db.raw('SELECT * FROM orders WHERE id = ?', [id])",
            &[(Read, "orders", "orders")],
        ),
        (
            "await pool.query('INSERT INTO orders (id) VALUES ($1)', [id])",
            &[(Write, "orders", "orders")],
        ),
        (
            "client.query({ text: 'DELETE FROM orders WHERE id = $1', values: [id] })",
            &[(Write, "orders", "orders")],
        ),
        (
            "const rows = await sql`SELECT * FROM orders WHERE id = ${id}`;",
            &[(Read, "orders", "orders")],
        ),
        (
            "await prisma.$queryRaw`SELECT * FROM invoices WHERE id = ${id}`",
            &[(Read, "invoices", "invoices")],
        ),
        (
            "await prisma.$executeRawUnsafe('UPDATE orders SET paid = true')",
            &[(Write, "orders", "orders")],
        ),
        (
            "await knex.raw(\"select *\\nfrom orders\")",
            &[(Read, "orders", "orders")],
        ),
    ]);
}

#[test]
fn string_built_sql() {
    check(&[
        (
            "const q = 'SELECT o.id, i.sku ' +\n  'FROM orders o JOIN order_items i ON i.order_id = o.id';",
            &[
                (Read, "orders", "orders"),
                (Read, "order_items", "order_items"),
            ],
        ),
        (
            "const T = 'restaurants';\nconst q = `SELECT * FROM ${T} WHERE id = $1`;",
            &[(Read, "restaurants", "T")],
        ),
        (
            "const Tables = { orders: 'orders' } as const;\nconst q = `DELETE FROM ${Tables.orders} WHERE id = $1`;",
            &[(Write, "orders", "Tables.orders")],
        ),
        (
            "enum T { Orders = 'orders' }\nconst q = `SELECT * FROM ${T.Orders}`;",
            &[(Read, "orders", "T.Orders")],
        ),
        (
            "const T = 'restaurants';\nconst q = 'SELECT * FROM ' + T + ' WHERE id = 1';",
            &[(Read, "restaurants", "T")],
        ),
        (
            "class R { static readonly T = 'restaurants';\n  q() { return db.query(`SELECT * FROM ${this.T}`); } }",
            &[(Read, "restaurants", "this.T")],
        ),
        (
            "const q = \"SELECT id FROM orders\";",
            &[(Read, "orders", "orders")],
        ),
        // Escapes before the name keep the offset exact.
        (
            "const q = \"SELECT \\\"id\\\"\\n FROM orders\";",
            &[(Read, "orders", "orders")],
        ),
        // Drizzle table objects interpolated into `sql` resolve to their table.
        (
            "const users = pgTable('users', {});\nconst r = sql`select count(*) from ${users}`;",
            &[(Model, "users", "users"), (Read, "users", "users")],
        ),
    ]);
}

#[test]
fn unknown_holes_are_not_guessed() {
    check(&[
        ("const q = `SELECT * FROM ${table} WHERE id = 1`;", &[]),
        (
            "const q = 'SELECT * FROM ' + tableFor(x) + ' WHERE id = 1';",
            &[],
        ),
        // Bound to two different values: ambiguous.
        (
            "let T = 'a';\nT = 'b';\nlet T = 'c';\nconst q = `SELECT * FROM ${T}`;",
            &[],
        ),
    ]);
}

#[test]
fn traps_yield_nothing() {
    check(&[
        ("// knex('orders')\n/* SELECT * FROM orders */", &[]),
        ("/** @Entity('orders') */\nconst x = 1;", &[]),
        ("console.log('SELECT * FROM orders');", &[]),
        ("logger.info(`SELECT * FROM orders WHERE id = ${id}`);", &[]),
        ("AuditLog.info('DELETE FROM orders');", &[]),
        (
            "Console.error('DELETE FROM orders'); WINSTON.warn('DELETE FROM orders');",
            &[],
        ),
        (
            "this.logger.warn('DELETE FROM orders', { q: 'SELECT * FROM items' });",
            &[],
        ),
        ("throw new QueryError('SELECT * FROM orders failed');", &[]),
        ("const msg = 'Select the orders from the list.';", &[]),
        (
            "const a = Array.from('orders'); const b = Buffer.from('orders', 'utf8');",
            &[],
        ),
        (
            "const s = items.join(', '); const p = path.join('orders', 'x');",
            &[],
        ),
        (
            "const orders = await getOrders();\norders.map((o) => o.id);",
            &[],
        ),
        (
            "const users = { orders: 1 }; const t = { name: 'orders' };",
            &[],
        ),
        // TypeORM relation joins name relations, not tables.
        (
            "repo.createQueryBuilder('u').leftJoin('u.profile', 'p')",
            &[],
        ),
        ("t.integer('order_id').references('id')", &[]),
        ("const html = <p>Don't select from orders</p>;", &[]),
        ("query.from(source)", &[]),
    ]);
    // A column named like a table is not the table.
    check(&[(
        "knex('users').select('orders').where('orders', '>', 1)",
        &[(Read, "users", "users")],
    )]);
}

#[test]
fn regex_and_division_do_not_derail_the_lexer() {
    check(&[
        (
            "const re = /[\"'`]/g;\nconst q = 'SELECT * FROM orders';",
            &[(Read, "orders", "orders")],
        ),
        (
            "const a = b / c; const q = 'SELECT * FROM orders'; const d = e / f;",
            &[(Read, "orders", "orders")],
        ),
        (
            "if (/^'/.test(s)) { x = `a${`b${'c'}`}`; }\nknex('orders')",
            &[(Read, "orders", "orders")],
        ),
    ]);
}

#[test]
fn robust_on_broken_input() {
    let e = extract(
        PATH,
        "const q = \"SELECT * FROM orders",
        &Context::default(),
    );
    assert!(e.accesses.is_empty());
    // An unterminated string ends at its line; the next line still counts.
    assert_eq!(
        found(PATH, "const s = 'unterminated\nknex('orders')"),
        vec![(Read, "orders".into(), "orders".into(), Confidence::High)]
    );
    let e = extract(PATH, "const q = `SELECT ${", &Context::default());
    assert_eq!(e.problems.len(), 1);
    let e = extract(PATH, "/* never closed", &Context::default());
    assert_eq!(e.problems.len(), 1);
    let nul = "knex('orders')\0\0;\0pool.query('SELECT * FROM items\0')";
    let got = found(PATH, nul);
    assert!(got.iter().any(|(k, t, _, _)| *k == Read && t == "orders"));
    // Every prefix of a tricky file lexes without panicking.
    let tricky = "import x from './a';\nconst é = `SELECT ${'q\\'' + /re[/]/} FROM orders`; // c\n@Entity()\nclass Ü {}";
    for (at, _) in tricky.char_indices() {
        let _ = extract(PATH, &tricky[..at], &Context::default());
    }
}

#[test]
fn deep_nesting_is_linear_and_stackless() {
    for (open, close) in [
        ("(", ")"),
        ("[", "]"),
        ("{", "}"),
        ("`${", "}`"),
        ("f(", ")"),
    ] {
        let src = format!(
            "{}knex('orders'){}",
            open.repeat(50_000),
            close.repeat(50_000)
        );
        let got = found(PATH, &src);
        assert!(
            got.iter().any(|(k, t, _, _)| *k == Read && t == "orders"),
            "nesting {open}"
        );
        // Unbalanced: openers only.
        let _ = extract(PATH, &open.repeat(50_000), &Context::default());
    }
}

#[test]
fn language_of_script_files() {
    use super::super::Language;
    for path in [
        "a/b.ts", "a/b.tsx", "b.js", "b.JSX", "b.mjs", "b.cjs", "b.mts", "b.cts", "b.d.ts",
    ] {
        assert_eq!(Language::of(path), Some(Language::TypeScript), "{path}");
    }
    assert_eq!(Language::of("db/schema.prisma"), Some(Language::Prisma));
    assert_eq!(Language::of("b.json"), None);
}

#[test]
fn language_helpers() {
    assert_eq!(snake_case("UserProfile"), "user_profile");
    assert_eq!(snake_case("HTTPRequest"), "http_request");
    assert_eq!(snake_case("Order2Item"), "order2_item");
    assert_eq!(
        resolve_relative("a/b/c.ts", "../d/./e").as_deref(),
        Some("a/d/e")
    );
    assert_eq!(resolve_relative("c.ts", "../x"), None);
    let n = parse_name("  shop.sales.orders AS o", 10);
    assert_eq!(
        n.map(|n| (n.table.database, n.table.schema, n.table.name, n.offset)),
        Some((
            Some("shop".to_string()),
            Some("sales".to_string()),
            "orders".to_string(),
            10 + 2 + 11
        ))
    );
    assert!(parse_name("a, b", 0).is_none());
    assert!(parse_name("", 0).is_none());
}

/// A module's exported constants are named by its path; the names it imports from
/// relative modules and could not fill are open.
#[test]
fn exported_constants_and_open_imports() {
    let src = "import Db, { ORDERS as O, Missing } from './tables.js';\nimport * as T from '../shared/names';\nimport { Lib } from 'some-package';\nexport const CARTS = 'carts';\nexport const HINT = 'pick the orders';\nconst LOCAL = 'order_items';\nexport const Tables = { items: 'order_items' };\nconst a = knex(O).select();\nconst b = `SELECT * FROM ${T.INVOICES}`;\nconst c = knex(Missing).select();\nconst d = knex(Lib).select();";
    let v = extract(PATH, src, &Context::default()).values;
    let defined: Vec<(&str, &str)> = v
        .defines
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        defined,
        [
            ("services/billing/src/repo#CARTS", "carts"),
            ("services/billing/src/repo#Tables.items", "order_items"),
        ]
    );
    assert_eq!(
        v.open,
        [
            "services/billing/shared/names#INVOICES",
            "services/billing/src/tables#Missing",
            "services/billing/src/tables#ORDERS",
        ]
    );
}

/// Constants other modules export fill the names imported from them: the access
/// sits where the query uses the name, its origin the definition's index. A name
/// imported from a package, or from a module that does not export it, stays a
/// hole.
#[test]
fn imported_constants_fill_holes() {
    let mut known = Known::default();
    known.insert("services/billing/src/tables#ORDERS", "orders", 4);
    known.insert("services/billing/shared/index#INVOICES", "invoices", 5);
    known.insert("services/billing/src/tables#CARTS", "carts", 6);
    let src = "import { ORDERS as O } from './tables';\nimport * as S from '../shared';\nimport { CARTS } from 'tables';\nconst a = knex(O).select();\nconst b = `DELETE FROM ${S.INVOICES} WHERE id = $1`;\nconst c = knex(CARTS).select();";
    let r = extract_with(PATH, src, &Context::default(), Some(&known));
    let got = crate::lang::table_rows(&r.accesses, src);
    assert_eq!(
        got,
        [
            (Read, "orders".to_string(), "O", Some(Place::Elsewhere(4))),
            (
                Write,
                "invoices".to_string(),
                "S.INVOICES",
                Some(Place::Elsewhere(5))
            ),
        ]
    );
}

/// TypeScript type arguments between a call's name and its `(` hide neither the call
/// nor a chain's root; a `<` that is a comparison stays one.
#[test]
fn generic_calls() {
    check(&[
        (
            "return this.bp\n  .database<sdk.IO.StoredEvent>('events')\n  .select('*')",
            &[(Read, "events", "events")],
        ),
        (
            "await knex<Order>('orders').insert(row)",
            &[(Write, "orders", "orders")],
        ),
        (
            "await pool.query<Array<Row>>('SELECT * FROM orders')",
            &[(Read, "orders", "orders")],
        ),
        (
            "const T = 'handoffs';\nthis.bp\n  .database<IHandoff>(T)\n  .select(`${T}.*`)\n  .leftJoin('srv_channel_users', `${T}.userId`, 'srv_channel_users.user_id')",
            &[
                (Read, "handoffs", "T"),
                (Read, "srv_channel_users", "srv_channel_users"),
            ],
        ),
        (
            "db.select('*').where<{ a: number }>({ a: 1 }).from('orders')",
            &[(Read, "orders", "orders")],
        ),
        // Comparisons are not type arguments.
        (
            "if (a < b && c > (d)) { f(e) }\nfor (let i = 0; i < n; i++) pool.query('SELECT * FROM orders')",
            &[(Read, "orders", "orders")],
        ),
        ("logger.info<string>('DELETE FROM orders')", &[]),
        ("const x = a < b > (c);", &[]),
    ]);
    for src in [
        "this.bp.database<Row>('events').where('a', 1)",
        "this.bp.database<IHandoff>(T).select('*').leftJoin('srv_channel_users', 'a', 'b')",
        "db.select('*').where<{ a: number }>({ a: 1 }).from('orders')",
    ] {
        let got = found(PATH, src);
        assert!(!got.is_empty(), "{src}");
        for (_, t, _, c) in got {
            if t != "T" {
                assert_eq!(c, Confidence::High, "{t} in {src}");
            }
        }
    }
}

/// Knex binds `this` to the builder in a `function` callback: a chain rooted at `this`
/// there is as sure as the chain around the callback. An arrow function's `this`, or a
/// callback of something that is no builder, proves nothing.
#[test]
fn this_in_builder_callbacks() {
    let nested = "return this.bp\n  .database<sdk.IO.StoredEvent>('events')\n  .select('*')\n  .andWhere(function() {\n    this.whereIn('id', function() {\n      this.max('id')\n        .from('events')\n        .where('type', 'text')\n    })\n  })";
    let got = found(PATH, nested);
    assert_eq!(
        got,
        vec![
            (Read, "events".into(), "events".into(), Confidence::High),
            (Read, "events".into(), "events".into(), Confidence::High),
        ]
    );
    for (src, want) in [
        (
            "knex('a').where(function () { this.select('id').from('orders') })",
            Confidence::High,
        ),
        (
            "knex('a').whereIn('id', function sub(qb) { this.select('id').from('orders') })",
            Confidence::High,
        ),
        (
            "knex('a').where(() => { this.select('id').from('orders') })",
            Confidence::Low,
        ),
        (
            "items.forEach(function () { this.select('id').from('orders') })",
            Confidence::Low,
        ),
        (
            "knex('a').where(function () { if (x) { this.select('id').from('orders') } })",
            Confidence::Low,
        ),
        (
            "function f() { this.select('id').from('orders') }",
            Confidence::Low,
        ),
    ] {
        assert_eq!(confidence(src, "orders"), Some(want), "{src}");
    }
}

/// A `const` bound to a conditional whose every outcome is a literal is a known value:
/// a hole naming it is each outcome in turn, so the statement parses and its tables are
/// sure. A name bound otherwise, or twice, stays an unknown hole.
#[test]
fn conditional_constants_fill_holes() {
    let broadcast = "const whereClause = this.knex.isLite\n  ? _.isNil(tz)\n    ? \"where json_extract(attributes, '$.timezone') IS NULL\"\n    : \"where json_extract(attributes, '$.timezone') = :tz\"\n  : _.isNil(tz)\n  ? \"where attributes->> 'timezone' IS NULL\"\n  : \"where cast (attributes->> 'timezone' as integer) = :tz\"\n\nconst sql = `insert into outbox (\"userId\")\n  select userId from (\n    select id as userId\n    from srv_channel_users as scu\n    inner join bot_chat_users as bcu on bcu.\"userId\" = scu.user_id\n    ${whereClause}\n    and bcu.\"botId\" = :botId\n  ) as q1`\n\nreturn this.knex.raw(sql, { botId })";
    let got = found(PATH, broadcast);
    let mut want = vec![
        (
            Write,
            "outbox".to_string(),
            "outbox".to_string(),
            Confidence::High,
        ),
        (
            Read,
            "srv_channel_users".into(),
            "srv_channel_users".into(),
            Confidence::High,
        ),
        (
            Read,
            "bot_chat_users".into(),
            "bot_chat_users".into(),
            Confidence::High,
        ),
    ];
    let mut got_sorted = got.clone();
    got_sorted.sort();
    want.sort();
    assert_eq!(got_sorted, want);
    check(&[
        (
            "const w = a ? 'where a = 1' : 'where b = 2';\nconst q = `select o.id from orders o join items i on i.o = o.id ${w} and o.x = 1`;",
            &[(Read, "orders", "orders"), (Read, "items", "items")],
        ),
        (
            "const w = a ? 'where a = 1' : 'where b = 2';\nconst q = 'select o.id from orders o join items i on i.o = o.id ' + w + ' and o.x = 1';",
            &[(Read, "orders", "orders"), (Read, "items", "items")],
        ),
        // Every outcome is a table the program may use: each is reported at the hole.
        (
            "const t = big ? 'orders' : 'order_archive';\nconst q = `DELETE FROM ${t} WHERE id = $1`;",
            &[(Write, "orders", "t"), (Write, "order_archive", "t")],
        ),
    ]);
    // Unknown holes stay unknown: a `let`, a name declared twice, a condition over a
    // line break (the next statement), too many combinations, a non-literal outcome.
    let shape =
        "\nconst q = `select o.id from orders o join items i on i.o = o.id ${w} and o.x = 1`;";
    for decl in [
        "let w = a ? 'where a = 1' : 'where b = 2';",
        "function f() { const w = a ? 'where a = 1' : 'where b = 2' }\nfunction g() { const w = a ? 'where c = 1' : 'where d = 2' }",
        "const w = f(a)\nreturn b ? 'where a = 1' : 'where b = 2'",
        "const w = a ? 'where a = 1' : b;",
        "const w = a ? `where ${a}` : 'where b = 2';",
        "const w = { a: 'where a = 1' };",
    ] {
        let src = format!("{decl}{shape}");
        assert!(
            found(PATH, &src).iter().all(|(_, t, _, _)| t != "orders"),
            "{src}"
        );
    }
    let many = "const a = x ? 'where a = 1' : y ? 'where a = 2' : 'where a = 3';\nconst b = x ? 'and b = 1' : y ? 'and b = 2' : 'and b = 3';\nconst q = `select o.id from orders o join items i on i.o = o.id ${a} ${b} and o.x = 1`;";
    assert!(found(PATH, many).iter().all(|(_, t, _, _)| t != "orders"));
}
