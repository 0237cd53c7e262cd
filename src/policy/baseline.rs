//! Baselines: the findings a tree has today, recorded so a team can adopt the audit and
//! see only what is new. A finding is known by its rule, root and resource, never by line
//! numbers, so edits elsewhere in a file do not bring it back; each key keeps a count, so a
//! second finding of the same kind on the same resource is new.

use crate::finding::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FORMAT: &str = "xray-setup baseline";
const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    counts: BTreeMap<(String, String, String), usize>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    root: String,
    resource: String,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    count: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline {path}: {why}")]
    Read { path: PathBuf, why: String },
    #[error("{path}:{line}:{column}: not an xray-setup baseline: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

fn key(f: &Finding) -> (String, String, String) {
    (f.rule.to_string(), f.root.clone(), f.resource.clone())
}

impl Baseline {
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut b = Baseline::default();
        for f in findings {
            *b.counts.entry(key(f)).or_default() += 1;
        }
        b
    }

    /// The file's text: entries sorted, one per key, so it diffs well.
    pub fn to_json(&self) -> String {
        let file = File {
            format: FORMAT.into(),
            version: VERSION,
            findings: self
                .counts
                .iter()
                .map(|((rule, root, resource), count)| Entry {
                    rule: rule.clone(),
                    root: root.clone(),
                    resource: resource.clone(),
                    count: *count,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).expect("a baseline serializes");
        text.push('\n');
        text
    }

    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let bytes = crate::files::read(path).map_err(|why| BaselineError::Read {
            path: path.to_path_buf(),
            why,
        })?;
        let invalid = |line, column, message: String| BaselineError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        };
        let text = crate::files::utf8(bytes)
            .map_err(|at| invalid(at.line, at.column, "not valid UTF-8".into()))?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            // serde_json ends its message with the place, said here before it.
            let message = e.to_string();
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            invalid(e.line(), e.column(), message)
        })?;
        if file.format != FORMAT || file.version != VERSION {
            return Err(invalid(
                1,
                1,
                format!(
                    "format {:?} version {} (this xray-setup reads {FORMAT:?} version {VERSION})",
                    file.format, file.version
                ),
            ));
        }
        let mut b = Baseline::default();
        for e in file.findings {
            *b.counts.entry((e.rule, e.root, e.resource)).or_default() += e.count;
        }
        Ok(b)
    }

    /// Whether the baseline holds this finding; each recorded one is used once.
    pub fn take(&mut self, f: &Finding) -> bool {
        match self.counts.get_mut(&key(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}
