//! Evaluation of one root module and every module it calls, as `terraform plan` would:
//! variables from their sources in Terraform's precedence, locals, module calls per
//! instance, `count` / `for_each`, `dynamic` blocks, unknowns where a plan would not
//! know a value either, and errors where Terraform would refuse the configuration.
//!
//! The parts:
//! - `engine/`: HCL's expression semantics over cty values (`../cty`), independent of
//!   where names come from;
//! - `functions/`: Terraform's functions;
//! - `references.rs`: where names come from in a module instance (`var`, `local`,
//!   `module`, resources, `count`, `each`, `path`, `terraform`), and the files
//!   functions may read;
//! - `inputs.rs`: root variable values from tfvars, the command line and environment;
//! - `instances.rs`: the instance tree: module calls and their `count`/`for_each`;
//! - `memo.rs`: each value of an instance computed once, cycles refused;
//! - `variables.rs`: variables, locals and outputs of an instance;
//! - `resources.rs`: resource and data source instances as values;
//! - `data_sources.rs`: the data source attributes known offline;
//! - `providers.rs`: the provider configuration, and so the region, of a resource;
//! - `validate.rs`: what `terraform validate` refuses, in every expression;
//! - `trace.rs`: where a value comes from, hop by hop, for messages and fixes;
//! - `budget.rs`: the limits that bound an evaluation;
//! - `typeexpr.rs`: variable type constraints;
//! - `error.rs`: Terraform's errors;
//! - `display.rs`, `json_out.rs`, `marked_json.rs`: values shown as text and JSON;
//! - `known_modules.rs`: registry modules known to create nothing audited.
//!
//! The emulation of the registry lambda module, when it is not on disk, is
//! `../lambda_module`.
//!
//! Everything is lazy and memoised per module instance: module arguments may depend on
//! other modules' outputs in both directions (Terraform's graph is per value, not per
//! module), so a value is evaluated only when first read.

pub mod budget;
pub mod data_sources;
pub mod display;
pub mod engine;
pub mod error;
pub mod functions;
mod inputs;
mod instances;
pub mod json_out;
pub mod known_modules;
pub mod marked_json;
mod memo;
mod providers;
mod references;
mod resources;
mod trace;
pub mod typeexpr;
mod validate;
mod variables;

use super::ir::Expr;
use super::load::Tree;
use super::module::Module;
use crate::model::{FileId, Span};
use engine::Engine;
use error::{EvalError, R};
use inputs::RootSource;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

pub use inputs::{CommandLineValue, Inputs};
pub use instances::{CallInstances, Inst, InstId, InstKind, InstanceKey, Iteration};
pub use references::Ctx;

pub struct Evaluator<'t> {
    pub tree: &'t Tree,
    root: usize,
    root_sources: HashMap<&'t str, RootSource<'t>>,
    workspace: String,
    /// `AWS_REGION` / `AWS_DEFAULT_REGION`: the region of a provider that sets none.
    aws_region: Option<String>,
    insts: RefCell<Vec<Rc<Inst<'t>>>>,
    files: RefCell<HashMap<String, Result<Arc<str>, super::cty::Why>>>,
    /// Errors found while evaluating, each once.
    errors: RefCell<Vec<EvalError>>,
    reported: RefCell<HashSet<(Option<u32>, Span, String)>>,
    /// `terraform console`'s extra function (`type`) is available.
    console: bool,
    /// Modules whose configuration `validate_module` has checked.
    validated: RefCell<HashSet<usize>>,
    limits: budget::Limits,
    /// Limits reached by the evaluation under way, not yet placed in a file.
    pending_limits: RefCell<Vec<(Span, String)>>,
    /// Limits reached, each once per place: what was not computed, and why.
    limits_reached: RefCell<Vec<LimitReached>>,
    /// Module instances made so far (see `budget::Limits::module_instances`).
    module_instances: std::cell::Cell<usize>,
    /// Values being evaluated, one inside another (see `budget::Limits::depth`).
    depth: std::cell::Cell<usize>,
}

/// An expression or block not evaluated in full because of a limit.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitReached {
    pub file: FileId,
    pub span: Span,
    /// Which limit, and what the value or block would have needed.
    pub what: String,
}

pub const EMPTY: Iteration = Iteration {
    count_index: None,
    each: None,
};

impl<'t> Evaluator<'t> {
    pub const ROOT: InstId = 0;

    pub fn new(tree: &'t Tree, root: usize, inputs: &'t Inputs) -> Self {
        let ev = Evaluator {
            tree,
            root,
            root_sources: inputs::root_sources(tree, root, inputs),
            workspace: inputs::workspace(inputs.workspace.as_deref(), &tree.modules[root].dir),
            aws_region: inputs.aws_region.clone(),
            insts: RefCell::new(Vec::new()),
            files: RefCell::new(HashMap::new()),
            errors: RefCell::default(),
            reported: RefCell::default(),
            console: false,
            validated: RefCell::default(),
            limits: inputs.limits,
            pending_limits: RefCell::default(),
            limits_reached: RefCell::default(),
            module_instances: Default::default(),
            depth: Default::default(),
        };
        ev.push_inst(Inst::root(&tree.modules[root], root));
        ev
    }

    /// Offers the console's `type()` function.
    pub fn with_console(mut self) -> Self {
        self.console = true;
        self
    }

    pub fn root_module(&self) -> &'t Module {
        &self.tree.modules[self.root]
    }

    /// Evaluates `e`, written in `file`, in instance `id` with `iteration`'s `count` or
    /// `each`. An error is recorded (once) and returned.
    pub fn eval_in(&self, e: &Expr, file: FileId, id: InstId, iteration: &Iteration) -> R {
        let ctx = Ctx {
            ev: self,
            inst: id,
            iteration,
        };
        self.placed(file, || {
            Engine { env: &ctx }
                .eval(e, None)
                .map_err(|err| self.record(err, file))
        })
    }

    /// Runs `f`, an evaluation of an expression in `file`, and places the limits it
    /// reached (the engine knows spans, not files). Limits reached in values it read
    /// were placed by their own evaluation, which runs nested inside this one.
    pub(super) fn placed(&self, file: FileId, f: impl FnOnce() -> R) -> R {
        let start = self.pending_limits.borrow().len();
        let r = f();
        let pending: Vec<(Span, String)> = {
            let mut p = self.pending_limits.borrow_mut();
            let start = start.min(p.len());
            p.drain(start..).collect()
        };
        for (span, what) in pending {
            self.limit_at(file, span, what);
        }
        r
    }

    /// Notes that what is at `span` in `file` was not evaluated in full, once per place.
    pub fn limit_at(&self, file: FileId, span: Span, what: String) {
        let mut reached = self.limits_reached.borrow_mut();
        if !reached.iter().any(|l| l.file == file && l.span == span) {
            reached.push(LimitReached { file, span, what });
        }
    }

    /// Every limit reached so far, once per place (an expression can stop in every
    /// instance of its module).
    pub fn limits_reached(&self) -> Vec<LimitReached> {
        self.limits_reached.borrow().clone()
    }

    /// Records an error (with the file it is in, if not known yet), once per place.
    pub fn record(&self, mut err: Box<EvalError>, file: FileId) -> Box<EvalError> {
        if err.file.is_none() {
            err.file = Some(file.0);
        }
        let key = (err.file, err.span, err.summary.clone());
        if !err.consequential && self.reported.borrow_mut().insert(key) {
            self.errors.borrow_mut().push((*err).clone());
        }
        err
    }

    /// Every error recorded so far.
    pub fn errors(&self) -> Vec<EvalError> {
        self.errors.borrow().clone()
    }
}
