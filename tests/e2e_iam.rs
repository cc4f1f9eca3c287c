//! End-to-end: provider blocks as written for the official provider —
//! project looked up in IAM, password, agencies (one and a chain), the CLI's
//! shared config file, renewal of short-lived credentials, and each error.
//! The emulator serves IAM and checks every signature.

mod common;

use common::*;
use serde_json::json;

const TARGET_PROJECT: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const THIRD_PROJECT: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn provider(e: &Emulator, auth: &str) -> String {
    format!(
        "provider \"huaweicloud\" {{\n  region    = \"cn-north-4\"\n  endpoints = {{ apig = \"{0}\", iam = \"{0}\" }}\n{auth}}}\n",
        e.url
    )
}

fn aksk() -> String {
    format!("  access_key = \"{AK}\"\n  secret_key = \"{SK}\"\n")
}

fn password() -> &'static str {
    "  user_name   = \"tf_user\"\n  password    = \"emulator-password-0001\"\n  domain_name = \"emulator_account\"\n"
}

fn channels(n: usize) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "c" {{
  count       = {n}
  instance_id = "{GATEWAY}"
  name        = "iam_${{count.index}}"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "10.0.0.${{count.index + 1}}" }}]
}}
"#
    )
}

fn iam(e: &Emulator) -> serde_json::Value {
    e.admin("GET", "iam", None)
}

fn projects_in_state(tf: &Terraform) -> Vec<String> {
    let s = tf.state_json();
    s["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| r["values"]["project_id"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Project lookups seen by the emulator during `f`.
fn lookups_during(e: &Emulator, f: impl FnOnce()) -> u64 {
    let before = iam(e)["project_lookups"].as_u64().unwrap();
    f();
    iam(e)["project_lookups"].as_u64().unwrap() - before
}

#[test]
fn region_and_aksk_only_look_up_the_project_once_per_process_for_50_channels() {
    skip_without_terraform!();
    let e = Emulator::start(&["--quota", "60"]);
    let tf = Terraform::new("iam-discovery");
    tf.write(
        "main.tf",
        &config_with(&provider(&e, &aksk()), &channels(50)),
    );
    // One provider process plans all 50: one lookup.
    let n = lookups_during(&e, || {
        let p = tf.plan();
        assert_eq!(p.code, 2, "{}", p.all());
    });
    assert_eq!(n, 1, "lookups during plan");
    // apply runs two provider processes (plan walk, apply walk): one each.
    let n = lookups_during(&e, || {
        tf.apply().ok();
    });
    assert_eq!(n, 2, "lookups during apply (one per provider process)");
    let projects = projects_in_state(&tf);
    assert_eq!(projects.len(), 50);
    assert!(projects.iter().all(|p| p == PROJECT), "{projects:?}");
    assert_eq!(e.channel_ids().len(), 50);
    // The lookup was signed like every APIG call.
    let reqs = e.requests();
    let lookups: Vec<_> = reqs
        .iter()
        .filter(|r| r["path"] == "/v3/projects")
        .collect();
    assert!(lookups
        .iter()
        .all(|r| r["auth"] == "aksk" && r["query"]["name"] == "cn-north-4"));
    tf.assert_no_changes();
}

#[test]
fn password_credentials_get_a_project_scoped_token() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("iam-password");
    tf.write(
        "main.tf",
        &config_with(&provider(&e, password()), &channels(2)),
    );
    tf.apply().ok();
    assert_eq!(projects_in_state(&tf), vec![PROJECT, PROJECT]);
    let c = iam(&e);
    assert_eq!(
        c["project_lookups"], 0,
        "the project came from the token: {c}"
    );
    assert!(c["tokens_issued"].as_u64().unwrap() >= 1);
    let apig: Vec<_> = e
        .requests()
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap().starts_with("/v2/"))
        .collect();
    assert!(!apig.is_empty() && apig.iter().all(|r| r["auth"] == "token"));
    tf.assert_no_changes();
    // user_id works instead of user_name + domain_name.
    let tf2 = Terraform::new("iam-password-id");
    tf2.write(
        "main.tf",
        &config_with(
            &provider(
                &e,
                "  user_id  = \"7116d09f88fa41908676fdd4b039e95b\"\n  password = \"emulator-password-0001\"\n",
            ),
            &channels(0),
        ),
    );
    tf2.apply().ok();
}

