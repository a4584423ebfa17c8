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
        search::index(&mut tx, "listing", key, text, &[]).await.unwrap();
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
    search::index(&mut tx, "listing", "a", "株式会社こころケア 大阪府", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(find("精神").await, Some(vec![]));
    assert_eq!(find("大阪").await, Some(vec!["a".to_owned()]));
}

#[tokio::test]
async fn verifications_are_counted_per_day_without_personal_data() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    for day in ["2026-11-20", "2026-11-20", "2026-11-21"] {
        search::count_verification(db, "MH-2026-0001", day).await.unwrap();
    }
    assert_eq!(search::verification_count(db, "MH-2026-0001").await.unwrap(), 3);
    assert_eq!(app.count("verification_counts").await, 2);
}
