//! `[for k, v in coll : v if cond]` and `{for k, v in coll : k => v...}` (HCL's ForExpr).

use super::{Bindings, Engine, FirstError, with_binding};
use crate::model::Span;
use crate::source::terraform::cty::convert::convert;
use crate::source::terraform::cty::{Type, Value, Why};
use crate::source::terraform::eval::error::{EvalError, R, dynamic};
use crate::source::terraform::ir::ForExpr;
use std::collections::BTreeMap;

/// What one iteration yields: skipped, an element, or "not known" (an unknown condition
/// or key makes the whole result unknown).
enum Step {
    Skip,
    Item(Option<String>, Value),
    Unknown(Why),
}

impl Engine<'_> {
    /// The key and value pairs a `for` iterates, `None` when the collection is unknown
    /// or of unknown type, or an error when it cannot be iterated.
    pub(super) fn for_items(
        &self,
        coll: &Value,
        span: Span,
    ) -> Result<Option<Vec<(Value, Value)>>, Box<EvalError>> {
        if coll.is_null() {
            return Err(EvalError::invalid(
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
                span,
            ));
        }
        if coll.ty().is_dynamic() {
            return Ok(None);
        }
        if !coll.can_iterate() {
            return Err(EvalError::invalid(
                "Iteration over non-iterable value",
                format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    coll.ty().friendly_name()
                ),
                span,
            ));
        }
        if !coll.is_known() {
            return Ok(None);
        }
        Ok(Some(coll.elements()))
    }

    pub(super) fn for_expr(&self, f: &ForExpr, span: Span, b: Bindings<'_>) -> R {
        let coll = self.eval(&f.collection, b)?;
        let Some(items) = self.for_items(&coll, f.collection.span)? else {
            return Ok(coll.unknown_like(Type::Dynamic));
        };
        if let Some(cond) = &f.cond {
            // HCL first tries the condition with unknown key and value, to reject a
            // condition that is null or not a bool whatever the element.
            let probe = Value::unknown(
                Type::Dynamic,
                Why::Function {
                    name: "(for)".into(),
                },
            );
            let result = with_binding(b, &f.value_var, probe.clone(), |b| match &f.key_var {
                Some(kv) => with_binding(b, kv, probe.clone(), |b| self.eval(cond, b)),
                None => self.eval(cond, b),
            });
            let result = result.map_err(|e| e.with_placeholder(dynamic()))?;
            if result.is_null() {
                return Err(EvalError::invalid(
                    "Condition is null",
                    "The value of the 'if' clause must not be null.",
                    cond.span,
                ));
            }
            if let Err(e) = convert(&result, &Type::Bool) {
                return Err(EvalError::invalid(
                    "Invalid 'for' condition",
                    format!("The 'if' clause value is invalid: {e}."),
                    cond.span,
                ));
            }
        }
        let mut first = FirstError::default();
        let mut unknown: Option<Why> = None;
        let mut list = Vec::new();
        let mut object: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        // What the result weighs so far: a loop stops as soon as its result would pass
        // the limit, rather than building it all first.
        let mut weight = 0usize;
        let limits = self.env.host().limits();
        for (k, v) in items {
            let step = with_binding(b, &f.value_var, v, |b| match &f.key_var {
                Some(kv) => with_binding(b, kv, k, |b| {
                    self.for_step(f, b, unknown.is_none(), &mut first)
                }),
                None => self.for_step(f, b, unknown.is_none(), &mut first),
            });
            if let Step::Item(_, value) = &step {
                weight = weight.saturating_add(value.weight());
                if let Some(what) = limits.too_heavy(weight) {
                    self.env.host().limit_reached(span, &what);
                    return first.finish(crate::source::terraform::eval::budget::unknown(
                        Type::Dynamic,
                        what,
                    ));
                }
            }
            match step {
                Step::Skip => {}
                Step::Unknown(why) => {
                    unknown.get_or_insert(why);
                }
                Step::Item(None, value) => list.push(value),
                Step::Item(Some(key), value) => {
                    let slot = object.entry(key.clone()).or_default();
                    if !f.grouping && !slot.is_empty() {
                        first.take(Err(EvalError::invalid(
                            "Duplicate object key",
                            format!("Two different items produced the key {key:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
                            span,
                        )));
                        continue;
                    }
                    slot.push(value);
                }
            }
        }
        if let Some(why) = unknown {
            return first.finish(Value::unknown(Type::Dynamic, why));
        }
        let result = if f.key.is_some() {
            Value::object(
                object
                    .into_iter()
                    .map(|(k, mut vs)| {
                        let v = if f.grouping {
                            Value::tuple(vs)
                        } else {
                            vs.pop().unwrap_or(Value::null())
                        };
                        (k, v)
                    })
                    .collect(),
            )
        } else {
            Value::tuple(list)
        };
        first.finish(result)
    }

    /// One iteration: the condition, the key, the value. Errors are kept in `first` (as
    /// HCL collects diagnostics) and reported once the whole expression is done.
    fn for_step(&self, f: &ForExpr, b: Bindings<'_>, report: bool, first: &mut FirstError) -> Step {
        if let Some(cond) = &f.cond {
            let raw = match self.eval(cond, b) {
                Ok(v) => v,
                Err(e) => {
                    first.take(Err(e));
                    return Step::Unknown(Why::Function {
                        name: "(error)".into(),
                    });
                }
            };
            if raw.is_null() {
                if report {
                    first.take(Err(EvalError::invalid(
                        "Invalid 'for' condition",
                        "The value of the 'if' clause must not be null.",
                        cond.span,
                    )));
                }
                return Step::Unknown(Why::Function {
                    name: "(error)".into(),
                });
            }
            // For a list result HCL checks knownness before converting; for an object
            // result, after: the order decides which error wins, not the outcome.
            if !raw.is_known() && f.key.is_none() {
                return Step::Unknown(raw.why().unwrap_or(Why::Function { name: "if".into() }));
            }
            match convert(&raw, &Type::Bool) {
                Err(e) => {
                    if report {
                        first.take(Err(EvalError::invalid(
                            "Invalid 'for' condition",
                            format!("The 'if' clause value is invalid: {e}."),
                            cond.span,
                        )));
                    }
                    return Step::Unknown(Why::Function {
                        name: "(error)".into(),
                    });
                }
                Ok(c) if !c.is_known() => {
                    return Step::Unknown(c.why().unwrap_or(Why::Function { name: "if".into() }));
                }
                Ok(c) => {
                    if c.as_bool() == Some(false) {
                        return Step::Skip;
                    }
                }
            }
        }
        let key = match &f.key {
            None => None,
            Some(ke) => {
                let raw = match self.eval(ke, b) {
                    Ok(v) => v,
                    Err(e) => {
                        first.take(Err(e));
                        return Step::Unknown(Why::Function {
                            name: "(error)".into(),
                        });
                    }
                };
                if raw.is_null() {
                    if report {
                        first.take(Err(EvalError::invalid(
                            "Invalid object key",
                            "Key expression in 'for' expression must not produce a null value.",
                            ke.span,
                        )));
                    }
                    return Step::Unknown(Why::Function {
                        name: "(error)".into(),
                    });
                }
                if !raw.is_known() {
                    return Step::Unknown(
                        raw.why().unwrap_or(Why::Function { name: "for".into() }),
                    );
                }
                match convert(&raw, &Type::String) {
                    Ok(Value::String(s)) => Some(s.to_string()),
                    Ok(other) => {
                        return Step::Unknown(
                            other.why().unwrap_or(Why::Function { name: "for".into() }),
                        );
                    }
                    Err(e) => {
                        if report {
                            first.take(Err(EvalError::invalid(
                                "Invalid object key",
                                format!("The key expression produced an invalid result: {e}."),
                                ke.span,
                            )));
                        }
                        return Step::Unknown(Why::Function {
                            name: "(error)".into(),
                        });
                    }
                }
            }
        };
        let value = first.take(self.eval(&f.value, b));
        Step::Item(key, value)
    }
}
