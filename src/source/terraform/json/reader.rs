//! A JSON reader (RFC 8259) that keeps the byte span of every value and object key, and
//! keeps what HCL's JSON syntax needs that ordinary JSON libraries drop: the order of
//! object properties and every duplicate of a property name (hashicorp/hcl `json/spec.md`:
//! "A JSON HCL parser must support duplicate definitions of the same property name").
//!
//! Hand-written rather than a crate: serde_json (already a dependency) gives no spans and
//! keeps one value per key, so it cannot serve. The grammar is small (RFC 8259 fits on a
//! page), and owning it lets us word errors for Terraform users, bound nesting, and map
//! a decoded string's offsets back through its escapes (`super::Positions`) without a new
//! dependency.

use crate::source::terraform::ir::Span;
use crate::source::terraform::parse::SyntaxError;
use std::borrow::Cow;

/// Arrays and objects nested deeper than this are refused: conversion and evaluation
/// recurse, and a stack overflow would end the whole run. serde_json refuses at the same
/// depth by default; no Terraform configuration comes close.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug)]
pub struct Value<'s> {
    pub kind: Kind<'s>,
    /// The whole value: a string's quotes, an object's braces.
    pub span: Span,
}

#[derive(Debug)]
pub enum Kind<'s> {
    Null,
    Bool(bool),
    /// The number exactly as written.
    Number(&'s str),
    /// The decoded string: borrowed when it has no escapes, so it is the source text.
    String(Cow<'s, str>),
    Array(Vec<Value<'s>>),
    /// Properties in the order written, duplicates kept.
    Object(Vec<Member<'s>>),
}

#[derive(Debug)]
pub struct Member<'s> {
    pub key: Cow<'s, str>,
    /// The key with its quotes.
    pub key_span: Span,
    pub value: Value<'s>,
}

impl Member<'_> {
    /// `"key": value`.
    pub fn span(&self) -> Span {
        Span {
            start: self.key_span.start,
            end: self.value.span.end,
        }
    }
}

/// Parses a whole JSON text: one value, with whitespace allowed around it.
pub fn parse(text: &str) -> Result<Value<'_>, SyntaxError> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    r.skip_ws();
    let value = r.value()?;
    r.skip_ws();
    if r.pos < r.bytes.len() {
        return Err(r.error_at(
            r.pos,
            "unexpected text after the JSON value (a file holds exactly one value)",
        ));
    }
    Ok(value)
}

struct Reader<'s> {
    text: &'s str,
    bytes: &'s [u8],
    pos: usize,
    depth: usize,
}

