//! A bound on concurrent argon2 work: each hash holds 19 MiB for its duration, so an unbounded number of
//! sign-ins (even with unknown e-mails) could exhaust memory. At most one hash per core runs at once; a caller
//! that cannot get a turn within a short wait is answered "too busy" (429 with Retry-After) instead of queueing.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::Semaphore;

/// How long a request waits for a turn before it is refused.
const WAIT: Duration = Duration::from_secs(2);

/// Concurrent hashes: the number of cores (at least 2).
pub fn permits() -> usize {
    std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(2)
        .max(2)
}

fn semaphore() -> &'static Arc<Semaphore> {
    static SEM: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SEM.get_or_init(|| Arc::new(Semaphore::new(permits())))
}

/// Runs CPU- and memory-heavy `work` (a password hash) off the async workers when a turn is free within
/// [`WAIT`]; None when the server is too busy (or the work panicked).
pub async fn run<T, F>(work: F) -> Option<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let permit = tokio::time::timeout(WAIT, semaphore().clone().acquire_owned())
        .await
        .ok()?
        .ok()?;
    let out = tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    })
    .await
    .ok();
    out
}

/// The "too busy" answer's Retry-After, seconds.
pub const BUSY_RETRY_AFTER: i64 = 1;
