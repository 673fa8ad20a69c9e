//! The values flags take: providers, `K=V` pairs, overwrite policies,
//! server-side encryption, list lengths, durations, sizes, days and retention, each parsed with a
//! message clap shows as is.

use std::time::Duration;

use chute_core::ProviderKind;
use chute_core::{Compression, Encryption, Overwrite};

pub fn parse_provider(s: &str) -> Result<ProviderKind, String> {
    ProviderKind::parse(s).ok_or_else(|| {
        let ids: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.id()).collect();
        format!("unknown provider; use one of: {}", ids.join(", "))
    })
}

pub fn parse_kv(s: &str) -> Result<(String, String), String> {
    s.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(|| "expected KEY=VALUE".to_string())
}

pub fn parse_overwrite(s: &str) -> Result<Overwrite, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "never" => Ok(Overwrite::Never),
        "skip" => Ok(Overwrite::Skip),
        "overwrite" | "always" => Ok(Overwrite::Overwrite),
        _ => Err("use never, skip or overwrite".into()),
    }
}

pub fn parse_compression(s: &str) -> Result<Compression, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "off" | "none" => Ok(Compression::Off),
        "gzip" | "gz" => Ok(Compression::Gzip),
        "gzip-encoding" | "content-encoding" => Ok(Compression::GzipEncoding),
        _ => Err("use off, gzip (a .gz object) or gzip-encoding (same name, Content-Encoding: gzip)".into()),
    }
}

pub fn parse_encryption(s: &str) -> Result<Encryption, String> {
    Encryption::parse(s)
        .ok_or_else(|| "use none (the bucket's default), sse-s3, sse-kms (with --kms-key-id, or the AWS-managed key) or sse-c".into())
}

/// How many rows of a list to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListRows {
    All,
    First(usize),
}

impl ListRows {
    pub fn limit(self) -> usize {
        match self {
            ListRows::All => usize::MAX,
            ListRows::First(n) => n,
        }
    }
}

pub fn parse_list(s: &str) -> Result<ListRows, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(ListRows::All);
    }
    s.parse::<usize>().map(ListRows::First).map_err(|_| "expected a number or `all`".into())
}

pub const MAX_PRESIGN: Duration = Duration::from_secs(7 * 24 * 3600);

/// `90s`, `15m`, `1h`, `7d`, `1h30m`; between one second and seven days.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || "expected a duration such as 90s, 15m, 1h or 7d".to_string();
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = total.saturating_add(n.saturating_mul(unit));
        num.clear();
    }
    if !num.is_empty() {
        return Err(bad());
    }
    if total == 0 {
        return Err("a link must be valid for at least one second".into());
    }
    if total > MAX_PRESIGN.as_secs() {
        return Err("presigned links are valid for at most 7 days (7d)".into());
    }
    Ok(Duration::from_secs(total))
}

/// `1048576`, `64KiB`, `8MiB`, `8M`, `1GiB` (K, M, G are binary here).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n.parse().map_err(|_| "expected a size such as 8MiB".to_string())?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1 << 10,
        "m" | "mib" | "mb" => 1 << 20,
        "g" | "gib" | "gb" => 1 << 30,
        _ => return Err("expected a size such as 8MiB".into()),
    };
    Ok(n * mult)
}

#[derive(Debug, Clone, Copy)]
pub enum KeepDays {
    Off,
    Days(u32),
}

pub fn parse_keep_days(s: &str) -> Result<KeepDays, String> {
    if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("all") {
        return Ok(KeepDays::Off);
    }
    match s.parse::<u32>() {
        Ok(d) if (1..=chute_core::MAX_KEEP_DAYS).contains(&d) => Ok(KeepDays::Days(d)),
        _ => Err(format!("expected a number of days from 1 to {}, or `off`", chute_core::MAX_KEEP_DAYS)),
    }
}

pub const DAY_MS: i64 = 86_400_000;

/// `YYYY-MM-DD` as Unix ms at 00:00 UTC.
pub fn parse_day(s: &str) -> Result<i64, String> {
    let bad = || "expected a date as YYYY-MM-DD".to_string();
    let p: Vec<&str> = s.trim().split('-').collect();
    if p.len() != 3 || p[0].len() != 4 || p[1].len() != 2 || p[2].len() != 2 {
        return Err(bad());
    }
    let (y, m, d): (i64, i64, i64) = (p[0].parse().map_err(|_| bad())?, p[1].parse().map_err(|_| bad())?, p[2].parse().map_err(|_| bad())?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > days_in[(m - 1) as usize] {
        return Err(bad());
    }
    // Civil date to days since 1970-01-01 (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * DAY_MS)
}

/// A settle time: `500ms`, `2s`, `1m` (a bare number is seconds), in milliseconds.
pub fn parse_millis(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n.parse().map_err(|_| "expected a time such as 500ms, 2s or 1m".to_string())?;
    let mult = match unit {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err("expected a time such as 500ms, 2s or 1m".into()),
    };
    Ok(n.saturating_mul(mult))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert!(parse_duration("8d").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("1x").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("8XB").is_err());
    }

    #[test]
    fn days() {
        assert_eq!(parse_day("1970-01-01"), Ok(0));
        assert_eq!(parse_day("2000-02-29"), Ok(951_782_400_000));
        assert_eq!(parse_day("2026-11-22"), Ok(1_795_305_600_000));
        assert!(parse_day("2001-02-29").is_err());
        assert!(parse_day("2026-1-2").is_err());
        assert!(parse_day("yesterday").is_err());
    }

    #[test]
    fn settle_times() {
        assert_eq!(parse_millis("500ms"), Ok(500));
        assert_eq!(parse_millis("2s"), Ok(2_000));
        assert_eq!(parse_millis("3"), Ok(3_000));
        assert_eq!(parse_millis("1m"), Ok(60_000));
        assert!(parse_millis("2 days").is_err());
    }
}
