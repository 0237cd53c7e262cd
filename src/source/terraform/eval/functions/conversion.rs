//! Functions: type conversion and sensitivity.
//!
//! `tostring`, `tonumber`, `tobool`, `tolist`, `toset` and `tomap` are Terraform's
//! `funcs.MakeToFunc`: an explicit conversion with Terraform's rules (cty's unsafe
//! conversions: `"1e3"` to a number, `"true"` to a bool; a tuple of mixed types becomes a
//! list of their unified type) and Terraform's error messages.
//!
//! xray-setup does not track sensitivity or ephemerality: `sensitive`, `nonsensitive`
//! and `ephemeralasnull` return their argument unchanged, and `issensitive` is `false`
//! for every known value (Terraform would say `true` for a value marked sensitive).

use super::registry::Registry;
use super::{FnError, Function, Param, Returns};
use crate::source::terraform::cty::convert::{conversion, convert, mismatch_message};
use crate::source::terraform::cty::{Type, Value};

pub fn register(m: &mut Registry) {
    m.insert("tostring", to_func(Type::String));
    m.insert("tonumber", to_func(Type::Number));
    m.insert("tobool", to_func(Type::Bool));
    m.insert("tolist", to_func(Type::list(Type::Dynamic)));
    m.insert("toset", to_func(Type::set(Type::Dynamic)));
    m.insert("tomap", to_func(Type::map(Type::Dynamic)));
    m.insert("sensitive", passthrough());
    m.insert("nonsensitive", passthrough());
    m.insert("ephemeralasnull", passthrough());
    m.insert("issensitive", issensitive());
}

fn any_value() -> Param {
    Param::new("value", Type::Dynamic)
        .null()
        .unknown()
        .dynamic()
}

/// cty's `FriendlyNameForConstraint`: `any type`, `list of any single type`...
fn constraint_name(t: &Type) -> String {
    let elem = |e: &Type| match e {
        Type::Dynamic => "any single type".to_string(),
        e => constraint_name(e),
    };
    match t {
        Type::Dynamic => "any type".into(),
        Type::List(e) => format!("list of {}", elem(e)),
        Type::Set(e) => format!("set of {}", elem(e)),
        Type::Map(e) => format!("map of {}", elem(e)),
        t => t.friendly_name(),
    }
}

/// Go's `strconv.Quote`: a double-quoted string with Go escapes, printable characters as
/// they are.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` for characters past ASCII: control,
/// format, separator (other than the ASCII space) and private-use characters are not.
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    if c.is_control() || (c.is_whitespace() && c != ' ') {
        return false;
    }
    !matches!(u, 0xad | 0x600..=0x605 | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x206f
        | 0xfeff | 0xfff9..=0xfffb | 0xe000..=0xf8ff | 0xf0000..=0x10ffff)
}

/// Terraform's `MakeToFunc(want)`: `tostring(v)`, `tonumber(v)`... The result has type
/// `want` itself (so `tolist` of an unknown is an unknown `list of any`); known values are
/// converted with cty's unsafe conversions.
/// developer.hashicorp.com/terraform/language/functions/tostring (and tonumber, tobool,
/// tolist, toset, tomap).
fn to_func(want: Type) -> Function {
    fn returns(want: &Type, args: &[Value]) -> super::Result<Type> {
        let got = args[0].ty();
        if &got == want || conversion(&got, want, true).is_some() {
            return Ok(want.clone());
        }
        Err(FnError::arg(
            0,
            match (&got, want) {
                (Type::Tuple(_), Type::Tuple(_)) => {
                    format!(
                        "incompatible tuple type for conversion: {}",
                        mismatch_message(&got, want)
                    )
                }
                (Type::Object(_), Type::Object(_)) => {
                    format!(
                        "incompatible object type for conversion: {}",
                        mismatch_message(&got, want)
                    )
                }
                _ => format!(
                    "cannot convert {} to {}",
                    got.friendly_name(),
                    constraint_name(want)
                ),
            },
        ))
    }
    fn implement(args: &[Value], ret: &Type) -> super::Result<Value> {
        let v = &args[0];
        if !v.is_known() {
            return Ok(v.unknown_like(ret.clone()));
        }
        convert(v, ret).map_err(|_| {
            let got = v.ty();
            let what = || v.as_str().map_or_else(|| "string".to_string(), go_quote);
            FnError::arg(
                0,
                match (&got, ret) {
                    (Type::String, Type::Bool) => format!(
                        "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
                        what()
                    ),
                    (Type::String, Type::Number) => format!(
                        "cannot convert {} to number; given string must be a decimal representation of a number",
                        what()
                    ),
                    _ => format!("cannot convert {} to {}", got.friendly_name(), constraint_name(ret)),
                },
            )
        })
    }
    let returns: super::TypeFn = match want {
        Type::String => |a| returns(&Type::String, a),
        Type::Number => |a| returns(&Type::Number, a),
        Type::Bool => |a| returns(&Type::Bool, a),
        Type::List(_) => |a| returns(&Type::list(Type::Dynamic), a),
        Type::Set(_) => |a| returns(&Type::set(Type::Dynamic), a),
        _ => |a| returns(&Type::map(Type::Dynamic), a),
    };
    Function {
        params: vec![Param::new("v", Type::Dynamic).null().unknown().dynamic()],
        var_param: None,
        returns: Returns::Computed(returns),
        imp: |_, args, ret| implement(args, ret),
    }
}

