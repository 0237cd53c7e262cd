use super::{Context, Rule};
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule {
    code: "XR301",
    name: "tracing-drift",
    severity: Severity::Warning,
    summary: "`drift`: a tracing setting the code declares differs from what the account runs; the next apply puts the code's value back.",
    doc: r#"# XR301 tracing-drift (warning)

## What it finds
Reported by `xray-setup drift`, which compares what Terraform declares with what an
account runs. A tracing setting that differs between the two:
- a Lambda function's tracing mode (`tracing_config.mode`; no block means PassThrough);
- a REST API stage's `xray_tracing_enabled`, a state machine's
  `tracing_configuration.enabled`;
- whether an IAM role can write traces (`xray:PutTraceSegments` and
  `xray:PutTelemetryRecords` on `*`), judged on both sides as XR101 judges it;
- an X-Ray sampling rule's priority, fixed rate, reservoir or matching fields.

The message gives both values and what the next `terraform apply` will do: put the
code's value back. When that would undo tracing the account has and the code lacks,
XR304 reports it instead. JSON findings carry `declared` and `actual`.

## Why it matters
Someone clicked "Active tracing" in the console, or ran `xray-setup enable`, or changed a
sampling rule by hand: the code no longer describes the account, and the next apply
silently changes it back. `terraform plan -refresh-only` shows the raw attribute, not
what it means for traces.

## Example
```text
warning[XR301] tracing-drift: aws_lambda_function.api: the code declares tracing mode
"PassThrough" (no tracing_config), the account runs "Active"
```

## Fix
Decide which side is right. To keep what the account runs, write it into the code:
`xray-setup drift --adopt` shows the edits, `--write` makes them. To put the account back
to the code, run `terraform apply`, or `xray-setup drift --emit cli` for an AWS CLI
script.

## Source
terraform-provider-aws: `aws_lambda_function` (`tracing_config.mode`, PassThrough when
absent), `aws_api_gateway_stage` (`xray_tracing_enabled`), `aws_xray_sampling_rule`;
Terraform "Manage resource drift" (apply makes the remote object match the
configuration).
"#,
    check,
};

// Drift compares code with an account: `drift::compare` reports it, not an audit.
fn check(_: &Context, _: &mut Vec<Finding>) {}
