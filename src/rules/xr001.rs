use super::upstream::{Invokers, Upstream};
use super::{Context, LambdaMode, Rule, describe, unknown_setting};
use crate::finding::Remedy;
use crate::finding::{Finding, Severity};
use crate::model::{Field, Function};

pub static RULE: Rule = Rule {
    code: "XR001",
    name: "lambda-tracing-not-active",
    severity: Severity::Warning,
    summary: "A Lambda function's effective tracing mode is PassThrough or unset, not Active.",
    doc: r#"# XR001 lambda-tracing-not-active (warning)

## What it finds
An `aws_lambda_function` (or a `terraform-aws-modules/lambda/aws` call) whose effective
`tracing_config.mode`, after variables, tfvars, module arguments, locals, conditionals
and `dynamic` blocks are evaluated, is `PassThrough` or not set at all.

## Why it matters
Without a `tracing_config` block Lambda uses `PassThrough`. `PassThrough` records a trace
only when an upstream caller (API Gateway with tracing on, an instrumented service)
already sampled the request. A function invoked directly (SQS, S3, EventBridge, a
schedule, the SDK) then records nothing. checkov's CKV_AWS_50 passes `PassThrough`;
xray-setup is stricter on purpose, as trivy's AVD-AWS-0066 is.

## Example
```hcl
resource "aws_lambda_function" "worker" {
  # ... no tracing_config: PassThrough
}
```

## Fix
```hcl
  tracing_config {
    mode = "Active"
  }
```
The fix is safe when the role can write traces (see XR101); `xray-setup fix` edits the
place the value comes from (the literal, the variable default, the tfvars entry or the
module argument).

In an account, a published version behind an alias is reported too, by its qualified
ARN, even when `$LATEST` is Active: a version keeps the tracing configuration it was
published with, and an alias (with its weights, `routing_config`) sends traffic to
versions, not to `$LATEST`. The finding names each alias and its share. Turning Active
on reaches such traffic only through a new version: publish one once the function is
Active (`aws lambda publish-version`) and point the alias at it (`aws lambda
update-alias`). `enable` prints those commands for each alias and publishes nothing
itself.

Teams that trace at the API instead can set `lambda_mode = "upstream-traced"` in
`.xray-setup.toml`: PassThrough is then accepted for a function whose only invokers are
REST API stages with tracing on (from `aws_lambda_permission` with principal
`apigateway.amazonaws.com` and REST integrations whose `uri` is its `invoke_arn`). A
function anything else invokes (an event source mapping, S3, SNS, EventBridge, an HTTP
API, a permission without `source_arn`) keeps the finding, which says why.

## Source
Lambda API reference `API_TracingConfig` (modes `Active`, `PassThrough`; unset means
`PassThrough`); Lambda developer guide `services-xray`, `configuration-versions` (a
version's configuration is fixed when it is published) and `configuration-aliases`
(aliases, weighted routing); terraform-provider-aws
`internal/service/lambda/function.go`.
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    super::xr001_versions::check(cx, out);
    let inventory = cx.inventory;
    let invokers =
        (cx.options.lambda_mode == LambdaMode::UpstreamTraced).then(|| Invokers::new(inventory));
    for f in &inventory.functions {
        let at = f.tracing_mode.at.as_ref();
        let passthrough = matches!(&f.tracing_mode.value, Field::Unset)
            || matches!(&f.tracing_mode.value, Field::Known(m) if m == "PassThrough");
        let upstream = match &invokers {
            Some(invokers) if passthrough => match invokers.upstream(f) {
                Upstream::Traced => continue,
                Upstream::NotTraced(why) => Some(why),
            },
            _ => None,
        };
        let mut message = match &f.tracing_mode.value {
            Field::Known(mode) if mode == "Active" => continue,
            Field::Known(mode) if mode == "PassThrough" => {
                let from = describe::decided_by(inventory, &f.tracing_mode.source)
                    .map(|d| format!(" (set by {d})"))
                    .unwrap_or_default();
                format!(
                    "`{}` has tracing mode \"PassThrough\"{from}: it is traced only when an upstream caller already sampled the request, so direct invocations (SQS, S3, EventBridge, schedules, the SDK) record no trace; {}",
                    f.meta.address,
                    remedy(f)
                )
            }
            // Any other string is XR002's.
            Field::Known(_) => continue,
            Field::Unset => format!(
                "`{}` {}, so Lambda uses PassThrough: it is traced only when an upstream caller already sampled the request; {}",
                f.meta.address,
                if f.module_call.is_some() {
                    "is created without `tracing_mode`"
                } else {
                    "has no `tracing_config`"
                },
                remedy(f)
            ),
            // An XR998 finding says what is wrong; there is no value to judge.
            Field::Invalid(_) => continue,
            Field::Unknown(u) => {
                let subject = if f.module_call.is_some() {
                    "tracing_mode"
                } else {
                    "tracing_config.mode"
                };
                out.push(unknown_setting(&f.meta, at, subject, u));
                continue;
            }
        };
        if let Some(why) = upstream {
            message.push_str(&format!(
                " (lambda_mode = \"upstream-traced\" accepts PassThrough only when every invoker is a REST stage with tracing on: {why})"
            ));
        }
        let mut finding = RULE
            .finding(&f.meta, at, message)
            .with_remedy(remedy_for(f));
        finding.related = describe::related(&f.tracing_mode.source);
        out.push(finding);
    }
}

/// Active tracing where the mode is decided (inserting `tracing_config` when nothing sets
/// it); for a terraform-aws-modules/lambda call, also the tracing policy, so its role can
/// write what it records.
fn remedy_for(f: &Function) -> Remedy {
    let mode = |name: &'static str, nested| Remedy::Set {
        name,
        value: "\"Active\"".into(),
        at: f.tracing_mode.at.clone(),
        source: f.tracing_mode.source.clone(),
        block: f.meta.block.clone(),
        nested,
    };
    let Some(call) = &f.module_call else {
        return mode("mode", Some("tracing_config"));
    };
    let mut parts = vec![mode("tracing_mode", None)];
    if call.attach_tracing_policy.value != Field::Known(true) {
        parts.push(Remedy::Set {
            name: "attach_tracing_policy",
            value: "true".into(),
            at: call.attach_tracing_policy.at.clone(),
            source: call.attach_tracing_policy.source.clone(),
            block: f.meta.block.clone(),
            nested: None,
        });
    }
    Remedy::All(parts)
}

fn remedy(f: &Function) -> &'static str {
    if f.module_call.is_some() {
        "set `tracing_mode = \"Active\"` (and `attach_tracing_policy = true`) on the module call"
    } else {
        "set `mode = \"Active\"` in `tracing_config`"
    }
}
