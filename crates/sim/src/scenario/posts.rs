//! Reading a scenario's posts CSV: one row per post, its times read in the scenario's zone,
//! every problem located in the file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::diagnostic::did_you_mean;
use modsim_policy::{FileProblems, LabelSet, Problem};

use crate::timeline::{Party, Post, PostId, parse_instant};

/// Most posts a scenario may hold.
pub const MAX_POSTS: usize = 5_000_000;
/// Most distinct labels across a scenario's posts.
pub const MAX_SCENARIO_LABELS: usize = modsim_policy::labels::MAX_LABELS;

/// A posts file, read.
#[derive(Debug, Default)]
pub(super) struct Posts {
    /// The posts, in time order (then by id), whatever the order of the file's rows.
    pub(super) posts: Vec<Post>,
    /// The labels they carry; a post's [`LabelSet`] numbers them in this order.
    pub(super) labels: Vec<String>,
    /// Where each label first stands, by name, for the problems binding finds.
    pub(super) first_seen: Vec<(Box<str>, Range<usize>)>,
    /// Each label's number in `labels`: a file of millions of rows and thousands of labels
    /// finds each without a scan.
    numbers: HashMap<String, usize>,
}

impl Posts {
    /// The number of `label`, and whether it is new; `None` when it is new and the scenario
    /// already has [`MAX_SCENARIO_LABELS`] labels.
    pub(super) fn label_number(&mut self, label: &str) -> Option<(usize, bool)> {
        if let Some(&n) = self.numbers.get(label) {
            return Some((n, false));
        }
        if self.labels.len() >= MAX_SCENARIO_LABELS {
            return None;
        }
        let n = self.labels.len();
        self.labels.push(label.to_owned());
        self.numbers.insert(label.to_owned(), n);
        Some((n, true))
    }
}

/// The columns a posts file may have.
const COLUMNS: &[&str] = &[
    "id",
    "published",
    "reported",
    "removed",
    "labels",
    "author",
    "severity",
    "reach",
    "description",
    "platform",
];

/// Most problems reported for one posts file: past them, the reading stops.
const MAX_PROBLEMS: usize = 50;

/// Reads the posts CSV `text` (named `name` to the user): times in `zone`, platforms among
/// `parties`.
pub(super) fn read_posts(
    name: &str,
    text: &str,
    zone: &TimeZone,
    parties: &[Party],
) -> Result<Posts, FileProblems> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let columns = match reader.headers() {
        Ok(h) => Columns::read(h, text).map_err(|p| FileProblems::new(name, text, p))?,
        Err(e) => return Err(FileProblems::new(name, text, vec![csv_problem(&e, text)])),
    };
    let mut rows = Rows {
        text,
        zone,
        parties,
        columns,
        read: Posts::default(),
        seen: HashSet::new(),
        problems: Vec::new(),
        written: Vec::new(),
        starts: Vec::new(),
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                rows.problems.push(csv_problem(&e, text));
                break;
            }
        }
        let row = Row {
            text,
            record: &record,
        };
        if rows.read.posts.len() >= MAX_POSTS {
            rows.problems.push(
                Problem::error(format!("more than {MAX_POSTS} posts"), row.line())
                .with_help(
                    "split the posts into several scenarios (the limit is `MAX_POSTS` in crates/sim/src/scenario/posts.rs)",
                ),
            );
            break;
        }
        rows.row(&row);
        if rows.problems.len() > MAX_PROBLEMS {
            break;
        }
    }
    if rows.problems.is_empty() {
        Ok(rows.in_time_order())
    } else {
        Err(FileProblems::new(name, text, rows.problems))
    }
}

/// Where `column` of the post `id` is written in the posts file `text` (the post's row when
/// the file has no such column), for the problems found once the posts are read: a deadline
/// counted from the post that the replay cannot compute.
pub(crate) fn place_of(text: &str, id: &str, column: &str) -> Option<Range<usize>> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().ok()?.clone();
    let id_at = headers.iter().position(|h| h == "id")?;
    let column_at = headers.iter().position(|h| h == column);
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).ok()? {
        if record.get(id_at) == Some(id) {
            let row = Row {
                text,
                record: &record,
            };
            return column_at
                .and_then(|i| row.field_span(i))
                .or_else(|| row.line());
        }
    }
    None
}

/// The header of a posts file: which column holds what.
struct Columns {
    names: Vec<String>,
}

