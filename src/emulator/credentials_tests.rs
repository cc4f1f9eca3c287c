//! Credentials over HTTP: tokens, AK/SK signatures (the server's canonical
//! request on a mismatch, the 15-minute clock window) and security tokens.

use serde_json::{json, Value};

use super::tests::{chans, decode, is_id, minimal, opts, GW, T};
use super::*;
use crate::apig::signer;

#[tokio::test]
async fn token_auth() {
    let t = T::new(Options {
        tokens: vec!["tok-a".into(), "tok-b".into()],
        ..opts()
    })
    .await;
    let url = t.url(&chans(GW));
    for tok in [None, Some("emulator-token"), Some("")] {
        let mut rb = t.c.get(&url);
        if let Some(tok) = tok {
            rb = rb.header("X-Auth-Token", tok);
        }
        let (s, e) = decode(rb.send().await.unwrap()).await;
        assert_eq!(s, 401);
        assert_eq!(
            e,
            json!({"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"})
        );
    }
    let r =
        t.c.get(&url)
            .header("X-Auth-Token", "tok-b")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, reqs) = t.admin("GET", "requests", None).await;
    let auths: Vec<&str> = reqs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["auth"].as_str().unwrap())
        .collect();
    assert_eq!(auths, ["none", "token", "token", "token"]);
}

/// A request signed like a client would, sent with reqwest.
#[allow(clippy::too_many_arguments)]
async fn signed_request(
    t: &T,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: &[u8],
    date: i64,
    extra: &[(&str, &str)],
    tamper: Option<&[u8]>,
) -> (u16, Value) {
    let q: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), t.h.addr.to_string()),
        ("X-Sdk-Date".into(), signer::sdk_date(date)),
        ("X-Project-Id".into(), "proj".into()),
    ];
    if !body.is_empty() {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let s = signer::sign(
        DEFAULT_AK,
        DEFAULT_SK,
        &signer::SigningInput {
            method,
            path,
            query: &q,
            headers: &headers,
            body,
        },
    );
    let cq = signer::canonical_query(&q);
    let url = if cq.is_empty() {
        t.url(path)
    } else {
        format!("{}?{cq}", t.url(path))
    };
    let mut rb =
        t.c.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
    for (k, v) in &headers {
        if !k.eq_ignore_ascii_case("host") {
            rb = rb.header(k, v);
        }
    }
    rb = rb
        .header("Authorization", s.authorization)
        .body(tamper.unwrap_or(body).to_vec());
    decode(rb.send().await.unwrap()).await
}

#[tokio::test]
async fn aksk_signatures() {
    let t = T::new(opts()).await;
    let now = clock::unix_now();
    let p = chans(GW);
    let body = minimal("signed_one").to_string();
    let (s, v) = signed_request(&t, "POST", &p, &[], body.as_bytes(), now, &[], None).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = signed_request(
        &t,
        "GET",
        &p,
        &[("name", "signed one"), ("limit", "10"), ("offset", "0")],
        b"",
        now,
        &[],
        None,
    )
    .await;
    assert_eq!(s, 200, "{v}");

    // tampered body: the server's canonical request comes back
    let other = minimal("signed_two").to_string();
    let (s, e) = signed_request(
        &t,
        "POST",
        &p,
        &[],
        body.as_bytes(),
        now,
        &[],
        Some(other.as_bytes()),
    )
    .await;
    assert_eq!(s, 401);
    assert_eq!(e["error_code"], "APIGW.0301");
    let msg = e["error_msg"].as_str().unwrap();
    let expected_prefix = format!("Verify aksk signature fail, canonicalRequest: POST|{p}/||content-type:application/json|host:{}|", t.h.addr);
    assert!(msg.starts_with(&expected_prefix), "{msg}");
    assert!(
        msg.ends_with(&hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            other.as_bytes()
        ))),
        "{msg}"
    );
    assert!(is_id(&e["request_id"]));

    // stale and future dates
    for skew in [-16 * 60, 16 * 60] {
        let (s, e) = signed_request(&t, "GET", &p, &[], b"", now + skew, &[], None).await;
        assert_eq!((s, e["error_code"].as_str().unwrap()), (401, "APIGW.0301"));
        assert!(
            e["error_msg"].as_str().unwrap().contains("15 minutes"),
            "{e}"
        );
    }
    let (s, _) = signed_request(&t, "GET", &p, &[], b"", now - 10 * 60, &[], None).await;
    assert_eq!(s, 200);

    let (_, reqs) = t.admin("GET", "requests", None).await;
    assert!(reqs.as_array().unwrap().iter().all(|r| r["auth"] == "aksk"));
}

#[tokio::test]
async fn aksk_with_security_token() {
    let t = T::new(Options {
        security_token: Some("STS-TOKEN".into()),
        ..opts()
    })
    .await;
    let now = clock::unix_now();
    let p = chans(GW);
    let (s, e) = signed_request(&t, "GET", &p, &[], b"", now, &[], None).await;
    assert_eq!(s, 401, "{e}");
    let (s, _) = signed_request(
        &t,
        "GET",
        &p,
        &[],
        b"",
        now,
        &[("X-Security-Token", "nope")],
        None,
    )
    .await;
    assert_eq!(s, 401);
    let (s, e) = signed_request(
        &t,
        "GET",
        &p,
        &[],
        b"",
        now,
        &[("X-Security-Token", "STS-TOKEN")],
        None,
    )
    .await;
    assert_eq!(s, 200, "{e}");
}
