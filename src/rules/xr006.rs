use super::{Context, Rule, describe, unknown_setting};
use crate::finding::Remedy;
use crate::finding::{Finding, Severity};
use crate::model::Field;

pub static RULE: Rule = Rule {
    code: "XR006",
    name: "appsync-tracing-disabled",
    severity: Severity::Warning,
    summary: "An AppSync GraphQL API with xray_enabled false or unset.",
    doc: r#"# XR006 appsync-tracing-disabled (warning)

## What it finds
An `aws_appsync_graphql_api` whose `xray_enabled` is false or not set (default false); in
an account, a GraphQL API whose `ListGraphqlApis` entry reports `xrayEnabled` false.

## Why it matters
Without it AppSync records no trace for requests, and resolvers calling Lambda or
DynamoDB appear without their caller.

## Example
```hcl
resource "aws_appsync_graphql_api" "api" {
  name                = "api"
  authentication_type = "API_KEY"
}
```

## Fix
`xray_enabled = true`.

## Source
terraform-provider-aws `aws_appsync_graphql_api` (`xray_enabled`, default false);
AppSync developer guide "Tracing with AWS X-Ray".
"#,
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let inventory = cx.inventory;
    for a in &inventory.appsync_apis {
        let at = a.xray_enabled.at.as_ref();
        let message = match &a.xray_enabled.value {
            Field::Known(true) => continue,
            Field::Known(false) => format!(
                "AppSync API `{}` has xray_enabled = false; set it to true",
                a.meta.address
            ),
            Field::Unset => format!(
                "AppSync API `{}` does not set xray_enabled (default false); set it to true",
                a.meta.address
            ),
            // An XR998 finding says what is wrong; there is no value to judge.
            Field::Invalid(_) => continue,
            Field::Unknown(u) => {
                out.push(unknown_setting(&a.meta, at, "xray_enabled", u));
                continue;
            }
        };
        let remedy = Remedy::Set {
            name: "xray_enabled",
            value: "true".into(),
            at: a.xray_enabled.at.clone(),
            source: a.xray_enabled.source.clone(),
            block: a.meta.block.clone(),
            nested: None,
        };
        let mut finding = RULE.finding(&a.meta, at, message).with_remedy(remedy);
        finding.related = describe::related(&a.xray_enabled.source);
        out.push(finding);
    }
}
