use super::{Context, Rule};
use crate::finding::{Finding, Severity};
use crate::model::Meta;

pub static RULE: Rule = Rule {
    code: "XR103",
    name: "policy-not-strict-json",
    severity: Severity::Note,
    summary: "A policy that is not strict JSON (a trailing comma), read leniently.",
    doc: r#"# XR103 policy-not-strict-json (note)

## What it finds
A policy document, usually a heredoc, that is JSON but for trailing commas
(`"s3:*",]`). xray-setup reads it as checkov and other scanners do, and says so.

## Why it matters
IAM rejects malformed policy documents (`MalformedPolicyDocument`), and the AWS provider
validates policy JSON, so the policy is likely to fail when applied even though scanners
pass it.

## Example
```hcl
policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": ["s3:*",], "Resource": "*"}]}
EOF
```

## Fix
Remove the trailing commas, or build the policy with `jsonencode` or an
`aws_iam_policy_document`, which cannot produce them.

## Source
RFC 8259 (JSON has no trailing commas); IAM API reference, `MalformedPolicyDocument`;
checkov's `example_IAMWriteAccess` fixture, which its tests parse leniently.
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for l in &cx.iam().lenient {
        let meta = Meta {
            address: l.address.clone(),
            root: l.root.clone(),
            account: None,
            origin: l.origin.clone(),
            block: None,
            repeated: None,
            region: None,
        };
        let message = format!(
            "policy `{}` is not strict JSON: it has a trailing comma (`{}`); xray-setup read it leniently, but IAM rejects malformed documents (MalformedPolicyDocument)",
            l.label, l.fragment
        );
        out.push(RULE.finding(&meta, None, message));
    }
}
