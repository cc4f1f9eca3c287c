//! End-to-end: the provider's request log as Terraform shows it. At `debug`
//! every APIG and IAM attempt has its line (method, path with query,
//! status, request ID, duration, attempt, retried or given up and why); at
//! `trace` the bodies too, with no secret anywhere in the log.

mod common;

use common::*;

const CHANNEL: &str = r#"
resource "huaweicloud_apig_vpc_channel" "c" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "logged_channel"
  port        = 80
  member_type = "ip"
  members     = [{ host = "10.1.2.3" }]
}
"#;

/// Applies `config` with `TF_LOG_PROVIDER=level` and returns the log.
fn apply_logged(tag: &str, level: &str, config: &str) -> String {
    let tf = Terraform::new(tag).env("TF_LOG_PROVIDER", level);
    let path = tf.dir.join("provider.log");
    let tf = tf.env("TF_LOG_PATH", path.to_str().unwrap());
    tf.write("main.tf", config);
    tf.apply().ok();
    std::fs::read_to_string(&path).unwrap()
}

/// The provider's request-log lines for `what` (`APIG GET /v2/...`).
fn lines<'a>(log: &'a str, what: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.contains(what)).collect()
}

/// `key=value` of a Terraform log line (hclog quotes values with spaces
/// or quotes, escaping as Go does).
fn field(line: &str, key: &str) -> Option<String> {
    let at = line.find(&format!(" {key}="))? + key.len() + 2;
    let rest = &line[at..];
    let Some(quoted) = rest.strip_prefix('"') else {
        return Some(rest.split_whitespace().next().unwrap_or("").to_string());
    };
    let mut value = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => value.extend(chars.next()),
            c => value.push(c),
        }
    }
    Some(value)
}

#[test]
fn debug_log_shows_every_attempt_of_two_retried_503s() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    // The read-back after the create fails twice, then succeeds.
    e.admin(
        "POST",
        "faults",
        Some(r#"{"method":"GET","path_contains":"/vpc-channels/","status":503,"count":2}"#),
    );
    let log = apply_logged(
        "log-debug",
        "debug",
        &config_with(&aksk_provider_block(&e, AK, SK, None), CHANNEL),
    );
    let id = e.channels()[0]["id"].as_str().unwrap().to_string();
    let show = format!("/v2/{PROJECT}/apigw/instances/{GATEWAY}/vpc-channels/{id}");
    let gets = lines(&log, &format!("APIG GET {show}:"));
    assert!(gets.len() >= 3, "three attempts of the read-back:\n{log}");
    let mut ids = Vec::new();
    for (n, line) in gets[..3].iter().enumerate() {
        let attempt = (n + 1).to_string();
        assert_eq!(field(line, "attempt"), Some(attempt.clone()), "{line}");
        assert_eq!(field(line, "http_method").as_deref(), Some("GET"), "{line}");
        assert_eq!(field(line, "http_path"), Some(show.clone()), "{line}");
        let rid = field(line, "request_id").unwrap_or_default();
        assert!(
            rid.len() == 32 && rid.chars().all(|c| c.is_ascii_hexdigit()),
            "the emulator's request ID in {line}"
        );
        ids.push(rid.clone());
        let ms: f64 = field(line, "duration_ms").unwrap().parse().unwrap();
        assert!(ms >= 0.0, "{line}");
        if n < 2 {
            assert_eq!(field(line, "http_status").as_deref(), Some("503"), "{line}");
            assert_eq!(field(line, "outcome").as_deref(), Some("retry"), "{line}");
            assert_eq!(field(line, "reason").as_deref(), Some("HTTP 503"), "{line}");
            assert!(field(line, "retry_in_ms").is_some(), "{line}");
            assert!(line.contains(&format!(
                "HTTP 503 in {}",
                field(line, "duration_ms").unwrap()
            )));
        } else {
            assert_eq!(field(line, "http_status").as_deref(), Some("200"), "{line}");
            assert_eq!(field(line, "outcome").as_deref(), Some("done"), "{line}");
        }
    }
    ids.dedup();
    assert_eq!(ids.len(), 3, "each attempt has its own request ID: {ids:?}");
    // The create and a list with its query have their lines too.
    let post = lines(&log, "APIG POST ");
    assert_eq!(post.len(), 1, "{log}");
    assert_eq!(
        field(post[0], "http_status").as_deref(),
        Some("201"),
        "{}",
        post[0]
    );
    // Bodies only at trace.
    assert!(!log.contains("request_body"), "{log}");
    assert!(!log.contains(SK));
}

