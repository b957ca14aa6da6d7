//! Problems found in a file a user wrote, located by byte span, collected together.
//!
//! A [`Problem`] is one error or warning; [`FileProblems`] is every problem of one file with
//! the file's text, so a renderer (miette's, or the JSON one) can show file, line, column and
//! the underlined value. Messages follow one style: lowercase, no final period, user input in
//! backticks, the fix in `help`.

use std::fmt;
use std::ops::Range;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};

/// One error or warning, located in its file when it can be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, in one line.
    pub message: String,
    /// Byte range of the offending value in the file, when known.
    pub span: Option<Range<usize>>,
    /// Short text under the underline.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Error or warning.
    pub severity: Severity,
    /// The id of the lint or check that found it (`power-without-notice`), when it has one.
    pub code: Option<&'static str>,
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
        self.help = Some(help.into());
        self
    }

    /// Names the lint or check that found it.
    pub fn with_code(mut self, code: &'static str) -> Problem {
        self.code = Some(code);
        self
    }

    /// Adds the text under the underline.
    pub fn with_label(mut self, label: impl Into<String>) -> Problem {
        self.label = Some(label.into());
        self
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

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            self.label.clone(),
            span.start,
            span.end.saturating_sub(span.start),
        ))))
    }
}

/// Every problem found in one file, with the file's name and text.
#[derive(Debug)]
pub struct FileProblems {
    /// The file as named to the user, with its text.
    pub source: NamedSource<String>,
    /// The problems, in the order found.
    pub problems: Vec<Problem>,
}

impl FileProblems {
    /// The problems of `name`, whose text is `text`.
    pub fn new(name: &str, text: &str, problems: Vec<Problem>) -> FileProblems {
        FileProblems {
            source: NamedSource::new(name, text.to_owned()).with_language("toml"),
            problems,
        }
    }

    /// The file's name as shown to the user.
    pub fn name(&self) -> &str {
        self.source.name()
    }

    /// True when any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// 1-based line and column of a byte offset in the file.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        line_column(self.source.inner(), offset)
    }
}

impl fmt::Display for FileProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.problems.iter().filter(|p| p.is_error()).count();
        let warnings = self.problems.len() - errors;
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match (errors, warnings) {
            (0, w) => write!(f, "`{}`: {w} warning{}", self.name(), plural(w)),
            (e, 0) => write!(f, "`{}`: {e} error{}", self.name(), plural(e)),
            (e, w) => write!(
                f,
                "`{}`: {e} error{}, {w} warning{}",
                self.name(),
                plural(e),
                plural(w)
            ),
        }
    }
}

impl std::error::Error for FileProblems {}

impl Diagnostic for FileProblems {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

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

/// One problem with its file, to render on its own.
#[derive(Debug)]
pub struct Located<'a> {
    /// The problem.
    pub problem: &'a Problem,
    /// Its file.
    pub source: &'a NamedSource<String>,
}

impl FileProblems {
    /// Each problem with its file, in order.
    pub fn each(&self) -> impl Iterator<Item = Located<'_>> {
        self.problems.iter().map(|problem| Located {
            problem,
            source: &self.source,
        })
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for Located<'_> {}

impl Diagnostic for Located<'_> {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        // A problem without a place in the file (a command-line override) shows no excerpt.
        self.problem
            .span
            .as_ref()
            .map(|_| self.source as &dyn SourceCode)
    }
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Diagnostic::code(self.problem)
    }
    fn severity(&self) -> Option<Severity> {
        Diagnostic::severity(self.problem)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Diagnostic::help(self.problem)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Diagnostic::labels(self.problem)
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
