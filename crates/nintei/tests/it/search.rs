//! The directory's n-gram search index on the backend under test: 2-character words, width and kana
//! folding, and no false matches from bigrams spread apart.

use nintei_store::search;

use crate::support::TestApp;

#[tokio::test]
async fn japanese_search_finds_short_words_and_folds_width_and_kana() {
    let app = TestApp::new().await;
    let docs = [
        ("a", "株式会社こころケア北九州 福岡県北九州市小倉北区 精神保健"),
        ("b", "一般社団法人東京メンタルヘルス支援機構 東京都千代田区"),
        ("c", "九重町 北の州 相談室"),
    ];
    let mut tx = app.state.db.begin_write().await.unwrap();
    for (key, text) in docs {
        search::index(&mut tx, "listing", &search::Doc::text(key, text))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let db = &app.state.db;
    let find = |q: &'static str| async move { search::search(db, "listing", q, 50).await.unwrap() };
    assert_eq!(find("精神").await, Some(vec!["a".to_owned()]));
    assert_eq!(
        find("北九州").await,
        Some(vec!["a".to_owned()]),
        "北九 and 九州 apart in c must not match"
    );
    assert_eq!(
        find("ｺｺﾛ").await,
        Some(vec!["a".to_owned()]),
        "half-width katakana folds to hiragana"
    );
    assert_eq!(find("めんたる").await, Some(vec!["b".to_owned()]));
    assert_eq!(find("東京").await, Some(vec!["b".to_owned()]));
    assert_eq!(find("州").await, Some(vec!["a".to_owned(), "c".to_owned()]));
    assert_eq!(find("大阪").await, Some(vec![]));
    assert_eq!(find("  ").await, None);
    // Long queries are narrowed by at most four of their bigrams; the substring check decides the rest.
    assert_eq!(
        find("東京メンタルヘルス支援機構").await,
        Some(vec!["b".to_owned()])
    );
    assert_eq!(
        find("東京メンタルヘルス相談機構").await,
        Some(vec![]),
        "every bigram but one is there; the text is not"
    );
    // Re-indexing replaces the old terms.
    let mut tx = app.state.db.begin_write().await.unwrap();
    search::index(
        &mut tx,
        "listing",
        &search::Doc::text("a", "株式会社こころケア 大阪府"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(find("精神").await, Some(vec![]));
    assert_eq!(find("大阪").await, Some(vec!["a".to_owned()]));
}

#[tokio::test]
async fn common_and_rare_words_find_the_same_documents_in_key_order() {
    // Past `COMMON_TERM` postings a word's page is read in key order with one check per document; below it, from
    // the rarest term's postings. Both must give the matches in key order, with the substring check.
    let app = TestApp::new().await;
    let n = usize::try_from(search::COMMON_TERM).unwrap() + 100;
    let docs: Vec<search::Doc> = (0..n)
        .map(|i| {
            // Every document has 北九 and 九州 apart (a false match for 北九州) and 精神; every third the whole
            // word 北九州; every 500th 札幌 (rare).
            let mut text = format!("相談室{i} 北九 九州 精神保健");
            if i % 3 == 0 {
                text.push_str(" 北九州市");
            }
            if i % 500 == 0 {
                text.push_str(" 札幌市");
            }
            // Every seventh in one prefecture: a facet beside common words.
            let facets = if i % 7 == 0 {
                vec!["#pref:13".to_owned()]
            } else {
                Vec::new()
            };
            search::Doc {
                facets,
                ..search::Doc::text(&format!("k{i:05}"), &text)
            }
        })
        .collect();
    let mut tx = app.state.db.begin_write().await.unwrap();
    search::index_new(&mut tx, "listing", &docs).await.unwrap();
    tx.commit().await.unwrap();
    let db = &app.state.db;
    let keys = |step: usize| -> Vec<String> { (0..n).step_by(step).map(|i| format!("k{i:05}")).collect() };
    let find = |q: &'static str, limit: i64| async move {
        search::search(db, "listing", q, limit).await.unwrap().unwrap()
    };
    assert_eq!(
        find("精神", 50).await,
        keys(1)[..50].to_vec(),
        "a common two-character word"
    );
    assert_eq!(
        find("北九州", 50).await,
        keys(3)[..50].to_vec(),
        "common terms, the substring decides"
    );
    assert_eq!(
        find("北九州", 5000).await,
        keys(3),
        "every match, past the common terms' false ones"
    );
    assert_eq!(find("札幌", 50).await, keys(500), "a rare word");
    assert_eq!(
        find("札幌市", 50).await,
        keys(500),
        "a rare word beside a common one"
    );
    // The counts, from the index alone, agree with the matches.
    let count = |q: &'static str| async move {
        let text = search::plan(db.pool(), "listing", q).await.unwrap();
        search::count(db.pool(), "listing", text.as_ref(), &[], None)
            .await
            .unwrap()
    };
    for q in ["精神", "北九州", "札幌", "札幌市", "大阪"] {
        let all = find(q, 5000).await;
        assert_eq!(count(q).await, i64::try_from(all.len()).unwrap(), "count of {q}");
    }
    // A common word with a facet is driven from the facet: the same count either way.
    let pref = ["#pref:13".to_owned()];
    let with_pref = |q: &'static str| {
        let pref = pref.clone();
        async move {
            let text = search::plan(db.pool(), "listing", q).await.unwrap();
            search::count(db.pool(), "listing", text.as_ref(), &pref, None)
                .await
                .unwrap()
        }
    };
    let sevenths = |step: usize| i64::try_from((0..n).step_by(step).filter(|i| i % 7 == 0).count()).unwrap();
    assert_eq!(with_pref("精神").await, sevenths(1));
    assert_eq!(with_pref("北九州").await, sevenths(3));
    assert_eq!(with_pref("札幌市").await, sevenths(500));
}

