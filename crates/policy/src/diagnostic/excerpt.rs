//! Excerpts short enough to show: a problem on a very long line (a minified file, a string of
//! five million characters, arrays nested a hundred thousand deep) shows a window of that line
//! around the underlined value, not the whole line, and no long neighbouring line.
//!
//! miette prints every line its excerpt holds, whole; these functions narrow what it is given.
//! A window keeps the file's own byte offsets (miette places the underline by them), so it
//! cannot carry an ellipsis; the header's `file:line:column` still says where it is.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents};

/// Longest line, in bytes, shown whole.
pub(super) const WIDEST_LINE: usize = 400;
/// Bytes kept on each side of the underlined value when its line is cut.
const AROUND: usize = 100;
/// A cut line still shows its beginning (its key) when the value starts this near to it.
const NEAR_START: usize = 200;
/// Most bytes one underline covers.
pub(super) const LONGEST_UNDERLINE: usize = 80;

/// The part of `span` an underline covers: at most [`LONGEST_UNDERLINE`] bytes, on character
/// boundaries of `text`.
pub(super) fn underline(text: &str, span: &Range<usize>) -> Range<usize> {
    let start = floor(text, span.start.min(text.len()));
    let end = span
        .end
        .clamp(start, start.saturating_add(LONGEST_UNDERLINE));
    start..ceil(text, end)
}

/// Where the lines of `text` start, as miette counts lines (a line ends at `\n`, `\r\n` or a
/// lone `\r`): 0, then the offset after each line's end.
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends {
            starts.push(i + 1);
        }
    }
    starts
}

/// What miette reads for `span` with its context lines, read from the line before the first
/// of those lines (found in `lines`, [`line_starts`]) rather than from the file's start: the
/// same contents, at a cost that does not grow with how far into the file the span is.
fn read_near<'a>(
    source: &'a NamedSource<String>,
    lines: &[usize],
    span: &SourceSpan,
    before: usize,
    after: usize,
) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
    let text = source.inner();
    let line = lines
        .partition_point(|&s| s <= span.offset())
        .saturating_sub(1);
    // One line more than the context: miette's reading of an empty span at a line's start
    // looks at the line end before it.
    let first = line.saturating_sub(before + 1);
    let base = lines.get(first).copied().unwrap_or(0).min(text.len());
    let rest = text.as_bytes().get(base..).unwrap_or_default();
    let near: SourceSpan = (span.offset().saturating_sub(base), span.len()).into();
    let read = rest.read_span(&near, before, after)?;
    let contents = MietteSpanContents::new_named(
        source.name().to_owned(),
        read.data(),
        (read.span().offset() + base, read.span().len()).into(),
        read.line() + first,
        read.column(),
        read.line_count() + first,
    )
    .with_language("toml");
    Ok(Box::new(contents))
}

/// What miette reads for `span` with its context lines; when one of those lines is longer
/// than [`WIDEST_LINE`], the window of the value's own lines around it instead.
pub(super) fn read_span<'a>(
    source: &'a NamedSource<String>,
    lines: &[usize],
    span: &SourceSpan,
    before: usize,
    after: usize,
) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
    let whole = read_near(source, lines, span, before, after)?;
    let text = source.inner();
    let data = whole.data();
    if data.split(|b| *b == b'\n').all(|l| l.len() <= WIDEST_LINE) {
        return Ok(whole);
    }
    let start = floor(text, span.offset().min(text.len()));
    let end = ceil(text, (start + span.len()).min(text.len()));
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| end + i);
    // miette reads the value alone (no context) for the header's line and column, and
    // expects the excerpt to begin at the value then. It reads a second time with the span
    // of the first excerpt, longer than any underline: that one is kept as it is.
    let margin = if span.len() > LONGEST_UNDERLINE {
        0
    } else {
        AROUND
    };
    let from = if before == 0 {
        start
    } else if start - line_start <= NEAR_START {
        line_start
    } else {
        floor(text, start.saturating_sub(margin).max(line_start))
    };
    let to = ceil(text, end.saturating_add(margin).min(line_end));
    let window = text.get(from..to).unwrap_or_default();
    let line = lines.partition_point(|&s| s <= from).saturating_sub(1);
    let contents = MietteSpanContents::new_named(
        source.name().to_owned(),
        window.as_bytes(),
        (from, to - from).into(),
        line,
        from - line_start,
        window.matches('\n').count(),
    )
    .with_language("toml");
    Ok(Box::new(contents))
}

