//! Table / JSON Lines / CSV / Prometheus rendering, colour policy and progress. Knows
//! nothing about Redis or cookies: commands hand it records that implement [`Record`].
//!
//! Records stream: JSON Lines and CSV write each record as it comes, and the table lays out
//! its columns from the first page of rows and then streams page by page with the same widths
//! (see [`table`]), so `list` over a million sessions runs in constant memory in every format.
//!
//! Tables are for people: they fit the terminal (cells shortened, never wrapped), show counts
//! with thousands separators and times in human units, and escape what came from Redis or
//! input ([`terminal_safe`]). JSON and CSV are for machines: exact text, CSV headers that are
//! the JSON field names, TTLs in seconds, times in RFC 3339, empty cells for none, and no JSON
//! inside a cell (nested values are flattened into `outer.inner` columns).

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

mod table;

/// The output formats (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
    Prometheus,
}

/// When tables are coloured (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub use table::{cut_end, shorten_middle, width, Accent, Column, Layout};

/// One row of output: a JSON object, a CSV record, a table row.
pub trait Record: Serialize {
    /// Column titles for tables (shown upper-case).
    fn columns() -> &'static [&'static str];
    /// The JSON field names, in order: CSV's header and the fields of each CSV row. A CSV
    /// cell holds the JSON value as plain text: a string bare, a number or boolean as JSON
    /// writes it, null empty, a list of plain values joined with spaces.
    fn fields() -> &'static [&'static str];
    /// The cells of this row for a table, in `columns()` order, for people (human units,
    /// thousands separators); the writer makes them terminal-safe.
    fn cells(&self) -> Vec<String>;
    /// How each table column shrinks to fit the terminal (default: all text, cut at the end).
    fn kinds() -> &'static [Column] {
        &[]
    }
    /// The least width of each table column (0: none), for values later rows may bring: a
    /// streamed table is laid out from its first page, and a column sized by that page alone
    /// would cut `no expiry` or a time that comes later.
    fn reserve() -> &'static [usize] {
        &[]
    }
    /// Optional colour for the row's first cell in tables (e.g. status words).
    fn accent(&self) -> Option<Accent> {
        None
    }
}

/// How to render output: the format and, for tables and CSV, the presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub format: OutputFormat,
    /// Colour in tables.
    pub color: bool,
    /// Header rows in tables and CSV (`--no-headers` turns them off).
    pub headers: bool,
    /// The width a table must fit in (`COLUMNS`, else the terminal's); `None`: any width.
    pub width: Option<usize>,
}

impl Style {
    /// A plain style: the format, no colour, headers, any width.
    pub fn plain(format: OutputFormat) -> Style {
        Style { format, color: false, headers: true, width: None }
    }
}

/// The width tables must fit in: `COLUMNS` when set to a number (at least 20), else the width
/// of the terminal on stdout, else none (a pipe or a file gets whole cells).
pub fn table_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()) {
        if n >= 20 {
            return Some(n);
        }
    }
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return None;
    }
    // SAFETY: TIOCGWINSZ fills a winsize struct for a terminal fd; failure is checked.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    if unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } != 0 || size.ws_col == 0 {
        return None;
    }
    Some(size.ws_col as usize)
}

/// Rows laid out before the table streams: widths come from these; later rows are drawn a
/// page at a time with the same widths.
const TABLE_PAGE_ROWS: usize = 500;

/// Writes a stream of records in the chosen format.
pub struct RecordWriter<W: Write> {
    out: W,
    style: Style,
    /// CSV goes through the csv crate's writer, which owns its own buffer.
    csv: Option<csv::Writer<Vec<u8>>>,
    pending: Vec<(Vec<String>, Option<Accent>)>,
    layout: Option<Layout>,
    columns: &'static [&'static str],
    fields: &'static [&'static str],
    kinds: &'static [Column],
    reserve: &'static [usize],
    rows: u64,
}

