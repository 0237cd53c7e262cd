//! Finding, reading and parsing every configuration file under a PATH, and grouping them
//! into modules: which directories are roots, and which are called by others.

use super::json::{parse_json_body, parse_json_tfvars};
use super::module::{Module, Tfvars};
use super::parse::{SyntaxError, parse_body};
use crate::model::{FileId, FileProblem, Origin, SourceFile, Span};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are reported and skipped: hcl-edit needs about forty times a
/// file's size in memory while parsing it.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Everything loaded from one PATH.
#[derive(Debug, Default)]
pub struct Tree {
    pub files: Vec<SourceFile>,
    pub modules: Vec<Module>,
    pub by_dir: HashMap<PathBuf, usize>,
    /// Modules no other module calls, in path order.
    pub roots: Vec<usize>,
    /// For each module with a `.terraform/modules/modules.json`: call key → module.
    pub installed: HashMap<usize, HashMap<String, usize>>,
    /// `--var-file` files, shared by every root.
    pub var_files: Vec<Tfvars>,
    /// Directories the tree may read files from (`file()`, `templatefile()`).
    pub readable: Vec<PathBuf>,
    pub problems: Vec<FileProblem>,
    /// Things skipped while walking (symlink loops, unreadable directories).
    pub warnings: Vec<String>,
    /// The target (its index among those loaded) that read each file, by `FileId`.
    pub file_target: Vec<usize>,
    /// Files read although their target excludes them, by `FileId`: those of an excluded
    /// module that a loaded module calls (see `follow_calls`).
    pub excluded: Vec<bool>,
    /// The target each module was loaded for, by module index.
    pub module_target: Vec<usize>,
    /// Terragrunt units: the inputs of the modules they run, and what loading them found.
    pub units: super::terragrunt::Units,
}

/// Which paths under a PATH to leave unread (the config's `exclude` globs).
pub trait Excludes: Sync {
    /// Whether a path (a file or a directory), relative to the PATH, is excluded. A
    /// module called from outside the PATH is asked about with a path that climbs out of
    /// it (`../modules/fn`).
    fn excludes(&self, relative: &Path) -> bool;
}

/// One PATH to load, and what to leave unread under it.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub path: &'a Path,
    pub exclude: Option<&'a dyn Excludes>,
}

