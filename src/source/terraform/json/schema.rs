//! What each property of a JSON block body is: an argument read as an expression, an
//! argument read literally, a reference or keyword, or a nested block.
//!
//! Terraform decides this by schema (hashicorp/hcl `json/spec.md`, "Structural Elements":
//! "the schema is crucial to allow differentiation of attribute definitions and block
//! definitions"). xray-setup carries no provider schemas, so this is Terraform's own
//! block types and their exceptions (Terraform docs, "JSON Configuration Syntax",
//! "Block-type-specific Exceptions"), plus the provider-schema nested blocks of the
//! resource types the audit reads. Any other property is an argument, as before.

/// How a property of a block body is read.
#[derive(Debug, Clone)]
pub enum Prop<'t> {
    /// An argument accepting arbitrary expressions: strings are string templates.
    Expr,
    /// A literal JSON value: strings are never templates.
    Literal,
    /// A string holding a native-syntax expression that is not evaluated as a template:
    /// a reference, a keyword, or a type (hcl `json/spec.md`, "Static Traversal" /
    /// "Static Call").
    Keyword,
    /// An array of such strings (`depends_on`, `ignore_changes`), or one string.
    KeywordList,
    /// Nested blocks with `labels` labels, read with `ctx`. `sure` is false for the
    /// provider-schema blocks xray-setup lists itself: a value that is not shaped as a
    /// block stays an argument rather than failing the file.
    Block {
        labels: usize,
        ctx: Ctx<'t>,
        sure: bool,
    },
    /// `dynamic "TYPE" { for_each, iterator, labels, content {} }` (the HCL dynblock
    /// extension Terraform uses).
    Dynamic,
}

/// The kind of body being read.
#[derive(Debug, Clone)]
pub enum Ctx<'t> {
    /// A `resource` or `data` block of a type.
    Resource {
        data: bool,
        rtype: &'t str,
    },
    /// A nested block from the provider-schema table below.
    Nested(&'static Nested),
    Module,
    Variable,
    Output,
    Provider,
    /// `locals`: every property is a local value.
    Locals,
    Terraform,
    /// Inside `terraform`: everything literal.
    TerraformNested,
    Lifecycle,
    Connection,
    Provisioner,
    /// `validation`, `precondition`, `postcondition`.
    Conditions,
    /// A `dynamic` block's body; `content` is read with the inner context.
    Dynamic(Box<Ctx<'t>>),
    /// A nested block of a type xray-setup does not know: every property an argument.
    Generic,
}

/// A provider-schema nested block: its type and its own nested block types.
#[derive(Debug)]
pub struct Nested {
    pub name: &'static str,
    pub blocks: &'static [Nested],
}

const fn leaf(name: &'static str) -> Nested {
    Nested { name, blocks: &[] }
}

/// Nested block types of the resource types the audit reads (terraform-provider-aws
/// schemas). A name listed here is a block, so the JSON `"tracing_config": {...}` and
/// `"tracing_config": [{...}]` read exactly as the native `tracing_config { ... }`.
static RESOURCE_BLOCKS: &[(&str, &[Nested])] = &[
    (
        "aws_lambda_function",
        &[
            leaf("tracing_config"),
            leaf("dead_letter_config"),
            leaf("environment"),
            leaf("ephemeral_storage"),
            leaf("file_system_config"),
            leaf("image_config"),
            leaf("logging_config"),
            leaf("snap_start"),
            leaf("vpc_config"),
            leaf("timeouts"),
        ],
    ),
    (
        "aws_sfn_state_machine",
        &[
            leaf("tracing_configuration"),
            leaf("logging_configuration"),
            leaf("encryption_configuration"),
            leaf("timeouts"),
        ],
    ),
    ("aws_iam_role", &[leaf("inline_policy")]),
    (
        "aws_api_gateway_stage",
        &[leaf("access_log_settings"), leaf("canary_settings")],
    ),
    (
        "aws_apigatewayv2_stage",
        &[
            leaf("access_log_settings"),
            leaf("default_route_settings"),
            leaf("route_settings"),
        ],
    ),
    (
        "aws_appsync_graphql_api",
        &[
            leaf("log_config"),
            leaf("user_pool_config"),
            leaf("openid_connect_config"),
            leaf("lambda_authorizer_config"),
            leaf("enhanced_metrics_config"),
            Nested {
                name: "additional_authentication_provider",
                blocks: &[
                    leaf("cognito_user_pool_config"),
                    leaf("lambda_authorizer_config"),
                    leaf("openid_connect_config"),
                ],
            },
        ],
    ),
];

static DATA_BLOCKS: &[(&str, &[Nested])] = &[(
    "aws_iam_policy_document",
    &[Nested {
        name: "statement",
        blocks: &[
            leaf("principals"),
            leaf("not_principals"),
            leaf("condition"),
        ],
    }],
)];

fn block(labels: usize, ctx: Ctx<'_>) -> Prop<'_> {
    Prop::Block {
        labels,
        ctx,
        sure: true,
    }
}

fn nested<'t>(table: &'static [Nested], name: &str) -> Option<Prop<'t>> {
    table.iter().find(|n| n.name == name).map(|n| Prop::Block {
        labels: 0,
        ctx: Ctx::Nested(n),
        sure: false,
    })
}

