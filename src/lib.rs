//! ownlint: enforce data ownership in multi-service monorepos.
//!
//! The registry (`data-ownership.yaml`) says which service owns which tables; ownlint
//! validates it, checks the code against it, and plans releases from it.

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod deploy;
pub mod drift;
pub mod graph;
pub mod init;
pub mod lang;
pub mod links;
pub mod memory;
pub mod model;
pub mod registry;
pub mod report;
pub mod scan;
pub mod suppress;
