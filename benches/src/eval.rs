//! The `eval` work: one content rule over one batch of posts, in five engines.
//!
//! Every engine answers the same question for every post of a [`Batch`] ("does the rule
//! match it?") and returns how many matched. The data each engine reads is converted into its
//! own form once, before any timing: modsim's [`PostView`]s, CEL values, Cedar entities and
//! requests, Rego inputs. What is timed is the evaluation alone.
//!
//! The rules are written once in CEL ([`Rule::cel`]); modsim compiles that very text, the
//! `cel` crate interprets it, and [`Rule::cedar`] and [`Rule::rego`] say the same thing in
//! Cedar and Rego. Time comparisons: modsim and CEL compare timestamps, Cedar compares
//! `datetime` values, Rego compares integer nanoseconds (OPA's own representation of time).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;
use modsim_policy::condition::{Env, Names, NoState, PostView, Scope, compile};
use modsim_policy::{Condition, LabelSet, LabelTable};

/// The labels of the batch, in the order of the policy's label table.
pub const LABELS: [&str; 4] = ["incitement", "threat", "hate", "spam"];

/// The instant of the compound rule's time comparison.
pub const AFTER: &str = "2020-12-15T00:00:00Z";

/// A rule, in every engine's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// One label: `"incitement" in post.labels`.
    OneLabel,
    /// Labelled incitement or threat, not yet removed, reported, published after [`AFTER`].
    Compound,
}

impl Rule {
    /// Both rules.
    pub const ALL: [Rule; 2] = [Rule::OneLabel, Rule::Compound];

    /// The benchmark's name for it: `eval/<name>/<engine>`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::OneLabel => "one_label",
            Rule::Compound => "compound",
        }
    }

    /// The rule in CEL, as modsim's policies write it and as the `cel` crate reads it.
    pub fn cel(self) -> String {
        match self {
            Rule::OneLabel => r#""incitement" in post.labels"#.into(),
            Rule::Compound => format!(
                r#"post.labels.exists(l, l in ["incitement", "threat"]) && !post.removed && post.reported && post.published > timestamp("{AFTER}")"#
            ),
        }
    }

    /// The rule as a Cedar policy: a post is the resource, its labels and flags attributes.
    pub fn cedar(self) -> String {
        let when = match self {
            Rule::OneLabel => r#"resource.labels.contains("incitement")"#.into(),
            Rule::Compound => format!(
                r#"resource.labels.containsAny(["incitement", "threat"]) && !resource.removed && resource.reported && resource.published > datetime("{AFTER}")"#
            ),
        };
        format!("permit(principal, action, resource) when {{ {when} }};")
    }

    /// The rule in Rego, as `data.modsim.flagged` over a post as the input.
    pub fn rego(self) -> String {
        let body = match self {
            Rule::OneLabel => r#"flagged if "incitement" in input.labels"#.into(),
            Rule::Compound => format!(
                "flagged if {{\n    some l in input.labels\n    l in {{\"incitement\", \"threat\"}}\n    not input.removed\n    input.reported\n    input.published_ns > {}\n}}",
                after().as_nanosecond()
            ),
        };
        format!("package modsim\nimport rego.v1\n\ndefault flagged := false\n\n{body}\n")
    }

    /// The rule as a hand-written Rust predicate over modsim's view of a post: the practical
    /// limit of any engine. A plain struct with an inlined method, not a boxed closure, so that
    /// the loop over the batch compiles to straight-line code.
    pub fn native(self, labels: &LabelTable) -> Native {
        let set = |names: &[&str]| {
            names
                .iter()
                .filter_map(|n| labels.index(n))
                .fold(LabelSet::EMPTY, |s, i| s.union(LabelSet::single(i)))
        };
        Native {
            rule: self,
            incitement: set(&["incitement"]),
            violent: set(&["incitement", "threat"]),
            after: after(),
        }
    }
}

/// A rule written by hand in Rust (see [`Rule::native`]).
#[derive(Clone, Debug)]
pub struct Native {
    rule: Rule,
    incitement: LabelSet,
    violent: LabelSet,
    after: Timestamp,
}

impl Native {
    /// True when the post matches the rule.
    #[inline]
    pub fn matches(&self, v: &PostView<'_>) -> bool {
        match self.rule {
            Rule::OneLabel => v.labels.intersects(&self.incitement),
            Rule::Compound => {
                v.labels.intersects(&self.violent)
                    && !v.removed
                    && v.reported
                    && v.published > self.after
            }
        }
    }
}

