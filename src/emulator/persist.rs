//! The state file. A mutation answers only once a file holding it has been
//! renamed into place; one writer task batches the mutations that arrive
//! while it writes (group commit), so 50 parallel creates cost a few writes,
//! not 50.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};

use super::store::{ChannelsSer, StateFileIn, StateFileOut};
use super::Emulator;

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

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
