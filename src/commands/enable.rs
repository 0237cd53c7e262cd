//! `xray-setup enable`: reads the account, shows the plan, and with --apply (and a yes)
//! makes it, journaled; `--undo JOURNAL` puts a journal back, only with credentials for
//! the account it was written in; `--emit cli` prints a script.

use super::{account, count};
use crate::cli::{Emit, EnableArgs};
use anyhow::{Context, Result, bail};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xray_setup::aws_client::SdkAccount;
use xray_setup::drift;
use xray_setup::enable::{
    self, AccountId, Journal, Outcome, Plan, Selection, Settings, Status, Step, Target, journal,
    plan, script, undo, versions,
};
use xray_setup::policy::Scopes;
use xray_setup::source::aws::Options;
use xray_setup::source::aws::estate;

pub fn run(args: &EnableArgs) -> Result<ExitCode> {
    let runtime = account::runtime()?;
    match &args.undo {
        Some(path) => runtime.block_on(run_undo(args, path)),
        None => runtime.block_on(run_enable(args)),
    }
}

async fn run_enable(args: &EnableArgs) -> Result<ExitCode> {
    if args.functions.is_empty() && args.aws.tags.is_empty() && !args.all {
        bail!(
            "choose the functions: --function GLOB, --tag KEY=VALUE, or --all for every function in the regions"
        );
    }
    if account::many(&args.aws) {
        return run_enable_many(args).await;
    }
    let (sdk, options) = account::connect(&args.aws).await?;
    let identity = account::caller(&sdk).await?;
    let here = AccountId {
        account: identity.account.clone(),
        partition: identity.partition.clone(),
    };
    let ended = enable_in(args, &sdk, options, &here, None).await?;
    Ok(exit(ended.failed, ended.incomplete))
}

/// How `enable` ended in one account.
#[derive(Debug, Default, Clone, Copy)]
struct Ended {
    /// Something failed, was left alone or blocked, or the changes were declined.
    failed: bool,
    /// Part of the account could not be read.
    incomplete: bool,
}

/// `enable` in each account `--org` or `--accounts` names, one after another, each with
/// its plan, its confirmation and its own journal; an account that cannot be reached is
/// reported and the rest go on.
async fn run_enable_many(args: &EnableArgs) -> Result<ExitCode> {
    if let Some(Emit::Cli) = args.emit {
        bail!(
            "--emit cli writes a script for one account (it stops with credentials for any other): run it with --accounts ID for each account"
        );
    }
    let many = account::many_accounts(&args.aws).await?;
    let mut all = Ended::default();
    for target in &many.targets {
        let sdk = match estate::reach(&many.caller, &many.identity, target, &many.estate).await {
            Ok(sdk) => sdk,
            Err(u) => {
                eprintln!(
                    "warning: account {}: could not read {}: {}: {}",
                    target.id, u.what, u.operation, u.message
                );
                all.incomplete = true;
                continue;
            }
        };
        let options = Options {
            regions: sdk.regions(),
            account: Some(target.id.clone()),
            ..many.estate.options.clone()
        };
        let here = AccountId {
            account: target.id.clone(),
            partition: many.identity.partition.clone(),
        };
        println!();
        let ended = enable_in(args, &sdk, options, &here, Some(&target.id)).await?;
        all.failed |= ended.failed;
        all.incomplete |= ended.incomplete;
    }
    Ok(exit(all.failed, all.incomplete))
}