impl<W: Write> RecordWriter<W> {
    pub fn new<R: Record>(out: W, style: Style) -> Self {
        RecordWriter {
            out,
            style,
            csv: None,
            pending: Vec::new(),
            layout: None,
            columns: R::columns(),
            fields: R::fields(),
            kinds: R::kinds(),
            reserve: R::reserve(),
            rows: 0,
        }
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes already rendered in this writer's format (JSON Lines rendered in parallel).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    fn csv_writer(&mut self) -> io::Result<&mut csv::Writer<Vec<u8>>> {
        if self.csv.is_none() {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
            if self.style.headers {
                w.write_record(self.fields).map_err(io::Error::other)?;
            }
            self.csv = Some(w);
        }
        Ok(self.csv.as_mut().expect("set just above"))
    }

    pub fn write<R: Record>(&mut self, record: &R) -> io::Result<()> {
        self.rows += 1;
        match self.style.format {
            OutputFormat::Json | OutputFormat::Prometheus => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")
            }
            OutputFormat::Csv => {
                let cells = csv_cells(record, self.fields)?;
                self.csv_writer()?.write_record(cells).map_err(io::Error::other)?;
                // Hand the encoded rows on every 256 records: the csv writer only appends.
                if self.rows.is_multiple_of(256) {
                    self.drain_csv()?;
                }
                Ok(())
            }
            OutputFormat::Table => {
                let cells: Vec<String> = record.cells().iter().map(|c| table_safe(c).into_owned()).collect();
                self.pending.push((cells, record.accent()));
                if self.pending.len() >= TABLE_PAGE_ROWS {
                    self.draw_page(true)?;
                }
                Ok(())
            }
        }
    }

    fn drain_csv(&mut self) -> io::Result<()> {
        if let Some(csv) = self.csv.take() {
            let mut buf = csv.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
            self.out.write_all(&buf)?;
            buf.clear();
            self.csv = Some(csv::WriterBuilder::new().has_headers(false).from_writer(buf));
        }
        Ok(())
    }

    /// Draws the pending rows: the first page chooses the widths (and carries the header).
    /// When `more` rows may follow, the widths leave the room [`Record::reserve`] asks for;
    /// a table drawn whole at the end is sized by its rows alone.
    fn draw_page(&mut self, more: bool) -> io::Result<()> {
        let titles: Vec<String> = self.columns.iter().map(|c| c.to_uppercase()).collect();
        let first = self.layout.is_none();
        if first {
            let rows: Vec<Vec<String>> = self.pending.iter().map(|(cells, _)| cells.clone()).collect();
            let sized = if self.style.headers { titles.clone() } else { vec![String::new(); titles.len()] };
            let reserve = if more { self.reserve } else { &[] };
            self.layout = Some(Layout::fit_with(&sized, &rows, self.kinds, reserve, self.style.width));
        }
        let header = (first && self.style.headers).then_some(&titles[..]);
        if header.is_none() && self.pending.is_empty() {
            return Ok(());
        }
        let layout = self.layout.as_ref().expect("laid out just above");
        let text = layout.draw(header, &self.pending, self.style.color);
        self.pending.clear();
        self.out.write_all(text.as_bytes())
    }

    /// Writes out what is pending (an interactive run shows each answer at once; a table is
    /// laid out from the rows so far, with room for rows that may follow).
    pub fn flush(&mut self) -> io::Result<()> {
        self.flush_with(true)
    }

    /// [`RecordWriter::flush`], saying whether more rows may follow: when none will, a table
    /// not laid out yet is sized by its rows alone.
    pub fn flush_with(&mut self, more: bool) -> io::Result<()> {
        match self.style.format {
            OutputFormat::Table if !self.pending.is_empty() => self.draw_page(more)?,
            OutputFormat::Csv => self.drain_csv()?,
            _ => {}
        }
        self.out.flush()
    }

    /// Ends the stream: draws the last page, writes a CSV header when there were no rows.
    pub fn finish(mut self) -> io::Result<W> {
        match self.style.format {
            OutputFormat::Table if !self.pending.is_empty() => self.draw_page(false)?,
            OutputFormat::Csv => {
                self.csv_writer()?;
                self.drain_csv()?;
            }
            _ => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A record's CSV cells: its JSON fields in order, each as plain text (see [`Record::fields`]).
fn csv_cells<R: Serialize>(record: &R, fields: &[&str]) -> io::Result<Vec<String>> {
    let value = serde_json::to_value(record).map_err(io::Error::other)?;
    Ok(fields.iter().map(|f| value.get(*f).map(plain).unwrap_or_default()).collect())
}

/// A command's one-object summary (revoke, cleanup, stats…): ordered name → value pairs.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub fields: Vec<(&'static str, serde_json::Value)>,
    /// Fields shown in tables exactly as JSON writes them (no thousands separators, no units).
    raw: Vec<&'static str>,
}

impl Summary {
    pub fn add(&mut self, name: &'static str, value: impl Into<serde_json::Value>) -> &mut Self {
        self.fields.push((name, value.into()));
        self
    }

    /// Adds a field that tables show as JSON does (an epoch timestamp, a version number).
    pub fn add_raw(&mut self, name: &'static str, value: impl Into<serde_json::Value>) -> &mut Self {
        self.raw.push(name);
        self.add(name, value)
    }

    /// The fields flattened for CSV and tables: a nested object's fields named `outer.inner`,
    /// a list of objects' items `outer.0.inner`, a list of plain values joined with spaces.
    pub fn flattened(&self) -> Vec<(String, serde_json::Value)> {
        let mut out = Vec::new();
        for (name, value) in &self.fields {
            flatten_into(name, value, &mut out);
        }
        out
    }

    /// JSON: one object on one line. CSV: a header (unless turned off) and one row, nested
    /// values flattened. Table: `name  value` rows, counts with thousands separators and
    /// `…_seconds` fields in human units.
    pub fn write(&self, out: &mut impl Write, style: &Style) -> io::Result<()> {
        match style.format {
            OutputFormat::Json | OutputFormat::Prometheus => {
                let map: serde_json::Map<String, serde_json::Value> =
                    self.fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
                serde_json::to_writer(&mut *out, &map)?;
                out.write_all(b"\n")
            }
            OutputFormat::Csv => {
                let flat = self.flattened();
                let mut w = csv::Writer::from_writer(Vec::new());
                if style.headers {
                    w.write_record(flat.iter().map(|(k, _)| k.as_str())).map_err(io::Error::other)?;
                }
                w.write_record(flat.iter().map(|(_, v)| plain(v))).map_err(io::Error::other)?;
                out.write_all(&w.into_inner().map_err(|e| io::Error::other(e.to_string()))?)
            }
            OutputFormat::Table => {
                let rows: Vec<(Vec<String>, Option<Accent>)> = self
                    .flattened()
                    .into_iter()
                    .map(|(k, v)| {
                        let top = k.split('.').next().unwrap_or_default();
                        let shown = if self.raw.contains(&top) { plain(&v) } else { for_people(&k, &v) };
                        (vec![k, table_safe(&shown).into_owned()], None)
                    })
                    .collect();
                write_table(out, style, &[], &rows, &[Column::Text, Column::Text])
            }
        }
    }
}

/// Draws a small table (all rows at hand) in `style`: `titles` as its header unless headers
/// are off or there are none.
pub fn write_table(
    out: &mut impl Write,
    style: &Style,
    titles: &[&str],
    rows: &[(Vec<String>, Option<Accent>)],
    kinds: &[Column],
) -> io::Result<()> {
    let titles: Vec<String> = titles.iter().map(|t| t.to_uppercase()).collect();
    let with_header = style.headers && !titles.is_empty();
    if rows.is_empty() && !with_header {
        return Ok(());
    }
    let cells: Vec<Vec<String>> = rows.iter().map(|(c, _)| c.clone()).collect();
    let columns = rows.first().map(|(c, _)| c.len()).unwrap_or(titles.len());
    let sized: Vec<String> = if with_header { titles.clone() } else { vec![String::new(); columns] };
    let layout = Layout::fit(&sized, &cells, kinds, style.width);
    out.write_all(layout.draw(with_header.then_some(&titles[..]), rows, style.color).as_bytes())
}

fn flatten_into(name: &str, value: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten_into(&format!("{name}.{k}"), v, out);
            }
        }
        Value::Array(items) if items.iter().any(|v| v.is_object() || v.is_array()) => {
            for (i, v) in items.iter().enumerate() {
                flatten_into(&format!("{name}.{i}"), v, out);
            }
        }
        other => out.push((name.to_string(), other.clone())),
    }
}

