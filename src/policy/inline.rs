//! Inline suppressions: a comment on the line above a resource or an attribute,
//!
//! ```hcl
//! # xray-setup:ignore XR001 traced by the Step Functions caller
//! # xray-setup:ignore XR001,XR101 expires=2027-03-31 migrating in Q1
//! resource "aws_lambda_function" "batch" {
//! ```
//!
//! `#`, `//` and one-line `/* */` comments all work; several stacked comments apply to the
//! first line below them that is not a comment.

use super::date::Date;
use crate::model::{FileId, Inventory, Span};
use crate::rules;
use regex::Regex;
use std::sync::LazyLock;

pub const MARKER: &str = "xray-setup:ignore";

#[derive(Debug, Clone, PartialEq)]
pub struct Inline {
    pub file: FileId,
    /// The comment.
    pub span: Span,
    /// 1-based line the suppression applies to.
    pub target_line: usize,
    pub rules: Vec<&'static str>,
    /// Words in the rule position that name no rule.
    pub unknown: Vec<String>,
    pub reason: Option<String>,
    pub expires: Option<Date>,
    /// `expires=` given but not a date.
    pub bad_expiry: Option<String>,
}

static COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:#|//|/\*)[ \t]*xray-setup:ignore\b[ \t]*(.*?)[ \t]*(?:\*/)?[ \t]*\r?$")
        .expect("a valid pattern")
});

static ANY_COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]*(?:#|//|/\*)").expect("a valid pattern"));

/// Every inline suppression in the inventory's HCL files.
pub fn scan(inventory: &Inventory) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, file) in inventory.files.iter().enumerate() {
        if !file.text.contains(MARKER) || file.display.ends_with(".json") {
            continue;
        }
        let lines: Vec<(usize, &str)> = file
            .text
            .split_inclusive('\n')
            .scan(0usize, |offset, line| {
                let start = *offset;
                *offset += line.len();
                Some((start, line))
            })
            .collect();
        for (n, (start, line)) in lines.iter().enumerate() {
            let Some(caps) = COMMENT.captures(line.trim_end_matches('\n')) else {
                continue;
            };
            let target = lines[n + 1..]
                .iter()
                .position(|(_, l)| !ANY_COMMENT.is_match(l))
                .map_or(lines.len() + 1, |k| n + 1 + k + 1);
            let mut s = parse(caps.get(1).map_or("", |m| m.as_str()));
            s.file = FileId(i as u32);
            s.span = Span::new(*start..start + line.trim_end().len());
            s.target_line = target;
            out.push(s);
        }
    }
    out
}

/// `XR001[,XR002] [expires=YYYY-MM-DD] reason…`
fn parse(rest: &str) -> Inline {
    let mut words = rest.split_whitespace().peekable();
    let mut inline = Inline {
        file: FileId(0),
        span: Span::default(),
        target_line: 0,
        rules: Vec::new(),
        unknown: Vec::new(),
        reason: None,
        expires: None,
        bad_expiry: None,
    };
    if let Some(first) = words.next() {
        for code in first.split(',').filter(|c| !c.is_empty()) {
            match rules::find(code) {
                Some(rule) => inline.rules.push(rule.code),
                None => inline.unknown.push(code.to_string()),
            }
        }
    }
    if let Some(date) = words.peek().and_then(|w| w.strip_prefix("expires=")) {
        match Date::parse(date) {
            Some(d) => inline.expires = Some(d),
            None => inline.bad_expiry = Some(date.to_string()),
        }
        words.next();
    }
    let reason = words.collect::<Vec<_>>().join(" ");
    inline.reason = (!reason.is_empty()).then_some(reason);
    inline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceFile;

    fn scan_text(text: &str) -> Vec<Inline> {
        let mut inventory = Inventory::default();
        inventory.add_file(SourceFile::new(
            "main.tf".into(),
            "main.tf".into(),
            text.into(),
        ));
        scan(&inventory)
    }

    #[test]
    fn comments_name_rules_expiry_reason_and_the_line_below() {
        let found = scan_text(
            "# xray-setup:ignore XR001,lambda-tracing-not-active expires=2027-03-31 batch only\n// xray-setup:ignore XR101\nresource \"aws_lambda_function\" \"f\" {\n  /* xray-setup:ignore XR042 */\n  role = \"x\"\n}\n",
        );
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].rules, ["XR001", "XR001"]);
        assert_eq!(found[0].expires, Date::new(2027, 3, 31));
        assert_eq!(found[0].reason.as_deref(), Some("batch only"));
        assert_eq!(
            found[0].target_line, 3,
            "stacked comments reach the resource"
        );
        assert_eq!(found[1].rules, ["XR101"]);
        assert_eq!(found[1].reason, None);
        assert_eq!(found[2].unknown, ["XR042"]);
        assert_eq!(found[2].target_line, 5);
    }

    #[test]
    fn a_bad_expiry_is_kept_for_the_note() {
        let found = scan_text("# xray-setup:ignore XR001 expires=soon because\nlocals {}\n");
        assert_eq!(found[0].bad_expiry.as_deref(), Some("soon"));
        assert_eq!(found[0].reason.as_deref(), Some("because"));
    }
}
