//! `xray-setup console`: expressions evaluated in a directory's root module, as
//! `terraform console` evaluates them, to see how the audit reads a value.

use super::cty::{Type, Value};
use super::eval::functions::{Function, Param, Returns};
use super::eval::{CommandLineValue, Evaluator, Inputs};
use super::load::{LoadError, Target, Tree};
use super::{ScanError, VariableArg, Variables};
use std::path::Path;
use std::sync::LazyLock;

/// A root module to evaluate expressions in.
pub struct Console {
    tree: Tree,
    root: usize,
    inputs: Inputs,
}

/// `type(value)`, which only the console offers (Terraform registers it in console
/// mode): the value's type as a type constraint on one line (`list(string)`).
pub static TYPE_FUNCTION: LazyLock<Function> = LazyLock::new(|| Function {
    params: vec![
        Param::new("value", Type::Dynamic)
            .null()
            .unknown()
            .dynamic(),
    ],
    var_param: None,
    returns: Returns::Static(Type::String),
    imp: |_, args, _| Ok(Value::string(args[0].ty().to_string())),
});

impl Console {
    /// The root module in `dir` (an empty module when it holds no configuration), with
    /// root variables from the command line, tfvars and the environment.
    pub fn open(dir: &Path, variables: &Variables) -> Result<Console, ScanError> {
        // A file would load as a module of its own: not what DIR means.
        if let Ok(meta) = std::fs::metadata(dir)
            && !meta.is_dir()
        {
            return Err(LoadError::Io {
                path: dir.display().to_string(),
                error: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            }
            .into());
        }
        let mut tree = match Tree::load(&[Target::all(dir)]) {
            Ok(t) => t,
            Err(LoadError::NoTerraform { .. }) => Tree::empty(dir)?,
            Err(e) => return Err(e.into()),
        };
        let real = std::fs::canonicalize(dir).map_err(|e| LoadError::Io {
            path: dir.display().to_string(),
            error: e,
        })?;
        let root = match tree.by_dir.get(&real) {
            Some(&m) => m,
            // Configuration only below `dir`: evaluate in an empty module at `dir`.
            None => {
                tree = Tree::empty(dir)?;
                0
            }
        };
        let mut inputs = Inputs {
            command_line: Vec::new(),
            environment: variables.environment.clone(),
            workspace: variables.workspace.clone(),
            aws_region: variables.aws_region.clone(),
            limits: variables.limits,
        };
        for arg in &variables.command_line {
            inputs.command_line.push(match arg {
                VariableArg::Var { name, value } => CommandLineValue::Var {
                    name: name.clone(),
                    raw: value.clone(),
                },
                VariableArg::File(path) => {
                    CommandLineValue::File(tree.add_var_file(path).map_err(ScanError::VarFile)?)
                }
            });
        }
        Ok(Console { tree, root, inputs })
    }

    /// Evaluates one line: the value, or Terraform's error in one sentence, or which
    /// limit stopped the evaluation (Terraform would go on: "known after apply" would
    /// be untrue).
    pub fn eval(&self, line: &str) -> Result<Value, String> {
        let expr = super::parse::parse_expr(line.trim()).map_err(|e| e.message)?;
        let ev = Evaluator::new(&self.tree, self.root, &self.inputs).with_console();
        let value = ev
            .eval_in(
                &expr,
                crate::model::FileId(u32::MAX),
                Evaluator::ROOT,
                &super::eval::EMPTY,
            )
            .map_err(|e| e.message())?;
        match ev.limits_reached().into_iter().next() {
            Some(l) => Err(format!(
                "not computed: {}; raise the limit in .xray-setup.toml ([limits]) if the tree really needs it",
                l.what
            )),
            None => Ok(value),
        }
    }
}