/// `sensitive(v)`, `nonsensitive(v)`, `ephemeralasnull(v)`: the value itself, of its own
/// type (xray-setup tracks neither sensitivity nor ephemerality).
/// developer.hashicorp.com/terraform/language/functions/sensitive (and nonsensitive,
/// ephemeralasnull).
fn passthrough() -> Function {
    Function {
        params: vec![any_value()],
        var_param: None,
        returns: Returns::Computed(|a| Ok(a[0].ty())),
        imp: |_, a, _| Ok(a[0].clone()),
    }
}

/// `issensitive(v)`: unknown while `v` is unknown, else `false`: xray-setup does not track
/// sensitivity, so no value is known to be sensitive.
/// developer.hashicorp.com/terraform/language/functions/issensitive
fn issensitive() -> Function {
    Function {
        params: vec![any_value()],
        var_param: None,
        returns: Returns::Static(Type::Bool),
        imp: |_, a, _| {
            Ok(if a[0].is_known() {
                Value::Bool(false)
            } else {
                a[0].unknown_like(Type::Bool)
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::cty::Why;
    use crate::source::terraform::eval::functions::Host;
    use std::collections::BTreeMap;

    struct NoHost;
    impl Host for NoHost {
        fn read_file(&self, p: &str) -> std::result::Result<std::sync::Arc<str>, Why> {
            Err(Why::File {
                path: p.into(),
                why: "none".into(),
            })
        }
        fn file_exists(&self, _: &str) -> std::result::Result<bool, Why> {
            Ok(false)
        }
        fn fileset(&self, _: &str, _: &str) -> std::result::Result<Vec<String>, Why> {
            Ok(vec![])
        }
        fn base_dir(&self) -> &std::path::Path {
            std::path::Path::new(".")
        }
    }

    fn call(f: &Function, v: Value) -> super::super::Result<Value> {
        f.call(&NoHost, &[v])
    }

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn n(x: i64) -> Value {
        Value::int(x)
    }

    fn tuple(items: Vec<Value>) -> Value {
        Value::tuple(items)
    }

    /// developer.hashicorp.com/terraform/language/functions/tostring
    #[test]
    fn tostring_doc_examples() {
        let f = to_func(Type::String);
        assert_eq!(call(&f, s("hello")).unwrap(), s("hello"));
        assert_eq!(call(&f, n(1)).unwrap(), s("1"));
        assert_eq!(call(&f, Value::Bool(true)).unwrap(), s("true"));
        assert_eq!(call(&f, Value::null()).unwrap(), Value::Null(Type::String));
        let e = call(&f, tuple(vec![])).unwrap_err();
        assert_eq!(e.message, "cannot convert tuple to string");
    }

    /// developer.hashicorp.com/terraform/language/functions/tonumber
    #[test]
    fn tonumber_doc_examples() {
        let f = to_func(Type::Number);
        assert_eq!(call(&f, n(1)).unwrap(), n(1));
        assert_eq!(
            call(&f, s("1")).unwrap().as_number().unwrap().to_text(),
            "1"
        );
        assert_eq!(
            call(&f, s("1e3")).unwrap().as_number().unwrap().to_text(),
            "1000"
        );
        assert_eq!(call(&f, Value::null()).unwrap(), Value::Null(Type::Number));
        let e = call(&f, s("no")).unwrap_err();
        assert_eq!(
            e.message,
            "cannot convert \"no\" to number; given string must be a decimal representation of a number"
        );
    }

    /// developer.hashicorp.com/terraform/language/functions/tobool
    #[test]
    fn tobool_doc_examples() {
        let f = to_func(Type::Bool);
        assert_eq!(call(&f, Value::Bool(true)).unwrap(), Value::Bool(true));
        assert_eq!(call(&f, s("true")).unwrap(), Value::Bool(true));
        assert_eq!(call(&f, Value::null()).unwrap(), Value::Null(Type::Bool));
        let e = call(&f, s("no")).unwrap_err();
        assert_eq!(
            e.message,
            "cannot convert \"no\" to bool; only the strings \"true\" or \"false\" are allowed"
        );
        assert_eq!(
            call(&f, n(1)).unwrap_err().message,
            "cannot convert number to bool"
        );
    }

    /// developer.hashicorp.com/terraform/language/functions/tolist
    #[test]
    fn tolist_doc_examples() {
        let f = to_func(Type::list(Type::Dynamic));
        let v = call(&f, tuple(vec![s("a"), s("b"), s("c")])).unwrap();
        assert_eq!(v, Value::list(Type::String, vec![s("a"), s("b"), s("c")]));
        let v = call(&f, tuple(vec![s("a"), s("b"), n(3)])).unwrap();
        assert_eq!(v, Value::list(Type::String, vec![s("a"), s("b"), s("3")]));
        // An unknown keeps the constraint as its type, as Terraform's does.
        let u = Value::unknown(Type::list(Type::String), Why::Variable { name: "x".into() });
        assert_eq!(call(&f, u).unwrap().ty(), Type::list(Type::Dynamic));
        assert!(
            call(&f, s("a"))
                .unwrap_err()
                .message
                .contains("cannot convert string to list of any single type")
        );
    }

    /// developer.hashicorp.com/terraform/language/functions/toset
    #[test]
    fn toset_doc_examples() {
        let f = to_func(Type::set(Type::Dynamic));
        let v = call(&f, tuple(vec![s("a"), s("b"), s("c")])).unwrap();
        assert_eq!(v, Value::set(Type::String, vec![s("a"), s("b"), s("c")]));
        let v = call(&f, tuple(vec![s("a"), s("b"), n(3)])).unwrap();
        assert_eq!(v, Value::set(Type::String, vec![s("3"), s("a"), s("b")]));
        let v = call(&f, tuple(vec![s("c"), s("b"), s("b")])).unwrap();
        assert_eq!(v.length(), Some(2));
    }

    /// developer.hashicorp.com/terraform/language/functions/tomap
    #[test]
    fn tomap_doc_examples() {
        let f = to_func(Type::map(Type::Dynamic));
        let obj = |items: Vec<(&str, Value)>| {
            Value::object(
                items
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<BTreeMap<_, _>>(),
            )
        };
        let v = call(&f, obj(vec![("a", n(1)), ("b", n(2))])).unwrap();
        assert_eq!(v.ty(), Type::map(Type::Number));
        let v = call(&f, obj(vec![("a", s("foo")), ("b", Value::Bool(true))])).unwrap();
        assert_eq!(
            v,
            Value::map(
                Type::String,
                BTreeMap::from([("a".to_string(), s("foo")), ("b".to_string(), s("true"))])
            )
        );
    }

    /// developer.hashicorp.com/terraform/language/functions/sensitive, nonsensitive,
    /// issensitive, ephemeralasnull: values pass through; nothing is known sensitive.
    #[test]
    fn sensitivity_passes_through() {
        let v = tuple(vec![s("a"), n(1)]);
        assert_eq!(call(&passthrough(), v.clone()).unwrap(), v);
        assert_eq!(call(&issensitive(), s("x")).unwrap(), Value::Bool(false));
        let u = Value::unknown(Type::String, Why::Variable { name: "x".into() });
        assert!(!call(&issensitive(), u.clone()).unwrap().is_known());
        assert_eq!(call(&passthrough(), u).unwrap().ty(), Type::String);
    }

    #[test]
    fn quoting_as_go() {
        assert_eq!(
            go_quote("a\"b\\c\n\u{7}\u{1}é\u{a0}"),
            "\"a\\\"b\\\\c\\n\\a\\x01é\\u00a0\""
        );
    }
}
