//! Checking a scenario file as read: every name, instant and mark, with every problem
//! collected and located, into a [`Scenario`] (without its posts, which the CSV reader adds).

use std::ops::Range;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::{ACTIONS, Mark, Problem};
use toml::Spanned;

use super::contents::{PolicyRef, Provenance, Scenario};
use super::files::resolve_path;
use super::raw::{RawScenario, RawTime};
use crate::timeline::{ActionEvent, DeliveryEvent, FactEvent, NoticeEvent, Party, parse_instant};

/// Most events (notices and actions) a scenario may hold.
pub const MAX_EVENTS: usize = 10_000;

pub(super) struct Checker {
    pub(super) problems: Vec<Problem>,
}

pub(super) type PostsToRead = Option<(String, Range<usize>)>;

impl Checker {
    fn error(&mut self, p: Problem) {
        self.problems.push(p);
    }

    pub(super) fn scenario(
        &mut self,
        name: &str,
        raw: RawScenario,
    ) -> Option<(Scenario, PostsToRead)> {
        let zone_name = raw.scenario.zone.get_ref().clone();
        let zone = match TimeZone::get(&zone_name) {
            Ok(zone) => Some(zone),
            Err(_) => {
                self.error(
                    Problem::error(
                        format!("unknown time zone `{zone_name}`"),
                        Some(raw.scenario.zone.span()),
                    )
                    .with_help("use an IANA name such as `America/Los_Angeles` or `UTC`"),
                );
                None
            }
        };
        let mut parties = Vec::new();
        for (id, value) in raw.parties.get_ref() {
            let mut account = None;
            let name = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Table(t)
                    if matches!(t.get("name"), Some(toml::Value::String(_)))
                        && t.keys().all(|k| k == "name" || k == "account")
                        && t.get("account").is_none_or(toml::Value::is_str) =>
                {
                    account = t
                        .get("account")
                        .and_then(toml::Value::as_str)
                        .map(str::to_owned);
                    t.get("name")
                        .and_then(toml::Value::as_str)
                        .unwrap_or(id)
                        .to_owned()
                }
                _ => {
                    self.error(
                        Problem::error(
                            format!("party `{id}` must be a name"),
                            Some(raw.parties.span()),
                        )
                        .with_help(format!(
                            "write `{id} = \"Full Name\"`, `{id} = {{ name = \"Full Name\" }}`, or for a user account `{id} = {{ name = \"Full Name\", account = \"handle\" }}`"
                        )),
                    );
                    id.clone()
                }
            };
            parties.push(Party {
                id: id.clone(),
                name,
                account,
            });
        }
        if parties.is_empty() {
            self.error(
                Problem::error("the scenario names no party", Some(raw.parties.span())).with_help(
                    "add `[parties]` entries such as `aws = \"Amazon Web Services, Inc.\"`",
                ),
            );
        }
        let roles = match &raw.roles {
            Some(table) => self.bindings(table, &parties),
            None => Vec::new(),
        };
        let policies = raw
            .policy
            .iter()
            .map(|p| PolicyRef {
                file: resolve_path(name, p.file.get_ref()),
                roles: p
                    .roles
                    .as_ref()
                    .map(|t| self.bindings(t, &parties))
                    .unwrap_or_default(),
            })
            .collect();
        let zone = zone?;

