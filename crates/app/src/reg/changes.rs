//! A registration's change notices and abolition (REG-6).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use nintei_domain::authz::reg::{self as authz, RegistrationAction};
use nintei_domain::org::Prefecture;
use nintei_domain::reg::changes::{ChangeSet, Registered, SiteChange};
use nintei_domain::reg::criteria::criteria;
use nintei_domain::reg::dates::RegistrationNumber;
use nintei_domain::reg::findings::findings;
use nintei_domain::reg::publication::PublicDisclosure;
use nintei_store::reg_changes::{self, ChangeNotice};
use nintei_store::registrations::{self, Listed, Registration};
use nintei_store::{AuditEvent, Tx, audit, organizations};
use serde::Deserialize;
use serde_json::{Value, json};

use super::application::{
    CounselorInput, DisclosureInput, PsychiatristInput, parse_counselors, parse_disclosure,
    parse_psychiatrists,
};
use super::{Check, LONG_TEXT, SHORT_TEXT, commit, conflict, invalid_to_fields, move_registration};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------------------------
// Registrations, changes and abolition (REG-6)

/// A registration the caller may see (by number), or 404.
pub async fn visible_registration(
    state: &AppState,
    caller: &Caller,
    number: &str,
) -> AppResult<Registration> {
    let number = RegistrationNumber::parse(number).map_err(|_| AppError::NotFound)?;
    let reg = registrations::by_number(state.db.pool(), &number.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::View,
        &reg.organization_id,
    ))?;
    Ok(reg)
}

/// A registration the caller may see (by number) with its organization's and room's names and the room's
/// address, or 404.
pub async fn visible_listing(state: &AppState, caller: &Caller, number: &str) -> AppResult<Listed> {
    let reg = visible_registration(state, caller, number).await?;
    registrations::listed_by_number(state.db.pool(), &reg.number)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SiteChangeInput {
    pub name: Option<String>,
    pub prefecture: Option<String>,
    pub address: Option<String>,
}

/// `POST /api/v1/registrations/{number}/changes`: the new values of what changed (REG-6).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ChangeInput {
    pub notified_on: String,
    /// The day the change took effect (defaults to the notice day).
    pub changed_on: Option<String>,
    pub counselors: Option<Vec<CounselorInput>>,
    pub psychiatrists: Option<Vec<PsychiatristInput>>,
    pub disclosure: Option<DisclosureInput>,
    pub site: Option<SiteChangeInput>,
    pub note: Option<String>,
}

fn registered(reg: &Registration) -> Registered {
    Registered {
        counselors: reg.counselors.clone(),
        psychiatrists: reg.psychiatrists.clone(),
        disclosure: reg.disclosure_answers.clone(),
    }
}

/// The checklist as all confirmed: a change notice does not repeat the self-confirmation, so only what the
/// changed data itself shows is found.
fn all_confirmed() -> BTreeMap<String, bool> {
    criteria().iter().map(|c| (c.code.to_owned(), true)).collect()
}