impl<'a> Target<'a> {
    /// A PATH read whole.
    pub fn all(path: &'a Path) -> Target<'a> {
        Target {
            path,
            exclude: None,
        }
    }

    fn excludes(&self, relative: &Path) -> bool {
        self.exclude.is_some_and(|e| e.excludes(relative))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: no such file or directory")]
    Missing { path: String },
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    /// A PATH with no configuration or tfvars file, or only excluded ones: a mistyped
    /// PATH must not pass as a clean audit.
    #[error("{path}: no Terraform files ({}) found{}", CONFIG_SUFFIXES.join(", "), excluded_note(.excluded))]
    NoTerraform { path: String, excluded: usize },
}

/// What a configuration file's name ends with, as the error for a PATH without one says.
const CONFIG_SUFFIXES: &[&str] = &[".tf", ".tf.json", ".tofu", ".tofu.json"];

fn excluded_note(excluded: &usize) -> String {
    match *excluded {
        0 => String::new(),
        1 => " (1 file, excluded by the config's `exclude`)".into(),
        n => format!(" ({n} files, all excluded by the config's `exclude`)"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Config,
    ConfigJson,
    Tfvars,
    TfvarsJson,
    /// A Terragrunt unit's `terragrunt.hcl` or a stack's `terragrunt.stack.hcl`.
    Unit,
}

fn kind_of(name: &str) -> Option<Kind> {
    if name.starts_with('.') {
        return None;
    }
    if name == super::terragrunt::UNIT_FILE || name == super::terragrunt::STACK_FILE {
        return Some(Kind::Unit);
    }
    if name.ends_with(".tf.json") || name.ends_with(".tofu.json") {
        Some(Kind::ConfigJson)
    } else if name.ends_with(".tf") || name.ends_with(".tofu") {
        Some(Kind::Config)
    } else if name.ends_with(".tfvars.json") {
        Some(Kind::TfvarsJson)
    } else if name.ends_with(".tfvars") {
        Some(Kind::Tfvars)
    } else {
        None
    }
}

struct Found {
    path: PathBuf,
    display: String,
    dir: PathBuf,
    kind: Kind,
}

/// Leaves out each `NAME.tf` (`NAME.tf.json`) beside a `NAME.tofu` (`NAME.tofu.json`) in
/// the same directory, as OpenTofu loads only the `.tofu` file of such a pair
/// (opentofu.org/docs/language/files, "Extension Precedence"). Terraform does not read
/// `.tofu` files at all; a tree that has them is written for OpenTofu.
fn tofu_precedence(found: Vec<Found>) -> Vec<Found> {
    let tofu: std::collections::HashSet<(PathBuf, String)> = found
        .iter()
        .filter_map(|f| {
            let name = f.path.file_name()?.to_str()?;
            let stem = name
                .strip_suffix(".tofu.json")
                .map(|s| format!("{s}.tf.json"))
                .or_else(|| name.strip_suffix(".tofu").map(|s| format!("{s}.tf")))?;
            Some((f.dir.clone(), stem))
        })
        .collect();
    if tofu.is_empty() {
        return found;
    }
    found
        .into_iter()
        .filter(|f| {
            let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !tofu.contains(&(f.dir.clone(), name.to_string()))
        })
        .collect()
}

/// A parsed file, or the message and byte offset of why it could not be.
type ParseOutcome = Result<Parsed, (String, usize)>;

enum Parsed {
    Config(super::ir::Body),
    Tfvars(super::ir::Body),
    Failed,
}

impl Tree {
    /// Loads every module under each PATH, skipping what its target excludes, then every
    /// module those call from elsewhere on disk. With one PATH, shown paths are relative
    /// to it; with several, each is prefixed with its PATH as given. A PATH holding no
    /// Terraform file (after excludes) is an error.
    pub fn load(targets: &[Target]) -> Result<Tree, LoadError> {
        let mut tree = Tree::default();
        let mut in_tree = Vec::new();
        let mut unit_files: Vec<(PathBuf, usize)> = Vec::new();
        let mut bases: Vec<(PathBuf, String)> = Vec::new();
        for (t, target) in targets.iter().enumerate() {
            let path = target.path;
            let io = |e: std::io::Error| LoadError::Io {
                path: path.display().to_string(),
                error: e,
            };
            let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => LoadError::Missing {
                    path: path.display().to_string(),
                },
                _ => io(e),
            })?;
            let real = canonical(path).map_err(io)?;
            let base = if meta.is_dir() {
                // An unreadable PATH says so, rather than that it holds nothing.
                std::fs::read_dir(path).map_err(io)?;
                real
            } else {
                real.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            let prefix = if targets.len() == 1 {
                String::new()
            } else {
                slash(path)
            };
            let file = |excluded: &dyn Fn(&Path) -> bool| -> Vec<Found> {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                kind_of(name)
                    .filter(|_| !excluded(Path::new(name)))
                    .map(|kind| Found {
                        path: path.to_path_buf(),
                        display: name.to_string(),
                        dir: base.clone(),
                        kind,
                    })
                    .into_iter()
                    .collect()
            };
            let excluded = |p: &Path| target.excludes(p);
            let found = if meta.is_dir() {
                tree.walk(path, &excluded)
            } else {
                file(&excluded)
            };
            if found.is_empty() {
                // Said only now, so the walk stays a single pass.
                let all = if meta.is_dir() {
                    Tree::default().walk(path, &|_| false).len()
                } else {
                    file(&|_| false).len()
                };
                return Err(LoadError::NoTerraform {
                    path: path.display().to_string(),
                    excluded: all,
                });
            }
            tree.readable.push(base.clone());
            let (units, found): (Vec<Found>, Vec<Found>) =
                found.into_iter().partition(|f| f.kind == Kind::Unit);
            unit_files.extend(units.into_iter().map(|f| (f.path, t)));
            in_tree.extend(tree.add_files(found, &base, &prefix));
            tree.mark(t, false);
            bases.push((base, prefix));
        }
        tree.follow_calls(targets, &bases);
        let (unit_roots, in_units) = if unit_files.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            let show = |p: &Path| shown(&bases, p);
            let mut host = UnitHost {
                tree: &mut tree,
                targets,
                bases: &bases,
            };
            let found = super::terragrunt::load_units(&mut host, &show, &unit_files);
            // What the modules units run call.
            tree.follow_calls(targets, &bases);
            found
        };
        let called = tree.called();
        in_tree.sort_unstable();
        in_tree.dedup();
        // A unit's own directory and the module it runs are part of the unit.
        in_tree.retain(|m| !in_units.contains(m));
        tree.roots = in_tree
            .iter()
            .copied()
            .filter(|m| !called.contains(m))
            .chain(unit_roots)
            .collect();
        // Modules that only call each other (a cycle nothing else calls) would never be
        // evaluated: the first of them is a root too, where the cycle is reported.
        let mut reached = tree.reachable(&tree.roots);
        for &m in &in_tree {
            if !reached.contains(&m) {
                tree.roots.push(m);
                reached = tree.reachable(&tree.roots);
            }
        }
        tree.roots.sort_by(|a, b| {
            tree.modules[*a]
                .display_dir
                .cmp(&tree.modules[*b].display_dir)
        });
        Ok(tree)
    }

    /// A tree of one module with no configuration at `dir` (what `terraform console`
    /// evaluates in when the directory holds none).
    pub fn empty(dir: &Path) -> Result<Tree, LoadError> {
        let real = canonical(dir).map_err(|e| LoadError::Io {
            path: dir.display().to_string(),
            error: e,
        })?;
        let mut tree = Tree::default();
        let m = tree.module_for(&real, ".");
        tree.roots = vec![m];
        tree.readable.push(real);
        Ok(tree)
    }

    /// Records which target read the files and modules added since the last call, and
    /// whether those files are excluded.
    fn mark(&mut self, target: usize, excluded: bool) {
        self.file_target.resize(self.files.len(), target);
        self.excluded.resize(self.files.len(), excluded);
        self.module_target.resize(self.modules.len(), target);
    }

    /// Reads a `--var-file`, returning its index in `var_files`.
    pub fn add_var_file(&mut self, path: &Path) -> Result<usize, String> {
        let shown = path.display().to_string();
        let text = read_text(path).map_err(|e| format!("{shown}: {e}"))?;
        let json = shown.ends_with(".json");
        let parsed = if json {
            parse_json_tfvars(&text)
        } else {
            parse_body(&text)
        };
        let body = parsed.map_err(|e| {
            let (line, col) = crate::model::line_col(&text, e.offset);
            format!("{shown}:{line}:{col}: {}", e.message)
        })?;
        let file = FileId(self.files.len() as u32);
        self.files
            .push(SourceFile::new(path.to_path_buf(), shown, text));
        self.var_files.push(Tfvars { file, body });
        Ok(self.var_files.len() - 1)
    }

    /// Every `.tf`, `.tf.json`, `.tfvars` and `.tfvars.json` file under `path`, skipping
    /// hidden directories (`.terraform` among them) and what `excluded` says (a directory
    /// with everything in it, unread), and surviving symlink loops.
    fn walk(&mut self, path: &Path, excluded: &dyn Fn(&Path) -> bool) -> Vec<Found> {
        let mut out = Vec::new();
        let walker = walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                let is_dir = e.file_type().is_dir();
                let name = e.file_name().to_string_lossy();
                if is_dir && name.starts_with('.') {
                    return false;
                }
                // Other files are passed over below; asking about them would only cost.
                if !is_dir && kind_of(&name).is_none() {
                    return true;
                }
                !excluded(e.path().strip_prefix(path).unwrap_or(e.path()))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    self.warnings.push(walk_warning(path, &e));
                    continue;
                }
            };
            if entry.file_type().is_dir() {
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            let Some(kind) = kind_of(&name) else { continue };
            let rel = entry.path().strip_prefix(path).unwrap_or(entry.path());
            let dir = entry
                .path()
                .parent()
                .and_then(|d| canonical(d).ok())
                .unwrap_or_default();
            out.push(Found {
                path: entry.path().to_path_buf(),
                display: slash(rel),
                dir,
                kind,
            });
        }
        tofu_precedence(out)
    }

