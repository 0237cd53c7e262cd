//! The journal: every change `enable` makes, appended to a JSON-lines file before it is
//! made (`pending`) and after (`done`, `failed`, or `left-alone` when someone else changed
//! the target while it was being changed, so it was not), each line flushed to disk
//! before the call it records, so a crash leaves a journal true up to the crash. `--undo`
//! reads it.
//!
//! Version 2 records the account and partition the changes were made in (from
//! `GetCallerIdentity`), in the header and on every line, so an undo can refuse
//! credentials that reach another account. Version 1 journals did not; they are still read
//! (with `account: None`) so that `--undo` can say why it will not use them alone.
//!
//! ```json
//! {"journal":"xray-setup enable","version":2,"started":"2026-11-22T22:10:00Z","account":"123456789012","partition":"aws"}
//! {"seq":1,"time":"…","outcome":"pending","account":"123456789012","partition":"aws","what":"function-tracing","region":"us-east-1","function":"fn","function_arn":"arn:…","before":"PassThrough","after":"Active"}
//! {"seq":1,"time":"…","outcome":"done",…}
//! ```

use super::{State, Target};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

const KIND: &str = "xray-setup enable";
const VERSION: u64 = 2;
/// The last version that did not record the account.
const VERSION_WITHOUT_ACCOUNT: u64 = 1;

/// The account and partition a journal's changes were made in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountId {
    pub account: String,
    pub partition: String,
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "account {} (partition {})", self.account, self.partition)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// About to be made; a journal that ends here was cut off while the call ran.
    Pending,
    Done,
    Failed,
    /// Not made: the target was found changed by someone else while it was being changed
    /// (Lambda refused the update's revision), so it was left as they set it. An undo
    /// has nothing of ours to put back.
    #[serde(rename = "left-alone")]
    LeftAlone,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Pairs a `pending` line with the `done` or `failed` line that follows it.
    pub seq: u64,
    pub time: String,
    pub outcome: Outcome,
    /// The account and partition the change was made in (absent in version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    partition: Option<String>,
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
    account: AccountId,
    file: Mutex<File>,
    seq: AtomicU64,
}

