use super::{Context, Rule};
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule {
    code: "XR004",
    name: "http-api-tracing-unsupported",
    severity: Severity::Note,
    summary: "An HTTP or WebSocket API stage: X-Ray cannot trace it; trace its integrations.",
    doc: r#"# XR004 http-api-tracing-unsupported (note)

## What it finds
An `aws_apigatewayv2_stage`: a stage of an HTTP or WebSocket API; in an account, each
stage `GetStages` lists for each API `GetApis` lists.

## Why it matters
X-Ray does not support HTTP or WebSocket APIs: there is no setting to turn on, so the API
itself never appears in a trace. This is not a failed check; it tells you where the
trace starts instead: at the integrated Lambda functions, which then need Active tracing
(XR001) to record requests that no upstream has sampled.

## Example
```hcl
resource "aws_apigatewayv2_stage" "default" {
  api_id = aws_apigatewayv2_api.http.id
  name   = "$default"
}
```

## Fix
Nothing to set on the stage. Use `tracing_config { mode = "Active" }` on the functions it
integrates, or a REST API if the API itself must be traced.

## Source
API Gateway developer guide "Choosing between REST APIs and HTTP APIs" (X-Ray tracing:
REST only); aws/aws-xray-sdk-node#569.
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    for s in &inventory.http_stages {
        let message = format!(
            "`{}` is an HTTP or WebSocket API stage, which X-Ray cannot trace; traces start at the functions it integrates, so give those Active tracing",
            s.meta.address
        );
        out.push(RULE.finding(&s.meta, None, message));
    }
}
