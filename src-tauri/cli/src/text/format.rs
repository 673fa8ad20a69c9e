//! The shapes every text output shares: sizes, rates, durations, counts,
//! dates, tables, and names made safe for a terminal. No words of their own.

use chute_core::Overwrite;

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// A plain text table: columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s += c;
            } else {
                s += c;
                s += &" ".repeat(widths[i] - width(c) + 2);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out += &line(r.iter().map(String::as_str).collect());
    }
    out
}

/// `0 B`, `1023 B`, `16.0 KiB`, `1.50 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else if v >= 10.0 {
        format!("{v:.1} {}", UNITS[u])
    } else {
        format!("{v:.2} {}", UNITS[u])
    }
}

pub fn rate(bytes_per_sec: u64) -> String {
    format!("{}/s", bytes(bytes_per_sec))
}

/// `850 ms`, `12.3 s`, `4m05s`, `1h02m`.
pub fn duration_ms(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        return format!("{:.1} s", ms as f64 / 1000.0);
    }
    let s = ms / 1000;
    if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
    }
}

/// `15m`, `1h`, `7d`, `1h30m` (as `--presign` takes it).
pub fn duration_words(secs: u64) -> String {
    let mut left = secs;
    let mut s = String::new();
    for (unit, n) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if left >= n {
            s += &format!("{}{unit}", left / n);
            left %= n;
        }
    }
    s
}

/// A count with its thousands grouped, exact: `3,000`, `1,234,567`.
pub fn count(n: impl std::fmt::Display) -> String {
    chute_core::grouped(n)
}

/// `n file` / `n files`.
pub fn files(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn timestamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `1 file`, `3,000 files`.
pub fn plural(n: impl TryInto<i64>, one: &str, many: &str) -> String {
    let n = n.try_into().unwrap_or(i64::MAX);
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// A name as the terminal shows it: control characters (which a refused
/// name may hold) escaped, never sent to the terminal as they are.
pub fn printable(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// The overwrite policy as `--overwrite` takes it.
pub fn overwrite_word(o: Overwrite) -> &'static str {
    match o {
        Overwrite::Never => "never",
        Overwrite::Skip => "skip",
        Overwrite::Overwrite => "overwrite",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(timestamp(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(timestamp(1_763_765_999_000), "2025-11-21 22:59:59 UTC");
    }

    #[test]
    fn sizes_and_durations() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(16 * 1024), "16.0 KiB");
        assert_eq!(bytes(1536 * 1024 * 1024), "1.50 GiB");
        assert_eq!(bytes(300 * 1024 * 1024), "300 MiB");
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(12_340), "12.3 s");
        assert_eq!(duration_ms(245_000), "4m05s");
        assert_eq!(duration_words(5400), "1h30m");
        assert_eq!(duration_words(7 * 86_400), "7d");
    }

    #[test]
    fn counts_are_grouped_and_exact() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(3000), "3,000");
        assert_eq!(count(1_234_567u64), "1,234,567");
        assert_eq!(count(-12_345i64), "-12,345");
    }

    #[test]
    fn tables_align() {
        let t = table(&["A", "B"], &[vec!["xxx".into(), "y".into()], vec!["…".into(), "z".into()]]);
        assert_eq!(t, "A    B\nxxx  y\n…    z\n");
    }
}
