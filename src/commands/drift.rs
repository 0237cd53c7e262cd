//! `xray-setup drift`: read the account, scan the trees, compare; then a report, the HCL
//! edits that adopt the account's values (`--adopt`), or the script that reverts the
//! account to the code (`--emit cli`).

use super::audit::show;
use super::fix::{Run, fix_findings};
use super::{account, colour, count, limits, variables};
use crate::cli::{DriftArgs, Format};
use anyhow::{Result, bail};
use std::io::Write;
use std::process::ExitCode;
use xray_setup::drift::{self, StateIndex};
use xray_setup::enable::AccountId;
use xray_setup::policy::{self, Date, Scopes};
use xray_setup::source::plan::{self, Document};
use xray_setup::source::terraform::{VariableArg, Variables};

pub fn run(args: &DriftArgs, command_line: Result<Vec<VariableArg>>) -> Result<ExitCode> {
    let started = std::time::SystemTime::now();
    let variables = variables(command_line, args.variables.workspace.as_deref())?;
    let scopes = Scopes::load(args.config.as_deref(), &args.paths)?;
    let variables = Variables {
        limits: limits(&scopes.configs),
        ..variables
    };
    // The plan or state, refused before the account is read when it cannot be used.
    let document = match (&args.plan, &args.state) {
        (Some(file), _) => Some(read(file, true)?),
        (None, Some(file)) => Some(read(file, false)?),
        (None, None) => None,
    };
    let state: Option<StateIndex> = document.as_ref().map(|d| index(&d.state()));
    let clock = std::time::Instant::now();
    let (live, regions, identity, calls) = account::runtime()?.block_on(async {
        let (sdk, options) = if account::many(&args.aws) {
            account::one_of_many(&args.aws).await?
        } else {
            account::connect(&args.aws).await?
        };
        let identity = account::caller(&sdk).await?;
        let live = account::scan(&sdk, &options).await;
        anyhow::Ok((live, options.regions, identity, sdk.calls()))
    })?;
    let options = drift::Options {
        regions: &regions,
        state: state.as_ref(),
        tag_filtered: !args.aws.tags.is_empty(),
    };
    let tree = args.paths_given.then_some((&scopes, &variables));
    let (outcome, compared) = match (&document, tree) {
        // A state given with the trees only joins them.
        (Some(d), Some(_)) if !d.is_plan() => {
            xray_setup::drift_terraform(&scopes, &variables, &live, &options)?
        }
        (Some(d), tree) => xray_setup::drift_plan(d, tree, &live, &options)?,
        (None, _) => xray_setup::drift_terraform(&scopes, &variables, &live, &options)?,
    };
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    if matches!(args.report.format, Format::Text) && args.emit.is_none() {
        let joined: Vec<String> = compared
            .joined
            .iter()
            .map(|(kind, n)| format!("{n} {kind}{}", if *n == 1 { "" } else { "s" }))
            .collect();
        eprintln!(
            "compared {} with account {} ({}), read with {} in {:.1} s",
            if joined.is_empty() {
                "nothing".to_string()
            } else {
                joined.join(", ")
            },
            identity.account,
            regions.join(", "),
            count(calls.values().sum::<usize>(), "AWS call", "AWS calls"),
            clock.elapsed().as_secs_f64()
        );
    }
    let mut inventory = outcome.inventory;
    // Parts of the account that could not be read make the comparison incomplete.
    inventory.unread = live.unread;
    let files = inventory.files.len();
    let triage = policy::triage(
        outcome.findings,
        &mut inventory,
        &scopes,
        &outcome.places,
        None,
        Date::today(),
    );
    if args.adopt {
        let audit = xray_setup::Audit {
            inventory,
            findings: triage.findings,
            warnings: Vec::new(),
            places: outcome.places,
        };
        let run = Run {
            paths: &args.paths,
            write: args.write,
            unsafe_fixes: false,
            colour: colour(args.report.color, true),
            started,
        };
        let drift_rules = [
            xray_setup::rules::TRACING_DRIFT.code,
            xray_setup::rules::APPLY_REVERTS.code,
        ];
        return fix_findings(&audit, |f| drift_rules.contains(&f.rule), &run);
    }
    if args.emit.is_some() {
        let here = AccountId {
            account: identity.account,
            partition: identity.partition,
        };
        let region = regions.first().map_or("us-east-1", String::as_str);
        let script = drift::cli_script(
            &drift::reverts_for(&compared, &triage.findings),
            &here,
            region,
            &xray_setup::enable::journal::now(),
        );
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(script.as_bytes())?;
        stdout.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    show(&args.report, false, &triage, &inventory, files)
}

/// A plan (`want_plan`) or a state, or why it cannot be used here.
fn read(file: &std::path::Path, want_plan: bool) -> Result<Document> {
    let document = plan::read(file)?;
    match (want_plan, document.is_plan()) {
        (true, false) => bail!(
            "{}: this is a state, not a plan: give it with --state",
            file.display()
        ),
        (false, true) => bail!(
            "{}: this is a plan, not a state: give it with --plan",
            file.display()
        ),
        _ => Ok(document),
    }
}

/// What the state records, by address: each instance's ARN.
fn index(state: &plan::State) -> StateIndex {
    state
        .resources
        .iter()
        .map(|r| (r.address.clone(), r.arn.clone()))
        .collect()
}
