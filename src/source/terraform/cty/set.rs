//! Sets as cty keeps them: elements deduplicated by equality and iterated in a defined
//! order (strings lexically, numbers numerically, false before true, nulls and unknowns
//! last, anything else by its hash bytes), which is the order `terraform console` and
//! `toset` show.

use super::ops::equals;
use super::types::Type;
use super::value::Value;
use std::cmp::Ordering;

/// Deduplicates and orders set elements as cty's `set.Set` does: elements are kept in
/// buckets by the CRC-32 of their hash bytes (first-added first), then stably sorted.
pub fn normalize(ety: &Type, items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<(u32, Value)> = Vec::with_capacity(items.len());
    for v in items {
        let h = crc32fast::hash(&hash_bytes(&v));
        let duplicate = out
            .iter()
            .any(|(oh, o)| *oh == h && equals(o, &v).as_bool() == Some(true));
        if !duplicate {
            out.push((h, v));
        }
    }
    out.sort_by_key(|(h, _)| *h);
    let mut values: Vec<Value> = out.into_iter().map(|(_, v)| v).collect();
    values.sort_by(|a, b| {
        if less(ety, a, b) {
            Ordering::Less
        } else if less(ety, b, a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
    values
}

/// cty's `setRules.Less`.
fn less(ety: &Type, a: &Value, b: &Value) -> bool {
    if raw_equal(a, b) {
        return false;
    }
    if b.is_null() && !a.is_null() {
        return true;
    } else if a.is_null() {
        return false;
    }
    if a.is_known() && !b.is_known() {
        return true;
    } else if !a.is_known() {
        return false;
    }
    match (ety, a, b) {
        (Type::String, Value::String(x), Value::String(y)) => x < y,
        (Type::Bool, Value::Bool(x), Value::Bool(y)) => *y || !*x,
        (Type::Number, Value::Number(x), Value::Number(y)) => x.cmp(y).is_lt(),
        _ => hash_bytes(a) < hash_bytes(b),
    }
}

fn raw_equal(a: &Value, b: &Value) -> bool {
    match (a.is_known(), b.is_known()) {
        (false, false) => a.ty() == b.ty(),
        (true, true) => a.ty() == b.ty() && equals(a, b).as_bool() == Some(true),
        _ => false,
    }
}

/// The bytes cty hashes a set element by (`appendSetHashBytes`).
pub fn hash_bytes(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    append_hash(v, &mut out);
    out
}

fn append_hash(v: &Value, out: &mut Vec<u8>) {
    if !v.is_known() {
        out.push(b'?');
        return;
    }
    if v.is_null() {
        out.push(b'~');
        return;
    }
    match v {
        Value::Number(n) => out.extend_from_slice(n.to_text_g10().as_bytes()),
        Value::Bool(b) => out.push(if *b { b'T' } else { b'F' }),
        Value::String(s) => out.extend_from_slice(go_quote(s).as_bytes()),
        Value::Map(m) => {
            out.push(b'{');
            for (k, e) in &m.items {
                out.extend_from_slice(go_quote(k).as_bytes());
                out.push(b':');
                append_hash(e, out);
                out.push(b';');
            }
            out.push(b'}');
        }
        Value::List(s) | Value::Set(s) => {
            out.push(b'[');
            for e in &s.items {
                append_hash(e, out);
                out.push(b';');
            }
            out.push(b']');
        }
        Value::Object(attrs) => {
            out.push(b'<');
            for e in attrs.values() {
                append_hash(e, out);
                out.push(b';');
            }
            out.push(b'>');
        }
        Value::Tuple(items) => {
            out.push(b'<');
            for e in items.iter() {
                append_hash(e, out);
                out.push(b';');
            }
            out.push(b'>');
        }
        Value::Null(_) | Value::Unknown(_) | Value::Resource(_) => {}
    }
}

/// Go's `%q` of a string (strconv.Quote), close enough for ordering: printable
/// characters as they are, the usual escapes, `\x`/`\u`/`\U` for the rest.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
