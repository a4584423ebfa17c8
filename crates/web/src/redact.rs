//! Paths whose last segment is a secret (a calendar feed's address, a one-time questionnaire link) are logged
//! with the secret replaced: whoever reads the logs must not be able to use them.

/// Path prefixes followed by a secret segment.
const SECRET_PREFIXES: [&str; 3] = ["/calendar/", "/q/", "/api/v1/public/questionnaires/"];

/// `path` as it may be logged.
pub fn path_for_log(path: &str) -> String {
    for prefix in SECRET_PREFIXES {
        if let Some(rest) = path.strip_prefix(prefix) {
            let (_secret, tail) = rest.split_once('/').map_or((rest, ""), |(s, t)| (s, t));
            let ext = if tail.is_empty() && rest.ends_with(".ics") {
                ".ics"
            } else {
                ""
            };
            let tail = if tail.is_empty() {
                String::new()
            } else {
                format!("/{tail}")
            };
            return format!("{prefix}[redacted]{ext}{tail}");
        }
    }
    path.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_paths_are_redacted() {
        assert_eq!(
            path_for_log("/calendar/abcDEF123.ics"),
            "/calendar/[redacted].ics"
        );
        assert_eq!(path_for_log("/q/tok3n"), "/q/[redacted]");
        assert_eq!(path_for_log("/q/tok3n/answer"), "/q/[redacted]/answer");
        assert_eq!(
            path_for_log("/api/v1/public/questionnaires/tok3n"),
            "/api/v1/public/questionnaires/[redacted]"
        );
        assert_eq!(path_for_log("/deadlines"), "/deadlines");
    }
}
