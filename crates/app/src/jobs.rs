//! The background worker: claims due jobs from the job table and runs them. Safe to run in every instance.
//!
//! Each kind of work is one struct (its payload) implementing [`BackgroundJob`]: the kind's name in the job table,
//! how often it is tried, and what it does. Enqueueing serializes the struct; running deserializes it again, so a
//! payload can never be read as another kind's.

use std::future::Future;
use std::time::Duration;

use chrono::NaiveDate;
use nintei_store::jobs::{self, Job, NewJob};
use nintei_store::{Db, sessions, throttle, tokens};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::state::AppState;

/// Leases are long enough for any job here; a crashed worker's job is taken again after this.
pub const LEASE_SECS: i64 = 120;

/// One kind of background work; the struct is its payload.
pub trait BackgroundJob: Serialize + DeserializeOwned + Send + Sync {
    /// The kind's name in the job table.
    const KIND: &'static str;
    /// Tries before the job table gives up (with its backoff: 30 s doubling, at most 1 h).
    const MAX_ATTEMPTS: i64 = 5;

    /// Does the work; an error leads to a retry with backoff. `job` is the row being run (attempts so far).
    fn run(self, state: &AppState, job: &Job) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Enqueues `job` to run at `run_at`; with a dedupe key, at most once however many instances ask.
pub async fn enqueue<J: BackgroundJob>(
    db: &Db,
    job: &J,
    dedupe_key: Option<&str>,
    run_at: i64,
    now: i64,
) -> anyhow::Result<bool> {
    let payload = serde_json::to_string(job)?;
    let row = NewJob {
        kind: J::KIND,
        payload: &payload,
        dedupe_key,
        run_at,
        max_attempts: J::MAX_ATTEMPTS,
    };
    Ok(jobs::enqueue(db, &row, now).await?)
}

/// Hourly: expired sessions, tokens, sign-in attempts, idempotency keys and old reset requests are deleted.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SessionCleanup {}

impl BackgroundJob for SessionCleanup {
    const KIND: &'static str = "session_cleanup";

    async fn run(self, state: &AppState, _job: &Job) -> anyhow::Result<()> {
        let now = state.clock.unix();
        let s = sessions::delete_expired(&state.db, now).await?;
        let t = tokens::delete_expired(&state.db, now).await?;
        let a = throttle::delete_old(&state.db, now).await?;
        let i = nintei_store::idempotency::delete_old(&state.db, now).await?;
        let r = nintei_store::password_resets::delete_old(&state.db, now).await?;
        tracing::info!(
            sessions = s,
            tokens = t,
            auth_events = a,
            idempotency_keys = i,
            password_resets = r,
            "cleanup done"
        );
        Ok(())
    }
}

/// Daily: the deadline reminders of the day (30, 7 and 1 days before; the day after).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct DeadlineReminders {}

impl BackgroundJob for DeadlineReminders {
    const KIND: &'static str = "deadline_reminders";

    async fn run(self, state: &AppState, _job: &Job) -> anyhow::Result<()> {
        let sent = crate::reminders::run(state).await?;
        tracing::info!(sent, "deadline reminders");
        Ok(())
    }
}

/// Sends one outbox row (enqueued by the store in the transaction that wrote the mail).
#[derive(Debug, Serialize, Deserialize)]
pub struct SendMail {
    pub outbox_id: String,
}

impl BackgroundJob for SendMail {
    const KIND: &'static str = nintei_store::mail::SEND_MAIL;
    const MAX_ATTEMPTS: i64 = nintei_store::mail::MAX_ATTEMPTS;

    async fn run(self, state: &AppState, job: &Job) -> anyhow::Result<()> {
        crate::outbox::send(state, &self.outbox_id, job.attempts >= job.max_attempts).await
    }
}

/// Daily: registrations past their validity become expired (REG-4), unless a timely renewal is under review.
#[derive(Debug, Serialize, Deserialize)]
pub struct RegExpiry {
    /// The day judged (a late run still judges that day).
    pub date: Option<NaiveDate>,
}

impl BackgroundJob for RegExpiry {
    const KIND: &'static str = "reg_expiry";

    async fn run(self, state: &AppState, _job: &Job) -> anyhow::Result<()> {
        let day = judged_day(state, self.date);
        let now = state.clock.unix();
        let expired = crate::reg::expire_due(state, day).await?;
        let attempts = nintei_store::reg_reports::delete_attempts_before(&state.db, now - 86_400).await?;
        tracing::info!(expired, report_attempts = attempts, %day, "registration expiry done");
        Ok(())
    }
}

/// Daily: the renewal notice 12 months before an accreditation's expiry (ACC-19).
#[derive(Debug, Serialize, Deserialize)]
pub struct AccRenewalNotice {
    pub date: Option<NaiveDate>,
}

impl BackgroundJob for AccRenewalNotice {
    const KIND: &'static str = "acc_renewal_notice";

