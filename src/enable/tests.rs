//! plan → apply → undo over an account in memory.

use super::fake::{Memory, State as Account};
use super::journal::{self, Journal};
use super::plan::{Selection, plan};
use super::*;
use crate::source::aws::{self, IamStrategy, Options};
use std::time::Duration;

const WRITE: &str = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";
const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/// f1-f3 share role `plain` (no X-Ray grant); f4 (Active) and f5 use `writer`.
fn account() -> Account {
    let mut a = Account::default();
    for (f, role, mode) in [
        ("f1", "plain", "PassThrough"),
        ("f2", "plain", "PassThrough"),
        ("f3", "plain", "Active"),
        ("f4", "writer", "Active"),
        ("f5", "writer", "PassThrough"),
    ] {
        a.functions.insert(f.into(), (role.into(), mode.into()));
    }
    a.roles.insert("plain".into(), vec![BASIC.into()]);
    a.roles
        .insert("writer".into(), vec![BASIC.into(), WRITE.into()]);
    a.stages.insert(("api".into(), "prod".into()), false);
    a.stages.insert(("api".into(), "dev".into()), true);
    a
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(f)
}

fn quick() -> Settings {
    Settings {
        concurrency: 3,
        patience: Duration::from_millis(200),
        first_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
    }
}

fn plan_of(m: &Memory, grant: bool) -> Plan {
    let options = Options {
        regions: vec!["r".into()],
        names: Vec::new(),
        tags: Vec::new(),
        stages: true,
        sampling_rules: false,
        concurrency: 4,
        iam: IamStrategy::PerRole,
    };
    let inventory = block_on(aws::scan(m, &options, &aws::Quiet));
    plan(
        &inventory,
        &Selection {
            stages: true,
            grant,
        },
    )
}

fn run(m: &Memory, plan: &Plan, dir: &std::path::Path) -> (Vec<Outcome>, std::path::PathBuf) {
    let path = dir.join("j.jsonl");
    let j = Journal::create(&path).unwrap();
    (block_on(apply(m, plan, &j, &quick(), &Quiet)), path)
}

fn function_names(steps: &[Step]) -> Vec<&str> {
    steps
        .iter()
        .map(|s| match &s.target {
            Target::FunctionTracing { function, .. } => function.as_str(),
            other => other.arn(),
        })
        .collect()
}

#[test]
fn each_role_is_granted_once_and_its_functions_wait_for_it() {
    let m = Memory::new(account());
    let p = plan_of(&m, true);
    assert_eq!(p.grants.len(), 1);
    assert_eq!(p.grants[0].target.arn(), "arn:aws:iam::1:role/plain");
    assert_eq!(function_names(&p.functions), ["f1", "f2", "f5"]);
    let plain = Some("arn:aws:iam::1:role/plain".to_string());
    assert_eq!(
        p.functions
            .iter()
            .map(|s| s.needs_grant.clone())
            .collect::<Vec<_>>(),
        [plain.clone(), plain, None]
    );
    assert_eq!(p.stages.len(), 1);
    assert_eq!(p.fine.len(), 3, "f3, f4 and the traced stage");
    assert!(p.blocked.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let (outcomes, path) = run(&m, &p, dir.path());
    assert!(
        outcomes.iter().all(|o| o.status == Status::Changed),
        "{outcomes:?}"
    );
    let after = m.snapshot();
    assert!(after.functions.values().all(|(_, mode)| mode == "Active"));
    assert_eq!(after.roles["plain"], [BASIC, WRITE]);
    assert!(after.stages.values().all(|on| *on));
    assert_eq!(m.calls("AttachRolePolicy"), 1);
    assert_eq!(m.calls("Wait"), 3, "every update waited on");
    let entries = journal::read(&path).unwrap().entries;
    assert_eq!(entries.len(), 10, "5 changes, pending and done");
}

#[test]
fn without_grants_the_roles_functions_are_reported() {
    let m = Memory::new(account());
    let p = plan_of(&m, false);
    assert!(p.grants.is_empty());
    assert_eq!(function_names(&p.functions), ["f5"]);
    assert_eq!(p.blocked.len(), 1);
    assert!(
        p.blocked[0].reason.contains("--no-iam"),
        "{}",
        p.blocked[0].reason
    );
    assert_eq!(
        p.blocked[0].functions.len(),
        2,
        "f1 and f2; f3 is Active already"
    );
}

#[test]
fn updates_are_retried_while_iam_propagates_or_another_update_runs() {
    let mut a = account();
    a.refuse_write.insert("f1".into(), 3);
    a.conflicts.insert("f2".into(), 2);
    let m = Memory::new(a);
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (outcomes, _) = run(&m, &p, dir.path());
    assert!(
        outcomes.iter().all(|o| o.status == Status::Changed),
        "{outcomes:?}"
    );
    assert_eq!(m.calls("UpdateFunctionConfiguration"), 4 + 3 + 1);
}

#[test]
fn patience_runs_out_with_the_reason() {
    let mut a = account();
    a.refuse_write.insert("f1".into(), usize::MAX);
    let m = Memory::new(a);
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (outcomes, path) = run(&m, &p, dir.path());
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed(_)))
        .collect();
    assert_eq!(failed.len(), 1);
    let Status::Failed(why) = &failed[0].status else {
        unreachable!()
    };
    assert!(
        why.starts_with("Lambda still says the role cannot write traces after"),
        "{why}"
    );
    let entries = journal::read(&path).unwrap().entries;
    let f1: Vec<_> = entries
        .iter()
        .filter(|e| e.target.arn().ends_with(":f1"))
        .map(|e| e.outcome)
        .collect();
    assert_eq!(f1, [journal::Outcome::Pending, journal::Outcome::Failed]);
}

