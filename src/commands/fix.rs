//! `xray-setup fix`: a diff by default, the files changed with --write, and a summary of
//! what was fixed, what was left and why. Temporary files a killed `fix --write` left in
//! the PATHs are mentioned, and removed with --write.

use super::{colour, count, limits, variables};
use crate::cli::FixArgs;
use anyhow::{Result, bail};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use xray_setup::atomic;
use xray_setup::fix;
use xray_setup::model::FileId;
use xray_setup::policy::{self, Date, Scopes};
use xray_setup::rules::{self, Options};
use xray_setup::source::terraform::{VariableArg, Variables};

pub fn run(args: &FixArgs, command_line: Result<Vec<VariableArg>>) -> Result<ExitCode> {
    // Temporary files older than this run were left by one that was killed.
    let started = std::time::SystemTime::now();
    let variables = variables(command_line, args.variables.workspace.as_deref())?;
    let codes = |flag: &str, keys: &[String]| -> Result<Vec<&'static str>> {
        keys.iter()
            .map(|k| match rules::find(k) {
                Some(r) => Ok(r.code),
                None => bail!(
                    "{flag} {k}: no rule has this code or name (`xray-setup rules` lists them)"
                ),
            })
            .collect()
    };
    let (only, skip) = (codes("--rule", &args.rules)?, codes("--skip", &args.skip)?);
    // The team's decisions hold here too: rules turned off and suppressed findings are
    // not fixed.
    // Each PATH is read and judged with its own config, as the audit does.
    let scopes = Scopes::load(args.config.as_deref(), &args.paths)?;
    let variables = Variables {
        limits: limits(&scopes.configs),
        ..variables
    };
    let outcome = xray_setup::audit_terraform(&scopes, &variables, &Options::default())?;
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let mut inventory = outcome.inventory;
    let triage = policy::triage(
        outcome.findings,
        &mut inventory,
        &scopes,
        &outcome.places,
        None,
        Date::today(),
    );
    let outcome = xray_setup::Audit {
        inventory,
        findings: triage.findings,
        warnings: outcome.warnings,
        places: outcome.places,
    };
    let wanted = |f: &xray_setup::Finding| {
        (only.is_empty() || only.contains(&f.rule)) && !skip.contains(&f.rule)
    };
    let run = Run {
        paths: &args.paths,
        write: args.write,
        unsafe_fixes: args.unsafe_fixes,
        colour: colour(args.color, true),
        started,
    };
    fix_findings(&outcome, wanted, &run)
}

/// How fixes are made: where, whether written, which.
pub struct Run<'a> {
    /// Nothing outside them is written.
    pub paths: &'a [PathBuf],
    pub write: bool,
    pub unsafe_fixes: bool,
    pub colour: bool,
    /// When the run started: temporary files older than this were left by a killed run.
    pub started: std::time::SystemTime,
}

/// Fixes the findings `wanted` picks (a diff unless `run.write`) and prints what was
/// fixed, what was left and why. `drift --adopt` fixes its findings through here too.
pub fn fix_findings(
    outcome: &xray_setup::Audit,
    wanted: impl Fn(&xray_setup::Finding) -> bool,
    run: &Run,
) -> Result<ExitCode> {
    let mut plan = fix::plan(
        &outcome.inventory,
        &outcome.findings,
        wanted,
        run.unsafe_fixes,
    );
    // An excluded file is read only when an audited module calls its module; it is
    // someone else's to change, so a fix that would edit it is left.
    let excluded = |file: FileId| {
        outcome
            .places
            .excluded
            .get(file.0 as usize)
            .copied()
            .unwrap_or(false)
    };
    let (fixes, touching): (Vec<_>, Vec<_>) = std::mem::take(&mut plan.fixes)
        .into_iter()
        .partition(|(_, fix)| !fix.edits.iter().any(|e| excluded(e.file)));
    plan.fixes = fixes;
    for (i, fix) in touching {
        let file = fix
            .edits
            .iter()
            .find(|e| excluded(e.file))
            .map(|e| outcome.inventory.files[e.file.0 as usize].display.as_str())
            .unwrap_or_default();
        plan.left.push((
            i,
            format!("the fix edits {file}, which the config's `exclude` leaves out"),
        ));
    }
    let stale = atomic::stale(run.paths, run.started);
    let swept: Vec<(&PathBuf, std::io::Result<()>)> = if run.write {
        stale.iter().map(|p| (p, std::fs::remove_file(p))).collect()
    } else {
        Vec::new()
    };
    let applied = fix::apply(&outcome.inventory, &plan, run.write, run.paths);

    let colour = run.colour;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if !run.write {
        for change in &applied.changes {
            write_diff(&mut out, &fix::diff(change), colour)?;
        }
    }
    let fixed: usize = applied.changes.iter().map(|c| c.findings.len()).sum();
    let verb = if run.write { "Fixed" } else { "Would fix" };
    writeln!(
        out,
        "{verb} {} in {}{}",
        count(fixed, "finding", "findings"),
        count(applied.changes.len(), "file", "files"),
        if run.write || applied.changes.is_empty() {
            "."
        } else {
            " (a dry run: --write applies them)."
        }
    )?;
    if run.write {
        for change in &applied.changes {
            writeln!(out, "  wrote {}", change.display)?;
        }
    }
    let mut left: Vec<(usize, &str)> = plan
        .left
        .iter()
        .map(|(i, why)| (*i, why.as_str()))
        .collect();
    left.extend(applied.conflicts.iter().map(|(i, why)| (*i, why.as_str())));
    if !left.is_empty() {
        writeln!(
            out,
            "Left {} for a person:",
            count(left.len(), "finding", "findings")
        )?;
        for (i, why) in left {
            let f = &outcome.findings[i];
            writeln!(out, "  {} {} ({}): {why}", f.rule, f.resource, f.root)?;
        }
    }
    for p in &applied.problems {
        writeln!(out, "Not written: {}: {}", p.display, p.reason)?;
    }
    if !run.write {
        for p in &stale {
            writeln!(
                out,
                "Found a temporary file an interrupted run left (--write removes it): {}",
                p.display()
            )?;
        }
    }
    for (p, removed) in &swept {
        match removed {
            Ok(()) => writeln!(
                out,
                "Removed a temporary file an interrupted run left: {}",
                p.display()
            )?,
            Err(e) => writeln!(
                out,
                "Not removed: a temporary file an interrupted run left: {}: {e}",
                p.display()
            )?,
        }
    }
    for p in &outcome.inventory.problems {
        if let xray_setup::model::Origin::File { file, .. } = &p.origin {
            let shown = &outcome.inventory.files[file.0 as usize].display;
            writeln!(out, "Not audited, left untouched: {shown}: {}", p.message)?;
        }
    }
    out.flush()?;
    let unswept = swept.iter().any(|(_, removed)| removed.is_err());
    Ok(if applied.problems.is_empty() && !unswept {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A unified diff, its added and removed lines coloured on a terminal.
fn write_diff(out: &mut impl Write, diff: &str, colour: bool) -> std::io::Result<()> {
    for line in diff.lines() {
        let style = match line.as_bytes().first() {
            _ if !colour => "",
            Some(b'+') if !line.starts_with("+++") => "\x1b[32m",
            Some(b'-') if !line.starts_with("---") => "\x1b[31m",
            Some(b'@') => "\x1b[36m",
            _ => "",
        };
        if style.is_empty() {
            writeln!(out, "{line}")?;
        } else {
            writeln!(out, "{style}{line}\x1b[0m")?;
        }
    }
    Ok(())
}