/// A JSON value as a CSV cell: strings bare, null empty, lists of plain values joined with
/// spaces, anything else as JSON writes it.
pub fn plain(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(" "),
        Value::Object(map) => map.iter().map(|(k, v)| format!("{k}={}", plain(v))).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}

/// A summary value for people: counts with thousands separators, `…_seconds` in human units,
/// null as `-`.
fn for_people(name: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "-".to_string(),
        Value::Number(n) if name.ends_with("_seconds") => match n.as_f64() {
            Some(secs) if secs >= 0.0 && secs.is_finite() => human_duration(Duration::from_secs_f64(secs)),
            _ => n.to_string(),
        },
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => thousands(u as i128),
            (None, Some(i)) => thousands(i as i128),
            _ => n.to_string(),
        },
        other => plain(other),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration for people, its two largest units: `7d`, `1h 30m`, `10s`, `250ms`.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{}ms", d.subsec_millis());
    }
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let mut left = secs;
    let mut parts = Vec::new();
    for (size, name) in units {
        let n = left / size;
        left %= size;
        if n > 0 || !parts.is_empty() {
            parts.push((n, name));
        }
    }
    let parts: Vec<String> =
        parts.into_iter().take(2).filter(|(n, _)| *n > 0).map(|(n, name)| format!("{n}{name}")).collect();
    parts.join(" ")
}

