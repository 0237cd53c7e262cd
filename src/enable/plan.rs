//! What `enable` will change, decided from an account's Inventory before anything changes:
//! which roles get the X-Ray write policy (once each, only where a grant helps), which
//! functions get Active tracing, which REST stages get tracing, what is already fine, and
//! what cannot be enabled without a person (and why).

use super::{State, Target};
use crate::iam::{self, FunctionRole, Graph, WriteAccess, explain, write_access};
use crate::model::{Function, Inventory, Origin, Reference, RestStage};
use std::collections::{BTreeMap, HashSet};

/// Which functions and stages to enable.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Include REST API stages.
    pub stages: bool,
    /// Attach the write policy to roles that need it; without, their functions are
    /// reported instead.
    pub grant: bool,
}

/// One change: the target, its state now, and the state wanted.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub target: Target,
    pub before: State,
    pub after: State,
    /// For a function: the role ARN whose grant must succeed first.
    pub needs_grant: Option<String>,
    /// Something the user should know (a role whose access could not be decided).
    pub note: Option<String>,
}

/// A role `enable` will not change, why, and the functions left as they are because
/// Lambda refuses Active tracing while their role cannot write traces.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocked {
    pub target: Target,
    pub reason: String,
    pub functions: Vec<Target>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Role ARNs get the policy first, each once.
    pub grants: Vec<Step>,
    pub functions: Vec<Step>,
    pub stages: Vec<Step>,
    /// Selected and already traced.
    pub fine: Vec<Target>,
    pub blocked: Vec<Blocked>,
}

impl Plan {
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.grants
            .iter()
            .chain(&self.functions)
            .chain(&self.stages)
    }

    pub fn is_empty(&self) -> bool {
        self.steps().next().is_none()
    }
}

const ACTIVE: &str = "Active";

/// The plan for an account's inventory (read by `source::aws::scan`, which selects the
/// functions by region, name and tag).
pub fn plan(inventory: &Inventory, selection: &Selection) -> Plan {
    let graph = Graph::build(inventory);
    let mut plan = Plan::default();
    // Per role (index into graph.roles): its verdict, decided once.
    let mut verdicts: BTreeMap<usize, WriteAccess> = BTreeMap::new();
    let mut granted: HashSet<usize> = HashSet::new();
    // Role index -> its entry in plan.blocked.
    let mut blocked_roles: BTreeMap<usize, usize> = BTreeMap::new();
    for (f, role) in inventory.functions.iter().zip(&graph.function_roles) {
        let Some(target) = function_target(f) else {
            continue;
        };
        let mode = f.tracing_mode.value.known().cloned().unwrap_or_default();
        let active = mode == ACTIVE;
        let (needs_grant, note) = match role {
            FunctionRole::InTree(i) => {
                let access = &graph.roles[*i];
                let verdict = verdicts
                    .entry(*i)
                    .or_insert_with(|| write_access(access))
                    .clone();
                let role_target = role_target(access.role);
                match &verdict {
                    WriteAccess::Allowed => (None, None),
                    WriteAccess::Unknown(why) => (
                        None,
                        Some(format!(
                            "whether its role can write traces is not known ({}); Lambda will say",
                            why.join("; ")
                        )),
                    ),
                    WriteAccess::Refused { .. } if verdict.fixed_by_grant() && selection.grant => {
                        if granted.insert(*i) {
                            plan.grants.push(Step {
                                target: role_target.clone(),
                                before: State::attached(false),
                                after: State::attached(true),
                                needs_grant: None,
                                note: None,
                            });
                        }
                        (Some(role_target.arn().to_string()), None)
                    }
                    WriteAccess::Refused { decision, actions } => {
                        let at = *blocked_roles.entry(*i).or_insert_with(|| {
                            let e = explain(decision, actions);
                            let reason = if verdict.fixed_by_grant() {
                                format!(
                                    "it cannot write traces ({}) and --no-iam leaves it as it is",
                                    e.reason
                                )
                            } else {
                                format!("it cannot write traces: {}; {}", e.reason, e.fix)
                            };
                            plan.blocked.push(Blocked {
                                target: role_target.clone(),
                                reason,
                                functions: Vec::new(),
                            });
                            plan.blocked.len() - 1
                        });
                        if active {
                            plan.fine.push(target);
                        } else {
                            // Lambda refuses Active tracing while the role cannot write.
                            plan.blocked[at].functions.push(target);
                        }
                        continue;
                    }
                }
            }
            FunctionRole::Outside(arn) => (
                None,
                Some(format!(
                    "its role {arn} could not be read, so whether it can write traces is not known; Lambda will say"
                )),
            ),
            FunctionRole::Unknown(_) | FunctionRole::Unset => (None, None),
        };
        if active {
            plan.fine.push(target);
        } else {
            plan.functions.push(Step {
                target,
                before: State::text(if mode.is_empty() {
                    "PassThrough"
                } else {
                    &mode
                }),
                after: State::text(ACTIVE),
                needs_grant,
                note,
            });
        }
    }
    if selection.stages {
        for s in &inventory.rest_stages {
            let Some(target) = stage_target(s) else {
                continue;
            };
            match s.tracing_enabled.value.known() {
                Some(true) => plan.fine.push(target),
                _ => plan.stages.push(Step {
                    target,
                    before: State::Flag(false),
                    after: State::Flag(true),
                    needs_grant: None,
                    note: None,
                }),
            }
        }
    }
    plan
}

fn account_origin(origin: &Option<Origin>) -> Option<(&str, &str)> {
    match origin {
        Some(Origin::Account { arn, region }) => Some((arn, region)),
        _ => None,
    }
}

fn function_target(f: &Function) -> Option<Target> {
    let (arn, region) = account_origin(&f.meta.origin)?;
    Some(Target::FunctionTracing {
        region: region.to_string(),
        function: f.name.value.known()?.clone(),
        function_arn: arn.to_string(),
    })
}

fn stage_target(s: &RestStage) -> Option<Target> {
    let (arn, region) = account_origin(&s.meta.origin)?;
    let Reference::Literal(api) = &s.rest_api else {
        return None;
    };
    Some(Target::StageTracing {
        region: region.to_string(),
        rest_api: api.clone(),
        stage: s.stage_name.value.known()?.clone(),
        stage_arn: arn.to_string(),
    })
}

/// The write policy's ARN in the role's partition (`aws`, `aws-cn`, `aws-us-gov`).
pub fn write_policy_arn(role_arn: &str) -> String {
    let partition = role_arn
        .strip_prefix("arn:")
        .and_then(|r| r.split(':').next())
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    iam::WRITE_POLICY_ARN.replacen("arn:aws:", &format!("arn:{partition}:"), 1)
}

fn role_target(role: &crate::model::Role) -> Target {
    let role_arn = role.meta.address.clone();
    let name = role
        .name
        .value
        .known()
        .cloned()
        .unwrap_or_else(|| role_arn.rsplit('/').next().unwrap_or(&role_arn).to_string());
    Target::RolePolicy {
        role: name,
        policy_arn: write_policy_arn(&role_arn),
        role_arn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_write_policy_follows_the_partition() {
        assert_eq!(
            write_policy_arn("arn:aws-cn:iam::123456789012:role/app"),
            "arn:aws-cn:iam::aws:policy/AWSXRayDaemonWriteAccess"
        );
        assert_eq!(
            write_policy_arn("arn:aws:iam::123456789012:role/app"),
            iam::WRITE_POLICY_ARN
        );
    }
}
