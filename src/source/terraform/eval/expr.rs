//! Expressions: references, operators, conditionals, `for`, templates and function calls.

use super::functions::{self, FunctionEnv};
use super::value::{Map, Unknown, Value};
use super::{Evaluator, R, Scope, with_binding};
use crate::source::terraform::ir::{
    BinaryOperator, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, Traverse, UnaryOperator,
};
use std::path::Path;
use std::sync::Arc;

impl Evaluator<'_> {
    pub fn eval(&self, e: &Expr, s: Scope<'_>) -> R {
        match &e.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Number(n) => Ok(Value::Number(*n)),
            ExprKind::String(text) => Ok(Value::string(&**text)),
            ExprKind::Template(parts) => self.template(parts, s),
            ExprKind::Tuple(items) => items
                .iter()
                .map(|i| self.eval(i, s))
                .collect::<Result<_, _>>()
                .map(Value::list),
            ExprKind::Object(items) => {
                let mut map = Map::new();
                for (k, v) in items {
                    let key = match k {
                        ObjectKey::Name(n) => n.to_string(),
                        ObjectKey::Expr(e) => match self.eval(e, s)? {
                            Value::Unknown(u) => return Ok(Value::Unknown(u)),
                            k => k.to_text()?,
                        },
                    };
                    map.insert(key, self.eval(v, s)?);
                }
                Ok(Value::object(map))
            }
            ExprKind::Variable(name) => self.reference(name, &[], s),
            ExprKind::Traversal(t) => match &t.base.kind {
                ExprKind::Variable(name) => self.reference(name, &t.ops, s),
                _ => {
                    let v = self.eval(&t.base, s)?;
                    self.traverse(v, &t.ops, s)
                }
            },
            ExprKind::Call(c) => self.call_function(&c.name, &c.args, c.expand_final, s),
            ExprKind::Conditional(c) => {
                let [cond, yes, no] = &**c;
                match self.eval(cond, s)? {
                    Value::Unknown(u) => {
                        // Both branches agreeing makes the condition irrelevant.
                        let (a, b) = (self.eval(yes, s)?, self.eval(no, s)?);
                        if a.first_unknown().is_none() && a.equals(&b) {
                            Ok(a)
                        } else {
                            Ok(Value::Unknown(u))
                        }
                    }
                    v => {
                        if v.to_bool().map_err(|e| format!("condition: {e}"))? {
                            self.eval(yes, s)
                        } else {
                            self.eval(no, s)
                        }
                    }
                }
            }
            ExprKind::Unary(op, x) => {
                let v = self.eval(x, s)?;
                if v.as_unknown().is_some() {
                    return Ok(v);
                }
                match op {
                    UnaryOperator::Neg => Ok(Value::Number(-v.to_number()?)),
                    UnaryOperator::Not => Ok(Value::Bool(!v.to_bool()?)),
                }
            }
            ExprKind::Binary(op, xs) => self.binary(*op, &xs[0], &xs[1], s),
            ExprKind::For(f) => self.for_expr(f, s),
        }
    }

    /// A reference whose first name is `root`, followed by `ops`.
    fn reference(&self, root: &str, ops: &[Traverse], s: Scope<'_>) -> R {
        if let Some(v) = s.lookup(root) {
            return self.traverse(v.clone(), ops, s);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(Traverse::Attr(a)) => Ok(&**a),
            _ => Err(format!("`{root}` must be followed by an attribute name")),
        };
        match root {
            "var" => {
                let v = self.var(s.inst, attr(0)?)?;
                self.traverse(v, &ops[1..], s)
            }
            "local" => {
                let v = self.local(s.inst, attr(0)?)?;
                self.traverse(v, &ops[1..], s)
            }
            "module" => self.module_reference(attr(0)?, &ops[1..], s),
            "data" => {
                let v = self.resource(s.inst, true, attr(0)?, attr(1)?)?;
                self.traverse(v, &ops[2..], s)
            }
            "path" => {
                let v = match attr(0)? {
                    "module" => Value::string(self.path_module(s.inst)),
                    "root" => Value::string("."),
                    "cwd" => Value::string(self.root_module().dir.to_string_lossy().as_ref()),
                    other => return Err(format!("path.{other} is not a path attribute")),
                };
                self.traverse(v, &ops[1..], s)
            }
            "terraform" => match attr(0)? {
                "workspace" => self.traverse(Value::string("default"), &ops[1..], s),
                other => Err(format!("terraform.{other} is not available")),
            },
            "count" => match (attr(0)?, s.iteration.count_index) {
                ("index", Some(i)) => self.traverse(Value::Number(i as f64), &ops[1..], s),
                _ => Err("count.index is only available in a block with count".into()),
            },
            "each" => match (attr(0)?, &s.iteration.each) {
                ("key", Some((k, _))) => self.traverse(k.clone(), &ops[1..], s),
                ("value", Some((_, v))) => self.traverse(v.clone(), &ops[1..], s),
                _ => Err(
                    "each.key and each.value are only available in a block with for_each".into(),
                ),
            },
            "self" => Ok(Value::error("self is only available in provisioners")),
            rtype => {
                let v = self.resource(s.inst, false, rtype, attr(0)?)?;
                self.traverse(v, &ops[1..], s)
            }
        }
    }

    /// `module.NAME...`: reads only the output asked for when the reference names one, so
    /// modules that feed each other do not form false cycles.
    fn module_reference(&self, name: &str, ops: &[Traverse], s: Scope<'_>) -> R {
        let (call, instances) = self.call(s.inst, name)?;
        let super::CallInstances::Known(list) = &*instances else {
            let super::CallInstances::Unknown(v) = &*instances else {
                unreachable!()
            };
            return Ok(v.clone());
        };
        let multi = call.block.body.attribute("count").is_some()
            || call.block.body.attribute("for_each").is_some();
        let (instance, rest) = match (multi, ops) {
            (false, [Traverse::Attr(_), ..]) => (list.first().map(|(_, i)| *i), ops),
            (true, [Traverse::Index(k), Traverse::Attr(_), ..]) => {
                let key = match self.eval(k, s)? {
                    Value::Unknown(u) => return Ok(Value::Unknown(u)),
                    k => k,
                };
                let found = list.iter().find(|(ik, _)| match ik {
                    super::InstanceKey::Index(i) => key.to_number().ok() == Some(*i as f64),
                    super::InstanceKey::Key(k) => key.as_str() == Some(k),
                    super::InstanceKey::None => false,
                });
                match found {
                    Some((_, i)) => (Some(*i), &ops[1..]),
                    None => return Err(format!("module.{name} has no instance {key}")),
                }
            }
            _ => {
                let whole = self.module_value(s.inst, name)?;
                return self.traverse(whole, ops, s);
            }
        };
        let Some(instance) = instance else {
            return Err(format!("module.{name} has no instances"));
        };
        let Traverse::Attr(output) = &rest[0] else {
            unreachable!()
        };
        let v = self.output(instance, output)?;
        self.traverse(v, &rest[1..], s)
    }

    /// Applies attribute accesses, indexes and splats to a value.
    pub fn traverse(&self, mut v: Value, ops: &[Traverse], s: Scope<'_>) -> R {
        let mut i = 0;
        while i < ops.len() {
            match &ops[i] {
                Traverse::Attr(name) => v = get_attr(v, name)?,
                Traverse::Index(k) => {
                    let key = self.eval(k, s)?;
                    v = index(v, key)?;
                }
                Traverse::FullSplat => return self.splat(v, &ops[i + 1..], s),
                Traverse::AttrSplat => {
                    let end = ops[i + 1..]
                        .iter()
                        .position(|o| !matches!(o, Traverse::Attr(_)))
                        .map_or(ops.len(), |p| i + 1 + p);
                    v = self.splat(v, &ops[i + 1..end], s)?;
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(v)
    }

    fn splat(&self, v: Value, ops: &[Traverse], s: Scope<'_>) -> R {
        let items = match v {
            Value::Unknown(_) => return Ok(v),
            Value::Null => Vec::new(),
            Value::List(items) => items.to_vec(),
            other => vec![other],
        };
        items
            .into_iter()
            .map(|item| self.traverse(item, ops, s))
            .collect::<Result<_, _>>()
            .map(Value::list)
    }

    fn binary(&self, op: BinaryOperator, l: &Expr, r: &Expr, s: Scope<'_>) -> R {
        use BinaryOperator::*;
        let a = self.eval(l, s)?;
        let b = self.eval(r, s)?;
        if matches!(op, And | Or) {
            let decisive = matches!(op, Or);
            for v in [&a, &b] {
                if v.as_unknown().is_none() && v.to_bool()? == decisive {
                    return Ok(Value::Bool(decisive));
                }
            }
            if let Some(u) = a.as_unknown().or(b.as_unknown()) {
                return Ok(Value::Unknown(u.clone()));
            }
            return Ok(Value::Bool(!decisive));
        }
        if let Some(u) = a.first_unknown().or(b.first_unknown()) {
            return Ok(Value::Unknown(u.clone()));
        }
        let num = |v: &Value| v.to_number();
        Ok(match op {
            Eq => Value::Bool(a.equals(&b)),
            NotEq => Value::Bool(!a.equals(&b)),
            Less => Value::Bool(num(&a)? < num(&b)?),
            LessEq => Value::Bool(num(&a)? <= num(&b)?),
            Greater => Value::Bool(num(&a)? > num(&b)?),
            GreaterEq => Value::Bool(num(&a)? >= num(&b)?),
            Plus => Value::Number(num(&a)? + num(&b)?),
            Minus => Value::Number(num(&a)? - num(&b)?),
            Mul => Value::Number(num(&a)? * num(&b)?),
            Div => {
                let d = num(&b)?;
                if d == 0.0 {
                    return Err("division by zero".into());
                }
                Value::Number(num(&a)? / d)
            }
            Mod => {
                let d = num(&b)?;
                if d == 0.0 {
                    return Err("modulo by zero".into());
                }
                Value::Number(num(&a)? % d)
            }
            And | Or => unreachable!(),
        })
    }

    fn for_expr(&self, f: &ForExpr, s: Scope<'_>) -> R {
        let items = match self.eval(&f.collection, s)? {
            Value::Unknown(u) => return Ok(Value::Unknown(u)),
            collection => key_value_pairs(&collection, "a for expression")?,
        };
        let mut list = Vec::new();
        let mut map: indexmap::IndexMap<String, Vec<Value>> = indexmap::IndexMap::new();
        for (k, v) in items {
            let step = |s: Scope<'_>| -> Result<Option<(Option<String>, Value)>, Value> {
                if let Some(cond) = &f.cond {
                    match self.eval(cond, s).map_err(Value::error)? {
                        Value::Unknown(u) => return Err(Value::Unknown(u)),
                        c => {
                            if !c.to_bool().map_err(Value::error)? {
                                return Ok(None);
                            }
                        }
                    }
                }
                let key = match &f.key {
                    Some(ke) => match self.eval(ke, s).map_err(Value::error)? {
                        Value::Unknown(u) => return Err(Value::Unknown(u)),
                        kv => Some(kv.to_text().map_err(Value::error)?),
                    },
                    None => None,
                };
                let value = self.eval(&f.value, s).map_err(Value::error)?;
                Ok(Some((key, value)))
            };
            let result = with_binding(s, &f.value_var, v, |s| match &f.key_var {
                Some(kv) => with_binding(s, kv, k, step),
                None => step(s),
            });
            match result {
                Ok(None) => {}
                Ok(Some((Some(key), value))) => {
                    let slot = map.entry(key.clone()).or_default();
                    if !f.grouping && !slot.is_empty() {
                        return Err(format!(
                            "duplicate key \"{key}\" in a for expression (use ... to group)"
                        ));
                    }
                    slot.push(value);
                }
                Ok(Some((None, value))) => list.push(value),
                Err(Value::Unknown(u)) if matches!(*u, Unknown::Error { .. }) => {
                    return Err(u.describe());
                }
                Err(v) => return Ok(v),
            }
        }
        if f.key.is_some() {
            Ok(Value::object(
                map.into_iter()
                    .map(|(k, mut vs)| {
                        let v = if f.grouping {
                            Value::list(vs)
                        } else {
                            vs.pop().unwrap_or(Value::Null)
                        };
                        (k, v)
                    })
                    .collect(),
            ))
        } else {
            Ok(Value::list(list))
        }
    }

    /// A template: a lone interpolation yields its value unconverted, as in HCL. An
    /// unknown interpolation makes the string unknown, but partly so: its known text is
    /// kept (see `Unknown::Partial`).
    pub(super) fn template(&self, parts: &[TemplatePart], s: Scope<'_>) -> R {
        if let [TemplatePart::Interpolation(e)] = parts {
            return self.eval(e, s);
        }
        let mut out = String::new();
        let mut first = None;
        if let Some(unknown) = self.render(parts, s, &mut out, &mut first)? {
            return Ok(unknown);
        }
        Ok(match first {
            None => Value::string(out),
            Some(cause) => Value::unknown(Unknown::Partial {
                text: out,
                cause: Box::new(cause.plain()),
            }),
        })
    }

    /// Appends a template's text to `out`, writing marks for unknown interpolations (the
    /// first is kept in `first`); returns the unknown that stops it altogether (an
    /// unknown condition or collection), if any.
    fn render(
        &self,
        parts: &[TemplatePart],
        s: Scope<'_>,
        out: &mut String,
        first: &mut Option<Arc<Unknown>>,
    ) -> Result<Option<Value>, String> {
        for part in parts {
            match part {
                TemplatePart::Literal(text) => out.push_str(text),
                TemplatePart::Interpolation(e) => match self.eval(e, s)? {
                    Value::Unknown(u) => {
                        out.push_str(u.mark());
                        first.get_or_insert(u);
                    }
                    v => out.push_str(&v.to_text()?),
                },
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => match self.eval(cond, s)? {
                    Value::Unknown(u) => return Ok(Some(Value::Unknown(u))),
                    c => {
                        let branch = if c.to_bool()? { then } else { otherwise };
                        if let Some(u) = self.render(branch, s, out, first)? {
                            return Ok(Some(u));
                        }
                    }
                },
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    let items = match self.eval(collection, s)? {
                        Value::Unknown(u) => return Ok(Some(Value::Unknown(u))),
                        collection => key_value_pairs(&collection, "a template for")?,
                    };
                    for (k, v) in items {
                        let r = with_binding(s, value_var, v, |s| match key_var {
                            Some(kv) => {
                                with_binding(s, kv, k, |s| self.render(body, s, out, first))
                            }
                            None => self.render(body, s, out, first),
                        })?;
                        if let Some(u) = r {
                            return Ok(Some(u));
                        }
                    }
                }
            }
        }
        Ok(None)
    }

    fn call_function(&self, name: &str, args: &[Expr], expand: bool, s: Scope<'_>) -> R {
        match name {
            // try and can see errors, so their arguments are evaluated here, one by one.
            "try" => {
                for a in args {
                    match self.eval(a, s) {
                        Ok(v) if !is_error(&v) => return Ok(v),
                        _ => {}
                    }
                }
                Err("try: no argument could be evaluated without an error".into())
            }
            "can" => {
                let arg = args.first().ok_or("can: needs one argument")?;
                match self.eval(arg, s) {
                    Ok(v) if is_error(&v) => Ok(Value::Bool(false)),
                    Ok(Value::Unknown(u)) => Ok(Value::Unknown(u)),
                    Ok(_) => Ok(Value::Bool(true)),
                    Err(_) => Ok(Value::Bool(false)),
                }
            }
            "templatefile" => {
                let path = match self.eval(args.first().ok_or("templatefile: needs a path")?, s)? {
                    Value::Unknown(u) => return Ok(Value::Unknown(u)),
                    p => p.to_text()?,
                };
                let vars = match args.get(1) {
                    Some(a) => self.eval(a, s)?,
                    None => Value::object(Map::new()),
                };
                self.templatefile(&path, vars, s)
            }
            _ => {
                let mut values = args
                    .iter()
                    .map(|a| self.eval(a, s))
                    .collect::<Result<Vec<_>, _>>()?;
                if expand {
                    match values.pop() {
                        Some(Value::List(l)) => values.extend(l.iter().cloned()),
                        Some(u @ Value::Unknown(_)) => return Ok(u),
                        Some(other) => {
                            return Err(format!(
                                "{name}: only a list can be expanded with ..., not a {}",
                                other.type_name()
                            ));
                        }
                        None => {}
                    }
                }
                functions::call(name, values, self).map_err(|e| {
                    if e.starts_with(name) {
                        e
                    } else {
                        format!("{name}: {e}")
                    }
                })
            }
        }
    }

    fn templatefile(&self, path: &str, vars: Value, s: Scope<'_>) -> R {
        let text = match self.read_file(path) {
            Ok(t) => t,
            Err(u) => return Ok(Value::unknown(u)),
        };
        self.render_template_text(&text, vars, s)
            .map_err(|e| format!("templatefile: {path}: {e}"))
    }

    /// Renders template text (`templatefile`, `data "template_file"`) with only `vars`
    /// in scope.
    pub(super) fn render_template_text(&self, text: &str, vars: Value, s: Scope<'_>) -> R {
        let parts = crate::source::terraform::parse::parse_template(text).map_err(|e| e.message)?;
        let vars = match vars {
            Value::Unknown(u) => return Ok(Value::Unknown(u)),
            Value::Object(m) => m,
            other => {
                return Err(format!(
                    "variables must be an object, not a {}",
                    other.type_name()
                ));
            }
        };
        fn bind_all(
            ev: &Evaluator<'_>,
            vars: &[(String, Value)],
            s: Scope<'_>,
            parts: &[TemplatePart],
        ) -> R {
            match vars.split_first() {
                None => ev.template(parts, s),
                Some(((name, value), rest)) => {
                    with_binding(s, name, value.clone(), |s| bind_all(ev, rest, s, parts))
                }
            }
        }
        let vars: Vec<(String, Value)> = vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        // The template sees only the variables it is given.
        bind_all(self, &vars, Scope::new(s.inst, s.iteration), &parts)
    }
}

