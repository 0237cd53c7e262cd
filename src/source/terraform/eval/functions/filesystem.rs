//! Functions: the filesystem, through the [`Host`].
//!
//! Terraform's own functions (developer.hashicorp.com/terraform/language/functions/NAME):
//! `file`, `fileexists`, `fileset`, `filebase64`, the file hashes (`filemd5`,
//! `filesha1`, `filesha256`, `filesha512`, `filebase64sha256`, `filebase64sha512`),
//! and the path functions `abspath`, `dirname`, `basename`, `pathexpand` (Go's
//! `path/filepath` on a Unix host, and go-homedir).
//!
//! Files are read through the host, which knows the scanned tree: a file it cannot give
//! (outside the tree, unreadable, not UTF-8 text) makes the result unknown for the
//! host's reason; a file that does not exist is an error, as in Terraform. The host
//! hands files over as text, so the hash and Base64 functions work on text files only
//! (a binary file is unknown).

use super::encoding::{Hash, b64, hash, hex};
use super::registry::Registry;
use super::{FnError, Function, Host, Param, Result, Returns};
use crate::source::terraform::cty::{Type, Value, Why};

/// A function of one string `path` returning a string: `path_fn!(|host, path| body)`.
macro_rules! path_fn {
    (|$h:pat_param, $p:ident| $body:expr) => {
        Function {
            params: vec![Param::new("path", Type::String)],
            var_param: None,
            returns: Returns::Static(Type::String),
            imp: |host, a, _| {
                let $h: &dyn Host = host;
                let $p: &str = text(&a[0]);
                $body
            },
        }
    };
}

pub fn register(m: &mut Registry) {
    // developer.hashicorp.com/terraform/language/functions/file: the file's text;
    // filebase64: its bytes in Base64; filemd5, filesha1, filesha256, filesha512,
    // filebase64sha256, filebase64sha512: the hash of its bytes (hex, or Base64).
    m.insert("file", path_fn!(|h, p| read(h, p, |t| Ok(t.to_string()))));
    m.insert(
        "filebase64",
        path_fn!(|h, p| read(h, p, |t| Ok(b64(t.as_bytes())))),
    );
    m.insert(
        "filemd5",
        path_fn!(|h, p| read(h, p, |t| Ok(hex(&hash(Hash::Md5, t.as_bytes()))))),
    );
    m.insert(
        "filesha1",
        path_fn!(|h, p| read(h, p, |t| Ok(hex(&hash(Hash::Sha1, t.as_bytes()))))),
    );
    m.insert(
        "filesha256",
        path_fn!(|h, p| read(h, p, |t| Ok(hex(&hash(Hash::Sha256, t.as_bytes()))))),
    );
    m.insert(
        "filesha512",
        path_fn!(|h, p| read(h, p, |t| Ok(hex(&hash(Hash::Sha512, t.as_bytes()))))),
    );
    m.insert(
        "filebase64sha256",
        path_fn!(|h, p| read(h, p, |t| Ok(b64(&hash(Hash::Sha256, t.as_bytes()))))),
    );
    m.insert(
        "filebase64sha512",
        path_fn!(|h, p| read(h, p, |t| Ok(b64(&hash(Hash::Sha512, t.as_bytes()))))),
    );
    m.insert("fileexists", fileexists());
    m.insert("fileset", fileset());
    // developer.hashicorp.com/terraform/language/functions/abspath (dirname, basename,
    // pathexpand): Go's `filepath.Abs`, `Dir`, `Base`, and go-homedir's `Expand`.
    m.insert("abspath", path_fn!(|h, p| Ok(Value::string(abspath(h, p)))));
    m.insert("dirname", path_fn!(|_, p| Ok(Value::string(dir(p)))));
    m.insert("basename", path_fn!(|_, p| Ok(Value::string(base(p)))));
    m.insert(
        "pathexpand",
        path_fn!(|_, p| expand_home(p).map(Value::string)),
    );
}

fn text(v: &Value) -> &str {
    v.as_str().expect("converted to string")
}

// ---------------------------------------------------------------------------------------
// Paths (Go's path/filepath on Unix, go-homedir)
// ---------------------------------------------------------------------------------------

