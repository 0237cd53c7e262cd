use super::{Context, Rule};
use crate::finding::{Finding, Severity};
use crate::model::Meta;

pub static RULE: Rule = Rule {
    code: "XR998",
    name: "invalid-configuration",
    severity: Severity::Error,
    summary: "A configuration terraform validate or plan would refuse: an undeclared reference, an unknown function, a type error.",
    doc: r#"# XR998 invalid-configuration (error)

## What it finds
What `terraform validate` or `terraform plan` would refuse, at the expression at fault,
in Terraform's words: a reference to an undeclared variable, local value, resource,
data source, module or module output; a call to a function that does not exist, or
with the wrong number or type of arguments; an operation on values of the wrong type
(`"a" + 1`); `for_each` over a list or tuple; a negative or fractional `count`; both
`count` and `for_each` on one block; a value that depends on itself; a module that
calls itself.

## Why it matters
A CI gate that passes a typo is worse than none: `mode = var.tracng_mode` is not "a value
not known yet", it is a configuration that will not deploy. xray-setup reads the
expression the way Terraform does and reports the error instead of guessing; whatever
depends on the broken value is not judged by other rules.

## Example
```hcl
resource "aws_lambda_function" "f" {
  tracing_config {
    mode = var.tracng_mode   # no variable "tracng_mode" is declared
  }
}
```

## Fix
Correct the expression; `terraform validate` reports the same error.

## Source
Terraform's expression and reference semantics (developer.hashicorp.com/terraform/
language/expressions); HCL's evaluation diagnostics (hashicorp/hcl `hclsyntax`).
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for e in &cx.inventory.invalid {
        let meta = Meta {
            address: String::new(),
            root: e.root.clone(),
            account: None,
            origin: Some(e.origin.clone()),
            block: None,
            repeated: None,
            region: None,
        };
        let message = if e.detail.is_empty() {
            e.summary.clone()
        } else {
            format!("{}: {}", e.summary, e.detail)
        };
        out.push(RULE.finding(&meta, None, message));
    }
}
