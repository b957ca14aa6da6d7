//! Checking a scenario file as read: every name, instant and mark, with every problem
//! collected and located, into a [`Scenario`] (without its posts, which the CSV reader adds).

use std::ops::Range;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::{Mark, Problem, Word};
use toml::Spanned;

use super::contents::{EVERY_ACCOUNT, Places, PolicyRef, Provenance, Scenario};
use super::files::resolve_path;
use super::raw::{RawEvent, RawParties, RawParty, RawPolicyRef, RawPosts, RawScenario, RawTime};
use crate::timeline::{
    ActionEvent, DeliveryEvent, DeterminationEvent, EventKind, FactEvent, NoticeEvent, Party,
    parse_instant,
};

/// Most events (notices and actions) a scenario may hold.
pub const MAX_EVENTS: usize = 10_000;

mod events;

pub(super) struct Checker {
    pub(super) problems: Vec<Problem>,
    /// The post ids notices name, with where: checked once the posts file is read.
    pub(super) named_posts: Vec<(Vec<String>, Range<usize>)>,
}

/// The problems of the post ids notices name that the posts file does not hold.
pub(super) fn named_posts(
    scenario: &Scenario,
    named: &[(Vec<String>, Range<usize>)],
) -> Vec<Problem> {
    if named.is_empty() {
        return Vec::new();
    }
    let known: std::collections::HashSet<&str> =
        scenario.posts.iter().map(|p| p.id.as_str()).collect();
    let mut problems = Vec::new();
    for (ids, span) in named {
        for id in ids.iter().filter(|id| !known.contains(id.as_str())) {
            problems.push(
                Problem::error(
                    format!("the notice names post `{id}`, which the posts file does not hold"),
                    Some(span.clone()),
                )
                .suggesting(id, scenario.posts.iter().map(|p| p.id.as_str()))
                .with_label("post ids of the posts file"),
            );
        }
    }
    problems
}

/// The posts file a scenario names, resolved, and where it names it.
pub(super) type PostsToRead = Option<(String, Range<usize>)>;

/// A scenario's events, by kind; notices, deliveries and facts in time order, actions in the
/// file's.
#[derive(Default)]
struct Timeline {
    notices: Vec<NoticeEvent>,
    actions: Vec<ActionEvent>,
    /// Where each notice's and each action's `at` is written, in their order.
    places: Places,
    deliveries: Vec<DeliveryEvent>,
    facts: Vec<FactEvent>,
    determinations: Vec<DeterminationEvent>,
}

/// What the `[posts]` table says besides the file: who reported them, to whom, how known.
struct PostsHeader {
    reported_by: Option<usize>,
    reported_to: Option<usize>,
    mark: Mark,
    file: PostsToRead,
}

/// What every event has: its instant, mark, summary and what of it is reconstructed.
struct Common {
    at: Timestamp,
    mark: Mark,
    summary: String,
    reconstructed: Option<String>,
}

impl Checker {
    fn error(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// The scenario, with every problem of the file collected; `None` when the zone or the
    /// timeline cannot be read at all.
    pub(super) fn scenario(
        &mut self,
        name: &str,
        raw: RawScenario,
    ) -> Option<(Scenario, PostsToRead)> {
        let zone_name = raw.scenario.zone.get_ref().clone();
        let zone = self.zone(&raw.scenario.zone);
        let parties = self.parties(&raw.parties);
        let (roles, every_account) = match &raw.roles {
            Some(table) => self.bindings(table, &parties),
            None => (Vec::new(), Vec::new()),
        };
        let policies = self.policies(name, &raw.policy, &parties);
        let zone = zone?;
        let timeline = self.timeline(&raw.event, &zone, &parties)?;
        let posts = self.posts_header(name, raw.posts.as_ref(), !raw.post.is_empty(), &parties);
        let inline = self.inline_posts(&raw.post, &zone, &parties);
        // The model's removals are cut off at the first notice from the reporting party.
        let model_notice = timeline
            .notices
            .iter()
            .find(|n| {
                posts.reported_by.is_none_or(|b| n.from == b)
                    && posts.reported_to.is_none_or(|t| n.to == t)
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
            invented: raw.provenance.invented,
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
                every_account,
                policies,
                calendars: raw
                    .calendars
                    .iter()
                    .map(|c| (resolve_path(name, c.get_ref()), c.span()))
                    .collect(),
                posts: inline.posts,
                labels: inline.labels,
                posts_file: None,
                posts_mark: posts.mark,
                reported_by: posts.reported_by,
                reported_to: posts.reported_to,
                notices: timeline.notices,
                actions: timeline.actions,
                deliveries: timeline.deliveries,
                facts: timeline.facts,
                determinations: timeline.determinations,
                provenance,
                model,
                places: timeline.places,
            },
            posts.file,
        ))
    }

    fn zone(&mut self, zone: &Spanned<String>) -> Option<TimeZone> {
        match modsim_policy::zone::find_zone(zone.get_ref()) {
            Ok(found) => Some(found),
            Err(unknown) => {
                self.error(
                    Problem::error(unknown.to_string(), Some(zone.span()))
                        .with_help(unknown.help()),
                );
                None
            }
        }
    }

