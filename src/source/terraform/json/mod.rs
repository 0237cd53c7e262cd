//! Terraform's JSON configuration syntax (`.tf.json`, `.tfvars.json`) converted to the
//! same IR as `.tf`.
//!
//! The text is read by our own JSON reader (`reader`), which keeps a byte span for every
//! value and key, property order and duplicate properties, then mapped to blocks and
//! attributes as Terraform does (Terraform docs, "JSON Configuration Syntax",
//! developer.hashicorp.com/terraform/language/syntax/json; hashicorp/hcl `json/spec.md`
//! and `json/structure.go`):
//!
//! - the root is a body: a JSON object (or an array of objects, or null); its properties
//!   are top-level block types, with one nested object level per label, then a block body
//!   (an object) or several (an array of objects);
//! - a body property is an argument or a nested block, by schema (`schema`);
//! - `"//"` properties of bodies are comments; in objects read as expressions they are
//!   ordinary keys;
//! - where an argument accepts expressions, a string is a string template, parsed from
//!   its decoded content with the native-syntax parser; a template of a single
//!   interpolation yields that expression's value ("Template Interpolation Unwrapping");
//!   object keys there are templates too;
//! - literal positions (a variable's `default` and `description`, `module` `source`,
//!   every `.tfvars.json` value, ...) take strings as they are: `"${x}"` stays `${x}`;
//! - references and keywords (`depends_on`, `provider`, a variable's `type`, ...) are
//!   strings holding a native expression.
//!
//! Numbers are parsed at 512 bits from their text, as HCL's JSON parser and native-syntax
//! numbers are.

mod reader;
mod schema;

use super::ir::{Attribute, Block, Body, Expr, ExprKind, ObjectKey, Span, TemplatePart, Traverse};
use super::parse::{SyntaxError, parse_expr, parse_template};
use reader::{Kind, Member, Value};
use schema::{Ctx, Prop};

/// A `.tf.json` file.
pub fn parse_json_body(text: &str) -> Result<Body, SyntaxError> {
    let root = reader::parse(text)?;
    let conv = Converter { text };
    if !matches!(root.kind, Kind::Object(_) | Kind::Array(_) | Kind::Null) {
        return Err(conv.error(
            root.span,
            "the top-level value of a .tf.json file must be an object whose properties are block types",
        ));
    }
    let mut body = Body::default();
    for m in conv.members(&root, None)? {
        if m.key == "//" {
            continue;
        }
        // Other top-level types (`moved`, `import`, `removed`, `check`, ...) hold
        // nothing the audit reads.
        let Some(labels) = Ctx::top_level(&m.key) else {
            continue;
        };
        let kind: &str = &m.key;
        conv.unpack(
            kind,
            m,
            labels,
            &mut Vec::new(),
            &|labels| Ctx::of_top_level(kind, labels),
            &mut body.blocks,
        )?;
    }
    Ok(body)
}

/// A `.tfvars.json` file (or a `--var-file` ending in `.json`): one attribute per
/// property of the root object, each a literal JSON value. Terraform reads these files'
/// attributes without an evaluation context, so strings are never templates.
pub fn parse_json_tfvars(text: &str) -> Result<Body, SyntaxError> {
    let root = reader::parse(text)?;
    let conv = Converter { text };
    let Kind::Object(members) = &root.kind else {
        return Err(conv.error(
            root.span,
            "the top-level value of a .tfvars.json file must be an object of variable values",
        ));
    };
    let mut body = Body::default();
    for m in members.iter().filter(|m| m.key != "//") {
        body.attributes.push(Attribute {
            name: (*m.key).into(),
            expr: conv.expr(&m.value, Mode::Literal)?,
            span: m.span(),
        });
    }
    Ok(body)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Full expression mode: strings are templates.
    Template,
    /// Literal-only mode: strings are strings.
    Literal,
}

struct Converter<'s> {
    text: &'s str,
}

