//! A record of a posts file located in the file's text: where it starts and each of its
//! fields, by the CSV parser's own reading of the raw record.

use std::ops::Range;

/// A record of the posts file (the header, or a row), located in the file's text.
pub(super) struct Row<'r> {
    pub(super) text: &'r str,
    pub(super) record: &'r csv::StringRecord,
}

impl Row<'_> {
    /// Where the record starts: where the reader says, past the comment and blank lines the
    /// reader skipped before it.
    fn start(&self) -> Option<usize> {
        let mut start = usize::try_from(self.record.position()?.byte()).ok()?;
        while let Some(rest) = self.text.get(start..) {
            let skipped = if rest.starts_with('#') {
                rest.find('\n').map_or(rest.len(), |n| n + 1)
            } else if rest.starts_with("\r\n") {
                2
            } else if rest.starts_with('\n') {
                1
            } else {
                break;
            };
            start += skipped;
        }
        Some(start.min(self.text.len()))
    }

    /// The record's first line, for problems of the whole row.
    pub(super) fn line(&self) -> Option<Range<usize>> {
        let start = self.start()?;
        let end = self
            .text
            .get(start..)
            .and_then(|rest| rest.find(['\r', '\n']))
            .map_or(self.text.len(), |n| start + n);
        Some(start..end)
    }

    /// Where field `index` is written: the CSV parser's own reading of the raw record, field
    /// by field, so each problem underlines its own field and never an equal text elsewhere
    /// in the row. Without surrounding spaces, and inside the quotes of a quoted field.
    pub(super) fn field_span(&self, index: usize) -> Option<Range<usize>> {
        let start = self.start()?;
        let bytes = self.text.as_bytes().get(start..)?;
        FIELD_PARSER.with_borrow_mut(|parser| {
            parser.reset();
            field_at(parser, bytes, index)
                .map(|(from, to)| written(self.text, start + from, start + to))
        })
    }
}

thread_local! {
    /// The parser [`Row::field_span`] reads a raw record with: building one costs more than
    /// reading a row, and a scenario's first sight of each label asks for a span.
    static FIELD_PARSER: std::cell::RefCell<csv_core::Reader> =
        std::cell::RefCell::new(csv_core::ReaderBuilder::new().build());
}

/// Where field `index` of the raw record at the start of `bytes` lies, as the parser consumed
/// it (from its first byte to past the delimiter or line end that closed it), read by `parser`
/// from its start state.
fn field_at(parser: &mut csv_core::Reader, bytes: &[u8], index: usize) -> Option<(usize, usize)> {
    let mut scratch = [0u8; 1024];
    let (mut offset, mut field_start, mut field) = (0, 0, 0);
    loop {
        let input = bytes.get(offset..).unwrap_or(&[]);
        let (result, read, _) = parser.read_field(input, &mut scratch);
        offset += read;
        match result {
            csv_core::ReadFieldResult::OutputFull => {}
            csv_core::ReadFieldResult::InputEmpty if read > 0 => {}
            csv_core::ReadFieldResult::Field { record_end } => {
                if field == index {
                    return Some((field_start, offset));
                }
                if record_end {
                    return None;
                }
                field += 1;
                field_start = offset;
            }
            csv_core::ReadFieldResult::InputEmpty | csv_core::ReadFieldResult::End => {
                return None;
            }
        }
    }
}

/// The value written in `text[start..end]`, a field as the parser consumed it: without the
/// delimiter or line end that closed it, surrounding spaces, and the quotes of a quoted field.
fn written(text: &str, start: usize, end: usize) -> Range<usize> {
    let raw = text.get(start..end).unwrap_or("");
    let raw = match raw.strip_suffix(',') {
        Some(field) => field,
        None => raw.trim_end_matches(['\r', '\n']),
    };
    let value = raw.trim_matches([' ', '\t']);
    let mut lead = raw.len() - raw.trim_start_matches([' ', '\t']).len();
    let mut len = value.len();
    // A quote opens a quoted field only as its first byte; elsewhere it is read as written.
    if lead == 0 && len > 2 && value.starts_with('"') && value.ends_with('"') {
        lead += 1;
        len -= 2;
    }
    start + lead..start + lead + len
}
