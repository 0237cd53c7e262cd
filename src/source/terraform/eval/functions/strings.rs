//! Functions: strings. From go-cty 1.12's stdlib (`cty/function/stdlib/string.go`,
//! `format.go`, `format_fsm.go`, `regexp.go`): `chomp`, `format`, `formatlist`, `indent`,
//! `join`, `lower`, `upper`, `regex`, `regexall`, `split`, `strrev`, `substr`, `title`,
//! `trim`, `trimprefix`, `trimsuffix`, `trimspace`. Terraform's own
//! (`internal/lang/funcs/string.go`): `replace`, `startswith`, `endswith`, `strcontains`.
//!
//! Strings are handled as Go handles them, which differs from Rust's standard library in
//! places:
//! - "characters" are grapheme clusters as `go-textseg` (Unicode 13) finds them
//!   (`substr`, `strrev`, `format` widths): [`first_cluster`];
//! - case mappings are Go's `unicode` simple mappings (Unicode 13), one character to
//!   one character (`upper("ß")` is `"ß"`): [`case_map`];
//! - regular expressions are Go's RE2 syntax (`\d` and `\b` ASCII-only, `(?P<name>)`
//!   only, octal escapes, `\Q...\E`, repeat counts up to 1000), translated into an
//!   equivalent pattern for the `regex` crate: [`goregex`].

use super::numbers::{Spec, exact_int, float_text, format_float, format_int};
use super::registry::Registry;
use super::{FnError, Function, Param, Result, Returns, unknown_result};
use crate::source::terraform::cty::convert::convert;
use crate::source::terraform::cty::{Type, Value, Why};
use std::collections::BTreeMap;

pub fn register(m: &mut Registry) {
    m.insert("chomp", chomp());
    m.insert("endswith", endswith());
    m.insert("format", format());
    m.insert("formatlist", formatlist());
    m.insert("indent", indent());
    m.insert("join", join());
    m.insert("lower", lower());
    m.insert("regex", regex());
    m.insert("regexall", regexall());
    m.insert("replace", replace());
    m.insert("split", split());
    m.insert("startswith", startswith());
    m.insert("strcontains", strcontains());
    m.insert("strrev", strrev());
    m.insert("substr", substr());
    m.insert("title", title());
    m.insert("trim", trim());
    m.insert("trimprefix", trimprefix());
    m.insert("trimspace", trimspace());
    m.insert("trimsuffix", trimsuffix());
    m.insert("upper", upper());
}

fn text(v: &Value) -> &str {
    v.as_str().expect("converted to string")
}

fn number(v: &Value) -> &crate::source::terraform::cty::BigFloat {
    v.as_number().expect("converted to number")
}

fn str_param(name: &'static str) -> Param {
    Param::new(name, Type::String)
}

fn function(params: Vec<Param>, ret: Type, imp: super::ImplFn) -> Function {
    Function {
        params,
        var_param: None,
        returns: Returns::Static(ret),
        imp,
    }
}

// ---------------------------------------------------------------------------------------
// Simple string functions.

/// `upper(str)`: every letter in its upper case (Go's `strings.ToUpper`: simple case
/// mappings, one character each).
/// Source: cty stdlib string.go `UpperFunc`;
/// developer.hashicorp.com/terraform/language/functions/upper.
fn upper() -> Function {
    function(vec![str_param("str").dynamic()], Type::String, |_, a, _| {
        Ok(Value::string(
            text(&a[0])
                .chars()
                .map(|c| case_map(c, Case::Upper))
                .collect::<String>(),
        ))
    })
}

/// `lower(str)`: every letter in its lower case (Go's `strings.ToLower`).
/// Source: cty stdlib string.go `LowerFunc`;
/// developer.hashicorp.com/terraform/language/functions/lower.
fn lower() -> Function {
    function(vec![str_param("str").dynamic()], Type::String, |_, a, _| {
        Ok(Value::string(
            text(&a[0])
                .chars()
                .map(|c| case_map(c, Case::Lower))
                .collect::<String>(),
        ))
    })
}

/// Go's `strings.Title` word boundaries: after anything but an ASCII letter, digit or
/// underscore, or after a non-ASCII space (other non-ASCII characters join words).
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    c.is_whitespace()
}

/// `title(str)`: the first letter of each word in title case (Go's `strings.Title`).
/// Source: cty stdlib string.go `TitleFunc`;
/// developer.hashicorp.com/terraform/language/functions/title.
fn title() -> Function {
    function(vec![str_param("str")], Type::String, |_, a, _| {
        let mut prev = ' ';
        let out: String = text(&a[0])
            .chars()
            .map(|c| {
                let r = if is_separator(prev) {
                    case_map(c, Case::Title)
                } else {
                    c
                };
                prev = c;
                r
            })
            .collect();
        Ok(Value::string(out))
    })
}

/// `strrev(str)`: the characters (grapheme clusters) in reverse order.
/// Source: cty stdlib string.go `ReverseFunc`;
/// developer.hashicorp.com/terraform/language/functions/strrev.
fn strrev() -> Function {
    function(vec![str_param("str").dynamic()], Type::String, |_, a, _| {
        let clusters: Vec<&str> = clusters(text(&a[0])).collect();
        Ok(Value::string(
            clusters.into_iter().rev().collect::<String>(),
        ))
    })
}

/// `substr(str, offset, length)`: up to `length` characters (grapheme clusters) from
/// `offset`, exactly as cty counts them: a negative offset counts from the end (and one
/// still before the start means the start); a negative length means the rest; a zero
/// length is the empty string only for a non-negative offset (cty's shortcut; otherwise
/// its scan takes the whole rest).
/// Source: cty stdlib string.go `SubstrFunc`;
/// developer.hashicorp.com/terraform/language/functions/substr.
fn substr() -> Function {
    function(
        vec![
            str_param("str").dynamic(),
            Param::new("offset", Type::Number).dynamic(),
            Param::new("length", Type::Number).dynamic(),
        ],
        Type::String,
        |_, a, _| {
            let whole = text(&a[0]);
            let mut offset = super::numbers::to_int(number(&a[1]))?;
            let length = super::numbers::to_int(number(&a[2]))?;
            if offset < 0 {
                offset = offset.saturating_add(clusters(whole).count() as i64);
            } else if length == 0 {
                return Ok(Value::string(""));
            }
            let mut sub = whole;
            if offset > 0 {
                let (mut i, mut pos) = (0usize, 0i64);
                while i < sub.len() {
                    i += first_cluster(&sub[i..]);
                    pos += 1;
                    if pos == offset {
                        break;
                    }
                    if i >= whole.len() {
                        return Ok(Value::string(""));
                    }
                }
                sub = &sub[i..];
            }
            if length < 0 {
                return Ok(Value::string(sub));
            }
            let (mut i, mut pos) = (0usize, 0i64);
            while i < sub.len() {
                i += first_cluster(&sub[i..]);
                pos += 1;
                if pos == length {
                    break;
                }
            }
            Ok(Value::string(&sub[..i]))
        },
    )
}

/// `join(separator, lists...)`: the elements of the lists, in order, with `separator`
/// between them. Unknown while any element is unknown; a null element is an error.
/// Source: cty stdlib string.go `JoinFunc`;
/// developer.hashicorp.com/terraform/language/functions/join.
fn join() -> Function {
    Function {
        params: vec![str_param("separator")],
        var_param: Some(Param::new("lists", Type::list(Type::String))),
        returns: Returns::Static(Type::String),
        imp: |host, a, _| {
            let sep = text(&a[0]);
            let lists = &a[1..];
            if lists.is_empty() {
                return Err(FnError::new("at least one list is required"));
            }
            if lists.iter().any(|l| !l.is_wholly_known()) {
                return Ok(unknown_result(a, Type::String));
            }
            let mut items: Vec<&str> = Vec::new();
            for (ai, list) in lists.iter().enumerate() {
                for (ei, v) in list.items().unwrap_or_default().iter().enumerate() {
                    if v.is_null() {
                        let message = if lists.len() > 1 {
                            format!(
                                "element {ei} of list {} is null; cannot concatenate null values",
                                ai + 1
                            )
                        } else {
                            format!("element {ei} is null; cannot concatenate null values")
                        };
                        return Err(FnError::arg(ai + 1, message));
                    }
                    items.push(text(v));
                }
            }
            let joined = items
                .iter()
                .fold(0usize, |n, s| n.saturating_add(s.len()))
                .saturating_add(sep.len().saturating_mul(items.len().saturating_sub(1)));
            FnError::check_weight(host, joined)?;
            Ok(Value::string(items.join(sep)))
        },
    }
}

/// `split(separator, str)`: the pieces of `str` between occurrences of `separator` (Go's
/// `strings.Split`: an empty separator splits after each character (code point), and
/// the empty string then gives an empty list).
/// Source: cty stdlib string.go `SplitFunc`;
/// developer.hashicorp.com/terraform/language/functions/split.
fn split() -> Function {
    function(
        vec![str_param("separator"), str_param("str")],
        Type::list(Type::String),
        |_, a, _| {
            let (sep, s) = (text(&a[0]), text(&a[1]));
            let items: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::string(c.to_string())).collect()
            } else {
                s.split(sep).map(Value::string).collect()
            };
            Ok(Value::list(Type::String, items))
        },
    )
}

/// `chomp(str)`: without the newlines (`\n`, `\r\n`, `\r`) at its end.
/// Source: cty stdlib string.go `ChompFunc`;
/// developer.hashicorp.com/terraform/language/functions/chomp.
fn chomp() -> Function {
    function(vec![str_param("str")], Type::String, |_, a, _| {
        Ok(Value::string(text(&a[0]).trim_end_matches(['\r', '\n'])))
    })
}

/// `indent(spaces, str)`: `spaces` spaces after every newline.
/// Source: cty stdlib string.go `IndentFunc`;
/// developer.hashicorp.com/terraform/language/functions/indent.
fn indent() -> Function {
    function(
        vec![Param::new("spaces", Type::Number), str_param("str")],
        Type::String,
        |host, a, _| {
            let n = super::numbers::to_int(number(&a[0]))?;
            let s = text(&a[1]);
            if n < 0 {
                return Err(FnError::new("strings: negative Repeat count"));
            }
            let lines = s.matches('\n').count() as u128;
            if (n as u128) * lines > 1 << 30 {
                return Err(FnError::new("strings: Repeat count causes overflow"));
            }
            FnError::check_weight(host, (s.len() as u128 + n as u128 * lines) as usize)?;
            let pad = format!("\n{}", " ".repeat(if lines == 0 { 0 } else { n as usize }));
            Ok(Value::string(s.replace('\n', &pad)))
        },
    )
}

/// `trimspace(str)`: without Unicode white space at either end.
/// Source: cty stdlib string.go `TrimSpaceFunc`;
/// developer.hashicorp.com/terraform/language/functions/trimspace.
fn trimspace() -> Function {
    function(vec![str_param("str")], Type::String, |_, a, _| {
        Ok(Value::string(text(&a[0]).trim()))
    })
}

/// `trim(str, cutset)`: without the characters of `cutset` (each code point on its own)
/// at either end.
/// Source: cty stdlib string.go `TrimFunc`;
/// developer.hashicorp.com/terraform/language/functions/trim.
fn trim() -> Function {
    function(
        vec![str_param("str"), str_param("cutset")],
        Type::String,
        |_, a, _| {
            let cutset = text(&a[1]);
            Ok(Value::string(
                text(&a[0]).trim_matches(|c| cutset.contains(c)),
            ))
        },
    )
}

/// `trimprefix(str, prefix)`: without `prefix` at the start, if it is there.
/// Source: cty stdlib string.go `TrimPrefixFunc`;
/// developer.hashicorp.com/terraform/language/functions/trimprefix.
fn trimprefix() -> Function {
    function(
        vec![str_param("str"), str_param("prefix")],
        Type::String,
        |_, a, _| {
            let s = text(&a[0]);
            Ok(Value::string(s.strip_prefix(text(&a[1])).unwrap_or(s)))
        },
    )
}

/// `trimsuffix(str, suffix)`: without `suffix` at the end, if it is there.
/// Source: cty stdlib string.go `TrimSuffixFunc`;
/// developer.hashicorp.com/terraform/language/functions/trimsuffix.
fn trimsuffix() -> Function {
    function(
        vec![str_param("str"), str_param("suffix")],
        Type::String,
        |_, a, _| {
            let s = text(&a[0]);
            Ok(Value::string(s.strip_suffix(text(&a[1])).unwrap_or(s)))
        },
    )
}

/// The text a partly known string certainly starts with: its known text up to the
/// first unknown part, less the last character (which what follows could still combine
/// with, as cty's `SafeKnownPrefix` allows for).
fn known_prefix(v: &Value) -> Option<String> {
    use crate::model::marks;
    let Some(Why::Partial { text, .. }) = v.why() else {
        return None;
    };
    let end = [marks::AFTER_APPLY, marks::UNKNOWN]
        .iter()
        .filter_map(|m| text.find(m))
        .min()
        .unwrap_or(text.len());
    let known = Value::string(&text[..end]);
    let known = known.as_str().unwrap_or_default();
    let last = clusters(known).last().map_or(0, str::len);
    Some(known[..known.len() - last].to_string())
}

/// `startswith(str, prefix)`: whether `str` begins with `prefix`. As in Terraform, the
/// answer can be known before `str` is: the empty prefix always matches, and a string
/// whose beginning is known (a template with unknown parts later on) is decided by it.
/// Source: Terraform internal/lang/funcs/string.go `StartsWithFunc`;
/// developer.hashicorp.com/terraform/language/functions/startswith.
fn startswith() -> Function {
    function(
        vec![str_param("str").unknown(), str_param("prefix")],
        Type::Bool,
        |_, a, _| {
            let prefix = text(&a[1]);
            if !a[0].is_known() {
                if prefix.is_empty() {
                    return Ok(Value::Bool(true));
                }
                if let Some(known) = known_prefix(&a[0]).filter(|k| !k.is_empty()) {
                    if known.starts_with(prefix) {
                        return Ok(Value::Bool(true));
                    }
                    if known.len() >= prefix.len() {
                        return Ok(Value::Bool(false));
                    }
                }
                return Ok(unknown_result(a, Type::Bool));
            }
            Ok(Value::Bool(text(&a[0]).starts_with(prefix)))
        },
    )
}

/// `endswith(str, suffix)`: whether `str` ends with `suffix`.
/// Source: Terraform internal/lang/funcs/string.go `EndsWithFunc`;
/// developer.hashicorp.com/terraform/language/functions/endswith.
fn endswith() -> Function {
    function(
        vec![str_param("str"), str_param("suffix")],
        Type::Bool,
        |_, a, _| Ok(Value::Bool(text(&a[0]).ends_with(text(&a[1])))),
    )
}

/// `strcontains(str, substr)`: whether `substr` occurs in `str`.
/// Source: Terraform internal/lang/funcs/string.go `StrContainsFunc`;
/// developer.hashicorp.com/terraform/language/functions/strcontains.
fn strcontains() -> Function {
    function(
        vec![str_param("str"), str_param("substr")],
        Type::Bool,
        |_, a, _| Ok(Value::Bool(text(&a[0]).contains(text(&a[1])))),
    )
}

