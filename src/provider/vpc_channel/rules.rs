//! The documented character patterns and value rules that are not a single
//! range or length, used by the schema's checks and the cross-field rules.

fn all(s: &str, ok: impl Fn(char) -> bool) -> bool {
    s.chars().all(ok)
}
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Channel and group names: a letter, then letters, digits, `-_.`.
pub fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic()) && all(s, name_char)
}
/// dict_code: letters, digits, `-_.`.
pub fn is_code(s: &str) -> bool {
    all(s, name_char)
}
/// IDs such as the gateway ID.
pub fn is_plain_id(s: &str) -> bool {
    all(s, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}
/// Label names and values: start and end with a letter or digit.
pub fn is_label(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
        && all(s, name_char)
}
/// ecs_id: 1 to 64 letters, digits, `-_`.
pub fn is_ecs_id(s: &str) -> bool {
    (1..=64).contains(&s.chars().count()) && is_plain_id(s)
}
/// ecs_name: 1 to 64 letters, digits, `-_.`.
pub fn is_ecs_name(s: &str) -> bool {
    (1..=64).contains(&s.chars().count()) && all(s, name_char)
}
/// App names, label values, service names: a letter, then letters, digits, `._-`.
pub fn is_app_name(s: &str) -> bool {
    is_name(s)
}
/// Label keys: a letter or digit, then letters, digits, `-_./:()`.
pub fn is_label_key(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && all(s, |c| c.is_ascii_alphanumeric() || "-_./:()".contains(c))
}
/// Kubernetes namespace: lowercase letters, digits, `-`; letter first, letter or digit last.
pub fn is_k8s_namespace(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && all(s, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
        })
}
/// Why an `http_code` is wrong, in words; `None` when it is right.
pub fn http_code_error(s: &str) -> Option<String> {
    if is_http_code(s) {
        return None;
    }
    let inverted = s.split(',').find_map(|item| {
        let (a, b) = item.split_once('-')?;
        let (x, y) = (a.parse::<u16>().ok()?, b.parse::<u16>().ok()?);
        (x > y && is_http_code(&format!("{y}-{x}"))).then(|| (item.to_string(), format!("{y}-{x}")))
    });
    Some(match inverted {
        Some((item, fixed)) => format!("has the inverted range {item:?}: a range goes from the lower code to the higher one (`{fixed}`)"),
        None => format!("must be comma-separated codes or ranges of codes between 100 and 599, e.g. `201,202,210-299`, got {s:?}"),
    })
}

/// A member's `host`: an IP address, or a host name whose period-separated
/// labels hold letters, digits, `-` and `_` and neither start nor end with
/// `-`. Huawei's API reference says only "backend server address", 64 characters;
/// the server refuses other text at apply, so it is refused at validate.
pub fn is_host(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
        || (!s.is_empty()
            && s.split('.').all(|l| {
                !l.is_empty()
                    && all(l, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            }))
}

/// A health-check path is absolute, as the API requires (`/vpc/demo`).
pub fn is_health_path(s: &str) -> bool {
    s.starts_with('/')
}

/// `200`, `200,201`, `200-299`, `201,202,210-299`: every code 100 to 599.
pub fn is_http_code(s: &str) -> bool {
    let code = |p: &str| {
        !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| (100..=599).contains(&n))
    };
    !s.is_empty()
        && s.split(',').all(|item| match item.split_once('-') {
            None => code(item),
            Some((a, b)) => code(a) && code(b) && a.parse::<u16>().ok() <= b.parse::<u16>().ok(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::value::Value;

    #[test]
    fn patterns() {
        for ok in [
            "10.0.0.1",
            "fe80::1",
            "backend-1.example.com",
            "svc_a.local",
            "a",
        ] {
            assert!(is_host(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a/b",
            "-a",
            "a-",
            "a..b",
            "10.0.0.1:80",
            "http://a",
        ] {
            assert!(!is_host(bad), "{bad}");
        }
        assert!(is_name("VPC_demo.1-a"));
        assert!(!is_name("1abc") && !is_name("ab c") && !is_name("_ab"));
        assert!(is_label("a") && is_label("a-b.c_d9") && !is_label("a-") && !is_label("-a"));
        assert!(
            is_ecs_id("abc-123_x")
                && !is_ecs_id("a.b")
                && !is_ecs_id("")
                && !is_ecs_id(&"a".repeat(65))
        );
        assert!(is_ecs_name("a.b") && !is_ecs_name("a b"));
        assert!(
            is_label_key("app.kubernetes.io/name") && is_label_key("9(x):y") && !is_label_key("/x")
        );
        assert!(
            is_k8s_namespace("default")
                && is_k8s_namespace("a-1")
                && !is_k8s_namespace("A")
                && !is_k8s_namespace("a-")
                && !is_k8s_namespace("1a")
        );
        assert!(is_code("a.b-c_d") && !is_code("a b"));
    }

    #[test]
    fn http_codes() {
        for ok in [
            "200",
            "200,201,202",
            "200-299",
            "201,202,210-299",
            "100",
            "599",
            "100-100",
        ] {
            assert!(is_http_code(ok), "{ok}");
        }
        for bad in [
            "",
            "99",
            "600",
            "200-",
            "-200",
            "299-200",
            "200,,201",
            "2OO",
            "200 ,201",
            "1000",
            "200-299-300",
            "+200",
        ] {
            assert!(!is_http_code(bad), "{bad}");
        }
    }

    #[test]
    fn duplicates_name_the_earlier_index_first() {
        fn s(x: &str) -> Value {
            Value::string(x)
        }
        let obj = |pairs: Vec<(&str, Value)>| Value::object(pairs);
        let label = |v: &str| obj(vec![("label_name", s("track")), ("label_value", s(v))]);
        let group = |n: &str| obj(vec![("member_group_name", s(n))]);
        let host = |h: &str| obj(vec![("host", s(h))]);
        let cfg = obj(vec![
            ("port", Value::int(80)),
            ("member_type", s("ip")),
            (
                "member_groups",
                Value::List(vec![
                    obj(vec![
                        ("member_group_name", s("a")),
                        (
                            "microservice_labels",
                            Value::List(vec![label("x"), label("y")]),
                        ),
                    ]),
                    group("b"),
                    group("a"),
                ]),
            ),
            (
                "members",
                Value::List(vec![host("10.0.0.1"), host("10.0.0.2"), host("10.0.0.1")]),
            ),
        ]);
        let mut d = Vec::new();
        crate::tfplugin::schema::check_rules(
            &super::super::schema::schema().attributes,
            &cfg,
            &mut d,
        );
        let details: Vec<&str> = d.iter().map(|d| d.detail.as_str()).collect();
        for want in [
            "`member_groups[0]` and `member_groups[2]` are both named",
            "`members[0]` and `members[2]` are the same member",
            "`member_groups[0].microservice_labels[0]` and `member_groups[0].microservice_labels[1]`",
        ] {
            assert!(details.iter().any(|x| x.starts_with(want)), "{want}: {details:?}");
        }
    }
}
