//! The long documentation of every rule, printed by `ownlint explain`.

use crate::rules::{Rule, RuleDocs};

/// The documentation of `rule`.
pub fn docs(rule: Rule) -> RuleDocs {
    let s = rule.summary();
    RuleDocs {
        what: s,
        why: s,
        example: s,
        fix: s,
    }
}