#[test]
fn one_agency_and_a_chain_of_two() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let one = Terraform::new("iam-agency");
    let block1 = "  assume_role {\n    agency_name = \"ops_agency\"\n    domain_name = \"target_account\"\n    duration    = 3600\n  }\n";
    one.write(
        "main.tf",
        &config_with(&provider(&e, &format!("{}{block1}", aksk())), &channels(1)),
    );
    one.apply().ok();
    assert_eq!(projects_in_state(&one), vec![TARGET_PROJECT]);
    one.assert_no_changes();

    let chain = Terraform::new("iam-chain");
    let block2 = "  assume_role {\n    agency_name = \"deep_agency\"\n    domain_name = \"third_account\"\n  }\n";
    chain.write(
        "main.tf",
        &config_with(
            &provider(&e, &format!("{}{block1}{block2}", password())),
            &channels(1).replace("iam_", "chain_"),
        ),
    );
    chain.apply().ok();
    assert_eq!(projects_in_state(&chain), vec![THIRD_PROJECT]);
    // APIG calls were signed with temporary keys and a security token.
    let last: Vec<_> = e
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST" && r["path"].as_str().unwrap().contains(THIRD_PROJECT))
        .collect();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0]["auth"], "aksk");
    // The environment gives one agency too.
    let env = Terraform::new("iam-agency-env")
        .env("HW_ASSUME_ROLE_AGENCY_NAME", "ops_agency")
        .env("HW_ASSUME_ROLE_DOMAIN_NAME", "target_account");
    env.write(
        "main.tf",
        &config_with(&provider(&e, &aksk()), &channels(1)).replace("iam_", "env_"),
    );
    env.apply().ok();
    assert_eq!(projects_in_state(&env), vec![TARGET_PROJECT]);
}