fn is_error(v: &Value) -> bool {
    matches!(v, Value::Unknown(u) if matches!(**u, Unknown::Error { .. }))
}

fn get_attr(v: Value, name: &str) -> R {
    match v {
        Value::Unknown(_) => Ok(v),
        Value::Object(m) => m
            .get(name)
            .cloned()
            .ok_or_else(|| format!("this object has no attribute \"{name}\"")),
        Value::Resource(r) => {
            let computed = || {
                let (address, attr) = (r.address.clone(), name.to_string());
                Value::unknown(if r.data {
                    Unknown::DataSource { address, attr }
                } else {
                    Unknown::AfterApply { address, attr }
                })
            };
            Ok(match r.attrs.get(name) {
                // As in a plan: an attribute of a resource whose configured value is
                // unknown is "known after apply", and still an attribute of that
                // resource, so references through it keep pointing at the resource.
                // (A data source's computed JSON keeps its partly known text.)
                Some(Value::Unknown(_)) if !r.data => computed(),
                Some(v) => v.clone(),
                None => computed(),
            })
        }
        Value::Null => Err(format!("cannot read \"{name}\" of a null value")),
        Value::List(_) => Err(format!(
            "cannot read \"{name}\" of a list: use an index or [*]"
        )),
        other => Err(format!("cannot read \"{name}\" of a {}", other.type_name())),
    }
}

