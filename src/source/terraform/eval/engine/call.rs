//! Function calls (HCL's FunctionCallExpr), and the functions that see expressions
//! rather than values: `try` and `can` (HCL's tryfunc), `templatefile` and
//! `templatestring` (Terraform's).

use super::{Bindings, Engine, FirstError, lookup, with_binding};
use crate::model::Span;
use crate::source::terraform::cty::convert::convert;
use crate::source::terraform::cty::{Type, Value, Why};
use crate::source::terraform::eval::error::{ErrorKind, EvalError, R, dynamic};
use crate::source::terraform::eval::functions::{self, Function};
use crate::source::terraform::ir::{Expr, ExprKind, FuncCall, TemplatePart, Traverse};

impl Engine<'_> {
    pub(super) fn call(&self, c: &FuncCall, span: Span, b: Bindings<'_>) -> R {
        match &*c.name {
            "try" => return self.try_(c, span, b),
            "can" => return self.can(c, span, b),
            // Terraform stubs both out inside a template: a template that renders
            // itself would never end.
            name @ ("templatefile" | "templatestring") if self.env.in_template() => {
                return Err(EvalError::invalid(
                    "Error in function call",
                    format!(
                        "Call to function {name:?} failed: cannot recursively call {name} from inside another template function."
                    ),
                    span,
                ));
            }
            "templatefile" => return self.templatefile(c, span, b),
            "templatestring" => return self.templatestring(c, span, b),
            _ => {}
        }
        let Some(f) = self
            .env
            .extra_function(&c.name)
            .or_else(|| functions::lookup(&c.name))
        else {
            if let Some(rest) = c.name.strip_prefix("provider::") {
                // Provider-defined functions run in the provider: not known offline.
                let _ = rest;
                return Ok(Value::unknown(
                    Type::Dynamic,
                    Why::Function {
                        name: c.name.to_string(),
                    },
                ));
            }
            return Err(EvalError::new(
                ErrorKind::UnknownFunction,
                "Call to unknown function",
                format!("There is no function named {:?}.", &*c.name),
                span,
            ));
        };
        let args = match self.arguments(c, f, span, b) {
            Ok(args) => args,
            Err(result) => return result,
        };
        let result = f.call(self.env.host(), &args);
        if let Err(e) = &result
            && e.limit
        {
            self.env.host().limit_reached(span, &e.message);
            let ty = f.return_type(&args).unwrap_or(Type::Dynamic);
            return Ok(crate::source::terraform::eval::budget::unknown(
                ty,
                e.message.clone(),
            ));
        }
        result.map_err(|e| {
            let (summary, detail) =
                match e.arg.and_then(|i| f.params.get(i).or(f.var_param.as_ref())) {
                    Some(p) => (
                        "Invalid function argument",
                        format!("Invalid value for {:?} parameter: {}.", p.name, e.message),
                    ),
                    None => (
                        "Error in function call",
                        format!("Call to function {:?} failed: {}.", &*c.name, e.message),
                    ),
                };
            let at = e.arg.and_then(|i| c.args.get(i)).map_or(span, |a| a.span);
            EvalError::new(ErrorKind::FunctionCall, summary, detail, at)
        })
    }

    /// The arguments of a call: the last one expanded with `...`, each evaluated and
    /// converted to its parameter's type. `Err(Ok(v))`: the call's result is `v` already
    /// (an expansion whose elements are not known).
    fn arguments(
        &self,
        c: &FuncCall,
        f: &Function,
        span: Span,
        b: Bindings<'_>,
    ) -> Result<Vec<Value>, Result<Value, Box<EvalError>>> {
        let (fixed, expanded) = if c.expand_final {
            let (last, rest) = c.args.split_last().expect("`...` follows an argument");
            (rest, Some(last))
        } else {
            (&c.args[..], None)
        };
        // HCL evaluates the expanded argument first.
        let mut tail: Vec<(Value, Span)> = Vec::new();
        if let Some(last) = expanded {
            let v = self.eval(last, b).map_err(Err)?;
            let expand_err = |detail: &str| {
                Err(EvalError::new(
                    ErrorKind::FunctionCall,
                    "Invalid expanding argument value",
                    detail,
                    last.span,
                ))
            };
            match v.ty() {
                Type::List(_) | Type::Set(_) | Type::Tuple(_) | Type::Dynamic if v.is_null() => {
                    return Err(expand_err(
                        "The expanding argument (indicated by ...) must not be null.",
                    ));
                }
                Type::Dynamic => return Err(Ok(v.unknown_like(Type::Dynamic))),
                Type::List(_) | Type::Set(_) | Type::Tuple(_) => {
                    if !v.is_known() {
                        return Err(Ok(v.unknown_like(Type::Dynamic)));
                    }
                    for item in v.items().unwrap_or_default() {
                        tail.push((item.clone(), last.span));
                    }
                }
                _ => {
                    return Err(expand_err(
                        "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                    ));
                }
            }
        }
        let count = fixed.len() + tail.len();
        if count < f.params.len() {
            let qual = if f.var_param.is_some() {
                " at least"
            } else {
                ""
            };
            return Err(Err(EvalError::new(
                ErrorKind::FunctionCall,
                "Not enough function arguments",
                format!(
                    "Function {:?} expects{qual} {} argument(s). Missing value for {:?}.",
                    &*c.name,
                    f.params.len(),
                    f.params[count].name
                ),
                span,
            )));
        }
        if f.var_param.is_none() && count > f.params.len() {
            return Err(Err(EvalError::new(
                ErrorKind::FunctionCall,
                "Too many function arguments",
                format!(
                    "Function {:?} expects only {} argument(s).",
                    &*c.name,
                    f.params.len()
                ),
                span,
            )));
        }
        let mut first = FirstError::default();
        let mut values: Vec<(Value, Span)> = fixed
            .iter()
            .map(|a| (first.take(self.eval(a, b)), a.span))
            .collect();
        values.extend(tail);
        let mut args = Vec::with_capacity(values.len());
        for (i, (v, at)) in values.into_iter().enumerate() {
            let param = f
                .params
                .get(i)
                .or(f.var_param.as_ref())
                .expect("arity checked");
            match convert(&v, &param.ty) {
                Ok(v) => args.push(v),
                Err(e) => {
                    first.take(Err(EvalError::new(
                        ErrorKind::FunctionCall,
                        "Invalid function argument",
                        format!("Invalid value for {:?} parameter: {e}.", param.name),
                        at,
                    )));
                    args.push(dynamic());
                }
            }
        }
        first
            .finish(Value::null())
            .map_err(|e| Err(e.with_placeholder(dynamic())))?;
        Ok(args)
    }

    /// `try(a, b, ...)`: the first argument that evaluates without error. Unknown when
    /// an argument depends on unknown values (it might fail once they are known).
    fn try_(&self, c: &FuncCall, span: Span, b: Bindings<'_>) -> R {
        if c.args.is_empty() {
            return Err(EvalError::new(
                ErrorKind::FunctionCall,
                "Not enough function arguments",
                "Function \"try\" expects at least 1 argument(s). Missing value for \"expressions\".",
                span,
            ));
        }
        let mut errors = Vec::new();
        for a in &c.args {
            if let Some(u) = self.depends_on_unknowns(a, b) {
                return Ok(u.unknown_like(Type::Dynamic));
            }
            match self.eval(a, b) {
                Ok(v) => return Ok(v),
                Err(e) if e.catchable() => errors.push(e.message()),
                Err(e) => return Err(e),
            }
        }
        Err(EvalError::new(
            ErrorKind::FunctionCall,
            "Error in function call",
            format!(
                "Call to function \"try\" failed: no expression succeeded:\n- {}\n\nAt least one expression must produce a successful result.",
                errors.join("\n- ")
            ),
            span,
        ))
    }

    /// `can(a)`: whether `a` evaluates without error (unknown while it depends on
    /// unknown values).
    fn can(&self, c: &FuncCall, span: Span, b: Bindings<'_>) -> R {
        let [a] = &c.args[..] else {
            return Err(EvalError::new(
                ErrorKind::FunctionCall,
                if c.args.is_empty() {
                    "Not enough function arguments"
                } else {
                    "Too many function arguments"
                },
                "Function \"can\" expects 1 argument(s).",
                span,
            ));
        };
        if let Some(u) = self.depends_on_unknowns(a, b) {
            return Ok(u.unknown_like(Type::Bool));
        }
        match self.eval(a, b) {
            Ok(_) => Ok(Value::Bool(true)),
            Err(e) if e.catchable() => Ok(Value::Bool(false)),
            Err(e) => Err(e),
        }
    }

    /// HCL's `dependsOnUnknowns`: the first reference in `e` (outside names `e` binds
    /// itself) whose value is not wholly known.
    fn depends_on_unknowns(&self, e: &Expr, b: Bindings<'_>) -> Option<Value> {
        let mut found = None;
        visit_references(e, &mut Vec::new(), &mut |root, ops, span| {
            if found.is_some() {
                return;
            }
            let v = match lookup(b, root) {
                Some(v) => self.traverse(v.clone(), ops, span, b),
                None => self
                    .env
                    .resolve(root, ops, span, b)
                    .and_then(|(v, used)| self.traverse(v, &ops[used..], span, b)),
            };
            if let Ok(v) = v
                && let Some(u) = v.first_unknown()
            {
                found = Some(u.clone());
            }
        });
        found
    }

    /// `templatefile(path, vars)`: the file rendered as a template with only `vars`.
    fn templatefile(&self, c: &FuncCall, span: Span, b: Bindings<'_>) -> R {
        let [path, vars] = &c.args[..] else {
            return Err(arity("templatefile", 2, span));
        };
        let path_v = self.eval(path, b)?;
        let vars_v = self.eval(vars, b)?;
        let path_v =
            convert(&path_v, &Type::String).map_err(|e| invalid_arg("path", e, path.span))?;
        let Some(p) = path_v.as_str() else {
            return Ok(path_v.unknown_like(Type::Dynamic));
        };
        let text = match self.env.host().read_file(p) {
            Ok(t) => t,
            Err(why) => {
                if let Why::Limit { what } = &why {
                    self.env.host().limit_reached(span, what);
                }
                return Ok(Value::unknown(Type::Dynamic, why));
            }
        };
        self.render_template_text(&text, vars_v, vars.span)
            .map_err(|e| {
                let mut e = e;
                e.detail = format!("{p}: {}", e.message());
                e.summary = "Error in function call".into();
                e.span = span;
                e
            })
    }

    /// `templatestring(ref, vars)` (Terraform 1.9): a string, from a reference, rendered
    /// as a template.
    fn templatestring(&self, c: &FuncCall, span: Span, b: Bindings<'_>) -> R {
        let [template, vars] = &c.args[..] else {
            return Err(arity("templatestring", 2, span));
        };
        let t = self.eval(template, b)?;
        let vars_v = self.eval(vars, b)?;
        let t =
            convert(&t, &Type::String).map_err(|e| invalid_arg("template", e, template.span))?;
        let Some(text) = t.as_str() else {
            return Ok(t.unknown_like(Type::String));
        };
        self.render_template_text(text, vars_v, vars.span)
    }

    /// Renders template text with only `vars` in scope, as `templatefile` does.
    pub fn render_template_text(&self, text: &str, vars: Value, vars_span: Span) -> R {
        let parts = crate::source::terraform::parse::parse_template(text)
            .map_err(|e| EvalError::invalid("Invalid template", e.message, vars_span))?;
        if !vars.is_known() {
            return Ok(vars.unknown_like(Type::Dynamic));
        }
        let Some(entries) = vars.entries() else {
            return Err(EvalError::invalid(
                "Invalid function argument",
                "Invalid value for \"vars\" parameter: vars must be an object.",
                vars_span,
            ));
        };
        let vars: Vec<(String, Value)> = entries
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        fn bind_all(
            engine: &Engine<'_>,
            vars: &[(String, Value)],
            b: Bindings<'_>,
            parts: &[TemplatePart],
            span: Span,
        ) -> R {
            match vars.split_first() {
                None => engine.template(parts, span, b),
                Some(((name, value), rest)) => with_binding(b, name, value.clone(), |b| {
                    bind_all(engine, rest, b, parts, span)
                }),
            }
        }
        // The template sees only its variables: an empty scope, and an environment that
        // resolves nothing.
        let isolated = Engine {
            env: &Isolated {
                host: self.env.host(),
            },
        };
        bind_all(&isolated, &vars, None, &parts, vars_span)
    }
}

/// The scope of a template file: only the variables given.
struct Isolated<'h> {
    host: &'h dyn crate::source::terraform::eval::functions::Host,
}

