//! The `xray-setup` binary: parses arguments, calls the library, maps the outcome to an
//! exit status (0 clean, 1 findings at or above --fail-on, 2 the run itself failed).

mod cli;

/// mimalloc: parsing and evaluation allocate many small nodes from several threads, where
/// glibc malloc spent a quarter of the run (perf, 10,000-function tree).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, bail};
use clap::{CommandFactory, FromArgMatches};
use cli::{AuditArgs, Cli, Color, Command, CostArgs, FailOn, Format};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use xray_setup::cost::{self, Stream};
use xray_setup::report::{self, Reporter};
use xray_setup::source::terraform::{VariableArg, Variables};
use xray_setup::{Severity, rules};

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Audit(args) => {
            let sub = matches.subcommand_matches("audit").expect("audit matches");
            audit(&args, ordered_variables(sub, &args.vars, &args.var_files))
        }
        Command::Cost(args) => {
            let sub = matches.subcommand_matches("cost").expect("cost matches");
            cost(&args, ordered_variables(sub, &args.vars, &args.var_files))
        }
        Command::Rules { rule } => print_rules(rule.as_deref()).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `--var` and `--var-file` in command-line order, as Terraform applies them.
fn ordered_variables(
    matches: &clap::ArgMatches,
    vars: &[String],
    var_files: &[std::path::PathBuf],
) -> Result<Vec<VariableArg>> {
    let mut ordered: Vec<(usize, VariableArg)> = Vec::new();
    if let Some(indices) = matches.indices_of("vars") {
        for (i, raw) in indices.zip(vars) {
            let Some((name, value)) = raw.split_once('=') else {
                bail!("--var {raw:?}: expected NAME=VALUE");
            };
            ordered.push((
                i,
                VariableArg::Var {
                    name: name.trim().to_string(),
                    value: value.to_string(),
                },
            ));
        }
    }
    if let Some(indices) = matches.indices_of("var_files") {
        for (i, path) in indices.zip(var_files) {
            ordered.push((i, VariableArg::File(path.clone())));
        }
    }
    ordered.sort_by_key(|(i, _)| *i);
    Ok(ordered.into_iter().map(|(_, v)| v).collect())
}

fn variables(command_line: Result<Vec<VariableArg>>) -> Result<Variables> {
    Ok(Variables {
        command_line: command_line?,
        environment: std::env::vars()
            .filter_map(|(k, v)| Some((k.strip_prefix("TF_VAR_")?.to_string(), v)))
            .collect(),
    })
}

fn audit(args: &AuditArgs, command_line: Result<Vec<VariableArg>>) -> Result<ExitCode> {
    let variables = variables(command_line)?;
    if !non_negative(args.requests_per_second) {
        bail!(
            "--requests-per-second must be a number ≥ 0, not {}",
            args.requests_per_second
        );
    }
    let options = rules::Options {
        requests_per_second: args.requests_per_second,
    };
    let outcome = xray_setup::audit_terraform(&args.paths, &variables, &options)?;
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let report = report::Report {
        findings: &outcome.findings,
        inventory: &outcome.inventory,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let reporter: Box<dyn Reporter> = match args.format {
        Format::Text => Box::new(report::Text { color }),
        Format::Json => Box::new(report::Json),
    };
    match &args.output {
        Some(path) => write_atomically(path, |out| reporter.write(&report, out))?,
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            reporter.write(&report, &mut stdout)?;
            stdout.flush()?;
        }
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cost(args: &CostArgs, command_line: Result<Vec<VariableArg>>) -> Result<ExitCode> {
    let variables = variables(command_line)?;
    let mut traffic = Vec::new();
    for raw in &args.traffic {
        let (service, rps) = raw
            .split_once('=')
            .with_context(|| format!("--traffic {raw:?}: expected SERVICE=RPS"))?;
        let rps: f64 = rps
            .trim()
            .parse()
            .ok()
            .filter(|r: &f64| *r >= 0.0)
            .with_context(|| format!("--traffic {raw:?}: RPS must be a number ≥ 0"))?;
        traffic.push(Stream {
            service: Some(service.trim().to_string()),
            requests_per_second: rps,
        });
    }
    let split: f64 = traffic.iter().map(|s| s.requests_per_second).sum();
    let total = match (args.requests_per_second, args.requests_per_day) {
        (Some(rps), _) => Some(rps),
        (None, Some(per_day)) => Some(per_day / 86400.0),
        (None, None) if traffic.is_empty() => Some(100.0),
        (None, None) => None,
    };
    if let Some(total) = total {
        if !non_negative(total) {
            bail!("the request rate must be a number ≥ 0");
        }
        if total < split {
            bail!("--traffic adds up to {split} requests/s, more than the total of {total}");
        }
        if total > split {
            traffic.push(Stream {
                service: None,
                requests_per_second: total - split,
            });
        }
    }
    for (name, v) in [
        ("--scans-per-month", args.scans_per_month),
        (
            "--price-per-million-recorded",
            args.price_per_million_recorded,
        ),
        (
            "--price-per-million-scanned",
            args.price_per_million_scanned,
        ),
        ("--free-recorded", args.free_recorded),
        ("--free-scanned", args.free_scanned),
        ("--default-reservoir", args.default_reservoir),
    ] {
        if !non_negative(v) {
            bail!("{name} must be a number ≥ 0, not {v}");
        }
    }
    if !(0.0..=1.0).contains(&args.default_fixed_rate) {
        bail!(
            "--default-fixed-rate must be from 0 to 1, not {}",
            args.default_fixed_rate
        );
    }
    let scan = xray_setup::source::terraform::scan(&args.paths, &variables)?;
    for w in &scan.warnings {
        eprintln!("warning: {w}");
    }
    let options = cost::Options {
        traffic,
        scans_per_month: args.scans_per_month,
        prices: cost::Prices {
            per_million_recorded: args.price_per_million_recorded,
            per_million_scanned: args.price_per_million_scanned,
            free_recorded: args.free_recorded,
            free_scanned: args.free_scanned,
        },
        default_reservoir: args.default_reservoir,
        default_fixed_rate: args.default_fixed_rate,
    };
    let estimate = cost::estimate(&scan.inventory.sampling_rules, &options);
    let text = match args.format {
        Format::Text => cost::to_text(&estimate),
        Format::Json => format!("{:#}\n", cost::to_json(&estimate)),
    };
    match &args.output {
        Some(path) => write_atomically(path, |out| out.write_all(text.as_bytes()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A number ≥ 0 (NaN, which clap accepts as a float, is not).
fn non_negative(x: f64) -> bool {
    x >= 0.0
}

/// Writes a report to a temporary file beside its destination, then renames it into
/// place, so a reader never sees half a report.
fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let shown = path.display();
    let tmp =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write {shown}"))?;
    let mut out = std::io::BufWriter::new(tmp);
    write(&mut out).with_context(|| format!("cannot write {shown}"))?;
    let tmp = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {shown}"))?;
    Ok(())
}

fn print_rules(rule: Option<&str>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match rule {
        Some(key) => {
            let Some(r) = rules::find(key) else {
                bail!("no rule {key:?}; `xray-setup rules` lists them");
            };
            write!(out, "{}", r.doc)?;
        }
        None => {
            for r in rules::RULES {
                writeln!(
                    out,
                    "{:<6} {:<8} {:<34} {}",
                    r.code,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                )?;
            }
        }
    }
    Ok(())
}
