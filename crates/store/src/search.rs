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

pub async fn remove(tx: &mut Tx, kind: &str, doc_key: &str) -> Result<()> {
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
    let terms = query_terms(query);
    if terms.is_empty() {
        return Ok(None);
    }
    let placeholders: Vec<String> = (0..terms.len()).map(|i| format!("${}", i + 3)).collect();
    // Every term must be present (the n-gram filter), then the normalized text must contain the whole query
    // (bigrams alone would match their parts spread apart). The query text has no LIKE wildcards: normalization
    // keeps letters, digits and kana marks only.
    let sql = format!(
        "SELECT d.doc_key FROM search_docs d WHERE d.kind = $1 AND d.text LIKE $2 AND d.doc_key IN \
         (SELECT doc_key FROM search_terms WHERE kind = $1 AND term IN ({}) GROUP BY doc_key \
         HAVING COUNT(*) = {}) ORDER BY d.doc_key LIMIT {}",
        placeholders.join(", "),
        terms.len(),
        limit.max(0)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(kind.to_owned())
        .bind(format!("%{}%", normalize(query)));
    for t in terms {
        q = q.bind(t);
    }
    let rows = q.fetch_all(db.pool()).await?;
    let keys = rows
        .iter()
        .map(|r| r.try_get("doc_key"))
        .collect::<std::result::Result<Vec<String>, _>>()?;
    Ok(Some(keys))
}

/// An SQL condition `{column} IN (…)` keeping the documents of `kind` that contain `query` (the same n-gram
/// filter and substring check as [`search`]), and its bind values, placeholders numbered from `$first`. None when
/// the query has no searchable characters. Lets a listing query filter, order and page in one statement.
pub fn matching(kind: &str, query: &str, column: &str, first: usize) -> Option<(String, Vec<String>)> {
    let terms = query_terms(query);
    if terms.is_empty() {
        return None;
    }
    let term_placeholders: Vec<String> = (0..terms.len()).map(|i| format!("${}", first + 2 + i)).collect();
    let sql = format!(
        "{column} IN (SELECT d.doc_key FROM search_docs d WHERE d.kind = ${k} AND d.text LIKE ${l} AND d.doc_key IN \
         (SELECT doc_key FROM search_terms WHERE kind = ${k} AND term IN ({t}) GROUP BY doc_key \
         HAVING COUNT(*) = {n}))",
        k = first,
        l = first + 1,
        t = term_placeholders.join(", "),
        n = terms.len(),
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
    insert_rows(tx, "search_docs", &["kind", "doc_key", "text"], doc_rows).await?;
    insert_rows(tx, "search_terms", &["kind", "term", "doc_key"], term_rows).await
}