/// [`AFTER`] as an instant.
pub fn after() -> Timestamp {
    Timestamp::from_str(AFTER).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// One post of the batch, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    /// Its id.
    pub id: String,
    /// Indices into [`LABELS`].
    pub labels: Vec<usize>,
    /// When it was published.
    pub published: Timestamp,
    /// Reported by now.
    pub reported: bool,
    /// Removed by now.
    pub removed: bool,
}

/// A batch of posts, built deterministically.
#[derive(Clone, Debug)]
pub struct Batch {
    /// The posts.
    pub posts: Vec<Post>,
}

impl Batch {
    /// `n` posts published one every 97 minutes from 2020-11-01, with labels and flags drawn
    /// from a fixed-seed generator: about a third labelled incitement, half reported, a
    /// quarter removed.
    pub fn new(n: usize) -> Batch {
        let start = Timestamp::from_str("2020-11-01T00:00:00Z").unwrap_or(Timestamp::UNIX_EPOCH);
        let mut rng = SplitMix64(0x6d6f_6473_696d);
        let posts = (0..n)
            .map(|i| {
                let bits = rng.next();
                let labels = (0..LABELS.len())
                    .filter(|l| (bits >> (l * 8)).is_multiple_of(3))
                    .collect();
                Post {
                    id: format!("p{i:05}"),
                    labels,
                    published: start
                        .checked_add(jiff::SignedDuration::from_mins(97 * i as i64))
                        .unwrap_or(start),
                    reported: (bits >> 40).is_multiple_of(2),
                    removed: (bits >> 48).is_multiple_of(4),
                }
            })
            .collect();
        Batch { posts }
    }
}

/// A fixed-seed generator (SplitMix64), so the batch is the same on every machine.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next number.
    #[allow(
        clippy::should_implement_trait,
        reason = "not an iterator: it never ends"
    )]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The engines compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// modsim's compiled condition, fused as the engine evaluates it ([`Condition::eval`]).
    Modsim,
    /// A hand-written Rust closure.
    Native,
    /// The `cel` crate's interpreter.
    Cel,
    /// `cedar-policy`'s `is_authorized`.
    Cedar,
    /// `regorus`.
    Regorus,
}

impl Engine {
    /// Every engine, in the order of the table.
    pub const ALL: [Engine; 5] = [
        Engine::Modsim,
        Engine::Native,
        Engine::Cel,
        Engine::Cedar,
        Engine::Regorus,
    ];

    /// Its name in benchmark ids and reports.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Modsim => "modsim",
            Engine::Native => "native",
            Engine::Cel => "cel",
            Engine::Cedar => "cedar",
            Engine::Regorus => "regorus",
        }
    }
}

/// A rule made ready in one engine over one batch: call [`Prepared::count`] to evaluate it
/// on every post.
pub struct Prepared<'b> {
    inner: Inner<'b>,
}

enum Inner<'b> {
    Modsim {
        cond: Box<Condition>,
        views: Vec<PostView<'b>>,
        now: Timestamp,
    },
    Native {
        rule: Native,
        views: Vec<PostView<'b>>,
    },
    Cel(Box<CelRun>),
    Cedar(Box<CedarRun>),
    Regorus(Box<RegoRun>),
}

