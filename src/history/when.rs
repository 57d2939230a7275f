//! A commit's time as a researcher reads it: the date and clock time where
//! it was made, with the offset. Arithmetic only (no clock, no time zone
//! database): git stores seconds since 1970 and the author's offset.

/// `2022-06-27T13:00:00+01:00` (RFC 3339, the author's local time).
pub fn rfc3339(seconds: i64, offset_minutes: i32) -> String {
    let local = seconds.saturating_add(i64::from(offset_minutes) * 60);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let off = offset_minutes.unsigned_abs();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        off / 60,
        off % 60
    )
}

/// `2022-06-27`.
pub fn date(seconds: i64, offset_minutes: i32) -> String {
    rfc3339(seconds, offset_minutes)[..10].to_string()
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (y, m, d).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(1_656_331_200, 60), "2022-06-27T13:00:00+01:00");
        assert_eq!(rfc3339(951_782_400, -90), "2000-02-28T22:30:00-01:30");
        assert_eq!(date(-86_400, 0), "1969-12-31");
        // Never panics, whatever git says.
        let _ = rfc3339(i64::MAX, i32::MAX);
        let _ = rfc3339(i64::MIN, i32::MIN);
    }
}