/// `replace(str, substr, replacement)`: every occurrence of `substr` replaced; when
/// `substr` is wrapped in forward slashes it is a regular expression (Go's syntax) and
/// the replacement may refer to its capture groups as `$1`, `${1}`, `$name` or
/// `${name}` (`$$` is a dollar sign).
/// Source: Terraform internal/lang/funcs/string.go `ReplaceFunc`;
/// developer.hashicorp.com/terraform/language/functions/replace.
fn replace() -> Function {
    function(
        vec![str_param("str"), str_param("substr"), str_param("replace")],
        Type::String,
        |host, a, _| {
            let (s, search, with) = (text(&a[0]), text(&a[1]), text(&a[2]));
            let max = host.limits().value_bytes;
            if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
                let re = goregex::compile(&search[1..search.len() - 1]).map_err(|e| {
                    FnError::new(format!("error parsing regexp: {}: `{}`", e.code, e.expr))
                })?;
                return match re.replace_all(s, with, max) {
                    Some(out) => Ok(Value::string(out)),
                    None => Err(too_long(usize::MAX, max).expect("past the limit")),
                };
            }
            // Every match (or, for an empty `search`, every place between characters)
            // becomes `with`.
            let places = if search.is_empty() {
                s.chars().count() + 1
            } else {
                s.matches(search).count()
            };
            FnError::check_weight(
                host,
                places.saturating_mul(with.len()).saturating_add(s.len()),
            )?;
            Ok(Value::string(s.replace(search, with)))
        },
    )
}

// ---------------------------------------------------------------------------------------
// format and formatlist.

/// `format(spec, values...)`: a string built from a `printf`-like specification (cty's
/// own dialect: `%v`, `%#v`, `%t`, `%b`, `%d`, `%o`, `%x`, `%X`, `%e`, `%E`, `%f`, `%g`,
/// `%G`, `%s`, `%q` and `%%`; flags ` `, `+`, `-`, `0`, `#`; width; precision; argument
/// index `%[n]v`). Unknown while any value is not wholly known. Every value must be
/// used.
/// Source: cty stdlib format.go `FormatFunc`, format_fsm.rl;
/// developer.hashicorp.com/terraform/language/functions/format.
fn format() -> Function {
    Function {
        params: vec![str_param("format")],
        var_param: Some(Param::new("args", Type::Dynamic).null()),
        returns: Returns::Static(Type::String),
        imp: |host, a, _| {
            if a[1..].iter().any(|v| !v.is_wholly_known()) {
                return Ok(unknown_result(a, Type::String));
            }
            format_values(text(&a[0]), &a[1..], host.limits().value_bytes).map(Value::string)
        },
    }
}

/// `formatlist(spec, values...)`: `format` applied element by element: list, set and
/// tuple arguments (all of the same length) are iterated together, other arguments are
/// repeated. An element whose arguments are not all known is an unknown string.
/// Source: cty stdlib format.go `FormatListFunc`;
/// developer.hashicorp.com/terraform/language/functions/formatlist.
fn formatlist() -> Function {
    Function {
        params: vec![str_param("format")],
        var_param: Some(Param::new("args", Type::Dynamic).null().unknown()),
        returns: Returns::Static(Type::list(Type::String)),
        imp: |host, a, ret| {
            let spec = text(&a[0]);
            let args = &a[1..];
            let max = host.limits().value_bytes;
            if args.is_empty() {
                return Ok(Value::list(
                    Type::String,
                    vec![Value::string(format_values(spec, &[], max)?)],
                ));
            }
            let mut iter_len: Option<(usize, usize)> = None;
            let mut unknown = false;
            for (i, arg) in args.iter().enumerate() {
                let ty = arg.ty();
                let sequence = ty.is_list() || ty.is_set() || ty.is_tuple();
                if sequence && !arg.is_null() {
                    let len = if let Some(ts) = ty.tuple_elements() {
                        ts.len()
                    } else if !arg.is_known() || !set_length_known(arg) {
                        unknown = true;
                        continue;
                    } else {
                        arg.length().unwrap_or(0)
                    };
                    match iter_len {
                        None => iter_len = Some((len, i)),
                        Some((l, chooser)) if l != len => {
                            return Err(FnError::arg(
                                i + 1,
                                format!(
                                    "argument {} has length {len}, which is inconsistent with argument {} of length {l}",
                                    i + 1,
                                    chooser + 1
                                ),
                            ));
                        }
                        Some(_) => {}
                    }
                    if !arg.is_known() {
                        unknown = true;
                    }
                } else if !arg.is_known() && ty.is_dynamic() {
                    unknown = true;
                }
            }
            if unknown {
                return Ok(unknown_result(a, ret.clone()));
            }
            let n = match iter_len {
                Some((0, _)) => return Ok(Value::list(Type::String, Vec::new())),
                Some((n, _)) => n,
                None => 1,
            };
            let mut out = Vec::with_capacity(n);
            let mut built = 0usize;
            'results: for k in 0..n {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    let ty = arg.ty();
                    let v = if (ty.is_list() || ty.is_set() || ty.is_tuple()) && !arg.is_null() {
                        arg.items().expect("known sequence")[k].clone()
                    } else {
                        arg.clone()
                    };
                    if !v.is_wholly_known() {
                        out.push(
                            v.first_unknown()
                                .expect("not wholly known")
                                .unknown_like(Type::String),
                        );
                        continue 'results;
                    }
                    values.push(v);
                }
                let s = format_values(spec, &values, max - built.min(max)).map_err(|e| {
                    if e.limit {
                        e
                    } else {
                        FnError::new(format!("error on format iteration {k}: {}", e.message))
                    }
                })?;
                built += s.len();
                out.push(Value::string(s));
            }
            Ok(Value::list(Type::String, out))
        },
    }
}

/// Whether cty knows the length of a known collection: a set holding unknown elements
/// might shrink once they are known, unless it holds only one.
fn set_length_known(v: &Value) -> bool {
    match v {
        Value::Set(s) => s.items.len() == 1 || v.is_wholly_known(),
        _ => true,
    }
}

/// One `%` sequence of a format specification.
#[derive(Default)]
struct Verb<'a> {
    raw: &'a str,
    offset: usize,
    arg: i64,
    mode: char,
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<i64>,
    prec: Option<i64>,
}

impl Verb<'_> {
    /// The flags, width and precision as Go's `fmt` reads them from the same text.
    fn fmt_spec(&self) -> Spec {
        Spec {
            plus: self.plus,
            space: self.space,
            zero: self.zero && !self.minus,
            minus: self.minus,
            sharp: self.sharp,
            width: self.width,
            prec: self.prec,
        }
    }
}

/// cty's format scanner (format_fsm.rl in go-cty 1.12): literal text, `%%`, and verbs
/// of the form `%` flags* width? (`.` digits*)? (`[` n `]`)? letter.
/// The limit a string of `len` bytes would pass, if it is longer than `max`.
fn too_long(len: usize, max: usize) -> Option<FnError> {
    (len > max).then(|| {
        FnError::limit(format!(
            "the string would be longer than the limit of {max} bytes (limits.value_bytes)"
        ))
    })
}

/// `max`: the most bytes the result may have (the run's limit).
fn format_values(spec: &str, args: &[Value], max: usize) -> Result<String> {
    let b = spec.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(spec.len());
    let mut p = 0usize;
    let mut next_arg: i64 = 1;
    let mut highest: i64 = 0;
    let unexpected = |p: usize| -> FnError {
        if p >= b.len() {
            return FnError::new(format!("invalid format string starting at offset {p}"));
        }
        let c = spec[p..].chars().next().unwrap_or('\u{fffd}');
        FnError::new(format!(
            "unrecognized format character {} at offset {p}",
            go_quote_rune(c)
        ))
    };
    let digit = |p: usize| b.get(p).is_some_and(u8::is_ascii_digit);
    while p < b.len() {
        if b[p] != b'%' {
            out.push(b[p]);
            p += 1;
            continue;
        }
        let start = p;
        p += 1;
        if b.get(p) == Some(&b'%') {
            out.push(b'%');
            p += 1;
            continue;
        }
        let mut verb = Verb {
            offset: start,
            arg: next_arg,
            ..Verb::default()
        };
        while let Some(c) = b.get(p) {
            match c {
                b' ' => verb.space = true,
                b'#' => verb.sharp = true,
                b'+' => verb.plus = true,
                b'-' => verb.minus = true,
                b'0' => verb.zero = true,
                _ => break,
            }
            p += 1;
        }
        if matches!(b.get(p), Some(b'1'..=b'9')) {
            let mut w: i64 = 0;
            while digit(p) {
                w = w.saturating_mul(10).saturating_add((b[p] - b'0') as i64);
                p += 1;
            }
            verb.width = Some(w);
        }
        if b.get(p) == Some(&b'.') {
            p += 1;
            let mut n: i64 = 0;
            while digit(p) {
                n = n.saturating_mul(10).saturating_add((b[p] - b'0') as i64);
                p += 1;
            }
            verb.prec = Some(n);
        }
        if b.get(p) == Some(&b'[') {
            p += 1;
            if !matches!(b.get(p), Some(b'1'..=b'9')) {
                return Err(unexpected(p));
            }
            let mut n: i64 = 0;
            while digit(p) {
                n = n.saturating_mul(10).saturating_add((b[p] - b'0') as i64);
                p += 1;
            }
            if b.get(p) != Some(&b']') {
                return Err(unexpected(p));
            }
            p += 1;
            verb.arg = n;
        }
        match b.get(p) {
            Some(c) if c.is_ascii_alphabetic() => verb.mode = *c as char,
            _ => return Err(unexpected(p)),
        }
        p += 1;
        verb.raw = &spec[start..p];
        highest = highest.max(verb.arg);
        // A width or precision pads or prints that many characters: `%999999999d`.
        let asked = verb.width.unwrap_or(0).max(verb.prec.unwrap_or(0)) as usize;
        if let Some(what) = too_long(out.len().saturating_add(asked), max) {
            return Err(what);
        }
        let piece = format_one(&verb, args)?;
        out.extend_from_slice(piece.as_bytes());
        if let Some(what) = too_long(out.len(), max) {
            return Err(what);
        }
        next_arg = verb.arg.saturating_add(1);
    }
    if highest < args.len() as i64 {
        let first_bad = highest as usize + 1;
        return Err(if highest == 0 {
            FnError::arg(first_bad, "too many arguments; no verbs in format string")
        } else {
            FnError::arg(
                first_bad,
                format!("too many arguments; only {highest} used by format string"),
            )
        });
    }
    Ok(String::from_utf8(out).expect("split at ASCII bytes"))
}

/// A rune as Go's `%q` shows it.
fn go_quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\\' => "'\\\\'".into(),
        '\n' => "'\\n'".into(),
        '\r' => "'\\r'".into(),
        '\t' => "'\\t'".into(),
        c if c.is_control() => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

/// cty's `formatAppend`: one verb applied to its argument.
fn format_one(verb: &Verb, args: &[Value]) -> Result<String> {
    let Some(arg) = usize::try_from(verb.arg - 1).ok().and_then(|i| args.get(i)) else {
        return Err(FnError::new(format!(
            "not enough arguments for {} at {}: need index {} but have {} total",
            super::numbers::go_quote(verb.raw),
            verb.offset,
            verb.arg,
            args.len()
        )));
    };
    let fail = |why: &str| {
        FnError::new(format!(
            "unsupported value for {} at {}: {why}",
            super::numbers::go_quote(verb.raw),
            verb.offset
        ))
    };
    if verb.mode != 'v' && arg.is_null() {
        return Err(fail("null value cannot be formatted"));
    }
    match verb.mode {
        'v' => {
            if !verb.sharp && !arg.is_null() {
                match arg {
                    Value::String(s) => return Ok(pad_width(verb, s)),
                    Value::Number(n) => return Ok(pad_width(verb, &float_text(n, b'g', -1))),
                    _ => {}
                }
            }
            let mut json = String::new();
            cty_json(arg, &mut json).map_err(|e| fail(&e))?;
            Ok(pad_width(verb, &json))
        }
        't' => {
            let v = convert(arg, &Type::Bool).map_err(|e| fail(&e.to_string()))?;
            Ok(if v.as_bool() == Some(true) {
                "true"
            } else {
                "false"
            }
            .into())
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let v = convert(arg, &Type::Number).map_err(|e| fail(&e.to_string()))?;
            let n = number(&v);
            let mode = verb.mode as u8;
            if matches!(verb.mode, 'b' | 'd' | 'o' | 'x' | 'X') {
                let (neg, mag) = exact_int(n).ok_or_else(|| fail("an integer is required"))?;
                Ok(format_int(neg, &mag, mode, &verb.fmt_spec()))
            } else {
                Ok(format_float(n, mode, &verb.fmt_spec()))
            }
        }
        's' | 'q' => {
            let v = convert(arg, &Type::String).map_err(|e| fail(&e.to_string()))?;
            let mut s = text(&v);
            if let Some(p) = verb.prec.filter(|p| *p > 0) {
                let mut end = 0;
                for _ in 0..p {
                    if end >= s.len() {
                        break;
                    }
                    end += first_cluster(&s[end..]);
                }
                s = &s[..end];
            }
            if verb.mode == 's' {
                Ok(pad_width(verb, s))
            } else {
                Ok(pad_width(verb, &json_string(s)))
            }
        }
        m => Err(FnError::new(format!(
            "unsupported format verb {} in {} at offset {}",
            go_quote_rune(m),
            super::numbers::go_quote(verb.raw),
            verb.offset
        ))),
    }
}

/// cty's `formatPadWidth`: pads to the width in grapheme clusters, with `0` when the
/// `0` flag is given, on the right with the `-` flag.
fn pad_width(verb: &Verb, s: &str) -> String {
    let Some(width) = verb.width else {
        return s.to_string();
    };
    let have = clusters(s).count() as i64;
    if have >= width {
        return s.to_string();
    }
    let pad = (if verb.zero { "0" } else { " " }).repeat((width - have) as usize);
    if verb.minus {
        format!("{s}{pad}")
    } else {
        format!("{pad}{s}")
    }
}

/// A string as Go's `encoding/json` writes it (HTML-safe: `<`, `>` and `&` escaped).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as cty's JSON encoding writes it (`%#v`, and `%v` of anything but a string
/// or number): object keys sorted, numbers in full, infinities refused.
fn cty_json(v: &Value, out: &mut String) -> std::result::Result<(), String> {
    match v {
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_inf() {
                return Err("cannot serialize infinity as JSON".into());
            }
            out.push_str(&n.to_text());
        }
        Value::String(s) => out.push_str(&json_string(s)),
        Value::List(_) | Value::Set(_) | Value::Tuple(_) => {
            out.push('[');
            for (i, e) in v.items().unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                cty_json(e, out)?;
            }
            out.push(']');
        }
        Value::Map(_) | Value::Object(_) => {
            out.push('{');
            for (i, (k, e)) in v.entries().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k));
                out.push(':');
                cty_json(e, out)?;
            }
            out.push('}');
        }
        Value::Unknown(_) | Value::Resource(_) => return Err("value is not known".into()),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// regex and regexall.

/// The type of a match of `pattern`: the matched text when it has no capture groups, a
/// tuple of its groups when none is named, an object of them when all are (cty's
/// `regexPatternResultType`).
fn regex_result_type(pattern: &str) -> Result<Type> {
    let re = goregex::compile(pattern).map_err(|e| {
        FnError::arg(
            0,
            format!("invalid regexp pattern: {} in {}", e.code, e.expr),
        )
    })?;
    let names = &re.names;
    let unnamed = names.iter().filter(|n| n.is_none()).count();
    let named: Vec<&String> = names.iter().flatten().collect();
    Ok(match (unnamed, named.len()) {
        (0, 0) => Type::String,
        (u, 0) => Type::tuple(vec![Type::String; u]),
        (0, _) => Type::object(
            named
                .into_iter()
                .map(|n| (n.clone(), Type::String))
                .collect(),
        ),
        _ => {
            return Err(FnError::arg(
                0,
                "invalid regexp pattern: cannot mix both named and unnamed capture groups",
            ));
        }
    })
}

/// One match as a value of `ty` (cty's `regexPatternResult`): a group that did not take
/// part in the match is null.
fn regex_result(re: &goregex::GoRegex, s: &str, caps: &regex::Captures, ty: &Type) -> Value {
    let group = |i: usize| match caps.get(i) {
        Some(m) => Value::string(&s[m.range()]),
        None => Value::Null(Type::String),
    };
    match ty {
        Type::Tuple(_) => Value::tuple((1..=re.names.len()).map(group).collect()),
        Type::Object(_) => {
            let mut attrs = BTreeMap::new();
            for (i, name) in re.names.iter().enumerate() {
                if let Some(name) = name {
                    attrs.insert(name.clone(), group(i + 1));
                }
            }
            Value::object(attrs)
        }
        _ => group(0),
    }
}

