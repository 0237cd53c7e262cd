//! Terraform's built-in functions that real trees use around tracing and IAM values.
//!
//! Semantics follow the Terraform function reference (developer.hashicorp.com/terraform/
//! language/functions). Functions whose results never matter to an X-Ray audit (hashes,
//! timestamps, UUIDs, CIDR math) evaluate to an unknown naming the function, so nothing
//! is guessed. `try`, `can` and `templatefile` need the evaluator and live there.

use super::value::{Map, Unknown, Value, format_number};
use std::sync::Arc;

/// What functions may ask of their surroundings.
pub trait FunctionEnv {
    /// Reads a file, given as Terraform would resolve it (relative to the root module).
    fn read_file(&self, path: &str) -> Result<Arc<str>, Unknown>;
    fn file_exists(&self, path: &str) -> Result<bool, Unknown>;
}

/// Functions that only move values around, so unknowns nested inside their arguments
/// pass through untouched; every other function needs fully known arguments.
const STRUCTURAL: &[&str] = &[
    "coalescelist",
    "concat",
    "element",
    "flatten",
    "keys",
    "length",
    "lookup",
    "merge",
    "one",
    "reverse",
    "slice",
    "tolist",
    "tomap",
    "values",
    "zipmap",
];

/// Functions deliberately not evaluated: their values never decide a finding.
const NOT_EVALUATED: &[&str] = &[
    "bcrypt",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "fileset",
    "md5",
    "rsadecrypt",
    "sha1",
    "sha256",
    "sha512",
    "base64sha256",
    "base64sha512",
    "timestamp",
    "plantimestamp",
    "timeadd",
    "timecmp",
    "formatdate",
    "uuid",
    "uuidv5",
    "yamldecode",
    "yamlencode",
    "csvdecode",
    "base64decode",
    "base64encode",
    "base64gzip",
    "textdecodebase64",
    "textencodebase64",
    "ephemeralasnull",
    "issensitive",
];

