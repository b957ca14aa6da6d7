//! Domain lints: rule sets that are valid TOML and compile, but read as nonsense as a
//! contract. Each lint is a warning with an id ([`LINTS`]) and says why it matters.
//!
//! Every lint here is cheap and decidable from the compiled policy alone: structural
//! reachability, structural equality of conditions, and bounds on periods. A lint never
//! guesses; when it cannot tell, it stays silent.

use std::ops::Range;

use super::{PolicyDoc, RawPolicy, RawPower};
use crate::condition::{Cond, Num, PostFlag, StateCount};
use crate::diagnostic::Problem;
use crate::model::{Action, Notice, Policy, Power};
use crate::period::Period;

/// One lint: its id, what it finds, and why that matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lint {
    /// The id shown with each warning, as in `power-without-notice`.
    pub id: &'static str,
    /// What it finds, in one line.
    pub summary: &'static str,
    /// Why that matters.
    pub why: &'static str,
}

/// Every lint `modsim check` runs, in the order of `docs/lints.md`.
pub const LINTS: &[Lint] = &[
    Lint {
        id: "unenforced-prohibition",
        summary: "a prohibited category that no duty or power ever acts on",
        why: "a prohibition only matters through a duty to remove what it forbids or a power that counts it; alone it changes no verdict",
    },
    Lint {
        id: "power-without-notice",
        summary: "a power with no notice requirement",
        why: "a remedy exercised with no notice at all gives the other party no chance to answer or cure; contracts that say \"immediately upon notice\" mean `immediate`",
    },
    Lint {
        id: "cure-outlasts-notice",
        summary: "a cure period that outlasts the notice period of a termination it is meant to precede",
        why: "the termination can take effect before the cure period ends, so the cure period protects no one",
    },
    Lint {
        id: "judgment-call-without-default",
        summary: "a judgment call with no default",
        why: "every verdict resting on it silently reads it as `false`; a default, with a note on why, makes the reading explicit",
    },
    Lint {
        id: "unreachable-power",
        summary: "a power that can never become available",
        why: "its condition can never hold (it rests on nothing that can happen), so the clause never permits anything",
    },
    Lint {
        id: "conflicting-powers",
        summary: "two powers that always fire together with opposite effects",
        why: "whenever one may be exercised so may the other, and they undo each other; the document is contradictory as encoded",
    },
    Lint {
        id: "unknown-scenario-label",
        summary: "a scenario's posts carry a label the policy does not know",
        why: "the policy ignores labels it does not declare, so posts carrying only such labels are never prohibited under it",
    },
];

/// The lint with this id.
pub fn lint(id: &str) -> Option<&'static Lint> {
    LINTS.iter().find(|l| l.id == id)
}

/// A warning of lint `id`, with the fix and why it matters in its help.
pub fn warning(
    id: &'static str,
    message: String,
    span: Option<Range<usize>>,
    fix: &str,
) -> Problem {
    let why = lint(id).map_or("", |l| l.why);
    Problem::warning(message, span)
        .with_code(id)
        .with_help(format!("{fix}\nwhy it matters: {why}"))
}

impl PolicyDoc {
    /// Every problem `modsim check` reports for this policy: the errors and warnings of
    /// compiling it as written, then, when it compiles, the domain lints.
    pub fn check(&self) -> Vec<Problem> {
        match self.compile(&super::Overrides::default()) {
            Err(failure) => failure.problems,
            Ok((policy, mut warnings)) => {
                warnings.extend(self.lint(&policy));
                warnings
            }
        }
    }

