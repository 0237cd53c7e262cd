//! Evaluation of one root module and every module it calls, with Terraform's semantics:
//! variables from their sources in Terraform's precedence, locals, module calls per
//! instance, `count` / `for_each`, `dynamic` blocks, and unknowns where `terraform plan`
//! would not know a value either.
//!
//! hcl-rs has an evaluator, but it has no unknown values and evaluates function arguments
//! before calling (so `try` and `can` cannot work); Terraform's semantics need both, so
//! evaluation is ours, over the IR.
//!
//! Everything is lazy and memoised per module instance: module arguments may depend on
//! other modules' outputs in both directions (Terraform's graph is per value, not per
//! module), so a variable is evaluated only when first read.

pub mod data_sources;
mod expr;
pub mod functions;
pub mod known_modules;
pub mod lambda_module;
mod trace;
pub mod types;
pub mod value;

use super::ir::{Attribute, Expr};
use super::load::{Tree, is_local_source, relative};
use super::module::{Call, Module, ResourceKey, Tfvars};
use crate::model::{FileId, StepKind};
use indexmap::IndexMap;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use types::Type;
use value::{Map, ResourceValue, Unknown, Value};

pub use lambda_module::is_lambda_module_source;

/// Modules nested deeper than this are treated as a mistake (a module calling itself).
const MAX_MODULE_DEPTH: usize = 24;

/// Values given on the command line and in the environment, in Terraform's order.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// `--var` and `--var-file` in the order given; later ones win.
    pub command_line: Vec<CommandLineValue>,
    /// `TF_VAR_name` values.
    pub environment: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub enum CommandLineValue {
    Var {
        name: String,
        raw: String,
    },
    /// Index into `Tree::var_files`.
    File(usize),
}

pub type R = Result<Value, String>;

pub type InstId = usize;

/// What a module instance runs.
#[derive(Clone, Copy)]
pub enum InstKind<'t> {
    Module(&'t Module, usize),
    /// A `terraform-aws-modules/lambda/aws` call whose source is not on disk: understood
    /// from its inputs.
    LambdaModule,
    /// A module whose source is not on disk.
    NotOnDisk,
}

pub struct Inst<'t> {
    pub kind: InstKind<'t>,
    /// `module.a["k"].module.b`; empty for the root.
    pub address: String,
    /// The module call's `source` (for messages about modules not on disk).
    pub source: String,
    /// `a.b`: the key `terraform init` records for this call in modules.json.
    key_path: String,
    /// `path.module`: the module's directory relative to the root's.
    path_module: String,
    depth: usize,
    parent: Option<Parent<'t>>,
    memo: RefCell<HashMap<MemoKey, Slot>>,
    calls: RefCell<HashMap<usize, Rc<CallInstances>>>,
}

struct Parent<'t> {
    inst: InstId,
    call: &'t Call,
    iteration: Iteration,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum MemoKey {
    Var(usize),
    Local(usize),
    Output(usize),
    Resource(usize),
    /// A variable of a module that is not on disk, by name hash-free index into the call.
    Arg(usize),
}

enum Slot {
    InProgress,
    Done(Value),
}

/// `count.index`, `each.key` and `each.value` for one instance.
#[derive(Clone, Default, Debug)]
pub struct Iteration {
    pub count_index: Option<usize>,
    pub each: Option<(Value, Value)>,
}

/// The instances of one module call or resource.
pub enum CallInstances {
    Known(Vec<(InstanceKey, InstId)>),
    Unknown(Value),
}

#[derive(Clone, Debug, PartialEq)]
pub enum InstanceKey {
    None,
    Index(usize),
    Key(String),
}

impl InstanceKey {
    /// `""`, `[0]` or `["key"]`.
    pub fn suffix(&self) -> String {
        match self {
            InstanceKey::None => String::new(),
            InstanceKey::Index(i) => format!("[{i}]"),
            InstanceKey::Key(k) => format!("[{k:?}]"),
        }
    }