/// `regex(pattern, string)`: the first match of `pattern` (Go's RE2 syntax) in
/// `string`; an error when there is none.
/// Source: cty stdlib regexp.go `RegexFunc`;
/// developer.hashicorp.com/terraform/language/functions/regex.
fn regex() -> Function {
    Function {
        params: vec![str_param("pattern"), str_param("string")],
        var_param: None,
        returns: Returns::Computed(|a| {
            if !a[0].is_known() {
                return Ok(Type::Dynamic);
            }
            regex_result_type(text(&a[0]))
        }),
        imp: |_, a, ret| {
            let re = goregex::compile(text(&a[0])).map_err(|e| FnError::arg(0, e.to_string()))?;
            let s = text(&a[1]);
            let caps = re.re.captures_at(s, 0).ok_or_else(|| {
                FnError::new("pattern did not match any part of the given string")
            })?;
            Ok(regex_result(&re, s, &caps, ret))
        },
    }
}

/// `regexall(pattern, string)`: every non-overlapping match, as Go's `FindAll` finds
/// them (an empty match right after another match does not count).
/// Source: cty stdlib regexp.go `RegexAllFunc`;
/// developer.hashicorp.com/terraform/language/functions/regexall.
fn regexall() -> Function {
    Function {
        params: vec![str_param("pattern"), str_param("string")],
        var_param: None,
        returns: Returns::Computed(|a| {
            if !a[0].is_known() {
                return Ok(Type::list(Type::Dynamic));
            }
            regex_result_type(text(&a[0])).map(Type::list)
        }),
        imp: |_, a, ret| {
            let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
            let re = goregex::compile(text(&a[0])).map_err(|e| FnError::arg(0, e.to_string()))?;
            let s = text(&a[1]);
            let mut items = Vec::new();
            re.for_each_match(s, |caps| items.push(regex_result(&re, s, caps, &ety)));
            Ok(Value::list(ety, items))
        },
    }
}

/// Go's regular expressions (`regexp`, RE2 syntax with Go's Perl flags) on the `regex`
/// crate: the pattern is parsed as Go's `regexp/syntax` parses it (so exactly the same
/// patterns are refused), and written out again in the `regex` crate's syntax with
/// every Go meaning made explicit (`\d`, `\s`, `\w`, `\b` and POSIX classes ASCII-only;
/// `$` without `(?m)` the end of the text; flags applied to each piece; capture group
/// names kept aside, as Go accepts names the `regex` crate does not).
pub(super) mod goregex {
    use std::collections::HashMap;
    use std::fmt;
    use std::sync::{Arc, LazyLock, Mutex};

