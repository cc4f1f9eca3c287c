//! The documented rules that are not a single range or length: character
//! patterns and cross-field requirements. Checked before any API call.

use super::attr::{group, label, member};
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

fn p(name: &str) -> AttrPath {
    AttrPath::root().attr(name)
}

fn missing(path: AttrPath, rule: String) -> Diagnostic {
    Diagnostic::error_at(path, "Missing required argument", rule)
}

// Object-level and cross-field rules, each declared in the schema on the
// object it concerns and given the whole configuration. Unknown values are
// skipped: they are checked again when Terraform knows them (the final plan).

fn channel_type(cfg: &Value) -> Option<i64> {
    cfg.get("type").as_i64().or(if cfg.get("type").is_null() {
        Some(2)
    } else {
        None
    })
}

fn member_type(cfg: &Value) -> Option<&str> {
    match cfg.get("member_type") {
        Value::Null => Some("ecs"),
        v => v.as_str(),
    }
}

pub const HEALTH_RULE: &str = "`time_interval` must be greater than `timeout`; `http_code` lists codes from 100 to 599 (ranges from the lower to the higher); `path` is required when `protocol` is HTTP or HTTPS, `http_code` when it is HTTP.";

pub fn health_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
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
        if let Some(why) = h.get("http_code").as_str().and_then(http_code_error) {
            diags.push(Diagnostic::error_at(
                hp.clone().attr("http_code"),
                "Invalid value for http_code",
                format!("`vpc_health_config.http_code` {why}."),
            ));
        }
        if let Some(proto) = h.get("protocol").as_str() {
            // Table 7: `path` for http or https, `http_code` for http only.
            let http = proto.eq_ignore_ascii_case("http");
            if http || proto.eq_ignore_ascii_case("https") {
                let needed: &[&str] = if http {
                    &["path", "http_code"]
                } else {
                    &["path"]
                };
                for &attr in needed {
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
}

pub const GROUPS_RULE: &str =
    "Group names are unique within the channel, and label names unique within a group.";

pub fn groups_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    group_names(cfg, Some(diags));
}

/// The declared group names (`None` while any is unknown); reports
/// duplicates when given `diags`.
fn group_names<'a>(
    cfg: &'a Value,
    mut diags: Option<&mut Vec<Diagnostic>>,
) -> Option<Vec<&'a str>> {
    let mut group_names: Option<Vec<&str>> = None;
    if let Some(groups) = cfg.get("member_groups").as_list() {
        let mut names: Vec<&str> = Vec::new();
        let mut all_known = cfg.get("member_groups").is_known();
        for (i, g) in groups.iter().enumerate() {
            match g.get(group::NAME) {
                Value::String(n) => {
                    if let Some(j) = names.iter().position(|x| x == n) {
                        diags.as_deref_mut().into_iter().for_each(|d| d.push(Diagnostic::error_at(
                            p("member_groups").index(i as i64).attr(group::NAME),
                            "Duplicate member group",
                            format!("`member_groups[{j}]` and `member_groups[{i}]` are both named {n:?}; group names are unique within a channel (the API matches groups by name)."),
                        )));
                    }
                    names.push(n.as_str());
                }
                _ => all_known = false,
            }
            if let Some(d) = diags.as_deref_mut() {
                duplicate_labels(g, i, d);
            }
        }
        if all_known {
            group_names = Some(names);
        }
    } else if cfg.get("member_groups").is_null() {
        group_names = Some(Vec::new());
    }
    group_names
}

pub const MEMBERS_RULE: &str = "When `member_type` is `ip`, each member needs `host`, and `ecs_id` and `ecs_name` may only repeat it; when it is `ecs`, each member needs `ecs_id` (1 to 64 letters, digits, hyphens (-) and underscores (_)) and `ecs_name` (1 to 64 letters, digits, hyphens (-), underscores (_) and periods (.)). No two members share address, port and group, and `member_group_name` must name a declared group.";

pub fn members_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    let member_type = member_type(cfg);
    let group_names = group_names(cfg, None);
    if let Some(members) = cfg.get("members").as_list() {
        let mut seen: Vec<(MemberKey, usize)> = Vec::new();
        for (i, m) in members.iter().enumerate() {
            if !m.is_known() || m.is_null() {
                continue;
            }
            let mp = p("members").index(i as i64);
            match member_type {
                Some("ip") => ip_member(m, &mp, diags),
                Some("ecs") => ecs_member(m, &mp, diags),
                _ => {}
            }
            if let Some(key) = member_key(m, member_type, cfg.get("port")) {
                if let Some((_, j)) = seen.iter().find(|(k, _)| *k == key) {
                    diags.push(Diagnostic::error_at(
                        mp.clone(),
                        "Duplicate member",
                        format!(
                            "`members[{j}]` and `members[{i}]` are the same member: {}. The API identifies a member by its address (`host`, or `ecs_id` for ECS members), its port (unset: the channel's `port`) and its group; merge the two or change one.",
                            key.describe()
                        ),
                    ));
                } else {
                    seen.push((key, i));
                }
            }
            if let (Some(g), Some(names)) = (m.get(member::GROUP_NAME).as_str(), &group_names) {
                if !names.contains(&g) {
                    diags.push(Diagnostic::error_at(
                        mp.attr(member::GROUP_NAME),
                        "Unknown member group",
                        format!("The member refers to the group {g:?}, which is not declared in `member_groups`."),
                    ));
                }
            }
        }
    }
}

