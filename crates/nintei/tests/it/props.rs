//! Malformed input, as property tests: every JSON body and every form of `route_table()` (seeded with the valid
//! request of `requests.rs`, then mutated: fields replaced by arbitrary JSON or hostile strings, removed,
//! duplicated, added; the body truncated, replaced by bytes or sent with another content type) and every path
//! parameter and query string. Never a 5xx, never a panic; a rejected request (4xx) leaves the database as it was (row counts
//! and audit head; failed sign-ins may be recorded), and the API's refusals are problem+json; a GET changes nothing whatever it answers.
//!
//! `PROPTEST_CASES` sets the cases per route (default 64).

use nintei_domain::role::Role;
use nintei_store::throttle::ThrottlePolicy;
use nintei_web::RouteInfo;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

use crate::authz_matrix::{matrix, rows_for};
use crate::harness::{
    AUDITED_READS, Body, Fixture, MAY_CHANGE_ON_REJECTION, Record, Send, body_for, send, who_name,
};
use crate::support::{TestApp, enc};

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Strings that have broken web applications before, next to arbitrary ones.
const NASTY: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\u{202e}gnp.exe",
    "\u{feff}",
    "'; DROP TABLE users; --",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "../../etc/passwd",
    "%00",
    "%ZZ",
    "\r\n\r\nX-Injected: 1",
    "1e309",
    "-0",
    "NaN",
    "null",
    "true",
    "９９",
    "𠮷野家",
    "0000000000000",
    "7000012050002",
    "kabushiki_kaisha",
    "admin",
    "organization",
    "00",
    "47",
    "48",
    "2026-02-30",
    "a@b",
    "@.",
    "Tsubaki-Hinoki-7741",
    "00000000-0000-4000-8000-000000000000",
];

fn nasty_string() -> BoxedStrategy<String> {
    prop_oneof![
        4 => any::<String>().prop_map(|s| s.chars().take(60).collect()),
        3 => prop::sample::select(NASTY).prop_map(str::to_owned),
        1 => (0_usize..5000).prop_map(|n| "界".repeat(n)),
        1 => "[0-9]{0,20}",
        1 => "[a-z0-9.+-]{0,12}@[a-z0-9.-]{0,12}",
    ]
    .boxed()
}

fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        nasty_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((nasty_string(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// One change to a valid request. Indices pick a field modulo the number of fields.
#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, Value),
    SetString(usize, String),
    Remove(usize),
    Add(String, Value),
    /// Forms: the field once more with another value.
    Duplicate(usize, String),
    /// The whole body replaced by a JSON value (to a form route: a JSON body).
    Whole(Value),
    /// Only the first bytes of the body.
    Truncate(usize),
    Bytes(Vec<u8>),
    ContentType(Option<String>),
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        4 => (any::<usize>(), json_value()).prop_map(|(i, v)| Mutation::Set(i, v)),
        4 => (any::<usize>(), nasty_string()).prop_map(|(i, s)| Mutation::SetString(i, s)),
        2 => any::<usize>().prop_map(Mutation::Remove),
        1 => (nasty_string(), json_value()).prop_map(|(k, v)| Mutation::Add(k, v)),
        1 => (any::<usize>(), nasty_string()).prop_map(|(i, s)| Mutation::Duplicate(i, s)),
        1 => json_value().prop_map(Mutation::Whole),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Mutation::Bytes),
        1 => prop::sample::select(vec![
            None,
            Some("text/plain".to_owned()),
            Some("application/json".to_owned()),
            Some("application/x-www-form-urlencoded".to_owned()),
            Some("multipart/form-data; boundary=x".to_owned()),
            Some("application/json; charset=shift_jis".to_owned()),
        ])
        .prop_map(Mutation::ContentType),
    ]
    .boxed()
}

/// The paths of every object member of `v` (`["contact", "email"]`), depth first.
fn paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Value::Object(map) = v {
        for (k, child) in map {
            prefix.push(k.clone());
            out.push(prefix.clone());
            paths(child, prefix, out);
            prefix.pop();
        }
    }
}

fn member<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |cur, k| cur.get_mut(k))
}

fn field_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn raw(body: &Body) -> (Option<String>, Vec<u8>) {
    match body {
        Body::Empty => (None, Vec::new()),
        Body::Json(v) => (Some("application/json".into()), v.to_string().into_bytes()),
        Body::Form(fields) => (
            Some("application/x-www-form-urlencoded".into()),
            fields
                .iter()
                .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes(),
        ),
        Body::Raw(c, b) => (c.clone(), b.clone()),
        b @ Body::Multipart(..) => b.encode(),
    }
}

