//! The instance tree: module calls, and how many instances `count` and `for_each` give
//! a module call or a resource. When that number is not known offline, one
//! representative instance stands for all of them (`[*]`), with `count.index`,
//! `each.key` and `each.value` unknown.

use super::super::cty::{Type, Value, Why};
use super::super::ir::Body;
use super::super::lambda_module;
use super::super::load::{is_local_source, relative};
use super::super::module::{Call, Module};
use super::error::{ErrorKind, EvalError};
use super::memo::{MemoKey, Slot};
use super::{EMPTY, Evaluator};
use crate::model::{FileId, Span};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

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
    pub(super) key_path: String,
    /// `path.module`: the module's directory relative to the root's.
    pub(super) path_module: String,
    depth: usize,
    pub(super) parent: Option<Parent<'t>>,
    /// Set for a representative instance: what its call's instance count depends on.
    pub representative: Option<Why>,
    pub(super) memo: RefCell<HashMap<MemoKey, Slot>>,
    calls: RefCell<HashMap<usize, Rc<CallInstances>>>,
}

pub(super) struct Parent<'t> {
    pub inst: InstId,
    pub call: &'t Call,
    pub iteration: Iteration,
}

/// `count.index`, or `each.key` and `each.value`, of one instance.
#[derive(Clone, Default, Debug)]
pub struct Iteration {
    pub count_index: Option<Value>,
    pub each: Option<(Value, Value)>,
}

/// The instances of one module call.
pub enum CallInstances {
    Known(Vec<(InstanceKey, InstId)>),
    /// The instance count is not known: one instance stands for all.
    Representative {
        inst: InstId,
        why: Why,
    },
    /// `count` or `for_each` is refused.
    Failed(Box<EvalError>),
    /// Not instantiated: the root has as many module instances as the limit allows.
    Limited(Why),
}

#[derive(Clone, Debug, PartialEq)]
pub enum InstanceKey {
    None,
    Index(usize),
    Key(String),
    /// Any of the instances, when how many there are is not known.
    Any,
}

impl InstanceKey {
    /// `""`, `[0]`, `["key"]` or `[*]`.
    pub fn suffix(&self) -> String {
        match self {
            InstanceKey::None => String::new(),
            InstanceKey::Index(i) => format!("[{i}]"),
            InstanceKey::Key(k) => format!("[{k:?}]"),
            InstanceKey::Any => "[*]".into(),
        }
    }
}

/// How many instances a block has: keyed instances, or not known (why).
pub enum Expansion {
    Keys(Vec<(InstanceKey, Iteration)>),
    Unknown { why: Why, keyed: bool },
}

impl<'t> Inst<'t> {
    pub(super) fn root(module: &'t Module, index: usize) -> Inst<'t> {
        Inst {
            kind: InstKind::Module(module, index),
            address: String::new(),
            source: String::new(),
            key_path: String::new(),
            path_module: ".".into(),
            depth: 0,
            parent: None,
            representative: None,
            memo: RefCell::default(),
            calls: RefCell::default(),
        }
    }
}

impl<'t> Evaluator<'t> {
    pub(super) fn push_inst(&self, inst: Inst<'t>) -> InstId {
        let mut insts = self.insts.borrow_mut();
        insts.push(Rc::new(inst));
        insts.len() - 1
    }

    pub fn inst(&self, id: InstId) -> Rc<Inst<'t>> {
        self.insts.borrow()[id].clone()
    }

    /// The instance that calls `id`, and the call block.
    pub fn call_site(&self, id: InstId) -> Option<(InstId, &'t Call)> {
        self.inst(id).parent.as_ref().map(|p| (p.inst, p.call))
    }

    /// The iteration a module instance was created with (`count.index`, `each`).
    pub fn call_iteration(&self, id: InstId) -> Iteration {
        self.inst(id)
            .parent
            .as_ref()
            .map(|p| p.iteration.clone())
            .unwrap_or_default()
    }

