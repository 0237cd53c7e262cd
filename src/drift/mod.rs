//! Drift: what Terraform declares against what an account runs, both ways. Each declared
//! function, REST stage, state machine, role and sampling rule is joined with its live counterpart
//! (`join`), and the settings tracing depends on are compared: XR301 where they differ,
//! XR304 where the next apply would undo tracing the account has, XR303 for what the
//! account lacks, XR302 for what no code declares. Each finding can be turned either way:
//! its remedy writes the account's value into the code (`drift --adopt`), and a
//! [`Revert`] puts the code's value back in the account (`drift --emit cli`).

mod flag;
mod functions;
mod join;
mod roles;
mod sampling;
mod script;
mod stages;
mod state_machines;

pub use join::StateIndex;
pub use script::render as cli_script;

use crate::finding::{Finding, Related};
use crate::model::{Inventory, Meta, Origin};
use crate::rules::{self, Rule};
use crate::source::aws::collect::rest_api_arn;
use join::{Match, Regions};

/// How the comparison was read.
pub struct Options<'a> {
    /// The regions the account was read in.
    pub regions: &'a [String],
    /// Terraform's state, when given: joins by address.
    pub state: Option<&'a StateIndex>,
    /// Whether functions were read only when they carry given tags: a declared function
    /// the account seems not to have may only lack them.
    pub tag_filtered: bool,
}

/// What drift found, and what would put the account back to the code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub reverts: Vec<Revert>,
    /// Declared items compared with a live one, by kind name.
    pub joined: Vec<(&'static str, usize)>,
}

/// A change that makes the account say what the code says.
#[derive(Debug, Clone, PartialEq)]
pub enum Revert {
    FunctionMode {
        region: String,
        arn: String,
        mode: String,
    },
    StageTracing {
        region: String,
        rest_api: String,
        stage: String,
        enabled: bool,
    },
    StateMachineTracing {
        region: String,
        arn: String,
        enabled: bool,
    },
    /// `UpdateSamplingRule` with these fields (X-Ray's names: `FixedRate`, ...).
    SamplingRule {
        region: String,
        arn: String,
        name: String,
        fields: Vec<(&'static str, serde_json::Value)>,
    },
    /// Nothing a script should do on its own: what a person would.
    Manual { resource: String, what: String },
}

/// The live item a finding on a declared item was compared with: its ARN.
pub fn live_arn(f: &Finding) -> Option<&str> {
    f.related.iter().find_map(|r| match &r.origin {
        Some(Origin::Account { arn, .. }) => Some(arn.as_str()),
        _ => None,
    })
}

impl Revert {
    /// The live item it changes.
    pub fn arn(&self) -> String {
        match self {
            Revert::FunctionMode { arn, .. }
            | Revert::StateMachineTracing { arn, .. }
            | Revert::SamplingRule { arn, .. }
            | Revert::Manual { resource: arn, .. } => arn.clone(),
            Revert::StageTracing {
                region,
                rest_api,
                stage,
                ..
            } => format!("{}/stages/{stage}", rest_api_arn(region, rest_api)),
        }
    }
}

/// The reverts of the findings that are still reported: a suppressed one's change (an
/// inline `xray-setup:ignore`, the config's `[[ignore]]` or a rule turned off) stays out of
/// the script.
pub fn reverts_for<'o>(outcome: &'o Outcome, findings: &[Finding]) -> Vec<&'o Revert> {
    let reported: std::collections::HashSet<&str> = findings.iter().filter_map(live_arn).collect();
    outcome
        .reverts
        .iter()
        .filter(|r| reported.contains(r.arn().as_str()))
        .collect()
}

/// Compares what `declared` (a tree, a plan, a state) says with what `live` (an account)
/// runs.
pub fn compare(declared: &Inventory, live: &Inventory, options: &Options) -> Outcome {
    let mut d = Drift {
        declared,
        live,
        regions: Regions(options.regions),
        options,
        out: Outcome::default(),
    };
    functions::compare(&mut d);
    stages::compare(&mut d);
    state_machines::compare(&mut d);
    roles::compare(&mut d);
    sampling::compare(&mut d);
    // What could not be read is not compared: say so, as an audit of the account does.
    let audit = rules::Options::default();
    let cx = rules::Context::new(live, &audit);
    (rules::UNREAD.check)(&cx, &mut d.out.findings);
    rules::sort(&mut d.out.findings, declared);
    d.out
}

