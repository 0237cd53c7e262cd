//! Reporters: one file per format, each turning findings into bytes. Line and column
//! are computed here, and only here, from byte ranges.

mod accounts;
mod github;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;

use crate::finding::{Finding, Severity};
use crate::model::{Inventory, Origin};
use crate::policy::Suppressed;
use std::io::{self, Write};

pub use accounts::{AccountSummary, account_name};
pub use github::Github;
pub use json::Json;
pub use junit::Junit;
pub use markdown::Markdown;
pub use sarif::Sarif;
pub use text::Text;

/// What a reporter is given.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub inventory: &'a Inventory,
    /// Files audited (the inventory may also hold the config, for notes about it).
    pub files: usize,
    /// Findings suppressions hid; listed only when `show_suppressed`.
    pub suppressed: &'a [Suppressed],
    pub show_suppressed: bool,
    /// Findings the baseline held.
    pub baselined: usize,
}

impl<'a> Report<'a> {
    /// A report of every finding, nothing suppressed.
    pub fn plain(findings: &'a [Finding], inventory: &'a Inventory) -> Report<'a> {
        Report {
            findings,
            inventory,
            files: inventory.files.len(),
            suppressed: &[],
            show_suppressed: false,
            baselined: 0,
        }
    }

    /// The suppressed findings to list.
    pub fn shown_suppressed(&self) -> &'a [Suppressed] {
        if self.show_suppressed {
            self.suppressed
        } else {
            &[]
        }
    }
}

pub trait Reporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// Counts for a report's closing line; serialised as the JSON report's `summary`, so its
/// field names are part of that contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub resources: usize,
    pub error: usize,
    pub warning: usize,
    pub note: usize,
    pub suppressed: usize,
    pub baselined: usize,
}

impl Report<'_> {
    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files: self.files,
            resources: self.inventory.resource_count(),
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            note: count(Severity::Note),
            suppressed: self.suppressed.len(),
            baselined: self.baselined,
        }
    }
}

/// A finding's place in a file, 1-based; the end is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn position<'a>(inventory: &'a Inventory, origin: Option<&Origin>) -> Option<Position<'a>> {
    let Some(Origin::File { file, span }) = origin else {
        return None;
    };
    let f = inventory.files.get(file.0 as usize)?;
    let (line, column) = f.line_col(span.start as usize);
    let (end_line, end_column) = f.line_col(span.end as usize);
    Some(Position {
        file: &f.display,
        line,
        column,
        end_line,
        end_column,
    })
}

/// A finding's related places that are in files, as `file:line:col: message`.
pub fn related_lines<'a>(
    inventory: &'a Inventory,
    f: &'a Finding,
) -> impl Iterator<Item = String> + 'a {
    f.related.iter().filter_map(move |r| {
        let p = position(inventory, r.origin.as_ref())?;
        Some(format!("{}:{}:{}: {}", p.file, p.line, p.column, r.message))
    })
}

/// A finding's fix, as reporters show it: what it does and its edits with positions.
pub struct FixView<'a> {
    pub description: String,
    pub needs_review: Option<String>,
    pub edits: Vec<(Position<'a>, String)>,
}

/// Renders the finding's remedy as edits, when it can be done automatically.
pub fn fix_view<'a>(inventory: &'a Inventory, f: &Finding) -> Option<FixView<'a>> {
    let fix = crate::fix::render(inventory, f.remedy.as_ref()?).ok()?;
    let edits = fix
        .edits
        .iter()
        .map(|e| {
            let origin = Origin::File {
                file: e.file,
                span: e.span,
            };
            Some((position(inventory, Some(&origin))?, e.text.clone()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(FixView {
        description: fix.description,
        needs_review: match fix.safety {
            crate::fix::Safety::Safe => None,
            crate::fix::Safety::NeedsReview(why) => Some(why),
        },
        edits,
    })
}
