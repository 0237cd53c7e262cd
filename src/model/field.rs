//! A setting as the audit knows it: known, left unset, or not knowable offline.

use super::{FileId, Origin};

#[derive(Debug, Clone, PartialEq)]
pub enum Field<T> {
    Known(T),
    /// Not set anywhere: the service default applies.
    Unset,
    Unknown(Unresolved),
    /// Written in a way Terraform refuses (an XR998 finding says how): there is no value
    /// to judge.
    Invalid(String),
}

impl<T> Field<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }
}

/// Why a value could not be known, for an XR000 note.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unresolved {
    /// The expression as written, e.g. `var.tracing_mode`.
    pub expression: String,
    pub why: String,
    /// What would resolve it, e.g. "pass --var-file".
    pub hint: Option<String>,
    /// For a string only partly unknown (a policy mentioning an ARN known after apply):
    /// its text, with `marks` where the unknown parts are.
    pub partial: Option<String>,
}

/// Stand-ins for the unknown parts of a partly known string.
pub mod marks {
    /// A value the provider computes (an ARN, an id): specific, never `*`.
    pub const AFTER_APPLY: &str = "«known after apply»";
    /// Any other unknown value: it could be anything, `*` included.
    pub const UNKNOWN: &str = "«unknown»";
}

/// One hop on the way from where a setting is used to the literal that decides it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    /// The variable, local or argument name this hop goes through.
    pub name: String,
    /// The expression this hop reads; `None` for values from the command line or the
    /// environment.
    pub origin: Option<Origin>,
    /// Whether that expression is a literal (so editing it changes the value).
    pub literal: bool,
    /// For a root variable's default: `.tfvars` files in the root that set the variable
    /// but that Terraform loads only when given with `-var-file`.
    pub unloaded_tfvars: Vec<FileId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// The literal written in the resource itself.
    Literal,
    /// A local value.
    Local,
    /// The argument a module call passes.
    ModuleArgument,
    /// An entry in a `.tfvars` file.
    Tfvars,
    /// A variable's `default`.
    VariableDefault,
    /// `--var NAME=VALUE` on the command line.
    CommandLine,
    /// `TF_VAR_NAME` in the environment.
    Environment,
    /// An entry of a Terragrunt unit's `inputs`, in its `terragrunt.hcl` or in a
    /// configuration it includes; `shared_by` is how many units read that file.
    TerragruntInput { shared_by: u32 },
}
