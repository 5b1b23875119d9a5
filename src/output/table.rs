//! Tables that fit: column widths chosen from the rows at hand and the terminal's width,
//! cells shortened (ids in the middle, text at the end) so that no row ever wraps, and the
//! rows drawn by comfy-table.
//!
//! A table streams: [`Layout::fit`] chooses the widths from a first page of rows, and every
//! later page is drawn with the same widths (cells longer than their column are shortened), so
//! a table of a million rows needs the memory of one page.

use comfy_table::{Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, TableComponent, Width};

/// How a row is coloured (with colour on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accent {
    Good,
    Bad,
    Warn,
}

/// Columns a text takes on a terminal (wide characters two, combining marks none).
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// How a column shrinks when the table is wider than the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Free text: cut at the end (`a long sen…`).
    Text,
    /// An identifier: shortened in the middle (`AbCdEf…VwXyZ`), so both ends stay comparable.
    Id,
    /// A number or a short measure (`1,024`, `6d 23h`): right-aligned, shrinks last.
    Number,
    /// A value of a known short form (a time `2026-12-06T10:44:49Z`, a status word):
    /// left-aligned, shrinks last, like a number.
    Fixed,
    /// Sentences (details, hints): wrapped inside the column rather than cut, so nothing is
    /// lost; the row takes several lines but never wraps on the terminal.
    Wrap,
}

/// The spaces between two columns.
pub const GAP: usize = 2;
/// The narrowest an id or text column becomes before the others shrink further.
const MIN_TEXT: usize = 8;
const MIN_ID: usize = 13;
/// The narrowest a column of sentences becomes before the others shrink.
const MIN_WRAP: usize = 24;
/// The narrowest it becomes before numbers and times are cut.
const MIN_WRAP_NARROW: usize = 12;
/// The narrowest any column becomes.
const MIN_ANY: usize = 3;

/// Column widths for a table, chosen once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub widths: Vec<usize>,
    pub kinds: Vec<Column>,
}

impl Layout {
    /// Widths that fit `max_width` (when given) for these header titles and rows: each column
    /// as wide as its widest cell, then the widest shrinkable column narrowed one step at a
    /// time (numbers last) until the row fits.
    pub fn fit(titles: &[String], rows: &[Vec<String>], kinds: &[Column], max_width: Option<usize>) -> Layout {
        Layout::fit_with(titles, rows, kinds, &[], max_width)
    }

    /// [`Layout::fit`] with columns at least as wide as `reserve` says before they shrink:
    /// room for values a later page may bring (`no expiry`, a time) whatever the first page
    /// held, so the layout does not depend on which rows came first.
    pub fn fit_with(
        titles: &[String],
        rows: &[Vec<String>],
        kinds: &[Column],
        reserve: &[usize],
        max_width: Option<usize>,
    ) -> Layout {
        let n = titles.len();
        let kinds: Vec<Column> = (0..n).map(|i| kinds.get(i).copied().unwrap_or(Column::Text)).collect();
        let mut widths: Vec<usize> =
            titles.iter().enumerate().map(|(i, t)| width(t).max(reserve.get(i).copied().unwrap_or(0))).collect();
        for row in rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        // An empty column still takes a character, so the header has room.
        for w in &mut widths {
            *w = (*w).max(1);
        }
        let Some(max) = max_width else { return Layout { widths, kinds } };
        // A column of sentences first narrows only to its longest word, so a URL or a path
        // stays whole while other columns can give room.
        let longest_word: Vec<usize> = (0..n)
            .map(|i| {
                let cells = std::iter::once(&titles[i]).chain(rows.iter().filter_map(|r| r.get(i)));
                cells.flat_map(|c| c.split(' ')).map(width).max().unwrap_or(0)
            })
            .collect();
        let total = |w: &[usize]| w.iter().sum::<usize>() + GAP * w.len().saturating_sub(1);
        // First sentences (they wrap and lose nothing), then text and ids down to their soft
        // minimum, then sentences further (still nothing lost), then everything, numbers and
        // times too, down to the hard minimum.
        // (Sentences narrow first to their longest word, losing nothing, and only then
        // further, where a word too long is shortened in the middle.)
        for pass in 0..5 {
            while total(&widths) > max {
                let floor = |i: usize, k: Column| match (pass, k) {
                    (0, Column::Wrap) => MIN_WRAP.max(longest_word[i]),
                    (2, Column::Wrap) => MIN_WRAP_NARROW.max(longest_word[i]),
                    (3, Column::Wrap) => MIN_WRAP_NARROW,
                    (0 | 2 | 3, _) | (1, Column::Number | Column::Fixed | Column::Wrap) => usize::MAX,
                    (1, Column::Id) => MIN_ID,
                    (1, _) => MIN_TEXT,
                    _ => MIN_ANY,
                };
                // Where words must be shortened, the column with the longest word gives first
                // (a long path), so shorter ones (URLs) may stay whole.
                let longest = |i: usize| if pass == 3 { longest_word[i] } else { 0 };
                let widest = (0..n)
                    .filter(|&i| widths[i] > floor(i, kinds[i]))
                    .max_by_key(|&i| (longest(i), widths[i], std::cmp::Reverse(i)));
                match widest {
                    Some(i) => widths[i] -= 1,
                    None => break,
                }
            }
        }
        Layout { widths, kinds }
    }

