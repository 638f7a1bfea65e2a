//! UTC calendar dates by the `jiff` crate, in the few shapes devkit needs: today's date, RFC 3339 timestamps for
//! runner configuration, and day arithmetic for token expiry warnings (days counted from 1970-01-01).

use jiff::Timestamp;
use jiff::civil::Date;

/// 1970-01-01, day 0.
fn epoch() -> Date {
    jiff::civil::date(1970, 1, 1)
}

/// Seconds since the epoch, now.
pub fn now_secs() -> i64 {
    Timestamp::now().as_second()
}

/// Today, as days since 1970-01-01.
pub fn today() -> i64 {
    now_secs().div_euclid(86_400)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a time in seconds since the epoch.
pub fn rfc3339(secs: i64) -> String {
    Timestamp::from_second(secs).map_or_else(
        |_| "1970-01-01T00:00:00Z".into(),
        |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (a time part, if any, is ignored); `None` when not a real date.
pub fn parse_date(text: &str) -> Option<i64> {
    let day: Date = text.get(..10)?.parse().ok()?;
    let span = epoch().until((jiff::Unit::Day, day)).ok()?;
    Some(i64::from(span.get_days()))
}

/// The `YYYY-MM-DD` of a day count.
pub fn date(days: i64) -> String {
    jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| epoch().checked_add(span).ok())
        .map_or_else(|| format!("day {days}"), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-01-01T10:00:00Z"), Some(20_454));
        assert_eq!(date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600 + 3661), "2026-01-01T01:01:01Z");
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(date(parse_date("2026-03-05").unwrap()), "2026-03-05");
        assert_eq!(date(-1), "1969-12-31");
    }
}
