//! The documented rules that are not a single range or length: character
//! patterns and cross-field requirements. Checked before any API call.

use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::value::{AttrPath, Value};

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

fn p(name: &str) -> AttrPath {
    AttrPath::root().attr(name)
}

fn missing(path: AttrPath, rule: String) -> Diagnostic {
    Diagnostic::error_at(path, "Missing required argument", rule)
}

/// Cross-field rules. Unknown values are skipped: they are checked again
/// when Terraform knows them (the final plan).
pub fn cross_field(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    let channel_type = cfg.get("type").as_i64().or(if cfg.get("type").is_null() {
        Some(2)
    } else {
        None
    });
    let member_type = match cfg.get("member_type") {
        Value::Null => Some("ecs"),
        v => v.as_str(),
    };

    // Health check.
    let h = cfg.get("vpc_health_config");
    if !h.is_null() && h.is_known() {
        let hp = p("vpc_health_config");
        if let (Some(ti), Some(to)) = (h.get("time_interval").as_i64(), h.get("timeout").as_i64()) {
            if ti <= to {
                diags.push(Diagnostic::error_at(
                    hp.clone().attr("time_interval"),
                    "Invalid health check timing",
                    format!("`time_interval` ({ti}) must be greater than `timeout` ({to})."),
                ));
            }
        }
        if let Some(proto) = h.get("protocol").as_str() {
            if proto.eq_ignore_ascii_case("http") || proto.eq_ignore_ascii_case("https") {
                for attr in ["path", "http_code"] {
                    if h.get(attr).is_null() {
                        diags.push(missing(
                            hp.clone().attr(attr),
                            format!("`vpc_health_config.{attr}` is required when `protocol` is {proto}."),
                        ));
                    }
                }
            }
        }
    }

    // Member groups: unique names.
    let mut group_names: Option<Vec<&str>> = None;
    if let Some(groups) = cfg.get("member_groups").as_list() {
        let mut names = Vec::new();
        let mut all_known = cfg.get("member_groups").is_known();
        for (i, g) in groups.iter().enumerate() {
            match g.get("member_group_name") {
                Value::String(n) => {
                    if names.contains(&n.as_str()) {
                        diags.push(Diagnostic::error_at(
                            p("member_groups").index(i as i64).attr("member_group_name"),
                            "Duplicate member group",
                            format!("The member group name {n:?} is used twice; group names are unique within a channel."),
                        ));
                    }
                    names.push(n.as_str());
                }
                _ => all_known = false,
            }
        }
        if all_known {
            group_names = Some(names);
        }
    } else if cfg.get("member_groups").is_null() {
        group_names = Some(Vec::new());
    }

    // Members.
    if let Some(members) = cfg.get("members").as_list() {
        for (i, m) in members.iter().enumerate() {
            if !m.is_known() || m.is_null() {
                continue;
            }
            let mp = p("members").index(i as i64);
            match member_type {
                Some("ip") if m.get("host").is_null() => diags.push(missing(
                    mp.clone().attr("host"),
                    "`host` is required for each member when `member_type` is \"ip\".".into(),
                )),
                Some("ecs") => {
                    for attr in ["ecs_id", "ecs_name"] {
                        if m.get(attr).is_null() {
                            diags.push(missing(
                                mp.clone().attr(attr),
                                format!("`{attr}` is required for each member when `member_type` is \"ecs\" (the default)."),
                            ));
                        }
                    }
                }
                _ => {}
            }
            if let (Some(g), Some(names)) = (m.get("member_group_name").as_str(), &group_names) {
                if !names.contains(&g) {
                    diags.push(Diagnostic::error_at(
                        mp.attr("member_group_name"),
                        "Unknown member group",
                        format!("The member refers to the group {g:?}, which is not declared in `member_groups`."),
                    ));
                }
            }
        }
    }

    // Microservice details.
    let ms = cfg.get("microservice_info");
    if !ms.is_null() && ms.is_known() {
        let msp = p("microservice_info");
        if channel_type == Some(2) {
            diags.push(Diagnostic::error_at(
                msp.clone(),
                "Microservice details on a server channel",
                "`microservice_info` is only for microservice channels; set `type = 3`.",
            ));
        }
        let st = ms.get("service_type").as_str();
        for (kind, attr) in [
            ("CSE", "cse_info"),
            ("CCE", "cce_info"),
            ("CCE_SERVICE", "cce_service_info"),
        ] {
            if st == Some(kind) && ms.get(attr).is_null() {
                diags.push(missing(
                    msp.clone().attr(attr),
                    format!(
                        "`microservice_info.{attr}` is required when `service_type` is {kind}."
                    ),
                ));
            }
        }
        let cce = ms.get("cce_info");
        if !cce.is_null() && cce.is_known() {
            let cp = msp.clone().attr("cce_info");
            let (app, key, val) = (
                cce.get("app_name"),
                cce.get("label_key"),
                cce.get("label_value"),
            );
            if app.is_null() && key.is_null() && val.is_null() {
                diags.push(missing(
                    cp.clone().attr("app_name"),
                    "`cce_info` needs `app_name`, or `label_key` together with `label_value`."
                        .into(),
                ));
            } else if app.is_null() && (key.is_null() != val.is_null()) {
                let (have, need) = if key.is_null() {
                    ("label_value", "label_key")
                } else {
                    ("label_key", "label_value")
                };
                diags.push(missing(
                    cp.attr(need),
                    format!("`cce_info.{have}` needs `{need}` as well (or set `app_name`)."),
                ));
            }
        }
    } else if ms.is_null() && channel_type == Some(3) {
        diags.push(missing(
            p("microservice_info"),
            "A microservice channel (`type = 3`) needs `microservice_info`.".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
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
}
