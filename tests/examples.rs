//! Every example is `terraform fmt`-clean and passes `terraform validate`;
//! the first one runs a full apply / plan / destroy against the emulator.

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

fn copy_example(tf: &Tf, dir: &Path) {
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
        let tf = Tf::new(&format!("ex-{name}"));
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

#[test]
fn first_example_applies_plans_clean_and_destroys() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Tf::new("ex-apply")
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
