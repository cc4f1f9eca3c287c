//! End-to-end: `terraform import` and `import {}` blocks with
//! `<instance_id>/<name>` beside `<instance_id>/<id>`, and the errors of
//! names that match nothing, several channels, or an ID and a name at once.

mod common;

use common::*;

const BODY: &str = r#"{"name":"by_name_one","port":80,"balance_strategy":1,"member_type":"ip",
  "members":[{"host":"10.0.0.1","weight":4,"port":81}]}"#;

fn hcl(name: &str) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "imp" {{
  instance_id = "{GATEWAY}"
  name        = "{name}"
  port        = 80
  member_type = "ip"
  members = [
    {{ host = "10.0.0.1", weight = 4, port = 81 }},
  ]
}}
"#
    )
}

fn create(e: &Emulator, body: &str) -> String {
    let (st, v) = e.api("POST", "", Some(body));
    assert_eq!(st, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn import(tf: &Terraform, id: &str) -> Output {
    tf.run(&[
        "import",
        "-no-color",
        "-input=false",
        "huaweicloud_apig_vpc_channel.imp",
        id,
    ])
}

#[test]
fn import_command_by_name() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let id = create(&e, BODY);
    create(&e, &BODY.replace("by_name_one", "by_name_one_more"));
    let tf = Terraform::new("imp-name");
    tf.write("main.tf", &config(&e, &hcl("by_name_one")));
    import(&tf, &format!("{GATEWAY}/by_name_one")).ok();
    assert_eq!(tf.state_ids(), vec![id.clone()]);
    tf.assert_no_changes();

    // the ID form still works, and `name:` says "a name" outright
    tf.run(&["state", "rm", "huaweicloud_apig_vpc_channel.imp"])
        .ok();
    import(&tf, &format!("{GATEWAY}/{id}")).ok();
    assert_eq!(tf.state_ids(), vec![id.clone()]);
    tf.run(&["state", "rm", "huaweicloud_apig_vpc_channel.imp"])
        .ok();
    import(&tf, &format!("{GATEWAY}/name:by_name_one")).ok();
    assert_eq!(tf.state_ids(), vec![id]);
}

#[test]
fn import_by_name_errors() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("imp-name-err");
    tf.write("main.tf", &config(&e, &hcl("twin_chan")));

    // not found: names the gateway and what was searched
    let out = import(&tf, &format!("{GATEWAY}/no_such_chan"));
    assert_ne!(out.code, 0);
    let all = out.all().replace('\n', " ");
    assert!(all.contains("VPC channel not found"), "{all}");
    assert!(all.contains(GATEWAY), "{all}");
    assert!(all.contains(r#"named exactly "no_such_chan""#), "{all}");

    // an ID that matches nothing says both were tried
    let hexid = "a0000000000000000000000000000000";
    let all = import(&tf, &format!("{GATEWAY}/{hexid}"))
        .all()
        .replace('\n', " ");
    assert!(all.contains(&format!("with ID \"{hexid}\"")), "{all}");

    // several: the name check is off, so names repeat
    e.set_config(serde_json::json!({"quirks": false}));
    let body = BODY.replace("by_name_one", "twin_chan");
    let (a, b) = (create(&e, &body), create(&e, &body));
    let out = import(&tf, &format!("{GATEWAY}/twin_chan"));
    assert_ne!(out.code, 0);
    let all = out.all().replace('\n', " ");
    assert!(all.contains("Several VPC channels found"), "{all}");
    assert!(all.contains(&a) && all.contains(&b), "{all}");
    assert!(tf.state_ids().is_empty());
    // either can still be imported by ID
    import(&tf, &format!("{GATEWAY}/id:{b}")).ok();
    assert_eq!(tf.state_ids(), vec![b]);

    // a malformed ID fails before any call
    e.clear_requests();
    let out = import(&tf, &format!("{GATEWAY}/not a name"));
    assert!(out.all().contains("<instance_id>/<name>"), "{}", out.all());
    assert!(e.requests().is_empty());
}

#[test]
fn import_id_that_is_also_a_name_is_not_guessed() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    // a channel whose ID is also a valid name (starts with a letter)
    let id = loop {
        let id = create(
            &e,
            &BODY.replace("by_name_one", &format!("chan_{}", e.channels().len())),
        );
        if id.starts_with(|c: char| c.is_ascii_alphabetic()) {
            break id;
        }
    };
    let other = create(&e, &BODY.replace("by_name_one", &id));
    let tf = Terraform::new("imp-ambig");
    tf.write("main.tf", &config(&e, &hcl(&id)));
    let out = import(&tf, &format!("{GATEWAY}/{id}"));
    assert_ne!(out.code, 0);
    let all = out.all().replace('\n', " ");
    assert!(all.contains("Ambiguous import ID"), "{all}");
    assert!(all.contains(&other), "{all}");
    assert!(all.contains(&format!("{GATEWAY}/id:{id}")), "{all}");
    import(&tf, &format!("{GATEWAY}/name:{id}")).ok();
    assert_eq!(tf.state_ids(), vec![other]);
    tf.assert_no_changes();
}

#[test]
fn import_block_by_name() {
    skip_without_terraform!();
    if !supports_import_blocks() {
        eprintln!("skipped: import blocks need Terraform 1.5+");
        return;
    }
    let e = Emulator::start(&[]);
    let id = create(&e, BODY);
    let tf = Terraform::new("imp-name-blk");
    tf.write(
        "main.tf",
        &config(
            &e,
            &format!(
                "{}\nimport {{\n  to = huaweicloud_apig_vpc_channel.imp\n  id = \"{GATEWAY}/by_name_one\"\n}}\n",
                hcl("by_name_one")
            ),
        ),
    );
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(
        p.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        p.stdout
    );
    tf.apply().ok();
    assert_eq!(tf.state_ids(), vec![id]);
    tf.assert_no_changes();
}
