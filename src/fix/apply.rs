//! Planning which fixes to apply, and applying them: edits per file from the end
//! backwards, the result parsed before anything is written, each file written atomically
//! ([`crate::atomic`]: a temporary file beside it, then a rename, permissions kept; no
//! temporary file outlives the run), and never a file that changed since it was read, one
//! outside the PATHs given, or one behind a symlink.

use super::{Edit, Fix, Safety, render};
use crate::finding::Finding;
use crate::model::{FileId, Inventory};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The fixes chosen for a set of findings, and what was left with why.
#[derive(Debug, Default)]
pub struct Plan {
    /// (finding index, its fix)
    pub fixes: Vec<(usize, Fix)>,
    /// (finding index, why it is not fixed automatically)
    pub left: Vec<(usize, String)>,
}

/// Chooses fixes for the findings `wanted` selects; fixes that need review only with
/// `unsafe_ok`.
pub fn plan(
    inv: &Inventory,
    findings: &[Finding],
    wanted: impl Fn(&Finding) -> bool,
    unsafe_ok: bool,
) -> Plan {
    let mut plan = Plan::default();
    for (i, f) in findings.iter().enumerate() {
        let Some(remedy) = f.remedy.as_ref().filter(|_| wanted(f)) else {
            continue;
        };
        match render(inv, remedy) {
            Ok(fix) => match &fix.safety {
                Safety::NeedsReview(why) if !unsafe_ok => {
                    plan.left
                        .push((i, format!("needs review: {why}; --unsafe applies it")));
                }
                _ => plan.fixes.push((i, fix)),
            },
            Err(why) => plan.left.push((i, why)),
        }
    }
    plan
}

/// One file's change.
#[derive(Debug)]
pub struct FileChange {
    pub file: FileId,
    pub display: String,
    pub before: String,
    pub after: String,
    /// Findings this change fixes.
    pub findings: Vec<usize>,
}