    /// Go's `syntax.Error`: a code and the part of the pattern at fault.
    #[derive(Debug, Clone)]
    pub struct Error {
        pub code: &'static str,
        pub expr: String,
    }

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
        }
    }

    const INVALID_CHAR_RANGE: &str = "invalid character class range";
    const INVALID_ESCAPE: &str = "invalid escape sequence";
    const INVALID_NAMED_CAPTURE: &str = "invalid named capture";
    const INVALID_PERL_OP: &str = "invalid or unsupported Perl syntax";
    const INVALID_REPEAT_OP: &str = "invalid nested repetition operator";
    const INVALID_REPEAT_SIZE: &str = "invalid repeat count";
    const MISSING_BRACKET: &str = "missing closing ]";
    const MISSING_PAREN: &str = "missing closing )";
    const MISSING_REPEAT_ARGUMENT: &str = "missing argument to repetition operator";
    const TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";
    const UNEXPECTED_PAREN: &str = "unexpected )";
    const NESTING_DEPTH: &str = "expression nests too deeply";

    fn err(code: &'static str, expr: &str) -> Error {
        Error {
            code,
            expr: expr.to_string(),
        }
    }

    /// A compiled pattern and the names of its capture groups (index `i` is group
    /// `i + 1`; `None` for an unnamed group).
    pub struct GoRegex {
        pub re: regex::Regex,
        pub names: Vec<Option<String>>,
    }

    static CACHE: LazyLock<Mutex<HashMap<String, Arc<GoRegex>>>> = LazyLock::new(Default::default);

    /// `regexp.Compile`.
    pub fn compile(pattern: &str) -> Result<Arc<GoRegex>, Error> {
        if let Some(re) = CACHE.lock().ok().and_then(|c| c.get(pattern).cloned()) {
            return Ok(re);
        }
        let mut p = Parser {
            src: pattern,
            pos: 0,
            names: Vec::new(),
            depth: 0,
        };
        let alts = p.body(Flags::default(), false)?;
        let mut out = String::new();
        render_alts(&alts, &mut out);
        let re = regex::RegexBuilder::new(&out)
            .nest_limit(4000)
            .size_limit(1 << 30)
            .dfa_size_limit(1 << 26)
            .build()
            .map_err(|_| err("expression too large", pattern))?;
        let compiled = Arc::new(GoRegex { re, names: p.names });
        if let Ok(mut c) = CACHE.lock() {
            if c.len() > 512 {
                c.clear();
            }
            c.insert(pattern.to_string(), compiled.clone());
        }
        Ok(compiled)
    }

    impl GoRegex {
        /// Go's `allMatches`: successive matches from where the last one ended, an
        /// empty match right after a match skipped, one character skipped after an
        /// empty match.
        pub fn for_each_match(&self, s: &str, mut f: impl FnMut(&regex::Captures)) {
            let mut pos = 0usize;
            let mut prev_end: Option<usize> = None;
            while pos <= s.len() {
                let Some(caps) = self.re.captures_at(s, pos) else {
                    break;
                };
                let m = caps.get(0).expect("group 0");
                let mut accept = true;
                if m.end() == pos {
                    if Some(m.start()) == prev_end {
                        accept = false;
                    }
                    pos += s[pos..].chars().next().map_or(1, char::len_utf8);
                } else {
                    pos = m.end();
                }
                prev_end = Some(m.end());
                if accept {
                    f(&caps);
                }
            }
        }

        /// Go's `ReplaceAllString`: every match replaced by `template` with its `$`
        /// references expanded; an empty match right after a match is left alone.
        /// `None` once the result would be longer than `max`.
        pub fn replace_all(&self, s: &str, template: &str, max: usize) -> Option<String> {
            let mut out = String::new();
            let mut last_end = 0usize;
            let mut search = 0usize;
            while search <= s.len() {
                let Some(caps) = self.re.captures_at(s, search) else {
                    break;
                };
                let m = caps.get(0).expect("group 0");
                out.push_str(&s[last_end..m.start()]);
                if m.end() > last_end || m.start() == 0 {
                    self.expand(&mut out, template, s, &caps);
                }
                if out.len() > max {
                    return None;
                }
                last_end = m.end();
                let width = s[search..].chars().next().map_or(0, char::len_utf8);
                if search + width > m.end() {
                    search += width;
                } else if search + 1 > m.end() {
                    search += 1;
                } else {
                    search = m.end();
                }
            }
            out.push_str(&s[last_end..]);
            Some(out)
        }

        /// Go's `Regexp.expand`.
        fn expand(&self, out: &mut String, template: &str, s: &str, caps: &regex::Captures) {
            let mut t = template;
            while let Some(i) = t.find('$') {
                out.push_str(&t[..i]);
                t = &t[i + 1..];
                if let Some(rest) = t.strip_prefix('$') {
                    out.push('$');
                    t = rest;
                    continue;
                }
                let Some((name, num, rest)) = extract(t) else {
                    out.push('$');
                    continue;
                };
                t = rest;
                let group = match num {
                    Some(n) => caps.get(n),
                    None => self
                        .names
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.as_deref() == Some(name))
                        .find_map(|(i, _)| caps.get(i + 1)),
                };
                if let Some(g) = group {
                    out.push_str(&s[g.range()]);
                }
            }
            out.push_str(t);
        }
    }

    fn is_name_char(c: char) -> bool {
        static LETTER_OR_DIGIT: LazyLock<regex::Regex> =
            LazyLock::new(|| regex::Regex::new(r"^[\p{L}\p{Nd}_]$").expect("valid"));
        c.is_ascii_alphanumeric()
            || c == '_'
            || (!c.is_ascii() && LETTER_OR_DIGIT.is_match(c.encode_utf8(&mut [0; 4])))
    }

    /// Go's `extract`: a name (letters, digits, `_`) or `{name}` after a `$`, and its
    /// group number when it is one (no leading zeros, below 10^8).
    fn extract(t: &str) -> Option<(&str, Option<usize>, &str)> {
        let (brace, body) = match t.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, t),
        };
        let end = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
        if end == 0 {
            return None;
        }
        let name = &body[..end];
        let rest = if brace {
            body[end..].strip_prefix('}')?
        } else {
            &body[end..]
        };
        let mut num: Option<usize> = Some(0);
        for b in name.bytes() {
            num = match num {
                Some(n) if b.is_ascii_digit() && n < 100_000_000 => {
                    Some(n * 10 + (b - b'0') as usize)
                }
                _ => None,
            };
        }
        if name.len() > 1 && name.starts_with('0') {
            num = None;
        }
        Some((name, num, rest))
    }

    #[derive(Clone, Copy, Default)]
    struct Flags {
        fold: bool,
        /// `(?m)`: `^` and `$` at line boundaries (Go's `OneLine` cleared).
        multiline: bool,
        dot_nl: bool,
        ungreedy: bool,
    }

    enum Node {
        /// Something the repetition operators treat as one piece, already written out.
        Atom(String),
        /// A group: `(` or `(?:`, and its alternatives.
        Group(&'static str, Vec<Vec<Node>>),
        Repeat {
            sub: Box<Node>,
            min: u32,
            max: Option<u32>,
            op: Option<char>,
            greedy: bool,
        },
    }

    fn render_alts(alts: &[Vec<Node>], out: &mut String) {
        for (i, seq) in alts.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            for n in seq {
                render(n, out);
            }
        }
    }

    fn render(n: &Node, out: &mut String) {
        match n {
            Node::Atom(s) => out.push_str(s),
            Node::Group(open, alts) => {
                out.push_str(open);
                render_alts(alts, out);
                out.push(')');
            }
            Node::Repeat {
                sub,
                min,
                max,
                op,
                greedy,
            } => {
                out.push_str("(?:");
                render(sub, out);
                out.push(')');
                match (op, max) {
                    (Some(c), _) => out.push(*c),
                    (None, Some(m)) if m == min => out.push_str(&format!("{{{min}}}")),
                    (None, Some(m)) => out.push_str(&format!("{{{min},{m}}}")),
                    (None, None) => out.push_str(&format!("{{{min},}}")),
                }
                if !greedy {
                    out.push('?');
                }
            }
        }
    }

    /// Go's `repeatIsValid`: nested counted repetitions may multiply to at most `n`.
    fn repeat_is_valid(node: &Node, mut n: u32) -> bool {
        match node {
            Node::Atom(_) => true,
            Node::Group(_, alts) => alts.iter().flatten().all(|s| repeat_is_valid(s, n)),
            Node::Repeat {
                sub, min, max, op, ..
            } => {
                if op.is_none() {
                    let m = match max {
                        Some(0) => return true,
                        Some(m) => *m,
                        None => *min,
                    };
                    if m > n {
                        return false;
                    }
                    n = n.checked_div(m).unwrap_or(n);
                }
                repeat_is_valid(sub, n)
            }
        }
    }

    /// A code point in the `regex` crate's syntax (surrogates, which Go allows in a
    /// pattern but no text contains, match nothing).
    fn lit(c: u32) -> String {
        if (0xD800..=0xDFFF).contains(&c) {
            return NOTHING.to_string();
        }
        format!("\\x{{{c:X}}}")
    }

    const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";
    const ANYTHING: &str = r"[\x{0}-\x{10FFFF}]";

    /// One member of a bracketed class, in the `regex` crate's class syntax.
    fn class_range(lo: u32, hi: u32, out: &mut String) {
        // Leave out surrogates, which the regex crate cannot name.
        let pieces = [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)];
        for (a, b) in pieces {
            if a > b {
                continue;
            }
            if a == b {
                out.push_str(&format!("\\x{{{a:X}}}"));
            } else {
                out.push_str(&format!("\\x{{{a:X}}}-\\x{{{b:X}}}"));
            }
        }
    }

    /// Go's Perl and POSIX classes (all ASCII), by the text that names them.
    fn group_ranges(name: &str) -> Option<(bool, &'static [(u32, u32)])> {
        const DIGIT: &[(u32, u32)] = &[(0x30, 0x39)];
        const SPACE: &[(u32, u32)] = &[(0x9, 0xA), (0xC, 0xD), (0x20, 0x20)];
        const WORD: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
        const ALNUM: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)];
        const ALPHA: &[(u32, u32)] = &[(0x41, 0x5A), (0x61, 0x7A)];
        const ASCII: &[(u32, u32)] = &[(0x0, 0x7F)];
        const BLANK: &[(u32, u32)] = &[(0x9, 0x9), (0x20, 0x20)];
        const CNTRL: &[(u32, u32)] = &[(0x0, 0x1F), (0x7F, 0x7F)];
        const GRAPH: &[(u32, u32)] = &[(0x21, 0x7E)];
        const LOWER: &[(u32, u32)] = &[(0x61, 0x7A)];
        const PRINT: &[(u32, u32)] = &[(0x20, 0x7E)];
        const PUNCT: &[(u32, u32)] = &[(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)];
        const POSIX_SPACE: &[(u32, u32)] = &[(0x9, 0xD), (0x20, 0x20)];
        const UPPER: &[(u32, u32)] = &[(0x41, 0x5A)];
        const XDIGIT: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)];
        Some(match name {
            r"\d" => (true, DIGIT),
            r"\D" => (false, DIGIT),
            r"\s" => (true, SPACE),
            r"\S" => (false, SPACE),
            r"\w" => (true, WORD),
            r"\W" => (false, WORD),
            _ => {
                let inner = name.strip_prefix("[:")?.strip_suffix(":]")?;
                let (positive, inner) = match inner.strip_prefix('^') {
                    Some(i) => (false, i),
                    None => (true, inner),
                };
                let ranges = match inner {
                    "alnum" => ALNUM,
                    "alpha" => ALPHA,
                    "ascii" => ASCII,
                    "blank" => BLANK,
                    "cntrl" => CNTRL,
                    "digit" => DIGIT,
                    "graph" => GRAPH,
                    "lower" => LOWER,
                    "print" => PRINT,
                    "punct" => PUNCT,
                    "space" => POSIX_SPACE,
                    "upper" => UPPER,
                    "word" => WORD,
                    "xdigit" => XDIGIT,
                    _ => return None,
                };
                (positive, ranges)
            }
        })
    }

    /// A Perl or POSIX class as explicit ranges, case-folded first when `fold` (so the
    /// set is closed under folding, as Go builds it) and then negated when asked.
    fn group_class(positive: bool, ranges: &[(u32, u32)], fold: bool, out: &mut String) {
        let mut set: Vec<(u32, u32)> = ranges.to_vec();
        if fold {
            for &(lo, hi) in ranges {
                for c in lo..=hi {
                    let ch = char::from_u32(c).expect("ASCII");
                    if ch.is_ascii_alphabetic() {
                        let other = (c ^ 0x20, c ^ 0x20);
                        set.push(other);
                        match ch.to_ascii_lowercase() {
                            'k' => set.push((0x212A, 0x212A)),
                            's' => set.push((0x17F, 0x17F)),
                            _ => {}
                        }
                    }
                }
            }
        }
        set.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::new();
        for (lo, hi) in set {
            match merged.last_mut() {
                Some(last) if lo <= last.1 + 1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        if positive {
            for (lo, hi) in merged {
                class_range(lo, hi, out);
            }
        } else {
            let mut next = 0u32;
            for (lo, hi) in merged {
                if lo > next {
                    class_range(next, lo - 1, out);
                }
                next = hi + 1;
            }
            if next <= 0x10FFFF {
                class_range(next, 0x10FFFF, out);
            }
        }
    }

    /// Go's Unicode general categories and scripts (Unicode 13), the names `\p{...}`
    /// accepts.
    #[rustfmt::skip]
    const UNICODE_NAMES: &[&str] = &[
        "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
        "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
        "Sm", "So", "Z", "Zl", "Zp", "Zs", "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic",
        "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah", "Batak", "Bengali",
        "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid",
        "Canadian_Aboriginal", "Carian", "Caucasian_Albanian", "Chakma", "Cham", "Cherokee",
        "Chorasmian", "Common", "Coptic", "Cuneiform", "Cypriot", "Cyrillic", "Deseret",
        "Devanagari", "Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs", "Elbasan",
        "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek",
        "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo",
        "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic", "Inherited",
        "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada",
        "Katakana", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khojki",
        "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu",
        "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean",
        "Marchen", "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui",
        "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro",
        "Multani", "Myanmar", "Nabataean", "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu",
        "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic",
        "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian",
        "Old_Turkic", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau",
        "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan",
        "Saurashtra", "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian",
        "Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa",
        "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangut", "Telugu", "Thaana",
        "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Ugaritic", "Vai", "Wancho", "Warang_Citi",
        "Yezidi", "Yi", "Zanabazar_Square",
    ];

    /// A Unicode class item: `\p{Name}` or its negation (`Any` and the surrogates
    /// written out, as the regex crate lacks `Cs`).
    fn unicode_item(name: &str, positive: bool, out: &mut String) {
        match (name, positive) {
            ("Any", true) | ("Cs", false) => out.push_str(r"\x{0}-\x{10FFFF}"),
            ("Any", false) | ("Cs", true) => {}
            (n, true) => out.push_str(&format!(r"\p{{{n}}}")),
            (n, false) => out.push_str(&format!(r"\P{{{n}}}")),
        }
    }

    /// A bracketed class from its members: negated, and case-insensitive.
    fn bracket(items: &str, negated: bool, fold: bool) -> String {
        let class = match (items.is_empty(), negated) {
            (true, false) => NOTHING.to_string(),
            (true, true) => ANYTHING.to_string(),
            (false, false) => format!("[{items}]"),
            (false, true) => format!("[^{items}]"),
        };
        if fold { format!("(?i:{class})") } else { class }
    }

    struct Parser<'a> {
        src: &'a str,
        pos: usize,
        names: Vec<Option<String>>,
        depth: usize,
    }

    impl<'a> Parser<'a> {
        fn rest(&self) -> &'a str {
            &self.src[self.pos..]
        }

        fn peek(&self) -> Option<char> {
            self.rest().chars().next()
        }

        fn peek_at(&self, i: usize) -> Option<u8> {
            self.src.as_bytes().get(self.pos + i).copied()
        }

        /// A sequence of alternatives up to the end of the pattern or (in a group) its
        /// closing parenthesis. Flag changes last to the end of the group.
        fn body(&mut self, mut flags: Flags, in_group: bool) -> Result<Vec<Vec<Node>>, Error> {
            let mut alts: Vec<Vec<Node>> = vec![Vec::new()];
            let mut last_repeat: Option<usize> = None;
            loop {
                let Some(c) = self.peek() else {
                    if in_group {
                        return Err(err(MISSING_PAREN, self.src));
                    }
                    return Ok(alts);
                };
                let start = self.pos;
                let mut repeat = None;
                match c {
                    '(' => {
                        if self.peek_at(1) == Some(b'?') {
                            if let Some(node) = self.perl_group(&mut flags)? {
                                alts.last_mut().expect("one").push(node);
                            }
                        } else {
                            self.pos += 1;
                            self.names.push(None);
                            let node = self.group("(", flags)?;
                            alts.last_mut().expect("one").push(node);
                        }
                    }
                    ')' => {
                        if !in_group {
                            return Err(err(UNEXPECTED_PAREN, self.src));
                        }
                        self.pos += 1;
                        return Ok(alts);
                    }
                    '|' => {
                        self.pos += 1;
                        alts.push(Vec::new());
                    }
                    '^' => {
                        self.pos += 1;
                        let a = if flags.multiline { "(?m:^)" } else { r"\A" };
                        alts.last_mut().expect("one").push(Node::Atom(a.into()));
                    }
                    '$' => {
                        self.pos += 1;
                        let a = if flags.multiline { "(?m:$)" } else { r"\z" };
                        alts.last_mut().expect("one").push(Node::Atom(a.into()));
                    }
                    '.' => {
                        self.pos += 1;
                        let a = if flags.dot_nl { ANYTHING } else { r"[^\n]" };
                        alts.last_mut().expect("one").push(Node::Atom(a.into()));
                    }
                    '[' => {
                        let node = self.class(flags)?;
                        alts.last_mut().expect("one").push(node);
                    }
                    '*' | '+' | '?' => {
                        self.pos += 1;
                        self.repeat(&mut alts, flags, Some(c), 0, None, start, last_repeat)?;
                        repeat = Some(start);
                    }
                    '{' => match parse_repeat(self.rest()) {
                        None => {
                            self.pos += 1;
                            alts.last_mut()
                                .expect("one")
                                .push(literal('{' as u32, flags));
                        }
                        Some((min, max, len)) => {
                            self.pos += len;
                            let bad =
                                !(0..=1000).contains(&min) || max > 1000 || (max >= 0 && min > max);
                            if bad {
                                return Err(err(INVALID_REPEAT_SIZE, &self.src[start..self.pos]));
                            }
                            let max = (max >= 0).then_some(max as u32);
                            self.repeat(
                                &mut alts,
                                flags,
                                None,
                                min as u32,
                                max,
                                start,
                                last_repeat,
                            )?;
                            repeat = Some(start);
                        }
                    },
                    '\\' => self.escape(&mut alts, flags)?,
                    _ => {
                        self.pos += c.len_utf8();
                        alts.last_mut().expect("one").push(literal(c as u32, flags));
                    }
                }
                last_repeat = repeat;
            }
        }

        fn group(&mut self, open: &'static str, flags: Flags) -> Result<Node, Error> {
            self.depth += 1;
            if self.depth > 1000 {
                return Err(err(NESTING_DEPTH, self.src));
            }
            let alts = self.body(flags, true)?;
            self.depth -= 1;
            Ok(Node::Group(open, alts))
        }

        /// A repetition operator applied to the last piece of the current alternative.
        #[allow(clippy::too_many_arguments)]
        fn repeat(
            &mut self,
            alts: &mut [Vec<Node>],
            flags: Flags,
            op: Option<char>,
            min: u32,
            max: Option<u32>,
            start: usize,
            last_repeat: Option<usize>,
        ) -> Result<(), Error> {
            let mut greedy = !flags.ungreedy;
            if self.peek() == Some('?') {
                self.pos += 1;
                greedy = !greedy;
            }
            if let Some(prev) = last_repeat {
                return Err(err(INVALID_REPEAT_OP, &self.src[prev..self.pos]));
            }
            let seq = alts.last_mut().expect("one");
            let Some(sub) = seq.pop() else {
                return Err(err(MISSING_REPEAT_ARGUMENT, &self.src[start..self.pos]));
            };
            let node = Node::Repeat {
                sub: Box::new(sub),
                min,
                max,
                op,
                greedy,
            };
            if op.is_none()
                && (min >= 2 || max.is_some_and(|m| m >= 2))
                && !repeat_is_valid(&node, 1000)
            {
                return Err(err(INVALID_REPEAT_SIZE, &self.src[start..self.pos]));
            }
            seq.push(node);
            Ok(())
        }

        /// `(?P<name>`, `(?flags)` or `(?flags:`.
        fn perl_group(&mut self, flags: &mut Flags) -> Result<Option<Node>, Error> {
            let t = self.rest();
            if t.len() > 4 && t.as_bytes()[2] == b'P' && t.as_bytes()[3] == b'<' {
                let Some(end) = t.find('>') else {
                    return Err(err(INVALID_NAMED_CAPTURE, t));
                };
                let name = &t[4..end];
                if name.is_empty() || !name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
                {
                    return Err(err(INVALID_NAMED_CAPTURE, &t[..end + 1]));
                }
                self.pos += end + 1;
                self.names.push(Some(name.to_string()));
                return self.group("(", *flags).map(Some);
            }
            let mut new = *flags;
            let mut negated = false;
            let mut saw_flag = false;
            let mut i = 2;
            for c in t[2..].chars() {
                i += c.len_utf8();
                match c {
                    'i' | 'm' | 's' | 'U' => {
                        let on = !negated;
                        match c {
                            'i' => new.fold = on,
                            'm' => new.multiline = on,
                            's' => new.dot_nl = on,
                            _ => new.ungreedy = on,
                        }
                        saw_flag = true;
                    }
                    '-' if !negated => {
                        negated = true;
                        saw_flag = false;
                    }
                    ':' | ')' => {
                        if negated && !saw_flag {
                            break;
                        }
                        self.pos += i;
                        if c == ':' {
                            return self.group("(?:", new).map(Some);
                        }
                        *flags = new;
                        return Ok(None);
                    }
                    _ => break,
                }
            }
            Err(err(INVALID_PERL_OP, &t[..i]))
        }

        /// A backslash sequence outside a class.
        fn escape(&mut self, alts: &mut [Vec<Node>], flags: Flags) -> Result<(), Error> {
            let t = self.rest();
            let seq = alts.last_mut().expect("one");
            if let Some(&c) = t.as_bytes().get(1) {
                let atom = match c {
                    b'A' => Some(r"\A"),
                    b'b' => Some(r"(?-u:\b)"),
                    b'B' => Some(r"(?-u:\B)"),
                    b'z' => Some(r"\z"),
                    b'C' => return Err(err(INVALID_ESCAPE, &t[..2])),
                    b'Q' => {
                        let (lit, rest_at) = match t[2..].find(r"\E") {
                            Some(i) => (&t[2..2 + i], 2 + i + 2),
                            None => (&t[2..], t.len()),
                        };
                        for ch in lit.chars() {
                            seq.push(literal(ch as u32, flags));
                        }
                        self.pos += rest_at;
                        return Ok(());
                    }
                    _ => None,
                };
                if let Some(a) = atom {
                    self.pos += 2;
                    seq.push(Node::Atom(a.into()));
                    return Ok(());
                }
                if c == b'p' || c == b'P' {
                    let mut items = String::new();
                    let len = unicode_class(t, &mut items)?;
                    self.pos += len;
                    seq.push(Node::Atom(bracket(&items, false, flags.fold)));
                    return Ok(());
                }
                if let Some((positive, ranges)) = t.get(..2).and_then(group_ranges) {
                    let mut items = String::new();
                    group_class(positive, ranges, flags.fold, &mut items);
                    self.pos += 2;
                    seq.push(Node::Atom(bracket(&items, false, false)));
                    return Ok(());
                }
            }
            let (c, len) = parse_escape(t)?;
            self.pos += len;
            seq.push(literal(c, flags));
            Ok(())
        }

        /// A bracketed class, as Go's `parseClass`.
        fn class(&mut self, flags: Flags) -> Result<Node, Error> {
            let whole = self.rest();
            let mut t = &whole[1..];
            let mut negated = false;
            if let Some(rest) = t.strip_prefix('^') {
                negated = true;
                t = rest;
            }
            let mut items = String::new();
            let mut first = true;
            while t.is_empty() || !t.starts_with(']') || first {
                first = false;
                if t.len() > 2
                    && t.starts_with("[:")
                    && let Some(i) = t[2..].find(":]")
                {
                    let name = &t[..i + 4];
                    let Some((positive, ranges)) = group_ranges(name) else {
                        return Err(err(INVALID_CHAR_RANGE, name));
                    };
                    group_class(positive, ranges, flags.fold, &mut items);
                    t = &t[i + 4..];
                    continue;
                }
                if t.len() >= 2 && t.starts_with('\\') && matches!(t.as_bytes()[1], b'p' | b'P') {
                    let len = unicode_class(t, &mut items)?;
                    t = &t[len..];
                    continue;
                }
                if let Some((positive, ranges)) = t.get(..2).and_then(group_ranges) {
                    group_class(positive, ranges, flags.fold, &mut items);
                    t = &t[2..];
                    continue;
                }
                let range_start = t;
                let (lo, len) = class_char(t, whole)?;
                t = &t[len..];
                let mut hi = lo;
                if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
                    t = &t[1..];
                    let (h, len) = class_char(t, whole)?;
                    t = &t[len..];
                    hi = h;
                    if hi < lo {
                        let expr = &range_start[..range_start.len() - t.len()];
                        return Err(err(INVALID_CHAR_RANGE, expr));
                    }
                }
                class_range(lo, hi, &mut items);
            }
            t = &t[1..];
            self.pos += whole.len() - t.len();
            Ok(Node::Atom(bracket(&items, negated, flags.fold)))
        }
    }

    fn literal(c: u32, flags: Flags) -> Node {
        if flags.fold && !(0xD800..=0xDFFF).contains(&c) {
            Node::Atom(format!("(?i:{})", lit(c)))
        } else {
            Node::Atom(lit(c))
        }
    }

    /// One character of a class (an escape allowed), as Go's `parseClassChar`.
    fn class_char(t: &str, whole: &str) -> Result<(u32, usize), Error> {
        match t.chars().next() {
            None => Err(err(MISSING_BRACKET, whole)),
            Some('\\') => parse_escape(t),
            Some(c) => Ok((c as u32, c.len_utf8())),
        }
    }

    /// `\pN`, `\p{Name}`, `\PN`, `\P{^Name}`...: writes the class member, returns the
    /// length of the sequence.
    fn unicode_class(s: &str, out: &mut String) -> Result<usize, Error> {
        let mut positive = s.as_bytes()[1] == b'p';
        let t = &s[2..];
        let (seq_len, mut name) = match t.chars().next() {
            Some('{') => {
                let Some(end) = s.find('}') else {
                    return Err(err(INVALID_CHAR_RANGE, s));
                };
                (end + 1, &s[3..end])
            }
            Some(c) => (2 + c.len_utf8(), &t[..c.len_utf8()]),
            None => (2, ""),
        };
        if let Some(n) = name.strip_prefix('^') {
            positive = !positive;
            name = n;
        }
        if name != "Any" && !UNICODE_NAMES.contains(&name) {
            return Err(err(INVALID_CHAR_RANGE, &s[..seq_len]));
        }
        unicode_item(name, positive, out);
        Ok(seq_len)
    }

    /// Go's `parseEscape`: a single escaped character; returns it and the length of
    /// the sequence.
    fn parse_escape(s: &str) -> Result<(u32, usize), Error> {
        let t = &s[1..];
        let Some(c) = t.chars().next() else {
            return Err(err(TRAILING_BACKSLASH, ""));
        };
        let bad = |len: usize| Err(err(INVALID_ESCAPE, &s[..len.min(s.len())]));
        let after = 1 + c.len_utf8();
        let b = t.as_bytes();
        match c {
            '1'..='7' if !b.get(1).is_some_and(|d| (b'0'..=b'7').contains(d)) => bad(after),
            '0'..='7' => {
                let mut r = c as u32 - '0' as u32;
                let mut n = 1;
                while n < 3 && b.get(n).is_some_and(|d| (b'0'..=b'7').contains(d)) {
                    r = r * 8 + (b[n] - b'0') as u32;
                    n += 1;
                }
                Ok((r, 1 + n))
            }
            'x' => {
                let rest = &t[1..];
                match rest.chars().next() {
                    None => bad(after),
                    Some('{') => {
                        let mut r: u32 = 0;
                        // Every character before the brace is a hex digit (one byte).
                        for (i, h) in rest[1..].char_indices() {
                            if h == '}' {
                                if i == 0 {
                                    return bad(2 + 1 + i + 1);
                                }
                                return Ok((r, 2 + 1 + i + 1));
                            }
                            let Some(v) = h.to_digit(16) else {
                                return bad(2 + 1 + i + h.len_utf8());
                            };
                            r = r * 16 + v;
                            if r > 0x10FFFF {
                                return bad(2 + 1 + i + 1);
                            }
                        }
                        bad(s.len())
                    }
                    Some(h1) => {
                        let Some(h2) = rest[h1.len_utf8()..].chars().next() else {
                            return bad(s.len());
                        };
                        match (h1.to_digit(16), h2.to_digit(16)) {
                            (Some(x), Some(y)) => {
                                Ok((x * 16 + y, 2 + h1.len_utf8() + h2.len_utf8()))
                            }
                            _ => bad(2 + h1.len_utf8() + h2.len_utf8()),
                        }
                    }
                }
            }
            'a' => Ok((7, 2)),
            'f' => Ok((12, 2)),
            'n' => Ok((10, 2)),
            'r' => Ok((13, 2)),
            't' => Ok((9, 2)),
            'v' => Ok((11, 2)),
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c as u32, 2)),
            _ => bad(after),
        }
    }

    /// Go's `parseRepeat`: `{n}`, `{n,}` or `{n,m}` at the start of `s` as (min, max or
    /// -1, length); numbers of 10^8 or more are -1 (too big). `None` when `s` does not
    /// start with one (the brace is then a literal).
    fn parse_repeat(s: &str) -> Option<(i64, i64, usize)> {
        let b = s.as_bytes();
        let mut i = 1;
        let int = |i: &mut usize| -> Option<i64> {
            let start = *i;
            if !b.get(*i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            if b[*i] == b'0' && b.get(*i + 1).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            let mut n: i64 = 0;
            for &d in &b[start..*i] {
                if n >= 100_000_000 {
                    return Some(-1);
                }
                n = n * 10 + (d - b'0') as i64;
            }
            Some(n)
        };
        let mut min = int(&mut i)?;
        let max;
        if b.get(i)? != &b',' {
            max = min;
        } else {
            i += 1;
            if b.get(i)? == &b'}' {
                max = -1;
            } else {
                let m = int(&mut i)?;
                if m < 0 {
                    min = -1;
                }
                max = m;
            }
        }
        if b.get(i)? != &b'}' {
            return None;
        }
        Some((min, max, i + 1))
    }

    #[cfg(test)]
    pub(super) fn translate(pattern: &str) -> Result<String, Error> {
        let mut p = Parser {
            src: pattern,
            pos: 0,
            names: Vec::new(),
            depth: 0,
        };
        let alts = p.body(Flags::default(), false)?;
        let mut out = String::new();
        render_alts(&alts, &mut out);
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------
// Grapheme clusters, as go-textseg 13 (Unicode 13.0) finds them.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gcb {
    Other,
    Cr,
    Lf,
    Control,
    /// Extend and SpacingMark, which go-textseg treats alike.
    Extend,
    Zwj,
    Ri,
    Prepend,
    L,
    V,
    T,
    Lv,
    Lvt,
    /// Extended_Pictographic (emoji-data 13.0), otherwise Other.
    Pict,
}

/// The Grapheme_Cluster_Break property of every code point that has one other than
/// Other (Hangul syllables, LV and LVT, are computed), plus Extended_Pictographic:
/// derived from go-textseg 13's segmentation.
#[rustfmt::skip]
static GCB_RANGES: &[(u32, u32, Gcb)] = {
    use Gcb::*;
    &[
        (0x0, 0x9, Control), (0xA, 0xA, Lf), (0xB, 0xC, Control), (0xD, 0xD, Cr), (0xE, 0x1F, Control),
        (0x7F, 0x9F, Control), (0xA9, 0xA9, Pict), (0xAD, 0xAD, Control), (0xAE, 0xAE, Pict),
        (0x300, 0x36F, Extend), (0x483, 0x489, Extend), (0x591, 0x5BD, Extend), (0x5BF, 0x5BF, Extend),
        (0x5C1, 0x5C2, Extend), (0x5C4, 0x5C5, Extend), (0x5C7, 0x5C7, Extend),
        (0x600, 0x605, Prepend), (0x610, 0x61A, Extend), (0x61C, 0x61C, Control),
        (0x64B, 0x65F, Extend), (0x670, 0x670, Extend), (0x6D6, 0x6DC, Extend),
        (0x6DD, 0x6DD, Prepend), (0x6DF, 0x6E4, Extend), (0x6E7, 0x6E8, Extend),
        (0x6EA, 0x6ED, Extend), (0x70F, 0x70F, Prepend), (0x711, 0x711, Extend),
        (0x730, 0x74A, Extend), (0x7A6, 0x7B0, Extend), (0x7EB, 0x7F3, Extend), (0x7FD, 0x7FD, Extend),
        (0x816, 0x819, Extend), (0x81B, 0x823, Extend), (0x825, 0x827, Extend), (0x829, 0x82D, Extend),
        (0x859, 0x85B, Extend), (0x8D3, 0x8E1, Extend), (0x8E2, 0x8E2, Prepend),
        (0x8E3, 0x903, Extend), (0x93A, 0x93C, Extend), (0x93E, 0x94F, Extend), (0x951, 0x957, Extend),
        (0x962, 0x963, Extend), (0x981, 0x983, Extend), (0x9BC, 0x9BC, Extend), (0x9BE, 0x9C4, Extend),
        (0x9C7, 0x9C8, Extend), (0x9CB, 0x9CD, Extend), (0x9D7, 0x9D7, Extend), (0x9E2, 0x9E3, Extend),
        (0x9FE, 0x9FE, Extend), (0xA01, 0xA03, Extend), (0xA3C, 0xA3C, Extend), (0xA3E, 0xA42, Extend),
        (0xA47, 0xA48, Extend), (0xA4B, 0xA4D, Extend), (0xA51, 0xA51, Extend), (0xA70, 0xA71, Extend),
        (0xA75, 0xA75, Extend), (0xA81, 0xA83, Extend), (0xABC, 0xABC, Extend), (0xABE, 0xAC5, Extend),
        (0xAC7, 0xAC9, Extend), (0xACB, 0xACD, Extend), (0xAE2, 0xAE3, Extend), (0xAFA, 0xAFF, Extend),
        (0xB01, 0xB03, Extend), (0xB3C, 0xB3C, Extend), (0xB3E, 0xB44, Extend), (0xB47, 0xB48, Extend),
        (0xB4B, 0xB4D, Extend), (0xB55, 0xB57, Extend), (0xB62, 0xB63, Extend), (0xB82, 0xB82, Extend),
        (0xBBE, 0xBC2, Extend), (0xBC6, 0xBC8, Extend), (0xBCA, 0xBCD, Extend), (0xBD7, 0xBD7, Extend),
        (0xC00, 0xC04, Extend), (0xC3E, 0xC44, Extend), (0xC46, 0xC48, Extend), (0xC4A, 0xC4D, Extend),
        (0xC55, 0xC56, Extend), (0xC62, 0xC63, Extend), (0xC81, 0xC83, Extend), (0xCBC, 0xCBC, Extend),
        (0xCBE, 0xCC4, Extend), (0xCC6, 0xCC8, Extend), (0xCCA, 0xCCD, Extend), (0xCD5, 0xCD6, Extend),
        (0xCE2, 0xCE3, Extend), (0xD00, 0xD03, Extend), (0xD3B, 0xD3C, Extend), (0xD3E, 0xD44, Extend),
        (0xD46, 0xD48, Extend), (0xD4A, 0xD4D, Extend), (0xD4E, 0xD4E, Prepend),
        (0xD57, 0xD57, Extend), (0xD62, 0xD63, Extend), (0xD81, 0xD83, Extend), (0xDCA, 0xDCA, Extend),
        (0xDCF, 0xDD4, Extend), (0xDD6, 0xDD6, Extend), (0xDD8, 0xDDF, Extend), (0xDF2, 0xDF3, Extend),
        (0xE31, 0xE31, Extend), (0xE33, 0xE3A, Extend), (0xE47, 0xE4E, Extend), (0xEB1, 0xEB1, Extend),
        (0xEB3, 0xEBC, Extend), (0xEC8, 0xECD, Extend), (0xF18, 0xF19, Extend), (0xF35, 0xF35, Extend),
        (0xF37, 0xF37, Extend), (0xF39, 0xF39, Extend), (0xF3E, 0xF3F, Extend), (0xF71, 0xF84, Extend),
        (0xF86, 0xF87, Extend), (0xF8D, 0xF97, Extend), (0xF99, 0xFBC, Extend), (0xFC6, 0xFC6, Extend),
        (0x102D, 0x1037, Extend), (0x1039, 0x103E, Extend), (0x1056, 0x1059, Extend),
        (0x105E, 0x1060, Extend), (0x1071, 0x1074, Extend), (0x1082, 0x1082, Extend),
        (0x1084, 0x1086, Extend), (0x108D, 0x108D, Extend), (0x109D, 0x109D, Extend),
        (0x1100, 0x115F, L), (0x1160, 0x11A7, V), (0x11A8, 0x11FF, T), (0x135D, 0x135F, Extend),
        (0x1712, 0x1714, Extend), (0x1732, 0x1734, Extend), (0x1752, 0x1753, Extend),
        (0x1772, 0x1773, Extend), (0x17B4, 0x17D3, Extend), (0x17DD, 0x17DD, Extend),
        (0x180B, 0x180D, Extend), (0x180E, 0x180E, Control), (0x1885, 0x1886, Extend),
        (0x18A9, 0x18A9, Extend), (0x1920, 0x192B, Extend), (0x1930, 0x193B, Extend),
        (0x1A17, 0x1A1B, Extend), (0x1A55, 0x1A5E, Extend), (0x1A60, 0x1A60, Extend),
        (0x1A62, 0x1A62, Extend), (0x1A65, 0x1A7C, Extend), (0x1A7F, 0x1A7F, Extend),
        (0x1AB0, 0x1AC0, Extend), (0x1B00, 0x1B04, Extend), (0x1B34, 0x1B44, Extend),
        (0x1B6B, 0x1B73, Extend), (0x1B80, 0x1B82, Extend), (0x1BA1, 0x1BAD, Extend),
        (0x1BE6, 0x1BF3, Extend), (0x1C24, 0x1C37, Extend), (0x1CD0, 0x1CD2, Extend),
        (0x1CD4, 0x1CE8, Extend), (0x1CED, 0x1CED, Extend), (0x1CF4, 0x1CF4, Extend),
        (0x1CF7, 0x1CF9, Extend), (0x1DC0, 0x1DF9, Extend), (0x1DFB, 0x1DFF, Extend),
        (0x200B, 0x200B, Control), (0x200C, 0x200C, Extend), (0x200D, 0x200D, Zwj),
        (0x200E, 0x200F, Control), (0x2028, 0x202E, Control), (0x203C, 0x203C, Pict),
        (0x2049, 0x2049, Pict), (0x2060, 0x206F, Control), (0x20D0, 0x20F0, Extend),
        (0x2122, 0x2122, Pict), (0x2139, 0x2139, Pict), (0x2194, 0x2199, Pict), (0x21A9, 0x21AA, Pict),
        (0x231A, 0x231B, Pict), (0x2328, 0x2328, Pict), (0x2388, 0x2388, Pict), (0x23CF, 0x23CF, Pict),
        (0x23E9, 0x23F3, Pict), (0x23F8, 0x23FA, Pict), (0x24C2, 0x24C2, Pict), (0x25AA, 0x25AB, Pict),
        (0x25B6, 0x25B6, Pict), (0x25C0, 0x25C0, Pict), (0x25FB, 0x25FE, Pict), (0x2600, 0x2605, Pict),
        (0x2607, 0x2612, Pict), (0x2614, 0x2685, Pict), (0x2690, 0x2705, Pict), (0x2708, 0x2712, Pict),
        (0x2714, 0x2714, Pict), (0x2716, 0x2716, Pict), (0x271D, 0x271D, Pict), (0x2721, 0x2721, Pict),
        (0x2728, 0x2728, Pict), (0x2733, 0x2734, Pict), (0x2744, 0x2744, Pict), (0x2747, 0x2747, Pict),
        (0x274C, 0x274C, Pict), (0x274E, 0x274E, Pict), (0x2753, 0x2755, Pict), (0x2757, 0x2757, Pict),
        (0x2763, 0x2767, Pict), (0x2795, 0x2797, Pict), (0x27A1, 0x27A1, Pict), (0x27B0, 0x27B0, Pict),
        (0x27BF, 0x27BF, Pict), (0x2934, 0x2935, Pict), (0x2B05, 0x2B07, Pict), (0x2B1B, 0x2B1C, Pict),
        (0x2B50, 0x2B50, Pict), (0x2B55, 0x2B55, Pict), (0x2CEF, 0x2CF1, Extend),
        (0x2D7F, 0x2D7F, Extend), (0x2DE0, 0x2DFF, Extend), (0x302A, 0x302F, Extend),
        (0x3030, 0x3030, Pict), (0x303D, 0x303D, Pict), (0x3099, 0x309A, Extend),
        (0x3297, 0x3297, Pict), (0x3299, 0x3299, Pict), (0xA66F, 0xA672, Extend),
        (0xA674, 0xA67D, Extend), (0xA69E, 0xA69F, Extend), (0xA6F0, 0xA6F1, Extend),
        (0xA802, 0xA802, Extend), (0xA806, 0xA806, Extend), (0xA80B, 0xA80B, Extend),
        (0xA823, 0xA827, Extend), (0xA82C, 0xA82C, Extend), (0xA880, 0xA881, Extend),
        (0xA8B4, 0xA8C5, Extend), (0xA8E0, 0xA8F1, Extend), (0xA8FF, 0xA8FF, Extend),
        (0xA926, 0xA92D, Extend), (0xA947, 0xA953, Extend), (0xA960, 0xA97C, L),
        (0xA980, 0xA983, Extend), (0xA9B3, 0xA9C0, Extend), (0xA9E5, 0xA9E5, Extend),
        (0xAA29, 0xAA36, Extend), (0xAA43, 0xAA43, Extend), (0xAA4C, 0xAA4D, Extend),
        (0xAA7C, 0xAA7C, Extend), (0xAAB0, 0xAAB0, Extend), (0xAAB2, 0xAAB4, Extend),
        (0xAAB7, 0xAAB8, Extend), (0xAABE, 0xAABF, Extend), (0xAAC1, 0xAAC1, Extend),
        (0xAAEB, 0xAAEF, Extend), (0xAAF5, 0xAAF6, Extend), (0xABE3, 0xABEA, Extend),
        (0xABEC, 0xABED, Extend), (0xD7B0, 0xD7C6, V), (0xD7CB, 0xD7FB, T), (0xFB1E, 0xFB1E, Extend),
        (0xFE00, 0xFE0F, Extend), (0xFE20, 0xFE2F, Extend), (0xFEFF, 0xFEFF, Control),
        (0xFF9E, 0xFF9F, Extend), (0xFFF0, 0xFFFB, Control), (0xFFFD, 0xFFFD, Control),
        (0x101FD, 0x101FD, Extend), (0x102E0, 0x102E0, Extend), (0x10376, 0x1037A, Extend),
        (0x10A01, 0x10A03, Extend), (0x10A05, 0x10A06, Extend), (0x10A0C, 0x10A0F, Extend),
        (0x10A38, 0x10A3A, Extend), (0x10A3F, 0x10A3F, Extend), (0x10AE5, 0x10AE6, Extend),
        (0x10D24, 0x10D27, Extend), (0x10EAB, 0x10EAC, Extend), (0x10F46, 0x10F50, Extend),
        (0x11000, 0x11002, Extend), (0x11038, 0x11046, Extend), (0x1107F, 0x11082, Extend),
        (0x110B0, 0x110BA, Extend), (0x110BD, 0x110BD, Prepend), (0x110CD, 0x110CD, Prepend),
        (0x11100, 0x11102, Extend), (0x11127, 0x11134, Extend), (0x11145, 0x11146, Extend),
        (0x11173, 0x11173, Extend), (0x11180, 0x11182, Extend), (0x111B3, 0x111C0, Extend),
        (0x111C2, 0x111C3, Prepend), (0x111C9, 0x111CC, Extend), (0x111CE, 0x111CF, Extend),
        (0x1122C, 0x11237, Extend), (0x1123E, 0x1123E, Extend), (0x112DF, 0x112EA, Extend),
        (0x11300, 0x11303, Extend), (0x1133B, 0x1133C, Extend), (0x1133E, 0x11344, Extend),
        (0x11347, 0x11348, Extend), (0x1134B, 0x1134D, Extend), (0x11357, 0x11357, Extend),
        (0x11362, 0x11363, Extend), (0x11366, 0x1136C, Extend), (0x11370, 0x11374, Extend),
        (0x11435, 0x11446, Extend), (0x1145E, 0x1145E, Extend), (0x114B0, 0x114C3, Extend),
        (0x115AF, 0x115B5, Extend), (0x115B8, 0x115C0, Extend), (0x115DC, 0x115DD, Extend),
        (0x11630, 0x11640, Extend), (0x116AB, 0x116B7, Extend), (0x1171D, 0x1172B, Extend),
        (0x1182C, 0x1183A, Extend), (0x11930, 0x11935, Extend), (0x11937, 0x11938, Extend),
        (0x1193B, 0x1193E, Extend), (0x1193F, 0x1193F, Prepend), (0x11940, 0x11940, Extend),
        (0x11941, 0x11941, Prepend), (0x11942, 0x11943, Extend), (0x119D1, 0x119D7, Extend),
        (0x119DA, 0x119E0, Extend), (0x119E4, 0x119E4, Extend), (0x11A01, 0x11A0A, Extend),
        (0x11A33, 0x11A39, Extend), (0x11A3A, 0x11A3A, Prepend), (0x11A3B, 0x11A3E, Extend),
        (0x11A47, 0x11A47, Extend), (0x11A51, 0x11A5B, Extend), (0x11A84, 0x11A89, Prepend),
        (0x11A8A, 0x11A99, Extend), (0x11C2F, 0x11C36, Extend), (0x11C38, 0x11C3F, Extend),
        (0x11C92, 0x11CA7, Extend), (0x11CA9, 0x11CB6, Extend), (0x11D31, 0x11D36, Extend),
        (0x11D3A, 0x11D3A, Extend), (0x11D3C, 0x11D3D, Extend), (0x11D3F, 0x11D45, Extend),
        (0x11D46, 0x11D46, Prepend), (0x11D47, 0x11D47, Extend), (0x11D8A, 0x11D8E, Extend),
        (0x11D90, 0x11D91, Extend), (0x11D93, 0x11D97, Extend), (0x11EF3, 0x11EF6, Extend),
        (0x13430, 0x13438, Control), (0x16AF0, 0x16AF4, Extend), (0x16B30, 0x16B36, Extend),
        (0x16F4F, 0x16F4F, Extend), (0x16F51, 0x16F87, Extend), (0x16F8F, 0x16F92, Extend),
        (0x16FE4, 0x16FE4, Extend), (0x16FF0, 0x16FF1, Extend), (0x1BC9D, 0x1BC9E, Extend),
        (0x1BCA0, 0x1BCA3, Control), (0x1D165, 0x1D169, Extend), (0x1D16D, 0x1D172, Extend),
        (0x1D173, 0x1D17A, Control), (0x1D17B, 0x1D182, Extend), (0x1D185, 0x1D18B, Extend),
        (0x1D1AA, 0x1D1AD, Extend), (0x1D242, 0x1D244, Extend), (0x1DA00, 0x1DA36, Extend),
        (0x1DA3B, 0x1DA6C, Extend), (0x1DA75, 0x1DA75, Extend), (0x1DA84, 0x1DA84, Extend),
        (0x1DA9B, 0x1DA9F, Extend), (0x1DAA1, 0x1DAAF, Extend), (0x1E000, 0x1E006, Extend),
        (0x1E008, 0x1E018, Extend), (0x1E01B, 0x1E021, Extend), (0x1E023, 0x1E024, Extend),
        (0x1E026, 0x1E02A, Extend), (0x1E130, 0x1E136, Extend), (0x1E2EC, 0x1E2EF, Extend),
        (0x1E8D0, 0x1E8D6, Extend), (0x1E944, 0x1E94A, Extend), (0x1F000, 0x1F0FF, Pict),
        (0x1F10D, 0x1F10F, Pict), (0x1F12F, 0x1F12F, Pict), (0x1F16C, 0x1F171, Pict),
        (0x1F17E, 0x1F17F, Pict), (0x1F18E, 0x1F18E, Pict), (0x1F191, 0x1F19A, Pict),
        (0x1F1AD, 0x1F1E5, Pict), (0x1F1E6, 0x1F1FF, Ri), (0x1F201, 0x1F20F, Pict),
        (0x1F21A, 0x1F21A, Pict), (0x1F22F, 0x1F22F, Pict), (0x1F232, 0x1F23A, Pict),
        (0x1F23C, 0x1F23F, Pict), (0x1F249, 0x1F3FA, Pict), (0x1F3FB, 0x1F3FF, Extend),
        (0x1F400, 0x1F53D, Pict), (0x1F546, 0x1F64F, Pict), (0x1F680, 0x1F6FF, Pict),
        (0x1F774, 0x1F77F, Pict), (0x1F7D5, 0x1F7FF, Pict), (0x1F80C, 0x1F80F, Pict),
        (0x1F848, 0x1F84F, Pict), (0x1F85A, 0x1F85F, Pict), (0x1F888, 0x1F88F, Pict),
        (0x1F8AE, 0x1F8FF, Pict), (0x1F90C, 0x1F93A, Pict), (0x1F93C, 0x1F945, Pict),
        (0x1F947, 0x1FAFF, Pict), (0x1FC00, 0x1FFFD, Pict), (0xE0000, 0xE001F, Control),
        (0xE0020, 0xE007F, Extend), (0xE0080, 0xE00FF, Control), (0xE0100, 0xE01EF, Extend),
        (0xE01F0, 0xE0FFF, Control),
    ]
};

fn gcb(c: char) -> Gcb {
    let c = c as u32;
    if (0xAC00..=0xD7A3).contains(&c) {
        return if (c - 0xAC00).is_multiple_of(28) {
            Gcb::Lv
        } else {
            Gcb::Lvt
        };
    }
    match GCB_RANGES.binary_search_by(|&(lo, hi, _)| {
        if hi < c {
            std::cmp::Ordering::Less
        } else if lo > c {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => GCB_RANGES[i].2,
        Err(_) => Gcb::Other,
    }
}

/// The length in bytes of the first grapheme cluster of `s`, as go-textseg 13's
/// `ScanGraphemeClusters` finds it. Its scanner takes the longest of these sequences
/// (which mostly agrees with UAX #29, but not everywhere: a ZWJ followed by a pictograph
/// extends a cluster begun by a pictograph, a Hangul syllable or a regional indicator
/// whatever came in between, and `L LV T` is two clusters):
/// - `CR LF`, or a control character (U+FFFD included) on its own;
/// - Hangul syllables (`L+ (LV? V+ T* | LVT T* | LV)?`, `LV V* T*`, `V+ T*`,
///   `LVT T*`, `T+`), a pictograph, or one or two regional indicators, each followed
///   by extenders: Extend, SpacingMark, or ZWJ optionally followed by a pictograph;
/// - ZWJ, or any other character, followed by Extend, SpacingMark or ZWJ;
/// - Prepend characters, followed by any of the previous but a control.
pub(super) fn first_cluster(s: &str) -> usize {
    struct Cursor<'a> {
        s: &'a str,
        pos: usize,
    }
    impl Cursor<'_> {
        fn peek(&self) -> Option<Gcb> {
            self.s[self.pos..].chars().next().map(gcb)
        }
        fn bump(&mut self) {
            self.pos += self.s[self.pos..].chars().next().map_or(0, char::len_utf8);
        }
        fn bump_while(&mut self, f: impl Fn(Gcb) -> bool) -> usize {
            let mut n = 0;
            while self.peek().is_some_and(&f) {
                self.bump();
                n += 1;
            }
            n
        }
        /// Extend, SpacingMark, and ZWJ with an optional pictograph after it.
        fn extension(&mut self) {
            loop {
                match self.peek() {
                    Some(Gcb::Extend) => self.bump(),
                    Some(Gcb::Zwj) => {
                        self.bump();
                        if self.peek() == Some(Gcb::Pict) {
                            self.bump();
                        }
                    }
                    _ => return,
                }
            }
        }
        fn hangul(&mut self) {
            let is = |k: Gcb| move |g: Gcb| g == k;
            match self.peek() {
                Some(Gcb::L) => {
                    self.bump_while(is(Gcb::L));
                    match self.peek() {
                        Some(Gcb::Lv) => {
                            self.bump();
                            if self.bump_while(is(Gcb::V)) > 0 {
                                self.bump_while(is(Gcb::T));
                            }
                        }
                        Some(Gcb::V) => {
                            self.bump_while(is(Gcb::V));
                            self.bump_while(is(Gcb::T));
                        }
                        Some(Gcb::Lvt) => {
                            self.bump();
                            self.bump_while(is(Gcb::T));
                        }
                        _ => {}
                    }
                }
                Some(Gcb::Lv) => {
                    self.bump();
                    self.bump_while(is(Gcb::V));
                    self.bump_while(is(Gcb::T));
                }
                Some(Gcb::Lvt) => {
                    self.bump();
                    self.bump_while(is(Gcb::T));
                }
                _ => {
                    self.bump_while(is(Gcb::V));
                    self.bump_while(is(Gcb::T));
                }
            }
        }
        /// One of the sequences that may follow Prepend characters.
        fn sequence(&mut self, k: Gcb) {
            match k {
                Gcb::L | Gcb::V | Gcb::T | Gcb::Lv | Gcb::Lvt => {
                    self.hangul();
                    self.extension();
                }
                Gcb::Pict => {
                    self.bump();
                    self.extension();
                }
                Gcb::Ri => {
                    self.bump();
                    if self.peek() == Some(Gcb::Ri) {
                        self.bump();
                    }
                    self.extension();
                }
                _ => {
                    self.bump();
                    self.bump_while(|g| matches!(g, Gcb::Extend | Gcb::Zwj));
                }
            }
        }
    }
    let mut c = Cursor { s, pos: 0 };
    match c.peek() {
        None => {}
        Some(Gcb::Cr) => {
            c.bump();
            if c.peek() == Some(Gcb::Lf) {
                c.bump();
            }
        }
        Some(Gcb::Lf | Gcb::Control) => c.bump(),
        Some(Gcb::Prepend) => {
            c.bump_while(|g| g == Gcb::Prepend);
            if let Some(k) = c
                .peek()
                .filter(|k| !matches!(k, Gcb::Cr | Gcb::Lf | Gcb::Control))
            {
                c.sequence(k);
            }
        }
        Some(k) => c.sequence(k),
    }
    c.pos
}

/// The grapheme clusters of `s`, in order.
pub(super) fn clusters(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    let mut bounds = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let n = first_cluster(&s[i..]);
        bounds.push((i, i + n));
        i += n;
    }
    bounds.into_iter().map(move |(a, b)| &s[a..b])
}

