//! Makes a plan's changes: grants first (each role once), then functions (each after its
//! role's grant succeeded), then stages; a bounded number at a time. Each target is read
//! again just before it changes (`GetFunctionConfiguration`, `GetStage`, the role's
//! attached policies): one that is no longer as the plan saw it is left alone and
//! reported, and the value read is what the journal records as `before`, written before
//! the change and again after it. Lambda's "cannot call PutTraceSegments" (IAM not propagated
//! yet) and "another update is in progress" are retried with backoff for a while; after
//! each update, the function-updated waiter waits for it to finish.

use super::journal::{Journal, Outcome as JournalOutcome};
use super::plan::{Plan, Step};
use super::{Outcome, Progress, State, Status, Target};
use crate::account_write::{UpdateError, Writer};
use crate::aws_client::ApiError;
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
    let run = Run::new(w, journal, settings, progress, Expect::Planned);
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

/// What a target read just before its change must be for the change to go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// As the plan saw it (the step's `before`); anything else was changed by someone
    /// since the plan was read, and is left alone.
    Planned,
    /// As the journal left it (the reversal's `before`); already at the reversal's
    /// `after` is fine as it is; anything else is left alone.
    Journaled,
}

/// One run's shared parts.
pub(super) struct Run<'a, W> {
    pub w: &'a W,
    pub journal: &'a Journal,
    pub settings: &'a Settings,
    pub progress: &'a dyn Progress,
    pub expect: Expect,
    /// Set once a journal write fails: no change is made that the journal cannot record.
    pub journal_broken: AtomicBool,
}

