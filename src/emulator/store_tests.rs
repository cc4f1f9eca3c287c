use super::*;
use crate::emulator::model::{MemberGroupCreate, MemberInfo};

fn req(name: &str) -> ChannelRequest {
    ChannelRequest {
        name: name.into(),
        port: 80,
        balance_strategy: 1,
        member_type: "ip".into(),
        member_groups: Some(vec![MemberGroupCreate {
            member_group_name: "g1".into(),
            ..Default::default()
        }]),
        members: Some(vec![MemberInfo {
            host: Some("10.0.0.1".into()),
            member_group_name: Some("g1".into()),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

const Q: Policy = Policy {
    quirks: true,
    quota: 3,
};

#[test]
fn create_get_delete_and_indexes() {
    let mut s = Store::new(["gw".to_string()]);
    let a = s.create("gw", req("chan_a"), Q).unwrap();
    assert_eq!(a.revision, 1);
    assert_eq!(
        a.members[0].member_group_id.as_deref(),
        Some(a.member_groups[0].member_group_id.as_str())
    );
    assert_eq!(
        s.create("gw", req("chan_a"), Q).unwrap_err().code,
        "APIG.3208"
    );
    let off = Policy {
        quirks: false,
        quota: 3,
    };
    s.create("gw", req("chan_a"), off).unwrap();
    s.create("gw", req("chan_b"), off).unwrap();
    assert_eq!(
        s.create("gw", req("chan_c"), off).unwrap_err().code,
        "APIG.3109"
    );
    assert_eq!(s.get("other", &a.id).unwrap_err().code, "APIG.3023");
    s.delete("gw", &a.id).unwrap();
    // one "chan_a" remains, so the name is still taken
    assert_eq!(
        s.create("gw", req("chan_a"), Q).unwrap_err().code,
        "APIG.3208"
    );
    assert_eq!(s.list("gw").len(), 2);
}

#[test]
fn update_keeps_ids_and_type_with_quirks() {
    let mut s = Store::new(["gw".to_string()]);
    let mut r = req("chan_a");
    r.channel_type = Some(2);
    let a = s.create("gw", r.clone(), Q).unwrap();
    r.channel_type = Some(3);
    r.name = "chan_b".into();
    let b = s.update("gw", &a.id, r.clone(), Q).unwrap();
    assert_eq!(b.channel_type, 2);
    assert_eq!(b.revision, 2);
    assert_eq!(b.create_time, a.create_time);
    assert_eq!(
        b.member_groups[0].member_group_id,
        a.member_groups[0].member_group_id
    );
    assert_eq!(b.members[0].id, a.members[0].id);
    // the old name is free again
    s.create("gw", req("chan_a"), Q).unwrap();
    let c = s
        .update(
            "gw",
            &a.id,
            r,
            Policy {
                quirks: false,
                quota: 3,
            },
        )
        .unwrap();
    assert_eq!(c.channel_type, 3);
}

#[test]
fn bound_channel_cannot_be_deleted() {
    let mut s = Store::new(["gw".to_string()]);
    let a = s.create("gw", req("chan_a"), Q).unwrap();
    assert_eq!(s.bind(&a.id, 1), Some(1));
    assert_eq!(s.delete("gw", &a.id).unwrap_err().code, "APIG.3414");
    assert_eq!(s.bind(&a.id, -1), Some(0));
    s.delete("gw", &a.id).unwrap();
    assert_eq!(s.bind(&a.id, 1), None);
}
