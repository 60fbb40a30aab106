//! `ownlint completions SHELL` and `ownlint man`: generated from the clap definition,
//! so they never drift from the real command line.

use super::explain::emit;
use super::{EXIT_CLEAN, Failure};
use crate::cli::{CliArgs as Cli, CompletionsArgs};
use clap::CommandFactory;

pub fn run(args: &CompletionsArgs) -> Result<u8, Failure> {
    let mut buf = Vec::new();
    clap_complete::aot::generate(args.shell, &mut Cli::command(), "ownlint", &mut buf);
    emit(&buf)?;
    Ok(EXIT_CLEAN)
}

/// The man page, as roff.
pub fn man_page() -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Failure::Usage(format!("cannot render the man page: {e}")))?;
    Ok(buf)
}

pub fn man() -> Result<u8, Failure> {
    emit(&man_page()?)?;
    Ok(EXIT_CLEAN)
}
