//! One deadline model for both schemes: who owes it, its status on a given day, and which reminder is
//! due. Every due date of the system (ACC-5/6, ACC-11/12, ACC-14, ACC-15, ACC-19, ACC-21, REG-4, REG-7) is one
//! of these; the date itself is computed by the scheme's period rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who must act by the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    Office,
    Organization,
}

impl Owner {
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Office => "office",
            Owner::Organization => "organization",
        }
    }

    pub fn parse(s: &str) -> Option<Owner> {
        match s {
            "office" => Some(Owner::Office),
            "organization" => Some(Owner::Organization),
            _ => None,
        }
    }
}

/// The status shown for a deadline on a given day. `Late` is derived, never stored: an open deadline past its
/// date, or one met after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Met,
    Late,
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Met => "met",
            Status::Late => "late",
            Status::Waived => "waived",
        }
    }
}

/// The status on `today` of a deadline due `due_on`, met on `met_on` (if met), possibly waived.
pub fn status_on(due_on: NaiveDate, met_on: Option<NaiveDate>, waived: bool, today: NaiveDate) -> Status {
    if waived {
        return Status::Waived;
    }
    match met_on {
        Some(m) if m <= due_on => Status::Met,
        Some(_) => Status::Late,
        None if today > due_on => Status::Late,
        None => Status::Open,
    }
}

/// When reminders go out, in days relative to the due date: positive before it, negative after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReminderPlan {
    pub days_before: Vec<u32>,
    pub days_after: Vec<u32>,
}

impl Default for ReminderPlan {
    /// 30, 7 and 1 days before, and the day after.
    fn default() -> Self {
        ReminderPlan {
            days_before: vec![30, 7, 1],
            days_after: vec![1],
        }
    }
}

/// A reminder point, also the idempotency key's suffix (`b30`, `b7`, `a1`): each is sent once per deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reminder {
    Before(u32),
    After(u32),
}

impl Reminder {
    pub fn key(self) -> String {
        match self {
            Reminder::Before(d) => format!("b{d}"),
            Reminder::After(d) => format!("a{d}"),
        }
    }

    /// The day this reminder is for.
    pub fn day(self, due_on: NaiveDate) -> Option<NaiveDate> {
        match self {
            Reminder::Before(d) => due_on.checked_sub_days(chrono::Days::new(u64::from(d))),
            Reminder::After(d) => due_on.checked_add_days(chrono::Days::new(u64::from(d))),
        }
    }
}

impl ReminderPlan {
    /// The reminder to send on `today` for an open deadline, if any: the latest point that has been reached.
    /// After a pause (a server down for days) only the most recent missed reminder goes out, not all of them;
    /// the caller sends each reminder key at most once.
    pub fn due(&self, due_on: NaiveDate, today: NaiveDate) -> Option<Reminder> {
        let mut points: Vec<Reminder> = self
            .days_before
            .iter()
            .map(|d| Reminder::Before(*d))
            .chain(self.days_after.iter().map(|d| Reminder::After(*d)))
            .collect();
        points.sort_by_key(|r| r.day(due_on));
        points
            .into_iter()
            .rev()
            .find(|r| r.day(due_on).is_some_and(|d| d <= today))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn status_is_derived_from_dates() {
        let due = d("2026-12-01");
        assert_eq!(status_on(due, None, false, d("2026-12-01")), Status::Open);
        assert_eq!(status_on(due, None, false, d("2026-12-02")), Status::Late);
        assert_eq!(
            status_on(due, Some(d("2026-11-30")), false, d("2027-01-01")),
            Status::Met
        );
        assert_eq!(
            status_on(due, Some(d("2026-12-03")), false, d("2027-01-01")),
            Status::Late
        );
        assert_eq!(status_on(due, None, true, d("2027-01-01")), Status::Waived);
    }

    #[test]
    fn reminders_follow_the_plan() {
        let plan = ReminderPlan::default();
        let due = d("2026-12-31");
        assert_eq!(plan.due(due, d("2026-11-30")), None);
        assert_eq!(plan.due(due, d("2026-12-01")), Some(Reminder::Before(30)));
        assert_eq!(plan.due(due, d("2026-12-23")), Some(Reminder::Before(30)));
        assert_eq!(plan.due(due, d("2026-12-24")), Some(Reminder::Before(7)));
        assert_eq!(plan.due(due, d("2026-12-30")), Some(Reminder::Before(1)));
        assert_eq!(plan.due(due, d("2026-12-31")), Some(Reminder::Before(1)));
        assert_eq!(plan.due(due, d("2027-01-01")), Some(Reminder::After(1)));
        assert_eq!(plan.due(due, d("2027-03-01")), Some(Reminder::After(1)));
        assert_eq!(Reminder::Before(30).key(), "b30");
    }
}
