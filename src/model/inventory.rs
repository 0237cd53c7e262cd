//! The Inventory: every tracing-relevant thing a source found, in one shape.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use super::{Field, FileId, Origin, SourceFile, Step};

#[derive(Debug, Default)]
pub struct Inventory {
    pub files: Vec<SourceFile>,
    pub functions: Vec<Function>,
    pub rest_stages: Vec<RestStage>,
    pub http_stages: Vec<HttpStage>,
    pub state_machines: Vec<StateMachine>,
    pub appsync_apis: Vec<AppSyncApi>,
    pub roles: Vec<Role>,
    pub role_policies: Vec<RolePolicy>,
    pub policies: Vec<Policy>,
    pub attachments: Vec<PolicyAttachment>,
    pub exclusive_attachments: Vec<ExclusiveAttachments>,
    pub exclusive_policies: Vec<ExclusivePolicies>,
    pub sampling_rules: Vec<SamplingRule>,
    /// Who invokes functions: for `lambda_mode = "upstream-traced"`.
    pub permissions: Vec<LambdaPermission>,
    pub event_source_mappings: Vec<EventSourceMapping>,
    pub rest_integrations: Vec<RestIntegration>,
    /// Things that could not be audited at all (a module not on disk, an unknown count).
    pub unaudited: Vec<Unaudited>,
    /// Files that could not be read or parsed.
    pub problems: Vec<FileProblem>,
    /// What Terraform would refuse (`terraform validate` or `plan` errors).
    pub invalid: Vec<InvalidConfig>,
    /// Where evaluation stopped at a limit (`[limits]`): what was not computed.
    pub limited: Vec<EvaluationLimit>,
    /// Parts of an account that could not be read.
    pub unread: Vec<UnreadPart>,
    /// `files` grouped by directory, built on first use; `add_file` clears it.
    by_directory: OnceLock<HashMap<PathBuf, Vec<FileId>>>,
}

impl Inventory {
    /// Moves another inventory's items (not its files) into this one.
    pub fn absorb(&mut self, other: Inventory) {
        self.functions.extend(other.functions);
        self.rest_stages.extend(other.rest_stages);
        self.http_stages.extend(other.http_stages);
        self.state_machines.extend(other.state_machines);
        self.appsync_apis.extend(other.appsync_apis);
        self.roles.extend(other.roles);
        self.role_policies.extend(other.role_policies);
        self.policies.extend(other.policies);
        self.attachments.extend(other.attachments);
        self.exclusive_attachments
            .extend(other.exclusive_attachments);
        self.exclusive_policies.extend(other.exclusive_policies);
        self.sampling_rules.extend(other.sampling_rules);
        self.permissions.extend(other.permissions);
        self.event_source_mappings
            .extend(other.event_source_mappings);
        self.rest_integrations.extend(other.rest_integrations);
        self.unaudited.extend(other.unaudited);
        self.problems.extend(other.problems);
        self.invalid.extend(other.invalid);
        self.limited.extend(other.limited);
        self.unread.extend(other.unread);
    }

    /// Adds a file after the scan (the config, for notes that point into it).
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        // Grouped again on next use, now with this file.
        self.by_directory.take();
        FileId((self.files.len() - 1) as u32)
    }

    /// The files in the same directory (the same module) as `file`, itself included.
    /// Grouped once, so asking for every finding stays linear in the tree.
    pub fn files_beside(&self, file: FileId) -> &[FileId] {
        let groups = self.by_directory.get_or_init(|| {
            let mut groups: HashMap<PathBuf, Vec<FileId>> = HashMap::new();
            for (i, f) in self.files.iter().enumerate() {
                let dir = f.path.parent().unwrap_or(&f.path).to_path_buf();
                groups.entry(dir).or_default().push(FileId(i as u32));
            }
            groups
        });
        self.files
            .get(file.0 as usize)
            .and_then(|f| groups.get(f.path.parent().unwrap_or(&f.path)))
            .map_or(&[], Vec::as_slice)
    }

    /// How many resource instances the audit looked at.
    pub fn resource_count(&self) -> usize {
        self.functions.len()
            + self.rest_stages.len()
            + self.http_stages.len()
            + self.state_machines.len()
            + self.appsync_apis.len()
            + self.roles.len()
            + self.role_policies.len()
            + self.policies.len()
            + self.attachments.len()
            + self.exclusive_attachments.len()
            + self.exclusive_policies.len()
            + self.sampling_rules.len()
            + self.permissions.len()
            + self.event_source_mappings.len()
            + self.rest_integrations.len()
    }
}

