//! A watch's delivery hours: a daily window of local time (e.g. office
//! quiet hours, 22:00–06:00, which wraps past midnight). Outside it files
//! still settle and wait in the journal; they go when it opens.

use serde::{Deserialize, Serialize};

/// From and to, `HH:MM` local time; `to` before `from` wraps past midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub from: String,
    pub to: String,
}

/// Minutes since midnight of `HH:MM`, if it is one.
pub fn minutes(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl Hours {
    /// Parse `HH:MM-HH:MM` (as the command line takes it).
    pub fn parse(text: &str) -> Option<Hours> {
        let (from, to) = text.split_once('-')?;
        let h = Hours { from: from.trim().to_string(), to: to.trim().to_string() };
        h.is_valid().then_some(h)
    }

    pub fn is_valid(&self) -> bool {
        matches!((minutes(&self.from), minutes(&self.to)), (Some(a), Some(b)) if a != b)
    }

    /// Whether `minute` (since local midnight) is inside the window.
    pub fn contains(&self, minute: u32) -> bool {
        let (Some(from), Some(to)) = (minutes(&self.from), minutes(&self.to)) else { return true };
        if from < to {
            (from..to).contains(&minute)
        } else {
            minute >= from || minute < to
        }
    }

    /// Whether now, in the system's time zone, is inside the window.
    pub fn open_now(&self) -> bool {
        let now = jiff::Zoned::now();
        self.contains(now.hour() as u32 * 60 + now.minute() as u32)
    }
}

impl std::fmt::Display for Hours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.from, self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_within_a_day_and_one_past_midnight() {
        let office = Hours::parse("09:00-17:30").unwrap();
        assert!(!office.contains(8 * 60 + 59));
        assert!(office.contains(9 * 60));
        assert!(office.contains(17 * 60 + 29));
        assert!(!office.contains(17 * 60 + 30), "the end is not inside");
        let night = Hours::parse("22:00-06:00").unwrap();
        assert!(night.contains(23 * 60) && night.contains(0) && night.contains(5 * 60 + 59));
        assert!(!night.contains(6 * 60) && !night.contains(12 * 60));
    }

    #[test]
    fn only_real_times_are_taken() {
        for bad in ["", "9-17", "25:00-01:00", "09:60-10:00", "10:00-10:00", "ten-eleven", "09:00"] {
            assert_eq!(Hours::parse(bad), None, "{bad}");
        }
        assert_eq!(Hours::parse("7:05 - 8:00").unwrap().to_string(), "7:05-8:00");
    }
}
