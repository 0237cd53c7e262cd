use super::{Context, Rule};
use crate::finding::{Finding, Related, Severity};
use crate::sampling::{Known, in_precedence_order, is_default, violations};
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    code: "XR203",
    name: "sampling-rule-unreachable",
    severity: Severity::Warning,
    summary: "A sampling rule that never applies: a rule applied before it matches everything it would.",
    doc: r#"# XR203 sampling-rule-unreachable (warning)

## What it finds
A sampling rule that can never decide a request, because a rule applied before it (a
lower priority number, or the same priority and an earlier name) matches every request
it would: each of the earlier rule's matchers (`service_name`, `service_type`, `host`,
`http_method`, `url_path`, `resource_arn`) matches everything the later one's does, and
the earlier rule requires no attribute the later one does not. The message names the
rule that shadows it.

## Why it matters
X-Ray applies the first matching rule. A shadowed rule's rate is never used, so the
sampling someone configured for a service or path silently does not happen.

## Example
```hcl
resource "aws_xray_sampling_rule" "all"    { priority = 100, url_path = "*", ... }
resource "aws_xray_sampling_rule" "orders" { priority = 200, url_path = "/orders/*", ... }
```

## Fix
Give the specific rule a lower priority number than the general one.

## Source
X-Ray developer guide, "Configuring sampling rules" (rules are evaluated in ascending
priority; the first match applies).
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Rules apply per account and region: only rules of one root and region shadow
    // each other.
    let mut by_root: BTreeMap<(&str, &str), Vec<Known>> = BTreeMap::new();
    for rule in &cx.inventory.sampling_rules {
        // Rules AWS would reject never run, so they neither shadow nor are shadowed.
        if let (true, Some(k)) = (violations(rule).is_empty(), Known::of(rule)) {
            by_root
                .entry((rule.meta.root.as_str(), super::xr201::region_key(rule)))
                .or_default()
                .push(k);
        }
    }
    for rules in by_root.into_values() {
        let ordered = in_precedence_order(rules);
        for (i, later) in ordered.iter().enumerate() {
            if is_default(later.rule) {
                continue;
            }
            let Some(earlier) = ordered[..i]
                .iter()
                .find(|e| e.precedes(later) && e.covers(later))
            else {
                continue;
            };
            let why = if earlier.priority < later.priority {
                format!(
                    "priority {} is applied before {}",
                    earlier.priority, later.priority
                )
            } else {
                format!(
                    "both have priority {} and `{}` comes first by name",
                    later.priority, earlier.name
                )
            };
            let message = format!(
                "sampling rule `{}` never applies: `{}` ({why}) matches every request it would, so its fixed_rate and reservoir are never used; give it a lower priority number than `{}`",
                later.name, earlier.name, earlier.name
            );
            let mut f = RULE.finding(&later.rule.meta, later.rule.priority.at.as_ref(), message);
            f.related = vec![Related {
                message: format!("`{}` shadows it", earlier.name),
                origin: earlier.rule.meta.origin.clone(),
            }];
            out.push(f);
        }
    }
}
