//! What a team has decided about the audit's findings, applied after the rules run: rule
//! levels and `off`, excluded paths, suppressions (inline comments and `[[ignore]]`
//! entries, with reasons and expiry dates), and a baseline. Suppressions that need
//! attention are reported as XR900 notes.

pub mod baseline;
pub mod config;
pub mod date;
pub mod inline;

pub use baseline::{Baseline, BaselineError};
pub use config::{Config, ConfigError, Level};
pub use date::Date;

use crate::finding::{Finding, Severity};
use crate::iam::evaluate::glob;
use crate::model::{FileId, Inventory, Meta, Origin, SourceFile, Span};
use crate::rules::{self, SUPPRESSION_RULE};
use std::path::Path;

/// A finding a suppression hid.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppressed {
    pub finding: Finding,
    /// Where the suppression is: `main.tf:12` or `.xray-setup.toml:8`.
    pub by: String,
    pub reason: Option<String>,
    /// A comment in the source (else an entry in the config).
    pub inline: bool,
}

#[derive(Debug, Default)]
pub struct Triage {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// Findings the baseline held (not reported, but still current: a new baseline
    /// written from this run records them).
    pub baselined: Vec<Finding>,
}

/// Applies the config, inline suppressions and the baseline to an audit's findings.
/// Notes about the config point into it, so it joins the inventory's files when needed.
/// `base` is the PATH audited: the config's path is shown relative to it when it lies
/// inside, as the audited files are.
pub fn triage(
    findings: Vec<Finding>,
    inventory: &mut Inventory,
    config: &Config,
    baseline: Option<&Baseline>,
    today: Date,
    base: &Path,
) -> Triage {
    let mut out = Triage::default();
    let mut notes: Vec<Finding> = Vec::new();
    let excluded = Excluded::new(config, inventory);
    let inline = inline::scan(inventory);
    let mut inline_used = vec![false; inline.len()];
    let mut config_used = vec![false; config.ignores.len()];
    let mut baseline = baseline.cloned();
    let line_of = |inv: &Inventory, origin: &Option<Origin>| -> Option<(FileId, usize)> {
        match origin {
            Some(Origin::File { file, span }) => {
                let f = inv.files.get(file.0 as usize)?;
                Some((*file, f.line_col(span.start as usize).0))
            }
            _ => None,
        }
    };
    for mut f in findings {
        match config.level(f.rule) {
            Some(Level::Off) => continue,
            Some(Level::On(severity)) => f.severity = severity,
            None => {}
        }
        if excluded.matches(&f) {
            continue;
        }
        // Inline: on the line above the attribute or the resource.
        let places = [line_of(inventory, &f.origin), line_of(inventory, &f.header)];
        let mut hidden: Option<(String, Option<String>, bool)> = None;
        for (i, s) in inline.iter().enumerate() {
            let here = places
                .iter()
                .flatten()
                .any(|(file, line)| *file == s.file && *line == s.target_line);
            if !here || !s.rules.contains(&f.rule) {
                continue;
            }
            inline_used[i] = true;
            if s.expires.is_some_and(|e| e < today) {
                continue;
            }
            if hidden.is_none() {
                let file = &inventory.files[s.file.0 as usize];
                let line = file.line_col(s.span.start as usize).0;
                hidden = Some((format!("{}:{line}", file.display), s.reason.clone(), true));
            }
        }
        for (i, ig) in config.ignores.iter().enumerate() {
            if ig.rule != f.rule || !glob(&ig.resource, &f.resource) {
                continue;
            }
            config_used[i] = true;
            if ig.expires.is_some_and(|e| e < today) {
                continue;
            }
            if hidden.is_none() {
                let path = config
                    .path
                    .as_deref()
                    .unwrap_or(Path::new(config::FILE_NAME));
                hidden = Some((
                    format!("{}:{}", path.display(), ig.line),
                    ig.reason.clone(),
                    false,
                ));
            }
        }
        if let Some((by, reason, inline)) = hidden {
            out.suppressed.push(Suppressed {
                finding: f,
                by,
                reason,
                inline,
            });
            continue;
        }
        if baseline.as_mut().is_some_and(|b| b.take(&f)) {
            out.baselined.push(f);
            continue;
        }
        out.findings.push(f);
    }
    for (s, used) in inline.iter().zip(&inline_used) {
        let problem = problem(
            s.reason.is_none(),
            s.expires.filter(|e| *e < today),
            *used,
            &s.unknown,
            s.bad_expiry.as_deref(),
            s.rules.is_empty() && s.unknown.is_empty(),
        );
        if let Some(message) = problem {
            notes.push(note(
                format!("this `{}` comment {message}", inline::MARKER),
                Origin::File {
                    file: s.file,
                    span: s.span,
                },
            ));
        }
    }
    let mut config_file: Option<FileId> = None;
    for (ig, used) in config.ignores.iter().zip(&config_used) {
        let problem = problem(
            ig.reason.is_none(),
            ig.expires.filter(|e| *e < today),
            *used,
            &[],
            None,
            false,
        );
        if let Some(message) = problem {
            let file = *config_file.get_or_insert_with(|| add_config_file(inventory, config, base));
            let span = line_span(&config.text, ig.line);
            notes.push(note(
                format!("this [[ignore]] entry for {} {message}", ig.rule),
                Origin::File { file, span },
            ));
        }
    }
    for mut n in notes {
        match config.level(n.rule) {
            Some(Level::Off) => continue,
            Some(Level::On(severity)) => n.severity = severity,
            None => {}
        }
        out.findings.push(n);
    }
    rules::sort(&mut out.findings, inventory);
    out
}