impl Columns {
    /// The header, or its problems: unknown columns, and `id` and `published` missing.
    fn read(headers: &csv::StringRecord, text: &str) -> Result<Columns, Vec<Problem>> {
        let mut problems = Vec::new();
        let header = Row {
            text,
            record: headers,
        };
        for (i, h) in headers.iter().enumerate() {
            if COLUMNS.contains(&h) && headers.iter().take(i).any(|earlier| earlier == h) {
                problems.push(
                    Problem::error(
                        format!("the column `{h}` appears twice"),
                        header.field_span(i),
                    )
                    .with_help("keep one column of each name"),
                );
            }
            if !COLUMNS.contains(&h) {
                let p = Problem::error(format!("unknown column `{h}`"), header.field_span(i));
                problems.push(match did_you_mean(h, COLUMNS.iter().copied()) {
                    Some(close) => p.with_help(format!("did you mean `{close}`?")),
                    None => p.with_help(format!("the columns are {}", COLUMNS.join(", "))),
                });
            }
        }
        let columns = Columns {
            names: headers.iter().map(str::to_owned).collect(),
        };
        for required in ["id", "published"] {
            if columns.index(required).is_none() {
                problems.push(Problem::error(
                    format!("the posts file has no `{required}` column"),
                    Some(0..0),
                ));
            }
        }
        if problems.is_empty() {
            Ok(columns)
        } else {
            Err(problems)
        }
    }

    fn index(&self, column: &str) -> Option<usize> {
        self.names.iter().position(|h| h == column)
    }
}

/// The posts read so far, and the problems found.
struct Rows<'a> {
    text: &'a str,
    zone: &'a TimeZone,
    parties: &'a [Party],
    columns: Columns,
    read: Posts,
    seen: HashSet<PostId>,
    problems: Vec<Problem>,
    /// Each post's labels as numbered when read, in the order its row writes them, one post
    /// after another; post `i`'s start at `starts[i]`.
    written: Vec<u32>,
    starts: Vec<usize>,
}

