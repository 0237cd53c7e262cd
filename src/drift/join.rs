//! Finds the live item a declared one is: through Terraform's state when it is given
//! (address → ARN), else by the name AWS knows it by, in its region.

use crate::model::{Field, Meta, Setting, Unresolved};
use std::collections::HashMap;

/// Terraform's state, for joining: each instance's address
/// (`module.api.aws_lambda_function.f["a"]`) and the ARN it records.
pub type StateIndex = HashMap<String, Option<String>>;

/// The live counterpart of a declared item.
#[derive(Debug)]
pub enum Match {
    /// Index into the live list.
    Found(usize),
    /// In scope, not in the account: why it was looked for where.
    Missing(String),
    /// Declared in a region that was not read.
    OutOfScope,
    /// Which live item it is cannot be told: why, and what would tell it.
    Unknown(Unresolved),
}

/// The regions read, and whether a declared region is among them.
pub struct Regions<'a>(pub &'a [String]);

impl Regions<'_> {
    /// The declared item's region when known (`None` when it is not known offline or
    /// the kind is global), or `Err` when it is known and was not read.
    pub fn of(&self, meta: &Meta) -> Result<Option<String>, ()> {
        match meta.region.as_ref().map(|r| &r.name) {
            Some(Field::Known(r)) if self.0.contains(r) => Ok(Some(r.clone())),
            Some(Field::Known(_)) => Err(()),
            _ => Ok(None),
        }
    }
}

/// Live items of one kind by name, with their regions.
pub struct ByName<'l> {
    by_name: HashMap<String, Vec<(usize, &'l str)>>,
    by_arn: HashMap<&'l str, usize>,
}

impl<'l> ByName<'l> {
    /// `key` gives each live item's name (and `meta` its ARN and region).
    pub fn new<T>(
        items: &'l [T],
        meta: impl Fn(&'l T) -> &'l Meta,
        key: impl Fn(&'l T) -> Option<String>,
    ) -> ByName<'l> {
        let mut by_name: HashMap<String, Vec<(usize, &str)>> = HashMap::new();
        let mut by_arn = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let m = meta(item);
            by_arn.insert(m.address.as_str(), i);
            if let Some(name) = key(item) {
                let region = m.region.as_ref().map_or("", |r| r.key());
                by_name.entry(name).or_default().push((i, region));
            }
        }
        ByName { by_name, by_arn }
    }

    pub fn by_arn(&self, arn: &str) -> Option<usize> {
        self.by_arn.get(arn).copied()
    }

    /// The live item named `name`: in `region` when it is known, else the one item of
    /// that name in any region read.
    pub fn find(&self, name: &str, region: Option<&str>, what: &str) -> Match {
        let candidates: Vec<&(usize, &str)> = self
            .by_name
            .get(name)
            .map(|v| {
                v.iter()
                    .filter(|(_, r)| region.is_none_or(|want| *r == want || *r == "global"))
                    .collect()
            })
            .unwrap_or_default();
        match candidates.as_slice() {
            [] => Match::Missing(match region {
                Some(r) if r != "global" => {
                    format!("the account has no {what} named \"{name}\" in {r}")
                }
                _ => format!("the account has no {what} named \"{name}\" in the regions read"),
            }),
            [(i, _)] => Match::Found(*i),
            many => Match::Unknown(Unresolved {
                expression: String::new(),
                why: format!(
                    "its region is not known offline and the account has a {what} named \"{name}\" in {}",
                    many.iter().map(|(_, r)| *r).collect::<Vec<_>>().join(", ")
                ),
                hint: Some("pass --region with the one the code is applied to, or --state".into()),
                partial: None,
            }),
        }
    }
}

/// The name a declared item is known by, or why it cannot be joined by name.
pub fn declared_name<'d>(
    meta: &Meta,
    name: &'d Setting<String>,
    argument: &str,
) -> Result<&'d str, Unresolved> {
    if let Some(what) = &meta.repeated {
        return Err(Unresolved {
            expression: meta.address.clone(),
            why: format!("which instances it creates is not known offline ({what})"),
            hint: Some(STATE_HINT.into()),
            partial: None,
        });
    }
    match &name.value {
        Field::Known(n) => Ok(n),
        Field::Unknown(u) => Err(Unresolved {
            hint: Some(STATE_HINT.into()),
            ..u.clone()
        }),
        Field::Unset => Err(Unresolved {
            expression: argument.into(),
            why: format!(
                "`{argument}` is not set, so AWS or Terraform generates the name at apply"
            ),
            hint: Some(STATE_HINT.into()),
            partial: None,
        }),
        Field::Invalid(why) => Err(Unresolved {
            expression: argument.into(),
            why: why.clone(),
            hint: None,
            partial: None,
        }),
    }
}

/// What joins a declared item whose name is not known offline.
pub const STATE_HINT: &str =
    "pass --state (terraform.tfstate or `terraform show -json`) so drift joins it by address";

/// The live item the state records for `address`, by ARN.
pub fn through_state(
    state: &StateIndex,
    address: &str,
    live: &ByName,
    regions: &Regions,
    what: &str,
) -> Match {
    let Some(recorded) = state.get(address) else {
        return Match::Missing(format!(
            "the state has no {what} `{address}`: not applied yet"
        ));
    };
    match recorded.as_deref() {
        // ARNs name their region fourth (empty for IAM, which is global).
        Some(arn)
            if arn
                .split(':')
                .nth(3)
                .is_some_and(|r| !r.is_empty() && !regions.0.iter().any(|x| x == r)) =>
        {
            Match::OutOfScope
        }
        Some(arn) => match live.by_arn(arn) {
            Some(i) => Match::Found(i),
            None => Match::Missing(format!(
                "the state records {arn}; the account read has no such {what}"
            )),
        },
        None => Match::Unknown(Unresolved {
            expression: address.into(),
            why: "the state records no ARN for it".into(),
            hint: None,
            partial: None,
        }),
    }
}
