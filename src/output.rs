//! Table / JSON Lines / CSV / Prometheus rendering, colour policy and progress. Knows
//! nothing about Redis or cookies: commands hand it records that implement [`Record`].
//!
//! Records stream: JSON Lines and CSV write each record as it comes, and the table lays out
//! its columns from the first rows and then streams too, so `list` over a million sessions
//! runs in constant memory in every format.

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::cli::OutputFormat;

/// One row of output: a JSON object, a CSV record, a table row.
pub trait Record: Serialize {
    /// Column titles for tables and CSV headers.
    fn columns() -> &'static [&'static str];
    /// The cells of this row, as text, in `columns()` order.
    fn cells(&self) -> Vec<String>;
    /// Optional colour for the row's first cell in tables (e.g. status words).
    fn accent(&self) -> Option<Accent> {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accent {
    Good,
    Bad,
    Warn,
}

/// Rows laid out before the table streams: widths come from these.
const TABLE_LAYOUT_ROWS: usize = 500;

/// Writes a stream of records in the chosen format.
pub struct RecordWriter<W: Write> {
    out: W,
    format: OutputFormat,
    color: bool,
    /// CSV goes through the csv crate's writer, which owns its own buffer.
    csv: Option<csv::Writer<Vec<u8>>>,
    pending: Vec<Vec<String>>,
    pending_accents: Vec<Option<Accent>>,
    widths: Option<Vec<usize>>,
    columns: &'static [&'static str],
    rows: u64,
}

impl<W: Write> RecordWriter<W> {
    pub fn new<R: Record>(out: W, format: OutputFormat, color: bool) -> Self {
        RecordWriter {
            out,
            format,
            color,
            csv: None,
            pending: Vec::new(),
            pending_accents: Vec::new(),
            widths: None,
            columns: R::columns(),
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

    pub fn write<R: Record>(&mut self, record: &R) -> io::Result<()> {
        self.rows += 1;
        match self.format {
            OutputFormat::Json | OutputFormat::Prometheus => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")
            }
            OutputFormat::Csv => {
                let csv = self.csv.get_or_insert_with(|| {
                    let mut w = csv::Writer::from_writer(Vec::new());
                    let _ = w.write_record(R::columns());
                    w
                });
                csv.write_record(record.cells()).map_err(io::Error::other)?;
                // Hand the encoded rows on every 256 records: the csv writer only appends.
                if self.rows.is_multiple_of(256) {
                    self.drain_csv()?;
                }
                Ok(())
            }
            OutputFormat::Table => {
                let cells: Vec<String> = record.cells().iter().map(|c| terminal_safe(c).into_owned()).collect();
                if self.widths.is_some() {
                    self.write_row(&cells, record.accent())
                } else {
                    self.pending.push(cells);
                    self.pending_accents.push(record.accent());
                    if self.pending.len() >= TABLE_LAYOUT_ROWS {
                        self.lay_out()?;
                    }
                    Ok(())
                }
            }
        }
    }

    fn drain_csv(&mut self) -> io::Result<()> {
        if let Some(csv) = self.csv.take() {
            let buf = csv.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
            self.out.write_all(&buf)?;
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::with_capacity(buf.capacity()));
            w.flush()?;
            self.csv = Some(w);
        }
        Ok(())
    }

