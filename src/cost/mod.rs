//! What X-Ray tracing costs a month, from the sampling rules found and a description of
//! the traffic.
//!
//! Model, per second: rules apply in precedence order (ascending priority, then name),
//! the first match deciding; each rule first takes up to its reservoir (shared by the
//! whole fleet, as centralized sampling shares it), then its fixed rate of the rest it
//! matched; the Default rule (1 request a second + 5%) comes last and takes what is left.
//! Traces a month are traces a second times the seconds of a 30-day month; the free tier
//! is subtracted before prices apply.

mod render;

use crate::model::SamplingRule;
use crate::sampling::{self, Known};
use crate::text::glob;

pub use render::{thousands as render_thousands, to_json, to_text};

/// X-Ray prices and free tier (aws.amazon.com/xray/pricing, "AWS X-Ray pricing").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    /// US dollars per million traces recorded.
    pub per_million_recorded: f64,
    /// US dollars per million traces retrieved or scanned.
    pub per_million_scanned: f64,
    /// Traces recorded free each month.
    pub free_recorded: f64,
    /// Traces retrieved or scanned free each month.
    pub free_scanned: f64,
}

pub const PRICES: Prices = Prices {
    per_million_recorded: 5.00,
    per_million_scanned: 0.50,
    free_recorded: 100_000.0,
    free_scanned: 1_000_000.0,
};

pub const PRICES_SOURCE: &str = "aws.amazon.com/xray/pricing";

pub const SECONDS_PER_MONTH: f64 = 30.0 * 24.0 * 3600.0;

/// Traffic: one stream per service (or one unnamed stream for the whole fleet).
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// Matched against rules' `service_name`; `None` for traffic of unknown services.
    pub service: Option<String>,
    pub requests_per_second: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub traffic: Vec<Stream>,
    pub scans_per_month: f64,
    pub prices: Prices,
    /// The account's Default rule (Terraform cannot manage it; change these if the
    /// account's was changed through the API).
    pub default_reservoir: f64,
    pub default_fixed_rate: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            traffic: Vec::new(),
            scans_per_month: 0.0,
            prices: PRICES,
            default_reservoir: sampling::DEFAULT_RESERVOIR,
            default_fixed_rate: sampling::DEFAULT_FIXED_RATE,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleCost {
    pub name: String,
    /// Where it is defined: `root/address`, or `(account default)`.
    pub defined_at: String,
    pub priority: f64,
    pub fixed_rate: f64,
    pub reservoir: f64,
    pub matched_per_second: f64,
    pub traces_per_second: f64,
    pub traces_per_month: f64,
    /// This rule's share of the recording cost (pro rata after the free tier).
    pub monthly_usd: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub requests_per_second: f64,
    pub rules: Vec<RuleCost>,
    /// Rules found but left out, and why.
    pub left_out: Vec<(String, String)>,
    pub traces_per_month: f64,
    pub recorded_usd: f64,
    pub scanned_usd: f64,
    pub total_monthly_usd: f64,
    pub assumptions: Vec<String>,
}

/// Estimates the monthly bill for the given rules and traffic.
pub fn estimate(rules: &[SamplingRule], options: &Options) -> Estimate {
    let mut left_out = Vec::new();
    let mut usable = Vec::new();
    for rule in rules {
        let label = rule
            .rule_name
            .value
            .known()
            .cloned()
            .unwrap_or_else(|| rule.meta.address.clone());
        let broken = sampling::violations(rule);
        if let Some(v) = broken.first() {
            left_out.push((
                label,
                format!("AWS would reject it ({} must be {})", v.field, v.allowed),
            ));
            continue;
        }
        match Known::of(rule) {
            None => left_out.push((label, "some of its values are not known offline".into())),
            Some(k) => match unsupported_matcher(&k) {
                Some(why) => left_out.push((label, why)),
                None => usable.push(k),
            },
        }
    }
    let ordered = sampling::in_precedence_order(usable);
    let mut remaining: Vec<f64> = options
        .traffic
        .iter()
        .map(|s| s.requests_per_second.max(0.0))
        .collect();
    let mut costs = Vec::new();
    let mut apply = |name: String,
                     defined_at: String,
                     priority: f64,
                     fixed_rate: f64,
                     reservoir: f64,
                     service_name: &str| {
        let mut matched = 0.0;
        for (stream, left) in options.traffic.iter().zip(remaining.iter_mut()) {
            let applies = match &stream.service {
                Some(service) => glob(service_name, service),
                None => service_name == "*",
            };
            if applies {
                matched += *left;
                *left = 0.0;
            }
        }
        let from_reservoir = reservoir.min(matched);
        let traces = from_reservoir + fixed_rate * (matched - from_reservoir);
        costs.push(RuleCost {
            name,
            defined_at,
            priority,
            fixed_rate,
            reservoir,
            matched_per_second: matched,
            traces_per_second: traces,
            traces_per_month: traces * SECONDS_PER_MONTH,
            monthly_usd: 0.0,
        });
    };
    for k in &ordered {
        let defined_at = format!("{}/{}", k.rule.meta.root, k.rule.meta.address);
        apply(
            k.name.clone(),
            defined_at,
            k.priority,
            k.fixed_rate,
            k.reservoir,
            &k.matchers[0],
        );
    }
    apply(
        "Default".into(),
        "(account default)".into(),
        sampling::DEFAULT_PRIORITY,
        options.default_fixed_rate,
        options.default_reservoir,
        "*",
    );
    let traces_per_month: f64 = costs.iter().map(|c| c.traces_per_month).sum();
    let p = options.prices;
    let recorded_usd = (traces_per_month - p.free_recorded).max(0.0) / 1e6 * p.per_million_recorded;
    let scanned_usd =
        (options.scans_per_month - p.free_scanned).max(0.0) / 1e6 * p.per_million_scanned;
    for c in &mut costs {
        if traces_per_month > 0.0 {
            c.monthly_usd = recorded_usd * c.traces_per_month / traces_per_month;
        }
    }
    let requests_per_second = options.traffic.iter().map(|s| s.requests_per_second).sum();
    Estimate {
        requests_per_second,
        rules: costs,
        assumptions: assumptions(options, &left_out),
        left_out,
        traces_per_month,
        recorded_usd,
        scanned_usd,
        total_monthly_usd: recorded_usd + scanned_usd,
    }
}

