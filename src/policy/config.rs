//! `.xray-setup.toml`: what a team decides about the audit, kept beside its code.
//!
//! ```toml
//! lambda_mode = "upstream-traced"      # or "active" (the default)
//! exclude = ["legacy/**", "**/examples/**"]
//!
//! [rules]
//! XR006 = "off"                        # or "error", "warning", "note"; code or name
//!
//! [[ignore]]
//! rule = "XR001"
//! resource = "aws_lambda_function.batch_*"   # a glob over the address or ARN
//! reason = "batch jobs are traced by the orchestrator"
//! expires = 2027-03-31
//!
//! [limits]                             # how far evaluation may go (README, "Limits")
//! instances = 50000
//! ```
//!
//! Any mistake is an error naming the file, the line and the key.

use super::date::Date;
use crate::finding::Severity;
use crate::rules::{self, LambdaMode};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = ".xray-setup.toml";

/// A rule's level: its severity, changed, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ignore {
    pub rule: &'static str,
    /// A glob (`*`, `?`) over the finding's resource (address or ARN).
    pub resource: String,
    pub reason: Option<String>,
    pub expires: Option<Date>,
    /// 1-based line of the `[[ignore]]` entry's rule, for notes about it.
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// Its text, so notes about it can point at lines.
    pub text: String,
    pub lambda_mode: LambdaMode,
    pub exclude: Vec<String>,
    pub levels: BTreeMap<&'static str, Level>,
    pub ignores: Vec<Ignore>,
    pub limits: LimitOverrides,
}

/// `[limits]`: evaluation limits raised (or lowered) from their defaults; `None` keeps
/// the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LimitOverrides {
    pub instances: Option<usize>,
    pub module_instances: Option<usize>,
    pub value_bytes: Option<usize>,
    pub depth: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {why}")]
    Read { path: PathBuf, why: String },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    lambda_mode: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    rules: Option<BTreeMap<String, Spanned<String>>>,
    ignore: Option<Vec<RawIgnore>>,
    limits: Option<RawLimits>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    instances: Option<Spanned<toml::Value>>,
    module_instances: Option<Spanned<toml::Value>>,
    value_bytes: Option<Spanned<toml::Value>>,
    depth: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    rule: Spanned<String>,
    resource: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<toml::Value>>,
}

/// The config in `file`, or the defaults without one.
pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
    let Some(path) = file else {
        return Ok(Config::default());
    };
    let bytes = crate::files::read(path).map_err(|why| ConfigError::Read {
        path: path.to_path_buf(),
        why,
    })?;
    let text = crate::files::utf8(bytes).map_err(|at| ConfigError::Invalid {
        path: path.to_path_buf(),
        line: at.line,
        column: at.column,
        message: "not valid UTF-8".into(),
    })?;
    parse(&text, path)
}

/// The first `.xray-setup.toml` in `start` (a directory, or a file's directory) or a
/// directory above it.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let at = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = crate::model::line_col(text, span.start);
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        at(
            e.span().unwrap_or(0..0),
            e.message().trim_end().replace('\n', " "),
        )
    })?;
    let mut config = Config {
        path: Some(path.to_path_buf()),
        text: text.to_string(),
        ..Config::default()
    };
    if let Some(mode) = raw.lambda_mode {
        config.lambda_mode = match mode.get_ref().as_str() {
            "active" => LambdaMode::Active,
            "upstream-traced" => LambdaMode::UpstreamTraced,
            other => {
                return Err(at(
                    mode.span(),
                    format!(
                        "lambda_mode: {other:?} is not a mode; use \"active\" or \"upstream-traced\""
                    ),
                ));
            }
        };
    }
    for pattern in raw.exclude.unwrap_or_default() {
        if let Err(e) = globset::Glob::new(pattern.get_ref()) {
            return Err(at(
                pattern.span(),
                format!(
                    "exclude: {:?} is not a glob: {}",
                    pattern.get_ref(),
                    e.kind()
                ),
            ));
        }
        config.exclude.push(pattern.into_inner());
    }
    for (key, level) in raw.rules.unwrap_or_default() {
        let rule = rules::find(&key).ok_or_else(|| {
            at(
                level.span(),
                format!("rules.{key}: no rule has this code or name (see `xray-setup rules`)"),
            )
        })?;
        let parsed = match level.get_ref().as_str() {
            "off" => Level::Off,
            "error" => Level::On(Severity::Error),
            "warning" => Level::On(Severity::Warning),
            "note" => Level::On(Severity::Note),
            other => {
                return Err(at(
                    level.span(),
                    format!(
                        "rules.{key}: {other:?} is not a level; use \"error\", \"warning\", \"note\" or \"off\""
                    ),
                ));
            }
        };
        config.levels.insert(rule.code, parsed);
    }
    for entry in raw.ignore.unwrap_or_default() {
        let rule = rules::find(entry.rule.get_ref()).ok_or_else(|| {
            at(
                entry.rule.span(),
                format!(
                    "ignore.rule: {:?} is no rule's code or name (see `xray-setup rules`)",
                    entry.rule.get_ref()
                ),
            )
        })?;
        let expires = match &entry.expires {
            None => None,
            Some(v) => Some(expiry(v.get_ref()).ok_or_else(|| {
                at(
                    v.span(),
                    format!(
                        "ignore.expires: {} is not a date; write it as 2027-03-31",
                        v.get_ref()
                    ),
                )
            })?),
        };
        let line = crate::model::line_col(text, entry.rule.span().start).0;
        config.ignores.push(Ignore {
            rule: rule.code,
            resource: entry
                .resource
                .map_or_else(|| "*".to_string(), Spanned::into_inner),
            reason: entry
                .reason
                .map(Spanned::into_inner)
                .filter(|r| !r.trim().is_empty()),
            expires,
            line,
        });
    }
    if let Some(raw) = raw.limits {
        let limit = |key: &str, v: Option<Spanned<toml::Value>>| match v {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                toml::Value::Integer(n) if *n > 0 => Ok(usize::try_from(*n).ok()),
                other => Err(at(
                    v.span(),
                    format!("limits.{key}: {other} is not a whole number above 0"),
                )),
            },
        };
        config.limits = LimitOverrides {
            instances: limit("instances", raw.instances)?,
            module_instances: limit("module_instances", raw.module_instances)?,
            value_bytes: limit("value_bytes", raw.value_bytes)?,
            depth: limit("depth", raw.depth)?,
        };
    }
    Ok(config)
}

