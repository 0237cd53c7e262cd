use super::{Context, Rule};
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule {
    code: "XR303",
    name: "not-in-account",
    severity: Severity::Note,
    summary: "`drift`: the code declares a function, REST stage, state machine, role or sampling rule the account does not have.",
    doc: r#"# XR303 not-in-account (note)

## What it finds
Reported by `xray-setup drift`: a Lambda function, REST API stage, state machine, IAM
role or X-Ray sampling rule the code declares that the account read does not have, in the regions read.

## Why it matters
Either the code has not been applied yet, or it is applied to another account or region
than the one compared, or someone deleted the resource by hand (the next apply creates it
again). Each is worth knowing before trusting the rest of the comparison.

## Example
```text
note[XR303] not-in-account: aws_lambda_function.worker: the code declares function
"worker" in us-east-1; the account has no such function
```

## Fix
Compare with the account and region the code is applied to (`--profile`, `--region`), or
apply the code.

## Source
xray-setup's own comparison; AWS `lambda:ListFunctions`, `apigateway:GetStages`, `states:ListStateMachines`,
`iam:GetAccountAuthorizationDetails`, `xray:GetSamplingRules`.
"#,
    check,
};

// Drift compares code with an account: `drift::compare` reports it, not an audit.
fn check(_: &Context, _: &mut Vec<Finding>) {}
