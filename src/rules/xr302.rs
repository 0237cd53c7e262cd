use super::{Context, Rule};
use crate::finding::{Finding, Severity};

pub static RULE: Rule = Rule {
    code: "XR302",
    name: "unmanaged-resource",
    severity: Severity::Note,
    summary: "`drift`: a function, REST stage, state machine or sampling rule runs in the account and no tree given declares it; also the Default sampling rule changed by hand.",
    doc: r#"# XR302 unmanaged-resource (note)

## What it finds
Reported by `xray-setup drift`: a Lambda function, REST API stage, Step Functions state
machine or X-Ray sampling rule
that runs in the account (in the regions read, through the filters given) and that none
of the Terraform trees, plans or states given declares. Its tracing setting is in the
message, so an unmanaged function left on PassThrough is seen.

And the account's `Default` sampling rule when its reservoir or fixed rate differs from
AWS's defaults (1 request a second, then 5%): Terraform cannot manage that rule
(terraform-provider-aws#23409), so a change to it is always made by hand.

## Why it matters
What Terraform does not manage is changed by hand and drifts without anyone seeing it: a
function created in the console for a test and left running untraced, a Default rule
someone turned up to 100% that multiplies the X-Ray bill.

## Example
```text
note[XR302] unmanaged-resource: arn:aws:lambda:us-east-1:123456789012:function:hotfix:
runs in the account with tracing mode "PassThrough"; no tree given declares it
```

## Fix
Import it into Terraform (`terraform import`, or an `import` block) and set its tracing
there, or delete it if it was left over. For the Default rule, set it back with
`aws xray update-sampling-rule`, or record the change where the team keeps such
decisions.

## Source
X-Ray API reference `GetSamplingRules` (the `Default` rule: reservoir 1, fixed rate
0.05); terraform-provider-aws issue #23409 (the Default rule cannot be managed).
"#,
    check,
};

// Drift compares code with an account: `drift::compare` reports it, not an audit.
fn check(_: &Context, _: &mut Vec<Finding>) {}