/// What every inventoried resource carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// The Terraform address inside its root module, or the ARN for an account.
    pub address: String,
    /// The root module's directory relative to the PATH given (`"."` for PATH itself),
    /// or the account id for an account.
    pub root: String,
    /// The account id, for a resource read from an account; `None` for Terraform.
    pub account: Option<String>,
    /// The resource block's header (or the module call's that creates it).
    pub origin: Option<Origin>,
    /// The whole block, where fixes insert what is missing.
    pub block: Option<Origin>,
    /// For a representative instance (`aws_lambda_function.f[*]`): what the number of
    /// instances depends on, which is not known offline.
    pub repeated: Option<String>,
    /// The region the resource is created in, and by which provider configuration.
    pub region: Option<Region>,
}

/// Where a resource lives: its region (as far as it is known) and the provider
/// configuration that decides it. Two resources with the same configuration are in the
/// same region even when which one is not known offline.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub name: Field<String>,
    /// The provider configuration: `aws`, `aws.west`, `module.x: aws.west`; for an
    /// account, the region itself.
    pub provider: String,
}

impl Region {
    /// What groups resources that share a region: its name when known, else the
    /// provider configuration that decides it.
    pub fn key(&self) -> &str {
        match &self.name {
            Field::Known(n) => n,
            _ => &self.provider,
        }
    }
}

/// A setting together with where it is written and how its value got there.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: Field<T>,
    /// The attribute (or block) that sets it; `None` when it is not written at all.
    pub at: Option<Origin>,
    /// From the attribute to the literal that decides the value.
    pub source: Vec<Step>,
}

impl<T> Setting<T> {
    pub fn unset() -> Setting<T> {
        Setting {
            value: Field::Unset,
            at: None,
            source: Vec::new(),
        }
    }

    pub fn known(value: T) -> Setting<T> {
        Setting {
            value: Field::Known(value),
            at: None,
            source: Vec::new(),
        }
    }
}

/// How a resource names another: by address in the same root, by a literal (ARN or
/// name), or not knowably.
#[derive(Debug, Clone, PartialEq)]
pub enum Reference {
    /// A resource in the same root, by address: `module.iam.aws_iam_role.this[0]`.
    Address(String),
    /// A literal ARN or name.
    Literal(String),
    Unset,
    Unknown(super::Unresolved),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub meta: Meta,
    pub name: Setting<String>,
    /// `tracing_config.mode`.
    pub tracing_mode: Setting<String>,
    /// The execution role.
    pub role: Reference,
    /// Where `role` is written, for related locations.
    pub role_at: Option<Origin>,
    /// Set when the function comes from a `terraform-aws-modules/lambda/aws` call that is
    /// not on disk: the tracing inputs were read from the call.
    pub module_call: Option<LambdaModuleCall>,
}

/// What a `terraform-aws-modules/lambda/aws` call says about tracing and its role.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaModuleCall {
    /// The call's address: `module.api_fn`.
    pub address: String,
    pub attach_tracing_policy: Setting<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RestStage {
    pub meta: Meta,
    pub stage_name: Setting<String>,
    pub rest_api: Reference,
    /// `xray_tracing_enabled`.
    pub tracing_enabled: Setting<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpStage {
    pub meta: Meta,
    pub stage_name: Setting<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StateMachine {
    pub meta: Meta,
    /// `tracing_configuration.enabled`.
    pub tracing_enabled: Setting<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppSyncApi {
    pub meta: Meta,
    /// `xray_enabled`.
    pub xray_enabled: Setting<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub meta: Meta,
    /// For a role a `terraform-aws-modules/lambda/aws` call creates from its inputs: the
    /// call's address (`module.api_fn`), which findings name.
    pub created_by: Option<String>,
    pub name: Setting<String>,
    /// `inline_policy` blocks: their policy JSON (an empty `inline_policy {}` has none);
    /// for an account, the role's inline policies.
    pub inline_policies: Vec<Setting<String>>,
    /// Set when `inline_policy` blocks are configured, one empty `inline_policy {}`
    /// included: after apply the role's inline policies are exactly those blocks, and
    /// Terraform deletes any other (an `aws_iam_role_policy` beside them) on every apply.
    pub inline_policies_exclusive: Option<Exclusive>,
    /// `managed_policy_arns`; for an account, the policies attached to the role.
    pub managed_policy_arns: Vec<Reference>,
    /// Set when `managed_policy_arns` is configured, `[]` included: after apply the
    /// role's attached managed policies are exactly that list, and Terraform detaches any
    /// other (an `aws_iam_role_policy_attachment` beside it) on every apply.
    pub managed_policy_arns_exclusive: Option<Exclusive>,
    pub permissions_boundary: Reference,
}

/// An exclusive list in a Terraform configuration: after `terraform apply` the role has
/// exactly the policies of its kind that the list names. (registry.terraform.io,
/// hashicorp/aws: `aws_iam_role`, "managed_policy_arns" and "inline_policy";
/// `aws_iam_role_policy_attachments_exclusive`; `aws_iam_role_policies_exclusive`.)
/// What AWS reports for an account is already the state after apply: no source there
/// sets one.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusive {
    /// Where the list is written: the argument (`managed_policy_arns = [...]`), or the
    /// first `inline_policy` block.
    pub at: Option<Origin>,
}

/// `aws_iam_role_policy`: an inline policy on a role.
#[derive(Debug, Clone, PartialEq)]
pub struct RolePolicy {
    pub meta: Meta,
    pub name: Setting<String>,
    pub role: Reference,
    /// The policy JSON.
    pub policy: Setting<String>,
}

/// `aws_iam_policy`: a customer managed policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub meta: Meta,
    pub name: Setting<String>,
    pub policy: Setting<String>,
}

/// `aws_iam_role_policy_attachment` and `aws_iam_policy_attachment`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyAttachment {
    pub meta: Meta,
    pub roles: Vec<Reference>,
    pub policy_arn: Reference,
}

