//! The channel store: what the server keeps, not what it shows (rendering
//! with the server's habits is in `render.rs`).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::clock::now_times;
use super::error::ApiError;
use super::generated::{fake_pod_ips, new_id};
use super::model::{
    ChannelRequest, HealthConfig, Member, MemberGroup, MemberGroupCreate, MemberInfo,
    MicroserviceCreate, MicroserviceInfo,
};
use super::validate::{type_of, BUILTIN, MICROSERVICE, REFERENCE};

/// One channel as stored. Groups, members, health check and microservice
/// info keep the fields exactly as sent plus the server-made ones (IDs,
/// times); defaults are filled in only when rendering.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StoredChannel {
    pub instance_id: String,
    pub id: String,
    /// Creation order, for listing.
    pub seq: u64,
    /// 1 at creation, +1 per update; shown as the unknown field
    /// `emulator_revision`.
    pub revision: u64,
    pub create_time: String,
    pub name: String,
    pub port: i64,
    pub balance_strategy: i64,
    pub member_type: String,
    #[serde(rename = "type")]
    pub channel_type: i64,
    /// `builtin`, `microservice` or `reference` (empty in state files
    /// written before it existed: see [`StoredChannel::kind`]).
    #[serde(default)]
    pub vpc_channel_type: String,
    #[serde(default)]
    pub dict_code: Option<String>,
    #[serde(default)]
    pub member_groups: Vec<MemberGroup>,
    #[serde(default)]
    pub members: Vec<Member>,
    /// Members the server "found" in the microservice registry.
    #[serde(default)]
    pub discovered_members: Vec<Member>,
    #[serde(default)]
    pub vpc_health_config: Option<HealthConfig>,
    #[serde(default)]
    pub microservice_info: Option<MicroserviceInfo>,
    /// APIs using this channel (admin `bind-api`): delete is refused while > 0.
    #[serde(default)]
    pub bound_apis: u32,
}

impl StoredChannel {
    /// The channel's `vpc_channel_type`.
    pub fn kind(&self) -> &str {
        match self.vpc_channel_type.as_str() {
            "" if self.channel_type == 3 => MICROSERVICE,
            "" => BUILTIN,
            k => k,
        }
    }

    /// The channels its member groups reference.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.member_groups
            .iter()
            .filter_map(|g| g.spec.reference_vpc_channel_id.as_deref())
    }
}

#[derive(Default)]
pub struct Store {
    pub instances: BTreeSet<String>,
    pub channels: HashMap<String, Arc<StoredChannel>>,
    /// (instance, name) -> how many channels carry it (duplicates exist
    /// when the name check is off).
    names: HashMap<(String, String), u32>,
    /// Channels per instance, for the quota.
    counts: HashMap<String, usize>,
    next_seq: u64,
    /// Bumped on every mutation; the persister writes up to a generation.
    pub gen: u64,
}

/// Behaviour switches read at mutation time.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub quirks: bool,
    pub quota: usize,
}

impl Store {
    pub fn new(instances: impl IntoIterator<Item = String>) -> Self {
        Store {
            instances: instances.into_iter().collect(),
            ..Default::default()
        }
    }

    pub fn has_instance(&self, id: &str) -> bool {
        self.instances.contains(id)
    }

    fn name_taken(&self, instance: &str, name: &str) -> bool {
        self.names
            .get(&(instance.to_string(), name.to_string()))
            .is_some_and(|n| *n > 0)
    }

    fn index(&mut self, ch: &StoredChannel) {
        *self
            .names
            .entry((ch.instance_id.clone(), ch.name.clone()))
            .or_default() += 1;
        *self.counts.entry(ch.instance_id.clone()).or_default() += 1;
    }