impl<'a, W> Run<'a, W> {
    pub fn new(
        w: &'a W,
        journal: &'a Journal,
        settings: &'a Settings,
        progress: &'a dyn Progress,
        expect: Expect,
    ) -> Self {
        Run {
            w,
            journal,
            settings,
            progress,
            expect,
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
                    _ => self.checked(step).await,
                };
                self.progress.finished(&outcome);
                outcome
            })
            .buffered(self.settings.concurrency.max(1))
            .collect()
            .await
    }

    /// Reads the target again and, if it is still as `before` says, makes the change.
    async fn checked(&self, step: &Step) -> Outcome {
        if self.journal_broken.load(Ordering::SeqCst) {
            return outcome(
                step,
                Status::Failed("not attempted: the journal could not be written".into()),
            );
        }
        let now = match current(self.w, &step.target).await {
            Ok(now) => now,
            Err(e) => {
                return outcome(
                    step,
                    Status::Failed(format!("cannot read its state before changing it: {e}")),
                );
            }
        };
        if now.state != step.before {
            return outcome(step, self.moved(step, &now.state, false));
        }
        // What the journal records as before is what was just read.
        let step = Step {
            before: now.state,
            ..step.clone()
        };
        self.journaled(&step, now.revision.as_deref()).await
    }

    /// The status of a target found at `now`, not at the step's `before`: before the
    /// change, or `during` it (Lambda refused the update's revision).
    fn moved(&self, step: &Step, now: &State, during: bool) -> Status {
        let expected = match self.expect {
            Expect::Journaled if *now == step.after => return Status::AlreadyFine,
            Expect::Planned => "as planned",
            Expect::Journaled => "as the journal left it",
        };
        Status::LeftAlone(if during {
            format!("left alone: it is {now} now; someone changed it while it was being updated")
        } else {
            format!(
                "left alone: it is {now} now, not {} {expected}",
                step.before
            )
        })
    }

    /// Makes one change, recorded in the journal before and after. A function's update
    /// names the `revision` read, so a change by someone else in between is not
    /// overwritten.
    async fn journaled(&self, step: &Step, revision: Option<&str>) -> Outcome {
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
        let result = change(
            self.w,
            &step.target,
            &step.before,
            &step.after,
            revision,
            self.settings,
        )
        .await;
        let (ending, why) = match &result {
            Ok(()) => (JournalOutcome::Done, None),
            Err(Refused::Failed(e)) => (JournalOutcome::Failed, Some(e.clone())),
            Err(Refused::Moved(now)) => (
                JournalOutcome::LeftAlone,
                Some(format!(
                    "not changed: someone else changed it while it was being updated; it is {now} now"
                )),
            ),
        };
        let recorded = self.journal.ended(
            seq,
            &step.target,
            &step.before,
            &step.after,
            ending,
            why.as_deref(),
        );
        let status = match (result, recorded) {
            (Ok(()), Ok(())) => Status::Changed,
            (Err(Refused::Failed(e)), Ok(())) => Status::Failed(e),
            (Err(Refused::Moved(now)), Ok(())) => self.moved(step, &now, true),
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

/// A target as read just before its change.
pub(super) struct Now {
    pub state: State,
    /// A function's `RevisionId`.
    pub revision: Option<String>,
}

/// A target's state in the account now: a function's mode (by ARN), a stage's flag, or
/// whether the role (by the name its ARN gives) has the policy attached.
pub(super) async fn current<W: Writer>(w: &W, target: &Target) -> Result<Now, String> {
    let api = |e: ApiError| format!("{}: {}", e.operation(), e.message());
    let state = |state| Now {
        state,
        revision: None,
    };
    match target {
        Target::RolePolicy { policy_arn, .. } => {
            let role = target.role_name().unwrap_or_default();
            let attached = w.attached_policies(role).await.map_err(api)?;
            Ok(state(State::attached(attached.contains(policy_arn))))
        }
        Target::FunctionTracing {
            region,
            function_arn,
            ..
        } => {
            let f = w
                .function_tracing(region, function_arn)
                .await
                .map_err(api)?;
            Ok(Now {
                state: State::Text(f.mode),
                revision: f.revision,
            })
        }
        Target::StageTracing {
            region,
            rest_api,
            stage,
            ..
        } => w
            .stage_tracing(region, rest_api, stage)
            .await
            .map(|on| state(State::Flag(on)))
            .map_err(api),
    }
}

/// Why a change was not made.
enum Refused {
    Failed(String),
    /// Someone else changed the target while it was being changed; it is this now.
    Moved(State),
}

/// Sets `target` from `from` to `to`.
async fn change<W: Writer>(
    w: &W,
    target: &Target,
    from: &State,
    to: &State,
    revision: Option<&str>,
    settings: &Settings,
) -> Result<(), Refused> {
    let api = |e: ApiError| Refused::Failed(format!("{}: {}", e.operation(), e.message()));
    let role = target.role_name().unwrap_or_default();
    match (target, to) {
        (Target::RolePolicy { policy_arn, .. }, State::Text(t)) if t == State::ATTACHED => {
            w.attach_role_policy(role, policy_arn).await.map_err(api)
        }
        (Target::RolePolicy { policy_arn, .. }, State::Text(t)) if t == State::DETACHED => {
            w.detach_role_policy(role, policy_arn).await.map_err(api)
        }
        (
            Target::FunctionTracing {
                region,
                function_arn,
                ..
            },
            State::Text(mode),
        ) => set_mode(w, region, function_arn, from, mode, revision, settings).await,
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
        (target, to) => Err(Refused::Failed(format!(
            "cannot set {} to {to}: not a state it takes",
            target.describe()
        ))),
    }
}

/// `UpdateFunctionConfiguration` (the function named by its ARN), patiently, then the
/// function-updated waiter.
#[allow(clippy::too_many_arguments)]
async fn set_mode<W: Writer>(
    w: &W,
    region: &str,
    function: &str,
    from: &State,
    mode: &str,
    revision: Option<&str>,
    settings: &Settings,
) -> Result<(), Refused> {
    let start = Instant::now();
    let mut delay = settings.first_delay;
    let mut revision = revision.map(str::to_string);
    loop {
        let refused = match w
            .set_tracing_mode(region, function, mode, revision.as_deref())
            .await
        {
            Ok(()) => break,
            Err(UpdateError::Other(e)) => {
                return Err(Refused::Failed(format!(
                    "{}: {}",
                    e.operation(),
                    e.message()
                )));
            }
            Err(UpdateError::Stale(_)) => {
                // The function changed since it was read (a deploy, or someone's tracing
                // change): read it again; go on only while its mode is still `from`.
                let now = w.function_tracing(region, function).await.map_err(|e| {
                    Refused::Failed(format!(
                        "it changed while being updated, and reading it again failed: {}: {}",
                        e.operation(),
                        e.message()
                    ))
                })?;
                let mode_now = State::Text(now.mode);
                if mode_now != *from {
                    return Err(Refused::Moved(mode_now));
                }
                revision = now.revision;
                if start.elapsed() > settings.patience {
                    return Err(Refused::Failed(format!(
                        "the function kept changing for {} s while it was being updated",
                        start.elapsed().as_secs()
                    )));
                }
                continue;
            }
            Err(refused) => refused,
        };
        if start.elapsed() + delay > settings.patience {
            let waited = start.elapsed().as_secs();
            return Err(Refused::Failed(match refused {
                UpdateError::RoleCannotWrite(m) => format!(
                    "Lambda still says the role cannot write traces after {waited} s of retries: {m}"
                ),
                UpdateError::Conflict(m) => format!(
                    "another update of the function was still running after {waited} s: {m}"
                ),
                UpdateError::Other(_) | UpdateError::Stale(_) => unreachable!("returned above"),
            }));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(settings.max_delay);
    }
    w.wait_updated(region, function).await.map_err(|e| {
        Refused::Failed(format!(
            "the update was accepted but did not finish: {}",
            e.message()
        ))
    })
}
