use ownlint::cli::Cli;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: parsing (syn's syntax trees, sqlparser's
/// ASTs, the extractors' token lists) allocates and frees small objects at a high
/// rate, and glibc's malloc and free were 40% of the instructions on a tree where
/// every file is parsed. Built as mimalloc 2 (the crate's `v2` feature): the crate asks
/// for every block through the aligned entry point, which mimalloc 2 sends straight to
/// the plain allocation for ordinary alignments and mimalloc 3 does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // Printing can only fail on a closed pipe, where there is no one to tell.
            if e.use_stderr() || std::io::stdout().is_terminal() {
                let _ = e.print();
            } else {
                // Help read by a program or kept in a log: plain, and without the
                // trailing spaces clap leaves on the blank lines of long help.
                let help = e.render().to_string();
                let mut out = std::io::stdout().lock();
                for line in help.lines() {
                    let _ = writeln!(out, "{}", line.trim_end());
                }
            }
            return ExitCode::from(code);
        }
    };
    ExitCode::from(ownlint::commands::run(cli))
}
