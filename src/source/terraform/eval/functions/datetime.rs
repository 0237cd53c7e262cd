//! Functions: date and time.
//!
//! `formatdate` and `timeadd` are cty's stdlib (go-cty 1.12, `function/stdlib/datetime.go`);
//! `timecmp`, `timestamp` and `plantimestamp` are Terraform's own
//! (developer.hashicorp.com/terraform/language/functions/NAME).
//!
//! Timestamps are read as Go's `time.Parse(time.RFC3339, ...)` reads them (Go 1.19, the
//! referee's): two-digit month, day, minute and second, a one- or two-digit hour, an
//! optional fraction of any length after the seconds (`.` or `,`), and `Z` or a
//! `±hh:mm` offset whose digits are not range-checked. The offset is kept: results
//! are written in the timestamp's own offset.

use super::registry::Registry;
use super::{FnError, Function, Param, Returns};
use crate::source::terraform::cty::{Type, Value, Why};

pub fn register(m: &mut Registry) {
    m.insert("formatdate", formatdate());
    m.insert("timeadd", timeadd());
    m.insert("timecmp", timecmp());
    m.insert("timestamp", impure("timestamp"));
    m.insert("plantimestamp", impure("plantimestamp"));
}

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// An instant with the UTC offset it was written in (Go's `time.Time` in a fixed zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Instant {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    nanos: i128,
    /// Seconds east of UTC.
    offset: i64,
}

/// The calendar fields of an instant in its own offset.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// 0 = Sunday.
    weekday: u32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Instant {
    fn civil(&self) -> Civil {
        let local = self.nanos.div_euclid(NANOS_PER_SEC) as i64 + self.offset;
        let days = local.div_euclid(86400);
        let secs = local.rem_euclid(86400) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    fn add(&self, nanos: i64) -> Instant {
        Instant {
            nanos: self.nanos + nanos as i128,
            offset: self.offset,
        }
    }

    /// Go's `Format` of a zone layout: `Z07:00` (`colon`, `z`), `-07:00` (`colon`), `-0700`.
    fn zone(&self, colon: bool, z: bool) -> String {
        if z && self.offset == 0 {
            return "Z".into();
        }
        let mut minutes = self.offset / 60;
        let sign = if minutes < 0 {
            minutes = -minutes;
            '-'
        } else {
            '+'
        };
        let sep = if colon { ":" } else { "" };
        format!("{sign}{}{sep}{:02}", go_int(minutes / 60, 2), minutes % 60)
    }

    /// Go's `Format(time.RFC3339)`.
    pub(super) fn rfc3339(&self) -> String {
        let c = self.civil();
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            go_int(c.year, 4),
            c.month,
            c.day,
            c.hour,
            c.minute,
            c.second,
            self.zone(true, true)
        )
    }
}

/// Go's internal `appendInt(x, width)`: the sign, then the digits zero-padded to `width`.
fn go_int(x: i64, width: usize) -> String {
    let digits = x.unsigned_abs().to_string();
    let pad = "0".repeat(width.saturating_sub(digits.len()));
    format!("{}{pad}{digits}", if x < 0 { "-" } else { "" })
}

/// Go's `time.ParseError`, the parts cty's messages are built from.
#[derive(Debug)]
struct ParseError {
    layout_elem: String,
    value_elem: String,
    message: String,
}

/// One element of a Go time layout.
#[derive(Clone, Copy, PartialEq)]
enum Elem {
    /// `2006`
    LongYear,
    /// `01` (fixed) or `1`
    Month(bool),
    /// `02` (fixed) or `2`
    Day(bool),
    /// `15`: one or two digits
    Hour,
    /// `04` (fixed) or `4`
    Minute(bool),
    /// `05` (fixed) or `5`
    Second(bool),
    /// `.999999999`
    Frac9,
    /// `Z07:00`
    ColonTz,
}

impl Elem {
    fn text(self) -> &'static str {
        match self {
            Elem::LongYear => "2006",
            Elem::Month(true) => "01",
            Elem::Month(false) => "1",
            Elem::Day(true) => "02",
            Elem::Day(false) => "2",
            Elem::Hour => "15",
            Elem::Minute(true) => "04",
            Elem::Minute(false) => "4",
            Elem::Second(true) => "05",
            Elem::Second(false) => "5",
            Elem::Frac9 => ".999999999",
            Elem::ColonTz => "Z07:00",
        }
    }
}

