//! Reporters: one file per format, each turning findings into bytes. Line and column
//! are computed here, and only here, from byte ranges.

mod json;
mod text;

use crate::finding::{Finding, Severity};
use crate::model::{Inventory, Origin};
use std::io::{self, Write};

pub use json::Json;
pub use text::Text;

/// What a reporter is given.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub inventory: &'a Inventory,
}

pub trait Reporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub files: usize,
    pub resources: usize,
    pub error: usize,
    pub warning: usize,
    pub note: usize,
}

impl Report<'_> {
    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files: self.inventory.files.len(),
            resources: self.inventory.resource_count(),
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            note: count(Severity::Note),
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