/// RFC 3339 (UTC, seconds) for a Unix timestamp; `None` outside the representable range.
pub fn rfc3339(unix_seconds: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(unix_seconds).ok()?.format(&Rfc3339).ok()
}

/// RFC 3339 (UTC, milliseconds) for a time in milliseconds since the epoch; empty outside the
/// representable range.
pub fn rfc3339_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// The system clock in RFC 3339 with milliseconds (audit lines).
pub fn rfc3339_now() -> String {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(now);
    now.format(&Rfc3339).unwrap_or_default()
}

/// The HTTP date Tornado writes in `expires=` (`Sun, 06 Dec 2026 10:44:49 GMT`).
pub fn http_date(unix_seconds: i64) -> Option<String> {
    let t = OffsetDateTime::from_unix_timestamp(unix_seconds).ok()?;
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.format(&format).ok()
}

/// A TTL for people, its two largest units: `6d 23h`, `59m 12s`, `no expiry`.
pub fn human_ttl(ttl_seconds: Option<i64>) -> String {
    let Some(secs) = ttl_seconds else { return "no expiry".to_string() };
    let secs = secs.max(0);
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let parts: Vec<String> = units
        .iter()
        .scan(secs, |left, (size, name)| {
            let n = *left / size;
            *left %= size;
            Some((n, *name))
        })
        .skip_while(|(n, _)| *n == 0)
        .take(2)
        .map(|(n, name)| format!("{n}{name}"))
        .collect();
    if parts.is_empty() {
        "0s".to_string()
    } else {
        parts.join(" ")
    }
}