/// Notifies a change of registered matters (REG-6).
pub async fn notify_change(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &ChangeInput,
) -> AppResult<ChangeNotice> {
    let reg = visible_registration(state, caller, number).await?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::Notify,
        &reg.organization_id,
    ))?;
    let today = state.clock.today();
    let mut check = Check::default();
    let notified_on = check.past_date("notified_on", &input.notified_on, today);
    let changed_on = match input.changed_on.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => check.date("changed_on", s),
        None => notified_on,
    };
    check.not_before("notified_on", notified_on, reg.first_registered_on, "登録日");
    let set = ChangeSet {
        counselors: input.counselors.as_ref().map(|c| parse_counselors(&mut check, c)),
        psychiatrists: input
            .psychiatrists
            .as_ref()
            .map(|p| parse_psychiatrists(&mut check, p)),
        disclosure: input.disclosure.as_ref().map(|d| parse_disclosure(&mut check, d)),
        site: input.site.as_ref().map(|s| SiteChange {
            name: s
                .name
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| check.text("site.name", v, SHORT_TEXT)),
            prefecture: s.prefecture.as_deref().filter(|v| !v.trim().is_empty()).map(|v| {
                match Prefecture::from_code(v.trim()) {
                    Ok(p) => p.code().to_owned(),
                    Err(e) => {
                        check.add("site.prefecture", e.to_string());
                        String::new()
                    }
                }
            }),
            address: s
                .address
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| check.text("site.address", v, 300)),
        }),
    };
    let mut set = set;
    if let Some(change) = set.site.as_mut() {
        let sites = organizations::sites(state.db.pool(), &reg.organization_id).await?;
        if let Some(site) = sites.iter().find(|s| s.id == reg.site_id) {
            check_site_change(&mut check, change, site);
        }
    }
    let note = check.optional_text("note", input.note.as_deref().unwrap_or_default(), LONG_TEXT);
    let current = registered(&reg);
    let kinds: Vec<String> = set.kinds(&current).into_iter().map(str::to_owned).collect();
    if kinds.is_empty() && check.errors.is_empty() {
        check.add(
            "changes",
            "変更する事項がありません（登録内容と同じです） (nothing differs from the registered data)",
        );
    }
    let after = set.apply(&current);
    let found = match findings(
        &all_confirmed(),
        &after.counselors,
        &after.psychiatrists,
        &after.disclosure,
    ) {
        Ok(f) => f,
        Err(e) => {
            invalid_to_fields(&mut check, &e);
            Vec::new()
        }
    };
    check.finish()?;
    let (Some(notified_on), Some(changed_on)) = (notified_on, changed_on) else {
        return Err(AppError::BadRequest("invalid notice".into()));
    };
    if !reg.status.is_in_force() {
        return Err(conflict(format!(
            "登録{}は「{}」のため変更の届出はできません",
            reg.number,
            reg.status.label_ja()
        )));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let mut notice = ChangeNotice {
        id: String::new(),
        registration_id: reg.id.clone(),
        organization_id: reg.organization_id.clone(),
        notified_on,
        changed_on,
        kinds: kinds.clone(),
        changes: set,
        note,
        findings: found.clone(),
        status: "notified".into(),
        acknowledged_on: None,
        acknowledged_by: None,
        version: 1,
        created_by: caller.user.id.clone(),
        created_at: now.timestamp(),
        closed_on: None,
        close_reason: None,
    };
    notice.id = reg_changes::insert(&mut tx, &notice, now.timestamp()).await?;
    let changes = audit::created(&[
        ("registration_number", json!(reg.number)),
        ("notified_on", json!(notified_on)),
        ("kinds", json!(kinds)),
        ("changes", json!(notice.changes)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_change.notify", "reg_change", &notice.id, changes),
    )
    .await?;
    commit(tx).await?;
    Ok(notice)
}

/// A change notice the caller may see, with its registration.
pub async fn visible_change(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<(ChangeNotice, Registration)> {
    let notice = reg_changes::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::View,
        &notice.organization_id,
    ))?;
    let reg = registrations::by_id(state.db.pool(), &notice.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((notice, reg))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AcknowledgeInput {
    pub acknowledged_on: String,
}

/// The office acknowledges a change notice; the registered data and the published listing follow (REG-6).
pub async fn acknowledge_change(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AcknowledgeInput,
) -> AppResult<ChangeNotice> {
    let (notice, _) = visible_change(state, caller, id).await?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::Acknowledge,
        &notice.organization_id,
    ))?;
    let mut check = Check::default();
    let on = check.past_date("acknowledged_on", &input.acknowledged_on, state.clock.today());
    check.not_before("acknowledged_on", on, notice.notified_on, "届出日");
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let notice = reg_changes::by_id(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reg = registrations::by_id(&mut *tx, &notice.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if notice.status != "notified" {
        return Err(conflict("この届出は受理済みです"));
    }
    if !reg.status.is_in_force() {
        return Err(conflict(format!(
            "登録{}は「{}」のため届出を反映できません",
            reg.number,
            reg.status.label_ja()
        )));
    }
    // REG-3, REG-6: a change that leaves the room short of the criteria is not published by acknowledging it;
    // the office refuses it or opens a REG-7 investigation.
    if !notice.findings.is_empty() {
        return Err(conflict(format!(
            "この届出の内容は登録基準を満たしていません（{}）。届出を却下するか、調査を開始してください",
            notice.findings.join("／")
        )));
    }
    // REG-6: a change dated in the future takes effect on its date, not when acknowledged.
    if notice.changed_on > state.clock.today() {
        if !reg_changes::schedule(
            &mut tx,
            &notice.id,
            notice.version,
            on,
            &caller.user.id,
            now.timestamp(),
        )
        .await?
        {
            return Err(conflict("この届出は受理済みです"));
        }
        let changes = audit::diff(&[
            ("status", json!("notified"), json!("scheduled")),
            ("acknowledged_on", Value::Null, json!(on)),
            ("changed_on", Value::Null, json!(notice.changed_on)),
            ("registration_number", Value::Null, json!(reg.number)),
        ]);
        audit::append(
            &mut tx,
            &caller.audit(now, "reg_change.acknowledge", "reg_change", &notice.id, changes),
        )
        .await?;
        commit(tx).await?;
        return reg_changes::by_id(state.db.pool(), id)
            .await?
            .ok_or(AppError::NotFound);
    }
    if !reg_changes::acknowledge(
        &mut tx,
        &notice.id,
        notice.version,
        on,
        &caller.user.id,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("この届出は受理済みです"));
    }
    let Some(public) = apply_notice(&mut tx, &reg, &notice, now.timestamp()).await? else {
        return Err(conflict("登録が同時に変更されました。もう一度お試しください"));
    };
    let changes = audit::diff(&[
        ("status", json!("notified"), json!("acknowledged")),
        ("acknowledged_on", Value::Null, json!(on)),
        ("registration_number", Value::Null, json!(reg.number)),
        ("disclosure", json!(reg.disclosure), json!(public)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_change.acknowledge", "reg_change", &notice.id, changes),
    )
    .await?;
    commit(tx).await?;
    reg_changes::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Applies a notice's changes to the registered data, the room and the directory (REG-6); `None` when the
/// registration changed concurrently.
async fn apply_notice(
    tx: &mut Tx,
    reg: &Registration,
    notice: &ChangeNotice,
    now: i64,
) -> AppResult<Option<PublicDisclosure>> {
    let after = notice.changes.apply(&registered(reg));
    let public = PublicDisclosure::new(&after.disclosure, &after.counselors, &after.psychiatrists);
    let data = registrations::Data {
        counselors: &after.counselors,
        psychiatrists: &after.psychiatrists,
        disclosure_answers: &after.disclosure,
        disclosure: &public,
    };
    if !registrations::update_data(tx, &reg.id, reg.version, &data, now).await? {
        return Ok(None);
    }
    if let Some(site) = &notice.changes.site {
        reg_changes::apply_site_change(
            tx,
            &reg.site_id,
            site.name.as_deref(),
            site.prefecture.as_deref(),
            site.address.as_deref(),
        )
        .await?;
    }
    crate::directory::reindex_registration(tx, &reg.number).await?;
    Ok(Some(public))
}

/// REG-6, REG-8: a notified move or renaming of the room: values equal to the room's are no change, and the
/// prefecture must agree with the address (400 naming the field).
fn check_site_change(check: &mut Check, change: &mut SiteChange, site: &nintei_store::organizations::Site) {
    if change.name.as_deref() == Some(site.name.as_str()) {
        change.name = None;
    }
    if change.prefecture.as_deref() == Some(site.prefecture.as_str()) {
        change.prefecture = None;
    }
    if change.address.as_deref().is_some_and(|a| {
        nintei_domain::reg::address::key(a) == nintei_domain::reg::address::key(&site.address)
    }) {
        change.address = None;
    }
    let prefecture = change.prefecture.as_deref().unwrap_or(&site.prefecture);
    let address = change.address.as_deref().unwrap_or(&site.address);
    if let Ok(p) = Prefecture::from_code(prefecture)
        && let Err(named) = nintei_domain::reg::address::check_prefecture(p, address)
    {
        check.add(
            "site.prefecture",
            format!(
                "所在地は{}ですが、都道府県は{}です (the address is in {})",
                named.name_ja(),
                p.name_ja(),
                named.name_en()
            ),
        );
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RefusalInput {
    pub refused_on: String,
    pub reason: String,
}

/// REG-6: the office refuses a change notice (typically one that breaks REG-3): nothing of it is applied.
pub async fn refuse_change(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &RefusalInput,
) -> AppResult<ChangeNotice> {
    let (notice, _) = visible_change(state, caller, id).await?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::Acknowledge,
        &notice.organization_id,
    ))?;
    let mut check = Check::default();
    let on = check.past_date("refused_on", &input.refused_on, state.clock.today());
    check.not_before("refused_on", on, notice.notified_on, "届出日");
    let reason = check.text("reason", &input.reason, LONG_TEXT);
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let notice = reg_changes::by_id(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !reg_changes::refuse(
        &mut tx,
        &notice.id,
        notice.version,
        on,
        &reason,
        &caller.user.id,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("この届出は既に処理されています"));
    }
    let changes = audit::diff(&[
        ("status", json!(notice.status), json!("refused")),
        ("closed_on", Value::Null, json!(on)),
        ("close_reason", Value::Null, json!(reason)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_change.refuse", "reg_change", &notice.id, changes),
    )
    .await?;
    commit(tx).await?;
    reg_changes::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// REG-6: scheduled change notices take effect on their day (the daily job), one audited transaction each; a
/// registration no longer in force has had them closed already.
pub(super) async fn apply_scheduled_changes(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = 0;
    for notice in reg_changes::scheduled_due(state.db.pool(), today, 1000).await? {
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        let Some(reg) = registrations::by_id(&mut *tx, &notice.registration_id).await? else {
            continue;
        };
        if !reg.status.is_in_force()
            || !reg_changes::mark_applied(&mut tx, &notice.id, notice.version, now.timestamp()).await?
        {
            continue;
        }
        let Some(public) = apply_notice(&mut tx, &reg, &notice, now.timestamp()).await? else {
            continue;
        };
        let event = AuditEvent {
            at: now,
            actor_id: None,
            actor_role: Some("system".into()),
            action: "reg_change.take_effect".into(),
            entity: "reg_change".into(),
            entity_id: notice.id.clone(),
            changes: audit::diff(&[
                ("status", json!("scheduled"), json!("acknowledged")),
                ("registration_number", Value::Null, json!(reg.number)),
                ("disclosure", json!(reg.disclosure), json!(public)),
            ]),
            request_id: format!("job:reg_expiry:{today}"),
        };
        audit::append(&mut tx, &event).await?;
        commit(tx).await?;
        done += 1;
    }
    Ok(done)
}

/// REG-6: abolitions notified in advance take effect on their day (the daily job).
pub(super) async fn abolish_due(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = 0;
    for reg in registrations::end_due(state.db.pool(), today, 1000).await? {
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        let Some(reg) = registrations::by_id(&mut *tx, &reg.id).await? else {
            continue;
        };
        let (Some(on), Ok(to)) = (reg.ended_on, reg.status.abolish()) else {
            continue;
        };
        let why = reg.end_reason.clone().unwrap_or_else(|| "廃止の届出".into());
        if !move_registration(&mut tx, &reg, to, Some((on, &why)), now.timestamp()).await? {
            continue;
        }
        let event = AuditEvent {
            at: now,
            actor_id: None,
            actor_role: Some("system".into()),
            action: "registration.abolish".into(),
            entity: "registration".into(),
            entity_id: reg.id.clone(),
            changes: audit::diff(&[
                ("status", json!(reg.status.as_str()), json!(to.as_str())),
                ("ended_on", Value::Null, json!(on)),
            ]),
            request_id: format!("job:reg_expiry:{today}"),
        };
        audit::append(&mut tx, &event).await?;
        commit(tx).await?;
        done += 1;
    }
    Ok(done)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AbolitionInput {
    pub abolished_on: String,
    pub reason: Option<String>,
}

/// The institution notifies the abolition of the registered room (REG-6): the registration ends at once.
pub async fn abolish(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &AbolitionInput,
) -> AppResult<Registration> {
    let reg = visible_registration(state, caller, number).await?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::Notify,
        &reg.organization_id,
    ))?;
    let mut check = Check::default();
    let today = state.clock.today();
    // REG-6: abolition may be notified in advance (a date in the future): the room stays registered until then.
    let on = check.date("abolished_on", &input.abolished_on);
    check.not_before("abolished_on", on, reg.first_registered_on, "登録日");
    let reason = check.optional_text("reason", input.reason.as_deref().unwrap_or_default(), LONG_TEXT);
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let reg = registrations::by_id(&mut *tx, &reg.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = reg.status.abolish().map_err(|e| conflict(e.to_string()))?;
    let why = if reason.is_empty() {
        "廃止の届出"
    } else {
        reason.as_str()
    };
    if on > today {
        if !registrations::schedule_end(&mut tx, &reg.id, reg.version, on, why, now.timestamp()).await? {
            return Err(conflict(format!(
                "登録{}の廃止の届出は受理済みです（{}）",
                reg.number,
                reg.ended_on.map(|d| d.to_string()).unwrap_or_default()
            )));
        }
        crate::directory::reindex_registration(&mut tx, &reg.number).await?;
        let changes = audit::diff(&[
            ("ended_on", Value::Null, json!(on)),
            ("end_reason", Value::Null, json!(why)),
        ]);
        audit::append(
            &mut tx,
            &caller.audit(
                now,
                "registration.abolish_notified",
                "registration",
                &reg.id,
                changes,
            ),
        )
        .await?;
        commit(tx).await?;
        return registrations::by_id(state.db.pool(), &reg.id)
            .await?
            .ok_or(AppError::NotFound);
    }
    if !move_registration(&mut tx, &reg, to, Some((on, why)), now.timestamp()).await? {
        return Err(conflict("登録が同時に変更されました"));
    }
    let changes = audit::diff(&[
        ("status", json!(reg.status.as_str()), json!(to.as_str())),
        ("ended_on", Value::Null, json!(on)),
        ("end_reason", Value::Null, json!(why)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "registration.abolish", "registration", &reg.id, changes),
    )
    .await?;
    commit(tx).await?;
    registrations::by_id(state.db.pool(), &reg.id)
        .await?
        .ok_or(AppError::NotFound)
}

// ---------------------------------------------------------------------------------------------------------------
// The change notice as the API reads it (REG-6)

/// A change notice with its registration's number.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChangeNoticeView {
    pub id: String,
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub registration_number: String,
    /// `notified`, `acknowledged`, `scheduled`, `refused` or `closed`.
    #[schema(pattern = "^(notified|acknowledged|scheduled|refused|closed)$")]
    pub status: String,
    pub notified_on: NaiveDate,
    pub changed_on: NaiveDate,
    pub kinds: Vec<String>,
    pub changes: ChangeSet,
    pub note: String,
    /// What the registered data would show unmet after the change (REG-3).
    pub findings: Vec<String>,
    pub acknowledged_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<String>,
}

impl ChangeNoticeView {
    pub fn of(n: &ChangeNotice, number: &str) -> Self {
        ChangeNoticeView {
            id: n.id.clone(),
            registration_number: number.to_owned(),
            status: n.status.clone(),
            notified_on: n.notified_on,
            changed_on: n.changed_on,
            kinds: n.kinds.clone(),
            changes: n.changes.clone(),
            note: n.note.clone(),
            findings: n.findings.clone(),
            acknowledged_on: n.acknowledged_on,
            closed_on: n.closed_on,
            close_reason: n.close_reason.clone(),
        }
    }
}

/// The notice `id` for `caller` (404 when they may not see it).
pub async fn change_view(state: &AppState, caller: &Caller, id: &str) -> AppResult<ChangeNoticeView> {
    let (n, reg) = visible_change(state, caller, id).await?;
    Ok(ChangeNoticeView::of(&n, &reg.number))
}

/// The notices waiting for the office's acknowledgement (the registrar).
pub async fn pending_change_views(state: &AppState, caller: &Caller) -> AppResult<Vec<ChangeNoticeView>> {
    use nintei_domain::authz::reg::RegGlobalAction;
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::ListAll))?;
    let pool = state.db.pool();
    let notices = reg_changes::unacknowledged(pool, super::case::LIST_LIMIT).await?;
    let mut items = Vec::new();
    for n in &notices {
        let number = registrations::by_id(pool, &n.registration_id)
            .await?
            .map(|r| r.number)
            .unwrap_or_default();
        items.push(ChangeNoticeView::of(n, &number));
    }
    Ok(items)
}