/// Why a rule cannot be applied to a description of traffic by service: it matches on
/// something the description does not tell (a path, a host, a method, an attribute), or
/// it is one X-Ray SDKs do not apply.
fn unsupported_matcher(k: &Known) -> Option<String> {
    let [_, service_type, host, method, path, arn] = &k.matchers;
    for (field, value) in [
        ("service_type", service_type),
        ("host", host),
        ("http_method", method),
        ("url_path", path),
    ] {
        if value != "*" {
            return Some(format!(
                "it matches on {field} {value:?}, and the traffic description cannot tell what share of requests that is"
            ));
        }
    }
    if arn != "*" {
        return Some("its resource_arn is not \"*\", and X-Ray SDKs apply only rules whose resource_arn is \"*\"".into());
    }
    if !k.attributes.is_empty() {
        return Some("it matches on attributes, which X-Ray SDKs do not apply".into());
    }
    None
}

fn assumptions(options: &Options, left_out: &[(String, String)]) -> Vec<String> {
    let p = options.prices;
    let mut out = vec![
        format!("a 30-day month ({} seconds)", render::thousands(SECONDS_PER_MONTH, 0)),
        "rules apply in priority order (then by name); the first rule that matches a request decides".into(),
        "each rule's reservoir is shared by the whole fleet (centralized sampling), then its fixed rate applies to the rest it matches".into(),
        format!(
            "the Default rule comes last: {} request{} a second and {}% of the rest",
            options.default_reservoir,
            if options.default_reservoir == 1.0 { "" } else { "s" },
            options.default_fixed_rate * 100.0
        ),
        format!(
            "${:.2} per million traces recorded beyond {} free a month; ${:.2} per million retrieved or scanned beyond {} free ({PRICES_SOURCE}; --price-* flags override)",
            p.per_million_recorded,
            render::thousands(p.free_recorded, 0),
            p.per_million_scanned,
            render::thousands(p.free_scanned, 0)
        ),
        "Lambda's own sampling for Active tracing (1 request a second and 5% of the rest per function) is not configurable and not modelled here".into(),
    ];
    if options.traffic.iter().all(|s| s.service.is_none()) {
        out.push("traffic is not split by service, so only rules whose service_name is \"*\" match it (give --traffic SERVICE=RPS to apply the others)".into());
    }
    if !left_out.is_empty() {
        out.push(format!("{} rule(s) left out, listed below", left_out.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(rps: f64) -> Options {
        Options {
            traffic: vec![Stream {
                service: None,
                requests_per_second: rps,
            }],
            ..Options::default()
        }
    }

    #[test]
    fn default_rule_only_on_the_seeds_traffic() {
        // 250 million requests a day (seed 003), Default rule only: 1 + 0.05 x 2,892.5.
        let e = estimate(&[], &options(250e6 / 86400.0));
        assert!(
            (e.traces_per_month / 1e6 - 377.6).abs() < 0.2,
            "{}",
            e.traces_per_month
        );
        assert!(
            (e.total_monthly_usd - 1887.0).abs() < 1.0,
            "{}",
            e.total_monthly_usd
        );
    }

    #[test]
    fn the_free_tier_is_subtracted_and_scans_priced() {
        let mut o = options(0.0);
        o.scans_per_month = 3_000_000.0;
        let e = estimate(&[], &o);
        assert_eq!(e.recorded_usd, 0.0);
        assert!(
            (e.scanned_usd - 1.0).abs() < 1e-9,
            "(3M - 1M free) x $0.50/M"
        );
    }
}
