//! Terraform's JSON configuration syntax (`.tf.json`) converted to the same IR as `.tf`.
//!
//! The JSON text is parsed by hcl-edit as an HCL expression, which it is, so every value
//! keeps its byte span and every string is a template, as the JSON syntax specifies
//! (Terraform docs, "JSON Configuration Syntax"). serde_json checks the text first so a
//! malformed file gets JSON's own error message.

use super::ir::{Attribute, Block, Body, Expr, ExprKind, Span};
use super::parse::{SyntaxError, convert_expr, parse_expr};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Object};

/// Top-level keys whose entries are blocks, with how many labels each takes.
const BLOCK_KINDS: &[(&str, usize)] = &[
    ("resource", 2),
    ("data", 2),
    ("module", 1),
    ("variable", 1),
    ("output", 1),
    ("provider", 1),
    ("locals", 0),
    ("terraform", 0),
];

/// The top-level object of a JSON file, checked to be strict JSON first.
fn parse_object(text: &str, kind: &str) -> Result<Object, SyntaxError> {
    check_json(text)?;
    let expr = hcl_edit::parser::parse_expr(text).map_err(|e| SyntaxError {
        message: e.message().to_string(),
        offset: e.location().offset(),
    })?;
    match expr {
        Expression::Object(root) => Ok(root),
        _ => Err(SyntaxError {
            message: format!("the top-level value of a {kind} file must be an object"),
            offset: 0,
        }),
    }
}

pub fn parse_json_body(text: &str) -> Result<Body, SyntaxError> {
    let root = parse_object(text, ".tf.json")?;
    let mut body = Body::default();
    for (key, value) in root.iter() {
        let Some(key) = key_text(key) else { continue };
        let Some(&(_, labels)) = BLOCK_KINDS.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        collect_blocks(
            &key,
            labels,
            value.expr(),
            &mut Vec::new(),
            &mut body.blocks,
        );
    }
    Ok(body)
}

/// A `.tfvars.json` file: one attribute per top-level key.
pub fn parse_json_tfvars(text: &str) -> Result<Body, SyntaxError> {
    let root = parse_object(text, ".tfvars.json")?;
    let mut body = Body::default();
    for (key, value) in root.iter() {
        let Some(name) = key_text(key) else { continue };
        body.attributes.push(Attribute {
            name: name.into(),
            expr: convert_expr(value.expr()),
            span: span_of(value.expr()),
        });
    }
    Ok(body)
}

/// Checks the text is JSON, turning serde_json's line and column into a byte offset.
fn check_json(text: &str) -> Result<(), SyntaxError> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| {
            let offset = text
                .split_inclusive('\n')
                .take(e.line().saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                + e.column().saturating_sub(1);
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            SyntaxError {
                message,
                offset: offset.min(text.len()),
            }
        })
}

fn key_text(key: &hcl_edit::expr::ObjectKey) -> Option<String> {
    match key {
        hcl_edit::expr::ObjectKey::Ident(i) => Some(i.as_str().to_string()),
        hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => Some(s.value().clone()),
        _ => None,
    }
}

/// Walks `labels` levels of nested objects, then turns each body object (or each element
/// of an array of bodies) into a block.
fn collect_blocks(
    kind: &str,
    labels: usize,
    value: &Expression,
    prefix: &mut Vec<Box<str>>,
    out: &mut Vec<Block>,
) {
    if prefix.len() == labels {
        for obj in objects(value) {
            out.push(Block {
                kind: kind.into(),
                labels: prefix.clone(),
                body: json_body(obj, kind),
                span: span_of(value),
                header: header_of(value),
            });
        }
        return;
    }
    let Expression::Object(o) = value else { return };
    for (k, v) in o.iter() {
        let Some(k) = key_text(k) else { continue };
        prefix.push(k.into());
        collect_blocks(kind, labels, v.expr(), prefix, out);
        prefix.pop();
    }
}

