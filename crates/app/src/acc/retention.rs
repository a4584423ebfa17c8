//! ACC-6 retention: the office keeps the self-study material until the renewal date, then destroys it (the daily
//! job's use case).

use chrono::NaiveDate;
use nintei_store::acc_study as store;
use nintei_store::{AuditEvent, StoreError, audit};
use serde_json::json;

use super::files;
use crate::error::AppResult;
use crate::input::iso;
use crate::state::AppState;

/// ACC-6, run by the daily job: destroys the self-study material (narratives and evidence files) of every case
/// whose renewal date has come, one audited transaction per case; the stored bytes go once no file row names
/// them. Returns how many cases' material was destroyed.
pub async fn destroy_due(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut destroyed = 0;
    for case_id in store::due_for_destruction(state.db.pool(), today).await? {
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        let Some((hashes, narratives)) = store::destroy(&mut tx, &case_id, today, now.timestamp()).await?
        else {
            continue;
        };
        let changes = json!({"destroyed_on": iso(today), "evidence_files": hashes.len(), "narratives": narratives,
                             "rule": "ACC-6"});
        audit::append(
            &mut tx,
            &AuditEvent {
                at: now,
                actor_id: None,
                actor_role: Some("system".into()),
                action: "acc_self_study.destroy".into(),
                entity: "acc_case".into(),
                entity_id: case_id.clone(),
                changes,
                request_id: format!("job:acc_self_study_destruction:{today}"),
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        for sha in hashes {
            if !store::hash_in_use(state.db.pool(), &sha).await? {
                let path = files::path_of(&state.config.files_dir, &sha);
                if let Err(e) = std::fs::remove_file(&path)
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    tracing::warn!(file = %path.display(), error = %e, "destroyed file not removed");
                }
            }
        }
        destroyed += 1;
    }
    Ok(destroyed)
}
