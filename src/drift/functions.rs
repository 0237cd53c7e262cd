//! Lambda functions: the tracing mode declared against the one running.

use super::join::{ByName, Match, declared_name, through_state};
use super::{Drift, Revert};
use crate::finding::Remedy;
use crate::model::{Field, Function, Setting};
use crate::rules;

pub(super) fn compare(d: &mut Drift) {
    let live = &d.live.functions;
    let index = ByName::new(live, |f| &f.meta, |f| f.name.value.known().cloned());
    let mut matched = vec![false; live.len()];
    let mut unjoined = 0;
    for f in &d.declared.functions {
        let m = match (d.options.state, d.regions.of(&f.meta)) {
            (_, Err(())) => Match::OutOfScope,
            (Some(state), _) => {
                through_state(state, &f.meta.address, &index, &d.regions, "function")
            }
            (None, Ok(region)) => match declared_name(&f.meta, &f.name, "function_name") {
                Ok(name) => index.find(name, region.as_deref(), "function"),
                Err(u) => Match::Unknown(u),
            },
        };
        let m = match m {
            // Functions read through tags: one without them was not read.
            Match::Missing(_) if d.options.tag_filtered => Match::OutOfScope,
            Match::Unknown(u) => {
                unjoined += 1;
                Match::Unknown(u)
            }
            m => m,
        };
        let Some(i) = d.unmatched(m, &f.meta, "function") else {
            continue;
        };
        matched[i] = true;
        d.joined("function");
        mode(d, f, &live[i]);
    }
    for (f, _) in live.iter().zip(&matched).filter(|(_, m)| !**m) {
        let mode = f
            .tracing_mode
            .value
            .known()
            .map_or("unknown", String::as_str);
        let name = f.name.value.known().map_or("?", String::as_str);
        let mut message = format!(
            "function \"{name}\" runs in the account with tracing mode \"{mode}\"; no code given declares it"
        );
        if unjoined > 0 {
            message.push_str(&format!(
                " (or it is one of the {unjoined} declared functions drift could not join: see the XR000 notes)"
            ));
        }
        d.on_live(&rules::UNMANAGED, &f.meta, message);
    }
}

/// The mode a function's code declares, as compared and as shown; `None` when it is not
/// known offline.
fn declared_mode(s: &Setting<String>) -> Option<(String, String)> {
    match &s.value {
        Field::Known(m) => Some((m.clone(), format!("\"{m}\""))),
        Field::Unset => Some((
            "PassThrough".into(),
            "\"PassThrough\" (no tracing_config)".into(),
        )),
        Field::Unknown(_) | Field::Invalid(_) => None,
    }
}

fn mode(d: &mut Drift, f: &Function, live: &Function) {
    let Some(actual) = live.tracing_mode.value.known() else {
        return;
    };
    let Some((declared, shown)) = declared_mode(&f.tracing_mode) else {
        if let Field::Unknown(u) = &f.tracing_mode.value {
            let note = rules::unknown_setting(
                &f.meta,
                f.tracing_mode.at.as_ref(),
                "tracing_config.mode",
                u,
            );
            d.out.findings.push(note);
        }
        return;
    };
    if declared == *actual {
        return;
    }
    let region = live
        .meta
        .region
        .as_ref()
        .map_or(String::new(), |r| r.key().to_string());
    let (rule, message) = if actual == "Active" {
        (
            &rules::APPLY_REVERTS,
            format!(
                "the account runs tracing mode \"Active\" ({}); the code declares {shown}, so the next terraform apply turns Active tracing off",
                live.meta.address
            ),
        )
    } else {
        (
            &rules::TRACING_DRIFT,
            format!(
                "the code declares tracing mode {shown}; the account runs \"{actual}\" ({}); the next terraform apply puts \"{declared}\" back",
                live.meta.address
            ),
        )
    };
    let remedy = adopt(f, actual);
    let finding = d.on_declared(
        rule,
        &f.meta,
        f.tracing_mode.at.as_ref(),
        Some(&live.meta),
        message,
    );
    finding.drift = Some(crate::finding::Drift {
        declared: declared.clone(),
        actual: actual.clone(),
    });
    finding.remedy = remedy;
    d.out.reverts.push(Revert::FunctionMode {
        region,
        arn: live.meta.address.clone(),
        mode: declared,
    });
}

/// The edit that makes the code declare `actual`, as XR001's makes it declare Active.
fn adopt(f: &Function, actual: &str) -> Option<Remedy> {
    let value = match actual {
        "Active" => "\"Active\"",
        "PassThrough" => "\"PassThrough\"",
        _ => return None,
    };
    let (name, nested) = match f.module_call {
        Some(_) => ("tracing_mode", None),
        None => ("mode", Some("tracing_config")),
    };
    Some(Remedy::Set {
        name,
        value: value.into(),
        at: f.tracing_mode.at.clone(),
        source: f.tracing_mode.source.clone(),
        block: f.meta.block.clone(),
        nested,
    })
}