    fn unindex(&mut self, ch: &StoredChannel) {
        let key = (ch.instance_id.clone(), ch.name.clone());
        if let Some(n) = self.names.get_mut(&key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.names.remove(&key);
            }
        }
        if let Some(n) = self.counts.get_mut(&ch.instance_id) {
            *n = n.saturating_sub(1);
        }
    }

    fn insert(&mut self, ch: StoredChannel) -> Arc<StoredChannel> {
        self.index(&ch);
        self.next_seq = self.next_seq.max(ch.seq + 1);
        let ch = Arc::new(ch);
        self.channels.insert(ch.id.clone(), ch.clone());
        ch
    }

    pub fn get(&self, instance: &str, id: &str) -> Result<Arc<StoredChannel>, ApiError> {
        self.channels
            .get(id)
            .filter(|c| c.instance_id == instance)
            .cloned()
            .ok_or_else(|| ApiError::channel_not_found(id))
    }

    /// Channels of one gateway, newest first.
    pub fn list(&self, instance: &str) -> Vec<Arc<StoredChannel>> {
        let mut v: Vec<_> = self
            .channels
            .values()
            .filter(|c| c.instance_id == instance)
            .cloned()
            .collect();
        v.sort_by_key(|c| std::cmp::Reverse(c.seq));
        v
    }

    /// All channels in creation order (admin dump, state file).
    pub fn all(&self) -> Vec<Arc<StoredChannel>> {
        let mut v: Vec<_> = self.channels.values().cloned().collect();
        v.sort_by_key(|c| c.seq);
        v
    }

    pub fn create(
        &mut self,
        instance: &str,
        req: ChannelRequest,
        p: Policy,
    ) -> Result<Arc<StoredChannel>, ApiError> {
        if p.quirks && self.name_taken(instance, &req.name) {
            return Err(ApiError::duplicate_name(&req.name));
        }
        if self.counts.get(instance).copied().unwrap_or(0) >= p.quota {
            return Err(ApiError::quota_exceeded(p.quota));
        }
        let seq = self.next_seq;
        let ch = build(instance, new_id(), seq, req, None, p.quirks);
        self.check_references(&ch)?;
        self.gen += 1;
        Ok(self.insert(ch))
    }

    pub fn update(
        &mut self,
        instance: &str,
        id: &str,
        req: ChannelRequest,
        p: Policy,
    ) -> Result<Arc<StoredChannel>, ApiError> {
        let prev = self.get(instance, id)?;
        if p.quirks && req.name != prev.name && self.name_taken(instance, &req.name) {
            return Err(ApiError::duplicate_name(&req.name));
        }
        let ch = build(
            instance,
            prev.id.clone(),
            prev.seq,
            req,
            Some(&prev),
            p.quirks,
        );
        self.check_references(&ch)?;
        self.unindex(&prev);
        self.gen += 1;
        Ok(self.insert(ch))
    }

    pub fn delete(&mut self, instance: &str, id: &str) -> Result<(), ApiError> {
        let ch = self.get(instance, id)?;
        if ch.bound_apis > 0 {
            return Err(ApiError::channel_in_use(id));
        }
        if self
            .list(instance)
            .iter()
            .any(|c| c.references().any(|r| r == id))
        {
            return Err(ApiError::channel_referenced(id));
        }
        self.channels.remove(id);
        self.unindex(&ch);
        self.gen += 1;
        Ok(())
    }

    /// Changes one channel in place through `f` (the sub-APIs for members,
    /// groups and the health check); nothing changes when `f` fails.
    pub fn modify<T>(
        &mut self,
        instance: &str,
        id: &str,
        f: impl FnOnce(&mut StoredChannel) -> Result<T, ApiError>,
    ) -> Result<(Arc<StoredChannel>, T), ApiError> {
        let mut ch = (*self.get(instance, id)?).clone();
        let out = f(&mut ch)?;
        self.check_references(&ch)?;
        ch.revision += 1;
        let ch = Arc::new(ch);
        self.channels.insert(ch.id.clone(), ch.clone());
        self.gen += 1;
        Ok((ch, out))
    }

    /// Member groups may reference other channels only in a reference
    /// channel, and only existing channels of the same gateway that are not
    /// reference channels themselves.
    pub fn check_references(&self, ch: &StoredChannel) -> Result<(), ApiError> {
        let bad = || ApiError::invalid("reference_vpc_channel_id");
        for r in ch.references() {
            if ch.kind() != REFERENCE || r == ch.id {
                return Err(bad());
            }
            let target = self.get(&ch.instance_id, r).map_err(|_| bad())?;
            if target.kind() == REFERENCE {
                return Err(bad());
            }
        }
        Ok(())
    }

    /// Changes the API binding count of a channel in any gateway.
    pub fn bind(&mut self, id: &str, delta: i32) -> Option<u32> {
        let ch = self.channels.get_mut(id)?;
        let c = Arc::make_mut(ch);
        c.bound_apis = c.bound_apis.saturating_add_signed(delta);
        self.gen += 1;
        Some(c.bound_apis)
    }

    pub fn clear_channels(&mut self) {
        self.channels.clear();
        self.names.clear();
        self.counts.clear();
        self.gen += 1;
    }

    /// Replaces the channels with loaded ones (state file).
    pub fn load(&mut self, instances: Vec<String>, channels: Vec<StoredChannel>) {
        self.instances.extend(instances);
        for ch in channels {
            self.instances.insert(ch.instance_id.clone());
            self.insert(ch);
        }
    }
}

