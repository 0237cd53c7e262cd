//! A whole unit: its includes evaluated and merged, the module its `terraform { source }`
//! names found on disk, and the working directory Terragrunt would run `plan` in built
//! as a module of its own: the module's files, the unit's own files copied beside them,
//! and the files its `generate` blocks write.

use super::super::cty::{Value, Why};
use super::super::load::{Tree, is_local_source};
use super::super::module::{Module, Tfvars};
use super::config::{self, Config, Generate, Inputs};
use super::files::Files;
use super::merge::{Merged, Strategy, merge};
use super::scope::{Run, Scope};
use super::stack::StackUnit;
use super::{Unit, Units};
use crate::model::{
    FileId, FileProblem, InvalidConfig, Meta, Origin, SourceFile, Span, Unaudited, Unresolved,
};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// What the loader needs from the tree it loads units into.
pub trait Host {
    fn tree(&mut self) -> &mut Tree;
    /// Loads the module in `dir` (one directory) for `target` if it is not loaded yet.
    fn load_module(&mut self, dir: &Path, target: usize) -> Option<usize>;
}

/// Loads every unit (the `terragrunt.hcl` files found, and the units each
/// `terragrunt.stack.hcl` generates) into the tree: each becomes a module of its own,
/// evaluated as a root with the unit's inputs. Returns the new modules, and the modules
/// that are part of units and so not roots of their own (the modules units source, units'
/// own directories, templates).
pub fn load_units(
    host: &mut dyn Host,
    show: &dyn Fn(&Path) -> String,
    found: &[(PathBuf, usize)],
) -> (Vec<usize>, Vec<usize>) {
    let mut units = Units::default();
    let mut roots = Vec::new();
    let mut hidden = Vec::new();
    // One set of files for every unit: a parent many units include is one file.
    let files = RefCell::new(Files::new(host.tree().files.len(), show));
    let is_stack = |p: &Path| p.file_name().is_some_and(|n| n == super::STACK_FILE);
    let stack_files: Vec<PathBuf> = found
        .iter()
        .filter(|(p, _)| is_stack(p))
        .map(|(p, _)| p.clone())
        .collect();
    let readable = host.tree().readable.clone();
    let generated = super::stack::read_stacks(&files, &stack_files, &readable, &mut units);
    let (added, problems) = files.borrow_mut().take(host.tree().files.len());
    flush(host.tree(), added, problems, 0);
    let unit_dirs: Vec<PathBuf> = found
        .iter()
        .filter(|(p, _)| !is_stack(p))
        .filter_map(|(p, _)| {
            std::fs::canonicalize(p)
                .ok()?
                .parent()
                .map(Path::to_path_buf)
        })
        .collect();
    let mut todo: Vec<(PathBuf, usize, Option<&StackUnit>)> = Vec::new();
    for (path, target) in found.iter().filter(|(p, _)| !is_stack(p)) {
        let dir = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        // A template is evaluated where the stack generates it, not in place.
        if generated.iter().any(|g| Some(&g.template) == dir.as_ref()) {
            continue;
        }
        todo.push((path.clone(), *target, None));
    }
    for g in &generated {
        // Generated already (beside the stack file): audited as found.
        if unit_dirs.contains(&g.dir) {
            continue;
        }
        todo.push((g.config.clone(), 0, Some(g)));
    }
    for (path, target, stack) in todo {
        let Some(loaded) = load_one(host, &files, &path, target, stack, &mut units) else {
            continue;
        };
        hidden.extend(loaded.hidden);
        if let Some(m) = loaded.module {
            roots.push(m);
            units.by_module.insert(m, loaded.unit);
        }
    }
    host.tree().units = units;
    (roots, hidden)
}

struct Loaded {
    unit: Unit,
    module: Option<usize>,
    hidden: Vec<usize>,
}

/// Terragrunt's refusals recorded in a run, as findings of `root`.
pub(super) fn refusals(run: &Run, root: &str) -> Vec<InvalidConfig> {
    run.invalid
        .borrow()
        .iter()
        .map(|(file, span, summary, detail)| InvalidConfig {
            origin: Origin::file(*file, *span),
            root: root.to_string(),
            summary: summary.clone(),
            detail: detail.clone(),
        })
        .collect()
}

