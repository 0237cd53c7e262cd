//! What rules report.

use crate::fix::Remedy;
use crate::model::{Meta, Origin};
use crate::rules::Rule;

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
    /// The root module's directory (or the region for an account).
    pub root: String,
    /// Where to point: the attribute at fault, else the resource.
    pub origin: Option<Origin>,
    /// The resource block's header: inline suppressions above it apply.
    pub header: Option<Origin>,
    /// Other places that explain the finding: where a value comes from, the functions
    /// a role serves.
    pub related: Vec<Related>,
    /// What would fix it.
    pub remedy: Option<Remedy>,
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

    /// A finding of `rule` on the resource `meta` describes, pointing at `at` when given
    /// and at the resource otherwise.
    pub fn new(rule: &Rule, meta: &Meta, at: Option<&Origin>, message: String) -> Finding {
        let message = match &meta.repeated {
            // A representative instance stands for every instance the block creates.
            Some(what) => format!(
                "{message} (this holds for each instance `{}` creates; how many is not known offline: {what})",
                meta.address
            ),
            None => message,
        };
        Finding {
            rule: rule.code,
            name: rule.name,
            severity: rule.severity,
            message,
            resource: meta.address.clone(),
            root: meta.root.clone(),
            origin: at.or(meta.origin.as_ref()).cloned(),
            header: meta.origin.clone(),
            related: Vec::new(),
            remedy: None,
        }
    }
}