pub fn call(name: &str, args: Vec<Value>, env: &dyn FunctionEnv) -> Result<Value, String> {
    if NOT_EVALUATED.contains(&name) || name.starts_with("provider::") {
        return Ok(Value::unknown(Unknown::Function { name: name.into() }));
    }
    if name == "jsonencode" {
        // Encoded even when parts are unknown, so a policy's known statements stay readable.
        let arg = args.first().ok_or("jsonencode: needs one argument")?;
        let (json, unknown) = arg.to_json_marked();
        return Ok(match unknown {
            None => Value::string(json.to_string()),
            Some(cause) => Value::unknown(Unknown::Partial {
                text: json.to_string(),
                cause: Box::new(cause.plain()),
            }),
        });
    }
    let unknown = if STRUCTURAL.contains(&name) {
        args.iter().find_map(|a| a.as_unknown().cloned())
    } else {
        args.iter()
            .find_map(|a| a.first_unknown().map(|u| Arc::new(u.plain())))
    };
    if let Some(u) = unknown {
        // coalesce can still be decided when a known, usable argument comes first.
        if name != "coalesce" {
            return Ok(Value::Unknown(u));
        }
    }
    let a = Args { name, args: &args };
    match name {
        // numbers
        "abs" => num1(&a, f64::abs),
        "ceil" => num1(&a, f64::ceil),
        "floor" => num1(&a, f64::floor),
        "signum" => num1(&a, f64::signum),
        "max" => fold_numbers(&a, f64::max),
        "min" => fold_numbers(&a, f64::min),
        "pow" => Ok(Value::Number(a.number(0)?.powf(a.number(1)?))),
        "parseint" => {
            let base = a.number(1)? as u32;
            i64::from_str_radix(&a.text(0)?, base)
                .map(|n| Value::Number(n as f64))
                .map_err(|e| format!("parseint: {e}"))
        }
        // strings
        "chomp" => str1(&a, |s| s.trim_end_matches(['\n', '\r']).to_string()),
        "lower" => str1(&a, |s| s.to_lowercase()),
        "upper" => str1(&a, |s| s.to_uppercase()),
        "title" => str1(&a, title_case),
        "strrev" => str1(&a, |s| s.chars().rev().collect()),
        "trimspace" => str1(&a, |s| s.trim().to_string()),
        "trim" => {
            let cut = a.text(1)?;
            Ok(Value::string(a.text(0)?.trim_matches(|c| cut.contains(c))))
        }
        "trimprefix" => {
            let (s, p) = (a.text(0)?, a.text(1)?);
            Ok(Value::string(s.strip_prefix(p.as_str()).unwrap_or(&s)))
        }
        "trimsuffix" => {
            let (s, p) = (a.text(0)?, a.text(1)?);
            Ok(Value::string(s.strip_suffix(p.as_str()).unwrap_or(&s)))
        }
        "startswith" => Ok(Value::Bool(a.text(0)?.starts_with(&a.text(1)?))),
        "endswith" => Ok(Value::Bool(a.text(0)?.ends_with(&a.text(1)?))),
        "strcontains" => Ok(Value::Bool(a.text(0)?.contains(&a.text(1)?))),
        "indent" => {
            let pad = " ".repeat(a.number(0)? as usize);
            let s = a.text(1)?;
            Ok(Value::string(s.replace('\n', &format!("\n{pad}"))))
        }
        "join" => {
            let sep = a.text(0)?;
            let mut parts = Vec::new();
            for list in &args[1..] {
                for v in a.list_of(list)? {
                    parts.push(v.to_text()?);
                }
            }
            Ok(Value::string(parts.join(&sep)))
        }
        "split" => {
            let (sep, s) = (a.text(0)?, a.text(1)?);
            if s.is_empty() {
                return Ok(Value::list(vec![Value::string("")]));
            }
            Ok(Value::list(
                s.split(sep.as_str()).map(Value::string).collect(),
            ))
        }
        "substr" => {
            let s: Vec<char> = a.text(0)?.chars().collect();
            let len = s.len() as i64;
            let mut off = a.number(1)? as i64;
            if off < 0 {
                off += len;
            }
            let off = off.clamp(0, len) as usize;
            let n = a.number(2)? as i64;
            let end = if n < 0 {
                s.len()
            } else {
                (off + n as usize).min(s.len())
            };
            Ok(Value::string(s[off..end].iter().collect::<String>()))
        }
        "replace" => {
            let (s, from, to) = (a.text(0)?, a.text(1)?, a.text(2)?);
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                let re = regex(&from[1..from.len() - 1])?;
                Ok(Value::string(re.replace_all(&s, to.as_str()).as_ref()))
            } else {
                Ok(Value::string(s.replace(&from, &to)))
            }
        }
        "regex" => {
            let re = regex(&a.text(0)?)?;
            let s = a.text(1)?;
            let caps = re
                .captures(&s)
                .ok_or_else(|| "regex: pattern did not match any part of the string".to_string())?;
            Ok(captures_value(&re, &caps))
        }
        "regexall" => {
            let re = regex(&a.text(0)?)?;
            let s = a.text(1)?;
            Ok(Value::list(
                re.captures_iter(&s)
                    .map(|c| captures_value(&re, &c))
                    .collect(),
            ))
        }
        "format" => format(&a.text(0)?, &args[1..]).map(Value::string),
        "formatlist" => formatlist(&a),
        "urlencode" => str1(&a, urlencode),
        // collections
        "length" => match a.get(0)? {
            Value::String(s) => Ok(Value::Number(s.chars().count() as f64)),
            Value::List(l) => Ok(Value::Number(l.len() as f64)),
            Value::Object(m) => Ok(Value::Number(m.len() as f64)),
            other => Err(format!(
                "length: cannot take the length of a {}",
                other.type_name()
            )),
        },
        "concat" => {
            let mut out = Vec::new();
            for v in &args {
                out.extend(a.list_of(v)?);
            }
            Ok(Value::list(out))
        }
        "merge" => {
            let mut out = Map::new();
            for v in &args {
                match v {
                    Value::Null => {}
                    Value::Object(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    other => {
                        return Err(format!(
                            "merge: arguments must be maps or objects, not a {}",
                            other.type_name()
                        ));
                    }
                }
            }
            Ok(Value::object(out))
        }
        "lookup" => {
            let map = a.map(0)?;
            let key = a.text(1)?;
            match map.get(&key) {
                Some(v) => Ok(v.clone()),
                None => args.get(2).cloned().ok_or_else(|| {
                    format!("lookup: the map has no key \"{key}\" and no default was given")
                }),
            }
        }
        "keys" => {
            let mut keys: Vec<String> = a.map(0)?.keys().cloned().collect();
            keys.sort();
            Ok(Value::list(keys.into_iter().map(Value::string).collect()))
        }
        "values" => {
            let map = a.map(0)?;
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Ok(Value::list(
                keys.into_iter().map(|k| map[k].clone()).collect(),
            ))
        }
        "contains" => {
            let list = a.list(0)?;
            Ok(Value::Bool(list.iter().any(|v| v.equals(&args[1]))))
        }
        "element" => {
            let list = a.list(0)?;
            if list.is_empty() {
                return Err("element: cannot use element() on an empty list".into());
            }
            let i = a.number(1)? as usize % list.len();
            Ok(list[i].clone())
        }
        "index" => {
            let list = a.list(0)?;
            list.iter()
                .position(|v| v.equals(&args[1]))
                .map(|i| Value::Number(i as f64))
                .ok_or_else(|| "index: the value is not in the list".to_string())
        }
        "one" => {
            let list = a.list(0)?;
            match list.len() {
                0 => Ok(Value::Null),
                1 => Ok(list[0].clone()),
                n => Err(format!(
                    "one: the list must have zero or one elements, it has {n}"
                )),
            }
        }
        "flatten" => {
            let mut out = Vec::new();
            flatten_into(&args[0], &mut out)?;
            Ok(Value::list(out))
        }
        "compact" => Ok(Value::list(
            a.list(0)?
                .into_iter()
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .collect(),
        )),
        "distinct" | "toset" => {
            let mut out: Vec<Value> = Vec::new();
            for v in a.list_of(a.get(0)?)? {
                if !out.iter().any(|o| o.equals(&v)) {
                    out.push(v);
                }
            }
            Ok(Value::list(out))
        }
        "setunion" => {
            let mut out: Vec<Value> = Vec::new();
            for arg in &args {
                for v in a.list_of(arg)? {
                    if !out.iter().any(|o| o.equals(&v)) {
                        out.push(v);
                    }
                }
            }
            Ok(Value::list(out))
        }
        "setintersection" => {
            let mut out = a.list(0)?;
            for arg in &args[1..] {
                let other = a.list_of(arg)?;
                out.retain(|v| other.iter().any(|o| o.equals(v)));
            }
            Ok(Value::list(out))
        }
        "setsubtract" => {
            let other = a.list(1)?;
            Ok(Value::list(
                a.list(0)?
                    .into_iter()
                    .filter(|v| !other.iter().any(|o| o.equals(v)))
                    .collect(),
            ))
        }
        "reverse" => Ok(Value::list(a.list(0)?.into_iter().rev().collect())),
        "slice" => {
            let list = a.list(0)?;
            let (from, to) = (a.number(1)? as usize, a.number(2)? as usize);
            if from > to || to > list.len() {
                return Err(format!("slice: indices {from}..{to} are out of range"));
            }
            Ok(Value::list(list[from..to].to_vec()))
        }
        "sort" => {
            let mut items: Vec<String> = a
                .list(0)?
                .iter()
                .map(Value::to_text)
                .collect::<Result<_, _>>()?;
            items.sort();
            Ok(Value::list(items.into_iter().map(Value::string).collect()))
        }
        "range" => range(&a),
        "sum" => {
            let mut total = 0.0;
            for v in a.list(0)? {
                total += v.to_number()?;
            }
            Ok(Value::Number(total))
        }
        "alltrue" => Ok(Value::Bool(
            a.list(0)?
                .iter()
                .map(Value::to_bool)
                .collect::<Result<Vec<_>, _>>()?
                .iter()
                .all(|b| *b),
        )),
        "anytrue" => Ok(Value::Bool(
            a.list(0)?
                .iter()
                .map(Value::to_bool)
                .collect::<Result<Vec<_>, _>>()?
                .iter()
                .any(|b| *b),
        )),
        "coalesce" => {
            for v in &args {
                match v {
                    Value::Unknown(_) => return Ok(v.clone()),
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    other => return Ok(other.clone()),
                }
            }
            Err("coalesce: no non-null, non-empty argument".into())
        }
        "coalescelist" => {
            for v in &args {
                if let Value::List(l) = v
                    && !l.is_empty()
                {
                    return Ok(v.clone());
                }
            }
            Err("coalescelist: no non-empty list argument".into())
        }
        "zipmap" => {
            let keys = a.list(0)?;
            let values = a.list(1)?;
            let mut out = Map::new();
            for (k, v) in keys.iter().zip(values) {
                out.insert(k.to_text()?, v);
            }
            Ok(Value::object(out))
        }
        "chunklist" => {
            let list = a.list(0)?;
            let size = (a.number(1)? as usize).max(1);
            Ok(Value::list(
                list.chunks(size).map(|c| Value::list(c.to_vec())).collect(),
            ))
        }
        // conversions
        "tostring" => match a.get(0)? {
            Value::Null => Ok(Value::Null),
            v => v.to_text().map(Value::string),
        },
        "tonumber" => match a.get(0)? {
            Value::Null => Ok(Value::Null),
            v => v.to_number().map(Value::Number),
        },
        "tobool" => match a.get(0)? {
            Value::Null => Ok(Value::Null),
            v => v.to_bool().map(Value::Bool),
        },
        "tolist" => Ok(Value::list(a.list_of(a.get(0)?)?)),
        "tomap" => Ok(Value::object(a.map(0)?)),
        "jsondecode" => {
            let text = a.text(0)?;
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("jsondecode: {e}"))?;
            Ok(Value::from_json(&json))
        }
        // filesystem
        "file" => match env.read_file(&a.text(0)?) {
            Ok(text) => Ok(Value::String(text)),
            Err(u) => Ok(Value::unknown(u)),
        },
        "fileexists" => match env.file_exists(&a.text(0)?) {
            Ok(b) => Ok(Value::Bool(b)),
            Err(u) => Ok(Value::unknown(u)),
        },
        "basename" => str1(&a, |s| s.rsplit('/').next().unwrap_or("").to_string()),
        "dirname" => str1(&a, |s| match s.rfind('/') {
            Some(0) => "/".to_string(),
            Some(i) => s[..i].to_string(),
            None => ".".to_string(),
        }),
        "abspath" | "pathexpand" => Ok(a.get(0)?.clone()),
        "sensitive" | "nonsensitive" => Ok(a.get(0)?.clone()),
        _ => Ok(Value::unknown(Unknown::Function { name: name.into() })),
    }
}