impl<'s> Reader<'s> {
    fn error_at(&self, offset: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            offset,
        }
    }

    /// An error at the current position, naming what was found there.
    fn unexpected(&self, expected: &str) -> SyntaxError {
        let found = match self.text[self.pos..].chars().next() {
            None => return self.error_at(self.pos, format!("unexpected end of file: {expected}")),
            Some(c) if c.is_ascii_graphic() => format!("`{c}`"),
            Some(c) => format!("U+{:04X}", c as u32),
        };
        self.error_at(self.pos, format!("{expected}, found {found}"))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// JSON whitespace: space, tab, line feed, carriage return (RFC 8259 section 2).
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start..self.pos)
    }

    fn value(&mut self) -> Result<Value<'s>, SyntaxError> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            Some(b't') => self.word("true", Kind::Bool(true))?,
            Some(b'f') => self.word("false", Kind::Bool(false))?,
            Some(b'n') => self.word("null", Kind::Null)?,
            _ => return Err(self.unexpected("expected a JSON value")),
        };
        Ok(Value {
            kind,
            span: self.span_from(start),
        })
    }

    fn word(&mut self, word: &str, kind: Kind<'s>) -> Result<Kind<'s>, SyntaxError> {
        let end = self.pos + word.len();
        let followed_by_ident = self
            .bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) && !followed_by_ident {
            self.pos = end;
            Ok(kind)
        } else {
            Err(self.unexpected(
                "expected a JSON value (strings need double quotes; the literals are true, false and null)",
            ))
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_at(
                self.pos,
                format!(
                    "arrays and objects nested more than {MAX_DEPTH} levels deep (a limit of xray-setup's JSON reader; Terraform may accept this)"
                ),
            ));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Kind<'s>, SyntaxError> {
        self.enter()?;
        self.pos += 1; // `{`
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Kind::Object(members));
        }
        let mut comma = None;
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                if let (Some(at), Some(b'}')) = (comma, self.peek()) {
                    return Err(self.error_at(
                        at,
                        "JSON allows no comma after the last property of an object",
                    ));
                }
                return Err(self.unexpected("expected a property name in double quotes"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = self.span_from(key_start);
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("expected `:` after a property name"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("expected `,` or `}` after an object property")),
            }
        }
        self.depth -= 1;
        Ok(Kind::Object(members))
    }

    fn array(&mut self) -> Result<Kind<'s>, SyntaxError> {
        self.enter()?;
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Kind::Array(items));
        }
        let mut comma = None;
        loop {
            self.skip_ws();
            if let (Some(at), Some(b']')) = (comma, self.peek()) {
                return Err(self.error_at(
                    at,
                    "JSON allows no comma after the last element of an array",
                ));
            }
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("expected `,` or `]` after an array element")),
            }
        }
        self.depth -= 1;
        Ok(Kind::Array(items))
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259 section 6).
    fn number(&mut self) -> Result<&'s str, SyntaxError> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while r.peek().is_some_and(|b| b.is_ascii_digit()) {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.error_at(start, "JSON numbers have no leading zeros"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.unexpected("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.unexpected("expected a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.unexpected("expected a digit in the exponent"));
            }
        }
        Ok(&self.text[start..self.pos])
    }

    /// A string at `"`, decoded. Escapes: `\" \\ \/ \b \f \n \r \t \uXXXX` (RFC 8259
    /// section 7); a `\u` surrogate pair is one character, and a lone surrogate becomes
    /// U+FFFD, as Go's encoding/json (which hashicorp/hcl's JSON parser unquotes strings
    /// with) does.
    fn string(&mut self) -> Result<Cow<'s, str>, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error_at(open, "this string has no closing `\"`"));
            };
            match b {
                b'"' => {
                    let s = match owned {
                        None => Cow::Borrowed(&self.text[start..self.pos]),
                        Some(mut s) => {
                            s.push_str(&self.text[run..self.pos]);
                            Cow::Owned(s)
                        }
                    };
                    self.pos += 1;
                    return Ok(s);
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..self.pos]);
                    let (c, len) = escape(&self.bytes[self.pos..])
                        .map_err(|message| self.error_at(self.pos, message))?;
                    s.push(c);
                    self.pos += len;
                    run = self.pos;
                }
                0x00..=0x1f => {
                    let name = match b {
                        b'\n' => "a line break (write it as \\n)".to_string(),
                        b'\t' => "a tab (write it as \\t)".to_string(),
                        b'\r' => "a carriage return (write it as \\r)".to_string(),
                        _ => format!("the control character U+{b:04X}"),
                    };
                    return Err(
                        self.error_at(self.pos, format!("a JSON string cannot contain {name}"))
                    );
                }
                _ => self.pos += 1,
            }
        }
    }
}

/// Decodes one escape at the start of `bytes` (which starts with `\`): the character
/// and the length of the escape in bytes.
pub fn escape(bytes: &[u8]) -> Result<(char, usize), String> {
    let simple = match bytes.get(1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            let high = hex4(bytes.get(2..6))?;
            if (0xD800..0xDC00).contains(&high)
                && bytes.get(6..8) == Some(b"\\u")
                && let Ok(low) = hex4(bytes.get(8..12))
                && (0xDC00..0xE000).contains(&low)
            {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Ok((char::from_u32(c).unwrap_or('\u{FFFD}'), 12));
            }
            return Ok((char::from_u32(high).unwrap_or('\u{FFFD}'), 6));
        }
        Some(other) => {
            let shown = std::str::from_utf8(&bytes[1..])
                .ok()
                .and_then(|s| s.chars().next())
                .map_or_else(|| format!("{:#04x}", other), |c| c.to_string());
            return Err(format!(
                "`\\{shown}` is not a JSON escape (they are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"
            ));
        }
        None => return Err("this string has no closing `\"`".into()),
    };
    Ok((simple, 2))
}