impl<'t> Ctx<'t> {
    /// The context of a top-level block type and its label count; `None` for types the
    /// audit does not read (`moved`, `import`, `removed`, `check`, ...).
    pub fn top_level(kind: &str) -> Option<usize> {
        Some(match kind {
            "resource" | "data" => 2,
            "module" | "variable" | "output" | "provider" => 1,
            "locals" | "terraform" => 0,
            _ => return None,
        })
    }

    /// The context of a top-level block's body, once its labels are known.
    pub fn of_top_level(kind: &str, labels: &[&'t str]) -> Ctx<'t> {
        match kind {
            "resource" | "data" => Ctx::Resource {
                data: kind == "data",
                rtype: labels.first().copied().unwrap_or(""),
            },
            "module" => Ctx::Module,
            "variable" => Ctx::Variable,
            "output" => Ctx::Output,
            "provider" => Ctx::Provider,
            "locals" => Ctx::Locals,
            "terraform" => Ctx::Terraform,
            _ => Ctx::Generic,
        }
    }

    /// Whether every property is an attribute (HCL's "dynamic attributes" mode, where
    /// the body must be one JSON object).
    pub fn just_attributes(&self) -> bool {
        matches!(self, Ctx::Locals)
    }

    pub fn prop(&self, name: &str) -> Prop<'t> {
        use Prop::{Dynamic, Expr, Keyword, KeywordList, Literal};
        match self {
            Ctx::Resource { data, rtype } => match name {
                "count" | "for_each" => Expr,
                "provider" => Keyword,
                "depends_on" => KeywordList,
                "lifecycle" => block(0, Ctx::Lifecycle),
                "connection" if !data => block(0, Ctx::Connection),
                "provisioner" if !data => block(1, Ctx::Provisioner),
                "dynamic" => Dynamic,
                _ => {
                    let table = if *data { DATA_BLOCKS } else { RESOURCE_BLOCKS };
                    table
                        .iter()
                        .find(|(t, _)| t == rtype)
                        .and_then(|(_, blocks)| nested(blocks, name))
                        .unwrap_or(Expr)
                }
            },
            Ctx::Nested(n) => match name {
                "dynamic" => Dynamic,
                _ => nested(n.blocks, name).unwrap_or(Expr),
            },
            Ctx::Generic => match name {
                "dynamic" => Dynamic,
                _ => Expr,
            },
            // Terraform docs: "The source and version meta-arguments must be given as
            // literal strings"; `providers` maps provider addresses, also literal.
            Ctx::Module => match name {
                "source" | "version" | "providers" => Literal,
                "depends_on" => KeywordList,
                "lifecycle" => block(0, Ctx::Lifecycle),
                _ => Expr,
            },
            // "All arguments inside variable blocks have non-standard mappings": `type` a
            // type expression in a string, `default` a literal value, `description`
            // literal. `sensitive`, `nullable` and `ephemeral` are decoded without an
            // evaluation context, so literally too.
            Ctx::Variable => match name {
                "type" => Keyword,
                "default" | "description" | "sensitive" | "nullable" | "ephemeral" => Literal,
                "validation" => block(0, Ctx::Conditions),
                _ => Expr,
            },
            // "The description and sensitive arguments are interpreted as literal JSON
            // values"; `value` is an expression.
            Ctx::Output => match name {
                "description" | "sensitive" | "ephemeral" => Literal,
                "depends_on" => KeywordList,
                "precondition" => block(0, Ctx::Conditions),
                _ => Expr,
            },
            // "The alias and version meta-arguments must be given as literal strings."
            Ctx::Provider => match name {
                "alias" | "version" => Literal,
                "dynamic" => Dynamic,
                _ => Expr,
            },
            Ctx::Locals | Ctx::Conditions => Expr,
            // "all setting values are taken literally".
            Ctx::Terraform => match name {
                "backend" | "provider_meta" => block(1, Ctx::TerraformNested),
                "cloud" | "required_providers" => block(0, Ctx::TerraformNested),
                _ => Literal,
            },
            Ctx::TerraformNested => Literal,
            // `ignore_changes`: "all" or property references; `replace_triggered_by`:
            // references, parsed as native expressions; the two booleans are decoded
            // without an evaluation context.
            Ctx::Lifecycle => match name {
                "create_before_destroy" | "prevent_destroy" => Literal,
                "ignore_changes" | "replace_triggered_by" => KeywordList,
                "precondition" | "postcondition" => block(0, Ctx::Conditions),
                _ => Expr,
            },
            // "the type argument of any connection blocks ... is interpreted literally".
            Ctx::Connection => match name {
                "type" => Literal,
                _ => Expr,
            },
            Ctx::Provisioner => match name {
                "when" | "on_failure" => Keyword,
                "connection" => block(0, Ctx::Connection),
                _ => Expr,
            },
            Ctx::Dynamic(inner) => match name {
                "iterator" => Keyword,
                "content" => block(0, (**inner).clone()),
                _ => Expr,
            },
        }
    }

    /// The context of the blocks a `dynamic "LABEL"` block in this body generates.
    pub fn dynamic_content(&self, label: &str) -> Ctx<'t> {
        match self.prop(label) {
            Prop::Block { ctx, .. } => ctx,
            _ => Ctx::Generic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audited_nested_blocks_are_blocks() {
        let f = Ctx::Resource {
            data: false,
            rtype: "aws_lambda_function",
        };
        assert!(matches!(
            f.prop("tracing_config"),
            Prop::Block { labels: 0, .. }
        ));
        assert!(matches!(f.prop("function_name"), Prop::Expr));
        assert!(matches!(
            f.prop("lifecycle"),
            Prop::Block { sure: true, .. }
        ));
        let sfn = Ctx::Resource {
            data: false,
            rtype: "aws_sfn_state_machine",
        };
        assert!(matches!(
            sfn.prop("tracing_configuration"),
            Prop::Block { .. }
        ));
        // A map argument of another type is never a block.
        let rule = Ctx::Resource {
            data: false,
            rtype: "aws_xray_sampling_rule",
        };
        assert!(matches!(rule.prop("attributes"), Prop::Expr));
        let doc = Ctx::Resource {
            data: true,
            rtype: "aws_iam_policy_document",
        };
        let Prop::Block { ctx, .. } = doc.prop("statement") else {
            panic!()
        };
        assert!(matches!(ctx.prop("condition"), Prop::Block { .. }));
        assert!(matches!(
            doc.dynamic_content("statement").prop("principals"),
            Prop::Block { .. }
        ));
    }
}
