use super::*;

// The published suite, kept in the crate so a bare clone tests itself.
const VECTORS: &str = include_str!("testdata/signing-vectors.json");

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn sha256_hex(s: &str) -> String {
    body_sha256(s.as_bytes())
}

#[test]
fn published_vectors() {
    let doc: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors parse");
    assert_eq!(doc["empty_body_sha256"], EMPTY_BODY_SHA256);
    assert_eq!(body_sha256(b""), EMPTY_BODY_SHA256);

    let str_pairs = |v: &serde_json::Value| -> Vec<(String, String)> {
        v.as_array()
            .expect("pair list")
            .iter()
            .map(|p| {
                (
                    p[0].as_str().expect("key").to_string(),
                    p[1].as_str().expect("value").to_string(),
                )
            })
            .collect()
    };

    let cases = doc["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    let mut checked = 0;
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let s = |k: &str| case[k].as_str().expect(k).to_string();
        let query = str_pairs(&case["query"]);
        let headers: Vec<(String, String)> = case["signed_headers"]
            .as_object()
            .expect("signed_headers")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("header").to_string()))
            .collect();
        let (method, path, body) = (s("method"), s("path"), s("body"));
        let input = SigningInput {
            method: &method,
            path: &path,
            query: &query,
            headers: &headers,
            body: body.as_bytes(),
        };
        let signed = sign(&s("ak"), &s("sk"), &input);

        if let Some(want) = case["canonical_request"].as_str() {
            assert_eq!(signed.canonical_request, want, "{name}: canonical_request");
        }
        if let Some(want) = case["canonical_request_sha256"].as_str() {
            assert_eq!(
                sha256_hex(&signed.canonical_request),
                want,
                "{name}: canonical_request_sha256"
            );
        }
        if let Some(want) = case["body_sha256"].as_str() {
            assert_eq!(body_sha256(body.as_bytes()), want, "{name}: body_sha256");
        }
        assert_eq!(signed.signature, s("signature"), "{name}: signature");
        let want_auth = format!(
            "SDK-HMAC-SHA256 Access={}, SignedHeaders={}, Signature={}",
            s("ak"),
            signed.signed_headers,
            s("signature")
        );
        if let Some(want) = case["authorization"].as_str() {
            assert_eq!(want, want_auth, "{name}: vector self-consistency");
        }
        assert_eq!(signed.authorization, want_auth, "{name}: authorization");

        // What the emulator does with the same request.
        assert!(verify(&s("sk"), &input, &signed.signature), "{name}");
        let parsed = parse_authorization(&signed.authorization).expect("parses");
        assert_eq!(parsed.access, s("ak"));
        assert_eq!(parsed.signed_headers.join(";"), signed.signed_headers);
        assert_eq!(parsed.signature, signed.signature);
        checked += 1;
    }
    assert_eq!(checked, cases.len());

    let query_cases = doc["canonical_query_cases"].as_array().expect("query");
    assert!(!query_cases.is_empty());
    for case in query_cases {
        assert_eq!(
            canonical_query(&str_pairs(&case["query"])),
            case["canonical"].as_str().expect("canonical"),
            "{}",
            case["name"]
        );
    }

    let uri_cases = doc["canonical_uri_cases"].as_array().expect("uri");
    assert!(!uri_cases.is_empty());
    for case in uri_cases {
        let (input, want) = (case[0].as_str().expect("in"), case[1].as_str());
        assert_eq!(Some(canonical_uri(input).as_str()), want, "{input:?}");
    }
}

#[test]
fn encode_keeps_only_unreserved() {
    assert_eq!(encode("AZaz09-_.~"), "AZaz09-_.~");
    assert_eq!(
        encode(" +/?%=&#*!'()"),
        "%20%2B%2F%3F%25%3D%26%23%2A%21%27%28%29"
    );
    assert_eq!(encode("ü一"), "%C3%BC%E4%B8%80");
    assert_eq!(encode_bytes(&[0xff, 0x00, b'a']), "%FF%00a");
    assert_eq!(encode(""), "");
}