fn objects(value: &Expression) -> Vec<&hcl_edit::expr::Object> {
    match value {
        Expression::Object(o) => vec![o],
        Expression::Array(a) => a
            .iter()
            .filter_map(|e| match e {
                Expression::Object(o) => Some(o),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn json_body(obj: &hcl_edit::expr::Object, kind: &str) -> Body {
    let mut body = Body::default();
    for (key, value) in obj.iter() {
        let Some(name) = key_text(key) else { continue };
        let value = value.expr();
        match name.as_str() {
            "//" => {}
            "dynamic" => collect_dynamic(value, &mut body.blocks),
            "content" if kind == "dynamic" => {
                for o in objects(value) {
                    body.blocks.push(Block {
                        kind: "content".into(),
                        labels: Vec::new(),
                        body: json_body(o, "content"),
                        span: span_of(value),
                        header: header_of(value),
                    });
                }
            }
            // A variable's type is written as a string holding the type expression.
            "type" if kind == "variable" => body.attributes.push(Attribute {
                name: name.into(),
                expr: type_expr(value),
                span: span_of(value),
            }),
            _ => body.attributes.push(Attribute {
                name: name.into(),
                expr: convert_expr(value),
                span: span_of(value),
            }),
        }
    }
    body
}

fn collect_dynamic(value: &Expression, out: &mut Vec<Block>) {
    let Expression::Object(o) = value else { return };
    for (label, v) in o.iter() {
        let Some(label) = key_text(label) else {
            continue;
        };
        for body in objects(v.expr()) {
            out.push(Block {
                kind: "dynamic".into(),
                labels: vec![label.as_str().into()],
                body: json_body(body, "dynamic"),
                span: span_of(v.expr()),
                header: header_of(v.expr()),
            });
        }
    }
}

fn type_expr(value: &Expression) -> Expr {
    let span = span_of(value);
    match value {
        Expression::String(s) => parse_expr(s.value())
            .map(|mut e| {
                e.span = span;
                e
            })
            .unwrap_or_else(|_| Expr::new(ExprKind::Variable("any".into()), span)),
        other => convert_expr(other),
    }
}

/// A JSON block has no header of its own: its opening brace stands for it.
fn header_of(e: &Expression) -> Span {
    let s = span_of(e);
    Span {
        start: s.start,
        end: s.start.saturating_add(1).min(s.end),
    }
}

fn span_of(e: &Expression) -> Span {
    e.span().map(Span::new).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::ir::ObjectKey;

    #[test]
    fn resources_variables_and_dynamic_blocks() {
        let src = r#"{
  "variable": {"mode": {"type": "string", "default": "Active"}},
  "resource": {"aws_lambda_function": {"f": {
    "function_name": "x",
    "dynamic": {"tracing_config": {"for_each": "${[1]}", "content": {"mode": "${var.mode}"}}}
  }}}
}"#;
        let body = parse_json_body(src).unwrap();
        let var = body.blocks_of("variable").next().unwrap();
        assert_eq!(var.labels, vec!["mode".into()] as Vec<Box<str>>);
        assert!(
            matches!(var.body.attribute("type").unwrap().expr.kind, ExprKind::Variable(ref v) if &**v == "string")
        );
        let res = body.blocks_of("resource").next().unwrap();
        assert_eq!(res.labels.len(), 2);
        let dynamic = res.body.dynamic_blocks_of("tracing_config").next().unwrap();
        assert!(dynamic.body.blocks_of("content").next().is_some());
    }

    #[test]
    fn malformed_json_reports_offset() {
        let err = parse_json_body("{\n  \"resource\": [,]\n}").unwrap_err();
        assert_eq!(err.offset, 17, "{err:?}"); // the comma
    }

    #[test]
    fn non_object_root_is_an_error() {
        assert!(parse_json_body("[]").is_err());
    }

    #[test]
    fn object_keys_are_literal_names() {
        let e = parse_expr("{a = 1}").unwrap();
        assert!(
            matches!(&e.kind, ExprKind::Object(items) if matches!(items[0].0, ObjectKey::Name(_)))
        );
    }
}