#[test]
fn a_failed_grant_holds_back_its_functions_only() {
    let mut a = account();
    a.failing_attach.push("plain".into());
    let m = Memory::new(a);
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (outcomes, _) = run(&m, &p, dir.path());
    let status = |name: &str| {
        outcomes
            .iter()
            .find(|o| o.target.arn().ends_with(name))
            .unwrap()
            .status
            .clone()
    };
    assert!(matches!(status(":f1"), Status::Failed(w) if w.starts_with("not attempted")));
    assert_eq!(status(":f5"), Status::Changed);
    assert_eq!(m.calls("UpdateFunctionConfiguration"), 1, "only f5");
}

#[test]
fn undo_puts_back_what_is_still_as_left_and_detaches_only_what_it_attached() {
    let initial = account();
    let m = Memory::new(initial.clone());
    let p = plan_of(&m, true);
    let dir = tempfile::tempdir().unwrap();
    let (_, path) = run(&m, &p, dir.path());
    // Someone sets f1 back by hand in between.
    m.state.lock().unwrap().functions.get_mut("f1").unwrap().1 = "PassThrough".into();
    let steps = undo::reversals(&journal::read(&path).unwrap().entries);
    assert!(
        matches!(steps.last().unwrap().target, Target::RolePolicy { .. }),
        "the policy goes last, after the functions that need it"
    );
    let j = Journal::create(&dir.path().join("undo.jsonl")).unwrap();
    let outcomes = block_on(undo::undo(&m, &steps, &j, &quick(), &Quiet));
    let already: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.status == Status::AlreadyFine)
        .map(|o| o.target.arn())
        .collect();
    assert_eq!(already, ["arn:aws:lambda:r:1:function:f1"]);
    assert_eq!(m.snapshot(), initial);
    assert_eq!(
        m.snapshot().roles["writer"],
        [BASIC, WRITE],
        "never attached by us"
    );
}

#[test]
fn a_journal_cut_off_mid_change_is_still_undone() {
    let initial = account();
    let m = Memory::new(initial.clone());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.jsonl");
    let j = Journal::create(&path).unwrap();
    let target = Target::FunctionTracing {
        region: "r".into(),
        function: "f1".into(),
        function_arn: "arn:aws:lambda:r:1:function:f1".into(),
    };
    // The run recorded the change as pending, made it, and died before recording its end.
    j.pending(&target, &State::text("PassThrough"), &State::text("Active"))
        .unwrap();
    drop(j);
    m.state.lock().unwrap().functions.get_mut("f1").unwrap().1 = "Active".into();
    let steps = undo::reversals(&journal::read(&path).unwrap().entries);
    assert_eq!(steps.len(), 1);
    let j = Journal::create(&dir.path().join("undo.jsonl")).unwrap();
    let outcomes = block_on(undo::undo(&m, &steps, &j, &quick(), &Quiet));
    assert_eq!(outcomes[0].status, Status::Changed);
    assert_eq!(m.snapshot(), initial);
}
