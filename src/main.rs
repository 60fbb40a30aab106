use clap::Parser;
use ownlint::cli::Cli;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: parsing (syn's syntax trees, sqlparser's
/// ASTs, the extractors' token lists) allocates and frees small objects at a high
/// rate, and glibc's malloc and free were 40% of the instructions on a tree where
/// every file is parsed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // Printing can only fail on a closed pipe, where there is no one to tell.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    ExitCode::from(ownlint::commands::run(cli))
}