        let mut notices = Vec::new();
        let mut actions = Vec::new();
        if raw.event.len() > MAX_EVENTS {
            self.error(
                Problem::error(
                    format!(
                        "the scenario has {} events, over the limit of {MAX_EVENTS}",
                        raw.event.len()
                    ),
                    raw.event.get(MAX_EVENTS).map(|e| e.kind.span()),
                )
                .with_help("split the timeline into several scenarios (the limit is `MAX_EVENTS` in crates/sim/src/scenario/check.rs)"),
            );
            return None;
        }
        let mut deliveries = Vec::new();
        let mut facts = Vec::new();
        for event in &raw.event {
            let at = self.instant(&event.at, &zone);
            let mark = self.mark(&event.mark);
            let present = [
                ("from", event.from.is_some()),
                ("to", event.to.is_some()),
                ("cites", !event.cites.is_empty()),
                ("actor", event.actor.is_some()),
                ("action", event.action.is_some()),
                ("against", event.against.is_some()),
                ("demands", event.demands.is_some()),
                ("deliverable", event.deliverable.is_some()),
                ("fact", event.fact.is_some()),
                ("value", event.value.is_some()),
            ];
            let own: &[&str] = match event.kind.get_ref().as_str() {
                "notice" => &["from", "to", "cites"],
                "action" => &["actor", "action", "against", "demands"],
                "delivery" => &["from", "to", "deliverable"],
                "fact" => &["fact", "value"],
                _ => &[
                    "from",
                    "to",
                    "cites",
                    "actor",
                    "action",
                    "against",
                    "demands",
                    "deliverable",
                    "fact",
                    "value",
                ],
            };
            let foreign: Vec<(&str, bool)> = present
                .into_iter()
                .filter(|(key, present)| *present && !own.contains(key))
                .collect();
            for (key, _) in foreign.iter().filter(|(_, present)| *present) {
                self.error(
                    Problem::error(
                        format!("`{key}` does not apply to a `{}` event", event.kind.get_ref()),
                        Some(event.kind.span()),
                    )
                    .with_help("a notice has `from`, `to` and `cites`; an action has `actor`, `action`, `against` and `demands`; a delivery has `from`, `to` and `deliverable`; a fact has `fact` and `value`"),
                );
            }
            match event.kind.get_ref().as_str() {
                "notice" => {
                    let from = self.party_field(&event.from, "from", &event.kind, &parties);
                    let to = self.party_field(&event.to, "to", &event.kind, &parties);
                    if let (Some(at), Some(from), Some(to), Some(mark)) = (at, from, to, mark) {
                        notices.push(NoticeEvent {
                            at,
                            from,
                            to,
                            cites: event.cites.clone(),
                            summary: event.summary.clone(),
                            mark,
                            reconstructed: event.reconstructed.clone(),
                        });
                    }
                }
                "action" => {
                    let actor = self.party_field(&event.actor, "actor", &event.kind, &parties);
                    let against =
                        self.party_field(&event.against, "against", &event.kind, &parties);
                    let action = match &event.action {
                        Some(a) if ACTIONS.contains(&a.get_ref().as_str()) => {
                            Some(a.get_ref().clone())
                        }
                        Some(a) => {
                            self.error(
                                Problem::error(
                                    format!("unknown action `{}`", a.get_ref()),
                                    Some(a.span()),
                                )
                                .suggesting(a.get_ref(), ACTIONS.iter().copied()),
                            );
                            None
                        }
                        None => {
                            self.error(Problem::error(
                                "an action needs `action`",
                                Some(event.kind.span()),
                            ));
                            None
                        }
                    };
                    let demands = event
                        .demands
                        .as_ref()
                        .and_then(|d| self.name(d, "deliverable"));
                    if let (Some(at), Some(actor), Some(action), Some(against), Some(mark)) =
                        (at, actor, action, against, mark)
                    {
                        actions.push(ActionEvent {
                            at,
                            actor,
                            action,
                            against,
                            demands,
                            summary: event.summary.clone(),
                            mark,
                            reconstructed: event.reconstructed.clone(),
                        });
                    }
                }
                "delivery" => {
                    let from = self.party_field(&event.from, "from", &event.kind, &parties);
                    let to = self.party_field(&event.to, "to", &event.kind, &parties);
                    let deliverable = match &event.deliverable {
                        Some(d) => self.name(d, "deliverable"),
                        None => {
                            self.error(Problem::error(
                                "a `delivery` event needs `deliverable`",
                                Some(event.kind.span()),
                            ));
                            None
                        }
                    };
                    if let (Some(at), Some(from), Some(to), Some(deliverable), Some(mark)) =
                        (at, from, to, deliverable, mark)
                    {
                        deliveries.push(DeliveryEvent {
                            at,
                            from,
                            to,
                            deliverable,
                            summary: event.summary.clone(),
                            mark,
                            reconstructed: event.reconstructed.clone(),
                        });
                    }
                }
                "fact" => {
                    let name = match &event.fact {
                        Some(f) => self.name(f, "fact"),
                        None => {
                            self.error(Problem::error(
                                "a `fact` event needs `fact`",
                                Some(event.kind.span()),
                            ));
                            None
                        }
                    };
                    if event.value.is_none() {
                        self.error(
                            Problem::error("a `fact` event needs `value`", Some(event.kind.span()))
                                .with_help("a whole number, as in `value = 26000`"),
                        );
                    }
                    if let (Some(at), Some(name), Some(value), Some(mark)) =
                        (at, name, event.value, mark)
                    {
                        facts.push(FactEvent {
                            at,
                            name,
                            value,
                            summary: event.summary.clone(),
                            mark,
                            reconstructed: event.reconstructed.clone(),
                        });
                    }
                }
                other => self.error(
                    Problem::error(
                        format!("unknown event kind `{other}`"),
                        Some(event.kind.span()),
                    )
                    .suggesting(other, ["notice", "action", "delivery", "fact"]),
                ),
            }
        }
        notices.sort_by_key(|n| n.at);
        deliveries.sort_by_key(|d| d.at);
        facts.sort_by_key(|f| f.at);