/// A layout: each element with the literal text before it, then the trailing literal.
type Layout = (&'static [(&'static str, Elem)], &'static str);

const RFC3339: Layout = (
    &[
        ("", Elem::LongYear),
        ("-", Elem::Month(true)),
        ("-", Elem::Day(true)),
        ("T", Elem::Hour),
        (":", Elem::Minute(true)),
        (":", Elem::Second(true)),
        ("", Elem::ColonTz),
    ],
    "",
);

/// The timestamp layouts go-cty-yaml tries for unquoted scalars, in order.
const YAML_LAYOUTS: [Layout; 4] = [
    (
        &[
            ("", Elem::LongYear),
            ("-", Elem::Month(false)),
            ("-", Elem::Day(false)),
            ("T", Elem::Hour),
            (":", Elem::Minute(false)),
            (":", Elem::Second(false)),
            ("", Elem::Frac9),
            ("", Elem::ColonTz),
        ],
        "",
    ),
    (
        &[
            ("", Elem::LongYear),
            ("-", Elem::Month(false)),
            ("-", Elem::Day(false)),
            ("t", Elem::Hour),
            (":", Elem::Minute(false)),
            (":", Elem::Second(false)),
            ("", Elem::Frac9),
            ("", Elem::ColonTz),
        ],
        "",
    ),
    (
        &[
            ("", Elem::LongYear),
            ("-", Elem::Month(false)),
            ("-", Elem::Day(false)),
            (" ", Elem::Hour),
            (":", Elem::Minute(false)),
            (":", Elem::Second(false)),
            ("", Elem::Frac9),
        ],
        "",
    ),
    (
        &[
            ("", Elem::LongYear),
            ("-", Elem::Month(false)),
            ("-", Elem::Day(false)),
        ],
        "",
    ),
];

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `getnum`: one or two digits (two required when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !is_digit(s, 0) {
        return None;
    }
    if !is_digit(s, 1) {
        if fixed {
            return None;
        }
        return Some(((s[0] - b'0') as i64, &s[1..]));
    }
    Some((((s[0] - b'0') * 10 + (s[1] - b'0')) as i64, &s[2..]))
}

/// Go's `atoi` (time package): an optional sign, then only digits.
fn atoi(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut x: u64 = 0;
    let mut i = 0;
    while i < digits.len() && digits[i].is_ascii_digit() {
        if x > (1 << 63) / 10 {
            return None;
        }
        x = x * 10 + (digits[i] - b'0') as u64;
        if x > 1 << 63 {
            return None;
        }
        i += 1;
    }
    if i != digits.len() {
        return None;
    }
    let x = x as i64;
    Some(if neg { x.wrapping_neg() } else { x })
}

