use super::*;
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
        let (url, h) = build_url(&t(base), &["c1"], &q).unwrap();
        assert_eq!(h, host, "{base}");
        assert_eq!(url.path(), "/v2/p/apigw/instances/i/vpc-channels/c1");
        assert_eq!(url.query(), Some("a=1&b=2%203"));
    }
    let (url, _) = build_url(&t("http://h/prefix/"), &[], &[]).unwrap();
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
        assert!(build_url(&t(bad), &[], &[]).is_err(), "{bad}");
    }
}
