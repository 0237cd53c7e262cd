//! The journal: every change `enable` makes, appended to a JSON-lines file before it is
//! made (`pending`) and after (`done` or `failed`), each line flushed to disk before the
//! call it records, so a crash leaves a journal true up to the crash. `--undo` reads it.
//!
//! ```json
//! {"journal":"xray-setup enable","version":1,"started":"2026-11-22T22:10:00Z"}
//! {"seq":1,"time":"…","outcome":"pending","what":"function-tracing","region":"us-east-1","function":"fn","function_arn":"arn:…","before":"PassThrough","after":"Active"}
//! {"seq":1,"time":"…","outcome":"done","what":"function-tracing",…}
//! ```

use super::{State, Target};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

const KIND: &str = "xray-setup enable";
const VERSION: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// About to be made; a journal that ends here was cut off while the call ran.
    Pending,
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Pairs a `pending` line with the `done` or `failed` line that follows it.
    pub seq: u64,
    pub time: String,
    pub outcome: Outcome,
    #[serde(flatten)]
    pub target: Target,
    pub before: State,
    pub after: State,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    journal: String,
    version: u64,
    started: String,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot create the journal {path}: {error}")]
    Create {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot write the journal {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot read the journal {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// An open journal, appended to from many tasks.
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    seq: AtomicU64,
}

impl Journal {
    /// Creates the journal; never replaces a file that exists.
    pub fn create(path: &Path) -> Result<Journal, JournalError> {
        let create = |error| JournalError::Create {
            path: path.to_path_buf(),
            error,
        };
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(create)?;
        let journal = Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            seq: AtomicU64::new(0),
        };
        journal.append(&Header {
            journal: KIND.into(),
            version: VERSION,
            started: now(),
        })?;
        // The file's directory entry, so the journal survives a crash too.
        if let Some(Ok(dir)) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map(File::open)
        {
            let _ = dir.sync_all();
        }
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records a change about to be made; returns its sequence number.
    pub fn pending(
        &self,
        target: &Target,
        before: &State,
        after: &State,
    ) -> Result<u64, JournalError> {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        self.record(seq, Outcome::Pending, target, before, after, None)?;
        Ok(seq)
    }

    /// Records how the change `seq` ended.
    pub fn ended(
        &self,
        seq: u64,
        target: &Target,
        before: &State,
        after: &State,
        error: Option<&str>,
    ) -> Result<(), JournalError> {
        let outcome = if error.is_some() {
            Outcome::Failed
        } else {
            Outcome::Done
        };
        self.record(seq, outcome, target, before, after, error)
    }

    fn record(
        &self,
        seq: u64,
        outcome: Outcome,
        target: &Target,
        before: &State,
        after: &State,
        error: Option<&str>,
    ) -> Result<(), JournalError> {
        self.append(&Entry {
            seq,
            time: now(),
            outcome,
            target: target.clone(),
            before: before.clone(),
            after: after.clone(),
            error: error.map(str::to_string),
        })
    }

    fn append<T: Serialize>(&self, line: &T) -> Result<(), JournalError> {
        let mut text = serde_json::to_string(line).expect("journal lines serialize");
        text.push('\n');
        let mut file = self.file.lock().expect("journal lock");
        file.write_all(text.as_bytes())
            .and_then(|_| file.sync_data())
            .map_err(|error| JournalError::Write {
                path: self.path.clone(),
                error,
            })
    }
}

/// A journal read back: its entries, and lines skipped (a last line cut off mid-write).
#[derive(Debug, Default)]
pub struct Read {
    pub entries: Vec<Entry>,
    pub warnings: Vec<String>,
}

/// Reads a journal. Every line must be a journal line, except a last line without its
/// newline, which a crash can leave half-written and which is skipped with a warning.
pub fn read(path: &Path) -> Result<Read, JournalError> {
    let text = std::fs::read_to_string(path).map_err(|error| JournalError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let invalid = |line: usize, message: String| JournalError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut out = Read::default();
    let mut lines = text.split_inclusive('\n').enumerate().peekable();
    let Some((_, first)) = lines.next() else {
        return Err(invalid(1, "empty: not an xray-setup enable journal".into()));
    };
    match serde_json::from_str::<Header>(first.trim_end()) {
        Ok(h) if h.journal == KIND && h.version == VERSION => {}
        Ok(h) if h.journal == KIND => {
            return Err(invalid(
                1,
                format!(
                    "journal version {} is not one this xray-setup reads ({VERSION})",
                    h.version
                ),
            ));
        }
        _ => return Err(invalid(1, "not an xray-setup enable journal".into())),
    }
    while let Some((i, line)) = lines.next() {
        let last = lines.peek().is_none();
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(line.trim_end()) {
            Ok(e) => out.entries.push(e),
            Err(_) if last && !line.ends_with('\n') => out.warnings.push(format!(
                "{}:{}: skipped a last line cut off mid-write",
                path.display(),
                i + 1
            )),
            Err(e) => return Err(invalid(i + 1, format!("not a journal entry: {e}"))),
        }
    }
    Ok(out)
}

/// Now, as RFC 3339 UTC.
pub fn now() -> String {
    aws_smithy_types::DateTime::from(std::time::SystemTime::now())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// The default journal name for a run starting now: `xray-setup-enable-20261122T221000Z.jsonl`.
pub fn default_name(prefix: &str) -> String {
    let seconds = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
    let stamp = aws_smithy_types::DateTime::from_secs(seconds)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
        .replace(['-', ':'], "");
    format!("{prefix}-{stamp}.jsonl")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target::FunctionTracing {
            region: "us-east-1".into(),
            function: "fn".into(),
            function_arn: "arn:aws:lambda:us-east-1:1:function:fn".into(),
        }
    }

    #[test]
    fn entries_round_trip_and_a_cut_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let j = Journal::create(&path).unwrap();
        let (before, after) = (State::text("PassThrough"), State::text("Active"));
        let seq = j.pending(&target(), &before, &after).unwrap();
        j.ended(seq, &target(), &before, &after, None).unwrap();
        let seq2 = j.pending(&target(), &before, &after).unwrap();
        j.ended(seq2, &target(), &before, &after, Some("boom"))
            .unwrap();
        drop(j);
        let read_back = read(&path).unwrap();
        let outcomes: Vec<_> = read_back
            .entries
            .iter()
            .map(|e| (e.seq, e.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                (1, Outcome::Pending),
                (1, Outcome::Done),
                (2, Outcome::Pending),
                (2, Outcome::Failed)
            ]
        );
        assert_eq!(read_back.entries[3].error.as_deref(), Some("boom"));
        assert!(read_back.warnings.is_empty());

        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(r#"{"seq":3,"time":"x","outc"#);
        std::fs::write(&path, &text).unwrap();
        let cut = read(&path).unwrap();
        assert_eq!(cut.entries.len(), 4);
        assert!(cut.warnings[0].ends_with(":6: skipped a last line cut off mid-write"));
    }

    #[test]
    fn an_existing_file_is_never_replaced_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        std::fs::write(&path, "mine\n").unwrap();
        assert!(matches!(
            Journal::create(&path),
            Err(JournalError::Create { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n");
        let e = read(&path).unwrap_err().to_string();
        assert!(
            e.ends_with("j.jsonl:1: not an xray-setup enable journal"),
            "{e}"
        );
        std::fs::write(
            &path,
            "{\"journal\":\"xray-setup enable\",\"version\":1,\"started\":\"x\"}\n{\"seq\":1}\n{}\n",
        )
        .unwrap();
        let e = read(&path).unwrap_err().to_string();
        assert!(e.contains("j.jsonl:2: not a journal entry"), "{e}");
    }

    #[test]
    fn default_names_carry_a_utc_timestamp() {
        let name = default_name("xray-setup-enable");
        assert!(
            regex::Regex::new(r"^xray-setup-enable-\d{8}T\d{6}Z\.jsonl$")
                .unwrap()
                .is_match(&name),
            "{name}"
        );
    }
}