/// Why a rule could not be made ready.
#[derive(Debug)]
pub struct SetupError(pub String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupError {}

fn fail(what: &str, e: impl std::fmt::Display) -> SetupError {
    SetupError(format!("{what}: {e}"))
}

impl<'b> Prepared<'b> {
    /// Compiles `rule` for `engine` and converts `batch` into what that engine reads.
    pub fn new(engine: Engine, rule: Rule, batch: &'b Batch) -> Result<Prepared<'b>, SetupError> {
        let table = label_table();
        let inner = match engine {
            Engine::Modsim => {
                let names = Names {
                    labels: &table,
                    params: &[],
                    assumptions: &[],
                    clauses: &[],
                    duties: &[],
                    powers: &[],
                    facts: &[],
                    periods: &[],
                };
                let text = rule.cel();
                let cond = compile(&text, Scope::Prohibition, &names)
                    .map_err(|e| fail("modsim", e.message))?;
                Inner::Modsim {
                    // Compiled and fused as the loader does, outside the timing.
                    cond: Box::new(Condition::new(text, cond)),
                    views: views(batch, &table),
                    now: after(),
                }
            }
            Engine::Native => Inner::Native {
                rule: rule.native(&table),
                views: views(batch, &table),
            },
            Engine::Cel => Inner::Cel(Box::new(CelRun::new(rule, batch)?)),
            Engine::Cedar => Inner::Cedar(Box::new(CedarRun::new(rule, batch)?)),
            Engine::Regorus => Inner::Regorus(Box::new(RegoRun::new(rule, batch)?)),
        };
        Ok(Prepared { inner })
    }

    /// How many posts of the batch the rule matches: one evaluation per post.
    pub fn count(&mut self) -> Result<usize, SetupError> {
        match &mut self.inner {
            Inner::Modsim { cond, views, now } => {
                let facts = NoState::default();
                Ok(views
                    .iter()
                    .filter(|v| {
                        cond.eval(&Env {
                            now: *now,
                            post: Some(v),
                            facts: &facts,
                        })
                    })
                    .count())
            }
            Inner::Native { rule, views } => Ok(views.iter().filter(|v| rule.matches(v)).count()),
            Inner::Cel(run) => run.count(),
            Inner::Cedar(run) => Ok(run.count()),
            Inner::Regorus(run) => run.count(),
        }
    }
}

/// The label table of the batch, as a policy declaring [`LABELS`] would have it.
pub fn label_table() -> LabelTable {
    let mut table = LabelTable::default();
    for l in LABELS {
        table.push(l, l);
    }
    table
}

fn views<'b>(batch: &'b Batch, table: &LabelTable) -> Vec<PostView<'b>> {
    batch
        .posts
        .iter()
        .map(|p| PostView {
            id: &p.id,
            author: "",
            labels: p
                .labels
                .iter()
                .filter_map(|&l| LABELS.get(l).and_then(|n| table.index(n)))
                .fold(LabelSet::EMPTY, |s, i| s.union(LabelSet::single(i))),
            severity: 0,
            reach: 0,
            published: p.published,
            reported: p.reported,
            removed: p.removed,
            prohibited: false,
        })
        .collect()
}

fn label_names(post: &Post) -> impl Iterator<Item = &'static str> + '_ {
    post.labels.iter().filter_map(|&l| LABELS.get(l).copied())
}

// ---------------------------------------------------------------------------------------
// CEL: the program compiled once; each post converted once into a CEL map; a resolver hands
// the current post to the program by reference, so an evaluation copies no post.

struct CelRun {
    program: cel::Program,
    posts: Arc<Vec<Box<dyn cel::common::value::Val>>>,
    current: Arc<CurrentPost>,
    context: cel::Context<'static, 'static>,
}

struct CurrentPost {
    posts: Arc<Vec<Box<dyn cel::common::value::Val>>>,
    index: AtomicUsize,
}

impl cel::context::VariableResolver for CurrentPost {
    fn resolve<'b>(&'b self, variable: &str) -> Option<cel::common::value::CowVal<'b, 'b>> {
        if variable != "post" {
            return None;
        }
        let post = self.posts.get(self.index.load(Ordering::Relaxed))?;
        Some(cel::common::value::CowVal::Borrowed(post.as_ref()))
    }
}

