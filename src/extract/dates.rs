//! Calendar arithmetic: month names, civil dates and Unix days.
//!
//! Proleptic Gregorian calendar, days counted from 1970-01-01 (the algorithms of
//! H. Hinnant's "chrono-compatible low-level date algorithms").

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year, e.g. 2016.
    pub year: i64,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
}

impl Date {
    /// The date if it exists (`Feb. 30` does not).
    pub fn new(year: i64, month: u32, day: u32) -> Option<Self> {
        if (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
            Some(Self { year, month, day })
        } else {
            None
        }
    }

    /// The date of a Unix timestamp (UTC).
    pub fn from_unix_seconds(seconds: i64) -> Self {
        civil_from_days(seconds.div_euclid(86_400))
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// ISO 8601, `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether `year` is a leap year.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1 to 12) of `year`; 0 for a month out of range.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date { year, month, day }
}

/// The month (1 to 12) a name stands for: full (`September`), abbreviated with or without a
/// full stop (`Sept.`, `Sep`), any case. `None` for anything else.
pub fn month_number(name: &str) -> Option<u32> {
    let name = name.strip_suffix('.').unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    let month = match lower.as_str() {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for days in [-800_000_i64, -1, 0, 1, 16_686, 20_000, 2_932_896] {
            assert_eq!(civil_from_days(days).days(), days);
        }
        assert_eq!(Date::from_unix_seconds(0).iso(), "1970-01-01");
        // 2016-09-07T10:00:00Z
        assert_eq!(Date::from_unix_seconds(1_473_242_400).iso(), "2016-09-07");
        assert_eq!(Date::from_unix_seconds(-1).iso(), "1969-12-31");
    }

    #[test]
    fn validates_days() {
        assert!(Date::new(2016, 2, 29).is_some());
        assert!(Date::new(2015, 2, 29).is_none());
        assert!(Date::new(2015, 13, 1).is_none());
        assert!(Date::new(2015, 4, 31).is_none());
    }

    #[test]
    fn month_names() {
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("Sep"), Some(9));
        assert_eq!(month_number("AUGUST"), Some(8));
        assert_eq!(month_number("Jan."), Some(1));
        assert_eq!(month_number("Mayor"), None);
    }
}
