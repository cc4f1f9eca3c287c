//! Injected faults: the next N matching API requests fail, wait, or lose
//! their connection.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One rule, as posted to `/_emulator/faults`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct FaultRule {
    /// `GET`, `POST`, `PUT`, `DELETE` or `*` (default).
    pub method: Option<String>,
    /// Matches when the request path contains this.
    pub path_contains: Option<String>,
    /// Answer with this status instead of serving the request.
    pub status: Option<u16>,
    /// How many matching requests it applies to (default 1; 0 = until cleared).
    pub count: Option<u64>,
    /// Seconds for `Retry-After` (sent with every 429, default 1).
    pub retry_after: Option<u64>,
    /// Delay before anything else happens.
    pub latency_ms: Option<u64>,
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
    /// Serve the request fully (it commits), then close without answering.
    pub drop_after_commit: bool,
    /// Serve the request fully (it commits), then wait this long before
    /// answering: an interrupt can land between commit and answer.
    pub answer_delay_ms: Option<u64>,
    /// Close the connection without answering or doing anything.
    pub drop: bool,
    /// Fire on this share of matching requests (1 to 100), at random;
    /// unset means every one. Load tests use it for sparse failures.
    pub percent: Option<u8>,
}

impl FaultRule {
    pub fn check(&self) -> Result<(), String> {
        if let Some(s) = self.status {
            if !(100..=599).contains(&s) {
                return Err("status must be in 100..=599".into());
            }
        }
        if self.percent.is_some_and(|p| !(1..=100).contains(&p)) {
            return Err("percent must be in 1..=100".into());
        }
        if let Some(m) = &self.method {
            if !matches!(
                m.as_str(),
                "*" | "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD"
            ) {
                return Err(format!("unknown method {m}"));
            }
        }
        if self.status.is_none()
            && self.latency_ms.is_none()
            && !self.drop
            && !self.drop_after_commit
            && self.answer_delay_ms.is_none()
        {
            return Err(
                "a fault needs status, latency_ms, answer_delay_ms, drop or drop_after_commit"
                    .into(),
            );
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let m = self.method.as_deref().unwrap_or("*");
        (m == "*" || m.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
    }

    /// Default error body for an injected status.
    pub fn error(&self) -> (String, String) {
        let status = self.status.unwrap_or(500);
        let (code, msg) = match status {
            429 => ("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute"),
            401 => ("APIG.1002", "Incorrect token or token resolution failed"),
            403 => ("APIG.1005", "No permissions to request this method"),
            404 => ("APIG.0101", "The API does not exist or has not been published in the environment"),
            502 => ("APIGW.0202", "Bad gateway"),
            503 => ("APIGW.0203", "Backend unavailable"),
            504 => ("APIGW.0204", "Backend timeout"),
            _ => ("APIG.9999", "System error"),
        };
        (
            self.error_code.clone().unwrap_or_else(|| code.into()),
            self.error_msg.clone().unwrap_or_else(|| msg.into()),
        )
    }
}

#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<(FaultRule, u64)>>,
}

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        let n = rule.count.unwrap_or(1);
        if let Ok(mut r) = self.rules.lock() {
            r.push((rule, n));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut r) = self.rules.lock() {
            r.clear();
        }
    }

    /// Rules with the uses they have left.
    pub fn list(&self) -> Vec<serde_json::Value> {
        let Ok(r) = self.rules.lock() else {
            return Vec::new();
        };
        r.iter()
            .map(|(rule, left)| {
                let mut v = serde_json::to_value(rule).unwrap_or_default();
                v["remaining"] = if rule.count == Some(0) {
                    serde_json::Value::Null
                } else {
                    (*left).into()
                };
                v
            })
            .collect()
    }

    /// Takes one use of the first rule matching the request.
    pub fn take(&self, method: &str, path: &str) -> Option<FaultRule> {
        let mut rules = self.rules.lock().ok()?;
        let i = rules.iter().position(|(r, _)| {
            r.matches(method, path) && r.percent.is_none_or(|p| rand::random_range(0..100u8) < p)
        })?;
        let rule = rules[i].0.clone();
        if rule.count != Some(0) {
            rules[i].1 = rules[i].1.saturating_sub(1);
            if rules[i].1 == 0 {
                rules.remove(i);
            }
        }
        Some(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_matching() {
        let f = Faults::default();
        f.add(FaultRule {
            method: Some("POST".into()),
            path_contains: Some("vpc-channels".into()),
            status: Some(500),
            count: Some(2),
            ..Default::default()
        });
        assert!(f
            .take("GET", "/v2/p/apigw/instances/i/vpc-channels")
            .is_none());
        assert!(f.take("POST", "/other").is_none());
        assert!(f.take("POST", "/x/vpc-channels").is_some());
        assert_eq!(f.list()[0]["remaining"], 1);
        assert!(f.take("POST", "/x/vpc-channels").is_some());
        assert!(f.take("POST", "/x/vpc-channels").is_none());
        f.add(FaultRule {
            latency_ms: Some(1),
            count: Some(0),
            ..Default::default()
        });
        for _ in 0..5 {
            assert!(f.take("DELETE", "/a").is_some());
        }
        f.clear();
        assert!(f.take("DELETE", "/a").is_none());
    }

    #[test]
    fn rules_are_checked() {
        assert!(FaultRule::default().check().is_err());
        assert!(FaultRule {
            status: Some(42),
            ..Default::default()
        }
        .check()
        .is_err());
        assert!(FaultRule {
            drop: true,
            ..Default::default()
        }
        .check()
        .is_ok());
        let r = FaultRule {
            status: Some(429),
            ..Default::default()
        };
        assert_eq!(r.error().0, "APIGW.0308");
    }
}