/// Evaluates one unit and builds its working directory. A unit a stack generates is
/// evaluated from its template's file, in the folder it is generated into.
fn load_one(
    host: &mut dyn Host,
    files: &RefCell<Files>,
    path: &Path,
    target: usize,
    stack: Option<&StackUnit>,
    units: &mut Units,
) -> Option<Loaded> {
    files.borrow_mut().renumber(host.tree().files.len());
    let readable: Vec<PathBuf> = host.tree().readable.clone();
    let unit_file = files.borrow_mut().load(path);
    let evaluated = unit_file.ok().map(|loaded| {
        let unit_dir = stack.map_or_else(|| loaded.dir.clone(), |g| g.dir.clone());
        let values = match stack {
            Some(g) => g.values.clone(),
            None => values_beside(files, &unit_dir, &readable),
        };
        let run = Run::new(files, unit_dir.clone(), readable.clone(), values);
        let merged = evaluate_unit(&run, loaded.clone());
        let read: Vec<FileId> = run.read.borrow().iter().copied().collect();
        // A folder of .tf files that generate blocks copy from (with file()) is a
        // template, not a module of its own.
        let templates: Vec<PathBuf> = run
            .file_reads
            .borrow()
            .iter()
            .filter(|p| is_config(&file_name(p)))
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect();
        let invalid = refusals(&run, &run.unit_display);
        (
            templates,
            unit_dir,
            run.unit_display.clone(),
            merged,
            invalid,
            run.notes.into_inner(),
            read,
        )
    });
    let (added, problems) = files.borrow_mut().take(host.tree().files.len());
    flush(host.tree(), added, problems, target);
    let (templates, unit_dir, display, merged, invalid, notes, read) = evaluated?;
    for id in read {
        *units.readers.entry(id).or_default() += 1;
    }
    if !notes.is_empty() {
        units.notes.push(format!(
            "{display}: dependency outputs taken from mock_outputs, as `terragrunt plan` takes them before the dependency is applied: {}",
            notes.join(", ")
        ));
    }
    units.invalid.extend(invalid);
    // The folder whose files Terragrunt copies into the working directory.
    let own_dir = stack.map_or_else(|| unit_dir.clone(), |g| g.template.clone());
    let by_dir = &host.tree().by_dir;
    let mut hidden: Vec<usize> = std::iter::once(&own_dir)
        .chain(&templates)
        .filter_map(|d| by_dir.get(d).copied())
        .collect();
    let (var_files, vars) = extra_arguments(files, &unit_dir, &merged, units, &display);
    let (added, problems) = files.borrow_mut().take(host.tree().files.len());
    flush(host.tree(), added, problems, target);
    let unit = Unit {
        var_files,
        vars,
        inputs: match &merged.inputs {
            Some(Inputs::Known(list)) => list.clone(),
            _ => Vec::new(),
        },
        inputs_unknown: match &merged.inputs {
            Some(Inputs::Unknown(why)) => Some(why.clone()),
            _ => None,
        },
    };
    let module_dir = match &merged.source {
        None => own_dir.clone(),
        Some(source) => {
            let show = |p: &Path| files.borrow().show(p);
            match source_dir(&show, &unit_dir, source, &display, units) {
                Some(dir) => dir,
                // Reported; the unit's own files are still not a root of their own.
                None => {
                    return Some(Loaded {
                        unit,
                        module: None,
                        hidden,
                    });
                }
            }
        }
    };
    let source_module = host.load_module(&module_dir, target);
    hidden.extend(source_module);
    let module = working_directory(
        host.tree(),
        &own_dir,
        &module_dir,
        &display,
        &merged.generates,
        target,
        units,
    );
    Some(Loaded {
        unit,
        module: Some(module),
        hidden,
    })
}

/// The variable files and values the unit's `extra_arguments` pass to `plan`. A
/// `required_var_files` entry that does not exist is refused, as Terragrunt refuses it.
fn extra_arguments(
    files: &RefCell<Files>,
    unit_dir: &Path,
    merged: &Merged,
    units: &mut Units,
    display: &str,
) -> (Vec<Tfvars>, Vec<(String, String)>) {
    let mut var_files = Vec::new();
    let mut vars = Vec::new();
    for extra in &merged.extra_arguments {
        for path in &extra.var_files {
            let loaded = files.borrow_mut().load(&unit_dir.join(path));
            match loaded {
                Ok(l) => var_files.push(Tfvars {
                    file: l.file,
                    body: (*l.body).clone(),
                }),
                Err(why) => units.invalid.push(InvalidConfig {
                    origin: Origin::file(extra.file, extra.span),
                    root: display.to_string(),
                    summary: "Variable file not found".into(),
                    detail: format!("extra_arguments \"{}\" passes {path}: {why}.", extra.name),
                }),
            }
        }
        vars.extend(extra.vars.iter().cloned());
    }
    (var_files, vars)
}

