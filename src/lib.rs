//! xray-setup: audit and fix AWS X-Ray tracing across Terraform trees and AWS accounts.
//!
//! One flow: a source (a Terraform tree, an account) builds the [`model::Inventory`];
//! [`rules`] read it and emit [`Finding`]s; [`report`]ers turn findings into bytes.
//! The library prints nothing.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod account_write;
pub mod atomic;
pub mod aws_client;
pub mod cost;
pub mod drift;
pub mod enable;
pub mod files;
pub mod finding;
pub mod fix;
pub mod generate;
pub mod iam;
pub mod model;
pub mod policy;
pub mod report;
pub mod rules;
pub mod sampling;
pub mod source;
pub mod text;

pub use finding::{Finding, Severity};

use model::{Inventory, Origin};
use source::terraform::{Excludes, Scan, ScanError, Target, Variables};
use std::collections::HashMap;

/// The outcome of an audit.
#[derive(Debug)]
pub struct Audit {
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    /// Paths skipped while walking (symlink loops, unreadable directories).
    pub warnings: Vec<String>,
    /// Which PATH's config judges each finding, and which files are excluded.
    pub places: policy::Places,
}

/// Runs every rule over an inventory read from anywhere (an account, a plan).
pub fn audit_inventory(inventory: Inventory, options: &rules::Options) -> Audit {
    let findings = rules::check(&inventory, options);
    Audit {
        inventory,
        findings,
        warnings: Vec::new(),
        places: policy::Places::default(),
    }
}

/// Scans every PATH of `scopes`, leaving unread what its config excludes.
pub fn scan_terraform(scopes: &policy::Scopes, variables: &Variables) -> Result<Scan, ScanError> {
    let targets: Vec<Target> = scopes
        .scopes
        .iter()
        .map(|s| Target {
            path: &s.path,
            exclude: (!s.exclude.is_empty()).then_some(&s.exclude as &dyn Excludes),
        })
        .collect();
    source::terraform::scan(&targets, variables)
}

/// Audits Terraform trees: scan every PATH (leaving out what its config excludes),
/// evaluate every root, run every rule. Each root's findings are judged by the config of
/// the PATH it was found under, `lambda_mode` included: when PATHs' configs disagree, the
/// rules run once per mode and each root keeps the findings of its own.
/// `options.lambda_mode` is not used.
pub fn audit_terraform(
    scopes: &policy::Scopes,
    variables: &Variables,
    options: &rules::Options,
) -> Result<Audit, ScanError> {
    let scan = scan_terraform(scopes, variables)?;
    let scope_of = scope_of(&scan);
    let mut modes: Vec<rules::LambdaMode> = Vec::new();
    for c in &scopes.configs {
        if !modes.contains(&c.lambda_mode) {
            modes.push(c.lambda_mode);
        }
    }
    let mut findings = Vec::new();
    for &mode in &modes {
        let options = rules::Options {
            lambda_mode: mode,
            ..options.clone()
        };
        let all = rules::check(&scan.inventory, &options);
        if modes.len() == 1 {
            findings = all;
        } else {
            findings.extend(
                all.into_iter()
                    .filter(|f| scopes.config(scope_of(f)).lambda_mode == mode),
            );
        }
    }
    if modes.len() > 1 {
        rules::sort(&mut findings, &scan.inventory);
    }
    let places = places(&scan, &findings, &scope_of);
    drop(scope_of);
    Ok(Audit {
        inventory: scan.inventory,
        findings,
        warnings: scan.warnings,
        places,
    })
}

/// Which PATH (its index) each finding belongs to: its root's; for one not about a
/// root's resources (a file that does not parse), the PATH that read its file.
fn scope_of(scan: &Scan) -> impl Fn(&Finding) -> usize + '_ {
    let roots: HashMap<&str, usize> = scan.roots.iter().map(|(r, t)| (r.as_str(), *t)).collect();
    move |f: &Finding| -> usize {
        roots
            .get(f.root.as_str())
            .copied()
            .unwrap_or_else(|| match &f.origin {
                Some(Origin::File { file, .. }) => {
                    scan.file_target.get(file.0 as usize).copied().unwrap_or(0)
                }
                _ => 0,
            })
    }
}

fn places(
    scan: &Scan,
    findings: &[Finding],
    scope_of: &impl Fn(&Finding) -> usize,
) -> policy::Places {
    policy::Places {
        findings: findings.iter().map(scope_of).collect(),
        files: scan.file_target.clone(),
        excluded: scan.excluded.clone(),
    }
}

/// Compares Terraform trees with an account read (`live`): every PATH scanned as `audit`
/// scans it, then [`drift::compare`]. Its findings come back in the `Audit`, judged by
/// their root's PATH as an audit's are; the rest of what drift found in the `Outcome`.
pub fn drift_terraform(
    scopes: &policy::Scopes,
    variables: &Variables,
    live: &Inventory,
    options: &drift::Options,
) -> Result<(Audit, drift::Outcome), ScanError> {
    let scan = scan_terraform(scopes, variables)?;
    let mut outcome = drift::compare(&scan.inventory, live, options);
    let findings = std::mem::take(&mut outcome.findings);
    let places = places(&scan, &findings, &scope_of(&scan));
    let audit = Audit {
        inventory: scan.inventory,
        findings,
        warnings: scan.warnings,
        places,
    };
    Ok((audit, outcome))
}
