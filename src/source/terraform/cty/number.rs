//! Numbers as Terraform holds them: binary floating point of arbitrary precision, each
//! value with its own precision in bits, rounded to nearest even. This is the model of
//! Go's `math/big.Float` that cty (Terraform's value system) uses for `number`:
//!
//! - a number literal or a string converted to a number has 512 bits
//!   (`cty.ParseNumberVal`: `big.ParseFloat(s, 10, 512, big.ToNearestEven)`);
//! - a count a function returns (`length`, `index`, ...) has 64 (`big.Float.SetInt64`),
//!   and a result computed through a Go `float64` (`pow`, `log`) has 53;
//! - an operation's result has the larger precision of its operands, correctly rounded;
//! - a number prints as the shortest decimal that identifies it at its own precision
//!   (`Text('f', -1)`), which is also how cty decides whether two numbers are equal.
//!
//! So `0.1 + 0.2` is `0.3`, and `1 / 3` prints 155 digits, exactly as `terraform console`.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;

/// The precision of numbers parsed from text (cty.ParseNumberVal).
pub const PARSE_PREC: u32 = 512;
/// The precision `big.Float.SetInt64` gives.
pub const INT_PREC: u32 = 64;
/// The precision `big.Float.SetFloat64` gives.
pub const FLOAT64_PREC: u32 = 53;

/// Exponents beyond this (in bits) overflow, as Go's `MinExp`/`MaxExp` (int32).
const MAX_EXP: i64 = i32::MAX as i64;

#[derive(Clone, Debug)]
pub struct BigFloat {
    neg: bool,
    form: Form,
    /// Finite, non-zero: the value is `mant * 2^exp` with `mant` odd and at most `prec`
    /// bits long.
    mant: BigUint,
    exp: i64,
    prec: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Zero,
    Finite,
    Inf,
}

/// An operation Go's big.Float refuses (it panics with `ErrNaN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber(pub &'static str);

impl BigFloat {
    pub fn zero(prec: u32) -> BigFloat {
        BigFloat {
            neg: false,
            form: Form::Zero,
            mant: BigUint::zero(),
            exp: 0,
            prec,
        }
    }

    pub fn infinity(neg: bool) -> BigFloat {
        BigFloat {
            neg,
            form: Form::Inf,
            mant: BigUint::zero(),
            exp: 0,
            prec: 0,
        }
    }

    /// An integer, with the precision `SetInt64` gives (64 bits).
    pub fn from_i64(v: i64) -> BigFloat {
        Self::from_parts(v < 0, BigUint::from(v.unsigned_abs()), 0, INT_PREC)
    }

    /// An integer of any size; the precision is its bit length (at least 64), as
    /// `big.Float.SetInt` gives.
    pub fn from_bigint(neg: bool, v: BigUint) -> BigFloat {
        let prec = (v.bits() as u32).max(INT_PREC);
        Self::from_parts(neg, v, 0, prec)
    }