struct Args<'a> {
    name: &'a str,
    args: &'a [Value],
}

impl Args<'_> {
    fn get(&self, i: usize) -> Result<&Value, String> {
        self.args
            .get(i)
            .ok_or_else(|| format!("{}: missing argument {}", self.name, i + 1))
    }

    fn text(&self, i: usize) -> Result<String, String> {
        self.get(i)?
            .to_text()
            .map_err(|e| format!("{}: {e}", self.name))
    }

    fn number(&self, i: usize) -> Result<f64, String> {
        self.get(i)?
            .to_number()
            .map_err(|e| format!("{}: {e}", self.name))
    }

    fn list(&self, i: usize) -> Result<Vec<Value>, String> {
        self.list_of(self.get(i)?)
    }

    fn list_of(&self, v: &Value) -> Result<Vec<Value>, String> {
        match v {
            Value::List(l) => Ok(l.to_vec()),
            Value::Object(m) if self.name == "toset" || self.name == "tolist" => {
                Ok(m.values().cloned().collect())
            }
            other => Err(format!(
                "{}: expected a list, got a {}",
                self.name,
                other.type_name()
            )),
        }
    }

    fn map(&self, i: usize) -> Result<Map, String> {
        match self.get(i)? {
            Value::Object(m) => Ok((**m).clone()),
            Value::Resource(r) => Ok(r.attrs.clone()),
            other => Err(format!(
                "{}: expected a map, got a {}",
                self.name,
                other.type_name()
            )),
        }
    }
}

