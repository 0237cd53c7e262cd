//! `enable`: turn Active tracing on across an account, safely. A [`plan`] is built from
//! what the account audit reads (functions, their roles' policies, stages); [`apply`]
//! makes its changes in order (grants, then functions, then stages) through
//! [`Writer`](crate::account_write::Writer), writing each to a [`journal`] before and
//! after; [`undo`] reverses a journal; [`script`] prints the same plan as AWS CLI commands.
//!
//! Targets are addressed by ARN wherever the API takes one (a function), by the name an
//! ARN gives (a role) or by REST API id and stage name; before a journal is undone the
//! credentials' account is checked against the journal's, since names repeat across
//! accounts. Each target is read again just before it changes: one that is no longer as
//! the plan (or the journal) saw it is left alone.

pub mod apply;
#[cfg(test)]
mod fake;
pub mod journal;
pub mod plan;
pub mod script;
#[cfg(test)]
mod tests;
pub mod undo;
pub mod versions;

pub use apply::{Settings, apply};
pub use journal::{AccountId, Entry, Journal, JournalError, Outcome as JournalOutcome};
pub use plan::{Blocked, Plan, Selection, Step};

use serde::{Deserialize, Serialize};

/// Something `enable` changes: one role's attachment of one policy, one function's
/// tracing mode, one REST stage's tracing flag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum Target {
    RolePolicy {
        role: String,
        role_arn: String,
        policy_arn: String,
    },
    FunctionTracing {
        region: String,
        function: String,
        function_arn: String,
    },
    StageTracing {
        region: String,
        rest_api: String,
        stage: String,
        stage_arn: String,
    },
}

impl Target {
    /// The ARN of the resource changed.
    pub fn arn(&self) -> &str {
        match self {
            Target::RolePolicy { role_arn, .. } => role_arn,
            Target::FunctionTracing { function_arn, .. } => function_arn,
            Target::StageTracing { stage_arn, .. } => stage_arn,
        }
    }

    /// The role's name, from its ARN (`arn:aws:iam::123456789012:role/path/NAME`), which
    /// IAM's calls take instead of the ARN.
    pub fn role_name(&self) -> Option<&str> {
        match self {
            Target::RolePolicy { role, role_arn, .. } => Some(
                role_arn
                    .split_once(":role/")
                    .and_then(|(_, path)| path.rsplit('/').next())
                    .filter(|n| !n.is_empty())
                    .unwrap_or(role),
            ),
            _ => None,
        }
    }

    /// The account its ARN names: a function's or a role's; `None` for a stage, whose
    /// ARN names none.
    pub fn account(&self) -> Option<&str> {
        crate::aws_client::arn_account(self.arn())
    }

    /// How messages name it.
    pub fn describe(&self) -> String {
        match self {
            Target::RolePolicy {
                role, policy_arn, ..
            } => format!(
                "role {role}: {}",
                policy_arn.rsplit('/').next().unwrap_or(policy_arn)
            ),
            Target::FunctionTracing {
                region, function, ..
            } => format!("function {function} ({region})"),
            Target::StageTracing {
                region,
                rest_api,
                stage,
                ..
            } => format!("stage {stage} of REST API {rest_api} ({region})"),
        }
    }
}

/// A target's state: a tracing mode (`Active`, `PassThrough`), a stage's tracing flag, or
/// whether a role has a policy attached.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum State {
    Flag(bool),
    Text(String),
}

impl State {
    pub const ATTACHED: &str = "attached";
    pub const DETACHED: &str = "detached";

    pub fn text(s: &str) -> State {
        State::Text(s.to_string())
    }

    pub fn attached(yes: bool) -> State {
        State::text(if yes { Self::ATTACHED } else { Self::DETACHED })
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            State::Flag(b) => write!(f, "{b}"),
            State::Text(s) => f.write_str(s),
        }
    }
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Changed,
    /// Already in the wanted state (found so when undoing).
    AlreadyFine,
    /// Read again just before the change (or refused by Lambda during it), it was no
    /// longer as the plan (or the journal) saw it: someone else changed it, so it was
    /// left alone. Says what it is now: "left alone: it is Active now, ...".
    LeftAlone(String),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub target: Target,
    pub before: State,
    pub after: State,
    pub status: Status,
}

/// Told of each step as it ends, for a progress bar.
pub trait Progress: Sync {
    fn finished(&self, outcome: &Outcome);
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {
    fn finished(&self, _: &Outcome) {}
}
