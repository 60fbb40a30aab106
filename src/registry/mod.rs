//! The registry (`data-ownership.yaml`): its model, loading with spans, validation,
//! and the map from files to services.

mod load;
mod locate;
mod model;
pub mod paths;
mod tables;
pub mod validate;

pub use load::{LoadError, find_registry, load, load_str, root_and_file};
pub use model::{Dialect, ExceptionAccess, RawRegistry, SeverityLevel};
pub use paths::PathMap;
pub use tables::TableIndex;
pub use validate::validate;

mod types;
pub use types::*;
