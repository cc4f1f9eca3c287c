//! Every example is `terraform fmt`-clean and passes `terraform validate`,
//! and every one runs against the emulator exactly as its header says
//! (preparation, `terraform apply -var apig_endpoint=...`): apply, a plan
//! with no changes, destroy.

mod common;

use common::*;
use std::path::Path;

fn examples() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("main.tf").exists())
        .collect();
    v.sort();
    v
}

fn copy_example(tf: &Terraform, dir: &Path) {
    for f in std::fs::read_dir(dir).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "tf") {
            tf.write(
                p.file_name().unwrap().to_str().unwrap(),
                &std::fs::read_to_string(&p).unwrap(),
            );
        }
    }
}

#[test]
fn examples_are_formatted_and_valid() {
    skip_without_terraform!();
    let list = examples();
    assert!(
        list.len() >= 5,
        "expected the five documented examples, found {list:?}"
    );
    for dir in list {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let tf = Terraform::new(&format!("ex-{name}"));
        copy_example(&tf, &dir);
        let fmt = tf.run(&["fmt", "-check", "-diff", "-no-color"]);
        assert_eq!(
            fmt.code,
            0,
            "{name} is not terraform fmt-clean:\n{}",
            fmt.all()
        );
        let uses_import_block = std::fs::read_to_string(dir.join("main.tf"))
            .unwrap()
            .contains("import {");
        if uses_import_block && !supports_import_blocks() {
            eprintln!("skipped validate of {name}: import blocks need Terraform 1.5+");
            continue;
        }
        let v = tf.validate();
        assert_eq!(v.code, 0, "{name} fails terraform validate:\n{}", v.all());
    }
}

/// What an example's header says to do against the emulator before its
/// `terraform apply -var apig_endpoint=...`.
fn prepare(name: &str, e: &Emulator, applied: &[(String, Terraform)]) {
    match name {
        // "apply examples/ip-channel first"
        "vpc-channel-data-sources" => assert!(
            applied.iter().any(|(n, _)| n == "ip-channel"),
            "ip-channel runs first"
        ),
        // The header's curl command.
        "import-channel" => {
            let (st, body) = e.api(
                "POST",
                "",
                Some(r#"{"name":"existing_channel","port":80,"balance_strategy":1,"member_type":"ip","type":2,"members":[{"host":"10.0.0.10"},{"host":"10.0.0.11"}]}"#),
            );
            assert_eq!(st, 201, "{body}");
        }
        _ => {}
    }
}

/// Every example run as its header says against one emulator: apply, a
/// plan with no changes, and (in reverse order) destroy, leaving nothing.
#[test]
fn every_example_applies_replans_empty_and_destroys() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let mut applied: Vec<(String, Terraform)> = Vec::new();
    let var = format!("apig_endpoint={}", e.url);
    for dir in examples() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let header = std::fs::read_to_string(dir.join("main.tf")).unwrap();
        assert!(
            header.contains("terraform apply -var apig_endpoint=http://127.0.0.1:8080"),
            "{name}'s header does not say how to run it against the emulator"
        );
        if header.contains("import {") && !supports_import_blocks() {
            eprintln!("skipped {name}: import blocks need Terraform 1.5+");
            continue;
        }
        prepare(&name, &e, &applied);
        let tf = Terraform::new(&format!("ex-run-{name}"))
            .env("HW_AUTH_TOKEN", TOKEN)
            .env("HW_REGION_NAME", "cn-north-4")
            .env("HW_PROJECT_ID", PROJECT);
        copy_example(&tf, &dir);
        let out = tf.run(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ]);
        assert_eq!(out.code, 0, "{name}: apply failed:\n{}", out.all());
        let plan = tf.run(&[
            "plan",
            "-input=false",
            "-no-color",
            "-detailed-exitcode",
            "-var",
            &var,
        ]);
        assert_eq!(
            plan.code,
            0,
            "{name}: the plan after apply is not empty:\n{}",
            plan.all()
        );
        applied.push((name, tf));
    }
    for (name, tf) in applied.iter().rev() {
        let out = tf.run(&[
            "destroy",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ]);
        assert_eq!(out.code, 0, "{name}: destroy failed:\n{}", out.all());
    }
    assert!(e.channels().is_empty(), "left behind: {:?}", e.channels());
}

#[test]
fn first_example_applies_plans_clean_and_destroys() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("ex-apply")
        .env("HW_AUTH_TOKEN", TOKEN)
        .env("HW_REGION_NAME", "cn-north-4")
        .env("HW_PROJECT_ID", PROJECT)
        .env("TF_VAR_apig_endpoint", &e.url);
    copy_example(
        &tf,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ip-channel"),
    );
    tf.apply().ok();
    assert_eq!(e.channels().len(), 1);
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}
