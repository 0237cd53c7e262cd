//! The module graph of `src/` points one way. Every `.rs` file under `src/` is read, every
//! path into the library (`crate::X`, `xray_setup::X` in the binary, `super::` reaching
//! past a top-level module, and the crate root's own `X::`) maps the file's top-level
//! module to the one it names, and each such edge must be in [`ALLOWED`], a table with no
//! cycle. The real graph must have no cycle either. Comments and string literals are not
//! code, and are left out.
//!
//! Nodes: each top-level module of the library (`lib.rs`'s `mod` declarations), with
//! `source::aws`, `source::plan` and `source::terraform` apart; `lib` for the crate root (`lib.rs` and
//! items such as `xray_setup::Audit`); `bin` for the binary (`main.rs`, `cli.rs`,
//! `commands/`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which modules each module may use, bottom layer first: the utilities and the model
/// (`files` uses `model::line_col`); IAM;
/// the AWS connection; the sources and the account's write side; sampling and cost; the
/// findings; the rules; fixes; policy; reports; `enable`; `generate`; drift; the crate root; the
/// binary. A module may use only modules listed before it (the test checks the table too).
const ALLOWED: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("atomic", &[]),
    ("model", &[]),
    // Reads files as text, and says where bad bytes are with the model's `line_col`.
    ("files", &["model"]),
    ("iam", &["model", "text"]),
    ("aws_client", &[]),
    ("source::terraform", &["files", "iam", "model"]),
    ("source::aws", &["aws_client", "iam", "model", "text"]),
    // Plan and state JSON: the model only (where a tree writes things comes as
    // `model::Located`, not from `source::terraform`).
    ("source::plan", &["model"]),
    ("source", &[]),
    ("account_write", &["aws_client"]),
    ("sampling", &["model", "text"]),
    ("cost", &["model", "sampling", "text"]),
    ("finding", &["model"]),
    ("rules", &["cost", "finding", "iam", "model", "sampling"]),
    (
        "fix",
        &["atomic", "finding", "iam", "model", "source::terraform"],
    ),
    (
        "policy",
        &[
            "files",
            "finding",
            "model",
            "rules",
            "source::terraform",
            "text",
        ],
    ),
    ("report", &["finding", "fix", "model", "policy", "rules"]),
    (
        "enable",
        &["account_write", "aws_client", "iam", "model", "source::aws"],
    ),
    ("generate", &["sampling", "text"]),
    // Compares code with an account; its script starts as `enable`'s does.
    (
        "drift",
        &[
            "enable",
            "finding",
            "iam",
            "model",
            "rules",
            "sampling",
            "source::aws",
        ],
    ),
    (
        "lib",
        &[
            "drift",
            "finding",
            "model",
            "policy",
            "rules",
            "source::plan",
            "source::terraform",
        ],
    ),
    (
        "bin",
        &[
            "atomic",
            "aws_client",
            "cost",
            "drift",
            "enable",
            "files",
            "fix",
            "generate",
            "lib",
            "model",
            "policy",
            "report",
            "rules",
            "sampling",
            "source::aws",
            "source::plan",
            "source::terraform",
        ],
    ),
];

/// One path into the library, where it is written.
#[derive(Debug, Clone, PartialEq)]
struct Use {
    file: String,
    line: usize,
    /// As written, one leaf of a `{...}` group at a time: `crate::source::aws::api::Account`.
    path: String,
    from: String,
    to: String,
}

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn every_module_uses_only_the_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_tree(&src, &src, &mut files);
    assert!(files.len() > 50, "read {} files under src/", files.len());
    let modules = library_modules(&files);
    let uses = uses(&files, &modules);
    let allowed = allowed();
    let mut wrong = Vec::new();
    for u in &uses {
        let ok = allowed.get(u.from.as_str()).map(|may| may.contains(&u.to));
        match ok {
            Some(true) => {}
            Some(false) => wrong.push(format!(
                "{}:{}: `{}`: {} may not use {} (ALLOWED: {} -> {:?})",
                u.file,
                u.line,
                u.path,
                u.from,
                u.to,
                u.from,
                allowed[u.from.as_str()]
            )),
            None => wrong.push(format!(
                "{}:{}: `{}`: {} is not in ALLOWED; add it in its layer",
                u.file, u.line, u.path, u.from
            )),
        }
    }
    assert!(
        wrong.is_empty(),
        "paths against the layering in tests/architecture.rs:\n{}",
        wrong.join("\n")
    );
    let real = graph(&uses);
    if let Some(cycle) = find_cycle(&real) {
        panic!("the modules form a cycle: {}", describe(&cycle, &uses));
    }
    // The table says what the code does, no more: an edge no path uses goes.
    let unused: Vec<String> = ALLOWED
        .iter()
        .flat_map(|(m, may)| may.iter().map(move |to| (*m, *to)))
        .filter(|(m, to)| !real.get(*m).is_some_and(|g| g.contains(*to)))
        .map(|(m, to)| format!("{m} -> {to}"))
        .collect();
    assert!(
        unused.is_empty(),
        "ALLOWED edges no code uses (remove them): {unused:?}"
    );
}