    /// A Go float64 (exact), with 53 bits of precision. `None` for NaN.
    pub fn from_f64(f: f64) -> Option<BigFloat> {
        if f.is_nan() {
            return None;
        }
        if f.is_infinite() {
            return Some(Self::infinity(f < 0.0));
        }
        let bits = f.to_bits();
        let neg = bits >> 63 == 1;
        let raw_exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if raw_exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), raw_exp - 1075)
        };
        let mut x = Self::from_parts(neg, BigUint::from(mant), exp, FLOAT64_PREC);
        if x.form == Form::Zero {
            x.neg = neg;
        }
        Some(x)
    }

    /// `mant * 2^exp`, rounded to `prec` bits.
    fn from_parts(neg: bool, mant: BigUint, exp: i64, prec: u32) -> BigFloat {
        Self::rounded(neg, mant, exp, false, prec)
    }

    /// Rounds `mant * 2^exp` (plus a little more when `sticky`) to nearest even at
    /// `prec` bits.
    fn rounded(neg: bool, mut mant: BigUint, mut exp: i64, sticky: bool, prec: u32) -> BigFloat {
        if mant.is_zero() {
            return BigFloat {
                neg,
                ..Self::zero(prec)
            };
        }
        let bits = mant.bits();
        if bits > prec as u64 {
            let shift = bits - prec as u64;
            let half = mant.bit(shift - 1);
            let below = sticky || mant.trailing_zeros().is_some_and(|t| t < shift - 1);
            mant >>= shift;
            exp += shift as i64;
            if half && (below || mant.bit(0)) {
                mant += 1u32;
                if mant.bits() > prec as u64 {
                    mant >>= 1u32;
                    exp += 1;
                }
            }
        }
        let tz = mant.trailing_zeros().unwrap_or(0);
        mant >>= tz;
        exp += tz as i64;
        // Overflow and underflow as Go's setExpAndRound: beyond the exponent range a
        // finite number becomes an infinity or zero.
        let top = exp + mant.bits() as i64;
        if top > MAX_EXP {
            return BigFloat {
                prec,
                ..Self::infinity(neg)
            };
        }
        if top < -MAX_EXP {
            return BigFloat {
                neg,
                ..Self::zero(prec)
            };
        }
        BigFloat {
            neg,
            form: Form::Finite,
            mant,
            exp,
            prec,
        }
    }

    pub fn prec(&self) -> u32 {
        self.prec
    }

    /// The fewest bits that hold the value exactly (Go's `MinPrec`).
    pub fn min_prec(&self) -> u32 {
        match self.form {
            Form::Finite => self.mant.bits() as u32,
            _ => 0,
        }
    }

    /// About how many decimal digits [`to_text`](Self::to_text) prints, at most: what
    /// printing (or converting to a string) costs. The mantissa's digits plus the zeros
    /// the exponent adds on either side of the point.
    pub fn digits(&self) -> usize {
        match self.form {
            Form::Zero | Form::Inf => 4,
            Form::Finite => {
                let bits = self.mant.bits() as i64;
                let zeros = if self.exp >= 0 {
                    self.exp
                } else {
                    (-self.exp.saturating_add(bits)).max(0)
                };
                let digits = |b: i64| (b as f64 * std::f64::consts::LOG10_2) as usize;
                digits(bits) + digits(zeros) + 3
            }
        }
    }

    pub fn is_zero(&self) -> bool {
        self.form == Form::Zero
    }

    pub fn is_inf(&self) -> bool {
        self.form == Form::Inf
    }

    /// -1, 0 or 1 (zero of either sign is 0).
    pub fn sign(&self) -> i32 {
        match self.form {
            Form::Zero => 0,
            _ if self.neg => -1,
            _ => 1,
        }
    }

    /// Whether the value is an integer (infinities are not).
    pub fn is_int(&self) -> bool {
        match self.form {
            Form::Zero => true,
            Form::Inf => false,
            Form::Finite => self.exp >= 0,
        }
    }

    pub fn neg(&self) -> BigFloat {
        BigFloat {
            neg: !self.neg,
            ..self.clone()
        }
    }

    pub fn abs(&self) -> BigFloat {
        BigFloat {
            neg: false,
            ..self.clone()
        }
    }

    /// The same value rounded to another precision (Go's `SetPrec`).
    pub fn with_prec(&self, prec: u32) -> BigFloat {
        match self.form {
            Form::Finite => Self::rounded(self.neg, self.mant.clone(), self.exp, false, prec),
            _ => BigFloat {
                prec,
                ..self.clone()
            },
        }
    }

    /// `x + y` at the larger of the two precisions (Go: `new(big.Float).Add(x, y)`).
    pub fn add(&self, y: &BigFloat) -> Result<BigFloat, NotANumber> {
        self.add_signed(y, y.neg, self.prec.max(y.prec))
    }

    pub fn sub(&self, y: &BigFloat) -> Result<BigFloat, NotANumber> {
        self.add_signed(y, !y.neg, self.prec.max(y.prec))
    }

    /// `x - y` rounded at `prec` (Go: `z.Sub(x, y)` where z has that precision).
    pub fn sub_to(&self, y: &BigFloat, prec: u32) -> Result<BigFloat, NotANumber> {
        self.add_signed(y, !y.neg, prec)
    }

    fn add_signed(&self, y: &BigFloat, yneg: bool, prec: u32) -> Result<BigFloat, NotANumber> {
        match (self.form, y.form) {
            (Form::Inf, Form::Inf) if self.neg != yneg => {
                return Err(NotANumber(
                    "addition or subtraction of infinities with opposite signs",
                ));
            }
            (Form::Inf, _) => {
                return Ok(BigFloat {
                    prec,
                    ..self.clone()
                });
            }
            (_, Form::Inf) => {
                return Ok(BigFloat {
                    prec,
                    ..Self::infinity(yneg)
                });
            }
            (Form::Zero, Form::Zero) => {
                // Go: -0 only when both are negative zero.
                return Ok(BigFloat {
                    neg: self.neg && yneg,
                    ..Self::zero(prec)
                });
            }
            (Form::Zero, _) => {
                return Ok(Self::rounded(yneg, y.mant.clone(), y.exp, false, prec));
            }
            (_, Form::Zero) => {
                return Ok(Self::rounded(
                    self.neg,
                    self.mant.clone(),
                    self.exp,
                    false,
                    prec,
                ));
            }
            _ => {}
        }
        let e = self.exp.min(y.exp);
        let a = &self.mant << (self.exp - e) as u64;
        let b = &y.mant << (y.exp - e) as u64;
        Ok(if self.neg == yneg {
            Self::rounded(self.neg, a + b, e, false, prec)
        } else {
            match a.cmp(&b) {
                Ordering::Equal => Self::zero(prec),
                Ordering::Greater => Self::rounded(self.neg, a - b, e, false, prec),
                Ordering::Less => Self::rounded(yneg, b - a, e, false, prec),
            }
        })
    }

    pub fn mul(&self, y: &BigFloat) -> Result<BigFloat, NotANumber> {
        self.mul_to(y, self.prec.max(y.prec))
    }

    /// `x * y` rounded at `prec`.
    pub fn mul_to(&self, y: &BigFloat, prec: u32) -> Result<BigFloat, NotANumber> {
        let neg = self.neg != y.neg;
        Ok(match (self.form, y.form) {
            (Form::Inf, Form::Zero) | (Form::Zero, Form::Inf) => {
                return Err(NotANumber("multiplication of zero with infinity"));
            }
            (Form::Inf, _) | (_, Form::Inf) => BigFloat {
                prec,
                ..Self::infinity(neg)
            },
            (Form::Zero, _) | (_, Form::Zero) => BigFloat {
                neg,
                ..Self::zero(prec)
            },
            _ => Self::rounded(neg, &self.mant * &y.mant, self.exp + y.exp, false, prec),
        })
    }

    pub fn quo(&self, y: &BigFloat) -> Result<BigFloat, NotANumber> {
        self.quo_to(y, self.prec.max(y.prec))
    }

    /// `x / y` rounded at `prec`.
    pub fn quo_to(&self, y: &BigFloat, prec: u32) -> Result<BigFloat, NotANumber> {
        let neg = self.neg != y.neg;
        Ok(match (self.form, y.form) {
            (Form::Zero, Form::Zero) | (Form::Inf, Form::Inf) => {
                return Err(NotANumber(
                    "division of zero by zero or infinity by infinity",
                ));
            }
            (Form::Zero, _) | (_, Form::Inf) => BigFloat {
                neg,
                ..Self::zero(prec)
            },
            (_, Form::Zero) | (Form::Inf, _) => BigFloat {
                prec,
                ..Self::infinity(neg)
            },
            _ => {
                // Enough quotient bits for the rounding bit; the remainder is sticky.
                let extra = (prec as i64 + 2 + y.mant.bits() as i64 - self.mant.bits() as i64)
                    .max(0) as u64;
                let (q, r) = (&self.mant << extra).div_rem(&y.mant);
                Self::rounded(neg, q, self.exp - y.exp - extra as i64, !r.is_zero(), prec)
            }
        })
    }

    /// Numeric comparison (`-0 == +0`; infinities at the ends). Not `Ord::cmp`: numbers
    /// that compare equal may still differ (sign of zero, precision).
    #[allow(clippy::should_implement_trait)]
    pub fn cmp(&self, y: &BigFloat) -> Ordering {
        let rank = |x: &BigFloat| -> i32 {
            match (x.form, x.neg) {
                (Form::Inf, true) => -2,
                (Form::Finite, true) => -1,
                (Form::Zero, _) => 0,
                (Form::Finite, false) => 1,
                (Form::Inf, false) => 2,
            }
        };
        let (ra, rb) = (rank(self), rank(y));
        if ra != rb || ra.abs() != 1 {
            return ra.cmp(&rb);
        }
        let e = self.exp.min(y.exp);
        let a = &self.mant << (self.exp - e) as u64;
        let b = &y.mant << (y.exp - e) as u64;
        if self.neg { b.cmp(&a) } else { a.cmp(&b) }
    }

    /// Truncated toward zero, as Go's `Int`: the integer and whether that was exact.
    /// `None` for infinities.
    pub fn trunc(&self) -> Option<(bool, BigUint, bool)> {
        match self.form {
            Form::Zero => Some((false, BigUint::zero(), true)),
            Form::Inf => None,
            Form::Finite if self.exp >= 0 => Some((self.neg, &self.mant << self.exp as u64, true)),
            Form::Finite => {
                let shift = (-self.exp) as u64;
                let i = &self.mant >> shift;
                let neg = self.neg && !i.is_zero();
                Some((neg, i, false))
            }
        }
    }

    /// Truncated toward zero as an i64, and whether that was exact (Go's `Int64`).
    pub fn to_i64(&self) -> Option<(i64, bool)> {
        let (neg, i, exact) = self.trunc()?;
        let mag = i.to_u64()?;
        if neg {
            if mag > i64::MAX as u64 + 1 {
                return None;
            }
            Some(((mag as i64).wrapping_neg(), exact))
        } else {
            Some((i64::try_from(mag).ok()?, exact))
        }
    }

    /// The nearest float64 (ties to even), as Go's `Float64`.
    pub fn to_f64(&self) -> f64 {
        let sign = if self.neg { -1.0 } else { 1.0 };
        match self.form {
            Form::Zero => sign * 0.0,
            Form::Inf => sign * f64::INFINITY,
            Form::Finite => {
                // Round to 53 bits, or fewer where the result is subnormal.
                let top = self.exp + self.mant.bits() as i64; // value < 2^top
                let bits = if top - 1 < -1022 {
                    (53 - (-1022 - (top - 1))).max(0) as u32
                } else {
                    53
                };
                if bits == 0 {
                    // Smaller than half the smallest subnormal, or exactly at it.
                    let half_min = top == -1074 && self.mant.bits() > 1;
                    return sign * if half_min { 5e-324 } else { 0.0 };
                }
                let r = Self::rounded(false, self.mant.clone(), self.exp, false, bits);
                if r.form != Form::Finite {
                    return sign
                        * if r.form == Form::Inf {
                            f64::INFINITY
                        } else {
                            0.0
                        };
                }
                let m = r.mant.to_u64().unwrap_or(0) as f64;
                sign * ldexp(m, r.exp)
            }
        }
    }

    /// Parses a decimal number as `big.ParseFloat(s, 10, prec, ToNearestEven)`: optional
    /// sign, digits with an optional fraction, an optional `e`/`E` (or binary `p`/`P`)
    /// exponent, or `Inf`/`inf`. `None` when that is not what `s` holds.
    pub fn parse(s: &str, prec: u32) -> Option<BigFloat> {
        match s {
            "Inf" | "inf" | "+Inf" | "+inf" => return Some(Self::infinity(false)),
            "-Inf" | "-inf" => return Some(Self::infinity(true)),
            _ => {}
        }
        let b = s.as_bytes();
        let mut i = 0;
        let neg = match b.first() {
            Some(b'-') => {
                i = 1;
                true
            }
            Some(b'+') => {
                i = 1;
                false
            }
            _ => false,
        };
        let mut digits = String::new();
        let mut frac = 0i64;
        let mut seen_point = false;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    digits.push(c as char);
                    if seen_point {
                        frac += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if digits.is_empty() {
            return None;
        }
        let (mut exp10, mut exp2) = (-frac, 0i64);
        if i < b.len() {
            let binary = matches!(b[i], b'p' | b'P');
            if !(binary || matches!(b[i], b'e' | b'E')) {
                return None;
            }
            let rest = &s[i + 1..];
            let digits_at = rest.trim_start_matches(['+', '-']);
            if rest.len() - digits_at.len() > 1
                || digits_at.is_empty()
                || !digits_at.bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            let e: i64 = rest.parse().ok().or_else(|| {
                // An exponent too long for i64 overflows anyway.
                Some(if rest.starts_with('-') {
                    i64::MIN / 4
                } else {
                    i64::MAX / 4
                })
            })?;
            if binary {
                exp2 = e;
            } else {
                // Saturating: an exponent near i64's limits overflows below anyway.
                exp10 = exp10.saturating_add(e);
            }
        }
        let mant: BigUint = digits.parse().ok()?;
        if mant.is_zero() {
            return Some(BigFloat {
                neg,
                ..Self::zero(prec)
            });
        }
        // In i128: `exp10 * 10` overflows i64 for exponents past 9.2e17, and wrapped it
        // could land in range (`1e-1844674407370955162` came out as +Inf).
        let top = i128::from(mant.bits()) + i128::from(exp2) + i128::from(exp10) * 10 / 3;
        if top.abs() > i128::from(MAX_EXP) {
            return None; // "exponent overflow"
        }
        // 10^e = 2^e * 5^e: scale by the power of five with Go's precision rules.
        exp2 += exp10;
        let x = Self {
            neg,
            form: Form::Finite,
            mant,
            exp: exp2,
            prec,
        };
        if exp10 == 0 {
            return Some(Self::rounded(neg, x.mant, x.exp, false, prec));
        }
        let p = pow5(exp10.unsigned_abs(), prec + 64);
        // Go: z.Quo(z, p) / z.Mul(z, p), rounded at z's precision (not p's).
        let unrounded = BigFloat { prec, ..x };
        if exp10 < 0 {
            unrounded.quo_to(&p, prec).ok()
        } else {
            unrounded.mul_to(&p, prec).ok()
        }
    }

    /// The shortest decimal that identifies the value at its precision, as Go's
    /// `Text('f', -1)` (`+Inf`, `-Inf`, `-0` included).
    pub fn to_text(&self) -> String {
        let sign = if self.neg { "-" } else { "" };
        match self.form {
            Form::Inf => format!("{}Inf", if self.neg { "-" } else { "+" }),
            Form::Zero => format!("{sign}0"),
            Form::Finite => {
                let mut d = Decimal::of(&self.mant, self.exp);
                self.round_shortest(&mut d);
                let prec = (d.mant.len() as i64 - d.exp).max(0) as usize;
                format!("{sign}{}", d.fmt_f(prec))
            }
        }
    }

    /// `Text('g', 10)`, Go's `String()`: what cty hashes set elements by.
    pub fn to_text_g10(&self) -> String {
        let sign = if self.neg { "-" } else { "" };
        match self.form {
            Form::Inf => format!("{}Inf", if self.neg { "-" } else { "+" }),
            Form::Zero => format!("{sign}0"),
            Form::Finite => {
                let mut d = Decimal::of(&self.mant, self.exp);
                let mut prec = 10usize;
                d.round(prec);
                let mut eprec = prec as i64;
                if eprec > d.mant.len() as i64 && d.mant.len() as i64 >= d.exp {
                    eprec = d.mant.len() as i64;
                }
                let exp = d.exp - 1;
                if exp < -4 || exp >= eprec {
                    prec = prec.min(d.mant.len());
                    return format!("{sign}{}", d.fmt_e(prec.saturating_sub(1)));
                }
                if prec as i64 > d.exp {
                    prec = d.mant.len();
                }
                format!("{sign}{}", d.fmt_f((prec as i64 - d.exp).max(0) as usize))
            }
        }
    }

    /// Go's roundShortest: the fewest digits that still round back to this value.
    fn round_shortest(&self, d: &mut Decimal) {
        if d.mant.is_empty() {
            return;
        }
        // The mantissa with exactly prec+1 bits, so that ±1 is half an ulp.
        let bits = self.mant.bits() as i64;
        let s = bits - (self.prec as i64 + 1);
        let (mant, exp) = if s < 0 {
            (&self.mant << (-s) as u64, self.exp + s)
        } else {
            (&self.mant >> s as u64, self.exp + s)
        };
        let lower = Decimal::of(&(&mant - 1u32), exp);
        let upper = Decimal::of(&(&mant + 1u32), exp);
        let inclusive = !mant.bit(1);
        // Align the three decimals' digit positions (Go's decimal.at uses each one's own
        // exponent; lower, upper and d share magnitude closely enough that Go compares
        // digit i of each directly).
        for i in 0..d.mant.len() {
            let m = d.mant[i];
            let l = lower.at(i);
            let u = upper.at(i);
            let okdown = l != m || inclusive && i + 1 == lower.mant.len();
            let okup = m != u && (inclusive || m + 1 < u || i + 1 < upper.mant.len());
            match (okdown, okup) {
                (true, true) => return d.round(i + 1),
                (true, false) => return d.round_down(i + 1),
                (false, true) => return d.round_up(i + 1),
                (false, false) => {}
            }
        }
    }
}

