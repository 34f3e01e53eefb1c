//! Stage 4, verification (after the engine and the project checks, before
//! suppression): asking a provider whether a found key is live and who
//! owns it.  Online checks are opt-in (`--verify`, not built yet); until
//! then the one implementation leaves every finding as it is, so a scan
//! makes no network call.

use crate::model::Finding;

/// What a verifier may do to the findings of a scan: annotate them (live
/// or revoked, owning project), never drop one.
pub trait Verifier: Sync {
    fn verify(&self, findings: &mut [Finding]);
}

/// The offline default: no finding is checked.
pub struct Offline;

impl Verifier for Offline {
    fn verify(&self, _findings: &mut [Finding]) {}
}
