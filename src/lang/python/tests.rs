use super::*;
use crate::lang::script::testing::{self, Expect};
use crate::model::{AccessKind, Place};

/// [`super::extract_with`], asserting on the way that reading every statement gives
/// the same (see [`skipping_valueless_statements_changes_nothing`]): every test here
/// goes through it, so every table below is also an oracle case for the shortcut.
fn extract_with(path: &str, src: &str, ctx: &Context, known: Option<&Known>) -> Extracted {
    let got = super::extract_with(path, src, ctx, known);
    let every = extract_every_statement(path, src, ctx, known);
    assert_eq!(got, every, "the shortcut changed what was found in:\n{src}");
    got
}

/// [`super::extract`], checked against reading every statement like [`extract_with`].
fn extract(path: &str, src: &str, ctx: &Context) -> Extracted {
    extract_with(path, src, ctx, None)
}

fn run(path: &str, src: &str) -> Vec<(AccessKind, String, String)> {
    testing::accesses(extract, path, src)
}

fn check(path: &str, cases: &[(&str, &[Expect<'_>])]) {
    testing::check(extract, path, cases);
}

use AccessKind::{Ddl, ForeignKey as Fk, Import, Model, Read, Write};

#[test]
fn orm_shapes() {
    check(
        "orders/models.py",
        &[
            (
                "class Order(Base):\n    __tablename__ = \"orders\"\n    id = Column(Integer)\n",
                &[(Model, "orders", "orders")],
            ),
            (
                "class Order(Base):\n    __table_args__ = {\"schema\": \"billing\"}\n    __tablename__ = 'invoices'\n",
                &[(Model, "billing.invoices", "invoices")],
            ),
            (
                "class Order(Base):\n    __tablename__ = 'invoices'\n    __table_args__ = (\n        UniqueConstraint('a', 'b'),\n        {'schema': 'billing'},\n    )\n",
                &[(Model, "billing.invoices", "invoices")],
            ),
            (
                "orders = Table(\"orders\", metadata, Column(\"id\", Integer))\n",
                &[(Model, "orders", "orders")],
            ),
            (
                "t = sa.Table('orders', meta, sa.Column('id'), schema='shop')\n",
                &[(Model, "shop.orders", "orders")],
            ),
            (
                "customer_id = Column(Integer, ForeignKey(\"customers.id\"))\n",
                &[(Fk, "customers", "customers")],
            ),
            (
                "cid = sa.Column(sa.ForeignKey('crm.customers.id', ondelete='CASCADE'))\n",
                &[(Fk, "crm.customers", "customers")],
            ),
            (
                "x = ForeignKeyConstraint(['cid'], ['customers.id'])\n",
                &[(Fk, "customers", "customers")],
            ),
            (
                "class Order(models.Model):\n    total = models.IntegerField()\n\n    class Meta:\n        db_table = \"orders\"\n",
                &[(Model, "orders", "orders")],
            ),
            (
                "class Invoice(models.Model):\n    class Meta:\n        db_table = '\"billing\".\"invoices\"'\n",
                &[(Model, "billing.invoices", "invoices")],
            ),
            (
                "class Meta: db_table = 'orders'\n",
                &[(Model, "orders", "orders")],
            ),
        ],
    );
}

#[test]
fn orm_traps() {
    check(
        "orders/models.py",
        &[
            // Comments and docstrings.
            ("# __tablename__ = \"orders\"\nx = 1\n", &[]),
            (
                "class A:\n    \"\"\"__tablename__ = 'orders' and Table('orders', meta, x)\"\"\"\n",
                &[],
            ),
            // Django model references are not tables.
            (
                "from django.db import models\nclass A(models.Model):\n    o = models.ForeignKey(\"shop.Order\", on_delete=models.CASCADE)\n    c = ForeignKey('crm.Customer')\n",
                &[(Import, "pkg:django.db", "django.db")],
            ),
            ("o = ForeignKey(Order, on_delete=CASCADE)\n", &[]),
            // A column named like a table, identifiers named like tables.
            (
                "amount = Column(\"orders\", Integer)\norders = get_orders()\n",
                &[],
            ),
            // `db_table` outside `class Meta`, rich tables.
            ("db_table = \"orders\"\n", &[]),
            (
                "t = Table(\"Name\", \"Age\")\nu = Table(title=\"orders\")\n",
                &[],
            ),
            ("t = Table(\"orders\")\n", &[]),
            // Log calls never count.
            (
                "print(Table('orders', metadata))\nlogger.info(ForeignKey('orders.id'))\n",
                &[],
            ),
        ],
    );
}

#[test]
fn alembic_operations() {
    let up = |body: &str| format!("def upgrade():\n    {body}\n");
    let cases = [
        (
            up("op.create_table('orders', sa.Column('id', sa.Integer))"),
            vec![(Ddl, "orders", "orders")],
        ),
        (
            up("op.create_table(\"orders\", schema=\"shop\")"),
            vec![(Ddl, "shop.orders", "orders")],
        ),
        (
            up("op.drop_table('orders')"),
            vec![(Ddl, "orders", "orders")],
        ),
        (
            up("op.add_column('orders', sa.Column('x', sa.Text))"),
            vec![(Ddl, "orders", "orders")],
        ),
        (
            up("op.drop_column('orders', 'x')"),
            vec![(Ddl, "orders", "orders")],
        ),
        (
            up("op.alter_column('orders', 'x', nullable=True)"),
            vec![(Ddl, "orders", "orders")],
        ),
        (
            up("op.rename_table('orders', 'purchases')"),
            vec![(Ddl, "orders", "orders"), (Ddl, "purchases", "purchases")],
        ),
        (
            up("op.create_index('ix_orders_x', 'orders', ['x'])"),
            vec![(Ddl, "orders", "orders")],
        ),
        (
            up("op.drop_index(op.f('ix_x'), table_name='orders')"),
            vec![(Ddl, "orders", "orders")],
        ),
        (
            up("op.create_foreign_key('fk', 'orders', 'customers', ['cid'], ['id'])"),
            vec![(Ddl, "orders", "orders"), (Fk, "customers", "customers")],
        ),
        (
            up("with op.batch_alter_table('orders') as b:\n        b.add_column(c)"),
            vec![(Ddl, "orders", "orders")],
        ),
        (
            "ORDERS = 'orders'\n\ndef upgrade():\n    op.create_table(ORDERS, sa.Column('id'))\n"
                .to_string(),
            vec![(Ddl, "orders", "ORDERS")],
        ),
    ];
    for (src, want) in cases {
        let want: Vec<(AccessKind, String, String)> = want
            .into_iter()
            .map(|(k, n, t)| (k, n.into(), t.into()))
            .collect();
        assert_eq!(run("db/versions/0001_x.py", &src), want, "{src}");
    }
}

#[test]
fn downgrade_bodies_do_not_count_in_versions() {
    let src = "def upgrade():\n    op.add_column('orders', c)\n\ndef downgrade():\n    op.drop_column('orders', 'x')\n    op.drop_table('customers')\n\ndef later():\n    op.drop_table('invoices')\n";
    let got = run("migrations/versions/0002.py", src);
    let names: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
    assert_eq!(names, ["orders", "invoices"]);
    assert_eq!(
        &src[src.find("'orders'").map_or(0, |p| p + 1)..][..6],
        "orders"
    );
    // Outside a versions/ directory a function named downgrade is ordinary code.
    assert_eq!(run("app/ops.py", src).len(), 4);
}

#[test]
fn imports() {
    check(
        "svc/orders/api/views.py",
        &[
            (
                "import orders.models\n",
                &[(Import, "pkg:orders.models", "orders.models")],
            ),
            (
                "from billing.client import Client, make\n",
                &[(Import, "pkg:billing.client", "billing.client")],
            ),
            (
                "import a.b as c, d\n",
                &[(Import, "pkg:a.b", "a.b"), (Import, "pkg:d", "d")],
            ),
            (
                "from . import models, serializers as s\n",
                &[
                    (Import, "path:svc/orders/api/models", "models"),
                    (Import, "path:svc/orders/api/serializers", "serializers"),
                ],
            ),
            (
                "from ..billing.api import x\n",
                &[(Import, "path:svc/orders/billing/api", "..billing.api")],
            ),
            (
                "from .helpers import (\n    a,\n    b,\n)\n",
                &[(Import, "path:svc/orders/api/helpers", ".helpers")],
            ),
            (
                "import os, sys\nfrom typing import List\nfrom __future__ import annotations\n",
                &[],
            ),
            (
                "def f():\n    import payments.sdk\n",
                &[(Import, "pkg:payments.sdk", "payments.sdk")],
            ),
            // Imports in strings and comments are prose.
            ("# import payments\nx = 'from payments import sdk'\n", &[]),
            // Too many dots climbs out of the repository: ignored.
            ("from ...... import x\n", &[]),
        ],
    );
}

#[test]
fn sql_in_strings() {
    check(
        "orders/repo.py",
        &[
            (
                "cursor.execute(\"SELECT id FROM orders WHERE id = %s\", (1,))\n",
                &[(Read, "orders", "orders")],
            ),
            (
                "rows = session.execute(text('UPDATE customers SET x = 1'))\n",
                &[(Write, "customers", "customers")],
            ),
            (
                "q = (\"SELECT o.id \"\n     \"FROM orders o JOIN order_items i ON i.oid = o.id\")\n",
                &[
                    (Read, "orders", "orders"),
                    (Read, "order_items", "order_items"),
                ],
            ),
            (
                "q = \"SELECT o.id \" + \"FROM orders o\"\n",
                &[(Read, "orders", "orders")],
            ),
            (
                "df = pd.read_sql(\"SELECT * FROM orders\", conn)\n",
                &[(Read, "orders", "orders")],
            ),
            (
                "Order.objects.raw('SELECT * FROM orders')\n",
                &[(Read, "orders", "orders")],
            ),
            (
                "Q = \"\"\"\n    DELETE FROM orders\n    WHERE id = :id\n\"\"\"\n",
                &[(Write, "orders", "orders")],
            ),
            (
                "def upgrade():\n    op.execute('DROP TABLE legacy_orders')\n",
                &[(Ddl, "legacy_orders", "legacy_orders")],
            ),
            // An escape before the name keeps the offset exact.
            (
                "q = \"SELECT *\\n\\tFROM orders\"\n",
                &[(Read, "orders", "orders")],
            ),
            (
                "conn.exec_driver_sql(r'SELECT * FROM orders')\n",
                &[(Read, "orders", "orders")],
            ),
        ],
    );
}

#[test]
fn templated_sql_resolves_visible_constants() {
    let src = "ORDERS_TABLE = \"orders\"\n\ndef f(c, t):\n    c.execute(f\"SELECT * FROM {ORDERS_TABLE} WHERE id = 1\")\n    c.execute(f\"SELECT * FROM {t}\")\n    c.execute(\"DELETE FROM \" + ORDERS_TABLE)\n";
    let got = extract("orders/repo.py", src, &Context::default()).accesses;
    let at = src.find("\"orders\"").map_or(0, |p| p + 1);
    assert_eq!(got.len(), 2, "{got:?}");
    for a in &got {
        // Both point where the query uses the constant; the origin is its literal.
        assert_eq!(&src[a.offset..a.offset + a.len], "ORDERS_TABLE");
        let origin = a.origin.as_ref().map(|o| (o.name.as_str(), o.place));
        assert_eq!(
            origin,
            Some(("ORDERS_TABLE", Place::Here { offset: at, len: 6 }))
        );
    }
    assert_eq!(
        got.iter().map(|a| a.kind).collect::<Vec<_>>(),
        [Read, Write]
    );
}

#[test]
fn percent_and_format_templates() {
    let src = "T = 'orders'\nc.execute('SELECT * FROM %s WHERE id = %s' % (T, x))\nc.execute(\"DELETE FROM {t} WHERE a = {}\".format(1, t=T))\nc.execute('SELECT * FROM {}'.format(other))\nc.execute('SELECT * FROM %(t)s' % params)\n";
    let got = run("orders/repo.py", src);
    assert_eq!(
        got,
        [
            (Read, "orders".to_string(), "%s".to_string()),
            (Write, "orders".to_string(), "{t}".to_string()),
        ]
    );
    // The placeholders are labelled; the constant is the origin of both.
    let at = src.find("orders").unwrap_or(0);
    let origins: Vec<Option<Place>> = extract("orders/repo.py", src, &Context::default())
        .accesses
        .iter()
        .map(|a| a.origin.as_ref().map(|o| o.place))
        .collect();
    let here = Some(Place::Here { offset: at, len: 6 });
    assert_eq!(origins, [here, here]);
}

#[test]
fn sql_traps() {
    check(
        "orders/repo.py",
        &[
            // Docstrings and bare string statements.
            (
                "def f():\n    \"\"\"SELECT * FROM orders\"\"\"\n    return 1\n",
                &[],
            ),
            ("'''DELETE FROM orders'''\n", &[]),
            // Comments.
            ("x = 1  # SELECT * FROM orders\n", &[]),
            // Log and print calls.
            ("logger.info(\"SELECT * FROM orders\")\n", &[]),
            ("print(f\"DELETE FROM orders {x}\")\n", &[]),
            ("logging.warning('UPDATE orders SET a = 1')\n", &[]),
            ("self.log.debug('q=%s', 'SELECT * FROM orders')\n", &[]),
            ("self.Logger.info(\"DELETE FROM orders\")\n", &[]),
            ("LOG.error('DELETE FROM orders')\n", &[]),
            // Prose that mentions a table.
            ("msg = \"select the orders from the list\"\n", &[]),
            // A template whose table is not a visible constant is not guessed.
            ("c.execute(f\"SELECT * FROM {table}\")\n", &[]),
            // `{{` is a literal brace, not a hole.
            ("s = f\"{{orders}}\"\n", &[]),
        ],
    );
}

#[test]
fn robust_on_hostile_input() {
    let ctx = Context::default();
    let deep = format!("x = {}\n__tablename__ = 'a'", "(".repeat(50_000));
    let _ = extract("a.py", &deep, &ctx);
    let balanced = format!(
        "x = {}{}\nclass A:\n    __tablename__ = 'a'\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let got = run("a.py", &balanced);
    assert_eq!(got, [(Model, "a".to_string(), "a".to_string())]);
    for src in [
        "x = \"SELECT * FROM orders",
        "x = '''SELECT * FROM orders",
        "x = f\"{",
        "x = f'''{'",
        "x = '\\",
        "x = \"\\x4\"",
        "x = \"\\N{",
        "from",
        "import",
        "from . import",
        "op.create_table(",
        "\0\0__tablename__\0= '\0'",
        "class Meta:\n db_table = 'é\u{301}'\n",
        "ForeignKey('.')\nForeignKey('a..b')\n",
    ] {
        let out = extract("db/versions/a.py", src, &ctx);
        for a in &out.accesses {
            assert!(a.offset + a.len <= src.len() && src.is_char_boundary(a.offset));
        }
    }
    // An unterminated string stops at its line: the next line is still code.
    let got = run(
        "a.py",
        "x = 'oops\nclass A:\n    __tablename__ = 'orders'\n",
    );
    assert_eq!(got, [(Model, "orders".to_string(), "orders".to_string())]);
}

#[test]
fn language_of_python_files() {
    use crate::lang::Language;
    assert_eq!(Language::of("svc/app/models.py"), Some(Language::Python));
    assert_eq!(Language::of("svc/app/MODELS.PY"), Some(Language::Python));
    assert_eq!(Language::of("svc/app/models.pyi"), None);
}

/// Regression: a stray `]` or `}` before the `)` of `"..".format(` made the argument
/// scan loop forever (found by random fragments; tests/fuzz.rs now covers them).
#[test]
fn format_arguments_with_stray_closers_end() {
    for src in [
        "q = \"SELECT * FROM {}\".format(]T)\n",
        "q = \"SELECT * FROM {}\".format(}T, ])\n",
        "q = \"SELECT * FROM {}\".format(T]\n",
    ] {
        let out = extract("svc/q.py", src, &Context::default());
        assert!(
            out.accesses.iter().all(|a| a.offset + a.len <= src.len()),
            "{src}"
        );
    }
}

#[test]
fn markers_are_specific() {
    assert!(MARKERS.iter().all(|m| m.len() >= 6));
    assert!(MARKERS.contains(&"__tablename__"));
}

const REPO: &str = "services/billing/app/repo.py";

/// A module's constants bound once at module level to a table name are defined by its
/// path; imported names used without a value are open, named by the module as the
/// import writes it (a relative one joined onto the package).
#[test]
fn module_constants_and_open_imports() {
    let src = "from .db.tables import ORDERS as O\nfrom ..shared import names\nfrom app.db import tables\nimport app.db.tables as t\nimport app.other\nCARTS = 'carts'\nITEMS: str = \"order_items\"\nHINT = 'pick some orders'\nMOVED = 'a'\nMOVED = 'b'\nPATTERN = 'orders_%s'\nclass K:\n    INNER = 'orders'\ndef f(c):\n    LOCAL = 'orders'\n    c.execute(f'SELECT * FROM {O}')\n    c.execute('SELECT * FROM ' + names.INVOICES)\n    c.execute('SELECT * FROM {}'.format(tables.CARTS))\n    c.execute('SELECT * FROM %s' % t.ORDERS)\n    c.execute(f'SELECT * FROM {app.other.T}')\n";
    let v = extract(REPO, src, &Context::default()).values;
    let defined: Vec<(&str, &str, &str)> = v
        .defines
        .iter()
        .map(|d| {
            let at = &src[d.offset..d.offset + d.len];
            (d.name.as_str(), d.value.as_str(), at)
        })
        .collect();
    assert_eq!(
        defined,
        [
            ("services/billing/app/repo.py#CARTS", "carts", "carts"),
            (
                "services/billing/app/repo.py#ITEMS",
                "order_items",
                "order_items"
            ),
        ]
    );
    assert_eq!(
        v.open,
        [
            "/services/billing/app/db/tables#ORDERS",
            "/services/billing/shared/names#INVOICES",
            "app.db.tables#CARTS",
            "app.db.tables#ORDERS",
            "app.other#T",
        ]
    );
}

/// Other modules' constants fill the names imported from them, in every template
/// form: the access sits where the query uses the name, its origin the definition's
/// index. Names not handed over, shadowed, imported twice differently or used in
/// prose stay unknown.
#[test]
fn imported_constants_fill_holes() {
    let mut known = crate::lang::values::Known::default();
    known.insert("/services/billing/app/db/tables#ORDERS", "orders", 1);
    known.insert("app.db.tables#ITEMS", "order_items", 2);
    known.insert("app.db.tables#CARTS", "carts", 3);
    known.insert("app.db#ORDERS", "orders", 4);
    let imports = "from .db.tables import ORDERS\nfrom app.db.tables import ITEMS as I\nfrom app.db import tables\nimport app.db.tables as t\nimport app.db.tables\n";
    type Row<'s> = (AccessKind, &'s str, &'s str, Option<Place>);
    let flag: &[(&str, &[Row<'_>])] = &[
        (
            "c.execute(f'SELECT * FROM {ORDERS}')",
            &[(Read, "orders", "ORDERS", Some(Place::Elsewhere(1)))],
        ),
        (
            "c.execute('DELETE FROM ' + I + ' WHERE id = %s', (x,))",
            &[(Write, "order_items", "I", Some(Place::Elsewhere(2)))],
        ),
        (
            "c.execute('SELECT * FROM {}'.format(tables.CARTS))",
            &[(Read, "carts", "{}", Some(Place::Elsewhere(3)))],
        ),
        (
            "c.execute('SELECT * FROM {t}'.format(t=t.CARTS))",
            &[(Read, "carts", "{t}", Some(Place::Elsewhere(3)))],
        ),
        (
            "c.execute('SELECT * FROM %s WHERE a = %s' % (t.ITEMS, x))",
            &[(Read, "order_items", "%s", Some(Place::Elsewhere(2)))],
        ),
        (
            "c.execute('SELECT * FROM ' + tables.ITEMS)",
            &[(
                Read,
                "order_items",
                "tables.ITEMS",
                Some(Place::Elsewhere(2)),
            )],
        ),
        (
            "c.execute(f'SELECT * FROM {app.db.tables.CARTS}')",
            &[(
                Read,
                "carts",
                "app.db.tables.CARTS",
                Some(Place::Elsewhere(3)),
            )],
        ),
    ];
    let silent: &[&str] = &[
        // Not handed over: unknown.
        "c.execute(f'SELECT * FROM {tables.MISSING}')",
        "c.execute(f'SELECT * FROM {t}')",
        "c.execute(f'SELECT * FROM {unknown.CARTS}')",
        // Prose.
        "log.info(f'reading {ORDERS}')",
        "raise ValueError(f'no {tables.CARTS} here')",
        // Bound in this file too: the import is not the value.
        "ORDERS = make()\nc.execute(f'SELECT * FROM {ORDERS}')",
        // A parameter, a loop target or an `as` target hides the import.
        "def f(c, ORDERS):\n    c.execute(f'SELECT * FROM {ORDERS}')",
        "def f(c, t=None):\n    c.execute(f'SELECT * FROM {t.CARTS}')",
        "for tables in x:\n    c.execute(f'SELECT * FROM {tables.CARTS}')",
        "with open(p) as I:\n    c.execute('SELECT * FROM ' + I)",
        // Bound by two different imports.
        "from app.db import ORDERS\nc.execute(f'SELECT * FROM {ORDERS}')",
    ];
    let rows = |src: &str| -> Vec<(AccessKind, String, String, Option<Place>)> {
        let full = format!("{imports}{src}\n");
        extract_with(REPO, &full, &Context::default(), Some(&known))
            .accesses
            .into_iter()
            .filter_map(|a| match &a.target {
                crate::model::Target::Table(t) => Some((
                    a.kind,
                    t.name.clone(),
                    full[a.offset..a.offset + a.len].to_string(),
                    a.origin.as_ref().map(|o| o.place),
                )),
                crate::model::Target::Import(_) => None,
            })
            .collect()
    };
    for (src, want) in flag {
        let want: Vec<_> = want
            .iter()
            .map(|(k, n, t, o)| (*k, n.to_string(), t.to_string(), *o))
            .collect();
        assert_eq!(rows(src), want, "{src}");
    }
    for src in silent {
        assert_eq!(rows(src), [], "{src}");
    }
}

/// The shortcut of `Extractor::simple` (statements with no string literal and no
/// constant are not read) finds what reading every statement finds, on code where
/// most statements are valueless: calls on names, imported constants used bare
/// (filled or not), chains and assignments between strings. The tables above go
/// through the same comparison ([`extract_with`]), and so do the Python precision
/// cases (`lang::precision_tests`).
#[test]
fn skipping_valueless_statements_changes_nothing() {
    let mut known = crate::lang::values::Known::default();
    known.insert("app.db.tables#ORDERS", "orders", 1);
    known.insert("app.db.tables#QUERY", "SELECT * FROM orders", 2);
    let src = "from app.db.tables import ORDERS, QUERY\nfrom app.db import tables\nLOCAL = 'orders'\nLOCAL_QUERY = 'SELECT * FROM orders'\nq = LOCAL\ndef f(c, x):\n    c.execute(QUERY)\n    c.execute(LOCAL_QUERY)\n    op.drop_table(LOCAL)\n    c.execute(tables.QUERY)\n    c.execute(q)\n    session.query(Order).filter(Order.id == x).all()\n    Order.objects.filter(id=x).delete()\n    c.execute(sql)\n    op.drop_table(ORDERS)\n    t = Table(ORDERS, metadata)\n    cursor.execute(build(ORDERS))\n    return c.fetchall()\nclass Order(Base):\n    __tablename__ = ORDERS\nclass Item(Base):\n    __tablename__ = LOCAL\n    id = Column(Integer, ForeignKey(tables.ORDERS))\n";
    for path in ["app/repo.py", "db/versions/0001_x.py"] {
        for known in [None, Some(&known)] {
            extract_with(path, src, &Context::default(), known);
        }
    }
}

#[test]
fn django_migration_operations() {
    let m = |ops: &str| {
        format!(
            "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n{ops}\n    ]\n"
        )
    };
    let dj = (Import, "pkg:django.db", "django.db");
    let cases: Vec<(String, Vec<Expect<'_>>)> = vec![
        (
            m("        migrations.CreateModel(name='Order', fields=[('id', models.AutoField(primary_key=True))], options={'db_table': 'orders'}),"),
            vec![dj, (Ddl, "orders", "orders")],
        ),
        // Django's default: `<app label>_<model name lowercased>`.
        (
            m("        migrations.CreateModel(\n            name='OrderItem',\n            fields=[('id', models.AutoField())],\n        ),"),
            vec![dj, (Ddl, "orders_orderitem", "OrderItem")],
        ),
        (
            m("        migrations.CreateModel('Order', [], {'ordering': ['id'], 'db_table': 'orders'}),"),
            vec![dj, (Ddl, "orders", "orders")],
        ),
        (
            m("        migrations.AlterModelTable(name='order', table='purchases'),"),
            vec![dj, (Ddl, "purchases", "purchases")],
        ),
        // A model this file created is dropped under its table.
        (
            m("        migrations.CreateModel(name='Order', fields=[], options={'db_table': 'orders'}),\n        migrations.DeleteModel(name='Order'),"),
            vec![dj, (Ddl, "orders", "orders"), (Ddl, "orders", "Order")],
        ),
        (
            m("        migrations.DeleteModel('Invoice'),"),
            vec![dj, (Ddl, "orders_invoice", "Invoice")],
        ),
        // Imported bare from Django.
        (
            "from django.db.migrations import CreateModel\nops = [CreateModel(name='Order', fields=[])]\n".to_string(),
            vec![
                (Import, "pkg:django.db.migrations", "django.db.migrations"),
                (Ddl, "orders_order", "Order"),
            ],
        ),
        // RunSQL is a SQL sink.
        (
            m("        migrations.RunSQL('CREATE TABLE audit (id int)', reverse_sql='DROP TABLE audit'),"),
            vec![dj, (Ddl, "audit", "audit")],
        ),
    ];
    for (src, want) in cases {
        let want: Vec<(AccessKind, String, String)> = want
            .into_iter()
            .map(|(k, n, t)| (k, n.into(), t.into()))
            .collect();
        assert_eq!(
            run("shop/orders/migrations/0001_initial.py", &src),
            want,
            "{src}"
        );
    }
}

#[test]
fn django_migration_traps() {
    let op = "migrations.CreateModel(name='Order', fields=[])\n";
    // Outside a `migrations/` directory, or at a repository's root with no app.
    assert!(run("shop/orders/models.py", op).is_empty());
    assert!(run("migrations/0001_initial.py", op).is_empty());
    check(
        "shop/orders/migrations/0001_initial.py",
        &[
            // Another library's `CreateModel`, in a file not importing Django.
            (
                "api.CreateModel(name='Order')\nCreateModel(name='Order')\n",
                &[],
            ),
            // Comments, docstrings and log messages.
            (
                "# migrations.CreateModel(name='Order', fields=[])\nx = 1\n",
                &[],
            ),
            (
                "\"\"\"migrations.CreateModel(name='Order')\"\"\"\nlogger.info(\"migrations.CreateModel(name='Order')\")\n",
                &[],
            ),
            (
                "logger.info(migrations.CreateModel(name='Order', fields=[]))\n",
                &[],
            ),
            // A name that is not a plain literal; `db_table` outside `options`.
            ("migrations.CreateModel(name=f'{x}', fields=[])\n", &[]),
            (
                "migrations.CreateModel(name='Order', fields=[], managers={'db_table': 'x'}, options={})\n",
                &[(Ddl, "orders_order", "Order")],
            ),
            // Other dicts keep their values out of every table.
            ("x = {'db_table': 'orders'}\n", &[]),
        ],
    );
}

#[test]
fn django_app_labels() {
    for (path, want) in [
        ("shop/orders/migrations/0001_initial.py", Some("orders")),
        ("orders/migrations/0002_x.py", Some("orders")),
        ("migrations/0001.py", None),
        ("shop/orders/models.py", None),
        ("shop/migrations/orders/0001.py", None),
    ] {
        assert_eq!(super::django_app_label(path), want, "{path}");
    }
}
