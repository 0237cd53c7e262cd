use super::{Context, Rule};
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule {
    code: "XR304",
    name: "apply-reverts-tracing",
    severity: Severity::Warning,
    summary: "`drift`: tracing the account has that the next `terraform apply` will undo: an Active mode or a traced stage the code turns off, an X-Ray policy an exclusive list detaches.",
    doc: r#"# XR304 apply-reverts-tracing (warning)

## What it finds
Reported by `xray-setup drift`: a live setting that tracing depends on and that the next
`terraform apply` of the code given will undo:
- a function running with Active tracing whose code says PassThrough (or has no
  `tracing_config`, which means PassThrough);
- a REST API stage or a state machine with tracing on whose code turns it off (or
  leaves `xray_tracing_enabled` or `tracing_configuration` out, which means off);
- a role that can write traces in the account and cannot after apply, because a policy
  that grants it is attached by hand and the role's exclusive list (`managed_policy_arns`,
  `aws_iam_role_policy_attachments_exclusive`, `inline_policy` blocks,
  `aws_iam_role_policies_exclusive`) does not name it, so Terraform detaches it.

## Why it matters
Tracing turned on by hand or by `xray-setup enable` works until the next deploy, which
quietly turns it off again: traces stop arriving and nobody changed anything on purpose.

## Example
```text
warning[XR304] apply-reverts-tracing: aws_lambda_function.api: the account runs tracing
mode "Active"; the code declares "PassThrough" (no tracing_config), so the next
terraform apply turns Active tracing off
```

## Fix
Write the account's setting into the code before the next apply:
`xray-setup drift --adopt --write` edits the HCL (the tracing mode, the stage's
`xray_tracing_enabled`); for a role, add the policy to its exclusive list.

## Source
terraform-provider-aws: `aws_lambda_function` (`tracing_config`, PassThrough when absent),
`aws_api_gateway_stage` (`xray_tracing_enabled`, default false), `aws_iam_role`
(`managed_policy_arns` and `inline_policy` are exclusive when configured),
`aws_iam_role_policy_attachments_exclusive`, `aws_iam_role_policies_exclusive`.
"#,
    check,
};

// Drift compares code with an account: `drift::compare` reports it, not an audit.
fn check(_: &Context, _: &mut Vec<Finding>) {}