/// 5^n as Go's `Float.pow5` computes it at precision `prec`: exact up to 5^27, then by
/// repeated squaring rounded at `prec` bits (the factor at `prec + 64`).
fn pow5(n: u64, prec: u32) -> BigFloat {
    const M: u64 = 27;
    let five27 = 5u64.pow(27);
    if n <= M {
        return BigFloat::from_parts(false, BigUint::from(5u64.pow(n as u32)), 0, prec);
    }
    let mut z = BigFloat::from_parts(false, BigUint::from(five27), 0, prec);
    let mut f = BigFloat::from_parts(false, BigUint::from(5u32), 0, prec + 64);
    let mut n = n - M;
    while n > 0 {
        if n & 1 != 0 {
            z = z.mul_keep_prec(&f);
        }
        f = f.mul_keep_prec(&f);
        n >>= 1;
    }
    z
}

impl BigFloat {
    /// `z.Mul(z, y)` where z keeps its own precision.
    fn mul_keep_prec(&self, y: &BigFloat) -> BigFloat {
        Self::rounded(
            self.neg != y.neg,
            &self.mant * &y.mant,
            self.exp + y.exp,
            false,
            self.prec,
        )
    }
}

fn ldexp(m: f64, e: i64) -> f64 {
    // m has at most 53 bits; scale in steps so intermediate values stay finite.
    let mut x = m;
    let mut e = e;
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e as i32)
}