/// The `values` of a unit `terragrunt stack generate` wrote: its
/// `terragrunt.values.hcl`, attribute by attribute.
fn values_beside(files: &RefCell<Files>, dir: &Path, readable: &[PathBuf]) -> Option<Value> {
    let path = dir.join(super::VALUES_FILE);
    if !path.is_file() {
        return None;
    }
    let loaded = files.borrow_mut().load(&path).ok()?;
    let run = Run::new(files, dir.to_path_buf(), readable.to_vec(), None);
    let scope = Scope::new(&run, loaded, dir.to_path_buf(), None);
    let body = scope.loaded.body.clone();
    let attrs = body
        .attributes
        .iter()
        .filter_map(|a| Some((a.name.to_string(), scope.eval(&a.expr)?)))
        .collect();
    Some(Value::object(attrs))
}

/// Moves the files read for a unit into the tree.
fn flush(tree: &mut Tree, added: Vec<SourceFile>, problems: Vec<FileProblem>, target: usize) {
    tree.files.extend(added);
    tree.problems.extend(problems);
    tree.file_target.resize(tree.files.len(), target);
    tree.excluded.resize(tree.files.len(), false);
}

/// The unit's file and its includes, merged as Terragrunt merges them.
fn evaluate_unit(run: &Run, loaded: super::files::Loaded) -> Merged {
    let unit_dir = run.unit_dir.clone();
    let scope = Scope::new(run, loaded, unit_dir.clone(), None);
    let body = scope.loaded.body.clone();
    let mut parents: Vec<(Config, Strategy)> = Vec::new();
    for block in body.blocks_of("include") {
        let name = block
            .labels
            .first()
            .map(|l| l.to_string())
            .unwrap_or_default();
        let Some(path_attr) = block.body.attribute("path") else {
            run.refuse(
                scope.file(),
                block.header,
                "Missing required argument",
                "The argument \"path\" is required in an include block.".into(),
            );
            continue;
        };
        let Some(path) = scope.eval(&path_attr.expr) else {
            continue;
        };
        let Some(path) = path.as_str().map(str::to_string) else {
            run.refuse(
                scope.file(),
                path_attr.expr.span,
                "Invalid include path",
                "The include path must be a known string.".into(),
            );
            continue;
        };
        let attr = |n: &str| {
            block
                .body
                .attribute(n)
                .and_then(|a| Some((a, scope.eval(&a.expr)?)))
        };
        let expose = attr("expose")
            .and_then(|(_, v)| v.as_bool())
            .unwrap_or(false);
        let strategy = match attr("merge_strategy") {
            None => Strategy::Shallow,
            Some((a, v)) => match v.as_str().and_then(Strategy::parse) {
                Some(s) => s,
                None => {
                    run.refuse(
                        scope.file(),
                        a.expr.span,
                        "Invalid merge_strategy",
                        "merge_strategy must be one of \"no_merge\", \"shallow\", \"deep\" or \"deep_map_only\".".into(),
                    );
                    Strategy::Shallow
                }
            },
        };
        // The path is relative to the including unit's directory.
        let wanted = unit_dir.join(&path);
        let parent = run.files.borrow_mut().load(&wanted);
        let parent = match parent {
            Ok(p) => p,
            Err(why) => {
                let shown = run.files.borrow().show(&wanted);
                run.refuse(
                    scope.file(),
                    path_attr.expr.span,
                    "Error reading included configuration",
                    format!("{shown}: {why}"),
                );
                continue;
            }
        };
        run.includes
            .borrow_mut()
            .push((name.clone(), parent.dir.clone()));
        if let Some(nested) = parent.body.blocks_of("include").next() {
            run.refuse(
                parent.file,
                nested.header,
                "Nested include",
                "An included configuration may not include another: Terragrunt supports only one level of include.".into(),
            );
        }
        // Evaluated in the context of the unit (its directory, its functions).
        let parent_scope = Scope::new(run, parent, unit_dir.clone(), Some(name.clone()));
        let config = config::evaluate(&parent_scope);
        if expose {
            scope.exposed.borrow_mut().push((name, config.to_value()));
        }
        if strategy != Strategy::NoMerge {
            scope
                .dependencies
                .borrow_mut()
                .extend(config.dependencies.clone());
        }
        parents.push((config, strategy));
    }
    let own = config::evaluate(&scope);
    // Terragrunt merges each include in turn under what is merged so far: the unit
    // wins, then earlier includes over later ones.
    let mut merged = Merged::of(&own);
    for (parent, strategy) in &parents {
        merged = merge(parent, merged, *strategy);
    }
    merged
}

