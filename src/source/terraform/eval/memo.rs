//! Each value of a module instance (a variable, local, output, resource, or an input of
//! an emulated module) computed once, when first read. A value that is read while it is
//! being computed depends on itself: an error, as in Terraform.

use super::super::cty::Type;
use super::error::{ErrorKind, EvalError, R};
use super::{Evaluator, InstId};
use crate::model::{FileId, Span};

/// Which value of an instance.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum MemoKey {
    Var(usize),
    Local(usize),
    Output(usize),
    Resource(usize),
    /// An input of a module that is not on disk, by the index of the call's argument.
    Arg(usize),
}

pub(super) enum Slot {
    InProgress,
    Done(R),
}

/// Stack left below which a nested evaluation continues on a new segment, and the size
/// of a segment: one level of a chain takes a few kilobytes.
const STACK_RED_ZONE: usize = 256 * 1024;
const STACK_SEGMENT: usize = 8 * 1024 * 1024;

impl Evaluator<'_> {
    /// Looks a value up in an instance's memo, computing it once. A value that depends
    /// on itself is an error, as in Terraform.
    pub(super) fn memo(
        &self,
        id: InstId,
        key: MemoKey,
        what: &str,
        at: (FileId, Span),
        compute: impl FnOnce() -> R,
    ) -> R {
        let inst = self.inst(id);
        match inst.memo.borrow().get(&key) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::InProgress) => {
                let err = EvalError::new(
                    ErrorKind::Cycle,
                    "Cycle",
                    format!("{what} depends on itself."),
                    at.1,
                );
                return Err(self.record(err, at.0));
            }
            None => {}
        }
        // A chain of values each waiting on the next (a local reading a local...) is
        // evaluated by recursion: bounded by the depth limit, on a stack that grows as
        // it needs to on any thread. Past the limit the value is unknown for this chain
        // (not remembered: read from nearer the top of a chain, it is computed).
        let depth = self.depth.get() + 1;
        if let Some(what) = self.limits.too_deep(depth) {
            self.limit_at(at.0, at.1, what.clone());
            return Ok(super::budget::unknown(Type::Dynamic, what));
        }
        inst.memo.borrow_mut().insert(key, Slot::InProgress);
        self.depth.set(depth);
        let v = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, compute);
        self.depth.set(depth - 1);
        inst.memo.borrow_mut().insert(key, Slot::Done(v.clone()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::cty::{Value, Why};
    use super::super::super::testing::tree;
    use super::super::Inputs;
    use super::super::budget::Limits;
    use super::*;

    #[test]
    fn a_value_is_computed_once() {
        let t = tree(&[(
            "main.tf",
            r#"
resource "aws_iam_role" "r" { name = "r" }
locals {
  a = aws_iam_role.r
  b = aws_iam_role.r
}
"#,
        )]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let read = |name: &str| match ev.local(Evaluator::ROOT, name, Span::default()) {
            Ok(Value::Resource(r)) => r,
            other => panic!("{other:?}"),
        };
        // The same value, not one built again: each read shares the first one's.
        let first = read("a");
        assert!(std::sync::Arc::ptr_eq(&first, &read("a")));
        assert!(std::sync::Arc::ptr_eq(&first, &read("b")));
        assert_eq!(first.address, "aws_iam_role.r");
    }

    #[test]
    fn a_value_that_depends_on_itself_is_an_error() {
        let t = tree(&[("main.tf", "locals {\n  a = local.b\n  b = local.a\n}\n")]);
        let inputs = Inputs::default();
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let err = ev.local(Evaluator::ROOT, "a", Span::default()).unwrap_err();
        assert_eq!(err.summary, "Cycle");
        let details: Vec<String> = ev.errors().into_iter().map(|e| e.detail).collect();
        assert_eq!(details, ["local.a depends on itself."]);
    }

    #[test]
    fn a_chain_deeper_than_the_limit_is_unknown_and_noted() {
        let t = tree(&[(
            "main.tf",
            "locals {\n  a = local.b\n  b = local.c\n  c = \"x\"\n}\n",
        )]);
        let inputs = Inputs {
            limits: Limits {
                depth: 2,
                ..Limits::default()
            },
            ..Inputs::default()
        };
        let ev = Evaluator::new(&t.tree, t.module("."), &inputs);
        let a = ev.local(Evaluator::ROOT, "a", Span::default()).unwrap();
        assert!(matches!(a.why(), Some(Why::Limit { .. })), "{a:?}");
        assert_eq!(ev.limits_reached().len(), 1);
        // What was past the limit is not remembered: read on its own, it is computed.
        let c = ev.local(Evaluator::ROOT, "c", Span::default()).unwrap();
        assert_eq!(c, Value::string("x"));
    }
}
