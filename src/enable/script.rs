//! `--emit cli`: the plan as a shell script of AWS CLI commands, in the order `enable`
//! makes them, for teams that want to read or run the change themselves. Every name is
//! single-quoted, every command names its region, and each command sets a state rather
//! than adding to one, so the script can run twice. It starts by asking
//! `aws sts get-caller-identity` which account the credentials reach, and stops, changing
//! nothing, unless it is the account (and partition) the plan was read from: names repeat
//! across accounts. Functions are named by ARN, which Lambda also checks.

use super::journal::AccountId;
use super::plan::{Plan, Step};
use super::{State, Target};
use std::fmt::Write;

/// How long the script retries an update Lambda refuses for now, in seconds.
const PATIENCE_SECONDS: u32 = 60;

/// The script for `account`, the account the plan was read from. `iam_region` is the
/// region IAM commands name (IAM is global; the CLI wants one all the same).
pub fn render(plan: &Plan, account: &AccountId, iam_region: &str, generated_at: &str) -> String {
    let mut s = String::new();
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(s, "#!/usr/bin/env bash");
    let _ = writeln!(
        s,
        "# Written by `xray-setup enable --emit cli` at {generated_at}."
    );
    let _ = writeln!(
        s,
        "# Turns X-Ray tracing on: {} get AWSXRayDaemonWriteAccess, {} get Active tracing, {} get tracing.",
        count(plan.grants.len(), "role", "roles"),
        count(plan.functions.len(), "function", "functions"),
        count(plan.stages.len(), "REST stage", "REST stages"),
    );
    let _ = writeln!(
        s,
        "# Written for {account}: it stops, changing nothing, with credentials for any other."
    );
    s.push_str(
        "# In order: grants, then functions (each waiting for its update to finish), then\n\
         # stages. Safe to run again: each command sets a state rather than adding to one.\n\
         set -euo pipefail\n",
    );
    s.push_str(&account_guard(account, iam_region));
    if !plan.functions.is_empty() {
        let _ = write!(
            s,
            r#"
# Lambda refuses Active tracing until a role's new permission has reached it (seconds,
# sometimes a minute), and while another update of the function runs: retry those.
enable_tracing() {{
  region=$1
  function=$2
  delay=1
  waited=0
  until output=$(aws lambda update-function-configuration --region "$region" \
      --function-name "$function" --tracing-config Mode=Active \
      --query FunctionArn --output text 2>&1); do
    case $output in
      *PutTraceSegments*|*ResourceConflictException*) ;;
      *) printf '%s\n' "$output" >&2; return 1 ;;
    esac
    if [ "$waited" -ge {PATIENCE_SECONDS} ]; then
      printf '%s\n' "$output" >&2
      return 1
    fi
    sleep "$delay"
    waited=$((waited + delay))
    delay=$((delay * 2 > 8 ? 8 : delay * 2))
  done
  aws lambda wait function-updated-v2 --region "$region" --function-name "$function"
}}
"#
        );
    }
    if !plan.grants.is_empty() {
        s.push_str("\n# Roles that cannot write traces: the AWS managed X-Ray write policy.\n");
        for step in &plan.grants {
            command(&mut s, step, iam_region);
        }
    }
    if !plan.functions.is_empty() {
        s.push_str("\n# Functions: Active tracing.\n");
        for step in &plan.functions {
            command(&mut s, step, iam_region);
        }
    }
    if !plan.stages.is_empty() {
        s.push_str("\n# REST API stages: tracing on.\n");
        for step in &plan.stages {
            command(&mut s, step, iam_region);
        }
    }
    if !plan.blocked.is_empty() {
        s.push_str("\n# Not changed, because a person needs to decide:\n");
        for b in &plan.blocked {
            let _ = writeln!(s, "#   {}: {}", b.target.arn(), b.reason.replace('\n', " "));
            for f in &b.functions {
                let _ = writeln!(s, "#     so {} stays as it is", f.arn());
            }
        }
    }
    if plan.is_empty() {
        s.push_str("\n# Nothing to change.\n");
    }
    s
}

/// The script's first commands: stop, changing nothing, unless the credentials reach
/// `account` (and its partition). `region` is the one `sts` is asked in.
pub fn account_guard(account: &AccountId, region: &str) -> String {
    format!(
        r#"
expected_account={account_id}
expected_partition={partition}
identity=$(aws sts get-caller-identity --region {region} --query '[Account, Arn]' --output text)
read -r account caller <<<"$identity"
partition=${{caller#arn:}}
partition=${{partition%%:*}}
if [ "$account" != "$expected_account" ] || [ "$partition" != "$expected_partition" ]; then
  printf 'these credentials reach account %s (partition %s) as %s, but this script was written for account %s (partition %s): nothing was changed\n' \
    "$account" "$partition" "$caller" "$expected_account" "$expected_partition" >&2
  exit 2
fi
"#,
        account_id = quote(&account.account),
        partition = quote(&account.partition),
        region = quote(region),
    )
}

fn command(s: &mut String, step: &Step, iam_region: &str) {
    let q = quote;
    let _ = match (&step.target, &step.after) {
        (
            Target::RolePolicy {
                role, policy_arn, ..
            },
            State::Text(t),
        ) => writeln!(
            s,
            "aws iam {}-role-policy --region {} --role-name {} --policy-arn {}",
            if t == State::ATTACHED {
                "attach"
            } else {
                "detach"
            },
            q(iam_region),
            q(step.target.role_name().unwrap_or(role)),
            q(policy_arn)
        ),
        (
            Target::FunctionTracing {
                region,
                function_arn,
                ..
            },
            _,
        ) => writeln!(s, "enable_tracing {} {}", q(region), q(function_arn)),
        (
            Target::StageTracing {
                region,
                rest_api,
                stage,
                ..
            },
            State::Flag(on),
        ) => writeln!(
            s,
            "aws apigateway update-stage --region {} --rest-api-id {} --stage-name {} \\\n  --patch-operations op=replace,path=/tracingEnabled,value={on} --query stageName --output text",
            q(region),
            q(rest_api),
            q(stage)
        ),
        (target, after) => writeln!(s, "# cannot script setting {} to {after}", target.arn()),
    };
}

/// Single-quotes a word for the shell: `it's` becomes `'it'\''s'`.
pub fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_quotes() {
        assert_eq!(quote("fn-1"), "'fn-1'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
