use super::{Context, Rule};
use crate::finding::{Finding, Severity};

/// Raised by `policy` after the rules run, since it judges suppressions, not resources.
pub static RULE: Rule = Rule {
    code: "XR900",
    name: "suppression-problem",
    severity: Severity::Note,
    summary: "A suppression without a reason, past its expiry, naming no rule, or matching nothing.",
    doc: r#"# XR900 suppression-problem (note)

## What it finds
A suppression that needs attention: an inline `# xray-setup:ignore XR001 reason` comment
or an `[[ignore]]` entry in `.xray-setup.toml` that

- gives no reason (it still applies; say why, for the next reader);
- is past its `expires` date (it no longer applies: the finding is reported again);
- names no rule;
- matches no finding (the problem was fixed, or the comment sits on the wrong line).

## Why it matters
Suppressions are decisions; one without a reason cannot be reviewed, and one that no
longer matches hides nothing but misleads the reader.

## Example
```hcl
# xray-setup:ignore XR001
resource "aws_lambda_function" "batch" {
```

## Fix
Add the reason after the rule (`# xray-setup:ignore XR001 traced by the Step Functions
caller`), renew or remove an expired one, and delete those that match nothing.

## Source
xray-setup's own conventions (README, "Suppressions").
"#,
    check,
};

fn check(_: &Context, _: &mut Vec<Finding>) {}
