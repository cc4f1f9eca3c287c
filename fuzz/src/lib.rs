//! The fuzz targets' bodies, shared with the corpus replay in
//! `tests/fuzz_smoke.rs` (which includes `checks.rs` directly).

mod checks;

pub use checks::*;
