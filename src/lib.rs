//! Terraform provider for Huawei Cloud API Gateway VPC channels.
//!
//! - [`tfplugin`]: the plugin protocol (knows nothing of Huawei);
//! - [`apig`]: the APIG client (knows nothing of Terraform);
//! - [`provider`]: provider configuration and the resources mapping one to the other;
//! - [`emulator`]: the local APIG emulator, a binary of its own.

pub mod apig;
pub mod calendar;
pub mod emulator;
pub mod iam;
pub mod provider;
pub mod tfplugin;
