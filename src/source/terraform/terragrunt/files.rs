//! Terragrunt's own files (`terragrunt.hcl`, the parents units include, what
//! `read_terragrunt_config` reads), each read and parsed once per run, and the files
//! `generate` blocks write.

use super::super::ir::Body;
use super::super::parse::parse_body;
use crate::model::{FileId, FileProblem, Origin, SourceFile, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A parsed Terragrunt file.
#[derive(Clone)]
pub(super) struct Loaded {
    pub file: FileId,
    pub body: Rc<Body>,
    /// Canonical path and directory.
    pub path: PathBuf,
    pub dir: PathBuf,
}

pub(super) struct Files<'d> {
    next_id: usize,
    /// Files read (and written by `generate`), in `FileId` order from `next_id`'s start.
    pub added: Vec<SourceFile>,
    by_path: HashMap<PathBuf, Result<Loaded, String>>,
    /// Files that could not be parsed, where.
    pub problems: Vec<FileProblem>,
    /// How a path is shown in reports.
    display: &'d dyn Fn(&Path) -> String,
}

impl<'d> Files<'d> {
    /// Files numbered from `next_id` (the tree's file count).
    pub fn new(next_id: usize, display: &'d dyn Fn(&Path) -> String) -> Files<'d> {
        Files {
            next_id,
            added: Vec::new(),
            by_path: HashMap::new(),
            problems: Vec::new(),
            display,
        }
    }

    pub fn show(&self, path: &Path) -> String {
        (self.display)(path)
    }

    /// The file at `path`, read and parsed; or why not, in a few words. A syntax error
    /// is also recorded as a problem of the file.
    pub fn load(&mut self, path: &Path) -> Result<Loaded, String> {
        let real = std::fs::canonicalize(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        })?;
        if let Some(done) = self.by_path.get(&real) {
            return done.clone();
        }
        let result = self.read(&real);
        self.by_path.insert(real, result.clone());
        result
    }

    fn read(&mut self, real: &Path) -> Result<Loaded, String> {
        if real.is_dir() {
            return Err("is a directory".into());
        }
        let text = super::super::load::read_text(real)?;
        let file = self.push(SourceFile::new(
            real.to_path_buf(),
            self.show(real),
            text.clone(),
        ));
        let name = real.to_string_lossy();
        let parsed = if name.ends_with(".json") {
            super::super::json::parse_json_tfvars(&text)
        } else {
            parse_body(&text)
        };
        match parsed {
            Ok(body) => Ok(Loaded {
                file,
                body: Rc::new(body),
                path: real.to_path_buf(),
                dir: real.parent().map(Path::to_path_buf).unwrap_or_default(),
            }),
            Err(e) => {
                self.problems.push(FileProblem {
                    origin: Origin::file(file, Span::new(e.offset..e.offset)),
                    message: e.message,
                });
                Err("has a syntax error".into())
            }
        }
    }

    /// A file a `generate` block writes into a unit's working directory.
    pub fn generated(&mut self, path: PathBuf, display: String, text: &str, by: String) -> FileId {
        let mut file = SourceFile::new(path, display, text.into());
        file.generated_by = Some(by);
        self.push(file)
    }

    /// Hands over the files read since the last call, and numbers the next ones after
    /// `tree_files` (the tree's file count once they are in, and others added since).
    pub fn take(&mut self, tree_files: usize) -> (Vec<SourceFile>, Vec<FileProblem>) {
        let added = std::mem::take(&mut self.added);
        self.next_id = tree_files + added.len();
        (added, std::mem::take(&mut self.problems))
    }

    /// Numbers the next files after `tree_files`, when nothing is waiting to be taken.
    pub fn renumber(&mut self, tree_files: usize) {
        debug_assert!(self.added.is_empty());
        self.next_id = tree_files;
    }

    fn push(&mut self, file: SourceFile) -> FileId {
        let id = FileId((self.next_id + self.added.len()) as u32);
        self.added.push(file);
        id
    }
}
