//! `--format json`: the stable contract, version 1. Later versions may add fields; none
//! may change meaning.

use super::{Report, Reporter, position};
use crate::model::Origin;
use serde_json::{Value, json};
use std::io::{self, Write};

pub struct Json;

pub const VERSION: u32 = 1;

impl Reporter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let findings: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let pos = position(report.inventory, f.origin.as_ref());
                let mut v = json!({
                    "rule": f.rule,
                    "name": f.name,
                    "severity": f.severity.as_str(),
                    "message": f.message,
                    "resource": f.resource,
                    "root": f.root,
                    "file": pos.as_ref().map(|p| p.file),
                    "line": pos.as_ref().map(|p| p.line),
                    "column": pos.as_ref().map(|p| p.column),
                    "end_line": pos.as_ref().map(|p| p.end_line),
                    "end_column": pos.as_ref().map(|p| p.end_column),
                    "related": f.related.iter().map(|r| {
                        let p = position(report.inventory, r.origin.as_ref());
                        json!({
                            "message": r.message,
                            "file": p.as_ref().map(|p| p.file),
                            "line": p.as_ref().map(|p| p.line),
                            "column": p.as_ref().map(|p| p.column),
                        })
                    }).collect::<Vec<_>>(),
                    "fix": Value::Null,
                });
                if let Some(Origin::Account { region, .. }) = &f.origin {
                    v["region"] = json!(region);
                }
                v
            })
            .collect();
        let s = report.summary();
        let doc = json!({
            "version": VERSION,
            "findings": findings,
            "summary": {
                "files": s.files,
                "resources": s.resources,
                "error": s.error,
                "warning": s.warning,
                "note": s.note,
            },
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