/// Go's `parseNanoseconds`: `value` starts with the separator; `n` bytes in all.
fn nanoseconds(value: &[u8], n: usize) -> i64 {
    let n = n.min(10);
    let mut ns = atoi(&value[1..n]).unwrap_or(0);
    for _ in 0..(10 - n) {
        ns *= 10;
    }
    ns
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Go's `time.Parse(layout, value)` for the layouts above (UTC default location, and a
/// local zone of UTC, as the referee runs).
fn go_parse(layout: Layout, value: &str) -> std::result::Result<Instant, ParseError> {
    let mut v = value.as_bytes();
    let (mut year, mut month, mut day) = (0i64, 1i64, 1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut offset: Option<i64> = None;
    let perr = |elem: &str, v: &[u8], msg: &str| ParseError {
        layout_elem: elem.into(),
        value_elem: lossy(v),
        message: msg.into(),
    };
    let (elems, tail) = layout;
    for (i, &(prefix, elem)) in elems.iter().enumerate() {
        v = skip(v, prefix).map_err(|at| perr(prefix, at, ""))?;
        let stdstr = elem.text();
        let mut range_err = "";
        let bad = |at: &[u8]| perr(stdstr, at, "");
        match elem {
            Elem::LongYear => {
                if v.len() < 4 || !is_digit(v, 0) {
                    return Err(bad(v));
                }
                let (p, rest) = v.split_at(4);
                v = rest;
                year = atoi(p).ok_or_else(|| bad(v))?;
            }
            Elem::Month(fixed) => {
                let (n, rest) = getnum(v, fixed).ok_or_else(|| bad(v))?;
                v = rest;
                month = n;
                if !(1..=12).contains(&month) {
                    range_err = "month";
                }
            }
            Elem::Day(fixed) => {
                let (n, rest) = getnum(v, fixed).ok_or_else(|| bad(v))?;
                v = rest;
                day = n;
            }
            Elem::Hour => {
                let (n, rest) = getnum(v, false).ok_or_else(|| bad(v))?;
                v = rest;
                hour = n;
                if hour >= 24 {
                    range_err = "hour";
                }
            }
            Elem::Minute(fixed) => {
                let (n, rest) = getnum(v, fixed).ok_or_else(|| bad(v))?;
                v = rest;
                min = n;
                if min >= 60 {
                    range_err = "minute";
                }
            }
            Elem::Second(fixed) => {
                let (n, rest) = getnum(v, fixed).ok_or_else(|| bad(v))?;
                v = rest;
                sec = n;
                if sec >= 60 {
                    range_err = "second";
                } else if v.len() >= 2 && matches!(v[0], b'.' | b',') && is_digit(v, 1) {
                    // A fraction the layout does not spell out: any number of digits.
                    let next_is_frac = elems
                        .get(i + 1)
                        .is_some_and(|(p, e)| p.is_empty() && *e == Elem::Frac9);
                    if !next_is_frac {
                        let mut n = 2;
                        while n < v.len() && v[n].is_ascii_digit() {
                            n += 1;
                        }
                        nsec = nanoseconds(v, n);
                        v = &v[n..];
                    }
                }
            }
            Elem::Frac9 => {
                if v.len() >= 2 && matches!(v[0], b'.' | b',') && v[1].is_ascii_digit() {
                    let mut i = 0;
                    while i < 9 && i + 1 < v.len() && v[i + 1].is_ascii_digit() {
                        i += 1;
                    }
                    nsec = nanoseconds(v, 1 + i);
                    v = &v[1 + i..];
                }
            }
            Elem::ColonTz => {
                if v.first() == Some(&b'Z') {
                    v = &v[1..];
                    offset = Some(0);
                } else {
                    if v.len() < 6 || v[3] != b':' {
                        return Err(bad(v));
                    }
                    let (sign, hh, mm) = (v[0], &v[1..3], &v[4..6]);
                    v = &v[6..];
                    let (Some(hr), Some(mi)) = (atoi(hh), atoi(mm)) else {
                        return Err(bad(v));
                    };
                    let secs = (hr * 60 + mi) * 60;
                    offset = Some(match sign {
                        b'+' => secs,
                        b'-' => -secs,
                        _ => return Err(bad(v)),
                    });
                }
            }
        }
        if !range_err.is_empty() {
            return Err(perr(stdstr, v, &format!(": {range_err} out of range")));
        }
    }
    v = skip(v, tail).map_err(|at| perr(tail, at, ""))?;
    if !v.is_empty() {
        return Err(ParseError {
            layout_elem: String::new(),
            value_elem: lossy(v),
            message: format!(": extra text: {}", go_time_quote(&lossy(v))),
        });
    }
    if day < 1 || day > days_in(month as u32, year) as i64 {
        return Err(perr("", b"", ": day out of range"));
    }
    let days = days_from_civil(year, month as u32, day as u32);
    let secs = days * 86400 + hour * 3600 + min * 60 + sec;
    let offset = offset.unwrap_or(0);
    Ok(Instant {
        nanos: (secs - offset) as i128 * NANOS_PER_SEC + nsec as i128,
        offset,
    })
}

/// Go's `skip`: the literal `prefix` at the start of `value` (a space matches any run of
/// spaces); on mismatch, the value where it failed.
fn skip<'a>(mut value: &'a [u8], prefix: &str) -> std::result::Result<&'a [u8], &'a [u8]> {
    let mut p = prefix.as_bytes();
    while let Some(&c) = p.first() {
        if c == b' ' {
            if value.first().is_some_and(|&b| b != b' ') {
                return Err(value);
            }
            while p.first() == Some(&b' ') {
                p = &p[1..];
            }
            while value.first() == Some(&b' ') {
                value = &value[1..];
            }
            continue;
        }
        if value.first() != Some(&c) {
            return Err(value);
        }
        p = &p[1..];
        value = &value[1..];
    }
    Ok(value)
}

/// Parses an RFC 3339 timestamp as cty and Terraform do, with their error messages.
pub(super) fn parse_timestamp(s: &str) -> std::result::Result<Instant, String> {
    go_parse(RFC3339, s).map_err(|e| {
        if e.layout_elem.is_empty() && e.value_elem.is_empty() && !e.message.is_empty() {
            return format!("not a valid RFC3339 timestamp{}", e.message);
        }
        let what = match e.layout_elem.as_str() {
            "2006" => "year",
            "01" => "month",
            "02" => "day of month",
            "15" => "hour",
            "04" => "minute",
            "05" => "second",
            "Z07:00" => "UTC offset",
            "T" => {
                return "not a valid RFC3339 timestamp: missing required time introducer 'T'"
                    .into();
            }
            ":" | "-" => {
                let want = super::conversion::go_quote(&e.layout_elem);
                return if e.value_elem.is_empty() {
                    format!("not a valid RFC3339 timestamp: end of string where {want} is expected")
                } else {
                    format!(
                        "not a valid RFC3339 timestamp: found {} where {want} is expected",
                        super::conversion::go_quote(&e.value_elem)
                    )
                };
            }
            _ => "timestamp segment",
        };
        if e.value_elem.is_empty() {
            format!("not a valid RFC3339 timestamp: end of string before {what}")
        } else {
            format!(
                "not a valid RFC3339 timestamp: cannot use {} as {what}",
                super::conversion::go_quote(&e.value_elem)
            )
        }
    })
}

/// go-cty-yaml's timestamp recognition for untagged (or `!!timestamp`) scalars: the
/// timestamp in RFC 3339, or `None` when `s` is not one.
pub(super) fn yaml_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits != 4 || b.get(4) != Some(&b'-') {
        return None;
    }
    YAML_LAYOUTS
        .iter()
        .find_map(|l| go_parse(*l, s).ok())
        .map(|t| t.rfc3339())
}

