//! Object-level and cross-field rules, each declared in the schema on the
//! object it concerns and given the whole configuration. Unknown values are
//! skipped: they are checked again when Terraform knows them (the final
//! plan).

use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::typed::Tf;
use crate::tfplugin::value::{AttrPath, Value};

use super::rules::{http_code_error, is_ecs_id, is_ecs_name};
use super::state::{
    Cce, Channel, Flavor, Group, Health, Label, Member, Microservice, Nacos, NacosUser, ECS, IP,
};

fn p(name: &str) -> AttrPath {
    AttrPath::root().attr(name)
}

fn missing(path: AttrPath, rule: String) -> Diagnostic {
    Diagnostic::error_at(path, "Missing required argument", rule)
}

/// The attributes `parts` of the configuration as typed state (the others
/// null); `None` when one of them does not fit its type, which the
/// attribute checks have reported already. Each rule reads only its parts,
/// so a bad value elsewhere does not hide its findings.
fn channel(cfg: &Value, parts: &[&str]) -> Option<Channel> {
    let picked = (parts.iter())
        .map(|k| (k.to_string(), cfg.get(k).clone()))
        .collect();
    match Tf::<Channel>::from_value(&Value::Object(picked)) {
        Ok(Tf::Known(c)) => Some(c),
        _ => None,
    }
}

pub const HEALTH_RULE: &str = "`time_interval` must be greater than `timeout`; `http_code` lists codes from 100 to 599 (ranges from the lower to the higher); `path` is required when `protocol` is HTTP or HTTPS, `http_code` when it is HTTP.";

pub fn health_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    let Some(c) = channel(cfg, &[Channel::VPC_HEALTH_CONFIG]) else {
        return;
    };
    let Some(h) = c.vpc_health_config.known() else {
        return;
    };
    let hp = p(Channel::VPC_HEALTH_CONFIG);
    if let (Some(ti), Some(to)) = (h.time_interval.get(), h.timeout.get()) {
        if ti <= to {
            diags.push(Diagnostic::error_at(
                hp.clone().attr(Health::TIME_INTERVAL),
                "Invalid health check timing",
                format!("`time_interval` ({ti}) must be greater than `timeout` ({to})."),
            ));
        }
    }
    if let Some(why) = h.http_code.str().and_then(http_code_error) {
        diags.push(Diagnostic::error_at(
            hp.clone().attr(Health::HTTP_CODE),
            "Invalid value for http_code",
            format!("`vpc_health_config.http_code` {why}."),
        ));
    }
    let Some(proto) = h.protocol.str() else {
        return;
    };
    // Table 7: `path` for http or https, `http_code` for http only.
    let http = proto.eq_ignore_ascii_case("http");
    if http || proto.eq_ignore_ascii_case("https") {
        let needed = [
            (Health::PATH, &h.path, true),
            (Health::HTTP_CODE, &h.http_code, http),
        ];
        for (attr, v, _) in needed.into_iter().filter(|x| x.2) {
            if v.is_null() {
                diags.push(missing(
                    hp.clone().attr(attr),
                    format!("`vpc_health_config.{attr}` is required when `protocol` is {proto}."),
                ));
            }
        }
    }
}

pub const GROUPS_RULE: &str =
    "Group names are unique within the channel, and label names unique within a group.";

pub fn groups_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    if let Some(c) = channel(cfg, &[Channel::MEMBER_GROUPS]) {
        group_names(&c, Some(diags));
    }
}

/// The declared group names (`None` while any is unknown); reports
/// duplicates when given `diags`.
fn group_names<'a>(
    c: &'a Channel,
    mut diags: Option<&mut Vec<Diagnostic>>,
) -> Option<Vec<&'a str>> {
    let groups = match &c.member_groups {
        Tf::Null => return Some(Vec::new()),
        Tf::Unknown => return None,
        Tf::Known(groups) => groups,
    };
    let mut names: Vec<&str> = Vec::new();
    let mut all_known = true;
    for (i, g) in groups.iter().enumerate() {
        match g.known().and_then(|g| g.name.str()) {
            Some(n) => {
                if let Some(j) = names.iter().position(|x| *x == n) {
                    diags.as_deref_mut().into_iter().for_each(|d| d.push(Diagnostic::error_at(
                        p(Channel::MEMBER_GROUPS).index(i as i64).attr(Group::NAME),
                        "Duplicate member group",
                        format!("`member_groups[{j}]` and `member_groups[{i}]` are both named {n:?}; group names are unique within a channel (the API matches groups by name)."),
                    )));
                }
                names.push(n);
            }
            None => all_known = false,
        }
        if let (Some(d), Some(g)) = (diags.as_deref_mut(), g.known()) {
            duplicate_labels(g, i, d);
        }
    }
    all_known.then_some(names)
}

