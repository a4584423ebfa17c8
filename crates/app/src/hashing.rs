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

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The hashing threads: exactly [`permits`] of them. Dedicated threads rather than tokio's blocking pool,
/// because the allocator keeps a freed 19 MiB block in the arena of the thread that used it: spread over the
/// blocking pool's many threads, memory would grow with the number of threads ever used, not with the bound.
fn workers() -> Option<&'static std::sync::mpsc::Sender<Job>> {
    static POOL: OnceLock<Option<std::sync::mpsc::Sender<Job>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for i in 0..permits() {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("nintei-hash-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        match job {
                            // A panicking job must not take the thread with it.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => return,
                        }
                    }
                });
            if spawned.is_err() {
                return None;
            }
        }
        Some(tx)
    })
    .as_ref()
}

/// Runs CPU- and memory-heavy `work` (a password hash) on a hashing thread when a turn is free within
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
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let out = work();
        drop(permit);
        let _ = tx.send(out);
    });
    workers()?.send(job).ok()?;
    rx.await.ok()
}

/// The "too busy" answer's Retry-After, seconds.
pub const BUSY_RETRY_AFTER: i64 = 1;

/// Hashes `password` (or, for an account invited to set its own, a random secret nobody knows) under the same bound
/// as every hash: a full house answers 429.
pub async fn hash_password(password: Option<&str>) -> crate::error::AppResult<String> {
    let pw = password.map_or_else(|| crate::security::random_token(32), str::to_owned);
    run(move || crate::security::hash_password(&pw))
        .await
        .ok_or(crate::error::AppError::TooManyRequests {
            retry_after: BUSY_RETRY_AFTER,
        })?
        .map_err(|e| crate::error::AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// No more hashes run at once than there are permits, and a caller who finds them all taken for longer than
    /// the wait is refused (the server answers 429) instead of queueing without bound.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_work_is_bounded_and_a_full_server_refuses() {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..(permits() * 4) {
            let (running, peak) = (running.clone(), peak.clone());
            tasks.push(tokio::spawn(run(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(100));
                running.fetch_sub(1, Ordering::SeqCst);
            })));
        }
        for t in tasks {
            assert!(
                t.await.unwrap().is_some(),
                "short work gets its turn within the wait"
            );
        }
        assert!(
            peak.load(Ordering::SeqCst) <= permits(),
            "{} at once",
            peak.load(Ordering::SeqCst)
        );
        // Every permit held for longer than the wait: the next caller is refused.
        let mut holders = Vec::new();
        for _ in 0..permits() {
            holders.push(tokio::spawn(run(|| {
                std::thread::sleep(WAIT + Duration::from_secs(1))
            })));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(run(|| ()).await.is_none(), "a full server refuses");
        for h in holders {
            assert!(h.await.unwrap().is_some());
        }
    }
}
