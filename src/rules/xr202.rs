use super::{Context, Rule};
use crate::cost::{self, Stream, render_thousands};
use crate::finding::{Finding, Severity};
use crate::sampling::{Known, violations};

pub static RULE: Rule = Rule {
    code: "XR202",
    name: "sampling-rule-traces-everything",
    severity: Severity::Warning,
    summary: "A sampling rule that records every matching request with broad matchers, and what that costs.",
    doc: r#"# XR202 sampling-rule-traces-everything (warning)

## What it finds
A sampling rule with `fixed_rate = 1` whose `service_name` and `url_path` are `*`: it
records every request it matches. The message gives the monthly cost at the traffic
given with `--requests-per-second` (default 100), by the model `xray-setup cost` uses.

## Why it matters
X-Ray charges per trace recorded. At 250 million requests a day, recording every one is
7.5 billion traces and about $37,500 a month; the Default rule (1 a second and 5% of the
rest) records 377.6 million, about $1,887.

## Example
```hcl
resource "aws_xray_sampling_rule" "debug" {
  fixed_rate     = 1
  reservoir_size = 0
  service_name   = "*"
  url_path       = "*"
  # ...
}
```

## Fix
Lower `fixed_rate` (0.05 keeps statistically useful traces for most services), narrow the
matchers to the service or path you are debugging, or remove the rule once done.

## Source
AWS X-Ray pricing (aws.amazon.com/xray/pricing); X-Ray developer guide, "Configuring
sampling rules".
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let rps = cx.options.requests_per_second;
    for rule in &cx.inventory.sampling_rules {
        if !violations(rule).is_empty() {
            continue;
        }
        let Some(k) = Known::of(rule) else { continue };
        let [service_name, .., url_path, _] = &k.matchers;
        if k.fixed_rate < 1.0 || service_name != "*" || url_path != "*" {
            continue;
        }
        let options = cost::Options {
            traffic: vec![Stream {
                service: None,
                requests_per_second: rps,
            }],
            ..cost::Options::default()
        };
        let estimate = cost::estimate(std::slice::from_ref(rule), &options);
        let message = format!(
            "sampling rule `{}` records every request it matches (fixed_rate {} with service_name and url_path \"*\"): at {} requests/s that is {} traces and about ${} a month (X-Ray pricing; set --requests-per-second for your traffic); lower fixed_rate or narrow the matchers",
            k.name,
            k.fixed_rate,
            render_thousands(rps, 0),
            render_thousands(estimate.traces_per_month, 0),
            render_thousands(estimate.total_monthly_usd, 2),
        );
        out.push(RULE.finding(&rule.meta, rule.fixed_rate.at.as_ref(), message));
    }
}
