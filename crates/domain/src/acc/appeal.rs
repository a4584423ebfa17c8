//! Appeals (不服申立て, ACC-21, seed 003 第10章): what may be appealed, the filing period, the review period and
//! its extension, who may decide, and how a poll is counted.
//!
//! Pure: every date is a parameter. The periods themselves are in [`super::dates`] (`appeal_due`,
//! `appeal_review_due`); this module applies them to a filing.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::{appeal_due, appeal_review_due};
use crate::calendar::OfficeCalendar;

/// The three decisions that may be appealed (seed 003 第10章2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppealSubject {
    /// 認定受審資格がないという決定 (a case decided `ineligible`).
    Ineligibility,
    /// 認定の否認 (a case decided `denied`).
    Denial,
    /// 認定の取消し (an accreditation `revoked`).
    Revocation,
}

impl AppealSubject {
    pub const ALL: [AppealSubject; 3] = [
        AppealSubject::Ineligibility,
        AppealSubject::Denial,
        AppealSubject::Revocation,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AppealSubject::Ineligibility => "ineligibility",
            AppealSubject::Denial => "denial",
            AppealSubject::Revocation => "revocation",
        }
    }

    pub fn parse(s: &str) -> Option<AppealSubject> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            AppealSubject::Ineligibility => "認定受審資格がないという決定",
            AppealSubject::Denial => "認定の否認",
            AppealSubject::Revocation => "認定の取消し",
        }
    }
}

/// The result of the review: the decision appealed stands (`upheld`, the appeal fails) or is set aside
/// (`overturned`, the appeal succeeds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    Upheld,
    Overturned,
}

impl AppealOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            AppealOutcome::Upheld => "upheld",
            AppealOutcome::Overturned => "overturned",
        }
    }

    pub fn parse(s: &str) -> Option<AppealOutcome> {
        match s {
            "upheld" => Some(AppealOutcome::Upheld),
            "overturned" => Some(AppealOutcome::Overturned),
            _ => None,
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            AppealOutcome::Upheld => "原処分維持（申立て棄却）",
            AppealOutcome::Overturned => "原処分取消し（申立て認容）",
        }
    }
}

/// How the committee decided (seed 003 第10章4(2)): in a meeting, or by the head asking each member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionMethod {
    Meeting,
    Polling,
}

impl DecisionMethod {
    pub const fn as_str(self) -> &'static str {
        match self {
            DecisionMethod::Meeting => "meeting",
            DecisionMethod::Polling => "polling",
        }
    }

    pub fn parse(s: &str) -> Option<DecisionMethod> {
        match s {
            "meeting" => Some(DecisionMethod::Meeting),
            "polling" => Some(DecisionMethod::Polling),
            _ => None,
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            DecisionMethod::Meeting => "認定委員会の会議",
            DecisionMethod::Polling => "本部長による各委員への賛否の照会",
        }
    }
}

/// Why a filing or a step of the review is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppealError {
    /// The day the decision became known lies before the decision itself.
    KnownBeforeDecision { decided_on: NaiveDate },
    /// The appeal is dated before the decision became known.
    AppealedBeforeKnown,
    /// Filed after the last day of the period (ACC-21).
    Late { due_on: NaiveDate },
    /// A new review due date must lie after the current one.
    NotLater { current: NaiveDate },
    /// A date left chrono's range.
    OutOfRange,
}

impl AppealError {
    /// Input that contradicts itself (400) rather than a rule that forbids it now (409).
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            AppealError::KnownBeforeDecision { .. }
                | AppealError::AppealedBeforeKnown
                | AppealError::OutOfRange
        )
    }
}

impl fmt::Display for AppealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppealError::KnownBeforeDecision { decided_on } => write!(
                f,
                "処分を知った日が処分の日（{decided_on}）より前です (known before the decision)"
            ),
            AppealError::AppealedBeforeKnown => {
                write!(
                    f,
                    "不服申立ての日が処分を知った日より前です (appealed before known)"
                )
            }
            AppealError::Late { due_on } => write!(
                f,
                "ACC-21: 不服申立ての期間（処分を知った日の翌日から起算して1ヶ月）は {due_on} に終了しています \
                 (the filing period ended on {due_on})"
            ),
            AppealError::NotLater { current } => write!(
                f,
                "新しい審査期限は現在の期限（{current}）より後の日にしてください (must be after the current due date)"
            ),
            AppealError::OutOfRange => write!(f, "日付を計算できません (date out of range)"),
        }
    }
}

/// The dates of a filing that is in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filing {
    /// The last day of the filing period (art. 142 applied per the office's setting).
    pub filing_due_on: NaiveDate,
    /// The review's due date: 2 months from receipt.
    pub review_due_on: NaiveDate,
}

