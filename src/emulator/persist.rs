//! The state file. A mutation answers only once a file holding it has been
//! renamed into place; one writer task batches the mutations that arrive
//! while it writes (group commit), so 50 parallel creates cost a few writes,
//! not 50.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Notify};

use super::store::{ChannelsSer, StoredChannel};
use super::Emulator;

/// The state file: every channel, and the gateways known.
#[derive(Serialize)]
pub struct StateFileOut<'a> {
    pub version: u32,
    pub instances: Vec<&'a str>,
    pub channels: ChannelsSer<'a>,
}

#[derive(Deserialize)]
pub struct StateFileIn {
    #[serde(default)]
    pub instances: Vec<String>,
    #[serde(default)]
    pub channels: Vec<StoredChannel>,
}

pub struct Persister {
    path: PathBuf,
    wake: Notify,
    /// Highest store generation known to be on disk.
    done: watch::Sender<u64>,
}

impl Persister {
    pub fn new(path: PathBuf) -> Self {
        Persister {
            path,
            wake: Notify::new(),
            done: watch::channel(0).0,
        }
    }

    /// Reads the file if it exists.
    pub fn load(path: &Path) -> std::io::Result<Option<StateFileIn>> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("state file {}: {e}", path.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Waits until generation `gen` is on disk (bounded, so a stuck disk
    /// cannot hang requests forever).
    pub async fn wait(&self, gen: u64) {
        let mut rx = self.done.subscribe();
        self.wake.notify_one();
        let _ = tokio::time::timeout(Duration::from_secs(30), rx.wait_for(|g| *g >= gen)).await;
    }
}

/// Writes the current state if it is newer than what is on disk.
pub async fn write_now(emu: &Arc<Emulator>) {
    let Some(p) = &emu.persist else { return };
    let (gen, instances, channels) = {
        let st = emu.lock_store();
        (
            st.gen,
            st.instances.iter().cloned().collect::<Vec<_>>(),
            st.all(),
        )
    };
    if gen <= *p.done.borrow() && p.path.exists() {
        return;
    }
    let path = p.path.clone();
    let res = tokio::task::spawn_blocking(move || {
        let out = StateFileOut {
            version: 1,
            instances: instances.iter().map(String::as_str).collect(),
            channels: ChannelsSer(&channels),
        };
        let bytes = serde_json::to_vec(&out).map_err(std::io::Error::other)?;
        write_atomic(&path, &bytes)
    })
    .await;
    match res {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("apig-emulator: writing {}: {e}", p.path.display()),
        Err(e) => eprintln!("apig-emulator: state writer failed: {e}"),
    }
    p.done.send_modify(|g| *g = (*g).max(gen));
}

/// The writer task: one write per wake-up, covering every mutation so far.
pub async fn writer(emu: Arc<Emulator>) {
    let Some(p) = &emu.persist else { return };
    loop {
        p.wake.notified().await;
        write_now(&emu).await;
    }
}

/// Writes `bytes` to a new file beside `path`, then renames it over
/// `path`. The temporary name is unpredictable and created exclusively
/// (`O_EXCL` also refuses a symlink planted there), so nothing is written
/// through a link; readers see the old or the new file, never a part.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for _ in 0..16 {
        let tmp = dir.join(format!(".{name}.{:016x}.tmp", rand::random::<u64>()));
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .mode(0o600)
            .open(&tmp)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        let written = file
            .write_all(bytes)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        return written;
    }
    Err(std::io::Error::other("no free temporary file name"))
}

#[cfg(test)]
mod tests {
    use super::write_atomic;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn temporary_file_is_private_and_never_followed() {
        let dir = std::env::temp_dir().join(format!("emu-persist-{:016x}", rand::random::<u64>()));
        std::fs::create_dir(&dir).unwrap();
        let state = dir.join("state.json");
        let victim = dir.join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        // Links at the names a predictable writer would use.
        for guess in [
            format!("state.json.tmp{}", std::process::id()),
            "state.json.tmp".to_string(),
            ".state.json.tmp".to_string(),
        ] {
            std::os::unix::fs::symlink(&victim, dir.join(guess)).unwrap();
        }
        write_atomic(&state, b"{\"version\":1}").unwrap();
        write_atomic(&state, b"{\"version\":2}").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(std::fs::read_to_string(&state).unwrap(), "{\"version\":2}");
        let mode = std::fs::metadata(&state).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "state file mode {mode:o}");
        // Nothing left beside it but the planted links and the victim.
        let left = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(left, 5);
        // A state-file path that is itself a link is replaced, not written through.
        let linked = dir.join("linked.json");
        std::os::unix::fs::symlink(&victim, &linked).unwrap();
        write_atomic(&linked, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(!std::fs::symlink_metadata(&linked)
            .unwrap()
            .file_type()
            .is_symlink());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
