//! `--format json`: the stable contract, version 1. Later versions may add fields; none
//! may change meaning.
//!
//! Serialised from borrowed structs, finding by finding, so a report of a hundred
//! thousand findings is never held as a JSON tree in memory.

use super::{Report, Reporter, Summary, position};
use crate::finding::Finding;
use crate::model::Inventory;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use std::io::{self, Write};

pub struct Json;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Findings<'a>,
    /// With --show-suppressed: the findings suppressions hid, and by what.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressed: Vec<JsonSuppressed<'a>>,
    summary: Summary,
    /// For an account audit: each account reached or tried, with its counts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    accounts: Vec<super::AccountSummary<'a>>,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    suppressed_by: &'a str,
    reason: Option<&'a str>,
}

struct Findings<'a> {
    findings: &'a [Finding],
    inventory: &'a Inventory,
}

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.findings.len()))?;
        for f in self.findings {
            seq.serialize_element(&JsonFinding::new(f, self.inventory))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    resource: &'a str,
    root: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    account: Option<&'a str>,
    /// The account's name in its Organization, when audited as one of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    account_name: Option<&'a str>,
    region: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
    /// For drift findings: what the code declares and what the account runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    declared: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: String,
    /// Why a person should look first, when the edited value feeds something else.
    needs_review: Option<String>,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// Replaces the range (an insertion when it is empty).
    text: String,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
}

impl<'a> JsonFinding<'a> {
    fn new(f: &'a Finding, inventory: &'a Inventory) -> JsonFinding<'a> {
        let pos = position(inventory, f.origin.as_ref());
        JsonFinding {
            rule: f.rule,
            name: f.name,
            severity: f.severity.as_str(),
            message: &f.message,
            resource: &f.resource,
            root: &f.root,
            file: pos.as_ref().map(|p| p.file),
            line: pos.as_ref().map(|p| p.line),
            column: pos.as_ref().map(|p| p.column),
            end_line: pos.as_ref().map(|p| p.end_line),
            end_column: pos.as_ref().map(|p| p.end_column),
            account: f.account.as_deref(),
            account_name: f
                .account
                .as_deref()
                .and_then(|a| super::account_name(inventory, a)),
            region: f.region.as_deref(),
            declared: f.drift.as_ref().map(|d| d.declared.as_str()),
            actual: f.drift.as_ref().map(|d| d.actual.as_str()),
            related: f
                .related
                .iter()
                .map(|r| {
                    let p = position(inventory, r.origin.as_ref());
                    JsonRelated {
                        message: &r.message,
                        file: p.as_ref().map(|p| p.file),
                        line: p.as_ref().map(|p| p.line),
                        column: p.as_ref().map(|p| p.column),
                    }
                })
                .collect(),
            fix: super::fix_view(inventory, f).map(|v| JsonFix {
                description: v.description,
                needs_review: v.needs_review,
                edits: v
                    .edits
                    .into_iter()
                    .map(|(p, text)| JsonEdit {
                        file: p.file,
                        line: p.line,
                        column: p.column,
                        end_line: p.end_line,
                        end_column: p.end_column,
                        text,
                    })
                    .collect(),
            }),
        }
    }
}

impl Reporter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let doc = Document {
            version: VERSION,
            findings: Findings {
                findings: report.findings,
                inventory: report.inventory,
            },
            suppressed: report
                .shown_suppressed()
                .iter()
                .map(|s| JsonSuppressed {
                    finding: JsonFinding::new(&s.finding, report.inventory),
                    suppressed_by: &s.by,
                    reason: s.reason.as_deref(),
                })
                .collect(),
            summary: report.summary(),
            accounts: report.accounts(),
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