    fn iteration(&self, each_value: Option<Value>) -> Iteration {
        match self {
            InstanceKey::None => Iteration::default(),
            InstanceKey::Index(i) => Iteration {
                count_index: Some(*i),
                each: None,
            },
            InstanceKey::Key(k) => Iteration {
                count_index: None,
                each: Some((Value::string(k.as_str()), each_value.unwrap_or(Value::Null))),
            },
        }
    }
}

/// A name bound by a `for` expression, a `dynamic` block's iterator or `templatefile`.
pub struct Binding<'s> {
    name: &'s str,
    value: Value,
    next: Option<&'s Binding<'s>>,
}

/// Where an expression is evaluated.
#[derive(Clone, Copy)]
pub struct Scope<'s> {
    pub inst: InstId,
    pub iteration: &'s Iteration,
    bindings: Option<&'s Binding<'s>>,
}

impl<'s> Scope<'s> {
    pub fn new(inst: InstId, iteration: &'s Iteration) -> Scope<'s> {
        Scope {
            inst,
            iteration,
            bindings: None,
        }
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        let mut b = self.bindings;
        while let Some(binding) = b {
            if binding.name == name {
                return Some(&binding.value);
            }
            b = binding.next;
        }
        None
    }
}

/// Runs `f` in `s` extended by one binding.
fn with_binding<T>(s: Scope<'_>, name: &str, value: Value, f: impl FnOnce(Scope<'_>) -> T) -> T {
    let b = Binding {
        name,
        value,
        next: s.bindings,
    };
    f(Scope {
        bindings: Some(&b),
        ..s
    })
}

/// Where a root variable's value comes from.
#[derive(Clone, Copy)]
enum RootSource<'t> {
    Tfvars(FileId, &'t Attribute),
    Raw(&'t str, StepKind),
}

pub struct Evaluator<'t> {
    pub tree: &'t Tree,
    root: usize,
    root_sources: HashMap<&'t str, RootSource<'t>>,
    insts: RefCell<Vec<Rc<Inst<'t>>>>,
    files: RefCell<HashMap<String, Result<Arc<str>, Unknown>>>,
}

const EMPTY: Iteration = Iteration {
    count_index: None,
    each: None,
};