impl Journal {
    /// Creates the journal of changes made in `account`; never replaces a file that
    /// exists. The file is readable by its owner only (0600 on Unix): it lists the
    /// account's functions and roles.
    pub fn create(path: &Path, account: &AccountId) -> Result<Journal, JournalError> {
        let create = |error| JournalError::Create {
            path: path.to_path_buf(),
            error,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(create)?;
        let journal = Journal {
            path: path.to_path_buf(),
            account: account.clone(),
            file: Mutex::new(file),
            seq: AtomicU64::new(0),
        };
        journal.append(&Header {
            journal: KIND.into(),
            version: VERSION,
            started: now(),
            account: Some(account.account.clone()),
            partition: Some(account.partition.clone()),
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

    /// Records how the change `seq` ended: `Done`, or `Failed` or `LeftAlone` with why.
    pub fn ended(
        &self,
        seq: u64,
        target: &Target,
        before: &State,
        after: &State,
        outcome: Outcome,
        why: Option<&str>,
    ) -> Result<(), JournalError> {
        self.record(seq, outcome, target, before, after, why)
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
            account: Some(self.account.account.clone()),
            partition: Some(self.account.partition.clone()),
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
    /// The account the changes were made in; `None` for a version 1 journal, which
    /// predates account recording.
    pub account: Option<AccountId>,
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
        Ok(h) if h.journal == KIND && h.version == VERSION => match (h.account, h.partition) {
            (Some(account), Some(partition)) => {
                out.account = Some(AccountId { account, partition });
            }
            _ => {
                return Err(invalid(
                    1,
                    "the header names no account and partition, which a version 2 journal must"
                        .into(),
                ));
            }
        },
        Ok(h) if h.journal == KIND && h.version == VERSION_WITHOUT_ACCOUNT => {}
        Ok(h) if h.journal == KIND => {
            return Err(invalid(
                1,
                format!(
                    "journal version {} is not one this xray-setup reads ({VERSION_WITHOUT_ACCOUNT} or {VERSION})",
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
            Ok(e) => {
                // Every line of a version 2 journal was made in the header's account.
                if let Some(a) = &out.account
                    && (e.account.as_ref() != Some(&a.account)
                        || e.partition.as_ref() != Some(&a.partition))
                {
                    return Err(invalid(
                        i + 1,
                        format!(
                            "the change names account {} (partition {}), not the journal's {a}",
                            e.account.as_deref().unwrap_or("none"),
                            e.partition.as_deref().unwrap_or("none")
                        ),
                    ));
                }
                out.entries.push(e);
            }
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

/// Where journals go unless `--journal` says: `$XDG_STATE_HOME/xray-setup` when that is
/// set (to an absolute path), else the platform's state directory (`~/.local/state` on
/// Linux), else its local data directory (`~/Library/Application Support` on macOS,
/// `%LOCALAPPDATA%` on Windows), each with `xray-setup` added. `None` without a home.
pub fn default_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(dirs::state_dir)
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("xray-setup"))
}

/// Creates `dir` if it is missing: its parents as usual, `dir` itself readable by its
/// owner only (0700 on Unix), since journals list an account's functions and roles. A
/// directory that exists is left as it is.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
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

    fn here() -> AccountId {
        AccountId {
            account: "123456789012".into(),
            partition: "aws".into(),
        }
    }

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
        let j = Journal::create(&path, &here()).unwrap();
        let (before, after) = (State::text("PassThrough"), State::text("Active"));
        let seq = j.pending(&target(), &before, &after).unwrap();
        j.ended(seq, &target(), &before, &after, Outcome::Done, None)
            .unwrap();
        let seq2 = j.pending(&target(), &before, &after).unwrap();
        j.ended(
            seq2,
            &target(),
            &before,
            &after,
            Outcome::Failed,
            Some("boom"),
        )
        .unwrap();
        let seq3 = j.pending(&target(), &before, &after).unwrap();
        j.ended(
            seq3,
            &target(),
            &before,
            &after,
            Outcome::LeftAlone,
            Some("it is Active now"),
        )
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
                (2, Outcome::Failed),
                (3, Outcome::Pending),
                (3, Outcome::LeftAlone)
            ]
        );
        assert_eq!(read_back.entries[3].error.as_deref(), Some("boom"));
        assert!(read_back.warnings.is_empty());
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains(r#""outcome":"left-alone""#)
        );
        assert_eq!(read_back.account, Some(here()));
        assert!(
            read_back
                .entries
                .iter()
                .all(|e| e.account.as_deref() == Some("123456789012")
                    && e.partition.as_deref() == Some("aws"))
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(r#"{"seq":4,"time":"x","outc"#);
        std::fs::write(&path, &text).unwrap();
        let cut = read(&path).unwrap();
        assert_eq!(cut.entries.len(), 6);
        assert!(cut.warnings[0].ends_with(":8: skipped a last line cut off mid-write"));
    }

    #[test]
    fn an_existing_file_is_never_replaced_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        std::fs::write(&path, "mine\n").unwrap();
        assert!(matches!(
            Journal::create(&path, &here()),
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
    fn version_1_journals_read_without_an_account_and_lines_must_match_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.jsonl");
        let line = r#"{"seq":1,"time":"t","outcome":"done","what":"function-tracing","region":"us-east-1","function":"fn","function_arn":"arn:aws:lambda:us-east-1:123456789012:function:fn","before":"PassThrough","after":"Active"}"#;
        std::fs::write(
            &path,
            format!(
                "{{\"journal\":\"xray-setup enable\",\"version\":1,\"started\":\"x\"}}\n{line}\n"
            ),
        )
        .unwrap();
        let old = read(&path).unwrap();
        assert_eq!(old.account, None);
        assert_eq!(old.entries.len(), 1);

        // A version 2 header without its account is refused.
        std::fs::write(
            &path,
            "{\"journal\":\"xray-setup enable\",\"version\":2,\"started\":\"x\"}\n",
        )
        .unwrap();
        let e = read(&path).unwrap_err().to_string();
        assert!(e.contains(":1: the header names no account"), "{e}");

        // A line from another account than the header's (journals pasted together).
        let other = line.replace(
            r#""outcome":"done","#,
            r#""outcome":"done","account":"210987654321","partition":"aws","#,
        );
        std::fs::write(
            &path,
            format!("{{\"journal\":\"xray-setup enable\",\"version\":2,\"started\":\"x\",\"account\":\"123456789012\",\"partition\":\"aws\"}}\n{other}\n"),
        )
        .unwrap();
        let e = read(&path).unwrap_err().to_string();
        assert!(
            e.contains(":2: the change names account 210987654321 (partition aws), not the journal's account 123456789012 (partition aws)"),
            "{e}"
        );
    }

    #[test]
    fn the_journal_directory_is_made_for_its_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let journals = dir.path().join("a/b/xray-setup");
        create_dir(&journals).unwrap();
        create_dir(&journals).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&journals).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
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