/// Builds the stored form of a request. With `prev` (update) it keeps the
/// IDs and creation times of what is still there: groups by name, members
/// by address and group.
fn build(
    instance: &str,
    id: String,
    seq: u64,
    req: ChannelRequest,
    prev: Option<&StoredChannel>,
    quirks: bool,
) -> StoredChannel {
    let mut req = req;
    if quirks {
        merge_duplicates(&mut req);
    }
    let (now, now_ns) = now_times();
    let kind = kind_of(&req, prev, quirks);
    // A reference channel's members come from the channels it references.
    if kind == REFERENCE {
        req.members = None;
    }
    let member_groups = groups(req.member_groups.unwrap_or_default(), prev, &now_ns);
    let members = members(
        req.members.unwrap_or_default(),
        &member_groups,
        prev,
        &id,
        &now_ns,
    );
    let vpc_health_config = req
        .vpc_health_config
        .map(|h| health_config(h, prev, &id, &now));
    let microservice_info = req
        .microservice_info
        .map(|spec| microservice(spec, prev, instance, &now_ns));
    let mut ch = StoredChannel {
        instance_id: instance.to_string(),
        id,
        seq,
        revision: prev.map_or(1, |p| p.revision + 1),
        create_time: prev.map_or(now, |p| p.create_time.clone()),
        name: req.name,
        port: req.port,
        balance_strategy: req.balance_strategy,
        member_type: req.member_type,
        channel_type: type_of(&kind),
        vpc_channel_type: kind,
        dict_code: req.dict_code,
        member_groups,
        members,
        discovered_members: Vec::new(),
        vpc_health_config,
        microservice_info,
        bound_apis: prev.map_or(0, |p| p.bound_apis),
    };
    if quirks {
        ch.discovered_members = discover(&ch, &now_ns);
    }
    ch
}

/// The channel's `vpc_channel_type`. The server keeps a channel's type on
/// update (habit 7).
fn kind_of(req: &ChannelRequest, prev: Option<&StoredChannel>, quirks: bool) -> String {
    match (prev, req.vpc_channel_type.as_deref()) {
        (Some(p), _) if quirks => p.kind().to_string(),
        (_, Some(k)) if !k.is_empty() => k.to_string(),
        _ if req.channel_type == Some(3) => MICROSERVICE.to_string(),
        _ => BUILTIN.to_string(),
    }
}

/// Member groups keep their ID and creation time by name.
fn groups(
    specs: Vec<MemberGroupCreate>,
    prev: Option<&StoredChannel>,
    now_ns: &str,
) -> Vec<MemberGroup> {
    let old_groups = prev.map_or(&[][..], |p| &p.member_groups);
    specs
        .into_iter()
        .map(|spec| {
            let old = old_groups
                .iter()
                .find(|g| g.spec.member_group_name == spec.member_group_name);
            MemberGroup {
                member_group_id: old.map_or_else(new_id, |g| g.member_group_id.clone()),
                create_time: Some(kept_or_now(old.map(|g| &g.create_time), now_ns)),
                update_time: Some(now_ns.to_string()),
                spec,
            }
        })
        .collect()
}

/// Members keep their ID and creation time by address and group; each old
/// member is matched once.
fn members(
    specs: Vec<MemberInfo>,
    groups: &[MemberGroup],
    prev: Option<&StoredChannel>,
    channel_id: &str,
    now_ns: &str,
) -> Vec<Member> {
    let key = |m: &MemberInfo| {
        (
            m.host.clone().or_else(|| m.ecs_id.clone()),
            m.member_group_name.clone(),
        )
    };
    let group_id = |name: &Option<String>| -> Option<String> {
        let name = name.as_deref()?;
        groups
            .iter()
            .find(|g| g.spec.member_group_name == name)
            .map(|g| g.member_group_id.clone())
    };
    let mut old_members: Vec<&Member> =
        prev.map(|p| p.members.iter().collect()).unwrap_or_default();
    specs
        .into_iter()
        .map(|spec| {
            let k = key(&spec);
            let old = old_members
                .iter()
                .position(|m| key(&m.spec) == k)
                .map(|i| old_members.remove(i));
            Member {
                id: old.map_or_else(new_id, |m| m.id.clone()),
                vpc_channel_id: Some(channel_id.to_string()),
                create_time: Some(kept_or_now(old.map(|m| &m.create_time), now_ns)),
                member_group_id: group_id(&spec.member_group_name),
                health_status: None,
                spec,
            }
        })
        .collect()
}

