//! The enable journal: read as `enable --undo` reads it (from a file), and the reversals
//! it plans.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_setup::enable::{journal, undo};
use xray_setup_fuzz::workdir;

fuzz_target!(|data: &[u8]| {
    let dir = workdir().lock().unwrap();
    let path = dir.root.join("journal.jsonl");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(read) = journal::read(&path) {
        let steps = undo::reversals(&read.entries);
        for step in &steps {
            let _ = step.target.describe();
        }
    }
});