    /// The domain lints of `policy`, compiled from this document with no clause taken out.
    pub fn lint(&self, policy: &Policy) -> Vec<Problem> {
        let raw = &self.raw;
        let mut out = Vec::new();
        unenforced_prohibitions(raw, policy, &mut out);
        powers_without_notice(raw, policy, &mut out);
        cures_outlasting_notice(raw, policy, &mut out);
        unreachable_powers(raw, policy, &mut out);
        conflicting_powers(raw, policy, &mut out);
        // A clause may say it trips a lint on purpose (`allow = ["power-without-notice"]`):
        // its warnings of that lint are dropped; an id that names no lint is a warning itself.
        let mut unknown = Vec::new();
        for clause in &raw.clause {
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

fn unenforced_prohibitions(raw: &RawPolicy, policy: &Policy, out: &mut Vec<Problem>) {
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
        out.push(warning(
            "unenforced-prohibition",
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
        Num::Arith(_, a, b) => counts_prohibited(a) || counts_prohibited(b),
        _ => false,
    }
}

fn powers_without_notice(raw: &RawPolicy, policy: &Policy, out: &mut Vec<Problem>) {
    for power in &policy.powers {
        if power.notice == Notice::None {
            out.push(warning(
                "power-without-notice",
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
/// weekend and holidays, so N of them last N to 3N + 4 calendar days.
fn minutes_bounds(period: Period) -> (u64, u64) {
    const DAY: u64 = 24 * 60;
    match period {
        Period::Minutes(m) => (u64::from(m), u64::from(m)),
        Period::CalendarDays(d) => {
            let d = u64::from(d);
            ((d * DAY).saturating_sub(60), d * DAY + 60)
        }
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
        | (Period::Minutes(x), Period::Minutes(y)) => x > y,
        _ => minutes_bounds(a).0 > minutes_bounds(b).1,
    }
}

fn cures_outlasting_notice(raw: &RawPolicy, policy: &Policy, out: &mut Vec<Problem>) {
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
            out.push(warning(
                "cure-outlasts-notice",
                message,
                raw_power(raw, cured.clause)
                    .and_then(|p| p.cure.as_ref())
                    .map(|c| c.span()),
                "shorten the cure period, or lengthen the termination's notice to cover it",
            ));
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

fn unreachable_powers(raw: &RawPolicy, policy: &Policy, out: &mut Vec<Problem>) {
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
        out.push(warning(
            "unreachable-power",
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

fn conflicting_powers(raw: &RawPolicy, policy: &Policy, out: &mut Vec<Problem>) {
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
                out.push(warning(
                    "conflicting-powers",
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
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[policy]
id = "t"
title = "t"
source = "t"
[roles]
host = "hosts"
site = "is hosted"
[labels]
threat = "threatens violence"
[parameters]
cure = { value = "30 calendar days", about = "cure" }
notice = { value = "30 calendar days", about = "notice" }
[assumptions]
risk = { question = "a risk?", default = false }
[[clause]]
id = "1"
title = "t"
text = "t"
source = "t"
mark = "record"
prohibits = '"threat" in post.labels'
[[clause]]
id = "2"
title = "t"
text = "t"
source = "t"
mark = "record"
duty = { holder = "site", opens = "reported", met_by = "removed" }
[[clause]]
id = "3"
title = "t"
text = "t"
source = "t"
mark = "record"
power = { holder = "host", action = "suspend", against = "site", when = 'breached("2") || assumptions.risk', notice = "immediate" }
[[clause]]
id = "4"
title = "t"
text = "t"
source = "t"
mark = "record"
power = { holder = "host", action = "terminate", against = "site", when = 'available("3")', notice = "notice", cure = "cure" }
"#;

    /// The lint ids `check` reports for `BASE` with each `(from, to)` replaced, in order.
    fn codes(edits: &[(&str, &str)]) -> Vec<&'static str> {
        let mut text = BASE.to_owned();
        for (from, to) in edits {
            assert!(text.contains(from), "{from}");
            text = text.replacen(from, to, 1);
        }
        let doc = PolicyDoc::parse("t.toml", &text).unwrap();
        doc.check()
            .iter()
            .map(|p| {
                assert!(!p.is_error(), "{p:?}");
                assert!(p.span.is_some(), "every lint is located: {p:?}");
                p.code.unwrap()
            })
            .collect()
    }

    #[test]
    fn a_sound_policy_has_no_lint() {
        assert!(codes(&[]).is_empty());
    }

    #[test]
    fn each_lint_fires_on_its_case() {
        for (edits, expected) in [
            (
                &[(
                    "opens = \"reported\",",
                    "opens = \"reported\", where = 'post.reported',",
                )][..],
                &["unenforced-prohibition"][..],
            ),
            (
                &[("notice = \"immediate\"", "notice = \"none\"")],
                &["power-without-notice"],
            ),
            (
                &[(
                    "value = \"30 calendar days\", about = \"cure\"",
                    "value = \"31 calendar days\", about = \"cure\"",
                )],
                &["cure-outlasts-notice"],
            ),
            (
                &[(
                    "value = \"30 calendar days\", about = \"cure\"",
                    "value = \"20 business days\", about = \"cure\"",
                )],
                &[],
            ),
            (
                &[(
                    "value = \"30 calendar days\", about = \"cure\"",
                    "value = \"800 hours\", about = \"cure\"",
                )],
                &["cure-outlasts-notice"],
            ),
            (
                &[("default = false }", "}")],
                &["judgment-call-without-default"],
            ),
            (
                &[(
                    "when = 'available(\"3\")'",
                    "when = 'available(\"3\") && 1 > 2'",
                )],
                &["unreachable-power"],
            ),
            (
                &[("breached(\"2\") || assumptions.risk", "!true")],
                &["unreachable-power", "unreachable-power"],
            ),
            (
                &[
                    ("action = \"terminate\"", "action = \"restore\""),
                    (
                        "when = 'available(\"3\")'",
                        "when = 'breached(\"2\") || assumptions.risk'",
                    ),
                    (
                        "notice = \"notice\", cure = \"cure\"",
                        "notice = \"immediate\"",
                    ),
                ],
                &["conflicting-powers"],
            ),
        ] {
            assert_eq!(codes(edits), expected, "{edits:?}");
        }
    }

    #[test]
    fn every_lint_has_an_id_and_a_reason() {
        for l in LINTS {
            assert!(!l.why.is_empty() && !l.summary.is_empty(), "{}", l.id);
        }
        assert!(lint("power-without-notice").is_some());
    }
}