impl Rows<'_> {
    /// Reads one row: a post, or its problems.
    fn row(&mut self, row: &Row<'_>) {
        let id = PostId::from(self.field(row, "id"));
        if id.is_empty() {
            self.problems
                .push(Problem::error("a post has no id", row.line()));
        }
        let published = self.time(row, "published");
        let reported = self.time(row, "reported");
        let removed = self.time(row, "removed");
        if published.is_none() && self.field(row, "published").is_empty() {
            self.problems.push(Problem::error(
                format!("post `{id}` has no publication time"),
                row.line(),
            ));
        }
        let platform = self.platform(row);
        let severity = self.number(row, "severity");
        let reach = self.number(row, "reach");
        let written = self.written.len();
        let labels = self.labels(row);
        let Some(published) = published else {
            return;
        };
        for (what, at) in [("reported", reported), ("removed", removed)] {
            if at.is_some_and(|t| t < published) {
                self.problems.push(
                    Problem::error(
                        format!("post `{id}` is {what} before it is published"),
                        self.span(row, what),
                    )
                    .with_help("check the post's times and their offsets"),
                );
            }
        }
        if !self.seen.insert(id.clone()) {
            self.problems.push(
                Problem::error(format!("post `{id}` appears twice"), row.line())
                    .with_help("give each post its own id"),
            );
        }
        self.starts.push(written);
        self.read.posts.push(Post {
            id,
            author: PostId::from(self.field(row, "author")),
            published,
            reported,
            removed,
            labels,
            severity,
            reach,
            description: self.field(row, "description").into(),
            platform,
        });
    }

    /// The value in `column`, or empty when the file has no such column.
    fn field<'r>(&self, row: &Row<'r>, column: &str) -> &'r str {
        self.columns
            .index(column)
            .and_then(|i| row.record.get(i))
            .unwrap_or("")
    }

    /// Where the value in `column` is written.
    fn span(&self, row: &Row<'_>, column: &str) -> Option<Range<usize>> {
        self.columns
            .index(column)
            .and_then(|i| row.field_span(i))
            .or_else(|| row.line())
    }

    fn time(&mut self, row: &Row<'_>, column: &str) -> Option<Timestamp> {
        let value = self.field(row, column);
        if value.is_empty() {
            return None;
        }
        match parse_instant(value, self.zone) {
            Ok(t) => Some(t),
            Err((message, help)) => {
                let span = self.span(row, column);
                self.problems.push(
                    Problem::error(format!("{message} (column `{column}`)"), span).with_help(help),
                );
                None
            }
        }
    }

    fn number(&mut self, row: &Row<'_>, column: &str) -> i64 {
        let value = self.field(row, column);
        if value.is_empty() {
            return 0;
        }
        value.parse().unwrap_or_else(|_| {
            let span = self.span(row, column);
            self.problems.push(Problem::error(
                format!("`{value}` is not a whole number (column `{column}`)"),
                span,
            ));
            0
        })
    }

    fn platform(&mut self, row: &Row<'_>) -> Option<u32> {
        let party = self.field(row, "platform");
        if party.is_empty() {
            return None;
        }
        let found = self
            .parties
            .iter()
            .position(|p| p.id == party)
            .and_then(|i| u32::try_from(i).ok());
        if found.is_none() {
            let p = Problem::error(
                format!("unknown party `{party}` (column `platform`)"),
                self.span(row, "platform"),
            );
            self.problems.push(
                match did_you_mean(party, self.parties.iter().map(|p| p.id.as_str())) {
                    Some(close) => p.with_help(format!("did you mean `{close}`?")),
                    None => p.with_help("name a party of the scenario's `[parties]`"),
                },
            );
        }
        found
    }

    fn labels(&mut self, row: &Row<'_>) -> LabelSet {
        let mut labels = LabelSet::EMPTY;
        for label in self
            .field(row, "labels")
            .split(';')
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let index = match self.read.label_number(label) {
                Some((i, false)) => i,
                Some((i, true)) => {
                    if let Some(span) = self.label_span(row, label) {
                        self.read.first_seen.push((label.into(), span));
                    }
                    i
                }
                None => {
                    let span = self.label_span(row, label);
                    self.problems.push(Problem::error(
                        format!("more than {MAX_SCENARIO_LABELS} distinct labels"),
                        span,
                    ));
                    continue;
                }
            };
            if !labels.contains(index) {
                self.written.push(u32::try_from(index).unwrap_or(u32::MAX));
            }
            labels.insert(index);
        }
        labels
    }

    /// The posts in time order, then by id, with their labels numbered in the order they are
    /// first written in that order: what the program shows does not depend on the order of
    /// the file's rows (duty tallies, example posts, a post's labels).
    fn in_time_order(self) -> Posts {
        let Rows {
            read,
            written,
            starts,
            ..
        } = self;
        let mut order: Vec<usize> = (0..read.posts.len()).collect();
        order.sort_by(|&a, &b| {
            let key = |i: usize| read.posts.get(i).map(|p| (p.published, &p.id));
            key(a).cmp(&key(b))
        });
        let written_by = |i: usize| {
            let start = starts.get(i).copied().unwrap_or(written.len());
            let end = starts.get(i + 1).copied().unwrap_or(written.len());
            written.get(start..end).unwrap_or(&[])
        };
        // Old number → new number, by first use in time order.
        let mut renumbered: Vec<Option<usize>> = vec![None; read.labels.len()];
        let mut labels = Vec::with_capacity(read.labels.len());
        for &i in &order {
            for &old in written_by(i) {
                let old = old as usize;
                if let Some(slot @ None) = renumbered.get_mut(old) {
                    *slot = Some(labels.len());
                    labels.push(read.labels.get(old).cloned().unwrap_or_default());
                }
            }
        }
        let mut slots: Vec<Option<Post>> = read.posts.into_iter().map(Some).collect();
        let posts = order
            .iter()
            .filter_map(|&i| {
                let mut post = slots.get_mut(i)?.take()?;
                post.labels = post
                    .labels
                    .indices()
                    .filter_map(|old| renumbered.get(old).copied().flatten())
                    .fold(LabelSet::EMPTY, |set, new| set.union(LabelSet::single(new)));
                Some(post)
            })
            .collect();
        Posts {
            posts,
            numbers: labels.iter().cloned().zip(0..).collect(),
            labels,
            first_seen: read.first_seen,
        }
    }

    /// Where `label` is written in the row's `labels` field.
    fn label_span(&self, row: &Row<'_>, label: &str) -> Option<Range<usize>> {
        let field = self.span(row, "labels")?;
        let written = self.text.get(field.clone())?;
        let mut offset = field.start;
        for part in written.split(';') {
            let trimmed = part.trim();
            if trimmed == label {
                let start = offset + (part.len() - part.trim_start().len());
                return Some(start..start + trimmed.len());
            }
            offset += part.len() + 1;
        }
        Some(field)
    }
}

/// A record of the posts file (the header, or a row), located in the file's text.
struct Row<'r> {
    text: &'r str,
    record: &'r csv::StringRecord,
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
    fn line(&self) -> Option<Range<usize>> {
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
    fn field_span(&self, index: usize) -> Option<Range<usize>> {
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

fn csv_problem(e: &csv::Error, text: &str) -> Problem {
    let start = e
        .position()
        .map_or(0, |p| p.byte() as usize)
        .min(text.len());
    let end = text
        .get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |n| start + n);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the posts file is not valid UTF-8".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields where the header has {expected_len}")
        }
        _ => format!("the posts file cannot be read: {e}"),
    };
    Problem::error(message, Some(start..end))
        .with_help("quote fields that contain commas with `\"`")
}

#[cfg(test)]
mod tests;
