//! The `xray-setup` binary: parses arguments, calls the library, maps the outcome to an
//! exit status (0 clean, 1 findings at or above --fail-on, 2 the run itself failed).

mod cli;
mod commands;

/// mimalloc: parsing and evaluation allocate many small nodes from several threads, where
/// glibc malloc spent a quarter of the run (perf, 10,000-function tree).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory, FromArgMatches};
use cli::{Cli, Command};
use commands::ordered_variables;
use std::process::ExitCode;

fn main() -> ExitCode {
    commands::remove_temporary_files_on_signal();
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let sub = |name: &str| {
        matches
            .subcommand_matches(name)
            .expect("matched subcommand")
    };
    let result = match cli.command {
        Command::Audit(args) => commands::audit::run(
            &args,
            ordered_variables(sub("audit"), &args.vars, &args.var_files),
        ),
        Command::Cost(args) => commands::cost::run(
            &args,
            ordered_variables(sub("cost"), &args.vars, &args.var_files),
        ),
        Command::Fix(args) => commands::fix::run(
            &args,
            ordered_variables(sub("fix"), &args.vars, &args.var_files),
        ),
        Command::Generate(args) => commands::generate::run(&args),
        Command::Enable(args) => commands::enable::run(&args),
        Command::Console(args) => commands::console::run(
            &args,
            ordered_variables(sub("console"), &args.vars, &args.var_files),
        ),
        Command::Completions { shell } => {
            commands::docs::completions(shell);
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir } => commands::docs::man(&dir).map(|()| ExitCode::SUCCESS),
        Command::Rules { rule } => {
            commands::rules::run(rule.as_deref()).map(|()| ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
