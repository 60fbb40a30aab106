//! `ownlint validate`: check the registry alone.

use super::{Failure, apply_levels, exit_code, load_registry, print_findings};
use crate::cli::Cli;
use crate::model::finding;
use crate::registry::{self, validate::today};
use crate::report::Summary;

pub fn run(cli: &Cli) -> Result<u8, Failure> {
    let reg = load_registry(cli)?;
    let mut findings = registry::validate(&reg, &today());
    apply_levels(&mut findings, &reg);
    finding::sort(&mut findings);
    let summary = Summary::of(&findings);
    print_findings(cli, &reg, &findings, &summary)?;
    Ok(exit_code(&findings, cli.deny_warnings))
}