// ---------------------------------------------------------------------------------------
// Case mappings, as Go's `unicode.ToUpper`, `ToLower` and `ToTitle` (Unicode 13.0).

#[derive(Clone, Copy)]
enum Case {
    Upper,
    Lower,
    Title,
}

/// Marks a range whose code points alternate upper case, lower case (Go's
/// `UpperLower`).
const ALT: i32 = i32::MAX;

/// `(first, last, upper delta, lower delta, title delta)` for every code point with a
/// case mapping: Go's `unicode.CaseRanges`.
#[rustfmt::skip]
static CASE_RANGES: &[(u32, u32, i32, i32, i32)] = &[
    (0x41, 0x5A, 0, 32, 0), (0x61, 0x7A, -32, 0, -32), (0xB5, 0xB5, 743, 0, 743),
    (0xC0, 0xD6, 0, 32, 0), (0xD8, 0xDE, 0, 32, 0), (0xE0, 0xF6, -32, 0, -32),
    (0xF8, 0xFE, -32, 0, -32), (0xFF, 0xFF, 121, 0, 121), (0x100, 0x12F, ALT, 0, 0),
    (0x130, 0x130, 0, -199, 0), (0x131, 0x131, -232, 0, -232), (0x132, 0x137, ALT, 0, 0),
    (0x139, 0x148, ALT, 0, 0), (0x14A, 0x177, ALT, 0, 0), (0x178, 0x178, 0, -121, 0),
    (0x179, 0x17E, ALT, 0, 0), (0x17F, 0x17F, -300, 0, -300), (0x180, 0x180, 195, 0, 195),
    (0x181, 0x181, 0, 210, 0), (0x182, 0x185, ALT, 0, 0), (0x186, 0x186, 0, 206, 0),
    (0x187, 0x188, ALT, 0, 0), (0x189, 0x18A, 0, 205, 0), (0x18B, 0x18C, ALT, 0, 0),
    (0x18E, 0x18E, 0, 79, 0), (0x18F, 0x18F, 0, 202, 0), (0x190, 0x190, 0, 203, 0),
    (0x191, 0x192, ALT, 0, 0), (0x193, 0x193, 0, 205, 0), (0x194, 0x194, 0, 207, 0),
    (0x195, 0x195, 97, 0, 97), (0x196, 0x196, 0, 211, 0), (0x197, 0x197, 0, 209, 0),
    (0x198, 0x199, ALT, 0, 0), (0x19A, 0x19A, 163, 0, 163), (0x19C, 0x19C, 0, 211, 0),
    (0x19D, 0x19D, 0, 213, 0), (0x19E, 0x19E, 130, 0, 130), (0x19F, 0x19F, 0, 214, 0),
    (0x1A0, 0x1A5, ALT, 0, 0), (0x1A6, 0x1A6, 0, 218, 0), (0x1A7, 0x1A8, ALT, 0, 0),
    (0x1A9, 0x1A9, 0, 218, 0), (0x1AC, 0x1AD, ALT, 0, 0), (0x1AE, 0x1AE, 0, 218, 0),
    (0x1AF, 0x1B0, ALT, 0, 0), (0x1B1, 0x1B2, 0, 217, 0), (0x1B3, 0x1B6, ALT, 0, 0),
    (0x1B7, 0x1B7, 0, 219, 0), (0x1B8, 0x1B9, ALT, 0, 0), (0x1BC, 0x1BD, ALT, 0, 0),
    (0x1BF, 0x1BF, 56, 0, 56), (0x1C4, 0x1C4, 0, 2, 1), (0x1C5, 0x1C5, -1, 1, 0),
    (0x1C6, 0x1C6, -2, 0, -1), (0x1C7, 0x1C7, 0, 2, 1), (0x1C8, 0x1C8, -1, 1, 0),
    (0x1C9, 0x1C9, -2, 0, -1), (0x1CA, 0x1CA, 0, 2, 1), (0x1CB, 0x1CB, -1, 1, 0),
    (0x1CC, 0x1CC, -2, 0, -1), (0x1CD, 0x1DC, ALT, 0, 0), (0x1DD, 0x1DD, -79, 0, -79),
    (0x1DE, 0x1EF, ALT, 0, 0), (0x1F1, 0x1F1, 0, 2, 1), (0x1F2, 0x1F2, -1, 1, 0),
    (0x1F3, 0x1F3, -2, 0, -1), (0x1F4, 0x1F5, ALT, 0, 0), (0x1F6, 0x1F6, 0, -97, 0),
    (0x1F7, 0x1F7, 0, -56, 0), (0x1F8, 0x21F, ALT, 0, 0), (0x220, 0x220, 0, -130, 0),
    (0x222, 0x233, ALT, 0, 0), (0x23A, 0x23A, 0, 10795, 0), (0x23B, 0x23C, ALT, 0, 0),
    (0x23D, 0x23D, 0, -163, 0), (0x23E, 0x23E, 0, 10792, 0), (0x23F, 0x240, 10815, 0, 10815),
    (0x241, 0x242, ALT, 0, 0), (0x243, 0x243, 0, -195, 0), (0x244, 0x244, 0, 69, 0),
    (0x245, 0x245, 0, 71, 0), (0x246, 0x24F, ALT, 0, 0), (0x250, 0x250, 10783, 0, 10783),
    (0x251, 0x251, 10780, 0, 10780), (0x252, 0x252, 10782, 0, 10782),
    (0x253, 0x253, -210, 0, -210), (0x254, 0x254, -206, 0, -206), (0x256, 0x257, -205, 0, -205),
    (0x259, 0x259, -202, 0, -202), (0x25B, 0x25B, -203, 0, -203), (0x25C, 0x25C, 42319, 0, 42319),
    (0x260, 0x260, -205, 0, -205), (0x261, 0x261, 42315, 0, 42315), (0x263, 0x263, -207, 0, -207),
    (0x265, 0x265, 42280, 0, 42280), (0x266, 0x266, 42308, 0, 42308),
    (0x268, 0x268, -209, 0, -209), (0x269, 0x269, -211, 0, -211), (0x26A, 0x26A, 42308, 0, 42308),
    (0x26B, 0x26B, 10743, 0, 10743), (0x26C, 0x26C, 42305, 0, 42305),
    (0x26F, 0x26F, -211, 0, -211), (0x271, 0x271, 10749, 0, 10749), (0x272, 0x272, -213, 0, -213),
    (0x275, 0x275, -214, 0, -214), (0x27D, 0x27D, 10727, 0, 10727), (0x280, 0x280, -218, 0, -218),
    (0x282, 0x282, 42307, 0, 42307), (0x283, 0x283, -218, 0, -218),
    (0x287, 0x287, 42282, 0, 42282), (0x288, 0x288, -218, 0, -218), (0x289, 0x289, -69, 0, -69),
    (0x28A, 0x28B, -217, 0, -217), (0x28C, 0x28C, -71, 0, -71), (0x292, 0x292, -219, 0, -219),
    (0x29D, 0x29D, 42261, 0, 42261), (0x29E, 0x29E, 42258, 0, 42258), (0x345, 0x345, 84, 0, 84),
    (0x370, 0x373, ALT, 0, 0), (0x376, 0x377, ALT, 0, 0), (0x37B, 0x37D, 130, 0, 130),
    (0x37F, 0x37F, 0, 116, 0), (0x386, 0x386, 0, 38, 0), (0x388, 0x38A, 0, 37, 0),
    (0x38C, 0x38C, 0, 64, 0), (0x38E, 0x38F, 0, 63, 0), (0x391, 0x3A1, 0, 32, 0),
    (0x3A3, 0x3AB, 0, 32, 0), (0x3AC, 0x3AC, -38, 0, -38), (0x3AD, 0x3AF, -37, 0, -37),
    (0x3B1, 0x3C1, -32, 0, -32), (0x3C2, 0x3C2, -31, 0, -31), (0x3C3, 0x3CB, -32, 0, -32),
    (0x3CC, 0x3CC, -64, 0, -64), (0x3CD, 0x3CE, -63, 0, -63), (0x3CF, 0x3CF, 0, 8, 0),
    (0x3D0, 0x3D0, -62, 0, -62), (0x3D1, 0x3D1, -57, 0, -57), (0x3D5, 0x3D5, -47, 0, -47),
    (0x3D6, 0x3D6, -54, 0, -54), (0x3D7, 0x3D7, -8, 0, -8), (0x3D8, 0x3EF, ALT, 0, 0),
    (0x3F0, 0x3F0, -86, 0, -86), (0x3F1, 0x3F1, -80, 0, -80), (0x3F2, 0x3F2, 7, 0, 7),
    (0x3F3, 0x3F3, -116, 0, -116), (0x3F4, 0x3F4, 0, -60, 0), (0x3F5, 0x3F5, -96, 0, -96),
    (0x3F7, 0x3F8, ALT, 0, 0), (0x3F9, 0x3F9, 0, -7, 0), (0x3FA, 0x3FB, ALT, 0, 0),
    (0x3FD, 0x3FF, 0, -130, 0), (0x400, 0x40F, 0, 80, 0), (0x410, 0x42F, 0, 32, 0),
    (0x430, 0x44F, -32, 0, -32), (0x450, 0x45F, -80, 0, -80), (0x460, 0x481, ALT, 0, 0),
    (0x48A, 0x4BF, ALT, 0, 0), (0x4C0, 0x4C0, 0, 15, 0), (0x4C1, 0x4CE, ALT, 0, 0),
    (0x4CF, 0x4CF, -15, 0, -15), (0x4D0, 0x52F, ALT, 0, 0), (0x531, 0x556, 0, 48, 0),
    (0x561, 0x586, -48, 0, -48), (0x10A0, 0x10C5, 0, 7264, 0), (0x10C7, 0x10C7, 0, 7264, 0),
    (0x10CD, 0x10CD, 0, 7264, 0), (0x10D0, 0x10FA, 3008, 0, 0), (0x10FD, 0x10FF, 3008, 0, 0),
    (0x13A0, 0x13EF, 0, 38864, 0), (0x13F0, 0x13F5, 0, 8, 0), (0x13F8, 0x13FD, -8, 0, -8),
    (0x1C80, 0x1C80, -6254, 0, -6254), (0x1C81, 0x1C81, -6253, 0, -6253),
    (0x1C82, 0x1C82, -6244, 0, -6244), (0x1C83, 0x1C84, -6242, 0, -6242),
    (0x1C85, 0x1C85, -6243, 0, -6243), (0x1C86, 0x1C86, -6236, 0, -6236),
    (0x1C87, 0x1C87, -6181, 0, -6181), (0x1C88, 0x1C88, 35266, 0, 35266),
    (0x1C90, 0x1CBA, 0, -3008, 0), (0x1CBD, 0x1CBF, 0, -3008, 0),
    (0x1D79, 0x1D79, 35332, 0, 35332), (0x1D7D, 0x1D7D, 3814, 0, 3814),
    (0x1D8E, 0x1D8E, 35384, 0, 35384), (0x1E00, 0x1E95, ALT, 0, 0), (0x1E9B, 0x1E9B, -59, 0, -59),
    (0x1E9E, 0x1E9E, 0, -7615, 0), (0x1EA0, 0x1EFF, ALT, 0, 0), (0x1F00, 0x1F07, 8, 0, 8),
    (0x1F08, 0x1F0F, 0, -8, 0), (0x1F10, 0x1F15, 8, 0, 8), (0x1F18, 0x1F1D, 0, -8, 0),
    (0x1F20, 0x1F27, 8, 0, 8), (0x1F28, 0x1F2F, 0, -8, 0), (0x1F30, 0x1F37, 8, 0, 8),
    (0x1F38, 0x1F3F, 0, -8, 0), (0x1F40, 0x1F45, 8, 0, 8), (0x1F48, 0x1F4D, 0, -8, 0),
    (0x1F51, 0x1F51, 8, 0, 8), (0x1F53, 0x1F53, 8, 0, 8), (0x1F55, 0x1F55, 8, 0, 8),
    (0x1F57, 0x1F57, 8, 0, 8), (0x1F59, 0x1F59, 0, -8, 0), (0x1F5B, 0x1F5B, 0, -8, 0),
    (0x1F5D, 0x1F5D, 0, -8, 0), (0x1F5F, 0x1F5F, 0, -8, 0), (0x1F60, 0x1F67, 8, 0, 8),
    (0x1F68, 0x1F6F, 0, -8, 0), (0x1F70, 0x1F71, 74, 0, 74), (0x1F72, 0x1F75, 86, 0, 86),
    (0x1F76, 0x1F77, 100, 0, 100), (0x1F78, 0x1F79, 128, 0, 128), (0x1F7A, 0x1F7B, 112, 0, 112),
    (0x1F7C, 0x1F7D, 126, 0, 126), (0x1F80, 0x1F87, 8, 0, 8), (0x1F88, 0x1F8F, 0, -8, 0),
    (0x1F90, 0x1F97, 8, 0, 8), (0x1F98, 0x1F9F, 0, -8, 0), (0x1FA0, 0x1FA7, 8, 0, 8),
    (0x1FA8, 0x1FAF, 0, -8, 0), (0x1FB0, 0x1FB1, 8, 0, 8), (0x1FB3, 0x1FB3, 9, 0, 9),
    (0x1FB8, 0x1FB9, 0, -8, 0), (0x1FBA, 0x1FBB, 0, -74, 0), (0x1FBC, 0x1FBC, 0, -9, 0),
    (0x1FBE, 0x1FBE, -7205, 0, -7205), (0x1FC3, 0x1FC3, 9, 0, 9), (0x1FC8, 0x1FCB, 0, -86, 0),
    (0x1FCC, 0x1FCC, 0, -9, 0), (0x1FD0, 0x1FD1, 8, 0, 8), (0x1FD8, 0x1FD9, 0, -8, 0),
    (0x1FDA, 0x1FDB, 0, -100, 0), (0x1FE0, 0x1FE1, 8, 0, 8), (0x1FE5, 0x1FE5, 7, 0, 7),
    (0x1FE8, 0x1FE9, 0, -8, 0), (0x1FEA, 0x1FEB, 0, -112, 0), (0x1FEC, 0x1FEC, 0, -7, 0),
    (0x1FF3, 0x1FF3, 9, 0, 9), (0x1FF8, 0x1FF9, 0, -128, 0), (0x1FFA, 0x1FFB, 0, -126, 0),
    (0x1FFC, 0x1FFC, 0, -9, 0), (0x2126, 0x2126, 0, -7517, 0), (0x212A, 0x212A, 0, -8383, 0),
    (0x212B, 0x212B, 0, -8262, 0), (0x2132, 0x2132, 0, 28, 0), (0x214E, 0x214E, -28, 0, -28),
    (0x2160, 0x216F, 0, 16, 0), (0x2170, 0x217F, -16, 0, -16), (0x2183, 0x2184, ALT, 0, 0),
    (0x24B6, 0x24CF, 0, 26, 0), (0x24D0, 0x24E9, -26, 0, -26), (0x2C00, 0x2C2E, 0, 48, 0),
    (0x2C30, 0x2C5E, -48, 0, -48), (0x2C60, 0x2C61, ALT, 0, 0), (0x2C62, 0x2C62, 0, -10743, 0),
    (0x2C63, 0x2C63, 0, -3814, 0), (0x2C64, 0x2C64, 0, -10727, 0),
    (0x2C65, 0x2C65, -10795, 0, -10795), (0x2C66, 0x2C66, -10792, 0, -10792),
    (0x2C67, 0x2C6C, ALT, 0, 0), (0x2C6D, 0x2C6D, 0, -10780, 0), (0x2C6E, 0x2C6E, 0, -10749, 0),
    (0x2C6F, 0x2C6F, 0, -10783, 0), (0x2C70, 0x2C70, 0, -10782, 0), (0x2C72, 0x2C73, ALT, 0, 0),
    (0x2C75, 0x2C76, ALT, 0, 0), (0x2C7E, 0x2C7F, 0, -10815, 0), (0x2C80, 0x2CE3, ALT, 0, 0),
    (0x2CEB, 0x2CEE, ALT, 0, 0), (0x2CF2, 0x2CF3, ALT, 0, 0), (0x2D00, 0x2D25, -7264, 0, -7264),
    (0x2D27, 0x2D27, -7264, 0, -7264), (0x2D2D, 0x2D2D, -7264, 0, -7264),
    (0xA640, 0xA66D, ALT, 0, 0), (0xA680, 0xA69B, ALT, 0, 0), (0xA722, 0xA72F, ALT, 0, 0),
    (0xA732, 0xA76F, ALT, 0, 0), (0xA779, 0xA77C, ALT, 0, 0), (0xA77D, 0xA77D, 0, -35332, 0),
    (0xA77E, 0xA787, ALT, 0, 0), (0xA78B, 0xA78C, ALT, 0, 0), (0xA78D, 0xA78D, 0, -42280, 0),
    (0xA790, 0xA793, ALT, 0, 0), (0xA794, 0xA794, 48, 0, 48), (0xA796, 0xA7A9, ALT, 0, 0),
    (0xA7AA, 0xA7AA, 0, -42308, 0), (0xA7AB, 0xA7AB, 0, -42319, 0), (0xA7AC, 0xA7AC, 0, -42315, 0),
    (0xA7AD, 0xA7AD, 0, -42305, 0), (0xA7AE, 0xA7AE, 0, -42308, 0), (0xA7B0, 0xA7B0, 0, -42258, 0),
    (0xA7B1, 0xA7B1, 0, -42282, 0), (0xA7B2, 0xA7B2, 0, -42261, 0), (0xA7B3, 0xA7B3, 0, 928, 0),
    (0xA7B4, 0xA7BF, ALT, 0, 0), (0xA7C2, 0xA7C3, ALT, 0, 0), (0xA7C4, 0xA7C4, 0, -48, 0),
    (0xA7C5, 0xA7C5, 0, -42307, 0), (0xA7C6, 0xA7C6, 0, -35384, 0), (0xA7C7, 0xA7CA, ALT, 0, 0),
    (0xA7F5, 0xA7F6, ALT, 0, 0), (0xAB53, 0xAB53, -928, 0, -928),
    (0xAB70, 0xABBF, -38864, 0, -38864), (0xFF21, 0xFF3A, 0, 32, 0), (0xFF41, 0xFF5A, -32, 0, -32),
    (0x10400, 0x10427, 0, 40, 0), (0x10428, 0x1044F, -40, 0, -40), (0x104B0, 0x104D3, 0, 40, 0),
    (0x104D8, 0x104FB, -40, 0, -40), (0x10C80, 0x10CB2, 0, 64, 0), (0x10CC0, 0x10CF2, -64, 0, -64),
    (0x118A0, 0x118BF, 0, 32, 0), (0x118C0, 0x118DF, -32, 0, -32), (0x16E40, 0x16E5F, 0, 32, 0),
    (0x16E60, 0x16E7F, -32, 0, -32), (0x1E900, 0x1E921, 0, 34, 0), (0x1E922, 0x1E943, -34, 0, -34),
];

