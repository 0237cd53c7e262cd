use super::{Context, Rule};
use crate::finding::{Finding, Severity};
use crate::model::{Field, Meta, Origin, Region, account_root};

pub static RULE: Rule = Rule {
    code: "XR010",
    name: "account-read-incomplete",
    severity: Severity::Error,
    summary: "Part of an account could not be read (a permission missing, or the service failing); the audit is incomplete.",
    doc: r#"# XR010 account-read-incomplete (error)

## What it finds
A part of the account that `audit --account` could not read: a call denied for lack of a
permission (the finding names it) or failing after retries. Everything else is still
audited, and the exit status is 3: the audit is incomplete.

## Why it matters
What could not be read was not audited: a function list denied in one region hides every
function there.

## Example
`lambda:ListFunctions` denied in `eu-west-1`; in an Organization, a member account whose
`OrganizationAccountAccessRole` was deleted.

## Fix
Grant the named permission to the identity running the audit. Every call the account
audit makes is a List or Get: `lambda:ListFunctions`, `tag:GetResources` (with `--tag`;
else `lambda:ListTags`),
`iam:GetAccountAuthorizationDetails` or `iam:GetRole`, `iam:ListRolePolicies`,
`iam:GetRolePolicy`, `iam:ListAttachedRolePolicies`, `iam:GetPolicy`,
`iam:GetPolicyVersion`, `apigateway:GET` (REST, HTTP and WebSocket APIs and their
stages), `states:ListStateMachines`, `states:DescribeStateMachine`,
`appsync:ListGraphqlApis`, `xray:GetSamplingRules`, `xray:GetEncryptionConfig`. The AWS
managed policy `ReadOnlyAccess` covers them.

Across an Organization (`--org`, `--accounts`), a whole account is one XR010 when its role
cannot be assumed (`sts:AssumeRole` denied: the role is missing, or its trust policy does
not name the caller, or asks for an `--external-id`), and a region is one when it cannot
be read; the other accounts and regions are audited in full. `--regions all` asks each
account for its regions with `account:ListRegions` (else `ec2:DescribeRegions`); `--org` lists the accounts with
`organizations:ListAccounts` (and `ListAccountsForParent`,
`ListOrganizationalUnitsForParent` with `--ou`) from the management account or a delegated
administrator.

## Source
Service Authorization Reference (actions of Lambda, IAM, API Gateway, Step Functions,
AppSync, X-Ray, Resource Groups Tagging, STS, Organizations, Account Management).
"#,
    check,
};

/// The IAM action that allows an operation (API Gateway authorizes by HTTP method).
fn permission(operation: &str) -> String {
    match operation.split_once(':') {
        Some(("apigateway", _)) => "apigateway:GET".into(),
        _ => operation.to_string(),
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for u in &cx.inventory.unread {
        let message = if u.operation == "sts:AssumeRole" {
            // The whole account: nothing in it was read.
            format!(
                "could not read {}: {} ({}); nothing in this account was audited. The role must exist in the account and trust the caller (README, \"Auditing an Organization\")",
                u.what,
                if u.denied { "denied" } else { "failed" },
                u.message
            )
        } else if u.denied {
            format!(
                "could not read {} in {}: {} was denied ({}); grant {} to audit it",
                u.what,
                u.region,
                u.operation,
                u.message,
                permission(&u.operation)
            )
        } else {
            format!(
                "could not read {} in {}: {} failed ({})",
                u.what, u.region, u.operation, u.message
            )
        };
        let meta = Meta {
            address: u.operation.clone(),
            root: account_root(u.account.as_deref()),
            account: u.account.clone(),
            origin: Some(Origin::Account {
                arn: u.operation.clone(),
                region: u.region.clone(),
            }),
            block: None,
            repeated: None,
            region: Some(Region {
                name: Field::Known(u.region.clone()),
                provider: u.region.clone(),
            }),
        };
        out.push(RULE.finding(&meta, None, message));
    }
}
