//! Values written the way `terraform console` shows them: Terraform syntax, with the
//! conversion functions that say a value's exact type (`tolist([...])`, `tomap({...})`,
//! `tostring(null)`), heredocs for multi-line strings, `(known after apply)` for unknowns.

use super::super::cty::{Type, Value};

pub fn show(v: &Value) -> String {
    let mut out = String::new();
    write(v, 0, &mut out);
    out
}

fn write(v: &Value, indent: usize, out: &mut String) {
    if !v.is_known() {
        out.push_str("(known after apply)");
        return;
    }
    if let Value::Null(ty) = v {
        out.push_str(&match ty {
            Type::Dynamic => "null".to_string(),
            Type::String => "tostring(null)".into(),
            Type::Number => "tonumber(null)".into(),
            Type::Bool => "tobool(null)".into(),
            Type::List(e) => format!("tolist(null) /* of {} */", e.friendly_name()),
            Type::Set(e) => format!("toset(null) /* of {} */", e.friendly_name()),
            Type::Map(e) => format!("tomap(null) /* of {} */", e.friendly_name()),
            t => format!("null /* {} */", t.friendly_name()),
        });
        return;
    }
    match v {
        Value::String(s) => match heredoc(s, indent) {
            Some(h) => out.push_str(&h),
            None => out.push_str(&go_quote(s)),
        },
        Value::Number(n) => out.push_str(&n.to_text()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Tuple(_) => sequence(v, indent, out),
        Value::List(_) => {
            out.push_str("tolist(");
            sequence(v, indent, out);
            out.push(')');
        }
        Value::Set(_) => {
            out.push_str("toset(");
            sequence(v, indent, out);
            out.push(')');
        }
        Value::Object(_) => mapping(v, indent, out),
        Value::Map(_) => {
            out.push_str("tomap(");
            mapping(v, indent, out);
            out.push(')');
        }
        Value::Null(_) | Value::Unknown(_) | Value::Resource(_) => {}
    }
}

fn sequence(v: &Value, indent: usize, out: &mut String) {
    let items = v.items().unwrap_or_default();
    out.push('[');
    for e in items {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        write(e, indent + 2, out);
        out.push(',');
    }
    if !items.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push(']');
}

fn mapping(v: &Value, indent: usize, out: &mut String) {
    let entries = v.entries().cloned().unwrap_or_default();
    out.push('{');
    for (k, e) in &entries {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        out.push_str(&go_quote(k));
        out.push_str(" = ");
        write(e, indent + 2, out);
    }
    if !entries.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push('}');
}

/// A multi-line string as a heredoc, with a delimiter no line uses.
fn heredoc(s: &str, indent: usize) -> Option<String> {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        return None;
    }
    let mut delimiter = "EOT".to_string();
    while lines.iter().any(|l| l.trim() == delimiter) {
        delimiter.push('_');
    }
    let pad = " ".repeat(indent);
    let mut out = format!("{}{delimiter}", if indent > 0 { "<<-" } else { "<<" });
    for line in &lines {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(line);
    }
    out.push('\n');
    out.push_str(&pad);
    out.push_str(&delimiter);
    Some(out)
}

/// A quoted string with Go's escapes (`strconv.Quote`), as Terraform prints it.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn values_show_as_terraform_console_does() {
        assert_eq!(show(&Value::string("a")), "\"a\"");
        assert_eq!(show(&Value::Null(Type::String)), "tostring(null)");
        let l = Value::list(Type::String, vec![Value::string("a")]);
        assert_eq!(show(&l), "tolist([\n  \"a\",\n])");
        let o = Value::object(BTreeMap::from([("k".into(), Value::int(1))]));
        assert_eq!(show(&o), "{\n  \"k\" = 1\n}");
        assert_eq!(show(&Value::string("x\ny")), "<<EOT\nx\ny\nEOT");
        assert_eq!(show(&Value::tuple(vec![])), "[]");
    }
}