#[test]
fn the_allowed_table_has_no_cycle_and_names_each_module_once() {
    let names: Vec<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "a module twice in ALLOWED");
    let table: Graph = ALLOWED
        .iter()
        .map(|(m, may)| (m.to_string(), may.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(find_cycle(&table), None);
    // Listed bottom up: each module uses only modules listed before it.
    for (i, (m, may)) in ALLOWED.iter().enumerate() {
        for used in *may {
            assert!(
                names[..i].contains(used),
                "{m} may use {used}, which ALLOWED lists after it (or not at all)"
            );
        }
    }
}

/// The parser and the cycle check on a small tree with a circle, so that the real test
/// can fail.
#[test]
fn a_circle_in_a_small_tree_is_found_and_named() {
    let files: Vec<(String, String)> = [
        ("lib.rs", "pub mod a;\npub mod b;\nmod c;\npub mod source;\nuse c::Thing;\n"),
        (
            "a.rs",
            "// crate::c::in_a_comment\nuse crate::b::X;\nfn f() { let s = \"crate::c\"; let r = r#\"crate::c\"#; let q = '\"'; }\n",
        ),
        (
            "b/mod.rs",
            "use crate::{\n    a::Y,\n    source::{aws::api, terraform::Scan},\n};\n",
        ),
        (
            "b/deep/inner.rs",
            "use super::super::super::a::Z;\nuse super::sibling;\nmod tests { use super::*; use super::super::super::super::c::T; }\n",
        ),
        ("c.rs", "/* crate::a /* nested */ crate::b */ fn g() {}\n"),
        ("main.rs", "mod commands;\nuse xray_setup::a::Y;\nuse crate::commands::run;\n"),
        ("commands/mod.rs", "fn h() { xray_setup::Audit::default(); }\n"),
    ]
    .iter()
    .map(|(p, s)| (p.to_string(), s.to_string()))
    .collect();
    let modules = library_modules(&files);
    assert_eq!(
        modules,
        ["a", "b", "c", "source"].map(String::from).into(),
        "declared in lib.rs"
    );
    let uses = uses(&files, &modules);
    let edges: Vec<(&str, &str, &str, usize)> = uses
        .iter()
        .map(|u| (u.from.as_str(), u.to.as_str(), u.path.as_str(), u.line))
        .collect();
    assert_eq!(
        edges,
        [
            ("lib", "c", "c::Thing", 5),
            ("a", "b", "crate::b::X", 2),
            ("b", "a", "crate::a::Y", 1),
            ("b", "source::aws", "crate::source::aws::api", 1),
            (
                "b",
                "source::terraform",
                "crate::source::terraform::Scan",
                1
            ),
            ("b", "a", "super::super::super::a::Z", 1),
            ("b", "c", "super::super::super::super::c::T", 3),
            ("bin", "a", "xray_setup::a::Y", 2),
            ("bin", "lib", "xray_setup::Audit::default", 1),
        ]
    );
    let cycle = find_cycle(&graph(&uses)).expect("a and b use each other");
    assert_eq!(cycle, ["a", "b", "a"]);
    let told = describe(&cycle, &uses);
    assert!(told.contains("a.rs:2 `crate::b::X`"), "{told}");
    assert!(told.contains("b/mod.rs:1 `crate::a::Y`"), "{told}");
}

fn allowed() -> BTreeMap<&'static str, BTreeSet<String>> {
    ALLOWED
        .iter()
        .map(|(m, may)| (*m, may.iter().map(|s| s.to_string()).collect()))
        .collect()
}

/// Every `.rs` file under `dir`, as (path relative to `src/` with `/`, text).
fn read_tree(src: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_tree(src, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(src).unwrap();
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((name, text));
        }
    }
}

/// The library's top-level modules: `lib.rs`'s `mod` declarations.
fn library_modules(files: &[(String, String)]) -> BTreeSet<String> {
    let lib = files
        .iter()
        .find(|(p, _)| p == "lib.rs")
        .expect("src/lib.rs");
    let code: Vec<char> = strip(&lib.1).chars().collect();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < code.len() {
        if word_at(&code, i, "mod") {
            let (name, end) = ident(&code, skip_space(&code, i + 3));
            if !name.is_empty() && code.get(skip_space(&code, end)) == Some(&';') {
                out.insert(name);
            }
        }
        i += 1;
    }
    out
}

