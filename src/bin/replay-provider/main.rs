//! The benchmark's replay floor. With `HW_REPLAY_RECORD=DIR` it is the real
//! provider and also writes every answer it gives to `DIR`; with
//! `HW_REPLAY_FROM=DIR` it answers each call from those recordings without
//! decoding a value or calling the API. Terraform then gets, byte for byte,
//! the provider's answers, renders the identical plan and costs what it
//! costs with any plugin: `scripts/bench` compares the provider with it.
//! A call with no recorded answer (a miss) fails and is appended to
//! `DIR/misses`. Not a provider for real use.
//!
//! A recording is one file per process and RPC, `rec-<rpc>-<pid>`, a series
//! of entries: request hash (u64), request length (u32), answer length
//! (u32), the answer (protobuf). Requests are keyed by hash so that
//! replaying reads only the answers.

use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hwprovider::provider::{HuaweiCloud, ADDRESS, NAME};
use hwprovider::tfplugin::grpc::facets::ListStream;
use hwprovider::tfplugin::grpc::handler::RpcResult;
use hwprovider::tfplugin::grpc::Server;
use hwprovider::tfplugin::launch;
use hwprovider::tfplugin::proto;
use hwprovider::tfplugin::proto::provider_server::Provider;
use prost::Message;
use tonic::{Request, Response, Status};

/// A request's identity: its length and a hash of its protobuf bytes.
type Key = (u64, u32);

fn key<M: Message>(m: &M) -> Key {
    let bytes = m.encode_to_vec();
    // SipHash with fixed keys: the same in every process of one binary.
    let mut h = std::hash::DefaultHasher::new();
    h.write(&bytes);
    (h.finish(), bytes.len() as u32)
}

fn encode_entry(k: Key, answer: &[u8]) -> Vec<u8> {
    let mut e = Vec::with_capacity(16 + answer.len());
    e.extend_from_slice(&k.0.to_le_bytes());
    e.extend_from_slice(&k.1.to_le_bytes());
    e.extend_from_slice(&(answer.len() as u32).to_le_bytes());
    e.extend_from_slice(answer);
    e
}

/// Entries of one recording file; None if it is cut short.
fn decode_entries(mut b: &[u8]) -> Option<Vec<(Key, Vec<u8>)>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let hash = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
        let len = u32::from_le_bytes(b.get(8..12)?.try_into().ok()?);
        let n = u32::from_le_bytes(b.get(12..16)?.try_into().ok()?) as usize;
        out.push(((hash, len), b.get(16..16 + n)?.to_vec()));
        b = &b[16 + n..];
    }
    Some(out)
}

/// Recorded answers of one RPC by request.
type Table = HashMap<Key, Vec<u8>>;

/// Every recorded answer of one RPC, from all the files in `dir`.
fn load(dir: &Path, rpc: &str) -> Table {
    let prefix = format!("rec-{rpc}-");
    let mut table = HashMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return table;
    };
    for f in entries.flatten() {
        if !f.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let bytes = std::fs::read(f.path()).unwrap_or_default();
        for (k, answer) in decode_entries(&bytes).unwrap_or_default() {
            table.entry(k).or_insert(answer);
        }
    }
    table
}

/// Answers served from a recording, one table per RPC, each read on the
/// RPC's first call.
struct Replay {
    dir: PathBuf,
    tables: Mutex<HashMap<&'static str, Arc<Table>>>,
}

impl Replay {
    fn answer<A: Message + Default>(&self, rpc: &'static str, k: Key) -> RpcResult<A> {
        let table = {
            let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
            tables
                .entry(rpc)
                .or_insert_with(|| Arc::new(load(&self.dir, rpc)))
                .clone()
        };
        match table.get(&k).map(|b| A::decode(b.as_slice())) {
            Some(Ok(a)) => Ok(Response::new(a)),
            _ => {
                let line = format!("{rpc} {:016x} {}\n", k.0, k.1);
                if let Ok(mut f) = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.dir.join("misses"))
                {
                    let _ = f.write_all(line.as_bytes());
                }
                Err(Status::not_found(format!(
                    "replay: no recorded answer for {rpc}"
                )))
            }
        }
    }
}

/// The real provider, writing each answer to `rec-<rpc>-<pid>` in `dir`.
struct Record {
    inner: Server<HuaweiCloud>,
    dir: PathBuf,
    files: Mutex<HashMap<&'static str, std::fs::File>>,
}

