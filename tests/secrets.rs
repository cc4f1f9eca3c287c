//! Credentials never reach the state: the provider configuration is not
//! stored in state, and no resource attribute echoes it. Proven by applying
//! with AK/SK plus a security token (and with a token), then searching the
//! state files, `terraform show -json` and the provider's own log for the
//! secret values.

mod common;

use common::*;

const AK: &str = "SECRETSTESTACCESSKEY7Q";
const SK: &str = "sk-Zq8vLw3nXr5TmPa9-secret";
const STS: &str = "sts-token-H7kP2mQ9wX4cV8bN1zR6tY3uJ5sD0fG";
const TOKEN_VALUE: &str = "tok-MIIYXQYJKoZIhvcNAQcCoIIYTjCCGEoCAQExDTAL";

fn channel(weight: u32) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "s" {{
  instance_id = "{GATEWAY}"
  name        = "secret_test"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "10.0.0.1", weight = {weight} }}]
}}
"#
    )
}

/// Runs create, update, refresh and import-free reads, then checks every
/// file Terraform wrote and what it shows for the given secrets.
fn assert_secrets_absent(tf: &Terraform, write_config: &dyn Fn(u32), secrets: &[&str]) {
    write_config(1);
    tf.apply().assert_no_crash().ok_ref();
    write_config(2);
    tf.apply().assert_no_crash().ok_ref();
    let refresh = tf.run(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    refresh.assert_no_crash().ok_ref();

    let mut checked = Vec::new();
    for f in ["terraform.tfstate", "terraform.tfstate.backup"] {
        let text = std::fs::read_to_string(tf.dir.join(f))
            .unwrap_or_else(|e| panic!("{f} should exist: {e}"));
        assert!(text.contains("secret_test"), "{f} holds the channel");
        checked.push((f.to_string(), text));
    }
    let show = tf.run(&["show", "-json", "-no-color"]).ok();
    checked.push(("terraform show -json".into(), show.stdout.clone()));
    let log = std::fs::read_to_string(tf.dir.join("provider.log")).unwrap_or_default();
    assert!(
        log.contains("Configured provider"),
        "the provider's own log was captured"
    );
    checked.push(("provider log (TF_LOG_PROVIDER=trace)".into(), log));
    for (what, text) in &checked {
        for s in secrets {
            assert!(!text.contains(s), "secret {s:?} found in {what}");
        }
    }
    // The state's resource attributes are exactly the schema's: no
    // credentials field slipped in.
    let state: serde_json::Value = serde_json::from_str(&checked[0].1).unwrap();
    let attrs = &state["resources"][0]["instances"][0]["attributes"];
    for k in ["access_key", "secret_key", "security_token", "token"] {
        assert!(attrs.get(k).is_none(), "{k} in state attributes");
    }
}

fn logging(tf: Terraform) -> Terraform {
    let log = tf.dir.join("provider.log").display().to_string();
    tf.env("TF_LOG_PROVIDER", "trace").env("TF_LOG_PATH", &log)
}

#[test]
fn aksk_and_security_token_in_the_configuration_stay_out_of_state() {
    skip_without_terraform!();
    let e = Emulator::start(&["--ak", AK, "--sk", SK, "--security-token", STS]);
    let tf = logging(Terraform::new("secrets-cfg"));
    let write = |w: u32| {
        let provider = format!(
            "provider \"huaweicloud\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  access_key = \"{AK}\"\n  secret_key = \"{SK}\"\n  security_token = \"{STS}\"\n  endpoints = {{ apig = \"{}\" }}\n}}\n",
            e.url
        );
        tf.write(
            "main.tf",
            &format!("{}{provider}{}", terraform_block(), channel(w)),
        );
    };
    assert_secrets_absent(&tf, &write, &[AK, SK, STS]);
    assert!(
        e.requests().iter().all(|r| r["auth"] == "aksk"),
        "every request was signed"
    );
}

#[test]
fn credentials_from_the_environment_stay_out_of_state() {
    skip_without_terraform!();
    let e = Emulator::start(&["--ak", AK, "--sk", SK, "--security-token", STS]);
    let tf = logging(Terraform::new("secrets-env"))
        .env("HW_ACCESS_KEY", AK)
        .env("HW_SECRET_KEY", SK)
        .env("HW_SECURITY_TOKEN", STS);
    let write = |w: u32| {
        let provider = format!(
            "provider \"huaweicloud\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  endpoints = {{ apig = \"{}\" }}\n}}\n",
            e.url
        );
        tf.write(
            "main.tf",
            &format!("{}{provider}{}", terraform_block(), channel(w)),
        );
    };
    assert_secrets_absent(&tf, &write, &[AK, SK, STS]);
}

#[test]
fn a_token_stays_out_of_state() {
    skip_without_terraform!();
    let e = Emulator::start(&["--token", TOKEN_VALUE]);
    let tf = logging(Terraform::new("secrets-token"));
    let write = |w: u32| {
        tf.write(
            "main.tf",
            &config(&e, &channel(w)).replace(TOKEN, TOKEN_VALUE),
        );
    };
    assert_secrets_absent(&tf, &write, &[TOKEN_VALUE]);
}

/// Password, the token it gives, and an agency's temporary keys: the
/// emulator's issued values all start with these prefixes.
#[test]
fn password_tokens_and_agency_keys_stay_out_of_state_and_logs() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = logging(Terraform::new("secrets-iam"));
    let write = |w: u32| {
        let provider = format!(
            "provider \"huaweicloud\" {{\n  region = \"cn-north-4\"\n  user_name = \"tf_user\"\n  password = \"emulator-password-0001\"\n  domain_name = \"emulator_account\"\n  assume_role {{\n    agency_name = \"ops_agency\"\n    domain_name = \"target_account\"\n  }}\n  endpoints = {{ apig = \"{0}\", iam = \"{0}\" }}\n}}\n",
            e.url
        );
        tf.write(
            "main.tf",
            &format!("{}{provider}{}", terraform_block(), channel(w)),
        );
    };
    assert_secrets_absent(
        &tf,
        &write,
        &[
            "emulator-password-0001",
            "emu-token-",
            "emu-temp-secret-",
            "emu-sts-",
        ],
    );
    let issued = e.admin("GET", "iam", None);
    assert!(
        issued["credentials_issued"].as_u64().unwrap() >= 1,
        "{issued}"
    );
}

trait OkRef {
    fn ok_ref(&self);
}

impl OkRef for Output {
    #[track_caller]
    fn ok_ref(&self) {
        assert_eq!(self.code, 0, "terraform failed:\n{}", self.all());
    }
}