/// ACC-21: checks a filing. `decided_on` is the decision appealed, `known_on` the day the organization learned of
/// it, `appealed_on` the date of the appeal, `received_on` the day the office received it. The appeal must be made
/// "知った日の翌日から起算して1ヶ月以内": known 2026-01-15 → by 2026-02-15, a Sunday → 2026-02-16 with the
/// office's art. 142 setting on. The review is due 2 months from receipt.
pub fn check_filing(
    decided_on: NaiveDate,
    known_on: NaiveDate,
    appealed_on: NaiveDate,
    received_on: NaiveDate,
    office: &OfficeCalendar,
) -> Result<Filing, AppealError> {
    if known_on < decided_on {
        return Err(AppealError::KnownBeforeDecision { decided_on });
    }
    if appealed_on < known_on || received_on < appealed_on {
        return Err(AppealError::AppealedBeforeKnown);
    }
    let filing_due_on = appeal_due(known_on, office).ok_or(AppealError::OutOfRange)?;
    if appealed_on > filing_due_on {
        return Err(AppealError::Late {
            due_on: filing_due_on,
        });
    }
    let review_due_on = appeal_review_due(received_on).ok_or(AppealError::OutOfRange)?;
    Ok(Filing {
        filing_due_on,
        review_due_on,
    })
}

/// ACC-21 as the office applies it: the month counts from the *recorded* receipt of the notice when the office
/// recorded it (the filer's own `known_on` only when nothing is recorded), and lateness is judged on the day the
/// office received the filing, not on the date the filer wrote on it.
pub fn check_filing_on_record(
    decided_on: NaiveDate,
    recorded_receipt: Option<NaiveDate>,
    known_on: NaiveDate,
    appealed_on: NaiveDate,
    received_on: NaiveDate,
    office: &OfficeCalendar,
) -> Result<Filing, AppealError> {
    let known = recorded_receipt.unwrap_or(known_on);
    if known < decided_on || known_on < decided_on {
        return Err(AppealError::KnownBeforeDecision { decided_on });
    }
    if appealed_on < known_on || received_on < appealed_on {
        return Err(AppealError::AppealedBeforeKnown);
    }
    let filing_due_on = appeal_due(known, office).ok_or(AppealError::OutOfRange)?;
    if received_on > filing_due_on {
        return Err(AppealError::Late {
            due_on: filing_due_on,
        });
    }
    let review_due_on = appeal_review_due(received_on).ok_or(AppealError::OutOfRange)?;
    Ok(Filing {
        filing_due_on,
        review_due_on,
    })
}

/// ACC-21: the review period may be extended when the committee asks for more information; the new due date must
/// lie after the current one and after the request.
pub fn extend_review(
    current: NaiveDate,
    requested_on: NaiveDate,
    new_due_on: NaiveDate,
) -> Result<NaiveDate, AppealError> {
    if new_due_on <= current || new_due_on <= requested_on {
        return Err(AppealError::NotLater { current });
    }
    Ok(new_due_on)
}

/// Why a committee member may not take part in deciding an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    /// Took part in the decision appealed (voted on it or recorded it).
    Involved,
    /// Declared a conflict of interest with the organization (ACC-8).
    Conflicted,
}

impl Exclusion {
    pub const fn message_ja(self) -> &'static str {
        match self {
            Exclusion::Involved => {
                "ACC-21: 不服申立ての対象となった処分に関与した委員は審査に加われません (involved in the decision appealed)"
            }
            Exclusion::Conflicted => {
                "ACC-8: 利益相反を申告した委員は審査に加われません (declared conflict of interest)"
            }
        }
    }
}

/// May a committee member decide this appeal? Not if they took part in the decision appealed, nor with a
/// declared conflict (ACC-8).
pub fn member_exclusion(user_id: &str, involved: &[String], conflicted: bool) -> Option<Exclusion> {
    if involved.iter().any(|i| i == user_id) {
        Some(Exclusion::Involved)
    } else if conflicted {
        Some(Exclusion::Conflicted)
    } else {
        None
    }
}

