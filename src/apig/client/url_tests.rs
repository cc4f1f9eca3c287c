use super::*;
use crate::apig::channels::VPC_CHANNELS;
use crate::apig::client::test_server::*;
use crate::apig::client::Target;

#[test]
fn url_and_host_header() {
    let t = |base: &str| Target {
        base_url: base.into(),
        project_id: "p".into(),
        instance_id: "i".into(),
    };
    let q = pairs(&[("b", "2 3"), ("a", "1")]);
    let cases = [
        (
            "https://apig.cn-north-4.myhuaweicloud.com",
            "apig.cn-north-4.myhuaweicloud.com",
        ),
        ("https://APIG.example.com:443/", "apig.example.com"),
        ("https://apig.example.com:8443", "apig.example.com:8443"),
        ("http://127.0.0.1:80", "127.0.0.1"),
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("http://[::1]:8080", "[::1]:8080"),
    ];
    for (base, host) in cases {
        let (url, h) = build_url(&t(base), &VPC_CHANNELS.item("c1"), &q).unwrap();
        assert_eq!(h, host, "{base}");
        assert_eq!(url.path(), "/v2/p/apigw/instances/i/vpc-channels/c1");
        assert_eq!(url.query(), Some("a=1&b=2%203"));
    }
    let (url, _) = build_url(&t("http://h/prefix/"), &VPC_CHANNELS.all(), &[]).unwrap();
    assert_eq!(
        url.as_str(),
        "http://h/prefix/v2/p/apigw/instances/i/vpc-channels"
    );
    for bad in [
        "",
        "h",
        "http://",
        "http://h?x=1",
        "http://h#f",
        "file:///x",
    ] {
        assert!(
            build_url(&t(bad), &VPC_CHANNELS.all(), &[]).is_err(),
            "{bad}"
        );
    }
}

/// Issue 18 item 6: an ID from an answer or from state that is not an ID
/// (`../../../v3/users`) never enters a URL, encoded or not.
#[test]
fn only_plain_ids_enter_a_url() {
    let t = Target {
        base_url: "http://h".into(),
        project_id: "p".into(),
        instance_id: "i".into(),
    };
    for bad in [
        "../../../v3/users",
        "..",
        "a b",
        "a%2Fb",
        "a?b",
        "",
        &"a".repeat(65),
    ] {
        let e = build_url(&t, &VPC_CHANNELS.item(bad), &[]).unwrap_err();
        assert!(e.contains("cannot be used in a URL"), "{bad}: {e}");
        let other = Target {
            instance_id: bad.to_string(),
            ..t.clone()
        };
        assert!(
            build_url(&other, &VPC_CHANNELS.all(), &[]).is_err(),
            "{bad}"
        );
    }
    assert!(build_url(
        &t,
        &VPC_CHANNELS.item("18174f5f4f1a4dc2-9f33_aeadd9788e5f"),
        &[]
    )
    .is_ok());
}
