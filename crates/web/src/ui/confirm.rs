//! The confirmation step (入力→確認→完了) before an action that cannot be undone: the form posts to its own address,
//! the screen restates what will happen with the values entered, and only the second post, carrying
//! `confirmed=1`, reaches the use case. The caller must be allowed the action before the restatement is shown.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use nintei_domain::acc::Outcome;
use nintei_domain::acc::record::{LapseReason, RevocationGround};

use crate::ui::{Page, render_status};

/// The hidden field that marks the second post.
pub const CONFIRMED: &str = "confirmed";

/// How an entered value is restated.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Date,
    Yen,
    Outcome,
    LapseReason,
    Ground,
    Method,
    AppealOutcome,
}

/// A gated action: the i18n key of its heading and consequence (`confirm.<key>` and `confirm.<key>.what`), and the
/// fields it restates with their labels.
pub struct Spec {
    key: &'static str,
    fields: &'static [(&'static str, &'static str, Kind)],
}

const DECISION: Spec = Spec {
    key: "decision",
    fields: &[
        ("outcome", "acc.outcome", Kind::Outcome),
        ("decided_on", "acc.decided_on", Kind::Date),
        ("grace_until", "acc.grace_until", Kind::Date),
        ("reason", "acc.reason", Kind::Text),
    ],
};
const VOTE: Spec = Spec {
    key: "vote",
    fields: &[("outcome", "acc.outcome", Kind::Outcome)],
};
const WITHDRAWAL: Spec = Spec {
    key: "withdrawal",
    fields: &[
        ("withdrawn_on", "acc.withdrawn_on", Kind::Date),
        ("reason", "acc.reason", Kind::Text),
    ],
};
const PAYMENT: Spec = Spec {
    key: "payment",
    fields: &[
        ("paid_on", "acc.paid_on", Kind::Date),
        ("amount_yen", "acc.amount_yen", Kind::Yen),
    ],
};
const SUSPENSION: Spec = Spec {
    key: "suspension",
    fields: &[
        ("suspended_on", "accr.date", Kind::Date),
        ("reason", "accr.reason", Kind::Text),
    ],
};
const LAPSE: Spec = Spec {
    key: "lapse",
    fields: &[
        ("reason", "accr.reason", Kind::LapseReason),
        ("occurred_on", "accr.date", Kind::Date),
        ("note", "accr.note", Kind::Text),
    ],
};
const REVOCATION: Spec = Spec {
    key: "revocation",
    fields: &[
        ("ground", "accr.ground", Kind::Ground),
        ("method", "accr.method", Kind::Method),
        ("decided_on", "accr.decided_on", Kind::Date),
        ("reason", "accr.reason", Kind::Text),
    ],
};

impl Spec {
    /// The page title's i18n key.
    pub fn title_key(&self) -> String {
        format!("confirm.{}", self.key)
    }
}

const APPEAL_VOTE: Spec = Spec {
    key: "appeal_vote",
    fields: &[("outcome", "appeal.outcome", Kind::AppealOutcome)],
};
const APPEAL_DECISION: Spec = Spec {
    key: "appeal_decision",
    fields: &[
        ("outcome", "appeal.outcome", Kind::AppealOutcome),
        ("decided_on", "acc.decided_on", Kind::Date),
        ("reason", "acc.reason", Kind::Text),
        ("cost_yen", "appeal.cost_yen", Kind::Yen),
    ],
};

/// The appeal steps (`/accreditation/appeals/{id}/{action}`) that ask for confirmation (ACC-21).
pub fn appeal_action(action: &str) -> Option<&'static Spec> {
    match action {
        "vote" => Some(&APPEAL_VOTE),
        "decision" => Some(&APPEAL_DECISION),
        _ => None,
    }
}

/// The case steps (`/accreditation/cases/{id}/{step}`) that ask for confirmation.
pub fn case_step(step: &str) -> Option<&'static Spec> {
    match step {
        "decision" => Some(&DECISION),
        "votes" => Some(&VOTE),
        "withdrawal" => Some(&WITHDRAWAL),
        "payment" => Some(&PAYMENT),
        _ => None,
    }
}

/// The accreditation actions (`/accreditations/{number}/{action}`) that ask for confirmation.
pub fn record_action(action: &str) -> Option<&'static Spec> {
    match action {
        "suspend" => Some(&SUSPENSION),
        "lapse" => Some(&LAPSE),
        "revoke" => Some(&REVOCATION),
        _ => None,
    }
}

/// Whether the post is the confirmed one.
pub fn confirmed(fields: &HashMap<String, String>) -> bool {
    fields.get(CONFIRMED).is_some_and(|v| v == "1")
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    p: Page,
    heading: String,
    what: String,
    rows: Vec<(String, String)>,
    action: String,
    hidden: Vec<(String, String)>,
    back: String,
}

/// The restatement of `spec` for `subject` (the organization and record concerned), posting again to `action` with
/// every field as entered; `back` returns to the record without doing anything.
pub fn page(
    p: Page,
    spec: &Spec,
    subject: &str,
    action: &str,
    fields: &HashMap<String, String>,
    back: &str,
) -> Response {
    let rows = spec
        .fields
        .iter()
        .filter_map(|(name, label, kind)| {
            let raw = fields.get(*name).map(|v| v.trim()).filter(|v| !v.is_empty())?;
            Some((p.t(label).to_owned(), restate(&p, *kind, raw)))
        })
        .collect();
    let mut hidden: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k.as_str() != "csrf" && k.as_str() != CONFIRMED)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    hidden.sort();
    let page = ConfirmPage {
        heading: p.t(&format!("confirm.{}", spec.key)).to_owned(),
        what: p
            .t(&format!("confirm.{}.what", spec.key))
            .replace("{subject}", subject),
        rows,
        action: action.to_owned(),
        hidden,
        back: back.to_owned(),
        p,
    };
    render_status(StatusCode::OK, &page)
}

fn restate(p: &Page, kind: Kind, raw: &str) -> String {
    let label = match kind {
        Kind::Text | Kind::Date => None,
        Kind::Yen => raw
            .replace([',', '，'], "")
            .parse::<u64>()
            .ok()
            .map(nintei_docs::format::en),
        Kind::Outcome => Outcome::parse(raw).map(|o| p.t(&format!("acc.outcome.{}", o.as_str())).to_owned()),
        Kind::LapseReason => LapseReason::parse(raw).map(|r| r.label_ja().to_owned()),
        Kind::Ground => RevocationGround::parse(raw).map(|g| g.label_ja().to_owned()),
        Kind::AppealOutcome => {
            nintei_domain::acc::appeal::AppealOutcome::parse(raw).map(|o| o.label_ja().to_owned())
        }
        Kind::Method => match raw {
            "meeting" => Some(p.t("accr.method_meeting").to_owned()),
            "poll" => Some(p.t("accr.method_poll").to_owned()),
            _ => None,
        },
    };
    label.unwrap_or_else(|| raw.to_owned())
}
