//! End-to-end: every diagnostic about an element of a list names its index
//! and points Terraform at that element's source range (not at the
//! `resource` line, nor at a same-named attribute of the channel); one
//! problem gives one diagnostic.

mod common;

use common::*;
use serde_json::Value;

const CONFIG: &str = r#"
resource "huaweicloud_apig_vpc_channel" "groups" {
  instance_id   = "eddc4d25480b4cd6b512f270a1b8b341"
  name          = "groups_chan"
  port          = 80
  member_type   = "ip"
  member_groups = [{ member_group_name = "grp" }]
  members = [
    { host = "10.0.0.1", member_group_name = "grp" },
    { host = "10.0.0.2", member_group_name = "grp_typo" },
  ]
}

resource "huaweicloud_apig_vpc_channel" "ecs" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "ecs_chan"
  port        = 80
  member_type = "ecs"
  members = [
    { host = "10.0.1.1" },
    { host = "10.0.1.2" },
    { host = "10.0.1.3" },
  ]
}

resource "huaweicloud_apig_vpc_channel" "values" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "values_chan"
  port        = 80
  member_type = "ip"
  members = [
    { host = "10.0.2.1", weight = 10 },
    { host = "bad host!", port = 8080 },
  ]
  vpc_health_config = {
    protocol           = "tcp"
    port               = 99999
    threshold_normal   = 2
    threshold_abnormal = 5
    time_interval      = 10
    timeout            = 5
  }
}
"#;

/// 1-based line of the first line of `config` containing `needle`, and the
/// columns (1-based, end exclusive) of that line's `{ ... }` if any.
fn line_of(config: &str, needle: &str) -> (u64, Option<(u64, u64)>) {
    let (i, line) = config
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in the configuration"));
    let braces = line
        .find('{')
        .zip(line.rfind('}'))
        .map(|(a, b)| (a as u64 + 1, b as u64 + 2));
    (i as u64 + 1, braces)
}

struct Shown {
    summary: String,
    detail: String,
    line: u64,
    columns: (u64, u64),
    end_line: u64,
}

fn diagnostics(tf: &Terraform) -> Vec<Shown> {
    let out = tf.run(&["validate", "-json", "-no-color"]);
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.all()));
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            let r = &d["range"];
            Shown {
                summary: d["summary"].as_str().unwrap().to_string(),
                detail: d["detail"].as_str().unwrap().to_string(),
                line: r["start"]["line"].as_u64().unwrap_or(0),
                columns: (
                    r["start"]["column"].as_u64().unwrap_or(0),
                    r["end"]["column"].as_u64().unwrap_or(0),
                ),
                end_line: r["end"]["line"].as_u64().unwrap_or(0),
            }
        })
        .collect()
}

#[test]
fn list_element_diagnostics_name_the_index_and_point_at_the_element() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("element-diags");
    let full = config(&e, CONFIG);
    tf.write("main.tf", &full);
    let diags = diagnostics(&tf);
    let all: Vec<String> = diags
        .iter()
        .map(|d| {
            format!(
                "line {} {:?}: {}: {}",
                d.line, d.columns, d.summary, d.detail
            )
        })
        .collect();
    let find = |needle: &str| -> Vec<&Shown> {
        diags.iter().filter(|d| d.detail.contains(needle)).collect()
    };

    // The undeclared group: the member's index, and its element's range.
    let group = find("grp_typo");
    assert_eq!(group.len(), 1, "{all:#?}");
    assert!(
        group[0].detail.contains("`members[1].member_group_name`"),
        "{all:#?}"
    );
    let (line, braces) = line_of(&full, "grp_typo");
    assert_eq!(
        (group[0].line, Some(group[0].columns)),
        (line, braces),
        "{all:#?}"
    );

    // Three ECS members without ecs_id and ecs_name: one error each (not
    // six identical ones), each naming its member and pointing at it.
    let ecs = find("needs `ecs_id` and `ecs_name`");
    assert_eq!(ecs.len(), 3, "{all:#?}");
    for (i, d) in ecs.iter().enumerate() {
        assert!(d.detail.contains(&format!("`members[{i}]`")), "{all:#?}");
        let (line, braces) = line_of(&full, &format!("10.0.1.{}", i + 1));
        assert_eq!((d.line, Some(d.columns)), (line, braces), "{all:#?}");
    }

    // A bad value inside an element: the element.
    let host = find("`members[1].host`");
    assert_eq!(host.len(), 1, "{all:#?}");
    let (line, braces) = line_of(&full, "bad host!");
    assert_eq!(
        (host[0].line, Some(host[0].columns)),
        (line, braces),
        "{all:#?}"
    );

    // Inside a single nested object: the object, never the channel's own
    // `port` line.
    let port = find("`vpc_health_config.port`");
    assert_eq!(port.len(), 1, "{all:#?}");
    let (start, _) = line_of(&full, "vpc_health_config = {");
    let (end, _) = line_of(&full, "    timeout            = 5");
    assert_eq!(
        (port[0].line, port[0].end_line),
        (start, end + 1),
        "{all:#?}"
    );

    assert_eq!(diags.len(), 6, "nothing else, nothing twice: {all:#?}");
}