    /// The total width of a row.
    pub fn total(&self) -> usize {
        self.widths.iter().sum::<usize>() + GAP * self.widths.len().saturating_sub(1)
    }

    /// Draws the rows (and the header, when given) with these widths: cells shortened to
    /// their column, accents painted when `color`.
    pub fn draw(&self, header: Option<&[String]>, rows: &[(Vec<String>, Option<Accent>)], color: bool) -> String {
        let mut table = Table::new();
        table.load_preset(comfy_table::presets::NOTHING);
        for component in [
            TableComponent::LeftBorder,
            TableComponent::RightBorder,
            TableComponent::TopBorder,
            TableComponent::BottomBorder,
            TableComponent::HeaderLines,
            TableComponent::LeftHeaderIntersection,
            TableComponent::MiddleHeaderIntersections,
            TableComponent::RightHeaderIntersection,
            TableComponent::HorizontalLines,
            TableComponent::VerticalLines,
            TableComponent::MiddleIntersections,
        ] {
            table.remove_style(component);
        }
        table.set_content_arrangement(ContentArrangement::Disabled);
        if color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        let fit = |cell: &str, i: usize| -> String {
            match self.kinds[i] {
                // Wrapped here at spaces (comfy-table would split words).
                Column::Wrap => wrap_words(cell, self.widths[i]),
                Column::Id => shorten_middle(cell, self.widths[i]),
                _ => cut_end(cell, self.widths[i]),
            }
        };
        if let Some(titles) = header {
            table.set_header(titles.iter().enumerate().map(|(i, t)| Cell::new(fit(t, i))));
        }
        for (cells, accent) in rows {
            table.add_row(cells.iter().enumerate().map(|(i, c)| {
                let mut cell = Cell::new(fit(c, i));
                if i == 0 && color {
                    if let Some(accent) = accent {
                        cell = cell.fg(match accent {
                            Accent::Good => Color::Green,
                            Accent::Bad => Color::Red,
                            Accent::Warn => Color::Yellow,
                        });
                    }
                }
                cell
            }));
        }
        let last = self.widths.len().saturating_sub(1);
        for (i, column) in table.column_iter_mut().enumerate() {
            // Padding on the right makes the gap between columns.
            let padding = if i == last { 0 } else { GAP };
            column.set_padding((0, padding as u16));
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed((self.widths[i] + padding) as u16)));
            if self.kinds[i] == Column::Number {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        let mut text = String::new();
        for line in table.lines() {
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text
    }
}

/// `text` wrapped at spaces into lines of at most `max` columns, never inside a word: a word
/// wider than the column is shortened in the middle (`redis://10.…:6379/0`), so what is left
/// of a URL or a path still shows both its ends.
pub fn wrap_words(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word = shorten_middle(word, max);
        let w = width(&word);
        if line > 0 && line + 1 + w <= max {
            out.push(' ');
            line += 1;
        } else if line > 0 {
            out.push('\n');
            line = 0;
        }
        out.push_str(&word);
        line += w;
    }
    out
}

