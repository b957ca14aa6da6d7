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
        too_many_labels: false,
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
    /// Whether a label past [`MAX_SCENARIO_LABELS`] has been reported.
    too_many_labels: bool,
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
        // Where the `labels` field is written, found when a label needs locating; each label
        // is then looked for past the one before it, so a row of thousands of labels is read
        // once, not once per label.
        let mut field: Option<Option<Range<usize>>> = None;
        let mut from = 0;
        for label in self
            .field(row, "labels")
            .split(';')
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let index = match self.read.label_number(label) {
                Some((i, false)) => i,
                Some((i, true)) => {
                    let field = field.get_or_insert_with(|| self.span(row, "labels"));
                    if let Some(span) = self.label_in(field.as_ref(), &mut from, label) {
                        self.read.first_seen.push((label.into(), span));
                    }
                    i
                }
                // Said once, at the first label past the limit: a row of a million new labels
                // would otherwise locate each of them in the row.
                None if self.too_many_labels => continue,
                None => {
                    self.too_many_labels = true;
                    let field = field.get_or_insert_with(|| self.span(row, "labels"));
                    let span = self.label_in(field.as_ref(), &mut from, label);
                    self.problems.push(
                        Problem::error(
                            format!("more than {MAX_SCENARIO_LABELS} distinct labels"),
                            span,
                        )
                        .with_help("a policy numbers at most this many labels (`MAX_LABELS` in crates/policy/src/labels.rs); later new labels are not reported"),
                    );
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

    /// Where `label` is written in the `labels` field at `field` (its place in the file), at
    /// or after byte `from`, which moves past it; the whole field when it is not found there.
    fn label_in(
        &self,
        field: Option<&Range<usize>>,
        from: &mut usize,
        label: &str,
    ) -> Option<Range<usize>> {
        let field = field?;
        let mut offset = (*from).clamp(field.start, field.end);
        let written = self.text.get(offset..field.end)?;
        for part in written.split(';') {
            let trimmed = part.trim();
            if trimmed == label {
                let start = offset + (part.len() - part.trim_start().len());
                *from = start + trimmed.len();
                return Some(start..start + trimmed.len());
            }
            offset += part.len() + 1;
        }
        Some(field.clone())
    }
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

mod row;
#[cfg(test)]
mod tests;

use row::Row;
