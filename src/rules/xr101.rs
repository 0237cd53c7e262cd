use super::{Context, Rule, unknown_setting, xr000};
use crate::finding::{Finding, Related, Severity};
use crate::fix::Remedy;
use crate::iam::{
    Decision, Explanation, FunctionRole, RoleAccess, WriteAccess, explain, write_access,
};
use crate::model::Unresolved;

pub static RULE: Rule = Rule {
    code: "XR101",
    name: "role-cannot-write-traces",
    severity: Severity::Error,
    summary: "A function's execution role cannot call xray:PutTraceSegments and xray:PutTelemetryRecords on *.",
    doc: r#"# XR101 role-cannot-write-traces (error)

## What it finds
An IAM role that at least one Lambda function uses as its execution role and that cannot
perform both `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*`, after every
policy that reaches it is evaluated as IAM does: inline policies (`aws_iam_role_policy`,
`inline_policy` blocks), attachments (`aws_iam_role_policy_attachment`,
`aws_iam_policy_attachment`, `managed_policy_arns`, the `_exclusive` resources), customer
policies in the tree, AWS managed policies known offline, and the permissions boundary.
One finding per role; `related` lists the functions that use it.

## Why it matters
Lambda refuses to turn on Active tracing for such a role ("The provided execution role
does not have permissions to call PutTraceSegments on XRAY"), so the deploy fails; or,
with PassThrough, traces silently never arrive. The message says why: no grant, a grant
scoped to a resource (X-Ray's write actions take no resource-level permissions, so only
`Resource: "*"` grants them), a named statement that denies, a permissions boundary that
cuts the grant, or a grant only under a condition.

## Example
```hcl
resource "aws_iam_role_policy" "app" {
  role = aws_iam_role.app.id
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      Resource = "arn:aws:xray:eu-west-1:123456789012:group/default" # grants nothing
    }]
  })
}
```

## Fix
Attach `arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess` to the role (safe: it grants
only the five X-Ray write and sampling actions). A role that is denied or bounded needs a
person: adding a grant beside a Deny cannot help.

## Source
AWS X-Ray developer guide `security_iam_service-with-iam` (no resource-level permissions
for these actions); IAM user guide `reference_policies_evaluation-logic`; Lambda guide
`services-xray` and hashicorp/terraform-provider-aws#29828 (the error Lambda returns);
AWS Managed Policy Reference (AWSXRayDaemonWriteAccess).
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    let graph = cx.iam();
    for access in &graph.roles {
        if access.functions.is_empty() {
            continue;
        }
        if let Some(finding) = verdict(access, &write_access(access)) {
            out.push(finding);
        }
    }
    for (f, role) in inventory.functions.iter().zip(&graph.function_roles) {
        match role {
            FunctionRole::Outside(arn) => {
                let what = if arn.starts_with("arn:") && !arn.contains(":role/") {
                    Unresolved {
                        why: format!("its role is set to `{arn}`, which is not an IAM role ARN"),
                        ..Unresolved::default()
                    }
                } else {
                    Unresolved {
                        why: format!(
                            "role `{arn}` is not defined in this root, so the policies that reach it cannot be read offline"
                        ),
                        hint: Some(
                            "audit the tree that creates it, or the account (`--account`)".into(),
                        ),
                        ..Unresolved::default()
                    }
                };
                let subject = format!(
                    "Whether the role of `{}` can write traces is not known",
                    f.meta.address
                );
                out.push(xr000::unresolved(
                    &f.meta,
                    f.role_at.as_ref(),
                    &subject,
                    &what,
                ));
            }
            FunctionRole::Unknown(u) => {
                out.push(unknown_setting(&f.meta, f.role_at.as_ref(), "role", u))
            }
            FunctionRole::InTree(_) | FunctionRole::Unset => {}
        }
    }
}

/// The XR101 finding (or XR000 note) for a role, or `None` when it can write traces.
fn verdict(access: &RoleAccess, verdict: &WriteAccess) -> Option<Finding> {
    let role = access.role;
    let (decision, actions) = match verdict {
        WriteAccess::Allowed => return None,
        WriteAccess::Unknown(why) => {
            let subject = format!(
                "Whether role `{}` can write traces is not known offline",
                role.meta.address
            );
            let what = Unresolved {
                why: why.join("; "),
                ..Unresolved::default()
            };
            return Some(xr000::unresolved(&role.meta, None, &subject, &what));
        }
        WriteAccess::Refused { decision, actions } => (decision, actions),
    };
    let Explanation { reason, fix, cites } = explain(decision, actions);
    let n = access.functions.len();
    let message = format!(
        "role `{}` cannot write traces: {reason}. {n} function{} use{} it: Lambda refuses Active tracing on such a role (\"The provided execution role does not have permissions to call PutTraceSegments on XRAY\") and PassThrough traces never arrive; {fix}",
        role.created_by.as_deref().unwrap_or(&role.meta.address),
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
    );
    let remedy = match (decision, &role.created_by) {
        (Decision::NotGranted | Decision::Scoped(_), Some(module)) => {
            module_tracing_policy(access, module)
        }
        (Decision::NotGranted | Decision::Scoped(_), None) => Remedy::AttachWritePolicy {
            role: role.meta.clone(),
        },
        _ => Remedy::Manual(fix),
    };
    let mut finding = role_finding(&RULE, access, message).with_remedy(remedy);
    finding.related.extend(cites.into_iter().filter_map(|c| {
        Some(Related {
            message: format!("statement `{}` of `{}`", c.statement, c.policy),
            origin: Some(c.origin?),
        })
    }));
    Some(finding)
}

/// A finding on a role, addressed to the module call that creates it when one does,
/// related to each function using the role.
pub(super) fn role_finding(rule: &'static Rule, access: &RoleAccess, message: String) -> Finding {
    let role = access.role;
    let mut finding = Finding::new(rule, &role.meta, None, message);
    if let Some(module) = &role.created_by {
        finding.resource = module.clone();
    }
    finding.related = access
        .functions
        .iter()
        .map(|f| Related {
            message: format!("used by `{}`", f.meta.address),
            origin: f.meta.origin.clone(),
        })
        .collect();
    finding
}

/// For a role a terraform-aws-modules/lambda call creates: `attach_tracing_policy = true`
/// on the call.
fn module_tracing_policy(access: &RoleAccess, module: &str) -> Remedy {
    let call = access.functions.iter().find_map(|f| {
        f.module_call
            .as_ref()
            .filter(|c| c.address == module)
            .map(|c| (f, c))
    });
    match call {
        Some((f, call)) => Remedy::Set {
            name: "attach_tracing_policy",
            value: "true",
            at: call.attach_tracing_policy.at.clone(),
            source: call.attach_tracing_policy.source.clone(),
            block: f.meta.block.clone(),
            nested: None,
        },
        None => Remedy::Manual(format!("set attach_tracing_policy = true on `{module}`")),
    }
}