/// `enable` in one account: read it, plan, and with --apply (and a yes) make the plan,
/// journaled. `one_of` names the account when it is one of many: its journal's name says
/// which.
async fn enable_in(
    args: &EnableArgs,
    sdk: &SdkAccount,
    mut options: Options,
    here: &AccountId,
    one_of: Option<&str>,
) -> Result<Ended> {
    options.names = args.functions.clone();
    options.stages = args.stages;
    options.xray_settings = false;
    options.state_machines = false;
    options.http_stages = false;
    options.appsync = false;
    let inventory = account::scan(sdk, &options).await;
    for u in &inventory.unread {
        eprintln!(
            "warning: could not read {} ({}): {}: {}",
            u.what, u.region, u.operation, u.message
        );
    }
    let incomplete = !inventory.unread.is_empty();
    let plan = plan::plan(
        &inventory,
        &Selection {
            stages: args.stages,
            grant: !args.no_iam,
        },
    );
    let republish = versions::republish(&inventory);
    let mut stdout = std::io::stdout().lock();
    if let Some(Emit::Cli) = args.emit {
        let iam_region = options.regions.first().map_or("us-east-1", String::as_str);
        stdout.write_all(script::render(&plan, here, iam_region, &journal::now()).as_bytes())?;
        stdout.write_all(versions::script_comment(&republish).as_bytes())?;
        return Ok(Ended {
            failed: false,
            incomplete,
        });
    }
    print_plan(&mut stdout, &plan, here, &options.regions)?;
    print_versions(&mut stdout, &republish)?;
    let blocked = !plan.blocked.is_empty();
    if plan.is_empty() {
        writeln!(stdout, "\nNothing to change.")?;
        return Ok(Ended {
            failed: blocked,
            incomplete,
        });
    }
    let changes = plan.steps().count();
    if !args.apply {
        writeln!(
            stdout,
            "\nThis is a plan: nothing was changed. Run again with --apply to make {} (or --emit cli for a script).",
            count(changes, "change", "changes")
        )?;
        return Ok(Ended {
            failed: false,
            incomplete,
        });
    }
    stdout.flush()?;
    if !confirmed(
        args.yes,
        &format!(
            "Make {} in {}?",
            count(changes, "change", "changes"),
            here.account
        ),
    )? {
        eprintln!("Nothing was changed in {}.", here.account);
        return Ok(Ended {
            failed: true,
            incomplete,
        });
    }
    let path = match one_of {
        None => journal_path(&args.journal, "xray-setup-enable")?,
        Some(id) => journal_in_dir(&args.journal, &format!("xray-setup-enable-{id}"))?,
    };
    let journal = Journal::create(&path, here)?;
    eprintln!("journal: {}", path.display());
    let bar = StepBar::new(changes);
    let outcomes = enable::apply(sdk, &plan, &journal, &settings(args), &bar).await;
    bar.finish();
    let failed = print_closing(&mut stdout, &outcomes, &plan, "the plan was read")?;
    writeln!(
        stdout,
        "\nJournal: {0}\nTo put everything back: xray-setup enable --undo {0}",
        path.display()
    )?;
    if let Some(tree) = &args.terraform {
        let changed: Vec<&str> = plan.steps().map(|s| s.target.arn()).collect();
        reverted_by_terraform(&mut stdout, sdk, &options, tree, &changed).await?;
    }
    Ok(Ended {
        failed: failed || blocked,
        incomplete,
    })
}