/// Bytes from Redis or a cookie as text: UTF-8 as is, anything else lossily. This is the
/// exact text for JSON and CSV; a terminal gets it through [`terminal_safe`].
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// True for characters that must not reach a terminal raw: C0 and C1 controls and DEL
/// (escape sequences, carriage returns, bells, tabs, newlines), and the invisible Unicode
/// format characters that reorder or hide text (bidi overrides and isolates, zero-width
/// characters, line/paragraph separators, the byte-order mark).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Text made safe for a terminal: every character [`is_unsafe`] says is dangerous is shown as a
/// visible escape (`\x1b`, `\r`, `\n`, `\t`, `\u{202e}`), everything else is kept. The one
/// place table, plain-text and message output escape what came from Redis or from input; JSON
/// and CSV keep the exact text instead.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Text for a table cell: [`terminal_safe`], and a backslash doubled, so a user id that holds
/// `\n` (backslash, n) reads `\\n` and is told apart from one that holds a newline (`\n`).
pub fn table_safe(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return terminal_safe(text);
    }
    Cow::Owned(terminal_safe(&text.replace('\\', "\\\\")).into_owned())
}

/// Bytes as table text ([`table_safe`]), invalid UTF-8 shown as `\xNN`.
pub fn table_safe_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(&table_safe(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Bytes (from Redis, a file, an argument) as terminal-safe text: invalid UTF-8 shown as `\xNN`.
pub fn safe_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(&terminal_safe(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The most characters of an input echoed in a message.
const EXCERPT_CHARS: usize = 48;

/// An input echoed in an error or a note: quoted, terminal-safe, and cut to a short excerpt
/// with its full length when long (`"2|1:0|10:17…" (120000 bytes)`), so a 120 KB argument
/// does not come back whole.
pub fn excerpt(bytes: &[u8]) -> String {
    let safe = safe_bytes(bytes);
    if safe.chars().count() <= EXCERPT_CHARS {
        return format!("\"{safe}\"");
    }
    let cut: String = safe.chars().take(EXCERPT_CHARS - 8).collect();
    format!("\"{cut}…\" ({} bytes)", bytes.len())
}

/// The longest path shown whole: Linux's PATH_MAX. No file the system can open has a longer
/// name, so only a mistaken argument is ever cut (then as [`excerpt`] cuts).
const PATH_MAX: usize = 4096;

/// A file's path in a message: quoted and terminal-safe (control characters escaped), but never
/// shortened, since the operator must be able to find the file (`"/var/lib/node_exporter/
/// textfile/sessctl.prom"`, not `"…/textfi…"`).
pub fn path(path: &std::path::Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    if bytes.len() > PATH_MAX {
        return excerpt(bytes);
    }
    format!("\"{}\"", safe_bytes(bytes))
}

/// A message from a library error that may quote input (a cookie's name, a key): terminal-safe
/// and at most 200 characters.
pub fn safe_message(message: &str) -> String {
    let safe = terminal_safe(message);
    if safe.chars().count() <= 200 {
        return safe.into_owned();
    }
    let cut: String = safe.chars().take(190).collect();
    format!("{cut}… (cut)")
}

/// The most characters of a message printed whole: more than any path (`PATH_MAX` is 4096
/// bytes), so a path the operator must find is never cut.
const MESSAGE_CHARS: usize = 4608;

/// In a message longer than [`MESSAGE_CHARS`], a word (a run without spaces) longer than this
/// is shortened in the middle.
const WORD_CHARS: usize = 80;

/// A message for stderr as one bounded, terminal-safe line: the one place at the edge where
/// sessctl prints an error. Whatever a message quotes (a server's error reply, a host name,
/// input) is escaped ([`terminal_safe`]: an escape sequence shows as `\x1b[31m`, a newline as
/// `\n`). A message up to 4608 characters prints whole; in a longer one each word over 80
/// characters keeps its first 48 and last 16 with `…` between and its length after, and
/// what is still too long is cut.
pub fn message_line(message: &str) -> String {
    let safe = terminal_safe(message);
    if safe.chars().count() <= MESSAGE_CHARS {
        return safe.into_owned();
    }
    let mut out = String::new();
    for (i, word) in safe.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let n = word.chars().count();
        if n <= WORD_CHARS {
            out.push_str(word);
            continue;
        }
        out.extend(word.chars().take(48));
        out.push('…');
        out.extend(word.chars().skip(n - 16));
        out.push_str(&format!(" ({n} characters)"));
    }
    if out.chars().count() > MESSAGE_CHARS {
        out = out.chars().take(MESSAGE_CHARS - 8).collect();
        out.push_str("… (cut)");
    }
    out
}

/// A count and its noun, singular for one: `1 session`, `2 sessions`, `1 primary`.
pub fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One Prometheus text-format sample line.
pub fn prom_sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(k);
            out.push_str("=\"");
            for c in v.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\n' => out.push_str("\\n"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        out.push('}');
    }
    out.push(' ');
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        out.push_str(&(value as i64).to_string());
    } else if value == f64::INFINITY {
        out.push_str("+Inf");
    } else {
        out.push_str(&value.to_string());
    }
    out.push('\n');
}

