//! Native HCL syntax (`.tf`, `.tfvars`) parsed with hcl-edit and converted to the IR.

use super::cty::BigFloat;
use super::cty::number::PARSE_PREC;
use super::ir::{
    Attribute, Block, Body, Expr, ExprKind, ForExpr, FuncCall, ObjectKey, Span, TemplatePart,
    Traversal, Traverse,
};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{self, Structure};
use hcl_edit::template::{Directive, Element, Template};
use std::sync::Arc;

/// A syntax error with the byte offset it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// Files larger than this are parsed in chunks of about `CHUNK_BYTES`, split between
/// top-level blocks: hcl-edit's tree costs tens of times the source size, so a 50 MB
/// file parsed whole needs gigabytes; chunks bound that and parse in parallel.
const CHUNKED_ABOVE: usize = 4 * 1024 * 1024;
const CHUNK_BYTES: usize = 1024 * 1024;

pub fn parse_body(text: &str) -> Result<Body, SyntaxError> {
    if text.len() > CHUNKED_ABOVE
        && let Some(body) = parse_in_chunks(text)
    {
        return Ok(body);
    }
    let body = hcl_edit::parser::parse_body(text).map_err(syntax_error)?;
    Ok(Converter { base: 0 }.body(&body))
}

pub fn parse_expr(text: &str) -> Result<Expr, SyntaxError> {
    let expr = hcl_edit::parser::parse_expr(text).map_err(syntax_error)?;
    Ok(convert_expr(&expr))
}

/// A template file's text (`templatefile()`), as template parts.
pub fn parse_template(text: &str) -> Result<Vec<TemplatePart>, SyntaxError> {
    let template = hcl_edit::parser::parse_template(text).map_err(syntax_error)?;
    Ok(Converter { base: 0 }.template(&template))
}

/// Parses chunks in parallel; `None` when any chunk fails, so the caller parses the
/// whole text and reports the error exactly where Terraform would.
fn parse_in_chunks(text: &str) -> Option<Body> {
    use rayon::prelude::*;
    let bounds = chunk_bounds(text);
    let parts: Vec<Option<Body>> = bounds
        .par_windows(2)
        .map(|w| {
            let body = hcl_edit::parser::parse_body(&text[w[0]..w[1]]).ok()?;
            Some(Converter { base: w[0] }.body(&body))
        })
        .collect();
    let mut out = Body::default();
    for part in parts {
        let part = part?;
        out.attributes.extend(part.attributes);
        out.blocks.extend(part.blocks);
    }
    Some(out)
}

/// Offsets where a chunk may start: after a line that is exactly `}` (blank lines may
/// follow it) and before a line that starts a new top-level item at column 0. A split inside a heredoc or comment
/// makes a chunk fail to parse, and then the whole file is parsed instead.
fn chunk_bounds(text: &str) -> Vec<usize> {
    let mut bounds = vec![0];
    let mut last = 0;
    let mut offset = 0;
    let mut previous_closed = false;
    for line in text.split_inclusive('\n') {
        let starts_item = line.starts_with(|c: char| c.is_ascii_alphabetic());
        if previous_closed && starts_item && offset - last >= CHUNK_BYTES {
            bounds.push(offset);
            last = offset;
        }
        if !line.trim().is_empty() {
            previous_closed = line.trim_end() == "}";
        }
        offset += line.len();
    }
    bounds.push(text.len());
    bounds
}

fn syntax_error(e: hcl_edit::parser::Error) -> SyntaxError {
    let mut message = e.message().to_string();
    // hcl-edit refuses nesting deeper than 64 levels and chains of more than 128
    // operators, to keep its recursion bounded; HashiCorp's parser goes further.
    if message.contains("at most 64 nested levels") || message.contains("chained binary operators")
    {
        message.push_str(" (a limit of xray-setup's HCL parser; Terraform may accept this)");
    }
    SyntaxError {
        message,
        offset: e.location().offset(),
    }
}

pub(super) fn convert_expr(e: &Expression) -> Expr {
    Converter { base: 0 }.expr(e)
}

/// Converts hcl-edit's tree to the IR; `base` is added to every span (the offset of the
/// chunk the tree was parsed from).
struct Converter {
    base: usize,
}

impl Converter {
    fn span(&self, s: &impl hcl_edit::Span) -> Span {
        s.span()
            .map(|r| Span::new(r.start + self.base..r.end + self.base))
            .unwrap_or_default()
    }

