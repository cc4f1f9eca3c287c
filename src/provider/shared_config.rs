//! The Huawei Cloud CLI's config file (`~/.hcloud/config.json`): one
//! profile's credentials, region, project and agency.

use crate::provider::args::Setting;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::apig::client::Credentials;

pub const DEFAULT_PATH: &str = "~/.hcloud/config.json";

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct File {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Keys {
    access_key_id: String,
    secret_access_key: String,
    security_token: String,
}

/// What one profile gives.
#[derive(Debug, Default)]
pub struct Profile {
    pub name: String,
    pub credentials: Option<Credentials>,
    pub region: Option<String>,
    pub project_id: Option<String>,
    pub agency_name: Option<String>,
    pub agency_domain_name: Option<String>,
    pub agency_domain_id: Option<String>,
}

/// `~/` is the user's home directory, as in a shell.
pub fn expand(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(path),
    }
}

fn nonempty(v: &serde_json::Value, k: &str) -> Option<String> {
    v.get(k)
        .and_then(|x| x.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A flag such as `cliAuthEncrypt: true`, anywhere at this level.
fn says_encrypted(v: &serde_json::Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.iter().any(|(k, x)| {
            k.to_ascii_lowercase().contains("encrypt")
                && (x.as_bool() == Some(true) || x.as_str() == Some("true"))
        })
    })
}

/// Access key IDs are upper-case letters and digits; anything else is
/// taken for an encrypted value.
fn plain_access_key(ak: &str) -> bool {
    (8..=128).contains(&ak.len())
        && ak
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

const UNENCRYPTED_HINT: &str = "This provider reads only unencrypted keys: store them with `hcloud configure set --cli-auth-encrypt=false` (and set the keys again), or give the keys to the provider another way.";

/// The largest shared config file read: real ones are a few KB.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The text of a regular file of at most [`MAX_FILE_BYTES`]. A device
/// (`/dev/zero`) or a FIFO is refused before it is opened (opening a FIFO
/// blocks until a writer comes); the open itself does not block, and the
/// opened file is checked again.
fn read_small_regular_file(path: &Path) -> Result<String, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let shown = path.display();
    let cannot = |e: std::io::Error| format!("cannot read the shared config file {shown}: {e}");
    let check = |m: std::fs::Metadata| {
        if !m.is_file() {
            return Err(format!(
                "the shared config file {shown} is not a regular file"
            ));
        }
        if m.len() > MAX_FILE_BYTES {
            return Err(format!(
                "the shared config file {shown} is larger than 1 MiB ({} bytes)",
                m.len()
            ));
        }
        Ok(())
    };
    check(std::fs::metadata(path).map_err(cannot)?)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(cannot)?;
    check(file.metadata().map_err(cannot)?)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "the shared config file {shown} is larger than 1 MiB"
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| format!("the shared config file {shown} is not UTF-8 text"))
}