/// `# HELP` and `# TYPE` lines.
pub fn prom_header(out: &mut String, name: &str, kind: &str, help: &str) {
    out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
}

/// The progress of a scan on stderr, hidden unless `show` (a terminal on stderr, no
/// `--quiet`). With `total` (the keys in the database) a bar with the keys scanned, the rate
/// and the time left; without it, a spinner with the keys scanned and the rate. The position
/// is set by the caller ([`indicatif::ProgressBar::set_position`]); a position past the total
/// (keys added during the scan) moves the total up.
pub fn scan_progress(show: bool, what: &str, total: Option<u64>) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
    if !show {
        return ProgressBar::hidden();
    }
    let rate = |state: &ProgressState, w: &mut dyn std::fmt::Write| {
        let per_sec = state.per_sec();
        let per_sec = if per_sec.is_finite() { per_sec.max(0.0) as i128 } else { 0 };
        let _ = write!(w, "{} keys/s", thousands(per_sec));
    };
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
            "{msg} [{wide_bar}] {human_pos}/{human_len} keys, {rate}, {eta} left",
        ),
        None => (
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            "{spinner} {msg}: {human_pos} keys, {rate} ({elapsed})",
        ),
    };
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("rate", rate)
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Moves a [`scan_progress`] bar to `keys` scanned (and its total up, if passed).
pub fn set_scan_position(bar: &indicatif::ProgressBar, keys: u64) {
    if bar.length().is_some_and(|len| keys > len) {
        bar.set_length(keys);
    }
    bar.set_position(keys);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        a: String,
        b: Option<i64>,
    }
    impl Record for Row {
        fn columns() -> &'static [&'static str] {
            &["a", "b"]
        }
        fn fields() -> &'static [&'static str] {
            &["a", "b"]
        }
        fn cells(&self) -> Vec<String> {
            vec![self.a.clone(), self.b.map(|b| b.to_string()).unwrap_or_default()]
        }
    }

    fn render(format: OutputFormat, rows: &[Row]) -> String {
        let mut w = RecordWriter::new::<Row>(Vec::new(), Style::plain(format));
        for r in rows {
            w.write(r).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn json_lines_have_one_object_per_record() {
        let out = render(OutputFormat::Json, &[Row { a: "x".into(), b: None }, Row { a: "y\"".into(), b: Some(3) }]);
        assert_eq!(out, "{\"a\":\"x\",\"b\":null}\n{\"a\":\"y\\\"\",\"b\":3}\n");
    }

    #[test]
    fn csv_quotes_and_always_has_a_header() {
        let out = render(OutputFormat::Csv, &[Row { a: "x,y".into(), b: Some(1) }]);
        assert_eq!(out, "a,b\n\"x,y\",1\n");
        assert_eq!(render(OutputFormat::Csv, &[]), "a,b\n");
    }

    #[test]
    fn tables_align_columns() {
        let out =
            render(OutputFormat::Table, &[Row { a: "long value".into(), b: Some(1) }, Row { a: "s".into(), b: None }]);
        assert_eq!(out, "A           B\nlong value  1\ns\n");
    }

    #[test]
    fn dates_are_formatted_like_tornado_and_rfc3339() {
        assert_eq!(http_date(1_796_553_889).unwrap(), "Sun, 06 Dec 2026 10:44:49 GMT");
        assert_eq!(rfc3339(0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(human_ttl(Some(604_799)), "6d 23h");
        assert_eq!(human_ttl(Some(3_605)), "1h 0m");
        assert_eq!(human_ttl(Some(59)), "59s");
        assert_eq!(human_ttl(Some(0)), "0s");
        assert_eq!(human_ttl(None), "no expiry");
    }

    #[test]
    fn terminal_text_shows_control_characters_and_keeps_the_rest() {
        let evil = "evil\x1b[2J\x1b]0;PWNED\x07\rfake";
        assert_eq!(terminal_safe(evil), "evil\\x1b[2J\\x1b]0;PWNED\\x07\\rfake");
        assert_eq!(terminal_safe("a\u{202e}b\u{9b}c\td"), "a\\u{202e}b\\u{9b}c\\td");
        assert!(matches!(terminal_safe("plain é 日本"), Cow::Borrowed(_)));
        assert_eq!(safe_bytes(b"a\xffb\x1b"), "a\\xffb\\x1b");
        assert_eq!(table_safe("a\"b\\c\n"), "a\"b\\\\c\\n");
        assert_eq!(table_safe_bytes(b"a\\\xff"), "a\\\\\\xff");
        let long = vec![b'x'; 120_000];
        let e = excerpt(&long);
        assert!(e.len() < 80 && e.contains("120000 bytes"), "{e}");
        assert_eq!(excerpt(b"short\n"), "\"short\\n\"");
        let long = format!("/var/lib/node_exporter/{}sessctl\x1b[2J.prom", "textfile/".repeat(10));
        let shown = path(std::path::Path::new(&long));
        assert!(shown.contains("textfile/textfile/textfile/textfile/textfile/textfile/textfile/textfile/textfile/textfile/sessctl\\x1b[2J.prom"), "{shown}");
        assert!(!shown.contains('…') && !shown.contains('\x1b'), "{shown}");
    }

    #[test]
    fn a_long_table_streams_page_by_page_with_the_first_pages_widths() {
        let style = Style { width: Some(40), ..Style::plain(OutputFormat::Table) };
        let mut w = RecordWriter::new::<Row>(Vec::new(), style);
        for i in 0..1_300i64 {
            // A row after the first page is wider than anything the first page held.
            let a = if i == 1_200 { "x".repeat(100) } else { format!("row{}", i % 100) };
            w.write(&Row { a, b: Some(i % 10) }).unwrap();
            assert!(w.pending.len() < TABLE_PAGE_ROWS, "at most a page is held");
        }
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1_301, "one header, one line per row");
        assert_eq!(lines.iter().filter(|l| l.starts_with('A')).count(), 1);
        // The second column starts where the first page put it, on every page.
        let col = lines[0].find('B').unwrap();
        for (i, line) in lines[1..].iter().enumerate() {
            let chars: Vec<char> = line.chars().collect();
            assert_eq!(chars[col..].iter().collect::<String>(), (i % 10).to_string(), "{line:?}");
            assert_eq!(chars[col - 1], ' ', "{line:?}");
        }
        assert_eq!(lines[1_201], "xxxx…  0", "a wider cell on a later page is shortened");
    }

    #[derive(Serialize)]
    struct Timed {
        status: &'static str,
        at: &'static str,
    }
    impl Record for Timed {
        fn columns() -> &'static [&'static str] {
            &["status", "at"]
        }
        fn fields() -> &'static [&'static str] {
            &["status", "at"]
        }
        fn cells(&self) -> Vec<String> {
            vec![self.status.into(), self.at.into()]
        }
        fn kinds() -> &'static [Column] {
            &[Column::Fixed, Column::Fixed]
        }
        fn reserve() -> &'static [usize] {
            &[13, 20]
        }
    }

    #[test]
    fn a_table_answered_line_by_line_leaves_room_for_later_rows() {
        let style = Style { width: Some(80), ..Style::plain(OutputFormat::Table) };
        // Flushed after each row (verify on a terminal): the first row lays the table out.
        let mut w = RecordWriter::new::<Timed>(Vec::new(), style);
        w.write(&Timed { status: "malformed", at: "" }).unwrap();
        w.flush().unwrap();
        w.write(&Timed { status: "bad_signature", at: "2026-11-29T20:06:49Z" }).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(out.lines().nth(2).unwrap() == "bad_signature  2026-11-29T20:06:49Z", "nothing cut: {out}");
        // Drawn whole at the end, the table is as wide as its rows.
        let mut w = RecordWriter::new::<Timed>(Vec::new(), style);
        w.write(&Timed { status: "valid", at: "" }).unwrap();
        assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), "STATUS  AT\nvalid\n");
    }

    #[test]
    fn tables_escape_cells_and_align_wide_characters() {
        let out = render(
            OutputFormat::Table,
            &[Row { a: "日本語".into(), b: Some(1) }, Row { a: "x\x1b[2Jy".into(), b: Some(2) }],
        );
        assert!(!out.contains('\x1b'), "{out:?}");
        let lines: Vec<&str> = out.lines().collect();
        let col = |l: &str| width(&l[..l.rfind(' ').unwrap() + 1]);
        assert_eq!(col(lines[1]), col(lines[2]), "{out}");
        assert_eq!(col(lines[0]), col(lines[1]), "{out}");
    }

    #[test]
    fn csv_cells_are_the_json_values_and_headers_can_be_left_out() {
        let mut w = RecordWriter::new::<Row>(Vec::new(), Style { headers: false, ..Style::plain(OutputFormat::Csv) });
        w.write(&Row { a: "x".into(), b: None }).unwrap();
        assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), "x,\n");
        let w = RecordWriter::new::<Row>(Vec::new(), Style { headers: false, ..Style::plain(OutputFormat::Table) });
        assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), "");
    }

    #[test]
    fn summaries_flatten_for_csv_and_read_well_in_tables() {
        let mut s = Summary::default();
        s.add("scanned", 1_234_567u64)
            .add("complete", true)
            .add("took_seconds", 90)
            .add_raw("timestamp", 1_796_553_889i64)
            .add("buckets", serde_json::json!({"le_1h": 2, "le_+Inf": 3}))
            .add("top", serde_json::json!([{"user": "a", "sessions": 2}]))
            .add("urls", serde_json::json!(["r://a", "r://b"]));
        let mut csv = Vec::new();
        s.write(&mut csv, &Style::plain(OutputFormat::Csv)).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(
            csv,
            "scanned,complete,took_seconds,timestamp,buckets.le_+Inf,buckets.le_1h,top.0.sessions,top.0.user,urls\n1234567,true,90,1796553889,3,2,2,a,r://a r://b\n"
        );
        assert!(!csv.contains('{'), "no JSON in cells");
        let mut table = Vec::new();
        s.write(&mut table, &Style::plain(OutputFormat::Table)).unwrap();
        let table = String::from_utf8(table).unwrap();
        let row = |name: &str| {
            let line = table.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_else(|| panic!("{table}"));
            line[name.len()..].trim().to_string()
        };
        assert_eq!(row("scanned"), "1,234,567");
        assert_eq!(row("took_seconds"), "1m 30s");
        assert_eq!(row("timestamp"), "1796553889", "raw fields stay as JSON writes them");
        assert_eq!(row("top.0.user"), "a");
    }

    #[test]
    fn numbers_and_durations_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1_000_000), "-1,000,000");
        assert_eq!(human_duration(Duration::from_secs(604_800)), "7d");
        assert_eq!(human_duration(Duration::from_secs(5_400)), "1h 30m");
        assert_eq!(human_duration(Duration::from_secs(86_400 + 60)), "1d");
        assert_eq!(human_duration(Duration::from_millis(250)), "250ms");
    }

    #[test]
    fn prometheus_labels_are_escaped() {
        let mut s = String::new();
        prom_sample(&mut s, "m", &[("user", "a\"b\\c\nd")], 2.0);
        assert_eq!(s, "m{user=\"a\\\"b\\\\c\\nd\"} 2\n");
    }
}