impl<'t> Evaluator<'t> {
    pub fn new(tree: &'t Tree, root: usize, inputs: &'t Inputs) -> Self {
        let module = &tree.modules[root];
        let mut root_sources = HashMap::new();
        // Terraform's precedence, lowest first: environment, terraform.tfvars(.json),
        // *.auto.tfvars(.json), then -var and -var-file in command-line order.
        for (name, raw) in &inputs.environment {
            root_sources.insert(name.as_str(), RootSource::Raw(raw, StepKind::Environment));
        }
        fn add_file<'t>(sources: &mut HashMap<&'t str, RootSource<'t>>, t: &'t Tfvars) {
            for a in &t.body.attributes {
                sources.insert(&*a.name, RootSource::Tfvars(t.file, a));
            }
        }
        for t in &module.auto_tfvars {
            add_file(&mut root_sources, t);
        }
        for c in &inputs.command_line {
            match c {
                CommandLineValue::Var { name, raw } => {
                    root_sources.insert(name.as_str(), RootSource::Raw(raw, StepKind::CommandLine));
                }
                CommandLineValue::File(i) => add_file(&mut root_sources, &tree.var_files[*i]),
            }
        }
        let ev = Evaluator {
            tree,
            root,
            root_sources,
            insts: RefCell::new(Vec::new()),
            files: RefCell::new(HashMap::new()),
        };
        ev.push_inst(Inst {
            kind: InstKind::Module(module, root),
            address: String::new(),
            source: String::new(),
            key_path: String::new(),
            path_module: ".".into(),
            depth: 0,
            parent: None,
            memo: RefCell::default(),
            calls: RefCell::default(),
        });
        ev
    }

    pub const ROOT: InstId = 0;

    fn push_inst(&self, inst: Inst<'t>) -> InstId {
        let mut insts = self.insts.borrow_mut();
        insts.push(Rc::new(inst));
        insts.len() - 1
    }

    pub fn inst(&self, id: InstId) -> Rc<Inst<'t>> {
        self.insts.borrow()[id].clone()
    }

    pub fn root_module(&self) -> &'t Module {
        &self.tree.modules[self.root]
    }

    /// Looks a value up in an instance's memo, computing it once. A value that depends
    /// on itself is an error, as in Terraform.
    fn memo(&self, id: InstId, key: MemoKey, what: &str, compute: impl FnOnce() -> R) -> Value {
        let inst = self.inst(id);
        match inst.memo.borrow().get(&key) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::InProgress) => return Value::error(format!("{what} depends on itself")),
            None => {}
        }
        inst.memo.borrow_mut().insert(key, Slot::InProgress);
        let v = compute().unwrap_or_else(Value::error);
        inst.memo.borrow_mut().insert(key, Slot::Done(v.clone()));
        v
    }

    /// `var.NAME` in an instance.
    pub fn var(&self, id: InstId, name: &str) -> R {
        let inst = self.inst(id);
        match inst.kind {
            InstKind::Module(m, _) => {
                let Some(idx) = m.variables.get_index_of(name) else {
                    return Err(format!(
                        "there is no variable named \"{name}\" in this module"
                    ));
                };
                Ok(
                    self.memo(id, MemoKey::Var(idx), &format!("var.{name}"), || {
                        let decl = &m.variables[idx];
                        let default = || match decl.default() {
                            Some(d) => self.eval(d, Scope::new(id, &EMPTY)),
                            None => Ok(Value::Null),
                        };
                        let given = match &inst.parent {
                            None => self.root_var(
                                name,
                                decl.default().is_some(),
                                &variable_type(self, id, decl),
                            )?,
                            Some(p) => match p.call.block.body.attribute(name) {
                                Some(arg) => {
                                    Some(self.eval(&arg.expr, Scope::new(p.inst, &p.iteration))?)
                                }
                                None => None,
                            },
                        };
                        let nullable = decl
                            .block
                            .body
                            .attribute("nullable")
                            .and_then(|a| self.eval(&a.expr, Scope::new(id, &EMPTY)).ok())
                            .and_then(|v| v.to_bool().ok())
                            .unwrap_or(true);
                        let value = match given {
                            Some(v) if !v.is_null() || nullable => v,
                            _ if inst.parent.is_none() || decl.default().is_some() => default()?,
                            _ => {
                                return Err(format!(
                                    "the call to {} does not set the required variable \"{name}\"",
                                    inst.address
                                ));
                            }
                        };
                        variable_type(self, id, decl)
                            .convert(value)
                            .map_err(|e| format!("var.{name}: {e}"))
                    }),
                )
            }
            InstKind::LambdaModule => {
                let p = inst
                    .parent
                    .as_ref()
                    .ok_or("a module instance without a caller")?;
                match p.call.block.body.attribute(name) {
                    Some(arg) => {
                        let idx = p
                            .call
                            .block
                            .body
                            .attributes
                            .iter()
                            .position(|a| &*a.name == name)
                            .unwrap_or(0);
                        Ok(
                            self.memo(id, MemoKey::Arg(idx), &format!("var.{name}"), || {
                                self.eval(&arg.expr, Scope::new(p.inst, &p.iteration))
                            }),
                        )
                    }
                    None => Ok(lambda_module::default_input(name)),
                }
            }
            InstKind::NotOnDisk => Ok(self.not_on_disk(&inst)),
        }
    }

    /// A root variable's value from tfvars, the command line or the environment; `None`
    /// when nothing sets it. No default and no value is unknown.
    fn root_var(&self, name: &str, has_default: bool, ty: &Type) -> Result<Option<Value>, String> {
        match self.root_sources.get(name) {
            Some(RootSource::Tfvars(_, attr)) => {
                Ok(Some(self.eval(&attr.expr, Scope::new(Self::ROOT, &EMPTY))?))
            }
            Some(RootSource::Raw(raw, _)) => {
                if ty.is_complex() {
                    let e = super::parse::parse_expr(raw).map_err(|e| {
                        format!(
                            "the value given for var.{name} is not valid HCL: {}",
                            e.message
                        )
                    })?;
                    Ok(Some(self.eval(&e, Scope::new(Self::ROOT, &EMPTY))?))
                } else {
                    Ok(Some(Value::string(*raw)))
                }
            }
            None if has_default => Ok(None),
            None => Ok(Some(Value::unknown(Unknown::Variable {
                name: name.into(),
            }))),
        }
    }

    /// `local.NAME`.
    pub fn local(&self, id: InstId, name: &str) -> R {
        let inst = self.inst(id);
        let InstKind::Module(m, _) = inst.kind else {
            return Err("locals of a module that is not on disk".into());
        };
        let idx = m
            .locals
            .get_index_of(name)
            .ok_or_else(|| format!("there is no local value named \"{name}\""))?;
        Ok(
            self.memo(id, MemoKey::Local(idx), &format!("local.{name}"), || {
                self.eval(&m.locals[idx].expr, Scope::new(id, &EMPTY))
            }),
        )
    }

    /// `module.CALL.NAME` read from one instance of the call.
    pub fn output(&self, id: InstId, name: &str) -> R {
        let inst = self.inst(id);
        match inst.kind {
            InstKind::Module(m, _) => {
                let idx = m.outputs.get_index_of(name).ok_or_else(|| {
                    format!("module {} has no output named \"{name}\"", inst.address)
                })?;
                Ok(self.memo(
                    id,
                    MemoKey::Output(idx),
                    &format!("{}.{name}", inst.address),
                    || self.eval(&m.outputs[idx].expr, Scope::new(id, &EMPTY)),
                ))
            }
            InstKind::LambdaModule => Ok(lambda_module::output(self, id, &inst.address, name)),
            InstKind::NotOnDisk => Ok(self.not_on_disk(&inst)),
        }
    }

    fn not_on_disk(&self, inst: &Inst) -> Value {
        Value::unknown(Unknown::ModuleNotOnDisk {
            call: inst.address.clone(),
            source: inst.source.clone(),
        })
    }

    /// Every output of one instance, as an object.
    fn module_object(&self, id: InstId) -> R {
        let inst = self.inst(id);
        match inst.kind {
            InstKind::Module(m, _) => {
                let mut map = Map::new();
                for name in m.outputs.keys() {
                    map.insert(name.to_string(), self.output(id, name)?);
                }
                Ok(Value::object(map))
            }
            _ => Ok(self.not_on_disk(&inst)),
        }
    }

    /// `module.CALL` as a whole: an object, or a list or map of objects per instance.
    fn module_value(&self, id: InstId, name: &str) -> R {
        let call = self.call(id, name)?;
        let CallInstances::Known(instances) = &*call.1 else {
            let CallInstances::Unknown(v) = &*call.1 else {
                unreachable!()
            };
            return Ok(v.clone());
        };
        let counted = call.0.block.body.attribute("count").is_some();
        let keyed = call.0.block.body.attribute("for_each").is_some();
        if keyed {
            let mut map = Map::new();
            for (k, i) in instances {
                if let InstanceKey::Key(k) = k {
                    map.insert(k.clone(), self.module_object(*i)?);
                }
            }
            Ok(Value::object(map))
        } else if counted {
            Ok(Value::list(
                instances
                    .iter()
                    .map(|(_, i)| self.module_object(*i))
                    .collect::<Result<_, _>>()?,
            ))
        } else {
            match instances.first() {
                Some((_, i)) => self.module_object(*i),
                None => Ok(Value::Null),
            }
        }
    }

    /// The instances of a module call, created on first use.
    pub fn call(&self, id: InstId, name: &str) -> Result<(&'t Call, Rc<CallInstances>), String> {
        let inst = self.inst(id);
        let InstKind::Module(m, mid) = inst.kind else {
            return Err("a module that is not on disk has no module calls".into());
        };
        let idx = m
            .calls
            .get_index_of(name)
            .ok_or_else(|| format!("there is no module call named \"{name}\""))?;
        let call = &m.calls[idx];
        if let Some(c) = inst.calls.borrow().get(&idx) {
            return Ok((call, c.clone()));
        }
        // A placeholder guards against a call whose count depends on itself.
        inst.calls.borrow_mut().insert(
            idx,
            Rc::new(CallInstances::Unknown(Value::error(format!(
                "module.{name} depends on itself"
            )))),
        );
        let instances = Rc::new(self.instantiate(id, &inst, mid, call));
        inst.calls.borrow_mut().insert(idx, instances.clone());
        Ok((call, instances))
    }

    fn instantiate(
        &self,
        id: InstId,
        inst: &Inst<'t>,
        mid: usize,
        call: &'t Call,
    ) -> CallInstances {
        let key_path = if inst.key_path.is_empty() {
            call.name.to_string()
        } else {
            format!("{}.{}", inst.key_path, call.name)
        };
        let source = call.source.clone().unwrap_or_default();
        let target = match call.source.as_deref() {
            Some(s) if is_local_source(s) => self.tree.local_module(mid, s),
            _ => self
                .tree
                .installed
                .get(&self.root)
                .and_then(|m| m.get(&key_path))
                .copied(),
        };
        let kind = match target {
            _ if inst.depth >= MAX_MODULE_DEPTH => {
                return CallInstances::Unknown(Value::error(format!(
                    "modules nest more than {MAX_MODULE_DEPTH} deep at module.{}: does a module call itself?",
                    call.name
                )));
            }
            Some(t) => InstKind::Module(&self.tree.modules[t], t),
            None if is_lambda_module_source(&source) => InstKind::LambdaModule,
            None => InstKind::NotOnDisk,
        };
        let path_module = match kind {
            InstKind::Module(m, _) => relative(&self.root_module().dir, &m.dir),
            _ => format!(".terraform/modules/{key_path}"),
        };
        let keys = match self.expand(&call.block.body, Scope::new(id, &EMPTY)) {
            Ok(keys) => keys,
            Err(v) => return CallInstances::Unknown(v),
        };
        let prefix = if inst.address.is_empty() {
            String::new()
        } else {
            format!("{}.", inst.address)
        };
        let instances = keys
            .into_iter()
            .map(|(key, each_value)| {
                let child = self.push_inst(Inst {
                    kind,
                    address: format!("{prefix}module.{}{}", call.name, key.suffix()),
                    source: source.clone(),
                    key_path: key_path.clone(),
                    path_module: path_module.clone(),
                    depth: inst.depth + 1,
                    parent: Some(Parent {
                        inst: id,
                        call,
                        iteration: key.iteration(each_value),
                    }),
                    memo: RefCell::default(),
                    calls: RefCell::default(),
                });
                (key, child)
            })
            .collect();
        CallInstances::Known(instances)
    }

    /// The instance keys `count` or `for_each` give a block (one unkeyed instance when it
    /// has neither; none when OpenTofu's `lifecycle { enabled = false }` says so), or the
    /// unknown that prevents knowing them.
    #[allow(clippy::type_complexity)]
    pub fn expand(
        &self,
        body: &super::ir::Body,
        s: Scope<'_>,
    ) -> Result<Vec<(InstanceKey, Option<Value>)>, Value> {
        let known = |r: R| -> Result<Value, Value> {
            match r {
                Ok(Value::Unknown(u)) => Err(Value::Unknown(u)),
                Ok(v) => Ok(v),
                Err(e) => Err(Value::error(e)),
            }
        };
        if let Some(lifecycle) = body.blocks_of("lifecycle").next()
            && let Some(enabled) = lifecycle.body.attribute("enabled")
        {
            let enabled = known(self.eval(&enabled.expr, s))?;
            if !enabled.to_bool().map_err(Value::error)? {
                return Ok(Vec::new());
            }
        }
        if let Some(count) = body.attribute("count") {
            let n = known(self.eval(&count.expr, s))?;
            let n = n
                .to_number()
                .map_err(|e| Value::error(format!("count: {e}")))?;
            if n < 0.0 || n.fract() != 0.0 {
                return Err(Value::error(format!(
                    "count must be a whole number ≥ 0, not {n}"
                )));
            }
            return Ok((0..n as usize)
                .map(|i| (InstanceKey::Index(i), None))
                .collect());
        }
        if let Some(for_each) = body.attribute("for_each") {
            let v = known(self.eval(&for_each.expr, s))?;
            return match v {
                Value::Object(map) => Ok(map
                    .iter()
                    .map(|(k, v)| (InstanceKey::Key(k.clone()), Some(v.clone())))
                    .collect()),
                Value::List(items) => items
                    .iter()
                    .map(|item| match item {
                        Value::Unknown(u) => Err(Value::Unknown(u.clone())),
                        item => item
                            .to_text()
                            .map(|k| (InstanceKey::Key(k.clone()), Some(Value::string(k))))
                            .map_err(|e| Value::error(format!("for_each: {e}"))),
                    })
                    .collect(),
                Value::Null => Err(Value::error("for_each is null")),
                other => Err(Value::error(format!(
                    "for_each needs a map or a set of strings, not a {}",
                    other.type_name()
                ))),
            };
        }
        Ok(vec![(InstanceKey::None, None)])
    }

    /// A resource or data source as a reference sees it: one instance value, or a list
    /// (`count`) or map (`for_each`) of them.
    pub fn resource(&self, id: InstId, data: bool, rtype: &str, name: &str) -> R {
        let inst = self.inst(id);
        let InstKind::Module(m, _) = inst.kind else {
            return Err("resources of a module that is not on disk".into());
        };
        let key = ResourceKey {
            data,
            rtype: rtype.into(),
            name: name.into(),
        };
        let kind = if data { "data source" } else { "resource" };
        let idx = m
            .resources
            .get_index_of(&key)
            .ok_or_else(|| format!("there is no {kind} {rtype}.{name} in this module"))?;
        let address = self.resource_address(&inst, &key);
        Ok(self.memo(id, MemoKey::Resource(idx), &address, || {
            let decl = &m.resources[idx];
            let keys = match self.expand(&decl.block.body, Scope::new(id, &EMPTY)) {
                Ok(k) => k,
                Err(v) => return Ok(v),
            };
            let counted = decl.block.body.attribute("count").is_some();
            let keyed = decl.block.body.attribute("for_each").is_some();
            let mut instances = Vec::with_capacity(keys.len());
            for (k, each_value) in keys {
                let iteration = k.iteration(each_value);
                let mut attrs = self.eval_body(&decl.block.body, Scope::new(id, &iteration));
                if data {
                    data_sources::compute(self, Scope::new(id, &iteration), rtype, &mut attrs);
                }
                instances.push((
                    k.clone(),
                    Value::Resource(Arc::new(ResourceValue {
                        address: format!("{address}{}", k.suffix()),
                        data,
                        attrs,
                    })),
                ));
            }
            Ok(if keyed {
                Value::object(
                    instances
                        .into_iter()
                        .filter_map(|(k, v)| match k {
                            InstanceKey::Key(k) => Some((k, v)),
                            _ => None,
                        })
                        .collect(),
                )
            } else if counted {
                Value::list(instances.into_iter().map(|(_, v)| v).collect())
            } else {
                instances.pop().map_or(Value::Null, |(_, v)| v)
            })
        }))
    }

    pub fn resource_address(&self, inst: &Inst, key: &ResourceKey) -> String {
        let data = if key.data { "data." } else { "" };
        if inst.address.is_empty() {
            format!("{data}{}.{}", key.rtype, key.name)
        } else {
            format!("{}.{data}{}.{}", inst.address, key.rtype, key.name)
        }
    }

    /// A block's arguments and nested blocks as an object: nested blocks become lists of
    /// objects under their type (as in `terraform show -json`), `dynamic` blocks expand.
    pub fn eval_body(&self, body: &super::ir::Body, s: Scope<'_>) -> Map {
        let mut map = Map::new();
        for a in &body.attributes {
            if super::module::META_ARGUMENTS.contains(&&*a.name) {
                continue;
            }
            map.insert(
                a.name.to_string(),
                self.eval(&a.expr, s).unwrap_or_else(Value::error),
            );
        }
        let mut blocks: IndexMap<String, Result<Vec<Value>, Value>> = IndexMap::new();
        for b in &body.blocks {
            match &*b.kind {
                "lifecycle" | "provisioner" | "connection" => {}
                "dynamic" => {
                    let label = b.labels.first().map(|l| l.to_string()).unwrap_or_default();
                    let entry = blocks.entry(label).or_insert_with(|| Ok(Vec::new()));
                    match (self.dynamic(b, s), entry.as_mut()) {
                        (Ok(items), Ok(list)) => list.extend(items),
                        (Err(u), _) => *entry = Err(u),
                        (Ok(_), Err(_)) => {}
                    }
                }
                kind => {
                    let item = Value::object(self.eval_body(&b.body, s));
                    if let Ok(list) = blocks
                        .entry(kind.to_string())
                        .or_insert_with(|| Ok(Vec::new()))
                    {
                        list.push(item);
                    }
                }
            }
        }
        for (k, v) in blocks {
            map.insert(k, v.map_or_else(|u| u, Value::list));
        }
        map
    }

    /// The blocks a `dynamic` block generates, or the unknown that hides them.
    fn dynamic(&self, b: &super::ir::Block, s: Scope<'_>) -> Result<Vec<Value>, Value> {
        let label = b.labels.first().map(|l| &**l).unwrap_or("");
        let iterator = b
            .body
            .attribute("iterator")
            .and_then(|a| a.expr.reference_path())
            .and_then(|p| p.first().map(|s| s.to_string()))
            .unwrap_or_else(|| label.to_string());
        let Some(content) = b.body.blocks_of("content").next() else {
            return Ok(Vec::new());
        };
        let for_each = b
            .body
            .attribute("for_each")
            .ok_or_else(|| Value::error(format!("dynamic \"{label}\" has no for_each")))?;
        let items: Vec<(Value, Value)> = match self.eval(&for_each.expr, s) {
            Ok(Value::List(l)) => l
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                .collect(),
            Ok(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| (Value::string(k.as_str()), v.clone()))
                .collect(),
            Ok(Value::Null) => Vec::new(),
            Ok(Value::Unknown(u)) => return Err(Value::Unknown(u)),
            Ok(other) => {
                return Err(Value::error(format!(
                    "dynamic \"{label}\": for_each needs a collection, not a {}",
                    other.type_name()
                )));
            }
            Err(e) => return Err(Value::error(e)),
        };
        Ok(items
            .into_iter()
            .map(|(key, value)| {
                let it = Value::object(Map::from([("key".into(), key), ("value".into(), value)]));
                with_binding(s, &iterator, it, |s| {
                    Value::object(self.eval_body(&content.body, s))
                })
            })
            .collect())
    }

    /// The instance that calls `id`, and the call block.
    pub fn call_site(&self, id: InstId) -> Option<(InstId, &'t Call)> {
        self.inst(id).parent.as_ref().map(|p| (p.inst, p.call))
    }

    /// `path.module` of an instance.
    fn path_module(&self, id: InstId) -> String {
        self.inst(id).path_module.clone()
    }
}

fn variable_type(ev: &Evaluator, id: InstId, decl: &super::module::Variable) -> Type {
    match decl.block.body.attribute("type") {
        Some(t) => Type::parse(&t.expr, &|e: &Expr| {
            ev.eval(e, Scope::new(id, &EMPTY)).unwrap_or(Value::Null)
        }),
        None => Type::Any,
    }
}
