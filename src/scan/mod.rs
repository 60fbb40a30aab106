//! Scanning the repository: the walk, the prefilter, and the [`Access`] type.

mod access;

pub use access::{Access, AccessKind, Confidence, ImportRef, TableRef, Target};