/// `text` in at most `max` columns, the middle replaced by `…` (`AbCdEf…VwXyZ`).
pub fn shorten_middle(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let keep = max - 1;
    let (head_w, tail_w) = (keep.div_ceil(2), keep / 2);
    let mut head = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if w + cw > head_w {
            break;
        }
        w += cw;
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut w = 0;
    for c in text.chars().rev() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if w + cw > tail_w {
            break;
        }
        w += cw;
        tail.push(c);
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

/// `text` in at most `max` columns, cut at the end with `…`.
pub fn cut_end(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if w + cw > max - 1 {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ids_shorten_in_the_middle_and_text_at_the_end() {
        let id = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
        assert_eq!(shorten_middle(id, 13), "AbCdEf…_abcde");
        assert_eq!(width(&shorten_middle(id, 13)), 13);
        assert_eq!(shorten_middle("short", 13), "short");
        assert_eq!(cut_end("a long sentence", 8), "a long …");
        assert_eq!(cut_end("日本語日本語", 5), "日本…");
        assert!(width(&shorten_middle("日本語日本語日本語", 6)) <= 6);
    }

    #[test]
    fn sentences_narrow_before_a_time_is_cut() {
        let titles = strings(&["SIGNED AT", "REASON"]);
        let row = strings(&["2026-11-29T20:06:49Z", "bad signature (wrong secret, or the cookie was altered)"]);
        let layout = Layout::fit(&titles, std::slice::from_ref(&row), &[Column::Fixed, Column::Wrap], Some(40));
        assert_eq!(layout.widths, [20, 18]);
        let text = layout.draw(Some(&titles), &[(row, None)], false);
        assert!(text.contains("2026-11-29T20:06:49Z") && text.lines().all(|l| width(l) <= 40), "{text}");
        assert!(text.contains("altered)"), "the sentence wraps, nothing is lost: {text}");
    }

    #[test]
    fn sentences_wrap_at_spaces_and_long_words_shorten_in_the_middle() {
        assert_eq!(wrap_words("bad base64 (<base64>)", 12), "bad base64\n(<base64>)");
        assert_eq!(wrap_words("redis://127.0.0.1:6379/0 x", 12), "redis:…379/0\nx");
        assert_eq!(wrap_words("fits", 12), "fits");
    }

    #[test]
    fn a_table_that_fits_keeps_its_natural_widths() {
        let layout = Layout::fit(&strings(&["A", "B"]), &[strings(&["long value", "1"])], &[], Some(80));
        assert_eq!(layout.widths, [10, 1]);
        let text = layout.draw(Some(&strings(&["A", "B"])), &[(strings(&["long value", "1"]), None)], false);
        assert_eq!(text, "A           B\nlong value  1\n");
    }

    #[test]
    fn a_wide_table_shrinks_its_widest_columns_and_never_wraps() {
        let id = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde".to_string();
        let row = vec![
            id.clone(),
            "user-with-a-rather-long-name@example.com".into(),
            "6d 23h".into(),
            "2026-12-06T10:44:49Z".into(),
        ];
        let titles = strings(&["SESSION ID", "USER", "TTL", "EXPIRES AT"]);
        let layout = Layout::fit(
            &titles,
            std::slice::from_ref(&row),
            &[Column::Id, Column::Text, Column::Number, Column::Text],
            Some(80),
        );
        assert!(layout.total() <= 80, "{layout:?}");
        let text = layout.draw(Some(&titles), &[(row, None)], false);
        for line in text.lines() {
            assert!(width(line) <= 80, "{line:?}");
        }
        assert!(text.contains("6d 23h"), "numbers do not shrink while text can: {text}");
        assert!(text.contains('…'), "{text}");
    }
}
