//! The matcher: bytes in, matches out.  It never knows where the bytes came
//! from (a file, a git blob, standard input).
//!
//! Speed comes from doing little: one Aho-Corasick pass finds every rule
//! keyword (ASCII case-insensitive); only rules whose keyword occurred run
//! their regex (linear time, no ReDoS), and single-line rules only on the
//! lines holding their keywords; the candidate secret then has to pass the
//! entropy, placeholder and checksum filters.

pub mod credential_names;
pub mod credfiles;
pub mod entropy;
mod examples;
pub mod file_kinds;
pub mod findings;
pub mod known_values;
pub mod markers;
mod matcher;
pub mod noise;
mod plan;
mod search;
mod verdict;

pub use examples::{ExampleFailure, check_examples};
pub use matcher::{Engine, Found};
pub use verdict::{RawMatch, accept_secret};