fn hex4(digits: Option<&[u8]>) -> Result<u32, String> {
    let bad = || "`\\u` must be followed by four hexadecimal digits".to_string();
    let digits = digits.ok_or_else(bad)?;
    let text = std::str::from_utf8(digits).map_err(|_| bad())?;
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    u32::from_str_radix(text, 16).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(json: &str) -> String {
        match parse(json).unwrap().kind {
            Kind::String(s) => s.into_owned(),
            other => panic!("not a string: {other:?}"),
        }
    }

    fn err(json: &str) -> SyntaxError {
        parse(json).unwrap_err()
    }

    #[test]
    fn escapes_decode_as_json_defines_them() {
        assert_eq!(string(r#""a\/b""#), "a/b");
        assert_eq!(string(r#""\"\\\b\f\n\r\t""#), "\"\\\u{8}\u{c}\n\r\t");
        assert_eq!(string(r#""caf\u00e9""#), "café");
        assert_eq!(string(r#""\ud83d\ude00""#), "😀");
        assert_eq!(string(r#""\uD83D\uDE00!""#), "😀!");
        // A lone surrogate is not a character: U+FFFD, as Go's encoding/json gives.
        assert_eq!(string(r#""\ud83d-""#), "\u{FFFD}-");
        assert_eq!(string(r#""\ude00""#), "\u{FFFD}");
        assert_eq!(string("\"é😀\""), "é😀");
    }

    #[test]
    fn strings_without_escapes_borrow_the_source() {
        let v = parse(r#""plain ${x}""#).unwrap();
        assert!(matches!(v.kind, Kind::String(Cow::Borrowed("plain ${x}"))));
        assert_eq!(v.span, Span::new(0..12));
    }

    #[test]
    fn whitespace_anywhere_json_allows_it() {
        let v = parse(" \t\r\n{ \"a\" :\n[ 1 , 2 ]\n}\n\n").unwrap();
        let Kind::Object(members) = v.kind else {
            panic!()
        };
        assert_eq!(members[0].key, "a");
        assert_eq!(members[0].key_span, Span::new(6..9));
        assert_eq!(v.span, Span::new(4..23));
    }

    #[test]
    fn duplicates_and_order_are_kept() {
        let Kind::Object(m) = parse(r#"{"b":1,"a":2,"b":3}"#).unwrap().kind else {
            panic!()
        };
        let keys: Vec<&str> = m.iter().map(|m| &*m.key).collect();
        assert_eq!(keys, ["b", "a", "b"]);
    }

    #[test]
    fn numbers_keep_their_text() {
        for n in [
            "0",
            "-0",
            "1.50",
            "1e400",
            "-12.5E-3",
            "123456789012345678901234567890",
        ] {
            assert!(
                matches!(parse(n).unwrap().kind, Kind::Number(t) if t == n),
                "{n}"
            );
        }
        for bad in ["01", "1.", ".5", "+1", "1e", "-", "0x10", "NaN", "Infinity"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_point_at_the_offending_byte() {
        assert_eq!(err("{\n  \"resource\": [,]\n}").offset, 17);
        assert_eq!(err(r#"{"a": 1,}"#).offset, 7);
        assert!(
            err(r#"{"a": 1,}"#)
                .message
                .contains("no comma after the last")
        );
        assert_eq!(err("[1,]").offset, 2);
        assert_eq!(err("{,}").offset, 1);
        assert_eq!(err("{a: 1}").offset, 1);
        assert_eq!(err(r#"{"a" 1}"#).offset, 5);
        assert_eq!(err(r#"["a\x"]"#).offset, 3);
        assert_eq!(err("[\"a\nb\"]").offset, 3);
        assert_eq!(err(r#"{"a": "b"#).offset, 6);
        assert_eq!(err("{} {}").offset, 3);
        assert_eq!(err("").offset, 0);
        assert_eq!(err("[tru]").offset, 1);
        assert_eq!(err("[truex]").offset, 1);
        assert_eq!(err(r#"["\u12"]"#).offset, 2);
        assert_eq!(err("{\"a\": 1 // c\n}").offset, 8);
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(err(&deep).message.contains("nested more than"));
        let very_deep = "[".repeat(1_000_000);
        assert!(parse(&very_deep).is_err());
    }
}