impl<'s> Converter<'s> {
    fn error(&self, span: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            offset: span.start as usize,
        }
    }

    /// The properties of a body or of a label level: one object's, an array of objects'
    /// in order, none for null (hcl `json/structure.go`, `collectDeepAttrs`).
    fn members<'t>(
        &self,
        v: &'t Value<'s>,
        label: Option<&str>,
    ) -> Result<Vec<&'t Member<'s>>, SyntaxError> {
        let what = || match label {
            Some(kind) => format!("the labels of a `{kind}` block"),
            None => "arguments and nested blocks".to_string(),
        };
        match &v.kind {
            Kind::Null => Ok(Vec::new()),
            Kind::Object(members) => Ok(members.iter().collect()),
            Kind::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    let Kind::Object(members) = &item.kind else {
                        return Err(self.error(
                            item.span,
                            format!("a JSON object is required here, to give {}", what()),
                        ));
                    };
                    out.extend(members);
                }
                Ok(out)
            }
            _ => Err(self.error(
                v.span,
                format!(
                    "a JSON object or an array of objects is required here, to give {}",
                    what()
                ),
            )),
        }
    }

    /// Peels `labels_left` levels of labels off a block property, then makes a block of
    /// the body object, or one of each element of a body array (hcl
    /// `json/structure.go`, `unpackBlock`).
    fn unpack<'t>(
        &self,
        kind: &str,
        m: &'t Member<'s>,
        labels_left: usize,
        labels: &mut Vec<&'t str>,
        ctx_of: &dyn Fn(&[&'t str]) -> Ctx<'t>,
        out: &mut Vec<Block>,
    ) -> Result<(), SyntaxError> {
        let v = &m.value;
        if labels_left > 0 {
            let members = self.members(v, Some(kind))?;
            if members.is_empty() {
                return Err(self.error(
                    v.span,
                    format!(
                        "at least one property is required here, whose name is the label of a `{kind}` block"
                    ),
                ));
            }
            for label in members {
                labels.push(&label.key);
                self.unpack(kind, label, labels_left - 1, labels, ctx_of, out)?;
                labels.pop();
            }
            return Ok(());
        }
        let ctx = ctx_of(labels);
        let block = |body, span: Span, header_end: u32| Block {
            kind: kind.into(),
            labels: labels.iter().map(|l| (*l).into()).collect(),
            body,
            span,
            header: Span {
                start: span.start,
                end: header_end,
            },
        };
        match &v.kind {
            Kind::Null => {}
            // A block has no header of its own: `"name": {` stands for it.
            Kind::Object(_) => {
                let span = Span {
                    start: m.key_span.start,
                    end: v.span.end,
                };
                out.push(block(self.body(v, &ctx)?, span, v.span.start + 1));
            }
            Kind::Array(items) => {
                for item in items {
                    let body = self.body(item, &ctx)?;
                    out.push(block(body, item.span, item.span.start + 1));
                }
            }
            _ => {
                return Err(self.error(
                    v.span,
                    format!(
                        "a JSON object or an array of objects is required here, for the contents of `{kind}` blocks"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn body<'t>(&self, v: &'t Value<'s>, ctx: &Ctx<'t>) -> Result<Body, SyntaxError> {
        let mut body = Body::default();
        let members = if ctx.just_attributes() {
            match &v.kind {
                Kind::Object(members) => members.iter().collect(),
                _ => {
                    return Err(self.error(
                        v.span,
                        "a JSON object is required here, whose properties are the names to declare",
                    ));
                }
            }
        } else {
            self.members(v, None)?
        };
        for m in members {
            if m.key == "//" {
                continue;
            }
            let attribute = |expr| Attribute {
                name: (*m.key).into(),
                expr,
                span: m.span(),
            };
            match ctx.prop(&m.key) {
                Prop::Block {
                    labels,
                    ctx: inner,
                    sure,
                } => {
                    if !sure && !block_shaped(&m.value) {
                        body.attributes
                            .push(attribute(self.expr(&m.value, Mode::Template)?));
                        continue;
                    }
                    self.unpack(
                        &m.key,
                        m,
                        labels,
                        &mut Vec::new(),
                        &|_| inner.clone(),
                        &mut body.blocks,
                    )?;
                }
                Prop::Dynamic => self.unpack(
                    "dynamic",
                    m,
                    1,
                    &mut Vec::new(),
                    &|labels| {
                        let label = labels.first().copied().unwrap_or("");
                        Ctx::Dynamic(Box::new(ctx.dynamic_content(label)))
                    },
                    &mut body.blocks,
                )?,
                Prop::Expr => body
                    .attributes
                    .push(attribute(self.expr(&m.value, Mode::Template)?)),
                Prop::Literal => body
                    .attributes
                    .push(attribute(self.expr(&m.value, Mode::Literal)?)),
                Prop::Keyword => body.attributes.push(attribute(self.keyword(&m.value)?)),
                Prop::KeywordList => {
                    let expr = match &m.value.kind {
                        Kind::Array(items) => Expr::new(
                            ExprKind::Tuple(
                                items
                                    .iter()
                                    .map(|i| self.keyword(i))
                                    .collect::<Result<_, _>>()?,
                            ),
                            m.value.span,
                        ),
                        _ => self.keyword(&m.value)?,
                    };
                    body.attributes.push(attribute(expr));
                }
            }
        }
        Ok(body)
    }

    /// A JSON value as an expression (Terraform docs, "Expression Mapping").
    fn expr(&self, v: &Value<'s>, mode: Mode) -> Result<Expr, SyntaxError> {
        let kind = match &v.kind {
            Kind::Null => ExprKind::Null,
            Kind::Bool(b) => ExprKind::Bool(*b),
            // The reader checked the JSON number grammar, a subset of what f64 parses.
            Kind::Number(text) => ExprKind::Number(std::sync::Arc::new(
                crate::source::terraform::cty::BigFloat::parse(
                    text,
                    crate::source::terraform::cty::number::PARSE_PREC,
                )
                .unwrap_or_else(|| {
                    crate::source::terraform::cty::BigFloat::zero(
                        crate::source::terraform::cty::number::PARSE_PREC,
                    )
                }),
            )),
            Kind::String(s) => match mode {
                Mode::Literal => ExprKind::String((**s).into()),
                Mode::Template => return self.template(s, v.span),
            },
            Kind::Array(items) => ExprKind::Tuple(
                items
                    .iter()
                    .map(|i| self.expr(i, mode))
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Object(members) => ExprKind::Object(
                members
                    .iter()
                    .map(|m| {
                        // "The property name string given in the JSON input is interpreted
                        // as a string expression" (hcl json/spec.md, "Objects").
                        let key = if mode == Mode::Template && has_template_sequence(&m.key) {
                            ObjectKey::Expr(self.template(&m.key, m.key_span)?)
                        } else {
                            ObjectKey::Name((*m.key).into())
                        };
                        Ok((key, self.expr(&m.value, mode)?))
                    })
                    .collect::<Result<_, SyntaxError>>()?,
            ),
        };
        Ok(Expr::new(kind, v.span))
    }

    /// A string in an expression position: a standalone template in the native syntax
    /// (hcl json/spec.md, "Strings"), parsed from the decoded content.
    fn template(&self, s: &str, span: Span) -> Result<Expr, SyntaxError> {
        if !has_template_sequence(s) {
            return Ok(Expr::new(ExprKind::String(s.into()), span));
        }
        let map = Positions::new(self.text, span, s);
        let mut parts = parse_template(s).map_err(|e| SyntaxError {
            message: format!("in a string template: {}", e.message),
            offset: map.start(e.offset),
        })?;
        for p in &mut parts {
            respan_part(p, &|sp| map.span(sp, 0));
        }
        let kind = match parts.as_slice() {
            [] => ExprKind::String("".into()),
            [TemplatePart::Literal(s)] => ExprKind::String(s.clone()),
            _ => ExprKind::Template(parts),
        };
        Ok(Expr::new(kind, span))
    }

    /// A string holding a native-syntax expression that is not a template: a reference,
    /// a keyword or a type (hcl json/spec.md, "Static Traversal", "Static Call").
    /// Anything but a string is read as an ordinary expression.
    fn keyword(&self, v: &Value<'s>) -> Result<Expr, SyntaxError> {
        let Kind::String(s) = &v.kind else {
            return self.expr(v, Mode::Template);
        };
        let trimmed = s.trim_start();
        let lead = s.len() - trimmed.len();
        let trimmed = trimmed.trim_end();
        let map = Positions::new(self.text, v.span, s);
        if trimmed.is_empty() {
            return Err(self.error(
                v.span,
                "expected a reference, keyword or type in this string, found nothing",
            ));
        }
        let mut e = parse_expr(trimmed).map_err(|e| SyntaxError {
            message: format!("in a string holding an expression: {}", e.message),
            offset: map.start(lead + e.offset),
        })?;
        respan(&mut e, &|sp| map.span(sp, lead));
        e.span = v.span;
        Ok(e)
    }
}

fn has_template_sequence(s: &str) -> bool {
    s.contains("${") || s.contains("%{")
}

/// Whether a value can be read as nested blocks without labels: an object, an array of
/// objects, or null (no block).
fn block_shaped(v: &Value) -> bool {
    match &v.kind {
        Kind::Object(_) | Kind::Null => true,
        Kind::Array(items) => items
            .iter()
            .all(|i| matches!(i.kind, Kind::Object(_) | Kind::Null)),
        _ => false,
    }
}

/// Maps byte offsets in a decoded string back to the file: exact where the string has
/// no escapes; inside an escape, to the whole escape.
struct Positions {
    /// The file offset of the first byte after the opening quote.
    base: usize,
    /// For strings with escapes: runs of plain text and single escapes, in order.
    runs: Option<Vec<Run>>,
    /// The length of the string's source text between the quotes.
    raw_len: usize,
}

/// A run of a string: offsets and lengths in the decoded text and in the source text.
#[derive(Clone, Copy)]
struct Run {
    dec: usize,
    raw: usize,
    dec_len: usize,
    raw_len: usize,
    escape: bool,
}

impl Positions {
    fn new(text: &str, span: Span, decoded: &str) -> Positions {
        let base = span.start as usize + 1;
        let raw = text
            .get(base..(span.end as usize).saturating_sub(1).max(base))
            .unwrap_or("");
        if raw == decoded {
            return Positions {
                base,
                runs: None,
                raw_len: raw.len(),
            };
        }
        let bytes = raw.as_bytes();
        let mut runs = Vec::new();
        let (mut i, mut dec, mut run_start, mut run_dec) = (0, 0, 0, 0);
        while i < bytes.len() {
            if bytes[i] != b'\\' {
                i += 1;
                dec += 1;
                continue;
            }
            if i > run_start {
                runs.push(Run {
                    dec: run_dec,
                    raw: run_start,
                    dec_len: i - run_start,
                    raw_len: i - run_start,
                    escape: false,
                });
            }
            let (c, len) = reader::escape(&bytes[i..]).unwrap_or(('\u{FFFD}', 2));
            runs.push(Run {
                dec,
                raw: i,
                dec_len: c.len_utf8(),
                raw_len: len,
                escape: true,
            });
            i += len;
            dec += c.len_utf8();
            run_start = i;
            run_dec = dec;
        }
        if i > run_start {
            runs.push(Run {
                dec: run_dec,
                raw: run_start,
                dec_len: i - run_start,
                raw_len: i - run_start,
                escape: false,
            });
        }
        Positions {
            base,
            runs: Some(runs),
            raw_len: raw.len(),
        }
    }

    /// Where a span starting at decoded offset `d` starts in the file.
    fn start(&self, d: usize) -> usize {
        let Some(runs) = &self.runs else {
            return self.base + d.min(self.raw_len);
        };
        let i = runs.partition_point(|r| r.dec + r.dec_len <= d);
        match runs.get(i) {
            Some(r) if r.escape => self.base + r.raw,
            Some(r) => self.base + r.raw + (d - r.dec),
            None => self.base + self.raw_len,
        }
    }

    /// Where a span ending at decoded offset `d` ends in the file.
    fn end(&self, d: usize) -> usize {
        let Some(runs) = &self.runs else {
            return self.base + d.min(self.raw_len);
        };
        let i = runs.partition_point(|r| r.dec + r.dec_len < d);
        match runs.get(i) {
            _ if d == 0 => self.base,
            Some(r) if r.escape => self.base + r.raw + r.raw_len,
            Some(r) => self.base + r.raw + (d - r.dec),
            None => self.base + self.raw_len,
        }
    }

    /// A span of the decoded text, parsed `lead` bytes in, as a span of the file.
    fn span(&self, s: Span, lead: usize) -> Span {
        let (start, end) = (s.start as usize + lead, s.end as usize + lead);
        let start = self.start(start);
        let end = if s.end == s.start {
            start
        } else {
            self.end(end)
        };
        Span::new(start..end)
    }
}

/// Applies `f` to every span in an expression.
fn respan(e: &mut Expr, f: &dyn Fn(Span) -> Span) {
    e.span = f(e.span);
    match &mut e.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Variable(_) => {}
        ExprKind::Template(parts) => parts.iter_mut().for_each(|p| respan_part(p, f)),
        ExprKind::Tuple(items) => items.iter_mut().for_each(|i| respan(i, f)),
        ExprKind::Object(items) => {
            for (k, v) in items {
                if let ObjectKey::Expr(k) = k {
                    respan(k, f);
                }
                respan(v, f);
            }
        }
        ExprKind::Traversal(t) => {
            respan(&mut t.base, f);
            for op in &mut t.ops {
                if let Traverse::Index(i) = op {
                    respan(i, f);
                }
            }
        }
        ExprKind::Call(c) => c.args.iter_mut().for_each(|a| respan(a, f)),
        ExprKind::Conditional(c) => c.iter_mut().for_each(|e| respan(e, f)),
        ExprKind::Unary(_, e) => respan(e, f),
        ExprKind::Binary(_, b) => b.iter_mut().for_each(|e| respan(e, f)),
        ExprKind::For(fe) => {
            respan(&mut fe.collection, f);
            if let Some(k) = &mut fe.key {
                respan(k, f);
            }
            respan(&mut fe.value, f);
            if let Some(c) = &mut fe.cond {
                respan(c, f);
            }
        }
    }
}

fn respan_part(p: &mut TemplatePart, f: &dyn Fn(Span) -> Span) {
    match p {
        TemplatePart::Literal(_) => {}
        TemplatePart::Interpolation(e) => respan(e, f),
        TemplatePart::If {
            cond,
            then,
            otherwise,
        } => {
            respan(cond, f);
            then.iter_mut().for_each(|p| respan_part(p, f));
            otherwise.iter_mut().for_each(|p| respan_part(p, f));
        }
        TemplatePart::For {
            collection, body, ..
        } => {
            respan(collection, f);
            body.iter_mut().for_each(|p| respan_part(p, f));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(src: &str) -> Body {
        parse_json_body(src).unwrap_or_else(|e| panic!("{e:?} in {src}"))
    }

    fn lambda(props: &str) -> Block {
        let text = format!(
            r#"{{"resource": {{"aws_lambda_function": {{"f": {{"function_name": "f", {props}}}}}}}}}"#
        );
        body(&text).blocks.remove(0)
    }

    #[test]
    fn resources_variables_and_dynamic_blocks() {
        let src = r#"{
  "variable": {"mode": {"type": "string", "default": "Active"}},
  "resource": {"aws_lambda_function": {"f": {
    "function_name": "x",
    "dynamic": {"tracing_config": {"for_each": "${[1]}", "content": {"mode": "${var.mode}"}}}
  }}}
}"#;
        let body = body(src);
        let var = body.blocks_of("variable").next().unwrap();
        assert_eq!(var.labels, vec!["mode".into()] as Vec<Box<str>>);
        assert!(
            matches!(var.body.attribute("type").unwrap().expr.kind, ExprKind::Variable(ref v) if &**v == "string")
        );
        let res = body.blocks_of("resource").next().unwrap();
        assert_eq!(res.labels.len(), 2);
        let dynamic = res.body.dynamic_blocks_of("tracing_config").next().unwrap();
        let content = dynamic.body.blocks_of("content").next().unwrap();
        let mode = content.body.attribute("mode").unwrap();
        assert!(matches!(&mode.expr.kind, ExprKind::Template(p) if p.len() == 1));
        assert_eq!(&src[mode.expr.span.range()], "\"${var.mode}\"");
    }

    #[test]
    fn a_trailing_newline_and_whitespace_anywhere() {
        let src = "\n {\"resource\" : {\"aws_lambda_function\":{\"f\":{\"tracing_config\":{\"mode\":\"Active\"}}}}}\n\n";
        let b = body(src);
        let f = &b.blocks[0];
        let tc = f.body.blocks_of("tracing_config").next().unwrap();
        assert_eq!(
            tc.body.attribute("mode").unwrap().expr.as_str(),
            Some("Active")
        );
        assert_eq!(&src[f.header.range()], "\"f\":{");
        assert_eq!(&src[tc.header.range()], "\"tracing_config\":{");
    }

    #[test]
    fn nested_blocks_as_objects_or_arrays_of_objects() {
        let one = lambda(r#""tracing_config": {"mode": "Active"}"#);
        assert_eq!(one.body.blocks_of("tracing_config").count(), 1);
        assert!(one.body.attribute("tracing_config").is_none());
        let two = lambda(r#""tracing_config": [{"mode": "Active"}, {"mode": "PassThrough"}]"#);
        let modes: Vec<_> = two
            .body
            .blocks_of("tracing_config")
            .map(|b| {
                b.body
                    .attribute("mode")
                    .unwrap()
                    .expr
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(modes, ["Active", "PassThrough"]);
        let none = lambda(r#""tracing_config": []"#);
        assert_eq!(none.body.blocks.len(), 0);
        // Not shaped as a block: kept as an argument, as before.
        let expr = lambda(r#""tracing_config": "${local.tc}""#);
        assert!(expr.body.attribute("tracing_config").is_some());
        // A map argument of a type whose blocks are not listed stays an argument.
        let b =
            body(r#"{"resource": {"aws_xray_sampling_rule": {"r": {"attributes": {"a": "b"}}}}}"#);
        assert!(b.blocks[0].body.attribute("attributes").is_some());
    }

    #[test]
    fn arrays_of_blocks_at_every_level() {
        let src = r#"[
  {"resource": [
    {"aws_lambda_function": {"a": {"function_name": "a"}}},
    {"aws_lambda_function": [{"b": [{"function_name": "b1"}, {"function_name": "b2"}]}]}
  ]},
  {"provider": {"aws": [{"region": "us-east-1"}, {"alias": "w", "region": "us-west-1"}]}},
  {"locals": [{"x": 1}, {"y": 2}]}
]"#;
        let b = body(src);
        let names: Vec<String> = b
            .blocks_of("resource")
            .map(|r| {
                format!(
                    "{}.{}",
                    r.labels[1],
                    r.body
                        .attribute("function_name")
                        .unwrap()
                        .expr
                        .as_str()
                        .unwrap()
                )
            })
            .collect();
        assert_eq!(names, ["a.a", "b.b1", "b.b2"]);
        assert_eq!(b.blocks_of("provider").count(), 2);
        assert_eq!(b.blocks_of("locals").count(), 2);
        let second = b.blocks_of("resource").nth(2).unwrap();
        assert_eq!(&src[second.span.range()], r#"{"function_name": "b2"}"#);
    }

    #[test]
    fn comments_are_ignored_in_bodies_only() {
        let src = r#"{
  "//": "generated",
  "resource": {"aws_lambda_function": {"f": {
    "//": {"metadata": {"path": "x"}},
    "tracing_config": {"//": "why", "mode": "Active"},
    "tags": {"//": "a tag"}
  }}},
  "locals": {"//": "c", "a": 1}
}"#;
        let b = body(src);
        let f = b.blocks_of("resource").next().unwrap();
        assert!(f.body.attribute("//").is_none());
        let tc = f.body.blocks_of("tracing_config").next().unwrap();
        assert_eq!(tc.body.attributes.len(), 1);
        let ExprKind::Object(tags) = &f.body.attribute("tags").unwrap().expr.kind else {
            panic!()
        };
        assert!(matches!(&tags[0].0, ObjectKey::Name(n) if &**n == "//"));
        let locals = b.blocks_of("locals").next().unwrap();
        assert_eq!(locals.body.attributes.len(), 1);
    }

    #[test]
    fn escapes_and_template_spans() {
        let src = r#"{"locals": {
  "plain": "a\/b \u00e9 \ud83d\ude00",
  "exact": "x-${var.a}-y",
  "escaped": "\u00e9\"${var.b}\"",
  "dollar": "$${not} %%{ not }"
}}"#;
        let b = body(src);
        let l = &b.blocks[0].body;
        assert_eq!(
            l.attribute("plain").unwrap().expr.as_str(),
            Some("a/b é 😀")
        );
        assert_eq!(
            l.attribute("dollar").unwrap().expr.as_str(),
            Some("${not} %{ not }")
        );
        let interp = |name: &str| -> Expr {
            let e = &l.attribute(name).unwrap().expr;
            let ExprKind::Template(parts) = &e.kind else {
                panic!("{name}: {e:?}")
            };
            parts
                .iter()
                .find_map(|p| match p {
                    TemplatePart::Interpolation(e) => Some(e.clone()),
                    _ => None,
                })
                .unwrap()
        };
        assert_eq!(&src[interp("exact").span.range()], "var.a");
        // After escapes, offsets are mapped through them.
        assert_eq!(&src[interp("escaped").span.range()], "var.b");
        let ExprKind::Template(parts) = &l.attribute("escaped").unwrap().expr.kind else {
            panic!()
        };
        assert!(matches!(&parts[0], TemplatePart::Literal(s) if &**s == "é\""));
    }

    #[test]
    fn literal_positions_take_strings_as_they_are() {
        let src = r#"{
  "variable": {"v": {"default": {"k": "${x}", "l": ["%{ if }"]}, "description": "${y}", "type": "map(any)"}},
  "module": {"m": {"source": "./${z}", "input": "${var.v}"}},
  "output": {"o": {"value": "${var.v}", "description": "${d}"}}
}"#;
        let b = body(src);
        let v = b.blocks_of("variable").next().unwrap();
        let ExprKind::Object(items) = &v.body.attribute("default").unwrap().expr.kind else {
            panic!()
        };
        assert_eq!(items[0].1.as_str(), Some("${x}"));
        assert!(matches!(&items[1].1.kind, ExprKind::Tuple(t) if t[0].as_str() == Some("%{ if }")));
        assert_eq!(
            v.body.attribute("description").unwrap().expr.as_str(),
            Some("${y}")
        );
        assert!(
            matches!(&v.body.attribute("type").unwrap().expr.kind, ExprKind::Call(c) if &*c.name == "map")
        );
        let m = b.blocks_of("module").next().unwrap();
        assert_eq!(
            m.body.attribute("source").unwrap().expr.as_str(),
            Some("./${z}")
        );
        assert!(matches!(
            m.body.attribute("input").unwrap().expr.kind,
            ExprKind::Template(_)
        ));
        let o = b.blocks_of("output").next().unwrap();
        assert!(matches!(
            o.body.attribute("value").unwrap().expr.kind,
            ExprKind::Template(_)
        ));
        assert_eq!(
            o.body.attribute("description").unwrap().expr.as_str(),
            Some("${d}")
        );
    }

    #[test]
    fn keywords_are_native_expressions() {
        let src = r#"{"resource": {"aws_lambda_function": {"f": {
  "provider": "aws.west",
  "depends_on": ["aws_iam_role.r", " module.m "],
  "lifecycle": {"ignore_changes": "all", "enabled": "${var.on}"},
  "dynamic": {"tracing_config": {"for_each": "${var.m}", "iterator": "it", "content": {"mode": "${it.value}"}}}
}}}}"#;
        let f = body(src).blocks.remove(0);
        assert_eq!(
            f.body.attribute("provider").unwrap().expr.reference_path(),
            Some(vec!["aws", "west"])
        );
        let ExprKind::Tuple(deps) = &f.body.attribute("depends_on").unwrap().expr.kind else {
            panic!()
        };
        assert_eq!(deps[1].reference_path(), Some(vec!["module", "m"]));
        let lc = f.body.blocks_of("lifecycle").next().unwrap();
        assert!(
            matches!(&lc.body.attribute("ignore_changes").unwrap().expr.kind, ExprKind::Variable(v) if &**v == "all")
        );
        let d = f.body.dynamic_blocks_of("tracing_config").next().unwrap();
        assert_eq!(
            d.body.attribute("iterator").unwrap().expr.reference_path(),
            Some(vec!["it"])
        );
    }

    #[test]
    fn tfvars_values_are_literal() {
        let src =
            "{\"//\": \"c\", \"mode\": \"${foo}\", \"n\": 1.5, \"m\": {\"a\": [true, null]}}\n";
        let b = parse_json_tfvars(src).unwrap();
        assert_eq!(b.attributes.len(), 3);
        assert_eq!(b.attributes[0].expr.as_str(), Some("${foo}"));
        assert!(matches!(&b.attributes[1].expr.kind, ExprKind::Number(n) if n.to_text() == "1.5"));
        assert_eq!(&src[b.attributes[0].span.range()], "\"mode\": \"${foo}\"");
        assert!(parse_json_tfvars("[]").is_err());
    }

    #[test]
    fn malformed_json_reports_offset() {
        let err = parse_json_body("{\n  \"resource\": [,]\n}").unwrap_err();
        assert_eq!(err.offset, 17, "{err:?}"); // the comma
    }

    #[test]
    fn wrong_shapes_are_errors_where_terraform_refuses_them() {
        assert!(
            parse_json_body("[]").is_ok(),
            "a root array is a body of no objects"
        );
        assert!(parse_json_body("null").is_ok());
        let err = parse_json_body("\"x\"").unwrap_err();
        assert!(err.message.contains("top-level"), "{err:?}");
        let src = r#"{"resource": {"aws_lambda_function": "f"}}"#;
        let err = parse_json_body(src).unwrap_err();
        assert_eq!(err.offset, src.find("\"f\"").unwrap());
        let src = r#"{"locals": {"a": "${1 +}"}}"#;
        let err = parse_json_body(src).unwrap_err();
        assert!(err.message.contains("string template"), "{err:?}");
        assert!(err.offset > src.find("${").unwrap(), "{err:?}");
    }

    #[test]
    fn object_keys_in_expressions_are_templates() {
        let b = body(r#"{"locals": {"m": {"${var.k}": 1, "plain": 2}}}"#);
        let ExprKind::Object(items) = &b.blocks[0].body.attributes[0].expr.kind else {
            panic!()
        };
        assert!(
            matches!(&items[0].0, ObjectKey::Expr(e) if matches!(e.kind, ExprKind::Template(_)))
        );
        assert!(matches!(&items[1].0, ObjectKey::Name(n) if &**n == "plain"));
    }

    #[test]
    fn positions_map_through_escapes() {
        // "a\"b${x}" : decoded `a"b${x}`
        let text = r#""a\"b${x}""#;
        let span = Span::new(0..text.len());
        let p = Positions::new(text, span, "a\"b${x}");
        assert_eq!(p.start(0), 1); // a
        assert_eq!(p.start(1), 2); // the escape \"
        assert_eq!(p.end(2), 4); // end of the escape
        assert_eq!(p.start(5), 7); // x
        assert_eq!(&text[p.span(Span::new(5..6), 0).range()], "x");
    }
}