/// Reads `profile` (or the file's `current`) from `path`.
pub fn read(path: &Path, profile: Option<&str>) -> Result<Profile, String> {
    let shown = path.display();
    let text = read_small_regular_file(path)?;
    let root: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("the shared config file {shown} is not valid JSON: {e}"))?;
    let file: File = serde_json::from_value(root.clone()).map_err(|e| {
        format!("the shared config file {shown} is not a Huawei Cloud CLI config: {e}")
    })?;
    let wanted = profile
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .unwrap_or(file.current.clone());
    if wanted.is_empty() {
        return Err(format!(
            "the shared config file {shown} names no current profile; set `profile` ({})",
            Setting::PROFILE.env_var()
        ));
    }
    let names: Vec<String> = file
        .profiles
        .iter()
        .filter_map(|p| nonempty(p, "name"))
        .collect();
    let Some(p) = file
        .profiles
        .iter()
        .find(|p| nonempty(p, "name").as_deref() == Some(wanted.as_str()))
    else {
        return Err(format!(
            "the shared config file {shown} has no profile {wanted:?} (it has: {})",
            names.join(", ")
        ));
    };
    let mode = nonempty(p, "mode").unwrap_or_else(|| "AKSK".into());
    let keys: Keys = if mode.eq_ignore_ascii_case("SSO") {
        p.get("ssoAuth")
            .and_then(|s| s.get("stsToken"))
            .and_then(|t| serde_json::from_value(t.clone()).ok())
            .unwrap_or_default()
    } else if mode.eq_ignore_ascii_case("AKSK") {
        serde_json::from_value(p.clone()).unwrap_or_default()
    } else {
        return Err(format!(
            "profile {wanted:?} of {shown} has mode {mode:?}; this provider reads the modes AKSK and SSO"
        ));
    };
    let encrypted = says_encrypted(&root)
        || says_encrypted(p)
        || (!keys.access_key_id.is_empty() && !plain_access_key(&keys.access_key_id));
    if encrypted {
        return Err(format!(
            "the keys of profile {wanted:?} in {shown} are encrypted. {UNENCRYPTED_HINT}"
        ));
    }
    let credentials = match (
        keys.access_key_id.is_empty(),
        keys.secret_access_key.is_empty(),
    ) {
        (false, false) => Some(Credentials::AkSk {
            ak: keys.access_key_id,
            sk: keys.secret_access_key,
            security_token: Some(keys.security_token).filter(|s| !s.is_empty()),
        }),
        (true, true) => None,
        _ => {
            return Err(format!(
            "profile {wanted:?} of {shown} has only one of its access key ID and secret access key"
        ))
        }
    };
    Ok(Profile {
        name: wanted,
        credentials,
        region: nonempty(p, "region"),
        project_id: nonempty(p, "projectId"),
        agency_name: nonempty(p, "agencyName"),
        agency_domain_name: nonempty(p, "agencyDomainName"),
        agency_domain_id: nonempty(p, "agencyDomainId"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(content: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("hcloud-{}.json", rand::random::<u64>()));
        std::fs::write(&p, content).unwrap();
        p
    }

    const FILE: &str = r#"{"current": "default", "profiles": [
      {"name": "default", "mode": "AKSK", "accessKeyId": "AKDEFAULT0001", "secretAccessKey": "sk-default",
       "securityToken": "", "region": "cn-north-4", "projectId": "", "agencyName": "ops_agency",
       "agencyDomainName": "target_account"},
      {"name": "sso", "mode": "SSO", "region": "ap-southeast-1",
       "ssoAuth": {"stsToken": {"accessKeyId": "AKSSO0001", "secretAccessKey": "sk-sso", "securityToken": "st-sso"}}}]}"#;

    #[test]
    fn reads_current_and_named_profiles() {
        let p = write(FILE);
        let d = read(&p, None).unwrap();
        assert_eq!(d.name, "default");
        assert!(
            matches!(d.credentials, Some(Credentials::AkSk { ref ak, ref security_token, .. }) if ak == "AKDEFAULT0001" && security_token.is_none())
        );
        assert_eq!(d.agency_name.as_deref(), Some("ops_agency"));
        assert_eq!(d.project_id, None);
        let s = read(&p, Some("sso")).unwrap();
        assert!(
            matches!(s.credentials, Some(Credentials::AkSk { ref security_token, .. }) if security_token.as_deref() == Some("st-sso"))
        );
        assert_eq!(s.region.as_deref(), Some("ap-southeast-1"));
        let e = read(&p, Some("nope")).unwrap_err();
        assert!(
            e.contains("no profile \"nope\"") && e.contains("default, sso"),
            "{e}"
        );
        let _ = std::fs::remove_file(p);
    }

    #[test]
    fn encrypted_keys_say_how_to_store_them_unencrypted() {
        let p = write(
            r#"{"current": "a", "cliAuthEncrypt": true, "profiles": [{"name": "a", "mode": "AKSK", "accessKeyId": "AKX00001", "secretAccessKey": "x"}]}"#,
        );
        let e = read(&p, None).unwrap_err();
        assert!(e.contains("--cli-auth-encrypt=false"), "{e}");
        let q = write(
            r#"{"current": "a", "profiles": [{"name": "a", "mode": "AKSK", "accessKeyId": "gAAAAB+x/enc==", "secretAccessKey": "x"}]}"#,
        );
        assert!(read(&q, None).unwrap_err().contains("encrypted"));
        assert!(read(Path::new("/nonexistent/x.json"), None)
            .unwrap_err()
            .contains("cannot read"));
        let _ = std::fs::remove_file(p);
        let _ = std::fs::remove_file(q);
    }

    #[test]
    fn home_is_expanded() {
        assert_eq!(
            expand("~/.hcloud/config.json", Some(Path::new("/h"))),
            PathBuf::from("/h/.hcloud/config.json")
        );
        assert_eq!(expand("/x", Some(Path::new("/h"))), PathBuf::from("/x"));
    }

    /// Issue 18 item 6: `/dev/zero` grew the provider to 22 GB and a FIFO
    /// hung configure; only regular files of at most 1 MiB are read.
    #[test]
    fn only_small_regular_files_are_read() {
        let e = read(Path::new("/dev/zero"), None).unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        let dir = std::env::temp_dir().join(format!("hw-shared-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Without the check, opening the FIFO blocks for good: a bound,
        // not a timing.
        let (tx, rx) = std::sync::mpsc::channel();
        let f = fifo.clone();
        std::thread::spawn(move || tx.send(read(&f, None)).unwrap());
        let e = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("reading a FIFO hung")
            .unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        let big = dir.join("big.json");
        std::fs::write(&big, vec![b' '; (MAX_FILE_BYTES + 1) as usize]).unwrap();
        let e = read(&big, None).unwrap_err();
        assert!(e.contains("larger than 1 MiB"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