    /// Reads and parses files in parallel and files them into modules by directory.
    /// Returns the modules that hold configuration files.
    fn add_files(&mut self, found: Vec<Found>, base: &Path, prefix: &str) -> Vec<usize> {
        let first_id = self.files.len();
        let results: Vec<(Arc<str>, ParseOutcome)> = found
            .par_iter()
            .map(|f| match read_text(&f.path) {
                Ok(text) => {
                    let parsed = parse(&text, f.kind).map_err(|e| (e.message, e.offset));
                    (text, parsed)
                }
                Err(message) => (Arc::from(""), Err((message, 0))),
            })
            .collect();
        let mut touched = Vec::new();
        for (i, (f, (text, parsed))) in found.into_iter().zip(results).enumerate() {
            let id = FileId((first_id + i) as u32);
            let display = join_display(prefix, &f.display);
            let parsed = match parsed {
                Ok(p) => p,
                Err((message, offset)) => {
                    self.problems.push(FileProblem {
                        origin: Origin::file(id, Span::new(offset..offset)),
                        message,
                    });
                    Parsed::Failed
                }
            };
            self.files
                .push(SourceFile::new(f.path.clone(), display, text));
            let dir_display = f
                .dir
                .strip_prefix(base)
                .map(slash)
                .unwrap_or_else(|_| relative(base, &f.dir));
            let m = self.module_for(&f.dir, &join_display(prefix, &dir_display));
            let module = &mut self.modules[m];
            let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            match parsed {
                Parsed::Config(body) => {
                    // Override files wait until every primary file is in (below).
                    module.add_file(id, name, body);
                    touched.push(m);
                }
                Parsed::Tfvars(body) => {
                    let tfvars = Tfvars { file: id, body };
                    if is_auto_tfvars(name) {
                        module.auto_tfvars.push(tfvars);
                    } else {
                        module.other_tfvars.push(tfvars);
                    }
                }
                Parsed::Failed => {
                    if matches!(f.kind, Kind::Config | Kind::ConfigJson) {
                        module.add_unparsed(id, name);
                        touched.push(m);
                    }
                }
            }
        }
        for m in &mut self.modules {
            // terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars(.json) by name.
            let files = &self.files;
            m.auto_tfvars.sort_by_key(|t| {
                let name = files[t.file.0 as usize]
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                (!name.starts_with("terraform.tfvars"), name)
            });
        }
        touched.sort_unstable();
        touched.dedup();
        // Terraform merges a module's override files after all its primary files, in
        // lexical order of file name, whatever order the walk found them in.
        for &m in &touched {
            let problems = self.modules[m].merge_overrides();
            self.problems.extend(problems);
            super::early::sources(&mut self.modules[m]);
        }
        touched
    }

