//! The estimate as a table with its assumptions, or as JSON.

use super::Estimate;
use serde_json::json;

/// A number with thousands separators and `decimals` places: `7,500,000,000`.
pub fn thousands(n: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, n.abs());
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    if n < 0.0 { format!("-{out}") } else { out }
}

pub fn to_text(e: &Estimate) -> String {
    let mut out = format!(
        "Estimated X-Ray cost for {} requests/s ({} a day)\n\n",
        thousands(e.requests_per_second, 1),
        thousands(e.requests_per_second * 86400.0, 0)
    );
    let header = [
        "rule",
        "priority",
        "fixed rate",
        "reservoir",
        "matched req/s",
        "traces/s",
        "traces/month",
        "$/month",
    ];
    let mut rows: Vec<Vec<String>> = e
        .rules
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                thousands(r.priority, 0),
                format!("{:.2}", r.fixed_rate),
                thousands(r.reservoir, 0),
                thousands(r.matched_per_second, 1),
                thousands(r.traces_per_second, 1),
                thousands(r.traces_per_month, 0),
                thousands(r.monthly_usd, 2),
            ]
        })
        .collect();
    let traces_per_second: f64 = e.rules.iter().map(|r| r.traces_per_second).sum();
    rows.push(vec![
        "total".into(),
        String::new(),
        String::new(),
        String::new(),
        thousands(e.requests_per_second, 1),
        thousands(traces_per_second, 1),
        thousands(e.traces_per_month, 0),
        thousands(e.recorded_usd, 2),
    ]);
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 0 {
                s.push_str(&format!("{c:<w$}", w = widths[i]));
            } else {
                s.push_str(&format!("  {c:>w$}", w = widths[i]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(header.to_vec()));
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    if e.scanned_usd > 0.0 {
        out.push_str(&format!(
            "\nretrieval and scans: ${}\n",
            thousands(e.scanned_usd, 2)
        ));
    }
    out.push_str(&format!(
        "\nTotal: ${} a month\n\nAssumptions:\n",
        thousands(e.total_monthly_usd, 2)
    ));
    for a in &e.assumptions {
        out.push_str(&format!("- {a}\n"));
    }
    if !e.left_out.is_empty() {
        out.push_str("\nLeft out:\n");
        for (name, why) in &e.left_out {
            out.push_str(&format!("- {name}: {why}\n"));
        }
    }
    out
}

pub fn to_json(e: &Estimate) -> serde_json::Value {
    json!({
        "requests_per_second": e.requests_per_second,
        "rules": e.rules.iter().map(|r| json!({
            "name": r.name,
            "defined_at": r.defined_at,
            "priority": r.priority,
            "fixed_rate": r.fixed_rate,
            "reservoir_size": r.reservoir,
            "matched_requests_per_second": r.matched_per_second,
            "traces_per_second": r.traces_per_second,
            "traces_per_month": r.traces_per_month,
            "monthly_usd": round_cents(r.monthly_usd),
        })).collect::<Vec<_>>(),
        "left_out": e.left_out.iter().map(|(name, why)| json!({"name": name, "why": why})).collect::<Vec<_>>(),
        "traces_per_month": e.traces_per_month,
        "recorded_usd": round_cents(e.recorded_usd),
        "scanned_usd": round_cents(e.scanned_usd),
        "total_monthly_usd": round_cents(e.total_monthly_usd),
        "assumptions": e.assumptions,
    })
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(7_500_000_000.0, 0), "7,500,000,000");
        assert_eq!(thousands(1887.04, 2), "1,887.04");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(0.5, 1), "0.5");
    }
}
