//! REST API stages: `xray_tracing_enabled` declared against the stage's tracing. A stage
//! is known by its API's name and its own: AWS gives the API an id at creation, which only
//! the state records.

use super::flag::Flag;
use super::join::{ByName, Match, declared_name, through_state};
use super::{Drift, Revert};
use crate::model::{Inventory, Reference, RestStage};
use crate::rules;
use crate::source::aws::collect::rest_api_arn;

pub(super) fn compare(d: &mut Drift) {
    let live = &d.live.rest_stages;
    let live_inv = d.live;
    let index = ByName::new(live, |s| &s.meta, |s| live_key(live_inv, s));
    let mut matched = vec![false; live.len()];
    let mut unjoined = 0;
    for s in &d.declared.rest_stages {
        let m = match (d.options.state, d.regions.of(&s.meta)) {
            (_, Err(())) => Match::OutOfScope,
            (Some(state), _) => {
                through_state(state, &s.meta.address, &index, &d.regions, "REST API stage")
            }
            (None, Ok(region)) => match declared_key(d.declared, s) {
                Ok(key) => index.find(&key, region.as_deref(), "REST API stage"),
                Err(u) => Match::Unknown(u),
            },
        };
        if matches!(m, Match::Unknown(_)) {
            unjoined += 1;
        }
        let Some(i) = d.unmatched(m, &s.meta, "REST API stage") else {
            continue;
        };
        matched[i] = true;
        d.joined("REST API stage");
        tracing(d, s, &live[i]);
    }
    for (s, _) in live.iter().zip(&matched).filter(|(_, m)| !**m) {
        let on = s.tracing_enabled.value.known().copied().unwrap_or(false);
        let name = live_key(live_inv, s).unwrap_or_default();
        let mut message = format!(
            "REST API stage \"{name}\" runs in the account with tracing {}; no code given declares it",
            if on { "on" } else { "off" }
        );
        if unjoined > 0 {
            message.push_str(&format!(
                " (or it is one of the {unjoined} declared stages drift could not join: see the XR000 notes)"
            ));
        }
        d.on_live(&rules::UNMANAGED, &s.meta, message);
    }
}

/// `API name` and stage name, which join a stage by name: `orders-api/live`.
fn key(api: &str, stage: &str) -> String {
    format!("{api}/{stage}")
}

fn live_key(live: &Inventory, s: &RestStage) -> Option<String> {
    let Reference::Literal(id) = &s.rest_api else {
        return None;
    };
    let region = s.meta.region.as_ref()?.key();
    let arn = rest_api_arn(region, id);
    let api = live.rest_apis.iter().find(|a| a.meta.address == arn)?;
    Some(key(api.name.value.known()?, s.stage_name.value.known()?))
}

fn declared_key(declared: &Inventory, s: &RestStage) -> Result<String, crate::model::Unresolved> {
    let stage = declared_name(&s.meta, &s.stage_name, "stage_name")?;
    let unresolved = |why: String| crate::model::Unresolved {
        expression: "rest_api_id".into(),
        why,
        hint: Some(super::join::STATE_HINT.into()),
        partial: None,
    };
    match &s.rest_api {
        Reference::Address(address) => {
            let api = declared
                .rest_apis
                .iter()
                .find(|a| a.meta.root == s.meta.root && a.meta.address == *address)
                .ok_or_else(|| unresolved(format!("`{address}` is not a REST API in this root")))?;
            Ok(key(declared_name(&api.meta, &api.name, "name")?, stage))
        }
        Reference::Literal(id) => Err(unresolved(format!(
            "the stage names its API by id (\"{id}\"), and drift joins stages by their API's name"
        ))),
        Reference::Unknown(u) => Err(crate::model::Unresolved {
            hint: Some(super::join::STATE_HINT.into()),
            ..u.clone()
        }),
        Reference::Unset => Err(unresolved("`rest_api_id` is not set".into())),
    }
}

fn tracing(d: &mut Drift, s: &RestStage, live: &RestStage) {
    let flag = Flag {
        argument: "xray_tracing_enabled",
        nested: None,
        what: "the stage",
    };
    let Some(declared) = flag.compare(
        d,
        &s.meta,
        &s.tracing_enabled,
        &live.meta,
        &live.tracing_enabled,
    ) else {
        return;
    };
    if let (Reference::Literal(api), Some(stage), Some(region)) = (
        &live.rest_api,
        live.stage_name.value.known(),
        live.meta.region.as_ref(),
    ) {
        d.out.reverts.push(Revert::StageTracing {
            region: region.key().to_string(),
            rest_api: api.clone(),
            stage: stage.clone(),
            enabled: declared,
        });
    }
}
