//! `xray-setup audit`.

use super::{colour, count, limits, non_negative, variables, write_atomically};
use crate::cli::{AuditArgs, FailOn, Format, ReportArgs};
use anyhow::{Result, bail};
use std::io::Write;
use std::process::ExitCode;
use xray_setup::policy::{self, Baseline, Date, Scopes};
use xray_setup::report::{self, Reporter};
use xray_setup::source::plan;
use xray_setup::source::terraform::{VariableArg, Variables};
use xray_setup::{Severity, rules};

pub fn run(args: &AuditArgs, command_line: Result<Vec<VariableArg>>) -> Result<ExitCode> {
    let variables = variables(command_line, args.variables.workspace.as_deref())?;
    if !non_negative(args.requests_per_second) {
        bail!(
            "--requests-per-second must be a number ≥ 0, not {}",
            args.requests_per_second
        );
    }
    // Each PATH's own config (or --config for all); an account's from here.
    let scopes = Scopes::load(args.config.as_deref(), &args.paths)?;
    let variables = Variables {
        limits: limits(&scopes.configs),
        ..variables
    };
    // Read before the audit, so a missing or broken baseline fails fast.
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let options = rules::Options {
        requests_per_second: args.requests_per_second,
        lambda_mode: scopes.config(0).lambda_mode,
    };
    let outcome = if args.account || super::account::many(&args.aws) {
        if args.paths.iter().any(|p| p.as_os_str() != ".") {
            bail!("give either PATHs or an account (--account, --org, --accounts), not both");
        }
        let started = std::time::Instant::now();
        let (inventory, calls) = super::account::read(&args.aws)?;
        if matches!(args.report.format, Format::Text) {
            let accounts = match inventory.accounts.len() {
                0 | 1 => String::new(),
                n => format!(" in {n} accounts"),
            };
            eprintln!(
                "read {} functions, {} roles, {} REST stages, {} HTTP/WebSocket stages, {} state machines, {} AppSync APIs and {} sampling rules{accounts} with {} AWS calls in {:.1} s",
                inventory.functions.len(),
                inventory.roles.len(),
                inventory.rest_stages.len(),
                inventory.http_stages.len(),
                inventory.state_machines.len(),
                inventory.appsync_apis.len(),
                inventory.sampling_rules.len(),
                calls,
                started.elapsed().as_secs_f64()
            );
        }
        xray_setup::audit_inventory(inventory, &options)
    } else if let Some((file, plan)) =
        (args.plan.as_ref().map(|f| (f, true))).or_else(|| args.state.as_ref().map(|f| (f, false)))
    {
        let document = plan::read(file)?;
        match (plan, document.is_plan()) {
            (true, false) => bail!(
                "{}: this is a state, not a plan: audit it with --state",
                file.display()
            ),
            (false, true) => bail!(
                "{}: this is a plan, not a state: audit it with --plan",
                file.display()
            ),
            _ => {}
        }
        let tree = args.paths_given.then_some((&scopes, &variables));
        let outcome = xray_setup::audit_plan(&document, tree, &options)?;
        if outcome.inventory.resource_count() == 0 && document.deletions() > 0 {
            eprintln!(
                "{}: the plan destroys every resource it manages ({}): nothing is left to audit",
                file.display(),
                count(document.deletions(), "deletion", "deletions")
            );
        }
        outcome
    } else {
        xray_setup::audit_terraform(&scopes, &variables, &options)?
    };
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let mut inventory = outcome.inventory;
    let files = inventory.files.len();
    let triage = policy::triage(
        outcome.findings,
        &mut inventory,
        &scopes,
        &outcome.places,
        baseline.as_ref(),
        Date::today(),
    );
    if let Some(path) = &args.write_baseline {
        let all: Vec<_> = triage
            .findings
            .iter()
            .chain(&triage.baselined)
            .cloned()
            .collect();
        let text = Baseline::of(&all).to_json();
        write_atomically(path, |out| out.write_all(text.as_bytes()))?;
        eprintln!(
            "wrote the baseline {} ({})",
            path.display(),
            count(all.len(), "finding", "findings")
        );
    }
    show(
        &args.report,
        args.show_suppressed,
        &triage,
        &inventory,
        files,
    )
}

/// Writes the report and tells the exit status: 3 when part of an account could not be
/// read, 1 when a finding is at or above `--fail-on`, else 0.
pub fn show(
    shown: &ReportArgs,
    show_suppressed: bool,
    triage: &policy::Triage,
    inventory: &xray_setup::model::Inventory,
    files: usize,
) -> Result<ExitCode> {
    let report = report::Report {
        findings: &triage.findings,
        inventory,
        files,
        suppressed: &triage.suppressed,
        show_suppressed,
        baselined: triage.baselined.len(),
    };
    let color = colour(shown.color, shown.output.is_none());
    let reporter: Box<dyn Reporter> = match shown.format {
        Format::Text => Box::new(report::Text { color }),
        Format::Json => Box::new(report::Json),
        Format::Sarif => Box::new(report::Sarif),
        Format::Junit => Box::new(report::Junit),
        Format::Markdown => Box::new(report::Markdown),
        Format::Github => Box::new(report::Github),
    };
    match shown.output.as_deref() {
        Some(path) => write_atomically(path, |out| reporter.write(&report, out))?,
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            reporter.write(&report, &mut stdout)?;
            stdout.flush()?;
        }
    }
    let threshold = match shown.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| triage.findings.iter().any(|f| f.severity >= t));
    Ok(if !inventory.unread.is_empty() {
        // Part of the account could not be read: the audit is incomplete.
        ExitCode::from(3)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
