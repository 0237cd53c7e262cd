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
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => clap_exit(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => clap_exit(e),
    };
    let sub = |name: &str| {
        matches
            .subcommand_matches(name)
            .expect("matched subcommand")
    };
    let result = match cli.command {
        Command::Audit(mut args) => {
            args.paths_given =
                sub("audit").value_source("paths") == Some(clap::parser::ValueSource::CommandLine);
            commands::audit::run(
                &args,
                ordered_variables(
                    sub("audit"),
                    &args.variables.vars,
                    &args.variables.var_files,
                ),
            )
        }
        Command::Cost(args) => commands::cost::run(
            &args,
            ordered_variables(sub("cost"), &args.variables.vars, &args.variables.var_files),
        ),
        Command::Fix(args) => commands::fix::run(
            &args,
            ordered_variables(sub("fix"), &args.variables.vars, &args.variables.var_files),
        ),
        Command::Drift(mut args) => {
            args.paths_given =
                sub("drift").value_source("paths") == Some(clap::parser::ValueSource::CommandLine);
            commands::drift::run(
                &args,
                ordered_variables(
                    sub("drift"),
                    &args.variables.vars,
                    &args.variables.var_files,
                ),
            )
        }
        Command::Generate(args) => commands::generate::run(&args),
        Command::Enable(args) => {
            commands::preflight::enable(&args).and_then(|()| commands::enable::run(&args))
        }
        Command::Console(args) => commands::console::run(
            &args,
            ordered_variables(
                sub("console"),
                &args.variables.vars,
                &args.variables.var_files,
            ),
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
            eprintln!("error: {}", one_line(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// A message on one line, so that a script reading the first line of stderr, or a log
/// that keeps one line a record, has all of it.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Help and the version as clap prints them; its errors on one line, like every other
/// error: what is wrong (with clap's tip, if any), and which help to read. Exit 2.
fn clap_exit(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if !e.use_stderr() || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        e.exit()
    }
    let mut said = Vec::new();
    let mut tips = Vec::new();
    let rendered = e.render().to_string();
    for line in rendered.lines().map(str::trim) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        match line.strip_prefix("tip: ") {
            Some(tip) => tips.push(tip),
            None => said.push(line),
        }
    }
    let mut line = one_line(&said.join("\n"));
    if e.kind() == ErrorKind::InvalidUtf8 {
        line = not_text_argument().unwrap_or(line);
    }
    if !tips.is_empty() {
        line = format!("{line} (tip: {})", tips.join("; "));
    }
    let command = Cli::command();
    let help = match std::env::args_os()
        .nth(1)
        .and_then(|a| command.find_subcommand(a))
    {
        Some(sub) => format!("xray-setup {} --help", sub.get_name()),
        None => "xray-setup --help".into(),
    };
    eprintln!("{line}; see `{help}`");
    std::process::exit(2)
}

/// clap says only that some argument is not UTF-8: say which (with its flag), as the
/// replacement character shows it.
fn not_text_argument() -> Option<String> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Not the program's own path (which may not be UTF-8 either).
    let i = 1 + args.iter().skip(1).position(|a| a.to_str().is_none())?;
    let shown = args[i].to_string_lossy();
    let flag = args[i - 1]
        .to_str()
        .filter(|f| f.starts_with('-') && !shown.starts_with('-'));
    Some(match flag {
        Some(flag) => format!("error: {flag} {shown}: not valid UTF-8, and this must be text"),
        None => format!("error: {shown}: not valid UTF-8, and this argument must be text"),
    })
}