fn apply(body: Body, m: &Mutation) -> Body {
    match (body, m) {
        (Body::Json(mut v), Mutation::Set(i, x)) => {
            let mut all = Vec::new();
            paths(&v, &mut Vec::new(), &mut all);
            if !all.is_empty()
                && let Some(slot) = member(&mut v, &all[i % all.len()])
            {
                *slot = x.clone();
            }
            Body::Json(v)
        }
        (Body::Json(v), Mutation::SetString(i, s) | Mutation::Duplicate(i, s)) => {
            apply(Body::Json(v), &Mutation::Set(*i, Value::String(s.clone())))
        }
        (Body::Json(mut v), Mutation::Remove(i)) => {
            let mut all = Vec::new();
            paths(&v, &mut Vec::new(), &mut all);
            if !all.is_empty() {
                let path = &all[i % all.len()];
                let (last, parent) = path.split_last().expect("non-empty path");
                if let Some(Value::Object(map)) = member(&mut v, parent) {
                    map.remove(last);
                }
            }
            Body::Json(v)
        }
        (Body::Json(mut v), Mutation::Add(k, x)) => {
            if let Value::Object(map) = &mut v {
                map.insert(k.clone(), x.clone());
            }
            Body::Json(v)
        }
        (Body::Form(mut f), Mutation::Set(i, x)) => {
            if !f.is_empty() {
                let n = f.len();
                f[i % n].1 = field_text(x);
            }
            Body::Form(f)
        }
        (Body::Form(mut f), Mutation::SetString(i, s)) => {
            if !f.is_empty() {
                let n = f.len();
                f[i % n].1.clone_from(s);
            }
            Body::Form(f)
        }
        (Body::Form(mut f), Mutation::Remove(i)) => {
            if !f.is_empty() {
                let n = f.len();
                f.remove(i % n);
            }
            Body::Form(f)
        }
        (Body::Form(mut f), Mutation::Duplicate(i, s)) => {
            if !f.is_empty() {
                let n = f.len();
                let name = f[i % n].0.clone();
                f.push((name, s.clone()));
            }
            Body::Form(f)
        }
        (Body::Form(mut f), Mutation::Add(k, x)) => {
            f.push((k.clone(), field_text(x)));
            Body::Form(f)
        }
        (_, Mutation::Whole(x)) => Body::Json(x.clone()),
        (b, Mutation::Truncate(n)) => {
            let (c, bytes) = raw(&b);
            let keep = if bytes.is_empty() { 0 } else { n % bytes.len() };
            Body::Raw(c, bytes[..keep].to_vec())
        }
        (b, Mutation::Bytes(bytes)) => Body::Raw(raw(&b).0, bytes.clone()),
        (b, Mutation::ContentType(c)) => Body::Raw(c.clone(), raw(&b).1),
        // Structural changes to a body that is already raw bytes: nothing to change.
        (b, _) => b,
    }
}

/// A fixture whose throttle never trips on the shared test address, so that sign-in forms are checked in depth.
async fn fixture() -> Fixture {
    let config = nintei_web::Config {
        throttle: ThrottlePolicy {
            max_address_failures: i64::MAX,
            ..ThrottlePolicy::default()
        },
        ..nintei_web::Config::default()
    };
    Fixture::on(TestApp::with_config(config).await).await
}

/// Sends `body` to `path` as a fresh subject and checks the answer.
async fn check(
    fx: &Fixture,
    route: &RouteInfo,
    who: Option<Role>,
    (subject, ctx): (&crate::harness::Subject, &crate::requests::Ctx),
    shape: impl FnOnce(Body, String) -> (Body, String),
) -> Result<(), TestCaseError> {
    let subject = subject.clone();
    let ctx = ctx.clone();
    let valid = body_for(route, &ctx).map_err(TestCaseError::fail)?;
    let valid_path = fx.path(route, &ctx, None).map_err(TestCaseError::fail)?;
    let (body, path) = shape(valid, valid_path);
    let before = fx.snapshot(MAY_CHANGE_ON_REJECTION).await;
    let r = send(&fx.app, route, &path, &subject, &body, &Send::default()).await;
    let status = r.status.as_u16();
    prop_assert!(
        status < 500,
        "{route} as {} → {status}: {}",
        who_name(who),
        r.text().chars().take(300).collect::<String>()
    );
    // A rejected request changes nothing, and a GET never does (safe method), whatever it answers — except
    // that a successful download is audited (AUDITED_READS).
    if (400..500).contains(&status) || !route.changes_state() {
        let audited = (200..300).contains(&status) && AUDITED_READS.contains(&route.path);
        let changed: Vec<String> = before
            .diff(&fx.snapshot(MAY_CHANGE_ON_REJECTION).await)
            .into_iter()
            .filter(|c| !(audited && (c.starts_with("audit_events:") || c.starts_with("audit head:"))))
            .collect();
        prop_assert!(
            changed.is_empty(),
            "{route} answered {status} but changed the database: {changed:?}"
        );
    }
    if (400..500).contains(&status) && !route.is_api() {
        let html = r.text();
        prop_assert!(
            english_gloss(&html).is_none(),
            "{route} → {status}: an English gloss on a Japanese page: {:?}",
            english_gloss(&html)
        );
    }
    if (400..500).contains(&status) && route.is_api() {
        prop_assert_eq!(r.header("content-type"), "application/problem+json");
        let problem: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        prop_assert_eq!(&problem["status"], &Value::from(status), "{}", r.text());
    }
    Ok(())
}

