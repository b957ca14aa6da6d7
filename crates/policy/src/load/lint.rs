//! Domain lints: rule sets that are valid TOML and compile, but read as nonsense as a
//! contract. Each lint is one entry of a registry ([`LINTS`]): its id, level, what it finds,
//! why that matters and the function that finds it; `docs/lints.md` is written from the
//! registry. The lints that need a scenario live with it in `modsim-sim`, in the same shape
//! ([`Lint`]).
//!
//! Every lint here is cheap and decidable from the compiled policy alone: structural
//! reachability, structural equality of conditions, and bounds on periods. A lint never
//! guesses; when it cannot tell, it stays silent.

use std::ops::Range;

use miette::Severity;

use super::{PolicyDoc, RawPolicy, RawPower};
use crate::condition::{Cond, Num, PostFlag, StateCount};
use crate::diagnostic::{Problem, Source};
use crate::model::{Action, Notice, Policy, Power};
use crate::period::Period;

/// One lint: its id, how loud it is, when it runs, what it finds, why that matters, and the
/// function that finds it (`Check`, whose input depends on what the lint reads).
#[derive(Clone, Copy, Debug)]
pub struct Lint<Check> {
    /// The id shown with each warning, as in `power-without-notice`.
    pub id: &'static str,
    /// How its findings are reported.
    pub level: Severity,
    /// When it runs.
    pub stage: Stage,
    /// What it finds, in one line.
    pub finds: &'static str,
    /// Why that matters.
    pub why: &'static str,
    /// The function that finds it.
    pub check: Check,
}

/// When a lint runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Whenever the policy is compiled: `modsim run` reports it too.
    Compile,
    /// When `modsim check` reads the policy.
    Check,
    /// When a scenario binds the policy: `modsim run` and `modsim check` both report it.
    Bind,
}

impl Stage {
    /// Which commands report it, for the docs.
    pub fn commands(self) -> &'static str {
        match self {
            Stage::Compile | Stage::Bind => "`check`, `run`",
            Stage::Check => "`check`",
        }
    }
}

impl<Check> Lint<Check> {
    /// A finding of this lint: `message` at `span`, with the fix and why it matters in its help.
    pub fn problem(&self, message: String, span: Option<Range<usize>>, fix: &str) -> Problem {
        Problem {
            severity: self.level,
            ..Problem::error(message, span)
        }
        .with_code(self.id)
        .with_help(format!("{fix}\nwhy it matters: {}", self.why))
    }
}

/// What a policy lint reads: the document (for spans) and the policy compiled from it with no
/// clause taken out; it pushes what it finds.
pub type PolicyCheck = fn(&PolicyDoc, &Policy, &mut Vec<Problem>);

/// A lint of a policy alone.
pub type PolicyLint = Lint<PolicyCheck>;

/// A prohibition no duty or power acts on.
pub const UNENFORCED_PROHIBITION: PolicyLint = Lint {
    id: "unenforced-prohibition",
    level: Severity::Warning,
    stage: Stage::Check,
    finds: "a prohibition, when no duty reads `post.prohibited` or a label and no power counts prohibited posts (`state.live_prohibited`, `state.live_reported`, `account.prohibited`, `account.live_prohibited`)",
    why: "a prohibition only matters through a duty to remove what it forbids or a power that counts it; alone it changes no verdict",
    check: unenforced_prohibitions,
};

/// A power that needs no notice.
pub const POWER_WITHOUT_NOTICE: PolicyLint = Lint {
    id: "power-without-notice",
    level: Severity::Warning,
    stage: Stage::Check,
    finds: "a power with `notice = \"none\"`",
    why: "a remedy exercised with no notice at all gives the other party no chance to answer or cure; contracts that say \"immediately upon notice\" mean `immediate`",
    check: powers_without_notice,
};

/// A cure period longer than a termination's notice.
pub const CURE_OUTLASTS_NOTICE: PolicyLint = Lint {
    id: "cure-outlasts-notice",
    level: Severity::Warning,
    stage: Stage::Check,
    finds: "a power's cure period that is surely longer than the advance notice of a termination between the same roles (or its own)",
    why: "the termination can take effect before the cure period ends, so the cure period protects no one",
    check: cures_outlasting_notice,
};

