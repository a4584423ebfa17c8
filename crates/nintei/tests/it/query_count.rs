//! How many SQL statements one view of the staff case page makes (the page's time went into round
//! trips). The store reports every statement at DEBUG under the target `sqlx::query`; this test installs a
//! process-wide subscriber that counts them while one page view runs. nextest runs each test in its own
//! process, so nothing else in the process queries during the count (the pool is warmed by a first view; a
//! connection it still opens during the measured one, under load, has its set-up PRAGMAs left out).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use nintei_domain::role::Role;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::acc_fixture::{Acc, accredited};
use crate::support::{Browser, PASSWORD, TestApp};

/// The statements seen while armed (their first words, as sqlx summarizes them).
#[derive(Clone, Default)]
struct Statements {
    armed: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<String>>>,
}

struct Summary(String);

impl Visit for Summary {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "summary" {
            value.clone_into(&mut self.0);
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Statements {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "sqlx::query"
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if self.armed.load(Ordering::SeqCst) {
            let mut s = Summary(String::new());
            event.record(&mut s);
            self.seen.lock().unwrap().push(s.0);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// The statements one GET of `path` by `b` makes.
async fn statements_of(counter: &Statements, b: &mut Browser<'_>, path: &str) -> Vec<String> {
    b.get(path).await.assert_status(200);
    // A statement's event can arrive just after its answer (sqlx reports it when the statement is dropped); let
    // the warm-up view's last one land before counting, or it is counted as the measured view's.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    counter.seen.lock().unwrap().clear();
    counter.armed.store(true, Ordering::SeqCst);
    b.get(path).await.assert_status(200);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    counter.armed.store(false, Ordering::SeqCst);
    // A connection the pool opens during the view (two reads at once under load) sends its set-up PRAGMAs: the
    // pool's doing, not the page's statements.
    std::mem::take(&mut *counter.seen.lock().unwrap())
        .into_iter()
        .filter(|s| !s.starts_with("PRAGMA"))
        .collect()
}

/// The figures recorded in bench/RESULTS.md ("Session 9", "Session 12"), session check included: a committee case
/// with a finding and one invoice, seen by the office, needs 12 statements (21 before the page's reads were
/// merged, 16 before the decision form's tally became one statement, 14 before an invoice's lines and payments
/// came in the invoices' statement)…
const COMMITTEE_CASE_PAGE: usize = 12;
/// … and an accredited case 11 (18 before, then 13).
const ACCREDITED_CASE_PAGE: usize = 11;

#[tokio::test]
async fn the_staff_case_page_makes_a_bounded_number_of_statements() {
    let counter = Statements::default();
    tracing::subscriber::set_global_default(counter.clone())
        .expect("the only process-wide subscriber (nextest runs one test per process)");
    let app = TestApp::new().await;
    let committee = Acc::to_committee(&app, &[("RPM 2.01", 3)]).await;
    let (done, _) = accredited(&app, "2026-01-20").await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);

    for (case_id, most) in [
        (&committee.case_id, COMMITTEE_CASE_PAGE),
        (&done.case_id, ACCREDITED_CASE_PAGE),
    ] {
        let seen = statements_of(&counter, &mut b, &format!("/accreditation/cases/{case_id}")).await;
        println!("{} statements:\n{}", seen.len(), seen.join("\n"));
        // The count must be real: the page reads at least the session and the case.
        assert!(seen.len() >= 2, "{seen:?}");
        assert!(
            seen.len() <= most,
            "the staff case page makes {} statements, more than {most}:\n{}",
            seen.len(),
            seen.join("\n")
        );
    }
}
