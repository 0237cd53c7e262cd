//! Whether a role can write traces, as one verdict, and the words for why not; shared by
//! XR101 and `enable`, which must agree on which roles a grant fixes.

use super::evaluate::{Cite, Decision, Source, decide};
use super::roles::RoleAccess;
use super::{WRITE_ACTIONS, WRITE_POLICY_ARN};

#[derive(Debug, Clone, PartialEq)]
pub enum WriteAccess {
    Allowed,
    /// Cannot be decided offline; why, each reason once.
    Unknown(Vec<String>),
    /// It cannot: the first failing decision, and the actions it fails ("a and b").
    Refused {
        decision: Decision,
        actions: String,
    },
}

impl WriteAccess {
    /// Whether attaching the X-Ray write policy makes the role able to write traces: yes
    /// when nothing grants it or a grant is scoped to resources; no when a Deny, a
    /// boundary or a condition is in the way.
    pub fn fixed_by_grant(&self) -> bool {
        matches!(
            self,
            WriteAccess::Refused {
                decision: Decision::NotGranted | Decision::Scoped(_),
                ..
            }
        )
    }
}

pub fn write_access(access: &RoleAccess) -> WriteAccess {
    verdict(&access.policies, access.boundary.as_ref())
}

/// Whether `extra` is what the role lacks to write traces: it cannot without it, and
/// could with it. For a policy an exclusive list leaves out (`Graph::omitted`).
pub fn lost_grant(access: &RoleAccess, extra: &Source) -> bool {
    if !matches!(write_access(access), WriteAccess::Refused { .. }) {
        return false;
    }
    let mut with = access.policies.clone();
    with.push(extra.clone());
    verdict(&with, access.boundary.as_ref()) == WriteAccess::Allowed
}

fn verdict(policies: &[Source], boundary: Option<&Source>) -> WriteAccess {
    let decisions: Vec<(&str, Decision)> = WRITE_ACTIONS
        .iter()
        .map(|a| (*a, decide(a, policies, boundary)))
        .collect();
    let failing: Vec<&(&str, Decision)> = decisions
        .iter()
        .filter(|(_, d)| !matches!(d, Decision::Allowed | Decision::Unknown(_)))
        .collect();
    if let Some((_, decision)) = failing.first() {
        let actions = failing
            .iter()
            .map(|(a, _)| *a)
            .collect::<Vec<_>>()
            .join(" and ");
        return WriteAccess::Refused {
            decision: decision.clone(),
            actions,
        };
    }
    let mut why: Vec<String> = Vec::new();
    for (_, d) in &decisions {
        if let Decision::Unknown(reasons) = d {
            for r in reasons {
                if !why.contains(r) {
                    why.push(r.clone());
                }
            }
        }
    }
    if why.is_empty() {
        WriteAccess::Allowed
    } else {
        WriteAccess::Unknown(why)
    }
}

/// Why a role cannot write traces, what fixes it, and the statements that decided it.
pub struct Explanation {
    pub reason: String,
    pub fix: String,
    pub cites: Vec<Cite>,
}

/// Explains a failing decision about `actions`.
pub fn explain(decision: &Decision, actions: &str) -> Explanation {
    let (reason, fix, cites) = match decision {
        Decision::NotGranted => (
            format!("no policy that reaches it allows {actions}"),
            format!("attach {WRITE_POLICY_ARN}"),
            Vec::new(),
        ),
        Decision::Scoped(cites) => (
            format!(
                "it allows {actions} only on named resources ({}), but X-Ray's write actions take no resource-level permissions: only Resource \"*\" grants them",
                cite_list(cites)
            ),
            format!("attach {WRITE_POLICY_ARN}, or use Resource \"*\" in that statement"),
            cites.clone(),
        ),
        Decision::Denied(cite) => (
            format!(
                "statement `{}` of `{}` denies {actions}, and an explicit Deny beats any Allow",
                cite.statement, cite.policy
            ),
            "change or narrow that statement; adding a grant beside it cannot help".to_string(),
            vec![cite.clone()],
        ),
        Decision::Bounded(boundary) => (
            format!("its permissions boundary `{boundary}` does not allow {actions}"),
            "add the X-Ray write actions to the boundary".to_string(),
            Vec::new(),
        ),
        Decision::Conditional(cites) => (
            format!(
                "{actions} is granted or denied only under a Condition ({})",
                cite_list(cites)
            ),
            "grant it without the condition, or make sure the condition holds for Lambda"
                .to_string(),
            cites.clone(),
        ),
        Decision::Allowed => ("it can".into(), String::new(), Vec::new()),
        Decision::Unknown(why) => (why.join("; "), String::new(), Vec::new()),
    };
    Explanation { reason, fix, cites }
}

fn cite_list(cites: &[Cite]) -> String {
    cites
        .iter()
        .map(|c| format!("statement `{}` of `{}`", c.statement, c.policy))
        .collect::<Vec<_>>()
        .join(", ")
}
