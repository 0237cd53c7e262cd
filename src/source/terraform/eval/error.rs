//! What Terraform would refuse while evaluating: an error with a summary and a detail,
//! at a place in the configuration. Never a value: an unknown is a value that only an
//! apply can tell; an error is a configuration Terraform would not accept.

use crate::model::Span;
use crate::source::terraform::cty::{Type, Value, Why};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A reference to something not declared (a variable, local, resource, module...):
    /// found by `terraform validate` before evaluation, so `try` cannot catch it.
    Undeclared,
    /// A function that does not exist.
    UnknownFunction,
    /// Wrong number of arguments, or an argument of the wrong type.
    FunctionCall,
    /// An operand, index, attribute, condition or conversion Terraform refuses.
    Invalid,
    /// A value that depends on itself.
    Cycle,
}

#[derive(Debug, Clone)]
pub struct EvalError {
    pub kind: ErrorKind,
    /// Terraform's diagnostic summary: "Reference to undeclared input variable".
    pub summary: String,
    pub detail: String,
    /// The expression at fault, in the file the evaluation reads (set by whoever knows
    /// which file that is).
    pub span: Span,
    pub file: Option<u32>,
    /// What HCL evaluates the failing expression to alongside the error: what a
    /// conditional's other branch is unified with, and what `try` would see.
    pub placeholder: Value,
    /// The error only repeats one already reported elsewhere (a reference to a failed
    /// module call): reported once, where it arose.
    pub consequential: bool,
}

pub type R = Result<Value, Box<EvalError>>;

impl EvalError {
    pub fn new(
        kind: ErrorKind,
        summary: impl Into<String>,
        detail: impl Into<String>,
        span: Span,
    ) -> Box<EvalError> {
        Box::new(EvalError {
            kind,
            summary: summary.into(),
            detail: detail.into(),
            span,
            file: None,
            placeholder: dynamic(),
            consequential: false,
        })
    }

    pub fn invalid(
        summary: impl Into<String>,
        detail: impl Into<String>,
        span: Span,
    ) -> Box<EvalError> {
        Self::new(ErrorKind::Invalid, summary, detail, span)
    }

    /// The same error, with what HCL returns alongside it.
    pub fn with_placeholder(mut self: Box<Self>, v: Value) -> Box<EvalError> {
        self.placeholder = v;
        self
    }

    /// Whether `try` and `can` may catch it (Terraform validates references first).
    pub fn catchable(&self) -> bool {
        self.kind != ErrorKind::Undeclared && self.kind != ErrorKind::Cycle
    }

    pub fn message(&self) -> String {
        if self.detail.is_empty() {
            self.summary.clone()
        } else {
            format!("{}: {}", self.summary, self.detail)
        }
    }
}

/// cty's `DynamicVal`: unknown of unknown type, what HCL returns with most errors.
pub fn dynamic() -> Value {
    Value::unknown(
        Type::Dynamic,
        Why::Function {
            name: "(error)".into(),
        },
    )
}