fn index(v: Value, key: Value) -> R {
    match (v, key) {
        (v @ Value::Unknown(_), _) => Ok(v),
        (_, k @ Value::Unknown(_)) => Ok(k),
        (Value::List(l), k) => {
            let n = k.to_number()?;
            l.get(n as usize)
                .filter(|_| n >= 0.0)
                .cloned()
                .ok_or_else(|| format!("index {n} is out of range for a list of {}", l.len()))
        }
        (Value::Object(m), k) => {
            let k = k.to_text()?;
            m.get(&k)
                .cloned()
                .ok_or_else(|| format!("there is no key \"{k}\""))
        }
        (Value::Resource(r), k) => get_attr(Value::Resource(r), &k.to_text()?),
        (Value::Null, _) => Err("cannot index a null value".into()),
        (other, _) => Err(format!("cannot index a {}", other.type_name())),
    }
}

impl FunctionEnv for Evaluator<'_> {
    fn read_file(&self, path: &str) -> Result<Arc<str>, Unknown> {
        if let Some(r) = self.files.borrow().get(path) {
            return r.clone();
        }
        let r = self.read_inside_tree(path);
        self.files.borrow_mut().insert(path.to_string(), r.clone());
        r
    }

    fn file_exists(&self, path: &str) -> Result<bool, Unknown> {
        match self.read_file(path) {
            Ok(_) => Ok(true),
            Err(Unknown::File { why, .. }) if why == "not found" => Ok(false),
            Err(u) => Err(u),
        }
    }
}

