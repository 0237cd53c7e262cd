//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request's files:
//! `::error file=main.tf,line=3,col=1,endLine=3,endColumn=20,title=XR001 …::message`.
//! Notes become `notice`. (GitHub Docs, "Workflow commands for GitHub Actions".)

use super::{Report, Reporter, position, related_lines};
use crate::finding::Severity;
use crate::model::Origin;
use std::io::{self, Write};

pub struct Github;

/// A command's message: `%`, CR and LF escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for f in report.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut properties = Vec::new();
            if let Some(p) = position(report.inventory, f.origin.as_ref()) {
                properties.push(format!("file={}", property(p.file)));
                properties.push(format!("line={}", p.line));
                properties.push(format!("col={}", p.column));
                properties.push(format!("endLine={}", p.end_line));
                if p.end_line == p.line {
                    properties.push(format!("endColumn={}", p.end_column));
                }
            }
            properties.push(format!(
                "title={}",
                property(&format!("{} {}", f.rule, f.name))
            ));
            let mut message = match &f.origin {
                Some(Origin::Account { arn, region }) => format!("{arn} ({region}): {}", f.message),
                _ => f.message.clone(),
            };
            for related in related_lines(report.inventory, f) {
                message.push_str(&format!("\nrelated: {related}"));
            }
            writeln!(
                out,
                "::{command} {}::{}",
                properties.join(","),
                data(&message)
            )?;
        }
        Ok(())
    }
}
