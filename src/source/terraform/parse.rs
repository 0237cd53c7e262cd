//! Native HCL syntax (`.tf`, `.tfvars`) parsed with hcl-edit and converted to the IR.

use super::ir::{
    Attribute, Block, Body, Expr, ExprKind, ForExpr, ObjectKey, Span, TemplatePart, Traverse,
};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{self, Structure};
use hcl_edit::template::{Directive, Element, Template};

/// A syntax error with the byte offset it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

pub fn parse_body(text: &str) -> Result<Body, SyntaxError> {
    let body = hcl_edit::parser::parse_body(text).map_err(syntax_error)?;
    Ok(convert_body(&body))
}

pub fn parse_expr(text: &str) -> Result<Expr, SyntaxError> {
    let expr = hcl_edit::parser::parse_expr(text).map_err(syntax_error)?;
    Ok(convert_expr(&expr))
}

/// A template file's text (`templatefile()`), as template parts.
pub fn parse_template(text: &str) -> Result<Vec<TemplatePart>, SyntaxError> {
    let template = hcl_edit::parser::parse_template(text).map_err(syntax_error)?;
    Ok(convert_template(&template))
}

fn syntax_error(e: hcl_edit::parser::Error) -> SyntaxError {
    SyntaxError {
        message: e.message().to_string(),
        offset: e.location().offset(),
    }
}

fn span_of(s: &impl hcl_edit::Span) -> Span {
    s.span().map(Span::new).unwrap_or_default()
}

fn convert_body(body: &structure::Body) -> Body {
    let mut out = Body::default();
    for item in body.iter() {
        match item {
            Structure::Attribute(a) => out.attributes.push(Attribute {
                name: a.key.as_str().into(),
                expr: convert_expr(&a.value),
                span: span_of(a),
            }),
            Structure::Block(b) => {
                let span = span_of(b);
                let end = b.labels.last().map_or(span_of(&b.ident), span_of).end;
                out.blocks.push(Block {
                    kind: b.ident.as_str().into(),
                    labels: b.labels.iter().map(|l| l.as_str().into()).collect(),
                    body: convert_body(&b.body),
                    span,
                    header: Span {
                        start: span.start,
                        end,
                    },
                })
            }
        }
    }
    out
}

pub(super) fn convert_expr(e: &Expression) -> Expr {
    let span = span_of(e);
    let kind = match e {
        Expression::Null(_) => ExprKind::Null,
        Expression::Bool(b) => ExprKind::Bool(*b.value()),
        Expression::Number(n) => ExprKind::Number(n.value().as_f64().unwrap_or(f64::NAN)),
        Expression::String(s) => ExprKind::String(s.value().as_str().into()),
        Expression::Array(a) => ExprKind::Tuple(a.iter().map(convert_expr).collect()),
        Expression::Object(o) => ExprKind::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        hcl_edit::expr::ObjectKey::Ident(i) => ObjectKey::Name(i.as_str().into()),
                        hcl_edit::expr::ObjectKey::Expression(e) => {
                            ObjectKey::Expr(convert_expr(e))
                        }
                    };
                    (key, convert_expr(v.expr()))
                })
                .collect(),
        ),
        Expression::StringTemplate(t) => template_kind(convert_template(t)),
        Expression::HeredocTemplate(h) => template_kind(convert_template(&h.template)),
        Expression::Parenthesis(p) => return convert_expr(p.inner()),
        Expression::Variable(v) => ExprKind::Variable(v.as_str().into()),
        Expression::Conditional(c) => ExprKind::Conditional(Box::new([
            convert_expr(&c.cond_expr),
            convert_expr(&c.true_expr),
            convert_expr(&c.false_expr),
        ])),
        Expression::FuncCall(f) => {
            let mut name = String::new();
            for ns in &f.name.namespace {
                name.push_str(ns.as_str());
                name.push_str("::");
            }
            name.push_str(f.name.name.as_str());
            ExprKind::Call(
                name.into(),
                f.args.iter().map(convert_expr).collect(),
                f.args.expand_final(),
            )
        }
        Expression::Traversal(t) => ExprKind::Traversal(
            Box::new(convert_expr(&t.expr)),
            t.operators
                .iter()
                .map(|op| convert_traverse(op.value()))
                .collect(),
        ),
        Expression::UnaryOp(u) => {
            ExprKind::Unary(*u.operator.value(), Box::new(convert_expr(&u.expr)))
        }
        Expression::BinaryOp(b) => ExprKind::Binary(
            *b.operator.value(),
            Box::new([convert_expr(&b.lhs_expr), convert_expr(&b.rhs_expr)]),
        ),
        Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
            key_var: f.intro.key_var.as_ref().map(|k| k.as_str().into()),
            value_var: f.intro.value_var.as_str().into(),
            collection: convert_expr(&f.intro.collection_expr),
            key: f.key_expr.as_ref().map(convert_expr),
            value: convert_expr(&f.value_expr),
            cond: f.cond.as_ref().map(|c| convert_expr(&c.expr)),
            grouping: f.grouping,
        })),
    };
    Expr::new(kind, span)
}

