//! The public directory's search index: n-gram terms per document, the same SQL on both backends.
//!
//! Layout (measured in docs/decisions.md, "A compact search index"): `search_docs` holds one row per document
//! (an integer `doc_id`, its kind and key, its normalized text and facets); `search_terms` holds `(term, doc_id)`
//! only, keyed by that pair, with the kind folded into the term as a one-letter tag. No second index: a document's
//! terms are recomputed from its stored text and facets when it changes, and only the difference is written.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use nintei_domain::search::{document_terms, normalize, prefecture_facet, query_terms};
use sqlx::{Any, AssertSqlSafe, Executor, Row};

use crate::bulk::{Value, insert_rows};
use crate::cols::iso;
use crate::{Db, Result, Tx};

/// `term` of a document of `kind` as stored: the kind's tag, then the term. The two public kinds have one-letter
/// tags (every term row is a few bytes shorter: the index is the largest table); other kinds their name and `:`.
/// Unambiguous: text terms are letters and digits only and facets start with `#`.
fn tagged(kind: &str, term: &str) -> String {
    match kind {
        "registration" => format!("r{term}"),
        "accreditation" => format!("a{term}"),
        _ => format!("{kind}:{term}"),
    }
}

/// The stored terms of a document: the n-grams of its (normalized) text and its facets, tagged with its kind.
fn stored_terms<'a>(kind: &str, text: &str, facets: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut terms: BTreeSet<String> = document_terms(text).iter().map(|t| tagged(kind, t)).collect();
    terms.extend(facets.into_iter().map(|f| tagged(kind, f)));
    terms
}

/// A document as indexed: its key, its text, its facets (terms a filter looks up, such as `#open:saturday` or
/// `#pref:13`; never produced by text normalization) and the last day it is listed (`None`: no last day). The
/// index holds only what the directory may list, so a count is answered from the index alone.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub key: String,
    pub text: String,
    pub facets: Vec<String>,
    pub listed_until: Option<NaiveDate>,
}

impl Doc {
    /// A document found by its text only, with no last day.
    pub fn text(key: &str, text: &str) -> Doc {
        Doc {
            key: key.to_owned(),
            text: text.to_owned(),
            ..Doc::default()
        }
    }
}

/// Facets are stored one per line beside the text (they never contain a line break).
fn join_facets(facets: &[String]) -> String {
    facets.join("\n")
}

fn split_facets(facets: &str) -> impl Iterator<Item = &str> {
    facets.split('\n').filter(|f| !f.is_empty())
}

/// Terms per DELETE statement (well under both backends' bind limits).
const DELETE_CHUNK: usize = 400;

async fn insert_terms(tx: &mut Tx, doc_id: i64, terms: impl Iterator<Item = String>) -> Result<()> {
    let rows = terms.map(|t| vec![Value::from(t), Value::from(doc_id)]).collect();
    insert_rows(tx, "search_terms", &["term", "doc_id"], rows).await
}