#[tokio::test]
async fn counts_keep_to_the_days_listed_and_the_facets() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let docs = [
        ("R1", Some("2026-12-03"), vec!["#pref:13"]),
        ("R2", Some("2026-12-04"), vec!["#pref:13", "#method:phone"]),
        ("R3", None, vec!["#pref:27", "#method:phone"]),
    ];
    let mut tx = db.begin_write().await.unwrap();
    for (key, until, facets) in &docs {
        let doc = search::Doc {
            facets: facets.iter().map(|f| (*f).to_owned()).collect(),
            listed_until: until.map(day),
            ..search::Doc::text(key, "精神保健 相談室")
        };
        search::index(&mut tx, "registration", &doc).await.unwrap();
    }
    tx.commit().await.unwrap();
    let count = |q: &'static str, facets: &'static [&'static str], today: &'static str| async move {
        let text = search::plan(db.pool(), "registration", q).await.unwrap();
        let facets: Vec<String> = facets.iter().map(|f| (*f).to_owned()).collect();
        search::count(
            db.pool(),
            "registration",
            text.as_ref(),
            &facets,
            Some(day(today)),
        )
        .await
        .unwrap()
    };
    assert_eq!(
        count("", &[], "2026-12-03").await,
        3,
        "every document listed that day"
    );
    assert_eq!(count("", &[], "2026-12-04").await, 2, "R1's last day has passed");
    assert_eq!(
        count("精神", &[], "2026-12-05").await,
        1,
        "only R3 has no last day"
    );
    assert_eq!(count("", &["#pref:13"], "2026-12-04").await, 1);
    assert_eq!(count("相談", &["#method:phone"], "2026-12-04").await, 2);
    assert_eq!(
        count("相談", &["#method:phone", "#pref:27"], "2026-12-04").await,
        1
    );
    assert_eq!(count("大阪", &[], "2026-12-03").await, 0);
    assert_eq!(count("", &[], "2026-12-03").await, 3);
}

#[tokio::test]
async fn verifications_are_counted_per_day_without_personal_data() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let counts = &app.state.verifications;
    for day in ["2026-11-20", "2026-11-20", "2026-11-21"] {
        counts.add("MH-2026-0001", day.parse().unwrap());
    }
    // Counted in memory: nothing is written on the request path.
    assert_eq!(counts.pending(), 3);
    assert_eq!(app.count("verification_counts").await, 0);
    assert_eq!(
        nintei_app::directory::flush_verifications(&app.state)
            .await
            .unwrap(),
        3
    );
    assert_eq!(counts.pending(), 0);
    assert_eq!(search::verification_count(db, "MH-2026-0001").await.unwrap(), 3);
    assert_eq!(app.count("verification_counts").await, 2);
    // A later flush adds to the day's row.
    counts.add("MH-2026-0001", "2026-11-21".parse().unwrap());
    nintei_app::directory::flush_verifications(&app.state)
        .await
        .unwrap();
    assert_eq!(search::verification_count(db, "MH-2026-0001").await.unwrap(), 4);
    assert_eq!(app.count("verification_counts").await, 2);
}

