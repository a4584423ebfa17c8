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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_the_search_text_match_themselves() {
        assert_eq!(contains("ABC"), "%abc%");
        assert_eq!(contains("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