/// The module path of a file: `rules/xr001.rs` is `rules::xr001`, `rules/mod.rs` and
/// `rules.rs` are `rules`, `lib.rs` and `main.rs` the crate root.
fn module_path(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.split('/').map(String::from).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if parts.is_empty() && (stem == "lib" || stem == "main") || stem == "mod" {
        return parts;
    }
    parts.push(stem.to_string());
    parts
}

fn is_binary(file: &str) -> bool {
    file == "main.rs" || file == "cli.rs" || file.starts_with("commands/")
}

/// The node of an absolute path inside the library (`["source", "aws", "api"]`).
fn node(path: &[String], modules: &BTreeSet<String>) -> String {
    match path {
        [first, ..] if !modules.contains(first) => "lib".into(),
        [first, second, ..]
            if first == "source" && matches!(second.as_str(), "aws" | "plan" | "terraform") =>
        {
            format!("source::{second}")
        }
        [first, ..] => first.clone(),
        [] => "lib".into(),
    }
}

/// The node a file belongs to.
fn file_node(file: &str, modules: &BTreeSet<String>) -> String {
    if is_binary(file) {
        "bin".into()
    } else {
        node(&module_path(file), modules)
    }
}

/// Every path from one node into another, in file and line order.
fn uses(files: &[(String, String)], modules: &BTreeSet<String>) -> Vec<Use> {
    let mut out = Vec::new();
    for (file, text) in files {
        let from = file_node(file, modules);
        let here = module_path(file);
        let binary = is_binary(file);
        for p in paths(&strip(text), binary, here.is_empty(), modules) {
            let absolute = match p.segments[0].as_str() {
                "crate" | "xray_setup" => p.segments[1..].to_vec(),
                "super" => {
                    // Relative to the module it is written in, inline ones included.
                    let mut base: Vec<String> = here.iter().chain(&p.inline).cloned().collect();
                    let ups = p.segments.iter().take_while(|s| *s == "super").count();
                    base.truncate(base.len().saturating_sub(ups));
                    base.extend(p.segments[ups..].iter().cloned());
                    base
                }
                _ => p.segments.clone(),
            };
            let to = node(&absolute, modules);
            if to != from {
                out.push(Use {
                    file: file.clone(),
                    line: p.line,
                    path: p.segments.join("::"),
                    from: from.clone(),
                    to,
                });
            }
        }
    }
    out
}

/// A path into the library as written, one leaf of a `{...}` group.
struct Written {
    /// The line its statement starts on.
    line: usize,
    segments: Vec<String>,
    /// The inline modules (`mod tests { ... }`) it is written in.
    inline: Vec<String>,
}

/// The library paths in code (comments and literals already blanked). `crate::` in the
/// binary names the binary's own modules and is left out; at the crate root (`lib.rs`) a
/// path may start with a module's name.
fn paths(code: &str, binary: bool, root: bool, modules: &BTreeSet<String>) -> Vec<Written> {
    let code: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    // Inline modules open, with the brace depth inside each.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let (mut depth, mut line, mut i) = (0, 1, 0);
    while i < code.len() {
        match code[i] {
            '\n' => line += 1,
            '{' => depth += 1,
            '}' => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            _ => {}
        }
        let starts = i == 0 || !(is_ident(code[i - 1]) || code[i - 1] == ':');
        let (first, end) = ident(&code, i);
        if starts && first == "mod" {
            let (name, end) = ident(&code, skip_space(&code, end));
            let brace = skip_space(&code, end);
            if !name.is_empty() && code.get(brace) == Some(&'{') {
                depth += 1;
                inline.push((name, depth));
                i = brace + 1;
                continue;
            }
        }
        let library = match first.as_str() {
            "crate" | "super" => !binary,
            "xray_setup" => binary,
            name => root && !binary && modules.contains(name),
        };
        if starts && library && code[end..].starts_with(&[':', ':']) {
            let (leaves, end) = tree(&code, i);
            for segments in leaves {
                out.push(Written {
                    line,
                    segments,
                    inline: inline.iter().map(|(n, _)| n.clone()).collect(),
                });
            }
            line += code[i..end].iter().filter(|c| **c == '\n').count();
            i = end;
            continue;
        }
        i = end.max(i + 1);
    }
    out
}

