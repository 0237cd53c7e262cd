//! The kinds of resource the audit reads, each described once: its record (what a source
//! fills), the Terraform resource types that create it and how one is read from its
//! arguments (through `Reader`, which the Terraform source implements), the account call
//! that reads it, and how AWS knows an item (for joining code with an account). The list
//! below generates the Inventory's fields and every list over them (see `inventory!`), so
//! a kind added here is carried everywhere, and a kind cannot be in one list and missing
//! from another.
//!
//! Adding a kind: its record and `kind!` here, a line in the list; its account call in
//! `source/aws`; its rule in `rules`. `tests/kinds.rs` fails until the Terraform source
//! fills it, `tests/account.rs` until the account source makes its call.
//! docs/ARCHITECTURE.md walks through an example.

use super::inventory::inventory;
use super::{Meta, Origin, Reader, Reference, Setting};

inventory! {
    functions: Function,
    aliases: LambdaAlias,
    rest_apis: RestApi,
    rest_stages: RestStage,
    http_stages: HttpStage,
    state_machines: StateMachine,
    appsync_apis: AppSyncApi,
    roles: Role,
    role_policies: RolePolicy,
    policies: Policy,
    attachments: PolicyAttachment,
    exclusive_attachments: ExclusiveAttachments,
    exclusive_policies: ExclusivePolicies,
    sampling_rules: SamplingRule,
    /// Who invokes functions: for `lambda_mode = "upstream-traced"`.
    permissions: LambdaPermission,
    event_source_mappings: EventSourceMapping,
    rest_integrations: RestIntegration,
    encryption_configs: EncryptionConfig,
}

/// What every kind says about itself.
pub trait Kind {
    const INFO: KindInfo;
    fn meta(&self) -> &Meta;
    /// How AWS knows this item, for joining what Terraform declares with what an account
    /// runs.
    fn identity(&self) -> Identity;
    /// The item a resource instance of one of `INFO.terraform`'s types configures.
    fn from_terraform(r: &dyn Reader) -> Self
    where
        Self: Sized;
}

/// A kind's description.
#[derive(Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// How messages name one: "Lambda function".
    pub name: &'static str,
    /// The Terraform resource types whose instances are of this kind.
    pub terraform: &'static [&'static str],
    /// The call that reads them from an account; `None` when accounts are not read for
    /// this kind (the relationships Terraform declares as resources of their own, which an
    /// account shows inside the items they join).
    pub account: Option<&'static str>,
    pub scope: Scope,
}

/// Where AWS keeps an item: per account and region, or once per account (IAM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Regional,
    Global,
}

/// How AWS knows an item within its account (and region, for a regional kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// By name: a function's `function_name`, a role's `name`, a sampling rule's
    /// `rule_name`.
    Name(String),
    /// The one item of its kind per account and region (X-Ray's encryption configuration).
    Singleton,
    /// Not known from what was read: a name Terraform generates or one that depends on an
    /// apply, an id AWS assigns (a REST API's); Terraform's state tells it.
    Unknown,
}

/// The identity of an item AWS knows by the name in `setting`.
fn named(setting: &Setting<String>) -> Identity {
    match &setting.value {
        super::Field::Known(name) => Identity::Name(name.clone()),
        _ => Identity::Unknown,
    }
}

/// `impl Kind` for a kind: its description, how its identity is read, and how it is read
/// from a resource's configuration.
macro_rules! kind {
    ($kind:ty, $info:expr, |$item:ident| $identity:expr, |$r:ident| $read:expr) => {
        impl Kind for $kind {
            const INFO: KindInfo = $info;
            fn meta(&self) -> &Meta {
                &self.meta
            }
            fn identity(&self) -> Identity {
                let $item = self;
                $identity
            }
            fn from_terraform($r: &dyn Reader) -> $kind {
                $read
            }
        }
    };
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

kind!(
    Function,
    KindInfo {
        name: "Lambda function",
        terraform: &["aws_lambda_function"],
        account: Some("lambda:ListFunctions"),
        scope: Scope::Regional,
    },
    |f| named(&f.name),
    |r| Function {
        meta: r.meta(),
        name: r.string("function_name"),
        tracing_mode: r.nested_string("tracing_config", "mode"),
        role: r.reference("role"),
        role_at: r.written_at("role"),
        module_call: None,
    }
);

/// What a `terraform-aws-modules/lambda/aws` call says about tracing and its role.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaModuleCall {
    /// The call's address: `module.api_fn`.
    pub address: String,
    pub attach_tracing_policy: Setting<bool>,
}