/// Which of `changed` (ARNs enable changed) the next `terraform apply` of `tree` would
/// undo, as `drift` finds them (XR304), read again from the account after the changes.
async fn reverted_by_terraform(
    out: &mut impl Write,
    sdk: &SdkAccount,
    options: &xray_setup::source::aws::Options,
    tree: &Path,
    changed: &[&str],
) -> Result<()> {
    let live = account::scan(sdk, options).await;
    let scopes = Scopes::load(None, std::slice::from_ref(&tree.to_path_buf()))?;
    let variables = super::variables(Ok(Vec::new()), None)?;
    let drift_options = drift::Options {
        regions: &options.regions,
        state: None,
        tag_filtered: !options.tags.is_empty() || !options.names.is_empty(),
    };
    let (audit, _) = xray_setup::drift_terraform(&scopes, &variables, &live, &drift_options)?;
    let undone: Vec<&xray_setup::Finding> = audit
        .findings
        .iter()
        .filter(|f| f.rule == xray_setup::rules::APPLY_REVERTS.code)
        .filter(|f| drift::live_arn(f).is_some_and(|arn| changed.contains(&arn)))
        .collect();
    if undone.is_empty() {
        writeln!(
            out,
            "\nThe next terraform apply of {} keeps these changes.",
            tree.display()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "\nThe next terraform apply of {} would undo {}:",
        tree.display(),
        count(undone.len(), "of these changes", "of these changes")
    )?;
    for f in &undone {
        writeln!(out, "  {} ({}): {}", f.resource, f.root, f.message)?;
    }
    writeln!(
        out,
        "To write them into the code: xray-setup drift --adopt {} (a diff; add --write to apply it)",
        tree.display()
    )?;
    Ok(())
}

/// Whom the credentials reach.
async fn run_undo(args: &EnableArgs, path: &Path) -> Result<ExitCode> {
    let read = journal::read(path)?;
    for w in &read.warnings {
        eprintln!("warning: {w}");
    }
    let name = path.display().to_string();
    let steps = undo::reversals(&read.entries);
    let mut stdout = std::io::stdout().lock();
    if steps.is_empty() {
        writeln!(stdout, "{name} records no change: nothing to undo.")?;
        return Ok(ExitCode::SUCCESS);
    }
    // Which account the journal was made in, before anything is asked of AWS.
    let made_in = undo::journal_account(&read, &name, args.journal_account.as_deref())
        .map_err(anyhow::Error::msg)?;
    // Regional clients for every region the journal names.
    let mut aws = args.aws.clone();
    aws.regions = regions_of(&steps);
    let (sdk, options) = account::connect(&aws).await?;
    // With --org or --accounts, the journal's account is reached through --role-name, as
    // `enable` reached it.
    let sdk = if account::many(&args.aws) {
        let caller = account::caller(&sdk).await?;
        let role = estate::role_arn(&caller, &made_in.account, &args.aws.role_name);
        sdk.assume(
            &role,
            args.aws.external_id.as_deref(),
            &made_in.account,
            &options.regions,
        )
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot reach {} through {role}: {}: {}",
                made_in.account,
                e.operation(),
                e.message()
            )
        })?
    } else {
        sdk
    };
    // Names repeat across accounts: nothing is read or changed by name until the
    // credentials are known to reach the journal's account.
    let identity = account::caller(&sdk).await?;
    undo::check_caller(&made_in, &identity, &name).map_err(anyhow::Error::msg)?;
    writeln!(
        stdout,
        "Put back what {name} recorded in {made_in} ({}), where the account is still as it left it:",
        count(steps.len(), "change", "changes")
    )?;
    for s in &steps {
        writeln!(stdout, "  {}  {} → {}", s.target.arn(), s.before, s.after)?;
    }
    stdout.flush()?;
    if !confirmed(args.yes, "Put these back?")? {
        eprintln!("Nothing was changed.");
        return Ok(ExitCode::from(1));
    }
    let undo_journal = journal_path(&args.journal, "xray-setup-undo")?;
    let journal = Journal::create(&undo_journal, &made_in)?;
    eprintln!("journal: {}", undo_journal.display());
    let bar = StepBar::new(steps.len());
    let outcomes = undo::undo(&sdk, &steps, &journal, &settings(args), &bar).await;
    bar.finish();
    let failed = print_closing(
        &mut stdout,
        &outcomes,
        &Plan::default(),
        "the journal was written",
    )?;
    writeln!(stdout, "\nJournal of the undo: {}", undo_journal.display())?;
    Ok(exit(failed, false))
}

fn settings(args: &EnableArgs) -> Settings {
    Settings {
        concurrency: args.aws.concurrency,
        ..Settings::default()
    }
}

fn regions_of(steps: &[Step]) -> Vec<String> {
    let mut regions: Vec<String> = steps
        .iter()
        .filter_map(|s| match &s.target {
            Target::FunctionTracing { region, .. } | Target::StageTracing { region, .. } => {
                Some(region.clone())
            }
            Target::RolePolicy { .. } => None,
        })
        .collect();
    regions.sort();
    regions.dedup();
    regions
}