/// A path tree at `i` (`a::b::{c, d::{e, f}}`): each leaf's segments, and where it ends.
fn tree(code: &[char], i: usize) -> (Vec<Vec<String>>, usize) {
    let (name, end) = match ident(code, i) {
        (name, _) if name.is_empty() && code.get(i) == Some(&'*') => ("*".to_string(), i + 1),
        found => found,
    };
    let after = skip_space(code, end);
    if !code[after..].starts_with(&[':', ':']) {
        return (vec![vec![name]], end);
    }
    let next = skip_space(code, after + 2);
    let (subtrees, end) = if code.get(next) == Some(&'{') {
        let mut leaves = Vec::new();
        let mut j = skip_space(code, next + 1);
        while j < code.len() && code[j] != '}' {
            let (sub, end) = tree(code, j);
            leaves.extend(sub);
            j = skip_space(code, end);
            if code.get(j) == Some(&',') {
                j = skip_space(code, j + 1);
            } else if code.get(j) != Some(&'}') {
                break;
            }
        }
        (leaves, j + 1)
    } else {
        tree(code, next)
    };
    let leaves = subtrees
        .into_iter()
        .map(|mut s| {
            s.insert(0, name.clone());
            s
        })
        .collect();
    (leaves, end)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifier at `i` (empty when none), and where it ends.
fn ident(code: &[char], i: usize) -> (String, usize) {
    let starts = code.get(i).is_some_and(|c| c.is_alphabetic() || *c == '_');
    if !starts {
        return (String::new(), i);
    }
    let end = (i..code.len())
        .find(|&j| !is_ident(code[j]))
        .unwrap_or(code.len());
    (code[i..end].iter().collect(), end)
}

fn skip_space(code: &[char], mut i: usize) -> usize {
    while code.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

/// Whether the keyword `word` stands alone at `i`.
fn word_at(code: &[char], i: usize, word: &str) -> bool {
    let (found, _) = ident(code, i);
    found == word && (i == 0 || !is_ident(code[i - 1]))
}

/// The code with comments, string and character literals blanked (newlines kept, so
/// lines still count).
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, s: &[char]| {
        out.extend(s.iter().map(|ch| if *ch == '\n' { '\n' } else { ' ' }));
    };
    let mut i = 0;
    while i < c.len() {
        let word_start = i == 0 || !is_ident(c[i - 1]);
        let end = if c[i..].starts_with(&['/', '/']) {
            (i..c.len()).find(|&j| c[j] == '\n').unwrap_or(c.len())
        } else if c[i..].starts_with(&['/', '*']) {
            block_comment_end(&c, i)
        } else if let Some(end) = raw_string_end(&c, i).filter(|_| word_start) {
            end
        } else if c[i] == '"' || (word_start && c[i..].starts_with(&['b', '"'])) {
            let mut j = i + if c[i] == 'b' { 2 } else { 1 };
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            j + 1
        } else if c[i] == '\'' {
            // A character literal (`'x'`, `'\n'`, `'\u{0}'`), not a lifetime (`'a`).
            match (c.get(i + 1), c.get(i + 2)) {
                (Some('\\'), _) => (i + 2..c.len())
                    .find(|&j| c[j] == '\'')
                    .map_or(i + 1, |j| j + 1),
                (Some(_), Some('\'')) => i + 3,
                _ => i + 1,
            }
        } else {
            out.push(c[i]);
            i += 1;
            continue;
        };
        let end = end.min(c.len());
        blank(&mut out, &c[i..end]);
        i = end;
    }
    out
}

fn block_comment_end(c: &[char], start: usize) -> usize {
    let (mut depth, mut j) = (0, start);
    while j < c.len() {
        if c[j..].starts_with(&['/', '*']) {
            depth += 1;
            j += 2;
        } else if c[j..].starts_with(&['*', '/']) {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return j;
            }
        } else {
            j += 1;
        }
    }
    c.len()
}

/// The end of a raw string (`r"..."`, `r#"..."#`, `br#"..."#`) starting at `i`.
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if c.get(j) == Some(&'b') {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = (j..c.len()).take_while(|&k| c[k] == '#').count();
    j += hashes;
    if c.get(j) != Some(&'"') {
        return None;
    }
    let close: Vec<char> = std::iter::once('"')
        .chain(std::iter::repeat_n('#', hashes))
        .collect();
    (j + 1..c.len())
        .find(|&k| c[k..].starts_with(&close))
        .map(|k| k + close.len())
}

fn graph(uses: &[Use]) -> Graph {
    let mut g = Graph::new();
    for u in uses {
        g.entry(u.from.clone()).or_default().insert(u.to.clone());
    }
    g
}

/// A cycle of the graph as its path (`a -> b -> a`), found by depth-first search.
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in g.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(g, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|start| visit(g, start, &mut Vec::new(), &mut done))
}

/// A cycle with, for each step, the first place that makes it.
fn describe(cycle: &[String], uses: &[Use]) -> String {
    let steps: Vec<String> = cycle
        .windows(2)
        .map(|w| {
            let u = uses
                .iter()
                .find(|u| u.from == w[0] && u.to == w[1])
                .expect("an edge of the graph");
            format!("{} -> {} ({}:{} `{}`)", w[0], w[1], u.file, u.line, u.path)
        })
        .collect();
    format!("{}: {}", cycle.join(" -> "), steps.join(", "))
}
