//! The command line of `apig-emulator`.

use super::*;

#[test]
fn cli_arguments() {
    let o = Options::from_args([
        "--port",
        "8080",
        "--host=0.0.0.0",
        "--no-quirks",
        "--quota",
        "5",
        "--instance",
        "a",
        "--instance",
        "b",
        "--token",
        "t1",
        "--ak",
        "AK",
        "--sk=SK",
        "--security-token",
        "ST",
        "--tls",
        "--state-file",
        "/tmp/x.json",
    ])
    .unwrap();
    assert_eq!(
        (o.port, o.host.as_str(), o.quirks, o.quota),
        (8080, "0.0.0.0", false, 5)
    );
    assert_eq!(o.instances, ["a", "b"]);
    assert_eq!(o.tokens, ["t1"]);
    assert_eq!(
        (o.ak.as_str(), o.sk.as_str(), o.security_token.as_deref()),
        ("AK", "SK", Some("ST"))
    );
    assert!(o.tls);
    assert_eq!(o.state_file.unwrap().to_str(), Some("/tmp/x.json"));
    let d = Options::from_args(Vec::<String>::new()).unwrap();
    assert_eq!(d.instances, [DEFAULT_INSTANCE]);
    assert_eq!(
        (d.tokens[0].as_str(), d.ak.as_str(), d.quota, d.port),
        (DEFAULT_TOKEN, DEFAULT_AK, 30, 0)
    );
    for bad in [
        vec!["--port"],
        vec!["--port", "x"],
        vec!["--port", "70000"],
        vec!["--bogus"],
        vec!["--ak", ""],
    ] {
        assert!(Options::from_args(bad.clone()).is_err(), "{bad:?}");
    }
}