fn num1(a: &Args, f: fn(f64) -> f64) -> Result<Value, String> {
    Ok(Value::Number(f(a.number(0)?)))
}

fn str1(a: &Args, f: impl Fn(&str) -> String) -> Result<Value, String> {
    Ok(Value::string(f(&a.text(0)?)))
}

fn fold_numbers(a: &Args, f: fn(f64, f64) -> f64) -> Result<Value, String> {
    let mut nums = Vec::new();
    for v in a.args {
        nums.push(v.to_number()?);
    }
    nums.into_iter()
        .reduce(f)
        .map(Value::Number)
        .ok_or_else(|| format!("{}: needs at least one number", a.name))
}

fn range(a: &Args) -> Result<Value, String> {
    let nums: Vec<f64> = a
        .args
        .iter()
        .map(Value::to_number)
        .collect::<Result<_, _>>()?;
    let (start, end, step) = match nums.as_slice() {
        [end] => (0.0, *end, 1.0),
        [start, end] => (*start, *end, if end >= start { 1.0 } else { -1.0 }),
        [start, end, step] => (*start, *end, *step),
        _ => return Err("range: takes one to three numbers".into()),
    };
    if step == 0.0 {
        return Err("range: step must not be zero".into());
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        out.push(Value::Number(x));
        x += step;
        if out.len() > 1_000_000 {
            return Err("range: more than a million elements".into());
        }
    }
    Ok(Value::list(out))
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) -> Result<(), String> {
    match v {
        Value::List(items) => {
            for item in items.iter() {
                match item {
                    Value::List(_) => flatten_into(item, out)?,
                    other => out.push(other.clone()),
                }
            }
            Ok(())
        }
        Value::Unknown(_) => {
            out.push(v.clone());
            Ok(())
        }
        other => Err(format!(
            "flatten: expected a list, got a {}",
            other.type_name()
        )),
    }
}

