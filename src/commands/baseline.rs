//! `ownlint baseline`: record every current finding so that `check` reports only
//! new ones.

use super::check::collect;
use super::{EXIT_CLEAN, Failure, load_registry};
use crate::baseline::{self, Baseline};
use crate::cli::{BaselineArgs, Cli};
use std::io::Write;

pub fn run(cli: &Cli, args: &BaselineArgs) -> Result<u8, Failure> {
    let reg = load_registry(cli)?;
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| reg.root.join(baseline::DEFAULT_FILE));
    // A link counts as existing, dangling or not (the write replaces it, never
    // writes through it).
    if (path.exists() || crate::links::is_link(&path)) && !args.update {
        return Err(Failure::Usage(format!(
            "{} already exists; pass --update to replace it",
            path.display()
        )));
    }
    let run = collect(&reg, &args.scan, &[])?;
    let base = Baseline::of(&run.findings);
    base.write(&path, args.update).map_err(Failure::Usage)?;
    if !cli.quiet {
        // A closed pipe only loses this message; the file is written.
        let _ = writeln!(
            std::io::stdout(),
            "wrote {} with {} finding{}",
            path.display(),
            base.entries.len(),
            if base.entries.len() == 1 { "" } else { "s" }
        );
    }
    Ok(EXIT_CLEAN)
}
