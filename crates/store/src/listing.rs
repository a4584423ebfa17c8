//! The shape of a staff list request — a search text, one filter, a sort key and a page — shared by the paged
//! lists (organizations, ACC cases, accreditations, users, mail). Sort keys are matched against each list's own
//! fixed set; nothing the caller sends reaches the SQL text.

/// One page of a list, filtered and sorted.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    /// Free text matched anywhere in the list's searchable columns (empty: everything).
    pub q: &'a str,
    /// The list's one filter (a status, a role, a prefecture code; empty: all).
    pub only: &'a str,
    /// One of the list's sort keys (unknown: its default order).
    pub sort: &'a str,
    pub limit: i64,
    pub offset: i64,
}

/// `q` as a case-insensitive `LIKE … ESCAPE '\'` pattern matching anywhere; `%`, `_` and `\` match themselves.
pub fn contains(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of `SELECT {select} FROM {from} WHERE {cond} ORDER BY {order}` and the number of rows the condition
/// matches; `args` are bound to `$1…` in the condition (text only), the page's limit and offset after them.
/// `from`, `cond` and `order` are code constants: nothing the caller sends reaches the SQL text.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn fetch_page<'c, E, T>(
    ex: E,
    select: &str,
    from: &str,
    cond: &str,
    order: &str,
    args: &[String],
    f: &Filter<'_>,
    map: impl Fn(&sqlx::any::AnyRow) -> crate::Result<T>,
) -> crate::Result<(Vec<T>, i64)>
where
    E: sqlx::Executor<'c, Database = sqlx::Any> + Copy,
{
    use sqlx::Row;
    let n = args.len();
    let sql = format!(
        "SELECT {select} FROM {from} WHERE {cond} ORDER BY {order} LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql));
    for a in args {
        rows = rows.bind(a.clone());
    }
    let rows = rows.bind(f.limit).bind(f.offset).fetch_all(ex).await?;
    let mut count = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM {from} WHERE {cond}"
    )));
    for a in args {
        count = count.bind(a.clone());
    }
    let total: i64 = count.fetch_one(ex).await?.try_get("n")?;
    Ok((rows.iter().map(map).collect::<crate::Result<_>>()?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_the_search_text_match_themselves() {
        assert_eq!(contains("ABC"), "%abc%");
        assert_eq!(contains("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