pub const MICROSERVICE_RULE: &str = "Only for microservice channels (`type = 3`), which need it with a `service_type`; `service_type` needs its details block, and no other; `cce_info` needs `app_name`, or `label_key` with `label_value`.";

pub fn microservice_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    let channel_type = channel_type(cfg);
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
        // Table 8 marks it optional (server channels send none) and says
        // nothing of a microservice channel without one; the server then
        // either refuses it or reports the type it chose, which fails the
        // apply either way: reject at validate.
        if channel_type == Some(3) && ms.get("service_type").is_null() {
            diags.push(missing(
                msp.clone().attr("service_type"),
                "A microservice channel (`type = 3`) needs `microservice_info.service_type`."
                    .into(),
            ));
        }
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
            // The server keeps only the block of its service type and shows
            // the others empty (the seed's example responses): another
            // block would read back changed and fail the apply.
            if st.is_some_and(|st| st != kind) && !ms.get(attr).is_null() {
                diags.push(Diagnostic::error_at(
                    msp.clone().attr(attr),
                    "Microservice details of another service type",
                    format!("`microservice_info.{attr}` is only for `service_type = \"{kind}\"`; remove it, or change `service_type`."),
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

/// How the API identifies a member: address, effective port and group.
#[derive(PartialEq)]
struct MemberKey {
    kind: &'static str,
    addr: String,
    port: i64,
    group: Option<String>,
}

impl MemberKey {
    fn describe(&self) -> String {
        let group = match &self.group {
            Some(g) => format!("group {g:?}"),
            None => "no group".to_string(),
        };
        format!("{} {:?}, port {}, {group}", self.kind, self.addr, self.port)
    }
}

/// `None` while any part is unknown (or the member type is).
fn member_key(m: &Value, member_type: Option<&str>, channel_port: &Value) -> Option<MemberKey> {
    let (kind, addr) = match member_type? {
        "ip" => (member::HOST, m.get(member::HOST).as_str()?),
        _ => (member::ECS_ID, m.get(member::ECS_ID).as_str()?),
    };
    let port = match m.get(member::PORT) {
        Value::Null => channel_port.as_i64()?,
        v => v.as_i64()?,
    };
    let group = match m.get(member::GROUP_NAME) {
        Value::Null => None,
        Value::String(g) => Some(g.clone()),
        _ => return None,
    };
    Some(MemberKey {
        kind,
        addr: addr.to_string(),
        port,
        group,
    })
}

/// An ip member needs `host`; the API sets its `ecs_id` and `ecs_name` to
/// the host, so those (written back by Terraform from state under
/// `ignore_changes` or generated configuration) may only repeat it.
fn ip_member(m: &Value, mp: &AttrPath, diags: &mut Vec<Diagnostic>) {
    let host = m.get(member::HOST);
    if host.is_null() {
        diags.push(missing(
            mp.clone().attr(member::HOST),
            "`host` is required for each member when `member_type` is \"ip\".".into(),
        ));
        return;
    }
    let Some(host) = host.as_str() else { return };
    for attr in [member::ECS_ID, member::ECS_NAME] {
        if let Some(v) = m.get(attr).as_str() {
            if v != host {
                diags.push(Diagnostic::error_at(
                    mp.clone().attr(attr),
                    format!("Invalid value for {attr}"),
                    format!("`{mp}.{attr}` is {v:?}, but for ip members the API sets `{attr}` to the member's `host` ({host:?}). Remove it, or set `member_type = \"ecs\"` for ECS servers."),
                ));
            }
        }
    }
}

/// An ecs member names its server by ID and name, with their patterns.
fn ecs_member(m: &Value, mp: &AttrPath, diags: &mut Vec<Diagnostic>) {
    type Rule = (&'static str, fn(&str) -> bool, &'static str);
    let rules: [Rule; 2] = [
        (
            member::ECS_ID,
            is_ecs_id,
            "1 to 64 letters, digits, hyphens (-) and underscores (_)",
        ),
        (
            member::ECS_NAME,
            is_ecs_name,
            "1 to 64 letters, digits, hyphens (-), underscores (_) and periods (.)",
        ),
    ];
    for (attr, ok, rule) in rules {
        match m.get(attr) {
            Value::Null => diags.push(missing(
                mp.clone().attr(attr),
                format!("`{attr}` is required for each member when `member_type` is \"ecs\" (the default)."),
            )),
            Value::String(v) if !ok(v) => diags.push(Diagnostic::error_at(
                mp.clone().attr(attr),
                format!("Invalid value for {attr}"),
                format!("`{mp}.{attr}` must be {rule} for ECS members, got {v:?}."),
            )),
            _ => {}
        }
    }
}

/// Label names are unique within a group: the API keys labels by name.
fn duplicate_labels(g: &Value, gi: usize, diags: &mut Vec<Diagnostic>) {
    let labels = g
        .get(group::MICROSERVICE_LABELS)
        .as_list()
        .unwrap_or_default();
    let mut names: Vec<&str> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        let Some(n) = l.get(label::NAME).as_str() else {
            continue;
        };
        if let Some(j) = names.iter().position(|x| *x == n) {
            diags.push(Diagnostic::error_at(
                p("member_groups")
                    .index(gi as i64)
                    .attr(group::MICROSERVICE_LABELS)
                    .index(i as i64)
                    .attr(label::NAME),
                "Duplicate label",
                format!("`member_groups[{gi}].microservice_labels[{j}]` and `member_groups[{gi}].microservice_labels[{i}]` are both named {n:?}; label names are unique within a group."),
            ));
        }
        names.push(n);
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
