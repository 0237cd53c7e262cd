//! xray-setup: audit and fix AWS X-Ray tracing across Terraform trees and AWS accounts.
//!
//! One flow: a source (a Terraform tree, an account) builds the [`model::Inventory`];
//! [`rules`] read it and emit [`Finding`]s; [`report`]ers turn findings into bytes.
//! The library prints nothing.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cost;
pub mod enable;
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

pub use finding::{Finding, Severity};

use model::Inventory;
use source::terraform::{ScanError, Variables};
use std::path::PathBuf;

/// The outcome of an audit.
#[derive(Debug)]
pub struct Audit {
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    /// Paths skipped while walking (symlink loops, unreadable directories).
    pub warnings: Vec<String>,
}

/// Runs every rule over an inventory read from anywhere (an account, a plan).
pub fn audit_inventory(inventory: Inventory, options: &rules::Options) -> Audit {
    let findings = rules::check(&inventory, options);
    Audit {
        inventory,
        findings,
        warnings: Vec::new(),
    }
}

/// Audits Terraform trees: scan every PATH, evaluate every root, run every rule.
pub fn audit_terraform(
    paths: &[PathBuf],
    variables: &Variables,
    options: &rules::Options,
) -> Result<Audit, ScanError> {
    let scan = source::terraform::scan(paths, variables)?;
    let findings = rules::check(&scan.inventory, options);
    Ok(Audit {
        inventory: scan.inventory,
        findings,
        warnings: scan.warnings,
    })
}
