//! Every kind is filled by each source it names (`model::KINDS`), so a kind declared and
//! left out of a source fails here; and the new-kind proof, X-Ray's encryption
//! configuration, end to end from Terraform (the account side is in tests/account.rs).

mod common;
use common::*;
use xray_setup::model::{Identity, KINDS, Kind};
use xray_setup::source::terraform::{Target, Variables, scan};

fn inventory_of(files: &[(&str, &str)]) -> xray_setup::model::Inventory {
    let dir = tree(files);
    let targets = [Target {
        path: dir.path(),
        exclude: None,
    }];
    scan(&targets, &Variables::default()).unwrap().inventory
}

/// A resource of each Terraform type of each kind becomes one item of that kind, and of
/// no other.
#[test]
fn every_terraform_type_fills_its_kind() {
    let mut seen = 0;
    for entry in KINDS {
        for rtype in entry.info.terraform {
            let text = format!("resource \"{rtype}\" \"x\" {{}}\n");
            let inventory = inventory_of(&[("main.tf", &text)]);
            for (other, count) in inventory.counts() {
                let want = usize::from(other.field == entry.field);
                assert_eq!(
                    count, want,
                    "`{rtype}` (kind `{}`) made {count} `{}`",
                    entry.field, other.field
                );
            }
            assert_eq!(inventory.resource_count(), 1, "{rtype}");
            seen += 1;
        }
    }
    assert!(seen >= KINDS.len(), "every kind has a Terraform type");
}

/// Fields and descriptions are unique: two kinds cannot claim one type.
#[test]
fn kinds_are_described_once() {
    let mut types = std::collections::HashSet::new();
    let mut fields = std::collections::HashSet::new();
    for entry in KINDS {
        assert!(fields.insert(entry.field), "{} twice", entry.field);
        assert!(!entry.info.name.is_empty());
        for t in entry.info.terraform {
            assert!(types.insert(*t), "{t} claimed by two kinds");
        }
    }
}

#[test]
fn identities_join_by_name_or_region() {
    let inventory = inventory_of(&[(
        "main.tf",
        r#"
resource "aws_lambda_function" "f" { function_name = "orders" }
resource "aws_lambda_function" "g" { function_name = "gen-${uuid()}" }
resource "aws_xray_encryption_config" "e" { type = "NONE" }
"#,
    )]);
    let ids: Vec<Identity> = inventory.functions.iter().map(Kind::identity).collect();
    assert_eq!(
        ids,
        [Identity::Name("orders".into()), Identity::Unknown],
        "a name only an apply knows is not joinable"
    );
    assert_eq!(
        inventory.encryption_configs[0].identity(),
        Identity::Singleton
    );
}

fn xr007(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let dir = tree(files);
    let (report, _) = audit_path(dir.path(), &[]);
    findings(&report)
        .iter()
        .filter(|f| f["rule"] == "XR007")
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const PROVIDER: &str = "provider \"aws\" { region = \"eu-west-1\" }\n";

#[test]
fn encryption_type_and_key_are_reported() {
    let found = xr007(&[
        ("providers.tf", PROVIDER),
        (
            "main.tf",
            r#"
variable "key" { default = "arn:aws:kms:eu-west-1:111122223333:key/abcd" }
resource "aws_xray_encryption_config" "this" {
  type   = "KMS"
  key_id = var.key
}
"#,
        ),
    ]);
    assert_eq!(found.len(), 1, "{found:?}");
    let (severity, resource, message) = &found[0];
    assert_eq!(severity, "note");
    assert_eq!(resource, "aws_xray_encryption_config.this");
    assert!(
        message.contains("in eu-west-1")
            && message.contains("KMS key `arn:aws:kms:eu-west-1:111122223333:key/abcd`")
            && message.contains("stops storing traces"),
        "{message}"
    );

    let found = xr007(&[(
        "main.tf",
        "resource \"aws_xray_encryption_config\" \"this\" { type = \"NONE\" }\n",
    )]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "note");
    assert!(found[0].2.contains("default encryption"), "{}", found[0].2);
}

#[test]
fn encryption_problems_are_flagged() {
    let cases = [
        (
            "type = \"NONE\"\n  key_id = \"alias/traces\"",
            "warning",
            "the key is not used",
        ),
        ("type = \"KMS\"", "warning", "without key_id"),
        ("type = \"AES\"", "error", "must be NONE or KMS"),
        ("key_id = \"alias/traces\"", "error", "does not set `type`"),
    ];
    for (body, severity, says) in cases {
        let text = format!("resource \"aws_xray_encryption_config\" \"this\" {{\n  {body}\n}}\n");
        let found = xr007(&[("main.tf", &text)]);
        assert_eq!(found.len(), 1, "{body}: {found:?}");
        assert_eq!(found[0].0, severity, "{body}");
        assert!(found[0].2.contains(says), "{body}: {}", found[0].2);
    }
}

#[test]
fn two_configurations_for_one_region_are_flagged_once() {
    let found = xr007(&[
        ("providers.tf", PROVIDER),
        (
            "main.tf",
            r#"
resource "aws_xray_encryption_config" "a" { type = "NONE" }
resource "aws_xray_encryption_config" "b" { type = "NONE" }
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
resource "aws_xray_encryption_config" "c" {
  provider = aws.us
  type     = "NONE"
}
"#,
        ),
    ]);
    let warnings: Vec<_> = found.iter().filter(|f| f.0 == "warning").collect();
    assert_eq!(warnings.len(), 1, "{found:?}");
    assert_eq!(warnings[0].1, "aws_xray_encryption_config.b");
    assert!(
        warnings[0]
            .2
            .contains("`aws_xray_encryption_config.a` and `aws_xray_encryption_config.b`")
            && warnings[0].2.contains("in eu-west-1"),
        "{}",
        warnings[0].2
    );
}

#[test]
fn an_unknown_key_is_unknown_not_guessed() {
    let found = {
        let dir = tree(&[(
            "main.tf",
            r#"
resource "aws_kms_key" "k" {}
resource "aws_xray_encryption_config" "this" {
  type   = "KMS"
  key_id = aws_kms_key.k.arn
}
"#,
        )]);
        let (report, _) = audit_path(dir.path(), &[]);
        findings(&report)
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "XR000");
    assert!(found[0].1.contains("key_id"), "{}", found[0].1);
}