/// A judgment call read as `false` without saying so.
pub const JUDGMENT_CALL_WITHOUT_DEFAULT: PolicyLint = Lint {
    id: "judgment-call-without-default",
    level: Severity::Warning,
    stage: Stage::Compile,
    finds: "a judgment call with no `default` (read as `false`)",
    why: "every verdict resting on it silently reads it as `false`; a default, with a note on why, makes the reading explicit",
    check: judgment_calls_without_default,
};

/// A power whose condition can never hold.
pub const UNREACHABLE_POWER: PolicyLint = Lint {
    id: "unreachable-power",
    level: Severity::Warning,
    stage: Stage::Check,
    finds: "a power whose condition can never hold: it rests only on duties that can never be breached, powers never available, clauses taken out, or constant tests",
    why: "its condition can never hold (it rests on nothing that can happen), so the clause never permits anything",
    check: unreachable_powers,
};

/// Two powers that undo each other and always fire together.
pub const CONFLICTING_POWERS: PolicyLint = Lint {
    id: "conflicting-powers",
    level: Severity::Warning,
    stage: Stage::Check,
    finds: "two powers between the same roles, with the same condition, notice and cure, whose actions undo each other (`restore` against `suspend`, `terminate`...)",
    why: "whenever one may be exercised so may the other, and they undo each other; the document is contradictory as encoded",
    check: conflicting_powers,
};

/// Every lint of a policy alone, in the order of `docs/lints.md`.
pub const LINTS: &[PolicyLint] = &[
    UNENFORCED_PROHIBITION,
    POWER_WITHOUT_NOTICE,
    CURE_OUTLASTS_NOTICE,
    JUDGMENT_CALL_WITHOUT_DEFAULT,
    UNREACHABLE_POWER,
    CONFLICTING_POWERS,
];

/// The policy lint with this id.
pub fn lint(id: &str) -> Option<&'static PolicyLint> {
    LINTS.iter().find(|l| l.id == id)
}

impl PolicyDoc {
    /// Every problem `modsim check` reports for this policy: the errors and warnings of
    /// compiling it as written, then, when it compiles, the domain lints.
    pub fn check(&self) -> Vec<Problem> {
        self.check_with(crate::calendar::Calendars::shipped())
    }

    /// As [`PolicyDoc::check`], with `holidays` named among `calendars`.
    pub fn check_with(&self, calendars: &crate::calendar::Calendars) -> Vec<Problem> {
        match self.compile_with(&super::Overrides::default(), calendars) {
            Err(failure) => failure.problems,
            Ok((policy, mut warnings)) => {
                let source = self.source();
                warnings.extend(
                    self.lint(&policy, Stage::Check)
                        .into_iter()
                        .map(|p| p.in_file(&source)),
                );
                warnings
            }
        }
    }

    /// The domain lints of `stage` for `policy`, compiled from this document with no clause
    /// taken out, less those a clause allows, and a warning for each `allow` that names no
    /// lint (at the check stage).
    pub fn lint(&self, policy: &Policy, stage: Stage) -> Vec<Problem> {
        let raw = &self.raw;
        let mut out = Vec::new();
        for lint in LINTS.iter().filter(|l| l.stage == stage) {
            (lint.check)(self, policy, &mut out);
        }
        // A clause may say it trips a lint on purpose (`allow = ["power-without-notice"]`):
        // its warnings of that lint are dropped; an id that names no lint is a warning itself.
        let mut unknown = Vec::new();
        for clause in raw.clause.iter().filter(|_| stage == Stage::Check) {
            for id in &clause.get_ref().allow {
                if lint(id.get_ref()).is_none() {
                    unknown.push(
                        Problem::warning(
                            format!("`allow` names no lint `{}`", id.get_ref()),
                            Some(id.span()),
                        )
                        .suggesting(id.get_ref(), LINTS.iter().map(|l| l.id)),
                    );
                }
            }
        }
        // A clause's region of the file runs from its first located key to the next clause's.
        let starts: Vec<usize> = raw
            .clause
            .iter()
            .map(|c| {
                let c = c.get_ref();
                [
                    Some(c.id.span().start),
                    Some(c.mark.span().start),
                    c.prohibits.as_ref().map(|p| p.span().start),
                    c.power.as_ref().map(|p| p.holder.span().start),
                    c.duty.as_ref().map(|d| d.holder.span().start),
                ]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(0)
            })
            .collect();
        out.retain(|p| {
            let (Some(code), Some(span)) = (p.code, p.span.as_ref()) else {
                return true;
            };
            !raw.clause.iter().enumerate().any(|(i, c)| {
                let start = starts.get(i).copied().unwrap_or(0);
                let end = starts.get(i + 1).copied().unwrap_or(usize::MAX);
                start <= span.start
                    && span.start < end
                    && c.get_ref().allow.iter().any(|a| a.get_ref() == code)
            })
        });
        out.extend(unknown);
        out
    }
}