/// What is wrong with a suppression, as the end of a sentence; `None` when nothing is.
fn problem(
    no_reason: bool,
    expired: Option<Date>,
    used: bool,
    unknown: &[String],
    bad_expiry: Option<&str>,
    no_rule: bool,
) -> Option<String> {
    if no_rule {
        return Some("names no rule: write `# xray-setup:ignore XR001 reason`".into());
    }
    if !unknown.is_empty() {
        return Some(format!(
            "names no rule by `{}` (see `xray-setup rules`)",
            unknown.join("`, `")
        ));
    }
    if let Some(date) = bad_expiry {
        return Some(format!(
            "has `expires={date}`, which is not a date (write expires=2027-03-31); it does not expire"
        ));
    }
    if let Some(date) = expired {
        return Some(format!(
            "expired on {date}, so the findings it matched are reported again; renew it or fix them"
        ));
    }
    if !used {
        return Some(
            "matches no finding: the finding is gone or the suppression is not on the line above it; remove it"
                .into(),
        );
    }
    if no_reason {
        return Some("gives no reason; say why, for the next reader".into());
    }
    None
}

fn note(message: String, origin: Origin) -> Finding {
    let meta = Meta {
        address: String::new(),
        root: ".".into(),
        origin: Some(origin),
        block: None,
    };
    let mut f = Finding::new(&SUPPRESSION_RULE, &meta, None, message);
    f.severity = Severity::Note;
    f
}

fn add_config_file(inventory: &mut Inventory, config: &Config, base: &Path) -> FileId {
    let path = config
        .path
        .clone()
        .unwrap_or_else(|| config::FILE_NAME.into());
    let display = relative_to(&path, base);
    inventory.add_file(SourceFile::new(path, display, config.text.as_str().into()))
}

/// `path` relative to `base`, else to the current directory, else as given.
fn relative_to(path: &Path, base: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    [
        std::fs::canonicalize(base).ok(),
        std::env::current_dir().ok(),
    ]
    .into_iter()
    .flatten()
    .find_map(|dir| absolute.strip_prefix(dir).ok().map(Path::to_path_buf))
    .unwrap_or_else(|| path.to_path_buf())
    .display()
    .to_string()
}

/// The byte range of a 1-based line.
fn line_span(text: &str, line: usize) -> Span {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let len = text[start..].split('\n').next().map_or(0, str::len);
    Span::new(start..start + len)
}

/// Which files `exclude` globs match, by path relative to the config's directory (or as
/// shown, for a file outside it).
struct Excluded(Vec<bool>);

impl Excluded {
    fn new(config: &Config, inventory: &Inventory) -> Excluded {
        if config.exclude.is_empty() {
            return Excluded(Vec::new());
        }
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in &config.exclude {
            // Checked when the config was read.
            if let Ok(g) = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
            {
                builder.add(g);
            }
        }
        let Ok(set) = builder.build() else {
            return Excluded(Vec::new());
        };
        let base = config
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(|d| {
                if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                }
            })
            .and_then(|d| std::fs::canonicalize(d).ok());
        Excluded(
            inventory
                .files
                .iter()
                .map(|source| {
                    let relative = base.as_ref().and_then(|base| {
                        std::fs::canonicalize(&source.path)
                            .ok()?
                            .strip_prefix(base)
                            .ok()
                            .map(Path::to_path_buf)
                    });
                    match relative {
                        Some(r) => set.is_match(r),
                        None => set.is_match(&source.display),
                    }
                })
                .collect(),
        )
    }

    fn matches(&self, f: &Finding) -> bool {
        match &f.origin {
            Some(Origin::File { file, .. }) => {
                self.0.get(file.0 as usize).copied().unwrap_or(false)
            }
            _ => false,
        }
    }
}