#[test]
fn canonical_uri_edge_cases() {
    let cases = [
        ("", "/"),
        ("/", "/"),
        ("/v1/x/", "/v1/x/"),
        ("/v1/x", "/v1/x/"),
        ("v1/x", "v1/x/"),
        ("//a//", "//a//"),
        // Reserved characters, raw or already encoded, end up the same.
        ("/a b/c+d/e?f/g=h&i", "/a%20b/c%2Bd/e%3Ff/g%3Dh%26i/"),
        (
            "/a%20b/c%2Bd/e%3Ff/g%3Dh%26i",
            "/a%20b/c%2Bd/e%3Ff/g%3Dh%26i/",
        ),
        ("/a%2fb", "/a/b/"),
        ("/100%25", "/100%25/"),
        ("/a%2520b", "/a%2520b/"),
        // Non-ASCII, raw or encoded in either hex case.
        ("/v2/一/ü", "/v2/%E4%B8%80/%C3%BC/"),
        ("/v2/%e4%b8%80/%C3%bc", "/v2/%E4%B8%80/%C3%BC/"),
        // Decodes to bytes that are not UTF-8.
        ("/a%FF%FEb", "/a%FF%FEb/"),
        ("/%C3", "/%C3/"),
        // Malformed escapes are literal '%'.
        ("/a%", "/a%25/"),
        ("/a%F", "/a%25F/"),
        ("/a%zz", "/a%25zz/"),
        ("%%", "%25%25/"),
    ];
    for (input, want) in cases {
        assert_eq!(canonical_uri(input), want, "{input:?}");
    }
}

#[test]
fn canonical_query_edge_cases() {
    assert_eq!(canonical_query(&[]), "");
    // Repeated keys sort by value, as strings.
    assert_eq!(
        canonical_query(&pairs(&[("m", "3"), ("m", "10"), ("m", "9"), ("a", "x")])),
        "a=x&m=10&m=3&m=9"
    );
    assert_eq!(
        canonical_query(&pairs(&[("b", ""), ("a", ""), ("c", "1")])),
        "a=&b=&c=1"
    );
    assert_eq!(
        canonical_query(&pairs(&[("q", "a b+c/d?e%f=g&h"), ("k y", "ü")])),
        "k%20y=%C3%BC&q=a%20b%2Bc%2Fd%3Fe%25f%3Dg%26h"
    );
    // Pairs are raw: something that looks encoded is encoded again.
    assert_eq!(
        canonical_query(&pairs(&[("q", "a%20b"), ("r", "%E4%B8%80")])),
        "q=a%2520b&r=%25E4%25B8%2580"
    );
    // Order is on raw bytes, not on encoded forms.
    assert_eq!(
        canonical_query(&pairs(&[("é", "1"), ("~", "2")])),
        "~=2&%C3%A9=1"
    );
    assert_eq!(
        canonical_query(&pairs(&[("a-b", "3"), ("a+b", "2"), ("a b", "1")])),
        "a%20b=1&a%2Bb=2&a-b=3"
    );
    // Key sorts before value: "a"/"z" precedes "a b".
    assert_eq!(
        canonical_query(&pairs(&[("a b", "a"), ("a", "z")])),
        "a=z&a%20b=a"
    );
}

fn input<'a>(
    headers: &'a [(String, String)],
    query: &'a [(String, String)],
    body: &'a [u8],
) -> SigningInput<'a> {
    SigningInput {
        method: "POST",
        path: "/v1/p/vpc-channels",
        query,
        headers,
        body,
    }
}

#[test]
fn headers_lowercased_trimmed_sorted_underscore_skipped() {
    let headers = pairs(&[
        ("X-Sdk-Date", " 20191115T033655Z "),
        ("X_Custom_Header", "not signed"),
        ("x-project-id", "p1"),
        ("Host", "\texample.com:8443  "),
        ("Content-Type", "application/json"),
    ]);
    let signed = sign("AK", "SK", &input(&headers, &[], b"{}"));
    assert_eq!(
        signed.signed_headers,
        "content-type;host;x-project-id;x-sdk-date"
    );
    let want = format!(
        "POST\n/v1/p/vpc-channels/\n\n\
         content-type:application/json\nhost:example.com:8443\n\
         x-project-id:p1\nx-sdk-date:20191115T033655Z\n\n\
         content-type;host;x-project-id;x-sdk-date\n{}",
        body_sha256(b"{}")
    );
    assert_eq!(signed.canonical_request, want);
    assert_eq!(
        signed.string_to_sign,
        format!("SDK-HMAC-SHA256\n20191115T033655Z\n{}", sha256_hex(&want))
    );
    // Removing the '_' header changes nothing.
    let without: Vec<_> = headers
        .iter()
        .filter(|(k, _)| !k.contains('_'))
        .cloned()
        .collect();
    assert_eq!(sign("AK", "SK", &input(&without, &[], b"{}")), signed);
}

