//! Makes a plan's changes: grants first (each role once), then functions (each after its
//! role's grant succeeded), then stages; a bounded number at a time, each written to the
//! journal before and after. Lambda's "cannot call PutTraceSegments" (IAM not propagated
//! yet) and "another update is in progress" are retried with backoff for a while; after
//! each update, the function-updated waiter waits for it to finish.

use super::journal::Journal;
use super::plan::{Plan, Step};
use super::{Outcome, Progress, State, Status, Target};
use crate::source::aws::api::{UpdateError, Writer};
use futures::StreamExt;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Settings {
    /// Changes in flight at once.
    pub concurrency: usize,
    /// How long to keep retrying an update Lambda refuses for now: the role's new
    /// permission not propagated yet, or another update of the function running.
    pub patience: Duration,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            concurrency: 8,
            // IAM changes usually reach Lambda within seconds, sometimes within a minute.
            patience: Duration::from_secs(60),
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// Makes the plan's changes and returns how each ended, in plan order.
pub async fn apply<W: Writer>(
    w: &W,
    plan: &Plan,
    journal: &Journal,
    settings: &Settings,
    progress: &dyn Progress,
) -> Vec<Outcome> {
    let run = Run::new(w, journal, settings, progress);
    let mut outcomes = run.all(&plan.grants, &HashSet::new()).await;
    let failed_roles: HashSet<String> = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed(_)))
        .map(|o| o.target.arn().to_string())
        .collect();
    outcomes.extend(run.all(&plan.functions, &failed_roles).await);
    outcomes.extend(run.all(&plan.stages, &failed_roles).await);
    outcomes
}

/// One run's shared parts.
pub(super) struct Run<'a, W> {
    pub w: &'a W,
    pub journal: &'a Journal,
    pub settings: &'a Settings,
    pub progress: &'a dyn Progress,
    /// Set once a journal write fails: no change is made that the journal cannot record.
    pub journal_broken: AtomicBool,
}

impl<'a, W> Run<'a, W> {
    pub fn new(
        w: &'a W,
        journal: &'a Journal,
        settings: &'a Settings,
        progress: &'a dyn Progress,
    ) -> Self {
        Run {
            w,
            journal,
            settings,
            progress,
            journal_broken: AtomicBool::new(false),
        }
    }
}

impl<W: Writer> Run<'_, W> {
    /// Runs `steps`, a bounded number at a time; a step whose role is in `failed_roles`
    /// is not attempted.
    pub async fn all(&self, steps: &[Step], failed_roles: &HashSet<String>) -> Vec<Outcome> {
        futures::stream::iter(steps)
            .map(|step| async move {
                let outcome = match &step.needs_grant {
                    Some(role) if failed_roles.contains(role) => outcome(
                        step,
                        Status::Failed(format!(
                            "not attempted: attaching the X-Ray write policy to its role {role} failed"
                        )),
                    ),
                    _ => self.journaled(step).await,
                };
                self.progress.finished(&outcome);
                outcome
            })
            .buffered(self.settings.concurrency.max(1))
            .collect()
            .await
    }

    /// Makes one change, recorded in the journal before and after.
    pub async fn journaled(&self, step: &Step) -> Outcome {
        if self.journal_broken.load(Ordering::SeqCst) {
            return outcome(
                step,
                Status::Failed("not attempted: the journal could not be written".into()),
            );
        }
        let seq = match self
            .journal
            .pending(&step.target, &step.before, &step.after)
        {
            Ok(seq) => seq,
            Err(e) => {
                self.journal_broken.store(true, Ordering::SeqCst);
                return outcome(step, Status::Failed(format!("not attempted: {e}")));
            }
        };
        let result = change(self.w, &step.target, &step.after, self.settings).await;
        let recorded = self.journal.ended(
            seq,
            &step.target,
            &step.before,
            &step.after,
            result.as_ref().err().map(String::as_str),
        );
        let status = match (result, recorded) {
            (Ok(()), Ok(())) => Status::Changed,
            (Err(e), Ok(())) => Status::Failed(e),
            (result, Err(e)) => {
                self.journal_broken.store(true, Ordering::SeqCst);
                let made = if result.is_ok() { "made" } else { "failed" };
                Status::Failed(format!(
                    "the change was {made} but its end could not be recorded: {e}"
                ))
            }
        };
        outcome(step, status)
    }
}

fn outcome(step: &Step, status: Status) -> Outcome {
    Outcome {
        target: step.target.clone(),
        before: step.before.clone(),
        after: step.after.clone(),
        status,
    }
}

/// Sets `target` to `to`.
async fn change<W: Writer>(
    w: &W,
    target: &Target,
    to: &State,
    settings: &Settings,
) -> Result<(), String> {
    let api = |e: crate::source::aws::api::ApiError| format!("{}: {}", e.operation(), e.message());
    match (target, to) {
        (
            Target::RolePolicy {
                role, policy_arn, ..
            },
            State::Text(t),
        ) if t == State::ATTACHED => w.attach_role_policy(role, policy_arn).await.map_err(api),
        (
            Target::RolePolicy {
                role, policy_arn, ..
            },
            State::Text(t),
        ) if t == State::DETACHED => w.detach_role_policy(role, policy_arn).await.map_err(api),
        (
            Target::FunctionTracing {
                region, function, ..
            },
            State::Text(mode),
        ) => set_mode(w, region, function, mode, settings).await,
        (
            Target::StageTracing {
                region,
                rest_api,
                stage,
                ..
            },
            State::Flag(on),
        ) => w
            .set_stage_tracing(region, rest_api, stage, *on)
            .await
            .map_err(api),
        (target, to) => Err(format!(
            "cannot set {} to {to}: not a state it takes",
            target.describe()
        )),
    }
}

/// `UpdateFunctionConfiguration`, patiently, then the function-updated waiter.
async fn set_mode<W: Writer>(
    w: &W,
    region: &str,
    function: &str,
    mode: &str,
    settings: &Settings,
) -> Result<(), String> {
    let start = Instant::now();
    let mut delay = settings.first_delay;
    loop {
        let refused = match w.set_tracing_mode(region, function, mode).await {
            Ok(()) => break,
            Err(UpdateError::Other(e)) => {
                return Err(format!("{}: {}", e.operation(), e.message()));
            }
            Err(refused) => refused,
        };
        if start.elapsed() + delay > settings.patience {
            let waited = start.elapsed().as_secs();
            return Err(match refused {
                UpdateError::RoleCannotWrite(m) => format!(
                    "Lambda still says the role cannot write traces after {waited} s of retries: {m}"
                ),
                UpdateError::Conflict(m) => format!(
                    "another update of the function was still running after {waited} s: {m}"
                ),
                UpdateError::Other(_) => unreachable!("returned above"),
            });
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(settings.max_delay);
    }
    w.wait_updated(region, function).await.map_err(|e| {
        format!(
            "the update was accepted but did not finish: {}",
            e.message()
        )
    })
}
