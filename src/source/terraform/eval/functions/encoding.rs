//! Functions: encoding, hashing, identifiers and IP networks.
//!
//! - From cty's stdlib (go-cty 1.12), checked against the referee: `jsonencode`,
//!   `jsondecode` (`function/stdlib/json.go` with the `cty/json` package) and
//!   `csvdecode` (`function/stdlib/csv.go`, Go's `encoding/csv`).
//! - Terraform's own (developer.hashicorp.com/terraform/language/functions/NAME):
//!   `yamldecode`/`yamlencode` (go-cty-yaml), `base64encode`, `base64decode`,
//!   `base64gzip`, `textencodebase64`, `textdecodebase64`, `urlencode`, the hashes
//!   (`md5`, `sha1`, `sha256`, `sha512`, `base64sha256`, `base64sha512`), `uuid`,
//!   `uuidv5`, `bcrypt`, `rsadecrypt` and the IP network functions (`cidrhost`,
//!   `cidrnetmask`, `cidrsubnet`, `cidrsubnets`).
//!
//! What differs from Terraform, by design or for lack of the same library:
//! - `uuid`, `bcrypt` and `rsadecrypt` are unknown (random, or needing a private key at
//!   apply); their arguments are still checked where Terraform checks them.
//! - `base64gzip` compresses with flate2 (zlib's algorithm), not Go's `compress/flate`:
//!   the gzip header is Go's (no name, mtime 0, OS 255) and the data decompresses to the
//!   same text, but the compressed bytes of long or repetitive texts may differ.
//! - `textencodebase64`/`textdecodebase64` know UTF-8, UTF-16, UTF-16LE, UTF-16BE,
//!   ISO-8859-1 and US-ASCII (with their IANA aliases); other encoding names give an
//!   unknown string rather than Terraform's result or error.
//! - `yamldecode` parses with yaml-rust2 (a YAML 1.2 parser) where go-cty-yaml uses a
//!   port of libyaml (YAML 1.1): documents that only one of the two accepts behave
//!   differently. Scalars are resolved exactly as go-cty-yaml resolves them (`yes`,
//!   `on`, `y` are booleans; `1_000` is a number; unquoted timestamps become RFC 3339
//!   strings; `<<` merges mappings).
//! - `yamlencode` is our own port of the libyaml emitter behaviour go-cty-yaml relies on
//!   (block style, double-quoted strings, literal blocks for multi-line text, folding at
//!   80 columns, `...` after a top-level plain scalar). Infinities print as `+Inf`/`-Inf`.

use super::registry::Registry;
use super::{FnError, Function, Param, Result, Returns};
use crate::source::terraform::cty::convert::convert;
use crate::source::terraform::cty::number::PARSE_PREC;
use crate::source::terraform::cty::{BigFloat, Type, Value, Why};
use base64::Engine as _;
use num_bigint::{BigInt, Sign};
use num_traits::{One, Signed, Zero};
use std::collections::BTreeMap;

/// A function of one string (`str`) returning a string: `string_fn!(|s| body)`.
macro_rules! string_fn {
    (|$s:ident| $body:expr) => {
        Function {
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            returns: Returns::Static(Type::String),
            imp: |_, a, _| {
                let $s: &str = text(&a[0]);
                $body
            },
        }
    };
}

pub fn register(m: &mut Registry) {
    m.insert("jsonencode", jsonencode());
    m.insert("jsondecode", jsondecode());
    m.insert("csvdecode", csvdecode());
    m.insert("yamldecode", yamldecode());
    m.insert("yamlencode", yamlencode());
    // developer.hashicorp.com/terraform/language/functions/base64encode: the UTF-8
    // bytes of the text in standard Base64.
    m.insert(
        "base64encode",
        string_fn!(|s| Ok(Value::string(b64(s.as_bytes())))),
    );
    m.insert("base64decode", string_fn!(|s| base64decode(s)));
    m.insert("base64gzip", string_fn!(|s| base64gzip(s)));
    m.insert("textencodebase64", textencodebase64());
    m.insert("textdecodebase64", textdecodebase64());
    // developer.hashicorp.com/terraform/language/functions/urlencode: Go's
    // `url.QueryEscape`.
    m.insert("urlencode", string_fn!(|s| Ok(Value::string(urlencode(s)))));
    // developer.hashicorp.com/terraform/language/functions/md5 (sha1, sha256, sha512):
    // the hash of the UTF-8 bytes in lowercase hex; base64sha256, base64sha512: in Base64.
    m.insert(
        "md5",
        string_fn!(|s| Ok(Value::string(hash_hex(Hash::Md5, s.as_bytes())))),
    );
    m.insert(
        "sha1",
        string_fn!(|s| Ok(Value::string(hash_hex(Hash::Sha1, s.as_bytes())))),
    );
    m.insert(
        "sha256",
        string_fn!(|s| Ok(Value::string(hash_hex(Hash::Sha256, s.as_bytes())))),
    );
    m.insert(
        "sha512",
        string_fn!(|s| Ok(Value::string(hash_hex(Hash::Sha512, s.as_bytes())))),
    );
    m.insert(
        "base64sha256",
        string_fn!(|s| Ok(Value::string(b64(&hash(Hash::Sha256, s.as_bytes()))))),
    );
    m.insert(
        "base64sha512",
        string_fn!(|s| Ok(Value::string(b64(&hash(Hash::Sha512, s.as_bytes()))))),
    );
    m.insert("uuid", uuid());
    m.insert("uuidv5", uuidv5());
    m.insert("bcrypt", bcrypt());
    m.insert("rsadecrypt", rsadecrypt());
    m.insert("cidrhost", cidrhost());
    m.insert("cidrnetmask", cidrnetmask());
    m.insert("cidrsubnet", cidrsubnet());
    m.insert("cidrsubnets", cidrsubnets());
}

fn text(v: &Value) -> &str {
    v.as_str().expect("converted to string")
}

// ---------------------------------------------------------------------------------------
// JSON (cty's stdlib and `cty/json`)
// ---------------------------------------------------------------------------------------

/// `jsonencode(val)` (cty stdlib `JSONEncodeFunc`): the value as JSON, as Go's
/// `encoding/json` writes it (object keys sorted; `<`, `>`, `&`, U+2028 and U+2029
/// escaped; numbers as cty prints them). Unknown while any part is unknown.
fn jsonencode() -> Function {
    Function {
        params: vec![Param::new("val", Type::Dynamic).dynamic().null()],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let v = &args[0];
            let mut out = String::new();
            let mut unknown = None;
            json_write(v, &mut out, &mut unknown)?;
            Ok(match unknown {
                None => Value::string(out),
                // cty: an unknown string. xray-setup keeps the JSON with marks where the
                // unknown parts are, so a policy's known statements stay readable.
                Some(cause) => Value::unknown(
                    Type::String,
                    Why::Partial {
                        text: out,
                        cause: Box::new(cause.plain()),
                    },
                ),
            })
        },
    }
}

/// Go's `json.Marshal` of a string (HTML-safe escaping, Go 1.19).
pub(super) fn json_quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes JSON as cty's encoder does; an unknown part is written as its mark (see
/// `Why::Partial`) and the first one is kept in `unknown`.
fn json_write(v: &Value, out: &mut String, unknown: &mut Option<Why>) -> Result<()> {
    if !v.is_known() {
        let why = v.why().unwrap_or(Why::Function {
            name: "jsonencode".into(),
        });
        json_quote(
            crate::source::terraform::eval::engine::template::mark(&why),
            out,
        );
        unknown.get_or_insert(why);
        return Ok(());
    }
    match v {
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_inf() {
                return Err(FnError::new("cannot serialize infinity as JSON"));
            }
            out.push_str(&n.to_text());
        }
        Value::String(s) => json_quote(s, out),
        Value::List(_) | Value::Set(_) | Value::Tuple(_) => {
            out.push('[');
            for (i, e) in v.items().unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_write(e, out, unknown)?;
            }
            out.push(']');
        }
        Value::Map(_) | Value::Object(_) => {
            out.push('{');
            for (i, (k, e)) in v.entries().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_quote(k, out);
                out.push(':');
                json_write(e, out, unknown)?;
            }
            out.push('}');
        }
        Value::Unknown(_) | Value::Resource(_) => unreachable!("handled above"),
    }
    Ok(())
}

/// A JSON document parsed as Go's `json.Decoder` reads it for cty.
#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Later duplicates replace earlier ones, as cty's decoder does.
    Object(BTreeMap<String, Json>),
}

struct JsonParser<'a> {
    s: &'a [u8],
    i: usize,
}

fn is_json_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