impl PolicyDoc {
    /// The document's file, for problems found once it is compiled (binding's lints).
    pub fn source(&self) -> Source {
        Source::new(&self.name, self.text.as_str())
    }

    /// Where the document declares the scenario fact `name` (under `[facts]`).
    pub fn fact_span(&self, name: &str) -> Option<Range<usize>> {
        self.raw
            .facts
            .0
            .iter()
            .find(|(k, _)| k.get_ref() == name)
            .map(|(k, _)| k.span())
    }
}

fn judgment_calls_without_default(doc: &PolicyDoc, _: &Policy, out: &mut Vec<Problem>) {
    for (name, a) in &doc.raw.assumptions.0 {
        if a.default.is_none() {
            out.push(JUDGMENT_CALL_WITHOUT_DEFAULT.problem(
                format!(
                    "judgment call `{}` has no default; it is read as `false`",
                    name.get_ref()
                ),
                Some(name.span()),
                "add `default = false` (or `true`), with a `note` on why",
            ));
        }
    }
}

fn clause_id(policy: &Policy, clause: usize) -> &str {
    policy.clauses.get(clause).map_or("?", |c| c.id.as_str())
}

fn raw_power(raw: &RawPolicy, clause: usize) -> Option<&RawPower> {
    raw.clause
        .get(clause)
        .and_then(|c| c.get_ref().power.as_ref())
}

fn clause_span(raw: &RawPolicy, clause: usize) -> Option<Range<usize>> {
    raw.clause.get(clause).map(|c| c.get_ref().id.span())
}

fn unenforced_prohibitions(doc: &PolicyDoc, policy: &Policy, out: &mut Vec<Problem>) {
    let raw = &doc.raw;
    // A duty acts on prohibited posts when its trigger reads `post.prohibited` or a label;
    // a power acts on them when it counts live prohibited posts.
    let duty_reads_content = policy.duties.iter().any(|d| {
        let mut reads = false;
        d.condition.cond.visit(&mut |c| {
            reads |= matches!(
                c,
                Cond::PostFlag(PostFlag::Prohibited) | Cond::HasAnyLabel(_) | Cond::HasAllLabels(_)
            );
        });
        reads
    });
    let power_counts = policy.powers.iter().any(|p| {
        let mut reads = false;
        p.condition.cond.visit(&mut |c| {
            if let Cond::CompareNum(_, a, b) = c {
                reads |= counts_prohibited(a) || counts_prohibited(b);
            }
        });
        reads
    });
    if duty_reads_content || power_counts {
        return;
    }
    for prohibition in &policy.prohibitions {
        let span = raw
            .clause
            .get(prohibition.clause)
            .and_then(|c| c.get_ref().prohibits.as_ref())
            .map(|p| p.span());
        out.push(UNENFORCED_PROHIBITION.problem(
            format!(
                "clause `{}` prohibits content, but no duty or power acts on prohibited posts",
                clause_id(policy, prohibition.clause)
            ),
            span,
            "add a duty such as `duty = { holder = \"customer\", opens = \"reported\", met_by = \"removed\" }`, or a power whose condition reads `state.live_prohibited`",
        ));
    }
}

fn counts_prohibited(n: &Num) -> bool {
    match n {
        Num::State(
            StateCount::LiveProhibited
            | StateCount::LiveReported
            | StateCount::AccountProhibited
            | StateCount::AccountLiveProhibited,
        ) => true,
        Num::History(h) => h.what == crate::condition::Counted::Prohibited,
        Num::Arith(_, a, b) => counts_prohibited(a) || counts_prohibited(b),
        _ => false,
    }
}