    fn lay_out(&mut self) -> io::Result<()> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| width(c)).collect();
        for row in &self.pending {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let header: Vec<String> = self.columns.iter().map(|c| c.to_uppercase()).collect();
        self.widths = Some(widths);
        self.write_row(&header, None)?;
        let rows = std::mem::take(&mut self.pending);
        let accents = std::mem::take(&mut self.pending_accents);
        for (row, accent) in rows.iter().zip(accents) {
            self.write_row(row, accent)?;
        }
        Ok(())
    }

    fn write_row(&mut self, cells: &[String], accent: Option<Accent>) -> io::Result<()> {
        let widths = self.widths.as_ref().expect("laid out");
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let last = i + 1 == cells.len();
            let text = if i == 0 && self.color { paint(cell, accent) } else { cell.clone() };
            line.push_str(&text);
            if !last {
                let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(width(cell));
                line.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        line.push('\n');
        self.out.write_all(line.as_bytes())
    }

    /// Writes out what is pending (an interactive run shows each answer at once; a table is
    /// laid out from the rows so far).
    pub fn flush(&mut self) -> io::Result<()> {
        match self.format {
            OutputFormat::Table if self.widths.is_none() && !self.pending.is_empty() => self.lay_out()?,
            OutputFormat::Csv => self.drain_csv()?,
            _ => {}
        }
        self.out.flush()
    }

    /// Ends the stream: lays out a short table, writes a CSV header when there were no rows.
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            OutputFormat::Table if self.widths.is_none() && !self.pending.is_empty() => self.lay_out()?,
            OutputFormat::Csv if self.csv.is_none() => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(self.columns).map_err(io::Error::other)?;
                self.out.write_all(&w.into_inner().map_err(|e| io::Error::other(e.to_string()))?)?;
            }
            OutputFormat::Csv => self.drain_csv()?,
            _ => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

fn paint(text: &str, accent: Option<Accent>) -> String {
    let code = match accent {
        Some(Accent::Good) => "32",
        Some(Accent::Bad) => "31",
        Some(Accent::Warn) => "33",
        None => return text.to_string(),
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// A command's one-object summary (revoke, cleanup): ordered name → value pairs.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub fields: Vec<(&'static str, serde_json::Value)>,
}

impl Summary {
    pub fn add(&mut self, name: &'static str, value: impl Into<serde_json::Value>) -> &mut Self {
        self.fields.push((name, value.into()));
        self
    }

    /// JSON: one object on one line. CSV: a header and one row. Table: `name: value` lines.
    pub fn write(&self, out: &mut impl Write, format: OutputFormat) -> io::Result<()> {
        match format {
            OutputFormat::Json | OutputFormat::Prometheus => {
                let map: serde_json::Map<String, serde_json::Value> =
                    self.fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
                serde_json::to_writer(&mut *out, &map)?;
                out.write_all(b"\n")
            }
            OutputFormat::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(self.fields.iter().map(|(k, _)| *k)).map_err(io::Error::other)?;
                w.write_record(self.fields.iter().map(|(_, v)| plain(v))).map_err(io::Error::other)?;
                out.write_all(&w.into_inner().map_err(|e| io::Error::other(e.to_string()))?)
            }
            OutputFormat::Table => {
                let width = self.fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
                for (k, v) in &self.fields {
                    writeln!(out, "{k:<width$}  {}", terminal_safe(&plain(v)))?;
                }
                Ok(())
            }
        }
    }
}

/// A JSON value as a table/CSV cell: strings bare, null empty.
pub fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// RFC 3339 (UTC, seconds) for a Unix timestamp; `None` outside the representable range.
pub fn rfc3339(unix_seconds: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(unix_seconds).ok()?.format(&Rfc3339).ok()
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

/// Columns a text takes on a terminal (wide characters two, combining marks none).
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
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

/// A progress spinner on stderr (hidden unless `show`).
pub fn spinner(show: bool, message: &str) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
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
        fn cells(&self) -> Vec<String> {
            vec![self.a.clone(), self.b.map(|b| b.to_string()).unwrap_or_default()]
        }
    }

    fn render(format: OutputFormat, rows: &[Row]) -> String {
        let mut w = RecordWriter::new::<Row>(Vec::new(), format, false);
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
        assert_eq!(out, "A           B\nlong value  1\ns           \n");
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
        let long = vec![b'x'; 120_000];
        let e = excerpt(&long);
        assert!(e.len() < 80 && e.contains("120000 bytes"), "{e}");
        assert_eq!(excerpt(b"short\n"), "\"short\\n\"");
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
    fn prometheus_labels_are_escaped() {
        let mut s = String::new();
        prom_sample(&mut s, "m", &[("user", "a\"b\\c\nd")], 2.0);
        assert_eq!(s, "m{user=\"a\\\"b\\\\c\\nd\"} 2\n");
    }
}
