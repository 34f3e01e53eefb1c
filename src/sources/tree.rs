//! `keylint scan PATH...`: the files under each path (and standard input
//! for `-`), walked in parallel, each handed to the sink as it is read.

use std::path::PathBuf;
use std::sync::Mutex;

use super::fs::{self, WalkEvent};
use super::{Batch, BlobSink, NoContext, ReadLog, Scanned, WalkOptions};
use crate::model::Origin;

/// What `keylint scan` walks: paths (a `-` means standard input).
pub struct TreeScan {
    pub roots: Vec<PathBuf>,
    pub walk: WalkOptions,
}

impl TreeScan {
    pub fn run<S: BlobSink>(&self, sink: &S) -> anyhow::Result<Scanned<S::Batch>> {
        let (stdin, paths): (Vec<_>, Vec<_>) = self
            .roots
            .iter()
            .cloned()
            .partition(|p| p.as_os_str() == "-");
        let roots = fs::check_roots(&paths)?;
        let scanned = Mutex::new(Scanned {
            log: ReadLog::default(),
            batch: S::Batch::default(),
        });
        if !stdin.is_empty() {
            let origin = Origin {
                path: "<stdin>".into(),
                root_relative: "stdin".into(),
                commit: None,
            };
            let mut scanned = scanned.lock().unwrap();
            match fs::read_stdin(&self.walk) {
                Ok(bytes) => {
                    let Scanned { log, batch } = &mut *scanned;
                    log.scanned(&bytes);
                    sink.blob(batch, &origin, &bytes, &NoContext);
                }
                Err(reason) => scanned.log.skip(&origin, reason),
            }
        }
        fs::walk(&roots, &self.walk, &|event| match event {
            WalkEvent::File { origin, data } => {
                // Match outside the lock: the sink is the expensive part.
                let mut local = S::Batch::default();
                sink.blob(&mut local, &origin, &data, &NoContext);
                let mut scanned = scanned.lock().unwrap();
                scanned.log.scanned(&data);
                scanned.batch.merge(local);
            }
            WalkEvent::Skipped { origin, reason } => {
                scanned.lock().unwrap().log.skip(&origin, reason)
            }
            WalkEvent::Warning(message) => scanned.lock().unwrap().log.warnings.push(message),
        })?;
        let mut scanned = scanned.into_inner().unwrap();
        // The walker's threads race: warnings in a stable order.
        scanned.log.warnings.sort();
        Ok(scanned)
    }
}
