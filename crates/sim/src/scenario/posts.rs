//! Reading a scenario's posts CSV: one row per post, its times read in the scenario's zone,
//! every problem located in the file.

use std::ops::Range;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::diagnostic::did_you_mean;
use modsim_policy::{FileProblems, LabelSet, Problem};

use crate::timeline::{Party, Post, PostId, parse_instant};

/// Most posts a scenario may hold.
pub const MAX_POSTS: usize = 5_000_000;
/// Most distinct labels across a scenario's posts.
pub const MAX_SCENARIO_LABELS: usize = 128;

/// A posts file, read.
#[derive(Debug, Default)]
pub(super) struct Posts {
    /// The posts, in the file's order.
    pub(super) posts: Vec<Post>,
    /// The labels they carry; a post's [`LabelSet`] numbers them in this order.
    pub(super) labels: Vec<String>,
}

/// Reads the posts CSV `text` (named `name` to the user): times in `zone`, platforms among
/// `parties`.
pub(super) fn read_posts(
    name: &str,
    text: &str,
    zone: &TimeZone,
    parties: &[Party],
) -> Result<Posts, FileProblems> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(FileProblems::new(name, text, vec![csv_problem(&e, text)])),
    };
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
    let column = |c: &str| headers.iter().position(|h| h == c);
    for (i, h) in headers.iter().enumerate() {
        if !COLUMNS.contains(&h) {
            let mut p = Problem::error(format!("unknown column `{h}`"), header_span(text, i));
            p = match did_you_mean(h, COLUMNS.iter().copied()) {
                Some(close) => p.with_help(format!("did you mean `{close}`?")),
                None => p.with_help(format!("the columns are {}", COLUMNS.join(", "))),
            };
            problems.push(p);
        }
    }
    for required in ["id", "published"] {
        if column(required).is_none() {
            problems.push(Problem::error(
                format!("the posts file has no `{required}` column"),
                Some(0..0),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(FileProblems::new(name, text, problems));
    }
    let mut read = Posts::default();
    let mut seen = std::collections::HashSet::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(csv_problem(&e, text));
                break;
            }
        }
        if read.posts.len() >= MAX_POSTS {
            problems.push(
                Problem::error(
                    format!("more than {MAX_POSTS} posts"),
                    record_span(text, &record),
                )
                .with_help(
                    "split the posts into several scenarios (the limit is `MAX_POSTS` in crates/sim/src/scenario/posts.rs)",
                ),
            );
            break;
        }
        let field = |c: &str| column(c).and_then(|i| record.get(i)).unwrap_or("");
        let span_of = |value: &str| field_span(text, &record, value);
        let time = |c: &str, problems: &mut Vec<Problem>| -> Option<Timestamp> {
            let value = field(c);
            if value.is_empty() {
                return None;
            }
            match parse_instant(value, zone) {
                Ok(t) => Some(t),
                Err((message, help)) => {
                    problems.push(
                        Problem::error(format!("{message} (column `{c}`)"), span_of(value))
                            .with_help(help),
                    );
                    None
                }
            }
        };
        let id = PostId::from(field("id"));
        if id.is_empty() {
            problems.push(Problem::error(
                "a post has no id",
                record_span(text, &record),
            ));
        }
        let published = time("published", &mut problems);
        let reported = time("reported", &mut problems);
        let removed = time("removed", &mut problems);
        if published.is_none() && field("published").is_empty() {
            problems.push(Problem::error(
                format!("post `{id}` has no publication time"),
                record_span(text, &record),
            ));
        }
        let number = |c: &str, problems: &mut Vec<Problem>| -> i64 {
            let value = field(c);
            if value.is_empty() {
                return 0;
            }
            value.parse().unwrap_or_else(|_| {
                problems.push(Problem::error(
                    format!("`{value}` is not a whole number (column `{c}`)"),
                    span_of(value),
                ));
                0
            })
        };
        let platform = match field("platform") {
            "" => None,
            party => {
                let found = parties
                    .iter()
                    .position(|p| p.id == party)
                    .and_then(|i| u32::try_from(i).ok());
                if found.is_none() {
                    let p = Problem::error(
                        format!("unknown party `{party}` (column `platform`)"),
                        span_of(party),
                    );
                    problems.push(
                        match did_you_mean(party, parties.iter().map(|p| p.id.as_str())) {
                            Some(close) => p.with_help(format!("did you mean `{close}`?")),
                            None => p.with_help("name a party of the scenario's `[parties]`"),
                        },
                    );
                }
                found
            }
        };
        let severity = number("severity", &mut problems);
        let reach = number("reach", &mut problems);
        let mut labels = LabelSet::EMPTY;
        for label in field("labels")
            .split(';')
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let index = match read.labels.iter().position(|l| l == label) {
                Some(i) => i,
                None if read.labels.len() < MAX_SCENARIO_LABELS => {
                    read.labels.push(label.to_owned());
                    read.labels.len() - 1
                }
                None => {
                    problems.push(Problem::error(
                        format!("more than {MAX_SCENARIO_LABELS} distinct labels"),
                        span_of(label),
                    ));
                    continue;
                }
            };
            labels = labels.union(LabelSet::single(index));
        }
        if let Some(published) = published {
            for (what, at) in [("reported", reported), ("removed", removed)] {
                if at.is_some_and(|t| t < published) {
                    problems.push(
                        Problem::error(
                            format!("post `{id}` is {what} before it is published"),
                            span_of(field(what)),
                        )
                        .with_help("check the post's times and their offsets"),
                    );
                }
            }
            if !seen.insert(id.clone()) {
                problems.push(
                    Problem::error(
                        format!("post `{id}` appears twice"),
                        record_span(text, &record),
                    )
                    .with_help("give each post its own id"),
                );
            }
            read.posts.push(Post {
                id,
                author: PostId::from(field("author")),
                published,
                reported,
                removed,
                labels,
                severity,
                reach,
                description: field("description").into(),
                platform,
            });
        }
        if problems.len() > 50 {
            break;
        }
    }
    if problems.is_empty() {
        Ok(read)
    } else {
        Err(FileProblems::new(name, text, problems))
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

fn header_span(text: &str, index: usize) -> Option<Range<usize>> {
    let line_start = text
        .lines()
        .scan(0usize, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .find(|(_, line)| !line.trim_start().starts_with('#'))?;
    let (start, line) = line_start;
    let mut offset = start;
    for (i, field) in line.split(',').enumerate() {
        if i == index {
            return Some(offset..offset + field.len());
        }
        offset += field.len() + 1;
    }
    None
}

fn record_span(text: &str, record: &csv::StringRecord) -> Option<Range<usize>> {
    let start = (record.position()?.byte() as usize).min(text.len());
    let end = text
        .get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |n| start + n);
    Some(start..end)
}

fn field_span(text: &str, record: &csv::StringRecord, value: &str) -> Option<Range<usize>> {
    let line = record_span(text, record)?;
    let found = text
        .get(line.clone())?
        .find(value)
        .filter(|_| !value.is_empty());
    Some(match found {
        Some(offset) => line.start + offset..line.start + offset + value.len(),
        None => line,
    })
}
