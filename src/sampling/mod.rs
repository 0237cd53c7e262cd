//! X-Ray sampling rules: the limits the API enforces, the order rules apply in, and when
//! one rule's matchers cover another's.

use crate::model::{Field, SamplingRule};

/// Where the limits come from.
pub const LIMITS_SOURCE: &str = "the X-Ray API's SamplingRule (botocore xray/2016-04-12)";

/// What a field must satisfy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// A string of `min..=max` characters.
    Length { min: usize, max: usize },
    /// A number in `min..=max`, an integer when `integer`.
    Range { min: f64, max: f64, integer: bool },
    /// Exactly this number.
    Exactly(f64),
}

/// Every field of `aws_xray_sampling_rule` the API constrains: (argument, required,
/// limit). Attributes are checked separately (at most 5, keys and values 1-32).
pub const FIELDS: &[(&str, bool, Limit)] = &[
    ("rule_name", false, Limit::Length { min: 1, max: 32 }),
    (
        "priority",
        true,
        Limit::Range {
            min: 1.0,
            max: 9999.0,
            integer: true,
        },
    ),
    (
        "fixed_rate",
        true,
        Limit::Range {
            min: 0.0,
            max: 1.0,
            integer: false,
        },
    ),
    (
        "reservoir_size",
        true,
        Limit::Range {
            min: 0.0,
            max: f64::INFINITY,
            integer: true,
        },
    ),
    ("version", true, Limit::Exactly(1.0)),
    ("service_name", true, Limit::Length { min: 1, max: 64 }),
    ("service_type", true, Limit::Length { min: 1, max: 64 }),
    ("host", true, Limit::Length { min: 1, max: 64 }),
    ("http_method", true, Limit::Length { min: 1, max: 10 }),
    ("url_path", true, Limit::Length { min: 1, max: 128 }),
    ("resource_arn", true, Limit::Length { min: 1, max: 500 }),
];

pub const MAX_ATTRIBUTES: usize = 5;
pub const ATTRIBUTE_LENGTH: (usize, usize) = (1, 32);

/// The Default rule every account has, applied last (X-Ray developer guide, "Configuring
/// sampling rules"): the first request each second and 5% of the rest.
pub const DEFAULT_PRIORITY: f64 = 10000.0;
pub const DEFAULT_RESERVOIR: f64 = 1.0;
pub const DEFAULT_FIXED_RATE: f64 = 0.05;

impl Limit {
    /// `None` when `value` satisfies the limit, else the allowed range in words.
    pub fn violation_number(&self, value: f64) -> Option<String> {
        match *self {
            Limit::Range { min, max, integer } => {
                let ok = value >= min && value <= max && (!integer || value.fract() == 0.0);
                (!ok).then(|| {
                    let kind = if integer { "an integer" } else { "a number" };
                    if max.is_infinite() {
                        format!("{kind} ≥ {min}")
                    } else {
                        format!("{kind} from {min} to {max}")
                    }
                })
            }
            Limit::Exactly(want) => (value != want).then(|| format!("exactly {want}")),
            Limit::Length { .. } => Some("a string".into()),
        }
    }

    pub fn violation_text(&self, value: &str) -> Option<String> {
        match *self {
            Limit::Length { min, max } => {
                let n = value.chars().count();
                (n < min || n > max).then(|| format!("{min} to {max} characters (it has {n})"))
            }
            _ => Some("a number".into()),
        }
    }
}

/// A rule whose every field is known: what precedence and coverage work on.
#[derive(Debug, Clone, PartialEq)]
pub struct Known<'a> {
    pub rule: &'a SamplingRule,
    pub name: String,
    pub priority: f64,
    pub fixed_rate: f64,
    pub reservoir: f64,
    /// service_name, service_type, host, http_method, url_path, resource_arn.
    pub matchers: [String; 6],
    pub attributes: Vec<(String, String)>,
}

pub const MATCHERS: [&str; 6] = [
    "service_name",
    "service_type",
    "host",
    "http_method",
    "url_path",
    "resource_arn",
];