impl super::Env for Isolated<'_> {
    fn resolve(
        &self,
        root: &str,
        _ops: &[Traverse],
        span: Span,
        _b: Bindings<'_>,
    ) -> Result<(Value, usize), Box<EvalError>> {
        Err(EvalError::invalid(
            "Unknown variable",
            format!("There is no variable named {root:?}."),
            span,
        ))
    }

    fn host(&self) -> &dyn crate::source::terraform::eval::functions::Host {
        self.host
    }

    fn in_template(&self) -> bool {
        true
    }
}

fn arity(name: &str, n: usize, span: Span) -> Box<EvalError> {
    EvalError::new(
        ErrorKind::FunctionCall,
        "Wrong number of function arguments",
        format!("Function {name:?} expects {n} argument(s)."),
        span,
    )
}

fn invalid_arg(
    param: &str,
    e: crate::source::terraform::cty::convert::ConvError,
    span: Span,
) -> Box<EvalError> {
    EvalError::new(
        ErrorKind::FunctionCall,
        "Invalid function argument",
        format!("Invalid value for {param:?} parameter: {e}."),
        span,
    )
}

/// Calls `f` with every static reference in `e` (root name and the attribute and
/// literal-index steps after it), skipping names a `for` inside `e` binds.
pub fn visit_references(
    e: &Expr,
    bound: &mut Vec<String>,
    f: &mut dyn FnMut(&str, &[Traverse], Span),
) {
    let literal = |x: &Expr| matches!(x.kind, ExprKind::Number(_) | ExprKind::String(_));
    match &e.kind {
        ExprKind::Variable(name) => {
            if !bound.iter().any(|n| n == &**name) {
                f(name, &[], e.span);
            }
        }
        ExprKind::Traversal(t) => {
            let static_len = t
                .ops
                .iter()
                .position(|op| match op {
                    Traverse::Attr(_) => false,
                    Traverse::Index(k) => !literal(k),
                    _ => true,
                })
                .unwrap_or(t.ops.len());
            match &t.base.kind {
                ExprKind::Variable(name) => {
                    if !bound.iter().any(|n| n == &**name) {
                        f(name, &t.ops[..static_len], e.span);
                    }
                }
                _ => visit_references(&t.base, bound, f),
            }
            for op in &t.ops {
                if let Traverse::Index(k) = op {
                    visit_references(k, bound, f);
                }
            }
        }
        ExprKind::Template(parts) => visit_template(parts, bound, f),
        ExprKind::Tuple(items) => items.iter().for_each(|i| visit_references(i, bound, f)),
        ExprKind::Object(items) => {
            for (k, v) in items {
                if let crate::source::terraform::ir::ObjectKey::Expr(k) = k {
                    visit_references(k, bound, f);
                }
                visit_references(v, bound, f);
            }
        }
        ExprKind::Call(c) => c.args.iter().for_each(|a| visit_references(a, bound, f)),
        ExprKind::Conditional(c) => c.iter().for_each(|x| visit_references(x, bound, f)),
        ExprKind::Unary(_, x) => visit_references(x, bound, f),
        ExprKind::Binary(_, xs) => xs.iter().for_each(|x| visit_references(x, bound, f)),
        ExprKind::For(fe) => {
            visit_references(&fe.collection, bound, f);
            let n = bound.len();
            bound.push(fe.value_var.to_string());
            if let Some(k) = &fe.key_var {
                bound.push(k.to_string());
            }
            if let Some(k) = &fe.key {
                visit_references(k, bound, f);
            }
            visit_references(&fe.value, bound, f);
            if let Some(c) = &fe.cond {
                visit_references(c, bound, f);
            }
            bound.truncate(n);
        }
        ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_) => {}
    }
}