    /// The instances of a module call, created on first use.
    pub fn call(&self, id: InstId, name: &str) -> Option<(&'t Call, Rc<CallInstances>)> {
        let inst = self.inst(id);
        let InstKind::Module(m, mid) = inst.kind else {
            return None;
        };
        let idx = m.calls.get_index_of(name)?;
        let call = &m.calls[idx];
        if let Some(c) = inst.calls.borrow().get(&idx) {
            return Some((call, c.clone()));
        }
        // A placeholder guards against a call whose count depends on itself.
        let cycle = EvalError::new(
            ErrorKind::Cycle,
            "Cycle",
            format!("The instances of module.{name} depend on themselves."),
            call.block.header,
        );
        inst.calls
            .borrow_mut()
            .insert(idx, Rc::new(CallInstances::Failed(cycle)));
        let instances = Rc::new(self.instantiate(id, &inst, mid, call));
        inst.calls.borrow_mut().insert(idx, instances.clone());
        Some((call, instances))
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
        // Without cycles (refused below), nesting is bounded by the modules on disk; the
        // depth limit only keeps a pathological tree from exhausting the stack.
        if let Some(what) = self.limits.too_deep(inst.depth + 1) {
            self.limit_at(call.file, call.block.header, what.clone());
            return CallInstances::Limited(Why::Limit { what });
        }
        // A module that calls itself, directly or through others, never ends: Terraform
        // refuses it when it loads the configuration.
        if let Some(t) = target {
            let mut at = Some(id);
            while let Some(a) = at {
                let ancestor = self.inst(a);
                if let InstKind::Module(_, index) = ancestor.kind
                    && index == t
                {
                    let which = if ancestor.address.is_empty() {
                        "the root module".to_string()
                    } else {
                        format!("`{}`", ancestor.address)
                    };
                    let err = EvalError::invalid(
                        "Module cycle",
                        format!(
                            "module.{} calls {:?}, which is {which} again: a module cannot call itself, directly or through others.",
                            call.name,
                            call.source.as_deref().unwrap_or_default()
                        ),
                        call.block.header,
                    );
                    return CallInstances::Failed(self.record(err, call.file));
                }
                at = ancestor.parent.as_ref().map(|p| p.inst);
            }
        }
        let kind = match target {
            Some(t) => InstKind::Module(&self.tree.modules[t], t),
            None if lambda_module::is_source(&source) => InstKind::LambdaModule,
            None => InstKind::NotOnDisk,
        };
        let path_module = match kind {
            InstKind::Module(m, _) => relative(&self.root_module().dir, &m.dir),
            _ => format!(".terraform/modules/{key_path}"),
        };
        let prefix = if inst.address.is_empty() {
            String::new()
        } else {
            format!("{}.", inst.address)
        };
        let make = |key: &InstanceKey, iteration: Iteration, representative: Option<Why>| {
            self.module_instances.set(self.module_instances.get() + 1);
            self.push_inst(Inst {
                kind,
                address: format!("{prefix}module.{}{}", call.name, key.suffix()),
                source: source.clone(),
                key_path: key_path.clone(),
                path_module: path_module.clone(),
                depth: inst.depth + 1,
                parent: Some(Parent {
                    inst: id,
                    call,
                    iteration,
                }),
                representative,
                memo: RefCell::default(),
                calls: RefCell::default(),
            })
        };
        let address = format!("{prefix}module.{}", call.name);
        let expansion = self.expand(&call.block.body, id, call.file);
        // Module calls can fan out exponentially (each module calling the next twice):
        // past the limit, a call is not instantiated at all, or its representative would
        // fan out the same way.
        let n = match &expansion {
            Ok(Expansion::Keys(keys)) => keys.len(),
            Ok(Expansion::Unknown { .. }) => 1,
            Err(_) => 0,
        };
        if let Some(what) = self
            .limits
            .too_many_module_instances(self.module_instances.get(), n)
            .filter(|_| n > 0)
        {
            self.limit_at(call.file, call.block.header, what.clone());
            return CallInstances::Limited(Why::Limit { what });
        }
        match expansion {
            Err(e) => CallInstances::Failed(e),
            Ok(Expansion::Keys(keys)) => CallInstances::Known(
                keys.into_iter()
                    .map(|(key, iteration)| {
                        let child = make(&key, iteration, None);
                        (key, child)
                    })
                    .collect(),
            ),
            Ok(Expansion::Unknown { why, keyed }) => {
                let iteration = representative_iteration(&address, &why, keyed);
                let child = make(&InstanceKey::Any, iteration, Some(why.clone()));
                CallInstances::Representative { inst: child, why }
            }
        }
    }

