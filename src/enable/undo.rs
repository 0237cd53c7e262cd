//! `--undo JOURNAL`: puts back what a journal says was changed. Every change that was
//! made, or may have been (a `pending` line with no end, a `failed` one), is checked
//! against the account first: still as the journal left it, it is set back; already back,
//! nothing is done; changed by someone since, it is left alone and reported. Policies are
//! detached only where the journal attached them, after the functions are set back.

use super::apply::Run;
use super::journal::{Entry, Journal};
use super::plan::Step;
use super::{Outcome, Progress, State, Status, Target};
use crate::source::aws::api::{Account, Writer};
use futures::StreamExt;
use std::collections::{HashMap, HashSet};

/// The changes back, in the order to make them: policies attached (when undoing an
/// undo), then functions and stages, then policies detached. Each target once: from the
/// state it had before its first change to the state after its last.
pub fn reversals(entries: &[Entry]) -> Vec<Step> {
    let mut order: Vec<Target> = Vec::new();
    // target -> (first before, last after)
    let mut span: HashMap<Target, (State, State)> = HashMap::new();
    let mut seen: HashSet<u64> = HashSet::new();
    for e in entries {
        if !seen.insert(e.seq) {
            continue; // the done/failed line of a change already counted
        }
        match span.get_mut(&e.target) {
            Some((_, after)) => *after = e.after.clone(),
            None => {
                order.push(e.target.clone());
                span.insert(e.target.clone(), (e.before.clone(), e.after.clone()));
            }
        }
    }
    let mut steps: Vec<Step> = order
        .into_iter()
        .rev()
        .filter_map(|target| {
            let (first, last) = span.remove(&target)?;
            (first != last).then_some(Step {
                target,
                before: last,
                after: first,
                needs_grant: None,
                note: None,
            })
        })
        .collect();
    steps.sort_by_key(phase);
    steps
}

/// 0: policies attached; 1: functions and stages; 2: policies detached.
fn phase(step: &Step) -> u8 {
    match (&step.target, &step.after) {
        (Target::RolePolicy { .. }, State::Text(t)) if t == State::ATTACHED => 0,
        (Target::RolePolicy { .. }, _) => 2,
        _ => 1,
    }
}

/// Makes the reversals, checking each target's state first.
pub async fn undo<W: Account + Writer>(
    w: &W,
    steps: &[Step],
    journal: &Journal,
    settings: &super::Settings,
    progress: &dyn Progress,
) -> Vec<Outcome> {
    let run = Run::new(w, journal, settings, progress);
    let mut outcomes = Vec::new();
    // Each phase ends before the next starts: grants before functions, functions before
    // the policies that let them trace are taken away.
    for p in 0..3 {
        let todo: Vec<&Step> = steps.iter().filter(|s| phase(s) == p).collect();
        let checked: Vec<Result<State, String>> = futures::stream::iter(&todo)
            .map(|s| current(w, &s.target))
            .buffered(settings.concurrency.max(1))
            .collect()
            .await;
        let mut to_change = Vec::new();
        for (step, now) in todo.into_iter().zip(checked) {
            let status = match now {
                Err(e) => Some(Status::Failed(format!("cannot read its state: {e}"))),
                Ok(now) if now == step.after => Some(Status::AlreadyFine),
                Ok(now) if now == step.before => None,
                Ok(now) => Some(Status::Failed(format!(
                    "changed since the journal was written: it is {now}, not {}; left as it is",
                    step.before
                ))),
            };
            match status {
                Some(status) => {
                    let o = Outcome {
                        target: step.target.clone(),
                        before: step.before.clone(),
                        after: step.after.clone(),
                        status,
                    };
                    progress.finished(&o);
                    outcomes.push(o);
                }
                None => to_change.push(step.clone()),
            }
        }
        outcomes.extend(run.all(&to_change, &HashSet::new()).await);
    }
    outcomes
}

/// A target's state in the account now.
async fn current<A: Account + Writer>(w: &A, target: &Target) -> Result<State, String> {
    let api = |e: crate::source::aws::api::ApiError| format!("{}: {}", e.operation(), e.message());
    match target {
        Target::RolePolicy {
            role, policy_arn, ..
        } => {
            let r = w.role(role).await.map_err(api)?;
            Ok(State::attached(r.attached.contains(policy_arn)))
        }
        Target::FunctionTracing {
            region, function, ..
        } => w
            .tracing_mode(region, function)
            .await
            .map(State::Text)
            .map_err(api),
        Target::StageTracing {
            region,
            rest_api,
            stage,
            ..
        } => {
            let stages = w.stages(region, rest_api).await.map_err(api)?;
            stages
                .iter()
                .find(|s| &s.name == stage)
                .map(|s| State::Flag(s.tracing_enabled))
                .ok_or_else(|| format!("stage {stage} of REST API {rest_api} no longer exists"))
        }
    }
}
