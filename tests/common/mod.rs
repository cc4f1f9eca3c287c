//! End-to-end harness: the real `terraform` (TF_ACC_TERRAFORM_PATH or the
//! one on PATH) against the built provider (dev_overrides) and the emulator:
//! `terraform.rs` runs Terraform, `emulator.rs` the `apig-emulator` process,
//! `hcl.rs` writes the configurations.
#![allow(dead_code)]

use std::path::Path;

mod emulator;
mod hcl;
mod terraform;

// Each suite uses part of the harness (hence also `dead_code` above).
#[allow(unused_imports)]
pub use emulator::*;
#[allow(unused_imports)]
pub use hcl::*;
#[allow(unused_imports)]
pub use terraform::*;

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const GATEWAY: &str = "eddc4d25480b4cd6b512f270a1b8b341";
pub const TOKEN: &str = "emulator-token";

/// The emulator's default key pair (`--ak` / `--sk`).
pub const AK: &str = "EMULATORACCESSKEY0001";
pub const SK: &str = "emulator-secret-key-0001";

/// First line of every Terraform-driven test: returns (skips the test, with
/// a line saying why) when no Terraform is found.
macro_rules! skip_without_terraform {
    () => {
        if $crate::common::no_terraform() {
            return;
        }
    };
}
pub(crate) use skip_without_terraform;

pub fn exists(p: &Path) -> bool {
    p.exists()
}
