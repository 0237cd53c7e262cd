//! Where a thing was found: a byte range in a source file, or an ARN in an account.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(range: std::ops::Range<usize>) -> Span {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: clamp(range.start),
            end: clamp(range.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Index of a file in `Inventory::files`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where to read it.
    pub path: PathBuf,
    /// As reports show it: relative to the PATH given.
    pub display: String,
    /// The text as read, for code frames and edits. Empty when it could not be read.
    pub text: Arc<str>,
    /// Offsets where lines start, built on first use.
    line_starts: OnceLock<Vec<usize>>,
    /// For a file that exists only when a tool writes it (a Terragrunt `generate`
    /// block): the block that writes it, where edits belong instead.
    pub generated_by: Option<String>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: Arc<str>) -> SourceFile {
        SourceFile {
            path,
            display,
            text,
            line_starts: OnceLock::new(),
            generated_by: None,
        }
    }

    /// 1-based line and column (in characters) of a byte offset, in O(log lines).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File { file: FileId, span: Span },
    Account { arn: String, region: String },
}

impl Origin {
    pub fn file(file: FileId, span: Span) -> Origin {
        Origin::File { file, span }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab\ncd", 99), (2, 3));
        assert_eq!(line_col("é\nx", 1), (1, 1));
    }

    #[test]
    fn indexed_lookup_agrees_with_the_scan() {
        let text = "a\nbé\n\ncd\n";
        let f = SourceFile::new(PathBuf::new(), String::new(), Arc::from(text));
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                f.line_col(offset),
                line_col(text, offset),
                "offset {offset}"
            );
        }
    }
}
