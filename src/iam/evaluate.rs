//! Whether a set of identity policies (and a permissions boundary) lets a role perform an
//! action on `*`, as IAM decides it: default deny; an explicit Deny wins; actions match
//! case-insensitively with `*` and `?`; `NotAction` / `NotResource` invert; a boundary
//! intersects; a statement with a `Condition` applies only when it holds.
//! (IAM user guide, `reference_policies_evaluation-logic`.)
//!
//! X-Ray's write and sampling actions support no resource-level permissions (X-Ray
//! developer guide, `security_iam_service-with-iam`): the request's resource is `*`, so
//! only a statement whose resources match `*` grants them.

use super::document::{Effect, PolicyDocument, Statement};
use crate::model::{Origin, marks};
use crate::text::glob;

/// A policy as it reaches a role.
#[derive(Debug, Clone)]
pub struct Source {
    /// How messages name it: `aws_iam_role_policy.app`, `AWSXRayDaemonWriteAccess`.
    pub label: String,
    pub origin: Option<Origin>,
    pub document: Document,
}

#[derive(Debug, Clone)]
pub enum Document {
    Known(PolicyDocument),
    /// Cannot be read offline; why.
    Unknown(String),
}

/// A statement that decided something, for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Cite {
    pub policy: String,
    pub statement: String,
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Allowed,
    /// Allowed only when a condition holds, or denied when one holds.
    Conditional(Vec<Cite>),
    Denied(Cite),
    /// Allowed only on named resources, which grants nothing for this action.
    Scoped(Vec<Cite>),
    NotGranted,
    /// The identity policies allow it but the permissions boundary does not.
    Bounded(String),
    /// Something that could decide it cannot be read offline.
    Unknown(Vec<String>),
}

/// Decides `action` on resource `*`.
pub fn decide(action: &str, policies: &[Source], boundary: Option<&Source>) -> Decision {
    let identity = evaluate(action, policies);
    match (&identity, boundary) {
        (Decision::Allowed | Decision::Conditional(_), Some(b)) => {
            match evaluate(action, std::slice::from_ref(b)) {
                Decision::Allowed => identity,
                Decision::Denied(cite) => Decision::Denied(cite),
                Decision::Unknown(why) => Decision::Unknown(why),
                Decision::Conditional(cites) => Decision::Conditional(cites),
                _ => Decision::Bounded(b.label.clone()),
            }
        }
        _ => identity,
    }
}

fn evaluate(action: &str, policies: &[Source]) -> Decision {
    let mut allowed = false;
    let mut conditional = Vec::new();
    let mut scoped = Vec::new();
    let mut unknown = Vec::new();
    for policy in policies {
        let doc = match &policy.document {
            Document::Known(doc) => doc,
            Document::Unknown(why) => {
                unknown.push(format!("{}: {why}", policy.label));
                continue;
            }
        };
        for st in &doc.statements {
            let cite = || Cite {
                policy: policy.label.clone(),
                statement: st.label.clone(),
                origin: policy.origin.clone(),
            };
            let actions = matches_action(st, action);
            let resources = matches_star(st);
            match (st.effect, actions, resources) {
                (_, Match::No, _) => {}
                (Effect::Deny, Match::Yes, Match::Yes) if !st.conditional => {
                    return Decision::Denied(cite());
                }
                (Effect::Deny, Match::Yes, Match::Yes) => conditional.push(cite()),
                (Effect::Deny, _, Match::No) => {}
                (Effect::Deny, _, _) => unknown.push(format!(
                    "{} statement {} may deny it",
                    policy.label, st.label
                )),
                (Effect::Allow, Match::Yes, Match::Yes) if st.conditional => {
                    conditional.push(cite())
                }
                (Effect::Allow, Match::Yes, Match::Yes) => allowed = true,
                (Effect::Allow, Match::Yes, Match::No) => scoped.push(cite()),
                (Effect::Allow, _, _) => unknown.push(format!(
                    "{} statement {} has parts known only after apply",
                    policy.label, st.label
                )),
            }
        }
    }
    if !conditional.is_empty() && (allowed || conditional.iter().any(|c| is_deny(policies, c))) {
        return Decision::Conditional(conditional);
    }
    if allowed {
        return Decision::Allowed;
    }
    if !conditional.is_empty() {
        return Decision::Conditional(conditional);
    }
    if !unknown.is_empty() {
        return Decision::Unknown(unknown);
    }
    if !scoped.is_empty() {
        return Decision::Scoped(scoped);
    }
    Decision::NotGranted
}