/// A decimal number `0.mant × 10^exp` with no leading or trailing zero digits (Go's
/// `math/big` decimal), for printing.
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The exact decimal value of `m × 2^shift`.
    fn of(m: &BigUint, shift: i64) -> Decimal {
        if m.is_zero() {
            return Decimal {
                mant: Vec::new(),
                exp: 0,
            };
        }
        let (digits, point) = if shift >= 0 {
            let s = (m << shift as u64).to_str_radix(10);
            let n = s.len() as i64;
            (s, n)
        } else {
            let k = (-shift) as u32;
            let s = (m * BigUint::from(5u32).pow(k)).to_str_radix(10);
            let n = s.len() as i64 - k as i64;
            (s, n)
        };
        let mut mant = digits.into_bytes();
        while mant.last() == Some(&b'0') {
            mant.pop();
        }
        Decimal { mant, exp: point }
    }

    fn at(&self, i: usize) -> u8 {
        self.mant.get(i).copied().unwrap_or(b'0')
    }

    fn round(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let up = if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.mant[n - 1] - b'0') & 1 != 0
        } else {
            self.mant[n] >= b'5'
        };
        if up {
            self.round_up(n)
        } else {
            self.round_down(n)
        }
    }

    fn round_up(&mut self, mut n: usize) {
        if n >= self.mant.len() {
            return;
        }
        while n > 0 && self.mant[n - 1] >= b'9' {
            n -= 1;
        }
        if n == 0 {
            self.mant.truncate(1);
            self.mant[0] = b'1';
            self.exp += 1;
            return;
        }
        self.mant[n - 1] += 1;
        self.mant.truncate(n);
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        self.mant.truncate(n);
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
        if self.mant.is_empty() {
            self.exp = 0;
        }
    }

    fn fmt_f(&self, prec: usize) -> String {
        let mut out = String::new();
        if self.exp > 0 {
            let m = (self.exp as usize).min(self.mant.len());
            out.push_str(std::str::from_utf8(&self.mant[..m]).unwrap_or(""));
            for _ in m..self.exp as usize {
                out.push('0');
            }
        } else {
            out.push('0');
        }
        if prec > 0 {
            out.push('.');
            for i in 0..prec as i64 {
                let idx = self.exp + i;
                out.push(if idx >= 0 {
                    self.at(idx as usize)
                } else {
                    b'0'
                } as char);
            }
        }
        out
    }

    fn fmt_e(&self, prec: usize) -> String {
        let mut out = String::new();
        out.push(self.mant.first().copied().unwrap_or(b'0') as char);
        if prec > 0 {
            out.push('.');
            let m = self.mant.len().min(prec + 1);
            let mut i = 1;
            if i < m {
                out.push_str(std::str::from_utf8(&self.mant[i..m]).unwrap_or(""));
                i = m;
            }
            while i <= prec {
                out.push('0');
                i += 1;
            }
        }
        out.push('e');
        let exp = if self.mant.is_empty() {
            0
        } else {
            self.exp - 1
        };
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
        out
    }
}

