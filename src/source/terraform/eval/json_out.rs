//! Values as canonical JSON for `console --format json`: object keys sorted, numbers as
//! Terraform prints them, unknowns (at any depth) as "(known after apply)".

use crate::source::terraform::cty::Value;

pub const UNKNOWN: &str = "(known after apply)";

pub fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn quote(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn write(v: &Value, out: &mut String) {
    if !v.is_known() {
        quote(UNKNOWN, out);
        return;
    }
    match v {
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let t = n.to_text();
            if n.is_inf() {
                quote(&t, out)
            } else {
                out.push_str(&t)
            }
        }
        Value::String(s) => quote(s, out),
        Value::List(_) | Value::Set(_) | Value::Tuple(_) => {
            out.push('[');
            for (i, e) in v.items().unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(e, out);
            }
            out.push(']');
        }
        Value::Map(_) | Value::Object(_) => {
            out.push('{');
            for (i, (k, e)) in v.entries().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push(':');
                write(e, out);
            }
            out.push('}');
        }
        Value::Unknown(_) | Value::Resource(_) => quote(UNKNOWN, out),
    }
}
