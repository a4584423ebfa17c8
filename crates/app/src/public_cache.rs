//! The directory's answers kept in memory, valid while the directory's generation is the one they were read at
//! (ACC-23, REG-5: a listing change on any instance is seen at the next request).

use std::collections::HashMap;

use nintei_store::acc::PublicAccreditation;
use nintei_store::registrations::Listed;
use nintei_store::{StoreError, search};

use crate::error::AppResult;
/// Public query results kept in memory: the directory is read far more often than it changes. An entry
/// is used only while the directory's generation (moved in the same transaction as every listing change, on any
/// process) is the one it was read at; the accreditation results also key on the day (expiry). Bounded: it is
/// emptied when it holds [`PublicCache::MAX_ENTRIES`].
#[derive(Default)]
pub struct PublicCache {
    inner: std::sync::Mutex<CacheInner>,
    reads: GenerationReads,
    /// The misses being computed, one lock per entry: concurrent requests for the same missing entry compute it
    /// once (the first holds the lock, the others wait and then find it in the cache).
    computing: std::sync::Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Default)]
pub(crate) struct CacheInner {
    generation: Option<String>,
    pub(crate) registrations: HashMap<String, std::sync::Arc<Vec<Listed>>>,
    pub(crate) accreditations: HashMap<String, std::sync::Arc<Vec<PublicAccreditation>>>,
    /// When the published data last changed (Unix seconds), under the one key [`LAST_CHANGED`].
    pub(crate) last_changed: HashMap<String, Option<i64>>,
    /// The API's answers, serialized once per generation (a hit sends these bytes as they are).
    pub(crate) bodies: HashMap<String, std::sync::Arc<str>>,
    /// How many listings a filter finds on every page together (API.md `total`).
    pub(crate) totals: HashMap<String, i64>,
    /// Rendered public pages (tens of kilobytes each), capped apart: [`PublicCache::MAX_PAGES`].
    pub(crate) pages: HashMap<String, std::sync::Arc<str>>,
    /// Verifications' answers as sent (ACC-23, REG-5), found or not, by what they answer (the number, the day and
    /// the API or the page in its language), capped apart: [`PublicCache::MAX_VERIFIED`]. A status change moves
    /// the generation like any listing change, so a revocation shows at the next check.
    pub(crate) verified: HashMap<String, crate::directory::Verified>,
}

impl CacheInner {
    fn len(&self) -> usize {
        self.registrations.len()
            + self.accreditations.len()
            + self.last_changed.len()
            + self.bodies.len()
            + self.totals.len()
    }
}

pub(crate) const LAST_CHANGED: &str = "last_changed";

impl std::fmt::Debug for PublicCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PublicCache")
    }
}

impl PublicCache {
    pub const MAX_ENTRIES: usize = 512;
    /// At most this many rendered pages are kept (≈ 100 KB each with 100 listings: a few megabytes).
    pub const MAX_PAGES: usize = 64;
    /// At most this many verifications' answers are kept (≈ 1 KB for the API, ≈ 8 KB for a page: under 20 MB).
    pub const MAX_VERIFIED: usize = 2048;

    /// How many generation reads this process has sent: one serves every request that arrived before it was sent.
    pub fn generation_reads(&self) -> u64 {
        self.reads.lock().started
    }

    /// The locks of the misses being computed.
    fn computing(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>> {
        self.computing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The inner maps for `generation`, emptied when the generation moved or they are full.
    fn with<T>(&self, generation: &Option<String>, f: impl FnOnce(&mut CacheInner) -> T) -> T {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if inner.generation != *generation || inner.len() >= Self::MAX_ENTRIES {
            *inner = CacheInner {
                generation: generation.clone(),
                ..CacheInner::default()
            };
        }
        if inner.pages.len() >= Self::MAX_PAGES {
            inner.pages.clear();
        }
        if inner.verified.len() >= Self::MAX_VERIFIED {
            inner.verified.clear();
        }
        f(&mut inner)
    }
}

/// Reads of the directory's generation, shared: a request waits for a read that *started after it arrived* (so it
/// sees every change committed before it, on any instance), but concurrent requests share that one read instead
/// of each sending its own. Under load one read serves every request that arrived while the previous one ran, and
/// the requests the runtime already holds ready when a read is due: the reader lets them run before it sends.
/// On PostgreSQL two reads may be under way at once, on two connections: a request arriving while a read is out
/// sends the next at once instead of waiting for the first to come back (its wait is one round trip, not one and a
/// half). On SQLite a read is a call into the same process, where a second one only adds work: one at a time.
#[derive(Default)]
struct GenerationReads {
    readers: [search::GenerationReader; READERS],
    state: std::sync::Mutex<ReadsState>,
    finished: tokio::sync::Notify,
}

/// How many generation reads may be out at once (one connection each), at most.
const READERS: usize = 2;

/// How many generation reads may be out at once on `backend` (bench/RESULTS.md, session 17).
fn readers(backend: nintei_store::Backend) -> usize {
    match backend {
        nintei_store::Backend::Postgres => READERS,
        nintei_store::Backend::Sqlite => 1,
    }
}

#[derive(Default)]
struct ReadsState {
    /// Reads sent so far (numbered from 1).
    started: u64,
    /// The highest-numbered read that came back, and its value. Reads on two connections may come back out of
    /// order; a later-numbered read was sent later, so it serves every request an earlier one serves.
    newest: u64,
    value: Option<String>,
    /// A request holds a reader for the next read but has not sent it yet (it numbers it when it sends, so every
    /// request arriving meanwhile is served by it).
    due: bool,
    /// Which readers hold a read (due or out).
    busy: [bool; READERS],
}

/// Frees its reader (and the due read it had not sent) when dropped, also when the request that ran it is
/// cancelled.
struct Running<'a> {
    reads: &'a GenerationReads,
    reader: usize,
    sent: bool,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        {
            let mut s = self.reads.lock();
            s.busy[self.reader] = false;
            if !self.sent {
                s.due = false;
            }
        }
        self.reads.finished.notify_waiters();
    }
}

