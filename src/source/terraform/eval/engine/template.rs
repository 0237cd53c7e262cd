//! String templates: `"a ${x} b"`, heredocs, and the `%{if}` and `%{for}` directives
//! (HCL's TemplateExpr, TemplateWrapExpr, and the ConditionalExpr and TemplateJoinExpr
//! its parser makes of directives).

use super::{Bindings, Engine, FirstError, with_binding};
use crate::model::Span;
use crate::source::terraform::cty::convert::convert;
use crate::source::terraform::cty::{Type, Value, Why};
use crate::source::terraform::eval::error::{EvalError, R};
use crate::source::terraform::ir::TemplatePart;

use crate::model::marks;

/// The stand-in for an unknown inside a partly known string.
pub fn mark(why: &Why) -> &str {
    match why {
        Why::AfterApply { .. } => marks::AFTER_APPLY,
        Why::Partial { text, .. } => text,
        _ => marks::UNKNOWN,
    }
}

impl Engine<'_> {
    /// A template. A lone interpolation is its value unconverted (TemplateWrapExpr).
    /// An unknown part makes the string unknown; xray-setup keeps its known text with
    /// marks (`Why::Partial`) so a policy document can still be read.
    pub(super) fn template(&self, parts: &[TemplatePart], span: Span, b: Bindings<'_>) -> R {
        if let [TemplatePart::Interpolation(e)] = parts {
            return self.eval(e, b);
        }
        let mut out = String::new();
        let mut unknown: Option<Why> = None;
        let mut first = FirstError::default();
        self.render(parts, span, b, &mut out, &mut unknown, &mut first);
        let v = match unknown {
            None => Value::string(out),
            Some(cause) => Value::unknown(
                Type::String,
                Why::Partial {
                    text: out,
                    cause: Box::new(cause.plain()),
                },
            ),
        };
        first.finish(v)
    }

    fn render(
        &self,
        parts: &[TemplatePart],
        span: Span,
        b: Bindings<'_>,
        out: &mut String,
        unknown: &mut Option<Why>,
        first: &mut FirstError,
    ) {
        for part in parts {
            match part {
                TemplatePart::Literal(text) => out.push_str(text),
                TemplatePart::Interpolation(e) => {
                    let v = first.take(self.eval(e, b));
                    self.append(&v, e.span, out, unknown, first, false);
                }
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    // A conditional of two templates: both are strings, so only the
                    // condition decides, and only the taken branch's errors count.
                    let c = match self.eval(cond, b) {
                        Ok(c) => c,
                        Err(e) => {
                            first.take(Err(e));
                            unknown.get_or_insert(Why::Function {
                                name: "(error)".into(),
                            });
                            continue;
                        }
                    };
                    if c.is_null() {
                        first.take(Err(EvalError::invalid(
                            "Null condition",
                            "The condition value is null. Conditions must either be true or false.",
                            cond.span,
                        )));
                        continue;
                    }
                    if !c.is_known() {
                        unknown
                            .get_or_insert(c.why().unwrap_or(Why::Function { name: "if".into() }));
                        continue;
                    }
                    match convert(&c, &Type::Bool).ok().and_then(|c| c.as_bool()) {
                        Some(true) => self.render(then, span, b, out, unknown, first),
                        Some(false) => self.render(otherwise, span, b, out, unknown, first),
                        None => {
                            first.take(Err(EvalError::invalid(
                                "Incorrect condition type",
                                "The condition expression must be of type bool.",
                                cond.span,
                            )));
                        }
                    }
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    self.render_for(
                        key_var.as_deref(),
                        value_var,
                        collection,
                        body,
                        span,
                        b,
                        out,
                        unknown,
                        first,
                    );
                }
            }
        }
    }

    /// `%{for}`: a `for` expression of templates, joined (TemplateJoinExpr).
    #[allow(clippy::too_many_arguments)]
    fn render_for(
        &self,
        key_var: Option<&str>,
        value_var: &str,
        collection: &crate::source::terraform::ir::Expr,
        body: &[TemplatePart],
        span: Span,
        b: Bindings<'_>,
        out: &mut String,
        unknown: &mut Option<Why>,
        first: &mut FirstError,
    ) {
        let coll = match self.eval(collection, b) {
            Ok(c) => c,
            Err(e) => {
                first.take(Err(e));
                return;
            }
        };
        let items = match self.for_items(&coll, collection.span) {
            Ok(Some(items)) => items,
            Ok(None) => {
                unknown.get_or_insert(coll.why().unwrap_or(Why::Function { name: "for".into() }));
                return;
            }
            Err(e) => {
                first.take(Err(e));
                return;
            }
        };
        for (k, v) in items {
            if matches!(unknown, Some(Why::Limit { .. })) {
                return;
            }
            let piece = with_binding(b, value_var, v, |b| match key_var {
                Some(kv) => with_binding(b, kv, k, |b| self.template(body, span, b)),
                None => self.template(body, span, b),
            });
            let piece = first.take(piece);
            self.append(&piece, span, out, unknown, first, true);
        }
    }

    /// Appends one interpolated value, converted to a string.
    fn append(
        &self,
        v: &Value,
        span: Span,
        out: &mut String,
        unknown: &mut Option<Why>,
        first: &mut FirstError,
        joined: bool,
    ) {
        if v.is_null() {
            first.take(Err(EvalError::invalid(
                "Invalid template interpolation value",
                if joined {
                    "An iteration result is null. Cannot include a null value in a string template."
                } else {
                    "The expression result is null. Cannot include a null value in a string template."
                },
                span,
            )));
            return;
        }
        if !v.is_known() {
            let why = v.why().unwrap_or(Why::Function {
                name: "(template)".into(),
            });
            out.push_str(mark(&why));
            unknown.get_or_insert(why);
            return;
        }
        match convert(v, &Type::String) {
            Ok(Value::String(s)) => {
                let host = self.env.host();
                match host.limits().too_heavy(out.len().saturating_add(s.len())) {
                    None => out.push_str(&s),
                    Some(what) => {
                        host.limit_reached(span, &what);
                        out.push_str(mark(&Why::Limit { what: what.clone() }));
                        unknown.get_or_insert(Why::Limit { what });
                    }
                }
            }
            Ok(other) => {
                // A part of dynamic type that is unknown after conversion.
                let why = other.why().unwrap_or(Why::Function {
                    name: "(template)".into(),
                });
                out.push_str(mark(&why));
                unknown.get_or_insert(why);
            }
            Err(e) => {
                first.take(Err(EvalError::invalid(
                    "Invalid template interpolation value",
                    format!("Cannot include the given value in a string template: {e}."),
                    span,
                )));
            }
        }
    }
}
