//! What would fix a finding: rules build it from the model, `fix` renders it as edits.

use crate::model::{Meta, Origin, Step};
use std::borrow::Cow;

/// What would fix a finding, independent of any output format.
#[derive(Debug, Clone, PartialEq)]
pub enum Remedy {
    /// Make an argument this literal: edit the place its value is decided (the literal in
    /// the resource, a variable default, a tfvars entry, a module argument), or insert it
    /// into `block` when nothing sets it.
    Set {
        /// The argument: `mode`, `xray_tracing_enabled`.
        name: &'static str,
        /// The literal, as HCL: `"Active"`, `true`, `0.05`.
        value: Cow<'static, str>,
        /// Where the argument is written, if it is.
        at: Option<Origin>,
        /// How its value gets there (from `Setting::source`).
        source: Vec<Step>,
        /// The block to insert it into when it is not written.
        block: Option<Origin>,
        /// When inserting: wrap it in a nested block of this type (`tracing_config`).
        nested: Option<&'static str>,
    },
    /// Attach AWSXRayDaemonWriteAccess to a role, in a new resource right after it.
    AttachWritePolicy { role: Meta },
    /// Add AWSXRayDaemonWriteAccess to an exclusive list of a role's managed policies
    /// (`managed_policy_arns`, `policy_arns` of `aws_iam_role_policy_attachments_exclusive`),
    /// where an attachment beside the list would be detached on the next apply.
    AddWritePolicyToList {
        /// How messages name the list: "`managed_policy_arns` of `aws_iam_role.app`".
        list: String,
        /// The argument that writes it.
        at: Option<Origin>,
    },
    /// Every one of these.
    All(Vec<Remedy>),
    /// Nothing automatic: what a person should change.
    Manual(String),
}
