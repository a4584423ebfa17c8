//! The background worker: claims due jobs from the job table and runs them. Safe to run in every instance.

use std::time::Duration;

use nintei_store::jobs::{self, Job, NewJob};
use nintei_store::{sessions, throttle, tokens};

use crate::state::AppState;

pub const SESSION_CLEANUP: &str = "session_cleanup";
/// Daily: registrations past their validity become expired (REG-4), unless a timely renewal is under review.
pub const REG_EXPIRY: &str = "reg_expiry";
/// Daily: the renewal notice 12 months before an accreditation's expiry (ACC-19).
pub const ACC_RENEWAL_NOTICE: &str = "acc_renewal_notice";
/// Daily: accreditations past their validity without renewal lapse (ACC-17 (4)).
pub const ACC_EXPIRY: &str = "acc_expiry";
/// Leases are long enough for any job here; a crashed worker's job is taken again after this.
pub const LEASE_SECS: i64 = 120;

/// Enqueues the hourly clean-up once per hour across all instances (the dedupe key carries the hour).
pub async fn schedule_recurring(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.unix();
    let key = format!("{SESSION_CLEANUP}:{}", now / 3600);
    let job = NewJob {
        kind: SESSION_CLEANUP,
        payload: "{}",
        dedupe_key: Some(&key),
        run_at: now,
        max_attempts: 5,
    };
    jobs::enqueue(&state.db, &job, now).await?;
    crate::reminders::schedule(state).await?;
    // Once per JST day across all instances; the payload carries the day so a late run still judges that day.
    // REG-4 expiry, ACC-19 renewal notices and ACC-17 expiry each run daily.
    let today = state.clock.today();
    let payload = serde_json::json!({ "date": today }).to_string();
    for kind in [REG_EXPIRY, ACC_RENEWAL_NOTICE, ACC_EXPIRY] {
        let key = format!("{kind}:{today}");
        let job = NewJob {
            kind,
            payload: &payload,
            dedupe_key: Some(&key),
            run_at: now,
            max_attempts: 5,
        };
        jobs::enqueue(&state.db, &job, now).await?;
    }
    Ok(())
}

/// Runs one job; an error leads to a retry with backoff.
pub async fn run_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let now = state.clock.unix();
    match job.kind.as_str() {
        SESSION_CLEANUP => {
            let s = sessions::delete_expired(&state.db, now).await?;
            let t = tokens::delete_expired(&state.db, now).await?;
            let a = throttle::delete_old(&state.db, now).await?;
            let i = nintei_store::idempotency::delete_old(&state.db, now).await?;
            tracing::info!(
                sessions = s,
                tokens = t,
                auth_events = a,
                idempotency_keys = i,
                "cleanup done"
            );
            Ok(())
        }
        crate::mail::SEND_MAIL => crate::mail::run_send_job(state, job).await,
        crate::reminders::DEADLINE_REMINDERS => {
            let sent = crate::reminders::run(state).await?;
            tracing::info!(sent, "deadline reminders");
            Ok(())
        }
        REG_EXPIRY => {
            let day = job_day(state, job)?;
            let expired = crate::reg::expire_due(state, day)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let attempts = nintei_store::reg_reports::delete_attempts_before(&state.db, now - 86_400).await?;
            tracing::info!(expired, report_attempts = attempts, %day, "registration expiry done");
            Ok(())
        }
        ACC_RENEWAL_NOTICE => {
            let day = job_day(state, job)?;
            let sent = crate::acc::renewal::send_renewal_notices(state, day)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            tracing::info!(sent, %day, "accreditation renewal notices");
            Ok(())
        }
        ACC_EXPIRY => {
            let day = job_day(state, job)?;
            let lapsed = crate::accr::expire_due(state, day)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            tracing::info!(lapsed, %day, "accreditation expiry done");
            Ok(())
        }
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
fn job_day(state: &AppState, job: &Job) -> anyhow::Result<chrono::NaiveDate> {
    let payload: serde_json::Value = serde_json::from_str(&job.payload)?;
    Ok(payload["date"]
        .as_str()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| state.clock.today())
        .min(state.clock.today()))
}
