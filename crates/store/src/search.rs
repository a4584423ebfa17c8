//! The public directory's search index: n-gram terms per document, the same SQL on both backends.

use nintei_domain::search::{document_terms, normalize, query_terms};
use sqlx::{AssertSqlSafe, Row};

use crate::{Db, Result, Tx};

/// (Re)indexes one document of `kind` (e.g. `registration`, `accreditation`) under `doc_key`, with its facets
/// (terms a filter looks up, such as `#open:saturday`; never produced by text normalization).
pub async fn index(tx: &mut Tx, kind: &str, doc_key: &str, text: &str, facets: &[&str]) -> Result<()> {
    remove(tx, kind, doc_key).await?;
    sqlx::query("INSERT INTO search_docs (kind, doc_key, text) VALUES ($1, $2, $3)")
        .bind(kind.to_owned())
        .bind(doc_key.to_owned())
        .bind(normalize(text))
        .execute(&mut **tx)
        .await?;
    let facets = facets.iter().map(|f| (*f).to_owned());
    for term in document_terms(text).into_iter().chain(facets) {
        sqlx::query("INSERT INTO search_terms (kind, term, doc_key) VALUES ($1, $2, $3)")
            .bind(kind.to_owned())
            .bind(term)
            .bind(doc_key.to_owned())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The settings key of the directory's generation: a counter moved in the same transaction as every change to
/// the published listings, so a cache of public query results knows when it is stale (on any process).
pub const GENERATION_KEY: &str = "directory.generation";

/// Moves the directory's generation on (in the caller's transaction).
pub async fn bump_generation(tx: &mut Tx) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, '1') ON CONFLICT (key) DO UPDATE \
         SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)",
    )
    .bind(GENERATION_KEY.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The directory's generation now (None before the first listing change).
pub async fn generation(db: &Db) -> Result<Option<String>> {
    crate::settings::get(db, GENERATION_KEY).await
}

pub async fn remove(tx: &mut Tx, kind: &str, doc_key: &str) -> Result<()> {
    // Every index change goes through here first (`index` removes before it inserts).
    bump_generation(tx).await?;
    for table in ["search_terms", "search_docs"] {
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE kind = $1 AND doc_key = $2"
        )))
        .bind(kind.to_owned())
        .bind(doc_key.to_owned())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Keys of the documents of `kind` whose text contains `query` (normalized), at most `limit`, in key order.