impl<'a> Known<'a> {
    /// The rule with every field known, or `None`.
    pub fn of(rule: &'a SamplingRule) -> Option<Known<'a>> {
        let text = |s: &crate::model::Setting<String>| s.value.known().cloned();
        let num = |s: &crate::model::Setting<f64>| s.value.known().copied();
        Some(Known {
            rule,
            name: text(&rule.rule_name).unwrap_or_else(|| rule.meta.address.clone()),
            priority: num(&rule.priority)?,
            fixed_rate: num(&rule.fixed_rate)?,
            reservoir: num(&rule.reservoir_size)?,
            matchers: [
                text(&rule.service_name)?,
                text(&rule.service_type)?,
                text(&rule.host)?,
                text(&rule.http_method)?,
                text(&rule.url_path)?,
                text(&rule.resource_arn)?,
            ],
            attributes: match &rule.attributes.value {
                Field::Known(a) => a.clone(),
                Field::Unset => Vec::new(),
                Field::Unknown(_) | Field::Invalid(_) => return None,
            },
        })
    }

    /// Whether every matcher is `*` and no attribute is required.
    pub fn matches_everything(&self) -> bool {
        self.matchers.iter().all(|m| m == "*") && self.attributes.is_empty()
    }

    /// Whether this rule is applied before `other`: lower priority first, then the
    /// earlier name.
    pub fn precedes(&self, other: &Known) -> bool {
        (self.priority, &self.name) < (other.priority, &other.name)
    }

    /// Whether every request `other` matches, this rule matches too.
    pub fn covers(&self, other: &Known) -> bool {
        self.matchers
            .iter()
            .zip(&other.matchers)
            .all(|(mine, theirs)| pattern_covers(mine, theirs))
            && self.attributes.iter().all(|(k, v)| {
                other
                    .attributes
                    .iter()
                    .any(|(ok, ov)| ok == k && pattern_covers(v, ov))
            })
    }
}

/// Rules in the order X-Ray applies them.
pub fn in_precedence_order<'a>(mut rules: Vec<Known<'a>>) -> Vec<Known<'a>> {
    rules.sort_by(|a, b| {
        a.priority
            .total_cmp(&b.priority)
            .then_with(|| a.name.cmp(&b.name))
    });
    rules
}

/// Whether pattern `p` matches every string pattern `q` matches (`*` any run, `?` one
/// character). Sound but not complete: `p`'s `?` matches only one literal character or
/// `?` of `q`, and `p`'s `*` anything, so a `true` is always right.
pub fn pattern_covers(p: &str, q: &str) -> bool {
    let p: Vec<char> = p.chars().collect();
    let q: Vec<char> = q.chars().collect();
    // covers[i][j]: p[i..] covers q[j..].
    let mut covers = vec![vec![false; q.len() + 1]; p.len() + 1];
    covers[p.len()][q.len()] = true;
    for i in (0..p.len()).rev() {
        for j in (0..=q.len()).rev() {
            covers[i][j] = match p[i] {
                '*' => covers[i + 1][j] || (j < q.len() && covers[i][j + 1]),
                '?' => j < q.len() && q[j] != '*' && covers[i + 1][j + 1],
                c => j < q.len() && q[j] == c && covers[i + 1][j + 1],
            };
        }
    }
    covers[0][0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_sound() {
        assert!(pattern_covers("*", "/api/*"));
        assert!(pattern_covers("/api/*", "/api/v1/*"));
        assert!(pattern_covers("/api/*", "/api/v1"));
        assert!(pattern_covers("orders-?", "orders-a"));
        assert!(!pattern_covers("/api/?", "/api/*"), "? cannot cover a run");
        assert!(!pattern_covers("/api/v1/*", "/api/*"));
        assert!(!pattern_covers("GET", "*"));
        assert!(pattern_covers("a*b", "a??b"));
    }

    #[test]
    fn limits_describe_what_is_allowed() {
        let priority = FIELDS[1].2;
        assert_eq!(priority.violation_number(1.0), None);
        assert_eq!(priority.violation_number(9999.0), None);
        assert_eq!(
            priority.violation_number(0.0).as_deref(),
            Some("an integer from 1 to 9999")
        );
        assert!(priority.violation_number(10000.0).is_some());
        assert!(priority.violation_number(1.5).is_some());
        let name = FIELDS[0].2;
        assert_eq!(name.violation_text(&"x".repeat(32)), None);
        assert_eq!(
            name.violation_text(&"x".repeat(33)).as_deref(),
            Some("1 to 32 characters (it has 33)")
        );
    }
}

/// Whether this is an account's Default rule (read from the account: Terraform cannot
/// manage it), which cannot be deleted or given another priority.
pub fn is_default(rule: &SamplingRule) -> bool {
    rule.rule_name.value.known().is_some_and(|n| n == "Default")
        && rule.priority.value.known() == Some(&DEFAULT_PRIORITY)
}

/// One broken constraint of a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub field: &'static str,
    /// The value as written, shown in messages; empty when missing.
    pub value: String,
    /// What the API allows, in words.
    pub allowed: String,
    pub at: Option<crate::model::Origin>,
}

