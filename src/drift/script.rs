//! `drift --emit cli`: the AWS CLI script that puts the account back to what the code
//! says, for the settings drift compares. Like `enable --emit cli`'s, it first checks
//! which account the credentials reach, names every region, and sets states rather than
//! adding to them, so it can run twice. What a script should not do on its own (grants on
//! roles, resources the code declares and the account lacks) is left as comments.

use super::Revert;
use crate::enable::AccountId;
use crate::enable::script::{account_guard, quote};
use std::fmt::Write;

/// The script for `account`, the account drift read. `region` is the one `sts` is asked
/// in.
pub fn render(
    reverts: &[&Revert],
    account: &AccountId,
    region: &str,
    generated_at: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "#!/usr/bin/env bash");
    let _ = writeln!(
        s,
        "# Written by `xray-setup drift --emit cli` at {generated_at}."
    );
    let _ = writeln!(
        s,
        "# Puts back what the code declares, where the account runs something else ({} change{}).",
        reverts.len(),
        if reverts.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        s,
        "# Written for {account}: it stops, changing nothing, with credentials for any other."
    );
    s.push_str("set -euo pipefail\n");
    s.push_str(&account_guard(account, region));
    if reverts.is_empty() {
        s.push_str("\n# Nothing to change.\n");
    }
    for r in reverts {
        s.push('\n');
        command(&mut s, r);
    }
    s
}

fn command(s: &mut String, r: &Revert) {
    let q = quote;
    let _ = match r {
        Revert::FunctionMode { region, arn, mode } => writeln!(
            s,
            "aws lambda update-function-configuration --region {} --function-name {} \\\n  --tracing-config Mode={} --query FunctionArn --output text\naws lambda wait function-updated-v2 --region {} --function-name {}",
            q(region),
            q(arn),
            q(mode),
            q(region),
            q(arn)
        ),
        Revert::StageTracing {
            region,
            rest_api,
            stage,
            enabled,
        } => writeln!(
            s,
            "aws apigateway update-stage --region {} --rest-api-id {} --stage-name {} \\\n  --patch-operations op=replace,path=/tracingEnabled,value={enabled} --query stageName --output text",
            q(region),
            q(rest_api),
            q(stage)
        ),
        Revert::StateMachineTracing {
            region,
            arn,
            enabled,
        } => writeln!(
            s,
            "aws stepfunctions update-state-machine --region {} --state-machine-arn {} \\\n  --tracing-configuration enabled={enabled} --query updateDate --output text",
            q(region),
            q(arn)
        ),
        Revert::SamplingRule {
            region,
            name,
            fields,
            ..
        } => {
            let mut update = serde_json::Map::new();
            update.insert("RuleName".into(), name.clone().into());
            for (k, v) in fields {
                update.insert((*k).into(), v.clone());
            }
            writeln!(
                s,
                "aws xray update-sampling-rule --region {} --sampling-rule-update {} --query SamplingRuleRecord.SamplingRule.RuleName --output text",
                q(region),
                q(&serde_json::Value::Object(update).to_string())
            )
        }
        Revert::Manual { resource, what } => writeln!(s, "# {resource}: {what}"),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_names_its_region_and_quotes_its_words() {
        let account = AccountId {
            account: "123456789012".into(),
            partition: "aws".into(),
        };
        let script = render(
            &[
                &Revert::FunctionMode {
                    region: "eu-west-1".into(),
                    arn: "arn:aws:lambda:eu-west-1:123456789012:function:it's".into(),
                    mode: "PassThrough".into(),
                },
                &Revert::SamplingRule {
                    region: "eu-west-1".into(),
                    arn: "arn:aws:xray:eu-west-1:123456789012:sampling-rule/api".into(),
                    name: "api".into(),
                    fields: vec![("FixedRate", serde_json::json!(0.05))],
                },
            ],
            &account,
            "eu-west-1",
            "now",
        );
        assert!(
            script.contains(
                r"--function-name 'arn:aws:lambda:eu-west-1:123456789012:function:it'\''s'"
            ),
            "{script}"
        );
        assert!(
            script.contains(r#"--sampling-rule-update '{"RuleName":"api","FixedRate":0.05}'"#),
            "{script}"
        );
        assert_eq!(
            script.matches("--region 'eu-west-1'").count(),
            4,
            "{script}"
        );
        assert!(script.contains("expected_account='123456789012'"));
    }
}
