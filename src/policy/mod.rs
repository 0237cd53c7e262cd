//! What a team has decided about the audit's findings: which config judges each PATH,
//! excluded paths (left unread by the loader, see [`exclude`]), and, applied after the
//! rules run, rule levels and `off`, suppressions (inline comments and `[[ignore]]`
//! entries, with reasons and expiry dates), and a baseline. Suppressions that need
//! attention are reported as XR900 notes.

pub mod baseline;
pub mod config;
pub mod date;
pub mod exclude;
pub mod inline;

pub use baseline::{Baseline, BaselineError};
pub use config::{Config, ConfigError, Level};
pub use date::Date;
pub use exclude::Exclude;

use crate::finding::{Finding, Severity};
use crate::model::{FileId, Inventory, Meta, Origin, SourceFile, Span};
use crate::rules::{self, SUPPRESSION_RULE};
use crate::text::glob;
use std::path::{Path, PathBuf};

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

/// The PATHs of an audit, each with the config that judges what is found under it.
#[derive(Debug, Clone)]
pub struct Scopes {
    /// The configs read, each once: several PATHs may share one.
    pub configs: Vec<Config>,
    /// Each PATH, in the order given.
    pub scopes: Vec<Scope>,
}

/// One PATH and its config.
#[derive(Debug, Clone)]
pub struct Scope {
    pub path: PathBuf,
    /// Index into [`Scopes::configs`].
    pub config: usize,
    /// The config's `exclude` globs, placed for this PATH.
    pub exclude: Exclude,
}

impl Scopes {
    /// The config of each PATH: `explicit` for all of them when given, else the nearest
    /// `.xray-setup.toml` in each PATH or a directory above it (each file read once), else
    /// the defaults.
    pub fn load(explicit: Option<&Path>, paths: &[PathBuf]) -> Result<Scopes, ConfigError> {
        let mut configs: Vec<Config> = Vec::new();
        let mut scopes = Vec::new();
        for path in paths {
            let file = match explicit {
                Some(p) => Some(p.to_path_buf()),
                None => config::find(path),
            };
            let index = match configs.iter().position(|c| c.path == file) {
                Some(i) => i,
                None => {
                    configs.push(config::load(file.as_deref())?);
                    configs.len() - 1
                }
            };
            scopes.push(Scope {
                path: path.clone(),
                config: index,
                exclude: Exclude::new(&configs[index], path),
            });
        }
        Ok(Scopes { configs, scopes })
    }

    /// One config judging one PATH (or an account).
    pub fn one(config: Config, path: &Path) -> Scopes {
        Scopes {
            scopes: vec![Scope {
                path: path.to_path_buf(),
                config: 0,
                exclude: Exclude::new(&config, path),
            }],
            configs: vec![config],
        }
    }

    /// The config judging a scope (the first for one out of range).
    pub fn config(&self, scope: usize) -> &Config {
        let i = self.scopes.get(scope).map_or(0, |s| s.config);
        &self.configs[i]
    }
}

/// Where each finding and file of an audit belongs. The default puts everything in the
/// first scope and excludes nothing, as for an account.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// The scope whose config judges each finding, in the order of the findings.
    pub findings: Vec<usize>,
    /// The scope that read each file, by `FileId`.
    pub files: Vec<usize>,
    /// Files read although excluded, by `FileId`: a module that an audited module calls,
    /// in an excluded directory. Findings in them are dropped.
    pub excluded: Vec<bool>,
}

impl Places {
    fn file_scope(&self, file: FileId) -> usize {
        self.files.get(file.0 as usize).copied().unwrap_or(0)
    }

    fn is_excluded(&self, file: FileId) -> bool {
        self.excluded.get(file.0 as usize).copied().unwrap_or(false)
    }

    fn excludes(&self, f: &Finding) -> bool {
        match &f.origin {
            Some(Origin::File { file, .. }) => self.is_excluded(*file),
            _ => false,
        }
    }
}

/// Applies each scope's config, inline suppressions and the baseline to an audit's
/// findings: a finding is judged by the config of the PATH its root was found under
/// (its levels, `[[ignore]]` entries and excludes). Notes about a config point into it,
/// so it joins the inventory's files when needed.
pub fn triage(
    findings: Vec<Finding>,
    inventory: &mut Inventory,
    scopes: &Scopes,
    places: &Places,
    baseline: Option<&Baseline>,
    today: Date,
) -> Triage {
    let mut out = Triage::default();
    let mut notes: Vec<(usize, Finding)> = Vec::new();
    let inline: Vec<inline::Inline> = inline::scan(inventory)
        .into_iter()
        .filter(|s| !places.is_excluded(s.file))
        .collect();
    let mut inline_used = vec![false; inline.len()];
    let mut config_used: Vec<Vec<bool>> = scopes
        .configs
        .iter()
        .map(|c| vec![false; c.ignores.len()])
        .collect();
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
    for (n, mut f) in findings.into_iter().enumerate() {
        let scope = places.findings.get(n).copied().unwrap_or(0);
        let c = scopes.scopes.get(scope).map_or(0, |s| s.config);
        let config = &scopes.configs[c];
        match config.level(f.rule) {
            Some(Level::Off) => continue,
            Some(Level::On(severity)) => f.severity = severity,
            None => {}
        }
        if places.excludes(&f) {
            continue;
        }
        // Inline: on the line above the attribute or the resource.
        let lines = [line_of(inventory, &f.origin), line_of(inventory, &f.header)];
        let mut hidden: Option<(String, Option<String>, bool)> = None;
        for (i, s) in inline.iter().enumerate() {
            let here = lines
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
            config_used[c][i] = true;
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
            let c = scopes
                .scopes
                .get(places.file_scope(s.file))
                .map_or(0, |s| s.config);
            notes.push((
                c,
                note(
                    format!("this `{}` comment {message}", inline::MARKER),
                    Origin::File {
                        file: s.file,
                        span: s.span,
                    },
                ),
            ));
        }
    }
    for (c, config) in scopes.configs.iter().enumerate() {
        let mut config_file: Option<FileId> = None;
        for (ig, used) in config.ignores.iter().zip(&config_used[c]) {
            let problem = problem(
                ig.reason.is_none(),
                ig.expires.filter(|e| *e < today),
                *used,
                &[],
                None,
                false,
            );
            if let Some(message) = problem {
                let file = *config_file
                    .get_or_insert_with(|| add_config_file(inventory, config, c, scopes));
                let span = line_span(&config.text, ig.line);
                notes.push((
                    c,
                    note(
                        format!("this [[ignore]] entry for {} {message}", ig.rule),
                        Origin::File { file, span },
                    ),
                ));
            }
        }
    }
    for (c, mut n) in notes {
        match scopes.configs[c].level(n.rule) {
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
        account: None,
        origin: Some(origin),
        block: None,
        repeated: None,
        region: None,
    };
    let mut f = SUPPRESSION_RULE.finding(&meta, None, message);
    f.severity = Severity::Note;
    f
}

/// Adds a config to the inventory, shown relative to the PATH it judges when it judges
/// one (as that PATH's files are), else to the current directory.
fn add_config_file(
    inventory: &mut Inventory,
    config: &Config,
    index: usize,
    scopes: &Scopes,
) -> FileId {
    let path = config
        .path
        .clone()
        .unwrap_or_else(|| config::FILE_NAME.into());
    let base = match scopes.scopes.as_slice() {
        [only] if only.config == index => only.path.as_path(),
        _ => Path::new("."),
    };
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
