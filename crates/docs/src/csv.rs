//! CSV for the office's exports, made for Excel on Japanese Windows as much as for programs: UTF-8 with a BOM
//! (without it Excel reads Shift_JIS and garbles the Japanese), CRLF line ends, RFC 4180 quoting, and text cells
//! that a spreadsheet would take for a formula (starting with = + - @, tab or CR) defused with a leading
//! apostrophe (CSV injection).
//!
//! Numbers written as numbers (`Field::Int`) are never prefixed, so a negative amount stays a number.

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Text(String),
    Int(i64),
}

impl From<&str> for Field {
    fn from(s: &str) -> Field {
        Field::Text(s.to_owned())
    }
}

impl From<String> for Field {
    fn from(s: String) -> Field {
        Field::Text(s)
    }
}

impl From<&String> for Field {
    fn from(s: &String) -> Field {
        Field::Text(s.clone())
    }
}

impl From<i64> for Field {
    fn from(n: i64) -> Field {
        Field::Int(n)
    }
}

impl From<u32> for Field {
    fn from(n: u32) -> Field {
        Field::Int(i64::from(n))
    }
}

impl From<Option<&str>> for Field {
    fn from(s: Option<&str>) -> Field {
        Field::Text(s.unwrap_or_default().to_owned())
    }
}

const BOM: &str = "\u{feff}";

/// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
fn looks_like_formula(s: &str) -> bool {
    matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// A text cell as written: defused if it looks like a formula, quoted if it holds a comma, quote or line break.
pub fn text_cell(s: &str) -> String {
    let s = if looks_like_formula(s) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn cell(f: &Field) -> String {
    match f {
        Field::Text(s) => text_cell(s),
        Field::Int(n) => n.to_string(),
    }
}

/// Builds a CSV file row by row.
#[derive(Debug, Clone)]
pub struct CsvWriter {
    out: String,
    columns: usize,
}

impl CsvWriter {
    /// A file with the BOM and the header row.
    pub fn new(header: &[&str]) -> CsvWriter {
        let mut w = CsvWriter {
            out: BOM.to_owned(),
            columns: header.len(),
        };
        let fields: Vec<Field> = header.iter().map(|h| Field::from(*h)).collect();
        w.push_line(&fields);
        w
    }

    fn push_line(&mut self, fields: &[Field]) {
        let line: Vec<String> = fields.iter().map(cell).collect();
        self.out.push_str(&line.join(","));
        self.out.push_str("\r\n");
    }

    /// Appends one row; a short row is padded with empty cells and a long one is cut to the header's width, so
    /// every line has the same number of fields (RFC 4180).
    pub fn row(&mut self, fields: &[Field]) -> &mut Self {
        let mut fields: Vec<Field> = fields.iter().take(self.columns).cloned().collect();
        while fields.len() < self.columns {
            fields.push(Field::Text(String::new()));
        }
        self.push_line(&fields);
        self
    }

    /// The file's bytes (UTF-8).
    pub fn finish(self) -> Vec<u8> {
        self.out.into_bytes()
    }
}

/// A whole file at once.
pub fn to_csv(header: &[&str], rows: &[Vec<Field>]) -> Vec<u8> {
    let mut w = CsvWriter::new(header);
    for r in rows {
        w.row(r);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn bom_crlf_and_header() {
        let out = to_csv(
            &["番号", "名称"],
            &[vec!["MH-2026-0001".into(), "株式会社こころケア".into()]],
        );
        assert_eq!(&out[..3], b"\xEF\xBB\xBF", "UTF-8 BOM first");
        assert_eq!(
            text(&out[3..]),
            "番号,名称\r\nMH-2026-0001,株式会社こころケア\r\n"
        );
    }

    #[test]
    fn rfc4180_quoting() {
        assert_eq!(text_cell("a,b"), "\"a,b\"");
        assert_eq!(text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("line1\nline2"), "\"line1\nline2\"");
        assert_eq!(text_cell("line1\r\nline2"), "\"line1\r\nline2\"");
        assert_eq!(text_cell("plain 日本語"), "plain 日本語");
        assert_eq!(text_cell(""), "");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(text_cell("=1+1"), "'=1+1");
        assert_eq!(text_cell("+81-93-555-0101"), "'+81-93-555-0101");
        assert_eq!(text_cell("-5"), "'-5");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("\tx"), "'\tx");
        assert_eq!(text_cell("\rx"), "\"'\rx\"", "defused, then quoted for the CR");
        assert_eq!(
            text_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(text_cell("a=b"), "a=b", "only the first character counts");
        assert_eq!(cell(&Field::Int(-5)), "-5", "numbers stay numbers");
    }

    #[test]
    fn rows_have_the_header_width() {
        let mut w = CsvWriter::new(&["a", "b", "c"]);
        w.row(&["1".into()]);
        w.row(&["1".into(), "2".into(), "3".into(), "4".into()]);
        assert_eq!(text(&w.finish()[3..]), "a,b,c\r\n1,,\r\n1,2,3\r\n");
    }

    /// Round trip through a small RFC 4180 reader: what we write reads back as the (defused) cells.
    #[test]
    fn round_trips_through_a_reader() {
        let cells = ["x,y", "\"q\"", "multi\r\nline", "=cmd", "普通", ""];
        let rows = vec![cells.iter().map(|c| Field::from(*c)).collect::<Vec<_>>()];
        let out = to_csv(&["1", "2", "3", "4", "5", "6"], &rows);
        let parsed = parse(&text(&out[3..]));
        assert_eq!(parsed.len(), 2);
        assert_eq!(
            parsed[1],
            vec!["x,y", "\"q\"", "multi\r\nline", "'=cmd", "普通", ""]
        );
    }

    fn parse(s: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => field.push(c),
            }
        }
        rows
    }
}