async fn delete_terms(tx: &mut Tx, doc_id: i64, terms: &[&String]) -> Result<()> {
    for chunk in terms.chunks(DELETE_CHUNK) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "DELETE FROM search_terms WHERE doc_id = $1 AND term IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(doc_id);
        for t in chunk {
            q = q.bind((*t).clone());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A stored document: its id, normalized text and facets.
async fn stored(tx: &mut Tx, kind: &str, doc_key: &str) -> Result<Option<(i64, String, String)>> {
    let row = sqlx::query("SELECT doc_id, text, facets FROM search_docs WHERE kind = $1 AND doc_key = $2")
        .bind(kind.to_owned())
        .bind(doc_key.to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| Ok((r.try_get("doc_id")?, r.try_get("text")?, r.try_get("facets")?)))
        .transpose()
}

/// The next free document id. Safe against concurrent writers: every caller has moved the generation in its
/// transaction first, which takes the settings row's lock (PostgreSQL) or the write lock (SQLite).
async fn next_doc_id(tx: &mut Tx) -> Result<i64> {
    let row = sqlx::query("SELECT CAST(COALESCE(MAX(doc_id), 0) + 1 AS BIGINT) AS n FROM search_docs")
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get("n")?)
}

/// (Re)indexes `doc` as a document of `kind` (e.g. `registration`, `accreditation`). Writes only the terms that
/// changed.
pub async fn index(tx: &mut Tx, kind: &str, doc: &Doc) -> Result<()> {
    bump_generation(tx).await?;
    let text = normalize(&doc.text);
    let facet_text = join_facets(&doc.facets);
    let new = stored_terms(kind, &text, doc.facets.iter().map(String::as_str));
    match stored(tx, kind, &doc.key).await? {
        Some((doc_id, old_text, old_facets)) => {
            let old = stored_terms(kind, &old_text, split_facets(&old_facets));
            let gone: Vec<&String> = old.difference(&new).collect();
            delete_terms(tx, doc_id, &gone).await?;
            insert_terms(tx, doc_id, new.difference(&old).cloned()).await?;
            sqlx::query("UPDATE search_docs SET text = $1, facets = $2, listed_until = $3 WHERE doc_id = $4")
                .bind(text)
                .bind(facet_text)
                .bind(doc.listed_until.map(iso))
                .bind(doc_id)
                .execute(&mut **tx)
                .await?;
        }
        None => {
            let doc_id = next_doc_id(tx).await?;
            sqlx::query(
                "INSERT INTO search_docs (doc_id, kind, doc_key, text, facets, listed_until) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(doc_id)
            .bind(kind.to_owned())
            .bind(doc.key.clone())
            .bind(text)
            .bind(facet_text)
            .bind(doc.listed_until.map(iso))
            .execute(&mut **tx)
            .await?;
            insert_terms(tx, doc_id, new.into_iter()).await?;
        }
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

/// Reads of the directory's generation over a connection of its own (made at the first read, made again after
/// an error): the read is one statement, where the pool adds a check of the connection as it goes back.
#[derive(Default)]
pub struct GenerationReader {
    conn: tokio::sync::Mutex<Option<sqlx::AnyConnection>>,
}

impl GenerationReader {
    /// The directory's generation now, as [`generation`] reads it.
    pub async fn read(&self, db: &Db) -> Result<Option<String>> {
        let mut slot = self.conn.lock().await;
        let conn = match slot.take() {
            Some(conn) => slot.insert(conn),
            None => slot.insert(db.connect_single().await?),
        };
        match crate::settings::get_on(&mut *conn, GENERATION_KEY).await {
            Ok(value) => Ok(value),
            Err(e) => {
                // Not reused after a failure: the next read connects again.
                *slot = None;
                Err(e)
            }
        }
    }
}

/// Removes the document `doc_key` of `kind` from the index (a no-op for the index when it is not there; the
/// generation moves either way: the listing changed).
pub async fn remove(tx: &mut Tx, kind: &str, doc_key: &str) -> Result<()> {
    bump_generation(tx).await?;
    let Some((doc_id, text, facets)) = stored(tx, kind, doc_key).await? else {
        return Ok(());
    };
    let terms = stored_terms(kind, &text, split_facets(&facets));
    delete_terms(tx, doc_id, &terms.iter().collect::<Vec<_>>()).await?;
    sqlx::query("DELETE FROM search_docs WHERE doc_id = $1")
        .bind(doc_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Empties the whole index (before a rebuild under a new layout version).
pub async fn clear(tx: &mut Tx) -> Result<()> {
    bump_generation(tx).await?;
    for table in ["search_terms", "search_docs"] {
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Keys of the documents of `kind` whose text contains `query` (normalized), at most `limit`, in key order.
/// None when the query has no searchable characters (the caller then lists without a text filter).
pub async fn search(db: &Db, kind: &str, query: &str, limit: i64) -> Result<Option<Vec<String>>> {
    let Some(filter) = plan(db.pool(), kind, query).await? else {
        return Ok(None);
    };
    let (cond, mut binds) = filter.condition("k.doc_key", 1);
    let sql = format!(
        "SELECT k.doc_key FROM search_docs k WHERE k.kind = ${} AND {cond} ORDER BY k.doc_key LIMIT {}",
        binds.len() + 1,
        limit.max(0)
    );
    binds.push(kind.to_owned());
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

/// Index entries a term's frequency is probed up to. A term with fewer entries is "rare": the matches are found
/// from its posting list (at most this many documents). When every term reaches it the query is "common": the
/// listing is read in its display order and each row is checked against the index, so a page stops after about
/// `page size × documents ÷ matches` rows instead of sorting every match.
pub const COMMON_TERM: i64 = 2000;

/// A text query planned against the index: its terms tagged and rarest first, whether it needs the substring
/// check, and whether every term is common. Made by [`plan`], turned into SQL by [`TextFilter::condition`].
#[derive(Debug, Clone)]
pub struct TextFilter {
    kind: String,
    /// `%query%` when the terms do not decide it alone (three characters or more: bigrams also match their parts
    /// spread apart); a one- or two-character query is exactly its one term.
    like: Option<String>,
    terms: Vec<String>,
    common: bool,
}

/// Plans `query` for documents of `kind`: probes how many entries each of its terms has, up to [`COMMON_TERM`]
/// (one statement, bounded work), so the rarest term leads. None when the query has no searchable characters.
pub async fn plan<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    kind: &str,
    query: &str,
) -> Result<Option<TextFilter>> {
    let terms: Vec<String> = filter_terms(query_terms(query))
        .iter()
        .map(|t| tagged(kind, t))
        .collect();
    if terms.is_empty() {
        return Ok(None);
    }
    let probes: Vec<String> = (0..terms.len())
        .map(|i| {
            format!(
                "(SELECT COUNT(*) FROM (SELECT 1 AS one FROM search_terms WHERE term = ${} LIMIT {COMMON_TERM}) \
                 p{i}) AS n{i}",
                i + 1
            )
        })
        .collect();
    let sql = format!("SELECT {}", probes.join(", "));
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for t in &terms {
        q = q.bind(t.clone());
    }
    let row = q.fetch_one(ex).await?;
    let mut counted = Vec::with_capacity(terms.len());
    for (i, t) in terms.into_iter().enumerate() {
        let n: i64 = row.try_get(i)?;
        counted.push((n, t));
    }
    // Rarest first; the query order breaks ties, so one query always gives the same SQL.
    counted.sort_by_key(|(n, _)| *n);
    let common = counted.first().is_some_and(|(n, _)| *n >= COMMON_TERM);
    let normalized = normalize(query);
    let like = (normalized.chars().count() > 2).then(|| format!("%{normalized}%"));
    Ok(Some(TextFilter {
        kind: kind.to_owned(),
        like,
        terms: counted.into_iter().map(|(_, t)| t).collect(),
        common,
    }))
}

impl TextFilter {
    /// An SQL condition for a page (a listing read in its key's order up to a limit), keeping the rows whose
    /// `column` is the key of a matching document, and its bind values, placeholders numbered from `$first`.
    /// `{column} IN (…)` driven from the rarest term's postings, except for a common query: then a correlated
    /// `EXISTS` that checks one row at a time (one index seek per term), so the listing stops at its page. (A
    /// count reads every match and is answered by [`count`].)
    pub fn condition(&self, column: &str, first: usize) -> (String, Vec<String>) {
        let by_row = self.common;
        let mut binds = Vec::new();
        let mark = |binds: &mut Vec<String>, value: String| {
            binds.push(value);
            format!("${}", first + binds.len() - 1)
        };
        // The document's kind is needed only to find it by key; a posting of a tagged term is of its kind.
        let kind = by_row.then(|| mark(&mut binds, self.kind.clone()));
        // The query text has no LIKE wildcards: normalization keeps letters, digits and kana marks only.
        let like = match &self.like {
            Some(l) => format!(" AND d.text LIKE {}", mark(&mut binds, l.clone())),
            None => String::new(),
        };
        let terms: Vec<String> = self.terms.iter().map(|t| mark(&mut binds, t.clone())).collect();
        let sql = match kind {
            Some(kind) => {
                let probes: String = terms
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        format!(" AND EXISTS (SELECT 1 FROM search_terms t{i} WHERE t{i}.term = {t} AND t{i}.doc_id = d.doc_id)")
                    })
                    .collect();
                format!(
                    "EXISTS (SELECT 1 FROM search_docs d WHERE d.kind = {kind} AND d.doc_key = {column}{probes}{like})"
                )
            }
            None => {
                // Each further term joined on its primary key (term, doc_id): an index seek per posting of the
                // rarest. No `d.kind` condition: with it SQLite's planner walks every document of the kind and
                // probes the postings (measured: 160 ms for 700 matches at 100k, against a few ms).
                let joins: String = terms
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(i, t)| {
                        format!(" JOIN search_terms t{i} ON t{i}.term = {t} AND t{i}.doc_id = t0.doc_id")
                    })
                    .collect();
                let rarest = terms.first().cloned().unwrap_or_default();
                format!(
                    "{column} IN (SELECT d.doc_key FROM search_terms t0{joins} JOIN search_docs d ON d.doc_id = t0.doc_id \
                     WHERE t0.term = {rarest}{like})"
                )
            }
        };
        (sql, binds)
    }
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
                "{column} IN (SELECT d.doc_key FROM search_terms t JOIN search_docs d ON d.doc_id = t.doc_id \
                 WHERE t.term = ${})",
                first + i
            )
        })
        .collect();
    let binds = facets.iter().map(|f| tagged(kind, f)).collect();
    Some((conds.join(" AND "), binds))
}

/// How many documents of `kind` are listed on `today` (every day when `None`), match `text` (when given) and carry
/// every one of `facets`, counted from the index alone: postings and document rows, never the listings' own
/// (wide) rows. The index holds only listings in force and each one's last listed day, so this is the count of
/// the listing query with the same filters. Driven from the rarest text term's postings (each further term and
/// facet an index seek), or from the first facet's (`facets` rarest kind first), or from the documents of the
/// kind.
pub async fn count<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    kind: &str,
    text: Option<&TextFilter>,
    facets: &[String],
    today: Option<NaiveDate>,
) -> Result<i64> {
    let mut binds: Vec<String> = Vec::new();
    let mut mark = |value: String| {
        binds.push(value);
        format!("${}", binds.len())
    };
    // With the substring check, the rarest term alone narrows enough: a further term's seeks cost as much as the
    // document rows they would spare (measured: メンタル at 100k, 85 ms instead of 308).
    let text_terms: Vec<String> = match text {
        Some(t) if t.like.is_some() => t.terms.iter().take(1).cloned().collect(),
        Some(t) => t.terms.clone(),
        None => Vec::new(),
    };
    let facet_terms = facets.iter().map(|f| tagged(kind, f));
    // A common text drives less well than the first facet (the caller puts the rarest kind first: a prefecture).
    let terms: Vec<String> = if text.is_some_and(|t| t.common) {
        facet_terms.chain(text_terms).collect()
    } else {
        text_terms.into_iter().chain(facet_terms).collect()
    };
    let terms: Vec<String> = terms.into_iter().map(&mut mark).collect();
    let mut cond = String::new();
    if let Some(like) = text.and_then(|t| t.like.clone()) {
        cond.push_str(&format!(" AND d.text LIKE {}", mark(like)));
    }
    if let Some(today) = today {
        let m = mark(iso(today));
        cond.push_str(&format!(" AND (d.listed_until IS NULL OR d.listed_until >= {m})"));
    }
    let sql = match terms.split_first() {
        Some((first, rest)) => {
            let joins: String = rest
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    format!(
                        " JOIN search_terms t{n} ON t{n}.term = {t} AND t{n}.doc_id = t0.doc_id",
                        n = i + 1
                    )
                })
                .collect();
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM search_terms t0{joins} \
                 JOIN search_docs d ON d.doc_id = t0.doc_id WHERE t0.term = {first}{cond}"
            )
        }
        None => {
            let k = mark(kind.to_owned());
            format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM search_docs d WHERE d.kind = {k}{cond}")
        }
    };
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_one(ex).await?.try_get("n")?)
}

