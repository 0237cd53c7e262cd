//! Terragrunt stacks (terragrunt.gruntwork.io/docs/features/stacks): a
//! `terragrunt.stack.hcl` whose `unit` blocks name a template folder (`source`), where
//! the unit goes (`path`, under `.terragrunt-stack/` unless `no_dot_terragrunt_stack`)
//! and the `values` it gets. `terragrunt stack generate` copies each template there; the
//! audit evaluates each unit where it would be generated, from its template, so a
//! template is not a unit of its own.

use super::super::cty::Value;
use super::files::Files;
use super::scope::{Run, Scope};
use super::{Units, unit::refusals};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// A unit a stack generates.
pub(super) struct StackUnit {
    /// The template's `terragrunt.hcl`.
    pub config: PathBuf,
    /// The template folder, copied into the unit.
    pub template: PathBuf,
    /// Where the unit is generated.
    pub dir: PathBuf,
    pub values: Option<Value>,
}

/// The units of each stack file. What cannot be read is refused or said to be unknown.
pub(super) fn read_stacks(
    files: &RefCell<Files>,
    stacks: &[PathBuf],
    readable: &[PathBuf],
    units: &mut Units,
) -> Vec<StackUnit> {
    let mut out = Vec::new();
    for path in stacks {
        let Ok(loaded) = files.borrow_mut().load(path) else {
            continue;
        };
        let stack_dir = loaded.dir.clone();
        let run = Run::new(files, stack_dir.clone(), readable.to_vec(), None);
        let scope = Scope::new(&run, loaded, stack_dir.clone(), None);
        let body = scope.loaded.body.clone();
        for block in body.blocks_of("unit") {
            let attr = |n: &str| {
                block
                    .body
                    .attribute(n)
                    .and_then(|a| Some((a, scope.eval(&a.expr)?)))
            };
            let (Some((source_attr, source)), Some((_, to))) = (attr("source"), attr("path"))
            else {
                continue;
            };
            let (Some(source), Some(to)) = (source.as_str(), to.as_str()) else {
                continue;
            };
            let template = stack_dir.join(source);
            let config = template.join(super::UNIT_FILE);
            let Ok(template) = std::fs::canonicalize(&template) else {
                run.refuse(
                    scope.file(),
                    source_attr.expr.span,
                    "Unit source not found",
                    format!(
                        "The unit source {source:?} is not a folder on disk (a remote unit source is not read offline)."
                    ),
                );
                continue;
            };
            let no_dot = attr("no_dot_terragrunt_stack")
                .and_then(|(_, v)| v.as_bool())
                .unwrap_or(false);
            let dir = if no_dot {
                stack_dir.join(to)
            } else {
                stack_dir.join(".terragrunt-stack").join(to)
            };
            out.push(StackUnit {
                config,
                template,
                dir: normal(&dir),
                values: attr("values").map(|(_, v)| v),
            });
        }
        let shown = files.borrow().show(&stack_dir);
        units.invalid.extend(refusals(&run, &shown));
    }
    out
}

/// `a/./b/../c` as `a/c`, without touching the disk (the folder may not exist yet).
fn normal(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}
