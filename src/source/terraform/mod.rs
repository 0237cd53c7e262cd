//! Terraform trees as a source: walk, parse, evaluate each root, extract the Inventory.

pub mod console;
pub mod cty;
mod early;
pub mod eval;
mod extract;
pub mod ir;
mod json;
mod lambda_module;
pub mod load;
pub mod module;
pub mod parse;
pub mod terragrunt;
#[cfg(test)]
mod testing;

use crate::model::{Inventory, Located};
use eval::{CommandLineValue, Evaluator, Inputs};
pub use load::{Excludes, Target};
use load::{LoadError, Tree};
use rayon::prelude::*;
use std::path::PathBuf;

/// Values for root variables, as on Terraform's command line.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    /// `--var` and `--var-file`, in the order given.
    pub command_line: Vec<VariableArg>,
    /// `TF_VAR_*` environment variables, name without the prefix.
    pub environment: Vec<(String, String)>,
    /// `terraform.workspace`; `None` reads `TF_WORKSPACE` or the root's
    /// `.terraform/environment`, else `default`.
    pub workspace: Option<String>,
    /// `AWS_REGION` or `AWS_DEFAULT_REGION`.
    pub aws_region: Option<String>,
    /// How far evaluation may go: `[limits]` in `.xray-setup.toml`.
    pub limits: eval::budget::Limits,
}

#[derive(Debug, Clone)]
pub enum VariableArg {
    Var { name: String, value: String },
    File(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("--var-file {0}")]
    VarFile(String),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// The result of scanning Terraform: the Inventory and what was skipped on the way.
#[derive(Debug)]
pub struct Scan {
    pub inventory: Inventory,
    /// Paths skipped while walking (symlink loops, unreadable directories).
    pub warnings: Vec<String>,
    /// The target (its index) that read each file of the inventory, by `FileId`.
    pub file_target: Vec<usize>,
    /// Files read although their target excludes them (an excluded module an audited
    /// module calls), by `FileId`.
    pub excluded: Vec<bool>,
    /// Each root module's directory as findings show it (their `root`), and its target.
    pub roots: Vec<(String, usize)>,
    /// Where each instance's arguments are written (`scan_locating` only; empty after
    /// `scan`).
    pub located: Vec<Located>,
}

/// Stack for worker threads: evaluation recurses through chains of variables, locals and
/// module outputs, deeper than the default 2 MiB allows on pathological trees.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// Loads every target (a PATH and what it excludes) and evaluates every root module in
/// parallel into one Inventory.
pub fn scan(targets: &[Target], variables: &Variables) -> Result<Scan, ScanError> {
    scan_with(targets, variables, false)
}

/// Like `scan`, and keeps in `Scan::located` where each instance's arguments are written,
/// for a plan of the same configuration to point at.
pub fn scan_locating(targets: &[Target], variables: &Variables) -> Result<Scan, ScanError> {
    scan_with(targets, variables, true)
}

fn scan_with(targets: &[Target], variables: &Variables, record: bool) -> Result<Scan, ScanError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))?;
    pool.install(|| {
        let mut tree = Tree::load(targets)?;
        let mut inputs = Inputs {
            command_line: Vec::new(),
            environment: variables.environment.clone(),
            workspace: variables.workspace.clone(),
            aws_region: variables.aws_region.clone(),
            limits: variables.limits,
        };
        for arg in &variables.command_line {
            inputs.command_line.push(match arg {
                VariableArg::Var { name, value } => CommandLineValue::Var {
                    name: name.clone(),
                    raw: value.clone(),
                },
                VariableArg::File(path) => {
                    CommandLineValue::File(tree.add_var_file(path).map_err(ScanError::VarFile)?)
                }
            });
        }
        let parts: Vec<(Inventory, Vec<Located>)> = tree
            .roots
            .par_iter()
            .map(|&root| {
                let ev = Evaluator::new(&tree, root, &inputs);
                extract::Extractor::run(&ev, tree.modules[root].display_dir.clone(), record)
            })
            .collect();
        let mut inventory = Inventory::default();
        let mut located = Vec::new();
        for (part, mut places) in parts {
            inventory.absorb(part);
            located.append(&mut places);
        }
        inventory.files = std::mem::take(&mut tree.files);
        inventory.problems = std::mem::take(&mut tree.problems);
        let units = std::mem::take(&mut tree.units);
        inventory.invalid.extend(units.invalid);
        inventory.unaudited.extend(units.unaudited);
        tree.warnings.extend(units.notes);
        let roots = tree
            .roots
            .iter()
            .map(|&r| {
                (
                    tree.modules[r].display_dir.clone(),
                    tree.module_target.get(r).copied().unwrap_or(0),
                )
            })
            .collect();
        Ok(Scan {
            inventory,
            warnings: std::mem::take(&mut tree.warnings),
            file_target: std::mem::take(&mut tree.file_target),
            excluded: std::mem::take(&mut tree.excluded),
            roots,
            located,
        })
    })
}