fn case_map(c: char, case: Case) -> char {
    let cp = c as u32;
    let Ok(i) = CASE_RANGES.binary_search_by(|&(lo, hi, ..)| {
        if hi < cp {
            std::cmp::Ordering::Less
        } else if lo > cp {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) else {
        return c;
    };
    let (lo, _, du, dl, dt) = CASE_RANGES[i];
    let mapped = if du == ALT {
        let base = lo + ((cp - lo) & !1);
        match case {
            Case::Lower => base + 1,
            _ => base,
        }
    } else {
        let d = match case {
            Case::Upper => du,
            Case::Lower => dl,
            Case::Title => dt,
        };
        (cp as i64 + d as i64) as u32
    };
    char::from_u32(mapped).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::cty::BigFloat;
    use crate::source::terraform::cty::number::PARSE_PREC;
    use crate::source::terraform::eval::functions::Host;

    struct NoHost;
    impl Host for NoHost {
        fn read_file(&self, _: &str) -> std::result::Result<std::sync::Arc<str>, Why> {
            unreachable!()
        }
        fn file_exists(&self, _: &str) -> std::result::Result<bool, Why> {
            unreachable!()
        }
        fn fileset(&self, _: &str, _: &str) -> std::result::Result<Vec<String>, Why> {
            unreachable!()
        }
        fn base_dir(&self) -> &std::path::Path {
            unreachable!()
        }
    }

    fn s(v: &str) -> Value {
        Value::string(v)
    }

    fn n(v: &str) -> Value {
        Value::number(BigFloat::parse(v, PARSE_PREC).unwrap())
    }

    fn call(f: Function, args: &[Value]) -> Result<Value> {
        f.call(&NoHost, args)
    }

    fn string(f: Function, args: &[Value]) -> String {
        call(f, args).unwrap().as_str().unwrap().to_string()
    }

    fn boolean(f: Function, args: &[Value]) -> Option<bool> {
        call(f, args).unwrap().as_bool()
    }

    fn strings(v: &Value) -> Vec<String> {
        v.items()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect()
    }

    /// Examples from developer.hashicorp.com/terraform/language/functions/replace.
    #[test]
    fn replace_examples() {
        assert_eq!(
            string(replace(), &[s("1 + 2 + 3"), s("+"), s("-")]),
            "1 - 2 - 3"
        );
        assert_eq!(
            string(replace(), &[s("hello world"), s("/w.*d/"), s("everybody")]),
            "hello everybody"
        );
    }

    /// Terraform's `replace`: regular expressions between slashes with Go's `$`
    /// expansion; anything else, including a lone `/`, is a plain substring.
    #[test]
    fn replace_regex_references() {
        let r = |a: &str, b: &str, c: &str| string(replace(), &[s(a), s(b), s(c)]);
        assert_eq!(
            r("2019-02-01", "/(\\d+)-(\\d+)-(\\d+)/", "$3.$2.$1"),
            "01.02.2019"
        );
        assert_eq!(r("abc", "/(?P<x>b)/", "[${x}]"), "a[b]c");
        assert_eq!(r("abc", "/(b)/", "$1x"), "ac");
        assert_eq!(r("abc", "/(b)/", "${1}x"), "abxc");
        assert_eq!(r("abc", "/b/", "$$"), "a$c");
        assert_eq!(r("abc", "/x*/", "-"), "-a-b-c-");
        assert_eq!(r("a/b", "/", "|"), "a|b");
        assert_eq!(r("abc", "", "-"), "-a-b-c-");
        assert!(call(replace(), &[s("a"), s("/(/"), s("")]).is_err());
    }

    /// Examples from developer.hashicorp.com/terraform/language/functions/startswith,
    /// .../endswith and .../strcontains.
    #[test]
    fn affix_examples() {
        assert_eq!(
            boolean(startswith(), &[s("hello world"), s("hello")]),
            Some(true)
        );
        assert_eq!(
            boolean(startswith(), &[s("hello world"), s("world")]),
            Some(false)
        );
        assert_eq!(
            boolean(endswith(), &[s("hello world"), s("world")]),
            Some(true)
        );
        assert_eq!(
            boolean(endswith(), &[s("hello world"), s("hello")]),
            Some(false)
        );
        assert_eq!(
            boolean(strcontains(), &[s("hello world"), s("wor")]),
            Some(true)
        );
        assert_eq!(
            boolean(strcontains(), &[s("hello world"), s("wod")]),
            Some(false)
        );
    }

    /// Terraform decides `startswith` on a string whose beginning is known.
    #[test]
    fn startswith_partly_known() {
        let cause = Box::new(Why::Variable { name: "x".into() });
        let partial = Value::unknown(
            Type::String,
            Why::Partial {
                text: format!("arn:aws:iam::{}:role/x", crate::model::marks::UNKNOWN),
                cause: cause.clone(),
            },
        );
        assert_eq!(
            boolean(startswith(), &[partial.clone(), s("arn:aws:")]),
            Some(true)
        );
        assert_eq!(
            boolean(startswith(), &[partial.clone(), s("arn:aws-cn:")]),
            Some(false)
        );
        assert_eq!(
            boolean(startswith(), &[partial.clone(), s("arn:aws:iam::1")]),
            None
        );
        let unknown = Value::unknown(Type::String, Why::Variable { name: "x".into() });
        assert_eq!(boolean(startswith(), &[unknown.clone(), s("")]), Some(true));
        assert_eq!(boolean(startswith(), &[unknown, s("a")]), None);
        assert_eq!(boolean(endswith(), &[partial, s("x")]), None);
    }

    /// Examples from the pages developer.hashicorp.com/terraform/language/functions/
    /// chomp, indent, join, lower, split, strrev, substr, title, trim, trimprefix,
    /// trimspace, trimsuffix and upper.
    #[test]
    fn documentation_examples() {
        assert_eq!(string(chomp(), &[s("hello\n")]), "hello");
        assert_eq!(string(chomp(), &[s("hello\r\n")]), "hello");
        assert_eq!(string(chomp(), &[s("hello\n\n")]), "hello");
        assert_eq!(
            string(indent(), &[n("2"), s("[\n  foo,\n  bar,\n]\n")]),
            "[\n    foo,\n    bar,\n  ]\n  "
        );
        let list = Value::list(Type::String, vec![s("foo"), s("bar"), s("baz")]);
        assert_eq!(string(join(), &[s(", "), list]), "foo, bar, baz");
        assert_eq!(
            string(
                join(),
                &[s(", "), Value::list(Type::String, vec![s("foo")])]
            ),
            "foo"
        );
        assert_eq!(string(lower(), &[s("HELLO")]), "hello");
        assert_eq!(string(lower(), &[s("АЛЛО!")]), "алло!");
        assert_eq!(
            strings(&call(split(), &[s(","), s("foo,bar,baz")]).unwrap()),
            ["foo", "bar", "baz"]
        );
        assert_eq!(
            strings(&call(split(), &[s(","), s("foo")]).unwrap()),
            ["foo"]
        );
        assert_eq!(strings(&call(split(), &[s(","), s("")]).unwrap()), [""]);
        assert_eq!(string(strrev(), &[s("hello")]), "olleh");
        assert_eq!(string(strrev(), &[s("a ☃")]), "☃ a");
        assert_eq!(
            string(substr(), &[s("hello world"), n("1"), n("4")]),
            "ello"
        );
        assert_eq!(string(substr(), &[s("🤔🤷"), n("0"), n("1")]), "🤔");
        assert_eq!(
            string(substr(), &[s("hello world"), n("-5"), n("-1")]),
            "world"
        );
        assert_eq!(
            string(substr(), &[s("hello world"), n("7"), n("100")]),
            "orld"
        );
        assert_eq!(string(title(), &[s("hello world")]), "Hello World");
        assert_eq!(string(trim(), &[s("?!hello?!"), s("!?")]), "hello");
        assert_eq!(string(trim(), &[s("foobar"), s("far")]), "oob");
        assert_eq!(
            string(trim(), &[s("   hello! world.!  "), s("! ")]),
            "hello! world."
        );
        assert_eq!(
            string(trimprefix(), &[s("helloworld"), s("hello")]),
            "world"
        );
        assert_eq!(
            string(trimprefix(), &[s("helloworld"), s("cat")]),
            "helloworld"
        );
        assert_eq!(string(trimspace(), &[s("  hello\n\n")]), "hello");
        assert_eq!(
            string(trimsuffix(), &[s("helloworld"), s("world")]),
            "hello"
        );
        assert_eq!(string(upper(), &[s("hello")]), "HELLO");
        assert_eq!(string(upper(), &[s("алло!")]), "АЛЛО!");
    }

    /// Examples from developer.hashicorp.com/terraform/language/functions/format and
    /// .../formatlist.
    #[test]
    fn format_examples() {
        assert_eq!(
            string(format(), &[s("Hello, %s!"), s("Ander")]),
            "Hello, Ander!"
        );
        assert_eq!(
            string(format(), &[s("There are %d lights"), n("4")]),
            "There are 4 lights"
        );
        assert_eq!(string(format(), &[s("%#v"), s("hello")]), "\"hello\"");
        assert_eq!(string(format(), &[s("%.3f"), n("3.14159")]), "3.142");
        assert_eq!(
            string(format(), &[s("%[2]d things"), n("1"), n("2")]),
            "2 things"
        );
        let names = Value::tuple(vec![s("Valentina"), s("Ander"), s("Olivia"), s("Sam")]);
        let v = call(formatlist(), &[s("Hello, %s!"), names.clone()]).unwrap();
        assert_eq!(
            strings(&v),
            [
                "Hello, Valentina!",
                "Hello, Ander!",
                "Hello, Olivia!",
                "Hello, Sam!"
            ]
        );
        let v = call(formatlist(), &[s("%s, %s!"), s("Salutations"), names]).unwrap();
        assert_eq!(strings(&v)[0], "Salutations, Valentina!");
    }

    #[test]
    fn format_as_go() {
        let f = |spec: &str, args: &[Value]| format_values(spec, args, usize::MAX);
        assert_eq!(f("%v", &[n("1234567")]).unwrap(), "1.234567e+06");
        assert_eq!(f("%q", &[s("<&>")]).unwrap(), "\"\\u003c\\u0026\\u003e\"");
        assert_eq!(
            f("%05s|%-5s|", &[s("ab"), s("é\u{301}")]).unwrap(),
            "000ab|é\u{301}    |"
        );
        assert_eq!(
            f("%#x %o %b", &[n("255"), n("8"), n("5")]).unwrap(),
            "0xff 10 101"
        );
        assert_eq!(f("%+.2e", &[n("1234.5")]).unwrap(), "+1.23e+03");
        assert_eq!(
            f("%f", &[Value::number(BigFloat::infinity(false))]).unwrap(),
            "+Inf"
        );
        assert_eq!(f("%v", &[Value::null()]).unwrap(), "null");
        assert_eq!(
            f(
                "%v",
                &[Value::tuple(vec![n("1"), s("a"), Value::Bool(true)])]
            )
            .unwrap(),
            "[1,\"a\",true]"
        );
        assert!(f("%d", &[n("1.5")]).is_err());
        assert!(f("%s", &[Value::null()]).is_err());
        assert!(f("%s %s", &[s("a")]).is_err());
        assert!(f("%s", &[s("a"), s("b")]).is_err());
        assert!(f("%z", &[s("a")]).is_err());
        assert!(f("%", &[]).is_err());
        assert!(f("%-%", &[]).is_err());
    }

    /// Examples from developer.hashicorp.com/terraform/language/functions/regex and
    /// .../regexall.
    #[test]
    fn regex_examples() {
        let v = call(regex(), &[s("[a-z]+"), s("53453453.345345aaabbbccc23454")]).unwrap();
        assert_eq!(v.as_str(), Some("aaabbbccc"));
        let v = call(
            regex(),
            &[s("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)"), s("2019-02-01")],
        )
        .unwrap();
        assert_eq!(strings(&v), ["2019", "02", "01"]);
        let v = call(
            regex(),
            &[
                s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"),
                s("https://terraform.io/docs/"),
            ],
        )
        .unwrap();
        let e = v.entries().unwrap();
        assert_eq!(e["scheme"].as_str(), Some("https"));
        assert_eq!(e["authority"].as_str(), Some("terraform.io"));
        assert!(call(regex(), &[s("[a-z]+"), s("53453453.34534523454")]).is_err());
        let v = call(regexall(), &[s("[a-z]+"), s("1234abcd5678efgh9")]).unwrap();
        assert_eq!(strings(&v), ["abcd", "efgh"]);
        let v = call(regexall(), &[s("[a-z]+"), s("123456789")]).unwrap();
        assert_eq!(v.length(), Some(0));
    }

    /// Go's syntax and meanings, made explicit for the regex crate.
    #[test]
    fn go_regex_translation() {
        let t = |p: &str| goregex::translate(p).map_err(|e| e.code);
        assert_eq!(t(r"\d").unwrap(), r"[\x{30}-\x{39}]");
        assert_eq!(t(r"a$").unwrap(), r"\x{61}\z");
        assert_eq!(t(r"(?i)a").unwrap(), r"(?i:\x{61})");
        assert_eq!(t(r"(?m)^").unwrap(), "(?m:^)");
        assert_eq!(t(r"\b").unwrap(), r"(?-u:\b)");
        assert_eq!(t(r"(?P<1a>x)").unwrap(), r"(\x{78})");
        assert_eq!(t(r"\101").unwrap(), r"\x{41}");
        assert_eq!(t(r"a{,2}").unwrap(), r"\x{61}\x{7B}\x{2C}\x{32}\x{7D}");
        assert_eq!(t(r"(?U)a*").unwrap(), r"(?:\x{61})*?");
        assert_eq!(t(r"a**"), Err("invalid nested repetition operator"));
        assert_eq!(t(r"a{1001}"), Err("invalid repeat count"));
        assert_eq!(t(r"(a{500}){3}"), Err("invalid repeat count"));
        assert_eq!(t(r"(?<n>a)"), Err("invalid or unsupported Perl syntax"));
        assert_eq!(t(r"\Z"), Err("invalid escape sequence"));
        assert_eq!(t(r"[[:foo:]]"), Err("invalid character class range"));
        assert_eq!(t(r"\p{Foo}"), Err("invalid character class range"));
        assert_eq!(t(r"a\"), Err("trailing backslash at end of expression"));
        assert_eq!(t(r"(a"), Err("missing closing )"));
        assert_eq!(t(r"[a"), Err("missing closing ]"));
        assert_eq!(t(r"*"), Err("missing argument to repetition operator"));
    }

    #[test]
    fn go_regex_matching() {
        let re = goregex::compile(r"(?i)\w+").unwrap();
        assert_eq!(
            re.re.find("\u{212A}elvin!").map(|m| m.as_str()),
            Some("\u{212A}elvin")
        );
        let re = goregex::compile(r"\d+").unwrap();
        assert_eq!(re.re.find("٣45").map(|m| m.as_str()), Some("45"));
        let re = goregex::compile(r"a*").unwrap();
        let mut found = Vec::new();
        re.for_each_match("baaac", |c| {
            found.push(c.get(0).unwrap().as_str().to_string())
        });
        assert_eq!(found, ["", "aaa", ""]);
        assert_eq!(re.replace_all("baaac", "-", usize::MAX).unwrap(), "-b-c-");
    }

    /// go-textseg's clusters, including where it departs from UAX #29.
    #[test]
    fn grapheme_clusters() {
        fn c(s: &str) -> Vec<&str> {
            clusters(s).collect()
        }
        assert_eq!(c("e\u{301}x"), ["e\u{301}", "x"]);
        assert_eq!(c("\r\n\n"), ["\r\n", "\n"]);
        assert_eq!(c("🇦🇧🇨"), ["🇦🇧", "🇨"]);
        assert_eq!(c("👨\u{200d}👩\u{200d}👧"), ["👨\u{200d}👩\u{200d}👧"]);
        assert_eq!(c("\u{600}a"), ["\u{600}a"]);
        assert_eq!(c("\u{fffd}\u{301}"), ["\u{fffd}", "\u{301}"]);
        assert_eq!(
            c("\u{1100}\u{ac00}\u{11a8}"),
            ["\u{1100}\u{ac00}", "\u{11a8}"]
        );
        assert_eq!(c("\u{ac00}\u{200d}\u{a9}"), ["\u{ac00}\u{200d}\u{a9}"]);
        assert_eq!(c("a\u{200d}\u{a9}"), ["a\u{200d}", "\u{a9}"]);
    }

    /// Go's simple case mappings.
    #[test]
    fn case_mappings() {
        assert_eq!(string(upper(), &[s("straße ǆ ﬁ ᾳ")]), "STRAßE Ǆ ﬁ ᾼ");
        assert_eq!(string(lower(), &[s("İ ǅ")]), "i ǆ");
        assert_eq!(
            string(title(), &[s("ǆemal o'neil x_y")]),
            "ǅemal O'Neil X_y"
        );
    }
}