/// The outcome of a poll (本部長が委員一人一人に賛否を尋ねる方法): the majority of the answers; `None` when there
/// is no answer or the answers are tied (the head asks again or convenes a meeting).
pub fn poll_result(answers: &[AppealOutcome]) -> Option<AppealOutcome> {
    let upheld = answers.iter().filter(|a| **a == AppealOutcome::Upheld).count();
    let overturned = answers.len() - upheld;
    match upheld.cmp(&overturned) {
        std::cmp::Ordering::Greater => Some(AppealOutcome::Upheld),
        std::cmp::Ordering::Less => Some(AppealOutcome::Overturned),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn acc_21_filing_period_counts_from_the_day_after_known() {
        let office = OfficeCalendar::default();
        // docs/rules.md: known 2026-01-15 → by 2026-02-15, a Sunday → 2026-02-16 (art. 142).
        let f = check_filing(
            d(2026, 1, 10),
            d(2026, 1, 15),
            d(2026, 2, 16),
            d(2026, 2, 16),
            &office,
        )
        .unwrap();
        assert_eq!(f.filing_due_on, d(2026, 2, 16));
        assert_eq!(f.review_due_on, d(2026, 4, 16));
        assert_eq!(
            check_filing(
                d(2026, 1, 10),
                d(2026, 1, 15),
                d(2026, 2, 17),
                d(2026, 2, 17),
                &office
            ),
            Err(AppealError::Late {
                due_on: d(2026, 2, 16)
            })
        );
        // Known 2026-01-30 → counting starts 01-31 → 2026-02-28, a Saturday → 2026-03-02.
        let f = check_filing(
            d(2026, 1, 30),
            d(2026, 1, 30),
            d(2026, 3, 2),
            d(2026, 3, 2),
            &office,
        )
        .unwrap();
        assert_eq!(f.filing_due_on, d(2026, 3, 2));
    }

    #[test]
    fn acc_21_filing_period_without_the_art_142_setting() {
        let office = OfficeCalendar {
            roll_forward: false,
            ..OfficeCalendar::default()
        };
        let late = check_filing(
            d(2026, 1, 10),
            d(2026, 1, 15),
            d(2026, 2, 16),
            d(2026, 2, 16),
            &office,
        );
        assert_eq!(
            late,
            Err(AppealError::Late {
                due_on: d(2026, 2, 15)
            })
        );
        let f = check_filing(
            d(2026, 1, 30),
            d(2026, 1, 30),
            d(2026, 2, 28),
            d(2026, 2, 28),
            &office,
        )
        .unwrap();
        assert_eq!(f.filing_due_on, d(2026, 2, 28));
    }

    #[test]
    fn acc_21_dates_must_be_in_order() {
        let office = OfficeCalendar::default();
        let e = check_filing(
            d(2026, 1, 10),
            d(2026, 1, 9),
            d(2026, 1, 20),
            d(2026, 1, 20),
            &office,
        )
        .unwrap_err();
        assert!(e.is_invalid_input());
        let e = check_filing(
            d(2026, 1, 10),
            d(2026, 1, 15),
            d(2026, 1, 14),
            d(2026, 1, 20),
            &office,
        )
        .unwrap_err();
        assert_eq!(e, AppealError::AppealedBeforeKnown);
        assert!(
            !AppealError::Late {
                due_on: d(2026, 1, 1)
            }
            .is_invalid_input()
        );
    }

    #[test]
    fn acc_21_review_due_two_months_from_receipt_and_extension() {
        // Received 2026-02-16 → reviewed by 2026-04-16 (an office deadline: not rolled).
        assert_eq!(appeal_review_due(d(2026, 2, 16)), Some(d(2026, 4, 16)));
        // Received 2025-12-31 → 2026-02-28 (no 02-31, art. 143).
        assert_eq!(appeal_review_due(d(2025, 12, 31)), Some(d(2026, 2, 28)));
        assert_eq!(
            extend_review(d(2026, 4, 16), d(2026, 3, 1), d(2026, 5, 31)),
            Ok(d(2026, 5, 31))
        );
        assert_eq!(
            extend_review(d(2026, 4, 16), d(2026, 3, 1), d(2026, 4, 16)),
            Err(AppealError::NotLater {
                current: d(2026, 4, 16)
            })
        );
    }

    #[test]
    fn acc_21_only_members_not_involved_and_without_conflict_decide() {
        let involved = vec!["m1".to_owned(), "office-1".to_owned()];
        assert_eq!(
            member_exclusion("m1", &involved, false),
            Some(Exclusion::Involved)
        );
        assert_eq!(
            member_exclusion("m2", &involved, true),
            Some(Exclusion::Conflicted)
        );
        assert_eq!(member_exclusion("m2", &involved, false), None);
    }

    #[test]
    fn acc_21_poll_majority_and_tie() {
        use AppealOutcome::*;
        assert_eq!(poll_result(&[Upheld, Upheld, Overturned]), Some(Upheld));
        assert_eq!(poll_result(&[Overturned]), Some(Overturned));
        assert_eq!(poll_result(&[Upheld, Overturned]), None);
        assert_eq!(poll_result(&[]), None);
    }

    #[test]
    fn subjects_and_outcomes_round_trip() {
        for s in AppealSubject::ALL {
            assert_eq!(AppealSubject::parse(s.as_str()), Some(s));
        }
        assert_eq!(AppealOutcome::parse("upheld"), Some(AppealOutcome::Upheld));
        assert_eq!(DecisionMethod::parse("polling"), Some(DecisionMethod::Polling));
        assert_eq!(AppealSubject::parse("x"), None);
    }
}