impl BigFloat {
    /// The exact value as a ratio `(negative, numerator, denominator-power-of-two)`, for
    /// callers that need integer arithmetic (`parseint`, `range`).
    pub fn one() -> BigFloat {
        Self::from_parts(false, BigUint::one(), 0, INT_PREC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> BigFloat {
        BigFloat::parse(s, PARSE_PREC).unwrap()
    }

    #[test]
    fn literals_print_back() {
        for s in [
            "0",
            "1",
            "1.5",
            "0.05",
            "1000",
            "123456789012345678901234567890",
            "0.1",
        ] {
            assert_eq!(p(s).to_text(), s);
        }
        assert_eq!(p("1e3").to_text(), "1000");
        assert_eq!(p("1.50").to_text(), "1.5");
    }

    #[test]
    fn arithmetic_matches_go() {
        // Values printed by Go's big.Float at 512 bits (the referee).
        assert_eq!(p("0.1").add(&p("0.2")).unwrap().to_text(), "0.3");
        let third = p("1").quo(&p("3")).unwrap().to_text();
        assert!(
            third.starts_with("0.3333333333") && third.ends_with('5'),
            "{third}"
        );
        assert_eq!(third.len(), 157);
        assert_eq!(p("1").neg().mul(&p("0")).unwrap().to_text(), "-0");
        assert_eq!(p("2").quo(&p("0")).unwrap().to_text(), "+Inf");
    }

    #[test]
    fn int64_precision_prints_shorter() {
        let two = BigFloat::from_i64(2);
        let three = BigFloat::from_i64(3);
        assert_eq!(two.quo(&three).unwrap().to_text(), "0.6666666666666666667");
    }

    #[test]
    fn float64_values() {
        let x = BigFloat::from_f64(2f64.sqrt()).unwrap();
        assert_eq!(x.to_text(), "1.4142135623730951");
        assert_eq!(x.to_f64(), 2f64.sqrt());
        assert_eq!(p("0.1").to_f64(), 0.1);
        assert_eq!(p("1e-320").to_f64(), 1e-320);
    }

    #[test]
    fn g10_format() {
        assert_eq!(p("1").to_text_g10(), "1");
        assert_eq!(p("1e12").to_text_g10(), "1e+12");
        assert_eq!(p("0.5").to_text_g10(), "0.5");
        assert_eq!(p("0.00001").to_text_g10(), "1e-05");
    }

    #[test]
    fn parse_rejects_what_go_rejects() {
        for s in ["", ".", "1x", " 1", "1 ", "e5", "1e", "1e+-2", "0x10"] {
            assert!(BigFloat::parse(s, PARSE_PREC).is_none(), "{s:?}");
        }
        assert!(BigFloat::parse(".5", PARSE_PREC).is_some());
        assert!(BigFloat::parse("5.", PARSE_PREC).is_some());
        assert!(BigFloat::parse("1e999999999999", PARSE_PREC).is_none());
    }

    #[test]
    fn truncation() {
        assert_eq!(p("-2.5").to_i64(), Some((-2, false)));
        assert_eq!(p("7").to_i64(), Some((7, true)));
        assert!(p("0.5").trunc().unwrap().1.is_zero());
    }
}