/// The directory of the module a unit's `terraform { source }` names: a local path
/// (`../modules//app`: the module is `app` under the copied `../modules`), or a remote
/// source found downloaded in the unit's `.terragrunt-cache`. `None` after reporting
/// why the module cannot be read.
fn source_dir(
    show: &dyn Fn(&Path) -> String,
    unit_dir: &Path,
    source: &config::Placed,
    display: &str,
    units: &mut Units,
) -> Option<PathBuf> {
    let not_on_disk = |units: &mut Units, what: String, hint: String| {
        let why = Why::Terragrunt { what, hint };
        units.unaudited.push(Unaudited {
            meta: Meta {
                address: "terraform.source".into(),
                root: display.to_string(),
                account: None,
                origin: Some(Origin::file(source.file, source.span)),
                block: None,
                repeated: None,
                region: None,
            },
            subject: format!("The module of Terragrunt unit {display} was not audited"),
            what: Unresolved {
                expression: String::new(),
                why: why.describe(),
                hint: why.hint(),
                partial: None,
            },
        });
        None
    };
    let Some(text) = source.value.as_str().filter(|_| source.value.is_known()) else {
        let why = source.value.why().map(|w| w.describe()).unwrap_or_default();
        return not_on_disk(
            units,
            format!("the unit's module source is not known: {why}"),
            "write the source so it is known before Terragrunt runs".into(),
        );
    };
    let (base, subdir) = split_subdir(text);
    if is_local(unit_dir, base) {
        let base = base.split('?').next().unwrap_or(base);
        let dir = unit_dir.join(base).join(subdir);
        return match std::fs::canonicalize(&dir) {
            Ok(d) if d.is_dir() => Some(d),
            _ => {
                units.invalid.push(InvalidConfig {
                    origin: Origin::file(source.file, source.span),
                    root: display.to_string(),
                    summary: "Module source not found".into(),
                    detail: format!(
                        "The source {text:?} names {}, which does not exist.",
                        show(&dir)
                    ),
                });
                None
            }
        };
    }
    match cached(unit_dir, subdir) {
        Some(dir) => Some(dir),
        None => not_on_disk(
            units,
            format!("the unit's module (source `{text}`) is not on disk"),
            "run `terragrunt init` in the unit so its .terragrunt-cache holds the module".into(),
        ),
    }
}

/// `SOURCE//SUBDIR`, as go-getter splits it: the `//` after any `scheme://`.
fn split_subdir(source: &str) -> (&str, &str) {
    let start = source.find("://").map_or(0, |i| i + 3);
    match source[start..].find("//") {
        Some(i) => {
            let (base, rest) = source.split_at(start + i);
            let sub = rest[2..].split('?').next().unwrap_or("");
            (base, sub)
        }
        None => (source, ""),
    }
}

/// A local path, as Terragrunt treats a source without a getter prefix that exists.
fn is_local(unit_dir: &Path, base: &str) -> bool {
    if is_local_source(base) || base.starts_with('/') {
        return true;
    }
    !base.contains("::") && !base.contains("://") && unit_dir.join(base).is_dir()
}

/// A remote module downloaded into `.terragrunt-cache/HASH/HASH/`, the newest when
/// there are several (an older version left behind).
fn cached(unit_dir: &Path, subdir: &str) -> Option<PathBuf> {
    let cache = unit_dir.join(".terragrunt-cache");
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for a in std::fs::read_dir(&cache).ok()?.flatten() {
        for b in std::fs::read_dir(a.path()).into_iter().flatten().flatten() {
            let dir = b.path().join(subdir);
            let has_config = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| {
                    let n = e.file_name().to_string_lossy().to_string();
                    n.ends_with(".tf") || n.ends_with(".tf.json") || n.ends_with(".tofu")
                });
            if has_config {
                let time = b
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                found.push((time, dir));
            }
        }
    }
    found.sort();
    found.pop().and_then(|(_, d)| std::fs::canonicalize(d).ok())
}

