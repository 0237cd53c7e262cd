//! `--format text`: one block per finding with a short code frame, then a summary line.

use super::{Report, Reporter, position, related_lines};
use crate::finding::Severity;
use crate::model::Origin;
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use std::io::{self, Write};

pub struct Text {
    pub color: bool,
}

/// Lines of source shown around a finding at most.
const FRAME_LINES: usize = 3;

impl Reporter for Text {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let renderer = if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        // Findings from accounts are grouped by account (when there are several), then
        // region, then service.
        let many = report.inventory.accounts.len() > 1;
        let mut order: Vec<&crate::finding::Finding> = report.findings.iter().collect();
        order.sort_by_key(|f| (many.then(|| f.account.clone()), group(f)));
        let mut current = None;
        for f in order {
            let g = group(f).map(|g| (many.then(|| f.account.clone()).flatten(), g));
            if g.is_some() && g != current {
                let (account, (region, service)) = g.clone().unwrap_or_default();
                let account = match account {
                    Some(id) => match super::account_name(report.inventory, &id) {
                        Some(name) => format!("{id} ({name}) · "),
                        None => format!("{id} · "),
                    },
                    None => String::new(),
                };
                writeln!(out, "── {account}{region} · {service} ──\n")?;
                current = g;
            }
            let level = match f.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
                Severity::Note => Level::NOTE,
            };
            let title = level.primary_title(f.message.as_str()).id(f.rule);
            let rendered = match frame(report, f.origin.as_ref()) {
                Some((source, line_start, path, range)) => renderer.render(&[title.element(
                    Snippet::source(source)
                        .line_start(line_start)
                        .path(path)
                        .annotation(AnnotationKind::Primary.span(range).label(f.name)),
                )]),
                None => {
                    let place = match &f.origin {
                        Some(Origin::Account { arn, region }) => format!("{arn} ({region})"),
                        _ if f.resource.is_empty() => f.root.clone(),
                        _ => format!("{} ({})", f.resource, f.root),
                    };
                    format!(
                        "{}\n  --> {place}",
                        renderer.render(&[annotate_snippets::Group::with_title(title)])
                    )
                }
            };
            writeln!(out, "{rendered}")?;
            for related in related_lines(report.inventory, f) {
                writeln!(out, "   = related: {related}")?;
            }
            writeln!(out)?;
        }
        let shown = report.shown_suppressed();
        if !shown.is_empty() {
            writeln!(out, "Suppressed ({}):", shown.len())?;
            for sup in shown {
                let f = &sup.finding;
                let place = match position(report.inventory, f.origin.as_ref()) {
                    Some(p) => format!("{}:{}:{}", p.file, p.line, p.column),
                    None => f.resource.clone(),
                };
                writeln!(
                    out,
                    "  {} {place}: {}\n    suppressed by {}: {}",
                    f.rule,
                    f.message,
                    sup.by,
                    sup.reason.as_deref().unwrap_or("(no reason given)")
                )?;
            }
            writeln!(out)?;
        }
        if many {
            accounts_table(report, out)?;
        }
        let s = report.summary();
        let total = s.error + s.warning + s.note;
        let mut hidden = Vec::new();
        if s.suppressed > 0 {
            hidden.push(format!("{} suppressed", s.suppressed));
        }
        if s.baselined > 0 {
            hidden.push(format!("{} in the baseline", s.baselined));
        }
        let hidden = if hidden.is_empty() {
            String::new()
        } else {
            format!("; {} not shown", hidden.join(", "))
        };
        let files = if s.files == 0 && report.findings.iter().any(|f| group(f).is_some()) {
            ",".to_string()
        } else {
            format!(" in {} file{},", s.files, plural(s.files))
        };
        writeln!(
            out,
            "{} finding{} ({} error{}, {} warning{}, {} note{}){files} {} resource{} audited{hidden}",
            total,
            plural(total),
            s.error,
            plural(s.error),
            s.warning,
            plural(s.warning),
            s.note,
            plural(s.note),
            s.resources,
            plural(s.resources),
        )
    }
}

/// (region, service) of a finding about an account; `None` for files.
fn group(f: &crate::finding::Finding) -> Option<(String, String)> {
    let Some(Origin::Account { arn, region }) = &f.origin else {
        return None;
    };
    // An ARN names its service; an unread part is named by its operation.
    let service = arn
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').nth(1))
        .unwrap_or_else(|| arn.split(':').next().unwrap_or(""));
    let service = match service {
        "lambda" => "Lambda",
        "iam" => "IAM",
        "apigateway" => "API Gateway",
        "xray" => "X-Ray",
        "states" => "Step Functions",
        "appsync" => "AppSync",
        other => other,
    };
    Some((region.clone(), service.to_string()))
}

/// One line per account: what was read and found, and whether the audit of it is
/// complete.
fn accounts_table(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rows = report.accounts();
    let name_width = rows
        .iter()
        .map(|r| r.name.map_or(0, |n| n.chars().count()))
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "{:<12}  {:<name_width$}  {:>7}  {:>9}  {:>6}  {:>8}  {:>5}  read",
        "account", "name", "regions", "functions", "errors", "warnings", "notes"
    )?;
    for r in &rows {
        let read = if r.unread == 0 {
            "complete".to_string()
        } else {
            format!("{} part{} unread (XR010)", r.unread, plural(r.unread))
        };
        writeln!(
            out,
            "{:<12}  {:<name_width$}  {:>7}  {:>9}  {:>6}  {:>8}  {:>5}  {read}",
            r.account,
            r.name.unwrap_or("-"),
            r.regions.len(),
            r.functions,
            r.error,
            r.warning,
            r.note,
        )?;
    }
    writeln!(out)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The lines around an origin: (source lines, first line number, path, byte range within
/// those lines). At most `FRAME_LINES` lines, starting at the span's first line.
fn frame<'a>(
    report: &'a Report,
    origin: Option<&Origin>,
) -> Option<(&'a str, usize, &'a str, std::ops::Range<usize>)> {
    let Some(Origin::File { file, span }) = origin else {
        return None;
    };
    let f = report.inventory.files.get(file.0 as usize)?;
    let text: &str = &f.text;
    let start = (span.start as usize).min(text.len());
    let line_begin = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let mut line_end = line_begin;
    for _ in 0..FRAME_LINES {
        match text[line_end..].find('\n') {
            Some(i) => line_end += i + 1,
            None => {
                line_end = text.len();
                break;
            }
        }
        if line_end > span.end as usize {
            break;
        }
    }
    let source = text[line_begin..line_end].trim_end_matches('\n');
    let end = (span.end as usize).clamp(start, line_begin + source.len());
    let (line, _) = f.line_col(start);
    Some((
        source,
        line,
        &f.display,
        start - line_begin..end - line_begin,
    ))
}