/// The health check keeps its ID and creation time (a time without
/// nanoseconds, unlike the others).
fn health_config(
    mut h: HealthConfig,
    prev: Option<&StoredChannel>,
    channel_id: &str,
    now: &str,
) -> HealthConfig {
    let old = prev.and_then(|p| p.vpc_health_config.as_ref());
    h.id = Some(old.and_then(|o| o.id.clone()).unwrap_or_else(new_id));
    h.vpc_channel_id = Some(channel_id.to_string());
    h.create_time = Some(kept_or_now(old.map(|o| &o.create_time), now));
    h
}

fn microservice(
    spec: MicroserviceCreate,
    prev: Option<&StoredChannel>,
    instance: &str,
    now_ns: &str,
) -> MicroserviceInfo {
    let old = prev.and_then(|p| p.microservice_info.as_ref());
    MicroserviceInfo {
        id: Some(old.and_then(|o| o.id.clone()).unwrap_or_else(new_id)),
        instance_id: Some(instance.to_string()),
        spec,
        create_time: Some(kept_or_now(old.map(|o| &o.create_time), now_ns)),
        update_time: Some(now_ns.to_string()),
    }
}

/// A creation time kept from before the update, else `now`.
fn kept_or_now(old: Option<&Option<String>>, now: &str) -> String {
    old.and_then(|t| t.clone())
        .unwrap_or_else(|| now.to_string())
}

/// The server keys a member by address, port (unset: the channel's) and
/// group, and a label by its name within the group: a body that names one
/// twice keeps the last (two identical members read back as one).
fn merge_duplicates(req: &mut ChannelRequest) {
    fn keep_last<T, K: PartialEq>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
        let mut kept: Vec<T> = Vec::new();
        for x in items.drain(..).rev() {
            if !kept.iter().any(|k| key(k) == key(&x)) {
                kept.push(x);
            }
        }
        kept.reverse();
        *items = kept;
    }
    let port = req.port;
    if let Some(members) = req.members.as_mut() {
        keep_last(members, |m| {
            let addr = m.host.clone().or_else(|| m.ecs_id.clone());
            (addr, m.port.unwrap_or(port), m.member_group_name.clone())
        });
    }
    for g in req.member_groups.iter_mut().flatten() {
        if let Some(labels) = g.microservice_labels.as_mut() {
            keep_last(labels, |l| l.label_name.clone());
        }
    }
}

/// Microservice channels get members from the registry: made-up pod
/// addresses, stable per service.
fn discover(ch: &StoredChannel, now_ns: &str) -> Vec<Member> {
    if ch.channel_type != 3 {
        return Vec::new();
    }
    let Some(ms) = &ch.microservice_info else {
        return Vec::new();
    };
    let seed = match ms.spec.service_type.as_deref() {
        Some("CSE") => ms
            .spec
            .cse_info
            .as_ref()
            .map(|c| format!("cse/{}/{}", c.engine_id, c.service_id)),
        Some("CCE") => ms.spec.cce_info.as_ref().map(|c| {
            format!(
                "cce/{}/{}/{}/{}",
                c.cluster_id,
                c.namespace,
                c.app_name.as_deref().unwrap_or(""),
                c.label_value.as_deref().unwrap_or("")
            )
        }),
        Some("CCE_SERVICE") => ms
            .spec
            .cce_service_info
            .as_ref()
            .map(|c| format!("svc/{}/{}/{}", c.cluster_id, c.namespace, c.service_name)),
        Some("NACOS") => ms.spec.nacos_info.as_ref().map(|n| {
            format!(
                "nacos/{}/{}/{}",
                n.namespace.as_deref().unwrap_or(""),
                n.group_name.as_deref().unwrap_or(""),
                n.service_name
            )
        }),
        _ => None,
    };
    let Some(seed) = seed else {
        return Vec::new();
    };
    let group = ch.member_groups.first();
    let port = group
        .and_then(|g| g.spec.microservice_port)
        .filter(|p| *p > 0)
        .unwrap_or(ch.port);
    fake_pod_ips(&seed)
        .into_iter()
        .map(|host| Member {
            spec: MemberInfo {
                host: Some(host.clone()),
                weight: Some(1),
                is_backup: Some(false),
                member_group_name: group.map(|g| g.spec.member_group_name.clone()),
                status: Some(1),
                port: Some(port),
                ecs_id: Some(host.clone()),
                ecs_name: Some(host),
            },
            id: new_id(),
            vpc_channel_id: Some(ch.id.clone()),
            create_time: Some(now_ns.to_string()),
            member_group_id: group.map(|g| g.member_group_id.clone()),
            health_status: Some("healthy".into()),
        })
        .collect()
}

/// Serializes shared channels without serde's `rc` feature.
pub struct ChannelsSer<'a>(pub &'a [Arc<StoredChannel>]);

impl Serialize for ChannelsSer<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| &**c))
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