pub const MEMBERS_RULE: &str = "When `member_type` is `ip`, each member needs `host`, and `ecs_id` and `ecs_name` may only repeat it; when it is `ecs`, each member needs `ecs_id` (1 to 64 letters, digits, hyphens (-) and underscores (_)) and `ecs_name` (1 to 64 letters, Chinese characters, digits, hyphens (-), underscores (_) and periods (.)). No two members share address, port and group, and `member_group_name` must name a declared group.";

pub fn members_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    let parts = [
        Channel::MEMBER_TYPE,
        Channel::PORT,
        Channel::MEMBERS,
        Channel::MEMBER_GROUPS,
    ];
    let Some(c) = channel(cfg, &parts) else {
        return;
    };
    let member_type = c.member_kind();
    let group_names = group_names(&c, None);
    let mut seen: Vec<(MemberKey, usize)> = Vec::new();
    for (i, m) in c.members.elements().iter().enumerate() {
        let Some(m) = m.known() else { continue };
        let mp = p(Channel::MEMBERS).index(i as i64);
        match member_type {
            Some(IP) => ip_member(m, &mp, diags),
            Some(ECS) => ecs_member(m, &mp, diags),
            _ => {}
        }
        if let Some(key) = member_key(m, member_type, &c.port) {
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
        if let (Some(g), Some(names)) = (m.group_name.str(), &group_names) {
            if !names.contains(&g) {
                diags.push(Diagnostic::error_at(
                    mp.clone().attr(Member::GROUP_NAME),
                    "Unknown member group",
                    format!("`{mp}.{}` refers to the group {g:?}, which is not declared in `member_groups`.", Member::GROUP_NAME),
                ));
            }
        }
    }
}

pub const MICROSERVICE_RULE: &str = "Only for microservice channels (`type = 3` or `vpc_channel_type = \"microservice\"`), which need it with a `service_type`; `service_type` needs its details block, and no other; `cce_info` needs `app_name`, or `label_key` with `label_value`.";

pub fn microservice_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    let parts = [
        Channel::TYPE,
        Channel::VPC_CHANNEL_TYPE,
        Channel::MICROSERVICE_INFO,
    ];
    let Some(c) = channel(cfg, &parts) else {
        return;
    };
    let msp = p(Channel::MICROSERVICE_INFO);
    let flavor = c.flavor();
    let ms = match &c.microservice_info {
        Tf::Known(ms) => ms,
        Tf::Null if flavor == Some(Flavor::Microservice) => {
            diags.push(missing(
                msp,
                "A microservice channel (`type = 3` or `vpc_channel_type = \"microservice\"`) needs `microservice_info`.".into(),
            ));
            return;
        }
        _ => return,
    };
    if matches!(flavor, Some(Flavor::Builtin | Flavor::Reference)) {
        diags.push(Diagnostic::error_at(
            msp.clone(),
            "Microservice details on a channel of another kind",
            "`microservice_info` is only for microservice channels; set `type = 3` or `vpc_channel_type = \"microservice\"`.",
        ));
    }
    let st = ms.service_type.str();
    // Table 8 marks it optional (server channels send none) and says
    // nothing of a microservice channel without one; the server then
    // either refuses it or reports the type it chose, which fails the
    // apply either way: reject at validate.
    if flavor == Some(Flavor::Microservice) && ms.service_type.is_null() {
        diags.push(missing(
            msp.clone().attr(Microservice::SERVICE_TYPE),
            "A microservice channel needs `microservice_info.service_type`.".into(),
        ));
    }
    service_type_blocks(ms, st, &msp, diags);
    if let Some(cce) = ms.cce_info.known() {
        cce_labels(cce, msp.attr(Microservice::CCE_INFO), diags);
    }
}

/// The details block of the service type is required, and only that one
/// is allowed.
fn service_type_blocks(
    ms: &Microservice,
    st: Option<&str>,
    msp: &AttrPath,
    diags: &mut Vec<Diagnostic>,
) {
    let blocks = [
        (
            "CSE",
            Microservice::CSE_INFO,
            ms.cse_info.is_null(),
            ms.cse_info.known().is_some(),
        ),
        (
            "CCE",
            Microservice::CCE_INFO,
            ms.cce_info.is_null(),
            ms.cce_info.known().is_some(),
        ),
        (
            "CCE_SERVICE",
            Microservice::CCE_SERVICE_INFO,
            ms.cce_service_info.is_null(),
            ms.cce_service_info.known().is_some(),
        ),
        (
            "NACOS",
            Microservice::NACOS_INFO,
            ms.nacos_info.is_null(),
            ms.nacos_info.known().is_some(),
        ),
    ];
    for (kind, attr, absent, present) in blocks {
        if st == Some(kind) && absent {
            diags.push(missing(
                msp.clone().attr(attr),
                format!("`microservice_info.{attr}` is required when `service_type` is {kind}."),
            ));
        }
        // The server keeps only the block of its service type and shows
        // the others empty (the example responses of Huawei's API reference): another block
        // would read back changed and fail the apply.
        if st.is_some_and(|st| st != kind) && present {
            diags.push(Diagnostic::error_at(
                msp.clone().attr(attr),
                "Microservice details of another service type",
                format!("`microservice_info.{attr}` is only for `service_type = \"{kind}\"`; remove it, or change `service_type`."),
            ));
        }
    }
}

