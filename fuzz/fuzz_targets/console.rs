//! The expression evaluator through `xray-setup console`: each line of the input is an
//! expression, evaluated in a module with the differential test's variables (strings,
//! numbers, lists, sets, maps, objects, nulls and unknowns), shown as text and as JSON;
//! each is evaluated twice and must give the same answer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use xray_setup::source::terraform::Variables;
use xray_setup::source::terraform::console::Console;
use xray_setup::source::terraform::eval::{display, json_out};

const VARIABLES: &str = include_str!("../../tests/differential/variables.tf");

struct Open {
    console: Console,
    _dir: tempfile::TempDir,
}

fn console() -> &'static Console {
    static CONSOLE: OnceLock<Open> = OnceLock::new();
    &CONSOLE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::write(dir.path().join("variables.tf"), VARIABLES).expect("variables.tf");
            std::fs::write(dir.path().join("data.txt"), "hello\n").expect("data.txt");
            let console = Console::open(dir.path(), &Variables::default()).expect("console");
            Open { console, _dir: dir }
        })
        .console
}

fn show(console: &Console, line: &str) -> String {
    match console.eval(line) {
        Ok(v) => format!("{}\n{}", display::show(&v), json_out::to_json(&v)),
        Err(e) => format!("error: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let console = console();
    for line in text.lines().take(8) {
        if line.trim().is_empty() {
            continue;
        }
        let first = show(console, line);
        let second = show(console, line);
        assert_eq!(first, second, "the same expression twice: {line:?}");
    }
});
