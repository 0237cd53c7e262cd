use super::{Context, Rule, xr101};
use crate::finding::{Finding, Severity};
use crate::iam::{Decision, SAMPLING_ACTIONS, WRITE_ACTIONS, decide};

pub static RULE: Rule = Rule {
    code: "XR102",
    name: "role-cannot-read-sampling-rules",
    severity: Severity::Note,
    summary: "A function's role can write traces but cannot read sampling rules (GetSamplingRules, GetSamplingTargets).",
    doc: r#"# XR102 role-cannot-read-sampling-rules (note)

## What it finds
An execution role that can write traces (XR101 passes) but cannot perform both
`xray:GetSamplingRules` and `xray:GetSamplingTargets` on `*`.

## Why it matters
X-Ray SDKs instrumented in the function's code fetch the account's sampling rules with
these actions. Without them they fall back to local sampling (the first request each
second and 5% of the rest), so the sampling rules you define in X-Ray are ignored.

## Example
A role with an inline policy granting only `xray:PutTraceSegments` and
`xray:PutTelemetryRecords`.

## Fix
Add the two actions on `Resource: "*"`, or attach
`arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess`, which grants both.

## Source
AWS X-Ray developer guide, "Configuring sampling rules" and `security_iam_service-with-iam`;
AWS Managed Policy Reference (AWSXRayDaemonWriteAccess).
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for access in &cx.iam().roles {
        if access.functions.is_empty() {
            continue;
        }
        let can = |a: &str| decide(a, &access.policies, access.boundary.as_ref());
        if !WRITE_ACTIONS.iter().all(|a| can(a) == Decision::Allowed) {
            continue;
        }
        let missing: Vec<&str> = SAMPLING_ACTIONS
            .iter()
            .copied()
            .filter(|a| {
                matches!(
                    can(a),
                    Decision::NotGranted
                        | Decision::Scoped(_)
                        | Decision::Denied(_)
                        | Decision::Bounded(_)
                )
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let role = access.role;
        let message = format!(
            "role `{}` can write traces but not {}: X-Ray SDKs in the functions using it cannot fetch sampling rules and fall back to local sampling (1 request a second and 5% of the rest); add the actions on \"*\" or attach AWSXRayDaemonWriteAccess",
            role.created_by.as_deref().unwrap_or(&role.meta.address),
            missing.join(" or ")
        );
        out.push(xr101::role_finding(&RULE, access, message));
    }
}