impl GenerationReads {
    fn lock(&self) -> std::sync::MutexGuard<'_, ReadsState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn read(&self, db: &nintei_store::Db) -> Result<Option<String>, StoreError> {
        // The first read sent from now on.
        let need = self.lock().started + 1;
        loop {
            let free = {
                let mut s = self.lock();
                if s.newest >= need {
                    return Ok(s.value.clone());
                }
                match s.busy[..readers(db.backend())].iter().position(|b| !b) {
                    Some(free) if !s.due => {
                        s.due = true;
                        s.busy[free] = true;
                        Ok(free)
                    }
                    // A due read will be numbered `need` or later; otherwise every reader is out with a read sent
                    // before this request arrived. Created under the lock: the wake-up cannot be missed.
                    _ => Err(self.finished.notified()),
                }
            };
            let reader = match free {
                Ok(reader) => reader,
                Err(notified) => {
                    notified.await;
                    continue;
                }
            };
            let mut running = Running {
                reads: self,
                reader,
                sent: false,
            };
            // Not sent yet: requests that arrive meanwhile need this read (their `need` is its number), so
            // letting the ready ones run first makes one read serve them too.
            tokio::task::yield_now().await;
            let number = {
                let mut s = self.lock();
                s.started += 1;
                s.due = false;
                running.sent = true;
                s.started
            };
            let value = self.readers[reader].read(db).await?;
            {
                let mut s = self.lock();
                if number > s.newest {
                    s.newest = number;
                    s.value = value.clone();
                }
            }
            drop(running);
            return Ok(value);
        }
    }
}

/// `read` through the cache map `slot` under `key`, valid for the directory's generation now.
pub(crate) async fn through<T, F>(
    state: &crate::state::AppState,
    slot: fn(&mut CacheInner) -> &mut HashMap<String, T>,
    key: String,
    read: F,
) -> AppResult<T>
where
    T: Clone,
    F: std::future::Future<Output = AppResult<T>>,
{
    let cache = &state.public_cache;
    let generation = cache.reads.read(&state.db).await?;
    if let Some(hit) = cache.with(&generation, |c| slot(c).get(&key).cloned()) {
        return Ok(hit);
    }
    // One computation per missing entry and generation: the others wait for it and read the cache. A waiter's
    // generation read began after it arrived, so the entry it finds under that generation is as fresh as a read
    // of its own. If the computing request fails or is cancelled, the next waiter computes.
    let flight = Flight::new(
        cache,
        format!("{} {generation:?} {key}", std::any::type_name::<T>()),
    );
    let _computing = flight.lock.lock().await;
    match cache.with(&generation, |c| slot(c).get(&key).cloned()) {
        Some(hit) => Ok(hit),
        None => read.await.inspect(|value| {
            cache.with(&generation, |c| slot(c).insert(key, value.clone()));
        }),
    }
}

/// The computation of one missing cache entry: its lock, shared by every request waiting for that entry, and
/// forgotten when the last of them is done (also when it is cancelled).
struct Flight<'a> {
    cache: &'a PublicCache,
    key: String,
    lock: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl<'a> Flight<'a> {
    fn new(cache: &'a PublicCache, key: String) -> Self {
        let lock = cache.computing().entry(key.clone()).or_default().clone();
        Flight { cache, key, lock }
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let mut computing = self.cache.computing();
        // Two references left (the map's and this one): nobody else holds or waits for the lock. Counted under
        // the map's mutex, which every new waiter takes to clone the lock.
        if std::sync::Arc::strong_count(&self.lock) <= 2 {
            computing.remove(&self.key);
        }
    }
}