/// The comparison under way.
struct Drift<'a> {
    declared: &'a Inventory,
    live: &'a Inventory,
    regions: Regions<'a>,
    options: &'a Options<'a>,
    out: Outcome,
}

impl Drift<'_> {
    /// A finding on a declared item, placed in the live item's account and region.
    fn on_declared(
        &mut self,
        rule: &Rule,
        meta: &Meta,
        at: Option<&Origin>,
        live: Option<&Meta>,
        message: String,
    ) -> &mut Finding {
        let message = format!("`{}`: {message}", meta.address);
        let mut f = rule.finding(meta, at, message);
        if let Some(l) = live {
            f.related.push(Related {
                message: format!("what the account runs: {}", l.address),
                origin: l.origin.clone(),
            });
        }
        f.account = live
            .and_then(|l| l.account.clone())
            .or_else(|| self.account());
        // IAM is global: its findings name no region.
        if let Some(region) = live
            .and_then(|l| l.region.as_ref())
            .and_then(|r| r.name.known())
            .filter(|r| *r != "global")
        {
            f.region = Some(region.clone());
        }
        self.out.findings.push(f);
        self.out.findings.last_mut().expect("just pushed")
    }

    /// A finding on a live item.
    fn on_live(&mut self, rule: &Rule, meta: &Meta, message: String) -> &mut Finding {
        let f = rule.finding(meta, None, message);
        self.out.findings.push(f);
        self.out.findings.last_mut().expect("just pushed")
    }

    /// The account compared, as its items name it.
    fn account(&self) -> Option<String> {
        let live = self.live;
        live.functions
            .iter()
            .map(|f| &f.meta)
            .chain(live.roles.iter().map(|r| &r.meta))
            .chain(live.sampling_rules.iter().map(|r| &r.meta))
            .find_map(|m| m.account.clone())
    }

    /// XR303 or XR000 for a declared item without a live counterpart; `None` when
    /// there is one.
    fn unmatched(&mut self, m: Match, meta: &Meta, what: &str) -> Option<usize> {
        match m {
            Match::Found(i) => return Some(i),
            Match::OutOfScope => {}
            Match::Missing(why) => {
                let message = format!(
                    "the code declares this {what}; {why} (not applied yet, applied to another account or region, or deleted by hand: the next apply creates it)"
                );
                self.on_declared(&rules::NOT_IN_ACCOUNT, meta, None, None, message);
            }
            Match::Unknown(u) => {
                let subject = format!(
                    "Which {what} in the account `{}` is cannot be told",
                    meta.address
                );
                let f = rules::unresolved(meta, None, &subject, &u);
                self.out.findings.push(f);
            }
        }
        None
    }

    fn joined(&mut self, kind: &'static str) {
        match self.out.joined.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.out.joined.push((kind, 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;

    fn finding_on(arn: &str) -> Finding {
        let meta = Meta {
            address: "aws_lambda_function.f".into(),
            root: ".".into(),
            account: None,
            origin: None,
            block: None,
            repeated: None,
            region: None,
        };
        let mut f = rules::TRACING_DRIFT.finding(&meta, None, "m".into());
        f.related.push(Related {
            message: "what the account runs".into(),
            origin: Some(Origin::Account {
                arn: arn.into(),
                region: "r".into(),
            }),
        });
        f
    }

    #[test]
    fn only_reported_findings_have_their_reverts_scripted() {
        let stage = Revert::StageTracing {
            region: "eu-west-1".into(),
            rest_api: "abc".into(),
            stage: "live".into(),
            enabled: true,
        };
        let function = Revert::FunctionMode {
            region: "eu-west-1".into(),
            arn: "arn:aws:lambda:eu-west-1:1:function:f".into(),
            mode: "Active".into(),
        };
        let outcome = Outcome {
            reverts: vec![stage.clone(), function],
            ..Outcome::default()
        };
        // The function's finding was suppressed: only the stage's is reported.
        let reported = [finding_on(
            "arn:aws:apigateway:eu-west-1::/restapis/abc/stages/live",
        )];
        assert_eq!(reverts_for(&outcome, &reported), [&stage]);
        assert!(reverts_for(&outcome, &[]).is_empty());
    }
}
