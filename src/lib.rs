//! keylint: a static secret-leak scanner.
//!
//! Data flows one way: `sources` (bytes and where they live) -> `engine`
//! (matches) -> `finding` (positions, fingerprints) -> `suppress` -> `report`.

pub mod app;
pub mod cli;
pub mod config;
pub mod credfiles;
pub mod engine;
pub mod finding;
pub mod fingerprint;
pub mod hooks;
pub mod progress;
pub mod projects;
pub mod report;
pub mod rules;
pub mod scan;
pub mod sources;
pub mod suppress;
