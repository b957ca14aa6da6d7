//! A scenario as a file `modsim run` reads: the shrunk timeline of a diff written out, its
//! posts as `[[post]]` tables, so that one file holds all of it.
//!
//! Instants are written in RFC 3339 with the zone's offset (`2021-01-14T00:00:00-08:00`): a
//! wall-clock time alone would be ambiguous in a daylight-saving fold, and the replay of the
//! file must see the very instants the search judged. Strings are written as TOML basic
//! strings (JSON's escapes are a subset of TOML's).

use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::Mark;

use crate::scenario::{ActionEvent, EVERY_ACCOUNT, NoticeEvent, Post, Scenario};

/// `s` as a TOML basic string.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

/// `s` as a TOML key: bare when it can be.
fn key(s: &str) -> String {
    let bare = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { s.to_owned() } else { quoted(s) }
}

/// An instant, exactly, with the zone's offset.
fn instant(at: Timestamp, zone: &TimeZone) -> String {
    quoted(&at.display_with_offset(zone.to_offset(at)).to_string())
}

fn mark(m: Mark) -> &'static str {
    match m {
        Mark::Record => "\"record\"",
        Mark::Reported => "\"reported\"",
        Mark::Inferred => "\"inferred\"",
        Mark::Reconstructed => "\"reconstructed\"",
        Mark::Invented => "\"invented\"",
    }
}

/// The scenario as a file: `header` as comment lines first, then a `[[policy]]` entry naming
/// `policy` (a path from the file's folder), when given.
pub fn write(s: &Scenario, header: &[String], policy: Option<&str>) -> String {
    let mut out = String::new();
    for line in header {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "\n[scenario]");
    let _ = writeln!(out, "id = {}", quoted(&s.id));
    let _ = writeln!(out, "title = {}", quoted(&s.title));
    let _ = writeln!(out, "zone = {}", quoted(&s.zone_name));
    if let Some(about) = &s.about {
        let _ = writeln!(out, "about = {}", quoted(about));
    }
    let _ = writeln!(out, "\n[parties]");
    for p in &s.parties {
        // A party's account and zone, when it has them, beside its name in an inline table.
        let account = p
            .account
            .iter()
            .map(|a| format!(", account = {}", quoted(a)));
        let zone = p
            .zone
            .iter()
            .map(|z| format!(", zone = {}", quoted(&modsim_policy::zone::zone_name(z))));
        let more: String = account.chain(zone).collect();
        if more.is_empty() {
            let _ = writeln!(out, "{} = {}", key(&p.id), quoted(&p.name));
        } else {
            let _ = writeln!(
                out,
                "{} = {{ name = {}{more} }}",
                key(&p.id),
                quoted(&p.name)
            );
        }
    }
    if !s.roles.is_empty() || !s.every_account.is_empty() {
        let _ = writeln!(out, "\n[roles]");
        for (role, party) in &s.roles {
            let _ = writeln!(out, "{} = {}", key(role), quoted(s.party_id(*party)));
        }
        for role in &s.every_account {
            let _ = writeln!(out, "{} = {}", key(role), quoted(EVERY_ACCOUNT));
        }
    }
    if let Some(file) = policy {
        let _ = writeln!(out, "\n[[policy]]\nfile = {}", quoted(file));
    }
    posts(&mut out, s);
    events(&mut out, s);
    provenance(&mut out, s);
    out
}

fn posts(out: &mut String, s: &Scenario) {
    if s.posts.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n[posts]");
    if let Some(by) = s.reported_by {
        let _ = writeln!(out, "reported_by = {}", quoted(s.party_id(by)));
    }
    if let Some(to) = s.reported_to {
        let _ = writeln!(out, "reported_to = {}", quoted(s.party_id(to)));
    }
    let _ = writeln!(out, "mark = {}", mark(s.posts_mark));
    for p in &s.posts {
        post(out, s, p);
    }
}

fn post(out: &mut String, s: &Scenario, p: &Post) {
    let _ = writeln!(out, "\n[[post]]\nid = {}", quoted(&p.id));
    let _ = writeln!(out, "published = {}", instant(p.published, &s.zone));
    if let Some(t) = p.reported {
        let _ = writeln!(out, "reported = {}", instant(t, &s.zone));
    }
    if let Some(t) = p.removed {
        let _ = writeln!(out, "removed = {}", instant(t, &s.zone));
    }
    let labels: Vec<String> = p
        .labels
        .indices()
        .filter_map(|i| s.labels.get(i))
        .map(|l| quoted(l))
        .collect();
    let _ = writeln!(out, "labels = [{}]", labels.join(", "));
    if !p.author.is_empty() {
        let _ = writeln!(out, "author = {}", quoted(&p.author));
    }
    if p.severity != 0 {
        let _ = writeln!(out, "severity = {}", p.severity);
    }
    if p.reach != 0 {
        let _ = writeln!(out, "reach = {}", p.reach);
    }
    if !p.description.is_empty() {
        let _ = writeln!(out, "description = {}", quoted(&p.description));
    }
    if let Some(platform) = p.platform {
        let _ = writeln!(out, "platform = {}", quoted(s.party_id(platform as usize)));
    }
}

