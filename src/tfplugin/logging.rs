//! hclog-style JSON lines on stderr, which Terraform re-logs under
//! `TF_LOG` / `TF_LOG_PROVIDER`. Off unless asked for, so it costs nothing.
//! Callers never pass secrets; values are escaped as JSON strings.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
/// A log level, as `TF_LOG` names them.
pub enum Level {
    /// Every RPC received.
    Trace = 1,
    /// What each RPC did and how long it took.
    Debug = 2,
    /// Notable events.
    Info = 3,
    /// Something was dropped or may surprise.
    Warn = 4,
    /// A failure.
    Error = 5,
    /// Nothing is logged.
    Off = 6,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Off => "off",
        }
    }

    /// Terraform's level names; `JSON` means trace.
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_uppercase().as_str() {
            "TRACE" | "JSON" => Some(Level::Trace),
            "DEBUG" => Some(Level::Debug),
            "INFO" => Some(Level::Info),
            "WARN" => Some(Level::Warn),
            "ERROR" => Some(Level::Error),
            "OFF" | "" => Some(Level::Off),
            _ => None,
        }
    }
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Off as u8);
/// hclog's `@module`: `provider.<binary name>`, set once at start-up.
static MODULE: OnceLock<String> = OnceLock::new();

/// Names the module (the plugin binary) and reads `TF_LOG_PROVIDER`,
/// falling back to `TF_LOG`.
pub fn init_from_env(plugin_name: &str) {
    let _ = MODULE.set(format!("provider.{plugin_name}"));
    let lvl = std::env::var("TF_LOG_PROVIDER")
        .ok()
        .and_then(|v| Level::parse(&v))
        .or_else(|| std::env::var("TF_LOG").ok().and_then(|v| Level::parse(&v)))
        .unwrap_or(Level::Off);
    set_level(lvl);
}

/// Sets the level lines are written at (tests, start-up).
pub fn set_level(l: Level) {
    LEVEL.store(l as u8, Ordering::Relaxed);
}

/// Whether a line at `l` would be written.
pub fn enabled(l: Level) -> bool {
    l != Level::Off && l as u8 >= LEVEL.load(Ordering::Relaxed)
}

/// Writes one line; `fields` are extra key/value pairs.
pub fn log(l: Level, msg: &str, fields: &[(&str, &dyn std::fmt::Display)]) {
    if !enabled(l) {
        return;
    }
    let line = format_line(l, msg, fields, SystemTime::now());
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
}

/// One hclog JSON line, ending in a newline.
pub fn format_line(
    l: Level,
    msg: &str,
    fields: &[(&str, &dyn std::fmt::Display)],
    now: SystemTime,
) -> String {
    let mut s = String::with_capacity(128);
    s.push_str("{\"@level\":\"");
    s.push_str(l.as_str());
    s.push_str("\",\"@message\":");
    super::value::write_json_str(&mut s, msg);
    s.push_str(",\"@module\":");
    super::value::write_json_str(&mut s, MODULE.get().map_or("provider", String::as_str));
    s.push_str(",\"@timestamp\":\"");
    s.push_str(&timestamp(now));
    s.push('"');
    for (k, v) in fields {
        s.push(',');
        super::value::write_json_str(&mut s, k);
        s.push(':');
        super::value::write_json_str(&mut s, &v.to_string());
    }
    s.push_str("}\n");
    s
}

/// `2006-01-02T15:04:05.000000Z`: exactly six fractional digits.
pub fn timestamp(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (y, mo, da) = crate::calendar::civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{da:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        d.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamp_has_six_fraction_digits() {
        let t = UNIX_EPOCH + Duration::new(1_573_788_615, 1_234_000);
        assert_eq!(timestamp(t), "2019-11-15T03:30:15.001234Z");
    }

    #[test]
    fn line_is_valid_hclog_json() {
        let t = UNIX_EPOCH + Duration::from_secs(0);
        let n = 42;
        let line = format_line(
            Level::Debug,
            "a \"quoted\"\nmsg",
            &[("tf_rpc", &"Plan"), ("n", &n)],
            t,
        );
        let v: serde_json::Value = serde_json::from_str(line.trim_end()).unwrap();
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["@message"], "a \"quoted\"\nmsg");
        assert_eq!(v["@timestamp"], "1970-01-01T00:00:00.000000Z");
        assert_eq!(v["tf_rpc"], "Plan");
        assert_eq!(v["n"], "42");
    }

    #[test]
    fn levels_parse_and_filter() {
        assert_eq!(Level::parse("json"), Some(Level::Trace));
        assert_eq!(Level::parse("bogus"), None);
        set_level(Level::Info);
        assert!(enabled(Level::Warn));
        assert!(!enabled(Level::Debug));
        set_level(Level::Off);
        assert!(!enabled(Level::Error));
    }
}
