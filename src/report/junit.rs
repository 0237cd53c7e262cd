//! `--format junit`: JUnit XML for CI test tabs. A testsuite per root; each finding is a
//! failing testcase (its severity as the failure type); a root without findings passes one
//! testcase; suppressed findings listed with `--show-suppressed` are skipped testcases.

use super::{Report, Reporter, position, related_lines};
use crate::finding::Finding;
use crate::model::{Inventory, Origin};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub struct Junit;

/// Text safe inside XML 1.0 attributes and elements: markup escaped, and the control
/// characters XML 1.0 forbids dropped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Every root the audit read, so roots without findings appear as passing suites.
fn roots(inventory: &Inventory) -> Vec<&str> {
    let metas = inventory
        .functions
        .iter()
        .map(|x| &x.meta)
        .chain(inventory.rest_stages.iter().map(|x| &x.meta))
        .chain(inventory.http_stages.iter().map(|x| &x.meta))
        .chain(inventory.roles.iter().map(|x| &x.meta))
        .chain(inventory.sampling_rules.iter().map(|x| &x.meta))
        .chain(inventory.unaudited.iter().map(|x| &x.meta));
    metas.map(|m| m.root.as_str()).collect()
}

fn place(report: &Report, f: &Finding) -> (String, Option<(String, usize)>) {
    match position(report.inventory, f.origin.as_ref()) {
        Some(p) => (
            format!("{}:{}:{}", p.file, p.line, p.column),
            Some((p.file.to_string(), p.line)),
        ),
        None => match &f.origin {
            Some(Origin::Account { arn, region }) => (format!("{arn} ({region})"), None),
            _ => (f.resource.clone(), None),
        },
    }
}

fn testcase(
    out: &mut dyn Write,
    report: &Report,
    f: &Finding,
    suppressed: Option<&crate::policy::Suppressed>,
) -> io::Result<()> {
    let (where_, file) = place(report, f);
    let subject = if f.resource.is_empty() {
        where_.clone()
    } else {
        f.resource.clone()
    };
    write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\"",
        xml(&format!("{} {} {subject}", f.rule, f.name)),
        xml(&format!("xray-setup.{}", f.root))
    )?;
    if let Some((file, line)) = file {
        write!(out, " file=\"{}\" line=\"{line}\"", xml(&file))?;
    }
    writeln!(out, ">")?;
    match suppressed {
        Some(s) => writeln!(
            out,
            "      <skipped message=\"{}\"/>",
            xml(&format!(
                "suppressed by {}: {}",
                s.by,
                s.reason.as_deref().unwrap_or("no reason given")
            ))
        )?,
        None => {
            let mut body = format!("{where_}: {}", f.message);
            for related in related_lines(report.inventory, f) {
                body.push_str(&format!("\n  related: {related}"));
            }
            writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml(&f.message),
                f.severity.as_str(),
                xml(&body)
            )?;
        }
    }
    writeln!(out, "    </testcase>")
}

impl Reporter for Junit {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        // root -> (findings, suppressed)
        let mut suites: BTreeMap<&str, (Vec<&Finding>, Vec<&crate::policy::Suppressed>)> =
            BTreeMap::new();
        for root in roots(report.inventory) {
            suites.entry(root).or_default();
        }
        for f in report.findings {
            suites.entry(f.root.as_str()).or_default().0.push(f);
        }
        for s in report.shown_suppressed() {
            suites.entry(s.finding.root.as_str()).or_default().1.push(s);
        }
        if suites.is_empty() {
            suites.entry(".").or_default();
        }
        let failures = report.findings.len();
        let skipped = report.shown_suppressed().len();
        let passing = suites
            .values()
            .filter(|(f, s)| f.is_empty() && s.is_empty())
            .count();
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            out,
            "<testsuites name=\"xray-setup\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
            failures + skipped + passing
        )?;
        for (root, (findings, suppressed)) in &suites {
            let tests = (findings.len() + suppressed.len()).max(1);
            writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
                xml(root),
                findings.len(),
                suppressed.len()
            )?;
            for f in findings {
                testcase(out, report, f, None)?;
            }
            for s in suppressed {
                testcase(out, report, &s.finding, Some(s))?;
            }
            if findings.is_empty() && suppressed.is_empty() {
                writeln!(
                    out,
                    "    <testcase name=\"X-Ray tracing audit\" classname=\"{}\"/>",
                    xml(&format!("xray-setup.{root}"))
                )?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}
