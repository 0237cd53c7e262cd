//! Fixes. Rules attach a [`Remedy`](crate::finding::Remedy) to a finding, in terms of the
//! model; `render` turns it into byte edits of the user's files at the place the value
//! comes from; `apply` shows them as a diff or writes them, safely.

mod apply;
mod render;

use crate::model::{FileId, Span};

pub use apply::{Applied, FileChange, FileProblem, Plan, apply, diff, plan};
pub use render::render;

/// Whether a fix may be applied without a person looking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Safety {
    Safe,
    /// The edited value also feeds something else; why.
    NeedsReview(String),
}

/// A remedy rendered as edits.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub description: String,
    pub safety: Safety,
    pub edits: Vec<Edit>,
}

/// Replace `span` of `file` with `text` (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: FileId,
    pub span: Span,
    pub text: String,
    /// For the insertion of one attribute before a block's closing brace: what it
    /// inserts, so insertions into the same block merge into one aligned group.
    pub attribute: Option<Attribute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attribute {
    pub name: String,
    pub value: String,
    pub indent: String,
    /// Whether a blank line goes before it.
    pub blank_before: bool,
}

impl Attribute {
    /// The lines for attributes inserted together, their `=` aligned as `terraform fmt`
    /// aligns consecutive attributes.
    pub fn render(group: &[&Attribute]) -> String {
        let width = group.iter().map(|a| a.name.len()).max().unwrap_or(0);
        let blank = if group.iter().any(|a| a.blank_before) {
            "\n"
        } else {
            ""
        };
        let lines: String = group
            .iter()
            .map(|a| format!("{}{:<width$} = {}\n", a.indent, a.name, a.value))
            .collect();
        format!("{blank}{lines}")
    }
}
