//! `xray-setup audit`.

use super::{colour, non_negative, variables, write_atomically};
use crate::cli::{AuditArgs, FailOn, Format};
use anyhow::{Result, bail};
use std::io::Write;
use std::process::ExitCode;
use xray_setup::report::{self, Reporter};
use xray_setup::source::terraform::VariableArg;
use xray_setup::{Severity, rules};

pub fn run(args: &AuditArgs, command_line: Result<Vec<VariableArg>>) -> Result<ExitCode> {
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
    let outcome = if args.account {
        if args.paths.iter().any(|p| p.as_os_str() != ".") {
            bail!("give either PATHs or --account, not both");
        }
        let started = std::time::Instant::now();
        let (inventory, calls) = super::account::read(&args.aws)?;
        if matches!(args.format, Format::Text) {
            eprintln!(
                "read {} functions, {} roles, {} REST stages and {} sampling rules with {} AWS calls in {:.1} s",
                inventory.functions.len(),
                inventory.roles.len(),
                inventory.rest_stages.len(),
                inventory.sampling_rules.len(),
                calls.values().sum::<usize>(),
                started.elapsed().as_secs_f64()
            );
        }
        xray_setup::audit_inventory(inventory, &options)
    } else {
        xray_setup::audit_terraform(&args.paths, &variables, &options)?
    };
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let report = report::Report {
        findings: &outcome.findings,
        inventory: &outcome.inventory,
    };
    let color = colour(args.color, args.output.is_none());
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
    Ok(if !outcome.inventory.unread.is_empty() {
        // Part of the account could not be read: the audit is incomplete.
        ExitCode::from(3)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
