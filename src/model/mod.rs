//! The shared vocabulary of every stage, as plain data: a finding, where
//! it lives, what the suppress stage decided, a finished scan's counters,
//! and the few conventions all stages must agree on (how a secret is
//! redacted and fingerprinted, how sizes are written, what keylint's own
//! outputs look like).  It depends on nothing of the pipeline, only on the
//! rule library's metadata (`crate::rules`), so every stage may use it.

pub mod finding;
pub mod fingerprint;
pub mod marker;
pub mod origin;
pub mod own_output;
pub mod position;
pub mod redact;
pub mod result;
pub mod size;
pub mod suppression;

pub use finding::{Finding, Related, SnippetSecret};
pub use origin::{CommitInfo, Occurrence, Origin};
pub use result::{ScanResult, Skip, SkipReason, Stats};
pub use suppression::{Mechanism, Suppressed, Unused};
