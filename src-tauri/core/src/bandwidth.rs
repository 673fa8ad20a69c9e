//! Bandwidth limits as people write them (`500 KB/s`, `2MB/s`, `2M`,
//! `1.5 MiB/s`, `20 Mbit/s`): the one parser the destination's validation,
//! the app's overall limit and every front end use, with the words of what
//! is wrong and how to fix it.
//!
//! Units: KB, MB and GB are 1,024-based, as every size and speed Chute
//! shows (so KiB, MiB and GiB mean the same); bits (`kbit/s`, `Mbps`) are
//! 1,000-based, as network speeds are quoted. A number without a unit is
//! refused rather than guessed.

use crate::report::Code;

/// The lowest limit taken: 10 KB/s. Below it a single part of a multipart
/// upload would take longer than the requests are given.
pub const MIN_BYTES_PER_SEC: u64 = 10 * 1024;

/// What is wrong with a limit as typed, and what to type instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: Code,
    pub message: String,
    pub fix: String,
}

const EXAMPLES: &str =
    "Write a rate such as 500 KB/s, 2 MB/s or 2M (KB and MB are 1,024-based, as Chute shows speeds; 20 Mbit/s counts bits)";

/// A limit in bytes per second, `None` for no limit (empty, `off`, `none`,
/// `unlimited`).
pub fn parse(text: &str) -> Result<Option<u64>, Invalid> {
    let t = text.trim();
    if t.is_empty() || ["off", "none", "unlimited", "no limit"].iter().any(|w| t.eq_ignore_ascii_case(w)) {
        return Ok(None);
    }
    let invalid = |message: String, fix: String| Invalid { code: Code::BandwidthLimitInvalid, message, fix };
    if t.starts_with('-') {
        return Err(invalid(format!("`{t}` is negative."), "Use a positive rate such as 2 MB/s, or leave it empty for no limit.".into()));
    }
    if t.contains(',') {
        let dotted = t.replace(',', ".");
        return Err(invalid(format!("`{t}` has a comma in its number."), format!("Write decimals with a point: `{dotted}`.")));
    }
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = match number.parse() {
        Ok(v) => v,
        _ => return Err(invalid(format!("`{t}` is not a bandwidth limit."), format!("{EXAMPLES}; leave it empty for no limit."))),
    };
    let Some(per_unit) = unit_bytes(unit) else {
        return Err(invalid(format!("`{t}` is not a bandwidth limit: `{}` is not a unit of speed.", unit.trim()), format!("{EXAMPLES}.")));
    };
    if value == 0.0 {
        return Err(invalid(
            "A limit of 0 would never send anything.".into(),
            "Leave it empty to deliver at full speed; to stop deliveries, pause them.".into(),
        ));
    }
    if unit.trim().is_empty() {
        return Err(invalid(format!("`{t}` has no unit."), format!("Add one: `{t} KB/s` or `{t} MB/s`.")));
    }
    let bytes = value * per_unit;
    if bytes >= 1e15 {
        return Err(invalid(format!("`{t}` is too large to be a limit."), "Leave it empty for no limit.".into()));
    }
    let bytes = bytes.round() as u64;
    if bytes < MIN_BYTES_PER_SEC {
        return Err(invalid(
            format!("`{t}` is below the lowest limit, 10 KB/s: a part of a large file could not be sent in the time a request is given."),
            "Use 10 KB/s or more, or leave it empty for no limit.".into(),
        ));
    }
    Ok(Some(bytes))
}