        let (reported_by, reported_to, posts_mark, posts) = match &raw.posts {
            Some(p) => (
                p.reported_by.as_ref().and_then(|r| self.party(r, &parties)),
                p.reported_to.as_ref().and_then(|r| self.party(r, &parties)),
                self.mark(&p.mark).unwrap_or(Mark::Inferred),
                Some((resolve_path(name, p.file.get_ref()), p.file.span())),
            ),
            None => (None, None, Mark::Record, None),
        };
        // The model's removals are cut off at the first notice from the reporting party.
        let model_notice = notices
            .iter()
            .find(|n| {
                reported_by.is_none_or(|b| n.from == b) && reported_to.is_none_or(|t| n.to == t)
            })
            .map(|n| n.at);
        let model = match &raw.model {
            Some(m) => m.check(&zone, model_notice, &mut self.problems),
            None => None,
        };
        let provenance = Provenance {
            record: raw.provenance.record,
            reported: raw.provenance.reported,
            inferred: raw.provenance.inferred,
            reconstructed: raw.provenance.reconstructed,
            generator: raw.provenance.generator,
        };
        Some((
            Scenario {
                id: raw.scenario.id,
                title: raw.scenario.title,
                about: raw.scenario.about,
                file: name.to_owned(),
                zone,
                zone_name,
                parties,
                roles,
                policies,
                posts: Vec::new(),
                labels: Vec::new(),
                posts_file: None,
                posts_mark,
                reported_by,
                reported_to,
                notices,
                actions,
                deliveries,
                facts,
                provenance,
                model,
            },
            posts,
        ))
    }

    fn bindings(
        &mut self,
        table: &Spanned<toml::Table>,
        parties: &[Party],
    ) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        for (role, value) in table.get_ref() {
            let toml::Value::String(party) = value else {
                self.error(Problem::error(
                    format!("role `{role}` must name a party"),
                    Some(table.span()),
                ));
                continue;
            };
            match parties.iter().position(|p| &p.id == party) {
                Some(i) => out.push((role.clone(), i)),
                None => self.error(
                    Problem::error(
                        format!("role `{role}` is bound to unknown party `{party}`"),
                        Some(table.span()),
                    )
                    .suggesting(party, parties.iter().map(|p| p.id.as_str())),
                ),
            }
        }
        out
    }

    /// A name a condition or a duty can refer to: a letter, then letters, digits and `_`.
    fn name(&mut self, name: &Spanned<String>, what: &str) -> Option<String> {
        let text = name.get_ref();
        let ok = text.starts_with(|c: char| c.is_ascii_alphabetic())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Some(text.clone())
        } else {
            self.error(
                Problem::error(
                    format!("`{text}` is not a valid {what} name"),
                    Some(name.span()),
                )
                .with_help("use letters, digits and `_`, starting with a letter"),
            );
            None
        }
    }

    fn party(&mut self, name: &Spanned<String>, parties: &[Party]) -> Option<usize> {
        let found = parties.iter().position(|p| &p.id == name.get_ref());
        if found.is_none() {
            self.error(
                Problem::error(
                    format!("unknown party `{}`", name.get_ref()),
                    Some(name.span()),
                )
                .suggesting(name.get_ref(), parties.iter().map(|p| p.id.as_str())),
            );
        }
        found
    }

    fn party_field(
        &mut self,
        value: &Option<Spanned<String>>,
        field: &str,
        kind: &Spanned<String>,
        parties: &[Party],
    ) -> Option<usize> {
        match value {
            Some(v) => self.party(v, parties),
            None => {
                self.error(Problem::error(
                    format!("a `{}` event needs `{field}`", kind.get_ref()),
                    Some(kind.span()),
                ));
                None
            }
        }
    }

    fn mark(&mut self, mark: &Spanned<String>) -> Option<Mark> {
        let found = Mark::by_name(mark.get_ref());
        if found.is_none() {
            self.error(
                Problem::error(
                    format!("unknown mark `{}`", mark.get_ref()),
                    Some(mark.span()),
                )
                .suggesting(mark.get_ref(), Mark::NAMES.iter().copied()),
            );
        }
        found
    }

    fn instant(&mut self, at: &Spanned<RawTime>, zone: &TimeZone) -> Option<Timestamp> {
        let text = match at.get_ref() {
            RawTime::Text(s) => s.clone(),
            RawTime::Toml(d) => d.to_string(),
        };
        match parse_instant(&text, zone) {
            Ok(t) => Some(t),
            Err((message, help)) => {
                self.error(Problem::error(message, Some(at.span())).with_help(help));
                None
            }
        }
    }
}