    fn module_for(&mut self, dir: &Path, display: &str) -> usize {
        if let Some(&m) = self.by_dir.get(dir) {
            return m;
        }
        self.modules.push(Module {
            dir: dir.to_path_buf(),
            display_dir: display.to_string(),
            ..Module::default()
        });
        let m = self.modules.len() - 1;
        self.by_dir.insert(dir.to_path_buf(), m);
        m
    }

    /// Loads what modules call from outside the walked tree: local sources elsewhere on
    /// disk and what `terraform init` installed (`.terraform/modules/modules.json`).
    ///
    /// A call is followed even into a directory its caller's target excludes: Terraform
    /// reads that module, and the caller's values (a role ARN from its outputs, a mode
    /// passed through it) depend on it; treating it as not on disk would turn them
    /// unknown. Exclusion decides which directories are audited as roots (the walk never
    /// reads an excluded one, so what it calls is not called), not what an audited module
    /// contains. Such a module is read whole, as Terraform reads it, and its files are
    /// marked excluded so that findings in them are dropped. In a directory that is not
    /// excluded itself, excluded files are left unread, as in the walk.
    fn follow_calls(&mut self, targets: &[Target], bases: &[(PathBuf, String)]) {
        let mut queue: VecDeque<usize> = (0..self.modules.len()).collect();
        let mut seen: HashSet<usize> = HashSet::new();
        while let Some(m) = queue.pop_front() {
            if !seen.insert(m) {
                continue;
            }
            let dir = self.modules[m].dir.clone();
            let target = self.module_target.get(m).copied().unwrap_or(0);
            let mut wanted: Vec<PathBuf> = self.modules[m]
                .calls
                .values()
                .filter_map(|c| c.source.as_deref())
                .filter(|s| is_local_source(s))
                .filter_map(|s| canonical(&dir.join(s)).ok())
                .collect();
            let installed = read_modules_json(&dir);
            wanted.extend(installed.values().cloned());
            for wanted in wanted {
                if !self.by_dir.contains_key(&wanted) {
                    self.load_dir(&wanted, target, targets, bases);
                }
                if let Some(&t) = self.by_dir.get(&wanted) {
                    queue.push_back(t);
                }
            }
            if !installed.is_empty() {
                let map = installed
                    .into_iter()
                    .filter_map(|(k, d)| self.by_dir.get(&d).map(|&t| (k, t)))
                    .collect();
                self.installed.insert(m, map);
            }
        }
    }

