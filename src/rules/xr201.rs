use super::{Context, Rule, unknown_setting};
use crate::finding::Remedy;
use crate::finding::{Finding, Related, Severity};
use crate::model::Field;
use crate::sampling::{LIMITS_SOURCE, violations};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "XR201",
    name: "sampling-rule-invalid",
    severity: Severity::Error,
    summary: "An aws_xray_sampling_rule that breaks an API constraint, or repeats a rule_name in its root and region.",
    doc: r#"# XR201 sampling-rule-invalid (error)

## What it finds
An `aws_xray_sampling_rule` that breaks a constraint of the X-Ray API, one finding per
broken constraint, each with the value and the allowed range:

| argument | allowed |
|---|---|
| `rule_name` | 1–32 characters |
| `priority` | an integer from 1 to 9999 (required) |
| `fixed_rate` | a number from 0 to 1 (required) |
| `reservoir_size` | an integer ≥ 0 (required) |
| `version` | exactly 1 (required) |
| `service_name`, `service_type`, `host` | 1–64 characters (required) |
| `http_method` | 1–10 characters (required) |
| `url_path` | 1–128 characters (required) |
| `resource_arn` | 1–500 characters (required) |
| `attributes` | at most 5 entries, keys and values of 1–32 characters |

Two rules with the same `rule_name` in one root and region are reported too: rule
names are unique in an account's region. Rules created by different provider
configurations in different regions (`provider = aws.west`, a per-resource `region`)
do not clash.

## Why it matters
`terraform apply` fails on such a rule (the API answers `InvalidRequestException`); the
`Default` rule, priority 10000, cannot be managed by Terraform at all
(terraform-provider-aws#23409).

## Example
```hcl
resource "aws_xray_sampling_rule" "api" {
  rule_name  = "api"
  priority   = 0     # must be 1-9999
  fixed_rate = 1.5   # must be 0-1
  version    = 2     # must be 1
  # ...
}
```

## Fix
Bring each value into range. `xray-setup fix` sets `version = 1`, the only constraint
with one right answer; the others need a person.

## Source
X-Ray API reference, `SamplingRule` (botocore `xray/2016-04-12/service-2.json`).
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    let mut names: HashMap<(&str, &str, &str), &crate::model::SamplingRule> = HashMap::new();
    for rule in &inventory.sampling_rules {
        let label = rule
            .rule_name
            .value
            .known()
            .cloned()
            .unwrap_or_else(|| rule.meta.address.clone());
        for v in violations(rule) {
            let message = if v.value.is_empty() {
                format!(
                    "sampling rule `{label}` does not set {}, which {LIMITS_SOURCE} requires",
                    v.field
                )
            } else {
                format!(
                    "sampling rule `{label}` has {} = {}, but {LIMITS_SOURCE} allows {}; AWS rejects the rule when it is applied",
                    v.field, v.value, v.allowed
                )
            };
            let remedy = if v.field == "version" {
                Remedy::Set {
                    name: "version",
                    value: "1".into(),
                    at: rule.version.at.clone(),
                    source: rule.version.source.clone(),
                    block: rule.meta.block.clone(),
                    nested: None,
                }
            } else {
                Remedy::Manual(format!("choose a {} that is {}", v.field, v.allowed))
            };
            out.push(
                RULE.finding(&rule.meta, v.at.as_ref(), message)
                    .with_remedy(remedy),
            );
        }
        for (field, setting) in [
            (
                "priority",
                rule.priority
                    .value
                    .known()
                    .is_none()
                    .then_some(&rule.priority.value),
            ),
            (
                "fixed_rate",
                rule.fixed_rate
                    .value
                    .known()
                    .is_none()
                    .then_some(&rule.fixed_rate.value),
            ),
            (
                "reservoir_size",
                rule.reservoir_size
                    .value
                    .known()
                    .is_none()
                    .then_some(&rule.reservoir_size.value),
            ),
        ] {
            if let Some(Field::Unknown(u)) = setting {
                out.push(unknown_setting(&rule.meta, None, field, u));
            }
        }
        if let Field::Known(name) = &rule.rule_name.value {
            if let Some(first) =
                names.get(&(rule.meta.root.as_str(), region_key(rule), name.as_str()))
            {
                let message = format!(
                    "sampling rule name `{name}` is also used by `{}` in the same region; rule names are unique in an account's region, so one of them fails to apply",
                    first.meta.address
                );
                let mut f = RULE.finding(&rule.meta, rule.rule_name.at.as_ref(), message);
                f.related = vec![Related {
                    message: format!("`{}` also names a rule `{name}`", first.meta.address),
                    origin: first.meta.origin.clone(),
                }];
                out.push(f);
            } else {
                names.insert(
                    (rule.meta.root.as_str(), region_key(rule), name.as_str()),
                    rule,
                );
            }
        }
    }
}

/// Which region a rule is in, as far as that is known: its provider configuration
/// when the region is not known (rules of one configuration share a region).
pub(super) fn region_key(rule: &crate::model::SamplingRule) -> &str {
    rule.meta.region.as_ref().map_or("", |r| r.key())
}