fn is_deny(policies: &[Source], cite: &Cite) -> bool {
    policies.iter().any(|p| {
        p.label == cite.policy
            && matches!(&p.document, Document::Known(d) if d.statements.iter().any(|s| s.label == cite.statement && s.effect == Effect::Deny))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Yes,
    No,
    /// Depends on a value only known after apply.
    Maybe,
}

fn matches_action(st: &Statement, action: &str) -> Match {
    let mut any = Match::No;
    for p in &st.actions.items {
        if p.contains(marks::UNKNOWN) || p.contains(marks::AFTER_APPLY) {
            any = Match::Maybe;
        } else if glob(&p.to_ascii_lowercase(), &action.to_ascii_lowercase()) {
            any = Match::Yes;
            break;
        }
    }
    invert(any, st.actions.inverted)
}

/// Whether the statement's resources cover `*`: only a pattern that matches everything
/// does. An ARN known only after apply is a specific resource, never `*`.
fn matches_star(st: &Statement) -> Match {
    let mut any = Match::No;
    for p in &st.resources.items {
        if p == marks::UNKNOWN {
            any = Match::Maybe;
        } else if glob(p, "*") && !p.contains(marks::AFTER_APPLY) {
            any = Match::Yes;
            break;
        }
    }
    invert(any, st.resources.inverted)
}

fn invert(m: Match, inverted: bool) -> Match {
    match (m, inverted) {
        (Match::Yes, true) => Match::No,
        (Match::No, true) => Match::Yes,
        (m, _) => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(label: &str, json: &str) -> Source {
        Source {
            label: label.into(),
            origin: None,
            document: Document::Known(PolicyDocument::parse(json).unwrap().0),
        }
    }

    const PUT: &str = "xray:PutTraceSegments";

    /// (what, policies, boundary, expected)
    fn table() -> Vec<(&'static str, Vec<Source>, Option<Source>, Decision)> {
        let allow_all =
            r#"{"Statement":[{"Effect":"Allow","Action":"xray:PutTraceSegments","Resource":"*"}]}"#;
        vec![
            ("default deny", vec![], None, Decision::NotGranted),
            (
                "exact allow on *",
                vec![source("p", allow_all)],
                None,
                Decision::Allowed,
            ),
            (
                "actions are case-insensitive with wildcards",
                vec![source(
                    "p",
                    r#"{"Statement":[{"Effect":"Allow","Action":"XRAY:put*","Resource":"*"}]}"#,
                )],
                None,
                Decision::Allowed,
            ),
            (
                "? matches one character",
                vec![source(
                    "p",
                    r#"{"Statement":[{"Effect":"Allow","Action":"xray:PutTraceSegment?","Resource":"*"}]}"#,
                )],
                None,
                Decision::Allowed,
            ),
            (
                "scoped to a resource grants nothing",
                vec![source(
                    "p",
                    r#"{"Statement":[{"Sid":"Scoped","Effect":"Allow","Action":"xray:*","Resource":"arn:aws:xray:us-east-1:1:group/g"}]}"#,
                )],
                None,
                Decision::Scoped(vec![Cite {
                    policy: "p".into(),
                    statement: "Scoped".into(),
                    origin: None,
                }]),
            ),
            (
                "explicit deny wins",
                vec![
                    source("p", allow_all),
                    source(
                        "d",
                        r#"{"Statement":[{"Sid":"NoPut","Effect":"Deny","Action":"xray:Put*","Resource":"*"}]}"#,
                    ),
                ],
                None,
                Decision::Denied(Cite {
                    policy: "d".into(),
                    statement: "NoPut".into(),
                    origin: None,
                }),
            ),
            (
                "NotAction inverts",
                vec![source(
                    "p",
                    r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]}"#,
                )],
                None,
                Decision::Allowed,
            ),
            (
                "NotAction excluding xray grants nothing",
                vec![source(
                    "p",
                    r#"{"Statement":[{"Effect":"Allow","NotAction":["xray:*"],"Resource":"*"}]}"#,
                )],
                None,
                Decision::NotGranted,
            ),
            (
                "NotResource of a bucket still covers *",
                vec![source(
                    "p",
                    r#"{"Statement":[{"Effect":"Allow","Action":"xray:*","NotResource":"arn:aws:s3:::b"}]}"#,
                )],
                None,
                Decision::Allowed,
            ),
            (
                "a condition grants only conditionally",
                vec![source(
                    "p",
                    r#"{"Statement":[{"Sid":"C","Effect":"Allow","Action":"xray:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#,
                )],
                None,
                Decision::Conditional(vec![Cite {
                    policy: "p".into(),
                    statement: "C".into(),
                    origin: None,
                }]),
            ),
            (
                "a boundary without the action cuts it",
                vec![source("p", allow_all)],
                Some(source(
                    "boundary",
                    r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
                )),
                Decision::Bounded("boundary".into()),
            ),
            (
                "a boundary with the action keeps it",
                vec![source("p", allow_all)],
                Some(source(
                    "boundary",
                    r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                )),
                Decision::Allowed,
            ),
            (
                "an ARN known after apply is not *",
                vec![source(
                    "p",
                    &format!(
                        r#"{{"Statement":[{{"Effect":"Allow","Action":"xray:*","Resource":"{}"}}]}}"#,
                        marks::AFTER_APPLY
                    ),
                )],
                None,
                Decision::Scoped(vec![Cite {
                    policy: "p".into(),
                    statement: "#1".into(),
                    origin: None,
                }]),
            ),
        ]
    }

    #[test]
    fn evaluation_rules() {
        for (what, policies, boundary, want) in table() {
            assert_eq!(decide(PUT, &policies, boundary.as_ref()), want, "{what}");
        }
    }

    #[test]
    fn unknown_documents_make_the_decision_unknown_unless_granted_elsewhere() {
        let unknown = Source {
            label: "aws_iam_role_policy.x".into(),
            origin: None,
            document: Document::Unknown("var.policy has no value".into()),
        };
        assert!(matches!(
            decide(PUT, std::slice::from_ref(&unknown), None),
            Decision::Unknown(_)
        ));
        let grant = source(
            "p",
            r#"{"Statement":[{"Effect":"Allow","Action":"xray:*","Resource":"*"}]}"#,
        );
        assert_eq!(decide(PUT, &[unknown, grant], None), Decision::Allowed);
    }
}
