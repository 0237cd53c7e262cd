use super::{Context, Rule, describe, unknown_setting, xr000};
use crate::finding::Remedy;
use crate::finding::{Finding, Related, Severity};
use crate::iam::{
    Decision, Explanation, FunctionRole, Omitted, RoleAccess, WRITE_POLICY_ARN, WriteAccess,
    explain, lost_grant, write_access,
};
use crate::model::{Inventory, Unresolved};

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

The role is judged as it is after `terraform apply`. An exclusive list leaves it exactly
what the list names: with `managed_policy_arns` (even `[]`) or an
`aws_iam_role_policy_attachments_exclusive`, only the managed policies listed there stay
attached; with `inline_policy` blocks (even one empty `inline_policy {}`), no
`aws_iam_role_policy` stays; with an `aws_iam_role_policies_exclusive`, only the
`aws_iam_role_policy` resources whose names it lists. A grant that such a list leaves out
does not count, and the message names it (XR104 reports the flapping itself).

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
only the five X-Ray write and sampling actions). When the role has an exclusive list of
managed policies (`managed_policy_arns`, or the `policy_arns` of an
`aws_iam_role_policy_attachments_exclusive`), add the ARN to that list instead: a separate
attachment would be detached on the next apply. `xray-setup fix` does that in a list
written out as a list, and leaves a list built by an expression to a person. A role that
is denied or bounded needs a person: adding a grant beside a Deny cannot help.

## Source
AWS X-Ray developer guide `security_iam_service-with-iam` (no resource-level permissions
for these actions); IAM user guide `reference_policies_evaluation-logic`; Lambda guide
`services-xray` and hashicorp/terraform-provider-aws#29828 (the error Lambda returns);
AWS Managed Policy Reference (AWSXRayDaemonWriteAccess); Terraform AWS provider
documentation (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/):
`iam_role` ("managed_policy_arns", "inline_policy": exclusive management of the role's
policy types), `iam_role_policy_attachments_exclusive` and `iam_role_policies_exclusive`
(policies not configured there are removed).
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    let graph = cx.iam();
    for (i, access) in graph.roles.iter().enumerate() {
        if access.functions.is_empty() {
            continue;
        }
        // What would grant it but an exclusive list leaves out (XR104).
        let lost: Vec<&Omitted> = graph
            .omitted
            .iter()
            .filter(|o| o.role == i && lost_grant(access, &o.source))
            .collect();
        if let Some(finding) = verdict(inventory, access, &write_access(access), &lost) {
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
fn verdict(
    inventory: &Inventory,
    access: &RoleAccess,
    verdict: &WriteAccess,
    lost: &[&Omitted],
) -> Option<Finding> {
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
    let Explanation {
        mut reason,
        mut fix,
        cites,
    } = explain(decision, actions);
    for o in lost {
        reason.push_str(&format!(
            "; `{}` {}, but it is not in {}, an exclusive list, so Terraform removes it on the next apply (XR104)",
            o.meta.address,
            o.what,
            o.list.label
        ));
    }
    // With an exclusive list of managed policies, the grant goes into the list: an
    // attachment beside it would be detached on the next apply.
    let into_lists = matches!(decision, Decision::NotGranted | Decision::Scoped(_))
        && role.created_by.is_none()
        && !access.exclusive_managed.is_empty();
    if into_lists {
        let lists: Vec<String> = access
            .exclusive_managed
            .iter()
            .map(|l| match describe::place(inventory, l.origin.as_ref()) {
                Some(place) => format!("{} ({place})", l.label),
                None => l.label.clone(),
            })
            .collect();
        fix = format!(
            "add {WRITE_POLICY_ARN} to {}, the exclusive list{} of its managed policies: Terraform detaches any attachment such a list leaves out",
            lists.join(" and "),
            if lists.len() == 1 { "" } else { "s" }
        );
        if matches!(decision, Decision::Scoped(_)) {
            fix.push_str(", or use Resource \"*\" in that statement");
        }
    }
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
        _ if into_lists => {
            let mut parts: Vec<Remedy> = access
                .exclusive_managed
                .iter()
                .map(|l| Remedy::AddWritePolicyToList {
                    list: l.label.clone(),
                    at: l.origin.clone(),
                })
                .collect();
            if parts.len() == 1 {
                parts.remove(0)
            } else {
                Remedy::All(parts)
            }
        }
        (Decision::NotGranted | Decision::Scoped(_), None) => Remedy::AttachWritePolicy {
            role: role.meta.clone(),
        },
        _ => Remedy::Manual(fix),
    };
    let mut finding = role_finding(&RULE, access, message).with_remedy(remedy);
    finding.related.extend(lost.iter().map(|o| Related {
        message: format!(
            "`{}` {}, left out by {}",
            o.meta.address, o.what, o.list.label
        ),
        origin: o.meta.origin.clone(),
    }));
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
    let mut finding = rule.finding(&role.meta, None, message);
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
            value: "true".into(),
            at: call.attach_tracing_policy.at.clone(),
            source: call.attach_tracing_policy.source.clone(),
            block: f.meta.block.clone(),
            nested: None,
        },
        None => Remedy::Manual(format!("set attach_tracing_policy = true on `{module}`")),
    }
}
