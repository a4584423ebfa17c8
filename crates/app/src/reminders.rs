//! Deadline reminders: a daily job mails each open deadline's owner at the reminder points of the
//! plan (30, 7 and 1 days before; the day after), each point once per deadline even with several instances.
//!
//! The recipient follows the deadline's owner: an organization's deadline goes to that organization's contact
//! address (never another's); an office deadline goes to its assigned staff member, if any.

use nintei_domain::deadline::{Owner, Reminder, ReminderPlan};
use nintei_store::deadlines::{self, Deadline};
use nintei_store::{organizations, users};

use crate::outbox::enqueue_mail;
use crate::state::AppState;

async fn recipient(state: &AppState, d: &Deadline) -> anyhow::Result<Option<(String, String)>> {
    let owner = Owner::parse(&d.owner);
    Ok(match owner {
        Some(Owner::Organization) => match &d.organization_id {
            Some(org) => organizations::by_id(state.db.pool(), org)
                .await?
                .map(|o| (o.contact.email, format!("{} {}様", o.name, o.contact.name))),
            None => None,
        },
        Some(Owner::Office) => match &d.assignee_id {
            Some(id) => users::by_id(state.db.pool(), id)
                .await?
                .map(|u| (u.email, format!("{}様", u.name))),
            None => None,
        },
        None => None,
    })
}

fn message(d: &Deadline, due_label: &str, reminder: Reminder, greeting: &str) -> (String, String) {
    let (subject, lead) = match reminder {
        Reminder::Before(days) => (
            format!("【nintei】期限のお知らせ：{}（{}まで）", d.title, due_label),
            format!("次の期限まで、あと{days}日です。"),
        ),
        Reminder::After(days) => (
            format!("【nintei】期限を過ぎています：{}（{}）", d.title, due_label),
            format!("次の期限を{days}日過ぎています。お早めにご対応ください。"),
        ),
    };
    let body = format!(
        "{greeting}\n\n{lead}\n\n内容：{}\n期限：{}（{}）\n\nこのメールは nintei（認定・登録システム）から自動で送信しています。\n\
         期限の一覧はログイン後の「期限」画面でご確認いただけます。\n",
        d.title, due_label, d.due_on
    );
    (subject, body)
}

/// The daily pass: every open deadline whose reminder point has been reached gets that reminder once.
pub async fn run(state: &AppState) -> anyhow::Result<usize> {
    let today = state.clock.today();
    let plan = ReminderPlan::default();
    let mut sent = 0;
    let jp = crate::settings::writer(crate::settings::date_style(state).await);
    for d in deadlines::all_open(state.db.pool()).await? {
        let Ok(due) = d.due_on.parse::<chrono::NaiveDate>() else {
            continue;
        };
        let Some(reminder) = plan.due(due, today) else {
            continue;
        };
        let Some((to, greeting)) = recipient(state, &d).await? else {
            continue;
        };
        let (subject, body) = message(&d, &jp(due), reminder, &greeting);
        let mut tx = state.db.begin_write().await?;
        if deadlines::claim_reminder(&mut tx, &d.id, &reminder.key(), today, &to).await? {
            let outbox = enqueue_mail(&mut tx, state.clock.unix(), &to, &subject, &body)
                .await
                .map_err(|e| anyhow::anyhow!("{e}: {}", e.detail()))?;
            deadlines::set_reminder_outbox(&mut tx, &d.id, &reminder.key(), &outbox).await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}