#[test]
fn repeated_header_one_line_per_value() {
    let headers = pairs(&[
        ("X-Sdk-Date", "20191115T033655Z"),
        ("X-A", "2"),
        ("x-a", "1"),
    ]);
    let signed = sign("AK", "SK", &input(&headers, &[], b""));
    assert_eq!(signed.signed_headers, "x-a;x-sdk-date");
    assert!(signed
        .canonical_request
        .contains("\nx-a:1\nx-a:2\nx-sdk-date:20191115T033655Z\n\nx-a;x-sdk-date\n"));
}

#[test]
fn missing_date_does_not_panic() {
    let signed = sign("AK", "SK", &input(&[], &[], b""));
    assert!(signed.string_to_sign.starts_with("SDK-HMAC-SHA256\n\n"));
    assert!(signed
        .canonical_request
        .ends_with(&format!("\n\n\n{EMPTY_BODY_SHA256}")));
    assert_eq!(signed.signature.len(), 64);
}

#[test]
fn verify_accepts_only_the_right_signature() {
    let headers = pairs(&[("X-Sdk-Date", "20191115T033655Z"), ("Host", "h")]);
    let query = pairs(&[("limit", "2")]);
    let inp = input(&headers, &query, b"body");
    let sig = sign("AK", "SK", &inp).signature;
    assert!(verify("SK", &inp, &sig));
    assert!(verify("SK", &inp, &sig.to_uppercase()));
    assert!(!verify("SK2", &inp, &sig));
    assert!(!verify("SK", &inp, &sig[..62]));
    assert!(!verify("SK", &inp, &format!("{sig}00")));
    assert!(!verify("SK", &inp, "zz"));
    assert!(!verify("SK", &inp, ""));
    let mut flipped = sig.clone().into_bytes();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    assert!(!verify("SK", &inp, &String::from_utf8(flipped).unwrap()));
    // Any change to what is signed breaks it.
    assert!(!verify("SK", &input(&headers, &query, b"Body"), &sig));
    assert!(!verify("SK", &input(&headers, &[], b"body"), &sig));
    let other = pairs(&[("X-Sdk-Date", "20191115T033656Z"), ("Host", "h")]);
    assert!(!verify("SK", &input(&other, &query, b"body"), &sig));
    // Empty and long (> block size) keys are valid HMAC keys.
    let long = "k".repeat(200);
    for sk in ["", long.as_str()] {
        let sig = sign("AK", sk, &inp).signature;
        assert!(verify(sk, &inp, &sig));
    }
}

#[test]
fn sdk_date_known_values() {
    let known = [
        (0, "19700101T000000Z"),
        (-1, "19691231T235959Z"),
        (1_136_214_245, "20060102T150405Z"),
        // The doc-example date (not 1_573_788_615, which is 03:30:15).
        (1_573_789_015, "20191115T033655Z"),
        (1_573_788_615, "20191115T033015Z"),
        (1_591_583_940, "20200608T023900Z"),
        (951_782_400, "20000229T000000Z"),
        (951_868_799, "20000229T235959Z"),
        (4_107_542_400, "21000301T000000Z"),
        (253_402_300_799, "99991231T235959Z"),
        (-62_167_219_200, "00000101T000000Z"),
    ];
    for (secs, text) in known {
        assert_eq!(sdk_date(secs), text, "{secs}");
        assert_eq!(parse_sdk_date(text), Some(secs), "{text}");
    }
}

#[test]
fn sdk_date_round_trip() {
    let mut t = -62_167_219_200i64;
    while t < 253_402_300_799 {
        assert_eq!(parse_sdk_date(&sdk_date(t)), Some(t), "{t}");
        t += 7_777_777; // odd stride: visits all fields over the range
    }
    // Extremes format without panicking.
    for t in [i64::MIN, i64::MAX, i64::MIN + 1, i64::MAX - 1] {
        let _ = sdk_date(t);
    }
}

