//! Training sessions, enrolment and attendance (REG-9).

use nintei_domain::authz::reg::{self as authz, RegGlobalAction, RegistrationAction};
use nintei_domain::reg::dates::RegistrationNumber;
use nintei_domain::reg::validity;
use nintei_store::registrations::{self};
use nintei_store::{audit, reg_trainings};
use serde::Deserialize;
use serde_json::json;

use super::{Check, LONG_TEXT, SHORT_TEXT, commit, conflict};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------------------------
// Training (REG-9)

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TrainingInput {
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub description: Option<String>,
}

/// The office schedules a training session (it may lie in the future).
pub async fn create_training(state: &AppState, caller: &Caller, input: &TrainingInput) -> AppResult<String> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::ManageTraining))?;
    let mut check = Check::default();
    let title = check.text("title", &input.title, SHORT_TEXT);
    let held_on = check.date("held_on", &input.held_on);
    let place = check.text("place", &input.place, SHORT_TEXT);
    let description = check.optional_text(
        "description",
        input.description.as_deref().unwrap_or_default(),
        LONG_TEXT,
    );
    check.finish()?;
    let Some(held_on) = held_on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let t = reg_trainings::Training {
        id: String::new(),
        title,
        held_on,
        place,
        description,
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = reg_trainings::insert(&mut tx, &t, &caller.user.id, now.timestamp()).await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_training.create",
            "reg_training",
            &id,
            audit::created(&[
                ("title", json!(t.title)),
                ("held_on", json!(t.held_on)),
                ("place", json!(t.place)),
            ]),
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AttendanceInput {
    pub registration_number: String,
    pub counselor_name: String,
    pub attended: Option<bool>,
}

/// Records a counselor's attendance at a held session; the counselor must be one of the registration's.
pub async fn record_attendance(
    state: &AppState,
    caller: &Caller,
    training_id: &str,
    input: &AttendanceInput,
) -> AppResult<()> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::ManageTraining))?;
    let training = reg_trainings::by_id(state.db.pool(), training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut check = Check::default();
    let reg = match RegistrationNumber::parse(&input.registration_number) {
        Ok(n) => registrations::by_number(state.db.pool(), &n.to_string()).await?,
        Err(_) => None,
    };
    let name = check.text("counselor_name", &input.counselor_name, 100);
    match &reg {
        None => check.add(
            "registration_number",
            "該当する登録番号がありません (no such registration)",
        ),
        Some(r) if !name.is_empty() && !r.counselors.iter().any(|c| c.name.trim() == name) => check.add(
            "counselor_name",
            format!(
                "登録{}の相談対応者ではありません (not a counselor of this registration)",
                r.number
            ),
        ),
        Some(_) => {}
    }
    check.finish()?;
    let Some(reg) = reg else {
        return Err(AppError::BadRequest("registration".into()));
    };
    if training.held_on > state.clock.today() {
        return Err(conflict(format!(
            "この研修は{}に開催予定で、まだ出席を記録できません",
            training.held_on
        )));
    }
    if !reg.status.is_in_force() {
        return Err(conflict(format!(
            "登録{}は「{}」です",
            reg.number,
            reg.status.label_ja()
        )));
    }
    let attended = input.attended.unwrap_or(true);
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    reg_trainings::record_attendance(
        &mut tx,
        &training.id,
        &reg.id,
        &name,
        attended,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_training.attendance",
            "reg_training",
            &training.id,
            audit::created(&[
                ("registration_number", json!(reg.number)),
                ("counselor_name", json!(name)),
                ("attended", json!(attended)),
            ]),
        ),
    )
    .await?;
    commit(tx).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EnrolmentInput {
    pub registration_number: String,
    pub counselor_name: String,
}

/// REG-9: an institution enrols a counselor of its registered room in a coming session; the office (the user who
/// scheduled the session) is told by mail and sees the enrolment where it records attendance.
pub async fn enrol(
    state: &AppState,
    caller: &Caller,
    training_id: &str,
    input: &EnrolmentInput,
) -> AppResult<()> {
    let actor = caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ViewTraining))?;
    let training = reg_trainings::by_id(state.db.pool(), training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = state.clock.today();
    let mut check = Check::default();
    let reg = match RegistrationNumber::parse(&input.registration_number) {
        Ok(n) => registrations::by_number(state.db.pool(), &n.to_string()).await?,
        Err(_) => None,
    };
    // The institution enrols its own counselors (the office may enter one); another's registration: 404.
    if let Some(r) = &reg {
        AppError::check(authz::registration(
            &actor,
            RegistrationAction::Notify,
            &r.organization_id,
        ))?;
    }
    let name = check.text("counselor_name", &input.counselor_name, 100);
    match &reg {
        None => check.add(
            "registration_number",
            "該当する登録番号がありません (no such registration)",
        ),
        Some(r) if !name.is_empty() && !r.counselors.iter().any(|c| c.name.trim() == name) => check.add(
            "counselor_name",
            format!(
                "登録{}の相談対応者ではありません (not a counselor of this registration)",
                r.number
            ),
        ),
        Some(_) => {}
    }
    check.finish()?;
    let Some(reg) = reg else {
        return Err(AppError::BadRequest("registration".into()));
    };
    if training.held_on < today {
        return Err(conflict(format!("この研修は{}に開催済みです", training.held_on)));
    }
    if reg.public_status_on(today) != validity::PublicStatus::Registered {
        return Err(conflict(format!("登録{}は有効ではありません", reg.number)));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !reg_trainings::enrol(
        &mut tx,
        &training.id,
        &reg.id,
        &name,
        &caller.user.id,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("この相談対応者は申込み済みです"));
    }
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_training.enrol",
            "reg_training",
            &training.id,
            audit::created(&[
                ("registration_number", json!(reg.number)),
                ("counselor_name", json!(name)),
            ]),
        ),
    )
    .await?;
    if let Some(to) = reg_trainings::creator_email(&mut *tx, &training.id).await? {
        let body = format!(
            "研修「{}」（{}、{}）に申込みがありました。\n\n登録番号：{}\n相談対応者：{}\n\n\
             出席は研修の画面で記録してください：{}\n",
            training.title,
            training.held_on,
            training.place,
            reg.number,
            name,
            state
                .config
                .url(&format!("/registration/trainings/{}", training.id)),
        );
        let subject = format!("研修の申込み：{}", training.title);
        match crate::outbox::enqueue_mail(&mut tx, now.timestamp(), &to, &subject, &body).await {
            Ok(_) => {}
            Err(AppError::Validation(e)) => {
                tracing::warn!(training = %training.id, ?e, "REG-9 enrolment notice not queued: address");
            }
            Err(e) => return Err(e),
        }
    }
    commit(tx).await
}

