//! X-Ray sampling rules: each declared field against the live rule of the same name, and
//! the account's `Default` rule, which Terraform cannot manage
//! (terraform-provider-aws#23409), against AWS's defaults.

use super::join::{ByName, Match, declared_name, through_state};
use super::{Drift, Revert};
use crate::finding::Remedy;
use crate::model::{Field, Origin, SamplingRule, Setting, Step};
use crate::rules;
use crate::sampling::{DEFAULT_FIXED_RATE, DEFAULT_RESERVOIR};
use serde_json::{Value, json};

/// The name X-Ray gives the rule every account has.
const DEFAULT_RULE: &str = "Default";

pub(super) fn compare(d: &mut Drift) {
    let live = &d.live.sampling_rules;
    let index = ByName::new(live, |r| &r.meta, |r| r.rule_name.value.known().cloned());
    let mut matched = vec![false; live.len()];
    for r in &d.declared.sampling_rules {
        let m = match (d.options.state, d.regions.of(&r.meta)) {
            (_, Err(())) => Match::OutOfScope,
            (Some(state), _) => {
                through_state(state, &r.meta.address, &index, &d.regions, "sampling rule")
            }
            (None, Ok(region)) => match declared_name(&r.meta, &r.rule_name, "rule_name") {
                Ok(name) => index.find(name, region.as_deref(), "sampling rule"),
                Err(u) => Match::Unknown(u),
            },
        };
        let Some(i) = d.unmatched(m, &r.meta, "sampling rule") else {
            continue;
        };
        matched[i] = true;
        d.joined("sampling rule");
        fields(d, r, &live[i]);
    }
    for (r, _) in live.iter().zip(&matched).filter(|(_, m)| !**m) {
        if r.rule_name.value.known().is_some_and(|n| n == DEFAULT_RULE) {
            default_rule(d, r);
            continue;
        }
        let message = format!(
            "sampling rule \"{}\" runs in the account ({}); no code given declares it",
            r.rule_name.value.known().map_or("?", String::as_str),
            summary(r)
        );
        d.on_live(&rules::UNMANAGED, &r.meta, message);
    }
}

fn number(s: &Setting<f64>) -> Option<f64> {
    s.value.known().copied()
}

/// A rule's sampling in words: "priority 100, 1 a second then 5%".
fn summary(r: &SamplingRule) -> String {
    let n = |s: &Setting<f64>| number(s).map_or("?".to_string(), |v| v.to_string());
    format!(
        "priority {}, {} a second then {}%",
        n(&r.priority),
        n(&r.reservoir_size),
        number(&r.fixed_rate).map_or("?".to_string(), |v| (v * 100.0).to_string())
    )
}

fn default_rule(d: &mut Drift, r: &SamplingRule) {
    let (Some(reservoir), Some(rate)) = (number(&r.reservoir_size), number(&r.fixed_rate)) else {
        return;
    };
    if reservoir == DEFAULT_RESERVOIR && rate == DEFAULT_FIXED_RATE {
        return;
    }
    let message = format!(
        "the account's Default sampling rule was changed from AWS's defaults ({DEFAULT_RESERVOIR} a second then {}%): it samples {reservoir} a second then {}% of what no other rule matches; Terraform cannot manage this rule (terraform-provider-aws#23409), so only the account shows it",
        DEFAULT_FIXED_RATE * 100.0,
        rate * 100.0
    );
    let f = d.on_live(&rules::UNMANAGED, &r.meta, message);
    f.drift = Some(crate::finding::Drift {
        declared: format!(
            "reservoir {DEFAULT_RESERVOIR}, fixed rate {DEFAULT_FIXED_RATE} (AWS's default)"
        ),
        actual: format!("reservoir {reservoir}, fixed rate {rate}"),
    });
}

/// A field of a rule: its Terraform argument, X-Ray's name, and its value as JSON.
type Compared = (&'static str, &'static str, Option<Value>);