impl Record {
    fn write<A: Message>(&self, rpc: &'static str, k: Key, a: &A) -> Result<(), Status> {
        let entry = encode_entry(k, &a.encode_to_vec());
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let file = match files.entry(rpc) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let path = self.dir.join(format!("rec-{rpc}-{}", std::process::id()));
                let f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .map_err(|e| Status::internal(format!("{}: {e}", path.display())))?;
                v.insert(f)
            }
        };
        file.write_all(&entry)
            .map_err(|e| Status::internal(format!("recording {rpc}: {e}")))
    }
}

enum Plugin {
    Record(Record),
    Replay(Replay),
}

/// The tfplugin6 service: each unary RPC recorded or replayed alike.
macro_rules! replayed {
    ($($rpc:ident: $m:ident),* $(,)?) => {
        #[tonic::async_trait]
        impl Provider for Plugin {
            type ListResourceStream = ListStream;

            /// A stream (`terraform query`, never benchmarked): forwarded
            /// when recording, not recorded, so never replayed.
            async fn list_resource(
                &self,
                req: Request<proto::list_resource::Request>,
            ) -> RpcResult<ListStream> {
                match self {
                    Plugin::Record(r) => r.inner.list_resource(req).await,
                    Plugin::Replay(_) => Err(Status::unimplemented("replay: ListResource is not recorded")),
                }
            }

            $(async fn $rpc(
                &self,
                req: Request<proto::$m::Request>,
            ) -> RpcResult<proto::$m::Response> {
                let k = key(req.get_ref());
                match self {
                    Plugin::Replay(r) => r.answer(stringify!($rpc), k),
                    Plugin::Record(r) => {
                        let a = r.inner.$rpc(req).await?;
                        r.write(stringify!($rpc), k, a.get_ref())?;
                        Ok(a)
                    }
                }
            })*
        }
    };
}

replayed! {
    get_metadata: get_metadata,
    get_provider_schema: get_provider_schema,
    validate_provider_config: validate_provider_config,
    validate_resource_config: validate_resource_config,
    validate_data_resource_config: validate_data_resource_config,
    upgrade_resource_state: upgrade_resource_state,
    get_resource_identity_schemas: get_resource_identity_schemas,
    upgrade_resource_identity: upgrade_resource_identity,
    configure_provider: configure_provider,
    read_resource: read_resource,
    plan_resource_change: plan_resource_change,
    apply_resource_change: apply_resource_change,
    import_resource_state: import_resource_state,
    move_resource_state: move_resource_state,
    read_data_source: read_data_source,
    generate_resource_config: generate_resource_config,
    validate_list_resource_config: validate_list_resource_config,
    validate_ephemeral_resource_config: validate_ephemeral_resource_config,
    open_ephemeral_resource: open_ephemeral_resource,
    renew_ephemeral_resource: renew_ephemeral_resource,
    close_ephemeral_resource: close_ephemeral_resource,
    get_functions: get_functions,
    call_function: call_function,
    stop_provider: stop_provider,
}

/// Replays when `HW_REPLAY_FROM` is set, else records to `HW_REPLAY_RECORD`.
fn plugin(from: Option<PathBuf>, record: PathBuf) -> Plugin {
    match from {
        Some(dir) => Plugin::Replay(Replay {
            dir,
            tables: Mutex::default(),
        }),
        None => Plugin::Record(Record {
            inner: Server::new(Arc::new(HuaweiCloud::new())),
            dir: record,
            files: Mutex::default(),
        }),
    }
}

fn main() {
    let from = std::env::var_os("HW_REPLAY_FROM").map(PathBuf::from);
    let record = std::env::var_os("HW_REPLAY_RECORD").map(PathBuf::from);
    let record = match (&from, record) {
        (None, None) => {
            eprintln!(
                "replay-provider: set HW_REPLAY_RECORD=DIR (record) or HW_REPLAY_FROM=DIR (replay)"
            );
            std::process::exit(2);
        }
        (_, r) => r.unwrap_or_default(),
    };
    std::process::exit(launch::main_with_service(
        move || plugin(from, record),
        NAME,
        ADDRESS,
    ));
}

#[cfg(test)]
mod tests;