/// Every event, in time order (an instant's events in the replay's order of phases), actions
/// in the scenario's order, so that event ids are the same when the file is read back.
fn events(out: &mut String, s: &Scenario) {
    let z = &s.zone;
    // (instant, order within it, table)
    let mut written: Vec<(Timestamp, u8, String)> = Vec::new();
    for n in &s.notices {
        written.push((n.at, 0, notice(s, n)));
    }
    for f in &s.facts {
        let e = format!(
            "kind = \"fact\"\nfact = {}\nvalue = {}\n",
            quoted(&f.name),
            f.value
        );
        written.push((
            f.at,
            1,
            common(e, f.at, z, &f.summary, f.mark, &f.reconstructed),
        ));
    }
    for d in &s.determinations {
        let mut e = format!(
            "kind = \"determination\"\nby = {}\ndetermines = {}\n",
            quoted(s.party_id(d.by)),
            quoted(&d.name)
        );
        if let Some(about) = d.about {
            let _ = writeln!(e, "about = {}", quoted(s.party_id(about)));
        }
        written.push((
            d.at,
            2,
            common(e, d.at, z, &d.summary, d.mark, &d.reconstructed),
        ));
    }
    for d in &s.deliveries {
        let e = format!(
            "kind = \"delivery\"\nfrom = {}\nto = {}\ndeliverable = {}\n",
            quoted(s.party_id(d.from)),
            quoted(s.party_id(d.to)),
            quoted(&d.deliverable)
        );
        written.push((
            d.at,
            2,
            common(e, d.at, z, &d.summary, d.mark, &d.reconstructed),
        ));
    }
    for a in &s.actions {
        written.push((a.at, 3, action(s, a)));
    }
    written.sort_by_key(|(at, order, _)| (*at, *order));
    for (_, _, e) in written {
        let _ = write!(out, "\n[[event]]\n{e}");
    }
}

/// A notice's table: whom from and to, the clauses it cites and the posts it names.
fn notice(s: &Scenario, n: &NoticeEvent) -> String {
    let mut e = format!(
        "kind = \"notice\"\nfrom = {}\nto = {}\n",
        quoted(s.party_id(n.from)),
        quoted(s.party_id(n.to))
    );
    if !n.cites.is_empty() {
        let cites: Vec<String> = n.cites.iter().map(|c| quoted(c)).collect();
        let _ = writeln!(e, "cites = [{}]", cites.join(", "));
    }
    if !n.posts.is_empty() {
        let posts: Vec<String> = n.posts.iter().map(|p| quoted(p)).collect();
        let _ = writeln!(e, "posts = [{}]", posts.join(", "));
    }
    common(e, n.at, &s.zone, &n.summary, n.mark, &n.reconstructed)
}

/// An action's table: who did what to whom, what it demands, how long it lasts.
fn action(s: &Scenario, a: &ActionEvent) -> String {
    let mut e = format!(
        "kind = \"action\"\nactor = {}\naction = {}\nagainst = {}\n",
        quoted(s.party_id(a.actor)),
        quoted(a.action.name()),
        quoted(s.party_id(a.against))
    );
    if let Some(d) = &a.demands {
        let _ = writeln!(e, "demands = {}", quoted(d));
    }
    if let Some(period) = &a.lasting {
        let _ = writeln!(e, "for = {}", quoted(&period.to_string()));
    }
    common(e, a.at, &s.zone, &a.summary, a.mark, &a.reconstructed)
}

/// An event's table: its instant, its own keys, then its summary and mark.
fn common(
    own: String,
    at: Timestamp,
    zone: &TimeZone,
    summary: &str,
    m: Mark,
    reconstructed: &Option<String>,
) -> String {
    let mut e = format!("at = {}\n{own}", instant(at, zone));
    let _ = writeln!(e, "summary = {}", quoted(summary));
    let _ = writeln!(e, "mark = {}", mark(m));
    if let Some(r) = reconstructed {
        let _ = writeln!(e, "reconstructed = {}", quoted(r));
    }
    e
}

fn provenance(out: &mut String, s: &Scenario) {
    let p = &s.provenance;
    let lists = [
        ("record", &p.record),
        ("reported", &p.reported),
        ("inferred", &p.inferred),
        ("reconstructed", &p.reconstructed),
    ];
    if lists.iter().all(|(_, l)| l.is_empty()) && p.generator.is_none() {
        return;
    }
    let _ = writeln!(out, "\n[provenance]");
    for (key, list) in lists {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{key} = [");
        for item in list {
            let _ = writeln!(out, "  {},", quoted(item));
        }
        let _ = writeln!(out, "]");
    }
    if let Some(g) = &p.generator {
        let _ = writeln!(out, "generator = {}", quoted(g));
    }
}
