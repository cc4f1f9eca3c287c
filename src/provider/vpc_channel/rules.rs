//! The documented character patterns and value rules that are not a single
//! range or length, used by the schema's checks and the cross-field rules.

fn all(s: &str, ok: impl Fn(char) -> bool) -> bool {
    s.chars().all(ok)
}
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// A Chinese (Han) character, as the SDK's docs mean "中文/汉字": the CJK
/// Unified Ideographs block (U+4E00 to U+9FFF), as the emulator takes them.
pub fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}
fn letter_or_han(c: char) -> bool {
    c.is_ascii_alphabetic() || is_han(c)
}
fn name_char_han(c: char) -> bool {
    name_char(c) || is_han(c)
}

/// The rule of [`is_name`], for the docs.
pub const NAME_RULE: &str = "starting with a letter or a Chinese character, then letters, Chinese characters, digits, hyphens (-), underscores (_) or periods (.)";

/// Channel and group names, app names, CCE label values and service names
/// (the SDK: "中文、英文字母、数字、中划线、下划线、点", starting with an
/// English letter or a Chinese character).
pub fn is_name(s: &str) -> bool {
    s.starts_with(letter_or_han) && all(s, name_char_han)
}
/// dict_code: letters, digits, `-_.`.
pub fn is_code(s: &str) -> bool {
    all(s, name_char)
}
pub use crate::provider::gateway::is_plain_id;
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
/// ecs_name: 1 to 64 letters, Chinese characters, digits, `-_.` (the
/// SDK: "支持汉字，英文，数字").
pub fn is_ecs_name(s: &str) -> bool {
    (1..=64).contains(&s.chars().count()) && all(s, name_char_han)
}
/// App names, label values, service names: as [`is_name`].
pub fn is_app_name(s: &str) -> bool {
    is_name(s)
}
/// The rule of [`is_label_key`], for the docs.
pub const LABEL_KEY_RULE: &str = "starting with a letter, a Chinese character or a digit; only letters, Chinese characters, digits, `-_./`, and parentheses and colons in English or Chinese form (`()（）:：`)";
/// CCE label keys: a letter, Chinese character or digit, then those and
/// `-_./`, with parentheses and colons in English or Chinese form.
pub fn is_label_key(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric() || is_han(c))
        && all(s, |c| {
            c.is_ascii_alphanumeric() || is_han(c) || "-_./:()（）：".contains(c)
        })
}
/// NACOS namespace and cluster: letters, digits, `-_`.
pub fn is_nacos_name(s: &str) -> bool {
    is_plain_id(s)
}
/// NACOS group: letters, digits, `-_.:`.
pub fn is_nacos_group(s: &str) -> bool {
    all(s, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')
    })
}
/// The rule of [`is_nacos_service`], for the docs.
pub const NACOS_SERVICE_RULE: &str = "no Chinese characters, no `@@`, and not starting with `@`";
/// NACOS service names: no Chinese characters, no `@@`, not starting with `@`.
pub fn is_nacos_service(s: &str) -> bool {
    !s.starts_with('@') && !s.contains("@@") && !s.chars().any(is_han)
}
/// Text with no Chinese characters (a NACOS server address).
pub fn no_han(s: &str) -> bool {
    !s.chars().any(is_han)
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

/// The list call's `precise_search`: field names, comma-separated.
pub fn is_precise_search(s: &str) -> bool {
    s.split(',')
        .all(|f| matches!(f.trim(), "name" | "member_group_name"))
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
    fn chinese_where_the_sdk_allows_it() {
        for ok in ["通道_1", "VPC通道.a-b", "测试"] {
            assert!(is_name(ok) && is_app_name(ok), "{ok}");
        }
        assert!(!is_name("1通道") && !is_name("_通道") && !is_name("通道 a") && !is_name("通道！"));
        assert!(is_ecs_name("服务器-1.a") && is_ecs_name("1服务器") && !is_ecs_name("服务器 1"));
        assert!(
            is_label_key("应用（前端）：v1") && is_label_key("9标签") && !is_label_key("/标签")
        );
        // Where the SDK says letters and digits only, Chinese stays out.
        assert!(!is_label("标签") && !is_code("编码") && !is_ecs_id("编号"));
        assert!(
            !is_nacos_service("服务") && !is_nacos_service("@svc") && !is_nacos_service("a@@b")
        );
        assert!(is_nacos_service("com.example:svc@x"));
        assert!(is_nacos_group("DEFAULT_GROUP:a.b") && !is_nacos_group("组"));
        assert!(is_nacos_name("ns-1_a") && !is_nacos_name("ns.1"));
        assert!(no_han("10.0.0.1") && !no_han("主机"));
        assert!(is_precise_search("name") && is_precise_search("name,member_group_name"));
        assert!(
            !is_precise_search("true") && !is_precise_search("name,") && !is_precise_search("id")
        );
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
            &crate::provider::vpc_channel::schema::schema().attributes,
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
