//! `--undo JOURNAL`: puts back what a journal says was changed. Every change that was
//! made, or may have been (a `pending` line with no end, a `failed` one), is checked
//! against the account first: still as the journal left it, it is set back; already back,
//! nothing is done; changed by someone since, it is left alone and reported. Policies are
//! detached only where the journal attached them, after the functions are set back.
//!
//! Names repeat across accounts (a `dev` and a `prod` account often hold the same
//! functions and roles), so nothing is undone until [`journal_account`] has said which
//! account the journal was made in and [`check_caller`] has found that the credentials
//! reach that account, in the same partition.

use super::apply::{Expect, Run};
use super::journal::{self, AccountId, Entry, Journal, Read};
use super::plan::Step;
use super::{Outcome, Progress, State, Target};
use crate::account_write::Writer;
use crate::aws_client::{Identity, arn_partition};
use std::collections::{HashMap, HashSet};

/// The account a journal's changes were made in: the one it records, or, for a journal
/// written before journals recorded it (version 1), the one `vouched` names
/// (`--journal-account`). Either way every ARN in the journal that names an account must
/// name that one, and every ARN must be in its partition. `name` is how messages call
/// the journal.
pub fn journal_account(
    read: &Read,
    name: &str,
    vouched: Option<&str>,
) -> Result<AccountId, String> {
    let account = match (&read.account, vouched) {
        (Some(recorded), Some(v)) if v != recorded.account => {
            return Err(format!(
                "{name} records its changes in account {}, not {v} as --journal-account says: nothing was changed",
                recorded.account
            ));
        }
        (Some(recorded), _) => recorded.clone(),
        (None, None) => {
            return Err(format!(
                "{name} predates account recording (a version 1 journal does not say which account its changes were made in, and the same names can be in another account): pass --journal-account ACCOUNT_ID, the account it was made in, and credentials for that account"
            ));
        }
        (None, Some(v)) => {
            if v.len() != 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("--journal-account {v}: an account id is 12 digits"));
            }
            let mut partitions: Vec<&str> = read
                .entries
                .iter()
                .filter_map(|e| arn_partition(e.target.arn()))
                .collect();
            partitions.sort_unstable();
            partitions.dedup();
            let [partition] = partitions[..] else {
                return Err(format!(
                    "{name} names ARNs in {} partitions ({}), so which one it was made in is not known: nothing was changed",
                    partitions.len(),
                    partitions.join(", ")
                ));
            };
            AccountId {
                account: v.to_string(),
                partition: partition.to_string(),
            }
        }
    };
    for e in &read.entries {
        let arn = e.target.arn();
        let other_account = e.target.account().filter(|a| *a != account.account);
        let other_partition = arn_partition(arn).filter(|p| *p != account.partition);
        if other_account.is_some() || other_partition.is_some() {
            return Err(format!(
                "{name} names {arn}, which is not in {account}: nothing was changed"
            ));
        }
    }
    Ok(account)
}

/// Whether the credentials (`caller`, from `GetCallerIdentity`) reach the journal's
/// account and partition; if not, the one-line reason.
pub fn check_caller(journal: &AccountId, caller: &Identity, name: &str) -> Result<(), String> {
    if caller.account == journal.account && caller.partition == journal.partition {
        return Ok(());
    }
    Err(format!(
        "{name} was written in {journal}, but these credentials reach account {} (partition {}) as {}: nothing was changed; undo it with credentials for account {}",
        caller.account, caller.partition, caller.arn, journal.account
    ))
}

/// The changes back, in the order to make them: policies attached (when undoing an
/// undo), then functions and stages, then policies detached. Each target once: from the
/// state it had before its first change to the state after its last. A change recorded
/// as left alone was never made, and is not put back: its target is as someone else set
/// it. A failed or cut-off change may have been made, so it is put back where the account
/// shows it was.
pub fn reversals(entries: &[Entry]) -> Vec<Step> {
    let mut order: Vec<Target> = Vec::new();
    // target -> (first before, last after)
    let mut span: HashMap<Target, (State, State)> = HashMap::new();
    let mut seen: HashSet<u64> = entries
        .iter()
        .filter(|e| e.outcome == journal::Outcome::LeftAlone)
        .map(|e| e.seq)
        .collect();
    for e in entries {
        if !seen.insert(e.seq) {
            continue; // the end line of a change already counted, or one not made
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

/// Makes the reversals. Each target is read just before it is set back: still as the
/// journal left it, it is set back; already back, it is left (`AlreadyFine`); anything
/// else, someone changed it since, and it is left alone. The caller has checked that the
/// credentials reach the journal's account.
pub async fn undo<W: Writer>(
    w: &W,
    steps: &[Step],
    journal: &Journal,
    settings: &super::Settings,
    progress: &dyn Progress,
) -> Vec<Outcome> {
    let run = Run::new(w, journal, settings, progress, Expect::Journaled);
    let mut outcomes = Vec::new();
    // Each phase ends before the next starts: grants before functions, functions before
    // the policies that let them trace are taken away.
    for p in 0..3 {
        let todo: Vec<Step> = steps.iter().filter(|s| phase(s) == p).cloned().collect();
        outcomes.extend(run.all(&todo, &HashSet::new()).await);
    }
    outcomes
}