/// Go's `time` package quoting (for its error messages): non-ASCII and control bytes as
/// `\xHH`.
fn go_time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub(super) fn parse_duration(orig: &str) -> std::result::Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", go_time_quote(orig));
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Leading integer.
        let mut v: u64 = 0;
        let mut i = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            if v > (1 << 63) / 10 {
                return Err(invalid());
            }
            v = v * 10 + (s[i] - b'0') as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        // Fraction.
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let mut i = 0;
            let mut overflow = false;
            while i < s.len() && s[i].is_ascii_digit() {
                if !overflow {
                    if f > ((1u64 << 63) - 1) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + (s[i] - b'0') as u64;
                        if y > 1 << 63 {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            post = i > 0;
            s = &s[i..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit.
        let i = s
            .iter()
            .position(|&c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if i == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                go_time_quote(orig)
            ));
        }
        let u = String::from_utf8_lossy(&s[..i]).into_owned();
        s = &s[i..];
        let unit: u64 = match u.as_str() {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_time_quote(&u),
                    go_time_quote(orig)
                ));
            }
        };
        if v > (1 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v = v.wrapping_add((f as f64 * (unit as f64 / scale)) as u64);
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        d = d.wrapping_add(v);
        if d > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > (1 << 63) - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

fn string_param(name: &'static str) -> Param {
    Param::new(name, Type::String)
}

fn text(v: &Value) -> &str {
    v.as_str().expect("converted to string")
}

/// `formatdate(spec, timestamp)` (cty stdlib `FormatDateFunc`): the timestamp written in
/// the format `spec` describes (`YYYY`, `MM`, `DD`, `hh`, `mm`, `ss`, `EEE`, `ZZZZZ`...;
/// text in single quotes is literal).
fn formatdate() -> Function {
    Function {
        params: vec![string_param("format"), string_param("time")],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let t = parse_timestamp(text(&args[1])).map_err(|e| FnError::arg(1, e))?;
            format_date(text(&args[0]), &t)
                .map(Value::string)
                .map_err(|e| FnError::arg(0, e))
        },
    }
}