impl Evaluator<'_> {
    /// Reads a file the way Terraform resolves it (relative to the root module), but
    /// only inside the scanned tree or a module it calls.
    fn read_inside_tree(&self, path: &str) -> Result<Arc<str>, Unknown> {
        let unknown = |why: &str| Unknown::File {
            path: path.to_string(),
            why: why.to_string(),
        };
        let full = self.root_module().dir.join(Path::new(path));
        let real = match std::fs::canonicalize(&full) {
            Ok(p) => p,
            Err(_) => return Err(unknown("not found")),
        };
        if !self.tree.readable.iter().any(|d| real.starts_with(d)) {
            return Err(unknown("it is outside the scanned tree"));
        }
        match std::fs::read_to_string(&real) {
            Ok(text) => Ok(Arc::from(text)),
            Err(e) => Err(unknown(&e.to_string())),
        }
    }
}

/// What a `for` iterates over: index and element of a list, key and value of an object
/// or a resource's attributes. `what` names the construct in the error.
fn key_value_pairs(collection: &Value, what: &str) -> Result<Vec<(Value, Value)>, String> {
    Ok(match collection {
        Value::List(l) => l
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::Number(i as f64), v.clone()))
            .collect(),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| (Value::string(k.as_str()), v.clone()))
            .collect(),
        Value::Resource(r) => r
            .attrs
            .iter()
            .map(|(k, v)| (Value::string(k.as_str()), v.clone()))
            .collect(),
        Value::Null => return Err(format!("{what} cannot iterate over null")),
        other => {
            return Err(format!(
                "{what} cannot iterate over a {}",
                other.type_name()
            ));
        }
    })
}
