//! Every malformed answer tried ([`bodies`]), with how a client call
//! should end for it.

use crate::fake::{http, json_ok, Canned};

pub(crate) const ID: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
pub(crate) const NAME: &str = "mal_chan";

/// A show answer that matches [`HCL`] exactly.
pub(crate) fn good_channel() -> String {
    format!(
        r#"{{"id":"{ID}","name":"{NAME}","port":80,"balance_strategy":1,"member_type":"ip","type":2,
"create_time":"2024-01-01T00:00:00Z","status":1,"member_groups":[],
"members":[{{"id":"m1","host":"10.0.0.1","weight":1,"is_backup":false,"port":80,"status":1,
"ecs_id":"10.0.0.1","ecs_name":"10.0.0.1","member_group_name":""}}]}}"#
    )
}

fn huge_json(mib: usize) -> Vec<u8> {
    let mut b = format!(r#"{{"id":"{ID}","name":"{NAME}","pad":""#).into_bytes();
    b.resize(b.len() + (mib << 20), b'x');
    b.extend_from_slice(b"\"}");
    b
}

pub(crate) fn raw(head_and_body: &str) -> Canned {
    Canned::Raw(head_and_body.as_bytes().to_vec())
}

/// How a client call should end for a malformed answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Expect {
    /// `ApiError::Decode` (a 2xx answer that cannot be understood).
    Decode,
    /// `ApiError::Api` with this status.
    Api(u16),
    /// `ApiError::Transport`.
    Transport,
    /// Parses: the oddity is harmless at this layer.
    Parses,
}

