//! IAM roles that functions run as: whether each can write traces, judged on both sides
//! as XR101 judges it. Roles no declared function uses are left out: their access does
//! not decide any trace.

use super::join::{ByName, Match, declared_name, through_state};
use super::{Drift, Revert};
use crate::iam::{Graph, RoleAccess, WriteAccess, write_access};
use crate::rules;

pub(super) fn compare(d: &mut Drift) {
    let declared = Graph::build(d.declared);
    let live = Graph::build(d.live);
    let index = ByName::new(
        &live.roles,
        |a| &a.role.meta,
        |a| a.role.name.value.known().cloned(),
    );
    for access in declared.roles.iter().filter(|a| !a.functions.is_empty()) {
        let role = access.role;
        let m = match d.options.state {
            Some(state) => through_state(state, &role.meta.address, &index, &d.regions, "role"),
            None => match declared_name(&role.meta, &role.name, "name") {
                Ok(name) => index.find(name, None, "IAM role"),
                Err(u) => Match::Unknown(u),
            },
        };
        let Some(i) = d.unmatched(m, &role.meta, "IAM role") else {
            continue;
        };
        d.joined("IAM role");
        judge(d, access, &live.roles[i]);
    }
}

fn can(w: &WriteAccess) -> Option<bool> {
    match w {
        WriteAccess::Allowed => Some(true),
        WriteAccess::Refused { .. } => Some(false),
        WriteAccess::Unknown(_) => None,
    }
}

fn judge(d: &mut Drift, declared: &RoleAccess, live: &RoleAccess) {
    let (Some(code), Some(account)) = (can(&write_access(declared)), can(&write_access(live)))
    else {
        return;
    };
    if code == account {
        return;
    }
    let role = declared.role;
    let arn = &live.role.meta.address;
    let functions = declared.functions.len();
    let serves = format!(
        "it is the execution role of {functions} declared function{}",
        if functions == 1 { "" } else { "s" }
    );
    let exclusive = declared
        .exclusive_managed
        .first()
        .map(|l| l.label.clone())
        .or_else(|| {
            role.inline_policies_exclusive
                .as_ref()
                .map(|_| format!("the `inline_policy` blocks of `{}`", role.meta.address))
        });
    let (rule, message, at) = match (code, exclusive) {
        (false, Some(list)) => (
            &rules::APPLY_REVERTS,
            format!(
                "the role can write traces in the account ({arn}) through a policy {list} does not name; the next terraform apply removes it and the role cannot write traces after ({serves})"
            ),
            declared
                .exclusive_managed
                .first()
                .and_then(|l| l.origin.clone()),
        ),
        (false, None) => (
            &rules::TRACING_DRIFT,
            format!(
                "the role can write traces in the account ({arn}) through a policy the code does not declare; the next terraform apply leaves that policy (Terraform manages only what it declares), but the code does not say the role needs it ({serves})"
            ),
            None,
        ),
        (true, _) => (
            &rules::TRACING_DRIFT,
            format!(
                "the code lets the role write traces; in the account ({arn}) it cannot; the next terraform apply puts the code's grant back ({serves})"
            ),
            None,
        ),
    };
    let what = if code {
        "put back the grant the code declares: run terraform apply"
    } else {
        "write the grant the account has into the code, or remove it from the account"
    };
    let finding = d.on_declared(
        rule,
        &role.meta,
        at.as_ref(),
        Some(&live.role.meta),
        message,
    );
    finding.drift = Some(crate::finding::Drift {
        declared: writes(code).into(),
        actual: writes(account).into(),
    });
    d.out.reverts.push(Revert::Manual {
        resource: arn.clone(),
        what: what.into(),
    });
}

fn writes(can: bool) -> &'static str {
    if can {
        "can write traces"
    } else {
        "cannot write traces"
    }
}
