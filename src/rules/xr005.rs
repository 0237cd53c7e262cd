use super::{Context, Rule, describe, unknown_setting};
use crate::finding::Remedy;
use crate::finding::{Finding, Severity};
use crate::model::Field;

pub static RULE: Rule = Rule {
    code: "XR005",
    name: "state-machine-tracing-disabled",
    severity: Severity::Warning,
    summary: "A Step Functions state machine without tracing_configuration { enabled = true }.",
    doc: r#"# XR005 state-machine-tracing-disabled (warning)

## What it finds
An `aws_sfn_state_machine` whose `tracing_configuration.enabled` is false or not set; in
an account, a state machine whose `DescribeStateMachine` reports tracing off.

## Why it matters
Step Functions starts no trace unless tracing is enabled, so the workflow and the
functions it invokes appear as disconnected pieces, or not at all.

## Example
```hcl
resource "aws_sfn_state_machine" "flow" {
  # no tracing_configuration
}
```

## Fix
```hcl
  tracing_configuration {
    enabled = true
  }
```

## Source
terraform-provider-aws `aws_sfn_state_machine` (`tracing_configuration`, default off);
Step Functions developer guide "AWS X-Ray and Step Functions".
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    for m in &inventory.state_machines {
        let at = m.tracing_enabled.at.as_ref();
        let message = match &m.tracing_enabled.value {
            Field::Known(true) => continue,
            Field::Known(false) => format!(
                "state machine `{}` has tracing_configuration.enabled = false; set it to true",
                m.meta.address
            ),
            Field::Unset => format!(
                "state machine `{}` has no tracing_configuration {{ enabled = true }}, so its executions are not traced",
                m.meta.address
            ),
            // An XR998 finding says what is wrong; there is no value to judge.
            Field::Invalid(_) => continue,
            Field::Unknown(u) => {
                out.push(unknown_setting(
                    &m.meta,
                    at,
                    "tracing_configuration.enabled",
                    u,
                ));
                continue;
            }
        };
        let remedy = Remedy::Set {
            name: "enabled",
            value: "true".into(),
            at: m.tracing_enabled.at.clone(),
            source: m.tracing_enabled.source.clone(),
            block: m.meta.block.clone(),
            nested: Some("tracing_configuration"),
        };
        let mut finding = RULE.finding(&m.meta, at, message).with_remedy(remedy);
        finding.related = describe::related(&m.tracing_enabled.source);
        out.push(finding);
    }
}
