//! The case's progress line (seed 第6章: 申込 → 受理 → セルフスタディ → 実地調査 → 報告 → 審査 → 結果): each step
//! with its date so far, the current one marked, and what the next step waits for — for whoever reads the case.

use nintei_domain::acc::{CaseStatus, Outcome};
use nintei_domain::role::Role;
use nintei_store::acc::Case;

use crate::i18n::{Lang, t as tr};

/// One step of the line.
pub struct Step {
    pub label: String,
    pub date: String,
    /// `done`, `current` or `todo` (a CSS class and, for the current one, `aria-current`).
    pub state: &'static str,
}

/// The line and the sentence saying what comes next (empty once the case has ended).
pub struct Progress {
    pub steps: Vec<Step>,
    pub next: String,
}

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The index of the step the case is at (7: every step done).
fn current(status: CaseStatus) -> usize {
    match status {
        CaseStatus::Submitted | CaseStatus::Ineligible => 1,
        CaseStatus::Accepted | CaseStatus::SelfStudy => 2,
        CaseStatus::SiteVisit => 3,
        CaseStatus::ReportIssued => 4,
        CaseStatus::Committee | CaseStatus::OnHold | CaseStatus::Deferred => 5,
        CaseStatus::Accredited | CaseStatus::Denied => 7,
        CaseStatus::Withdrawn | CaseStatus::Stopped => 7,
    }
}

/// The next step's key for `role` at `status` (`acc.next.<who>.<status>`), when one is waiting.
fn next_key(status: CaseStatus, role: Role) -> Option<String> {
    let who = match role {
        Role::Organization => "org",
        Role::Office | Role::Head | Role::Admin => "office",
        _ => return None,
    };
    let waiting = !matches!(
        status,
        CaseStatus::Accredited
            | CaseStatus::Denied
            | CaseStatus::Withdrawn
            | CaseStatus::Stopped
            | CaseStatus::Ineligible
    );
    waiting.then(|| format!("acc.next.{who}.{}", status.as_str()))
}

pub fn of(case: &Case, role: Role, lang: Lang) -> Progress {
    let dates = [
        day(Some(case.applied_on)),
        day(case
            .eligibility_decided_on
            .filter(|_| case.eligibility_decision == Some(true))),
        day(case.self_study_submitted_on),
        day(case.site_visit_on.filter(|_| current(case.status) > 3)),
        day(case.report_issued_on),
        day(case.decided_on),
        day(case.accredited_on.or(match case.outcome {
            Some(Outcome::Deny) => case.decided_on,
            _ => None,
        })),
    ];
    let at = current(case.status);
    let steps = [
        "acc.step.apply",
        "acc.step.accept",
        "acc.step.study",
        "acc.step.visit",
        "acc.step.report",
        "acc.step.committee",
        "acc.step.result",
    ]
    .iter()
    .zip(dates)
    .enumerate()
    .map(|(i, (key, date))| Step {
        label: tr(lang, key).to_owned(),
        date,
        state: if i < at {
            "done"
        } else if i == at {
            "current"
        } else {
            "todo"
        },
    })
    .collect();
    let next = next_key(case.status, role)
        .map(|k| {
            let text = tr(lang, &k);
            let due = match case.status {
                CaseStatus::Accepted | CaseStatus::SelfStudy => case.self_study_due_on,
                CaseStatus::SiteVisit => case.site_visit_on,
                CaseStatus::Deferred => case.grace_until,
                _ => None,
            };
            if text == k {
                String::new()
            } else if let Some(d) = due {
                format!("{text}（{}：{d}）", tr(lang, "acc.next.due"))
            } else {
                text.to_owned()
            }
        })
        .unwrap_or_default();
    Progress { steps, next }
}
