//! The default table names ORMs derive from class names, shared by the extractors
//! whose ORMs use them (JPA/Hibernate under Spring Boot, TypeORM).

/// `OrderItem` → `order_item`, `HTTPRequest` → `http_request`: the default physical
/// naming of JPA/Hibernate under Spring Boot and TypeORM's `snakeCase`. A `_` goes
/// before an upper-case letter that follows a lower-case one or a digit, or that
/// starts a word after an acronym; every upper-case letter is lowered, non-ASCII ones
/// too (`Äpfel` → `äpfel`, as TypeORM's `toLowerCase` and Java's `toLowerCase` do).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (k, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = k.checked_sub(1).and_then(|p| chars.get(p));
            let next = chars.get(k + 1);
            let boundary = prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_uppercase())
                    && next.is_some_and(|n| n.is_lowercase()));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_case_names() {
        for (from, to) in [
            ("Order", "order"),
            ("OrderItem", "order_item"),
            ("HTTPRequestLog", "http_request_log"),
            ("Order2Item", "order2_item"),
            ("order_item", "order_item"),
            ("Äpfel", "äpfel"),
            ("ÖlPreis", "öl_preis"),
        ] {
            assert_eq!(snake_case(from), to);
        }
    }
}