/// `aws_iam_role_policy_attachments_exclusive`: the only managed policies a role keeps
/// attached; Terraform detaches any other on every apply.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusiveAttachments {
    pub meta: Meta,
    pub role: Reference,
    pub policy_arns: Vec<Reference>,
    /// Where `policy_arns` is written.
    pub policy_arns_at: Option<Origin>,
}

/// `aws_iam_role_policies_exclusive`: the only inline policies a role keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusivePolicies {
    pub meta: Meta,
    pub role: Reference,
    pub policy_names: Setting<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SamplingRule {
    pub meta: Meta,
    pub rule_name: Setting<String>,
    pub priority: Setting<f64>,
    pub fixed_rate: Setting<f64>,
    pub reservoir_size: Setting<f64>,
    pub version: Setting<f64>,
    pub service_name: Setting<String>,
    pub service_type: Setting<String>,
    pub host: Setting<String>,
    pub http_method: Setting<String>,
    pub url_path: Setting<String>,
    pub resource_arn: Setting<String>,
    pub attributes: Setting<Vec<(String, String)>>,
}

/// `aws_lambda_permission`: a principal allowed to invoke a function.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaPermission {
    pub meta: Meta,
    /// `function_name`: the function's name or ARN, or its address.
    pub function: Reference,
    pub principal: Setting<String>,
    /// `source_arn`: for API Gateway, the API's address when it is built from one.
    pub source: Reference,
}

/// `aws_lambda_event_source_mapping`: a queue or stream that invokes a function.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSourceMapping {
    pub meta: Meta,
    pub function: Reference,
    pub event_source: Reference,
}

/// `aws_api_gateway_integration`: a REST API method's backend.
#[derive(Debug, Clone, PartialEq)]
pub struct RestIntegration {
    pub meta: Meta,
    pub rest_api: Reference,
    /// `uri`: for a Lambda proxy, the function's address when built from its `invoke_arn`.
    pub uri: Reference,
}

/// Something the audit could not look inside.
#[derive(Debug, Clone, PartialEq)]
pub struct Unaudited {
    pub meta: Meta,
    /// What could not be known, e.g. "the resources of this module".
    pub subject: String,
    pub what: super::Unresolved,
}

/// A configuration Terraform would refuse, where and why (in Terraform's words).
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidConfig {
    pub origin: Origin,
    /// The root module whose evaluation found it.
    pub root: String,
    pub summary: String,
    pub detail: String,
}

/// An expression or block whose evaluation stopped at a limit: its value is unknown, or
/// the block was audited through a representative instance, or not at all.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationLimit {
    pub origin: Origin,
    /// The root module whose evaluation stopped.
    pub root: String,
    /// Which limit, and what would have been needed.
    pub what: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileProblem {
    pub origin: Origin,
    pub message: String,
}

/// The `root` of what an account audit reports: the account id, or `"account"` when no
/// ARN read named it.
pub fn account_root(account: Option<&str>) -> String {
    account.unwrap_or("account").to_string()
}

/// A part of an account that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct UnreadPart {
    /// The account id, when the audit learnt it.
    pub account: Option<String>,
    pub region: String,
    pub what: String,
    /// The call that failed: `lambda:ListFunctions`.
    pub operation: String,
    pub message: String,
    /// Denied for lack of a permission (rather than failing).
    pub denied: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> SourceFile {
        SourceFile::new(path.into(), path.into(), "".into())
    }

    #[test]
    fn files_beside_groups_by_directory_and_sees_added_files() {
        let mut inv = Inventory::default();
        for path in ["a/main.tf", "b/main.tf", "a/vars.tf"] {
            inv.add_file(file(path));
        }
        assert_eq!(inv.files_beside(FileId(0)), [FileId(0), FileId(2)]);
        assert_eq!(inv.files_beside(FileId(1)), [FileId(1)]);
        let added = inv.add_file(file("b/outputs.tf"));
        assert_eq!(inv.files_beside(FileId(1)), [FileId(1), added]);
        assert!(inv.files_beside(FileId(9)).is_empty(), "no such file");
    }
}
