//! What rules report. Depends on the model only: rules build findings (see
//! `Rule::finding`), reporters and fixes read them.

mod remedy;

pub use remedy::Remedy;

use crate::model::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The Terraform address inside its root (or the ARN for an account).
    pub resource: String,
    /// The root module's directory (or the account id for an account).
    pub root: String,
    /// The account the resource is in: known for an account audit, `None` for Terraform.
    pub account: Option<String>,
    /// The region the resource is in, when its name is known.
    pub region: Option<String>,
    /// Where to point: the attribute at fault, else the resource.
    pub origin: Option<Origin>,
    /// The resource block's header: inline suppressions above it apply.
    pub header: Option<Origin>,
    /// Other places that explain the finding: where a value comes from, the functions
    /// a role serves.
    pub related: Vec<Related>,
    /// What would fix it.
    pub remedy: Option<Remedy>,
    /// For a drift finding: the value the code declares and the one the account runs.
    pub drift: Option<Drift>,
}

/// Two sides of a drift finding, as messages write them (`"Active"`, `absent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub declared: String,
    pub actual: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub message: String,
    pub origin: Option<Origin>,
}

impl Finding {
    pub fn with_remedy(mut self, remedy: Remedy) -> Finding {
        self.remedy = Some(remedy);
        self
    }
}
