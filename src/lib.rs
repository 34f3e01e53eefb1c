//! keylint: a static secret-leak scanner.
//!
//! The stages, in the order data flows through them (each may use the ones
//! above it, never one below; `tests/layering.rs` holds the code to it, and
//! ARCHITECTURE.md says where the coming stages plug in):
//!
//! * `rules`, `model`: the rule library and the plain data every stage
//!   shares (findings, origins, suppression verdicts, a finished scan);
//! * `sources`: bytes and where they live (files, staged blobs, history);
//! * `decode`: encoded runs in the bytes -> decoded layers, scanned like
//!   the blob (base64, string escapes, percent-encoding; bounded);
//! * `engine`: bytes -> findings (keywords, regexes, verdicts, credential
//!   files, allow markers);
//! * `projects`: per-blob facts -> project-binding findings;
//! * `verify`: findings -> findings checked with their provider (opt-in);
//! * `suppress`: findings -> kept / suppressed, with the reason as data;
//! * `report`: a finished scan -> bytes, in six formats;
//! * `app`: the commands: command line, config file, and the pipeline
//!   that joins the stages.

pub mod app;
pub mod decode;
pub mod engine;
pub mod model;
pub mod projects;
pub mod report;
pub mod rules;
pub mod sources;
pub mod suppress;
pub mod verify;
