//! Problems found in files a user wrote, each located by byte span in its own file,
//! collected together.
//!
//! A [`Problem`] is one error or warning; it carries its [`Source`] (the file's name and text,
//! shared, like cedar's `Loc { span, src }`), so the problems of every file of a run (policy,
//! reforms, scenario, posts, exercise, key) travel in one [`FileProblems`] and a renderer
//! (miette's, or the JSON one) can show each with its file, line, column and underlined value.
//! A problem of the command line itself (`--without 7.2(c)`) is placed there, with no file.
//!
//! Problems are built where they are found with a span only ([`Problem::error`]); the file is
//! stamped on them where they are collected ([`FileProblems::new`]), so a check need not
//! know which file it reads. Messages follow one style: lowercase, no final period, user input
//! in backticks, the fix in `help`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{
    Diagnostic, LabeledSpan, MietteError, NamedSource, Severity, SourceCode, SpanContents,
};

mod excerpt;

/// A file as named to the user, with its text: cheap to clone (shared), so every problem
/// found in the file can carry it.
#[derive(Clone)]
pub struct Source(Arc<Text>);

/// A [`Source`]'s file, and where its lines start (worked out the first time an excerpt is
/// read, so that the thousands of problems of one large file each find their lines without
/// reading the file from its start).
struct Text {
    named: NamedSource<String>,
    lines: std::sync::OnceLock<Vec<usize>>,
}

impl Source {
    /// The file `name`, whose text is `text` (taken as it is when owned, copied otherwise).
    pub fn new(name: &str, text: impl Into<String>) -> Source {
        Source(Arc::new(Text {
            named: NamedSource::new(name, text.into()).with_language("toml"),
            lines: std::sync::OnceLock::new(),
        }))
    }

    /// The file's name as shown to the user.
    pub fn name(&self) -> &str {
        self.0.named.name()
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        self.0.named.inner()
    }

    /// 1-based line and column (in characters) of a byte offset in the file.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        line_column(self.text(), offset)
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.name() == other.name() && self.text() == other.text())
    }
}

impl Eq for Source {}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The name is enough to tell sources apart in a test's output; the text is long.
        f.debug_tuple("Source").field(&self.name()).finish()
    }
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let lines = self
            .0
            .lines
            .get_or_init(|| excerpt::line_starts(self.text()));
        excerpt::read_span(
            &self.0.named,
            lines,
            span,
            context_lines_before,
            context_lines_after,
        )
    }
}

/// One error or warning, located in its file when it can be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, in one line.
    pub message: String,
    /// Byte range of the offending value in the file, when known.
    pub span: Option<Range<usize>>,
    /// Short text under the underline (boxed: a problem stays small enough to return).
    pub label: Option<Box<str>>,
    /// How to fix it (boxed, as the label: a problem stays small enough to return).
    pub help: Option<Box<str>>,
    /// Error or warning.
    pub severity: Severity,
    /// The id of the lint or check that found it (`power-without-notice`), when it has one.
    pub code: Option<&'static str>,
    /// Where it is: a file, or the command line.
    pub place: Place,
}

/// Where a problem is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Place {
    /// Not yet placed: found by a check that does not know its file, to be placed where the
    /// file's problems are collected ([`FileProblems::new`]).
    #[default]
    Unplaced,
    /// In a file.
    File(Source),
    /// On the command line (`--set`, `--without`, `--assume`), which no file is to blame for.
    CommandLine,
    /// In one argument of the command line, shown as the flag and its value (`--set
    /// cure_period=30`), the span in that text.
    Argument(Source),
}

impl Problem {
    /// An error at `span`.
    pub fn error(message: impl Into<String>, span: Option<Range<usize>>) -> Problem {
        Problem {
            message: message.into(),
            span,
            label: None,
            help: None,
            severity: Severity::Error,
            code: None,
            place: Place::Unplaced,
        }
    }

