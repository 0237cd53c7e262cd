//! For unit tests: a Terraform tree written from strings into a temporary directory and
//! loaded as any PATH is, so tests run the real loader and evaluator on small inputs.

use super::cty::Value;
use super::eval::{EMPTY, Evaluator, InstId, json_out};
use super::load::{Target, Tree};
use super::parse::parse_expr;
use crate::model::FileId;

pub struct TestTree {
    /// Holds the files for as long as the tree is read (functions read files lazily).
    pub dir: tempfile::TempDir,
    pub tree: Tree,
}

/// Writes `files` (a path relative to the tree, and its text) and loads the tree.
pub fn tree(files: &[(&str, &str)]) -> TestTree {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a file is in a directory"))
            .expect("create the file's directory");
        std::fs::write(&path, text).expect("write the file");
    }
    let tree = Tree::load(&[Target::all(dir.path())]).expect("the tree loads");
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    TestTree { dir, tree }
}

impl TestTree {
    /// The module in directory `rel` of the tree (`"."` for the top).
    pub fn module(&self, rel: &str) -> usize {
        let dir = std::fs::canonicalize(self.dir.path().join(rel)).expect("the directory");
        self.tree.by_dir[&dir]
    }

    /// Adds file `rel` of the tree as a `--var-file`, returning its index.
    pub fn var_file(&mut self, rel: &str) -> usize {
        self.tree
            .add_var_file(&self.dir.path().join(rel))
            .expect("the var file loads")
    }
}

/// Evaluates the expression `text` in instance `id`, without `count` or `each`; an
/// error as its detail.
pub fn eval(ev: &Evaluator, id: InstId, text: &str) -> Result<Value, String> {
    let e = parse_expr(text).expect("the expression parses");
    ev.eval_in(&e, FileId(u32::MAX), id, &EMPTY)
        .map_err(|e| e.detail.clone())
}

/// A value as one line of canonical JSON, unknowns as "(known after apply)": what a
/// test compares.
pub fn json(v: &Value) -> String {
    json_out::to_json(v)
}