    /// The instances `count`, `for_each` (or OpenTofu's `lifecycle { enabled }`) give a
    /// block, or why that is not known; an error where Terraform refuses the value.
    pub fn expand(
        &self,
        body: &Body,
        id: InstId,
        file: FileId,
    ) -> Result<Expansion, Box<EvalError>> {
        let count = body.attribute("count");
        let for_each = body.attribute("for_each");
        if let (Some(_), Some(f)) = (count, for_each) {
            return Err(self.record(
                EvalError::invalid(
                    "Invalid combination of \"count\" and \"for_each\"",
                    "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
                    f.span,
                ),
                file,
            ));
        }
        if let Some(lifecycle) = body.blocks_of("lifecycle").next()
            && let Some(enabled) = lifecycle.body.attribute("enabled")
        {
            let v = self.eval_in(&enabled.expr, file, id, &EMPTY)?;
            match v {
                Value::Bool(false) => return Ok(Expansion::Keys(Vec::new())),
                Value::Bool(true) => {}
                v if !v.is_known() => {
                    return Ok(Expansion::Unknown {
                        why: v
                            .why()
                            .unwrap_or(Why::Function {
                                name: "enabled".into(),
                            })
                            .plain(),
                        keyed: false,
                    });
                }
                v => {
                    return Err(self.record(
                        EvalError::invalid(
                            "Invalid \"enabled\" argument",
                            format!(
                                "The \"enabled\" argument must be a bool, not {}.",
                                v.ty().friendly_name()
                            ),
                            enabled.expr.span,
                        ),
                        file,
                    ));
                }
            }
        }
        if let Some(count) = count {
            let v = self.eval_in(&count.expr, file, id, &EMPTY)?;
            let span = count.expr.span;
            let invalid = |detail: String| {
                self.record(
                    EvalError::invalid("Invalid count argument", detail, span),
                    file,
                )
            };
            if v.is_null() {
                return Err(invalid(
                    "The given \"count\" argument value is null. An integer is required.".into(),
                ));
            }
            if !v.is_known() {
                return Ok(Expansion::Unknown {
                    why: v
                        .why()
                        .unwrap_or(Why::Function {
                            name: "count".into(),
                        })
                        .plain(),
                    keyed: false,
                });
            }
            let n = super::super::cty::convert::convert(&v, &Type::Number).map_err(|e| {
                invalid(format!(
                    "The given \"count\" argument value is unsuitable: {e}."
                ))
            })?;
            let n = n.as_number().expect("a number");
            let whole = n.to_i64().filter(|(_, exact)| *exact).map(|(i, _)| i);
            let n = match whole {
                Some(i) if i >= 0 => i as usize,
                Some(_) => {
                    return Err(invalid("The given \"count\" argument value is unsuitable: must be greater than or equal to zero.".into()));
                }
                None => {
                    return Err(invalid(format!(
                        "The given \"count\" argument value is unsuitable: {} is not a whole number.",
                        n.to_text()
                    )));
                }
            };
            if let Some(what) = self.limits.too_many_instances(n) {
                return Ok(self.limited(what, false, span, file));
            }
            return Ok(Expansion::Keys(
                (0..n)
                    .map(|i| {
                        (
                            InstanceKey::Index(i),
                            Iteration {
                                count_index: Some(Value::int(i as i64)),
                                each: None,
                            },
                        )
                    })
                    .collect(),
            ));
        }
        if let Some(for_each) = for_each {
            let v = self.eval_in(&for_each.expr, file, id, &EMPTY)?;
            let span = for_each.expr.span;
            let invalid = |detail: String| {
                self.record(
                    EvalError::invalid("Invalid for_each argument", detail, span),
                    file,
                )
            };
            if v.is_null() {
                return Err(invalid(
                    "The given \"for_each\" argument value is null. A map, or set of strings is allowed.".into(),
                ));
            }
            let unknown = |v: &Value| Expansion::Unknown {
                why: v
                    .why()
                    .unwrap_or(Why::Function {
                        name: "for_each".into(),
                    })
                    .plain(),
                keyed: true,
            };
            let keys: Vec<(InstanceKey, Iteration)> = match &v {
                Value::Map(_) | Value::Object(_) => v
                    .entries()
                    .into_iter()
                    .flatten()
                    .map(|(k, e)| {
                        (
                            InstanceKey::Key(k.clone()),
                            Iteration {
                                count_index: None,
                                each: Some((Value::string(k), e.clone())),
                            },
                        )
                    })
                    .collect(),
                Value::Set(s) if matches!(s.ety, Type::String | Type::Dynamic) => {
                    if let Some(u) = s.items.iter().find(|e| !e.is_known()) {
                        return Ok(unknown(u));
                    }
                    let mut keys = Vec::new();
                    for e in &s.items {
                        match e {
                            Value::String(k) => keys.push((
                                InstanceKey::Key(k.to_string()),
                                Iteration {
                                    count_index: None,
                                    each: Some((e.clone(), e.clone())),
                                },
                            )),
                            _ => {
                                return Err(invalid(
                                    "The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values."
                                        .into(),
                                ));
                            }
                        }
                    }
                    keys
                }
                v if !v.is_known() && !matches!(v.ty(), Type::List(_) | Type::Tuple(_)) => {
                    return Ok(unknown(v));
                }
                other => {
                    let what = match other.ty() {
                        Type::Set(e) => format!("set of {}", e.friendly_name()),
                        t => t.friendly_name(),
                    };
                    return Err(invalid(format!(
                        "The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {what}."
                    )));
                }
            };
            if let Some(what) = self.limits.too_many_instances(keys.len()) {
                return Ok(self.limited(what, true, span, file));
            }
            return Ok(Expansion::Keys(keys));
        }
        Ok(Expansion::Keys(vec![(
            InstanceKey::None,
            Iteration::default(),
        )]))
    }

