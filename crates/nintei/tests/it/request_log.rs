//! Every access-log line ("handled") is written inside its request's span, whichever worker thread finishes the
//! request. The span used to be entered with a guard held across the handler's `.await`: a request that resumed
//! on another thread logged without its request id, and the thread it started on kept the span on its stack
//! forever (the subscriber's stack grew with every such request and each later span entry scanned it: a staff
//! page got 30–40 % slower after a burst of public searches). This test installs, on the two threads the request runs
//! on, a subscriber that keeps a span stack per thread, as tracing-subscriber's registry does.

use std::cell::RefCell;
use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::support::TestApp;

thread_local! {
    /// The spans entered on this thread and not yet exited here.
    static STACK: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

#[derive(Clone, Default)]
struct Log {
    next: Arc<AtomicU64>,
    /// The ids of the request spans.
    requests: Arc<Mutex<HashSet<u64>>>,
    handled: Arc<AtomicUsize>,
    /// "handled" lines written while no request span was entered on their thread.
    outside: Arc<AtomicUsize>,
}

struct Message(bool);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" && format!("{value:?}") == "handled" {
            self.0 = true;
        }
    }
}

impl Subscriber for Log {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("nintei_web")
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        if attrs.metadata().name() == "request" {
            self.requests.lock().unwrap().insert(id);
        }
        Id::from_u64(id)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut m = Message(false);
        event.record(&mut m);
        if !m.0 {
            return;
        }
        self.handled.fetch_add(1, Ordering::SeqCst);
        let requests = self.requests.lock().unwrap();
        let inside = STACK.with(|s| s.borrow().iter().any(|id| requests.contains(id)));
        if !inside {
            self.outside.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, id: &Id) {
        STACK.with(|s| s.borrow_mut().push(id.into_u64()));
    }
    fn exit(&self, id: &Id) {
        STACK.with(|s| {
            let mut s = s.borrow_mut();
            if let Some(i) = s.iter().rposition(|x| *x == id.into_u64()) {
                s.remove(i);
            }
        });
    }
}

#[tokio::test]
async fn every_access_log_line_is_written_inside_its_request_span() {
    let log = Log::default();
    // This thread's subscriber (the runtime of this test runs here), and the other thread's below.
    let _log = tracing::subscriber::set_default(log.clone());
    let app = TestApp::new().await;
    // A request that waits for the database, started on one thread and finished on another, as a multi-threaded
    // runtime does when another worker picks the woken task up.
    let req = Request::get("/api/v1/public/registrations/REG-2026-0001")
        .body(Body::empty())
        .unwrap();
    let request = Box::pin(app.router.clone().oneshot(req));
    let runtime = tokio::runtime::Handle::current();
    let log_there = log.clone();
    let (request, waiting) = std::thread::spawn(move || {
        let _runtime = runtime.enter();
        let mut request = request;
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let waiting =
            tracing::subscriber::with_default(log_there, || request.as_mut().poll(&mut cx).is_pending());
        (request, waiting)
    })
    .join()
    .unwrap();
    assert!(waiting, "the request waits for the database at its first poll");
    assert_eq!(request.await.unwrap().status(), 404);
    let handled = log.handled.load(Ordering::SeqCst);
    assert_eq!(handled, 1, "one access-log line for the request");
    assert_eq!(
        log.outside.load(Ordering::SeqCst),
        0,
        "the access-log line was written outside its request's span"
    );
}
