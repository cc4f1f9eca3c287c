//! The Terraform under test (found once per test binary) and a working
//! directory to run it in, with its own CLI config pointing at the built
//! provider.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub fn terraform_path() -> PathBuf {
    std::env::var_os("TF_ACC_TERRAFORM_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("terraform"))
}

/// (major, minor, patch) of the Terraform under test, or why none answered
/// `terraform version`; asked once per test binary.
fn probe_terraform() -> &'static Result<(u32, u32, u32), String> {
    static V: std::sync::OnceLock<Result<(u32, u32, u32), String>> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let path = terraform_path();
        let out = Command::new(&path)
            .arg("version")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .map_err(|e| format!("`{} version`: {e}", path.display()))?;
        let s = String::from_utf8_lossy(&out.stdout);
        let v = s
            .split_whitespace()
            .find(|w| w.starts_with('v'))
            .filter(|_| out.status.success())
            .ok_or_else(|| format!("`{} version` printed no version", path.display()))?
            .trim_start_matches('v');
        let mut it = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
        Ok((
            it.next().unwrap_or(0),
            it.next().unwrap_or(0),
            it.next().unwrap_or(0),
        ))
    })
}

/// (major, minor, patch) of the Terraform under test.
pub fn terraform_version() -> (u32, u32, u32) {
    match probe_terraform() {
        Ok(v) => *v,
        Err(e) => panic!("no Terraform (set TF_ACC_TERRAFORM_PATH): {e}"),
    }
}

/// True, after one line on stderr saying why, when no Terraform answers:
/// the test is then skipped. Written to the stream itself, since the test
/// harness hides a passing test's `eprintln!`.
pub fn no_terraform() -> bool {
    let Err(why) = probe_terraform() else {
        return false;
    };
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("test");
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: no Terraform found ({why}); set TF_ACC_TERRAFORM_PATH or put terraform on PATH"
    );
    true
}

/// Import blocks arrived in Terraform 1.5.
pub fn supports_import_blocks() -> bool {
    terraform_version() >= (1, 5, 0)
}

pub fn provider_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-huaweicloud"))
}

fn unique_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "hwtf-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "terraform failed:\n{}", self.all());
        self
    }

    /// Terraform and the provider ended normally: no panic, no plugin crash.
    #[track_caller]
    pub fn assert_no_crash(&self) -> &Self {
        let all = self.all();
        for bad in [
            "panic",
            "plugin exited",
            "Plugin did not respond",
            "plugin crashed",
        ] {
            assert!(
                !all.contains(bad),
                "found {bad:?} in terraform output:\n{all}"
            );
        }
        self
    }
}

/// A Terraform working directory with its own CLI config.
pub struct Terraform {
    pub dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Terraform {
    pub fn new(tag: &str) -> Terraform {
        Terraform::with_provider_dir(tag, provider_bin().parent().unwrap())
    }

    /// Runs the provider binary found in `bin_dir` (e.g. another build of
    /// it, for the differential test).
    pub fn with_provider_dir(tag: &str, bin_dir: &Path) -> Terraform {
        let dir = unique_dir(tag);
        let cli = dir.join("terraformrc");
        std::fs::write(
            &cli,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"huaweicloud/huaweicloud\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                bin_dir.display()
            ),
        )
        .unwrap();
        let env = vec![
            ("TF_CLI_CONFIG_FILE".into(), cli.display().to_string()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("HW_RETRY_BASE_MS".into(), "20".into()),
        ];
        Terraform { dir, env }
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.dir.join(name), content).unwrap();
    }

    /// The terraform command for this directory, with a clean environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(terraform_path());
        cmd.current_dir(&self.dir).args(args);
        for k in [
            "TF_LOG",
            "TF_LOG_PROVIDER",
            "TF_LOG_PATH",
            "HW_ACCESS_KEY",
            "HW_SECRET_KEY",
            "HW_AUTH_TOKEN",
            "HW_SECURITY_TOKEN",
            "HW_REGION_NAME",
            "HW_PROJECT_ID",
        ] {
            cmd.env_remove(k);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        let out = cmd.output().expect("run terraform");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }

    pub fn apply(&self) -> Output {
        self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }
    pub fn destroy(&self) -> Output {
        self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }
    pub fn validate(&self) -> Output {
        self.run(&["validate", "-no-color"])
    }
    /// `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error.
    pub fn plan(&self) -> Output {
        self.run(&["plan", "-input=false", "-no-color", "-detailed-exitcode"])
    }
    #[track_caller]
    pub fn assert_no_changes(&self) {
        let p = self.plan();
        assert_eq!(p.code, 0, "expected an empty plan:\n{}", p.all());
    }
    pub fn state_json(&self) -> serde_json::Value {
        let o = self.run(&["show", "-json", "-no-color"]).ok();
        serde_json::from_str(&o.stdout).unwrap()
    }
    /// Attribute values of the first resource in state.
    pub fn resource_values(&self, address: &str) -> serde_json::Value {
        let s = self.state_json();
        let rs = s["values"]["root_module"]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        rs.into_iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or(serde_json::Value::Null)
    }

    /// `id` of every resource in state (`terraform show -json`), sorted.
    pub fn state_ids(&self) -> Vec<String> {
        let s = self.state_json();
        let mut ids: Vec<String> = s["values"]["root_module"]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r["values"]["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    }

    /// `plan -out=FILE`: 0 no changes, 2 changes, 1 error.
    pub fn plan_out(&self, file: &str) -> Output {
        self.run(&[
            "plan",
            "-input=false",
            "-no-color",
            "-detailed-exitcode",
            &format!("-out={file}"),
        ])
    }

    /// `apply FILE` of a saved plan.
    pub fn apply_saved(&self, file: &str) -> Output {
        self.run(&["apply", "-input=false", "-no-color", file])
    }
}

impl Drop for Terraform {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
