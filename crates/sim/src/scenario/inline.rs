//! Posts written in the scenario file itself, as `[[post]]` tables: what a timeline of a few
//! posts needs (the one `modsim diff --format toml` writes), checked as a posts file's rows are
//! (times in the scenario's zone, no report or removal before publication, distinct ids, known
//! platforms), every problem located in the scenario file.

use jiff::tz::TimeZone;
use modsim_policy::{LabelSet, Problem};
use toml::Spanned;

use super::check::Checker;
use super::posts::{MAX_SCENARIO_LABELS, Posts};
use super::raw::{RawPost, RawTime};
use crate::timeline::{Party, Post, PostId};

impl Checker {
    /// The `[[post]]` tables, read.
    pub(super) fn inline_posts(
        &mut self,
        raw: &[RawPost],
        zone: &TimeZone,
        parties: &[Party],
    ) -> Posts {
        let mut read = Posts::default();
        for post in raw {
            if let Some(p) = self.inline_post(post, zone, parties, &mut read) {
                read.posts.push(p);
            }
        }
        read
    }

    fn inline_post(
        &mut self,
        raw: &RawPost,
        zone: &TimeZone,
        parties: &[Party],
        read: &mut Posts,
    ) -> Option<Post> {
        let id = PostId::from(raw.id.get_ref().as_str());
        if id.is_empty() {
            self.problems
                .push(Problem::error("a post has no id", Some(raw.id.span())));
        } else if read.posts.iter().any(|p| p.id == id) {
            self.problems.push(
                Problem::error(format!("post `{id}` appears twice"), Some(raw.id.span()))
                    .with_help("give each post its own id"),
            );
        }
        let published = self.instant(&raw.published, zone);
        let later = |at: &Option<Spanned<RawTime>>, what: &str, cx: &mut Checker| {
            let t = at.as_ref().and_then(|a| cx.instant(a, zone))?;
            if published.is_some_and(|p| t < p) {
                cx.problems.push(
                    Problem::error(
                        format!("post `{id}` is {what} before it is published"),
                        at.as_ref().map(Spanned::span),
                    )
                    .with_help("check the post's times and their offsets"),
                );
            }
            Some(t)
        };
        let reported = later(&raw.reported, "reported", self);
        let removed = later(&raw.removed, "removed", self);
        let platform = raw
            .platform
            .as_ref()
            .and_then(|p| self.party(p, parties))
            .and_then(|i| u32::try_from(i).ok());
        let labels = self.labels(&raw.labels, read);
        Some(Post {
            id,
            author: PostId::from(raw.author.as_deref().unwrap_or("")),
            published: published?,
            reported,
            removed,
            labels,
            severity: raw.severity,
            reach: raw.reach,
            description: raw.description.as_deref().unwrap_or("").into(),
            platform,
        })
    }

    /// A post's labels, numbered in the order the scenario's posts first carry them.
    fn labels(&mut self, names: &[Spanned<String>], known: &mut Posts) -> LabelSet {
        let mut set = LabelSet::EMPTY;
        for name in names {
            let label = name.get_ref().trim();
            if label.is_empty() {
                continue;
            }
            let index = match known.label_number(label) {
                Some((i, _)) => i,
                None => {
                    self.problems.push(Problem::error(
                        format!("more than {MAX_SCENARIO_LABELS} distinct labels"),
                        Some(name.span()),
                    ));
                    continue;
                }
            };
            set.insert(index);
        }
        set
    }
}
