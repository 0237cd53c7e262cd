use super::{Context, Rule};
use crate::finding::{Finding, Severity};
use crate::model::{Meta, Origin};

pub static RULE: Rule = Rule {
    code: "XR999",
    name: "parse-error",
    severity: Severity::Error,
    summary: "A file that cannot be read or parsed; the rest of the tree is still audited.",
    doc: r#"# XR999 parse-error (error)

## What it finds
A `.tf`, `.tf.json` or `.tfvars` file that cannot be read (permissions, not UTF-8,
binary, too large) or is not valid HCL or JSON. The message carries the parser's own
words; the location is where the parser stopped.

## Why it matters
Terraform refuses such a file, and nothing in it was audited. Every other file and
module is still audited.

## Example
```hcl
resource "aws_lambda_function" "f" {
  function_name = "f"
```

## Fix
Correct the syntax (`terraform validate` shows the same error), or exclude the file.

## Source
HCL native syntax specification (hashicorp/hcl `hclsyntax/spec.md`); Terraform JSON
configuration syntax.
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    for p in &inventory.problems {
        let file = match &p.origin {
            Origin::File { file, .. } => inventory
                .files
                .get(file.0 as usize)
                .map(|f| f.display.clone()),
            Origin::Account { arn, .. } => Some(arn.clone()),
        }
        .unwrap_or_default();
        let meta = Meta {
            address: String::new(),
            root: file
                .rsplit_once('/')
                .map_or(".".to_string(), |(d, _)| d.to_string()),
            account: None,
            origin: Some(p.origin.clone()),
            block: None,
            repeated: None,
            region: None,
        };
        out.push(RULE.finding(&meta, None, p.message.clone()));
    }
}
