use clap::Parser;
use ownlint::cli::Cli;
use std::process::ExitCode;

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