/// 0 all done; 1 something failed or needs a person; 3 part of the account was not read.
fn exit(failed: bool, incomplete: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else if incomplete {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--journal FILE`, else a new name in the state directory (made 0700 if missing).
fn journal_path(chosen: &Option<PathBuf>, prefix: &str) -> Result<PathBuf> {
    if let Some(path) = chosen {
        return Ok(path.clone());
    }
    let dir = journal::default_dir().context(
        "no state directory for the journal (neither XDG_STATE_HOME nor a home directory is known): pass --journal FILE",
    )?;
    journal::create_dir(&dir)
        .with_context(|| format!("cannot create the journal directory {}", dir.display()))?;
    Ok(dir.join(journal::default_name(prefix)))
}

/// A new journal in `--journal DIR` (made if missing), else in the state directory, for
/// one of many accounts: one journal per account.
fn journal_in_dir(chosen: &Option<PathBuf>, prefix: &str) -> Result<PathBuf> {
    match chosen {
        Some(dir) => {
            journal::create_dir(dir).with_context(|| {
                format!(
                    "cannot create the journal directory {} (with several accounts, --journal names a directory)",
                    dir.display()
                )
            })?;
            Ok(dir.join(journal::default_name(prefix)))
        }
        None => journal_path(&None, prefix),
    }
}

/// Yes with --yes; asks on a terminal; refuses otherwise, since a pipeline cannot answer.
fn confirmed(yes: bool, question: &str) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "this changes the account and standard input is not a terminal to confirm on: pass --yes"
        );
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}

fn print_plan(
    out: &mut impl Write,
    plan: &Plan,
    account: &AccountId,
    regions: &[String],
) -> Result<()> {
    writeln!(
        out,
        "Plan for account {} ({}):",
        account.account,
        regions.join(", ")
    )?;
    if let Some(first) = plan.grants.first() {
        let Target::RolePolicy { policy_arn, .. } = &first.target else {
            unreachable!("grants are role policies")
        };
        writeln!(
            out,
            "\nAttach {policy_arn} to {}:",
            count(plan.grants.len(), "role", "roles")
        )?;
        for s in &plan.grants {
            writeln!(out, "  {}", s.target.arn())?;
        }
    }
    if !plan.functions.is_empty() {
        writeln!(
            out,
            "\nSet Active tracing on {}:",
            count(plan.functions.len(), "function", "functions")
        )?;
        for s in &plan.functions {
            writeln!(out, "  {}  {} → {}", s.target.arn(), s.before, s.after)?;
            if let Some(note) = &s.note {
                writeln!(out, "    note: {note}")?;
            }
        }
    }
    if !plan.stages.is_empty() {
        writeln!(
            out,
            "\nTurn tracing on for {}:",
            count(plan.stages.len(), "REST stage", "REST stages")
        )?;
        for s in &plan.stages {
            writeln!(out, "  {}", s.target.arn())?;
        }
    }
    if !plan.fine.is_empty() {
        let functions = plan
            .fine
            .iter()
            .filter(|t| matches!(t, Target::FunctionTracing { .. }))
            .count();
        writeln!(
            out,
            "\nAlready traced: {}, {}.",
            count(functions, "function", "functions"),
            count(plan.fine.len() - functions, "REST stage", "REST stages")
        )?;
    }
    print_blocked(out, plan)?;
    Ok(())
}

/// Aliases on versions that stay untraced whatever enable does, and the commands that
/// move them.
fn print_versions(out: &mut impl Write, list: &[versions::Republish]) -> Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    let aliases: usize = list.iter().map(|r| r.aliases.len()).sum();
    writeln!(
        out,
        "\n{} route traffic to published versions without Active tracing, which this does not change:",
        count(aliases, "alias", "aliases")
    )?;
    for r in list {
        for (alias, stale) in &r.aliases {
            let stale: Vec<String> = stale
                .iter()
                .map(|(v, mode, w)| {
                    format!("version {v} ({mode}, {:.0}% of its traffic)", w * 100.0)
                })
                .collect();
            writeln!(
                out,
                "  {}:{alias} ({}) → {}",
                r.function,
                r.region,
                stale.join(", ")
            )?;
        }
    }
    writeln!(out, "{}", versions::WHY)?;
    for r in list {
        for line in versions::commands(r) {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

/// The closing table; returns whether anything failed or was left alone. `since` says
/// when the targets were last seen as expected ("the plan was read").
fn print_closing(
    out: &mut impl Write,
    outcomes: &[Outcome],
    plan: &Plan,
    since: &str,
) -> Result<bool> {
    let kinds = ["role policies", "functions", "REST stages"];
    let kind = |t: &Target| match t {
        Target::RolePolicy { .. } => 0,
        Target::FunctionTracing { .. } => 1,
        Target::StageTracing { .. } => 2,
    };
    // [kind][changed, already fine, left alone, failed, not changed]
    let mut table = [[0usize; 5]; 3];
    for o in outcomes {
        let column = match o.status {
            Status::Changed => 0,
            Status::AlreadyFine => 1,
            Status::LeftAlone(_) => 2,
            Status::Failed(_) => 3,
        };
        table[kind(&o.target)][column] += 1;
    }
    for t in &plan.fine {
        table[kind(t)][1] += 1;
    }
    for b in &plan.blocked {
        table[0][4] += 1;
        table[1][4] += b.functions.len();
    }
    writeln!(
        out,
        "\n{:<14} {:>8} {:>13} {:>11} {:>7} {:>12}",
        "", "changed", "already fine", "left alone", "failed", "not changed"
    )?;
    for (k, row) in kinds.iter().zip(table) {
        if row.iter().any(|n| *n > 0) {
            writeln!(
                out,
                "{k:<14} {:>8} {:>13} {:>11} {:>7} {:>12}",
                row[0], row[1], row[2], row[3], row[4]
            )?;
        }
    }
    let left: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::LeftAlone(_)))
        .collect();
    if !left.is_empty() {
        writeln!(
            out,
            "\nChanged by someone else since {since}, so left alone ({}):",
            left.len()
        )?;
        for o in &left {
            if let Status::LeftAlone(why) = &o.status {
                writeln!(out, "  {}: {why}", o.target.arn())?;
            }
        }
    }
    let failures: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed(_)))
        .collect();
    if !failures.is_empty() {
        writeln!(out, "\nFailed ({}):", failures.len())?;
        for o in &failures {
            if let Status::Failed(why) = &o.status {
                writeln!(out, "  {}: {why}", o.target.arn())?;
            }
        }
    }
    print_blocked(out, plan)?;
    Ok(!failures.is_empty() || !left.is_empty())
}

fn print_blocked(out: &mut impl Write, plan: &Plan) -> Result<()> {
    if plan.blocked.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nNot changed, because a person needs to decide:")?;
    for b in &plan.blocked {
        writeln!(out, "  {}: {}", b.target.arn(), b.reason)?;
        if !b.functions.is_empty() {
            let names: Vec<&str> = b
                .functions
                .iter()
                .map(|f| match f {
                    Target::FunctionTracing { function, .. } => function.as_str(),
                    other => other.arn(),
                })
                .collect();
            writeln!(
                out,
                "    so {} stay{} as {} (Lambda refuses Active tracing while the role cannot write traces): {}",
                count(names.len(), "function", "functions"),
                if names.len() == 1 { "s" } else { "" },
                if names.len() == 1 {
                    "it is"
                } else {
                    "they are"
                },
                names.join(", ")
            )?;
        }
    }
    Ok(())
}

/// A progress bar over the steps, on stderr when it is a terminal.
struct StepBar(Option<indicatif::ProgressBar>);

impl StepBar {
    fn new(steps: usize) -> StepBar {
        if !std::io::stderr().is_terminal() {
            return StepBar(None);
        }
        let bar = indicatif::ProgressBar::new(steps as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .expect("a valid template"),
        );
        StepBar(Some(bar))
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl enable::Progress for StepBar {
    fn finished(&self, outcome: &Outcome) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            bar.set_message(outcome.target.describe());
        }
    }
}
