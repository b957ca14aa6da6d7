//! Time zones by IANA name, and where a duty's deadline is counted (`zone` on a duty): in the
//! holder's zone (the default), the counterparty's, or a zone the clause names.
//!
//! A party sits in a zone (a scenario's `[parties]` entry may say which; otherwise the
//! scenario's). Calendar days, business days and "the end of the business day" begin and end
//! at midnight in the zone a deadline is counted in, so a holder in Paris and a counterparty in
//! Los Angeles can disagree about when "two business days" are up.

use jiff::tz::TimeZone;

use crate::diagnostic::did_you_mean;

/// Where a duty's deadline is counted, as its clause says (`zone = "holder"`, the default;
/// `zone = "counterparty"`; or an IANA name such as `zone = "Europe/Paris"`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DeadlineZone {
    /// In the zone of the party that owes the duty.
    #[default]
    Holder,
    /// In the zone of the party it is owed to: who reported or named the post, demanded the
    /// deliverable, or was acted against.
    Counterparty,
    /// In a zone the clause names.
    Named(TimeZone),
}

impl DeadlineZone {
    /// Reads what a clause writes: `holder`, `counterparty` or an IANA zone name.
    pub fn parse(text: &str) -> Result<DeadlineZone, UnknownZone> {
        match text.trim() {
            "holder" => Ok(DeadlineZone::Holder),
            "counterparty" => Ok(DeadlineZone::Counterparty),
            name => find_zone(name)
                .map(DeadlineZone::Named)
                .map_err(|mut unknown| {
                    // `counterpart` is a slip for `counterparty`, not a zone name.
                    if let Some(word) = did_you_mean(name, ["holder", "counterparty"]) {
                        unknown.close = Some(word.to_owned());
                    }
                    unknown
                }),
        }
    }
}

/// A time zone name the bundled database does not know, with the closest it does.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone `{name}`")]
pub struct UnknownZone {
    /// The name as written.
    pub name: String,
    /// A known name close to it, when there is one.
    pub close: Option<String>,
}

impl UnknownZone {
    /// The fix: the close name, or what a zone name looks like.
    pub fn help(&self) -> String {
        match &self.close {
            Some(close) => format!("did you mean `{close}`?"),
            None => {
                "use an IANA name such as `America/Los_Angeles`, `Europe/Paris` or `UTC`".to_owned()
            }
        }
    }
}

/// The zone an IANA name names, from the database built into the program (so every machine
/// agrees), or the closest name it knows.
///
/// ```
/// use modsim_policy::zone::find_zone;
/// assert!(find_zone("Europe/Paris").is_ok());
/// assert_eq!(find_zone("Europe/Pari").unwrap_err().close.as_deref(), Some("Europe/Paris"));
/// ```
pub fn find_zone(name: &str) -> Result<TimeZone, UnknownZone> {
    // Only names: a POSIX rule or a path is not a zone a file should name.
    let plain = !name.is_empty()
        && !name.starts_with('/')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if plain && let Ok(zone) = TimeZone::get(name) {
        return Ok(zone);
    }
    let known: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .collect();
    Err(UnknownZone {
        name: name.to_owned(),
        close: did_you_mean(name, known.iter().map(String::as_str)).map(str::to_owned),
    })
}

/// A zone's name for readers: its IANA name, or `UTC` / its offset when it has none.
pub fn zone_name(zone: &TimeZone) -> String {
    match zone.iana_name() {
        Some(name) => name.to_owned(),
        None => {
            let offset = zone.to_offset(jiff::Timestamp::UNIX_EPOCH);
            if offset.seconds() == 0 {
                "UTC".to_owned()
            } else {
                offset.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_read_by_name_with_did_you_mean() {
        assert_eq!(DeadlineZone::parse("holder"), Ok(DeadlineZone::Holder));
        assert_eq!(
            DeadlineZone::parse(" counterparty "),
            Ok(DeadlineZone::Counterparty)
        );
        assert_eq!(
            DeadlineZone::parse("Europe/Paris"),
            Ok(DeadlineZone::Named(TimeZone::get("Europe/Paris").unwrap()))
        );
        let bad = DeadlineZone::parse("America/Los_Angles").unwrap_err();
        assert_eq!(bad.to_string(), "unknown time zone `America/Los_Angles`");
        assert_eq!(bad.help(), "did you mean `America/Los_Angeles`?");
        assert_eq!(
            DeadlineZone::parse("counterpart").unwrap_err().help(),
            "did you mean `counterparty`?"
        );
        let far = find_zone("Mars/Olympus_Mons").unwrap_err();
        assert_eq!(far.close, None);
        assert!(far.help().contains("IANA"));
        // A path or a POSIX rule is not a name.
        assert!(find_zone("../../etc/passwd").is_err());
        assert!(find_zone("EST5EDT,M3.2.0,M11.1.0").is_err());
        assert_eq!(
            zone_name(&find_zone("Europe/Paris").unwrap()),
            "Europe/Paris"
        );
        assert_eq!(zone_name(&TimeZone::UTC), "UTC");
    }
}
