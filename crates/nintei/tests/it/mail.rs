//! Mail: the outbox written in the state change's transaction, delivery over real SMTP to a local sink
//! (aiosmtpd, started here), Japanese headers and body, the stable Message-ID, attempts, retries, and the
//! 送信メール screen when no SMTP server is configured.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use nintei_app::outbox::{SmtpConfig, enqueue_mail};
use nintei_domain::role::Role;
use nintei_store::jobs;
use nintei_store::mail::SEND_MAIL;
use nintei_store::mail::{self, MailStatus};
use nintei_web::Config;
use serde_json::Value;

use crate::support::{Browser, PASSWORD, TestApp};

const SUBJECT: &str = "【認定】申請受諾のお知らせ（MH-2026-0001）";
const BODY: &str = "株式会社こころケア\n担当 花子 様\n\n認定審査の申請を受理しました。\n\
                    基本料金 ¥800,000（税込 ¥880,000）を令和8年12月18日までにお支払いください。\n";
const FROM: &str = "認定業務本部 <nintei@nintei.example>";

/// A local SMTP sink: `python3 smtp_sink.py PORT DIR` (aiosmtpd). Killed when dropped. A missing python3 or
/// aiosmtpd fails the test with the command that installs it: this test never skips.
pub(crate) struct Sink {
    child: Child,
    pub(crate) port: u16,
    dir: PathBuf,
}