/// `aws_api_gateway_rest_api`: read for its name, which joins its stages with an
/// account's (AWS gives the API an id; its name is what code and account share).
#[derive(Debug, Clone, PartialEq)]
pub struct RestApi {
    pub meta: Meta,
    pub name: Setting<String>,
}

kind!(
    RestApi,
    KindInfo {
        name: "REST API",
        terraform: &["aws_api_gateway_rest_api"],
        account: Some("apigateway:GetRestApis"),
        scope: Scope::Regional,
    },
    |a| named(&a.name),
    |r| RestApi {
        meta: r.meta(),
        name: r.string("name"),
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct RestStage {
    pub meta: Meta,
    pub stage_name: Setting<String>,
    pub rest_api: Reference,
    /// `xray_tracing_enabled`.
    pub tracing_enabled: Setting<bool>,
}

// The stage's REST API has an id AWS assigns: only state joins it.
kind!(
    RestStage,
    KindInfo {
        name: "REST API stage",
        terraform: &["aws_api_gateway_stage"],
        account: Some("apigateway:GetStages"),
        scope: Scope::Regional,
    },
    |_s| Identity::Unknown,
    |r| RestStage {
        meta: r.meta(),
        stage_name: r.string("stage_name"),
        rest_api: r.reference("rest_api_id"),
        tracing_enabled: r.boolean("xray_tracing_enabled"),
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct HttpStage {
    pub meta: Meta,
    pub stage_name: Setting<String>,
}

kind!(
    HttpStage,
    KindInfo {
        name: "HTTP or WebSocket API stage",
        terraform: &["aws_apigatewayv2_stage"],
        account: Some("apigateway:GetApis"),
        scope: Scope::Regional,
    },
    |_s| Identity::Unknown,
    |r| HttpStage {
        meta: r.meta(),
        stage_name: r.string("name"),
    }
);

/// A Lambda alias and the published versions it routes traffic to. A version keeps the
/// tracing configuration it was published with, whatever `$LATEST` has since: an alias on
/// a version published before tracing was turned on serves untraced invocations.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaAlias {
    pub meta: Meta,
    pub name: Setting<String>,
    /// The function's name.
    pub function: Setting<String>,
    /// The versions it routes to, with their share of its traffic. Empty from Terraform,
    /// which cannot tell the mode a version was published with.
    pub routes: Vec<AliasRoute>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AliasRoute {
    /// The version number, or `$LATEST`.
    pub version: String,
    /// The version's qualified ARN.
    pub arn: String,
    /// The share of the alias's invocations it takes, 0 to 1.
    pub weight: f64,
    /// The mode the version was published with (`PassThrough` when it has none).
    pub tracing_mode: String,
}

kind!(
    LambdaAlias,
    KindInfo {
        name: "Lambda alias",
        terraform: &["aws_lambda_alias"],
        account: Some("lambda:ListAliases"),
        scope: Scope::Regional,
    },
    |a| match (&a.function.value, &a.name.value) {
        (super::Field::Known(f), super::Field::Known(n)) => Identity::Name(format!("{f}:{n}")),
        _ => Identity::Unknown,
    },
    |r| LambdaAlias {
        meta: r.meta(),
        name: r.string("name"),
        function: r.string("function_name"),
        routes: Vec::new(),
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct StateMachine {
    pub meta: Meta,
    pub name: Setting<String>,
    /// `tracing_configuration.enabled`.
    pub tracing_enabled: Setting<bool>,
}

kind!(
    StateMachine,
    KindInfo {
        name: "Step Functions state machine",
        terraform: &["aws_sfn_state_machine"],
        account: Some("states:ListStateMachines"),
        scope: Scope::Regional,
    },
    |m| named(&m.name),
    |r| StateMachine {
        meta: r.meta(),
        name: r.string("name"),
        tracing_enabled: r.nested_boolean("tracing_configuration", "enabled"),
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct AppSyncApi {
    pub meta: Meta,
    /// `xray_enabled`.
    pub xray_enabled: Setting<bool>,
}

kind!(
    AppSyncApi,
    KindInfo {
        name: "AppSync GraphQL API",
        terraform: &["aws_appsync_graphql_api"],
        account: Some("appsync:ListGraphqlApis"),
        scope: Scope::Regional,
    },
    |_a| Identity::Unknown,
    |r| AppSyncApi {
        meta: r.meta(),
        xray_enabled: r.boolean("xray_enabled"),
    }
);

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

kind!(
    Role,
    KindInfo {
        name: "IAM role",
        terraform: &["aws_iam_role"],
        account: Some("iam:GetAccountAuthorizationDetails"),
        scope: Scope::Global,
    },
    |r| named(&r.name),
    |r| {
        // Configured, these lists are exclusive (see `Exclusive`): `inline_policy {}` too,
        // but not a `dynamic` block that makes none.
        let inline_policies_exclusive = (r.block_count("inline_policy") > 0).then(|| Exclusive {
            at: r.block_at("inline_policy"),
        });
        let managed_policy_arns_exclusive = r.is_set("managed_policy_arns").then(|| Exclusive {
            at: r.written_at("managed_policy_arns"),
        });
        Role {
            meta: r.meta(),
            created_by: None,
            name: r.string("name"),
            inline_policies: r.each_nested_string("inline_policy", "policy"),
            inline_policies_exclusive,
            managed_policy_arns: r.references("managed_policy_arns"),
            managed_policy_arns_exclusive,
            permissions_boundary: r.reference("permissions_boundary"),
        }
    }
);

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

// An account shows inline policies inside their role (`Role::inline_policies`).
kind!(
    RolePolicy,
    KindInfo {
        name: "inline role policy",
        terraform: &["aws_iam_role_policy"],
        account: None,
        scope: Scope::Global,
    },
    |_p| Identity::Unknown,
    |r| RolePolicy {
        meta: r.meta(),
        name: r.string("name"),
        role: r.reference("role"),
        policy: r.string("policy"),
    }
);

/// `aws_iam_policy`: a customer managed policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub meta: Meta,
    pub name: Setting<String>,
    pub policy: Setting<String>,
}

kind!(
    Policy,
    KindInfo {
        name: "customer managed policy",
        terraform: &["aws_iam_policy"],
        account: Some("iam:GetAccountAuthorizationDetails"),
        scope: Scope::Global,
    },
    |p| named(&p.name),
    |r| Policy {
        meta: r.meta(),
        name: r.string("name"),
        policy: r.string("policy"),
    }
);

/// `aws_iam_role_policy_attachment` and `aws_iam_policy_attachment`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyAttachment {
    pub meta: Meta,
    pub roles: Vec<Reference>,
    pub policy_arn: Reference,
}

// An account shows attachments inside their role (`Role::managed_policy_arns`).
kind!(
    PolicyAttachment,
    KindInfo {
        name: "policy attachment",
        terraform: &[
            "aws_iam_role_policy_attachment",
            "aws_iam_policy_attachment"
        ],
        account: None,
        scope: Scope::Global,
    },
    |_a| Identity::Unknown,
    |r| PolicyAttachment {
        meta: r.meta(),
        roles: match r.resource_type() {
            "aws_iam_policy_attachment" => r.references("roles"),
            _ => vec![r.reference("role")],
        },
        policy_arn: r.reference("policy_arn"),
    }
);

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

kind!(
    ExclusiveAttachments,
    KindInfo {
        name: "exclusive policy attachments",
        terraform: &["aws_iam_role_policy_attachments_exclusive"],
        account: None,
        scope: Scope::Global,
    },
    |_e| Identity::Unknown,
    |r| ExclusiveAttachments {
        meta: r.meta(),
        role: r.reference("role_name"),
        policy_arns: r.references("policy_arns"),
        policy_arns_at: r.written_at("policy_arns"),
    }
);

/// `aws_iam_role_policies_exclusive`: the only inline policies a role keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusivePolicies {
    pub meta: Meta,
    pub role: Reference,
    pub policy_names: Setting<Vec<String>>,
}

kind!(
    ExclusivePolicies,
    KindInfo {
        name: "exclusive inline policies",
        terraform: &["aws_iam_role_policies_exclusive"],
        account: None,
        scope: Scope::Global,
    },
    |_e| Identity::Unknown,
    |r| ExclusivePolicies {
        meta: r.meta(),
        role: r.reference("role_name"),
        policy_names: r.strings("policy_names"),
    }
);

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

kind!(
    SamplingRule,
    KindInfo {
        name: "X-Ray sampling rule",
        terraform: &["aws_xray_sampling_rule"],
        account: Some("xray:GetSamplingRules"),
        scope: Scope::Regional,
    },
    |r| named(&r.rule_name),
    |r| SamplingRule {
        meta: r.meta(),
        rule_name: r.string("rule_name"),
        priority: r.number("priority"),
        fixed_rate: r.number("fixed_rate"),
        reservoir_size: r.number("reservoir_size"),
        version: r.number("version"),
        service_name: r.string("service_name"),
        service_type: r.string("service_type"),
        host: r.string("host"),
        http_method: r.string("http_method"),
        url_path: r.string("url_path"),
        resource_arn: r.string("resource_arn"),
        attributes: r.string_map("attributes"),
    }
);

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

kind!(
    LambdaPermission,
    KindInfo {
        name: "Lambda permission",
        terraform: &["aws_lambda_permission"],
        account: None,
        scope: Scope::Regional,
    },
    |_p| Identity::Unknown,
    |r| LambdaPermission {
        meta: r.meta(),
        function: r.reference("function_name"),
        principal: r.string("principal"),
        source: r.built_from("source_arn"),
    }
);

/// `aws_lambda_event_source_mapping`: a queue or stream that invokes a function.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSourceMapping {
    pub meta: Meta,
    pub function: Reference,
    pub event_source: Reference,
}

kind!(
    EventSourceMapping,
    KindInfo {
        name: "event source mapping",
        terraform: &["aws_lambda_event_source_mapping"],
        account: None,
        scope: Scope::Regional,
    },
    |_m| Identity::Unknown,
    |r| EventSourceMapping {
        meta: r.meta(),
        function: r.reference("function_name"),
        event_source: r.built_from("event_source_arn"),
    }
);

/// `aws_api_gateway_integration`: a REST API method's backend.
#[derive(Debug, Clone, PartialEq)]
pub struct RestIntegration {
    pub meta: Meta,
    pub rest_api: Reference,
    /// `uri`: for a Lambda proxy, the function's address when built from its `invoke_arn`.
    pub uri: Reference,
}

kind!(
    RestIntegration,
    KindInfo {
        name: "REST API integration",
        terraform: &["aws_api_gateway_integration"],
        account: None,
        scope: Scope::Regional,
    },
    |_i| Identity::Unknown,
    |r| RestIntegration {
        meta: r.meta(),
        rest_api: r.reference("rest_api_id"),
        uri: r.built_from("uri"),
    }
);

/// `aws_xray_encryption_config`: how X-Ray encrypts traces at rest in a region, one per
/// account and region (`PutEncryptionConfig` replaces it).
#[derive(Debug, Clone, PartialEq)]
pub struct EncryptionConfig {
    pub meta: Meta,
    /// `type`: `NONE` (X-Ray's default encryption) or `KMS`.
    pub encryption_type: Setting<String>,
    /// `key_id`: the KMS key (ID, alias or ARN).
    pub key_id: Setting<String>,
    /// For an account: `ACTIVE`, or `UPDATING` while X-Ray moves to new settings.
    pub status: Option<String>,
}

kind!(
    EncryptionConfig,
    KindInfo {
        name: "X-Ray encryption configuration",
        terraform: &["aws_xray_encryption_config"],
        account: Some("xray:GetEncryptionConfig"),
        scope: Scope::Regional,
    },
    |_c| Identity::Singleton,
    |r| EncryptionConfig {
        meta: r.meta(),
        encryption_type: r.string("type"),
        key_id: r.string("key_id"),
        status: None,
    }
);