fn powers_without_notice(doc: &PolicyDoc, policy: &Policy, out: &mut Vec<Problem>) {
    let raw = &doc.raw;
    for power in &policy.powers {
        if power.notice == Notice::None {
            out.push(POWER_WITHOUT_NOTICE.problem(
                format!(
                    "power `{}` needs no notice at all",
                    clause_id(policy, power.clause)
                ),
                raw_power(raw, power.clause).map(|p| p.notice.span()),
                "if the clause says \"immediately upon notice\", write `notice = \"immediate\"`",
            ));
        }
    }
}

/// Bounds on a period's length in minutes, whatever instant it starts from: a calendar day
/// is 23 to 25 hours across a daylight-saving change; business days skip at most a long
/// weekend and holidays, so N of them last N to 3N + 4 calendar days; a calendar month is 28
/// to 31 days; the end of the business day is at most 7 calendar days away.
fn minutes_bounds(period: Period) -> (u64, u64) {
    const DAY: u64 = 24 * 60;
    match period {
        Period::Minutes(m) => (u64::from(m), u64::from(m)),
        Period::CalendarDays(d) => {
            let d = u64::from(d);
            ((d * DAY).saturating_sub(60), d * DAY + 60)
        }
        Period::Weeks(w) => {
            let d = u64::from(w) * 7;
            ((d * DAY).saturating_sub(60), d * DAY + 60)
        }
        Period::Months { n, .. } => {
            let n = u64::from(n);
            ((28 * n * DAY).saturating_sub(60), 31 * n * DAY + 60)
        }
        Period::EndOfBusinessDay => (0, 7 * DAY + 60),
        Period::BusinessDays(d) => {
            let d = u64::from(d);
            ((d * DAY).saturating_sub(60), (3 * d + 4) * DAY + 60)
        }
    }
}

fn surely_longer(a: Period, b: Period) -> bool {
    match (a, b) {
        (Period::CalendarDays(x), Period::CalendarDays(y))
        | (Period::BusinessDays(x), Period::BusinessDays(y))
        | (Period::Minutes(x), Period::Minutes(y))
        | (Period::Weeks(x), Period::Weeks(y))
        | (Period::Months { n: x, .. }, Period::Months { n: y, .. }) => x > y,
        _ => minutes_bounds(a).0 > minutes_bounds(b).1,
    }
}

fn cures_outlasting_notice(doc: &PolicyDoc, policy: &Policy, out: &mut Vec<Problem>) {
    let raw = &doc.raw;
    for cured in &policy.powers {
        let Some(cure) = cured.cure else { continue };
        for termination in policy.powers.iter().filter(|t| {
            t.action == Action::Terminate && t.holder == cured.holder && t.against == cured.against
        }) {
            let Notice::Advance(notice) = termination.notice else {
                continue;
            };
            if !surely_longer(cure.period, notice.period) {
                continue;
            }
            let same = std::ptr::eq(cured, termination);
            let message = if same {
                format!(
                    "the cure period of `{}` ({}) outlasts its own notice period ({})",
                    clause_id(policy, cured.clause),
                    cure.period,
                    notice.period
                )
            } else {
                format!(
                    "the cure period of `{}` ({}) outlasts the notice period of termination `{}` ({})",
                    clause_id(policy, cured.clause),
                    cure.period,
                    clause_id(policy, termination.clause),
                    notice.period
                )
            };
            out.push(
                CURE_OUTLASTS_NOTICE.problem(
                    message,
                    raw_power(raw, cured.clause)
                        .and_then(|p| p.cure.as_ref())
                        .map(|c| c.span()),
                    "shorten the cure period, or lengthen the termination's notice to cover it",
                ),
            );
        }
    }
}

/// Whether a condition could ever hold (`maybe`) or surely holds (`must`), given which
/// duties can ever be breached and which powers can ever be available.
struct Reach<'a> {
    duties: &'a [bool],
    powers: &'a [bool],
}