    async fn run(self, state: &AppState, _job: &Job) -> anyhow::Result<()> {
        let day = judged_day(state, self.date);
        let sent = crate::acc::renewal::send_renewal_notices(state, day).await?;
        tracing::info!(sent, %day, "accreditation renewal notices");
        Ok(())
    }
}

/// Daily: accreditations past their validity without renewal lapse (ACC-17 (4)).
#[derive(Debug, Serialize, Deserialize)]
pub struct AccExpiry {
    pub date: Option<NaiveDate>,
}

impl BackgroundJob for AccExpiry {
    const KIND: &'static str = "acc_expiry";

    async fn run(self, state: &AppState, _job: &Job) -> anyhow::Result<()> {
        let day = judged_day(state, self.date);
        let lapsed = crate::acc::record::expire_due(state, day).await?;
        tracing::info!(lapsed, %day, "accreditation expiry done");
        Ok(())
    }
}

/// Daily: the self-study material of the reviews before a renewal is destroyed at the renewal date (ACC-6).
#[derive(Debug, Serialize, Deserialize)]
pub struct AccSelfStudyDestruction {
    pub date: Option<NaiveDate>,
}

impl BackgroundJob for AccSelfStudyDestruction {
    const KIND: &'static str = "acc_self_study_destruction";

    async fn run(self, state: &AppState, _job: &Job) -> anyhow::Result<()> {
        let day = judged_day(state, self.date);
        let destroyed = crate::acc::retention::destroy_due(state, day).await?;
        tracing::info!(destroyed, %day, "self-study material destroyed");
        Ok(())
    }
}

/// Enqueues the recurring work: the clean-up once per hour and the daily jobs once per JST day, across all
/// instances (the dedupe keys carry the hour or the day).
pub async fn schedule_recurring(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.unix();
    let db = &state.db;
    let hour = format!("{}:{}", SessionCleanup::KIND, now / 3600);
    enqueue(db, &SessionCleanup {}, Some(&hour), now, now).await?;
    let today = state.clock.today();
    let key = |kind: &str| format!("{kind}:{today}");
    enqueue(
        db,
        &DeadlineReminders {},
        Some(&key(DeadlineReminders::KIND)),
        now,
        now,
    )
    .await?;
    // The payload carries the day so a late run still judges that day.
    let date = Some(today);
    enqueue(db, &RegExpiry { date }, Some(&key(RegExpiry::KIND)), now, now).await?;
    enqueue(
        db,
        &AccRenewalNotice { date },
        Some(&key(AccRenewalNotice::KIND)),
        now,
        now,
    )
    .await?;
    enqueue(db, &AccExpiry { date }, Some(&key(AccExpiry::KIND)), now, now).await?;
    enqueue(
        db,
        &AccSelfStudyDestruction { date },
        Some(&key(AccSelfStudyDestruction::KIND)),
        now,
        now,
    )
    .await?;
    Ok(())
}

async fn run_as<J: BackgroundJob>(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let payload: J = serde_json::from_str(&job.payload)
        .map_err(|e| anyhow::anyhow!("payload of {} job {}: {e}", J::KIND, job.id))?;
    payload.run(state, job).await
}

/// Runs one job; an error leads to a retry with backoff.
pub async fn run_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    match job.kind.as_str() {
        SessionCleanup::KIND => run_as::<SessionCleanup>(state, job).await,
        DeadlineReminders::KIND => run_as::<DeadlineReminders>(state, job).await,
        SendMail::KIND => run_as::<SendMail>(state, job).await,
        RegExpiry::KIND => run_as::<RegExpiry>(state, job).await,
        AccRenewalNotice::KIND => run_as::<AccRenewalNotice>(state, job).await,
        AccExpiry::KIND => run_as::<AccExpiry>(state, job).await,
        AccSelfStudyDestruction::KIND => run_as::<AccSelfStudyDestruction>(state, job).await,
        other => anyhow::bail!("unknown job kind {other}"),
    }
}

/// Claims and runs every due job once; returns how many ran. Used by the loop and by tests.
pub async fn run_due(state: &AppState, worker: &str) -> anyhow::Result<usize> {
    let mut ran = 0;
    while let Some(job) = jobs::claim(&state.db, worker, state.clock.unix(), LEASE_SECS).await? {
        match run_job(state, &job).await {
            Ok(()) => {
                jobs::complete(&state.db, &job, worker, state.clock.unix()).await?;
            }
            Err(e) => {
                tracing::warn!(job = %job.id, kind = %job.kind, error = %e, "job failed");
                jobs::fail(&state.db, &job, worker, state.clock.unix(), &e.to_string()).await?;
            }
        }
        ran += 1;
    }
    Ok(ran)
}

/// The worker loop of `nintei serve`: every few seconds, schedule recurring work and run what is due.
pub async fn worker_loop(state: AppState, worker: String, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) = schedule_recurring(&state).await {
            tracing::warn!(error = %e, "scheduling failed");
        }
        if let Err(e) = run_due(&state, &worker).await {
            tracing::warn!(error = %e, "worker pass failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// The day a daily job judges: the one in its payload (a late run still judges that day), never after today (a
/// payload from the future would expire too early).
fn judged_day(state: &AppState, date: Option<NaiveDate>) -> NaiveDate {
    let today = state.clock.today();
    date.unwrap_or(today).min(today)
}
