//! Generates HCL expressions for the differential test against HashiCorp's evaluator:
//! operators, conversions, templates and directives, `for`, splats, conditionals, nulls,
//! indexing, `try`/`can`, `type()` and every function Terraform takes from cty's stdlib,
//! over the variables in ref-vars/variables.tf (known and unknown). One expression per
//! line; deterministic for a seed.
//!
//! Used by tests/differential.rs; `generate(seed, count)` gives `count` distinct
//! expressions.

use std::fmt::Write;

/// A small deterministic generator (xorshift64*): the same seed gives the same
/// expressions on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What an expression is meant to produce; generators sometimes pick another kind on
/// purpose, so conversions and type errors are exercised too.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Str,
    Num,
    Bool,
    List,
    Map,
    Any,
}

const KINDS: [Kind; 6] = [
    Kind::Str,
    Kind::Num,
    Kind::Bool,
    Kind::List,
    Kind::Map,
    Kind::Any,
];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn kind(&mut self) -> Kind {
        *self.rng.pick(&KINDS)
    }

    /// Sometimes the wrong kind, to hit conversions and errors.
    fn maybe_wrong(&mut self, k: Kind) -> Kind {
        if self.rng.chance(8) { self.kind() } else { k }
    }

    fn expr(&mut self, k: Kind, depth: u32) -> String {
        if depth == 0 || self.rng.chance(25) {
            return self.atom(k);
        }
        let d = depth - 1;
        match self.rng.below(12) {
            0 | 1 => self.call(k, d),
            2 => self.conditional(k, d),
            3 => self.operator(k, d),
            4 => self.template_or(k, d),
            5 => self.for_or(k, d),
            6 => self.index_or(k, d),
            7 => self.splat_or(k, d),
            8 => self.try_or(k, d),
            9 => format!("({})", self.expr(k, d)),
            _ => self.constructor(k, d),
        }
    }

    fn number(&mut self) -> String {
        match self.rng.below(10) {
            0 => "0".into(),
            1 => format!("-{}", self.rng.below(100)),
            2 => format!("{}.{}", self.rng.below(100), self.rng.below(1000)),
            3 => format!("{}e{}", 1 + self.rng.below(9), self.rng.below(5)),
            4 => "0.1".into(),
            5 => "1.5".into(),
            6 => format!("{}", self.rng.below(1_000_000_000)),
            7 => "12345678901234567890".into(),
            _ => format!("{}", self.rng.below(20)),
        }
    }

    fn string_literal(&mut self) -> String {
        let pieces = [
            "",
            "a",
            "b",
            "hello",
            "Active",
            "PassThrough",
            "a,b,c",
            "x y",
            "  pad  ",
            "1",
            "2.5",
            "true",
            "false",
            "é",
            "ß",
            "日本",
            "a\\nb",
            "tab\\t",
            "q\\\"q",
            "back\\\\slash",
            "$${lit}",
            "%%{lit}",
            "arn:aws:iam::123:role/r",
            "Hello World",
            "-3",
            "1e2",
            "0x10",
            "null",
        ];
        format!("\"{}\"", self.rng.pick(&pieces))
    }

    fn var(&mut self, k: Kind) -> String {
        let names: &[&str] = match k {
            Kind::Str => &["s", "empty", "nul", "us"],
            Kind::Num => &["n", "f", "neg", "un"],
            Kind::Bool => &["t", "no", "ub"],
            Kind::List => &["l", "nums", "ls", "ln", "ss", "objs", "nested", "ul"],
            Kind::Map => &["m", "o", "um", "uo"],
            Kind::Any => &["ud", "o", "objs", "s", "n", "l", "m"],
        };
        format!("var.{}", self.rng.pick(names))
    }

    fn atom(&mut self, k: Kind) -> String {
        let k = self.maybe_wrong(k);
        if self.rng.chance(40) {
            return self.var(k);
        }
        match k {
            Kind::Str => self.string_literal(),
            Kind::Num => self.number(),
            Kind::Bool => (if self.rng.chance(50) { "true" } else { "false" }).into(),
            Kind::List => {
                let n = self.rng.below(4);
                let ek = self.kind_for_elements();
                let items: Vec<String> = (0..n).map(|_| self.atom(ek)).collect();
                format!("[{}]", items.join(", "))
            }
            Kind::Map => {
                let n = self.rng.below(4);
                let ek = self.kind_for_elements();
                let items: Vec<String> = (0..n)
                    .map(|i| format!("{} = {}", self.key(i), self.atom(ek)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
            Kind::Any => {
                if self.rng.chance(15) {
                    "null".into()
                } else {
                    let k =
                        *self
                            .rng
                            .pick(&[Kind::Str, Kind::Num, Kind::Bool, Kind::List, Kind::Map]);
                    self.atom(k)
                }
            }
        }
    }

    fn kind_for_elements(&mut self) -> Kind {
        if self.rng.chance(70) {
            *self.rng.pick(&[Kind::Str, Kind::Num])
        } else {
            self.kind()
        }
    }

    fn key(&mut self, i: usize) -> String {
        match self.rng.below(5) {
            0 => format!("\"k{i}\""),
            1 => format!("(\"p{i}\")"),
            _ => ["a", "b", "c", "name", "mode", "x"][i % 6].to_string(),
        }
    }

    fn constructor(&mut self, k: Kind, d: u32) -> String {
        match k {
            Kind::List | Kind::Any => {
                let n = self.rng.below(4);
                let ek = self.kind_for_elements();
                let items: Vec<String> = (0..n).map(|_| self.expr(ek, d)).collect();
                format!("[{}]", items.join(", "))
            }
            Kind::Map => {
                let n = self.rng.below(4);
                let ek = self.kind_for_elements();
                let items: Vec<String> = (0..n)
                    .map(|i| format!("{} = {}", self.key(i), self.expr(ek, d)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
            _ => self.atom(k),
        }
    }

    fn conditional(&mut self, k: Kind, d: u32) -> String {
        let c = self.expr(Kind::Bool, d);
        let a = {
            let kk = self.maybe_wrong(k);
            self.expr(kk, d)
        };
        let b = if self.rng.chance(10) {
            "null".into()
        } else {
            {
                let kk = self.maybe_wrong(k);
                self.expr(kk, d)
            }
        };
        format!("{c} ? {a} : {b}")
    }

    fn operator(&mut self, k: Kind, d: u32) -> String {
        match k {
            Kind::Num => {
                let op = self.rng.pick(&["+", "-", "*", "/", "%"]).to_string();
                let a = {
                    let kk = self.maybe_wrong(Kind::Num);
                    self.expr(kk, d)
                };
                let b = {
                    let kk = self.maybe_wrong(Kind::Num);
                    self.expr(kk, d)
                };
                if self.rng.chance(10) {
                    format!("-({a})")
                } else {
                    format!("({a}) {op} ({b})")
                }
            }
            Kind::Bool => match self.rng.below(4) {
                0 => {
                    let op = self.rng.pick(&["<", "<=", ">", ">="]).to_string();
                    let a = self.expr(Kind::Num, d);
                    let b = {
                        let kk = self.maybe_wrong(Kind::Num);
                        self.expr(kk, d)
                    };
                    format!("({a}) {op} ({b})")
                }
                1 => {
                    let op = self.rng.pick(&["==", "!="]).to_string();
                    let k2 = self.kind();
                    let a = self.expr(k2, d);
                    let b = {
                        let kk = self.maybe_wrong(k2);
                        self.expr(kk, d)
                    };
                    format!("({a}) {op} ({b})")
                }
                2 => {
                    let op = self.rng.pick(&["&&", "||"]).to_string();
                    let a = self.expr(Kind::Bool, d);
                    let b = {
                        let kk = self.maybe_wrong(Kind::Bool);
                        self.expr(kk, d)
                    };
                    format!("({a}) {op} ({b})")
                }
                _ => format!("!({})", {
                    let kk = self.maybe_wrong(Kind::Bool);
                    self.expr(kk, d)
                }),
            },
            _ => self.expr(k, d),
        }
    }

    fn template_or(&mut self, k: Kind, d: u32) -> String {
        if k != Kind::Str && self.rng.chance(70) {
            return self.expr(k, d);
        }
        let mut out = String::from("\"");
        for _ in 0..1 + self.rng.below(3) {
            match self.rng.below(6) {
                0 | 1 => out.push_str(
                    &self
                        .rng
                        .pick(&["a", "-", " x ", "é", "", "${", "%{"])
                        .replace("${", "$${")
                        .replace("%{", "%%{"),
                ),
                2 | 3 => {
                    let (l, r) = *self
                        .rng
                        .pick(&[("${", "}"), ("${~ ", " ~}"), ("${ ", "~}")]);
                    let _ = write!(out, "{l}{}{r}", {
                        let kk = self.maybe_wrong(Kind::Str);
                        self.expr(kk, d)
                    });
                }
                4 => {
                    let c = self.expr(Kind::Bool, d.min(1));
                    let _ = write!(out, "%{{ if {c} }}yes%{{ else }}no%{{ endif }}");
                }
                _ => {
                    let coll = self.var(Kind::List);
                    let _ = write!(out, "%{{ for i, x in {coll} }}${{i}}=${{x}};%{{ endfor }}");
                }
            }
        }
        out.push('"');
        out
    }

    fn for_or(&mut self, k: Kind, _d: u32) -> String {
        let coll = if self.rng.chance(50) {
            self.var(Kind::List)
        } else {
            self.var(Kind::Map)
        };
        // Without a key variable, `k` would be a reference to an undeclared resource,
        // which Terraform refuses before evaluating (so `try` cannot catch it) where plain
        // HCL reports an unknown variable: a documented difference, not exercised here.
        let keyed = k == Kind::Map || !self.rng.chance(30);
        let conds: &[&str] = if keyed {
            &[
                "v != \"a\"",
                "k != 0",
                "k != \"\"",
                "true",
                "v == null",
                "k == \"a\"",
            ]
        } else {
            &["v != \"a\"", "true", "v == null", "v != 1"]
        };
        let cond = if self.rng.chance(40) {
            format!(" if {}", self.rng.pick(conds))
        } else {
            String::new()
        };
        let values: &[&str] = if keyed {
            &[
                "v",
                "k",
                "\"${k}:${v}\"",
                "[k, v]",
                "upper(v)",
                "v.name",
                "{ k = v }",
            ]
        } else {
            &["v", "\"${v}\"", "[v]", "upper(v)", "v.name", "{ k = v }"]
        };
        let value = *self.rng.pick(values);
        match k {
            Kind::Map => {
                let group = if self.rng.chance(20) { "..." } else { "" };
                let key = *self
                    .rng
                    .pick(&["k", "v", "\"${k}\"", "\"${v}\"", "\"same\""]);
                format!("{{for k, v in {coll} : {key} => {value}{group}{cond}}}")
            }
            _ if keyed => format!("[for k, v in {coll} : {value}{cond}]"),
            _ => format!("[for v in {coll} : {value}{cond}]"),
        }
    }

    fn index_or(&mut self, k: Kind, d: u32) -> String {
        let base = match self.rng.below(4) {
            0 => self.var(Kind::List),
            1 => self.var(Kind::Map),
            2 => self.constructor(Kind::List, d),
            _ => self.constructor(Kind::Map, d),
        };
        let key = match self.rng.below(6) {
            0 => format!("{}", self.rng.below(4)),
            1 => self.string_literal(),
            2 => "\"a\"".into(),
            3 => "-1".into(),
            4 => "1.5".into(),
            _ => {
                let kk = self.kind_for_elements();
                self.expr(kk, d)
            }
        };
        let _ = k;
        if self.rng.chance(30) {
            format!(
                "{base}.{}",
                ["name", "mode", "a", "tags", "0", "size"][self.rng.below(6)]
            )
        } else {
            format!("{base}[{key}]")
        }
    }

    fn splat_or(&mut self, k: Kind, _d: u32) -> String {
        let base = *self.rng.pick(&[
            "var.objs",
            "var.o",
            "var.l",
            "var.nested",
            "var.ul",
            "var.ud",
            "var.uo",
            "null",
            "var.nul",
            "[]",
            "[{a = 1}, {a = 2}]",
        ]);
        let rest = *self.rng.pick(&[
            "[*].name",
            ".*.name",
            "[*]",
            "[*].n",
            "[*][0]",
            ".*.a",
            "[*].tags.team",
            "[*].a",
        ]);
        let _ = k;
        format!("{base}{rest}")
    }

    fn try_or(&mut self, k: Kind, d: u32) -> String {
        match self.rng.below(4) {
            0 => format!("try({}, {})", self.index_or(k, d), self.expr(k, d)),
            1 => format!("can({})", {
                let kk = self.kind();
                self.expr(kk, d)
            }),
            2 => format!("type({})", {
                let kk = self.kind();
                self.expr(kk, d)
            }),
            _ => format!("try({})", self.expr(k, d)),
        }
    }

    fn call(&mut self, k: Kind, d: u32) -> String {
        use Kind::*;
        // (name, argument kinds, variadic tail kind)
        let table: &[(&str, &[Kind], Option<Kind>)] = &[
            ("abs", &[Num], None),
            ("ceil", &[Num], None),
            ("floor", &[Num], None),
            ("log", &[Num, Num], None),
            ("max", &[Num], Some(Num)),
            ("min", &[Num], Some(Num)),
            ("parseint", &[Str, Num], None),
            ("pow", &[Num, Num], None),
            ("signum", &[Num], None),
            ("chomp", &[Str], None),
            ("format", &[Str], Some(Any)),
            ("formatlist", &[Str], Some(List)),
            ("indent", &[Num, Str], None),
            ("join", &[Str, List], Some(List)),
            ("lower", &[Str], None),
            ("upper", &[Str], None),
            ("regex", &[Str, Str], None),
            ("regexall", &[Str, Str], None),
            ("split", &[Str, Str], None),
            ("strrev", &[Str], None),
            ("substr", &[Str, Num, Num], None),
            ("title", &[Str], None),
            ("trim", &[Str, Str], None),
            ("trimprefix", &[Str, Str], None),
            ("trimsuffix", &[Str, Str], None),
            ("trimspace", &[Str], None),
            ("chunklist", &[List, Num], None),
            ("coalescelist", &[List], Some(List)),
            ("compact", &[List], None),
            ("concat", &[List], Some(List)),
            ("contains", &[List, Any], None),
            ("distinct", &[List], None),
            ("element", &[List, Num], None),
            ("flatten", &[List], None),
            ("keys", &[Map], None),
            ("values", &[Map], None),
            ("merge", &[], Some(Map)),
            ("range", &[Num], Some(Num)),
            ("reverse", &[List], None),
            ("slice", &[List, Num, Num], None),
            ("sort", &[List], None),
            ("zipmap", &[List, List], None),
            ("setintersection", &[List], Some(List)),
            ("setproduct", &[], Some(List)),
            ("setsubtract", &[List, List], None),
            ("setunion", &[List], Some(List)),
            ("jsonencode", &[Any], None),
            ("jsondecode", &[Str], None),
            ("csvdecode", &[Str], None),
            ("formatdate", &[Str, Str], None),
            ("timeadd", &[Str, Str], None),
        ];
        let (name, params, var) = *self.rng.pick(table);
        let mut args: Vec<String> = params.iter().map(|p| self.arg(name, *p, d)).collect();
        if let Some(v) = var {
            for _ in 0..self.rng.below(3) {
                args.push(self.arg(name, v, d));
            }
        }
        if self.rng.chance(3) && !args.is_empty() {
            args.pop();
        }
        let _ = k;
        let expand = if self.rng.chance(5) && var.is_some() {
            "..."
        } else {
            ""
        };
        if expand == "..." {
            args.push(self.var(List));
        }
        format!("{name}({}{expand})", args.join(", "))
    }

    /// An argument, with values that make the function do something interesting.
    fn arg(&mut self, name: &str, k: Kind, d: u32) -> String {
        let special: Option<&[&str]> = match (name, k) {
            ("format", Kind::Str) => Some(&[
                "\"%s\"",
                "\"%d\"",
                "\"%5.2f\"",
                "\"%q\"",
                "\"%v-%v\"",
                "\"%#v\"",
                "\"%t\"",
                "\"%x\"",
                "\"%%\"",
                "\"%[2]s %[1]s\"",
                "\"%-5s|\"",
                "\"%e\"",
                "\"%g\"",
                "\"%b\"",
                "\"%o\"",
                "\"%X\"",
                "\"%08.3f\"",
                "\"%z\"",
            ]),
            ("formatlist", Kind::Str) => Some(&["\"%s\"", "\"%s=%s\"", "\"[%d]\"", "\"%v\""]),
            ("regex" | "regexall", Kind::Str) => Some(&[
                "\"[a-z]+\"",
                "\"(\\\\d+)\"",
                "\"(?P<k>\\\\w+)=(?P<v>\\\\w+)\"",
                "\"^a\"",
                "\"(a)(b)?\"",
                "\"[\"",
                "\"x*\"",
                "var.s",
            ]),
            ("parseint", Kind::Str) => Some(&[
                "\"ff\"", "\"-101\"", "\"777\"", "\"zz\"", "\"12\"", "\"0x1\"",
            ]),
            ("parseint", Kind::Num) => Some(&["16", "2", "8", "10", "36", "1", "37"]),
            ("jsondecode", Kind::Str) => Some(&[
                "\"{\\\"a\\\": 1}\"",
                "\"[1, \\\"a\\\", null]\"",
                "\"1.5e2\"",
                "\"true\"",
                "\"{bad\"",
                "\"\\\"s\\\"\"",
                "\"[]\"",
                "\"{\\\"b\\\": [1, 2], \\\"a\\\": {}}\"",
            ]),
            ("csvdecode", Kind::Str) => Some(&[
                "\"a,b\\n1,2\\n3,4\"",
                "\"a,b\\n1\"",
                "\"x\\n\"",
                "\"\"",
                "\"a,a\\n1,2\"",
            ]),
            ("formatdate", Kind::Str) => Some(&[
                "\"YYYY-MM-DD\"",
                "\"2006-01-02T15:04:05Z\"",
                "\"EEE, DD MMM YYYY hh:mm:ss ZZZ\"",
                "\"2024-02-29T10:00:00+02:00\"",
                "\"h:mm aa\"",
                "\"'quoted' YY\"",
            ]),
            ("timeadd", Kind::Str) => Some(&[
                "\"2024-01-01T00:00:00Z\"",
                "\"10m\"",
                "\"-1h30m\"",
                "\"1.5s\"",
                "\"bad\"",
                "\"2024-02-29T23:59:59-07:00\"",
            ]),
            ("split" | "trim" | "trimprefix" | "trimsuffix", Kind::Str) => Some(&[
                "\",\"", "\"a\"", "\" \"", "\"\"", "var.s", "\"hel\"", "\"lo\"",
            ]),
            (
                "indent" | "substr" | "element" | "chunklist" | "slice" | "range" | "log" | "pow",
                Kind::Num,
            ) => Some(&["0", "1", "2", "-1", "3", "10", "1.5", "0.5"]),
            _ => None,
        };
        match special {
            Some(options) if self.rng.chance(75) => self.rng.pick(options).to_string(),
            _ => {
                let kk = self.maybe_wrong(k);
                self.expr(kk, d)
            }
        }
    }
}

/// `count` distinct single-line expressions for `seed`.
pub fn generate(seed: u64, count: usize) -> Vec<String> {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let k = g.kind();
        let depth = 1 + g.rng.below(3) as u32;
        let e = g.expr(k, depth);
        if e.len() < 400 && !e.contains('\n') && seen.insert(e.clone()) {
            out.push(e);
        }
    }
    out
}