/// Splits a date format as cty's `splitDateFormat` does: quoted literals (with `''`
/// for a quote), runs of one repeated letter, and other text.
fn date_tokens(format: &[u8]) -> Vec<&[u8]> {
    let letter = |c: u8| c.is_ascii_alphabetic();
    let mut out = Vec::new();
    let mut rest = format;
    while !rest.is_empty() {
        let n = if rest[0] == b'\'' {
            if rest.len() > 1 && rest[1] == b'\'' {
                2
            } else {
                let mut end = rest.len();
                let mut i = 1;
                while i < rest.len() {
                    if rest[i] == b'\'' {
                        if i + 1 == rest.len() {
                            break;
                        }
                        if rest[i + 1] == b'\'' {
                            i += 2;
                            continue;
                        }
                        end = i + 1;
                        break;
                    }
                    i += 1;
                }
                end
            }
        } else if letter(rest[0]) {
            rest.iter()
                .position(|&c| c != rest[0])
                .unwrap_or(rest.len())
        } else {
            rest[1..]
                .iter()
                .position(|&c| c == b'\'' || letter(c))
                .map_or(rest.len(), |p| p + 1)
        };
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

fn format_date(format: &str, t: &Instant) -> std::result::Result<String, String> {
    let c = t.civil();
    let mut out: Vec<u8> = Vec::new();
    for tok in date_tokens(format.as_bytes()) {
        let verb = |what: &str| {
            format!(
                "invalid date format verb {}: {what}",
                super::conversion::go_quote(&lossy(tok))
            )
        };
        let n = tok.len();
        let piece: String = match tok[0] {
            b'\'' => {
                if tok[n - 1] != b'\'' || n == 1 {
                    return Err("unterminated literal '".into());
                }
                if n == 2 {
                    out.push(b'\'');
                } else {
                    let raw = &tok[1..n - 1];
                    let mut i = 0;
                    while i < raw.len() {
                        out.push(raw[i]);
                        if raw[i] == b'\'' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                continue;
            }
            b'Y' => match n {
                2 => format!("{:02}", c.year % 100),
                4 => format!("{:04}", c.year),
                _ => return Err(verb("year must either be \"YY\" or \"YYYY\"")),
            },
            b'M' => match n {
                1 => c.month.to_string(),
                2 => format!("{:02}", c.month),
                3 => MONTHS[c.month as usize - 1][..3].to_string(),
                4 => MONTHS[c.month as usize - 1].to_string(),
                _ => return Err(verb("month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")),
            },
            b'D' => match n {
                1 => c.day.to_string(),
                2 => format!("{:02}", c.day),
                _ => return Err(verb("day of month must either be \"D\" or \"DD\"")),
            },
            b'E' => match n {
                3 => WEEKDAYS[c.weekday as usize][..3].to_string(),
                4 => WEEKDAYS[c.weekday as usize].to_string(),
                _ => return Err(verb("day of week must either be \"EEE\" or \"EEEE\"")),
            },
            b'h' => match n {
                1 => c.hour.to_string(),
                2 => format!("{:02}", c.hour),
                _ => return Err(verb("24-hour must either be \"h\" or \"hh\"")),
            },
            b'H' => {
                let h = match c.hour % 12 {
                    0 => 12,
                    h => h,
                };
                match n {
                    1 => h.to_string(),
                    2 => format!("{h:02}"),
                    _ => return Err(verb("12-hour must either be \"H\" or \"HH\"")),
                }
            }
            b'A' | b'a' => {
                if n != 2 {
                    let l = tok[0] as char;
                    return Err(verb(&format!("must be \"{l}{l}\"")));
                }
                let pm = c.hour >= 12;
                match (tok[0] == b'A', pm) {
                    (true, false) => "AM",
                    (true, true) => "PM",
                    (false, false) => "am",
                    (false, true) => "pm",
                }
                .to_string()
            }
            b'm' => match n {
                1 => c.minute.to_string(),
                2 => format!("{:02}", c.minute),
                _ => return Err(verb("minute must either be \"m\" or \"mm\"")),
            },
            b's' => match n {
                1 => c.second.to_string(),
                2 => format!("{:02}", c.second),
                _ => return Err(verb("second must either be \"s\" or \"ss\"")),
            },
            b'Z' => match n {
                1 => t.zone(true, true),
                3 => match t.zone(false, false).as_str() {
                    "+0000" => "UTC".to_string(),
                    z => z.to_string(),
                },
                4 => t.zone(false, false),
                5 => t.zone(true, false),
                _ => return Err(verb("timezone must be Z, ZZZZ, or ZZZZZ")),
            },
            b'a'..=b'z' | b'A'..=b'Z' => {
                return Err(format!(
                    "invalid date format verb {}",
                    super::conversion::go_quote(&lossy(tok))
                ));
            }
            _ => {
                out.extend_from_slice(tok);
                continue;
            }
        };
        out.extend_from_slice(piece.as_bytes());
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `timeadd(timestamp, duration)` (cty stdlib `TimeAddFunc`): the timestamp moved by a
/// Go duration (`"1h30m"`, `"-10s"`, `"1.5h"`), in RFC 3339 with the same offset.
fn timeadd() -> Function {
    Function {
        params: vec![string_param("timestamp"), string_param("duration")],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: |_, args, _| {
            let t = parse_timestamp(text(&args[0])).map_err(FnError::new)?;
            let d = parse_duration(text(&args[1])).map_err(FnError::new)?;
            Ok(Value::string(t.add(d).rfc3339()))
        },
    }
}

/// `timecmp(a, b)` (developer.hashicorp.com/terraform/language/functions/timecmp): -1, 0
/// or 1 as instant `a` is before, the same as, or after `b` (offsets considered).
fn timecmp() -> Function {
    Function {
        params: vec![string_param("timestamp_a"), string_param("timestamp_b")],
        var_param: None,
        returns: Returns::Static(Type::Number),
        imp: |_, args, _| {
            let a = parse_timestamp(text(&args[0])).map_err(|e| FnError::arg(0, e))?;
            let b = parse_timestamp(text(&args[1])).map_err(|e| FnError::arg(1, e))?;
            Ok(Value::int(match a.nanos.cmp(&b.nanos) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }))
        },
    }
}

/// `timestamp()` and `plantimestamp()` (developer.hashicorp.com/terraform/language/
/// functions/timestamp, .../plantimestamp): the time of the apply or of the plan, which
/// only a run of Terraform knows, so an unknown string.
fn impure(name: &'static str) -> Function {
    Function {
        params: vec![],
        var_param: None,
        returns: Returns::Static(Type::String),
        imp: match name {
            "timestamp" => |_, _, _| {
                Ok(Value::unknown(
                    Type::String,
                    Why::Function {
                        name: "timestamp".into(),
                    },
                ))
            },
            _ => |_, _, _| {
                Ok(Value::unknown(
                    Type::String,
                    Why::Function {
                        name: "plantimestamp".into(),
                    },
                ))
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Instant {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn calendar_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 59, 365, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn parses_as_go() {
        assert_eq!(ts("2017-11-22T00:00:00Z").rfc3339(), "2017-11-22T00:00:00Z");
        assert_eq!(
            ts("2017-11-22T1:02:03+05:30").rfc3339(),
            "2017-11-22T01:02:03+05:30"
        );
        assert_eq!(
            ts("2017-11-22T00:00:00.123456789123-00:00").rfc3339(),
            "2017-11-22T00:00:00Z"
        );
        assert!(parse_timestamp("2017-11-22").is_err());
        assert!(
            parse_timestamp("2017-02-29T00:00:00Z")
                .unwrap_err()
                .ends_with("day out of range")
        );
        assert_eq!(
            parse_timestamp("2017-11-22 00:00:00Z").unwrap_err(),
            "not a valid RFC3339 timestamp: missing required time introducer 'T'"
        );
        assert_eq!(
            parse_timestamp("2017-11-22T00:00:00Zx").unwrap_err(),
            "not a valid RFC3339 timestamp: cannot use \"x\" as timestamp segment"
        );
        assert_eq!(
            parse_timestamp("2017").unwrap_err(),
            "not a valid RFC3339 timestamp: end of string where \"-\" is expected"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse_duration("-1.5h"), Ok(-5_400_000_000_000));
        assert_eq!(parse_duration("1\u{b5}s"), Ok(1_000));
        assert_eq!(parse_duration("0"), Ok(0));
        assert!(parse_duration("1").unwrap_err().contains("missing unit"));
        assert!(
            parse_duration("1d")
                .unwrap_err()
                .contains("unknown unit \"d\"")
        );
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn format_tokens() {
        let t = ts("2018-01-02T23:12:01-08:00");
        assert_eq!(
            format_date("DD MMM YYYY hh:mm ZZZ", &t).unwrap(),
            "02 Jan 2018 23:12 -0800"
        );
        assert_eq!(
            format_date("EEEE, MMMM D, YYYY", &t).unwrap(),
            "Tuesday, January 2, 2018"
        );
        assert_eq!(format_date("h:mm aa", &t).unwrap(), "23:12 pm");
        assert_eq!(format_date("H:mm AA", &t).unwrap(), "11:12 PM");
        assert_eq!(format_date("'Day' D", &t).unwrap(), "Day 2");
        assert_eq!(format_date("'it''s' D", &t).unwrap(), "it's 2");
        assert!(format_date("'abc", &t).is_err());
        assert!(format_date("YYY", &t).is_err());
        assert!(format_date("x", &t).is_err());
    }

    /// Examples from developer.hashicorp.com/terraform/language/functions/timecmp.
    #[test]
    fn timecmp_doc_examples() {
        let cmp = |a: &str, b: &str| ts(a).nanos.cmp(&ts(b).nanos) as i32;
        assert_eq!(cmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z"), 0);
        assert_eq!(cmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z"), -1);
        assert_eq!(cmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z"), 1);
        assert_eq!(cmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00-01:00"), 0);
    }

    /// Examples from developer.hashicorp.com/terraform/language/functions/timeadd and
    /// .../formatdate (cty's own functions, checked against the referee too).
    #[test]
    fn timeadd_and_formatdate_doc_examples() {
        let add = |t: &str, d: &str| ts(t).add(parse_duration(d).unwrap()).rfc3339();
        assert_eq!(add("2017-11-22T00:00:00Z", "10m"), "2017-11-22T00:10:00Z");
        assert_eq!(add("2024-01-01T00:00:00Z", "-1h"), "2023-12-31T23:00:00Z");
        let t = ts("2018-01-02T23:12:01Z");
        assert_eq!(
            format_date("DD MMM YYYY hh:mm ZZZ", &t).unwrap(),
            "02 Jan 2018 23:12 UTC"
        );
        assert_eq!(
            format_date("EEEE, DD-MMM-YY hh:mm:ss ZZZ", &t).unwrap(),
            "Tuesday, 02-Jan-18 23:12:01 UTC"
        );
        assert_eq!(
            format_date("EEE, DD MMM YYYY hh:mm:ss ZZZ", &t).unwrap(),
            "Tue, 02 Jan 2018 23:12:01 UTC"
        );
        assert_eq!(format_date("MMM DD, YYYY", &t).unwrap(), "Jan 02, 2018");
        assert_eq!(format_date("HH:mmaa", &t).unwrap(), "11:12pm");
    }

    /// developer.hashicorp.com/terraform/language/functions/timestamp and
    /// .../plantimestamp: known only to a run of Terraform.
    #[test]
    fn timestamps_are_unknown() {
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
        for name in ["timestamp", "plantimestamp"] {
            let v = impure(name).call(&NoHost, &[]).unwrap();
            assert!(!v.is_known());
            assert_eq!(v.why(), Some(Why::Function { name: name.into() }));
        }
    }

    #[test]
    fn yaml_timestamps() {
        assert_eq!(
            yaml_timestamp("2001-12-14").as_deref(),
            Some("2001-12-14T00:00:00Z")
        );
        assert_eq!(
            yaml_timestamp("2001-12-14t21:59:43.10-05:00").as_deref(),
            Some("2001-12-14T21:59:43-05:00")
        );
        assert_eq!(
            yaml_timestamp("2001-12-14 21:59:43.10").as_deref(),
            Some("2001-12-14T21:59:43Z")
        );
        assert_eq!(
            yaml_timestamp("2001-1-2T3:4:5Z").as_deref(),
            Some("2001-01-02T03:04:05Z")
        );
        assert_eq!(yaml_timestamp("2001-12-14 21:59:43.10 -5"), None);
        assert_eq!(yaml_timestamp("12345"), None);
    }
}
