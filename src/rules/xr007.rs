use super::{Context, Rule, unknown_setting};
use crate::finding::{Finding, Severity};
use crate::model::{EncryptionConfig, Field};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "XR007",
    name: "xray-encryption",
    severity: Severity::Note,
    summary: "How X-Ray encrypts traces in each region (type and key); a key that is ignored or missing, a type Terraform refuses, two configurations for one region.",
    doc: r#"# XR007 xray-encryption (note; warning or error for the problems below)

## What it finds
Each `aws_xray_encryption_config` in Terraform, and each region's encryption
configuration in an account (`GetEncryptionConfig`), as a note saying how X-Ray encrypts
traces at rest there: its default encryption (`type = "NONE"`), or the KMS key it uses
(`type = "KMS"`, `key_id`). And, as warnings:
- `type = "NONE"` with a `key_id`: the key is not used;
- `type = "KMS"` without a `key_id`: no key is named;
- two configurations for the same region in one root: there is one per account and
  region, so each apply overwrites the other's;

and as an error, a `type` other than `NONE` or `KMS`, or none: Terraform refuses it.

## Why it matters
X-Ray always encrypts traces at rest. With a KMS key, AWS KMS charges for each use of the
key (and for storing a customer managed one), and if X-Ray cannot use the key (it is
disabled, or access to it is lost) X-Ray stops storing traces: they never arrive. While a
change of settings propagates, X-Ray may encrypt with the old and the new settings; data
already stored is not encrypted again.

## Example
```hcl
resource "aws_xray_encryption_config" "this" {
  type   = "NONE"
  key_id = aws_kms_key.traces.arn # not used: type is NONE
}
```

## Fix
`type = "KMS"` with `key_id` naming the key (its ARN for a key in another account;
`alias/aws/xray` for the AWS managed key), or `type = "NONE"` without `key_id`. Keep one
`aws_xray_encryption_config` per region.

## Source
X-Ray API reference `PutEncryptionConfig` (`Type` `NONE` | `KMS`; `KeyId` as ID, alias or
ARN, an ARN for another account's key, omitted for `NONE`; no asymmetric keys) and
`GetEncryptionConfig` (`Status` `UPDATING` | `ACTIVE`); X-Ray developer guide "Data
protection in AWS X-Ray" (`xray-console-encryption`); terraform-provider-aws
`aws_xray_encryption_config` (`type` required, `key_id` optional; removing the resource
changes nothing in AWS).
"#,
    check,
};

const TYPES: [&str; 2] = ["NONE", "KMS"];

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // The first configuration seen for each root and region, for duplicates.
    let mut first: HashMap<(&str, &str), &EncryptionConfig> = HashMap::new();
    for c in &cx.inventory.encryption_configs {
        if let Some(region) = &c.meta.region {
            let key = (c.meta.root.as_str(), region.key());
            match first.get(&key) {
                Some(earlier) => out.push(duplicate(c, earlier)),
                None => {
                    first.insert(key, c);
                }
            }
        }
        if let Some(finding) = judge(c) {
            out.push(finding);
        }
    }
}

/// Where the configuration applies, for messages: "in us-east-1", "in the region of
/// provider `aws.west`".
fn region(c: &EncryptionConfig) -> String {
    match &c.meta.region {
        Some(r) => match &r.name {
            Field::Known(name) => format!("in {name}"),
            _ => format!("in the region of provider `{}`", r.provider),
        },
        None => "in its region".into(),
    }
}

fn judge(c: &EncryptionConfig) -> Option<Finding> {
    let type_at = c.encryption_type.at.as_ref();
    let key_at = c.key_id.at.as_ref();
    let key = match &c.key_id.value {
        Field::Known(k) => Some(k.as_str()),
        Field::Unset => None,
        Field::Invalid(_) => return None,
        Field::Unknown(u) => return Some(unknown_setting(&c.meta, key_at, "key_id", u)),
    };
    let t = match &c.encryption_type.value {
        Field::Known(t) => t.as_str(),
        // An XR998 finding says what is wrong.
        Field::Invalid(_) => return None,
        Field::Unknown(u) => return Some(unknown_setting(&c.meta, type_at, "type", u)),
        Field::Unset => {
            let message = format!(
                "`{}` does not set `type`, which the resource requires (NONE or KMS): terraform plan refuses it",
                c.meta.address
            );
            return Some(with_severity(
                RULE.finding(&c.meta, None, message),
                Severity::Error,
            ));
        }
    };
    let status = match c.status.as_deref() {
        Some("UPDATING") => {
            "; its status is UPDATING: until the new settings have propagated, X-Ray may encrypt with the old and the new ones"
        }
        _ => "",
    };
    let found = match (t, key) {
        (t, _) if !TYPES.contains(&t) => with_severity(
            RULE.finding(&c.meta,
                type_at,
                format!(
                    "`{}` sets type = \"{t}\": it must be NONE or KMS, and terraform plan refuses anything else",
                    c.meta.address
                ),
            ),
            Severity::Error,
        ),
        ("NONE", Some(k)) => with_severity(
            RULE.finding(&c.meta,
                key_at,
                format!(
                    "`{}` sets key_id = \"{k}\" with type NONE: X-Ray uses its default encryption {} and the key is not used; set type = \"KMS\" to use it, or remove key_id",
                    c.meta.address,
                    region(c)
                ),
            ),
            Severity::Warning,
        ),
        ("NONE", None) => RULE.finding(&c.meta,
            type_at,
            format!(
                "X-Ray encrypts traces {} with its default encryption (type NONE, no KMS key, no KMS charge){status}",
                region(c)
            ),
        ),
        (_, None) => with_severity(
            RULE.finding(&c.meta,
                type_at,
                format!(
                    "`{}` sets type = \"KMS\" without key_id: name the key X-Ray encrypts traces with {} (`alias/aws/xray` for the AWS managed key)",
                    c.meta.address,
                    region(c)
                ),
            ),
            Severity::Warning,
        ),
        (_, Some(k)) => {
            let which = if k == "alias/aws/xray" || k.ends_with(":alias/aws/xray") {
                "the AWS managed key".to_string()
            } else {
                format!("KMS key `{k}`")
            };
            RULE.finding(&c.meta,
                key_at.or(type_at),
                format!(
                    "X-Ray encrypts traces {} with {which} (type KMS): AWS KMS charges for each use, and if X-Ray cannot use the key (disabled, or access lost) it stops storing traces{status}",
                    region(c)
                ),
            )
        }
    };
    Some(found)
}

fn duplicate(c: &EncryptionConfig, earlier: &EncryptionConfig) -> Finding {
    let message = format!(
        "`{}` and `{}` both set X-Ray's encryption configuration {}, of which there is one per account and region: each apply overwrites the other's; keep one",
        earlier.meta.address,
        c.meta.address,
        region(c)
    );
    with_severity(RULE.finding(&c.meta, None, message), Severity::Warning)
}

/// The rule's problems are worse than its note.
fn with_severity(mut finding: Finding, severity: Severity) -> Finding {
    finding.severity = severity;
    finding
}
