use super::{Context, Rule};
use crate::finding::{Finding, Severity};
use crate::model::{Meta, Origin, Unresolved};

pub static RULE: Rule = Rule {
    code: "XR000",
    name: "unresolved-value",
    severity: Severity::Note,
    summary: "A value a rule needs cannot be known without applying; says what would resolve it.",
    doc: r#"# XR000 unresolved-value (note)

## What it finds
A value that a rule needs but that `terraform plan` itself could not know: a root
variable with no default and no value, an attribute known only after apply (an ARN), a
data source read from AWS, a module whose source is not on disk, or a `count` /
`for_each` that depends on one of those.

## Why it matters
xray-setup never guesses. Where other scanners skip such values silently or pass them,
this note says which expression stopped the audit and what would resolve it, so a
missing `--var-file` does not hide a real problem.

## Example
```hcl
variable "tracing_mode" {}          # no default, no value given
resource "aws_lambda_function" "f" {
  tracing_config { mode = var.tracing_mode }
}
```

## Fix
Give the value: `--var tracing_mode=Active`, `--var-file env/prod.tfvars`, or
`TF_VAR_tracing_mode`; for modules not on disk, run `terraform init` so
`.terraform/modules/modules.json` records where they were downloaded.

## Source
Terraform's unknown values: developer.hashicorp.com/terraform/language/expressions
(values "known after apply"); variable precedence: developer.hashicorp.com/terraform/
language/values/variables#variable-definition-precedence.
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    for u in &inventory.unaudited {
        out.push(unresolved(&u.meta, None, &u.subject, &u.what));
    }
}

/// The XR000 note for a setting a rule needed, e.g. `tracing_config.mode`.
pub fn unknown_setting(
    meta: &Meta,
    at: Option<&Origin>,
    setting: &str,
    what: &Unresolved,
) -> Finding {
    let subject = format!("{setting} of `{}` is not known offline", meta.address);
    unresolved(meta, at, &subject, what)
}

/// The XR000 note: `subject` (a sentence head such as "Resources inside `module.x` were
/// not audited"), the expression, why it is unknown and what would resolve it.
pub fn unresolved(meta: &Meta, at: Option<&Origin>, subject: &str, what: &Unresolved) -> Finding {
    let mut message = format!("{subject}: ");
    if !what.expression.is_empty() {
        message.push_str(&format!("`{}`: ", what.expression));
    }
    message.push_str(&what.why);
    if let Some(hint) = &what.hint {
        message.push_str("; ");
        message.push_str(hint);
    }
    RULE.finding(meta, at, message)
}