/// The working directory as a module: the module's files, then the unit's own files
/// copied over them (a file of the same name replaces the module's), then generated
/// files as each block's `if_exists` says.
fn working_directory(
    tree: &mut Tree,
    unit_dir: &Path,
    module_dir: &Path,
    display: &str,
    generates: &[Generate],
    target: usize,
    units: &mut Units,
) -> usize {
    let mut config: Vec<(String, FileId)> = Vec::new();
    let mut tfvars: Vec<(String, FileId, super::super::ir::Body)> = Vec::new();
    for dir in [module_dir, unit_dir] {
        let Some(&m) = tree.by_dir.get(dir) else {
            continue;
        };
        let module = &tree.modules[m];
        for &f in &module.files {
            let name = file_name(&tree.files[f.0 as usize].path);
            config.retain(|(n, _)| *n != name);
            config.push((name, f));
        }
        for t in module.auto_tfvars.iter() {
            let name = file_name(&tree.files[t.file.0 as usize].path);
            tfvars.retain(|(n, _, _)| *n != name);
            tfvars.push((name, t.file, t.body.clone()));
        }
    }
    let mut files = Files::new(tree.files.len(), &|p: &Path| p.display().to_string());
    for g in generates.iter().filter(|g| !g.disabled) {
        let by = format!(
            "generate \"{}\" in {}",
            g.name, tree.files[g.file.0 as usize].display
        );
        let (Some(path), Some(contents)) = (&g.path, &g.contents) else {
            let why = g.unknown.as_ref().map(Why::describe).unwrap_or_default();
            units
                .notes
                .push(format!("{display}: {by}: not read ({why})"));
            continue;
        };
        let name = file_name(Path::new(path));
        let exists = config.iter().any(|(n, _)| *n == name);
        if exists {
            match g.if_exists.as_str() {
                "skip" => continue,
                "overwrite" => {}
                other => {
                    units.invalid.push(InvalidConfig {
                        origin: Origin::file(g.file, g.span),
                        root: display.to_string(),
                        summary: "Generated file already exists".into(),
                        detail: format!(
                            "{path} is already in the working directory and was not written by Terragrunt; with if_exists = {other:?} Terragrunt refuses to write it."
                        ),
                    });
                    continue;
                }
            }
        }
        if !is_config(&name) {
            continue;
        }
        let id = files.generated(
            unit_dir.join(path),
            format!("{}/{path}", display.trim_end_matches('/')),
            contents,
            by,
        );
        config.retain(|(n, _)| *n != name);
        config.push((name, id));
    }
    flush(tree, files.added, Vec::new(), target);
    let mut module = Module {
        dir: module_dir.to_path_buf(),
        display_dir: display.to_string(),
        ..Module::default()
    };
    config.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, id) in config {
        let text = tree.files[id.0 as usize].text.clone();
        let parsed = if name.ends_with(".json") {
            super::super::json::parse_json_body(&text)
        } else {
            super::super::parse::parse_body(&text)
        };
        match parsed {
            Ok(body) => module.add_file(id, &name, body),
            Err(e) => {
                // Reported once, for the file's own module, unless generated here.
                if tree.files[id.0 as usize].generated_by.is_some() {
                    tree.problems.push(FileProblem {
                        origin: Origin::file(id, Span::new(e.offset..e.offset)),
                        message: e.message,
                    });
                }
                module.add_unparsed(id, &name);
            }
        }
    }
    let problems = module.merge_overrides();
    tree.problems.extend(problems);
    // terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars by name.
    tfvars.sort_by_key(|(n, _, _)| (!n.starts_with("terraform.tfvars"), n.clone()));
    module.auto_tfvars = tfvars
        .into_iter()
        .map(|(_, file, body)| Tfvars { file, body })
        .collect();
    tree.modules.push(module);
    let m = tree.modules.len() - 1;
    tree.module_target.resize(tree.modules.len(), target);
    m
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

fn is_config(name: &str) -> bool {
    [".tf", ".tf.json", ".tofu", ".tofu.json"]
        .iter()
        .any(|s| name.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_split_at_the_double_slash_after_the_scheme() {
        assert_eq!(split_subdir("../../modules//app"), ("../../modules", "app"));
        assert_eq!(
            split_subdir("git::git@github.com:org/repo.git//modules/mysql?ref=v0.8.0"),
            ("git::git@github.com:org/repo.git", "modules/mysql")
        );
        assert_eq!(
            split_subdir("tfr://registry.terraform.io/x/y/aws?version=1.0"),
            ("tfr://registry.terraform.io/x/y/aws?version=1.0", "")
        );
        assert_eq!(
            split_subdir("/abs/catalog//lambda"),
            ("/abs/catalog", "lambda")
        );
    }
}
