use super::{Context, Rule};
use crate::finding::Remedy;
use crate::finding::{Finding, Severity};
use crate::model::Field;

pub static RULE: Rule = Rule {
    code: "XR002",
    name: "lambda-tracing-invalid-mode",
    severity: Severity::Error,
    summary: "A Lambda tracing mode that is neither \"Active\" nor \"PassThrough\" (case-sensitive).",
    doc: r#"# XR002 lambda-tracing-invalid-mode (error)

## What it finds
A `tracing_config.mode` (or `tracing_mode` module input) whose value is a string other
than `Active` or `PassThrough`, such as `"Passthrough"` or `"active"`.

## Why it matters
The modes are case-sensitive. The AWS provider rejects any other value at plan time
(`expected tracing_config.0.mode to be one of ["Active" "PassThrough"]`), so the deploy
fails; trivy's own example of a bad function uses `"Passthrough"`.

## Example
```hcl
  tracing_config {
    mode = "Passthrough"
  }
```

## Fix
Use `mode = "Active"` to trace every invocation, or the exact `"PassThrough"`.

## Source
Lambda API reference `API_TracingConfig`; terraform-provider-aws
`internal/service/lambda/function.go` (validation of `tracing_config.mode`).
"#,
    check,
};

const MODES: [&str; 2] = ["Active", "PassThrough"];

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    for f in &inventory.functions {
        let Field::Known(mode) = &f.tracing_mode.value else {
            continue;
        };
        if MODES.contains(&mode.as_str()) {
            continue;
        }
        let hint = match MODES.iter().find(|m| m.eq_ignore_ascii_case(mode.trim())) {
            Some(m) => format!("did you mean \"{m}\"? Modes are case-sensitive; "),
            None => String::new(),
        };
        let message = format!(
            "`{}` has tracing mode {mode:?}, which Lambda rejects: the only modes are \"Active\" and \"PassThrough\"; {hint}use \"Active\" to trace every invocation",
            f.meta.address
        );
        let remedy = Remedy::Manual(format!(
            "{mode:?} is not a mode: choose \"Active\" (or \"PassThrough\", if that was meant)"
        ));
        out.push(
            RULE.finding(&f.meta, f.tracing_mode.at.as_ref(), message)
                .with_remedy(remedy),
        );
    }
}