    fn body(&self, body: &structure::Body) -> Body {
        let mut out = Body::default();
        for item in body.iter() {
            match item {
                Structure::Attribute(a) => out.attributes.push(Attribute {
                    name: a.key.as_str().into(),
                    expr: self.expr(&a.value),
                    span: self.span(a),
                }),
                Structure::Block(b) => {
                    let span = self.span(b);
                    let end = b
                        .labels
                        .last()
                        .map_or(self.span(&b.ident), |l| self.span(l))
                        .end;
                    out.blocks.push(Block {
                        kind: b.ident.as_str().into(),
                        labels: b.labels.iter().map(|l| l.as_str().into()).collect(),
                        body: self.body(&b.body),
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

    fn expr(&self, e: &Expression) -> Expr {
        let span = self.span(e);
        let kind = match e {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(number_literal(n)),
            Expression::String(s) => ExprKind::String(s.value().as_str().into()),
            Expression::Array(a) => ExprKind::Tuple(a.iter().map(|e| self.expr(e)).collect()),
            Expression::Object(o) => ExprKind::Object(
                o.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            hcl_edit::expr::ObjectKey::Ident(i) => {
                                ObjectKey::Name(i.as_str().into())
                            }
                            hcl_edit::expr::ObjectKey::Expression(e) => {
                                ObjectKey::Expr(self.expr(e))
                            }
                        };
                        (key, self.expr(v.expr()))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => template_kind(self.template(t)),
            Expression::HeredocTemplate(h) => template_kind(self.template(&h.template)),
            Expression::Parenthesis(p) => return self.expr(p.inner()),
            Expression::Variable(v) => ExprKind::Variable(v.as_str().into()),
            Expression::Conditional(c) => ExprKind::Conditional(Box::new([
                self.expr(&c.cond_expr),
                self.expr(&c.true_expr),
                self.expr(&c.false_expr),
            ])),
            Expression::FuncCall(f) => {
                let mut name = String::new();
                for ns in &f.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(f.name.name.as_str());
                ExprKind::Call(Box::new(FuncCall {
                    name: name.into(),
                    args: f.args.iter().map(|e| self.expr(e)).collect(),
                    expand_final: f.args.expand_final(),
                }))
            }
            Expression::Traversal(t) => ExprKind::Traversal(Box::new(Traversal {
                base: self.expr(&t.expr),
                ops: t
                    .operators
                    .iter()
                    .map(|op| self.traverse(op.value()))
                    .collect(),
            })),
            Expression::UnaryOp(u) => {
                ExprKind::Unary(*u.operator.value(), Box::new(self.expr(&u.expr)))
            }
            Expression::BinaryOp(b) => ExprKind::Binary(
                *b.operator.value(),
                Box::new([self.expr(&b.lhs_expr), self.expr(&b.rhs_expr)]),
            ),
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().into()),
                value_var: f.intro.value_var.as_str().into(),
                collection: self.expr(&f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|e| self.expr(e)),
                value: self.expr(&f.value_expr),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
                grouping: f.grouping,
            })),
        };
        Expr::new(kind, span)
    }

    fn traverse(&self, op: &TraversalOperator) -> Traverse {
        match op {
            TraversalOperator::AttrSplat(_) => Traverse::AttrSplat,
            TraversalOperator::FullSplat(_) => Traverse::FullSplat,
            TraversalOperator::GetAttr(a) => Traverse::Attr(a.as_str().into()),
            TraversalOperator::Index(e) => Traverse::Index(self.expr(e)),
            TraversalOperator::LegacyIndex(i) => Traverse::Index(Expr::new(
                ExprKind::Number(Arc::new(BigFloat::from_i64(*i.value() as i64))),
                self.span(i),
            )),
        }
    }

    /// Converts template elements, applying `~` strip markers to the neighbouring literals.
    fn template(&self, t: &Template) -> Vec<TemplatePart> {
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
                    out.push(TemplatePart::Interpolation(self.expr(&i.expr)));
                    strip_next = i.strip.strip_end();
                }
                Element::Directive(d) => match &**d {
                    Directive::If(d) => {
                        if d.if_expr.strip.strip_start() {
                            trim_end_of_last(&mut out);
                        }
                        let mut then = self.template(&d.if_expr.template);
                        if d.if_expr.strip.strip_end() {
                            trim_start_of_first(&mut then);
                        }
                        let mut otherwise = Vec::new();
                        if let Some(e) = &d.else_expr {
                            if e.strip.strip_start() {
                                trim_end_of_last(&mut then);
                            }
                            otherwise = self.template(&e.template);
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
                            cond: self.expr(&d.if_expr.cond_expr),
                            then,
                            otherwise,
                        });
                        strip_next = d.endif_expr.strip.strip_end();
                    }
                    Directive::For(d) => {
                        if d.for_expr.strip.strip_start() {
                            trim_end_of_last(&mut out);
                        }
                        let mut body = self.template(&d.for_expr.template);
                        if d.for_expr.strip.strip_end() {
                            trim_start_of_first(&mut body);
                        }
                        if d.endfor_expr.strip.strip_start() {
                            trim_end_of_last(&mut body);
                        }
                        out.push(TemplatePart::For {
                            key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().into()),
                            value_var: d.for_expr.value_var.as_str().into(),
                            collection: self.expr(&d.for_expr.collection_expr),
                            body,
                        });
                        strip_next = d.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        out
    }
}

/// A number literal at 512 bits, from its text as written (hcl-edit keeps it): HCL's
/// `cty.ParseNumberVal`. hcl-edit reads `-1` as one literal where HCL negates `1`: the
/// same value, `-0` included.
fn number_literal(n: &hcl_edit::Formatted<hcl_edit::Number>) -> Arc<BigFloat> {
    let parsed = n.as_repr().and_then(|r| {
        let text: String = r.chars().filter(|c| !c.is_whitespace()).collect();
        BigFloat::parse(&text, PARSE_PREC)
    });
    Arc::new(parsed.unwrap_or_else(|| {
        let f = n.value().as_f64().unwrap_or(0.0);
        BigFloat::from_f64(f)
            .unwrap_or_else(|| BigFloat::zero(PARSE_PREC))
            .with_prec(PARSE_PREC)
    }))
}

fn template_kind(parts: Vec<TemplatePart>) -> ExprKind {
    match parts.as_slice() {
        [] => ExprKind::String("".into()),
        [TemplatePart::Literal(s)] => ExprKind::String(s.clone()),
        _ => ExprKind::Template(parts),
    }
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
    fn large_files_parse_in_chunks_with_file_offsets() {
        let block = "resource \"aws_lambda_function\" \"f\" {\n  tracing_config {\n    mode = \"Active\"\n  }\n}\n\n";
        let text = block.repeat(CHUNKED_ABOVE / block.len() + 100);
        assert!(chunk_bounds(&text).len() > 3);
        let body = parse_body(&text).unwrap();
        assert_eq!(body.blocks.len(), CHUNKED_ABOVE / block.len() + 100);
        let last = body.blocks.last().unwrap();
        assert_eq!(
            &text[last.header.range()],
            "resource \"aws_lambda_function\" \"f\""
        );
        let mode = last.body.blocks[0].body.attribute("mode").unwrap();
        assert_eq!(&text[mode.expr.span.range()], "\"Active\"");
    }

    #[test]
    fn a_false_split_inside_a_heredoc_falls_back_to_the_whole_file() {
        // One huge block whose only `}`-then-item lines are inside a heredoc.
        let lines = |prefix: &str| -> String {
            (0..CHUNKED_ABOVE / 12 + 1000)
                .map(|i| format!("  {prefix}{i} = 1\n"))
                .collect()
        };
        let (before, after) = (lines("a"), lines("b"));
        let text = format!("locals {{\n{before}  p = <<EOF\n}}\nresource = 1\nEOF\n{after}}}\n");
        let inside = text.find("resource = 1").unwrap();
        assert!(
            chunk_bounds(&text).contains(&inside),
            "the test must force a false split"
        );
        let body = parse_body(&text).unwrap();
        let p = body.blocks[0].body.attribute("p").unwrap();
        assert_eq!(p.expr.as_str(), Some("}\nresource = 1\n"));
    }

    #[test]
    fn syntax_error_has_offset() {
        let err = parse_body("resource \"x\" \"y\" {\n  a = 1\n").unwrap_err();
        assert_eq!(err.offset, 26, "{err:?}");
        assert!(err.message.contains("expected `}`"), "{err:?}");
    }
}
