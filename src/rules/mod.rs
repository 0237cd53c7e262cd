//! The rules: one file each, listed in one registry.
//!
//! A rule reads only the Inventory. Its documentation (what it finds, why it matters, an
//! example, the fix, and the source of the facts it rests on) is printed by
//! `xray-setup rules CODE`.

mod describe;
mod parse_error;
mod upstream;
mod xr000;
mod xr001;
mod xr001_versions;
mod xr002;
mod xr003;
mod xr004;
mod xr005;
mod xr006;
mod xr007;
mod xr010;
mod xr101;
mod xr102;
mod xr103;
mod xr104;
mod xr201;
mod xr202;
mod xr203;
mod xr301;
mod xr302;
mod xr303;
mod xr304;
mod xr900;
mod xr997;
mod xr998;

use crate::finding::{Finding, Severity};
use crate::iam;
use crate::model::{Inventory, Meta, Origin};
use std::sync::OnceLock;

pub use xr000::{unknown_setting, unresolved};
/// Parts of an account that could not be read.
pub use xr010::RULE as UNREAD;
pub use xr900::RULE as SUPPRESSION_RULE;
/// The rules `drift` reports.
pub use {
    xr301::RULE as TRACING_DRIFT, xr302::RULE as UNMANAGED, xr303::RULE as NOT_IN_ACCOUNT,
    xr304::RULE as APPLY_REVERTS,
};

pub struct Rule {
    pub code: &'static str,
    /// Kebab-case name of the bad pattern.
    pub name: &'static str,
    pub severity: Severity,
    /// One line for the rules table.
    pub summary: &'static str,
    /// Markdown documentation.
    pub doc: &'static str,
    pub check: fn(&Context, &mut Vec<Finding>),
}

impl Rule {
    /// A finding of this rule on the resource `meta` describes, pointing at `at` when
    /// given and at the resource otherwise.
    pub fn finding(&self, meta: &Meta, at: Option<&Origin>, message: String) -> Finding {
        let message = match &meta.repeated {
            // A representative instance stands for every instance the block creates.
            Some(what) => format!(
                "{message} (this holds for each instance `{}` creates; how many is not known offline: {what})",
                meta.address
            ),
            None => message,
        };
        Finding {
            rule: self.code,
            name: self.name,
            severity: self.severity,
            message,
            resource: meta.address.clone(),
            root: meta.root.clone(),
            account: meta.account.clone(),
            region: meta.region.as_ref().and_then(|r| r.name.known().cloned()),
            origin: at.or(meta.origin.as_ref()).cloned(),
            header: meta.origin.clone(),
            related: Vec::new(),
            remedy: None,
            drift: None,
        }
    }
}

/// Settings of an audit that rules read.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The traffic XR202 prices a trace-everything rule at.
    pub requests_per_second: f64,
    /// How XR001 judges PassThrough.
    pub lambda_mode: LambdaMode,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            requests_per_second: 100.0,
            lambda_mode: LambdaMode::Active,
        }
    }
}

/// How XR001 judges a function that is not Active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LambdaMode {
    /// Every function Active.
    #[default]
    Active,
    /// PassThrough accepted where every invoker is a REST stage with tracing on.
    UpstreamTraced,
}

/// What rules read: the Inventory, the audit's options, and analyses shared between rules.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub options: &'a Options,
    iam: OnceLock<iam::Graph<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(inventory: &'a Inventory, options: &'a Options) -> Context<'a> {
        Context {
            inventory,
            options,
            iam: OnceLock::new(),
        }
    }

    /// Every role with what reaches it and the functions using it, built once.
    pub fn iam(&self) -> &iam::Graph<'a> {
        self.iam.get_or_init(|| iam::Graph::build(self.inventory))
    }
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &xr000::RULE,
    &xr001::RULE,
    &xr002::RULE,
    &xr003::RULE,
    &xr004::RULE,
    &xr005::RULE,
    &xr006::RULE,
    &xr007::RULE,
    &xr010::RULE,
    &xr101::RULE,
    &xr102::RULE,
    &xr103::RULE,
    &xr104::RULE,
    &xr201::RULE,
    &xr202::RULE,
    &xr203::RULE,
    &xr301::RULE,
    &xr302::RULE,
    &xr303::RULE,
    &xr304::RULE,
    &xr900::RULE,
    &xr997::RULE,
    &xr998::RULE,
    &parse_error::RULE,
];

/// A rule by code (`XR001`, any case) or name (`lambda-tracing-not-active`).
pub fn find(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// Runs every rule over the inventory; findings come back in file order.
pub fn check(inventory: &Inventory, options: &Options) -> Vec<Finding> {
    let cx = Context::new(inventory, options);
    let mut findings = Vec::new();
    for rule in RULES {
        (rule.check)(&cx, &mut findings);
    }
    sort(&mut findings, inventory);
    findings
}

/// Orders findings by root, file, position, then rule.
pub fn sort(findings: &mut [Finding], inventory: &Inventory) {
    let key = |f: &Finding| {
        let (file, at) = match &f.origin {
            Some(Origin::File { file, span }) => (
                inventory
                    .files
                    .get(file.0 as usize)
                    .map_or("", |s| s.display.as_str()),
                span.start,
            ),
            _ => ("", 0),
        };
        (
            f.root.clone(),
            file.to_string(),
            at,
            f.rule,
            f.resource.clone(),
        )
    };
    findings.sort_by_cached_key(key);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = RULES.iter().map(|r| r.code).collect();
        let names: HashSet<_> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn every_rule_documents_why_and_source() {
        for r in RULES {
            assert!(r.doc.contains("## Why"), "{} has no Why section", r.code);
            assert!(
                r.doc.contains("## Source"),
                "{} has no Source section",
                r.code
            );
            assert!(!r.summary.is_empty());
        }
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find("xr001").unwrap().name, "lambda-tracing-not-active");
        assert_eq!(find("rest-stage-tracing-disabled").unwrap().code, "XR003");
        assert!(find("XR404").is_none());
    }
}