/// Every constraint a rule breaks. Unknown values break nothing here (XR000 says so).
pub fn violations(rule: &SamplingRule) -> Vec<Violation> {
    let mut out = Vec::new();
    // The account's Default rule has priority 10000, which only AWS may give a rule.
    let default = is_default(rule);
    for &(field, required, limit) in FIELDS {
        if default && field == "priority" {
            continue;
        }
        let (value, broken, at) = match field {
            "priority" | "fixed_rate" | "reservoir_size" | "version" => {
                let s = number_field(rule, field);
                match &s.value {
                    Field::Known(n) => (
                        crate::text::format_number(*n),
                        limit.violation_number(*n),
                        s.at.clone(),
                    ),
                    Field::Unset if required => (String::new(), Some("required".into()), None),
                    _ => continue,
                }
            }
            _ => {
                let s = text_field(rule, field);
                match &s.value {
                    Field::Known(t) => (format!("{t:?}"), limit.violation_text(t), s.at.clone()),
                    Field::Unset if required => (String::new(), Some("required".into()), None),
                    _ => continue,
                }
            }
        };
        if let Some(allowed) = broken {
            out.push(Violation {
                field,
                value,
                allowed,
                at,
            });
        }
    }
    if let Field::Known(attributes) = &rule.attributes.value {
        let at = rule.attributes.at.clone();
        if attributes.len() > MAX_ATTRIBUTES {
            out.push(Violation {
                field: "attributes",
                value: format!("{} entries", attributes.len()),
                allowed: format!("at most {MAX_ATTRIBUTES} entries"),
                at: at.clone(),
            });
        }
        let (min, max) = ATTRIBUTE_LENGTH;
        for (k, v) in attributes {
            for (what, s) in [("key", k), ("value", v)] {
                let n = s.chars().count();
                if n < min || n > max {
                    out.push(Violation {
                        field: "attributes",
                        value: format!("{what} {s:?}"),
                        allowed: format!(
                            "keys and values of {min} to {max} characters (it has {n})"
                        ),
                        at: at.clone(),
                    });
                }
            }
        }
    }
    out
}

fn number_field<'r>(rule: &'r SamplingRule, field: &str) -> &'r crate::model::Setting<f64> {
    match field {
        "priority" => &rule.priority,
        "fixed_rate" => &rule.fixed_rate,
        "reservoir_size" => &rule.reservoir_size,
        _ => &rule.version,
    }
}

fn text_field<'r>(rule: &'r SamplingRule, field: &str) -> &'r crate::model::Setting<String> {
    match field {
        "rule_name" => &rule.rule_name,
        "service_name" => &rule.service_name,
        "service_type" => &rule.service_type,
        "host" => &rule.host,
        "http_method" => &rule.http_method,
        "url_path" => &rule.url_path,
        _ => &rule.resource_arn,
    }
}