#[test]
fn parse_sdk_date_rejects_malformed() {
    let bad = [
        "",
        "20191115T033655",
        "20191115T033655Z ",
        " 20191115T033655Z",
        "20191115t033655Z",
        "20191115T033655z",
        "2019-11-15T03:36:55Z",
        "2019111XT033655Z",
        "+0191115T033655Z",
        "20191315T033655Z",
        "20190015T033655Z",
        "20191100T033655Z",
        "20191131T033655Z",
        "20190229T000000Z",
        "21000229T000000Z",
        "20191115T243655Z",
        "20191115T036055Z",
        "20191115T033660Z",
        "2019111\u{e9}T03365Z",
        "一二三四五T0Z",
    ];
    for s in bad {
        assert_eq!(parse_sdk_date(s), None, "{s:?}");
    }
    assert!(parse_sdk_date("20240229T120000Z").is_some());
}

#[test]
fn parse_authorization_round_trip_and_malformed() {
    let sig = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe";
    let good = format!(
        "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature={sig}"
    );
    let want = ParsedAuthorization {
        access: "QTWAOYTTINDUT2QVKYUC".into(),
        signed_headers: vec!["content-type".into(), "host".into(), "x-sdk-date".into()],
        signature: sig.into(),
    };
    assert_eq!(parse_authorization(&good), Some(want.clone()));
    let relaxed = format!(
        "  SDK-HMAC-SHA256   Signature = {sig} ,Access=QTWAOYTTINDUT2QVKYUC,SignedHeaders=content-type;host;x-sdk-date "
    );
    assert_eq!(parse_authorization(&relaxed), Some(want));

    let bad = [
        String::new(),
        "SDK-HMAC-SHA256".into(),
        "SDK-HMAC-SHA256 ".into(),
        format!("AWS4-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={sig}"),
        format!("sdk-hmac-sha256 Access=A, SignedHeaders=host, Signature={sig}"),
        format!("SDK-HMAC-SHA256Access=A, SignedHeaders=host, Signature={sig}"),
        "SDK-HMAC-SHA256 Access=A, SignedHeaders=host".into(),
        format!("SDK-HMAC-SHA256 SignedHeaders=host, Signature={sig}"),
        format!("SDK-HMAC-SHA256 Access=A, Signature={sig}"),
        format!("SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature={sig}"),
        format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=, Signature={sig}"),
        format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host;;x, Signature={sig}"),
        format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host;, Signature={sig}"),
        format!("SDK-HMAC-SHA256 Access=A B, SignedHeaders=host, Signature={sig}"),
        format!("SDK-HMAC-SHA256 Access=A, Access=B, SignedHeaders=host, Signature={sig}"),
        format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={sig}, X=1"),
        format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={sig},"),
        format!("SDK-HMAC-SHA256 Access=A SignedHeaders=host, Signature={sig}"),
        "SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=abc".into(),
        format!(
            "SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={}",
            "g".repeat(64)
        ),
        format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={sig}0"),
        format!(
            "SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=é{}",
            &sig[2..]
        ),
    ];
    for h in &bad {
        assert_eq!(parse_authorization(h), None, "{h:?}");
    }
}

#[test]
fn nothing_panics_on_odd_input() {
    let odd = [
        "",
        "%",
        "%%",
        "%%%",
        "%0",
        "%G0",
        "/%FF/%80%80",
        "\u{0}",
        "/\u{10FFFF}",
        "é",
        "=",
        "&",
        "?",
        "#",
        "a_b",
        "\n",
        "SDK-HMAC-SHA256 =,=,=",
    ];
    for s in odd {
        let _ = encode(s);
        let _ = canonical_uri(s);
        let q = pairs(&[(s, s), (s, ""), ("", s)]);
        let _ = canonical_query(&q);
        let _ = parse_sdk_date(s);
        let _ = parse_authorization(s);
        let h = pairs(&[(s, s), ("X-Sdk-Date", s)]);
        let inp = SigningInput {
            method: s,
            path: s,
            query: &q,
            headers: &h,
            body: s.as_bytes(),
        };
        let signed = sign(s, s, &inp);
        assert!(verify(s, &inp, &signed.signature));
        assert!(!verify(s, &inp, s));
    }
}