impl CelRun {
    fn new(rule: Rule, batch: &Batch) -> Result<CelRun, SetupError> {
        use cel::Value;
        use cel::objects::{Key, Map};
        let program = cel::Program::compile(&rule.cel()).map_err(|e| fail("cel", e))?;
        let posts = batch
            .posts
            .iter()
            .map(|p| {
                let key = |k: &str| Key::String(Arc::new(k.to_owned()));
                let labels: Vec<Value> = label_names(p)
                    .map(|l| Value::String(Arc::new(l.to_owned())))
                    .collect();
                let published = chrono::DateTime::from_timestamp(p.published.as_second(), 0)
                    .unwrap_or_default()
                    .fixed_offset();
                let map: HashMap<Key, Value> = [
                    (key("id"), Value::String(Arc::new(p.id.clone()))),
                    (key("labels"), Value::List(Arc::new(labels))),
                    (key("published"), Value::Timestamp(published)),
                    (key("reported"), Value::Bool(p.reported)),
                    (key("removed"), Value::Bool(p.removed)),
                ]
                .into_iter()
                .collect();
                Box::<dyn cel::common::value::Val>::try_from(Value::Map(Map { map: Arc::new(map) }))
                    .map_err(|e| fail("cel value", e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let posts = Arc::new(posts);
        let current = Arc::new(CurrentPost {
            posts: posts.clone(),
            index: AtomicUsize::new(0),
        });
        let context = cel::Context::default();
        Ok(CelRun {
            program,
            posts,
            current,
            context,
        })
    }

    fn count(&mut self) -> Result<usize, SetupError> {
        let mut context = self.context.new_inner_scope();
        context.set_variable_resolver(self.current.as_ref());
        let mut n = 0;
        for i in 0..self.posts.len() {
            self.current.index.store(i, Ordering::Relaxed);
            match self.program.execute(&context) {
                Ok(cel::Value::Bool(true)) => n += 1,
                Ok(cel::Value::Bool(false)) => {}
                Ok(other) => return Err(fail("cel", format!("not a boolean: {other:?}"))),
                Err(e) => return Err(fail("cel", e)),
            }
        }
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------
// Cedar: the policy parsed once; every post an entity of one entity store; one request per
// post built once; `is_authorized` per post.

struct CedarRun {
    authorizer: cedar_policy::Authorizer,
    policies: cedar_policy::PolicySet,
    entities: cedar_policy::Entities,
    requests: Vec<cedar_policy::Request>,
}

impl CedarRun {
    fn new(rule: Rule, batch: &Batch) -> Result<CedarRun, SetupError> {
        use cedar_policy::{Context, Entities, EntityUid, PolicySet, Request};
        let policies = PolicySet::from_str(&rule.cedar()).map_err(|e| fail("cedar policy", e))?;
        let json: Vec<serde_json::Value> = batch
            .posts
            .iter()
            .map(|p| {
                serde_json::json!({
                    "uid": { "type": "Post", "id": p.id },
                    "attrs": {
                        "labels": label_names(p).collect::<Vec<_>>(),
                        "published": { "__extn": { "fn": "datetime", "arg": p.published.to_string() } },
                        "reported": p.reported,
                        "removed": p.removed,
                    },
                    "parents": [],
                })
            })
            .collect();
        let entities = Entities::from_json_value(serde_json::Value::Array(json), None)
            .map_err(|e| fail("cedar entities", e))?;
        let uid = |t: &str, id: &str| {
            EntityUid::from_str(&format!("{t}::{}", serde_json::Value::from(id)))
                .map_err(|e| fail("cedar uid", e))
        };
        let principal = uid("Moderator", "trust-and-safety")?;
        let action = uid("Action", "flag")?;
        let requests = batch
            .posts
            .iter()
            .map(|p| {
                Request::new(
                    principal.clone(),
                    action.clone(),
                    uid("Post", &p.id)?,
                    Context::empty(),
                    None,
                )
                .map_err(|e| fail("cedar request", e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CedarRun {
            authorizer: cedar_policy::Authorizer::new(),
            policies,
            entities,
            requests,
        })
    }

    fn count(&self) -> usize {
        self.requests
            .iter()
            .filter(|r| {
                self.authorizer
                    .is_authorized(r, &self.policies, &self.entities)
                    .decision()
                    == cedar_policy::Decision::Allow
            })
            .count()
    }
}

// ---------------------------------------------------------------------------------------
// Rego: the policy added once; every post converted once into a Rego value; per post, the
// input set and the rule evaluated.

struct RegoRun {
    engine: regorus::Engine,
    inputs: Vec<regorus::Value>,
}

impl RegoRun {
    fn new(rule: Rule, batch: &Batch) -> Result<RegoRun, SetupError> {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("modsim.rego".into(), rule.rego())
            .map_err(|e| fail("rego policy", e))?;
        let inputs = batch
            .posts
            .iter()
            .map(|p| {
                let json = serde_json::json!({
                    "id": p.id,
                    "labels": label_names(p).collect::<Vec<_>>(),
                    "published_ns": i64::try_from(p.published.as_nanosecond()).unwrap_or(0),
                    "reported": p.reported,
                    "removed": p.removed,
                });
                regorus::Value::from_json_str(&json.to_string()).map_err(|e| fail("rego input", e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RegoRun { engine, inputs })
    }

    fn count(&mut self) -> Result<usize, SetupError> {
        let mut n = 0;
        for input in &self.inputs {
            self.engine.set_input(input.clone());
            match self.engine.eval_rule("data.modsim.flagged".into()) {
                Ok(regorus::Value::Bool(true)) => n += 1,
                Ok(regorus::Value::Bool(false)) => {}
                Ok(other) => return Err(fail("rego", format!("not a boolean: {other}"))),
                Err(e) => return Err(fail("rego", e)),
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every engine finds the same posts, so the benchmarks compare the same work.
    #[test]
    fn engines_agree() {
        let batch = Batch::new(1000);
        for rule in Rule::ALL {
            let want = Prepared::new(Engine::Native, rule, &batch)
                .and_then(|mut p| p.count())
                .map_err(|e| e.to_string());
            let want = want.unwrap_or_default();
            assert!(want > 0 && want < batch.posts.len(), "{rule:?}: {want}");
            for engine in Engine::ALL {
                let got = Prepared::new(engine, rule, &batch)
                    .and_then(|mut p| p.count())
                    .map_err(|e| e.to_string());
                assert_eq!(got, Ok(want), "{rule:?} in {engine:?}");
            }
        }
    }
}
