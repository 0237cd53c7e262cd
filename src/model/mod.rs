//! The one model every source fills and every rule reads.

mod field;
mod inventory;
mod kinds;
mod origin;
mod reader;
mod recording;

pub use field::{Field, Step, StepKind, Unresolved, marks};
pub use inventory::*;
pub use kinds::*;
pub use origin::{FileId, Origin, SourceFile, Span, line_col};
pub use reader::Reader;
pub use recording::{Located, Place, Recorder};
