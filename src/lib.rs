//! ownlint: enforce data ownership in multi-service monorepos.

pub mod lang;
pub mod scan;