// ---------------------------------------------------------------------------------------------------------------
// The training session as the API reads it (REG-9)

/// A training session.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrainingView {
    pub id: String,
    pub title: String,
    pub held_on: chrono::NaiveDate,
    pub place: String,
    pub description: String,
}

impl TrainingView {
    fn of(t: &reg_trainings::Training) -> Self {
        TrainingView {
            id: t.id.clone(),
            title: t.title.clone(),
            held_on: t.held_on,
            place: t.place.clone(),
            description: t.description.clone(),
        }
    }
}

/// A session with the counselors enrolled and their attendance (an organization sees its own only).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrainingDetail {
    #[serde(flatten)]
    pub training: TrainingView,
    pub attendance: Vec<AttendanceView>,
    pub enrolments: Vec<EnrolmentView>,
}

/// A counselor's attendance at the session.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AttendanceView {
    pub registration_number: String,
    pub counselor_name: String,
    pub attended: bool,
}

/// A counselor an institution enrolled in a session.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EnrolmentView {
    pub registration_number: String,
    pub counselor_name: String,
}

/// The sessions, for those who may see training.
pub async fn training_list(state: &AppState, caller: &Caller) -> AppResult<Vec<TrainingView>> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::ViewTraining))?;
    Ok(reg_trainings::list(state.db.pool(), super::case::LIST_LIMIT)
        .await?
        .iter()
        .map(TrainingView::of)
        .collect())
}

/// The session `id` with its enrolments and attendance as the caller may see them.
pub async fn training_detail(state: &AppState, caller: &Caller, id: &str) -> AppResult<TrainingDetail> {
    let actor = caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ViewTraining))?;
    let pool = state.db.pool();
    let t = reg_trainings::by_id(pool, id).await?.ok_or(AppError::NotFound)?;
    let attendance = reg_trainings::attendance(pool, id)
        .await?
        .into_iter()
        .filter(|a| authz::may_see(&actor, &a.organization_id))
        .map(|a| AttendanceView {
            registration_number: a.registration_number,
            counselor_name: a.counselor_name,
            attended: a.attended,
        })
        .collect();
    // REG-9: the counselors institutions enrolled (an organization sees its own).
    let enrolments = reg_trainings::enrolments(pool, id)
        .await?
        .into_iter()
        .filter(|e| authz::may_see(&actor, &e.organization_id))
        .map(|e| EnrolmentView {
            registration_number: e.registration_number,
            counselor_name: e.counselor_name,
        })
        .collect();
    Ok(TrainingDetail {
        training: TrainingView::of(&t),
        attendance,
        enrolments,
    })
}

/// The counselors a caller may pick on a session's page, as `("REG-…|氏名", "REG-… 室名 — 氏名")`.
#[derive(Debug, Default)]
pub struct CounselorChoices {
    /// The office records the attendance of any counselor of a registration in force.
    pub attendance: Vec<(String, String)>,
    /// An institution enrols the counselors of its own rooms registered today, in sessions still to come.
    pub enrolment: Vec<(String, String)>,
}

/// What `caller` may pick on the page of `training` (REG-9).
pub async fn counselor_choices(
    state: &AppState,
    caller: &Caller,
    training: &TrainingView,
) -> AppResult<CounselorChoices> {
    let actor = caller.actor();
    let pool = state.db.pool();
    let choice = |l: &registrations::Listed, c: &str| {
        (
            format!("{}|{c}", l.registration.number),
            format!("{} {} — {c}", l.registration.number, l.site_name),
        )
    };
    let mut choices = CounselorChoices::default();
    if authz::global(&actor, RegGlobalAction::ManageTraining).is_allowed() {
        for l in registrations::list(pool, None, 1000).await? {
            if l.registration.status.is_in_force() {
                for c in &l.registration.counselors {
                    choices.attendance.push(choice(&l, &c.name));
                }
            }
        }
    }
    let today = state.clock.today();
    if let (Some(org), true) = (actor.organization_id.as_deref(), training.held_on >= today) {
        for l in registrations::list(pool, Some(org), 1000).await? {
            if l.registration.public_status_on(today) == validity::PublicStatus::Registered {
                for c in &l.registration.counselors {
                    choices.enrolment.push(choice(&l, &c.name));
                }
            }
        }
    }
    Ok(choices)
}