    /// Loads a single directory (not its subdirectories) called from the tree, for the
    /// caller's target. Paths are shown relative to the first PATH.
    fn load_dir(
        &mut self,
        dir: &Path,
        target: usize,
        targets: &[Target],
        bases: &[(PathBuf, String)],
    ) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            self.warnings
                .push(format!("{}: cannot read module directory", dir.display()));
            return;
        };
        let (base, prefix) = (&bases[0].0, bases[0].1.as_str());
        let excluded = |p: &Path| targets[target].excludes(p);
        let target_base = &bases[target].0;
        let from_target = dir
            .strip_prefix(target_base)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| PathBuf::from(relative(target_base, dir)));
        let whole = excluded(&from_target);
        let mut found: Vec<Found> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let kind = kind_of(&name).filter(|k| *k != Kind::Unit)?;
                if !whole && excluded(&from_target.join(&name)) {
                    return None;
                }
                let path = e.path();
                let display = path
                    .strip_prefix(base)
                    .map(slash)
                    .unwrap_or_else(|_| relative(base, &path));
                Some(Found {
                    path,
                    display,
                    dir: dir.to_path_buf(),
                    kind,
                })
            })
            .collect();
        found.sort_by(|a, b| a.path.cmp(&b.path));
        let found = tofu_precedence(found);
        self.readable.push(dir.to_path_buf());
        // Make sure the directory is a module even if it holds no files.
        let display = dir
            .strip_prefix(base)
            .map(slash)
            .unwrap_or_else(|_| relative(base, dir));
        self.module_for(dir, &join_display(prefix, &display));
        self.add_files(found, base, prefix);
        self.mark(target, whole);
    }

    /// Modules some other module calls.
    fn called(&self) -> HashSet<usize> {
        let mut called = HashSet::new();
        for i in 0..self.modules.len() {
            // A module that calls itself is still a root (where the cycle shows).
            called.extend(self.callees(i).into_iter().filter(|&t| t != i));
        }
        for map in self.installed.values() {
            called.extend(map.values().copied());
        }
        called
    }

    /// The modules on disk that module `m` calls through a local source.
    fn callees(&self, m: usize) -> Vec<usize> {
        let module = &self.modules[m];
        module
            .calls
            .values()
            .filter_map(|c| c.source.as_deref().filter(|s| is_local_source(s)))
            .filter_map(|s| canonical(&module.dir.join(s)).ok())
            .filter_map(|t| self.by_dir.get(&t).copied())
            .collect()
    }

    /// Every module the given ones call, directly or not, themselves included.
    fn reachable(&self, from: &[usize]) -> HashSet<usize> {
        let mut seen: HashSet<usize> = from.iter().copied().collect();
        let mut queue: Vec<usize> = from.to_vec();
        while let Some(m) = queue.pop() {
            let installed = self
                .installed
                .get(&m)
                .into_iter()
                .flat_map(|map| map.values().copied());
            for t in self.callees(m).into_iter().chain(installed) {
                if seen.insert(t) {
                    queue.push(t);
                }
            }
        }
        seen
    }

    /// Resolves a module call's local source from the calling module's directory.
    pub fn local_module(&self, caller: usize, source: &str) -> Option<usize> {
        let target = canonical(&self.modules[caller].dir.join(source)).ok()?;
        self.by_dir.get(&target).copied()
    }
}

pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

fn read_modules_json(dir: &Path) -> HashMap<String, PathBuf> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Dir")]
        dir: String,
    }
    let path = dir.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return HashMap::new();
    };
    let Ok(manifest) = serde_json::from_str::<Manifest>(&text) else {
        return HashMap::new();
    };
    manifest
        .modules
        .into_iter()
        .filter(|e| !e.key.is_empty())
        .filter_map(|e| Some((e.key, canonical(&dir.join(&e.dir)).ok()?)))
        .collect()
}

fn is_auto_tfvars(name: &str) -> bool {
    name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// Loads what Terragrunt units need into the tree.
struct UnitHost<'a, 'b> {
    tree: &'a mut Tree,
    targets: &'a [Target<'b>],
    bases: &'a [(PathBuf, String)],
}

impl super::terragrunt::Host for UnitHost<'_, '_> {
    fn tree(&mut self) -> &mut Tree {
        self.tree
    }

    fn load_module(&mut self, dir: &Path, target: usize) -> Option<usize> {
        if !self.tree.by_dir.contains_key(dir) {
            self.tree.load_dir(dir, target, self.targets, self.bases);
        }
        self.tree.by_dir.get(dir).copied()
    }
}