fn regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| format!("invalid regular expression: {e}"))
}

fn captures_value(re: &regex::Regex, caps: &regex::Captures) -> Value {
    let text = |m: Option<regex::Match>| m.map_or(Value::Null, |m| Value::string(m.as_str()));
    if re.captures_len() == 1 {
        return text(caps.get(0));
    }
    if re.capture_names().flatten().next().is_some() {
        let mut map = Map::new();
        for name in re.capture_names().flatten() {
            map.insert(name.to_string(), text(caps.name(name)));
        }
        return Value::object(map);
    }
    Value::list((1..re.captures_len()).map(|i| text(caps.get(i))).collect())
}

fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Go-style `format` verbs as Terraform documents them: %s %d %f %t %q %v %#v %%.
fn format(spec: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if f.is_ascii_digit() || f == '.' || f == '-' || f == '+' || f == '#' || f == ' ' {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars.next().ok_or("format: the spec ends with a lone %")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args
            .get(next)
            .ok_or_else(|| format!("format: not enough arguments for \"{spec}\""))?;
        next += 1;
        let precision = flags
            .split('.')
            .nth(1)
            .and_then(|p| p.parse::<usize>().ok());
        let piece = match verb {
            's' => arg.to_text()?,
            'd' => format_number(arg.to_number()?.trunc()),
            'f' => format!("{:.*}", precision.unwrap_or(6), arg.to_number()?),
            't' => arg.to_bool()?.to_string(),
            'q' => format!("{:?}", arg.to_text()?),
            'v' if flags.contains('#') => arg.to_json().map_err(|u| u.describe())?.to_string(),
            'v' => match arg {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => arg.to_text()?,
                other => other.to_json().map_err(|u| u.describe())?.to_string(),
            },
            other => return Err(format!("format: unsupported verb %{other}")),
        };
        let width: usize = flags
            .trim_start_matches(['-', '+', '#', ' '])
            .split('.')
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        if flags.starts_with('-') {
            out.push_str(&format!("{piece:<width$}"));
        } else if flags.starts_with('0') && matches!(verb, 'd' | 'f') {
            out.push_str(&format!("{piece:0>width$}"));
        } else {
            out.push_str(&format!("{piece:>width$}"));
        }
    }
    Ok(out)
}

