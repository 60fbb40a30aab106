//! Tests of the Java and Kotlin extractor: must-flag and must-not-flag tables, offsets,
//! constants, robustness.

use super::*;
use crate::model::Confidence;

fn run_java(text: &str) -> Extracted {
    analyze_file_with(text, &Context::default(), None)
}

fn run_kt(text: &str) -> Extracted {
    analyze_kotlin_file_with(text, &Context::default(), None)
}

/// (kind, qualified name, text at the access's offset, confidence).
fn found(r: &Extracted, text: &str) -> Vec<(AccessKind, String, String, Confidence)> {
    crate::lang::clike::testing::described(r, text)
}

/// Java and Kotlin cases: (source, kotlin?, kind, name, text at offset).
type Case<'a> = (&'a str, bool, AccessKind, &'a str, &'a str);

fn check(cases: &[Case]) {
    for (src, kt, kind, name, at) in cases {
        let r = if *kt { run_kt(src) } else { run_java(src) };
        let f = found(&r, src);
        assert!(
            f.iter()
                .any(|(k, n, a, _)| k == kind && n == name && a == at),
            "{src:?}: expected {kind:?} {name} at {at:?}, got {f:?}"
        );
    }
}

#[test]
fn mappings_flag() {
    use AccessKind::*;
    check(&[
        (
            "@Entity\n@Table(name = \"orders\")\npublic class Order {}",
            false,
            Model,
            "orders",
            "orders",
        ),
        (
            "@Entity @Table(name = \"invoices\", schema = \"billing\") class Invoice {}",
            false,
            Model,
            "billing.invoices",
            "invoices",
        ),
        (
            "@javax.persistence.Table(name=\"orders\") class O {}",
            false,
            Model,
            "orders",
            "orders",
        ),
        (
            "@Table(\"orders\") class O {}",
            false,
            Model,
            "orders",
            "orders",
        ),
        (
            "@Table(name = \"\\\"Order\\\"\") class O {}",
            false,
            Model,
            "Order",
            "Order",
        ),
        (
            "class O { @ElementCollection @CollectionTable(name = \"order_tags\") Set<String> tags; }",
            false,
            Model,
            "order_tags",
            "order_tags",
        ),
        (
            "class O { @ManyToMany @JoinTable(name = \"order_coupons\", joinColumns = @JoinColumn(name = \"order_id\")) Set<Coupon> c; }",
            false,
            Model,
            "order_coupons",
            "order_coupons",
        ),
        (
            "@Entity @SecondaryTable(name=\"order_details\") class O {}",
            false,
            Model,
            "order_details",
            "order_details",
        ),
        (
            "@Entity\npublic class OrderItem {}",
            false,
            Model,
            "order_item",
            "OrderItem",
        ),
        (
            "@Entity(name = \"PurchaseOrder\")\npublic class Order {}",
            false,
            Model,
            "purchase_order",
            "PurchaseOrder",
        ),
        (
            "@Entity @Table(schema = \"sales\") public class Order {}",
            false,
            Model,
            "sales.order",
            "Order",
        ),
        (
            "class T { static final String T = \"orders\"; }\n@Table(name = T) class O {}",
            false,
            Model,
            "orders",
            "T",
        ),
        (
            "@Entity\n@Table(name = \"orders\")\ndata class Order(val id: Long)",
            true,
            Model,
            "orders",
            "orders",
        ),
        (
            "@Entity\nopen class OrderLine(val id: Long)",
            true,
            Model,
            "order_line",
            "OrderLine",
        ),
        (
            "class O { @field:JoinTable(name = \"order_coupons\") val c: Set<Coupon> = setOf() }",
            true,
            Model,
            "order_coupons",
            "order_coupons",
        ),
        (
            "object Orders : Table(\"orders\") { val id = integer(\"id\") }",
            true,
            Model,
            "orders",
            "orders",
        ),
        (
            "object Orders : LongIdTable(\"orders\")",
            true,
            Model,
            "orders",
            "orders",
        ),
        (
            "class R { Table<?> t = DSL.table(\"orders\"); }",
            false,
            Read,
            "orders",
            "orders",
        ),
        (
            "val t = table(\"billing.invoices\")",
            true,
            Read,
            "billing.invoices",
            "invoices",
        ),
        (
            "import com.acme.orders.model.Order;",
            false,
            Import,
            "com.acme.orders.model.Order",
            "com.acme.orders.model.Order",
        ),
        (
            "import com.acme.orders.model.*;",
            false,
            Import,
            "com.acme.orders.model.*",
            "com.acme.orders.model",
        ),
        (
            "import static com.acme.orders.Util.parse;",
            false,
            Import,
            "com.acme.orders.Util.parse",
            "com.acme.orders.Util.parse",
        ),
        (
            "package x\nimport com.acme.orders.model.Order as O\n",
            true,
            Import,
            "com.acme.orders.model.Order",
            "com.acme.orders.model.Order",
        ),
    ]);
}

