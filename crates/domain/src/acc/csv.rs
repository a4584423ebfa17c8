//! A small CSV reader for the standards import format (RFC 4180 style: comma-separated, fields optionally in
//! double quotes with `""` for a quote, quoted fields may span lines), plus `#` comment lines.

/// One record with the (1-based) line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Everything read from a text: records, comment lines (without the `#`), and line-numbered syntax errors.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub records: Vec<Record>,
    pub comments: Vec<String>,
    pub errors: Vec<(usize, String)>,
}

/// Reads all of `text`. A record with a syntax error is dropped and reported; reading goes on with the next
/// line, so one stray quote does not hide the errors after it. Fields are trimmed (quoted or not): a title
/// with leading or trailing blanks is never intended. Blank lines are skipped; a line starting with `#` is a
/// comment. CRLF line ends are accepted; a UTF-8 BOM (Excel writes one) is ignored.
pub(super) fn read(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Parsed::default();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut start_line = 1;
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut after_quote = false;
    let mut error: Option<String> = None;

    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    in_quotes = false;
                    after_quote = true;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '#' if fields.is_empty() && field.is_empty() && !after_quote => {
                let mut comment = String::new();
                while let Some(&next) = chars.peek() {
                    if next == '\n' || next == '\r' {
                        break;
                    }
                    comment.push(next);
                    chars.next();
                }
                out.comments.push(comment);
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                finish(&mut out, start_line, &mut fields, &mut field, &mut error);
                after_quote = false;
                line += 1;
                start_line = line;
            }
            '"' if field.trim().is_empty() && !after_quote => {
                field.clear();
                in_quotes = true;
            }
            '"' => {
                error
                    .get_or_insert_with(|| "引用符（\"）はフィールド全体を囲む場合にだけ使えます".to_owned());
            }
            _ if after_quote => {
                if !c.is_whitespace() {
                    error
                        .get_or_insert_with(|| "閉じ引用符（\"）の後にカンマ以外の文字があります".to_owned());
                }
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        out.errors
            .push((start_line, "引用符（\"）が閉じられていません".to_owned()));
    } else {
        finish(&mut out, start_line, &mut fields, &mut field, &mut error);
    }
    out
}

fn finish(
    out: &mut Parsed,
    line: usize,
    fields: &mut Vec<String>,
    field: &mut String,
    error: &mut Option<String>,
) {
    fields.push(std::mem::take(field));
    let fields = std::mem::take(fields);
    if let Some(message) = error.take() {
        out.errors.push((line, message));
    } else if !(fields.len() == 1 && fields.iter().all(|f| f.trim().is_empty())) {
        let fields = fields.into_iter().map(|f| f.trim().to_owned()).collect();
        out.records.push(Record { line, fields });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(parsed: &Parsed) -> Vec<(usize, Vec<&str>)> {
        parsed
            .records
            .iter()
            .map(|r| (r.line, r.fields.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn plain_and_quoted_fields() {
        let parsed = read("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\n");
        assert!(parsed.errors.is_empty());
        assert_eq!(
            fields(&parsed),
            [(1, vec!["a", "b", "c"]), (2, vec!["x, y", "say \"hi\"", ""])]
        );
    }

    #[test]
    fn quoted_newline_keeps_line_numbers_right() {
        let parsed = read("a,\"two\r\nlines\"\r\n\r\nb,c");
        assert!(parsed.errors.is_empty());
        assert_eq!(
            fields(&parsed),
            [(1, vec!["a", "two\nlines"]), (4, vec!["b", "c"])]
        );
    }

    #[test]
    fn comments_bom_and_blank_lines() {
        let parsed = read("\u{feff}# nintei:sample\n\n  \nx,y\n#second\n");
        assert_eq!(parsed.comments, [" nintei:sample", "second"]);
        assert_eq!(fields(&parsed), [(4, vec!["x", "y"])]);
    }

    #[test]
    fn syntax_errors_are_line_numbered_and_reading_goes_on() {
        let parsed = read("ok,1\nbad\"quote,2\n\"closed\"x,3\nok,4\n\"open,5\n");
        assert_eq!(fields(&parsed), [(1, vec!["ok", "1"]), (4, vec!["ok", "4"])]);
        let lines: Vec<_> = parsed.errors.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 3, 5]);
    }

    #[test]
    fn blank_after_closing_quote_is_fine() {
        let parsed = read(" \"a\" , b ");
        assert!(parsed.errors.is_empty());
        assert_eq!(fields(&parsed), [(1, vec!["a", "b"])]);
    }
}