    fn parties(&mut self, table: &Spanned<RawParties>) -> Vec<Party> {
        let mut parties = Vec::new();
        for (id, value) in &table.get_ref().0 {
            let id = id.as_str();
            let party = self.party_entry(id, value).unwrap_or_else(|| {
                self.error(
                    Problem::error(format!("party `{id}` must be a name"), Some(table.span()))
                        .with_help(format!(
                            "write `{id} = \"Full Name\"`, `{id} = {{ name = \"Full Name\" }}`, for a user account `{id} = {{ name = \"Full Name\", account = \"handle\" }}`, and `zone = \"Europe/Paris\"` in the table for a party that sits in another zone than the scenario"
                        )),
                );
                Party {
                    id: id.to_owned(),
                    name: id.to_owned(),
                    account: None,
                    zone: None,
                }
            });
            parties.push(party);
        }
        if parties.is_empty() {
            self.error(
                Problem::error("the scenario names no party", Some(table.span())).with_help(
                    "add `[parties]` entries such as `aws = \"Amazon Web Services, Inc.\"`",
                ),
            );
        }
        parties
    }

    /// A party written `id = "Full Name"` or `id = { name = "Full Name", account = "handle",
    /// zone = "Europe/Paris" }`; a zone nobody knows is an error of its own, where it is written.
    fn party_entry(&mut self, id: &str, value: &RawParty) -> Option<Party> {
        let (name, account, zone) = match value {
            RawParty::Name(s) => (s.clone(), None, None),
            RawParty::Table {
                name,
                account,
                zone,
                unknown: false,
            } => {
                let name = name.as_ref()?.as_str()?.to_owned();
                let account = match account {
                    None => None,
                    Some(a) => Some(a.as_str()?.to_owned()),
                };
                let zone = match zone {
                    None => None,
                    Some(z) => match modsim_policy::zone::find_zone(z.get_ref()) {
                        Ok(found) => Some(found),
                        Err(unknown) => {
                            self.error(
                                Problem::error(unknown.to_string(), Some(z.span()))
                                    .with_help(unknown.help()),
                            );
                            None
                        }
                    },
                };
                (name, account, zone)
            }
            _ => return None,
        };
        Some(Party {
            id: id.to_owned(),
            name,
            account,
            zone,
        })
    }

    fn policies(
        &mut self,
        name: &str,
        policies: &[RawPolicyRef],
        parties: &[Party],
    ) -> Vec<PolicyRef> {
        policies
            .iter()
            .map(|p| {
                let (roles, every_account) = p
                    .roles
                    .as_ref()
                    .map(|t| self.bindings(t, parties))
                    .unwrap_or_default();
                PolicyRef {
                    file: resolve_path(name, p.file.get_ref()),
                    roles,
                    every_account,
                }
            })
            .collect()
    }

    /// The `[posts]` table: a posts file, or (with `inline`, when the scenario has `[[post]]`
    /// tables) none; not both.
    fn posts_header(
        &mut self,
        name: &str,
        posts: Option<&RawPosts>,
        inline: bool,
        parties: &[Party],
    ) -> PostsHeader {
        match posts {
            Some(p) => {
                match (&p.file, inline) {
                    (Some(file), true) => self.error(
                        Problem::error(
                            "the posts come from a file and from `[[post]]` tables",
                            Some(file.span()),
                        )
                        .with_help("put every post in the file, or write them all as `[[post]]` tables and take out `file`"),
                    ),
                    (None, false) => self.error(
                        Problem::error("`[posts]` names no file, and no `[[post]]` table follows", Some(p.mark.span()))
                            .with_help("add `file = \"posts.csv\"`, or write the posts as `[[post]]` tables"),
                    ),
                    _ => {}
                }
                PostsHeader {
                    reported_by: p.reported_by.as_ref().and_then(|r| self.party(r, parties)),
                    reported_to: p.reported_to.as_ref().and_then(|r| self.party(r, parties)),
                    mark: self.mark(&p.mark).unwrap_or(Mark::Inferred),
                    file: p
                        .file
                        .as_ref()
                        .filter(|_| !inline)
                        .map(|f| (resolve_path(name, f.get_ref()), f.span())),
                }
            }
            None => PostsHeader {
                reported_by: None,
                reported_to: None,
                mark: Mark::Record,
                file: None,
            },
        }
    }

    /// Role bindings: role → party, and the roles bound to every account.
    fn bindings(
        &mut self,
        table: &Spanned<toml::Table>,
        parties: &[Party],
    ) -> (Vec<(String, usize)>, Vec<String>) {
        let mut out = Vec::new();
        let mut every = Vec::new();
        for (role, value) in table.get_ref() {
            let toml::Value::String(party) = value else {
                self.error(Problem::error(
                    format!("role `{role}` must name a party"),
                    Some(table.span()),
                ));
                continue;
            };
            if party == EVERY_ACCOUNT {
                if !parties.iter().any(|p| p.account.is_some()) {
                    self.error(
                        Problem::error(
                            format!("role `{role}` stands for every account, but no party is an account"),
                            Some(table.span()),
                        )
                        .with_help("give each user account its handle: `alice = { name = \"Alice\", account = \"alice\" }`"),
                    );
                }
                every.push(role.clone());
                continue;
            }
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
        (out, every)
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

    pub(super) fn party(&mut self, name: &Spanned<String>, parties: &[Party]) -> Option<usize> {
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

    /// The party an event's `field` names, which an event of its kind needs.
    fn party_field(
        &mut self,
        value: &Option<Spanned<String>>,
        field: &str,
        event: &RawEvent,
        kind: EventKind,
        parties: &[Party],
    ) -> Option<usize> {
        match value {
            Some(v) => self.party(v, parties),
            None => {
                self.error(Problem::error(
                    format!("a `{}` event needs `{field}`", kind.name()),
                    Some(event.kind.span()),
                ));
                None
            }
        }
    }

    fn mark(&mut self, mark: &Spanned<Word<Mark>>) -> Option<Mark> {
        Word::check(mark).map_err(|p| self.error(p)).ok()
    }

    pub(super) fn instant(&mut self, at: &Spanned<RawTime>, zone: &TimeZone) -> Option<Timestamp> {
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
