//! The rules of a policy: duties and powers, compiled from their clauses, and the check that
//! powers do not rest on their own availability.

use super::compiler::{Compiler, Declared, is_name};
use super::raw::{RawDuty, RawPolicy, RawPower};
use crate::condition::{self, Condition, Names, Scope};
use crate::diagnostic::Problem;
use crate::model::*;
use crate::period::Period;
use crate::zone::DeadlineZone;

/// The rules of a policy's clauses in force.
pub(super) struct Rules {
    pub(super) prohibitions: Vec<Prohibition>,
    pub(super) duties: Vec<Duty>,
    pub(super) powers: Vec<Power>,
}

/// The ids of the clauses that make duties and powers, each with its index among the duties
/// (or powers) in force, `None` for a clause taken out.
pub(super) type RuleIds<'r> = Vec<(&'r str, Option<usize>)>;

/// The duties' and the powers' ids, for conditions that name them.
pub(super) fn rule_ids<'r>(raw: &'r RawPolicy, clauses: &[Clause]) -> (RuleIds<'r>, RuleIds<'r>) {
    let mut duty_ids: RuleIds<'r> = Vec::new();
    let mut power_ids: RuleIds<'r> = Vec::new();
    for (clause, compiled) in raw.clause.iter().zip(clauses) {
        let c = clause.get_ref();
        if c.duty.is_some() {
            let next = duty_ids.iter().filter(|(_, i)| i.is_some()).count();
            duty_ids.push((c.id.get_ref(), (!compiled.taken_out).then_some(next)));
        }
        if c.power.is_some() {
            let next = power_ids.iter().filter(|(_, i)| i.is_some()).count();
            power_ids.push((c.id.get_ref(), (!compiled.taken_out).then_some(next)));
        }
    }
    (duty_ids, power_ids)
}