/// Bytes per unit: `B`, `K`/`KB`/`KiB`, `M`…, `G`… (each with or without
/// `/s`), or bits: `bit/s`, `kbit/s`, `Mbit/s`, `Gbit/s`, `bps`, `kbps`,
/// `Mbps`, `Gbps`. Case does not matter; spaces are allowed. The empty unit
/// is 1 (the caller refuses it with its own words).
fn unit_bytes(unit: &str) -> Option<f64> {
    let u: String = unit.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let bits = |prefix: &str| -> Option<f64> {
        let scale = match prefix {
            "" => 1.0,
            "k" => 1e3,
            "m" => 1e6,
            "g" => 1e9,
            _ => return None,
        };
        Some(scale / 8.0)
    };
    if let Some(p) = u.strip_suffix("bit/s").or_else(|| u.strip_suffix("bps")) {
        return bits(p);
    }
    let u = u.strip_suffix("/s").or_else(|| u.strip_suffix("/sec")).unwrap_or(&u);
    let prefix = u.strip_suffix("ib").or_else(|| u.strip_suffix('b')).unwrap_or(u);
    if prefix.is_empty() && !u.is_empty() && u != "b" {
        return None;
    }
    Some(match prefix {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    })
}

/// A limit as people read it, in the units Chute shows speeds in
/// (1,024-based): `500 KB/s`, `2 MB/s`, `1.5 MB/s`.
pub fn words(bytes_per_sec: u64) -> String {
    let units = [("GB", 1u64 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    for (name, size) in units {
        if bytes_per_sec >= size {
            let v = bytes_per_sec as f64 / size as f64;
            let text = if (v - v.round()).abs() < 0.005 { format!("{}", v.round()) } else { format!("{v:.2}") };
            let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
            return format!("{text} {name}/s");
        }
    }
    format!("{bytes_per_sec} B/s")
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: u64 = 1024;
    const M: u64 = 1024 * 1024;

    #[test]
    fn the_usual_ways_of_writing_a_rate_are_read() {
        for (text, bytes) in [
            ("500 KB/s", 500 * K),
            ("500KB/s", 500 * K),
            ("500 kb/s", 500 * K),
            ("500K", 500 * K),
            ("2MB/s", 2 * M),
            ("2 MB/s", 2 * M),
            ("2M", 2 * M),
            ("2 MiB/s", 2 * M),
            ("2mib", 2 * M),
            ("1.5 MB/s", 3 * M / 2),
            ("1 GB/s", 1024 * M),
            ("20480 B/s", 20 * K),
            ("20 Mbit/s", 2_500_000),
            ("8 Mbps", 1_000_000),
            ("800 kbps", 100_000),
            ("  3 M  ", 3 * M),
        ] {
            assert_eq!(parse(text), Ok(Some(bytes)), "{text}");
        }
    }

    #[test]
    fn no_limit_is_written_empty_or_in_words() {
        for text in ["", "  ", "off", "OFF", "none", "unlimited"] {
            assert_eq!(parse(text), Ok(None), "{text}");
        }
    }

    #[test]
    fn nonsense_is_refused_with_its_cause_and_fix() {
        for (text, says, fix) in [
            ("0", "never send", "Leave it empty"),
            ("0 MB/s", "never send", "pause"),
            ("-5 MB/s", "negative", "positive rate"),
            ("fast", "not a bandwidth limit", "500 KB/s"),
            ("5 parsecs", "not a unit of speed", "2 MB/s"),
            ("2..5M", "not a bandwidth limit", "2M"),
            ("1,5 MB/s", "comma", "`1.5 MB/s`"),
            ("500", "no unit", "`500 KB/s`"),
            ("5 KB/s", "below the lowest limit", "10 KB/s or more"),
            ("1 B/s", "below the lowest limit", "10 KB/s or more"),
            ("99999999 GB/s", "too large", "empty"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.code, Code::BandwidthLimitInvalid);
            assert!(e.message.contains(says), "{text}: {}", e.message);
            assert!(e.fix.contains(fix), "{text}: {}", e.fix);
        }
    }

    #[test]
    fn limits_are_said_in_the_units_speeds_are_shown_in() {
        assert_eq!(words(2 * M), "2 MB/s");
        assert_eq!(words(500 * K), "500 KB/s");
        assert_eq!(words(3 * M / 2), "1.5 MB/s");
        assert_eq!(words(2_500_000), "2.38 MB/s");
        assert_eq!(words(10 * K), "10 KB/s");
        assert_eq!(words(900), "900 B/s");
        assert_eq!(parse(&words(8 * M)), Ok(Some(8 * M)), "what is shown reads back");
    }
}
