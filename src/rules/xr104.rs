use super::{Context, Rule, describe};
use crate::finding::Remedy;
use crate::finding::{Finding, Related, Severity};
use crate::iam::{Omitted, PolicyKind, RoleAccess, lost_grant};
use crate::model::Inventory;

pub static RULE: Rule = Rule {
    code: "XR104",
    name: "exclusive-list-omits-policy",
    severity: Severity::Warning,
    summary: "An attachment or role policy that an exclusive list of its role leaves out: every apply removes it or puts it back.",
    doc: r#"# XR104 exclusive-list-omits-policy (warning)

## What it finds
A policy that a resource gives a role while an exclusive list of that role leaves it out:
- an `aws_iam_role_policy_attachment` or `aws_iam_policy_attachment` (or an element of
  another exclusive list) for a role whose managed policies are given exclusively by
  `managed_policy_arns` (`[]` included) or by an
  `aws_iam_role_policy_attachments_exclusive`, when that list does not name the policy;
- an `aws_iam_role_policy` for a role with `inline_policy` blocks (one empty
  `inline_policy {}` included), or with an `aws_iam_role_policies_exclusive` whose
  `policy_names` do not name it.

Attachments and inline policies are separate kinds: an exclusive list of one leaves the
other alone. One finding per resource and list; the message names the list and where it
is written, and says so when the policy left out is what would let the role write traces.

## Why it matters
Terraform applies both, and they disagree: the exclusive list removes the policy on the
next apply, and the resource that declares it puts it back on the apply after that, so
every plan shows a change and the role holds the policy only every other apply. When that
policy is the role's X-Ray grant, its functions lose trace permissions after apply
(XR101 judges the role without it): Lambda refuses Active tracing, or traces stop
arriving, until the next apply puts it back.

## Example
```hcl
resource "aws_iam_role" "app" {
  name                = "app"
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
}

resource "aws_iam_role_policy_attachment" "xray" { # detached by the next apply
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}
```

## Fix
Give the policy to the role in one way only: name it in the exclusive list (its ARN in
`managed_policy_arns` or `policy_arns`, its name in `policy_names`, its document in an
`inline_policy` block) and remove the separate resource, or keep the resource and list it
there. `managed_policy_arns` and `inline_policy` are deprecated: the provider's advice is
`aws_iam_role_policy_attachment` and `aws_iam_role_policy` resources, with an
`aws_iam_role_policy_attachments_exclusive` or `aws_iam_role_policies_exclusive` that names
them where Terraform should remove anything else. For the X-Ray grant, `xray-setup fix`
adds AWSXRayDaemonWriteAccess to the list (XR101); the rest is left to a person.

## Source
Terraform AWS provider documentation,
registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/: `iam_role` ("If you
use this resource's `managed_policy_arns` argument or `inline_policy` configuration
blocks, this resource will take over exclusive management of the role's respective policy
types ... If you attempt to manage a role's policies by multiple means, you will get
resource cycling and/or errors"; `managed_policy_arns = []` and one empty
`inline_policy {}` remove all of their kind); `iam_role_policy_attachments_exclusive` and
`iam_role_policies_exclusive` ("Policies attached to this role but not configured in this
argument will be removed"; "To prevent persistent drift, ensure any
`aws_iam_role_policy_attachment` resources managed alongside this resource are included in
the `policy_arns` argument"); `iam_policy_attachment` (with `managed_policy_arns`, "the
provider will show a permanent difference"). The deprecations:
hashicorp/terraform-provider-aws#39203 (`inline_policy`, v5.68.0) and #39718
(`managed_policy_arns`).
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let graph = cx.iam();
    for o in &graph.omitted {
        out.push(finding(cx.inventory, &graph.roles[o.role], o));
    }
}

fn finding(inventory: &Inventory, access: &RoleAccess, o: &Omitted) -> Finding {
    let role = access.role;
    let place = describe::place(inventory, o.list.origin.as_ref())
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    let (removes, adds) = match o.list.kind {
        PolicyKind::Managed => ("detaches", "attaches it again"),
        PolicyKind::Inline => ("deletes", "creates it again"),
    };
    let mut message = format!(
        "`{}` {} to role `{}`, but it is not in {}{place}, an exclusive list: the next apply {removes} it, and the one after {adds}, and so on (flapping)",
        o.meta.address, o.what, role.meta.address, o.list.label
    );
    if lost_grant(access, &o.source) {
        message.push_str(
            "; it is what would let the role write traces, so after apply the role loses trace permissions (XR101)",
        );
    }
    let advice = format!(
        "add {} to {}, or remove `{}`",
        o.list.entry, o.list.label, o.meta.address
    );
    message.push_str(&format!("; {advice}"));
    let mut finding = RULE
        .finding(o.meta, None, message)
        .with_remedy(Remedy::Manual(format!("{advice} (a person chooses which)")));
    finding.related.push(Related {
        message: format!("the exclusive list: {}", o.list.label),
        origin: o.list.origin.clone(),
    });
    finding
        .related
        .extend(access.functions.iter().map(|f| Related {
            message: format!("role used by `{}`", f.meta.address),
            origin: f.meta.origin.clone(),
        }));
    finding
}