/// The nearest character boundary of `text` at or before `at`.
fn floor(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The nearest character boundary of `text` at or after `at`.
fn ceil(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(text: &str) -> NamedSource<String> {
        NamedSource::new("long.toml", text.to_owned())
    }

    /// [`read_span`] of `source`, with its lines worked out.
    fn read_of<'a>(
        source: &'a NamedSource<String>,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        read_span(source, &line_starts(source.inner()), span, before, after)
    }

    /// Law: reading from the first context line gives what miette gives reading the whole
    /// file from its start, for every span and context, whatever ends the lines.
    #[test]
    fn reading_near_the_span_is_reading_from_the_start() {
        let text = "a = 1\nb = [\r\n  2,\r  3,\n\n]\nc = \"é\"\r\n\nd = 4";
        let source = named(text);
        let lines = line_starts(text);
        for start in 0..=text.len() {
            for len in [0, 1, 3, 9] {
                for (before, after) in [(0, 0), (1, 1), (2, 3), (5, 0)] {
                    let span: SourceSpan = (start, len).into();
                    let whole = source.read_span(&span, before, after);
                    let near = read_near(&source, &lines, &span, before, after);
                    match (whole, near) {
                        (Ok(w), Ok(n)) => {
                            let (w, n) = (&*w, &*n);
                            let at = format!("{start}+{len}, {before}/{after}");
                            assert_eq!(w.data(), n.data(), "{at}");
                            assert_eq!(w.span(), n.span(), "{at}");
                            assert_eq!(
                                (w.line(), w.column(), w.line_count()),
                                (n.line(), n.column(), n.line_count()),
                                "{at}"
                            );
                            assert_eq!(w.name(), n.name(), "{at}");
                        }
                        (Err(_), Err(_)) => {}
                        (w, n) => panic!(
                            "{start}+{len}, {before}/{after}: {:?} against {:?}",
                            w.is_ok(),
                            n.is_ok()
                        ),
                    }
                }
            }
        }
    }

    #[test]
    fn a_short_file_is_read_as_miette_reads_it() {
        let source = named("a = 1\nb = [\n  2,\n]\n");
        let read = read_of(&source, &(8, 1).into(), 1, 1).unwrap();
        assert_eq!(read.data(), b"a = 1\nb = [\n  2,\n");
        assert_eq!((read.line(), read.column()), (0, 0));
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_value() {
        let text = format!("a = \"{}\"\nb = \n", "x".repeat(5_000_000));
        let source = named(&text);
        let at = text.len() - 1;
        // The value on line 2; line 1 above it is five million bytes long.
        let read = read_of(&source, &(at, 0).into(), 1, 1).unwrap();
        assert!(read.data().len() <= WIDEST_LINE, "{}", read.data().len());
        assert_eq!(read.line(), 1);
        let header = read_of(&source, &(at, 0).into(), 0, 0).unwrap();
        assert_eq!((header.line(), header.column()), (1, 4));

        // The value inside the long line: a window of it, which a second read keeps.
        let read = read_of(&source, &(1_000_000, 3).into(), 1, 1).unwrap();
        assert_eq!(read.span().offset(), 1_000_000 - AROUND);
        assert_eq!(read.data().len(), 3 + 2 * AROUND);
        assert_eq!(read.line(), 0);
        let again = read_of(&source, read.span(), 1, 1).unwrap();
        assert_eq!(again.span(), read.span());
    }

    #[test]
    fn an_underline_is_short_and_on_character_boundaries() {
        let text = "é".repeat(100);
        assert_eq!(underline(&text, &(1..150)), 0..80);
        assert_eq!(underline(&text, &(1..3)), 0..4);
        assert_eq!(underline(&text, &(4..6)), 4..6);
        assert_eq!(underline(&text, &(500..600)), 200..200);
    }
}