pub const NACOS_USER_RULE: &str = "Exactly one of `password` and `password_wo`: the API needs the password on every write and never shows it.";

pub fn nacos_user_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    let Some(c) = channel(cfg, &[Channel::MICROSERVICE_INFO]) else {
        return;
    };
    let user = (c.microservice_info.known())
        .and_then(|m| m.nacos_info.known())
        .and_then(|n| n.user_info.known());
    let Some(u) = user else { return };
    let up = p(Channel::MICROSERVICE_INFO)
        .attr(Microservice::NACOS_INFO)
        .attr(Nacos::USER_INFO);
    match (&u.password, &u.password_wo) {
        (Tf::Null, Tf::Null) => diags.push(missing(
            up.attr(NacosUser::PASSWORD),
            "`nacos_info.user_info` needs `password` or `password_wo`: the API needs the password on every write and never shows it back.".into(),
        )),
        (Tf::Known(_), Tf::Known(_)) => diags.push(Diagnostic::error_at(
            up.attr(NacosUser::PASSWORD_WO),
            "Conflicting password attributes",
            "Set one of `password` and `password_wo`, not both.",
        )),
        _ => {}
    }
}

pub const FLAVOR_RULE: &str = "`builtin` goes with `type = 2` and `microservice` with `type = 3`. A `reference` channel has no `members` and no `microservice_info`, and each of its member groups names a `reference_vpc_channel_id`; other channels' groups have none.";

pub fn flavor_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    let parts = [
        Channel::TYPE,
        Channel::VPC_CHANNEL_TYPE,
        Channel::MEMBERS,
        Channel::MEMBER_GROUPS,
    ];
    let Some(c) = channel(cfg, &parts) else {
        return;
    };
    let flavor = c.flavor();
    if let (Some(f), Some(t)) = (flavor, c.channel_type.get()) {
        if (f == Flavor::Builtin && t != 2) || (f == Flavor::Microservice && t != 3) {
            diags.push(Diagnostic::error_at(
                p(Channel::VPC_CHANNEL_TYPE),
                "Conflicting channel types",
                format!("`vpc_channel_type` {:?} does not go with `type = {t}`: `builtin` is type 2, `microservice` type 3. Remove `type` or make them agree.", c.vpc_channel_type.str().unwrap_or_default()),
            ));
        }
    }
    let Some(flavor) = flavor else { return };
    let reference = flavor == Flavor::Reference;
    if reference && c.members.known().is_some_and(|m| !m.is_empty()) {
        diags.push(Diagnostic::error_at(
            p(Channel::MEMBERS),
            "Members on a reference channel",
            "A reference channel has no members of its own (the API ignores them): its member groups refer to other channels. Remove `members`.",
        ));
    }
    for (i, g) in c.member_groups.elements().iter().enumerate() {
        let Some(g) = g.known() else { continue };
        let at = p(Channel::MEMBER_GROUPS)
            .index(i as i64)
            .attr(Group::REFERENCE_VPC_CHANNEL_ID);
        match (&g.reference_vpc_channel_id, reference) {
            (Tf::Null, true) => diags.push(missing(
                at,
                format!("`member_groups[{i}].reference_vpc_channel_id` is required on a reference channel: it names the channel the group refers to."),
            )),
            (Tf::Known(_), false) => diags.push(Diagnostic::error_at(
                at,
                "Reference on a channel of another kind",
                format!("`member_groups[{i}].reference_vpc_channel_id` is only for reference channels; set `vpc_channel_type = \"reference\"` or remove it."),
            )),
            _ => {}
        }
    }
}

