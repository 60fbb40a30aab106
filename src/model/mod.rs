//! The ground floor: what code does ([`Access`]), what is wrong ([`finding::Finding`])
//! and the rule table ([`rules::Rule`]).
//!
//! Every other layer uses this one and it uses none of them: the registry, the
//! language extractors, the scan, the printers and the commands all speak in these
//! types, so an extractor can be tested without a scan and a printer without a
//! registry. Nothing here may import from `crate::registry`, `crate::lang`,
//! `crate::scan`, `crate::report` or `crate::commands`.

mod access;
pub mod cap;
pub mod finding;
mod rule_docs;
pub mod rules;

pub use access::{
    Access, AccessKind, Confidence, Ecosystem, ImportRef, Origin, Place, TableRef, Target,
};