#[test]
fn debug_log_says_why_a_request_is_given_up() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    e.admin(
        "POST",
        "faults",
        Some(r#"{"method":"GET","path_contains":"/vpc-channels/","status":503,"count":0}"#),
    );
    let provider = provider_block_auth(&e, &format!("  token = \"{TOKEN}\"\n  max_retries = 1\n"));
    let tf = Terraform::new("log-give-up").env("TF_LOG_PROVIDER", "debug");
    let path = tf.dir.join("provider.log");
    let tf = tf.env("TF_LOG_PATH", path.to_str().unwrap());
    tf.write("main.tf", &config_with(&provider, CHANNEL));
    assert_ne!(tf.apply().code, 0);
    let log = std::fs::read_to_string(&path).unwrap();
    let last = lines(&log, "APIG GET ")
        .into_iter()
        .rfind(|l| l.contains("/vpc-channels/"))
        .expect("a read-back line");
    assert_eq!(field(last, "attempt").as_deref(), Some("2"), "{last}");
    assert_eq!(field(last, "outcome").as_deref(), Some("give up"), "{last}");
    assert_eq!(
        field(last, "reason").as_deref(),
        Some("no retries left after 2 attempts (max_retries)"),
        "{last}"
    );
    assert!(!log.contains(TOKEN), "the token is never logged");
}

#[test]
fn trace_log_has_bodies_and_no_secret() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    // Password login: IAM's token request carries the password in its body.
    const PASSWORD: &str = "emulator-password-0001";
    let provider = format!(
        "provider \"huaweicloud\" {{\n  region      = \"cn-north-4\"\n  endpoints   = {{ apig = \"{0}\", iam = \"{0}\" }}\n  user_name   = \"tf_user\"\n  password    = \"{PASSWORD}\"\n  domain_name = \"emulator_account\"\n}}\n",
        e.url
    );
    let log = apply_logged("log-trace-pw", "trace", &config_with(&provider, CHANNEL));
    let token = lines(&log, "IAM POST /v3/auth/tokens?nocatalog=true:");
    assert!(!token.is_empty(), "the IAM token request is logged:\n{log}");
    let body = field(token[0], "request_body").unwrap_or_default();
    assert!(
        body.contains("tf_user") && body.contains("(sensitive)"),
        "{}",
        token[0]
    );
    let create = lines(&log, "APIG POST ");
    assert_eq!(create.len(), 1, "{log}");
    let sent = field(create[0], "request_body").unwrap_or_default();
    assert!(sent.contains(r#""name":"logged_channel""#), "{}", create[0]);
    assert!(sent.contains("10.1.2.3"), "{}", create[0]);
    let id = e.channels()[0]["id"].as_str().unwrap().to_string();
    let answer = field(create[0], "response_body").unwrap_or_default();
    assert!(answer.contains(&format!(r#""id":"{id}""#)), "{}", create[0]);
    assert!(!log.contains(PASSWORD), "the password is in the trace log");

    // AK/SK: neither the secret key nor a signature appears.
    let e2 = Emulator::start(&[]);
    let log = apply_logged(
        "log-trace-aksk",
        "trace",
        &config_with(&aksk_provider_block(&e2, AK, SK, None), CHANNEL),
    );
    assert!(
        lines(&log, "APIG POST ")[0].contains("request_body"),
        "{log}"
    );
    assert!(!log.contains(SK), "the secret key is in the trace log");
    assert!(!log.to_ascii_lowercase().contains("signature="), "{log}");
}