/// `cce_info` names its workload by `app_name`, or by a label key and value.
fn cce_labels(cce: &Cce, cp: AttrPath, diags: &mut Vec<Diagnostic>) {
    let (app, key, val) = (&cce.app_name, &cce.label_key, &cce.label_value);
    if app.is_null() && key.is_null() && val.is_null() {
        diags.push(missing(
            cp.attr(Cce::APP_NAME),
            "`cce_info` needs `app_name`, or `label_key` together with `label_value`.".into(),
        ));
    } else if app.is_null() && (key.is_null() != val.is_null()) {
        let (have, need) = if key.is_null() {
            (Cce::LABEL_VALUE, Cce::LABEL_KEY)
        } else {
            (Cce::LABEL_KEY, Cce::LABEL_VALUE)
        };
        diags.push(missing(
            cp.attr(need),
            format!("`cce_info.{have}` needs `{need}` as well (or set `app_name`)."),
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
fn member_key(m: &Member, member_type: Option<&str>, channel_port: &Tf<i64>) -> Option<MemberKey> {
    let (kind, addr) = match member_type? {
        IP => (Member::HOST, m.host.str()?),
        _ => (Member::ECS_ID, m.ecs_id.str()?),
    };
    let port = match m.port {
        Tf::Null => channel_port.get()?,
        v => v.get()?,
    };
    let group = match &m.group_name {
        Tf::Null => None,
        Tf::Known(g) => Some(g.clone()),
        Tf::Unknown => return None,
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
fn ip_member(m: &Member, mp: &AttrPath, diags: &mut Vec<Diagnostic>) {
    let host = match &m.host {
        Tf::Null => {
            diags.push(missing(
                mp.clone().attr(Member::HOST),
                format!(
                    "`{mp}.host` is required: each member needs one when `member_type` is \"ip\"."
                ),
            ));
            return;
        }
        Tf::Unknown => return,
        Tf::Known(h) => h,
    };
    for (attr, v) in [(Member::ECS_ID, &m.ecs_id), (Member::ECS_NAME, &m.ecs_name)] {
        if let Some(v) = v.str().filter(|v| v != host) {
            diags.push(Diagnostic::error_at(
                mp.clone().attr(attr),
                format!("Invalid value for {attr}"),
                format!("`{mp}.{attr}` is {v:?}, but for ip members the API sets `{attr}` to the member's `host` ({host:?}). Remove it, or set `member_type = \"ecs\"` for ECS servers."),
            ));
        }
    }
}

/// An ecs member names its server by ID and name, with their patterns.
fn ecs_member(m: &Member, mp: &AttrPath, diags: &mut Vec<Diagnostic>) {
    type Rule<'a> = (&'static str, &'a Tf<String>, fn(&str) -> bool, &'static str);
    let rules: [Rule; 2] = [
        (
            Member::ECS_ID,
            &m.ecs_id,
            is_ecs_id,
            "1 to 64 letters, digits, hyphens (-) and underscores (_)",
        ),
        (
            Member::ECS_NAME,
            &m.ecs_name,
            is_ecs_name,
            "1 to 64 letters, Chinese characters, digits, hyphens (-), underscores (_) and periods (.)",
        ),
    ];
    // One diagnostic for a member missing both.
    let absent: Vec<&str> = (rules.iter().filter(|r| r.1.is_null()))
        .map(|r| r.0)
        .collect();
    match absent[..] {
        [] => {}
        [attr] => diags.push(missing(
            mp.clone().attr(attr),
            format!("`{mp}.{attr}` is required: each member needs one when `member_type` is \"ecs\" (the default)."),
        )),
        // At the first, as the API names it; Terraform shows the member.
        [first, ..] => diags.push(missing(
            mp.clone().attr(first),
            format!("`{mp}` needs `ecs_id` and `ecs_name`: each member names its ECS server when `member_type` is \"ecs\" (the default)."),
        )),
    }
    for (attr, v, ok, rule) in rules {
        if let Tf::Known(v) = v {
            if !ok(v) {
                diags.push(Diagnostic::error_at(
                    mp.clone().attr(attr),
                    format!("Invalid value for {attr}"),
                    format!("`{mp}.{attr}` must be {rule} for ECS members, got {v:?}."),
                ));
            }
        }
    }
}

/// Label names are unique within a group: the API keys labels by name.
fn duplicate_labels(g: &Group, gi: usize, diags: &mut Vec<Diagnostic>) {
    let mut names: Vec<&str> = Vec::new();
    for (i, l) in g.microservice_labels.elements().iter().enumerate() {
        let Some(n) = l.known().and_then(|l| l.name.str()) else {
            continue;
        };
        if let Some(j) = names.iter().position(|x| *x == n) {
            diags.push(Diagnostic::error_at(
                p(Channel::MEMBER_GROUPS)
                    .index(gi as i64)
                    .attr(Group::MICROSERVICE_LABELS)
                    .index(i as i64)
                    .attr(Label::NAME),
                "Duplicate label",
                format!("`member_groups[{gi}].microservice_labels[{j}]` and `member_groups[{gi}].microservice_labels[{i}]` are both named {n:?}; label names are unique within a group."),
            ));
        }
        names.push(n);
    }
}