fn formatlist(a: &Args) -> Result<Value, String> {
    let spec = a.text(0)?;
    let rest = &a.args[1..];
    let len = rest
        .iter()
        .filter_map(|v| match v {
            Value::List(l) => Some(l.len()),
            _ => None,
        })
        .max()
        .unwrap_or(1);
    let mut out = Vec::new();
    for i in 0..len {
        let row: Vec<Value> = rest
            .iter()
            .map(|v| match v {
                Value::List(l) => l.get(i).cloned().unwrap_or(Value::Null),
                other => other.clone(),
            })
            .collect();
        out.push(Value::string(format(&spec, &row)?));
    }
    Ok(Value::list(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoFiles;
    impl FunctionEnv for NoFiles {
        fn read_file(&self, path: &str) -> Result<Arc<str>, Unknown> {
            Err(Unknown::File {
                path: path.into(),
                why: "no files in this test".into(),
            })
        }
        fn file_exists(&self, _: &str) -> Result<bool, Unknown> {
            Ok(false)
        }
    }

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn run(name: &str, args: Vec<Value>) -> Value {
        call(name, args, &NoFiles).unwrap()
    }

    #[test]
    fn string_functions() {
        assert_eq!(
            run("format", vec![s("%s-%03d"), s("fn"), Value::Number(7.0)]).to_string(),
            "\"fn-007\""
        );
        assert_eq!(
            run("replace", vec![s("a-b-c"), s("-"), s("_")]).to_string(),
            "\"a_b_c\""
        );
        assert_eq!(
            run("replace", vec![s("abc123"), s("/[0-9]+/"), s("#")]).to_string(),
            "\"abc#\""
        );
        assert_eq!(
            run("join", vec![s(","), Value::list(vec![s("a"), s("b")])]).to_string(),
            "\"a,b\""
        );
        assert_eq!(
            run("split", vec![s(","), s("a,b")]).to_string(),
            "[\"a\", \"b\"]"
        );
        assert_eq!(run("lower", vec![s("AcTive")]).to_string(), "\"active\"");
        assert_eq!(
            run(
                "substr",
                vec![s("hello"), Value::Number(1.0), Value::Number(-1.0)]
            )
            .to_string(),
            "\"ello\""
        );
    }

    #[test]
    fn collection_functions() {
        let m = Value::object(Map::from([("mode".into(), s("Active"))]));
        assert_eq!(
            run("lookup", vec![m.clone(), s("mode"), s("x")]).to_string(),
            "\"Active\""
        );
        assert_eq!(
            run("lookup", vec![m.clone(), s("nope"), s("x")]).to_string(),
            "\"x\""
        );
        assert!(call("lookup", vec![m.clone(), s("nope")], &NoFiles).is_err());
        assert_eq!(run("keys", vec![m.clone()]).to_string(), "[\"mode\"]");
        assert_eq!(run("one", vec![Value::list(vec![])]).to_string(), "null");
        assert_eq!(
            run("coalesce", vec![Value::Null, s(""), s("b")]).to_string(),
            "\"b\""
        );
        assert_eq!(
            run(
                "flatten",
                vec![Value::list(vec![Value::list(vec![s("a")]), s("b")])]
            )
            .to_string(),
            "[\"a\", \"b\"]"
        );
        assert_eq!(
            run("contains", vec![Value::list(vec![s("a")]), s("a")]).to_string(),
            "true"
        );
        assert_eq!(
            run("merge", vec![m.clone(), Value::Null]).to_string(),
            "{mode = \"Active\"}"
        );
    }

    #[test]
    fn json_round_trip() {
        let j = run(
            "jsondecode",
            vec![s(r#"{"Statement":[{"Effect":"Allow"}]}"#)],
        );
        let back = run("jsonencode", vec![j]);
        assert_eq!(
            back.as_str().unwrap(),
            r#"{"Statement":[{"Effect":"Allow"}]}"#
        );
    }

    #[test]
    fn unknowns_propagate_but_structural_functions_keep_them_inside() {
        let u = Value::unknown(Unknown::Variable { name: "x".into() });
        assert!(run("upper", vec![u.clone()]).as_unknown().is_some());
        let len = run("length", vec![Value::list(vec![u.clone(), s("a")])]);
        assert_eq!(len.to_string(), "2");
        let partial = run("jsonencode", vec![Value::list(vec![u, s("x")])]);
        match partial.as_unknown().map(|u| &**u) {
            Some(Unknown::Partial { text, .. }) => assert_eq!(text, r#"["«unknown»","x"]"#),
            other => panic!("{other:?}"),
        }
        assert!(run("sha256", vec![s("a")]).as_unknown().is_some());
    }
}
