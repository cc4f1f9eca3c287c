//! Wall-clock readings in the forms the service uses.

/// Current time as RFC 3339 UTC, once without and once with nanoseconds:
/// the real service returns both forms.
pub fn now_times() -> (String, String) {
    let t = time::OffsetDateTime::now_utc();
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    (format!("{base}Z"), format!("{base}.{:09}Z", t.nanosecond()))
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub fn unix_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_have_both_forms() {
        let (a, b) = now_times();
        assert_eq!(a.len(), 20, "{a}");
        assert!(a.ends_with('Z'));
        assert_eq!(b.len(), 30, "{b}");
        assert_eq!(&a[..19], &b[..19]);
        assert!(
            time::OffsetDateTime::parse(&b, &time::format_description::well_known::Rfc3339).is_ok()
        );
    }
}