fn template_kind(parts: Vec<TemplatePart>) -> ExprKind {
    match parts.as_slice() {
        [] => ExprKind::String("".into()),
        [TemplatePart::Literal(s)] => ExprKind::String(s.clone()),
        _ => ExprKind::Template(parts),
    }
}

fn convert_traverse(op: &TraversalOperator) -> Traverse {
    match op {
        TraversalOperator::AttrSplat(_) => Traverse::AttrSplat,
        TraversalOperator::FullSplat(_) => Traverse::FullSplat,
        TraversalOperator::GetAttr(a) => Traverse::Attr(a.as_str().into()),
        TraversalOperator::Index(e) => Traverse::Index(convert_expr(e)),
        TraversalOperator::LegacyIndex(i) => {
            Traverse::Index(Expr::new(ExprKind::Number(*i.value() as f64), span_of(i)))
        }
    }
}

/// Converts template elements, applying `~` strip markers to the neighbouring literals.
fn convert_template(t: &Template) -> Vec<TemplatePart> {
    let mut out = Vec::new();
    let mut strip_next = false;
    for element in t.iter() {
        match element {
            Element::Literal(s) => {
                let s: &str = s.value();
                let s = if strip_next { s.trim_start() } else { s };
                out.push(TemplatePart::Literal(s.into()));
                strip_next = false;
            }
            Element::Interpolation(i) => {
                if i.strip.strip_start() {
                    trim_end_of_last(&mut out);
                }
                out.push(TemplatePart::Interpolation(convert_expr(&i.expr)));
                strip_next = i.strip.strip_end();
            }
            Element::Directive(d) => match &**d {
                Directive::If(d) => {
                    if d.if_expr.strip.strip_start() {
                        trim_end_of_last(&mut out);
                    }
                    let mut then = convert_template(&d.if_expr.template);
                    if d.if_expr.strip.strip_end() {
                        trim_start_of_first(&mut then);
                    }
                    let mut otherwise = Vec::new();
                    if let Some(e) = &d.else_expr {
                        if e.strip.strip_start() {
                            trim_end_of_last(&mut then);
                        }
                        otherwise = convert_template(&e.template);
                        if e.strip.strip_end() {
                            trim_start_of_first(&mut otherwise);
                        }
                    }
                    if d.endif_expr.strip.strip_start() {
                        let last = if d.else_expr.is_some() {
                            &mut otherwise
                        } else {
                            &mut then
                        };
                        trim_end_of_last(last);
                    }
                    out.push(TemplatePart::If {
                        cond: convert_expr(&d.if_expr.cond_expr),
                        then,
                        otherwise,
                    });
                    strip_next = d.endif_expr.strip.strip_end();
                }
                Directive::For(d) => {
                    if d.for_expr.strip.strip_start() {
                        trim_end_of_last(&mut out);
                    }
                    let mut body = convert_template(&d.for_expr.template);
                    if d.for_expr.strip.strip_end() {
                        trim_start_of_first(&mut body);
                    }
                    if d.endfor_expr.strip.strip_start() {
                        trim_end_of_last(&mut body);
                    }
                    out.push(TemplatePart::For {
                        key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().into()),
                        value_var: d.for_expr.value_var.as_str().into(),
                        collection: convert_expr(&d.for_expr.collection_expr),
                        body,
                    });
                    strip_next = d.endfor_expr.strip.strip_end();
                }
            },
        }
    }
    out
}

fn trim_end_of_last(parts: &mut [TemplatePart]) {
    if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
        *s = s.trim_end().into();
    }
}

fn trim_start_of_first(parts: &mut [TemplatePart]) {
    if let Some(TemplatePart::Literal(s)) = parts.first_mut() {
        *s = s.trim_start().into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_blocks_and_spans() {
        let src = "resource \"aws_lambda_function\" \"f\" {\n  tracing_config {\n    mode = \"Active\"\n  }\n}\n";
        let body = parse_body(src).unwrap();
        let block = &body.blocks[0];
        assert_eq!(&*block.kind, "resource");
        assert_eq!(
            block.labels,
            vec!["aws_lambda_function".into(), "f".into()] as Vec<Box<str>>
        );
        let tc = block.body.blocks_of("tracing_config").next().unwrap();
        let mode = tc.body.attribute("mode").unwrap();
        assert_eq!(mode.expr.as_str(), Some("Active"));
        assert_eq!(&src[mode.expr.span.range()], "\"Active\"");
        assert_eq!(&src[mode.span.range()], "mode = \"Active\"");
        assert_eq!(
            &src[block.header.range()],
            "resource \"aws_lambda_function\" \"f\""
        );
    }

    #[test]
    fn strip_markers_trim_neighbouring_literals() {
        let e = parse_expr("\"a  ${~ x ~}  b\"").unwrap();
        let ExprKind::Template(parts) = e.kind else {
            panic!("not a template")
        };
        assert!(matches!(&parts[0], TemplatePart::Literal(s) if &**s == "a"));
        assert!(matches!(&parts[2], TemplatePart::Literal(s) if &**s == "b"));
    }

    #[test]
    fn syntax_error_has_offset() {
        let err = parse_body("resource \"x\" \"y\" {\n  a = 1\n").unwrap_err();
        assert_eq!(err.offset, 26, "{err:?}");
        assert!(err.message.contains("expected `}`"), "{err:?}");
    }
}