fn visit_template(
    parts: &[TemplatePart],
    bound: &mut Vec<String>,
    f: &mut dyn FnMut(&str, &[Traverse], Span),
) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interpolation(e) => visit_references(e, bound, f),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                visit_references(cond, bound, f);
                visit_template(then, bound, f);
                visit_template(otherwise, bound, f);
            }
            TemplatePart::For {
                key_var,
                value_var,
                collection,
                body,
            } => {
                visit_references(collection, bound, f);
                let n = bound.len();
                bound.push(value_var.to_string());
                if let Some(k) = key_var {
                    bound.push(k.to_string());
                }
                visit_template(body, bound, f);
                bound.truncate(n);
            }
        }
    }
}

/// Calls `f` with every function call in `e`, nested ones included.
pub fn visit_calls(e: &Expr, f: &mut dyn FnMut(&FuncCall, Span)) {
    match &e.kind {
        ExprKind::Call(c) => {
            f(c, e.span);
            c.args.iter().for_each(|a| visit_calls(a, f));
        }
        ExprKind::Traversal(t) => {
            visit_calls(&t.base, f);
            for op in &t.ops {
                if let Traverse::Index(k) = op {
                    visit_calls(k, f);
                }
            }
        }
        ExprKind::Template(parts) => visit_template_calls(parts, f),
        ExprKind::Tuple(items) => items.iter().for_each(|i| visit_calls(i, f)),
        ExprKind::Object(items) => {
            for (k, v) in items {
                if let crate::source::terraform::ir::ObjectKey::Expr(k) = k {
                    visit_calls(k, f);
                }
                visit_calls(v, f);
            }
        }
        ExprKind::Conditional(c) => c.iter().for_each(|x| visit_calls(x, f)),
        ExprKind::Unary(_, x) => visit_calls(x, f),
        ExprKind::Binary(_, xs) => xs.iter().for_each(|x| visit_calls(x, f)),
        ExprKind::For(fe) => {
            visit_calls(&fe.collection, f);
            if let Some(k) = &fe.key {
                visit_calls(k, f);
            }
            visit_calls(&fe.value, f);
            if let Some(c) = &fe.cond {
                visit_calls(c, f);
            }
        }
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Variable(_) => {}
    }
}

fn visit_template_calls(parts: &[TemplatePart], f: &mut dyn FnMut(&FuncCall, Span)) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interpolation(e) => visit_calls(e, f),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                visit_calls(cond, f);
                visit_template_calls(then, f);
                visit_template_calls(otherwise, f);
            }
            TemplatePart::For {
                collection, body, ..
            } => {
                visit_calls(collection, f);
                visit_template_calls(body, f);
            }
        }
    }
}
