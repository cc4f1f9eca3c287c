//! End-to-end: Terraform workflows around a resource that is already
//! managed — `moved` blocks (rename, count to for_each) and `terraform test`
//! files with plan and apply runs. Neither may make the provider write.

mod common;

use common::*;

fn channel(address_args: &str, name: &str, host: &str) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" {address_args} {{
  instance_id = "{GATEWAY}"
  name        = "{name}"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "{host}", weight = 2 }}]
  vpc_health_config = {{
    protocol           = "TCP"
    threshold_normal   = 2
    threshold_abnormal = 2
    time_interval      = 10
    timeout            = 5
  }}
}}
"#
    )
}

fn writes(e: &Emulator) -> usize {
    e.requests().iter().filter(|r| r["method"] != "GET").count()
}

#[test]
fn moved_blocks_rename_and_rekey_without_writes() {
    skip_without_terraform!();
    if terraform_version() < (1, 1, 0) {
        eprintln!("skipped: moved blocks need Terraform 1.1");
        return;
    }
    let e = Emulator::start(&[]);
    let tf = Terraform::new("moved");
    let two = format!(
        "{}{}",
        channel("\"old\"", "moved_a", "10.0.0.1"),
        r#"
resource "huaweicloud_apig_vpc_channel" "pool" {
  count       = 2
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "moved_pool_${count.index}"
  port        = 80
  member_type = "ip"
  members     = [{ host = "10.1.0.${count.index + 1}" }]
}
"#
    );
    tf.write("main.tf", &config(&e, &two));
    tf.apply().ok();
    let ids_before = e.channel_ids();
    assert_eq!(ids_before.len(), 3);

    // Rename one resource and turn the counted pair into a keyed map.
    let moved = format!(
        "{}{}",
        channel("\"new\"", "moved_a", "10.0.0.1"),
        r#"
resource "huaweicloud_apig_vpc_channel" "pool" {
  for_each    = { blue = 1, green = 2 }
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "moved_pool_${each.value - 1}"
  port        = 80
  member_type = "ip"
  members     = [{ host = "10.1.0.${each.value}" }]
}

moved {
  from = huaweicloud_apig_vpc_channel.old
  to   = huaweicloud_apig_vpc_channel.new
}

moved {
  from = huaweicloud_apig_vpc_channel.pool[0]
  to   = huaweicloud_apig_vpc_channel.pool["blue"]
}

moved {
  from = huaweicloud_apig_vpc_channel.pool[1]
  to   = huaweicloud_apig_vpc_channel.pool["green"]
}
"#
    );
    tf.write("main.tf", &config(&e, &moved));
    let p = tf.plan();
    let out = p.all();
    // Terraform counts a move as a change to apply, with no action on any
    // resource.
    assert_eq!(p.code, 2, "{out}");
    assert!(
        out.contains("0 to add, 0 to change, 0 to destroy"),
        "a move alone is no action:\n{out}"
    );
    assert!(
        out.contains("has moved to huaweicloud_apig_vpc_channel.new"),
        "{out}"
    );
    assert!(out.contains("pool[\"green\"]"), "{out}");
    e.clear_requests();
    tf.apply().ok();
    assert_eq!(writes(&e), 0, "moving wrote to the API: {:?}", e.requests());
    let mut after = e.channel_ids();
    let mut before = ids_before.clone();
    after.sort();
    before.sort();
    assert_eq!(after, before, "the same channels, none replaced");
    let new = tf.resource_values("huaweicloud_apig_vpc_channel.new");
    assert_eq!(new["name"], "moved_a");
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}

#[test]
fn terraform_test_plans_applies_asserts_and_cleans_up() {
    skip_without_terraform!();
    if terraform_version() < (1, 6, 0) {
        eprintln!("skipped: terraform test needs Terraform 1.6");
        return;
    }
    let e = Emulator::start(&[]);
    let tf = Terraform::new("tftest");
    let body = format!(
        r#"
variable "weight" {{
  type    = number
  default = 2
}}

resource "huaweicloud_apig_vpc_channel" "c" {{
  instance_id = "{GATEWAY}"
  name        = "tested"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "10.0.0.2", weight = var.weight }}, {{ host = "10.0.0.1", port = 8080 }}]
}}

output "id" {{
  value = huaweicloud_apig_vpc_channel.c.id
}}
"#
    );
    tf.write("main.tf", &config(&e, &body));
    std::fs::create_dir_all(tf.dir.join("tests")).unwrap();
    tf.write(
        "tests/channel.tftest.hcl",
        r#"
run "plan_fills_documented_defaults" {
  command = plan

  assert {
    condition     = huaweicloud_apig_vpc_channel.c.balance_strategy == 1 && huaweicloud_apig_vpc_channel.c.type == 2
    error_message = "documented defaults are planned"
  }
  assert {
    condition     = huaweicloud_apig_vpc_channel.c.members[0].port == 80 && huaweicloud_apig_vpc_channel.c.members[1].port == 8080
    error_message = "an unset member port follows the channel's"
  }
}

run "apply_reads_back_what_was_written" {
  assert {
    condition     = length(output.id) > 0 && huaweicloud_apig_vpc_channel.c.status == 1
    error_message = "the channel exists and is normal"
  }
  assert {
    condition     = [for m in huaweicloud_apig_vpc_channel.c.members : m.host] == ["10.0.0.2", "10.0.0.1"]
    error_message = "members keep the configured order"
  }
}

run "update_in_place" {
  variables {
    weight = 7
  }
  assert {
    condition     = huaweicloud_apig_vpc_channel.c.members[0].weight == 7 && output.id == run.apply_reads_back_what_was_written.id
    error_message = "the weight is updated in place"
  }
}
"#,
    );
    let t = tf.run(&["test", "-no-color"]);
    let out = t.all();
    assert_eq!(t.code, 0, "{out}");
    assert!(out.contains("3 passed, 0 failed"), "{out}");
    // terraform test destroys what its runs created.
    assert!(e.channels().is_empty(), "left behind: {:?}", e.channels());
    let posts = e
        .requests()
        .iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(posts, 1, "one create, then an in-place update");
}