/// The directory's total for `query` (planned here) in `prefecture` (its facet leads: the rarest kind, one of 47)
/// with `facets` besides: see [`count`].
pub async fn count_listed<'c, E: Executor<'c, Database = Any> + Copy>(
    ex: E,
    kind: &str,
    query: &str,
    prefecture: Option<&str>,
    facets: Vec<String>,
    today: Option<NaiveDate>,
) -> Result<i64> {
    let text = plan(ex, kind, query).await?;
    let mut all: Vec<String> = prefecture.map(prefecture_facet).into_iter().collect();
    all.extend(facets);
    count(ex, kind, text.as_ref(), &all, today).await
}

/// Adds verification counts `(number, day, n)` in one statement per row, in the caller's transaction (no IP, no
/// user agent: ACC-23 publication without tracking). The counts are gathered in memory and flushed in batches.
pub async fn add_verification_counts(tx: &mut Tx, counts: &[(String, String, i64)]) -> Result<()> {
    for (number, day, n) in counts {
        sqlx::query(
            "INSERT INTO verification_counts (number, day, count) VALUES ($1, $2, $3) \
             ON CONFLICT (number, day) DO UPDATE SET count = verification_counts.count + excluded.count",
        )
        .bind(number.clone())
        .bind(day.clone())
        .bind(*n)
        .execute(&mut **tx)
        .await?;
    }
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

/// Indexes many new documents of `kind` at once (generated data and rebuilds: the keys must not be indexed yet).
/// The same normalization and terms as [`index`], written with multi-row inserts.
pub async fn index_new(tx: &mut Tx, kind: &str, docs: &[Doc]) -> Result<()> {
    bump_generation(tx).await?;
    let mut doc_id = next_doc_id(tx).await?;
    let mut doc_rows = Vec::with_capacity(docs.len());
    let mut terms = Vec::new();
    for doc in docs {
        let text = normalize(&doc.text);
        for term in stored_terms(kind, &text, doc.facets.iter().map(String::as_str)) {
            terms.push((term, doc_id));
        }
        doc_rows.push(vec![
            Value::from(doc_id),
            Value::from(kind),
            Value::from(doc.key.clone()),
            Value::from(text),
            Value::from(join_facets(&doc.facets)),
            Value::OptText(doc.listed_until.map(iso)),
        ]);
        doc_id += 1;
    }
    let columns = ["doc_id", "kind", "doc_key", "text", "facets", "listed_until"];
    insert_rows(tx, "search_docs", &columns, doc_rows).await?;
    // In the primary key's order: the b-tree is then walked once from left to right instead of at random.
    terms.sort_unstable();
    let term_rows = terms
        .into_iter()
        .map(|(term, doc_id)| vec![Value::from(term), Value::from(doc_id)])
        .collect();
    insert_rows(tx, "search_terms", &["term", "doc_id"], term_rows).await
}
