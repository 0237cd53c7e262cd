//! `exclude` globs: which paths under a PATH the audit leaves unread.
//!
//! A glob is matched against a path relative to the config's directory, `*` within one
//! directory and `**` across them. A directory that matches is excluded with everything
//! in it, so `legacy` and `legacy/**` both leave out `legacy/old/main.tf`. A path outside
//! the config's directory (with a `--config` kept elsewhere) is matched relative to the
//! PATH instead.

use super::Config;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Component, Path, PathBuf};

/// A config's `exclude` globs, placed for one PATH.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    set: Option<GlobSet>,
    /// Where the PATH lies inside the config's directory (`""` for the directory itself);
    /// `None` when it lies outside, or no config file was read.
    prefix: Option<PathBuf>,
}

impl Exclude {
    /// `config`'s globs for the PATH `path` (a directory, or a file in its directory).
    pub fn new(config: &Config, path: &Path) -> Exclude {
        if config.exclude.is_empty() {
            return Exclude::default();
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in &config.exclude {
            // Checked when the config was read.
            if let Ok(g) = GlobBuilder::new(pattern).literal_separator(true).build() {
                builder.add(g);
            }
        }
        let Ok(set) = builder.build() else {
            return Exclude::default();
        };
        let config_dir = config
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
        let base = std::fs::canonicalize(path).ok().map(|p| {
            if p.is_dir() {
                p
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or(p)
            }
        });
        let prefix = match (config_dir, base) {
            (Some(dir), Some(base)) => base.strip_prefix(&dir).ok().map(Path::to_path_buf),
            _ => None,
        };
        Exclude {
            set: Some(set),
            prefix,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_none()
    }

    /// Whether `relative`, a path relative to the PATH (it may climb out of it with `..`,
    /// for a module called from elsewhere), is excluded: it or a directory holding it
    /// matches a glob.
    pub fn matches(&self, relative: &Path) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        let from_config = self
            .prefix
            .as_ref()
            .map(|p| normalize(&p.join(relative)))
            .filter(|p| !p.starts_with(".."));
        let path = from_config.unwrap_or_else(|| normalize(relative));
        path.ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .any(|a| set.is_match(a))
    }
}

impl crate::source::terraform::Excludes for Exclude {
    fn excludes(&self, relative: &Path) -> bool {
        self.matches(relative)
    }
}

/// `a/./b/../c` → `a/c`, lexically; a leading `..` stays.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exclude(globs: &[&str], prefix: Option<&str>) -> Exclude {
        let config = Config {
            exclude: globs.iter().map(|g| g.to_string()).collect(),
            ..Config::default()
        };
        let mut e = Exclude::new(&config, Path::new("/nonexistent"));
        e.prefix = prefix.map(PathBuf::from);
        e
    }

    #[test]
    fn a_matching_directory_excludes_what_it_holds() {
        let e = exclude(&["legacy/**", "**/examples/**", "sandbox"], Some(""));
        assert!(e.matches(Path::new("legacy/old/main.tf")));
        assert!(e.matches(Path::new("legacy/old")));
        assert!(
            !e.matches(Path::new("legacy")),
            "legacy/** matches inside it"
        );
        assert!(e.matches(Path::new("a/b/examples/complete/main.tf")));
        assert!(e.matches(Path::new("examples/x.tf")));
        assert!(e.matches(Path::new("sandbox/deep/x.tf")));
        assert!(!e.matches(Path::new("app/main.tf")));
    }

    #[test]
    fn a_star_stays_within_a_directory() {
        let e = exclude(&["*.tf"], Some(""));
        assert!(e.matches(Path::new("main.tf")));
        assert!(!e.matches(Path::new("app/main.tf")));
    }

    #[test]
    fn paths_are_placed_in_the_config_directory() {
        // The config is two levels above the PATH env/dev.
        let e = exclude(&["modules/legacy/**"], Some("env/dev"));
        assert!(e.matches(Path::new("../../modules/legacy/fn/main.tf")));
        assert!(!e.matches(Path::new("main.tf")));
        let e = exclude(&["env/dev/extra.tf"], Some("env/dev"));
        assert!(e.matches(Path::new("extra.tf")));
        // A config elsewhere: relative to the PATH.
        let e = exclude(&["examples/**"], None);
        assert!(e.matches(Path::new("examples/a/main.tf")));
    }

    #[test]
    fn normalizing() {
        assert_eq!(normalize(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalize(Path::new("../a/../../b")), Path::new("../../b"));
        assert_eq!(normalize(Path::new("a/b/../../..")), Path::new(".."));
    }
}
