//! What the fuzz targets share: a fuzz input read as a small Terraform tree, written to a
//! private directory under `$TMPDIR`, and the whole audit run over it, as
//! `xray-setup audit` and `xray-setup fix` (without `--write`) run it.
//!
//! The loader reads a tree from disk (it walks directories, follows local module sources,
//! reads `.terraform/modules/modules.json`, and `file()` reads beside the module), so the
//! input is written out rather than handed over in memory: that is the path real trees
//! take.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tempfile::TempDir;
use xray_setup::policy::{self, Config, Date, Scopes};
use xray_setup::report::{self, Reporter};
use xray_setup::rules::Options;
use xray_setup::source::terraform::Variables;

/// A scratch directory for one fuzzing process, reused by every input.
pub struct Workdir {
    keep: TempDir,
    /// Where the tree is written: nested a few levels down, so that a module source or a
    /// `file()` path climbing out with `../` stays inside this process's directory.
    pub root: PathBuf,
}

impl Workdir {
    /// A new directory under `$TMPDIR`. A fuzzing process that crashes, hangs or runs out
    /// of memory never drops it (nor does one that exits, since the directory lives in a
    /// static), so `scripts/fuzz.sh` points `$TMPDIR` at a directory of its own (on tmpfs
    /// when there is one) and removes that at the end.
    pub fn new() -> Workdir {
        let keep = tempfile::Builder::new()
            .prefix("xray-setup-fuzz-")
            .tempdir()
            .expect("a scratch directory");
        let root = keep.path().join("a/b/c/root");
        std::fs::create_dir_all(&root).expect("scratch root");
        Workdir { keep, root }
    }

    /// Empties the scratch directory (everything under it, what `../` reached too) and
    /// writes `files` under the root.
    pub fn write(&self, files: &[(String, Vec<u8>)]) {
        let top = self.keep.path();
        let _ = std::fs::remove_dir_all(top.join("a"));
        std::fs::create_dir_all(&self.root).expect("scratch root");
        for (name, text) in files {
            let path = self.root.join(name);
            if let Some(dir) = path.parent()
                && std::fs::create_dir_all(dir).is_err()
            {
                continue;
            }
            // A name that is also a directory (`a` and `a/b.tf`) is skipped.
            let _ = std::fs::write(&path, text);
        }
    }
}

impl Default for Workdir {
    fn default() -> Self {
        Workdir::new()
    }
}

/// The process's scratch directory.
pub fn workdir() -> &'static Mutex<Workdir> {
    static DIR: std::sync::OnceLock<Mutex<Workdir>> = std::sync::OnceLock::new();
    DIR.get_or_init(|| Mutex::new(Workdir::new()))
}

/// Splits an input into files. A line `--- NAME` starts a file called NAME (a relative
/// path such as `modules/fn/main.tf`, `terraform.tfvars` or
/// `.terraform/modules/modules.json`); what comes before the first such line is the file
/// `first`. A name that is not a plain relative path becomes `fN.tf`.
pub fn split_files(data: &[u8], first: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut name = first.to_string();
    let mut text: Vec<u8> = Vec::new();
    for line in data.split_inclusive(|b| *b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"--- ") {
            let next = String::from_utf8_lossy(rest).trim().to_string();
            if !text.is_empty() || name != first {
                files.push((name, std::mem::take(&mut text)));
            }
            name = sanitize(&next).unwrap_or_else(|| format!("f{}.tf", files.len()));
            continue;
        }
        text.extend_from_slice(line);
    }
    files.push((name, text));
    // At most a few dozen files, so that one input stays a small tree.
    files.truncate(32);
    files
}

fn sanitize(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 80 || name.starts_with('/') {
        return None;
    }
    let parts: Vec<&str> = name.split('/').collect();
    let plain = |p: &&str| {
        !p.is_empty()
            && *p != "."
            && *p != ".."
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    };
    (parts.len() <= 4 && parts.iter().all(plain)).then(|| name.to_string())
}

/// Audits the tree at `root` as `xray-setup audit --format json` and `xray-setup fix`
/// (a dry run) do: scan, rules, suppressions, every report format, the fixes. Returns
/// the JSON report, or `None` when the run itself failed (as exit status 2).
pub fn audit(root: &Path, config: Config, variables: &Variables) -> Option<Vec<u8>> {
    let scopes = Scopes::one(config, root);
    let outcome = xray_setup::audit_terraform(&scopes, variables, &Options::default()).ok()?;
    let mut inventory = outcome.inventory;
    let triage = policy::triage(
        outcome.findings,
        &mut inventory,
        &scopes,
        &outcome.places,
        None,
        Date::today(),
    );
    let rep = report::Report {
        findings: &triage.findings,
        inventory: &inventory,
        files: inventory.files.len(),
        suppressed: &triage.suppressed,
        show_suppressed: true,
        baselined: 0,
    };
    let mut json = Vec::new();
    report::Json
        .write(&rep, &mut json)
        .expect("report to memory");
    let others: [&dyn Reporter; 5] = [
        &report::Text { color: false },
        &report::Sarif,
        &report::Junit,
        &report::Markdown,
        &report::Github,
    ];
    for r in others {
        let mut out = Vec::new();
        r.write(&rep, &mut out).expect("report to memory");
    }
    let plan = xray_setup::fix::plan(&inventory, &triage.findings, |_| true, true);
    let applied = xray_setup::fix::apply(&inventory, &plan, false, &[root.to_path_buf()]);
    // A dry run writes nothing, so its only problem can be a fix whose result would not
    // parse: an edit the fix rendered wrongly.
    assert!(
        applied.problems.is_empty(),
        "a fix breaks its file: {:?}",
        applied
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.display, p.reason))
            .collect::<Vec<_>>()
    );
    for change in &applied.changes {
        let _ = xray_setup::fix::diff(change);
    }
    Some(json)
}

/// A tree from one input (`first` is the first file's name), audited with the default
/// config and workspace: the `terraform` and `terraform_json` targets.
pub fn audit_input(data: &[u8], first: &str) {
    let files = split_files(data, first);
    let dir = workdir().lock().unwrap();
    dir.write(&files);
    let variables = Variables {
        workspace: Some("default".into()),
        ..Variables::default()
    };
    audit(&dir.root, Config::default(), &variables);
}