#[test]
fn shared_config_file_with_two_profiles() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let dir = std::env::temp_dir().join(format!("hcloud-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.json");
    std::fs::write(
        &file,
        json!({"current": "default", "profiles": [
            {"name": "default", "mode": "AKSK", "accessKeyId": AK, "secretAccessKey": SK,
             "securityToken": "", "region": "cn-north-4", "projectId": ""},
            {"name": "ops", "mode": "SSO", "region": "cn-north-4", "agencyName": "ops_agency",
             "agencyDomainName": "target_account",
             "ssoAuth": {"stsToken": {"accessKeyId": AK, "secretAccessKey": SK, "securityToken": ""}}}
        ]})
        .to_string(),
    )
    .unwrap();
    let block = |extra: &str| {
        format!(
            "provider \"huaweicloud\" {{\n  shared_config_file = \"{}\"\n  endpoints = {{ apig = \"{1}\", iam = \"{1}\" }}\n{extra}}}\n",
            file.display(),
            e.url
        )
    };
    // The file's current profile; its region comes from the file too.
    let cur = Terraform::new("iam-file-current");
    cur.write("main.tf", &config_with(&block(""), &channels(1)));
    cur.apply().ok();
    assert_eq!(projects_in_state(&cur), vec![PROJECT]);
    // Another profile: SSO keys turned into the agency's.
    let ops = Terraform::new("iam-file-ops");
    ops.write(
        "main.tf",
        &config_with(&block("  profile = \"ops\"\n"), &channels(1)).replace("iam_", "ops_"),
    );
    ops.apply().ok();
    assert_eq!(projects_in_state(&ops), vec![TARGET_PROJECT]);
    // HW_PROFILE picks the profile too.
    let envp = Terraform::new("iam-file-env").env("HW_PROFILE", "ops");
    envp.write("main.tf", &config_with(&block(""), &channels(0)));
    envp.apply().ok();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn short_lived_token_and_keys_expiring_during_apply_are_renewed() {
    skip_without_terraform!();
    // Each API call takes 400 ms, so a serial apply of 4 channels
    // (create + read back) outlives several credentials.
    let e = Emulator::start(&["--latency-ms", "400"]);
    e.admin(
        "POST",
        "iam",
        Some(&json!({"token_lifetime_secs": 3, "credential_lifetime_secs": 3}).to_string()),
    );
    for (tag, auth) in [
        ("iam-renew-token", password().to_string()),
        (
            "iam-renew-keys",
            format!("{}  assume_role {{\n    agency_name = \"ops_agency\"\n    domain_name = \"target_account\"\n  }}\n", aksk()),
        ),
    ] {
        let before = iam(&e);
        let tf = Terraform::new(tag);
        tf.write(
            "main.tf",
            &config_with(&provider(&e, &auth), &channels(4)).replace("iam_", &format!("{}_", &tag[10..])),
        );
        let start = std::time::Instant::now();
        tf.run(&["apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1"]).ok();
        assert!(start.elapsed().as_secs() >= 4, "the apply outlived one credential");
        let after = iam(&e);
        let key = if tag.ends_with("token") { "tokens_issued" } else { "credentials_issued" };
        let issued = after[key].as_u64().unwrap() - before[key].as_u64().unwrap();
        // Two provider processes, and at least one renewal in the apply.
        assert!(issued >= 3, "{key}: {issued} ({after})");
    }
}

#[test]
fn each_error_is_clear() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("iam-errors");
    let expect = |auth: &str, needles: &[&str]| {
        tf.write("main.tf", &config_with(&provider(&e, auth), &channels(1)));
        let p = tf.plan();
        assert_eq!(p.code, 1, "{}", p.all());
        let text = p
            .all()
            .replace('\n', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for n in needles {
            assert!(text.contains(n), "{n:?} missing from:\n{}", p.all());
        }
        assert!(
            !text.contains("emulator-password-0001") && !text.contains(SK),
            "secret shown"
        );
    };
    expect(
        &format!("{}  project_name = \"nowhere\"\n", aksk()),
        &["Cannot find the project ID", "no project named \"nowhere\""],
    );
    expect(
        &format!("{}  project_name = \"cn-dup-1\"\n", aksk()),
        &["2 projects named \"cn-dup-1\"", "project_id"],
    );
    e.admin("POST", "iam", Some(r#"{"deny_projects": true}"#));
    expect(
        &aksk(),
        &[
            "may not list IAM projects",
            "identity:projects:list).",
            "project_id",
        ],
    );
    e.admin("POST", "iam", Some(r#"{"deny_projects": false}"#));
    let before = iam(&e)["password_failures"].as_u64().unwrap();
    expect(
        &password().replace("emulator-password-0001", "wrong-password-1"),
        &["HTTP 401", "username or password is wrong"],
    );
    assert_eq!(
        iam(&e)["password_failures"].as_u64().unwrap() - before,
        1,
        "a wrong password is tried once"
    );
    expect(
        &format!("  token = \"{TOKEN}\"\n{}", password()),
        &["Conflicting credentials", "token", "password"],
    );
    expect(
        &format!("{}  assume_role {{\n    agency_name = \"ops_agency\"\n    domain_name = \"target_account\"\n    duration = 60\n  }}\n", aksk()),
        &["duration", "between 900 and 86400"],
    );
    expect(
        &format!("{}  assume_role {{\n    agency_name = \"deep_agency\"\n    domain_name = \"third_account\"\n  }}\n", aksk()),
        &["HTTP 403", "does not trust"],
    );
    expect(
        "  user_name = \"tf_user\"\n  password = \"x\"\n",
        &["Missing domain_name"],
    );
    let enc = tf.dir.join("enc.json");
    std::fs::write(
        &enc,
        r#"{"current": "a", "profiles": [{"name": "a", "mode": "AKSK", "accessKeyId": "gAAAAB+enc/xx==", "secretAccessKey": "enc"}]}"#,
    )
    .unwrap();
    expect(
        &format!("  shared_config_file = \"{}\"\n", enc.display()),
        &["encrypted", "--cli-auth-encrypt=false"],
    );
}

/// What plan would refuse in the provider block fails validate already;
/// a domain from the environment is fine (it fills what the block leaves
/// unset).
#[test]
fn validate_refuses_credentials_plan_would_refuse() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("iam-validate");
    let fails = |auth: &str, needles: &[&str]| {
        tf.write("main.tf", &config_with(&provider(&e, auth), &channels(1)));
        let v = tf.validate();
        assert_eq!(v.code, 1, "{}", v.all());
        let text = v.all().split_whitespace().collect::<Vec<_>>().join(" ");
        for n in needles {
            assert!(text.contains(n), "{n:?} missing from:\n{}", v.all());
        }
        assert!(!text.contains("emulator-password-0001"), "secret shown");
        // Issue 18 item 4: no source line (with its literal) for a
        // diagnostic about a sensitive attribute.
        assert!(!text.contains("st-literal-0001"), "secret shown");
    };
    fails(
        &format!("  token = \"{TOKEN}\"\n{}", password()),
        &[
            "Conflicting credentials",
            "`token`",
            "`password` with `user_name`",
        ],
    );
    fails(
        &format!("  token = \"{TOKEN}\"\n  security_token = \"st-literal-0001\"\n"),
        &["security_token without an access key"],
    );
    let no_domain = "  user_name = \"tf_user\"\n  password = \"emulator-password-0001\"\n";
    fails(
        no_domain,
        &["Missing domain_name", "`domain_name` (HW_DOMAIN_NAME)"],
    );
    assert!(e.requests().is_empty(), "validation makes no API call");

    let env = Terraform::new("iam-validate-env").env("HW_DOMAIN_NAME", "emulator_account");
    env.write(
        "main.tf",
        &config_with(&provider(&e, no_domain), &channels(1)),
    );
    env.validate().ok();
    env.apply().ok();
}

#[test]
fn a_region_known_only_at_apply_gets_its_own_project_then() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("iam-region-later");
    let hcl = format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "seed" {{
  instance_id = "{GATEWAY}"
  name        = "seed"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "10.0.0.1" }}]
}}

resource "huaweicloud_apig_vpc_channel" "later" {{
  instance_id = "{GATEWAY}"
  region      = "ap-southeast-1${{trimprefix(huaweicloud_apig_vpc_channel.seed.id, huaweicloud_apig_vpc_channel.seed.id)}}"
  name        = "later"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "10.0.0.2" }}]
}}
"#
    );
    tf.write("main.tf", &config_with(&provider(&e, &aksk()), &hcl));
    let p = tf.run(&["plan", "-input=false", "-no-color", "-out=tfplan"]);
    assert_eq!(p.code, 0, "{}", p.all());
    let show = tf.run(&["show", "-json", "tfplan"]).ok();
    let plan: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    let change = |name: &str| {
        plan["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["change"]
            .clone()
    };
    // The provider's region is known: its project is planned; the other
    // region's project is not guessed from the provider's.
    assert_eq!(change("seed")["after"]["project_id"], PROJECT);
    assert_eq!(change("later")["after_unknown"]["project_id"], true);
    tf.run(&["apply", "-input=false", "-no-color", "tfplan"])
        .ok();
    let later = tf.resource_values("huaweicloud_apig_vpc_channel.later");
    assert_eq!(later["region"], "ap-southeast-1");
    assert_eq!(later["project_id"], "22222222222222222222222222222222");
    tf.assert_no_changes();
}