    /// More instances than the limit: audited through a representative, as when the
    /// count is not known, and noted.
    fn limited(&self, what: String, keyed: bool, span: Span, file: FileId) -> Expansion {
        self.limit_at(file, span, what.clone());
        Expansion::Unknown {
            why: Why::Limit { what },
            keyed,
        }
    }

    /// `module.CALL` as a whole: an object, or a tuple (`count`) or object (`for_each`) of
    /// instance objects; the representative when the instances are not known.
    pub(super) fn module_value(&self, id: InstId, name: &str, span: Span) -> super::R {
        let Some((call, instances)) = self.call(id, name) else {
            return Err(undeclared_module(name, span));
        };
        match &*instances {
            CallInstances::Failed(e) => Err(e.clone()),
            CallInstances::Limited(why) => Ok(Value::unknown(Type::Dynamic, why.clone())),
            CallInstances::Representative { inst, why } => Ok(Value::unknown(
                Type::Dynamic,
                Why::Instances {
                    address: self.inst(*inst).address.clone(),
                    cause: Box::new(why.clone()),
                    element: Box::new(self.module_object(*inst)?),
                },
            )),
            CallInstances::Known(list) => {
                let body = &call.block.body;
                if body.attribute("for_each").is_some() {
                    let mut map = std::collections::BTreeMap::new();
                    for (k, i) in list {
                        if let InstanceKey::Key(k) = k {
                            map.insert(k.clone(), self.module_object(*i)?);
                        }
                    }
                    Ok(Value::object(map))
                } else if body.attribute("count").is_some() {
                    Ok(Value::tuple(
                        list.iter()
                            .map(|(_, i)| self.module_object(*i))
                            .collect::<Result<_, _>>()?,
                    ))
                } else {
                    match list.first() {
                        Some((_, i)) => self.module_object(*i),
                        None => Ok(Value::null()),
                    }
                }
            }
        }
    }
}