/// The caller and record to send `route` as: the first the matrix allows, else the first whose answer is a 409
/// (allowed, but the record the harness builds is not in the state the step needs, e.g. a hold step on a case
/// that is not on hold).
fn sender(route: &RouteInfo) -> Result<(Option<Role>, Record), String> {
    let rows = rows_for(&matrix(), route);
    rows.iter()
        .find_map(|r| r.allowed().map(|w| (w, r.record)))
        .or_else(|| {
            rows.iter()
                .find_map(|r| r.permitted_in_another_state().map(|w| (w, r.record)))
        })
        .ok_or_else(|| format!("{route}: MATRIX allows it to nobody"))
}

/// Runs `property` for every route `pick` selects, each with its own runner; collects every failure.
fn for_each_route(
    name: &str,
    pick: impl Fn(&RouteInfo) -> bool,
    strategy: BoxedStrategy<Vec<Mutation>>,
    shape: fn(&RouteInfo, Body, String, &[Mutation]) -> (Body, String),
) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let fx = rt.block_on(fixture());
    let routes: Vec<RouteInfo> = nintei_web::route_table()
        .into_iter()
        .filter(|r| pick(r))
        .collect();
    assert!(!routes.is_empty(), "{name}: no routes");
    let mut failures = Vec::new();
    for route in &routes {
        let (who, record) = match sender(route) {
            Ok(s) => s,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        // One caller and one record per route (building an ACC case per generated input would take minutes); a
        // mutated request that succeeds may move the record on, which later inputs then meet as they are.
        let subject = rt.block_on(fx.subject(who));
        let ctx = rt.block_on(fx.ctx(route, who, &subject, record));
        let mut runner = TestRunner::new(config());
        let result = runner.run(&strategy, |muts| {
            rt.block_on(check(&fx, route, who, (&subject, &ctx), |body, path| {
                shape(route, body, path, &muts)
            }))
        });
        if let Err(e) = result {
            failures.push(format!("{route}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: {} of {} routes failed:\n{}",
        failures.len(),
        routes.len(),
        failures.join("\n\n")
    );
}

fn mutate_body(_route: &RouteInfo, body: Body, path: String, muts: &[Mutation]) -> (Body, String) {
    (muts.iter().fold(body, apply), path)
}

#[test]
fn every_json_body_survives_malformed_input() {
    for_each_route(
        "JSON bodies",
        |r| r.is_api() && r.changes_state(),
        prop::collection::vec(mutation(), 1..4).boxed(),
        mutate_body,
    );
}

#[test]
fn every_form_survives_malformed_input() {
    for_each_route(
        "forms",
        |r| !r.is_api() && r.changes_state(),
        prop::collection::vec(mutation(), 1..4).boxed(),
        mutate_body,
    );
}

/// Path parameters (`{id}`, `{code}`) replaced by arbitrary text, percent-encoded as a client would; the
/// body stays valid.
#[test]
fn every_path_parameter_survives_malformed_input() {
    fn shape(route: &RouteInfo, body: Body, _path: String, muts: &[Mutation]) -> (Body, String) {
        let text = match muts.first() {
            Some(Mutation::SetString(_, s)) => s.clone(),
            Some(Mutation::Set(_, v)) => field_text(v),
            _ => String::new(),
        };
        // Real clients and servers stop at some URI length (hyper: 64 KiB); keep below it.
        let text: String = text.chars().take(1000).collect();
        let mut path = route.path.to_owned();
        for p in route.params() {
            path = path.replace(&format!("{{{p}}}"), &enc(&text));
        }
        (body, path)
    }
    for_each_route(
        "path parameters",
        |r| !r.params().is_empty(),
        prop_oneof![
            (any::<usize>(), nasty_string()).prop_map(|(i, s)| vec![Mutation::SetString(i, s)]),
            (any::<usize>(), json_value()).prop_map(|(i, v)| vec![Mutation::Set(i, v)]),
        ]
        .boxed(),
        shape,
    );
}

/// Query names the routes read, next to arbitrary ones.
const QUERY_NAMES: &[&str] = &[
    "next",
    "created",
    "done",
    "q",
    "prefecture",
    "service",
    "services",
    "method",
    "revenue_yen",
];

/// Every GET route with arbitrary query strings (`?next=…&…`), percent-encoded as a client would.
#[test]
fn every_query_string_survives_malformed_input() {
    fn shape(_route: &RouteInfo, body: Body, path: String, muts: &[Mutation]) -> (Body, String) {
        let query = muts
            .iter()
            .filter_map(|m| match m {
                // Kept under the URI length real clients and servers accept (hyper: 64 KiB).
                Mutation::Add(k, v) => Some(format!(
                    "{}={}",
                    enc(&k.chars().take(200).collect::<String>()),
                    enc(&field_text(v).chars().take(1000).collect::<String>())
                )),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("&");
        (body, format!("{path}?{query}"))
    }
    let name = prop_oneof![
        3 => prop::sample::select(QUERY_NAMES).prop_map(str::to_owned),
        1 => nasty_string(),
    ];
    let value = prop_oneof![
        3 => nasty_string().prop_map(Value::String),
        1 => "/[ -~]{0,30}".prop_map(Value::String),
        1 => json_value(),
    ];
    for_each_route(
        "query strings",
        |r| !r.changes_state(),
        prop::collection::vec((name, value).prop_map(|(k, v)| Mutation::Add(k, v)), 1..4).boxed(),
        shape,
    );
}

/// Found by the properties on PostgreSQL (which cannot store NUL in text): a NUL character anywhere in the
/// input was a 500. Now it is a 400 on both backends, before anything is written.
#[tokio::test]
async fn a_nul_character_is_malformed_input_on_both_backends() {
    let fx = Fixture::new().await;
    let office = fx.subject(Some(Role::Office)).await;
    let before = fx.snapshot(&[]).await;
    let token = Some(office.token.as_str());
    let mut body = crate::support::org_body("株式会社\u{0}ぬる");
    let r = fx.app.post_json("/api/v1/organizations", token, &body).await;
    r.assert_status(400);
    assert_eq!(r.header("content-type"), "application/problem+json");
    body["name"] = "株式会社ぬる".into();
    body["contact"]["email"] = "a\u{0}@example.jp".into();
    fx.app
        .post_json("/api/v1/organizations", token, &body)
        .await
        .assert_status(400);
    fx.app
        .post_json(
            "/api/v1/auth/token",
            None,
            &serde_json::json!({"email": "\u{0}", "password": "x"}),
        )
        .await
        .assert_status(400);
    fx.app
        .get("/api/v1/organizations/%00", token)
        .await
        .assert_status(400);
    let mut b = crate::support::Browser::new(&fx.app);
    let page = b.get("/login").await;
    let csrf = crate::support::hidden(&page.text(), "csrf");
    let r = b
        .post_form(
            "/login",
            &[("csrf", &csrf), ("email", "x\u{0}@example.jp"), ("password", "y")],
        )
        .await;
    r.assert_status(400);
    assert!(r.header("content-type").starts_with("text/html"));
    assert_eq!(b.get("/organizations/%00").await.status.as_u16(), 400);
    assert!(before.diff(&fx.snapshot(&[]).await).is_empty());
}

/// Found by the query-string property: `/lang/en?next=` with a CR/LF was a 500 (not a valid Location header).
#[tokio::test]
async fn the_language_switch_ignores_a_next_that_cannot_be_a_location() {
    let app = TestApp::new().await;
    for next in ["/%0d%0aSet-Cookie:%20x=1", "/%09", "/a%7Fb"] {
        let r = app.get(&format!("/lang/en?next={next}"), None).await;
        r.assert_status(303);
        assert_eq!(r.location(), "/", "{next}");
    }
    let r = app.get("/lang/en?next=/organizations%3Fx%3D1", None).await;
    assert_eq!(r.location(), "/organizations?x=1");
}

/// The first 「…日本語 (english words)」 in the page's error texts, if any: a Japanese page shows each use-case
/// message in Japanese only (the gloss is for the API and the English pages).
fn english_gloss(html: &str) -> Option<String> {
    let errors: Vec<&str> = html
        .split("class=\"error")
        .skip(1)
        .chain(html.split("class=\"hint\"").skip(1))
        .filter_map(|rest| rest.split_once('>').and_then(|(_, t)| t.split("</").next()))
        .collect();
    errors.into_iter().find_map(|text| {
        let chars = text.char_indices().peekable();
        for (i, c) in chars {
            if !c.is_ascii() && text[i + c.len_utf8()..].starts_with(" (") {
                let inner = &text[i + c.len_utf8() + 2..];
                let word: String = inner.chars().take_while(char::is_ascii_lowercase).collect();
                if word.len() >= 2 {
                    return Some(text.to_owned());
                }
            }
        }
        None
    })
}