#[test]
fn entity_confidence_is_low_and_tables_high() {
    let r = run_java("@Entity class Order {}\n@Entity @Table(name = \"x\") class X {}");
    let c: Vec<Confidence> = r.accesses.iter().map(|a| a.confidence).collect();
    assert_eq!(c, vec![Confidence::Low, Confidence::High]);
}

#[test]
fn mappings_that_do_not_flag() {
    let cases: &[(&str, bool)] = &[
        (
            "import java.util.List;\nimport jakarta.persistence.Entity;\nimport org.springframework.stereotype.Repository;",
            false,
        ),
        (
            "import kotlin.collections.List\nimport kotlinx.coroutines.flow.Flow",
            true,
        ),
        // Not an entity.
        ("@Service public class OrderService {}", false),
        ("@Embeddable class Address {}", false),
        ("val k = Order::class\nval j = Order::class.java", true),
        // `@Table` without a name and without `@Entity`.
        (
            "@Table(indexes = @Index(columnList = \"a\")) class X {}",
            false,
        ),
        // jOOQ names are not tables; a table built at run time is not guessed.
        (
            "class R { Name n = DSL.name(\"orders\"); Table<?> t = DSL.table(name); }",
            false,
        ),
        // Comments, Javadoc, prose.
        (
            "/** @Entity @Table(name = \"orders\") */ class X {}\n// @Table(name = \"orders\")",
            false,
        ),
        (
            "class X { String help = \"use @Table(name = orders)\"; }",
            false,
        ),
        // Identifiers named like tables.
        (
            "class X { List<Order> orders; int invoices = orders.size(); }",
            false,
        ),
    ];
    for (src, kt) in cases {
        let r = if *kt { run_kt(src) } else { run_java(src) };
        assert!(r.accesses.is_empty(), "{src:?}: {:?}", found(&r, src));
    }
}

#[test]
fn sql_in_strings() {
    use AccessKind::*;
    check(&[
        (
            "class R { void f() { jdbcTemplate.query(\"SELECT id FROM orders WHERE id = ?\", mapper, id); } }",
            false,
            Read,
            "orders",
            "orders",
        ),
        (
            "class R { void f() { jdbc.update(\"UPDATE carts SET total = ?\", t); } }",
            false,
            Write,
            "carts",
            "carts",
        ),
        (
            "class R { void f() { namedParameterJdbcTemplate.queryForList(\"SELECT * FROM invoices\", params); } }",
            false,
            Read,
            "invoices",
            "invoices",
        ),
        (
            "class R { void f() { conn.prepareStatement(\"DELETE FROM sessions WHERE id = ?\"); } }",
            false,
            Write,
            "sessions",
            "sessions",
        ),
        (
            "class R { void f() { st.executeQuery(\"SELECT 1 FROM orders\"); } }",
            false,
            Read,
            "orders",
            "orders",
        ),
        (
            "class R { void f() { em.createNativeQuery(\"SELECT * FROM payments\"); } }",
            false,
            Read,
            "payments",
            "payments",
        ),
        (
            "class R { void f() { jdbcTemplate.query(\"SELECT o.id \" +\n \"FROM orders o JOIN order_items i ON i.order_id = o.id\", m); } }",
            false,
            Read,
            "order_items",
            "order_items",
        ),
        (
            "interface R { @Query(value = \"SELECT * FROM orders WHERE status = ?1\", nativeQuery = true) List<Order> f(String s); }",
            false,
            Read,
            "orders",
            "orders",
        ),
        (
            "class R { private static final String T = \"restaurants\";\n void f() { jdbc.query(String.format(\"SELECT * FROM %s WHERE id = ?\", T), m); } }",
            false,
            Read,
            "restaurants",
            "T",
        ),
        (
            "class R { String q = \"\"\"\n    SELECT id\n    FROM orders\n    \"\"\"; }",
            false,
            Read,
            "orders",
            "orders",
        ),
        (
            "const val T = \"restaurants\"\nfun f() { jdbc.query(\"SELECT * FROM ${T} WHERE id = ?\", m) }",
            true,
            Read,
            "restaurants",
            "T",
        ),
        (
            "const val T = \"restaurants\"\nfun f() { jdbc.update(\"DELETE FROM $T WHERE id = ?\", id) }",
            true,
            Write,
            "restaurants",
            "T",
        ),
        (
            "fun f() { jdbc.query(\"\"\"\n  SELECT *\n  FROM orders\n\"\"\".trimIndent(), m) }",
            true,
            Read,
            "orders",
            "orders",
        ),
        (
            "const val T = \"restaurants\"\nfun f() = jdbc.query(\"SELECT * FROM %s\".format(T), m)",
            true,
            Read,
            "restaurants",
            "T",
        ),
        (
            "class R { static final String T = \"restaurants\";\n void f() { jdbc.update(\"DELETE FROM %s\".formatted(T)); } }",
            false,
            Write,
            "restaurants",
            "T",
        ),
        (
            "class M { @Select(\"SELECT * FROM orders WHERE id = #{id}\") Order get(long id); }",
            false,
            Read,
            "orders",
            "orders",
        ),
    ]);
}

