//! An owned, compact form of one parsed Terraform file: what module loading and the
//! evaluator read.
//!
//! hcl-edit's syntax tree keeps every whitespace and comment, which costs about twenty
//! times the source size in memory; a 10,000-function tree would need close to half a
//! gigabyte if every tree were kept. This form keeps only what evaluation needs plus
//! byte spans, and `.tf` and `.tf.json` files both convert into it.

use super::cty::BigFloat;
pub use crate::model::Span;
pub use hcl_edit::expr::{BinaryOperator, UnaryOperator};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

impl Body {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| &*a.name == name)
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| &*b.kind == kind)
    }

    /// `dynamic "LABEL"` blocks generating blocks of type `kind`.
    pub fn dynamic_blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| {
            &*b.kind == "dynamic" && b.labels.first().is_some_and(|l| &**l == kind)
        })
    }
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: Box<str>,
    pub expr: Expr,
    /// The whole `name = value` item.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: Box<str>,
    pub labels: Vec<Box<str>>,
    pub body: Body,
    /// The whole block, from its type keyword to its closing brace.
    pub span: Span,
    /// The type keyword and labels: `resource "aws_lambda_function" "f"`.
    pub header: Span,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Null,
    Bool(bool),
    /// Parsed from the literal's text at 512 bits, as HCL does.
    Number(Arc<BigFloat>),
    /// A quoted string without interpolation or directives.
    String(Box<str>),
    /// A quoted string or heredoc with interpolations or directives.
    Template(Vec<TemplatePart>),
    Tuple(Vec<Expr>),
    Object(Vec<(ObjectKey, Expr)>),
    Variable(Box<str>),
    Traversal(Box<Traversal>),
    Call(Box<FuncCall>),
    Conditional(Box<[Expr; 3]>),
    Unary(UnaryOperator, Box<Expr>),
    Binary(BinaryOperator, Box<[Expr; 2]>),
    For(Box<ForExpr>),
}

/// Large variants are boxed so an `Expr` stays at 40 bytes: a tree holds millions.
#[derive(Debug, Clone)]
pub struct Traversal {
    pub base: Expr,
    pub ops: Vec<Traverse>,
}

#[derive(Debug, Clone)]
pub struct FuncCall {
    pub name: Box<str>,
    pub args: Vec<Expr>,
    /// Whether the last argument is expanded: `f(xs...)`.
    pub expand_final: bool,
}

#[derive(Debug, Clone)]
pub enum ObjectKey {
    /// A bare identifier key: always the literal name.
    Name(Box<str>),
    /// A key given as an expression (a quoted string, or parenthesised).
    Expr(Expr),
}

#[derive(Debug, Clone)]
pub enum Traverse {
    Attr(Box<str>),
    Index(Expr),
    /// `.*`: applies the following attribute accesses to each element.
    AttrSplat,
    /// `[*]`: applies every following operator to each element.
    FullSplat,
}

#[derive(Debug, Clone)]
pub enum TemplatePart {
    Literal(Box<str>),
    Interpolation(Expr),
    If {
        cond: Expr,
        then: Vec<TemplatePart>,
        otherwise: Vec<TemplatePart>,
    },
    For {
        key_var: Option<Box<str>>,
        value_var: Box<str>,
        collection: Expr,
        body: Vec<TemplatePart>,
    },
}

#[derive(Debug, Clone)]
pub struct ForExpr {
    pub key_var: Option<Box<str>>,
    pub value_var: Box<str>,
    pub collection: Expr,
    /// Present for object-producing `{ for ... : k => v }` expressions.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    pub grouping: bool,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// A literal (null, bool, number, or a string without interpolation): editing it
    /// changes the value.
    pub fn is_literal(&self) -> bool {
        matches!(
            self.kind,
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_)
        )
    }

    /// The literal string of a quoted string without interpolation.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => Some(s),
            ExprKind::Template(parts) => match parts.as_slice() {
                [TemplatePart::Literal(s)] => Some(s),
                [] => Some(""),
                _ => None,
            },
            _ => None,
        }
    }

    /// The dotted name of a plain reference like `var.x` or `aws_iam_role.r.arn`
    /// (attribute steps only; stops at the first index or splat).
    pub fn reference_path(&self) -> Option<Vec<&str>> {
        match &self.kind {
            ExprKind::Variable(v) => Some(vec![v]),
            ExprKind::Traversal(t) => {
                let ExprKind::Variable(root) = &t.base.kind else {
                    return None;
                };
                let mut path = vec![&**root];
                for op in &t.ops {
                    match op {
                        Traverse::Attr(a) => path.push(a),
                        _ => break,
                    }
                }
                Some(path)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn expressions_stay_small() {
        assert!(std::mem::size_of::<super::Expr>() <= 40);
    }
}
