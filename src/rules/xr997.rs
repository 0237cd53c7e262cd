use super::{Context, Rule};
use crate::finding::{Finding, Severity};
use crate::model::Meta;

pub static RULE: Rule = Rule {
    code: "XR997",
    name: "evaluation-limit",
    severity: Severity::Warning,
    summary: "Evaluation stopped at a limit (instances, module instances, value size, depth): part of the tree was not computed.",
    doc: r#"# XR997 evaluation-limit (warning)

## What it finds
An expression or block whose evaluation xray-setup stopped because it passed one of the
limits that keep an audit within bounded time and memory:

| limit | default | what passes it |
|---|---|---|
| `instances` | 10,000 | `count` or `for_each` of one resource or module call |
| `module_instances` | 10,000 | module instances in one root, in total (calls that fan out) |
| `value_bytes` | 32 MiB | one value: a string, list, map or object, flattened |
| `depth` | 10,000 | values one evaluation waits on in a chain (a local reading a local ...), or modules nested |

Past `instances`, the block is audited through one representative instance, as when
its `count` is not known. Past `module_instances`, the call's modules are not audited.
Past `value_bytes` or `depth`, the value is unknown, and rules that need it say so
(XR000).

## Why it matters
`count = 1000000000`, a `join` of a `join` of a `join`, or twenty modules each calling
the next twice would otherwise take the machine down in CI. Terraform itself would try;
xray-setup stops, says where and why, and audits the rest.

## Example
```hcl
resource "aws_lambda_function" "f" {
  count = 1000000000   # 1000000000 instances, more than the limit of 10000
}
```

## Fix
Usually a mistake in the tree. If the tree really needs more, raise the limit in
`.xray-setup.toml`:

```toml
[limits]
instances = 50000
```

## Source
xray-setup's own limits (README, "Limits").
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for l in &cx.inventory.limited {
        let meta = Meta {
            address: String::new(),
            root: l.root.clone(),
            account: None,
            origin: Some(l.origin.clone()),
            block: None,
            repeated: None,
            region: None,
        };
        out.push(RULE.finding(&meta, None, format!("Not computed: {}", l.what)));
    }
}