    /// A warning at `span`.
    pub fn warning(message: impl Into<String>, span: Option<Range<usize>>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(message, span)
        }
    }

    /// Adds the fix.
    pub fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    /// Names the lint or check that found it.
    pub fn with_code(mut self, code: &'static str) -> Problem {
        self.code = Some(code);
        self
    }

    /// Adds the text under the underline.
    pub fn with_label(mut self, label: impl Into<String>) -> Problem {
        self.label = Some(label.into().into_boxed_str());
        self
    }

    /// Places it in `source`, unless it is already placed.
    pub fn in_file(mut self, source: &Source) -> Problem {
        if self.place == Place::Unplaced {
            self.place = Place::File(source.clone());
        }
        self
    }

    /// Places it on the command line: no file is to blame.
    pub fn on_command_line(mut self) -> Problem {
        self.place = Place::CommandLine;
        self
    }

    /// Places it in the value `argument` of `flag` on the command line, with `bad` (a range
    /// of `argument`) underlined: `--set cure_period=30` with `30` marked.
    pub fn in_argument(mut self, flag: &str, argument: &str, bad: Range<usize>) -> Problem {
        let offset = flag.len() + 1;
        self.span = Some(bad.start + offset..bad.end + offset);
        self.place = Place::Argument(Source::new("command line", format!("{flag} {argument}")));
        self
    }

    /// Its file, when it is in one.
    pub fn source(&self) -> Option<&Source> {
        match &self.place {
            Place::File(source) => Some(source),
            Place::Unplaced | Place::CommandLine | Place::Argument(_) => None,
        }
    }

    /// The text its span points into: its file, or the argument of the command line.
    fn excerpt(&self) -> Option<&Source> {
        match &self.place {
            Place::File(source) | Place::Argument(source) => Some(source),
            Place::Unplaced | Place::CommandLine => None,
        }
    }

    /// True when it is in an argument of the command line, with the part to blame marked.
    pub fn is_in_argument(&self) -> bool {
        matches!(self.place, Place::Argument(_)) && self.span.is_some()
    }

    /// Adds "did you mean `x`?" when one of `known` is close to `name`, or lists them.
    pub fn suggesting<'a>(
        self,
        name: &str,
        known: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Problem {
        match did_you_mean(name, known.clone()) {
            Some(close) => self.with_help(format!("did you mean `{close}`?")),
            None => {
                let all: Vec<String> = known.into_iter().map(|k| format!("`{k}`")).collect();
                if all.is_empty() {
                    self.with_help("none is defined")
                } else {
                    self.with_help(format!("expected one of {}", all.join(", ")))
                }
            }
        }
    }

    /// True for errors, false for warnings and advice.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The name of its file, or `None` for a problem of the command line.
    pub fn file(&self) -> Option<&str> {
        self.source().map(Source::name)
    }

    /// 1-based line and column where its value starts, when it has a place in a file (or in
    /// an argument of the command line).
    pub fn line_column(&self) -> Option<(usize, usize)> {
        let (source, span) = (self.excerpt()?, self.span.as_ref()?);
        Some(source.line_column(span.start))
    }

    /// 1-based line and column where its value ends, when it has a place in a file.
    pub fn end_line_column(&self) -> Option<(usize, usize)> {
        let (source, span) = (self.excerpt()?, self.span.as_ref()?);
        Some(source.line_column(span.end))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        // A problem without a place in its file (a file too large to read) shows no excerpt.
        self.span.as_ref()?;
        self.excerpt().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let mut span = self.span.clone()?;
        if let Some(source) = self.source() {
            span = excerpt::underline(source.text(), &span);
        }
        Some(Box::new(std::iter::once(LabeledSpan::new(
            self.label.as_deref().map(str::to_owned),
            span.start,
            span.end.saturating_sub(span.start),
        ))))
    }
}

/// Every problem found, each knowing its file: one file's, or every file's of a run, in the
/// order found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileProblems {
    /// The problems, in the order found.
    pub problems: Vec<Problem>,
}

impl FileProblems {
    /// The problems of `name`, whose text is `text`: each not yet placed is placed there.
    pub fn new(name: &str, text: &str, problems: Vec<Problem>) -> FileProblems {
        if problems.iter().all(|p| p.place != Place::Unplaced) {
            return FileProblems { problems };
        }
        let source = Source::new(name, text);
        FileProblems::in_source(&source, problems)
    }

    /// The problems of `source`: each not yet placed is placed there.
    pub fn in_source(source: &Source, problems: Vec<Problem>) -> FileProblems {
        FileProblems {
            problems: problems.into_iter().map(|p| p.in_file(source)).collect(),
        }
    }

    /// Adds one problem.
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Adds every problem of `other`, after these.
    pub fn append(&mut self, other: FileProblems) {
        self.problems.extend(other.problems);
    }

    /// True when there is no problem at all.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// True when any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// How many errors, and how many warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.problems.iter().filter(|p| p.is_error()).count();
        (errors, self.problems.len() - errors)
    }

    /// The problems grouped by file (by name), files in the order their first problem was
    /// found; the command line's problems (no file) come last, as a group of their own.
    pub fn by_file(&self) -> Vec<(Option<&str>, Vec<&Problem>)> {
        let mut groups: Vec<(Option<&str>, Vec<&Problem>)> = Vec::new();
        for p in &self.problems {
            let file = p.file();
            match groups.iter_mut().find(|(f, _)| *f == file) {
                Some((_, found)) => found.push(p),
                None => groups.push((file, vec![p])),
            }
        }
        groups.sort_by_key(|(file, _)| file.is_none());
        groups
    }
}

impl From<Problem> for FileProblems {
    fn from(problem: Problem) -> FileProblems {
        FileProblems {
            problems: vec![problem],
        }
    }
}

impl Extend<Problem> for FileProblems {
    fn extend<I: IntoIterator<Item = Problem>>(&mut self, iter: I) {
        self.problems.extend(iter);
    }
}

