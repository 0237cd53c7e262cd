//! Step Functions state machines: `tracing_configuration.enabled` declared against the
//! machine's tracing, joined by name (or the state's ARN).

use super::flag::Flag;
use super::join::{ByName, Match, declared_name, through_state};
use super::{Drift, Revert};
use crate::rules;

pub(super) fn compare(d: &mut Drift) {
    let live = &d.live.state_machines;
    let index = ByName::new(live, |m| &m.meta, |m| m.name.value.known().cloned());
    let mut matched = vec![false; live.len()];
    let mut unjoined = 0;
    for m in &d.declared.state_machines {
        let found = match (d.options.state, d.regions.of(&m.meta)) {
            (_, Err(())) => Match::OutOfScope,
            (Some(state), _) => {
                through_state(state, &m.meta.address, &index, &d.regions, "state machine")
            }
            (None, Ok(region)) => match declared_name(&m.meta, &m.name, "name") {
                Ok(name) => index.find(name, region.as_deref(), "state machine"),
                Err(u) => Match::Unknown(u),
            },
        };
        if matches!(found, Match::Unknown(_)) {
            unjoined += 1;
        }
        let Some(i) = d.unmatched(found, &m.meta, "state machine") else {
            continue;
        };
        matched[i] = true;
        d.joined("state machine");
        let flag = Flag {
            argument: "enabled",
            nested: Some("tracing_configuration"),
            what: "the state machine",
        };
        let l = &live[i];
        if let Some(declared) =
            flag.compare(d, &m.meta, &m.tracing_enabled, &l.meta, &l.tracing_enabled)
        {
            d.out.reverts.push(Revert::StateMachineTracing {
                region: l
                    .meta
                    .region
                    .as_ref()
                    .map_or(String::new(), |r| r.key().to_string()),
                arn: l.meta.address.clone(),
                enabled: declared,
            });
        }
    }
    for (m, _) in live.iter().zip(&matched).filter(|(_, m)| !**m) {
        let on = m.tracing_enabled.value.known().copied().unwrap_or(false);
        let mut message = format!(
            "state machine \"{}\" runs in the account with tracing {}; no code given declares it",
            m.name.value.known().map_or("?", String::as_str),
            if on { "on" } else { "off" }
        );
        if unjoined > 0 {
            message.push_str(&format!(
                " (or it is one of the {unjoined} declared state machines drift could not join: see the XR000 notes)"
            ));
        }
        d.on_live(&rules::UNMANAGED, &m.meta, message);
    }
}