pub(crate) const PROXY_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Every malformed answer tried, by name: (name, answer, expected outcome
/// of show/create).
pub(crate) fn bodies() -> Vec<(&'static str, Canned, Expect)> {
    let good = good_channel();
    let with = |from: &str, to: &str| json_ok(200, good.replacen(from, to, 1));
    let cut = good.len() / 2;
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    vec![
        ("proxy 502 HTML page", http(502, "text/html", PROXY_502), Expect::Api(502)),
        ("proxy 503 HTML, no content type", Canned::Http(503, None, b"<html><body>Service Unavailable</body></html>".to_vec()), Expect::Api(503)),
        ("proxy 504 plain text", http(504, "text/plain", "upstream request timeout"), Expect::Api(504)),
        ("truncated JSON (half an object)", json_ok(200, &good[..cut]), Expect::Decode),
        ("truncated JSON (inside a string)", json_ok(200, format!(r#"{{"id":"{ID}","name":"mal"#)), Expect::Decode),
        ("body shorter than Content-Length, then close", raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{\"id\":\"abc\""), Expect::Transport),
        ("wrong type: port \"eighty\"", with("\"port\":80", "\"port\":\"eighty\""), Expect::Decode),
        ("wrong type: port 80.5", with("\"port\":80", "\"port\":80.5"), Expect::Decode),
        ("wrong type: port beyond i64", with("\"port\":80", "\"port\":99999999999999999999"), Expect::Decode),
        ("wrong type: port 1e400", with("\"port\":80", "\"port\":1e400"), Expect::Decode),
        ("wrong type: id a number", with(&format!("\"id\":\"{ID}\""), "\"id\":12345"), Expect::Decode),
        ("wrong type: members an object", with("\"members\":[", "\"members\":{\"a\":[").replace_last_bracket(), Expect::Decode),
        ("wrong type: member weight a string", with("\"weight\":1", "\"weight\":\"1\""), Expect::Decode),
        ("wrong type: is_backup \"yes\"", with("\"is_backup\":false", "\"is_backup\":\"yes\""), Expect::Decode),
        ("null: member_groups", with("\"member_groups\":[]", "\"member_groups\":null"), Expect::Parses),
        ("null: vpc_health_config", with("\"member_groups\":[]", "\"member_groups\":[],\"vpc_health_config\":null"), Expect::Parses),
        ("null: microservice_info", with("\"member_groups\":[]", "\"member_groups\":[],\"microservice_info\":null"), Expect::Parses),
        ("null: members [null]", json_ok(200, format!(r#"{{"id":"{ID}","name":"{NAME}","port":80,"member_type":"ip","type":2,"members":[null]}}"#)), Expect::Decode),
        ("null: member_groups [null]", with("\"member_groups\":[]", "\"member_groups\":[null]"), Expect::Decode),
        ("null: name", with(&format!("\"name\":\"{NAME}\""), "\"name\":null"), Expect::Decode),
        ("null: whole body", json_ok(200, "null"), Expect::Decode),
        ("huge body (20 MiB, Content-Length)", json_ok(200, huge_json(20)), Expect::Decode),
        ("huge body (20 MiB, no length, close-delimited)", Canned::Raw({
            let mut b = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_vec();
            b.extend_from_slice(&huge_json(20));
            b
        }), Expect::Decode),
        ("huge error body (20 MiB 500)", http(500, "text/html", vec![b'<'; 20 << 20]), Expect::Api(500)),
        ("unknown enum: member_type \"hologram\"", with("\"member_type\":\"ip\"", "\"member_type\":\"hologram\""), Expect::Parses),
        ("unknown enum: health protocol \"QUIC\"", with("\"member_groups\":[]", "\"member_groups\":[],\"vpc_health_config\":{\"protocol\":\"QUIC\",\"threshold_normal\":2,\"threshold_abnormal\":2,\"time_interval\":10,\"timeout\":5}"), Expect::Parses),
        ("unknown enum: type 7, balance_strategy 99", with("\"type\":2", "\"type\":7,\"balance_strategy\":99").replace_first_balance(), Expect::Parses),
        ("empty body with 200", json_ok(200, ""), Expect::Decode),
        ("whitespace body with 200", json_ok(200, " \r\n\t "), Expect::Decode),
        ("no body, no length, close-delimited", raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"), Expect::Decode),
        ("204 No Content", Canned::Http(204, None, Vec::new()), Expect::Decode),
        ("JSON array body", json_ok(200, "[1,2,3]"), Expect::Decode),
        ("JSON string body", json_ok(200, "\"ok\""), Expect::Decode),
        ("XML body", http(200, "application/xml", "<channel><id>x</id></channel>"), Expect::Decode),
        ("binary garbage", http(200, "application/octet-stream", vec![0xff, 0x00, 0xfe, 0x7f, 0x80, 0x01]), Expect::Decode),
        ("invalid UTF-8 inside a string", json_ok(200, [b"{\"id\":\"".as_slice(), &[0xc3, 0x28], b"\"}"].concat()), Expect::Decode),
        ("lone surrogate escape", json_ok(200, r#"{"id":"\ud800"}"#), Expect::Decode),
        ("UTF-8 byte order mark", json_ok(200, [b"\xef\xbb\xbf".as_slice(), good.as_bytes()].concat()), Expect::Decode),
        ("100000 nested arrays", json_ok(200, nested), Expect::Decode),
        ("duplicate key", json_ok(200, format!(r#"{{"id":"{ID}","id":"other"}}"#)), Expect::Decode),
        ("trailing garbage after the object", json_ok(200, format!("{good}}}garbage")), Expect::Decode),
        ("valid JSON as text/plain", http(200, "text/plain", good.clone()), Expect::Parses),
        ("broken chunked encoding", raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"), Expect::Transport),
        ("malformed status line", raw("HTTP/1.1 abc\r\n\r\n"), Expect::Transport),
        ("not HTTP at all", raw("SSH-2.0-OpenSSH_9.6\r\n"), Expect::Transport),
        ("closed without an answer", Canned::Raw(Vec::new()), Expect::Transport),
        ("redirect to elsewhere", raw("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), Expect::Api(302)),
        ("error JSON with odd types", json_ok(400, r#"{"error_code":400,"error_msg":{"text":"bad"}}"#), Expect::Api(400)),
        ("error body that is a JSON array", json_ok(400, r#"["APIG.2012"]"#), Expect::Api(400)),
    ]
}

/// Small fixes to keep the table readable.
trait Tweak {
    fn replace_last_bracket(self) -> Self;
    fn replace_first_balance(self) -> Self;
}

impl Tweak for Canned {
    /// `"members":{"a":[ ... ]}`: close the object the replacement opened.
    fn replace_last_bracket(self) -> Self {
        match self {
            Canned::Http(s, t, b) => {
                let mut text = String::from_utf8(b).unwrap();
                let at = text.rfind(']').unwrap();
                text.insert(at + 1, '}');
                Canned::Http(s, t, text.into_bytes())
            }
            other => other,
        }
    }
    /// Drops the original `"balance_strategy":1` so the new one is unique.
    fn replace_first_balance(self) -> Self {
        match self {
            Canned::Http(s, t, b) => {
                let text = String::from_utf8(b)
                    .unwrap()
                    .replacen("\"balance_strategy\":1,", "", 1);
                Canned::Http(s, t, text.into_bytes())
            }
            other => other,
        }
    }
}
