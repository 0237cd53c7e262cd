//! `--format markdown`: a summary table and the findings, for `$GITHUB_STEP_SUMMARY` and
//! pull-request comments. Long reports are cut at `MAX_ROWS` findings, with a count of
//! the rest, to stay within what those surfaces show.

use super::{Report, Reporter, position};
use crate::finding::{Finding, Severity};
use crate::model::Origin;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub struct Markdown;

const MAX_ROWS: usize = 200;

/// Text safe in a table cell: pipes escaped, lines joined.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

fn place(report: &Report, f: &Finding) -> String {
    match position(report.inventory, f.origin.as_ref()) {
        Some(p) => format!("`{}:{}`", p.file, p.line),
        None => match &f.origin {
            Some(Origin::Account { region, .. }) => region.clone(),
            _ => format!("`{}`", f.root),
        },
    }
}

impl Reporter for Markdown {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let s = report.summary();
        writeln!(out, "## xray-setup: X-Ray tracing audit\n")?;
        writeln!(
            out,
            "| Errors | Warnings | Notes | Suppressed | In the baseline | Resources | Files |"
        )?;
        writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|")?;
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            s.error, s.warning, s.note, s.suppressed, s.baselined, s.resources, s.files
        )?;
        if report.findings.is_empty() {
            writeln!(out, "No findings.")?;
        } else {
            let mut by_rule: BTreeMap<(&str, &str), (Severity, usize)> = BTreeMap::new();
            for f in report.findings {
                by_rule.entry((f.rule, f.name)).or_insert((f.severity, 0)).1 += 1;
            }
            writeln!(out, "| Rule | Severity | Findings |")?;
            writeln!(out, "|---|---|---:|")?;
            for ((code, name), (severity, n)) in &by_rule {
                writeln!(out, "| `{code}` {name} | {} | {n} |", severity.as_str())?;
            }
            writeln!(out, "\n### Findings\n")?;
            writeln!(out, "| Severity | Rule | Resource | Where | Message |")?;
            writeln!(out, "|---|---|---|---|---|")?;
            for f in report.findings.iter().take(MAX_ROWS) {
                writeln!(
                    out,
                    "| {} | `{}` | {} | {} | {} |",
                    f.severity.as_str(),
                    f.rule,
                    if f.resource.is_empty() {
                        String::new()
                    } else {
                        format!("`{}`", cell(&f.resource))
                    },
                    place(report, f),
                    cell(&f.message)
                )?;
            }
            if report.findings.len() > MAX_ROWS {
                writeln!(
                    out,
                    "\n…and {} more: run `xray-setup audit` for the full report.",
                    report.findings.len() - MAX_ROWS
                )?;
            }
        }
        let shown = report.shown_suppressed();
        if !shown.is_empty() {
            writeln!(out, "\n### Suppressed\n")?;
            writeln!(out, "| Rule | Resource | Where | Suppressed by | Reason |")?;
            writeln!(out, "|---|---|---|---|---|")?;
            for sup in shown.iter().take(MAX_ROWS) {
                let f = &sup.finding;
                writeln!(
                    out,
                    "| `{}` | `{}` | {} | `{}` | {} |",
                    f.rule,
                    cell(&f.resource),
                    place(report, f),
                    sup.by,
                    cell(sup.reason.as_deref().unwrap_or("(no reason given)"))
                )?;
            }
        }
        Ok(())
    }
}