/// A path as reports show it: relative to the first PATH, with its prefix.
fn shown(bases: &[(PathBuf, String)], path: &Path) -> String {
    let (base, prefix) = (&bases[0].0, bases[0].1.as_str());
    let rel = path
        .strip_prefix(base)
        .map(slash)
        .unwrap_or_else(|_| relative(base, path));
    join_display(prefix, &rel)
}

/// Reads a file as UTF-8 text, or says in a sentence why it cannot be.
pub(super) fn read_text(path: &Path) -> Result<Arc<str>, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read file: {}", io_reason(&e)))?;
    // Reading a FIFO or device would block or never end.
    if let Some(why) = crate::files::not_a_file(&meta) {
        return Err(why.into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file is {:.1} MB, larger than the {} MB xray-setup parses; skipped",
            meta.len() as f64 / 1e6,
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read file: {}", io_reason(&e)))?;
    if let Some(i) = bytes.iter().position(|b| *b == 0) {
        return Err(format!(
            "binary file (NUL byte at offset {i}), not Terraform"
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "file is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(Arc::from(text))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "not found".into(),
        _ => e.to_string(),
    }
}

fn parse(text: &str, kind: Kind) -> Result<Parsed, SyntaxError> {
    Ok(match kind {
        Kind::Config => Parsed::Config(parse_body(text)?),
        Kind::ConfigJson => Parsed::Config(parse_json_body(text)?),
        Kind::Tfvars => Parsed::Tfvars(parse_body(text)?),
        Kind::TfvarsJson => Parsed::Tfvars(parse_json_tfvars(text)?),
        // Units are read by `terragrunt`, never with the configuration files.
        Kind::Unit => Parsed::Failed,
    })
}

fn walk_warning(root: &Path, e: &walkdir::Error) -> String {
    let at = e
        .path()
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .unwrap_or_default();
    if let Some(ancestor) = e.loop_ancestor() {
        format!(
            "{at}: symlink loop (it leads back to {}); not followed",
            ancestor.display()
        )
    } else if let Some(io) = e.io_error() {
        format!("{at}: skipped: {}", io_reason(io))
    } else {
        format!("{at}: skipped: {e}")
    }
}

fn canonical(p: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(p)
}

/// A path with `/` separators, `"."` when empty.
pub fn slash(p: &Path) -> String {
    let s = p
        .components()
        // The root is the empty name before the first `/`: `/work/x`, not `//work/x`.
        .map(|c| match c {
            Component::RootDir => "".into(),
            c => c.as_os_str().to_string_lossy(),
        })
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() {
        if p.has_root() { "/" } else { "." }.into()
    } else {
        s
    }
}

/// `to` relative to `from`, both absolute: `../../x/y`.
pub fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().to_string()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

fn join_display(prefix: &str, rel: &str) -> String {
    match (prefix, rel) {
        ("", r) => r.to_string(),
        (p, ".") => p.to_string(),
        (p, r) => format!("{}/{r}", p.trim_end_matches('/')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative(Path::new("/a/b/c"), Path::new("/a/x")), "../../x");
        assert_eq!(relative(Path::new("/a"), Path::new("/a")), ".");
        assert_eq!(relative(Path::new("/a"), Path::new("/a/b")), "b");
    }

    #[test]
    fn slashed_paths() {
        assert_eq!(slash(Path::new("/work/x")), "/work/x");
        assert_eq!(slash(Path::new("a/b")), "a/b");
        assert_eq!(slash(Path::new("")), ".");
        assert_eq!(slash(Path::new("/")), "/");
    }

    #[test]
    fn file_kinds() {
        assert_eq!(kind_of("main.tf"), Some(Kind::Config));
        assert_eq!(kind_of("main.tf.json"), Some(Kind::ConfigJson));
        assert_eq!(kind_of("main.tofu"), Some(Kind::Config));
        assert_eq!(kind_of("main.tofu.json"), Some(Kind::ConfigJson));
        assert_eq!(kind_of("dev.tfvars"), Some(Kind::Tfvars));
        assert_eq!(kind_of("x.auto.tfvars.json"), Some(Kind::TfvarsJson));
        assert_eq!(kind_of(".hidden.tf"), None);
        assert_eq!(kind_of("main.tf.bak"), None);
        assert!(is_auto_tfvars("a.auto.tfvars") && !is_auto_tfvars("dev.tfvars"));
    }

    #[test]
    fn local_sources() {
        assert!(is_local_source("../modules/fn") && is_local_source("./x"));
        assert!(!is_local_source("terraform-aws-modules/lambda/aws"));
    }
}