/// Indexes one document in a transaction of its own.
async fn index_one(db: &nintei_store::Db, kind: &str, key: &str, text: &str, facets: &[&str]) {
    let mut tx = db.begin_write().await.unwrap();
    let doc = search::Doc {
        facets: facets.iter().map(|f| (*f).to_owned()).collect(),
        ..search::Doc::text(key, text)
    };
    search::index(&mut tx, kind, &doc).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn reindexing_writes_only_the_changed_terms_and_removal_leaves_the_others() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let saturday = ["#open:saturday"];
    index_one(db, "registration", "R1", "精神保健 相談室", &saturday).await;
    index_one(db, "registration", "R2", "精神科 相談室", &[]).await;
    index_one(db, "accreditation", "A1", "精神保健 相談室", &[]).await;
    let terms = app.count("search_terms").await;
    let find = |kind: &'static str, q: &'static str| async move {
        search::search(db, kind, q, 50).await.unwrap().unwrap()
    };
    assert_eq!(find("registration", "相談室").await, vec!["R1", "R2"]);
    assert_eq!(
        find("accreditation", "相談室").await,
        vec!["A1"],
        "kinds are apart"
    );
    // The same text again changes no term row; a new text replaces exactly the old terms.
    index_one(db, "registration", "R1", "精神保健 相談室", &saturday).await;
    assert_eq!(app.count("search_terms").await, terms);
    index_one(db, "registration", "R1", "大阪 相談室", &[]).await;
    assert_eq!(find("registration", "精神").await, vec!["R2"]);
    assert_eq!(find("registration", "大阪").await, vec!["R1"]);
    assert_eq!(find("accreditation", "精神").await, vec!["A1"]);
    let mut tx = db.begin_write().await.unwrap();
    search::remove(&mut tx, "registration", "R1").await.unwrap();
    search::remove(&mut tx, "registration", "R1").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(find("registration", "相談室").await, vec!["R2"]);
    assert_eq!(find("accreditation", "相談室").await, vec!["A1"]);
    assert_eq!(app.count("search_docs").await, 2);
}

#[tokio::test]
async fn the_directory_cache_holds_across_two_instances_on_one_database() {
    let app = TestApp::new().await;
    let second = nintei_app::state::AppState::new(
        nintei_store::Db::connect(&app.db.url).await.unwrap(),
        app.clock.clone(),
        nintei_web::Config::default(),
    );
    let f = nintei_store::registrations::PublicFilter {
        limit: 50,
        ..Default::default()
    };
    let first_body = nintei_app::directory::registrations_body(&second, &f)
        .await
        .unwrap();
    assert_eq!(&*first_body, r#"{"items":[],"page":1,"per_page":50,"total":0}"#);
    // A change written through the first instance's pool moves the generation in the database ...
    let mut tx = app.state.db.begin_write().await.unwrap();
    search::bump_generation(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    // ... so the second instance's cached answer is not used for the next request.
    let generation = search::generation(&second.db).await.unwrap();
    assert!(generation.is_some());
    let again = nintei_app::directory::registrations_body(&second, &f)
        .await
        .unwrap();
    assert!(
        !std::sync::Arc::ptr_eq(&first_body, &again),
        "read again after the change"
    );
    let cached = nintei_app::directory::registrations_body(&second, &f)
        .await
        .unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&again, &cached),
        "served from the cache while nothing changed"
    );
    // Concurrent requests share generation reads, but each waits for a read that started after it arrived: after
    // another change, none of twenty requests at once gets the answer cached before it.
    let mut tx = app.state.db.begin_write().await.unwrap();
    search::bump_generation(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (state, f) = (second.clone(), f.clone());
        requests.spawn(async move { nintei_app::directory::registrations_body(&state, &f).await });
    }
    while let Some(b) = requests.join_next().await {
        let b = b.unwrap().unwrap();
        assert!(
            !std::sync::Arc::ptr_eq(&b, &cached),
            "a stale answer after the change"
        );
    }
    // Twenty hits ready together: the read waits for them all to arrive, so one read serves them all.
    let reads = second.public_cache.generation_reads();
    for _ in 0..20 {
        let (state, f) = (second.clone(), f.clone());
        requests.spawn(async move { nintei_app::directory::registrations_body(&state, &f).await });
    }
    while let Some(b) = requests.join_next().await {
        b.unwrap().unwrap();
    }
    assert_eq!(second.public_cache.generation_reads() - reads, 1);
}
