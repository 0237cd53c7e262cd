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