/// A TOML date (`2027-03-31`) or a string holding one.
fn expiry(v: &toml::Value) -> Option<Date> {
    match v {
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
            let d = d.date?;
            Date::new(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        toml::Value::String(s) => Date::parse(s),
        _ => None,
    }
}

impl Config {
    pub fn level(&self, rule: &str) -> Option<Level> {
        self.levels.get(rule).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse(text, Path::new("x.toml")).unwrap_err().to_string()
    }

    #[test]
    fn a_full_config_reads() {
        let c = parse(
            "lambda_mode = \"upstream-traced\"\nexclude = [\"legacy/**\"]\n[rules]\nXR006 = \"off\"\nlambda-tracing-not-active = \"note\"\n\n[[ignore]]\nrule = \"XR101\"\nresource = \"aws_iam_role.legacy*\"\nreason = \"owned by another team\"\nexpires = 2027-03-31\n",
            Path::new("x.toml"),
        )
        .unwrap();
        assert_eq!(c.lambda_mode, LambdaMode::UpstreamTraced);
        assert_eq!(c.exclude, ["legacy/**"]);
        assert_eq!(c.level("XR006"), Some(Level::Off));
        assert_eq!(c.level("XR001"), Some(Level::On(Severity::Note)));
        assert_eq!(c.ignores[0].rule, "XR101");
        assert_eq!(c.ignores[0].expires, Date::new(2027, 3, 31));
        assert_eq!(c.ignores[0].line, 8);
    }

    #[test]
    fn each_mistake_names_its_line_and_key() {
        assert_eq!(
            error("lambda_mode = \"sometimes\"\n"),
            "x.toml:1:15: lambda_mode: \"sometimes\" is not a mode; use \"active\" or \"upstream-traced\""
        );
        assert_eq!(
            error("[rules]\nXR042 = \"off\"\n"),
            "x.toml:2:9: rules.XR042: no rule has this code or name (see `xray-setup rules`)"
        );
        assert_eq!(
            error("[rules]\nXR001 = \"fatal\"\n"),
            "x.toml:2:9: rules.XR001: \"fatal\" is not a level; use \"error\", \"warning\", \"note\" or \"off\""
        );
        assert_eq!(
            error("exclude = [\"a/[b\"]\n"),
            "x.toml:1:12: exclude: \"a/[b\" is not a glob: unclosed character class; missing ']'"
        );
        assert_eq!(
            error("\n[[ignore]]\nrule = \"XR001\"\nexpires = \"soon\"\n"),
            "x.toml:4:11: ignore.expires: \"soon\" is not a date; write it as 2027-03-31"
        );
        assert_eq!(
            error("[[ignore]]\nrule = \"nope\"\n"),
            "x.toml:2:8: ignore.rule: \"nope\" is no rule's code or name (see `xray-setup rules`)"
        );
        let unknown = error("lamda_mode = \"active\"\n");
        assert!(
            unknown.starts_with("x.toml:1:1: unknown field `lamda_mode`"),
            "{unknown}"
        );
        let syntax = error("[rules\n");
        assert!(syntax.starts_with("x.toml:1:"), "{syntax}");
        let missing = error("[[ignore]]\nreason = \"x\"\n");
        assert!(missing.contains("missing field `rule`"), "{missing}");
    }
}