#[test]
fn sql_traps_do_not_flag() {
    let cases: &[(&str, bool)] = &[
        // JPQL names entities.
        (
            "interface R { @Query(\"SELECT o FROM Order o WHERE o.status = ?1\") List<Order> f(String s); }",
            false,
        ),
        (
            "class R { void f() { em.createQuery(\"DELETE FROM orders o\").executeUpdate(); } }",
            false,
        ),
        // Logs and prints.
        (
            "class R { void f() { log.info(\"SELECT * FROM orders took {}\", ms); } }",
            false,
        ),
        (
            "class R { void f() { LOGGER.warn(\"DELETE FROM orders\"); } }",
            false,
        ),
        (
            "class R { void f() { System.out.println(\"SELECT * FROM orders\"); } }",
            false,
        ),
        ("fun f() { println(\"SELECT * FROM orders\") }", true),
        (
            "fun f() { logger.debug { \"SELECT * FROM orders\" } }",
            true,
        ),
        // Comments.
        (
            "class R { /* SELECT * FROM orders */ // DELETE FROM orders\n }",
            false,
        ),
        (
            "/* outer /* nested */ SELECT * FROM orders */ class K",
            true,
        ),
        // A column named like a table.
        (
            "class R { void f() { jdbc.query(\"SELECT orders FROM customer_stats\", m); } }",
            false,
        ),
        // Prose that starts like SQL.
        (
            "class R { void f() { throw new IllegalStateException(\"Select a user from the orders page.\"); } }",
            false,
        ),
        (
            "fun f() = require(ok) { \"delete from orders is not allowed: $id\" }",
            true,
        ),
        // Format hole without a visible constant.
        (
            "class R { void f(String t) { jdbc.query(String.format(\"SELECT * FROM %s\", t), m); } }",
            false,
        ),
        // Not a constant: mutable Kotlin var.
        (
            "var T = \"orders\"\nfun f() { jdbc.query(\"SELECT * FROM $T\", m) }",
            true,
        ),
    ];
    for (src, kt) in cases {
        let r = if *kt { run_kt(src) } else { run_java(src) };
        let f = found(&r, src);
        assert!(
            !f.iter().any(|(_, n, _, _)| n == "orders"),
            "{src:?}: {f:?}"
        );
    }
}

#[test]
fn robustness() {
    let nested = format!(
        "class A {{ int x = {}; }}",
        clike::testing::parens(50_000, "1")
    );
    assert!(run_java(&nested).accesses.is_empty());
    let braces = format!("class A {}", "{".repeat(50_000));
    assert!(run_kt(&braces).accesses.is_empty());
    let annots = "@Entity ".repeat(50_000) + "class Order {}";
    assert_eq!(run_java(&annots).accesses.len(), 1);
    let templates = format!("val s = \"{}\"", "${".repeat(50_000));
    assert!(run_kt(&templates).accesses.is_empty());
    let r = run_java("@Table(name = \"orders");
    assert_eq!(r.problems.len(), 1);
    assert!(run_kt("val s = \"\"\"never closed").problems.len() == 1);
    assert!(
        run_java("class\0 A { String s = \"\0\"; }")
            .accesses
            .is_empty()
    );
    assert!(run_kt("/* /* */").problems.len() == 1);
    assert!(run_java("'").accesses.is_empty());
}
