//! `--format sarif`: SARIF 2.1.0 for code-scanning uploads. The driver lists every rule
//! with its documentation and `helpUri`; each result has its physical location (or a
//! logical one, for an account), related locations, a fingerprint that survives line
//! moves, the fix as `artifactChanges` replacements, and, for suppressed results listed
//! with `--show-suppressed`, its suppression. Results are written one by one.
//! (OASIS SARIF 2.1.0, errata 01.)

use super::{FixView, Position, Report, Reporter, fix_view, position};
use crate::finding::{Finding, Severity};
use crate::model::Origin;
use crate::policy::Suppressed;
use crate::rules::RULES;
use serde_json::{Value, json};
use std::io::{self, Write};

pub struct Sarif;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where each rule's documentation is published: `docs/rules/XR001.md` in the repository.
pub fn help_uri(code: &str) -> String {
    format!(
        "{}/blob/main/docs/rules/{code}.md",
        env!("CARGO_PKG_REPOSITORY")
    )
}

/// SARIF's `level` values have our severities' names.
fn level(s: Severity) -> &'static str {
    s.as_str()
}

fn driver() -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.doc, "markdown": r.doc },
                "helpUri": help_uri(r.code),
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": ["aws", "x-ray", "terraform"] },
            })
        })
        .collect();
    json!({
        "name": "xray-setup",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": env!("CARGO_PKG_REPOSITORY"),
        "rules": rules,
    })
}

/// A file path as a relative URI reference: `/` separators, unsafe bytes escaped.
fn uri(path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const UNSAFE: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b']')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    utf8_percent_encode(&path.replace('\\', "/"), UNSAFE).to_string()
}

fn region(p: &Position) -> Value {
    json!({
        "startLine": p.line,
        "startColumn": p.column,
        "endLine": p.end_line,
        "endColumn": p.end_column,
    })
}

fn physical(p: &Position) -> Value {
    json!({
        "artifactLocation": { "uri": uri(p.file) },
        "region": region(p),
    })
}

/// FNV-1a over rule, root and resource: the same finding keeps it when lines move.
fn fingerprint(f: &Finding) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [f.rule, "\0", &f.root, "\0", &f.resource] {
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn fixes(v: FixView) -> Value {
    let mut by_file: Vec<(&str, Vec<Value>)> = Vec::new();
    for (p, text) in &v.edits {
        let replacement = json!({
            "deletedRegion": region(p),
            "insertedContent": { "text": text },
        });
        match by_file.iter_mut().find(|(f, _)| *f == p.file) {
            Some((_, list)) => list.push(replacement),
            None => by_file.push((p.file, vec![replacement])),
        }
    }
    let description = match &v.needs_review {
        Some(why) => format!("{} (needs review: {why})", v.description),
        None => v.description.clone(),
    };
    json!([{
        "description": { "text": description },
        "artifactChanges": by_file
            .into_iter()
            .map(|(file, replacements)| json!({
                "artifactLocation": { "uri": uri(file) },
                "replacements": replacements,
            }))
            .collect::<Vec<_>>(),
    }])
}

fn result(report: &Report, f: &Finding, suppressed: Option<&Suppressed>) -> Value {
    let inventory = report.inventory;
    let index = RULES.iter().position(|r| r.code == f.rule);
    let mut location = serde_json::Map::new();
    match &f.origin {
        Some(Origin::Account { arn, .. }) => {
            location.insert(
                "logicalLocations".into(),
                json!([{ "fullyQualifiedName": arn, "kind": "resource" }]),
            );
        }
        origin => {
            if let Some(p) = position(inventory, origin.as_ref()) {
                location.insert("physicalLocation".into(), physical(&p));
            }
            if !f.resource.is_empty() {
                location.insert(
                    "logicalLocations".into(),
                    json!([{ "fullyQualifiedName": f.resource, "kind": "resource" }]),
                );
            }
        }
    }
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.message },
        "partialFingerprints": { "xraySetupFinding/v1": fingerprint(f) },
        "properties": { "root": f.root },
    });
    if let Some(i) = index {
        r["ruleIndex"] = json!(i);
    }
    // Only what is known: a property bag has no schema to keep nulls for.
    if let Some(account) = &f.account {
        r["properties"]["account"] = json!(account);
        if let Some(name) = super::account_name(inventory, account) {
            r["properties"]["accountName"] = json!(name);
        }
    }
    if let Some(region) = &f.region {
        r["properties"]["region"] = json!(region);
    }
    if !location.is_empty() {
        r["locations"] = json!([Value::Object(location)]);
    }
    let related: Vec<Value> = f
        .related
        .iter()
        .filter_map(|rel| {
            let p = position(inventory, rel.origin.as_ref())?;
            Some((p, &rel.message))
        })
        .enumerate()
        .map(|(i, (p, message))| {
            json!({ "id": i + 1, "message": { "text": message }, "physicalLocation": physical(&p) })
        })
        .collect();
    if !related.is_empty() {
        r["relatedLocations"] = json!(related);
    }
    if let Some(v) = fix_view(inventory, f) {
        r["fixes"] = fixes(v);
    }
    if let Some(s) = suppressed {
        let mut suppression = json!({
            "kind": if s.inline { "inSource" } else { "external" },
            "status": "accepted",
            "location": { "message": { "text": format!("suppressed by {}", s.by) } },
        });
        if let Some(reason) = &s.reason {
            suppression["justification"] = json!(reason);
        }
        r["suppressions"] = json!([suppression]);
    }
    r
}

impl Reporter for Sarif {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{{\"$schema\":{},\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":",
            json!(SCHEMA)
        )?;
        serde_json::to_writer(&mut *out, &driver())?;
        write!(out, "}},\"columnKind\":\"unicodeCodePoints\",\"results\":[")?;
        let results = report.findings.iter().map(|f| (f, None)).chain(
            report
                .shown_suppressed()
                .iter()
                .map(|s| (&s.finding, Some(s))),
        );
        for (i, (f, s)) in results.enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, &result(report, f, s))?;
        }
        writeln!(out, "]}}]}}")
    }
}
