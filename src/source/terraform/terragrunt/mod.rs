//! Terragrunt units as root modules: a directory with a `terragrunt.hcl` names a module
//! (`terraform { source }`) and passes it `inputs`, often inherited through `include`
//! from parent folders. Each unit is evaluated as Terragrunt would before running
//! `terraform plan` in its working directory: its configuration language (`locals`,
//! `include` with its merge strategies, `read_terragrunt_config`, `dependency`,
//! `generate`, Terragrunt's functions), then the module it sources, with the unit's
//! files and generated files beside it and its inputs as `TF_VAR_` values.
//!
//! The parts:
//! - `files.rs`: Terragrunt's own files, each read and parsed once;
//! - `scope.rs`: evaluating expressions of one file (names and functions);
//! - `functions.rs`: Terragrunt's functions;
//! - `config.rs`: one file evaluated as a configuration (what `include` and
//!   `read_terragrunt_config` see);
//! - `merge.rs`: `include`'s merge strategies;
//! - `unit.rs`: a whole unit: includes, merge, its source, and the module it runs;
//! - `stack.rs`: the units a `terragrunt.stack.hcl` generates from templates.
//!
//! Behaviour follows Terragrunt's documentation (terragrunt.gruntwork.io/docs/reference/
//! hcl/blocks, /hcl/attributes, /hcl/functions), cited where it matters.

mod config;
mod files;
mod functions;
mod merge;
mod scope;
mod stack;
mod unit;

use super::cty::{Value, Why};
use crate::model::{FileId, InvalidConfig, Span, Unaudited};
use std::collections::HashMap;

pub use unit::{Host, load_units};

/// The configuration file that makes a directory a Terragrunt unit.
pub const UNIT_FILE: &str = "terragrunt.hcl";
/// A Terragrunt stack: units generated from templates (`unit` blocks).
pub const STACK_FILE: &str = "terragrunt.stack.hcl";
/// Beside a unit a stack generated: the `values` its `unit` block gave.
const VALUES_FILE: &str = "terragrunt.values.hcl";

/// One entry of a unit's `inputs`, after includes are merged.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: Box<str>,
    pub value: Value,
    /// The file and the value's expression that set it (the last writer after a merge).
    pub file: FileId,
    pub span: Span,
    /// Whether that expression is a literal, so editing it changes the value.
    pub literal: bool,
}

/// A unit's values for its module's root variables.
#[derive(Debug, Default)]
pub struct Unit {
    pub inputs: Vec<Input>,
    /// Variable files and values its `extra_arguments` pass to `plan`, in order: they
    /// come before the command line's own, which win.
    pub var_files: Vec<super::module::Tfvars>,
    pub vars: Vec<(String, String)>,
    /// `inputs` as a whole could not be known (an expression only a run can tell): any
    /// root variable may be set by it.
    pub inputs_unknown: Option<Why>,
}

/// What loading the units found, beside the modules they run.
#[derive(Debug, Default)]
pub struct Units {
    /// The unit of each module evaluated as a unit's working directory, by module index.
    pub by_module: HashMap<usize, Unit>,
    /// How many units read each Terragrunt file (a parent several units include).
    pub readers: HashMap<FileId, u32>,
    /// What Terragrunt would refuse.
    pub invalid: Vec<InvalidConfig>,
    /// Units whose module could not be read (a remote source not downloaded).
    pub unaudited: Vec<Unaudited>,
    /// Which values came from where, for the reader (mock outputs used).
    pub notes: Vec<String>,
}