#[derive(Debug)]
pub struct FileProblem {
    pub display: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Applied {
    /// Changes made (or, in a dry run, that would be made).
    pub changes: Vec<FileChange>,
    /// Files not changed, and why.
    pub problems: Vec<FileProblem>,
    /// Fixes dropped because they overlap another's edits: (finding index, why).
    pub conflicts: Vec<(usize, String)>,
}

/// Applies a plan: computes each file's new text and, with `write`, writes it. `roots`
/// are the PATHs given; nothing outside them is written.
pub fn apply(inv: &Inventory, plan: &Plan, write: bool, roots: &[PathBuf]) -> Applied {
    let mut out = Applied::default();
    let mut per_file: BTreeMap<FileId, Vec<(usize, &Edit)>> = BTreeMap::new();
    let mut seen: HashSet<&Edit> = HashSet::new();
    for (finding, fix) in &plan.fixes {
        for edit in &fix.edits {
            // The same edit serves several findings (instances of one module call).
            if seen.insert(edit) {
                per_file
                    .entry(edit.file)
                    .or_default()
                    .push((*finding, edit));
            } else if let Some(list) = per_file.get_mut(&edit.file) {
                list.push((*finding, edit));
            }
        }
    }
    let roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    for (file, edits) in per_file {
        let merged = merge_attribute_insertions(edits);
        let edits: Vec<(usize, &Edit)> = merged
            .iter()
            .flat_map(|(fs, e)| fs.iter().map(move |f| (*f, e)))
            .collect();
        let source = &inv.files[file.0 as usize];
        // From the end backwards, so earlier offsets stay valid; insertions at one point
        // are applied last-first, so they end up in the order the fixes gave them.
        let mut edits: Vec<(usize, usize, &Edit)> = edits
            .into_iter()
            .enumerate()
            .map(|(i, (f, e))| (i, f, e))
            .collect();
        edits.sort_by_key(|(i, _, e)| {
            (
                std::cmp::Reverse(e.span.start),
                std::cmp::Reverse(e.span.end),
                std::cmp::Reverse(*i),
            )
        });
        let mut after = source.text.to_string();
        let mut applied: Vec<&Edit> = Vec::new();
        let mut findings = Vec::new();
        for (_, finding, edit) in edits {
            if applied.contains(&edit) {
                findings.push(finding);
                continue;
            }
            let overlaps = applied
                .iter()
                .any(|a| edit.span.start < a.span.end && a.span.start < edit.span.end);
            if overlaps {
                out.conflicts.push((
                    finding,
                    "its edit overlaps another fix's; run fix again".into(),
                ));
                continue;
            }
            after.replace_range(edit.span.range(), &edit.text);
            applied.push(edit);
            findings.push(finding);
        }
        findings.sort_unstable();
        findings.dedup();
        let display = source.display.clone();
        if let Err(e) = crate::source::terraform::parse::parse_body(&after) {
            out.problems.push(FileProblem {
                display,
                reason: format!(
                    "the fixed file would not parse ({}), so it was left untouched",
                    e.message
                ),
            });
            continue;
        }
        if write && let Err(reason) = write_safely(&source.path, &source.text, &after, &roots) {
            out.problems.push(FileProblem { display, reason });
            continue;
        }
        out.changes.push(FileChange {
            file,
            display,
            before: source.text.to_string(),
            after,
            findings,
        });
    }
    out
}

/// Merges attribute insertions at the same point of a file into one edit: each attribute
/// once (the first fix naming it wins), all aligned together. Other edits pass through.
/// Returns each edit with the findings it serves.
fn merge_attribute_insertions(edits: Vec<(usize, &Edit)>) -> Vec<(Vec<usize>, Edit)> {
    let mut out: Vec<(Vec<usize>, Edit)> = Vec::new();
    let mut groups: BTreeMap<u32, (Vec<usize>, Vec<&Edit>)> = BTreeMap::new();
    for (finding, edit) in edits {
        match &edit.attribute {
            Some(_) if edit.span.start == edit.span.end => {
                let group = groups.entry(edit.span.start).or_default();
                group.0.push(finding);
                if !group.1.iter().any(|e| {
                    e.attribute.as_ref().map(|a| &a.name)
                        == edit.attribute.as_ref().map(|a| &a.name)
                }) {
                    group.1.push(edit);
                }
            }
            _ => out.push((vec![finding], edit.clone())),
        }
    }
    for (findings, group) in groups.into_values() {
        let attributes: Vec<&super::Attribute> =
            group.iter().filter_map(|e| e.attribute.as_ref()).collect();
        let first = group[0];
        out.push((
            findings,
            Edit {
                file: first.file,
                span: first.span,
                text: super::Attribute::render(&attributes),
                attribute: None,
            },
        ));
    }
    out
}

/// Writes `after` over `path` if it still holds `before`, atomically.
fn write_safely(path: &Path, before: &str, after: &str, roots: &[PathBuf]) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot read it again: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err("it is a symlink; xray-setup does not write through links".into());
    }
    let real = std::fs::canonicalize(path).map_err(|e| format!("cannot resolve it: {e}"))?;
    if !roots.iter().any(|r| real.starts_with(r)) {
        return Err("it is outside the PATHs given; nothing outside them is written".into());
    }
    if meta.permissions().readonly() {
        return Err("it is read-only; make it writable to fix it".into());
    }
    let now = std::fs::read(path).map_err(|e| format!("cannot read it again: {e}"))?;
    if now != before.as_bytes() {
        return Err("it changed since it was read; run fix again".into());
    }
    crate::atomic::replace(
        &real,
        crate::atomic::Mode::Keep(meta.permissions()),
        |out| out.write_all(after.as_bytes()),
    )
    .map_err(|e| e.to_string())
}

/// The change as a unified diff, with `a/` and `b/` paths as git shows them.
pub fn diff(change: &FileChange) -> String {
    similar::TextDiff::from_lines(&change.before, &change.after)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", change.display),
            &format!("b/{}", change.display),
        )
        .to_string()
}