pub(super) fn undeclared_module(name: &str, span: Span) -> Box<EvalError> {
    EvalError::new(
        ErrorKind::Undeclared,
        "Reference to undeclared module",
        format!("No module call named {name:?} is declared in this module."),
        span,
    )
}

/// `count.index`, `each.key` and `each.value` of a representative instance: unknown,
/// because how many instances there are is not known.
pub fn representative_iteration(address: &str, why: &Why, keyed: bool) -> Iteration {
    let instance = Why::Instance {
        address: address.to_string(),
        cause: Box::new(why.clone()),
    };
    if keyed {
        Iteration {
            count_index: None,
            each: Some((
                Value::unknown(Type::String, instance.clone()),
                Value::unknown(Type::Dynamic, instance),
            )),
        }
    } else {
        Iteration {
            count_index: Some(Value::unknown(Type::Number, instance)),
            each: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{TestTree, eval, json, tree};
    use super::super::Inputs;
    use super::*;

    /// A module that gives back its input.
    const ECHO: (&str, &str) = (
        "m/main.tf",
        "variable \"i\" {}\noutput \"o\" { value = var.i }\n",
    );

    fn echo_call(call: &str) -> TestTree {
        tree(&[
            (
                "main.tf",
                &format!("variable \"n\" {{}}\nmodule \"m\" {{\n  source = \"./m\"\n{call}\n}}\n"),
            ),
            ECHO,
        ])
    }

    /// The instances of a known call: key suffixes and addresses.
    fn instances(ev: &Evaluator, id: InstId, name: &str) -> Vec<(String, String)> {
        let (_, instances) = ev.call(id, name).expect("a declared call");
        match &*instances {
            CallInstances::Known(list) => list
                .iter()
                .map(|(k, i)| (k.suffix(), ev.inst(*i).address.clone()))
                .collect(),
            _ => panic!("the instances of module.{name} are not known"),
        }
    }

    fn failure(ev: &Evaluator, name: &str) -> String {
        match &*ev.call(Evaluator::ROOT, name).expect("a declared call").1 {
            CallInstances::Failed(e) => e.detail.clone(),
            _ => panic!("module.{name} is not refused"),
        }
    }

    #[test]
    fn count_gives_indexed_instances() {
        let t = echo_call("  count = 2\n  i = count.index");
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(
            instances(&ev, Evaluator::ROOT, "m"),
            [
                ("[0]".to_string(), "module.m[0]".to_string()),
                ("[1]".into(), "module.m[1]".into()),
            ]
        );
        assert_eq!(
            json(&eval(&ev, Evaluator::ROOT, "module.m[1].o").unwrap()),
            "1"
        );
        assert_eq!(
            json(&eval(&ev, Evaluator::ROOT, "module.m").unwrap()),
            r#"[{"o":0},{"o":1}]"#
        );
    }

    #[test]
    fn for_each_over_a_map_gives_keyed_instances() {
        let t = echo_call("  for_each = { a = \"x\", b = \"y\" }\n  i = each.value");
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert_eq!(
            instances(&ev, Evaluator::ROOT, "m"),
            [
                (r#"["a"]"#.to_string(), r#"module.m["a"]"#.to_string()),
                (r#"["b"]"#.into(), r#"module.m["b"]"#.into()),
            ]
        );
        assert_eq!(
            json(&eval(&ev, Evaluator::ROOT, "module.m").unwrap()),
            r#"{"a":{"o":"x"},"b":{"o":"y"}}"#
        );
    }

    #[test]
    fn for_each_over_a_set_keys_and_values_by_element() {
        let t =
            echo_call("  for_each = toset([\"q\", \"p\"])\n  i = \"${each.key}=${each.value}\"");
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let keys: Vec<String> = instances(&ev, Evaluator::ROOT, "m")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, [r#"["p"]"#, r#"["q"]"#]);
        assert_eq!(
            json(&eval(&ev, Evaluator::ROOT, "module.m[\"q\"].o").unwrap()),
            r#""q=q""#
        );
    }

    #[test]
    fn an_unknown_count_gives_one_representative_instance() {
        let t = echo_call("  count = var.n\n  i = count.index");
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let (_, instances) = ev.call(Evaluator::ROOT, "m").unwrap();
        let CallInstances::Representative { inst, why } = &*instances else {
            panic!("not a representative");
        };
        assert_eq!(why, &Why::Variable { name: "n".into() });
        let inst = ev.inst(*inst);
        assert_eq!(inst.address, "module.m[*]");
        assert_eq!(inst.representative, Some(why.clone()));
        // Its count.index stands for every index: not known.
        let o = eval(&ev, Evaluator::ROOT, "module.m[0].o").unwrap();
        assert!(!o.is_known(), "{o:?}");
        assert!(matches!(o.why(), Some(Why::Instance { address, .. }) if address == "module.m"));
    }

    #[test]
    fn nested_calls_have_nested_addresses() {
        let t = tree(&[
            (
                "main.tf",
                "module \"a\" {\n  source = \"./a\"\n}\noutput \"o\" { value = module.a.o }\n",
            ),
            (
                "a/main.tf",
                r#"
module "b" {
  source   = "../b"
  for_each = toset(["k"])
  i        = each.key
}
output "o" { value = module.b["k"].o }
"#,
            ),
            (
                "b/main.tf",
                "variable \"i\" {}\noutput \"o\" { value = \"b-${var.i}\" }\n",
            ),
        ]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let a = instances(&ev, Evaluator::ROOT, "a");
        assert_eq!(a, [(String::new(), "module.a".to_string())]);
        let (_, list) = ev.call(Evaluator::ROOT, "a").unwrap();
        let CallInstances::Known(list) = &*list else {
            panic!("module.a is not known");
        };
        assert_eq!(
            instances(&ev, list[0].1, "b"),
            [(
                r#"["k"]"#.to_string(),
                r#"module.a.module.b["k"]"#.to_string()
            )]
        );
        assert_eq!(
            json(&eval(&ev, Evaluator::ROOT, "module.a.o").unwrap()),
            r#""b-k""#
        );
    }

    #[test]
    fn counts_and_collections_terraform_refuses_are_errors() {
        let t = tree(&[
            (
                "main.tf",
                r#"
module "negative" {
  source = "./m"
  count  = -1
  i      = 1
}
module "list" {
  source   = "./m"
  for_each = ["a"]
  i        = 1
}
"#,
            ),
            ECHO,
        ]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        assert!(
            failure(&ev, "negative").contains("must be greater than or equal to zero"),
            "{}",
            failure(&ev, "negative")
        );
        assert!(
            failure(&ev, "list").contains("must be a map, or set of strings"),
            "{}",
            failure(&ev, "list")
        );
    }

    #[test]
    fn instance_keys_as_address_suffixes() {
        assert_eq!(InstanceKey::None.suffix(), "");
        assert_eq!(InstanceKey::Index(3).suffix(), "[3]");
        assert_eq!(InstanceKey::Key("k".into()).suffix(), r#"["k"]"#);
        assert_eq!(InstanceKey::Any.suffix(), "[*]");
    }
}