impl Sink {
    pub(crate) fn start() -> Sink {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("nintei-smtp-{}", uuid::Uuid::new_v4().simple()));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support_files/smtp_sink.py");
        // `NINTEI_TEST_PYTHON` picks another interpreter than the `python3` on PATH.
        let python = std::env::var("NINTEI_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(port.to_string())
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("the mail tests need python3 with aiosmtpd (`python3 -m pip install aiosmtpd`): {e}")
            });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        if line.trim() != "ready" {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "the SMTP sink did not start (the mail tests need python3 with aiosmtpd: \
                 `python3 -m pip install aiosmtpd`): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Sink { child, port, dir }
    }

    /// The messages received so far, as the sink's e-mail parser decoded them, in order.
    pub(crate) fn received(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for n in 1.. {
            let path = self.dir.join(format!("{n}.json"));
            let Ok(text) = std::fs::read_to_string(&path) else {
                break;
            };
            out.push(serde_json::from_str(&text).unwrap());
        }
        out
    }

    fn raw(&self, n: usize) -> Vec<u8> {
        std::fs::read(self.dir.join(format!("{n}.eml"))).unwrap()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn smtp_to(port: u16) -> SmtpConfig {
    let mut c = SmtpConfig::new("127.0.0.1", Some(port), "none", None, None, FROM).unwrap();
    c.timeout = Duration::from_secs(5);
    c
}

pub(crate) async fn app_with_smtp(port: u16) -> TestApp {
    TestApp::with_config(Config {
        smtp: Some(smtp_to(port)),
        ..Config::default()
    })
    .await
}

/// Writes one mail in its own transaction, as a state change would.
async fn enqueue(app: &TestApp, to: &str) -> String {
    let mut tx = app.state.db.begin_write().await.unwrap();
    let id = enqueue_mail(&mut tx, now(app), to, SUBJECT, BODY).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn now(app: &TestApp) -> i64 {
    use nintei_app::clock::Clock;
    app.clock.unix()
}

#[tokio::test]
async fn mail_reaches_the_smtp_sink_with_japanese_subject_body_and_the_rows_message_id() {
    let sink = Sink::start();
    let app = app_with_smtp(sink.port).await;
    let id = enqueue(&app, "contact@kokoro-care.example").await;
    let row = mail::by_id(app.state.db.pool(), &id).await.unwrap().unwrap();
    assert_eq!(row.status, MailStatus::Queued);
    assert_eq!(row.message_id, format!("<outbox-{id}@nintei.local>"));

    assert_eq!(nintei_app::jobs::run_due(&app.state, "w").await.unwrap(), 1);

    let got = sink.received();
    assert_eq!(got.len(), 1, "one message delivered");
    let m = &got[0];
    assert_eq!(m["subject"], SUBJECT, "the subject decodes to the Japanese text");
    let raw_subject = m["raw_subject"].as_str().unwrap();
    assert!(raw_subject.is_ascii(), "the subject travels 7-bit: {raw_subject}");
    assert!(
        raw_subject.to_ascii_lowercase().contains("=?utf-8?"),
        "RFC 2047 encoded words: {raw_subject}"
    );
    assert_eq!(m["from"], FROM);
    assert_eq!(m["to"], "contact@kokoro-care.example");
    assert_eq!(m["mail_from"], "nintei@nintei.example");
    assert_eq!(m["rcpt_tos"], serde_json::json!(["contact@kokoro-care.example"]));
    assert_eq!(m["message_id"], row.message_id);
    assert_eq!(m["mime_version"], "1.0");
    assert_eq!(m["content_type"], "text/plain");
    assert_eq!(m["charset"], "utf-8");
    assert_eq!(
        m["date"], "Fri, 20 Nov 2026 01:00:00 +0000",
        "Date is the time the mail was written (the fixed clock)"
    );
    let body = m["body"].as_str().unwrap().replace("\r\n", "\n");
    assert_eq!(body, BODY);
    let raw = sink.raw(1);
    assert!(
        raw.is_ascii(),
        "the whole message is 7-bit (the body is transfer-encoded)"
    );

    let row = mail::by_id(app.state.db.pool(), &id).await.unwrap().unwrap();
    assert_eq!(row.status, MailStatus::Sent);
    assert_eq!(row.attempts, 1);
    assert_eq!(row.sent_at, Some(now(&app)));
    let attempts = mail::attempts(app.state.db.pool(), &id).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].outcome, "sent");
    assert!(attempts[0].detail.starts_with("250"), "{}", attempts[0].detail);
    assert_eq!(
        jobs::count_by_status(&app.state.db, SEND_MAIL, "done")
            .await
            .unwrap(),
        1
    );

    // Asking again for the same row's job changes nothing, and a sent mail is not sent twice.
    let mut tx = app.state.db.begin_write().await.unwrap();
    let key = mail::job_key(&id);
    let again = jobs::NewJob {
        kind: SEND_MAIL,
        payload: &serde_json::json!({ "outbox_id": id }).to_string(),
        dedupe_key: Some(&key),
        run_at: 0,
        max_attempts: 3,
    };
    assert!(
        !jobs::enqueue_tx(&mut tx, &again, 0).await.unwrap(),
        "one job per row"
    );
    tx.commit().await.unwrap();
    assert_eq!(nintei_app::jobs::run_due(&app.state, "w").await.unwrap(), 0);
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn a_retried_send_carries_the_same_message_id() {
    let sink = Sink::start();
    let app = app_with_smtp(sink.port).await;
    let id = enqueue(&app, "contact@kokoro-care.example").await;
    let job = jobs::claim(&app.state.db, "w", now(&app), 60)
        .await
        .unwrap()
        .unwrap();
    nintei_app::jobs::run_job(&app.state, &job).await.unwrap();
    // The worker "crashes" after the server accepted the mail but before its record: the row is queued again and
    // the job's lease runs out, so another worker sends it once more.
    app.state
        .db
        .execute_raw(&format!(
            "UPDATE mail_outbox SET status = 'queued', sent_at = NULL WHERE id = '{id}'"
        ))
        .await
        .unwrap();
    app.clock.advance(chrono::Duration::seconds(61));
    let retry = jobs::claim(&app.state.db, "other", now(&app), 60)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(retry.id, job.id);
    nintei_app::jobs::run_job(&app.state, &retry).await.unwrap();
    let got = sink.received();
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0]["message_id"], got[1]["message_id"],
        "the recipient can recognise the duplicate"
    );
    assert_eq!(got[0]["date"], got[1]["date"]);
    assert_eq!(mail::attempts(app.state.db.pool(), &id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_recorded_retried_with_backoff_then_given_up() {
    let app = app_with_smtp(free_port()).await;
    let id = enqueue(&app, "contact@kokoro-care.example").await;
    assert_eq!(nintei_app::jobs::run_due(&app.state, "w").await.unwrap(), 1);
    let row = mail::by_id(app.state.db.pool(), &id).await.unwrap().unwrap();
    assert_eq!(row.status, MailStatus::Queued, "still to be sent");
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());
    let attempts = mail::attempts(app.state.db.pool(), &id).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].outcome, "error");
    assert_eq!(
        nintei_app::jobs::run_due(&app.state, "w").await.unwrap(),
        0,
        "backoff before the next try"
    );
    for _ in 1..mail::MAX_ATTEMPTS {
        app.clock.advance(chrono::Duration::hours(1));
        assert_eq!(nintei_app::jobs::run_due(&app.state, "w").await.unwrap(), 1);
    }
    let row = mail::by_id(app.state.db.pool(), &id).await.unwrap().unwrap();
    assert_eq!(row.status, MailStatus::Failed);
    assert_eq!(row.attempts, mail::MAX_ATTEMPTS);
    app.clock.advance(chrono::Duration::hours(5));
    assert_eq!(
        nintei_app::jobs::run_due(&app.state, "w").await.unwrap(),
        0,
        "given up"
    );
    assert_eq!(
        jobs::count_by_status(&app.state.db, SEND_MAIL, "failed")
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn mail_of_a_rolled_back_change_does_not_exist() {
    let app = TestApp::new().await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    enqueue_mail(&mut tx, 0, "contact@kokoro-care.example", SUBJECT, BODY)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(app.count("mail_outbox").await, 0);
    assert_eq!(app.count("jobs").await, 0);
}

#[tokio::test]
async fn a_bad_address_or_a_header_injection_is_refused_or_defused() {
    let app = TestApp::new().await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    assert!(
        enqueue_mail(&mut tx, 0, "not an address", SUBJECT, BODY)
            .await
            .is_err()
    );
    let id = enqueue_mail(&mut tx, 0, "a@example.jp", "件名\r\nBcc: victim@example.jp", BODY)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let row = mail::by_id(app.state.db.pool(), &id).await.unwrap().unwrap();
    assert!(!row.subject.contains('\n') && !row.subject.contains('\r'));
}

#[tokio::test]
async fn without_smtp_mail_stays_in_the_outbox_and_the_office_reads_it_on_the_sent_mail_screen() {
    let app = TestApp::new().await;
    let id = enqueue(&app, "contact@kokoro-care.example").await;
    assert_eq!(nintei_app::jobs::run_due(&app.state, "w").await.unwrap(), 1);
    let row = mail::by_id(app.state.db.pool(), &id).await.unwrap().unwrap();
    assert_eq!(row.status, MailStatus::Queued, "kept in the outbox");
    assert_eq!(row.attempts, 0, "no delivery was attempted");

    let (_, office) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&office, PASSWORD).await;
    let list = b.get("/mail").await;
    list.assert_status(200);
    let html = list.text();
    assert!(html.contains("送信メール"));
    assert!(html.contains(&format!("/mail/{id}")));
    assert!(html.contains("申請受諾のお知らせ"));
    assert!(html.contains("送信サーバー（SMTP）が設定されていない"));
    let one = b.get(&format!("/mail/{id}")).await;
    one.assert_status(200);
    let html = one.text();
    assert!(html.contains("基本料金 ¥800,000"));
    assert!(html.contains(&format!("outbox-{id}@nintei.local")));
    assert!(html.contains("送信待ち"));
    b.get("/mail/no-such-mail").await.assert_status(404);

    for role in [
        Role::Organization,
        Role::Coordinator,
        Role::Surveyor,
        Role::Committee,
        Role::Head,
    ] {
        let org = if role == Role::Organization {
            Some(app.organization("株式会社こころケア").await)
        } else {
            None
        };
        let (_, email) = app.user(role, org.as_deref()).await;
        let mut other = Browser::new(&app);
        other.sign_in(&email, PASSWORD).await;
        other.get("/mail").await.assert_status(403);
        other.get(&format!("/mail/{id}")).await.assert_status(403);
    }
}
