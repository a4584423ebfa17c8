//! The standards catalog import (`nintei standards import FILE`, the admin upload): any bytes give either a
//! catalog or line-numbered errors, never a panic; errors point at lines of the file; a catalog it accepts is
//! accepted again when written back in the documented format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nintei_domain::acc::standards::parse_catalog_csv;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The reader ends a line at CR LF, LF or a lone CR (old Mac files), so a CR counts as a line break here too
    // (an upper bound, as in the domain's property test).
    let lines = text.chars().filter(|c| *c == '\n' || *c == '\r').count() + 1;
    match parse_catalog_csv(&text, "fuzz") {
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal names at least one error");
            for e in &errors {
                assert!(e.line >= 1 && e.line <= lines + 1, "line {} of {lines}", e.line);
            }
        }
        Ok(catalog) => {
            let mut again = String::from("code,group,section,kind,fundamental,service,title\n");
            for s in &catalog.standards {
                let row = [
                    s.code.as_str().to_owned(),
                    s.group.clone(),
                    s.section.clone(),
                    s.kind.as_str().to_owned(),
                    s.fundamental.map(|f| f.as_str().to_owned()).unwrap_or_default(),
                    s.service.map(|c| c.as_str().to_owned()).unwrap_or_default(),
                    s.title.clone(),
                ];
                let cells: Vec<String> = row
                    .iter()
                    .map(|c| {
                        if c.contains([',', '"', '\n', '\r']) {
                            format!("\"{}\"", c.replace('"', "\"\""))
                        } else {
                            c.clone()
                        }
                    })
                    .collect();
                again.push_str(&cells.join(","));
                again.push('\n');
            }
            let reparsed = parse_catalog_csv(&again, "fuzz").map(|c| c.standards.len());
            assert_eq!(reparsed.ok(), Some(catalog.standards.len()), "{again}");
        }
    }
});