impl JsonParser<'_> {
    fn err<T>(&self, msg: &str) -> std::result::Result<T, String> {
        Err(msg.to_string())
    }

    fn skip_space(&mut self) {
        while self.i < self.s.len() && is_json_space(self.s[self.i]) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn invalid(&self) -> std::result::Result<Json, String> {
        match self.peek() {
            None => self.err("unexpected EOF"),
            Some(c) => Err(format!(
                "invalid character {} looking for beginning of value",
                go_char(c)
            )),
        }
    }

    fn value(&mut self) -> std::result::Result<Json, String> {
        self.skip_space();
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut attrs = BTreeMap::new();
                self.skip_space();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Json::Object(attrs));
                }
                loop {
                    self.skip_space();
                    if self.peek() != Some(b'"') {
                        return match self.peek() {
                            None => self.err("unexpected EOF"),
                            Some(c) => Err(format!(
                                "invalid character {} looking for beginning of object key string",
                                go_char(c)
                            )),
                        };
                    }
                    let k = self.string()?;
                    self.skip_space();
                    match self.peek() {
                        Some(b':') => self.i += 1,
                        None => return self.err("unexpected EOF"),
                        Some(c) => {
                            return Err(format!(
                                "invalid character {} after object key",
                                go_char(c)
                            ));
                        }
                    }
                    let v = self.value()?;
                    attrs.insert(k, v);
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Object(attrs));
                        }
                        None => return self.err("unexpected EOF"),
                        Some(c) => {
                            return Err(format!(
                                "invalid character {} after object key:value pair",
                                go_char(c)
                            ));
                        }
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Array(items));
                        }
                        None => return self.err("unexpected EOF"),
                        Some(c) => {
                            return Err(format!(
                                "invalid character {} after array element",
                                go_char(c)
                            ));
                        }
                    }
                }
            }
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.invalid(),
        }
    }

    fn literal(&mut self, word: &str, v: Json) -> std::result::Result<Json, String> {
        for (k, want) in word.bytes().enumerate() {
            match self.peek() {
                Some(c) if c == want => self.i += 1,
                None => return self.err("unexpected EOF"),
                Some(c) => {
                    return Err(format!(
                        "invalid character {} in literal {word} (expecting {})",
                        go_char(c),
                        go_char(word.as_bytes()[k])
                    ));
                }
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> std::result::Result<Json, String> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            p.i > from
        };
        let bad = |p: &Self, what: &str| match p.peek() {
            None => Err("unexpected EOF".to_string()),
            Some(c) => Err(format!("invalid character {} {what}", go_char(c))),
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return bad(self, "in numeric literal"),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !digits(self) {
                return bad(self, "after decimal point in numeric literal");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return bad(self, "in exponent of numeric literal");
            }
        }
        Ok(Json::Number(
            String::from_utf8_lossy(&self.s[start..self.i]).into_owned(),
        ))
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let v = u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
        if !h.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        self.i += 4;
        Some(v)
    }

    fn string(&mut self) -> std::result::Result<String, String> {
        self.i += 1; // the opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return self.err("unexpected EOF");
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return self.err("unexpected EOF");
                    };
                    self.i += 1;
                    let simple = match e {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        _ => {
                            return Err(format!(
                                "invalid character {} in string escape code",
                                go_char(e)
                            ));
                        }
                    };
                    if let Some(b) = simple {
                        out.push(b);
                        continue;
                    }
                    let Some(u) = self.hex4() else {
                        let bad = self.s[self.i..]
                            .iter()
                            .take(4)
                            .find(|c| !c.is_ascii_hexdigit());
                        return match bad {
                            Some(&c) => Err(format!(
                                "invalid character {} in \\u hexadecimal character escape",
                                go_char(c)
                            )),
                            None => self.err("unexpected EOF"),
                        };
                    };
                    let mut ch = char::from_u32(u);
                    if (0xd800..0xdc00).contains(&u) {
                        // A surrogate pair, if a low surrogate follows; else U+FFFD.
                        let save = self.i;
                        ch = None;
                        if self.s.get(self.i..self.i + 2) == Some(b"\\u") {
                            self.i += 2;
                            match self.hex4() {
                                Some(lo) if (0xdc00..0xe000).contains(&lo) => {
                                    ch = char::from_u32(
                                        0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00),
                                    );
                                }
                                _ => self.i = save,
                            }
                        }
                    }
                    let ch = ch.unwrap_or('\u{fffd}');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c if c < 0x20 => {
                    return Err(format!(
                        "invalid character {} in string literal",
                        go_char(c)
                    ));
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

/// Go's `quoteChar` for JSON syntax errors.
fn go_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        c => {
            let q = super::conversion::go_quote(&(c as char).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    if s.is_ascii() {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

/// Parses a JSON document as cty's `jsondecode` accepts it: one value, optionally
/// followed by whitespace; Go's decoder also stops quietly at a `]` or `}` after it.
fn json_parse(src: &str) -> std::result::Result<Json, String> {
    let mut p = JsonParser {
        s: src.as_bytes(),
        i: 0,
    };
    p.skip_space();
    if p.peek().is_none() {
        return Err("EOF".into());
    }
    let v = p.value()?;
    p.skip_space();
    match p.peek() {
        None | Some(b']' | b'}') => Ok(v),
        Some(_) => Err("extraneous data after JSON object".into()),
    }
}

fn json_type(j: &Json) -> Type {
    match j {
        Json::Null => Type::Dynamic,
        Json::Bool(_) => Type::Bool,
        Json::Number(_) => Type::Number,
        Json::String(_) => Type::String,
        Json::Array(items) => Type::tuple(items.iter().map(json_type).collect()),
        Json::Object(attrs) => {
            Type::object(attrs.iter().map(|(k, v)| (nfc(k), json_type(v))).collect())
        }
    }
}

fn json_value(j: &Json) -> std::result::Result<Value, String> {
    Ok(match j {
        Json::Null => Value::null(),
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            Value::number(BigFloat::parse(n, PARSE_PREC).ok_or("a number is required")?)
        }
        Json::String(s) => Value::string(s),
        Json::Array(items) => Value::tuple(
            items
                .iter()
                .map(json_value)
                .collect::<std::result::Result<_, _>>()?,
        ),
        Json::Object(attrs) => Value::object(
            attrs
                .iter()
                .map(|(k, v)| {
                    // cty's decoder looks the raw key up among the (normalized) attribute
                    // names of the implied type: a key not in NFC is not found.
                    if nfc(k) != *k {
                        return Err(format!(
                            "unsupported attribute {}",
                            super::conversion::go_quote(k)
                        ));
                    }
                    Ok((k.clone(), json_value(v)?))
                })
                .collect::<std::result::Result<_, String>>()?,
        ),
    })
}

/// `jsondecode(str)` (cty stdlib `JSONDecodeFunc`): the value a JSON document describes,
/// with the type it implies (objects, tuples, numbers parsed at 512 bits; `null` is a
/// null of unknown type).
fn jsondecode() -> Function {
    Function {
        params: vec![Param::new("str", Type::String)],
        var_param: None,
        returns: Returns::Computed(|args| {
            let Some(s) = args[0].as_str() else {
                return Ok(Type::Dynamic);
            };
            json_parse(s).map(|j| json_type(&j)).map_err(FnError::new)
        }),
        imp: |_, args, _| {
            let j = json_parse(text(&args[0])).map_err(FnError::new)?;
            json_value(&j).map_err(FnError::new)
        },
    }
}

// ---------------------------------------------------------------------------------------
// CSV (cty's stdlib over Go's encoding/csv)
// ---------------------------------------------------------------------------------------

/// Go's `encoding/csv` reader with its defaults (comma, no comments, strict quotes).
struct CsvReader<'a> {
    rest: &'a [u8],
    num_line: usize,
    fields_per_record: usize,
}

#[derive(Debug)]
enum CsvError {
    Eof,
    Parse { line: usize, msg: &'static str },
}

const ERR_BARE_QUOTE: &str = "bare \" in non-quoted-field";
const ERR_QUOTE: &str = "extraneous or missing \" in quoted-field";
const ERR_FIELD_COUNT: &str = "wrong number of fields";

impl CsvReader<'_> {
    /// One line with `\r\n` made `\n` (and a final `\r` dropped); `None` at the end.
    fn read_line(&mut self) -> Option<Vec<u8>> {
        if self.rest.is_empty() {
            return None;
        }
        let n = self
            .rest
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.rest.len(), |i| i + 1);
        let mut line = self.rest[..n].to_vec();
        let at_eof = n == self.rest.len() && line.last() != Some(&b'\n');
        self.rest = &self.rest[n..];
        if at_eof && line.last() == Some(&b'\r') {
            line.pop();
        }
        self.num_line += 1;
        let l = line.len();
        if l >= 2 && line[l - 2] == b'\r' && line[l - 1] == b'\n' {
            line.truncate(l - 2);
            line.push(b'\n');
        }
        Some(line)
    }

    fn read(&mut self) -> std::result::Result<Vec<String>, CsvError> {
        let nl = |l: &[u8]| usize::from(l.last() == Some(&b'\n'));
        let mut line = loop {
            match self.read_line() {
                None => return Err(CsvError::Eof),
                Some(l) if l.len() == nl(&l) => continue,
                Some(l) => break l,
            }
        };
        let rec_line = self.num_line;
        let mut fields: Vec<Vec<u8>> = Vec::new();
        let mut err = None;
        let mut pos_line = self.num_line;
        'fields: loop {
            if line.first() != Some(&b'"') {
                let i = line.iter().position(|&c| c == b',');
                let field = match i {
                    Some(i) => &line[..i],
                    None => &line[..line.len() - nl(&line)],
                };
                if field.contains(&b'"') {
                    err = Some(CsvError::Parse {
                        line: self.num_line,
                        msg: ERR_BARE_QUOTE,
                    });
                    break 'fields;
                }
                fields.push(field.to_vec());
                match i {
                    Some(i) => {
                        line = line[i + 1..].to_vec();
                        continue 'fields;
                    }
                    None => break 'fields,
                }
            }
            // A quoted field, possibly over several lines.
            let mut field = Vec::new();
            line = line[1..].to_vec();
            loop {
                if let Some(i) = line.iter().position(|&c| c == b'"') {
                    field.extend_from_slice(&line[..i]);
                    line = line[i + 1..].to_vec();
                    match line.first() {
                        Some(b'"') => {
                            field.push(b'"');
                            line = line[1..].to_vec();
                        }
                        Some(b',') => {
                            line = line[1..].to_vec();
                            fields.push(field);
                            continue 'fields;
                        }
                        _ if line.len() == nl(&line) => {
                            fields.push(field);
                            break 'fields;
                        }
                        _ => {
                            err = Some(CsvError::Parse {
                                line: self.num_line,
                                msg: ERR_QUOTE,
                            });
                            break 'fields;
                        }
                    }
                } else if !line.is_empty() {
                    field.extend_from_slice(&line);
                    line = self.read_line().unwrap_or_default();
                    if !line.is_empty() {
                        pos_line += 1;
                    }
                } else {
                    err = Some(CsvError::Parse {
                        line: pos_line,
                        msg: ERR_QUOTE,
                    });
                    break 'fields;
                }
            }
        }
        if let Some(e) = err {
            return Err(e);
        }
        if self.fields_per_record > 0 && fields.len() != self.fields_per_record {
            return Err(CsvError::Parse {
                line: rec_line,
                msg: ERR_FIELD_COUNT,
            });
        }
        self.fields_per_record = fields.len();
        Ok(fields
            .into_iter()
            .map(|f| String::from_utf8_lossy(&f).into_owned())
            .collect())
    }
}

fn csv_error(e: CsvError) -> FnError {
    match e {
        CsvError::Eof => FnError::new("EOF"),
        CsvError::Parse { line, msg } => {
            FnError::new(format!("CSV parse error on line {line}: {msg}"))
        }
    }
}

/// The header of a CSV document, as `csvdecode`'s type: a list of objects with one
/// string attribute per column.
fn csv_type(s: &str) -> Result<Type> {
    let mut r = CsvReader {
        rest: s.as_bytes(),
        num_line: 0,
        fields_per_record: 0,
    };
    let headers = match r.read() {
        Err(CsvError::Eof) => return Err(FnError::new("missing header line")),
        Err(e) => return Err(csv_error(e)),
        Ok(h) => h,
    };
    let mut attrs = BTreeMap::new();
    for name in headers {
        let name = nfc(&name);
        if attrs.contains_key(&name) {
            return Err(FnError::new(format!(
                "duplicate column name {}",
                super::conversion::go_quote(&name)
            )));
        }
        attrs.insert(name, Type::String);
    }
    Ok(Type::list(Type::object(attrs)))
}

/// `csvdecode(str)` (cty stdlib `CSVDecodeFunc`): the rows of an RFC 4180 document after
/// its header line, each an object of strings named by the header.
fn csvdecode() -> Function {
    Function {
        params: vec![Param::new("str", Type::String)],
        var_param: None,
        returns: Returns::Computed(|args| match args[0].as_str() {
            Some(s) => csv_type(s),
            None => Ok(Type::Dynamic),
        }),
        imp: |_, args, ret| {
            let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
            let n = ety.attributes().map_or(0, BTreeMap::len);
            let mut r = CsvReader {
                rest: text(&args[0]).as_bytes(),
                num_line: 0,
                fields_per_record: n,
            };
            let headers = r.read().map_err(csv_error)?;
            let mut rows = Vec::new();
            loop {
                match r.read() {
                    Err(CsvError::Eof) => break,
                    Err(e) => return Err(csv_error(e)),
                    Ok(cols) => rows.push(Value::object(
                        cols.iter()
                            .enumerate()
                            .map(|(i, c)| (nfc(&headers[i]), Value::string(c)))
                            .collect(),
                    )),
                }
            }
            Ok(Value::list(ety, rows))
        },
    }
}