fn values(r: &SamplingRule) -> Vec<Compared> {
    let n = |s: &Setting<f64>| number(s).map(|v| json!(v));
    // Terraform's optional arguments default as X-Ray's do: `*` for the matchers.
    let t = |s: &Setting<String>| match &s.value {
        Field::Known(v) => Some(json!(v)),
        Field::Unset => Some(json!("*")),
        _ => None,
    };
    let attributes = match &r.attributes.value {
        Field::Known(pairs) => Some(json!(
            pairs
                .iter()
                .cloned()
                .collect::<std::collections::BTreeMap<_, _>>()
        )),
        Field::Unset => Some(json!({})),
        _ => None,
    };
    vec![
        ("priority", "Priority", n(&r.priority)),
        ("fixed_rate", "FixedRate", n(&r.fixed_rate)),
        ("reservoir_size", "ReservoirSize", n(&r.reservoir_size)),
        ("service_name", "ServiceName", t(&r.service_name)),
        ("service_type", "ServiceType", t(&r.service_type)),
        ("host", "Host", t(&r.host)),
        ("http_method", "HTTPMethod", t(&r.http_method)),
        ("url_path", "URLPath", t(&r.url_path)),
        ("resource_arn", "ResourceARN", t(&r.resource_arn)),
        ("attributes", "Attributes", attributes),
    ]
}

/// Where a rule's argument is written and how its value gets there.
fn written<'r>(r: &'r SamplingRule, arg: &str) -> (&'r Option<Origin>, &'r [Step]) {
    fn of<T>(s: &Setting<T>) -> (&Option<Origin>, &[Step]) {
        (&s.at, &s.source)
    }
    match arg {
        "priority" => of(&r.priority),
        "fixed_rate" => of(&r.fixed_rate),
        "reservoir_size" => of(&r.reservoir_size),
        "service_name" => of(&r.service_name),
        "service_type" => of(&r.service_type),
        "host" => of(&r.host),
        "http_method" => of(&r.http_method),
        "url_path" => of(&r.url_path),
        "resource_arn" => of(&r.resource_arn),
        _ => of(&r.attributes),
    }
}

/// A JSON value as an HCL literal: strings quoted with HCL's template sequences escaped,
/// objects as `{ key = value }`.
fn hcl(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let quoted = Value::String(s.clone()).to_string();
            quoted.replace("${", "$${").replace("%{", "%%{")
        }
        Value::Object(m) => {
            let entries: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{} = {}", hcl(&Value::String(k.clone())), hcl(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        other => other.to_string(),
    }
}

fn fields(d: &mut Drift, r: &SamplingRule, live: &SamplingRule) {
    let differ: Vec<(&str, &str, Value, Value)> = values(r)
        .into_iter()
        .zip(values(live))
        .filter_map(|((arg, api, code), (_, _, account))| {
            let (code, account) = (code?, account?);
            (code != account).then_some((arg, api, code, account))
        })
        .collect();
    if differ.is_empty() {
        return;
    }
    let side = |code: bool| {
        differ
            .iter()
            .map(|f| format!("{} = {}", f.0, if code { &f.2 } else { &f.3 }))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (declared, actual) = (side(true), side(false));
    let message = format!(
        "the code declares {declared}; the account's rule ({}) has {actual}; the next terraform apply puts the code's values back",
        live.meta.address
    );
    let adopt = Remedy::All(
        differ
            .iter()
            .map(|(arg, _, _, account)| {
                let (at, source) = written(r, arg);
                Remedy::Set {
                    name: arg,
                    value: hcl(account).into(),
                    at: at.clone(),
                    source: source.to_vec(),
                    block: r.meta.block.clone(),
                    nested: None,
                }
            })
            .collect(),
    );
    let finding = d.on_declared(
        &rules::TRACING_DRIFT,
        &r.meta,
        None,
        Some(&live.meta),
        message,
    );
    finding.drift = Some(crate::finding::Drift { declared, actual });
    finding.remedy = Some(adopt);
    if let (Some(name), Some(region)) = (live.rule_name.value.known(), live.meta.region.as_ref()) {
        d.out.reverts.push(Revert::SamplingRule {
            region: region.key().to_string(),
            arn: live.meta.address.clone(),
            name: name.clone(),
            fields: differ
                .into_iter()
                .map(|(_, api, code, _)| (api, code))
                .collect(),
        });
    }
}