impl IntoIterator for FileProblems {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;
    fn into_iter(self) -> Self::IntoIter {
        self.problems.into_iter()
    }
}

impl fmt::Display for FileProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (errors, warnings) = self.counts();
        let files = self.by_file().iter().filter(|(s, _)| s.is_some()).count();
        write!(f, "{}", counted(errors, warnings))?;
        if files > 1 {
            write!(f, " in {files} files")?;
        }
        Ok(())
    }
}

/// "2 errors", "1 warning", "1 error, 3 warnings".
pub fn counted(errors: usize, warnings: usize) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match (errors, warnings) {
        (0, w) => format!("{w} warning{}", plural(w)),
        (e, 0) => format!("{e} error{}", plural(e)),
        (e, w) => format!("{e} error{}, {w} warning{}", plural(e), plural(w)),
    }
}

impl std::error::Error for FileProblems {}

impl Diagnostic for FileProblems {
    fn severity(&self) -> Option<Severity> {
        Some(if self.has_errors() {
            Severity::Error
        } else {
            Severity::Warning
        })
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.problems.iter().map(|p| p as &dyn Diagnostic)))
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// The name among `known` closest to `name`, when it is close enough to be a typo.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // One edit per three characters: `pots` → `post`, but `b` is not a typo of `a`.
    let limit = name.chars().count() / 3;
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= limit || k.eq_ignore_ascii_case(name))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edit distance between two short names, in characters, counting a swap of two
/// neighbours as one edit (optimal string alignment), so `pots` is one edit from `post`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        if let Some(cell) = d.get_mut(at(i, 0)) {
            *cell = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(cell) = d.get_mut(at(0, j)) {
            *cell = j;
        }
    }
    let get = |d: &[usize], i: usize, j: usize| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (ca, cb) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ca != cb);
            let mut best = (get(&d, i - 1, j) + 1)
                .min(get(&d, i, j - 1) + 1)
                .min(get(&d, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && ca == b.get(j - 2) && a.get(i - 2) == cb {
                best = best.min(get(&d, i - 2, j - 2) + 1);
            }
            if let Some(cell) = d.get_mut(at(i, j)) {
                *cell = best;
            }
        }
    }
    get(&d, a.len(), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_clause_ids() {
        let known = ["6.1(a)", "6.1(b)", "7.2(b)(ii)"];
        assert_eq!(did_you_mean("6.1(c)", known), Some("6.1(a)"));
        assert_eq!(did_you_mean("7.2(b)(iii)", known), Some("7.2(b)(ii)"));
        assert_eq!(did_you_mean("AUP", known), None);
        assert_eq!(
            did_you_mean("b", ["a"]),
            None,
            "one-letter names are not typos of each other"
        );
        assert_eq!(did_you_mean("aup", ["AUP"]), Some("AUP"));
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("pots", "post"), 1, "a swap is one edit");
    }

    #[test]
    fn problems_group_by_file_the_command_line_last() {
        let (a, b) = (Source::new("a.toml", "x = 1\n"), Source::new("b.toml", ""));
        let mut all = FileProblems::default();
        all.push(Problem::error("flag", None).on_command_line());
        all.append(FileProblems::in_source(
            &a,
            vec![Problem::error("one", Some(0..1))],
        ));
        all.push(Problem::warning("two", None).in_file(&b));
        all.append(FileProblems::new(
            "a.toml",
            "x = 1\n",
            vec![Problem::error("three", None)],
        ));
        let groups: Vec<(Option<&str>, Vec<&str>)> = all
            .by_file()
            .into_iter()
            .map(|(f, ps)| (f, ps.iter().map(|p| p.message.as_str()).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                (Some("a.toml"), vec!["one", "three"]),
                (Some("b.toml"), vec!["two"]),
                (None, vec!["flag"]),
            ]
        );
        assert_eq!(all.counts(), (3, 1));
        assert_eq!(all.to_string(), "3 errors, 1 warning in 2 files");
        assert_eq!(all.problems[1].line_column(), Some((1, 1)));
        assert_eq!(
            all.problems[0].line_column(),
            None,
            "the command line has no place"
        );
    }

    #[test]
    fn a_file_is_stamped_only_on_problems_that_have_none() {
        let b = Source::new("b.toml", "");
        let placed = FileProblems::new(
            "a.toml",
            "",
            vec![
                Problem::error("here", None),
                Problem::error("there", None).in_file(&b),
                Problem::error("`--set x=1`", None).on_command_line(),
            ],
        );
        let files: Vec<Option<&str>> = placed.problems.iter().map(Problem::file).collect();
        assert_eq!(files, [Some("a.toml"), Some("b.toml"), None]);
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        let text = "a = 1\nb = é2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(
            line_column(text, 12),
            (2, 6),
            "columns count characters, not bytes"
        );
    }
}
