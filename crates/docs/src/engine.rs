//! The PDF engine: typst as a library, with a minimal `World` of our own — no package downloads, no files from
//! disk except the Japanese fonts, which come from a Debian font package found at run time.
//!
//! Data never goes through the markup parser: each document's values are handed to its template as a JSON file
//! (`/data.json`) that the template reads with `json(…)`, so a name like `#set page(…)` prints as it is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::DocError;

/// The fonts the documents use (IPAex明朝 for text, IPAexゴシック for headings; named in common.typ), looked for, in order: the Debian package `fonts-ipaexfont` installs them under
/// `/usr/share/fonts/opentype/ipaexfont-{mincho,gothic}/`.
const FONT_FILES: &[&str] = &["ipaexm.ttf", "ipaexg.ttf"];
/// Where fonts are searched when `NINTEI_FONT_DIR` is not set.
const FONT_ROOTS: &[&str] = &["/usr/share/fonts", "/usr/local/share/fonts"];

/// The shared layout helpers every template imports as `/common.typ`.
const COMMON: &str = include_str!("templates/common.typ");

/// Fonts, loaded once per process.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
/// typst's memoization is global; one compile at a time keeps memory flat and the eviction below simple.
static COMPILE: Mutex<()> = Mutex::new(());

fn find_font_files() -> Result<Vec<PathBuf>, String> {
    let roots: Vec<PathBuf> = match std::env::var_os("NINTEI_FONT_DIR") {
        Some(dir) => vec![PathBuf::from(dir)],
        None => FONT_ROOTS.iter().map(PathBuf::from).collect(),
    };
    let mut found = Vec::new();
    for name in FONT_FILES {
        let hit = roots.iter().find_map(|root| search(root, name, 6));
        match hit {
            Some(p) => found.push(p),
            None => {
                return Err(format!(
                    "the Japanese font {name} was not found under {}: install the Debian package fonts-ipaexfont \
                     (apt-get install fonts-ipaexfont) or set NINTEI_FONT_DIR",
                    roots
                        .iter()
                        .map(|r| r.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    Ok(found)
}

/// Depth-limited search for a file named `name` below `dir`.
fn search(dir: &Path, name: &str, depth: u32) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut subdirs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            subdirs.push(path);
        } else if path.file_name().and_then(|n| n.to_str()) == Some(name) {
            return Some(path);
        }
    }
    if depth == 0 {
        return None;
    }
    subdirs.sort();
    subdirs.into_iter().find_map(|d| search(&d, name, depth - 1))
}

fn load_fonts() -> Result<Fonts, String> {
    let mut fonts = Vec::new();
    for path in find_font_files()? {
        let data = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let before = fonts.len();
        fonts.extend(Font::iter(Bytes::new(data)));
        if fonts.len() == before {
            return Err(format!("{} is not a font typst can read", path.display()));
        }
    }
    let book = FontBook::from_fonts(&fonts);
    Ok(Fonts {
        book: LazyHash::new(book),
        fonts,
    })
}

fn fonts() -> Result<&'static Fonts, DocError> {
    FONTS
        .get_or_init(load_fonts)
        .as_ref()
        .map_err(|e| DocError::Font(e.clone()))
}

/// Checks that the Japanese fonts are installed (for start-up checks and tests).
pub fn check_fonts() -> Result<(), DocError> {
    fonts().map(|_| ())
}

fn file_id(path: &str) -> Result<FileId, DocError> {
    let vpath = VirtualPath::new(path).map_err(|e| DocError::Render(format!("path {path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One compilation: the template as `/main.typ`, the shared helpers, and in-memory files (data, images).
struct DocWorld {
    fonts: &'static Fonts,
    library: &'static LazyHash<Library>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    sources: HashMap<FileId, Source>,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.files.get(&id) {
            return Ok(b.clone());
        }
        if let Some(s) = self.sources.get(&id) {
            return Ok(Bytes::from_string(s.text().to_owned()));
        }
        Err(not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Documents carry their own dates; a template that asks for "today" gets an error instead of the clock.
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.get().vpath().get_with_slash()))
}

/// Renders `template` (typst markup) to PDF with `data` as `/data.json` and `files` (path → bytes) beside it.
/// The files are taken by value: their bytes move into the compilation (an evidence PDF can be 20 MiB).
pub fn render(
    template: &str,
    data: &serde_json::Value,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<u8>, DocError> {
    let fonts = fonts()?;
    let library = LIBRARY.get_or_init(|| LazyHash::new(Library::default()));
    let main = Source::new(file_id("/main.typ")?, template.to_owned());
    let common = Source::new(file_id("/common.typ")?, COMMON.to_owned());
    let mut sources = HashMap::new();
    sources.insert(common.id(), common);
    let json = serde_json::to_vec(data).map_err(|e| DocError::Render(format!("data: {e}")))?;
    let mut map = HashMap::new();
    map.insert(file_id("/data.json")?, Bytes::new(json));
    for (path, bytes) in files {
        map.insert(file_id(&path)?, Bytes::new(bytes));
    }
    let world = DocWorld {
        fonts,
        library,
        main,
        files: map,
        sources,
    };
    let _one_at_a_time = COMPILE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let compiled = typst::compile::<PagedDocument>(&world);
    let result = compiled.output.map_err(|errors| {
        DocError::Render(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    });
    let pdf = result.and_then(|doc| {
        let options = typst_pdf::PdfOptions::default();
        typst_pdf::pdf(&doc, &options).map_err(|errors| {
            DocError::Render(
                errors
                    .iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
    });
    // Keep typst's caches from growing with every document rendered.
    typst::comemo::evict(10);
    pdf
}