impl Reach<'_> {
    fn maybe(&self, c: &Cond) -> bool {
        match c {
            Cond::Const(b) => *b,
            Cond::Not(x) => !self.must(x),
            Cond::All(xs) => xs.iter().all(|x| self.maybe(x)),
            Cond::Any(xs) => xs.iter().any(|x| self.maybe(x)),
            Cond::HasAnyLabel(set) | Cond::HasAllLabels(set) => !set.is_empty(),
            Cond::Breached(d) => self.duties.get(*d).copied().unwrap_or(true),
            Cond::Available(p) => self.powers.get(*p).copied().unwrap_or(true),
            Cond::TakenOut(_) => false,
            Cond::CompareNum(op, Num::Const(a), Num::Const(b)) => op.apply(*a, *b),
            _ => true,
        }
    }

    fn must(&self, c: &Cond) -> bool {
        match c {
            Cond::Const(b) => *b,
            Cond::Not(x) => !self.maybe(x),
            Cond::All(xs) => xs.iter().all(|x| self.must(x)),
            Cond::Any(xs) => xs.iter().any(|x| self.must(x)),
            Cond::CompareNum(op, Num::Const(a), Num::Const(b)) => op.apply(*a, *b),
            Cond::HasAllLabels(set) => set.is_empty(),
            _ => false,
        }
    }
}

fn unreachable_powers(doc: &PolicyDoc, policy: &Policy, out: &mut Vec<Problem>) {
    let raw = &doc.raw;
    let nothing = Reach {
        duties: &[],
        powers: &[],
    };
    let any_prohibited = policy
        .prohibitions
        .iter()
        .any(|p| nothing.maybe(&p.condition.cond));
    // A duty can be breached when its trigger can hold, and, when the trigger needs a
    // prohibited post, some prohibition can match.
    let duties: Vec<bool> = policy
        .duties
        .iter()
        .map(|d| {
            let cond = &d.condition.cond;
            nothing.maybe(cond) && (any_prohibited || !needs_prohibited(cond))
        })
        .collect();
    // The least fixed point: a power is available when its condition may hold given the
    // powers already known to be.
    let mut powers = vec![false; policy.powers.len()];
    loop {
        let next: Vec<bool> = policy
            .powers
            .iter()
            .map(|p| {
                Reach {
                    duties: &duties,
                    powers: &powers,
                }
                .maybe(&p.condition.cond)
            })
            .collect();
        if next == powers {
            break;
        }
        powers = next;
    }
    for (power, reachable) in policy.powers.iter().zip(&powers) {
        if *reachable {
            continue;
        }
        out.push(UNREACHABLE_POWER.problem(
            format!(
                "power `{}` can never become available",
                clause_id(policy, power.clause)
            ),
            raw_power(raw, power.clause)
                .and_then(|p| p.when.as_ref())
                .map(|w| w.span())
                .or_else(|| clause_span(raw, power.clause)),
            "check what its condition rests on: a duty that can never be breached, a power that is never available, or a test that is always false",
        ));
    }
}

/// True when the condition can only hold for a prohibited post.
fn needs_prohibited(c: &Cond) -> bool {
    match c {
        Cond::PostFlag(PostFlag::Prohibited) => true,
        Cond::All(xs) => xs.iter().any(needs_prohibited),
        Cond::Any(xs) => !xs.is_empty() && xs.iter().all(needs_prohibited),
        _ => false,
    }
}

/// Actions that undo each other.
fn opposite(a: Action, b: Action) -> bool {
    const TAKING: &[Action] = &[
        Action::Suspend,
        Action::Terminate,
        Action::Delist,
        Action::SuspendAccount,
        Action::Ban,
        Action::RemoveContent,
    ];
    (a == Action::Restore && TAKING.contains(&b)) || (b == Action::Restore && TAKING.contains(&a))
}

fn conflicting_powers(doc: &PolicyDoc, policy: &Policy, out: &mut Vec<Problem>) {
    let raw = &doc.raw;
    let powers: Vec<&Power> = policy.powers.iter().collect();
    for (i, a) in powers.iter().enumerate() {
        for b in powers.iter().skip(i + 1) {
            if a.holder == b.holder
                && a.against == b.against
                && opposite(a.action, b.action)
                && a.condition.cond == b.condition.cond
                && a.notice == b.notice
                && a.cure == b.cure
            {
                out.push(
                    CONFLICTING_POWERS.problem(
                        format!(
                            "powers `{}` ({}) and `{}` ({}) always fire together",
                            clause_id(policy, a.clause),
                            a.action,
                            clause_id(policy, b.clause),
                            b.action
                        ),
                        raw_power(raw, b.clause)
                            .map(|p| p.action.span())
                            .or_else(|| clause_span(raw, b.clause)),
                        "give them different conditions, or take one out",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
