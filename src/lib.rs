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
    source::terraform::scan(&targets(scopes), variables)
}

fn targets(scopes: &policy::Scopes) -> Vec<Target<'_>> {
    scopes
        .scopes
        .iter()
        .map(|s| Target {
            path: &s.path,
            exclude: (!s.exclude.is_empty()).then_some(&s.exclude as &dyn Excludes),
        })
        .collect()
}

/// Why a plan could not be audited against the tree it was made from.
#[derive(Debug, thiserror::Error)]
pub enum PlanAuditError {
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error("{plan}: {message}")]
    Roots { plan: String, message: String },
}

/// Audits a plan or a state (`source::plan`): every rule over its Inventory. With `tree`
/// (the PATHs the plan was made from, read as `audit_terraform` reads them), each item
/// points at where the tree writes it, so findings name file and line and inline
/// suppressions apply; the plan is matched to the one root module whose resources it
/// holds. Without, findings name addresses in root `"."`.
pub fn audit_plan(
    document: &source::plan::Document,
    tree: Option<(&policy::Scopes, &Variables)>,
    options: &rules::Options,
) -> Result<Audit, PlanAuditError> {
    let placed = place_plan(document, tree)?;
    let options = match tree {
        Some((scopes, _)) => rules::Options {
            lambda_mode: scopes.config(placed.target).lambda_mode,
            ..options.clone()
        },
        None => options.clone(),
    };
    let findings = rules::check(&placed.inventory, &options);
    Ok(placed.into_audit(findings))
}

/// Compares a plan or a state (`source::plan`, placed in its tree as [`audit_plan`]
/// places it) with an account read (`live`); see [`drift_terraform`].
pub fn drift_plan(
    document: &source::plan::Document,
    tree: Option<(&policy::Scopes, &Variables)>,
    live: &Inventory,
    options: &drift::Options,
) -> Result<(Audit, drift::Outcome), PlanAuditError> {
    let placed = place_plan(document, tree)?;
    let mut outcome = drift::compare(&placed.inventory, live, options);
    let findings = std::mem::take(&mut outcome.findings);
    Ok((placed.into_audit(findings), outcome))
}

/// A plan's or state's Inventory, placed in the tree it was made from when given.
struct Placed {
    inventory: Inventory,
    /// The PATH (its index) whose root the plan was made from.
    target: usize,
    file_target: Vec<usize>,
    excluded: Vec<bool>,
    warnings: Vec<String>,
}

impl Placed {
    fn into_audit(self, findings: Vec<Finding>) -> Audit {
        let places = policy::Places {
            findings: vec![self.target; findings.len()],
            files: self.file_target,
            excluded: self.excluded,
        };
        Audit {
            inventory: self.inventory,
            findings,
            warnings: self.warnings,
            places,
        }
    }
}

fn place_plan(
    document: &source::plan::Document,
    tree: Option<(&policy::Scopes, &Variables)>,
) -> Result<Placed, PlanAuditError> {
    let Some((scopes, variables)) = tree else {
        return Ok(Placed {
            inventory: document.inventory(".", &HashMap::new()),
            target: 0,
            file_target: Vec::new(),
            excluded: Vec::new(),
            warnings: Vec::new(),
        });
    };
    let scan = source::terraform::scan_locating(&targets(scopes), variables)?;
    let plan = document.path().display().to_string();
    let addresses: std::collections::HashSet<String> = document.addresses().into_iter().collect();
    let shared = |root: &str| {
        scan.located
            .iter()
            .filter_map(|l| l.meta.as_ref())
            .filter(|m| m.root == root && addresses.contains(&m.address))
            .count()
    };
    let (root, target) = match scan.roots.as_slice() {
        [] => {
            return Err(PlanAuditError::Roots {
                plan,
                message:
                    "no root module under the PATHs given: give the directory the plan was made in"
                        .into(),
            });
        }
        [one] => one.clone(),
        several => {
            let mut ranked: Vec<(usize, &(String, usize))> =
                several.iter().map(|r| (shared(&r.0), r)).collect();
            ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
            match ranked.as_slice() {
                [(best, r), (next, _), ..] if *best > 0 && best > next => (*r).clone(),
                _ => {
                    let names: Vec<&str> = several.iter().map(|r| r.0.as_str()).collect();
                    return Err(PlanAuditError::Roots {
                        plan,
                        message: format!(
                            "the PATHs hold {} root modules ({}) and the plan's resources do not single one out: give the directory the plan was made in",
                            names.len(),
                            names.join(", ")
                        ),
                    });
                }
            }
        }
    };
    let located: HashMap<String, model::Located> = scan
        .located
        .into_iter()
        .filter_map(|l| {
            let m = l.meta.as_ref()?;
            let address = (m.root == root).then(|| m.address.clone())?;
            Some((address, l))
        })
        .collect();
    let mut inventory = document.inventory(&root, &located);
    inventory.files = scan.inventory.files;
    inventory.problems = scan.inventory.problems;
    Ok(Placed {
        inventory,
        target,
        file_target: scan.file_target,
        excluded: scan.excluded,
        warnings: scan.warnings,
    })
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