/// None when the query has no searchable characters (the caller then lists without a text filter).
pub async fn search(db: &Db, kind: &str, query: &str, limit: i64) -> Result<Option<Vec<String>>> {
    let Some((cond, binds)) = matching(kind, query, "d.doc_key", 1) else {
        return Ok(None);
    };
    let sql = format!(
        "SELECT d.doc_key FROM search_docs d WHERE d.kind = $1 AND {cond} ORDER BY d.doc_key LIMIT {}",
        limit.max(0)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(db.pool()).await?;
    let keys = rows
        .iter()
        .map(|r| r.try_get("doc_key"))
        .collect::<std::result::Result<Vec<String>, _>>()?;
    Ok(Some(keys))
}

/// The most n-gram terms a query is narrowed by; the substring check on the normalized text decides the rest.
const MAX_FILTER_TERMS: usize = 4;

/// At most [`MAX_FILTER_TERMS`] of `terms`, spread over the query (first, last and between), in query order.
fn filter_terms(terms: Vec<String>) -> Vec<String> {
    if terms.len() <= MAX_FILTER_TERMS {
        return terms;
    }
    let last = terms.len() - 1;
    let mut picked: Vec<usize> = (0..MAX_FILTER_TERMS)
        .map(|i| i * last / (MAX_FILTER_TERMS - 1))
        .collect();
    picked.dedup();
    picked.into_iter().filter_map(|i| terms.get(i).cloned()).collect()
}

/// An SQL condition `{column} IN (…)` keeping the documents of `kind` that contain `query` (the same n-gram
/// filter and substring check as [`search`]), and its bind values, placeholders numbered from `$first`. None when
/// the query has no searchable characters. Lets a listing query filter, order and page in one statement.
pub fn matching(kind: &str, query: &str, column: &str, first: usize) -> Option<(String, Vec<String>)> {
    let terms = filter_terms(query_terms(query));
    if terms.is_empty() {
        return None;
    }
    // One term table per term, each joined on its primary key (kind, term, doc_key): every lookup is an index
    // seek on both databases, whatever the planner thinks of a GROUP BY (SQLite chose the (kind, doc_key) index
    // for `term IN (…) GROUP BY doc_key` and read every term of the kind: 200 ms at 10k listings). Then the
    // normalized text must contain the whole query (bigrams alone would match their parts spread apart); the query
    // text has no LIKE wildcards: normalization keeps letters, digits and kana marks only.
    let (k, l) = (first, first + 1);
    let mut joins = String::new();
    for i in 1..terms.len() {
        joins.push_str(&format!(
            " JOIN search_terms t{i} ON t{i}.kind = t0.kind AND t{i}.term = ${} AND t{i}.doc_key = t0.doc_key",
            first + 2 + i
        ));
    }
    let sql = format!(
        "{column} IN (SELECT d.doc_key FROM search_docs d WHERE d.kind = ${k} AND d.text LIKE ${l} AND d.doc_key IN \
         (SELECT t0.doc_key FROM search_terms t0{joins} WHERE t0.kind = ${k} AND t0.term = ${}))",
        first + 2
    );
    let mut binds = vec![kind.to_owned(), format!("%{}%", normalize(query))];
    binds.extend(terms);
    Some((sql, binds))
}

/// An SQL condition `{column} IN (…)` per facet, keeping the documents of `kind` that carry every one of `facets`,
/// and its bind values, placeholders numbered from `$first`. None when there are no facets.
pub fn having_facets(
    kind: &str,
    facets: &[String],
    column: &str,
    first: usize,
) -> Option<(String, Vec<String>)> {
    if facets.is_empty() {
        return None;
    }
    let conds: Vec<String> = (0..facets.len())
        .map(|i| {
            format!(
                "{column} IN (SELECT doc_key FROM search_terms WHERE kind = ${first} AND term = ${})",
                first + 1 + i
            )
        })
        .collect();
    let mut binds = vec![kind.to_owned()];
    binds.extend(facets.iter().cloned());
    Some((conds.join(" AND "), binds))
}

/// Counts one verification of `number` on `day` (no IP, no user agent: ACC-23 publication without tracking).
pub async fn count_verification(db: &Db, number: &str, day: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO verification_counts (number, day, count) VALUES ($1, $2, 1) \
         ON CONFLICT (number, day) DO UPDATE SET count = verification_counts.count + 1",
    )
    .bind(number.to_owned())
    .bind(day.to_owned())
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn verification_count(db: &Db, number: &str) -> Result<i64> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) AS n FROM verification_counts WHERE number = $1",
    )
    .bind(number.to_owned())
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get("n")?)
}

/// Indexes many new documents of `kind` at once (generated data: the keys must not be indexed yet). The same
/// normalization and terms as [`index`], written with multi-row inserts.
pub async fn index_new(tx: &mut Tx, kind: &str, docs: &[(String, String, Vec<&'static str>)]) -> Result<()> {
    use crate::bulk::{Value, insert_rows};
    let mut doc_rows = Vec::with_capacity(docs.len());
    let mut term_rows = Vec::new();
    for (key, text, facets) in docs {
        doc_rows.push(vec![
            Value::from(kind),
            Value::from(key.clone()),
            Value::from(normalize(text)),
        ]);
        let facets = facets.iter().map(|f| (*f).to_owned());
        for term in document_terms(text).into_iter().chain(facets) {
            term_rows.push(vec![
                Value::from(kind),
                Value::from(term),
                Value::from(key.clone()),
            ]);
        }
    }
    bump_generation(tx).await?;
    insert_rows(tx, "search_docs", &["kind", "doc_key", "text"], doc_rows).await?;
    insert_rows(tx, "search_terms", &["kind", "term", "doc_key"], term_rows).await
}