/// Go's `filepath.Clean`: the shortest lexically equivalent path.
pub(super) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Join`: the non-empty elements joined by `/`, cleaned.
fn join(elems: &[&str]) -> String {
    let parts: Vec<&str> = elems.iter().copied().filter(|e| !e.is_empty()).collect();
    if parts.is_empty() {
        return String::new();
    }
    clean(&parts.join("/"))
}

/// Go's `filepath.Dir`.
fn dir(path: &str) -> String {
    let i = path.rfind('/').map_or(0, |i| i + 1);
    clean(&path[..i])
}

/// Go's `filepath.Base`.
fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// go-homedir's `Expand`: a leading `~` (alone or before a separator) becomes `$HOME`.
fn expand_home(path: &str) -> Result<String> {
    let b = path.as_bytes();
    if b.first() != Some(&b'~') {
        return Ok(path.to_string());
    }
    if b.len() > 1 && b[1] != b'/' && b[1] != b'\\' {
        return Err(FnError::new("cannot expand user-specific home dir"));
    }
    match std::env::var("HOME") {
        Ok(home) if !home.is_empty() => Ok(join(&[&home, &path[1..]])),
        _ => Err(FnError::new("blank output when reading home directory")),
    }
}

/// `abspath(path)` (developer.hashicorp.com/terraform/language/functions/abspath): the
/// path made absolute against the directory Terraform runs in (the root module's),
/// cleaned, with forward slashes.
fn abspath(host: &dyn Host, path: &str) -> String {
    if path.starts_with('/') {
        return clean(path);
    }
    let base = host.base_dir();
    let base = if base.is_absolute() {
        base.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(base))
            .unwrap_or_else(|_| base.to_path_buf())
    };
    let base = base.to_string_lossy().replace('\\', "/");
    join(&[&base, path])
}

// ---------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------

/// The path as Terraform opens it (home expanded, cleaned), for the host.
fn resolve(path: &str) -> Result<String> {
    let expanded = expand_home(path)
        .map_err(|e| FnError::new(format!("failed to expand ~: {}", e.message)))?;
    Ok(clean(&expanded))
}

/// Reads a file through the host and maps its text; unknown for the host's reason when
/// the host cannot give it.
///
/// A file that does not exist is an error for Terraform, but xray-setup usually runs
/// before the build step that creates a package (`filebase64sha256("lambda.zip")`), so a
/// missing file is unknown ("not found") rather than an error: the XR000 note that
/// follows names the file.
fn read(
    host: &dyn Host,
    path: &str,
    f: fn(&str) -> std::result::Result<String, FnError>,
) -> Result<Value> {
    let p = resolve(path).map_err(|e| FnError::arg(0, e.message))?;
    match host.read_file(&p) {
        Ok(t) => f(&t).map(Value::string),
        // A file too large to read: the limit is noted where it is called.
        Err(Why::Limit { what }) => Err(FnError::limit(what)),
        Err(why) => Ok(Value::unknown(Type::String, why)),
    }
}

/// `fileexists(path)` (developer.hashicorp.com/terraform/language/functions/fileexists):
/// whether a regular file exists at the path (unknown when the host cannot tell).
fn fileexists() -> Function {
    Function {
        params: vec![Param::new("path", Type::String)],
        var_param: None,
        returns: Returns::Static(Type::Bool),
        imp: |host, args, _| {
            let p = resolve(text(&args[0]))?;
            Ok(match host.file_exists(&p) {
                Ok(b) => Value::Bool(b),
                Err(why) => Value::unknown(Type::Bool, why),
            })
        },
    }
}

/// A `fileset` pattern Terraform's glob library (bmatcuk/doublestar 1.x) refuses.
#[derive(Debug, PartialEq)]
pub(super) struct BadPattern;

/// Splits at each `sep` not escaped by a backslash.
fn split_unescaped(s: &[char], sep: char) -> Vec<&[char]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..s.len() {
        if s[i] == sep && !(i > 0 && s[i - 1] == '\\') {
            out.push(&s[start..i]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    out
}

/// The index of the first `c` not escaped by a backslash.
fn find_unescaped(s: &[char], c: char) -> Option<usize> {
    (0..s.len()).find(|&i| s[i] == c && !(i > 0 && s[i - 1] == '\\'))
}

/// Matches one name (a path component) against one pattern component, with doublestar
/// 1.x's rules: `*` any run, `?` one character, `[...]` a class (`^` negates; ranges
/// `a-z`; empty classes and stray `-` are errors), `{a,b}` alternatives (the first `}`
/// closes them, no nesting), `\` escapes.
fn match_component(p: &[char], name: &[char]) -> std::result::Result<bool, BadPattern> {
    if p.is_empty() {
        return Ok(name.is_empty());
    }
    if name.is_empty() && p != ['*'] {
        return Ok(false);
    }
    let (mut i, mut j) = (0, 0);
    while i < p.len() && j < name.len() {
        match p[i] {
            '\\' => {
                let Some(&c) = p.get(i + 1) else {
                    return Err(BadPattern);
                };
                if c != name[j] {
                    return Ok(false);
                }
                i += 2;
                j += 1;
            }
            '*' => {
                i += 1;
                if i >= p.len() {
                    return Ok(true);
                }
                for k in j..name.len() {
                    if match_component(&p[i..], &name[k..]).unwrap_or(false) {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            '[' => {
                let end = i + 1 + find_unescaped(&p[i + 1..], ']').ok_or(BadPattern)?;
                let class = &p[i + 1..end];
                if class.is_empty() {
                    return Err(BadPattern);
                }
                let negate = class[0] == '^';
                let mut k = usize::from(negate);
                let mut matched = false;
                while k < class.len() {
                    let mut lo = class[k];
                    if lo == '-' {
                        return Err(BadPattern);
                    }
                    k += 1;
                    if lo == '\\' {
                        lo = *class.get(k).ok_or(BadPattern)?;
                        k += 1;
                    }
                    let mut hi = lo;
                    if class.get(k) == Some(&'-') {
                        k += 1;
                        hi = *class.get(k).ok_or(BadPattern)?;
                        if hi == '-' {
                            return Err(BadPattern);
                        }
                        k += 1;
                        if hi == '\\' {
                            hi = *class.get(k).ok_or(BadPattern)?;
                            k += 1;
                        }
                    }
                    if lo <= name[j] && name[j] <= hi {
                        matched = true;
                    }
                }
                if matched == negate {
                    return Ok(false);
                }
                i = end + 1;
                j += 1;
            }
            '{' => {
                let end = i + 1 + find_unescaped(&p[i + 1..], '}').ok_or(BadPattern)?;
                for option in split_unescaped(&p[i + 1..end], ',') {
                    let mut alt = option.to_vec();
                    alt.extend_from_slice(&p[end + 1..]);
                    if match_component(&alt, &name[j..])? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            c => {
                if c != '?' && c != name[j] {
                    return Ok(false);
                }
                i += 1;
                j += 1;
            }
        }
    }
    let rest = &p[i..];
    Ok((i >= p.len() && j >= name.len())
        || (j >= name.len() && rest == ['*'])
        || rest == ['*', '*'])
}

/// doublestar's matching of `/`-separated components; a `**` component matches any
/// number of them.
fn match_components(p: &[&[char]], name: &[&[char]]) -> std::result::Result<bool, BadPattern> {
    let (mut i, mut j) = (0, 0);
    if p.is_empty() || name.is_empty() {
        return Ok(p.is_empty() && name.is_empty());
    }
    while i < p.len() && j < name.len() {
        if p[i] == ['*', '*'] {
            i += 1;
            if i >= p.len() {
                return Ok(true);
            }
            for k in j..name.len() {
                if match_components(&p[i..], &name[k..]).unwrap_or(false) {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        if !match_component(p[i], name[j])? {
            return Ok(false);
        }
        i += 1;
        j += 1;
    }
    Ok(i >= p.len() && j >= name.len())
}

/// Whether `path` (relative, `/`-separated) matches the `fileset` pattern, as
/// Terraform's glob library decides it.
pub(super) fn glob_match(pattern: &str, path: &str) -> std::result::Result<bool, BadPattern> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = path.chars().collect();
    match_components(&split_unescaped(&p, '/'), &split_unescaped(&n, '/'))
}

/// `fileset(path, pattern)` (developer.hashicorp.com/terraform/language/functions/fileset):
/// the regular files under `path` whose path relative to it matches `pattern`, as a set
/// of `/`-separated strings. The host lists the files; they are matched here with
/// doublestar's rules (so a host may list every file under `path`).
fn fileset() -> Function {
    Function {
        params: vec![
            Param::new("path", Type::String),
            Param::new("pattern", Type::String),
        ],
        var_param: None,
        returns: Returns::Static(Type::set(Type::String)),
        imp: |host, args, _| {
            let (path, pattern) = (text(&args[0]), text(&args[1]));
            let pattern_clean = clean(pattern);
            let bad = || {
                FnError::new(format!(
                    "failed to glob pattern {}: syntax error in pattern",
                    join(&[path, pattern])
                ))
            };
            let files = match host.fileset(path, pattern) {
                Ok(f) => f,
                Err(why) => return Ok(Value::unknown(Type::set(Type::String), why)),
            };
            let mut out = Vec::new();
            for f in files {
                let f = f.replace('\\', "/");
                let keep = pattern_clean.starts_with("..")
                    || glob_match(&pattern_clean, &f).map_err(|_| bad())?;
                if keep {
                    out.push(Value::string(f));
                }
            }
            Ok(Value::set(Type::String, out))
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::cty::Why;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    /// A host over an in-memory tree; files under `outside/` are outside the scan.
    struct Tree {
        files: BTreeMap<String, String>,
        base: PathBuf,
    }

    impl Tree {
        fn new() -> Tree {
            let files = [
                ("hello.txt", "Hello World"),
                ("files/hello.txt", "hello"),
                ("files/world.txt", "world"),
                ("files/subdirectory/anotherfile.txt", "another"),
            ];
            Tree {
                files: files
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                base: PathBuf::from("/home/user/some/terraform/root"),
            }
        }
    }

    impl Host for Tree {
        fn read_file(&self, path: &str) -> std::result::Result<Arc<str>, Why> {
            let why = |w: &str| Why::File {
                path: path.into(),
                why: w.into(),
            };
            if path.starts_with("outside/") || path.starts_with('/') {
                return Err(why("outside the scanned tree"));
            }
            self.files
                .get(path)
                .map(|t| Arc::from(t.as_str()))
                .ok_or_else(|| why("missing"))
        }
        fn file_exists(&self, path: &str) -> std::result::Result<bool, Why> {
            if path.starts_with("outside/") || path.starts_with('/') {
                return Err(Why::File {
                    path: path.into(),
                    why: "outside the scanned tree".into(),
                });
            }
            Ok(self.files.contains_key(path))
        }
        fn fileset(&self, path: &str, _pattern: &str) -> std::result::Result<Vec<String>, Why> {
            let dir = clean(path);
            let prefix = if dir == "." {
                String::new()
            } else {
                format!("{dir}/")
            };
            Ok(self
                .files
                .keys()
                .filter_map(|k| k.strip_prefix(&prefix).map(str::to_string))
                .collect())
        }
        fn base_dir(&self) -> &Path {
            &self.base
        }
    }

    fn call(name: &str, args: &[&str]) -> Result<Value> {
        let mut m = Registry::new();
        register(&mut m);
        let args: Vec<Value> = args.iter().map(Value::string).collect();
        m[name].call(&Tree::new(), &args)
    }

    fn ok(name: &str, args: &[&str]) -> String {
        call(name, args).unwrap().as_str().unwrap().to_string()
    }

    fn set(name: &str, args: &[&str]) -> Vec<String> {
        call(name, args)
            .unwrap()
            .items()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    /// developer.hashicorp.com/terraform/language/functions/file, filebase64, fileexists,
    /// filemd5 (and the other file hashes).
    #[test]
    fn file_doc_examples() {
        assert_eq!(ok("file", &["./hello.txt"]), "Hello World");
        assert_eq!(ok("filebase64", &["hello.txt"]), "SGVsbG8gV29ybGQ=");
        assert_eq!(
            call("fileexists", &["hello.txt"]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("fileexists", &["nope.txt"]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            ok("filemd5", &["hello.txt"]),
            "b10a8db164e0754105b7a99be72e3fe5"
        );
        assert_eq!(
            ok("filesha1", &["hello.txt"]),
            "0a4d55a8d778e5022fab701977c5d840bbc486d0"
        );
        assert_eq!(
            ok("filesha256", &["hello.txt"]),
            "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e"
        );
        assert_eq!(
            ok("filebase64sha256", &["hello.txt"]),
            "pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4="
        );
        assert!(ok("filesha512", &["hello.txt"]).starts_with("2c74fd17edafd80e8447b0d46741ee24"));
        assert!(
            ok("filebase64sha512", &["hello.txt"])
                .starts_with("LHT9F+2v2A6ER7DUZ0HuJDt+t03SFJoKsbkk")
        );
    }

    #[test]
    fn missing_and_outside_files() {
        // Missing: unknown (a build step may create it), naming the file.
        let v = call("file", &["nope.txt"]).unwrap();
        assert!(
            matches!(v.why(), Some(Why::File { path, .. }) if path == "nope.txt"),
            "{v:?}"
        );
        let v = call("file", &["outside/x.txt"]).unwrap();
        assert_eq!(
            v.why(),
            Some(Why::File {
                path: "outside/x.txt".into(),
                why: "outside the scanned tree".into()
            })
        );
        assert!(!call("fileexists", &["/etc/passwd"]).unwrap().is_known());
        assert!(!call("filesha256", &["/etc/passwd"]).unwrap().is_known());
        assert!(call("file", &["~other/x"]).is_err());
    }

    /// developer.hashicorp.com/terraform/language/functions/fileset
    #[test]
    fn fileset_doc_examples() {
        assert_eq!(
            set("fileset", &[".", "files/*.txt"]),
            ["files/hello.txt", "files/world.txt"]
        );
        assert_eq!(
            set("fileset", &[".", "files/{hello,world}.txt"]),
            ["files/hello.txt", "files/world.txt"]
        );
        assert_eq!(
            set("fileset", &["./files", "*"]),
            ["hello.txt", "world.txt"]
        );
        assert_eq!(
            set("fileset", &["./files", "**"]),
            ["hello.txt", "subdirectory/anotherfile.txt", "world.txt"]
        );
        assert_eq!(
            set("fileset", &["files", "**/another*.txt"]),
            ["subdirectory/anotherfile.txt"]
        );
        assert_eq!(set("fileset", &["files", "[hw]?llo.txt"]), ["hello.txt"]);
        assert_eq!(set("fileset", &["files", "[^h]*"]), ["world.txt"]);
        assert!(
            call("fileset", &["files", "[abc"])
                .unwrap_err()
                .message
                .contains("syntax error in pattern")
        );
        assert!(call("fileset", &["files", "{a,b"]).is_err());
    }

    #[test]
    fn globbing() {
        assert_eq!(glob_match("a/**/b", "a/b"), Ok(true));
        assert_eq!(glob_match("a/**/b", "a/x/y/b"), Ok(true));
        assert_eq!(glob_match("a/*/b", "a/x/y/b"), Ok(false));
        assert_eq!(glob_match("*.tf", "main.tf"), Ok(true));
        assert_eq!(glob_match("*.tf", "sub/main.tf"), Ok(false));
        assert_eq!(glob_match("{a,b}.txt", "b.txt"), Ok(true));
        assert_eq!(glob_match("x/{a,b/c}.txt", "x/b/c.txt"), Err(BadPattern));
        assert_eq!(glob_match("\\*", "*"), Ok(true));
        assert_eq!(glob_match("[a-c]x", "bx"), Ok(true));
        assert_eq!(glob_match("[^a-c]x", "bx"), Ok(false));
        assert_eq!(glob_match("[!a-c]x", "!x"), Ok(true));
        assert_eq!(glob_match("[]x", "ax"), Err(BadPattern));
        assert_eq!(glob_match("**", "a/b/c"), Ok(true));
        assert_eq!(glob_match("a/**", "a"), Ok(false));
    }

    /// developer.hashicorp.com/terraform/language/functions/abspath, dirname, basename,
    /// pathexpand.
    #[test]
    fn path_doc_examples() {
        assert_eq!(ok("abspath", &["."]), "/home/user/some/terraform/root");
        assert_eq!(
            ok("abspath", &["modules/../x//y/"]),
            "/home/user/some/terraform/root/x/y"
        );
        assert_eq!(ok("abspath", &["/a/./b/.."]), "/a");
        assert_eq!(ok("dirname", &["foo/bar/baz.txt"]), "foo/bar");
        assert_eq!(ok("dirname", &["baz.txt"]), ".");
        assert_eq!(ok("dirname", &["/"]), "/");
        assert_eq!(ok("dirname", &[""]), ".");
        assert_eq!(ok("basename", &["foo/bar/baz.txt"]), "baz.txt");
        assert_eq!(ok("basename", &["foo/bar/"]), "bar");
        assert_eq!(ok("basename", &["///"]), "/");
        assert_eq!(ok("basename", &[""]), ".");
        assert_eq!(ok("pathexpand", &["/etc/resolv.conf"]), "/etc/resolv.conf");
        if let Ok(home) = std::env::var("HOME")
            && !home.is_empty()
        {
            assert_eq!(
                ok("pathexpand", &["~/.ssh/id_rsa"]),
                format!("{}/.ssh/id_rsa", clean(&home))
            );
            assert_eq!(ok("pathexpand", &["~"]), clean(&home));
        }
        assert!(call("pathexpand", &["~steve/x"]).is_err());
    }
}
