//! The sub-APIs of a channel, as the SDK has them: members
//! (`AddingBackendInstancesV2`, `UpdateBackendInstancesV2`,
//! `DeleteBackendInstanceV2`, `BatchEnableMembers`/`BatchDisableMembers`),
//! member groups (`CreateMemberGroup`, `ListMemberGroups`,
//! `ShowDetailsOfMemberGroup`, `UpdateMemberGroup`, `DeleteMemberGroup`)
//! and `UpdateHealthCheck`. Each changes the stored channel in place; what
//! a later show or `PUT` of the whole channel sees is the same data.

use serde_json::{json, Value};

use super::clock::now_times;
use super::error::{ApiError, ApiResult};
use super::generated::new_id;
use super::list::{paging, Filter};
use super::model::{HealthConfig, Member, MemberGroup, MemberGroupCreate, MemberInfo};
use super::render;
use super::store::StoredChannel;
use super::validate::{self, Obj, REFERENCE};

/// A sub-API call on one channel.
#[derive(Debug, PartialEq, Eq)]
pub enum Sub<'a> {
    AddMembers,
    ReplaceMembers,
    DeleteMember(&'a str),
    EnableMembers,
    DisableMembers,
    UpdateHealth,
    CreateGroups,
    ListGroups,
    ShowGroup(&'a str),
    UpdateGroup(&'a str),
    DeleteGroup(&'a str),
}

impl Sub<'_> {
    /// Read-only calls need no body and change nothing.
    pub fn reads(&self) -> bool {
        matches!(self, Sub::ListGroups | Sub::ShowGroup(_))
    }
}

/// Answers a read-only call.
pub fn read(
    ch: &StoredChannel,
    sub: &Sub,
    query: &[(String, String)],
    quirks: bool,
) -> ApiResult<Value> {
    match sub {
        Sub::ListGroups => list_groups(ch, query, quirks),
        Sub::ShowGroup(gid) => Ok(render::to_json(&find_group(ch, gid)?)),
        _ => Err(ApiError::no_such_api()),
    }
}

/// Applies a changing call to `ch`; returns the status and body to answer.
pub fn apply(
    ch: &mut StoredChannel,
    sub: &Sub,
    body: &Value,
    quirks: bool,
) -> ApiResult<(u16, Value)> {
    let o = || body.as_object().ok_or_else(ApiError::bad_body);
    match sub {
        Sub::AddMembers => {
            let ms = members_body(ch, o()?)?;
            let out = upsert_members(ch, ms, quirks);
            Ok((201, member_page(out)))
        }
        Sub::ReplaceMembers => {
            let obj = o()?;
            let ms = members_body(ch, obj)?;
            let group = validate::opt_str(obj, "member_group_name")?.filter(|g| !g.is_empty());
            if group.is_some_and(|g| {
                !ch.member_groups
                    .iter()
                    .any(|x| x.spec.member_group_name == g)
            }) {
                return Err(ApiError::invalid("member_group_name"));
            }
            let out = replace_members(ch, ms, group, quirks);
            Ok((200, member_page(out)))
        }
        Sub::DeleteMember(mid) => {
            let before = ch.members.len();
            ch.members.retain(|m| m.id != *mid);
            if ch.members.len() == before {
                return Err(ApiError::member_not_found(mid));
            }
            Ok((204, Value::Null))
        }
        Sub::EnableMembers | Sub::DisableMembers => {
            let status = if *sub == Sub::EnableMembers { 1 } else { 2 };
            set_status(ch, o()?, status)?;
            Ok((204, Value::Null))
        }
        Sub::UpdateHealth => {
            validate::health_config(o()?)?;
            let h: HealthConfig = parse(body)?;
            ch.vpc_health_config = Some(health(ch, h));
            Ok((200, render::to_json(&render::health(ch, quirks))))
        }
        Sub::CreateGroups => create_groups(ch, o()?),
        Sub::UpdateGroup(gid) => update_group(ch, gid, o()?),
        Sub::DeleteGroup(gid) => {
            let name = find_group(ch, gid)?.spec.member_group_name;
            ch.member_groups.retain(|g| g.member_group_id != *gid);
            // Its members go with it.
            ch.members
                .retain(|m| m.spec.member_group_name.as_deref() != Some(name.as_str()));
            Ok((204, Value::Null))
        }
        Sub::ListGroups | Sub::ShowGroup(_) => Err(ApiError::no_such_api()),
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> ApiResult<T> {
    serde_json::from_value(v.clone()).map_err(|_| ApiError::bad_body())
}

/// `{"members": [...]}` checked against the channel's type and groups.
fn members_body(ch: &StoredChannel, o: &Obj) -> ApiResult<Vec<MemberInfo>> {
    if ch.kind() == REFERENCE {
        return Err(ApiError::invalid("members"));
    }
    let groups: Vec<String> = ch
        .member_groups
        .iter()
        .map(|g| g.spec.member_group_name.clone())
        .collect();
    let items =
        validate::opt_obj_array(o, "members")?.ok_or_else(|| ApiError::missing("members"))?;
    for m in &items {
        validate::member(m, &ch.member_type, &groups)?;
    }
    parse(&Value::Array(
        items
            .into_iter()
            .map(|m| Value::Object(m.clone()))
            .collect(),
    ))
}

fn member_key(m: &MemberInfo) -> (Option<String>, Option<String>) {
    (
        m.host.clone().or_else(|| m.ecs_id.clone()),
        m.member_group_name.clone(),
    )
}

/// A stored member from a request one, keeping `old`'s ID and time.
fn stored_member(ch: &StoredChannel, spec: MemberInfo, old: Option<&Member>) -> Member {
    let group_id = spec.member_group_name.as_deref().and_then(|n| {
        ch.member_groups
            .iter()
            .find(|g| g.spec.member_group_name == n)
            .map(|g| g.member_group_id.clone())
    });
    Member {
        id: old.map_or_else(new_id, |m| m.id.clone()),
        vpc_channel_id: Some(ch.id.clone()),
        create_time: Some(
            old.and_then(|m| m.create_time.clone())
                .unwrap_or_else(|| now_times().1),
        ),
        member_group_id: group_id,
        health_status: None,
        spec,
    }
}

/// Adds members, or updates those with the same address and group.
fn upsert_members(ch: &mut StoredChannel, ms: Vec<MemberInfo>, quirks: bool) -> Vec<Member> {
    let mut touched = Vec::new();
    for spec in ms {
        let key = member_key(&spec);
        let pos = ch.members.iter().position(|m| member_key(&m.spec) == key);
        let new = stored_member(ch, spec, pos.map(|i| &ch.members[i]));
        touched.push(new.id.clone());
        match pos {
            Some(i) => ch.members[i] = new,
            None => ch.members.push(new),
        }
    }
    shown_members(ch, quirks, |m| touched.contains(&m.id))
}

/// Replaces all members, or with `group` only that group's (members of
/// other groups in the body are ignored, as the SDK documents).
fn replace_members(
    ch: &mut StoredChannel,
    ms: Vec<MemberInfo>,
    group: Option<&str>,
    quirks: bool,
) -> Vec<Member> {
    let in_scope = |m: &MemberInfo| group.is_none() || m.member_group_name.as_deref() == group;
    let mut old: Vec<Member> = Vec::new();
    let mut kept: Vec<Member> = Vec::new();
    for m in ch.members.drain(..) {
        if in_scope(&m.spec) {
            old.push(m);
        } else {
            kept.push(m);
        }
    }
    let mut fresh = Vec::new();
    for spec in ms.into_iter().filter(|m| in_scope(m)) {
        let key = member_key(&spec);
        let prev = old
            .iter()
            .position(|m| member_key(&m.spec) == key)
            .map(|i| old.remove(i));
        fresh.push(stored_member(ch, spec, prev.as_ref()));
    }
    kept.extend(fresh);
    ch.members = kept;
    shown_members(ch, quirks, |m| in_scope(&m.spec))
}

fn shown_members(ch: &StoredChannel, quirks: bool, keep: impl Fn(&Member) -> bool) -> Vec<Member> {
    let mut out: Vec<Member> = ch
        .members
        .iter()
        .filter(|m| keep(m))
        .map(|m| render::member(ch, m, quirks))
        .collect();
    if quirks {
        out.sort_by(|a, b| a.id.cmp(&b.id));
    }
    out
}

fn member_page(ms: Vec<Member>) -> Value {
    json!({"total": ms.len(), "size": ms.len(), "members": ms})
}

/// `{"member_ids": [...]}`: every ID must be a member of the channel.
fn set_status(ch: &mut StoredChannel, o: &Obj, status: i64) -> ApiResult<()> {
    let ids = match o.get("member_ids") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(Value::Array(_)) | None | Some(Value::Null) => {
            return Err(ApiError::missing("member_ids"))
        }
        Some(_) => return Err(ApiError::invalid("member_ids")),
    };
    let ids: Vec<&str> = ids
        .iter()
        .map(|i| i.as_str().ok_or_else(|| ApiError::invalid("member_ids")))
        .collect::<ApiResult<_>>()?;
    if let Some(missing) = ids.iter().find(|i| !ch.members.iter().any(|m| m.id == **i)) {
        return Err(ApiError::member_not_found(missing));
    }
    for m in ch
        .members
        .iter_mut()
        .filter(|m| ids.contains(&m.id.as_str()))
    {
        m.spec.status = Some(status);
    }
    Ok(())
}

fn health(ch: &StoredChannel, mut h: HealthConfig) -> HealthConfig {
    let old = ch.vpc_health_config.as_ref();
    h.id = Some(old.and_then(|o| o.id.clone()).unwrap_or_else(new_id));
    h.vpc_channel_id = Some(ch.id.clone());
    h.create_time = Some(
        old.and_then(|o| o.create_time.clone())
            .unwrap_or_else(|| now_times().0),
    );
    h
}

fn find_group(ch: &StoredChannel, gid: &str) -> ApiResult<MemberGroup> {
    ch.member_groups
        .iter()
        .find(|g| g.member_group_id == gid)
        .cloned()
        .ok_or_else(|| ApiError::group_not_found(gid))
}

fn service_type(ch: &StoredChannel) -> Option<&str> {
    ch.microservice_info
        .as_ref()
        .and_then(|m| m.spec.service_type.as_deref())
}

fn group_spec(ch: &StoredChannel, g: &Obj) -> ApiResult<MemberGroupCreate> {
    validate::member_group(g, ch.kind(), service_type(ch))?;
    parse(&Value::Object(g.clone()))
}

/// `{"member_groups": [...]}`: adds groups, or updates those of the same
/// name; of two with one name in a body the first counts.
fn create_groups(ch: &mut StoredChannel, o: &Obj) -> ApiResult<(u16, Value)> {
    let items = validate::opt_obj_array(o, "member_groups")?
        .ok_or_else(|| ApiError::missing("member_groups"))?;
    let mut specs: Vec<MemberGroupCreate> = Vec::new();
    for g in items {
        let spec = group_spec(ch, g)?;
        if !specs
            .iter()
            .any(|s| s.member_group_name == spec.member_group_name)
        {
            specs.push(spec);
        }
    }
    let now = now_times().1;
    let mut out = Vec::new();
    for spec in specs {
        let pos = ch
            .member_groups
            .iter()
            .position(|g| g.spec.member_group_name == spec.member_group_name);
        let g = match pos {
            Some(i) => {
                let g = &mut ch.member_groups[i];
                g.spec = spec;
                g.update_time = Some(now.clone());
                g.clone()
            }
            None => {
                let g = MemberGroup {
                    spec,
                    member_group_id: new_id(),
                    create_time: Some(now.clone()),
                    update_time: Some(now.clone()),
                };
                ch.member_groups.push(g.clone());
                g
            }
        };
        out.push(g);
    }
    Ok((
        201,
        json!({"total": out.len(), "size": out.len(), "member_groups": out}),
    ))
}

/// Changes one group; a new name must be free and its members follow it.
fn update_group(ch: &mut StoredChannel, gid: &str, o: &Obj) -> ApiResult<(u16, Value)> {
    let old = find_group(ch, gid)?;
    let spec = group_spec(ch, o)?;
    let (from, to) = (old.spec.member_group_name, spec.member_group_name.clone());
    if from != to
        && ch
            .member_groups
            .iter()
            .any(|g| g.spec.member_group_name == to)
    {
        return Err(ApiError::invalid("member_group_name"));
    }
    for m in ch.members.iter_mut() {
        if m.spec.member_group_name.as_deref() == Some(from.as_str()) {
            m.spec.member_group_name = Some(to.clone());
        }
    }
    let g = ch
        .member_groups
        .iter_mut()
        .find(|g| g.member_group_id == gid)
        .ok_or_else(|| ApiError::group_not_found(gid))?;
    g.spec = spec;
    g.update_time = Some(now_times().1);
    Ok((200, render::to_json(g)))
}

/// `{"total", "size", "member_groups"}` under `dict_code`,
/// `member_group_name` (substring unless in `precise_search`) and paging.
fn list_groups(ch: &StoredChannel, query: &[(String, String)], quirks: bool) -> ApiResult<Value> {
    let (offset, limit) = paging(query)?;
    let f = Filter::new(query);
    let mut all: Vec<&MemberGroup> = ch
        .member_groups
        .iter()
        .filter(|g| {
            f.text("member_group_name", Some(&g.spec.member_group_name))
                && f.exact("dict_code", Some(g.spec.dict_code.as_deref().unwrap_or("")))
        })
        .collect();
    if quirks {
        all.sort_by(|a, b| a.member_group_id.cmp(&b.member_group_id));
    }
    let page: Vec<&&MemberGroup> = all.iter().skip(offset).take(limit).collect();
    Ok(json!({"total": all.len(), "size": page.len(), "member_groups": page}))
}