impl Compiler<'_> {
    /// The prohibitions, duties and powers of the clauses in force, then the check that powers
    /// do not rest on their own availability.
    pub(super) fn rules(
        &mut self,
        raw: &RawPolicy,
        clauses: &[Clause],
        declared: &Declared<'_>,
        names: &Names<'_>,
    ) -> Rules {
        let mut rules = Rules {
            prohibitions: Vec::new(),
            duties: Vec::new(),
            powers: Vec::new(),
        };
        for (index, (clause, compiled)) in raw.clause.iter().zip(clauses).enumerate() {
            if compiled.taken_out {
                continue;
            }
            self.set_origin(index);
            let c = clause.get_ref();
            if let Some(text) = &c.prohibits
                && let Some(condition) = self.condition(text, Scope::Prohibition, names)
            {
                rules.prohibitions.push(Prohibition {
                    clause: index,
                    condition,
                });
            }
            if let Some(duty) = &c.duty
                && let Some(duty) = self.duty(index, duty, declared, names)
            {
                rules.duties.push(duty);
            }
            if let Some(power) = &c.power
                && let Some(power) = self.power(index, power, declared, names)
            {
                rules.powers.push(power);
            }
        }
        self.origin = 0;
        // Indices are only consistent when every power compiled.
        if !self.problems.iter().any(|(_, p)| p.is_error()) {
            self.check_power_cycles(raw, &rules.powers, clauses);
        }
        rules
    }

    pub(super) fn duty(
        &mut self,
        clause: usize,
        raw: &RawDuty,
        declared: &Declared<'_>,
        names: &Names<'_>,
    ) -> Option<Duty> {
        let holder = self.role(&raw.holder, declared);
        let opens = self.word(&raw.opens);
        let met_by = self.word(&raw.met_by);
        let open_ended = raw
            .within
            .as_ref()
            .is_some_and(|w| w.get_ref().trim() == NO_TIME_LIMIT);
        let within = match &raw.within {
            Some(_) if open_ended => Some(PeriodRef {
                period: Period::Minutes(0),
                param: None,
            }),
            Some(text) => self.period(text, declared),
            None => Some(PeriodRef {
                period: Period::Minutes(0),
                param: None,
            }),
        };
        let demanded = opens == Some(Trigger::Demanded);
        let acted = opens == Some(Trigger::Acted);
        let notified = opens == Some(Trigger::Notified);
        if notified && met_by == Some(Discharge::Delivered) {
            // A notice's recipient owes its sender a delivery (a decision) per item named.
            self.check_acted(raw, met_by, false);
        } else {
            self.check_demand(raw, demanded, acted, opens.is_some(), met_by);
        }
        let on = self.acted_on(raw, acted);
        let zone = self.deadline_zone(raw, opens);
        let condition = match &raw.condition {
            Some(_) if demanded || acted => None,
            Some(text) => self.condition(text, Scope::DutyTrigger, names),
            None if demanded || acted => Some(Condition::new("true", condition::Cond::Const(true))),
            None => Some(Condition::new(
                "post.prohibited",
                condition::Cond::PostFlag(condition::PostFlag::Prohibited),
            )),
        };
        Some(Duty {
            clause,
            holder: holder?,
            opens: opens?,
            condition: condition?,
            within: within?,
            open_ended,
            deliverable: raw.deliverable.as_ref().map(|d| d.get_ref().clone()),
            on: on?,
            met_by: met_by?,
            zone: zone?,
        })
    }

    /// Where a duty's deadline is counted (`zone`): the holder's zone by default; the
    /// counterparty's only for a duty that has one (not one opened by publication).
    fn deadline_zone(&mut self, raw: &RawDuty, opens: Option<Trigger>) -> Option<DeadlineZone> {
        let Some(text) = &raw.zone else {
            return Some(DeadlineZone::Holder);
        };
        match DeadlineZone::parse(text.get_ref()) {
            Ok(DeadlineZone::Counterparty) if opens == Some(Trigger::Published) => {
                self.error(
                    Problem::error(
                        "a duty opened by publication is owed to no counterparty",
                        Some(text.span()),
                    )
                    .with_help("write `zone = \"holder\"` or an IANA zone such as `zone = \"Europe/Paris\"`"),
                );
                None
            }
            Ok(zone) => Some(zone),
            Err(unknown) => {
                let help = match &unknown.close {
                    Some(_) => unknown.help(),
                    None => "write `holder` (the default), `counterparty`, or an IANA zone such as `Europe/Paris`".to_owned(),
                };
                self.error(Problem::error(unknown.to_string(), Some(text.span())).with_help(help));
                None
            }
        }
    }

    /// The actions that open a duty `opens = "acted"`: at least one, and only for such a duty.
    fn acted_on(&mut self, raw: &RawDuty, acted: bool) -> Option<Vec<Action>> {
        if !acted {
            if let Some(first) = raw.on.first() {
                self.error(
                    Problem::error(
                        "only a duty opened by an action names the actions that open it",
                        Some(first.span()),
                    )
                    .with_help("set `opens = \"acted\"`, or remove `on`"),
                );
            }
            return Some(Vec::new());
        }
        if raw.on.is_empty() {
            self.error(
                Problem::error(
                    "a duty opened by an action must name the actions that open it",
                    Some(raw.opens.span()),
                )
                .with_help("add `on = [\"suspend_account\", \"restrict\"]` (the holder's actions that owe it)"),
            );
            return None;
        }
        let mut on = Vec::with_capacity(raw.on.len());
        let mut ok = true;
        for word in &raw.on {
            match self.word(word) {
                Some(action) if !on.contains(&action) => on.push(action),
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(on)
    }

    /// A duty opened by a demand names a deliverable, is met by its delivery and concerns no
    /// post; any other duty, none of these.
    fn check_demand(
        &mut self,
        raw: &RawDuty,
        demanded: bool,
        acted: bool,
        opens_known: bool,
        met_by: Option<Discharge>,
    ) {
        if acted {
            return self.check_acted(raw, met_by, true);
        }
        match (&raw.deliverable, demanded) {
            (None, true) => self.error(
                Problem::error(
                    "a duty opened by a demand must name what is demanded",
                    Some(raw.opens.span()),
                )
                .with_help(
                    "add `deliverable = \"moderation_plan\"` (any name the scenario's demands use)",
                ),
            ),
            (Some(d), false) => self.error(
                Problem::error(
                    "only a duty opened by a demand has a deliverable",
                    Some(d.span()),
                )
                .with_help("set `opens = \"demanded\"`, or remove `deliverable`"),
            ),
            (Some(d), true) if !is_name(d.get_ref(), "deliverable") => self.error(Problem::error(
                format!("`{}` is not a name", d.get_ref()),
                Some(d.span()),
            )),
            _ => {}
        }
        match (met_by, demanded) {
            (Some(Discharge::Removed), true) => self.error(
                Problem::error(
                    "a demand is met by delivering what was demanded, not by removing a post",
                    Some(raw.met_by.span()),
                )
                .with_help("set `met_by = \"delivered\"`"),
            ),
            (Some(Discharge::Delivered), false) if opens_known => self.error(
                Problem::error(
                    "only a duty opened by a demand is met by a delivery",
                    Some(raw.met_by.span()),
                )
                .with_help("set `opens = \"demanded\"`, or `met_by = \"removed\"`"),
            ),
            _ => {}
        }
        if demanded && let Some(text) = &raw.condition {
            self.error(
                Problem::error(
                    "a duty opened by a demand concerns no post, so it has no `where`",
                    Some(text.span()),
                )
                .with_help("remove `where`"),
            );
        }
    }

    /// A duty opened by an action (`acted`), or by a notice and met by a delivery, names what
    /// is delivered (to the party acted against, or to the notice's sender); one opened by an
    /// action is met by that delivery alone and concerns no post, so it has no `where`.
    fn check_acted(&mut self, raw: &RawDuty, met_by: Option<Discharge>, acted: bool) {
        match (&raw.deliverable, met_by) {
            (None, Some(Discharge::Delivered)) => self.error(
                Problem::error(
                    "a duty met by a delivery must name what is delivered",
                    Some(raw.met_by.span()),
                )
                .with_help("add `deliverable = \"statement_of_reasons\"`"),
            ),
            (_, Some(Discharge::Removed)) if acted => self.error(
                Problem::error(
                    "a duty opened by an action is met by delivering something to the party acted against, not by a removal",
                    Some(raw.met_by.span()),
                )
                .with_help("set `met_by = \"delivered\"` and name the `deliverable`, such as `statement_of_reasons`"),
            ),
            (Some(d), _) if !is_name(d.get_ref(), "deliverable") => self.error(Problem::error(
                format!("`{}` is not a name", d.get_ref()),
                Some(d.span()),
            )),
            _ => {}
        }
        if !acted {
            return;
        }
        if let Some(text) = &raw.condition {
            self.error(
                Problem::error(
                    "a duty opened by an action concerns no post, so it has no `where`",
                    Some(text.span()),
                )
                .with_help("remove `where`"),
            );
        }
    }

    pub(super) fn power(
        &mut self,
        clause: usize,
        raw: &RawPower,
        declared: &Declared<'_>,
        names: &Names<'_>,
    ) -> Option<Power> {
        let holder = self.role(&raw.holder, declared);
        let against = self.role(&raw.against, declared);
        let action = self.word(&raw.action);
        let notice = match raw.notice.get_ref().trim() {
            "immediate" => Some(Notice::Immediate),
            "none" => Some(Notice::None),
            _ => self.period(&raw.notice, declared).map(|p| {
                if p.period.is_zero() {
                    Notice::Immediate
                } else {
                    Notice::Advance(p)
                }
            }),
        };
        let cure = match &raw.cure {
            Some(text) => self.period(text, declared).map(Some),
            None => Some(None),
        };
        if raw.cure.is_some() && matches!(notice, Some(Notice::None)) {
            self.error(
                Problem::error(
                    "a cure period runs from notice, but this power needs none",
                    raw.cure.as_ref().map(|c| c.span()),
                )
                .with_help("set `notice = \"immediate\"`, or remove `cure`"),
            );
        }
        let condition = match &raw.when {
            Some(text) => self.condition(text, Scope::Power, names),
            None => Some(Condition::new("true", condition::Cond::Const(true))),
        };
        let after = match &raw.after {
            Some(word) => self.word(word).map(Some),
            None => Some(None),
        };
        let lasting = match &raw.lasting {
            Some(text) => self.lasting(text, action, declared),
            None => Some(None),
        };
        Some(Power {
            clause,
            holder: holder?,
            action: action?,
            against: against?,
            condition: condition?,
            notice: notice?,
            cure: cure?,
            after: after?,
            lasting: lasting?,
        })
    }

    /// The longest a restriction may last (`for`): a period, on a power that restricts or
    /// suspends an account.
    fn lasting(
        &mut self,
        text: &toml::Spanned<String>,
        action: Option<Action>,
        declared: &Declared<'_>,
    ) -> Option<Option<PeriodRef>> {
        if let Some(action) = action
            && !action.may_last()
        {
            self.error(
                Problem::error(
                    format!("`for` gives how long a restriction may last, but this power's action is `{action}`"),
                    Some(text.span()),
                )
                .with_help("`for` belongs on a power whose action is `restrict`, `suspend_account` or `suspend`"),
            );
            return None;
        }
        let period = self.period(text, declared)?;
        if period.period.is_zero() {
            self.error(Problem::error(
                "a restriction of no time at all restricts nothing",
                Some(text.span()),
            ));
            return None;
        }
        Some(Some(period))
    }

    /// `available("X")` references must not loop back to the power that makes them.
    pub(super) fn check_power_cycles(
        &mut self,
        raw: &RawPolicy,
        powers: &[Power],
        clauses: &[Clause],
    ) {
        let edges: Vec<Vec<usize>> = powers
            .iter()
            .map(|p| {
                let mut refs = Vec::new();
                p.condition.cond.visit(&mut |c| {
                    if let condition::Cond::Available(i) = c {
                        refs.push(*i);
                    }
                });
                refs
            })
            .collect();
        // Colours: 0 unvisited, 1 on the path, 2 done.
        let mut colour = vec![0u8; powers.len()];
        for start in 0..powers.len() {
            let mut path: Vec<(usize, usize)> = vec![(start, 0)];
            if colour.get(start) != Some(&0) {
                continue;
            }
            if let Some(c) = colour.get_mut(start) {
                *c = 1;
            }
            while let Some((node, next)) = path.last().copied() {
                let Some(targets) = edges.get(node) else {
                    break;
                };
                if let Some(&target) = targets.get(next) {
                    if let Some(last) = path.last_mut() {
                        last.1 += 1;
                    }
                    match colour.get(target) {
                        Some(0) => {
                            if let Some(c) = colour.get_mut(target) {
                                *c = 1;
                            }
                            path.push((target, 0));
                        }
                        Some(1) => {
                            let cycle: Vec<usize> = path
                                .iter()
                                .map(|(n, _)| *n)
                                .skip_while(|n| *n != target)
                                .collect();
                            self.power_cycle(raw, powers, clauses, &cycle, node);
                            return;
                        }
                        _ => {}
                    }
                } else {
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    path.pop();
                }
            }
        }
    }

    /// The error of powers `cycle` (indices), found at power `node`: on its condition.
    fn power_cycle(
        &mut self,
        raw: &RawPolicy,
        powers: &[Power],
        clauses: &[Clause],
        cycle: &[usize],
        node: usize,
    ) {
        let ids: Vec<String> = cycle
            .iter()
            .filter_map(|n| powers.get(*n))
            .filter_map(|p| clauses.get(p.clause))
            .map(|c| format!("`{}`", c.id))
            .collect();
        if let Some(p) = powers.get(node) {
            self.set_origin(p.clause);
        }
        let span = powers
            .get(node)
            .and_then(|p| raw.clause.get(p.clause))
            .and_then(|c| c.get_ref().power.as_ref())
            .and_then(|p| p.when.as_ref())
            .map(|w| w.span());
        self.error(
            Problem::error(
                format!("powers refer to each other in a cycle: {}", ids.join(" → ")),
                span,
            )
            .with_help("a power may rest on another's availability, but not on its own")
            .with_code("power-cycle"),
        );
    }
}

/// What `within` says of a duty that sets no deadline.
pub const NO_TIME_LIMIT: &str = "no time limit";
