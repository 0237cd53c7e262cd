use super::{Context, Rule, describe, unknown_setting};
use crate::finding::Remedy;
use crate::finding::{Finding, Severity};
use crate::model::Field;

pub static RULE: Rule = Rule {
    code: "XR003",
    name: "rest-stage-tracing-disabled",
    severity: Severity::Warning,
    summary: "An API Gateway REST stage with xray_tracing_enabled false or unset.",
    doc: r#"# XR003 rest-stage-tracing-disabled (warning)

## What it finds
An `aws_api_gateway_stage` whose effective `xray_tracing_enabled` is `false` or not set
(the provider's default is `false`).

## Why it matters
A REST API stage without tracing starts no trace, so the functions behind it record one
only when they use Active tracing themselves, and the API's own latency never appears
in the service map.

## Example
```hcl
resource "aws_api_gateway_stage" "prod" {
  stage_name = "prod"
  # xray_tracing_enabled defaults to false
}
```

## Fix
`xray_tracing_enabled = true`; through the API: `aws apigateway update-stage
--patch-operations op=replace,path=/tracingEnabled,value=true`.

## Source
terraform-provider-aws `aws_api_gateway_stage` (`xray_tracing_enabled`, default false);
API Gateway developer guide "Tracing user requests to REST APIs using X-Ray".
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    for s in &inventory.rest_stages {
        let at = s.tracing_enabled.at.as_ref();
        let message = match &s.tracing_enabled.value {
            Field::Known(true) => continue,
            Field::Known(false) => {
                let from = describe::decided_by(inventory, &s.tracing_enabled.source)
                    .map(|d| format!(" (set by {d})"))
                    .unwrap_or_default();
                format!(
                    "REST API stage `{}` has xray_tracing_enabled = false{from}; set it to true so requests are traced from the API onwards",
                    s.meta.address
                )
            }
            Field::Unset => format!(
                "REST API stage `{}` does not set xray_tracing_enabled (default false); set it to true so requests are traced from the API onwards",
                s.meta.address
            ),
            // An XR998 finding says what is wrong; there is no value to judge.
            Field::Invalid(_) => continue,
            Field::Unknown(u) => {
                out.push(unknown_setting(&s.meta, at, "xray_tracing_enabled", u));
                continue;
            }
        };
        let remedy = Remedy::Set {
            name: "xray_tracing_enabled",
            value: "true".into(),
            at: s.tracing_enabled.at.clone(),
            source: s.tracing_enabled.source.clone(),
            block: s.meta.block.clone(),
            nested: None,
        };
        let mut finding = RULE.finding(&s.meta, at, message).with_remedy(remedy);
        finding.related = describe::related(&s.tracing_enabled.source);
        out.push(finding);
    }
}