// ---------------------------------------------------------------------------------------
// YAML (go-cty-yaml)
// ---------------------------------------------------------------------------------------

const YAML_TAG: &str = "tag:yaml.org,2002:";

/// A scalar as go-cty-yaml resolves it, or the merge key `<<`.
enum Scalar {
    Value(Value),
    Merge,
}

fn yaml_number(s: &str) -> Option<Value> {
    BigFloat::parse(s, PARSE_PREC).map(Value::number)
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint(s, 0, 64)`: sign, then `0x`, `0o`,
/// `0b` or a leading `0` for octal.
fn go_parse_int(s: &str) -> Option<Value> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() {
        return None;
    }
    let m = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        if m > 1 << 63 {
            return None;
        }
        return Some(Value::number(BigFloat::from_i64((m as i64).wrapping_neg())));
    }
    if m <= i64::MAX as u64 {
        return Some(Value::int(m as i64));
    }
    Some(Value::number(BigFloat::from_bigint(false, m.into())))
}

/// go-cty-yaml's `resolveScalar`: the value of a scalar from its tag, text and style.
fn resolve_scalar(tag: &str, src: &str, quoted: bool) -> std::result::Result<Scalar, String> {
    let short = tag.strip_prefix(YAML_TAG).map(|t| format!("!!{t}"));
    let tag_name = short.as_deref().unwrap_or(tag);
    if !matches!(
        tag_name,
        "" | "!!str"
            | "!!bool"
            | "!!int"
            | "!!float"
            | "!!null"
            | "!!timestamp"
            | "!!binary"
            | "!!merge"
    ) {
        return Err(format!(
            "unsupported tag {}",
            super::conversion::go_quote(tag)
        ));
    }
    let mut tag_name = tag_name.to_string();
    let hint = match src.as_bytes().first() {
        None => Some('N'),
        Some(b'+' | b'-') => Some('S'),
        Some(b'0'..=b'9') => Some('D'),
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => {
            Some('M')
        }
        Some(b'.') => Some('.'),
        _ => None,
    };
    let plain = src.replace('_', "");
    if let Some(hint) = hint
        && tag_name != "!!str"
        && tag_name != "!!binary"
    {
        if quoted {
            return Ok(Scalar::Value(Value::string(src)));
        }
        if let Some(v) = resolve_map(src) {
            return Ok(Scalar::Value(v));
        }
        if tag_name.is_empty() && matches!(src, ".nan" | ".NaN" | ".NAN") {
            return Err("floating point NaN is not supported".into());
        }
        match hint {
            '.' => {
                if let Some(n) = yaml_number(src) {
                    return Ok(Scalar::Value(n));
                }
            }
            'D' | 'S' => {
                if (tag_name.is_empty() || tag_name == "!!timestamp")
                    && let Some(t) = super::datetime::yaml_timestamp(src)
                {
                    return Ok(Scalar::Value(Value::string(t)));
                }
                if let Some(n) = yaml_number(&plain) {
                    return Ok(Scalar::Value(n));
                }
                if plain.starts_with("0b") || plain.starts_with("-0b") {
                    tag_name = "!!int".into();
                }
            }
            _ => {}
        }
    }
    if (tag_name.is_empty() && src == "<<") || tag_name == "!!merge" {
        return Ok(Scalar::Merge);
    }
    let cannot = |t: &str| {
        Err(format!(
            "cannot parse {} as {}",
            super::conversion::go_quote(src),
            super::conversion::go_quote(&format!("{YAML_TAG}{}", &t[2..]))
        ))
    };
    Ok(Scalar::Value(match tag_name.as_str() {
        "!!str" | "!!binary" => {
            if tag_name == "!!binary" && base64_std().decode(src).is_err() {
                return Err(format!(
                    "cannot parse {} as {YAML_TAG}binary: not valid base64",
                    super::conversion::go_quote(src)
                ));
            }
            Value::string(src)
        }
        "!!bool" => match resolve_map(src) {
            Some(v @ Value::Bool(_)) => v,
            _ => return cannot("!!bool"),
        },
        "!!float" | "!!int" => {
            if let Some(n) = yaml_number(&plain).or_else(|| go_parse_int(&plain)) {
                n
            } else if let Some(b) = plain.strip_prefix("0b") {
                match u64::from_str_radix(b, 2) {
                    Ok(m) if m <= i64::MAX as u64 => Value::int(m as i64),
                    Ok(m) => Value::number(BigFloat::from_bigint(false, m.into())),
                    Err(_) => return cannot(&tag_name),
                }
            } else if let Some(b) = plain.strip_prefix("-0b") {
                match i64::from_str_radix(&format!("-{b}"), 2) {
                    Ok(m) => Value::int(m),
                    Err(_) => return cannot(&tag_name),
                }
            } else {
                return cannot(&tag_name);
            }
        }
        "!!timestamp" => match super::datetime::yaml_timestamp(src) {
            Some(t) => Value::string(t),
            None => return cannot("!!timestamp"),
        },
        "!!null" => Value::null(),
        _ => Value::string(src),
    }))
}

/// go-cty-yaml's table of special plain scalars (YAML 1.1 booleans, nulls, infinities).
fn resolve_map(s: &str) -> Option<Value> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Value::null(),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            Value::number(BigFloat::infinity(false))
        }
        "-.inf" | "-.Inf" | "-.INF" => Value::number(BigFloat::infinity(true)),
        _ => return None,
    })
}

struct YamlDecoder<'a> {
    parser: yaml_rust2::parser::Parser<std::str::Chars<'a>>,
    src: Vec<char>,
    /// Anchored values by anchor id; `None` while the anchored node is being read.
    anchors: BTreeMap<usize, Option<Value>>,
}

type YamlEvent = (yaml_rust2::Event, yaml_rust2::scanner::Marker);

impl YamlDecoder<'_> {
    fn next(&mut self) -> std::result::Result<YamlEvent, String> {
        self.parser.next_token().map_err(|e| {
            let m = e.marker();
            format!("on line {}, column {}: {}", m.line(), m.col() + 1, e.info())
        })
    }

    fn at(m: &yaml_rust2::scanner::Marker, msg: impl std::fmt::Display) -> String {
        format!("on line {}, column {}: {msg}", m.line(), m.col() + 1)
    }

    /// The anchor name an alias at `m` refers to, read back from the source.
    fn alias_name(&self, m: &yaml_rust2::scanner::Marker) -> String {
        self.src
            .iter()
            .skip(m.index() + 1)
            .take_while(|c| !c.is_whitespace() && !",[]{}".contains(**c))
            .collect()
    }

    fn begin(&mut self, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, None);
        }
    }

    fn complete(&mut self, anchor: usize, v: &Value) {
        if anchor > 0 {
            self.anchors.insert(anchor, Some(v.clone()));
        }
    }

    fn node(&mut self, ev: YamlEvent) -> std::result::Result<Value, String> {
        use yaml_rust2::Event;
        use yaml_rust2::scanner::TScalarStyle;
        let (ev, mark) = ev;
        match ev {
            Event::Scalar(src, style, anchor, tag) => {
                self.begin(anchor);
                let tag = tag
                    .map(|t| format!("{}{}", t.handle, t.suffix))
                    .unwrap_or_default();
                let quoted = matches!(
                    style,
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                );
                let v = match resolve_scalar(&tag, &src, quoted).map_err(|e| Self::at(&mark, e))? {
                    Scalar::Value(v) => v,
                    Scalar::Merge => Value::string("<<"),
                };
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(Some(v)) => Ok(v.clone()),
                Some(None) => Err(Self::at(
                    &mark,
                    format!(
                        "cannot refer to anchor {} from inside its own definition",
                        super::conversion::go_quote(&self.alias_name(&mark))
                    ),
                )),
                None => Err(Self::at(
                    &mark,
                    format!(
                        "reference to undefined anchor {}",
                        super::conversion::go_quote(&self.alias_name(&mark))
                    ),
                )),
            },
            Event::SequenceStart(anchor, tag) => {
                let tag = tag
                    .map(|t| format!("{}{}", t.handle, t.suffix))
                    .unwrap_or_default();
                if !tag.is_empty() && tag != format!("{YAML_TAG}seq") {
                    return Err(Self::at(
                        &mark,
                        format!("can't interpret sequence as {tag}"),
                    ));
                }
                self.begin(anchor);
                let mut items = Vec::new();
                loop {
                    let ev = self.next()?;
                    if matches!(ev.0, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev)?);
                }
                let v = Value::tuple(items);
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::MappingStart(anchor, tag) => {
                let tag = tag
                    .map(|t| format!("{}{}", t.handle, t.suffix))
                    .unwrap_or_default();
                if !tag.is_empty() && tag != format!("{YAML_TAG}map") {
                    return Err(Self::at(&mark, format!("can't interpret mapping as {tag}")));
                }
                self.begin(anchor);
                let mut attrs: BTreeMap<String, Value> = BTreeMap::new();
                loop {
                    let (kev, kmark) = self.next()?;
                    let (src, style, kanchor, ktag) = match kev {
                        Event::MappingEnd => break,
                        Event::Scalar(src, style, a, t) => (src, style, a, t),
                        _ => {
                            return Err(Self::at(
                                &kmark,
                                "only strings are allowed as mapping keys",
                            ));
                        }
                    };
                    let ktag = ktag
                        .map(|t| format!("{}{}", t.handle, t.suffix))
                        .unwrap_or_default();
                    let quoted = matches!(
                        style,
                        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                    );
                    let key =
                        resolve_scalar(&ktag, &src, quoted).map_err(|e| Self::at(&kmark, e))?;
                    let key = match key {
                        Scalar::Merge => {
                            let ev = self.next()?;
                            let merged = self.node(ev)?;
                            // A mapping, or (newer go-cty-yaml) a sequence of mappings,
                            // each merged in order: later keys replace earlier ones.
                            let sources = match &merged {
                                Value::Tuple(items) => items.to_vec(),
                                _ => vec![merged.clone()],
                            };
                            for m in sources {
                                match m.entries() {
                                    Some(entries) if m.ty().is_object() || m.ty().is_map() => {
                                        for (k, v) in entries {
                                            attrs.insert(k.clone(), v.clone());
                                        }
                                    }
                                    _ => {
                                        return Err(Self::at(
                                            &kmark,
                                            format!(
                                                "cannot merge {} into mapping",
                                                m.ty().friendly_name()
                                            ),
                                        ));
                                    }
                                }
                            }
                            continue;
                        }
                        Scalar::Value(k) => k,
                    };
                    let key = match convert(&key, &Type::String) {
                        Ok(Value::String(s)) => s.to_string(),
                        Ok(_) => return Err(Self::at(&kmark, "mapping key cannot be null")),
                        Err(_) => {
                            return Err(Self::at(
                                &kmark,
                                "only strings are allowed as mapping keys",
                            ));
                        }
                    };
                    // An anchored key is remembered like any other scalar.
                    self.complete(kanchor, &Value::string(&key));
                    let ev = self.next()?;
                    let v = self.node(ev)?;
                    attrs.insert(nfc(&key), v);
                }
                let v = Value::object(attrs);
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::DocumentStart => Err(Self::at(&mark, "only a single document is allowed")),
            Event::StreamEnd => Err(Self::at(&mark, "expecting value but found end of stream")),
            other => Err(Self::at(
                &mark,
                format!("unexpected parser event {other:?}"),
            )),
        }
    }
}

/// Decodes a YAML document as go-cty-yaml does: one document, values of implied types
/// (mappings are objects, sequences tuples). An empty stream is null.
fn yaml_decode(src: &str) -> std::result::Result<Value, String> {
    use yaml_rust2::Event;
    let mut d = YamlDecoder {
        parser: yaml_rust2::parser::Parser::new_from_str(src),
        src: src.chars().collect(),
        anchors: BTreeMap::new(),
    };
    let (ev, mark) = d.next()?;
    if ev != Event::StreamStart {
        return Err(YamlDecoder::at(&mark, "missing stream start token"));
    }
    let (ev, mark) = d.next()?;
    match ev {
        Event::DocumentStart => {}
        Event::StreamEnd => return Ok(Value::null()),
        _ => return Err(YamlDecoder::at(&mark, "missing start of document")),
    }
    let ev = d.next()?;
    let v = d.node(ev)?;
    let (ev, mark) = d.next()?;
    match ev {
        Event::DocumentEnd => {}
        Event::DocumentStart => {
            return Err(YamlDecoder::at(&mark, "only a single document is allowed"));
        }
        other => {
            return Err(YamlDecoder::at(
                &mark,
                format!("unexpected extra content ({other:?}) after value"),
            ));
        }
    }
    let (ev, mark) = d.next()?;
    if ev != Event::StreamEnd {
        return Err(YamlDecoder::at(
            &mark,
            "unexpected extra content after value",
        ));
    }
    Ok(v)
}

/// `yamldecode(src)` (developer.hashicorp.com/terraform/language/functions/yamldecode):
/// the value a YAML document describes, with the type it implies.
fn yamldecode() -> Function {
    Function {
        params: vec![Param::new("src", Type::String)],
        var_param: None,
        returns: Returns::Computed(|args| match args[0].as_str() {
            Some(s) => yaml_decode(s).map(|v| v.ty()).map_err(FnError::new),
            None => Ok(Type::Dynamic),
        }),
        imp: |_, args, _| yaml_decode(text(&args[0])).map_err(FnError::new),
    }
}

/// The part of libyaml's emitter go-cty-yaml uses: block collections (empty ones in flow
/// style), double-quoted and literal strings, plain numbers, booleans and nulls.
struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    indent: i64,
    indents: Vec<i64>,
    // Context of the node being written.
    root: bool,
    mapping: bool,
    simple_key: bool,
}

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

/// libyaml's `is_printable` (four-byte characters are not).
fn yaml_printable(c: char) -> bool {
    let u = c as u32;
    c == '\n'
        || (0x20..=0x7e).contains(&u)
        || (0xa0..=0xd7ff).contains(&u)
        || ((0xe000..=0xfffd).contains(&u) && u != 0xfeff)
}

fn yaml_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// What libyaml's `analyze_scalar` concludes about a string.
struct Analysis {
    multiline: bool,
    block_allowed: bool,
}

fn analyze(value: &[char]) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_allowed: false,
        };
    }
    let (mut line_breaks, mut special, mut trailing_space, mut space_break) =
        (false, false, false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    for (i, &c) in value.iter().enumerate() {
        if !yaml_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i + 1 == value.len() {
                trailing_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if yaml_break(c) {
            line_breaks = true;
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
    }
    let _ = previous_break;
    Analysis {
        multiline: line_breaks,
        block_allowed: !(trailing_space || space_break || special),
    }
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        s: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn restore_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, v: &Value, root: bool, mapping: bool, simple_key: bool) {
        self.root = root;
        self.mapping = mapping;
        self.simple_key = simple_key;
        match v {
            Value::List(_) | Value::Set(_) | Value::Tuple(_) => {
                let items = v.items().unwrap_or_default();
                if items.is_empty() {
                    self.empty("[", "]");
                    return;
                }
                self.increase_indent(false, self.mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, false, false, false);
                }
                self.restore_indent();
            }
            Value::Map(_) | Value::Object(_) => {
                let entries = v.entries().cloned().unwrap_or_default();
                if entries.is_empty() {
                    self.empty("{", "}");
                    return;
                }
                self.increase_indent(false, false);
                for (k, e) in &entries {
                    self.write_indent();
                    let key: Vec<char> = k.chars().collect();
                    let a = analyze(&key);
                    if !a.multiline && k.len() <= 128 {
                        self.node(&Value::string(k), false, true, true);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.node(&Value::string(k), false, true, false);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(e, false, true, false);
                }
                self.restore_indent();
            }
            _ => self.scalar(v),
        }
    }

    fn empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.restore_indent();
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, v: &Value) {
        let plain = match v {
            Value::Null(_) => Some("null".to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_text()),
            _ => None,
        };
        self.increase_indent(true, false);
        match plain {
            Some(p) => self.write_plain(&p),
            None => {
                let s: Vec<char> = v.as_str().unwrap_or_default().chars().collect();
                let literal = s.contains(&'\n') && analyze(&s).block_allowed && !self.simple_key;
                if literal {
                    self.write_literal(&s);
                } else {
                    self.write_double_quoted(&s, !self.simple_key);
                }
            }
        }
        self.restore_indent();
    }

    fn write_plain(&mut self, s: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = false;
        self.indention = false;
        if self.root {
            self.open_ended = true;
        }
    }

    fn write_double_quoted(&mut self, value: &[char], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut i = 0;
        while i < value.len() {
            let c = value[i];
            if !yaml_printable(c) || c == '\u{feff}' || yaml_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\x07' => self.put('a'),
                    '\x08' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\x0b' => self.put('v'),
                    '\x0c' => self.put('f'),
                    '\r' => self.put('r'),
                    '\x1b' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c => {
                        let u = c as u32;
                        let (mark, width) = if u <= 0xff {
                            ('x', 2)
                        } else if u <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(mark);
                        for d in format!("{u:0width$X}").chars() {
                            self.put(d);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < value.len()
                {
                    self.write_indent();
                    if value.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
            i += 1;
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &[char]) {
        self.write_indicator("|", true, false, false);
        if value.first().is_some_and(|&c| c == ' ' || yaml_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        self.open_ended = false;
        let n = value.len();
        let chomp = if !yaml_break(value[n - 1]) {
            Some("-")
        } else if n == 1 || yaml_break(value[n - 2]) {
            Some("+")
        } else {
            None
        };
        // libyaml marks a `+` block open-ended, but writing the indicator clears it.
        if let Some(h) = chomp {
            self.write_indicator(h, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in value {
            if yaml_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// go-cty-yaml's `Marshal`: one implicit document in block style.
fn yaml_encode(v: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
        open_ended: false,
        indent: -1,
        indents: Vec::new(),
        root: false,
        mapping: false,
        simple_key: false,
    };
    e.node(v, true, false, false);
    // Document end (implicit), then stream end.
    e.indent = -1;
    e.write_indent();
    if e.open_ended {
        e.write_indicator("...", true, false, false);
        e.write_indent();
    }
    e.out
}

/// `yamlencode(value)` (developer.hashicorp.com/terraform/language/functions/yamlencode):
/// the value as a YAML document in block style. Unknown while any part is unknown.
fn yamlencode() -> Function {
    Function {
        params: vec![Param::new("value", Type::Dynamic).dynamic().null()],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| match args[0].first_unknown() {
            Some(u) => Ok(u.unknown_like(Type::String)),
            None => Ok(Value::string(yaml_encode(&args[0]))),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Base64, text encodings, URLs
// ---------------------------------------------------------------------------------------

/// Go's `base64.StdEncoding`: padded; decoding ignores `\r` and `\n` and tolerates
/// non-zero trailing bits.
fn base64_std() -> base64::engine::GeneralPurpose {
    base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireCanonical),
    )
}

pub(super) fn b64(bytes: &[u8]) -> String {
    base64_std().encode(bytes)
}

fn b64_decode(s: &str) -> std::result::Result<Vec<u8>, base64::DecodeError> {
    let clean: String = s.chars().filter(|&c| c != '\r' && c != '\n').collect();
    base64_std().decode(clean)
}

/// `base64decode(str)` (developer.hashicorp.com/terraform/language/functions/base64decode):
/// the text whose UTF-8 bytes the standard Base64 `str` holds.
fn base64decode(s: &str) -> Result<Value> {
    let bytes =
        b64_decode(s).map_err(|_| FnError::new(format!("failed to decode base64 data {s}")))?;
    String::from_utf8(bytes)
        .map(Value::string)
        .map_err(|_| FnError::new("the result of decoding the provided string is not valid UTF-8"))
}

/// `base64gzip(str)` (developer.hashicorp.com/terraform/language/functions/base64gzip):
/// the text gzip-compressed, then Base64-encoded. The framing is Go's (`gzip.Writer`
/// with `Flush` then `Close`: header without name, mtime 0, OS 255; the data, a sync
/// flush marker, an empty final stored block, CRC-32 and size); the compressed data
/// itself is zlib's at the default level, the same as Go's for short texts.
fn base64gzip(s: &str) -> Result<Value> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut z = flate2::Compress::new(flate2::Compression::default(), false);
    let input = s.as_bytes();
    let mut body = Vec::with_capacity(input.len() / 2 + 64);
    loop {
        let consumed = z.total_in() as usize;
        if body.capacity() - body.len() < 64 {
            body.reserve(body.capacity().max(64));
        }
        let before = z.total_out();
        z.compress_vec(&input[consumed..], &mut body, flate2::FlushCompress::Sync)
            .map_err(|e| FnError::new(format!("failed to write gzip raw data: {e}")))?;
        // Done once everything is consumed and the flush left spare room.
        if z.total_in() as usize == input.len()
            && body.len() < body.capacity()
            && z.total_out() >= before
        {
            break;
        }
    }
    out.extend_from_slice(&body);
    out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    out.extend_from_slice(&crc32fast::hash(input).to_le_bytes());
    out.extend_from_slice(&(input.len() as u32).to_le_bytes());
    Ok(Value::string(b64(&out)))
}

/// The text encodings `textencodebase64` and `textdecodebase64` implement, by IANA name
/// or alias (case-insensitive): the canonical name.
fn iana_encoding(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "utf-8" | "csutf8" => "UTF-8",
        "utf-16" | "csutf16" => "UTF-16",
        "utf-16be" | "csutf16be" => "UTF-16BE",
        "utf-16le" | "csutf16le" => "UTF-16LE",
        "iso-8859-1" | "iso_8859-1:1987" | "iso-ir-100" | "iso_8859-1" | "latin1" | "l1"
        | "ibm819" | "cp819" | "csisolatin1" => "ISO_8859-1:1987",
        "us-ascii" | "iso-ir-6" | "ansi_x3.4-1968" | "ansi_x3.4-1986" | "iso_646.irv:1991"
        | "iso646-us" | "us" | "ibm367" | "cp367" | "csascii" => "US-ASCII",
        _ => return None,
    })
}

fn encode_text(enc: &str, s: &str) -> Option<Vec<u8>> {
    Some(match enc {
        "UTF-8" => s.as_bytes().to_vec(),
        "UTF-16" => [0xfe, 0xff]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        "UTF-16BE" => s.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        "UTF-16LE" => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        "ISO_8859-1:1987" => s
            .chars()
            .map(|c| u8::try_from(c as u32).ok())
            .collect::<Option<_>>()?,
        _ => s
            .chars()
            .map(|c| c.is_ascii().then_some(c as u8))
            .collect::<Option<_>>()?,
    })
}

fn decode_text(enc: &str, b: &[u8]) -> Option<String> {
    let utf16 = |b: &[u8], be: bool| {
        if !b.len().is_multiple_of(2) {
            return None;
        }
        let units: Vec<u16> = b
            .chunks(2)
            .map(|p| {
                if be {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    };
    let s = match enc {
        "UTF-8" => String::from_utf8(b.to_vec()).ok()?,
        "UTF-16" => match b {
            [0xfe, 0xff, rest @ ..] => utf16(rest, true)?,
            [0xff, 0xfe, rest @ ..] => utf16(rest, false)?,
            _ => utf16(b, true)?,
        },
        "UTF-16BE" => utf16(b, true)?,
        "UTF-16LE" => utf16(b, false)?,
        "ISO_8859-1:1987" => b.iter().map(|&c| c as char).collect(),
        _ => b
            .iter()
            .map(|&c| if c < 0x80 { c as char } else { '\u{fffd}' })
            .collect(),
    };
    (!s.contains('\u{fffd}')).then_some(s)
}

/// `textencodebase64(string, encoding)`
/// (developer.hashicorp.com/terraform/language/functions/textencodebase64): the text in
/// the given character encoding, Base64-encoded.
fn textencodebase64() -> Function {
    Function {
        params: vec![
            Param::new("string", Type::String),
            Param::new("encoding", Type::String),
        ],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let Some(enc) = iana_encoding(text(&args[1])) else {
                return Ok(Value::unknown(
                    Type::String,
                    Why::Function {
                        name: "textencodebase64".into(),
                    },
                ));
            };
            let bytes = encode_text(enc, text(&args[0])).ok_or_else(|| {
                FnError::arg(
                    0,
                    format!(
                        "the given string contains characters that cannot be represented in {enc}"
                    ),
                )
            })?;
            Ok(Value::string(b64(&bytes)))
        },
    }
}

/// `textdecodebase64(source, encoding)`
/// (developer.hashicorp.com/terraform/language/functions/textdecodebase64): Base64 bytes
/// read as text in the given character encoding.
fn textdecodebase64() -> Function {
    Function {
        params: vec![
            Param::new("source", Type::String),
            Param::new("encoding", Type::String),
        ],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let Some(enc) = iana_encoding(text(&args[1])) else {
                return Ok(Value::unknown(
                    Type::String,
                    Why::Function {
                        name: "textdecodebase64".into(),
                    },
                ));
            };
            let bytes = b64_decode(text(&args[0])).map_err(|e| {
                FnError::arg(
                    0,
                    match e {
                        base64::DecodeError::InvalidByte(at, _) => {
                            format!(
                                "the given value is has an invalid base64 symbol at offset {at}"
                            )
                        }
                        e => format!("invalid source string: {e}"),
                    },
                )
            })?;
            decode_text(enc, &bytes).map(Value::string).ok_or_else(|| {
                FnError::arg(
                    0,
                    format!("the given string contains symbols that are not defined for {enc}"),
                )
            })
        },
    }
}

/// Go's `url.QueryEscape`: unreserved characters as they are, space as `+`, every other
/// byte as `%XX`.
pub(super) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Hashes and identifiers
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
pub(super) enum Hash {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

pub(super) fn hash(h: Hash, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match h {
        Hash::Md5 => md5::Md5::digest(data).to_vec(),
        Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
        Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
    }
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn hash_hex(h: Hash, data: &[u8]) -> String {
    hex(&hash(h, data))
}

/// `uuid()` (developer.hashicorp.com/terraform/language/functions/uuid): random, so
/// unknown.
fn uuid() -> Function {
    Function {
        params: vec![],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, _, _| {
            Ok(Value::unknown(
                Type::String,
                Why::Function {
                    name: "uuid".into(),
                },
            ))
        },
    }
}

/// google/uuid's `Parse`: hyphenated (optionally braced or `urn:uuid:`-prefixed) or 32
/// hex digits.
fn parse_uuid(s: &str) -> std::result::Result<[u8; 16], String> {
    let b = s.as_bytes();
    let xtob =
        |h: &[u8]| -> Option<u8> { u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok() };
    let body = match b.len() {
        36 => b,
        45 => {
            if !b[..9].eq_ignore_ascii_case(b"urn:uuid:") {
                return Err(format!(
                    "invalid urn prefix: {}",
                    super::conversion::go_quote(&String::from_utf8_lossy(&b[..9]))
                ));
            }
            &b[9..]
        }
        38 => &b[1..],
        32 => {
            let mut u = [0u8; 16];
            for (i, slot) in u.iter_mut().enumerate() {
                *slot = xtob(&b[i * 2..i * 2 + 2]).ok_or("invalid UUID format")?;
            }
            return Ok(u);
        }
        n => return Err(format!("invalid UUID length: {n}")),
    };
    if body[8] != b'-' || body[13] != b'-' || body[18] != b'-' || body[23] != b'-' {
        return Err("invalid UUID format".into());
    }
    let mut u = [0u8; 16];
    for (i, x) in [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]
        .into_iter()
        .enumerate()
    {
        u[i] = xtob(&body[x..x + 2]).ok_or("invalid UUID format")?;
    }
    Ok(u)
}

fn uuid_string(u: &[u8]) -> String {
    let h = hex(u);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A name-based (SHA-1, version 5) UUID.
fn uuid_v5(namespace: &[u8; 16], name: &str) -> String {
    let mut data = namespace.to_vec();
    data.extend_from_slice(name.as_bytes());
    let mut u = hash(Hash::Sha1, &data)[..16].to_vec();
    u[6] = (u[6] & 0x0f) | 0x50;
    u[8] = (u[8] & 0x3f) | 0x80;
    uuid_string(&u)
}

/// `uuidv5(namespace, name)` (developer.hashicorp.com/terraform/language/functions/uuidv5):
/// the name-based UUID of `name` in a namespace (`dns`, `url`, `oid`, `x500` or a UUID).
fn uuidv5() -> Function {
    Function {
        params: vec![
            Param::new("namespace", Type::String),
            Param::new("name", Type::String),
        ],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let ns = text(&args[0]);
            let space = match ns {
                "dns" => parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
                "url" => parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
                "oid" => parse_uuid("6ba7b812-9dad-11d1-80b4-00c04fd430c8"),
                "x500" => parse_uuid("6ba7b814-9dad-11d1-80b4-00c04fd430c8"),
                other => parse_uuid(other),
            }
            .map_err(|e| FnError::new(format!("uuidv5() doesn't support namespace {ns} ({e})")))?;
            Ok(Value::string(uuid_v5(&space, text(&args[1]))))
        },
    }
}

/// gocty's conversion of a number to a Go `int`.
fn go_int(v: &Value) -> std::result::Result<i64, String> {
    let n = v.as_number().expect("converted to number");
    match n.to_i64() {
        Some((i, true)) => Ok(i),
        _ => Err(format!(
            "value must be a whole number, between {} and {}",
            i64::MIN,
            i64::MAX
        )),
    }
}

/// gocty's conversion of a number to a Go `*big.Int`.
fn go_bigint(v: &Value) -> std::result::Result<BigInt, String> {
    let n = v.as_number().expect("converted to number");
    match n.trunc() {
        Some((neg, int, true)) => Ok(BigInt::from_biguint(
            if neg { Sign::Minus } else { Sign::Plus },
            int,
        )),
        _ => Err("value must be a whole number".into()),
    }
}

/// `bcrypt(str, cost)` (developer.hashicorp.com/terraform/language/functions/bcrypt): a
/// salted hash, different on every run, so unknown; the arguments are checked as
/// Terraform checks them.
fn bcrypt() -> Function {
    Function {
        params: vec![Param::new("str", Type::String)],
        var_param: Some(Param::new("cost", Type::Number)),
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let mut cost = 10;
            if let Some(c) = args.get(1) {
                cost = go_int(c).map_err(FnError::new)?;
            }
            if args.len() > 2 {
                return Err(FnError::new("bcrypt() takes no more than two arguments"));
            }
            if cost < 4 {
                cost = 10;
            }
            if cost > 31 {
                return Err(FnError::new(format!(
                    "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
                )));
            }
            if text(&args[0]).len() > 72 {
                return Err(FnError::new(
                    "error occured generating password bcrypt: password length exceeds 72 bytes",
                ));
            }
            Ok(Value::unknown(
                Type::String,
                Why::Function {
                    name: "bcrypt".into(),
                },
            ))
        },
    }
}

/// `rsadecrypt(ciphertext, privatekey)`
/// (developer.hashicorp.com/terraform/language/functions/rsadecrypt): needs a private
/// key, so unknown; the ciphertext must still be Base64.
fn rsadecrypt() -> Function {
    Function {
        params: vec![
            Param::new("ciphertext", Type::String),
            Param::new("privatekey", Type::String),
        ],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let s = text(&args[0]);
            if b64_decode(s).is_err() {
                return Err(FnError::arg(
                    0,
                    format!(
                        "failed to decode input {}: cipher text must be base64-encoded",
                        super::conversion::go_quote(s)
                    ),
                ));
            }
            Ok(Value::unknown(
                Type::String,
                Why::Function {
                    name: "rsadecrypt".into(),
                },
            ))
        },
    }
}

// ---------------------------------------------------------------------------------------
// IP networks (Terraform's fork of Go 1.16's net parsing, and go-cidr)
// ---------------------------------------------------------------------------------------

const V4_IN_V6: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/// Decimal digits as Go's `dtoi` reads them: the value, the count, and whether any.
fn dtoi(s: &[u8]) -> (i64, usize, bool) {
    let mut n = 0i64;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        n = n * 10 + (s[i] - b'0') as i64;
        if n >= 0xFFFFFF {
            return (0xFFFFFF, i, false);
        }
        i += 1;
    }
    (n, i, i > 0)
}

fn xtoi(s: &[u8]) -> (i64, usize, bool) {
    let mut n = 0i64;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_hexdigit() {
        n = n * 16 + (s[i] as char).to_digit(16).unwrap_or(0) as i64;
        if n >= 0xFFFFFF {
            return (0, i, false);
        }
        i += 1;
    }
    (n, i, i > 0)
}

/// Go 1.16's `parseIPv4` (leading zeros allowed, read as decimal): the 16-byte form.
fn parse_ipv4(mut s: &[u8]) -> Option<Vec<u8>> {
    let mut p = [0u8; 4];
    for (i, slot) in p.iter_mut().enumerate() {
        if s.is_empty() {
            return None;
        }
        if i > 0 {
            if s[0] != b'.' {
                return None;
            }
            s = &s[1..];
        }
        let (n, c, ok) = dtoi(s);
        if !ok || n > 0xff {
            return None;
        }
        s = &s[c..];
        *slot = n as u8;
    }
    if !s.is_empty() {
        return None;
    }
    Some(V4_IN_V6.iter().copied().chain(p).collect())
}

/// Go 1.16's `parseIPv6`.
fn parse_ipv6(mut s: &[u8]) -> Option<Vec<u8>> {
    let mut ip = vec![0u8; 16];
    let mut ellipsis: Option<usize> = None;
    if s.len() >= 2 && s[0] == b':' && s[1] == b':' {
        ellipsis = Some(0);
        s = &s[2..];
        if s.is_empty() {
            return Some(ip);
        }
    }
    let mut i = 0;
    while i < 16 {
        let (n, c, ok) = xtoi(s);
        if !ok || n > 0xffff {
            return None;
        }
        if c < s.len() && s[c] == b'.' {
            if ellipsis.is_none() && i != 12 {
                return None;
            }
            if i + 4 > 16 {
                return None;
            }
            let ip4 = parse_ipv4(s)?;
            ip[i..i + 4].copy_from_slice(&ip4[12..]);
            s = &[];
            i += 4;
            break;
        }
        ip[i] = (n >> 8) as u8;
        ip[i + 1] = n as u8;
        i += 2;
        s = &s[c..];
        if s.is_empty() {
            break;
        }
        if s[0] != b':' || s.len() == 1 {
            return None;
        }
        s = &s[1..];
        if s[0] == b':' {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return None;
    }
    if i < 16 {
        let e = ellipsis?;
        let n = 16 - i;
        for j in (e..i).rev() {
            ip[j + n] = ip[j];
        }
        for b in ip.iter_mut().skip(e).take(n) {
            *b = 0;
        }
    } else if ellipsis.is_some() {
        return None;
    }
    Some(ip)
}

fn cidr_mask(ones: i64, bits: usize) -> Option<Vec<u8>> {
    if ones < 0 || ones as usize > bits {
        return None;
    }
    let mut m = vec![0u8; bits / 8];
    let mut n = ones as usize;
    for b in m.iter_mut() {
        if n >= 8 {
            *b = 0xff;
            n -= 8;
        } else {
            *b = !(0xffu8 >> n);
            n = 0;
        }
    }
    Some(m)
}

fn to4(ip: &[u8]) -> Option<&[u8]> {
    match ip.len() {
        4 => Some(ip),
        16 if ip[..12] == V4_IN_V6 => Some(&ip[12..]),
        _ => None,
    }
}

/// Go's `IP.Mask`.
fn mask_ip(ip: &[u8], mask: &[u8]) -> Option<Vec<u8>> {
    let mut mask = mask;
    let mut ip = ip;
    if mask.len() == 16 && ip.len() == 4 && mask[..12].iter().all(|&b| b == 0xff) {
        mask = &mask[12..];
    }
    if mask.len() == 4 && ip.len() == 16 && ip[..12] == V4_IN_V6 {
        ip = &ip[12..];
    }
    (ip.len() == mask.len()).then(|| ip.iter().zip(mask).map(|(a, b)| a & b).collect())
}

/// Go's `simpleMaskLength`: the ones of a canonical mask.
fn mask_ones(mask: &[u8]) -> Option<usize> {
    let mut n = 0;
    let mut i = 0;
    while i < mask.len() {
        let mut v = mask[i];
        if v == 0xff {
            n += 8;
            i += 1;
            continue;
        }
        while v & 0x80 != 0 {
            n += 1;
            v <<= 1;
        }
        if v != 0 || mask[i + 1..].iter().any(|&b| b != 0) {
            return None;
        }
        break;
    }
    Some(n)
}

/// Go's `IPMask.Size`.
fn mask_size(mask: &[u8]) -> (usize, usize) {
    match mask_ones(mask) {
        Some(n) => (n, mask.len() * 8),
        None => (0, 0),
    }
}

/// Go's `IP.String`.
fn ip_string(ip: &[u8]) -> String {
    if ip.is_empty() {
        return "<nil>".into();
    }
    if let Some(p) = to4(ip) {
        return format!("{}.{}.{}.{}", p[0], p[1], p[2], p[3]);
    }
    if ip.len() != 16 {
        return format!("?{}", hex(ip));
    }
    // The longest run (first of equals) of two or more zero groups becomes `::`.
    let (mut e0, mut e1) = (-1i64, -1i64);
    let mut i = 0;
    while i < 16 {
        let mut j = i;
        while j < 16 && ip[j] == 0 && ip[j + 1] == 0 {
            j += 2;
        }
        if j > i && (j - i) as i64 > e1 - e0 {
            e0 = i as i64;
            e1 = j as i64;
            i = j;
        }
        i += 2;
    }
    if e1 - e0 <= 2 {
        e0 = -1;
        e1 = -1;
    }
    let mut out = String::new();
    let mut i = 0i64;
    while i < 16 {
        if i == e0 {
            out.push_str("::");
            i = e1;
            if i >= 16 {
                break;
            }
        } else if i > 0 {
            out.push(':');
        }
        let g = (ip[i as usize] as u32) << 8 | ip[i as usize + 1] as u32;
        out.push_str(&format!("{g:x}"));
        i += 2;
    }
    out
}

/// A network as Go's `net.IPNet` holds it.
#[derive(Clone)]
struct Net {
    ip: Vec<u8>,
    mask: Vec<u8>,
}

impl Net {
    /// Go's `IPNet.String`.
    fn string(&self) -> String {
        let ip = match to4(&self.ip) {
            Some(p) => p.to_vec(),
            None if self.ip.len() == 16 => self.ip.clone(),
            None => return "<nil>".into(),
        };
        let m = match self.mask.len() {
            4 if ip.len() == 4 => &self.mask[..],
            4 => return "<nil>".into(),
            16 if ip.len() == 4 => &self.mask[12..],
            16 => &self.mask[..],
            _ => return "<nil>".into(),
        };
        match mask_ones(m) {
            Some(l) => format!("{}/{l}", ip_string(&ip)),
            None => format!("{}/{}", ip_string(&ip), hex(m)),
        }
    }
}

/// Terraform's `ipaddr.ParseCIDR` (Go 1.16's `net.ParseCIDR`): the network of a prefix.
fn parse_cidr(s: &str) -> std::result::Result<Net, String> {
    let bad = || format!("invalid CIDR address: {s}");
    let b = s.as_bytes();
    let slash = b.iter().position(|&c| c == b'/').ok_or_else(bad)?;
    let (addr, mask) = (&b[..slash], &b[slash + 1..]);
    let (ip, iplen) = match parse_ipv4(addr) {
        Some(ip) => (ip, 4),
        None => (parse_ipv6(addr).ok_or_else(bad)?, 16),
    };
    let (n, i, ok) = dtoi(mask);
    if !ok || i != mask.len() || n > 8 * iplen as i64 {
        return Err(bad());
    }
    let m = cidr_mask(n, 8 * iplen).ok_or_else(bad)?;
    let ip = mask_ip(&ip, &m).ok_or_else(bad)?;
    Ok(Net { ip, mask: m })
}

fn ip_to_int(ip: &[u8]) -> BigInt {
    BigInt::from_bytes_be(Sign::Plus, ip)
}

/// go-cidr's `intToIP`; `None` where go-cidr would panic (a number too wide).
fn int_to_ip(n: &BigInt, bits: usize) -> Option<Vec<u8>> {
    let (_, bytes) = n.to_bytes_be();
    let bytes: &[u8] = if n.is_zero() { &[] } else { &bytes };
    let len = bits / 8;
    if bytes.len() > len {
        return None;
    }
    let mut out = vec![0u8; len];
    out[len - bytes.len()..].copy_from_slice(bytes);
    Some(out)
}

/// go-cidr's `insertNumIntoIP` (with Go big.Int's two's complement `Or`).
fn insert_num(ip: &[u8], num: &BigInt, prefix_len: i64) -> Option<Vec<u8>> {
    let total = ip.len() as i64 * 8;
    let shift = total - prefix_len;
    let shifted = if shift >= 0 {
        num << shift as usize
    } else {
        num >> (-shift) as usize
    };
    int_to_ip(&(ip_to_int(ip) | shifted), ip.len() * 8)
}

/// The low 64 bits of |n| (Go's `big.Int.Uint64`).
fn low_u64(n: &BigInt) -> u64 {
    let (_, digits) = n.to_u64_digits();
    digits.first().copied().unwrap_or(0)
}

fn cidr_err(e: String) -> FnError {
    FnError::new(format!("invalid CIDR expression: {e}"))
}

/// `cidrhost(prefix, hostnum)` (developer.hashicorp.com/terraform/language/functions/cidrhost):
/// the address numbered `hostnum` in the network (negative numbers count from the end).
fn cidrhost() -> Function {
    Function {
        params: vec![
            Param::new("prefix", Type::String),
            Param::new("hostnum", Type::Number),
        ],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let mut num = go_bigint(&args[1]).map_err(FnError::new)?;
            let net = parse_cidr(text(&args[0])).map_err(cidr_err)?;
            let (parent, addr) = mask_size(&net.mask);
            let max: BigInt = (BigInt::one() << (addr - parent)) - 1;
            let checked = if num.is_negative() {
                let n = -&num - 1;
                num = &max - &n;
                n
            } else {
                BigInt::from(low_u64(&num) as i64)
            };
            if checked > max {
                return Err(FnError::new(format!(
                    "prefix of {parent} does not accommodate a host numbered {num}"
                )));
            }
            let bits = if to4(&net.ip).is_some() { 32 } else { 128 };
            let ip = insert_num(&net.ip, &num, bits).ok_or_else(|| {
                FnError::new(format!(
                    "prefix of {parent} does not accommodate a host numbered {num}"
                ))
            })?;
            Ok(Value::string(ip_string(&ip)))
        },
    }
}

/// `cidrnetmask(prefix)` (developer.hashicorp.com/terraform/language/functions/cidrnetmask):
/// the netmask of an IPv4 network in dotted notation.
fn cidrnetmask() -> Function {
    Function {
        params: vec![Param::new("prefix", Type::String)],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let s = text(&args[0]);
            let net = parse_cidr(s).map_err(cidr_err)?;
            if to4(&net.ip).is_none() {
                return Err(FnError::new(format!(
                    "IPv6 addresses cannot have a netmask: {s}"
                )));
            }
            Ok(Value::string(ip_string(&net.mask)))
        },
    }
}

/// go-cidr's `SubnetBig`.
fn subnet(net: &Net, newbits: i64, num: &BigInt) -> std::result::Result<String, String> {
    let (parent, addr) = mask_size(&net.mask);
    let new_len = parent as i64 + newbits;
    if new_len > addr as i64 {
        return Err(format!(
            "insufficient address space to extend prefix of {parent} by {newbits}"
        ));
    }
    let max = if (0..64).contains(&newbits) {
        (1u64 << newbits) - 1
    } else {
        u64::MAX
    };
    if low_u64(num) > max {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
        ));
    }
    let ip = insert_num(&net.ip, num, new_len).ok_or_else(|| {
        format!("prefix extension of {newbits} does not accommodate a subnet numbered {num}")
    })?;
    Ok(match cidr_mask(new_len, addr) {
        Some(mask) => Net { ip, mask }.string(),
        None => "<nil>".into(),
    })
}

/// `cidrsubnet(prefix, newbits, netnum)`
/// (developer.hashicorp.com/terraform/language/functions/cidrsubnet): the subnet numbered
/// `netnum` among those `newbits` longer than the prefix.
fn cidrsubnet() -> Function {
    Function {
        params: vec![
            Param::new("prefix", Type::String),
            Param::new("newbits", Type::Number),
            Param::new("netnum", Type::Number),
        ],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let newbits = go_int(&args[1]).map_err(FnError::new)?;
            let num = go_bigint(&args[2]).map_err(FnError::new)?;
            let net = parse_cidr(text(&args[0])).map_err(cidr_err)?;
            subnet(&net, newbits, &num)
                .map(Value::string)
                .map_err(FnError::new)
        },
    }
}

/// `cidrsubnets(prefix, newbits...)`
/// (developer.hashicorp.com/terraform/language/functions/cidrsubnets): consecutive
/// subnets of the given extra lengths, each aligned after the previous one.
fn cidrsubnets() -> Function {
    Function {
        params: vec![Param::new("prefix", Type::String)],
        var_param: Some(Param::new("newbits", Type::Number)),
        returns: Returns::Static(Type::list(Type::String)),
        imp: |_, args, _| {
            let net = parse_cidr(text(&args[0]))
                .map_err(|e| FnError::arg(0, format!("invalid CIDR expression: {e}")))?;
            let (start_len, _) = mask_size(&net.mask);
            let lengths = &args[1..];
            if lengths.is_empty() {
                return Ok(Value::list(Type::String, vec![]));
            }
            let first = go_int(&lengths[0]).map_err(|e| FnError::arg(1, e))? + start_len as i64;
            let bits = net.ip.len() * 8;
            let mapped = net.ip.len() == 16 && to4(&net.ip).is_some();
            let full: u128 = if bits == 128 {
                u128::MAX
            } else {
                (1u128 << bits) - 1
            };
            let mask_of = |len: i64| -> u128 {
                if len <= 0 {
                    0
                } else if len as usize >= bits {
                    full
                } else {
                    full & !(full >> len)
                }
            };
            let as_int = |ip: &[u8]| ip.iter().fold(0u128, |a, &b| a << 8 | b as u128);
            let net_int = as_int(&net.ip);
            let net_mask = as_int(&net.mask);
            let show = |ip: u128, len: i64| -> String {
                let bytes: Vec<u8> = (0..bits / 8).rev().map(|k| (ip >> (8 * k)) as u8).collect();
                let mask = cidr_mask(len, bits).unwrap_or_default();
                Net { ip: bytes, mask }.string()
            };
            // go-cidr's PreviousSubnet: the subnet just before the network's start.
            let mut current = (net_int.wrapping_sub(1) & full & mask_of(first), first);
            let mut out = Vec::new();
            for (i, l) in lengths.iter().enumerate() {
                let length = go_int(l).map_err(|e| FnError::arg(i + 1, e))?;
                if length < 1 {
                    return Err(FnError::arg(
                        i + 1,
                        "must extend prefix by at least one bit",
                    ));
                }
                if length > 32 {
                    return Err(FnError::arg(
                        i + 1,
                        "may not extend prefix by more than 32 bits",
                    ));
                }
                let length = length + start_len as i64;
                if length > bits as i64 {
                    let proto = if bits == 32 { "IPv4" } else { "IPv6" };
                    return Err(FnError::arg(
                        i + 1,
                        format!(
                            "would extend prefix to {length} bits, which is too long for an {proto} address"
                        ),
                    ));
                }
                if mapped {
                    // go-cidr works on the 4-byte form while the mask has 16: nothing fits.
                    return Err(FnError::arg(
                        i + 1,
                        format!(
                            "not enough remaining address space for a subnet with a prefix of {length} bits after <nil>"
                        ),
                    ));
                }
                // go-cidr's NextSubnet.
                let last = current.0 | (full & !mask_of(current.1));
                let sub = last & mask_of(length);
                let sub_last = sub | (full & !mask_of(length));
                let inc = sub_last.wrapping_add(1) & full;
                let next = inc & mask_of(length);
                if inc == 0 || (next & net_mask) != (net_int & net_mask) {
                    return Err(FnError::arg(
                        i + 1,
                        format!(
                            "not enough remaining address space for a subnet with a prefix of {length} bits after {}",
                            show(current.0, current.1)
                        ),
                    ));
                }
                current = (next, length);
                out.push(Value::string(show(next, length)));
            }
            Ok(Value::list(Type::String, out))
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::terraform::eval::functions::Host;

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

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn n(x: i64) -> Value {
        Value::int(x)
    }

    fn call(name: &str, args: &[Value]) -> Result<Value> {
        let mut m = Registry::new();
        register(&mut m);
        m[name].call(&NoHost, args)
    }

    fn ok(name: &str, args: &[Value]) -> String {
        call(name, args).unwrap().as_str().unwrap().to_string()
    }

    fn obj(items: Vec<(&str, Value)>) -> Value {
        Value::object(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn json_round_trip() {
        let v = call(
            "jsondecode",
            &[s(r#"{"b":[1,"x",null,true],"a":{"c":1.5e2}}"#)],
        )
        .unwrap();
        assert_eq!(
            v.ty().to_string(),
            "object({a=object({c=number}),b=tuple([number,string,any,bool])})"
        );
        assert_eq!(
            ok("jsonencode", &[v]),
            r#"{"a":{"c":150},"b":[1,"x",null,true]}"#
        );
        assert_eq!(
            ok("jsonencode", &[s("<a&b>\u{2028}\u{1}")]),
            r#""\u003ca\u0026b\u003e\u2028\u0001""#
        );
        assert!(call("jsondecode", &[s("[1,]")]).is_err());
        assert!(call("jsondecode", &[s("1 2")]).is_err());
        assert_eq!(call("jsondecode", &[s("1]")]).unwrap(), n(1));
        assert_eq!(
            ok("jsondecode", &[s(r#""\ud83d\ude00\ud800""#)]),
            "😀\u{fffd}"
        );
    }

    #[test]
    fn csv_rows() {
        let v = call("csvdecode", &[s("a,b\r\n1,\"x\ny\"\n\n2,\"q\"\"\"\n")]).unwrap();
        assert_eq!(
            v,
            Value::list(
                v.ty().element().unwrap().clone(),
                vec![
                    obj(vec![("a", s("1")), ("b", s("x\ny"))]),
                    obj(vec![("a", s("2")), ("b", s("q\""))])
                ]
            )
        );
        assert!(
            call("csvdecode", &[s("a,b\n1\n")])
                .unwrap_err()
                .message
                .contains("wrong number of fields")
        );
        assert!(call("csvdecode", &[s("a,a\n")]).is_err());
        assert!(
            call("csvdecode", &[s("")])
                .unwrap_err()
                .message
                .contains("missing header line")
        );
    }

    /// developer.hashicorp.com/terraform/language/functions/yamldecode
    #[test]
    fn yamldecode_doc_examples() {
        assert_eq!(
            call("yamldecode", &[s("hello: world")]).unwrap(),
            obj(vec![("hello", s("world"))])
        );
        assert_eq!(call("yamldecode", &[s("true")]).unwrap(), Value::Bool(true));
        let v = call("yamldecode", &[s("{a: &foo [1, 2, 3], b: *foo}")]).unwrap();
        let list = Value::tuple(vec![n(1), n(2), n(3)]);
        assert_eq!(
            json_of(&v),
            json_of(&obj(vec![("a", list.clone()), ("b", list)]))
        );
        let e = call("yamldecode", &[s("{a: &foo [1, *foo, 3]}")]).unwrap_err();
        assert!(
            e.message
                .contains("cannot refer to anchor \"foo\" from inside its own definition"),
            "{}",
            e.message
        );
        let e = call("yamldecode", &[s("{a: !not-supported foo}")]).unwrap_err();
        assert!(
            e.message.contains("unsupported tag \"!not-supported\""),
            "{}",
            e.message
        );
    }

    fn json_of(v: &Value) -> String {
        let mut out = String::new();
        json_write(v, &mut out, &mut None).unwrap();
        out
    }

    #[test]
    fn yaml_scalars_as_go_cty_yaml() {
        let d = |x: &str| json_of(&yaml_decode(x).unwrap());
        assert_eq!(
            d("[yes, No, on, ~, '', \"1\", 1_000, 0x1F, .5, -1e3, 2001-12-14]"),
            r#"[true,false,true,null,"","1",1000,"0x1F",0.5,-1000,"2001-12-14T00:00:00Z"]"#
        );
        assert_eq!(d("!!int 0x1F"), "31");
        assert_eq!(d("!!str 12"), r#""12""#);
        assert_eq!(d("---"), "null");
        assert_eq!(d(""), "null");
        assert_eq!(
            d("a: aa\n<<:\n  b: bb\n  c: cc\nd: dd\n"),
            r#"{"a":"aa","b":"bb","c":"cc","d":"dd"}"#
        );
        assert_eq!(
            d("a: aa\n<<:\n  a: aaa\n<<:\n  b: bbb\nb: bb\n"),
            r#"{"a":"aaa","b":"bb"}"#
        );
        assert_eq!(
            d("a: &foo\n  beep: boop\nb:\n  <<: *foo\n  bleep: bloop\n"),
            r#"{"a":{"beep":"boop"},"b":{"beep":"boop","bleep":"bloop"}}"#
        );
        assert!(yaml_decode(".nan").is_err());
        assert!(yaml_decode("a: 1\n---\nb: 2").is_err());
        assert!(yaml_decode("? [a]\n: 1").is_err());
    }

    /// developer.hashicorp.com/terraform/language/functions/yamlencode
    #[test]
    fn yamlencode_doc_examples() {
        let e = |v: Value| ok("yamlencode", &[v]);
        assert_eq!(
            e(obj(vec![("a", s("b")), ("c", s("d"))])),
            "\"a\": \"b\"\n\"c\": \"d\"\n"
        );
        assert_eq!(
            e(obj(vec![
                ("foo", Value::tuple(vec![n(1), n(2), n(3)])),
                ("bar", s("baz"))
            ])),
            "\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n"
        );
        assert_eq!(
            e(obj(vec![
                (
                    "foo",
                    Value::tuple(vec![n(1), obj(vec![("a", s("b")), ("c", s("d"))]), n(3)])
                ),
                ("bar", s("baz"))
            ])),
            "\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n"
        );
    }

    /// go-cty-yaml's own encoder tests.
    #[test]
    fn yamlencode_as_go_cty_yaml() {
        let e = |v: Value| yaml_encode(&v);
        assert_eq!(e(Value::Bool(true)), "true\n...\n");
        assert_eq!(e(s("")), "\"\"\n");
        assert_eq!(e(s("hello")), "\"hello\"\n");
        assert_eq!(e(n(0)), "0\n...\n");
        assert_eq!(e(Value::object(BTreeMap::new())), "{}\n");
        assert_eq!(e(Value::tuple(vec![])), "[]\n");
        assert_eq!(e(Value::tuple(vec![s("b")])), "- \"b\"\n");
        assert_eq!(e(Value::Null(Type::String)), "null\n...\n");
        assert_eq!(e(s("a\nb")), "|-\n  a\n  b\n");
        assert_eq!(e(s("a\nb\n")), "|\n  a\n  b\n");
        assert_eq!(e(s("a\n\n")), "|+\n  a\n\n");
        assert_eq!(e(obj(vec![("k", s(" a\nb"))])), "\"k\": |2-\n   a\n  b\n");
        assert_eq!(e(s("tab\there")), "\"tab\\there\"\n");
        assert_eq!(e(s("😀")), "\"\\U0001F600\"\n");
        assert_eq!(
            e(Value::tuple(vec![Value::tuple(vec![n(1), n(2)])])),
            "- - 1\n  - 2\n"
        );
        assert_eq!(
            e(obj(vec![("a", obj(vec![("b", Value::tuple(vec![]))]))])),
            "\"a\":\n  \"b\": []\n"
        );
        let long = "word ".repeat(30);
        let long = long.trim_end();
        assert_eq!(
            e(s(long)),
            format!(
                "\"{}\n  {}\"\n",
                "word ".repeat(17).trim_end(),
                "word ".repeat(13).trim_end()
            )
        );
    }

    /// Examples from the documentation pages of base64encode, base64decode, urlencode,
    /// textencodebase64, textdecodebase64 (developer.hashicorp.com/terraform/language/
    /// functions/NAME).
    #[test]
    fn encoding_doc_examples() {
        assert_eq!(ok("base64encode", &[s("Hello World")]), "SGVsbG8gV29ybGQ=");
        assert_eq!(ok("base64decode", &[s("SGVsbG8gV29ybGQ=")]), "Hello World");
        assert!(
            call("base64decode", &[s("/w==")])
                .unwrap_err()
                .message
                .contains("not valid UTF-8")
        );
        assert!(call("base64decode", &[s("SGVsbG8")]).is_err());
        assert_eq!(ok("base64decode", &[s("SGVs\nbG8=")]), "Hello");
        assert_eq!(ok("urlencode", &[s("Hello World!")]), "Hello+World%21");
        assert_eq!(ok("urlencode", &[s("☃")]), "%E2%98%83");
        assert_eq!(
            ok("urlencode", &[s("foo:bar@localhost?foo=bar&bar=baz")]),
            "foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz"
        );
        assert_eq!(
            ok("textencodebase64", &[s("Hello World"), s("UTF-16LE")]),
            "SABlAGwAbABvACAAVwBvAHIAbABkAA=="
        );
        assert_eq!(
            ok(
                "textdecodebase64",
                &[s("SABlAGwAbABvACAAVwBvAHIAbABkAA=="), s("UTF-16LE")]
            ),
            "Hello World"
        );
        assert!(call("textencodebase64", &[s("☃"), s("latin1")]).is_err());
        assert!(
            !call("textencodebase64", &[s("x"), s("Shift_JIS")])
                .unwrap()
                .is_known()
        );
    }

    /// developer.hashicorp.com/terraform/language/functions/base64gzip (the page gives no
    /// output; these bytes are what Go's gzip writer produces for short texts).
    #[test]
    fn base64gzip_decompresses() {
        assert_eq!(
            ok("base64gzip", &[s("test")]),
            "H4sIAAAAAAAA/ypJLS4BAAAA//8BAAD//wx+f9gEAAAA"
        );
        assert_eq!(
            ok("base64gzip", &[s("Hello World")]),
            "H4sIAAAAAAAA//JIzcnJVwjPL8pJAQAAAP//AQAA//9WsRdKCwAAAA=="
        );
        assert_eq!(
            ok("base64gzip", &[s("")]),
            "H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA=="
        );
        let out = ok("base64gzip", &[s("test")]);
        let bytes = base64_std().decode(out).unwrap();
        assert_eq!(&bytes[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
        let mut d = flate2::read::GzDecoder::new(&bytes[..]);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut d, &mut text).unwrap();
        assert_eq!(text, "test");
    }

    /// Examples from the documentation pages of md5, sha1, sha256, sha512, base64sha256,
    /// base64sha512 (developer.hashicorp.com/terraform/language/functions/NAME).
    #[test]
    fn hash_doc_examples() {
        let hw = [s("hello world")];
        assert_eq!(ok("md5", &hw), "5eb63bbbe01eeed093cb22bb8f5acdc3");
        assert_eq!(ok("sha1", &hw), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
        assert_eq!(
            ok("sha256", &hw),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(
            ok("sha512", &hw),
            "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"
        );
        assert_eq!(
            ok("base64sha256", &hw),
            "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="
        );
        assert_eq!(
            ok("base64sha512", &hw),
            "MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw=="
        );
    }

    /// developer.hashicorp.com/terraform/language/functions/uuidv5, uuid, bcrypt,
    /// rsadecrypt.
    #[test]
    fn uuid_doc_examples() {
        assert_eq!(
            ok("uuidv5", &[s("dns"), s("www.terraform.io")]),
            "a5008fae-b28c-5ba5-96cd-82b4c53552d6"
        );
        assert_eq!(
            ok("uuidv5", &[s("url"), s("https://www.terraform.io/")]),
            "9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5"
        );
        assert_eq!(
            ok("uuidv5", &[s("oid"), s("1.3.6.1.4")]),
            "af9d40a5-7a36-5c07-b23a-851cd99fbfa5"
        );
        assert_eq!(
            ok("uuidv5", &[s("x500"), s("CN=Example,C=GB")]),
            "84e09961-4aa4-57f8-95b7-03edb1073253"
        );
        assert_eq!(
            ok(
                "uuidv5",
                &[
                    s("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
                    s("www.terraform.io")
                ]
            ),
            "a5008fae-b28c-5ba5-96cd-82b4c53552d6"
        );
        assert!(call("uuidv5", &[s("tada"), s("x")]).is_err());
        assert!(!call("uuid", &[]).unwrap().is_known());
        assert!(!call("bcrypt", &[s("hello world")]).unwrap().is_known());
        assert!(call("bcrypt", &[s("x"), n(32)]).is_err());
        assert!(call("rsadecrypt", &[s("not base64!"), s("key")]).is_err());
    }

    /// developer.hashicorp.com/terraform/language/functions/cidrhost, cidrnetmask,
    /// cidrsubnet, cidrsubnets.
    #[test]
    fn cidr_doc_examples() {
        assert_eq!(
            ok("cidrhost", &[s("10.12.112.0/20"), n(16)]),
            "10.12.112.16"
        );
        assert_eq!(
            ok("cidrhost", &[s("10.12.112.0/20"), n(268)]),
            "10.12.113.12"
        );
        assert_eq!(
            ok("cidrhost", &[s("fd00:fd12:3456:7890:00a2::/72"), n(34)]),
            "fd00:fd12:3456:7890::22"
        );
        assert_eq!(
            ok("cidrhost", &[s("192.168.1.0/24"), n(-5)]),
            "192.168.1.251"
        );
        assert_eq!(ok("cidrhost", &[s("010.001.0.0/24"), n(6)]), "10.1.0.6");
        assert!(call("cidrhost", &[s("192.168.1.0/30"), n(255)]).is_err());
        assert_eq!(ok("cidrnetmask", &[s("172.16.0.0/12")]), "255.240.0.0");
        assert!(call("cidrnetmask", &[s("1::/64")]).is_err());
        assert_eq!(
            ok("cidrsubnet", &[s("172.16.0.0/12"), n(4), n(2)]),
            "172.18.0.0/16"
        );
        assert_eq!(
            ok("cidrsubnet", &[s("10.1.2.0/24"), n(4), n(15)]),
            "10.1.2.240/28"
        );
        assert_eq!(
            ok(
                "cidrsubnet",
                &[s("fd00:fd12:3456:7890::/56"), n(16), n(162)]
            ),
            "fd00:fd12:3456:7800:a200::/72"
        );
        assert_eq!(
            ok("cidrsubnet", &[s("::ffff:192.168.0.0/112"), n(8), n(6)]),
            "192.168.6.0/24"
        );
        assert_eq!(
            ok("cidrsubnet", &[s("fe80::/48"), n(33), n(6)]),
            "fe80::3:0:0:0/81"
        );
        let list = |v: Value| {
            v.items()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            list(call("cidrsubnets", &[s("10.1.0.0/16"), n(4), n(4), n(8), n(4)]).unwrap()),
            [
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ]
        );
        assert_eq!(
            list(
                call(
                    "cidrsubnets",
                    &[s("fd00:fd12:3456:7890::/56"), n(16), n(16), n(16), n(32)]
                )
                .unwrap()
            ),
            [
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88"
            ]
        );
        assert_eq!(
            list(
                call(
                    "cidrsubnets",
                    &[
                        s("10.0.0.0/21"),
                        n(3),
                        n(3),
                        n(3),
                        n(4),
                        n(4),
                        n(4),
                        n(7),
                        n(7),
                        n(7)
                    ]
                )
                .unwrap()
            ),
            [
                "10.0.0.0/24",
                "10.0.1.0/24",
                "10.0.2.0/24",
                "10.0.3.0/25",
                "10.0.3.128/25",
                "10.0.4.0/25",
                "10.0.4.128/28",
                "10.0.4.144/28",
                "10.0.4.160/28"
            ]
        );
        let e = call("cidrsubnets", &[s("10.0.0.0/8"), n(1), n(1), n(1)]).unwrap_err();
        assert_eq!(
            e.message,
            "not enough remaining address space for a subnet with a prefix of 9 bits after 10.128.0.0/9"
        );
        let e = call("cidrsubnets", &[s("10.0.0.0/30"), n(1), n(3)]).unwrap_err();
        assert_eq!(
            e.message,
            "would extend prefix to 33 bits, which is too long for an IPv4 address"
        );
    }
}
